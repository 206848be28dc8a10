//! Migrations that change existing data: m0008 copies the order a reserved or delivered unit
//! holds from its state into the new `order_id` column, and leaves other units without one;
//! m0009 rebuilds the per-patient audit index and keeps every link; m0010 rebuilds patient
//! addresses and keeps every one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_store::Store;
use durable_store::audit::{self, NewEvent};
use durable_store::catalog::{Product, ProductRecord, insert_product};
use durable_store::directory::{Supplier, insert_supplier};
use durable_store::inventory::asset;
use durable_store::migration::Migrator;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm_migration::MigratorTrait;
use time::macros::{date, datetime};
use uuid::Uuid;

/// A SQLite store in a temporary directory, migrated up to and including migration `version`.
async fn store_at(version: u32) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/m.sqlite", dir.path().display()))
        .await
        .unwrap();
    Migrator::up(store.conn(), Some(version)).await.unwrap();
    (dir, store)
}

/// The statement SQLite keeps for creating `table`.
async fn table_sql(store: &Store, table: &str) -> String {
    store
        .conn()
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE name = ?",
            [table.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap()
}

#[tokio::test]
async fn m0008_fills_the_order_of_reserved_and_delivered_units_from_their_state() {
    let (_dir, store) = store_at(7).await;
    let db = store.conn();
    let now = datetime!(2026-11-27 12:00 UTC);
    let product = Uuid::now_v7();
    insert_product(
        db,
        ProductRecord {
            product: Product {
                id: product,
                name: "Oxygen concentrator".into(),
                manufacturer: "Philips Respironics".into(),
                model: "EverFlo".into(),
                serialized: true,
                resupply_days: None,
                description: String::new(),
                active: true,
                updated_at: now,
            },
            hcpcs: vec![],
            accessories: vec![],
        },
    )
    .await
    .unwrap();
    let main = durable_store::testing::location("Main", "warehouse");
    let location = main.id;
    insert_supplier(
        db,
        Supplier {
            id: Uuid::now_v7(),
            name: "Test DME".into(),
            npi: "1234567893".into(),
            phone: "6145550100".into(),
        },
        vec![main],
    )
    .await
    .unwrap();
    let (patient, reserved_for, delivered_on) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let units = [
        (
            "reserved",
            format!(r#"{{"state":"reserved","patient":"{patient}","order":"{reserved_for}"}}"#),
        ),
        (
            "delivered",
            format!(
                r#"{{"state":"delivered","patient":"{patient}","order":"{delivered_on}","terms":"rental"}}"#
            ),
        ),
        ("returned", r#"{"state":"returned"}"#.to_owned()),
    ];
    let mut ids = Vec::new();
    for (n, (state, detail)) in units.iter().enumerate() {
        let id = Uuid::now_v7();
        ids.push(id);
        // Written as a row of m0007's table, which has no order column yet.
        let insert = Query::insert()
            .into_table("assets")
            .columns([
                "id",
                "product_id",
                "serial",
                "manufacturer_key",
                "model_key",
                "serial_key",
                "serial_prefix",
                "purchase_cost_cents",
                "purchase_date",
                "usage_hours",
                "location_id",
                "state",
                "state_detail",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                id.into(),
                product.into(),
                format!("EV{n}").into(),
                "PHILIPSRESPIRONICS".into(),
                "EVERFLO".into(),
                format!("EV{n}").into(),
                "EV".into(),
                61_500i64.into(),
                date!(2024 - 01 - 02).into(),
                0i32.into(),
                location.into(),
                (*state).into(),
                detail.clone().into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        db.execute(&insert).await.unwrap();
    }

    Migrator::up(db, None).await.unwrap();
    let orders: Vec<Option<Uuid>> = {
        let mut rows = Vec::new();
        for id in &ids {
            rows.push(asset(db, *id).await.unwrap().unwrap().order_id);
        }
        rows
    };
    assert_eq!(orders, [Some(reserved_for), Some(delivered_on), None]);
}

#[tokio::test]
async fn m0009_keeps_every_link_of_the_audit_index_in_its_rebuilt_table() {
    let (_dir, store) = store_at(8).await;
    let db = store.conn();
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    for patients in [vec![alice], vec![alice, bob], vec![bob]] {
        let event = NewEvent {
            occurred_at: datetime!(2026-11-28 09:00 UTC),
            actor_user_id: None,
            actor_name: "intake".into(),
            actor_role: "intake".into(),
            action: "patient.search".into(),
            entity_type: "patient".into(),
            entity_id: None,
            detail: "{}".into(),
            source: "cli".into(),
            patients,
        };
        audit::append(db, event).await.unwrap();
    }
    assert_eq!(audit::index_pending(db, i64::MAX).await.unwrap(), 3);

    Migrator::up(db, None).await.unwrap();
    let table = table_sql(&store, "audit_event_patients").await;
    assert!(table.contains("WITHOUT ROWID"), "{table}");
    let naming = |patient| {
        let filter = audit::Filter {
            patient_id: Some(patient),
            ..audit::Filter::default()
        };
        async move {
            audit::search(db, &filter, 10)
                .await
                .unwrap()
                .iter()
                .map(|event| event.row.seq)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(naming(alice).await, [2, 1]);
    assert_eq!(naming(bob).await, [3, 2]);
    let report = audit::verify(db).await.unwrap();
    assert_eq!((report.checked, report.first_break), (3, None));
}

#[tokio::test]
async fn m0010_keeps_every_address_in_its_rebuilt_table() {
    use durable_domain::search::PatientQuery;
    use durable_store::patients::{self, Address, Patient, PatientRecord};

    let (_dir, store) = store_at(9).await;
    let db = store.conn();
    let now = datetime!(2026-11-28 09:00 UTC);
    let id = Uuid::now_v7();
    let address = |kind: &str, city: &str| Address {
        patient_id: id,
        kind: kind.into(),
        line1: "12 Elm St".into(),
        line2: None,
        city: city.into(),
        state: "OH".into(),
        postal_code: "43215".into(),
    };
    let record = PatientRecord {
        patient: Patient {
            id,
            family_name: "Okafor".into(),
            given_name: "Ada".into(),
            middle_name: None,
            family_key: durable_domain::search::name_key("Okafor"),
            given_key: durable_domain::search::name_key("Ada"),
            birth_date: date!(1941 - 03 - 09),
            sex: "female".into(),
            mbi: None,
            email: None,
            preferred_contact: "phone".into(),
            emergency_name: None,
            emergency_relationship: None,
            emergency_phone: None,
            death_date: None,
            created_at: now,
            updated_at: now,
        },
        addresses: vec![address("delivery", "Dublin"), address("home", "Columbus")],
        phones: vec![],
        diagnoses: vec![],
    };
    patients::insert(db, vec![record.clone()]).await.unwrap();

    Migrator::up(db, None).await.unwrap();
    let table = table_sql(&store, "patient_addresses").await;
    assert!(table.contains("WITHOUT ROWID"), "{table}");
    assert_eq!(
        patients::get(db, id).await.unwrap().unwrap().addresses,
        record.addresses
    );
    let query = PatientQuery::parse("okafor").unwrap();
    let found = patients::search(&store, &query, 0, 10).await.unwrap();
    assert_eq!(
        found
            .iter()
            .map(|row| (row.id, row.city.as_deref()))
            .collect::<Vec<_>>(),
        [(id, Some("Columbus"))]
    );
}

/// Adds a user row with `role`, written as raw SQL so the test can store what the app never would.
async fn insert_user(
    store: &Store,
    name: &str,
    role: &str,
) -> Result<(), durable_store::StoreError> {
    let insert = Query::insert()
        .into_table("users")
        .columns([
            "id",
            "username",
            "display_name",
            "role",
            "password_hash",
            "created_at",
        ])
        .values_panic([
            Uuid::now_v7().into(),
            name.into(),
            name.into(),
            role.into(),
            "-".into(),
            datetime!(2026-12-02 09:00 UTC).into(),
        ])
        .take();
    store.conn().execute(&insert).await?;
    Ok(())
}

#[tokio::test]
async fn m0012_keeps_known_values_refuses_unknown_ones_and_stops_on_stored_ones() {
    use durable_store::migration::m0012_known_values::KNOWN_VALUES;

    // The store before m0012, holding a known and an unknown role.
    for db in durable_store::testing::every_backend_at(Some(11)).await {
        let label = db.label();
        let store = &db.store;
        insert_user(store, "ann", "intake").await.unwrap();
        insert_user(store, "bob", "superuser").await.unwrap();
        let stopped = Migrator::up(store.conn(), None)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            stopped.contains("1 row(s) of users.role hold a value other than admin, intake"),
            "{label}: {stopped}"
        );

        // Corrected, the migration runs and keeps the rows.
        let fix = Query::update()
            .table("users")
            .value("role", "admin")
            .and_where(Expr::col("username").eq("bob"))
            .take();
        store.conn().execute(&fix).await.unwrap();
        Migrator::up(store.conn(), None).await.unwrap();
        let kept = durable_store::users::by_username(store.conn(), "ann")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.role, "intake", "{label}");

        // Unknown names are refused on insert and on update, naming the rule; nothing is written.
        let refused = insert_user(store, "cyd", "superuser").await.unwrap_err();
        assert!(
            matches!(&refused, durable_store::StoreError::Database(detail) if detail.contains("users_role_known")),
            "{label}: {refused:?}"
        );
        assert!(
            durable_store::users::by_username(store.conn(), "cyd")
                .await
                .unwrap()
                .is_none()
        );
        let corrupt = Query::update()
            .table("users")
            .value("role", "root")
            .and_where(Expr::col("username").eq("ann"))
            .take();
        let refused = store
            .conn()
            .execute(&corrupt)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("users_role_known"), "{label}: {refused}");

        // Every listed column has its rule.
        for known in &KNOWN_VALUES {
            let (sql, name) = match store.backend() {
                durable_store::Backend::Postgres => (
                    "SELECT COUNT(*) FROM pg_constraint WHERE conname = $1",
                    known.rule(),
                ),
                durable_store::Backend::Sqlite => (
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    format!("{}_update", known.rule()),
                ),
            };
            let count: i64 = store
                .conn()
                .query_one_raw(sea_orm::Statement::from_sql_and_values(
                    store.conn().get_database_backend(),
                    sql,
                    [name.clone().into()],
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index(0)
                .unwrap();
            assert_eq!(count, 1, "{label}: {name}");
        }
        db.finish().await;
    }
}
