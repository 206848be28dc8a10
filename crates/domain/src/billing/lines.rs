//! One Medicare rental month's line (amount, modifiers in claim order, the rules that fired), the
//! oxygen portable line that goes with it, and the helpers every kind of line shares. The month
//! loop that decides which months are billed is in [`super::engine`].

use time::Date;

use super::coverage;
use super::engine::Context;
use super::input::{OxygenGroup, RentalInput};
use super::months::MonthSpan;
use super::output::{InputError, Line, Modifier, ModifierKind, Schedule};
use super::plan::{CAPPED_RENTAL_MONTHS, OXYGEN_PAID_MONTHS, Plan, too_large};
use super::rules::{self, Rule};
use crate::money::Money;

/// N1-N3 exist from the April 2023 HCPCS quarterly update; earlier lines cannot carry them.
pub const OXYGEN_GROUP_MODIFIERS_FROM: Date = time::macros::date!(2023 - 04 - 01);

/// Which of an upgrade's two lines (DME MAC modifier guidance GK row), or an ordinary line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Ordinary,
    /// The upgraded item furnished: GA or GZ, nothing allowed.
    Upgraded,
    /// The covered item ordered: its own amount, KX/GA/GZ as usual, then GK.
    Covered,
}

/// One billable rental month's facts.
pub(super) struct Month<'a> {
    /// Paid-month number within the period.
    pub number: u32,
    pub period: u32,
    pub span: MonthSpan,
    /// Rules carried over from a break or replacement just before this month.
    pub resumed: &'a [Rule],
    pub first_claim: Option<(Modifier, Rule)>,
    pub utn: Option<&'a str>,
}

/// The calendar rules every month's line cites, for every payer: the anniversary month, its
/// clamp to a shorter month's end, and what a break or replacement just before it decided.
pub(super) fn month_rules(span: MonthSpan, resumed: &[Rule]) -> Vec<Rule> {
    let mut fired = Vec::with_capacity(12);
    fired.push(rules::MONTH_ANNIVERSARY);
    if span.clamped {
        fired.push(rules::MONTH_CLAMP);
    }
    fired.extend_from_slice(resumed);
    fired
}

/// Builds one billable Medicare month: amount, modifiers in claim order, and the rules that fired.
pub(super) fn line(
    ctx: &Context<'_>,
    plan: Plan,
    month: &Month<'_>,
    role: Role,
) -> Result<Line, InputError> {
    let span = month.span;
    let mut modifiers = Vec::with_capacity(4);
    let mut fired = month_rules(span, month.resumed);
    let number = month.number;
    let amount = match plan {
        Plan::Capped {
            price,
            power_wheelchair,
        } => {
            let (basis_points, rate_rule) = match (power_wheelchair, number <= 3) {
                (false, true) => (1000, rules::CR_RATE_STD_1_3),
                (false, false) => (750, rules::CR_RATE_STD_4_13),
                (true, true) => (1500, rules::CR_RATE_PWC_1_3),
                (true, false) => (600, rules::CR_RATE_PWC_4_13),
            };
            let (month_modifier, month_rule) = match number {
                1 => (Modifier::Kh, rules::CR_MOD_KH),
                2 | 3 => (Modifier::Ki, rules::CR_MOD_KI),
                _ => (Modifier::Kj, rules::CR_MOD_KJ),
            };
            modifiers.extend([Modifier::Rr, month_modifier]);
            fired.extend([rate_rule, rules::MOD_RR, month_rule]);
            if number == CAPPED_RENTAL_MONTHS {
                fired.extend([rules::CR_CAP_13, rules::CR_TITLE]);
            }
            price.percent_bp(basis_points).ok_or_else(too_large)?
        }
        Plan::Oxygen { fee, flow, .. } => {
            fired.extend([rules::OX_MONTHLY, rules::OX_NO_RR]);
            if number == OXYGEN_PAID_MONTHS {
                fired.push(rules::OX_CAP_36);
            }
            if let Some((modifier, rule)) = flow.modifier {
                modifiers.push(modifier);
                fired.push(rule);
            }
            fee.percent_bp(flow.stationary_bp).ok_or_else(too_large)?
        }
        Plan::Servicing { fee } => {
            modifiers.push(Modifier::Rr);
            fired.extend([rules::FS_RENT, rules::MOD_RR]);
            fee
        }
        Plan::Irp { fee, .. } => {
            modifiers.push(Modifier::Rr);
            fired.extend([rules::IRP_RENT, rules::MOD_RR]);
            fee
        }
        // Purchases, supplies and price options never reach here.
        Plan::Purchase { price, .. } => price,
        Plan::Supplies { unit_price } => unit_price,
        Plan::Priced { .. } => Money::ZERO,
    };
    liability(ctx, number, span.from, role, &mut modifiers, &mut fired);
    if let Some((modifier, rule)) = month.first_claim {
        modifiers.push(modifier);
        fired.push(rule);
    }
    if let Plan::Oxygen {
        group: Some(group), ..
    } = plan
    {
        oxygen_group(ctx, group, span.from, &mut modifiers, &mut fired);
    }
    if month.utn.is_some() {
        fired.push(rules::PA_BILLABLE);
    }
    finish(&mut modifiers, &mut fired, role);
    if ctx
        .end_of_need
        .is_some_and(|end| span.from <= end && end <= span.to)
    {
        fired.push(rules::END_MONTH_PAID);
    }
    Ok(Line {
        period: month.period,
        rental_month: number,
        from: span.from,
        to: span.to,
        hcpcs: hcpcs(ctx, role),
        modifiers,
        units: 1,
        charge: amount,
        allowed: if role == Role::Upgraded {
            Money::ZERO
        } else {
            amount
        },
        utn: month.utn.map(str::to_owned),
        narrative: None,
        dme_mac: None,
        filing_deadline: None,
        rules: fired,
    })
}

/// N1–N3 for the oxygen group, and the retest warning's rule on lines after day 90.
pub(super) fn oxygen_group(
    ctx: &Context<'_>,
    group: OxygenGroup,
    date: Date,
    modifiers: &mut Vec<Modifier>,
    fired: &mut Vec<Rule>,
) {
    if date < OXYGEN_GROUP_MODIFIERS_FROM {
        fired.push(rules::OX_GROUP_BEFORE);
    } else {
        modifiers.push(match group {
            OxygenGroup::One => Modifier::N1,
            OxygenGroup::Two => Modifier::N2,
            OxygenGroup::Three => Modifier::N3,
        });
        fired.push(rules::OX_GROUP);
    }
    if ctx.retest_gap.is_some_and(|gap| gap.contains(date)) {
        fired.push(rules::OX_RETEST_WINDOW);
    }
}

/// KX / GA / GZ / GY by role: an upgraded item expects denial (GA or GZ), anything else follows
/// the documentation.
pub(super) fn liability(
    ctx: &Context<'_>,
    month: u32,
    date: Date,
    role: Role,
    modifiers: &mut Vec<Modifier>,
    fired: &mut Vec<Rule>,
) {
    if role == Role::Upgraded {
        coverage::abn_modifier(ctx.input, date, modifiers, fired);
    } else {
        coverage::documentation_modifier(
            ctx.input,
            ctx.pap,
            ctx.retest_gap,
            month,
            date,
            modifiers,
            fired,
        );
    }
}

/// GK last on the covered line, the upgrade rule, and the ordering rule every line cites.
pub(super) fn finish(modifiers: &mut Vec<Modifier>, fired: &mut Vec<Rule>, role: Role) {
    match role {
        Role::Ordinary => {}
        Role::Upgraded => fired.push(rules::UPG_GA_GZ),
        Role::Covered => {
            modifiers.push(Modifier::Gk);
            fired.push(rules::UPG_GK);
        }
    }
    fired.push(rules::MOD_ORDER);
}

pub(super) fn hcpcs(ctx: &Context<'_>, role: Role) -> String {
    match (&ctx.input.upgrade, role) {
        (Some(upgrade), Role::Covered) => upgrade.hcpcs.clone(),
        _ => ctx.input.item.hcpcs.clone(),
    }
}

/// The portable line that goes with an oxygen month's stationary line, if one is prescribed.
pub(super) fn portable_line(input: &RentalInput, plan: Plan, stationary: &Line) -> Option<Line> {
    let Plan::Oxygen { flow, .. } = plan else {
        return None;
    };
    let amount = flow.portable?;
    let portable = input.item.oxygen_flow.as_ref()?.portable.as_ref()?;
    let mut line = stationary.clone();
    line.hcpcs.clone_from(&portable.hcpcs);
    line.allowed = amount;
    line.charge = amount;
    if !flow.on_portable {
        line.modifiers.retain(|m| m.kind() != ModifierKind::Pricing);
        line.rules
            .retain(|r| *r != rules::OX_FLOW_QE && *r != rules::OX_FLOW_QA);
    }
    line.rules.push(rules::OX_PORTABLE);
    Some(line)
}

/// Adds a line and its amounts to the totals.
pub(super) fn push(out: &mut Schedule, line: Line) -> Result<(), InputError> {
    out.total_charge = out
        .total_charge
        .checked_add(line.charge)
        .ok_or_else(too_large)?;
    out.total_allowed = out
        .total_allowed
        .checked_add(line.allowed)
        .ok_or_else(too_large)?;
    out.lines.push(line);
    Ok(())
}
