//! The billing scenarios of crates/domain/tests/scenarios/*.json run through the built binary:
//! `durable billing simulate FILE --json` must print the schedule each scenario expects, and
//! refuse the bad inputs naming the field (issue 5: "the same scenarios run through `durable
//! billing simulate --json`").
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
