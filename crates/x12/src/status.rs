//! Claim status: the 276 inquiry (written) and the 277 response (read), ASC X12 005010X212,
//! and the claim acknowledgement 277CA (read), 005010X214. Both 277s report per claim a trace
//! (TRN*2), STC status codes and the payer's claim number, so one reader serves them.

use durable_domain::money::Money;

use crate::eligibility::write_information_source;
use crate::error::{Problem, Result};
use crate::interchange::Interchange;
use crate::parties::{
    Demographics, NamedId, PersonName, write_demographics, write_name, write_person,
};
use crate::reader::{DateRange, Segment};
use crate::writer::{Envelope, Writer};

/// The guide of the 276 and 277.
pub const GUIDE: &str = "005010X212";
/// The guide of the 277CA claim acknowledgement.
pub const ACKNOWLEDGEMENT_GUIDE: &str = "005010X214";

/// A 276: one payer, one submitter, one provider, one or more claims asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusInquiry {
    pub reference: String,
    /// Loop 2100A (NM1*PR, payer ID).
    pub payer: NamedId<'static>,
    /// Loop 2100B (NM1*41, the submitter's ETIN).
    pub submitter: NamedId<'static>,
    /// Loop 2100C (NM1*1P, NPI).
    pub provider: NamedId<'static>,
    pub claims: Vec<StatusRequest>,
}

/// Loops 2000D/2100D/2200D: one claim asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRequest {
    /// TRN02, echoed in the 277.
    pub trace: String,
    pub subscriber: PersonName<'static>,
    pub member_id: String,
    pub demographics: Option<Demographics>,
    /// REF*1K, when the payer's claim number is known.
    pub payer_claim_number: Option<String>,
    /// REF*EJ: the supplier's claim ID (CLM01).
    pub patient_control_number: String,
    /// AMT*T3: the claim's total charge.
    pub total_charge: Money,
    /// DTP*472: the claim's service dates.
    pub service: DateRange,
}

/// Writes a 276 interchange.
pub fn write_inquiry(envelope: &Envelope, inquiry: &StatusInquiry) -> Result<String> {
    let mut w = Writer::new(envelope, "HR", GUIDE)?;
    w.begin_transaction("276", "0001", GUIDE);
    w.bht("0010", "13", &inquiry.reference, None);
    write_information_source(&mut w, 1, &inquiry.payer, &inquiry.submitter, "41");
    w.segment("HL").el("3").el("2").el("19").el("1");
    write_name(
        &mut w,
        "1P",
        &inquiry.provider.name,
        "XX",
        &inquiry.provider.id,
    );
    for (index, claim) in inquiry.claims.iter().enumerate() {
        w.set_context(Some(format!("status inquiry {}", claim.trace)));
        w.segment("HL").number(index + 4).el("3").el("22").el("0");
        if let Some(demographics) = &claim.demographics {
            write_demographics(&mut w, demographics);
        }
        write_person(&mut w, "IL", &claim.subscriber, "MI", &claim.member_id);
        w.segment("TRN").el("1").max(&claim.trace, 50);
        if let Some(number) = &claim.payer_claim_number {
            w.segment("REF").el("1K").max(number, 50);
        }
        w.segment("REF")
            .el("EJ")
            .max(&claim.patient_control_number, 50);
        w.segment("AMT").el("T3").money(claim.total_charge);
        w.segment("DTP").el("472").date_range(claim.service);
        w.check()?;
    }
    w.set_context(None);
    w.end_transaction();
    w.finish()
}

/// Which 277 was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// 005010X212, the answer to a 276.
    ClaimStatus,
    /// 005010X214, the acknowledgement of an 837.
    ClaimAcknowledgement,
}

/// STC: a status. The category (`A1` received, `A2` accepted, `A3` returned as unprocessable,
/// `F1` finalized/paid, `P1` pending …), the status code (code source 508) and the entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status<'a> {
    pub category: &'a str,
    pub code: &'a str,
    pub entity: &'a str,
    pub date: Option<time::Date>,
    /// STC04: the charge the status applies to.
    pub amount: Option<Money>,
    /// STC05: paid, in a 277.
    pub paid: Option<Money>,
    /// The segment position, so a person can find the status in the file.
    pub position: usize,
}

/// A line's status (loop 2220).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineStatus<'a> {
    /// SVC01: `HC:E0601:RR`.
    pub procedure: &'a str,
    pub charge: Option<Money>,
    pub statuses: Vec<Status<'a>>,
    /// REF*FJ: the supplier's line ID.
    pub line_control: Option<&'a str>,
}

/// The statuses of one claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimStatus<'a> {
    /// TRN02: the 276's trace in a 277; the claim's CLM01 in a 277CA.
    pub trace: &'a str,
    pub statuses: Vec<Status<'a>>,
    /// REF*1K: the payer's claim control number.
    pub payer_claim_number: Option<&'a str>,
    /// REF*EJ: the supplier's claim ID (in a 277).
    pub patient_control_number: Option<&'a str>,
    /// REF*D9: the clearinghouse's trace (in a 277CA).
    pub clearinghouse_trace: Option<&'a str>,
    pub service: Option<DateRange>,
    pub lines: Vec<LineStatus<'a>>,
}

/// A 277 or 277CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusResponse<'a> {
    pub kind: ResponseKind,
    /// Statuses above claim level (the whole file or a provider's batch, in a 277CA).
    pub batch_statuses: Vec<Status<'a>>,
    pub claims: Vec<ClaimStatus<'a>>,
}

/// Reads every 277 and 277CA transaction set of an interchange.
pub fn read_responses<'a>(interchange: &Interchange<'a>) -> Result<Vec<StatusResponse<'a>>> {
    interchange
        .transactions()
        .map(|transaction| {
            let (kind, guide) = if transaction.guide() == GUIDE {
                (ResponseKind::ClaimStatus, GUIDE)
            } else {
                (ResponseKind::ClaimAcknowledgement, ACKNOWLEDGEMENT_GUIDE)
            };
            transaction.expect("277", guide)?;
            let mut response = StatusResponse {
                kind,
                batch_statuses: Vec::new(),
                claims: Vec::new(),
            };
            let mut c = transaction.body();
            c.expect("BHT", None, "BHT (beginning of hierarchical transaction)")?;
            let mut place = Place::default();
            while let Some(segment) = c.advance() {
                read_segment(&mut response, &segment, &mut place)?;
            }
            Ok(response)
        })
        .collect()
}

/// Where the reader is: at claim level (an HL for a subscriber, dependent or patient) or above,
/// and inside a service line or not.
#[derive(Default)]
struct Place {
    claim_level: bool,
    in_line: bool,
}

fn read_segment<'a>(
    response: &mut StatusResponse<'a>,
    segment: &Segment<'a>,
    place: &mut Place,
) -> Result<()> {
    let in_line = &mut place.in_line;
    match (segment.id(), segment.element(1)) {
        ("HL", _) => {
            *in_line = false;
            place.claim_level = matches!(segment.element(3), "22" | "23" | "PT");
        }
        ("TRN", "2") if place.claim_level => {
            response.claims.push(ClaimStatus {
                trace: segment.required(2)?,
                statuses: Vec::new(),
                payer_claim_number: None,
                patient_control_number: None,
                clearinghouse_trace: None,
                service: None,
                lines: Vec::new(),
            });
        }
        ("STC", _) => {
            let status = read_status(segment)?;
            match (response.claims.last_mut(), place.claim_level, *in_line) {
                (Some(claim), true, true) => {
                    if let Some(line) = claim.lines.last_mut() {
                        line.statuses.push(status);
                    }
                }
                (Some(claim), true, false) => claim.statuses.push(status),
                _ => response.batch_statuses.push(status),
            }
        }
        ("SVC", _) => {
            let claim = response.claims.last_mut().ok_or_else(|| {
                segment.error(
                    1,
                    Problem::Rule("a service line comes after its claim's TRN".into()),
                )
            })?;
            claim.lines.push(LineStatus {
                procedure: segment.required(1)?,
                charge: segment.money_opt(2)?,
                statuses: Vec::new(),
                line_control: None,
            });
            *in_line = true;
        }
        ("REF", qualifier) => {
            if let Some(claim) = response.claims.last_mut() {
                let value = segment.optional(2);
                match (qualifier, *in_line) {
                    ("FJ", true) => {
                        if let Some(line) = claim.lines.last_mut() {
                            line.line_control = value;
                        }
                    }
                    ("1K", false) => claim.payer_claim_number = value,
                    ("EJ", false) => claim.patient_control_number = value,
                    ("D9", false) => claim.clearinghouse_trace = value,
                    _ => {}
                }
            }
        }
        ("DTP", "472") => {
            if let (Some(claim), false) = (response.claims.last_mut(), *in_line) {
                claim.service = Some(segment.date_range(3)?);
            }
        }
        _ => {}
    }
    Ok(())
}

fn read_status<'a>(stc: &Segment<'a>) -> Result<Status<'a>> {
    let category = stc.component(1, 1);
    if category.is_empty() {
        return Err(stc.error(1, Problem::Missing));
    }
    Ok(Status {
        category,
        code: stc.component(1, 2),
        entity: stc.component(1, 3),
        date: stc.optional(2).map(|_| stc.date(2)).transpose()?,
        amount: stc.money_opt(4)?,
        paid: stc.money_opt(5)?,
        position: stc.position(),
    })
}
