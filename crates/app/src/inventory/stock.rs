//! Stock that is counted, not serialized: movements go through the domain's `post`, which reads
//! on-hand from the ledger's sums and refuses to take a line below zero; the postings are
//! appended in the same transaction. Reorder rules feed the suggested-order list.

use durable_domain::ids::{LocationId, ProductId};
use durable_domain::inventory::{
    AdjustReason, Lot, LotTracking, Movement, Posting, Quantity, StockKey, post,
};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::inventory::{self as store, InventoryProduct, ReorderRule, StockMovement};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// A stock movement as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MovementForm {
    /// `receive`, `transfer`, `issue`, `adjust` or `count`.
    pub kind: String,
    /// Where (where from, for a transfer).
    pub location_id: String,
    /// What.
    pub product_id: String,
    /// Which lot, for products kept by lot.
    pub lot: Option<String>,
    /// The lot's expiry, when receiving a product kept with one.
    pub expiry: Option<String>,
    /// Units received, moved or issued.
    pub quantity: Option<i64>,
    /// Where to, for a transfer.
    pub to_location_id: Option<String>,
    /// Units added (positive) or removed (negative), for an adjustment.
    pub delta: Option<i64>,
    /// Why, for an adjustment: `damaged`, `expired`, `lost`, `found`, `correction`, `other`.
    pub reason: Option<String>,
    /// Free text; required with the reason `other`.
    pub note: Option<String>,
    /// Units on the shelf, for a count.
    pub counted: Option<i64>,
}

fn uuid_field(errors: &mut FieldErrors, field: &str, text: &str, what: &str) -> Option<Uuid> {
    let parsed = text.trim().parse().ok();
    if parsed.is_none() {
        errors.add(field, format!("Choose the {what} from the list."));
    }
    parsed
}

impl MovementForm {
    fn parse(&self) -> Result<Movement, FieldErrors> {
        let mut errors = FieldErrors::new();
        let location = uuid_field(&mut errors, "location_id", &self.location_id, "location");
        let product = uuid_field(&mut errors, "product_id", &self.product_id, "product");
        let lot = match self.lot.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(text) => errors.check("lot", Lot::parse(text)).map(Some),
        };
        let key = || -> Option<StockKey> {
            Some(StockKey {
                location: LocationId::from_uuid(location?),
                product: ProductId::from_uuid(product?),
                lot: lot.clone()?,
            })
        };
        let mut quantity = || errors.check("quantity", Quantity::new(self.quantity.unwrap_or(0)));
        let movement = match self.kind.trim() {
            "receive" => {
                let quantity = quantity();
                let expiry = errors.optional_parsed("expiry", self.expiry.as_deref(), parse_date);
                key()
                    .zip(quantity)
                    .map(|(key, quantity)| Movement::Receive {
                        key,
                        expiry,
                        quantity,
                    })
            }
            "transfer" => {
                let quantity = quantity();
                let to = uuid_field(
                    &mut errors,
                    "to_location_id",
                    self.to_location_id.as_deref().unwrap_or(""),
                    "destination",
                );
                key()
                    .zip(quantity)
                    .zip(to)
                    .map(|((from, quantity), to)| Movement::Transfer {
                        from,
                        to: LocationId::from_uuid(to),
                        quantity,
                    })
            }
            "issue" => {
                let quantity = quantity();
                key()
                    .zip(quantity)
                    .map(|(key, quantity)| Movement::Issue { key, quantity })
            }
            "adjust" => {
                let reason = serde_json::from_value::<AdjustReason>(serde_json::Value::String(
                    self.reason.clone().unwrap_or_default().trim().to_owned(),
                ))
                .ok();
                if reason.is_none() {
                    errors.add(
                        "reason",
                        "Choose why: damaged, expired, lost, found, correction or other.",
                    );
                }
                key().zip(reason).map(|(key, reason)| Movement::Adjust {
                    key,
                    delta: self.delta.unwrap_or(0),
                    reason,
                    note: self.note.clone(),
                })
            }
            "count" => {
                let counted = self.counted.and_then(|c| u32::try_from(c).ok());
                if counted.is_none() {
                    errors.add(
                        "counted",
                        "Enter the units counted on the shelf (0 or more).",
                    );
                }
                key()
                    .zip(counted)
                    .map(|(key, counted)| Movement::Count { key, counted })
            }
            _ => {
                errors.add("kind", "Choose receive, transfer, issue, adjust or count.");
                None
            }
        };
        errors.finish(|| movement)
    }
}

/// Posts one stock movement to the ledger.
pub async fn record_movement(app: &App, actor: &Actor, form: &MovementForm) -> AppResult<()> {
    actor.require(Permission::InventoryWrite)?;
    let movement = form.parse()?;
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let (location, product, to) = match &movement {
        Movement::Transfer { from, to, .. } => (from.location, from.product, Some(*to)),
        Movement::Receive { key, .. }
        | Movement::Issue { key, .. }
        | Movement::Adjust { key, .. }
        | Movement::Count { key, .. } => (key.location, key.product, None),
    };
    let mut errors = FieldErrors::new();
    if store::location(db, location.as_uuid()).await?.is_none() {
        errors.add("location_id", "No such location.");
    }
    if let Some(to) = to
        && store::location(db, to.as_uuid()).await?.is_none()
    {
        errors.add("to_location_id", "No such location.");
    }
    if durable_store::catalog::products_by_id(db, vec![product.as_uuid()])
        .await?
        .is_empty()
    {
        errors.add("product_id", "No such product.");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let tracking = store::inventory_products(db, vec![product.as_uuid()])
        .await?
        .first()
        .map(|p| stored_tracking(&p.lot_tracking))
        .transpose()?
        // A product without inventory settings is counted per location.
        .unwrap_or_default();
    // `post` reads on-hand through a plain closure, so read the one line it can ask about first.
    let source = match &movement {
        Movement::Transfer { from, .. } => from.clone(),
        Movement::Receive { key, .. }
        | Movement::Issue { key, .. }
        | Movement::Adjust { key, .. }
        | Movement::Count { key, .. } => key.clone(),
    };
    let on_hand = store::on_hand(
        db,
        source.location.as_uuid(),
        source.product.as_uuid(),
        source.lot.as_ref().map(Lot::as_str),
    )
    .await?;
    let postings = post(&movement, tracking, |key| {
        if *key == source { on_hand } else { 0 }
    })?;
    let rows = ledger_rows(&postings, &movement, actor, app.clock.now(), None);
    let movement_id = rows
        .first()
        .map(|r| r.movement_id)
        .unwrap_or_else(Uuid::now_v7);
    store::insert_postings(db, rows).await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("stock.movement", "stock_movement", movement_id)
            .detail(serde_json::json!({ "kind": form.kind.trim() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A reorder rule as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReorderRuleForm {
    /// Where.
    pub location_id: String,
    /// What.
    pub product_id: String,
    /// Reorder when on hand plus on order falls below this.
    pub reorder_point: i64,
    /// The usual order size.
    pub reorder_quantity: i64,
}

/// Sets (or replaces) the reorder rule of a product at a location.
pub async fn set_reorder_rule(app: &App, actor: &Actor, form: &ReorderRuleForm) -> AppResult<()> {
    actor.require(Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    let location = uuid_field(&mut errors, "location_id", &form.location_id, "location");
    let product = uuid_field(&mut errors, "product_id", &form.product_id, "product");
    let point = i32::try_from(form.reorder_point).ok().filter(|p| *p >= 0);
    if point.is_none() {
        errors.add("reorder_point", "Enter 0 or more units.");
    }
    let quantity = errors
        .check("reorder_quantity", Quantity::new(form.reorder_quantity))
        .and_then(|q| i32::try_from(q.units()).ok());
    let (((location, product), point), quantity) =
        errors.finish(|| location.zip(product).zip(point).zip(quantity))?;
    let tx = app.store.begin_write().await?;
    store::save_reorder_rule(
        tx.conn(),
        ReorderRule {
            location_id: location,
            product_id: product,
            reorder_point: point,
            reorder_quantity: quantity,
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("stock.reorder_rule", "product", product),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A product's inventory settings as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProductSettingsForm {
    /// The product.
    pub product_id: String,
    /// How its counted stock is kept: `none` (one line per location), `lot`, or
    /// `lot_and_expiry`.
    pub lot_tracking: String,
    /// `true` when the model stores patient data, so a returned unit must be wiped before
    /// cleaning (DMEPOS quality standards, 42 CFR 424.57(c)(22)); `false` or absent otherwise (a page's unticked box).
    pub keeps_patient_data: Option<String>,
}

/// Sets how a product is kept in stock and whether its units hold patient data. Changing lot
/// tracking affects only movements recorded afterwards; the ledger is never rewritten.
pub async fn set_product_settings(
    app: &App,
    actor: &Actor,
    form: &ProductSettingsForm,
) -> AppResult<()> {
    actor.require(Permission::PurchasingWrite)?;
    let mut errors = FieldErrors::new();
    let product = uuid_field(&mut errors, "product_id", &form.product_id, "product");
    let tracking = LotTracking::parse(form.lot_tracking.trim());
    if tracking.is_none() {
        errors.add(
            "lot_tracking",
            "Choose none, lot, or lot_and_expiry (lot with its expiry date).",
        );
    }
    let keeps_patient_data = match form.keeps_patient_data.as_deref().map(str::trim) {
        None | Some("" | "false") => Some(false),
        Some("true") => Some(true),
        Some(_) => {
            errors.add("keeps_patient_data", "Say true or false.");
            None
        }
    };
    let ((product, tracking), keeps_patient_data) =
        errors.finish(|| product.zip(tracking).zip(keeps_patient_data))?;
    let tx = app.store.begin_write().await?;
    if durable_store::catalog::product(tx.conn(), product)
        .await?
        .is_none()
    {
        return Err(FieldErrors::single("product_id", "Choose a product from the catalog.").into());
    }
    store::save_inventory_product(
        tx.conn(),
        InventoryProduct {
            product_id: product,
            lot_tracking: tracking.as_str().to_owned(),
            keeps_patient_data,
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("inventory.product_settings", "product", product).detail(serde_json::json!({
            "lot_tracking": tracking.as_str(),
            "keeps_patient_data": keeps_patient_data,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A product's inventory settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProductSettingsView {
    /// `none`, `lot` or `lot_and_expiry`.
    pub lot_tracking: String,
    /// Its units store patient data and are wiped before cleaning.
    pub keeps_patient_data: bool,
}

/// A product's inventory settings (the defaults when none were set).
pub async fn product_settings(
    app: &App,
    actor: &Actor,
    id: ProductId,
) -> AppResult<ProductSettingsView> {
    actor.require(Permission::InventoryRead)?;
    let row = store::inventory_products(app.store.conn(), vec![id.as_uuid()])
        .await?
        .into_iter()
        .next();
    Ok(ProductSettingsView {
        lot_tracking: row
            .as_ref()
            .map(|r| stored_tracking(&r.lot_tracking))
            .transpose()?
            .unwrap_or_default()
            .as_str()
            .to_owned(),
        keeps_patient_data: row.is_some_and(|r| r.keeps_patient_data),
    })
}

/// A product's stored lot tracking, read strictly: a value this version does not know is a fault
/// in the data, never "no lot tracking" (a recall needs the lots).
pub(crate) fn stored_tracking(code: &str) -> AppResult<LotTracking> {
    LotTracking::parse(code)
        .ok_or_else(|| AppError::Internal(format!("unknown lot tracking {code:?} on a product")))
}

/// Ledger rows for the postings of one movement.
pub(crate) fn ledger_rows(
    postings: &[Posting],
    movement: &Movement,
    actor: &Actor,
    at: OffsetDateTime,
    purchase_order: Option<Uuid>,
) -> Vec<StockMovement> {
    let movement_id = Uuid::now_v7();
    let (kind, expiry, reason, note) = match movement {
        Movement::Receive { expiry, .. } => ("receive", *expiry, None, None),
        Movement::Transfer { .. } => ("transfer", None, None, None),
        Movement::Issue { .. } => ("issue", None, None, None),
        Movement::Adjust { reason, note, .. } => (
            "adjust",
            None,
            serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
            note.clone(),
        ),
        Movement::Count { .. } => ("count", None, None, None),
    };
    postings
        .iter()
        .map(|p| StockMovement {
            id: Uuid::now_v7(),
            movement_id,
            kind: kind.to_owned(),
            location_id: p.key.location.as_uuid(),
            product_id: p.key.product.as_uuid(),
            lot: p.key.lot.as_ref().map(|l| l.as_str().to_owned()),
            expiry,
            delta: p.delta,
            reason: reason.clone(),
            note: note.clone(),
            purchase_order_id: purchase_order,
            actor_name: actor.username.clone(),
            at,
        })
        .collect()
}
