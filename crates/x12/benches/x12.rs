//! How fast the codec reads an 835 and an 837P (target: 500 MB/s or better on one core) and
//! writes the 837P files for 100,000 claims (target: under 2 s). The input files are made by
//! the same generators as the samples in data/x12 (scaled up); `benches/x12-vs-pyx12.sh` times
//! pyx12 on the same files for the ratio in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmark set-up fails loudly on purpose.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use durable_x12::{Interchange, claim, remittance};

#[path = "../tests/x12/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

/// The sample's transaction body repeated until the file is about `target` bytes.
fn scaled(sample: &str, target: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(format!(
        "{}/../../data/x12/{sample}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let segments: Vec<&str> = text
        .split_terminator('~')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let st = segments.iter().position(|s| s.starts_with("ST*")).unwrap();
    let se = segments.iter().position(|s| s.starts_with("SE*")).unwrap();
    let mut out = String::new();
    for s in &segments[..st] {
        out.push_str(s);
        out.push('~');
    }
    let mut sets = 0;
    while out.len() < target {
        sets += 1;
        // Each transaction set gets its own control number, as a sender would number them.
        out.push_str(&format!("ST*835*{sets:04}~"));
        for s in &segments[st + 1..se] {
            out.push_str(s);
            out.push('~');
        }
        out.push_str(&format!("SE*{}*{sets:04}~", se - st + 1));
    }
    for s in &segments[se + 1..] {
        out.push_str(&s.replace("GE*1*", &format!("GE*{sets}*")));
        out.push('~');
    }
    out.into_bytes()
}

fn parse(c: &mut Criterion) {
    let all = fixtures::claims();
    let mut group = c.benchmark_group("x12_parse");
    let claims = claim::write_claims(
        &fixtures::envelope(1),
        &fixtures::batch((0..2000).map(|i| all[i % all.len()].1.clone()).collect()),
    )
    .unwrap()
    .into_bytes();
    let remits = scaled("835_dme_era.x12", 1 << 20);
    std::fs::write(std::env::temp_dir().join("durable-bench-837p.x12"), &claims).unwrap();
    std::fs::write(std::env::temp_dir().join("durable-bench-835.x12"), &remits).unwrap();
    group.throughput(Throughput::Bytes(claims.len() as u64));
    group.bench_function("837p_tokenize_and_check_envelope", |b| {
        b.iter(|| Interchange::parse(&claims).unwrap().segments().len())
    });
    group.bench_function("837p_tokenize_and_type", |b| {
        b.iter(|| {
            claim::read_claims(&Interchange::parse(&claims).unwrap())
                .unwrap()
                .len()
        })
    });
    group.throughput(Throughput::Bytes(remits.len() as u64));
    group.bench_function("835_tokenize_and_check_envelope", |b| {
        b.iter(|| Interchange::parse(&remits).unwrap().segments().len())
    });
    group.bench_function("835_tokenize_and_type", |b| {
        b.iter(|| {
            remittance::read_remittances(&Interchange::parse(&remits).unwrap())
                .unwrap()
                .len()
        })
    });
    group.finish();
}

fn generate(c: &mut Criterion) {
    let all = fixtures::claims();
    let claims: Vec<_> = (0..100_000).map(|i| all[i % all.len()].1.clone()).collect();
    let mut group = c.benchmark_group("x12_generate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(claims.len() as u64));
    // 5,000 claims a file, as the 837P guide recommends at most per transaction set.
    group.bench_function("837p_100000_claims", |b| {
        b.iter(|| {
            claims
                .chunks(5000)
                .enumerate()
                .map(|(i, chunk)| {
                    claim::write_claims(
                        &fixtures::envelope(i as u32 + 1),
                        &fixtures::batch(chunk.to_vec()),
                    )
                    .unwrap()
                    .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, parse, generate);
criterion_main!(benches);
