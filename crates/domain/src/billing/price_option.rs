//! Payers other than Medicare: the price option a supplier configured for the
//! payer and item, month band by month band (the payer's contract). It is checked
//! once here; the month loop in [`super::engine`] then bills each month from the band holding it.
//!
//! Medicare's rules are Medicare's own (commercial payers and Medicare Advantage plans set their
//! own rules). So the inputs that only Medicare's
//! rules read (fee-schedule amounts, ABN, GY, PAP, prior authorization, flow and group modifiers,
//! new periods, replacements, repairs, upgrades, supplier changes) are refused by name rather than
//! silently ignored: an input never suggests a rule was applied that was not.

use super::checks::{ClaimLine, check_line};
use super::engine::{Month, month_rules, push};
use super::input::{Event, MonthBand, PriceKind, PriceOption, RentalInput, band_holds};
use super::output::{InputError, Line, Modifier, Schedule, Severity};
use super::plan::{MAX_MONTHS, Plan, check_hcpcs};
use super::rules::{self, Rule};
use crate::catalog::ModifierCode;
use crate::money::Money;
use time::Date;

/// A claim line holds at most 4 modifiers (DME MAC modifier guidance placement; the 837P has 4 slots).
const MAX_MODIFIERS: usize = 4;

/// One checked month band.
pub(super) struct Band {
    from: u32,
    to: Option<u32>,
    modifiers: Vec<Modifier>,
    amount: Money,
}

impl Band {
    fn holds(&self, month: u32) -> bool {
        band_holds(self.from, self.to, month)
    }
}

/// The plan for the month loop and the bands it bills from.
pub(super) struct Priced {
    pub plan: Plan,
    pub bands: Vec<Band>,
}

/// Checks a commercial or Medicaid input: no Medicare-only field, and a price option that
/// [`check_option`] accepts.
pub(super) fn check(input: &RentalInput) -> Result<Priced, InputError> {
    check_hcpcs("item.hcpcs", &input.item.hcpcs)?;
    refuse_medicare_only(input)?;
    let Some(option) = &input.price_option else {
        return Err(InputError::new(
            "price_option",
            "Commercial and Medicaid payers are billed from the price option configured for the payer and item: give its kind and month bands.",
        ));
    };
    let bands = check_option(
        option,
        &input.item.hcpcs,
        input.first_date_of_service,
        "price_option.",
    )?;
    Ok(Priced {
        plan: Plan::Priced {
            kind: option.kind,
            cap: option.cap_months,
        },
        bands,
    })
}

/// Checks a price option on its own, as a supplier saves it for a payer and HCPCS code, by the
/// same rules the engine applies when it bills from it; `on` is the date its claim lines are
/// checked as of. Field names are relative to the option (`cap_months`, `bands[1].to_month`).
pub fn validate(option: &PriceOption, hcpcs: &str, on: Date) -> Result<(), InputError> {
    check_hcpcs("hcpcs", hcpcs)?;
    check_option(option, hcpcs, on, "").map(|_| ())
}

/// A price option whose bands start at month 1, follow each other without gap or overlap, reach
/// the cap (or end open), have amounts ≥ 0 and at most 4 well-formed modifiers that no blocking
/// claim check refuses. `prefix` is put before every field name in an error.
fn check_option(
    option: &PriceOption,
    hcpcs: &str,
    from: Date,
    prefix: &str,
) -> Result<Vec<Band>, InputError> {
    let cap = option.cap_months;
    let cap_field = format!("{prefix}cap_months");
    match (option.kind, cap) {
        (_, Some(0)) => {
            return Err(InputError::new(cap_field, "At least one month is paid."));
        }
        (PriceKind::Purchase, Some(_)) => {
            return Err(InputError::new(
                cap_field,
                "A purchase is billed once; leave cap_months out.",
            ));
        }
        (PriceKind::CappedRental, None) => {
            return Err(InputError::new(
                cap_field,
                "A capped rental needs its cap: the last paid month, after which the beneficiary owns the item.",
            ));
        }
        _ => {}
    }
    if option.bands.is_empty() {
        return Err(InputError::new(
            format!("{prefix}bands"),
            "Give at least one month band, starting at month 1.",
        ));
    }
    if option.kind == PriceKind::Purchase && option.bands.len() > 1 {
        return Err(InputError::new(
            format!("{prefix}bands"),
            "A purchase is billed once: give one band, from month 1.",
        ));
    }
    // The last month any band can be billed for: the cap, else the schedule's horizon.
    let last_billable = cap.unwrap_or(MAX_MONTHS);
    let line = LineContext {
        hcpcs,
        from,
        purchase: option.kind == PriceKind::Purchase,
        last_billable,
    };
    let mut bands = Vec::with_capacity(option.bands.len());
    let mut expected_from = 1;
    for (index, band) in option.bands.iter().enumerate() {
        let field = |name: &str| format!("{prefix}bands[{index}].{name}");
        if band.from_month != expected_from {
            return Err(InputError::new(
                field("from_month"),
                if index == 0 {
                    "The first band starts at month 1.".to_owned()
                } else {
                    format!(
                        "Bands follow each other without gap or overlap: this one must start at month {expected_from}."
                    )
                },
            ));
        }
        if cap.is_some_and(|cap| band.from_month > cap) {
            return Err(InputError::new(
                field("from_month"),
                "This band starts after cap_months, so it would never be billed.",
            ));
        }
        match band.to_month {
            Some(to) if to < band.from_month => {
                return Err(InputError::new(
                    field("to_month"),
                    "A band ends on or after the month it starts.",
                ));
            }
            None if index + 1 < option.bands.len() => {
                return Err(InputError::new(
                    field("to_month"),
                    "Only the last band may be open-ended.",
                ));
            }
            _ => {}
        }
        if band.amount.is_negative() {
            return Err(InputError::new(field("amount"), "Must not be negative."));
        }
        let modifiers = modifiers(&line, &field("modifiers"), band)?;
        bands.push(Band {
            from: band.from_month,
            to: band.to_month,
            modifiers,
            amount: band.amount,
        });
        expected_from = band.to_month.map_or(u32::MAX, |to| to.saturating_add(1));
    }
    let last = bands.len() - 1;
    if option.kind != PriceKind::Purchase
        && let Some(to) = bands[last].to
        && to < last_billable
    {
        return Err(InputError::new(
            format!("{prefix}bands[{last}].to_month"),
            format!(
                "Month {} has no band: leave to_month out on the last band, or set cap_months to {to}.",
                to.saturating_add(1)
            ),
        ));
    }
    Ok(bands)
}

/// What the claim-line checks of a band's modifiers need to know about the option.
struct LineContext<'a> {
    hcpcs: &'a str,
    from: Date,
    purchase: bool,
    last_billable: u32,
}

/// A band's modifiers: at most 4, each two letters or digits, none twice, and no combination the
/// claim-line checks block (KX with GA/GY/GZ, GA with GZ, KH/KI/KJ outside their months) on the
/// band's first or last billable month.
fn modifiers(
    context: &LineContext<'_>,
    field: &str,
    band: &MonthBand,
) -> Result<Vec<Modifier>, InputError> {
    if band.modifiers.len() > MAX_MODIFIERS {
        return Err(InputError::new(
            field,
            "A claim line holds at most 4 modifiers.",
        ));
    }
    let mut parsed: Vec<Modifier> = Vec::with_capacity(band.modifiers.len());
    for (position, text) in band.modifiers.iter().enumerate() {
        let code = ModifierCode::parse(text)
            .map_err(|err| InputError::new(format!("{field}[{position}]"), err.0))?;
        let modifier = Modifier::from_catalog(&code);
        if parsed.contains(&modifier) {
            return Err(InputError::new(
                format!("{field}[{position}]"),
                format!(
                    "{} is already on this band; list each modifier once.",
                    code.as_str()
                ),
            ));
        }
        parsed.push(modifier);
    }
    let last = band
        .to_month
        .unwrap_or(context.last_billable)
        .min(context.last_billable);
    let months = if context.purchase {
        [None, None]
    } else {
        [Some(band.from_month), Some(last.max(band.from_month))]
    };
    for rental_month in months {
        let line = ClaimLine {
            hcpcs: context.hcpcs.to_owned(),
            modifiers: parsed.iter().map(|m| m.code().to_owned()).collect(),
            from: context.from,
            rental_month,
            payer: None,
        };
        if let Some(blocking) = check_line(&line)
            .into_iter()
            .find(|f| f.severity == Severity::Blocking)
        {
            return Err(InputError::new(
                field,
                format!("{} {}", blocking.message, blocking.fix),
            ));
        }
    }
    Ok(parsed)
}

/// Refuses, by field, every input that only Medicare's rules read.
fn refuse_medicare_only(input: &RentalInput) -> Result<(), InputError> {
    let item = &input.item;
    let doc = &input.documentation;
    let present = [
        ("purchase", input.purchase.is_some()),
        ("election", input.election.is_some()),
        ("pap", input.pap.is_some()),
        ("upgrade", input.upgrade.is_some()),
        ("documentation.abn", doc.abn.is_some()),
        ("documentation.statutory_exclusion", doc.statutory_exclusion),
        (
            "documentation.oxygen_retest_date",
            doc.oxygen_retest_date.is_some(),
        ),
        (
            "documentation.oxygen_retest_order_date",
            doc.oxygen_retest_order_date.is_some(),
        ),
        ("documentation.cmn", doc.cmn.is_some()),
        ("residence", input.residence.is_some()),
        (
            "documentation.prior_authorization",
            doc.prior_authorization.is_some(),
        ),
        (
            "item.prior_authorization_required",
            item.prior_authorization_required,
        ),
        ("item.purchase_price", item.purchase_price.is_some()),
        ("item.monthly_fee", item.monthly_fee.is_some()),
        ("item.unit_price", item.unit_price.is_some()),
        ("item.oxygen_group", item.oxygen_group.is_some()),
        ("item.oxygen_flow", item.oxygen_flow.is_some()),
        ("item.oxygen_contents", item.oxygen_contents.is_some()),
        (
            "item.oxygen_maintenance_fee",
            item.oxygen_maintenance_fee.is_some(),
        ),
    ];
    if let Some((field, _)) = present.iter().find(|(_, given)| *given) {
        return Err(InputError::new(
            *field,
            "Only Medicare's rules read this; for a commercial or Medicaid payer the price option decides the modifiers and amounts. Leave it out.",
        ));
    }
    for (index, event) in input.events.iter().enumerate() {
        match event {
            Event::Return { .. } | Event::Death { .. } | Event::Stay { .. } => {}
            Event::Move { .. } => {
                return Err(InputError::new(
                    format!("events[{index}].kind"),
                    "A move decides the Medicare DME MAC that receives the claims; other payers are billed the same wherever the beneficiary lives. Leave it out.",
                ));
            }
            Event::Resume { new_order, .. } => {
                if *new_order {
                    return Err(InputError::new(
                        format!("events[{index}].new_order"),
                        "A new period after a break in need is Medicare's rule (§1.3); for other payers the count continues after a resume. Set new_order to false, or schedule the new period as its own rental.",
                    ));
                }
            }
            Event::Delivery { .. }
            | Event::Replacement { .. }
            | Event::Repair { .. }
            | Event::SupplierChange { .. }
            | Event::Purchase { .. } => {
                return Err(InputError::new(
                    format!("events[{index}].kind"),
                    "Deliveries, replacements, repairs, supplier changes and purchases during a rental are encoded for Medicare only; schedule them as their own price option.",
                ));
            }
        }
    }
    Ok(())
}

/// The band holding `month`; the bands were checked to cover every billable month.
fn band(bands: &[Band], month: u32) -> Result<&Band, InputError> {
    bands.iter().find(|b| b.holds(month)).ok_or_else(|| {
        InputError::new(
            "price_option.bands",
            format!("No band holds rental month {month}."),
        )
    })
}

/// One rental month of a price option: the band's modifiers (as configured) and amount.
/// `at_cap` names the cap rule when this is the cap-th paid month.
pub(super) fn line(
    bands: &[Band],
    input: &RentalInput,
    month: &Month<'_>,
    at_cap: Option<Rule>,
    ends_need: bool,
) -> Result<Line, InputError> {
    let band = band(bands, month.number)?;
    let mut fired = month_rules(month.span, month.resumed);
    fired.push(rules::PO_BAND);
    if let Some(rule) = at_cap {
        fired.push(rule);
    }
    if ends_need {
        fired.push(rules::PO_END_MONTH);
    }
    Ok(Line {
        period: month.period,
        rental_month: month.number,
        from: month.span.from,
        to: month.span.to,
        hcpcs: input.item.hcpcs.clone(),
        modifiers: band.modifiers.clone(),
        units: 1,
        charge: band.amount,
        allowed: band.amount,
        utn: None,
        narrative: None,
        dme_mac: None,
        filing_deadline: None,
        rules: fired,
    })
}

/// A purchase price option: one line on the first date of service from the band holding month 1.
pub(super) fn purchase(
    bands: &[Band],
    input: &RentalInput,
    out: &mut Schedule,
) -> Result<(), InputError> {
    let band = band(bands, 1)?;
    let date = input.first_date_of_service;
    push(
        out,
        Line {
            period: 1,
            rental_month: 0,
            from: date,
            to: date,
            hcpcs: input.item.hcpcs.clone(),
            modifiers: band.modifiers.clone(),
            units: 1,
            charge: band.amount,
            allowed: band.amount,
            utn: None,
            narrative: None,
            dme_mac: None,
            filing_deadline: None,
            rules: vec![rules::PO_PURCHASE, rules::PO_BAND],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::input::{MonthBand, PriceOption};

    fn band(from: u32, to: Option<u32>, modifiers: &[&str], cents: i64) -> MonthBand {
        MonthBand {
            from_month: from,
            to_month: to,
            modifiers: modifiers.iter().map(|m| (*m).to_owned()).collect(),
            amount: Money::from_cents(cents),
        }
    }

    fn day() -> Date {
        Date::from_calendar_date(2025, time::Month::March, 1).unwrap()
    }

    #[test]
    fn a_standalone_option_is_checked_by_the_engine_rules_with_relative_fields() {
        let capped = PriceOption {
            kind: PriceKind::CappedRental,
            cap_months: Some(13),
            bands: vec![
                band(1, Some(1), &["RR", "KH"], 10_000),
                band(2, Some(3), &["RR", "KI"], 10_000),
                band(4, Some(13), &["RR", "KJ"], 7_500),
            ],
        };
        assert!(validate(&capped, "E0601", day()).is_ok());
        assert_eq!(capped.band_for_month(2).unwrap().amount.cents(), 10_000);
        assert_eq!(capped.band_for_month(13).unwrap().amount.cents(), 7_500);
        assert!(
            capped.band_for_month(14).is_none(),
            "nothing is paid past the cap"
        );

        let gap = PriceOption {
            bands: vec![band(1, Some(3), &["RR"], 1), band(5, None, &["RR"], 1)],
            cap_months: None,
            kind: PriceKind::Rental,
        };
        let err = validate(&gap, "E0601", day()).unwrap_err();
        assert_eq!(err.field, "bands[1].from_month");

        let negative = PriceOption {
            kind: PriceKind::Purchase,
            cap_months: None,
            bands: vec![band(1, None, &["NU"], -1)],
        };
        assert_eq!(
            validate(&negative, "E0601", day()).unwrap_err().field,
            "bands[0].amount"
        );
        let five = PriceOption {
            kind: PriceKind::Purchase,
            cap_months: None,
            bands: vec![band(1, None, &["NU", "KX", "LT", "RT", "59"], 1)],
        };
        assert_eq!(
            validate(&five, "E0601", day()).unwrap_err().field,
            "bands[0].modifiers"
        );
        assert_eq!(validate(&five, "E06", day()).unwrap_err().field, "hcpcs");
        let purchase = PriceOption {
            kind: PriceKind::Purchase,
            cap_months: None,
            bands: vec![band(1, None, &["NU"], 50_000)],
        };
        assert_eq!(purchase.band_for_month(7).unwrap().amount.cents(), 50_000);
    }
}
