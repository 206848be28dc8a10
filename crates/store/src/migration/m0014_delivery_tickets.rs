//! Delivery tickets: one trip that hands a Ready order's items to the patient (by technician, at
//! a branch, by carrier or at a facility), its items with the units reserved for them, its
//! append-only history (scheduling, failed attempts, returns to unscheduled), and the proof of
//! delivery captured when it is completed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{address_columns, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_delivery_tickets"
    }
}

/// A ticket waits for a date and technician, is scheduled, is completed, or was cancelled.
const STATUSES: [&str; 4] = ["unscheduled", "scheduled", "completed", "cancelled"];

/// How the items reach the patient (`durable_domain::delivery::Method`).
const METHODS: [&str; 4] = ["technician", "branch_pickup", "carrier", "facility"];

/// What a history entry records.
const EVENT_KINDS: [&str; 7] = [
    "created",
    "scheduled",
    "unscheduled",
    "failed",
    "completed",
    "cancelled",
    "swapped",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut tickets = Table::create()
            .table("delivery_tickets")
            .col(pk_uuid("id"))
            .col(uuid("order_id"))
            .col(uuid("patient_id"))
            .col(string_len("status", 12).check(Expr::col("status").is_in(STATUSES)))
            .col(string_len("method", 16).check(Expr::col("method").is_in(METHODS)))
            // The branch whose units and stock go out on this ticket.
            .col(uuid("branch_id"))
            .col(string_null("facility_name"))
            .col(string_null("phone"))
            .col(date_null("scheduled_on"))
            // The time window promised to the patient, as HH:MM in the organization's zone.
            .col(string_len_null("window_start", 5))
            .col(string_len_null("window_end", 5))
            .col(uuid_null("technician_id"))
            .col(integer_null("stop_position"))
            .col(string_null("carrier"))
            .col(string_null("tracking_number"))
            .col(text("notes"))
            // Why the ticket went back to unscheduled (its order stopped being Ready).
            .col(text_null("held_reason"))
            // Filled when the ticket is completed: the proof of delivery.
            .col(date_null("shipped_on"))
            .col(date_null("date_of_service"))
            .col(string_len_null("signer", 12))
            .col(string_null("signer_name"))
            .col(string_len_null("signer_relationship", 20))
            .col(date_null("signed_on"))
            .col(string_len_null("signature_sha256", 64))
            // The checklists as done at the stop (JSON: list of {list, item, done}).
            .col(text_null("checklists"))
            .col(uuid_null("pod_document_id"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .col(string_null("completed_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(string("created_by"))
            .foreign_key(&mut fk(("delivery_tickets", "order_id"), ("orders", "id")))
            .foreign_key(&mut fk(
                ("delivery_tickets", "patient_id"),
                ("patients", "id"),
            ))
            .foreign_key(&mut fk(
                ("delivery_tickets", "branch_id"),
                ("locations", "id"),
            ))
            .foreign_key(&mut fk(
                ("delivery_tickets", "technician_id"),
                ("users", "id"),
            ))
            .foreign_key(&mut fk(
                ("delivery_tickets", "pod_document_id"),
                ("documents", "id"),
            ))
            .take();
        address_columns(&mut tickets);
        manager.create_table(tickets).await?;
        manager
            .create_index(index(
                "delivery_tickets",
                "delivery_tickets_order",
                &["order_id"],
            ))
            .await?;
        // The board and the technician's day: tickets of a date, by technician, in stop order.
        manager
            .create_index(index(
                "delivery_tickets",
                "delivery_tickets_day",
                &["scheduled_on", "technician_id", "stop_position"],
            ))
            .await?;
        manager
            .create_index(index(
                "delivery_tickets",
                "delivery_tickets_status",
                &["status"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("delivery_ticket_items")
                    .col(uuid("ticket_id"))
                    .col(integer("position"))
                    .col(integer("order_line_position"))
                    .col(uuid_null("product_id"))
                    .col(string_len("hcpcs", 5))
                    .col(string("description"))
                    .col(integer("quantity").check(Expr::col("quantity").gt(0)))
                    .col(
                        string_len("rent_or_buy", 8)
                            .check(Expr::col("rent_or_buy").is_in(["rental", "purchase"])),
                    )
                    .col(boolean("serialized"))
                    .col(uuid_null("reserved_asset_id"))
                    .col(uuid_null("delivered_asset_id"))
                    .col(string_null("lot"))
                    .primary_key(Index::create().col("ticket_id").col("position"))
                    .foreign_key(&mut fk(
                        ("delivery_ticket_items", "ticket_id"),
                        ("delivery_tickets", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("delivery_ticket_items", "reserved_asset_id"),
                        ("assets", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("delivery_ticket_items", "delivered_asset_id"),
                        ("assets", "id"),
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("delivery_ticket_events")
                    .col(pk_uuid("id"))
                    .col(uuid("ticket_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor_name"))
                    .col(string_len("kind", 12).check(Expr::col("kind").is_in(EVENT_KINDS)))
                    .col(date_null("scheduled_on"))
                    .col(uuid_null("technician_id"))
                    .col(text_null("note"))
                    .foreign_key(&mut fk(
                        ("delivery_ticket_events", "ticket_id"),
                        ("delivery_tickets", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "delivery_ticket_events",
                "delivery_ticket_events_ticket",
                &["ticket_id", "at"],
            ))
            .await
    }
}
