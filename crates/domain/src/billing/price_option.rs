//! Payers other than Medicare (issue 5 item 1): the price option a supplier configured for the
//! payer and item, month band by month band (product-notes.md "price options"). It is checked
//! once here; the month loop in [`super::engine`] then bills each month from the band holding it.
//!
//! medicare-rules.md says its rules are Medicare's ("Commercial payers and Medicare Advantage
//! plans have their own rules — do not assume these apply"). So the inputs that only Medicare's
//! rules read (fee-schedule amounts, ABN, GY, PAP, prior authorization, flow and group modifiers,
//! new periods, replacements, repairs, upgrades, supplier changes) are refused by name rather than
//! silently ignored: an input never suggests a rule was applied that was not.

use super::checks::{ClaimLine, check_line};
use super::engine::{Month, month_rules, push};
use super::input::{Event, MonthBand, PriceKind, RentalInput};
use super::output::{InputError, Line, Modifier, Schedule, Severity};
use super::plan::{MAX_MONTHS, Plan, check_hcpcs};
use super::rules::{self, Rule};
use crate::catalog::ModifierCode;
use crate::money::Money;

/// A claim line holds at most 4 modifiers (medicare-rules.md §2 placement; the 837P has 4 slots).
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
        self.from <= month && self.to.is_none_or(|to| month <= to)
    }
}

/// The plan for the month loop and the bands it bills from.
pub(super) struct Priced {
    pub plan: Plan,
    pub bands: Vec<Band>,
}

/// Checks a commercial or Medicaid input: no Medicare-only field, and a price option whose bands
/// start at month 1, follow each other without gap or overlap, reach the cap (or end open), have
/// amounts ≥ 0 and at most 4 well-formed modifiers that no blocking claim check refuses.
pub(super) fn check(input: &RentalInput) -> Result<Priced, InputError> {
    check_hcpcs("item.hcpcs", &input.item.hcpcs)?;
    refuse_medicare_only(input)?;
    let Some(option) = &input.price_option else {
        return Err(InputError::new(
            "price_option",
            "Commercial and Medicaid payers are billed from the price option configured for the payer and item: give its kind and month bands.",
        ));
    };
    let cap = option.cap_months;
    match (option.kind, cap) {
        (_, Some(0)) => {
            return Err(InputError::new(
                "price_option.cap_months",
                "At least one month is paid.",
            ));
        }
        (PriceKind::Purchase, Some(_)) => {
            return Err(InputError::new(
                "price_option.cap_months",
                "A purchase is billed once; leave cap_months out.",
            ));
        }
        (PriceKind::CappedRental, None) => {
            return Err(InputError::new(
                "price_option.cap_months",
                "A capped rental needs its cap: the last paid month, after which the beneficiary owns the item.",
            ));
        }
        _ => {}
    }
    if option.bands.is_empty() {
        return Err(InputError::new(
            "price_option.bands",
            "Give at least one month band, starting at month 1.",
        ));
    }
    if option.kind == PriceKind::Purchase && option.bands.len() > 1 {
        return Err(InputError::new(
            "price_option.bands",
            "A purchase is billed once: give one band, from month 1.",
        ));
    }
    // The last month any band can be billed for: the cap, else the schedule's horizon.
    let last_billable = cap.unwrap_or(MAX_MONTHS);
    let mut bands = Vec::with_capacity(option.bands.len());
    let mut expected_from = 1;
    for (index, band) in option.bands.iter().enumerate() {
        let field = |name: &str| format!("price_option.bands[{index}].{name}");
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
        let modifiers = modifiers(input, index, band, last_billable)?;
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
            format!("price_option.bands[{last}].to_month"),
            format!(
                "Month {} has no band: leave to_month out on the last band, or set cap_months to {to}.",
                to.saturating_add(1)
            ),
        ));
    }
    Ok(Priced {
        plan: Plan::Priced {
            kind: option.kind,
            cap,
        },
        bands,
    })
}

/// A band's modifiers: at most 4, each two letters or digits, none twice, and no combination the
/// claim-line checks block (KX with GA/GY/GZ, GA with GZ, KH/KI/KJ outside their months) on the
/// band's first or last billable month.
fn modifiers(
    input: &RentalInput,
    index: usize,
    band: &MonthBand,
    last_billable: u32,
) -> Result<Vec<Modifier>, InputError> {
    let field = format!("price_option.bands[{index}].modifiers");
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
    let purchase = input
        .price_option
        .as_ref()
        .is_some_and(|o| o.kind == PriceKind::Purchase);
    let last = band.to_month.unwrap_or(last_billable).min(last_billable);
    let months = if purchase {
        [None, None]
    } else {
        [Some(band.from_month), Some(last.max(band.from_month))]
    };
    for rental_month in months {
        let line = ClaimLine {
            hcpcs: input.item.hcpcs.clone(),
            modifiers: parsed.iter().map(|m| m.code().to_owned()).collect(),
            from: input.first_date_of_service,
            rental_month,
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
            rules: vec![rules::PO_PURCHASE, rules::PO_BAND],
        },
    )
}
