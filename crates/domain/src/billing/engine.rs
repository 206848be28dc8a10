//! Turns one [`RentalInput`] into the lines to bill, the months not billed, and the rules behind each.
//!
//! The input is checked up front ([`super::plan`], [`super::timeline`], [`super::pap`]); the month
//! loop here only walks the calendar, so it stays cheap (issue 5: ≥ 1,000,000 months a second).

use time::Date;

use super::coverage::{self, PaVerdict};
use super::input::{Election, OxygenGroup, RentalInput, ReplacementReason};
use super::months::{MonthSpan, anniversary, rental_month};
use super::one_day::{OneDay, one_day, repairs};
use super::output::{InputError, Line, Modifier, ModifierKind, Schedule, SkipReason, SkippedMonth};
use super::pap::{self, PapReview};
use super::plan::{MAX_MONTHS, Plan, check_through, plan, too_large, too_late};
use super::rules::{self, Rule};
use super::timeline::{Replacement, StayKind, Timeline, USEFUL_LIFETIME_MONTHS, timeline};
use crate::documentation::Requirement;
use crate::money::Money;

/// Paid months in a capped-rental period (medicare-rules.md §1.2).
const CAPPED_RENTAL_MONTHS: u32 = 13;
/// Paid months in an oxygen period (medicare-rules.md §1.4).
const OXYGEN_PAID_MONTHS: u32 = 36;

/// What every line of one rental shares, decided once.
pub(super) struct Context<'a> {
    pub(super) input: &'a RentalInput,
    /// The covered item's plan when the beneficiary chose an upgrade.
    pub(super) covered: Option<Plan>,
    pap: Option<&'a PapReview>,
    end_of_need: Option<Date>,
    /// Oxygen lines from this date cite the missing or late retest.
    retest_flag_from: Option<Date>,
}

/// Which of an upgrade's two lines (medicare-rules.md §2 GK row), or an ordinary line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Ordinary,
    /// The upgraded item furnished: GA or GZ, nothing allowed.
    Upgraded,
    /// The covered item ordered: its own amount, KX/GA/GZ as usual, then GK.
    Covered,
}

/// Schedules `input` month by month up to `input.through`.
pub fn schedule(input: &RentalInput) -> Result<Schedule, InputError> {
    let plan = plan(input)?;
    check_through(input)?;
    let covered = plan.covered(input)?;
    let timeline = timeline(input, plan)?;
    let review = pap::review(input)?;
    let mut out = Schedule {
        lines: Vec::new(),
        skipped: Vec::new(),
        title_transfer: None,
        useful_lifetime_end: None,
        end_of_need: timeline.end_of_need,
        pap: None,
        findings: Vec::new(),
        total_charge: Money::ZERO,
        total_allowed: Money::ZERO,
    };
    let retest = coverage::oxygen_retest(input);
    let ctx = Context {
        input,
        covered,
        pap: review.as_ref(),
        end_of_need: timeline.end_of_need,
        retest_flag_from: retest.as_ref().map(|(_, from)| *from),
    };
    let mut not_authorized: Option<(&'static Requirement, Date)> = None;
    let owned = match plan {
        Plan::Purchase { price, used } => {
            let first = input.first_date_of_service;
            let (modifier, rule) = match (used, input.item.complex_rehab) {
                (false, false) => (Modifier::Nu, rules::IRP_PURCHASE_NU),
                (true, false) => (Modifier::Ue, rules::IRP_PURCHASE_UE),
                (false, true) => (Modifier::Nu, rules::CRPWC_PURCHASE_BP),
                (true, true) => (Modifier::Ue, rules::CRPWC_PURCHASE_BP),
            };
            let one = OneDay {
                date: first,
                units: 1,
                amount: price,
                pricing: Some(modifier),
                rule,
            };
            one_day(&ctx, &one, &mut out, &mut not_authorized)?;
            vec![(first, None)]
        }
        Plan::Supplies { unit_price } => {
            for &(date, units) in &timeline.deliveries {
                if date > input.through {
                    break;
                }
                let amount = unit_price.checked_mul(units).ok_or_else(too_large)?;
                let one = OneDay {
                    date,
                    units,
                    amount,
                    pricing: None,
                    rule: rules::SU_DELIVERY,
                };
                one_day(&ctx, &one, &mut out, &mut not_authorized)?;
            }
            Vec::new()
        }
        _ => rentals(&ctx, plan, &timeline, &mut out, &mut not_authorized)?,
    };
    repairs(&ctx, &timeline, &owned, &mut out)?;
    if let Some((finding, _)) = retest {
        out.findings.push(finding);
    }
    if let Some(finding) = review.as_ref().and_then(PapReview::finding) {
        out.findings.push(finding);
    }
    if let Some((requirement, from)) = not_authorized {
        out.findings
            .push(coverage::prior_authorization_finding(requirement, from));
    }
    out.pap = review;
    Ok(out)
}

/// The rental months of capped rental, oxygen, frequent-servicing and rented IRP items. Returns
/// the spans in which the beneficiary owns the item (from title transfer to any replacement).
fn rentals(
    ctx: &Context<'_>,
    plan: Plan,
    timeline: &Timeline<'_>,
    out: &mut Schedule,
    not_authorized: &mut Option<(&'static Requirement, Date)>,
) -> Result<Vec<(Date, Option<Date>)>, InputError> {
    let input = ctx.input;
    let first = input.first_date_of_service;
    let capped = matches!(plan, Plan::Capped { .. });
    let oxygen = matches!(plan, Plan::Oxygen { .. });
    let cap = match plan {
        Plan::Capped { .. } => CAPPED_RENTAL_MONTHS,
        Plan::Oxygen { .. } => OXYGEN_PAID_MONTHS,
        _ => u32::MAX,
    };
    let lifetime_end = |from: Date| {
        anniversary(from, USEFUL_LIFETIME_MONTHS)
            .map(|(date, _)| date)
            .ok_or_else(too_late)
    };
    let mut useful_lifetime_end = if oxygen {
        Some(lifetime_end(first)?)
    } else {
        None
    };
    out.useful_lifetime_end = useful_lifetime_end;
    out.lines.reserve(cap.min(MAX_MONTHS) as usize);

    let mut owned: Vec<(Date, Option<Date>)> = Vec::new();
    let mut anchor = first;
    let mut month_of_anchor = 1;
    let mut paid = 0;
    let mut period = 1;
    let mut resumed: Vec<Rule> = Vec::new();
    // The informational modifier the period's first billed line carries: BR/BU on a rented
    // complex rehab power wheelchair's initial claim, RA on a replacement's.
    let mut first_claim = election(input);
    let mut pa = coverage::prior_authorization(input, first);
    let mut replacements = timeline.replacements.iter().peekable();
    loop {
        let mut span = rental_month(anchor, month_of_anchor).ok_or_else(too_late)?;
        let finished =
            useful_lifetime_end.is_some_and(|end| span.from >= end) || (capped && paid >= cap);
        if let Some(replacement) =
            replacements.next_if(|r| r.date <= input.through && (r.date <= span.from || finished))
        {
            // §1.4 / §1.5: new equipment starts a new period (and, for oxygen, a new lifetime).
            if let Some(open) = owned.last_mut()
                && open.1.is_none()
            {
                open.1 = Some(replacement.date);
            }
            anchor = replacement.date;
            month_of_anchor = 1;
            paid = 0;
            period += 1;
            if oxygen {
                useful_lifetime_end = Some(lifetime_end(replacement.date)?);
                out.useful_lifetime_end = useful_lifetime_end;
            }
            (resumed, first_claim) = replacement_rules(plan, *replacement);
            pa = coverage::prior_authorization(input, replacement.date);
            continue;
        }
        if span.from > input.through
            || ctx.end_of_need.is_some_and(|end| span.from > end)
            || finished
        {
            break;
        }
        // A replacement inside this month ends it the day before; its own period follows.
        if let Some(next) = replacements.peek()
            && next.date <= span.to
        {
            span.to = next.date.previous_day().ok_or_else(too_late)?;
        }
        if let Some(stay) = timeline
            .stays
            .iter()
            .find(|s| s.start <= span.from && span.from <= s.end)
        {
            // §1.3: an interruption over an anniversary is not paid; use resumes with a new DOS.
            let (reason, fired) = match stay.kind {
                StayKind::Facility => {
                    resumed = vec![rules::BIB_RESUME];
                    (SkipReason::FacilityStay, vec![rules::BIB_STAY])
                }
                StayKind::NotInUse {
                    returned,
                    new_order,
                    index,
                } => {
                    if new_order && starts_new_period(input, returned, span.from, stay.end) {
                        if !capped || ctx.pap.is_some() {
                            return Err(InputError::new(
                                format!("events[{index}].new_order"),
                                "A new rental period after a break in need is encoded for capped rental other than PAP devices (which need a new trial); schedule the new period as its own rental.",
                            ));
                        }
                        paid = 0;
                        period += 1;
                        first_claim = None;
                        resumed = vec![rules::BIN_NEW_PERIOD, rules::BIN_WINDOW];
                        pa = coverage::prior_authorization(
                            input,
                            stay.end.next_day().ok_or_else(too_late)?,
                        );
                    } else if new_order {
                        // The window was measured and not exceeded.
                        resumed = vec![rules::BIB_RESUME_AFTER_RETURN, rules::BIN_WINDOW];
                    } else {
                        resumed = vec![rules::BIB_RESUME_AFTER_RETURN];
                    }
                    (SkipReason::NotInUse, resumed.clone())
                }
            };
            out.skipped.push(SkippedMonth {
                from: span.from,
                to: stay.end,
                reason,
                rules: fired,
            });
            anchor = stay.end.next_day().ok_or_else(too_late)?;
            month_of_anchor = 1;
            continue;
        }
        month_of_anchor += 1;
        if paid >= cap {
            // Only oxygen gets here (a finished capped rental stopped above): months 37-60 are
            // furnished without rental payment.
            let to = match useful_lifetime_end.and_then(Date::previous_day) {
                Some(last) => span.to.min(last),
                None => span.to,
            };
            out.skipped.push(SkippedMonth {
                from: span.from,
                to,
                reason: SkipReason::OxygenCapReached,
                rules: vec![rules::OX_CAP_36, rules::OX_RUL],
            });
            continue;
        }
        let utn = match pa {
            PaVerdict::NotCovered(requirement) => {
                // Not billable, and not counted toward the cap: nothing was paid.
                not_authorized.get_or_insert((requirement, span.from));
                out.skipped.push(SkippedMonth {
                    from: span.from,
                    to: span.to,
                    reason: SkipReason::NoPriorAuthorization,
                    rules: vec![rules::PA_NOT_BILLABLE],
                });
                continue;
            }
            PaVerdict::Covered(utn) => Some(utn),
            PaVerdict::NotRequired => None,
        };
        let remaining = match plan {
            Plan::Irp { price, .. } => {
                let remaining = price.checked_sub(out.total_allowed).ok_or_else(too_large)?;
                if remaining <= Money::ZERO {
                    // IRP-RENT-CAP: the purchase price has been paid in rent.
                    break;
                }
                Some(remaining)
            }
            _ => None,
        };
        paid += 1;
        let month = Month {
            number: paid,
            period,
            span,
            resumed: &resumed,
            first_claim: first_claim.take(),
            utn,
        };
        let role = if ctx.covered.is_some() {
            Role::Upgraded
        } else {
            Role::Ordinary
        };
        let mut line = line(ctx, plan, &month, role)?;
        if let Some(remaining) = remaining
            && line.allowed >= remaining
        {
            line.allowed = remaining;
            line.charge = remaining;
            line.rules.push(rules::IRP_RENT_CAP);
        }
        if capped && paid == CAPPED_RENTAL_MONTHS {
            out.title_transfer = span.to.next_day();
            if let Some(date) = out.title_transfer {
                owned.push((date, None));
            }
        }
        let portable = portable_line(input, plan, &line);
        push(out, line)?;
        if let Some(portable) = portable {
            push(out, portable)?;
        }
        if let Some(covered) = ctx.covered {
            push(out, self::line(ctx, covered, &month, Role::Covered)?)?;
        }
        resumed.clear();
    }
    Ok(owned)
}

/// BR or BU on the initial claim of a rented complex rehab power wheelchair (§2.1).
fn election(input: &RentalInput) -> Option<(Modifier, Rule)> {
    match input.election? {
        Election::Rent => Some((Modifier::Br, rules::CRPWC_RENT_BR)),
        Election::Undecided => Some((Modifier::Bu, rules::CRPWC_RENT_BU)),
    }
}

/// The rules the new period's first line cites, and RA when that first claim carries it: every
/// oxygen replacement, and a capped-rental item replaced after loss (§2 RA row: not after its
/// lifetime).
fn replacement_rules(
    plan: Plan,
    replacement: Replacement,
) -> (Vec<Rule>, Option<(Modifier, Rule)>) {
    let ra = Some((Modifier::Ra, rules::MOD_RA));
    match (plan, replacement.reason) {
        (Plan::Oxygen { .. }, _) => (vec![rules::OX_REPLACE], ra),
        (_, ReplacementReason::Loss) => (vec![rules::CR_REPLACE_LOSS], ra),
        (_, ReplacementReason::UsefulLifetime) => (vec![rules::CR_REPLACE_RUL], None),
    }
}

/// One billable rental month's facts.
struct Month<'a> {
    /// Paid-month number within the period.
    number: u32,
    period: u32,
    span: MonthSpan,
    /// Rules carried over from a break or replacement just before this month.
    resumed: &'a [Rule],
    first_claim: Option<(Modifier, Rule)>,
    utn: Option<&'a str>,
}

/// Builds one billable month: amount, modifiers in claim order, and the rules that fired.
fn line(ctx: &Context<'_>, plan: Plan, month: &Month<'_>, role: Role) -> Result<Line, InputError> {
    let span = month.span;
    let mut modifiers = Vec::with_capacity(4);
    let mut fired = Vec::with_capacity(12);
    fired.push(rules::MONTH_ANNIVERSARY);
    if span.clamped {
        fired.push(rules::MONTH_CLAMP);
    }
    fired.extend_from_slice(month.resumed);
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
        // Purchases and supplies never reach the month loop.
        Plan::Purchase { price, .. } => price,
        Plan::Supplies { unit_price } => unit_price,
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
        modifiers.push(match group {
            OxygenGroup::One => Modifier::N1,
            OxygenGroup::Two => Modifier::N2,
            OxygenGroup::Three => Modifier::N3,
        });
        fired.push(rules::OX_GROUP);
        if ctx.retest_flag_from.is_some_and(|from| span.from >= from) {
            fired.push(rules::OX_RETEST_WINDOW);
        }
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
        rules: fired,
    })
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
        coverage::documentation_modifier(ctx.input, ctx.pap, month, date, modifiers, fired);
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
fn portable_line(input: &RentalInput, plan: Plan, stationary: &Line) -> Option<Line> {
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

/// §1.3: whether the days not in use (`start`..=`end`) exceed 60 plus the days left in the rental
/// month in which use stopped (it ends the day before `next_anniversary`).
fn starts_new_period(
    input: &RentalInput,
    returned: Date,
    next_anniversary: Date,
    end: Date,
) -> bool {
    let days_not_in_use = (end - returned).whole_days();
    let rest_of_month = (next_anniversary - returned).whole_days()
        - match input.settings.break_in_need_rest_of_month {
            super::input::RestOfMonth::IncludesReturnDay => 0,
            super::input::RestOfMonth::AfterReturnDay => 1,
        };
    days_not_in_use > 60 + rest_of_month
}
