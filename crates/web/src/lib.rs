//! Durable's HTTP layer: server-rendered pages (askama + htmx) for people and a JSON API
//! (`/api/v1`, OpenAPI) for integrations, both calling the same `durable-app` use cases.

mod api;
mod error;
mod security;
mod session;
mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use durable_app::App;
use tokio::net::TcpListener;

pub use api::openapi_document;

/// Request bodies larger than this are refused with 413 (forms and JSON are small; documents
/// will get their own limit when uploads arrive).
pub const BODY_LIMIT: usize = 256 * 1024;

/// Settings of the HTTP layer.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS (set when Durable is served over TLS).
    pub secure_cookies: bool,
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// The whole application: pages, API, health check and static files.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = AppState { app, config };
    Router::new()
        .merge(views::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_and_headers,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Serves on `listener` until Ctrl-C or SIGTERM. Tests pass a listener bound to port 0.
pub async fn serve(listener: TcpListener, app: App, config: WebConfig) -> std::io::Result<()> {
    let service = router(app, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
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
