//! Who is asking: the session cookie for people, a bearer token for integrations.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use durable_app::{Actor, auth};

use crate::AppState;
use crate::error::{ApiError, json_error};
use crate::observe::RequestActor;
use crate::security::CsrfToken;

/// The cookie that carries the session secret.
pub(crate) const SESSION_COOKIE: &str = "durable_session";

/// The client's address, for the audit trail.
fn source(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(addr)| addr.ip().to_string(),
        )
}

/// Tells the request's observer who is acting (its log line and a refusal's audit event).
fn noted(parts: &Parts, actor: Actor) -> Actor {
    if let Some(slot) = parts.extensions.get::<RequestActor>() {
        slot.set(&actor);
    }
    actor
}

/// A logged-in person with their session secret and the page's CSRF token.
#[derive(Clone, Debug)]
pub(crate) struct PageActor {
    pub actor: Actor,
    pub session: String,
    pub csrf: String,
}

/// The session secret from the cookie, if any.
pub(crate) fn session_secret(parts: &Parts) -> Option<String> {
    CookieJar::from_headers(&parts.headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

impl FromRequestParts<AppState> for PageActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let to_login = || Redirect::to("/login").into_response();
        let Some(secret) = session_secret(parts) else {
            return Err(to_login());
        };
        match auth::resolve_session(&state.app, &secret, &source(parts)).await {
            Ok(Some(actor)) => Ok(PageActor {
                actor: noted(parts, actor),
                session: secret,
                csrf,
            }),
            Ok(None) => Err(to_login()),
            Err(err) => Err(crate::views::error_page(err, None)),
        }
    }
}

/// The CSRF token for pages shown before login.
pub(crate) struct Csrf(pub String);

impl FromRequestParts<AppState> for Csrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Csrf(
            parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
        ))
    }
}

/// The client address of a request (for login auditing).
pub(crate) struct ClientSource(pub String);

impl FromRequestParts<AppState> for ClientSource {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientSource(source(parts)))
    }
}

/// An integration authenticated by `Authorization: Bearer <token>`.
#[derive(Clone, Debug)]
pub(crate) struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = |message: &str| {
            json_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                message.to_owned(),
                vec![],
            )
        };
        let Some(value) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(unauthenticated(
                "Send an API token as 'Authorization: Bearer <token>'.",
            ));
        };
        let Some(secret) = value.strip_prefix("Bearer ").map(str::trim) else {
            return Err(unauthenticated(
                "Send an API token as 'Authorization: Bearer <token>'.",
            ));
        };
        match auth::resolve_token(&state.app, secret, &source(parts)).await {
            Ok(Some(actor)) => Ok(ApiActor(noted(parts, actor))),
            Ok(None) => Err(unauthenticated("This API token is unknown or revoked.")),
            Err(err) => Err(ApiError(err).into_response()),
        }
    }
}
