//! The `delivery_ticket_items` table.

use sea_orm::entity::prelude::*;

/// One row of `delivery_ticket_items`: a serialized unit, or a quantity of stock, to hand over.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_ticket_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ticket_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub order_line_position: i32,
    pub product_id: Option<Uuid>,
    pub hcpcs: String,
    pub description: String,
    pub quantity: i32,
    pub rent_or_buy: String,
    pub serialized: bool,
    pub reserved_asset_id: Option<Uuid>,
    pub delivered_asset_id: Option<Uuid>,
    pub lot: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
