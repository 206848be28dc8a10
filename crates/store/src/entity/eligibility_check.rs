//! The `eligibility_checks` table.

use sea_orm::entity::prelude::*;

/// One row of `eligibility_checks`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "eligibility_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub coverage_id: Uuid,
    pub checked_on: TimeDate,
    pub active: bool,
    pub source: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
