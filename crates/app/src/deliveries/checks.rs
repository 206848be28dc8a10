//! The checking half of a hand-over: who signed, which checks are open, which unit each scan
//! names (the reserved one, another of the order's, or an available unit of the model to swap
//! in) and the stock each supply line issues. Nothing here writes.

use std::collections::HashSet;

use durable_domain::delivery::{self, Checklist, Relationship, Signer};
use durable_domain::ids::{LocationId, ProductId};
use durable_domain::inventory::{Lot, LotTracking, Movement, Quantity, SerialKey, StockKey, post};
use durable_domain::validation::FieldErrors;
use durable_store::deliveries::{self as store, Ticket, TicketItem};
use durable_store::inventory::{self as inventory_store, Asset, StockMovement};
use durable_store::{Db, users};
use uuid::Uuid;

use super::CompletionForm;
use crate::inventory::ledger_rows;
use crate::{Actor, App, AppResult};

/// One serialized item's unit as resolved from its scan.
pub(super) struct Handed {
    pub(super) item: usize,
    pub(super) unit: Asset,
    /// The reserved unit given up for it, when another unit was scanned.
    pub(super) swapped_from: Option<Asset>,
}

/// Everything checked, ready to write.
pub(super) struct Plan {
    pub(super) handed: Vec<Handed>,
    pub(super) issues: Vec<(usize, Vec<StockMovement>)>,
}

pub(super) fn signer_of(
    form: &CompletionForm,
    staff: bool,
    errors: &mut FieldErrors,
) -> Option<Signer> {
    match form.signer.trim() {
        "beneficiary" => Some(Signer::Beneficiary),
        "designee" => {
            let relationship = match form.relationship.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(code) => {
                    let parsed = Relationship::parse(code);
                    if parsed.is_none() {
                        errors.add(
                            "relationship",
                            "Choose how the designee is related to the patient from the list.",
                        );
                    }
                    parsed
                }
            };
            Some(Signer::Designee {
                printed_name: form.signer_name.clone().unwrap_or_default(),
                relationship,
                is_supplier_staff: staff,
            })
        }
        _ => None,
    }
}

/// Whether a printed name is one of the supplier's staff (a user of Durable).
pub(super) async fn is_staff(db: &impl Db, name: Option<&str>) -> AppResult<bool> {
    let normalize = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let Some(name) = name.map(normalize).filter(|n| !n.is_empty()) else {
        return Ok(false);
    };
    Ok(users::list(db)
        .await?
        .iter()
        .any(|u| normalize(&u.display_name) == name || normalize(&u.username) == name))
}

/// The labels of the checks left undone.
pub(super) fn undone_labels(lists: &[Checklist], ticked: &[String]) -> Vec<&'static str> {
    let undone = delivery::undone(lists, ticked);
    lists
        .iter()
        .flat_map(|l| {
            l.checks
                .iter()
                .map(move |c| (format!("{}.{}", l.code, c.code), c.label))
        })
        .filter(|(code, _)| undone.contains(code))
        .map(|(_, label)| label)
        .collect()
}

/// Resolves each serialized item's scan to a unit, and each stock item to its ledger rows.
pub(super) async fn plan(
    db: &impl Db,
    actor: &Actor,
    app: &App,
    ticket: &Ticket,
    items: &[TicketItem],
    form: &CompletionForm,
    errors: &mut FieldErrors,
) -> AppResult<Plan> {
    let mut handed = Vec::new();
    let mut issues = Vec::new();
    let mut used = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let scan = form.items.iter().find(|s| s.position == item.position);
        let field = format!("items[{}]", item.position);
        let Some(product) = item.product_id else {
            continue;
        };
        if !item.serialized {
            let lot = scan
                .and_then(|s| s.lot.as_deref())
                .map(str::trim)
                .filter(|l| !l.is_empty());
            match stock_issue(db, actor, app, ticket, item, product, lot).await? {
                Ok(rows) => issues.push((index, rows)),
                Err(problems) => {
                    for problem in problems.errors {
                        errors.add(&format!("{field}.lot"), problem.message);
                    }
                }
            }
            continue;
        }
        let serial = scan
            .and_then(|s| s.serial.as_deref())
            .map(str::trim)
            .unwrap_or_default();
        if serial.is_empty() {
            errors.add(
                &format!("{field}.serial"),
                format!(
                    "Scan or type the serial of the {} you hand over.",
                    item.description
                ),
            );
            continue;
        }
        let units = store::units_with_serial(db, product, &SerialKey::of(serial).key).await?;
        let reserved_here = |u: &Asset| {
            Some(u.id) == item.reserved_asset_id
                || (u.state == "reserved" && u.order_id == Some(ticket.order_id))
        };
        let chosen = units
            .iter()
            .find(|u| reserved_here(u))
            .or_else(|| units.iter().find(|u| u.state == "available"));
        let Some(unit) = chosen.filter(|u| !used.contains(&u.id)) else {
            errors.add(
                &format!("{field}.serial"),
                format!(
                    "Serial {serial} is neither the unit reserved for this delivery nor an available unit of the same model."
                ),
            );
            continue;
        };
        used.insert(unit.id);
        let swapped_from = if Some(unit.id) == item.reserved_asset_id || unit.state == "reserved" {
            None
        } else {
            match item.reserved_asset_id {
                Some(id) => inventory_store::asset(db, id)
                    .await?
                    .filter(|r| r.state == "reserved"),
                None => None,
            }
        };
        handed.push(Handed {
            item: index,
            unit: unit.clone(),
            swapped_from,
        });
    }
    Ok(Plan { handed, issues })
}

/// The ledger rows that issue a stock item from the ticket's branch, or why it cannot be.
async fn stock_issue(
    db: &impl Db,
    actor: &Actor,
    app: &App,
    ticket: &Ticket,
    item: &TicketItem,
    product: Uuid,
    lot: Option<&str>,
) -> AppResult<Result<Vec<StockMovement>, FieldErrors>> {
    let lot = match lot.map(Lot::parse) {
        None => None,
        Some(Ok(lot)) => Some(lot),
        Some(Err(e)) => return Ok(Err(FieldErrors::single("lot", e.0))),
    };
    let quantity = match Quantity::new(i64::from(item.quantity)) {
        Ok(q) => q,
        Err(e) => return Ok(Err(FieldErrors::single("quantity", e.0))),
    };
    let key = StockKey {
        location: LocationId::from_uuid(ticket.branch_id),
        product: ProductId::from_uuid(product),
        lot,
    };
    let tracking = inventory_store::inventory_products(db, vec![product])
        .await?
        .first()
        .and_then(|p| LotTracking::parse(&p.lot_tracking))
        .unwrap_or_default();
    let on_hand = inventory_store::on_hand(
        db,
        ticket.branch_id,
        product,
        key.lot.as_ref().map(Lot::as_str),
    )
    .await?;
    let movement = Movement::Issue {
        key: key.clone(),
        quantity,
    };
    Ok(
        post(&movement, tracking, |k| if *k == key { on_hand } else { 0 })
            .map(|postings| ledger_rows(&postings, &movement, actor, app.clock.now(), None)),
    )
}
