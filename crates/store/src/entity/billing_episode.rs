//! The `billing_episodes` table.

use sea_orm::entity::prelude::*;

/// One row of `billing_episodes`: a delivered (or moved-in) rental or purchase line to bill.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_episodes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub order_id: Option<Uuid>,
    pub order_line_position: Option<i32>,
    pub coverage_id: Option<Uuid>,
    pub hcpcs: String,
    pub category: String,
    pub arrangement: String,
    pub first_date_of_service: TimeDate,
    pub units: i32,
    pub asset_id: Option<Uuid>,
    pub months_billed_before: i32,
    pub origin: String,
    pub source_id: Uuid,
    pub source_line: i32,
    pub opened_at: TimeDateTimeWithTimeZone,
    pub opened_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
