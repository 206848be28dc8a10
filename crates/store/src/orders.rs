//! Orders with their diagnoses, lines and append-only status history.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, QueryStatementBuilder};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::catalog::insert_batched;
use crate::entity::{asset, order, order_diagnosis, order_event, order_line};
use crate::{Db, StoreResult};

pub use crate::entity::order::Model as Order;
pub use crate::entity::order_diagnosis::Model as OrderDiagnosis;
pub use crate::entity::order_event::Model as OrderEvent;
pub use crate::entity::order_line::Model as OrderLine;

/// An order with everything that belongs to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    /// The order row.
    pub order: Order,
    /// ICD-10-CM codes, primary first.
    pub diagnoses: Vec<OrderDiagnosis>,
    /// What was ordered, in order.
    pub lines: Vec<OrderLine>,
}

/// Adds an order with its diagnoses and lines, and its first history entry.
pub async fn insert_order(db: &impl Db, record: OrderRecord, event: OrderEvent) -> StoreResult<()> {
    order::Entity::insert(order::ActiveModel::from(record.order))
        .exec_without_returning(db)
        .await?;
    insert_children(db, record.diagnoses, record.lines).await?;
    insert_event(db, event).await
}

/// Adds many orders with their diagnoses, lines and history entries in a few multi-row
/// statements (the demo's orders behind units already out with patients).
pub async fn insert_many(
    db: &impl Db,
    records: Vec<OrderRecord>,
    events: Vec<OrderEvent>,
) -> StoreResult<()> {
    let mut orders = Vec::with_capacity(records.len());
    let mut diagnoses = Vec::new();
    let mut lines = Vec::new();
    for record in records {
        orders.push(order::ActiveModel::from(record.order));
        diagnoses.extend(
            record
                .diagnoses
                .into_iter()
                .map(order_diagnosis::ActiveModel::from),
        );
        lines.extend(record.lines.into_iter().map(order_line::ActiveModel::from));
    }
    insert_batched(db, orders).await?;
    insert_batched(db, diagnoses).await?;
    insert_batched(db, lines).await?;
    insert_batched(
        db,
        events
            .into_iter()
            .map(order_event::ActiveModel::from)
            .collect(),
    )
    .await
}

/// Replaces an order's fields, diagnoses and lines.
pub async fn update_order(db: &impl Db, record: OrderRecord) -> StoreResult<()> {
    let id = record.order.id;
    crate::replace(db, record.order).await?;
    order_diagnosis::Entity::delete_many()
        .filter(order_diagnosis::Column::OrderId.eq(id))
        .exec(db)
        .await?;
    order_line::Entity::delete_many()
        .filter(order_line::Column::OrderId.eq(id))
        .exec(db)
        .await?;
    insert_children(db, record.diagnoses, record.lines).await
}

async fn insert_children(
    db: &impl Db,
    diagnoses: Vec<OrderDiagnosis>,
    lines: Vec<OrderLine>,
) -> StoreResult<()> {
    if !diagnoses.is_empty() {
        order_diagnosis::Entity::insert_many(
            diagnoses
                .into_iter()
                .map(order_diagnosis::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    if !lines.is_empty() {
        order_line::Entity::insert_many(lines.into_iter().map(order_line::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The condition on `order_lines` of the lines that ask for `product_id`: they name it, or name
/// no product but bill under one of its `hcpcs` codes.
fn lines_asking_for(product_id: Uuid, hcpcs: &[String]) -> Condition {
    let line = |c: order_line::Column| Expr::col((order_line::Entity, c));
    Condition::any()
        .add(line(order_line::Column::ProductId).eq(product_id))
        .add(
            Condition::all()
                .add(line(order_line::Column::ProductId).is_null())
                .add(line(order_line::Column::Hcpcs).is_in(hcpcs.iter().cloned())),
        )
}

/// The units of `product_id` that the order `order` (a column or a value) asks for, as a
/// scalar subquery: the sum of its lines' quantities (see `lines_asking_for`), NULL if none.
fn units_wanted(order: Expr, product_id: Uuid, hcpcs: &[String]) -> Expr {
    let wanted = Query::select()
        .expr(Expr::col(order_line::Column::Quantity).sum())
        .from(order_line::Entity)
        .and_where(Expr::col((order_line::Entity, order_line::Column::OrderId)).eq(order))
        .cond_where(lines_asking_for(product_id, hcpcs))
        .to_owned();
    Expr::SubQuery(None, Box::new(wanted.into_sub_query_statement()))
}

/// The units of `product_id` reserved for or delivered on the order `order` now, as a scalar
/// subquery.
fn units_held(order: Expr, product_id: Uuid) -> Expr {
    let held = Query::select()
        .expr(Expr::col(asset::Column::Id).count())
        .from(asset::Entity)
        .and_where(Expr::col((asset::Entity, asset::Column::OrderId)).eq(order))
        .and_where(Expr::col((asset::Entity, asset::Column::ProductId)).eq(product_id))
        .to_owned();
    Expr::SubQuery(None, Box::new(held.into_sub_query_statement()))
}

/// Orders in one of `statuses` that still want units of `product_id`: fewer of its units are
/// reserved for or delivered on the order than its lines ask for. Most recently changed first;
/// driven by the status index, so the cost follows the number of open orders, not of all
/// orders ever taken.
pub async fn open_for_product(
    db: &impl Db,
    product_id: Uuid,
    hcpcs: &[String],
    statuses: &[&str],
    limit: u64,
) -> StoreResult<Vec<Order>> {
    let this_order = || Expr::col((order::Entity, order::Column::Id));
    Ok(order::Entity::find()
        .filter(order::Column::Status.is_in(statuses.iter().copied()))
        .filter(units_held(this_order(), product_id).lt(units_wanted(
            this_order(),
            product_id,
            hcpcs,
        )))
        .order_by_desc(order::Column::UpdatedAt)
        .order_by_desc(order::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many units of `product_id` one order asks for, and how many of them are reserved for
/// or delivered on it now: the same rule `open_for_product` applies, for a single order.
pub async fn units_wanted_and_held(
    db: &impl Db,
    order_id: Uuid,
    product_id: Uuid,
    hcpcs: &[String],
) -> StoreResult<(i64, i64)> {
    let select = Query::select()
        .expr_as(
            units_wanted(Expr::val(order_id), product_id, hcpcs),
            "wanted",
        )
        .expr_as(units_held(Expr::val(order_id), product_id), "held")
        .to_owned();
    let Some(row) = db.query_one(&select).await? else {
        return Ok((0, 0));
    };
    let wanted: Option<i64> = row.try_get("", "wanted")?;
    let held: i64 = row.try_get("", "held")?;
    Ok((wanted.unwrap_or(0), held))
}

/// Appends a status change to an order's history.
pub async fn insert_event(db: &impl Db, event: OrderEvent) -> StoreResult<()> {
    order_event::Entity::insert(order_event::ActiveModel::from(event))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One order with its diagnoses and lines.
pub async fn order(db: &impl Db, id: Uuid) -> StoreResult<Option<OrderRecord>> {
    let Some(row) = order::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let diagnoses = order_diagnosis::Entity::find()
        .filter(order_diagnosis::Column::OrderId.eq(id))
        .order_by_asc(order_diagnosis::Column::Position)
        .all(db)
        .await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(id))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?;
    Ok(Some(OrderRecord {
        order: row,
        diagnoses,
        lines,
    }))
}

/// An order's history, oldest first (ids are UUIDv7, so they break ties in time).
pub async fn events(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<OrderEvent>> {
    Ok(order_event::Entity::find()
        .filter(order_event::Column::OrderId.eq(order_id))
        .order_by_asc(order_event::Column::At)
        .order_by_asc(order_event::Column::Id)
        .all(db)
        .await?)
}

/// Orders in any of `statuses`, the longest-waiting first.
pub async fn by_status(
    db: &impl Db,
    statuses: &[&str],
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Order>> {
    Ok(order::Entity::find()
        .filter(order::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(order::Column::UpdatedAt)
        .order_by_asc(order::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// A patient's orders, newest first.
pub async fn for_patient(db: &impl Db, patient_id: Uuid) -> StoreResult<Vec<Order>> {
    Ok(order::Entity::find()
        .filter(order::Column::PatientId.eq(patient_id))
        .order_by_desc(order::Column::OrderDate)
        .order_by_desc(order::Column::Id)
        .all(db)
        .await?)
}

/// The latest history entry of each of several orders (for the reasons shown in a queue).
pub async fn latest_events(db: &impl Db, order_ids: Vec<Uuid>) -> StoreResult<Vec<OrderEvent>> {
    let mut rows = order_event::Entity::find()
        .filter(order_event::Column::OrderId.is_in(order_ids))
        .order_by_desc(order_event::Column::At)
        .order_by_desc(order_event::Column::Id)
        .all(db)
        .await?;
    let mut seen = std::collections::HashSet::new();
    rows.retain(|row| seen.insert(row.order_id));
    Ok(rows)
}
