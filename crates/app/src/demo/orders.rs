//! Demo products and orders: the common DME items with their HCPCS codes and supplies, and orders
//! in every status, several on hold for different reasons. Orders go through the same use cases
//! as typed ones (as the `demo-loader` intake user, so the audit trail says where they came from);
//! statuses that later work (scheduling, delivery) will reach are set with a history entry saying
//! the demo set them.

use durable_domain::ids::{OrderId, PatientId};
use durable_domain::orders::OrderStatus;
use durable_domain::role::Role;
use durable_store::{directory, orders as order_store, patients};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::internal;
use crate::catalog::{AccessoryForm, ProductForm};
use crate::coverages::EligibilityForm;
use crate::orders::{LineForm, OrderForm};
use crate::prior_auth::{self, PriorAuthForm};
use crate::{Actor, App, AppResult, catalog, coverages, orders};

/// The most demo orders, whatever the scale: enough to fill every queue, few enough to load fast.
const MAX_ORDERS: usize = 300;

/// Products: name, manufacturer, model, HCPCS, serialized, resupply days, accessories (by model).
type ProductRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<u32>,
    &'static [&'static str],
);

const PRODUCTS: [ProductRow; 14] = [
    (
        "Full face mask",
        "ResMed",
        "AirFit F20",
        "A7030",
        false,
        Some(90),
        &[],
    ),
    (
        "Full face mask cushion",
        "ResMed",
        "AirFit F20 cushion",
        "A7031",
        false,
        Some(30),
        &[],
    ),
    (
        "Heated tubing",
        "ResMed",
        "ClimateLineAir",
        "A4604",
        false,
        Some(90),
        &[],
    ),
    (
        "Disposable filter",
        "ResMed",
        "Standard filter",
        "A7038",
        false,
        Some(15),
        &[],
    ),
    (
        "CPAP with humidifier",
        "ResMed",
        "AirSense 11 AutoSet",
        "E0601",
        true,
        None,
        &["AirFit F20", "ClimateLineAir", "Standard filter"],
    ),
    (
        "Oxygen concentrator, 5 LPM",
        "Philips Respironics",
        "EverFlo",
        "E1390",
        true,
        None,
        &[],
    ),
    (
        "Portable oxygen concentrator",
        "Inogen",
        "One G5",
        "E1392",
        true,
        None,
        &[],
    ),
    (
        "Semi-electric hospital bed",
        "Drive Medical",
        "Delta Ultra Light 15033",
        "E0260",
        true,
        None,
        &[],
    ),
    (
        "Standard manual wheelchair",
        "Medline",
        "K1 Basic",
        "K0001",
        true,
        None,
        &[],
    ),
    (
        "Folding walker with wheels",
        "Drive Medical",
        "10210-1",
        "E0143",
        false,
        None,
        &[],
    ),
    (
        "Power wheelchair, group 2",
        "Pride Mobility",
        "Jazzy Select 6",
        "K0823",
        true,
        None,
        &[],
    ),
    (
        "Nebulizer compressor",
        "Drive Medical",
        "PowerNeb Ultra",
        "E0570",
        true,
        None,
        &[],
    ),
    (
        "Nasal pillows mask",
        "ResMed",
        "AirFit P10",
        "A7034",
        false,
        Some(90),
        &[],
    ),
    (
        "Hospital bed, semi-electric, heavy duty",
        "Drive Medical",
        "Bariatric 15300",
        "E0260",
        true,
        None,
        &[],
    ),
];

/// The kinds of demo order: the product model, rental, diagnosis, and how far along it is.
#[derive(Clone, Copy)]
enum Stage {
    /// Just received, not yet worked.
    New,
    /// Unsigned order, no eligibility: held for both.
    Unsigned,
    /// Signed and eligible, missing the item's documents: held for the checklist.
    MissingDocuments,
    /// Signed, eligible, nothing missing for items without a policy checklist: Ready.
    Complete,
    /// Held, then released by a person with a written reason.
    Released,
    /// Cancelled by the patient.
    Cancelled,
    /// Held, released and waiting for its delivery ticket: Ready, one of each kind of item in
    /// turn, so every serialized model has a Ready order to reserve a unit for. (An order whose
    /// delivery is planned stays Ready; its ticket holds the schedule.)
    AwaitingDelivery,
    /// Delivered.
    Delivered,
}

const ITEMS: [(&str, bool, &str); 8] = [
    ("AirSense 11 AutoSet", true, "G47.33"),
    ("EverFlo", true, "J44.9"),
    ("Delta Ultra Light 15033", true, "I50.9"),
    ("K1 Basic", true, "M17.0"),
    ("10210-1", false, "M17.0"),
    ("Jazzy Select 6", true, "G35"),
    ("PowerNeb Ultra", true, "J44.9"),
    ("AirFit P10", false, "G47.33"),
];

/// Loads the demo catalog and orders for the first patients of a fresh demo database.
pub(super) async fn load(app: &App, patients_loaded: u64) -> AppResult<()> {
    let operator = Actor::operator();
    let loader = Actor {
        user_id: None,
        username: "demo-loader".into(),
        role: Role::Intake,
        source: "demo".into(),
    };
    let mut models: Vec<(&str, String)> = Vec::new();
    for (name, manufacturer, model, hcpcs, serialized, resupply, accessories) in PRODUCTS {
        let accessories = accessories
            .iter()
            .filter_map(|m| models.iter().find(|(known, _)| known == m))
            .map(|(_, id)| AccessoryForm {
                product_id: id.clone(),
                quantity: Some("1".into()),
            })
            .collect();
        let form = ProductForm {
            name: name.into(),
            manufacturer: manufacturer.into(),
            model: model.into(),
            hcpcs: hcpcs.into(),
            serialized: serialized.then(|| "true".into()),
            resupply_days: resupply.map(|d| d.to_string()),
            description: None,
            accessories,
        };
        let id = catalog::add_product(app, &operator, &form).await?;
        models.push((model, id.to_string()));
    }

    let count = usize::try_from(patients_loaded / 5)
        .unwrap_or(MAX_ORDERS)
        .min(MAX_ORDERS);
    let people = patients::recently_added(&app.store, count as u64).await?;
    let prescribers = directory::search_prescribers(app.store.conn(), None, None, 0, 50).await?;
    if prescribers.is_empty() {
        return Err(internal("no prescribers to order from"));
    }
    let mut rng = StdRng::seed_from_u64(0x0D3E_0001);
    let today = app.clock.today();
    const STAGES: [Stage; 10] = [
        Stage::Unsigned,
        Stage::MissingDocuments,
        Stage::MissingDocuments,
        Stage::Complete,
        Stage::Complete,
        Stage::Released,
        Stage::Cancelled,
        Stage::AwaitingDelivery,
        Stage::Delivered,
        Stage::New,
    ];
    for (i, person) in people.iter().enumerate() {
        let stage = STAGES[i % STAGES.len()];
        let drawn = ITEMS[rng.random_range(0..ITEMS.len())];
        let (model, rental, diagnosis) = match stage {
            Stage::AwaitingDelivery => ITEMS[(i / STAGES.len()) % ITEMS.len()],
            _ => drawn,
        };
        let product = models
            .iter()
            .find(|(m, _)| *m == model)
            .map(|(_, id)| id.clone());
        let prescriber = &prescribers[rng.random_range(0..prescribers.len())];
        let ordered = today - time::Duration::days(rng.random_range(1..20));
        let signed = !matches!(stage, Stage::Unsigned);
        let form = OrderForm {
            patient_id: person.id.to_string(),
            prescriber_id: prescriber.id.to_string(),
            order_date: ordered.to_string(),
            signed: signed.then(|| "true".into()),
            signature_date: signed.then(|| ordered.to_string()),
            f2f_encounter: Some(
                (ordered - time::Duration::days(rng.random_range(5..60))).to_string(),
            ),
            planned_delivery: Some(today.to_string()),
            delivery_preference: "deliver".into(),
            diagnoses: diagnosis.into(),
            lines: vec![LineForm {
                product_id: product,
                rent_or_buy: if rental { "rental" } else { "purchase" }.into(),
                length_of_need_months: Some("99".into()),
                ..LineForm::default()
            }],
            notes: None,
        };
        if signed {
            record_eligibility(app, &loader, PatientId::from_uuid(person.id), today).await?;
        }
        if model == "Jazzy Select 6" {
            request_prior_auth(app, &loader, person.id, i, today).await?;
        }
        let id = orders::place(app, &loader, &form).await?;
        settle(app, &loader, id, stage).await?;
    }
    Ok(())
}

/// A prior-authorization request for a demo power wheelchair, at one of three stages.
async fn request_prior_auth(
    app: &App,
    actor: &Actor,
    patient: uuid::Uuid,
    i: usize,
    today: time::Date,
) -> AppResult<()> {
    let Some(coverage) = patients::coverages_of(app.store.conn(), patient)
        .await?
        .into_iter()
        .find(|c| c.priority == "primary")
    else {
        return Ok(());
    };
    let sent = today - time::Duration::days(12);
    let decided = today - time::Duration::days(5);
    let (status, decision, utn) = match i % 3 {
        0 => ("draft", None, None),
        1 => ("submitted", None, None),
        _ => (
            "affirmed",
            Some(decided.to_string()),
            Some(format!("DEMO{:010}", i)),
        ),
    };
    prior_auth::save(
        app,
        actor,
        None,
        &PriorAuthForm {
            patient_id: patient.to_string(),
            payer_id: coverage.payer_id.to_string(),
            hcpcs: "K0823".into(),
            rent_or_buy: "rental".into(),
            status: status.into(),
            utn,
            submitted_on: (status != "draft").then(|| sent.to_string()),
            decision_date: decision,
            expiry_date: None,
            notes: Some("Demo request.".into()),
        },
    )
    .await?;
    Ok(())
}

/// Records an active eligibility result on the patient's primary coverage, if any.
async fn record_eligibility(
    app: &App,
    actor: &Actor,
    patient: PatientId,
    today: time::Date,
) -> AppResult<()> {
    let coverage = patients::coverages_of(app.store.conn(), patient.as_uuid())
        .await?
        .into_iter()
        .find(|c| c.priority == "primary");
    if let Some(coverage) = coverage {
        coverages::record_eligibility(
            app,
            actor,
            durable_domain::ids::CoverageId::from_uuid(coverage.id),
            &EligibilityForm {
                checked_on: today.to_string(),
                active: Some("true".into()),
                source: "portal".into(),
                note: Some("Demo: verified on the payer portal.".into()),
            },
        )
        .await?;
    }
    Ok(())
}

/// Moves a placed order to the status its stage calls for.
async fn settle(app: &App, actor: &Actor, id: OrderId, stage: Stage) -> AppResult<()> {
    match stage {
        Stage::Unsigned | Stage::MissingDocuments | Stage::Complete => Ok(()),
        Stage::Released | Stage::AwaitingDelivery => {
            let status = order_store::order(app.store.conn(), id.as_uuid())
                .await?
                .map(|o| o.order.status);
            if status.as_deref() == Some("hold") {
                orders::override_hold(
                    app,
                    actor,
                    id,
                    "Demo: the physician's office faxed the notes; supervisor approved delivery.",
                )
                .await?;
            }
            Ok(())
        }
        Stage::Cancelled => {
            orders::cancel(app, actor, id, "Demo: the patient chose another supplier.").await
        }
        Stage::New => orders::demo_set_status(app, actor, id, OrderStatus::New).await,
        Stage::Delivered => orders::demo_set_status(app, actor, id, OrderStatus::Delivered).await,
    }
}
