//! Properties of the billing rules engine over generated rentals and arbitrary JSON.

use durable_domain::billing::{Category, Modifier, ModifierKind, RentalInput, schedule};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use time::{Date, Duration};

const CATEGORIES: [&str; 3] = ["capped_rental", "oxygen", "frequent_servicing"];

fn day(base: Date, offset: i64) -> String {
    (base + Duration::days(offset)).to_string()
}

/// Plausible rentals: valid most of the time, with stays, returns, deaths and ABNs mixed in.
fn rental() -> impl Strategy<Value = Value> {
    (
        0usize..3,
        0i64..4000,
        0i64..3600,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(-60i64..400),
        proptest::collection::vec((0u8..3, 0i64..2000, 0i64..120), 0..5),
        0i64..10_000_000,
    )
        .prop_map(|(category, start, through, flag, checklist, abn, events, price)| {
            let base = time::macros::date!(2020 - 01 - 01);
            let first = base + Duration::days(start);
            let kind = CATEGORIES[category];
            let item = match kind {
                "capped_rental" => json!({ "hcpcs": "E0260", "category": kind,
                    "purchase_price": price, "power_wheelchair": flag }),
                "oxygen" if flag => json!({ "hcpcs": "E1390", "category": kind,
                    "monthly_fee": price, "oxygen_group": "II" }),
                _ => json!({ "hcpcs": "E1390", "category": kind, "monthly_fee": price }),
            };
            let events: Vec<Value> = events
                .into_iter()
                .map(|(event, offset, length)| match event {
                    0 => json!({ "kind": "stay", "start": day(first, offset), "end": day(first, offset + length) }),
                    1 => json!({ "kind": "return", "date": day(first, offset) }),
                    _ => json!({ "kind": "death", "date": day(first, offset) }),
                })
                .collect();
            let documentation = match abn {
                Some(offset) => json!({ "checklist_met": checklist,
                    "abn": { "signed_date": day(first, offset) } }),
                None => json!({ "checklist_met": checklist }),
            };
            json!({
                "item": item,
                "payer": "medicare",
                "first_date_of_service": first.to_string(),
                "through": day(first, through),
                "documentation": documentation,
                "events": events,
            })
        })
}

/// Arbitrary JSON built from the input's own vocabulary, so the parser gets deep, not just rejected.
fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "item",
        "hcpcs",
        "category",
        "purchase_price",
        "monthly_fee",
        "power_wheelchair",
        "oxygen_group",
        "payer",
        "first_date_of_service",
        "through",
        "documentation",
        "checklist_met",
        "abn",
        "signed_date",
        "events",
        "kind",
        "date",
        "start",
        "end",
        "x",
    ]);
    let strings = prop::sample::select(vec![
        "E0260",
        "e0260",
        "",
        "capped_rental",
        "oxygen",
        "frequent_servicing",
        "supplies",
        "medicare",
        "I",
        "III",
        "stay",
        "death",
        "return",
        "2026-01-31",
        "2026-02-29",
        "0001-01-01",
        "9999-12-31",
        "9999-01-01",
        "2026-13-01",
        "K0823",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), Just(-1)].prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        strings.prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..8).prop_map(|pairs| Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

fn cap(input: &RentalInput) -> usize {
    match input.item.category {
        Category::CappedRental => 13,
        Category::Oxygen => 36,
        _ => usize::MAX,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// CR-CAP-13 / OX-CAP-36: never more paid months than the cap in one period.
    #[test]
    fn paid_months_never_exceed_the_cap(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            prop_assert!(s.lines.len() <= cap(&input));
            let months: Vec<u32> = s.lines.iter().map(|l| l.rental_month).collect();
            let expected: Vec<u32> = (1..=u32::try_from(months.len()).unwrap()).collect();
            prop_assert_eq!(months, expected);
        }
    }

    /// MOD-ORDER: pricing first, then KX, then informational; at most 4; never KX with GA/GZ.
    #[test]
    fn modifiers_are_in_claim_order(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            for line in &s.lines {
                let kinds: Vec<ModifierKind> = line.modifiers.iter().map(|m| m.kind()).collect();
                prop_assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{:?}", line.modifiers);
                if input.item.category != Category::Oxygen {
                    prop_assert_eq!(line.modifiers.first(), Some(&Modifier::Rr));
                }
                prop_assert!(line.modifiers.len() <= 4);
                let kx = line.modifiers.contains(&Modifier::Kx);
                let g = line.modifiers.iter().any(|m| matches!(m, Modifier::Ga | Modifier::Gz));
                prop_assert!(kx != g, "exactly one of KX or GA/GZ: {:?}", line.modifiers);
            }
        }
    }

    /// Totals equal the sum of the lines, and every line and skipped month is explained.
    #[test]
    fn totals_are_the_sum_of_lines_and_everything_is_explained(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            let allowed: i64 = s.lines.iter().map(|l| l.allowed.cents()).sum();
            let charge: i64 = s.lines.iter().map(|l| l.charge.cents()).sum();
            prop_assert_eq!(s.total_allowed.cents(), allowed);
            prop_assert_eq!(s.total_charge.cents(), charge);
            prop_assert!(s.lines.iter().all(|l| !l.rules.is_empty() && l.from <= l.to));
            prop_assert!(s.skipped.iter().all(|m| !m.rules.is_empty() && m.from <= m.to));
            prop_assert!(s.lines.windows(2).all(|w| w[0].to < w[1].from));
        }
    }

    /// The same input always gives the same output, also after a JSON round trip.
    #[test]
    fn same_input_same_output(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let again: RentalInput = serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
        prop_assert_eq!(schedule(&input), schedule(&again));
    }

    /// No input, however malformed, makes parsing or scheduling panic.
    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        if let Ok(input) = serde_json::from_str::<RentalInput>(&value.to_string()) {
            let _ = schedule(&input);
        }
    }

    /// Well-formed shapes with extreme dates and amounts never panic either.
    #[test]
    fn extreme_values_never_panic(
        first in prop::sample::select(vec!["0001-01-01", "2026-01-31", "9989-12-31", "9999-01-31", "9999-12-31"]),
        through in prop::sample::select(vec!["0001-01-01", "2026-02-28", "9999-12-31"]),
        price in prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), any::<i64>()],
        category in 0usize..3,
        stay_end in prop::sample::select(vec!["9999-12-31", "2026-03-01"]),
    ) {
        let kind = CATEGORIES[category];
        let item = if kind == "capped_rental" {
            json!({ "hcpcs": "E0260", "category": kind, "purchase_price": price })
        } else {
            json!({ "hcpcs": "E1390", "category": kind, "monthly_fee": price })
        };
        let value = json!({
            "item": item, "payer": "medicare", "first_date_of_service": first, "through": through,
            "documentation": { "checklist_met": false },
            "events": [{ "kind": "stay", "start": first, "end": stay_end }],
        });
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let _ = schedule(&input);
    }

    /// Random text never panics the parser.
    #[test]
    fn random_text_never_panics(text in ".{0,200}") {
        if let Ok(input) = serde_json::from_str::<RentalInput>(&text) {
            let _ = schedule(&input);
        }
    }
}

/// The generator is not vacuous: most generated rentals schedule, so the properties above bite.
#[test]
fn generated_rentals_mostly_schedule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = rental();
    let mut ok = 0;
    let mut with_lines = 0;
    for _ in 0..500 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            ok += 1;
            if s.lines.len() > 1 {
                with_lines += 1;
            }
        }
    }
    assert!(ok > 250, "only {ok} of 500 generated rentals scheduled");
    assert!(
        with_lines > 200,
        "only {with_lines} of 500 had more than one line"
    );
}
