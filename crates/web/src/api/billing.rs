//! `/api/v1/billing/simulate`: the rental simulator for integrations.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use durable_app::{Permission, billing};
use durable_domain::billing::RentalInput;
use durable_domain::validation::FieldErrors;

use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/billing/simulate", post(simulate))
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
    let input: RentalInput = serde_json::from_slice(&body).map_err(|err| {
        FieldErrors::single(
            "body",
            format!("The JSON does not describe a rental: {err}."),
        )
    })?;
    Ok(Json(billing::simulate(&actor, &input)?))
}
