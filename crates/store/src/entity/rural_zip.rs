//! The `rural_zips` table.

use sea_orm::entity::prelude::*;

/// One row of `rural_zips`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rural_zips")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub zip: String,
    pub loaded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
