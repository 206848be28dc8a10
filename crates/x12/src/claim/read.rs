//! Reads an 837P back into typed claims: the round trip of the writer, and the check of a claim
//! file before it is sent or when a partner returns one. Refuses what the guide forbids and the
//! writer never produces (a missing payer loop, an impossible date, a CLM02 that is not the sum
//! of the lines).

use std::borrow::Cow;

use super::{
    Adjustment, Attachment, BillingProvider, Certification, Claim, ClaimBatch, Coverage, Frequency,
    GUIDE, LineAdjudication, OtherPayer, Patient, Payer, Receiver, Responsibility, ServiceLine,
    Submitter, Subscriber,
};
use crate::error::{Problem, Result};
use crate::interchange::{Cursor, Interchange};
use crate::parties::{Address, read_address, read_demographics, read_name, read_person};
use crate::reader::Segment;

/// Reads every 837P transaction set of an interchange.
pub fn read_claims<'a>(interchange: &Interchange<'a>) -> Result<Vec<ClaimBatch<'a>>> {
    interchange
        .transactions()
        .map(|transaction| {
            transaction.expect("837", GUIDE)?;
            read_batch(&mut transaction.body())
        })
        .collect()
}

fn read_batch<'a>(c: &mut Cursor<'_, 'a>) -> Result<ClaimBatch<'a>> {
    let bht = c.expect(
        "BHT",
        Some("0019"),
        "BHT (beginning of hierarchical transaction)",
    )?;
    let reference = bht.required(3)?.into();
    let submitter_name = c.expect("NM1", Some("41"), "the submitter name (loop 1000A, NM1*41)")?;
    let per = c.expect("PER", Some("IC"), "the submitter's EDI contact (PER*IC)")?;
    let submitter = Submitter {
        name: submitter_name.required(3)?.into(),
        id: submitter_name.required(9)?.into(),
        contact_name: per.element(2).into(),
        phone: per.element(4).into(),
    };
    let receiver_name = c.expect("NM1", Some("40"), "the receiver name (loop 1000B, NM1*40)")?;
    let receiver = Receiver {
        name: receiver_name.required(3)?.into(),
        id: receiver_name.required(9)?.into(),
    };
    expect_hl(c, "20", "the billing provider level (loop 2000A, HL*…*20)")?;
    let taxonomy = c.take("PRV", Some("BI")).map(|prv| prv.element(3).into());
    let nm1 = c.expect(
        "NM1",
        Some("85"),
        "the billing provider name (loop 2010AA, NM1*85)",
    )?;
    let address = required_address(c, "the billing provider's address (N3, N4)")?;
    let ref_ei = c.expect("REF", Some("EI"), "the billing provider's tax ID (REF*EI)")?;
    let billing_provider = BillingProvider {
        name: read_name(&nm1)?,
        npi: nm1.required(9)?.into(),
        taxonomy,
        address,
        tax_id: ref_ei.required(2)?.into(),
    };
    let pay_to = match c.take("NM1", Some("87")) {
        Some(_) => Some(required_address(c, "the pay-to address (N3, N4)")?),
        None => None,
    };
    let mut claims = Vec::new();
    while c.at("HL", None) {
        claims.push(read_claim(c)?);
    }
    if c.peek().is_some() {
        return Err(c.unexpected("another subscriber (HL*…*22) or the end of the transaction set"));
    }
    if claims.is_empty() {
        return Err(c.unexpected("a subscriber (loop 2000B, HL*…*22)"));
    }
    Ok(ClaimBatch {
        reference,
        submitter,
        receiver,
        billing_provider,
        pay_to,
        claims,
    })
}

fn expect_hl<'a>(c: &mut Cursor<'_, 'a>, level: &str, what: &'static str) -> Result<Segment<'a>> {
    match c.peek() {
        Some(hl) if hl.id() == "HL" && hl.element(3) == level => Ok(c.advance().unwrap_or(hl)),
        _ => Err(c.unexpected(what)),
    }
}

fn required_address<'a>(c: &mut Cursor<'_, 'a>, what: &'static str) -> Result<Address<'a>> {
    read_address(c)?.ok_or_else(|| c.unexpected(what))
}

fn responsibility<'a>(sbr: &Segment<'a>) -> Result<Responsibility> {
    let code = sbr.element(1);
    Responsibility::from_code(code)
        .ok_or_else(|| sbr.invalid(1, code, "P, S or T (primary, secondary, tertiary)"))
}

fn read_payer<'a>(c: &mut Cursor<'_, 'a>, what: &'static str) -> Result<Payer<'a>> {
    let nm1 = c.expect("NM1", Some("PR"), what)?;
    Ok(Payer {
        name: nm1.required(3)?.into(),
        id: nm1.required(9)?.into(),
        address: read_address(c)?,
    })
}

fn read_claim<'a>(c: &mut Cursor<'_, 'a>) -> Result<Claim<'a>> {
    let hl = expect_hl(c, "22", "a subscriber (loop 2000B, HL*…*22)")?;
    let sbr = c.expect("SBR", None, "the subscriber's coverage (SBR)")?;
    let nm1 = c.expect(
        "NM1",
        Some("IL"),
        "the subscriber name (loop 2010BA, NM1*IL)",
    )?;
    let address = required_address(c, "the subscriber's address (N3, N4)")?;
    let demographics =
        read_demographics(c)?.ok_or_else(|| c.unexpected("the subscriber's birth date (DMG)"))?;
    let subscriber = Subscriber {
        name: read_person(&nm1)?,
        member_id: nm1.required(9)?.into(),
        address,
        demographics,
    };
    let payer = read_payer(c, "the payer name (loop 2010BB, NM1*PR)")?;
    let coverage = Coverage {
        responsibility: responsibility(&sbr)?,
        filing_indicator: sbr.required(9)?.into(),
        insurance_type: sbr.optional(5).map(Cow::Borrowed),
        group_number: sbr.optional(3).map(Cow::Borrowed),
        group_name: sbr.optional(4).map(Cow::Borrowed),
        payer,
    };
    let patient = if hl.element(4) == "1" {
        expect_hl(c, "23", "the patient level (loop 2000C, HL*…*23)")?;
        let pat = c.expect("PAT", None, "the patient's relationship (PAT)")?;
        let nm1 = c.expect("NM1", Some("QC"), "the patient name (loop 2010CA, NM1*QC)")?;
        Some(Patient {
            relationship: pat.required(1)?.into(),
            name: read_person(&nm1)?,
            address: required_address(c, "the patient's address (N3, N4)")?,
            demographics: read_demographics(c)?
                .ok_or_else(|| c.unexpected("the patient's birth date (DMG)"))?,
        })
    } else {
        None
    };
    let clm = c.expect("CLM", None, "the claim information (loop 2300, CLM)")?;
    let mut claim = read_claim_information(c, &clm, subscriber, patient, coverage)?;
    while c.at("SBR", None) {
        claim.other_payers.push(read_other_payer(c)?);
    }
    while c.at("LX", None) {
        claim.lines.push(read_line(c)?);
    }
    if claim.lines.is_empty() {
        return Err(c.unexpected("a service line (loop 2400, LX)"));
    }
    let stated = clm.money(2)?;
    if claim.total_charge() != Some(stated) {
        return Err(clm.error(
            2,
            Problem::Rule(format!(
                "the claim total {stated} is not the sum of its line charges {}",
                claim
                    .total_charge()
                    .map_or_else(|| "(too large)".into(), |t| t.to_string())
            )),
        ));
    }
    Ok(claim)
}

fn read_claim_information<'a>(
    c: &mut Cursor<'_, 'a>,
    clm: &Segment<'a>,
    subscriber: Subscriber<'a>,
    patient: Option<Patient<'a>>,
    coverage: Coverage<'a>,
) -> Result<Claim<'a>> {
    let mut attachments = Vec::new();
    while let Some(pwk) = c.take("PWK", None) {
        attachments.push(Attachment {
            report_type: pwk.required(1)?.into(),
            transmission: pwk.required(2)?.into(),
            control_number: pwk.element(6).into(),
        });
    }
    let prior_authorization = c.take("REF", Some("G1")).map(|r| r.element(2).into());
    let payer_claim_number = c.take("REF", Some("F8")).map(|r| r.element(2).into());
    let note = c.take("NTE", Some("ADD")).map(|n| n.element(2).into());
    let hi = c.expect("HI", None, "the diagnoses (HI)")?;
    let mut diagnoses = Vec::new();
    for (index, element) in hi.elements().enumerate() {
        let n = index + 1;
        let (qualifier, code) = (hi.component(n, 1), hi.component(n, 2));
        let expected = if index == 0 { "ABK" } else { "ABF" };
        if qualifier != expected || code.is_empty() {
            return Err(hi.invalid(
                n,
                element,
                "an ICD-10-CM code qualified ABK (principal) or ABF",
            ));
        }
        diagnoses.push(code.into());
    }
    if diagnoses.is_empty() {
        return Err(hi.error(1, Problem::Missing));
    }
    let frequency = match (clm.component(5, 3), payer_claim_number) {
        ("1", _) => Frequency::Original,
        ("7", Some(payer_claim_number)) => Frequency::Replacement { payer_claim_number },
        ("8", Some(payer_claim_number)) => Frequency::Void { payer_claim_number },
        ("7" | "8", None) => {
            return Err(clm.error(
                5,
                Problem::Rule(
                    "a replacement or void needs REF*F8, the payer's claim control number".into(),
                ),
            ));
        }
        (other, _) => {
            return Err(clm.invalid(
                5,
                other,
                "frequency 1 (original), 7 (replacement) or 8 (void)",
            ));
        }
    };
    Ok(Claim {
        patient_control_number: clm.required(1)?.into(),
        subscriber,
        patient,
        coverage,
        place_of_service: clm.component(5, 1).into(),
        frequency,
        accepts_assignment: clm.element(7) == "A",
        diagnoses,
        prior_authorization,
        note,
        attachments,
        other_payers: Vec::new(),
        lines: Vec::new(),
    })
}

fn read_other_payer<'a>(c: &mut Cursor<'_, 'a>) -> Result<OtherPayer<'a>> {
    let sbr = c.expect("SBR", None, "the other payer's coverage (loop 2320, SBR)")?;
    while c.take("CAS", None).is_some() {}
    c.take("AMT", Some("D"));
    c.expect("OI", None, "the other insurance coverage (OI)")?;
    let nm1 = c.expect(
        "NM1",
        Some("IL"),
        "the other subscriber's name (loop 2330A, NM1*IL)",
    )?;
    read_address(c)?;
    let payer = read_payer(c, "the other payer's name (loop 2330B, NM1*PR)")?;
    Ok(OtherPayer {
        responsibility: responsibility(&sbr)?,
        filing_indicator: sbr.required(9)?.into(),
        group_number: sbr.optional(3).map(Cow::Borrowed),
        relationship: sbr.element(2).into(),
        subscriber: read_person(&nm1)?,
        member_id: nm1.required(9)?.into(),
        payer,
    })
}

fn read_line<'a>(c: &mut Cursor<'_, 'a>) -> Result<ServiceLine<'a>> {
    c.expect("LX", None, "a service line (LX)")?;
    let sv1 = c.expect("SV1", None, "the professional service (SV1)")?;
    if sv1.component(1, 1) != "HC" {
        return Err(sv1.invalid(1, sv1.element(1), "a HCPCS code qualified HC"));
    }
    let certification = match c.take("CR3", None) {
        Some(cr3) => Some(Certification {
            kind: cr3.required(1)?.into(),
            months: cr3.number(3)?,
        }),
        None => None,
    };
    let dtp = c.expect("DTP", Some("472"), "the date of service (DTP*472)")?;
    let line_control = c.take("REF", Some("6R")).map(|r| r.element(2).into());
    let narrative = c.take("NTE", Some("ADD")).map(|n| n.element(2).into());
    let ordering_provider = match c.take("NM1", Some("DK")) {
        Some(nm1) => Some(super::OrderingProvider {
            name: read_person(&nm1)?,
            npi: nm1.required(9)?.into(),
        }),
        None => None,
    };
    let mut adjudications = Vec::new();
    while let Some(svd) = c.take("SVD", None) {
        adjudications.push(read_line_adjudication(c, &svd)?);
    }
    let mut diagnosis_pointers = Vec::new();
    for pointer in sv1.components(7) {
        diagnosis_pointers.push(
            pointer
                .parse()
                .map_err(|_| sv1.invalid(7, pointer, "diagnosis pointers 1 to 12"))?,
        );
    }
    Ok(ServiceLine {
        procedure: sv1.component(1, 2).into(),
        modifiers: sv1
            .components(1)
            .skip(2)
            .take(4)
            .filter(|m| !m.is_empty())
            .map(Cow::Borrowed)
            .collect(),
        description: Some(sv1.component(1, 7))
            .filter(|d| !d.is_empty())
            .map(Cow::Borrowed),
        charge: sv1.money(2)?,
        units: sv1.number(4)?,
        service: dtp.date_range(3)?,
        diagnosis_pointers,
        certification,
        line_control,
        narrative,
        ordering_provider,
        adjudications,
    })
}

fn read_line_adjudication<'a>(
    c: &mut Cursor<'_, 'a>,
    svd: &Segment<'a>,
) -> Result<LineAdjudication<'a>> {
    let mut adjustments = Vec::new();
    while let Some(cas) = c.take("CAS", None) {
        adjustments.extend(read_adjustments(&cas)?);
    }
    let dtp = c.expect(
        "DTP",
        Some("573"),
        "the date the prior payer adjudicated the line (DTP*573)",
    )?;
    Ok(LineAdjudication {
        payer_id: svd.required(1)?.into(),
        paid: svd.money(2)?,
        units: svd.number(5)?,
        adjustments,
        date: dtp.date(3)?,
    })
}

/// The adjustments of one CAS segment (up to six reason/amount/quantity triplets of one group).
pub(crate) fn read_adjustments<'a>(cas: &Segment<'a>) -> Result<Vec<Adjustment<'a>>> {
    let group = cas.required(1)?;
    let mut adjustments = Vec::new();
    for triplet in 0..6 {
        let reason_element = 2 + triplet * 3;
        let Some(reason) = cas.optional(reason_element) else {
            break;
        };
        adjustments.push(Adjustment {
            group: group.into(),
            reason: reason.into(),
            amount: cas.money(reason_element + 1)?,
        });
    }
    Ok(adjustments)
}
