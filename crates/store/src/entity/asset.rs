//! The `assets` table (serialized units).

use sea_orm::entity::prelude::*;

/// One row of `assets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    pub serial: String,
    pub manufacturer_key: String,
    pub model_key: String,
    pub serial_key: String,
    pub serial_prefix: String,
    pub serial_number: Option<i64>,
    pub lot: Option<String>,
    pub lot_key: Option<String>,
    pub purchase_cost_cents: i64,
    pub purchase_date: TimeDate,
    pub vendor_id: Option<Uuid>,
    pub purchase_order_id: Option<Uuid>,
    pub warranty_end: Option<TimeDate>,
    pub usage_hours: i32,
    pub owner_patient_id: Option<Uuid>,
    pub location_id: Uuid,
    pub zone: Option<String>,
    pub state: String,
    pub state_detail: String,
    pub patient_id: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub order_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
