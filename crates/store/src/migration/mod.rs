//! Schema migrations, written once with SeaQuery so each backend gets its own SQL.
//! Migrations are append-only: a released migration is never edited, a change is a new one.

use sea_orm_migration::prelude::*;

mod m0001_foundation;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_foundation::Migration)]
    }
}
