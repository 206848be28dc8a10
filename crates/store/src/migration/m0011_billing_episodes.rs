//! Billing episodes: what the billing cycle bills from. One episode per delivered (or moved-in)
//! rental or purchase line, with an append-only list of dated events (pick-up, hospital stay,
//! replacement, change of supplier, move, death …) that change what may be billed. Deliveries,
//! pickups and repairs write them; the billing cycle reads them and never reads orders.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_billing_episodes"
    }
}

/// The fee-schedule payment categories, as the billing engine names them.
const CATEGORIES: [&str; 5] = [
    "capped_rental",
    "oxygen",
    "inexpensive_routinely_purchased",
    "frequent_servicing",
    "supplies",
];

/// The kinds of dated event the billing engine reads.
const EVENT_KINDS: [&str; 10] = [
    "return",
    "resume",
    "delivery",
    "death",
    "replacement",
    "repair",
    "supplier_change",
    "purchase",
    "stay",
    "move",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("billing_episodes")
                    .col(pk_uuid("id"))
                    .col(uuid("patient_id"))
                    // Absent for a rental moved in from another system without its order.
                    .col(uuid_null("order_id"))
                    .col(integer_null("order_line_position"))
                    .col(uuid_null("coverage_id"))
                    .col(string_len("hcpcs", 5))
                    .col(string_len("category", 40).check(Expr::col("category").is_in(CATEGORIES)))
                    .col(
                        string_len("arrangement", 8)
                            .check(Expr::col("arrangement").is_in(["rental", "purchase"])),
                    )
                    .col(date("first_date_of_service"))
                    .col(integer("units").check(Expr::col("units").gt(0)))
                    .col(uuid_null("asset_id"))
                    // Rental months already billed by the previous system (moved-in rentals).
                    .col(
                        integer("months_billed_before")
                            .default(0)
                            .check(Expr::col("months_billed_before").gte(0)),
                    )
                    .col(
                        string_len("origin", 8)
                            .check(Expr::col("origin").is_in(["delivery", "repair", "import"])),
                    )
                    // The delivery ticket, work order or import that opened it, and the line
                    // within it (the ticket's order line, the import's row number).
                    .col(uuid("source_id"))
                    .col(integer("source_line"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(string("opened_by"))
                    .foreign_key(&mut fk(
                        ("billing_episodes", "patient_id"),
                        ("patients", "id"),
                    ))
                    .foreign_key(&mut fk(("billing_episodes", "order_id"), ("orders", "id")))
                    .foreign_key(&mut fk(
                        ("billing_episodes", "coverage_id"),
                        ("coverages", "id"),
                    ))
                    .foreign_key(&mut fk(("billing_episodes", "asset_id"), ("assets", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "billing_episodes",
                "billing_episodes_patient",
                &["patient_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "billing_episodes",
                "billing_episodes_order",
                &["order_id"],
            ))
            .await?;
        // Opening the same line from the same source twice (a retried completion) is refused.
        manager
            .create_index(
                index(
                    "billing_episodes",
                    "billing_episodes_source_line",
                    &["source_id", "source_line"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("billing_episode_events")
                    .col(pk_uuid("id"))
                    .col(uuid("episode_id"))
                    .col(string_len("kind", 16).check(Expr::col("kind").is_in(EVENT_KINDS)))
                    .col(date("occurred_on"))
                    // The billing engine's event, as its JSON (`kind` and its fields).
                    .col(text("detail"))
                    .col(uuid_null("source_id"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .col(string("recorded_by"))
                    .foreign_key(&mut fk(
                        ("billing_episode_events", "episode_id"),
                        ("billing_episodes", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "billing_episode_events",
                "billing_episode_events_episode",
                &["episode_id", "occurred_on"],
            ))
            .await
    }
}
