//! Which DME MAC jurisdiction (A–D) receives a Medicare DME claim: the one of the beneficiary's
//! permanent state of residence on the date of service (CMS, "Who are the MACs: Durable Medical
//! Equipment"; Noridian, claim submission). The state-to-jurisdiction table is data with
//! effective dates, `data/rules/dme_mac_jurisdictions.csv`, so a reassignment is a new row.

use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use time::Date;

use crate::validation::parse_date;

const BUNDLED: &str = include_str!("../../../../data/rules/dme_mac_jurisdictions.csv");
const HEADER: &str = "state,jurisdiction,effective_from,effective_to,source";

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
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    state: String,
    jurisdiction: Jurisdiction,
    from: Option<Date>,
    to: Option<Date>,
}

/// The state-to-jurisdiction table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JurisdictionTable {
    rows: Vec<Row>,
}

static TABLE: LazyLock<Result<JurisdictionTable, String>> =
    LazyLock::new(|| JurisdictionTable::parse(BUNDLED));

impl JurisdictionTable {
    /// The bundled table, or why it could not be read (a test keeps it readable).
    pub fn bundled() -> Result<&'static Self, String> {
        TABLE.as_ref().map_err(Clone::clone)
    }

    /// Parses the CSV layout of `data/rules/dme_mac_jurisdictions.csv` (`#` lines are comments),
    /// or names the line and column at fault.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rows = Vec::new();
        let mut header_seen = false;
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |column: &str, message: &str| {
                format!(
                    "dme_mac_jurisdictions line {}, {column}: {message}",
                    number + 1
                )
            };
            if !header_seen {
                if line != HEADER {
                    return Err(at("header", &format!("expected `{HEADER}`")));
                }
                header_seen = true;
                continue;
            }
            let fields: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
            let [state, letter, from, to, source] = fields[..] else {
                return Err(at("row", "expected 5 columns"));
            };
            if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(at("state", "expected a two-letter code such as NY"));
            }
            let jurisdiction =
                Jurisdiction::parse(letter).ok_or_else(|| at("jurisdiction", "expected A-D"))?;
            let date = |column: &str, text: &str| {
                if text.is_empty() {
                    Ok(None)
                } else {
                    parse_date(text).map(Some).map_err(|e| at(column, &e.0))
                }
            };
            let (from, to) = (date("effective_from", from)?, date("effective_to", to)?);
            if from.zip(to).is_some_and(|(from, to)| to < from) {
                return Err(at("effective_to", "before effective_from"));
            }
            if source.is_empty() {
                return Err(at("source", "name where the row comes from"));
            }
            let row = Row {
                state: state.to_owned(),
                jurisdiction,
                from,
                to,
            };
            if rows.iter().any(|other: &Row| overlap(other, &row)) {
                return Err(at("state", "two rows for this state overlap in time"));
            }
            rows.push(row);
        }
        if !header_seen {
            return Err("dme_mac_jurisdictions: the file has no header".to_owned());
        }
        Ok(Self { rows })
    }

    /// The jurisdiction of `state` for a date of service `date`; `None` for a state the table
    /// does not list on that date.
    pub fn on(&self, state: &str, date: Date) -> Option<Jurisdiction> {
        self.rows
            .iter()
            .find(|row| row.state == state && in_force(row, date))
            .map(|row| row.jurisdiction)
    }

    /// Whether the table lists `state` on any date.
    pub fn knows(&self, state: &str) -> bool {
        self.rows.iter().any(|row| row.state == state)
    }
}

fn in_force(row: &Row, date: Date) -> bool {
    row.from.is_none_or(|from| from <= date) && row.to.is_none_or(|to| date <= to)
}

fn overlap(a: &Row, b: &Row) -> bool {
    a.state == b.state
        && a.from.is_none_or(|from| b.to.is_none_or(|to| from <= to))
        && b.from.is_none_or(|from| a.to.is_none_or(|to| from <= to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_bundled_table_lists_every_state_once_per_period() {
        let table = JurisdictionTable::bundled().unwrap();
        assert_eq!(table.rows.len(), 56);
        assert_eq!(table.on("NY", date!(2026 - 01 - 01)), Some(Jurisdiction::A));
        assert_eq!(table.on("OH", date!(2026 - 01 - 01)), Some(Jurisdiction::B));
        assert_eq!(table.on("FL", date!(2026 - 01 - 01)), Some(Jurisdiction::C));
        assert_eq!(table.on("CA", date!(2026 - 01 - 01)), Some(Jurisdiction::D));
        assert_eq!(table.on("ZZ", date!(2026 - 01 - 01)), None);
    }

    #[test]
    fn a_reassignment_takes_effect_on_its_first_day() {
        let text = format!("{HEADER}\nNY,A,,2026-06-30,test\nNY,B,2026-07-01,,test\n");
        let table = JurisdictionTable::parse(&text).unwrap();
        assert_eq!(table.on("NY", date!(2026 - 06 - 30)), Some(Jurisdiction::A));
        assert_eq!(table.on("NY", date!(2026 - 07 - 01)), Some(Jurisdiction::B));
        let overlapping = format!("{HEADER}\nNY,A,,2026-07-01,test\nNY,B,2026-07-01,,test\n");
        assert!(
            JurisdictionTable::parse(&overlapping)
                .unwrap_err()
                .contains("line 3, state")
        );
        let bad = format!("{HEADER}\nNY,E,,,test\n");
        assert!(
            JurisdictionTable::parse(&bad)
                .unwrap_err()
                .contains("jurisdiction")
        );
    }
}
