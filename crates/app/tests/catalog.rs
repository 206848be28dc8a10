//! The catalog on every backend: HCPCS imports are idempotent, update only what changed and keep
//! what it was, refuse bad files whole; products only bill under known, current procedure codes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::catalog::{self, AccessoryForm, ProductForm};
use durable_app::{Actor, App, AppError};
use durable_domain::catalog::BUNDLED_HCPCS;
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::catalog as store;
use durable_store::testing::{TestDb, every_backend};
use time::macros::datetime;

mod common;
use common::actor;

fn app_on(db: &TestDb) -> App {
    App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-11-27 12:00 UTC)),
    )
}

/// Everything stored about the codes, to show that an import changed nothing.
async fn snapshot(app: &App) -> (Vec<store::HcpcsCode>, usize) {
    let mut codes = store::all_hcpcs_codes(app.store.conn()).await.unwrap();
    codes.sort_by(|a, b| a.code.cmp(&b.code));
    let mut changes = 0;
    for code in ["E0260", "E1390", "A4253", "K0823"] {
        changes += store::hcpcs_code_history(app.store.conn(), code)
            .await
            .unwrap()
            .len();
    }
    (codes, changes)
}

/// The bundled CSV with one field of one code's line replaced.
fn edited(code: &str, from: &str, to: &str) -> Vec<u8> {
    let text = std::str::from_utf8(BUNDLED_HCPCS).unwrap();
    let mut hits = 0;
    let out: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with(&format!("{code},")) && line.contains(from) {
                hits += 1;
                line.replacen(from, to, 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert_eq!(hits, 1, "{code} line holds {from}");
    (out.join("\n") + "\n").into_bytes()
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    for db in every_backend().await {
        let app = app_on(&db);
        let first = catalog::ensure_bundled_hcpcs(&app).await.unwrap().unwrap();
        assert_eq!((first.added, first.changed, first.unchanged), (2691, 0, 0));
        assert!(catalog::ensure_bundled_hcpcs(&app).await.unwrap().is_none());
        let before = snapshot(&app).await;

        let again = catalog::import_hcpcs(&app, &Actor::operator(), "again.csv", BUNDLED_HCPCS)
            .await
            .unwrap();
        assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 2691));
        assert_eq!(snapshot(&app).await, before);
        assert_eq!(
            store::hcpcs_imports(app.store.conn()).await.unwrap().len(),
            2
        );

        let bed = catalog::hcpcs_detail(&app, &actor(Role::Intake), "e0260")
            .await
            .unwrap();
        assert_eq!(bed.code.payment_category.as_deref(), Some("capped_rental"));
        assert_eq!(bed.history.len(), 1, "added once, never changed");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_modified_file_updates_only_what_changed_and_keeps_the_old_values() {
    for db in every_backend().await {
        let app = app_on(&db);
        catalog::ensure_bundled_hcpcs(&app).await.unwrap();
        let billing = actor(Role::Billing);
        catalog::set_payment_category(&app, &billing, "E0260", "inexpensive_routinely_purchased")
            .await
            .unwrap();

        // The next year's file terminates E0260 on 2026-12-31.
        let file = edited("E0260", ",,N", ",20261231,D");
        let summary = catalog::import_hcpcs(&app, &billing, "2027.csv", &file)
            .await
            .unwrap();
        assert_eq!(
            (summary.added, summary.changed, summary.unchanged),
            (0, 1, 2690)
        );

        let bed = catalog::hcpcs_detail(&app, &billing, "E0260")
            .await
            .unwrap();
        assert_eq!(
            bed.code.terminated,
            Some(time::macros::date!(2026 - 12 - 31))
        );
        assert_eq!(bed.code.action_code.as_deref(), Some("D"));
        assert_eq!(
            bed.code.payment_category.as_deref(),
            Some("inexpensive_routinely_purchased"),
            "a person's override survives the import"
        );
        assert_eq!(bed.history.len(), 2);
        assert_eq!(bed.history[0].change, "changed");
        assert_eq!(bed.history[0].file_name, "2027.csv");
        let previous: serde_json::Value =
            serde_json::from_str(bed.history[0].previous.as_deref().unwrap()).unwrap();
        assert_eq!(previous["terminated"], serde_json::Value::Null);
        assert_eq!(previous["action_code"], "N");

        let untouched = catalog::hcpcs_detail(&app, &billing, "E1390")
            .await
            .unwrap();
        assert_eq!(untouched.history.len(), 1);

        // Clearing the override goes back to the file's category.
        catalog::set_payment_category(&app, &billing, "E0260", "")
            .await
            .unwrap();
        let bed = catalog::hcpcs_detail(&app, &billing, "E0260")
            .await
            .unwrap();
        assert_eq!(bed.code.payment_category.as_deref(), Some("capped_rental"));
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_files_and_choices_are_refused_whole() {
    for db in every_backend().await {
        let app = app_on(&db);
        catalog::ensure_bundled_hcpcs(&app).await.unwrap();
        let before = snapshot(&app).await;
        let admin = actor(Role::Admin);

        let broken = edited("E0260", "19860101", "1986x101");
        let err = catalog::import_hcpcs(&app, &admin, "broken.csv", &broken)
            .await
            .unwrap_err();
        let AppError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(
            errors.for_field("file").unwrap().contains("line"),
            "{errors:?}"
        );

        let mut twice = BUNDLED_HCPCS.to_vec();
        let e0260 = std::str::from_utf8(BUNDLED_HCPCS)
            .unwrap()
            .lines()
            .find(|l| l.starts_with("E0260,"))
            .unwrap()
            .to_owned();
        twice.extend_from_slice(format!("{e0260}\n").as_bytes());
        let err = catalog::import_hcpcs(&app, &admin, "twice.csv", &twice)
            .await
            .unwrap_err();
        let AppError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(
            errors.for_field("file").unwrap().contains("E0260"),
            "{errors:?}"
        );

        let err = catalog::import_hcpcs(&app, &admin, "empty.txt", b"\x00\x01garbage")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err:?}");

        let err = catalog::set_payment_category(&app, &admin, "E0260", "rent_to_own")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
        let err = catalog::set_payment_category(&app, &admin, "E9999", "oxygen")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err:?}");

        for role in [
            Role::Intake,
            Role::Technician,
            Role::Sales,
            Role::Compliance,
        ] {
            let err = catalog::import_hcpcs(&app, &actor(role), "x.csv", BUNDLED_HCPCS)
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{role:?}");
        }
        assert_eq!(snapshot(&app).await, before);
        assert_eq!(
            store::hcpcs_imports(app.store.conn()).await.unwrap().len(),
            1
        );
        db.finish().await;
    }
}

fn bed_form() -> ProductForm {
    ProductForm {
        name: "Semi-electric hospital bed".into(),
        manufacturer: "Drive Medical".into(),
        model: "15030".into(),
        hcpcs: "E0260".into(),
        serialized: Some("on".into()),
        ..ProductForm::default()
    }
}

#[tokio::test]
async fn products_bill_under_known_current_procedure_codes() {
    for db in every_backend().await {
        let app = app_on(&db);
        catalog::ensure_bundled_hcpcs(&app).await.unwrap();
        let intake = actor(Role::Intake);

        let mattress = catalog::add_product(
            &app,
            &intake,
            &ProductForm {
                name: "Bed mattress".into(),
                manufacturer: "Drive Medical".into(),
                model: "15006".into(),
                hcpcs: "E0271".into(),
                ..ProductForm::default()
            },
        )
        .await
        .unwrap();
        let bed = catalog::add_product(
            &app,
            &intake,
            &ProductForm {
                accessories: vec![AccessoryForm {
                    product_id: mattress.to_string(),
                    quantity: Some("1".into()),
                }],
                ..bed_form()
            },
        )
        .await
        .unwrap();
        let view = catalog::product(&app, &intake, bed).await.unwrap();
        assert_eq!(view.hcpcs, ["E0260"]);
        assert!(view.serialized);
        assert_eq!(view.accessories.len(), 1);
        assert_eq!(view.accessories[0].name, "Bed mattress");

        let (found, _) = catalog::search_products(&app, &intake, "e0260", 0)
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        let (found, _) = catalog::search_products(&app, &intake, "drive", 0)
            .await
            .unwrap();
        assert_eq!(found.len(), 2);

        let cases: [(&str, ProductForm, &str); 6] = [
            (
                "hcpcs",
                ProductForm {
                    model: "x1".into(),
                    hcpcs: "E9999".into(),
                    ..bed_form()
                },
                "not in the HCPCS catalog",
            ),
            (
                "hcpcs",
                ProductForm {
                    model: "x2".into(),
                    hcpcs: "E0450".into(),
                    ..bed_form()
                },
                "terminated",
            ),
            (
                "hcpcs",
                ProductForm {
                    model: "x3".into(),
                    hcpcs: "RR".into(),
                    ..bed_form()
                },
                "letter A-V",
            ),
            (
                "hcpcs",
                ProductForm {
                    model: "x4".into(),
                    hcpcs: "".into(),
                    ..bed_form()
                },
                "at least one",
            ),
            ("model", bed_form(), "already in the catalog"),
            (
                "accessories",
                ProductForm {
                    model: "x5".into(),
                    accessories: vec![AccessoryForm {
                        product_id: uuid::Uuid::now_v7().to_string(),
                        quantity: None,
                    }],
                    ..bed_form()
                },
                "No product",
            ),
        ];
        for (field, form, message) in cases {
            let err = catalog::add_product(&app, &intake, &form)
                .await
                .unwrap_err();
            let AppError::Invalid(errors) = err else {
                panic!("{field}: {err:?}")
            };
            let got = errors.for_field(field).unwrap_or_default();
            assert!(got.contains(message), "{field}: {got:?}");
        }
        let (all, _) = catalog::search_products(&app, &intake, "", 0)
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "nothing was written by the refused forms");

        let err = catalog::add_product(&app, &actor(Role::Technician), &bed_form())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        db.finish().await;
    }
}
