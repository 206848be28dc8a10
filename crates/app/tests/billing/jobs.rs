//! The job runner: one job per kind and key, retries with backoff until the last attempt, a
//! failed-jobs list the administrator can re-run from, leases that outlive a dead worker, and
//! on PostgreSQL a claim that skips the jobs another server holds.

use std::sync::atomic::{AtomicU32, Ordering};

use durable_app::jobs::{self, Ran};
use durable_app::{App, AppError, AppResult};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::jobs::{self as store, Job};
use durable_store::testing::{TestDb, every_backend};
use durable_store::{Backend, Db};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::common::actor;

const START: OffsetDateTime = datetime!(2026-12-02 06:00 UTC);

fn app_at(db: &TestDb, at: OffsetDateTime) -> App {
    App::new(db.store.clone(), Clock::fixed(at))
}

fn job(kind: &str, key: &str, at: OffsetDateTime) -> Job {
    Job {
        id: uuid::Uuid::now_v7(),
        kind: kind.into(),
        key: key.into(),
        payload: "{}".into(),
        status: "queued".into(),
        attempts: 0,
        max_attempts: 3,
        run_after: at,
        locked_until: None,
        last_error: None,
        created_at: at,
        finished_at: None,
    }
}

#[tokio::test]
async fn a_failing_job_backs_off_then_waits_for_the_administrator() {
    for db in every_backend().await {
        let conn = db.store.conn();
        assert!(
            store::enqueue(conn, job("billing_cycle", "2026-12-02", START))
                .await
                .unwrap()
        );
        assert!(
            !store::enqueue(conn, job("billing_cycle", "2026-12-02", START))
                .await
                .unwrap(),
            "the same kind and key is queued once"
        );
        let calls = AtomicU32::new(0);
        let failing = async |_: &App, _: &Job| -> AppResult<()> {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Internal("payer file missing".into()))
        };

        let mut at = START;
        let mut retries = Vec::new();
        loop {
            let app = app_at(&db, at);
            match jobs::run_next(&app, &failing).await.unwrap() {
                Some(Ran::Retrying(_, next)) => {
                    // Not due again before its time.
                    let early = app_at(&db, next - Duration::seconds(1));
                    assert_eq!(jobs::run_next(&early, &failing).await.unwrap(), None);
                    retries.push(next - at);
                    at = next;
                }
                Some(Ran::Failed(_)) => break,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(
            retries,
            [Duration::seconds(30), Duration::seconds(60)],
            "{}",
            db.label()
        );
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let app = app_at(&db, at);
        assert!(matches!(
            jobs::failed(&app, &actor(Role::Billing)).await,
            Err(AppError::Forbidden(_))
        ));
        let failed = jobs::failed(&app, &actor(Role::Admin)).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].what, "Daily billing run");
        assert_eq!(failed[0].attempts, 3);
        assert_eq!(
            failed[0].last_error.as_deref(),
            Some("internal error: payer file missing")
        );

        // Fixed, the administrator runs it again and it succeeds.
        jobs::retry(&app, &actor(Role::Admin), failed[0].id)
            .await
            .unwrap();
        assert!(matches!(
            jobs::retry(&app, &actor(Role::Admin), failed[0].id).await,
            Err(AppError::Conflict(_))
        ));
        let succeeding = async |_: &App, _: &Job| -> AppResult<()> { Ok(()) };
        assert_eq!(
            jobs::run_next(&app, &succeeding).await.unwrap(),
            Some(Ran::Done(failed[0].id))
        );
        assert!(
            jobs::failed(&app, &actor(Role::Admin))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(jobs::run_next(&app, &succeeding).await.unwrap(), None);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_over_when_its_lease_ends() {
    for db in every_backend().await {
        store::enqueue(db.store.conn(), job("billing_cycle", "k", START))
            .await
            .unwrap();
        // A worker claims it and dies without reporting back.
        let taken = store::claim(&db.store, START, jobs::LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.attempts, 1);
        let done = async |_: &App, _: &Job| -> AppResult<()> { Ok(()) };
        let during = app_at(&db, START + jobs::LEASE - Duration::seconds(1));
        assert_eq!(
            jobs::run_next(&during, &done).await.unwrap(),
            None,
            "{}",
            db.label()
        );
        let after = app_at(&db, START + jobs::LEASE + Duration::seconds(1));
        assert!(matches!(
            jobs::run_next(&after, &done).await.unwrap(),
            Some(Ran::Done(_))
        ));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_job_that_keeps_killing_its_worker_fails_for_good() {
    for db in every_backend().await {
        store::enqueue(db.store.conn(), job("billing_cycle", "k", START))
            .await
            .unwrap();
        let mut at = START;
        for _ in 0..3 {
            store::claim(&db.store, at, jobs::LEASE)
                .await
                .unwrap()
                .unwrap();
            at += jobs::LEASE + Duration::seconds(1);
        }
        let never = async |_: &App, _: &Job| -> AppResult<()> { panic!("must not run again") };
        let app = app_at(&db, at);
        assert!(matches!(
            jobs::run_next(&app, &never).await.unwrap(),
            Some(Ran::Failed(_))
        ));
        let failed = jobs::failed(&app, &actor(Role::Admin)).await.unwrap();
        assert!(
            failed[0]
                .last_error
                .as_deref()
                .unwrap()
                .contains("stopped without finishing")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn servers_claim_different_jobs_on_postgres() {
    for db in every_backend().await {
        if db.store.backend() != Backend::Postgres {
            db.finish().await;
            continue;
        }
        let first = job("billing_cycle", "a", START);
        let second = job("billing_cycle", "b", START + Duration::seconds(1));
        store::enqueue(db.store.conn(), first.clone())
            .await
            .unwrap();
        store::enqueue(db.store.conn(), second.clone())
            .await
            .unwrap();
        // Another server holds the first job's row in an open transaction.
        let holder = db.store.begin_write().await.unwrap();
        holder
            .conn()
            .execute_unprepared(&format!(
                "SELECT id FROM jobs WHERE id = '{}' FOR UPDATE",
                first.id
            ))
            .await
            .unwrap();
        let claimed = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            store::claim(&db.store, START + Duration::seconds(5), jobs::LEASE),
        )
        .await
        .expect("the claim waited for the held row instead of skipping it")
        .unwrap()
        .unwrap();
        assert_eq!(claimed.id, second.id);
        drop(holder);
        db.finish().await;
    }
}
