//! The `order_lines` table.

use sea_orm::entity::prelude::*;

/// One row of `order_lines`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub hcpcs: String,
    pub quantity: i32,
    pub rent_or_buy: String,
    pub length_of_need_months: Option<i32>,
    pub side: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
