#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Properties of the billing rules engine over generated rentals (Medicare, and commercial or
//! Medicaid price options with month bands) and arbitrary JSON.

use durable_domain::billing::checks::{ClaimLine, check_line};
use durable_domain::billing::{
    Category, Modifier, ModifierKind, NightlyUsage, OXYGEN_GROUP_MODIFIERS_FROM, OxygenGroup,
    RentalInput, Severity, SkipReason, adherence, schedule,
};
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

/// Plausible rentals: valid most of the time, with stays, returns and resumes, deaths, deliveries,
/// replacements, repairs and ABNs mixed in; PAP devices with nightly usage, complex rehab power
/// wheelchairs, upgrades, GY and prior authorization.
fn rental() -> impl Strategy<Value = Value> {
    (
        (
            0usize..5,
            0i64..4000,
            0i64..3600,
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(-60i64..400),
            proptest::collection::vec((0u8..9, 0i64..2000, 0i64..120), 0..5),
            0i64..10_000_000,
            (0u8..3, any::<bool>()),
            (0u32..80, proptest::option::of(0u32..80), any::<bool>()),
        ),
        extras(),
    )
        .prop_map(|((category, start, through, flag, checklist, abn, events, price, (choice, new_order), (rest, night, portable)), extras)| {
            let base = time::macros::date!(2020 - 01 - 01);
            let first = base + Duration::days(start);
            let kind = CATEGORIES[category];
            let mut item = match kind {
                "capped_rental" => json!({ "hcpcs": "E0260", "category": kind,
                    "purchase_price": price, "power_wheelchair": flag }),
                "oxygen" if flag => json!({ "hcpcs": "E1390", "category": kind,
                    "monthly_fee": price, "oxygen_group": if extras.variant % 2 == 0 { "II" } else { "III" },
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
                    // Lifetime replacements from day 1830 (5 years), losses any time.
                    5 if matches!(kind, "capped_rental" | "oxygen") => json!({ "kind": "replacement", "date": day(first, 1 + offset),
                        "reason": if offset >= 1830 { "useful_lifetime" } else { "loss" } }),
                    // Mostly after a capped rental's title passes (~day 396).
                    6 if kind == "capped_rental" || (kind == "inexpensive_routinely_purchased" && choice > 0) => json!({ "kind": "repair", "date": day(first, 380 + offset % 600),
                        "hcpcs": "E0305", "units": 1 + length % 3, "unit_price": price / 50 }),
                    // A change of supplier, either way, at any time.
                    7 if matches!(kind, "capped_rental" | "oxygen") => json!({ "kind": "supplier_change",
                        "date": day(first, 1 + offset % 900), "to": if length % 2 == 0 { "us" } else { "other" },
                        "other_supplier": "Acme Medical" }),
                    // A rented IRP item bought partway through, sometimes with a lower charge.
                    8 if kind == "inexpensive_routinely_purchased" && choice == 0 => json!({ "kind": "purchase",
                        "date": day(first, 1 + offset % 400), "used": length % 2 == 1,
                        "charge": if length % 3 == 0 { json!(price / 3) } else { Value::Null } }),
                    5..=8 => json!({ "kind": "stay", "start": day(first, offset), "end": day(first, offset + length % 20) }),
                    _ => json!({ "kind": "delivery", "date": day(first, offset),
                        "units": 1 + length % 10 }),
                })
                .flat_map(|event| match event {
                    Value::Array(events) => events,
                    event => vec![event],
                })
                .collect();
            let mut documentation = match abn {
                Some(offset) => json!({ "checklist_met": checklist,
                    "abn": { "signed_date": day(first, offset) } }),
                None => json!({ "checklist_met": checklist }),
            };
            let mut value = json!({
                "item": item.clone(),
                "payer": "medicare",
                "first_date_of_service": first.to_string(),
                "through": day(first, through),
                "documentation": documentation.clone(),
                "events": events,
            });
            if kind == "inexpensive_routinely_purchased" && choice > 0 {
                value["purchase"] = json!({ "used": choice == 2 });
            }
            if new_order {
                value["settings"] = json!({ "break_in_need_rest_of_month": "after_return_day",
                    "pap_late_reevaluation": "coverage_from_reevaluation" });
            }
            extras.apply(kind, first, price, &mut item, &mut documentation, &mut value);
            value["item"] = item;
            value["documentation"] = documentation;
            value
        })
}

/// The inputs added after the first slice, chosen independently of the rest.
#[derive(Clone, Debug)]
struct Extras {
    /// Which special case a capped rental (or IRP/FS item) becomes.
    variant: u8,
    /// PAP nights: (day offset, minutes); some negative or above 24 h to exercise the errors.
    usage: Vec<(i64, i64)>,
    reevaluation: Option<i64>,
    /// Prior authorization: 0 none, 1 affirmed, 2 non-affirmed, 3 expired before delivery.
    pa: u8,
    statutory_exclusion: bool,
    retest: Option<i64>,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        0u8..10,
        // Mostly good nights; now and then one before the set-up or with impossible minutes.
        proptest::collection::vec(
            (
                prop_oneof![39 => 0i64..100, 1 => -2i64..0],
                prop_oneof![39 => 0i64..600, 1 => -10i64..1500],
            ),
            0..80,
        ),
        // Mostly between day 31 and day 91, sometimes early, late or missing.
        proptest::option::weighted(0.9, prop_oneof![4 => 30i64..91, 1 => 0i64..130]),
        0u8..4,
        0u8..12,
        proptest::option::of(40i64..120),
        // A run of good nights, so that adherence is met often enough to test both outcomes.
        (0i64..50, 0i64..35),
    )
        .prop_map(
            |(variant, mut usage, reevaluation, pa, gy, retest, (run_start, run_length))| Extras {
                variant,
                usage: {
                    // One night each, except now and then, to exercise the duplicate-night error.
                    usage.extend((run_start..run_start + run_length).map(|offset| (offset, 300)));
                    if usage.len() % 9 != 0 {
                        usage.sort_by_key(|(offset, _)| *offset);
                        usage.dedup_by_key(|(offset, _)| *offset);
                    }
                    usage
                },
                reevaluation,
                pa,
                statutory_exclusion: gy == 0,
                retest,
            },
        )
}

impl Extras {
    fn apply(
        &self,
        kind: &str,
        first: Date,
        price: i64,
        item: &mut Value,
        documentation: &mut Value,
        value: &mut Value,
    ) {
        if self.statutory_exclusion {
            documentation["statutory_exclusion"] = json!(true);
        }
        if kind == "oxygen" {
            if let Some(offset) = self.retest {
                documentation["oxygen_retest_date"] = json!(day(first, offset));
                // OX-RETEST-NOT-COVERED: usually a new order after the retest, in or after the
                // window; sometimes none.
                if item["oxygen_group"].is_string() && self.variant % 4 != 3 {
                    let after = i64::from(self.variant) * 7 % 40;
                    documentation["oxygen_retest_order_date"] = json!(day(first, offset + after));
                }
            }
            // OX-CONTENTS-AFTER-36 / OX-MAINTENANCE-MS: a liquid system, or a concentrator
            // under the MS setting.
            match self.variant % 3 {
                0 => {
                    item["oxygen_contents"] = json!({ "hcpcs": "E0442", "monthly_fee": price / 3 })
                }
                1 => {
                    item["oxygen_maintenance_fee"] = json!(price / 5);
                    value["settings"] = json!({ "oxygen_maintenance": "every_six_months" });
                }
                _ => {}
            }
            return;
        }
        match (kind, self.variant) {
            ("capped_rental", 0..=2) => {
                item["hcpcs"] = json!(if self.variant == 0 { "E0470" } else { "E0601" });
                item["power_wheelchair"] = json!(false);
                let nights: Vec<Value> = self
                    .usage
                    .iter()
                    .map(|&(offset, minutes)| json!({ "date": day(first, offset), "minutes": minutes }))
                    .collect();
                value["pap"] = json!({ "nightly_usage": nights,
                    "reevaluation_date": self.reevaluation.map(|offset| day(first, offset)) });
            }
            ("capped_rental", 3..=4) => {
                *item = json!({ "hcpcs": "K0856", "category": kind, "purchase_price": price,
                    "power_wheelchair": true, "complex_rehab": true });
                match self.pa % 3 {
                    0 => value["purchase"] = json!({ "used": self.variant == 4 }),
                    1 => value["election"] = json!("rent"),
                    _ => value["election"] = json!("undecided"),
                }
            }
            ("capped_rental" | "frequent_servicing", 5)
            | ("inexpensive_routinely_purchased", 5..=6) => {
                // An upgrade; refused (and so harmless) where it does not apply.
                documentation["checklist_met"] = json!(true);
                value["upgrade"] = if kind == "frequent_servicing" {
                    json!({ "hcpcs": "E0250", "monthly_fee": price / 2 })
                } else {
                    json!({ "hcpcs": "E0250", "purchase_price": price / 2 })
                };
            }
            _ => {}
        }
        if self.variant >= 7 && self.pa > 0 {
            item["prior_authorization_required"] = json!(true);
            let (status, from, to) = match self.pa {
                1 => ("affirmed", -10, 170),
                2 => ("non_affirmed", -10, 170),
                _ => ("affirmed", -200, -20),
            };
            documentation["prior_authorization"] = json!({ "hcpcs": item["hcpcs"],
                "status": status, "utn": "A1B2C3D4E5F6G7",
                "decision_date": day(first, from), "expiry_date": day(first, to) });
        } else if self.variant >= 7 {
            item["prior_authorization_required"] = json!(true);
        }
    }
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
        "pap",
        "nightly_usage",
        "minutes",
        "reevaluation_date",
        "upgrade",
        "election",
        "complex_rehab",
        "prior_authorization_required",
        "prior_authorization",
        "utn",
        "status",
        "decision_date",
        "expiry_date",
        "statutory_exclusion",
        "oxygen_retest_date",
        "reason",
        "hcpcs",
        "pap_late_reevaluation",
        "price_option",
        "bands",
        "from_month",
        "to_month",
        "modifiers",
        "amount",
        "cap_months",
        "supplier_change",
        "to",
        "other_supplier",
        "charge",
        "oxygen_contents",
        "oxygen_maintenance_fee",
        "oxygen_maintenance",
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
        "E0601",
        "replacement",
        "repair",
        "loss",
        "useful_lifetime",
        "rent",
        "undecided",
        "affirmed",
        "non_affirmed",
        "coverage_from_reevaluation",
        "A1B2C3D4E5F6G7",
        "commercial",
        "medicaid",
        "rental",
        "capped_rental",
        "purchase",
        "us",
        "other",
        "RR",
        "KX",
        "every_six_months",
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
    if let Some(option) = &input.price_option {
        return option.cap_months.map_or(usize::MAX, |c| c as usize);
    }
    match input.item.category {
        Category::CappedRental => 13,
        Category::Oxygen => 36,
        _ => usize::MAX,
    }
}

/// Commercial and Medicaid price options: valid most of the time, with bands of 1-14 months,
/// up to 5 modifiers (now and then a bad one), amounts now and then negative, a cap or not, and
/// stays, returns, resumes and deaths.
fn priced() -> impl Strategy<Value = Value> {
    let modifier = prop_oneof![
        40 => prop::sample::select(vec!["RR", "U1", "U2", "KX", "SC", "TW", "rr", "NU", "MS"]),
        1 => prop::sample::select(vec!["R-", "", "RRR", "GA", "KH"]),
    ];
    (
        (0usize..4, any::<bool>(), 0i64..4000, 0i64..3600),
        proptest::collection::vec(
            (
                1u32..15,
                proptest::collection::vec(modifier, 0..5),
                prop_oneof![40 => 0i64..1_000_000, 1 => -100i64..0],
            ),
            1..5,
        ),
        (any::<bool>(), proptest::option::of(1u32..40)),
        proptest::collection::vec((0u8..4, 0i64..1500, 0i64..90), 0..4),
    )
        .prop_map(|((kind, medicaid, start, through), mut bands, (open, cap), events)| {
            let kind = ["purchase", "rental", "capped_rental", "oxygen"][kind];
            let first = time::macros::date!(2020 - 01 - 01) + Duration::days(start);
            // Capped rentals need a cap; the others have one now and then; a purchase one band.
            let cap = if kind == "capped_rental" { Some(cap.unwrap_or(13)) } else { cap.filter(|_| kind != "purchase") };
            if kind == "purchase" {
                bands.truncate(1);
            }
            // No band past the cap (now and then one is left, to exercise the error).
            let mut from = 1;
            let mut count = 0;
            for (length, _, _) in &bands {
                count += 1;
                if cap.is_some_and(|cap| from + length > cap) && !open {
                    break;
                }
                from += length;
            }
            bands.truncate(count);
            let mut from = 1;
            let bands: Vec<Value> = bands
                .into_iter()
                .enumerate()
                .map(|(index, (length, modifiers, amount))| {
                    let mut band = json!({ "from_month": from, "modifiers": modifiers, "amount": amount });
                    if index + 1 < count || (!open && cap.is_some()) {
                        // The last closed band reaches the cap.
                        let to = if index + 1 == count { (from + length - 1).max(cap.unwrap_or(0)) } else { from + length - 1 };
                        band["to_month"] = json!(to);
                    }
                    from += length;
                    band
                })
                .collect();
            let events: Vec<Value> = events
                .into_iter()
                .map(|(event, offset, length)| match event {
                    0 => json!({ "kind": "stay", "start": day(first, offset), "end": day(first, offset + length) }),
                    1 => json!({ "kind": "death", "date": day(first, offset) }),
                    _ => json!([
                        { "kind": "return", "date": day(first, offset % 400) },
                        { "kind": "resume", "date": day(first, offset % 400 + 1 + length * 3), "new_order": false },
                    ]),
                })
                .flat_map(|event| match event {
                    Value::Array(events) => events,
                    event => vec![event],
                })
                .collect();
            json!({
                "item": { "hcpcs": "E0260", "category": "capped_rental" },
                "payer": if medicaid { "medicaid" } else { "commercial" },
                "price_option": { "kind": kind, "bands": bands, "cap_months": cap },
                "first_date_of_service": first.to_string(),
                "through": day(first, through),
                "documentation": { "checklist_met": false },
                "events": events,
            })
        })
}

/// Any generated rental: Medicare or a price option.
fn any_rental() -> impl Strategy<Value = Value> {
    prop_oneof![3 => rental(), 1 => priced()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// CR-CAP-13 / OX-CAP-36: never more paid months than the cap in one period; months count
    /// 1, 2, 3, … within a period and a new period (BIN-NEW-PERIOD) starts again at 1.
    #[test]
    fn paid_months_never_exceed_the_cap(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            // Stationary lines only: a portable oxygen line repeats its stationary month.
            let rentals: Vec<(u32, u32)> = s
                .lines
                .iter()
                .filter(|l| {
                    l.rental_month > 0
                        && l.hcpcs == input.item.hcpcs
                        && !l.rules.iter().any(|r| r.id == "OX-MAINTENANCE-MS")
                })
                .map(|l| (l.period, l.rental_month))
                .collect();
            // SUP-OTHER-SUPPLIER: another supplier's months count but are not ours to bill.
            let supplier_changes = s.skipped.iter().any(|m| m.reason == SkipReason::OtherSupplier);
            let mut expected = (1, 1);
            for &(period, month) in &rentals {
                if supplier_changes {
                    prop_assert!(period > expected.0 || month >= expected.1);
                } else if (period, month) != expected {
                    prop_assert_eq!((period, month), (expected.0 + 1, 1));
                }
                prop_assert!(usize::try_from(month).unwrap() <= cap(&input));
                expected = (period, month + 1);
            }
            if matches!(input.item.category, Category::InexpensiveRoutinelyPurchased | Category::Supplies) {
                prop_assert!(s.lines.iter().all(|l| l.period == 1));
            }
            // IRP-RENT-CAP: rent never exceeds the purchase price.
            // Repairs and an upgrade's covered line are paid besides.
            if input.item.category == Category::InexpensiveRoutinelyPurchased {
                let rent: i64 = s
                    .lines
                    .iter()
                    .filter(|l| l.hcpcs == input.item.hcpcs && !l.modifiers.contains(&Modifier::Rb))
                    .map(|l| l.allowed.cents())
                    .sum();
                prop_assert!(Some(rent) <= input.item.purchase_price.map(|p| p.cents()));
            }
            // Purchases are one line (two for an upgrade) besides repairs; supplies bill units x
            // unit price.
            if input.purchase.is_some() && !s.skipped.iter().any(|m| m.reason == SkipReason::NoPriorAuthorization) {
                let bought = s.lines.iter().filter(|l| !l.modifiers.contains(&Modifier::Rb)).count();
                prop_assert_eq!(bought, if input.upgrade.is_some() { 2 } else { 1 });
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
            let contents = input.item.oxygen_contents.as_ref().map(|c| c.hcpcs.as_str());
            for line in &s.lines {
                let q = line.modifiers.iter().copied().find(|m| m.kind() == ModifierKind::Pricing);
                // OX-CONTENTS-AFTER-36 / OX-MAINTENANCE-MS lines pay their own fees.
                if Some(line.hcpcs.as_str()) == contents || q == Some(Modifier::Ms) {
                    prop_assert!(line.rental_month > 36);
                    continue;
                }
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
    fn modifiers_are_in_claim_order(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            for line in &s.lines {
                prop_assert!(line.modifiers.len() <= 4);
                // The claim-line checks find nothing blocking on any line the engine makes.
                let findings = check_line(&ClaimLine::from(line));
                prop_assert!(
                    findings.iter().all(|f| f.severity != Severity::Blocking),
                    "{:?} {:?}", line.modifiers, findings
                );
                // PO-BAND: other payers' modifiers are in the order the payer configured.
                if !input.payer.is_medicare() {
                    continue;
                }
                let kinds: Vec<ModifierKind> = line.modifiers.iter().map(|m| m.kind()).collect();
                prop_assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{:?}", line.modifiers);
                let first = line.modifiers.first();
                match input.item.category {
                    // A repair part's line starts with RB.
                    _ if line.modifiers.contains(&Modifier::Rb) => {
                        prop_assert_eq!(first, Some(&Modifier::Rb));
                    }
                    Category::Oxygen => {}
                    Category::Supplies => {
                        prop_assert!(!kinds.contains(&ModifierKind::Pricing));
                    }
                    _ if input.purchase.is_some() || line.rental_month == 0 => {
                        // Bought up front, or partway through (IRP-PURCHASE-AFTER-RENT).
                        prop_assert!(matches!(first, Some(Modifier::Nu | Modifier::Ue)));
                    }
                    _ => prop_assert_eq!(first, Some(&Modifier::Rr)),
                }
                prop_assert!(line.modifiers.len() <= 4);
                // Exactly one liability modifier: KX, or one of GA/GZ/GY.
                let liability = line
                    .modifiers
                    .iter()
                    .filter(|m| matches!(m, Modifier::Kx | Modifier::Ga | Modifier::Gz | Modifier::Gy))
                    .count();
                prop_assert_eq!(liability, 1, "{:?}", line.modifiers);
                prop_assert_eq!(
                    line.modifiers.contains(&Modifier::Gy),
                    input.documentation.statutory_exclusion
                );
                // The claim-line checks find nothing blocking on any line the engine makes.
                let findings = check_line(&ClaimLine::from(line));
                prop_assert!(
                    findings.iter().all(|f| f.severity != Severity::Blocking),
                    "{:?} {:?}", line.modifiers, findings
                );
            }
        }
    }

    /// Totals equal the sum of the lines, and every line and skipped month is explained.
    #[test]
    fn totals_are_the_sum_of_lines_and_everything_is_explained(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            let allowed: i64 = s.lines.iter().map(|l| l.allowed.cents()).sum();
            let charge: i64 = s.lines.iter().map(|l| l.charge.cents()).sum();
            prop_assert_eq!(s.total_allowed.cents(), allowed);
            prop_assert_eq!(s.total_charge.cents(), charge);
            prop_assert!(s.lines.iter().all(|l| !l.rules.is_empty() && l.from <= l.to));
            prop_assert!(s.skipped.iter().all(|m| !m.rules.is_empty() && m.from <= m.to));
            // Rental months of the item itself (a purchase partway through falls inside one).
            let stationary: Vec<_> = s.lines.iter().filter(|l| l.hcpcs == input.item.hcpcs && l.rental_month > 0).collect();
            prop_assert!(stationary.windows(2).all(|w| w[0].to < w[1].from));
            // OX-PORTABLE-LINE (and UPG-GK): a portable or covered line directly follows the
            // furnished item's line, same dates; repair and contents lines stand alone.
            let contents = input.item.oxygen_contents.as_ref().map(|c| c.hcpcs.as_str());
            for pair in s.lines.windows(2) {
                if pair[1].hcpcs != input.item.hcpcs
                    && !pair[1].modifiers.contains(&Modifier::Rb)
                    && Some(pair[1].hcpcs.as_str()) != contents
                {
                    prop_assert_eq!((pair[0].from, pair[0].to), (pair[1].from, pair[1].to));
                    prop_assert_eq!(&pair[0].hcpcs, &input.item.hcpcs);
                }
            }
        }
    }

    /// PAP-ADHERENCE: the calculator agrees with counting every 30-day window by brute force,
    /// and PAP months 4+ carry KX only under continued coverage (PAP-CONTINUED-KX).
    #[test]
    fn pap_adherence_matches_brute_force(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let first = input.first_date_of_service;
        let usage: Vec<NightlyUsage> = input.pap.as_ref().map(|p| p.nightly_usage.clone()).unwrap_or_default();
        let used = |d: Date| usage.iter().any(|n| n.date == d && n.minutes >= 240);
        let brute: Vec<usize> = (0..61)
            .map(|s| (0..30).filter(|i| used(first + Duration::days(s + i))).count())
            .collect();
        let best = *brute.iter().max().unwrap();
        let best_start = brute.iter().position(|n| *n == best).unwrap();
        let found = adherence(first, &usage).unwrap();
        prop_assert_eq!(found.best.nights as usize, best);
        prop_assert_eq!(found.best.from, first + Duration::days(best_start as i64));
        prop_assert_eq!(found.met, best >= 21);
        if let Ok(s) = schedule(&input)
            && let Some(review) = &s.pap
        {
            for line in s.lines.iter().filter(|l| l.rental_month >= 4) {
                if line.modifiers.contains(&Modifier::Kx) {
                    prop_assert!(review.adherence.met);
                    prop_assert!(review.continued_coverage_from.is_some_and(|d| d <= line.from));
                }
            }
        }
    }

    /// PA-*: with prior authorization required, every billed line carries the UTN, and months
    /// without it are skipped, never billed; RA only on a replacement period's first line.
    #[test]
    fn prior_authorization_and_replacements(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            let required = input.item.prior_authorization_required;
            for line in &s.lines {
                let repair = line.modifiers.contains(&Modifier::Rb);
                prop_assert_eq!(line.utn.is_some(), required && !repair);
                if line.modifiers.contains(&Modifier::Ra) {
                    prop_assert!(line.period > 1 && line.rental_month == 1, "{:?}", line);
                }
            }
            if s.skipped.iter().any(|m| m.reason == SkipReason::NoPriorAuthorization) {
                prop_assert!(required);
                prop_assert!(s.findings.iter().any(|f| f.severity == Severity::Blocking));
            }
            // UPG-GA-GZ / UPG-GK: the upgraded line expects nothing, the covered line follows it.
            for pair in s.lines.windows(2) {
                if pair[1].modifiers.contains(&Modifier::Gk) {
                    prop_assert_eq!(pair[0].allowed.cents(), 0);
                    prop_assert!(pair[0].modifiers.iter().any(|m| matches!(m, Modifier::Ga | Modifier::Gz)));
                }
            }
        }
    }

    /// OX-MOD-GROUP-BEFORE-2023-04: no line dated before 2023-04-01 carries N1, N2 or N3.
    #[test]
    fn no_line_carries_a_modifier_before_it_existed(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        if let Ok(s) = schedule(&input) {
            for line in s.lines.iter().filter(|l| l.from < OXYGEN_GROUP_MODIFIERS_FROM) {
                prop_assert!(
                    !line.modifiers.iter().any(|m| matches!(m, Modifier::N1 | Modifier::N2 | Modifier::N3)),
                    "{:?}", line
                );
            }
        }
    }

    /// OX-RETEST-NOT-COVERED: for oxygen Groups II and III, a line dated after day 90 carries KX
    /// only with a retest on days 61-90 and a new order on or after it, dated on or before the
    /// line (days counted from the first date of service as day 1).
    #[test]
    fn no_kx_after_a_missed_oxygen_retest(value in rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let grouped = input.item.oxygen_group.is_some_and(|g| g != OxygenGroup::One);
        if let (true, Ok(s)) = (grouped, schedule(&input)) {
            let first = input.first_date_of_service;
            let (day_61, day_90) = (first + Duration::days(60), first + Duration::days(89));
            let documentation = &input.documentation;
            for line in s.lines.iter().filter(|l| l.from > day_90 && l.modifiers.contains(&Modifier::Kx)) {
                let retest = documentation.oxygen_retest_date.unwrap();
                prop_assert!(day_61 <= retest && retest <= day_90, "{:?}", line);
                let order = documentation.oxygen_retest_order_date.unwrap();
                prop_assert!(retest <= order && order <= line.from, "{:?}", line);
            }
        }
    }

    /// The same input always gives the same output, also after a JSON round trip.
    #[test]
    fn same_input_same_output(value in any_rental()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let again: RentalInput = serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
        prop_assert_eq!(schedule(&input), schedule(&again));
    }

    /// PO-BAND / PO-PURCHASE / PO-CAP*: every line of a price option is billed from the band
    /// holding its month (month 1 for a purchase), with that band's modifiers and amount, never
    /// past the cap, and carries no Medicare rule.
    #[test]
    fn price_option_lines_follow_their_bands(value in priced()) {
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let option = input.price_option.clone().unwrap();
        if let Ok(s) = schedule(&input) {
            for line in &s.lines {
                let month = line.rental_month.max(1);
                let band = option
                    .bands
                    .iter()
                    .find(|b| b.from_month <= month && b.to_month.is_none_or(|to| month <= to))
                    .unwrap();
                prop_assert_eq!(line.allowed, band.amount);
                prop_assert_eq!(line.charge, band.amount);
                let codes: Vec<String> = line.modifiers.iter().map(|m| m.code().to_owned()).collect();
                let configured: Vec<String> = band.modifiers.iter().map(|m| m.to_ascii_uppercase()).collect();
                prop_assert_eq!(codes, configured);
                prop_assert!(option.cap_months.is_none_or(|cap| line.rental_month <= cap));
                prop_assert!(line.rules.iter().all(|r| r.id.starts_with("PO-") || r.id.starts_with("MONTH-")), "{:?}", line.rules);
            }
            prop_assert!(s.skipped.iter().all(|m| m.rules.iter().all(|r| r.id.starts_with("PO-"))));
            prop_assert!(s.findings.is_empty() && s.pap.is_none());
        }
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

/// The price-option generator is not vacuous either: most schedule, every kind among them.
#[test]
fn generated_price_options_mostly_schedule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = priced();
    let mut ok = 0;
    let mut kinds = std::collections::BTreeSet::new();
    let mut errors = std::collections::BTreeMap::<String, u32>::new();
    for _ in 0..300 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let input: RentalInput = serde_json::from_value(value).unwrap();
        match schedule(&input) {
            Ok(s) if !s.lines.is_empty() => {
                ok += 1;
                kinds.insert(format!("{:?}", input.price_option.unwrap().kind));
            }
            Ok(_) => {}
            Err(e) => {
                let field: String = e.field.chars().filter(|c| !c.is_ascii_digit()).collect();
                *errors.entry(field).or_insert(0) += 1;
            }
        }
    }
    assert!(
        ok > 120,
        "only {ok} of 300 price options scheduled: {errors:?}"
    );
    assert_eq!(kinds.len(), 4, "{kinds:?}");
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
    let mut features = std::collections::BTreeSet::new();
    let mut errors = std::collections::BTreeMap::<String, u32>::new();
    let mut categories = std::collections::HashSet::new();
    for _ in 0..500 {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        let input: RentalInput = serde_json::from_value(value).unwrap();
        let result = schedule(&input);
        if let Err(e) = &result {
            let field: String = e.field.chars().filter(|c| !c.is_ascii_digit()).collect();
            *errors.entry(field).or_insert(0) += 1;
        }
        if let Ok(s) = result {
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
            for line in &s.lines {
                for m in [
                    Modifier::Ra,
                    Modifier::Rb,
                    Modifier::Gk,
                    Modifier::Gy,
                    Modifier::Bp,
                    Modifier::Br,
                    Modifier::Bu,
                    Modifier::Ms,
                ] {
                    if line.modifiers.contains(&m) {
                        features.insert(m.code().to_owned());
                    }
                }
                if s.pap.is_some() && line.rental_month >= 4 {
                    features.insert(
                        if line.modifiers.contains(&Modifier::Kx) {
                            "PAP-KX"
                        } else {
                            "PAP-DENIED"
                        }
                        .to_owned(),
                    );
                }
                if line.utn.is_some() {
                    features.insert("UTN".to_owned());
                }
                if line.narrative.is_some() {
                    features.insert("NARRATIVE".to_owned());
                }
                if line.rules.iter().any(|r| r.id == "OX-CONTENTS-AFTER-36") {
                    features.insert("CONTENTS".to_owned());
                }
                if line.rules.iter().any(|r| r.id == "IRP-PURCHASE-AFTER-RENT") {
                    features.insert("BOUGHT-LATER".to_owned());
                }
            }
            if s.skipped
                .iter()
                .any(|m| m.reason == SkipReason::NoPriorAuthorization)
            {
                features.insert("NO-PA".to_owned());
            }
        }
    }
    assert!(
        ok > 250,
        "only {ok} of 500 generated rentals scheduled: {errors:?}"
    );
    assert!(
        with_lines > 150,
        "only {with_lines} of 500 had more than one line"
    );
    // Every category, IRP purchase included, and some new periods are exercised.
    assert_eq!(categories.len(), 7, "{categories:?}");
    assert!(new_periods > 0, "no generated rental started a new period");
    assert!(
        portables > 5 && flow_modified > 5,
        "{portables} portables, {flow_modified} Q"
    );
    // The inputs added with PAP, replacements, repairs, upgrades, GY, complex rehab and prior
    // authorization are all exercised.
    assert_eq!(
        features.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "BOUGHT-LATER",
            "BP",
            "BR",
            "BU",
            "CONTENTS",
            "GK",
            "GY",
            "MS",
            "NARRATIVE",
            "NO-PA",
            "PAP-DENIED",
            "PAP-KX",
            "RA",
            "RB",
            "UTN"
        ],
    );
}
