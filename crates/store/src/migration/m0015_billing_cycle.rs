//! The billing cycle's tables: the organization's settings (the billing provider on every claim
//! and the time zone that decides "today") and the job queue that runs the daily billing cycle.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{address_columns, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_billing_cycle"
    }
}

/// What a job can be doing.
pub(crate) const JOB_STATUSES: [&str; 4] = ["queued", "running", "done", "failed"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row, id 1: there is one organization per installation.
        let mut settings = Table::create()
            .table("organization_settings")
            .col(integer("id").primary_key().check(Expr::col("id").eq(1)))
            .col(string("legal_name"))
            .col(string_len("npi", 10))
            .col(string_len("tax_id", 9))
            .col(string_len("taxonomy_code", 10))
            .take();
        address_columns(&mut settings);
        manager
            .create_table(
                settings
                    .col(string_len("phone", 10))
                    .col(string_len("time_zone", 64))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(string("updated_by"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("jobs")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 40))
                    // Enqueueing the same kind and key twice is a no-op: the daily billing run
                    // is keyed by its date, so every server may enqueue it.
                    .col(string("key"))
                    .col(text("payload"))
                    .col(string_len("status", 8).check(Expr::col("status").is_in(JOB_STATUSES)))
                    .col(integer("attempts").default(0))
                    .col(integer("max_attempts").check(Expr::col("max_attempts").gt(0)))
                    .col(timestamp_with_time_zone("run_after"))
                    // A running job's lease: a worker that died leaves it to be run again after.
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    // Inside CREATE TABLE, not a later CREATE INDEX: SQLite checks an ON CONFLICT
                    // target against the schema a pooled connection cached when it prepares the
                    // statement, and a connection that cached the table alone refuses it.
                    .index(
                        &mut index("jobs", "jobs_kind_key", &["kind", "key"])
                            .unique()
                            .take(),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(index("jobs", "jobs_due", &["status", "run_after"]))
            .await
    }
}
