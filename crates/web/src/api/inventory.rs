//! `/api/v1` inventory: assets and their commands, locations and stock, purchasing and
//! receiving, recalls, and the serials a patient held.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use durable_app::inventory::{
    self, AssetCommandForm, AssetPage, AssetQuery, AssetSummary, LocationStock, LocationView,
    MovementForm, PatientAssetView, ProductSettingsForm, PurchaseOrderForm, PurchaseOrderSummary,
    PurchaseOrderView, RecallForm, RecallSummary, RecallView, ReceiptForm, ReorderRuleForm,
    SuggestionView, UnitProgressForm, VendorForm, VendorView,
};
use serde::Deserialize;

use super::{ApiJson, ApiQuery, Page, parse_id};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets", get(search_assets))
        .route("/assets/{id}", get(show_asset))
        .route("/assets/{id}/commands", post(asset_command))
        .route("/locations", get(list_locations))
        .route("/locations/{id}/stock", get(location_stock))
        .route("/stock/movements", post(stock_movement))
        .route("/suggested-orders", get(suggested_orders))
        .route("/reorder-rules", post(reorder_rule))
        .route("/product-settings", post(product_settings))
        .route("/vendors", get(list_vendors).post(create_vendor))
        .route("/purchase-orders", get(list_orders).post(place_order))
        .route("/purchase-orders/{id}", get(show_order))
        .route("/purchase-orders/{id}/receipts", post(receive))
        .route("/recalls", get(list_recalls).post(open_recall))
        .route("/recalls/{id}", get(show_recall))
        .route("/recalls/{id}/progress", post(recall_progress))
        .route("/patients/{id}/assets", get(patient_assets))
}

/// Asset search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AssetParams {
    /// A serial (scanned or typed; any separators) or its beginning, or a model or product name.
    q: Option<String>,
    /// Only units in this state (`available`, `returned` …).
    state: Option<String>,
    /// Only units at this location (id).
    location: Option<String>,
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

/// Searches serialized units by serial, model or product, state and location.
#[utoipa::path(get, path = "/api/v1/assets", params(AssetParams), tag = "inventory",
    responses((status = 200, body = Page<AssetSummary>), (status = 422, body = ErrorBody)))]
pub(super) async fn search_assets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<AssetParams>,
) -> Result<Json<Page<AssetSummary>>, ApiError> {
    let query = AssetQuery {
        q: params.q.unwrap_or_default(),
        state: params.state,
        location: params.location,
    };
    let (items, next) = inventory::search(&state.app, &actor, &query, params.cursor).await?;
    Ok(Page::new(items, next))
}

/// A unit with its whole life: custody, cleaning and inspection, recalls, allowed commands.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "inventory",
    responses((status = 200, body = AssetPage), (status = 404, body = ErrorBody)))]
pub(super) async fn show_asset(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<AssetPage>, ApiError> {
    Ok(Json(
        inventory::asset(&state.app, &actor, parse_id(&id, "asset")?).await?,
    ))
}

/// Applies a command to a unit; a move its state does not allow is a 409 with the reason.
#[utoipa::path(post, path = "/api/v1/assets/{id}/commands", request_body = AssetCommandForm, tag = "inventory",
    responses((status = 200, body = AssetPage), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn asset_command(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<AssetCommandForm>,
) -> Result<Json<AssetPage>, ApiError> {
    let id = parse_id(&id, "asset")?;
    inventory::run_command(&state.app, &actor, id, &form).await?;
    Ok(Json(inventory::asset(&state.app, &actor, id).await?))
}

/// Every location (branches, warehouses, vehicles).
#[utoipa::path(get, path = "/api/v1/locations", tag = "inventory",
    responses((status = 200, body = Vec<LocationView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_locations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<LocationView>>, ApiError> {
    Ok(Json(inventory::locations(&state.app, &actor).await?))
}

/// What a location holds: units by zone and state, stock on hand by lot.
#[utoipa::path(get, path = "/api/v1/locations/{id}/stock", tag = "inventory",
    responses((status = 200, body = LocationStock), (status = 404, body = ErrorBody)))]
pub(super) async fn location_stock(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<LocationStock>, ApiError> {
    Ok(Json(
        inventory::location_stock(&state.app, &actor, parse_id(&id, "location")?).await?,
    ))
}

/// Posts a stock movement (receive, transfer, issue, adjust, count) to the ledger.
#[utoipa::path(post, path = "/api/v1/stock/movements", request_body = MovementForm, tag = "inventory",
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(super) async fn stock_movement(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<MovementForm>,
) -> Result<StatusCode, ApiError> {
    inventory::record_movement(&state.app, &actor, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stock lines below their reorder point, counting what is on order.
#[utoipa::path(get, path = "/api/v1/suggested-orders", tag = "inventory",
    responses((status = 200, body = Vec<SuggestionView>), (status = 403, body = ErrorBody)))]
pub(super) async fn suggested_orders(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SuggestionView>>, ApiError> {
    Ok(Json(inventory::suggested_orders(&state.app, &actor).await?))
}

/// Sets the reorder point and quantity of a product at a location.
#[utoipa::path(post, path = "/api/v1/reorder-rules", request_body = ReorderRuleForm, tag = "purchasing",
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(super) async fn reorder_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<ReorderRuleForm>,
) -> Result<StatusCode, ApiError> {
    inventory::set_reorder_rule(&state.app, &actor, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets how a product is kept in stock (lot tracking) and whether its units hold patient data.
#[utoipa::path(post, path = "/api/v1/product-settings", request_body = ProductSettingsForm, tag = "purchasing",
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(super) async fn product_settings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<ProductSettingsForm>,
) -> Result<StatusCode, ApiError> {
    inventory::set_product_settings(&state.app, &actor, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every vendor.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "purchasing",
    responses((status = 200, body = Vec<VendorView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_vendors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<VendorView>>, ApiError> {
    Ok(Json(inventory::vendors(&state.app, &actor).await?))
}

/// Adds a vendor.
#[utoipa::path(post, path = "/api/v1/vendors", request_body = VendorForm, tag = "purchasing",
    responses((status = 201, body = Vec<VendorView>), (status = 422, body = ErrorBody)))]
pub(super) async fn create_vendor(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<VendorForm>,
) -> Result<Response, ApiError> {
    inventory::add_vendor(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(inventory::vendors(&state.app, &actor).await?),
    )
        .into_response())
}

/// List parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

/// Purchase orders, newest first.
#[utoipa::path(get, path = "/api/v1/purchase-orders", params(ListParams), tag = "purchasing",
    responses((status = 200, body = Page<PurchaseOrderSummary>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_orders(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<PurchaseOrderSummary>>, ApiError> {
    let (items, next) = inventory::purchase_orders(&state.app, &actor, params.cursor).await?;
    Ok(Page::new(items, next))
}

/// Places a purchase order.
#[utoipa::path(post, path = "/api/v1/purchase-orders", request_body = PurchaseOrderForm, tag = "purchasing",
    responses((status = 201, body = PurchaseOrderView), (status = 422, body = ErrorBody)))]
pub(super) async fn place_order(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<PurchaseOrderForm>,
) -> Result<Response, ApiError> {
    let id = inventory::place_order(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(inventory::purchase_order(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// A purchase order with its lines, receipts and the units received.
#[utoipa::path(get, path = "/api/v1/purchase-orders/{id}", tag = "purchasing",
    responses((status = 200, body = PurchaseOrderView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_order(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<PurchaseOrderView>, ApiError> {
    Ok(Json(
        inventory::purchase_order(&state.app, &actor, parse_id(&id, "purchase order")?).await?,
    ))
}

/// Receives goods on a purchase order: one entry per line, serials for serialized products;
/// more than ordered needs `override_reason`.
#[utoipa::path(post, path = "/api/v1/purchase-orders/{id}/receipts", request_body = ReceiptForm, tag = "purchasing",
    responses((status = 200, body = PurchaseOrderView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn receive(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ReceiptForm>,
) -> Result<Json<PurchaseOrderView>, ApiError> {
    let id = parse_id(&id, "purchase order")?;
    inventory::receive(&state.app, &actor, id, &form).await?;
    Ok(Json(
        inventory::purchase_order(&state.app, &actor, id).await?,
    ))
}

/// Recall campaigns, newest first.
#[utoipa::path(get, path = "/api/v1/recalls", tag = "recalls",
    responses((status = 200, body = Vec<RecallSummary>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_recalls(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<RecallSummary>>, ApiError> {
    Ok(Json(inventory::campaigns(&state.app, &actor).await?))
}

/// Opens a recall: quarantines the affected units in stock and creates their follow-up.
#[utoipa::path(post, path = "/api/v1/recalls", request_body = RecallForm, tag = "recalls",
    responses((status = 201, body = RecallView), (status = 422, body = ErrorBody)))]
pub(super) async fn open_recall(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<RecallForm>,
) -> Result<Response, ApiError> {
    let id = inventory::open_campaign(&state.app, &actor, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(inventory::recall(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// A recall with its units and every patient who holds or held one.
#[utoipa::path(get, path = "/api/v1/recalls/{id}", tag = "recalls",
    responses((status = 200, body = RecallView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_recall(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<RecallView>, ApiError> {
    Ok(Json(
        inventory::recall(&state.app, &actor, parse_id(&id, "recall")?).await?,
    ))
}

/// Records follow-up on one unit of a recall.
#[utoipa::path(post, path = "/api/v1/recalls/{id}/progress", request_body = UnitProgressForm, tag = "recalls",
    responses((status = 200, body = RecallView), (status = 422, body = ErrorBody)))]
pub(super) async fn recall_progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<UnitProgressForm>,
) -> Result<Json<RecallView>, ApiError> {
    let id = parse_id(&id, "recall")?;
    inventory::record_progress(&state.app, &actor, id, &form).await?;
    Ok(Json(inventory::recall(&state.app, &actor, id).await?))
}

/// Every serial a patient held or holds.
#[utoipa::path(get, path = "/api/v1/patients/{id}/assets", tag = "inventory",
    responses((status = 200, body = Vec<PatientAssetView>), (status = 404, body = ErrorBody)))]
pub(super) async fn patient_assets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Vec<PatientAssetView>>, ApiError> {
    Ok(Json(
        inventory::patient_assets(&state.app, &actor, parse_id(&id, "patient")?).await?,
    ))
}
