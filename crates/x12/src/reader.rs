//! Reading: delimiters from the ISA header, segments borrowed from the input (no copy, no
//! allocation per element), and typed element values (amounts, dates, numbers) with errors that
//! name the segment and element. The envelope over the segments is in `interchange`.

use std::ops::Range;

use durable_domain::money::Money;
use time::{Date, Month};

use crate::error::{Error, Location, Problem, Result};

/// The ISA header is fixed width: 106 characters including its segment terminator.
pub const ISA_LENGTH: usize = 106;

/// Where ISA's element separators sit (the 16 elements have fixed widths).
const ISA_SEPARATOR_OFFSETS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];

/// The four delimiters an interchange declares in its ISA header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiters {
    /// Separates elements (ISA byte 4).
    pub element: u8,
    /// Separates repeated values of one element (ISA11); `None` when ISA11 is not a delimiter.
    pub repetition: Option<u8>,
    /// Separates the components of a composite element (ISA16).
    pub component: u8,
    /// Ends a segment (the byte after ISA16).
    pub segment: u8,
}

impl Default for Delimiters {
    /// The delimiters most trading partners use: `*`, `^`, `:` and `~`.
    fn default() -> Self {
        Self {
            element: b'*',
            repetition: Some(b'^'),
            component: b':',
            segment: b'~',
        }
    }
}

impl Delimiters {
    /// Reads the delimiters from the first 106 bytes of an interchange, checking the ISA layout.
    pub fn from_isa(input: &[u8]) -> Result<Self> {
        let isa_error =
            |message: String| Error::new(Location::segment(1, "ISA"), Problem::IsaLayout(message));
        if !input.starts_with(b"ISA") {
            return Err(Error::new(
                Location::file(),
                Problem::IsaLayout("an X12 interchange starts with an ISA segment".into()),
            ));
        }
        if input.len() < ISA_LENGTH {
            return Err(isa_error(format!(
                "ISA is {ISA_LENGTH} characters long; the file has only {}",
                input.len()
            )));
        }
        let element = input[3];
        for (index, &offset) in ISA_SEPARATOR_OFFSETS.iter().enumerate() {
            if input[offset] != element {
                return Err(Error::new(
                    Location::element(1, "ISA", index.max(1), None),
                    Problem::IsaLayout(format!(
                        "ISA is fixed width: its separator {:?} belongs at character {} but {:?} is there (ISA must be {ISA_LENGTH} characters)",
                        char::from(element),
                        offset + 1,
                        char::from(input[offset])
                    )),
                ));
            }
        }
        let repetition = input[82];
        let delimiters = Self {
            element,
            repetition: (!repetition.is_ascii_alphanumeric()).then_some(repetition),
            component: input[104],
            segment: input[105],
        };
        let mut seen = vec![delimiters.element, delimiters.component, delimiters.segment];
        seen.extend(delimiters.repetition);
        for (i, &d) in seen.iter().enumerate() {
            if d.is_ascii_alphanumeric() || d == b' ' || seen[..i].contains(&d) {
                return Err(isa_error(format!(
                    "the delimiters {:?} must be distinct and neither letters, digits nor spaces",
                    seen.iter().map(|&b| char::from(b)).collect::<String>()
                )));
            }
        }
        Ok(delimiters)
    }

    /// The delimiters as characters, for checking values that are to be written.
    pub(crate) fn all(&self) -> impl Iterator<Item = u8> + '_ {
        [self.element, self.component, self.segment]
            .into_iter()
            .chain(self.repetition)
    }
}

/// One segment, borrowed from the input.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    text: &'a str,
    id_len: u8,
    position: usize,
    delimiters: Delimiters,
}

impl<'a> Segment<'a> {
    /// The segment id (`NM1`).
    pub fn id(&self) -> &'a str {
        &self.text[..usize::from(self.id_len)]
    }

    /// The 1-based position of the segment in the interchange (ISA is 1).
    pub fn position(&self) -> usize {
        self.position
    }

    /// The segment as written, without its terminator.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The elements after the id, in order (`NM1*85*2` yields `85`, `2`).
    pub fn elements(&self) -> Split<'a> {
        let rest = &self.text[usize::from(self.id_len)..];
        match rest.as_bytes().first() {
            Some(&first) if first == self.delimiters.element => {
                Split::new(&rest[1..], self.delimiters.element)
            }
            _ => Split::empty(),
        }
    }

    /// Element `n` (1-based, as in `CLM05`); empty when absent. One pass that skips whole
    /// elements and slices once: typed readers call this for nearly every value they read.
    pub fn element(&self, n: usize) -> &'a str {
        let bytes = self.text.as_bytes();
        let separator = self.delimiters.element;
        // After the id comes the separator before element 1, or the end of the segment.
        let mut at = usize::from(self.id_len);
        for number in 1..=n {
            if at >= bytes.len() {
                break;
            }
            let start = at + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end] != separator {
                end += 1;
            }
            if number == n {
                // The separator is ASCII, so both ends are character boundaries.
                return self.text.get(start..end).unwrap_or("");
            }
            at = end;
        }
        ""
    }

    /// Component `c` (1-based) of element `n`; empty when absent.
    pub fn component(&self, n: usize, c: usize) -> &'a str {
        self.components(n).nth(c.wrapping_sub(1)).unwrap_or("")
    }

    /// The components of element `n`.
    pub fn components(&self, n: usize) -> Split<'a> {
        Split::new(self.element(n), self.delimiters.component)
    }

    /// The repeated values of element `n` (`EB03` may hold `12^30`).
    pub fn repetitions(&self, n: usize) -> Split<'a> {
        match self.delimiters.repetition {
            Some(separator) => Split::new(self.element(n), separator),
            None => Split::new(self.element(n), self.delimiters.segment),
        }
    }

    /// The location of the whole segment, for errors.
    pub fn location(&self) -> Location {
        Location::segment(self.position, self.id())
    }

    /// An error about element `n`.
    pub fn error(&self, n: usize, problem: Problem) -> Error {
        Error::new(
            Location::element(self.position, self.id(), n, None),
            problem,
        )
    }

    /// Element `n`, which must not be empty.
    pub fn required(&self, n: usize) -> Result<&'a str> {
        match self.element(n) {
            "" => Err(self.error(n, Problem::Missing)),
            value => Ok(value),
        }
    }

    /// Element `n` as an optional value (empty is `None`).
    pub fn optional(&self, n: usize) -> Option<&'a str> {
        Some(self.element(n)).filter(|v| !v.is_empty())
    }

    /// Element `n` as an amount (X12 type R: `-12.5`, `150`, `.47`).
    pub fn money(&self, n: usize) -> Result<Money> {
        let value = self.required(n)?;
        parse_amount(value).ok_or_else(|| self.invalid(n, value, "an amount in dollars and cents"))
    }

    /// Element `n` as an optional amount.
    pub fn money_opt(&self, n: usize) -> Result<Option<Money>> {
        self.optional(n).map(|_| self.money(n)).transpose()
    }

    /// Element `n` as a calendar date, `CCYYMMDD`.
    pub fn date(&self, n: usize) -> Result<Date> {
        let value = self.required(n)?;
        parse_date(value).ok_or_else(|| self.invalid(n, value, "a date (CCYYMMDD)"))
    }

    /// A date or a date range whose format qualifier is element `n - 1` (`D8` or `RD8`), as in
    /// `DTP*472*RD8*20240101-20240131`.
    pub fn date_range(&self, n: usize) -> Result<DateRange> {
        let value = self.required(n)?;
        let format = self.element(n - 1);
        let range = match format {
            "D8" => parse_date(value).map(|d| DateRange { from: d, to: d }),
            "RD8" => value.split_once('-').and_then(|(from, to)| {
                let (from, to) = (parse_date(from)?, parse_date(to)?);
                (from <= to).then_some(DateRange { from, to })
            }),
            _ => return Err(self.invalid(n - 1, format, "a date format (D8 or RD8)")),
        };
        range.ok_or_else(|| {
            self.invalid(
                n,
                value,
                "a date or an ordered date range (CCYYMMDD or CCYYMMDD-CCYYMMDD)",
            )
        })
    }

    /// Element `n` as a whole number.
    pub fn number<T: std::str::FromStr>(&self, n: usize) -> Result<T> {
        let value = self.required(n)?;
        value
            .parse()
            .map_err(|_| self.invalid(n, value, "a whole number"))
    }

    /// The error for an element whose value is not what the guide allows.
    pub fn invalid(&self, n: usize, value: &str, expected: &'static str) -> Error {
        self.error(
            n,
            Problem::Invalid {
                value: value.to_owned(),
                expected,
            },
        )
    }
}

/// The values between one delimiter (a byte), found with a plain byte loop: segments are short,
/// so this beats a general searcher. An empty value yields nothing.
#[derive(Clone, Debug)]
pub struct Split<'a> {
    text: &'a str,
    position: usize,
    separator: u8,
    done: bool,
}

impl<'a> Split<'a> {
    fn new(text: &'a str, separator: u8) -> Self {
        Self {
            text,
            position: 0,
            separator,
            done: text.is_empty(),
        }
    }

    fn empty() -> Self {
        Self::new("", 0)
    }
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let start = self.position;
        let bytes = self.text.as_bytes();
        let mut end = start;
        while end < bytes.len() && bytes[end] != self.separator {
            end += 1;
        }
        if end == bytes.len() {
            self.done = true;
        } else {
            self.position = end + 1;
        }
        // The separator is ASCII, so both ends are character boundaries.
        self.text.get(start..end)
    }
}

/// A service date or a span of dates (rentals are billed with their month's span).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: Date,
    pub to: Date,
}

impl DateRange {
    /// A single day.
    pub fn day(date: Date) -> Self {
        Self {
            from: date,
            to: date,
        }
    }
}

/// Parses `CCYYMMDD` into a calendar date; `None` for anything else (including 20240231).
pub fn parse_date(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digits = |range: Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'))
    };
    let year = i32::try_from(digits(0..4)).ok()?;
    let month = Month::try_from(u8::try_from(digits(4..6)).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(digits(6..8)).ok()?).ok()
}

/// Parses an X12 decimal (type R) into cents; more than two decimals only if they are zeros.
pub fn parse_amount(value: &str) -> Option<Money> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.bytes().skip(2).any(|b| b != b'0')
        || whole.len() > 15
    {
        return None;
    }
    let fraction = fraction.as_bytes();
    let cents = whole
        .bytes()
        .chain([0, 1].map(|i| fraction.get(i).copied().unwrap_or(b'0')))
        .fold(0i64, |acc, digit| acc * 10 + i64::from(digit - b'0'));
    Some(Money::from_cents(if negative { -cents } else { cents }))
}

/// Splits an interchange into segments. The first 106 bytes are the ISA header; CR and LF
/// between segments are skipped.
pub fn segments(input: &[u8]) -> Result<Vec<Segment<'_>>> {
    let text = std::str::from_utf8(input).map_err(|e| {
        Error::new(
            Location::file(),
            Problem::NotText {
                offset: e.valid_up_to(),
            },
        )
    })?;
    let delimiters = Delimiters::from_isa(input)?;
    let mut segments = Vec::with_capacity(input.len() / 40 + 4);
    let mut start = 0;
    let bytes = input;
    while start < bytes.len() {
        if matches!(bytes[start], b'\r' | b'\n') && bytes[start] != delimiters.segment {
            start += 1;
            continue;
        }
        let position = segments.len() + 1;
        let Some(length) = memchr::memchr(delimiters.segment, &bytes[start..]) else {
            let rest = &text[start..];
            let id = segment_id(rest, delimiters).unwrap_or("");
            return Err(Error::new(
                Location::segment(position, id),
                Problem::Unterminated {
                    terminator: char::from(delimiters.segment),
                },
            ));
        };
        let mut segment_text = &text[start..start + length];
        if delimiters.segment == b'\n' {
            segment_text = segment_text.strip_suffix('\r').unwrap_or(segment_text);
        }
        start += length + 1;
        if segment_text.is_empty() && delimiters.segment == b'\n' {
            continue;
        }
        let id = segment_id(segment_text, delimiters).ok_or_else(|| {
            let shown: String = segment_text.chars().take(20).collect();
            Error::new(
                Location::segment(position, ""),
                Problem::BadSegmentId {
                    found: shown,
                    element: char::from(delimiters.element),
                    segment: char::from(delimiters.segment),
                },
            )
        })?;
        segments.push(Segment {
            text: segment_text,
            id_len: id.len() as u8,
            position,
            delimiters,
        });
    }
    Ok(segments)
}

/// The id of a segment: two or three upper-case letters or digits, starting with a letter,
/// followed by the element separator or the end of the segment.
fn segment_id(text: &str, delimiters: Delimiters) -> Option<&str> {
    let bytes = text.as_bytes();
    let end = bytes
        .iter()
        .take(4)
        .position(|&b| b == delimiters.element)
        .unwrap_or(bytes.len());
    let id = &bytes[..end];
    let valid = (2..=3).contains(&id.len())
        && id[0].is_ascii_uppercase()
        && id
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    valid.then(|| &text[..end])
}
