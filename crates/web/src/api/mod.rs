//! The JSON API, `/api/v1`. Integrations authenticate with a bearer token; every handler calls
//! the same app function as the matching page. Lists answer `{"items": [...], "next": cursor}`
//! and every error has the shape `{"error": {"code", "message", "fields"}}`.

mod audit;
mod billing;
mod catalog;
mod deliveries;
mod directory;
mod inventory;
mod orders;
mod patients;
mod pricing;
mod prior_auth;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ErrorBody, FieldProblem, json_error};

pub(crate) use deliveries::{COMPLETION_BODY_LIMIT, signature_bytes};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(patients::routes())
        .merge(directory::routes())
        .merge(audit::routes())
        .merge(billing::routes())
        .merge(catalog::routes())
        .merge(orders::routes())
        .merge(prior_auth::routes())
        .merge(inventory::routes())
        .merge(pricing::routes())
        .merge(deliveries::routes())
        .fallback(|| async {
            json_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "There is no such API route.".into(),
                vec![],
            )
        })
}

/// A page of a list: the items and the cursor of the next page (`null` on the last page).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Page<T: ToSchema> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` when there is none.
    pub next: Option<String>,
}

impl<T: ToSchema> Page<T> {
    fn new(items: Vec<T>, next: Option<impl ToString>) -> Json<Page<T>> {
        Json(Page {
            items,
            next: next.map(|n| n.to_string()),
        })
    }
}

/// Reads an opaque list cursor (an offset for now); a bad one is a field error.
fn offset(cursor: Option<&str>) -> Result<u64, crate::error::ApiError> {
    match cursor.map(str::trim) {
        None | Some("") => Ok(0),
        Some(text) => text.parse().map_err(|_| {
            durable_domain::validation::FieldErrors::single(
                "cursor",
                "Pass back the 'next' value of the previous page.",
            )
            .into()
        }),
    }
}

/// Parses an id from the path; one that does not parse names no record, so it is a 404.
fn parse_id<T: std::str::FromStr>(
    text: &str,
    what: &'static str,
) -> Result<T, crate::error::ApiError> {
    text.parse()
        .map_err(|_| crate::error::ApiError(durable_app::AppError::NotFound(what)))
}

/// A JSON body whose rejections use the API's error shape.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::JsonDataError(err) => {
            // axum's text reads "Failed to deserialize …: <path>: <problem>"; keep path and problem.
            let text = err.body_text();
            let detail = text
                .split_once("target type: ")
                .map_or(text.as_str(), |(_, d)| d);
            let (field, message) = detail.split_once(": ").unwrap_or(("body", detail));
            json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "The JSON body does not have the expected fields and types.".into(),
                vec![FieldProblem {
                    field: field.to_owned(),
                    message: message.to_owned(),
                }],
            )
        }
        JsonRejection::JsonSyntaxError(_) => json_error(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "The request body is not valid JSON.".into(),
            vec![],
        ),
        JsonRejection::MissingJsonContentType(_) => json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with 'Content-Type: application/json'.".into(),
            vec![],
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "The request body is larger than {} KiB.",
                crate::BODY_LIMIT / 1024
            ),
            vec![],
        ),
        other => json_error(other.status(), "bad_request", other.body_text(), vec![]),
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Durable API", description = "Patients, coverages, prescribers, referral sources, payers, the HCPCS catalog and products, pricing (price options, the DMEPOS fee schedule, allowed amounts), orders with their documents and eligibility results, prior authorizations, inventory, purchasing and recalls, deliveries with their proof of delivery, and the audit trail of a DME supplier."),
    paths(
        patients::list, patients::create, patients::show, patients::update,
        patients::list_coverages, patients::add_coverage, patients::show_coverage, patients::update_coverage,
        directory::list_prescribers, directory::create_prescriber, directory::show_prescriber, directory::update_prescriber,
        directory::list_sources, directory::create_source, directory::show_source, directory::update_source,
        directory::list_payers,
        audit::search,
        billing::simulate,
        catalog::list_hcpcs, catalog::show_hcpcs, catalog::import_hcpcs, catalog::set_category,
        catalog::list_products, catalog::create_product, catalog::show_product, catalog::update_product,
        orders::queue, orders::place, orders::show, orders::update, orders::override_hold, orders::cancel, orders::record_abn,
        orders::upload, orders::document, orders::mark, orders::eligibility, orders::record_eligibility,
        prior_auth::queue, prior_auth::create, prior_auth::show, prior_auth::update,
        inventory::search_assets, inventory::show_asset, inventory::asset_command,
        inventory::list_locations, inventory::location_stock, inventory::stock_movement,
        inventory::suggested_orders, inventory::reorder_rule, inventory::product_settings,
        inventory::list_vendors, inventory::create_vendor,
        inventory::list_orders, inventory::place_order, inventory::show_order, inventory::receive,
        inventory::list_recalls, inventory::open_recall, inventory::show_recall, inventory::recall_progress,
        inventory::patient_assets,
        pricing::list, pricing::create, pricing::show, pricing::update, pricing::allowed,
        pricing::import_fee_schedule, pricing::imports, pricing::import_rural_zips,
        deliveries::create, deliveries::show, deliveries::schedule, deliveries::complete,
        deliveries::fail, deliveries::stops,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The OpenAPI document of `/api/v1`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> Response {
    Json(openapi_document()).into_response()
}
