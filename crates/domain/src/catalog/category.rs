//! The Medicare DMEPOS payment category of a HCPCS code, which decides how it is paid
//! (rented, capped, bought) — 42 CFR 414.220–414.229 and the DMEPOS fee schedule: drive billing from this, not hand lists.
//!
//! Two CMS files name the category, each with its own codes:
//! - the HCPCS file's pricing indicator (HCPCS record layout, "Pricing Indicator Code": 31 frequently
//!   serviced, 32 inexpensive/routinely purchased, 33 oxygen, 34 supplies, 35 surgical dressings,
//!   36 capped rental, 37 ostomy/tracheostomy/urological, 38 orthotics/prosthetics, 39 parenteral and
//!   enteral nutrition, 40 lymphedema compression treatment items (added 2024), 45 customized DME,
//!   46 carrier priced; the other values (00, 1x, 2x, 5x, 99) price non-DMEPOS services);
//! - the DMEPOS fee schedule's CATG column (Medicare Benefit Policy Manual ch. 15 §110 and the DME
//!   MACs' fee schedule column descriptors: IN, FS, CR, OX, OS, SD, PO, SU, TE, TS).
//!
//! TENS and therapeutic shoes have a CATG code but no pricing indicator of their own (the 2019
//! HCPCS file gives TENS units E0720/E0730 indicator 32).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::billing::Category;
use crate::codes::CodeError;

/// How Medicare pays for an item, from the HCPCS pricing indicator or the fee schedule category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentCategory {
    /// Pricing indicator 31, CATG FS: items needing frequent and substantial servicing.
    FrequentServicing,
    /// Pricing indicator 32, CATG IN: inexpensive or routinely purchased items.
    InexpensiveRoutinelyPurchased,
    /// Pricing indicator 33, CATG OX: oxygen and oxygen equipment.
    Oxygen,
    /// Pricing indicator 34, CATG SU: DME supplies.
    Supplies,
    /// Pricing indicator 35, CATG SD: surgical dressings.
    SurgicalDressings,
    /// Pricing indicator 36, CATG CR: capped rental items.
    CappedRental,
    /// Pricing indicator 37, CATG OS: ostomy, tracheostomy and urological items.
    OstomyUrological,
    /// Pricing indicator 38, CATG PO: orthotics, prosthetics, prosthetic devices.
    ProstheticsOrthotics,
    /// Pricing indicator 39: parenteral and enteral nutrition (priced on its own PEN fee schedule).
    ParenteralEnteralNutrition,
    /// Pricing indicator 40: lymphedema compression treatment items.
    LymphedemaCompression,
    /// Pricing indicator 45: customized DME, individually priced.
    CustomizedDme,
    /// Pricing indicator 46: priced by the contractor (not otherwise classified, gap-filled).
    CarrierPriced,
    /// CATG TE: transcutaneous electrical nerve stimulators.
    Tens,
    /// CATG TS: therapeutic shoes.
    TherapeuticShoes,
}

/// One category with its stored name, HCPCS pricing indicator and fee schedule CATG code.
struct Row {
    category: PaymentCategory,
    name: &'static str,
    pricing_indicator: Option<&'static str>,
    fee_schedule: Option<&'static str>,
}

const fn row(
    category: PaymentCategory,
    name: &'static str,
    pricing_indicator: Option<&'static str>,
    fee_schedule: Option<&'static str>,
) -> Row {
    Row {
        category,
        name,
        pricing_indicator,
        fee_schedule,
    }
}

/// Every category: the one table that the conversions below read, so they cannot disagree.
#[rustfmt::skip]
const TABLE: [Row; 14] = {
    use PaymentCategory::*;
    [
        row(FrequentServicing, "frequent_servicing", Some("31"), Some("FS")),
        row(InexpensiveRoutinelyPurchased, "inexpensive_routinely_purchased", Some("32"), Some("IN")),
        row(Oxygen, "oxygen", Some("33"), Some("OX")),
        row(Supplies, "supplies", Some("34"), Some("SU")),
        row(SurgicalDressings, "surgical_dressings", Some("35"), Some("SD")),
        row(CappedRental, "capped_rental", Some("36"), Some("CR")),
        row(OstomyUrological, "ostomy_urological", Some("37"), Some("OS")),
        row(ProstheticsOrthotics, "prosthetics_orthotics", Some("38"), Some("PO")),
        row(ParenteralEnteralNutrition, "parenteral_enteral_nutrition", Some("39"), None),
        row(LymphedemaCompression, "lymphedema_compression", Some("40"), None),
        row(CustomizedDme, "customized_dme", Some("45"), None),
        row(CarrierPriced, "carrier_priced", Some("46"), None),
        row(Tens, "tens", None, Some("TE")),
        row(TherapeuticShoes, "therapeutic_shoes", None, Some("TS")),
    ]
};

impl PaymentCategory {
    /// Every category, in table order.
    pub fn all() -> impl Iterator<Item = PaymentCategory> {
        TABLE.iter().map(|row| row.category)
    }

    fn row(self) -> &'static Row {
        // TABLE lists every variant (the test `table_lists_every_variant_once` keeps it so);
        // the fallback only keeps this total.
        let index = TABLE
            .iter()
            .position(|row| row.category == self)
            .unwrap_or(0);
        &TABLE[index]
    }

    /// The category named by a HCPCS pricing indicator (`"36"` → capped rental); `None` for
    /// indicators outside the DMEPOS fee schedule (drugs, physician services …) or unknown ones.
    pub fn from_pricing_indicator(indicator: &str) -> Option<Self> {
        let indicator = indicator.trim();
        TABLE
            .iter()
            .find(|row| row.pricing_indicator == Some(indicator))
            .map(|row| row.category)
    }

    /// The category named by the fee schedule's CATG column (`"CR"` → capped rental).
    pub fn from_fee_schedule_category(code: &str) -> Option<Self> {
        let code = code.trim();
        TABLE
            .iter()
            .find(|row| {
                row.fee_schedule
                    .is_some_and(|catg| catg.eq_ignore_ascii_case(code))
            })
            .map(|row| row.category)
    }

    /// The HCPCS pricing indicator for this category, if it has one.
    pub fn pricing_indicator(self) -> Option<&'static str> {
        self.row().pricing_indicator
    }

    /// The fee schedule CATG code for this category, if it has one.
    pub fn fee_schedule_category(self) -> Option<&'static str> {
        self.row().fee_schedule
    }

    /// The stable stored name (`capped_rental`), the same as its serde name.
    pub fn as_str(self) -> &'static str {
        self.row().name
    }

    /// The billing engine's category for items paid this way, where the engine models it.
    ///
    /// Ostomy/urological items and surgical dressings are bought per unit and delivery like
    /// supplies (42 CFR 414.220, inexpensive or routinely purchased items), so the engine's supplies rules
    /// fit them. TENS units have been purchase items under the inexpensive/routinely purchased
    /// rules since 2011 (Claims Processing Manual ch. 20 §30.1.2, listed under §30.1). The rest
    /// (prosthetics/orthotics, PEN, lymphedema, customized, carrier priced, therapeutic shoes)
    /// follow rules the engine does not model yet, so they map to `None` rather than to a
    /// category whose rules would bill them wrongly.
    pub fn billing_category(self) -> Option<Category> {
        match self {
            Self::CappedRental => Some(Category::CappedRental),
            Self::Oxygen => Some(Category::Oxygen),
            Self::InexpensiveRoutinelyPurchased | Self::Tens => {
                Some(Category::InexpensiveRoutinelyPurchased)
            }
            Self::FrequentServicing => Some(Category::FrequentServicing),
            Self::Supplies | Self::OstomyUrological | Self::SurgicalDressings => {
                Some(Category::Supplies)
            }
            Self::ProstheticsOrthotics
            | Self::ParenteralEnteralNutrition
            | Self::LymphedemaCompression
            | Self::CustomizedDme
            | Self::CarrierPriced
            | Self::TherapeuticShoes => None,
        }
    }
}

impl fmt::Display for PaymentCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentCategory {
    type Err = CodeError;
    /// Parses the stored name (`capped_rental`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        TABLE
            .iter()
            .find(|row| row.name == s)
            .map(|row| row.category)
            .ok_or_else(|| CodeError(format!("{s:?} is not a payment category.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_every_variant_once() {
        let all: Vec<_> = PaymentCategory::all().collect();
        assert_eq!(all.len(), TABLE.len());
        for (i, category) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(category), "{category:?} twice");
            assert_eq!(category.row().category, *category);
        }
    }

    #[test]
    fn stored_names_match_serde_and_round_trip() {
        for category in PaymentCategory::all() {
            let json = serde_json::to_string(&category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.as_str()));
            assert_eq!(
                category.as_str().parse::<PaymentCategory>().unwrap(),
                category
            );
            assert_eq!(category.to_string(), category.as_str());
        }
        assert!("capped rental".parse::<PaymentCategory>().is_err());
    }

    #[test]
    fn pricing_indicators_name_dmepos_categories() {
        use PaymentCategory::*;
        let cases = [
            ("31", Some(FrequentServicing)),
            ("32", Some(InexpensiveRoutinelyPurchased)),
            ("33", Some(Oxygen)),
            ("34", Some(Supplies)),
            ("35", Some(SurgicalDressings)),
            ("36", Some(CappedRental)),
            (" 36 ", Some(CappedRental)),
            ("37", Some(OstomyUrological)),
            ("38", Some(ProstheticsOrthotics)),
            ("39", Some(ParenteralEnteralNutrition)),
            ("40", Some(LymphedemaCompression)),
            ("45", Some(CustomizedDme)),
            ("46", Some(CarrierPriced)),
            ("00", None),
            ("51", None),
            ("", None),
        ];
        for (indicator, expected) in cases {
            assert_eq!(
                PaymentCategory::from_pricing_indicator(indicator),
                expected,
                "{indicator:?}"
            );
        }
        for category in PaymentCategory::all() {
            if let Some(indicator) = category.pricing_indicator() {
                assert_eq!(
                    PaymentCategory::from_pricing_indicator(indicator),
                    Some(category)
                );
            }
            if let Some(catg) = category.fee_schedule_category() {
                assert_eq!(
                    PaymentCategory::from_fee_schedule_category(catg),
                    Some(category)
                );
            }
        }
        assert_eq!(
            PaymentCategory::from_fee_schedule_category("te"),
            Some(Tens)
        );
        assert_eq!(PaymentCategory::from_fee_schedule_category("XX"), None);
    }

    #[test]
    fn engine_categories_where_the_engine_has_rules() {
        use PaymentCategory::*;
        assert_eq!(
            CappedRental.billing_category(),
            Some(Category::CappedRental)
        );
        assert_eq!(Oxygen.billing_category(), Some(Category::Oxygen));
        assert_eq!(
            FrequentServicing.billing_category(),
            Some(Category::FrequentServicing)
        );
        assert_eq!(
            InexpensiveRoutinelyPurchased.billing_category(),
            Some(Category::InexpensiveRoutinelyPurchased)
        );
        assert_eq!(
            Tens.billing_category(),
            Some(Category::InexpensiveRoutinelyPurchased)
        );
        assert_eq!(
            OstomyUrological.billing_category(),
            Some(Category::Supplies)
        );
        assert_eq!(ProstheticsOrthotics.billing_category(), None);
        assert_eq!(CarrierPriced.billing_category(), None);
    }
}
