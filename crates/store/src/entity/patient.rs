//! The `patients` table.

use sea_orm::entity::prelude::*;

/// One row of `patients`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "patients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: Option<String>,
    pub family_key: String,
    pub given_key: String,
    pub birth_date: TimeDate,
    pub sex: String,
    pub mbi: Option<String>,
    pub email: Option<String>,
    pub preferred_contact: String,
    pub emergency_name: Option<String>,
    pub emergency_relationship: Option<String>,
    pub emergency_phone: Option<String>,
    pub death_date: Option<TimeDate>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
