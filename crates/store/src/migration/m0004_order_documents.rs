//! What makes an order complete: eligibility results per coverage, documents (stored
//! content-addressed on disk, described here) with the checklist items people marked them as
//! satisfying, and prior-authorization requests.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_order_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("eligibility_checks")
                    .col(pk_uuid("id"))
                    .col(uuid("coverage_id"))
                    .col(date("checked_on"))
                    .col(boolean("active"))
                    .col(string_len("source", 32))
                    .col(text("note"))
                    .col(string("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut fk(
                        ("eligibility_checks", "coverage_id"),
                        ("coverages", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "eligibility_checks",
                "eligibility_checks_coverage",
                &["coverage_id", "checked_on"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("documents")
                    .col(pk_uuid("id"))
                    .col(uuid("patient_id"))
                    .col(uuid_null("order_id"))
                    .col(string_len("kind", 16))
                    .col(string_len("content_type", 32))
                    .col(big_integer("size_bytes"))
                    .col(string_len("sha256", 64))
                    .col(string("file_name"))
                    .col(date_null("document_date"))
                    .col(string("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .foreign_key(&mut fk(("documents", "patient_id"), ("patients", "id")))
                    .foreign_key(&mut fk(("documents", "order_id"), ("orders", "id")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("documents", "documents_order", &["order_id"]))
            .await?;
        manager
            .create_index(index("documents", "documents_patient", &["patient_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("document_marks")
                    .col(uuid("document_id"))
                    .col(string_len("requirement", 40))
                    .col(string("marked_by"))
                    .col(timestamp_with_time_zone("marked_at"))
                    .primary_key(Index::create().col("document_id").col("requirement"))
                    .foreign_key(&mut fk(
                        ("document_marks", "document_id"),
                        ("documents", "id"),
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }
}
