//! Turns one [`RentalInput`] into the lines to bill, the months not billed, and the rules behind each.
//!
//! The input is checked up front ([`super::plan`] for Medicare, [`super::price_option`] for other
//! payers, [`super::timeline`], [`super::pap`]); the month loop here only walks the calendar, so it
//! stays cheap (≥ 1,000,000 months a second, docs/benchmarks.md). [`super::lines`] builds each month's line.

use time::Date;

use super::after_cap::{self, AfterCap};
use super::checks::timely_filing_deadline;
use super::cmn;
use super::coverage::{self, PaVerdict, RetestGap};
use super::input::{
    BreakInNeedWindow, Election, PriceKind, RentalInput, ReplacementReason, RestOfMonth,
};
use super::jurisdiction::JurisdictionTable;
use super::lines::{Role, line, portable_line};
use super::months::{anniversary, rental_month};
use super::one_day::{OneDay, mid_purchase, one_day, repairs};
use super::output::{
    Finding, InputError, Line, Modifier, Schedule, Severity, SkipReason, SkippedMonth,
};
use super::pap::{self, PapReview};
use super::plan::{AtCap, MAX_MONTHS, Plan, check_through, plan, too_large, too_late};
use super::price_option::{self, Band};
use super::rules::{self, Rule};
use super::timeline::{Replacement, StayKind, Timeline, USEFUL_LIFETIME_MONTHS, timeline};
use crate::documentation::{DocumentationRules, PriorAuthList, Requirement};
use crate::money::Money;

pub(super) use super::lines::{Month, month_rules, push};

/// What every line of one rental shares, decided once.
pub(super) struct Context<'a> {
    pub(super) input: &'a RentalInput,
    /// The covered item's plan when the beneficiary chose an upgrade.
    pub(super) covered: Option<Plan>,
    pub(super) pap: Option<&'a PapReview>,
    pub(super) end_of_need: Option<Date>,
    /// Oxygen Groups II/III: the dates of service a missing retest or new order leaves uncovered.
    pub(super) retest_gap: Option<RetestGap>,
    /// A commercial or Medicaid payer's checked price-option bands; empty for Medicare.
    pub(super) bands: &'a [Band],
    /// The Required Prior Authorization List, whose programs give a decision's validity.
    pub(super) prior_auth_list: &'static PriorAuthList,
}

/// The first prior-authorization refusal met, for the one blocking finding: the requirement left
/// unmet, the last day an expired decision covered, and the first date not billed.
pub(super) type NotAuthorized = Option<(&'static Requirement, Option<Date>, Date)>;

/// Schedules `input` month by month up to `input.through`.
pub fn schedule(input: &RentalInput) -> Result<Schedule, InputError> {
    // Medicare's rules apply to Medicare only; other payers follow their price option.
    let priced = if input.payer.is_medicare() {
        None
    } else {
        Some(price_option::check(input)?)
    };
    let plan = match &priced {
        Some(priced) => priced.plan,
        None => plan(input)?,
    };
    check_through(input)?;
    let covered = plan.covered(input)?;
    let timeline = timeline(input, plan)?;
    let review = match priced {
        Some(_) => None,
        None => pap::review(input)?,
    };
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
        retest_gap: retest.as_ref().map(|(_, gap)| *gap),
        bands: priced.as_ref().map_or(&[], |p| p.bands.as_slice()),
        prior_auth_list: &DocumentationRules::bundled()
            .map_err(|err| InputError::new("item.prior_authorization_required", err.to_string()))?
            .prior_auth,
    };
    let mut not_authorized: NotAuthorized = None;
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
                charge: price,
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
                    charge: amount,
                    pricing: None,
                    rule: rules::SU_DELIVERY,
                };
                one_day(&ctx, &one, &mut out, &mut not_authorized)?;
            }
            Vec::new()
        }
        Plan::Priced {
            kind: PriceKind::Purchase,
            ..
        } => {
            price_option::purchase(ctx.bands, input, &mut out)?;
            Vec::new()
        }
        Plan::Irp { price, .. } => {
            let mut owned = rentals(&ctx, plan, &timeline, &mut out, &mut not_authorized)?;
            if let Some(bought) = timeline.purchase
                && bought.date <= input.through
            {
                mid_purchase(&ctx, price, bought, &mut out, &mut not_authorized)?;
                owned.push((bought.date, None));
            }
            owned
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
    if let Some((requirement, last_valid_day, from)) = not_authorized {
        out.findings.push(coverage::prior_authorization_finding(
            requirement,
            last_valid_day,
            from,
        ));
    }
    for replacement in &timeline.replacements {
        if replacement.reason == ReplacementReason::Loss
            && (replacement.what_happened.is_none() || replacement.incident_date.is_none())
            && replacement.date <= input.through
        {
            out.findings.push(
                Finding::new(
                    rules::NARR_REPLACEMENT,
                    Severity::Warning,
                    format!(
                        "The replacement furnished on {} needs a claim narrative saying what happened and when.",
                        replacement.date
                    ),
                    "Record what happened (lost, stolen, destroyed …), the date, and the police or fire report number when there is one.",
                )
                .at("events"),
            );
        }
    }
    if input.payer.is_medicare() {
        claim_destination(input, &timeline.moves, &mut out.lines)?;
        let cmn_findings = cmn::check(input, &mut out.lines)?;
        out.findings.extend(cmn_findings);
    }
    out.pap = review;
    Ok(out)
}

/// Medicare lines: the DME MAC of the state of residence on each date of service, the
/// timely-filing deadline, and the move rule on the first line after each move (42 CFR 414.230:
/// a move is not an interruption, so the count went on).
fn claim_destination(
    input: &RentalInput,
    moves: &[(Date, &str)],
    lines: &mut [Line],
) -> Result<(), InputError> {
    let table = JurisdictionTable::bundled().map_err(|err| InputError::new("residence", err))?;
    let residence = input.residence.as_deref().map(str::trim);
    for line in lines.iter_mut() {
        line.filing_deadline = timely_filing_deadline(line.from);
        let state = moves
            .iter()
            .rev()
            .find(|(date, _)| *date <= line.from)
            .map(|(_, state)| *state)
            .or(residence);
        line.dme_mac = state.and_then(|state| table.jurisdiction_on(state, line.from));
    }
    for (date, _) in moves {
        if let Some(line) = lines.iter_mut().find(|line| line.from >= *date) {
            line.rules.push(rules::MOVE_CONTINUES);
        }
    }
    Ok(())
}

/// The rental months of capped rental, oxygen, frequent-servicing, rented IRP items and other
/// payers' rental price options. Returns the spans in which the beneficiary owns the item (from
/// title transfer to any replacement).
fn rentals(
    ctx: &Context<'_>,
    plan: Plan,
    timeline: &Timeline<'_>,
    out: &mut Schedule,
    not_authorized: &mut NotAuthorized,
) -> Result<Vec<(Date, Option<Date>)>, InputError> {
    let input = ctx.input;
    let first = input.first_date_of_service;
    let medicare = input.payer.is_medicare();
    let capped = matches!(plan, Plan::Capped { .. });
    let oxygen = matches!(plan, Plan::Oxygen { .. });
    let (cap, at_cap) = plan.cap().unwrap_or((u32::MAX, AtCap::Stop));
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
    let bought = timeline.purchase.map(|p| p.date);

    let mut owned: Vec<(Date, Option<Date>)> = Vec::new();
    let mut anchor = first;
    let mut month_of_anchor = 1;
    let mut paid = 0;
    let mut period = 1;
    // Months furnished after the cap in this period (oxygen months 37-60).
    let mut unpaid = 0;
    let mut resumed: Vec<Rule> = Vec::new();
    // The claim narrative the next billed line carries after a break or a replacement.
    let mut narrative: Option<(String, Rule)> = None;
    // The informational modifier the period's first billed line carries: BR/BU on a rented
    // complex rehab power wheelchair's initial claim, RA on a replacement's.
    let mut first_claim = election(input);
    // The supplier that billed the month before, named in our next claim's narrative.
    let mut previous_supplier: Option<&str> = None;
    let mut pa = coverage::prior_authorization(input, ctx.prior_auth_list, first);
    let mut replacements = timeline.replacements.iter().peekable();
    loop {
        let mut span = rental_month(anchor, month_of_anchor).ok_or_else(too_late)?;
        let finished = useful_lifetime_end.is_some_and(|end| span.from >= end)
            || (at_cap != AtCap::Furnish && paid >= cap);
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
            unpaid = 0;
            period += 1;
            if oxygen {
                useful_lifetime_end = Some(lifetime_end(replacement.date)?);
                out.useful_lifetime_end = useful_lifetime_end;
            }
            (resumed, first_claim) = replacement_rules(plan, *replacement);
            narrative = replacement_narrative(replacement);
            pa = coverage::prior_authorization(input, ctx.prior_auth_list, replacement.date);
            continue;
        }
        if span.from > input.through
            || ctx.end_of_need.is_some_and(|end| span.from > end)
            || finished
            || bought.is_some_and(|date| span.from >= date)
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
                StayKind::Facility if !medicare => {
                    resumed = vec![rules::PO_BREAK];
                    (SkipReason::FacilityStay, vec![rules::PO_BREAK])
                }
                StayKind::Facility => {
                    resumed = vec![rules::BIB_RESUME];
                    narrative = Some((
                        format!(
                            "BIB: break in billing for a hospital or facility stay {} to {}; the rental period continues.",
                            stay.start, stay.end
                        ),
                        rules::NARR_BIB,
                    ));
                    (SkipReason::FacilityStay, vec![rules::BIB_STAY])
                }
                StayKind::NotInUse { .. } if !medicare => {
                    // price_option::check refused new orders: the count always continues.
                    resumed = vec![rules::PO_BREAK];
                    (SkipReason::NotInUse, resumed.clone())
                }
                StayKind::NotInUse {
                    returned,
                    new_order,
                    index,
                } => {
                    if new_order
                        && starts_new_period(input, returned, anchor, month_of_anchor, stay.end)?
                    {
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
                        narrative = Some((
                            format!(
                                "BIN: break in need, returned {returned}, not in use through {}; new order, medical necessity documentation and a statement of the interruption on file; new rental period.",
                                stay.end
                            ),
                            rules::NARR_BIN,
                        ));
                        pa = coverage::prior_authorization(
                            input,
                            ctx.prior_auth_list,
                            stay.end.next_day().ok_or_else(too_late)?,
                        );
                    } else {
                        resumed = if new_order {
                            // The window was measured and not exceeded.
                            vec![rules::BIB_RESUME_AFTER_RETURN, rules::BIN_WINDOW]
                        } else {
                            vec![rules::BIB_RESUME_AFTER_RETURN]
                        };
                        narrative = Some((
                            format!(
                                "BIB: break in billing, returned {returned}, not in use through {}; need did not end, the rental period continues.",
                                stay.end
                            ),
                            rules::NARR_BIB,
                        ));
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
        let other_supplier = timeline.other_supplier_on(span.from);
        if paid >= cap {
            // Only oxygen gets here (a finished rental stopped above): furnished without rental
            // payment; contents or maintenance may still be billed.
            unpaid += 1;
            let month = AfterCap {
                span,
                period,
                number: cap.saturating_add(unpaid),
                unpaid,
                lifetime_end: useful_lifetime_end,
                pa,
                other_supplier: other_supplier.is_some(),
            };
            after_cap::month(ctx, plan, &month, out, not_authorized)?;
            continue;
        }
        if let Some(other) = other_supplier {
            // §1.3 (UNCONFIRMED): the other supplier bills this month; it still counts.
            paid += 1;
            first_claim = None;
            previous_supplier = Some(other);
            let mut fired = vec![rules::SUP_OTHER, rules::SUP_CONTINUES];
            if at_cap == AtCap::Title && paid == cap {
                out.title_transfer = span.to.next_day();
                owned.extend(out.title_transfer.map(|date| (date, None)));
                fired.extend([rules::SUP_TITLE, rules::CR_TITLE]);
            }
            out.skipped.push(SkippedMonth {
                from: span.from,
                to: span.to,
                reason: SkipReason::OtherSupplier,
                rules: fired,
            });
            resumed.clear();
            continue;
        }
        let utn = match pa {
            PaVerdict::NotCovered(requirement, last_valid_day) => {
                // Not billable, and not counted toward the cap: nothing was paid.
                not_authorized.get_or_insert((requirement, last_valid_day, span.from));
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
        let mut line = match plan {
            Plan::Priced { .. } => {
                let cap_rule = (paid == cap).then_some(match at_cap {
                    AtCap::Title => rules::PO_CAP_TITLE,
                    AtCap::Stop => rules::PO_CAP,
                    AtCap::Furnish => rules::PO_OXYGEN_CAP,
                });
                let ends_need = ctx
                    .end_of_need
                    .is_some_and(|end| span.from <= end && end <= span.to);
                price_option::line(ctx.bands, input, &month, cap_rule, ends_need)?
            }
            _ => line(ctx, plan, &month, role)?,
        };
        if let Some((text, rule)) = narrative.take() {
            add_narrative(&mut line, &text, rule);
        }
        if let Some(previous) = previous_supplier.take() {
            line.rules.push(rules::SUP_CONTINUES);
            add_narrative(
                &mut line,
                &format!(
                    "Change of supplier with no break in need; previous supplier: {previous}."
                ),
                rules::SUP_NARRATIVE,
            );
        }
        if let Some(remaining) = remaining
            && line.allowed >= remaining
        {
            line.allowed = remaining;
            line.charge = remaining;
            line.rules.push(rules::IRP_RENT_CAP);
        }
        if at_cap == AtCap::Title && paid == cap {
            out.title_transfer = span.to.next_day();
            owned.extend(out.title_transfer.map(|date| (date, None)));
            if !timeline.suppliers.is_empty() {
                line.rules.push(rules::SUP_TITLE);
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

/// Appends `text` to the line's claim narrative and cites the rule that requires it.
fn add_narrative(line: &mut Line, text: &str, rule: Rule) {
    match &mut line.narrative {
        Some(existing) => {
            existing.push(' ');
            existing.push_str(text);
        }
        None => line.narrative = Some(text.to_owned()),
    }
    line.rules.push(rule);
}

/// The narrative of a replacement's first claim after a loss, theft or irreparable damage: what
/// happened, its date and the police or fire report (Medicare Benefit Policy Manual ch. 15
/// §110.2.C). A replacement after the useful lifetime needs none.
fn replacement_narrative(replacement: &Replacement<'_>) -> Option<(String, Rule)> {
    if replacement.reason != ReplacementReason::Loss {
        return None;
    }
    let what = replacement
        .what_happened
        .unwrap_or("lost, stolen or irreparably damaged (cause not recorded)");
    let when = replacement
        .incident_date
        .map_or_else(|| "date not recorded".to_owned(), |d| d.to_string());
    let report = replacement
        .report
        .map_or_else(String::new, |r| format!("; police or fire report {r}"));
    Some((
        format!("Replacement of equipment {what}, on {when}{report}."),
        rules::NARR_REPLACEMENT,
    ))
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
    replacement: Replacement<'_>,
) -> (Vec<Rule>, Option<(Modifier, Rule)>) {
    let ra = Some((Modifier::Ra, rules::MOD_RA));
    match (plan, replacement.reason) {
        (Plan::Oxygen { .. }, _) => (vec![rules::OX_REPLACE], ra),
        (_, ReplacementReason::Loss) => (vec![rules::CR_REPLACE_LOSS], ra),
        (_, ReplacementReason::UsefulLifetime) => (vec![rules::CR_REPLACE_RUL], None),
    }
}

/// 42 CFR 414.230: whether the time not in use, from the day after `returned` to `end`, is longer
/// than the break-in-need window. The rental month in which use stopped ends the day before
/// rental month `next` of `anchor`; the window then runs 60 days (the regulation's words, the
/// return day counted among the days left or not by `break_in_need_rest_of_month`) or two full
/// rental months (the DME MAC's paraphrase), as `break_in_need_window` says.
fn starts_new_period(
    input: &RentalInput,
    returned: Date,
    anchor: Date,
    next: u32,
    end: Date,
) -> Result<bool, InputError> {
    let next_anniversary = rental_month(anchor, next).ok_or_else(too_late)?.from;
    Ok(match input.settings.break_in_need_window {
        BreakInNeedWindow::SixtyDays => {
            let days_not_in_use = (end - returned).whole_days();
            let rest_of_month = (next_anniversary - returned).whole_days()
                - match input.settings.break_in_need_rest_of_month {
                    RestOfMonth::IncludesReturnDay => 0,
                    RestOfMonth::AfterReturnDay => 1,
                };
            days_not_in_use > 60 + rest_of_month
        }
        BreakInNeedWindow::TwoRentalMonths => {
            end >= rental_month(anchor, next + 2).ok_or_else(too_late)?.from
        }
    })
}
