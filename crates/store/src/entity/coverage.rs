//! The `coverages` table.

use sea_orm::entity::prelude::*;

/// One row of `coverages`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coverages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub payer_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub member_id: String,
    pub group_number: Option<String>,
    pub relationship: String,
    pub subscriber_name: Option<String>,
    pub priority: String,
    pub effective_date: TimeDate,
    pub termination_date: Option<TimeDate>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
