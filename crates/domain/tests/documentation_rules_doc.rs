#![allow(clippy::unwrap_used, clippy::expect_used)]
//! docs/documentation-rules.md and the checker's requirement list stay in step.

use std::collections::HashSet;

use durable_domain::documentation::{ProductFamily, Severity, requirements};

const DOC: &str = include_str!("../../../docs/documentation-rules.md");

/// Ids in the doc's requirement table: rows that start with "| `ID` |".
fn documented_ids() -> HashSet<&'static str> {
    DOC.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect()
}

#[test]
fn every_requirement_is_documented_with_its_sentence_severity_and_source() {
    for requirement in requirements::ALL {
        let prefix = format!("| `{}` |", requirement.id);
        let row = DOC
            .lines()
            .find(|line| line.starts_with(&prefix))
            .unwrap_or_else(|| {
                panic!(
                    "{} missing from docs/documentation-rules.md",
                    requirement.id
                )
            });
        let severity = match requirement.severity {
            Severity::Blocking => "blocking",
            Severity::Warning => "warning",
        };
        let expected = format!(
            "{prefix} {} | {severity} | [{}]({}) |",
            requirement.action, requirement.section, requirement.link
        );
        assert_eq!(
            row, expected,
            "row of {} differs from the code",
            requirement.id
        );
    }
}

#[test]
fn the_doc_names_no_unknown_requirement_and_ids_are_unique() {
    let known: HashSet<&str> = requirements::ALL.iter().map(|r| r.id).collect();
    assert_eq!(
        known.len(),
        requirements::ALL.len(),
        "duplicate requirement id"
    );
    let documented = documented_ids();
    let unknown: Vec<_> = documented.difference(&known).collect();
    assert!(unknown.is_empty(), "documented but unknown: {unknown:?}");
}

#[test]
fn every_family_checklist_item_appears_in_the_family_table() {
    for family in ProductFamily::ALL {
        for item in family.checklist() {
            let id = format!("`{}`", item.requirement.id);
            let in_family_table = DOC
                .lines()
                .filter(|line| !line.starts_with("| `"))
                .any(|line| line.contains(&id));
            assert!(
                in_family_table,
                "{} not in the family table",
                item.requirement.id
            );
        }
        for range in family.ranges() {
            assert!(DOC.contains(range.from), "{} not documented", range.from);
        }
    }
}
