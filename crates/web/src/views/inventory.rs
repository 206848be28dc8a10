//! Inventory pages: locations and their stock, asset search (a scanned serial opens its unit),
//! the asset page with its whole life and commands, labels, purchase orders with the receive
//! form, and recalls.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use durable_app::catalog::ProductView;
use durable_app::inventory::{
    self, AssetCommandForm, AssetPage, AssetQuery, AssetSummary, LocationStock, LocationView,
    ProductSettingsForm, PurchaseOrderForm, PurchaseOrderLineForm, PurchaseOrderSummary,
    PurchaseOrderView, RangeForm, RecallForm, RecallSummary, RecallView, ReceiptForm,
    ReceiptLineForm, SuggestionView, UnitProgressForm, VendorForm, VendorView,
};
use durable_app::{AppError, Permission};
use serde::Deserialize;

use super::{Layout, error_page, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/inventory", get(overview))
        .route("/inventory/locations/{id}", get(location))
        .route("/assets", get(assets))
        .route("/assets/{id}", get(asset))
        .route("/assets/{id}/commands", post(command))
        .route("/assets/{id}/label.pdf", get(label))
        .route("/vendors", post(create_vendor))
        .route("/inventory/product-settings", post(product_settings))
        .route("/purchase-orders", get(orders).post(place_order))
        .route("/purchase-orders/{id}", get(order))
        .route("/purchase-orders/{id}/receipts", post(receive))
        .route("/recalls", get(recalls).post(open_recall))
        .route("/recalls/{id}", get(recall))
        .route("/recalls/{id}/progress", post(progress))
}

/// Lines of a textarea, trimmed, blanks dropped: one serial or lot per line, as a scanner types.
fn lines(text: Option<&String>) -> Vec<String> {
    text.map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "inventory/overview.html")]
struct Overview {
    layout: Layout,
    locations: Vec<LocationView>,
    suggestions: Vec<SuggestionView>,
}

async fn overview(State(state): State<AppState>, page: PageActor) -> Response {
    let layout = Layout::new(&page, "Inventory", "/inventory");
    let result = async {
        Ok::<_, AppError>((
            inventory::locations(&state.app, &page.actor).await?,
            inventory::suggested_orders(&state.app, &page.actor).await?,
        ))
    }
    .await;
    match result {
        Ok((locations, suggestions)) => render(
            &Overview {
                layout,
                locations,
                suggestions,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "inventory/location.html")]
struct LocationPage {
    layout: Layout,
    stock: LocationStock,
}

async fn location(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("location", &page);
    };
    let layout = Layout::new(&page, "Location", "/inventory");
    match inventory::location_stock(&state.app, &page.actor, id).await {
        Ok(stock) => render(&LocationPage { layout, stock }, StatusCode::OK),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "inventory/assets.html")]
struct AssetList {
    layout: Layout,
    q: String,
    state: String,
    states: &'static [&'static str],
    items: Vec<AssetSummary>,
    next: Option<u64>,
}

#[derive(Deserialize, Default)]
struct AssetParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

async fn assets(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<AssetParams>,
) -> Response {
    let layout = Layout::new(&page, "Equipment", "/inventory");
    // A scanner types the whole serial and Enter: one exact match opens the unit directly.
    if !params.q.trim().is_empty() && params.state.is_empty() {
        match inventory::find_by_serial(&state.app, &page.actor, &params.q).await {
            Ok(Some(id)) => return Redirect::to(&format!("/assets/{id}")).into_response(),
            Ok(None) => {}
            Err(err) => return error_page(err, Some(layout)),
        }
    }
    let query = AssetQuery {
        q: params.q.clone(),
        state: (!params.state.is_empty()).then(|| params.state.clone()),
        location: None,
    };
    match inventory::search(&state.app, &page.actor, &query, params.offset).await {
        Ok((items, next)) => render(
            &AssetList {
                layout,
                q: params.q,
                state: params.state,
                states: &durable_app::inventory::STATES,
                items,
                next,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "inventory/asset.html")]
struct AssetView {
    layout: Layout,
    page: AssetPage,
    cost: String,
    can_write: bool,
    locations: Vec<LocationView>,
    error: String,
}

async fn show_asset(
    state: &AppState,
    page: &PageActor,
    id: durable_domain::ids::AssetId,
    error: String,
    status: StatusCode,
) -> Response {
    let layout = Layout::new(page, "Equipment", "/inventory");
    let result = async {
        Ok::<_, AppError>((
            inventory::asset(&state.app, &page.actor, id).await?,
            inventory::locations(&state.app, &page.actor).await?,
        ))
    }
    .await;
    match result {
        Ok((asset_page, locations)) => render(
            &AssetView {
                layout: Layout::new(
                    page,
                    format!("Serial {}", asset_page.asset.serial),
                    "/inventory",
                ),
                cost: durable_domain::money::Money::from_cents(asset_page.purchase_cost_cents)
                    .to_string(),
                page: asset_page,
                can_write: page.actor.can(Permission::InventoryWrite),
                locations,
                error,
            },
            status,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn asset(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("asset", &page);
    };
    show_asset(&state, &page, id, String::new(), StatusCode::OK).await
}

async fn command(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<AssetCommandForm>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("asset", &page);
    };
    match inventory::run_command(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/assets/{id}")).into_response(),
        // The refusal is shown on the unit's page, next to the commands.
        Err(AppError::Conflict(message)) => {
            show_asset(&state, &page, id, message, StatusCode::CONFLICT).await
        }
        Err(AppError::Invalid(errors)) => {
            let message = errors
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            show_asset(&state, &page, id, message, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Equipment", "/inventory"))),
    }
}

async fn label(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("asset", &page);
    };
    match inventory::label::label_pdf(&state.app, &page.actor, id).await {
        Ok(pdf) => (
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"label.pdf\"",
                ),
            ],
            pdf,
        )
            .into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Label", "/inventory"))),
    }
}

#[derive(Template)]
#[template(path = "inventory/orders.html")]
struct OrderList {
    layout: Layout,
    items: Vec<PurchaseOrderSummary>,
    vendors: Vec<VendorView>,
    locations: Vec<LocationView>,
    products: Vec<ProductView>,
    can_buy: bool,
}

async fn orders(State(state): State<AppState>, page: PageActor) -> Response {
    let layout = Layout::new(&page, "Purchase orders", "/inventory");
    let can_buy = page.actor.can(Permission::PurchasingWrite);
    let result = async {
        Ok::<_, AppError>((
            inventory::purchase_orders(&state.app, &page.actor, 0)
                .await?
                .0,
            inventory::vendors(&state.app, &page.actor).await?,
            inventory::locations(&state.app, &page.actor).await?,
            if can_buy {
                durable_app::catalog::product_choices(&state.app, &page.actor).await?
            } else {
                Vec::new()
            },
        ))
    }
    .await;
    match result {
        Ok((items, vendors, locations, products)) => render(
            &OrderList {
                layout,
                items,
                vendors,
                locations,
                products,
                can_buy,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn product_settings(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<ProductSettingsForm>,
) -> Response {
    match inventory::set_product_settings(&state.app, &page.actor, &form).await {
        Ok(()) => Redirect::to(&format!("/products/{}", form.product_id.trim())).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Product", "/products"))),
    }
}

async fn create_vendor(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<VendorForm>,
) -> Response {
    match inventory::add_vendor(&state.app, &page.actor, &form).await {
        Ok(_) => Redirect::to("/purchase-orders").into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Vendors", "/inventory"))),
    }
}

/// The one-line order form of the purchase-order page.
#[derive(Deserialize, Default)]
struct OrderFields {
    #[serde(default)]
    vendor_id: String,
    #[serde(default)]
    location_id: String,
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit_cost: String,
    expected_on: Option<String>,
}

async fn place_order(
    State(state): State<AppState>,
    page: PageActor,
    Form(fields): Form<OrderFields>,
) -> Response {
    let form = PurchaseOrderForm {
        vendor_id: fields.vendor_id,
        location_id: fields.location_id,
        expected_on: fields.expected_on,
        lines: vec![PurchaseOrderLineForm {
            product_id: fields.product_id,
            // A non-number is refused by the use case like any other bad quantity.
            quantity: fields.quantity.trim().parse().unwrap_or(0),
            unit_cost: Some(fields.unit_cost),
            ..PurchaseOrderLineForm::default()
        }],
        ..PurchaseOrderForm::default()
    };
    match inventory::place_order(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/purchase-orders/{id}")).into_response(),
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Purchase orders", "/inventory")),
        ),
    }
}

#[derive(Template)]
#[template(path = "inventory/order.html")]
struct OrderPage {
    layout: Layout,
    view: PurchaseOrderView,
    can_receive: bool,
    error: String,
}

async fn show_order(
    state: &AppState,
    page: &PageActor,
    id: durable_domain::ids::PurchaseOrderId,
    error: String,
    status: StatusCode,
) -> Response {
    let layout = Layout::new(page, "Purchase order", "/inventory");
    match inventory::purchase_order(&state.app, &page.actor, id).await {
        Ok(view) => render(
            &OrderPage {
                layout,
                view,
                can_receive: page.actor.can(Permission::InventoryWrite),
                error,
            },
            status,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn order(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("purchase order", &page);
    };
    show_order(&state, &page, id, String::new(), StatusCode::OK).await
}

/// The receive form: `quantity_N`, `serials_N` (one per line), `lot_N`, `expiry_N` per line.
async fn receive(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("purchase order", &page);
    };
    let count = fields
        .keys()
        .filter_map(|k| k.strip_prefix("quantity_")?.parse::<usize>().ok())
        .max()
        .map_or(0, |n| n + 1);
    let text = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let form = ReceiptForm {
        lines: (0..count)
            .map(|i| ReceiptLineForm {
                quantity: text(&format!("quantity_{i}"))
                    .map_or(Ok(0), |q| q.parse())
                    .unwrap_or(-1),
                serials: lines(fields.get(&format!("serials_{i}"))),
                lot: text(&format!("lot_{i}")),
                expiry: text(&format!("expiry_{i}")),
            })
            .collect(),
        override_reason: text("override_reason"),
        warranty_end: text("warranty_end"),
    };
    match inventory::receive(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/purchase-orders/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let message = errors
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join(" ");
            show_order(&state, &page, id, message, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Purchase order", "/inventory")),
        ),
    }
}

#[derive(Template)]
#[template(path = "inventory/recalls.html")]
struct RecallList {
    layout: Layout,
    items: Vec<RecallSummary>,
    can_manage: bool,
}

async fn recalls(State(state): State<AppState>, page: PageActor) -> Response {
    let layout = Layout::new(&page, "Recalls", "/recalls");
    match inventory::campaigns(&state.app, &page.actor).await {
        Ok(items) => render(
            &RecallList {
                layout,
                items,
                can_manage: page.actor.can(Permission::RecallManage),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

/// The recall form: serials, lots and ranges (`FIRST-LAST` or `FIRST LAST`) one per line.
#[derive(Deserialize, Default)]
struct RecallFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    manufacturer: String,
    model: Option<String>,
    every_unit: Option<String>,
    ranges: Option<String>,
    serials: Option<String>,
    lots: Option<String>,
}

async fn open_recall(
    State(state): State<AppState>,
    page: PageActor,
    Form(fields): Form<RecallFields>,
) -> Response {
    let form = RecallForm {
        title: fields.title,
        manufacturer: fields.manufacturer,
        model: fields.model,
        every_unit: fields.every_unit.is_some(),
        serial_ranges: lines(fields.ranges.as_ref())
            .iter()
            .map(|line| {
                let mut ends = line.split([' ', ',', '–']);
                RangeForm {
                    first: ends.next().unwrap_or_default().to_owned(),
                    last: ends.next_back().unwrap_or_default().to_owned(),
                }
            })
            .collect(),
        serials: lines(fields.serials.as_ref()),
        lots: lines(fields.lots.as_ref()),
    };
    match inventory::open_campaign(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/recalls/{id}")).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Recalls", "/recalls"))),
    }
}

#[derive(Template)]
#[template(path = "inventory/recall.html")]
struct RecallPage {
    layout: Layout,
    view: RecallView,
    can_manage: bool,
    statuses: &'static [&'static str],
}

async fn recall(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("recall", &page);
    };
    let layout = Layout::new(&page, "Recall", "/recalls");
    match inventory::recall(&state.app, &page.actor, id).await {
        Ok(view) => render(
            &RecallPage {
                layout,
                view,
                can_manage: page.actor.can(Permission::RecallManage),
                statuses: &durable_app::inventory::UNIT_STATUSES,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn progress(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<UnitProgressForm>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("recall", &page);
    };
    match inventory::record_progress(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/recalls/{id}")).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Recall", "/recalls"))),
    }
}
