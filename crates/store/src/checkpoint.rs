//! Copies SQLite's write-ahead log back into the database file in the background.
//!
//! SQLite's own automatic checkpoint runs inside the commit that crosses the WAL's size limit,
//! fsync included, and Durable's writers queue behind that commit: under 32 concurrent patient
//! searches (each commits an audit event) it made p99 10 times the median. A passive checkpoint
//! takes no write lock, so here it costs no request anything but CPU. Under a steady stream of
//! commits, though, it never finds the log fully copied, and SQLite starts the log over only
//! then: so once the log passes `RESTART_AFTER_FRAMES`, the checkpoint takes the writers' turn
//! (the store's write gate, so no writer of this process is mid-transaction), copies the few
//! frames left and empties the log: a pause of a few milliseconds. A reader still on an older
//! snapshot (`durable audit verify`, a long report) makes it give up after `READER_WAIT` and try
//! again a second later, instead of holding every writer while it waits.

use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often the WAL is checkpointed: often enough to keep it a few megabytes under load.
const EVERY: Duration = Duration::from_secs(1);
/// The log's length (pages) past which it is emptied: 16 MB of 4 KB pages, about a second and a
/// half of 1,700 audited searches a second (64 MB was no better for p99; docs/benchmarks.md).
const RESTART_AFTER_FRAMES: i64 = 4_096;
/// How long the truncating checkpoint waits for readers of older snapshots, writers held.
const READER_WAIT: Duration = Duration::from_millis(20);

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
            // Only the truncating checkpoint waits on the busy handler (a passive one never does).
            if let Err(err) = conn.busy_timeout(READER_WAIT) {
                tracing::warn!(%err, "cannot set the checkpoint's busy timeout");
            }
            loop {
                std::thread::sleep(EVERY);
                if alive.strong_count() == 0 {
                    break;
                }
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
/// Answers whether the log was emptied.
fn checkpoint(
    conn: &rusqlite::Connection,
    write_gate: &tokio::sync::Mutex<()>,
    restart_after_frames: i64,
) -> rusqlite::Result<bool> {
    // (busy, frames in the log, frames copied); busy = 1 when readers or writers kept it from
    // finishing, which SQLite reports as a result, not an error.
    let run = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
            Ok((row.get::<_, i64>(0)? == 0, row.get::<_, i64>(1)?))
        })
    };
    let (_, log_frames) = run("PASSIVE")?;
    if log_frames <= restart_after_frames {
        return Ok(false);
    }
    let _turn = write_gate.blocking_lock();
    let (emptied, _) = run("TRUNCATE")?;
    if !emptied {
        tracing::debug!(
            log_frames,
            "a reader kept the WAL from being emptied; next second"
        );
    }
    Ok(emptied)
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

        assert!(!checkpoint(&conn, &gate, i64::MAX).unwrap());
        assert!(len(&path) > db_before + 200 * 1000, "copied into the file");
        assert_eq!(len(&wal), wal_before, "a passive checkpoint leaves the log");

        assert!(checkpoint(&conn, &gate, 0).unwrap());
        assert_eq!(len(&wal), 0, "past the limit the log is emptied");
        let count: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 200, "nothing is lost");
    }

    #[test]
    fn the_log_is_emptied_only_in_the_writers_turn() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _writer) = written(dir.path(), 100);
        let wal = dir.path().join("wal.sqlite-wal");
        let gate = Arc::new(tokio::sync::Mutex::new(()));
        let writer_turn = gate.clone().try_lock_owned().unwrap();
        let checkpointer = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let conn = rusqlite::Connection::open(&path).unwrap();
                checkpoint(&conn, &gate, 0).unwrap()
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        assert!(len(&wal) > 0, "not emptied while a writer has the turn");
        drop(writer_turn);
        assert!(checkpointer.join().unwrap());
        assert_eq!(len(&wal), 0);
    }

    #[test]
    fn a_reader_on_an_older_snapshot_makes_it_give_up_quickly() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = written(dir.path(), 100);
        let reader = rusqlite::Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        writer
            .execute("INSERT INTO t VALUES (1000, zeroblob(1000))", [])
            .unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(READER_WAIT).unwrap();
        let gate = tokio::sync::Mutex::new(());
        let started = std::time::Instant::now();
        assert!(
            !checkpoint(&conn, &gate, 0).unwrap(),
            "the reader still needs the log"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "it did not wait long"
        );
        assert!(
            gate.try_lock().is_ok(),
            "and gave the writers their turn back"
        );
        reader.execute_batch("COMMIT").unwrap();
        assert!(
            checkpoint(&conn, &gate, 0).unwrap(),
            "emptied once the reader is done"
        );
    }
}
