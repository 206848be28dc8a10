//! Turns one [`RentalInput`] into the lines to bill, the months not billed, and the rules behind each.

use serde::Serialize;
use time::Date;

use super::input::{Category, Event, OxygenGroup, RentalInput, date_format};
use super::months::{MonthSpan, anniversary, rental_month};
use super::rules::{self, Rule};
use crate::money::Money;

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
    /// Pricing modifiers go first (RR, KH, KI, KJ; §2.1 ranks KH/KI/KJ with RR).
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
            Self::Kh => "KH",
            Self::Ki => "KI",
            Self::Kj => "KJ",
            Self::Kx => "KX",
            Self::Ga => "GA",
            Self::Gz => "GZ",
            Self::N1 => "N1",
            Self::N2 => "N2",
            Self::N3 => "N3",
        }
    }

    /// Which position group the modifier belongs to.
    pub fn kind(self) -> ModifierKind {
        match self {
            Self::Rr | Self::Kh | Self::Ki | Self::Kj => ModifierKind::Pricing,
            Self::Kx => ModifierKind::Kx,
            Self::Ga | Self::Gz | Self::N1 | Self::N2 | Self::N3 => ModifierKind::Informational,
        }
    }
}

/// One billable rental month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Paid-month number within the period (stays do not count).
    pub rental_month: u32,
    /// Date of service: the first day of the rental month.
    #[serde(with = "date_format")]
    pub from: Date,
    /// Last day of the rental month.
    #[serde(with = "date_format")]
    pub to: Date,
    /// HCPCS code billed.
    pub hcpcs: String,
    /// Modifiers in claim order, at most 4.
    pub modifiers: Vec<Modifier>,
    /// Units billed (one rental month).
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
    /// The earliest return or death: nothing is billed for months starting after it.
    #[serde(with = "date_format::option")]
    pub end_of_need: Option<Date>,
    /// Sum of `charge` over the lines.
    pub total_charge: Money,
    /// Sum of `allowed` over the lines.
    pub total_allowed: Money,
}

/// A checked facility stay, first and last day in the facility.
#[derive(Clone, Copy)]
struct Stay {
    start: Date,
    end: Date,
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
    },
    Servicing {
        fee: Money,
    },
}

/// Schedules `input` month by month up to `input.through`.
pub fn schedule(input: &RentalInput) -> Result<Schedule, InputError> {
    let plan = plan(input)?;
    let first = input.first_date_of_service;
    check_through(input)?;
    let stays = stays(input)?;
    let end_of_need = end_of_need(input);

    let cap = match plan {
        Plan::Capped { .. } => CAPPED_RENTAL_MONTHS,
        Plan::Oxygen { .. } => OXYGEN_PAID_MONTHS,
        Plan::Servicing { .. } => u32::MAX,
    };
    let useful_lifetime_end = match plan {
        Plan::Oxygen { .. } => Some(
            anniversary(first, OXYGEN_LIFETIME_MONTHS)
                .map(|(date, _)| date)
                .ok_or_else(too_late)?,
        ),
        _ => None,
    };

    let mut out = Schedule {
        lines: Vec::with_capacity(cap.min(MAX_MONTHS) as usize),
        skipped: Vec::new(),
        title_transfer: None,
        useful_lifetime_end,
        end_of_need,
        total_charge: Money::ZERO,
        total_allowed: Money::ZERO,
    };
    let mut anchor = first;
    let mut month_of_anchor = 1;
    let mut paid = 0;
    let mut resumed = false;
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
            // §1.3: a break in billing pauses the count; use resumes with a new date of service.
            out.skipped.push(SkippedMonth {
                from: span.from,
                to: stay.end,
                reason: SkipReason::FacilityStay,
                rules: vec![rules::BIB_STAY],
            });
            anchor = stay.end.next_day().ok_or_else(too_late)?;
            month_of_anchor = 1;
            resumed = true;
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
                Plan::Capped { .. } | Plan::Servicing { .. } => break,
            }
        }
        paid += 1;
        let line = line(input, plan, paid, span, resumed, end_of_need)?;
        resumed = false;
        if matches!(plan, Plan::Capped { .. }) && paid == CAPPED_RENTAL_MONTHS {
            out.title_transfer = span.to.next_day();
        }
        out.total_charge = out
            .total_charge
            .checked_add(line.charge)
            .ok_or_else(too_large)?;
        out.total_allowed = out
            .total_allowed
            .checked_add(line.allowed)
            .ok_or_else(too_large)?;
        out.lines.push(line);
    }
    Ok(out)
}

/// Builds one billable month: amount, modifiers in claim order, and the rules that fired.
fn line(
    input: &RentalInput,
    plan: Plan,
    month: u32,
    span: MonthSpan,
    resumed: bool,
    end_of_need: Option<Date>,
) -> Result<Line, InputError> {
    let mut modifiers = Vec::with_capacity(4);
    let mut fired = Vec::with_capacity(10);
    fired.push(rules::MONTH_ANNIVERSARY);
    if span.clamped {
        fired.push(rules::MONTH_CLAMP);
    }
    if resumed {
        fired.push(rules::BIB_RESUME);
    }
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
        Plan::Oxygen { fee, .. } => {
            fired.extend([rules::OX_MONTHLY, rules::OX_NO_RR]);
            if month == OXYGEN_PAID_MONTHS {
                fired.push(rules::OX_CAP_36);
            }
            fee
        }
        Plan::Servicing { fee } => {
            modifiers.push(Modifier::Rr);
            fired.extend([rules::FS_RENT, rules::MOD_RR]);
            fee
        }
    };

    let documentation = &input.documentation;
    if documentation.checklist_met {
        modifiers.push(Modifier::Kx);
        fired.push(rules::MOD_KX);
    } else if documentation
        .abn
        .as_ref()
        .is_some_and(|abn| abn.signed_date <= span.from)
    {
        modifiers.push(Modifier::Ga);
        fired.push(rules::MOD_GA);
    } else {
        modifiers.push(Modifier::Gz);
        fired.push(rules::MOD_GZ);
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
    }
    fired.push(rules::MOD_ORDER);
    if end_of_need.is_some_and(|end| span.from <= end && end <= span.to) {
        fired.push(rules::END_MONTH_PAID);
    }

    Ok(Line {
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
    let hcpcs = item.hcpcs.as_bytes();
    // HCPCS Level II: one letter and four digits.
    if hcpcs.len() != 5
        || !hcpcs[0].is_ascii_uppercase()
        || !hcpcs[1..].iter().all(u8::is_ascii_digit)
    {
        return Err(InputError::new(
            "item.hcpcs",
            "Expected a HCPCS Level II code: one capital letter and four digits, like E0260.",
        ));
    }
    let capped = item.category == Category::CappedRental;
    let oxygen = item.category == Category::Oxygen;
    if item.power_wheelchair && !capped {
        return Err(InputError::new(
            "item.power_wheelchair",
            "Only capped rental items can be power wheelchairs.",
        ));
    }
    if item.oxygen_group.is_some() && !oxygen {
        return Err(InputError::new(
            "item.oxygen_group",
            "An oxygen group applies only to oxygen items.",
        ));
    }
    match item.category {
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
            Ok(if oxygen {
                Plan::Oxygen {
                    fee,
                    group: item.oxygen_group,
                }
            } else {
                Plan::Servicing { fee }
            })
        }
        Category::InexpensiveRoutinelyPurchased | Category::Supplies => Err(InputError::new(
            "item.category",
            "The engine does not schedule this category yet; only capped_rental, oxygen and frequent_servicing.",
        )),
    }
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

/// Checks every event's dates and returns the stays sorted by start, refusing overlaps.
fn stays(input: &RentalInput) -> Result<Vec<Stay>, InputError> {
    let first = input.first_date_of_service;
    let mut stays: Vec<(usize, Stay)> = Vec::new();
    for (index, event) in input.events.iter().enumerate() {
        match *event {
            Event::Return { date } | Event::Death { date } => {
                if date < first {
                    return Err(before_first(index, "date"));
                }
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
                stays.push((index, Stay { start, end }));
            }
        }
    }
    stays.sort_by_key(|(index, stay)| (stay.start, *index));
    for pair in stays.windows(2) {
        if let [(_, earlier), (index, later)] = pair
            && later.start <= earlier.end
        {
            return Err(InputError::new(
                format!("events[{index}].start"),
                "This stay overlaps another stay.",
            ));
        }
    }
    Ok(stays.into_iter().map(|(_, stay)| stay).collect())
}

/// The earliest return or death, if any.
fn end_of_need(input: &RentalInput) -> Option<Date> {
    input
        .events
        .iter()
        .filter_map(|event| match *event {
            Event::Return { date } | Event::Death { date } => Some(date),
            Event::Stay { .. } => None,
        })
        .min()
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
