//! The envelope of an interchange: ISA … IEA holding functional groups GS … GE holding
//! transaction sets ST … SE, each trailer's count and control number checked against its header
//! (X12.5 interchange control structure; ASC X12 5010 implementation guides, appendix B), and a
//! cursor that typed readers walk a transaction set with.

use std::ops::Range;

use crate::error::{Error, Location, Problem, Result};
use crate::reader::{Segment, segments};
use crate::writer::{Envelope, PartyId, Usage};

/// A parsed interchange: its segments and the envelope structure over them.
#[derive(Debug)]
pub struct Interchange<'a> {
    segments: Vec<Segment<'a>>,
    groups: Vec<GroupRange>,
}

#[derive(Debug)]
struct GroupRange {
    segments: Range<usize>,
    transactions: Vec<Range<usize>>,
}

/// One functional group (GS … GE).
#[derive(Clone, Copy, Debug)]
pub struct Group<'i, 'a> {
    interchange: &'i Interchange<'a>,
    range: &'i GroupRange,
}

/// One transaction set (ST … SE).
#[derive(Clone, Copy, Debug)]
pub struct Transaction<'i, 'a> {
    segments: &'i [Segment<'a>],
    group: Segment<'a>,
}

impl<'a> Interchange<'a> {
    /// Reads an interchange and checks its envelope: one ISA … IEA, groups GS … GE, transaction
    /// sets ST … SE, each trailer's count and control number matching its header.
    pub fn parse(input: &'a [u8]) -> Result<Self> {
        let segments = segments(input)?;
        let groups = envelope(&segments)?;
        Ok(Self { segments, groups })
    }

    /// Every segment, ISA first.
    pub fn segments(&self) -> &[Segment<'a>] {
        &self.segments
    }

    /// The ISA segment.
    pub fn isa(&self) -> Segment<'a> {
        self.segments[0]
    }

    /// The functional groups in order.
    pub fn groups(&self) -> impl Iterator<Item = Group<'_, 'a>> {
        self.groups.iter().map(move |range| Group {
            interchange: self,
            range,
        })
    }

    /// Every transaction set of every group, in order.
    pub fn transactions(&self) -> impl Iterator<Item = Transaction<'_, 'a>> {
        self.groups().flat_map(|g| g.transactions())
    }

    /// The interchange control number (ISA13).
    pub fn control_number(&self) -> &'a str {
        self.isa().element(13)
    }

    /// The ISA and (first) GS headers as the writer takes them.
    pub fn envelope(&self) -> Result<Envelope> {
        let isa = self.isa();
        let gs = self.groups().next().map(|g| g.header()).ok_or_else(|| {
            Error::new(
                isa.location(),
                Problem::Truncated {
                    expected: "a functional group (GS)",
                },
            )
        })?;
        let party = |n: usize| PartyId {
            qualifier: isa.element(n).to_owned(),
            id: isa.element(n + 1).trim_end().to_owned(),
        };
        let time = isa.element(10);
        let (hour, minute) = match (time.get(..2).map(str::parse), time.get(2..).map(str::parse)) {
            (Some(Ok(hour)), Some(Ok(minute))) if time.len() == 4 && hour < 24 && minute < 60 => {
                (hour, minute)
            }
            _ => return Err(isa.invalid(10, time, "a time (HHMM)")),
        };
        let usage = match isa.element(15) {
            "T" => Usage::Test,
            "P" => Usage::Production,
            other => return Err(isa.invalid(15, other, "T (test) or P (production)")),
        };
        Ok(Envelope {
            sender: party(5),
            receiver: party(7),
            application_sender: gs.element(2).to_owned(),
            application_receiver: gs.element(3).to_owned(),
            date: gs.date(4)?,
            hour,
            minute,
            interchange_control: isa.number(13)?,
            group_control: gs.number(6)?,
            usage,
            acknowledgment_requested: isa.element(14) == "1",
        })
    }
}

impl<'i, 'a> Group<'i, 'a> {
    /// The GS segment.
    pub fn header(&self) -> Segment<'a> {
        self.interchange.segments[self.range.segments.start]
    }

    /// The transaction sets of this group.
    pub fn transactions(&self) -> impl Iterator<Item = Transaction<'i, 'a>> + use<'i, 'a> {
        let segments = &self.interchange.segments;
        let header = segments[self.range.segments.start];
        self.range.transactions.iter().map(move |r| Transaction {
            segments: &segments[r.clone()],
            group: header,
        })
    }
}

impl<'i, 'a> Transaction<'i, 'a> {
    /// The segments from ST to SE inclusive.
    pub fn segments(&self) -> &'i [Segment<'a>] {
        self.segments
    }

    /// The transaction set id (ST01: `837`, `835` …).
    pub fn set_id(&self) -> &'a str {
        self.segments[0].element(1)
    }

    /// The implementation guide (ST03, or GS08 when ST03 is empty as 835s often leave it).
    pub fn guide(&self) -> &'a str {
        self.segments[0]
            .optional(3)
            .unwrap_or_else(|| self.group.element(8))
    }

    /// The transaction set control number (ST02).
    pub fn control_number(&self) -> &'a str {
        self.segments[0].element(2)
    }

    /// The GS header of the group holding this transaction set.
    pub fn group_header(&self) -> Segment<'a> {
        self.group
    }

    /// A cursor over the body (between ST and SE).
    pub fn body(&self) -> Cursor<'i, 'a> {
        Cursor {
            segments: &self.segments[1..self.segments.len() - 1],
            next: 0,
            end_position: self.segments[self.segments.len() - 1].position(),
        }
    }

    /// Fails unless this is the given transaction set and guide.
    pub fn expect(&self, set_id: &str, guide: &'static str) -> Result<()> {
        let st = self.segments[0];
        if self.set_id() != set_id {
            return Err(st.invalid(1, self.set_id(), "the transaction set expected here"));
        }
        if self.guide() != guide {
            return Err(st.invalid(3, self.guide(), guide));
        }
        Ok(())
    }
}

/// Walks a transaction set's segments in order, as typed readers do.
#[derive(Clone, Debug)]
pub struct Cursor<'i, 'a> {
    segments: &'i [Segment<'a>],
    next: usize,
    end_position: usize,
}

impl<'i, 'a> Cursor<'i, 'a> {
    /// The next segment without consuming it.
    pub fn peek(&self) -> Option<Segment<'a>> {
        self.segments.get(self.next).copied()
    }

    /// Whether the next segment has this id and (if given) first element.
    pub fn at(&self, id: &str, first: Option<&str>) -> bool {
        self.peek()
            .is_some_and(|s| s.id() == id && first.is_none_or(|f| s.element(1) == f))
    }

    /// Consumes the next segment.
    pub fn advance(&mut self) -> Option<Segment<'a>> {
        let segment = self.peek()?;
        self.next += 1;
        Some(segment)
    }

    /// Consumes the next segment if it has this id and (if given) first element.
    pub fn take(&mut self, id: &str, first: Option<&str>) -> Option<Segment<'a>> {
        if self.at(id, first) {
            self.advance()
        } else {
            None
        }
    }

    /// Consumes the next segment, which must have this id and (if given) first element.
    pub fn expect(
        &mut self,
        id: &str,
        first: Option<&str>,
        what: &'static str,
    ) -> Result<Segment<'a>> {
        self.take(id, first).ok_or_else(|| self.unexpected(what))
    }

    /// The error for a missing or out-of-place segment, located at the next segment.
    pub fn unexpected(&self, expected: &'static str) -> Error {
        match self.peek() {
            Some(segment) => Error::new(segment.location(), Problem::Unexpected { expected }),
            None => Error::new(
                Location::segment(self.end_position, "SE"),
                Problem::Unexpected { expected },
            ),
        }
    }
}

/// Checks the envelope and returns the group and transaction ranges.
fn envelope(segments: &[Segment<'_>]) -> Result<Vec<GroupRange>> {
    let isa = segments[0];
    let mut index = 1;
    let mut groups = Vec::new();
    let truncated = |expected| {
        let last = segments[segments.len() - 1];
        Error::new(last.location(), Problem::Truncated { expected })
    };
    let expect_at = |index: usize, id: &str, expected: &'static str| -> Result<Segment<'_>> {
        match segments.get(index) {
            Some(s) if s.id() == id => Ok(*s),
            Some(s) => Err(Error::new(s.location(), Problem::Unexpected { expected })),
            None => Err(truncated(expected)),
        }
    };
    check_isa(&isa)?;
    while segments.get(index).is_some_and(|s| s.id() == "GS") {
        let gs = segments[index];
        let group_start = index;
        index += 1;
        let mut transactions = Vec::new();
        while segments.get(index).is_some_and(|s| s.id() == "ST") {
            let st = segments[index];
            let start = index;
            let end = segments[start + 1..]
                .iter()
                .position(|s| matches!(s.id(), "SE" | "ST" | "GE" | "IEA"))
                .map(|p| p + start + 1);
            let end = match end.map(|i| (i, segments[i])) {
                Some((i, s)) if s.id() == "SE" => i,
                Some((_, s)) => {
                    return Err(Error::new(
                        s.location(),
                        Problem::Unexpected {
                            expected: "SE to close the transaction set",
                        },
                    ));
                }
                None => return Err(truncated("the SE that closes the transaction set")),
            };
            let se = segments[end];
            check_count(&se, 1, "segments from ST to SE", end - start + 1)?;
            check_control(&se, 2, st.element(2))?;
            transactions.push(start..end + 1);
            index = end + 1;
        }
        let ge = expect_at(index, "GE", "ST or the GE that closes the functional group")?;
        check_count(&ge, 1, "transaction sets in the group", transactions.len())?;
        check_control(&ge, 2, gs.element(6))?;
        index += 1;
        groups.push(GroupRange {
            segments: group_start..index,
            transactions,
        });
    }
    let iea = expect_at(index, "IEA", "GS or the IEA that closes the interchange")?;
    check_count(
        &iea,
        1,
        "functional groups in the interchange",
        groups.len(),
    )?;
    check_control(&iea, 2, isa.element(13))?;
    if let Some(after) = segments.get(index + 1) {
        return Err(Error::new(after.location(), Problem::AfterInterchange));
    }
    Ok(groups)
}

/// ISA elements whose values the envelope relies on.
fn check_isa(isa: &Segment<'_>) -> Result<()> {
    if isa.element(12) != "00501" {
        return Err(isa.invalid(
            12,
            isa.element(12),
            "00501 (this reader knows X12 version 5010)",
        ));
    }
    let control = isa.element(13);
    if control.len() != 9 || !control.bytes().all(|b| b.is_ascii_digit()) {
        return Err(isa.invalid(13, control, "a nine-digit control number"));
    }
    Ok(())
}

fn check_count(trailer: &Segment<'_>, n: usize, what: &'static str, actual: usize) -> Result<()> {
    let stated = trailer.element(n);
    if stated.parse::<usize>().ok() != Some(actual) {
        return Err(trailer.error(
            n,
            Problem::CountMismatch {
                what,
                stated: stated.to_owned(),
                actual,
            },
        ));
    }
    Ok(())
}

fn check_control(trailer: &Segment<'_>, n: usize, expected: &str) -> Result<()> {
    let stated = trailer.element(n);
    // Control numbers are numeric; leading zeros may differ between GS06 and GE02.
    let same = stated == expected
        || (stated.trim_start_matches('0') == expected.trim_start_matches('0')
            && !stated.is_empty()
            && stated.bytes().all(|b| b.is_ascii_digit()));
    if !same {
        return Err(trailer.error(
            n,
            Problem::ControlMismatch {
                stated: stated.to_owned(),
                expected: expected.to_owned(),
            },
        ));
    }
    Ok(())
}
