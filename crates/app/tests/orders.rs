//! Orders on every backend: every save runs the documentation checker, a held order says why,
//! bad input writes nothing, and releasing a hold needs a permitted user and a written reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::directory::{self, PrescriberForm};
use durable_app::orders::{self, LineForm, OrderForm};
use durable_app::patients::{self, Created, PatientForm};
use durable_app::{Actor, App, AppError, catalog};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::testing::{TestDb, every_backend};
use time::macros::datetime;

fn actor(role: Role) -> Actor {
    Actor {
        user_id: None,
        username: role.as_str().into(),
        role,
        source: "test".into(),
    }
}

/// An app with the bundled codes, one patient and one prescriber; returns their ids.
async fn setup(db: &TestDb) -> (App, String, String) {
    let app = App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-11-27 12:00 UTC)),
    );
    catalog::ensure_bundled_hcpcs(&app).await.unwrap();
    let intake = actor(Role::Intake);
    let form = PatientForm {
        family_name: "O'Brien".into(),
        given_name: "Margaret".into(),
        birth_date: "1944-05-17".into(),
        sex: "female".into(),
        mbi: Some("1EG4-TE5-MK73".into()),
        home_line1: "12 Elm Street".into(),
        home_city: "Columbus".into(),
        home_state: "OH".into(),
        home_postal_code: "43215".into(),
        ..PatientForm::default()
    };
    let Created::Patient(patient) = patients::create(&app, &intake, &form, None).await.unwrap()
    else {
        panic!("fresh database")
    };
    let prescriber = directory::add_prescriber(
        &app,
        &intake,
        &PrescriberForm {
            npi: "1234567893".into(),
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            line1: "1 Clinic Way".into(),
            city: "Dayton".into(),
            state: "OH".into(),
            postal_code: "45402".into(),
            ..PrescriberForm::default()
        },
    )
    .await
    .unwrap();
    (app, patient.to_string(), prescriber.to_string())
}

fn cpap_order(patient: &str, prescriber: &str) -> OrderForm {
    OrderForm {
        patient_id: patient.into(),
        prescriber_id: prescriber.into(),
        order_date: "2026-11-20".into(),
        planned_delivery: Some("2026-11-30".into()),
        diagnoses: "G47.33".into(),
        lines: vec![LineForm {
            hcpcs: Some("E0601".into()),
            rent_or_buy: "rental".into(),
            ..LineForm::default()
        }],
        ..OrderForm::default()
    }
}

#[tokio::test]
async fn an_unsigned_cpap_order_is_held_with_its_reasons_until_released() {
    for db in every_backend().await {
        let (app, patient, prescriber) = setup(&db).await;
        let intake = actor(Role::Intake);
        let id = orders::place(&app, &intake, &cpap_order(&patient, &prescriber))
            .await
            .unwrap();

        let order = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(order.status, "hold");
        let ids: Vec<&str> = order.reasons.iter().map(|r| r.id.as_str()).collect();
        assert!(ids.contains(&"SWO-SIGNATURE"), "{ids:?}");
        assert!(ids.contains(&"PAP-SLEEP-TEST"), "{ids:?}");
        assert_eq!(order.history.len(), 1);
        assert_eq!(order.history[0].status, "hold");

        let (queue, _) = orders::queue(&app, &intake, 0).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].patient_name, "O'Brien, Margaret");
        assert!(queue[0].reasons.iter().all(|r| r.severity == "blocking"));
        assert!(queue[0].reasons.iter().any(|r| r.id == "SWO-SIGNATURE"));

        // Signing the order clears that reason on the next save.
        let signed = OrderForm {
            signed: Some("on".into()),
            signature_date: Some("2026-11-21".into()),
            ..cpap_order(&patient, &prescriber)
        };
        orders::update(&app, &intake, id, &signed).await.unwrap();
        let order = orders::order(&app, &intake, id).await.unwrap();
        assert!(!order.reasons.iter().any(|r| r.id == "SWO-SIGNATURE"));
        assert_eq!(order.history.len(), 2);

        let err = orders::override_hold(&app, &intake, id, "ok")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
        for role in [Role::Technician, Role::Sales, Role::Admin, Role::Compliance] {
            let err =
                orders::override_hold(&app, &actor(role), id, "the physician confirmed by phone")
                    .await
                    .unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{role:?}");
        }
        orders::override_hold(
            &app,
            &actor(Role::Billing),
            id,
            "Sleep study on its way by fax; supervisor approved",
        )
        .await
        .unwrap();
        let order = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(order.status, "ready");
        let last = order.history.last().unwrap();
        assert_eq!(last.actor, "billing");
        assert!(
            last.note
                .as_deref()
                .unwrap()
                .contains("supervisor approved")
        );
        assert!(
            !last.reasons.is_empty(),
            "the release keeps what it overrode"
        );
        let err = orders::override_hold(&app, &intake, id, "again, for no reason at all")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)));
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_orders_get_a_message_per_field_and_write_nothing() {
    for db in every_backend().await {
        let (app, patient, prescriber) = setup(&db).await;
        let intake = actor(Role::Intake);
        let line = |hcpcs: &str| LineForm {
            hcpcs: Some(hcpcs.into()),
            rent_or_buy: "rental".into(),
            ..LineForm::default()
        };
        let cases: Vec<(&str, OrderForm, &str)> = vec![
            (
                "lines[0].hcpcs",
                OrderForm {
                    lines: vec![line("E9999")],
                    ..cpap_order(&patient, &prescriber)
                },
                "not in the HCPCS catalog",
            ),
            (
                "lines[0].hcpcs",
                OrderForm {
                    lines: vec![line("E0450")],
                    ..cpap_order(&patient, &prescriber)
                },
                "not valid on the order date",
            ),
            (
                "lines[0].hcpcs",
                OrderForm {
                    lines: vec![line("E06O1")],
                    ..cpap_order(&patient, &prescriber)
                },
                "letter A-V",
            ),
            (
                "diagnoses",
                OrderForm {
                    diagnoses: "G47.3X3 Q".into(),
                    ..cpap_order(&patient, &prescriber)
                },
                "",
            ),
            (
                "diagnoses",
                OrderForm {
                    diagnoses: String::new(),
                    ..cpap_order(&patient, &prescriber)
                },
                "at least one",
            ),
            (
                "order_date",
                OrderForm {
                    order_date: "2027-01-01".into(),
                    ..cpap_order(&patient, &prescriber)
                },
                "future",
            ),
            (
                "order_date",
                OrderForm {
                    order_date: "11/31/2026".into(),
                    ..cpap_order(&patient, &prescriber)
                },
                "YYYY-MM-DD",
            ),
            (
                "patient_id",
                OrderForm {
                    patient_id: uuid::Uuid::now_v7().to_string(),
                    ..cpap_order(&patient, &prescriber)
                },
                "patient",
            ),
            (
                "lines[0].rent_or_buy",
                OrderForm {
                    lines: vec![LineForm {
                        rent_or_buy: "lease".into(),
                        ..line("E0601")
                    }],
                    ..cpap_order(&patient, &prescriber)
                },
                "rental or purchase",
            ),
            (
                "lines[0].quantity",
                OrderForm {
                    lines: vec![LineForm {
                        quantity: Some("-2".into()),
                        ..line("E0601")
                    }],
                    ..cpap_order(&patient, &prescriber)
                },
                "1 to 999",
            ),
            (
                "lines",
                OrderForm {
                    lines: vec![],
                    ..cpap_order(&patient, &prescriber)
                },
                "at least one item",
            ),
            (
                "planned_delivery",
                OrderForm {
                    planned_delivery: Some("2026-11-01".into()),
                    ..cpap_order(&patient, &prescriber)
                },
                "before the order date",
            ),
        ];
        for (field, form, message) in cases {
            let err = orders::place(&app, &intake, &form).await.unwrap_err();
            let AppError::Invalid(errors) = err else {
                panic!("{field}: {err:?}")
            };
            let got = errors
                .for_field(field)
                .unwrap_or_else(|| panic!("{field}: {errors:?}"));
            assert!(got.contains(message), "{field}: {got}");
        }
        let (queue, _) = orders::queue(&app, &intake, 0).await.unwrap();
        assert!(queue.is_empty(), "no refused order was written");

        let err = orders::place(
            &app,
            &actor(Role::Technician),
            &cpap_order(&patient, &prescriber),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        db.finish().await;
    }
}
