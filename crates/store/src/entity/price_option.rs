//! The `price_options` table.

use sea_orm::entity::prelude::*;

/// One row of `price_options`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "price_options")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub payer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub hcpcs: String,
    pub kind: String,
    pub cap_months: Option<i32>,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
