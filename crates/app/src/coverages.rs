//! Insurance coverages: which payer and plan cover a patient, under which member id, in which
//! order, and for which dates.

use durable_domain::codes::Mbi;
use durable_domain::ids::{CoverageId, PatientId, PayerId, PlanId};
use durable_domain::people::{CoveragePriority, PayerKind, SubscriberRelationship};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::Db;
use durable_store::directory;
use durable_store::patients::{self as store, Coverage};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit::{Audit, record, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// A coverage as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CoverageForm {
    /// The payer's id.
    pub payer_id: String,
    /// The plan's id (optional; must belong to the payer).
    pub plan_id: Option<String>,
    /// The member id on the card (for Medicare, the MBI).
    pub member_id: String,
    /// Group number.
    pub group_number: Option<String>,
    /// self, spouse, child or other.
    pub relationship: Option<String>,
    /// The subscriber's name when the patient is not the subscriber.
    pub subscriber_name: Option<String>,
    /// primary, secondary or tertiary.
    pub priority: String,
    /// First day covered.
    pub effective_date: String,
    /// Last day covered, if it ended.
    pub termination_date: Option<String>,
}

impl CoverageForm {
    /// Whether nothing was typed (an optional coverage section left blank).
    pub fn is_blank(&self) -> bool {
        self.payer_id.trim().is_empty() && self.member_id.trim().is_empty()
    }

    /// Parses the form against the payers on file; field names carry `prefix`.
    pub(crate) async fn parse(
        &self,
        app: &App,
        db: &impl Db,
        patient_id: PatientId,
        existing: Option<&Coverage>,
        prefix: &str,
    ) -> AppResult<Coverage> {
        let field = |name: &str| format!("{prefix}{name}");
        let mut e = FieldErrors::new();
        let payer = match self.payer_id.trim().parse::<PayerId>() {
            Ok(id) => directory::payer(db, id.as_uuid()).await?,
            Err(_) => None,
        };
        if payer.is_none() {
            e.add(
                &field("payer_id"),
                "Choose a payer from the list; this one is not on file.",
            );
        }
        let plan = match self.plan_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<PlanId>() {
                Ok(id) => match directory::plan(db, id.as_uuid()).await? {
                    Some(plan) if payer.as_ref().is_some_and(|p| p.id == plan.payer_id) => {
                        Some(plan)
                    }
                    _ => {
                        e.add(&field("plan_id"), "Choose a plan of the selected payer.");
                        None
                    }
                },
                Err(_) => {
                    e.add(&field("plan_id"), "Choose a plan of the selected payer.");
                    None
                }
            },
        };
        let mut member_id = e.required(&field("member_id"), &self.member_id, 40);
        if let (Some(payer), Some(member)) = (&payer, &member_id)
            && payer.kind == PayerKind::Medicare.as_str()
        {
            match Mbi::parse(member) {
                Ok(mbi) => member_id = Some(mbi.as_str().to_owned()),
                Err(err) => e.add(
                    &field("member_id"),
                    format!("Medicare's member id is the MBI. {}", err.0),
                ),
            }
        }
        let group_number = e.optional(&field("group_number"), self.group_number.as_deref(), 40);
        let relationship = match self.relationship.as_deref().map(str::trim) {
            None | Some("") => Some(SubscriberRelationship::SelfInsured),
            Some(text) => e.check(&field("relationship"), SubscriberRelationship::parse(text)),
        };
        let subscriber_name = e.optional(
            &field("subscriber_name"),
            self.subscriber_name.as_deref(),
            100,
        );
        if relationship.is_some_and(|r| r != SubscriberRelationship::SelfInsured)
            && subscriber_name.is_none()
        {
            e.add(
                &field("subscriber_name"),
                "Enter the subscriber's name when the patient is not the subscriber.",
            );
        }
        let priority = e.check(&field("priority"), CoveragePriority::parse(&self.priority));
        let effective = e.check(&field("effective_date"), parse_date(&self.effective_date));
        let termination = e.optional_parsed(
            &field("termination_date"),
            self.termination_date.as_deref(),
            parse_date,
        );
        if let (Some(from), Some(to)) = (effective, termination)
            && to < from
        {
            e.add(
                &field("termination_date"),
                "The termination date cannot be before the effective date.",
            );
        }
        if let (Some(priority), Some(from)) = (priority, effective) {
            let others = store::coverages_of(db, patient_id.as_uuid()).await?;
            let clash = others.iter().any(|other| {
                Some(other.id) != existing.map(|c| c.id)
                    && other.priority == priority.as_str()
                    && overlaps(
                        (other.effective_date, other.termination_date),
                        (from, termination),
                    )
            });
            if clash {
                e.add(
                    &field("priority"),
                    format!("The patient already has a {} coverage for these dates; end it first or choose another priority.", priority.as_str()),
                );
            }
        }
        let now = app.clock.now();
        Ok(e.finish(|| {
            Some(Coverage {
                id: existing.map_or_else(|| CoverageId::new().as_uuid(), |c| c.id),
                patient_id: patient_id.as_uuid(),
                payer_id: payer?.id,
                plan_id: plan.map(|p| p.id),
                member_id: member_id?,
                group_number,
                relationship: relationship?.as_str().to_owned(),
                subscriber_name,
                priority: priority?.as_str().to_owned(),
                effective_date: effective?,
                termination_date: termination,
                created_at: existing.map_or(now, |c| c.created_at),
                updated_at: now,
            })
        })?)
    }
}

/// Whether two date ranges (open-ended when `None`) share a day.
fn overlaps(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let ends_before =
        |range: (Date, Option<Date>), start: Date| range.1.is_some_and(|end| end < start);
    !ends_before(a, b.0) && !ends_before(b, a.0)
}

/// A coverage as shown, with its payer's and plan's names.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CoverageView {
    /// The coverage's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: CoverageId,
    /// The patient's id.
    #[schema(value_type = String, format = Uuid)]
    pub patient_id: PatientId,
    /// The payer's id.
    #[schema(value_type = String, format = Uuid)]
    pub payer_id: PayerId,
    /// The payer's name.
    pub payer_name: String,
    /// The plan's id.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub plan_id: Option<PlanId>,
    /// The plan's name.
    pub plan_name: Option<String>,
    /// Member id.
    pub member_id: String,
    /// Group number.
    pub group_number: Option<String>,
    /// Relationship to the subscriber.
    pub relationship: String,
    /// Subscriber's name.
    pub subscriber_name: Option<String>,
    /// primary, secondary or tertiary.
    pub priority: String,
    /// First day covered.
    #[schema(value_type = String, format = Date)]
    pub effective_date: Date,
    /// Last day covered.
    #[schema(value_type = Option<String>, format = Date)]
    pub termination_date: Option<Date>,
}

/// A patient's coverages with payer and plan names (no permission check: callers check).
pub(crate) async fn views_of(db: &impl Db, patient_id: PatientId) -> AppResult<Vec<CoverageView>> {
    let rows = store::coverages_of(db, patient_id.as_uuid()).await?;
    let payers = directory::payers(db).await?;
    let plans = directory::plans(db).await?;
    Ok(rows
        .into_iter()
        .map(|c| CoverageView {
            id: CoverageId::from_uuid(c.id),
            patient_id,
            payer_id: PayerId::from_uuid(c.payer_id),
            payer_name: payers
                .iter()
                .find(|p| p.id == c.payer_id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            plan_id: c.plan_id.map(PlanId::from_uuid),
            plan_name: c
                .plan_id
                .and_then(|id| plans.iter().find(|p| p.id == id))
                .map(|p| p.name.clone()),
            member_id: c.member_id,
            group_number: c.group_number,
            relationship: c.relationship,
            subscriber_name: c.subscriber_name,
            priority: c.priority,
            effective_date: c.effective_date,
            termination_date: c.termination_date,
        })
        .collect())
}

/// A patient's coverages; the read is recorded.
pub async fn list(app: &App, actor: &Actor, patient_id: PatientId) -> AppResult<Vec<CoverageView>> {
    actor.require(Permission::CoverageRead)?;
    if !store::exists(app.store.conn(), patient_id.as_uuid()).await? {
        return Err(AppError::NotFound("patient"));
    }
    let views = views_of(app.store.conn(), patient_id).await?;
    record_read(
        app,
        actor,
        Audit::about("coverage.list", "patient", Some(patient_id.as_uuid())).patients([patient_id]),
    )
    .await?;
    Ok(views)
}

/// One coverage; the read is recorded.
pub async fn get(app: &App, actor: &Actor, id: CoverageId) -> AppResult<CoverageView> {
    actor.require(Permission::CoverageRead)?;
    let coverage = store::coverage(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("coverage"))?;
    let patient_id = PatientId::from_uuid(coverage.patient_id);
    let view = views_of(app.store.conn(), patient_id)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(AppError::NotFound("coverage"))?;
    record_read(
        app,
        actor,
        Audit::new("coverage.view", "coverage", id.as_uuid()).patients([patient_id]),
    )
    .await?;
    Ok(view)
}

/// Adds a coverage to a patient.
pub async fn add(
    app: &App,
    actor: &Actor,
    patient_id: PatientId,
    form: &CoverageForm,
) -> AppResult<CoverageId> {
    actor.require(Permission::CoverageWrite)?;
    let tx = app.store.begin_write().await?;
    if !store::exists(tx.conn(), patient_id.as_uuid()).await? {
        return Err(AppError::NotFound("patient"));
    }
    let coverage = form.parse(app, tx.conn(), patient_id, None, "").await?;
    let id = CoverageId::from_uuid(coverage.id);
    store::insert_coverages(tx.conn(), vec![coverage]).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("coverage.create", "coverage", id.as_uuid()).patients([patient_id]),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a coverage's fields; answers whose coverage it is.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: CoverageId,
    form: &CoverageForm,
) -> AppResult<PatientId> {
    actor.require(Permission::CoverageWrite)?;
    let tx = app.store.begin_write().await?;
    let existing = store::coverage(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("coverage"))?;
    let patient_id = PatientId::from_uuid(existing.patient_id);
    let coverage = form
        .parse(app, tx.conn(), patient_id, Some(&existing), "")
        .await?;
    store::update_coverage(tx.conn(), coverage).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("coverage.update", "coverage", id.as_uuid()).patients([patient_id]),
    )
    .await?;
    tx.commit().await?;
    Ok(patient_id)
}

#[cfg(test)]
mod tests {
    use super::overlaps;
    use time::macros::date;

    #[test]
    fn date_ranges_overlap_when_they_share_a_day() {
        let jan = (date!(2026 - 01 - 01), Some(date!(2026 - 01 - 31)));
        assert!(overlaps(jan, (date!(2026 - 01 - 31), None)));
        assert!(!overlaps(jan, (date!(2026 - 02 - 01), None)));
        assert!(overlaps(
            (date!(2020 - 01 - 01), None),
            (date!(2026 - 05 - 01), Some(date!(2026 - 06 - 01)))
        ));
        assert!(!overlaps(
            (date!(2026 - 03 - 01), None),
            (date!(2026 - 01 - 01), Some(date!(2026 - 02 - 28)))
        ));
    }
}

/// An eligibility result as typed in from a payer portal or phone call (the electronic 270/271
/// comes with the EDI work).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EligibilityForm {
    /// The date the payer answered.
    pub checked_on: String,
    /// "true" when the payer reported active coverage.
    pub active: Option<String>,
    /// portal, phone, 271 or other.
    pub source: String,
    /// What the payer said.
    pub note: Option<String>,
}

/// An eligibility result as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EligibilityView {
    /// The date the payer answered.
    pub checked_on: Date,
    /// Active coverage reported.
    pub active: bool,
    /// Where the answer came from.
    pub source: String,
    /// What the payer said.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Records an eligibility result for a coverage and checks the patient's open orders again.
/// Returns the patient.
pub async fn record_eligibility(
    app: &App,
    actor: &Actor,
    id: CoverageId,
    form: &EligibilityForm,
) -> AppResult<PatientId> {
    actor.require(Permission::CoverageWrite)?;
    let mut errors = FieldErrors::new();
    let checked_on = errors.check("checked_on", parse_date(&form.checked_on));
    if checked_on.is_some_and(|d| d > app.clock.today()) {
        errors.add("checked_on", "The check date cannot be in the future.");
    }
    let source = form.source.trim();
    if !["portal", "phone", "271", "other"].contains(&source) {
        errors.add("source", "Choose portal, phone, 271 or other.");
    }
    let note = errors
        .optional_note("note", form.note.as_deref(), 1_000)
        .unwrap_or_default();
    let checked_on = errors.finish(|| checked_on)?;
    let tx = app.store.begin_write().await?;
    let coverage = store::coverage(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("coverage"))?;
    let row_id = uuid::Uuid::now_v7();
    store::insert_eligibility(
        tx.conn(),
        store::EligibilityCheck {
            id: row_id,
            coverage_id: coverage.id,
            checked_on,
            active: crate::forms::flag(form.active.as_deref()),
            source: source.to_owned(),
            note,
            recorded_by: actor.username.clone(),
            recorded_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("coverage.eligibility", "coverage", coverage.id)
            .patients([PatientId::from_uuid(coverage.patient_id)]),
    )
    .await?;
    for order in durable_store::orders::for_patient(tx.conn(), coverage.patient_id).await? {
        crate::orders::recheck(
            app,
            actor,
            tx.conn(),
            durable_domain::ids::OrderId::from_uuid(order.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(PatientId::from_uuid(coverage.patient_id))
}

/// A coverage's eligibility results, newest first.
pub async fn eligibility(
    app: &App,
    actor: &Actor,
    id: CoverageId,
) -> AppResult<Vec<EligibilityView>> {
    actor.require(Permission::CoverageRead)?;
    let coverage = store::coverage(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("coverage"))?;
    let rows = store::eligibility_of(app.store.conn(), vec![coverage.id]).await?;
    record_read(
        app,
        actor,
        Audit::new("coverage.eligibility_read", "coverage", coverage.id)
            .patients([PatientId::from_uuid(coverage.patient_id)]),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| EligibilityView {
            checked_on: e.checked_on,
            active: e.active,
            source: e.source,
            note: e.note,
            recorded_by: e.recorded_by,
        })
        .collect())
}
