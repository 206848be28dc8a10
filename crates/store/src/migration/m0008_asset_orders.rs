//! The order a unit is reserved for or delivered on, as a column of its own (it was only inside
//! `state_detail`), so the open orders that still want units can be found with an index: an
//! order whose units are all reserved or delivered is no longer offered for reservation.

use sea_orm::{ConnectionTrait, FromQueryResult};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use uuid::Uuid;

use super::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_asset_orders"
    }
}

/// A unit with an order in its state.
#[derive(FromQueryResult)]
struct Held {
    id: Uuid,
    state_detail: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("assets")
                    .add_column(uuid_null("order_id"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("assets", "assets_order", &["order_id"]))
            .await?;
        // Backfill from the state (`{"state":"reserved","patient":…,"order":…}`), read in Rust
        // so both backends do the same without JSON functions of their own.
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let select = Query::select()
            .columns(["id", "state_detail"])
            .from("assets")
            .and_where(Expr::col("state").is_in(["reserved", "delivered"]))
            .to_owned();
        let held = Held::find_by_statement(backend.build(&select))
            .all(db)
            .await?;
        for unit in held {
            let detail: serde_json::Value = serde_json::from_str(&unit.state_detail)
                .map_err(|e| DbErr::Migration(format!("asset {} state: {e}", unit.id)))?;
            let Some(order) = detail["order"]
                .as_str()
                .and_then(|o| o.parse::<Uuid>().ok())
            else {
                continue;
            };
            let update = Query::update()
                .table("assets")
                .value("order_id", order)
                .and_where(Expr::col("id").eq(unit.id))
                .to_owned();
            db.execute(&update).await?;
        }
        Ok(())
    }
}
