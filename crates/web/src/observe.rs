//! What every request leaves behind: an id (answered in `x-request-id`, shown on error pages,
//! in every log line of the request through its span), one log line with method, route, status
//! and latency, the latency in the route's histogram, an audit event when a role was refused, and
//! a 500 that quotes the id when a handler panics.

use std::any::Any;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::HttpBody as _;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use durable_app::{Actor, auth};
use tracing::Instrument;

use crate::AppState;
use crate::error::{internal_message, json_error};

/// The header that carries the request id back to the client.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: RequestScope;
}

/// What code running inside a request may ask about it.
#[derive(Clone, Debug)]
struct RequestScope {
    id: String,
    api: bool,
}

/// The id of the request being served, if any (error messages quote it).
pub(crate) fn request_id() -> Option<String> {
    CURRENT.try_with(|scope| scope.id.clone()).ok()
}

/// Who the request turned out to be from, filled in by the session and token extractors so
/// that the request's log line and a refusal's audit event can name them.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestActor(Arc<Mutex<Option<Actor>>>);

impl RequestActor {
    pub(crate) fn set(&self, actor: &Actor) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(actor.clone());
        }
    }

    fn get(&self) -> Option<Actor> {
        self.0.lock().ok().and_then(|slot| slot.clone())
    }
}

/// Runs a request inside its span and records its outcome.
pub(crate) async fn observe(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let api = request.uri().path().starts_with("/api/");
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = %route,
        user = tracing::field::Empty,
    );
    let actor = RequestActor::default();
    let mut request = request;
    request.extensions_mut().insert(actor.clone());
    let started = Instant::now();
    let scope = RequestScope {
        id: id.clone(),
        api,
    };
    let mut response = CURRENT
        .scope(scope, next.run(request))
        .instrument(span.clone())
        .await;
    let elapsed = started.elapsed();
    let status = response.status();
    let actor = actor.get();
    if let Some(actor) = &actor {
        span.record("user", actor.username.as_str());
    }
    state
        .metrics
        .record_request(method.as_str(), &route, status, elapsed);
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    if status == StatusCode::FORBIDDEN
        && let Some(actor) = actor
    {
        let what = format!("{method} {route}");
        if let Err(err) = auth::record_refusal(&state.app, &actor, &what)
            .instrument(span.clone())
            .await
        {
            span.in_scope(|| tracing::error!(%err, "the refusal could not be audited"));
        }
    }
    if status == StatusCode::METHOD_NOT_ALLOWED && response.body().size_hint().exact() == Some(0) {
        response = method_not_allowed(response, api);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Gives the router's bare 405 a body, keeping its `Allow` header.
fn method_not_allowed(response: Response, api: bool) -> Response {
    let (parts, _) = response.into_parts();
    let message =
        "This address does not answer this method; the Allow header lists the ones it does.";
    let answer = if api {
        json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message.into(),
            vec![],
        )
    } else {
        (StatusCode::METHOD_NOT_ALLOWED, message).into_response()
    };
    let (answer_parts, body) = answer.into_parts();
    let mut parts = parts;
    for (name, value) in &answer_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// The answer to a handler that panicked: a 500 quoting the request id, as JSON for the API.
/// The panic's message may hold data, so only its presence is logged (in the request's span).
pub(crate) fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    let message = internal_message();
    if CURRENT.try_with(|scope| scope.api).unwrap_or(false) {
        json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            message,
            vec![],
        )
    } else {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(format!(
                "<!doctype html><title>Something went wrong · Durable</title><h1>Something went wrong</h1><p role=\"alert\">{message}</p><p><a href=\"/\">Back to the home page</a></p>"
            )),
        )
            .into_response()
    }
}
