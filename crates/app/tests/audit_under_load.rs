//! Many concurrent reads: every one is audited exactly once, the chain stays intact, and a
//! search of the trail by patient finds them all (the background index is caught up first).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::audit::AuditQuery;
use durable_app::patients::{Created, PatientForm};
use durable_app::{Actor, App, audit, patients};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::testing::every_backend;

mod common;
use common::actor;

#[tokio::test]
async fn concurrent_searches_are_each_audited_once_in_an_intact_chain() {
    for db in every_backend().await {
        let app = App::new(db.store.clone(), Clock::system(time::UtcOffset::UTC));
        let intake = actor(Role::Intake);
        let form = PatientForm {
            family_name: "Quill".into(),
            given_name: "Ada".into(),
            birth_date: "1941-03-04".into(),
            sex: "female".into(),
            home_line1: "1 Main St".into(),
            home_city: "Akron".into(),
            home_state: "OH".into(),
            home_postal_code: "44308".into(),
            ..PatientForm::default()
        };
        let Created::Patient(patient) = patients::create(&app, &intake, &form, None).await.unwrap()
        else {
            panic!("no duplicate in an empty database");
        };
        let searches: Vec<_> = (0..40)
            .map(|_| {
                let (app, intake) = (app.clone(), intake.clone());
                tokio::spawn(async move { patients::search(&app, &intake, "qui", 0).await })
            })
            .collect();
        for search in searches {
            let page = search.await.unwrap().unwrap();
            assert_eq!(page.items.len(), 1);
        }
        let query = AuditQuery {
            patient_id: Some(patient),
            ..AuditQuery::default()
        };
        let events = audit::search(&app, &actor(Role::Compliance), &query)
            .await
            .unwrap();
        let searches = events
            .iter()
            .filter(|e| e.action == "patient.search")
            .count();
        assert_eq!(searches, 40, "{}: every search is audited once", db.label());
        assert!(events.iter().any(|e| e.action == "patient.create"));
        let verified = audit::verify(&app, &Actor::operator()).await.unwrap();
        assert_eq!(verified.first_break, None);
        assert_eq!(
            verified.checked, 42,
            "create, 40 searches, and the compliance search"
        );
        db.finish().await;
    }
}
