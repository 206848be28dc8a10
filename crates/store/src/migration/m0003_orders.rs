//! Orders: what a physician ordered for a patient, its lines and diagnoses, and the history of its
//! status with the reasons behind each hold.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_orders"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("orders")
                    .col(pk_uuid("id"))
                    .col(uuid("patient_id"))
                    .col(uuid("prescriber_id"))
                    .col(date("order_date"))
                    .col(boolean("signed"))
                    .col(date_null("signature_date"))
                    .col(date_null("f2f_encounter"))
                    .col(date_null("planned_delivery"))
                    .col(string_len("delivery_preference", 16))
                    .col(string_len("status", 16))
                    .col(text("notes"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("orders", "patient_id"), ("patients", "id")))
                    .foreign_key(&mut fk(("orders", "prescriber_id"), ("prescribers", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("orders", "orders_patient", &["patient_id"]))
            .await?;
        // The intake queue reads open orders by status, oldest change first.
        manager
            .create_index(index("orders", "orders_status", &["status", "updated_at"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("order_diagnoses")
                    .col(uuid("order_id"))
                    .col(integer("position"))
                    .col(string_len("code", 8))
                    .primary_key(Index::create().col("order_id").col("position"))
                    .foreign_key(&mut fk(("order_diagnoses", "order_id"), ("orders", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("order_lines")
                    .col(uuid("order_id"))
                    .col(integer("position"))
                    .col(uuid_null("product_id"))
                    .col(string_len("hcpcs", 5))
                    .col(integer("quantity"))
                    .col(string_len("rent_or_buy", 16))
                    .col(integer_null("length_of_need_months"))
                    .col(string_len_null("side", 2))
                    .primary_key(Index::create().col("order_id").col("position"))
                    .foreign_key(&mut fk(("order_lines", "order_id"), ("orders", "id")))
                    .foreign_key(&mut fk(("order_lines", "product_id"), ("products", "id")))
                    .foreign_key(&mut fk(("order_lines", "hcpcs"), ("hcpcs_codes", "code")))
                    .take(),
            )
            .await?;
        // Append-only: every status change, with the unmet requirements or the override reason.
        manager
            .create_table(
                Table::create()
                    .table("order_events")
                    .col(pk_uuid("id"))
                    .col(uuid("order_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor_name"))
                    .col(string_len("status", 16))
                    .col(text("reasons"))
                    .col(text_null("note"))
                    .foreign_key(&mut fk(("order_events", "order_id"), ("orders", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("order_events", "order_events_order", &["order_id"]))
            .await?;
        Ok(())
    }
}
