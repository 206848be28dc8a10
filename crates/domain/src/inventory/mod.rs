//! Inventory and serialized equipment: the pure rules the warehouse, the technicians
//! and the recall desk share. Tables, pages and the API build on these; nothing here does I/O.
//!
//! - [`asset`]: a serialized unit's life as a state machine ([`apply`]); its transition table is
//!   in the module doc and docs/asset-states.md.
//! - [`refusals`]: every reason the machine refuses a command, with a stable code.
//! - [`stock`]: the append-only stock ledger and on-hand derived from it.
//! - [`reorder`]: the suggested-order list.
//! - [`recall`]: which units a recall campaign affects, in Rust and as SQL conditions.
//! - [`receiving`]: checks on receiving a purchase order.
//! - [`label`]: the Code 128 symbol of a serial for asset labels.
//! - [`keys`]: how serials, lots, manufacturers and models are normalized for comparison.
//! - [`quantity`]: positive whole-unit quantities.
//! - [`zone`]: location kinds and the zone a unit's state puts it in.

pub mod asset;
pub mod keys;
pub mod label;
pub mod quantity;
pub mod recall;
pub mod receiving;
pub mod refusals;
pub mod reorder;
pub mod stock;
pub mod zone;

pub use asset::{
    AssetCommand, AssetFacts, AssetState, DeliveryTerms, InspectionResult, NEW_UNIT, Owner,
    Transition, apply,
};
pub use keys::{Lot, SerialKey};
pub use quantity::Quantity;
pub use recall::{
    AssetIdentity, AssetKeys, Campaign, CampaignInput, Selector, SerialRangeInput, affects,
};
pub use receiving::{
    OrderedLine, Receipt, ReceiptInput, ReceiptLineInput, ReceivedLine, check_receipt,
};
pub use refusals::Refusal;
pub use reorder::{ReorderRule, Suggestion, suggested_orders};
pub use stock::{
    AdjustReason, LedgerEntry, LotTracking, Movement, OnHand, Posting, StockKey, StockLedger, post,
};
pub use zone::{LocationKind, Zone};
