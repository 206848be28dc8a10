//! Asset labels scan: each label PDF is rendered to an image by poppler's `pdftoppm` and read by
//! a real decoder, zbar's `zbarimg`, which must find both the Code 128 and the QR symbol and get
//! the serial back from each. A label whose text ran into a symbol, or whose QR code lacked its
//! quiet zone, fails here. `./scripts/test` installs both tools when they are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::process::Command;

use durable_app::inventory::label::render;

/// What zbar decodes from the label of `serial`, as `(symbology, text)` pairs.
fn decoded(title: &str, serial: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("label.pdf");
    std::fs::write(&pdf, render(title, serial).unwrap()).unwrap();
    let png = dir.path().join("label");
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm (Debian's poppler-utils) renders the label");
    assert!(status.success(), "pdftoppm failed on the label of {serial}");
    let out = Command::new("zbarimg")
        .arg("-q")
        .arg(dir.path().join("label.png"))
        .output()
        .expect("zbarimg (Debian's zbar-tools) reads the label");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut found: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, value)| (kind.to_owned(), value.to_owned()))
        .collect();
    found.sort();
    found
}

#[test]
fn both_symbols_of_every_label_decode_to_the_serial() {
    let cases = [
        ("Philips Respironics EverFlo", "EF1234567"),
        ("Invacare Homefill", "24080012345678"),
        ("Drive Medical", "A1"),
        (
            "A product with a very long manufacturer and model name that cannot fit",
            "SN-2026-000123-XL-REV-B",
        ),
        ("ResMed AirSense 11", "23211234567"),
    ];
    for (title, serial) in cases {
        assert_eq!(
            decoded(title, serial),
            vec![
                ("CODE-128".to_owned(), serial.to_owned()),
                ("QR-Code".to_owned(), serial.to_owned()),
            ],
            "label of {serial} under {title:?}"
        );
    }
}
