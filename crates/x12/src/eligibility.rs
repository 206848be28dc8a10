//! Eligibility: the 270 inquiry (written) and the 271 response (read), ASC X12 005010X279A1.
//! A DME supplier asks with service type 12 (durable medical equipment).

use crate::error::{Problem, Result};
use crate::interchange::Interchange;
use crate::parties::{
    Demographics, NamedId, PersonName, read_demographics, read_named_id, read_person,
    write_demographics, write_name, write_person,
};
use crate::reader::{DateRange, Segment};
use crate::writer::{Envelope, Writer};
use durable_domain::money::Money;

/// The implementation guide of the 270 and 271.
pub const GUIDE: &str = "005010X279A1";

/// Service type code 12: durable medical equipment purchase.
pub const DURABLE_MEDICAL_EQUIPMENT: &str = "12";

/// A 270: one payer, one provider asking, one or more subscribers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityInquiry {
    /// BHT03.
    pub reference: String,
    /// Loop 2100A: the payer (NM1*PR, ID qualifier PI).
    pub payer: NamedId<'static>,
    /// Loop 2100B: the provider asking (NM1*1P, NPI).
    pub provider: NamedId<'static>,
    pub subscribers: Vec<EligibilityRequest>,
}

/// Loop 2000C/2100C/2110C: one subscriber's question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityRequest {
    /// TRN02: echoed in the 271 so the answer finds its coverage.
    pub trace: String,
    /// TRN03: `1` followed by the supplier's EIN (ten characters).
    pub trace_originator: String,
    pub name: PersonName<'static>,
    pub member_id: String,
    pub demographics: Option<Demographics>,
    /// DTP*291: the date (or span) the question is about.
    pub date: DateRange,
    /// EQ01: service types, `12` for DME.
    pub service_types: Vec<String>,
}

/// Writes a 270 interchange.
pub fn write_inquiry(envelope: &Envelope, inquiry: &EligibilityInquiry) -> Result<String> {
    let mut w = Writer::new(envelope, "HS", GUIDE)?;
    w.begin_transaction("270", "0001", GUIDE);
    w.bht("0022", "13", &inquiry.reference, None);
    for (index, request) in inquiry.subscribers.iter().enumerate() {
        w.set_context(Some(format!("eligibility inquiry {}", request.trace)));
        if request.service_types.is_empty() {
            w.fail(
                "EQ",
                Some(1),
                Problem::Rule("an inquiry names at least one service type (12 for DME)".into()),
            );
        }
        // Each subscriber under its own payer and provider levels: some receivers (and
        // linuxforhealth-x12) refuse a second subscriber under one provider level.
        let source = index * 3 + 1;
        write_information_source(&mut w, source, &inquiry.payer, &inquiry.provider, "1P");
        w.segment("HL")
            .number(source + 2)
            .number(source + 1)
            .el("22")
            .el("0");
        w.segment("TRN")
            .el("1")
            .max(&request.trace, 50)
            .max(&request.trace_originator, 10);
        write_person(&mut w, "IL", &request.name, "MI", &request.member_id);
        if let Some(demographics) = &request.demographics {
            write_demographics(&mut w, demographics);
        }
        w.segment("DTP").el("291").date_range(request.date);
        for service_type in &request.service_types {
            w.segment("EQ").max(service_type, 2);
        }
        w.check()?;
    }
    w.set_context(None);
    w.end_transaction();
    w.finish()
}

/// HL 20 (the payer, loop 2000A/2100A) and HL 21 (the receiver of the answer, 2000B/2100B).
pub(crate) fn write_information_source(
    w: &mut Writer,
    number: usize,
    payer: &NamedId,
    receiver: &NamedId,
    receiver_entity: &str,
) {
    w.segment("HL").number(number).el("").el("20").el("1");
    write_name(w, "PR", &payer.name, "PI", &payer.id);
    w.segment("HL")
        .number(number + 1)
        .number(number)
        .el("21")
        .el("1");
    let qualifier = if receiver_entity == "41" { "46" } else { "XX" };
    write_name(w, receiver_entity, &receiver.name, qualifier, &receiver.id);
}

/// A 271 answer for one subscriber (loop 2000C and its 2110C benefits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityResponse<'a> {
    /// The payer answering (2100A).
    pub payer: NamedId<'a>,
    /// TRN02 of the inquiry this answers (trace type 2, the echo).
    pub traces: Vec<&'a str>,
    pub subscriber: PersonName<'a>,
    pub member_id: &'a str,
    pub demographics: Option<Demographics>,
    /// AAA: why the payer could not answer (72 invalid member ID, 73 invalid name, 75 not found …).
    pub rejections: Vec<Rejection<'a>>,
    /// DTP in 2100C: plan (291), plan begin (346), plan end (347), eligibility (307) …
    pub dates: Vec<(&'a str, DateRange)>,
    pub benefits: Vec<Benefit<'a>>,
}

/// AAA: a request the payer could not process, with its reason and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection<'a> {
    pub reason: &'a str,
    pub follow_up: &'a str,
}

/// EB: one benefit statement (active coverage, a deductible, a coinsurance …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Benefit<'a> {
    /// EB01: 1 active, 6 inactive, C deductible, A coinsurance, B co-payment, G out-of-pocket …
    pub information: &'a str,
    /// EB02: IND individual, FAM family …
    pub coverage_level: &'a str,
    /// EB03 (repeating): service types this applies to.
    pub service_types: Vec<&'a str>,
    /// EB04: MB Medicare Part B, MA Part A …
    pub insurance_type: &'a str,
    pub plan: &'a str,
    /// EB06: 29 remaining, 23 calendar year …
    pub period: &'a str,
    pub amount: Option<Money>,
    /// EB08: a percentage in basis points (0.2 is 2,000).
    pub percent_bp: Option<u32>,
    /// EB12: Y in network, N out, W not applicable.
    pub in_network: &'a str,
    pub dates: Vec<(&'a str, DateRange)>,
    pub messages: Vec<&'a str>,
}

/// Reads every subscriber answer of every 271 in an interchange.
pub fn read_responses<'a>(interchange: &Interchange<'a>) -> Result<Vec<EligibilityResponse<'a>>> {
    let mut responses = Vec::new();
    for transaction in interchange.transactions() {
        transaction.expect("271", GUIDE)?;
        let mut c = transaction.body();
        c.expect(
            "BHT",
            Some("0022"),
            "BHT (beginning of hierarchical transaction)",
        )?;
        let mut payer = None;
        let mut traces = Vec::new();
        while let Some(segment) = c.advance() {
            match (segment.id(), segment.element(1)) {
                ("HL", _) => traces.clear(),
                ("TRN", _) => traces.push(segment.element(2)),
                ("NM1", "PR") if payer.is_none() => payer = Some(read_named_id(&segment)?),
                ("NM1", "IL") => {
                    let payer = payer.clone().ok_or_else(|| {
                        segment.error(
                            1,
                            Problem::Rule("a subscriber comes after the payer (loop 2100A)".into()),
                        )
                    })?;
                    let traces = std::mem::take(&mut traces);
                    responses.push(read_subscriber(&mut c, &segment, payer, traces)?);
                }
                _ => {}
            }
        }
    }
    Ok(responses)
}

fn read_subscriber<'a>(
    c: &mut crate::interchange::Cursor<'_, 'a>,
    nm1: &Segment<'a>,
    payer: NamedId<'a>,
    traces: Vec<&'a str>,
) -> Result<EligibilityResponse<'a>> {
    let mut response = EligibilityResponse {
        payer,
        traces,
        subscriber: read_person(nm1)?,
        member_id: nm1.element(9),
        demographics: None,
        rejections: Vec::new(),
        dates: Vec::new(),
        benefits: Vec::new(),
    };
    // The subscriber's answer runs to the next HL (or the end).
    while let Some(segment) = c.peek() {
        match segment.id() {
            "HL" => break,
            "DMG" => response.demographics = read_demographics(c)?,
            _ => {
                c.advance();
                match segment.id() {
                    "AAA" => response.rejections.push(Rejection {
                        reason: segment.element(3),
                        follow_up: segment.element(4),
                    }),
                    "DTP" => {
                        let date = (segment.element(1), segment.date_range(3)?);
                        match response.benefits.last_mut() {
                            Some(benefit) => benefit.dates.push(date),
                            None => response.dates.push(date),
                        }
                    }
                    "EB" => response.benefits.push(read_benefit(&segment)?),
                    "MSG" => {
                        if let Some(benefit) = response.benefits.last_mut() {
                            benefit.messages.push(segment.element(1));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(response)
}

fn read_benefit<'a>(eb: &Segment<'a>) -> Result<Benefit<'a>> {
    let percent_bp = match eb.optional(8) {
        None => None,
        Some(value) => Some(
            parse_percent(value).ok_or_else(|| eb.invalid(8, value, "a fraction such as 0.2"))?,
        ),
    };
    Ok(Benefit {
        information: eb.required(1)?,
        coverage_level: eb.element(2),
        service_types: eb.repetitions(3).collect(),
        insurance_type: eb.element(4),
        plan: eb.element(5),
        period: eb.element(6),
        amount: eb.money_opt(7)?,
        percent_bp,
        in_network: eb.element(12),
        dates: Vec::new(),
        messages: Vec::new(),
    })
}

/// `0.2` → 2,000 basis points; at most four decimals, at most 1.
fn parse_percent(value: &str) -> Option<u32> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 4
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        || (whole.is_empty() && fraction.is_empty())
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: u32 = format!("{fraction:0<4}").parse().ok()?;
    let bp = whole.checked_mul(10_000)?.checked_add(fraction)?;
    (bp <= 10_000).then_some(bp)
}
