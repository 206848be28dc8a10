//! Inventory on every backend: receiving by serial with partial receipts and refusals that write
//! nothing, asset commands through the state machine, custody per asset and per patient, stock
//! through the ledger, suggested orders, and recalls that find every patient who held a unit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::catalog::{self, ProductForm};
use durable_app::inventory::{
    self, AssetCommandForm, AssetQuery, MovementForm, PurchaseOrderForm, PurchaseOrderLineForm,
    RangeForm, RecallForm, ReceiptForm, ReceiptLineForm, ReorderRuleForm, VendorForm,
};
use durable_app::patients::{self, Created, PatientForm};
use durable_app::{App, AppError};
use durable_domain::clock::Clock;
use durable_domain::ids::{AssetId, LocationId, OrderId, PatientId, ProductId, PurchaseOrderId};
use durable_domain::role::Role;
use durable_store::directory::Supplier;
use durable_store::inventory as store;
use durable_store::testing::location;
use durable_store::testing::{TestDb, every_backend};
use time::macros::datetime;
use uuid::Uuid;

mod common;
use common::actor;

pub struct World {
    pub app: App,
    pub warehouse: LocationId,
    pub van: LocationId,
    pub concentrator: ProductId,
    pub tubing: ProductId,
    pub patient: PatientId,
    pub order: OrderId,
    pub prescriber: String,
}

async fn patient(app: &App, family: &str, phone: &str) -> PatientId {
    let form = PatientForm {
        family_name: family.into(),
        given_name: "Ann".into(),
        birth_date: "1950-02-03".into(),
        sex: "female".into(),
        home_line1: "3 Oak St".into(),
        home_city: "Columbus".into(),
        home_state: "OH".into(),
        home_postal_code: "43215".into(),
        phone_mobile: Some(phone.into()),
        ..PatientForm::default()
    };
    let Created::Patient(id) = patients::create(app, &actor(Role::Intake), &form, None)
        .await
        .unwrap()
    else {
        panic!("no duplicates in a fresh database");
    };
    id
}

/// An order of one line for the patient, released to Ready (units are reserved only for Ready
/// orders) when the documentation checker held it.
async fn order_with(
    app: &App,
    patient: PatientId,
    prescriber: &str,
    line: durable_app::orders::LineForm,
) -> OrderId {
    let id = durable_app::orders::place(
        app,
        &actor(Role::Intake),
        &durable_app::orders::OrderForm {
            patient_id: patient.to_string(),
            prescriber_id: prescriber.into(),
            order_date: "2026-11-20".into(),
            diagnoses: "J44.9".into(),
            lines: vec![line],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let intake = actor(Role::Intake);
    if durable_app::orders::order(app, &intake, id)
        .await
        .unwrap()
        .status
        == "hold"
    {
        durable_app::orders::override_hold(app, &intake, id, "Documents checked on paper.")
            .await
            .unwrap();
    }
    id
}

/// An oxygen concentrator order written by HCPCS code alone, naming no product.
async fn order_for(app: &App, patient: PatientId, prescriber: &str) -> OrderId {
    let line = durable_app::orders::LineForm {
        hcpcs: Some("E1390".into()),
        rent_or_buy: "rental".into(),
        ..Default::default()
    };
    order_with(app, patient, prescriber, line).await
}

/// An order for one unit of `product`.
async fn product_order(w: &World, product: ProductId, rent_or_buy: &str) -> OrderId {
    let line = durable_app::orders::LineForm {
        product_id: Some(product.to_string()),
        rent_or_buy: rent_or_buy.into(),
        ..Default::default()
    };
    order_with(&w.app, w.patient, &w.prescriber, line).await
}

async fn world(db: &TestDb) -> World {
    let app = App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-11-27 15:00 UTC)),
    );
    let (warehouse, van) = (
        location("Main warehouse", "warehouse"),
        location("Van 1", "vehicle"),
    );
    let ids = (
        LocationId::from_uuid(warehouse.id),
        LocationId::from_uuid(van.id),
    );
    let tx = app.store.begin_write().await.unwrap();
    durable_store::directory::insert_supplier(
        tx.conn(),
        Supplier {
            id: Uuid::now_v7(),
            name: "Test DME".into(),
            npi: "1234567893".into(),
            phone: "6145550100".into(),
        },
        vec![warehouse, van],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    catalog::ensure_bundled_hcpcs(&app).await.unwrap();
    let admin = actor(Role::Admin);
    let product = |name: &str, model: &str, hcpcs: &str, serialized: bool| ProductForm {
        name: name.into(),
        manufacturer: "Inogen".into(),
        model: model.into(),
        hcpcs: hcpcs.into(),
        serialized: serialized.then(|| "true".into()),
        ..ProductForm::default()
    };
    let concentrator = catalog::add_product(
        &app,
        &admin,
        &product("Oxygen concentrator", "One G5", "E1390", true),
    )
    .await
    .unwrap();
    let tubing = catalog::add_product(
        &app,
        &admin,
        &product("Oxygen tubing", "T7", "A4616", false),
    )
    .await
    .unwrap();
    let patient = patient(&app, "Rivera", "(614) 555-0101").await;
    let prescriber = common::prescriber(&app).await;
    let order = order_for(&app, patient, &prescriber.to_string()).await;
    World {
        app,
        warehouse: ids.0,
        van: ids.1,
        concentrator,
        tubing,
        patient,
        order,
        prescriber: prescriber.to_string(),
    }
}

async fn purchase_order(w: &World, lines: Vec<(ProductId, i64)>) -> PurchaseOrderId {
    let admin = actor(Role::Admin);
    let vendor = inventory::add_vendor(
        &w.app,
        &admin,
        &VendorForm {
            name: format!("Vendor {}", Uuid::now_v7()),
            phone: "6145550199".into(),
            email: None,
        },
    )
    .await
    .unwrap();
    inventory::place_order(
        &w.app,
        &admin,
        &PurchaseOrderForm {
            vendor_id: vendor.to_string(),
            location_id: w.warehouse.to_string(),
            lines: lines
                .into_iter()
                .map(|(product, quantity)| PurchaseOrderLineForm {
                    product_id: product.to_string(),
                    quantity,
                    unit_cost: Some("1,295.00".into()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

fn line(quantity: i64, serials: &[&str]) -> ReceiptLineForm {
    ReceiptLineForm {
        quantity,
        serials: serials.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    }
}

fn invalid(err: AppError) -> Vec<String> {
    match err {
        AppError::Invalid(errors) => errors.errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

async fn asset_by_serial(w: &World, serial: &str) -> AssetId {
    inventory::find_by_serial(&w.app, &actor(Role::Technician), serial)
        .await
        .unwrap()
        .unwrap()
}

async fn command(w: &World, id: AssetId, form: AssetCommandForm) -> Result<(), AppError> {
    inventory::run_command(&w.app, &actor(Role::Technician), id, &form).await
}

/// Orders and receives one concentrator with this serial.
async fn receive_one(w: &World, serial: &str) -> AssetId {
    let po = purchase_order(w, vec![(w.concentrator, 1)]).await;
    inventory::receive(
        &w.app,
        &actor(Role::Technician),
        po,
        &ReceiptForm {
            lines: vec![line(1, &[serial])],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    asset_by_serial(w, serial).await
}

fn cmd(name: &str) -> AssetCommandForm {
    AssetCommandForm {
        command: name.into(),
        method: Some("Quaternary ammonium wipe".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn receiving_by_serial_with_partial_receipts_and_clear_refusals() {
    for db in every_backend().await {
        let w = world(&db).await;
        let tech = actor(Role::Technician);
        let po = purchase_order(&w, vec![(w.concentrator, 3), (w.tubing, 10)]).await;

        // Over-receipt without override, a negative quantity, a serial count mismatch: all
        // refused with fields, and nothing is written.
        let err = inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(4, &["A1", "A2", "A3", "A4"]), line(-1, &[])],
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["lines[0].quantity", "lines[1].quantity"]);
        let err = inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(2, &["A1"]), line(0, &[])],
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["lines[0].serials"]);
        assert!(
            store::search_assets(&w.app.store, &Default::default(), 0, 10)
                .await
                .unwrap()
                .is_empty()
        );

        // A partial receipt: two concentrators by serial and four tubes.
        inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(2, &["og5-1001", "OG5 1002"]), line(4, &[])],
                warranty_end: Some("2029-11-27".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let view = inventory::purchase_order(&w.app, &tech, po).await.unwrap();
        assert_eq!(view.order.status, "partial");
        assert_eq!((view.lines[0].received, view.lines[1].received), (2, 4));
        assert_eq!(view.assets.len(), 2);

        // The same serial again (other separators) is a duplicate for the same manufacturer.
        let err = inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(1, &["OG5-1002"]), line(0, &[])],
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["lines[0].serials[0]"]);

        // More than ordered with an override reason is accepted, and completes the order.
        inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(1, &["OG5-1003"]), line(8, &[])],
                override_reason: Some("Vendor shipped a full case".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let view = inventory::purchase_order(&w.app, &tech, po).await.unwrap();
        assert_eq!(view.order.status, "received");
        let stock = inventory::location_stock(&w.app, &tech, w.warehouse)
            .await
            .unwrap();
        assert_eq!(stock.stock, [("Oxygen tubing".to_owned(), None, 12)]);
        assert!(
            stock
                .units
                .iter()
                .any(|u| u.0.as_deref() == Some("clean") && u.3 == 3)
        );

        // A receipt on a closed order is a conflict.
        let err = inventory::receive(&w.app, &tech, po, &ReceiptForm::default())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)));

        // Sales cannot see inventory at all.
        let err = inventory::search(&w.app, &actor(Role::Sales), &AssetQuery::default(), 0)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        db.finish().await;
    }
}

#[tokio::test]
async fn commands_follow_the_state_machine_and_custody_names_patients_to_those_who_may_see_them() {
    for db in every_backend().await {
        let w = world(&db).await;
        let po = purchase_order(&w, vec![(w.concentrator, 2)]).await;
        inventory::receive(
            &w.app,
            &actor(Role::Technician),
            po,
            &ReceiptForm {
                lines: vec![line(2, &["OG5-2001", "OG5-2002"])],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (one, two) = (
            asset_by_serial(&w, "og5 2001").await,
            asset_by_serial(&w, "OG52002").await,
        );
        let reserve = AssetCommandForm {
            command: "reserve".into(),
            patient_id: Some(w.patient.to_string()),
            order_id: Some(w.order.to_string()),
            ..Default::default()
        };
        command(&w, one, reserve.clone()).await.unwrap();
        command(&w, one, cmd("deliver")).await.unwrap();
        command(&w, one, cmd("return")).await.unwrap();
        // A dirty unit is never reserved: the machine's sentence comes back as a conflict.
        let err = command(&w, one, reserve.clone()).await.unwrap_err();
        match err {
            AppError::Conflict(message) => assert_eq!(
                message,
                "A dirty unit cannot be reserved: clean and inspect it first."
            ),
            other => panic!("{other:?}"),
        }
        command(&w, one, cmd("clean")).await.unwrap();
        command(&w, one, cmd("inspect_pass")).await.unwrap();
        // A quarantined unit is never reserved either.
        let mut quarantine = cmd("quarantine");
        quarantine.reason = Some("Cracked housing".into());
        command(&w, two, quarantine).await.unwrap();
        assert!(matches!(
            command(&w, two, reserve.clone()).await,
            Err(AppError::Conflict(_))
        ));
        // Moving between locations keeps the state; bad input is a field error.
        let mut move_to = cmd("move");
        move_to.location_id = Some(w.van.to_string());
        command(&w, one, move_to).await.unwrap();
        let err = command(&w, one, cmd("teleport")).await.unwrap_err();
        assert_eq!(invalid(err), ["command"]);
        let mut bad = reserve.clone();
        bad.order_id = Some(Uuid::now_v7().to_string());
        assert_eq!(
            invalid(command(&w, one, bad).await.unwrap_err()),
            ["order_id"]
        );

        let page = inventory::asset(&w.app, &actor(Role::Technician), one)
            .await
            .unwrap();
        let steps: Vec<&str> = page.custody.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(
            steps,
            [
                "receive",
                "reserve",
                "deliver",
                "return",
                "clean",
                "inspect_pass",
                "move"
            ]
        );
        assert_eq!(page.asset.location_name, "Van 1");
        assert_eq!(
            page.custody[1].patient.as_ref().unwrap().name,
            "Rivera, Ann"
        );
        assert_eq!(page.care.len(), 2);
        assert!(page.commands.contains(&"reserve".to_owned()));
        // The administrator sees that a patient had it, not who.
        let page = inventory::asset(&w.app, &actor(Role::Admin), one)
            .await
            .unwrap();
        assert!(page.custody[1].patient.is_none() && page.custody[1].patient_withheld);

        let held = inventory::patient_assets(&w.app, &actor(Role::Intake), w.patient)
            .await
            .unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].asset.serial, "OG5-2001");
        assert!(!held[0].current);
        // Reading it was audited with the patient named.
        let tx = w.app.store.begin_write().await.unwrap();
        durable_store::audit::index_pending(tx.conn(), 10_000)
            .await
            .unwrap();
        let events = durable_store::audit::search(
            tx.conn(),
            &durable_store::audit::Filter {
                patient_id: Some(w.patient.as_uuid()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        for action in ["asset.command", "asset.read", "patient.assets"] {
            assert!(events.iter().any(|e| e.row.action == action), "{action}");
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn stock_moves_through_the_ledger_and_short_lines_are_suggested() {
    for db in every_backend().await {
        let w = world(&db).await;
        let tech = actor(Role::Technician);
        let movement = |kind: &str| MovementForm {
            kind: kind.into(),
            location_id: w.warehouse.to_string(),
            product_id: w.tubing.to_string(),
            ..Default::default()
        };
        inventory::record_movement(
            &w.app,
            &tech,
            &MovementForm {
                quantity: Some(20),
                ..movement("receive")
            },
        )
        .await
        .unwrap();
        inventory::record_movement(
            &w.app,
            &tech,
            &MovementForm {
                quantity: Some(5),
                to_location_id: Some(w.van.to_string()),
                ..movement("transfer")
            },
        )
        .await
        .unwrap();
        let err = inventory::record_movement(
            &w.app,
            &tech,
            &MovementForm {
                quantity: Some(16),
                ..movement("issue")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["quantity"]);
        let err = inventory::record_movement(
            &w.app,
            &tech,
            &MovementForm {
                quantity: Some(-3),
                ..movement("issue")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["quantity"]);
        inventory::record_movement(
            &w.app,
            &tech,
            &MovementForm {
                counted: Some(9),
                ..movement("count")
            },
        )
        .await
        .unwrap();
        let on_hand = |l: LocationId| {
            let app = w.app.clone();
            let p = w.tubing;
            async move {
                store::on_hand(app.store.conn(), l.as_uuid(), p.as_uuid(), None)
                    .await
                    .unwrap()
            }
        };
        assert_eq!((on_hand(w.warehouse).await, on_hand(w.van).await), (9, 5));

        inventory::set_reorder_rule(
            &w.app,
            &actor(Role::Admin),
            &ReorderRuleForm {
                location_id: w.warehouse.to_string(),
                product_id: w.tubing.to_string(),
                reorder_point: 12,
                reorder_quantity: 10,
            },
        )
        .await
        .unwrap();
        let suggestions = inventory::suggested_orders(&w.app, &tech).await.unwrap();
        assert_eq!(suggestions.len(), 1);
        assert_eq!((suggestions[0].on_hand, suggestions[0].quantity), (9, 10));
        // Once ordered, the line is no longer short.
        purchase_order(&w, vec![(w.tubing, 10)]).await;
        assert!(
            inventory::suggested_orders(&w.app, &tech)
                .await
                .unwrap()
                .is_empty()
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_recall_quarantines_stock_and_lists_every_patient_who_held_a_unit() {
    for db in every_backend().await {
        let w = world(&db).await;
        let tech = actor(Role::Technician);
        let po = purchase_order(&w, vec![(w.concentrator, 4)]).await;
        inventory::receive(
            &w.app,
            &tech,
            po,
            &ReceiptForm {
                lines: vec![line(4, &["SN0999", "SN1000", "SN01500", "SN2000"])],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let second = patient(&w.app, "Chen", "(614) 555-0102").await;
        let second_order = order_for(&w.app, second, &w.prescriber).await;
        let (a, b) = (
            asset_by_serial(&w, "SN1000").await,
            asset_by_serial(&w, "SN01500").await,
        );
        // SN1000 went to Rivera and came back; SN01500 is at Chen's home now.
        for (asset, patient, order) in [(a, w.patient, w.order), (b, second, second_order)] {
            command(
                &w,
                asset,
                AssetCommandForm {
                    command: "reserve".into(),
                    patient_id: Some(patient.to_string()),
                    order_id: Some(order.to_string()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            command(&w, asset, cmd("deliver")).await.unwrap();
        }
        command(&w, a, cmd("return")).await.unwrap();

        let form = RecallForm {
            title: "FA-2026-11 battery overheating".into(),
            manufacturer: "INOGEN".into(),
            model: Some("one-g5".into()),
            serial_ranges: vec![RangeForm {
                first: "SN1000".into(),
                last: "SN1999".into(),
            }],
            ..Default::default()
        };
        let err = inventory::open_campaign(&w.app, &actor(Role::Technician), &form)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        let err = inventory::open_campaign(
            &w.app,
            &actor(Role::Compliance),
            &RecallForm {
                title: String::new(),
                ..form.clone()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(invalid(err), ["title"]);
        let id = inventory::open_campaign(&w.app, &actor(Role::Compliance), &form)
            .await
            .unwrap();

        let view = inventory::recall(&w.app, &actor(Role::Intake), id)
            .await
            .unwrap();
        let serials: Vec<&str> = view.units.iter().map(|u| u.asset.serial.as_str()).collect();
        assert_eq!(serials, ["SN01500", "SN1000"]);
        let statuses: Vec<(&str, &str)> = view
            .units
            .iter()
            .map(|u| (u.asset.state.as_str(), u.status.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [("delivered", "open"), ("quarantined", "quarantined")]
        );
        let names: Vec<&str> = view
            .patients
            .iter()
            .map(|p| p.patient.name.as_str())
            .collect();
        assert_eq!(names, ["Chen, Ann", "Rivera, Ann"]);
        assert_eq!(view.patients[0].phones, ["6145550102"]);
        assert!(view.patients[0].holds_now && !view.patients[1].holds_now);
        // The administrator runs the recall without seeing who the patients are.
        let view = inventory::recall(&w.app, &actor(Role::Admin), id)
            .await
            .unwrap();
        assert!(view.patients.is_empty());
        assert_eq!(view.patient_count, 2);
        // A quarantined unit cannot be reserved.
        assert!(matches!(
            command(
                &w,
                a,
                AssetCommandForm {
                    command: "reserve".into(),
                    patient_id: Some(w.patient.to_string()),
                    order_id: Some(w.order.to_string()),
                    ..Default::default()
                }
            )
            .await,
            Err(AppError::Conflict(_))
        ));
        inventory::record_progress(
            &w.app,
            &actor(Role::Compliance),
            id,
            &inventory::UnitProgressForm {
                asset_id: b.to_string(),
                status: "contacted".into(),
                note: Some("Exchange booked for Monday".into()),
            },
        )
        .await
        .unwrap();
        let view = inventory::recall(&w.app, &actor(Role::Compliance), id)
            .await
            .unwrap();
        assert_eq!(view.units[0].status, "contacted");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_label_is_a_pdf_with_one_page() {
    let pdf = inventory::label::render("Inogen One G5", "OG5-1001").unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Type /Page"));
    assert!(text.contains("(SN OG5-1001) Tj"));
}

#[tokio::test]
async fn a_unit_is_reserved_for_an_open_order_of_its_product() {
    for db in every_backend().await {
        let w = world(&db).await;
        let intake = actor(Role::Intake);
        let order = product_order(&w, w.concentrator, "rental").await;
        let unit = receive_one(&w, "OG5-3001").await;

        // An order for another product (tubing) of the same patient is never offered.
        let tubing_order = product_order(&w, w.tubing, "purchase").await;

        // The technician is offered the open orders that ask for this product, by product or
        // by its HCPCS code alone (the world's order), most recently changed first, with the
        // patient's name; the administrator sees the orders but not whose they are.
        let page = inventory::asset(&w.app, &actor(Role::Technician), unit)
            .await
            .unwrap();
        let offered: Vec<OrderId> = page.open_orders.iter().map(|o| o.order_id).collect();
        assert_eq!(offered, [order, w.order], "{}", db.label());
        assert_eq!(
            page.open_orders[0].patient.as_ref().unwrap().name,
            "Rivera, Ann"
        );
        assert_eq!(page.reserve_refusal, None);
        let page = inventory::asset(&w.app, &actor(Role::Admin), unit)
            .await
            .unwrap();
        assert_eq!(page.open_orders.len(), 2);
        assert!(page.open_orders[0].patient.is_none());
        // Intake reads inventory but does not move it: no orders offered.
        let page = inventory::asset(&w.app, &intake, unit).await.unwrap();
        assert!(page.open_orders.is_empty());

        // The technician's read named the patient in the audit trail; the administrator's,
        // which showed no name, did not.
        let tx = w.app.store.begin_write().await.unwrap();
        durable_store::audit::index_pending(tx.conn(), 10_000)
            .await
            .unwrap();
        let reads: Vec<String> = durable_store::audit::search(
            tx.conn(),
            &durable_store::audit::Filter {
                patient_id: Some(w.patient.as_uuid()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.row.action == "asset.read")
        .map(|e| e.row.actor_name)
        .collect();
        tx.commit().await.unwrap();
        assert_eq!(reads, ["technician"], "{}", db.label());

        // An order that asks for another product is refused, and writes nothing.
        let for_tubing = AssetCommandForm {
            command: "reserve".into(),
            order_id: Some(tubing_order.to_string()),
            ..Default::default()
        };
        let err = command(&w, unit, for_tubing).await.unwrap_err();
        assert_eq!(invalid(err), ["order_id"]);

        // Naming only the order reserves the unit for the order's patient.
        let reserve = AssetCommandForm {
            command: "reserve".into(),
            order_id: Some(order.to_string()),
            ..Default::default()
        };
        command(&w, unit, reserve).await.unwrap();
        // Reserved, it is offered for no order, and the page says why.
        let page = inventory::asset(&w.app, &actor(Role::Technician), unit)
            .await
            .unwrap();
        assert!(page.open_orders.is_empty());
        assert!(page.reserve_refusal.is_some());
        let row = store::asset(w.app.store.conn(), unit.as_uuid())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.state, "reserved");
        assert_eq!(row.patient_id, Some(w.patient.as_uuid()));
        assert_eq!(row.order_id, Some(order.as_uuid()));

        // The order asked for one unit and has it: a second unit is offered only the world's
        // order, and reserving it for the filled order is refused with nothing written.
        let second = receive_one(&w, "OG5-3002").await;
        let page = inventory::asset(&w.app, &actor(Role::Technician), second)
            .await
            .unwrap();
        let offered: Vec<OrderId> = page.open_orders.iter().map(|o| o.order_id).collect();
        assert_eq!(offered, [w.order], "{}", db.label());
        let again = AssetCommandForm {
            command: "reserve".into(),
            order_id: Some(order.to_string()),
            ..Default::default()
        };
        let err = command(&w, second, again).await.unwrap_err();
        assert_eq!(invalid(err), ["order_id"]);
        let row = store::asset(w.app.store.conn(), second.as_uuid())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.state.as_str(), row.order_id), ("available", None));
        // Delivered, the first unit still fills the order; returned, it no longer does.
        command(&w, unit, cmd("deliver")).await.unwrap();
        let page = inventory::asset(&w.app, &actor(Role::Technician), second)
            .await
            .unwrap();
        assert_eq!(page.open_orders.len(), 1);
        command(&w, unit, cmd("return")).await.unwrap();
        let page = inventory::asset(&w.app, &actor(Role::Technician), second)
            .await
            .unwrap();
        let offered: Vec<OrderId> = page.open_orders.iter().map(|o| o.order_id).collect();
        assert_eq!(offered, [order, w.order], "{}", db.label());
        db.finish().await;
    }
}

#[tokio::test]
async fn product_settings_are_checked_and_change_how_a_unit_is_reprocessed() {
    use durable_app::inventory::ProductSettingsForm;
    for db in every_backend().await {
        let w = world(&db).await;
        let admin = actor(Role::Admin);
        let form = |tracking: &str, memory: Option<&str>| ProductSettingsForm {
            product_id: w.concentrator.to_string(),
            lot_tracking: tracking.into(),
            keeps_patient_data: memory.map(str::to_owned),
        };
        let defaults = inventory::product_settings(&w.app, &admin, w.concentrator)
            .await
            .unwrap();
        assert_eq!(defaults.lot_tracking, "none");
        assert!(!defaults.keeps_patient_data);

        let err = inventory::set_product_settings(&w.app, &admin, &form("batch", Some("yes")))
            .await
            .unwrap_err();
        assert_eq!(invalid(err), ["lot_tracking", "keeps_patient_data"]);
        let mut unknown = form("lot", None);
        unknown.product_id = Uuid::now_v7().to_string();
        let err = inventory::set_product_settings(&w.app, &admin, &unknown)
            .await
            .unwrap_err();
        assert_eq!(invalid(err), ["product_id"]);
        let err = inventory::set_product_settings(
            &w.app,
            &actor(Role::Technician),
            &form("none", Some("true")),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
        assert_eq!(
            inventory::product_settings(&w.app, &admin, w.concentrator)
                .await
                .unwrap(),
            defaults,
            "refusals write nothing"
        );

        inventory::set_product_settings(&w.app, &admin, &form("none", Some("true")))
            .await
            .unwrap();
        let saved = inventory::product_settings(&w.app, &admin, w.concentrator)
            .await
            .unwrap();
        assert!(saved.keeps_patient_data);
        // A returned unit of a model with memory must be wiped before it can be cleaned.
        let unit = receive_one(&w, "OG5-4001").await;
        let reserve = AssetCommandForm {
            command: "reserve".into(),
            order_id: Some(w.order.to_string()),
            ..Default::default()
        };
        command(&w, unit, reserve).await.unwrap();
        command(&w, unit, cmd("deliver")).await.unwrap();
        command(&w, unit, cmd("return")).await.unwrap();
        let page = inventory::asset(&w.app, &actor(Role::Technician), unit)
            .await
            .unwrap();
        assert!(
            page.commands.contains(&"wipe".to_owned()),
            "{:?}",
            page.commands
        );
        assert!(
            !page.commands.contains(&"clean".to_owned()),
            "{:?}",
            page.commands
        );
        db.finish().await;
    }
}

/// Makes every insert into `table` fail as a full disk would: not a broken rule of the schema.
async fn fail_inserts(db: &TestDb, table: &str) {
    use sea_orm::ConnectionTrait;
    let statements = match db.store.backend() {
        durable_store::Backend::Sqlite => vec![format!(
            "CREATE TRIGGER fail_for_test BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
        )],
        durable_store::Backend::Postgres => vec![
            "CREATE FUNCTION fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             RAISE EXCEPTION 'could not extend file: No space left on device' \
             USING ERRCODE = 'disk_full'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER fail_for_test BEFORE INSERT ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION fail_for_test()"
            ),
        ],
    };
    for statement in statements {
        db.store
            .conn()
            .execute_unprepared(&statement)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_failed_write_while_receiving_is_not_blamed_on_the_serials() {
    for db in every_backend().await {
        let label = db.label();
        let w = world(&db).await;
        let po = purchase_order(&w, vec![(w.concentrator, 1)]).await;
        fail_inserts(&db, "assets").await;
        let err = inventory::receive(
            &w.app,
            &actor(Role::Technician),
            po,
            &ReceiptForm {
                lines: vec![line(1, &["OG5-9001"])],
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Internal(_)), "{label}: {err:?}");
        let view = inventory::purchase_order(&w.app, &actor(Role::Technician), po)
            .await
            .unwrap();
        assert_eq!(view.order.status, "open", "{label}: nothing was received");
        assert!(view.assets.is_empty(), "{label}");
        db.finish().await;
    }
}
