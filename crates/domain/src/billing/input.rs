//! What a billing specialist tells the engine about one rental: plain serde data, no behaviour.
//!
//! Medicare fee-for-service is priced from the fee schedule; commercial and Medicaid payers are
//! priced from the price option the supplier configured for the payer and item (month bands).
//! Every field added after the first slice has a default, so older inputs still read. The JSON
//! Schema in docs/billing-input.schema.json describes these types (a test keeps them in step).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::documentation::PriorAuthFacts;
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
    /// Who pays: Medicare, or a commercial or Medicaid payer billed from `price_option`.
    pub payer: PayerKind,
    /// Commercial and Medicaid payers: how this payer prices the item, month band by month band.
    /// Required for them; refused for Medicare, which is priced from the fee schedule.
    #[serde(default)]
    pub price_option: Option<PriceOption>,
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
    /// Inexpensive/routinely purchased items only: present when the beneficiary chose to buy
    /// (one NU or UE line); absent when they rent.
    #[serde(default)]
    pub purchase: Option<Purchase>,
    /// Complex rehab power wheelchairs rented rather than bought: what the beneficiary answered
    /// to the rent/purchase offer (BR or BU on the first month, DME MAC modifier guidance BP/BR/BU rows).
    #[serde(default)]
    pub election: Option<Election>,
    /// PAP devices (E0601, E0470): nightly usage and the practitioner's re-evaluation
    /// (LCD L33718).
    #[serde(default)]
    pub pap: Option<PapTherapy>,
    /// The beneficiary chose an upgrade: `item` is what was furnished, this is the covered item
    /// that was ordered (DME MAC modifier guidance GK row, §6.2 upgrades).
    #[serde(default)]
    pub upgrade: Option<Upgrade>,
    /// Medicare: the beneficiary's permanent state of residence on the first date of service, as
    /// its two-letter code; `move` events change it. It decides the DME MAC jurisdiction named on
    /// every line.
    #[serde(default)]
    pub residence: Option<String>,
    /// Readings Durable must choose where the published rules leave a choice.
    #[serde(default)]
    pub settings: Settings,
}

/// A complex rehab power wheelchair's rent/purchase answer when it is rented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Election {
    /// Told of the options and chose rental: BR.
    Rent,
    /// Told of the options and had not decided after 30 days: BU.
    Undecided,
}

/// PAP therapy facts (LCD L33718).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PapTherapy {
    /// Minutes of use per night, from a device download or a reading of the device's display
    /// (blower-hour meters alone are not acceptable evidence). Nights not listed count as unused.
    #[serde(default)]
    pub nightly_usage: Vec<NightlyUsage>,
    /// Date of the treating practitioner's face-to-face re-evaluation documenting improved
    /// symptoms and reviewing the objective adherence.
    #[serde(default, with = "date_format::option")]
    pub reevaluation_date: Option<Date>,
    /// After a failed 12-week trial: the facts that re-qualify the beneficiary for a new trial.
    #[serde(default)]
    pub requalification: Option<Requalification>,
}

/// Re-qualifying for PAP after a failed trial (LCD L33718): a face-to-face re-evaluation finding
/// why the trial failed, a repeat facility-based (Type I) sleep study, then a new 12-week trial
/// with its own adherence window and re-evaluation. Its nights go in `nightly_usage` too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requalification {
    /// The treating practitioner's face-to-face re-evaluation of the failed trial.
    #[serde(with = "date_format")]
    pub face_to_face_date: Date,
    /// The repeat facility-based (Type I, attended) sleep study.
    #[serde(with = "date_format")]
    pub facility_sleep_study_date: Date,
    /// The first night of the new trial: day 1 of its adherence window.
    #[serde(with = "date_format")]
    pub new_trial_start: Date,
    /// The re-evaluation after the new trial, due between its day 31 and day 91.
    #[serde(default, with = "date_format::option")]
    pub reevaluation_date: Option<Date>,
}

/// One night of PAP use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NightlyUsage {
    /// The night, by the date it began.
    #[serde(with = "date_format")]
    pub date: Date,
    /// Minutes of use, 0 to 1440. Signed so that a negative value is refused by name, not by the
    /// JSON reader.
    pub minutes: i64,
}

/// The covered item that was ordered when the beneficiary chose an upgrade; priced like `item`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upgrade {
    /// HCPCS of the item ordered, billed with GK.
    pub hcpcs: String,
    /// Its purchase price (capped rental and purchases).
    #[serde(default)]
    pub purchase_price: Option<Money>,
    /// Its monthly fee (frequent servicing).
    #[serde(default)]
    pub monthly_fee: Option<Money>,
}

/// The beneficiary chose to buy an inexpensive/routinely purchased item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    /// A used item (UE) rather than a new one (NU).
    pub used: bool,
}

/// Choices where the published rules leave a reading open; every field has a default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// How to count "the days left in the rental month in which use stopped" (§1.3, §12 item 2).
    #[serde(default)]
    pub break_in_need_rest_of_month: RestOfMonth,
    /// What a PAP re-evaluation after day 91 does when adherence was shown in time (§3, §12 item 8).
    #[serde(default)]
    pub pap_late_reevaluation: LateReevaluation,
    /// Whether concentrator maintenance (MS) is billed after the 36 paid months (§1.4, §12 item 3).
    #[serde(default)]
    pub oxygen_maintenance: OxygenMaintenance,
    /// Where the break-in-need window of 42 CFR 414.230 ends: 60 days after the rental month in
    /// which use stopped, or two full rental months after it.
    #[serde(default)]
    pub break_in_need_window: BreakInNeedWindow,
}

/// The two published readings of how long a break in need must last before a new capped-rental
/// period may start (42 CFR 414.230: "60 consecutive days plus the days remaining in the rental
/// month in which use ceased").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakInNeedWindow {
    /// The regulation's words: the days left in the rental month in which use stopped, then 60
    /// days (whether the return day is one of the days left is `break_in_need_rest_of_month`).
    SixtyDays,
    /// The DME MAC's published reading: the rest of that rental month, then two full rental
    /// months. Durable's default, because the DME MACs decide the claims by it
    /// (docs/billing-rules.md says why).
    #[default]
    TwoRentalMonths,
}

/// Whether oxygen concentrator maintenance and servicing (MS) payments are still made
/// (42 CFR 414.226 "Maintenance after cap", §12 item 3: UNCONFIRMED).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OxygenMaintenance {
    /// Not billed: Durable's default while the 2016 rule's current status is unconfirmed.
    #[default]
    NotBilled,
    /// One MS line every 6 months, the first 6 months after the 36th paid month ends.
    EverySixMonths,
}

/// The two readings of a PAP re-evaluation after day 91 (LCD L33718; an open reading: Durable's choice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReevaluation {
    /// Continued coverage is not shown: months 4+ carry GA or GZ. Durable's default, because
    /// KX is an attestation and the other reading is UNCONFIRMED.
    #[default]
    NoContinuedCoverage,
    /// Continued coverage starts on the late re-evaluation's date: months from then carry KX.
    CoverageFromReevaluation,
}

/// The two readings of "60 days plus the rest of the rental month" (§1.3, §12 item 2), one day
/// apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestOfMonth {
    /// The day use stopped (the return date) counts as one of the days left: the longer window,
    /// so a new period needs one more day of non-use. Durable's default.
    #[default]
    IncludesReturnDay,
    /// Only the days after the return date count as left in the month.
    AfterReturnDay,
}

/// The item and the amounts its payment depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// HCPCS Level II code, e.g. `E0260`.
    pub hcpcs: String,
    /// Fee-schedule payment category (Medicare Benefit Policy Manual ch. 15 §110).
    pub category: Category,
    /// Fee-schedule purchase price; required for capped rental and inexpensive/routinely
    /// purchased items (where it is also the cap on total rental).
    #[serde(default)]
    pub purchase_price: Option<Money>,
    /// Monthly fee-schedule amount; required for oxygen, frequent-servicing and rented
    /// inexpensive/routinely purchased items.
    #[serde(default)]
    pub monthly_fee: Option<Money>,
    /// Price of one unit; required for supplies.
    #[serde(default)]
    pub unit_price: Option<Money>,
    /// A power wheelchair, paid 15 % then 6 % (capped rental only).
    #[serde(default)]
    pub power_wheelchair: bool,
    /// A complex rehab power wheelchair (K0835–K0843, K0848–K0864): may be bought up front
    /// (`purchase`, BP) or rented (`election`, BR/BU). Requires `power_wheelchair`.
    #[serde(default)]
    pub complex_rehab: bool,
    /// The item is on the Required Prior Authorization List (42 CFR 414.234) for the
    /// date of service; the caller looks it up, since that list is data.
    #[serde(default)]
    pub prior_authorization_required: bool,
    /// Oxygen qualifying group, shown with N1–N3 (oxygen only).
    #[serde(default)]
    pub oxygen_group: Option<OxygenGroup>,
    /// Prescribed oxygen flow and portable equipment, which decide the Q modifiers (oxygen only).
    #[serde(default)]
    pub oxygen_flow: Option<OxygenFlow>,
    /// Gaseous or liquid oxygen systems: the contents billed monthly after month 36
    /// (42 CFR 414.226; concentrators have none).
    #[serde(default)]
    pub oxygen_contents: Option<OxygenContents>,
    /// Oxygen concentrators: the maintenance and servicing (MS) fee, billed every 6 months after
    /// the 36 paid months only under `settings.oxygen_maintenance` (§1.4, UNCONFIRMED).
    #[serde(default)]
    pub oxygen_maintenance_fee: Option<Money>,
}

/// Oxygen contents for a gaseous or liquid system (e.g. E0441–E0444).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OxygenContents {
    /// HCPCS of the contents; must differ from the equipment's.
    pub hcpcs: String,
    /// Monthly contents fee-schedule amount.
    pub monthly_fee: Money,
}

/// Prescribed oxygen flow in tenths of a litre per minute (0.5 LPM = 5), so that thresholds are
/// compared exactly (42 CFR 414.226 flow-rate pricing, §2 Q rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OxygenFlow {
    /// Stationary flow at rest (awake, by day), in tenths of an LPM.
    pub rest_tenths_lpm: u32,
    /// Night flow, when it differs from the rest flow; the two are then averaged.
    #[serde(default)]
    pub night_tenths_lpm: Option<u32>,
    /// Portable equipment, when prescribed: billed on its own line each paid month.
    #[serde(default)]
    pub portable: Option<Portable>,
}

/// Portable oxygen equipment billed with the stationary item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portable {
    /// HCPCS of the portable equipment, e.g. `E0431`; must differ from the stationary code.
    pub hcpcs: String,
    /// Monthly portable add-on fee-schedule amount.
    pub add_on_fee: Money,
}

/// Fee-schedule payment category (Medicare Benefit Policy Manual ch. 15 §110).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// CR: 13 paid months, then the beneficiary owns it.
    CappedRental,
    /// OX: 36 paid months within a 5-year useful lifetime.
    Oxygen,
    /// IN: rent (capped at the purchase price) or buy.
    InexpensiveRoutinelyPurchased,
    /// FS: rented for as long as it is needed.
    FrequentServicing,
    /// SU: bought per unit, one line per delivery.
    Supplies,
}

/// Oxygen LCD qualifying group (DME MAC modifier guidance, N1–N3).
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
    /// Original Medicare (Part B, DME MAC): every Medicare rule of docs/billing-rules.md.
    Medicare,
    /// A Medicaid plan, billed from the configured `price_option`.
    Medicaid,
    /// A commercial plan, billed from the configured `price_option`.
    Commercial,
}

impl PayerKind {
    /// Medicare's own rules (fee schedule, KX/GA/GZ/GY, 42 CFR 414.230 periods …) apply only to
    /// Medicare; other payers follow their price option (commercial payers and Medicare Advantage
    /// plans set their own rules).
    pub fn is_medicare(self) -> bool {
        self == Self::Medicare
    }
}

/// How a payer other than Medicare prices one item: what kind of sale it is and, month band by
/// month band, the modifiers and amount of each claim line (the payer's contract, configured as a price option).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceOption {
    /// Purchase, rental, capped rental or oxygen.
    pub kind: PriceKind,
    /// Month bands in order, from month 1, without gaps or overlaps; only the last may be open.
    pub bands: Vec<MonthBand>,
    /// The last paid month: a rental stops, a capped rental's title passes, oxygen is furnished
    /// without payment after it. Required for capped rental; refused for purchases.
    #[serde(default)]
    pub cap_months: Option<u32>,
}

impl PriceOption {
    /// The band that bills rental month `month` (from 1); a purchase is billed once, from the
    /// band holding month 1, whatever month is asked. `None` after `cap_months` (nothing more is
    /// paid) or where no band holds the month (an option [`validate`](super::validate_price_option)
    /// refused).
    pub fn band_for_month(&self, month: u32) -> Option<&MonthBand> {
        let month = if self.kind == PriceKind::Purchase {
            1
        } else {
            month
        };
        if self.cap_months.is_some_and(|cap| month > cap) {
            return None;
        }
        self.bands
            .iter()
            .find(|b| band_holds(b.from_month, b.to_month, month))
    }
}

/// Whether rental month `month` lies in the band `from`–`to` (open-ended without `to`).
pub(super) fn band_holds(from: u32, to: Option<u32>, month: u32) -> bool {
    from <= month && to.is_none_or(|to| month <= to)
}

/// What kind of sale a price option describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceKind {
    /// Bought: one line on the first date of service, from the band holding month 1.
    Purchase,
    /// Rented monthly while needed, up to `cap_months` if given.
    Rental,
    /// Rented monthly up to `cap_months`; then the beneficiary owns it.
    CappedRental,
    /// Rented monthly up to `cap_months`, then furnished without payment; the supplier keeps it.
    Oxygen,
}

/// The rental months `from_month` to `to_month` (inclusive; open-ended when absent) and how each
/// is billed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthBand {
    /// First rental month of the band, from 1.
    pub from_month: u32,
    /// Last rental month of the band; absent on an open-ended last band ("14+").
    #[serde(default)]
    pub to_month: Option<u32>,
    /// Modifier codes in claim order, at most 4 (two letters or digits each).
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// Amount of each month's line (of the purchase line), in cents.
    pub amount: Money,
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
    /// The item is statutorily excluded (not a Medicare benefit): every line carries GY, no ABN
    /// needed (DME MAC modifier guidance GY row, §6.2).
    #[serde(default)]
    pub statutory_exclusion: bool,
    /// Oxygen Groups II and III: date of the repeat qualifying test the practitioner evaluated,
    /// due between day 61 and day 90 of therapy (LCD L33797 and policy article A52514).
    #[serde(default, with = "date_format::option")]
    pub oxygen_retest_date: Option<Date>,
    /// Oxygen Groups II and III: date of the new standard written order that follows the repeat
    /// test; continued coverage needs both (LCD L33797, policy article A52514).
    #[serde(default, with = "date_format::option")]
    pub oxygen_retest_order_date: Option<Date>,
    /// Dates of service before 2023-01-01 only: the certificate of medical necessity or DME
    /// information form on file for items that needed one.
    #[serde(default)]
    pub cmn: Option<Cmn>,
    /// The prior authorization request and decision, for items that need one (42 CFR
    /// 414.234). The documentation checks' own model, so both decide coverage the same way.
    #[serde(default)]
    pub prior_authorization: Option<PriorAuthFacts>,
}

/// A certificate of medical necessity (CMN) or DME information form (DIF), required for certain
/// items with dates of service before 2023-01-01, when CMS retired them (CMS Change Request
/// 12954, MLN Matters MM12954).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cmn {
    /// Date of the initial CMN or DIF.
    #[serde(with = "date_format")]
    pub initial_date: Date,
    /// Date of a revised CMN or DIF, when the order changed.
    #[serde(default, with = "date_format::option")]
    pub revised_date: Option<Date>,
    /// Date of the recertification, when the policy required one.
    #[serde(default, with = "date_format::option")]
    pub recertification_date: Option<Date>,
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
    /// Use resumes after a `return`. With a new order, a break longer than 60 days plus the rest
    /// of the rental month starts a new capped-rental period (42 CFR 414.230); otherwise
    /// the count continues.
    Resume {
        /// First day of use again: the new date of service.
        #[serde(with = "date_format")]
        date: Date,
        /// A new prescription, new medical-necessity documentation and a statement explaining the
        /// interruption are on file.
        new_order: bool,
    },
    /// Supplies delivered (supplies only).
    Delivery {
        /// Date of delivery: the date of service.
        #[serde(with = "date_format")]
        date: Date,
        /// Units delivered, at least 1.
        units: u32,
    },
    /// The beneficiary died.
    Death {
        /// Date of death.
        #[serde(with = "date_format")]
        date: Date,
    },
    /// New equipment replaces the item (42 CFR 414.226; 42 CFR 414.210(f)): a new period from this
    /// date (capped rental and oxygen only).
    Replacement {
        /// Date the replacement is furnished: the new period's first date of service.
        #[serde(with = "date_format")]
        date: Date,
        /// Why it is replaced.
        reason: ReplacementReason,
        /// Loss, theft or damage: what happened, for the claim narrative (e.g. "stolen from the
        /// car", "destroyed in a house fire").
        #[serde(default)]
        what_happened: Option<String>,
        /// Loss, theft or damage: the day it happened. Left out when unknown (this tagged event
        /// cannot read a null date back).
        #[serde(
            default,
            with = "date_format::option",
            skip_serializing_if = "Option::is_none"
        )]
        incident_date: Option<Date>,
        /// Loss, theft or damage: the police or fire report's number, when there is one.
        #[serde(default)]
        report: Option<String>,
    },
    /// A repair of beneficiary-owned equipment: the replaced part, billed with RB.
    Repair {
        /// Date of the repair: the date of service.
        #[serde(with = "date_format")]
        date: Date,
        /// HCPCS of the part.
        hcpcs: String,
        /// Units of the part, at least 1.
        units: u32,
        /// Price of one unit of the part.
        unit_price: Money,
    },
    /// The beneficiary changed supplier with no break in need (42 CFR 414.230): the
    /// rental-month count continues; each month is billed by the supplier furnishing the item on
    /// its anniversary date (capped rental and oxygen, Medicare only).
    SupplierChange {
        /// First day the item is furnished by the supplier named in `to`.
        #[serde(with = "date_format")]
        date: Date,
        /// Who furnishes the item from `date`.
        to: SupplierSide,
        /// The other supplier's name, for the claim narrative.
        other_supplier: String,
    },
    /// A rented inexpensive/routinely purchased item is bought partway through its rental
    /// (Medicare Benefit Policy Manual ch. 15 §110): rental stops; one NU/UE line at the purchase price less the rent
    /// already paid.
    Purchase {
        /// Date of the purchase: its date of service.
        #[serde(with = "date_format")]
        date: Date,
        /// A used item (UE) rather than a new one (NU).
        used: bool,
        /// The supplier's actual charge, when below the purchase price; the allowed amount never
        /// exceeds it.
        #[serde(default)]
        charge: Option<Money>,
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
    /// The beneficiary's permanent residence moves to another state: not an interruption, so the
    /// rental-month count goes on (42 CFR 414.230); claims from `date` go to the new state's DME
    /// MAC.
    Move {
        /// First day of residence in the new state.
        #[serde(with = "date_format")]
        date: Date,
        /// The new state's two-letter code.
        state: String,
    },
}

/// Why equipment is replaced (42 CFR 414.226; 42 CFR 414.210(f)). Wear, malfunction or repair never
/// start a new period, so they are not reasons here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplacementReason {
    /// Lost, stolen or irreparably damaged.
    Loss,
    /// The reasonable useful lifetime (5 years) has ended and the beneficiary elected new equipment.
    UsefulLifetime,
}

/// Which supplier furnishes the item after a change of supplier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplierSide {
    /// The supplier this schedule is for takes the rental over.
    Us,
    /// Another supplier takes it over; its months are billed by it.
    Other,
}
