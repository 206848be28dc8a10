//! The billing rules engine: what to bill each rental month, with which modifiers and amounts, and why.
//!
//! This slice schedules Medicare capped rental (PAP adherence, complex rehab power wheelchair
//! elections and purchases, replacements, repairs, changes of supplier), oxygen (flow,
//! replacement, retest warning, contents and maintenance after month 36), frequent-servicing and
//! inexpensive/routinely purchased rentals (bought outright or partway through), purchases and
//! supplies, breaks in billing and in need, upgrades, GY and prior authorization; commercial and
//! Medicaid payers from their price options with month bands; [`checks`] checks claim lines,
//! identifiers and deadlines. See docs/billing-rules.md for every rule id it can cite and which
//! payer kind each applies to.

mod after_cap;
pub mod appeals;
pub mod checks;
pub mod cmn;
mod coverage;
pub mod engine;
pub mod input;
pub mod jurisdiction;
mod lines;
pub mod months;
mod one_day;
pub mod output;
pub mod pap;
mod plan;
mod price_option;
pub mod rules;
mod timeline;

pub use engine::schedule;
pub use input::{
    Abn, BreakInNeedWindow, Category, Cmn, Documentation, Election, Event, Item, LateReevaluation,
    MonthBand, NightlyUsage, OxygenContents, OxygenFlow, OxygenGroup, OxygenMaintenance,
    PapTherapy, PayerKind, Portable, PriceKind, PriceOption, Purchase, RentalInput,
    ReplacementReason, Requalification, RestOfMonth, Settings, SupplierSide, Upgrade,
};
pub use jurisdiction::{Jurisdiction, JurisdictionTable};
pub use lines::OXYGEN_GROUP_MODIFIERS_FROM;
pub use output::{
    Finding, InputError, Line, Modifier, ModifierKind, OtherModifier, Schedule, Severity,
    SkipReason, SkippedMonth,
};
pub use pap::{Adherence, AdherenceWindow, PapReview, adherence};
pub use price_option::validate as validate_price_option;
pub use rules::Rule;
