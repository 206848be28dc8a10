//! The job queue (DESIGN.md "Jobs"). A job is enqueued in the transaction that causes it, at most
//! once per kind and key; a worker claims it with a lease, runs it, and marks it done or failed.
//! On PostgreSQL the claim skips rows other servers hold (`FOR UPDATE SKIP LOCKED`); SQLite has
//! one writer at a time, so its claim needs no row lock.

use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entity::job;
use crate::{Db, Store, StoreResult};

pub use crate::entity::job::Model as Job;

/// Queues `job` unless one of the same kind and key exists; answers whether it was queued.
pub async fn enqueue(db: &impl Db, job: Job) -> StoreResult<bool> {
    use job::Column::{Key, Kind};
    let inserted = job::Entity::insert(job.into_active_model())
        .on_conflict(OnConflict::columns([Kind, Key]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Takes the next due job for `lease`: a queued job whose time has come, or a running one whose
/// worker let its lease run out (it stopped, or the process died). Counts the attempt.
pub async fn claim(
    store: &Store,
    now: OffsetDateTime,
    lease: Duration,
) -> StoreResult<Option<Job>> {
    use job::Column::*;
    let tx = store.begin_write().await?;
    let due = Condition::any()
        .add(Status.eq("queued").and(RunAfter.lte(now)))
        .add(Status.eq("running").and(LockedUntil.lt(now)));
    let next = job::Entity::find()
        .filter(due)
        .order_by_asc(RunAfter)
        .order_by_asc(Id)
        .limit(1)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(tx.conn())
        .await?;
    let Some(next) = next else {
        return Ok(None);
    };
    let claimed = Job {
        status: "running".into(),
        attempts: next.attempts + 1,
        locked_until: Some(now + lease),
        ..next
    };
    crate::replace(tx.conn(), claimed.clone()).await?;
    tx.commit().await?;
    Ok(Some(claimed))
}

/// Marks a job done.
pub async fn finish(db: &impl Db, id: Uuid, now: OffsetDateTime) -> StoreResult<()> {
    settle(db, id, "done", None, None, Some(now)).await
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good without one.
pub async fn fail(
    db: &impl Db,
    id: Uuid,
    error: &str,
    retry_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    match retry_at {
        Some(at) => settle(db, id, "queued", Some(error), Some(at), None).await,
        None => settle(db, id, "failed", Some(error), None, Some(now)).await,
    }
}

async fn settle(
    db: &impl Db,
    id: Uuid,
    status: &str,
    error: Option<&str>,
    run_after: Option<OffsetDateTime>,
    finished_at: Option<OffsetDateTime>,
) -> StoreResult<()> {
    let mut row = job::ActiveModel {
        id: ActiveValue::Unchanged(id),
        status: ActiveValue::Set(status.into()),
        locked_until: ActiveValue::Set(None),
        finished_at: ActiveValue::Set(finished_at),
        ..Default::default()
    };
    if let Some(error) = error {
        row.last_error = ActiveValue::Set(Some(error.into()));
    }
    if let Some(at) = run_after {
        row.run_after = ActiveValue::Set(at);
    }
    job::Entity::update(row).exec(db).await?;
    Ok(())
}

/// Queues a failed job again with fresh attempts; answers whether it was failed.
pub async fn retry(db: &impl Db, id: Uuid, now: OffsetDateTime) -> StoreResult<bool> {
    use job::Column::*;
    let updated = job::Entity::update_many()
        .col_expr(Status, Expr::value("queued"))
        .col_expr(Attempts, Expr::value(0))
        .col_expr(RunAfter, Expr::value(now))
        .col_expr(FinishedAt, Expr::value(Option::<OffsetDateTime>::None))
        .filter(Id.eq(id))
        .filter(Status.eq("failed"))
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}

/// Jobs in `status`, the most recently created first, at most `limit`.
pub async fn with_status(db: &impl Db, status: &str, limit: u64) -> StoreResult<Vec<Job>> {
    Ok(job::Entity::find()
        .filter(job::Column::Status.eq(status))
        .order_by_desc(job::Column::CreatedAt)
        .order_by_desc(job::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// One job.
pub async fn get(db: &impl Db, id: Uuid) -> StoreResult<Option<Job>> {
    Ok(job::Entity::find_by_id(id).one(db).await?)
}
