//! Pricing: the CMS DMEPOS fee schedule with its import history, the ZIP codes the supplier
//! flags rural, and price options per payer (or plan) and HCPCS code with their month bands.
//! (m0006 is another change developed alongside this one; the gap in numbers is deliberate.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_pricing"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per fee schedule file loaded; codes the catalog does not know are listed here
        // rather than stored as amounts nobody could bill.
        manager
            .create_table(
                Table::create()
                    .table("fee_schedule_imports")
                    .col(pk_uuid("id"))
                    .col(string("file_name"))
                    .col(string_len("file_sha256", 64))
                    .col(date("effective"))
                    .col(timestamp_with_time_zone("imported_at"))
                    .col(string("imported_by"))
                    .col(integer("amounts_added"))
                    .col(integer("amounts_changed"))
                    .col(integer("amounts_removed"))
                    .col(integer("amounts_unchanged"))
                    .col(text("unknown_codes"))
                    .take(),
            )
            .await?;
        // Amounts are never updated in place: a newer file for the same effective date marks the
        // rows it changes or drops with `replaced_by` and adds new ones, so every amount a claim
        // was priced from stays on file. Absent modifiers are stored as '' so that they compare.
        manager
            .create_table(
                Table::create()
                    .table("fee_schedule_amounts")
                    .col(pk_uuid("id"))
                    .col(date("effective"))
                    .col(string_len("hcpcs", 5))
                    .col(string_len("modifier", 2))
                    .col(string_len("modifier2", 2))
                    .col(string_len("state", 2))
                    .col(boolean("rural"))
                    .col(big_integer("amount_cents"))
                    .col(uuid("import_id"))
                    .col(uuid_null("replaced_by"))
                    .foreign_key(&mut fk(
                        ("fee_schedule_amounts", "import_id"),
                        ("fee_schedule_imports", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("fee_schedule_amounts", "replaced_by"),
                        ("fee_schedule_imports", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("fee_schedule_amounts", "hcpcs"),
                        ("hcpcs_codes", "code"),
                    ))
                    .take(),
            )
            .await?;
        // The lookup: one code in one state, newest effective date first.
        manager
            .create_index(index(
                "fee_schedule_amounts",
                "fee_schedule_amounts_lookup",
                &["hcpcs", "state", "effective"],
            ))
            .await?;
        // The importer reads every amount of one effective date to compare a file against it.
        manager
            .create_index(index(
                "fee_schedule_amounts",
                "fee_schedule_amounts_effective",
                &["effective"],
            ))
            .await?;
        // No public ZIP → rural list ships with Durable; the supplier loads the ZIPs it knows
        // to be rural, and every other ZIP is priced as non-rural.
        manager
            .create_table(
                Table::create()
                    .table("rural_zips")
                    .col(string_len("zip", 5).primary_key())
                    .col(timestamp_with_time_zone("loaded_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("price_options")
                    .col(pk_uuid("id"))
                    .col(uuid("payer_id"))
                    // Set when the option belongs to one plan and overrides the payer's.
                    .col(uuid_null("plan_id"))
                    .col(string_len("hcpcs", 5))
                    .col(string_len("kind", 16))
                    .col(integer_null("cap_months"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string("updated_by"))
                    .foreign_key(&mut fk(("price_options", "payer_id"), ("payers", "id")))
                    .foreign_key(&mut fk(("price_options", "plan_id"), ("plans", "id")))
                    .foreign_key(&mut fk(("price_options", "hcpcs"), ("hcpcs_codes", "code")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "price_options",
                "price_options_payer_hcpcs",
                &["payer_id", "hcpcs"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("price_option_bands")
                    .col(uuid("price_option_id"))
                    .col(integer("position"))
                    .col(integer("from_month"))
                    .col(integer_null("to_month"))
                    // Modifier codes in claim order, comma-separated.
                    .col(string_len("modifiers", 16))
                    .col(big_integer("amount_cents"))
                    .primary_key(Index::create().col("price_option_id").col("position"))
                    .foreign_key(&mut fk(
                        ("price_option_bands", "price_option_id"),
                        ("price_options", "id"),
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }
}
