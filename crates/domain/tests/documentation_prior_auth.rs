#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Prior authorization on the order: a listed line needs an affirmed, unexpired decision with a
//! UTN, decided by the delivery date (42 CFR 414.234); and request validation.

mod documentation_common;

use documentation_common::{affirmed, check, code, complete, d, ids};
use durable_domain::documentation::{OrderFacts, PaStatus, PriorAuthFacts};

/// A standard power wheelchair (6-month PA validity) delivered on `delivery`, with `requests`.
fn wheelchair(delivery: &str, requests: Vec<PriorAuthFacts>) -> Vec<&'static str> {
    let mut order = complete(&["K0823"]);
    order.planned_delivery = Some(d(delivery));
    order.eligibility[0].checked_on = d(delivery);
    order.prior_auths = requests;
    ids(&check(&order))
}

#[test]
fn pa_validity_edges_by_months() {
    // Decision 2026-01-20, valid 6 months: through 2026-07-20.
    let pa = || vec![affirmed("K0823", "2026-01-20")];
    let mut early = complete(&["K0823"]);
    early.prior_auths = pa();
    assert!(check(&early).findings.is_empty());
    assert_eq!(
        wheelchair("2026-07-20", pa()),
        Vec::<&str>::new(),
        "last valid day"
    );
    assert_eq!(wheelchair("2026-07-21", pa()), ["PA-EXPIRED"], "a day late");
}

#[test]
fn pa_validity_edges_by_days() {
    // Orthosis L1851, valid 60 days: decision 2026-03-01 covers through 2026-04-30.
    let order = |delivery: &str| {
        let mut order = complete(&["L1851"]);
        order.order_date = Some(d("2026-02-20"));
        order.signature_date = Some(d("2026-02-20"));
        order.f2f_encounter = Some(d("2026-02-10"));
        order.planned_delivery = Some(d(delivery));
        order.eligibility[0].checked_on = d(delivery);
        order.prior_auths = vec![affirmed("L1851", "2026-03-01")];
        ids(&check(&order))
    };
    assert_eq!(
        order("2026-03-01"),
        Vec::<&str>::new(),
        "on the decision date"
    );
    assert_eq!(order("2026-04-30"), Vec::<&str>::new(), "day 60");
    assert_eq!(order("2026-05-01"), ["PA-EXPIRED"], "day 61");
    assert_eq!(order("2026-02-28"), ["PA-DECISION-AFTER-DELIVERY"]);
}

#[test]
fn an_explicit_expiry_replaces_the_program_period() {
    let mut pa = affirmed("K0823", "2026-05-05");
    pa.expiry_date = Some(d("2026-05-19"));
    assert_eq!(wheelchair("2026-05-20", vec![pa.clone()]), ["PA-EXPIRED"]);
    pa.expiry_date = Some(d("2026-05-20"));
    assert_eq!(wheelchair("2026-05-20", vec![pa]), Vec::<&str>::new());
}

#[test]
fn missing_pending_refused_and_incomplete_requests_block_the_line() {
    let with_status = |status: PaStatus| PriorAuthFacts {
        status,
        ..affirmed("K0823", "2026-05-05")
    };
    assert_eq!(wheelchair("2026-05-20", vec![]), ["PA-MISSING"]);
    assert_eq!(
        wheelchair("2026-05-20", vec![affirmed("K0856", "2026-05-05")]),
        ["PA-MISSING"],
        "a request for another code does not count"
    );
    assert_eq!(
        wheelchair("2026-05-20", vec![with_status(PaStatus::Draft)]),
        ["PA-PENDING"]
    );
    assert_eq!(
        wheelchair("2026-05-20", vec![with_status(PaStatus::Submitted)]),
        ["PA-PENDING"]
    );
    assert_eq!(
        wheelchair("2026-05-20", vec![with_status(PaStatus::NonAffirmed)]),
        ["PA-NON-AFFIRMED"]
    );
    assert_eq!(
        wheelchair("2026-05-20", vec![with_status(PaStatus::Expired)]),
        ["PA-EXPIRED"]
    );
    let mut no_utn = affirmed("K0823", "2026-05-05");
    no_utn.utn = Some("  ".to_owned());
    assert_eq!(wheelchair("2026-05-20", vec![no_utn]), ["PA-UTN"]);
    let mut undecided = affirmed("K0823", "2026-05-05");
    undecided.decision_date = None;
    assert_eq!(wheelchair("2026-05-20", vec![undecided]), ["PA-PENDING"]);
}

#[test]
fn any_request_that_covers_the_delivery_is_enough_and_the_most_advanced_explains_otherwise() {
    let refused = PriorAuthFacts {
        status: PaStatus::NonAffirmed,
        ..affirmed("K0823", "2026-04-01")
    };
    let resubmitted = PriorAuthFacts {
        status: PaStatus::Submitted,
        decision_date: None,
        ..affirmed("K0823", "2026-04-01")
    };
    assert_eq!(
        wheelchair(
            "2026-05-20",
            vec![refused.clone(), affirmed("K0823", "2026-05-05")]
        ),
        Vec::<&str>::new()
    );
    assert_eq!(
        wheelchair("2026-05-20", vec![refused.clone(), resubmitted]),
        ["PA-PENDING"]
    );
    let old = affirmed("K0823", "2025-01-02");
    assert_eq!(wheelchair("2026-05-20", vec![refused, old]), ["PA-EXPIRED"]);
}

#[test]
fn the_finding_names_the_line_needing_pa() {
    let mut order: OrderFacts = complete(&["E2601", "K0823"]);
    order.prior_auths.clear();
    let report = check(&order);
    assert_eq!(ids(&report), ["PA-MISSING"]);
    assert_eq!(report.findings[0].line, Some(1));
}

#[test]
fn list_membership_decides_whether_pa_is_needed() {
    // L0631 joined the list on 2024-08-12.
    let order = |delivery: &str| {
        let mut order = complete(&["L0631"]);
        order.order_date = Some(d("2024-08-01"));
        order.signature_date = Some(d("2024-08-01"));
        order.f2f_encounter = Some(d("2024-07-15"));
        order.planned_delivery = Some(d(delivery));
        order.eligibility[0].checked_on = d("2024-08-01");
        order.prior_auths.clear();
        ids(&check(&order))
    };
    assert_eq!(order("2024-08-11"), Vec::<&str>::new());
    assert_eq!(order("2024-08-12"), ["PA-MISSING"]);
}

#[test]
fn a_program_without_a_stated_validity_needs_the_letters_expiry() {
    let mut order = complete(&["E0747"]);
    order.order_date = Some(d("2024-07-01"));
    order.signature_date = Some(d("2024-07-01"));
    order.f2f_encounter = Some(d("2024-06-15"));
    order.planned_delivery = Some(d("2024-07-20"));
    order.eligibility[0].checked_on = d("2024-07-02");
    order.prior_auths = vec![affirmed("E0747", "2024-07-10")];
    assert_eq!(ids(&check(&order)), ["PA-EXPIRY-UNKNOWN"]);
    order.prior_auths[0].expiry_date = Some(d("2024-09-10"));
    assert!(check(&order).findings.is_empty());
}

#[test]
fn request_validation() {
    let ok = affirmed("K0823", "2026-05-05");
    assert!(ok.validate().is_ok());

    let mut backwards = ok.clone();
    backwards.expiry_date = Some(d("2026-05-04"));
    let errors = backwards.validate().unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    assert!(
        errors
            .for_field("expiry_date")
            .unwrap()
            .contains("before the decision date")
    );

    let mut same_day = ok.clone();
    same_day.expiry_date = Some(d("2026-05-05"));
    assert!(same_day.validate().is_ok());

    let mut no_decision = ok.clone();
    no_decision.decision_date = None;
    assert!(
        no_decision
            .validate()
            .unwrap_err()
            .for_field("decision_date")
            .is_some()
    );

    let mut expiry_only = PriorAuthFacts {
        status: PaStatus::Submitted,
        decision_date: None,
        utn: None,
        ..ok.clone()
    };
    assert!(
        expiry_only.validate().is_ok(),
        "a submitted request has no decision yet"
    );
    expiry_only.expiry_date = Some(d("2026-06-01"));
    assert!(
        expiry_only
            .validate()
            .unwrap_err()
            .for_field("decision_date")
            .is_some()
    );

    for utn in [
        None,
        Some(""),
        Some("SHORT"),
        Some("JD0000123456W!"),
        Some("JD0000123456WRX"),
    ] {
        let pa = PriorAuthFacts {
            utn: utn.map(str::to_owned),
            ..ok.clone()
        };
        assert!(
            pa.validate().unwrap_err().for_field("utn").is_some(),
            "{utn:?}"
        );
    }
    let refused_without_utn = PriorAuthFacts {
        status: PaStatus::NonAffirmed,
        utn: None,
        ..ok
    };
    assert!(refused_without_utn.validate().is_ok());
    let _ = code("K0823");
}
