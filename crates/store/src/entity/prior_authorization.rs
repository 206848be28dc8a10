//! The `prior_authorizations` table.

use sea_orm::entity::prelude::*;

/// One row of `prior_authorizations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prior_authorizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub payer_id: Uuid,
    pub hcpcs: String,
    pub rent_or_buy: String,
    pub status: String,
    pub utn: Option<String>,
    pub submitted_on: Option<TimeDate>,
    pub decision_date: Option<TimeDate>,
    pub expiry_date: Option<TimeDate>,
    pub notes: String,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
