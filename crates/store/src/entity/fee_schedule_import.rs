//! The `fee_schedule_imports` table.

use sea_orm::entity::prelude::*;

/// One row of `fee_schedule_imports`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_schedule_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub file_name: String,
    pub file_sha256: String,
    pub effective: TimeDate,
    pub imported_at: TimeDateTimeWithTimeZone,
    pub imported_by: String,
    pub amounts_added: i32,
    pub amounts_changed: i32,
    pub amounts_removed: i32,
    pub amounts_unchanged: i32,
    pub unknown_codes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
