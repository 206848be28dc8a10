//! Schema migrations, written once with SeaQuery so each backend gets its own SQL.
//! Migrations are append-only: a released migration is never edited, a change is a new one.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m0001_foundation;
mod m0002_catalog;
mod m0003_orders;
mod m0004_order_documents;
mod m0005_prior_authorizations;
mod m0006_inventory;
mod m0007_pricing;
mod m0008_asset_orders;
mod m0009_lean_audit_index;
mod m0010_patient_list_reads;
mod m0011_billing_episodes;
pub mod m0012_known_values;
mod m0013_token_expiry;
mod m0014_delivery_tickets;
mod m0015_billing_cycle;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_catalog::Migration),
            Box::new(m0003_orders::Migration),
            Box::new(m0004_order_documents::Migration),
            Box::new(m0005_prior_authorizations::Migration),
            Box::new(m0006_inventory::Migration),
            Box::new(m0007_pricing::Migration),
            Box::new(m0008_asset_orders::Migration),
            Box::new(m0009_lean_audit_index::Migration),
            Box::new(m0010_patient_list_reads::Migration),
            Box::new(m0011_billing_episodes::Migration),
            Box::new(m0012_known_values::Migration),
            Box::new(m0013_token_expiry::Migration),
            Box::new(m0014_delivery_tickets::Migration),
            Box::new(m0015_billing_cycle::Migration),
        ]
    }
}

/// Search keys are compared bytewise on both backends so that prefix ranges use the index;
/// PostgreSQL needs the "C" collation for that, SQLite's default BINARY already is.
pub(crate) fn search_key(col: &'static str, backend: DatabaseBackend) -> ColumnDef {
    let mut def = string(col);
    if backend == DatabaseBackend::Postgres {
        def.extra("COLLATE \"C\"");
    }
    def
}

pub(crate) fn fk(
    from: (&'static str, &'static str),
    to: (&'static str, &'static str),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// Replaces `table` by a new layout: creates `layout` as `<table>_rebuilt`, copies `columns` in
/// `key` order (so a clustered key is filled in order), drops the old table and gives the new one
/// its name; on PostgreSQL the primary key gets the old table's key name back. Run it inside the
/// migration's transaction (`use_transaction`), so it is all or nothing on one connection.
pub(crate) async fn rebuild_table(
    manager: &SchemaManager<'_>,
    table: &'static str,
    mut layout: TableCreateStatement,
    columns: &[&'static str],
    key: &[&'static str],
) -> Result<(), DbErr> {
    let rebuilt = format!("{table}_rebuilt");
    manager
        .create_table(layout.table(Alias::new(&rebuilt)).take())
        .await?;
    let mut select = Query::select()
        .columns(columns.iter().copied())
        .from(table)
        .take();
    for column in key {
        select.order_by(*column, Order::Asc);
    }
    let copy = Query::insert()
        .into_table(Alias::new(&rebuilt))
        .columns(columns.iter().copied())
        .select_from(select)
        .map_err(|err| DbErr::Migration(err.to_string()))?
        .take();
    manager.exec_stmt(copy).await?;
    manager
        .drop_table(Table::drop().table(table).take())
        .await?;
    manager
        .rename_table(Table::rename().table(Alias::new(&rebuilt), table).take())
        .await?;
    if manager.get_database_backend() == DatabaseBackend::Postgres {
        // PostgreSQL named the key after the table it was created as.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE {table} RENAME CONSTRAINT {rebuilt}_pkey TO {table}_pkey"
            ))
            .await?;
    }
    Ok(())
}

pub(crate) fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut stmt = Index::create().name(name).table(table).take();
    for col in cols {
        stmt.col(*col);
    }
    stmt
}

/// Address columns shared by prescribers, referral sources, locations and patient addresses.
pub(crate) fn address_columns(table: &mut TableCreateStatement) {
    table
        .col(string("line1"))
        .col(string_null("line2"))
        .col(string("city"))
        .col(string_len("state", 2))
        .col(string_len("postal_code", 10));
}
