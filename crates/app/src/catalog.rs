//! The catalog: HCPCS Level II codes imported from CMS files, and the supplier's products.
//! No patient data lives here; imports and changes are still recorded in the audit trail.

use std::collections::{HashMap, HashSet};

use durable_domain::catalog::{self, Hcpcs, HcpcsRecord, PaymentCategory, RecordKind};
use durable_domain::ids::ProductId;
use durable_domain::validation::FieldErrors;
use durable_store::catalog::{
    self as store, HcpcsCode, HcpcsCodeChange, HcpcsImport, Product, ProductAccessory,
    ProductRecord,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::forms::{MAX_TEXT, flag};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The page size of catalog searches.
pub const PAGE: u64 = 50;

/// The name the bundled file is imported under.
pub const BUNDLED_NAME: &str = "bundled: CMS HCPCS 2019, DMEPOS subset";

/// What one import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// The import's id.
    pub id: Uuid,
    /// Codes that were not on file.
    pub added: u32,
    /// Codes whose CMS fields differ from what was on file (the old values are kept).
    pub changed: u32,
    /// Codes identical to what was on file.
    pub unchanged: u32,
}

/// The stored row for a record, keeping what only Durable knows (the override).
fn row_from_record(
    record: &HcpcsRecord,
    import_id: Uuid,
    existing: Option<&HcpcsCode>,
) -> HcpcsCode {
    HcpcsCode {
        code: record.code.as_str().to_owned(),
        kind: record.kind().as_str().to_owned(),
        long_description: record.long_description.clone(),
        short_description: record.short_description.clone(),
        pricing_indicators: record.pricing_indicators.join(","),
        multiple_pricing_indicator: record.multiple_pricing_indicator.clone(),
        coverage: record.coverage.clone(),
        betos: record.betos.clone(),
        type_of_service: record.type_of_service.clone(),
        added: record.added,
        action_effective: record.action_effective,
        terminated: record.terminated,
        action_code: record.action_code.clone(),
        payment_category: record.payment_category().map(|c| c.as_str().to_owned()),
        category_override: existing.and_then(|row| row.category_override.clone()),
        last_import_id: import_id,
    }
}

/// Whether two rows hold the same CMS facts (the import that last touched them may differ).
fn same_cms_fields(a: &HcpcsCode, b: &HcpcsCode) -> bool {
    HcpcsCode {
        last_import_id: b.last_import_id,
        category_override: b.category_override.clone(),
        ..a.clone()
    } == *b
}

/// The CMS fields of a row as it was, kept when an import changes it.
fn previous_json(row: &HcpcsCode) -> String {
    serde_json::json!({
        "long_description": row.long_description,
        "short_description": row.short_description,
        "pricing_indicators": row.pricing_indicators,
        "multiple_pricing_indicator": row.multiple_pricing_indicator,
        "coverage": row.coverage,
        "betos": row.betos,
        "type_of_service": row.type_of_service,
        "added": row.added.map(|d| d.to_string()),
        "action_effective": row.action_effective.map(|d| d.to_string()),
        "terminated": row.terminated.map(|d| d.to_string()),
        "action_code": row.action_code,
        "payment_category": row.payment_category,
    })
    .to_string()
}

/// Loads a CMS HCPCS file (fixed-width text or the CSV layout): new codes are added, codes whose
/// CMS fields changed are updated in place with their previous values kept, and the rest is left
/// alone, so loading the same file twice changes nothing. The whole file or nothing is applied.
pub async fn import_hcpcs(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<ImportSummary> {
    actor.require(Permission::CatalogWrite)?;
    let records = catalog::parse_hcpcs_file(bytes)
        .map_err(|err| FieldErrors::single("file", err.to_string()))?;
    let mut seen = HashSet::with_capacity(records.len());
    if let Some(twice) = records.iter().find(|r| !seen.insert(r.code.as_str())) {
        return Err(FieldErrors::single(
            "file",
            format!(
                "The file lists {} more than once; nothing was imported.",
                twice.code
            ),
        )
        .into());
    }

    let id = Uuid::now_v7();
    let tx = app.store.begin_write().await?;
    let existing: HashMap<String, HcpcsCode> = store::all_hcpcs_codes(tx.conn())
        .await?
        .into_iter()
        .map(|row| (row.code.clone(), row))
        .collect();
    let (mut added, mut changed, mut history) = (Vec::new(), Vec::new(), Vec::new());
    let mut unchanged = 0u32;
    for record in &records {
        let old = existing.get(record.code.as_str());
        let row = row_from_record(record, id, old);
        match old {
            None => {
                history.push(HcpcsCodeChange {
                    id: Uuid::now_v7(),
                    import_id: id,
                    code: row.code.clone(),
                    change: "added".into(),
                    previous: None,
                });
                added.push(row);
            }
            Some(old) if same_cms_fields(old, &row) => unchanged += 1,
            Some(old) => {
                history.push(HcpcsCodeChange {
                    id: Uuid::now_v7(),
                    import_id: id,
                    code: row.code.clone(),
                    change: "changed".into(),
                    previous: Some(previous_json(old)),
                });
                changed.push(row);
            }
        }
    }
    let summary = ImportSummary {
        id,
        added: u32::try_from(added.len()).unwrap_or(u32::MAX),
        changed: u32::try_from(changed.len()).unwrap_or(u32::MAX),
        unchanged,
    };
    let import = HcpcsImport {
        id,
        file_name: file_name.chars().take(MAX_TEXT).collect(),
        file_sha256: hex::encode(Sha256::digest(bytes)),
        imported_at: app.clock.now(),
        imported_by: actor.username.clone(),
        codes_added: i32::try_from(summary.added).unwrap_or(i32::MAX),
        codes_changed: i32::try_from(summary.changed).unwrap_or(i32::MAX),
        codes_unchanged: i32::try_from(summary.unchanged).unwrap_or(i32::MAX),
    };
    store::record_hcpcs_import(tx.conn(), import, added, changed, history).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("catalog.import_hcpcs", "hcpcs_import", id).detail(serde_json::json!({
            "file": file_name,
            "added": summary.added,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Loads the bundled 2019 DMEPOS codes when no code is on file yet, so a fresh install can take
/// orders at once; a supplier then imports the current CMS file over it.
pub async fn ensure_bundled_hcpcs(app: &App) -> AppResult<Option<ImportSummary>> {
    if store::has_hcpcs_codes(app.store.conn()).await? {
        return Ok(None);
    }
    import_hcpcs(
        app,
        &Actor::operator(),
        BUNDLED_NAME,
        catalog::BUNDLED_HCPCS,
    )
    .await
    .map(Some)
}

/// A HCPCS code as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HcpcsView {
    /// The code, e.g. E0260.
    pub code: String,
    /// procedure or modifier.
    pub kind: String,
    /// CMS long description.
    pub long_description: String,
    /// CMS short description.
    pub short_description: String,
    /// CMS pricing indicators, comma-separated.
    pub pricing_indicators: String,
    /// The payment category in force: the override if set, else the one the pricing indicator names.
    pub payment_category: Option<String>,
    /// The category a person chose over the file's, if any.
    pub category_override: Option<String>,
    /// CMS coverage code.
    pub coverage: Option<String>,
    /// Date added to HCPCS.
    pub added: Option<Date>,
    /// Date of the latest action.
    pub action_effective: Option<Date>,
    /// Last date the code may be used.
    pub terminated: Option<Date>,
    /// CMS action code.
    pub action_code: Option<String>,
}

impl From<HcpcsCode> for HcpcsView {
    fn from(row: HcpcsCode) -> Self {
        HcpcsView {
            payment_category: row
                .category_override
                .clone()
                .or_else(|| row.payment_category.clone()),
            code: row.code,
            kind: row.kind,
            long_description: row.long_description,
            short_description: row.short_description,
            pricing_indicators: row.pricing_indicators,
            category_override: row.category_override,
            coverage: row.coverage,
            added: row.added,
            action_effective: row.action_effective,
            terminated: row.terminated,
            action_code: row.action_code,
        }
    }
}

impl HcpcsView {
    /// Whether the code may be billed on `date`.
    pub fn is_active_on(&self, date: Date) -> bool {
        self.added.is_none_or(|added| added <= date)
            && self.terminated.is_none_or(|end| date <= end)
    }
}

/// One earlier state of a code, and the import that replaced it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HcpcsChangeView {
    /// added or changed.
    pub change: String,
    /// The file that made the change.
    pub file_name: String,
    /// When it was imported.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub imported_at: time::OffsetDateTime,
    /// The CMS fields before the change (JSON), for a changed code.
    pub previous: Option<String>,
}

/// A code with its history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HcpcsDetail {
    /// The code as it is now.
    pub code: HcpcsView,
    /// Every import that added or changed it, newest first.
    pub history: Vec<HcpcsChangeView>,
}

/// Searches codes by code prefix ("E02") or words of the short description ("hospital bed").
pub async fn search_hcpcs(
    app: &App,
    actor: &Actor,
    text: &str,
    offset: u64,
) -> AppResult<(Vec<HcpcsView>, Option<u64>)> {
    actor.require(Permission::CatalogRead)?;
    let text = text.trim();
    let looks_like_code = text.len() <= 5
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().skip(1).all(|c| c.is_ascii_digit());
    let upper = text.to_ascii_uppercase();
    let (prefix, words) = match (text.is_empty(), looks_like_code) {
        (true, _) => (None, None),
        (false, true) => (Some(upper.as_str()), None),
        (false, false) => (None, Some(text)),
    };
    let mut rows = store::search_hcpcs(app.store.conn(), prefix, words, offset, PAGE + 1).await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    Ok((rows.into_iter().map(HcpcsView::from).collect(), next))
}

/// One code with the history of its imports.
pub async fn hcpcs_detail(app: &App, actor: &Actor, code: &str) -> AppResult<HcpcsDetail> {
    actor.require(Permission::CatalogRead)?;
    let code = code.trim().to_ascii_uppercase();
    let tx = app.store.begin_read().await?;
    let row = store::hcpcs_code(tx.conn(), &code)
        .await?
        .ok_or(AppError::NotFound("HCPCS code"))?;
    let history = store::hcpcs_code_history(tx.conn(), &code)
        .await?
        .into_iter()
        .map(|(change, import)| HcpcsChangeView {
            change: change.change,
            file_name: import.file_name,
            imported_at: import.imported_at,
            previous: change.previous,
        })
        .collect();
    Ok(HcpcsDetail {
        code: HcpcsView::from(row),
        history,
    })
}

/// Sets the payment category a code is billed under, over the file's pricing indicator (an empty
/// category clears the override).
pub async fn set_payment_category(
    app: &App,
    actor: &Actor,
    code: &str,
    category: &str,
) -> AppResult<()> {
    actor.require(Permission::CatalogWrite)?;
    let code = code.trim().to_ascii_uppercase();
    let category = match category.trim() {
        "" => None,
        text => Some(text.parse::<PaymentCategory>().map_err(|_| {
            FieldErrors::single(
                "payment_category",
                "Choose one of the listed payment categories.",
            )
        })?),
    };
    let tx = app.store.begin_write().await?;
    if !store::set_category_override(tx.conn(), &code, category.map(PaymentCategory::as_str))
        .await?
    {
        return Err(AppError::NotFound("HCPCS code"));
    }
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("catalog.set_category", "hcpcs_code", Uuid::nil()).detail(serde_json::json!({
            "code": code,
            "category": category.map(PaymentCategory::as_str),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A product as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProductForm {
    /// What staff call it, e.g. "Semi-electric hospital bed".
    pub name: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Manufacturer's model name or number.
    pub model: String,
    /// HCPCS codes it is billed under, the primary one first, separated by spaces or commas.
    pub hcpcs: String,
    /// "true" when each unit has a serial number tracked as an asset.
    pub serialized: Option<String>,
    /// Days one supply lasts, for items resupplied on a schedule (empty when not resupplied).
    pub resupply_days: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Accessories and supplies that go out with it.
    pub accessories: Vec<AccessoryForm>,
}

/// An accessory line of a product form.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AccessoryForm {
    /// The accessory's product id.
    pub product_id: String,
    /// How many go out with one unit (1 when empty).
    pub quantity: Option<String>,
}

/// A product as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    /// The product's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: ProductId,
    /// Name.
    pub name: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// HCPCS codes, primary first.
    pub hcpcs: Vec<String>,
    /// Whether units are tracked by serial number.
    pub serialized: bool,
    /// Days one supply lasts.
    pub resupply_days: Option<i32>,
    /// Description.
    pub description: String,
    /// Accessories.
    pub accessories: Vec<AccessoryView>,
}

/// An accessory of a product.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AccessoryView {
    /// The accessory's product id.
    #[schema(value_type = String, format = Uuid)]
    pub product_id: ProductId,
    /// Its name.
    pub name: String,
    /// How many go with one unit.
    pub quantity: i32,
}

impl From<ProductView> for ProductForm {
    /// The form as saved, for editing.
    fn from(p: ProductView) -> Self {
        ProductForm {
            name: p.name,
            manufacturer: p.manufacturer,
            model: p.model,
            hcpcs: p.hcpcs.join(" "),
            serialized: p.serialized.then(|| "on".to_owned()),
            resupply_days: p.resupply_days.map(|d| d.to_string()),
            description: Some(p.description),
            accessories: p
                .accessories
                .into_iter()
                .map(|a| AccessoryForm {
                    product_id: a.product_id.to_string(),
                    quantity: Some(a.quantity.to_string()),
                })
                .collect(),
        }
    }
}

/// The most accessories one product may list.
const MAX_ACCESSORIES: usize = 50;

impl ProductForm {
    /// Checks every field against the catalog; nothing is written when any is wrong.
    async fn parse(
        &self,
        app: &App,
        tx: &impl durable_store::Db,
        id: Uuid,
    ) -> AppResult<ProductRecord> {
        let mut errors = FieldErrors::new();
        let name = errors.required("name", &self.name, MAX_TEXT);
        let manufacturer = errors.required("manufacturer", &self.manufacturer, MAX_TEXT);
        let model = errors.required("model", &self.model, MAX_TEXT);
        let description = errors
            .optional_note("description", self.description.as_deref(), 2_000)
            .unwrap_or_default();
        let resupply_days = match self.resupply_days.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<i32>() {
                Ok(days) if (1..=366).contains(&days) => Some(days),
                _ => {
                    errors.add(
                        "resupply_days",
                        "Enter the days one supply lasts, 1 to 366.",
                    );
                    None
                }
            },
        };

        let today = app.clock.today();
        let mut codes: Vec<String> = Vec::new();
        for text in self
            .hcpcs
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            match Hcpcs::parse(text) {
                Err(err) => errors.add("hcpcs", format!("{text}: {err}")),
                Ok(code) if codes.contains(&code.to_string()) => {
                    errors.add("hcpcs", format!("{code} is listed twice."));
                }
                Ok(code) => match store::hcpcs_code(tx, code.as_str()).await? {
                    None => errors.add(
                        "hcpcs",
                        format!("{code} is not in the HCPCS catalog; import the current CMS file or check the code."),
                    ),
                    Some(row) if row.kind != RecordKind::Procedure.as_str() => {
                        errors.add("hcpcs", format!("{code} is a modifier, not a procedure code."));
                    }
                    Some(row) if !HcpcsView::from(row.clone()).is_active_on(today) => errors.add(
                        "hcpcs",
                        format!(
                            "{code} was terminated on {}; use the code that replaced it.",
                            row.terminated.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    ),
                    Some(_) => codes.push(code.to_string()),
                },
            }
        }
        if codes.is_empty() && errors.for_field("hcpcs").is_none() {
            errors.add(
                "hcpcs",
                "Enter at least one HCPCS code the product is billed under.",
            );
        }

        if self.accessories.len() > MAX_ACCESSORIES {
            errors.add(
                "accessories",
                format!("List at most {MAX_ACCESSORIES} accessories."),
            );
        }
        let mut accessories = Vec::new();
        let wanted: Vec<Uuid> = self
            .accessories
            .iter()
            .filter_map(|a| a.product_id.trim().parse::<Uuid>().ok())
            .collect();
        let known = store::products_by_id(tx, wanted).await?;
        for line in self.accessories.iter().take(MAX_ACCESSORIES) {
            let product_id = line.product_id.trim();
            if product_id.is_empty() {
                continue;
            }
            let Some(accessory) = product_id
                .parse::<Uuid>()
                .ok()
                .and_then(|uuid| known.iter().find(|p| p.id == uuid))
            else {
                errors.add(
                    "accessories",
                    format!("No product has the id {product_id}."),
                );
                continue;
            };
            if accessory.id == id {
                errors.add("accessories", "A product cannot be its own accessory.");
                continue;
            }
            if accessories
                .iter()
                .any(|a: &ProductAccessory| a.accessory_id == accessory.id)
            {
                errors.add(
                    "accessories",
                    format!("{} is listed twice.", accessory.name),
                );
                continue;
            }
            let quantity = match line.quantity.as_deref().map(str::trim) {
                None | Some("") => 1,
                Some(text) => match text.parse::<i32>() {
                    Ok(q) if (1..=1_000).contains(&q) => q,
                    _ => {
                        errors.add(
                            "accessories",
                            format!("The quantity of {} must be 1 to 1000.", accessory.name),
                        );
                        continue;
                    }
                },
            };
            accessories.push(ProductAccessory {
                product_id: id,
                accessory_id: accessory.id,
                quantity,
            });
        }
        let (name, manufacturer, model) = errors.finish(|| Some((name?, manufacturer?, model?)))?;
        Ok(ProductRecord {
            product: Product {
                id,
                name,
                manufacturer,
                model,
                serialized: flag(self.serialized.as_deref()),
                resupply_days,
                description,
                active: true,
                updated_at: app.clock.now(),
            },
            hcpcs: codes,
            accessories,
        })
    }
}

/// Adds a product.
pub async fn add_product(app: &App, actor: &Actor, form: &ProductForm) -> AppResult<ProductId> {
    actor.require(Permission::ProductWrite)?;
    let id = Uuid::now_v7();
    let tx = app.store.begin_write().await?;
    let record_row = form.parse(app, tx.conn(), id).await?;
    store::insert_product(tx.conn(), record_row).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("product.create", "product", id),
    )
    .await?;
    tx.commit().await?;
    Ok(ProductId::from_uuid(id))
}

/// Replaces a product's fields, codes and accessories.
pub async fn update_product(
    app: &App,
    actor: &Actor,
    id: ProductId,
    form: &ProductForm,
) -> AppResult<()> {
    actor.require(Permission::ProductWrite)?;
    let tx = app.store.begin_write().await?;
    if store::product(tx.conn(), id.as_uuid()).await?.is_none() {
        return Err(AppError::NotFound("product"));
    }
    let row = form.parse(app, tx.conn(), id.as_uuid()).await?;
    store::update_product(tx.conn(), row).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("product.update", "product", id.as_uuid()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Names for the accessories of several products, looked up once.
async fn views(app: &App, records: Vec<ProductRecord>) -> AppResult<Vec<ProductView>> {
    let ids: Vec<Uuid> = records
        .iter()
        .flat_map(|r| r.accessories.iter().map(|a| a.accessory_id))
        .collect();
    let names: HashMap<Uuid, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        store::products_by_id(app.store.conn(), ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect()
    };
    Ok(records
        .into_iter()
        .map(|r| ProductView {
            id: ProductId::from_uuid(r.product.id),
            name: r.product.name,
            manufacturer: r.product.manufacturer,
            model: r.product.model,
            hcpcs: r.hcpcs,
            serialized: r.product.serialized,
            resupply_days: r.product.resupply_days,
            description: r.product.description,
            accessories: r
                .accessories
                .into_iter()
                .map(|a| AccessoryView {
                    product_id: ProductId::from_uuid(a.accessory_id),
                    name: names.get(&a.accessory_id).cloned().unwrap_or_default(),
                    quantity: a.quantity,
                })
                .collect(),
        })
        .collect())
}

/// One product.
pub async fn product(app: &App, actor: &Actor, id: ProductId) -> AppResult<ProductView> {
    actor.require(Permission::CatalogRead)?;
    let record_row = store::product(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("product"))?;
    views(app, vec![record_row])
        .await?
        .pop()
        .ok_or(AppError::NotFound("product"))
}

/// The most products offered as accessory choices on the product form.
const MAX_CHOICES: u64 = 500;

/// Products to pick from (accessories, purchase-order lines), by name.
pub async fn product_choices(app: &App, actor: &Actor) -> AppResult<Vec<ProductView>> {
    actor.require(Permission::CatalogRead)?;
    let rows = store::search_products(app.store.conn(), None, None, 0, MAX_CHOICES).await?;
    views(app, rows).await
}

/// Products whose name, manufacturer or model contains `text`, or billed under the HCPCS `text`.
pub async fn search_products(
    app: &App,
    actor: &Actor,
    text: &str,
    offset: u64,
) -> AppResult<(Vec<ProductView>, Option<u64>)> {
    actor.require(Permission::CatalogRead)?;
    let text = text.trim();
    let code = Hcpcs::parse(text).ok();
    let words = (!text.is_empty()).then_some(text);
    let mut rows = store::search_products(
        app.store.conn(),
        words,
        code.as_ref().map(Hcpcs::as_str),
        offset,
        PAGE + 1,
    )
    .await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    Ok((views(app, rows).await?, next))
}
