#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Policy checklists per product family (the PAP, oxygen, hospital bed, wheelchair and power
//! mobility LCDs), ABNs, eligibility, and a CPAP order from intake to Ready.

mod documentation_common;

use documentation_common::{check, complete, d, doc, ids, line};
use durable_domain::codes::Icd10Cm;
use durable_domain::documentation::{
    DocumentKind, EligibilityFacts, OrderFacts, ProductFamily, Readiness, RentOrBuy, Severity,
};

/// Removes the documents marked for `item`.
fn without(order: &mut OrderFacts, item: &str) {
    order
        .documents
        .retain(|document| !document.satisfies.iter().any(|id| id == item));
}

#[test]
fn cpap_missing_signature_and_sleep_study_gives_exactly_those_two_reasons() {
    let mut order = complete(&["E0601"]);
    order.signed = false;
    order.signature_date = None;
    without(&mut order, "PAP-SLEEP-TEST");
    let report = check(&order);
    assert_eq!(ids(&report), ["SWO-SIGNATURE", "PAP-SLEEP-TEST"]);
    assert_eq!(report.readiness(), Readiness::Hold);
    assert_eq!(report.findings[1].line, Some(0));
    assert_eq!(
        report.findings[1].section,
        "LCD L33718 Positive Airway Pressure Devices (initial coverage B)"
    );
    assert_eq!(
        report.findings[1].link,
        "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718"
    );

    // Intake uploads the signed order and the sleep study and marks the study.
    order.signed = true;
    order.signature_date = Some(d("2026-05-03"));
    order.documents.push(doc(
        DocumentKind::SleepStudy,
        Some("2026-03-20"),
        &["PAP-SLEEP-TEST"],
    ));
    let report = check(&order);
    assert!(report.findings.is_empty(), "{:?}", ids(&report));
    assert_eq!(report.readiness(), Readiness::Ready);
}

#[test]
fn pap_checklist() {
    let mut order = complete(&["E0601"]);
    without(&mut order, "PAP-F2F-EVALUATION");
    assert_eq!(ids(&check(&order)), ["PAP-F2F-EVALUATION"]);

    // The evaluation must precede the sleep test; the same day counts.
    let mut order = complete(&["E0601"]);
    order.documents[1].date = Some(d("2026-03-21"));
    assert_eq!(ids(&check(&order)), ["PAP-EVALUATION-AFTER-TEST"]);
    order.documents[1].date = Some(d("2026-03-20"));
    assert!(check(&order).findings.is_empty());
    order.documents[1].date = None;
    assert!(
        check(&order).findings.is_empty(),
        "undated: the marking is trusted"
    );

    // Only the bilevel device needs the CPAP trial, and the finding names its line.
    let mut order = complete(&["A7030", "E0470"]);
    without(&mut order, "PAP-CPAP-TRIED");
    let report = check(&order);
    assert_eq!(ids(&report), ["PAP-CPAP-TRIED"]);
    assert_eq!(report.findings[0].line, Some(1));
    let mut order = complete(&["E0601"]);
    without(&mut order, "PAP-CPAP-TRIED");
    assert!(check(&order).findings.is_empty());

    // Without an OSA diagnosis: a warning only.
    let mut order = complete(&["E0601"]);
    order.diagnoses = vec![Icd10Cm::parse("J44.9").unwrap()];
    let report = check(&order);
    assert_eq!(ids(&report), ["PAP-OSA-DIAGNOSIS"]);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.is_ready());
}

#[test]
fn a_document_of_the_wrong_kind_does_not_satisfy_an_item() {
    let mut order = complete(&["E0601"]);
    without(&mut order, "PAP-SLEEP-TEST");
    order.documents.push(doc(
        DocumentKind::Abn,
        Some("2026-03-20"),
        &["PAP-SLEEP-TEST"],
    ));
    order.documents.push(doc(
        DocumentKind::SleepStudy,
        Some("2026-03-20"),
        &["OX-QUALIFYING-TEST"],
    ));
    assert_eq!(ids(&check(&order)), ["PAP-SLEEP-TEST"]);
}

#[test]
fn oxygen_checklist() {
    let mut order = complete(&["E1390", "E0431", "E0443"]);
    without(&mut order, "OX-QUALIFYING-TEST");
    without(&mut order, "OX-PRACTITIONER-EVALUATION");
    let report = check(&order);
    // Checked once for the family, at its first line; contents (E0443) are no family.
    assert_eq!(
        ids(&report),
        ["OX-QUALIFYING-TEST", "OX-PRACTITIONER-EVALUATION"]
    );
    assert!(report.findings.iter().all(|f| f.line == Some(0)));

    // A test more than 30 days before the order date: warning.
    let mut order = complete(&["E1390"]);
    order.documents[1].date = Some(d("2026-04-01"));
    assert!(check(&order).findings.is_empty(), "exactly 30 days");
    order.documents[1].date = Some(d("2026-03-31"));
    let report = check(&order);
    assert_eq!(ids(&report), ["OX-TEST-AGE"]);
    assert!(report.is_ready());

    // Oxygen equipment is rented, never bought.
    let mut order = complete(&["E1390", "E0431"]);
    order.lines[1].rent_or_buy = RentOrBuy::Purchase;
    let report = check(&order);
    assert_eq!(ids(&report), ["OX-RENTAL-ONLY"]);
    assert_eq!(report.findings[0].line, Some(1));
}

#[test]
fn hospital_bed_checklist_and_abn() {
    let mut order = complete(&["E0260"]);
    without(&mut order, "BED-MEDICAL-NEED");
    let report = check(&order);
    assert_eq!(ids(&report), ["BED-MEDICAL-NEED"]);
    assert_eq!(report.findings[0].severity, Severity::Blocking);

    // A signed ABN lets the bed ship and bill GA: the item becomes a warning.
    let mut abn = doc(DocumentKind::Abn, Some("2026-05-10"), &[]);
    abn.line = Some(0);
    order.documents.push(abn);
    let report = check(&order);
    assert_eq!(ids(&report), ["BED-MEDICAL-NEED"]);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.findings[0].abn_on_file);
    assert!(report.is_ready());

    // An ABN signed after delivery, undated, or for another line does not count.
    for (date, line) in [
        (Some("2026-05-21"), None),
        (None, None),
        (Some("2026-05-10"), Some(1)),
    ] {
        let mut order = complete(&["E0260", "A4253"]);
        without(&mut order, "BED-MEDICAL-NEED");
        let mut abn = doc(DocumentKind::Abn, date, &[]);
        abn.line = line;
        order.documents.push(abn);
        let report = check(&order);
        assert_eq!(
            report.findings[0].severity,
            Severity::Blocking,
            "{date:?} {line:?}"
        );
    }
}

#[test]
fn manual_wheelchair_checklist() {
    for code in ["K0001", "K0004", "K0009", "E1161"] {
        let mut order = complete(&[code]);
        without(&mut order, "MWC-MOBILITY-NEED");
        assert_eq!(ids(&check(&order)), ["MWC-MOBILITY-NEED"], "{code}");
    }
}

#[test]
fn power_mobility_checklist() {
    let mut order = complete(&["K0856", "E2601"]);
    without(&mut order, "PMD-F2F-EXAM");
    without(&mut order, "PMD-RENT-OR-BUY");
    // The exam note also carried PMD-MEDICAL-NEED; both are gone now.
    let report = check(&order);
    assert_eq!(
        ids(&report),
        ["PMD-F2F-EXAM", "PMD-MEDICAL-NEED", "PMD-RENT-OR-BUY"]
    );
    assert_eq!(
        report
            .findings
            .iter()
            .map(|f| f.severity)
            .collect::<Vec<_>>(),
        [Severity::Blocking, Severity::Blocking, Severity::Warning]
    );

    // An ABN covers the coverage criteria but not the statutory F2F exam.
    order
        .documents
        .push(doc(DocumentKind::Abn, Some("2026-05-10"), &[]));
    let report = check(&order);
    assert_eq!(
        report.blocking().map(|f| f.id).collect::<Vec<_>>(),
        ["PMD-F2F-EXAM"]
    );

    // The rent-or-buy choice is asked only for complex rehab chairs.
    let mut order = complete(&["K0823"]);
    without(&mut order, "PMD-RENT-OR-BUY");
    assert!(check(&order).findings.is_empty());

    // Standard chairs are rental-only; complex rehab chairs may be bought.
    let mut order = complete(&["K0823"]);
    order.lines[0].rent_or_buy = RentOrBuy::Purchase;
    assert_eq!(ids(&check(&order)), ["PMD-RENTAL-ONLY"]);
    let mut order = complete(&["K0856"]);
    order.lines[0].rent_or_buy = RentOrBuy::Purchase;
    assert!(check(&order).findings.is_empty());
}

#[test]
fn every_family_lists_its_checklist_with_sources() {
    for family in ProductFamily::ALL {
        for item in family.checklist() {
            let section = item.requirement.section;
            assert!(
                ["LCD L", "NCD ", "42 CFR ", "Social Security Act "]
                    .iter()
                    .any(|public| section.starts_with(public)),
                "{}: {section}",
                item.requirement.id
            );
            assert!(
                item.requirement.link.starts_with("https://www.cms.gov/")
                    || item.requirement.link.starts_with("https://www.ecfr.gov/"),
                "{}",
                item.requirement.id
            );
            assert!(!item.accepts.is_empty());
        }
    }
}

#[test]
fn eligibility_in_the_delivery_month() {
    let with_results = |results: &[(&str, bool)]| {
        let mut order = complete(&["E0601"]);
        order.eligibility = results
            .iter()
            .map(|(date, active)| EligibilityFacts {
                checked_on: d(date),
                active: *active,
            })
            .collect();
        ids(&check(&order))
    };
    assert_eq!(with_results(&[]), ["ELIGIBILITY-MONTH"]);
    assert_eq!(with_results(&[("2026-04-30", true)]), ["ELIGIBILITY-MONTH"]);
    assert_eq!(with_results(&[("2025-05-20", true)]), ["ELIGIBILITY-MONTH"]);
    assert_eq!(with_results(&[("2026-05-01", true)]), Vec::<&str>::new());
    assert_eq!(with_results(&[("2026-05-31", true)]), Vec::<&str>::new());
    assert_eq!(
        with_results(&[("2026-05-02", false)]),
        ["ELIGIBILITY-INACTIVE"]
    );
    assert_eq!(
        with_results(&[("2026-05-02", false), ("2026-05-10", true)]),
        Vec::<&str>::new()
    );
    assert_eq!(
        with_results(&[("2026-05-10", true), ("2026-05-12", false)]),
        ["ELIGIBILITY-INACTIVE"]
    );
}

#[test]
fn a_multi_family_order_reports_each_family_once_in_line_order() {
    let mut order = complete(&["E0601", "A7030", "E1390", "E0431", "E0260"]);
    order
        .documents
        .retain(|document| document.kind == DocumentKind::Order);
    order.lines.push(line("A7034"));
    order.lines[5].quantity = None;
    let report = check(&order);
    assert_eq!(
        ids(&report),
        [
            "PAP-F2F-EVALUATION",
            "PAP-SLEEP-TEST",
            "OX-QUALIFYING-TEST",
            "OX-PRACTITIONER-EVALUATION",
            "BED-MEDICAL-NEED",
            "SWO-QUANTITY",
        ]
    );
    let lines: Vec<Option<usize>> = report.findings.iter().map(|f| f.line).collect();
    assert_eq!(
        lines,
        [Some(0), Some(0), Some(2), Some(2), Some(4), Some(5)]
    );
}

#[test]
fn facts_and_reports_travel_as_json() {
    let json = r#"{
        "patient_name": "Jane Doe",
        "order_date": "2026-05-01",
        "planned_delivery": "2026-05-20",
        "practitioner_npi": "1234567893",
        "signed": false,
        "diagnoses": ["G47.33"],
        "lines": [{"hcpcs": "E0601", "rent_or_buy": "rental", "description": "CPAP"}],
        "documents": [
            {"kind": "f2f_note", "date": "2026-03-02", "satisfies": ["PAP-F2F-EVALUATION"]}
        ],
        "eligibility": [{"checked_on": "2026-05-18", "active": true}]
    }"#;
    let order: OrderFacts = serde_json::from_str(json).unwrap();
    let report = check(&order);
    assert_eq!(ids(&report), ["SWO-SIGNATURE", "PAP-SLEEP-TEST"]);
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(value["service_date"], "2026-05-20");
    assert_eq!(value["findings"][0]["id"], "SWO-SIGNATURE");
    assert_eq!(value["findings"][0]["severity"], "blocking");
    assert_eq!(value["findings"][1]["line"], 0);

    // Parse, don't validate: unknown fields and malformed codes are refused at the boundary.
    let unknown = json.replace("\"signed\"", "\"signd\"");
    assert!(serde_json::from_str::<OrderFacts>(&unknown).is_err());
    let bad_npi = json.replace("1234567893", "1234567890");
    assert!(serde_json::from_str::<OrderFacts>(&bad_npi).is_err());
    let bad_code = json.replace("\"E0601\"", "\"E601\"");
    assert!(serde_json::from_str::<OrderFacts>(&bad_code).is_err());
}
