//! Proof of delivery: who may sign for an item and which date is its date of service, as pure
//! rules over what the technician (or the shipping desk) recorded.
//!
//! The rules follow the DME MACs' proof-of-delivery guidance (supplier standard 12, 42 CFR
//! 424.57(c)(12); Medicare Program Integrity Manual, Pub. 100-08, ch. 4 §4.26 and ch. 5 §5.8;
//! Noridian Jurisdiction D, "Proof of Delivery",
//! <https://med.noridianmedicare.com/web/jddme/topics/documentation/proof-of-delivery>):
//!
//! - **Direct delivery** by the supplier's technician, and pick-up at a supplier branch: the
//!   date of service is the date the beneficiary or designee received the item, which is the
//!   date of their signature (the signer's date wins over any date the supplier wrote).
//! - **Delivery to a facility** (nursing facility) for the beneficiary: as a direct delivery;
//!   the date of service is the date the facility received the item, signed for by its staff.
//! - **Shipped by a carrier**: the supplier may use the shipping date as the date of service;
//!   the record links the shipping invoice to the carrier's tracking number.
//! - A **designee** signs with a printed name and their relationship to the beneficiary. A
//!   supplier employee, or anyone else with a financial interest in the delivery, may never
//!   sign as the designee.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::documentation::ProductFamily;
use crate::validation::FieldErrors;

/// How the items reach the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A technician delivers and sets up at the patient's home.
    Technician,
    /// The patient or a designee collects the items at a supplier branch.
    BranchPickup,
    /// A carrier (UPS, FedEx, USPS …) delivers a package.
    Carrier,
    /// A technician delivers to a nursing or other facility where the patient lives.
    Facility,
}

impl Method {
    /// Every method, in the order forms offer them.
    pub const ALL: [Method; 4] = [
        Method::Technician,
        Method::BranchPickup,
        Method::Carrier,
        Method::Facility,
    ];

    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Method::Technician => "technician",
            Method::BranchPickup => "branch_pickup",
            Method::Carrier => "carrier",
            Method::Facility => "facility",
        }
    }

    /// The method in plain words.
    pub const fn label(self) -> &'static str {
        match self {
            Method::Technician => "Delivered by a technician",
            Method::BranchPickup => "Picked up at a branch",
            Method::Carrier => "Shipped by carrier",
            Method::Facility => "Delivered to a facility",
        }
    }

    /// The method with this stored code.
    pub fn parse(code: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    /// Whether someone signs for the items on a screen (every method but a carrier's, whose
    /// proof is the tracking record).
    pub const fn needs_signature(self) -> bool {
        !matches!(self, Method::Carrier)
    }
}

/// How a designee is related to the beneficiary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// Husband, wife or partner.
    Spouse,
    /// Son or daughter.
    Child,
    /// Mother or father.
    Parent,
    /// Brother or sister.
    Sibling,
    /// Another family member.
    OtherRelative,
    /// A friend or neighbour.
    Friend,
    /// A paid or unpaid caregiver (not the supplier's).
    Caregiver,
    /// A court-appointed guardian.
    LegalGuardian,
    /// Holder of a power of attorney.
    PowerOfAttorney,
    /// Staff of the facility where the patient lives.
    FacilityStaff,
    /// Someone who works for the supplier: never allowed to sign as designee.
    SupplierEmployee,
}

impl Relationship {
    /// Every relationship, in the order forms offer them.
    pub const ALL: [Relationship; 11] = [
        Relationship::Spouse,
        Relationship::Child,
        Relationship::Parent,
        Relationship::Sibling,
        Relationship::OtherRelative,
        Relationship::Friend,
        Relationship::Caregiver,
        Relationship::LegalGuardian,
        Relationship::PowerOfAttorney,
        Relationship::FacilityStaff,
        Relationship::SupplierEmployee,
    ];

    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Relationship::Spouse => "spouse",
            Relationship::Child => "child",
            Relationship::Parent => "parent",
            Relationship::Sibling => "sibling",
            Relationship::OtherRelative => "other_relative",
            Relationship::Friend => "friend",
            Relationship::Caregiver => "caregiver",
            Relationship::LegalGuardian => "legal_guardian",
            Relationship::PowerOfAttorney => "power_of_attorney",
            Relationship::FacilityStaff => "facility_staff",
            Relationship::SupplierEmployee => "supplier_employee",
        }
    }

    /// The relationship in plain words, as the proof of delivery prints it.
    pub const fn label(self) -> &'static str {
        match self {
            Relationship::Spouse => "Spouse",
            Relationship::Child => "Son or daughter",
            Relationship::Parent => "Parent",
            Relationship::Sibling => "Brother or sister",
            Relationship::OtherRelative => "Other relative",
            Relationship::Friend => "Friend or neighbour",
            Relationship::Caregiver => "Caregiver",
            Relationship::LegalGuardian => "Legal guardian",
            Relationship::PowerOfAttorney => "Power of attorney",
            Relationship::FacilityStaff => "Facility staff",
            Relationship::SupplierEmployee => "Supplier employee",
        }
    }

    /// The relationship with this stored code.
    pub fn parse(code: &str) -> Option<Relationship> {
        Relationship::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
    }
}

/// Who signed for the items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "signer", rename_all = "snake_case")]
pub enum Signer {
    /// The beneficiary.
    Beneficiary,
    /// Someone signing for the beneficiary.
    Designee {
        /// Their name, printed (a designee's signature is often illegible).
        printed_name: String,
        /// How they are related to the beneficiary; required.
        relationship: Option<Relationship>,
        /// The printed name is that of one of the supplier's staff.
        is_supplier_staff: bool,
    },
}

/// What was recorded about the hand-over, as the completion form or the shipping desk gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// How the items went out.
    pub method: Method,
    /// Who signed, if anyone did.
    pub signer: Option<Signer>,
    /// The date the signer wrote or the screen captured when they signed.
    pub signed_on: Option<Date>,
    /// The date the supplier recorded as the delivery date.
    pub delivered_on: Option<Date>,
    /// The date the package left the supplier (carrier deliveries).
    pub shipped_on: Option<Date>,
    /// The carrier's package id (carrier deliveries).
    pub tracking_number: Option<String>,
}

/// The refusal when a supplier employee would sign as designee.
pub const SUPPLIER_EMPLOYEE_REFUSAL: &str = "A supplier employee cannot sign as the patient's designee (Medicare proof-of-delivery rule: no one with a financial interest in the delivery may sign). Ask the patient, a family member or a caregiver to sign.";

/// Checks a designee's signature block: printed name, relationship, and never someone of the
/// supplier's.
pub fn check_signer(signer: &Signer, errors: &mut FieldErrors) {
    let Signer::Designee {
        printed_name,
        relationship,
        is_supplier_staff,
    } = signer
    else {
        return;
    };
    if printed_name.trim().is_empty() {
        errors.add(
            "signer_name",
            "Print the designee's name: a designee's signature must be readable.",
        );
    }
    match relationship {
        None => errors.add(
            "relationship",
            "Choose how the designee is related to the patient.",
        ),
        Some(Relationship::SupplierEmployee) => {
            errors.add("relationship", SUPPLIER_EMPLOYEE_REFUSAL)
        }
        Some(_) if *is_supplier_staff => errors.add("signer_name", SUPPLIER_EMPLOYEE_REFUSAL),
        Some(_) => {}
    }
}

/// The date of service the receipt proves, or every problem that keeps it from being a valid
/// proof of delivery. `today` bounds the dates: nothing is received in the future.
pub fn date_of_service(receipt: &Receipt, today: Date) -> Result<Date, FieldErrors> {
    let mut errors = FieldErrors::new();
    let not_future = |errors: &mut FieldErrors, field: &str, date: Option<Date>| match date {
        Some(d) if d > today => {
            errors.add(field, "This date is in the future.");
            None
        }
        other => other,
    };
    let dos = if receipt.method.needs_signature() {
        match &receipt.signer {
            None => errors.add(
                "signature",
                "The patient or a designee must sign for the items.",
            ),
            Some(signer) => check_signer(signer, &mut errors),
        }
        not_future(&mut errors, "delivered_on", receipt.delivered_on);
        let signed = not_future(&mut errors, "signed_on", receipt.signed_on);
        if receipt.signer.is_some() && receipt.signed_on.is_none() {
            errors.add("signed_on", "Give the date the items were signed for.");
        }
        // The signer's date wins over the supplier's delivery date when both exist.
        signed
    } else {
        if receipt
            .tracking_number
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            errors.add(
                "tracking_number",
                "Give the carrier's tracking number: it links the shipment to this delivery.",
            );
        }
        let shipped = not_future(&mut errors, "shipped_on", receipt.shipped_on);
        if receipt.shipped_on.is_none() {
            errors.add("shipped_on", "Give the date the package was shipped.");
        }
        if let (Some(shipped), Some(delivered)) = (shipped, receipt.delivered_on)
            && delivered < shipped
        {
            errors.add(
                "delivered_on",
                "The package cannot be delivered before it was shipped.",
            );
        }
        shipped
    };
    errors.finish(|| dos)
}

/// One thing to do and tick at the stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable code, as stored with the ticket.
    pub code: &'static str,
    /// What the technician does, in plain words.
    pub label: &'static str,
}

const fn check(code: &'static str, label: &'static str) -> Check {
    Check { code, label }
}

/// A checklist of the stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// Stable code (`setup`, `training`, `home_safety`).
    pub code: &'static str,
    /// Its title on the page and the proof of delivery.
    pub title: &'static str,
    /// What to tick.
    pub checks: &'static [Check],
}

/// Set-up of any equipment (accreditation standards: function check before each patient use).
const SETUP_ANY: &[Check] = &[
    check("inspected", "Unit inspected for damage before set-up"),
    check(
        "set_up",
        "Set up as ordered and as the manufacturer instructs",
    ),
    check("function_check", "Function checked in the home"),
];

/// Set-up of a PAP device (LCD L33718 items: device, mask, humidifier).
const SETUP_PAP: &[Check] = &[
    check("inspected", "Unit inspected for damage before set-up"),
    check("pressure_set", "Pressure set as prescribed"),
    check("mask_fitted", "Mask fitted and checked for leaks"),
    check("humidifier", "Humidifier filled and set"),
    check("function_check", "Function checked in the home"),
];

/// Set-up of oxygen equipment.
const SETUP_OXYGEN: &[Check] = &[
    check("inspected", "Unit inspected for damage before set-up"),
    check(
        "flow_set",
        "Flow set to the prescribed rate and purity checked",
    ),
    check("backup", "Back-up supply in place for a power cut"),
    check("function_check", "Function checked in the home"),
];

/// Patient or caregiver training: supplier standard 12 (instruction on safe and effective use),
/// standard 6 (warranty), standard 16 (the standards disclosed) and the complaint process of
/// standard 19 (42 CFR 424.57(c)).
pub const TRAINING: Checklist = Checklist {
    code: "training",
    title: "Patient or caregiver training",
    checks: &[
        check("operation", "How to operate the equipment"),
        check("cleaning", "How to clean it"),
        check("troubleshooting", "What to do when it does not work"),
        check("emergency", "Emergency and after-hours contacts"),
        check("warranty", "Warranty information given"),
        check("standards", "Supplier standards handed over"),
        check("complaints", "How to make a complaint"),
    ],
};

/// The home safety assessment of the set-up (accreditation standards).
pub const HOME_SAFETY: Checklist = Checklist {
    code: "home_safety",
    title: "Home safety assessment",
    checks: &[
        check("pathways", "Pathways clear of trip hazards"),
        check("electrical", "Outlets and cords safe for the equipment"),
        check("smoke_detector", "Working smoke detector"),
        check("fire", "No smoking or open flame near the equipment"),
    ],
};

/// The set-up checklist for equipment of `family` (`None`: a family with no list of its own).
pub fn setup_checklist(family: Option<ProductFamily>) -> Checklist {
    let checks = match family {
        Some(ProductFamily::Pap) => SETUP_PAP,
        Some(ProductFamily::Oxygen) => SETUP_OXYGEN,
        _ => SETUP_ANY,
    };
    Checklist {
        code: "setup",
        title: "Set-up",
        checks,
    }
}

/// The checklists of a stop delivering equipment of these families, set-up first; a carrier
/// delivery has none (nobody is at the door).
pub fn checklists(method: Method, families: &[Option<ProductFamily>]) -> Vec<Checklist> {
    if !method.needs_signature() {
        return Vec::new();
    }
    let mut lists: Vec<Checklist> = Vec::new();
    for family in families {
        let list = setup_checklist(*family);
        if !lists.iter().any(|l| l.checks == list.checks) {
            lists.push(list);
        }
    }
    lists.push(TRAINING);
    lists.push(HOME_SAFETY);
    lists
}

/// The checks of `lists` left undone, as `list.check` codes, given the ticked ones.
pub fn undone(lists: &[Checklist], ticked: &[String]) -> Vec<String> {
    lists
        .iter()
        .flat_map(|list| {
            list.checks
                .iter()
                .map(move |c| format!("{}.{}", list.code, c.code))
        })
        .filter(|code| !ticked.contains(code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 10);

    fn designee(name: &str, relationship: Option<Relationship>, staff: bool) -> Option<Signer> {
        Some(Signer::Designee {
            printed_name: name.into(),
            relationship,
            is_supplier_staff: staff,
        })
    }

    fn handed(method: Method, signer: Option<Signer>, signed: Option<Date>) -> Receipt {
        Receipt {
            method,
            signer,
            signed_on: signed,
            delivered_on: None,
            shipped_on: None,
            tracking_number: None,
        }
    }

    fn shipped(tracking: Option<&str>, shipped: Option<Date>, delivered: Option<Date>) -> Receipt {
        Receipt {
            method: Method::Carrier,
            signer: None,
            signed_on: None,
            delivered_on: delivered,
            shipped_on: shipped,
            tracking_number: tracking.map(str::to_owned),
        }
    }

    /// Fields in error, in order.
    fn fields(result: Result<Date, FieldErrors>) -> Vec<String> {
        result
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn date_of_service_by_method() {
        let spouse = || designee("Tom Rivera", Some(Relationship::Spouse), false);
        let cases: Vec<(&str, Receipt, Date)> = vec![
            // The worked POD example: a driver delivery signed by the spouse on 2026-06-03.
            (
                "driver delivery signed by the spouse",
                handed(Method::Technician, spouse(), Some(date!(2026 - 06 - 03))),
                date!(2026 - 06 - 03),
            ),
            // The worked POD example: UPS shipped 2026-06-01, delivered 2026-06-03.
            (
                "carrier: the ship date",
                shipped(
                    Some("1Z999AA10123456784"),
                    Some(date!(2026 - 06 - 01)),
                    Some(date!(2026 - 06 - 03)),
                ),
                date!(2026 - 06 - 01),
            ),
            (
                "signed by the beneficiary",
                handed(
                    Method::Technician,
                    Some(Signer::Beneficiary),
                    Some(date!(2026 - 06 - 05)),
                ),
                date!(2026 - 06 - 05),
            ),
            (
                "the signer's date wins over the supplier's",
                Receipt {
                    delivered_on: Some(date!(2026 - 06 - 02)),
                    ..handed(
                        Method::Technician,
                        Some(Signer::Beneficiary),
                        Some(date!(2026 - 06 - 04)),
                    )
                },
                date!(2026 - 06 - 04),
            ),
            (
                "picked up at the branch",
                handed(
                    Method::BranchPickup,
                    Some(Signer::Beneficiary),
                    Some(date!(2026 - 06 - 08)),
                ),
                date!(2026 - 06 - 08),
            ),
            (
                "facility: the day its staff received it",
                handed(
                    Method::Facility,
                    designee("Jo Park RN", Some(Relationship::FacilityStaff), false),
                    Some(date!(2026 - 06 - 09)),
                ),
                date!(2026 - 06 - 09),
            ),
            (
                "delivered today",
                handed(Method::Technician, Some(Signer::Beneficiary), Some(TODAY)),
                TODAY,
            ),
        ];
        for (name, receipt, want) in cases {
            assert_eq!(date_of_service(&receipt, TODAY), Ok(want), "{name}");
        }
    }

    #[test]
    fn invalid_proofs_name_the_field_to_fix() {
        let on = Some(date!(2026 - 06 - 03));
        let cases: Vec<(&str, Receipt, Vec<&str>)> = vec![
            (
                "no signature",
                handed(Method::Technician, None, None),
                vec!["signature"],
            ),
            // The worked POD example: a supplier employee as "designee" is no valid POD.
            (
                "supplier employee as designee",
                handed(
                    Method::Technician,
                    designee("Sam Driver", Some(Relationship::SupplierEmployee), false),
                    on,
                ),
                vec!["relationship"],
            ),
            (
                "a staff member's name under another relationship",
                handed(
                    Method::Technician,
                    designee("Sam Driver", Some(Relationship::Friend), true),
                    on,
                ),
                vec!["signer_name"],
            ),
            // The worked POD example: the spouse's relationship is required.
            (
                "designee without relationship",
                handed(Method::Technician, designee("Tom Rivera", None, false), on),
                vec!["relationship"],
            ),
            (
                "designee without printed name",
                handed(
                    Method::Facility,
                    designee("  ", Some(Relationship::FacilityStaff), false),
                    on,
                ),
                vec!["signer_name"],
            ),
            (
                "signed but undated",
                handed(Method::BranchPickup, Some(Signer::Beneficiary), None),
                vec!["signed_on"],
            ),
            (
                "signed in the future",
                handed(
                    Method::Technician,
                    Some(Signer::Beneficiary),
                    Some(date!(2026 - 06 - 11)),
                ),
                vec!["signed_on"],
            ),
            (
                "carrier without tracking number",
                shipped(None, Some(date!(2026 - 06 - 01)), None),
                vec!["tracking_number"],
            ),
            (
                "carrier without ship date",
                shipped(Some("1Z999"), None, None),
                vec!["shipped_on"],
            ),
            (
                "delivered before shipped",
                shipped(
                    Some("1Z999"),
                    Some(date!(2026 - 06 - 03)),
                    Some(date!(2026 - 06 - 01)),
                ),
                vec!["delivered_on"],
            ),
        ];
        for (name, receipt, want) in cases {
            assert_eq!(fields(date_of_service(&receipt, TODAY)), want, "{name}");
        }
    }

    #[test]
    fn the_supplier_employee_refusal_says_what_to_do() {
        let mut errors = FieldErrors::new();
        check_signer(
            &Signer::Designee {
                printed_name: "Sam Driver".into(),
                relationship: Some(Relationship::SupplierEmployee),
                is_supplier_staff: false,
            },
            &mut errors,
        );
        assert_eq!(
            errors.for_field("relationship"),
            Some(SUPPLIER_EMPLOYEE_REFUSAL)
        );
        assert!(SUPPLIER_EMPLOYEE_REFUSAL.contains("Ask the patient"));
    }

    #[test]
    fn checklists_follow_the_method_and_family() {
        let cpap = checklists(Method::Technician, &[Some(ProductFamily::Pap)]);
        let titles: Vec<&str> = cpap.iter().map(|l| l.code).collect();
        assert_eq!(titles, ["setup", "training", "home_safety"]);
        assert!(cpap[0].checks.iter().any(|c| c.code == "mask_fitted"));
        assert!(checklists(Method::Carrier, &[Some(ProductFamily::Pap)]).is_empty());
        // Two families with their own set-up lists keep both.
        let both = checklists(
            Method::Technician,
            &[
                Some(ProductFamily::Pap),
                Some(ProductFamily::Oxygen),
                Some(ProductFamily::Pap),
            ],
        );
        assert_eq!(both.len(), 4);
        let ticked: Vec<String> = vec!["training.operation".into(), "setup.inspected".into()];
        let left = undone(&[TRAINING], &ticked);
        assert_eq!(left.len(), TRAINING.checks.len() - 1);
        assert!(!left.contains(&"training.operation".to_owned()));
    }

    #[test]
    fn codes_round_trip() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.code()), Some(method));
        }
        for relationship in Relationship::ALL {
            assert_eq!(Relationship::parse(relationship.code()), Some(relationship));
        }
        assert_eq!(Method::parse("drone"), None);
    }
}
