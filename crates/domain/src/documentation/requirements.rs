//! Every requirement the checker can report, with its stable id, the sentence a person acts on,
//! whether it blocks the order, and the public source that states it.

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
    /// The public source that states the rule, e.g. `42 CFR 410.38 (standard written order: order date)`.
    pub section: &'static str,
    /// Where a person can read that source.
    pub link: &'static str,
}

macro_rules! requirements {
    ($($name:ident = $id:literal, $severity:ident, $section:literal, $link:literal, $action:literal;)*) => {
        $(
            #[doc = $action]
            pub const $name: Requirement = Requirement {
                id: $id,
                action: $action,
                severity: Severity::$severity,
                section: $section,
                link: $link,
            };
        )*
        /// Every requirement the checker can report; docs/documentation-rules.md lists each id.
        pub const ALL: &[Requirement] = &[$($name),*];
    };
}

requirements! {
    ORDER_LINES = "ORDER-LINES", Blocking, "42 CFR 410.38 (standard written order: item description)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Add at least one item to the order.";
    DIAGNOSIS = "DIAGNOSIS", Blocking, "Medicare Claims Processing Manual (Pub. 100-04) ch. 23 §10 (reporting ICD diagnosis codes)", "https://www.cms.gov/regulations-and-guidance/guidance/manuals/downloads/clm104c23.pdf",
        "Enter at least one ICD-10-CM diagnosis from the practitioner's order or notes.";

    SWO_BENEFICIARY = "SWO-BENEFICIARY", Blocking, "42 CFR 410.38 (standard written order: beneficiary name or MBI)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Put the beneficiary's name or MBI on the written order.";
    SWO_ORDER_DATE = "SWO-ORDER-DATE", Blocking, "42 CFR 410.38 (standard written order: order date)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Get the order date written on the order.";
    SWO_ORDER_DATE_AFTER_DELIVERY = "SWO-ORDER-DATE-AFTER-DELIVERY", Blocking,
        "42 CFR 410.38 (standard written order: order date)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Deliver on or after the order date, or get an order dated on or before the delivery date.";
    SWO_DESCRIPTION = "SWO-DESCRIPTION", Blocking, "42 CFR 410.38 (standard written order: item description)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Describe this item on the written order (general term, HCPCS code or narrative, or brand and model).";
    SWO_QUANTITY = "SWO-QUANTITY", Blocking, "42 CFR 410.38 (standard written order: quantity)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Get the quantity to dispense of this supply item written on the order.";
    SWO_PRACTITIONER = "SWO-PRACTITIONER", Blocking, "42 CFR 410.38 (standard written order: practitioner name or NPI)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Put the treating practitioner's name or NPI on the written order.";
    SWO_SIGNATURE = "SWO-SIGNATURE", Blocking, "42 CFR 410.38 (standard written order: practitioner signature)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Get the treating practitioner's signature on the written order.";

    F2F_ENCOUNTER = "F2F-ENCOUNTER", Blocking, "42 CFR 410.38 (face-to-face encounter within 6 months before the order)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Get the note of the face-to-face encounter with the treating practitioner held within the 6 months before the order date.";
    F2F_TOO_OLD = "F2F-TOO-OLD", Blocking, "42 CFR 410.38 (face-to-face encounter within 6 months before the order)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "The face-to-face encounter is more than 6 months before the order date: get a new encounter and a new order.";
    F2F_AFTER_ORDER = "F2F-AFTER-ORDER", Blocking, "42 CFR 410.38 (face-to-face encounter within 6 months before the order)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "The face-to-face encounter is after the order date: get a new order dated on or after the encounter.";
    WOPD_ORDER_BEFORE_DELIVERY = "WOPD-ORDER-BEFORE-DELIVERY", Blocking,
        "42 CFR 410.38 (written order prior to delivery)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Have the signed written order, with its signature date, in hand before delivery: the signature must be dated on or before the delivery date.";

    PA_MISSING = "PA-MISSING", Blocking, "42 CFR 414.234 (prior authorization)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "Request prior authorization for this item and record the decision before delivery.";
    PA_PENDING = "PA-PENDING", Blocking, "42 CFR 414.234 (prior authorization)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "Wait for the affirmed prior-authorization decision before delivering this item.";
    PA_NON_AFFIRMED = "PA-NON-AFFIRMED", Blocking, "42 CFR 414.234 (prior authorization)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "The prior authorization was non-affirmed: fix the documentation and resubmit the request.";
    PA_UTN = "PA-UTN", Blocking, "42 CFR 414.234 (Unique Tracking Number on the claim)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "Record the 14-character unique tracking number (UTN) from the prior-authorization decision.";
    PA_DECISION_AFTER_DELIVERY = "PA-DECISION-AFTER-DELIVERY", Blocking, "42 CFR 414.234 (prior authorization)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "Deliver this item on or after the prior-authorization decision date.";
    PA_EXPIRED = "PA-EXPIRED", Blocking, "42 CFR 414.234 (how long an affirmed decision lasts)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "The prior authorization expires before delivery: deliver while it is valid or request a new one.";
    PA_EXPIRY_UNKNOWN = "PA-EXPIRY-UNKNOWN", Blocking, "42 CFR 414.234 (prior authorization)", "https://www.cms.gov/research-statistics-data-and-systems/monitoring-programs/medicare-ffs-compliance-programs/dmepos/prior-authorization-process-for-certain-durable-medical-equipment-prosthetic-orthotics-supplies-items",
        "Enter the expiry date printed on the prior-authorization decision.";

    ELIGIBILITY_MONTH = "ELIGIBILITY-MONTH", Blocking, "CMS HIPAA Eligibility Transaction System (X12 270/271 005010X279A1)", "https://www.cms.gov/data-research/cms-information-technology/hipaa-eligibility-transaction-system",
        "Check the patient's eligibility with the payer in the month of delivery.";
    ELIGIBILITY_INACTIVE = "ELIGIBILITY-INACTIVE", Blocking, "CMS HIPAA Eligibility Transaction System (X12 270/271 005010X279A1)", "https://www.cms.gov/data-research/cms-information-technology/hipaa-eligibility-transaction-system",
        "The latest eligibility check this month found no active coverage: confirm the payer and plan or update the coverage.";

    PAP_F2F_EVALUATION = "PAP-F2F-EVALUATION", Blocking, "LCD L33718 Positive Airway Pressure Devices (initial coverage A)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718",
        "File the treating practitioner's face-to-face clinical evaluation done before the sleep test.";
    PAP_SLEEP_TEST = "PAP-SLEEP-TEST", Blocking, "LCD L33718 Positive Airway Pressure Devices (initial coverage B)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718",
        "File the Medicare-covered sleep test showing a qualifying AHI or RDI.";
    PAP_EVALUATION_AFTER_TEST = "PAP-EVALUATION-AFTER-TEST", Blocking,
        "LCD L33718 Positive Airway Pressure Devices (initial coverage A)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718",
        "The face-to-face evaluation filed is dated after the sleep test: file the evaluation that came before the test.";
    PAP_CPAP_TRIED = "PAP-CPAP-TRIED", Blocking, "LCD L33718 Positive Airway Pressure Devices (E0470 for OSA)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718",
        "File the record showing a CPAP (E0601) was tried and proven ineffective before a bilevel device.";
    PAP_OSA_DIAGNOSIS = "PAP-OSA-DIAGNOSIS", Warning, "LCD L33718 Positive Airway Pressure Devices", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33718",
        "Check the diagnosis: PAP coverage is for obstructive sleep apnea (G47.33).";

    OX_QUALIFYING_TEST = "OX-QUALIFYING-TEST", Blocking, "NCD 240.2 Home Use of Oxygen (qualifying blood gas test)", "https://www.cms.gov/medicare-coverage-database/view/ncd.aspx?ncdid=169",
        "File the qualifying blood-gas or oximetry test, ordered by the treating practitioner and done by a qualified provider or lab, not by the supplier.";
    OX_PRACTITIONER_EVALUATION = "OX-PRACTITIONER-EVALUATION", Blocking,
        "NCD 240.2 Home Use of Oxygen (test ordered and evaluated by the treating practitioner)", "https://www.cms.gov/medicare-coverage-database/view/ncd.aspx?ncdid=169",
        "File the treating practitioner's note evaluating the qualifying test result.";
    OX_TEST_AGE = "OX-TEST-AGE", Warning, "LCD L33797 Oxygen and Oxygen Equipment (outpatient test within 30 days; unconfirmed)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33797",
        "Check the test date: the qualifying test is more than 30 days before the order date.";
    OX_RENTAL_ONLY = "OX-RENTAL-ONLY", Blocking, "42 CFR 414.226 (oxygen is paid as a monthly rental)", "https://www.ecfr.gov/current/title-42/section-414.226",
        "Change this oxygen line to rental: Medicare does not buy oxygen equipment.";

    BED_MEDICAL_NEED = "BED-MEDICAL-NEED", Blocking, "LCD L33820 Hospital Beds and Accessories (KX modifier criteria)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33820",
        "File the medical record showing the condition that needs a hospital bed under the hospital bed LCD.";
    BED_F2F_WOPD_UNCONFIRMED = "BED-F2F-WOPD-UNCONFIRMED", Warning,
        "42 CFR 410.38 (Required F2F/WOPD List: 2024 bed codes not yet confirmed)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "Check whether this bed code needs a face-to-face encounter and an order before delivery: three bed codes joined that list on 2024-08-12 and this order would not meet it.";

    MWC_MOBILITY_NEED = "MWC-MOBILITY-NEED", Blocking, "LCD L33788 Manual Wheelchair Bases (KX modifier criteria)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33788",
        "File the medical record showing the mobility need the manual wheelchair LCD requires.";

    PMD_F2F_EXAM = "PMD-F2F-EXAM", Blocking, "Social Security Act §1834(a)(1)(E)(iv); 42 CFR 410.38 (F2F examination for power mobility)", "https://www.ecfr.gov/current/title-42/section-410.38",
        "File the face-to-face encounter note with the practitioner's mobility examination supporting the power mobility device.";
    PMD_MEDICAL_NEED = "PMD-MEDICAL-NEED", Blocking, "LCD L33789 Power Mobility Devices (KX modifier criteria)", "https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=33789",
        "File the medical record showing the power mobility device LCD's coverage criteria are met.";
    PMD_RENTAL_ONLY = "PMD-RENTAL-ONLY", Blocking, "42 CFR 414.229 (purchase option for complex rehabilitative power wheelchairs)", "https://www.ecfr.gov/current/title-42/section-414.229",
        "Change this line to rental: standard power wheelchairs are rental-only; only complex rehab models may be bought up front.";
    PMD_RENT_OR_BUY = "PMD-RENT-OR-BUY", Warning, "42 CFR 414.229 (purchase option for complex rehabilitative power wheelchairs)", "https://www.ecfr.gov/current/title-42/section-414.229",
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
            assert!(
                requirement.link.starts_with("https://"),
                "{}",
                requirement.id
            );
        }
    }
}
