#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The asset state machine, the transition table in its module doc comment and
//! docs/asset-states.md stay in step.

use std::collections::BTreeSet;

use durable_domain::ids::{OrderId, PatientId};
use durable_domain::inventory::refusals;
use durable_domain::inventory::{
    AssetCommand, AssetFacts, AssetState, DeliveryTerms, InspectionResult, apply,
};

const DOC: &str = include_str!("../../../docs/asset-states.md");
const SOURCE: &str = include_str!("../src/inventory/asset.rs");

/// Every state, in each of its shapes that can behave differently.
fn states() -> Vec<AssetState> {
    let (patient, order) = (PatientId::new(), OrderId::new());
    let all = vec![
        AssetState::Available,
        AssetState::Reserved { patient, order },
        AssetState::Delivered {
            patient,
            order,
            terms: DeliveryTerms::Rental,
        },
        AssetState::Delivered {
            patient,
            order,
            terms: DeliveryTerms::Sale,
        },
        AssetState::Returned,
        AssetState::Wiped,
        AssetState::Cleaned,
        AssetState::InRepair,
        AssetState::Quarantined { was_clean: true },
        AssetState::Quarantined { was_clean: false },
        AssetState::Lost,
        AssetState::Retired,
        AssetState::PatientOwned { patient },
    ];
    // A new state must be added above: this match stops compiling until it is.
    for state in &all {
        match state {
            AssetState::Available
            | AssetState::Reserved { .. }
            | AssetState::Delivered { .. }
            | AssetState::Returned
            | AssetState::Wiped
            | AssetState::Cleaned
            | AssetState::InRepair
            | AssetState::Quarantined { .. }
            | AssetState::Lost
            | AssetState::Retired
            | AssetState::PatientOwned { .. } => {}
        }
    }
    all
}

/// Every command, in each of its shapes that can behave differently.
fn commands() -> Vec<AssetCommand> {
    let all = vec![
        AssetCommand::Reserve {
            patient: PatientId::new(),
            order: OrderId::new(),
        },
        AssetCommand::CancelReservation,
        AssetCommand::Deliver {
            terms: DeliveryTerms::Rental,
        },
        AssetCommand::Deliver {
            terms: DeliveryTerms::Sale,
        },
        AssetCommand::Return,
        AssetCommand::Wipe,
        AssetCommand::Clean,
        AssetCommand::Inspect {
            result: InspectionResult::Pass,
        },
        AssetCommand::Inspect {
            result: InspectionResult::Fail,
        },
        AssetCommand::SendToRepair,
        AssetCommand::BackFromRepair,
        AssetCommand::Quarantine {
            reason: "Recall".into(),
        },
        AssetCommand::Quarantine { reason: " ".into() },
        AssetCommand::ReleaseQuarantine,
        AssetCommand::MarkLost,
        AssetCommand::Found,
        AssetCommand::Retire,
        AssetCommand::TransferTitle,
    ];
    for command in &all {
        match command {
            AssetCommand::Reserve { .. }
            | AssetCommand::CancelReservation
            | AssetCommand::Deliver { .. }
            | AssetCommand::Return
            | AssetCommand::Wipe
            | AssetCommand::Clean
            | AssetCommand::Inspect { .. }
            | AssetCommand::SendToRepair
            | AssetCommand::BackFromRepair
            | AssetCommand::Quarantine { .. }
            | AssetCommand::ReleaseQuarantine
            | AssetCommand::MarkLost
            | AssetCommand::Found
            | AssetCommand::Retire
            | AssetCommand::TransferTitle => {}
        }
    }
    all
}

fn facts() -> Vec<AssetFacts> {
    [false, true]
        .into_iter()
        .flat_map(|has_memory| {
            [false, true].map(|title_transfer_due| AssetFacts {
                has_memory,
                title_transfer_due,
            })
        })
        .collect()
}

/// (from, command, to) of every move the code allows, and every refusal code it returns.
fn behaviour() -> (BTreeSet<(String, String, String)>, BTreeSet<&'static str>) {
    let mut moves = BTreeSet::new();
    let mut refused = BTreeSet::new();
    for state in states() {
        for command in commands() {
            for facts in facts() {
                match apply(state, &facts, &command) {
                    Ok(transition) => {
                        assert_eq!(transition.from, state);
                        moves.insert((
                            state.code().to_owned(),
                            command.code().to_owned(),
                            transition.to.code().to_owned(),
                        ));
                    }
                    Err(refusal) => {
                        refused.insert(refusal.code);
                    }
                }
            }
        }
    }
    (moves, refused)
}

/// Table rows that start with "| `", without the comment marker in the source.
fn table_rows(text: &str, marker: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix(marker))
        .filter(|row| row.starts_with("| `") && row.matches('|').count() == 5)
        .map(str::to_owned)
        .collect()
}

fn cells(row: &str) -> Vec<String> {
    row.split('|')
        .map(|cell| cell.trim().trim_matches('`').to_owned())
        .filter(|cell| !cell.is_empty())
        .collect()
}

#[test]
fn the_doc_comment_and_the_page_carry_the_same_table() {
    let in_source = table_rows(SOURCE, "//! ");
    let in_doc = table_rows(DOC, "");
    assert!(in_source.len() > 30, "the module doc lost its table");
    assert_eq!(in_source, in_doc);
}

#[test]
fn the_table_lists_exactly_the_moves_the_code_allows() {
    let (moves, _) = behaviour();
    let documented: BTreeSet<(String, String, String)> = table_rows(DOC, "")
        .iter()
        .map(|row| {
            let cells = cells(row);
            (cells[0].clone(), cells[1].clone(), cells[2].clone())
        })
        .collect();
    let missing: Vec<_> = moves.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&moves).collect();
    assert!(
        missing.is_empty(),
        "allowed but not in the table: {missing:?}"
    );
    assert!(unknown.is_empty(), "in the table but refused: {unknown:?}");
    // Every state appears as a source or target of some move.
    for state in states() {
        let code = state.code();
        assert!(
            moves.iter().any(|(from, _, to)| from == code || to == code),
            "{code} is in no move"
        );
    }
}

#[test]
fn every_refusal_is_documented_with_its_sentence_and_reachable() {
    let (_, refused) = behaviour();
    for refusal in refusals::ALL {
        let row = format!("| `{}` | {} |", refusal.code, refusal.message);
        assert!(DOC.contains(&row), "missing or different: {row}");
        assert!(
            refused.contains(refusal.code),
            "{} is never returned",
            refusal.code
        );
    }
    let known: BTreeSet<_> = refusals::ALL.iter().map(|r| r.code).collect();
    let documented: BTreeSet<&str> = DOC
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|code| code.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
        .collect();
    let unknown: Vec<_> = documented.difference(&known).collect();
    assert!(unknown.is_empty(), "documented but unknown: {unknown:?}");
}
