//! Delivery tickets as pages and the API show them: what a technician needs at the stop (name,
//! address, phone, items, checklists) and the ticket's history; every read is audited.

use durable_domain::catalog::Hcpcs;
use durable_domain::delivery::{self, Checklist, Method};
use durable_domain::documentation::ProductFamily;
use durable_domain::ids::{AssetId, DeliveryTicketId, DocumentId, OrderId, PatientId};
use durable_store::deliveries::{self as store, TicketItem, TicketRecord};
use durable_store::{Db, inventory as inventory_store, users};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use durable_domain::role::Role;

use crate::audit::{Audit, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// One item of a ticket as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// Its place on the ticket (1-based).
    pub position: i32,
    /// The order line it fills (1-based).
    pub order_line: i32,
    /// HCPCS code.
    pub hcpcs: String,
    /// Product name, manufacturer and model.
    pub description: String,
    /// How many.
    pub quantity: i32,
    /// `rental` or `purchase`.
    pub rent_or_buy: String,
    /// Whether the item is one serialized unit, to scan.
    pub serialized: bool,
    /// The serial of the unit reserved for it.
    pub reserved_serial: Option<String>,
    /// The serial of the unit handed over.
    pub delivered_serial: Option<String>,
    /// The unit handed over.
    #[schema(value_type = Option<String>)]
    pub delivered_asset: Option<AssetId>,
}

/// One entry of a ticket's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TicketEventView {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// What happened, in plain words.
    pub what: String,
    /// The day it was scheduled for, after this entry.
    #[schema(value_type = Option<String>)]
    pub scheduled_on: Option<Date>,
    /// Why, or what was noted.
    pub note: Option<String>,
}

/// A delivery ticket with what a technician needs at the stop.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    /// The ticket.
    #[schema(value_type = String)]
    pub id: DeliveryTicketId,
    /// The order it delivers.
    #[schema(value_type = String)]
    pub order_id: OrderId,
    /// The patient.
    #[schema(value_type = String)]
    pub patient_id: PatientId,
    /// "Family, Given".
    pub patient_name: String,
    /// The delivery address on one line.
    pub address: String,
    /// The facility, for a facility delivery.
    pub facility_name: Option<String>,
    /// The phone to call before arriving.
    pub phone: Option<String>,
    /// A link that opens the address in a map.
    pub map_link: String,
    /// `unscheduled`, `scheduled`, `completed` or `cancelled`.
    pub status: String,
    /// `technician`, `branch_pickup`, `carrier` or `facility`.
    pub method: String,
    /// The method in plain words.
    pub method_label: String,
    /// The day it is scheduled for.
    #[schema(value_type = Option<String>)]
    pub scheduled_on: Option<Date>,
    /// The time window, "09:00–11:00".
    pub window: Option<String>,
    /// The technician's user name.
    pub technician: Option<String>,
    /// The stop's place in the technician's day.
    pub stop_position: Option<i32>,
    /// The carrier.
    pub carrier: Option<String>,
    /// The carrier's tracking number.
    pub tracking_number: Option<String>,
    /// Notes for the technician.
    pub notes: String,
    /// Why the ticket went back to unscheduled.
    pub held_reason: Option<String>,
    /// What to hand over.
    pub items: Vec<ItemView>,
    /// What to do and tick at the stop.
    #[schema(value_type = Vec<Object>)]
    pub checklists: Vec<Checklist>,
    /// The proven date of service, once completed.
    #[schema(value_type = Option<String>)]
    pub date_of_service: Option<Date>,
    /// The proof of delivery, once completed.
    #[schema(value_type = Option<String>)]
    pub pod_document_id: Option<DocumentId>,
    /// What happened to it.
    pub history: Vec<TicketEventView>,
}

/// The plain words for a history entry.
fn event_words(kind: &str) -> &'static str {
    match kind {
        "created" => "Delivery planned",
        "scheduled" => "Scheduled",
        "unscheduled" => "Back to unscheduled",
        "failed" => "Delivery attempt failed",
        "completed" => "Delivered",
        "cancelled" => "Cancelled",
        "swapped" => "Another unit handed over",
        _ => "Changed",
    }
}

/// The checklists of a ticket's stop.
pub(super) fn checklists_of(method: Method, items: &[TicketItem]) -> Vec<Checklist> {
    let families: Vec<Option<ProductFamily>> = items
        .iter()
        .filter(|i| i.serialized)
        .map(|i| {
            Hcpcs::parse(&i.hcpcs)
                .ok()
                .and_then(|c| ProductFamily::of(&c))
        })
        .collect();
    delivery::checklists(method, &families)
}

/// A ticket as the pages show it, read inside the caller's transaction (no audit).
pub(super) async fn view_of(db: &impl Db, record: TicketRecord) -> AppResult<TicketView> {
    let TicketRecord { ticket, items } = record;
    let unit_ids: Vec<Uuid> = items
        .iter()
        .flat_map(|i| [i.reserved_asset_id, i.delivered_asset_id])
        .flatten()
        .collect();
    let units = inventory_store::assets_by_id(db, unit_ids).await?;
    let serial = |id: Option<Uuid>| {
        id.and_then(|id| units.iter().find(|u| u.id == id))
            .map(|u| u.serial.clone())
    };
    let patient_name = crate::patients::display_names(db, &[ticket.patient_id])
        .await?
        .remove(&ticket.patient_id)
        .unwrap_or_default();
    let technician = match ticket.technician_id {
        Some(id) => users::by_id(db, id).await?.map(|u| u.username),
        None => None,
    };
    let history = store::events(db, ticket.id)
        .await?
        .into_iter()
        .map(|e| TicketEventView {
            at: e.at,
            actor: e.actor_name,
            what: event_words(&e.kind).to_owned(),
            scheduled_on: e.scheduled_on,
            note: e.note,
        })
        .collect();
    let method = Method::parse(&ticket.method).unwrap_or(Method::Technician);
    let address = [
        Some(ticket.line1.as_str()),
        ticket.line2.as_deref(),
        Some(ticket.city.as_str()),
        Some(&format!("{} {}", ticket.state, ticket.postal_code)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    Ok(TicketView {
        id: DeliveryTicketId::from_uuid(ticket.id),
        order_id: OrderId::from_uuid(ticket.order_id),
        patient_id: PatientId::from_uuid(ticket.patient_id),
        patient_name,
        map_link: format!(
            "https://www.openstreetmap.org/search?query={}",
            address.replace(' ', "+").replace(',', "%2C")
        ),
        address,
        facility_name: ticket.facility_name,
        phone: ticket.phone,
        status: ticket.status,
        method: ticket.method,
        method_label: method.label().to_owned(),
        scheduled_on: ticket.scheduled_on,
        window: ticket
            .window_start
            .zip(ticket.window_end)
            .map(|(s, e)| format!("{s}–{e}")),
        technician,
        stop_position: ticket.stop_position,
        carrier: ticket.carrier,
        tracking_number: ticket.tracking_number,
        notes: ticket.notes,
        held_reason: ticket.held_reason,
        checklists: checklists_of(method, &items),
        items: items
            .into_iter()
            .map(|i| ItemView {
                position: i.position,
                order_line: i.order_line_position + 1,
                reserved_serial: serial(i.reserved_asset_id),
                delivered_serial: serial(i.delivered_asset_id),
                delivered_asset: i.delivered_asset_id.map(AssetId::from_uuid),
                hcpcs: i.hcpcs,
                description: i.description,
                quantity: i.quantity,
                rent_or_buy: i.rent_or_buy,
                serialized: i.serialized,
            })
            .collect(),
        date_of_service: ticket.date_of_service,
        pod_document_id: ticket.pod_document_id.map(DocumentId::from_uuid),
        history,
    })
}

/// One ticket; an audited read of the patient's name, address and phone.
pub async fn ticket(app: &App, actor: &Actor, id: DeliveryTicketId) -> AppResult<TicketView> {
    actor.require(Permission::DeliveryRead)?;
    let tx = app.store.begin_read().await?;
    let record = store::ticket(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    if actor.role == Role::Technician {
        super::ensure_assigned(actor, record.ticket.technician_id)?;
    }
    let view = view_of(tx.conn(), record).await?;
    drop(tx);
    record_read(
        app,
        actor,
        Audit::new("delivery.read", "delivery_ticket", id.as_uuid()).patients([view.patient_id]),
    )
    .await?;
    Ok(view)
}

/// An order's deliveries, newest last; an audited read.
pub async fn for_order(app: &App, actor: &Actor, order: OrderId) -> AppResult<Vec<TicketView>> {
    actor.require(Permission::DeliveryRead)?;
    let tx = app.store.begin_read().await?;
    let mut views = Vec::new();
    for row in store::for_order(tx.conn(), order.as_uuid()).await? {
        if let Some(record) = store::ticket(tx.conn(), row.id).await? {
            views.push(view_of(tx.conn(), record).await?);
        }
    }
    drop(tx);
    if let Some(first) = views.first() {
        record_read(
            app,
            actor,
            Audit::about("delivery.list", "order", Some(order.as_uuid()))
                .patients([first.patient_id]),
        )
        .await?;
    }
    Ok(views)
}

/// The acting technician's stops on `day`, in order; an audited read of those patients.
pub async fn stops(app: &App, actor: &Actor, day: Date) -> AppResult<Vec<TicketView>> {
    actor.require(Permission::DeliveryComplete)?;
    let Some(user) = actor.user_id else {
        return Ok(Vec::new());
    };
    let tx = app.store.begin_read().await?;
    let mut views = Vec::new();
    for row in store::stops(tx.conn(), day, user.as_uuid()).await? {
        if let Some(record) = store::ticket(tx.conn(), row.id).await? {
            views.push(view_of(tx.conn(), record).await?);
        }
    }
    drop(tx);
    if !views.is_empty() {
        record_read(
            app,
            actor,
            Audit::about("delivery.stops", "delivery_ticket", None)
                .patients(views.iter().map(|v| v.patient_id)),
        )
        .await?;
    }
    Ok(views)
}
