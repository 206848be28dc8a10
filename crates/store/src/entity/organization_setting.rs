//! The `organization_settings` table (one row).

use sea_orm::entity::prelude::*;

/// The organization's settings: the billing provider on every claim and its time zone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub legal_name: String,
    pub npi: String,
    pub tax_id: String,
    pub taxonomy_code: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub phone: String,
    pub time_zone: String,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
