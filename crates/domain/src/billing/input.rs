//! What a billing specialist tells the engine about one rental: plain serde data, no behaviour.
//!
//! Only Medicare fee-for-service is modelled in this slice; other payers come later.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Money;

// Dates travel as `YYYY-MM-DD` in JSON.
time::serde::format_description!(
    pub(crate) date_format,
    Date,
    "[year]-[month]-[day]"
);

/// One rental (or item) to schedule, from its first date of service up to `through`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RentalInput {
    /// The item furnished.
    pub item: Item,
    /// Who pays; only Medicare in this slice.
    pub payer: PayerKind,
    /// Delivery date: the first day of rental month 1 (`YYYY-MM-DD`).
    #[serde(with = "date_format")]
    pub first_date_of_service: Date,
    /// Schedule months whose first day is on or before this date (`YYYY-MM-DD`).
    #[serde(with = "date_format")]
    pub through: Date,
    /// Documentation facts that decide KX, GA or GZ.
    pub documentation: Documentation,
    /// Dated events, in any order.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// The item and the amounts its payment depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// HCPCS Level II code, e.g. `E0260`.
    pub hcpcs: String,
    /// Fee-schedule payment category (medicare-rules.md §1.1).
    pub category: Category,
    /// Fee-schedule purchase price; required for capped rental.
    #[serde(default)]
    pub purchase_price: Option<Money>,
    /// Monthly fee-schedule amount; required for oxygen and frequent-servicing items.
    #[serde(default)]
    pub monthly_fee: Option<Money>,
    /// A power wheelchair, paid 15 % then 6 % (capped rental only).
    #[serde(default)]
    pub power_wheelchair: bool,
    /// Oxygen qualifying group, shown with N1–N3 (oxygen only).
    #[serde(default)]
    pub oxygen_group: Option<OxygenGroup>,
}

/// Fee-schedule payment category (medicare-rules.md §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// CR: 13 paid months, then the beneficiary owns it.
    CappedRental,
    /// OX: 36 paid months within a 5-year useful lifetime.
    Oxygen,
    /// IN: rent or buy (not scheduled by this slice yet).
    InexpensiveRoutinelyPurchased,
    /// FS: rented for as long as it is needed.
    FrequentServicing,
    /// SU: bought per unit (not scheduled by this slice yet).
    Supplies,
}

/// Oxygen LCD qualifying group (medicare-rules.md §2, N1–N3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OxygenGroup {
    /// Group I.
    #[serde(rename = "I")]
    One,
    /// Group II.
    #[serde(rename = "II")]
    Two,
    /// Group III.
    #[serde(rename = "III")]
    Three,
}

/// Who pays the claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayerKind {
    /// Original Medicare (Part B, DME MAC).
    Medicare,
}

/// Documentation facts that decide the KX / GA / GZ modifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Documentation {
    /// Every requirement of the item's medical policy is documented.
    pub checklist_met: bool,
    /// The signed Advance Beneficiary Notice, if any.
    #[serde(default)]
    pub abn: Option<Abn>,
}

/// A signed Advance Beneficiary Notice (CMS-R-131).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Abn {
    /// Date the beneficiary signed it.
    #[serde(with = "date_format")]
    pub signed_date: Date,
}

/// Something that happened on a date and changes what may be billed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// Equipment returned or picked up because the need ended.
    Return {
        /// Date of return or pick-up.
        #[serde(with = "date_format")]
        date: Date,
    },
    /// The beneficiary died.
    Death {
        /// Date of death.
        #[serde(with = "date_format")]
        date: Date,
    },
    /// Hospital or facility stay: a break in billing, not in need.
    Stay {
        /// First day in the facility.
        #[serde(with = "date_format")]
        start: Date,
        /// Last day in the facility; home use resumes the next day.
        #[serde(with = "date_format")]
        end: Date,
    },
}
