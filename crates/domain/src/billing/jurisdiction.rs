//! Which DME MAC jurisdiction (A–D) receives a Medicare DME claim: the one of the beneficiary's
//! permanent state of residence on the date of service (CMS, "Who are the MACs: Durable Medical
//! Equipment"; Noridian, claim submission). The state-to-jurisdiction table is data with
//! effective dates, `data/rules/dme_mac_jurisdictions.csv`, so a reassignment is a new row.

use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use time::Date;

use crate::documentation::code_list::{effective_fields, required_field};
use crate::documentation::{CodeList, Effective, ListRow};

const BUNDLED: &str = include_str!("../../../../data/rules/dme_mac_jurisdictions.csv");

/// A DME MAC jurisdiction; serialized as its letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Jurisdiction {
    /// Jurisdiction A.
    A,
    /// Jurisdiction B.
    B,
    /// Jurisdiction C.
    C,
    /// Jurisdiction D.
    D,
}

impl Jurisdiction {
    /// The jurisdiction's letter.
    pub fn letter(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "A" => Some(Self::A),
            "B" => Some(Self::B),
            "C" => Some(Self::C),
            "D" => Some(Self::D),
            _ => None,
        }
    }
}

impl Serialize for Jurisdiction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.letter())
    }
}

/// One dated row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JurisdictionRow {
    /// The two-letter state or territory code.
    pub state: String,
    /// The DME MAC that receives its claims.
    pub jurisdiction: Jurisdiction,
    /// When the assignment holds.
    pub effective: Effective,
    /// Where the row comes from.
    pub source: String,
}

impl ListRow for JurisdictionRow {
    const LIST: &'static str = "dme_mac_jurisdictions";
    const HEADER: &'static [&'static str] = &[
        "state",
        "jurisdiction",
        "effective_from",
        "effective_to",
        "source",
    ];
    type Key = str;

    fn key(&self) -> &str {
        &self.state
    }

    fn effective(&self) -> Effective {
        self.effective
    }

    fn from_fields(fields: &[&str]) -> Result<Self, (&'static str, String)> {
        let [state, letter, from, to, source] = fields else {
            return Err(("row", "Expected 5 fields.".to_owned()));
        };
        if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(("state", "Expected a two-letter code such as NY.".to_owned()));
        }
        Ok(Self {
            state: (*state).to_owned(),
            jurisdiction: Jurisdiction::parse(letter)
                .ok_or(("jurisdiction", "Expected A, B, C or D.".to_owned()))?,
            effective: effective_fields(from, to)?,
            source: required_field("source", source)?,
        })
    }
}

/// The state-to-jurisdiction table: one row per state and period, none overlapping.
pub type JurisdictionTable = CodeList<JurisdictionRow>;

static TABLE: LazyLock<Result<JurisdictionTable, String>> =
    LazyLock::new(|| JurisdictionTable::parse(BUNDLED).map_err(|err| err.to_string()));

impl JurisdictionTable {
    /// The bundled table, or why it could not be read (a test keeps it readable).
    pub fn bundled() -> Result<&'static Self, String> {
        TABLE.as_ref().map_err(Clone::clone)
    }

    /// The jurisdiction of `state` for a date of service `date`; `None` for a state the table
    /// does not list on that date.
    pub fn jurisdiction_on(&self, state: &str, date: Date) -> Option<Jurisdiction> {
        self.on(state, date).map(|row| row.jurisdiction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_bundled_table_lists_every_state_once_per_period() {
        let table = JurisdictionTable::bundled().unwrap();
        assert_eq!(table.rows().len(), 56);
        assert_eq!(
            table.jurisdiction_on("NY", date!(2026 - 01 - 01)),
            Some(Jurisdiction::A)
        );
        assert_eq!(
            table.jurisdiction_on("OH", date!(2026 - 01 - 01)),
            Some(Jurisdiction::B)
        );
        assert_eq!(
            table.jurisdiction_on("FL", date!(2026 - 01 - 01)),
            Some(Jurisdiction::C)
        );
        assert_eq!(
            table.jurisdiction_on("CA", date!(2026 - 01 - 01)),
            Some(Jurisdiction::D)
        );
        assert_eq!(table.jurisdiction_on("ZZ", date!(2026 - 01 - 01)), None);
    }

    #[test]
    fn a_reassignment_takes_effect_on_its_first_day() {
        let text = format!(
            "{}\nNY,A,,2026-06-30,test\nNY,B,2026-07-01,,test\n",
            JurisdictionRow::HEADER.join(",")
        );
        let table = JurisdictionTable::parse(&text).unwrap();
        assert_eq!(
            table.jurisdiction_on("NY", date!(2026 - 06 - 30)),
            Some(Jurisdiction::A)
        );
        assert_eq!(
            table.jurisdiction_on("NY", date!(2026 - 07 - 01)),
            Some(Jurisdiction::B)
        );
        let overlapping = format!(
            "{}\nNY,A,,2026-07-01,test\nNY,B,2026-07-01,,test\n",
            JurisdictionRow::HEADER.join(",")
        );
        assert!(
            JurisdictionTable::parse(&overlapping)
                .unwrap_err()
                .to_string()
                .contains("line 3, effective_from")
        );
        let bad = format!("{}\nNY,E,,,test\n", JurisdictionRow::HEADER.join(","));
        assert!(
            JurisdictionTable::parse(&bad)
                .unwrap_err()
                .to_string()
                .contains("line 2, jurisdiction")
        );
    }
}
