//! Writing: the fixed-width ISA header, one functional group, transaction sets with their SE
//! counts, and values checked against the delimiters and their maximum lengths. Empty trailing
//! elements and components are left out, as X12.6 requires.

use std::fmt::Write as _;

use durable_domain::money::Money;
use time::Date;

use crate::error::{Error, Location, Problem, Result};
use crate::reader::{DateRange, Delimiters};

/// Test or production data (ISA15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    Test,
    Production,
}

/// An interchange sender or receiver: its ID qualifier (ISA05/07, e.g. `ZZ` mutually defined)
/// and its ID (ISA06/08, at most 15 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyId {
    pub qualifier: String,
    pub id: String,
}

/// Everything the ISA and GS headers carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub sender: PartyId,
    pub receiver: PartyId,
    /// GS02, the application sender's code (often the same as the sender's ID).
    pub application_sender: String,
    /// GS03, the application receiver's code.
    pub application_receiver: String,
    /// When the file was made (ISA09/10, GS04/05), in the supplier's time zone.
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    /// ISA13, unique per sender and receiver: 1 to 999,999,999.
    pub interchange_control: u32,
    /// GS06, unique per sender: 1 to 999,999,999.
    pub group_control: u32,
    pub usage: Usage,
    /// ISA14: whether the receiver should answer with a TA1.
    pub acknowledgment_requested: bool,
}

/// Writes one interchange holding one functional group.
#[derive(Debug)]
pub struct Writer {
    out: String,
    delimiters: Delimiters,
    position: usize,
    transaction_start: usize,
    transactions: usize,
    transaction_control: String,
    group_control: u32,
    interchange_control: u32,
    created: Date,
    created_time: String,
    context: Option<String>,
    error: Option<Error>,
}

impl Writer {
    /// Starts an interchange and its functional group (`functional_id` GS01: `HC` claims, `HS`
    /// eligibility, `HR` claim status; `guide` GS08, e.g. `005010X222A1`).
    pub fn new(envelope: &Envelope, functional_id: &str, guide: &str) -> Result<Self> {
        let delimiters = Delimiters::default();
        let mut writer = Self {
            out: String::with_capacity(4096),
            delimiters,
            position: 0,
            transaction_start: 0,
            transactions: 0,
            transaction_control: String::new(),
            group_control: envelope.group_control,
            interchange_control: envelope.interchange_control,
            created: envelope.date,
            created_time: format!("{:02}{:02}", envelope.hour, envelope.minute),
            context: None,
            error: None,
        };
        writer.isa(envelope)?;
        let time = writer.created_time.clone();
        writer
            .segment("GS")
            .el(functional_id)
            .max(&envelope.application_sender, 15)
            .max(&envelope.application_receiver, 15)
            .date(envelope.date)
            .el(&time)
            .number(envelope.group_control)
            .el("X")
            .el(guide);
        writer.check()?;
        Ok(writer)
    }

    /// The fixed-width ISA: every field padded to its width, delimiters at fixed places.
    fn isa(&mut self, envelope: &Envelope) -> Result<()> {
        let fail = |element: usize, value: &str, expected: &'static str| {
            Err(Error::new(
                Location::element(1, "ISA", element, None),
                Problem::Invalid {
                    value: value.to_owned(),
                    expected,
                },
            ))
        };
        for (element, party) in [(5, &envelope.sender), (7, &envelope.receiver)] {
            if party.qualifier.len() != 2 {
                return fail(element, &party.qualifier, "a two-character ID qualifier");
            }
            if party.id.is_empty() || party.id.len() > 15 || !party.id.is_ascii() {
                return fail(element + 1, &party.id, "an ID of 1 to 15 characters");
            }
        }
        let control = envelope.interchange_control;
        if !(1..=999_999_999).contains(&control) {
            return fail(
                13,
                &control.to_string(),
                "a control number from 1 to 999999999",
            );
        }
        let d = self.delimiters;
        let (e, c) = (char::from(d.element), char::from(d.component));
        let repetition = d.repetition.map_or('U', char::from);
        let (year, month, day) = (
            envelope.date.year() % 100,
            u8::from(envelope.date.month()),
            envelope.date.day(),
        );
        let usage = match envelope.usage {
            Usage::Test => 'T',
            Usage::Production => 'P',
        };
        let _ = write!(
            self.out,
            "ISA{e}00{e}{:10}{e}00{e}{:10}{e}{}{e}{:15}{e}{}{e}{:15}{e}{year:02}{month:02}{day:02}{e}{:02}{:02}{e}{repetition}{e}00501{e}{control:09}{e}{}{e}{usage}{e}{c}",
            "",
            "",
            envelope.sender.qualifier,
            envelope.sender.id,
            envelope.receiver.qualifier,
            envelope.receiver.id,
            envelope.hour,
            envelope.minute,
            u8::from(envelope.acknowledgment_requested),
        );
        self.out.push(char::from(d.segment));
        self.position = 1;
        Ok(())
    }

    /// Names what is being written, for errors (`claim DME000001`).
    pub fn set_context(&mut self, context: Option<String>) {
        self.context = context;
    }

    /// Starts a transaction set (ST).
    pub fn begin_transaction(&mut self, set_id: &str, control: &str, guide: &str) {
        self.transaction_start = self.position + 1;
        self.transaction_control = control.to_owned();
        self.segment("ST").el(set_id).el(control).el(guide);
    }

    /// BHT, dated when the file was made: structure (`0019`, `0022`, `0010`), purpose (`00`
    /// original, `13` request), the submitter's reference and, for claims, the type (`CH`).
    pub fn bht(&mut self, structure: &str, purpose: &str, reference: &str, kind: Option<&str>) {
        let (date, time) = (self.created, self.created_time.clone());
        self.segment("BHT")
            .el(structure)
            .el(purpose)
            .max(reference, 50)
            .date(date)
            .el(&time)
            .opt(kind);
    }

    /// Ends the transaction set with its SE and segment count.
    pub fn end_transaction(&mut self) {
        let count = self.position + 2 - self.transaction_start;
        let control = std::mem::take(&mut self.transaction_control);
        self.segment("SE").number(count).el(&control);
        self.transactions += 1;
    }

    /// Starts a segment; it is terminated when the returned writer is dropped.
    pub fn segment(&mut self, id: &'static str) -> SegmentWriter<'_> {
        self.position += 1;
        self.out.push_str(id);
        SegmentWriter {
            writer: self,
            id,
            element: 0,
            pending: 0,
        }
    }

    /// Records a problem with the claim or inquiry being written, at the segment about to be
    /// written (the first problem wins).
    pub fn fail(&mut self, segment: &str, element: Option<usize>, problem: Problem) {
        let location = Location {
            element,
            ..Location::segment(self.position + 1, segment)
        };
        self.record(location, problem);
    }

    fn record(&mut self, location: Location, problem: Problem) {
        if self.error.is_none() {
            let error = Error::new(location, problem);
            self.error = Some(match &self.context {
                Some(context) => error.within(context.clone()),
                None => error,
            });
        }
    }

    /// The first error recorded so far, if any.
    pub fn check(&self) -> Result<()> {
        self.error.clone().map_or(Ok(()), Err)
    }

    /// Closes the group (GE) and the interchange (IEA) and returns the file.
    pub fn finish(mut self) -> Result<String> {
        let (transactions, group, interchange) = (
            self.transactions,
            self.group_control,
            self.interchange_control,
        );
        self.segment("GE").number(transactions).number(group);
        let mut control = String::with_capacity(9);
        let _ = write!(control, "{interchange:09}");
        self.segment("IEA").el("1").el(&control);
        self.check()?;
        Ok(self.out)
    }
}

/// Writes the elements of one segment; ends the segment when dropped.
#[derive(Debug)]
pub struct SegmentWriter<'w> {
    writer: &'w mut Writer,
    id: &'static str,
    element: usize,
    pending: usize,
}

impl SegmentWriter<'_> {
    /// The next element; an empty value is left out if nothing follows it.
    pub fn el(mut self, value: &str) -> Self {
        self.element += 1;
        if value.is_empty() {
            self.pending += 1;
            return self;
        }
        self.check_value(value, None);
        self.separators();
        self.writer.out.push_str(value);
        self
    }

    /// The next element, at most `max` characters.
    pub fn max(mut self, value: &str, max: usize) -> Self {
        if value.chars().count() > max {
            let element = self.element + 1;
            self.fail(
                element,
                Problem::TooLong {
                    value: value.to_owned(),
                    max,
                },
            );
        }
        self.el(value)
    }

    /// The next element if present, else an empty one.
    pub fn opt(self, value: Option<&str>) -> Self {
        self.el(value.unwrap_or(""))
    }

    /// `n` empty elements.
    pub fn skip(mut self, n: usize) -> Self {
        self.element += n;
        self.pending += n;
        self
    }

    /// An amount in X12's decimal form (`150`, `115.5`, `-12.34`).
    pub fn money(mut self, amount: Money) -> Self {
        self.element += 1;
        self.separators();
        write_amount(&mut self.writer.out, amount);
        self
    }

    /// A whole number.
    pub fn number(mut self, value: impl std::fmt::Display) -> Self {
        self.element += 1;
        self.separators();
        let _ = write!(self.writer.out, "{value}");
        self
    }

    /// A date as `CCYYMMDD`.
    pub fn date(mut self, date: Date) -> Self {
        self.element += 1;
        self.separators();
        write_date(&mut self.writer.out, date);
        self
    }

    /// A date qualifier's format and value: `D8*20240101`, or `RD8*20240101-20240131` for a span.
    pub fn date_range(mut self, range: DateRange) -> Self {
        if range.from == range.to {
            return self.el("D8").date(range.from);
        }
        if range.from > range.to {
            let element = self.element + 2;
            self.fail(
                element,
                Problem::Rule("the service span ends before it starts".into()),
            );
        }
        self = self.el("RD8");
        self.element += 1;
        self.separators();
        write_date(&mut self.writer.out, range.from);
        self.writer.out.push('-');
        write_date(&mut self.writer.out, range.to);
        self
    }

    /// A composite element from its components; empty trailing components are left out.
    pub fn composite(mut self, components: &[&str]) -> Self {
        self.element += 1;
        let used = components
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if used == 0 {
            self.pending += 1;
            return self;
        }
        self.separators();
        let separator = char::from(self.writer.delimiters.component);
        for (index, component) in components[..used].iter().enumerate() {
            if index > 0 {
                self.writer.out.push(separator);
            }
            self.check_value(component, Some(index + 1));
            self.writer.out.push_str(component);
        }
        self
    }

    fn fail(&mut self, element: usize, problem: Problem) {
        self.fail_at(element, None, problem);
    }

    fn fail_at(&mut self, element: usize, component: Option<usize>, problem: Problem) {
        let location = Location::element(self.writer.position, self.id, element, component);
        self.writer.record(location, problem);
    }

    fn separators(&mut self) {
        let separator = char::from(self.writer.delimiters.element);
        for _ in 0..=self.pending {
            self.writer.out.push(separator);
        }
        self.pending = 0;
    }

    fn check_value(&mut self, value: &str, component: Option<usize>) {
        let delimiters = self.writer.delimiters;
        if let Some(delimiter) = value.bytes().find(|b| delimiters.all().any(|d| d == *b)) {
            let problem = Problem::HoldsDelimiter {
                value: value.to_owned(),
                delimiter: char::from(delimiter),
            };
            self.fail_at(self.element, component, problem);
        }
    }
}

impl Drop for SegmentWriter<'_> {
    fn drop(&mut self) {
        self.writer
            .out
            .push(char::from(self.writer.delimiters.segment));
    }
}

/// Appends an amount in X12's shortest decimal form.
pub(crate) fn write_amount(out: &mut String, amount: Money) {
    let cents = amount.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (whole, fraction) = (abs / 100, abs % 100);
    let _ = match fraction {
        0 => write!(out, "{sign}{whole}"),
        f if f % 10 == 0 => write!(out, "{sign}{whole}.{}", f / 10),
        f => write!(out, "{sign}{whole}.{f:02}"),
    };
}

/// Appends a date as `CCYYMMDD`.
pub(crate) fn write_date(out: &mut String, date: Date) {
    let _ = write!(
        out,
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
}
