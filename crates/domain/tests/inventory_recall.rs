#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Recall matching: which units a campaign affects, as table tests, and the
//! in-memory selection agreeing with unit-by-unit matching.

use durable_domain::inventory::{
    AssetIdentity, AssetKeys, Campaign, CampaignInput, SerialRangeInput, affects,
};
use proptest::prelude::*;

fn unit(manufacturer: &str, model: &str, serial: &str, lot: Option<&str>) -> AssetIdentity {
    AssetIdentity {
        manufacturer: manufacturer.into(),
        model: model.into(),
        serial: serial.into(),
        lot: lot.map(str::to_owned),
    }
}

fn range(first: &str, last: &str) -> SerialRangeInput {
    SerialRangeInput {
        first: first.into(),
        last: last.into(),
    }
}

fn by_range(first: &str, last: &str) -> Campaign {
    Campaign::parse(&CampaignInput {
        manufacturer: "Acme Medical".into(),
        model: Some("OC-5".into()),
        serial_ranges: vec![range(first, last)],
        ..CampaignInput::default()
    })
    .unwrap()
}

#[test]
fn serial_ranges_are_inclusive_and_compare_numbers_under_one_prefix() {
    let campaign = by_range("SN1000", "SN1999");
    let cases = [
        ("SN1000", true, "first serial"),
        ("SN1999", true, "last serial"),
        ("SN1500", true, "inside"),
        ("sn-1500", true, "case and separators do not matter"),
        ("SN01500", true, "leading zeros do not matter"),
        ("SN0999", false, "below, with a leading zero"),
        ("SN999", false, "below"),
        ("SN2000", false, "above"),
        ("SN10000", false, "above: more digits is a bigger number"),
        ("SX1500", false, "another prefix"),
        ("1500", false, "no prefix"),
        ("SN1500A", false, "ends in a letter: no number"),
        ("", false, "no serial"),
    ];
    for (serial, expected, why) in cases {
        assert_eq!(
            affects(&campaign, &unit("ACME MEDICAL", "oc5", serial, None)),
            expected,
            "{serial}: {why}"
        );
    }
}

#[test]
fn manufacturer_and_model_must_match_by_key() {
    let campaign = by_range("SN1000", "SN1999");
    let cases = [
        ("Acme Medical", "OC-5", true),
        ("acme  medical", "oc 5", true),
        ("Acme Medical Inc", "OC-5", false),
        ("Acme Medical", "OC-6", false),
        ("Other", "OC-5", false),
    ];
    for (manufacturer, model, expected) in cases {
        assert_eq!(
            affects(&campaign, &unit(manufacturer, model, "SN1234", None)),
            expected,
            "{manufacturer} {model}"
        );
    }
}

#[test]
fn serial_lists_lots_and_every_unit() {
    let listed = Campaign::parse(&CampaignInput {
        manufacturer: "Acme".into(),
        model: Some("CPAP 9".into()),
        serials: vec!["AB-77".into(), "zz 1".into()],
        ..CampaignInput::default()
    })
    .unwrap();
    assert!(affects(&listed, &unit("Acme", "CPAP9", "ab77", None)));
    assert!(affects(&listed, &unit("Acme", "CPAP9", "ZZ1", None)));
    assert!(!affects(&listed, &unit("Acme", "CPAP9", "AB78", None)));

    // A lot recall without a model spans every model of the manufacturer.
    let by_lot = Campaign::parse(&CampaignInput {
        manufacturer: "Acme".into(),
        lots: vec!["L-2026-04".into()],
        ..CampaignInput::default()
    })
    .unwrap();
    assert!(affects(
        &by_lot,
        &unit("Acme", "CPAP9", "X1", Some("l 2026 04"))
    ));
    assert!(affects(
        &by_lot,
        &unit("Acme", "BiPAP", "X2", Some("L-2026-04"))
    ));
    assert!(!affects(
        &by_lot,
        &unit("Acme", "CPAP9", "X3", Some("L-2026-05"))
    ));
    assert!(!affects(&by_lot, &unit("Acme", "CPAP9", "X4", None)));
    assert!(!affects(
        &by_lot,
        &unit("Other", "CPAP9", "X5", Some("L-2026-04"))
    ));

    let whole_model = Campaign::parse(&CampaignInput {
        manufacturer: "Acme".into(),
        model: Some("CPAP 9".into()),
        every_unit: true,
        ..CampaignInput::default()
    })
    .unwrap();
    assert!(affects(
        &whole_model,
        &unit("Acme", "CPAP-9", "anything", None)
    ));
    assert!(!affects(
        &whole_model,
        &unit("Acme", "CPAP 10", "anything", None)
    ));
}

#[test]
fn a_campaign_may_mix_ranges_serials_and_lots() {
    let campaign = Campaign::parse(&CampaignInput {
        manufacturer: "Acme".into(),
        model: Some("OC-5".into()),
        serial_ranges: vec![range("A100", "A199"), range("B000500", "B000600")],
        serials: vec!["C1".into()],
        lots: vec!["LOT9".into()],
        ..CampaignInput::default()
    })
    .unwrap();
    let hits = ["A150", "B550", "B000600", "C1"];
    for serial in hits {
        assert!(
            affects(&campaign, &unit("Acme", "OC-5", serial, None)),
            "{serial}"
        );
    }
    assert!(affects(
        &campaign,
        &unit("Acme", "OC-5", "Z9", Some("lot9"))
    ));
    assert!(!affects(
        &campaign,
        &unit("Acme", "OC-5", "A200", Some("LOT8"))
    ));
}

#[test]
fn campaign_errors_name_their_fields() {
    let errors = Campaign::parse(&CampaignInput {
        manufacturer: " ".into(),
        serial_ranges: vec![range("SN10", "SX20"), range("X5", "X1")],
        serials: vec!["--".into()],
        lots: vec![" ".into()],
        ..CampaignInput::default()
    })
    .unwrap_err();
    for field in [
        "manufacturer",
        "serial_ranges[0].last",
        "serial_ranges[1].last",
        "serials[0]",
        "lots[0]",
    ] {
        assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
    }
}

fn serial() -> impl Strategy<Value = String> {
    ("[A-C]{0,2}", 0u32..3000, any::<bool>()).prop_map(|(prefix, number, dash)| {
        if dash {
            format!("{prefix}-{number:05}")
        } else {
            format!("{prefix}{number}")
        }
    })
}

proptest! {
    #[test]
    fn select_returns_exactly_the_units_that_match(
        serials in proptest::collection::vec((serial(), 0usize..2, proptest::option::of("L[1-3]")), 0..200),
        low in 0u32..2000,
        width in 0u32..1000,
    ) {
        let campaign = Campaign::parse(&CampaignInput {
            manufacturer: "Acme".into(),
            model: Some("OC-5".into()),
            serial_ranges: vec![range(&format!("B{low}"), &format!("B{}", low + width))],
            lots: vec!["L2".into()],
            ..CampaignInput::default()
        })
        .unwrap();
        let units: Vec<(AssetIdentity, AssetKeys)> = serials
            .iter()
            .map(|(serial, model, lot)| {
                let identity = unit("Acme", ["OC-5", "OC-6"][*model], serial, lot.as_deref());
                let keys = AssetKeys::of(&identity);
                (identity, keys)
            })
            .collect();
        let selected = campaign.select(&units, |(_, keys)| keys);
        let expected: Vec<_> = units.iter().filter(|(identity, _)| affects(&campaign, identity)).collect();
        prop_assert_eq!(selected, expected);
        // The range rule, restated: same model, prefix B, number within [low, low + width].
        for (identity, keys) in &units {
            let in_range = identity.model == "OC-5"
                && keys.serial.prefix == "B"
                && keys.serial.number.is_some_and(|n| n >= i64::from(low) && n <= i64::from(low + width));
            let by_lot = identity.model == "OC-5" && identity.lot.as_deref() == Some("L2");
            prop_assert_eq!(affects(&campaign, identity), in_range || by_lot, "{:?}", identity);
        }
    }
}
