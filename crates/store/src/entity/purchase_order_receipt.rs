//! The `purchase_order_receipts` table.

use sea_orm::entity::prelude::*;

/// One row of `purchase_order_receipts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_order_receipts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub purchase_order_id: Uuid,
    pub lines: String,
    pub override_reason: Option<String>,
    pub actor_name: String,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
