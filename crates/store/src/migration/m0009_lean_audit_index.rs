//! The per-patient audit index as one B-tree (ADR 0005): the table is rebuilt keyed by
//! (patient, event) only, without its foreign key to `audit_events` and without the index by
//! event, and on SQLite as a `WITHOUT ROWID` table. Each link then costs one B-tree insertion
//! instead of three plus a foreign-key probe, which made indexing the trail the largest cost of
//! an audited search under load (docs/benchmarks.md). `audit::verify` checks the links against
//! the events without the index by event.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_lean_audit_index"
    }
}

const TABLE: &str = "audit_event_patients";
const REBUILT: &str = "audit_event_patients_rebuilt";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too: the copy, drop and rename must run on one connection and all or nothing
    /// (on separate pooled connections the rename can see the dropped table still there).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rebuilt = Table::create()
            .table(REBUILT)
            .col(uuid("patient_id"))
            .col(big_integer("seq"))
            .primary_key(Index::create().col("patient_id").col("seq"))
            .take();
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            rebuilt.extra("WITHOUT ROWID");
        }
        manager.create_table(rebuilt).await?;
        let copy = Query::insert()
            .into_table(REBUILT)
            .columns(["patient_id", "seq"])
            .select_from(
                Query::select()
                    .columns(["patient_id", "seq"])
                    .from(TABLE)
                    .order_by("patient_id", Order::Asc)
                    .order_by("seq", Order::Asc)
                    .take(),
            )
            .map_err(|err| DbErr::Migration(err.to_string()))?
            .take();
        manager.exec_stmt(copy).await?;
        manager
            .drop_table(Table::drop().table(TABLE).take())
            .await?;
        manager
            .rename_table(Table::rename().table(REBUILT, TABLE).take())
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            // PostgreSQL named the key after the table it was created in.
            manager
                .get_connection()
                .execute_unprepared(
                    "ALTER TABLE audit_event_patients \
                     RENAME CONSTRAINT audit_event_patients_rebuilt_pkey TO audit_event_patients_pkey",
                )
                .await?;
        }
        Ok(())
    }
}
