//! Delivery tickets with their items and append-only history.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::Date;
use uuid::Uuid;

use crate::entity::{asset, delivery_ticket, delivery_ticket_event, delivery_ticket_item};
use crate::{Db, StoreError, StoreResult};

pub use crate::entity::delivery_ticket::Model as Ticket;
pub use crate::entity::delivery_ticket_event::Model as TicketEvent;
pub use crate::entity::delivery_ticket_item::Model as TicketItem;

/// A ticket with its items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRecord {
    /// The ticket row.
    pub ticket: Ticket,
    /// What it hands over, in order.
    pub items: Vec<TicketItem>,
}

/// The statuses of a ticket that still has work to do.
pub const OPEN: [&str; 2] = ["unscheduled", "scheduled"];

/// Adds a ticket with its items and its first history entry.
pub async fn insert_ticket(
    db: &impl Db,
    record: TicketRecord,
    event: TicketEvent,
) -> StoreResult<()> {
    delivery_ticket::Entity::insert(delivery_ticket::ActiveModel::from(record.ticket))
        .exec_without_returning(db)
        .await?;
    if !record.items.is_empty() {
        delivery_ticket_item::Entity::insert_many(
            record
                .items
                .into_iter()
                .map(delivery_ticket_item::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    insert_event(db, event).await
}

/// Stores a ticket's new fields, but only if its status is still `seen_status`: two people
/// completing or rescheduling the same ticket cannot both succeed.
pub async fn update_ticket(db: &impl Db, row: Ticket, seen_status: &str) -> StoreResult<()> {
    let id = row.id;
    let result = delivery_ticket::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(delivery_ticket::Column::Id.eq(id))
        .filter(delivery_ticket::Column::Status.eq(seen_status))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale("delivery_tickets.status"))
    }
}

/// Replaces one item (the unit delivered, a swapped reservation, the lot issued).
pub async fn update_item(db: &impl Db, row: TicketItem) -> StoreResult<()> {
    crate::replace(db, row).await
}

/// Appends an entry to a ticket's history.
pub async fn insert_event(db: &impl Db, event: TicketEvent) -> StoreResult<()> {
    delivery_ticket_event::Entity::insert(delivery_ticket_event::ActiveModel::from(event))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One ticket with its items.
pub async fn ticket(db: &impl Db, id: Uuid) -> StoreResult<Option<TicketRecord>> {
    let Some(ticket) = delivery_ticket::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let items = delivery_ticket_item::Entity::find()
        .filter(delivery_ticket_item::Column::TicketId.eq(id))
        .order_by_asc(delivery_ticket_item::Column::Position)
        .all(db)
        .await?;
    Ok(Some(TicketRecord { ticket, items }))
}

/// An order's tickets, oldest first.
pub async fn for_order(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<Ticket>> {
    Ok(delivery_ticket::Entity::find()
        .filter(delivery_ticket::Column::OrderId.eq(order_id))
        .order_by_asc(delivery_ticket::Column::CreatedAt)
        .order_by_asc(delivery_ticket::Column::Id)
        .all(db)
        .await?)
}

/// The open tickets scheduled on `day` for one technician, in stop order.
pub async fn stops(db: &impl Db, day: Date, technician_id: Uuid) -> StoreResult<Vec<Ticket>> {
    Ok(delivery_ticket::Entity::find()
        .filter(delivery_ticket::Column::ScheduledOn.eq(day))
        .filter(delivery_ticket::Column::TechnicianId.eq(technician_id))
        .filter(delivery_ticket::Column::Status.is_in(["scheduled", "completed"]))
        .order_by_asc(delivery_ticket::Column::StopPosition)
        .order_by_asc(delivery_ticket::Column::Id)
        .all(db)
        .await?)
}

/// A ticket's history, oldest first.
pub async fn events(db: &impl Db, ticket_id: Uuid) -> StoreResult<Vec<TicketEvent>> {
    Ok(delivery_ticket_event::Entity::find()
        .filter(delivery_ticket_event::Column::TicketId.eq(ticket_id))
        .order_by_asc(delivery_ticket_event::Column::At)
        .order_by_asc(delivery_ticket_event::Column::Id)
        .all(db)
        .await?)
}

/// The units of `product_id` whose normalized serial is `serial_key` (one, unless two
/// manufacturers share the product's serial scheme).
pub async fn units_with_serial(
    db: &impl Db,
    product_id: Uuid,
    serial_key: &str,
) -> StoreResult<Vec<crate::inventory::Asset>> {
    Ok(asset::Entity::find()
        .filter(asset::Column::ProductId.eq(product_id))
        .filter(asset::Column::SerialKey.eq(serial_key))
        .all(db)
        .await?)
}

/// The units reserved for or delivered on an order.
pub async fn units_of_order(
    db: &impl Db,
    order_id: Uuid,
) -> StoreResult<Vec<crate::inventory::Asset>> {
    Ok(asset::Entity::find()
        .filter(asset::Column::OrderId.eq(order_id))
        .order_by_asc(asset::Column::Id)
        .all(db)
        .await?)
}

/// Up to `limit` available units of a product at a location, the longest on the shelf first.
pub async fn available_units(
    db: &impl Db,
    product_id: Uuid,
    location_id: Uuid,
    limit: u64,
) -> StoreResult<Vec<crate::inventory::Asset>> {
    Ok(asset::Entity::find()
        .filter(asset::Column::ProductId.eq(product_id))
        .filter(asset::Column::LocationId.eq(location_id))
        .filter(asset::Column::State.eq("available"))
        .order_by_asc(asset::Column::UpdatedAt)
        .order_by_asc(asset::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
