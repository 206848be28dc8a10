//! Fresh databases for tests. Every suite runs on SQLite; when `DURABLE_TEST_DATABASE_URL` is
//! set it also runs on PostgreSQL, and fails (never skips) if that server cannot be reached.

use sea_orm::{ConnectionTrait, Database};

use crate::Store;
use crate::directory::Location;

/// A migrated, empty database that belongs to one test.
pub struct TestDb {
    /// The store to use.
    pub store: Store,
    /// The URL it was opened with (for tests that open their own pool or run the CLI).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// A fresh database on every backend under test: SQLite, then PostgreSQL when configured.
pub async fn every_backend() -> Vec<TestDb> {
    every_backend_at(None).await
}

/// Like [`every_backend`], but migrated only through the first `migrations` migrations when
/// given (for tests of a migration on the data before it).
pub async fn every_backend_at(migrations: Option<u32>) -> Vec<TestDb> {
    let mut dbs = vec![sqlite_at(migrations).await];
    if let Ok(url) = std::env::var("DURABLE_TEST_DATABASE_URL") {
        dbs.push(postgres_at(&url, migrations).await);
    }
    dbs
}

/// Migrates `store` fully, or through the first `migrations` migrations.
#[allow(clippy::expect_used)]
async fn migrate(store: &Store, migrations: Option<u32>) {
    <crate::migration::Migrator as sea_orm_migration::MigratorTrait>::up(store.conn(), migrations)
        .await
        .expect("migrate the test database");
}

/// A fresh SQLite database in a temporary directory.
pub async fn sqlite() -> TestDb {
    sqlite_at(None).await
}

#[allow(clippy::expect_used)] // Test support: a failure here is a broken test machine.
async fn sqlite_at(migrations: Option<u32>) -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}/test.sqlite", dir.path().display());
    let store = Store::open(&url).await.expect("open SQLite");
    migrate(&store, migrations).await;
    TestDb {
        store,
        url,
        cleanup: Cleanup::Sqlite(dir),
    }
}

/// A fresh PostgreSQL database created on the server at `admin_url`.
pub async fn postgres(admin_url: &str) -> TestDb {
    postgres_at(admin_url, None).await
}

#[allow(clippy::expect_used)]
async fn postgres_at(admin_url: &str, migrations: Option<u32>) -> TestDb {
    let name = format!("durable_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url)
        .await
        .expect("DURABLE_TEST_DATABASE_URL is set but PostgreSQL cannot be reached");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.expect("close admin connection");
    let url = with_database(admin_url, &name);
    let store = Store::open(&url).await.expect("open PostgreSQL");
    migrate(&store, migrations).await;
    TestDb {
        store,
        url,
        cleanup: Cleanup::Postgres {
            admin_url: admin_url.to_owned(),
            name,
        },
    }
}

/// `url` pointing at database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDb {
    /// Which backend this is, for assertion messages.
    pub fn label(&self) -> &'static str {
        match self.cleanup {
            Cleanup::Sqlite(_) => "sqlite",
            Cleanup::Postgres { .. } => "postgres",
        }
    }

    /// Closes the pool and drops the database.
    #[allow(clippy::expect_used)]
    pub async fn finish(self) {
        self.store.close().await.expect("close pool");
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            let admin = Database::connect(&admin_url).await.expect("reconnect");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop test database");
            admin.close().await.expect("close admin connection");
        }
    }
}

/// A location at a fixed Columbus address, for tests that only need somewhere to keep things.
pub fn location(name: &str, kind: &str) -> Location {
    Location {
        id: uuid::Uuid::now_v7(),
        name: name.into(),
        phone: "6145550100".into(),
        line1: "1 Dock Rd".into(),
        line2: None,
        city: "Columbus".into(),
        state: "OH".into(),
        postal_code: "43215".into(),
        kind: kind.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_swapped_in_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
