//! Every kind of search on the hot path (ADR 0004), on every backend: on SQLite these run through
//! rusqlite and bind their values themselves, so each kind of value (name keys, a date, an MBI, a
//! phone number, unit and location ids, a state) must find what the data holds.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::BTreeSet;

use durable_app::inventory::AssetQuery;
use durable_app::{Actor, App, demo, inventory, patients};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::entity::{asset, patient, patient_phone, product};
use durable_store::testing::every_backend;
use sea_orm::{EntityTrait, QueryOrder};
use time::macros::datetime;
use uuid::Uuid;

mod common;
use common::actor;

async fn found(app: &App, text: &str) -> Vec<Uuid> {
    patients::search(app, &actor(Role::Intake), text, 0)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.id.as_uuid())
        .collect()
}

#[tokio::test]
async fn every_search_kind_finds_what_the_data_holds() {
    for db in every_backend().await {
        let label = db.label();
        let app = App::new(
            db.store.clone(),
            Clock::fixed(datetime!(2026-11-27 12:00 UTC)),
        );
        demo::load(&app, &Actor::operator(), 60).await.unwrap();
        let conn = db.store.conn();

        let people = patient::Entity::find()
            .order_by_asc(patient::Column::Id)
            .all(conn)
            .await
            .unwrap();
        let with_mbi = people.iter().find(|p| p.mbi.is_some()).unwrap();
        let mbi = with_mbi.mbi.clone().unwrap();
        assert_eq!(found(&app, &mbi).await, [with_mbi.id], "{label}: by MBI");

        let someone = &people[7];
        let (y, m, d) = (
            someone.birth_date.year(),
            u8::from(someone.birth_date.month()),
            someone.birth_date.day(),
        );
        let born: BTreeSet<Uuid> = people
            .iter()
            .filter(|p| p.birth_date == someone.birth_date)
            .map(|p| p.id)
            .collect();
        for text in [format!("{y}-{m:02}-{d:02}"), format!("{m:02}/{d:02}/{y}")] {
            let by_date: BTreeSet<Uuid> = found(&app, &text).await.into_iter().collect();
            assert_eq!(by_date, born, "{label}: by date of birth {text}");
        }

        let name = format!("{}, {}", someone.family_name, someone.given_name);
        assert!(
            found(&app, &name).await.contains(&someone.id),
            "{label}: {name}"
        );
        let reversed = format!("{} {}", someone.given_name, someone.family_name);
        assert!(
            found(&app, &reversed).await.contains(&someone.id),
            "{label}: {reversed}"
        );
        let page = patients::search(&app, &actor(Role::Intake), &someone.family_name, 0)
            .await
            .unwrap();
        let row = page
            .items
            .iter()
            .find(|p| p.id.as_uuid() == someone.id)
            .unwrap();
        assert_eq!(row.birth_date, someone.birth_date, "{label}: dates decode");

        let phone = patient_phone::Entity::find()
            .one(conn)
            .await
            .unwrap()
            .unwrap();
        assert!(
            found(&app, &phone.number).await.contains(&phone.patient_id),
            "{label}: by phone {}",
            phone.number
        );
        assert_eq!(found(&app, "zzzzqx").await, Vec::<Uuid>::new(), "{label}");

        let units = asset::Entity::find().all(conn).await.unwrap();
        assert!(units.len() >= 20, "{label}: the demo has a fleet");
        let tech = actor(Role::Technician);
        for unit in units.iter().step_by(7) {
            let query = AssetQuery {
                q: unit.serial.to_lowercase(),
                ..AssetQuery::default()
            };
            let (rows, _) = inventory::search(&app, &tech, &query, 0).await.unwrap();
            let row = rows.iter().find(|r| r.id.as_uuid() == unit.id).unwrap();
            assert_eq!(row.serial, unit.serial, "{label}");
            assert_eq!(row.product_id.as_uuid(), unit.product_id, "{label}");
            assert_eq!(row.location_id.as_uuid(), unit.location_id, "{label}");
            assert_eq!(row.state, unit.state, "{label}");
        }
        let sample = &units[0];
        let expected: BTreeSet<Uuid> = units
            .iter()
            .filter(|u| u.state == sample.state && u.location_id == sample.location_id)
            .map(|u| u.id)
            .collect();
        let query = AssetQuery {
            state: Some(sample.state.clone()),
            location: Some(sample.location_id.to_string()),
            ..AssetQuery::default()
        };
        let (rows, _) = inventory::search(&app, &tech, &query, 0).await.unwrap();
        let got: BTreeSet<Uuid> = rows.iter().map(|r| r.id.as_uuid()).collect();
        assert!(got.is_subset(&expected), "{label}: by state and location");
        assert_eq!(got.len(), expected.len().min(50), "{label}: one page of 50");

        // A model name matches no serial: the units of the products it names (bound as ids).
        let model = product::Entity::find_by_id(sample.product_id)
            .one(conn)
            .await
            .unwrap()
            .unwrap()
            .model;
        let by_model = AssetQuery {
            q: model.clone(),
            ..AssetQuery::default()
        };
        let (rows, _) = inventory::search(&app, &tech, &by_model, 0).await.unwrap();
        assert!(!rows.is_empty(), "{label}: by model {model}");
        let needle = model.to_lowercase();
        assert!(
            rows.iter()
                .all(|r| [&r.model, &r.product_name, &r.manufacturer]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&needle))),
            "{label}: only units of products that match {model}"
        );
        db.finish().await;
    }
}
