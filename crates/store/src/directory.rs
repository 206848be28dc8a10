//! The supplier's own records and the people and organisations it deals with: locations,
//! payers and plans, prescribers and referral sources.

use sea_orm::sea_query::Condition;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{
    location, payer, plan, prescriber, referral_source, referral_source_prescriber, supplier,
};
use crate::{Db, StoreResult};

pub use crate::entity::location::Model as Location;
pub use crate::entity::payer::Model as Payer;
pub use crate::entity::plan::Model as Plan;
pub use crate::entity::prescriber::Model as Prescriber;
pub use crate::entity::referral_source::Model as ReferralSource;
pub use crate::entity::supplier::Model as Supplier;

/// Records the supplier and its locations (first start or demo load).
pub async fn insert_supplier(
    db: &impl Db,
    org: Supplier,
    locations: Vec<Location>,
) -> StoreResult<()> {
    supplier::Entity::insert(supplier::ActiveModel::from(org))
        .exec_without_returning(db)
        .await?;
    if !locations.is_empty() {
        location::Entity::insert_many(locations.into_iter().map(location::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The supplier, once it is set up.
pub async fn supplier(db: &impl Db) -> StoreResult<Option<Supplier>> {
    Ok(supplier::Entity::find().one(db).await?)
}

/// Every location, by name.
pub async fn locations(db: &impl Db) -> StoreResult<Vec<Location>> {
    Ok(location::Entity::find()
        .order_by_asc(location::Column::Name)
        .all(db)
        .await?)
}

/// Adds payers and their plans.
pub async fn insert_payers(db: &impl Db, payers: Vec<Payer>, plans: Vec<Plan>) -> StoreResult<()> {
    if !payers.is_empty() {
        payer::Entity::insert_many(payers.into_iter().map(payer::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    if !plans.is_empty() {
        plan::Entity::insert_many(plans.into_iter().map(plan::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Every payer, by name.
pub async fn payers(db: &impl Db) -> StoreResult<Vec<Payer>> {
    Ok(payer::Entity::find()
        .order_by_asc(payer::Column::Name)
        .all(db)
        .await?)
}

/// Every plan, by name.
pub async fn plans(db: &impl Db) -> StoreResult<Vec<Plan>> {
    Ok(plan::Entity::find()
        .order_by_asc(plan::Column::Name)
        .all(db)
        .await?)
}

/// One payer.
pub async fn payer(db: &impl Db, id: Uuid) -> StoreResult<Option<Payer>> {
    Ok(payer::Entity::find_by_id(id).one(db).await?)
}

/// One plan.
pub async fn plan(db: &impl Db, id: Uuid) -> StoreResult<Option<Plan>> {
    Ok(plan::Entity::find_by_id(id).one(db).await?)
}

/// Adds prescribers.
pub async fn insert_prescribers(db: &impl Db, rows: Vec<Prescriber>) -> StoreResult<()> {
    if !rows.is_empty() {
        prescriber::Entity::insert_many(rows.into_iter().map(prescriber::ActiveModel::from))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Replaces a prescriber's fields.
pub async fn update_prescriber(db: &impl Db, row: Prescriber) -> StoreResult<()> {
    crate::replace(db, row).await?;
    Ok(())
}

/// One prescriber.
pub async fn prescriber(db: &impl Db, id: Uuid) -> StoreResult<Option<Prescriber>> {
    Ok(prescriber::Entity::find_by_id(id).one(db).await?)
}

/// Prescribers by NPI or family-name key prefix, by name.
pub async fn search_prescribers(
    db: &impl Db,
    npi: Option<&str>,
    family_prefix: Option<&str>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<Prescriber>> {
    let mut query = prescriber::Entity::find();
    if let Some(npi) = npi {
        query = query.filter(prescriber::Column::Npi.eq(npi));
    }
    if let Some(prefix) = family_prefix {
        query = query.filter(key_prefix(prescriber::Column::FamilyKey, prefix));
    }
    Ok(query
        .order_by_asc(prescriber::Column::FamilyKey)
        .order_by_asc(prescriber::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// `column` starts with `prefix`, as an index range (see `durable_domain::search`).
pub(crate) fn key_prefix(column: impl ColumnTrait, prefix: &str) -> Condition {
    Condition::all()
        .add(column.gte(prefix))
        .add(column.lt(durable_domain::search::prefix_upper_bound(prefix)))
}

/// Adds a referral source and links its prescribers.
pub async fn insert_referral_source(
    db: &impl Db,
    row: ReferralSource,
    prescriber_ids: &[Uuid],
) -> StoreResult<()> {
    let id = row.id;
    referral_source::Entity::insert(referral_source::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    link_prescribers(db, id, prescriber_ids).await
}

/// Replaces a referral source's fields and its linked prescribers.
pub async fn update_referral_source(
    db: &impl Db,
    row: ReferralSource,
    prescriber_ids: &[Uuid],
) -> StoreResult<()> {
    let id = row.id;
    crate::replace(db, row).await?;
    referral_source_prescriber::Entity::delete_many()
        .filter(referral_source_prescriber::Column::ReferralSourceId.eq(id))
        .exec(db)
        .await?;
    link_prescribers(db, id, prescriber_ids).await
}

async fn link_prescribers(db: &impl Db, source: Uuid, prescriber_ids: &[Uuid]) -> StoreResult<()> {
    if prescriber_ids.is_empty() {
        return Ok(());
    }
    referral_source_prescriber::Entity::insert_many(prescriber_ids.iter().map(|id| {
        referral_source_prescriber::ActiveModel {
            referral_source_id: Set(source),
            prescriber_id: Set(*id),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One referral source with the ids of its prescribers.
pub async fn referral_source(
    db: &impl Db,
    id: Uuid,
) -> StoreResult<Option<(ReferralSource, Vec<Uuid>)>> {
    let Some(row) = referral_source::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let links = referral_source_prescriber::Entity::find()
        .filter(referral_source_prescriber::Column::ReferralSourceId.eq(id))
        .all(db)
        .await?;
    Ok(Some((
        row,
        links.into_iter().map(|l| l.prescriber_id).collect(),
    )))
}

/// Referral sources by name-key prefix, by name.
pub async fn search_referral_sources(
    db: &impl Db,
    name_prefix: Option<&str>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<ReferralSource>> {
    let mut query = referral_source::Entity::find();
    if let Some(prefix) = name_prefix {
        query = query.filter(key_prefix(referral_source::Column::NameKey, prefix));
    }
    Ok(query
        .order_by_asc(referral_source::Column::NameKey)
        .order_by_asc(referral_source::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}
