//! Demo equipment: vendors, the inventory settings of the demo products, supplies on the shelves
//! with reorder rules and purchase orders, and a fleet of serialized units (half a unit per demo
//! patient, so `--scale 100000` gives 50,000) with years of history.
//!
//! Each unit's life is played through the domain's state machine (`apply`) from its purchase to
//! today, so every custody event is a move the machine allows: rented to a patient, returned,
//! wiped when the model keeps patient data, cleaned, inspected, now and then repaired, lost or
//! quarantined, retired when old, and, for capped rentals that reach the 13th month, owned by the
//! patient (42 CFR 414.229). The fleet's history predates Durable: a rental that ended
//! before today keeps its patient but no order (the previous system's orders are not carried
//! over), while every unit that is with or reserved for a patient today gets a real order,
//! delivered or scheduled, so the order and billing pages see it.
//!
//! Small things (vendors, settings, stock, purchase orders) go through the same use cases as
//! typed input; the fleet is written in large batches, a few thousand units per transaction.

use durable_domain::ids::{OrderId, PatientId, PurchaseOrderId};
use durable_domain::inventory::{
    AssetCommand, AssetFacts, AssetIdentity, AssetKeys, AssetState, DeliveryTerms,
    InspectionResult, NEW_UNIT, apply,
};
use durable_store::catalog as catalog_store;
use durable_store::inventory::{self as inventory_store, Asset, CareRecord, CustodyEvent};
use durable_store::orders::{Order, OrderDiagnosis, OrderEvent, OrderLine, OrderRecord};
use durable_store::{directory, orders as order_store, patients};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::internal;
use crate::audit::{Audit, record};
use crate::inventory::{
    MovementForm, ProductSettingsForm, PurchaseOrderForm, PurchaseOrderLineForm, ReceiptForm,
    ReceiptLineForm, ReorderRuleForm, VendorForm, add_vendor, care_record, custody, moved,
    place_order, receive, record_movement, set_product_settings, set_reorder_rule,
};
use crate::{Actor, App, AppResult};

/// Units written per transaction.
const CHUNK: usize = 2_000;
/// The longest history: units bought up to six years ago.
const OLDEST_DAYS: i64 = 6 * 365;
/// Units older than this are retired rather than rented again, half of the time.
const RETIRE_AFTER_DAYS: i64 = 5 * 365;
/// Capped rentals pass title to the patient after 13 continuous months (§1.2).
const CAP_MONTHS: i64 = 13;
/// Who the generated history says did each step: the demo loader, so the data says where it
/// came from.
const LOADER: &str = "demo-loader";

/// Vendors: name, phone (fictional 555 number), ordering e-mail.
const VENDORS: [(&str, &str, &str); 6] = [
    ("ResMed", "8585550101", "orders@resmed.example"),
    (
        "Philips Respironics",
        "7245550102",
        "dme-orders@philips.example",
    ),
    ("Inogen", "8055550103", "orders@inogen.example"),
    (
        "Drive DeVilbiss Healthcare",
        "5165550104",
        "orders@drivemedical.example",
    ),
    ("Medline Industries", "8475550105", "dme@medline.example"),
    (
        "Pride Mobility Products",
        "5705550106",
        "orders@pride.example",
    ),
];

/// How long a unit of a model stays with a patient.
#[derive(Clone, Copy)]
enum Rental {
    /// A capped rental: returned early in this share of rentals (within `early` months), else
    /// rented until the cap, when the patient takes title.
    Capped { early_percent: u32, early: u32 },
    /// Oxygen equipment: the supplier keeps it; rentals last from 1 to 60 months.
    Oxygen,
}

/// One model of the fleet.
struct Fleet {
    model: &'static str,
    /// Relative share of the fleet.
    weight: u32,
    /// The serial's fixed part; the rest is a running number of `digits` digits.
    serial_prefix: &'static str,
    digits: usize,
    /// The manufacturer prints a lot on the unit.
    has_lot: bool,
    cost_cents: i64,
    warranty_years: i64,
    /// Index in `VENDORS`.
    vendor: usize,
    rental: Rental,
    /// The model stores patient data: wiped after each return.
    keeps_patient_data: bool,
    /// Hours on the meter per day at a patient's home.
    hours_per_day: i64,
    /// The ICD-10-CM code of the orders for it.
    diagnosis: &'static str,
}

const FLEET: [Fleet; 8] = [
    Fleet {
        model: "AirSense 11 AutoSet",
        weight: 30,
        serial_prefix: "2321",
        digits: 7,
        has_lot: false,
        cost_cents: 64_900,
        warranty_years: 2,
        vendor: 0,
        rental: Rental::Capped {
            early_percent: 30,
            early: 3,
        },
        keeps_patient_data: true,
        hours_per_day: 7,
        diagnosis: "G47.33",
    },
    Fleet {
        model: "EverFlo",
        weight: 20,
        serial_prefix: "EV",
        digits: 7,
        has_lot: true,
        cost_cents: 61_500,
        warranty_years: 3,
        vendor: 1,
        rental: Rental::Oxygen,
        keeps_patient_data: false,
        hours_per_day: 16,
        diagnosis: "J44.9",
    },
    Fleet {
        model: "One G5",
        weight: 8,
        serial_prefix: "G5",
        digits: 8,
        has_lot: false,
        cost_cents: 229_500,
        warranty_years: 3,
        vendor: 2,
        rental: Rental::Oxygen,
        keeps_patient_data: false,
        hours_per_day: 5,
        diagnosis: "J44.9",
    },
    Fleet {
        model: "Delta Ultra Light 15033",
        weight: 12,
        serial_prefix: "15033-",
        digits: 6,
        has_lot: false,
        cost_cents: 89_900,
        warranty_years: 1,
        vendor: 3,
        rental: Rental::Capped {
            early_percent: 55,
            early: 12,
        },
        keeps_patient_data: false,
        hours_per_day: 0,
        diagnosis: "I50.9",
    },
    Fleet {
        model: "K1 Basic",
        weight: 12,
        serial_prefix: "MK1",
        digits: 7,
        has_lot: false,
        cost_cents: 17_800,
        warranty_years: 1,
        vendor: 4,
        rental: Rental::Capped {
            early_percent: 50,
            early: 6,
        },
        keeps_patient_data: false,
        hours_per_day: 0,
        diagnosis: "M17.0",
    },
    Fleet {
        model: "Jazzy Select 6",
        weight: 3,
        serial_prefix: "J6S",
        digits: 7,
        has_lot: false,
        cost_cents: 321_000,
        warranty_years: 1,
        vendor: 5,
        rental: Rental::Capped {
            early_percent: 20,
            early: 12,
        },
        keeps_patient_data: false,
        hours_per_day: 0,
        diagnosis: "G35",
    },
    Fleet {
        model: "PowerNeb Ultra",
        weight: 10,
        serial_prefix: "PN",
        digits: 7,
        has_lot: true,
        cost_cents: 4_200,
        warranty_years: 5,
        vendor: 3,
        rental: Rental::Capped {
            early_percent: 30,
            early: 6,
        },
        keeps_patient_data: false,
        hours_per_day: 1,
        diagnosis: "J44.9",
    },
    Fleet {
        model: "Bariatric 15300",
        weight: 5,
        serial_prefix: "15300-",
        digits: 6,
        has_lot: false,
        cost_cents: 214_900,
        warranty_years: 1,
        vendor: 3,
        rental: Rental::Capped {
            early_percent: 55,
            early: 12,
        },
        keeps_patient_data: false,
        hours_per_day: 0,
        diagnosis: "I50.9",
    },
];

/// Supplies kept as counted stock: model, lot tracking, reorder point and quantity.
const SUPPLIES: [(&str, &str, i64, i64); 6] = [
    ("AirFit F20", "lot", 20, 40),
    ("AirFit F20 cushion", "lot", 40, 100),
    ("AirFit P10", "lot", 20, 40),
    ("ClimateLineAir", "lot", 25, 50),
    ("Standard filter", "none", 100, 300),
    ("10210-1", "none", 10, 24),
];

/// A product of the demo catalog as the generator needs it.
#[derive(Clone)]
struct Catalogued {
    id: Uuid,
    manufacturer: String,
    model: String,
    hcpcs: String,
}

/// Loads the demo equipment for a freshly loaded demo data set of `patients` patients.
pub(super) async fn load(app: &App, patients_loaded: u64) -> AppResult<()> {
    let operator = Actor::operator();
    let db = app.store.conn();
    let products: Vec<Catalogued> = catalog_store::search_products(db, None, None, 0, 500)
        .await?
        .into_iter()
        .map(|p| Catalogued {
            id: p.product.id,
            manufacturer: p.product.manufacturer,
            model: p.product.model,
            hcpcs: p.hcpcs.first().cloned().unwrap_or_default(),
        })
        .collect();
    let product = |model: &str| {
        products
            .iter()
            .find(|p| p.model == model)
            .cloned()
            .ok_or_else(|| internal(format!("no demo product {model}")))
    };
    let mut vendors = Vec::with_capacity(VENDORS.len());
    for (name, phone, email) in VENDORS {
        let form = VendorForm {
            name: name.into(),
            phone: phone.into(),
            email: Some(email.into()),
        };
        vendors.push(add_vendor(app, &operator, &form).await?.as_uuid());
    }
    let locations: Vec<Uuid> = directory::locations(db)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let [main, branch] = locations[..] else {
        return Err(internal("the demo supplier has two locations"));
    };
    for fleet in FLEET.iter().filter(|f| f.keeps_patient_data) {
        set_product_settings(
            app,
            &operator,
            &ProductSettingsForm {
                product_id: product(fleet.model)?.id.to_string(),
                lot_tracking: "none".into(),
                keeps_patient_data: Some("true".into()),
            },
        )
        .await?;
    }
    stock(app, &operator, &product, [main, branch]).await?;
    purchase_orders(app, &operator, &product, &vendors, main).await?;

    let fleet: Vec<(Catalogued, &Fleet)> = FLEET
        .iter()
        .map(|f| product(f.model).map(|p| (p, f)))
        .collect::<AppResult<_>>()?;
    let living = patients::living_ids(db).await?;
    let prescribers: Vec<Uuid> = directory::search_prescribers(db, None, None, 0, 50)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if living.is_empty() || prescribers.is_empty() {
        return Err(internal("no patients or prescribers to rent equipment to"));
    }
    let mut generator = FleetGenerator {
        rng: StdRng::seed_from_u64(0x0E0_1AB5),
        now: app.clock.now(),
        today: app.clock.today(),
        patients: living,
        prescribers,
        next_serial: vec![1; FLEET.len()],
    };
    let units = usize::try_from(patients_loaded / 2).map_err(internal)?;
    let by_weight = WeightedIndex::new(FLEET.iter().map(|f| f.weight)).map_err(internal)?;
    let mut totals = Totals::default();
    let mut done = 0;
    while done < units {
        let take = CHUNK.min(units - done);
        let mut batch = Batch::default();
        for _ in 0..take {
            let index = by_weight.sample(&mut generator.rng);
            let (product, fleet) = &fleet[index];
            let home = if generator.rng.random_bool(0.7) {
                main
            } else {
                branch
            };
            let vendor = vendors[fleet.vendor];
            generator.unit(index, product, fleet, home, vendor, &mut batch)?;
        }
        totals.add(&batch);
        let tx = app.store.begin_write().await?;
        order_store::insert_many(tx.conn(), batch.orders, batch.order_events).await?;
        inventory_store::insert_assets(tx.conn(), batch.assets, batch.events).await?;
        inventory_store::insert_care(tx.conn(), batch.care).await?;
        tx.commit().await?;
        done += take;
    }
    let tx = app.store.begin_write().await?;
    let event = Audit::about("demo.equipment", "asset", None).detail(serde_json::json!({
        "units": totals.units,
        "custody_events": totals.events,
        "care_records": totals.care,
        "orders": totals.orders,
    }));
    record(tx.conn(), &app.clock, &operator, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Supplies on the shelves of both locations, with reorder rules; a few lines sit below their
/// reorder point so the suggested-order list has work in it.
async fn stock(
    app: &App,
    operator: &Actor,
    product: &impl Fn(&str) -> AppResult<Catalogued>,
    locations: [Uuid; 2],
) -> AppResult<()> {
    for (i, (model, tracking, point, quantity)) in SUPPLIES.into_iter().enumerate() {
        let supply = product(model)?;
        set_product_settings(
            app,
            operator,
            &ProductSettingsForm {
                product_id: supply.id.to_string(),
                lot_tracking: tracking.into(),
                keeps_patient_data: None,
            },
        )
        .await?;
        for (l, location) in locations.into_iter().enumerate() {
            set_reorder_rule(
                app,
                operator,
                &ReorderRuleForm {
                    location_id: location.to_string(),
                    product_id: supply.id.to_string(),
                    reorder_point: point,
                    reorder_quantity: quantity,
                },
            )
            .await?;
            let lot = (tracking == "lot").then(|| format!("L{}{:02}", 2026, 3 + i + l));
            let received = quantity * 2;
            let movement = |kind: &str, quantity: i64| MovementForm {
                kind: kind.into(),
                location_id: location.to_string(),
                product_id: supply.id.to_string(),
                lot: lot.clone(),
                quantity: Some(quantity),
                ..MovementForm::default()
            };
            record_movement(app, operator, &movement("receive", received)).await?;
            // Every third line has gone out below its reorder point since.
            let issued = if (i + l) % 3 == 0 {
                received - point / 2
            } else {
                quantity / 2
            };
            record_movement(app, operator, &movement("issue", issued)).await?;
        }
    }
    Ok(())
}

/// Purchase orders at the main office: concentrators on order, and masks partly received.
async fn purchase_orders(
    app: &App,
    operator: &Actor,
    product: &impl Fn(&str) -> AppResult<Catalogued>,
    vendors: &[Uuid],
    location: Uuid,
) -> AppResult<()> {
    let today = app.clock.today();
    let line = |product: &Catalogued, quantity: i64, cents: i64| PurchaseOrderLineForm {
        product_id: product.id.to_string(),
        quantity,
        unit_cost_cents: Some(cents),
        unit_cost: None,
    };
    let concentrator = product("EverFlo")?;
    place_order(
        app,
        operator,
        &PurchaseOrderForm {
            vendor_id: vendors[1].to_string(),
            location_id: location.to_string(),
            number: None,
            expected_on: Some((today + Duration::days(5)).to_string()),
            lines: vec![line(&concentrator, 10, 61_500)],
        },
    )
    .await?;
    let masks = product("AirFit F20")?;
    let cushions = product("AirFit F20 cushion")?;
    let id: PurchaseOrderId = place_order(
        app,
        operator,
        &PurchaseOrderForm {
            vendor_id: vendors[0].to_string(),
            location_id: location.to_string(),
            number: None,
            expected_on: Some((today - Duration::days(2)).to_string()),
            lines: vec![line(&masks, 40, 8_900), line(&cushions, 100, 2_400)],
        },
    )
    .await?;
    let receiver = Actor {
        username: LOADER.into(),
        role: durable_domain::role::Role::Technician,
        ..operator.clone()
    };
    let received = |quantity: i64| ReceiptLineForm {
        quantity,
        serials: Vec::new(),
        lot: Some("L202611".into()),
        expiry: None,
    };
    receive(
        app,
        &receiver,
        id,
        &ReceiptForm {
            lines: vec![received(24), received(100)],
            override_reason: None,
            warranty_end: None,
        },
    )
    .await
}

/// Rows of one batch of units.
#[derive(Default)]
struct Batch {
    assets: Vec<Asset>,
    events: Vec<CustodyEvent>,
    care: Vec<CareRecord>,
    orders: Vec<OrderRecord>,
    order_events: Vec<OrderEvent>,
}

/// What the fleet generation wrote, for the audit event.
#[derive(Default)]
struct Totals {
    units: usize,
    events: usize,
    care: usize,
    orders: usize,
}

impl Totals {
    fn add(&mut self, batch: &Batch) {
        self.units += batch.assets.len();
        self.events += batch.events.len();
        self.care += batch.care.len();
        self.orders += batch.orders.len();
    }
}

/// Plays units' lives through the state machine.
struct FleetGenerator {
    rng: StdRng,
    now: OffsetDateTime,
    today: Date,
    patients: Vec<Uuid>,
    prescribers: Vec<Uuid>,
    /// The next running serial number of each fleet entry.
    next_serial: Vec<u64>,
}

/// One unit's life in progress: its row as the last move left it and the rows it produced.
struct Life<'a> {
    row: Asset,
    state: AssetState,
    facts: AssetFacts,
    batch: &'a mut Batch,
}

impl Life<'_> {
    /// Applies `command` at `at`, recording the custody event and any care record; `order_known`
    /// false drops the order id from the event (a rental from before Durable).
    fn step(
        &mut self,
        command: AssetCommand,
        at: OffsetDateTime,
        note: Option<String>,
        order_known: bool,
    ) -> AppResult<()> {
        let transition = apply(self.state, &self.facts, &command).map_err(|refusal| {
            internal(format!(
                "{} from {}: {}",
                command.code(),
                self.state.code(),
                refusal.message
            ))
        })?;
        let location = self.row.location_id;
        self.row = moved(self.row.clone(), &transition.to, location, at)?;
        let mut event = custody(LOADER, &self.row, command.code(), Some(&self.state), note)?;
        if !order_known {
            event.order_id = None;
        }
        self.batch.events.push(event);
        let (method, checklist) = match command {
            AssetCommand::Wipe => (
                Some("Therapy data erased with the manufacturer's reset procedure".to_owned()),
                None,
            ),
            AssetCommand::Clean => (
                Some("Cavicide surface disinfectant; filters and tubing discarded".to_owned()),
                None,
            ),
            AssetCommand::Inspect { .. } => (
                None,
                Some(
                    "Power-on self test, output within specification, alarms sound, casing intact"
                        .to_owned(),
                ),
            ),
            _ => (None, None),
        };
        if let Some(care) = care_record(&command, &self.row, LOADER, method, checklist) {
            self.batch.care.push(care);
        }
        self.state = transition.to;
        Ok(())
    }
}

/// One rental: when it starts and how it ends.
struct Cycle {
    reserve: Date,
    deliver: Date,
    /// The day it comes back, or the day title passes.
    end: Date,
    transfer: bool,
    /// Sold rather than rented (a few patients buy capped-rental items outright).
    sale: bool,
}

impl FleetGenerator {
    /// A time on `day` during working hours, after `after`.
    fn at(&mut self, day: Date, after: OffsetDateTime) -> OffsetDateTime {
        let hour = self.rng.random_range(8..17);
        let minute = self.rng.random_range(0..60);
        let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
        let at = day.with_time(time).assume_utc();
        if at > after {
            at
        } else {
            after + Duration::minutes(self.rng.random_range(5..90))
        }
    }

    fn serial(&mut self, index: usize, fleet: &Fleet) -> String {
        let n = self.next_serial[index];
        self.next_serial[index] += 1;
        format!(
            "{}{:0width$}",
            fleet.serial_prefix,
            n * 7 + 1_000,
            width = fleet.digits
        )
    }

    fn cycle(&mut self, fleet: &Fleet, from: Date) -> Cycle {
        let reserve = from + Duration::days(self.rng.random_range(3..150));
        let deliver = reserve + Duration::days(self.rng.random_range(1..4));
        let (months, transfer) = match fleet.rental {
            Rental::Capped {
                early_percent,
                early,
            } => {
                if self.rng.random_range(0..100) < early_percent {
                    (i64::from(self.rng.random_range(1..=early)), false)
                } else {
                    (CAP_MONTHS, true)
                }
            }
            Rental::Oxygen => (self.rng.random_range(1..=60), false),
        };
        let end = deliver + Duration::days(months * 30 + self.rng.random_range(0..10));
        let sale = matches!(fleet.rental, Rental::Capped { .. }) && self.rng.random_bool(0.02);
        Cycle {
            reserve,
            deliver,
            end,
            transfer,
            sale,
        }
    }

    /// Generates one unit's whole life into `batch`.
    fn unit(
        &mut self,
        index: usize,
        product: &Catalogued,
        fleet: &Fleet,
        location: Uuid,
        vendor: Uuid,
        batch: &mut Batch,
    ) -> AppResult<()> {
        // Suppliers keep buying to replace units that went to their patients for good, so
        // recent purchases outnumber old ones.
        let draw: i64 = self.rng.random_range(0..1_000);
        let bought = self.today - Duration::days(1 + OLDEST_DAYS * draw * draw / 1_000_000);
        let serial = self.serial(index, fleet);
        let lot = fleet
            .has_lot
            .then(|| format!("{}{:02}", bought.year(), u8::from(bought.month())));
        let keys = AssetKeys::of(&AssetIdentity {
            manufacturer: product.manufacturer.clone(),
            model: product.model.clone(),
            serial: serial.clone(),
            lot: lot.clone(),
        });
        let received = self.at(bought, OffsetDateTime::UNIX_EPOCH);
        let blank = Asset {
            id: Uuid::now_v7(),
            product_id: product.id,
            serial,
            manufacturer_key: keys.manufacturer_key,
            model_key: keys.model_key,
            serial_key: keys.serial.key,
            serial_prefix: keys.serial.prefix,
            serial_number: keys.serial.number,
            lot,
            lot_key: keys.lot_key,
            purchase_cost_cents: fleet.cost_cents,
            purchase_date: bought,
            vendor_id: Some(vendor),
            purchase_order_id: None,
            warranty_end: Some(bought + Duration::days(fleet.warranty_years * 365)),
            usage_hours: 0,
            owner_patient_id: None,
            location_id: location,
            zone: None,
            state: String::new(),
            state_detail: String::new(),
            patient_id: None,
            order_id: None,
            created_at: received,
            updated_at: received,
        };
        let row = moved(blank, &NEW_UNIT, location, received)?;
        let receipt = custody(
            LOADER,
            &row,
            "receive",
            None,
            Some("Demo: carried over from the previous system".into()),
        )?;
        batch.events.push(receipt);
        let mut life = Life {
            row,
            state: NEW_UNIT,
            facts: AssetFacts {
                has_memory: fleet.keeps_patient_data,
                title_transfer_due: false,
            },
            batch,
        };
        let mut day = bought;
        loop {
            if (day - bought).whole_days() > RETIRE_AFTER_DAYS && self.rng.random_bool(0.5) {
                let at = self.at(day + Duration::days(1), life.row.updated_at);
                if at < self.now {
                    life.step(
                        AssetCommand::Retire,
                        at,
                        Some("Past its service life".into()),
                        false,
                    )?;
                }
                break;
            }
            let cycle = self.cycle(fleet, day);
            if cycle.reserve >= self.today {
                break;
            }
            // A sold unit stays with its patient for good, so its order is as current as one
            // still on rent today.
            let current = cycle.end >= self.today || cycle.sale;
            let patient =
                PatientId::from_uuid(self.patients[self.rng.random_range(0..self.patients.len())]);
            let order = OrderId::new();
            let at = self.at(cycle.reserve, life.row.updated_at);
            life.step(AssetCommand::Reserve { patient, order }, at, None, current)?;
            if current {
                let delivered = cycle.deliver < self.today;
                self.order(
                    life.batch, product, fleet, patient, order, &cycle, delivered,
                );
                if !delivered {
                    break;
                }
            }
            let at = self.at(cycle.deliver, life.row.updated_at);
            let terms = if cycle.sale {
                DeliveryTerms::Sale
            } else {
                DeliveryTerms::Rental
            };
            life.step(AssetCommand::Deliver { terms }, at, None, current)?;
            if current {
                // Still out today, or sold: the patient keeps it.
                break;
            }
            let days_out = (cycle.end - cycle.deliver).whole_days();
            life.row.usage_hours = life
                .row
                .usage_hours
                .saturating_add(i32::try_from(days_out * fleet.hours_per_day).unwrap_or(0));
            if cycle.transfer {
                life.facts.title_transfer_due = true;
                let at = self.at(cycle.end, life.row.updated_at);
                life.step(
                    AssetCommand::TransferTitle,
                    at,
                    Some("13th continuous rental month paid".into()),
                    false,
                )?;
                break;
            }
            if self.rng.random_range(0..200) == 0 {
                let at = self.at(cycle.end, life.row.updated_at);
                life.step(
                    AssetCommand::MarkLost,
                    at,
                    Some("Not at the address at pick-up".into()),
                    false,
                )?;
                let found = cycle.end + Duration::days(self.rng.random_range(10..60));
                if found >= self.today || self.rng.random_bool(0.6) {
                    break;
                }
                let at = self.at(found, life.row.updated_at);
                life.step(
                    AssetCommand::Found,
                    at,
                    Some("Returned by the family".into()),
                    false,
                )?;
            } else {
                let at = self.at(cycle.end, life.row.updated_at);
                life.step(AssetCommand::Return, at, None, false)?;
            }
            match self.reprocess(&mut life, cycle.end)? {
                Some(ready) => day = ready,
                None => break,
            }
        }
        batch_unit(life);
        Ok(())
    }

    /// Wipe (models with memory), clean and inspect a returned unit, with a repair when the
    /// inspection fails; the day it is back on the shelf, or none when today comes first or the
    /// unit left service.
    fn reprocess(&mut self, life: &mut Life<'_>, back: Date) -> AppResult<Option<Date>> {
        let mut day = back;
        loop {
            if self.rng.random_range(0..100) == 0 {
                let at = self.at(day + Duration::days(1), life.row.updated_at);
                if at >= self.now {
                    return Ok(None);
                }
                life.step(
                    AssetCommand::Quarantine {
                        reason: "Fluid damage found at return: held for the manufacturer".into(),
                    },
                    at,
                    Some("Fluid damage found at return: held for the manufacturer".into()),
                    false,
                )?;
                let retired = day + Duration::days(self.rng.random_range(10..30));
                let at = self.at(retired, life.row.updated_at);
                if at < self.now {
                    life.step(AssetCommand::Retire, at, Some("Written off".into()), false)?;
                }
                return Ok(None);
            }
            let mut steps = Vec::with_capacity(3);
            if life.facts.has_memory {
                steps.push(AssetCommand::Wipe);
            }
            steps.push(AssetCommand::Clean);
            let passed = self.rng.random_range(0..100) >= 4;
            // Returned units wait their turn in the dirty zone.
            day += Duration::days(self.rng.random_range(0..10));
            steps.push(AssetCommand::Inspect {
                result: if passed {
                    InspectionResult::Pass
                } else {
                    InspectionResult::Fail
                },
            });
            for command in steps {
                day += Duration::days(self.rng.random_range(0..3));
                let at = self.at(day, life.row.updated_at);
                if at >= self.now {
                    return Ok(None);
                }
                life.step(command, at, None, false)?;
            }
            if passed {
                return Ok(Some(day));
            }
            day += Duration::days(self.rng.random_range(5..30));
            let at = self.at(day, life.row.updated_at);
            if at >= self.now {
                return Ok(None);
            }
            life.step(
                AssetCommand::BackFromRepair,
                at,
                Some("Compressor replaced".into()),
                false,
            )?;
        }
    }

    /// The order behind a unit that is with, or reserved for, a patient today.
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        batch: &mut Batch,
        product: &Catalogued,
        fleet: &Fleet,
        patient: PatientId,
        order: OrderId,
        cycle: &Cycle,
        delivered: bool,
    ) {
        let ordered = cycle.reserve - Duration::days(self.rng.random_range(2..10));
        let created = ordered
            .with_time(Time::from_hms(10, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc();
        let status = if delivered { "delivered" } else { "scheduled" };
        let id = order.as_uuid();
        batch.orders.push(OrderRecord {
            order: Order {
                id,
                patient_id: patient.as_uuid(),
                prescriber_id: self.prescribers[self.rng.random_range(0..self.prescribers.len())],
                order_date: ordered,
                signed: true,
                signature_date: Some(ordered),
                f2f_encounter: Some(ordered - Duration::days(self.rng.random_range(5..60))),
                planned_delivery: Some(cycle.deliver),
                delivery_preference: "deliver".into(),
                status: status.into(),
                notes: String::new(),
                created_at: created,
                updated_at: created,
            },
            diagnoses: vec![OrderDiagnosis {
                order_id: id,
                position: 0,
                code: fleet.diagnosis.into(),
            }],
            lines: vec![OrderLine {
                order_id: id,
                position: 0,
                product_id: Some(product.id),
                hcpcs: product.hcpcs.clone(),
                quantity: 1,
                rent_or_buy: if cycle.sale { "purchase" } else { "rental" }.into(),
                length_of_need_months: Some(99),
                side: None,
            }],
        });
        batch.order_events.push(OrderEvent {
            id: Uuid::now_v7(),
            order_id: id,
            at: created,
            actor_name: "demo-loader".into(),
            status: status.into(),
            reasons: "[]".into(),
            note: Some("Demo: carried over from the previous system".into()),
        });
    }
}

/// Adds a finished life's unit row to its batch.
fn batch_unit(life: Life<'_>) {
    life.batch.assets.push(life.row);
}
