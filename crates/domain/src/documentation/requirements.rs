//! Every requirement the checker can report, with its stable id, the sentence a person acts on,
//! whether it blocks the order, and where medicare-rules.md states it.

use serde::Serialize;

/// Whether an unmet requirement stops the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The order stays on Hold until it is met (or a permitted user overrides it).
    Blocking,
    /// Worth a look; the order may still become Ready.
    Warning,
}

/// One documentation requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    /// Stable id, e.g. `SWO-SIGNATURE`; never reused for a different requirement.
    pub id: &'static str,
    /// What to do, in one plain sentence.
    pub action: &'static str,
    /// Blocking or warning when unmet.
    pub severity: Severity,
    /// Where the rule comes from, e.g. `medicare-rules.md §5.1`.
    pub section: &'static str,
}

macro_rules! requirements {
    ($($name:ident = $id:literal, $severity:ident, $section:literal, $action:literal;)*) => {
        $(
            #[doc = $action]
            pub const $name: Requirement = Requirement {
                id: $id,
                action: $action,
                severity: Severity::$severity,
                section: $section,
            };
        )*
        /// Every requirement the checker can report; docs/documentation-rules.md lists each id.
        pub const ALL: &[Requirement] = &[$($name),*];
    };
}

requirements! {
    ORDER_LINES = "ORDER-LINES", Blocking, "issue 3 item 4",
        "Add at least one item to the order.";
    DIAGNOSIS = "DIAGNOSIS", Blocking, "issue 3 item 4; medicare-rules.md §6.1 (837P claim)",
        "Enter at least one ICD-10-CM diagnosis from the practitioner's order or notes.";

    SWO_BENEFICIARY = "SWO-BENEFICIARY", Blocking, "medicare-rules.md §5.1 (element 1)",
        "Put the beneficiary's name or MBI on the written order.";
    SWO_ORDER_DATE = "SWO-ORDER-DATE", Blocking, "medicare-rules.md §5.1 (element 2)",
        "Get the order date written on the order.";
    SWO_ORDER_DATE_AFTER_DELIVERY = "SWO-ORDER-DATE-AFTER-DELIVERY", Blocking,
        "medicare-rules.md §5.1 (element 2)",
        "Deliver on or after the order date, or get an order dated on or before the delivery date.";
    SWO_DESCRIPTION = "SWO-DESCRIPTION", Blocking, "medicare-rules.md §5.1 (element 3)",
        "Describe this item on the written order (general term, HCPCS code or narrative, or brand and model).";
    SWO_QUANTITY = "SWO-QUANTITY", Blocking, "medicare-rules.md §5.1 (element 4)",
        "Get the quantity to dispense of this supply item written on the order.";
    SWO_PRACTITIONER = "SWO-PRACTITIONER", Blocking, "medicare-rules.md §5.1 (element 5)",
        "Put the treating practitioner's name or NPI on the written order.";
    SWO_SIGNATURE = "SWO-SIGNATURE", Blocking, "medicare-rules.md §5.1 (element 6), §11 example 4",
        "Get the treating practitioner's signature on the written order.";

    F2F_ENCOUNTER = "F2F-ENCOUNTER", Blocking, "medicare-rules.md §5.2 (F2F timing)",
        "Get the note of the face-to-face encounter with the treating practitioner held within the 6 months before the order date.";
    F2F_TOO_OLD = "F2F-TOO-OLD", Blocking, "medicare-rules.md §5.2 (F2F timing)",
        "The face-to-face encounter is more than 6 months before the order date: get a new encounter and a new order.";
    F2F_AFTER_ORDER = "F2F-AFTER-ORDER", Blocking, "medicare-rules.md §5.2 (F2F timing)",
        "The face-to-face encounter is after the order date: get a new order dated on or after the encounter.";
    WOPD_ORDER_BEFORE_DELIVERY = "WOPD-ORDER-BEFORE-DELIVERY", Blocking,
        "medicare-rules.md §5.1 (timing), §5.2",
        "Have the signed written order, with its signature date, in hand before delivery: the signature must be dated on or before the delivery date.";

    PA_MISSING = "PA-MISSING", Blocking, "medicare-rules.md §5.3",
        "Request prior authorization for this item and record the decision before delivery.";
    PA_PENDING = "PA-PENDING", Blocking, "medicare-rules.md §5.3",
        "Wait for the affirmed prior-authorization decision before delivering this item.";
    PA_NON_AFFIRMED = "PA-NON-AFFIRMED", Blocking, "medicare-rules.md §5.3",
        "The prior authorization was non-affirmed: fix the documentation and resubmit the request.";
    PA_UTN = "PA-UTN", Blocking, "medicare-rules.md §5.3 (Unique Tracking Number)",
        "Record the 14-character unique tracking number (UTN) from the prior-authorization decision.";
    PA_DECISION_AFTER_DELIVERY = "PA-DECISION-AFTER-DELIVERY", Blocking, "medicare-rules.md §5.3",
        "Deliver this item on or after the prior-authorization decision date.";
    PA_EXPIRED = "PA-EXPIRED", Blocking, "medicare-rules.md §5.3 (decision valid)",
        "The prior authorization expires before delivery: deliver while it is valid or request a new one.";
    PA_EXPIRY_UNKNOWN = "PA-EXPIRY-UNKNOWN", Blocking, "medicare-rules.md §5.3",
        "Enter the expiry date printed on the prior-authorization decision.";

    ELIGIBILITY_MONTH = "ELIGIBILITY-MONTH", Blocking, "issue 3 item 9; product-notes.md (stale eligibility)",
        "Check the patient's eligibility with the payer in the month of delivery.";
    ELIGIBILITY_INACTIVE = "ELIGIBILITY-INACTIVE", Blocking, "issue 3 item 9",
        "The latest eligibility check this month found no active coverage: confirm the payer and plan or update the coverage.";

    PAP_F2F_EVALUATION = "PAP-F2F-EVALUATION", Blocking, "medicare-rules.md §3 (initial coverage A)",
        "File the treating practitioner's face-to-face clinical evaluation done before the sleep test.";
    PAP_SLEEP_TEST = "PAP-SLEEP-TEST", Blocking, "medicare-rules.md §3 (initial coverage B)",
        "File the Medicare-covered sleep test showing a qualifying AHI or RDI.";
    PAP_EVALUATION_AFTER_TEST = "PAP-EVALUATION-AFTER-TEST", Blocking,
        "medicare-rules.md §3 (initial coverage A)",
        "The face-to-face evaluation filed is dated after the sleep test: file the evaluation that came before the test.";
    PAP_CPAP_TRIED = "PAP-CPAP-TRIED", Blocking, "medicare-rules.md §3 (E0470 for OSA)",
        "File the record showing a CPAP (E0601) was tried and proven ineffective before a bilevel device.";
    PAP_OSA_DIAGNOSIS = "PAP-OSA-DIAGNOSIS", Warning, "medicare-rules.md §3",
        "Check the diagnosis: PAP coverage is for obstructive sleep apnea (G47.33).";

    OX_QUALIFYING_TEST = "OX-QUALIFYING-TEST", Blocking, "medicare-rules.md §4.1, §4.2",
        "File the qualifying blood-gas or oximetry test, ordered by the treating practitioner and done by a qualified provider or lab, not by the supplier.";
    OX_PRACTITIONER_EVALUATION = "OX-PRACTITIONER-EVALUATION", Blocking,
        "medicare-rules.md §4.2 (practitioner evaluation)",
        "File the treating practitioner's note evaluating the qualifying test result.";
    OX_TEST_AGE = "OX-TEST-AGE", Warning, "medicare-rules.md §4.2 (outpatient 30 days, UNCONFIRMED)",
        "Check the test date: the qualifying test is more than 30 days before the order date.";
    OX_RENTAL_ONLY = "OX-RENTAL-ONLY", Blocking, "medicare-rules.md §1.4 (no purchase)",
        "Change this oxygen line to rental: Medicare does not buy oxygen equipment.";

    BED_MEDICAL_NEED = "BED-MEDICAL-NEED", Blocking, "medicare-rules.md §2 (KX row), §1.1",
        "File the medical record showing the condition that needs a hospital bed under the hospital bed LCD.";
    BED_F2F_WOPD_UNCONFIRMED = "BED-F2F-WOPD-UNCONFIRMED", Warning,
        "medicare-rules.md §5.2 (known list additions), §12 item 6",
        "Check whether this bed code needs a face-to-face encounter and an order before delivery: three bed codes joined that list on 2024-08-12 and this order would not meet it.";

    MWC_MOBILITY_NEED = "MWC-MOBILITY-NEED", Blocking, "medicare-rules.md §2 (KX row), §1.1",
        "File the medical record showing the mobility need the manual wheelchair LCD requires.";

    PMD_F2F_EXAM = "PMD-F2F-EXAM", Blocking, "medicare-rules.md §5.2 (statutory items, F2F content)",
        "File the face-to-face encounter note with the practitioner's mobility examination supporting the power mobility device.";
    PMD_MEDICAL_NEED = "PMD-MEDICAL-NEED", Blocking, "medicare-rules.md §2 (KX row)",
        "File the medical record showing the power mobility device LCD's coverage criteria are met.";
    PMD_RENTAL_ONLY = "PMD-RENTAL-ONLY", Blocking, "medicare-rules.md §1.2 (purchase option)",
        "Change this line to rental: standard power wheelchairs are rental-only; only complex rehab models may be bought up front.";
    PMD_RENT_OR_BUY = "PMD-RENT-OR-BUY", Warning, "medicare-rules.md §1.2 (purchase option), §2 (BP/BR/BU)",
        "Record the beneficiary's rent-or-buy choice for this complex rehab power wheelchair (BP, BR or BU on the first claim).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sentences_end_with_a_full_stop() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for requirement in ALL {
            assert!(requirement.action.ends_with('.'), "{}", requirement.id);
            assert!(!requirement.section.is_empty(), "{}", requirement.id);
        }
    }
}
