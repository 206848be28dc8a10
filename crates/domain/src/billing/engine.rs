//! Turns one [`RentalInput`] into the lines to bill, the months not billed, and the rules behind each.

use serde::Serialize;
use time::Date;

use super::input::{Category, Event, OxygenGroup, RentalInput, RestOfMonth, date_format};
use super::months::{MonthSpan, anniversary, rental_month};
use super::rules::{self, Rule};
use crate::money::{FULL_BASIS_POINTS, Money};

/// Schedules are limited to 10 years so that any input, however odd, stays cheap to evaluate.
const MAX_MONTHS: u32 = 120;
/// Paid months in a capped-rental period (medicare-rules.md §1.2).
const CAPPED_RENTAL_MONTHS: u32 = 13;
/// Paid months in an oxygen period (medicare-rules.md §1.4).
const OXYGEN_PAID_MONTHS: u32 = 36;
/// Oxygen useful lifetime in months (medicare-rules.md §1.4).
const OXYGEN_LIFETIME_MONTHS: u32 = 60;

/// A problem with the input, naming the field to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InputError {
    /// The field's JSON path, e.g. `events[2].end`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl InputError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A claim-line modifier this engine can emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Modifier {
    /// Rental.
    Rr,
    /// New equipment purchase.
    Nu,
    /// Used equipment purchase.
    Ue,
    /// Capped rental month 1.
    Kh,
    /// Capped rental months 2–3.
    Ki,
    /// Capped rental months 4–13.
    Kj,
    /// Medical-policy requirements met.
    Kx,
    /// ABN on file; expected denial.
    Ga,
    /// Expected denial; no ABN.
    Gz,
    /// Oxygen: stationary flow at rest below 1 LPM.
    Qe,
    /// Oxygen: day and night flows differ, average below 1 LPM.
    Qa,
    /// Oxygen: above 4 LPM, stationary only.
    Qg,
    /// Oxygen: day and night flows differ, average above 4 LPM, stationary only.
    Qr,
    /// Oxygen: above 4 LPM with a portable.
    Qf,
    /// Oxygen: day and night flows average above 4 LPM with a portable.
    Qb,
    /// Oxygen Group I.
    N1,
    /// Oxygen Group II.
    N2,
    /// Oxygen Group III.
    N3,
}

/// Where a modifier must sit on a claim line (medicare-rules.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModifierKind {
    /// Pricing modifiers go first (RR, NU, UE, KH, KI, KJ; §2.1 ranks KH/KI/KJ with RR; the
    /// oxygen Q modifiers change the payment, so Durable ranks them here too).
    Pricing,
    /// KX goes right after the pricing modifiers.
    Kx,
    /// Everything else goes last.
    Informational,
}

impl Modifier {
    /// The two-character code as it appears on the claim.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rr => "RR",
            Self::Nu => "NU",
            Self::Ue => "UE",
            Self::Kh => "KH",
            Self::Ki => "KI",
            Self::Kj => "KJ",
            Self::Kx => "KX",
            Self::Ga => "GA",
            Self::Gz => "GZ",
            Self::Qe => "QE",
            Self::Qa => "QA",
            Self::Qg => "QG",
            Self::Qr => "QR",
            Self::Qf => "QF",
            Self::Qb => "QB",
            Self::N1 => "N1",
            Self::N2 => "N2",
            Self::N3 => "N3",
        }
    }

    /// Which position group the modifier belongs to.
    pub fn kind(self) -> ModifierKind {
        match self {
            Self::Rr
            | Self::Nu
            | Self::Ue
            | Self::Kh
            | Self::Ki
            | Self::Kj
            | Self::Qe
            | Self::Qa
            | Self::Qg
            | Self::Qr
            | Self::Qf
            | Self::Qb => ModifierKind::Pricing,
            Self::Kx => ModifierKind::Kx,
            Self::Ga | Self::Gz | Self::N1 | Self::N2 | Self::N3 => ModifierKind::Informational,
        }
    }
}

/// One billable rental month, purchase or supply delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Rental period, from 1; a break in need with a new order starts the next one.
    pub period: u32,
    /// Paid-month number within the period (stays do not count); 0 for purchases and supplies.
    pub rental_month: u32,
    /// Date of service: the first day of the rental month, or the purchase or delivery date.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day of the rental month; equals `from` for purchases and supplies.
    #[serde(with = "date_format")]
    pub to: Date,
    /// HCPCS code billed.
    pub hcpcs: String,
    /// Modifiers in claim order, at most 4.
    pub modifiers: Vec<Modifier>,
    /// Units billed: 1 for a rental month or purchase, the units delivered for supplies.
    pub units: u32,
    /// Amount charged; equals `allowed` until supplier price lists exist.
    pub charge: Money,
    /// Medicare allowed amount.
    pub allowed: Money,
    /// Rules that decided this line.
    pub rules: Vec<Rule>,
}

/// Why a rental month is not billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The beneficiary was in a hospital or facility on the anniversary date.
    FacilityStay,
    /// Oxygen after 36 paid months: furnished without rental payment.
    OxygenCapReached,
    /// Returned and not in use until a later `resume` event.
    NotInUse,
}

/// A month (or stay) in which nothing is billed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedMonth {
    /// First day not billed.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day not billed.
    #[serde(with = "date_format")]
    pub to: Date,
    /// Why.
    pub reason: SkipReason,
    /// Rules that decided it.
    pub rules: Vec<Rule>,
}

/// Everything the engine decided for one rental.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// Billable months in date order.
    pub lines: Vec<Line>,
    /// Months not billed, in date order.
    pub skipped: Vec<SkippedMonth>,
    /// Capped rental: the day title passes to the beneficiary (after the 13th paid month).
    #[serde(with = "date_format::option")]
    pub title_transfer: Option<Date>,
    /// Oxygen: the first day after the 5-year useful lifetime; new equipment may be elected from it.
    #[serde(with = "date_format::option")]
    pub useful_lifetime_end: Option<Date>,
    /// The earliest death, or a return no later `resume` follows: nothing is billed for months
    /// starting after it.
    #[serde(with = "date_format::option")]
    pub end_of_need: Option<Date>,
    /// Sum of `charge` over the lines.
    pub total_charge: Money,
    /// Sum of `allowed` over the lines.
    pub total_allowed: Money,
}

/// A checked interruption: first and last day not billed for.
#[derive(Clone, Copy)]
struct Stay {
    start: Date,
    end: Date,
    kind: StayKind,
}

/// Why the item was not in use.
#[derive(Clone, Copy)]
enum StayKind {
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

/// What the prescribed oxygen flow does to each month's lines (medicare-rules.md §1.4, §2).
#[derive(Clone, Copy)]
struct Flow {
    /// The Q modifier and its rule, if the flow calls for one.
    modifier: Option<(Modifier, Rule)>,
    /// Share of the monthly fee the stationary line pays, in basis points.
    stationary_bp: u32,
    /// Allowed amount of the portable line, if a portable is prescribed.
    portable: Option<Money>,
    /// QF/QB go on the portable line too; QE/QA price the stationary line only.
    on_portable: bool,
}

/// Every event checked once: interruptions sorted by start, the final end of need, deliveries.
struct Timeline {
    stays: Vec<Stay>,
    end_of_need: Option<Date>,
    /// Delivery date and units, sorted by date.
    deliveries: Vec<(Date, u32)>,
}

/// What each category pays, checked once before the month loop.
#[derive(Clone, Copy)]
enum Plan {
    Capped {
        price: Money,
        power_wheelchair: bool,
    },
    Oxygen {
        fee: Money,
        group: Option<OxygenGroup>,
        flow: Flow,
    },
    Servicing {
        fee: Money,
    },
    Irp {
        fee: Money,
        price: Money,
    },
    Purchase {
        price: Money,
        used: bool,
    },
    Supplies {
        unit_price: Money,
    },
}

/// Schedules `input` month by month up to `input.through`.
pub fn schedule(input: &RentalInput) -> Result<Schedule, InputError> {
    let plan = plan(input)?;
    let first = input.first_date_of_service;
    check_through(input)?;
    let timeline = timeline(input, plan)?;
    let end_of_need = timeline.end_of_need;
    let stays = &timeline.stays;

    let mut out = Schedule {
        lines: Vec::new(),
        skipped: Vec::new(),
        title_transfer: None,
        useful_lifetime_end: None,
        end_of_need,
        total_charge: Money::ZERO,
        total_allowed: Money::ZERO,
    };
    let cap = match plan {
        Plan::Capped { .. } => CAPPED_RENTAL_MONTHS,
        Plan::Oxygen { .. } => OXYGEN_PAID_MONTHS,
        Plan::Servicing { .. } | Plan::Irp { .. } => u32::MAX,
        Plan::Purchase { price, used } => {
            let (modifier, rule) = if used {
                (Modifier::Ue, rules::IRP_PURCHASE_UE)
            } else {
                (Modifier::Nu, rules::IRP_PURCHASE_NU)
            };
            let line = one_day_line(input, first, 1, price, Some(modifier), rule);
            push(&mut out, line)?;
            return Ok(out);
        }
        Plan::Supplies { unit_price } => {
            for &(date, units) in &timeline.deliveries {
                if date > input.through {
                    break;
                }
                let amount = unit_price.checked_mul(units).ok_or_else(too_large)?;
                let line = one_day_line(input, date, units, amount, None, rules::SU_DELIVERY);
                push(&mut out, line)?;
            }
            return Ok(out);
        }
    };
    let useful_lifetime_end = match plan {
        Plan::Oxygen { .. } => Some(
            anniversary(first, OXYGEN_LIFETIME_MONTHS)
                .map(|(date, _)| date)
                .ok_or_else(too_late)?,
        ),
        _ => None,
    };
    out.useful_lifetime_end = useful_lifetime_end;
    out.lines.reserve(cap.min(MAX_MONTHS) as usize);

    let mut anchor = first;
    let mut month_of_anchor = 1;
    let mut paid = 0;
    let mut period = 1;
    let mut resumed: Vec<Rule> = Vec::new();
    loop {
        let span = rental_month(anchor, month_of_anchor).ok_or_else(too_late)?;
        if span.from > input.through
            || end_of_need.is_some_and(|end| span.from > end)
            || useful_lifetime_end.is_some_and(|end| span.from >= end)
        {
            break;
        }
        if let Some(stay) = stays
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
                        if !matches!(plan, Plan::Capped { .. }) {
                            return Err(InputError::new(
                                format!("events[{index}].new_order"),
                                "A new rental period after a break in need is encoded for capped rental only; schedule the new period as its own rental.",
                            ));
                        }
                        paid = 0;
                        period += 1;
                        resumed = vec![rules::BIN_NEW_PERIOD, rules::BIN_WINDOW];
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
            match plan {
                Plan::Oxygen { .. } => {
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
                // Capped rental: the beneficiary owns the item; no more rental months exist.
                _ => break,
            }
        }
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
        let mut line = line(input, plan, paid, span, &resumed, end_of_need)?;
        line.period = period;
        resumed.clear();
        if let Some(remaining) = remaining
            && line.allowed >= remaining
        {
            line.allowed = remaining;
            line.charge = remaining;
            line.rules.push(rules::IRP_RENT_CAP);
        }
        if matches!(plan, Plan::Capped { .. }) && paid == CAPPED_RENTAL_MONTHS {
            out.title_transfer = span.to.next_day();
        }
        let portable = portable_line(input, plan, &line);
        push(&mut out, line)?;
        if let Some(portable) = portable {
            push(&mut out, portable)?;
        }
    }
    Ok(out)
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
fn push(out: &mut Schedule, line: Line) -> Result<(), InputError> {
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
            RestOfMonth::IncludesReturnDay => 0,
            RestOfMonth::AfterReturnDay => 1,
        };
    days_not_in_use > 60 + rest_of_month
}

/// A purchase or delivery: one line dated `date`, with `pricing` (if any) first then KX/GA/GZ.
fn one_day_line(
    input: &RentalInput,
    date: Date,
    units: u32,
    amount: Money,
    pricing: Option<Modifier>,
    rule: Rule,
) -> Line {
    let mut modifiers: Vec<Modifier> = pricing.into_iter().collect();
    let mut fired = vec![rule];
    documentation_modifier(input, date, &mut modifiers, &mut fired);
    fired.push(rules::MOD_ORDER);
    Line {
        period: 1,
        rental_month: 0,
        from: date,
        to: date,
        hcpcs: input.item.hcpcs.clone(),
        modifiers,
        units,
        charge: amount,
        allowed: amount,
        rules: fired,
    }
}

/// KX when the checklist is met, else GA with an ABN signed by `date`, else GZ.
fn documentation_modifier(
    input: &RentalInput,
    date: Date,
    modifiers: &mut Vec<Modifier>,
    fired: &mut Vec<Rule>,
) {
    let documentation = &input.documentation;
    if documentation.checklist_met {
        modifiers.push(Modifier::Kx);
        fired.push(rules::MOD_KX);
    } else if documentation
        .abn
        .as_ref()
        .is_some_and(|abn| abn.signed_date <= date)
    {
        modifiers.push(Modifier::Ga);
        fired.push(rules::MOD_GA);
    } else {
        modifiers.push(Modifier::Gz);
        fired.push(rules::MOD_GZ);
    }
}

/// Builds one billable month: amount, modifiers in claim order, and the rules that fired.
fn line(
    input: &RentalInput,
    plan: Plan,
    month: u32,
    span: MonthSpan,
    resumed: &[Rule],
    end_of_need: Option<Date>,
) -> Result<Line, InputError> {
    let mut modifiers = Vec::with_capacity(4);
    let mut fired = Vec::with_capacity(10);
    fired.push(rules::MONTH_ANNIVERSARY);
    if span.clamped {
        fired.push(rules::MONTH_CLAMP);
    }
    fired.extend_from_slice(resumed);
    let allowed = match plan {
        Plan::Capped {
            price,
            power_wheelchair,
        } => {
            let (basis_points, rate_rule) = match (power_wheelchair, month <= 3) {
                (false, true) => (1000, rules::CR_RATE_STD_1_3),
                (false, false) => (750, rules::CR_RATE_STD_4_13),
                (true, true) => (1500, rules::CR_RATE_PWC_1_3),
                (true, false) => (600, rules::CR_RATE_PWC_4_13),
            };
            let (month_modifier, month_rule) = match month {
                1 => (Modifier::Kh, rules::CR_MOD_KH),
                2 | 3 => (Modifier::Ki, rules::CR_MOD_KI),
                _ => (Modifier::Kj, rules::CR_MOD_KJ),
            };
            modifiers.extend([Modifier::Rr, month_modifier]);
            fired.extend([rate_rule, rules::MOD_RR, month_rule]);
            if month == CAPPED_RENTAL_MONTHS {
                fired.extend([rules::CR_CAP_13, rules::CR_TITLE]);
            }
            price.percent_bp(basis_points).ok_or_else(too_large)?
        }
        Plan::Oxygen { fee, flow, .. } => {
            fired.extend([rules::OX_MONTHLY, rules::OX_NO_RR]);
            if month == OXYGEN_PAID_MONTHS {
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

    documentation_modifier(input, span.from, &mut modifiers, &mut fired);

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
    }
    fired.push(rules::MOD_ORDER);
    if end_of_need.is_some_and(|end| span.from <= end && end <= span.to) {
        fired.push(rules::END_MONTH_PAID);
    }

    Ok(Line {
        period: 1,
        rental_month: month,
        from: span.from,
        to: span.to,
        hcpcs: input.item.hcpcs.clone(),
        modifiers,
        units: 1,
        charge: allowed,
        allowed,
        rules: fired,
    })
}

/// Checks the item fields each category needs and refuses the ones it cannot use.
fn plan(input: &RentalInput) -> Result<Plan, InputError> {
    let item = &input.item;
    check_hcpcs("item.hcpcs", &item.hcpcs)?;
    let category = item.category;
    if item.power_wheelchair && category != Category::CappedRental {
        return Err(InputError::new(
            "item.power_wheelchair",
            "Only capped rental items can be power wheelchairs.",
        ));
    }
    if item.oxygen_group.is_some() && category != Category::Oxygen {
        return Err(InputError::new(
            "item.oxygen_group",
            "An oxygen group applies only to oxygen items.",
        ));
    }
    if item.unit_price.is_some() && category != Category::Supplies {
        return Err(InputError::new(
            "item.unit_price",
            "Only supplies are priced per unit; use purchase_price or monthly_fee.",
        ));
    }
    if item.oxygen_flow.is_some() && category != Category::Oxygen {
        return Err(InputError::new(
            "item.oxygen_flow",
            "A flow rate applies only to oxygen items.",
        ));
    }
    if input.purchase.is_some() && category != Category::InexpensiveRoutinelyPurchased {
        return Err(InputError::new(
            "purchase",
            "Only inexpensive_routinely_purchased items can be bought in this slice; leave purchase out.",
        ));
    }
    match category {
        Category::CappedRental => {
            if item.monthly_fee.is_some() {
                return Err(InputError::new(
                    "item.monthly_fee",
                    "Capped rental is priced from purchase_price; leave monthly_fee out.",
                ));
            }
            let price = non_negative("item.purchase_price", item.purchase_price)?;
            Ok(Plan::Capped {
                price,
                power_wheelchair: item.power_wheelchair,
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
                Plan::Oxygen {
                    fee,
                    group: item.oxygen_group,
                    flow: flow(input, fee)?,
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

/// Prices the prescribed flow (medicare-rules.md §1.4 flow-rate pricing, §2 Q rows). Flows are in
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
fn check_hcpcs(field: &str, code: &str) -> Result<(), InputError> {
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
fn non_negative(field: &str, amount: Option<Money>) -> Result<Money, InputError> {
    match amount {
        None => Err(InputError::new(field, "Required for this category.")),
        Some(amount) if amount.is_negative() => {
            Err(InputError::new(field, "Must not be negative."))
        }
        Some(amount) => Ok(amount),
    }
}

/// The through-date must not precede the first date of service nor lie more than 10 years after it.
fn check_through(input: &RentalInput) -> Result<(), InputError> {
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

/// Checks every event: dates on or after the first date of service, stays that end after they
/// start and do not overlap, each resume after an open return, deliveries for supplies only.
/// The end of need is the earliest death or a return never followed by a resume.
fn timeline(input: &RentalInput, plan: Plan) -> Result<Timeline, InputError> {
    let first = input.first_date_of_service;
    let supplies = matches!(plan, Plan::Supplies { .. });
    let mut stays: Vec<(usize, Stay)> = Vec::new();
    let mut deliveries: Vec<(Date, usize, u32)> = Vec::new();
    // (date, index, event) for returns, resumes and deaths, walked in date order.
    let mut needs: Vec<(Date, usize, &Event)> = Vec::new();
    for (index, event) in input.events.iter().enumerate() {
        match *event {
            Event::Return { date } | Event::Death { date } | Event::Resume { date, .. } => {
                if date < first {
                    return Err(before_first(index, "date"));
                }
                needs.push((date, index, event));
            }
            Event::Delivery { date, units } => {
                if date < first {
                    return Err(before_first(index, "date"));
                }
                if !supplies {
                    return Err(InputError::new(
                        format!("events[{index}].kind"),
                        "Deliveries apply to supplies only.",
                    ));
                }
                if units == 0 {
                    return Err(InputError::new(
                        format!("events[{index}].units"),
                        "At least one unit must be delivered.",
                    ));
                }
                deliveries.push((date, index, units));
            }
            Event::Stay { start, end } => {
                if start < first {
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
                        start,
                        end,
                        kind: StayKind::Facility,
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
            Event::Stay { .. } | Event::Delivery { .. } => {}
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
    Ok(Timeline {
        stays: stays.into_iter().map(|(_, stay)| stay).collect(),
        end_of_need,
        deliveries: deliveries
            .into_iter()
            .map(|(date, _, units)| (date, units))
            .collect(),
    })
}

fn before_first(index: usize, field: &str) -> InputError {
    InputError::new(
        format!("events[{index}].{field}"),
        "Must be on or after first_date_of_service.",
    )
}

fn too_late() -> InputError {
    InputError::new(
        "first_date_of_service",
        "Too close to the end of the supported calendar (year 9999).",
    )
}

fn too_large() -> InputError {
    InputError::new("item", "Amounts are too large to compute in cents.")
}
