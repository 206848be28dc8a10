//! Orders as shown to people and integrations.

use durable_domain::documentation::Finding;
use durable_domain::ids::{OrderId, PatientId, PrescriberId, ProductId};

use serde::{Deserialize, Serialize};
use time::Date;

/// Why the order is where it is: one unmet requirement.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// The requirement's stable id (docs/documentation-rules.md).
    pub id: String,
    /// What to do.
    pub action: String,
    /// blocking or warning.
    pub severity: String,
    /// Where the rule comes from.
    pub section: String,
    /// The line it concerns (1-based), if it concerns one line.
    pub line: Option<usize>,
}

impl From<&Finding> for Reason {
    fn from(f: &Finding) -> Self {
        Reason {
            id: f.id.to_owned(),
            action: f.action.to_owned(),
            severity: if f.is_blocking() {
                "blocking"
            } else {
                "warning"
            }
            .to_owned(),
            section: f.section.to_owned(),
            line: f.line.map(|l| l + 1),
        }
    }
}

/// One entry of an order's history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    /// Who.
    pub actor: String,
    /// The status after the change.
    pub status: String,
    /// The unmet requirements at that moment.
    pub reasons: Vec<Reason>,
    /// The written reason of an override or cancellation.
    pub note: Option<String>,
}

/// An order line as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LineView {
    /// Product id.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub product_id: Option<ProductId>,
    /// Product name.
    pub product_name: Option<String>,
    /// HCPCS code.
    pub hcpcs: String,
    /// Units.
    pub quantity: i32,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// Length of need in months (99 = lifetime).
    pub length_of_need_months: Option<i32>,
    /// LT or RT.
    pub side: Option<String>,
}

/// An order as shown, with what the checker says about it now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// The patient.
    #[schema(value_type = String, format = Uuid)]
    pub patient_id: PatientId,
    /// The patient's name.
    pub patient_name: String,
    /// The ordering practitioner.
    #[schema(value_type = String, format = Uuid)]
    pub prescriber_id: PrescriberId,
    /// The practitioner's name.
    pub prescriber_name: String,
    /// Order date.
    pub order_date: Date,
    /// Signed by the practitioner.
    pub signed: bool,
    /// Signature date.
    pub signature_date: Option<Date>,
    /// Face-to-face encounter date.
    pub f2f_encounter: Option<Date>,
    /// Planned delivery.
    pub planned_delivery: Option<Date>,
    /// deliver, ship or pickup.
    pub delivery_preference: String,
    /// Status.
    pub status: String,
    /// ICD-10-CM codes, dotted.
    pub diagnoses: Vec<String>,
    /// Lines.
    pub lines: Vec<LineView>,
    /// Notes.
    pub notes: String,
    /// Every requirement the order does not meet today.
    pub reasons: Vec<Reason>,
    /// Documents on file for the order.
    pub documents: Vec<crate::documents::DocumentView>,
    /// ABNs signed for its lines.
    pub abns: Vec<super::AbnView>,
    /// The primary coverage in force on the date of service, whose eligibility the order needs.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub primary_coverage_id: Option<durable_domain::ids::CoverageId>,
    /// The history, oldest first.
    pub history: Vec<EventView>,
}

/// An order in a work queue.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// The patient's name.
    pub patient_name: String,
    /// Order date.
    pub order_date: Date,
    /// Status.
    pub status: String,
    /// The blocking reasons recorded at the last change.
    pub reasons: Vec<Reason>,
}

/// One of a patient's orders, for the chart.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// Order date.
    pub order_date: Date,
    /// Status.
    pub status: String,
}
