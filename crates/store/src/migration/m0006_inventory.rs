//! Inventory: location kinds, stock kept as an append-only ledger, serialized assets
//! with their recall keys and append-only custody, vendors and purchase orders, cleaning and
//! inspection records, and recall campaigns with a follow-up row per affected unit.
//!
//! Nothing here stores a derived truth: on-hand is the sum of `stock_movements.delta`, and an
//! asset's `state` column is the latest custody event's `to_state`, written in the same
//! transaction as that event (it is the row the state machine reads and the index recall and
//! search filter on).

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index, search_key};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_inventory"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        // Existing locations are branches; warehouses and vehicles are added as such.
        manager
            .alter_table(
                Table::alter()
                    .table("locations")
                    .add_column(string_len("kind", 16).default("branch"))
                    .take(),
            )
            .await?;
        products_and_stock(manager).await?;
        purchasing(manager).await?;
        assets(manager, backend).await?;
        recalls(manager).await?;
        Ok(())
    }
}

async fn products_and_stock(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // Inventory facts about a product, kept beside the catalog row: a product without a row
    // here is kept without lots and holds no patient data.
    manager
        .create_table(
            Table::create()
                .table("inventory_products")
                .col(pk_uuid("product_id"))
                .col(string_len("lot_tracking", 16))
                .col(boolean("keeps_patient_data"))
                .foreign_key(&mut fk(
                    ("inventory_products", "product_id"),
                    ("products", "id"),
                ))
                .take(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("reorder_rules")
                .col(uuid("location_id"))
                .col(uuid("product_id"))
                .col(integer("reorder_point"))
                .col(integer("reorder_quantity"))
                .primary_key(Index::create().col("location_id").col("product_id"))
                .foreign_key(&mut fk(
                    ("reorder_rules", "location_id"),
                    ("locations", "id"),
                ))
                .foreign_key(&mut fk(("reorder_rules", "product_id"), ("products", "id")))
                .take(),
        )
        .await?;
    // One row per posting; a movement (a transfer has two postings) shares `movement_id`.
    manager
        .create_table(
            Table::create()
                .table("stock_movements")
                .col(pk_uuid("id"))
                .col(uuid("movement_id"))
                .col(string_len("kind", 16))
                .col(uuid("location_id"))
                .col(uuid("product_id"))
                .col(string_len_null("lot", 64))
                .col(date_null("expiry"))
                .col(big_integer("delta"))
                .col(string_len_null("reason", 16))
                .col(text_null("note"))
                .col(uuid_null("purchase_order_id"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    ("stock_movements", "location_id"),
                    ("locations", "id"),
                ))
                .foreign_key(&mut fk(
                    ("stock_movements", "product_id"),
                    ("products", "id"),
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(
            "stock_movements",
            "stock_movements_line",
            &["location_id", "product_id", "lot"],
        ))
        .await?;
    Ok(())
}

async fn purchasing(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("vendors")
                .col(pk_uuid("id"))
                .col(string_uniq("name"))
                .col(string_len("phone", 10))
                .col(string_null("email"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("purchase_orders")
                .col(pk_uuid("id"))
                .col(string_len_uniq("number", 32))
                .col(uuid("vendor_id"))
                .col(uuid("location_id"))
                .col(string_len("status", 16))
                .col(date_null("expected_on"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("purchase_orders", "vendor_id"), ("vendors", "id")))
                .foreign_key(&mut fk(
                    ("purchase_orders", "location_id"),
                    ("locations", "id"),
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(
            "purchase_orders",
            "purchase_orders_status",
            &["status", "created_at"],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table("purchase_order_lines")
                .col(uuid("purchase_order_id"))
                .col(integer("position"))
                .col(uuid("product_id"))
                .col(integer("quantity_ordered"))
                .col(integer("quantity_received"))
                .col(big_integer("unit_cost_cents"))
                .primary_key(Index::create().col("purchase_order_id").col("position"))
                .foreign_key(&mut fk(
                    ("purchase_order_lines", "purchase_order_id"),
                    ("purchase_orders", "id"),
                ))
                .foreign_key(&mut fk(
                    ("purchase_order_lines", "product_id"),
                    ("products", "id"),
                ))
                .take(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("purchase_order_receipts")
                .col(pk_uuid("id"))
                .col(uuid("purchase_order_id"))
                .col(text("lines"))
                .col(text_null("override_reason"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    ("purchase_order_receipts", "purchase_order_id"),
                    ("purchase_orders", "id"),
                ))
                .take(),
        )
        .await?;
    manager
        .create_index(index(
            "purchase_order_receipts",
            "purchase_order_receipts_order",
            &["purchase_order_id"],
        ))
        .await?;
    Ok(())
}

async fn assets(manager: &SchemaManager<'_>, backend: DatabaseBackend) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("assets")
                .col(pk_uuid("id"))
                .col(uuid("product_id"))
                .col(string_len("serial", 64))
                .col(search_key("manufacturer_key", backend))
                .col(search_key("model_key", backend))
                .col(search_key("serial_key", backend))
                .col(search_key("serial_prefix", backend))
                .col(big_integer_null("serial_number"))
                .col(string_len_null("lot", 64))
                .col(string_null("lot_key"))
                .col(big_integer("purchase_cost_cents"))
                .col(date("purchase_date"))
                .col(uuid_null("vendor_id"))
                .col(uuid_null("purchase_order_id"))
                .col(date_null("warranty_end"))
                .col(integer("usage_hours"))
                .col(uuid_null("owner_patient_id"))
                .col(uuid("location_id"))
                .col(string_len_null("zone", 16))
                .col(string_len("state", 16))
                .col(text("state_detail"))
                .col(uuid_null("patient_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(("assets", "product_id"), ("products", "id")))
                .foreign_key(&mut fk(("assets", "vendor_id"), ("vendors", "id")))
                .foreign_key(&mut fk(("assets", "location_id"), ("locations", "id")))
                .foreign_key(&mut fk(("assets", "patient_id"), ("patients", "id")))
                .take(),
        )
        .await?;
    // The unique key that refuses a second unit with the same serial from one manufacturer.
    manager
        .create_index(
            index(
                "assets",
                "assets_manufacturer_serial",
                &["manufacturer_key", "serial_key"],
            )
            .unique()
            .take(),
        )
        .await?;
    // Recall by model and serial range: one index range scan.
    manager
        .create_index(index(
            "assets",
            "assets_recall_range",
            &[
                "manufacturer_key",
                "model_key",
                "serial_prefix",
                "serial_number",
            ],
        ))
        .await?;
    manager
        .create_index(index(
            "assets",
            "assets_recall_lot",
            &["manufacturer_key", "lot_key"],
        ))
        .await?;
    // A scanned serial, whatever the manufacturer.
    manager
        .create_index(index("assets", "assets_serial", &["serial_key"]))
        .await?;
    manager
        .create_index(index(
            "assets",
            "assets_location",
            &["location_id", "zone", "state"],
        ))
        .await?;
    manager
        .create_index(index("assets", "assets_state", &["state", "product_id"]))
        .await?;
    manager
        .create_table(
            Table::create()
                .table("custody_events")
                .col(pk_uuid("id"))
                .col(uuid("asset_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor_name"))
                .col(string_len("command", 24))
                .col(string_len_null("from_state", 16))
                .col(string_len("to_state", 16))
                .col(uuid("location_id"))
                .col(string_len_null("zone", 16))
                .col(uuid_null("patient_id"))
                .col(uuid_null("order_id"))
                .col(text_null("note"))
                .foreign_key(&mut fk(("custody_events", "asset_id"), ("assets", "id")))
                .foreign_key(&mut fk(
                    ("custody_events", "location_id"),
                    ("locations", "id"),
                ))
                .foreign_key(&mut fk(
                    ("custody_events", "patient_id"),
                    ("patients", "id"),
                ))
                .take(),
        )
        .await?;
    // Recall: the patients of a set of assets come from this covering index alone.
    manager
        .create_index(index(
            "custody_events",
            "custody_events_asset_patient",
            &["asset_id", "patient_id"],
        ))
        .await?;
    manager
        .create_index(index(
            "custody_events",
            "custody_events_patient",
            &["patient_id", "at"],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table("care_records")
                .col(pk_uuid("id"))
                .col(uuid("asset_id"))
                .col(string_len("kind", 16))
                .col(string_null("method"))
                .col(string_len_null("result", 8))
                .col(text_null("checklist"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(("care_records", "asset_id"), ("assets", "id")))
                .take(),
        )
        .await?;
    manager
        .create_index(index(
            "care_records",
            "care_records_asset",
            &["asset_id", "at"],
        ))
        .await?;
    Ok(())
}

async fn recalls(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("recall_campaigns")
                .col(pk_uuid("id"))
                .col(string("title"))
                .col(string("manufacturer"))
                .col(string_null("model"))
                .col(text("input"))
                .col(text("campaign"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table("recall_units")
                .col(uuid("campaign_id"))
                .col(uuid("asset_id"))
                .col(string_len("status", 16))
                .col(text("task"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("campaign_id").col("asset_id"))
                .foreign_key(&mut fk(
                    ("recall_units", "campaign_id"),
                    ("recall_campaigns", "id"),
                ))
                .foreign_key(&mut fk(("recall_units", "asset_id"), ("assets", "id")))
                .take(),
        )
        .await?;
    Ok(())
}
