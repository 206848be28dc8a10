//! Who is liable for a line and whether it may be billed at all: KX / GA / GZ / GY (with the PAP
//! continued-coverage gate), prior authorization, and the oxygen retest warning.

use time::Date;

use super::input::{OxygenGroup, RentalInput};
use super::output::{Finding, Modifier, Severity};
use super::pap::PapReview;
use super::plan::day_of_therapy;
use super::rules::{self, Rule};
use crate::documentation::Requirement;
use crate::documentation::requirements;

/// The oxygen retest is due from day 61 …
const RETEST_FIRST_DAY: i64 = 61;
/// … to day 90 of therapy (medicare-rules.md §4.2).
const RETEST_LAST_DAY: i64 = 90;

/// GY for a statutory exclusion; else KX when the checklist is met (and, for PAP months 4+,
/// continued coverage holds); else GA with an ABN signed by `date`, else GZ.
pub(super) fn documentation_modifier(
    input: &RentalInput,
    pap: Option<&PapReview>,
    month: u32,
    date: Date,
    modifiers: &mut Vec<Modifier>,
    fired: &mut Vec<Rule>,
) {
    if input.documentation.statutory_exclusion {
        modifiers.push(Modifier::Gy);
        fired.push(rules::MOD_GY);
        return;
    }
    let continued = match pap {
        Some(review) if month > 0 => {
            let (ok, why) = review.month(month, date);
            fired.extend_from_slice(why);
            ok
        }
        _ => true,
    };
    if input.documentation.checklist_met && continued {
        modifiers.push(Modifier::Kx);
        fired.push(rules::MOD_KX);
    } else {
        abn_modifier(input, date, modifiers, fired);
    }
}

/// GA with an ABN signed on or before `date`, else GZ: the expected-denial modifiers.
pub(super) fn abn_modifier(
    input: &RentalInput,
    date: Date,
    modifiers: &mut Vec<Modifier>,
    fired: &mut Vec<Rule>,
) {
    if input
        .documentation
        .abn
        .as_ref()
        .is_some_and(|abn| abn.signed_date <= date)
    {
        modifiers.push(Modifier::Ga);
        fired.push(rules::MOD_GA);
    } else {
        modifiers.push(Modifier::Gz);
        fired.push(rules::MOD_GZ);
    }
}

/// Whether prior authorization lets an item furnished on `date` be billed.
#[derive(Clone, Copy)]
pub(super) enum PaVerdict<'a> {
    /// The item is not on the Required Prior Authorization List.
    NotRequired,
    /// An affirmed decision covers `date`; its UTN goes with the lines.
    Covered(&'a str),
    /// Not billable: the documentation requirement left unmet.
    NotCovered(&'static Requirement),
}

/// The prior authorization verdict for an item furnished on `date` (medicare-rules.md §5.3),
/// decided by the documentation checks ([`PriorAuthFacts::covers`](crate::documentation::PriorAuthFacts::covers))
/// so that an order cleared to ship and its claim agree.
pub(super) fn prior_authorization(input: &RentalInput, date: Date) -> PaVerdict<'_> {
    if !input.item.prior_authorization_required {
        return PaVerdict::NotRequired;
    }
    let Some(pa) = &input.documentation.prior_authorization else {
        return PaVerdict::NotCovered(&requirements::PA_MISSING);
    };
    match pa.covers(date, None) {
        Ok(()) => PaVerdict::Covered(pa.utn.as_deref().map(str::trim).unwrap_or_default()),
        Err(requirement) => PaVerdict::NotCovered(requirement),
    }
}

/// The blocking finding for lines prior authorization kept off the claim.
pub(super) fn prior_authorization_finding(
    requirement: &Requirement,
    first_skipped: Date,
) -> Finding {
    Finding::new(
        rules::PA_NOT_BILLABLE,
        Severity::Blocking,
        format!(
            "No affirmed, unexpired prior authorization covers the item furnished on {first_skipped} (documentation requirement {}): nothing from then can be billed.",
            requirement.id
        ),
        requirement.action,
    )
    .at("documentation.prior_authorization")
}

/// Oxygen Groups II and III: the warning when the repeat qualifying test is missing or outside
/// day 61–90 (medicare-rules.md §4.2), and the first date of service it concerns (day 91).
/// Group I needs no retest (UNCONFIRMED for the 2023+ LCD, so nothing is flagged).
pub(super) fn oxygen_retest(input: &RentalInput) -> Option<(Finding, Date)> {
    let group = input.item.oxygen_group?;
    if group == OxygenGroup::One {
        return None;
    }
    let start = input.first_date_of_service;
    let from = day_of_therapy(start, RETEST_FIRST_DAY)?;
    let to = day_of_therapy(start, RETEST_LAST_DAY)?;
    let label = if group == OxygenGroup::Two {
        "II"
    } else {
        "III"
    };
    let message = match input.documentation.oxygen_retest_date {
        Some(date) if from <= date && date <= to => return None,
        Some(date) => format!(
            "The Group {label} retest on {date} is outside day 61 to day 90 ({from} to {to})."
        ),
        None => format!(
            "No Group {label} retest is recorded; continued coverage needs one between {from} and {to}."
        ),
    };
    let finding = Finding::new(
        rules::OX_RETEST_WINDOW,
        Severity::Warning,
        message,
        "Record a repeat qualifying test the practitioner evaluated between day 61 and day 90, and a new SWO.",
    )
    .at("documentation.oxygen_retest_date");
    Some((finding, to.next_day()?))
}
