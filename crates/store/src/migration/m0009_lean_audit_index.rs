//! The per-patient audit index as one B-tree (ADR 0005): the table is rebuilt keyed by
//! (patient, event) only, without its foreign key to `audit_events` and without the index by
//! event, and on SQLite as a `WITHOUT ROWID` table. Each link then costs one B-tree insertion
//! instead of three plus a foreign-key probe, which made indexing the trail the largest cost of
//! an audited search under load (docs/benchmarks.md). `audit::verify` checks the links against
//! the events without the index by event.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::rebuild_table;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_lean_audit_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too: the copy, drop and rename must run on one connection and all or nothing
    /// (on separate pooled connections the rename can see the dropped table still there).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut layout = Table::create()
            .col(uuid("patient_id"))
            .col(big_integer("seq"))
            .primary_key(Index::create().col("patient_id").col("seq"))
            .take();
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            layout.extra("WITHOUT ROWID");
        }
        let key = ["patient_id", "seq"];
        rebuild_table(manager, "audit_event_patients", layout, &key, &key).await
    }
}
