//! `/api/v1/prescribers`, `/api/v1/referral-sources` and `/api/v1/payers`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use durable_app::directory::{
    self, PayerView, PrescriberForm, PrescriberView, ReferralSourceForm, ReferralSourceView,
};
use serde::Deserialize;

use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/prescribers",
            get(list_prescribers).post(create_prescriber),
        )
        .route(
            "/prescribers/{id}",
            get(show_prescriber).put(update_prescriber),
        )
        .route("/referral-sources", get(list_sources).post(create_source))
        .route(
            "/referral-sources/{id}",
            get(show_source).put(update_source),
        )
        .route("/payers", get(list_payers))
}

/// Search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// Family-name (or source-name) prefix, or an NPI for prescribers.
    q: Option<String>,
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

/// Searches prescribers.
#[utoipa::path(get, path = "/api/v1/prescribers", params(ListParams), tag = "prescribers",
    responses((status = 200, body = Page<PrescriberView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_prescribers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<PrescriberView>>, ApiError> {
    let (items, next) = directory::search_prescribers(
        &state.app,
        &actor,
        params.q.as_deref().unwrap_or(""),
        params.cursor,
    )
    .await?;
    Ok(Page::new(items, next))
}

/// Adds a prescriber.
#[utoipa::path(post, path = "/api/v1/prescribers", request_body = PrescriberForm, tag = "prescribers",
    responses((status = 201, body = PrescriberView), (status = 422, body = ErrorBody)))]
pub(super) async fn create_prescriber(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<PrescriberForm>,
) -> Result<Response, ApiError> {
    let id = directory::add_prescriber(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(directory::prescriber(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a prescriber.
#[utoipa::path(get, path = "/api/v1/prescribers/{id}", tag = "prescribers",
    responses((status = 200, body = PrescriberView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_prescriber(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<PrescriberView>, ApiError> {
    Ok(Json(
        directory::prescriber(&state.app, &actor, parse_id(&id, "prescriber")?).await?,
    ))
}

/// Replaces a prescriber.
#[utoipa::path(put, path = "/api/v1/prescribers/{id}", request_body = PrescriberForm, tag = "prescribers",
    responses((status = 200, body = PrescriberView), (status = 422, body = ErrorBody)))]
pub(super) async fn update_prescriber(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<PrescriberForm>,
) -> Result<Json<PrescriberView>, ApiError> {
    let id = parse_id(&id, "prescriber")?;
    directory::update_prescriber(&state.app, &actor, id, &form).await?;
    Ok(Json(directory::prescriber(&state.app, &actor, id).await?))
}

/// Searches referral sources.
#[utoipa::path(get, path = "/api/v1/referral-sources", params(ListParams), tag = "referral sources",
    responses((status = 200, body = Page<ReferralSourceView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_sources(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<ReferralSourceView>>, ApiError> {
    let (items, next) = directory::search_referral_sources(
        &state.app,
        &actor,
        params.q.as_deref().unwrap_or(""),
        params.cursor,
    )
    .await?;
    Ok(Page::new(items, next))
}

/// Adds a referral source.
#[utoipa::path(post, path = "/api/v1/referral-sources", request_body = ReferralSourceForm, tag = "referral sources",
    responses((status = 201, body = ReferralSourceView), (status = 422, body = ErrorBody)))]
pub(super) async fn create_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<ReferralSourceForm>,
) -> Result<Response, ApiError> {
    let id = directory::add_referral_source(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(directory::referral_source(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a referral source with its prescribers.
#[utoipa::path(get, path = "/api/v1/referral-sources/{id}", tag = "referral sources",
    responses((status = 200, body = ReferralSourceView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<ReferralSourceView>, ApiError> {
    Ok(Json(
        directory::referral_source(&state.app, &actor, parse_id(&id, "referral source")?).await?,
    ))
}

/// Replaces a referral source.
#[utoipa::path(put, path = "/api/v1/referral-sources/{id}", request_body = ReferralSourceForm, tag = "referral sources",
    responses((status = 200, body = ReferralSourceView), (status = 422, body = ErrorBody)))]
pub(super) async fn update_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ReferralSourceForm>,
) -> Result<Json<ReferralSourceView>, ApiError> {
    let id = parse_id(&id, "referral source")?;
    directory::update_referral_source(&state.app, &actor, id, &form).await?;
    Ok(Json(
        directory::referral_source(&state.app, &actor, id).await?,
    ))
}

/// Every payer with its plans.
#[utoipa::path(get, path = "/api/v1/payers", tag = "payers",
    responses((status = 200, body = Page<PayerView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_payers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Page<PayerView>>, ApiError> {
    Ok(Page::new(
        directory::payers(&state.app, &actor).await?,
        None::<String>,
    ))
}
