//! Durable's persistence. One code path serves SQLite (embedded default) and PostgreSQL:
//! SeaORM entities and SeaQuery migrations. Driver errors are translated here, at the boundary.

pub mod audit;
pub mod billing_episodes;
pub mod catalog;
mod checkpoint;
mod constraint;
pub mod deliveries;
pub mod directory;
pub mod documents;
pub mod entity;
pub mod inventory;
pub mod jobs;
pub mod metrics;
pub mod migration;
pub mod orders;
pub mod patients;
pub mod pricing;
pub mod prior_auth;
pub mod purchasing;
pub mod recalls;
pub mod rows;
pub mod settings;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod users;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, OwnedMutexGuard};

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectOptions, Database, DatabaseConnection,
    DatabaseTransaction, DbErr, IntoActiveModel, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use constraint::Constraint;
pub use sea_orm::ConnectionTrait as Db;

/// Failures of the store, already sorted into what callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key would be broken: `key` when it is one a person can run into, and the
    /// constraint's name (never the data) in `detail`.
    #[error("a record with the same key already exists ({detail})")]
    Duplicate {
        /// The key, when it is one the app layer explains.
        key: Option<Constraint>,
        /// The constraint as the database named it.
        detail: String,
    },
    /// A referenced record does not exist, or a record still referenced would go.
    #[error("a referenced record does not exist ({0})")]
    MissingReference(String),
    /// The record changed since it was read (names what changed): the write did not happen.
    #[error("the record changed since it was read ({0})")]
    Stale(&'static str),
    /// The database could not be reached, failed, or holds a value this version cannot read.
    #[error("database error: {0}")]
    Database(String),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        constraint::translate(err)
    }
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database engine is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How SQLite makes a commit permanent (`PRAGMA synchronous`), chosen with the environment
/// variable `DURABLE_SQLITE_SYNCHRONOUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    /// The default: a commit is on disk before it is acknowledged, so a power cut or an
    /// operating-system crash loses nothing that was acknowledged (audit events included).
    Full,
    /// Commits are synced at checkpoints only: the database stays consistent, but the last
    /// commits before a power cut or operating-system crash can be lost.
    Normal,
}

impl Synchronous {
    /// The environment variable that chooses it.
    pub const VARIABLE: &str = "DURABLE_SQLITE_SYNCHRONOUS";

    /// The setting in the environment; `full` when absent.
    pub fn from_env() -> StoreResult<Synchronous> {
        match std::env::var(Self::VARIABLE) {
            Err(std::env::VarError::NotPresent) => Ok(Synchronous::Full),
            Ok(value) if value.eq_ignore_ascii_case("full") => Ok(Synchronous::Full),
            Ok(value) if value.eq_ignore_ascii_case("normal") => Ok(Synchronous::Normal),
            _ => Err(StoreError::Database(format!(
                "{} must be full (the default) or normal",
                Self::VARIABLE
            ))),
        }
    }
}

/// What the store knows about its own health, for `/healthz`.
#[derive(Debug, Default)]
struct HealthState {
    /// The error of the last write transaction that failed, until one succeeds.
    failed_write: std::sync::Mutex<Option<String>>,
    /// Set when the SQLite checkpoint thread is not running while the store is open.
    checkpoint_stopped: AtomicBool,
}

impl HealthState {
    fn write_finished(&self, result: &Result<(), DbErr>) {
        let failure = result.as_ref().err().map(ToString::to_string);
        if let Ok(mut failed) = self.failed_write.lock() {
            *failed = failure;
        }
    }
}

/// A connection pool to the database.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    health: Arc<HealthState>,
    /// SQLite has one writer at a time. Writers of this process queue here, in order, instead
    /// of contending for the database lock, whose busy handler backs off by sleeping whole
    /// milliseconds and would turn a queue of 30 short writes into hundreds of milliseconds.
    write_gate: Option<Arc<Mutex<()>>>,
    /// Connections for hot-path reads on a SQLite file (`rows`, ADR 0004).
    readers: Option<Arc<rows::SqliteReaders>>,
    /// Figures for monitoring (`metrics`).
    recorder: Arc<metrics::Recorder>,
}

/// An open transaction; dropped without `commit` it rolls back, so a failed use case writes nothing.
pub struct Tx {
    tx: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
    /// Set for write transactions, whose outcome `/healthz` reports.
    health: Option<Arc<HealthState>>,
}

impl Tx {
    /// The connection to run statements on.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Makes the transaction's writes permanent.
    pub async fn commit(self) -> StoreResult<()> {
        let result = sea_orm::TransactionSession::commit(self.tx).await;
        if let Some(health) = &self.health {
            health.write_finished(&result);
        }
        Ok(result?)
    }
}

impl Store {
    /// Opens a pool for a `sqlite://` or `postgres://` URL. SQLite files are created when missing,
    /// in WAL mode with foreign keys on, a busy timeout so concurrent writers wait their turn, and
    /// the durability `Synchronous::from_env` chooses.
    pub async fn open(url: &str) -> StoreResult<Store> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Database(
                "the database URL must start with sqlite: or postgres://".into(),
            ));
        };
        let synchronous = match Synchronous::from_env()? {
            Synchronous::Full => sea_orm::sqlx::sqlite::SqliteSynchronous::Full,
            Synchronous::Normal => sea_orm::sqlx::sqlite::SqliteSynchronous::Normal,
        };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(match backend {
                // Each SQLite connection is a thread of its own that every query hands over to
                // and back from: more of them than cores mostly adds context switches (asset
                // search on two cores: 6,300 requests/s with 4, 5,400 with 8; docs/benchmarks.md).
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .min_connections(1)
            // sqlx pings a pooled connection on every checkout by default: for PostgreSQL that
            // finds connections the server or a proxy dropped; an embedded SQLite connection
            // cannot be dropped, and the ping costs a round trip to its thread per query.
            .test_before_acquire(backend == Backend::Postgres);
        options.map_sqlx_sqlite_opts(move |opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Multi-row statements keep their statement journal in memory, not in a
                // temporary file created and deleted for every write.
                .pragma("temp_store", "memory")
                // The WAL is copied back into the file by `checkpoint` in the background; a commit
                // that crossed SQLite's default 1,000 pages would do it itself, fsync included,
                // while every queued writer waits (p99 of 250-360 ms in the patient search). This
                // only bounds the WAL should the background checkpoint stop.
                .pragma("wal_autocheckpoint", "100000")
                // When a long reader held the log back and it grew, starting over cuts the file
                // back to 64 MB (`checkpoint` restarts it in place at 32 MB).
                .pragma("journal_size_limit", "67108864")
        });
        // A transaction whose COMMIT or ROLLBACK failed (a full disk) can leave the driver
        // believing it is still open, and every later transaction on that connection would
        // become a savepoint of a transaction that no longer exists. Such a connection is
        // closed instead of being handed out again; a fresh one takes its place.
        options.map_sqlx_sqlite_pool_opts(|pool| pool.before_acquire(settled));
        options.map_sqlx_postgres_pool_opts(|pool| pool.before_acquire(settled));
        let db = Database::connect(options).await?;
        let health = Arc::new(HealthState::default());
        let write_gate = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let recorder = Arc::new(metrics::Recorder::default());
        let readers = match backend {
            Backend::Sqlite => rows::sqlite_file(url)?.map(|path| {
                let readers = Arc::new(rows::SqliteReaders::new(path.clone()));
                if let Some(gate) = &write_gate {
                    checkpoint::start(
                        path,
                        Arc::downgrade(&readers),
                        gate.clone(),
                        recorder.clone(),
                        health.clone(),
                    );
                }
                readers
            }),
            Backend::Postgres => None,
        };
        Ok(Store {
            db,
            backend,
            health,
            write_gate,
            readers,
            recorder,
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> StoreResult<()> {
        Ok(migration::Migrator::up(&self.db, None).await?)
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for reads that need no transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The rows of a hot-path read (a search box), outside any transaction (`rows`).
    pub async fn fetch<R: rows::FromColumns>(
        &self,
        select: &sea_orm::sea_query::SelectStatement,
    ) -> StoreResult<Vec<R>> {
        rows::fetch(self.readers.as_deref(), &self.db, select).await
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing on a stale snapshot.
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        let asked = std::time::Instant::now();
        let turn = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let tx = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        self.recorder.write_waited(asked.elapsed());
        Ok(Tx {
            tx,
            _turn: turn,
            health: Some(self.health.clone()),
        })
    }

    /// Starts a read-only view of one consistent snapshot.
    pub async fn begin_read(&self) -> StoreResult<Tx> {
        Ok(Tx {
            tx: self.db.begin().await?,
            _turn: None,
            health: None,
        })
    }

    /// Whether the database answers (health checks).
    pub async fn ping(&self) -> StoreResult<()> {
        Ok(self.db.ping().await?)
    }

    /// Whether the database answers, the last write went through and, on a SQLite file, the
    /// checkpoint thread runs; the error is a sentence for the administrator.
    pub async fn health(&self) -> Result<(), String> {
        if let Err(err) = self.ping().await {
            return Err(format!("the database does not answer: {err}"));
        }
        if let Some(err) = self.health.failed_write.lock().ok().and_then(|f| f.clone()) {
            return Err(format!("the last write failed: {err}"));
        }
        if self.health.checkpoint_stopped.load(Ordering::Acquire) {
            return Err("the WAL checkpoint thread has stopped; restart the server".into());
        }
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `dest` (a file that must not exist) while
    /// writers go on: `VACUUM INTO` reads one snapshot and takes no write lock. The copy is
    /// synced before this returns. PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_into(&self, dest: &std::path::Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Database(
                "a PostgreSQL database is backed up with pg_dump or archiving (docs/operations.md)"
                    .into(),
            ));
        }
        let dest_text = dest.to_str().ok_or_else(|| {
            StoreError::Database(format!("the path {} is not UTF-8", dest.display()))
        })?;
        self.db
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Sqlite,
                "VACUUM INTO ?",
                [dest_text.into()],
            ))
            .await?;
        let synced = std::fs::File::open(dest).and_then(|file| file.sync_all());
        synced.map_err(|e| StoreError::Database(format!("syncing {}: {e}", dest.display())))
    }

    /// The problems SQLite's `integrity_check` finds in the database file (none when it is
    /// sound). PostgreSQL checks its pages itself; nothing is asked of it here.
    pub async fn integrity_problems(&self) -> StoreResult<Vec<String>> {
        if self.backend != Backend::Sqlite {
            return Ok(Vec::new());
        }
        let rows = self
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?;
        let mut problems = Vec::new();
        for row in rows {
            let line: String = row.try_get_by_index(0)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    /// Closes the pool.
    pub async fn close(self) -> StoreResult<()> {
        Ok(self.db.close().await?)
    }
}

/// Whether a pooled connection may be handed out: not when it still counts an open transaction.
fn settled<C: sea_orm::sqlx::Connection>(
    conn: &mut C,
    _: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + '_>> {
    let settled = !conn.is_in_transaction();
    Box::pin(async move { Ok(settled) })
}

/// Overwrites every column of an existing row with `model`'s values.
pub(crate) async fn replace<M, A>(db: &impl Db, model: M) -> StoreResult<()>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as sea_orm::EntityTrait>::Model: IntoActiveModel<A>,
{
    model.into_active_model().reset_all().update(db).await?;
    Ok(())
}
