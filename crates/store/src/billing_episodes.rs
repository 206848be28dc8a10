//! Billing episodes and their append-only events: the facts the billing cycle bills from.
//! Deliveries, pickups, repairs and moved-in rentals write them; claims are built from them.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::{billing_episode, billing_episode_event};
use crate::{Db, StoreResult};

pub use crate::entity::billing_episode::Model as BillingEpisode;
pub use crate::entity::billing_episode_event::Model as BillingEpisodeEvent;

/// Opens an episode. A second episode for the same source and line is refused as a conflict
/// (`billing_episodes_source_line`), so a retried completion cannot bill a line twice.
pub async fn insert_episode(db: &impl Db, episode: BillingEpisode) -> StoreResult<()> {
    billing_episode::Entity::insert(billing_episode::ActiveModel::from(episode))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Appends a dated event to an episode.
pub async fn insert_event(db: &impl Db, event: BillingEpisodeEvent) -> StoreResult<()> {
    billing_episode_event::Entity::insert(billing_episode_event::ActiveModel::from(event))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One episode.
pub async fn episode(db: &impl Db, id: Uuid) -> StoreResult<Option<BillingEpisode>> {
    Ok(billing_episode::Entity::find_by_id(id).one(db).await?)
}

/// A patient's episodes, the first delivered first.
pub async fn for_patient(db: &impl Db, patient_id: Uuid) -> StoreResult<Vec<BillingEpisode>> {
    Ok(billing_episode::Entity::find()
        .filter(billing_episode::Column::PatientId.eq(patient_id))
        .order_by_asc(billing_episode::Column::FirstDateOfService)
        .order_by_asc(billing_episode::Column::Id)
        .all(db)
        .await?)
}

/// The episodes an order's deliveries opened.
pub async fn for_order(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<BillingEpisode>> {
    Ok(billing_episode::Entity::find()
        .filter(billing_episode::Column::OrderId.eq(order_id))
        .order_by_asc(billing_episode::Column::SourceLine)
        .order_by_asc(billing_episode::Column::Id)
        .all(db)
        .await?)
}

/// An episode's events in the order they happened (ids, UUIDv7, break ties by recording time).
pub async fn events(db: &impl Db, episode_id: Uuid) -> StoreResult<Vec<BillingEpisodeEvent>> {
    Ok(billing_episode_event::Entity::find()
        .filter(billing_episode_event::Column::EpisodeId.eq(episode_id))
        .order_by_asc(billing_episode_event::Column::OccurredOn)
        .order_by_asc(billing_episode_event::Column::Id)
        .all(db)
        .await?)
}
