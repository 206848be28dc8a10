//! The `orders` table.

use sea_orm::entity::prelude::*;

/// One row of `orders`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub prescriber_id: Uuid,
    pub order_date: TimeDate,
    pub signed: bool,
    pub signature_date: Option<TimeDate>,
    pub f2f_encounter: Option<TimeDate>,
    pub planned_delivery: Option<TimeDate>,
    pub delivery_preference: String,
    pub status: String,
    pub notes: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
