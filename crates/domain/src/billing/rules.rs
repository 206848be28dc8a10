//! Every rule the engine can cite, with its stable id and the public source that states it
//! (regulation, CMS manual, coverage policy or DME MAC guidance; links in docs/billing-rules.md).

use serde::Serialize;

/// One rule the engine applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `CR-CAP-13`; never reused for a different rule.
    pub id: &'static str,
    /// Where the rule comes from, e.g. `42 CFR 414.229`.
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
    MONTH_ANNIVERSARY = "MONTH-ANNIVERSARY", "42 CFR 414.229",
        "A rental month runs from the anniversary date to the day before the next anniversary.";
    MONTH_CLAMP = "MONTH-CLAMP-EOM", "42 CFR 414.229; an open reading: Durable's choice",
        "Day 29-31 anniversaries fall on the last day of shorter months (UNCONFIRMED; Durable's choice).";
    CR_RATE_STD_1_3 = "CR-RATE-STD-1-3", "42 CFR 414.229",
        "Capped rental months 1-3 pay 10 % of the purchase price.";
    CR_RATE_STD_4_13 = "CR-RATE-STD-4-13", "42 CFR 414.229",
        "Capped rental months 4-13 pay 7.5 % of the purchase price.";
    CR_RATE_PWC_1_3 = "CR-RATE-PWC-1-3", "42 CFR 414.229",
        "Power wheelchair rental months 1-3 pay 15 % of the purchase price.";
    CR_RATE_PWC_4_13 = "CR-RATE-PWC-4-13", "42 CFR 414.229",
        "Power wheelchair rental months 4-13 pay 6 % of the purchase price.";
    CR_MOD_KH = "CR-MOD-KH", "42 CFR 414.229 and DME MAC modifier guidance",
        "Capped rental month 1 carries RR + KH.";
    CR_MOD_KI = "CR-MOD-KI", "42 CFR 414.229 and DME MAC modifier guidance",
        "Capped rental months 2-3 carry RR + KI.";
    CR_MOD_KJ = "CR-MOD-KJ", "42 CFR 414.229 and DME MAC modifier guidance",
        "Capped rental months 4-13 carry RR + KJ.";
    CR_CAP_13 = "CR-CAP-13", "42 CFR 414.229",
        "Capped rental pays at most 13 months of continuous use; month 13 is the last paid month.";
    CR_TITLE = "CR-TITLE-TRANSFER", "42 CFR 414.229 and DME MAC modifier guidance",
        "Title passes to the beneficiary the day after the 13th paid month; nothing more is rented.";
    OX_MONTHLY = "OX-MONTHLY", "42 CFR 414.226",
        "Oxygen months 1-36 pay the monthly fee-schedule amount.";
    OX_NO_RR = "OX-NO-RR", "DME MAC modifier guidance; an open reading: Durable's choice",
        "Oxygen lines carry no RR: whether they need it is UNCONFIRMED, so Durable leaves it off.";
    OX_GROUP = "OX-MOD-GROUP", "DME MAC modifier guidance",
        "Oxygen lines show the qualifying group as N1, N2 or N3.";
    OX_CAP_36 = "OX-CAP-36", "42 CFR 414.226",
        "Oxygen pays at most 36 months; months 37-60 are furnished without rental payment.";
    OX_RUL = "OX-RUL-5Y", "42 CFR 414.226",
        "The oxygen useful lifetime is 5 years from the initial date of service; stays do not extend it.";
    OX_FLOW_QE = "OX-FLOW-QE", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Stationary flow at rest below 1 LPM: QE, stationary fee paid at 50 %.";
    OX_FLOW_QA = "OX-FLOW-QA", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Day and night flows differ and average below 1 LPM: QA, stationary fee paid at 50 %.";
    OX_FLOW_QG = "OX-FLOW-QG", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Flow at rest above 4 LPM, no portable: QG, stationary fee paid at 150 % (+50 % volume add-on).";
    OX_FLOW_QR = "OX-FLOW-QR", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Day and night flows differ and average above 4 LPM, no portable: QR, stationary fee paid at 150 %.";
    OX_FLOW_QF = "OX-FLOW-QF", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Above 4 LPM at rest with a portable: QF on both lines; the portable pays the higher of 50 % of the stationary fee or its add-on, never both.";
    OX_FLOW_QB = "OX-FLOW-QB", "42 CFR 414.226 (flow-rate pricing); DME MAC modifier guidance",
        "Day and night flows average above 4 LPM with a portable: QB on both lines, priced like QF.";
    OX_PORTABLE = "OX-PORTABLE-LINE", "DME MAC modifier guidance",
        "A prescribed portable is billed on its own line each paid oxygen month, at its add-on fee unless QF/QB applies.";
    FS_RENT = "FS-RENT-WHILE-NEEDED", "Medicare Benefit Policy Manual ch. 15 §110",
        "Frequent-servicing items are rented monthly, RR, for as long as they are needed.";
    MOD_RR = "MOD-RR", "DME MAC modifier guidance",
        "Rental months carry RR, the pricing modifier, first.";
    MOD_ORDER = "MOD-ORDER", "DME MAC modifier guidance",
        "Pricing modifiers first, then KX, then informational modifiers; at most 4.";
    MOD_KX = "MOD-KX", "DME MAC modifier guidance",
        "KX when the item's documentation checklist is met.";
    MOD_GA = "MOD-GA", "DME MAC modifier guidance; ABN form CMS-R-131",
        "GA when the checklist is not met and an ABN was signed on or before the date of service.";
    MOD_GZ = "MOD-GZ", "DME MAC modifier guidance",
        "GZ when the checklist is not met and no ABN was signed by the date of service.";
    BIB_STAY = "BIB-STAY", "42 CFR 414.230",
        "A facility stay over an anniversary is a break in billing: not paid, not counted toward the cap.";
    BIB_RESUME = "BIB-RESUME", "42 CFR 414.230",
        "After a stay the count resumes where it left off, with a new date of service the day after.";
    IRP_RENT = "IRP-RENT-RR", "Medicare Benefit Policy Manual ch. 15 §110; DME MAC modifier guidance",
        "A rented inexpensive/routinely purchased item pays the monthly fee with RR.";
    IRP_RENT_CAP = "IRP-RENT-CAP", "Medicare Benefit Policy Manual ch. 15 §110",
        "Total IRP rental never exceeds the purchase price: the last month pays the remainder, then billing stops.";
    IRP_PURCHASE_NU = "IRP-PURCHASE-NU", "Medicare Benefit Policy Manual ch. 15 §110; DME MAC modifier guidance",
        "A purchased new IRP item is one line with NU at the purchase price.";
    IRP_PURCHASE_UE = "IRP-PURCHASE-UE", "Medicare Benefit Policy Manual ch. 15 §110; DME MAC modifier guidance",
        "A purchased used IRP item is one line with UE at the purchase price.";
    SU_DELIVERY = "SU-DELIVERY-UNITS", "Medicare Benefit Policy Manual ch. 15 §110",
        "Supplies are bought per unit: one line per delivery, amount = units x unit price.";
    BIB_RESUME_AFTER_RETURN = "BIB-RETURN-RESUME", "42 CFR 414.230",
        "Use resuming after a return within 60 days plus the rest of the rental month, or without a new order, continues the count; months not in use are not paid.";
    BIN_NEW_PERIOD = "BIN-NEW-PERIOD", "42 CFR 414.230",
        "A break in need longer than 60 days plus the rest of the rental month, with a new order, starts a new capped-rental period at month 1 (KH).";
    BIN_WINDOW = "BIN-WINDOW-SETTING", "42 CFR 414.230; Noridian DME MAC, new capped rental period",
        "Where the break-in-need window ends is a setting: two full rental months after the rental month in which use stopped (default, the DME MAC's reading) or 60 days after it (the regulation's words; the return day counted among the days left unless after_return_day).";
    END_MONTH_PAID = "END-MONTH-PAID", "42 CFR 414.229",
        "The month of death or return is paid in full; nothing is billed after it.";
    PAP_TRIAL = "PAP-TRIAL-1-3", "LCD L33718",
        "PAP rental months 1-3 carry KX when the initial coverage checklist is met.";
    PAP_ADHERENCE = "PAP-ADHERENCE", "LCD L33718 (adherence definition)",
        "Adherence shown: at least 4 hours on at least 21 nights of some 30 consecutive days within the first 90 days.";
    PAP_NOT_ADHERENT = "PAP-NOT-ADHERENT", "LCD L33718",
        "Adherence not shown: no 30 consecutive days within the first 90 have 21 nights of 4 hours or more.";
    PAP_REEVAL = "PAP-REEVAL", "LCD L33718 (continued coverage)",
        "Face-to-face re-evaluation between day 31 and day 91, on or after the day adherence was shown.";
    PAP_NO_REEVAL = "PAP-NO-REEVAL", "LCD L33718 (continued coverage)",
        "No re-evaluation between day 31 and day 91 on or after the day adherence was shown.";
    PAP_LATE_REEVAL = "PAP-LATE-REEVAL-SETTING", "LCD L33718 (late re-evaluation); an open reading: Durable's choice",
        "A re-evaluation after day 91 with adherence shown: KX from its date only under the setting coverage_from_reevaluation (UNCONFIRMED; default: no KX).";
    PAP_CONTINUED_KX = "PAP-CONTINUED-KX", "LCD L33718",
        "PAP months 4 and later carry KX: the checklist, adherence and the re-evaluation all hold.";
    PAP_CONTINUED_DENIED = "PAP-CONTINUED-DENIED", "LCD L33718",
        "PAP months 4 and later without adherence and a timely re-evaluation carry GA (ABN signed) or GZ, never KX.";
    OX_REPLACE = "OX-REPLACE-NEW-PERIOD", "42 CFR 414.226; DME MAC modifier guidance",
        "Oxygen equipment replaced after its 5-year lifetime or after loss starts a new 36-month period and lifetime; the first claim carries RA.";
    CR_REPLACE_LOSS = "CR-REPLACE-LOSS", "42 CFR 414.210(f) (loss/theft); DME MAC modifier guidance",
        "A capped-rental item replaced after loss, theft or irreparable damage starts a new 13-month period; the first claim carries RA.";
    CR_REPLACE_RUL = "CR-REPLACE-RUL", "42 CFR 414.210(f); DME MAC modifier guidance",
        "A capped-rental item replaced after its 5-year lifetime starts a new 13-month period, without RA.";
    MOD_RA = "MOD-RA", "DME MAC modifier guidance",
        "RA on the first claim of replacement equipment, after the KX/GA/GZ modifier.";
    OX_RETEST_WINDOW = "OX-RETEST-WINDOW", "LCD L33797 and policy article A52514 (Group II/III continued coverage)",
        "Oxygen Groups II and III need a repeat qualifying test between day 61 and day 90; lines after day 90 are flagged when it is missing or outside the window.";
    MOD_GY = "MOD-GY", "DME MAC modifier guidance; ABN form CMS-R-131",
        "GY on every line of a statutorily excluded item: no ABN needed, never with KX, GA or GZ.";
    UPG_GA_GZ = "UPG-GA-GZ", "DME MAC modifier guidance; ABN form CMS-R-131 (upgrades)",
        "An upgrade bills the furnished item with GA (ABN signed) or GZ, expecting nothing allowed for it.";
    UPG_GK = "UPG-GK", "DME MAC modifier guidance; ABN form CMS-R-131 (upgrades)",
        "An upgrade also bills, on the same claim, the covered item that was ordered, with GK, at its own amount.";
    CRPWC_PURCHASE_BP = "CRPWC-PURCHASE-BP", "42 CFR 414.229 (purchase option) and DME MAC modifier guidance",
        "A complex rehab power wheelchair bought up front is one NU/UE line with BP at the purchase price, without KH.";
    CRPWC_RENT_BR = "CRPWC-RENT-BR", "42 CFR 414.229 and DME MAC modifier guidance",
        "A rented complex rehab power wheelchair whose beneficiary chose rental carries BR on its initial claim.";
    CRPWC_RENT_BU = "CRPWC-RENT-BU", "42 CFR 414.229 and DME MAC modifier guidance",
        "A rented complex rehab power wheelchair whose beneficiary had not decided after 30 days carries BU on its initial claim.";
    REPAIR_RB = "REPAIR-RB", "42 CFR 414.210(f) (repairs); DME MAC modifier guidance",
        "Parts replaced in a repair of beneficiary-owned equipment: one line with RB, amount = units x unit price.";
    PA_BILLABLE = "PA-BILLABLE", "42 CFR 414.234",
        "An item on the Required Prior Authorization List is billed when an affirmed, unexpired decision covers the date it was furnished; every line carries the UTN.";
    PA_NOT_BILLABLE = "PA-NOT-BILLABLE", "42 CFR 414.234",
        "An item on the Required Prior Authorization List without an affirmed, unexpired decision covering the date it was furnished is not billed; a blocking finding names the documentation requirement left unmet.";
    PO_BAND = "PO-BAND", "the payer's contract, configured as a price option",
        "Another payer: each rental month is billed with the modifiers (in their configured order) and the amount of the price-option band that contains it; Medicare's fee schedule and KX/GA/GZ/GY rules do not apply.";
    PO_PURCHASE = "PO-PURCHASE", "the payer's contract, configured as a price option",
        "Another payer, purchase price option: one line on the first date of service with the modifiers and amount of the band holding month 1.";
    PO_CAP = "PO-CAP", "the payer's contract, configured as a price option",
        "Another payer, rental price option with cap_months: the cap-th paid month is the last one billed.";
    PO_CAP_TITLE = "PO-CAP-TITLE", "the payer's contract, configured as a price option",
        "Another payer, capped-rental price option: the cap-th paid month is the last one billed; title passes to the beneficiary the next day.";
    PO_OXYGEN_CAP = "PO-OXYGEN-CAP", "the payer's contract, configured as a price option",
        "Another payer, oxygen price option: after cap_months paid months the supplier keeps furnishing its equipment without rental payment.";
    PO_BREAK = "PO-BREAK", "the payer's contract, configured as a price option",
        "Another payer: a month whose anniversary falls in a stay or between a return and a resume is not billed nor counted; the count resumes with a new date of service (Durable's choice).";
    PO_END_MONTH = "PO-END-MONTH", "the payer's contract, configured as a price option",
        "Another payer: the month in which need ends (death, or a return without resume) is billed at its band's amount; nothing after it (Durable's choice: no proration).";
    SUP_CONTINUES = "SUP-CHANGE-CONTINUES", "42 CFR 414.230 (change of supplier); 42 CFR 414.226 (RUL); an open reading: Durable's choice",
        "A change of supplier with no break in need continues the rental-month count and the oxygen lifetime; each month is billed by the supplier furnishing the item on its anniversary date (UNCONFIRMED; Durable's choice).";
    SUP_NARRATIVE = "SUP-NARRATIVE", "42 CFR 414.230 (change of supplier)",
        "The first claim after taking a rental over names the previous supplier in the claim narrative.";
    SUP_OTHER = "SUP-OTHER-SUPPLIER", "42 CFR 414.230 (change of supplier); an open reading: Durable's choice",
        "A month another supplier furnishes on its anniversary is billed by that supplier: not billed here, but counted toward the 13- or 36-month cap (UNCONFIRMED).";
    SUP_TITLE = "SUP-TITLE-MONTH-13", "42 CFR 414.230 (change of supplier); an open reading: Durable's choice",
        "Whichever supplier bills the 13th paid capped-rental month transfers title (UNCONFIRMED).";
    OX_CONTENTS = "OX-CONTENTS-AFTER-36", "42 CFR 414.226 (contents after cap)",
        "Gaseous or liquid oxygen: after the 36 paid months the contents are billed monthly, one line at the contents fee, to the end of the useful lifetime; concentrators have no contents fee.";
    OX_MAINTENANCE = "OX-MAINTENANCE-MS", "42 CFR 414.226 (maintenance after cap); DME MAC modifier guidance; an open reading: Durable's choice",
        "Oxygen concentrators in use in month 36: one MS line every 6 months from 6 months after the 36th paid month, only under the setting oxygen_maintenance (UNCONFIRMED; default: not billed).";
    IRP_PURCHASE_AFTER_RENT = "IRP-PURCHASE-AFTER-RENT", "Medicare Benefit Policy Manual ch. 15 §110",
        "An IRP item bought partway through its rental: one NU/UE line on the purchase date, allowed = purchase price minus the rent already paid, never above the charge; rental billing stops.";
    NARR_BIB = "NARR-BIB", "42 CFR 414.230; Noridian DME MAC common scenario chart (BIB narrative)",
        "The first claim after a break in billing (a facility stay, or a return without a new rental period) carries the narrative BIB with the dates of the break.";
    NARR_BIN = "NARR-BIN", "42 CFR 414.230; Noridian DME MAC common scenario chart (BIN narrative)",
        "The first claim of a new rental period after a break in need carries the narrative BIN with the dates of the break and the new order on file.";
    NARR_REPLACEMENT = "NARR-REPLACEMENT", "Medicare Benefit Policy Manual ch. 15 §110.2.C; Noridian DME MAC replacement page",
        "The first claim of equipment replaced after loss, theft or irreparable damage carries a narrative: what happened, the date, and the police or fire report when there is one.";
    MOVE_CONTINUES = "MOVE-CONTINUES", "42 CFR 414.230 (a move is not an interruption); DME MAC claim submission (jurisdiction by state of residence)",
        "A move of the beneficiary's residence does not start a new rental period: the month count goes on, and claims from the move go to the DME MAC of the new state.";
    OX_RETEST_NOT_COVERED = "OX-RETEST-NOT-COVERED", "LCD L33797 and policy article A52514 (Groups II and III continued coverage)",
        "Oxygen Groups II and III without a qualifying retest in days 61-90 and a new order after it: dates of service from day 91 (until the new order) are not covered and carry GA (ABN signed) or GZ, never KX.";
    OX_GROUP_BEFORE = "OX-MOD-GROUP-BEFORE-2023-04", "HCPCS quarterly update April 2023 (N1-N3 added); Noridian DME MAC N1 modifier page",
        "Oxygen lines dated before 2023-04-01 carry no N1, N2 or N3: the modifiers did not exist yet.";
    CMN_REQUIRED = "CMN-REQUIRED-BEFORE-2023", "CMS CMN and DIF elimination for dates of service from 2023-01-01 (CGS DME MAC notice)",
        "Dates of service before 2023-01-01 of items that had a CMN or DIF (oxygen CMS-484, CMS-846 to 849, DIFs 10125 and 10126) need it on file; from 2023-01-01 none is asked for or sent.";
    PAP_REQUALIFY = "PAP-REQUALIFY", "LCD L33718 (PAP devices, beneficiaries failing the initial 12-week trial)",
        "After a failed 12-week trial, re-qualifying needs a face-to-face re-evaluation finding why it failed, a repeat facility-based (Type I) sleep study and a new 12-week trial; KX resumes from the new trial's timely re-evaluation once it shows adherence.";
    CHK_KX_WITH_G = "CHK-KX-WITH-G", "DME MAC modifier guidance",
        "Claim check: KX never goes with GA, GY or GZ on one line (the line is unprocessable).";
    CHK_GA_WITH_GZ = "CHK-GA-WITH-GZ", "DME MAC modifier guidance; ABN form CMS-R-131",
        "Claim check: GA (ABN on file) and GZ (no ABN) contradict each other.";
    CHK_MONTH_MODIFIER = "CHK-MONTH-MODIFIER", "42 CFR 414.229 and DME MAC modifier guidance",
        "Claim check: KH only on rental month 1, KI on months 2-3, KJ on months 4-13; no capped rental month after 13.";
    CHK_MODIFIER_COUNT = "CHK-MODIFIER-COUNT", "DME MAC modifier guidance",
        "Claim check: a line holds at most 4 modifiers.";
    CHK_PRICING_FIRST = "CHK-PRICING-FIRST", "DME MAC modifier guidance",
        "Claim check: pricing modifiers first, then KX, then informational modifiers.";
    CHK_DUPLICATE_MODIFIER = "CHK-DUPLICATE-MODIFIER", "DME MAC modifier guidance",
        "Claim check: a modifier appears once on a line.";
    CHK_TIMELY_FILING = "CHK-TIMELY-FILING", "42 CFR 424.44 (timely filing)",
        "Claim check: the MAC must receive the claim within 12 months of the date of service (Feb 29 -> Feb 28).";
    CHK_REDETERMINATION = "CHK-REDETERMINATION", "42 CFR 405.942",
        "Claim check: a redetermination is due 120 days after receipt of the remittance, presumed 5 days after its date.";
    CHK_KX_NOT_COVERED = "CHK-KX-NOT-COVERED", "42 CFR 414.230; LCD L33797 (oxygen) and LCD L33718 (PAP) continued coverage",
        "Claim check: a line may not carry KX on a date of service the rental's documentation leaves uncovered (a missed oxygen retest or new order, a missed PAP re-evaluation); it carries GA or GZ.";
    APPEAL_RECONSIDERATION = "APPEAL-RECONSIDERATION", "42 CFR 405.962; Medicare Claims Processing Manual ch. 29",
        "Appeal level 2: a reconsideration by the QIC is requested within 180 days of receipt of the redetermination, presumed 5 days after its date.";
    APPEAL_ALJ = "APPEAL-ALJ", "42 CFR 405.1014 and 405.1006; Medicare Claims Processing Manual ch. 29",
        "Appeal level 3: an ALJ hearing is requested within 60 days of receipt of the QIC decision, presumed 5 days after its date, when the amount in controversy meets the year's minimum (data/rules/appeal_thresholds.csv).";
    APPEAL_COUNCIL = "APPEAL-COUNCIL", "42 CFR 405.1102; Medicare Claims Processing Manual ch. 29",
        "Appeal level 4: Medicare Appeals Council review is requested within 60 days of receipt of the ALJ decision, presumed 5 days after its date.";
    APPEAL_JUDICIAL = "APPEAL-JUDICIAL", "42 CFR 405.1130 and 405.1006; Medicare Claims Processing Manual ch. 29",
        "Appeal level 5: judicial review in federal district court is requested within 60 days of receipt of the Council decision, presumed 5 days after its date, when the amount in controversy meets the year's minimum.";
    CHK_NPI = "CHK-NPI", "45 CFR 162.406 (NPI); CMS NPI check-digit rule",
        "Claim check: an NPI is 10 digits with a valid check digit.";
    CHK_MBI = "CHK-MBI", "CMS MBI format specification",
        "Claim check: an MBI has the CMS 11-character format.";
}
