//! The standard written order (42 CFR 410.38): its six elements and its timing, and the
//! face-to-face encounter that listed items need before it (same section).

use time::Date;

use super::families::ProductFamily;
use super::input::{LineFacts, OrderFacts};
use super::report::Finding;
use super::requirements::{self as req, Requirement};
use crate::billing::months::anniversary;

/// The months within which the F2F encounter must precede the order (42 CFR 410.38).
const F2F_WINDOW_MONTHS: u32 = 6;

/// Elements 1, 2, 5 and 6, and the order date against the date of service.
pub(super) fn order_elements(facts: &OrderFacts, service_date: Date, out: &mut Vec<Finding>) {
    if facts.patient_name.trim().is_empty() && facts.patient_mbi.is_none() {
        out.push(Finding::new(&req::SWO_BENEFICIARY, None));
    }
    match facts.order_date {
        None => out.push(Finding::new(&req::SWO_ORDER_DATE, None)),
        // "Any date on or before the date of service" (element 2).
        Some(order_date) if order_date > service_date => {
            out.push(Finding::new(&req::SWO_ORDER_DATE_AFTER_DELIVERY, None));
        }
        Some(_) => {}
    }
    if facts.practitioner_name.trim().is_empty() && facts.practitioner_npi.is_none() {
        out.push(Finding::new(&req::SWO_PRACTITIONER, None));
    }
    if !facts.signed {
        out.push(Finding::new(&req::SWO_SIGNATURE, None));
    }
}

/// Elements 3 and 4 for one line.
pub(super) fn line_elements(line: &LineFacts, index: usize, out: &mut Vec<Finding>) {
    if line.description.trim().is_empty() {
        out.push(Finding::new(&req::SWO_DESCRIPTION, Some(index)));
    }
    // "Quantity, if applicable": equipment of a family dispenses one; supplies and accessories
    // need the quantity written.
    let quantity_missing = line.quantity.is_none_or(|quantity| quantity == 0);
    if quantity_missing && ProductFamily::of(&line.hcpcs).is_none() {
        out.push(Finding::new(&req::SWO_QUANTITY, Some(index)));
    }
}

/// Why a listed item fails the F2F rule, if it does. With no order date there is no window to
/// check yet; `SWO-ORDER-DATE` already holds the order.
pub(super) fn f2f_failure(facts: &OrderFacts) -> Option<&'static Requirement> {
    let Some(encounter) = facts.f2f_encounter else {
        return Some(&req::F2F_ENCOUNTER);
    };
    let order_date = facts.order_date?;
    if encounter > order_date {
        Some(&req::F2F_AFTER_ORDER)
    } else if within_window(encounter, order_date) {
        None
    } else {
        Some(&req::F2F_TOO_OLD)
    }
}

/// "Within the 6 months before the order date": the order is dated no later than the encounter's
/// 6-month anniversary (so exactly 6 months is in, a day more is out; day 29-31 clamps to the end
/// of a shorter month, as rental months do). An encounter on the order date itself counts.
fn within_window(encounter: Date, order_date: Date) -> bool {
    anniversary(encounter, F2F_WINDOW_MONTHS).is_none_or(|(last, _)| order_date <= last)
}

/// Why a written-order-prior-to-delivery item fails its timing, if it does. An unsigned order is
/// already held by `SWO-SIGNATURE`; once signed, the signature must be dated by delivery.
pub(super) fn wopd_failure(facts: &OrderFacts, service_date: Date) -> Option<&'static Requirement> {
    if !facts.signed {
        return None;
    }
    match facts.signature_date {
        Some(signed) if signed <= service_date => None,
        _ => Some(&req::WOPD_ORDER_BEFORE_DELIVERY),
    }
}
