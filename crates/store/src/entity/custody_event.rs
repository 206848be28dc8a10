//! The `custody_events` table (append-only).

use sea_orm::entity::prelude::*;

/// One row of `custody_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_name: String,
    pub command: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub location_id: Uuid,
    pub zone: Option<String>,
    pub patient_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
