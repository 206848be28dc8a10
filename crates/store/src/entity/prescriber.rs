//! The `prescribers` table.

use sea_orm::entity::prelude::*;

/// One row of `prescribers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prescribers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub npi: String,
    pub given_name: String,
    pub family_name: String,
    pub credentials: Option<String>,
    pub taxonomy_code: Option<String>,
    pub specialty: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub pecos_enrolled: bool,
    pub family_key: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
