//! Lines dated one day: purchases (NU/UE, BP), supply deliveries and repairs of owned equipment
//! (RB). The rental months are in [`super::engine`].

use time::Date;

use super::coverage::{self, PaVerdict};
use super::engine::{Context, Role, finish, hcpcs, liability, push};
use super::output::{InputError, Line, Modifier, Schedule, SkipReason, SkippedMonth};
use super::plan::Plan;
use super::rules::{self, Rule};
use super::timeline::Timeline;
use crate::documentation::Requirement;
use crate::money::Money;

/// A purchase or delivery: what differs between them.
pub(super) struct OneDay {
    pub date: Date,
    pub units: u32,
    pub amount: Money,
    pub pricing: Option<Modifier>,
    pub rule: Rule,
}

/// A purchase or delivery: one line dated `date` (two for an upgrade), with `pricing` (if any)
/// first, then KX/GA/GZ/GY, then BP on a complex rehab purchase; or a skipped day when prior
/// authorization does not cover it.
pub(super) fn one_day(
    ctx: &Context<'_>,
    one: &OneDay,
    out: &mut Schedule,
    not_authorized: &mut Option<(&'static Requirement, Date)>,
) -> Result<(), InputError> {
    let utn = match coverage::prior_authorization(ctx.input, one.date) {
        PaVerdict::NotCovered(requirement) => {
            not_authorized.get_or_insert((requirement, one.date));
            out.skipped.push(SkippedMonth {
                from: one.date,
                to: one.date,
                reason: SkipReason::NoPriorAuthorization,
                rules: vec![rules::PA_NOT_BILLABLE],
            });
            return Ok(());
        }
        PaVerdict::Covered(utn) => Some(utn),
        PaVerdict::NotRequired => None,
    };
    let build = |amount: Money, role: Role| {
        let mut modifiers: Vec<Modifier> = one.pricing.into_iter().collect();
        let mut fired = vec![one.rule];
        liability(ctx, 0, one.date, role, &mut modifiers, &mut fired);
        if ctx.input.item.complex_rehab {
            modifiers.push(Modifier::Bp);
        }
        if utn.is_some() {
            fired.push(rules::PA_BILLABLE);
        }
        finish(&mut modifiers, &mut fired, role);
        Line {
            period: 1,
            rental_month: 0,
            from: one.date,
            to: one.date,
            hcpcs: hcpcs(ctx, role),
            modifiers,
            units: one.units,
            charge: amount,
            allowed: if role == Role::Upgraded {
                Money::ZERO
            } else {
                amount
            },
            utn: utn.map(str::to_owned),
            rules: fired,
        }
    };
    // Plan::covered gives a purchase plan only for a purchase, so deliveries never split.
    match ctx.covered {
        Some(Plan::Purchase { price, .. }) => {
            push(out, build(one.amount, Role::Upgraded))?;
            push(out, build(price, Role::Covered))?;
        }
        _ => push(out, build(one.amount, Role::Ordinary))?,
    }
    Ok(())
}

/// Repair lines (RB, §1.5, §2 RB row) for repairs on or before the through-date, each inside a
/// span in which the beneficiary owns the item; then every line in date order.
pub(super) fn repairs(
    ctx: &Context<'_>,
    timeline: &Timeline<'_>,
    owned: &[(Date, Option<Date>)],
    out: &mut Schedule,
) -> Result<(), InputError> {
    if timeline.repairs.is_empty() {
        return Ok(());
    }
    for repair in &timeline.repairs {
        if repair.date > ctx.input.through {
            break;
        }
        let owns = owned
            .iter()
            .any(|&(from, until)| from <= repair.date && until.is_none_or(|u| repair.date < u));
        if !owns {
            return Err(InputError::new(
                format!("events[{}].date", repair.index),
                "The supplier owns the item on this date (title passes after the 13th paid month), so repairs are its own cost; a repair is billed only once the beneficiary owns the item.",
            ));
        }
        let mut modifiers = vec![Modifier::Rb];
        let mut fired = vec![rules::REPAIR_RB];
        coverage::documentation_modifier(
            ctx.input,
            None,
            0,
            repair.date,
            &mut modifiers,
            &mut fired,
        );
        fired.push(rules::MOD_ORDER);
        push(
            out,
            Line {
                period: 1,
                rental_month: 0,
                from: repair.date,
                to: repair.date,
                hcpcs: repair.hcpcs.to_owned(),
                modifiers,
                units: repair.units,
                charge: repair.amount,
                allowed: repair.amount,
                utn: None,
                rules: fired,
            },
        )?;
    }
    // Stable, so a month's stationary, portable and GK lines stay together.
    out.lines.sort_by_key(|line| line.from);
    Ok(())
}
