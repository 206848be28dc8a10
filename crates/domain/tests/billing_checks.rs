//! Table tests for the claim-line checks (crates/domain/src/billing/checks.rs), each naming the
//! rule it proves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use durable_domain::billing::checks::{
    ClaimLine, check_line, check_lines, check_mbi, check_npi, check_redetermination,
    check_timely_filing, redetermination_deadline, timely_filing_deadline,
};
use durable_domain::billing::{Finding, Severity, rules};
use time::Date;
use time::macros::date;

fn line(modifiers: &str, month: Option<u32>) -> ClaimLine {
    ClaimLine {
        hcpcs: "E0260".into(),
        modifiers: modifiers.split_whitespace().map(str::to_owned).collect(),
        from: date!(2026 - 01 - 15),
        rental_month: month,
        payer: None,
    }
}

fn codes(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
    findings.iter().map(|f| (f.code, f.severity)).collect()
}

/// Every finding is actionable: a code that is a documented rule, a sentence and a fix.
fn assert_actionable(findings: &[Finding]) {
    for finding in findings {
        assert!(rules::ALL.iter().any(|r| r.id == finding.code));
        assert!(finding.message.ends_with('.') && !finding.fix.is_empty());
    }
}

/// One row: modifiers, rental month, expected (code, severity) findings.
type Row = (
    &'static str,
    Option<u32>,
    &'static [(&'static str, Severity)],
);

/// The modifier table: each row a line and the findings it must give (none for a clean line).
#[test]
fn modifier_checks_table() {
    use Severity::{Blocking, Warning};
    let table: &[Row] = &[
        // Clean lines from §11 example 1 and the oxygen example.
        ("RR KH KX", Some(1), &[]),
        ("RR KI KX", Some(3), &[]),
        ("RR KJ GA", Some(13), &[]),
        ("QF KX N1", Some(5), &[]),
        ("RB KX", None, &[]),
        // CHK-KX-WITH-G: KX never with GA, GY or GZ.
        ("RR KH KX GA", Some(1), &[("CHK-KX-WITH-G", Blocking)]),
        ("NU KX GY", None, &[("CHK-KX-WITH-G", Blocking)]),
        ("RR KJ KX GZ", Some(4), &[("CHK-KX-WITH-G", Blocking)]),
        // CHK-GA-WITH-GZ.
        ("RR KI GA GZ", Some(2), &[("CHK-GA-WITH-GZ", Blocking)]),
        // CHK-MONTH-MODIFIER: KH only month 1, KI months 2-3, KJ months 4-13, nothing after 13.
        ("RR KH KX", Some(2), &[("CHK-MONTH-MODIFIER", Blocking)]),
        ("RR KI KX", Some(1), &[("CHK-MONTH-MODIFIER", Blocking)]),
        ("RR KI KX", Some(4), &[("CHK-MONTH-MODIFIER", Blocking)]),
        ("RR KJ KX", Some(3), &[("CHK-MONTH-MODIFIER", Blocking)]),
        ("RR KJ KX", Some(14), &[("CHK-MONTH-MODIFIER", Blocking)]),
        // Without a month number the month cannot be checked.
        ("RR KJ KX", None, &[]),
        // CHK-MODIFIER-COUNT: at most 4.
        (
            "RR KH KX BR RA",
            Some(1),
            &[("CHK-MODIFIER-COUNT", Blocking)],
        ),
        // CHK-PRICING-FIRST: pricing, then KX, then informational.
        ("KX RR KH", Some(1), &[("CHK-PRICING-FIRST", Warning)]),
        ("RR N1 KX", Some(5), &[("CHK-PRICING-FIRST", Warning)]),
        // An unknown modifier counts as informational: fine last, out of order before pricing.
        ("RR KH KX XY", Some(1), &[]),
        ("XY RR", None, &[("CHK-PRICING-FIRST", Warning)]),
        // CHK-DUPLICATE-MODIFIER, case-insensitively.
        ("RR rr KH", Some(1), &[("CHK-DUPLICATE-MODIFIER", Warning)]),
        // Several at once, in a fixed order.
        (
            "KX GA GZ RR KH",
            Some(2),
            &[
                ("CHK-KX-WITH-G", Blocking),
                ("CHK-GA-WITH-GZ", Blocking),
                ("CHK-MONTH-MODIFIER", Blocking),
                ("CHK-MODIFIER-COUNT", Blocking),
                ("CHK-PRICING-FIRST", Warning),
            ],
        ),
    ];
    for (modifiers, month, expected) in table {
        let findings = check_line(&line(modifiers, *month));
        assert_eq!(codes(&findings), *expected, "{modifiers} month {month:?}");
        assert_actionable(&findings);
    }
}

/// CHK-MONTH-MODIFIER: the fix names the modifier the month needs.
#[test]
fn month_modifier_fix_names_the_right_modifier() {
    let findings = check_line(&line("RR KH KX", Some(5)));
    assert!(findings[0].fix.contains("KJ"), "{:?}", findings[0]);
    assert!(findings[0].message.contains("rental month 5"));
    let findings = check_line(&line("RR KJ KX", Some(14)));
    assert!(findings[0].fix.contains("Do not bill"));
}

/// check_lines names each finding's line.
#[test]
fn findings_over_several_lines_name_their_line() {
    let findings = check_lines(&[line("RR KH KX", Some(1)), line("RR KH KX GZ", Some(2))]);
    let fields: Vec<_> = findings.iter().map(|f| f.field.as_deref()).collect();
    assert_eq!(fields, [Some("lines[1].modifiers"); 2]);
}

/// CHK-TIMELY-FILING: 12 months after the date of service; Feb 29 files by Feb 28.
#[test]
fn timely_filing_deadline_table() {
    let table: &[(Date, Date)] = &[
        (date!(2026 - 01 - 15), date!(2027 - 01 - 15)),
        (date!(2026 - 12 - 31), date!(2027 - 12 - 31)),
        (date!(2028 - 02 - 29), date!(2029 - 02 - 28)),
        (date!(2027 - 02 - 28), date!(2028 - 02 - 28)),
    ];
    for (dos, deadline) in table {
        assert_eq!(timely_filing_deadline(*dos), Some(*deadline), "{dos}");
    }
    assert_eq!(timely_filing_deadline(date!(9999 - 06 - 01)), None);
}

/// CHK-TIMELY-FILING: nothing far from the deadline, a warning within 30 days, blocking after.
#[test]
fn timely_filing_findings_by_today() {
    let dos = date!(2028 - 02 - 29);
    assert_eq!(check_timely_filing(dos, date!(2028 - 06 - 01)), None);
    assert_eq!(check_timely_filing(dos, date!(2029 - 01 - 28)), None);
    let soon = check_timely_filing(dos, date!(2029 - 01 - 29)).unwrap();
    assert_eq!(
        (soon.code, soon.severity),
        ("CHK-TIMELY-FILING", Severity::Warning)
    );
    assert!(soon.message.contains("2029-02-28") && soon.message.contains("30 days"));
    let last_day = check_timely_filing(dos, date!(2029 - 02 - 28)).unwrap();
    assert_eq!(last_day.severity, Severity::Warning);
    let late = check_timely_filing(dos, date!(2029 - 03 - 01)).unwrap();
    assert_eq!(late.severity, Severity::Blocking);
    assert!(late.fix.contains("coinsurance"));
    assert_actionable(&[soon, late]);
}

/// CHK-REDETERMINATION: 5 days presumed receipt + 120 days.
#[test]
fn redetermination_deadline_table() {
    let table: &[(Date, Date)] = &[
        // 2026-03-02 + 5 = 03-07; + 120 = 07-05.
        (date!(2026 - 03 - 02), date!(2026 - 07 - 05)),
        // Across a year end and a leap day: 2027-12-20 + 125 = 2028-04-23.
        (date!(2027 - 12 - 20), date!(2028 - 04 - 23)),
    ];
    for (remit, deadline) in table {
        assert_eq!(redetermination_deadline(*remit), Some(*deadline), "{remit}");
    }
    let remit = date!(2026 - 03 - 02);
    assert_eq!(check_redetermination(remit, date!(2026 - 06 - 04)), None);
    let soon = check_redetermination(remit, date!(2026 - 06 - 05)).unwrap();
    assert_eq!(
        (soon.code, soon.severity),
        ("CHK-REDETERMINATION", Severity::Warning)
    );
    let late = check_redetermination(remit, date!(2026 - 07 - 06)).unwrap();
    assert_eq!(late.severity, Severity::Blocking);
    assert!(late.message.contains("2026-07-05"));
    assert!(check_redetermination(date!(9999 - 12 - 01), date!(2026 - 01 - 01)).is_some());
}

/// CHK-NPI and CHK-MBI: crate::codes decides; the finding names the field and says why.
#[test]
fn identifier_checks_table() {
    // 1234567893 is the CMS example NPI with a valid check digit.
    assert_eq!(check_npi("billing_npi", "1234567893"), None);
    let bad = check_npi("billing_npi", "1234567890").unwrap();
    assert_eq!(
        (bad.code, bad.severity, bad.field.as_deref()),
        ("CHK-NPI", Severity::Blocking, Some("billing_npi"))
    );
    assert!(bad.message.contains("check digit"));
    assert!(
        check_npi("ordering_npi", "12345")
            .unwrap()
            .message
            .contains("10 digits")
    );
    assert_eq!(check_mbi("mbi", "1EG4-TE5-MK73"), None);
    let bad = check_mbi("mbi", "1EG4-TE5-MK7").unwrap();
    assert_eq!((bad.code, bad.severity), ("CHK-MBI", Severity::Blocking));
    // S is never an MBI letter.
    assert!(
        check_mbi("mbi", "1SG4TE5MK73")
            .unwrap()
            .message
            .contains("Character 2")
    );
    assert_actionable(&[bad]);
}
