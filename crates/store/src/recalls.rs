//! Recall campaigns, the units they affect and the patients who ever held those units.
//!
//! A campaign becomes one WHERE clause over the asset keys (see
//! `durable_domain::inventory::recall`), and the patients are one indexed query over the custody
//! events of the matching assets: no asset ids travel between the database and the process.

use durable_domain::inventory::{Campaign, Selector};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::catalog::insert_batched;
use crate::entity::{asset, custody_event, recall_campaign, recall_unit};
use crate::{Db, StoreResult};

pub use crate::entity::recall_campaign::Model as RecallCampaign;
pub use crate::entity::recall_unit::Model as RecallUnit;

/// The asset rows a campaign affects, as a condition on `assets`.
pub fn affected(campaign: &Campaign) -> Condition {
    let mut any = Condition::any();
    for selector in &campaign.selectors {
        any = any.add(match selector {
            Selector::EveryUnit => Condition::all(),
            Selector::SerialRange { prefix, low, high } => Condition::all()
                .add(asset::Column::SerialPrefix.eq(prefix.as_str()))
                .add(asset::Column::SerialNumber.between(*low, *high)),
            Selector::Serials(keys) => {
                Condition::all().add(asset::Column::SerialKey.is_in(keys.iter().cloned()))
            }
            Selector::Lots(keys) => {
                Condition::all().add(asset::Column::LotKey.is_in(keys.iter().cloned()))
            }
        });
    }
    let mut all =
        Condition::all().add(asset::Column::ManufacturerKey.eq(campaign.manufacturer_key.as_str()));
    if let Some(model) = &campaign.model_key {
        all = all.add(asset::Column::ModelKey.eq(model.as_str()));
    }
    all.add(any)
}

/// The affected assets, by serial.
pub async fn affected_assets(
    db: &impl Db,
    campaign: &Campaign,
) -> StoreResult<Vec<crate::inventory::Asset>> {
    Ok(asset::Entity::find()
        .filter(affected(campaign))
        .order_by_asc(asset::Column::SerialKey)
        .all(db)
        .await?)
}

/// One unit a patient held (or was set to receive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, FromQueryResult)]
pub struct Holder {
    /// The unit.
    pub asset_id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
}

/// Every (unit, patient) pair among the affected units' custody events: every patient who holds
/// or ever held, or had reserved, an affected unit.
pub async fn holders(db: &impl Db, campaign: &Campaign) -> StoreResult<Vec<Holder>> {
    let mut select = Query::select();
    select
        .distinct()
        .columns([
            custody_event::Column::AssetId,
            custody_event::Column::PatientId,
        ])
        .from(custody_event::Entity)
        .and_where(custody_event::Column::PatientId.is_not_null())
        .and_where(
            custody_event::Column::AssetId.in_subquery(
                Query::select()
                    .column(asset::Column::Id)
                    .from(asset::Entity)
                    .cond_where(affected(campaign))
                    .take(),
            ),
        );
    let statement = db.get_database_backend().build(&select);
    Ok(Holder::find_by_statement(statement).all(db).await?)
}

/// Adds a campaign with a follow-up row per affected unit.
pub async fn insert_campaign(
    db: &impl Db,
    row: RecallCampaign,
    units: Vec<RecallUnit>,
) -> StoreResult<()> {
    recall_campaign::Entity::insert(recall_campaign::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    insert_batched(
        db,
        units
            .into_iter()
            .map(recall_unit::ActiveModel::from)
            .collect(),
    )
    .await
}

/// One campaign.
pub async fn campaign(db: &impl Db, id: Uuid) -> StoreResult<Option<RecallCampaign>> {
    Ok(recall_campaign::Entity::find_by_id(id).one(db).await?)
}

/// Every campaign, newest first.
pub async fn campaigns(db: &impl Db) -> StoreResult<Vec<RecallCampaign>> {
    Ok(recall_campaign::Entity::find()
        .order_by_desc(recall_campaign::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A campaign's follow-up rows.
pub async fn units(db: &impl Db, campaign_id: Uuid) -> StoreResult<Vec<RecallUnit>> {
    Ok(recall_unit::Entity::find()
        .filter(recall_unit::Column::CampaignId.eq(campaign_id))
        .all(db)
        .await?)
}

/// One follow-up row.
pub async fn unit(
    db: &impl Db,
    campaign_id: Uuid,
    asset_id: Uuid,
) -> StoreResult<Option<RecallUnit>> {
    Ok(recall_unit::Entity::find_by_id((campaign_id, asset_id))
        .one(db)
        .await?)
}

/// The campaigns that name an asset.
pub async fn units_of_asset(db: &impl Db, asset_id: Uuid) -> StoreResult<Vec<RecallUnit>> {
    Ok(recall_unit::Entity::find()
        .filter(recall_unit::Column::AssetId.eq(asset_id))
        .all(db)
        .await?)
}

/// Replaces a follow-up row's status and note.
pub async fn update_unit(db: &impl Db, row: RecallUnit) -> StoreResult<()> {
    crate::replace(db, row).await
}
