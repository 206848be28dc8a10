//! The background job runner (DESIGN.md "Jobs"). Jobs are enqueued in the transaction that
//! causes them and run at least once: a worker claims a job with a lease, runs its handler and
//! marks it done; a failure is retried with exponential backoff, and after the last attempt the
//! job waits on the administrator's failed-jobs page. Handlers are idempotent, so a job run twice,
//! or cut off by a crash and run again when its lease ends, neither loses nor duplicates work.

use durable_domain::ids::JobId;
use durable_store::jobs::{self as store, Job};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// How long a worker holds a job before another may take it over.
pub const LEASE: Duration = Duration::minutes(15);
/// The first retry waits this long; each later one twice as long as the one before.
const FIRST_RETRY: Duration = Duration::seconds(30);
/// No retry waits longer.
const LONGEST_RETRY: Duration = Duration::hours(1);
/// The most failed jobs listed.
const FAILED_LISTED: u64 = 200;

/// How long to wait before attempt `attempts + 1`.
fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    (FIRST_RETRY * 2_i32.pow(doublings)).min(LONGEST_RETRY)
}

/// What one turn of the worker did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ran {
    /// The job succeeded.
    Done(JobId),
    /// The job failed and will be tried again at the given time.
    Retrying(JobId, OffsetDateTime),
    /// The job failed for the last time.
    Failed(JobId),
}

/// Claims the next due job, if any, and runs it through `handler`.
pub async fn run_next(
    app: &App,
    handler: &impl AsyncFn(&App, &Job) -> AppResult<()>,
) -> AppResult<Option<Ran>> {
    let Some(job) = store::claim(&app.store, app.clock.now(), LEASE).await? else {
        return Ok(None);
    };
    let id = JobId::from_uuid(job.id);
    let outcome = if job.attempts > job.max_attempts {
        // Its earlier runs never reported back: each took the worker down or outlived the lease.
        Err(format!(
            "stopped without finishing {} times; check the server's log",
            job.max_attempts
        ))
    } else {
        handler(app, &job)
            .await
            .map_err(|err| err.for_operator("; "))
    };
    let now = app.clock.now();
    let ran = match outcome {
        Ok(()) => {
            store::finish(app.store.conn(), job.id, now).await?;
            Ran::Done(id)
        }
        Err(error) => {
            tracing::warn!(job = %job.id, kind = %job.kind, %error, "job failed");
            let retry_at = (job.attempts < job.max_attempts).then(|| now + backoff(job.attempts));
            store::fail(app.store.conn(), job.id, &error, retry_at, now).await?;
            match retry_at {
                Some(at) => Ran::Retrying(id, at),
                None => Ran::Failed(id),
            }
        }
    };
    Ok(Some(ran))
}

/// A job as the administrator sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    /// The job's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: JobId,
    /// What it does, in words.
    pub what: String,
    /// Its kind as stored (e.g. `billing_cycle`).
    pub kind: String,
    /// What it is about (the billing date of a billing run).
    pub key: String,
    /// queued, running, done or failed.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was queued.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it finished (done or failed for good).
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
}

/// A job kind in words.
pub fn describe_kind(kind: &str) -> String {
    match kind {
        "billing_cycle" => "Daily billing run".into(),
        other => other.replace('_', " "),
    }
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        JobView {
            id: JobId::from_uuid(job.id),
            what: describe_kind(&job.kind),
            kind: job.kind,
            key: job.key,
            status: job.status,
            attempts: job.attempts,
            last_error: job.last_error,
            created_at: job.created_at,
            finished_at: job.finished_at,
        }
    }
}

/// Jobs that failed for good, newest first.
pub async fn failed(app: &App, actor: &Actor) -> AppResult<Vec<JobView>> {
    actor.require(Permission::OrganizationAdmin)?;
    let rows = store::with_status(app.store.conn(), "failed", FAILED_LISTED).await?;
    Ok(rows.into_iter().map(JobView::from).collect())
}

/// Queues a failed job again with fresh attempts (after its cause is fixed).
pub async fn retry(app: &App, actor: &Actor, id: JobId) -> AppResult<()> {
    actor.require(Permission::OrganizationAdmin)?;
    let tx = app.store.begin_write().await?;
    let job = store::get(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("job"))?;
    if !store::retry(tx.conn(), job.id, app.clock.now()).await? {
        return Err(AppError::Conflict(
            "Only a job that failed can be run again.".into(),
        ));
    }
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("job.retry", "job", job.id)
            .detail(serde_json::json!({ "kind": job.kind, "key": job.key })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_twice_as_long_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(30), Duration::hours(1));
    }
}
