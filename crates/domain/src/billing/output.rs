//! What the engine answers: billable lines, months not billed, findings, and the input errors it
//! refuses with.

use serde::{Serialize, Serializer};
use time::Date;

use super::input::date_format;
use super::jurisdiction::Jurisdiction;
use super::pap::PapReview;
use super::rules::Rule;
use crate::catalog::ModifierCode;
use crate::money::Money;

/// How much a finding matters: the documentation checks' own scale, so an order and its claim
/// speak the same language.
pub use crate::documentation::Severity;

/// A problem with the input, naming the field to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InputError {
    /// The field's JSON path, e.g. `events[2].end`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A claim-line modifier this engine can emit or the claim checks recognise; serialized as its
/// two-character code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// Rental.
    Rr,
    /// New equipment purchase.
    Nu,
    /// Used equipment purchase.
    Ue,
    /// Capped rental month 1.
    Kh,
    /// Capped rental months 2–3.
    Ki,
    /// Capped rental months 4–13.
    Kj,
    /// Medical-policy requirements met.
    Kx,
    /// ABN on file; expected denial.
    Ga,
    /// Expected denial; no ABN.
    Gz,
    /// Statutorily excluded; not a Medicare benefit.
    Gy,
    /// Reasonable and necessary item associated with a GA/GZ line (upgrades).
    Gk,
    /// Replacement of an item (loss, theft, irreparable damage; oxygen also after its lifetime).
    Ra,
    /// Replacement of a part furnished as part of a repair.
    Rb,
    /// Told of the rent/purchase options; chose purchase.
    Bp,
    /// Told of the rent/purchase options; chose rental.
    Br,
    /// Told of the rent/purchase options; no decision after 30 days.
    Bu,
    /// Oxygen: stationary flow at rest below 1 LPM.
    Qe,
    /// Oxygen: day and night flows differ, average below 1 LPM.
    Qa,
    /// Oxygen: above 4 LPM, stationary only.
    Qg,
    /// Oxygen: day and night flows differ, average above 4 LPM, stationary only.
    Qr,
    /// Oxygen: above 4 LPM with a portable.
    Qf,
    /// Oxygen: day and night flows average above 4 LPM with a portable.
    Qb,
    /// Oxygen Group I.
    N1,
    /// Oxygen Group II.
    N2,
    /// Oxygen Group III.
    N3,
    /// Oxygen concentrator maintenance and servicing, every 6 months after the 36 paid months.
    Ms,
    /// A well-formed code the engine has no rule for, as a payer's price option configures it.
    Other(OtherModifier),
}

/// A modifier code of two capital letters or digits that is none of [`Modifier`]'s named ones.
/// Kept as bytes so that [`Modifier`] stays `Copy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OtherModifier([u8; 2]);

impl OtherModifier {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only built from a parsed `ModifierCode` (ASCII), so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl Serialize for Modifier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Where a modifier must sit on a claim line (DME MAC modifier guidance).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModifierKind {
    /// Pricing modifiers go first (RR, NU, UE, KH, KI, KJ; §2.1 ranks KH/KI/KJ with RR; the
    /// oxygen Q modifiers change the payment and RB marks a repair part's price, so Durable
    /// ranks them here too).
    Pricing,
    /// KX goes right after the pricing modifiers.
    Kx,
    /// Everything else goes last.
    Informational,
}

/// Every named modifier, for parsing codes back.
const ALL_MODIFIERS: [Modifier; 26] = [
    Modifier::Rr,
    Modifier::Nu,
    Modifier::Ue,
    Modifier::Kh,
    Modifier::Ki,
    Modifier::Kj,
    Modifier::Kx,
    Modifier::Ga,
    Modifier::Gz,
    Modifier::Gy,
    Modifier::Gk,
    Modifier::Ra,
    Modifier::Rb,
    Modifier::Bp,
    Modifier::Br,
    Modifier::Bu,
    Modifier::Qe,
    Modifier::Qa,
    Modifier::Qg,
    Modifier::Qr,
    Modifier::Qf,
    Modifier::Qb,
    Modifier::N1,
    Modifier::N2,
    Modifier::N3,
    Modifier::Ms,
];

impl Modifier {
    /// The two-character code as it appears on the claim.
    pub fn code(&self) -> &str {
        match self {
            Self::Rr => "RR",
            Self::Nu => "NU",
            Self::Ue => "UE",
            Self::Kh => "KH",
            Self::Ki => "KI",
            Self::Kj => "KJ",
            Self::Kx => "KX",
            Self::Ga => "GA",
            Self::Gz => "GZ",
            Self::Gy => "GY",
            Self::Gk => "GK",
            Self::Ra => "RA",
            Self::Rb => "RB",
            Self::Bp => "BP",
            Self::Br => "BR",
            Self::Bu => "BU",
            Self::Qe => "QE",
            Self::Qa => "QA",
            Self::Qg => "QG",
            Self::Qr => "QR",
            Self::Qf => "QF",
            Self::Qb => "QB",
            Self::N1 => "N1",
            Self::N2 => "N2",
            Self::N3 => "N3",
            Self::Ms => "MS",
            Self::Other(other) => other.as_str(),
        }
    }

    /// The modifier a two-character code names, if this engine knows it (case-insensitive).
    pub fn from_code(code: &str) -> Option<Self> {
        ALL_MODIFIERS
            .into_iter()
            .find(|m| m.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The named modifier for a well-formed code, or [`Modifier::Other`] for any other.
    pub fn from_catalog(code: &ModifierCode) -> Self {
        Self::from_code(code.as_str()).unwrap_or_else(|| {
            let bytes = code.as_str().as_bytes();
            Self::Other(OtherModifier([
                bytes.first().copied().unwrap_or(b'?'),
                bytes.get(1).copied().unwrap_or(b'?'),
            ]))
        })
    }

    /// Which position group the modifier belongs to.
    pub fn kind(self) -> ModifierKind {
        match self {
            Self::Rr
            | Self::Nu
            | Self::Ue
            | Self::Kh
            | Self::Ki
            | Self::Kj
            | Self::Rb
            | Self::Qe
            | Self::Qa
            | Self::Qg
            | Self::Qr
            | Self::Qf
            | Self::Qb
            | Self::Ms => ModifierKind::Pricing,
            Self::Kx => ModifierKind::Kx,
            Self::Ga
            | Self::Gz
            | Self::Gy
            | Self::Gk
            | Self::Ra
            | Self::Bp
            | Self::Br
            | Self::Bu
            | Self::N1
            | Self::N2
            | Self::N3
            | Self::Other(_) => ModifierKind::Informational,
        }
    }
}

/// One billable rental month, purchase, supply delivery or repair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Rental period, from 1; a break in need with a new order or a replacement starts the next.
    pub period: u32,
    /// Paid-month number within the period (stays do not count); 0 for purchases, supplies and
    /// repairs.
    pub rental_month: u32,
    /// Date of service: the first day of the rental month, or the purchase, delivery or repair date.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day of the rental month; equals `from` for purchases, supplies and repairs.
    #[serde(with = "date_format")]
    pub to: Date,
    /// HCPCS code billed.
    pub hcpcs: String,
    /// Modifiers in claim order, at most 4.
    pub modifiers: Vec<Modifier>,
    /// Units billed: 1 for a rental month or purchase, the units delivered for supplies and repairs.
    pub units: u32,
    /// Amount charged; equals `allowed` until supplier price lists exist, except on an upgrade's
    /// GA/GZ line, which charges the upgraded item and expects nothing allowed.
    pub charge: Money,
    /// Medicare allowed amount expected.
    pub allowed: Money,
    /// The prior authorization's unique tracking number, reported with the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utn: Option<String>,
    /// Claim narrative the line needs: a break in billing (BIB) or in need (BIN), a replacement
    /// after loss, theft or damage, or the previous supplier after a change of supplier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Medicare: the DME MAC jurisdiction that receives the claim, from the beneficiary's state of
    /// residence on the date of service; absent when no residence was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dme_mac: Option<Jurisdiction>,
    /// Medicare: the last day the MAC may receive the claim, 12 months after the date of service
    /// (42 CFR 424.44); a rejected submission does not stop this clock.
    #[serde(with = "date_format::option", skip_serializing_if = "Option::is_none")]
    pub filing_deadline: Option<Date>,
    /// Rules that decided this line.
    pub rules: Vec<Rule>,
}

/// Why a rental month is not billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The beneficiary was in a hospital or facility on the anniversary date.
    FacilityStay,
    /// Oxygen after its paid months (36 for Medicare, the price option's cap otherwise):
    /// furnished without rental payment.
    OxygenCapReached,
    /// Returned and not in use until a later `resume` event.
    NotInUse,
    /// The item needs prior authorization and no affirmed, unexpired decision covers it.
    NoPriorAuthorization,
    /// Furnished by another supplier on the anniversary date: billed by it, counted toward the cap.
    OtherSupplier,
}

/// A month (or stay) in which nothing is billed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedMonth {
    /// First day not billed.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day not billed.
    #[serde(with = "date_format")]
    pub to: Date,
    /// Why.
    pub reason: SkipReason,
    /// Rules that decided it.
    pub rules: Vec<Rule>,
}

/// Something a billing specialist should act on: a stable code (a rule id in
/// docs/billing-rules.md), a plain sentence, how much it matters and the fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code: the id of the rule behind the finding.
    pub code: &'static str,
    /// The public source that states the rule.
    pub section: &'static str,
    /// Blocking or warning.
    pub severity: Severity,
    /// What is wrong, in one plain sentence.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The input or claim field concerned, when there is one (e.g. `lines[2].modifiers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Finding {
    /// A finding for `rule`.
    pub fn new(
        rule: Rule,
        severity: Severity,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            code: rule.id,
            section: rule.section,
            severity,
            message: message.into(),
            fix: fix.into(),
            field: None,
        }
    }

    /// The same finding, naming the field concerned.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// Everything the engine decided for one rental.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// Billable lines in date order.
    pub lines: Vec<Line>,
    /// Months not billed, in date order.
    pub skipped: Vec<SkippedMonth>,
    /// Capped rental: the day title passes to the beneficiary (after the 13th paid month of the
    /// last period that reached it).
    #[serde(with = "date_format::option")]
    pub title_transfer: Option<Date>,
    /// Oxygen: the first day after the 5-year useful lifetime of the last period started; new
    /// equipment may be elected from it.
    #[serde(with = "date_format::option")]
    pub useful_lifetime_end: Option<Date>,
    /// The earliest death, or a return no later `resume` follows: nothing is billed for months
    /// starting after it.
    #[serde(with = "date_format::option")]
    pub end_of_need: Option<Date>,
    /// PAP devices: the adherence found in the nightly usage and the re-evaluation's standing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pap: Option<PapReview>,
    /// Warnings about the rental as a whole (e.g. a missing oxygen retest).
    pub findings: Vec<Finding>,
    /// Sum of `charge` over the lines.
    pub total_charge: Money,
    /// Sum of `allowed` over the lines.
    pub total_allowed: Money,
}
