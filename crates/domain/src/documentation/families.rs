//! Product families and their policy checklists: which documents each kind of equipment needs
//! before it may ship, with the public source that asks for it.
//!
//! The family comes from the line's HCPCS code. The ranges below follow the code descriptions in
//! the CMS 2019 HCPCS Level II file and the public sources that name the codes:
//!
//! | family | codes | why |
//! |---|---|---|
//! | PAP | E0601, E0470 | the two devices LCD L33718 covers (E0471/E0472 have backup rates: another LCD) |
//! | oxygen | E0424–E0440, E1390–E1392, E1405–E1406, K0738 | oxygen *equipment* (stationary, portable, concentrators, transfill); the 2026 Required F2F/WOPD List names seven of them. Contents (E0441–E0444, E0447) are monthly supplies and get no checklist |
//! | hospital bed | E0250–E0270, E0290–E0297, E0301–E0304, E0328–E0329 | every "Hospital bed, …" code; mattresses, rails and cribs are not beds |
//! | manual wheelchair | K0001–K0009, E1161 | the manual wheelchair bases and the adult tilt-in-space chair |
//! | power mobility | K0800–K0899 | power-operated vehicles (K0800–K0812), power wheelchairs (K0813–K0898) and K0899: the power mobility devices of Social Security Act §1834(a)(1)(E)(iv) |
//!
//! Other codes (supplies, accessories, walkers …) have no family checklist; the written-order,
//! F2F/WOPD, prior-authorization and eligibility rules still apply to them.

use serde::Serialize;

use super::input::DocumentKind;
use super::requirements::{self as req, Requirement};
use crate::catalog::Hcpcs;

/// An inclusive range of HCPCS codes. Codes are one letter and four digits, so comparing their
/// text compares them as codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CodeRange {
    /// First code in the range.
    pub from: &'static str,
    /// Last code in the range.
    pub to: &'static str,
}

impl CodeRange {
    const fn new(from: &'static str, to: &'static str) -> Self {
        Self { from, to }
    }

    /// Whether `code` lies in the range.
    pub fn contains(&self, code: &Hcpcs) -> bool {
        let code = code.as_str();
        self.from <= code && code <= self.to
    }
}

/// Whether any range in `ranges` contains `code`.
pub fn in_ranges(ranges: &[CodeRange], code: &Hcpcs) -> bool {
    ranges.iter().any(|range| range.contains(code))
}

/// Complex rehab power wheelchairs, which may be bought up front (42 CFR 414.229).
pub const COMPLEX_REHAB_POWER_WHEELCHAIRS: &[CodeRange] = &[
    CodeRange::new("K0835", "K0843"),
    CodeRange::new("K0848", "K0864"),
];

/// Group 1 and Group 2 power wheelchairs without power options: standard, so rental-only
/// (42 CFR 414.229). Groups 4 and 5 are left to LCD L33789, which that section does not settle.
pub const STANDARD_POWER_WHEELCHAIRS: &[CodeRange] = &[CodeRange::new("K0813", "K0831")];

/// Only the bilevel device needs a CPAP trial first (LCD L33718).
const BILEVEL_WITHOUT_BACKUP: &[CodeRange] = &[CodeRange::new("E0470", "E0470")];

/// A kind of equipment with its own policy checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductFamily {
    /// CPAP and bilevel without backup rate (E0601, E0470).
    Pap,
    /// Oxygen equipment.
    Oxygen,
    /// Hospital beds.
    HospitalBed,
    /// Manual wheelchairs.
    ManualWheelchair,
    /// Power wheelchairs and power-operated vehicles.
    PowerMobility,
}

const FAMILY_RANGES: &[(CodeRange, ProductFamily)] = &[
    (CodeRange::new("E0250", "E0270"), ProductFamily::HospitalBed),
    (CodeRange::new("E0290", "E0297"), ProductFamily::HospitalBed),
    (CodeRange::new("E0301", "E0304"), ProductFamily::HospitalBed),
    (CodeRange::new("E0328", "E0329"), ProductFamily::HospitalBed),
    (CodeRange::new("E0424", "E0440"), ProductFamily::Oxygen),
    (CodeRange::new("E0470", "E0470"), ProductFamily::Pap),
    (CodeRange::new("E0601", "E0601"), ProductFamily::Pap),
    (
        CodeRange::new("E1161", "E1161"),
        ProductFamily::ManualWheelchair,
    ),
    (CodeRange::new("E1390", "E1392"), ProductFamily::Oxygen),
    (CodeRange::new("E1405", "E1406"), ProductFamily::Oxygen),
    (
        CodeRange::new("K0001", "K0009"),
        ProductFamily::ManualWheelchair,
    ),
    (CodeRange::new("K0738", "K0738"), ProductFamily::Oxygen),
    (
        CodeRange::new("K0800", "K0899"),
        ProductFamily::PowerMobility,
    ),
];

/// One document or fact a family's policy asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// Its id, sentence, severity and source.
    pub requirement: Requirement,
    /// Document kinds that may be marked as satisfying it.
    pub accepts: &'static [DocumentKind],
    /// A coverage criterion: with a signed ABN on file the line may ship and bill GA, so the item
    /// becomes a warning (Medicare Claims Processing Manual (Pub. 100-04) ch. 30 §50). Conditions of payment (orders, F2F) never are.
    pub abn_may_cover: bool,
    /// Codes it applies to; empty = every code of the family.
    pub only_for: &'static [CodeRange],
}

impl ChecklistItem {
    const fn new(requirement: Requirement, accepts: &'static [DocumentKind]) -> Self {
        Self {
            requirement,
            accepts,
            abn_may_cover: true,
            only_for: &[],
        }
    }

    /// Whether the item applies to a line with this code.
    pub fn applies_to(&self, code: &Hcpcs) -> bool {
        self.only_for.is_empty() || in_ranges(self.only_for, code)
    }

    /// Whether a document of this kind may satisfy the item.
    pub fn accepts(&self, kind: DocumentKind) -> bool {
        self.accepts.contains(&kind)
    }
}

const NOTE: &[DocumentKind] = &[DocumentKind::F2fNote, DocumentKind::Other];

/// The PAP evaluation; the checker also compares its date with the sleep test's.
pub(super) const PAP_EVALUATION: ChecklistItem =
    ChecklistItem::new(req::PAP_F2F_EVALUATION, &[DocumentKind::F2fNote]);
/// The PAP sleep test.
pub(super) const PAP_SLEEP_TEST: ChecklistItem =
    ChecklistItem::new(req::PAP_SLEEP_TEST, &[DocumentKind::SleepStudy]);
/// The oxygen qualifying test; the checker also looks at its age.
pub(super) const OX_QUALIFYING_TEST: ChecklistItem = ChecklistItem::new(
    req::OX_QUALIFYING_TEST,
    &[DocumentKind::Oximetry, DocumentKind::Other],
);

const PAP: &[ChecklistItem] = &[
    PAP_EVALUATION,
    PAP_SLEEP_TEST,
    ChecklistItem {
        only_for: BILEVEL_WITHOUT_BACKUP,
        ..ChecklistItem::new(req::PAP_CPAP_TRIED, NOTE)
    },
];

const OXYGEN: &[ChecklistItem] = &[
    OX_QUALIFYING_TEST,
    ChecklistItem::new(req::OX_PRACTITIONER_EVALUATION, NOTE),
];

const HOSPITAL_BED: &[ChecklistItem] = &[ChecklistItem::new(req::BED_MEDICAL_NEED, NOTE)];

const MANUAL_WHEELCHAIR: &[ChecklistItem] = &[ChecklistItem::new(req::MWC_MOBILITY_NEED, NOTE)];

const POWER_MOBILITY: &[ChecklistItem] = &[
    // Statutory condition of payment (42 CFR 410.38): an ABN cannot stand in for it.
    ChecklistItem {
        abn_may_cover: false,
        ..ChecklistItem::new(req::PMD_F2F_EXAM, &[DocumentKind::F2fNote])
    },
    ChecklistItem::new(req::PMD_MEDICAL_NEED, NOTE),
    ChecklistItem {
        abn_may_cover: false,
        only_for: COMPLEX_REHAB_POWER_WHEELCHAIRS,
        ..ChecklistItem::new(req::PMD_RENT_OR_BUY, &[DocumentKind::Other])
    },
];

impl ProductFamily {
    /// Every family, in display order.
    pub const ALL: &'static [ProductFamily] = &[
        Self::Pap,
        Self::Oxygen,
        Self::HospitalBed,
        Self::ManualWheelchair,
        Self::PowerMobility,
    ];

    /// The family of a HCPCS code, if it has one.
    pub fn of(code: &Hcpcs) -> Option<Self> {
        FAMILY_RANGES
            .iter()
            .find(|(range, _)| range.contains(code))
            .map(|(_, family)| *family)
    }

    /// The code ranges that make up the family.
    pub fn ranges(self) -> impl Iterator<Item = CodeRange> {
        FAMILY_RANGES
            .iter()
            .filter(move |(_, family)| *family == self)
            .map(|(range, _)| *range)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pap => "CPAP / bilevel (PAP)",
            Self::Oxygen => "Oxygen equipment",
            Self::HospitalBed => "Hospital bed",
            Self::ManualWheelchair => "Manual wheelchair",
            Self::PowerMobility => "Power wheelchair or scooter",
        }
    }

    /// The documents this family's policy asks for before delivery.
    pub fn checklist(self) -> &'static [ChecklistItem] {
        match self {
            Self::Pap => PAP,
            Self::Oxygen => OXYGEN,
            Self::HospitalBed => HOSPITAL_BED,
            Self::ManualWheelchair => MANUAL_WHEELCHAIR,
            Self::PowerMobility => POWER_MOBILITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(code: &str) -> Option<ProductFamily> {
        ProductFamily::of(&Hcpcs::parse(code).unwrap())
    }

    #[test]
    fn codes_map_to_their_family() {
        assert_eq!(family("E0601"), Some(ProductFamily::Pap));
        assert_eq!(family("E0470"), Some(ProductFamily::Pap));
        assert_eq!(family("E0471"), None);
        assert_eq!(family("E1390"), Some(ProductFamily::Oxygen));
        assert_eq!(family("E0431"), Some(ProductFamily::Oxygen));
        assert_eq!(family("E0441"), None, "contents are supplies");
        assert_eq!(family("E0260"), Some(ProductFamily::HospitalBed));
        assert_eq!(family("E0271"), None, "a mattress is not a bed");
        assert_eq!(family("K0001"), Some(ProductFamily::ManualWheelchair));
        assert_eq!(family("K0856"), Some(ProductFamily::PowerMobility));
        assert_eq!(family("K0800"), Some(ProductFamily::PowerMobility));
        assert_eq!(family("A7030"), None);
    }

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        for pair in FAMILY_RANGES.windows(2) {
            assert!(pair[0].0.from <= pair[0].0.to);
            assert!(pair[0].0.to < pair[1].0.from, "{:?}", pair[1].0);
        }
        for family in ProductFamily::ALL {
            assert!(family.ranges().count() > 0);
            assert!(!family.checklist().is_empty());
        }
    }
}
