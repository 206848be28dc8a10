//! The `stock_movements` table (the append-only stock ledger).

use sea_orm::entity::prelude::*;

/// One row of `stock_movements`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub movement_id: Uuid,
    pub kind: String,
    pub location_id: Uuid,
    pub product_id: Uuid,
    pub lot: Option<String>,
    pub expiry: Option<TimeDate>,
    pub delta: i64,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub purchase_order_id: Option<Uuid>,
    pub actor_name: String,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
