//! `/api/v1/prior-auths`: prior-authorization requests and their queue.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use durable_app::prior_auth::{self, PriorAuthForm, PriorAuthView};
use serde::Deserialize;

use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/prior-auths", get(queue).post(create))
        .route("/prior-auths/{id}", get(show).put(update))
}

/// Queue parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct QueueParams {
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

/// The queue: requests by status (work to do first), then soonest expiry.
#[utoipa::path(get, path = "/api/v1/prior-auths", params(QueueParams), tag = "prior authorization",
    responses((status = 200, body = Page<PriorAuthView>), (status = 403, body = ErrorBody)))]
pub(super) async fn queue(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<Page<PriorAuthView>>, ApiError> {
    let (items, next) = prior_auth::queue(&state.app, &actor, params.cursor).await?;
    Ok(Page::new(items, next))
}

/// Adds a request; the patient's held orders are checked again.
#[utoipa::path(post, path = "/api/v1/prior-auths", request_body = PriorAuthForm, tag = "prior authorization",
    responses((status = 201, body = PriorAuthView), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<PriorAuthForm>,
) -> Result<Response, ApiError> {
    let id = prior_auth::save(&state.app, &actor, None, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(prior_auth::get(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a request.
#[utoipa::path(get, path = "/api/v1/prior-auths/{id}", tag = "prior authorization",
    responses((status = 200, body = PriorAuthView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<PriorAuthView>, ApiError> {
    Ok(Json(
        prior_auth::get(&state.app, &actor, parse_id(&id, "prior authorization")?).await?,
    ))
}

/// Replaces a request (a decision arrived, it expired …).
#[utoipa::path(put, path = "/api/v1/prior-auths/{id}", request_body = PriorAuthForm, tag = "prior authorization",
    responses((status = 200, body = PriorAuthView), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<PriorAuthForm>,
) -> Result<Json<PriorAuthView>, ApiError> {
    let id = parse_id(&id, "prior authorization")?;
    prior_auth::save(&state.app, &actor, Some(id), &form).await?;
    Ok(Json(prior_auth::get(&state.app, &actor, id).await?))
}
