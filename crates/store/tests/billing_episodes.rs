//! Billing episodes on both backends: an episode and its events read back in the order they
//! happened; the same source line cannot open two episodes; stored values outside their lists
//! are refused by the database itself.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_store::billing_episodes::{self, BillingEpisode, BillingEpisodeEvent};
use durable_store::patients::{self, Patient, PatientRecord};
use durable_store::testing::every_backend;
use durable_store::{Constraint, Db, StoreError};
use time::macros::{date, datetime};
use uuid::Uuid;

async fn a_patient(db: &impl Db) -> Uuid {
    let id = Uuid::now_v7();
    let now = datetime!(2026-12-02 12:00 UTC);
    patients::insert(
        db,
        vec![PatientRecord {
            patient: Patient {
                id,
                family_name: "Rivera".into(),
                given_name: "Ana".into(),
                middle_name: None,
                family_key: "rivera".into(),
                given_key: "ana".into(),
                birth_date: date!(1948 - 03 - 14),
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
            addresses: vec![],
            phones: vec![],
            diagnoses: vec![],
        }],
    )
    .await
    .unwrap();
    id
}

fn episode(patient_id: Uuid, source_id: Uuid, line: i32) -> BillingEpisode {
    BillingEpisode {
        id: Uuid::now_v7(),
        patient_id,
        order_id: None,
        order_line_position: None,
        coverage_id: None,
        hcpcs: "E0260".into(),
        category: "capped_rental".into(),
        arrangement: "rental".into(),
        first_date_of_service: date!(2026 - 01 - 31),
        units: 1,
        asset_id: None,
        months_billed_before: 0,
        origin: "import".into(),
        source_id,
        source_line: line,
        opened_at: datetime!(2026-12-02 12:00 UTC),
        opened_by: "billing".into(),
    }
}

fn event(episode_id: Uuid, kind: &str, on: time::Date) -> BillingEpisodeEvent {
    BillingEpisodeEvent {
        id: Uuid::now_v7(),
        episode_id,
        kind: kind.into(),
        occurred_on: on,
        detail: format!(r#"{{"kind":"{kind}","date":"{on}"}}"#),
        source_id: None,
        note: None,
        recorded_at: datetime!(2026-12-02 12:00 UTC),
        recorded_by: "tech".into(),
    }
}

#[tokio::test]
async fn episodes_keep_their_events_in_date_order_and_open_once_per_source_line() {
    for test in every_backend().await {
        let db = test.store.conn();
        let patient = a_patient(db).await;
        let source = Uuid::now_v7();
        let first = episode(patient, source, 1);
        billing_episodes::insert_episode(db, first.clone())
            .await
            .unwrap();
        // Recorded out of order: the return is recorded before the earlier stay.
        let ret = event(first.id, "return", date!(2026 - 06 - 15));
        let stay = event(first.id, "stay", date!(2026 - 03 - 02));
        billing_episodes::insert_event(db, ret.clone())
            .await
            .unwrap();
        billing_episodes::insert_event(db, stay.clone())
            .await
            .unwrap();

        assert_eq!(
            billing_episodes::episode(db, first.id).await.unwrap(),
            Some(first.clone()),
            "{}",
            test.label()
        );
        assert_eq!(
            billing_episodes::events(db, first.id).await.unwrap(),
            vec![stay, ret],
            "{}",
            test.label()
        );
        assert_eq!(
            billing_episodes::for_patient(db, patient).await.unwrap(),
            vec![first],
            "{}",
            test.label()
        );

        let again = billing_episodes::insert_episode(db, episode(patient, source, 1)).await;
        assert!(
            matches!(
                again,
                Err(StoreError::Duplicate {
                    key: Some(Constraint::EpisodeSourceLine),
                    ..
                })
            ),
            "{}: {again:?}",
            test.label()
        );
        billing_episodes::insert_episode(db, episode(patient, source, 2))
            .await
            .unwrap();
        test.finish().await;
    }
}

#[tokio::test]
async fn values_outside_their_lists_are_refused_by_the_database() {
    for test in every_backend().await {
        let db = test.store.conn();
        let patient = a_patient(db).await;
        let mut bad_category = episode(patient, Uuid::now_v7(), 1);
        bad_category.category = "capped".into();
        assert!(
            billing_episodes::insert_episode(db, bad_category)
                .await
                .is_err(),
            "{}",
            test.label()
        );
        let mut no_units = episode(patient, Uuid::now_v7(), 1);
        no_units.units = 0;
        assert!(
            billing_episodes::insert_episode(db, no_units)
                .await
                .is_err(),
            "{}",
            test.label()
        );
        let good = episode(patient, Uuid::now_v7(), 1);
        billing_episodes::insert_episode(db, good.clone())
            .await
            .unwrap();
        let bad_kind = event(good.id, "vacation", date!(2026 - 02 - 01));
        assert!(
            billing_episodes::insert_event(db, bad_kind).await.is_err(),
            "{}",
            test.label()
        );
        assert!(
            billing_episodes::events(db, good.id)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            test.label()
        );
        test.finish().await;
    }
}
