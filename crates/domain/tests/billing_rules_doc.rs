#![allow(clippy::unwrap_used, clippy::expect_used)]
//! docs/billing-rules.md and the engine's rule list stay in step.

use std::collections::HashSet;

use durable_domain::billing::rules;

const DOC: &str = include_str!("../../../docs/billing-rules.md");

/// Ids in the doc's rule table: rows that start with "| `ID` |".
fn documented_ids() -> HashSet<&'static str> {
    DOC.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect()
}

#[test]
fn every_rule_the_engine_can_emit_is_documented_with_its_section() {
    for rule in rules::ALL {
        let row = DOC
            .lines()
            .find(|line| line.starts_with(&format!("| `{}` |", rule.id)));
        let row = row.unwrap_or_else(|| panic!("{} missing from docs/billing-rules.md", rule.id));
        assert!(
            row.contains(rule.section),
            "{} row lacks its section",
            rule.id
        );
    }
}

#[test]
fn the_doc_names_no_unknown_rule_and_ids_are_unique() {
    let known: HashSet<&str> = rules::ALL.iter().map(|r| r.id).collect();
    assert_eq!(known.len(), rules::ALL.len(), "duplicate rule id");
    let documented = documented_ids();
    let unknown: Vec<_> = documented.difference(&known).collect();
    assert!(unknown.is_empty(), "documented but unknown: {unknown:?}");
}
