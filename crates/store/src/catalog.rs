//! The catalog: HCPCS codes (with the history of every import) and the supplier's products.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{
    hcpcs_code, hcpcs_code_change, hcpcs_import, product, product_accessory, product_hcpcs,
};
use crate::{Db, StoreResult};

pub use crate::entity::hcpcs_code::Model as HcpcsCode;
pub use crate::entity::hcpcs_code_change::Model as HcpcsCodeChange;
pub use crate::entity::hcpcs_import::Model as HcpcsImport;
pub use crate::entity::product::Model as Product;
pub use crate::entity::product_accessory::Model as ProductAccessory;
pub use crate::entity::product_hcpcs::Model as ProductHcpcs;

/// Rows per multi-row INSERT: up to 32 columns × 1,000 stays under SQLite's 32,766 bound parameters
/// (the widest table written in batches, `assets`, has 24).
const INSERT_BATCH: usize = 1_000;

/// Inserts rows in batches small enough for either backend.
pub(crate) async fn insert_batched<A>(db: &impl Db, rows: Vec<A>) -> StoreResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(INSERT_BATCH).collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Every HCPCS code on file (a few thousand rows; the importer compares a file against them).
pub async fn all_hcpcs_codes(db: &impl Db) -> StoreResult<Vec<HcpcsCode>> {
    Ok(hcpcs_code::Entity::find().all(db).await?)
}

/// Whether any HCPCS code is loaded yet.
pub async fn has_hcpcs_codes(db: &impl Db) -> StoreResult<bool> {
    Ok(hcpcs_code::Entity::find().one(db).await?.is_some())
}

/// Records one import and what it did to the codes.
pub async fn record_hcpcs_import(
    db: &impl Db,
    import: HcpcsImport,
    added: Vec<HcpcsCode>,
    changed: Vec<HcpcsCode>,
    history: Vec<HcpcsCodeChange>,
) -> StoreResult<()> {
    hcpcs_import::Entity::insert(hcpcs_import::ActiveModel::from(import))
        .exec_without_returning(db)
        .await?;
    insert_batched(
        db,
        added
            .into_iter()
            .map(hcpcs_code::ActiveModel::from)
            .collect(),
    )
    .await?;
    for row in changed {
        crate::replace(db, row).await?;
    }
    insert_batched(
        db,
        history
            .into_iter()
            .map(hcpcs_code_change::ActiveModel::from)
            .collect(),
    )
    .await
}

/// One HCPCS code.
pub async fn hcpcs_code(db: &impl Db, code: &str) -> StoreResult<Option<HcpcsCode>> {
    Ok(hcpcs_code::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?)
}

/// HCPCS procedure codes starting with `code_prefix`, or whose short description contains
/// `words`, in code order.
pub async fn search_hcpcs(
    db: &impl Db,
    code_prefix: Option<&str>,
    words: Option<&str>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<HcpcsCode>> {
    let mut query = hcpcs_code::Entity::find();
    if let Some(prefix) = code_prefix {
        query = query.filter(hcpcs_code::Column::Code.starts_with(prefix));
    }
    if let Some(words) = words {
        // Descriptions are stored as CMS writes them; compare case-insensitively on both backends.
        query = query.filter(
            Expr::expr(Func::upper(Expr::col(hcpcs_code::Column::ShortDescription)))
                .like(format!("%{}%", words.to_uppercase())),
        );
    }
    Ok(query
        .order_by_asc(hcpcs_code::Column::Code)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// What a code was before each import that changed it, newest first.
pub async fn hcpcs_code_history(
    db: &impl Db,
    code: &str,
) -> StoreResult<Vec<(HcpcsCodeChange, HcpcsImport)>> {
    let changes = hcpcs_code_change::Entity::find()
        .filter(hcpcs_code_change::Column::Code.eq(code))
        .all(db)
        .await?;
    let imports = hcpcs_import::Entity::find()
        .filter(
            hcpcs_import::Column::Id.is_in(changes.iter().map(|c| c.import_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let mut joined: Vec<_> = changes
        .into_iter()
        .filter_map(|change| {
            let import = imports.iter().find(|i| i.id == change.import_id)?.clone();
            Some((change, import))
        })
        .collect();
    // Ids are UUIDv7, so they order imports made within the same instant.
    joined.sort_by_key(|(_, import)| std::cmp::Reverse((import.imported_at, import.id)));
    Ok(joined)
}

/// Every import, newest first.
pub async fn hcpcs_imports(db: &impl Db) -> StoreResult<Vec<HcpcsImport>> {
    Ok(hcpcs_import::Entity::find()
        .order_by_desc(hcpcs_import::Column::ImportedAt)
        .order_by_desc(hcpcs_import::Column::Id)
        .all(db)
        .await?)
}

/// Sets or clears the payment category a person chose over the file's pricing indicator.
pub async fn set_category_override(
    db: &impl Db,
    code: &str,
    category: Option<&str>,
) -> StoreResult<bool> {
    let result = hcpcs_code::Entity::update_many()
        .col_expr(
            hcpcs_code::Column::CategoryOverride,
            Expr::value(category.map(str::to_owned)),
        )
        .filter(hcpcs_code::Column::Code.eq(code))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A product with its codes (in billing order) and its accessories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRecord {
    /// The product row.
    pub product: Product,
    /// HCPCS codes, the primary one first.
    pub hcpcs: Vec<String>,
    /// Accessories and supplies that go with it.
    pub accessories: Vec<ProductAccessory>,
}

/// Adds a product with its codes and accessories.
pub async fn insert_product(db: &impl Db, record: ProductRecord) -> StoreResult<()> {
    let id = record.product.id;
    product::Entity::insert(product::ActiveModel::from(record.product))
        .exec_without_returning(db)
        .await?;
    insert_product_links(db, id, record.hcpcs, record.accessories).await
}

/// Replaces a product's fields, codes and accessories.
pub async fn update_product(db: &impl Db, record: ProductRecord) -> StoreResult<()> {
    let id = record.product.id;
    crate::replace(db, record.product).await?;
    product_hcpcs::Entity::delete_many()
        .filter(product_hcpcs::Column::ProductId.eq(id))
        .exec(db)
        .await?;
    product_accessory::Entity::delete_many()
        .filter(product_accessory::Column::ProductId.eq(id))
        .exec(db)
        .await?;
    insert_product_links(db, id, record.hcpcs, record.accessories).await
}

async fn insert_product_links(
    db: &impl Db,
    id: Uuid,
    hcpcs: Vec<String>,
    accessories: Vec<ProductAccessory>,
) -> StoreResult<()> {
    let codes: Vec<_> = hcpcs
        .into_iter()
        .enumerate()
        .map(|(position, code)| product_hcpcs::ActiveModel {
            product_id: Set(id),
            hcpcs: Set(code),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        })
        .collect();
    insert_batched(db, codes).await?;
    insert_batched(
        db,
        accessories
            .into_iter()
            .map(product_accessory::ActiveModel::from)
            .collect(),
    )
    .await
}

/// Several products with their codes and accessories, in the order of `rows`.
async fn with_links(db: &impl Db, rows: Vec<Product>) -> StoreResult<Vec<ProductRecord>> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let mut codes = product_hcpcs::Entity::find()
        .filter(product_hcpcs::Column::ProductId.is_in(ids.clone()))
        .all(db)
        .await?;
    codes.sort_by_key(|c| (c.product_id, c.position));
    let accessories = product_accessory::Entity::find()
        .filter(product_accessory::Column::ProductId.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|product| ProductRecord {
            hcpcs: codes
                .iter()
                .filter(|c| c.product_id == product.id)
                .map(|c| c.hcpcs.clone())
                .collect(),
            accessories: accessories
                .iter()
                .filter(|a| a.product_id == product.id)
                .cloned()
                .collect(),
            product,
        })
        .collect())
}

/// One product.
pub async fn product(db: &impl Db, id: Uuid) -> StoreResult<Option<ProductRecord>> {
    let Some(row) = product::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_links(db, vec![row]).await?.pop())
}

/// Products by several ids (unknown ids are left out).
pub async fn products_by_id(db: &impl Db, ids: Vec<Uuid>) -> StoreResult<Vec<Product>> {
    Ok(product::Entity::find()
        .filter(product::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Products whose name, manufacturer or model contains `text` (case-insensitive), or that
/// bill under HCPCS `code`, by name.
pub async fn search_products(
    db: &impl Db,
    text: Option<&str>,
    code: Option<&str>,
    offset: u64,
    limit: u64,
) -> StoreResult<Vec<ProductRecord>> {
    let mut query = product::Entity::find();
    let mut any = Condition::any();
    if let Some(text) = text {
        let pattern = format!("%{}%", text.to_uppercase());
        for column in [
            product::Column::Name,
            product::Column::Manufacturer,
            product::Column::Model,
        ] {
            any = any.add(Expr::expr(Func::upper(Expr::col(column))).like(pattern.clone()));
        }
    }
    if let Some(code) = code {
        let ids: Vec<Uuid> = product_hcpcs::Entity::find()
            .filter(product_hcpcs::Column::Hcpcs.eq(code))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.product_id)
            .collect();
        any = any.add(product::Column::Id.is_in(ids));
    }
    if text.is_some() || code.is_some() {
        query = query.filter(any);
    }
    let rows = query
        .order_by_asc(product::Column::Name)
        .order_by_asc(product::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    with_links(db, rows).await
}
