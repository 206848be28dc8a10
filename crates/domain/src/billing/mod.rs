//! The billing rules engine: what to bill each rental month, with which modifiers and amounts, and why.
//!
//! This slice schedules Medicare capped rental (PAP adherence, complex rehab power wheelchair
//! elections and purchases, replacements, repairs), oxygen (flow, replacement, retest warning),
//! frequent-servicing and inexpensive/routinely purchased rentals, purchases and supplies, breaks
//! in billing and in need, upgrades, GY and prior authorization; [`checks`] checks claim lines,
//! identifiers and deadlines. See docs/billing-rules.md for every rule id it can cite.

pub mod checks;
mod coverage;
pub mod engine;
pub mod input;
pub mod months;
mod one_day;
pub mod output;
pub mod pap;
mod plan;
pub mod rules;
mod timeline;

pub use engine::schedule;
pub use input::{
    Abn, Category, Documentation, Election, Event, Item, LateReevaluation, NightlyUsage,
    OxygenFlow, OxygenGroup, PapTherapy, PayerKind, Portable, Purchase, RentalInput,
    ReplacementReason, RestOfMonth, Settings, Upgrade,
};
pub use output::{
    Finding, InputError, Line, Modifier, ModifierKind, Schedule, Severity, SkipReason, SkippedMonth,
};
pub use pap::{Adherence, AdherenceWindow, PapReview, adherence};
pub use rules::Rule;
