//! Serialized assets with their append-only custody and care records, stock kept as an
//! append-only ledger, reorder rules, and inventory facts about products.

use durable_domain::search::prefix_upper_bound;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::catalog::insert_batched;
use crate::entity::{
    asset, care_record, custody_event, inventory_product, location, product, reorder_rule,
    stock_movement,
};
use crate::rows::{Columns, FromColumns};
use crate::{Db, Store, StoreError, StoreResult};

pub use crate::entity::asset::Model as Asset;
pub use crate::entity::care_record::Model as CareRecord;
pub use crate::entity::custody_event::Model as CustodyEvent;
pub use crate::entity::inventory_product::Model as InventoryProduct;
pub use crate::entity::reorder_rule::Model as ReorderRule;
pub use crate::entity::stock_movement::Model as StockMovement;

/// Adds assets and their first custody events (receiving, demo loads, tests).
pub async fn insert_assets(
    db: &impl Db,
    assets: Vec<Asset>,
    events: Vec<CustodyEvent>,
) -> StoreResult<()> {
    insert_batched(
        db,
        assets.into_iter().map(asset::ActiveModel::from).collect(),
    )
    .await?;
    insert_custody(db, events).await
}

/// Appends custody events.
pub async fn insert_custody(db: &impl Db, events: Vec<CustodyEvent>) -> StoreResult<()> {
    insert_batched(
        db,
        events
            .into_iter()
            .map(custody_event::ActiveModel::from)
            .collect(),
    )
    .await
}

/// One asset.
pub async fn asset(db: &impl Db, id: Uuid) -> StoreResult<Option<Asset>> {
    Ok(asset::Entity::find_by_id(id).one(db).await?)
}

/// Stores an asset's new state, location and holder, but only if nobody changed its state since
/// `seen_state_detail` was read: two people scanning the same unit cannot both move it.
pub async fn update_asset(db: &impl Db, row: Asset, seen_state_detail: &str) -> StoreResult<()> {
    let id = row.id;
    // `reset_all` marks every column as changed, so the UPDATE writes them all.
    let result = asset::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(asset::Column::Id.eq(id))
        .filter(asset::Column::StateDetail.eq(seen_state_detail))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale("assets.state"))
    }
}

/// The serial keys among `serial_keys` already on file for the manufacturer.
pub async fn serials_on_file(
    db: &impl Db,
    manufacturer_key: &str,
    serial_keys: Vec<String>,
) -> StoreResult<Vec<String>> {
    if serial_keys.is_empty() {
        return Ok(Vec::new());
    }
    Ok(asset::Entity::find()
        .select_only()
        .column(asset::Column::SerialKey)
        .filter(asset::Column::ManufacturerKey.eq(manufacturer_key))
        .filter(asset::Column::SerialKey.is_in(serial_keys))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// What an asset search filters on; every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetFilter {
    /// Serial keys starting with this key (a full scan finds the unit itself).
    pub serial_key_prefix: Option<String>,
    /// Units of these products (a model search resolved to products).
    pub products: Option<Vec<Uuid>>,
    /// Units in this state.
    pub state: Option<String>,
    /// Units at this location.
    pub location: Option<Uuid>,
}

/// One unit in a search result, with its product's and location's names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetListing {
    /// The unit.
    pub id: Uuid,
    /// Its serial as printed.
    pub serial: String,
    /// The serial's search key.
    pub serial_key: String,
    /// Its product.
    pub product_id: Uuid,
    /// The product's name.
    pub product_name: String,
    /// The product's manufacturer.
    pub manufacturer: String,
    /// The product's model.
    pub model: String,
    /// Its state code.
    pub state: String,
    /// Its zone.
    pub zone: Option<String>,
    /// Where it is.
    pub location_id: Uuid,
    /// That location's name.
    pub location_name: String,
}

impl FromColumns for AssetListing {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(AssetListing {
            id: row.get("id")?,
            serial: row.get("serial")?,
            serial_key: row.get("serial_key")?,
            product_id: row.get("product_id")?,
            product_name: row.get("product_name")?,
            manufacturer: row.get("manufacturer")?,
            model: row.get("model")?,
            state: row.get("state")?,
            zone: row.get("zone")?,
            location_id: row.get("location_id")?,
            location_name: row.get("location_name")?,
        })
    }
}

/// Assets matching `filter`, by serial, in one query that also names their products and
/// locations (a scan at the dock answers from one index range and two primary-key lookups;
/// a hot-path read, see `rows`).
pub async fn search_assets(
    store: &Store,
    filter: &AssetFilter,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<AssetListing>> {
    let column = |c: asset::Column| Expr::col((asset::Entity, c));
    let mut condition = Condition::all();
    if let Some(prefix) = &filter.serial_key_prefix {
        condition = condition
            .add(column(asset::Column::SerialKey).gte(prefix.as_str()))
            .add(column(asset::Column::SerialKey).lt(prefix_upper_bound(prefix)));
    }
    if let Some(products) = &filter.products {
        condition = condition.add(column(asset::Column::ProductId).is_in(products.clone()));
    }
    if let Some(state) = &filter.state {
        condition = condition.add(column(asset::Column::State).eq(state.as_str()));
    }
    if let Some(location) = filter.location {
        condition = condition.add(column(asset::Column::LocationId).eq(location));
    }
    let mut select = Query::select();
    select
        .columns([
            (asset::Entity, asset::Column::Id),
            (asset::Entity, asset::Column::Serial),
            (asset::Entity, asset::Column::SerialKey),
            (asset::Entity, asset::Column::ProductId),
            (asset::Entity, asset::Column::State),
            (asset::Entity, asset::Column::Zone),
            (asset::Entity, asset::Column::LocationId),
        ])
        .expr_as(
            Expr::col((product::Entity, product::Column::Name)),
            "product_name",
        )
        .columns([
            (product::Entity, product::Column::Manufacturer),
            (product::Entity, product::Column::Model),
        ])
        .expr_as(
            Expr::col((location::Entity, location::Column::Name)),
            "location_name",
        )
        .from(asset::Entity)
        .inner_join(
            product::Entity,
            Expr::col((product::Entity, product::Column::Id))
                .equals((asset::Entity, asset::Column::ProductId)),
        )
        .inner_join(
            location::Entity,
            Expr::col((location::Entity, location::Column::Id))
                .equals((asset::Entity, asset::Column::LocationId)),
        )
        .cond_where(condition)
        .order_by((asset::Entity, asset::Column::SerialKey), Order::Asc)
        .order_by((asset::Entity, asset::Column::Id), Order::Asc)
        .offset(offset)
        .limit(limit);
    store.fetch(&select).await
}

/// The units received on a purchase order, by serial.
pub async fn assets_of_purchase_order(db: &impl Db, order_id: Uuid) -> StoreResult<Vec<Asset>> {
    Ok(asset::Entity::find()
        .filter(asset::Column::PurchaseOrderId.eq(order_id))
        .order_by_asc(asset::Column::SerialKey)
        .all(db)
        .await?)
}

/// Assets by id.
pub async fn assets_by_id(db: &impl Db, ids: Vec<Uuid>) -> StoreResult<Vec<Asset>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(asset::Entity::find()
        .filter(asset::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// How many units of a product are in one zone and state at a location.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct AssetCount {
    /// The product.
    pub product_id: Uuid,
    /// The zone (none for units away from the shelves).
    pub zone: Option<String>,
    /// The state code.
    pub state: String,
    /// How many.
    pub units: i64,
}

/// The units at a location, counted by product, zone and state.
pub async fn asset_counts(db: &impl Db, location_id: Uuid) -> StoreResult<Vec<AssetCount>> {
    Ok(asset::Entity::find()
        .select_only()
        .column(asset::Column::ProductId)
        .column(asset::Column::Zone)
        .column(asset::Column::State)
        .column_as(Expr::col(asset::Column::Id).count(), "units")
        .filter(asset::Column::LocationId.eq(location_id))
        .group_by(asset::Column::ProductId)
        .group_by(asset::Column::Zone)
        .group_by(asset::Column::State)
        .into_model::<AssetCount>()
        .all(db)
        .await?)
}

/// An asset's custody history, oldest first (ids are UUIDv7, so they break ties in time).
pub async fn custody_of_asset(db: &impl Db, asset_id: Uuid) -> StoreResult<Vec<CustodyEvent>> {
    Ok(custody_event::Entity::find()
        .filter(custody_event::Column::AssetId.eq(asset_id))
        .order_by_asc(custody_event::Column::At)
        .order_by_asc(custody_event::Column::Id)
        .all(db)
        .await?)
}

/// Every custody event that named a patient, oldest first.
pub async fn custody_of_patient(db: &impl Db, patient_id: Uuid) -> StoreResult<Vec<CustodyEvent>> {
    Ok(custody_event::Entity::find()
        .filter(custody_event::Column::PatientId.eq(patient_id))
        .order_by_asc(custody_event::Column::At)
        .order_by_asc(custody_event::Column::Id)
        .all(db)
        .await?)
}

/// Records cleanings, wipes and inspections.
pub async fn insert_care(db: &impl Db, rows: Vec<CareRecord>) -> StoreResult<()> {
    insert_batched(
        db,
        rows.into_iter()
            .map(care_record::ActiveModel::from)
            .collect(),
    )
    .await
}

/// An asset's care records, oldest first.
pub async fn care_of_asset(db: &impl Db, asset_id: Uuid) -> StoreResult<Vec<CareRecord>> {
    Ok(care_record::Entity::find()
        .filter(care_record::Column::AssetId.eq(asset_id))
        .order_by_asc(care_record::Column::At)
        .order_by_asc(care_record::Column::Id)
        .all(db)
        .await?)
}

/// Changes a location's kind.
pub async fn set_location_kind(db: &impl Db, id: Uuid, kind: &str) -> StoreResult<()> {
    location::Entity::update_many()
        .col_expr(location::Column::Kind, Expr::value(kind))
        .filter(location::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// One location.
pub async fn location(db: &impl Db, id: Uuid) -> StoreResult<Option<crate::directory::Location>> {
    Ok(location::Entity::find_by_id(id).one(db).await?)
}

/// Inventory facts for these products (missing rows mean the defaults).
pub async fn inventory_products(
    db: &impl Db,
    ids: Vec<Uuid>,
) -> StoreResult<Vec<InventoryProduct>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(inventory_product::Entity::find()
        .filter(inventory_product::Column::ProductId.is_in(ids))
        .all(db)
        .await?)
}

/// Records or replaces a product's inventory facts.
pub async fn save_inventory_product(db: &impl Db, row: InventoryProduct) -> StoreResult<()> {
    inventory_product::Entity::delete_by_id(row.product_id)
        .exec(db)
        .await?;
    inventory_product::Entity::insert(inventory_product::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Appends stock postings.
pub async fn insert_postings(db: &impl Db, rows: Vec<StockMovement>) -> StoreResult<()> {
    insert_batched(
        db,
        rows.into_iter()
            .map(stock_movement::ActiveModel::from)
            .collect(),
    )
    .await
}

/// On-hand of one stock line: the sum of its postings.
pub async fn on_hand(
    db: &impl Db,
    location_id: Uuid,
    product_id: Uuid,
    lot: Option<&str>,
) -> StoreResult<i64> {
    let lot_condition = match lot {
        Some(lot) => stock_movement::Column::Lot.eq(lot),
        None => stock_movement::Column::Lot.is_null(),
    };
    let sum: Option<Option<i64>> = stock_movement::Entity::find()
        .select_only()
        .column_as(
            Expr::col(stock_movement::Column::Delta)
                .sum()
                .cast_as("BIGINT"),
            "on_hand",
        )
        .filter(stock_movement::Column::LocationId.eq(location_id))
        .filter(stock_movement::Column::ProductId.eq(product_id))
        .filter(lot_condition)
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// One stock line's on-hand.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct OnHandRow {
    /// Where.
    pub location_id: Uuid,
    /// What.
    pub product_id: Uuid,
    /// Which lot.
    pub lot: Option<String>,
    /// The sum of the line's postings.
    pub on_hand: i64,
}

/// On-hand of every stock line, at one location or everywhere.
pub async fn on_hand_lines(db: &impl Db, location_id: Option<Uuid>) -> StoreResult<Vec<OnHandRow>> {
    let mut query = stock_movement::Entity::find()
        .select_only()
        .column(stock_movement::Column::LocationId)
        .column(stock_movement::Column::ProductId)
        .column(stock_movement::Column::Lot)
        .column_as(
            Expr::col(stock_movement::Column::Delta)
                .sum()
                .cast_as("BIGINT"),
            "on_hand",
        )
        .group_by(stock_movement::Column::LocationId)
        .group_by(stock_movement::Column::ProductId)
        .group_by(stock_movement::Column::Lot);
    if let Some(location_id) = location_id {
        query = query.filter(stock_movement::Column::LocationId.eq(location_id));
    }
    Ok(query.into_model::<OnHandRow>().all(db).await?)
}

/// Every reorder rule.
pub async fn reorder_rules(db: &impl Db) -> StoreResult<Vec<ReorderRule>> {
    Ok(reorder_rule::Entity::find().all(db).await?)
}

/// Records or replaces a reorder rule.
pub async fn save_reorder_rule(db: &impl Db, row: ReorderRule) -> StoreResult<()> {
    reorder_rule::Entity::delete_many()
        .filter(reorder_rule::Column::LocationId.eq(row.location_id))
        .filter(reorder_rule::Column::ProductId.eq(row.product_id))
        .exec(db)
        .await?;
    reorder_rule::Entity::insert(reorder_rule::ActiveModel::from(row))
        .exec_without_returning(db)
        .await?;
    Ok(())
}
