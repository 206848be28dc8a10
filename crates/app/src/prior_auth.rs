//! Prior authorization (42 CFR 414.234): requests per patient, payer and HCPCS, rental or
//! purchase, with the UTN, status and decision and expiry dates, worked from a queue sorted by
//! status and expiry. A line whose code is on the Required Prior Authorization List needs an
//! affirmed, unexpired request; saving a request checks the patient's held orders again.

use durable_domain::catalog::Hcpcs;
use durable_domain::documentation::{PaStatus, PriorAuthFacts};
use durable_domain::ids::{OrderId, PatientId, PayerId, PriorAuthId};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::prior_auth::{self as store, PriorAuthorization};
use durable_store::{Db, catalog as catalog_store, directory, orders as order_store, patients};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// Every status, in the order the queue shows them: work still to do first.
pub const STATUSES: [&str; 5] = ["draft", "submitted", "affirmed", "non_affirmed", "expired"];

/// The page size of the queue.
const PAGE: u64 = 50;

fn parse_status(text: &str) -> Option<PaStatus> {
    Some(match text.trim() {
        "draft" => PaStatus::Draft,
        "submitted" => PaStatus::Submitted,
        "affirmed" => PaStatus::Affirmed,
        "non_affirmed" => PaStatus::NonAffirmed,
        "expired" => PaStatus::Expired,
        _ => return None,
    })
}

/// A request as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PriorAuthForm {
    /// The patient's id.
    pub patient_id: String,
    /// The payer's id.
    pub payer_id: String,
    /// The HCPCS code requested.
    pub hcpcs: String,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// draft, submitted, affirmed, non_affirmed or expired.
    pub status: String,
    /// The 14-character unique tracking number from the decision letter.
    pub utn: Option<String>,
    /// When the request was sent.
    pub submitted_on: Option<String>,
    /// The decision date.
    pub decision_date: Option<String>,
    /// The expiry date printed on the decision, if any (else the program's validity applies).
    pub expiry_date: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// A request as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PriorAuthView {
    /// The request's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: PriorAuthId,
    /// The patient.
    #[schema(value_type = String, format = Uuid)]
    pub patient_id: PatientId,
    /// The patient's name.
    pub patient_name: String,
    /// The payer.
    #[schema(value_type = String, format = Uuid)]
    pub payer_id: PayerId,
    /// The payer's name.
    pub payer_name: String,
    /// HCPCS code.
    pub hcpcs: String,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// Status.
    pub status: String,
    /// Unique tracking number.
    pub utn: Option<String>,
    /// Sent on.
    pub submitted_on: Option<Date>,
    /// Decision date.
    pub decision_date: Option<Date>,
    /// Expiry printed on the decision.
    pub expiry_date: Option<Date>,
    /// The last day the decision covers: the printed expiry, else the program's validity.
    pub valid_through: Option<Date>,
    /// Notes.
    pub notes: String,
}

impl From<&PriorAuthorization> for PriorAuthForm {
    fn from(row: &PriorAuthorization) -> Self {
        PriorAuthForm {
            patient_id: row.patient_id.to_string(),
            payer_id: row.payer_id.to_string(),
            hcpcs: row.hcpcs.clone(),
            rent_or_buy: row.rent_or_buy.clone(),
            status: row.status.clone(),
            utn: row.utn.clone(),
            submitted_on: row.submitted_on.map(|d| d.to_string()),
            decision_date: row.decision_date.map(|d| d.to_string()),
            expiry_date: row.expiry_date.map(|d| d.to_string()),
            notes: Some(row.notes.clone()),
        }
    }
}

/// The checker's view of a stored request.
pub(crate) fn facts(row: &PriorAuthorization) -> Option<PriorAuthFacts> {
    Some(PriorAuthFacts {
        hcpcs: Hcpcs::parse(&row.hcpcs).ok()?,
        status: parse_status(&row.status)?,
        utn: row.utn.clone(),
        decision_date: row.decision_date,
        expiry_date: row.expiry_date,
    })
}

impl PriorAuthForm {
    async fn parse(&self, app: &App, db: &impl Db, id: Uuid) -> AppResult<PriorAuthorization> {
        let mut errors = FieldErrors::new();
        let today = app.clock.today();
        let patient = match self.patient_id.trim().parse::<Uuid>() {
            Ok(uuid) if patients::exists(db, uuid).await? => Some(uuid),
            _ => {
                errors.add("patient_id", "Choose the patient.");
                None
            }
        };
        let payer = match self.payer_id.trim().parse::<Uuid>() {
            Ok(uuid) => directory::payer(db, uuid).await?.map(|p| p.id),
            Err(_) => None,
        };
        if payer.is_none() {
            errors.add("payer_id", "Choose the payer the request goes to.");
        }
        let hcpcs = errors.check("hcpcs", Hcpcs::parse(&self.hcpcs));
        if let Some(code) = &hcpcs
            && catalog_store::hcpcs_code(db, code.as_str())
                .await?
                .is_none()
        {
            errors.add("hcpcs", format!("{code} is not in the HCPCS catalog."));
        }
        let rent_or_buy = self.rent_or_buy.trim();
        if !["rental", "purchase"].contains(&rent_or_buy) {
            errors.add("rent_or_buy", "Choose rental or purchase.");
        }
        let status = parse_status(&self.status);
        if status.is_none() {
            errors.add(
                "status",
                "Choose draft, submitted, affirmed, non-affirmed or expired.",
            );
        }
        let date = |errors: &mut FieldErrors, field: &str, text: Option<&str>| {
            let date = errors.optional_parsed(field, text, parse_date);
            if field != "expiry_date" && date.is_some_and(|d| d > today) {
                errors.add(field, "This date cannot be in the future.");
            }
            date
        };
        let submitted_on = date(&mut errors, "submitted_on", self.submitted_on.as_deref());
        let decision_date = date(&mut errors, "decision_date", self.decision_date.as_deref());
        let expiry_date = date(&mut errors, "expiry_date", self.expiry_date.as_deref());
        if let (Some(sent), Some(decided)) = (submitted_on, decision_date)
            && decided < sent
        {
            errors.add(
                "decision_date",
                "The decision cannot come before the request was sent.",
            );
        }
        let utn = errors.optional("utn", self.utn.as_deref(), 14);
        let notes = errors
            .optional_note("notes", self.notes.as_deref(), 2_000)
            .unwrap_or_default();
        // The domain's own checks: a decision date for decided requests, expiry not before
        // decision, a well-formed UTN on an affirmation.
        if let (Some(code), Some(status)) = (&hcpcs, status) {
            let candidate = PriorAuthFacts {
                hcpcs: code.clone(),
                status,
                utn: utn.clone(),
                decision_date,
                expiry_date,
            };
            if let Err(found) = candidate.validate() {
                for problem in found.errors {
                    if errors.for_field(&problem.field).is_none() {
                        errors.add(&problem.field, problem.message);
                    }
                }
            }
        }
        let (patient_id, payer_id, hcpcs) = errors.finish(|| Some((patient?, payer?, hcpcs?)))?;
        Ok(PriorAuthorization {
            id,
            patient_id,
            payer_id,
            hcpcs: hcpcs.to_string(),
            rent_or_buy: rent_or_buy.to_owned(),
            status: self.status.trim().to_owned(),
            utn: utn.map(|u| u.to_ascii_uppercase()),
            submitted_on,
            decision_date,
            expiry_date,
            notes,
            updated_at: app.clock.now(),
        })
    }
}

/// Adds a request (`id` = `None`) or replaces one, and checks the patient's held orders again.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<PriorAuthId>,
    form: &PriorAuthForm,
) -> AppResult<PriorAuthId> {
    actor.require(Permission::OrderWrite)?;
    let tx = app.store.begin_write().await?;
    let row_id = match id {
        Some(id) => {
            store::get(tx.conn(), id.as_uuid())
                .await?
                .ok_or(AppError::NotFound("prior authorization"))?;
            id.as_uuid()
        }
        None => Uuid::now_v7(),
    };
    let row = form.parse(app, tx.conn(), row_id).await?;
    let patient = row.patient_id;
    let action = if id.is_some() {
        store::update(tx.conn(), row).await?;
        "prior_auth.update"
    } else {
        store::insert(tx.conn(), row).await?;
        "prior_auth.create"
    };
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new(action, "prior_authorization", row_id).patients([PatientId::from_uuid(patient)]),
    )
    .await?;
    for order in order_store::for_patient(tx.conn(), patient).await? {
        crate::orders::recheck(app, actor, tx.conn(), OrderId::from_uuid(order.id)).await?;
    }
    tx.commit().await?;
    Ok(PriorAuthId::from_uuid(row_id))
}

/// Names and validity for rows about to be shown.
async fn views(
    app: &App,
    db: &impl Db,
    rows: Vec<PriorAuthorization>,
) -> AppResult<Vec<PriorAuthView>> {
    let rules = crate::orders::facts::rules()?;
    let payers = directory::payers(db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.patient_id).collect();
    let names = crate::patients::display_names(db, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let patient_name = names.get(&row.patient_id).cloned().unwrap_or_default();
        let valid_for = Hcpcs::parse(&row.hcpcs).ok().and_then(|code| {
            let on = row.decision_date.unwrap_or(app.clock.today());
            rules
                .prior_auth_program(&code, on)
                .and_then(|p| p.decision_valid)
        });
        let valid_through = facts(&row).and_then(|f| f.last_valid_day(valid_for));
        out.push(PriorAuthView {
            id: PriorAuthId::from_uuid(row.id),
            patient_id: PatientId::from_uuid(row.patient_id),
            patient_name,
            payer_id: PayerId::from_uuid(row.payer_id),
            payer_name: payers
                .iter()
                .find(|p| p.id == row.payer_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            hcpcs: row.hcpcs,
            rent_or_buy: row.rent_or_buy,
            status: row.status,
            utn: row.utn,
            submitted_on: row.submitted_on,
            decision_date: row.decision_date,
            expiry_date: row.expiry_date,
            valid_through,
            notes: row.notes,
        });
    }
    Ok(out)
}

/// One request.
pub async fn get(app: &App, actor: &Actor, id: PriorAuthId) -> AppResult<PriorAuthView> {
    actor.require(Permission::OrderRead)?;
    let row = store::get(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("prior authorization"))?;
    let patient = PatientId::from_uuid(row.patient_id);
    let view = views(app, app.store.conn(), vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound("prior authorization"))?;
    record_read(
        app,
        actor,
        Audit::new("prior_auth.read", "prior_authorization", id.as_uuid()).patients([patient]),
    )
    .await?;
    Ok(view)
}

/// A request as saved, to edit.
pub async fn edit_form(app: &App, actor: &Actor, id: PriorAuthId) -> AppResult<PriorAuthForm> {
    actor.require(Permission::OrderWrite)?;
    let row = store::get(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("prior authorization"))?;
    record_read(
        app,
        actor,
        Audit::new("prior_auth.read", "prior_authorization", id.as_uuid())
            .patients([PatientId::from_uuid(row.patient_id)]),
    )
    .await?;
    Ok(PriorAuthForm::from(&row))
}

/// The queue: every request by status (work to do first), then soonest expiry.
pub async fn queue(
    app: &App,
    actor: &Actor,
    offset: u64,
) -> AppResult<(Vec<PriorAuthView>, Option<u64>)> {
    actor.require(Permission::OrderRead)?;
    let mut rows = Vec::new();
    // Rows read up to the end of this page and one more; the databases take a signed limit.
    let wanted = offset.saturating_add(PAGE + 1).min(i64::MAX.unsigned_abs());
    // One status at a time keeps the work-first order the same on both backends.
    for status in STATUSES {
        rows.extend(store::queue(app.store.conn(), &[status], 0, wanted).await?);
        if rows.len() as u64 >= wanted {
            break;
        }
    }
    let mut rows: Vec<_> = rows.into_iter().skip(offset as usize).collect();
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    let patients: Vec<PatientId> = rows
        .iter()
        .map(|r| PatientId::from_uuid(r.patient_id))
        .collect();
    let items = views(app, app.store.conn(), rows).await?;
    if !patients.is_empty() {
        record_read(
            app,
            actor,
            Audit::about("prior_auth.queue", "prior_authorization", None).patients(patients),
        )
        .await?;
    }
    Ok((items, next))
}

/// Affirmed requests whose decision ends within `days` (or has just ended), soonest first: the
/// intake queue's "PA expiring" list.
pub async fn expiring(app: &App, actor: &Actor, days: i64) -> AppResult<Vec<PriorAuthView>> {
    actor.require(Permission::OrderRead)?;
    let today = app.clock.today();
    let horizon = today + time::Duration::days(days);
    // A decision without a printed expiry lasts at most the longest period on the Required Prior
    // Authorization List, so older ones ended long ago; the list, not code, says how long that is.
    let rules = crate::orders::facts::rules()?;
    let longest = rules
        .prior_auth
        .rows()
        .iter()
        .filter_map(|row| row.decision_valid)
        .map(|valid| valid.last_valid_day(today) - today)
        .max()
        .unwrap_or(time::Duration::ZERO);
    let rows = store::affirmed_recent(
        app.store.conn(),
        today - longest - time::Duration::days(days),
        today - time::Duration::days(days),
    )
    .await?;
    let mut items: Vec<PriorAuthView> = views(app, app.store.conn(), rows)
        .await?
        .into_iter()
        .filter(|pa| {
            pa.valid_through
                .is_some_and(|end| end <= horizon && end >= today - time::Duration::days(days))
        })
        .collect();
    items.sort_by_key(|pa| pa.valid_through);
    if !items.is_empty() {
        record_read(
            app,
            actor,
            Audit::about("prior_auth.expiring", "prior_authorization", None)
                .patients(items.iter().map(|pa| pa.patient_id)),
        )
        .await?;
    }
    Ok(items)
}

/// A patient's requests, as facts for the documentation checker.
pub(crate) async fn facts_for_patient(
    db: &impl Db,
    patient: Uuid,
) -> AppResult<Vec<PriorAuthFacts>> {
    Ok(store::for_patient(db, patient)
        .await?
        .iter()
        .filter_map(facts)
        .collect())
}
