//! Why the asset state machine refused a command: a stable code for programs and one plain
//! sentence for the person at the counter. docs/asset-states.md lists every one; a test keeps
//! that list and [`ALL`] in step.

use serde::Serialize;

/// A refused command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Refusal {
    /// Stable code, e.g. `RESERVE-DIRTY`; never reused for a different reason.
    pub code: &'static str,
    /// What is wrong and what to do, in one sentence.
    pub message: &'static str,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Refusal {}

/// Declares the refusals and the list of them all.
macro_rules! refusals {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $message:literal;)+) => {
        $($(#[$doc])* pub const $name: Refusal = Refusal { code: $code, message: $message };)+
        /// Every refusal the machine can return.
        pub const ALL: &[Refusal] = &[$($name),+];
    };
}

refusals! {
    /// Retired is terminal.
    RETIRED = "RETIRED",
        "This unit is retired: it is out of service for good and nothing more can be recorded on it.";
    /// Patient-owned units left the supplier's stock.
    PATIENT_OWNED = "PATIENT-OWNED",
        "This unit belongs to the patient since its title transfer: it is no longer the supplier's stock.";
    /// Reserve from returned or wiped.
    RESERVE_DIRTY = "RESERVE-DIRTY",
        "A dirty unit cannot be reserved: clean and inspect it first.";
    /// Reserve from cleaned.
    RESERVE_NOT_INSPECTED = "RESERVE-NOT-INSPECTED",
        "A cleaned unit cannot be reserved until it passes inspection.";
    /// Reserve from quarantined.
    RESERVE_QUARANTINED = "RESERVE-QUARANTINED",
        "A quarantined unit cannot be reserved: release it from quarantine and have it inspected first.";
    /// Reserve from in repair.
    RESERVE_IN_REPAIR = "RESERVE-IN-REPAIR",
        "A unit in repair cannot be reserved: record it back from repair, then clean and inspect it.";
    /// Reserve from reserved.
    ALREADY_RESERVED = "ALREADY-RESERVED",
        "This unit is already reserved: cancel that reservation first.";
    /// Repair, retire, etc. while reserved.
    RESERVED = "RESERVED",
        "This unit is reserved for a patient: cancel the reservation first.";
    /// Anything that needs the unit in hand while it is at a patient's home.
    AT_PATIENT = "AT-PATIENT",
        "This unit is at a patient's home: record its return first.";
    /// Anything that needs the unit in hand while it is lost.
    LOST = "LOST",
        "This unit is marked lost: record it as found first.";
    /// Cancel without a reservation.
    NO_RESERVATION = "NO-RESERVATION",
        "This unit has no reservation to cancel.";
    /// Deliver without a reservation.
    NOT_RESERVED = "NOT-RESERVED",
        "Only a unit reserved for a patient's order can be delivered: reserve it first.";
    /// Return of a unit that is not at a patient's home.
    NOT_DELIVERED = "NOT-DELIVERED",
        "Only a unit at a patient's home can be returned.";
    /// Title transfer of a unit that is not rented out.
    TITLE_NOT_RENTED = "TITLE-NOT-RENTED",
        "Title transfers only for a unit on rent at the patient's home.";
    /// Title transfer before the cap.
    TITLE_NOT_DUE = "TITLE-NOT-DUE",
        "Title passes to the patient only after the 13th continuous paid rental month (capped rental).";
    /// Wipe on a model without memory.
    WIPE_NO_MEMORY = "WIPE-NO-MEMORY",
        "This model keeps no patient data: clean it directly.";
    /// Wipe when the unit is not just back from a patient.
    WIPE_NOT_DUE = "WIPE-NOT-DUE",
        "Patient data is wiped right after a return; this unit is not waiting for a wipe.";
    /// Clean before wiping a device with memory.
    CLEAN_NEEDS_WIPE = "CLEAN-NEEDS-WIPE",
        "Wipe the patient data from this unit before cleaning it.";
    /// Clean when the unit is not dirty.
    CLEAN_NOT_DUE = "CLEAN-NOT-DUE",
        "Only a dirty unit is cleaned; this one is not waiting for cleaning.";
    /// Inspect when the unit is not freshly cleaned.
    INSPECT_NOT_DUE = "INSPECT-NOT-DUE",
        "A unit is inspected after it is cleaned; this one is not waiting for inspection.";
    /// Send to repair twice.
    ALREADY_IN_REPAIR = "ALREADY-IN-REPAIR",
        "This unit is already in repair.";
    /// Back from repair when not in repair.
    NOT_IN_REPAIR = "NOT-IN-REPAIR",
        "This unit is not in repair.";
    /// Quarantine without a reason.
    QUARANTINE_REASON = "QUARANTINE-REASON",
        "Give the reason for the quarantine (recall, damage, expiry, suspected fault).";
    /// Quarantine twice.
    ALREADY_QUARANTINED = "ALREADY-QUARANTINED",
        "This unit is already quarantined.";
    /// Release when not quarantined.
    NOT_QUARANTINED = "NOT-QUARANTINED",
        "This unit is not quarantined.";
    /// Mark lost twice.
    ALREADY_LOST = "ALREADY-LOST",
        "This unit is already marked lost.";
    /// Found when not lost.
    NOT_LOST = "NOT-LOST",
        "This unit is not marked lost.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_messages_are_sentences() {
        let codes: HashSet<_> = ALL.iter().map(|r| r.code).collect();
        assert_eq!(codes.len(), ALL.len());
        for refusal in ALL {
            assert!(refusal.message.ends_with('.'), "{}", refusal.code);
            assert_eq!(refusal.to_string(), refusal.message);
        }
    }
}
