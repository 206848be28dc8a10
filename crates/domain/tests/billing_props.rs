//! Properties of the billing rules engine over generated rentals and arbitrary JSON.

use durable_domain::billing::{Category, Modifier, ModifierKind, RentalInput, schedule};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use time::{Date, Duration};

const CATEGORIES: [&str; 5] = [
    "capped_rental",
    "oxygen",
    "frequent_servicing",
    "inexpensive_routinely_purchased",
    "supplies",
];

fn day(base: Date, offset: i64) -> String {
    (base + Duration::days(offset)).to_string()
}

/// Plausible rentals: valid most of the time, with stays, returns and resumes, deaths, deliveries
/// and ABNs mixed in.
fn rental() -> impl Strategy<Value = Value> {
    (
        0usize..5,
        0i64..4000,
        0i64..3600,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(-60i64..400),
        proptest::collection::vec((0u8..5, 0i64..2000, 0i64..120), 0..5),
        0i64..10_000_000,
        (0u8..3, any::<bool>()),
        (0u32..80, proptest::option::of(0u32..80), any::<bool>()),
    )
        .prop_map(|(category, start, through, flag, checklist, abn, events, price, (choice, new_order), (rest, night, portable))| {
            let base = time::macros::date!(2020 - 01 - 01);
            let first = base + Duration::days(start);
            let kind = CATEGORIES[category];
            let item = match kind {
                "capped_rental" => json!({ "hcpcs": "E0260", "category": kind,
                    "purchase_price": price, "power_wheelchair": flag }),
                "oxygen" if flag => json!({ "hcpcs": "E1390", "category": kind,
                    "monthly_fee": price, "oxygen_group": "II",
                    "oxygen_flow": if portable {
                        json!({ "rest_tenths_lpm": rest, "night_tenths_lpm": night,
                            "portable": { "hcpcs": "E0431", "add_on_fee": price / 3 } })
                    } else {
                        json!({ "rest_tenths_lpm": rest, "night_tenths_lpm": night })
                    } }),
                "inexpensive_routinely_purchased" => json!({ "hcpcs": "E0143", "category": kind,
                    "purchase_price": price, "monthly_fee": price / 7 }),
                "supplies" => json!({ "hcpcs": "A7034", "category": kind, "unit_price": price / 100 }),
                _ => json!({ "hcpcs": "E1390", "category": kind, "monthly_fee": price }),
            };
            let events: Vec<Value> = events
                .into_iter()
                .map(|(event, offset, length)| match event {
                    0 => json!({ "kind": "stay", "start": day(first, offset), "end": day(first, offset + length) }),
                    1 => json!({ "kind": "return", "date": day(first, offset) }),
                    2 => json!({ "kind": "death", "date": day(first, offset) }),
                    // A return and a resume 1-360 days later: short and long breaks.
                    // Within the first 13 months, where a new capped-rental period can start.
                    3 if kind != "supplies" => json!([
                        { "kind": "return", "date": day(first, offset % 400) },
                        { "kind": "resume", "date": day(first, offset % 400 + 1 + length * 3),
                          "new_order": new_order },
                    ]),
                    _ => json!({ "kind": "delivery", "date": day(first, offset),
                        "units": 1 + length % 10 }),
                })
                .flat_map(|event| match event {
                    Value::Array(events) => events,
                    event => vec![event],
                })
                .collect();
            let documentation = match abn {
                Some(offset) => json!({ "checklist_met": checklist,
                    "abn": { "signed_date": day(first, offset) } }),
                None => json!({ "checklist_met": checklist }),
            };
            let mut value = json!({
                "item": item,
                "payer": "medicare",
                "first_date_of_service": first.to_string(),
                "through": day(first, through),
                "documentation": documentation,
                "events": events,
            });
            if kind == "inexpensive_routinely_purchased" && choice > 0 {
                value["purchase"] = json!({ "used": choice == 2 });
            }
            if new_order {
                value["settings"] = json!({ "break_in_need_rest_of_month": "after_return_day" });
            }
            value
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
        "oxygen_flow",
        "rest_tenths_lpm",
        "night_tenths_lpm",
        "portable",
        "add_on_fee",
        "events",
        "kind",
        "date",
        "start",
        "end",
        "resume",
        "new_order",
        "delivery",
        "units",
        "unit_price",
        "purchase",
        "used",
        "settings",
        "break_in_need_rest_of_month",
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
        "inexpensive_routinely_purchased",
        "after_return_day",
        "includes_return_day",
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

    /// CR-CAP-13 / OX-CAP-36: never more paid months than the cap in one period; months count
    /// 1, 2, 3, … within a period and a new period (BIN-NEW-PERIOD) starts again at 1.
    #[test]
    fn paid_months_never_exceed_the_cap(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            // Stationary lines only: a portable oxygen line repeats its stationary month.
            let rentals: Vec<(u32, u32)> = s
                .lines
                .iter()
                .filter(|l| l.rental_month > 0 && l.hcpcs == input.item.hcpcs)
                .map(|l| (l.period, l.rental_month))
                .collect();
            let mut expected = (1, 1);
            for &(period, month) in &rentals {
                if (period, month) != expected {
                    prop_assert_eq!((period, month), (expected.0 + 1, 1));
                }
                prop_assert!(usize::try_from(month).unwrap() <= cap(&input));
                expected = (period, month + 1);
            }
            if matches!(input.item.category, Category::InexpensiveRoutinelyPurchased | Category::Supplies) {
                prop_assert!(s.lines.iter().all(|l| l.period == 1));
            }
            // IRP-RENT-CAP: rent never exceeds the purchase price.
            if input.item.category == Category::InexpensiveRoutinelyPurchased {
                prop_assert!(Some(s.total_allowed) <= input.item.purchase_price);
            }
            // Purchases are one line; supplies bill units x unit price.
            if input.purchase.is_some() {
                prop_assert_eq!(s.lines.len(), 1);
            }
            if let Some(unit) = input.item.unit_price {
                for line in &s.lines {
                    prop_assert_eq!(line.allowed.cents(), unit.cents() * i64::from(line.units));
                }
            }
        }
    }

    /// OX-FLOW-*: the stationary line pays 50 %, 100 % or 150 % of the fee by its Q modifier; the
    /// portable pays its add-on, or under QF/QB the higher of that and half the fee, never both.
    #[test]
    fn oxygen_flow_pricing_is_one_of_the_documented_shares(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let (Ok(s), Some(fee)) = (schedule(&input), input.item.monthly_fee)
            && input.item.category == Category::Oxygen
        {
            let shares = [5_000, 10_000, 15_000].map(|bp| fee.percent_bp(bp).unwrap());
            for line in &s.lines {
                let q = line.modifiers.iter().copied().find(|m| m.kind() == ModifierKind::Pricing);
                if line.hcpcs == input.item.hcpcs {
                    let expected = match q {
                        Some(Modifier::Qe | Modifier::Qa) => shares[0],
                        Some(Modifier::Qg | Modifier::Qr) => shares[2],
                        _ => shares[1],
                    };
                    prop_assert_eq!(line.allowed, expected);
                } else {
                    let add_on = input.item.oxygen_flow.as_ref().unwrap().portable.as_ref().unwrap().add_on_fee;
                    let expected = if matches!(q, Some(Modifier::Qf | Modifier::Qb)) {
                        add_on.max(shares[0])
                    } else {
                        add_on
                    };
                    prop_assert_eq!(line.allowed, expected);
                }
            }
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
                let first = line.modifiers.first();
                match input.item.category {
                    Category::Oxygen => {}
                    Category::Supplies => {
                        prop_assert!(!kinds.contains(&ModifierKind::Pricing));
                    }
                    _ if input.purchase.is_some() => {
                        prop_assert!(matches!(first, Some(Modifier::Nu | Modifier::Ue)));
                    }
                    _ => prop_assert_eq!(first, Some(&Modifier::Rr)),
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
            let stationary: Vec<_> = s.lines.iter().filter(|l| l.hcpcs == input.item.hcpcs).collect();
            prop_assert!(stationary.windows(2).all(|w| w[0].to < w[1].from));
            // OX-PORTABLE-LINE: a portable line directly follows its stationary line, same dates.
            for pair in s.lines.windows(2) {
                if pair[1].hcpcs != input.item.hcpcs {
                    prop_assert_eq!((pair[0].from, pair[0].to), (pair[1].from, pair[1].to));
                    prop_assert_eq!(&pair[0].hcpcs, &input.item.hcpcs);
                }
            }
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
    let mut new_periods = 0;
    let mut portables = 0;
    let mut flow_modified = 0;
    let mut categories = std::collections::HashSet::new();
    for _ in 0..500 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            ok += 1;
            if s.lines.len() > 1 {
                with_lines += 1;
            }
            if s.lines.iter().any(|l| l.period > 1) {
                new_periods += 1;
            }
            if s.lines.iter().any(|l| l.hcpcs != input.item.hcpcs) {
                portables += 1;
            }
            if s.lines.iter().any(|l| {
                l.modifiers
                    .iter()
                    .any(|m| matches!(m, Modifier::Qf | Modifier::Qb | Modifier::Qg | Modifier::Qe))
            }) {
                flow_modified += 1;
            }
            if !s.lines.is_empty() {
                categories.insert((input.item.category, input.purchase.is_some()));
            }
        }
    }
    assert!(ok > 250, "only {ok} of 500 generated rentals scheduled");
    assert!(
        with_lines > 150,
        "only {with_lines} of 500 had more than one line"
    );
    // Every category, IRP purchase included, and some new periods are exercised.
    assert_eq!(categories.len(), 6, "{categories:?}");
    assert!(new_periods > 0, "no generated rental started a new period");
    assert!(
        portables > 5 && flow_modified > 5,
        "{portables} portables, {flow_modified} Q"
    );
}
