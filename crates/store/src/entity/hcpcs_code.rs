//! The `hcpcs_codes` table.

use sea_orm::entity::prelude::*;

/// One row of `hcpcs_codes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hcpcs_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub kind: String,
    pub long_description: String,
    pub short_description: String,
    pub pricing_indicators: String,
    pub multiple_pricing_indicator: Option<String>,
    pub coverage: Option<String>,
    pub betos: Option<String>,
    pub type_of_service: Option<String>,
    pub added: Option<TimeDate>,
    pub action_effective: Option<TimeDate>,
    pub terminated: Option<TimeDate>,
    pub action_code: Option<String>,
    pub payment_category: Option<String>,
    pub category_override: Option<String>,
    pub last_import_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
