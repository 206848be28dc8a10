//! Pricing: price options per payer or plan and HCPCS code, the CMS DMEPOS fee
//! schedule, and the allowed amount that follows from them. A saved price option is the
//! domain's [`PriceOption`], the very input the billing engine bills from, checked by the
//! engine's own rules ([`validate_price_option`]) before it is stored.

mod allowed;
mod fee_schedule;
mod form;

use durable_domain::billing::{MonthBand, PriceKind, PriceOption};
use durable_domain::ids::{PayerId, PlanId, PriceOptionId};
use durable_domain::money::Money;
use durable_store::directory;
use durable_store::pricing::{self as store, PriceOptionRecord};
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult, Permission};

pub use allowed::{Allowed, AllowedQuery, AllowedSource, allowed_amount};
pub use fee_schedule::{
    FeeScheduleImportView, FeeScheduleSummary, RuralZipSummary, fee_schedule_imports,
    import_fee_schedule, import_rural_zips,
};
pub use form::{BandForm, PriceOptionForm, create_price_option, update_price_option};

/// A price option as shown: whose it is and the option itself, in the engine's input shape.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PriceOptionView {
    /// The option's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PriceOptionId,
    /// The payer.
    #[schema(value_type = String, format = Uuid)]
    pub payer_id: PayerId,
    /// The payer's name.
    pub payer_name: String,
    /// The plan whose option this is (overriding the payer's); absent for the payer's own.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub plan_id: Option<PlanId>,
    /// The plan's name.
    pub plan_name: Option<String>,
    /// The HCPCS code priced.
    pub hcpcs: String,
    /// Kind, month bands and cap, exactly as the billing engine's `price_option` input reads it.
    #[schema(value_type = Object)]
    pub price_option: PriceOption,
    /// When it was last saved.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
    /// Who saved it.
    pub updated_by: String,
}

/// The name a kind is stored and sent under (`capped_rental` …), as the engine's JSON spells it.
pub fn kind_name(kind: PriceKind) -> &'static str {
    match kind {
        PriceKind::Purchase => "purchase",
        PriceKind::Rental => "rental",
        PriceKind::CappedRental => "capped_rental",
        PriceKind::Oxygen => "oxygen",
    }
}

/// The kind named `text`, as [`kind_name`] writes it.
pub(crate) fn parse_kind(text: &str) -> Option<PriceKind> {
    [
        PriceKind::Purchase,
        PriceKind::Rental,
        PriceKind::CappedRental,
        PriceKind::Oxygen,
    ]
    .into_iter()
    .find(|kind| kind_name(*kind) == text.trim())
}

/// Whether an order line that is rented (not bought) is priced by an option of this kind.
pub(crate) fn is_rental(kind: PriceKind) -> bool {
    kind != PriceKind::Purchase
}

/// The domain option a stored record holds.
pub(crate) fn to_domain(record: &PriceOptionRecord) -> AppResult<PriceOption> {
    let kind = parse_kind(&record.option.kind)
        .ok_or_else(|| AppError::Internal(format!("stored price kind {}", record.option.kind)))?;
    let month =
        |m: i32| u32::try_from(m).map_err(|_| AppError::Internal(format!("stored month {m}")));
    let bands = record
        .bands
        .iter()
        .map(|band| {
            Ok(MonthBand {
                from_month: month(band.from_month)?,
                to_month: band.to_month.map(month).transpose()?,
                modifiers: band
                    .modifiers
                    .split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect(),
                amount: Money::from_cents(band.amount_cents),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(PriceOption {
        kind,
        bands,
        cap_months: record.option.cap_months.map(month).transpose()?,
    })
}

/// Views of stored options, with payer and plan names.
async fn views(app: &App, records: Vec<PriceOptionRecord>) -> AppResult<Vec<PriceOptionView>> {
    let db = app.store.conn();
    let payers = directory::payers(db).await?;
    let plans = directory::plans(db).await?;
    records
        .into_iter()
        .map(|record| {
            let option = &record.option;
            Ok(PriceOptionView {
                id: PriceOptionId::from_uuid(option.id),
                payer_id: PayerId::from_uuid(option.payer_id),
                payer_name: payers
                    .iter()
                    .find(|p| p.id == option.payer_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                plan_id: option.plan_id.map(PlanId::from_uuid),
                plan_name: option
                    .plan_id
                    .and_then(|id| plans.iter().find(|p| p.id == id))
                    .map(|p| p.name.clone()),
                hcpcs: option.hcpcs.clone(),
                price_option: to_domain(&record)?,
                updated_at: option.updated_at,
                updated_by: option.updated_by.clone(),
            })
        })
        .collect()
}

/// Price options, of one payer and/or for one HCPCS code when given (ids or codes that name
/// nothing simply match nothing).
pub async fn price_options(
    app: &App,
    actor: &Actor,
    payer_id: Option<&str>,
    hcpcs: Option<&str>,
) -> AppResult<Vec<PriceOptionView>> {
    actor.require(Permission::PricingRead)?;
    // An id that does not parse names no payer, so it matches no option.
    let payer = payer_id
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|text| text.parse::<PayerId>().map_or(Uuid::nil(), |p| p.as_uuid()));
    let hcpcs = hcpcs
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let records = store::price_options(app.store.conn(), payer, hcpcs.as_deref()).await?;
    views(app, records).await
}

/// One price option.
pub async fn price_option(
    app: &App,
    actor: &Actor,
    id: PriceOptionId,
) -> AppResult<PriceOptionView> {
    actor.require(Permission::PricingRead)?;
    let record = store::price_option(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("price option"))?;
    views(app, vec![record])
        .await?
        .pop()
        .ok_or(AppError::NotFound("price option"))
}
