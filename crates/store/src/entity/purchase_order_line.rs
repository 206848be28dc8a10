//! The `purchase_order_lines` table.

use sea_orm::entity::prelude::*;

/// One row of `purchase_order_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "purchase_order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub purchase_order_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub product_id: Uuid,
    pub quantity_ordered: i32,
    pub quantity_received: i32,
    pub unit_cost_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
