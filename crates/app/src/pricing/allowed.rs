//! The allowed amount: what a payer pays for a HCPCS code with given modifiers in a given rental
//! month, and where that figure comes from.
//!
//! Medicare pays the DMEPOS fee schedule amount for the beneficiary's state, rural or not by the
//! ZIP of their permanent address. Whether a ZIP is rural comes from the list the supplier loads
//! (Durable ships none); a ZIP not on it, or no ZIP, is priced as non-rural. Which month of a
//! rental Medicare pays what share of the fee is the billing engine's business, not this lookup.
//! Every other payer pays from its price option: a plan's own option overrides the payer's.

use durable_domain::billing::PriceKind;
use durable_domain::codes::{UsState, ZipCode};
use durable_domain::ids::{PayerId, PlanId, PriceOptionId};
use durable_domain::money::Money;
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::directory::{self, Payer};
use durable_store::pricing::{self as store, FeeScheduleAmount};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::{is_rental, kind_name, parse_kind, to_domain};
use crate::{Actor, App, AppResult, Permission};

/// What to price. Every field is text, as a query string carries it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AllowedQuery {
    /// The payer (id).
    pub payer_id: String,
    /// The plan (id), whose own price option overrides the payer's.
    pub plan_id: Option<String>,
    /// The HCPCS code.
    pub hcpcs: String,
    /// Modifiers in claim order, separated by spaces or commas. For Medicare they pick the fee
    /// schedule row (NU, RR, UE …).
    pub modifiers: Option<String>,
    /// rental or purchase (as on the order line); picks the option, or Medicare's RR or NU row
    /// when no modifier is given.
    pub rent_or_buy: Option<String>,
    /// The rental month (1 when absent).
    pub month: Option<String>,
    /// Medicare: the beneficiary's state (two letters).
    pub state: Option<String>,
    /// Medicare: the ZIP code of the beneficiary's permanent address.
    pub zip: Option<String>,
    /// The date of service (today when absent).
    pub date: Option<String>,
}

/// Where an allowed amount comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AllowedSource {
    /// The Medicare DMEPOS fee schedule.
    FeeSchedule {
        /// The effective date of the amounts used.
        effective: Date,
        /// The state priced.
        state: String,
        /// Whether the rural amount was used.
        rural: bool,
        /// Why rural or not: "rural_zip_list", "zip_not_in_rural_list" or "no_zip".
        rural_basis: String,
        /// The fee schedule row's modifiers.
        modifiers: Vec<String>,
        /// The import the amount came from.
        import_id: Uuid,
    },
    /// A configured price option.
    PriceOption {
        /// The option.
        #[schema(value_type = String, format = Uuid)]
        price_option_id: PriceOptionId,
        /// "plan" when the plan's own option applied, "payer" when the payer's did.
        scope: String,
        /// purchase, rental, capped_rental or oxygen.
        price_kind: String,
        /// The band's first month.
        from_month: u32,
        /// The band's last month (absent when open-ended).
        to_month: Option<u32>,
        /// The band's modifiers, in claim order: what to put on the claim line.
        modifiers: Vec<String>,
    },
    /// Nothing on file prices this.
    None,
}

/// The answer: the amount (absent when nothing prices it) and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Allowed {
    /// The allowed amount in cents.
    #[schema(value_type = Option<i64>)]
    pub amount: Option<Money>,
    /// The amount as dollars and cents, for people.
    pub amount_text: Option<String>,
    /// Where it came from.
    pub source: AllowedSource,
    /// The same, in a sentence.
    pub explanation: String,
}

impl Allowed {
    fn none(explanation: String) -> Allowed {
        Allowed {
            amount: None,
            amount_text: None,
            source: AllowedSource::None,
            explanation,
        }
    }

    fn of(amount: Money, source: AllowedSource, explanation: String) -> Allowed {
        Allowed {
            amount: Some(amount),
            amount_text: Some(amount.to_string()),
            source,
            explanation,
        }
    }
}

/// The query, parsed.
struct Parsed {
    payer: Payer,
    plan: Option<Uuid>,
    hcpcs: String,
    modifiers: Vec<String>,
    rental: Option<bool>,
    month: u32,
    date: Date,
}

/// Answers the allowed amount for a payer (and plan), HCPCS code, modifiers and rental month.
pub async fn allowed_amount(app: &App, actor: &Actor, query: &AllowedQuery) -> AppResult<Allowed> {
    actor.require(Permission::PricingRead)?;
    let db = app.store.conn();
    let mut e = FieldErrors::new();
    let payer = match query.payer_id.trim().parse::<PayerId>() {
        Ok(id) => directory::payer(db, id.as_uuid()).await?,
        Err(_) => None,
    };
    if payer.is_none() {
        e.add(
            "payer_id",
            "Choose a payer from the list; this one is not on file.",
        );
    }
    let plan = match query.plan_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match text.parse::<PlanId>() {
            Ok(id) => Some(id.as_uuid()),
            Err(_) => {
                e.add("plan_id", "This is not a plan id.");
                None
            }
        },
    };
    let hcpcs = e.check("hcpcs", durable_domain::catalog::Hcpcs::parse(&query.hcpcs));
    let modifiers: Vec<String> = query
        .modifiers
        .as_deref()
        .unwrap_or("")
        .split([' ', ','])
        .filter(|m| !m.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let rental = match query.rent_or_buy.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("rental") => Some(true),
        Some("purchase") => Some(false),
        Some(_) => {
            e.add("rent_or_buy", "Choose rental or purchase.");
            None
        }
    };
    let month = match query.month.as_deref().map(str::trim) {
        None | Some("") => Some(1),
        Some(text) => match text.parse::<u32>() {
            Ok(m) if m >= 1 => Some(m),
            _ => {
                e.add("month", "Enter a rental month number: 1, 2, 3 …");
                None
            }
        },
    };
    let date = match query.date.as_deref().map(str::trim) {
        None | Some("") => Some(app.clock.today()),
        Some(text) => e.check("date", parse_date(text)),
    };
    let (Some(payer), Some(hcpcs), Some(month), Some(date), true) =
        (payer, hcpcs, month, date, e.is_empty())
    else {
        return Err(e.into());
    };
    let parsed = Parsed {
        payer,
        plan,
        hcpcs: hcpcs.as_str().to_owned(),
        modifiers,
        rental,
        month,
        date,
    };
    if parsed.payer.kind == "medicare" {
        let state = query.state.as_deref().unwrap_or("");
        if state.trim().is_empty() {
            return Err(FieldErrors::single(
                "state",
                "Medicare pays the fee schedule amount of the beneficiary's state; give it.",
            )
            .into());
        }
        let state = UsState::parse(state).map_err(|err| FieldErrors::single("state", err.0))?;
        let zip = match query.zip.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                Some(ZipCode::parse(text).map_err(|err| FieldErrors::single("zip", err.0))?)
            }
        };
        medicare(app, &parsed, &state, zip.as_ref()).await
    } else {
        price_option(app, &parsed).await
    }
}

/// Medicare: the fee schedule amount in force on the date for the state and area.
async fn medicare(
    app: &App,
    query: &Parsed,
    state: &UsState,
    zip: Option<&ZipCode>,
) -> AppResult<Allowed> {
    let db = app.store.conn();
    let (rural, basis) = match zip {
        None => (false, "no_zip"),
        Some(zip) => {
            let five: String = zip.as_str().chars().take(5).collect();
            if store::is_rural_zip(db, &five).await? {
                (true, "rural_zip_list")
            } else {
                (false, "zip_not_in_rural_list")
            }
        }
    };
    let rows = store::fee_amounts_for(db, &query.hcpcs, state.as_str(), rural, query.date).await?;
    let Some(newest) = rows.first().map(|r| r.effective) else {
        return Ok(Allowed::none(format!(
            "The fee schedule on file has no {} amount for {} in {} on {}; import the current DMEPOS fee schedule.",
            if rural { "rural" } else { "non-rural" },
            query.hcpcs,
            state.as_str(),
            query.date
        )));
    };
    let current: Vec<&FeeScheduleAmount> = rows.iter().filter(|r| r.effective == newest).collect();
    // Without modifiers, the order line's choice names Medicare's pricing modifier.
    let wanted: Vec<String> = if query.modifiers.is_empty() {
        match query.rental {
            Some(true) => vec!["RR".into()],
            Some(false) => vec!["NU".into()],
            None => Vec::new(),
        }
    } else {
        query.modifiers.clone()
    };
    let fits = |m: &str| m.is_empty() || wanted.iter().any(|w| w == m);
    let best = current
        .iter()
        .filter(|r| fits(&r.modifier) && fits(&r.modifier2))
        .max_by_key(|r| usize::from(!r.modifier.is_empty()) + usize::from(!r.modifier2.is_empty()));
    let Some(row) = best else {
        let mut on_file: Vec<&str> = current.iter().map(|r| r.modifier.as_str()).collect();
        on_file.sort_unstable();
        on_file.dedup();
        return Ok(Allowed::none(format!(
            "{} is priced with the pricing modifier {}; give one of them.",
            query.hcpcs,
            on_file.join(", ")
        )));
    };
    let row_modifiers: Vec<String> = [&row.modifier, &row.modifier2]
        .into_iter()
        .filter(|m| !m.is_empty())
        .cloned()
        .collect();
    let area = match basis {
        "rural_zip_list" => "rural (the ZIP is on the supplier's rural list)",
        "zip_not_in_rural_list" => "non-rural (the ZIP is not on the supplier's rural list)",
        _ => "non-rural (no ZIP given)",
    };
    let explanation = format!(
        "Medicare DMEPOS fee schedule effective {newest}: {} {} in {}, {area}.",
        query.hcpcs,
        row_modifiers.join(" "),
        state.as_str()
    );
    Ok(Allowed::of(
        Money::from_cents(row.amount_cents),
        AllowedSource::FeeSchedule {
            effective: newest,
            state: state.as_str().to_owned(),
            rural,
            rural_basis: basis.to_owned(),
            modifiers: row_modifiers,
            import_id: row.import_id,
        },
        explanation,
    ))
}

/// Other payers: the plan's option if it has one, else the payer's; the band holding the month.
async fn price_option(app: &App, query: &Parsed) -> AppResult<Allowed> {
    let records =
        store::price_options(app.store.conn(), Some(query.payer.id), Some(&query.hcpcs)).await?;
    let kind_of = |r: &store::PriceOptionRecord| parse_kind(&r.option.kind);
    let wanted = |kind: PriceKind| query.rental.is_none_or(|rental| is_rental(kind) == rental);
    let candidates: Vec<_> = records
        .iter()
        .filter(|r| kind_of(r).is_some_and(wanted))
        .filter(|r| r.option.plan_id.is_none() || r.option.plan_id == query.plan)
        .collect();
    // A plan's own option overrides the payer's of the same (rental or purchase) kind.
    let plan_own: Vec<_> = candidates
        .iter()
        .filter(|r| r.option.plan_id.is_some())
        .collect();
    let chosen: Vec<_> = if plan_own.is_empty() {
        candidates.iter().collect()
    } else {
        plan_own
    };
    let record = match chosen.as_slice() {
        [] => {
            return Ok(Allowed::none(format!(
                "{} has no {}price option for {}; add one under Pricing.",
                query.payer.name,
                match query.rental {
                    Some(true) => "rental ",
                    Some(false) => "purchase ",
                    None => "",
                },
                query.hcpcs
            )));
        }
        [one] => **one,
        _ => {
            return Err(FieldErrors::single(
                "rent_or_buy",
                "This payer prices the code both as a rental and as a purchase; say which.",
            )
            .into());
        }
    };
    let option = to_domain(record)?;
    let scope = if record.option.plan_id.is_some() {
        "plan"
    } else {
        "payer"
    };
    let Some(band) = option.band_for_month(query.month) else {
        return Ok(Allowed::none(format!(
            "The {} option pays no month after month {}.",
            kind_name(option.kind),
            option.cap_months.unwrap_or(0)
        )));
    };
    let explanation = format!(
        "{}'s {} {} option for {}, band months {}{}, billed with {}.",
        query.payer.name,
        scope,
        kind_name(option.kind),
        query.hcpcs,
        band.from_month,
        band.to_month.map_or("+".to_owned(), |to| format!("–{to}")),
        if band.modifiers.is_empty() {
            "no modifier".to_owned()
        } else {
            band.modifiers.join(" ")
        }
    );
    Ok(Allowed::of(
        band.amount,
        AllowedSource::PriceOption {
            price_option_id: PriceOptionId::from_uuid(record.option.id),
            scope: scope.to_owned(),
            price_kind: kind_name(option.kind).to_owned(),
            from_month: band.from_month,
            to_month: band.to_month,
            modifiers: band.modifiers.clone(),
        },
        explanation,
    ))
}
