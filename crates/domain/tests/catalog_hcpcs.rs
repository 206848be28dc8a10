#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The HCPCS file parser against the real 2019 CMS file (CSV layout), the bundled DMEPOS
//! subset and a hand-built fixture of CMS's fixed-width layout.

use std::path::PathBuf;
use std::time::Instant;

use durable_domain::billing::Category;
use durable_domain::catalog::{
    BUNDLED_HCPCS, HcpcsRecord, PaymentCategory, RecordKind, parse_hcpcs_file,
};
use proptest::prelude::*;
use time::macros::date;

/// A CMS file kept in the repository's data/hcpcs (kept in the repository so a clone anywhere
/// can run the tests).
fn shared_file(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/hcpcs")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn find<'a>(records: &'a [HcpcsRecord], code: &str) -> &'a HcpcsRecord {
    records
        .iter()
        .find(|r| r.code.as_str() == code)
        .unwrap_or_else(|| panic!("{code} missing"))
}

#[test]
fn the_2019_csv_file_parses_with_its_real_facts() {
    let records = parse_hcpcs_file(&shared_file("hcpcs2019_level2.csv")).unwrap();
    assert_eq!(records.len(), 6_800);
    let modifiers = records
        .iter()
        .filter(|r| r.kind() == RecordKind::Modifier)
        .count();
    assert_eq!(modifiers, 360);

    let bed = find(&records, "E0260");
    assert_eq!(bed.kind(), RecordKind::Procedure);
    assert_eq!(bed.pricing_indicators, ["36"]);
    assert_eq!(bed.payment_category(), Some(PaymentCategory::CappedRental));
    assert_eq!(
        bed.payment_category()
            .and_then(PaymentCategory::billing_category),
        Some(Category::CappedRental)
    );
    // The description holds commas inside quotes.
    assert_eq!(
        bed.long_description,
        "Hospital bed, semi-electric (head and foot adjustment), with any type side rails, with mattress"
    );
    assert_eq!(bed.short_description, "Hosp bed semi-electr w/ matt");
    assert_eq!(bed.added, Some(date!(1986 - 01 - 01)));
    assert_eq!(bed.action_effective, Some(date!(1991 - 01 - 01)));
    assert_eq!(bed.terminated, None);
    assert_eq!(bed.coverage.as_deref(), Some("D"));
    assert_eq!(bed.betos.as_deref(), Some("D1B"));
    assert_eq!(bed.action_code.as_deref(), Some("N"));

    let concentrator = find(&records, "E1390");
    assert_eq!(concentrator.pricing_indicators, ["33"]);
    assert_eq!(
        concentrator.payment_category(),
        Some(PaymentCategory::Oxygen)
    );

    let rental = find(&records, "RR");
    assert_eq!(rental.kind(), RecordKind::Modifier);
    assert!(rental.pricing_indicators.is_empty());
    assert_eq!(rental.payment_category(), None);

    // A ventilator code CMS ended on 2015-12-31 (frequent and substantial servicing).
    let ventilator = find(&records, "E0450");
    assert_eq!(ventilator.terminated, Some(date!(2015 - 12 - 31)));
    assert!(ventilator.is_active_on(date!(2015 - 12 - 31)));
    assert!(!ventilator.is_active_on(date!(2016 - 01 - 01)));
    assert_eq!(
        ventilator.payment_category(),
        Some(PaymentCategory::FrequentServicing)
    );
    assert_eq!(
        records.iter().filter(|r| r.terminated.is_some()).count(),
        515
    );

    // Codes with two pricing indicators keep both, in order.
    assert!(records.iter().any(|r| r.pricing_indicators.len() == 2));
}

#[test]
fn the_bundled_dmepos_subset_parses() {
    let records = parse_hcpcs_file(BUNDLED_HCPCS).unwrap();
    assert_eq!(records.len(), 2_691);
    for code in ["E0601", "E1390", "K0823"] {
        let record = find(&records, code);
        assert_eq!(record.kind(), RecordKind::Procedure);
    }
    assert_eq!(
        find(&records, "K0823").payment_category(),
        Some(PaymentCategory::CappedRental)
    );
    assert_eq!(
        find(&records, "E0601").payment_category(),
        Some(PaymentCategory::CappedRental)
    );
    assert!(
        records.iter().any(|r| r.kind() == RecordKind::Modifier),
        "the subset carries every modifier"
    );
}

#[test]
fn the_fixed_width_layout_joins_continuation_lines() {
    let records = parse_hcpcs_file(&fixture("hcpcs_fixed_width.txt")).unwrap();
    let codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        ["AD", "KX", "RR", "E0260", "E0450", "E1390", "K0823"]
    );

    let supervision = find(&records, "AD");
    assert_eq!(supervision.kind(), RecordKind::Modifier);
    assert_eq!(
        supervision.long_description,
        "Medical supervision by a physician: more than four concurrent anesthesia procedures"
    );
    assert_eq!(
        supervision.short_description,
        "Md supervision, >4 anes proc"
    );

    let bed = find(&records, "E0260");
    assert_eq!(bed.pricing_indicators, ["36"]);
    assert_eq!(bed.payment_category(), Some(PaymentCategory::CappedRental));
    assert_eq!(bed.multiple_pricing_indicator.as_deref(), Some("A"));
    assert_eq!(bed.type_of_service.as_deref(), Some("R"));
    assert_eq!(
        find(&records, "K0823").type_of_service.as_deref(),
        Some("APR")
    );
    assert_eq!(
        find(&records, "E0450").terminated,
        Some(date!(2015 - 12 - 31))
    );
}

#[test]
fn a_disclaimer_before_and_an_end_of_file_mark_after_the_records_are_skipped() {
    let mut bytes = b"HCPCS 2019 annual file\r\nCPT codes are not included.\r\n\r\n".to_vec();
    bytes.extend(fixture("hcpcs_fixed_width.txt"));
    bytes.push(0x1A);
    let records = parse_hcpcs_file(&bytes).unwrap();
    assert_eq!(records.len(), 7);
    assert_eq!(records[0].code.as_str(), "AD");
}

#[test]
fn both_layouts_give_the_same_records() {
    let fixed = parse_hcpcs_file(&fixture("hcpcs_fixed_width.txt")).unwrap();
    let csv = parse_hcpcs_file(&shared_file("hcpcs2019_level2.csv")).unwrap();
    for record in &fixed {
        assert_eq!(record, find(&csv, record.code.as_str()));
    }
}

#[test]
fn errors_name_the_line_and_field() {
    let mut text = String::from_utf8(fixture("hcpcs_fixed_width.txt")).unwrap();
    // Line 5 is E0260's first line; make its add date impossible.
    let line5_start: usize = text.split_inclusive('\n').take(4).map(str::len).sum();
    text.replace_range(line5_start + 268..line5_start + 276, "19861301");
    let err = parse_hcpcs_file(text.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (5, "add date"), "{err}");

    let csv = "code,kind,long_description,short_description,price1,price2,price3,price4,mult_pi,coverage,betos,tos,add_dt,act_eff_dt,term_dt,action_cd\n\
               E0260,procedure,Bed,Bed,36,,,,A,D,D1B,R,19860101,19910101,,N\n\
               X0260,procedure,Bed,Bed,36,,,,A,D,D1B,R,19860101,19910101,,N\n";
    let err = parse_hcpcs_file(csv.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (3, "code"), "{err}");

    let short_row = "code,kind,long_description,short_description,price1,price2,price3,price4,mult_pi,coverage,betos,tos,add_dt,act_eff_dt,term_dt,action_cd\nE0260,procedure,Bed\n";
    let err = parse_hcpcs_file(short_row.as_bytes()).unwrap_err();
    assert_eq!(err.line, 2, "{err}");

    let missing_column = "code,kind,long_description\nE0260,procedure,Bed\n";
    let err = parse_hcpcs_file(missing_column.as_bytes()).unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (1, "short_description"));

    assert!(parse_hcpcs_file(b"").is_err());
    assert!(parse_hcpcs_file(b"hello world\n").is_err());
}

#[test]
fn a_continuation_without_its_first_line_is_refused() {
    let text = String::from_utf8(fixture("hcpcs_fixed_width.txt")).unwrap();
    let without_first_bed_line: String = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, line)| line)
        .collect();
    let err = parse_hcpcs_file(without_first_bed_line.as_bytes()).unwrap_err();
    assert_eq!(
        (err.line, err.field.as_str()),
        (5, "record identification"),
        "{err}"
    );
}

#[test]
fn the_full_file_parses_quickly() {
    let bytes = shared_file("hcpcs2019_level2.csv");
    let started = Instant::now();
    let records = parse_hcpcs_file(&bytes).unwrap();
    let elapsed = started.elapsed();
    println!("parsed {} records in {elapsed:?}", records.len());
    // Generous for unoptimised test builds on a shared machine; release builds take a few ms.
    assert!(elapsed.as_millis() < 1_000, "{elapsed:?}");
}

proptest! {
    #[test]
    fn any_bytes_parse_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = parse_hcpcs_file(&bytes);
    }

    #[test]
    fn any_bytes_after_a_layout_start_never_panic(
        start in prop::sample::select(vec![
            "code,kind,long_description,short_description,price1,price2,price3,price4,mult_pi,coverage,betos,tos,add_dt,act_eff_dt,term_dt,action_cd\n",
            "E0260001003",
            "   RR001007",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..1_000),
    ) {
        let mut bytes = start.as_bytes().to_vec();
        bytes.extend(tail);
        let _ = parse_hcpcs_file(&bytes);
    }

    #[test]
    fn mangled_fixed_width_lines_never_panic(cut in 0usize..4_000, byte in any::<u8>()) {
        let mut bytes = fixture("hcpcs_fixed_width.txt");
        let at = cut % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.max(1));
        let _ = parse_hcpcs_file(&bytes);
    }

    #[test]
    fn mangled_csv_rows_never_panic(cut in 0usize..3_000, byte in any::<u8>()) {
        let mut bytes = BUNDLED_HCPCS[..3_000].to_vec();
        bytes[cut] = byte;
        let _ = parse_hcpcs_file(&bytes);
    }
}
