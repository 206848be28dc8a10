//! Table tests for the billing rules engine: the worked examples (capped rental, oxygen, CPAP) and
//! scenarios derived from §1–§6, each naming the rule it proves. More scenarios, as data, are
//! in tests/scenarios/ (run by billing_scenarios.rs).

// The helpers below build fixed, known-good inputs; a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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

fn codes(line: &Line) -> Vec<&str> {
    line.modifiers.iter().map(|m| m.code()).collect()
}

fn fired(rules: &[durable_domain::billing::Rule]) -> Vec<&'static str> {
    rules.iter().map(|r| r.id).collect()
}

fn froms(schedule: &Schedule) -> Vec<Date> {
    schedule.lines.iter().map(|l| l.from).collect()
}

/// Worked example 1: capped rental, continuous use (E0260 from 2026-01-15).
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

/// Worked example 2: oxygen concentrator lifecycle (E1390, Group I, from 2026-03-10).
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
    assert_eq!(error(value).field, "item.purchase_price");
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

fn walker(purchase: Value, price: i64, fee: i64) -> Value {
    json!({
        "item": { "hcpcs": "E0143", "category": "inexpensive_routinely_purchased",
            "purchase_price": price, "monthly_fee": fee },
        "payer": "medicare",
        "first_date_of_service": "2026-01-15",
        "through": "2027-12-31",
        "documentation": { "checklist_met": true },
        "purchase": purchase,
    })
}

fn cushions(deliveries: Value) -> Value {
    json!({
        "item": { "hcpcs": "A7034", "category": "supplies", "unit_price": 4_050 },
        "payer": "medicare",
        "first_date_of_service": "2026-01-10",
        "through": "2026-12-31",
        "documentation": { "checklist_met": true },
        "events": deliveries,
    })
}

fn periods(schedule: &Schedule) -> Vec<(u32, u32)> {
    schedule
        .lines
        .iter()
        .map(|l| (l.period, l.rental_month))
        .collect()
}

/// IRP-RENT-RR: a rented IRP item pays the monthly fee with RR until the fees reach the price.
#[test]
fn irp_rental_pays_the_monthly_fee_with_rr() {
    let s = run(walker(Value::Null, 12_000, 1_500));
    assert_eq!(s.lines.len(), 8);
    assert!(s.lines.iter().all(|l| codes(l) == ["RR", "KX"]));
    assert!(
        s.lines
            .iter()
            .all(|l| l.allowed == Money::from_cents(1_500))
    );
    assert!(fired(&s.lines[0].rules).contains(&"IRP-RENT-RR"));
    assert_eq!(s.total_allowed, Money::from_cents(12_000));
    assert_eq!(s.title_transfer, None);
}

/// IRP-RENT-CAP: the month that reaches the purchase price pays only the remainder, then billing stops.
#[test]
fn irp_rental_last_month_pays_only_the_rest_of_the_price() {
    let s = run(walker(Value::Null, 10_000, 3_000));
    let allowed: Vec<i64> = s.lines.iter().map(|l| l.allowed.cents()).collect();
    assert_eq!(allowed, [3_000, 3_000, 3_000, 1_000]);
    assert_eq!(s.total_allowed, Money::from_cents(10_000));
    assert!(fired(&s.lines[3].rules).contains(&"IRP-RENT-CAP"));
    assert!(!fired(&s.lines[2].rules).contains(&"IRP-RENT-CAP"));
    assert_eq!(s.lines[3].from, date!(2026 - 04 - 15));
}

/// IRP-RENT-CAP: a through-date before the cap bills only the months up to it.
#[test]
fn irp_rental_stops_at_the_through_date_before_the_cap() {
    let mut value = walker(Value::Null, 10_000, 3_000);
    value["through"] = json!("2026-02-15");
    let s = run(value);
    assert_eq!(s.total_allowed, Money::from_cents(6_000));
    assert!(
        s.lines
            .iter()
            .all(|l| !fired(&l.rules).contains(&"IRP-RENT-CAP"))
    );
}

/// IRP-PURCHASE-NU: buying a new IRP item is one NU line at the purchase price.
#[test]
fn irp_purchase_new_is_one_nu_line() {
    let s = run(walker(json!({ "used": false }), 12_000, 1_500));
    assert_eq!(s.lines.len(), 1);
    let line = &s.lines[0];
    assert_eq!(codes(line), ["NU", "KX"]);
    assert_eq!(
        (line.from, line.to),
        (date!(2026 - 01 - 15), date!(2026 - 01 - 15))
    );
    assert_eq!((line.rental_month, line.units), (0, 1));
    assert_eq!(line.allowed, Money::from_cents(12_000));
    assert!(fired(&line.rules).contains(&"IRP-PURCHASE-NU"));
    assert_eq!(s.total_allowed, Money::from_cents(12_000));
}

/// IRP-PURCHASE-UE with MOD-GZ: a used purchase without the checklist or an ABN is UE + GZ.
#[test]
fn irp_purchase_used_is_one_ue_line() {
    let mut value = walker(json!({ "used": true }), 9_000, 1_000);
    value["documentation"] = json!({ "checklist_met": false });
    let s = run(value);
    assert_eq!(s.lines.len(), 1);
    assert_eq!(codes(&s.lines[0]), ["UE", "GZ"]);
    assert!(fired(&s.lines[0].rules).contains(&"IRP-PURCHASE-UE"));
}

/// IRP-PURCHASE-NU is for IRP items only: a capped-rental purchase is refused, naming `purchase`.
#[test]
fn purchase_of_a_capped_rental_item_is_refused() {
    let mut value = bed("2026-01-15", "2026-12-31", json!([]));
    value["purchase"] = json!({ "used": false });
    assert_eq!(error(value).field, "purchase");
}

/// SU-DELIVERY-UNITS: one line per delivery, amount = units x unit price, no pricing modifier.
#[test]
fn supplies_bill_units_times_unit_price_per_delivery() {
    let s = run(cushions(json!([
        { "kind": "delivery", "date": "2026-04-10", "units": 3 },
        { "kind": "delivery", "date": "2026-01-10", "units": 1 },
    ])));
    let lines: Vec<(Date, u32, i64)> = s
        .lines
        .iter()
        .map(|l| (l.from, l.units, l.allowed.cents()))
        .collect();
    assert_eq!(
        lines,
        [
            (date!(2026 - 01 - 10), 1, 4_050),
            (date!(2026 - 04 - 10), 3, 12_150)
        ]
    );
    assert!(s.lines.iter().all(|l| codes(l) == ["KX"]));
    assert!(fired(&s.lines[1].rules).contains(&"SU-DELIVERY-UNITS"));
    assert_eq!(s.total_allowed, Money::from_cents(16_200));
}

/// SU-DELIVERY-UNITS: deliveries after the through-date are not billed yet.
#[test]
fn supplies_after_the_through_date_are_not_billed() {
    let mut value = cushions(json!([
        { "kind": "delivery", "date": "2026-01-10", "units": 2 },
        { "kind": "delivery", "date": "2026-07-10", "units": 2 },
    ]));
    value["through"] = json!("2026-07-09");
    assert_eq!(run(value).lines.len(), 1);
}

/// SU-DELIVERY-UNITS: bad deliveries are refused, naming the field.
#[test]
fn bad_deliveries_name_the_field() {
    let zero = cushions(json!([{ "kind": "delivery", "date": "2026-01-10", "units": 0 }]));
    assert_eq!(error(zero).field, "events[0].units");
    let after_death = cushions(json!([
        { "kind": "death", "date": "2026-02-01" },
        { "kind": "delivery", "date": "2026-03-01", "units": 1 },
    ]));
    assert_eq!(error(after_death).field, "events[1].date");
    let not_supplies = bed(
        "2026-01-15",
        "2026-12-31",
        json!([{ "kind": "delivery", "date": "2026-03-01", "units": 1 }]),
    );
    assert_eq!(error(not_supplies).field, "events[0].kind");
}

/// BIN-NEW-PERIOD: a break in need beyond 60 days plus the rest of the rental month, with a new
/// order, restarts the count at month 1 with KH and a new 13-month cap.
#[test]
fn break_in_need_with_a_new_order_starts_a_new_period() {
    let s = run(bed(
        "2026-01-15",
        "2028-12-31",
        json!([
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-06-16", "new_order": true },
        ]),
    ));
    assert_eq!(s.lines.len(), 16);
    assert_eq!(periods(&s)[..4], [(1, 1), (1, 2), (1, 3), (2, 1)]);
    assert_eq!(s.lines[3].from, date!(2026 - 06 - 16));
    assert_eq!(codes(&s.lines[3]), ["RR", "KH", "KX"]);
    assert_eq!(s.lines[3].allowed, Money::from_cents(10_000));
    assert!(fired(&s.lines[3].rules).contains(&"BIN-NEW-PERIOD"));
    assert_eq!(s.skipped.len(), 1);
    assert_eq!(s.skipped[0].reason, SkipReason::NotInUse);
    assert_eq!(
        (s.skipped[0].from, s.skipped[0].to),
        (date!(2026 - 04 - 15), date!(2026 - 06 - 15))
    );
    assert_eq!(s.lines[15].rental_month, 13);
    assert_eq!(s.title_transfer, Some(date!(2027 - 07 - 16)));
    assert_eq!(s.end_of_need, None);
}

/// BIB-RETURN-RESUME: the same long break without a new order only pauses the count.
#[test]
fn break_without_a_new_order_continues_the_count() {
    let s = run(bed(
        "2026-01-15",
        "2028-12-31",
        json!([
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-06-16", "new_order": false },
        ]),
    ));
    assert_eq!(s.lines.len(), 13);
    assert!(s.lines.iter().all(|l| l.period == 1));
    assert_eq!(s.lines[3].from, date!(2026 - 06 - 16));
    assert_eq!(codes(&s.lines[3]), ["RR", "KJ", "KX"]);
    assert!(fired(&s.lines[3].rules).contains(&"BIB-RETURN-RESUME"));
    assert_eq!(s.skipped[0].reason, SkipReason::NotInUse);
}

/// BIB-RETURN-RESUME: a short break with a new order is still a break in billing.
#[test]
fn short_break_with_a_new_order_continues_the_count() {
    let s = run(bed(
        "2026-01-15",
        "2028-12-31",
        json!([
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-05-01", "new_order": true },
        ]),
    ));
    assert_eq!(periods(&s)[3], (1, 4));
    assert_eq!(s.lines[3].from, date!(2026 - 05 - 01));
    assert_eq!(codes(&s.lines[3]), ["RR", "KJ", "KX"]);
}

/// BIB-RETURN-RESUME: a return and resume between two anniversaries changes nothing.
#[test]
fn resume_before_the_next_anniversary_changes_nothing() {
    let with_gap = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-04-01", "new_order": true },
        ]),
    ));
    let without = run(bed("2026-01-15", "2027-12-31", json!([])));
    assert!(with_gap.skipped.is_empty());
    assert_eq!(froms(&with_gap), froms(&without));
    assert_eq!(with_gap.end_of_need, None);
}

/// BIN-WINDOW-SETTING: resuming on day 86 after the rental month is a new period only under the
/// shortest reading (60 days, `after_return_day`); the default reading continues the count.
#[test]
fn the_one_day_reading_is_a_setting() {
    let events = json!([
        { "kind": "return", "date": "2026-03-20" },
        { "kind": "resume", "date": "2026-06-15", "new_order": true },
    ]);
    let default = run(bed("2026-01-15", "2028-12-31", events.clone()));
    assert_eq!(periods(&default)[3], (1, 4));
    assert!(fired(&default.lines[3].rules).contains(&"BIN-WINDOW-SETTING"));
    let mut value = bed("2026-01-15", "2028-12-31", events);
    value["settings"] = json!({ "break_in_need_rest_of_month": "after_return_day",
        "break_in_need_window": "sixty_days" });
    let shorter = run(value);
    assert_eq!(periods(&shorter)[3], (2, 1));
    assert_eq!(codes(&shorter.lines[3]), ["RR", "KH", "KX"]);
}

/// BIN-NEW-PERIOD is encoded for capped rental only: an oxygen break that would start a new period
/// is refused rather than guessed.
#[test]
fn oxygen_break_in_need_with_a_new_order_is_refused() {
    let value = json!({
        "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17_000 },
        "payer": "medicare",
        "first_date_of_service": "2026-01-15",
        "through": "2027-12-31",
        "documentation": { "checklist_met": true },
        "events": [
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-09-01", "new_order": true },
        ],
    });
    assert_eq!(error(value).field, "events[1].new_order");
}

/// BIB-RETURN-RESUME: a resume needs an earlier return and no death before it.
#[test]
fn resume_without_a_return_is_refused() {
    let cases = [
        json!([{ "kind": "resume", "date": "2026-03-01", "new_order": true }]),
        json!([
            { "kind": "return", "date": "2026-03-01" },
            { "kind": "resume", "date": "2026-03-01", "new_order": false },
        ]),
        json!([
            { "kind": "return", "date": "2026-03-01" },
            { "kind": "death", "date": "2026-03-05" },
            { "kind": "resume", "date": "2026-04-01", "new_order": false },
        ]),
    ];
    for (events, field) in
        cases
            .into_iter()
            .zip(["events[0].date", "events[1].date", "events[2].date"])
    {
        assert_eq!(error(bed("2026-01-15", "2026-12-31", events)).field, field);
    }
}

/// END-MONTH-PAID: a second return with no resume after it ends the rental again.
#[test]
fn return_after_a_resume_ends_the_rental() {
    let s = run(bed(
        "2026-01-15",
        "2028-12-31",
        json!([
            { "kind": "return", "date": "2026-03-20" },
            { "kind": "resume", "date": "2026-05-01", "new_order": false },
            { "kind": "return", "date": "2026-07-10" },
        ]),
    ));
    assert_eq!(s.end_of_need, Some(date!(2026 - 07 - 10)));
    let last = s.lines.last().unwrap();
    assert_eq!((last.from, last.rental_month), (date!(2026 - 07 - 01), 6));
    assert!(fired(&last.rules).contains(&"END-MONTH-PAID"));
}

/// MOD-GA on a supply line: the ABN date is checked against each delivery.
#[test]
fn supply_deliveries_take_ga_from_the_abn_date() {
    let mut value = cushions(json!([
        { "kind": "delivery", "date": "2026-01-10", "units": 1 },
        { "kind": "delivery", "date": "2026-04-10", "units": 1 },
    ]));
    value["documentation"] =
        json!({ "checklist_met": false, "abn": { "signed_date": "2026-02-01" } });
    let s = run(value);
    assert_eq!(codes(&s.lines[0]), ["GZ"]);
    assert_eq!(codes(&s.lines[1]), ["GA"]);
}

fn oxygen(flow: Value) -> Value {
    json!({
        "item": { "hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17_000,
            "oxygen_group": "I", "oxygen_flow": flow },
        "payer": "medicare",
        "first_date_of_service": "2026-03-10",
        "through": "2026-05-10",
        "documentation": { "checklist_met": true },
    })
}

fn amounts(schedule: &Schedule) -> Vec<(&str, Vec<&str>, i64)> {
    schedule
        .lines
        .iter()
        .map(|l| (l.hcpcs.as_str(), codes(l), l.allowed.cents()))
        .collect()
}

/// OX-FLOW-QE: below 1 LPM at rest, QE goes first and the stationary fee is paid at 50 %.
#[test]
fn oxygen_below_one_lpm_is_qe_at_half_the_fee() {
    let s = run(oxygen(json!({ "rest_tenths_lpm": 5 })));
    assert_eq!(s.lines.len(), 3);
    assert_eq!(amounts(&s)[0], ("E1390", vec!["QE", "KX", "N1"], 8_500));
    assert!(fired(&s.lines[0].rules).contains(&"OX-FLOW-QE"));
}

/// OX-FLOW-QA: day and night flows differ and average below 1 LPM (0.5 and 1.2 → 0.85).
#[test]
fn oxygen_day_night_average_below_one_lpm_is_qa() {
    let s = run(oxygen(
        json!({ "rest_tenths_lpm": 5, "night_tenths_lpm": 12 }),
    ));
    assert_eq!(amounts(&s)[0], ("E1390", vec!["QA", "KX", "N1"], 8_500));
    assert!(fired(&s.lines[0].rules).contains(&"OX-FLOW-QA"));
}

/// OX-FLOW-QG: above 4 LPM without a portable, QG and the stationary fee at 150 %.
#[test]
fn oxygen_above_four_lpm_without_portable_is_qg_at_150_percent() {
    let s = run(oxygen(json!({ "rest_tenths_lpm": 50 })));
    assert_eq!(s.lines.len(), 3);
    assert_eq!(amounts(&s)[0], ("E1390", vec!["QG", "KX", "N1"], 25_500));
    assert!(fired(&s.lines[0].rules).contains(&"OX-FLOW-QG"));
    assert_eq!(s.total_allowed, Money::from_cents(3 * 25_500));
}

/// OX-FLOW-QR: day and night flows differ and average above 4 LPM (4 and 5 → 4.5), stationary only.
#[test]
fn oxygen_day_night_average_above_four_lpm_is_qr() {
    let s = run(oxygen(
        json!({ "rest_tenths_lpm": 40, "night_tenths_lpm": 50 }),
    ));
    assert_eq!(amounts(&s)[0], ("E1390", vec!["QR", "KX", "N1"], 25_500));
    assert!(fired(&s.lines[0].rules).contains(&"OX-FLOW-QR"));
}

/// OX-FLOW-QF: above 4 LPM with a portable, QF on both lines; the portable pays the higher add-on
/// (here 50 % of the stationary fee, $85.00, over the $30.00 portable add-on), never both.
#[test]
fn oxygen_above_four_lpm_with_portable_pays_the_higher_add_on_once() {
    let s = run(oxygen(json!({ "rest_tenths_lpm": 50,
        "portable": { "hcpcs": "E0431", "add_on_fee": 3_000 } })));
    assert_eq!(s.lines.len(), 6);
    assert_eq!(
        amounts(&s)[..2],
        [
            ("E1390", vec!["QF", "KX", "N1"], 17_000),
            ("E0431", vec!["QF", "KX", "N1"], 8_500)
        ]
    );
    assert!(fired(&s.lines[1].rules).contains(&"OX-FLOW-QF"));
    assert!(fired(&s.lines[1].rules).contains(&"OX-PORTABLE-LINE"));
    assert_eq!(s.lines[1].from, s.lines[0].from);
    assert_eq!(s.total_allowed, Money::from_cents(3 * (17_000 + 8_500)));
}

/// OX-FLOW-QF: when the portable add-on is the higher one it is paid instead of the volume add-on.
#[test]
fn oxygen_qf_pays_the_portable_add_on_when_it_is_higher() {
    let s = run(oxygen(json!({ "rest_tenths_lpm": 60,
        "portable": { "hcpcs": "E0431", "add_on_fee": 9_000 } })));
    assert_eq!(amounts(&s)[1], ("E0431", vec!["QF", "KX", "N1"], 9_000));
}

/// OX-FLOW-QB: day and night flows average above 4 LPM with a portable: QB on both lines, like QF.
#[test]
fn oxygen_day_night_average_above_four_with_portable_is_qb() {
    let s = run(oxygen(
        json!({ "rest_tenths_lpm": 30, "night_tenths_lpm": 60,
        "portable": { "hcpcs": "E0431", "add_on_fee": 3_000 } }),
    ));
    assert_eq!(
        amounts(&s)[..2],
        [
            ("E1390", vec!["QB", "KX", "N1"], 17_000),
            ("E0431", vec!["QB", "KX", "N1"], 8_500)
        ]
    );
    assert!(fired(&s.lines[0].rules).contains(&"OX-FLOW-QB"));
}

/// OX-PORTABLE-LINE: between 1 and 4 LPM (exactly 4 included) no Q modifier; the portable pays its add-on.
#[test]
fn oxygen_between_one_and_four_lpm_has_no_q_modifier() {
    let s = run(oxygen(
        json!({ "rest_tenths_lpm": 40, "night_tenths_lpm": 40,
        "portable": { "hcpcs": "E0431", "add_on_fee": 3_000 } }),
    ));
    assert_eq!(
        amounts(&s)[..2],
        [
            ("E1390", vec!["KX", "N1"], 17_000),
            ("E0431", vec!["KX", "N1"], 3_000)
        ]
    );
    let exactly_one = run(oxygen(json!({ "rest_tenths_lpm": 10 })));
    assert_eq!(
        amounts(&exactly_one)[0],
        ("E1390", vec!["KX", "N1"], 17_000)
    );
}

/// OX-FLOW-QE prices the stationary line only: the portable line keeps its add-on, without QE.
#[test]
fn oxygen_qe_with_portable_leaves_the_portable_at_its_add_on() {
    let s = run(oxygen(json!({ "rest_tenths_lpm": 8,
        "portable": { "hcpcs": "E0431", "add_on_fee": 3_000 } })));
    assert_eq!(
        amounts(&s)[..2],
        [
            ("E1390", vec!["QE", "KX", "N1"], 8_500),
            ("E0431", vec!["KX", "N1"], 3_000)
        ]
    );
    assert!(!fired(&s.lines[1].rules).contains(&"OX-FLOW-QE"));
}

/// OX-CAP-36 covers the portable too: no portable line after the 36th paid month.
#[test]
fn oxygen_portable_stops_at_the_36_month_cap() {
    let mut value = oxygen(json!({ "rest_tenths_lpm": 20,
        "portable": { "hcpcs": "E0431", "add_on_fee": 3_000 } }));
    value["through"] = json!("2031-12-31");
    let s = run(value);
    assert_eq!(s.lines.len(), 72);
    assert_eq!(s.lines[71].hcpcs, "E0431");
    assert_eq!(s.lines[71].rental_month, 36);
    assert_eq!(s.skipped.len(), 24);
}

/// Flow input errors name the field.
#[test]
fn bad_oxygen_flow_names_the_field() {
    let same_code = oxygen(json!({ "rest_tenths_lpm": 50,
        "portable": { "hcpcs": "E1390", "add_on_fee": 3_000 } }));
    assert_eq!(error(same_code).field, "item.oxygen_flow.portable.hcpcs");
    let negative = oxygen(json!({ "rest_tenths_lpm": 50,
        "portable": { "hcpcs": "E0431", "add_on_fee": -1 } }));
    assert_eq!(
        error(negative).field,
        "item.oxygen_flow.portable.add_on_fee"
    );
    let mut not_oxygen = bed("2026-01-15", "2026-12-31", json!([]));
    not_oxygen["item"]["oxygen_flow"] = json!({ "rest_tenths_lpm": 50 });
    assert_eq!(error(not_oxygen).field, "item.oxygen_flow");
}

/// Worked example 3: CPAP adherence success (E0601 set up 2026-02-01; ≥ 4 h on 22
/// of 30 nights in 2026-02-05 … 2026-03-06; re-evaluation 2026-04-20, within day 31 = 2026-03-03
/// and day 91 = 2026-05-02): month 4 (2026-05-01) is `RR KJ KX` (PAP-ADHERENCE, PAP-REEVAL,
/// PAP-CONTINUED-KX).
#[test]
fn worked_example_3_cpap_adherence_success() {
    let value: Value =
        serde_json::from_str(include_str!("../../../docs/examples/cpap-adherence.json")).unwrap();
    let s = run(value);
    let review = s.pap.as_ref().unwrap();
    let best = review.adherence.best;
    assert_eq!(
        (best.from, best.to, best.nights),
        (date!(2026 - 02 - 05), date!(2026 - 03 - 06), 22)
    );
    assert!(review.adherence.met);
    assert_eq!(
        (review.reevaluation_from, review.reevaluation_to),
        (date!(2026 - 03 - 03), date!(2026 - 05 - 02))
    );
    assert_eq!(review.continued_coverage_from, Some(date!(2026 - 02 - 01)));
    let month_4 = &s.lines[3];
    assert_eq!(month_4.from, date!(2026 - 05 - 01));
    assert_eq!(codes(month_4), ["RR", "KJ", "KX"]);
    let ids = fired(&month_4.rules);
    for id in ["PAP-ADHERENCE", "PAP-REEVAL", "PAP-CONTINUED-KX", "MOD-KX"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    // Months 1-3 are the trial: KX from the checklist alone.
    assert!(fired(&s.lines[0].rules).contains(&"PAP-TRIAL-1-3"));
    assert_eq!(s.lines.len(), 13);
    assert!(s.findings.is_empty());
}

/// PAP-CONTINUED-DENIED: the same rental without a re-evaluation carries GZ from month 4 and a
/// warning says what is missing.
#[test]
fn cpap_without_reevaluation_is_gz_from_month_4_with_a_warning() {
    let mut value: Value =
        serde_json::from_str(include_str!("../../../docs/examples/cpap-adherence.json")).unwrap();
    value["pap"]["reevaluation_date"] = Value::Null;
    let s = run(value);
    assert_eq!(codes(&s.lines[2]), ["RR", "KI", "KX"]);
    assert_eq!(codes(&s.lines[3]), ["RR", "KJ", "GZ"]);
    assert_eq!(s.findings.len(), 1);
    assert_eq!(s.findings[0].code, "PAP-CONTINUED-DENIED");
    assert!(s.findings[0].message.contains("2026-03-03"));
    assert!(fired(&s.lines[3].rules).contains(&"PAP-NO-REEVAL"));
}

/// SUP-NARRATIVE: the first claim after taking a rental over names the previous supplier, and
/// only that claim; the other supplier's months count toward the 13 (SUP-OTHER-SUPPLIER).
#[test]
fn taking_a_rental_over_names_the_previous_supplier_once() {
    let s = run(bed(
        "2026-01-15",
        "2027-12-31",
        json!([{ "kind": "supplier_change", "date": "2026-05-20", "to": "us",
                 "other_supplier": " Acme Medical " }]),
    ));
    assert_eq!(s.skipped.len(), 5);
    assert!(
        s.skipped
            .iter()
            .all(|m| m.reason == SkipReason::OtherSupplier
                && fired(&m.rules).contains(&"SUP-OTHER-SUPPLIER"))
    );
    assert_eq!(s.lines[0].rental_month, 6);
    assert_eq!(
        s.lines[0].narrative.as_deref(),
        Some("Change of supplier with no break in need; previous supplier: Acme Medical.")
    );
    assert!(fired(&s.lines[0].rules).contains(&"SUP-NARRATIVE"));
    assert!(s.lines[1..].iter().all(|l| l.narrative.is_none()));
    assert!(fired(&s.lines[7].rules).contains(&"SUP-TITLE-MONTH-13"));
    assert_eq!(s.title_transfer, Some(date!(2027 - 02 - 15)));
}

/// PO-BAND: a payer's own modifier (U1) is kept as configured and written as its code; Medicare
/// rules are cited nowhere.
#[test]
fn price_option_modifiers_are_kept_and_written_as_codes() {
    let s = run(json!({
        "item": { "hcpcs": "E0570", "category": "capped_rental" },
        "payer": "medicaid",
        "price_option": { "kind": "rental", "bands": [
            { "from_month": 1, "modifiers": ["rr", "u1"], "amount": 4_000 } ] },
        "first_date_of_service": "2026-03-01",
        "through": "2026-04-30",
        "documentation": { "checklist_met": true },
    }));
    assert_eq!(codes(&s.lines[0]), ["RR", "U1"]);
    let json = serde_json::to_value(&s.lines[0]).unwrap();
    assert_eq!(json["modifiers"], json!(["RR", "U1"]));
    assert_eq!(fired(&s.lines[0].rules), ["MONTH-ANNIVERSARY", "PO-BAND"]);
    assert_eq!(s.total_allowed, Money::from_cents(8_000));
}

/// IRP-PURCHASE-AFTER-RENT: the purchase line cites its rule and KX; rent stops before it and
/// nothing is allowed when the rent already reached the price.
#[test]
fn purchase_after_the_rent_reached_the_price_allows_nothing() {
    let s = run(json!({
        "item": { "hcpcs": "E0143", "category": "inexpensive_routinely_purchased",
                  "purchase_price": 3_000, "monthly_fee": 1_500 },
        "payer": "medicare",
        "first_date_of_service": "2026-01-15",
        "through": "2026-12-31",
        "documentation": { "checklist_met": true },
        "events": [{ "kind": "purchase", "date": "2026-06-01", "used": false }],
    }));
    let bought = s.lines.last().unwrap();
    assert_eq!(codes(bought), ["NU", "KX"]);
    assert_eq!(bought.allowed, Money::ZERO);
    assert_eq!(bought.charge, Money::from_cents(3_000));
    assert!(fired(&bought.rules).contains(&"IRP-PURCHASE-AFTER-RENT"));
    assert_eq!(s.lines.len(), 3);
}

/// OX-MAINTENANCE-MS: MS is a pricing modifier (it sets the payment), so it goes first.
#[test]
fn ms_is_a_pricing_modifier() {
    assert_eq!(
        Modifier::Ms.kind(),
        durable_domain::billing::ModifierKind::Pricing
    );
    assert_eq!(Modifier::from_code("ms"), Some(Modifier::Ms));
}
