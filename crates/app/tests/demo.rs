//! The demo loader on every backend: it fills an empty database with a complete, valid data set
//! (every state, a user per role who can log in, valid NPIs and MBIs, each Medicare patient billed
//! to their state's DME MAC), everything it writes passes intake's own checks when re-saved, the
//! audit chain stays intact, and it refuses a database that already holds data.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use durable_app::coverages::{self, CoverageForm};
use durable_app::demo::{self, DEMO_PASSWORD};
use durable_app::{Actor, App, AppError, auth, patients as intake};
use durable_domain::clock::Clock;
use durable_domain::codes::{Mbi, Npi, US_STATES};
use durable_domain::ids::PatientId;
use durable_domain::role::Role;
use durable_domain::search::PatientQuery;
use durable_store::testing::{self, TestDb};
use durable_store::{StoreResult, audit, directory, patients};
use time::macros::datetime;
use uuid::Uuid;

const MAC_CSV: &str = include_str!("../../../data/dme_mac_jurisdictions.csv");

fn app_on(db: &TestDb) -> App {
    App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-11-27 12:00 UTC)),
    )
}

/// Every patient, found the way people find them: by name, one initial at a time.
async fn every_patient(store: &durable_store::Store) -> StoreResult<Vec<patients::SummaryRow>> {
    let mut rows = BTreeMap::new();
    for letter in 'a'..='z' {
        let query = PatientQuery::Name {
            first: letter.to_string(),
            second: None,
            ordered: false,
        };
        let found = patients::search(store, &query, 0, 1_000_000).await?;
        rows.extend(found.into_iter().map(|p| (p.id, p)));
    }
    Ok(rows.into_values().collect())
}

#[tokio::test]
async fn demo_fills_an_empty_database_with_valid_data_on_every_backend() {
    for db in testing::every_backend().await {
        let label = db.label();
        let app = app_on(&db);
        let conn = db.store.conn();
        let summary = demo::load(&app, &Actor::operator(), 60).await.unwrap();

        assert_eq!(summary.patients, 60, "{label}");
        assert_eq!(patients::count(conn).await.unwrap(), 60, "{label}");
        let rows = every_patient(&db.store).await.unwrap();
        assert_eq!(rows.len(), 60, "{label}: every patient is found by name");
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let states: BTreeSet<&str> = rows.iter().filter_map(|r| r.state.as_deref()).collect();
        for state in US_STATES {
            assert!(
                states.contains(state),
                "{label}: no patient lives in {state}"
            );
        }

        let payers = directory::payers(conn).await.unwrap();
        assert_eq!(payers.len() as u64, summary.payers, "{label}");
        let mac_ids: BTreeSet<&str> = payers
            .iter()
            .filter(|p| p.kind == "medicare")
            .map(|p| p.edi_payer_id.as_str())
            .collect();
        assert_eq!(
            mac_ids,
            BTreeSet::from(["16003", "17003", "18003", "19003"]),
            "{label}"
        );
        let plans = directory::plans(conn).await.unwrap();
        for payer in &payers {
            assert!(
                plans.iter().any(|plan| plan.payer_id == payer.id),
                "{label}: {} has no plan",
                payer.name
            );
        }

        let prescribers = directory::search_prescribers(conn, None, None, 0, 1_000)
            .await
            .unwrap();
        assert_eq!(prescribers.len() as u64, summary.prescribers, "{label}");
        assert_eq!(prescribers.len(), 20, "{label}");
        for prescriber in &prescribers {
            assert!(
                Npi::parse(&prescriber.npi).is_ok(),
                "{label}: bad NPI {}",
                prescriber.npi
            );
            assert_eq!(
                prescriber.taxonomy_code.as_deref().map(str::len),
                Some(10),
                "{label}"
            );
        }
        let sources = directory::search_referral_sources(conn, None, 0, 1_000)
            .await
            .unwrap();
        assert_eq!(sources.len() as u64, summary.referral_sources, "{label}");
        for source in &sources {
            let (_, linked) = directory::referral_source(conn, source.id)
                .await
                .unwrap()
                .unwrap();
            assert!(
                (1..=4).contains(&linked.len()),
                "{label}: {} refers from {} prescribers",
                source.name,
                linked.len()
            );
        }

        // Each Medicare patient's primary payer is the DME MAC of their home state, under their MBI.
        let mac_of_state: HashMap<&str, &str> = MAC_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                Some((*fields.first()?, *fields.get(3)?))
            })
            .collect();
        let mut coverage_count = 0;
        for id in &ids {
            let record = patients::get(conn, *id).await.unwrap().unwrap();
            let coverages = patients::coverages_of(conn, *id).await.unwrap();
            coverage_count += coverages.len() as u64;
            let primary = coverages.iter().find(|c| c.priority == "primary").unwrap();
            let payer = payers.iter().find(|p| p.id == primary.payer_id).unwrap();
            match &record.patient.mbi {
                Some(mbi) => {
                    assert!(Mbi::parse(mbi).is_ok(), "{label}: bad MBI {mbi}");
                    assert_eq!(payer.kind, "medicare", "{label}");
                    assert_eq!(&primary.member_id, mbi, "{label}");
                    let home = record.addresses.iter().find(|a| a.kind == "home").unwrap();
                    assert_eq!(
                        payer.edi_payer_id,
                        mac_of_state[home.state.as_str()],
                        "{label}: {}",
                        home.state
                    );
                }
                None => assert_eq!(payer.kind, "commercial", "{label}"),
            }
        }
        assert_eq!(coverage_count, summary.coverages, "{label}");

        let roles: Vec<Role> = summary.logins.iter().map(|(_, role)| *role).collect();
        assert_eq!(roles, Role::ALL.to_vec(), "{label}: one user per role");
        let mut intake_actor = None;
        for (name, role) in &summary.logins {
            let logged_in = auth::login(&app, name, DEMO_PASSWORD, "test")
                .await
                .unwrap_or_else(|e| panic!("{label}: {name} cannot log in: {e}"));
            assert_eq!(logged_in.actor.role, *role, "{label}");
            if *role == Role::Intake {
                intake_actor = Some(logged_in.actor);
            }
        }
        let intake_actor = intake_actor.unwrap();

        // Everything the demo wrote passes intake's own checks: re-save every chart and coverage.
        for id in &ids {
            let id = PatientId::from_uuid(*id);
            let form = intake::edit_form(&app, &intake_actor, id).await.unwrap();
            intake::update(&app, &intake_actor, id, &form)
                .await
                .unwrap_or_else(|e| panic!("{label}: patient {id} fails intake's checks: {e:?}"));
            for view in coverages::list(&app, &intake_actor, id).await.unwrap() {
                let form = CoverageForm {
                    payer_id: view.payer_id.to_string(),
                    plan_id: view.plan_id.map(|p| p.to_string()),
                    member_id: view.member_id.clone(),
                    group_number: view.group_number.clone(),
                    relationship: Some(view.relationship.clone()),
                    subscriber_name: view.subscriber_name.clone(),
                    priority: view.priority.clone(),
                    effective_date: view.effective_date.to_string(),
                    termination_date: view.termination_date.map(|d| d.to_string()),
                };
                coverages::update(&app, &intake_actor, view.id, &form)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("{label}: coverage {} fails intake's checks: {e:?}", view.id)
                    });
            }
        }

        // Pricing: the commercial payers and Medicaid have price options (one PPO overrides
        // its payer's CPAP rental), and Medicare's fee schedule is marked as fictional.
        let options = durable_app::pricing::price_options(&app, &intake_actor, None, None)
            .await
            .unwrap();
        assert_eq!(options.len(), 3 * 4 + 1, "{label}");
        assert_eq!(
            options.iter().filter(|o| o.plan_id.is_some()).count(),
            1,
            "{label}"
        );
        let imports = durable_app::pricing::fee_schedule_imports(&app, &intake_actor)
            .await
            .unwrap();
        assert!(imports[0].file_name.contains("fictional"), "{label}");
        assert!(imports[0].summary.unknown_codes.is_empty(), "{label}");

        let again = demo::load(&app, &Actor::operator(), 60).await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{label}: {again:?}"
        );
        let not_admin = demo::load(&app, &intake_actor, 1).await;
        assert!(
            matches!(not_admin, Err(AppError::Forbidden(_))),
            "{label}: {not_admin:?}"
        );
        assert_eq!(
            patients::count(conn).await.unwrap(),
            60,
            "{label}: refusals write nothing"
        );

        let verification = audit::verify(conn).await.unwrap();
        assert_eq!(verification.first_break, None, "{label}");
        let events = audit::search(conn, &audit::Filter::default(), 100_000)
            .await
            .unwrap();
        let loads: Vec<_> = events
            .iter()
            .filter(|e| e.row.action == "demo.load")
            .collect();
        assert_eq!(loads.len(), 1, "{label}: one audit event for the load");
        assert!(
            loads[0].patients.is_empty(),
            "{label}: the load event lists no patients"
        );

        // Orders in every status the application reaches, several held for different reasons.
        let mut statuses = BTreeSet::new();
        let mut hold_reasons = BTreeSet::new();
        for status in durable_domain::orders::OrderStatus::ALL.map(|s| s.as_str()) {
            let rows = durable_store::orders::by_status(conn, &[status], 0, 1_000)
                .await
                .unwrap();
            if !rows.is_empty() {
                statuses.insert(status);
            }
            if status == "hold" {
                let events =
                    durable_store::orders::latest_events(conn, rows.iter().map(|o| o.id).collect())
                        .await
                        .unwrap();
                for event in events {
                    let reasons: Vec<serde_json::Value> =
                        serde_json::from_str(&event.reasons).unwrap();
                    if let Some(first) = reasons.first() {
                        hold_reasons.insert(first["id"].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        // Every status the application reaches; an order whose delivery is planned stays Ready
        // (its ticket holds the schedule), so the demo's own orders are never "scheduled".
        let reached: BTreeSet<&str> = durable_domain::orders::OrderStatus::ALL
            .map(|s| s.as_str())
            .into_iter()
            .filter(|status| *status != "scheduled")
            .collect();
        assert_eq!(statuses, reached, "{label}: orders in {statuses:?}");
        assert!(
            hold_reasons.len() >= 2,
            "{label}: held for {hold_reasons:?}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn demo_refuses_a_database_that_already_has_users() {
    let db = testing::sqlite().await;
    let app = app_on(&db);
    let operator = Actor::operator();
    durable_app::auth::add_user(
        &app,
        &operator,
        "first",
        "First Admin",
        Role::Admin,
        "a long enough password",
    )
    .await
    .unwrap();
    let refused = demo::load(&app, &operator, 10).await;
    match refused {
        Err(AppError::Conflict(message)) => {
            assert!(message.contains("empty database"), "{message}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(patients::count(db.store.conn()).await.unwrap(), 0);
    db.finish().await;
}

/// Not a check but a benchmark helper: times a 100,000-patient load on each backend under test.
/// Run it with `cargo test --release -p durable-app --test demo -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "benchmark helper: loads 100,000 patients"]
async fn benchmark_helper_demo_load_of_100k_patients() {
    for db in testing::every_backend().await {
        let app = app_on(&db);
        let started = std::time::Instant::now();
        let summary = demo::load(&app, &Actor::operator(), 100_000).await.unwrap();
        let elapsed = started.elapsed();
        println!(
            "{}: demo load of {} patients and {} coverages took {:.1} s",
            db.label(),
            summary.patients,
            summary.coverages,
            elapsed.as_secs_f64()
        );
        assert_eq!(patients::count(db.store.conn()).await.unwrap(), 100_000);
        if !cfg!(debug_assertions) {
            assert!(elapsed.as_secs() < 60, "{}: {elapsed:?}", db.label());
        }
        db.finish().await;
    }
}

/// The demo fleet on every backend: half a unit per patient, each with a history that is a chain
/// of legal moves ending in the unit's stored state; units with memory are wiped before every
/// cleaning; every cleaning and inspection left its care record; every unit with a patient today
/// has that patient's real order; supplies and purchase orders give the inventory pages work.
#[tokio::test]
async fn demo_equipment_has_consistent_histories_on_every_backend() {
    use durable_store::inventory as store;
    for db in testing::every_backend().await {
        let label = db.label();
        let app = app_on(&db);
        let conn = db.store.conn();
        demo::load(&app, &Actor::operator(), 400).await.unwrap();
        let units = store::search_assets(&db.store, &store::AssetFilter::default(), 0, 10_000)
            .await
            .unwrap();
        assert_eq!(units.len(), 200, "{label}");
        let mut states = BTreeMap::<String, usize>::new();
        let mut cared = 0;
        for unit in &units {
            *states.entry(unit.state.clone()).or_default() += 1;
            let row = store::asset(conn, unit.id).await.unwrap().unwrap();
            let events = store::custody_of_asset(conn, unit.id).await.unwrap();
            assert_eq!(events[0].command, "receive", "{label}");
            assert_eq!(events[0].from_state, None, "{label}");
            for pair in events.windows(2) {
                assert_eq!(
                    pair[1].from_state.as_deref(),
                    Some(pair[0].to_state.as_str()),
                    "{label}: {} breaks the chain of {}",
                    pair[1].command,
                    unit.serial
                );
                assert!(pair[0].at <= pair[1].at, "{label}");
            }
            let last = events.last().unwrap();
            assert_eq!(last.to_state, row.state, "{label}: {}", unit.serial);
            assert!(last.at <= app.clock.now(), "{label}");
            if unit.model == "AirSense 11 AutoSet" {
                for pair in events.windows(2) {
                    if pair[1].command == "clean" {
                        assert_eq!(pair[0].command, "wipe", "{label}: {}", unit.serial);
                    }
                }
            }
            let care = store::care_of_asset(conn, unit.id).await.unwrap();
            let care_events = events
                .iter()
                .filter(|e| {
                    matches!(e.command.as_str(), "wipe" | "clean")
                        || e.command.starts_with("inspect")
                })
                .count();
            assert_eq!(care.len(), care_events, "{label}: {}", unit.serial);
            cared += care.len();
            if matches!(row.state.as_str(), "reserved" | "delivered") {
                let patient = row.patient_id.unwrap();
                let order_id = last.order_id.unwrap();
                let order = durable_store::orders::order(conn, order_id)
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("{label}: {} has no order", unit.serial));
                assert_eq!(order.order.patient_id, patient, "{label}");
                assert_eq!(order.lines[0].product_id, Some(row.product_id), "{label}");
                let expected = if row.state == "delivered" {
                    "delivered"
                } else {
                    "scheduled"
                };
                assert_eq!(order.order.status, expected, "{label}");
                let chart = patients::get(conn, patient).await.unwrap().unwrap();
                assert_eq!(chart.patient.death_date, None, "{label}");
            }
        }
        for state in ["available", "delivered", "patient_owned"] {
            assert!(
                states.contains_key(state),
                "{label}: none {state} in {states:?}"
            );
        }
        assert!(cared > 0, "{label}");
        let admin = Actor::operator();
        let suggestions = durable_app::inventory::suggested_orders(&app, &admin)
            .await
            .unwrap();
        assert!(!suggestions.is_empty(), "{label}: some supplies run low");
        let (orders, _) = durable_app::inventory::purchase_orders(&app, &admin, 0)
            .await
            .unwrap();
        let statuses: BTreeSet<&str> = orders.iter().map(|o| o.status.as_str()).collect();
        assert_eq!(statuses, BTreeSet::from(["open", "partial"]), "{label}");
        assert_eq!(
            audit::verify(conn).await.unwrap().first_break,
            None,
            "{label}"
        );
        db.finish().await;
    }
}
