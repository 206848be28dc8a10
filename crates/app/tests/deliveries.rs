//! Deliveries on every backend: a ticket only from a Ready order, with its units reserved; the
//! hand-over in one transaction (custody, stock, order Delivered, proof of delivery, billing
//! episodes); bad input refused with nothing written (checked by reading the database after
//! each); a second completion changes nothing; an order that stops being Ready takes its ticket
//! back to unscheduled with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use durable_app::catalog::{self, ProductForm};
use durable_app::deliveries::{
    self, CompletionForm, FailureForm, ItemScan, ScheduleForm, TicketForm,
};
use durable_app::inventory::{
    self, AssetCommandForm, MovementForm, PurchaseOrderForm, PurchaseOrderLineForm, ReceiptForm,
    ReceiptLineForm, VendorForm,
};
use durable_app::orders::{self, LineForm, OrderForm};
use durable_app::patients::{self, Created, PatientForm};
use durable_app::{Actor, App, AppError, auth, documents};
use durable_domain::clock::Clock;
use durable_domain::ids::{AssetId, DeliveryTicketId, LocationId, OrderId, PatientId, ProductId};
use durable_domain::role::Role;
use durable_store::billing_episodes;
use durable_store::directory::Supplier;
use durable_store::testing::{TestDb, every_backend, location};
use time::macros::{date, datetime};
use uuid::Uuid;

mod common;
use common::actor;

struct World {
    app: App,
    branch: LocationId,
    cpap: ProductId,
    mask: ProductId,
    patient: PatientId,
    prescriber: String,
    tech: Actor,
}

async fn world(db: &TestDb) -> World {
    let app = App::new(
        db.store.clone(),
        Clock::fixed(datetime!(2026-06-03 15:00 UTC)),
    );
    let branch = location("Columbus branch", "warehouse");
    let branch_id = LocationId::from_uuid(branch.id);
    let tx = app.store.begin_write().await.unwrap();
    durable_store::directory::insert_supplier(
        tx.conn(),
        Supplier {
            id: Uuid::now_v7(),
            name: "Buckeye Home Medical".into(),
            npi: "1234567893".into(),
            phone: "6145550100".into(),
        },
        vec![branch],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    catalog::ensure_bundled_hcpcs(&app).await.unwrap();
    let admin = actor(Role::Admin);
    let product = |name: &str, model: &str, hcpcs: &str, serialized: bool| ProductForm {
        name: name.into(),
        manufacturer: "ResMed".into(),
        model: model.into(),
        hcpcs: hcpcs.into(),
        serialized: serialized.then(|| "true".into()),
        ..ProductForm::default()
    };
    let cpap = catalog::add_product(&app, &admin, &product("CPAP", "AirSense 11", "E0601", true))
        .await
        .unwrap();
    let mask = catalog::add_product(
        &app,
        &admin,
        &product("Full face mask", "AirFit F20", "A7030", false),
    )
    .await
    .unwrap();
    let Created::Patient(patient) = patients::create(
        &app,
        &actor(Role::Intake),
        &PatientForm {
            family_name: "Rivera".into(),
            given_name: "Ana".into(),
            birth_date: "1948-03-14".into(),
            sex: "female".into(),
            home_line1: "12 Elm Street".into(),
            home_city: "Columbus".into(),
            home_state: "OH".into(),
            home_postal_code: "43215".into(),
            phone_mobile: Some("(614) 555-0101".into()),
            ..PatientForm::default()
        },
        None,
    )
    .await
    .unwrap() else {
        panic!("fresh database");
    };
    let prescriber = common::prescriber(&app).await.to_string();
    let tech_id = auth::add_user(
        &app,
        &admin,
        "tech",
        "Sam Driver",
        Role::Technician,
        "a long enough password",
    )
    .await
    .unwrap();
    let tech = Actor {
        user_id: Some(tech_id),
        ..actor(Role::Technician)
    };
    let w = World {
        app,
        branch: branch_id,
        cpap,
        mask,
        patient,
        prescriber,
        tech,
    };
    receive(&w, &["CP-1001", "CP-1002"]).await;
    inventory::record_movement(
        &w.app,
        &actor(Role::Technician),
        &MovementForm {
            kind: "receive".into(),
            location_id: w.branch.to_string(),
            product_id: w.mask.to_string(),
            quantity: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    w
}

/// Orders and receives CPAP units with these serials at the branch.
async fn receive(w: &World, serials: &[&str]) {
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
    let po = inventory::place_order(
        &w.app,
        &admin,
        &PurchaseOrderForm {
            vendor_id: vendor.to_string(),
            location_id: w.branch.to_string(),
            lines: vec![PurchaseOrderLineForm {
                product_id: w.cpap.to_string(),
                quantity: serials.len() as i64,
                unit_cost: Some("650.00".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    inventory::receive(
        &w.app,
        &actor(Role::Technician),
        po,
        &ReceiptForm {
            lines: vec![ReceiptLineForm {
                quantity: serials.len() as i64,
                serials: serials.iter().map(|s| (*s).to_owned()).collect(),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// A CPAP rental and a mask purchase; held by the documentation checker until released.
async fn cpap_order(w: &World, release: bool) -> OrderId {
    let intake = actor(Role::Intake);
    let id = orders::place(
        &w.app,
        &intake,
        &OrderForm {
            patient_id: w.patient.to_string(),
            prescriber_id: w.prescriber.clone(),
            order_date: "2026-05-20".into(),
            diagnoses: "G47.33".into(),
            lines: vec![
                LineForm {
                    product_id: Some(w.cpap.to_string()),
                    rent_or_buy: "rental".into(),
                    ..Default::default()
                },
                LineForm {
                    product_id: Some(w.mask.to_string()),
                    rent_or_buy: "purchase".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if release {
        orders::override_hold(
            &w.app,
            &intake,
            id,
            "Sleep study and notes reviewed on paper; go ahead.",
        )
        .await
        .unwrap();
    }
    id
}

async fn ticket_for(w: &World, order: OrderId) -> Result<DeliveryTicketId, AppError> {
    deliveries::create(
        &w.app,
        &actor(Role::Intake),
        &TicketForm {
            order_id: order.to_string(),
            method: "technician".into(),
            branch_id: w.branch.to_string(),
            scheduled_on: Some("2026-06-03".into()),
            technician: Some("tech".into()),
            window_start: Some("09:00".into()),
            window_end: Some("11:00".into()),
            notes: Some("Side door; small dog.".into()),
            ..Default::default()
        },
    )
    .await
}

/// A signature as the phone's canvas sends it: a transparent PNG with a dark stroke.
fn signature_png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let mut data = vec![0u8; (width * height * 4) as usize];
        for x in 0..width {
            let y = height / 2 + (x % 7);
            let at = ((y.min(height - 1) * width + x) * 4) as usize;
            data[at + 3] = 255;
        }
        writer.write_image_data(&data).unwrap();
    }
    bytes
}

/// Every check of the ticket's lists ticked, the CPAP scanned as `serial`, signed by the spouse.
async fn hand_over(w: &World, ticket: DeliveryTicketId, serial: &str) -> CompletionForm {
    let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
    CompletionForm {
        items: view
            .items
            .iter()
            .map(|i| ItemScan {
                position: i.position,
                serial: i.serialized.then(|| serial.to_owned()),
                lot: None,
            })
            .collect(),
        ticked: view
            .checklists
            .iter()
            .flat_map(|l| {
                l.checks
                    .iter()
                    .map(move |c| format!("{}.{}", l.code, c.code))
            })
            .collect(),
        signer: "designee".into(),
        signer_name: Some("Tom Rivera".into()),
        relationship: Some("spouse".into()),
        ..Default::default()
    }
}

async fn unit(w: &World, serial: &str) -> AssetId {
    inventory::find_by_serial(&w.app, &w.tech, serial)
        .await
        .unwrap()
        .unwrap()
}

async fn unit_state(w: &World, serial: &str) -> String {
    let id = unit(w, serial).await;
    inventory::asset(&w.app, &w.tech, id)
        .await
        .unwrap()
        .asset
        .state
}

async fn order_status(w: &World, order: OrderId) -> String {
    orders::order(&w.app, &actor(Role::Intake), order)
        .await
        .unwrap()
        .status
}

async fn mask_on_hand(w: &World) -> i64 {
    durable_store::inventory::on_hand(
        w.app.store.conn(),
        w.branch.as_uuid(),
        w.mask.as_uuid(),
        None,
    )
    .await
    .unwrap()
}

fn fields(err: AppError) -> Vec<String> {
    match err {
        AppError::Invalid(errors) => errors.errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// Nothing of a completion was written: ticket still scheduled, order Ready, no episode, no POD,
/// the unit still reserved and the stock untouched.
async fn nothing_written(w: &World, order: OrderId, ticket: DeliveryTicketId) {
    let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
    assert_eq!(view.status, "scheduled");
    assert!(view.pod_document_id.is_none());
    assert_eq!(order_status(w, order).await, "ready");
    assert!(
        billing_episodes::for_order(w.app.store.conn(), order.as_uuid())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(unit_state(w, "CP-1001").await, "reserved");
    assert_eq!(mask_on_hand(w).await, 5);
}

#[tokio::test]
async fn a_delivery_makes_the_order_billable() {
    for db in every_backend().await {
        let w = world(&db).await;
        let order = cpap_order(&w, true).await;
        let ticket = ticket_for(&w, order).await.unwrap();
        let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
        assert_eq!(view.status, "scheduled");
        assert_eq!(view.patient_name, "Rivera, Ana");
        assert_eq!(view.address, "12 Elm Street, Columbus, OH 43215");
        assert_eq!(view.window.as_deref(), Some("09:00–11:00"));
        assert_eq!(view.items.len(), 2);
        assert_eq!(view.items[0].reserved_serial.as_deref(), Some("CP-1001"));
        assert_eq!(unit_state(&w, "CP-1001").await, "reserved");
        let codes: Vec<&str> = view.checklists.iter().map(|l| l.code).collect();
        assert_eq!(codes, ["setup", "training", "home_safety"]);
        let stops = deliveries::stops(&w.app, &w.tech, date!(2026 - 06 - 03))
            .await
            .unwrap();
        assert_eq!(stops.len(), 1);
        assert_eq!(stops[0].stop_position, Some(1));

        let form = hand_over(&w, ticket, "cp 1001").await;
        let done = deliveries::complete(&w.app, &w.tech, ticket, &form, &signature_png(300, 120))
            .await
            .unwrap();
        assert_eq!(done.date_of_service, date!(2026 - 06 - 03));
        assert_eq!(done.episodes_opened, 2);
        assert_eq!(order_status(&w, order).await, "delivered");
        // The unit is with the patient: delivered, in their custody.
        let page = inventory::asset(&w.app, &actor(Role::Intake), unit(&w, "CP-1001").await)
            .await
            .unwrap();
        assert_eq!(page.asset.state, "delivered");
        assert_eq!(page.holder.unwrap().id, w.patient);
        assert_eq!(mask_on_hand(&w).await, 4);
        // One episode per delivered item, from the date of service.
        let episodes = billing_episodes::for_order(w.app.store.conn(), order.as_uuid())
            .await
            .unwrap();
        assert_eq!(episodes.len(), 2, "{}", db.label());
        let cpap = episodes.iter().find(|e| e.hcpcs == "E0601").unwrap();
        assert_eq!(cpap.first_date_of_service, date!(2026 - 06 - 03));
        assert_eq!(cpap.category, "capped_rental");
        assert_eq!(cpap.arrangement, "rental");
        assert_eq!(cpap.origin, "delivery");
        assert_eq!(cpap.source_id, ticket.as_uuid());
        assert_eq!(cpap.asset_id, Some(unit(&w, "CP-1001").await.as_uuid()));
        let mask = episodes.iter().find(|e| e.hcpcs == "A7030").unwrap();
        assert_eq!((mask.arrangement.as_str(), mask.units), ("purchase", 1));
        // The proof of delivery is a document of the order with every required element.
        let pod = documents::content(&w.app, &actor(Role::Intake), done.pod_document_id)
            .await
            .unwrap();
        assert_eq!(pod.content_type, "application/pdf");
        let text = String::from_utf8_lossy(&pod.bytes);
        for element in [
            "Proof of delivery",
            "Beneficiary: Rivera, Ana",
            "Delivery address: 12 Elm Street, Columbus, OH 43215",
            "Delivery date (date of service): 2026-06-03",
            "E0601",
            "CPAP (ResMed AirSense 11)",
            "CP-1001",
            "A7030",
            "Signed by Tom Rivera (Spouse), designee of the beneficiary",
            "/Subtype /Image",
        ] {
            assert!(text.contains(element), "POD lacks {element:?}");
        }
        let kinds: Vec<String> = orders::order(&w.app, &actor(Role::Intake), order)
            .await
            .unwrap()
            .documents
            .into_iter()
            .map(|d| d.kind)
            .collect();
        assert_eq!(kinds, ["pod"]);

        // Completing the same ticket again is refused and changes nothing.
        let again = deliveries::complete(&w.app, &w.tech, ticket, &form, &signature_png(300, 120))
            .await
            .unwrap_err();
        assert!(
            matches!(&again, AppError::Conflict(m) if m.contains("already completed")),
            "{again:?}"
        );
        assert_eq!(
            billing_episodes::for_order(w.app.store.conn(), order.as_uuid())
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(mask_on_hand(&w).await, 4);
        let history: Vec<String> = deliveries::ticket(&w.app, &w.tech, ticket)
            .await
            .unwrap()
            .history
            .into_iter()
            .map(|e| e.what)
            .collect();
        assert_eq!(history, ["Delivery planned", "Delivered"]);
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    for db in every_backend().await {
        let w = world(&db).await;
        let order = cpap_order(&w, true).await;
        let ticket = ticket_for(&w, order).await.unwrap();
        let good = hand_over(&w, ticket, "CP-1001").await;
        let png = signature_png(300, 120);
        let try_with = |form: CompletionForm, signature: Vec<u8>| {
            let w = &w;
            async move {
                deliveries::complete(&w.app, &w.tech, ticket, &form, &signature)
                    .await
                    .unwrap_err()
            }
        };

        // No signature.
        assert_eq!(fields(try_with(good.clone(), vec![]).await), ["signature"]);
        nothing_written(&w, order, ticket).await;
        // A supplier employee as designee, by relationship or by a staff member's name.
        let employee = CompletionForm {
            relationship: Some("supplier_employee".into()),
            ..good.clone()
        };
        assert_eq!(
            fields(try_with(employee, png.clone()).await),
            ["relationship"]
        );
        let staff_name = CompletionForm {
            signer_name: Some("sam  DRIVER".into()),
            ..good.clone()
        };
        assert_eq!(
            fields(try_with(staff_name, png.clone()).await),
            ["signer_name"]
        );
        nothing_written(&w, order, ticket).await;
        // A serial that is neither reserved nor available: unknown, or another patient's unit.
        let unknown = hand_over(&w, ticket, "ZZ-404").await;
        assert_eq!(
            fields(try_with(unknown, png.clone()).await),
            ["items[1].serial"]
        );
        inventory::run_command(
            &w.app,
            &w.tech,
            unit(&w, "CP-1002").await,
            &AssetCommandForm {
                command: "send_to_repair".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let in_repair = hand_over(&w, ticket, "CP-1002").await;
        let err = try_with(in_repair, png.clone()).await;
        match &err {
            AppError::Invalid(e) => assert_eq!(
                e.for_field("items[1].serial"),
                Some(
                    "Serial CP-1002 is neither the unit reserved for this delivery nor an available unit of the same model."
                )
            ),
            other => panic!("{other:?}"),
        }
        nothing_written(&w, order, ticket).await;
        // A signature that is not an image, or is over 1 MB.
        assert_eq!(
            fields(try_with(good.clone(), b"%PDF-1.7 not a picture".to_vec()).await),
            ["signature"]
        );
        let mut huge = png.clone();
        huge.resize(1024 * 1024 + 1, 0);
        assert_eq!(fields(try_with(good.clone(), huge).await), ["signature"]);
        // Checks left undone are named.
        let unticked = CompletionForm {
            ticked: good.ticked[1..].to_vec(),
            ..good.clone()
        };
        assert_eq!(
            fields(try_with(unticked, png.clone()).await),
            ["checklists"]
        );
        nothing_written(&w, order, ticket).await;
        // The right input still works afterwards.
        deliveries::complete(&w.app, &w.tech, ticket, &good, &png)
            .await
            .unwrap();
        db.finish().await;
    }
}

#[tokio::test]
async fn another_available_unit_of_the_model_may_be_handed_over() {
    for db in every_backend().await {
        let w = world(&db).await;
        let order = cpap_order(&w, true).await;
        let ticket = ticket_for(&w, order).await.unwrap();
        let form = hand_over(&w, ticket, "CP-1002").await;
        deliveries::complete(&w.app, &w.tech, ticket, &form, &signature_png(200, 80))
            .await
            .unwrap();
        assert_eq!(unit_state(&w, "CP-1002").await, "delivered");
        assert_eq!(unit_state(&w, "CP-1001").await, "available");
        let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
        assert_eq!(view.items[0].delivered_serial.as_deref(), Some("CP-1002"));
        let swap = view
            .history
            .iter()
            .find(|e| e.what == "Another unit handed over")
            .unwrap();
        assert_eq!(
            swap.note.as_deref(),
            Some("Serial CP-1002 handed over instead of the reserved CP-1001.")
        );
        let episodes = billing_episodes::for_order(w.app.store.conn(), order.as_uuid())
            .await
            .unwrap();
        let cpap = episodes.iter().find(|e| e.hcpcs == "E0601").unwrap();
        assert_eq!(cpap.asset_id, Some(unit(&w, "CP-1002").await.as_uuid()));
        db.finish().await;
    }
}

#[tokio::test]
async fn delivery_work_starts_only_from_ready() {
    for db in every_backend().await {
        let w = world(&db).await;
        // A held order refuses a ticket and a reservation.
        let held = cpap_order(&w, false).await;
        assert_eq!(order_status(&w, held).await, "hold");
        let err = ticket_for(&w, held).await.unwrap_err();
        assert!(
            matches!(&err, AppError::Conflict(m) if m == "This order is on hold: delivery work starts only from a Ready order."),
            "{err:?}"
        );
        assert!(
            deliveries::for_order(&w.app, &actor(Role::Intake), held)
                .await
                .unwrap()
                .is_empty()
        );
        let refused = inventory::run_command(
            &w.app,
            &w.tech,
            unit(&w, "CP-1001").await,
            &AssetCommandForm {
                command: "reserve".into(),
                order_id: Some(held.to_string()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        match refused {
            AppError::Invalid(e) => assert_eq!(
                e.for_field("order_id"),
                Some("This order is on hold: equipment can be reserved only for a Ready order.")
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(unit_state(&w, "CP-1001").await, "available");

        // An order that stops being Ready takes its ticket back to unscheduled, with the reason.
        let order = cpap_order(&w, true).await;
        let ticket = ticket_for(&w, order).await.unwrap();
        orders::cancel(
            &w.app,
            &actor(Role::Intake),
            order,
            "Patient moved out of state.",
        )
        .await
        .unwrap();
        let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
        assert_eq!(view.status, "unscheduled");
        assert_eq!(
            view.held_reason.as_deref(),
            Some("The order is now cancelled: Patient moved out of state.")
        );
        assert_eq!(view.history.last().unwrap().what, "Back to unscheduled");
        assert!(
            deliveries::stops(&w.app, &w.tech, date!(2026 - 06 - 03))
                .await
                .unwrap()
                .is_empty()
        );
        let form = hand_over(&w, ticket, "CP-1001").await;
        let err = deliveries::complete(&w.app, &w.tech, ticket, &form, &signature_png(50, 20))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Conflict(m) if m.starts_with("The order is now cancelled")),
            "{err:?}"
        );
        let err = deliveries::schedule(
            &w.app,
            &actor(Role::Intake),
            ticket,
            &ScheduleForm {
                scheduled_on: "2026-06-04".into(),
                technician: "tech".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
        db.finish().await;
    }
}

#[tokio::test]
async fn failed_attempts_reschedule_and_roles_are_kept_apart() {
    for db in every_backend().await {
        let w = world(&db).await;
        let order = cpap_order(&w, true).await;
        // Only intake plans, only the technician records the stop.
        let err = deliveries::create(
            &w.app,
            &w.tech,
            &TicketForm {
                order_id: order.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        let ticket = ticket_for(&w, order).await.unwrap();
        let form = hand_over(&w, ticket, "CP-1001").await;
        let err = deliveries::complete(&w.app, &actor(Role::Intake), ticket, &form, &[])
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        for role in [Role::Sales, Role::Admin] {
            let err = deliveries::ticket(&w.app, &actor(role), ticket)
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{role:?}");
        }
        // Another technician neither reads nor works a stop assigned to someone else.
        let other = Actor {
            user_id: Some(durable_domain::ids::UserId::from_uuid(Uuid::now_v7())),
            ..actor(Role::Technician)
        };
        let err = deliveries::ticket(&w.app, &other, ticket)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
        let err = deliveries::fail(
            &w.app,
            &other,
            ticket,
            &FailureForm {
                reason: "Not my stop.".into(),
                new_date: None,
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err:?}");

        // Nobody home: a reason is required; the new day keeps the technician.
        let err = deliveries::fail(&w.app, &w.tech, ticket, &FailureForm::default())
            .await
            .unwrap_err();
        assert_eq!(fields(err), ["reason"]);
        deliveries::fail(
            &w.app,
            &w.tech,
            ticket,
            &FailureForm {
                reason: "Nobody home; left a card.".into(),
                new_date: Some("2026-06-05".into()),
            },
        )
        .await
        .unwrap();
        let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
        assert_eq!(view.status, "scheduled");
        assert_eq!(view.scheduled_on, Some(date!(2026 - 06 - 05)));
        assert_eq!(view.technician.as_deref(), Some("tech"));
        let failed = &view.history[1];
        assert_eq!(failed.what, "Delivery attempt failed");
        assert_eq!(failed.note.as_deref(), Some("Nobody home; left a card."));
        assert_eq!(unit_state(&w, "CP-1001").await, "reserved");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_carrier_delivery_is_dated_by_its_ship_date() {
    for db in every_backend().await {
        let w = world(&db).await;
        let order = cpap_order(&w, true).await;
        let ticket = deliveries::create(
            &w.app,
            &actor(Role::Intake),
            &TicketForm {
                order_id: order.to_string(),
                method: "carrier".into(),
                branch_id: w.branch.to_string(),
                carrier: Some("UPS".into()),
                tracking_number: Some("1Z999AA10123456784".into()),
                scheduled_on: Some("2026-06-03".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let view = deliveries::ticket(&w.app, &w.tech, ticket).await.unwrap();
        assert_eq!(view.status, "scheduled");
        assert!(view.checklists.is_empty());
        let form = CompletionForm {
            items: vec![ItemScan {
                position: 1,
                serial: Some("CP-1001".into()),
                lot: None,
            }],
            shipped_on: Some("2026-06-01".into()),
            ..Default::default()
        };
        let done = deliveries::complete(&w.app, &w.tech, ticket, &form, &[])
            .await
            .unwrap();
        assert_eq!(done.date_of_service, date!(2026 - 06 - 01));
        let pod = documents::content(&w.app, &actor(Role::Intake), done.pod_document_id)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&pod.bytes);
        assert!(text.contains("Shipped 2026-06-01 by UPS, tracking number 1Z999AA10123456784"));
        db.finish().await;
    }
}
