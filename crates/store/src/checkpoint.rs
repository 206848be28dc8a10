//! Copies SQLite's write-ahead log back into the database file in the background.
//!
//! SQLite's own automatic checkpoint runs inside the commit that crosses the WAL's size limit,
//! fsync included, and Durable's writers queue behind that commit: under 32 concurrent patient
//! searches (each commits an audit event) it made p99 10 times the median. A passive checkpoint
//! takes no write lock, so here it costs no request anything but CPU. Under a steady stream of
//! commits, though, it never finds the log fully copied, and SQLite starts the log over only
//! then: so once the log passes `RESTART_AFTER_FRAMES`, the checkpoint copies once more what
//! came in meanwhile, then takes the writers' turn (the store's write gate, so no writer of this
//! process is mid-transaction), copies the few frames left and has the log start over from its
//! beginning (`RESTART`: the file keeps its size, so the next writes reuse its blocks instead of
//! growing a truncated file again). Readers on the log are waited for at most `READER_WAIT`, in
//! short sleeps: a search reads in well under a millisecond, and anything longer (`durable audit
//! verify`, a report) makes it give up and try again a second later rather than hold every
//! writer.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::HealthState;

/// How often the WAL is checkpointed: often enough to keep it a few megabytes under load.
const EVERY: Duration = Duration::from_secs(1);
/// The log's length (pages) past which it starts over: 32 MB of 4 KB pages, one to two seconds
/// of 3,500 audited searches a second. Each start-over holds the writers for a few
/// milliseconds, so fewer of them is better for p99 (docs/benchmarks.md).
const RESTART_AFTER_FRAMES: i64 = 8_192;
/// How long the restarting checkpoint waits for readers of older snapshots, writers held.
const READER_WAIT: Duration = Duration::from_millis(2);
/// How long it sleeps between two looks at the readers: SQLite's own busy handler sleeps 1, 2,
/// 5 and 10 ms, far longer than a search holds its snapshot.
const READER_POLL: Duration = Duration::from_micros(200);

/// Marks the checkpoint thread stopped when it ends, by returning or by a panic.
struct Running(Arc<HealthState>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.checkpoint_stopped.store(true, Ordering::Release);
    }
}

/// Checkpoints the file at `path` every second until `alive` is gone (the store was dropped).
/// `write_gate` is the store's queue of writers; `health` learns when the thread stops.
pub(crate) fn start<T: Send + Sync + 'static>(
    path: PathBuf,
    alive: Weak<T>,
    write_gate: Arc<tokio::sync::Mutex<()>>,
    recorder: Arc<crate::metrics::Recorder>,
    health: Arc<HealthState>,
) {
    let running = Running(health);
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            let _running = running;
            let conn = match connection(&path) {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::warn!(%err, "cannot open the database to checkpoint its WAL");
                    return;
                }
            };
            loop {
                std::thread::sleep(EVERY);
                if alive.strong_count() == 0 {
                    break;
                }
                match checkpoint(&conn, &write_gate, RESTART_AFTER_FRAMES) {
                    Ok(_) => recorder.checkpointed(),
                    Err(err) => tracing::warn!(%err, "checkpointing the WAL failed; will retry"),
                }
            }
        });
    // A thread that could not start drops `running` with its closure, which marks it stopped.
    if let Err(err) = spawned {
        tracing::warn!(%err, "cannot start the WAL checkpoint thread");
    }
}

/// The checkpointer's own connection. Only the restarting checkpoint waits on the busy handler
/// (a passive one never does).
fn connection(path: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_handler(Some(wait_for_readers))?;
    Ok(conn)
}

/// SQLite's busy handler: `attempts` looks so far; answers whether to look again.
fn wait_for_readers(attempts: i32) -> bool {
    let polls = READER_WAIT.as_micros() / READER_POLL.as_micros();
    if u128::try_from(attempts).unwrap_or(u128::MAX) >= polls {
        return false;
    }
    std::thread::sleep(READER_POLL);
    true
}

/// One passive checkpoint, then, if the log is long, a second one for what came in meanwhile
/// and, in the writers' turn, a restarting one. Answers whether the log starts over.
fn checkpoint(
    conn: &rusqlite::Connection,
    write_gate: &tokio::sync::Mutex<()>,
    restart_after_frames: i64,
) -> rusqlite::Result<bool> {
    // (done, frames in the log); done = false when readers or writers kept it from finishing,
    // which SQLite reports as a result, not an error.
    let run = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
            Ok((row.get::<_, i64>(0)? == 0, row.get::<_, i64>(1)?))
        })
    };
    let (_, log_frames) = run("PASSIVE")?;
    if log_frames <= restart_after_frames {
        return Ok(false);
    }
    run("PASSIVE")?;
    let _turn = write_gate.blocking_lock();
    let (restarted, _) = run("RESTART")?;
    if !restarted {
        tracing::debug!(
            log_frames,
            "a reader kept the WAL from starting over; next second"
        );
    }
    Ok(restarted)
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
    fn a_thread_that_ends_is_reported_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let health = Arc::new(HealthState::default());
        let alive = Arc::new(());
        // No database file there: the thread cannot open it and ends.
        start(
            dir.path().join("missing.sqlite"),
            Arc::downgrade(&alive),
            Arc::new(tokio::sync::Mutex::new(())),
            Arc::new(crate::metrics::Recorder::default()),
            health.clone(),
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while !health.checkpoint_stopped.load(Ordering::Acquire) {
            assert!(std::time::Instant::now() < deadline, "reported stopped");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_short_log_is_copied_and_kept_a_long_one_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _writer) = written(dir.path(), 200);
        let wal = dir.path().join("wal.sqlite-wal");
        let (db_before, wal_before) = (len(&path), len(&wal));
        assert!(wal_before > 200 * 1000, "the rows are in the log");
        let conn = connection(&path).unwrap();
        let gate = tokio::sync::Mutex::new(());

        assert!(!checkpoint(&conn, &gate, i64::MAX).unwrap());
        assert!(len(&path) > db_before + 200 * 1000, "copied into the file");
        assert_eq!(len(&wal), wal_before, "a passive checkpoint leaves the log");

        assert!(
            checkpoint(&conn, &gate, 0).unwrap(),
            "past the limit the log starts over"
        );
        let count: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 200, "nothing is lost");
    }

    #[test]
    fn the_log_starts_over_only_in_the_writers_turn() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _writer) = written(dir.path(), 100);
        let gate = Arc::new(tokio::sync::Mutex::new(()));
        let writer_turn = gate.clone().try_lock_owned().unwrap();
        let checkpointer = {
            let gate = gate.clone();
            std::thread::spawn(move || {
                let conn = connection(&path).unwrap();
                checkpoint(&conn, &gate, 0).unwrap()
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            !checkpointer.is_finished(),
            "it waits while a writer has the turn"
        );
        drop(writer_turn);
        assert!(checkpointer.join().unwrap());
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
        let conn = connection(&path).unwrap();
        let gate = tokio::sync::Mutex::new(());
        let started = std::time::Instant::now();
        assert!(
            !checkpoint(&conn, &gate, 0).unwrap(),
            "the reader still needs the log"
        );
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "it did not wait long"
        );
        assert!(
            gate.try_lock().is_ok(),
            "and gave the writers their turn back"
        );
        reader.execute_batch("COMMIT").unwrap();
        assert!(
            checkpoint(&conn, &gate, 0).unwrap(),
            "it starts over once the reader is done"
        );
    }
}
