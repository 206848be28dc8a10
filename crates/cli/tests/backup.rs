//! `durable backup` taken while patients and documents are being written, then `durable restore`
//! into a new data directory: every table and document comes back, every write acknowledged
//! before the backup started is there, and `durable verify` passes. On PostgreSQL the database
//! goes through `pg_dump`/`pg_restore` (docs/operations.md) and the documents through Durable.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use durable_app::documents::{self, UploadForm};
use durable_app::patients::{self, Created, PatientForm};
use durable_app::{Actor, App};
use durable_domain::clock::Clock;
use durable_domain::ids::{DocumentId, OrderId, PatientId};
use durable_domain::role::Role;
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, JsonValue, Statement};

fn durable(args: &[&str], data: &Path, database_url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_durable"));
    command
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command.output().unwrap()
}

fn succeeded(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    text
}

fn intake() -> Actor {
    Actor {
        user_id: None,
        username: "intake".into(),
        role: Role::Intake,
        source: "test".into(),
    }
}

/// What the writers had acknowledged.
#[derive(Default)]
struct Acknowledged {
    patients: Vec<PatientId>,
    documents: Vec<DocumentId>,
}

/// Creates patients and uploads documents to `order` until `stop`; records what was acknowledged.
async fn write_load(
    app: App,
    order: OrderId,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let mut n = 0u32;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let form = PatientForm {
            family_name: format!("Loadtest{n}"),
            given_name: "Ada".into(),
            birth_date: "1941-03-04".into(),
            sex: "female".into(),
            home_line1: "1 Main St".into(),
            home_city: "Akron".into(),
            home_state: "OH".into(),
            home_postal_code: "44308".into(),
            ..PatientForm::default()
        };
        if let Created::Patient(id) = patients::create(&app, &intake(), &form, None)
            .await
            .unwrap()
        {
            acked.lock().unwrap().patients.push(id);
        }
        let pdf = format!("%PDF-1.7\n% scanned page {n}\n{}", "x".repeat(4096)).into_bytes();
        let upload = UploadForm {
            kind: "other".into(),
            ..UploadForm::default()
        };
        let id = documents::upload(&app, &intake(), order, &upload, &pdf)
            .await
            .unwrap();
        acked.lock().unwrap().documents.push(id);
    }
}

/// Every table's rows as sorted JSON text, but for the per-patient audit index and its progress:
/// the background indexer of whichever process opens a copy fills it in from the events (ADR
/// 0002), and `durable verify` checks it against them.
async fn tables(db: &impl ConnectionTrait) -> BTreeMap<String, Vec<String>> {
    let backend = db.get_database_backend();
    let names = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()",
    };
    let names = JsonValue::find_by_statement(Statement::from_string(backend, names))
        .all(db)
        .await
        .unwrap();
    let mut out = BTreeMap::new();
    for name in names {
        let name = name["t"].as_str().unwrap().to_owned();
        if name == "audit_event_patients" {
            continue;
        }
        let rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{name}\""),
        ))
        .all(db)
        .await
        .unwrap();
        let mut rows: Vec<String> = rows
            .into_iter()
            .map(|mut row| {
                if let Some(columns) = row.as_object_mut() {
                    columns.remove("indexed_seq");
                }
                row.to_string()
            })
            .collect();
        rows.sort();
        out.insert(name, rows);
    }
    out
}

async fn any_order(app: &App) -> OrderId {
    let row = app
        .store
        .conn()
        .query_one_raw(Statement::from_string(
            app.store.conn().get_database_backend(),
            "SELECT id FROM orders ORDER BY id LIMIT 1",
        ))
        .await
        .unwrap()
        .expect("the demo has orders");
    OrderId::from_uuid(row.try_get_by_index::<uuid::Uuid>(0).unwrap())
}

/// Runs the load, calls `back_up` in the middle of it, and answers what was acknowledged before.
async fn back_up_under_load(app: &App, back_up: impl FnOnce() + Send + 'static) -> Acknowledged {
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let load = tokio::spawn(write_load(
        app.clone(),
        any_order(app).await,
        stop.clone(),
        acked.clone(),
    ));
    while acked.lock().unwrap().documents.len() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before = {
        let acked = acked.lock().unwrap();
        Acknowledged {
            patients: acked.patients.clone(),
            documents: acked.documents.clone(),
        }
    };
    tokio::task::spawn_blocking(back_up).await.unwrap();
    let during = acked.lock().unwrap().documents.len() - before.documents.len();
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();
    assert!(during > 0, "the writers went on while the backup ran");
    before
}

/// The restored data directory holds everything acknowledged before the backup.
async fn holds(restored: &App, acked: &Acknowledged) {
    for patient in &acked.patients {
        patients::chart(restored, &intake(), *patient)
            .await
            .unwrap();
    }
    for document in &acked.documents {
        documents::content(restored, &intake(), *document)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_under_write_load_restores_every_table_and_document() {
    let dir = tempfile::tempdir().unwrap();
    let (data, backup, restored) = (
        dir.path().join("data"),
        dir.path().join("backup"),
        dir.path().join("restored"),
    );
    succeeded(&durable(&["demo", "--scale", "20"], &data, None));
    let url = format!("sqlite://{}", data.join("durable.sqlite").display());
    let app = App::open(&url, Clock::system(time::UtcOffset::UTC))
        .await
        .unwrap()
        .with_document_root(data.join("documents"));

    let acked = {
        let (data, backup) = (data.clone(), backup.clone());
        back_up_under_load(&app, move || {
            let out = succeeded(&durable(&["backup", backup.to_str().unwrap()], &data, None));
            assert!(out.contains("The audit trail is intact"), "{out}");
        })
        .await
    };
    let out = succeeded(&durable(
        &["restore", backup.to_str().unwrap()],
        &restored,
        None,
    ));
    assert!(out.contains("documents match their digests"), "{out}");
    assert!(
        !durable(&["restore", backup.to_str().unwrap()], &restored, None)
            .status
            .success(),
        "a restore never overwrites a database"
    );
    succeeded(&durable(&["verify"], &restored, None));

    let backup_url = format!("sqlite://{}", backup.join("durable.sqlite").display());
    let restored_url = format!("sqlite://{}", restored.join("durable.sqlite").display());
    let backup_store = durable_store::Store::open(&backup_url).await.unwrap();
    let restored_app = App::open(&restored_url, Clock::system(time::UtcOffset::UTC))
        .await
        .unwrap()
        .with_document_root(restored.join("documents"));
    let copied = tables(backup_store.conn()).await;
    assert!(copied["documents"].len() >= acked.documents.len());
    let restored_tables = tables(restored_app.store.conn()).await;
    let differing: Vec<(&String, usize, usize)> = copied
        .iter()
        .filter(|(table, rows)| restored_tables.get(*table) != Some(rows))
        .map(|(table, rows)| {
            (
                table,
                rows.len(),
                restored_tables.get(table).map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        differing,
        [],
        "every table comes back (table, rows backed up, rows restored)"
    );
    holds(&restored_app, &acked).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_under_write_load_restores_every_table_and_document() {
    let Ok(admin_url) = std::env::var("DURABLE_TEST_DATABASE_URL") else {
        return;
    };
    let live = durable_store::testing::postgres(&admin_url).await;
    let copy = durable_store::testing::postgres(&admin_url).await;
    let dir = tempfile::tempdir().unwrap();
    let (data, backup, restored) = (
        dir.path().join("data"),
        dir.path().join("backup"),
        dir.path().join("restored"),
    );
    succeeded(&durable(&["demo", "--scale", "20"], &data, Some(&live.url)));
    let app = App::open(&live.url, Clock::system(time::UtcOffset::UTC))
        .await
        .unwrap()
        .with_document_root(data.join("documents"));

    let dump = dir.path().join("durable.pgdump");
    let acked = {
        let (data, backup, dump, url) =
            (data.clone(), backup.clone(), dump.clone(), live.url.clone());
        back_up_under_load(&app, move || {
            // The database first, then the documents it can name (docs/operations.md).
            let pg_dump = Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(&dump)
                .arg(&url)
                .output()
                .unwrap();
            succeeded(&pg_dump);
            succeeded(&durable(
                &["backup", backup.to_str().unwrap()],
                &data,
                Some(&url),
            ));
        })
        .await
    };
    // The copy's database was migrated empty by the harness: restore over it.
    let pg_restore = Command::new("pg_restore")
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
        ])
        .arg(&copy.url)
        .arg(&dump)
        .output()
        .unwrap();
    succeeded(&pg_restore);
    let out = succeeded(&durable(
        &["restore", backup.to_str().unwrap()],
        &restored,
        Some(&copy.url),
    ));
    assert!(out.contains("documents match their digests"), "{out}");
    succeeded(&durable(&["verify"], &restored, Some(&copy.url)));

    let restored_app = App::open(&copy.url, Clock::system(time::UtcOffset::UTC))
        .await
        .unwrap()
        .with_document_root(restored.join("documents"));
    // Every row restored is a row of the live database as it is now, but for the audit head,
    // which moves on with every event.
    let live_tables = tables(live.store.conn()).await;
    for (table, rows) in tables(copy.store.conn()).await {
        if table == "audit_head" {
            continue;
        }
        let now = &live_tables[&table];
        let missing: Vec<&String> = rows
            .iter()
            .filter(|r| now.binary_search(r).is_err())
            .collect();
        assert!(missing.is_empty(), "{table}: {missing:?}");
    }
    holds(&restored_app, &acked).await;
    restored_app.store.clone().close().await.unwrap();
    app.store.clone().close().await.unwrap();
    copy.finish().await;
    live.finish().await;
}
