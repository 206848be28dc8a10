//! How fast the billing engine evaluates rental months (target: at least 1,000,000 a second on
//! one core). Each iteration schedules whole rentals; the throughput is reported per rental month.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmark set-up fails loudly on purpose.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use durable_domain::billing::{RentalInput, schedule};

fn rental(json: &str) -> RentalInput {
    serde_json::from_str(json).unwrap()
}

fn engine(c: &mut Criterion) {
    let cases = [
        (
            "capped_rental_13_months",
            rental(include_str!(
                "../../../docs/examples/hospital-bed-rental.json"
            )),
        ),
        (
            "cpap_13_months_with_adherence",
            rental(include_str!("../../../docs/examples/cpap-adherence.json")),
        ),
        (
            "commercial_price_option_13_months",
            rental(include_str!(
                "../../../docs/examples/commercial-capped-rental.json"
            )),
        ),
        (
            "oxygen_5_years",
            rental(include_str!(
                "../../../docs/examples/oxygen-concentrator.json"
            )),
        ),
    ];
    let mut group = c.benchmark_group("billing_schedule");
    for (name, input) in &cases {
        let result = schedule(input).unwrap();
        let months = (result.lines.len() + result.skipped.len()) as u64;
        group.throughput(Throughput::Elements(months));
        group.bench_function(*name, |b| {
            b.iter(|| schedule(std::hint::black_box(input)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
