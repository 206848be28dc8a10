//! Where a unit stands inside a location. Every warehouse, branch and vehicle
//! has the same four zones, and a unit's zone follows from its state, so it is never set by hand
//! and can never disagree with it: a dirty unit shelved in the clean zone is exactly the mistake
//! accreditation surveyors look for (DMEPOS accreditation quality standards: clean and dirty kept apart).

use serde::{Deserialize, Serialize};

use super::asset::AssetState;

/// The kind of a supplier location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// A branch office with a showroom and a stock room.
    Branch,
    /// A warehouse.
    Warehouse,
    /// A delivery vehicle: stock travels on it.
    Vehicle,
}

impl LocationKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [LocationKind; 3] = [Self::Branch, Self::Warehouse, Self::Vehicle];

    /// The stored code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Branch => "branch",
            Self::Warehouse => "warehouse",
            Self::Vehicle => "vehicle",
        }
    }

    /// The kind with this stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == code)
    }
}

/// A zone of a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    /// Clean, inspected or waiting for inspection: the only zone units leave for patients from.
    Clean,
    /// Back from a patient, not yet cleaned.
    Dirty,
    /// At the repair bench.
    Repair,
    /// Held apart.
    Quarantine,
}

impl Zone {
    /// Every zone, in the order pages list them.
    pub const ALL: [Zone; 4] = [Self::Clean, Self::Dirty, Self::Repair, Self::Quarantine];

    /// The stored code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Dirty => "dirty",
            Self::Repair => "repair",
            Self::Quarantine => "quarantine",
        }
    }

    /// The zone a unit in `state` belongs in; `None` when it is not on the supplier's shelves
    /// (at a patient's home, lost, retired or the patient's own).
    pub const fn of(state: &AssetState) -> Option<Zone> {
        match state {
            AssetState::Available | AssetState::Reserved { .. } | AssetState::Cleaned => {
                Some(Self::Clean)
            }
            AssetState::Returned | AssetState::Wiped => Some(Self::Dirty),
            AssetState::InRepair => Some(Self::Repair),
            AssetState::Quarantined { .. } => Some(Self::Quarantine),
            AssetState::Delivered { .. }
            | AssetState::Lost
            | AssetState::Retired
            | AssetState::PatientOwned { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirty_states_are_in_the_dirty_zone_and_codes_round_trip() {
        assert_eq!(Zone::of(&AssetState::Returned), Some(Zone::Dirty));
        assert_eq!(Zone::of(&AssetState::Wiped), Some(Zone::Dirty));
        assert_eq!(
            Zone::of(&AssetState::Quarantined { was_clean: false }),
            Some(Zone::Quarantine)
        );
        assert_eq!(Zone::of(&AssetState::Lost), None);
        for kind in LocationKind::ALL {
            assert_eq!(LocationKind::parse(kind.as_str()), Some(kind));
        }
    }
}
