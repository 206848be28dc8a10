//! The `delivery_ticket_events` table.

use sea_orm::entity::prelude::*;

/// One row of `delivery_ticket_events`: an entry in a ticket's history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_ticket_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_name: String,
    pub kind: String,
    pub scheduled_on: Option<TimeDate>,
    pub technician_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
