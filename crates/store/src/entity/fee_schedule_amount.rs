//! The `fee_schedule_amounts` table.

use sea_orm::entity::prelude::*;

/// One row of `fee_schedule_amounts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fee_schedule_amounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub effective: TimeDate,
    pub hcpcs: String,
    pub modifier: String,
    pub modifier2: String,
    pub state: String,
    pub rural: bool,
    pub amount_cents: i64,
    pub import_id: Uuid,
    pub replaced_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
