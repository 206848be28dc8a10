//! The billing rules engine: what to bill each rental month, with which modifiers and amounts, and why.
//!
//! This slice schedules Medicare capped rental, oxygen, frequent-servicing and inexpensive/routinely purchased
//! rentals, purchases and supplies, breaks in billing and in need; see
//! docs/billing-rules.md for every rule id it can cite.

pub mod engine;
pub mod input;
pub mod months;
pub mod rules;

pub use engine::{
    InputError, Line, Modifier, ModifierKind, Schedule, SkipReason, SkippedMonth, schedule,
};
pub use input::{
    Abn, Category, Documentation, Event, Item, OxygenFlow, OxygenGroup, PayerKind, Portable,
    Purchase, RentalInput, RestOfMonth, Settings,
};
pub use rules::Rule;
