//! One entry of the CMS HCPCS Level II file, in either of its layouts.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::billing::input::date_format;
use crate::catalog::category::PaymentCategory;
use crate::catalog::code::{CatalogCode, RecordKind};

/// A HCPCS procedure code or modifier with the CMS facts Durable uses.
///
/// Empty fields of the file are `None` (or an empty list), never empty strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HcpcsRecord {
    /// The code; its variant is the record's kind (procedure or modifier).
    pub code: CatalogCode,
    /// The full description; in the fixed-width file, continuation lines joined with spaces.
    pub long_description: String,
    /// CMS's abbreviation of at most 28 characters.
    pub short_description: String,
    /// The non-blank pricing indicators of the file's four slots, in order (`["36"]`).
    pub pricing_indicators: Vec<String>,
    /// Multiple pricing indicator: how the indicators combine when there are several.
    pub multiple_pricing_indicator: Option<String>,
    /// Coverage code: C carrier judgement, D special coverage instructions, I not payable,
    /// M non-covered by Medicare, S non-covered by Medicare statute.
    pub coverage: Option<String>,
    /// Berenson-Eggers type of service.
    pub betos: Option<String>,
    /// The CMS type-of-service codes, up to five single characters run together (`1P`).
    pub type_of_service: Option<String>,
    /// The date the code was added to HCPCS.
    #[serde(with = "date_format::option")]
    pub added: Option<Date>,
    /// The date the latest action on the code took effect.
    #[serde(with = "date_format::option")]
    pub action_effective: Option<Date>,
    /// The last date the code may be used; `None` while it is active.
    #[serde(with = "date_format::option")]
    pub terminated: Option<Date>,
    /// The latest action: A added, C changed, D discontinued, N no change, and others.
    pub action_code: Option<String>,
}

impl HcpcsRecord {
    /// Whether this is a procedure code or a modifier.
    pub fn kind(&self) -> RecordKind {
        self.code.kind()
    }

    /// The payment category named by the first pricing indicator, if it is a DMEPOS one.
    pub fn payment_category(&self) -> Option<PaymentCategory> {
        self.pricing_indicators
            .first()
            .and_then(|indicator| PaymentCategory::from_pricing_indicator(indicator))
    }

    /// Whether the code may be used on `date`: added on or before it and not terminated before.
    pub fn is_active_on(&self, date: Date) -> bool {
        self.added.is_none_or(|added| added <= date)
            && self.terminated.is_none_or(|end| date <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::code::Hcpcs;
    use time::macros::date;

    fn bed() -> HcpcsRecord {
        HcpcsRecord {
            code: CatalogCode::Procedure(Hcpcs::parse("E0260").unwrap()),
            long_description: "Hospital bed, semi-electric".to_owned(),
            short_description: "Hosp bed semi-electr w/ matt".to_owned(),
            pricing_indicators: vec!["36".to_owned()],
            multiple_pricing_indicator: Some("A".to_owned()),
            coverage: Some("D".to_owned()),
            betos: Some("D1B".to_owned()),
            type_of_service: Some("R".to_owned()),
            added: Some(date!(1986 - 01 - 01)),
            action_effective: Some(date!(1991 - 01 - 01)),
            terminated: None,
            action_code: Some("N".to_owned()),
        }
    }

    #[test]
    fn category_comes_from_the_first_pricing_indicator() {
        let mut record = bed();
        assert_eq!(
            record.payment_category(),
            Some(PaymentCategory::CappedRental)
        );
        record.pricing_indicators = vec!["00".to_owned(), "36".to_owned()];
        assert_eq!(record.payment_category(), None);
        record.pricing_indicators.clear();
        assert_eq!(record.payment_category(), None);
        assert_eq!(record.kind(), RecordKind::Procedure);
    }

    #[test]
    fn active_from_the_add_date_through_the_termination_date() {
        let mut record = bed();
        assert!(!record.is_active_on(date!(1985 - 12 - 31)));
        assert!(record.is_active_on(date!(1986 - 01 - 01)));
        record.terminated = Some(date!(2015 - 12 - 31));
        assert!(record.is_active_on(date!(2015 - 12 - 31)));
        assert!(!record.is_active_on(date!(2016 - 01 - 01)));
    }

    #[test]
    fn json_round_trip_with_iso_dates() {
        let json = serde_json::to_value(bed()).unwrap();
        assert_eq!(json["code"], "E0260");
        assert_eq!(json["added"], "1986-01-01");
        assert_eq!(json["terminated"], serde_json::Value::Null);
        let back: HcpcsRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, bed());
    }
}
