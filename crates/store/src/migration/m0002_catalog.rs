//! The catalog: HCPCS Level II codes with their import history, and the supplier's products.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_catalog"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per HCPCS file loaded, so every code change can say where it came from.
        manager
            .create_table(
                Table::create()
                    .table("hcpcs_imports")
                    .col(pk_uuid("id"))
                    .col(string("file_name"))
                    .col(string_len("file_sha256", 64))
                    .col(timestamp_with_time_zone("imported_at"))
                    .col(string("imported_by"))
                    .col(integer("codes_added"))
                    .col(integer("codes_changed"))
                    .col(integer("codes_unchanged"))
                    .take(),
            )
            .await?;
        // Codes are updated in place by newer files; `hcpcs_code_changes` keeps what they were.
        manager
            .create_table(
                Table::create()
                    .table("hcpcs_codes")
                    .col(string_len("code", 5).primary_key())
                    .col(string_len("kind", 16))
                    .col(text("long_description"))
                    .col(string("short_description"))
                    .col(string_len("pricing_indicators", 16))
                    .col(string_len_null("multiple_pricing_indicator", 2))
                    .col(string_len_null("coverage", 2))
                    .col(string_len_null("betos", 8))
                    .col(string_len_null("type_of_service", 16))
                    .col(date_null("added"))
                    .col(date_null("action_effective"))
                    .col(date_null("terminated"))
                    .col(string_len_null("action_code", 2))
                    .col(string_len_null("payment_category", 40))
                    .col(string_len_null("category_override", 40))
                    .col(uuid("last_import_id"))
                    .foreign_key(&mut fk(
                        ("hcpcs_codes", "last_import_id"),
                        ("hcpcs_imports", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("hcpcs_code_changes")
                    .col(pk_uuid("id"))
                    .col(uuid("import_id"))
                    .col(string_len("code", 5))
                    .col(string_len("change", 16))
                    // The code's fields before the change, as JSON; empty for an added code.
                    .col(text_null("previous"))
                    .foreign_key(&mut fk(
                        ("hcpcs_code_changes", "import_id"),
                        ("hcpcs_imports", "id"),
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "hcpcs_code_changes",
                "hcpcs_code_changes_code",
                &["code"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("products")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string("manufacturer"))
                    .col(string("model"))
                    .col(boolean("serialized"))
                    .col(integer_null("resupply_days"))
                    .col(text("description"))
                    .col(boolean("active").default(true))
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "products",
                    "products_manufacturer_model",
                    &["manufacturer", "model"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_hcpcs")
                    .col(uuid("product_id"))
                    .col(string_len("hcpcs", 5))
                    .col(integer("position"))
                    .primary_key(Index::create().col("product_id").col("hcpcs"))
                    .foreign_key(&mut fk(("product_hcpcs", "product_id"), ("products", "id")))
                    .foreign_key(&mut fk(("product_hcpcs", "hcpcs"), ("hcpcs_codes", "code")))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("product_hcpcs", "product_hcpcs_code", &["hcpcs"]))
            .await?;
        // Accessories and supplies that go out with a product, themselves products.
        manager
            .create_table(
                Table::create()
                    .table("product_accessories")
                    .col(uuid("product_id"))
                    .col(uuid("accessory_id"))
                    .col(integer("quantity"))
                    .primary_key(Index::create().col("product_id").col("accessory_id"))
                    .foreign_key(&mut fk(
                        ("product_accessories", "product_id"),
                        ("products", "id"),
                    ))
                    .foreign_key(&mut fk(
                        ("product_accessories", "accessory_id"),
                        ("products", "id"),
                    ))
                    .take(),
            )
            .await?;
        Ok(())
    }
}
