//! Reads on the hot path (a name typed into the patient search, a serial scanned at the dock).
//!
//! On SQLite they run through rusqlite on the calling thread, on read-only connections of their
//! own; everywhere else through SeaORM like every other query (ADR 0004). sqlx gives each SQLite
//! connection a thread that every statement is handed to and every row handed back from; under
//! 32 concurrent searches that hand-off, not SQLite, was most of the server's time. The
//! statement is built once with SeaQuery and each result type decodes its columns once, through
//! [`Columns`], whichever driver read them.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;

use sea_orm::sea_query::{SelectStatement, SqliteQueryBuilder, Value};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, TryGetable};

use crate::{StoreError, StoreResult};

/// A row of a result, whichever driver produced it.
pub trait Columns {
    /// The value of the column named `name`.
    fn get<T: TryGetable + rusqlite::types::FromSql>(&self, name: &str) -> StoreResult<T>;
}

impl Columns for QueryResult {
    fn get<T: TryGetable + rusqlite::types::FromSql>(&self, name: &str) -> StoreResult<T> {
        self.try_get("", name)
            .map_err(|err| StoreError::Database(format!("column {name}: {err}")))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn get<T: TryGetable + rusqlite::types::FromSql>(&self, name: &str) -> StoreResult<T> {
        rusqlite::Row::get(self, name)
            .map_err(|err| StoreError::Database(format!("column {name}: {err}")))
    }
}

/// A result type read on the hot path.
pub trait FromColumns: Sized {
    /// Decodes one row.
    fn from_columns(row: &impl Columns) -> StoreResult<Self>;
}

/// Read-only rusqlite connections to the store's SQLite file, opened as needed and kept for
/// reuse. They never write, so they never wait for the write lock: in WAL mode a reader sees the
/// last committed snapshot without blocking or being blocked.
#[derive(Debug)]
pub(crate) struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// How many idle readers are kept: one per core that may run a request, with room to spare
    /// (asked once: on Linux the answer reads cgroup files).
    keep: usize,
}

/// The file behind a `sqlite:` URL; `None` for an in-memory database (`sqlite::memory:`, or
/// `mode=memory`), which only the pool's own connections can see.
pub(crate) fn sqlite_file(url: &str) -> StoreResult<Option<PathBuf>> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
    if name.is_empty() || name == ":memory:" || query.split('&').any(|kv| kv == "mode=memory") {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|err| StoreError::Database(format!("the SQLite URL: {err}")))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

impl SqliteReaders {
    /// Readers for the SQLite file at `path`.
    pub(crate) fn new(path: PathBuf) -> SqliteReaders {
        SqliteReaders {
            path,
            idle: Mutex::new(Vec::new()),
            keep: std::thread::available_parallelism().map_or(8, |cores| cores.get() * 2),
        }
    }

    fn open(&self) -> StoreResult<rusqlite::Connection> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(database)?;
        // A reader waits only while a checkpoint resets the WAL, which takes microseconds.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(database)?;
        conn.set_prepared_statement_cache_capacity(32);
        // The same plan whatever the bound values (query planner stability guarantee). Without
        // it SQLite marks a statement whose LIMIT is a parameter as depending on that value and
        // compiles it again on every use of the cached statement (docs/benchmarks.md).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(database)?;
        // A reader runs on a request's thread, so about as many are busy as there are cores;
        // a larger page cache than SQLite's 2 MB default keeps the search indexes' upper pages
        // in memory between requests (until a commit elsewhere invalidates it).
        conn.pragma_update(None, "cache_size", -8192)
            .map_err(database)?;
        Ok(conn)
    }

    fn query<R: FromColumns>(&self, select: &SelectStatement) -> StoreResult<Vec<R>> {
        let (sql, values) = select.build(SqliteQueryBuilder);
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let rows = read(&conn, &sql, &values.0);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.keep
        {
            idle.push(conn);
        }
        rows
    }
}

fn read<R: FromColumns>(
    conn: &rusqlite::Connection,
    sql: &str,
    values: &[Value],
) -> StoreResult<Vec<R>> {
    let mut statement = conn.prepare_cached(sql).map_err(database)?;
    let params = values.iter().map(bind).collect::<StoreResult<Vec<_>>>()?;
    let mut rows = statement
        .query(rusqlite::params_from_iter(params))
        .map_err(database)?;
    let mut found = Vec::new();
    while let Some(row) = rows.next().map_err(database)? {
        found.push(R::from_columns(row)?);
    }
    Ok(found)
}

/// A SeaQuery value as SQLite stores it through sqlx (UUIDs as 16-byte blobs, dates as
/// `YYYY-MM-DD` text), so both drivers compare against the same bytes.
fn bind(value: &Value) -> StoreResult<rusqlite::types::Value> {
    use rusqlite::types::Value as Sql;
    let integer = |n: Option<i64>| n.map_or(Sql::Null, Sql::Integer);
    Ok(match value {
        Value::Bool(b) => integer(b.map(i64::from)),
        Value::TinyInt(n) => integer(n.map(i64::from)),
        Value::SmallInt(n) => integer(n.map(i64::from)),
        Value::Int(n) => integer(n.map(i64::from)),
        Value::BigInt(n) => integer(*n),
        Value::TinyUnsigned(n) => integer(n.map(i64::from)),
        Value::SmallUnsigned(n) => integer(n.map(i64::from)),
        Value::Unsigned(n) => integer(n.map(i64::from)),
        Value::BigUnsigned(n) => match n {
            Some(n) => Sql::Integer(
                i64::try_from(*n)
                    .map_err(|_| StoreError::Database(format!("{n} is too large for SQLite")))?,
            ),
            None => Sql::Null,
        },
        Value::String(s) => s.clone().map_or(Sql::Null, Sql::Text),
        Value::Char(c) => c.map_or(Sql::Null, |c| Sql::Text(c.to_string())),
        Value::Bytes(b) => b.clone().map_or(Sql::Null, Sql::Blob),
        Value::Uuid(u) => u.map_or(Sql::Null, |u| Sql::Blob(u.as_bytes().to_vec())),
        Value::TimeDate(d) => match d {
            Some(d) => Sql::Text(
                d.format(time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|err| StoreError::Database(err.to_string()))?,
            ),
            None => Sql::Null,
        },
        // Not `{other:?}`: the value may be patient data, and errors reach the logs.
        _ => {
            return Err(StoreError::Database(
                "a hot-path read was given a kind of value it cannot bind".into(),
            ));
        }
    })
}

fn database(err: rusqlite::Error) -> StoreError {
    StoreError::Database(err.to_string())
}

/// Runs `select` on the store: through `readers` when there are (SQLite on a file), else
/// through `db`.
pub(crate) async fn fetch<R: FromColumns>(
    readers: Option<&SqliteReaders>,
    db: &DatabaseConnection,
    select: &SelectStatement,
) -> StoreResult<Vec<R>> {
    if let Some(readers) = readers {
        return readers.query(select);
    }
    db.query_all(select)
        .await?
        .iter()
        .map(R::from_columns)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on purpose.
mod tests {
    use super::*;

    #[test]
    fn only_a_file_gets_readers_of_its_own() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/durable/durable.sqlite?mode=rwc").unwrap(),
            Some(PathBuf::from("/var/lib/durable/durable.sqlite"))
        );
        assert_eq!(
            sqlite_file("sqlite://durable-data/durable.sqlite").unwrap(),
            Some(PathBuf::from("durable-data/durable.sqlite"))
        );
        for memory in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://durable.sqlite?mode=memory",
        ] {
            assert_eq!(sqlite_file(memory).unwrap(), None, "{memory}");
        }
    }

    #[tokio::test]
    async fn an_in_memory_store_reads_through_its_pool() {
        let store = crate::Store::open("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        let none = crate::patients::recently_added(&store, 5).await.unwrap();
        assert_eq!(none, Vec::new());
    }
}
