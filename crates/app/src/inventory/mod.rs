//! Inventory and serialized equipment: locations and their stock, assets through
//! their life, purchasing and receiving, recalls and labels. The rules are the domain's
//! (`durable_domain::inventory`); this layer loads, checks permissions, stores and audits.
//!
//! Patient privacy: custody and recall lists name patients only for roles that read patient
//! demographics, and every such read is audited with the patients named. Other roles see that a
//! unit was with a patient, never whose home it was in (docs/permissions.md).

mod assets;
mod commands;
pub mod label;
mod purchasing;
mod recalls;
mod receiving;
mod stock;

pub(crate) use assets::state_of;
pub use assets::{
    AssetPage, AssetQuery, AssetSummary, CareView, CustodyView, LocationStock, LocationView,
    PatientAssetView, ReservableOrder, asset, find_by_serial, location_stock, locations,
    patient_assets, search,
};
pub use commands::{AssetCommandForm, STATES, run_command};
pub(crate) use commands::{care_record, custody, facts_of, moved, store_move};
pub use purchasing::{
    PurchaseOrderForm, PurchaseOrderLineForm, PurchaseOrderSummary, PurchaseOrderView,
    SuggestionView, VendorForm, VendorView, add_vendor, place_order, purchase_order,
    purchase_orders, suggested_orders, vendors,
};
pub use recalls::{
    AffectedPatient, RangeForm, RecallForm, RecallSummary, RecallUnitView, RecallView,
    UNIT_STATUSES, UnitProgressForm, campaigns, open_campaign, recall, record_progress,
};
pub use receiving::{ReceiptForm, ReceiptLineForm, receive};
pub(crate) use stock::ledger_rows;
pub use stock::{
    MovementForm, ProductSettingsForm, ProductSettingsView, ReorderRuleForm, product_settings,
    record_movement, set_product_settings, set_reorder_rule,
};

use std::collections::HashMap;

use durable_domain::ids::PatientId;
use durable_store::Db;
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, AppResult, Permission};

/// A patient as inventory pages name them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PatientRef {
    /// The patient.
    #[schema(value_type = String)]
    pub id: PatientId,
    /// "Family, Given".
    pub name: String,
}

/// Names of the patients among `ids` when the actor may read patient demographics, else none:
/// the caller then shows the unit as "with a patient" and audits no patient read.
pub(crate) async fn patient_names(
    db: &impl Db,
    actor: &Actor,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, PatientRef>> {
    let mut names = HashMap::new();
    if !actor.can(Permission::PatientRead) {
        return Ok(names);
    }
    let ids: Vec<Uuid> = ids.into_iter().collect();
    for (id, name) in crate::patients::display_names(db, &ids).await? {
        names.insert(
            id,
            PatientRef {
                id: PatientId::from_uuid(id),
                name,
            },
        );
    }
    Ok(names)
}

/// The longest free-text note on an inventory record.
pub(crate) const MAX_NOTE: usize = 500;
