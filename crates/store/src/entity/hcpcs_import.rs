//! The `hcpcs_imports` table.

use sea_orm::entity::prelude::*;

/// One row of `hcpcs_imports`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hcpcs_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub file_name: String,
    pub file_sha256: String,
    pub imported_at: TimeDateTimeWithTimeZone,
    pub imported_by: String,
    pub codes_added: i32,
    pub codes_changed: i32,
    pub codes_unchanged: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
