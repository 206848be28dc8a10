//! Prior-authorization requests per patient, payer and HCPCS, and ABNs signed for order lines.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_prior_authorizations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("prior_authorizations")
                    .col(pk_uuid("id"))
                    .col(uuid("patient_id"))
                    .col(uuid("payer_id"))
                    .col(string_len("hcpcs", 5))
                    .col(string_len("rent_or_buy", 16))
                    .col(string_len("status", 16))
                    .col(string_len_null("utn", 14))
                    .col(date_null("submitted_on"))
                    .col(date_null("decision_date"))
                    .col(date_null("expiry_date"))
                    .col(text("notes"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        ("prior_authorizations", "patient_id"),
                        ("patients", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("prior_authorizations", "payer_id"),
                        ("payers", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("prior_authorizations", "hcpcs"),
                        ("hcpcs_codes", "code"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "prior_authorizations",
                "prior_authorizations_patient",
                &["patient_id"],
            ))
            .await?;
        // The PA queue reads by status, soonest expiry first.
        manager
            .create_index(index(
                "prior_authorizations",
                "prior_authorizations_queue",
                &["status", "expiry_date"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("abns")
                    .col(pk_uuid("id"))
                    .col(uuid("order_id"))
                    .col(integer("line_position"))
                    .col(text("reason"))
                    .col(string_len("option_chosen", 8))
                    .col(date("signed_date"))
                    .col(string("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut fk(("abns", "order_id"), ("orders", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("abns", "abns_order", &["order_id"]))
            .await?;
        Ok(())
    }
}
