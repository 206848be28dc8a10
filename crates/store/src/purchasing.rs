//! Vendors, purchase orders with their lines, and the receipts recorded against them.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{purchase_order, purchase_order_line, purchase_order_receipt, vendor};
use crate::{Db, StoreResult};

pub use crate::entity::purchase_order::Model as PurchaseOrder;
pub use crate::entity::purchase_order_line::Model as PurchaseOrderLine;
pub use crate::entity::purchase_order_receipt::Model as Receipt;
pub use crate::entity::vendor::Model as Vendor;

/// Statuses of a purchase order still waiting for goods.
pub const OPEN: [&str; 2] = ["open", "partial"];

/// Adds a vendor.
pub async fn insert_vendor(db: &impl Db, row: Vendor) -> StoreResult<()> {
    vendor::Entity::insert(vendor::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every vendor, by name.
pub async fn vendors(db: &impl Db) -> StoreResult<Vec<Vendor>> {
    Ok(vendor::Entity::find()
        .order_by_asc(vendor::Column::Name)
        .all(db)
        .await?)
}

/// One vendor.
pub async fn vendor(db: &impl Db, id: Uuid) -> StoreResult<Option<Vendor>> {
    Ok(vendor::Entity::find_by_id(id).one(db).await?)
}

/// A purchase order with its lines in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    /// The order row.
    pub order: PurchaseOrder,
    /// Its lines, by position.
    pub lines: Vec<PurchaseOrderLine>,
}

/// Adds a purchase order with its lines.
pub async fn insert_order(db: &impl Db, record: OrderRecord) -> StoreResult<()> {
    purchase_order::Entity::insert(purchase_order::ActiveModel::from(record.order))
        .exec_without_returning(db)
        .await?;
    if !record.lines.is_empty() {
        purchase_order_line::Entity::insert_many(
            record
                .lines
                .into_iter()
                .map(purchase_order_line::ActiveModel::from),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// One purchase order with its lines.
pub async fn order(db: &impl Db, id: Uuid) -> StoreResult<Option<OrderRecord>> {
    let Some(order) = purchase_order::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let lines = purchase_order_line::Entity::find()
        .filter(purchase_order_line::Column::PurchaseOrderId.eq(id))
        .order_by_asc(purchase_order_line::Column::Position)
        .all(db)
        .await?;
    Ok(Some(OrderRecord { order, lines }))
}

/// Purchase orders, newest first.
pub async fn orders(db: &impl Db, offset: u64, limit: u64) -> StoreResult<Vec<PurchaseOrder>> {
    Ok(purchase_order::Entity::find()
        .order_by_desc(purchase_order::Column::CreatedAt)
        .order_by_desc(purchase_order::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// Stores what a receipt did to an order: received counts per line and the status.
pub async fn record_receipt(
    db: &impl Db,
    record: &OrderRecord,
    receipt: Receipt,
) -> StoreResult<()> {
    for line in &record.lines {
        purchase_order_line::Entity::update_many()
            .col_expr(
                purchase_order_line::Column::QuantityReceived,
                Expr::value(line.quantity_received),
            )
            .filter(purchase_order_line::Column::PurchaseOrderId.eq(line.purchase_order_id))
            .filter(purchase_order_line::Column::Position.eq(line.position))
            .exec(db)
            .await?;
    }
    crate::replace(db, record.order.clone()).await?;
    purchase_order_receipt::Entity::insert(purchase_order_receipt::ActiveModel::from(receipt))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// An order's receipts, oldest first.
pub async fn receipts(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<Receipt>> {
    Ok(purchase_order_receipt::Entity::find()
        .filter(purchase_order_receipt::Column::PurchaseOrderId.eq(order_id))
        .order_by_asc(purchase_order_receipt::Column::At)
        .all(db)
        .await?)
}

/// Lines of open purchase orders with the location they are to arrive at.
pub async fn open_lines(db: &impl Db) -> StoreResult<Vec<(Uuid, PurchaseOrderLine)>> {
    let open = purchase_order::Entity::find()
        .filter(purchase_order::Column::Status.is_in(OPEN))
        .all(db)
        .await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let lines = purchase_order_line::Entity::find()
        .filter(
            purchase_order_line::Column::PurchaseOrderId
                .is_in(open.iter().map(|o| o.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    Ok(lines
        .into_iter()
        .filter_map(|line| {
            open.iter()
                .find(|o| o.id == line.purchase_order_id)
                .map(|o| (o.location_id, line))
        })
        .collect())
}
