//! `/api/v1/price-options`, `/api/v1/allowed-amount`, `/api/v1/fee-schedules` and
//! `/api/v1/rural-zips`: pricing.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use durable_app::pricing::{
    self, Allowed, AllowedQuery, FeeScheduleImportView, FeeScheduleSummary, PriceOptionForm,
    PriceOptionView, RuralZipSummary,
};
use serde::Deserialize;

use super::catalog::{HCPCS_FILE_LIMIT, file_body};
use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    // A CMS fee schedule file is a few MB, like the HCPCS file, so it shares that limit.
    Router::new()
        .route("/price-options", get(list).post(create))
        .route("/price-options/{id}", get(show).put(update))
        .route("/allowed-amount", get(allowed))
        .route(
            "/fee-schedules/imports",
            get(imports)
                .post(import_fee_schedule)
                .layer(DefaultBodyLimit::max(HCPCS_FILE_LIMIT)),
        )
        .route(
            "/rural-zips/imports",
            post(import_rural_zips).layer(DefaultBodyLimit::max(HCPCS_FILE_LIMIT)),
        )
}

/// Filters of the price option list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// Only this payer's options (its plans' included).
    payer_id: Option<String>,
    /// Only options for this HCPCS code.
    hcpcs: Option<String>,
}

/// Lists price options (all of them on one page: a supplier configures dozens, not thousands).
#[utoipa::path(get, path = "/api/v1/price-options", params(ListParams), tag = "pricing",
    responses((status = 200, body = Page<PriceOptionView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<PriceOptionView>>, ApiError> {
    let items = pricing::price_options(
        &state.app,
        &actor,
        params.payer_id.as_deref(),
        params.hcpcs.as_deref(),
    )
    .await?;
    Ok(Page::new(items, None::<u64>))
}

/// Adds a price option for a payer (or one of its plans) and HCPCS code.
#[utoipa::path(post, path = "/api/v1/price-options", request_body = PriceOptionForm, tag = "pricing",
    responses((status = 201, body = PriceOptionView), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<PriceOptionForm>,
) -> Result<Response, ApiError> {
    let id = pricing::create_price_option(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(pricing::price_option(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a price option; `price_option` is the billing engine's input as it stands.
#[utoipa::path(get, path = "/api/v1/price-options/{id}", tag = "pricing",
    responses((status = 200, body = PriceOptionView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<PriceOptionView>, ApiError> {
    Ok(Json(
        pricing::price_option(&state.app, &actor, parse_id(&id, "price option")?).await?,
    ))
}

/// Replaces a price option.
#[utoipa::path(put, path = "/api/v1/price-options/{id}", request_body = PriceOptionForm, tag = "pricing",
    responses((status = 200, body = PriceOptionView), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<PriceOptionForm>,
) -> Result<Json<PriceOptionView>, ApiError> {
    let id = parse_id(&id, "price option")?;
    pricing::update_price_option(&state.app, &actor, id, &form).await?;
    Ok(Json(pricing::price_option(&state.app, &actor, id).await?))
}

/// The allowed amount for a payer (and plan), HCPCS code, modifiers and rental month, with
/// where it comes from: Medicare's fee schedule by state and rural ZIP, else the price option.
#[utoipa::path(get, path = "/api/v1/allowed-amount", params(AllowedQuery), tag = "pricing",
    responses((status = 200, body = Allowed), (status = 422, body = ErrorBody)))]
pub(super) async fn allowed(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<AllowedQuery>,
) -> Result<Json<Allowed>, ApiError> {
    Ok(Json(
        pricing::allowed_amount(&state.app, &actor, &query).await?,
    ))
}

/// Fee schedule import parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FeeScheduleParams {
    /// The file's name, kept in the import history.
    name: Option<String>,
    /// The date the amounts take effect (YYYY-MM-DD); the current quarter's first day if absent.
    effective: Option<String>,
}

/// Imports a CMS DMEPOS fee schedule CSV sent as the request body.
#[utoipa::path(post, path = "/api/v1/fee-schedules/imports", params(FeeScheduleParams), tag = "pricing",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = FeeScheduleSummary), (status = 422, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn import_fee_schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<FeeScheduleParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = match file_body(body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let name = params.name.as_deref().unwrap_or("uploaded fee schedule");
    let summary =
        pricing::import_fee_schedule(&state.app, &actor, name, &body, params.effective.as_deref())
            .await?;
    Ok(Json(summary).into_response())
}

/// Lists fee schedule imports, newest first.
#[utoipa::path(get, path = "/api/v1/fee-schedules/imports", tag = "pricing",
    responses((status = 200, body = Page<FeeScheduleImportView>), (status = 403, body = ErrorBody)))]
pub(super) async fn imports(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Page<FeeScheduleImportView>>, ApiError> {
    let items = pricing::fee_schedule_imports(&state.app, &actor).await?;
    Ok(Page::new(items, None::<u64>))
}

/// Rural ZIP import parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RuralZipParams {
    /// The file's name, kept in the audit trail.
    name: Option<String>,
}

/// Replaces the list of ZIP codes priced as rural with a CSV (`zip` column, optional `rural`
/// Y/N column) sent as the request body. ZIPs not on the list are priced as non-rural.
#[utoipa::path(post, path = "/api/v1/rural-zips/imports", params(RuralZipParams), tag = "pricing",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = RuralZipSummary), (status = 422, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn import_rural_zips(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<RuralZipParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = match file_body(body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let name = params.name.as_deref().unwrap_or("uploaded rural ZIP list");
    let summary = pricing::import_rural_zips(&state.app, &actor, name, &body).await?;
    Ok(Json(summary).into_response())
}
