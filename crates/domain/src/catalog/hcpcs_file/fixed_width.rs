//! CMS's fixed-width annual HCPCS file (`HCPC20xx_CONTR_ANWEB.txt`, 320-byte records).
//!
//! Column positions (1-based, inclusive) follow CMS's "HCPCS Contractor Record" layout
//! (`HCPCS20xx_recordlayout.txt`), checked against three independent readers of the file and
//! against CMS's own file lines: code 1–5 (a modifier sits in 4–5), sequence number 6–10,
//! record identification 11, long description 12–91, short description 92–119, four pricing
//! indicators 120–127, multiple pricing indicator 128, coverage 230, BETOS 257–259, five
//! type-of-service codes 261–265, add date 269–276, action effective date 277–284, termination
//! date 285–292, action code 293. (Fields Durable does not use — CIM/MCM references, statute,
//! lab certification, cross-references, ASC and MOG groups, processing note, anesthesia units —
//! are skipped.)
//!
//! Record identification: 3 first line of a procedure, 4 its continuation, 7 first line of a
//! modifier, 8 its continuation. Only first lines carry the detail fields; continuation lines add
//! 80 more characters of long description.

use std::ops::RangeInclusive;

use crate::catalog::code::{CatalogCode, RecordKind};
use crate::catalog::file::{self, FileError};
use crate::catalog::record::HcpcsRecord;

const CODE: RangeInclusive<usize> = 1..=5;
const SEQUENCE: RangeInclusive<usize> = 6..=10;
const RECORD_ID: usize = 11;
const LONG_DESCRIPTION: RangeInclusive<usize> = 12..=91;
const SHORT_DESCRIPTION: RangeInclusive<usize> = 92..=119;
const PRICING_INDICATORS: [RangeInclusive<usize>; 4] = [120..=121, 122..=123, 124..=125, 126..=127];
const MULTIPLE_PRICING_INDICATOR: RangeInclusive<usize> = 128..=128;
const COVERAGE: RangeInclusive<usize> = 230..=230;
const BETOS: RangeInclusive<usize> = 257..=259;
const TYPE_OF_SERVICE: RangeInclusive<usize> = 261..=265;
const ADDED: RangeInclusive<usize> = 269..=276;
const ACTION_EFFECTIVE: RangeInclusive<usize> = 277..=284;
const TERMINATED: RangeInclusive<usize> = 285..=292;
const ACTION_CODE: RangeInclusive<usize> = 293..=293;

/// The bytes at 1-based inclusive `columns`, cut short (or empty) where the line is shorter,
/// because some tools strip the blank padding at the end of each record.
fn field(line: &[u8], columns: RangeInclusive<usize>) -> &[u8] {
    let start = columns.start().saturating_sub(1).min(line.len());
    let end = (*columns.end()).min(line.len());
    line.get(start..end).unwrap_or_default()
}

/// Which kind of line a record identification code names, and whether it continues one.
fn line_kind(line: &[u8]) -> Option<(RecordKind, bool)> {
    let sequence_ok =
        field(line, SEQUENCE).len() == 5 && field(line, SEQUENCE).iter().all(u8::is_ascii_digit);
    if !sequence_ok {
        return None;
    }
    match line.get(RECORD_ID - 1) {
        Some(b'3') => Some((RecordKind::Procedure, false)),
        Some(b'4') => Some((RecordKind::Procedure, true)),
        Some(b'7') => Some((RecordKind::Modifier, false)),
        Some(b'8') => Some((RecordKind::Modifier, true)),
        _ => None,
    }
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<HcpcsRecord>, FileError> {
    let mut records: Vec<HcpcsRecord> = Vec::with_capacity(bytes.len() / 320 + 1);
    let mut seen_a_record = false;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_number = u64::try_from(index).map_or(u64::MAX, |i| i + 1);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Blank lines, and the DOS end-of-file mark (0x1A) some CMS text files end with.
        if line
            .iter()
            .all(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            continue;
        }
        let Some((kind, continuation)) = line_kind(line) else {
            // Some CMS releases open with a few lines of disclaimer before the first record.
            if seen_a_record {
                return Err(FileError::new(
                    line_number,
                    "record identification",
                    "Column 11 must be 3, 4, 7 or 8 after a five-digit sequence number in columns 6-10; is this the CMS fixed-width HCPCS file?",
                ));
            }
            continue;
        };
        seen_a_record = true;
        let code = CatalogCode::parse(kind, &file::decode(field(line, CODE)))
            .map_err(|e| FileError::new(line_number, "code", e.0))?;
        let description = file::decode(field(line, LONG_DESCRIPTION));
        let description = description.trim();
        if continuation {
            let Some(current) = records.last_mut().filter(|r| r.code == code) else {
                return Err(FileError::new(
                    line_number,
                    "record identification",
                    format!(
                        "This continues the description of {code}, but the line before is not {code}."
                    ),
                ));
            };
            if !description.is_empty() {
                if !current.long_description.is_empty() {
                    current.long_description.push(' ');
                }
                current.long_description.push_str(description);
            }
        } else {
            records.push(first_line(line, line_number, code, description)?);
        }
    }
    if !seen_a_record {
        return Err(FileError::new(
            0,
            "file",
            "No HCPCS records found: expected the CSV layout's header row or CMS fixed-width records.",
        ));
    }
    Ok(records)
}

fn first_line(
    line: &[u8],
    line_number: u64,
    code: CatalogCode,
    description: &str,
) -> Result<HcpcsRecord, FileError> {
    let text = |columns| file::optional(field(line, columns));
    let date = |columns, name| file::date(field(line, columns), line_number, name);
    Ok(HcpcsRecord {
        code,
        long_description: description.to_owned(),
        short_description: text(SHORT_DESCRIPTION).unwrap_or_default(),
        pricing_indicators: PRICING_INDICATORS.into_iter().filter_map(text).collect(),
        multiple_pricing_indicator: text(MULTIPLE_PRICING_INDICATOR),
        coverage: text(COVERAGE),
        betos: text(BETOS),
        // Five one-character slots; run together like the CSV layout's `tos` (`1P`).
        type_of_service: text(TYPE_OF_SERVICE).map(|tos| tos.split_whitespace().collect()),
        added: date(ADDED, "add date")?,
        action_effective: date(ACTION_EFFECTIVE, "action effective date")?,
        terminated: date(TERMINATED, "termination date")?,
        action_code: text(ACTION_CODE),
    })
}
