//! Checks on receiving a purchase order: partial receipts are
//! fine, receiving more than ordered needs an override with a reason, quantities are never
//! negative, serialized products need one serial per unit, and a serial already on file for the
//! same manufacturer is refused. Every problem comes back at once, tied to its field, and
//! nothing is received unless there are none.
//!
//! Field names follow the form: `lines[0].quantity`, `lines[0].serials[2]`, `lines[1].lot`,
//! `lines[1].expiry`, `override_reason`, `lines`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::Date;

use super::keys::{Lot, SerialKey, text_key};
use super::quantity::Quantity;
use super::stock::{LotTracking, Movement, StockKey};
use crate::billing::input::date_format;
use crate::ids::{LocationId, ProductId};
use crate::validation::{FieldErrors, parse_date};

/// The longest override reason, in characters.
pub const MAX_OVERRIDE_REASON: usize = 500;

/// What the purchase order says about one line, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderedLine {
    /// The product ordered.
    pub product: ProductId,
    /// The manufacturer's name: serials are unique per manufacturer.
    pub manufacturer: String,
    /// Units ordered.
    pub ordered: u32,
    /// Units received on earlier receipts.
    pub received: u32,
    /// Whether each unit is a serialized asset (one serial per unit).
    pub serialized: bool,
    /// Lot and expiry keeping of the product.
    pub tracking: LotTracking,
}

/// One receipt as typed or scanned at the dock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptInput {
    /// One entry per purchase-order line, in the order's line order.
    pub lines: Vec<ReceiptLineInput>,
    /// Why more than ordered is accepted; empty means no override.
    pub override_reason: Option<String>,
}

/// What arrived for one purchase-order line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptLineInput {
    /// Units received now; 0 when none of this line came.
    pub quantity: i64,
    /// One serial per unit, for serialized products.
    pub serials: Vec<String>,
    /// The lot on the package, for products kept by lot.
    pub lot: Option<String>,
    /// The lot's expiry date (`YYYY-MM-DD` or `MM/DD/YYYY`), for products kept with one.
    pub expiry: Option<String>,
}

/// A checked receipt: only the lines that received something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Received lines, in order-line order.
    pub lines: Vec<ReceivedLine>,
    /// The override reason, when some line goes over what was ordered.
    pub override_reason: Option<String>,
}

/// One received line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedLine {
    /// Index of the purchase-order line.
    pub line: usize,
    /// The product.
    pub product: ProductId,
    /// Units received now.
    pub quantity: Quantity,
    /// Serials as typed (trimmed) with their keys; empty for stock items.
    pub serials: Vec<ReceivedSerial>,
    /// The lot, for products kept by lot.
    pub lot: Option<Lot>,
    /// The lot's expiry date.
    #[serde(with = "date_format::option")]
    pub expiry: Option<Date>,
    /// This line takes the total received over what was ordered.
    pub over_ordered: bool,
}

/// One serial captured on receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedSerial {
    /// As typed or scanned, trimmed: what the label shows.
    pub text: String,
    /// Its key: what uniqueness and recalls compare.
    pub key: SerialKey,
}

impl ReceivedLine {
    /// The stock movement for a non-serialized line (serialized units become assets instead).
    pub fn stock_movement(&self, location: LocationId) -> Option<Movement> {
        (self.serials.is_empty()).then(|| Movement::Receive {
            key: StockKey {
                location,
                product: self.product,
                lot: self.lot.clone(),
            },
            expiry: self.expiry,
            quantity: self.quantity,
        })
    }
}

/// Checks a receipt against its purchase order. `serial_on_file(manufacturer_key, serial_key)`
/// answers whether an asset with that serial already exists for that manufacturer.
pub fn check_receipt(
    order: &[OrderedLine],
    input: &ReceiptInput,
    serial_on_file: impl Fn(&str, &str) -> bool,
) -> Result<Receipt, FieldErrors> {
    let mut errors = FieldErrors::new();
    if input.lines.len() != order.len() {
        errors.add(
            "lines",
            format!(
                "The purchase order has {} lines; enter what arrived for each (0 when nothing did).",
                order.len()
            ),
        );
        return Err(errors);
    }
    let override_reason = errors.optional(
        "override_reason",
        input.override_reason.as_deref(),
        MAX_OVERRIDE_REASON,
    );
    let mut seen = HashSet::new();
    let mut lines = Vec::new();
    for (i, (ordered, line)) in order.iter().zip(&input.lines).enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        if line.quantity < 0 {
            errors.add(
                &field("quantity"),
                "A quantity cannot be negative: enter the units that arrived, or 0.",
            );
            continue;
        }
        if line.quantity == 0 {
            if !line.serials.is_empty() {
                errors.add(
                    &field("quantity"),
                    "Enter how many units arrived: serials were scanned for this line.",
                );
            }
            continue;
        }
        let Some(quantity) = errors.check(&field("quantity"), Quantity::new(line.quantity)) else {
            continue;
        };
        let remaining = ordered.ordered.saturating_sub(ordered.received);
        let over_ordered = quantity.units() > remaining;
        if over_ordered && override_reason.is_none() {
            errors.add(
                &field("quantity"),
                format!(
                    "Only {remaining} more ordered on this line: to receive more, give an override reason."
                ),
            );
        }
        let serials = check_serials(
            &mut errors,
            i,
            ordered,
            line,
            quantity,
            &mut seen,
            &serial_on_file,
        );
        let lot = match (
            ordered.tracking.has_lots(),
            line.lot.as_deref().map(str::trim),
        ) {
            (true, None | Some("")) => {
                errors.add(
                    &field("lot"),
                    "This product is kept by lot: enter the lot number.",
                );
                None
            }
            (true, Some(text)) => errors.check(&field("lot"), Lot::parse(text)),
            (false, None | Some("")) => None,
            (false, Some(_)) => {
                errors.add(
                    &field("lot"),
                    "This product is not kept by lot: leave the lot empty.",
                );
                None
            }
        };
        let expiry = errors.optional_parsed(&field("expiry"), line.expiry.as_deref(), parse_date);
        match (ordered.tracking, expiry) {
            (LotTracking::LotAndExpiry, None) if errors.for_field(&field("expiry")).is_none() => {
                errors.add(
                    &field("expiry"),
                    "This product is kept with expiry dates: enter the lot's expiry date.",
                );
            }
            (LotTracking::None | LotTracking::Lot, Some(_)) => {
                errors.add(
                    &field("expiry"),
                    "This product is not kept with expiry dates: leave the expiry empty.",
                );
            }
            _ => {}
        }
        lines.push(ReceivedLine {
            line: i,
            product: ordered.product,
            quantity,
            serials,
            lot,
            expiry,
            over_ordered,
        });
    }
    if lines.is_empty() && errors.is_empty() {
        errors.add("lines", "Enter at least one quantity received.");
    }
    let override_reason = override_reason.filter(|_| lines.iter().any(|line| line.over_ordered));
    errors.finish(|| {
        Some(Receipt {
            lines,
            override_reason,
        })
    })
}

fn check_serials(
    errors: &mut FieldErrors,
    i: usize,
    ordered: &OrderedLine,
    line: &ReceiptLineInput,
    quantity: Quantity,
    seen: &mut HashSet<(String, String)>,
    serial_on_file: &impl Fn(&str, &str) -> bool,
) -> Vec<ReceivedSerial> {
    if !ordered.serialized {
        if !line.serials.is_empty() {
            errors.add(
                &format!("lines[{i}].serials"),
                "This product is not serialized: leave the serials empty.",
            );
        }
        return Vec::new();
    }
    // Blank rows are the empty inputs of a scan form, not serials.
    let typed: Vec<(usize, &str)> = line
        .serials
        .iter()
        .map(|s| s.trim())
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    if typed.len() != quantity.units() as usize {
        errors.add(
            &format!("lines[{i}].serials"),
            format!(
                "Scan or type one serial per unit: {} units, {} serials.",
                quantity.units(),
                typed.len()
            ),
        );
    }
    let manufacturer = text_key(&ordered.manufacturer);
    let mut serials = Vec::new();
    for (j, text) in typed {
        let field = format!("lines[{i}].serials[{j}]");
        let Some(key) = errors.check(&field, SerialKey::parse(text)) else {
            continue;
        };
        if !seen.insert((manufacturer.clone(), key.key.clone())) {
            errors.add(
                &field,
                format!("Serial {text} is entered twice on this receipt."),
            );
        } else if serial_on_file(&manufacturer, &key.key) {
            errors.add(
                &field,
                format!(
                    "Serial {text} is already on file for {}.",
                    ordered.manufacturer.trim()
                ),
            );
        }
        serials.push(ReceivedSerial {
            text: text.to_owned(),
            key,
        });
    }
    serials
}
