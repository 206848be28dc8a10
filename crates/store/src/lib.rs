//! Durable's persistence. One code path serves SQLite (embedded default) and PostgreSQL:
//! SeaORM entities and SeaQuery migrations. Driver errors are translated here, at the boundary.

pub mod audit;
pub mod billing_episodes;
pub mod catalog;
mod checkpoint;
pub mod deliveries;
pub mod directory;
pub mod documents;
pub mod entity;
pub mod inventory;
pub mod migration;
pub mod orders;
pub mod patients;
pub mod pricing;
pub mod prior_auth;
pub mod purchasing;
pub mod recalls;
pub mod rows;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedMutexGuard};

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectOptions, Database, DatabaseConnection,
    DatabaseTransaction, DbErr, IntoActiveModel, SqlErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::ConnectionTrait as Db;

/// Failures of the store, already sorted into what callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique rule would be broken (the message names the constraint, not the data).
    #[error("a record with the same key already exists ({0})")]
    Conflict(String),
    /// A referenced record does not exist.
    #[error("a referenced record does not exist ({0})")]
    MissingReference(String),
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(String),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(what)) => StoreError::Conflict(what),
            Some(SqlErr::ForeignKeyConstraintViolation(what)) => StoreError::MissingReference(what),
            _ => StoreError::Database(err.to_string()),
        }
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

/// A connection pool to the database.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process queue here, in order, instead
    /// of contending for the database lock, whose busy handler backs off by sleeping whole
    /// milliseconds and would turn a queue of 30 short writes into hundreds of milliseconds.
    write_gate: Option<Arc<Mutex<()>>>,
    /// Connections for hot-path reads on a SQLite file (`rows`, ADR 0004).
    readers: Option<Arc<rows::SqliteReaders>>,
}

/// An open transaction; dropped without `commit` it rolls back, so a failed use case writes nothing.
pub struct Tx {
    tx: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    /// The connection to run statements on.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Makes the transaction's writes permanent.
    pub async fn commit(self) -> StoreResult<()> {
        Ok(sea_orm::TransactionSession::commit(self.tx).await?)
    }
}

impl Store {
    /// Opens a pool for a `sqlite://` or `postgres://` URL. SQLite files are created when missing,
    /// in WAL mode with foreign keys on and a busy timeout so concurrent writers wait their turn.
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
        options.map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
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
        let db = Database::connect(options).await?;
        let write_gate = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let readers = match backend {
            Backend::Sqlite => rows::sqlite_file(url)?.map(|path| {
                let readers = Arc::new(rows::SqliteReaders::new(path.clone()));
                if let Some(gate) = &write_gate {
                    checkpoint::start(path, Arc::downgrade(&readers), gate.clone());
                }
                readers
            }),
            Backend::Postgres => None,
        };
        Ok(Store {
            db,
            backend,
            write_gate,
            readers,
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
        Ok(Tx { tx, _turn: turn })
    }

    /// Starts a read-only view of one consistent snapshot.
    pub async fn begin_read(&self) -> StoreResult<Tx> {
        Ok(Tx {
            tx: self.db.begin().await?,
            _turn: None,
        })
    }

    /// Whether the database answers (health checks).
    pub async fn ping(&self) -> StoreResult<()> {
        Ok(self.db.ping().await?)
    }

    /// Closes the pool.
    pub async fn close(self) -> StoreResult<()> {
        Ok(self.db.close().await?)
    }
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
