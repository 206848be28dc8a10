//! Checks every dated event once and sorts it into what the month loop needs: interruptions,
//! the end of need, supply deliveries, replacements and repairs.

use time::Date;

use super::input::{Event, RentalInput, ReplacementReason, SupplierSide};
use super::jurisdiction::JurisdictionTable;
use super::months::anniversary;
use super::output::InputError;
use super::plan::{Plan, check_hcpcs, non_negative, too_late};
use crate::money::Money;

/// Useful lifetime of oxygen equipment (§1.4) and the floor for other DME (§1.5), in months.
pub(super) const USEFUL_LIFETIME_MONTHS: u32 = 60;

/// A checked interruption: first and last day not billed for.
#[derive(Clone, Copy)]
pub(super) struct Stay {
    pub start: Date,
    pub end: Date,
    pub kind: StayKind,
}

/// Why the item was not in use.
#[derive(Clone, Copy)]
pub(super) enum StayKind {
    /// Hospital or facility stay.
    Facility,
    /// Between a return and a resume.
    NotInUse {
        returned: Date,
        new_order: bool,
        /// Index of the resume event, for errors.
        index: usize,
    },
}

/// A checked replacement: the first day of a new period.
#[derive(Clone, Copy)]
pub(super) struct Replacement<'a> {
    pub date: Date,
    pub reason: ReplacementReason,
    /// Loss, theft or damage: what happened, when, and the police or fire report.
    pub what_happened: Option<&'a str>,
    pub incident_date: Option<Date>,
    pub report: Option<&'a str>,
}

/// A checked repair of beneficiary-owned equipment.
pub(super) struct Repair<'a> {
    pub date: Date,
    pub hcpcs: &'a str,
    pub units: u32,
    pub amount: Money,
    /// Index of the event, for errors found after scheduling (e.g. before title passed).
    pub index: usize,
}

/// A checked change of supplier (42 CFR 414.230).
pub(super) struct SupplierChange<'a> {
    pub date: Date,
    pub to: SupplierSide,
    /// The other supplier's name: the previous one when `to` is us, the next one otherwise.
    pub other: &'a str,
}

/// A checked purchase partway through an IRP rental (Medicare Benefit Policy Manual ch. 15 §110).
#[derive(Clone, Copy)]
pub(super) struct MidPurchase {
    pub date: Date,
    pub used: bool,
    pub charge: Option<Money>,
}

/// Every event checked once: interruptions sorted by start, the final end of need, deliveries,
/// replacements, repairs and supplier changes in date order, and a purchase during the rental.
pub(super) struct Timeline<'a> {
    pub stays: Vec<Stay>,
    pub end_of_need: Option<Date>,
    /// Delivery date and units, sorted by date.
    pub deliveries: Vec<(Date, u32)>,
    pub replacements: Vec<Replacement<'a>>,
    pub repairs: Vec<Repair<'a>>,
    /// Changes of the state of residence, in date order.
    pub moves: Vec<(Date, &'a str)>,
    pub suppliers: Vec<SupplierChange<'a>>,
    pub purchase: Option<MidPurchase>,
}

impl<'a> Timeline<'a> {
    /// The other supplier furnishing the item on `date`, or `None` when this schedule's supplier
    /// does. Before the first change, the side it changed from.
    pub(super) fn other_supplier_on(&self, date: Date) -> Option<&'a str> {
        let first = self.suppliers.first()?;
        let change = self.suppliers.iter().rev().find(|c| c.date <= date);
        match change {
            Some(change) => (change.to == SupplierSide::Other).then_some(change.other),
            None => (first.to == SupplierSide::Us).then_some(first.other),
        }
    }
}

/// Checks every event: dates on or after the first date of service, stays that end after they
/// start and do not overlap, each resume after an open return, deliveries for supplies only,
/// replacements for capped rental and oxygen, repairs of owned equipment. The end of need is the
/// earliest death or a return never followed by a resume.
pub(super) fn timeline(input: &RentalInput, plan: Plan) -> Result<Timeline<'_>, InputError> {
    let first = input.first_date_of_service;
    let supplies = matches!(plan, Plan::Supplies { .. });
    // A rented IRP item bought during the rental is the beneficiary's from then on, so its
    // repairs may be billed.
    let bought_later = input
        .events
        .iter()
        .any(|e| matches!(e, Event::Purchase { .. }));
    let mut suppliers: Vec<(usize, SupplierChange<'_>)> = Vec::new();
    let mut purchase: Option<(usize, MidPurchase)> = None;
    let mut stays: Vec<(usize, Stay)> = Vec::new();
    let mut deliveries: Vec<(Date, usize, u32)> = Vec::new();
    let mut replacements: Vec<(usize, Replacement<'_>)> = Vec::new();
    let mut moves: Vec<(Date, usize, &str)> = Vec::new();
    let mut repairs: Vec<Repair<'_>> = Vec::new();
    // (date, index, event) for returns, resumes and deaths, walked in date order.
    let mut needs: Vec<(Date, usize, &Event)> = Vec::new();
    for (index, event) in input.events.iter().enumerate() {
        match event {
            Event::Return { date } | Event::Death { date } | Event::Resume { date, .. } => {
                if *date < first {
                    return Err(before_first(index, "date"));
                }
                needs.push((*date, index, event));
            }
            Event::Delivery { date, units } => {
                if *date < first {
                    return Err(before_first(index, "date"));
                }
                if !supplies {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "Deliveries apply to supplies only.",
                    ));
                }
                if *units == 0 {
                    return Err(InputError::new(
                        format!("events[{index}].units"),
                        "At least one unit must be delivered.",
                    ));
                }
                deliveries.push((*date, index, *units));
            }
            Event::Stay { start, end } => {
                if *start < first {
                    return Err(before_first(index, "start"));
                }
                if end < start {
                    return Err(InputError::new(
                        format!("events[{index}].end"),
                        "A stay cannot end before it starts.",
                    ));
                }
                stays.push((
                    index,
                    Stay {
                        start: *start,
                        end: *end,
                        kind: StayKind::Facility,
                    },
                ));
            }
            Event::Replacement {
                date,
                reason,
                what_happened,
                incident_date,
                report,
            } => {
                if *date <= first {
                    return Err(InputError::new(
                        format!("events[{index}].date"),
                        "A replacement comes after the first date of service.",
                    ));
                }
                if !matches!(plan, Plan::Capped { .. } | Plan::Oxygen { .. }) {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "A replacement starts a new period for rented capped-rental and oxygen equipment only; schedule other replacements as their own rental or purchase.",
                    ));
                }
                let what_happened = what_happened.as_deref().map(str::trim);
                let report = report.as_deref().map(str::trim);
                if *reason == ReplacementReason::UsefulLifetime
                    && (what_happened.is_some() || incident_date.is_some() || report.is_some())
                {
                    return Err(InputError::new(
                        format!("events[{index}].what_happened"),
                        "What happened, its date and a report describe a loss, theft or damage; leave them out of a replacement after the useful lifetime.",
                    ));
                }
                if incident_date.is_some_and(|incident| incident > *date) {
                    return Err(InputError::new(
                        format!("events[{index}].incident_date"),
                        "The loss, theft or damage happens on or before the replacement is furnished.",
                    ));
                }
                replacements.push((
                    index,
                    Replacement {
                        date: *date,
                        reason: *reason,
                        what_happened: what_happened.filter(|w| !w.is_empty()),
                        incident_date: *incident_date,
                        report: report.filter(|r| !r.is_empty()),
                    },
                ));
            }
            Event::Repair {
                date,
                hcpcs,
                units,
                unit_price,
            } => {
                if *date < first {
                    return Err(before_first(index, "date"));
                }
                let owned = matches!(plan, Plan::Capped { .. } | Plan::Purchase { .. })
                    || (bought_later && matches!(plan, Plan::Irp { .. }));
                if !owned {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "Repairs (RB) are billed for beneficiary-owned equipment: a bought item, or a capped-rental item after title passed. Oxygen, frequent-servicing and rented items stay the supplier's.",
                    ));
                }
                check_hcpcs(&format!("events[{index}].hcpcs"), hcpcs)?;
                if *units == 0 {
                    return Err(InputError::new(
                        format!("events[{index}].units"),
                        "At least one part must be replaced.",
                    ));
                }
                let price =
                    non_negative(&format!("events[{index}].unit_price"), Some(*unit_price))?;
                let amount = price.checked_mul(*units).ok_or_else(|| {
                    InputError::new(
                        format!("events[{index}].unit_price"),
                        "Amounts are too large to compute in cents.",
                    )
                })?;
                repairs.push(Repair {
                    date: *date,
                    hcpcs,
                    units: *units,
                    amount,
                    index,
                });
            }
            Event::SupplierChange {
                date,
                to,
                other_supplier,
            } => {
                if *date <= first {
                    return Err(InputError::new(
                        format!("events[{index}].date"),
                        "A change of supplier comes after the first date of service.",
                    ));
                }
                if !matches!(plan, Plan::Capped { .. } | Plan::Oxygen { .. }) {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "A change of supplier that continues the month count is encoded for capped rental and oxygen only.",
                    ));
                }
                if other_supplier.trim().is_empty() {
                    return Err(InputError::new(
                        format!("events[{index}].other_supplier"),
                        "Name the other supplier: the claim narrative names the previous one.",
                    ));
                }
                suppliers.push((
                    index,
                    SupplierChange {
                        date: *date,
                        to: *to,
                        other: other_supplier.trim(),
                    },
                ));
            }
            Event::Move { date, state } => {
                if *date <= first {
                    return Err(InputError::new(
                        format!("events[{index}].date"),
                        "A move comes after the first date of service; give the state of residence on that date as `residence`.",
                    ));
                }
                moves.push((*date, index, state.trim()));
            }
            Event::Purchase { date, used, charge } => {
                if !matches!(plan, Plan::Irp { .. }) {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "A purchase during the rental is encoded for rented inexpensive/routinely purchased items only.",
                    ));
                }
                if *date <= first {
                    return Err(InputError::new(
                        format!("events[{index}].date"),
                        "A purchase on the first date of service is a purchase from the start: use `purchase` instead.",
                    ));
                }
                if let Some(charge) = charge {
                    non_negative(&format!("events[{index}].charge"), Some(*charge))?;
                }
                if purchase.is_some() {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "An item is bought once.",
                    ));
                }
                purchase = Some((
                    index,
                    MidPurchase {
                        date: *date,
                        used: *used,
                        charge: *charge,
                    },
                ));
            }
        }
    }
    needs.sort_by_key(|(date, index, _)| (*date, *index));
    let mut returned: Option<Date> = None;
    let mut death: Option<Date> = None;
    for &(date, index, event) in &needs {
        match *event {
            Event::Return { .. } => {
                // A second return while already returned changes nothing.
                returned.get_or_insert(date);
            }
            Event::Death { .. } => {
                death.get_or_insert(date);
            }
            Event::Resume { new_order, .. } => {
                let Some(since) = returned.filter(|since| *since < date && death.is_none()) else {
                    return Err(InputError::new(
                        format!("events[{index}].date"),
                        "A resume must come after a return (on a later day) and before any death.",
                    ));
                };
                returned = None;
                if let (Some(start), Some(end)) = (since.next_day(), date.previous_day())
                    && start <= end
                {
                    stays.push((
                        index,
                        Stay {
                            start,
                            end,
                            kind: StayKind::NotInUse {
                                returned: since,
                                new_order,
                                index,
                            },
                        },
                    ));
                }
            }
            _ => {}
        }
    }
    stays.sort_by_key(|(index, stay)| (stay.start, *index));
    for pair in stays.windows(2) {
        if let [(_, earlier), (index, later)] = pair
            && later.start <= earlier.end
        {
            let field = match later.kind {
                StayKind::Facility => "start",
                StayKind::NotInUse { .. } => "date",
            };
            return Err(InputError::new(
                format!("events[{index}].{field}"),
                "This stay or time out of use overlaps another.",
            ));
        }
    }
    let end_of_need = match (returned, death) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    deliveries.sort_by_key(|(date, index, _)| (*date, *index));
    if let Some(end) = end_of_need
        && let Some((_, index, _)) = deliveries.iter().find(|(date, _, _)| *date > end)
    {
        return Err(InputError::new(
            format!("events[{index}].date"),
            "A delivery after the return or death cannot be billed.",
        ));
    }
    repairs.sort_by_key(|r| (r.date, r.index));
    if let Some(end) = end_of_need
        && let Some(repair) = repairs.iter().find(|r| r.date > end)
    {
        return Err(InputError::new(
            format!("events[{}].date", repair.index),
            "A repair after the return or death cannot be billed.",
        ));
    }
    if let (Some(end), Some((index, bought))) = (end_of_need, purchase)
        && bought.date > end
    {
        return Err(InputError::new(
            format!("events[{index}].date"),
            "A purchase after the return or death cannot be billed.",
        ));
    }
    let suppliers = check_suppliers(suppliers, !replacements.is_empty(), end_of_need)?;
    let stays: Vec<Stay> = stays.into_iter().map(|(_, stay)| stay).collect();
    let replacements = check_replacements(input, replacements, &stays, end_of_need)?;
    let moves = check_moves(input, moves)?;
    Ok(Timeline {
        stays,
        end_of_need,
        deliveries: deliveries
            .into_iter()
            .map(|(date, _, units)| (date, units))
            .collect(),
        replacements,
        repairs,
        moves,
        suppliers,
        purchase: purchase.map(|(_, p)| p),
    })
}

/// The residence and its moves in date order, one a day, each to a state the DME MAC table
/// lists; a move needs the residence it moves from.
fn check_moves<'a>(
    input: &'a RentalInput,
    mut moves: Vec<(Date, usize, &'a str)>,
) -> Result<Vec<(Date, &'a str)>, InputError> {
    let table = JurisdictionTable::bundled().map_err(|err| InputError::new("residence", err))?;
    let known = |field: String, state: &str| {
        if table.knows(state) {
            Ok(())
        } else {
            Err(InputError::new(
                field,
                format!(
                    "{state:?} is not a state or territory with a DME MAC; use its two-letter postal code, like NY."
                ),
            ))
        }
    };
    if let Some(residence) = &input.residence {
        known("residence".to_owned(), residence.trim())?;
    }
    moves.sort_by_key(|(date, index, _)| (*date, *index));
    let mut previous: Option<Date> = None;
    for (date, index, state) in &moves {
        if input.residence.is_none() {
            return Err(InputError::new(
                "residence",
                "A move needs the state of residence on the first date of service.",
            ));
        }
        known(format!("events[{index}].state"), state)?;
        if previous == Some(*date) {
            return Err(InputError::new(
                format!("events[{index}].date"),
                "Only one move a day.",
            ));
        }
        previous = Some(*date);
    }
    Ok(moves
        .into_iter()
        .map(|(date, _, state)| (date, state))
        .collect())
}

/// Supplier changes in date order, one a day, alternating between this supplier and another,
/// none after the end of need, and not mixed with replacements (which would need a supplier for
/// the new equipment's first claim: not encoded).
fn check_suppliers(
    mut changes: Vec<(usize, SupplierChange<'_>)>,
    replaced: bool,
    end_of_need: Option<Date>,
) -> Result<Vec<SupplierChange<'_>>, InputError> {
    changes.sort_by_key(|(index, c)| (c.date, *index));
    let mut previous: Option<&SupplierChange<'_>> = None;
    for (index, change) in &changes {
        if replaced {
            return Err(InputError::new(
                format!("events[{index}].kind"),
                "A change of supplier together with a replacement is not encoded; schedule the replacement as its own rental.",
            ));
        }
        if end_of_need.is_some_and(|end| change.date > end) {
            return Err(InputError::new(
                format!("events[{index}].date"),
                "A change of supplier after the return or death changes nothing to bill.",
            ));
        }
        if let Some(previous) = previous {
            if previous.date == change.date {
                return Err(InputError::new(
                    format!("events[{index}].date"),
                    "Only one change of supplier a day.",
                ));
            }
            if previous.to == change.to {
                return Err(InputError::new(
                    format!("events[{index}].to"),
                    "The item already goes to this side at the previous change of supplier; changes alternate between us and another supplier.",
                ));
            }
        }
        previous = Some(change);
    }
    Ok(changes.into_iter().map(|(_, c)| c).collect())
}

/// Replacements in date order, one a day, none during a stay or after the end of need; one for
/// the end of the useful lifetime only once the lifetime of the equipment it replaces is over
/// (42 CFR 414.226; 42 CFR 414.210(f): 5 years from the date that equipment was furnished).
fn check_replacements<'a>(
    input: &RentalInput,
    mut replacements: Vec<(usize, Replacement<'a>)>,
    stays: &[Stay],
    end_of_need: Option<Date>,
) -> Result<Vec<Replacement<'a>>, InputError> {
    replacements.sort_by_key(|(index, r)| (r.date, *index));
    let mut furnished = input.first_date_of_service;
    let mut previous: Option<Date> = None;
    for (index, replacement) in &replacements {
        let field = format!("events[{index}].date");
        let date = replacement.date;
        if previous == Some(date) {
            return Err(InputError::new(field, "Only one replacement a day."));
        }
        if end_of_need.is_some_and(|end| date > end) {
            return Err(InputError::new(
                field,
                "A replacement after the return or death cannot be billed.",
            ));
        }
        if stays.iter().any(|s| s.start <= date && date <= s.end) {
            return Err(InputError::new(
                field,
                "A replacement during a stay or time out of use is not encoded; date it when use resumes.",
            ));
        }
        let (lifetime_end, _) =
            anniversary(furnished, USEFUL_LIFETIME_MONTHS).ok_or_else(too_late)?;
        if replacement.reason == ReplacementReason::UsefulLifetime && date < lifetime_end {
            return Err(InputError::new(
                field,
                format!(
                    "The useful lifetime of the equipment replaced ends on {lifetime_end}; before then only a loss (lost, stolen or irreparably damaged) allows a replacement."
                ),
            ));
        }
        furnished = date;
        previous = Some(date);
    }
    Ok(replacements.into_iter().map(|(_, r)| r).collect())
}

fn before_first(index: usize, field: &str) -> InputError {
    InputError::new(
        format!("events[{index}].{field}"),
        "Must be on or after first_date_of_service.",
    )
}
