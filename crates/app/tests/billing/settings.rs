//! Organization settings: checked field by field, written whole and audited, and "today"
//! follows the saved time zone across midnight UTC.

use durable_app::settings::{self, SettingsForm};
use durable_app::{App, AppError};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::testing::every_backend;
use time::macros::{date, datetime};

use crate::common::actor;

pub fn form() -> SettingsForm {
    SettingsForm {
        legal_name: "Lakeside Home Medical LLC".into(),
        npi: "1234567893".into(),
        tax_id: "12-3456789".into(),
        taxonomy_code: "332b00000x".into(),
        line1: "400 Harbor Drive".into(),
        city: "Chicago".into(),
        state: "IL".into(),
        postal_code: "60601".into(),
        phone: "(312) 555-0100".into(),
        time_zone: "America/Chicago".into(),
        ..SettingsForm::default()
    }
}

#[tokio::test]
async fn today_follows_the_organization_time_zone_across_midnight_utc() {
    for db in every_backend().await {
        // 02:30 UTC on 3 December is 20:30 on 2 December in Chicago.
        let app = App::new(
            db.store.clone(),
            Clock::fixed(datetime!(2026-12-03 02:30 UTC)),
        );
        assert_eq!(app.clock.today(), date!(2026 - 12 - 03), "{}", db.label());
        settings::save(&app, &actor(Role::Admin), &form())
            .await
            .unwrap();
        assert_eq!(app.clock.today(), date!(2026 - 12 - 02), "{}", db.label());

        // Another server (a new app on the same database) reads the zone when it starts.
        let other = App::open(&db.url, Clock::fixed(datetime!(2026-12-03 02:30 UTC)))
            .await
            .unwrap();
        assert_eq!(other.clock.today(), date!(2026 - 12 - 02), "{}", db.label());
        other.store.clone().close().await.unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn settings_are_checked_saved_whole_and_only_by_the_administrator() {
    for db in every_backend().await {
        let app = App::new(
            db.store.clone(),
            Clock::fixed(datetime!(2026-12-02 15:00 UTC)),
        );
        let admin = actor(Role::Admin);
        assert!(settings::get(&app, &admin).await.unwrap().is_none());

        let bad = SettingsForm {
            npi: "1234567890".into(),
            tax_id: "12-345".into(),
            taxonomy_code: "DME".into(),
            time_zone: "Central".into(),
            phone: String::new(),
            ..form()
        };
        let Err(AppError::Invalid(errors)) = settings::save(&app, &admin, &bad).await else {
            panic!("bad settings were accepted");
        };
        let fields: Vec<&str> = errors.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["npi", "tax_id", "taxonomy_code", "phone", "time_zone"]
        );
        assert!(
            settings::get(&app, &admin).await.unwrap().is_none(),
            "nothing written"
        );
        assert_eq!(app.clock.today(), date!(2026 - 12 - 02));

        for role in [Role::Billing, Role::Intake, Role::Compliance] {
            assert!(matches!(
                settings::save(&app, &actor(role), &form()).await,
                Err(AppError::Forbidden(_))
            ));
        }

        settings::save(&app, &admin, &form()).await.unwrap();
        let saved = settings::get(&app, &admin).await.unwrap().unwrap();
        assert_eq!(saved.tax_id, "123456789");
        assert_eq!(saved.taxonomy_code, "332B00000X");
        assert_eq!(saved.phone, "3125550100");
        assert_eq!(saved.updated_by, "admin");

        let moved = SettingsForm {
            time_zone: "america/new_york".into(),
            line1: "9 Lake Street".into(),
            ..form()
        };
        settings::save(&app, &admin, &moved).await.unwrap();
        let saved = settings::get(&app, &admin).await.unwrap().unwrap();
        assert_eq!(saved.time_zone, "America/New_York");
        assert_eq!(saved.line1, "9 Lake Street");
        assert_eq!(saved.legal_name, "Lakeside Home Medical LLC");

        let events = durable_app::audit::search(
            &app,
            &actor(Role::Compliance),
            &durable_app::audit::AuditQuery {
                username: Some("admin".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let saves: Vec<_> = events
            .iter()
            .filter(|e| e.action == "organization.settings_update")
            .collect();
        assert_eq!(saves.len(), 2, "{}", db.label());
        // The second save names only what changed.
        assert!(saves[0].detail.contains("time_zone") && saves[0].detail.contains("line1"));
        assert!(
            !saves[0].detail.contains("legal_name"),
            "{}",
            saves[0].detail
        );
        db.finish().await;
    }
}
