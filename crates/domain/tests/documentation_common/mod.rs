//! Shared fixtures for the documentation tests: a complete order that the checker passes, which
//! each test then breaks in one way.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use durable_domain::catalog::Hcpcs;
use durable_domain::codes::{Icd10Cm, Mbi, Npi};
use durable_domain::documentation::{
    self, DocumentFacts, DocumentKind, DocumentationRules, EligibilityFacts, LineFacts, OrderFacts,
    PaStatus, PriorAuthFacts, ProductFamily, RentOrBuy, Report,
};
use time::Date;

/// `YYYY-MM-DD` to a date.
pub fn d(text: &str) -> Date {
    durable_domain::validation::parse_date(text).unwrap()
}

/// The bundled code lists.
pub fn rules() -> &'static DocumentationRules {
    DocumentationRules::bundled().unwrap()
}

/// A HCPCS code.
pub fn code(text: &str) -> Hcpcs {
    Hcpcs::parse(text).unwrap()
}

/// The "today" the tests run on: before the fixture's delivery date.
pub const TODAY: &str = "2026-05-01";

/// Checks an order against the bundled lists on `TODAY`.
pub fn check(facts: &OrderFacts) -> Report {
    documentation::check(facts, rules(), d(TODAY))
}

/// The finding ids, in report order.
pub fn ids(report: &Report) -> Vec<&'static str> {
    report.ids().collect()
}

/// A line as written on the order, rented, quantity 1.
pub fn line(hcpcs: &str) -> LineFacts {
    LineFacts {
        hcpcs: code(hcpcs),
        quantity: Some(1),
        rent_or_buy: RentOrBuy::Rental,
        description: format!("item {hcpcs}"),
    }
}

/// A document marked as satisfying `satisfies`.
pub fn doc(kind: DocumentKind, date: Option<&str>, satisfies: &[&str]) -> DocumentFacts {
    DocumentFacts {
        kind,
        date: date.map(d),
        line: None,
        satisfies: satisfies.iter().map(|id| (*id).to_owned()).collect(),
    }
}

/// An affirmed prior authorization with a UTN.
pub fn affirmed(hcpcs: &str, decision: &str) -> PriorAuthFacts {
    PriorAuthFacts {
        hcpcs: code(hcpcs),
        status: PaStatus::Affirmed,
        utn: Some("JD0000123456WR".to_owned()),
        decision_date: Some(d(decision)),
        expiry_date: None,
    }
}

/// The documents that satisfy every checklist item of a family, dated in the right order.
pub fn family_documents(family: ProductFamily) -> Vec<DocumentFacts> {
    use DocumentKind::*;
    match family {
        ProductFamily::Pap => vec![
            doc(F2fNote, Some("2026-03-02"), &["PAP-F2F-EVALUATION"]),
            doc(SleepStudy, Some("2026-03-20"), &["PAP-SLEEP-TEST"]),
            doc(Other, Some("2026-04-10"), &["PAP-CPAP-TRIED"]),
        ],
        ProductFamily::Oxygen => vec![
            doc(Oximetry, Some("2026-04-20"), &["OX-QUALIFYING-TEST"]),
            doc(F2fNote, Some("2026-04-20"), &["OX-PRACTITIONER-EVALUATION"]),
        ],
        ProductFamily::HospitalBed => vec![doc(F2fNote, Some("2026-04-15"), &["BED-MEDICAL-NEED"])],
        ProductFamily::ManualWheelchair => {
            vec![doc(F2fNote, Some("2026-04-15"), &["MWC-MOBILITY-NEED"])]
        }
        ProductFamily::PowerMobility => vec![
            doc(
                F2fNote,
                Some("2026-04-15"),
                &["PMD-F2F-EXAM", "PMD-MEDICAL-NEED"],
            ),
            doc(Other, Some("2026-04-16"), &["PMD-RENT-OR-BUY"]),
        ],
    }
}

/// A complete order for `codes`: every SWO element, signed on the order date, F2F two weeks
/// before, delivery 2026-05-20 with eligibility checked that month, the family documents and an
/// affirmed prior authorization for every code on the PA list.
pub fn complete(codes: &[&str]) -> OrderFacts {
    let lines: Vec<LineFacts> = codes.iter().map(|c| line(c)).collect();
    let mut documents = vec![doc(DocumentKind::Order, Some("2026-05-01"), &[])];
    let mut families: Vec<ProductFamily> = Vec::new();
    for line in &lines {
        if let Some(family) = ProductFamily::of(&line.hcpcs)
            && !families.contains(&family)
        {
            families.push(family);
            documents.extend(family_documents(family));
        }
    }
    let delivery = d("2026-05-20");
    let prior_auths = lines
        .iter()
        .filter(|line| {
            rules()
                .prior_auth
                .prior_auth_program(&line.hcpcs, delivery)
                .is_some()
        })
        .map(|line| affirmed(line.hcpcs.as_str(), "2026-05-05"))
        .collect();
    OrderFacts {
        patient_name: "Jane Doe".to_owned(),
        patient_mbi: Some(Mbi::parse("1EG4-TE5-MK73").unwrap()),
        order_date: Some(d("2026-05-01")),
        planned_delivery: Some(delivery),
        practitioner_name: "Dr. Ada Smith".to_owned(),
        practitioner_npi: Some(Npi::parse("1234567893").unwrap()),
        signed: true,
        signature_date: Some(d("2026-05-01")),
        diagnoses: vec![
            Icd10Cm::parse("G47.33").unwrap(),
            Icd10Cm::parse("J44.9").unwrap(),
        ],
        lines,
        f2f_encounter: Some(d("2026-04-15")),
        documents,
        prior_auths,
        eligibility: vec![EligibilityFacts {
            checked_on: d("2026-05-18"),
            active: true,
        }],
    }
}
