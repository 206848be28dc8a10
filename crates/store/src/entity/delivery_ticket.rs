//! The `delivery_tickets` table.

use sea_orm::entity::prelude::*;

/// One row of `delivery_tickets`: one trip that hands an order's items to the patient.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub patient_id: Uuid,
    pub status: String,
    pub method: String,
    pub branch_id: Uuid,
    pub facility_name: Option<String>,
    pub phone: Option<String>,
    pub scheduled_on: Option<TimeDate>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub technician_id: Option<Uuid>,
    pub stop_position: Option<i32>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub notes: String,
    pub held_reason: Option<String>,
    pub shipped_on: Option<TimeDate>,
    pub date_of_service: Option<TimeDate>,
    pub signer: Option<String>,
    pub signer_name: Option<String>,
    pub signer_relationship: Option<String>,
    pub signed_on: Option<TimeDate>,
    pub signature_sha256: Option<String>,
    pub checklists: Option<String>,
    pub pod_document_id: Option<Uuid>,
    pub completed_at: Option<TimeDateTimeWithTimeZone>,
    pub completed_by: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub created_by: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
