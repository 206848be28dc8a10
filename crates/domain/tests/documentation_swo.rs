#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The standard written order, the F2F window and WOPD timing (42 CFR 410.38),
//! including an unsigned order.

mod documentation_common;

use documentation_common::{check, code, complete, d, doc, ids, line, rules};
use durable_domain::codes::{Mbi, Npi};
use durable_domain::documentation::{DocumentKind, OrderFacts, Readiness, Severity};

#[test]
fn complete_orders_of_every_family_are_ready_with_no_findings() {
    for codes in [
        &["E0601"][..],
        &["E0470"],
        &["E1390", "E0431"],
        &["E0260"],
        &["K0001"],
        &["K0823"],
        &["K0856"],
        &["E0601", "A7030", "A7034"],
    ] {
        let report = check(&complete(codes));
        assert_eq!(ids(&report), Vec::<&str>::new(), "{codes:?}");
        assert_eq!(report.readiness(), Readiness::Ready);
    }
}

#[test]
fn worked_example_4_unsigned_order_is_invalid_and_blocks_the_claim() {
    // Beneficiary name, order date, "hospital bed", practitioner NPI, no signature.
    let mut order = complete(&["E0260"]);
    order.patient_mbi = None;
    order.practitioner_name = String::new();
    order.lines[0].description = "hospital bed".to_owned();
    order.lines[0].quantity = None;
    order.signed = false;
    order.signature_date = None;
    let report = check(&order);
    assert_eq!(ids(&report), ["SWO-SIGNATURE"]);
    let finding = &report.findings[0];
    assert_eq!(finding.severity, Severity::Blocking);
    assert_eq!(finding.line, None);
    assert_eq!(
        finding.action,
        "Get the treating practitioner's signature on the written order."
    );
    assert!(finding.section.contains("42 CFR 410.38"));
    assert_eq!(report.readiness(), Readiness::Hold);
    assert_eq!(report.blocking().count(), 1);
}

/// Each of the six elements missing on its own yields exactly its own finding.
#[test]
fn each_missing_swo_element_is_named() {
    type Break = fn(&mut OrderFacts);
    let cases: [(&str, Break, &str, Option<usize>); 9] = [
        (
            "no name and no MBI",
            |o| {
                o.patient_name = " ".into();
                o.patient_mbi = None;
            },
            "SWO-BENEFICIARY",
            None,
        ),
        (
            "no order date",
            |o| o.order_date = None,
            "SWO-ORDER-DATE",
            None,
        ),
        (
            "no description",
            |o| o.lines[1].description = String::new(),
            "SWO-DESCRIPTION",
            Some(1),
        ),
        (
            "supply without quantity",
            |o| o.lines[1].quantity = None,
            "SWO-QUANTITY",
            Some(1),
        ),
        (
            "supply with quantity 0",
            |o| o.lines[1].quantity = Some(0),
            "SWO-QUANTITY",
            Some(1),
        ),
        (
            "no practitioner name or NPI",
            |o| {
                o.practitioner_name = String::new();
                o.practitioner_npi = None;
            },
            "SWO-PRACTITIONER",
            None,
        ),
        (
            "unsigned",
            |o| {
                o.signed = false;
                o.signature_date = None;
            },
            "SWO-SIGNATURE",
            None,
        ),
        (
            "order dated after delivery",
            |o| {
                o.order_date = Some(d("2026-05-21"));
                o.signature_date = Some(d("2026-05-21"));
                o.f2f_encounter = Some(d("2026-05-21"));
            },
            "SWO-ORDER-DATE-AFTER-DELIVERY",
            None,
        ),
        ("no lines", |o| o.lines.clear(), "ORDER-LINES", None),
    ];
    for (name, break_it, id, line) in cases {
        let mut order = complete(&["E0601", "A7030"]);
        break_it(&mut order);
        let report = check(&order);
        assert_eq!(ids(&report), [id], "{name}");
        assert_eq!(report.findings[0].line, line, "{name}");
        assert!(!report.is_ready(), "{name}");
    }
}

#[test]
fn name_or_mbi_and_name_or_npi_each_suffice() {
    let mut order = complete(&["E0601"]);
    order.patient_name = String::new();
    order.practitioner_name = String::new();
    assert!(check(&order).findings.is_empty());
    let mut order = complete(&["E0601"]);
    order.patient_mbi = None;
    order.practitioner_npi = None;
    assert!(check(&order).findings.is_empty());
    let mut order = complete(&["E0601"]);
    order.patient_mbi = Some(Mbi::parse("1EG4TE5MK73").unwrap());
    order.practitioner_npi = Some(Npi::parse("1234567893").unwrap());
    assert!(check(&order).findings.is_empty());
}

#[test]
fn equipment_needs_no_written_quantity_but_supplies_do() {
    let mut order = complete(&["E0601", "A7034"]);
    order.lines[0].quantity = None;
    assert!(check(&order).findings.is_empty());
    order.lines[1].quantity = None;
    assert_eq!(ids(&check(&order)), ["SWO-QUANTITY"]);
}

#[test]
fn a_diagnosis_is_required() {
    let mut order = complete(&["E0260"]);
    order.diagnoses.clear();
    assert_eq!(ids(&check(&order)), ["DIAGNOSIS"]);
}

/// Oxygen concentrators are on the F2F/WOPD list from 2026-04-13; the fixture orders on
/// 2026-05-01 and delivers 2026-05-20.
fn oxygen_with_f2f(f2f: Option<&str>) -> Vec<&'static str> {
    let mut order = complete(&["E1390"]);
    order.f2f_encounter = f2f.map(d);
    ids(&check(&order))
}

#[test]
fn f2f_window_edges() {
    assert_eq!(
        oxygen_with_f2f(Some("2025-11-01")),
        Vec::<&str>::new(),
        "exactly 6 months before"
    );
    assert_eq!(
        oxygen_with_f2f(Some("2025-10-31")),
        ["F2F-TOO-OLD"],
        "a day more"
    );
    assert_eq!(
        oxygen_with_f2f(Some("2026-05-01")),
        Vec::<&str>::new(),
        "on the order date"
    );
    assert_eq!(
        oxygen_with_f2f(Some("2026-05-02")),
        ["F2F-AFTER-ORDER"],
        "after the order date"
    );
    assert_eq!(oxygen_with_f2f(None), ["F2F-ENCOUNTER"]);
}

#[test]
fn f2f_window_clamps_at_month_end() {
    // Order on 2026-02-28: the window reaches back to 2025-08-28 (Aug 28-31 all have their
    // 6-month anniversary on Feb 28 in a common year).
    for (f2f, expected) in [
        ("2025-08-31", &[][..]),
        ("2025-08-28", &[]),
        ("2025-08-27", &["F2F-TOO-OLD"]),
    ] {
        let mut order = complete(&["K0823"]);
        order.order_date = Some(d("2026-02-28"));
        order.signature_date = Some(d("2026-02-28"));
        order.f2f_encounter = Some(d(f2f));
        order.planned_delivery = Some(d("2026-03-10"));
        order.eligibility[0].checked_on = d("2026-03-02");
        order.prior_auths[0].decision_date = Some(d("2026-03-05"));
        let found = ids(&check(&order));
        assert_eq!(found, expected, "{f2f}");
    }
}

#[test]
fn f2f_is_needed_only_while_the_code_is_listed() {
    // Oxygen joined the list on 2026-04-13.
    for (delivery, expected) in [("2026-04-12", &[][..]), ("2026-04-13", &["F2F-ENCOUNTER"])] {
        let mut order = complete(&["E1390"]);
        order.order_date = Some(d("2026-04-01"));
        order.signature_date = Some(d("2026-04-01"));
        order.planned_delivery = Some(d(delivery));
        order.eligibility[0].checked_on = d("2026-04-01");
        order.documents[1].date = Some(d("2026-03-25"));
        order.f2f_encounter = None;
        assert_eq!(ids(&check(&order)), expected, "{delivery}");
    }
    // A CPAP is not on the list: no F2F date is needed.
    let mut order = complete(&["E0601"]);
    order.f2f_encounter = None;
    assert!(check(&order).findings.is_empty());
    // Listed line and unlisted supply: the finding names the listed line.
    let mut order = complete(&["A4615", "E1390"]);
    order.f2f_encounter = None;
    let report = check(&order);
    assert_eq!(ids(&report), ["F2F-ENCOUNTER"]);
    assert_eq!(report.findings[0].line, Some(1));
}

#[test]
fn wopd_items_need_the_signed_order_before_delivery() {
    let with_signature = |codes: &[&str], signed: Option<&str>| {
        let mut order = complete(codes);
        order.signature_date = signed.map(d);
        ids(&check(&order))
    };
    assert_eq!(
        with_signature(&["E1390"], Some("2026-05-20")),
        Vec::<&str>::new(),
        "on delivery day"
    );
    assert_eq!(
        with_signature(&["E1390"], Some("2026-05-21")),
        ["WOPD-ORDER-BEFORE-DELIVERY"],
        "signed after delivery"
    );
    assert_eq!(
        with_signature(&["E1390"], None),
        ["WOPD-ORDER-BEFORE-DELIVERY"],
        "signature undated"
    );
    // Not a WOPD item: the order need only be in hand before the claim.
    assert_eq!(
        with_signature(&["E0601"], Some("2026-05-21")),
        Vec::<&str>::new()
    );
    // Unsigned: SWO-SIGNATURE alone says what to do.
    let mut order = complete(&["K0823"]);
    order.signed = false;
    order.signature_date = None;
    assert_eq!(ids(&check(&order)), ["SWO-SIGNATURE"]);
}

#[test]
fn pmd_codes_are_statutory_f2f_items_at_any_date() {
    let f2f = &rules().f2f_wopd;
    for c in ["K0800", "K0823", "K0856", "K0899"] {
        assert!(f2f.requires_f2f(&code(c), d("2020-01-01")), "{c}");
    }
    assert!(!f2f.requires_f2f(&code("L1843"), d("2023-04-16")));
    assert!(f2f.requires_f2f(&code("L1843"), d("2023-04-17")));
    assert!(!f2f.requires_f2f(&code("E0601"), d("2026-06-01")));
    // The 2024 hospital-bed additions are UNCONFIRMED and so not listed.
    assert!(!f2f.requires_f2f(&code("E0260"), d("2026-06-01")));
}

#[test]
fn bed_orders_that_would_fail_f2f_wopd_get_a_warning_from_2024_08_12() {
    let mut order = complete(&["E0260"]);
    order.f2f_encounter = None;
    let report = check(&order);
    assert_eq!(ids(&report), ["BED-F2F-WOPD-UNCONFIRMED"]);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(report.is_ready());

    let mut order = complete(&["E0260"]);
    order.signature_date = Some(d("2026-05-21"));
    assert_eq!(ids(&check(&order)), ["BED-F2F-WOPD-UNCONFIRMED"]);

    let mut before = complete(&["E0260"]);
    before.f2f_encounter = None;
    before.order_date = Some(d("2024-08-01"));
    before.signature_date = Some(d("2024-08-01"));
    before.planned_delivery = Some(d("2024-08-11"));
    before.eligibility[0].checked_on = d("2024-08-05");
    assert!(check(&before).findings.is_empty());
}

#[test]
fn without_a_planned_delivery_today_is_the_date_of_service() {
    let mut order = complete(&["E0601"]);
    order.planned_delivery = None;
    // Eligibility was checked in May; today is 2026-05-01.
    let report = check(&order);
    assert_eq!(report.service_date, d("2026-05-01"));
    assert!(report.findings.is_empty());
    order.documents.push(doc(DocumentKind::Other, None, &[]));
    order.lines.push(line("A7030"));
    assert!(check(&order).findings.is_empty());
}
