//! Receiving goods on a purchase order at the dock: serial capture (scanned or typed), partial
//! receipts and over-receipt overrides, checked by the domain's `check_receipt`. Serialized units
//! are created clean and available with their first custody event; the rest is posted to the
//! stock ledger. Receiving only records what arrived, so the people at the dock do it
//! (`InventoryWrite`).

use std::collections::{HashMap, HashSet};

use durable_domain::ids::{LocationId, ProductId, PurchaseOrderId};
use durable_domain::inventory::keys::text_key;
use durable_domain::inventory::{
    AssetIdentity, AssetKeys, NEW_UNIT, OrderedLine, ReceiptInput, ReceiptLineInput, post,
};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::Db;
use durable_store::inventory::{self as store, Asset};
use durable_store::purchasing::{self as po_store};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::assets::Names;
use super::commands::{custody, moved};
use super::purchasing::tracking_of;
use super::stock::ledger_rows;
use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// What arrived, as typed or scanned at the dock.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReceiptForm {
    /// One entry per purchase-order line, in line order.
    pub lines: Vec<ReceiptLineForm>,
    /// Why more than ordered is accepted; empty means no override.
    pub override_reason: Option<String>,
    /// The manufacturer's warranty end for the serialized units received.
    pub warranty_end: Option<String>,
}

/// What arrived for one line.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReceiptLineForm {
    /// Units received now (0 when none).
    pub quantity: i64,
    /// One serial per unit, for serialized products.
    pub serials: Vec<String>,
    /// The lot on the package.
    pub lot: Option<String>,
    /// The lot's expiry date.
    pub expiry: Option<String>,
}

/// Receives goods on a purchase order: checks the receipt, creates the serialized units (clean
/// and available at the order's location, with a custody event) and posts stock for the rest.
pub async fn receive(
    app: &App,
    actor: &Actor,
    id: PurchaseOrderId,
    form: &ReceiptForm,
) -> AppResult<()> {
    actor.require(Permission::InventoryWrite)?;
    let mut warranty_errors = FieldErrors::new();
    let warranty_end =
        warranty_errors.optional_parsed("warranty_end", form.warranty_end.as_deref(), parse_date);
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let mut record_row = po_store::order(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("purchase order"))?;
    if !po_store::OPEN.contains(&record_row.order.status.as_str()) {
        return Err(AppError::Conflict(format!(
            "This purchase order is {}: nothing more can be received on it.",
            record_row.order.status
        )));
    }
    let product_ids: Vec<Uuid> = record_row.lines.iter().map(|l| l.product_id).collect();
    let names = Names::load(db, product_ids.clone()).await?;
    let tracking = tracking_of(db, product_ids).await?;
    let ordered: Vec<OrderedLine> = record_row
        .lines
        .iter()
        .map(|l| {
            let product = names.products.get(&l.product_id);
            OrderedLine {
                product: ProductId::from_uuid(l.product_id),
                manufacturer: product.map(|p| p.manufacturer.clone()).unwrap_or_default(),
                ordered: u32::try_from(l.quantity_ordered).unwrap_or(0),
                received: u32::try_from(l.quantity_received).unwrap_or(0),
                serialized: product.is_some_and(|p| p.serialized),
                tracking: tracking.get(&l.product_id).copied().unwrap_or_default(),
            }
        })
        .collect();
    let input = ReceiptInput {
        lines: form
            .lines
            .iter()
            .map(|l| ReceiptLineInput {
                quantity: l.quantity,
                serials: l.serials.clone(),
                lot: l.lot.clone(),
                expiry: l.expiry.clone(),
            })
            .collect(),
        override_reason: form.override_reason.clone(),
    };
    let on_file = serials_on_file(db, &ordered, &input).await?;
    let checked = durable_domain::inventory::check_receipt(&ordered, &input, |m, s| {
        on_file.contains(&(m.to_owned(), s.to_owned()))
    });
    let receipt = match checked {
        Ok(receipt) if warranty_errors.is_empty() => receipt,
        Ok(_) => return Err(warranty_errors.into()),
        Err(mut errors) => {
            errors.errors.extend(warranty_errors.errors);
            return Err(errors.into());
        }
    };
    let location = record_row.order.location_id;
    let now = app.clock.now();
    let mut assets = Vec::new();
    let mut events = Vec::new();
    let mut postings = Vec::new();
    let mut quantities = vec![0u32; record_row.lines.len()];
    for line in &receipt.lines {
        let Some(po_line) = record_row.lines.get(line.line) else {
            continue;
        };
        let product = names.products.get(&po_line.product_id);
        if let Some(slot) = quantities.get_mut(line.line) {
            *slot = line.quantity.units();
        }
        for serial in &line.serials {
            let keys = AssetKeys::of(&AssetIdentity {
                manufacturer: product.map(|p| p.manufacturer.clone()).unwrap_or_default(),
                model: product.map(|p| p.model.clone()).unwrap_or_default(),
                serial: serial.text.clone(),
                lot: line.lot.as_ref().map(|l| l.as_str().to_owned()),
            });
            let blank = Asset {
                id: Uuid::now_v7(),
                product_id: po_line.product_id,
                serial: serial.text.clone(),
                manufacturer_key: keys.manufacturer_key,
                model_key: keys.model_key,
                serial_key: keys.serial.key,
                serial_prefix: keys.serial.prefix,
                serial_number: keys.serial.number,
                lot: line.lot.as_ref().map(|l| l.as_str().to_owned()),
                lot_key: keys.lot_key,
                purchase_cost_cents: po_line.unit_cost_cents,
                purchase_date: app.clock.today(),
                vendor_id: Some(record_row.order.vendor_id),
                purchase_order_id: Some(record_row.order.id),
                warranty_end,
                usage_hours: 0,
                owner_patient_id: None,
                location_id: location,
                zone: None,
                state: String::new(),
                state_detail: String::new(),
                patient_id: None,
                order_id: None,
                created_at: now,
                updated_at: now,
            };
            let row = moved(blank, &NEW_UNIT, location, now)?;
            events.push(custody(
                &actor.username,
                &row,
                "receive",
                None,
                Some(format!("Purchase order {}", record_row.order.number)),
            )?);
            assets.push(row);
        }
        if let Some(movement) = line.stock_movement(LocationId::from_uuid(location)) {
            let tracked = tracking
                .get(&po_line.product_id)
                .copied()
                .unwrap_or_default();
            // Receiving adds stock, so it never reads on-hand.
            let lines = post(&movement, tracked, |_| 0)?;
            postings.extend(ledger_rows(
                &lines,
                &movement,
                actor,
                now,
                Some(record_row.order.id),
            ));
        }
    }
    for (line, quantity) in record_row.lines.iter_mut().zip(&quantities) {
        line.quantity_received = line
            .quantity_received
            .saturating_add(i32::try_from(*quantity).unwrap_or(i32::MAX));
    }
    let complete = record_row
        .lines
        .iter()
        .all(|l| l.quantity_received >= l.quantity_ordered);
    record_row.order.status = if complete { "received" } else { "partial" }.into();
    record_row.order.updated_at = now;
    // A serial put on file since the check above is `Constraint::AssetSerial` (`AppError`).
    store::insert_assets(db, assets, events).await?;
    store::insert_postings(db, postings).await?;
    po_store::record_receipt(
        db,
        &record_row,
        po_store::Receipt {
            id: Uuid::now_v7(),
            purchase_order_id: record_row.order.id,
            lines: serde_json::to_string(&quantities).unwrap_or_else(|_| "[]".into()),
            override_reason: receipt.override_reason.clone(),
            actor_name: actor.username.clone(),
            at: now,
        },
    )
    .await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new(
            "purchase_order.receive",
            "purchase_order",
            record_row.order.id,
        )
        .detail(serde_json::json!({ "quantities": quantities, "status": record_row.order.status })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The (manufacturer key, serial key) pairs of the receipt already on file.
async fn serials_on_file(
    db: &impl Db,
    ordered: &[OrderedLine],
    input: &ReceiptInput,
) -> AppResult<HashSet<(String, String)>> {
    let mut by_manufacturer: HashMap<String, Vec<String>> = HashMap::new();
    for (line, entered) in ordered.iter().zip(&input.lines) {
        if line.serialized {
            by_manufacturer
                .entry(text_key(&line.manufacturer))
                .or_default()
                .extend(entered.serials.iter().map(|s| text_key(s)));
        }
    }
    let mut found = HashSet::new();
    for (manufacturer, keys) in by_manufacturer {
        for key in store::serials_on_file(db, &manufacturer, keys).await? {
            found.insert((manufacturer.clone(), key));
        }
    }
    Ok(found)
}
