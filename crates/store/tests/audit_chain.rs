//! The audit chain detects every kind of tampering: an altered row, a deleted row (in the middle
//! or at the end), a removed or forged patient link, and a forged row; untouched it verifies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_store::audit::{self, NewEvent, Verification};
use durable_store::entity::{audit_event, audit_event_patient};
use durable_store::testing::{TestDb, every_backend};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use time::macros::datetime;
use uuid::Uuid;

fn event(n: i64, patients: Vec<Uuid>) -> NewEvent {
    NewEvent {
        occurred_at: datetime!(2026-11-27 10:00:00.123456789 UTC) + time::Duration::seconds(n),
        actor_user_id: Some(Uuid::now_v7()),
        actor_name: "intake".into(),
        actor_role: "intake".into(),
        action: "patient.view".into(),
        entity_type: "patient".into(),
        entity_id: patients.first().map(Uuid::to_string),
        detail: format!("{{\"n\":{n}}}"),
        source: "127.0.0.1".into(),
        patients,
    }
}

async fn chain_of_five(db: &TestDb) -> Vec<Uuid> {
    let patients: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    for n in 1..=5 {
        let tx = db.store.begin_write().await.unwrap();
        let named = if n % 2 == 0 {
            patients.clone()
        } else {
            vec![patients[0]]
        };
        let seq = audit::append(tx.conn(), event(n, named)).await.unwrap();
        assert_eq!(seq, n);
        tx.commit().await.unwrap();
    }
    patients
}

async fn verify(db: &TestDb) -> Verification {
    audit::verify(db.store.conn()).await.unwrap()
}

async fn sql(db: &TestDb, statement: &str) {
    db.store.conn().execute_unprepared(statement).await.unwrap();
}

fn broken_at(report: &Verification) -> i64 {
    report.first_break.as_ref().map(|b| b.seq).unwrap_or(-1)
}

#[tokio::test]
async fn untouched_chain_verifies() {
    for db in every_backend().await {
        chain_of_five(&db).await;
        let report = verify(&db).await;
        assert_eq!(
            report,
            Verification {
                checked: 5,
                first_break: None
            },
            "{}",
            db.label()
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn altered_row_is_named() {
    for db in every_backend().await {
        chain_of_five(&db).await;
        sql(
            &db,
            "UPDATE audit_events SET actor_name = 'someone-else' WHERE seq = 3",
        )
        .await;
        let report = verify(&db).await;
        assert_eq!(broken_at(&report), 3, "{}: {report:?}", db.label());
        assert!(report.first_break.unwrap().problem.contains("altered"));
        db.finish().await;
    }
}

#[tokio::test]
async fn deleted_rows_are_named_in_the_middle_and_at_the_end() {
    for db in every_backend().await {
        chain_of_five(&db).await;
        sql(&db, "DELETE FROM audit_event_patients WHERE seq = 5").await;
        sql(&db, "DELETE FROM audit_events WHERE seq = 5").await;
        assert_eq!(
            broken_at(&verify(&db).await),
            5,
            "{}: tail deletion",
            db.label()
        );
        sql(&db, "DELETE FROM audit_event_patients WHERE seq = 2").await;
        sql(&db, "DELETE FROM audit_events WHERE seq = 2").await;
        let report = verify(&db).await;
        assert_eq!(broken_at(&report), 2, "{}: {report:?}", db.label());
        assert!(report.first_break.unwrap().problem.contains("missing"));
        db.finish().await;
    }
}

#[tokio::test]
async fn removed_patient_link_breaks_its_row() {
    for db in every_backend().await {
        let patients = chain_of_five(&db).await;
        let tx = db.store.begin_write().await.unwrap();
        assert_eq!(audit::index_pending(tx.conn(), i64::MAX).await.unwrap(), 5);
        tx.commit().await.unwrap();
        assert!(verify(&db).await.first_break.is_none(), "the index matches");
        let victim = audit_event_patient::Model {
            patient_id: patients[1],
            seq: 4,
        };
        let removed =
            audit_event_patient::Entity::delete(audit_event_patient::ActiveModel::from(victim))
                .exec(db.store.conn())
                .await
                .unwrap();
        assert_eq!(removed.rows_affected, 1);
        assert_eq!(broken_at(&verify(&db).await), 4, "{}", db.label());
        db.finish().await;
    }
}

async fn add_link(db: &TestDb, patient_id: Uuid, seq: i64) {
    audit_event_patient::Entity::insert(audit_event_patient::ActiveModel::from(
        audit_event_patient::Model { patient_id, seq },
    ))
    .exec_without_returning(db.store.conn())
    .await
    .unwrap();
}

#[tokio::test]
async fn forged_patient_links_are_named_at_their_row() {
    for db in every_backend().await {
        let patients = chain_of_five(&db).await;
        assert_eq!(index(&db).await, 5);
        // Row 3 names only the first patient; the second is named by rows 2 and 4.
        add_link(&db, patients[1], 3).await;
        let report = verify(&db).await;
        assert_eq!(broken_at(&report), 3, "{}: {report:?}", db.label());
        assert!(
            report
                .first_break
                .unwrap()
                .problem
                .contains("patient index")
        );
        db.finish().await;
    }
    for db in every_backend().await {
        chain_of_five(&db).await;
        assert_eq!(index(&db).await, 5);
        // A patient no row names, before a later altered row: the link is the first break.
        add_link(&db, Uuid::now_v7(), 2).await;
        sql(&db, "UPDATE audit_events SET detail = '{}' WHERE seq = 4").await;
        let report = verify(&db).await;
        assert_eq!(broken_at(&report), 2, "{}: {report:?}", db.label());
        assert_eq!(report.checked, 1);
        assert!(
            report
                .first_break
                .unwrap()
                .problem
                .contains("does not name")
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn forged_row_at_the_end_is_caught() {
    for db in every_backend().await {
        chain_of_five(&db).await;
        let rows = audit_event::Entity::find()
            .order_by_asc(audit_event::Column::Seq)
            .all(db.store.conn())
            .await
            .unwrap();
        let mut forged = rows.last().unwrap().clone();
        forged.seq = 6;
        forged.prev_hash = rows.last().unwrap().hash.clone();
        audit_event::Entity::insert(audit_event::ActiveModel::from(forged))
            .exec_without_returning(db.store.conn())
            .await
            .unwrap();
        let report = verify(&db).await;
        assert_eq!(broken_at(&report), 6, "{}: {report:?}", db.label());
        db.finish().await;
    }
}

async fn seqs_naming(db: &TestDb, patient: Uuid) -> Vec<i64> {
    let filter = audit::Filter {
        patient_id: Some(patient),
        ..audit::Filter::default()
    };
    let found = audit::search(db.store.conn(), &filter, 10).await.unwrap();
    assert!(found.iter().all(|e| e.patients.contains(&patient)));
    found.iter().map(|e| e.row.seq).collect()
}

async fn index(db: &TestDb) -> u64 {
    let tx = db.store.begin_write().await.unwrap();
    let indexed = audit::index_pending(tx.conn(), i64::MAX).await.unwrap();
    tx.commit().await.unwrap();
    indexed
}

#[tokio::test]
async fn the_patient_index_catches_up_with_every_event_naming_a_patient() {
    for db in every_backend().await {
        let patients = chain_of_five(&db).await;
        assert_eq!(audit::unindexed(db.store.conn()).await.unwrap(), (0, 5));
        assert_eq!(
            seqs_naming(&db, patients[1]).await,
            Vec::<i64>::new(),
            "nothing indexed yet"
        );
        assert_eq!(index(&db).await, 5);
        assert_eq!(
            seqs_naming(&db, patients[1]).await,
            [4, 2],
            "{}",
            db.label()
        );
        assert_eq!(seqs_naming(&db, patients[0]).await, [5, 4, 3, 2, 1]);
        let tx = db.store.begin_write().await.unwrap();
        audit::append(tx.conn(), event(6, vec![patients[1]]))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(index(&db).await, 1);
        assert_eq!(index(&db).await, 0, "indexing twice adds nothing");
        assert_eq!(seqs_naming(&db, patients[1]).await, [6, 4, 2]);
        assert!(verify(&db).await.first_break.is_none());
        db.finish().await;
    }
}
