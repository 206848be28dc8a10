//! Recall campaigns: the domain's `Campaign` picks the affected units by their
//! stored keys; opening a campaign quarantines every affected unit on the shelves through the
//! state machine and writes one follow-up row per unit; the campaign page lists every patient
//! who holds or ever held an affected unit, named (with phones) only for roles that read patient
//! demographics, and audits that read with the patients named.

use std::collections::{BTreeMap, BTreeSet};

use durable_domain::ids::{AssetId, RecallId};
use durable_domain::inventory::{
    AssetCommand, AssetState, Campaign, CampaignInput, SerialRangeInput, apply,
};
use durable_domain::validation::FieldErrors;
use durable_store::inventory as store;
use durable_store::patients;
use durable_store::recalls::{self as recall_store, RecallCampaign, RecallUnit};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::assets::{AssetSummary, Names, state_of};
use super::commands::{custody, facts_of, moved};
use super::{MAX_NOTE, PatientRef, patient_names};
use crate::audit::{Audit, record, record_read};
use crate::forms::MAX_TEXT;
use crate::{Actor, App, AppError, AppResult, Permission};

/// Follow-up statuses of one unit.
pub const UNIT_STATUSES: [&str; 5] = ["open", "contacted", "quarantined", "remedied", "closed"];

/// A campaign as entered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecallForm {
    /// A short title (the manufacturer's notice number and subject).
    pub title: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model; empty for a campaign by lot that spans models.
    pub model: Option<String>,
    /// Every unit of the model is affected.
    pub every_unit: bool,
    /// Inclusive serial ranges.
    pub serial_ranges: Vec<RangeForm>,
    /// Serials one by one.
    pub serials: Vec<String>,
    /// Manufacturer lots.
    pub lots: Vec<String>,
}

/// An inclusive serial range.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RangeForm {
    /// First serial.
    pub first: String,
    /// Last serial.
    pub last: String,
}

impl RecallForm {
    fn input(&self) -> CampaignInput {
        CampaignInput {
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            every_unit: self.every_unit,
            serial_ranges: self
                .serial_ranges
                .iter()
                .map(|r| SerialRangeInput {
                    first: r.first.clone(),
                    last: r.last.clone(),
                })
                .collect(),
            serials: self.serials.clone(),
            lots: self.lots.clone(),
        }
    }
}

/// What a recall asks of a unit, given its state when the campaign opens.
fn task_for(state: &AssetState) -> (&'static str, &'static str) {
    match state {
        AssetState::Quarantined { .. } => (
            "quarantined",
            "Held in quarantine: apply the manufacturer's remedy, or retire it.",
        ),
        AssetState::Delivered { .. } => (
            "open",
            "At a patient's home: call the patient and arrange its exchange or field remedy.",
        ),
        AssetState::PatientOwned { .. } => (
            "open",
            "Owned by the patient: tell the patient about the recall and the manufacturer's remedy.",
        ),
        AssetState::Lost => ("open", "Marked lost: find it, or record it retired."),
        AssetState::Retired => ("closed", "Retired: out of service, nothing to do."),
        _ => (
            "open",
            "Could not be quarantined: hold it apart by hand and record the quarantine.",
        ),
    }
}

/// Opens a campaign: quarantines the affected units in stock and writes their follow-up rows.
pub async fn open_campaign(app: &App, actor: &Actor, form: &RecallForm) -> AppResult<RecallId> {
    actor.require(Permission::RecallManage)?;
    let mut errors = FieldErrors::new();
    let title = errors.required("title", &form.title, MAX_TEXT);
    let campaign = match Campaign::parse(&form.input()) {
        Ok(campaign) => Some(campaign),
        Err(more) => {
            errors.errors.extend(more.errors);
            None
        }
    };
    let (title, campaign) = errors.finish(|| title.zip(campaign))?;
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let id = Uuid::now_v7();
    let now = app.clock.now();
    let reason = format!("Recall: {title}");
    let mut units = Vec::new();
    let mut events = Vec::new();
    let mut released = BTreeSet::new();
    for row in recall_store::affected_assets(db, &campaign).await? {
        let state = state_of(&row)?;
        let facts = facts_of(db, &row).await?;
        let quarantine = AssetCommand::Quarantine {
            reason: reason.clone(),
        };
        let (status, task) = match apply(state, &facts, &quarantine) {
            Ok(transition) => {
                let seen = row.state_detail.clone();
                let location = row.location_id;
                let updated = moved(row.clone(), &transition.to, location, now)?;
                events.push(custody(
                    &actor.username,
                    &updated,
                    "quarantine",
                    Some(&state),
                    Some(reason.clone()),
                )?);
                released.extend(state.patient());
                store::update_asset(db, updated, &seen).await?;
                task_for(&transition.to)
            }
            Err(_) => task_for(&state),
        };
        units.push(RecallUnit {
            campaign_id: id,
            asset_id: row.id,
            status: status.to_owned(),
            task: task.to_owned(),
            note: None,
            updated_at: now,
        });
    }
    let affected = units.len();
    store::insert_custody(db, events).await?;
    recall_store::insert_campaign(
        db,
        RecallCampaign {
            id,
            title,
            manufacturer: form.manufacturer.trim().to_owned(),
            model: form
                .model
                .as_deref()
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned),
            input: serde_json::to_string(&form.input()).unwrap_or_default(),
            campaign: serde_json::to_string(&campaign)
                .map_err(|e| AppError::Internal(format!("campaign: {e}")))?,
            created_by: actor.username.clone(),
            created_at: now,
        },
        units,
    )
    .await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("recall.open", "recall", id)
            .patients(released)
            .detail(serde_json::json!({ "units": affected })),
    )
    .await?;
    tx.commit().await?;
    Ok(RecallId::from_uuid(id))
}

/// A campaign in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecallSummary {
    /// The campaign.
    #[schema(value_type = String)]
    pub id: RecallId,
    /// Its title.
    pub title: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model, if it names one.
    pub model: Option<String>,
    /// When it was opened.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub opened_at: OffsetDateTime,
}

fn summary(row: &RecallCampaign) -> RecallSummary {
    RecallSummary {
        id: RecallId::from_uuid(row.id),
        title: row.title.clone(),
        manufacturer: row.manufacturer.clone(),
        model: row.model.clone(),
        opened_at: row.created_at,
    }
}

/// Every campaign, newest first.
pub async fn campaigns(app: &App, actor: &Actor) -> AppResult<Vec<RecallSummary>> {
    actor.require(Permission::RecallRead)?;
    Ok(recall_store::campaigns(app.store.conn())
        .await?
        .iter()
        .map(summary)
        .collect())
}

/// One affected unit and its follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecallUnitView {
    /// The unit.
    pub asset: AssetSummary,
    /// `open`, `contacted`, `quarantined`, `remedied` or `closed`.
    pub status: String,
    /// What to do.
    pub task: String,
    /// The latest note.
    pub note: Option<String>,
}

/// A patient who holds or held an affected unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AffectedPatient {
    /// The patient.
    pub patient: PatientRef,
    /// Phone numbers to call.
    pub phones: Vec<String>,
    /// The affected serials they held.
    pub serials: Vec<String>,
    /// They hold (or have reserved) one now.
    pub holds_now: bool,
}

/// A campaign with its units and the patients to contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecallView {
    /// The campaign.
    pub campaign: RecallSummary,
    /// Units by serial, with their follow-up.
    pub units: Vec<RecallUnitView>,
    /// Patients who hold or ever held an affected unit (for roles that read patients).
    pub patients: Vec<AffectedPatient>,
    /// How many patients that is, for every role.
    pub patient_count: usize,
}

/// One campaign; the patient list is named only for roles that read patients, and audited.
pub async fn recall(app: &App, actor: &Actor, id: RecallId) -> AppResult<RecallView> {
    actor.require(Permission::RecallRead)?;
    let tx = app.store.begin_read().await?;
    let db = tx.conn();
    let row = recall_store::campaign(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("recall"))?;
    let campaign: Campaign = serde_json::from_str(&row.campaign)
        .map_err(|e| AppError::Internal(format!("recall {}: {e}", row.id)))?;
    let units = recall_store::units(db, row.id).await?;
    let assets = store::assets_by_id(db, units.iter().map(|u| u.asset_id).collect()).await?;
    let names = Names::load(db, assets.iter().map(|a| a.product_id).collect()).await?;
    let holders = recall_store::holders(db, &campaign).await?;
    let mut by_patient: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for holder in &holders {
        by_patient
            .entry(holder.patient_id)
            .or_default()
            .insert(holder.asset_id);
    }
    let named = patient_names(db, actor, by_patient.keys().copied()).await?;
    let named_ids: Vec<Uuid> = named.keys().copied().collect();
    let all_phones = patients::phones_of(db, &named_ids).await?;
    let mut patients_out = Vec::new();
    for (patient, held) in &by_patient {
        let Some(name) = named.get(patient) else {
            continue;
        };
        let phones = all_phones
            .iter()
            .filter(|p| p.patient_id == *patient)
            .map(|p| p.number.clone())
            .collect();
        let held_assets: Vec<_> = assets.iter().filter(|a| held.contains(&a.id)).collect();
        patients_out.push(AffectedPatient {
            patient: name.clone(),
            phones,
            serials: held_assets.iter().map(|a| a.serial.clone()).collect(),
            holds_now: held_assets.iter().any(|a| a.patient_id == Some(*patient)),
        });
    }
    drop(tx);
    if !patients_out.is_empty() {
        record_read(
            app,
            actor,
            Audit::new("recall.read", "recall", row.id)
                .patients(patients_out.iter().map(|p| p.patient.id)),
        )
        .await?;
    }
    patients_out.sort_by(|a, b| a.patient.name.cmp(&b.patient.name));
    let mut unit_views: Vec<RecallUnitView> = units
        .into_iter()
        .filter_map(|u| {
            assets
                .iter()
                .find(|a| a.id == u.asset_id)
                .map(|a| RecallUnitView {
                    asset: names.summary(a),
                    status: u.status,
                    task: u.task,
                    note: u.note,
                })
        })
        .collect();
    unit_views.sort_by(|a, b| a.asset.serial.cmp(&b.asset.serial));
    Ok(RecallView {
        campaign: summary(&row),
        units: unit_views,
        patient_count: by_patient.len(),
        patients: patients_out,
    })
}

/// Follow-up recorded on one unit.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UnitProgressForm {
    /// The unit.
    pub asset_id: String,
    /// `open`, `contacted`, `quarantined`, `remedied` or `closed`.
    pub status: String,
    /// What was done.
    pub note: Option<String>,
}

/// Records follow-up on one affected unit.
pub async fn record_progress(
    app: &App,
    actor: &Actor,
    id: RecallId,
    form: &UnitProgressForm,
) -> AppResult<()> {
    actor.require(Permission::RecallManage)?;
    let mut errors = FieldErrors::new();
    let asset: Option<Uuid> = form.asset_id.trim().parse().ok();
    if asset.is_none() {
        errors.add("asset_id", "Choose a unit of this recall.");
    }
    if !UNIT_STATUSES.contains(&form.status.trim()) {
        errors.add(
            "status",
            format!("Choose one of: {}.", UNIT_STATUSES.join(", ")),
        );
    }
    let note = errors.optional_note("note", form.note.as_deref(), MAX_NOTE);
    let asset = errors.finish(|| asset)?;
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let mut unit = recall_store::unit(db, id.as_uuid(), asset)
        .await?
        .ok_or_else(|| FieldErrors::single("asset_id", "This unit is not part of this recall."))?;
    unit.status = form.status.trim().to_owned();
    unit.note = note;
    unit.updated_at = app.clock.now();
    recall_store::update_unit(db, unit).await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("recall.progress", "recall", id.as_uuid())
            .detail(serde_json::json!({ "asset": AssetId::from_uuid(asset).to_string(), "status": form.status.trim() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
