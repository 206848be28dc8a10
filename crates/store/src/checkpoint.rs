//! Copies SQLite's write-ahead log back into the database file in the background.
//!
//! SQLite's own automatic checkpoint runs inside the commit that crosses the WAL's size limit,
//! fsync included, and Durable's writers queue behind that commit: under 32 concurrent patient
//! searches (each commits an audit event) it made p99 10 times the median. A passive checkpoint
//! takes no write lock, so here it costs no request anything but CPU. Under a steady stream of
//! commits, though, it never finds the log fully copied, and SQLite starts the log over only
//! then: so once the log passes `RESTART_AFTER_FRAMES`, the checkpoint takes the writers' turn
//! (the store's write gate, so no writer is mid-transaction and SQLite's busy handler never
//! sleeps), copies the few frames left and empties the log: a pause of a few milliseconds.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the WAL is checkpointed: often enough to keep it a few megabytes under load.
const EVERY: Duration = Duration::from_secs(1);
/// The log's length (pages) past which it is emptied: 16 MB of 4 KB pages, about a second and a
/// half of 1,700 audited searches a second (64 MB was no better for p99; docs/benchmarks.md).
const RESTART_AFTER_FRAMES: i64 = 4_096;

/// Checkpoints the file at `path` every second until `alive` is gone (the store was dropped).
/// `write_gate` is the store's queue of writers.
pub(crate) fn start<T: Send + Sync + 'static>(
    path: PathBuf,
    alive: Weak<T>,
    write_gate: Arc<tokio::sync::Mutex<()>>,
) {
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let conn = match rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::warn!(%err, "cannot open the database to checkpoint its WAL");
                    return;
                }
            };
            if let Err(err) = conn.busy_timeout(Duration::from_secs(10)) {
                tracing::warn!(%err, "cannot set the checkpoint's busy timeout");
            }
            while alive.strong_count() > 0 {
                std::thread::sleep(EVERY);
                if let Err(err) = checkpoint(&conn, &write_gate, RESTART_AFTER_FRAMES) {
                    tracing::warn!(%err, "checkpointing the WAL failed; will retry");
                }
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(%err, "cannot start the WAL checkpoint thread");
    }
}

/// One passive checkpoint, then, in the writers' turn, a truncating one if the log is long.
fn checkpoint(
    conn: &rusqlite::Connection,
    write_gate: &tokio::sync::Mutex<()>,
    restart_after_frames: i64,
) -> rusqlite::Result<()> {
    // (busy, frames in the log, frames copied)
    let log_frames = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
            row.get::<_, i64>(1)
        })
    };
    if log_frames("PASSIVE")? > restart_after_frames {
        let _turn = write_gate.blocking_lock();
        log_frames("TRUNCATE")?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on purpose.
mod tests {
    use super::*;

    /// A WAL database whose log holds `rows` rows of 1 KB that no checkpoint has copied yet.
    fn written(dir: &std::path::Path, rows: i64) -> (PathBuf, rusqlite::Connection) {
        let path = dir.join("wal.sqlite");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
            )
            .unwrap();
        for id in 0..rows {
            writer
                .execute("INSERT INTO t VALUES (?1, zeroblob(1000))", [id])
                .unwrap();
        }
        (path, writer)
    }

    fn len(path: &std::path::Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    #[test]
    fn a_short_log_is_copied_and_kept_a_long_one_is_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _writer) = written(dir.path(), 200);
        let wal = dir.path().join("wal.sqlite-wal");
        let (db_before, wal_before) = (len(&path), len(&wal));
        assert!(wal_before > 200 * 1000, "the rows are in the log");
        let conn = rusqlite::Connection::open(&path).unwrap();
        let gate = tokio::sync::Mutex::new(());

        checkpoint(&conn, &gate, i64::MAX).unwrap();
        assert!(len(&path) > db_before + 200 * 1000, "copied into the file");
        assert_eq!(len(&wal), wal_before, "a passive checkpoint leaves the log");

        checkpoint(&conn, &gate, 0).unwrap();
        assert_eq!(len(&wal), 0, "past the limit the log is emptied");
        let count: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 200, "nothing is lost");
    }
}
