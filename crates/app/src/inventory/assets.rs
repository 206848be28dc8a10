//! Reading inventory: asset search (a scanned serial finds its unit), the asset page with its
//! whole life, stock by location, and the serials a patient ever held.

use std::collections::{BTreeSet, HashMap};

use durable_domain::ids::{AssetId, LocationId, OrderId, PatientId, ProductId};
use durable_domain::inventory::{
    AssetCommand, AssetFacts, AssetState, DeliveryTerms, InspectionResult, SerialKey, Zone, apply,
};
use durable_store::catalog::{self as catalog_store, Product};
use durable_store::directory::{self, Location};
use durable_store::inventory::{self as store, Asset, AssetFilter, AssetListing};
use durable_store::{Db, orders as order_store, purchasing as po_store, recalls as recall_store};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{PatientRef, patient_names};
use crate::audit::{Audit, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// Results per page of asset search.
const PAGE: u64 = 50;

/// Products and locations by id, loaded once per request to name what rows refer to.
pub(crate) struct Names {
    pub products: HashMap<Uuid, Product>,
    pub locations: HashMap<Uuid, Location>,
}

impl Names {
    pub(crate) async fn load(db: &impl Db, products: Vec<Uuid>) -> AppResult<Names> {
        let products = catalog_store::products_by_id(db, products)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let locations = directory::locations(db)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        Ok(Names {
            products,
            locations,
        })
    }

    fn location(&self, id: Uuid) -> String {
        self.locations
            .get(&id)
            .map(|l| l.name.clone())
            .unwrap_or_default()
    }

    pub(crate) fn summary(&self, row: &Asset) -> AssetSummary {
        let product = self.products.get(&row.product_id);
        AssetSummary {
            id: AssetId::from_uuid(row.id),
            serial: row.serial.clone(),
            product_id: ProductId::from_uuid(row.product_id),
            product_name: product.map(|p| p.name.clone()).unwrap_or_default(),
            manufacturer: product.map(|p| p.manufacturer.clone()).unwrap_or_default(),
            model: product.map(|p| p.model.clone()).unwrap_or_default(),
            state: row.state.clone(),
            zone: row.zone.clone(),
            location_id: LocationId::from_uuid(row.location_id),
            location_name: self.location(row.location_id),
        }
    }
}

/// The stored state of an asset row.
pub(crate) fn state_of(row: &Asset) -> AppResult<AssetState> {
    serde_json::from_str(&row.state_detail)
        .map_err(|e| AppError::Internal(format!("asset {} state: {e}", row.id)))
}

/// One unit in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssetSummary {
    /// The unit.
    #[schema(value_type = String)]
    pub id: AssetId,
    /// Its serial as printed.
    pub serial: String,
    /// Its product.
    #[schema(value_type = String)]
    pub product_id: ProductId,
    /// The product's name.
    pub product_name: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model.
    pub model: String,
    /// Its state code (`available`, `returned` …; docs/asset-states.md).
    pub state: String,
    /// Its zone at the location (`clean`, `dirty`, `repair`, `quarantine`), none when away.
    pub zone: Option<String>,
    /// Where it is (or was last, when away).
    #[schema(value_type = String)]
    pub location_id: LocationId,
    /// That location's name.
    pub location_name: String,
}

impl From<AssetListing> for AssetSummary {
    fn from(row: AssetListing) -> Self {
        AssetSummary {
            id: AssetId::from_uuid(row.id),
            serial: row.serial,
            product_id: ProductId::from_uuid(row.product_id),
            product_name: row.product_name,
            manufacturer: row.manufacturer,
            model: row.model,
            state: row.state,
            zone: row.zone,
            location_id: LocationId::from_uuid(row.location_id),
            location_name: row.location_name,
        }
    }
}

/// An asset search.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AssetQuery {
    /// A serial (scanned or typed, any separators) or its beginning, or a model, product or
    /// manufacturer name.
    pub q: String,
    /// Only units in this state.
    pub state: Option<String>,
    /// Only units at this location.
    pub location: Option<String>,
}

/// Assets whose serial starts with the text (by key), or else whose product matches it, by
/// serial; with the offset of the next page.
pub async fn search(
    app: &App,
    actor: &Actor,
    query: &AssetQuery,
    offset: u64,
) -> AppResult<(Vec<AssetSummary>, Option<u64>)> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let mut filter = AssetFilter::default();
    if let Some(state) = query
        .state
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !super::commands::STATES.contains(&state) {
            return Err(durable_domain::validation::FieldErrors::single(
                "state",
                format!("Choose one of: {}.", super::commands::STATES.join(", ")),
            )
            .into());
        }
        filter.state = Some(state.to_owned());
    }
    if let Some(location) = query
        .location
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id: Uuid = location.parse().map_err(|_| {
            durable_domain::validation::FieldErrors::single(
                "location",
                "Choose a location from the list.",
            )
        })?;
        filter.location = Some(id);
    }
    let text = query.q.trim();
    let mut rows = Vec::new();
    if !text.is_empty() {
        let key = SerialKey::of(text).key;
        if !key.is_empty() {
            filter.serial_key_prefix = Some(key);
            rows = store::search_assets(&app.store, &filter, offset, PAGE + 1).await?;
            filter.serial_key_prefix = None;
        }
        if rows.is_empty() {
            let products: Vec<Uuid> = catalog_store::search_products(db, Some(text), None, 0, 500)
                .await?
                .into_iter()
                .map(|p| p.product.id)
                .collect();
            if !products.is_empty() {
                filter.products = Some(products);
                rows = store::search_assets(&app.store, &filter, offset, PAGE + 1).await?;
            }
        }
    } else {
        rows = store::search_assets(&app.store, &filter, offset, PAGE + 1).await?;
    }
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    Ok((rows.into_iter().map(AssetSummary::from).collect(), next))
}

/// The unit whose serial key is exactly the scanned text, when exactly one has it: a
/// keyboard-wedge scan goes straight to the unit's page.
pub async fn find_by_serial(app: &App, actor: &Actor, text: &str) -> AppResult<Option<AssetId>> {
    actor.require(Permission::InventoryRead)?;
    let key = SerialKey::of(text).key;
    if key.is_empty() {
        return Ok(None);
    }
    let filter = AssetFilter {
        serial_key_prefix: Some(key.clone()),
        ..AssetFilter::default()
    };
    let rows = store::search_assets(&app.store, &filter, 0, 3).await?;
    let exact: Vec<&AssetListing> = rows.iter().filter(|r| r.serial_key == key).collect();
    Ok(match exact.as_slice() {
        [one] => Some(AssetId::from_uuid(one.id)),
        _ => None,
    })
}

/// One custody event as the asset page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CustodyView {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// What was done (`receive`, `reserve`, `clean`, `move` …).
    pub command: String,
    /// The state before (none for the receipt).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Where the unit was afterwards.
    pub location_name: String,
    /// Its zone afterwards.
    pub zone: Option<String>,
    /// The patient named, for roles that read patient demographics.
    pub patient: Option<PatientRef>,
    /// A patient was named but this role does not see who.
    pub patient_withheld: bool,
    /// The order it filled.
    #[schema(value_type = Option<String>)]
    pub order_id: Option<OrderId>,
    /// The reason or note given.
    pub note: Option<String>,
}

/// One cleaning, wipe or inspection record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CareView {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// `wipe`, `clean` or `inspect`.
    pub kind: String,
    /// Method or disinfecting agent.
    pub method: Option<String>,
    /// `pass` or `fail`, for inspections.
    pub result: Option<String>,
    /// The checklist as recorded.
    pub checklist: Option<String>,
}

/// An open order a unit can be reserved for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReservableOrder {
    /// The order.
    #[schema(value_type = String)]
    pub order_id: OrderId,
    /// When it was ordered.
    #[schema(value_type = String)]
    pub order_date: Date,
    /// Its status.
    pub status: String,
    /// Its patient, for roles that read patient demographics.
    pub patient: Option<PatientRef>,
}

/// How many open orders the asset page offers to reserve a unit for.
const RESERVABLE_SHOWN: u64 = 25;

/// The asset page: the unit, what can be done to it now, and its whole life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssetPage {
    /// The unit.
    pub asset: AssetSummary,
    /// The manufacturer's lot.
    pub lot: Option<String>,
    /// What it cost, in cents.
    pub purchase_cost_cents: i64,
    /// When it was bought.
    #[schema(value_type = String)]
    pub purchase_date: Date,
    /// From whom.
    pub vendor_name: Option<String>,
    /// End of the manufacturer's warranty.
    #[schema(value_type = Option<String>)]
    pub warranty_end: Option<Date>,
    /// Hours of use on its meter.
    pub usage_hours: i32,
    /// `supplier`, or `patient` once sold or after a title transfer.
    pub owner: String,
    /// Whom it is with or set aside for now.
    pub holder: Option<PatientRef>,
    /// It is with or set aside for a patient this role does not see.
    pub holder_withheld: bool,
    /// The commands its state allows now (docs/asset-states.md).
    pub commands: Vec<String>,
    /// Open orders for this unit's product that it could be reserved for, most recently
    /// changed first (roles that move equipment, and only while the unit can be reserved).
    pub open_orders: Vec<ReservableOrder>,
    /// Why the unit cannot be reserved now, in the state machine's words.
    pub reserve_refusal: Option<String>,
    /// Recall campaigns that name it, with their follow-up status.
    pub recalls: Vec<(String, String)>,
    /// Custody history, oldest first.
    pub custody: Vec<CustodyView>,
    /// Cleaning, wipe and inspection records, oldest first.
    pub care: Vec<CareView>,
}

/// The state machine's reason for refusing a reservation in `state`, if it refuses one.
fn reserve_refusal(state: AssetState, facts: &AssetFacts) -> Option<String> {
    let reserve = AssetCommand::Reserve {
        patient: PatientId::new(),
        order: OrderId::new(),
    };
    apply(state, facts, &reserve)
        .err()
        .map(|refusal| refusal.message.to_owned())
}

/// The commands `state` allows, tried against the machine itself so the page never offers a
/// button the machine would refuse (ids and reason are placeholders: they do not change which
/// moves are legal).
fn allowed_commands(state: AssetState, facts: &AssetFacts) -> Vec<String> {
    let (patient, order) = (PatientId::new(), OrderId::new());
    let candidates = [
        AssetCommand::Reserve { patient, order },
        AssetCommand::CancelReservation,
        AssetCommand::Deliver {
            terms: DeliveryTerms::Rental,
        },
        AssetCommand::Return,
        AssetCommand::Wipe,
        AssetCommand::Clean,
        AssetCommand::Inspect {
            result: InspectionResult::Pass,
        },
        AssetCommand::Inspect {
            result: InspectionResult::Fail,
        },
        AssetCommand::SendToRepair,
        AssetCommand::BackFromRepair,
        AssetCommand::Quarantine {
            reason: "reason".into(),
        },
        AssetCommand::ReleaseQuarantine,
        AssetCommand::MarkLost,
        AssetCommand::Found,
        AssetCommand::Retire,
        AssetCommand::TransferTitle,
    ];
    let facts = AssetFacts {
        title_transfer_due: true,
        ..*facts
    };
    candidates
        .iter()
        .filter(|command| apply(state, &facts, command).is_ok())
        .map(|command| match command {
            AssetCommand::Deliver { .. } => "deliver".to_owned(),
            other => other.code().to_owned(),
        })
        .collect()
}

/// The asset page; reading it names (and audits) the patients in its custody, for roles that
/// see patients.
pub async fn asset(app: &App, actor: &Actor, id: AssetId) -> AppResult<AssetPage> {
    actor.require(Permission::InventoryRead)?;
    let tx = app.store.begin_read().await?;
    let db = tx.conn();
    let row = store::asset(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("asset"))?;
    let state = state_of(&row)?;
    let facts = super::commands::facts_of(db, &row).await?;
    let custody = store::custody_of_asset(db, row.id).await?;
    let care = store::care_of_asset(db, row.id).await?;
    let names = Names::load(db, vec![row.product_id]).await?;
    let vendor_name = match row.vendor_id {
        Some(vendor) => po_store::vendor(db, vendor).await?.map(|v| v.name),
        None => None,
    };
    let mut recalls = Vec::new();
    for unit in recall_store::units_of_asset(db, row.id).await? {
        if let Some(campaign) = recall_store::campaign(db, unit.campaign_id).await? {
            recalls.push((campaign.title, unit.status));
        }
    }
    let commands = allowed_commands(state, &facts);
    // Orders (and their patients' names) are read only when the unit can be reserved now, by a
    // role that reserves: a technician needs to know which order a unit goes to, and no more.
    let open_orders =
        if actor.can(Permission::InventoryWrite) && commands.iter().any(|c| c == "reserve") {
            let hcpcs = catalog_store::product(db, row.product_id)
                .await?
                .map(|p| p.hcpcs)
                .unwrap_or_default();
            order_store::open_for_product(
                db,
                row.product_id,
                &hcpcs,
                &super::commands::RESERVABLE_ORDER_STATUSES,
                RESERVABLE_SHOWN,
            )
            .await?
        } else {
            Vec::new()
        };
    let reserve_refusal = reserve_refusal(state, &facts);
    let named: BTreeSet<Uuid> = custody
        .iter()
        .filter_map(|e| e.patient_id)
        .chain(row.patient_id)
        .chain(open_orders.iter().map(|o| o.patient_id))
        .collect();
    let patients = patient_names(db, actor, named.iter().copied()).await?;
    drop(tx);
    if !patients.is_empty() {
        record_read(
            app,
            actor,
            Audit::new("asset.read", "asset", row.id)
                .patients(patients.keys().map(|id| PatientId::from_uuid(*id))),
        )
        .await?;
    }
    let patient = |id: Option<Uuid>| id.and_then(|id| patients.get(&id).cloned());
    Ok(AssetPage {
        asset: names.summary(&row),
        lot: row.lot.clone(),
        purchase_cost_cents: row.purchase_cost_cents,
        purchase_date: row.purchase_date,
        vendor_name,
        warranty_end: row.warranty_end,
        usage_hours: row.usage_hours,
        owner: match state.owner() {
            durable_domain::inventory::Owner::Supplier => "supplier".into(),
            durable_domain::inventory::Owner::Patient(_) => "patient".into(),
        },
        holder: patient(row.patient_id),
        holder_withheld: row.patient_id.is_some() && patient(row.patient_id).is_none(),
        commands,
        reserve_refusal,
        open_orders: open_orders
            .into_iter()
            .map(|o| ReservableOrder {
                order_id: OrderId::from_uuid(o.id),
                order_date: o.order_date,
                status: o.status,
                patient: patient(Some(o.patient_id)),
            })
            .collect(),
        recalls,
        custody: custody
            .into_iter()
            .map(|e| CustodyView {
                at: e.at,
                actor: e.actor_name,
                command: e.command,
                from_state: e.from_state,
                to_state: e.to_state,
                location_name: names.location(e.location_id),
                zone: e.zone,
                patient: patient(e.patient_id),
                patient_withheld: e.patient_id.is_some() && patient(e.patient_id).is_none(),
                order_id: e.order_id.map(OrderId::from_uuid),
                note: e.note,
            })
            .collect(),
        care: care
            .into_iter()
            .map(|c| CareView {
                at: c.at,
                actor: c.actor_name,
                kind: c.kind,
                method: c.method,
                result: c.result,
                checklist: c.checklist,
            })
            .collect(),
    })
}

/// A location with its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    /// The location.
    #[schema(value_type = String)]
    pub id: LocationId,
    /// Its name.
    pub name: String,
    /// `branch`, `warehouse` or `vehicle`.
    pub kind: String,
}

/// Every location.
pub async fn locations(app: &App, actor: &Actor) -> AppResult<Vec<LocationView>> {
    actor.require(Permission::InventoryRead)?;
    Ok(directory::locations(app.store.conn())
        .await?
        .into_iter()
        .map(|l| LocationView {
            id: LocationId::from_uuid(l.id),
            name: l.name,
            kind: l.kind,
        })
        .collect())
}

/// What a location holds: units by product, zone and state, and stock on hand by product and lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LocationStock {
    /// The location.
    pub location: LocationView,
    /// Per zone (`clean`, `dirty`, `repair`, `quarantine`, or none for units away from the
    /// shelves but last here): (product name, state, units).
    pub units: Vec<(Option<String>, String, String, i64)>,
    /// Stock on hand: (product name, lot, units).
    pub stock: Vec<(String, Option<String>, i64)>,
}

/// The inventory of one location.
pub async fn location_stock(app: &App, actor: &Actor, id: LocationId) -> AppResult<LocationStock> {
    actor.require(Permission::InventoryRead)?;
    let db = app.store.conn();
    let location = store::location(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("location"))?;
    let counts = store::asset_counts(db, location.id).await?;
    let stock = store::on_hand_lines(db, Some(location.id)).await?;
    let names = Names::load(
        db,
        counts
            .iter()
            .map(|c| c.product_id)
            .chain(stock.iter().map(|s| s.product_id))
            .collect(),
    )
    .await?;
    let product = |id: &Uuid| {
        names
            .products
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let zone_order = |zone: &Option<String>| {
        zone.as_deref()
            .and_then(|z| Zone::ALL.iter().position(|known| known.as_str() == z))
            .unwrap_or(Zone::ALL.len())
    };
    let mut units: Vec<_> = counts
        .iter()
        .map(|c| {
            (
                c.zone.clone(),
                product(&c.product_id),
                c.state.clone(),
                c.units,
            )
        })
        .collect();
    units.sort_by(|a, b| {
        zone_order(&a.0)
            .cmp(&zone_order(&b.0))
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let mut stock: Vec<_> = stock
        .iter()
        .filter(|s| s.on_hand != 0)
        .map(|s| (product(&s.product_id), s.lot.clone(), s.on_hand))
        .collect();
    stock.sort();
    Ok(LocationStock {
        location: LocationView {
            id,
            name: location.name,
            kind: location.kind,
        },
        units,
        stock,
    })
}

/// A serial a patient held or was set to receive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PatientAssetView {
    /// The unit.
    pub asset: AssetSummary,
    /// First time the patient was named on it.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub first: OffsetDateTime,
    /// Last time the patient was named on it.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub last: OffsetDateTime,
    /// The patient still holds it (or it is reserved for them).
    pub current: bool,
}

/// Every serial a patient ever held, most recent first; audited as a read of that patient.
pub async fn patient_assets(
    app: &App,
    actor: &Actor,
    patient: PatientId,
) -> AppResult<Vec<PatientAssetView>> {
    actor.require(Permission::PatientRead)?;
    actor.require(Permission::InventoryRead)?;
    let tx = app.store.begin_read().await?;
    let db = tx.conn();
    if !durable_store::patients::exists(db, patient.as_uuid()).await? {
        return Err(AppError::NotFound("patient"));
    }
    let events = store::custody_of_patient(db, patient.as_uuid()).await?;
    let mut spans: HashMap<Uuid, (OffsetDateTime, OffsetDateTime)> = HashMap::new();
    for e in &events {
        let span = spans.entry(e.asset_id).or_insert((e.at, e.at));
        span.1 = e.at;
    }
    let rows = store::assets_by_id(db, spans.keys().copied().collect()).await?;
    let names = Names::load(db, rows.iter().map(|r| r.product_id).collect()).await?;
    drop(tx);
    record_read(
        app,
        actor,
        Audit::new("patient.assets", "patient", patient.as_uuid()).patients([patient]),
    )
    .await?;
    let mut views: Vec<PatientAssetView> = rows
        .iter()
        .filter_map(|row| {
            spans.get(&row.id).map(|(first, last)| PatientAssetView {
                asset: names.summary(row),
                first: *first,
                last: *last,
                current: row.patient_id == Some(patient.as_uuid()),
            })
        })
        .collect();
    views.sort_by_key(|v| std::cmp::Reverse(v.last));
    Ok(views)
}
