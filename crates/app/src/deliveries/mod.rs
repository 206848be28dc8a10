//! Delivery tickets: the trip that hands a Ready order's items to the patient and makes the order
//! billable. Intake plans a ticket from a Ready order (its serialized units are reserved through
//! the asset state machine), schedules it for a day and a technician, and the technician records
//! the hand-over at the stop (`complete`): in one transaction the units go into the patient's
//! custody, stock is issued, the order becomes Delivered, the proof of delivery is stored as a
//! document of the order and one billing episode opens per delivered item.
//!
//! A ticket is only ever worked while its order is Ready: an order that stops being Ready (held
//! again, cancelled) takes its open ticket back to unscheduled, with the reason shown.
//!
//! Privacy: a ticket shows the patient's name, delivery address and phone and the items, never
//! diagnoses or insurance (docs/permissions.md); every read of one is audited with its patient.

mod checks;
mod complete;
mod pod;
mod views;

pub use complete::{
    Completed, CompletionForm, FailureForm, ItemScan, MAX_SIGNATURE_BYTES, complete, fail,
};
pub use views::{ItemView, TicketEventView, TicketView, for_order, stops, ticket};

use durable_domain::delivery::Method;
use durable_domain::ids::{DeliveryTicketId, OrderId, PatientId};
use durable_domain::inventory::{AssetCommand, apply};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::deliveries::{self as store, Ticket, TicketEvent, TicketItem, TicketRecord};
use durable_store::inventory::Asset;
use durable_store::{Db, catalog as catalog_store, inventory as inventory_store, users};
use durable_store::{orders as order_store, patients};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::inventory::{facts_of, state_of, store_move};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The longest free text on a ticket.
const MAX_NOTE: usize = 1000;

/// A delivery as intake plans it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TicketForm {
    /// The Ready order to deliver.
    pub order_id: String,
    /// `technician`, `branch_pickup`, `carrier` or `facility`.
    pub method: String,
    /// The branch whose units and stock go out.
    pub branch_id: String,
    /// For a facility delivery: the facility's name.
    pub facility_name: Option<String>,
    /// The day (YYYY-MM-DD); with a technician it schedules the ticket.
    pub scheduled_on: Option<String>,
    /// The technician's user name.
    pub technician: Option<String>,
    /// The time window promised, HH:MM to HH:MM.
    pub window_start: Option<String>,
    /// End of the time window.
    pub window_end: Option<String>,
    /// For a carrier delivery: the carrier.
    pub carrier: Option<String>,
    /// For a carrier delivery: the package's tracking number.
    pub tracking_number: Option<String>,
    /// Anything the technician should know (gate code, dog, stairs).
    pub notes: Option<String>,
}

/// A day and technician for a ticket, as the board sends them.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScheduleForm {
    /// The day (YYYY-MM-DD).
    pub scheduled_on: String,
    /// The technician's user name.
    pub technician: String,
    /// The stop's place in the day (1 = first); last when left out.
    pub stop_position: Option<i32>,
    /// The time window promised, HH:MM to HH:MM.
    pub window_start: Option<String>,
    /// End of the time window.
    pub window_end: Option<String>,
    /// Why it moves, when it is rescheduled.
    pub note: Option<String>,
}

/// A parsed `HH:MM` time of day.
fn time_of_day(errors: &mut FieldErrors, field: &str, text: Option<&str>) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    let format = time::macros::format_description!("[hour]:[minute]");
    match time::Time::parse(text, format) {
        Ok(_) => Some(text.to_owned()),
        Err(_) => {
            errors.add(field, "Enter a time as HH:MM, for example 09:30.");
            None
        }
    }
}

/// The time window of a form, checked: both ends or neither, the end after the start.
fn window(
    errors: &mut FieldErrors,
    start: Option<&str>,
    end: Option<&str>,
) -> (Option<String>, Option<String>) {
    let start = time_of_day(errors, "window_start", start);
    let end = time_of_day(errors, "window_end", end);
    match (&start, &end) {
        (Some(s), Some(e)) if e <= s => {
            errors.add("window_end", "The window must end after it starts.");
        }
        (Some(_), None) => errors.add("window_end", "Give the end of the time window."),
        (None, Some(_)) => errors.add("window_start", "Give the start of the time window."),
        _ => {}
    }
    (start, end)
}

/// An id typed into a form.
fn id_of(errors: &mut FieldErrors, field: &str, text: &str, what: &str) -> Option<Uuid> {
    match text.trim() {
        "" => {
            errors.add(field, format!("Choose the {what}."));
            None
        }
        text => text.parse().ok().or_else(|| {
            errors.add(field, format!("Choose the {what} from the list."));
            None
        }),
    }
}

/// The active technician with this user name.
async fn technician(
    db: &impl Db,
    errors: &mut FieldErrors,
    username: &str,
) -> AppResult<Option<Uuid>> {
    let username = username.trim();
    if username.is_empty() {
        errors.add("technician", "Choose the technician.");
        return Ok(None);
    }
    match users::by_username(db, username).await? {
        Some(user) if user.active && user.role == "technician" => Ok(Some(user.id)),
        _ => {
            errors.add("technician", "Choose an active technician from the list.");
            Ok(None)
        }
    }
}

fn history_entry(
    app: &App,
    actor: &Actor,
    ticket: &Ticket,
    kind: &str,
    note: Option<String>,
) -> TicketEvent {
    TicketEvent {
        id: Uuid::now_v7(),
        ticket_id: ticket.id,
        at: app.clock.now(),
        actor_name: actor.username.clone(),
        kind: kind.to_owned(),
        scheduled_on: ticket.scheduled_on,
        technician_id: ticket.technician_id,
        note,
    }
}

/// Stores a changed ticket with its history entry; someone who changed it first wins (`Stale`).
async fn save(db: &impl Db, row: Ticket, seen_status: &str, event: TicketEvent) -> AppResult<()> {
    store::update_ticket(db, row, seen_status).await?;
    store::insert_event(db, event).await?;
    Ok(())
}

/// A stop assigned to a technician is that technician's alone to work and to read (minimum
/// necessary); an unassigned one is open to any permitted user.
pub(crate) fn ensure_assigned(actor: &Actor, assigned: Option<Uuid>) -> AppResult<()> {
    match (actor.user_id, assigned) {
        (Some(user), Some(assigned)) if user.as_uuid() != assigned => Err(AppError::Conflict(
            "This stop is assigned to another technician.".into(),
        )),
        _ => Ok(()),
    }
}

/// The Ready order a ticket may be planned or worked for, or why not.
pub(crate) async fn ready_order(db: &impl Db, id: Uuid) -> AppResult<order_store::OrderRecord> {
    let order = order_store::order(db, id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if order.order.status != "ready" {
        return Err(AppError::Conflict(format!(
            "This order is {}: delivery work starts only from a Ready order.",
            crate::orders::status_words(&order.order.status)
        )));
    }
    Ok(order)
}

/// The command that reserves a unit for `order`'s patient and order.
pub(super) fn reservation(order: &order_store::OrderRecord) -> AssetCommand {
    AssetCommand::Reserve {
        patient: PatientId::from_uuid(order.order.patient_id),
        order: OrderId::from_uuid(order.order.id),
    }
}

/// Reserves, through the asset state machine, an available unit of `product` at `branch` for
/// the order; `None` when the branch has none on the shelf (the technician may then scan any
/// available unit of the model at the door).
async fn reserve_one(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    order: &order_store::OrderRecord,
    product: Uuid,
    branch: Uuid,
) -> AppResult<Option<Uuid>> {
    let Some(row) = store::available_units(db, product, branch, 1)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let reserved = command_unit(app, actor, db, row, &reservation(order), None).await?;
    Ok(Some(reserved.id))
}

/// The items of a ticket for `order`: one per serialized unit (with the unit reserved for it:
/// one already reserved for the order, else one reserved now from the branch's shelf) and one
/// per stock line.
async fn items_for(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    ticket_id: Uuid,
    order: &order_store::OrderRecord,
    branch: Uuid,
) -> AppResult<Vec<TicketItem>> {
    let mut held: Vec<inventory_store::Asset> = store::units_of_order(db, order.order.id)
        .await?
        .into_iter()
        .filter(|a| a.state == "reserved")
        .collect();
    let mut items = Vec::new();
    for line in &order.lines {
        let Some(product_id) = line.product_id else {
            return Err(AppError::Conflict(format!(
                "Line {} names only the code {}: choose the product on the order before planning its delivery.",
                line.position + 1,
                line.hcpcs
            )));
        };
        let product = catalog_store::product(db, product_id)
            .await?
            .ok_or(AppError::NotFound("product"))?
            .product;
        let description = format!(
            "{} ({} {})",
            product.name, product.manufacturer, product.model
        );
        let item = |position: usize, quantity: i32, reserved: Option<Uuid>| TicketItem {
            ticket_id,
            position: i32::try_from(position).unwrap_or(i32::MAX) + 1,
            order_line_position: line.position,
            product_id: Some(product_id),
            hcpcs: line.hcpcs.clone(),
            description: description.clone(),
            quantity,
            rent_or_buy: line.rent_or_buy.clone(),
            serialized: product.serialized,
            reserved_asset_id: reserved,
            delivered_asset_id: None,
            lot: None,
        };
        if !product.serialized {
            let row = item(items.len(), line.quantity, None);
            items.push(row);
            continue;
        }
        for _ in 0..line.quantity {
            let reserved = match held.iter().position(|a| a.product_id == product_id) {
                Some(index) => Some(held.swap_remove(index).id),
                None => reserve_one(app, actor, db, order, product_id, branch).await?,
            };
            let row = item(items.len(), 1, reserved);
            items.push(row);
        }
    }
    Ok(items)
}

/// Plans a delivery of a Ready order; scheduled at once when a day and a technician are given.
pub async fn create(app: &App, actor: &Actor, form: &TicketForm) -> AppResult<DeliveryTicketId> {
    actor.require(Permission::DeliveryPlan)?;
    let mut errors = FieldErrors::new();
    let order_id = id_of(&mut errors, "order_id", &form.order_id, "order");
    let branch_id = id_of(&mut errors, "branch_id", &form.branch_id, "branch");
    let method = Method::parse(&form.method);
    if method.is_none() {
        errors.add("method", "Choose how the items reach the patient.");
    }
    let facility_name = errors.optional("facility_name", form.facility_name.as_deref(), 200);
    if method == Some(Method::Facility) && facility_name.is_none() {
        errors.add("facility_name", "Name the facility the items go to.");
    }
    let carrier = errors.optional("carrier", form.carrier.as_deref(), 100);
    let tracking_number = errors.optional("tracking_number", form.tracking_number.as_deref(), 100);
    if method == Some(Method::Carrier) && carrier.is_none() {
        errors.add("carrier", "Name the carrier.");
    }
    let scheduled_on =
        errors.optional_parsed("scheduled_on", form.scheduled_on.as_deref(), parse_date);
    if scheduled_on.is_some_and(|d| d < app.clock.today()) {
        errors.add(
            "scheduled_on",
            "A delivery cannot be scheduled in the past.",
        );
    }
    let (window_start, window_end) = window(
        &mut errors,
        form.window_start.as_deref(),
        form.window_end.as_deref(),
    );
    let notes = errors
        .optional("notes", form.notes.as_deref(), MAX_NOTE)
        .unwrap_or_default();
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let technician_id = match form.technician.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => technician(db, &mut errors, name).await?,
    };
    if let Some(branch) = branch_id
        && inventory_store::location(db, branch).await?.is_none()
    {
        errors.add("branch_id", "Choose a branch from the list.");
    }
    let (order_id, branch_id, method) = errors.finish(|| Some((order_id?, branch_id?, method?)))?;
    let order = ready_order(db, order_id).await?;
    if store::for_order(db, order_id)
        .await?
        .iter()
        .any(|t| store::OPEN.contains(&t.status.as_str()))
    {
        return Err(AppError::Conflict(
            "This order already has an open delivery: reschedule that one instead.".into(),
        ));
    }
    let patient = patients::get(db, order.order.patient_id)
        .await?
        .ok_or(AppError::NotFound("patient"))?;
    let address = patient
        .addresses
        .iter()
        .find(|a| a.kind == "delivery")
        .or_else(|| patient.addresses.iter().find(|a| a.kind == "home"))
        .ok_or_else(|| {
            AppError::Conflict(
                "The patient has no home or delivery address on file: add one first.".into(),
            )
        })?;
    let phone = ["mobile", "home", "work"]
        .iter()
        .find_map(|kind| patient.phones.iter().find(|p| p.kind == *kind))
        .or(patient.phones.first())
        .map(|p| p.number.clone());
    let id = Uuid::now_v7();
    let now = app.clock.now();
    let scheduled = scheduled_on.is_some()
        && (technician_id.is_some() || !matches!(method, Method::Technician | Method::Facility));
    let ticket = Ticket {
        id,
        order_id,
        patient_id: order.order.patient_id,
        status: if scheduled {
            "scheduled"
        } else {
            "unscheduled"
        }
        .into(),
        method: method.code().into(),
        branch_id,
        facility_name,
        phone,
        scheduled_on,
        window_start,
        window_end,
        technician_id,
        stop_position: None,
        carrier,
        tracking_number,
        notes,
        held_reason: None,
        shipped_on: None,
        date_of_service: None,
        signer: None,
        signer_name: None,
        signer_relationship: None,
        signed_on: None,
        signature_sha256: None,
        checklists: None,
        pod_document_id: None,
        completed_at: None,
        completed_by: None,
        created_at: now,
        updated_at: now,
        created_by: actor.username.clone(),
        line1: address.line1.clone(),
        line2: address.line2.clone(),
        city: address.city.clone(),
        state: address.state.clone(),
        postal_code: address.postal_code.clone(),
    };
    let stop_position = match (scheduled_on, technician_id) {
        (Some(day), Some(tech)) => Some(next_stop(db, day, tech).await?),
        _ => None,
    };
    let ticket = Ticket {
        stop_position,
        ..ticket
    };
    let items = items_for(app, actor, db, id, &order, branch_id).await?;
    let event = history_entry(app, actor, &ticket, "created", None);
    store::insert_ticket(db, TicketRecord { ticket, items }, event).await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("delivery.create", "delivery_ticket", id)
            .patients([PatientId::from_uuid(order.order.patient_id)])
            .detail(serde_json::json!({ "order": order_id.to_string(), "method": method.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(DeliveryTicketId::from_uuid(id))
}

/// The place after the last stop of a technician's day.
async fn next_stop(db: &impl Db, day: Date, technician: Uuid) -> AppResult<i32> {
    Ok(store::stops(db, day, technician)
        .await?
        .iter()
        .filter_map(|t| t.stop_position)
        .max()
        .unwrap_or(0)
        + 1)
}

/// Schedules (or reschedules) a ticket for a day and technician; the history keeps the old plan.
pub async fn schedule(
    app: &App,
    actor: &Actor,
    id: DeliveryTicketId,
    form: &ScheduleForm,
) -> AppResult<()> {
    actor.require(Permission::DeliveryPlan)?;
    let mut errors = FieldErrors::new();
    let day = errors.check("scheduled_on", parse_date(&form.scheduled_on));
    if day.is_some_and(|d| d < app.clock.today()) {
        errors.add(
            "scheduled_on",
            "A delivery cannot be scheduled in the past.",
        );
    }
    if form.stop_position.is_some_and(|p| p < 1) {
        errors.add("stop_position", "Stops are numbered from 1.");
    }
    let (window_start, window_end) = window(
        &mut errors,
        form.window_start.as_deref(),
        form.window_end.as_deref(),
    );
    let note = errors.optional("note", form.note.as_deref(), MAX_NOTE);
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let tech = technician(db, &mut errors, &form.technician).await?;
    let (day, tech) = errors.finish(|| Some((day?, tech?)))?;
    let record = store::ticket(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    let seen = record.ticket.status.clone();
    if !store::OPEN.contains(&seen.as_str()) {
        return Err(AppError::Conflict(format!(
            "This delivery is {seen}; it can no longer be scheduled."
        )));
    }
    ready_order(db, record.ticket.order_id).await?;
    let stop_position = match form.stop_position {
        Some(p) => p,
        None => next_stop(db, day, tech).await?,
    };
    let ticket = Ticket {
        status: "scheduled".into(),
        scheduled_on: Some(day),
        technician_id: Some(tech),
        stop_position: Some(stop_position),
        window_start,
        window_end,
        held_reason: None,
        updated_at: app.clock.now(),
        ..record.ticket
    };
    let event = history_entry(app, actor, &ticket, "scheduled", note);
    let patient = PatientId::from_uuid(ticket.patient_id);
    save(db, ticket, &seen, event).await?;
    record_change(app, actor, db, "delivery.schedule", id, patient).await?;
    tx.commit().await?;
    Ok(())
}

async fn record_change(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    action: &'static str,
    id: DeliveryTicketId,
    patient: PatientId,
) -> AppResult<()> {
    record(
        db,
        &app.clock,
        actor,
        Audit::new(action, "delivery_ticket", id.as_uuid()).patients([patient]),
    )
    .await
}

/// Takes an order's open ticket back to unscheduled because the order stopped being Ready; the
/// reason is kept on the ticket and in its history. Runs in the caller's transaction.
pub(crate) async fn order_left_ready(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    order: Uuid,
    reason: &str,
) -> AppResult<()> {
    for open in store::for_order(db, order)
        .await?
        .into_iter()
        .filter(|t| store::OPEN.contains(&t.status.as_str()))
    {
        let seen = open.status.clone();
        let ticket = Ticket {
            status: "unscheduled".into(),
            held_reason: Some(reason.to_owned()),
            scheduled_on: None,
            technician_id: None,
            stop_position: None,
            updated_at: app.clock.now(),
            ..open
        };
        let event = history_entry(app, actor, &ticket, "unscheduled", Some(reason.to_owned()));
        save(db, ticket, &seen, event).await?;
    }
    Ok(())
}

/// Moves a unit through one command of the asset state machine and returns it as stored.
pub(super) async fn command_unit(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    unit: Asset,
    command: &AssetCommand,
    note: Option<String>,
) -> AppResult<Asset> {
    let from = state_of(&unit)?;
    let to = apply(from, &facts_of(db, &unit).await?, command)
        .map_err(|refusal| AppError::Conflict(refusal.message.to_owned()))?
        .to;
    let seen = unit.state_detail.clone();
    let location = unit.location_id;
    store_move(
        db,
        actor,
        unit,
        &seen,
        &from,
        &to,
        command.code(),
        location,
        note,
        app.clock.now(),
    )
    .await
}
