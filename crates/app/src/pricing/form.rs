//! Saving a price option: the form's fields parsed one by one (each problem tied to its field),
//! then the whole option checked by the billing engine's own rules, in one transaction with its
//! audit event.

use durable_domain::billing::{MonthBand, PriceOption, validate_price_option};
use durable_domain::catalog::Hcpcs;
use durable_domain::ids::{PayerId, PlanId, PriceOptionId};
use durable_domain::money::Money;
use durable_domain::validation::FieldErrors;
use durable_store::Db;
use durable_store::catalog as catalog_store;
use durable_store::directory;
use durable_store::pricing::PriceOptionRecord;
use durable_store::pricing::{self as store, PriceOption as OptionRow, PriceOptionBand};
use serde::{Deserialize, Serialize};

use super::{is_rental, kind_name, parse_kind};
use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// A price option as typed into the page or sent to the API. Numbers are text, as a form sends
/// them, so that each one that does not parse is reported against its own field.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PriceOptionForm {
    /// The payer (id). Medicare is priced from the fee schedule and takes no price option.
    pub payer_id: String,
    /// One of the payer's plans, when this option overrides the payer's own for that plan.
    pub plan_id: Option<String>,
    /// The HCPCS code priced, e.g. E0601.
    pub hcpcs: String,
    /// purchase, rental, capped_rental or oxygen.
    pub kind: String,
    /// The last paid month (required for capped_rental, refused for purchase).
    pub cap_months: Option<String>,
    /// Month bands from month 1, in order.
    pub bands: Vec<BandForm>,
}

/// One month band of a price option form.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BandForm {
    /// First rental month of the band, e.g. "1".
    pub from_month: String,
    /// Last rental month; empty on an open-ended last band.
    pub to_month: Option<String>,
    /// Modifiers in claim order, separated by spaces or commas, e.g. "RR KH".
    pub modifiers: String,
    /// Each month's amount in dollars, e.g. "125.50".
    pub amount: String,
}

impl BandForm {
    /// Whether every field is blank (an unused row of the page's band table).
    pub fn is_blank(&self) -> bool {
        self.from_month.trim().is_empty()
            && self.to_month.as_deref().is_none_or(|t| t.trim().is_empty())
            && self.modifiers.trim().is_empty()
            && self.amount.trim().is_empty()
    }
}

impl From<&super::PriceOptionView> for PriceOptionForm {
    fn from(view: &super::PriceOptionView) -> Self {
        let option = &view.price_option;
        PriceOptionForm {
            payer_id: view.payer_id.to_string(),
            plan_id: view.plan_id.map(|p| p.to_string()),
            hcpcs: view.hcpcs.clone(),
            kind: kind_name(option.kind).to_owned(),
            cap_months: option.cap_months.map(|c| c.to_string()),
            bands: option
                .bands
                .iter()
                .map(|band| BandForm {
                    from_month: band.from_month.to_string(),
                    to_month: band.to_month.map(|t| t.to_string()),
                    modifiers: band.modifiers.join(" "),
                    amount: format!(
                        "{}.{:02}",
                        band.amount.cents() / 100,
                        band.amount.cents() % 100
                    ),
                })
                .collect(),
        }
    }
}

/// A month number: a whole number from 1.
fn month(e: &mut FieldErrors, field: &str, text: &str) -> Option<u32> {
    match text.trim().parse::<u32>() {
        Ok(m) if m >= 1 => Some(m),
        _ => {
            e.add(field, "Enter a month number: 1, 2, 3 …");
            None
        }
    }
}

/// What a valid form says, ready to store.
struct Parsed {
    payer: uuid::Uuid,
    plan: Option<uuid::Uuid>,
    hcpcs: String,
    option: PriceOption,
}

impl PriceOptionForm {
    async fn parse(&self, app: &App, db: &impl Db) -> AppResult<Parsed> {
        let mut e = FieldErrors::new();
        let payer = match self.payer_id.trim().parse::<PayerId>() {
            Ok(id) => directory::payer(db, id.as_uuid()).await?,
            Err(_) => None,
        };
        match &payer {
            None => e.add("payer_id", "Choose a payer from the list; this one is not on file."),
            Some(p) if p.kind == "medicare" => e.add(
                "payer_id",
                "Medicare is priced from the DMEPOS fee schedule, not a price option; import the fee schedule instead.",
            ),
            Some(_) => {}
        }
        let plan = match self.plan_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let plan = match text.parse::<PlanId>() {
                    Ok(id) => directory::plan(db, id.as_uuid()).await?,
                    Err(_) => None,
                };
                match plan {
                    Some(plan) if payer.as_ref().is_some_and(|p| p.id == plan.payer_id) => {
                        Some(plan.id)
                    }
                    _ => {
                        e.add("plan_id", "Choose a plan of the selected payer, or none for the payer's own option.");
                        None
                    }
                }
            }
        };
        let hcpcs = match e.check("hcpcs", Hcpcs::parse(&self.hcpcs)) {
            Some(code) => {
                let known = catalog_store::hcpcs_code(db, code.as_str()).await?;
                match known {
                    Some(row) if row.kind == "procedure" => Some(code.as_str().to_owned()),
                    Some(_) => {
                        e.add("hcpcs", "This is a modifier, not a procedure code.");
                        None
                    }
                    None => {
                        e.add("hcpcs", "This code is not in the HCPCS catalog; import the current CMS file first.");
                        None
                    }
                }
            }
            None => None,
        };
        let kind = parse_kind(&self.kind);
        if kind.is_none() {
            e.add("kind", "Choose purchase, rental, capped_rental or oxygen.");
        }
        let cap_months = match self.cap_months.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => month(&mut e, "cap_months", text),
        };
        let bands: Vec<MonthBand> = self
            .bands
            .iter()
            .enumerate()
            .filter_map(|(index, band)| {
                let field = |name: &str| format!("bands[{index}].{name}");
                let from_month = month(&mut e, &field("from_month"), &band.from_month);
                let to_month = match band.to_month.as_deref().map(str::trim) {
                    None | Some("") => Some(None),
                    Some(text) => month(&mut e, &field("to_month"), text).map(Some),
                };
                let amount = match Money::parse_dollars(&band.amount) {
                    Ok(Some(amount)) => Some(amount),
                    Ok(None) => {
                        e.add(
                            &field("amount"),
                            "Enter the amount in dollars, e.g. 125.50.",
                        );
                        None
                    }
                    Err(message) => {
                        e.add(&field("amount"), message);
                        None
                    }
                };
                let modifiers = band
                    .modifiers
                    .split([' ', ','])
                    .filter(|m| !m.is_empty())
                    .map(str::to_ascii_uppercase)
                    .collect();
                Some(MonthBand {
                    from_month: from_month?,
                    to_month: to_month?,
                    modifiers,
                    amount: amount?,
                })
            })
            .collect();
        let (Some(kind), Some(hcpcs), Some(payer), true) = (kind, hcpcs, payer, e.is_empty())
        else {
            return Err(e.into());
        };
        let option = PriceOption {
            kind,
            bands,
            cap_months,
        };
        // The engine's own check, so that nothing is stored that the engine would refuse.
        validate_price_option(&option, &hcpcs, app.clock.today())
            .map_err(|err| FieldErrors::single(&err.field, err.message))?;
        Ok(Parsed {
            payer: payer.id,
            plan,
            hcpcs,
            option,
        })
    }
}

/// The rows for a parsed option.
fn rows(id: uuid::Uuid, parsed: &Parsed, app: &App, actor: &Actor) -> PriceOptionRecord {
    let to_i32 = |m: u32| i32::try_from(m).unwrap_or(i32::MAX);
    PriceOptionRecord {
        option: OptionRow {
            id,
            payer_id: parsed.payer,
            plan_id: parsed.plan,
            hcpcs: parsed.hcpcs.clone(),
            kind: kind_name(parsed.option.kind).to_owned(),
            cap_months: parsed.option.cap_months.map(to_i32),
            updated_at: app.clock.now(),
            updated_by: actor.username.clone(),
        },
        bands: parsed
            .option
            .bands
            .iter()
            .enumerate()
            .map(|(position, band)| PriceOptionBand {
                price_option_id: id,
                position: i32::try_from(position).unwrap_or(i32::MAX),
                from_month: to_i32(band.from_month),
                to_month: band.to_month.map(to_i32),
                modifiers: band.modifiers.join(","),
                amount_cents: band.amount.cents(),
            })
            .collect(),
    }
}

/// Refuses a second purchase option, or a second rental-type option, for the same payer (or
/// plan) and code: an order line's rental-or-purchase choice must name exactly one option.
async fn refuse_duplicate(db: &impl Db, id: uuid::Uuid, parsed: &Parsed) -> AppResult<()> {
    let existing = store::price_options(db, Some(parsed.payer), Some(&parsed.hcpcs)).await?;
    let rental = is_rental(parsed.option.kind);
    let clash = existing.iter().any(|other| {
        other.option.id != id
            && other.option.plan_id == parsed.plan
            && parse_kind(&other.option.kind).is_some_and(|k| is_rental(k) == rental)
    });
    if clash {
        return Err(FieldErrors::single(
            "kind",
            if rental {
                "This payer (or plan) already has a rental option for this code; edit that one."
            } else {
                "This payer (or plan) already has a purchase option for this code; edit that one."
            },
        )
        .into());
    }
    Ok(())
}

fn audit_detail(parsed: &Parsed) -> serde_json::Value {
    serde_json::json!({
        "payer_id": parsed.payer,
        "plan_id": parsed.plan,
        "hcpcs": parsed.hcpcs,
        "price_option": parsed.option,
    })
}

/// Adds a price option for a payer (or one of its plans) and HCPCS code.
pub async fn create_price_option(
    app: &App,
    actor: &Actor,
    form: &PriceOptionForm,
) -> AppResult<PriceOptionId> {
    actor.require(Permission::PricingWrite)?;
    let tx = app.store.begin_write().await?;
    let parsed = form.parse(app, tx.conn()).await?;
    let id = PriceOptionId::new();
    refuse_duplicate(tx.conn(), id.as_uuid(), &parsed).await?;
    store::insert_price_option(tx.conn(), rows(id.as_uuid(), &parsed, app, actor)).await?;
    let event = Audit::new("pricing.create_price_option", "price_option", id.as_uuid())
        .detail(audit_detail(&parsed));
    record(tx.conn(), &app.clock, actor, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a price option; the audit event keeps what it was.
pub async fn update_price_option(
    app: &App,
    actor: &Actor,
    id: PriceOptionId,
    form: &PriceOptionForm,
) -> AppResult<()> {
    actor.require(Permission::PricingWrite)?;
    let tx = app.store.begin_write().await?;
    let old = store::price_option(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("price option"))?;
    let parsed = form.parse(app, tx.conn()).await?;
    refuse_duplicate(tx.conn(), id.as_uuid(), &parsed).await?;
    store::update_price_option(tx.conn(), rows(id.as_uuid(), &parsed, app, actor)).await?;
    let mut detail = audit_detail(&parsed);
    detail["previous"] = serde_json::json!({
        "payer_id": old.option.payer_id,
        "plan_id": old.option.plan_id,
        "hcpcs": old.option.hcpcs,
        "price_option": super::to_domain(&old)?,
    });
    let event =
        Audit::new("pricing.update_price_option", "price_option", id.as_uuid()).detail(detail);
    record(tx.conn(), &app.clock, actor, event).await?;
    tx.commit().await?;
    Ok(())
}
