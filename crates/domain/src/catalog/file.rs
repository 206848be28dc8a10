//! What the CMS file parsers share: their error, text decoding and field helpers.

use std::borrow::Cow;

use time::{Date, Month};

/// Why a CMS file was refused: the line and field at fault and what is wrong, so an operator
/// can open the file at that line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, {field}: {message}")]
pub struct FileError {
    /// 1-based line number in the file (0 when the fault is the file as a whole).
    pub line: u64,
    /// The column or field name, as the file's layout names it.
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FileError {
    pub(crate) fn new(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Decodes a field: UTF-8 when it is, otherwise ISO 8859-1, because CMS's older text files are
/// single-byte encoded and a stray accented letter must not make a whole import fail.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// A trimmed field, or `None` when it is blank.
pub(crate) fn optional(bytes: &[u8]) -> Option<String> {
    let text = decode(bytes);
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A `YYYYMMDD` date as both HCPCS layouts write it; blank (or all zeros) is `None`.
pub(crate) fn date(bytes: &[u8], line: u64, field: &str) -> Result<Option<Date>, FileError> {
    let text = decode(bytes);
    let text = text.trim();
    if text.is_empty() || text.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    let refuse = || {
        FileError::new(
            line,
            field,
            format!("{text:?} is not a date in the form YYYYMMDD."),
        )
    };
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse());
    }
    let number =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u16>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(4..6), number(6..8)) else {
        return Err(refuse());
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(day).ok();
    match (month, day) {
        (Some(month), Some(day)) => Date::from_calendar_date(i32::from(year), month, day)
            .map(Some)
            .map_err(|_| refuse()),
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_yyyymmdd_or_blank() {
        assert_eq!(
            date(b"20190101", 1, "add_dt").unwrap(),
            Some(date!(2019 - 01 - 01))
        );
        assert_eq!(date(b"        ", 1, "add_dt").unwrap(), None);
        assert_eq!(date(b"00000000", 1, "add_dt").unwrap(), None);
        let err = date(b"20191301", 7, "term_dt").unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (7, "term_dt"));
        assert!(date(b"2019-01-01", 1, "x").is_err());
        assert!(date(b"20190230", 1, "x").is_err());
    }

    #[test]
    fn latin1_text_decodes_instead_of_failing() {
        assert_eq!(decode(b"caf\xe9"), "café");
        assert_eq!(optional(b"  RR  ").as_deref(), Some("RR"));
        assert_eq!(optional(b"   "), None);
    }
}
