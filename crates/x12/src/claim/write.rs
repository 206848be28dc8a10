//! Writes an 837P in the loop order of 005010X222A1: 1000A/B, 2000A/2010AA(/AB), then per claim
//! 2000B/2010BA/2010BB (/2000C/2010CA), 2300, 2320/2330A/2330B and 2400/2420E/2430.

use durable_domain::money::Money;

use super::{
    Adjustment, BillingProvider, Claim, ClaimBatch, Frequency, GUIDE, LineAdjudication, OtherPayer,
    Payer, ServiceLine,
};
use crate::error::{Problem, Result};
use crate::parties::{EntityName, write_address, write_demographics, write_name, write_person};
use crate::writer::{Envelope, Writer};

/// The guide's limits on one claim.
const MAX_LINES: usize = 50;
const MAX_DIAGNOSES: usize = 12;
const MAX_MODIFIERS: usize = 4;
const MAX_POINTERS: usize = 4;
/// A CAS segment holds six adjustments of one group.
const CAS_TRIPLETS: usize = 6;

/// Writes one interchange holding the batch as one 837P transaction set.
pub fn write_claims(envelope: &Envelope, batch: &ClaimBatch<'_>) -> Result<String> {
    let mut w = Writer::new(envelope, "HC", GUIDE)?;
    w.begin_transaction("837", "0001", GUIDE);
    w.bht("0019", "00", &batch.reference, Some("CH"));
    let submitter = &batch.submitter;
    write_name(
        &mut w,
        "41",
        &EntityName::Organization(submitter.name.clone()),
        "46",
        &submitter.id,
    );
    w.segment("PER")
        .el("IC")
        .max(&submitter.contact_name, 60)
        .el("TE")
        .max(&submitter.phone, 256);
    let receiver = &batch.receiver;
    write_name(
        &mut w,
        "40",
        &EntityName::Organization(receiver.name.clone()),
        "46",
        &receiver.id,
    );
    write_billing_provider(&mut w, &batch.billing_provider, batch.pay_to.as_ref());
    let mut hl = 1;
    for claim in &batch.claims {
        w.set_context(Some(format!("claim {}", claim.patient_control_number)));
        hl = write_claim(&mut w, claim, hl);
        w.check()?;
    }
    w.set_context(None);
    w.end_transaction();
    w.finish()
}

fn write_billing_provider(
    w: &mut Writer,
    provider: &BillingProvider<'_>,
    pay_to: Option<&crate::parties::Address>,
) {
    w.segment("HL").el("1").el("").el("20").el("1");
    if let Some(taxonomy) = &provider.taxonomy {
        w.segment("PRV").el("BI").el("PXC").max(taxonomy, 50);
    }
    write_name(w, "85", &provider.name, "XX", &provider.npi);
    write_address(w, &provider.address);
    w.segment("REF").el("EI").max(&provider.tax_id, 50);
    if let Some(address) = pay_to {
        w.segment("NM1").el("87").el("2");
        write_address(w, address);
    }
}

/// Writes loops 2000B through 2430 for one claim; returns the last HL number used.
fn write_claim(w: &mut Writer, claim: &Claim<'_>, last_hl: usize) -> usize {
    check_claim(w, claim);
    let subscriber_hl = last_hl + 1;
    let has_patient = claim.patient.is_some();
    w.segment("HL")
        .number(subscriber_hl)
        .el("1")
        .el("22")
        .el(if has_patient { "1" } else { "0" });
    let coverage = &claim.coverage;
    w.segment("SBR")
        .el(coverage.responsibility.code())
        .el(if has_patient { "" } else { "18" })
        .max(coverage.group_number.as_deref().unwrap_or(""), 50)
        .max(coverage.group_name.as_deref().unwrap_or(""), 60)
        .opt(coverage.insurance_type.as_deref())
        .skip(3)
        .el(&coverage.filing_indicator);
    let subscriber = &claim.subscriber;
    write_person(w, "IL", &subscriber.name, "MI", &subscriber.member_id);
    write_address(w, &subscriber.address);
    write_demographics(w, &subscriber.demographics);
    write_payer(w, &coverage.payer);
    let mut hl = subscriber_hl;
    if let Some(patient) = &claim.patient {
        hl += 1;
        w.segment("HL")
            .number(hl)
            .number(subscriber_hl)
            .el("23")
            .el("0");
        w.segment("PAT").el(&patient.relationship);
        write_person(w, "QC", &patient.name, "", "");
        write_address(w, &patient.address);
        write_demographics(w, &patient.demographics);
    }
    write_claim_information(w, claim);
    for other in &claim.other_payers {
        write_other_payer(w, claim, other);
    }
    for (index, line) in claim.lines.iter().enumerate() {
        write_line(w, index + 1, line);
    }
    hl
}

/// The guide's rules that a typed value alone cannot hold.
fn check_claim(w: &mut Writer, claim: &Claim<'_>) {
    let rule = |w: &mut Writer, segment: &str, element: Option<usize>, message: String| {
        w.fail(segment, element, Problem::Rule(message));
    };
    if claim.lines.is_empty() || claim.lines.len() > MAX_LINES {
        rule(
            w,
            "LX",
            None,
            format!(
                "a claim holds 1 to {MAX_LINES} service lines, not {}",
                claim.lines.len()
            ),
        );
    }
    if claim.diagnoses.is_empty() || claim.diagnoses.len() > MAX_DIAGNOSES {
        rule(
            w,
            "HI",
            None,
            format!(
                "a claim holds 1 to {MAX_DIAGNOSES} diagnoses, not {}",
                claim.diagnoses.len()
            ),
        );
    }
    if claim.total_charge().is_none() {
        rule(
            w,
            "CLM",
            Some(2),
            "the line charges add up to more than an amount can hold".into(),
        );
    }
    if let Frequency::Replacement { payer_claim_number } | Frequency::Void { payer_claim_number } =
        &claim.frequency
        && payer_claim_number.is_empty()
    {
        rule(
            w,
            "REF",
            Some(2),
            "a replacement or void needs the payer's claim control number of the original claim"
                .into(),
        );
    }
    for (index, line) in claim.lines.iter().enumerate() {
        let n = index + 1;
        if line.modifiers.len() > MAX_MODIFIERS {
            rule(
                w,
                "SV1",
                Some(1),
                format!(
                    "line {n} has {} modifiers; a line holds {MAX_MODIFIERS} (put 99 fourth and list the rest in the narrative)",
                    line.modifiers.len()
                ),
            );
        }
        if line.units == 0 {
            rule(w, "SV1", Some(4), format!("line {n} bills 0 units"));
        }
        if line.charge.is_negative() {
            rule(w, "SV1", Some(2), format!("line {n} has a negative charge"));
        }
        let pointers_ok = !line.diagnosis_pointers.is_empty()
            && line.diagnosis_pointers.len() <= MAX_POINTERS
            && line
                .diagnosis_pointers
                .iter()
                .all(|&p| p >= 1 && usize::from(p) <= claim.diagnoses.len());
        if !pointers_ok {
            rule(
                w,
                "SV1",
                Some(7),
                format!(
                    "line {n} must point to 1 to {MAX_POINTERS} of the claim's {} diagnoses",
                    claim.diagnoses.len()
                ),
            );
        }
        for adjudication in &line.adjudications {
            if !claim
                .other_payers
                .iter()
                .any(|o| o.payer.id == adjudication.payer_id)
            {
                rule(
                    w,
                    "SVD",
                    Some(1),
                    format!(
                        "line {n} names prior payer {:?}, which the claim does not list",
                        adjudication.payer_id
                    ),
                );
            }
            let accounted = adjudication
                .adjustments
                .iter()
                .try_fold(adjudication.paid, |sum, a| sum.checked_add(a.amount));
            if accounted != Some(line.charge) {
                rule(
                    w,
                    "SVD",
                    Some(2),
                    format!(
                        "line {n}: payer {}'s payment {} and adjustments do not add up to the line's charge {}",
                        adjudication.payer_id, adjudication.paid, line.charge
                    ),
                );
            }
        }
    }
}

fn write_payer(w: &mut Writer, payer: &Payer<'_>) {
    write_name(
        w,
        "PR",
        &EntityName::Organization(payer.name.clone()),
        "PI",
        &payer.id,
    );
    if let Some(address) = &payer.address {
        write_address(w, address);
    }
}

fn write_claim_information(w: &mut Writer, claim: &Claim<'_>) {
    let frequency = match claim.frequency {
        Frequency::Original => "1",
        Frequency::Replacement { .. } => "7",
        Frequency::Void { .. } => "8",
    };
    w.segment("CLM")
        .max(&claim.patient_control_number, 38)
        .money(claim.total_charge().unwrap_or(Money::ZERO))
        .skip(2)
        .composite(&[&claim.place_of_service, "B", frequency])
        .el("Y")
        .el(if claim.accepts_assignment { "A" } else { "C" })
        .el("Y")
        .el("Y");
    for attachment in &claim.attachments {
        w.segment("PWK")
            .max(&attachment.report_type, 2)
            .max(&attachment.transmission, 2)
            .skip(2)
            .el("AC")
            .max(&attachment.control_number, 80);
    }
    if let Some(authorization) = &claim.prior_authorization {
        w.segment("REF").el("G1").max(authorization, 50);
    }
    if let Frequency::Replacement { payer_claim_number } | Frequency::Void { payer_claim_number } =
        &claim.frequency
    {
        w.segment("REF").el("F8").max(payer_claim_number, 50);
    }
    if let Some(note) = &claim.note {
        w.segment("NTE").el("ADD").max(note, 80);
    }
    let mut hi = w.segment("HI");
    for (index, code) in claim.diagnoses.iter().take(MAX_DIAGNOSES).enumerate() {
        hi = hi.composite(&[if index == 0 { "ABK" } else { "ABF" }, code]);
    }
}

fn write_other_payer(w: &mut Writer, claim: &Claim<'_>, other: &OtherPayer<'_>) {
    w.segment("SBR")
        .el(other.responsibility.code())
        .el(&other.relationship)
        .max(other.group_number.as_deref().unwrap_or(""), 50)
        .skip(5)
        .el(&other.filing_indicator);
    let paid = claim
        .lines
        .iter()
        .flat_map(|line| &line.adjudications)
        .filter(|a| a.payer_id == other.payer.id)
        .try_fold(Money::ZERO, |sum, a| sum.checked_add(a.paid));
    if paid.is_none() {
        w.fail(
            "AMT",
            Some(2),
            Problem::Rule(
                "the prior payer's payments add up to more than an amount can hold".into(),
            ),
        );
    }
    w.segment("AMT").el("D").money(paid.unwrap_or(Money::ZERO));
    w.segment("OI").skip(2).el("Y").skip(2).el("Y");
    write_person(w, "IL", &other.subscriber, "MI", &other.member_id);
    write_payer(w, &other.payer);
}

fn write_line(w: &mut Writer, number: usize, line: &ServiceLine<'_>) {
    w.segment("LX").number(number);
    let mut procedure: [&str; 7] = ["HC", &line.procedure, "", "", "", "", ""];
    for (slot, modifier) in procedure[2..6].iter_mut().zip(&line.modifiers) {
        *slot = modifier;
    }
    procedure[6] = line.description.as_deref().unwrap_or("");
    let mut pointers = [""; MAX_POINTERS];
    const DIGITS: [&str; 13] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
    ];
    for (slot, &pointer) in pointers.iter_mut().zip(&line.diagnosis_pointers) {
        *slot = DIGITS.get(usize::from(pointer)).copied().unwrap_or("0");
    }
    w.segment("SV1")
        .composite(&procedure)
        .money(line.charge)
        .el("UN")
        .number(line.units)
        .skip(2)
        .composite(&pointers);
    if let Some(certification) = &line.certification {
        w.segment("CR3")
            .max(&certification.kind, 1)
            .el("MO")
            .number(certification.months);
    }
    w.segment("DTP").el("472").date_range(line.service);
    if let Some(control) = &line.line_control {
        w.segment("REF").el("6R").max(control, 50);
    }
    if let Some(narrative) = &line.narrative {
        w.segment("NTE").el("ADD").max(narrative, 80);
    }
    if let Some(ordering) = &line.ordering_provider {
        write_person(w, "DK", &ordering.name, "XX", &ordering.npi);
    }
    for adjudication in &line.adjudications {
        write_line_adjudication(w, line, adjudication);
    }
}

fn write_line_adjudication(
    w: &mut Writer,
    line: &ServiceLine<'_>,
    adjudication: &LineAdjudication<'_>,
) {
    let mut procedure: [&str; 6] = ["HC", &line.procedure, "", "", "", ""];
    for (slot, modifier) in procedure[2..].iter_mut().zip(&line.modifiers) {
        *slot = modifier;
    }
    w.segment("SVD")
        .max(&adjudication.payer_id, 80)
        .money(adjudication.paid)
        .composite(&procedure)
        .skip(1)
        .number(adjudication.units);
    write_adjustments(w, &adjudication.adjustments);
    w.segment("DTP").el("573").el("D8").date(adjudication.date);
}

/// CAS segments: one per group code in order of first appearance, six adjustments each.
fn write_adjustments(w: &mut Writer, adjustments: &[Adjustment]) {
    let mut groups: Vec<&str> = Vec::new();
    for adjustment in adjustments {
        if !groups.contains(&adjustment.group.as_ref()) {
            groups.push(&adjustment.group);
        }
    }
    for group in groups {
        let of_group: Vec<&Adjustment> = adjustments.iter().filter(|a| a.group == group).collect();
        for chunk in of_group.chunks(CAS_TRIPLETS) {
            let mut cas = w.segment("CAS").max(group, 2);
            for adjustment in chunk {
                cas = cas
                    .max(&adjustment.reason, 5)
                    .money(adjustment.amount)
                    .skip(1);
            }
        }
    }
}
