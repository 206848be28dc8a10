//! `/api/v1/hcpcs` and `/api/v1/products`: the catalog.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use durable_app::catalog::{self, HcpcsDetail, HcpcsView, ImportSummary, ProductForm, ProductView};
use serde::Deserialize;

use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody, json_error};
use crate::session::ApiActor;

/// The largest HCPCS file accepted: the full CMS fixed-width file is about 5 MB.
pub(crate) const HCPCS_FILE_LIMIT: usize = 32 * 1024 * 1024;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/hcpcs", get(list_hcpcs))
        .route(
            "/hcpcs/imports",
            post(import_hcpcs).layer(DefaultBodyLimit::max(HCPCS_FILE_LIMIT)),
        )
        .route("/hcpcs/{code}", get(show_hcpcs))
        .route("/hcpcs/{code}/payment-category", post(set_category))
        .route("/products", get(list_products).post(create_product))
        .route("/products/{id}", get(show_product).put(update_product))
}

/// Search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SearchParams {
    /// A code prefix ("E02") or words of the description ("hospital bed"); for products, words
    /// of the name, manufacturer or model, or a HCPCS code.
    q: Option<String>,
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

/// Searches HCPCS codes.
#[utoipa::path(get, path = "/api/v1/hcpcs", params(SearchParams), tag = "catalog",
    responses((status = 200, body = Page<HcpcsView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_hcpcs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<Page<HcpcsView>>, ApiError> {
    let (items, next) = catalog::search_hcpcs(
        &state.app,
        &actor,
        params.q.as_deref().unwrap_or(""),
        params.cursor,
    )
    .await?;
    Ok(Page::new(items, next))
}

/// Reads a HCPCS code with the history of the imports that added or changed it.
#[utoipa::path(get, path = "/api/v1/hcpcs/{code}", tag = "catalog",
    responses((status = 200, body = HcpcsDetail), (status = 404, body = ErrorBody)))]
pub(super) async fn show_hcpcs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> Result<Json<HcpcsDetail>, ApiError> {
    Ok(Json(
        catalog::hcpcs_detail(&state.app, &actor, &code).await?,
    ))
}

/// Import parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportParams {
    /// The file's name, kept in the import history.
    name: Option<String>,
}

/// Imports a CMS HCPCS file (fixed-width text or CSV) sent as the request body.
#[utoipa::path(post, path = "/api/v1/hcpcs/imports", params(ImportParams), tag = "catalog",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = ImportSummary), (status = 422, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn import_hcpcs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = match file_body(body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let name = params.name.as_deref().unwrap_or("uploaded HCPCS file");
    let summary = catalog::import_hcpcs(&state.app, &actor, name, &body).await?;
    Ok(Json(summary).into_response())
}

/// A file sent as the raw request body, or the API's 413 when it is over the import limit.
pub(super) fn file_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Box<Response>> {
    body.map_err(|rejection| {
        Box::new(json_error(
            rejection.status(),
            "payload_too_large",
            format!(
                "The file is larger than {} MiB.",
                HCPCS_FILE_LIMIT / 1024 / 1024
            ),
            vec![],
        ))
    })
}

/// A payment category choice.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct CategoryBody {
    /// A payment category (capped_rental, oxygen …), or "" to go back to the file's.
    payment_category: String,
}

/// Overrides the payment category a code is billed under.
#[utoipa::path(post, path = "/api/v1/hcpcs/{code}/payment-category", tag = "catalog",
    request_body = CategoryBody,
    responses((status = 200, body = HcpcsDetail), (status = 422, body = ErrorBody)))]
pub(super) async fn set_category(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CategoryBody>,
) -> Result<Json<HcpcsDetail>, ApiError> {
    catalog::set_payment_category(&state.app, &actor, &code, &body.payment_category).await?;
    Ok(Json(
        catalog::hcpcs_detail(&state.app, &actor, &code).await?,
    ))
}

/// Searches products.
#[utoipa::path(get, path = "/api/v1/products", params(SearchParams), tag = "catalog",
    responses((status = 200, body = Page<ProductView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_products(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<Page<ProductView>>, ApiError> {
    let (items, next) = catalog::search_products(
        &state.app,
        &actor,
        params.q.as_deref().unwrap_or(""),
        params.cursor,
    )
    .await?;
    Ok(Page::new(items, next))
}

/// Adds a product.
#[utoipa::path(post, path = "/api/v1/products", request_body = ProductForm, tag = "catalog",
    responses((status = 201, body = ProductView), (status = 422, body = ErrorBody)))]
pub(super) async fn create_product(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<ProductForm>,
) -> Result<Response, ApiError> {
    let id = catalog::add_product(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(catalog::product(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a product.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog",
    responses((status = 200, body = ProductView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_product(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(
        catalog::product(&state.app, &actor, parse_id(&id, "product")?).await?,
    ))
}

/// Replaces a product.
#[utoipa::path(put, path = "/api/v1/products/{id}", request_body = ProductForm, tag = "catalog",
    responses((status = 200, body = ProductView), (status = 422, body = ErrorBody)))]
pub(super) async fn update_product(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ProductForm>,
) -> Result<Json<ProductView>, ApiError> {
    let id = parse_id(&id, "product")?;
    catalog::update_product(&state.app, &actor, id, &form).await?;
    Ok(Json(catalog::product(&state.app, &actor, id).await?))
}
