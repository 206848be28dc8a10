//! Who is liable for a line and whether it may be billed at all: KX / GA / GZ / GY (with the PAP
//! continued-coverage gate), prior authorization, and the oxygen retest warning.

use time::Date;

use super::input::{OxygenGroup, RentalInput};
use super::output::{Finding, Modifier, Severity};
use super::pap::PapReview;
use super::plan::day_of_therapy;
use super::rules::{self, Rule};
use crate::documentation::{PriorAuthList, Requirement, requirements};

/// The oxygen retest is due from day 61 …
const RETEST_FIRST_DAY: i64 = 61;
/// … to day 90 of therapy (LCD L33797 and policy article A52514).
const RETEST_LAST_DAY: i64 = 90;

/// Dates of service oxygen Groups II and III are not covered: from day 91 of therapy without a
/// qualifying retest in days 61-90, or until the new order that must follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RetestGap {
    pub from: Date,
    /// First date covered again (the new order's date); `None`: never within this schedule.
    pub until: Option<Date>,
}

impl RetestGap {
    pub(super) fn contains(self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }
}

/// GY for a statutory exclusion; else KX when the checklist is met (and, for PAP months 4+,
/// continued coverage holds, and no oxygen retest is missing for `date`); else GA with an ABN
/// signed by `date`, else GZ.
pub(super) fn documentation_modifier(
    input: &RentalInput,
    pap: Option<&PapReview>,
    retest_gap: Option<RetestGap>,
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
    let retested = !retest_gap.is_some_and(|gap| gap.contains(date));
    if !retested {
        fired.push(rules::OX_RETEST_NOT_COVERED);
    }
    if input.documentation.checklist_met && continued && retested {
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
    /// Not billable: the documentation requirement left unmet, and the last day an affirmed
    /// decision covered when it has expired.
    NotCovered(&'static Requirement, Option<Date>),
}

/// The prior authorization verdict for an item furnished on `date` (42 CFR 414.234), decided by
/// the one validity rule the order checker also uses ([`PriorAuthList::covers`]), with the
/// program's validity period from data/rules/prior_auth.csv, so that an order cleared to ship
/// and its claim agree.
pub(super) fn prior_authorization<'a>(
    input: &'a RentalInput,
    list: &PriorAuthList,
    date: Date,
) -> PaVerdict<'a> {
    if !input.item.prior_authorization_required {
        return PaVerdict::NotRequired;
    }
    let Some(pa) = &input.documentation.prior_authorization else {
        return PaVerdict::NotCovered(&requirements::PA_MISSING, None);
    };
    match list.covers(pa, date) {
        Ok(()) => PaVerdict::Covered(pa.utn.as_deref().map(str::trim).unwrap_or_default()),
        Err(requirement) => {
            let expired = (requirement == &requirements::PA_EXPIRED)
                .then(|| list.last_valid_day(pa, date))
                .flatten();
            PaVerdict::NotCovered(requirement, expired)
        }
    }
}

/// The blocking finding for lines prior authorization kept off the claim; an expired decision
/// says the day it expired.
pub(super) fn prior_authorization_finding(
    requirement: &Requirement,
    last_valid_day: Option<Date>,
    first_skipped: Date,
) -> Finding {
    let why = match last_valid_day.and_then(Date::next_day) {
        Some(expired) => format!(
            "The prior authorization expired on {expired} (it covered dates of service through {})",
            last_valid_day.unwrap_or(expired)
        ),
        None => "No affirmed, unexpired prior authorization covers it".to_owned(),
    };
    Finding::new(
        rules::PA_NOT_BILLABLE,
        Severity::Blocking,
        format!(
            "{why}: the item furnished on {first_skipped} and the months after it cannot be billed (documentation requirement {}).",
            requirement.id
        ),
        requirement.action,
    )
    .at("documentation.prior_authorization")
}

/// Oxygen Groups II and III (LCD L33797 and policy article A52514, continued coverage): the
/// finding and the dates not covered when the repeat qualifying test is missing or outside days
/// 61-90, or no new order follows it by day 90. Group I needs no retest.
pub(super) fn oxygen_retest(input: &RentalInput) -> Option<(Finding, RetestGap)> {
    let group = input.item.oxygen_group?;
    if group == OxygenGroup::One {
        return None;
    }
    let start = input.first_date_of_service;
    let from = day_of_therapy(start, RETEST_FIRST_DAY)?;
    let to = day_of_therapy(start, RETEST_LAST_DAY)?;
    let day_91 = to.next_day()?;
    let label = if group == OxygenGroup::Two {
        "II"
    } else {
        "III"
    };
    let documentation = &input.documentation;
    let (message, until, field) = match documentation.oxygen_retest_date {
        Some(date) if from <= date && date <= to => match documentation.oxygen_retest_order_date {
            Some(order) if order >= date && order <= to => return None,
            Some(order) if order >= date => (
                format!(
                    "The new order after the Group {label} retest is dated {order}, after day 90 ({to}): dates of service from {day_91} to the day before it are not covered."
                ),
                Some(order),
                "documentation.oxygen_retest_order_date",
            ),
            _ => (
                format!(
                    "No new order follows the Group {label} retest of {date}: dates of service from {day_91} are not covered."
                ),
                None,
                "documentation.oxygen_retest_order_date",
            ),
        },
        Some(date) => (
            format!(
                "The Group {label} retest on {date} is outside day 61 to day 90 ({from} to {to}): dates of service from {day_91} are not covered."
            ),
            None,
            "documentation.oxygen_retest_date",
        ),
        None => (
            format!(
                "No Group {label} retest is recorded between {from} and {to}: dates of service from {day_91} are not covered."
            ),
            None,
            "documentation.oxygen_retest_date",
        ),
    };
    let finding = Finding::new(
        rules::OX_RETEST_NOT_COVERED,
        Severity::Warning,
        format!("{message} Those lines carry GA (ABN signed) or GZ, never KX."),
        "Record a repeat qualifying test the practitioner evaluated between day 61 and day 90 and the new standard written order after it; with neither, get a valid ABN so the lines carry GA.",
    )
    .at(field);
    Some((
        finding,
        RetestGap {
            from: day_91,
            until,
        },
    ))
}
