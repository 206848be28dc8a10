//! Checks the item (and the upgrade, election, prior authorization) once, before any month is
//! scheduled, and turns it into a [`Plan`]: what each category pays.

use time::Date;

use super::input::{Category, OxygenGroup, OxygenMaintenance, PriceKind, RentalInput};
use super::months::anniversary;
use super::output::{InputError, Modifier};
use super::pap;
use super::rules::{self, Rule};
use crate::money::{FULL_BASIS_POINTS, Money};

/// Schedules are limited to 10 years so that any input, however odd, stays cheap to evaluate.
pub(super) const MAX_MONTHS: u32 = 120;
/// Paid months in a capped-rental period (42 CFR 414.229).
pub(super) const CAPPED_RENTAL_MONTHS: u32 = 13;
/// Paid months in an oxygen period (42 CFR 414.226).
pub(super) const OXYGEN_PAID_MONTHS: u32 = 36;

/// What the prescribed oxygen flow does to each month's lines (42 CFR 414.226; DME MAC modifier guidance).
#[derive(Clone, Copy)]
pub(super) struct Flow {
    /// The Q modifier and its rule, if the flow calls for one.
    pub modifier: Option<(Modifier, Rule)>,
    /// Share of the monthly fee the stationary line pays, in basis points.
    pub stationary_bp: u32,
    /// Allowed amount of the portable line, if a portable is prescribed.
    pub portable: Option<Money>,
    /// QF/QB go on the portable line too; QE/QA price the stationary line only.
    pub on_portable: bool,
}

/// What each category pays, checked once before the month loop.
#[derive(Clone, Copy)]
pub(super) enum Plan {
    Capped {
        price: Money,
        power_wheelchair: bool,
    },
    Oxygen {
        fee: Money,
        group: Option<OxygenGroup>,
        flow: Flow,
        /// Gaseous or liquid systems: the monthly contents fee paid after the 36 months.
        contents: Option<Money>,
        /// Concentrators under the MS setting: the fee paid every 6 months after the 36 months.
        maintenance: Option<Money>,
    },
    Servicing {
        fee: Money,
    },
    Irp {
        fee: Money,
        price: Money,
    },
    /// An IRP item, or a complex rehab power wheelchair, bought outright.
    Purchase {
        price: Money,
        used: bool,
    },
    Supplies {
        unit_price: Money,
    },
    /// A commercial or Medicaid payer's price option; its bands are in the schedule's context.
    Priced {
        kind: PriceKind,
        cap: Option<u32>,
    },
}

/// What happens once a rental has been paid its cap.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum AtCap {
    /// Billing stops.
    Stop,
    /// Billing stops and title passes to the beneficiary the next day.
    Title,
    /// The supplier keeps furnishing its equipment without rental payment (oxygen).
    Furnish,
}

impl Plan {
    /// Paid months in one period and what follows them; `None` when only need ends the rental.
    pub(super) fn cap(self) -> Option<(u32, AtCap)> {
        match self {
            Plan::Capped { .. } => Some((CAPPED_RENTAL_MONTHS, AtCap::Title)),
            Plan::Oxygen { .. } => Some((OXYGEN_PAID_MONTHS, AtCap::Furnish)),
            Plan::Priced {
                kind,
                cap: Some(cap),
            } => Some((
                cap,
                match kind {
                    PriceKind::CappedRental => AtCap::Title,
                    PriceKind::Oxygen => AtCap::Furnish,
                    PriceKind::Rental | PriceKind::Purchase => AtCap::Stop,
                },
            )),
            _ => None,
        }
    }
}

impl Plan {
    /// The same plan priced with the covered item's amounts (an upgrade's GK line).
    pub(super) fn covered(self, input: &RentalInput) -> Result<Option<Plan>, InputError> {
        let Some(upgrade) = &input.upgrade else {
            return Ok(None);
        };
        check_hcpcs("upgrade.hcpcs", &upgrade.hcpcs)?;
        if upgrade.hcpcs == input.item.hcpcs {
            return Err(InputError::new(
                "upgrade.hcpcs",
                "The covered item ordered must differ from the upgraded item furnished.",
            ));
        }
        let price = || non_negative("upgrade.purchase_price", upgrade.purchase_price);
        let fee = || non_negative("upgrade.monthly_fee", upgrade.monthly_fee);
        let covered = match self {
            Plan::Capped {
                power_wheelchair, ..
            } => {
                refuse_extra("upgrade.monthly_fee", upgrade.monthly_fee)?;
                Plan::Capped {
                    price: price()?,
                    power_wheelchair,
                }
            }
            Plan::Servicing { .. } => {
                refuse_extra("upgrade.purchase_price", upgrade.purchase_price)?;
                Plan::Servicing { fee: fee()? }
            }
            Plan::Purchase { used, .. } => {
                refuse_extra("upgrade.monthly_fee", upgrade.monthly_fee)?;
                Plan::Purchase {
                    price: price()?,
                    used,
                }
            }
            Plan::Oxygen { .. }
            | Plan::Irp { .. }
            | Plan::Supplies { .. }
            | Plan::Priced { .. } => {
                return Err(InputError::new(
                    "upgrade",
                    "Upgrades are encoded for capped rental, frequent-servicing rentals and purchases only.",
                ));
            }
        };
        Ok(Some(covered))
    }
}

/// Checks the item fields each category needs and refuses the ones it cannot use (Medicare).
pub(super) fn plan(input: &RentalInput) -> Result<Plan, InputError> {
    let item = &input.item;
    check_hcpcs("item.hcpcs", &item.hcpcs)?;
    if input.price_option.is_some() {
        return Err(InputError::new(
            "price_option",
            "Medicare is priced from the fee schedule (the item's amounts); price options are for commercial and Medicaid payers.",
        ));
    }
    let category = item.category;
    if item.power_wheelchair && category != Category::CappedRental {
        return Err(InputError::new(
            "item.power_wheelchair",
            "Only capped rental items can be power wheelchairs.",
        ));
    }
    if item.complex_rehab && !item.power_wheelchair {
        return Err(InputError::new(
            "item.complex_rehab",
            "A complex rehab power wheelchair is a power wheelchair: set power_wheelchair too.",
        ));
    }
    if item.oxygen_group.is_some() && category != Category::Oxygen {
        return Err(InputError::new(
            "item.oxygen_group",
            "An oxygen group applies only to oxygen items.",
        ));
    }
    if input.documentation.oxygen_retest_date.is_some() && category != Category::Oxygen {
        return Err(InputError::new(
            "documentation.oxygen_retest_date",
            "A retest date applies only to oxygen items.",
        ));
    }
    if input.documentation.oxygen_retest_order_date.is_some()
        && input
            .item
            .oxygen_group
            .is_none_or(|group| group == OxygenGroup::One)
    {
        return Err(InputError::new(
            "documentation.oxygen_retest_order_date",
            "The new order after a retest applies only to oxygen Groups II and III.",
        ));
    }
    if item.unit_price.is_some() && category != Category::Supplies {
        return Err(InputError::new(
            "item.unit_price",
            "Only supplies are priced per unit; use purchase_price or monthly_fee.",
        ));
    }
    for (field, given) in [
        ("item.oxygen_flow", item.oxygen_flow.is_some()),
        ("item.oxygen_contents", item.oxygen_contents.is_some()),
        (
            "item.oxygen_maintenance_fee",
            item.oxygen_maintenance_fee.is_some(),
        ),
    ] {
        if given && category != Category::Oxygen {
            return Err(InputError::new(field, "Applies only to oxygen items."));
        }
    }
    let buyable = category == Category::InexpensiveRoutinelyPurchased || item.complex_rehab;
    if input.purchase.is_some() && !buyable {
        return Err(InputError::new(
            "purchase",
            "Only inexpensive/routinely purchased items and complex rehab power wheelchairs can be bought up front; leave purchase out.",
        ));
    }
    check_election(input)?;
    check_upgrade_combinations(input)?;
    check_prior_authorization(input)?;
    pap::check_applies(input)?;
    match category {
        Category::CappedRental => {
            if item.monthly_fee.is_some() {
                return Err(InputError::new(
                    "item.monthly_fee",
                    "Capped rental is priced from purchase_price; leave monthly_fee out.",
                ));
            }
            let price = non_negative("item.purchase_price", item.purchase_price)?;
            Ok(match input.purchase {
                Some(purchase) => Plan::Purchase {
                    price,
                    used: purchase.used,
                },
                None => Plan::Capped {
                    price,
                    power_wheelchair: item.power_wheelchair,
                },
            })
        }
        Category::Oxygen | Category::FrequentServicing => {
            if item.purchase_price.is_some() {
                return Err(InputError::new(
                    "item.purchase_price",
                    "This category is rented only; use monthly_fee.",
                ));
            }
            let fee = non_negative("item.monthly_fee", item.monthly_fee)?;
            Ok(if category == Category::Oxygen {
                let (contents, maintenance) = after_cap(input)?;
                Plan::Oxygen {
                    fee,
                    group: item.oxygen_group,
                    flow: flow(input, fee)?,
                    contents,
                    maintenance,
                }
            } else {
                Plan::Servicing { fee }
            })
        }
        Category::InexpensiveRoutinelyPurchased => {
            let price = non_negative("item.purchase_price", item.purchase_price)?;
            match input.purchase {
                Some(purchase) => Ok(Plan::Purchase {
                    price,
                    used: purchase.used,
                }),
                None => Ok(Plan::Irp {
                    fee: non_negative("item.monthly_fee", item.monthly_fee)?,
                    price,
                }),
            }
        }
        Category::Supplies => {
            if item.purchase_price.is_some() || item.monthly_fee.is_some() {
                return Err(InputError::new(
                    "item.unit_price",
                    "Supplies are priced per unit only; leave purchase_price and monthly_fee out.",
                ));
            }
            Ok(Plan::Supplies {
                unit_price: non_negative("item.unit_price", item.unit_price)?,
            })
        }
    }
}

/// What oxygen pays after the 36 months (42 CFR 414.226): the contents fee of a gaseous or
/// liquid system, or, under the MS setting, a concentrator's maintenance fee. MS is for
/// concentrators, so a system with contents has no maintenance fee.
fn after_cap(input: &RentalInput) -> Result<(Option<Money>, Option<Money>), InputError> {
    let item = &input.item;
    let contents = match &item.oxygen_contents {
        None => None,
        Some(contents) => {
            check_hcpcs("item.oxygen_contents.hcpcs", &contents.hcpcs)?;
            if contents.hcpcs == item.hcpcs {
                return Err(InputError::new(
                    "item.oxygen_contents.hcpcs",
                    "The contents need their own HCPCS code (e.g. E0441-E0444), different from the equipment's.",
                ));
            }
            if item.oxygen_maintenance_fee.is_some() {
                return Err(InputError::new(
                    "item.oxygen_maintenance_fee",
                    "Maintenance (MS) is paid for concentrators; a gaseous or liquid system bills its contents instead.",
                ));
            }
            Some(non_negative(
                "item.oxygen_contents.monthly_fee",
                Some(contents.monthly_fee),
            )?)
        }
    };
    let maintenance = match input.settings.oxygen_maintenance {
        OxygenMaintenance::EverySixMonths if contents.is_none() => Some(non_negative(
            "item.oxygen_maintenance_fee",
            item.oxygen_maintenance_fee,
        )?),
        _ => {
            if item.oxygen_maintenance_fee.is_some() && contents.is_none() {
                return Err(InputError::new(
                    "item.oxygen_maintenance_fee",
                    "Maintenance (MS) is billed only under settings.oxygen_maintenance = every_six_months; leave the fee out or set it.",
                ));
            }
            None
        }
    };
    Ok((contents, maintenance))
}

/// BR/BU answer the rent/purchase offer for a rented complex rehab power wheelchair only, and
/// such a rental must give one (DME MAC modifier guidance BP/BR/BU rows, §2.1).
fn check_election(input: &RentalInput) -> Result<(), InputError> {
    let rented_complex_rehab = input.item.complex_rehab && input.purchase.is_none();
    match (rented_complex_rehab, input.election) {
        (true, None) => Err(InputError::new(
            "election",
            "A rented complex rehab power wheelchair's first claim says what the beneficiary answered to the purchase offer: \"rent\" (BR) or \"undecided\" after 30 days (BU).",
        )),
        (false, Some(_)) => Err(InputError::new(
            "election",
            "An election applies only to a rented complex rehab power wheelchair; leave it out.",
        )),
        _ => Ok(()),
    }
}

/// Combinations whose modifiers could not all fit on one line, or that make no sense, are
/// refused rather than truncated.
fn check_upgrade_combinations(input: &RentalInput) -> Result<(), InputError> {
    if input.upgrade.is_none() {
        return Ok(());
    }
    if input.item.complex_rehab {
        return Err(InputError::new(
            "upgrade",
            "Upgrades of complex rehab power wheelchairs are not encoded (BR/BU and GK would not fit on one line).",
        ));
    }
    if input.documentation.statutory_exclusion {
        return Err(InputError::new(
            "upgrade",
            "A statutorily excluded item (GY) has no covered item to bill with GK.",
        ));
    }
    if !input.documentation.checklist_met {
        return Err(InputError::new(
            "documentation.checklist_met",
            "An upgrade bills the ordered item as reasonable and necessary (GK): its policy checklist must be met.",
        ));
    }
    if let Some(index) = input
        .events
        .iter()
        .position(|e| matches!(e, super::input::Event::Replacement { .. }))
    {
        return Err(InputError::new(
            format!("events[{index}].kind"),
            "Replacing upgraded equipment is not encoded (RA and GK would not fit on one line); schedule the replacement as its own rental.",
        ));
    }
    Ok(())
}

/// A prior authorization belongs to an item on the Required Prior Authorization List and to this
/// item's code, and must pass the documentation checks' own validation (§5.3).
fn check_prior_authorization(input: &RentalInput) -> Result<(), InputError> {
    let Some(pa) = &input.documentation.prior_authorization else {
        return Ok(());
    };
    if !input.item.prior_authorization_required {
        return Err(InputError::new(
            "documentation.prior_authorization",
            "Only items on the Required Prior Authorization List carry a decision here; set item.prior_authorization_required.",
        ));
    }
    if pa.hcpcs.as_str() != input.item.hcpcs {
        return Err(InputError::new(
            "documentation.prior_authorization.hcpcs",
            "The prior authorization must be for the item billed (item.hcpcs).",
        ));
    }
    pa.validate().map_err(|errors| match errors.errors.first() {
        Some(first) => InputError::new(
            format!("documentation.prior_authorization.{}", first.field),
            first.message.clone(),
        ),
        None => InputError::new("documentation.prior_authorization", "Not valid."),
    })
}

/// Prices the prescribed flow (42 CFR 414.226 flow-rate pricing, §2 Q rows). Flows are in
/// tenths of an LPM; when the night flow differs from the rest flow their average decides, compared
/// exactly through the sum (average < 1 LPM ⇔ sum < 20 tenths).
fn flow(input: &RentalInput, fee: Money) -> Result<Flow, InputError> {
    let Some(prescribed) = &input.item.oxygen_flow else {
        return Ok(Flow {
            modifier: None,
            stationary_bp: FULL_BASIS_POINTS,
            portable: None,
            on_portable: false,
        });
    };
    let add_on = match &prescribed.portable {
        None => None,
        Some(portable) => {
            check_hcpcs("item.oxygen_flow.portable.hcpcs", &portable.hcpcs)?;
            if portable.hcpcs == input.item.hcpcs {
                return Err(InputError::new(
                    "item.oxygen_flow.portable.hcpcs",
                    "The portable needs its own HCPCS code, different from the stationary item's.",
                ));
            }
            Some(non_negative(
                "item.oxygen_flow.portable.add_on_fee",
                Some(portable.add_on_fee),
            )?)
        }
    };
    let rest = u64::from(prescribed.rest_tenths_lpm);
    // Twice the deciding flow, in tenths of an LPM.
    let (twice, averaged) = match prescribed.night_tenths_lpm {
        Some(night) if u64::from(night) != rest => (rest + u64::from(night), true),
        _ => (2 * rest, false),
    };
    let half = fee
        .percent_bp(FULL_BASIS_POINTS / 2)
        .ok_or_else(too_large)?;
    let (modifier, stationary_bp, portable, on_portable) = if twice < 20 {
        let modifier = if averaged {
            (Modifier::Qa, rules::OX_FLOW_QA)
        } else {
            (Modifier::Qe, rules::OX_FLOW_QE)
        };
        (Some(modifier), FULL_BASIS_POINTS / 2, add_on, false)
    } else if twice > 80 {
        match add_on {
            None => {
                let modifier = if averaged {
                    (Modifier::Qr, rules::OX_FLOW_QR)
                } else {
                    (Modifier::Qg, rules::OX_FLOW_QG)
                };
                (Some(modifier), FULL_BASIS_POINTS * 3 / 2, None, false)
            }
            Some(add_on) => {
                let modifier = if averaged {
                    (Modifier::Qb, rules::OX_FLOW_QB)
                } else {
                    (Modifier::Qf, rules::OX_FLOW_QF)
                };
                // The higher of the volume add-on and the portable add-on, never both.
                (
                    Some(modifier),
                    FULL_BASIS_POINTS,
                    Some(add_on.max(half)),
                    true,
                )
            }
        }
    } else {
        (None, FULL_BASIS_POINTS, add_on, false)
    };
    Ok(Flow {
        modifier,
        stationary_bp,
        portable,
        on_portable,
    })
}

/// A HCPCS Level II code: one capital letter and four digits.
pub(super) fn check_hcpcs(field: &str, code: &str) -> Result<(), InputError> {
    let bytes = code.as_bytes();
    if bytes.len() != 5
        || !bytes[0].is_ascii_uppercase()
        || !bytes[1..].iter().all(u8::is_ascii_digit)
    {
        return Err(InputError::new(
            field,
            "Expected a HCPCS Level II code: one capital letter and four digits, like E0260.",
        ));
    }
    Ok(())
}

/// A required amount that must not be negative.
pub(super) fn non_negative(field: &str, amount: Option<Money>) -> Result<Money, InputError> {
    match amount {
        None => Err(InputError::new(field, "Required for this category.")),
        Some(amount) if amount.is_negative() => {
            Err(InputError::new(field, "Must not be negative."))
        }
        Some(amount) => Ok(amount),
    }
}

/// An amount this category does not use.
fn refuse_extra(field: &str, amount: Option<Money>) -> Result<(), InputError> {
    match amount {
        Some(_) => Err(InputError::new(
            field,
            "Not used for this category; leave it out.",
        )),
        None => Ok(()),
    }
}

/// The through-date must not precede the first date of service nor lie more than 10 years after it.
pub(super) fn check_through(input: &RentalInput) -> Result<(), InputError> {
    let first = input.first_date_of_service;
    if input.through < first {
        return Err(InputError::new(
            "through",
            "Must be on or after first_date_of_service.",
        ));
    }
    let (limit, _) = anniversary(first, MAX_MONTHS).ok_or_else(too_late)?;
    if input.through >= limit {
        return Err(InputError::new(
            "through",
            "At most 10 years can be scheduled at once.",
        ));
    }
    Ok(())
}

/// Day `n` of therapy (day 1 is `start`), or `None` past the calendar.
pub(super) fn day_of_therapy(start: Date, n: i64) -> Option<Date> {
    start.checked_add(time::Duration::days(n - 1))
}

pub(super) fn too_late() -> InputError {
    InputError::new(
        "first_date_of_service",
        "Too close to the end of the supported calendar (year 9999).",
    )
}

pub(super) fn too_large() -> InputError {
    InputError::new("item", "Amounts are too large to compute in cents.")
}
