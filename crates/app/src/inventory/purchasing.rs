//! Purchasing: vendors, purchase orders and the suggested-order list. Receiving against an
//! order is in `receiving`.
//!
//! Placing orders commits the supplier's money (`PurchasingWrite`).

use std::collections::{HashMap, HashSet};

use durable_domain::codes::Phone;
use durable_domain::ids::{LocationId, ProductId, PurchaseOrderId, VendorId};
use durable_domain::inventory::{
    Lot, LotTracking, OnHand, Posting, ReorderRule, StockKey, suggested_orders as suggest,
};
use durable_domain::money::Money;
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::Db;
use durable_store::catalog as catalog_store;
use durable_store::inventory as store;
use durable_store::purchasing::{self as po_store, OrderRecord, PurchaseOrder, PurchaseOrderLine};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::assets::{AssetSummary, Names};
use super::stock::stored_tracking;
use crate::audit::{Audit, record};
use crate::forms::MAX_TEXT;
use crate::{Actor, App, AppError, AppResult, Permission};

/// A vendor as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VendorForm {
    /// The vendor's name (unique).
    pub name: String,
    /// Its phone, 10 digits.
    pub phone: String,
    /// Its ordering e-mail.
    pub email: Option<String>,
}

/// A vendor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VendorView {
    /// The vendor.
    #[schema(value_type = String)]
    pub id: VendorId,
    /// Its name.
    pub name: String,
    /// Its phone.
    pub phone: String,
    /// Its e-mail.
    pub email: Option<String>,
}

/// Adds a vendor.
pub async fn add_vendor(app: &App, actor: &Actor, form: &VendorForm) -> AppResult<VendorId> {
    actor.require(Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    let name = errors.required("name", &form.name, MAX_TEXT);
    let phone = errors.check("phone", Phone::parse(&form.phone));
    let email = errors.optional("email", form.email.as_deref(), MAX_TEXT);
    let (name, phone) = errors.finish(|| name.zip(phone))?;
    let id = Uuid::now_v7();
    let tx = app.store.begin_write().await?;
    po_store::insert_vendor(
        tx.conn(),
        po_store::Vendor {
            id,
            name,
            phone: phone.as_str().to_owned(),
            email,
            created_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("vendor.create", "vendor", id),
    )
    .await?;
    tx.commit().await?;
    Ok(VendorId::from_uuid(id))
}

/// Every vendor.
pub async fn vendors(app: &App, actor: &Actor) -> AppResult<Vec<VendorView>> {
    actor.require(Permission::InventoryRead)?;
    Ok(po_store::vendors(app.store.conn())
        .await?
        .into_iter()
        .map(|v| VendorView {
            id: VendorId::from_uuid(v.id),
            name: v.name,
            phone: v.phone,
            email: v.email,
        })
        .collect())
}

/// A purchase order as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PurchaseOrderForm {
    /// The vendor.
    pub vendor_id: String,
    /// Where the goods are to arrive.
    pub location_id: String,
    /// The order number; one is made up when empty.
    pub number: Option<String>,
    /// When the goods are expected (`YYYY-MM-DD` or `MM/DD/YYYY`).
    pub expected_on: Option<String>,
    /// What is ordered.
    pub lines: Vec<PurchaseOrderLineForm>,
}

/// One purchase-order line as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PurchaseOrderLineForm {
    /// The product.
    pub product_id: String,
    /// Units ordered.
    pub quantity: i64,
    /// Unit cost in cents (the API's way).
    pub unit_cost_cents: Option<i64>,
    /// Unit cost in dollars, as typed on the page (`425.00`); ignored when cents are given.
    pub unit_cost: Option<String>,
}

fn parse_line(
    errors: &mut FieldErrors,
    i: usize,
    line: &PurchaseOrderLineForm,
) -> Option<(Uuid, i32, Money)> {
    let field = |name: &str| format!("lines[{i}].{name}");
    let product = line.product_id.trim().parse::<Uuid>().ok();
    if product.is_none() {
        errors.add(&field("product_id"), "Choose a product from the catalog.");
    }
    let quantity = i32::try_from(line.quantity)
        .ok()
        .filter(|q| *q > 0 && *q <= 10_000);
    if quantity.is_none() {
        errors.add(&field("quantity"), "Order from 1 to 10,000 units.");
    }
    let cost = match (
        line.unit_cost_cents,
        line.unit_cost.as_deref().map(str::trim),
    ) {
        (Some(cents), _) if cents >= 0 => Some(Money::from_cents(cents)),
        (Some(_), _) => {
            errors.add(&field("unit_cost_cents"), "A cost cannot be negative.");
            None
        }
        (None, text) => match Money::parse_dollars(text.unwrap_or("")) {
            Ok(Some(cost)) => Some(cost),
            Ok(None) => {
                errors.add(&field("unit_cost"), "Enter the unit cost.");
                None
            }
            Err(message) => {
                errors.add(&field("unit_cost"), message);
                None
            }
        },
    };
    Some((product?, quantity?, cost?))
}

/// Places a purchase order.
pub async fn place_order(
    app: &App,
    actor: &Actor,
    form: &PurchaseOrderForm,
) -> AppResult<PurchaseOrderId> {
    actor.require(Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    let vendor = form.vendor_id.trim().parse::<Uuid>().ok();
    if vendor.is_none() {
        errors.add("vendor_id", "Choose a vendor.");
    }
    let location = form.location_id.trim().parse::<Uuid>().ok();
    if location.is_none() {
        errors.add("location_id", "Choose where the goods arrive.");
    }
    let number = errors.optional("number", form.number.as_deref(), 32);
    let expected_on =
        errors.optional_parsed("expected_on", form.expected_on.as_deref(), parse_date);
    if form.lines.is_empty() {
        errors.add("lines", "Order at least one product.");
    }
    let lines: Vec<_> = form
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| parse_line(&mut errors, i, line))
        .collect();
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    if let Some(vendor) = vendor
        && po_store::vendor(db, vendor).await?.is_none()
    {
        errors.add("vendor_id", "No such vendor.");
    }
    if let Some(location) = location
        && store::location(db, location).await?.is_none()
    {
        errors.add("location_id", "No such location.");
    }
    let products: Vec<Uuid> = lines.iter().flatten().map(|l| l.0).collect();
    let known: HashSet<Uuid> = catalog_store::products_by_id(db, products)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some((product, ..)) = line
            && !known.contains(product)
        {
            errors.add(&format!("lines[{i}].product_id"), "No such product.");
        }
    }
    let (vendor, location) = errors.finish(|| vendor.zip(location))?;
    let id = Uuid::now_v7();
    let now = app.clock.now();
    let number = number.unwrap_or_else(|| {
        let hex = id.simple().to_string().to_uppercase();
        format!("PO-{}", &hex[hex.len().saturating_sub(8)..])
    });
    let record_row = OrderRecord {
        order: PurchaseOrder {
            id,
            number,
            vendor_id: vendor,
            location_id: location,
            status: "open".into(),
            expected_on,
            created_by: actor.username.clone(),
            created_at: now,
            updated_at: now,
        },
        lines: lines
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, (product, quantity, cost))| PurchaseOrderLine {
                purchase_order_id: id,
                position: i32::try_from(i).unwrap_or(i32::MAX),
                product_id: product,
                quantity_ordered: quantity,
                quantity_received: 0,
                unit_cost_cents: cost.cents(),
            })
            .collect(),
    };
    po_store::insert_order(db, record_row).await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("purchase_order.create", "purchase_order", id),
    )
    .await?;
    tx.commit().await?;
    Ok(PurchaseOrderId::from_uuid(id))
}

/// A purchase order in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderSummary {
    /// The order.
    #[schema(value_type = String)]
    pub id: PurchaseOrderId,
    /// Its number.
    pub number: String,
    /// The vendor's name.
    pub vendor_name: String,
    /// Where it arrives.
    pub location_name: String,
    /// `open`, `partial` or `received`.
    pub status: String,
    /// When the goods are expected.
    #[schema(value_type = Option<String>)]
    pub expected_on: Option<Date>,
}

/// One line of a purchase order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderLineView {
    /// The product.
    #[schema(value_type = String)]
    pub product_id: ProductId,
    /// Its name.
    pub product_name: String,
    /// Whether each unit is tracked by serial.
    pub serialized: bool,
    /// How its stock is kept (`none`, `lot`, `lot_and_expiry`).
    pub lot_tracking: String,
    /// Units ordered.
    pub ordered: i32,
    /// Units received so far.
    pub received: i32,
    /// Unit cost in cents.
    pub unit_cost_cents: i64,
}

/// One receipt recorded on a purchase order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// Why more than ordered was accepted, if it was.
    pub override_reason: Option<String>,
    /// Units received per line, in line order.
    pub quantities: Vec<u32>,
}

/// A purchase order with its lines, receipts and the units received on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderView {
    /// The order.
    pub order: PurchaseOrderSummary,
    /// Its lines.
    pub lines: Vec<PurchaseOrderLineView>,
    /// Its receipts, oldest first.
    pub receipts: Vec<ReceiptView>,
    /// Serialized units received on it.
    pub assets: Vec<AssetSummary>,
}

async fn summary(
    db: &impl Db,
    names: &Names,
    row: PurchaseOrder,
) -> AppResult<PurchaseOrderSummary> {
    let vendor = po_store::vendor(db, row.vendor_id).await?;
    Ok(PurchaseOrderSummary {
        id: PurchaseOrderId::from_uuid(row.id),
        number: row.number,
        vendor_name: vendor.map(|v| v.name).unwrap_or_default(),
        location_name: names
            .locations
            .get(&row.location_id)
            .map(|l| l.name.clone())
            .unwrap_or_default(),
        status: row.status,
        expected_on: row.expected_on,
    })
}

/// Purchase orders, newest first; with the offset of the next page.
pub async fn purchase_orders(
    app: &App,
    actor: &Actor,
    offset: u64,
) -> AppResult<(Vec<PurchaseOrderSummary>, Option<u64>)> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let mut rows = po_store::orders(db, offset, 51).await?;
    let next = (rows.len() > 50).then_some(offset + 50);
    rows.truncate(50);
    let names = Names::load(db, Vec::new()).await?;
    let mut items = Vec::new();
    for row in rows {
        items.push(summary(db, &names, row).await?);
    }
    Ok((items, next))
}

/// Lot tracking of each product (the default for products without inventory facts).
pub(super) async fn tracking_of(
    db: &impl Db,
    products: Vec<Uuid>,
) -> AppResult<HashMap<Uuid, LotTracking>> {
    store::inventory_products(db, products)
        .await?
        .into_iter()
        .map(|p| Ok((p.product_id, stored_tracking(&p.lot_tracking)?)))
        .collect()
}

/// One purchase order.
pub async fn purchase_order(
    app: &App,
    actor: &Actor,
    id: PurchaseOrderId,
) -> AppResult<PurchaseOrderView> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let record_row = po_store::order(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("purchase order"))?;
    let products: Vec<Uuid> = record_row.lines.iter().map(|l| l.product_id).collect();
    let names = Names::load(db, products.clone()).await?;
    let tracking = tracking_of(db, products).await?;
    let receipts = po_store::receipts(db, id.as_uuid()).await?;
    let received = store::assets_of_purchase_order(db, id.as_uuid()).await?;
    Ok(PurchaseOrderView {
        lines: record_row
            .lines
            .iter()
            .map(|l| {
                let product = names.products.get(&l.product_id);
                PurchaseOrderLineView {
                    product_id: ProductId::from_uuid(l.product_id),
                    product_name: product.map(|p| p.name.clone()).unwrap_or_default(),
                    serialized: product.is_some_and(|p| p.serialized),
                    lot_tracking: tracking
                        .get(&l.product_id)
                        .copied()
                        .unwrap_or_default()
                        .as_str()
                        .to_owned(),
                    ordered: l.quantity_ordered,
                    received: l.quantity_received,
                    unit_cost_cents: l.unit_cost_cents,
                }
            })
            .collect(),
        receipts: receipts
            .into_iter()
            .map(|r| ReceiptView {
                at: r.at,
                actor: r.actor_name,
                override_reason: r.override_reason,
                quantities: serde_json::from_str(&r.lines).unwrap_or_default(),
            })
            .collect(),
        assets: received.iter().map(|a| names.summary(a)).collect(),
        order: summary(db, &names, record_row.order).await?,
    })
}

/// One line of the suggested-order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    /// Where.
    pub location_name: String,
    /// What.
    #[schema(value_type = String)]
    pub product_id: ProductId,
    /// The product's name.
    pub product_name: String,
    /// On hand now.
    pub on_hand: i64,
    /// Still to arrive on open purchase orders.
    pub on_order: u32,
    /// The reorder point.
    pub reorder_point: u32,
    /// How many to order.
    pub quantity: u64,
}

/// Stock lines below their reorder point, counting what is already on order.
pub async fn suggested_orders(app: &App, actor: &Actor) -> AppResult<Vec<SuggestionView>> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let rules: Vec<ReorderRule> = store::reorder_rules(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(ReorderRule {
                location: LocationId::from_uuid(r.location_id),
                product: ProductId::from_uuid(r.product_id),
                reorder_point: u32::try_from(r.reorder_point).ok()?,
                reorder_quantity: durable_domain::inventory::Quantity::new(i64::from(
                    r.reorder_quantity,
                ))
                .ok()?,
            })
        })
        .collect();
    let postings: Vec<Posting> = store::on_hand_lines(db, None)
        .await?
        .into_iter()
        .map(|row| Posting {
            key: StockKey {
                location: LocationId::from_uuid(row.location_id),
                product: ProductId::from_uuid(row.product_id),
                lot: row.lot.as_deref().and_then(|l| Lot::parse(l).ok()),
            },
            delta: row.on_hand,
        })
        .collect();
    let on_hand = OnHand::fold(&postings);
    let mut on_order: HashMap<(Uuid, Uuid), u32> = HashMap::new();
    for (location, line) in po_store::open_lines(db).await? {
        let open = u32::try_from(line.quantity_ordered.saturating_sub(line.quantity_received))
            .unwrap_or(0);
        *on_order.entry((location, line.product_id)).or_default() += open;
    }
    let suggestions = suggest(&rules, &on_hand, |l, p| {
        on_order
            .get(&(l.as_uuid(), p.as_uuid()))
            .copied()
            .unwrap_or(0)
    });
    let names = Names::load(
        db,
        suggestions
            .iter()
            .map(|s| s.rule.product.as_uuid())
            .collect(),
    )
    .await?;
    Ok(suggestions
        .into_iter()
        .map(|s| SuggestionView {
            location_name: names
                .locations
                .get(&s.rule.location.as_uuid())
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            product_id: s.rule.product,
            product_name: names
                .products
                .get(&s.rule.product.as_uuid())
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            on_hand: s.on_hand,
            on_order: s.on_order,
            reorder_point: s.rule.reorder_point,
            quantity: s.quantity,
        })
        .collect())
}
