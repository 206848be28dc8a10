//! Every sample in data/x12 parses, and each BAD one is refused at the right segment.

use durable_x12::{
    Interchange, Problem, acknowledgement, claim, eligibility, remittance, render, status,
};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../data/x12/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn every_sample_has_a_sound_envelope_and_renders_one_segment_per_line() {
    let dir = format!("{}/../../data/x12", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "x12") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let interchange =
            Interchange::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let shown = render::render(&bytes).unwrap();
        assert_eq!(
            shown.lines().count(),
            interchange.segments().len(),
            "{}",
            path.display()
        );
        count += 1;
    }
    assert_eq!(count, 14);
}

#[test]
fn good_samples_read_into_typed_values() {
    for name in [
        "837p_dme_cpap_rental.x12",
        "837p_dme_oxygen_rental.x12",
        "837p_dme_wheelchair_purchase.x12",
        "837p_dme_cpap_3claims.x12",
    ] {
        let bytes = sample(name);
        let batches = claim::read_claims(&Interchange::parse(&bytes).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(batches.len(), 1);
    }
    let bytes = sample("835_dme_era.x12");
    assert_eq!(
        remittance::read_remittances(&Interchange::parse(&bytes).unwrap()).unwrap()[0]
            .claims
            .len(),
        2
    );
    let bytes = sample("999_accepted_for_837p_dme_cpap_rental.x12");
    assert_eq!(
        acknowledgement::read_acknowledgements(&Interchange::parse(&bytes).unwrap()).unwrap()[0]
            .group_code,
        "A"
    );
    let bytes = sample("lfh_277_claim-level-status.x12");
    assert_eq!(
        status::read_responses(&Interchange::parse(&bytes).unwrap()).unwrap()[0]
            .claims
            .len(),
        3
    );
}

/// The error a typed reader gives for a BAD sample: its segment position, id and element.
fn refusal(name: &str) -> durable_x12::Error {
    let bytes = sample(name);
    let interchange = Interchange::parse(&bytes).unwrap();
    match name.split('_').next().unwrap() {
        "837p" => claim::read_claims(&interchange).map(|_| ()).unwrap_err(),
        "835" => remittance::read_remittances(&interchange)
            .map(|_| ())
            .unwrap_err(),
        other => panic!("no typed reader for {other}"),
    }
}

#[test]
fn bad_samples_are_refused_at_their_segment() {
    let missing_payer = refusal("837p_dme_BAD_missing_2010BB_payer.x12");
    assert_eq!(
        (
            missing_payer.location.position,
            missing_payer.location.segment.as_str()
        ),
        (19, "CLM")
    );
    assert!(
        missing_payer.to_string().contains("loop 2010BB"),
        "{missing_payer}"
    );

    let bad_date = refusal("837p_dme_BAD_invalid_date.x12");
    assert_eq!(
        (bad_date.location.position, bad_date.location.element),
        (25, Some(3))
    );
    assert!(
        matches!(bad_date.problem, Problem::Invalid { ref value, .. } if value == "20240231"),
        "{bad_date}"
    );

    let total = refusal("837p_dme_BAD_claim_total_mismatch.x12");
    assert_eq!(
        (
            total.location.position,
            total.location.segment.as_str(),
            total.location.element
        ),
        (20, "CLM", Some(2))
    );
    assert_eq!(
        total.to_string(),
        "segment 20 (CLM), element CLM02: the claim total $999.99 is not the sum of its line charges $265.50"
    );

    let no_contact = refusal("835_dme_BAD_missing_PER_BL.x12");
    assert_eq!(
        (
            no_contact.location.position,
            no_contact.location.segment.as_str()
        ),
        (10, "N1")
    );
    assert!(no_contact.to_string().contains("PER*BL"), "{no_contact}");
}

#[test]
fn the_270_sample_has_the_shape_the_writer_produces() {
    let bytes = sample("270_dme_eligibility.x12");
    let interchange = Interchange::parse(&bytes).unwrap();
    let transaction = interchange.transactions().next().unwrap();
    transaction.expect("270", eligibility::GUIDE).unwrap();
    assert!(
        transaction
            .segments()
            .iter()
            .any(|s| s.id() == "EQ" && s.element(1) == eligibility::DURABLE_MEDICAL_EQUIPMENT)
    );
}
