//! The `price_option_bands` table.

use sea_orm::entity::prelude::*;

/// One row of `price_option_bands`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "price_option_bands")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub price_option_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub from_month: i32,
    pub to_month: Option<i32>,
    pub modifiers: String,
    pub amount_cents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
