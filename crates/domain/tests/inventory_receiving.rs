#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Receiving checks: over-receipt needs an override, duplicate
//! serials per manufacturer and negative quantities are refused, each error on its field.

use durable_domain::ids::{LocationId, ProductId};
use durable_domain::inventory::{
    LotTracking, Movement, OrderedLine, ReceiptInput, ReceiptLineInput, check_receipt,
};

fn concentrators(ordered: u32, received: u32) -> OrderedLine {
    OrderedLine {
        product: ProductId::new(),
        manufacturer: "Acme Medical".into(),
        ordered,
        received,
        serialized: true,
        tracking: LotTracking::None,
    }
}

fn electrodes() -> OrderedLine {
    OrderedLine {
        product: ProductId::new(),
        manufacturer: "Padco".into(),
        ordered: 100,
        received: 0,
        serialized: false,
        tracking: LotTracking::LotAndExpiry,
    }
}

fn serials(quantity: i64, serials: &[&str]) -> ReceiptLineInput {
    ReceiptLineInput {
        quantity,
        serials: serials.iter().map(|s| (*s).to_owned()).collect(),
        ..ReceiptLineInput::default()
    }
}

fn nothing_on_file(_: &str, _: &str) -> bool {
    false
}

#[test]
fn three_concentrators_by_serial_and_a_partial_receipt_of_supplies() {
    let order = [concentrators(3, 0), electrodes()];
    let input = ReceiptInput {
        lines: vec![
            serials(3, &["OC5-0001", " OC5-0002 ", "OC5-0003", ""]),
            ReceiptLineInput {
                quantity: 40,
                lot: Some("e-77".into()),
                expiry: Some("2027-06-30".into()),
                ..ReceiptLineInput::default()
            },
        ],
        override_reason: None,
    };
    let receipt = check_receipt(&order, &input, nothing_on_file).unwrap();
    assert_eq!(receipt.lines.len(), 2);
    let units = &receipt.lines[0];
    assert_eq!(units.quantity.units(), 3);
    assert_eq!(units.serials[1].text, "OC5-0002");
    assert_eq!(units.serials[1].key.key, "OC50002");
    assert!(units.stock_movement(LocationId::new()).is_none());
    let supplies = &receipt.lines[1];
    assert_eq!(supplies.lot.as_ref().unwrap().as_str(), "E-77");
    assert!(!supplies.over_ordered);
    assert!(matches!(
        supplies.stock_movement(LocationId::new()),
        Some(Movement::Receive { quantity, .. }) if quantity.units() == 40
    ));
    assert_eq!(receipt.override_reason, None);
}

#[test]
fn receiving_more_than_ordered_needs_an_override_reason() {
    let order = [concentrators(3, 2)];
    let input = ReceiptInput {
        lines: vec![serials(2, &["A1", "A2"])],
        override_reason: None,
    };
    let errors = check_receipt(&order, &input, nothing_on_file).unwrap_err();
    assert_eq!(
        errors.for_field("lines[0].quantity"),
        Some("Only 1 more ordered on this line: to receive more, give an override reason.")
    );
    let overridden = ReceiptInput {
        override_reason: Some("Vendor shipped a spare; keeping it".into()),
        ..input
    };
    let receipt = check_receipt(&order, &overridden, nothing_on_file).unwrap();
    assert!(receipt.lines[0].over_ordered);
    assert!(receipt.override_reason.is_some());
}

#[test]
fn duplicate_serials_are_refused_per_manufacturer() {
    let order = [concentrators(5, 0)];
    let on_file =
        |manufacturer: &str, serial: &str| manufacturer == "ACMEMEDICAL" && serial == "A1";
    let input = ReceiptInput {
        lines: vec![serials(3, &["a-1", "B2", "b 2"])],
        override_reason: None,
    };
    let errors = check_receipt(&order, &input, on_file).unwrap_err();
    assert_eq!(
        errors.for_field("lines[0].serials[0]"),
        Some("Serial a-1 is already on file for Acme Medical.")
    );
    assert_eq!(
        errors.for_field("lines[0].serials[2]"),
        Some("Serial b 2 is entered twice on this receipt.")
    );
    assert_eq!(errors.errors.len(), 2);

    // The same serial from another manufacturer is a different unit.
    let other = OrderedLine {
        manufacturer: "Other Co".into(),
        ..concentrators(5, 0)
    };
    let input = ReceiptInput {
        lines: vec![serials(1, &["A1"])],
        override_reason: None,
    };
    assert!(check_receipt(&[other], &input, on_file).is_ok());
}

#[test]
fn negative_and_mismatched_quantities_are_refused_on_their_fields() {
    let order = [concentrators(3, 0), electrodes()];
    let input = ReceiptInput {
        lines: vec![
            serials(2, &["A1"]),
            ReceiptLineInput {
                quantity: -5,
                ..ReceiptLineInput::default()
            },
        ],
        override_reason: None,
    };
    let errors = check_receipt(&order, &input, nothing_on_file).unwrap_err();
    assert_eq!(
        errors.for_field("lines[0].serials"),
        Some("Scan or type one serial per unit: 2 units, 1 serials.")
    );
    assert!(
        errors
            .for_field("lines[1].quantity")
            .unwrap()
            .contains("cannot be negative")
    );
}

#[test]
fn lots_expiry_and_empty_receipts() {
    let order = [electrodes()];
    let missing = ReceiptInput {
        lines: vec![ReceiptLineInput {
            quantity: 10,
            expiry: Some("31/31/2027".into()),
            ..ReceiptLineInput::default()
        }],
        override_reason: None,
    };
    let errors = check_receipt(&order, &missing, nothing_on_file).unwrap_err();
    assert!(errors.for_field("lines[0].lot").is_some());
    assert!(
        errors
            .for_field("lines[0].expiry")
            .unwrap()
            .contains("YYYY-MM-DD")
    );

    let empty = ReceiptInput {
        lines: vec![ReceiptLineInput::default()],
        override_reason: None,
    };
    let errors = check_receipt(&order, &empty, nothing_on_file).unwrap_err();
    assert_eq!(
        errors.for_field("lines"),
        Some("Enter at least one quantity received.")
    );

    let wrong_shape = ReceiptInput::default();
    assert!(
        check_receipt(&order, &wrong_shape, nothing_on_file)
            .unwrap_err()
            .for_field("lines")
            .is_some()
    );

    let serials_on_stock_item = ReceiptInput {
        lines: vec![ReceiptLineInput {
            quantity: 1,
            serials: vec!["X".into()],
            lot: Some("L".into()),
            expiry: Some("2027-01-01".into()),
        }],
        override_reason: None,
    };
    assert!(
        check_receipt(&order, &serials_on_stock_item, nothing_on_file)
            .unwrap_err()
            .for_field("lines[0].serials")
            .is_some()
    );
}
