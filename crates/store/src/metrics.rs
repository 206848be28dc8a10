//! The store's figures for monitoring (`/metrics`): the connection pool, how long writers
//! waited for their turn, and how long ago the SQLite write-ahead log was last checkpointed.
//! Read-only: nothing here changes how the store works.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::{Backend, Store};

/// What the store counts as it runs; shared by the store's clones and its checkpoint thread.
#[derive(Debug)]
pub(crate) struct Recorder {
    started: Instant,
    write_waits: AtomicU64,
    write_wait_micros: AtomicU64,
    /// Milliseconds after `started` of the last checkpoint pass, plus one (0: none yet).
    last_checkpoint: AtomicU64,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            started: Instant::now(),
            write_waits: AtomicU64::new(0),
            write_wait_micros: AtomicU64::new(0),
            last_checkpoint: AtomicU64::new(0),
        }
    }
}

impl Recorder {
    /// A writer got its transaction after waiting `waited`.
    pub(crate) fn write_waited(&self, waited: Duration) {
        self.write_waits.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        self.write_wait_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// A checkpoint pass finished.
    pub(crate) fn checkpointed(&self) {
        let millis = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_checkpoint
            .store(millis.saturating_add(1), Ordering::Relaxed);
    }
}

/// A snapshot of the store's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreFigures {
    /// Open connections in the pool.
    pub pool_connections: u32,
    /// Of those, the ones waiting for a query.
    pub pool_idle: u32,
    /// Transactions begun for writing since the store opened.
    pub write_waits: u64,
    /// Their total wait for a turn and a connection.
    pub write_wait_total: Duration,
    /// Time since the last WAL checkpoint pass (SQLite files only; `None` before the first).
    pub since_checkpoint: Option<Duration>,
}

impl Store {
    /// The store's figures now.
    pub fn figures(&self) -> StoreFigures {
        let (pool_connections, pool_idle) = match self.backend {
            Backend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Backend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let recorder = &self.recorder;
        let last = recorder.last_checkpoint.load(Ordering::Relaxed);
        StoreFigures {
            pool_connections,
            pool_idle: u32::try_from(pool_idle).unwrap_or(u32::MAX),
            write_waits: recorder.write_waits.load(Ordering::Relaxed),
            write_wait_total: Duration::from_micros(
                recorder.write_wait_micros.load(Ordering::Relaxed),
            ),
            since_checkpoint: (last > 0).then(|| {
                recorder
                    .started
                    .elapsed()
                    .saturating_sub(Duration::from_millis(last - 1))
            }),
        }
    }
}
