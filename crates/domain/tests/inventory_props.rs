#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests: the asset state machine never reaches an illegal
//! state from any sequence of commands, and on-hand always equals the sum of the stock ledger.

use std::collections::BTreeMap;

use durable_domain::ids::{LocationId, OrderId, PatientId, ProductId};
use durable_domain::inventory::keys::Lot;
use durable_domain::inventory::refusals;
use durable_domain::inventory::{
    AdjustReason, AssetCommand, AssetFacts, AssetState, DeliveryTerms, InspectionResult,
    LotTracking, Movement, NEW_UNIT, OnHand, Owner, Quantity, StockKey, StockLedger, apply,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Asset state machine
// ---------------------------------------------------------------------------------------------

/// Command number `kind` (0–17); the quarantine reason is blank when `blank_reason`.
fn command_of(kind: u8, patient: PatientId, order: OrderId, blank_reason: bool) -> AssetCommand {
    match kind {
        0 => AssetCommand::Reserve { patient, order },
        1 => AssetCommand::CancelReservation,
        2 => AssetCommand::Deliver {
            terms: DeliveryTerms::Rental,
        },
        3 => AssetCommand::Deliver {
            terms: DeliveryTerms::Sale,
        },
        4 => AssetCommand::Return,
        5 => AssetCommand::Wipe,
        6 => AssetCommand::Clean,
        7 => AssetCommand::Inspect {
            result: InspectionResult::Pass,
        },
        8 => AssetCommand::Inspect {
            result: InspectionResult::Fail,
        },
        9 => AssetCommand::SendToRepair,
        10 => AssetCommand::BackFromRepair,
        11 => AssetCommand::Quarantine {
            reason: if blank_reason {
                String::new()
            } else {
                "Recall".into()
            },
        },
        12 => AssetCommand::ReleaseQuarantine,
        13 => AssetCommand::MarkLost,
        14 => AssetCommand::Found,
        15 => AssetCommand::Retire,
        _ => AssetCommand::TransferTitle,
    }
}

/// Commands over a small pool of patients and orders, so reservations and deliveries repeat.
fn command(patients: [PatientId; 3], orders: [OrderId; 3]) -> impl Strategy<Value = AssetCommand> {
    (0u8..17, 0usize..3, 0usize..3)
        .prop_map(move |(kind, p, o)| command_of(kind, patients[p], orders[o], p == 0))
}

fn scenario() -> impl Strategy<Value = (AssetFacts, Vec<AssetCommand>)> {
    let patients = [PatientId::new(), PatientId::new(), PatientId::new()];
    let orders = [OrderId::new(), OrderId::new(), OrderId::new()];
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(command(patients, orders), 0..120),
    )
        .prop_map(|(has_memory, title_transfer_due, commands)| {
            (
                AssetFacts {
                    has_memory,
                    title_transfer_due,
                },
                commands,
            )
        })
}

/// What the history so far implies, kept beside the machine to judge each state it reaches.
struct History {
    /// A passed inspection since the unit last left the clean shelf (new units count as such).
    inspected_since_exposure: bool,
    /// A model with memory holds a patient's data: set on delivery, cleared by a wipe.
    patient_data_on_board: bool,
    /// The patient of the last reservation.
    reserved_for: Option<(PatientId, OrderId)>,
    /// The patient of the last delivery.
    delivered_to: Option<PatientId>,
}

fn check_move(
    facts: &AssetFacts,
    command: &AssetCommand,
    from: AssetState,
    to: AssetState,
    history: &mut History,
) -> Result<(), TestCaseError> {
    // Only an available unit is ever reserved: never a dirty, quarantined or uninspected one.
    if matches!(to, AssetState::Reserved { .. }) {
        prop_assert_eq!(from, AssetState::Available);
    }
    // Nothing moves a terminal state.
    prop_assert!(!from.is_terminal(), "{:?} moved", from);
    // Patient-owned only through a due title transfer of a rented unit.
    if let AssetState::PatientOwned { patient } = to {
        prop_assert!(facts.title_transfer_due);
        prop_assert_eq!(command.code(), "transfer_title");
        let rented_to_owner = matches!(
            from,
            AssetState::Delivered { terms: DeliveryTerms::Rental, patient: p, .. } if p == patient
        );
        prop_assert!(rented_to_owner, "{:?} became patient-owned", from);
    }

    match to {
        AssetState::Delivered { .. }
        | AssetState::Returned
        | AssetState::Wiped
        | AssetState::Cleaned
        | AssetState::InRepair
        | AssetState::Lost
        | AssetState::Quarantined { .. } => history.inspected_since_exposure = false,
        _ => {}
    }
    if command.code() == "inspect_pass" {
        history.inspected_since_exposure = true;
    }
    match command {
        AssetCommand::Deliver { .. } if facts.has_memory => history.patient_data_on_board = true,
        AssetCommand::Wipe => history.patient_data_on_board = false,
        _ => {}
    }

    match to {
        // Reserved and delivered units always name a patient, the one the reservation named.
        AssetState::Reserved { patient, order } => {
            if let AssetCommand::Reserve {
                patient: p,
                order: o,
            } = command
            {
                prop_assert_eq!((patient, order), (*p, *o));
            }
            history.reserved_for = Some((patient, order));
        }
        AssetState::Delivered {
            patient,
            order,
            terms,
        } => {
            prop_assert_eq!(history.reserved_for, Some((patient, order)));
            history.delivered_to = Some(patient);
            let owner = if terms == DeliveryTerms::Sale {
                Owner::Patient(patient)
            } else {
                Owner::Supplier
            };
            prop_assert_eq!(to.owner(), owner);
        }
        AssetState::PatientOwned { patient } => {
            prop_assert_eq!(history.delivered_to, Some(patient));
        }
        _ => prop_assert_eq!(to.patient(), None),
    }
    // A unit on the clean shelf has passed inspection since its last exposure, and never
    // carries the previous patient's data.
    if matches!(to, AssetState::Available | AssetState::Reserved { .. }) {
        prop_assert!(
            history.inspected_since_exposure,
            "{:?} -> {:?} uninspected",
            from,
            to
        );
    }
    if matches!(
        to,
        AssetState::Available | AssetState::Reserved { .. } | AssetState::Cleaned
    ) {
        prop_assert!(
            !history.patient_data_on_board,
            "{:?} -> {:?} with data",
            from,
            to
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_sequence_of_commands_reaches_an_illegal_state((facts, commands) in scenario()) {
        let mut state = NEW_UNIT;
        let mut history = History {
            inspected_since_exposure: true,
            patient_data_on_board: false,
            reserved_for: None,
            delivered_to: None,
        };
        for command in &commands {
            match apply(state, &facts, command) {
                Ok(transition) => {
                    prop_assert_eq!(transition.from, state);
                    check_move(&facts, command, state, transition.to, &mut history)?;
                    state = transition.to;
                }
                Err(refusal) => {
                    prop_assert!(refusals::ALL.contains(&refusal), "unlisted {:?}", refusal);
                    // Retired is terminal, and refusals say so.
                    if state == AssetState::Retired {
                        prop_assert_eq!(refusal, refusals::RETIRED);
                    }
                    if matches!(command, AssetCommand::Reserve { .. }) {
                        prop_assert_ne!(state, AssetState::Available);
                    }
                    if state.is_dirty() && matches!(command, AssetCommand::Reserve { .. }) {
                        prop_assert!(refusal.code.starts_with("RESERVE-"));
                    }
                }
            }
        }
    }

    #[test]
    fn every_state_reached_can_get_back_to_the_shelf_unless_terminal((facts, commands) in scenario()) {
        let mut state = NEW_UNIT;
        for command in &commands {
            if let Ok(transition) = apply(state, &facts, command) {
                state = transition.to;
            }
            prop_assert!(
                state.is_terminal() || path_to_available(state, &facts),
                "{:?} is stuck", state
            );
        }
    }
}

/// The generator is worth something only if its runs visit every state, the full loop included.
#[test]
fn generated_runs_visit_every_state() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeSet;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut reached = BTreeSet::new();
    for _ in 0..500 {
        let (facts, commands) = scenario().new_tree(&mut runner).unwrap().current();
        let mut state = NEW_UNIT;
        for command in &commands {
            if let Ok(transition) = apply(state, &facts, command) {
                reached.insert((transition.from.code(), command.code(), transition.to.code()));
                state = transition.to;
            }
        }
    }
    let states: BTreeSet<_> = reached.iter().map(|(_, _, to)| *to).collect();
    assert_eq!(states.len(), 11, "reached only {states:?}");
    assert!(reached.contains(&("cleaned", "inspect_pass", "available")));
    assert!(reached.contains(&("wiped", "clean", "cleaned")));
    assert!(reached.len() > 30, "only {} distinct moves", reached.len());
}

/// Whether some sequence of commands leads from `state` back to available.
fn path_to_available(state: AssetState, facts: &AssetFacts) -> bool {
    let (patient, order) = (PatientId::new(), OrderId::new());
    let probes: Vec<AssetCommand> = (0u8..17)
        .map(|kind| command_of(kind, patient, order, false))
        .collect();
    let mut seen = vec![state];
    let mut frontier = vec![state];
    while let Some(current) = frontier.pop() {
        if current == AssetState::Available {
            return true;
        }
        for probe in &probes {
            if let Ok(transition) = apply(current, facts, probe)
                && !seen.contains(&transition.to)
            {
                seen.push(transition.to);
                frontier.push(transition.to);
            }
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Stock ledger
// ---------------------------------------------------------------------------------------------

struct Catalog {
    locations: [LocationId; 2],
    /// A product without lots and one kept by lot.
    products: [(ProductId, LotTracking); 2],
    lots: [Lot; 2],
}

fn catalog() -> Catalog {
    Catalog {
        locations: [LocationId::new(), LocationId::new()],
        products: [
            (ProductId::new(), LotTracking::None),
            (ProductId::new(), LotTracking::Lot),
        ],
        lots: [Lot::parse("A1").unwrap(), Lot::parse("B2").unwrap()],
    }
}

fn movement(catalog: Catalog) -> impl Strategy<Value = (Movement, LotTracking)> {
    let locations = catalog.locations;
    let products = catalog.products;
    let lots = catalog.lots;
    (
        0u8..5,
        0usize..2,
        0usize..2,
        0usize..3,
        1i64..25,
        -15i64..15,
        0u32..40,
        0usize..2,
    )
        .prop_map(
            move |(kind, at, product, lot, units, delta, counted, other)| {
                let (product, tracking) = products[product];
                // Mostly the right lot keeping for the product; sometimes wrong, to test refusals.
                let lot = match (tracking, lot) {
                    (_, 2) => None,
                    (LotTracking::None, 1) => Some(lots[0].clone()),
                    (LotTracking::None, _) => None,
                    (_, i) => Some(lots[i].clone()),
                };
                let key = StockKey {
                    location: locations[at],
                    product,
                    lot,
                };
                let quantity = Quantity::new(units).unwrap();
                let movement = match kind {
                    0 => Movement::Receive {
                        key,
                        expiry: None,
                        quantity,
                    },
                    1 => Movement::Transfer {
                        from: key,
                        to: locations[other],
                        quantity,
                    },
                    2 => Movement::Issue { key, quantity },
                    3 => Movement::Adjust {
                        key,
                        delta,
                        reason: AdjustReason::Correction,
                        note: None,
                    },
                    _ => Movement::Count { key, counted },
                };
                (movement, tracking)
            },
        )
}

fn movements() -> impl Strategy<Value = Vec<(Movement, LotTracking)>> {
    proptest::collection::vec(movement(catalog()), 0..150)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn on_hand_always_equals_the_sum_of_the_ledger(movements in movements()) {
        let mut ledger = StockLedger::new();
        for (movement, tracking) in movements {
            let before = ledger.entries().len();
            let before_on_hand = ledger.on_hand().clone();
            match ledger.record(movement.clone(), tracking) {
                Ok(entry) => {
                    // Counts land exactly on the counted quantity.
                    if let Movement::Count { key, counted } = &entry.movement {
                        let (key, counted) = (key.clone(), i64::from(*counted));
                        prop_assert_eq!(ledger.on_hand().get(&key), counted);
                    }
                    prop_assert_eq!(ledger.entries().len(), before + 1);
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    prop_assert_eq!(ledger.entries().len(), before);
                    prop_assert_eq!(ledger.on_hand(), &before_on_hand);
                }
            }
            // On-hand is the signed sum of every posting, per stock line, and never negative.
            let mut sums: BTreeMap<StockKey, i64> = BTreeMap::new();
            for posting in ledger.entries().iter().flat_map(|entry| &entry.postings) {
                *sums.entry(posting.key.clone()).or_default() += posting.delta;
            }
            for (key, units) in ledger.on_hand().lines() {
                prop_assert_eq!(units, sums.get(key).copied().unwrap_or(0));
                prop_assert!(units >= 0, "{:?} went to {}", key, units);
            }
            prop_assert_eq!(sums.len(), ledger.on_hand().lines().count());
            let refolded = OnHand::fold(ledger.entries().iter().flat_map(|entry| &entry.postings));
            prop_assert_eq!(&refolded, ledger.on_hand());
        }
    }

    #[test]
    fn transfers_move_stock_without_creating_or_losing_any(movements in movements()) {
        let mut ledger = StockLedger::new();
        for (movement, tracking) in movements {
            let is_transfer = matches!(movement, Movement::Transfer { .. });
            let total = |ledger: &StockLedger| ledger.on_hand().lines().map(|(_, units)| units).sum::<i64>();
            let before = total(&ledger);
            if ledger.record(movement, tracking).is_ok() && is_transfer {
                prop_assert_eq!(total(&ledger), before);
            }
        }
    }
}
