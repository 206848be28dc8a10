//! The `billing_episode_events` table (append-only).

use sea_orm::entity::prelude::*;

/// One row of `billing_episode_events`: a dated fact that changes what an episode may bill.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_episode_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub episode_id: Uuid,
    pub kind: String,
    pub occurred_on: TimeDate,
    /// The billing engine's event as JSON.
    pub detail: String,
    pub source_id: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_at: TimeDateTimeWithTimeZone,
    pub recorded_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
