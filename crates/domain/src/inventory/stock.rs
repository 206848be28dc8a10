//! Stock that is counted, not serialized: movements form an append-only ledger
//! and on-hand is derived by folding it, never stored on its own.
//!
//! Each movement becomes one or more [`Posting`]s: a signed quantity for one (location, product,
//! lot). On-hand for a key is the sum of its postings. A count is recorded as the posting that
//! moves on-hand to the counted quantity (its difference, possibly zero, so the count itself
//! stays on the ledger). On-hand never goes below zero: a movement that would take it there is
//! refused, naming what is on hand.
//!
//! The application stores postings as rows and sums them in SQL (`SUM(delta) GROUP BY location,
//! product, lot`); [`post`] takes that sum through a closure, so the database and the in-memory
//! [`StockLedger`] below run the same rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::keys::Lot;
use super::quantity::Quantity;
use crate::billing::input::date_format;
use crate::ids::{LocationId, ProductId};
use crate::validation::FieldErrors;

/// Whether a product's stock is kept by lot, and with an expiry date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LotTracking {
    /// One stock line per location (walkers, cushions).
    #[default]
    None,
    /// One stock line per lot (tubing, masks).
    Lot,
    /// By lot, each lot with its expiry date (electrodes, sterile supplies). Expiry belongs to a
    /// lot, so there is no expiry without lots.
    LotAndExpiry,
}

impl LotTracking {
    /// The stored code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Lot => "lot",
            Self::LotAndExpiry => "lot_and_expiry",
        }
    }

    /// The tracking with this stored code.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::None, Self::Lot, Self::LotAndExpiry]
            .into_iter()
            .find(|t| t.as_str() == code)
    }

    /// Whether movements must name a lot.
    pub const fn has_lots(self) -> bool {
        !matches!(self, Self::None)
    }
}

/// One line of stock: what the ledger sums by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StockKey {
    /// Where.
    pub location: LocationId,
    /// What.
    pub product: ProductId,
    /// Which lot, for products kept by lot.
    pub lot: Option<Lot>,
}

/// Why stock was adjusted by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustReason {
    /// Damaged beyond use.
    Damaged,
    /// Past its expiry date.
    Expired,
    /// Missing.
    Lost,
    /// Turned up.
    Found,
    /// Fixes an earlier entry.
    Correction,
    /// Anything else; the note says what.
    Other,
}

/// A change to stock, as a person records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Movement {
    /// Goods arrived at a location.
    Receive {
        /// Where and what.
        key: StockKey,
        /// The lot's expiry date, for products tracked with one.
        #[serde(default, with = "date_format::option")]
        expiry: Option<Date>,
        /// How many.
        quantity: Quantity,
    },
    /// Goods moved between locations.
    Transfer {
        /// Where from, what and which lot.
        from: StockKey,
        /// Where to.
        to: LocationId,
        /// How many.
        quantity: Quantity,
    },
    /// Goods left stock (to a patient, a delivery, a repair).
    Issue {
        /// Where from and what.
        key: StockKey,
        /// How many.
        quantity: Quantity,
    },
    /// A correction by hand, up or down.
    Adjust {
        /// Where and what.
        key: StockKey,
        /// Units added (positive) or removed (negative); never zero.
        delta: i64,
        /// Why.
        reason: AdjustReason,
        /// Free text; required when the reason is `other`.
        #[serde(default)]
        note: Option<String>,
    },
    /// A physical count: on-hand becomes the counted quantity.
    Count {
        /// Where and what.
        key: StockKey,
        /// Units counted on the shelf.
        counted: u32,
    },
}

/// One signed quantity on one stock line: a row of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Posting {
    /// The stock line.
    pub key: StockKey,
    /// Units added (positive) or removed (negative).
    pub delta: i64,
}

/// The longest adjustment note, in characters.
pub const MAX_NOTE: usize = 500;

/// The postings `movement` makes, or every problem with it. `on_hand` answers the current
/// on-hand of a stock line (the sum of its postings so far).
pub fn post(
    movement: &Movement,
    tracking: LotTracking,
    on_hand: impl Fn(&StockKey) -> i64,
) -> Result<Vec<Posting>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let key = movement_key(movement);
    check_lot(&mut errors, key, tracking);
    let postings = match movement {
        Movement::Receive {
            key,
            expiry,
            quantity,
        } => {
            match (tracking, expiry) {
                (LotTracking::LotAndExpiry, None) => {
                    errors.add(
                        "expiry",
                        "This product is kept with expiry dates: enter the lot's expiry date.",
                    );
                }
                (LotTracking::None | LotTracking::Lot, Some(_)) => {
                    errors.add(
                        "expiry",
                        "This product is not kept with expiry dates: leave the expiry empty.",
                    );
                }
                _ => {}
            }
            vec![Posting {
                key: key.clone(),
                delta: quantity.signed(),
            }]
        }
        Movement::Transfer { from, to, quantity } => {
            if *to == from.location {
                errors.add(
                    "to",
                    "Choose a destination other than the location the stock leaves.",
                );
            }
            check_enough(
                &mut errors,
                "quantity",
                on_hand(from),
                quantity.signed(),
                "move",
            );
            let arriving = StockKey {
                location: *to,
                ..from.clone()
            };
            vec![
                Posting {
                    key: from.clone(),
                    delta: -quantity.signed(),
                },
                Posting {
                    key: arriving,
                    delta: quantity.signed(),
                },
            ]
        }
        Movement::Issue { key, quantity } => {
            check_enough(
                &mut errors,
                "quantity",
                on_hand(key),
                quantity.signed(),
                "issue",
            );
            vec![Posting {
                key: key.clone(),
                delta: -quantity.signed(),
            }]
        }
        Movement::Adjust {
            key,
            delta,
            reason,
            note,
        } => {
            if *delta == 0 {
                errors.add(
                    "delta",
                    "Enter the number of units to add or remove (not zero).",
                );
            } else if *delta < 0 {
                check_enough(
                    &mut errors,
                    "delta",
                    on_hand(key),
                    delta.saturating_neg(),
                    "remove",
                );
            }
            let note = errors.optional("note", note.as_deref(), MAX_NOTE);
            if *reason == AdjustReason::Other
                && note.is_none()
                && errors.for_field("note").is_none()
            {
                errors.add("note", "Say why the stock is adjusted.");
            }
            vec![Posting {
                key: key.clone(),
                delta: *delta,
            }]
        }
        Movement::Count { key, counted } => vec![Posting {
            key: key.clone(),
            delta: i64::from(*counted) - on_hand(key),
        }],
    };
    errors.finish(|| Some(postings))
}

/// The stock line a movement starts from (its source for a transfer).
fn movement_key(movement: &Movement) -> &StockKey {
    match movement {
        Movement::Receive { key, .. }
        | Movement::Issue { key, .. }
        | Movement::Adjust { key, .. }
        | Movement::Count { key, .. } => key,
        Movement::Transfer { from, .. } => from,
    }
}

fn check_lot(errors: &mut FieldErrors, key: &StockKey, tracking: LotTracking) {
    match (tracking.has_lots(), &key.lot) {
        (true, None) => errors.add("lot", "This product is kept by lot: enter the lot number."),
        (false, Some(_)) => errors.add(
            "lot",
            "This product is not kept by lot: leave the lot empty.",
        ),
        _ => {}
    }
}

fn check_enough(errors: &mut FieldErrors, field: &str, on_hand: i64, wanted: i64, verb: &str) {
    if wanted > on_hand {
        errors.add(
            field,
            format!(
                "Only {on_hand} on hand on this stock line: cannot {verb} {wanted}. Count the shelf or pick another location or lot."
            ),
        );
    }
}

/// On-hand per stock line, derived from postings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OnHand(BTreeMap<StockKey, i64>);

impl OnHand {
    /// Nothing on hand.
    pub fn new() -> Self {
        Self::default()
    }

    /// Folds postings, oldest first, into on-hand.
    pub fn fold<'a>(postings: impl IntoIterator<Item = &'a Posting>) -> Self {
        let mut on_hand = Self::new();
        on_hand.extend(postings);
        on_hand
    }

    /// Adds postings; the one place on-hand changes.
    pub fn extend<'a>(&mut self, postings: impl IntoIterator<Item = &'a Posting>) {
        for posting in postings {
            let units = self.0.entry(posting.key.clone()).or_insert(0);
            *units = units.saturating_add(posting.delta);
        }
    }

    /// On-hand of one stock line.
    pub fn get(&self, key: &StockKey) -> i64 {
        self.0.get(key).copied().unwrap_or(0)
    }

    /// On-hand of a product at a location, all lots together (what reordering looks at).
    pub fn of_product(&self, location: LocationId, product: ProductId) -> i64 {
        self.0
            .iter()
            .filter(|(key, _)| key.location == location && key.product == product)
            .map(|(_, units)| *units)
            .sum()
    }

    /// Every stock line with its on-hand, in key order.
    pub fn lines(&self) -> impl Iterator<Item = (&StockKey, i64)> {
        self.0.iter().map(|(key, units)| (key, *units))
    }
}

/// One recorded movement and the postings it made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    /// What the person recorded.
    pub movement: Movement,
    /// Its signed quantities.
    pub postings: Vec<Posting>,
}

/// An append-only ledger held in memory (tests, imports, previews); the database keeps the same
/// rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StockLedger {
    entries: Vec<LedgerEntry>,
    on_hand: OnHand,
}

impl StockLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a movement, or refuses it and records nothing.
    pub fn record(
        &mut self,
        movement: Movement,
        tracking: LotTracking,
    ) -> Result<&LedgerEntry, FieldErrors> {
        let postings = post(&movement, tracking, |key| self.on_hand.get(key))?;
        self.on_hand.extend(&postings);
        self.entries.push(LedgerEntry { movement, postings });
        Ok(&self.entries[self.entries.len() - 1])
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// Current on-hand, kept as the entries are recorded.
    pub fn on_hand(&self) -> &OnHand {
        &self.on_hand
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(location: LocationId, product: ProductId) -> StockKey {
        StockKey {
            location,
            product,
            lot: None,
        }
    }

    fn qty(units: i64) -> Quantity {
        Quantity::new(units).unwrap()
    }

    #[test]
    fn receive_issue_transfer_and_count_move_on_hand() {
        let (main, van, walker) = (LocationId::new(), LocationId::new(), ProductId::new());
        let shelf = key(main, walker);
        let mut ledger = StockLedger::new();
        let none = LotTracking::None;
        ledger
            .record(
                Movement::Receive {
                    key: shelf.clone(),
                    expiry: None,
                    quantity: qty(10),
                },
                none,
            )
            .unwrap();
        ledger
            .record(
                Movement::Issue {
                    key: shelf.clone(),
                    quantity: qty(3),
                },
                none,
            )
            .unwrap();
        ledger
            .record(
                Movement::Transfer {
                    from: shelf.clone(),
                    to: van,
                    quantity: qty(2),
                },
                none,
            )
            .unwrap();
        let count = ledger
            .record(
                Movement::Count {
                    key: shelf.clone(),
                    counted: 4,
                },
                none,
            )
            .unwrap();
        assert_eq!(
            count.postings[0].delta, -1,
            "the count records the difference"
        );
        assert_eq!(ledger.on_hand().get(&shelf), 4);
        assert_eq!(ledger.on_hand().get(&key(van, walker)), 2);
        let all: Vec<_> = ledger.entries().iter().flat_map(|e| &e.postings).collect();
        assert_eq!(&OnHand::fold(all), ledger.on_hand());
    }

    #[test]
    fn stock_never_goes_negative_and_a_refusal_records_nothing() {
        let shelf = key(LocationId::new(), ProductId::new());
        let mut ledger = StockLedger::new();
        let refused = ledger
            .record(
                Movement::Issue {
                    key: shelf.clone(),
                    quantity: qty(1),
                },
                LotTracking::None,
            )
            .unwrap_err();
        assert_eq!(
            refused.for_field("quantity"),
            Some(
                "Only 0 on hand on this stock line: cannot issue 1. Count the shelf or pick another location or lot."
            )
        );
        let adjust = Movement::Adjust {
            key: shelf,
            delta: -2,
            reason: AdjustReason::Damaged,
            note: None,
        };
        assert!(ledger.record(adjust, LotTracking::None).is_err());
        assert!(ledger.entries().is_empty());
    }

    #[test]
    fn lots_and_expiry_follow_the_product() {
        let shelf = key(LocationId::new(), ProductId::new());
        let receive = Movement::Receive {
            key: shelf.clone(),
            expiry: None,
            quantity: qty(5),
        };
        let errors = post(&receive, LotTracking::LotAndExpiry, |_| 0).unwrap_err();
        assert!(errors.for_field("lot").is_some());
        assert!(errors.for_field("expiry").is_some());
        let with_lot = Movement::Receive {
            key: StockKey {
                lot: Some(Lot::parse("a1").unwrap()),
                ..shelf
            },
            expiry: Some(time::macros::date!(2027 - 01 - 31)),
            quantity: qty(5),
        };
        assert!(post(&with_lot, LotTracking::LotAndExpiry, |_| 0).is_ok());
        let errors = post(&with_lot, LotTracking::None, |_| 0).unwrap_err();
        assert_eq!(errors.errors.len(), 2);
    }

    #[test]
    fn adjustments_need_a_non_zero_delta_and_other_needs_a_note() {
        let shelf = key(LocationId::new(), ProductId::new());
        let adjust = |delta, reason, note: Option<&str>| Movement::Adjust {
            key: shelf.clone(),
            delta,
            reason,
            note: note.map(str::to_owned),
        };
        assert!(
            post(
                &adjust(0, AdjustReason::Found, None),
                LotTracking::None,
                |_| 0
            )
            .unwrap_err()
            .for_field("delta")
            .is_some()
        );
        assert!(
            post(
                &adjust(2, AdjustReason::Other, Some(" ")),
                LotTracking::None,
                |_| 0
            )
            .unwrap_err()
            .for_field("note")
            .is_some()
        );
        assert!(
            post(
                &adjust(2, AdjustReason::Other, Some("sample")),
                LotTracking::None,
                |_| 0
            )
            .is_ok()
        );
    }

    #[test]
    fn a_transfer_needs_another_destination() {
        let shelf = key(LocationId::new(), ProductId::new());
        let same = Movement::Transfer {
            to: shelf.location,
            from: shelf,
            quantity: qty(1),
        };
        let errors = post(&same, LotTracking::None, |_| 5).unwrap_err();
        assert!(errors.for_field("to").is_some());
    }
}
