//! Generate → parse is lossless, for the fixtures and for arbitrary claims; no input, however
//! mangled, makes a reader panic; envelope faults are reported at their segment.

use std::borrow::Cow;

use durable_domain::money::Money;
use durable_x12::claim::{self, ClaimBatch};
use durable_x12::{Interchange, Problem, acknowledgement, eligibility, remittance, render, status};
use proptest::prelude::*;

use crate::fixtures;

fn round_trip(batch: &ClaimBatch<'_>) {
    let envelope = fixtures::envelope(42);
    let text = claim::write_claims(&envelope, batch).unwrap();
    let interchange = Interchange::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(interchange.envelope().unwrap(), envelope);
    let read = claim::read_claims(&interchange).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(read, vec![batch.clone()]);
}

#[test]
fn every_fixture_claim_reads_back_as_written() {
    for (name, claim) in fixtures::claims() {
        eprintln!("{name}");
        round_trip(&fixtures::batch(vec![claim]));
    }
    round_trip(&fixtures::batch(
        fixtures::claims().into_iter().map(|(_, c)| c).collect(),
    ));
}

#[test]
fn the_isa_is_fixed_width_and_counts_match() {
    let text = claim::write_claims(
        &fixtures::envelope(7),
        &fixtures::batch(vec![fixtures::claims()[0].1.clone()]),
    )
    .unwrap();
    assert_eq!(
        text.find("~GS").unwrap() + 1,
        durable_x12::reader::ISA_LENGTH
    );
    assert!(text.starts_with("ISA*00*          *00*          *ZZ*ACMEDME        *ZZ*DMEMACJA       *261202*0930*^*00501*000000007*0*T*:~"));
    assert!(text.ends_with("~GE*1*7~IEA*1*000000007~"));
}

#[test]
fn a_value_holding_a_delimiter_is_refused_with_claim_segment_and_element() {
    let mut c = fixtures::claims()[0].1.clone();
    c.subscriber.address.line1 = "12 ELM ST*APT 4".into();
    let error = claim::write_claims(&fixtures::envelope(1), &fixtures::batch(vec![c])).unwrap_err();
    assert_eq!(
        (error.location.segment.as_str(), error.location.element),
        ("N3", Some(1))
    );
    assert!(
        error.to_string().starts_with(
            "claim CR0001: segment 17 (N3), element N301: \"12 ELM ST*APT 4\" holds '*'"
        ),
        "{error}"
    );
}

#[test]
fn claim_rules_are_refused_before_a_file_is_written() {
    let mut five = fixtures::claims()[0].1.clone();
    five.lines[0].modifiers = ["RR", "KH", "KX", "GA", "GY"].map(Cow::Borrowed).to_vec();
    let error =
        claim::write_claims(&fixtures::envelope(1), &fixtures::batch(vec![five])).unwrap_err();
    assert!(
        error.to_string().contains("line 1 has 5 modifiers"),
        "{error}"
    );

    let mut unbalanced = fixtures::claims()
        .into_iter()
        .find(|(n, _)| *n == "secondary_after_medicare")
        .unwrap()
        .1;
    unbalanced.lines[0].adjudications[0].paid = Money::from_cents(1);
    let error = claim::write_claims(&fixtures::envelope(1), &fixtures::batch(vec![unbalanced]))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("do not add up to the line's charge $150.00"),
        "{error}"
    );
}

/// A written file with one edit, for the envelope checks.
fn edited(from: &str, to: &str) -> durable_x12::Error {
    let text = claim::write_claims(
        &fixtures::envelope(5),
        &fixtures::batch(vec![fixtures::claims()[0].1.clone()]),
    )
    .unwrap();
    assert!(text.contains(from), "{from} not in {text}");
    let bad = text.replacen(from, to, 1);
    Interchange::parse(bad.as_bytes()).unwrap_err()
}

#[test]
fn envelope_faults_name_their_segment_and_element() {
    let wrong_se = edited("~SE*", "~SE*9");
    assert_eq!(
        (
            wrong_se.location.segment.as_str(),
            wrong_se.location.element
        ),
        ("SE", Some(1))
    );
    assert!(matches!(wrong_se.problem, Problem::CountMismatch { .. }));
    let wrong_ge = edited("~GE*1*", "~GE*2*");
    assert_eq!(
        wrong_ge.to_string().split(':').next().unwrap(),
        format!("segment {} (GE), element GE01", wrong_ge.location.position)
    );
    let wrong_iea = edited("~IEA*1*000000005", "~IEA*1*000000006");
    assert!(
        matches!(wrong_iea.problem, Problem::ControlMismatch { .. }),
        "{wrong_iea}"
    );
    let short_isa = edited("*ZZ*ACMEDME        *", "*ZZ*ACMEDME       *");
    assert_eq!(short_isa.location.position, 1);
    assert!(
        matches!(short_isa.problem, Problem::IsaLayout(_)),
        "{short_isa}"
    );
    let mixed = edited("~GS*HC*", "~GS|HC|");
    assert_eq!(mixed.location.position, 2);
    assert!(
        matches!(mixed.problem, Problem::BadSegmentId { .. }),
        "{mixed}"
    );
    let text = claim::write_claims(
        &fixtures::envelope(5),
        &fixtures::batch(vec![fixtures::claims()[0].1.clone()]),
    )
    .unwrap();
    let truncated = Interchange::parse(&text.as_bytes()[..text.len() / 2]).unwrap_err();
    assert!(
        matches!(
            truncated.problem,
            Problem::Unterminated { .. } | Problem::Truncated { .. }
        ),
        "{truncated}"
    );
}

#[test]
fn other_delimiters_and_line_breaks_between_segments_are_read() {
    let text = claim::write_claims(
        &fixtures::envelope(3),
        &fixtures::batch(vec![fixtures::claims()[3].1.clone()]),
    )
    .unwrap();
    let swapped: String = text
        .chars()
        .map(|c| match c {
            '*' => '|',
            ':' => '>',
            '^' => '!',
            '~' => '\n',
            other => other,
        })
        .collect();
    let with_crlf = text.replace('~', "~\r\n");
    for variant in [swapped, with_crlf] {
        let batches = claim::read_claims(&Interchange::parse(variant.as_bytes()).unwrap()).unwrap();
        assert_eq!(batches[0].claims[0], fixtures::claims()[3].1);
    }
}

#[test]
fn inquiries_render_with_the_guides_segment_names() {
    let text = eligibility::write_inquiry(&fixtures::envelope(8), &fixtures::eligibility_inquiry())
        .unwrap();
    let shown = render::render(text.as_bytes()).unwrap();
    assert!(
        shown
            .lines()
            .any(|l| l.contains("Eligibility or Benefit Inquiry") && l.ends_with("EQ*12")),
        "{shown}"
    );
    let text = status::write_inquiry(&fixtures::envelope(9), &fixtures::status_inquiry()).unwrap();
    let shown = render::render(text.as_bytes()).unwrap();
    assert!(
        shown
            .lines()
            .any(|l| l.contains("Patient Control Number") && l.ends_with("REF*EJ*ML0001")),
        "{shown}"
    );
}

/// Runs every reader over input; only errors, never a panic.
fn read_everything(bytes: &[u8]) {
    let _ = render::render(bytes);
    if let Ok(interchange) = Interchange::parse(bytes) {
        let _ = interchange.envelope();
        let _ = claim::read_claims(&interchange);
        let _ = remittance::read_remittances(&interchange);
        let _ = acknowledgement::read_acknowledgements(&interchange);
        let _ = status::read_responses(&interchange);
        let _ = eligibility::read_responses(&interchange);
    }
}

/// The samples and a generated batch, made once for all proptest cases.
static VALID_FILES: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(valid_files);

fn valid_files() -> Vec<Vec<u8>> {
    let dir = format!("{}/../../data/x12", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "x12"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    files.push(
        claim::write_claims(
            &fixtures::envelope(1),
            &fixtures::batch(fixtures::claims().into_iter().map(|(_, c)| c).collect()),
        )
        .unwrap()
        .into_bytes(),
    );
    files
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        read_everything(&bytes);
        let mut with_isa = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *261202*0930*^*00501*000000001*0*T*:~".to_vec();
        with_isa.extend_from_slice(&bytes);
        read_everything(&with_isa);
    }

    #[test]
    fn mutated_valid_files_never_panic(
        file in 0usize..16,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let files = &*VALID_FILES;
        let mut bytes = files[file % files.len()].clone();
        for (index, byte, kind) in edits {
            if bytes.is_empty() { break; }
            let at = index.index(bytes.len());
            match kind {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => bytes.insert(at, b"*:~^\n"[usize::from(byte) % 5]),
            }
        }
        read_everything(&bytes);
    }

    #[test]
    fn arbitrary_claims_round_trip(
        charges in proptest::collection::vec(0i64..10_000_000, 1..6),
        units in 1u32..1000,
        name in "[A-Z][A-Z '-]{0,30}",
        note in proptest::option::of("[A-Z0-9 .,/-]{1,80}"),
    ) {
        let (_, template) = fixtures::claims().swap_remove(23);
        let mut claim = template;
        claim.subscriber.name.last = (name.trim_end().to_owned() + "X").into();
        claim.note = note.map(Cow::Owned);
        let line = claim.lines[0].clone();
        claim.lines = charges.iter().map(|&cents| {
            let mut l = line.clone();
            l.charge = Money::from_cents(cents);
            l.units = units;
            l
        }).collect();
        round_trip(&fixtures::batch(vec![claim]));
    }
}
