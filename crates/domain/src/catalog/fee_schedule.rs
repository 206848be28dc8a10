//! Reads the CMS DMEPOS fee schedule CSV: some preamble rows (six in CMS's releases), then a
//! header `HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor,<state> (NR),<state> (R),…,Description`, then
//! one row per code and modifier combination. NR is the non-rural and R the rural amount.
//!
//! Columns are found by their header name, so the preamble's length and the column order may
//! change between releases. A state header without `(NR)`/`(R)` (CMS's files before the rural
//! split) gives one amount that applies to rural and non-rural areas alike.

use serde::{Deserialize, Serialize};

use crate::catalog::category::PaymentCategory;
use crate::catalog::code::{Hcpcs, ModifierCode};
use crate::catalog::file::{self, FileError};
use crate::codes::UsState;
use crate::money::Money;

/// The error of [`parse`]: the line and column at fault.
pub type FeeScheduleError = FileError;

/// One state's fee schedule amounts for a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateAmounts {
    /// The state or territory.
    pub state: UsState,
    /// The amount outside rural areas (the `(NR)` column).
    pub non_rural: Option<Money>,
    /// The amount in rural areas (the `(R)` column).
    pub rural: Option<Money>,
}

/// One row of the fee schedule: a HCPCS code with its pricing modifiers and amounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeScheduleRow {
    /// The HCPCS code priced.
    pub hcpcs: Hcpcs,
    /// The pricing modifier (`NU`, `RR`, `UE` …), if the amount depends on one.
    pub modifier: Option<ModifierCode>,
    /// The second pricing modifier, if any.
    pub modifier2: Option<ModifierCode>,
    /// Who processes the claim: D DME MAC, L local Part B contractor, J joint.
    pub jurisdiction: Option<String>,
    /// The fee schedule category code as written (`CR`, `IN`, `OX` …).
    pub category: Option<String>,
    /// The national ceiling (zero where CMS prices the code outside floors and ceilings).
    pub ceiling: Option<Money>,
    /// The national floor.
    pub floor: Option<Money>,
    /// The amounts per state, in the file's column order.
    pub amounts: Vec<StateAmounts>,
    /// CMS's short description of the code.
    pub description: String,
}

impl FeeScheduleRow {
    /// The amount for a beneficiary whose permanent address is in `state`, rural or not (the
    /// DME MACs price by that address, not the supplier's); `None` when the file gives none.
    pub fn amount(&self, state: &UsState, rural: bool) -> Option<Money> {
        let amounts = self.amounts.iter().find(|a| &a.state == state)?;
        if rural {
            amounts.rural
        } else {
            amounts.non_rural
        }
    }

    /// The payment category named by the CATG column.
    pub fn payment_category(&self) -> Option<PaymentCategory> {
        self.category
            .as_deref()
            .and_then(PaymentCategory::from_fee_schedule_category)
    }
}

/// Which amount a state column holds.
#[derive(Clone, Copy)]
enum Area {
    NonRural,
    Rural,
    Both,
}

/// Where each column of interest sits.
struct Layout {
    hcpcs: usize,
    modifier: Option<usize>,
    modifier2: Option<usize>,
    jurisdiction: Option<usize>,
    category: Option<usize>,
    ceiling: Option<usize>,
    floor: Option<usize>,
    description: Option<usize>,
    /// Column index, its header (for errors), the index into `states`, and the area.
    amounts: Vec<(usize, String, usize, Area)>,
    states: Vec<UsState>,
}

impl Layout {
    fn from_header(header: &csv::ByteRecord) -> Self {
        let names: Vec<String> = header
            .iter()
            .map(|cell| file::decode(cell).trim().to_owned())
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
        let mut layout = Self {
            hcpcs: find("HCPCS").unwrap_or(0),
            modifier: find("Mod"),
            modifier2: find("Mod2"),
            jurisdiction: find("JURIS"),
            category: find("CATG"),
            ceiling: find("Ceiling"),
            floor: find("Floor"),
            description: find("Description"),
            amounts: Vec::new(),
            states: Vec::new(),
        };
        for (index, name) in names.iter().enumerate() {
            let Some((state, area)) = state_column(name) else {
                continue;
            };
            let slot = match layout.states.iter().position(|s| *s == state) {
                Some(slot) => slot,
                None => {
                    layout.states.push(state);
                    layout.states.len() - 1
                }
            };
            layout.amounts.push((index, name.clone(), slot, area));
        }
        layout
    }
}

/// `AL (NR)` → Alabama non-rural, `AL (R)` → rural, a bare `AL` → both.
fn state_column(name: &str) -> Option<(UsState, Area)> {
    let (state, area) = match name.split_once('(') {
        Some((state, rest)) => {
            let area = match rest
                .trim_end_matches(')')
                .trim()
                .to_ascii_uppercase()
                .as_str()
            {
                "NR" => Area::NonRural,
                "R" => Area::Rural,
                _ => return None,
            };
            (state.trim(), area)
        }
        None => (name, Area::Both),
    };
    // Only two-letter names can be states; this keeps "Mod" or "Floor" from being tried.
    (state.len() == 2)
        .then(|| UsState::parse(state).ok())
        .flatten()
        .map(|state| (state, area))
}

/// Parses a whole fee schedule file, in file order.
pub fn parse(bytes: &[u8]) -> Result<Vec<FeeScheduleRow>, FeeScheduleError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = reader.byte_records();
    let layout = loop {
        match rows.next() {
            Some(row) => {
                let row = row.map_err(csv_error)?;
                let first = row.get(0).map(|cell| cell.trim_ascii()).unwrap_or_default();
                if first.eq_ignore_ascii_case(b"HCPCS") {
                    break Layout::from_header(&row);
                }
            }
            None => {
                return Err(FileError::new(
                    0,
                    "HCPCS",
                    "No header row starting with HCPCS was found; is this the DMEPOS fee schedule CSV?",
                ));
            }
        }
    };
    if layout.states.is_empty() {
        return Err(FileError::new(
            0,
            "header",
            "The header names no state columns such as \"AL (NR)\".",
        ));
    }
    let mut out = Vec::new();
    for row in rows {
        let row = row.map_err(csv_error)?;
        if row.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        let line = row.position().map_or(0, csv::Position::line);
        out.push(fee_row(&layout, &row, line)?);
    }
    Ok(out)
}

fn fee_row(layout: &Layout, row: &csv::ByteRecord, line: u64) -> Result<FeeScheduleRow, FileError> {
    let cell = |index: Option<usize>| index.and_then(|i| row.get(i)).unwrap_or_default();
    let text = |index: Option<usize>| file::optional(cell(index));
    let modifier = |index: Option<usize>, name: &str| {
        text(index)
            .map(|m| ModifierCode::parse(&m).map_err(|e| FileError::new(line, name, e.0)))
            .transpose()
    };
    let money = |index: Option<usize>, name: &str| {
        Money::parse_dollars(&file::decode(cell(index))).map_err(|m| FileError::new(line, name, m))
    };
    let hcpcs = Hcpcs::parse(&file::decode(cell(Some(layout.hcpcs))))
        .map_err(|e| FileError::new(line, "HCPCS", e.0))?;
    let mut amounts: Vec<StateAmounts> = layout
        .states
        .iter()
        .map(|state| StateAmounts {
            state: state.clone(),
            non_rural: None,
            rural: None,
        })
        .collect();
    for (index, name, slot, area) in &layout.amounts {
        let amount = money(Some(*index), name)?;
        if let Some(target) = amounts.get_mut(*slot) {
            match area {
                Area::NonRural => target.non_rural = amount,
                Area::Rural => target.rural = amount,
                Area::Both => {
                    target.non_rural = amount;
                    target.rural = amount;
                }
            }
        }
    }
    Ok(FeeScheduleRow {
        hcpcs,
        modifier: modifier(layout.modifier, "Mod")?,
        modifier2: modifier(layout.modifier2, "Mod2")?,
        jurisdiction: text(layout.jurisdiction),
        category: text(layout.category),
        ceiling: money(layout.ceiling, "Ceiling")?,
        floor: money(layout.floor, "Floor")?,
        amounts,
        description: text(layout.description).unwrap_or_default(),
    })
}

fn csv_error(error: csv::Error) -> FileError {
    let line = error.position().map_or(0, csv::Position::line);
    FileError::new(line, "row", format!("This is not readable as CSV: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_columns_are_recognised() {
        assert!(matches!(state_column("AL (NR)"), Some((_, Area::NonRural))));
        assert!(matches!(state_column("ak (r)"), Some((_, Area::Rural))));
        assert!(matches!(state_column("OH"), Some((_, Area::Both))));
        assert!(state_column("Mod").is_none());
        assert!(state_column("XX (NR)").is_none());
        assert!(state_column("AL (X)").is_none());
    }
}
