//! Prior-authorization requests and ABNs.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{abn, prior_authorization};
use crate::{Db, StoreResult};

pub use crate::entity::abn::Model as Abn;
pub use crate::entity::prior_authorization::Model as PriorAuthorization;

/// Adds a request.
pub async fn insert(db: &impl Db, row: PriorAuthorization) -> StoreResult<()> {
    prior_authorization::Entity::insert(prior_authorization::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Replaces a request's fields.
pub async fn update(db: &impl Db, row: PriorAuthorization) -> StoreResult<()> {
    crate::replace(db, row).await
}

/// One request.
pub async fn get(db: &impl Db, id: Uuid) -> StoreResult<Option<PriorAuthorization>> {
    Ok(prior_authorization::Entity::find_by_id(id).one(db).await?)
}

/// A patient's requests, newest first.
pub async fn for_patient(db: &impl Db, patient_id: Uuid) -> StoreResult<Vec<PriorAuthorization>> {
    Ok(prior_authorization::Entity::find()
        .filter(prior_authorization::Column::PatientId.eq(patient_id))
        .order_by_desc(prior_authorization::Column::UpdatedAt)
        .all(db)
        .await?)
}

/// The queue: requests in `statuses`, by status, then soonest expiry, then oldest change.
pub async fn queue(
    db: &impl Db,
    statuses: &[&str],
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<PriorAuthorization>> {
    Ok(prior_authorization::Entity::find()
        .filter(prior_authorization::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(prior_authorization::Column::Status)
        .order_by_asc(prior_authorization::Column::ExpiryDate)
        .order_by_asc(prior_authorization::Column::UpdatedAt)
        .order_by_asc(prior_authorization::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// Records an ABN.
pub async fn insert_abn(db: &impl Db, row: Abn) -> StoreResult<()> {
    abn::Entity::insert(abn::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// An order's ABNs, oldest first.
pub async fn abns_for_order(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<Abn>> {
    Ok(abn::Entity::find()
        .filter(abn::Column::OrderId.eq(order_id))
        .order_by_asc(abn::Column::RecordedAt)
        .all(db)
        .await?)
}

/// Affirmed requests that may still be in force or ended recently: decided on or after
/// `decided_from`, or with a printed expiry on or after `expiring_from`.
pub async fn affirmed_recent(
    db: &impl Db,
    decided_from: time::Date,
    expiring_from: time::Date,
) -> StoreResult<Vec<PriorAuthorization>> {
    use sea_orm::sea_query::Condition;
    Ok(prior_authorization::Entity::find()
        .filter(prior_authorization::Column::Status.eq("affirmed"))
        .filter(
            Condition::any()
                .add(prior_authorization::Column::DecisionDate.gte(decided_from))
                .add(prior_authorization::Column::ExpiryDate.gte(expiring_from)),
        )
        .all(db)
        .await?)
}
