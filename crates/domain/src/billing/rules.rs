//! Every rule the engine can cite, with its stable id and where medicare-rules.md states it.

use serde::Serialize;

/// One rule the engine applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `CR-CAP-13`; never reused for a different rule.
    pub id: &'static str,
    /// Where the rule comes from, e.g. `medicare-rules.md §1.2`.
    pub section: &'static str,
    /// One-line statement of the rule.
    pub summary: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $section:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: Rule = Rule { id: $id, section: $section, summary: $summary };
        )*
        /// Every rule the engine can emit; docs/billing-rules.md must list each id.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    MONTH_ANNIVERSARY = "MONTH-ANNIVERSARY", "medicare-rules.md §1.2",
        "A rental month runs from the anniversary date to the day before the next anniversary.";
    MONTH_CLAMP = "MONTH-CLAMP-EOM", "medicare-rules.md §1.2, §12 item 2",
        "Day 29-31 anniversaries fall on the last day of shorter months (UNCONFIRMED; Durable's choice).";
    CR_RATE_STD_1_3 = "CR-RATE-STD-1-3", "medicare-rules.md §1.2",
        "Capped rental months 1-3 pay 10 % of the purchase price.";
    CR_RATE_STD_4_13 = "CR-RATE-STD-4-13", "medicare-rules.md §1.2",
        "Capped rental months 4-13 pay 7.5 % of the purchase price.";
    CR_RATE_PWC_1_3 = "CR-RATE-PWC-1-3", "medicare-rules.md §1.2",
        "Power wheelchair rental months 1-3 pay 15 % of the purchase price.";
    CR_RATE_PWC_4_13 = "CR-RATE-PWC-4-13", "medicare-rules.md §1.2",
        "Power wheelchair rental months 4-13 pay 6 % of the purchase price.";
    CR_MOD_KH = "CR-MOD-KH", "medicare-rules.md §2.1",
        "Capped rental month 1 carries RR + KH.";
    CR_MOD_KI = "CR-MOD-KI", "medicare-rules.md §2.1",
        "Capped rental months 2-3 carry RR + KI.";
    CR_MOD_KJ = "CR-MOD-KJ", "medicare-rules.md §2.1",
        "Capped rental months 4-13 carry RR + KJ.";
    CR_CAP_13 = "CR-CAP-13", "medicare-rules.md §1.2",
        "Capped rental pays at most 13 months of continuous use; month 13 is the last paid month.";
    CR_TITLE = "CR-TITLE-TRANSFER", "medicare-rules.md §1.2, §2.1",
        "Title passes to the beneficiary the day after the 13th paid month; nothing more is rented.";
    OX_MONTHLY = "OX-MONTHLY", "medicare-rules.md §1.4",
        "Oxygen months 1-36 pay the monthly fee-schedule amount.";
    OX_NO_RR = "OX-NO-RR", "medicare-rules.md §2 (RR row), §12 item 4",
        "Oxygen lines carry no RR: whether they need it is UNCONFIRMED, so Durable leaves it off.";
    OX_GROUP = "OX-MOD-GROUP", "medicare-rules.md §2 (N1/N2/N3 row)",
        "Oxygen lines show the qualifying group as N1, N2 or N3.";
    OX_CAP_36 = "OX-CAP-36", "medicare-rules.md §1.4",
        "Oxygen pays at most 36 months; months 37-60 are furnished without rental payment.";
    OX_RUL = "OX-RUL-5Y", "medicare-rules.md §1.4",
        "The oxygen useful lifetime is 5 years from the initial date of service; stays do not extend it.";
    OX_FLOW_QE = "OX-FLOW-QE", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QE row)",
        "Stationary flow at rest below 1 LPM: QE, stationary fee paid at 50 %.";
    OX_FLOW_QA = "OX-FLOW-QA", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QA row)",
        "Day and night flows differ and average below 1 LPM: QA, stationary fee paid at 50 %.";
    OX_FLOW_QG = "OX-FLOW-QG", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QG row)",
        "Flow at rest above 4 LPM, no portable: QG, stationary fee paid at 150 % (+50 % volume add-on).";
    OX_FLOW_QR = "OX-FLOW-QR", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QR row)",
        "Day and night flows differ and average above 4 LPM, no portable: QR, stationary fee paid at 150 %.";
    OX_FLOW_QF = "OX-FLOW-QF", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QF row)",
        "Above 4 LPM at rest with a portable: QF on both lines; the portable pays the higher of 50 % of the stationary fee or its add-on, never both.";
    OX_FLOW_QB = "OX-FLOW-QB", "medicare-rules.md §1.4 (flow-rate pricing), §2 (QB row)",
        "Day and night flows average above 4 LPM with a portable: QB on both lines, priced like QF.";
    OX_PORTABLE = "OX-PORTABLE-LINE", "medicare-rules.md §2 (QF row)",
        "A prescribed portable is billed on its own line each paid oxygen month, at its add-on fee unless QF/QB applies.";
    FS_RENT = "FS-RENT-WHILE-NEEDED", "medicare-rules.md §1.1",
        "Frequent-servicing items are rented monthly, RR, for as long as they are needed.";
    MOD_RR = "MOD-RR", "medicare-rules.md §2",
        "Rental months carry RR, the pricing modifier, first.";
    MOD_ORDER = "MOD-ORDER", "medicare-rules.md §2",
        "Pricing modifiers first, then KX, then informational modifiers; at most 4.";
    MOD_KX = "MOD-KX", "medicare-rules.md §2",
        "KX when the item's documentation checklist is met.";
    MOD_GA = "MOD-GA", "medicare-rules.md §2, §6.2",
        "GA when the checklist is not met and an ABN was signed on or before the date of service.";
    MOD_GZ = "MOD-GZ", "medicare-rules.md §2",
        "GZ when the checklist is not met and no ABN was signed by the date of service.";
    BIB_STAY = "BIB-STAY", "medicare-rules.md §1.3",
        "A facility stay over an anniversary is a break in billing: not paid, not counted toward the cap.";
    BIB_RESUME = "BIB-RESUME", "medicare-rules.md §1.3",
        "After a stay the count resumes where it left off, with a new date of service the day after.";
    IRP_RENT = "IRP-RENT-RR", "medicare-rules.md §1.1, §2 (RR row)",
        "A rented inexpensive/routinely purchased item pays the monthly fee with RR.";
    IRP_RENT_CAP = "IRP-RENT-CAP", "medicare-rules.md §1.1",
        "Total IRP rental never exceeds the purchase price: the last month pays the remainder, then billing stops.";
    IRP_PURCHASE_NU = "IRP-PURCHASE-NU", "medicare-rules.md §1.1, §2 (NU row)",
        "A purchased new IRP item is one line with NU at the purchase price.";
    IRP_PURCHASE_UE = "IRP-PURCHASE-UE", "medicare-rules.md §1.1, §2 (UE row)",
        "A purchased used IRP item is one line with UE at the purchase price.";
    SU_DELIVERY = "SU-DELIVERY-UNITS", "medicare-rules.md §1.1",
        "Supplies are bought per unit: one line per delivery, amount = units x unit price.";
    BIB_RESUME_AFTER_RETURN = "BIB-RETURN-RESUME", "medicare-rules.md §1.3",
        "Use resuming after a return within 60 days plus the rest of the rental month, or without a new order, continues the count; months not in use are not paid.";
    BIN_NEW_PERIOD = "BIN-NEW-PERIOD", "medicare-rules.md §1.3",
        "A break in need longer than 60 days plus the rest of the rental month, with a new order, starts a new capped-rental period at month 1 (KH).";
    BIN_WINDOW = "BIN-WINDOW-SETTING", "medicare-rules.md §1.3, §12 item 2",
        "Whether the return day counts among the days left in the rental month is a setting (UNCONFIRMED; default: it counts).";
    END_MONTH_PAID = "END-MONTH-PAID", "medicare-rules.md §1.2",
        "The month of death or return is paid in full; nothing is billed after it.";
}
