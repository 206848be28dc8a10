//! Dated table tests derived from the published rules, each row naming the rule id it proves:
//! boundaries on both sides, month ends and leap years. The property at the end checks that the
//! billing engine and the order checker agree on prior-authorization validity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod documentation_common;

use durable_domain::billing::appeals::{AppealLevel, appeal_deadline};
use durable_domain::billing::checks::{ClaimLine, LinesToCheck, check_request};
use durable_domain::billing::{
    Jurisdiction, Modifier, OXYGEN_GROUP_MODIFIERS_FROM, RentalInput, Schedule, SkipReason,
    schedule,
};
use durable_domain::documentation::{PaStatus, PriorAuthFacts};
use durable_domain::money::Money;
use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::date;
use time::{Date, Duration};

fn d(text: &str) -> Date {
    durable_domain::validation::parse_date(text).unwrap()
}

fn run(value: Value) -> Schedule {
    let input: RentalInput = serde_json::from_value(value).unwrap();
    schedule(&input).unwrap_or_else(|e| panic!("{e}"))
}

fn bed(first: &str, through: &str, events: Value) -> Value {
    json!({ "item": { "hcpcs": "E0260", "category": "capped_rental", "purchase_price": 100000 },
        "payer": "medicare", "first_date_of_service": first, "through": through,
        "documentation": { "checklist_met": true }, "events": events })
}

fn oxygen(first: &str, through: &str, documentation: Value) -> Value {
    json!({ "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17000,
            "oxygen_group": "II" },
        "payer": "medicare", "first_date_of_service": first, "through": through,
        "documentation": documentation, "events": [] })
}

fn rule_ids(schedule: &Schedule) -> Vec<&'static str> {
    schedule
        .lines
        .iter()
        .flat_map(|l| l.rules.iter().map(|r| r.id))
        .collect()
}

/// BIN-WINDOW-SETTING / BIN-NEW-PERIOD: (first DOS, return, resume, window, rest of month, new
/// period?). The windows, worked out by hand from 42 CFR 414.230 and the DME MAC's reading:
/// - from 2026-01-15, returned 03-20: the return month ends 04-14; two rental months end 06-14,
///   60 days (+ the return day) end 06-14, 60 days (after the return day) end 06-13;
/// - from 2026-01-01, returned 01-20: the return month ends 01-31; two rental months (Feb 28 +
///   Mar 31 = 59 days) end 03-31, 60 days end 04-01 (+1: 04-02);
/// - the same in leap 2028 (Feb 29 + Mar 31 = 60 days): two months end 03-31, 60 days end 03-31
///   (+1: 04-01);
/// - from 2026-01-31 (clamped anniversaries 02-28, 03-31, 04-30), returned 02-10: the return month
///   ends 02-27; two rental months end 04-29.
#[test]
fn break_in_need_window_boundaries() {
    let rows: &[(&str, &str, &str, &str, &str, bool)] = &[
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-15",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-16",
            "two_rental_months",
            "includes_return_day",
            true,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-14",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-15",
            "sixty_days",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-16",
            "sixty_days",
            "includes_return_day",
            true,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-14",
            "sixty_days",
            "after_return_day",
            false,
        ),
        (
            "2026-01-15",
            "2026-03-20",
            "2026-06-15",
            "sixty_days",
            "after_return_day",
            true,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-03-31",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-01",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-02",
            "two_rental_months",
            "includes_return_day",
            true,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-02",
            "sixty_days",
            "after_return_day",
            false,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-03",
            "sixty_days",
            "after_return_day",
            true,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-03",
            "sixty_days",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-01",
            "2026-01-20",
            "2026-04-04",
            "sixty_days",
            "includes_return_day",
            true,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-01",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-02",
            "two_rental_months",
            "includes_return_day",
            true,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-01",
            "sixty_days",
            "after_return_day",
            false,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-02",
            "sixty_days",
            "after_return_day",
            true,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-02",
            "sixty_days",
            "includes_return_day",
            false,
        ),
        (
            "2028-01-01",
            "2028-01-20",
            "2028-04-03",
            "sixty_days",
            "includes_return_day",
            true,
        ),
        (
            "2026-01-31",
            "2026-02-10",
            "2026-04-30",
            "two_rental_months",
            "includes_return_day",
            false,
        ),
        (
            "2026-01-31",
            "2026-02-10",
            "2026-05-01",
            "two_rental_months",
            "includes_return_day",
            true,
        ),
    ];
    for &(first, returned, resume, window, rest, new_period) in rows {
        let mut value = bed(
            first,
            "2029-12-31",
            json!([{ "kind": "return", "date": returned },
                   { "kind": "resume", "date": resume, "new_order": true }]),
        );
        value["settings"] =
            json!({ "break_in_need_window": window, "break_in_need_rest_of_month": rest });
        let s = run(value);
        let after = s.lines.iter().find(|l| l.from == d(resume)).unwrap();
        let row = format!("BIN-WINDOW-SETTING {first} {returned} {resume} {window} {rest}");
        assert_eq!(after.period == 2, new_period, "{row}");
        let ids: Vec<&str> = after.rules.iter().map(|r| r.id).collect();
        // NARR-BIN / NARR-BIB: the first line after the break carries its narrative.
        let narrative = after.narrative.as_deref().unwrap();
        if new_period {
            assert!(
                ids.contains(&"NARR-BIN") && narrative.starts_with("BIN:"),
                "{row}"
            );
        } else {
            assert!(
                ids.contains(&"NARR-BIB") && narrative.starts_with("BIB:"),
                "{row}"
            );
        }
        assert!(narrative.contains(returned), "{row}: {narrative}");
    }
}

/// NARR-BIB / NARR-REPLACEMENT: the narratives name the dates and the report.
#[test]
fn narratives_name_what_happened() {
    let s = run(bed(
        "2026-01-15",
        "2026-05-21",
        json!([{ "kind": "stay", "start": "2026-03-10", "end": "2026-04-20" }]),
    ));
    assert_eq!(
        s.lines[2].narrative.as_deref(),
        Some(
            "BIB: break in billing for a hospital or facility stay 2026-03-10 to 2026-04-20; the rental period continues."
        )
    );
    assert!(s.lines[3].narrative.is_none());
    let stolen = run(bed(
        "2026-01-15",
        "2026-07-01",
        json!([{ "kind": "replacement", "date": "2026-06-01", "reason": "loss",
            "what_happened": "stolen from the home", "incident_date": "2026-05-28",
            "report": "26-04417" }]),
    ));
    let first = stolen.lines.iter().find(|l| l.period == 2).unwrap();
    assert_eq!(
        first.narrative.as_deref(),
        Some(
            "Replacement of equipment stolen from the home, on 2026-05-28; police or fire report 26-04417."
        )
    );
    assert!(stolen.findings.is_empty());
    // Without what happened and when, the narrative says so and a warning asks for them.
    let bare = run(bed(
        "2026-01-15",
        "2026-07-01",
        json!([{ "kind": "replacement", "date": "2026-06-01", "reason": "loss" }]),
    ));
    assert_eq!(bare.findings[0].code, "NARR-REPLACEMENT");
    // A replacement after the useful lifetime needs no incident facts and refuses them.
    let refused: RentalInput = serde_json::from_value(bed(
        "2020-01-15",
        "2026-07-01",
        json!([{ "kind": "replacement", "date": "2025-02-01", "reason": "useful_lifetime",
            "report": "1" }]),
    ))
    .unwrap();
    assert_eq!(
        schedule(&refused).unwrap_err().field,
        "events[0].what_happened"
    );
}

/// MOVE-CONTINUES: the move's first day decides; the count goes on; unknown states are refused.
#[test]
fn moves_change_the_dme_mac_not_the_count() {
    let rows: &[(&str, Jurisdiction, Jurisdiction)] = &[
        // Moving on the anniversary: that month goes to the new MAC.
        ("2026-03-15", Jurisdiction::A, Jurisdiction::C),
        // A day later: the 03-15 month stays with the old one.
        ("2026-03-16", Jurisdiction::A, Jurisdiction::A),
        // A day earlier.
        ("2026-03-14", Jurisdiction::A, Jurisdiction::C),
    ];
    for &(moved, february, march) in rows {
        let mut value = bed(
            "2026-01-15",
            "2026-04-15",
            json!([{ "kind": "move", "date": moved, "state": "FL" }]),
        );
        value["residence"] = json!("NY");
        let s = run(value);
        assert_eq!(s.lines[1].dme_mac, Some(february), "MOVE-CONTINUES {moved}");
        assert_eq!(s.lines[2].dme_mac, Some(march), "MOVE-CONTINUES {moved}");
        assert_eq!(s.lines[3].dme_mac, Some(Jurisdiction::C));
        let months: Vec<u32> = s.lines.iter().map(|l| l.rental_month).collect();
        assert_eq!(months, [1, 2, 3, 4], "MOVE-CONTINUES: no new period");
        assert_eq!(
            rule_ids(&s)
                .iter()
                .filter(|id| **id == "MOVE-CONTINUES")
                .count(),
            1
        );
    }
    let mut unknown = bed(
        "2026-01-15",
        "2026-04-15",
        json!([{ "kind": "move", "date": "2026-02-01", "state": "XX" }]),
    );
    unknown["residence"] = json!("NY");
    let input: RentalInput = serde_json::from_value(unknown.clone()).unwrap();
    assert_eq!(schedule(&input).unwrap_err().field, "events[0].state");
    unknown.as_object_mut().unwrap().remove("residence");
    let input: RentalInput = serde_json::from_value(unknown).unwrap();
    assert_eq!(schedule(&input).unwrap_err().field, "residence");
    // Without a residence no jurisdiction is named, and nothing else changes.
    assert!(
        run(bed("2026-01-15", "2026-02-15", json!([]))).lines[0]
            .dme_mac
            .is_none()
    );
}

/// OX-RETEST-NOT-COVERED: first DOS 2024-01-01 (leap year): day 61 is 2024-03-01, day 90 is
/// 2024-03-30, day 91 is 2024-03-31; the 2024-04-01 month is the first after day 90.
/// (retest, new order, KX on the 2024-04-01 line?)
#[test]
fn oxygen_retest_and_new_order_boundaries() {
    let rows: &[(Option<&str>, Option<&str>, bool)] = &[
        (Some("2024-02-29"), Some("2024-03-10"), false), // day 60: too early
        (Some("2024-03-01"), Some("2024-03-01"), true),  // day 61, order the same day
        (Some("2024-03-30"), Some("2024-03-30"), true),  // day 90
        (Some("2024-03-31"), Some("2024-03-31"), false), // day 91: too late
        (Some("2024-03-10"), None, false),               // no new order
        (Some("2024-03-10"), Some("2024-03-09"), false), // the order precedes the retest
        (Some("2024-03-10"), Some("2024-03-31"), true),  // order after day 90, before the DOS
        (Some("2024-03-10"), Some("2024-04-01"), true),  // order on the DOS
        (Some("2024-03-10"), Some("2024-04-02"), false), // order after the DOS
        (None, None, false),
    ];
    for &(retest, order, kx) in rows {
        let s = run(oxygen(
            "2024-01-01",
            "2024-04-01",
            json!({ "checklist_met": true, "oxygen_retest_date": retest,
                "oxygen_retest_order_date": order }),
        ));
        let april = &s.lines[3];
        assert_eq!(april.from, date!(2024 - 04 - 01));
        let row = format!("OX-RETEST-NOT-COVERED retest {retest:?} order {order:?}");
        assert_eq!(april.modifiers.contains(&Modifier::Kx), kx, "{row}");
        if !kx {
            assert!(april.modifiers.contains(&Modifier::Gz), "{row}");
            assert!(
                april.rules.iter().any(|r| r.id == "OX-RETEST-NOT-COVERED"),
                "{row}"
            );
        }
        // The 2024-03-01 month (day 61) is always covered: the retest is not due yet.
        assert!(s.lines[2].modifiers.contains(&Modifier::Kx), "{row}");
    }
}

/// OX-MOD-GROUP-BEFORE-2023-04 / CMN-REQUIRED-BEFORE-2023: the day before and the day of each
/// effective date, with a month-end start.
#[test]
fn date_bound_modifiers_and_cmn() {
    let s = run(
        json!({ "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17000,
            "oxygen_group": "I" },
        "payer": "medicare", "first_date_of_service": "2022-12-31", "through": "2023-04-30",
        "documentation": { "checklist_met": true }, "events": [] }),
    );
    let froms: Vec<Date> = s.lines.iter().map(|l| l.from).collect();
    assert_eq!(
        froms,
        [
            date!(2022 - 12 - 31),
            date!(2023 - 01 - 31),
            date!(2023 - 02 - 28),
            date!(2023 - 03 - 31),
            date!(2023 - 04 - 30)
        ]
    );
    for line in &s.lines {
        let has_group = line.modifiers.contains(&Modifier::N1);
        assert_eq!(
            has_group,
            line.from >= OXYGEN_GROUP_MODIFIERS_FROM,
            "{}",
            line.from
        );
        let cmn = line
            .rules
            .iter()
            .any(|r| r.id == "CMN-REQUIRED-BEFORE-2023");
        assert_eq!(cmn, line.from < date!(2023 - 01 - 01), "{}", line.from);
    }
    assert_eq!(s.findings[0].code, "CMN-REQUIRED-BEFORE-2023");
    // From 2023-04-01 exactly, N1 is on the first line; on 2023-03-31 it is not.
    for (first, n1) in [("2023-03-31", false), ("2023-04-01", true)] {
        let s = run(json!({ "item": { "hcpcs": "E1390", "category": "oxygen",
                "monthly_fee": 17000, "oxygen_group": "I" },
            "payer": "medicare", "first_date_of_service": first, "through": first,
            "documentation": { "checklist_met": true }, "events": [] }));
        assert_eq!(
            s.lines[0].modifiers.contains(&Modifier::N1),
            n1,
            "OX-MOD-GROUP {first}"
        );
        assert!(s.findings.is_empty(), "no CMN is asked for after 2022");
    }
    // A CMN dated after the first DOS is reported; CMN facts after 2022 are refused.
    let late = run(
        json!({ "item": { "hcpcs": "E0651", "category": "capped_rental",
            "purchase_price": 90000 },
        "payer": "medicare", "first_date_of_service": "2022-12-01", "through": "2022-12-01",
        "documentation": { "checklist_met": true, "cmn": { "initial_date": "2022-12-02" } },
        "events": [] }),
    );
    assert_eq!(late.findings[0].code, "CMN-REQUIRED-BEFORE-2023");
    let refused: RentalInput = serde_json::from_value(json!({ "item": { "hcpcs": "E1390",
            "category": "oxygen", "monthly_fee": 17000 },
        "payer": "medicare", "first_date_of_service": "2023-01-01", "through": "2023-01-01",
        "documentation": { "checklist_met": true, "cmn": { "initial_date": "2022-12-20" } },
        "events": [] }))
    .unwrap();
    assert_eq!(schedule(&refused).unwrap_err().field, "documentation.cmn");
}

/// PAP-REQUALIFY: a new trial from 2026-04-15 with good nights 04-15..05-09 shows adherence on
/// 05-14 (the end of its first 30 days); its re-evaluation is due on days 31-91, 2026-05-15 to
/// 2026-07-14. (re-evaluation, first month with KX again)
#[test]
fn pap_requalification_boundaries() {
    let nights: Vec<Value> = (0..25)
        .map(|offset| {
            json!({ "date": (date!(2026 - 04 - 15) + Duration::days(offset)).to_string(),
                "minutes": 300 })
        })
        .collect();
    let rows: &[(&str, Option<Date>)] = &[
        ("2026-05-14", None), // day 30
        ("2026-05-15", Some(date!(2026 - 06 - 05))),
        ("2026-07-14", Some(date!(2026 - 08 - 05))),
        ("2026-07-15", None), // day 92
    ];
    for &(reevaluation, kx_from) in rows {
        let s = run(
            json!({ "item": { "hcpcs": "E0601", "category": "capped_rental",
                "purchase_price": 80000 },
            "payer": "medicare", "first_date_of_service": "2026-01-05", "through": "2026-09-05",
            "documentation": { "checklist_met": true }, "events": [],
            "pap": { "nightly_usage": nights, "requalification": {
                "face_to_face_date": "2026-04-01", "facility_sleep_study_date": "2026-04-10",
                "new_trial_start": "2026-04-15", "reevaluation_date": reevaluation } } }),
        );
        let first_kx = s
            .lines
            .iter()
            .find(|l| l.rental_month >= 4 && l.modifiers.contains(&Modifier::Kx))
            .map(|l| l.from);
        assert_eq!(
            first_kx, kx_from,
            "PAP-REQUALIFY re-evaluation {reevaluation}"
        );
        assert!(rule_ids(&s).contains(&"PAP-REQUALIFY"));
    }
    // Without re-qualification the failed trial's finding says what re-qualifying needs.
    let failed = run(
        json!({ "item": { "hcpcs": "E0601", "category": "capped_rental",
            "purchase_price": 80000 },
        "payer": "medicare", "first_date_of_service": "2026-01-05", "through": "2026-05-05",
        "documentation": { "checklist_met": true }, "events": [] }),
    );
    let message = &failed.findings[0].message;
    assert!(
        message.contains("face-to-face")
            && message.contains("sleep study")
            && message.contains("new 12-week trial"),
        "{message}"
    );
}

/// CHK-TIMELY-FILING on every Medicare line: 12 months after the date of service, Feb 29 → Feb 28.
#[test]
fn every_line_carries_its_filing_deadline() {
    let s = run(oxygen(
        "2024-01-29",
        "2024-03-29",
        json!({ "checklist_met": true }),
    ));
    let deadlines: Vec<(Date, Option<Date>)> = s
        .lines
        .iter()
        .map(|l| (l.from, l.filing_deadline))
        .collect();
    assert_eq!(
        deadlines,
        [
            (date!(2024 - 01 - 29), Some(date!(2025 - 01 - 29))),
            (date!(2024 - 02 - 29), Some(date!(2025 - 02 - 28))),
            (date!(2024 - 03 - 29), Some(date!(2025 - 03 - 29))),
        ]
    );
}

/// APPEAL-*: each level's deadline is presumed receipt (notice + 5 days) + its window; the ALJ
/// and judicial minimums come from the filing year's row.
#[test]
fn appeal_deadlines_by_level() {
    let rows: &[(AppealLevel, &str, &str, &str)] = &[
        (
            AppealLevel::Redetermination,
            "CHK-REDETERMINATION",
            "2026-11-02",
            "2027-03-07",
        ),
        (
            AppealLevel::Reconsideration,
            "APPEAL-RECONSIDERATION",
            "2026-11-02",
            "2027-05-06",
        ),
        (
            AppealLevel::AljHearing,
            "APPEAL-ALJ",
            "2026-11-02",
            "2027-01-06",
        ),
        (
            AppealLevel::AppealsCouncil,
            "APPEAL-COUNCIL",
            "2026-11-02",
            "2027-01-06",
        ),
        (
            AppealLevel::JudicialReview,
            "APPEAL-JUDICIAL",
            "2026-11-02",
            "2027-01-06",
        ),
        // Leap year: 2028-02-01 + 5 = 02-06; + 60 = 04-06.
        (
            AppealLevel::AljHearing,
            "APPEAL-ALJ",
            "2028-02-01",
            "2028-04-06",
        ),
        // Month end: 2026-01-31 + 5 = 02-05; + 120 = 06-05.
        (
            AppealLevel::Redetermination,
            "CHK-REDETERMINATION",
            "2026-01-31",
            "2026-06-05",
        ),
    ];
    for &(level, rule, notice, deadline) in rows {
        let answer = appeal_deadline(level, d(notice), date!(2026 - 12 - 02), None).unwrap();
        assert_eq!(answer.deadline, d(deadline), "{rule} {notice}");
        assert_eq!(answer.rule.id, rule);
    }
    let alj = |cents, filed| {
        appeal_deadline(
            AppealLevel::AljHearing,
            date!(2026 - 11 - 02),
            filed,
            Some(Money::from_cents(cents)),
        )
    };
    assert_eq!(
        alj(19_999, date!(2026 - 12 - 02)).unwrap().meets_minimum,
        Some(false)
    );
    assert_eq!(
        alj(20_000, date!(2026 - 12 - 02)).unwrap().meets_minimum,
        Some(true)
    );
    assert_eq!(
        alj(19_000, date!(2025 - 12 - 31)).unwrap().meets_minimum,
        Some(true)
    );
    assert_eq!(
        alj(20_000, date!(2030 - 01 - 01)).unwrap_err().field,
        "filed_on"
    );
    let council = appeal_deadline(
        AppealLevel::AppealsCouncil,
        date!(2026 - 11 - 02),
        date!(2026 - 12 - 02),
        Some(Money::from_cents(1)),
    )
    .unwrap();
    assert_eq!(council.minimum_amount, None);
}

/// CHK-KX-NOT-COVERED: with the rental, a KX line on a date its documentation leaves uncovered is
/// refused; the same line a month earlier passes.
#[test]
fn check_lines_refuses_kx_the_rental_does_not_support() {
    let rental: RentalInput = serde_json::from_value(oxygen(
        "2026-03-10",
        "2026-07-10",
        json!({ "checklist_met": true }),
    ))
    .unwrap();
    let line = |from: Date, modifiers: &[&str]| ClaimLine {
        hcpcs: "E1390".into(),
        modifiers: modifiers.iter().map(|m| (*m).to_owned()).collect(),
        from,
        rental_month: None,
        payer: None,
    };
    let request = LinesToCheck {
        lines: vec![
            line(date!(2026 - 05 - 10), &["KX", "N2"]),
            line(date!(2026 - 06 - 10), &["KX", "N2"]),
            line(date!(2026 - 06 - 10), &["GZ", "N2"]),
        ],
        rental: Some(rental),
        filed_on: Some(date!(2026 - 07 - 15)),
    };
    let checked = check_request(&request, date!(2026 - 12 - 02)).unwrap();
    let found: Vec<(&str, Option<&str>)> = checked
        .findings
        .iter()
        .map(|f| (f.code, f.field.as_deref()))
        .collect();
    assert_eq!(found, [("CHK-KX-NOT-COVERED", Some("lines[1].modifiers"))]);
    assert_eq!(
        checked.filing_deadlines[1].map(|d| d.deadline),
        Some(date!(2027 - 06 - 10))
    );
    // A bad rental is refused on its own field, prefixed.
    let mut bad = request.clone();
    bad.rental.as_mut().unwrap().through = date!(2020 - 01 - 01);
    assert_eq!(
        check_request(&bad, date!(2026 - 12 - 02))
            .unwrap_err()
            .field,
        "rental.through"
    );
}

/// PA-BILLABLE / PA-NOT-BILLABLE through the engine: a power wheelchair decision of 2026-01-31
/// with no typed expiry lasts the program's 6 months, through 2026-07-31 (month-end anniversary).
#[test]
fn prior_authorization_period_from_the_program() {
    for (delivery, billed) in [
        ("2026-07-30", true),
        ("2026-07-31", true),
        ("2026-08-01", false),
    ] {
        let s = run(wheelchair(delivery, "2026-01-31", None, "affirmed"));
        assert_eq!(!s.lines.is_empty(), billed, "PA {delivery}");
        if !billed {
            assert_eq!(s.skipped[0].reason, SkipReason::NoPriorAuthorization);
            assert!(
                s.findings[0].message.contains("expired on 2026-08-01"),
                "{}",
                s.findings[0].message
            );
        }
    }
}

/// A standard power wheelchair (PA program: 6 months) delivered on `delivery` with one request.
fn wheelchair(delivery: &str, decision: &str, expiry: Option<&str>, status: &str) -> Value {
    json!({ "item": { "hcpcs": "K0823", "category": "capped_rental", "purchase_price": 500000,
            "power_wheelchair": true, "prior_authorization_required": true },
        "payer": "medicare", "first_date_of_service": delivery, "through": delivery,
        "documentation": { "checklist_met": true, "prior_authorization": { "hcpcs": "K0823",
            "status": status, "utn": "A1B2C3D4E5F6G7", "decision_date": decision,
            "expiry_date": expiry } },
        "events": [] })
}

proptest! {
    /// PA-BILLABLE: for every generated request and delivery date (month ends and leap years
    /// included), the billing engine bills the delivery exactly when the order checker finds no
    /// prior-authorization problem with it.
    #[test]
    fn billing_and_the_order_checker_agree_on_pa_validity(
        delivery in 0i64..900,
        decision in -250i64..10,
        expiry in proptest::option::of(0i64..250),
        status in 0usize..4,
    ) {
        let delivered = date!(2026 - 05 - 20) + Duration::days(delivery);
        let decided = delivered + Duration::days(decision);
        let expires = expiry.map(|days| decided + Duration::days(days));
        let statuses = [
            (PaStatus::Affirmed, "affirmed"),
            (PaStatus::NonAffirmed, "non_affirmed"),
            (PaStatus::Submitted, "submitted"),
            (PaStatus::Expired, "expired"),
        ];
        let (pa_status, name) = statuses[status];
        let mut order = documentation_common::complete(&["K0823"]);
        order.planned_delivery = Some(delivered);
        order.eligibility[0].checked_on = delivered;
        order.prior_auths = vec![PriorAuthFacts {
            hcpcs: documentation_common::code("K0823"),
            status: pa_status,
            utn: Some("A1B2C3D4E5F6G7".to_owned()),
            decision_date: Some(decided),
            expiry_date: expires,
        }];
        let report = documentation_common::check(&order);
        let order_ok = !report.findings.iter().any(|f| f.id.starts_with("PA-"));
        let input: RentalInput = serde_json::from_value(wheelchair(
            &delivered.to_string(),
            &decided.to_string(),
            expires.map(|e| e.to_string()).as_deref(),
            name,
        ))
        .unwrap();
        let billed = !schedule(&input).unwrap().lines.is_empty();
        prop_assert_eq!(billed, order_ok, "delivery {} decision {} expiry {:?} {}", delivered, decided, expires, name);
    }
}
