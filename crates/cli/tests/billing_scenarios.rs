//! The billing scenarios of crates/domain/tests/scenarios/*.json run through the built binary:
//! `durable billing simulate FILE --json` must print the schedule each scenario expects, and
//! refuse the bad inputs naming the field, exactly as the engine does in-process.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

#[path = "../../domain/tests/scenarios/compare.rs"]
mod compare;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

#[test]
fn every_scenario_runs_through_billing_simulate_json() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 27, "only {} scenarios", files.len());
    let work = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let scenario: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        // simulate reads a rental, so the scenario's input goes to a file of its own.
        let input = work.path().join(&name);
        std::fs::write(&input, scenario["input"].to_string()).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_durable"))
            .args(["billing", "simulate"])
            .arg(&input)
            .arg("--json")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match scenario["expect"]["error"].as_str() {
            Some(field) => {
                if output.status.code() != Some(1) || !stderr.contains(&format!("{field}: ")) {
                    failures.push(format!(
                        "{name}: want exit 1 naming {field}, got {:?}: {stderr}",
                        output.status.code()
                    ));
                }
            }
            None if !output.status.success() => {
                failures.push(format!("{name}: simulate failed: {stderr}"));
            }
            None => {
                let schedule: Value = serde_json::from_str(&stdout).unwrap();
                for difference in compare::differences(&scenario, &schedule) {
                    failures.push(format!("{name}: {difference}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn durable(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_durable"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Each example added for the narratives and consequences shows them in the text table and in
/// the JSON: (file, text the table must show, text the JSON must hold).
#[test]
fn the_new_examples_show_their_narrative_or_consequence_in_text_and_json() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    let rows: &[(&str, &[&str], &[&str])] = &[
        (
            "break-in-billing-and-move.json",
            &[
                "narrative: BIB: break in billing for a hospital or facility stay 2026-03-10 to 2026-04-20",
                "NARR-BIB",
                "MOVE-CONTINUES",
                "  C    2027-06-21",
            ],
            &[
                "\"narrative\": \"BIB: break in billing",
                "\"dme_mac\": \"A\"",
                "\"dme_mac\": \"C\"",
                "\"filing_deadline\": \"2027-01-15\"",
            ],
        ),
        (
            "stolen-bed-replacement.json",
            &[
                "narrative: Replacement of equipment stolen from the home, on 2026-05-28; police or fire report 26-04417.",
                "NARR-REPLACEMENT",
            ],
            &["police or fire report 26-04417", "\"dme_mac\": \"B\""],
        ),
        (
            "oxygen-group-2-missed-retest.json",
            &["E1390  GA N2", "Warning OX-RETEST-NOT-COVERED", "never KX"],
            &["\"GA\"", "OX-RETEST-NOT-COVERED"],
        ),
        (
            "pap-requalified.json",
            &[
                "E0601  RR KJ GZ",
                "E0601  RR KJ KX",
                "PAP-REQUALIFY",
                "Months 4 and later may carry KX from 2026-05-20.",
            ],
            &[
                "\"new_trial\"",
                "\"continued_coverage_from\": \"2026-05-20\"",
            ],
        ),
    ];
    for (file, text, json) in rows {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        let (ok, table, err) = durable(&["billing", "simulate", path]);
        assert!(ok, "{file}: {err}");
        for expected in *text {
            assert!(
                table.contains(expected),
                "{file}: the table lacks {expected:?}:\n{table}"
            );
        }
        let (ok, out, err) = durable(&["billing", "simulate", path, "--json"]);
        assert!(ok, "{file}: {err}");
        for expected in *json {
            assert!(
                out.contains(expected),
                "{file}: the JSON lacks {expected:?}"
            );
        }
    }
}

/// Point 9: HCPCS, units and charge on every line tell the portable line from the stationary one.
#[test]
fn the_table_shows_hcpcs_units_and_charge() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("portable.json");
    std::fs::write(
        &input,
        r#"{"item": {"hcpcs": "E1390", "category": "oxygen", "monthly_fee": 17795,
            "oxygen_flow": {"rest_tenths_lpm": 20, "portable": {"hcpcs": "E0431", "add_on_fee": 3500}}},
          "payer": "medicare", "first_date_of_service": "2026-03-10", "through": "2026-03-10",
          "documentation": {"checklist_met": true}, "events": []}"#,
    )
    .unwrap();
    let (ok, table, err) = durable(&["billing", "simulate", input.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        table.contains("hcpcs  modifiers     units      charge     allowed"),
        "{table}"
    );
    assert!(
        table.contains("E1390  KX                1     $177.95     $177.95"),
        "{table}"
    );
    assert!(
        table.contains("E0431  KX                1      $35.00      $35.00"),
        "{table}"
    );
}

/// `durable billing check-lines` and `appeal-deadline` reach the domain checks.
#[test]
fn check_lines_and_appeal_deadline_answer_from_the_command_line() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/check-lines/oxygen-lines.json");
    let (ok, out, err) = durable(&["billing", "check-lines", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        out.contains("lines[1] E1390 KX N2 2026-06-10, file by 2027-06-10"),
        "{out}"
    );
    assert!(
        out.contains("Blocking CHK-KX-NOT-COVERED at lines[1].modifiers"),
        "{out}"
    );
    assert!(
        out.contains("Blocking CHK-TIMELY-FILING at lines[2].from"),
        "{out}"
    );
    let (ok, out, err) = durable(&[
        "billing",
        "appeal-deadline",
        "--notice-date",
        "2026-11-02",
        "--filed-on",
        "2026-12-02",
        "--amount",
        "250.00",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("redetermination by the DME MAC: request by 2027-03-07"),
        "{out}"
    );
    assert!(out.contains("at least $200.00 (met)"), "{out}");
    assert!(out.contains("at least $1,960.00 (not met)"), "{out}");
    let (ok, _, err) = durable(&[
        "billing",
        "appeal-deadline",
        "--notice-date",
        "2026-11-02",
        "--level",
        "supreme_court",
    ]);
    assert!(!ok && err.contains("--level"), "{err}");
    let (ok, _, err) = durable(&["billing", "check-lines", "/nonexistent.json"]);
    assert!(!ok && err.contains("cannot read"), "{err}");
}
