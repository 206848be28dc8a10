//! Cross-site request forgery protection and strict security headers for every response.
//!
//! CSRF uses the double-submit pattern: every visitor gets a random `durable_csrf` cookie, and
//! every page form sends the same value back in a hidden `csrf` field (or an `X-CSRF-Token`
//! header). The check runs here for every state-changing page request, so no handler can forget
//! it. The JSON API is exempt: it authenticates with bearer tokens, which browsers never attach
//! on their own.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::{AppState, BODY_LIMIT};

/// The cookie that carries the CSRF token.
pub(crate) const CSRF_COOKIE: &str = "durable_csrf";

/// The CSRF token of this request, for templates to put in their forms.
#[derive(Clone, Debug)]
pub(crate) struct CsrfToken(pub String);

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of the `csrf` field in a URL-encoded form body.
fn form_token(body: &[u8]) -> Option<String> {
    url_decoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

fn url_decoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// Builds a cookie with the attributes every Durable cookie carries.
pub(crate) fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

/// Checks the CSRF token of state-changing page requests and adds the security headers.
pub(crate) async fn csrf_and_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 32);
    let token = existing
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let is_api = request.uri().path().starts_with("/api/");
    let static_asset = request.uri().path().starts_with("/static/");

    let (parts, body) = request.into_parts();
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let request = if is_safe(&parts.method) || is_api {
        Request::from_parts(parts, body)
    } else if multipart {
        // Uploads are too large to buffer here; their form carries the token in its action URL.
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| parts.uri.query().and_then(|q| form_token(q.as_bytes())));
        let valid = matches!((&existing, &sent), (Some(cookie), Some(sent)) if same(cookie, sent));
        if !valid {
            return csrf_refused();
        }
        Request::from_parts(parts, body)
    } else {
        let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response();
        };
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| form_token(&bytes));
        let valid = matches!((&existing, &sent), (Some(cookie), Some(sent)) if same(cookie, sent));
        if !valid {
            return csrf_refused();
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    let mut request = request;
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    let secure = state.config.secure_cookies;
    let headers = response.headers_mut();
    add_security_headers(headers, secure, static_asset);
    if existing.is_none()
        && !is_api
        && !static_asset
        && let Ok(value) = HeaderValue::from_str(&cookie(CSRF_COOKIE, token, secure).to_string())
    {
        headers.append(header::SET_COOKIE, value);
    }
    response
}

fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "This form has expired or did not come from Durable. Go back, reload the page and try again.",
    )
        .into_response()
}

/// Strict headers: only our own scripts and styles, no framing, no referrer, no caching of
/// pages (they hold PHI); HSTS when served over TLS.
fn add_security_headers(headers: &mut HeaderMap, secure: bool, static_asset: bool) {
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let cache = if static_asset {
        "public, max-age=86400"
    } else {
        "no-store"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // A page and its htmx fragment share a URL: caches must keep them apart.
    headers.append(header::VARY, HeaderValue::from_static("HX-Request"));
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole_and_forms_yield_their_token() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert_eq!(form_token(b"a=1&csrf=xyz&b=2").as_deref(), Some("xyz"));
        assert_eq!(form_token(b"a=1"), None);
    }
}
