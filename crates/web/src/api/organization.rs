//! The administrator's API: `/api/v1/organization/settings` and the failed background jobs.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use durable_app::AppError;
use durable_app::jobs::{self, JobView};
use durable_app::settings::{self, SettingsForm, SettingsView};

use super::{ApiJson, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/organization/settings", get(show).put(update))
        .route("/jobs/failed", get(failed_jobs))
        .route("/jobs/{id}/retry", post(retry_job))
}

/// The organization's settings; 404 until they are first saved.
#[utoipa::path(get, path = "/api/v1/organization/settings", tag = "organization",
    responses((status = 200, body = SettingsView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SettingsView>, ApiError> {
    settings::get(&state.app, &actor)
        .await?
        .map(Json)
        .ok_or(ApiError(AppError::NotFound("organization settings")))
}

/// Replaces the organization's settings; "today" follows the new time zone at once.
#[utoipa::path(put, path = "/api/v1/organization/settings", request_body = SettingsForm, tag = "organization",
    responses((status = 200, body = SettingsView), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<SettingsForm>,
) -> Result<Json<SettingsView>, ApiError> {
    settings::save(&state.app, &actor, &form).await?;
    settings::get(&state.app, &actor)
        .await?
        .map(Json)
        .ok_or(ApiError(AppError::NotFound("organization settings")))
}

/// Background jobs that used up their attempts, newest first, with their last error.
#[utoipa::path(get, path = "/api/v1/jobs/failed", tag = "organization",
    responses((status = 200, body = Page<JobView>), (status = 403, body = ErrorBody)))]
pub(super) async fn failed_jobs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Page<JobView>>, ApiError> {
    Ok(Page::new(
        jobs::failed(&state.app, &actor).await?,
        None::<String>,
    ))
}

/// Queues a failed job again with fresh attempts.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "organization",
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn retry_job(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    jobs::retry(&state.app, &actor, parse_id(&id, "job")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
