//! The billing scenarios in tests/scenarios/*.json, each naming the rule it proves, run through
//! the engine in process. crates/cli/tests/billing_scenarios.rs runs the same files through
//! `durable billing simulate --json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "scenarios/compare.rs"]
mod compare;

use std::collections::HashSet;
use std::path::PathBuf;

use durable_domain::billing::{RentalInput, rules, schedule};
use serde_json::Value;

fn scenarios() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            (name, value)
        })
        .collect()
}

#[test]
fn every_scenario_gives_its_expected_schedule() {
    let known: HashSet<&str> = rules::ALL.iter().map(|r| r.id).collect();
    let mut failures = Vec::new();
    let all = scenarios();
    for (name, scenario) in &all {
        let rule = scenario["rule"].as_str().unwrap_or_default();
        assert!(known.contains(rule), "{name}: unknown rule {rule:?}");
        assert!(
            scenario["scenario"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: say what the scenario shows"
        );
        let input: RentalInput = serde_json::from_value(scenario["input"].clone())
            .unwrap_or_else(|e| panic!("{name}: input does not parse: {e}"));
        let result = schedule(&input);
        match (scenario["expect"]["error"].as_str(), result) {
            (Some(field), Err(err)) => {
                if err.field != field {
                    failures.push(format!("{name}: error on {}, want {field}", err.field));
                }
            }
            (Some(field), Ok(_)) => failures.push(format!("{name}: want an error on {field}")),
            (None, Err(err)) => failures.push(format!("{name}: unexpected error {err}")),
            (None, Ok(schedule)) => {
                let json = serde_json::to_value(&schedule).unwrap();
                for difference in compare::differences(scenario, &json) {
                    failures.push(format!("{name}: {difference}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The worked examples and at least 25 more scenarios.
    assert!(all.len() >= 27, "only {} scenarios", all.len());
}
