//! Recall at scale: over a data set of 1,000,000 custody events the recall lists exactly
//! the patients who ever held an affected unit, and the benchmark figure is the time of that one
//! query. Ignored by default because building the data takes a while in a debug build:
//!
//!   cargo test --release -p durable-app --test recall_scale -- --ignored --nocapture
//!
//! `DURABLE_RECALL_EVENTS` sets the number of custody events (default 1,000,000; 20 per unit).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::BTreeSet;
use std::time::Instant;

use durable_app::{Actor, App, demo};
use durable_domain::clock::Clock;
use durable_domain::inventory::{
    AssetIdentity, AssetKeys, Campaign, CampaignInput, SerialRangeInput,
};
use durable_store::inventory::{Asset, CustodyEvent, insert_assets, insert_custody};
use durable_store::testing::every_backend;
use time::macros::{date, datetime};
use uuid::Uuid;

const EVENTS_PER_UNIT: usize = 20;
const MANUFACTURER: &str = "Philips Respironics";
const MODEL: &str = "EverFlo";

fn serial(n: usize) -> String {
    format!("EF{n:07}")
}

#[tokio::test]
#[ignore = "benchmark helper: builds 1,000,000 custody events"]
async fn a_recall_over_a_million_custody_events_lists_exactly_the_patients_who_held_a_unit() {
    let events: usize = std::env::var("DURABLE_RECALL_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let units = events / EVENTS_PER_UNIT;
    for db in every_backend().await {
        let app = App::new(
            db.store.clone(),
            Clock::fixed(datetime!(2026-11-27 12:00 UTC)),
        );
        demo::load(&app, &Actor::operator(), 2_000).await.unwrap();
        let conn = app.store.conn();
        let patients: Vec<Uuid> = durable_store::patients::recently_added(&app.store, 2_000)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        let location = durable_store::directory::locations(conn).await.unwrap()[0].id;
        let product = durable_store::catalog::search_products(conn, Some(MODEL), None, 0, 1)
            .await
            .unwrap()[0]
            .product
            .id;

        let started = Instant::now();
        let now = app.clock.now();
        let unit_ids: Vec<Uuid> = (0..units).map(|_| Uuid::now_v7()).collect();
        for (c, ids) in unit_ids.chunks(10_000).enumerate() {
            let rows = ids.iter().enumerate().map(|(i, id)| {
                let n = c * 10_000 + i;
                let keys = AssetKeys::of(&AssetIdentity {
                    manufacturer: MANUFACTURER.into(),
                    model: MODEL.into(),
                    serial: serial(n),
                    lot: None,
                });
                Asset {
                    id: *id,
                    product_id: product,
                    serial: serial(n),
                    manufacturer_key: keys.manufacturer_key,
                    model_key: keys.model_key,
                    serial_key: keys.serial.key,
                    serial_prefix: keys.serial.prefix,
                    serial_number: keys.serial.number,
                    lot: None,
                    lot_key: None,
                    purchase_cost_cents: 60_000,
                    purchase_date: date!(2024 - 01 - 02),
                    vendor_id: None,
                    purchase_order_id: None,
                    warranty_end: None,
                    usage_hours: 0,
                    owner_patient_id: None,
                    location_id: location,
                    zone: Some("clean".into()),
                    state: "available".into(),
                    state_detail: "{}".into(),
                    patient_id: None,
                    order_id: None,
                    created_at: now,
                    updated_at: now,
                }
            });
            let tx = app.store.begin_write().await.unwrap();
            insert_assets(tx.conn(), rows.collect(), Vec::new())
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        // Each unit goes out to a patient and comes back, ten times: the patient of delivery k of
        // unit n is fixed by (n, k), so the expected answer is known without reading it back.
        let patient_of = |n: usize, k: usize| patients[(n * 7 + k * 13) % patients.len()];
        let mut batch = Vec::with_capacity(10_000);
        let mut stored = 0;
        for (n, id) in unit_ids.iter().enumerate() {
            for e in 0..EVENTS_PER_UNIT {
                let delivered = e % 2 == 0;
                batch.push(CustodyEvent {
                    id: Uuid::now_v7(),
                    asset_id: *id,
                    at: now,
                    actor_name: "bench".into(),
                    command: if delivered { "deliver" } else { "return" }.into(),
                    from_state: None,
                    to_state: if delivered { "delivered" } else { "returned" }.into(),
                    location_id: location,
                    zone: None,
                    patient_id: delivered.then(|| patient_of(n, e / 2)),
                    order_id: None,
                    note: None,
                });
                if batch.len() == 10_000 || (n + 1 == units && e + 1 == EVENTS_PER_UNIT) {
                    stored += batch.len();
                    let tx = app.store.begin_write().await.unwrap();
                    insert_custody(tx.conn(), std::mem::take(&mut batch))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            }
        }
        assert_eq!(stored, units * EVENTS_PER_UNIT);
        let built = started.elapsed();

        // A campaign over 1,000 consecutive serials (fewer on a small run) inside the range.
        let span = (units / 2).clamp(1, 1_000);
        let (first, last) = (units / 4, units / 4 + span - 1);
        let campaign = Campaign::parse(&CampaignInput {
            manufacturer: MANUFACTURER.into(),
            model: Some(MODEL.into()),
            serial_ranges: vec![SerialRangeInput {
                first: serial(first),
                last: serial(last),
            }],
            ..CampaignInput::default()
        })
        .unwrap();
        let mut timings = Vec::new();
        let mut found = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            found = durable_store::recalls::holders(conn, &campaign)
                .await
                .unwrap();
            timings.push(t.elapsed());
        }
        let expected: BTreeSet<(Uuid, Uuid)> = (first..=last)
            .flat_map(|n| (0..EVENTS_PER_UNIT / 2).map(move |k| (n, k)))
            .map(|(n, k)| (unit_ids[n], patient_of(n, k)))
            .collect();
        let got: BTreeSet<(Uuid, Uuid)> =
            found.iter().map(|h| (h.asset_id, h.patient_id)).collect();
        assert_eq!(got, expected, "{}", db.label());
        timings.sort();
        println!(
            "{}: {stored} custody events over {units} units built in {:.1} s; recall of {span} units -> {} (unit, patient) pairs in {:?} (median of 5, min {:?})",
            db.label(),
            built.as_secs_f64(),
            got.len(),
            timings[2],
            timings[0],
        );
        db.finish().await;
    }
}
