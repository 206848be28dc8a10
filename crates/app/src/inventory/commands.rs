//! Doing things to a unit: every command goes through the domain's state machine (`apply`), and
//! a refused move comes back as a conflict with the machine's own sentence. The new state, the
//! custody event, any cleaning or inspection record and the audit event are one transaction.

use durable_domain::ids::{AssetId, OrderId, PatientId};
use durable_domain::inventory::{
    AssetCommand, AssetFacts, AssetState, DeliveryTerms, InspectionResult, Owner, Transition, Zone,
    apply,
};
use durable_domain::validation::FieldErrors;
use durable_store::inventory::{self as store, Asset, CareRecord, CustodyEvent};
use durable_store::{Db, catalog as catalog_store, orders as order_store, patients};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::MAX_NOTE;
use super::assets::state_of;
use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// Every state code, for filters.
pub const STATES: [&str; 11] = [
    "available",
    "reserved",
    "delivered",
    "returned",
    "wiped",
    "cleaned",
    "in_repair",
    "quarantined",
    "lost",
    "retired",
    "patient_owned",
];

/// A command as the asset page's buttons and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AssetCommandForm {
    /// `reserve`, `cancel_reservation`, `deliver`, `return`, `wipe`, `clean`, `inspect_pass`,
    /// `inspect_fail`, `send_to_repair`, `back_from_repair`, `quarantine`, `release_quarantine`,
    /// `mark_lost`, `found`, `retire`, `transfer_title`, or `move` (to another location, state
    /// unchanged).
    pub command: String,
    /// For `reserve`: the patient (optional: the order's patient when left out).
    pub patient_id: Option<String>,
    /// For `reserve`: the patient's order the unit fills.
    pub order_id: Option<String>,
    /// For `deliver`: `rental` (default) or `sale`.
    pub terms: Option<String>,
    /// For `quarantine`: why.
    pub reason: Option<String>,
    /// For `wipe` and `clean`: the method or disinfecting agent used.
    pub method: Option<String>,
    /// For inspections: the checklist result as written.
    pub checklist: Option<String>,
    /// The location the unit is at after the command (required for `move`).
    pub location_id: Option<String>,
    /// Anything worth keeping on the custody event.
    pub note: Option<String>,
}

/// What the form asks for, checked.
struct Parsed {
    command: Option<AssetCommand>,
    location: Option<Uuid>,
    method: Option<String>,
    checklist: Option<String>,
    note: Option<String>,
}

fn id_field(errors: &mut FieldErrors, field: &str, text: Option<&str>, what: &str) -> Option<Uuid> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => {
            errors.add(field, format!("Choose the {what}."));
            None
        }
        Some(text) => text.parse().ok().or_else(|| {
            errors.add(field, format!("Choose the {what} from the list."));
            None
        }),
    }
}

impl AssetCommandForm {
    fn parse(&self) -> Result<Parsed, FieldErrors> {
        let mut errors = FieldErrors::new();
        let note = errors.optional_note("note", self.note.as_deref(), MAX_NOTE);
        let method = errors.optional("method", self.method.as_deref(), 200);
        let checklist = errors.optional_note("checklist", self.checklist.as_deref(), MAX_NOTE);
        let location = match self.location_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) => id_field(
                &mut errors,
                "location_id",
                self.location_id.as_deref(),
                "location",
            ),
        };
        let command = match self.command.trim() {
            "reserve" => {
                let patient = id_field(
                    &mut errors,
                    "patient_id",
                    self.patient_id.as_deref(),
                    "patient",
                );
                let order = id_field(&mut errors, "order_id", self.order_id.as_deref(), "order");
                patient.zip(order).map(|(p, o)| AssetCommand::Reserve {
                    patient: PatientId::from_uuid(p),
                    order: OrderId::from_uuid(o),
                })
            }
            "cancel_reservation" => Some(AssetCommand::CancelReservation),
            "deliver" => match self.terms.as_deref().map(str::trim) {
                None | Some("") | Some("rental") => Some(AssetCommand::Deliver {
                    terms: DeliveryTerms::Rental,
                }),
                Some("sale") => Some(AssetCommand::Deliver {
                    terms: DeliveryTerms::Sale,
                }),
                Some(_) => {
                    errors.add("terms", "Choose rental or sale.");
                    None
                }
            },
            "return" => Some(AssetCommand::Return),
            "wipe" | "clean" => {
                if method.is_none() && errors.for_field("method").is_none() {
                    errors.add(
                        "method",
                        "Say how it was done (the wipe procedure or the disinfecting agent).",
                    );
                }
                Some(if self.command.trim() == "wipe" {
                    AssetCommand::Wipe
                } else {
                    AssetCommand::Clean
                })
            }
            "inspect_pass" => Some(AssetCommand::Inspect {
                result: InspectionResult::Pass,
            }),
            "inspect_fail" => Some(AssetCommand::Inspect {
                result: InspectionResult::Fail,
            }),
            "send_to_repair" => Some(AssetCommand::SendToRepair),
            "back_from_repair" => Some(AssetCommand::BackFromRepair),
            "quarantine" => Some(AssetCommand::Quarantine {
                reason: self.reason.clone().unwrap_or_default(),
            }),
            "release_quarantine" => Some(AssetCommand::ReleaseQuarantine),
            "mark_lost" => Some(AssetCommand::MarkLost),
            "found" => Some(AssetCommand::Found),
            "retire" => Some(AssetCommand::Retire),
            "transfer_title" => Some(AssetCommand::TransferTitle),
            "move" => {
                if location.is_none() && errors.for_field("location_id").is_none() {
                    errors.add("location_id", "Choose the location the unit moves to.");
                }
                None
            }
            _ => {
                errors.add(
                    "command",
                    "Choose one of the commands the asset page offers.",
                );
                None
            }
        };
        errors.finish(|| {
            Some(Parsed {
                command,
                location,
                method,
                checklist,
                note,
            })
        })
    }
}

/// What the machine needs to know about the unit's model. Title transfer is the billing
/// engine's call; until rentals are billed here, no unit is due one.
pub(crate) async fn facts_of(db: &impl Db, row: &Asset) -> AppResult<AssetFacts> {
    let has_memory = store::inventory_products(db, vec![row.product_id])
        .await?
        .first()
        .is_some_and(|p| p.keeps_patient_data);
    Ok(AssetFacts {
        has_memory,
        title_transfer_due: false,
    })
}

/// The row after a move at `at`: state, zone, holder and owner follow the new state.
pub(crate) fn moved(
    mut row: Asset,
    to: &AssetState,
    location: Uuid,
    at: OffsetDateTime,
) -> AppResult<Asset> {
    row.state = to.code().to_owned();
    row.state_detail =
        serde_json::to_string(to).map_err(|e| AppError::Internal(format!("asset state: {e}")))?;
    row.zone = Zone::of(to).map(|z| z.as_str().to_owned());
    row.patient_id = to.patient().map(|p| p.as_uuid());
    row.order_id = match to {
        AssetState::Reserved { order, .. } | AssetState::Delivered { order, .. } => {
            Some(order.as_uuid())
        }
        _ => None,
    };
    row.owner_patient_id = match to.owner() {
        Owner::Patient(p) => Some(p.as_uuid()),
        Owner::Supplier => None,
    };
    row.location_id = location;
    row.updated_at = at;
    Ok(row)
}

/// The custody event of the transition that left `row` as it is (at its `updated_at`).
pub(crate) fn custody(
    actor_name: &str,
    row: &Asset,
    command: &str,
    from: Option<&AssetState>,
    note: Option<String>,
) -> AppResult<CustodyEvent> {
    let to = state_of(row)?;
    Ok(CustodyEvent {
        id: Uuid::now_v7(),
        asset_id: row.id,
        at: row.updated_at,
        actor_name: actor_name.to_owned(),
        command: command.to_owned(),
        from_state: from.map(|s| s.code().to_owned()),
        to_state: to.code().to_owned(),
        location_id: row.location_id,
        zone: row.zone.clone(),
        patient_id: to.patient().map(|p| p.as_uuid()),
        order_id: row.order_id,
        note,
    })
}

/// Applies one command to one unit through the domain's state machine.
pub async fn run_command(
    app: &App,
    actor: &Actor,
    id: AssetId,
    form: &AssetCommandForm,
) -> AppResult<()> {
    actor.require(Permission::InventoryWrite)?;
    let form = &with_order_patient(app.store.conn(), form).await?;
    let parsed = form.parse()?;
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let row = store::asset(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("asset"))?;
    let seen = row.state_detail.clone();
    let state = state_of(&row)?;
    if let Some(location) = parsed.location
        && store::location(db, location).await?.is_none()
    {
        return Err(FieldErrors::single("location_id", "Choose a location from the list.").into());
    }
    let location = parsed.location.unwrap_or(row.location_id);
    let (to, command_code) = match &parsed.command {
        None => {
            if Zone::of(&state).is_none() {
                return Err(AppError::Conflict(
                    "Only a unit on the supplier's shelves can be moved between locations.".into(),
                ));
            }
            if location == row.location_id {
                return Err(FieldErrors::single(
                    "location_id",
                    "The unit is already at this location.",
                )
                .into());
            }
            (state, "move")
        }
        Some(command) => {
            if let AssetCommand::Reserve { patient, order } = command {
                check_reservation(db, *patient, *order, &row).await?;
            }
            let facts = facts_of(db, &row).await?;
            let Transition { to, .. } = apply(state, &facts, command)
                .map_err(|refusal| AppError::Conflict(refusal.message.to_owned()))?;
            (to, command.code())
        }
    };
    let note = match &parsed.command {
        Some(AssetCommand::Quarantine { reason }) => Some(reason.trim().to_owned()),
        _ => parsed.note.clone(),
    };
    let updated = store_move(
        db,
        actor,
        row,
        &seen,
        &state,
        &to,
        command_code,
        location,
        note,
        app.clock.now(),
    )
    .await?;
    if let Some(command) = &parsed.command
        && let Some(care) = care_record(
            command,
            &updated,
            &actor.username,
            parsed.method.clone(),
            parsed.checklist.clone(),
        )
    {
        store::insert_care(db, vec![care]).await?;
    }
    let patients: Vec<PatientId> = state.patient().into_iter().chain(to.patient()).collect();
    record(
        db,
        &app.clock,
        actor,
        Audit::new("asset.command", "asset", updated.id)
            .patients(patients)
            .detail(serde_json::json!({
                "command": command_code,
                "from": state.code(),
                "to": to.code(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a unit's move from `from` to `to` at `location` and its custody event, unless someone
/// changed the unit since its state was read as `seen`. Returns the row as stored.
#[allow(clippy::too_many_arguments)] // One move's facts; a struct would only rename them.
pub(crate) async fn store_move(
    db: &impl Db,
    actor: &Actor,
    row: Asset,
    seen: &str,
    from: &AssetState,
    to: &AssetState,
    command_code: &str,
    location: Uuid,
    note: Option<String>,
    at: OffsetDateTime,
) -> AppResult<Asset> {
    let updated = moved(row, to, location, at)?;
    let event = custody(&actor.username, &updated, command_code, Some(from), note)?;
    store::update_asset(db, updated.clone(), seen).await?;
    store::insert_custody(db, vec![event]).await?;
    Ok(updated)
}

/// The cleaning, wipe or inspection record a command leaves on the unit as `moved` left it, if
/// the command is one of those (kept for accreditation surveys: the DMEPOS quality standards, 42 CFR 424.57(c)(22)).
pub(crate) fn care_record(
    command: &AssetCommand,
    row: &Asset,
    actor_name: &str,
    method: Option<String>,
    checklist: Option<String>,
) -> Option<CareRecord> {
    let (kind, result) = match command {
        AssetCommand::Wipe => ("wipe", None),
        AssetCommand::Clean => ("clean", None),
        AssetCommand::Inspect {
            result: InspectionResult::Pass,
        } => ("inspect", Some("pass")),
        AssetCommand::Inspect {
            result: InspectionResult::Fail,
        } => ("inspect", Some("fail")),
        _ => return None,
    };
    Some(CareRecord {
        id: Uuid::now_v7(),
        asset_id: row.id,
        kind: kind.to_owned(),
        method,
        result: result.map(str::to_owned),
        checklist,
        actor_name: actor_name.to_owned(),
        at: row.updated_at,
    })
}

/// The order statuses a unit can be reserved for: only Ready, so nothing is set aside for (or
/// delivered on) an order whose documentation still holds it.
pub(crate) const RESERVABLE_ORDER_STATUSES: [&str; 1] = ["ready"];

/// A reservation that names only the order (the asset page's order list) is for the order's
/// patient; `check_reservation` still checks both under the write lock.
async fn with_order_patient(db: &impl Db, form: &AssetCommandForm) -> AppResult<AssetCommandForm> {
    let mut form = form.clone();
    let patient_missing = form
        .patient_id
        .as_deref()
        .is_none_or(|p| p.trim().is_empty());
    if form.command.trim() == "reserve"
        && patient_missing
        && let Some(order) = form.order_id.as_deref().and_then(|o| o.trim().parse().ok())
        && let Some(record) = order_store::order(db, order).await?
    {
        form.patient_id = Some(record.order.patient_id.to_string());
    }
    Ok(form)
}

/// A reservation names a patient on file and one of that patient's open orders that asks for
/// this unit's product.
async fn check_reservation(
    db: &impl Db,
    patient: PatientId,
    order: OrderId,
    unit: &Asset,
) -> AppResult<()> {
    if !patients::exists(db, patient.as_uuid()).await? {
        return Err(FieldErrors::single("patient_id", "No such patient.").into());
    }
    let Some(record) = order_store::order(db, order.as_uuid()).await? else {
        return Err(FieldErrors::single("order_id", "No such order.").into());
    };
    if record.order.patient_id != patient.as_uuid() {
        return Err(FieldErrors::single("order_id", "This order is for another patient.").into());
    }
    if !RESERVABLE_ORDER_STATUSES.contains(&record.order.status.as_str()) {
        return Err(FieldErrors::single(
            "order_id",
            format!(
                "This order is {}: equipment can be reserved only for a Ready order.",
                crate::orders::status_words(&record.order.status)
            ),
        )
        .into());
    }
    let hcpcs = catalog_store::product(db, unit.product_id)
        .await?
        .map(|p| p.hcpcs)
        .unwrap_or_default();
    let (wanted, held) =
        order_store::units_wanted_and_held(db, order.as_uuid(), unit.product_id, &hcpcs).await?;
    if wanted == 0 {
        return Err(FieldErrors::single(
            "order_id",
            "This order asks for no unit of this product: choose an order that does.",
        )
        .into());
    }
    if held >= wanted {
        return Err(FieldErrors::single(
            "order_id",
            "This order already has all its units of this product reserved or delivered.",
        )
        .into());
    }
    Ok(())
}
