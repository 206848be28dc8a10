//! How fast the documentation checker evaluates an order (target: under 50 µs per order, so the
//! live checklist on the order page costs nothing). Each iteration checks one whole order.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmark set-up fails loudly on purpose.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use durable_domain::documentation::{DocumentationRules, OrderFacts, check};
use time::macros::date;

fn order(json: &str) -> OrderFacts {
    serde_json::from_str(json).unwrap()
}

/// A power wheelchair with seating and accessories: F2F/WOPD and PA lines, a complete chart.
const POWER_WHEELCHAIR: &str = r#"{
    "patient_name": "Jane Doe", "patient_mbi": "1EG4TE5MK73",
    "order_date": "2026-05-01", "planned_delivery": "2026-05-20",
    "practitioner_name": "Dr. Ada Smith", "practitioner_npi": "1234567893",
    "signed": true, "signature_date": "2026-05-01",
    "diagnoses": ["G35", "R26.2", "M62.81"],
    "lines": [
        {"hcpcs": "K0856", "rent_or_buy": "purchase", "description": "Group 3 power wheelchair, single power option"},
        {"hcpcs": "E1002", "quantity": 1, "rent_or_buy": "purchase", "description": "Power tilt"},
        {"hcpcs": "E2611", "quantity": 1, "rent_or_buy": "purchase", "description": "General use back cushion"},
        {"hcpcs": "E2603", "quantity": 1, "rent_or_buy": "purchase", "description": "Skin protection seat cushion"},
        {"hcpcs": "E2310", "quantity": 1, "rent_or_buy": "purchase", "description": "Electronic connection"},
        {"hcpcs": "K0108", "quantity": 2, "rent_or_buy": "purchase", "description": "Other accessory"}
    ],
    "f2f_encounter": "2026-04-15",
    "documents": [
        {"kind": "order", "date": "2026-05-01"},
        {"kind": "f2f_note", "date": "2026-04-15", "satisfies": ["PMD-F2F-EXAM", "PMD-MEDICAL-NEED"]},
        {"kind": "other", "date": "2026-04-20", "satisfies": ["PMD-RENT-OR-BUY"]},
        {"kind": "pa_decision", "date": "2026-05-05"}
    ],
    "prior_auths": [
        {"hcpcs": "K0856", "status": "non_affirmed", "utn": "JD0000123455WR", "decision_date": "2026-04-25"},
        {"hcpcs": "K0856", "status": "affirmed", "utn": "JD0000123456WR", "decision_date": "2026-05-05"}
    ],
    "eligibility": [{"checked_on": "2026-04-02", "active": true}, {"checked_on": "2026-05-18", "active": true}]
}"#;

/// A CPAP with its first supplies, missing the signature and the sleep study (two findings).
const CPAP_ON_HOLD: &str = r#"{
    "patient_name": "John Roe", "order_date": "2026-05-01", "planned_delivery": "2026-05-20",
    "practitioner_npi": "1234567893", "signed": false,
    "diagnoses": ["G47.33", "I10"],
    "lines": [
        {"hcpcs": "E0601", "rent_or_buy": "rental", "description": "CPAP"},
        {"hcpcs": "E0562", "quantity": 1, "rent_or_buy": "rental", "description": "Heated humidifier"},
        {"hcpcs": "A7030", "quantity": 1, "rent_or_buy": "purchase", "description": "Full face mask"},
        {"hcpcs": "A7031", "quantity": 1, "rent_or_buy": "purchase", "description": "Cushion"},
        {"hcpcs": "A7037", "quantity": 1, "rent_or_buy": "purchase", "description": "Tubing"},
        {"hcpcs": "A7038", "quantity": 2, "rent_or_buy": "purchase", "description": "Filters"}
    ],
    "documents": [
        {"kind": "order", "date": "2026-05-01"},
        {"kind": "f2f_note", "date": "2026-03-02", "satisfies": ["PAP-F2F-EVALUATION"]}
    ],
    "eligibility": [{"checked_on": "2026-05-18", "active": true}]
}"#;

fn checker(c: &mut Criterion) {
    let rules = DocumentationRules::bundled().unwrap();
    let today = date!(2026 - 05 - 01);
    let cases = [
        ("power_wheelchair_6_lines_ready", order(POWER_WHEELCHAIR), 0),
        ("cpap_6_lines_on_hold", order(CPAP_ON_HOLD), 2),
    ];
    let mut group = c.benchmark_group("documentation_check");
    group.throughput(Throughput::Elements(1));
    for (name, facts, findings) in &cases {
        assert_eq!(
            check(facts, rules, today).findings.len(),
            *findings,
            "{name}"
        );
        group.bench_function(*name, |b| {
            b.iter(|| check(std::hint::black_box(facts), rules, today))
        });
    }
    group.finish();
}

criterion_group!(benches, checker);
criterion_main!(benches);
