//! `/api/v1` deliveries: tickets planned from Ready orders, scheduling, the hand-over at the stop
//! with its signature and proof of delivery, failed attempts, and a technician's stops of a day.

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use durable_app::deliveries::{
    self, Completed, CompletionForm, FailureForm, MAX_SIGNATURE_BYTES, ScheduleForm, TicketForm,
    TicketView,
};
use durable_domain::validation::{FieldErrors, parse_date};
use serde::Deserialize;

use super::{ApiJson, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

/// Room for a signature at the largest size accepted, base64-encoded, and the rest of the form;
/// a larger one gets the app's own message rather than a bare 413.
pub(crate) const COMPLETION_BODY_LIMIT: usize = MAX_SIGNATURE_BYTES * 2;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/deliveries", post(create))
        .route("/deliveries/{id}", get(show))
        .route("/deliveries/{id}/schedule", post(schedule))
        .route(
            "/deliveries/{id}/complete",
            post(complete).layer(DefaultBodyLimit::max(COMPLETION_BODY_LIMIT)),
        )
        .route("/deliveries/{id}/fail", post(fail))
        .route("/stops", get(stops))
}

/// The signature's bytes from a data URL (`data:image/png;base64,…`) or bare base64. Text that is
/// not base64 is passed on as it is, so the hand-over refuses it as not an image.
pub(crate) fn signature_bytes(text: &str) -> Vec<u8> {
    let text = text.trim();
    let encoded = text.split_once(";base64,").map_or(text, |(_, data)| data);
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| text.as_bytes().to_vec())
}

/// Plans a delivery of a Ready order; a held or cancelled order is a 409 with the reason.
#[utoipa::path(post, path = "/api/v1/deliveries", request_body = TicketForm, tag = "deliveries",
    responses((status = 201, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<TicketForm>,
) -> Result<Response, ApiError> {
    let id = deliveries::create(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(deliveries::ticket(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// A delivery with its stop details (name, address, phone, items), checklists and history.
#[utoipa::path(get, path = "/api/v1/deliveries/{id}", tag = "deliveries",
    responses((status = 200, body = TicketView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, ApiError> {
    let id = parse_id(&id, "delivery")?;
    Ok(Json(deliveries::ticket(&state.app, &actor, id).await?))
}

/// Schedules or reschedules a delivery; the history keeps the earlier plan.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/schedule", request_body = ScheduleForm, tag = "deliveries",
    responses((status = 200, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn schedule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ScheduleForm>,
) -> Result<Json<TicketView>, ApiError> {
    let id = parse_id(&id, "delivery")?;
    deliveries::schedule(&state.app, &actor, id, &form).await?;
    Ok(Json(deliveries::ticket(&state.app, &actor, id).await?))
}

/// The hand-over as JSON: the completion form and the signature.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CompletionBody {
    #[serde(flatten)]
    form: CompletionForm,
    /// The signature drawn on the screen: a PNG as a data URL or base64 (at most 1 MB).
    #[serde(default)]
    signature_png: Option<String>,
}

/// Records the hand-over: units, stock, order Delivered, proof of delivery, billing episodes, in
/// one transaction. A second completion is a 409 and changes nothing.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/complete", request_body = CompletionBody, tag = "deliveries",
    responses((status = 200, body = Completed), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn complete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CompletionBody>,
) -> Result<Json<Completed>, ApiError> {
    let id = parse_id(&id, "delivery")?;
    let signature = body
        .signature_png
        .as_deref()
        .map(signature_bytes)
        .unwrap_or_default();
    Ok(Json(
        deliveries::complete(&state.app, &actor, id, &body.form, &signature).await?,
    ))
}

/// Records a failed attempt with its reason and, when agreed, the new day.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/fail", request_body = FailureForm, tag = "deliveries",
    responses((status = 200, body = TicketView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn fail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<FailureForm>,
) -> Result<Json<TicketView>, ApiError> {
    let id = parse_id(&id, "delivery")?;
    deliveries::fail(&state.app, &actor, id, &form).await?;
    Ok(Json(deliveries::ticket(&state.app, &actor, id).await?))
}

/// The day of a technician's stops.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct StopParams {
    /// The day (YYYY-MM-DD); today when left out.
    day: Option<String>,
}

/// The calling technician's stops of a day, in order.
#[utoipa::path(get, path = "/api/v1/stops", params(StopParams), tag = "deliveries",
    responses((status = 200, body = Vec<TicketView>), (status = 403, body = ErrorBody)))]
pub(super) async fn stops(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<StopParams>,
) -> Result<Json<Vec<TicketView>>, ApiError> {
    let day = match params.day.as_deref().map(str::trim) {
        None | Some("") => state.app.clock.today(),
        Some(text) => parse_date(text).map_err(|e| FieldErrors::single("day", e.0))?,
    };
    Ok(Json(deliveries::stops(&state.app, &actor, day).await?))
}
