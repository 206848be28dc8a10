//! The `referral_source_prescribers` table.

use sea_orm::entity::prelude::*;

/// One row of `referral_source_prescribers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_source_prescribers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub referral_source_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub prescriber_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
