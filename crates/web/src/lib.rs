//! Durable's HTTP layer: server-rendered pages (askama + htmx) for people and a JSON API
//! (`/api/v1`, OpenAPI) for integrations, both calling the same `durable-app` use cases.

mod api;
mod error;
mod metrics;
mod observe;
mod paging;
mod security;
mod session;
mod views;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit};
use durable_app::App;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub use api::openapi_document;

/// Request bodies larger than this are refused with 413 (forms and JSON are small; documents
/// will get their own limit when uploads arrive).
pub const BODY_LIMIT: usize = 256 * 1024;

/// A client gets this long to send its body (uploads of 20 MB included, on a slow line).
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long open requests get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// How long a client gets to send a request's headers; a connection left half-sent is
    /// closed after it.
    pub header_read_timeout: Duration,
    /// Connections served at once; the next ones wait in the listen queue. The default stays
    /// well under the usual 65,536 open files, so the database and documents keep descriptors.
    pub max_connections: usize,
    /// Mark cookies `Secure` and send HSTS (set when Durable is served over TLS).
    pub secure_cookies: bool,
    /// Client addresses that may read `/metrics` without a token (a Prometheus scraper).
    pub metrics_addresses: Vec<std::net::IpAddr>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 4_096,
            secure_cookies: false,
            metrics_addresses: Vec::new(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub app: App,
    pub config: WebConfig,
    pub metrics: std::sync::Arc<metrics::Metrics>,
}

/// The whole application: pages, API, metrics, health check and static files.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState {
        app,
        config,
        metrics: std::sync::Arc::default(),
    };
    let routes = Router::new()
        .merge(views::routes())
        .nest("/api/v1", api::routes())
        .merge(metrics::routes());
    with_layers(routes, state)
}

/// What wraps every route: CSRF and security headers, body limits, caught panics and the
/// request's span, id, log line and figures.
fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_and_headers,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_READ_TIMEOUT,
        ))
        // Inside `observe`, so that the panic's answer can quote the request id.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            observe::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

/// Serves on `listener` until Ctrl-C or SIGTERM, HTTP/1.1 with read timeouts and at most
/// `config.max_connections` connections. Tests pass a listener bound to port 0.
pub async fn serve(listener: TcpListener, app: App, config: WebConfig) -> std::io::Result<()> {
    let header_read_timeout = config.header_read_timeout;
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let router = router(app, config);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors or a connection reset before it was taken: wait a
                    // moment rather than spin.
                    tracing::warn!(%err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request| {
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still open at shutdown were cut off");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on purpose.
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use http_body_util::BodyExt;

    use super::*;

    #[allow(clippy::panic)] // The point of the test.
    async fn broken() -> &'static str {
        panic!("a bug in a handler")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_request_id() {
        let db = durable_store::testing::sqlite().await;
        let app = App::new(
            db.store.clone(),
            durable_domain::clock::Clock::system(time::UtcOffset::UTC),
        );
        let state = AppState {
            app,
            config: WebConfig::default(),
            metrics: Arc::default(),
        };
        let routes = Router::new()
            .route("/api/v1/broken", get(broken))
            .route("/broken", get(broken));
        let router = with_layers(routes, state);
        for (path, json) in [("/api/v1/broken", true), ("/broken", false)] {
            let response = router
                .clone()
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let id = response.headers()[observe::REQUEST_ID_HEADER]
                .to_str()
                .unwrap()
                .to_owned();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            let body = String::from_utf8_lossy(&body);
            assert!(body.contains(&id), "{path}: {body}");
            assert_eq!(body.starts_with('{'), json, "{body}");
        }
    }
}
