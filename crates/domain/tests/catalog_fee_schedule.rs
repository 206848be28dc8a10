#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The DMEPOS fee schedule parser against a small fixture in CMS's CSV layout.

use std::path::PathBuf;

use durable_domain::catalog::PaymentCategory;
use durable_domain::catalog::fee_schedule::{self, FeeScheduleRow};
use durable_domain::codes::UsState;
use durable_domain::money::Money;
use proptest::prelude::*;

fn fixture() -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dmepos_fee_schedule.csv");
    std::fs::read(&path).unwrap()
}

fn row<'a>(rows: &'a [FeeScheduleRow], hcpcs: &str, modifier: Option<&str>) -> &'a FeeScheduleRow {
    rows.iter()
        .find(|r| r.hcpcs.as_str() == hcpcs && r.modifier.as_ref().map(|m| m.as_str()) == modifier)
        .unwrap_or_else(|| panic!("{hcpcs} {modifier:?} missing"))
}

fn state(code: &str) -> UsState {
    UsState::parse(code).unwrap()
}

fn cents(cents: i64) -> Option<Money> {
    Some(Money::from_cents(cents))
}

#[test]
fn every_row_after_the_preamble_is_read() {
    let rows = fee_schedule::parse(&fixture()).unwrap();
    assert_eq!(rows.len(), 8);
    let bed_modifiers: Vec<_> = rows
        .iter()
        .filter(|r| r.hcpcs.as_str() == "E0260")
        .map(|r| r.modifier.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(bed_modifiers, ["NU", "RR", "UE"]);
}

#[test]
fn amounts_by_state_and_area() {
    let rows = fee_schedule::parse(&fixture()).unwrap();
    // (hcpcs, modifier, state, rural, expected)
    let cases = [
        ("E0260", Some("RR"), "AL", false, cents(14_795)),
        ("E0260", Some("RR"), "AL", true, cents(16_123)),
        ("E0260", Some("NU"), "NY", false, cents(174_055)),
        ("E0260", Some("UE"), "OH", true, cents(120_000)),
        ("E1390", None, "OH", false, cents(17_317)),
        ("E1390", None, "OH", true, cents(20_063)),
        ("E0601", Some("RR"), "NY", true, cents(9_201)),
        ("E0601", Some("NU"), "OH", false, cents(80_010)),
        ("A4604", None, "AL", false, cents(47)),
        // A blank cell is no amount, not zero.
        ("A4604", None, "AL", true, None),
        // A state the file has no column for.
        ("E0260", Some("RR"), "TX", false, None),
    ];
    for (hcpcs, modifier, st, rural, expected) in cases {
        assert_eq!(
            row(&rows, hcpcs, modifier).amount(&state(st), rural),
            expected,
            "{hcpcs} {modifier:?} {st} rural={rural}"
        );
    }
}

#[test]
fn columns_before_the_states() {
    let rows = fee_schedule::parse(&fixture()).unwrap();
    let bed = row(&rows, "E0260", Some("NU"));
    assert_eq!(bed.modifier2, None);
    assert_eq!(bed.jurisdiction.as_deref(), Some("D"));
    assert_eq!(bed.category.as_deref(), Some("CR"));
    assert_eq!(bed.payment_category(), Some(PaymentCategory::CappedRental));
    assert_eq!(bed.ceiling, cents(174_055));
    assert_eq!(bed.floor, cents(147_947));
    assert_eq!(bed.description, "Hosp bed semi-electr w/ matt");
    let oxygen = row(&rows, "E1390", None);
    assert_eq!(oxygen.payment_category(), Some(PaymentCategory::Oxygen));
    assert_eq!(oxygen.ceiling, Some(Money::ZERO));
    assert_eq!(
        row(&rows, "A4604", None).description,
        "Tubing with heating element, each"
    );
}

#[test]
fn states_without_a_rural_split_apply_to_both_areas() {
    let file = "HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor,OH,Description\nE0260,RR,,D,CR,174.06,147.95,152.51,Bed\n";
    let rows = fee_schedule::parse(file.as_bytes()).unwrap();
    assert_eq!(rows[0].amount(&state("OH"), false), cents(15_251));
    assert_eq!(rows[0].amount(&state("OH"), true), cents(15_251));
}

#[test]
fn errors_name_the_line_and_column() {
    let text = String::from_utf8(fixture()).unwrap();
    let bad_amount = text.replacen("147.95,161.23", "147.95,16l.23", 1);
    let err = fee_schedule::parse(bad_amount.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (9, "AL (R)"), "{err}");

    let bad_code = text.replacen("E1390,", "E13900,", 1);
    let err = fee_schedule::parse(bad_code.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (11, "HCPCS"), "{err}");

    let bad_modifier = text.replacen("E0601,NU,", "E0601,NUX,", 1);
    let err = fee_schedule::parse(bad_modifier.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (12, "Mod"), "{err}");

    let no_header = "just,some,text\n";
    assert!(fee_schedule::parse(no_header.as_bytes()).is_err());
    let no_states = "HCPCS,Mod,Description\nE0260,RR,Bed\n";
    assert!(fee_schedule::parse(no_states.as_bytes()).is_err());
}

proptest! {
    #[test]
    fn any_bytes_parse_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = fee_schedule::parse(&bytes);
    }

    #[test]
    fn mangled_fixture_never_panics(at in 0usize..10_000, byte in any::<u8>()) {
        let mut bytes = fixture();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = fee_schedule::parse(&bytes);
    }
}
