//! Table tests for the billing rules engine: the worked examples of medicare-rules.md §11 and
//! scenarios derived from §1–§2, each naming the rule it proves.

// The helpers below build fixed, known-good inputs; a failure there is a test failure.
#![allow(clippy::unwrap_used)]

use durable_domain::billing::{
    InputError, Line, Modifier, RentalInput, Schedule, SkipReason, rules, schedule,
};
use durable_domain::money::Money;
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

fn input(value: Value) -> RentalInput {
    serde_json::from_value(value).unwrap()
}

fn run(value: Value) -> Schedule {
    schedule(&input(value)).unwrap()
}

fn error(value: Value) -> InputError {
    schedule(&input(value)).unwrap_err()
}

fn bed(first: &str, through: &str, events: Value) -> Value {
    json!({
        "item": { "hcpcs": "E0260", "category": "capped_rental", "purchase_price": 100_000 },
        "payer": "medicare",
        "first_date_of_service": first,
        "through": through,
        "documentation": { "checklist_met": true },
        "events": events,
    })
}

fn codes(line: &Line) -> Vec<&'static str> {
    line.modifiers.iter().map(|m| m.code()).collect()
}

fn fired(rules: &[durable_domain::billing::Rule]) -> Vec<&'static str> {
    rules.iter().map(|r| r.id).collect()
}

fn froms(schedule: &Schedule) -> Vec<Date> {
    schedule.lines.iter().map(|l| l.from).collect()
}

/// medicare-rules.md §11 example 1: capped rental, continuous use (E0260 from 2026-01-15).
#[test]
fn worked_example_1_capped_rental_continuous_use() {
    let s = run(bed("2026-01-15", "2027-12-31", json!([])));
    assert_eq!(s.lines.len(), 13);
    assert_eq!(codes(&s.lines[0]), ["RR", "KH", "KX"]);
    assert_eq!(s.lines[0].from, date!(2026 - 01 - 15));
    for line in &s.lines[1..3] {
        assert_eq!(codes(line), ["RR", "KI", "KX"]);
    }
    assert_eq!(s.lines[1].from, date!(2026 - 02 - 15));
    assert_eq!(s.lines[2].from, date!(2026 - 03 - 15));
    for line in &s.lines[3..] {
        assert_eq!(codes(line), ["RR", "KJ", "KX"]);
    }
    assert_eq!(s.lines[3].from, date!(2026 - 04 - 15));
    assert_eq!(s.lines[12].from, date!(2027 - 01 - 15));
    // Month 14 onward: no rental claim; title transfers on 2027-02-15.
    assert_eq!(s.title_transfer, Some(date!(2027 - 02 - 15)));
    assert!(s.skipped.is_empty());
    assert!(fired(&s.lines[12].rules).contains(&"CR-CAP-13"));
    assert!(fired(&s.lines[12].rules).contains(&"CR-TITLE-TRANSFER"));
}

/// medicare-rules.md §11 example 2: oxygen concentrator lifecycle (E1390, Group I, from 2026-03-10).
#[test]
fn worked_example_2_oxygen_lifecycle() {
    let s = run(json!({
        "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17_000, "oxygen_group": "I" },
        "payer": "medicare",
        "first_date_of_service": "2026-03-10",
        "through": "2031-12-31",
        "documentation": { "checklist_met": true },
    }));
    assert_eq!(s.lines.len(), 36);
    assert_eq!(s.lines[0].from, date!(2026 - 03 - 10));
    assert_eq!(s.lines[35].from, date!(2029 - 02 - 10));
    for line in &s.lines {
        assert_eq!(line.modifiers.last(), Some(&Modifier::N1));
        assert!(!line.modifiers.contains(&Modifier::Rr));
    }
    // From 2029-03-10 no rental claims: months 37–60 are listed as furnished without payment.
    assert_eq!(s.skipped.len(), 24);
    assert!(
        s.skipped
            .iter()
            .all(|m| m.reason == SkipReason::OxygenCapReached)
    );
    assert_eq!(s.skipped[0].from, date!(2029 - 03 - 10));
    assert_eq!(s.skipped[23].from, date!(2031 - 02 - 10));
    assert_eq!(s.skipped[23].to, date!(2031 - 03 - 09));
    // The RUL ends at 5 years: new equipment may be elected from 2031-03-10.
    assert_eq!(s.useful_lifetime_end, Some(date!(2031 - 03 - 10)));
    assert_eq!(s.total_allowed, Money::from_cents(36 * 17_000));
}

/// CR-RATE-STD-1-3 and CR-RATE-STD-4-13: 10 % × 3 then 7.5 % × 10 = 105 % of the purchase price.
#[test]
fn standard_capped_rental_pays_ten_then_seven_and_a_half_percent() {
    let s = run(bed("2026-01-15", "2027-12-31", json!([])));
    let allowed: Vec<i64> = s.lines.iter().map(|l| l.allowed.cents()).collect();
    assert_eq!(allowed[..3], [10_000; 3]);
    assert_eq!(allowed[3..], [7_500; 10]);
    assert_eq!(s.total_allowed, Money::from_cents(105_000));
    assert!(fired(&s.lines[0].rules).contains(&"CR-RATE-STD-1-3"));
    assert!(fired(&s.lines[3].rules).contains(&"CR-RATE-STD-4-13"));
}

/// CR-RATE-PWC-1-3 and CR-RATE-PWC-4-13: power wheelchairs 15 % × 3 then 6 % × 10.
#[test]
fn power_wheelchair_pays_fifteen_then_six_percent() {
    let mut value = bed("2026-01-15", "2027-12-31", json!([]));
    value["item"] = json!({ "hcpcs": "K0823", "category": "capped_rental",
        "purchase_price": 500_000, "power_wheelchair": true });
    let s = run(value);
    let allowed: Vec<i64> = s.lines.iter().map(|l| l.allowed.cents()).collect();
    assert_eq!(allowed[..3], [75_000; 3]);
    assert_eq!(allowed[3..], [30_000; 10]);
    assert_eq!(s.total_allowed, Money::from_cents(525_000));
    assert!(fired(&s.lines[3].rules).contains(&"CR-RATE-PWC-4-13"));
}

/// BIB-STAY and BIB-RESUME: a stay over an anniversary is skipped, not counted, and the count
/// resumes with a new date of service the day after the stay.
#[test]
fn stay_over_an_anniversary_pauses_the_count() {
    let s = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([{ "kind": "stay", "start": "2026-03-10", "end": "2026-04-20" }]),
    ));
    assert_eq!(s.skipped.len(), 1);
    assert_eq!(s.skipped[0].reason, SkipReason::FacilityStay);
    assert_eq!(
        (s.skipped[0].from, s.skipped[0].to),
        (date!(2026 - 03 - 15), date!(2026 - 04 - 20))
    );
    assert_eq!(s.lines.len(), 13);
    assert_eq!(s.lines[2].from, date!(2026 - 04 - 21));
    assert_eq!(codes(&s.lines[2]), ["RR", "KI", "KX"]);
    assert!(fired(&s.lines[2].rules).contains(&"BIB-RESUME"));
    assert_eq!(s.lines[3].from, date!(2026 - 05 - 21));
    assert_eq!(s.lines[12].from, date!(2027 - 02 - 21));
    assert_eq!(s.title_transfer, Some(date!(2027 - 03 - 21)));
}

/// BIB-STAY does not fire when a stay falls wholly between two anniversaries.
#[test]
fn stay_between_anniversaries_changes_nothing() {
    let with_stay = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([{ "kind": "stay", "start": "2026-01-20", "end": "2026-02-10" }]),
    ));
    let without = run(bed("2026-01-15", "2027-12-31", json!([])));
    assert!(with_stay.skipped.is_empty());
    assert_eq!(froms(&with_stay), froms(&without));
}

/// END-MONTH-PAID: the month of death is paid in full and nothing after it.
#[test]
fn month_of_death_is_paid_in_full_then_billing_stops() {
    let s = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([{ "kind": "death", "date": "2026-05-20" }]),
    ));
    assert_eq!(s.lines.len(), 5);
    assert_eq!(s.lines[4].to, date!(2026 - 06 - 14));
    assert_eq!(s.lines[4].allowed, Money::from_cents(7_500));
    assert!(fired(&s.lines[4].rules).contains(&"END-MONTH-PAID"));
    assert_eq!(s.title_transfer, None);
    assert_eq!(s.end_of_need, Some(date!(2026 - 05 - 20)));
}

/// END-MONTH-PAID: a return on an anniversary date still pays that month.
#[test]
fn return_on_an_anniversary_pays_that_month() {
    let s = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([{ "kind": "return", "date": "2026-03-15" }]),
    ));
    assert_eq!(s.lines.len(), 3);
    assert!(fired(&s.lines[2].rules).contains(&"END-MONTH-PAID"));
}

/// MOD-GZ then MOD-GA: without the checklist, GZ until the ABN is signed, GA from then on.
#[test]
fn abn_signed_mid_rental_turns_gz_into_ga() {
    let mut value = bed("2026-01-15", "2026-04-01", json!([]));
    value["documentation"] =
        json!({ "checklist_met": false, "abn": { "signed_date": "2026-02-20" } });
    let s = run(value);
    let lines: Vec<Vec<&str>> = s.lines.iter().map(codes).collect();
    assert_eq!(
        lines,
        [
            vec!["RR", "KH", "GZ"],
            vec!["RR", "KI", "GZ"],
            vec!["RR", "KI", "GA"]
        ]
    );
}

/// MOD-KX wins over an ABN: a met checklist never gives GA or GZ.
#[test]
fn met_checklist_gives_kx_even_with_an_abn() {
    let mut value = bed("2026-01-15", "2026-02-01", json!([]));
    value["documentation"] =
        json!({ "checklist_met": true, "abn": { "signed_date": "2026-01-01" } });
    assert_eq!(codes(&run(value).lines[0]), ["RR", "KH", "KX"]);
}

/// MONTH-CLAMP-EOM: a day-31 start bills Feb 28, then returns to the 31st (UNCONFIRMED rule).
#[test]
fn day_31_start_clamps_to_the_end_of_february() {
    let s = run(bed("2026-01-31", "2026-04-30", json!([])));
    assert_eq!(
        froms(&s),
        [
            date!(2026 - 01 - 31),
            date!(2026 - 02 - 28),
            date!(2026 - 03 - 31),
            date!(2026 - 04 - 30)
        ]
    );
    assert!(fired(&s.lines[1].rules).contains(&"MONTH-CLAMP-EOM"));
    assert!(!fired(&s.lines[2].rules).contains(&"MONTH-CLAMP-EOM"));
}

/// FS-RENT-WHILE-NEEDED: frequent-servicing items have no cap.
#[test]
fn frequent_servicing_rents_without_a_cap() {
    let s = run(json!({
        "item": { "hcpcs": "E0465", "category": "frequent_servicing", "monthly_fee": 95_000 },
        "payer": "medicare",
        "first_date_of_service": "2026-01-01",
        "through": "2027-08-01",
        "documentation": { "checklist_met": true },
    }));
    assert_eq!(s.lines.len(), 20);
    assert!(s.lines.iter().all(|l| codes(l) == ["RR", "KX"]));
    assert_eq!(s.title_transfer, None);
}

/// OX-RUL-5Y: a stay delays paid months but not the end of the useful lifetime.
#[test]
fn oxygen_stay_does_not_extend_the_useful_lifetime() {
    let s = run(json!({
        "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17_000 },
        "payer": "medicare",
        "first_date_of_service": "2026-03-10",
        "through": "2031-12-31",
        "documentation": { "checklist_met": false },
        "events": [{ "kind": "stay", "start": "2026-05-01", "end": "2026-06-20" }],
    }));
    assert_eq!(s.lines.len(), 36);
    assert_eq!(s.lines[2].from, date!(2026 - 06 - 21));
    assert_eq!(codes(&s.lines[0]), ["GZ"]);
    assert_eq!(s.useful_lifetime_end, Some(date!(2031 - 03 - 10)));
    let last = s.skipped.last().unwrap();
    assert_eq!(last.to, date!(2031 - 03 - 09));
}

/// CR-CAP-13 is not reached when the through-date comes first: no title transfer yet.
#[test]
fn through_date_before_month_13_has_no_title_transfer() {
    let s = run(bed("2026-01-15", "2026-06-15", json!([])));
    assert_eq!(s.lines.len(), 6);
    assert_eq!(s.title_transfer, None);
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (bed("2026-01-15", "2026-01-14", json!([])), "through"),
        (bed("2026-01-15", "2036-01-15", json!([])), "through"),
        (
            bed(
                "2026-01-15",
                "2026-12-31",
                json!([{ "kind": "death", "date": "2026-01-14" }]),
            ),
            "events[0].date",
        ),
        (
            bed(
                "2026-01-15",
                "2026-12-31",
                json!([
                    { "kind": "return", "date": "2026-09-01" },
                    { "kind": "stay", "start": "2026-03-01", "end": "2026-02-27" },
                ]),
            ),
            "events[1].end",
        ),
        (
            bed(
                "2026-01-15",
                "2026-12-31",
                json!([
                    { "kind": "stay", "start": "2026-03-01", "end": "2026-03-10" },
                    { "kind": "stay", "start": "2026-03-10", "end": "2026-03-12" },
                ]),
            ),
            "events[1].start",
        ),
        (
            bed(
                "2026-01-15",
                "2026-12-31",
                json!([{ "kind": "stay", "start": "2026-01-01", "end": "2026-03-12" }]),
            ),
            "events[0].start",
        ),
    ];
    for (value, field) in cases {
        assert_eq!(error(value).field, field);
    }
    let mut value = bed("2026-01-15", "2026-12-31", json!([]));
    value["item"] = json!({ "hcpcs": "E0260", "category": "capped_rental" });
    assert_eq!(error(value.clone()).field, "item.purchase_price");
    value["item"] = json!({ "hcpcs": "e026", "category": "capped_rental", "purchase_price": 1 });
    assert_eq!(error(value.clone()).field, "item.hcpcs");
    value["item"] = json!({ "hcpcs": "E0100", "category": "inexpensive_routinely_purchased" });
    assert_eq!(error(value).field, "item.category");
}

#[test]
fn unknown_category_and_unknown_fields_are_refused_by_serde() {
    let mut value = bed("2026-01-15", "2026-12-31", json!([]));
    value["item"]["category"] = json!("rent_to_own");
    let err = serde_json::from_value::<RentalInput>(value)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown variant `rent_to_own`"), "{err}");
    let mut value = bed("2026-01-15", "2026-12-31", json!([]));
    value["documentation"]["checklist_mett"] = json!(true);
    let err = serde_json::from_value::<RentalInput>(value)
        .unwrap_err()
        .to_string();
    assert!(err.contains("checklist_mett"), "{err}");
    let value = bed(
        "2026-01-15",
        "2026-12-31",
        json!([{ "kind": "stay", "date": "2026-02-01" }]),
    );
    assert!(serde_json::from_value::<RentalInput>(value).is_err());
}

#[test]
fn schedule_serializes_dates_and_modifiers_readably() {
    let s = run(bed("2026-01-15", "2026-01-15", json!([])));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["lines"][0]["from"], "2026-01-15");
    assert_eq!(json["lines"][0]["modifiers"], json!(["RR", "KH", "KX"]));
    assert_eq!(json["lines"][0]["allowed"], 10_000);
    assert_eq!(json["title_transfer"], Value::Null);
    assert!(
        rules::ALL
            .iter()
            .any(|r| r.id == json["lines"][0]["rules"][0]["id"])
    );
}
