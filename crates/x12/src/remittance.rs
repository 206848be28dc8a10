//! The remittance advice 835 (ASC X12 005010X221A1): the payment, and per claim and line what
//! was paid and why the rest was adjusted (CAS group and reason codes, LQ remark codes).
//! Posting is the application's; this reads.

use durable_domain::money::Money;

use crate::claim::{Adjustment, read_adjustments};
use crate::error::{Problem, Result};
use crate::interchange::{Cursor, Interchange};
use crate::reader::{DateRange, Segment};

/// The guide.
pub const GUIDE: &str = "005010X221A1";

/// One 835: a payment (or a notice of no payment) and the claims it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remittance<'a> {
    /// BPR01: I remittance with payment, H notification only …
    pub handling: &'a str,
    /// BPR02: the total paid.
    pub total_paid: Money,
    /// BPR04: ACH, CHK, NON …
    pub method: &'a str,
    /// BPR16: the payment's effective date.
    pub payment_date: time::Date,
    /// TRN02: the check or EFT trace number.
    pub trace: &'a str,
    /// N1*PR.
    pub payer_name: &'a str,
    /// PER*BL: the payer's technical contact, which the guide requires.
    pub payer_contact: &'a str,
    /// N1*PE: the payee and its NPI or tax ID.
    pub payee_name: &'a str,
    pub payee_id: &'a str,
    pub claims: Vec<ClaimPayment<'a>>,
    /// PLB: provider-level adjustments (reason code and amount).
    pub provider_adjustments: Vec<(&'a str, Money)>,
}

/// CLP: one claim's adjudication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimPayment<'a> {
    /// CLP01: the supplier's CLM01.
    pub patient_control_number: &'a str,
    /// CLP02: 1 processed as primary, 2 secondary, 4 denied, 19–22 forwarded or reversed …
    pub status: &'a str,
    pub charge: Money,
    pub paid: Money,
    pub patient_responsibility: Option<Money>,
    /// CLP07: the payer's claim control number (for a replacement or void later).
    pub payer_claim_number: &'a str,
    pub adjustments: Vec<Adjustment<'a>>,
    /// NM1*QC.
    pub patient_name: &'a str,
    pub patient_id: &'a str,
    pub lines: Vec<LinePayment<'a>>,
    /// The CLP's segment position.
    pub position: usize,
}

/// SVC: one line's adjudication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinePayment<'a> {
    /// SVC01-2.
    pub procedure: &'a str,
    /// SVC01-3 to -6.
    pub modifiers: Vec<&'a str>,
    pub charge: Money,
    pub paid: Money,
    pub units: &'a str,
    pub service: Option<DateRange>,
    pub adjustments: Vec<Adjustment<'a>>,
    /// REF*6R: the supplier's line ID, as sent in the 837.
    pub line_control: Option<&'a str>,
    /// AMT*B6: the allowed amount.
    pub allowed: Option<Money>,
    /// LQ*HE: remittance advice remark codes (N115, MA130 …).
    pub remarks: Vec<&'a str>,
}

/// Reads every 835 of an interchange.
pub fn read_remittances<'a>(interchange: &Interchange<'a>) -> Result<Vec<Remittance<'a>>> {
    interchange
        .transactions()
        .map(|transaction| {
            transaction.expect("835", GUIDE)?;
            read_remittance(&mut transaction.body())
        })
        .collect()
}

fn read_remittance<'a>(c: &mut Cursor<'_, 'a>) -> Result<Remittance<'a>> {
    let bpr = c.expect("BPR", None, "BPR (financial information)")?;
    let trn = c.expect("TRN", Some("1"), "TRN (the check or EFT trace)")?;
    while c.take("CUR", None).is_some()
        || c.take("REF", None).is_some()
        || c.take("DTM", None).is_some()
    {}
    let payer = c.expect("N1", Some("PR"), "the payer (loop 1000A, N1*PR)")?;
    skip_party_details(c);
    let mut payer_contact = None;
    while let Some(per) = c.take("PER", None) {
        if per.element(1) == "BL" {
            payer_contact = Some(per.element(2));
        }
    }
    let payer_contact = payer_contact.ok_or_else(|| {
        c.unexpected("the payer's technical contact (PER*BL), which the guide requires")
    })?;
    let payee = c.expect("N1", Some("PE"), "the payee (loop 1000B, N1*PE)")?;
    skip_party_details(c);
    let mut remittance = Remittance {
        handling: bpr.required(1)?,
        total_paid: bpr.money(2)?,
        method: bpr.element(4),
        payment_date: bpr.date(16)?,
        trace: trn.required(2)?,
        payer_name: payer.required(2)?,
        payer_contact,
        payee_name: payee.required(2)?,
        payee_id: payee.element(4),
        claims: Vec::new(),
        provider_adjustments: Vec::new(),
    };
    while let Some(segment) = c.advance() {
        match segment.id() {
            "CLP" => remittance.claims.push(read_claim(c, &segment)?),
            "PLB" => read_provider_adjustments(&segment, &mut remittance.provider_adjustments)?,
            "LX" | "TS3" | "TS2" => {}
            _ => {
                return Err(segment.error(
                    1,
                    Problem::Unexpected {
                        expected: "LX, CLP or PLB",
                    },
                ));
            }
        }
    }
    let paid = remittance
        .claims
        .iter()
        .map(|c| c.paid)
        .chain(
            remittance
                .provider_adjustments
                .iter()
                .map(|(_, a)| Money::from_cents(-a.cents())),
        )
        .try_fold(Money::ZERO, Money::checked_add);
    if paid != Some(remittance.total_paid) {
        return Err(bpr.error(
            2,
            Problem::Rule(format!(
                "the payment {} is not the claims' payments less the provider adjustments",
                remittance.total_paid
            )),
        ));
    }
    Ok(remittance)
}

/// N3, N4, REF and RDM of loops 1000A/B.
fn skip_party_details(c: &mut Cursor<'_, '_>) {
    while ["N3", "N4", "REF", "RDM"].iter().any(|id| c.at(id, None)) {
        c.advance();
    }
}

fn read_claim<'a>(c: &mut Cursor<'_, 'a>, clp: &Segment<'a>) -> Result<ClaimPayment<'a>> {
    let mut claim = ClaimPayment {
        patient_control_number: clp.required(1)?,
        status: clp.required(2)?,
        charge: clp.money(3)?,
        paid: clp.money(4)?,
        patient_responsibility: clp.money_opt(5)?,
        payer_claim_number: clp.element(7),
        adjustments: Vec::new(),
        patient_name: "",
        patient_id: "",
        lines: Vec::new(),
        position: clp.position(),
    };
    while let Some(segment) = c.peek() {
        if matches!(segment.id(), "CLP" | "LX" | "PLB") {
            break;
        }
        c.advance();
        match (segment.id(), segment.element(1)) {
            ("CAS", _) => {
                let adjustments = read_adjustments(&segment)?;
                match claim.lines.last_mut() {
                    Some(line) => line.adjustments.extend(adjustments),
                    None => claim.adjustments.extend(adjustments),
                }
            }
            ("NM1", "QC") => {
                claim.patient_name = segment.element(3);
                claim.patient_id = segment.element(9);
            }
            ("SVC", _) => claim.lines.push(read_line(&segment)?),
            ("DTM", "472" | "150") => {
                if let Some(line) = claim.lines.last_mut() {
                    let date = DateRange::day(segment.date(2)?);
                    line.service = Some(match (segment.element(1), line.service) {
                        ("150", _) | (_, None) => date,
                        (_, Some(range)) => DateRange {
                            to: date.to,
                            ..range
                        },
                    });
                }
            }
            ("DTM", "151") => {
                if let Some(line) = claim.lines.last_mut() {
                    let to = segment.date(2)?;
                    line.service = line
                        .service
                        .map(|r| DateRange { to, ..r })
                        .or(Some(DateRange::day(to)));
                }
            }
            ("REF", "6R") => {
                if let Some(line) = claim.lines.last_mut() {
                    line.line_control = segment.optional(2);
                }
            }
            ("AMT", "B6") => {
                if let Some(line) = claim.lines.last_mut() {
                    line.allowed = segment.money_opt(2)?;
                }
            }
            ("LQ", "HE") => {
                if let Some(line) = claim.lines.last_mut() {
                    line.remarks.push(segment.element(2));
                }
            }
            _ => {}
        }
    }
    Ok(claim)
}

fn read_line<'a>(svc: &Segment<'a>) -> Result<LinePayment<'a>> {
    Ok(LinePayment {
        procedure: svc.component(1, 2),
        modifiers: svc
            .components(1)
            .skip(2)
            .take(4)
            .filter(|m| !m.is_empty())
            .collect(),
        charge: svc.money(2)?,
        paid: svc.money(3)?,
        units: svc.element(5),
        service: None,
        adjustments: Vec::new(),
        line_control: None,
        allowed: None,
        remarks: Vec::new(),
    })
}

/// PLB: after the provider ID and fiscal period, pairs of adjustment reason and amount.
fn read_provider_adjustments<'a>(plb: &Segment<'a>, out: &mut Vec<(&'a str, Money)>) -> Result<()> {
    for pair in 0..6 {
        let reason_element = 3 + pair * 2;
        let Some(reason) = plb.optional(reason_element) else {
            break;
        };
        out.push((reason, plb.money(reason_element + 1)?));
    }
    Ok(())
}
