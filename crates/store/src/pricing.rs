//! Pricing: fee schedule amounts with their imports, the supplier's rural ZIP codes, and price
//! options per payer (or plan) and HCPCS code with their month bands.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::Date;
use uuid::Uuid;

use crate::catalog::insert_batched;
use crate::entity::{
    fee_schedule_amount, fee_schedule_import, price_option, price_option_band, rural_zip,
};
use crate::{Db, StoreResult};

pub use crate::entity::fee_schedule_amount::Model as FeeScheduleAmount;
pub use crate::entity::fee_schedule_import::Model as FeeScheduleImport;
pub use crate::entity::price_option::Model as PriceOption;
pub use crate::entity::price_option_band::Model as PriceOptionBand;
pub use crate::entity::rural_zip::Model as RuralZip;

/// Ids per `IN (…)` list, well under either backend's bound-parameter limit.
const ID_BATCH: usize = 1_000;

/// The amounts in force for one effective date (not replaced by a later file).
pub async fn current_fee_amounts(
    db: &impl Db,
    effective: Date,
) -> StoreResult<Vec<FeeScheduleAmount>> {
    Ok(fee_schedule_amount::Entity::find()
        .filter(fee_schedule_amount::Column::Effective.eq(effective))
        .filter(fee_schedule_amount::Column::ReplacedBy.is_null())
        .all(db)
        .await?)
}

/// Records one fee schedule import: the rows it replaces are marked with its id, then its new
/// rows are added.
pub async fn record_fee_schedule_import(
    db: &impl Db,
    import: FeeScheduleImport,
    added: Vec<FeeScheduleAmount>,
    replaced: Vec<Uuid>,
) -> StoreResult<()> {
    let id = import.id;
    fee_schedule_import::Entity::insert(fee_schedule_import::ActiveModel::from(import))
        .exec_without_returning(db)
        .await?;
    for ids in replaced.chunks(ID_BATCH) {
        fee_schedule_amount::Entity::update_many()
            .col_expr(
                fee_schedule_amount::Column::ReplacedBy,
                Expr::value(Some(id)),
            )
            .filter(fee_schedule_amount::Column::Id.is_in(ids.to_vec()))
            .exec(db)
            .await?;
    }
    insert_batched(
        db,
        added
            .into_iter()
            .map(fee_schedule_amount::ActiveModel::from)
            .collect(),
    )
    .await
}

/// Every fee schedule import, newest first.
pub async fn fee_schedule_imports(db: &impl Db) -> StoreResult<Vec<FeeScheduleImport>> {
    Ok(fee_schedule_import::Entity::find()
        .order_by_desc(fee_schedule_import::Column::ImportedAt)
        .order_by_desc(fee_schedule_import::Column::Id)
        .all(db)
        .await?)
}

/// One fee schedule import.
pub async fn fee_schedule_import(db: &impl Db, id: Uuid) -> StoreResult<Option<FeeScheduleImport>> {
    Ok(fee_schedule_import::Entity::find_by_id(id).one(db).await?)
}

/// The amounts in force for `hcpcs` in `state` (rural or not) on `on`, newest effective date
/// first; the caller picks the newest date and the row whose modifiers fit.
pub async fn fee_amounts_for(
    db: &impl Db,
    hcpcs: &str,
    state: &str,
    rural: bool,
    on: Date,
) -> StoreResult<Vec<FeeScheduleAmount>> {
    Ok(fee_schedule_amount::Entity::find()
        .filter(fee_schedule_amount::Column::Hcpcs.eq(hcpcs))
        .filter(fee_schedule_amount::Column::State.eq(state))
        .filter(fee_schedule_amount::Column::Rural.eq(rural))
        .filter(fee_schedule_amount::Column::Effective.lte(on))
        .filter(fee_schedule_amount::Column::ReplacedBy.is_null())
        .order_by_desc(fee_schedule_amount::Column::Effective)
        .all(db)
        .await?)
}

/// Replaces the list of rural ZIP codes with `zips`.
pub async fn replace_rural_zips(db: &impl Db, zips: Vec<RuralZip>) -> StoreResult<()> {
    rural_zip::Entity::delete_many().exec(db).await?;
    insert_batched(
        db,
        zips.into_iter().map(rural_zip::ActiveModel::from).collect(),
    )
    .await
}

/// Whether the supplier flagged the 5-digit ZIP code `zip` as rural.
pub async fn is_rural_zip(db: &impl Db, zip: &str) -> StoreResult<bool> {
    Ok(rural_zip::Entity::find_by_id(zip.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// A price option with its bands in month order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceOptionRecord {
    /// The option row.
    pub option: PriceOption,
    /// Its bands, by position.
    pub bands: Vec<PriceOptionBand>,
}

/// Adds a price option with its bands.
pub async fn insert_price_option(db: &impl Db, record: PriceOptionRecord) -> StoreResult<()> {
    price_option::Entity::insert(price_option::ActiveModel::from(record.option))
        .exec_without_returning(db)
        .await?;
    insert_bands(db, record.bands).await
}

/// Replaces a price option's fields and bands.
pub async fn update_price_option(db: &impl Db, record: PriceOptionRecord) -> StoreResult<()> {
    let id = record.option.id;
    crate::replace(db, record.option).await?;
    price_option_band::Entity::delete_many()
        .filter(price_option_band::Column::PriceOptionId.eq(id))
        .exec(db)
        .await?;
    insert_bands(db, record.bands).await
}

async fn insert_bands(db: &impl Db, bands: Vec<PriceOptionBand>) -> StoreResult<()> {
    insert_batched(
        db,
        bands
            .into_iter()
            .map(price_option_band::ActiveModel::from)
            .collect(),
    )
    .await
}

/// One price option.
pub async fn price_option(db: &impl Db, id: Uuid) -> StoreResult<Option<PriceOptionRecord>> {
    let Some(option) = price_option::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_bands(db, vec![option]).await?.pop())
}

/// Price options of one payer (every plan's included), or of every payer, optionally for one
/// HCPCS code; by code, then payer-wide before plan-specific.
pub async fn price_options(
    db: &impl Db,
    payer: Option<Uuid>,
    hcpcs: Option<&str>,
) -> StoreResult<Vec<PriceOptionRecord>> {
    let mut query = price_option::Entity::find();
    if let Some(payer) = payer {
        query = query.filter(price_option::Column::PayerId.eq(payer));
    }
    if let Some(hcpcs) = hcpcs {
        query = query.filter(price_option::Column::Hcpcs.eq(hcpcs));
    }
    let rows = query
        .order_by_asc(price_option::Column::Hcpcs)
        .order_by_asc(price_option::Column::PayerId)
        .order_by_asc(price_option::Column::PlanId)
        .order_by_asc(price_option::Column::Kind)
        .all(db)
        .await?;
    with_bands(db, rows).await
}

async fn with_bands(db: &impl Db, rows: Vec<PriceOption>) -> StoreResult<Vec<PriceOptionRecord>> {
    let mut bands = Vec::new();
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    for ids in ids.chunks(ID_BATCH) {
        bands.extend(
            price_option_band::Entity::find()
                .filter(price_option_band::Column::PriceOptionId.is_in(ids.to_vec()))
                .all(db)
                .await?,
        );
    }
    bands.sort_by_key(|b| (b.price_option_id, b.position));
    Ok(rows
        .into_iter()
        .map(|option| PriceOptionRecord {
            bands: bands
                .iter()
                .filter(|b| b.price_option_id == option.id)
                .cloned()
                .collect(),
            option,
        })
        .collect())
}
