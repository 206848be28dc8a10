//! The CSV layout: a header row naming the columns, then one row per code with the long
//! description already joined. Columns are found by name, so their order may change.

use crate::catalog::code::{CatalogCode, RecordKind};
use crate::catalog::file::{self, FileError};
use crate::catalog::record::HcpcsRecord;

const COLUMNS: [&str; 16] = [
    "code",
    "kind",
    "long_description",
    "short_description",
    "price1",
    "price2",
    "price3",
    "price4",
    "mult_pi",
    "coverage",
    "betos",
    "tos",
    "add_dt",
    "act_eff_dt",
    "term_dt",
    "action_cd",
];

/// Where each of [`COLUMNS`] sits in the file, in the same order.
struct Layout([usize; 16]);

impl Layout {
    fn from_header(header: &csv::ByteRecord) -> Result<Self, FileError> {
        let mut positions = [0; 16];
        for (slot, name) in positions.iter_mut().zip(COLUMNS) {
            *slot = header
                .iter()
                .position(|cell| cell.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
                .ok_or_else(|| {
                    FileError::new(
                        1,
                        name,
                        "The header row has no such column; is this the HCPCS CSV layout?",
                    )
                })?;
        }
        Ok(Self(positions))
    }

    fn get<'r>(&self, record: &'r csv::ByteRecord, column: usize) -> &'r [u8] {
        self.0
            .get(column)
            .and_then(|&index| record.get(index))
            .unwrap_or_default()
    }
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<HcpcsRecord>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut rows = reader.byte_records();
    let header = match rows.next() {
        Some(row) => row.map_err(csv_error)?,
        None => return Err(FileError::new(0, "file", "The file is empty.")),
    };
    let layout = Layout::from_header(&header)?;
    let mut records = Vec::with_capacity(bytes.len() / 160);
    for row in rows {
        let row = row.map_err(csv_error)?;
        if row.iter().all(|cell| cell.trim_ascii().is_empty()) {
            continue;
        }
        let line = row.position().map_or(0, csv::Position::line);
        records.push(record(&layout, &row, line)?);
    }
    Ok(records)
}

fn record(layout: &Layout, row: &csv::ByteRecord, line: u64) -> Result<HcpcsRecord, FileError> {
    let text = |column: usize| file::optional(layout.get(row, column));
    let kind: RecordKind = file::decode(layout.get(row, 1))
        .parse()
        .map_err(|e: crate::codes::CodeError| FileError::new(line, "kind", e.0))?;
    let code = CatalogCode::parse(kind, &file::decode(layout.get(row, 0)))
        .map_err(|e| FileError::new(line, "code", e.0))?;
    let date = |column: usize| file::date(layout.get(row, column), line, COLUMNS[column]);
    Ok(HcpcsRecord {
        code,
        long_description: text(2).unwrap_or_default(),
        short_description: text(3).unwrap_or_default(),
        pricing_indicators: (4..8).filter_map(text).collect(),
        multiple_pricing_indicator: text(8),
        coverage: text(9),
        betos: text(10),
        type_of_service: text(11),
        added: date(12)?,
        action_effective: date(13)?,
        terminated: date(14)?,
        action_code: text(15),
    })
}

fn csv_error(error: csv::Error) -> FileError {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("This row has {len} fields where the header has {expected_len}.")
        }
        _ => format!("This is not readable as CSV: {error}"),
    };
    FileError::new(line, "row", message)
}
