//! Lines dated one day: purchases (NU/UE, BP), supply deliveries and repairs of owned equipment
//! (RB). The rental months are in [`super::engine`].

use time::Date;

use super::coverage::{self, PaVerdict};
use super::engine::{Context, NotAuthorized};
use super::lines::{Role, finish, hcpcs, liability, push};
use super::output::{InputError, Line, Modifier, Schedule, SkipReason, SkippedMonth};
use super::plan::Plan;
use super::plan::too_large;
use super::rules::{self, Rule};
use super::timeline::{MidPurchase, Timeline};
use crate::money::Money;

/// A purchase or delivery: what differs between them.
pub(super) struct OneDay {
    pub date: Date,
    pub units: u32,
    /// The allowed amount expected.
    pub amount: Money,
    /// The amount charged: the allowed amount, except when the allowed amount is reduced (a
    /// purchase after rent was paid).
    pub charge: Money,
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
    not_authorized: &mut NotAuthorized,
) -> Result<(), InputError> {
    let utn = match coverage::prior_authorization(ctx.input, ctx.prior_auth_list, one.date) {
        PaVerdict::NotCovered(requirement, last_valid_day) => {
            not_authorized.get_or_insert((requirement, last_valid_day, one.date));
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
    let build = |amount: Money, charge: Money, role: Role| {
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
            charge,
            allowed: if role == Role::Upgraded {
                Money::ZERO
            } else {
                amount
            },
            utn: utn.map(str::to_owned),
            narrative: None,
            dme_mac: None,
            filing_deadline: None,
            rules: fired,
        }
    };
    // Plan::covered gives a purchase plan only for a purchase, so deliveries never split.
    match ctx.covered {
        Some(Plan::Purchase { price, .. }) => {
            push(out, build(one.amount, one.charge, Role::Upgraded))?;
            push(out, build(price, price, Role::Covered))?;
        }
        _ => push(out, build(one.amount, one.charge, Role::Ordinary))?,
    }
    Ok(())
}

/// An IRP item bought partway through its rental (Medicare Benefit Policy Manual ch. 15 §110): one NU/UE line on the
/// purchase date, allowed = purchase price less the rent already paid (never below zero), never
/// above the charge (the event's, else the purchase price). Called after the rental months, so
/// the schedule's allowed total is the rent paid.
pub(super) fn mid_purchase(
    ctx: &Context<'_>,
    price: Money,
    bought: MidPurchase,
    out: &mut Schedule,
    not_authorized: &mut NotAuthorized,
) -> Result<(), InputError> {
    let left = price
        .checked_sub(out.total_allowed)
        .ok_or_else(too_large)?
        .max(Money::ZERO);
    let charge = bought.charge.unwrap_or(price);
    let one = OneDay {
        date: bought.date,
        units: 1,
        amount: left.min(charge),
        charge,
        pricing: Some(if bought.used {
            Modifier::Ue
        } else {
            Modifier::Nu
        }),
        rule: rules::IRP_PURCHASE_AFTER_RENT,
    };
    one_day(ctx, &one, out, not_authorized)
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
                narrative: None,
                dme_mac: None,
                filing_deadline: None,
                rules: fired,
            },
        )?;
    }
    // Stable, so a month's stationary, portable and GK lines stay together.
    out.lines.sort_by_key(|line| line.from);
    Ok(())
}
