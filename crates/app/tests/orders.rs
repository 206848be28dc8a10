//! Orders on every backend: every save runs the documentation checker, a held order says why,
//! bad input writes nothing, and releasing a hold needs a permitted user and a written reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::directory::{self, PrescriberForm};
use durable_app::orders::{self, LineForm, OrderForm};
use durable_app::patients::{self, Created, PatientForm};
use durable_app::{App, AppError, catalog, documents, prior_auth};
use durable_domain::clock::Clock;
use durable_domain::role::Role;
use durable_store::testing::{TestDb, every_backend};
use sea_orm::ConnectionTrait;
use sha2::Digest;
use time::macros::datetime;

mod common;
use common::actor;

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
    let prescriber = common::prescriber(&app).await;
    (app, patient.to_string(), prescriber.to_string())
}

/// Adds a Medicare DME MAC payer (the setup has none) and returns its id.
async fn medicare_payer(app: &App) -> uuid::Uuid {
    let payer_id = uuid::Uuid::now_v7();
    let tx = app.store.begin_write().await.unwrap();
    durable_store::directory::insert_payers(
        tx.conn(),
        vec![durable_store::directory::Payer {
            id: payer_id,
            name: "Medicare DME MAC Jurisdiction B".into(),
            kind: "medicare".into(),
            edi_payer_id: "17003".into(),
            created_at: app.clock.now(),
        }],
        vec![],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    payer_id
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

#[tokio::test]
async fn documents_marked_on_the_order_and_eligibility_make_it_ready() {
    for db in every_backend().await {
        let (app, patient, prescriber) = setup(&db).await;
        let dir = tempfile::tempdir().unwrap();
        let app = app.with_document_root(dir.path());
        let intake = actor(Role::Intake);
        let patient_id: durable_domain::ids::PatientId = patient.parse().unwrap();
        let payer = durable_app::directory::payers(&app, &intake).await;
        // The setup has no payers; a coverage needs one, so add Medicare directly.
        assert!(payer.unwrap().is_empty());
        let payer_id = medicare_payer(&app).await;
        let coverage = durable_app::coverages::add(
            &app,
            &intake,
            patient_id,
            &durable_app::coverages::CoverageForm {
                payer_id: payer_id.to_string(),
                member_id: "1EG4TE5MK73".into(),
                priority: "primary".into(),
                effective_date: "2020-01-01".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();

        let id = orders::place(&app, &intake, &cpap_order(&patient, &prescriber))
            .await
            .unwrap();
        let reasons = |view: &orders::OrderView| -> Vec<String> {
            view.reasons
                .iter()
                .filter(|r| r.severity == "blocking")
                .map(|r| r.id.clone())
                .collect()
        };
        let view = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(
            reasons(&view),
            [
                "SWO-SIGNATURE",
                "ELIGIBILITY-MONTH",
                "PAP-F2F-EVALUATION",
                "PAP-SLEEP-TEST"
            ]
        );

        durable_app::coverages::record_eligibility(
            &app,
            &intake,
            coverage,
            &durable_app::coverages::EligibilityForm {
                checked_on: "2026-11-25".into(),
                active: Some("true".into()),
                source: "portal".into(),
                note: None,
            },
        )
        .await
        .unwrap();

        let pdf = b"%PDF-1.4\n% signed order\n".to_vec();
        let upload = |kind: &str, date: &str| documents::UploadForm {
            kind: kind.into(),
            document_date: Some(date.into()),
            file_name: Some(format!("{kind}.pdf")),
        };
        let mislabelled = documents::upload(
            &app,
            &intake,
            id,
            &upload("order", "2026-11-21"),
            b"MZ\x90 not a pdf",
        )
        .await
        .unwrap_err();
        let AppError::Invalid(errors) = mislabelled else {
            panic!()
        };
        assert!(errors.for_field("file").unwrap().contains("not a PDF"));
        let huge = vec![b'%'; documents::MAX_DOCUMENT_BYTES + 1];
        assert!(
            documents::upload(&app, &intake, id, &upload("order", "2026-11-21"), &huge)
                .await
                .is_err()
        );

        let signed = documents::upload(&app, &intake, id, &upload("order", "2026-11-21"), &pdf)
            .await
            .unwrap();
        let study = documents::upload(
            &app,
            &intake,
            id,
            &upload("sleep_study", "2026-10-02"),
            b"%PDF-1.4 study",
        )
        .await
        .unwrap();
        let note = documents::upload(
            &app,
            &intake,
            id,
            &upload("f2f_note", "2026-09-15"),
            b"\x89PNG\r\n\x1a\nnote",
        )
        .await
        .unwrap();
        let err = documents::mark(&app, &intake, study, "SWO-SIGNATURE")
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Invalid(_)),
            "a sleep study is not a signed order"
        );
        documents::mark(&app, &intake, signed, "SWO-SIGNATURE")
            .await
            .unwrap();
        documents::mark(&app, &intake, study, "PAP-SLEEP-TEST")
            .await
            .unwrap();
        let view = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(view.status, "hold");
        assert_eq!(reasons(&view), ["PAP-F2F-EVALUATION"]);
        documents::mark(&app, &intake, note, "PAP-F2F-EVALUATION")
            .await
            .unwrap();

        let view = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(view.status, "ready", "{:?}", view.reasons);
        assert_eq!(view.documents.len(), 3);
        assert_eq!(view.history.last().unwrap().status, "ready");
        let content = documents::content(&app, &intake, signed).await.unwrap();
        assert_eq!(content.bytes, pdf);
        assert_eq!(content.content_type, "application/pdf");
        assert!(
            documents::content(&app, &actor(Role::Technician), signed)
                .await
                .is_err()
        );

        // Bytes damaged on disk are never served as the document; the check names it.
        let digest = hex::encode(sha2::Sha256::digest(&pdf));
        std::fs::write(
            dir.path().join(&digest[..2]).join(&digest),
            b"%PDF-1.4
% other",
        )
        .unwrap();
        let damaged = documents::content(&app, &intake, signed).await;
        assert!(
            matches!(damaged, Err(AppError::Internal(_))),
            "{:?}",
            damaged.map(|c| c.bytes)
        );
        let operator = durable_app::Actor::operator();
        let check = documents::check_documents(&app, &operator, app.documents(), None)
            .await
            .unwrap();
        assert_eq!(check.sound, 2);
        assert_eq!(check.problems.len(), 1);
        assert!(
            check.problems[0].contains(&signed.to_string()),
            "{:?}",
            check.problems
        );
        // Uploading the same bytes again repairs the file.
        documents::upload(&app, &intake, id, &upload("order", "2026-11-21"), &pdf)
            .await
            .unwrap();
        assert_eq!(
            documents::content(&app, &intake, signed)
                .await
                .unwrap()
                .bytes,
            pdf
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_power_wheelchair_needs_an_affirmed_unexpired_prior_authorization() {
    for db in every_backend().await {
        let (app, patient, prescriber) = setup(&db).await;
        let intake = actor(Role::Intake);
        let payer_id = medicare_payer(&app).await;
        let order = OrderForm {
            lines: vec![LineForm {
                hcpcs: Some("K0823".into()),
                rent_or_buy: "rental".into(),
                ..LineForm::default()
            }],
            diagnoses: "G35".into(),
            ..cpap_order(&patient, &prescriber)
        };
        let id = orders::place(&app, &intake, &order).await.unwrap();
        let pa_reasons = |view: &orders::OrderView| -> Vec<String> {
            view.reasons
                .iter()
                .filter(|r| r.id.starts_with("PA-"))
                .map(|r| r.id.clone())
                .collect()
        };
        let view = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(pa_reasons(&view), ["PA-MISSING"]);

        let request = |status: &str, decision: Option<&str>, expiry: Option<&str>| {
            prior_auth::PriorAuthForm {
                patient_id: patient.clone(),
                payer_id: payer_id.to_string(),
                hcpcs: "K0823".into(),
                rent_or_buy: "rental".into(),
                status: status.into(),
                utn: Some("A1B2C3D4E5F6G7".into()),
                submitted_on: Some("2026-11-01".into()),
                decision_date: decision.map(str::to_owned),
                expiry_date: expiry.map(str::to_owned),
                notes: None,
            }
        };
        // Refused whole: an expiry before the decision, an unknown code.
        let err = prior_auth::save(
            &app,
            &intake,
            None,
            &request("affirmed", Some("2026-11-10"), Some("2026-11-05")),
        )
        .await
        .unwrap_err();
        let AppError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(errors.for_field("expiry_date").is_some(), "{errors:?}");
        let err = prior_auth::save(
            &app,
            &intake,
            None,
            &prior_auth::PriorAuthForm {
                hcpcs: "K9999".into(),
                ..request("draft", None, None)
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)));
        assert!(
            prior_auth::queue(&app, &intake, 0)
                .await
                .unwrap()
                .0
                .is_empty()
        );

        let pa = prior_auth::save(&app, &intake, None, &request("submitted", None, None))
            .await
            .unwrap();
        assert_eq!(
            pa_reasons(&orders::order(&app, &intake, id).await.unwrap()),
            ["PA-PENDING"]
        );

        prior_auth::save(
            &app,
            &intake,
            Some(pa),
            &request("affirmed", Some("2026-11-10"), None),
        )
        .await
        .unwrap();
        let view = orders::order(&app, &intake, id).await.unwrap();
        assert!(pa_reasons(&view).is_empty(), "{:?}", view.reasons);
        let shown = prior_auth::get(&app, &intake, pa).await.unwrap();
        assert_eq!(
            shown.valid_through,
            Some(time::macros::date!(2027 - 05 - 10)),
            "6 months for power mobility"
        );

        prior_auth::save(
            &app,
            &intake,
            Some(pa),
            &request("affirmed", Some("2026-11-10"), Some("2026-11-20")),
        )
        .await
        .unwrap();
        assert_eq!(
            pa_reasons(&orders::order(&app, &intake, id).await.unwrap()),
            ["PA-EXPIRED"]
        );

        let (queue, _) = prior_auth::queue(&app, &intake, 0).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].patient_name, "O'Brien, Margaret");
        assert!(
            prior_auth::get(&app, &actor(Role::Technician), pa)
                .await
                .is_err()
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn an_abn_lets_a_line_missing_coverage_documents_go_ahead() {
    for db in every_backend().await {
        let (app, patient, prescriber) = setup(&db).await;
        let intake = actor(Role::Intake);
        let id = orders::place(&app, &intake, &cpap_order(&patient, &prescriber))
            .await
            .unwrap();
        let blocking = |view: &orders::OrderView| -> Vec<String> {
            view.reasons
                .iter()
                .filter(|r| r.severity == "blocking")
                .map(|r| r.id.clone())
                .collect()
        };
        assert!(
            blocking(&orders::order(&app, &intake, id).await.unwrap())
                .contains(&"PAP-SLEEP-TEST".to_owned())
        );

        let abn = |reason: &str, option: &str, line: &str| orders::AbnForm {
            line: line.into(),
            reason: reason.into(),
            option_chosen: option.into(),
            signed_date: "2026-11-25".into(),
        };
        let err = orders::record_abn(&app, &intake, id, &abn("May deny", "1", "1"))
            .await
            .unwrap_err();
        let AppError::Invalid(errors) = err else {
            panic!("{err:?}")
        };
        assert!(errors.for_field("reason").unwrap().contains("blanket"));
        assert!(
            orders::record_abn(
                &app,
                &intake,
                id,
                &abn("No qualifying sleep test on file yet", "1", "2")
            )
            .await
            .is_err()
        );
        assert!(
            orders::record_abn(
                &app,
                &intake,
                id,
                &abn("No qualifying sleep test on file yet", "4", "1")
            )
            .await
            .is_err()
        );

        orders::record_abn(
            &app,
            &intake,
            id,
            &abn("No qualifying sleep test on file yet", "1", "1"),
        )
        .await
        .unwrap();
        let view = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(view.abns.len(), 1);
        assert!(
            !blocking(&view).contains(&"PAP-SLEEP-TEST".to_owned()),
            "{:?}",
            view.reasons
        );
        assert!(
            view.reasons
                .iter()
                .any(|r| r.id == "PAP-SLEEP-TEST" && r.severity == "warning")
        );
        assert!(
            blocking(&view).contains(&"SWO-SIGNATURE".to_owned()),
            "an ABN never covers the order itself"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_intake_queue_lists_prior_authorizations_ending_soon() {
    for db in every_backend().await {
        let (app, patient, _) = setup(&db).await;
        let intake = actor(Role::Intake);
        let payer_id = medicare_payer(&app).await;
        let affirmed = |decision: &str, expiry: Option<&str>| prior_auth::PriorAuthForm {
            patient_id: patient.clone(),
            payer_id: payer_id.to_string(),
            hcpcs: "K0823".into(),
            rent_or_buy: "rental".into(),
            status: "affirmed".into(),
            utn: Some("A1B2C3D4E5F6G7".into()),
            decision_date: Some(decision.into()),
            expiry_date: expiry.map(str::to_owned),
            ..Default::default()
        };
        // Today is 2026-11-27; power mobility decisions last six months.
        let soon = prior_auth::save(&app, &intake, None, &affirmed("2026-06-10", None))
            .await
            .unwrap();
        let later = prior_auth::save(&app, &intake, None, &affirmed("2026-11-01", None))
            .await
            .unwrap();
        let printed = prior_auth::save(
            &app,
            &intake,
            None,
            &affirmed("2026-11-01", Some("2026-12-05")),
        )
        .await
        .unwrap();
        let long_gone = prior_auth::save(&app, &intake, None, &affirmed("2025-01-10", None))
            .await
            .unwrap();
        let ids: Vec<_> = prior_auth::expiring(&app, &intake, 30)
            .await
            .unwrap()
            .into_iter()
            .map(|pa| pa.id)
            .collect();
        assert_eq!(
            ids,
            [printed, soon],
            "soonest first; {later} and {long_gone} are not ending soon"
        );
        db.finish().await;
    }
}

/// The patient of `setup`, under another name and without an MBI.
fn patient_named(family_name: &str) -> PatientForm {
    PatientForm {
        family_name: family_name.into(),
        given_name: "Rosa".into(),
        birth_date: "1950-01-02".into(),
        sex: "female".into(),
        home_line1: "3 Oak Street".into(),
        home_city: "Columbus".into(),
        home_state: "OH".into(),
        home_postal_code: "43215".into(),
        ..PatientForm::default()
    }
}

/// A prescriber other than `setup`'s, with this NPI and family name.
fn prescriber_named(npi: &str, family_name: &str) -> PrescriberForm {
    PrescriberForm {
        npi: npi.into(),
        given_name: "Grace".into(),
        family_name: family_name.into(),
        line1: "2 Clinic Way".into(),
        city: "Dayton".into(),
        state: "OH".into(),
        postal_code: "45402".into(),
        ..PrescriberForm::default()
    }
}

#[tokio::test]
async fn names_are_stored_in_one_form_and_control_or_invisible_names_write_nothing() {
    for db in every_backend().await {
        let label = db.label();
        let (app, _, _) = setup(&db).await;
        let intake = actor(Role::Intake);
        let bad = [
            ("Nul\0l", "Remove the control character"),
            ("\u{1}\u{7}", "Remove the control character"),
            ("\u{200B}\u{200D}\u{FEFF}", "Type visible letters"),
            ("\u{202E}nairB", "Remove the direction-changing character"),
        ];
        for (name, message) in bad {
            let refused = patients::create(&app, &intake, &patient_named(name), None).await;
            match refused {
                Err(AppError::Invalid(errors)) => assert!(
                    errors
                        .for_field("family_name")
                        .unwrap()
                        .starts_with(message),
                    "{label}: {name:?}: {errors:?}"
                ),
                other => panic!("{label}: {name:?}: {other:?}"),
            }
            let refused =
                directory::add_prescriber(&app, &intake, &prescriber_named("1245319599", name))
                    .await;
            match refused {
                Err(AppError::Invalid(errors)) => assert!(
                    errors
                        .for_field("family_name")
                        .unwrap()
                        .starts_with(message),
                    "{label}: {name:?}: {errors:?}"
                ),
                other => panic!("{label}: {name:?}: {other:?}"),
            }
        }
        let found = patients::search(&app, &intake, "rosa", 0).await.unwrap();
        assert!(
            found.items.is_empty(),
            "{label}: a refused patient was written"
        );

        // "Pérez" typed with a combining accent is stored precomposed (NFC).
        let Created::Patient(id) =
            patients::create(&app, &intake, &patient_named("Pe\u{301}rez"), None)
                .await
                .unwrap()
        else {
            panic!("{label}: a new patient")
        };
        let stored = patients::edit_form(&app, &intake, id).await.unwrap();
        assert_eq!(stored.family_name, "P\u{e9}rez", "{label}");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_taken_npi_is_reported_on_its_field_and_no_other_broken_rule_is() {
    for db in every_backend().await {
        let label = db.label();
        let (app, _, _) = setup(&db).await;
        let intake = actor(Role::Intake);
        let taken =
            directory::add_prescriber(&app, &intake, &prescriber_named("1234567893", "Hopper"))
                .await;
        match taken {
            Err(AppError::Invalid(errors)) => assert_eq!(
                errors.for_field("npi"),
                Some("A prescriber with this NPI is already on file."),
                "{label}"
            ),
            other => panic!("{label}: {other:?}"),
        }
        // Another unique rule (one this test adds) broken by a new NPI is not a taken NPI.
        db.store
            .conn()
            .execute_unprepared(
                "CREATE UNIQUE INDEX prescribers_family_for_test ON prescribers (family_name)",
            )
            .await
            .unwrap();
        let other =
            directory::add_prescriber(&app, &intake, &prescriber_named("1245319599", "Lovelace"))
                .await;
        assert!(
            matches!(&other, Err(AppError::Conflict(message)) if !message.contains("NPI")),
            "{label}: {other:?}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn an_order_moves_only_as_the_state_machine_allows() {
    use durable_domain::orders::{CANCEL_CLOSED, CHANGE_CLOSED, RELEASE_NOT_HELD};

    for db in every_backend().await {
        let label = db.label();
        let (app, patient, prescriber) = setup(&db).await;
        let intake = actor(Role::Intake);
        let billing = actor(Role::Billing);
        let form = cpap_order(&patient, &prescriber);
        let id = orders::place(&app, &intake, &form).await.unwrap();
        let reason = "Sleep study on its way by fax; supervisor approved";
        orders::override_hold(&app, &billing, id, reason)
            .await
            .unwrap();
        let refused = |err: AppError, expected: &str| match err {
            AppError::Conflict(message) => assert_eq!(message, expected, "{label}"),
            other => panic!("{label}: {other:?}"),
        };
        // Ready is not on hold: nothing to release.
        let err = orders::override_hold(&app, &billing, id, reason)
            .await
            .unwrap_err();
        refused(err, RELEASE_NOT_HELD.message);

        orders::cancel(&app, &intake, id, "The patient chose another supplier.")
            .await
            .unwrap();
        let err = orders::cancel(&app, &intake, id, "Cancelled twice by mistake.")
            .await
            .unwrap_err();
        refused(err, CANCEL_CLOSED.message);
        let err = orders::update(&app, &intake, id, &form).await.unwrap_err();
        refused(err, CHANGE_CLOSED.message);

        // Refused moves leave the status and the history as they were.
        let order = orders::order(&app, &intake, id).await.unwrap();
        assert_eq!(order.status, "cancelled", "{label}");
        let statuses: Vec<&str> = order.history.iter().map(|e| e.status.as_str()).collect();
        assert_eq!(statuses, ["hold", "ready", "cancelled"], "{label}");
        db.finish().await;
    }
}
