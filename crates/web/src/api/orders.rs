//! `/api/v1/orders`, their documents, and eligibility results of coverages.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use durable_app::coverages::{self, EligibilityForm, EligibilityView};
use durable_app::documents::{self, MAX_DOCUMENT_BYTES, UploadForm};
use durable_app::orders::{self, OrderForm, OrderView, QueueItem};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody, json_error};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(queue).post(place))
        .route("/orders/{id}", get(show).put(update))
        .route("/orders/{id}/override", post(override_hold))
        .route("/orders/{id}/cancel", post(cancel))
        .route("/orders/{id}/abns", post(record_abn))
        .route(
            "/orders/{id}/documents",
            post(upload).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES)),
        )
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/marks", post(mark))
        .route(
            "/coverages/{id}/eligibility",
            get(eligibility).post(record_eligibility),
        )
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

/// The intake queue: new and held orders, the longest-waiting first, with their blocking reasons.
#[utoipa::path(get, path = "/api/v1/orders", params(QueueParams), tag = "orders",
    responses((status = 200, body = Page<QueueItem>), (status = 403, body = ErrorBody)))]
pub(super) async fn queue(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<Page<QueueItem>>, ApiError> {
    let (items, next) = orders::queue(&state.app, &actor, params.cursor).await?;
    Ok(Page::new(items, next))
}

/// Takes an order; it is checked at once and comes back on Hold with its reasons, or Ready.
#[utoipa::path(post, path = "/api/v1/orders", request_body = OrderForm, tag = "orders",
    responses((status = 201, body = OrderView), (status = 422, body = ErrorBody)))]
pub(super) async fn place(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<OrderForm>,
) -> Result<Response, ApiError> {
    let id = orders::place(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(orders::order(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads an order with its checklist, documents and history.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    responses((status = 200, body = OrderView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    Ok(Json(
        orders::order(&state.app, &actor, parse_id(&id, "order")?).await?,
    ))
}

/// Replaces an open order and checks it again.
#[utoipa::path(put, path = "/api/v1/orders/{id}", request_body = OrderForm, tag = "orders",
    responses((status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<OrderForm>,
) -> Result<Json<OrderView>, ApiError> {
    let id = parse_id(&id, "order")?;
    orders::update(&state.app, &actor, id, &form).await?;
    Ok(Json(orders::order(&state.app, &actor, id).await?))
}

/// Why a held order may go ahead, or why an order is cancelled.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub(super) struct OverrideBody {
    /// Kept in the history and the audit trail (at least 10 characters to release a hold, 5 to
    /// cancel).
    reason: String,
}

/// Releases a held order to Ready over its unmet requirements.
#[utoipa::path(post, path = "/api/v1/orders/{id}/override", request_body = OverrideBody, tag = "orders",
    responses((status = 200, body = OrderView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn override_hold(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<Json<OrderView>, ApiError> {
    let id = parse_id(&id, "order")?;
    orders::override_hold(&state.app, &actor, id, &body.reason).await?;
    Ok(Json(orders::order(&state.app, &actor, id).await?))
}

/// Cancels an order that has not been delivered.
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", request_body = OverrideBody, tag = "orders",
    responses((status = 200, body = OrderView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn cancel(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<Json<OrderView>, ApiError> {
    let id = parse_id(&id, "order")?;
    orders::cancel(&state.app, &actor, id, &body.reason).await?;
    Ok(Json(orders::order(&state.app, &actor, id).await?))
}

/// Records a signed ABN for one of the order's lines; returns the order, checked again.
#[utoipa::path(post, path = "/api/v1/orders/{id}/abns", request_body = orders::AbnForm, tag = "orders",
    responses((status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
pub(super) async fn record_abn(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<orders::AbnForm>,
) -> Result<Json<OrderView>, ApiError> {
    let id = parse_id(&id, "order")?;
    orders::record_abn(&state.app, &actor, id, &form).await?;
    Ok(Json(orders::order(&state.app, &actor, id).await?))
}

/// An uploaded document's id.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Created {
    /// The new document's id.
    id: String,
}

/// Attaches a document (the request body: PDF, PNG, JPEG or TIFF, judged by content) to an order.
#[utoipa::path(post, path = "/api/v1/orders/{id}/documents", params(UploadForm), tag = "orders",
    request_body(content = String, content_type = "application/octet-stream"),
    responses((status = 201, body = Created), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(form): ApiQuery<UploadForm>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "order")?;
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return Ok(json_error(
                rejection.status(),
                "payload_too_large",
                format!(
                    "The file is larger than {} MB.",
                    MAX_DOCUMENT_BYTES / 1024 / 1024
                ),
                vec![],
            ));
        }
    };
    let document = documents::upload(&state.app, &actor, id, &form, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: document.to_string(),
        }),
    )
        .into_response())
}

/// A document's content, in the format found in it.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "orders",
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub(super) async fn document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let content = documents::content(&state.app, &actor, parse_id(&id, "document")?).await?;
    Ok((
        [(header::CONTENT_TYPE, content.content_type)],
        content.bytes,
    )
        .into_response())
}

/// A checklist item a document satisfies.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub(super) struct MarkBody {
    /// The requirement id, e.g. PAP-SLEEP-TEST or SWO-SIGNATURE.
    requirement: String,
}

/// Marks a document as satisfying a checklist item of its order; returns the order, checked again.
#[utoipa::path(post, path = "/api/v1/documents/{id}/marks", request_body = MarkBody, tag = "orders",
    responses((status = 200, body = OrderView), (status = 422, body = ErrorBody)))]
pub(super) async fn mark(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MarkBody>,
) -> Result<Json<OrderView>, ApiError> {
    let order = documents::mark(
        &state.app,
        &actor,
        parse_id(&id, "document")?,
        &body.requirement,
    )
    .await?;
    Ok(Json(orders::order(&state.app, &actor, order).await?))
}

/// A coverage's eligibility results, newest first.
#[utoipa::path(get, path = "/api/v1/coverages/{id}/eligibility", tag = "coverages",
    responses((status = 200, body = Vec<EligibilityView>), (status = 404, body = ErrorBody)))]
pub(super) async fn eligibility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Vec<EligibilityView>>, ApiError> {
    Ok(Json(
        coverages::eligibility(&state.app, &actor, parse_id(&id, "coverage")?).await?,
    ))
}

/// Records an eligibility result; the patient's held orders are checked again.
#[utoipa::path(post, path = "/api/v1/coverages/{id}/eligibility", request_body = EligibilityForm, tag = "coverages",
    responses((status = 201, body = Vec<EligibilityView>), (status = 422, body = ErrorBody)))]
pub(super) async fn record_eligibility(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<EligibilityForm>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "coverage")?;
    coverages::record_eligibility(&state.app, &actor, id, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(coverages::eligibility(&state.app, &actor, id).await?),
    )
        .into_response())
}
