//! Oxygen after its paid months (42 CFR 414.226): the equipment is furnished without rental
//! payment to the end of the useful lifetime, so each month is listed as not billed; a gaseous or
//! liquid system's contents are still paid monthly, and, under a setting, a concentrator's
//! maintenance (MS) every 6 months. Other payers' oxygen price options stop paying at their cap.

use time::Date;

use super::coverage::{self, PaVerdict};
use super::engine::{Context, NotAuthorized};
use super::lines::{month_rules, oxygen_group, push};
use super::months::MonthSpan;
use super::output::{InputError, Line, Modifier, Schedule, SkipReason, SkippedMonth};
use super::plan::Plan;
use super::rules::{self, Rule};

/// The first MS payment comes 6 months after the rental period ends: with the 36th paid month
/// ending, month 36 + 7 = 43 is the first one 6 months later (§1.4 "starting ≥ 6 months after").
const FIRST_MAINTENANCE_MONTH: u32 = 7;
/// … and no more often than every 6 months.
const MAINTENANCE_EVERY: u32 = 6;

/// One month furnished after the cap.
pub(super) struct AfterCap<'a> {
    pub span: MonthSpan,
    pub period: u32,
    /// The rental month's number (37, 38, … for Medicare oxygen).
    pub number: u32,
    /// Months after the cap so far, this one included (1 for month 37).
    pub unpaid: u32,
    pub lifetime_end: Option<Date>,
    pub pa: PaVerdict<'a>,
    /// Another supplier furnishes the item this month: it bills anything billable.
    pub other_supplier: bool,
}

/// Lists the month as not billed and adds the contents or MS line it may still carry.
pub(super) fn month(
    ctx: &Context<'_>,
    plan: Plan,
    month: &AfterCap<'_>,
    out: &mut Schedule,
    not_authorized: &mut NotAuthorized,
) -> Result<(), InputError> {
    let span = month.span;
    let (mut fired, to, extra) = match plan {
        Plan::Oxygen {
            contents,
            maintenance,
            ..
        } => {
            // The schedule stops at the lifetime's end; the month before it ends there.
            let to = match month.lifetime_end.and_then(Date::previous_day) {
                Some(last) => span.to.min(last),
                None => span.to,
            };
            let extra = match (contents, maintenance) {
                (Some(fee), _) => Some((fee, None, rules::OX_CONTENTS)),
                (None, Some(fee)) if maintenance_due(month.unpaid) => {
                    Some((fee, Some(Modifier::Ms), rules::OX_MAINTENANCE))
                }
                _ => None,
            };
            (vec![rules::OX_CAP_36, rules::OX_RUL], to, extra)
        }
        _ => (vec![rules::PO_OXYGEN_CAP], span.to, None),
    };
    if month.other_supplier {
        fired.push(rules::SUP_OTHER);
    }
    let extra = extra.filter(|_| !month.other_supplier);
    let utn = match (extra.is_some(), month.pa) {
        (true, PaVerdict::NotCovered(requirement, last_valid_day)) => {
            not_authorized.get_or_insert((requirement, last_valid_day, span.from));
            fired.push(rules::PA_NOT_BILLABLE);
            return skip(out, span.from, to, fired);
        }
        (_, PaVerdict::Covered(utn)) => Some(utn),
        _ => None,
    };
    skip(out, span.from, to, fired)?;
    let Some((fee, pricing, rule)) = extra else {
        return Ok(());
    };
    let input = ctx.input;
    let mut modifiers: Vec<Modifier> = pricing.into_iter().collect();
    let mut fired = month_rules(span, &[]);
    fired.push(rule);
    coverage::documentation_modifier(
        input,
        None,
        ctx.retest_gap,
        month.number,
        span.from,
        &mut modifiers,
        &mut fired,
    );
    if let Some(group) = input.item.oxygen_group {
        oxygen_group(ctx, group, span.from, &mut modifiers, &mut fired);
    }
    if utn.is_some() {
        fired.push(rules::PA_BILLABLE);
    }
    fired.push(rules::MOD_ORDER);
    // Contents cover the month; a maintenance visit is one day.
    let (hcpcs, line_to) = match (&input.item.oxygen_contents, pricing) {
        (Some(contents), None) => (contents.hcpcs.clone(), to),
        _ => (input.item.hcpcs.clone(), span.from),
    };
    push(
        out,
        Line {
            period: month.period,
            rental_month: month.number,
            from: span.from,
            to: line_to,
            hcpcs,
            modifiers,
            units: 1,
            charge: fee,
            allowed: fee,
            utn: utn.map(str::to_owned),
            narrative: None,
            dme_mac: None,
            filing_deadline: None,
            rules: fired,
        },
    )
}

/// Whether the `unpaid`-th month after the cap is an MS month: the 7th, 13th, 19th …
fn maintenance_due(unpaid: u32) -> bool {
    unpaid >= FIRST_MAINTENANCE_MONTH
        && (unpaid - FIRST_MAINTENANCE_MONTH).is_multiple_of(MAINTENANCE_EVERY)
}

fn skip(out: &mut Schedule, from: Date, to: Date, rules: Vec<Rule>) -> Result<(), InputError> {
    out.skipped.push(SkippedMonth {
        from,
        to,
        reason: SkipReason::OxygenCapReached,
        rules,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_falls_every_six_months_from_month_43() {
        let due: Vec<u32> = (1..=24)
            .filter(|&u| maintenance_due(u))
            .map(|u| 36 + u)
            .collect();
        assert_eq!(due, [43, 49, 55]);
    }
}
