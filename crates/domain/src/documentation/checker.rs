//! The documentation checker: every unmet requirement of one order, in a fixed order, from the
//! order's facts and the code lists. One pass over the lines; the only allocation is the list of
//! findings.

use time::{Date, Duration, macros::date};

use super::code_list::{DocumentationRules, PriorAuthList};
use super::families::{self, ChecklistItem, ProductFamily, STANDARD_POWER_WHEELCHAIRS, in_ranges};
use super::input::{DocumentFacts, DocumentKind, LineFacts, OrderFacts, PaStatus, RentOrBuy};
use super::report::{Finding, Report};
use super::requirements::{self as req, Severity};
use super::swo;

/// Three hospital-bed codes joined the F2F/WOPD list (42 CFR 410.38) on this date, but which ones
/// could not be confirmed from the published list, so they are not in `data/rules/f2f_wopd.csv`. Until they
/// are, bed orders delivered from this date that would fail the F2F/WOPD rules get a warning.
const BED_F2F_WOPD_ADDITION: Date = date!(2024 - 08 - 12);

/// The outpatient "test within 30 days" habit of supplier checklists; LCD L33797 does not state
/// it, so only a warning.
const OXYGEN_TEST_MAX_AGE_DAYS: i64 = 30;

/// Checks one order. `today` (the supplier's date, from the `Clock`) stands in for the date of
/// service while no delivery is planned, since a delivery cannot be earlier.
pub fn check(facts: &OrderFacts, rules: &DocumentationRules, today: Date) -> Report {
    let service_date = facts.planned_delivery.unwrap_or(today);
    let mut out = Vec::new();
    if facts.lines.is_empty() {
        out.push(Finding::new(&req::ORDER_LINES, None));
    }
    swo::order_elements(facts, service_date, &mut out);
    if facts.diagnoses.is_empty() {
        out.push(Finding::new(&req::DIAGNOSIS, None));
    }
    eligibility(facts, service_date, &mut out);
    for (index, line) in facts.lines.iter().enumerate() {
        let family = ProductFamily::of(&line.hcpcs);
        swo::line_elements(line, index, &mut out);
        if rules.f2f_wopd.requires_f2f(&line.hcpcs, service_date) {
            out.extend(swo::f2f_failure(facts).map(|r| Finding::new(r, Some(index))));
            out.extend(
                swo::wopd_failure(facts, service_date).map(|r| Finding::new(r, Some(index))),
            );
        } else if family == Some(ProductFamily::HospitalBed)
            && service_date >= BED_F2F_WOPD_ADDITION
            && (swo::f2f_failure(facts).is_some()
                || swo::wopd_failure(facts, service_date).is_some())
        {
            out.push(Finding::new(&req::BED_F2F_WOPD_UNCONFIRMED, Some(index)));
        }
        if rules
            .prior_auth
            .prior_auth_program(&line.hcpcs, service_date)
            .is_some()
        {
            prior_auth(
                facts,
                &rules.prior_auth,
                line,
                index,
                service_date,
                &mut out,
            );
        }
        rent_or_buy(line, family, index, &mut out);
        // Each family's checklist is checked once, at its first line.
        if let Some(family) = family
            && first_line_of(facts, family) == Some(index)
        {
            family_checklist(facts, family, index, service_date, &mut out);
        }
    }
    Report {
        service_date,
        findings: out,
    }
}

/// An eligibility result from the delivery month is required, and the latest must be active.
fn eligibility(facts: &OrderFacts, service_date: Date, out: &mut Vec<Finding>) {
    let latest = facts
        .eligibility
        .iter()
        .filter(|result| {
            result.checked_on.year() == service_date.year()
                && result.checked_on.month() == service_date.month()
        })
        .max_by_key(|result| result.checked_on);
    match latest {
        None => out.push(Finding::new(&req::ELIGIBILITY_MONTH, None)),
        Some(result) if !result.active => out.push(Finding::new(&req::ELIGIBILITY_INACTIVE, None)),
        Some(_) => {}
    }
}

/// A listed line needs a request that covers the date of service. When none does, the reason
/// shown is that of the most advanced request: affirmed, then submitted or draft, then expired,
/// then non-affirmed (the first such request wins a tie).
fn prior_auth(
    facts: &OrderFacts,
    list: &PriorAuthList,
    line: &LineFacts,
    index: usize,
    service_date: Date,
    out: &mut Vec<Finding>,
) {
    let rank = |status: PaStatus| match status {
        PaStatus::Affirmed => 3,
        PaStatus::Submitted | PaStatus::Draft => 2,
        PaStatus::Expired => 1,
        PaStatus::NonAffirmed => 0,
    };
    let mut best: Option<(u8, &'static req::Requirement)> = None;
    for request in facts.prior_auths.iter().filter(|pa| pa.hcpcs == line.hcpcs) {
        match list.covers(request, service_date) {
            Ok(()) => return,
            Err(reason) => {
                let this = rank(request.status);
                if best.is_none_or(|(best_rank, _)| this > best_rank) {
                    best = Some((this, reason));
                }
            }
        }
    }
    let reason = best.map_or(&req::PA_MISSING, |(_, reason)| reason);
    out.push(Finding::new(reason, Some(index)));
}

/// Items Medicare only rents.
fn rent_or_buy(
    line: &LineFacts,
    family: Option<ProductFamily>,
    index: usize,
    out: &mut Vec<Finding>,
) {
    if line.rent_or_buy != RentOrBuy::Purchase {
        return;
    }
    match family {
        Some(ProductFamily::Oxygen) => out.push(Finding::new(&req::OX_RENTAL_ONLY, Some(index))),
        Some(ProductFamily::PowerMobility)
            if in_ranges(STANDARD_POWER_WHEELCHAIRS, &line.hcpcs) =>
        {
            out.push(Finding::new(&req::PMD_RENTAL_ONLY, Some(index)));
        }
        _ => {}
    }
}

fn first_line_of(facts: &OrderFacts, family: ProductFamily) -> Option<usize> {
    facts
        .lines
        .iter()
        .position(|line| ProductFamily::of(&line.hcpcs) == Some(family))
}

/// The family's checklist items not yet satisfied, then the family's date and diagnosis rules.
fn family_checklist(
    facts: &OrderFacts,
    family: ProductFamily,
    first: usize,
    service_date: Date,
    out: &mut Vec<Finding>,
) {
    let abn = abn_on_file(facts, family, service_date);
    for item in family.checklist() {
        // The finding names the first line the item applies to (E0470's CPAP trial, say).
        let Some(line) = facts.lines.iter().position(|line| {
            ProductFamily::of(&line.hcpcs) == Some(family) && item.applies_to(&line.hcpcs)
        }) else {
            continue;
        };
        if marked(facts, item).next().is_some() {
            continue;
        }
        let mut finding = Finding::new(&item.requirement, Some(line));
        if abn && item.abn_may_cover && finding.is_blocking() {
            finding.severity = Severity::Warning;
            finding.abn_on_file = true;
        }
        out.push(finding);
    }
    match family {
        ProductFamily::Pap => pap_rules(facts, first, out),
        ProductFamily::Oxygen => oxygen_rules(facts, first, out),
        ProductFamily::HospitalBed
        | ProductFamily::ManualWheelchair
        | ProductFamily::PowerMobility => {}
    }
}

/// Documents a person marked as satisfying `item`, of a kind the item accepts. A marking on a
/// document of another kind does not count; the pages offer only matching documents.
fn marked<'a>(
    facts: &'a OrderFacts,
    item: &'a ChecklistItem,
) -> impl Iterator<Item = &'a DocumentFacts> + 'a {
    facts.documents.iter().filter(|document| {
        item.accepts(document.kind)
            && document
                .satisfies
                .iter()
                .any(|id| id == item.requirement.id)
    })
}

/// A signed ABN dated by the date of service, for the whole order or one of the family's lines.
fn abn_on_file(facts: &OrderFacts, family: ProductFamily, service_date: Date) -> bool {
    facts.documents.iter().any(|document| {
        document.kind == DocumentKind::Abn
            && document.date.is_some_and(|signed| signed <= service_date)
            && document.line.is_none_or(|line| {
                facts
                    .lines
                    .get(line)
                    .is_some_and(|line| ProductFamily::of(&line.hcpcs) == Some(family))
            })
    })
}

/// The evaluation must come before the sleep test (§3 A): the earliest dated evaluation is
/// compared with the latest dated test; the same day counts as before. Undated documents are
/// taken on the marking person's word.
fn pap_rules(facts: &OrderFacts, first: usize, out: &mut Vec<Finding>) {
    let evaluation = marked(facts, &families::PAP_EVALUATION)
        .filter_map(|document| document.date)
        .min();
    let test = marked(facts, &families::PAP_SLEEP_TEST)
        .filter_map(|document| document.date)
        .max();
    if let (Some(evaluation), Some(test)) = (evaluation, test)
        && evaluation > test
    {
        out.push(Finding::new(&req::PAP_EVALUATION_AFTER_TEST, Some(first)));
    }
    let osa = facts
        .diagnoses
        .iter()
        .any(|diagnosis| diagnosis.as_str().starts_with("G4733"));
    // With no diagnosis at all, DIAGNOSIS already holds the order.
    if !osa && !facts.diagnoses.is_empty() {
        out.push(Finding::new(&req::PAP_OSA_DIAGNOSIS, Some(first)));
    }
}

/// Warns when the newest qualifying test is more than 30 days older than the order.
fn oxygen_rules(facts: &OrderFacts, first: usize, out: &mut Vec<Finding>) {
    let newest = marked(facts, &families::OX_QUALIFYING_TEST)
        .filter_map(|document| document.date)
        .max();
    let oldest_allowed = facts
        .order_date
        .and_then(|order| order.checked_sub(Duration::days(OXYGEN_TEST_MAX_AGE_DAYS)));
    if let (Some(test), Some(oldest_allowed)) = (newest, oldest_allowed)
        && test < oldest_allowed
    {
        out.push(Finding::new(&req::OX_TEST_AGE, Some(first)));
    }
}
