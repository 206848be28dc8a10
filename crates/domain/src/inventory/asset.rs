//! The life of one serialized unit: a pure state machine. [`apply`] takes the
//! unit's state, the facts about its model and billing, and a command, and returns the move or a
//! [`Refusal`]. Custody history, locations and who did it are the application's to record.
//!
//! A unit goes round one loop: available (clean, inspected) → reserved for a patient's order →
//! delivered (on rent or sold) → returned (dirty) → patient data wiped (only models that keep
//! patient data; the others skip it) → cleaned → inspected and passed → available again
//! (DMEPOS accreditation quality standards, 42 CFR 424.57(c)(22): wipe before cleaning, clean and function-check before each patient
//! use). Off the loop it can be in repair, quarantined, lost, retired (terminal) or owned by the
//! patient after a capped rental's title transfer (42 CFR 414.229(f); terminal for the supplier's stock).
//!
//! Every way back to available ends in cleaning and a passed inspection, so a dirty,
//! repaired, quarantined or found unit can never be reserved before a person has checked it.
//! A unit back from repair is dirty again (repair benches connect diagnostic software and handle
//! the unit), so a model with memory is wiped again: one rule, no exceptions. A unit released
//! from quarantine needs only inspection if it was clean when quarantined, else the whole loop.
//!
//! ## Transition table
//!
//! Every legal move; any other command is refused (see [`super::refusals`]).
//! docs/asset-states.md carries the same table, and a test keeps code, this comment and that page
//! in step.
//!
//! | from | command | to | when |
//! |---|---|---|---|
//! | `available` | `reserve` | `reserved` | always: for the patient and order named |
//! | `available` | `send_to_repair` | `in_repair` | always |
//! | `available` | `quarantine` | `quarantined` | a reason is given; it was clean |
//! | `available` | `mark_lost` | `lost` | always |
//! | `available` | `retire` | `retired` | always |
//! | `reserved` | `cancel_reservation` | `available` | always |
//! | `reserved` | `deliver` | `delivered` | always: to the reserved patient, on rent or sold |
//! | `reserved` | `quarantine` | `quarantined` | a reason is given; the reservation is dropped; it was clean |
//! | `reserved` | `mark_lost` | `lost` | always |
//! | `delivered` | `return` | `returned` | always (a sold unit taken back too) |
//! | `delivered` | `mark_lost` | `lost` | always (lost or stolen, 42 CFR 414.210(f)) |
//! | `delivered` | `transfer_title` | `patient_owned` | on rent, and billing says the 13th continuous month is paid (42 CFR 414.229(f)) |
//! | `returned` | `wipe` | `wiped` | the model keeps patient data |
//! | `returned` | `clean` | `cleaned` | the model keeps no patient data |
//! | `returned` | `send_to_repair` | `in_repair` | always |
//! | `returned` | `quarantine` | `quarantined` | a reason is given; it was dirty |
//! | `returned` | `mark_lost` | `lost` | always |
//! | `returned` | `retire` | `retired` | always |
//! | `wiped` | `clean` | `cleaned` | always |
//! | `wiped` | `send_to_repair` | `in_repair` | always |
//! | `wiped` | `quarantine` | `quarantined` | a reason is given; it was dirty |
//! | `wiped` | `mark_lost` | `lost` | always |
//! | `wiped` | `retire` | `retired` | always |
//! | `cleaned` | `inspect_pass` | `available` | always |
//! | `cleaned` | `inspect_fail` | `in_repair` | always |
//! | `cleaned` | `send_to_repair` | `in_repair` | always |
//! | `cleaned` | `quarantine` | `quarantined` | a reason is given; it was clean |
//! | `cleaned` | `mark_lost` | `lost` | always |
//! | `cleaned` | `retire` | `retired` | always |
//! | `in_repair` | `back_from_repair` | `returned` | always |
//! | `in_repair` | `quarantine` | `quarantined` | a reason is given; it was dirty |
//! | `in_repair` | `mark_lost` | `lost` | always |
//! | `in_repair` | `retire` | `retired` | always |
//! | `quarantined` | `release_quarantine` | `cleaned` | it was clean when quarantined |
//! | `quarantined` | `release_quarantine` | `returned` | it was dirty when quarantined |
//! | `quarantined` | `send_to_repair` | `in_repair` | always (a recall remedy) |
//! | `quarantined` | `mark_lost` | `lost` | always |
//! | `quarantined` | `retire` | `retired` | always |
//! | `lost` | `found` | `returned` | always |
//! | `lost` | `retire` | `retired` | always (written off) |

use serde::{Deserialize, Serialize};

use super::refusals::{self as refuse, Refusal};
use crate::ids::{OrderId, PatientId};

/// Where a unit stands in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AssetState {
    /// Clean, inspected and ready for a patient.
    Available,
    /// Set aside for one patient's order.
    Reserved {
        /// Who it is for.
        patient: PatientId,
        /// The order it fills.
        order: OrderId,
    },
    /// At the patient's home.
    Delivered {
        /// Who has it.
        patient: PatientId,
        /// The order it filled.
        order: OrderId,
        /// On rent or sold.
        terms: DeliveryTerms,
    },
    /// Back from a patient: dirty, and possibly holding the patient's data.
    Returned,
    /// Dirty, with the patient data wiped (models with memory only).
    Wiped,
    /// Cleaned and disinfected, waiting for its inspection.
    Cleaned,
    /// At the repair bench or a repair vendor.
    InRepair,
    /// Held apart (recall, damage, expiry …); the reason is on the custody event.
    Quarantined {
        /// Whether it was clean when quarantined: decides how much work its release needs.
        was_clean: bool,
    },
    /// Whereabouts unknown.
    Lost,
    /// Out of service for good.
    Retired,
    /// The patient's property after a capped rental's title transfer (42 CFR 414.229(f)).
    PatientOwned {
        /// The owner.
        patient: PatientId,
    },
}

/// Whether a delivered unit is rented or sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryTerms {
    /// On rent: the supplier still owns it.
    Rental,
    /// Sold: the patient owns it.
    Sale,
}

/// Pass or fail of the inspection (function check) after cleaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    /// Works as the manufacturer specifies: ready for a patient.
    Pass,
    /// Does not: it goes to repair.
    Fail,
}

/// What a person does to a unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum AssetCommand {
    /// Set it aside for a patient's order.
    Reserve {
        /// Who it is for.
        patient: PatientId,
        /// The order it fills.
        order: OrderId,
    },
    /// Put a reserved unit back on the shelf.
    CancelReservation,
    /// Hand it to the reserved patient.
    Deliver {
        /// On rent or sold.
        terms: DeliveryTerms,
    },
    /// Take it back from the patient.
    Return,
    /// Wipe the patient data from its memory.
    Wipe,
    /// Clean and disinfect it.
    Clean,
    /// Record the inspection after cleaning.
    Inspect {
        /// Pass or fail.
        result: InspectionResult,
    },
    /// Send it to the repair bench or a vendor.
    SendToRepair,
    /// It came back from repair.
    BackFromRepair,
    /// Hold it apart.
    Quarantine {
        /// Why (recall, damage, expiry …), kept on the custody event.
        reason: String,
    },
    /// Lift the quarantine.
    ReleaseQuarantine,
    /// Its whereabouts are unknown.
    MarkLost,
    /// A lost unit turned up.
    Found,
    /// Take it out of service for good.
    Retire,
    /// The capped rental reached its cap: the patient now owns it.
    TransferTitle,
}

/// What the machine needs to know beyond the state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AssetFacts {
    /// The model stores patient data (PAP therapy memory, oximeter logs): it must be wiped after
    /// each return, before cleaning (DMEPOS accreditation quality standards).
    pub has_memory: bool,
    /// The billing engine says this rental paid its 13th continuous month, so title passes to
    /// the patient (42 CFR 414.229(f)). The engine owns that count; the machine only obeys it.
    pub title_transfer_due: bool,
}

/// A legal move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Transition {
    /// The state before.
    pub from: AssetState,
    /// The state after.
    pub to: AssetState,
}

impl Transition {
    /// Whether the patient holding or expecting the unit changed: a custody event names them.
    pub fn patient_changed(&self) -> bool {
        self.from.patient() != self.to.patient()
    }
}

/// A new unit from the vendor is factory clean and has never been with a patient, so it can be
/// reserved at once.
pub const NEW_UNIT: AssetState = AssetState::Available;

impl AssetState {
    /// The state's stable code (`available`, `in_repair` …) as stored and shown in filters.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Reserved { .. } => "reserved",
            Self::Delivered { .. } => "delivered",
            Self::Returned => "returned",
            Self::Wiped => "wiped",
            Self::Cleaned => "cleaned",
            Self::InRepair => "in_repair",
            Self::Quarantined { .. } => "quarantined",
            Self::Lost => "lost",
            Self::Retired => "retired",
            Self::PatientOwned { .. } => "patient_owned",
        }
    }

    /// The patient the unit is with or set aside for.
    pub const fn patient(&self) -> Option<PatientId> {
        match self {
            Self::Reserved { patient, .. }
            | Self::Delivered { patient, .. }
            | Self::PatientOwned { patient } => Some(*patient),
            _ => None,
        }
    }

    /// Who owns the unit: the patient once sold or after title transfer, else the supplier.
    pub const fn owner(&self) -> Owner {
        match self {
            Self::Delivered {
                patient,
                terms: DeliveryTerms::Sale,
                ..
            }
            | Self::PatientOwned { patient } => Owner::Patient(*patient),
            _ => Owner::Supplier,
        }
    }

    /// Back from a patient (or a repair, or found) and not yet cleaned: belongs in the dirty zone.
    pub const fn is_dirty(&self) -> bool {
        matches!(
            self,
            Self::Returned | Self::Wiped | Self::Quarantined { was_clean: false }
        )
    }

    /// Whether no command can move it any more.
    pub const fn is_terminal(&self) -> bool {
        matches!(self, Self::Retired | Self::PatientOwned { .. })
    }
}

/// Who owns a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "owner", content = "patient", rename_all = "snake_case")]
pub enum Owner {
    /// The supplier.
    Supplier,
    /// The patient.
    Patient(PatientId),
}

impl AssetCommand {
    /// The command's stable code, as the transition table names it.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Reserve { .. } => "reserve",
            Self::CancelReservation => "cancel_reservation",
            Self::Deliver { .. } => "deliver",
            Self::Return => "return",
            Self::Wipe => "wipe",
            Self::Clean => "clean",
            Self::Inspect {
                result: InspectionResult::Pass,
            } => "inspect_pass",
            Self::Inspect {
                result: InspectionResult::Fail,
            } => "inspect_fail",
            Self::SendToRepair => "send_to_repair",
            Self::BackFromRepair => "back_from_repair",
            Self::Quarantine { .. } => "quarantine",
            Self::ReleaseQuarantine => "release_quarantine",
            Self::MarkLost => "mark_lost",
            Self::Found => "found",
            Self::Retire => "retire",
            Self::TransferTitle => "transfer_title",
        }
    }
}

/// The move `command` makes from `state`, or why it is refused. Pure: the caller stores the new
/// state and its custody event.
pub fn apply(
    state: AssetState,
    facts: &AssetFacts,
    command: &AssetCommand,
) -> Result<Transition, Refusal> {
    next(state, facts, command).map(|to| Transition { from: state, to })
}

fn next(
    state: AssetState,
    facts: &AssetFacts,
    command: &AssetCommand,
) -> Result<AssetState, Refusal> {
    use AssetCommand as C;
    use AssetState as S;

    // Terminal states first, so no command arm below has to remember them.
    match state {
        S::Retired => return Err(refuse::RETIRED),
        S::PatientOwned { .. } => return Err(refuse::PATIENT_OWNED),
        _ => {}
    }
    match command {
        C::Reserve { patient, order } => match state {
            S::Available => Ok(S::Reserved {
                patient: *patient,
                order: *order,
            }),
            S::Reserved { .. } => Err(refuse::ALREADY_RESERVED),
            S::Returned | S::Wiped => Err(refuse::RESERVE_DIRTY),
            S::Cleaned => Err(refuse::RESERVE_NOT_INSPECTED),
            S::InRepair => Err(refuse::RESERVE_IN_REPAIR),
            S::Quarantined { .. } => Err(refuse::RESERVE_QUARANTINED),
            _ => Err(not_in_hand(state)),
        },
        C::CancelReservation => match state {
            S::Reserved { .. } => Ok(S::Available),
            _ => Err(refuse::NO_RESERVATION),
        },
        C::Deliver { terms } => match state {
            S::Reserved { patient, order } => Ok(S::Delivered {
                patient,
                order,
                terms: *terms,
            }),
            _ => Err(refuse::NOT_RESERVED),
        },
        C::Return => match state {
            S::Delivered { .. } => Ok(S::Returned),
            _ => Err(refuse::NOT_DELIVERED),
        },
        C::TransferTitle => match state {
            S::Delivered {
                patient,
                terms: DeliveryTerms::Rental,
                ..
            } if facts.title_transfer_due => Ok(S::PatientOwned { patient }),
            S::Delivered {
                terms: DeliveryTerms::Rental,
                ..
            } => Err(refuse::TITLE_NOT_DUE),
            _ => Err(refuse::TITLE_NOT_RENTED),
        },
        C::Wipe => match state {
            _ if !facts.has_memory => Err(refuse::WIPE_NO_MEMORY),
            S::Returned => Ok(S::Wiped),
            _ => Err(refuse::WIPE_NOT_DUE),
        },
        C::Clean => match state {
            S::Returned if facts.has_memory => Err(refuse::CLEAN_NEEDS_WIPE),
            S::Returned | S::Wiped => Ok(S::Cleaned),
            _ => Err(refuse::CLEAN_NOT_DUE),
        },
        C::Inspect { result } => match (state, result) {
            (S::Cleaned, InspectionResult::Pass) => Ok(S::Available),
            (S::Cleaned, InspectionResult::Fail) => Ok(S::InRepair),
            _ => Err(refuse::INSPECT_NOT_DUE),
        },
        C::SendToRepair => match state {
            S::Available | S::Returned | S::Wiped | S::Cleaned | S::Quarantined { .. } => {
                Ok(S::InRepair)
            }
            S::InRepair => Err(refuse::ALREADY_IN_REPAIR),
            _ => Err(not_in_hand(state)),
        },
        C::BackFromRepair => match state {
            S::InRepair => Ok(S::Returned),
            _ => Err(refuse::NOT_IN_REPAIR),
        },
        C::Quarantine { reason } => match state {
            _ if reason.trim().is_empty() => Err(refuse::QUARANTINE_REASON),
            S::Available | S::Reserved { .. } | S::Cleaned => {
                Ok(S::Quarantined { was_clean: true })
            }
            S::Returned | S::Wiped | S::InRepair => Ok(S::Quarantined { was_clean: false }),
            S::Quarantined { .. } => Err(refuse::ALREADY_QUARANTINED),
            _ => Err(not_in_hand(state)),
        },
        C::ReleaseQuarantine => match state {
            S::Quarantined { was_clean: true } => Ok(S::Cleaned),
            S::Quarantined { was_clean: false } => Ok(S::Returned),
            _ => Err(refuse::NOT_QUARANTINED),
        },
        C::MarkLost => match state {
            S::Lost => Err(refuse::ALREADY_LOST),
            _ => Ok(S::Lost),
        },
        C::Found => match state {
            S::Lost => Ok(S::Returned),
            _ => Err(refuse::NOT_LOST),
        },
        C::Retire => match state {
            S::Reserved { .. } | S::Delivered { .. } => Err(not_in_hand(state)),
            _ => Ok(S::Retired),
        },
    }
}

/// Why a command that needs the unit on the supplier's shelf is refused: it is promised to a
/// patient, at a patient's home, or missing.
fn not_in_hand(state: AssetState) -> Refusal {
    match state {
        AssetState::Reserved { .. } => refuse::RESERVED,
        AssetState::Lost => refuse::LOST,
        // Only reserved, delivered and lost units reach here; "at the patient's" is the one
        // left, and the safest sentence should a new state ever fall through.
        _ => refuse::AT_PATIENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserved() -> (AssetState, PatientId, OrderId) {
        let (patient, order) = (PatientId::new(), OrderId::new());
        (AssetState::Reserved { patient, order }, patient, order)
    }

    #[test]
    fn the_round_trip_of_a_cpap_with_memory() {
        let facts = AssetFacts {
            has_memory: true,
            title_transfer_due: false,
        };
        let (patient, order) = (PatientId::new(), OrderId::new());
        let commands = [
            AssetCommand::Reserve { patient, order },
            AssetCommand::Deliver {
                terms: DeliveryTerms::Rental,
            },
            AssetCommand::Return,
            AssetCommand::Wipe,
            AssetCommand::Clean,
            AssetCommand::Inspect {
                result: InspectionResult::Pass,
            },
        ];
        let mut state = NEW_UNIT;
        let mut codes = vec![state.code()];
        for command in &commands {
            state = apply(state, &facts, command).unwrap().to;
            codes.push(state.code());
        }
        assert_eq!(
            codes,
            [
                "available",
                "reserved",
                "delivered",
                "returned",
                "wiped",
                "cleaned",
                "available"
            ]
        );
    }

    #[test]
    fn a_dirty_or_quarantined_unit_is_never_reserved() {
        let (patient, order) = (PatientId::new(), OrderId::new());
        let reserve = AssetCommand::Reserve { patient, order };
        for state in [
            AssetState::Returned,
            AssetState::Wiped,
            AssetState::Quarantined { was_clean: true },
            AssetState::Quarantined { was_clean: false },
        ] {
            let refusal = apply(state, &AssetFacts::default(), &reserve).unwrap_err();
            assert!(refusal.code.starts_with("RESERVE-"), "{state:?}");
        }
        assert_eq!(
            apply(AssetState::Returned, &AssetFacts::default(), &reserve)
                .unwrap_err()
                .message,
            "A dirty unit cannot be reserved: clean and inspect it first."
        );
    }

    #[test]
    fn models_without_memory_skip_the_wipe_and_those_with_memory_cannot() {
        let plain = AssetFacts::default();
        let memory = AssetFacts {
            has_memory: true,
            ..plain
        };
        let clean = AssetCommand::Clean;
        assert_eq!(
            apply(AssetState::Returned, &plain, &clean).unwrap().to,
            AssetState::Cleaned
        );
        assert_eq!(
            apply(AssetState::Returned, &memory, &clean),
            Err(refuse::CLEAN_NEEDS_WIPE)
        );
        assert_eq!(
            apply(AssetState::Returned, &plain, &AssetCommand::Wipe),
            Err(refuse::WIPE_NO_MEMORY)
        );
    }

    #[test]
    fn title_passes_only_on_a_due_rental_and_then_the_unit_is_the_patients() {
        let (state, patient, order) = reserved();
        let rented = apply(
            state,
            &AssetFacts::default(),
            &AssetCommand::Deliver {
                terms: DeliveryTerms::Rental,
            },
        )
        .unwrap()
        .to;
        assert_eq!(rented.owner(), Owner::Supplier);
        assert_eq!(
            apply(rented, &AssetFacts::default(), &AssetCommand::TransferTitle),
            Err(refuse::TITLE_NOT_DUE)
        );
        let due = AssetFacts {
            title_transfer_due: true,
            ..AssetFacts::default()
        };
        let owned = apply(rented, &due, &AssetCommand::TransferTitle).unwrap();
        assert_eq!(owned.to, AssetState::PatientOwned { patient });
        assert!(!owned.patient_changed());
        assert_eq!(owned.to.owner(), Owner::Patient(patient));
        assert_eq!(
            apply(owned.to, &due, &AssetCommand::Return),
            Err(refuse::PATIENT_OWNED)
        );
        let sold = AssetState::Delivered {
            patient,
            order,
            terms: DeliveryTerms::Sale,
        };
        assert_eq!(sold.owner(), Owner::Patient(patient));
        assert_eq!(
            apply(sold, &due, &AssetCommand::TransferTitle),
            Err(refuse::TITLE_NOT_RENTED)
        );
    }

    #[test]
    fn quarantine_needs_a_reason_and_release_needs_the_work_its_state_calls_for() {
        let facts = AssetFacts::default();
        let blank = AssetCommand::Quarantine {
            reason: "  ".into(),
        };
        assert_eq!(
            apply(AssetState::Available, &facts, &blank),
            Err(refuse::QUARANTINE_REASON)
        );
        let recall = AssetCommand::Quarantine {
            reason: "Recall 2026-04".into(),
        };
        let from_shelf = apply(AssetState::Available, &facts, &recall).unwrap().to;
        let from_dirty = apply(AssetState::Returned, &facts, &recall).unwrap().to;
        let release = AssetCommand::ReleaseQuarantine;
        assert_eq!(
            apply(from_shelf, &facts, &release).unwrap().to,
            AssetState::Cleaned
        );
        assert_eq!(
            apply(from_dirty, &facts, &release).unwrap().to,
            AssetState::Returned
        );
        let (patient, order) = (PatientId::new(), OrderId::new());
        let at_home = AssetState::Delivered {
            patient,
            order,
            terms: DeliveryTerms::Rental,
        };
        assert_eq!(apply(at_home, &facts, &recall), Err(refuse::AT_PATIENT));
    }

    #[test]
    fn retired_is_terminal() {
        let facts = AssetFacts::default();
        for command in [
            AssetCommand::Found,
            AssetCommand::ReleaseQuarantine,
            AssetCommand::Retire,
        ] {
            assert_eq!(
                apply(AssetState::Retired, &facts, &command),
                Err(refuse::RETIRED)
            );
        }
        assert!(AssetState::Retired.is_terminal());
    }

    #[test]
    fn states_and_commands_travel_as_tagged_json() {
        let (state, patient, _) = reserved();
        let json = serde_json::to_value(state).unwrap();
        assert_eq!(json["state"], "reserved");
        assert_eq!(json["patient"], patient.to_string());
        let command: AssetCommand =
            serde_json::from_str(r#"{"command":"inspect","result":"fail"}"#).unwrap();
        assert_eq!(command.code(), "inspect_fail");
        let back: AssetState = serde_json::from_value(json).unwrap();
        assert_eq!(back, state);
    }
}
