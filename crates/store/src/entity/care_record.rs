//! The `care_records` table (cleaning, wiping and inspection records).

use sea_orm::entity::prelude::*;

/// One row of `care_records`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "care_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub kind: String,
    pub method: Option<String>,
    pub result: Option<String>,
    pub checklist: Option<String>,
    pub actor_name: String,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
