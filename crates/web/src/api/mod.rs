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
mod organization;
mod patients;
mod pricing;
mod prior_auth;
mod users;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Required, ResponseBuilder, Type};
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
        .merge(users::routes())
        .merge(deliveries::routes())
        .merge(organization::routes())
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

/// A query string that does not parse: 400 with the field at fault.
fn bad_query(problem: FieldProblem) -> Response {
    json_error(
        StatusCode::BAD_REQUEST,
        "bad_query",
        "The query string has a parameter that does not parse.".into(),
        vec![problem],
    )
}

/// Query parameters whose rejections use the API's error shape.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                // axum's text reads "Failed to deserialize query string: <field>: <problem>".
                let text = rejection.body_text();
                let detail = text
                    .split_once("query string: ")
                    .map_or(text.as_str(), |(_, d)| d);
                let (field, message) = detail.split_once(": ").unwrap_or(("query", detail));
                bad_query(FieldProblem {
                    field: field.to_owned(),
                    message: message.to_owned(),
                })
            })
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

/// Declares what every operation shares, so that no handler's annotation can forget it: each
/// `{name}` of its path as a required path parameter, and the error answers any call can get
/// (400 unreadable query, 401 no or bad token, 403 role; 415 and 422 for a body).
struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                // Handler names repeat across modules (`show`, `list`); with the tag they do not.
                if let (Some(tag), Some(id)) = (
                    operation.tags.as_ref().and_then(|tags| tags.first()),
                    &operation.operation_id,
                ) {
                    operation.operation_id = Some(format!("{tag}_{id}"));
                }
                let parameters = operation.parameters.get_or_insert_with(Vec::new);
                for name in &names {
                    let declared = parameters
                        .iter()
                        .any(|p| p.name == *name && p.parameter_in == ParameterIn::Path);
                    if !declared {
                        parameters.push(
                            ParameterBuilder::new()
                                .name(*name)
                                .parameter_in(ParameterIn::Path)
                                .required(Required::True)
                                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                                .build(),
                        );
                    }
                }
                let mut answers = vec![
                    ("400", "The query string or path does not parse."),
                    (
                        "401",
                        "No API token, or an unknown, revoked or expired one.",
                    ),
                    ("403", "The token's role does not allow this."),
                ];
                if operation.request_body.is_some() {
                    answers.push(("415", "The body is not of the declared content type."));
                    answers.push(("422", "Some fields of the body need attention."));
                }
                for (status, description) in answers {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(description)
                                    .content(
                                        "application/json",
                                        ContentBuilder::new()
                                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                                            .build(),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
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
    info(title = "Durable API", description = "Patients, coverages, prescribers, referral sources, payers, the HCPCS catalog and products, pricing (price options, the DMEPOS fee schedule, allowed amounts), orders with their documents and eligibility results, prior authorizations, inventory, purchasing and recalls, deliveries with their proof of delivery, the organization's settings and failed background jobs, and the audit trail of a DME supplier."),
    paths(
        patients::list, patients::create, patients::show, patients::update,
        patients::list_coverages, patients::add_coverage, patients::show_coverage, patients::update_coverage,
        directory::list_prescribers, directory::create_prescriber, directory::show_prescriber, directory::update_prescriber,
        directory::list_sources, directory::create_source, directory::show_source, directory::update_source,
        directory::list_payers,
        audit::search,
        billing::simulate, billing::check_lines, billing::appeal,
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
        users::unlock,
        deliveries::create, deliveries::show, deliveries::schedule, deliveries::complete,
        deliveries::fail, deliveries::stops,
        organization::show, organization::update, organization::failed_jobs, organization::retry_job,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &SharedAnswers),
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
