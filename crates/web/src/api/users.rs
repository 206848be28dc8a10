//! `/api/v1/users`: what an administrator does to staff accounts from a tool.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use durable_app::auth;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/users/{username}/unlock", post(unlock))
}

/// Lifts a user's lock-out after failed logins (administrators).
#[utoipa::path(post, path = "/api/v1/users/{username}/unlock", tag = "users",
    params(("username" = String, Path, description = "The user's login name.")),
    responses((status = 204, description = "Unlocked."), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn unlock(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(username): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth::unlock_user(&state.app, &actor, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
