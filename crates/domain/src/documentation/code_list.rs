//! The regulation-driven lists (Required F2F/WOPD, Required Prior Authorization, and any other
//! table keyed by a code with effective dates, such as the DME MAC jurisdictions) as data, parsed from the CSV files in `data/rules/` (their layout is in that folder's
//! README.md). The bundled copies make a fresh install work; an importer may parse newer files with
//! the same functions and hand the result to the checker instead.

use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::LazyLock;

use serde::Serialize;
use time::{Date, Duration};

use crate::billing::months::anniversary;
use crate::catalog::Hcpcs;
use crate::validation::parse_date;

const BUNDLED_F2F_WOPD: &str = include_str!("../../../../data/rules/f2f_wopd.csv");
const BUNDLED_PRIOR_AUTH: &str = include_str!("../../../../data/rules/prior_auth.csv");

/// Why a list file was refused: which list, which line of the file, which column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{list} line {line}, {field}: {message}")]
pub struct CodeListError {
    /// The list's name, such as `f2f_wopd` or `prior_auth`.
    pub list: &'static str,
    /// 1-based line number in the file.
    pub line: u64,
    /// The column's header name, or `header` / `row` for whole-line problems.
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The dates of service a row is in force: both ends inclusive, `None` = open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Effective {
    /// First date of service covered; `None` = since before any date Durable checks.
    pub from: Option<Date>,
    /// Last date of service covered; `None` = still in force.
    pub to: Option<Date>,
}

impl Effective {
    /// Whether `date` falls inside the period.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }
}

/// How long an affirmed prior-authorization decision stays valid (42 CFR 414.234).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidFor {
    /// Calendar days after the decision date.
    Days(u32),
    /// Calendar months after the decision date, counted like rental-month anniversaries.
    Months(u32),
}

impl ValidFor {
    /// The last date of service the decision covers: the decision date plus the period. DME MACs
    /// word it "valid for 120 calendar days after the decision", so day 120 is still covered.
    pub fn last_valid_day(self, decision: Date) -> Date {
        let end = match self {
            Self::Days(days) => decision.checked_add(Duration::days(i64::from(days))),
            // Month arithmetic lives in billing::months (DESIGN.md); day 29-31 clamps to month end.
            Self::Months(months) => anniversary(decision, months).map(|(date, _)| date),
        };
        end.unwrap_or(Date::MAX)
    }

    fn parse(text: &str) -> Option<Self> {
        let (number, unit) = text.split_at(text.len().checked_sub(1)?);
        let number: u32 = number.parse().ok().filter(|n| *n > 0)?;
        match unit {
            "d" => Some(Self::Days(number)),
            "m" => Some(Self::Months(number)),
            _ => None,
        }
    }
}

/// One row of the Required F2F/WOPD list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct F2fWopdRow {
    /// The listed code.
    pub hcpcs: Hcpcs,
    /// When it is on the list.
    pub effective: Effective,
    /// Where the row comes from.
    pub source: String,
}

/// One row of the Required Prior Authorization list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriorAuthRow {
    /// The listed code.
    pub hcpcs: Hcpcs,
    /// The PA program, e.g. `power_mobility`.
    pub program: String,
    /// When it is on the list.
    pub effective: Effective,
    /// How long an affirmed decision lasts; `None` when the source gives no period.
    pub decision_valid: Option<ValidFor>,
    /// Where the row comes from.
    pub source: String,
}

/// A row shape of one list file.
pub trait ListRow: Sized {
    /// The list's name in errors.
    const LIST: &'static str;
    /// The exact header the file must carry.
    const HEADER: &'static [&'static str];
    /// What a row is about (a HCPCS code, a state): one row per key and period.
    type Key: Ord + Display + ?Sized;
    /// The row's key.
    fn key(&self) -> &Self::Key;
    /// The row's period.
    fn effective(&self) -> Effective;
    /// Builds a row from fields in `HEADER` order, or names the bad column.
    fn from_fields(fields: &[&str]) -> Result<Self, (&'static str, String)>;
}

/// A code list: rows sorted by code and start date, no two rows of a code overlapping in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CodeList<R> {
    rows: Vec<R>,
    #[serde(skip)]
    kind: PhantomData<R>,
}

/// The Required Face-to-Face Encounter and Written Order Prior to Delivery list.
pub type F2fWopdList = CodeList<F2fWopdRow>;
/// The Required Prior Authorization list.
pub type PriorAuthList = CodeList<PriorAuthRow>;

impl<R: ListRow> CodeList<R> {
    /// Parses a list file: `#` comment lines, then the header, then one row per code and period.
    pub fn parse(text: &str) -> Result<Self, CodeListError> {
        let fail = |line: u64, field: &'static str, message: String| CodeListError {
            list: R::LIST,
            line,
            field,
            message,
        };
        let mut header_seen = false;
        let mut rows: Vec<(u64, R)> = Vec::new();
        // Line by line: fields never span lines in these files, which keeps line numbers in
        // errors exact (the reader's own count skips blank lines).
        for (number, text_line) in (1u64..).zip(text.lines()) {
            let trimmed = text_line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let record = fields_of(trimmed).map_err(|message| fail(number, "row", message))?;
            if !header_seen {
                if !record.iter().eq(R::HEADER.iter().copied()) {
                    return Err(fail(
                        number,
                        "header",
                        format!("The header must be exactly `{}`.", R::HEADER.join(",")),
                    ));
                }
                header_seen = true;
                continue;
            }
            if record.len() != R::HEADER.len() {
                return Err(fail(
                    number,
                    "row",
                    format!(
                        "Expected {} fields, found {}.",
                        R::HEADER.len(),
                        record.len()
                    ),
                ));
            }
            let fields: Vec<&str> = record.iter().collect();
            let row =
                R::from_fields(&fields).map_err(|(field, message)| fail(number, field, message))?;
            rows.push((number, row));
        }
        if !header_seen {
            return Err(fail(
                1,
                "header",
                format!("The file has no header `{}`.", R::HEADER.join(",")),
            ));
        }
        // Open starts sort first (None < Some), so overlaps are always between neighbours.
        rows.sort_by(|(_, a), (_, b)| {
            (a.key(), a.effective().from).cmp(&(b.key(), b.effective().from))
        });
        for pair in rows.windows(2) {
            let ((_, earlier), (line, later)) = (&pair[0], &pair[1]);
            let disjoint = match (earlier.effective().to, later.effective().from) {
                (Some(to), Some(from)) => to < from,
                _ => false,
            };
            if earlier.key() == later.key() && !disjoint {
                return Err(fail(
                    *line,
                    "effective_from",
                    format!(
                        "{} already has a row in force on these dates; periods of one code must not overlap.",
                        later.key()
                    ),
                ));
            }
        }
        Ok(Self {
            rows: rows.into_iter().map(|(_, row)| row).collect(),
            kind: PhantomData,
        })
    }

    /// Every row, sorted by key and start date.
    pub fn rows(&self) -> &[R] {
        &self.rows
    }

    /// The rows of `key`, in date order.
    fn rows_of<'a, 'k>(&'a self, key: &'k R::Key) -> impl Iterator<Item = &'a R> + use<'a, 'k, R> {
        let start = self.rows.partition_point(|row| row.key() < key);
        self.rows[start..]
            .iter()
            .take_while(move |row| row.key() == key)
    }

    /// The row listing `key` on the date of service `date`, if any.
    pub fn on(&self, key: &R::Key, date: Date) -> Option<&R> {
        self.rows_of(key).find(|row| row.effective().contains(date))
    }

    /// Whether the list has `key` on any date.
    pub fn knows(&self, key: &R::Key) -> bool {
        self.rows_of(key).next().is_some()
    }
}

impl F2fWopdList {
    /// Whether `hcpcs` needs a face-to-face encounter and a written order before delivery for a
    /// delivery on `date`.
    pub fn requires_f2f(&self, hcpcs: &Hcpcs, date: Date) -> bool {
        self.on(hcpcs, date).is_some()
    }
}

impl PriorAuthList {
    /// The prior-authorization program `hcpcs` falls under for a delivery on `date`, if any.
    pub fn prior_auth_program(&self, hcpcs: &Hcpcs, date: Date) -> Option<&PriorAuthRow> {
        self.on(hcpcs, date)
    }
}

/// One line's fields, trimmed (RFC 4180 quoting: `"a, b"`, `""` for a quote).
fn fields_of(line: &str) -> Result<csv::StringRecord, String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .unwrap_or_else(|| Ok(csv::StringRecord::new()))
        .map_err(|err| format!("The line is not valid CSV: {err}."))
}

fn code_field(text: &str) -> Result<Hcpcs, (&'static str, String)> {
    Hcpcs::parse(text).map_err(|err| ("hcpcs", err.0))
}

fn date_field(field: &'static str, text: &str) -> Result<Option<Date>, (&'static str, String)> {
    if text.is_empty() {
        return Ok(None);
    }
    parse_date(text).map(Some).map_err(|err| (field, err.0))
}

pub(crate) fn effective_fields(from: &str, to: &str) -> Result<Effective, (&'static str, String)> {
    let effective = Effective {
        from: date_field("effective_from", from)?,
        to: date_field("effective_to", to)?,
    };
    if let (Some(from), Some(to)) = (effective.from, effective.to)
        && to < from
    {
        return Err((
            "effective_to",
            "effective_to is before effective_from; both dates are inclusive.".to_owned(),
        ));
    }
    Ok(effective)
}

pub(crate) fn required_field(
    field: &'static str,
    text: &str,
) -> Result<String, (&'static str, String)> {
    if text.is_empty() {
        Err((field, format!("{field} is required.")))
    } else {
        Ok(text.to_owned())
    }
}

impl ListRow for F2fWopdRow {
    const LIST: &'static str = "f2f_wopd";
    const HEADER: &'static [&'static str] = &["hcpcs", "effective_from", "effective_to", "source"];

    type Key = Hcpcs;

    fn key(&self) -> &Hcpcs {
        &self.hcpcs
    }

    fn effective(&self) -> Effective {
        self.effective
    }

    fn from_fields(fields: &[&str]) -> Result<Self, (&'static str, String)> {
        let [hcpcs, from, to, source] = fields else {
            return Err(("row", "Expected 4 fields.".to_owned()));
        };
        Ok(Self {
            hcpcs: code_field(hcpcs)?,
            effective: effective_fields(from, to)?,
            source: required_field("source", source)?,
        })
    }
}

impl ListRow for PriorAuthRow {
    const LIST: &'static str = "prior_auth";
    const HEADER: &'static [&'static str] = &[
        "hcpcs",
        "program",
        "effective_from",
        "effective_to",
        "decision_valid",
        "source",
    ];

    type Key = Hcpcs;

    fn key(&self) -> &Hcpcs {
        &self.hcpcs
    }

    fn effective(&self) -> Effective {
        self.effective
    }

    fn from_fields(fields: &[&str]) -> Result<Self, (&'static str, String)> {
        let [hcpcs, program, from, to, valid, source] = fields else {
            return Err(("row", "Expected 6 fields.".to_owned()));
        };
        let decision_valid = if valid.is_empty() {
            None
        } else {
            Some(ValidFor::parse(valid).ok_or((
                "decision_valid",
                "Write the validity as days or months, like 120d or 6m.".to_owned(),
            ))?)
        };
        Ok(Self {
            hcpcs: code_field(hcpcs)?,
            program: required_field("program", program)?,
            effective: effective_fields(from, to)?,
            decision_valid,
            source: required_field("source", source)?,
        })
    }
}

/// Both lists the checker reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentationRules {
    /// The Required F2F/WOPD list.
    pub f2f_wopd: F2fWopdList,
    /// The Required Prior Authorization list.
    pub prior_auth: PriorAuthList,
}

static BUNDLED: LazyLock<Result<DocumentationRules, CodeListError>> =
    LazyLock::new(|| DocumentationRules::parse(BUNDLED_F2F_WOPD, BUNDLED_PRIOR_AUTH));

impl DocumentationRules {
    /// Parses both list files.
    pub fn parse(f2f_wopd: &str, prior_auth: &str) -> Result<Self, CodeListError> {
        Ok(Self {
            f2f_wopd: F2fWopdList::parse(f2f_wopd)?,
            prior_auth: PriorAuthList::parse(prior_auth)?,
        })
    }

    /// The lists shipped in `data/rules/`, parsed once per process.
    pub fn bundled() -> Result<&'static Self, CodeListError> {
        BUNDLED.as_ref().map_err(Clone::clone)
    }

    /// Whether `hcpcs` needs an F2F encounter and a written order before a delivery on `date`.
    pub fn requires_f2f(&self, hcpcs: &Hcpcs, date: Date) -> bool {
        self.f2f_wopd.requires_f2f(hcpcs, date)
    }

    /// The prior-authorization program `hcpcs` falls under for a delivery on `date`, if any.
    pub fn prior_auth_program(&self, hcpcs: &Hcpcs, date: Date) -> Option<&PriorAuthRow> {
        self.prior_auth.prior_auth_program(hcpcs, date)
    }

    /// The bundled list files' text, for an importer that wants to show or diff them.
    pub fn bundled_text() -> (&'static str, &'static str) {
        (BUNDLED_F2F_WOPD, BUNDLED_PRIOR_AUTH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn code(text: &str) -> Hcpcs {
        Hcpcs::parse(text).unwrap()
    }

    #[test]
    fn bundled_lists_parse() {
        let rules = DocumentationRules::bundled().unwrap();
        assert!(rules.f2f_wopd.rows().len() > 60);
        assert!(rules.prior_auth.rows().len() > 70);
    }

    #[test]
    fn validity_counts_days_and_month_anniversaries() {
        let decision = date!(2026 - 01 - 31);
        assert_eq!(
            ValidFor::Days(60).last_valid_day(decision),
            date!(2026 - 04 - 01)
        );
        assert_eq!(
            ValidFor::Months(1).last_valid_day(decision),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            ValidFor::Months(6).last_valid_day(decision),
            date!(2026 - 07 - 31)
        );
        assert_eq!(ValidFor::parse("6m"), Some(ValidFor::Months(6)));
        assert_eq!(ValidFor::parse("120d"), Some(ValidFor::Days(120)));
        for bad in ["", "d", "0d", "6", "6w", "-1d", "1.5m"] {
            assert_eq!(ValidFor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn quoted_fields_and_bad_lines_name_their_line() {
        let text = "# comment\nhcpcs,effective_from,effective_to,source\n\
                    E0601,2024-01-01,,\"LCD L33718, \"\"PAP\"\"\"\nE0470,2024-01-01\n";
        let err = F2fWopdList::parse(text).unwrap_err();
        assert_eq!((err.line, err.field), (4, "row"), "{err}");
        let list = F2fWopdList::parse(&text.replace("E0470,2024-01-01\n", "")).unwrap();
        assert_eq!(list.rows()[0].source, "LCD L33718, \"PAP\"");
    }

    #[test]
    fn lookup_finds_the_row_in_force() {
        let list = F2fWopdList::parse(
            "# comment\nhcpcs,effective_from,effective_to,source\n\
             E0260,2024-08-12,2025-01-31,a\nE0260,2025-03-01,,b\nE0250,,,c\n",
        )
        .unwrap();
        let bed = code("E0260");
        assert!(!list.requires_f2f(&bed, date!(2024 - 08 - 11)));
        assert!(list.requires_f2f(&bed, date!(2024 - 08 - 12)));
        assert!(list.requires_f2f(&bed, date!(2025 - 01 - 31)));
        assert!(!list.requires_f2f(&bed, date!(2025 - 02 - 15)));
        assert!(list.requires_f2f(&bed, date!(2030 - 01 - 01)));
        assert!(list.requires_f2f(&code("E0250"), date!(1990 - 01 - 01)));
        assert!(!list.requires_f2f(&code("E0255"), date!(2026 - 01 - 01)));
    }
}
