//! `/api/v1/billing/…`: the rental simulator, the claim-line checks and the appeal deadlines for
//! integrations. None of them reads or writes patient data, so nothing is audited.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use durable_app::{Permission, billing};
use durable_domain::billing::RentalInput;
use durable_domain::billing::appeals::{AppealDeadline, AppealRequest};
use durable_domain::billing::checks::{LinesChecked, LinesToCheck, check_request};
use durable_domain::validation::FieldErrors;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/billing/simulate", post(simulate))
        .route("/billing/check-lines", post(check_lines))
        .route("/billing/appeal-deadline", post(appeal))
}

/// The body as `T`, or a 422 naming what is wrong.
fn body_as<T: DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|err| {
        FieldErrors::single("body", format!("The JSON does not describe {what}: {err}.")).into()
    })
}

/// Schedules a described rental month by month, with modifiers, amounts and the rules behind
/// every line and skipped month. The body and answer are documented in docs/billing-rules.md
/// and docs/examples/.
#[utoipa::path(post, path = "/api/v1/billing/simulate", tag = "billing",
    request_body(content = serde_json::Value, description = "A rental: item, payer, first_date_of_service, through, documentation, events"),
    responses((status = 200, description = "The schedule", body = serde_json::Value), (status = 422, body = ErrorBody)))]
pub(super) async fn simulate(
    State(_state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<durable_domain::billing::Schedule>, ApiError> {
    // The role is checked before the body is read, so a refused caller learns nothing from it.
    actor.require(Permission::BillingSimulate)?;
    let input: RentalInput = body_as(&body, "a rental")?;
    Ok(Json(billing::simulate(&actor, &input)?))
}

/// Checks claim lines as a caller writes them (HCPCS, modifiers, rental month, date of service,
/// payer): modifier conflicts and order, the timely-filing limit as of `filed_on` (default
/// today), and, with the `rental` they bill, KX on a date its documentation leaves uncovered.
/// Answers every finding and each Medicare line's filing deadline.
#[utoipa::path(post, path = "/api/v1/billing/check-lines", tag = "billing",
    request_body(content = serde_json::Value, description = "lines (hcpcs, modifiers, from, rental_month, payer), optional rental and filed_on"),
    responses((status = 200, description = "Findings and filing deadlines", body = serde_json::Value), (status = 422, body = ErrorBody)))]
pub(super) async fn check_lines(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<LinesChecked>, ApiError> {
    actor.require(Permission::BillingSimulate)?;
    let request: LinesToCheck = body_as(&body, "claim lines")?;
    let checked = check_request(&request, state.app.clock.today())
        .map_err(|err| FieldErrors::single(&err.field, err.message))?;
    Ok(Json(checked))
}

/// The last day to request an appeal level (redetermination, reconsideration, alj_hearing,
/// appeals_council, judicial_review) after a decision noticed on `notice_date`, and for an ALJ
/// hearing or judicial review the year's amount-in-controversy minimum and whether
/// `amount_in_controversy` (cents) meets it.
#[utoipa::path(post, path = "/api/v1/billing/appeal-deadline", tag = "billing",
    request_body(content = serde_json::Value, description = "level, notice_date, optional filed_on and amount_in_controversy (cents)"),
    responses((status = 200, description = "The deadline", body = serde_json::Value), (status = 422, body = ErrorBody)))]
pub(super) async fn appeal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Bytes,
) -> Result<Json<AppealDeadline>, ApiError> {
    actor.require(Permission::BillingSimulate)?;
    let request: AppealRequest = body_as(&body, "an appeal question")?;
    let deadline = request
        .answer(state.app.clock.today())
        .map_err(|err| FieldErrors::single(err.field, err.message))?;
    Ok(Json(deadline))
}
