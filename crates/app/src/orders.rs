//! Orders: intake turns a physician's order into lines the supplier will deliver. Every save runs
//! the documentation checker; an order with blocking unmet requirements is on Hold with those
//! reasons, one without is Ready, and a permitted user may release a Hold with a written reason.

use durable_domain::catalog::Hcpcs;
use durable_domain::codes::{Icd10Cm, Mbi, Npi};
use durable_domain::documentation::{
    self, DocumentFacts, DocumentKind, DocumentationRules, EligibilityFacts, Finding, LineFacts,
    OrderFacts, RentOrBuy, Report,
};
use durable_domain::ids::{OrderId, PatientId, PrescriberId, ProductId};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::orders::{
    self as store, Order, OrderDiagnosis, OrderEvent, OrderLine, OrderRecord,
};
use durable_store::{Db, catalog as catalog_store, directory, patients};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The statuses of an order, as people in DME offices know them.
pub const STATUSES: [&str; 6] = [
    "new",
    "hold",
    "ready",
    "scheduled",
    "delivered",
    "cancelled",
];

/// Statuses intake still works on.
const OPEN: [&str; 2] = ["new", "hold"];

/// The most lines and diagnoses one order may carry.
const MAX_LINES: usize = 20;
const MAX_DIAGNOSES: usize = 12;

/// An order line as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LineForm {
    /// The product delivered (optional when the HCPCS code says enough).
    pub product_id: Option<String>,
    /// The HCPCS code billed; empty takes the product's primary code.
    pub hcpcs: Option<String>,
    /// Units to dispense (1 when empty).
    pub quantity: Option<String>,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// Length of need in months; 99 means lifetime.
    pub length_of_need_months: Option<String>,
    /// LT or RT for items ordered per side.
    pub side: Option<String>,
}

/// An order as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderForm {
    /// The patient's id.
    pub patient_id: String,
    /// The ordering (treating) practitioner's id.
    pub prescriber_id: String,
    /// The date on the written order.
    pub order_date: String,
    /// "true" when the practitioner signed the written order.
    pub signed: Option<String>,
    /// The date of the signature.
    pub signature_date: Option<String>,
    /// Date of the face-to-face encounter that supports the order.
    pub f2f_encounter: Option<String>,
    /// The planned delivery date.
    pub planned_delivery: Option<String>,
    /// deliver, ship or pickup.
    pub delivery_preference: String,
    /// ICD-10-CM codes, primary first, separated by spaces or commas.
    pub diagnoses: String,
    /// What is ordered.
    pub lines: Vec<LineForm>,
    /// Notes for the team.
    pub notes: Option<String>,
}

/// Why the order is where it is: one unmet requirement.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// The requirement's stable id (docs/documentation-rules.md).
    pub id: String,
    /// What to do.
    pub action: String,
    /// blocking or warning.
    pub severity: String,
    /// Where the rule comes from.
    pub section: String,
    /// The line it concerns (1-based), if it concerns one line.
    pub line: Option<usize>,
}

impl From<&Finding> for Reason {
    fn from(f: &Finding) -> Self {
        Reason {
            id: f.id.to_owned(),
            action: f.action.to_owned(),
            severity: if f.is_blocking() {
                "blocking"
            } else {
                "warning"
            }
            .to_owned(),
            section: f.section.to_owned(),
            line: f.line.map(|l| l + 1),
        }
    }
}

/// One entry of an order's history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    /// Who.
    pub actor: String,
    /// The status after the change.
    pub status: String,
    /// The unmet requirements at that moment.
    pub reasons: Vec<Reason>,
    /// The written reason of an override or cancellation.
    pub note: Option<String>,
}

/// An order line as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LineView {
    /// Product id.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub product_id: Option<ProductId>,
    /// Product name.
    pub product_name: Option<String>,
    /// HCPCS code.
    pub hcpcs: String,
    /// Units.
    pub quantity: i32,
    /// rental or purchase.
    pub rent_or_buy: String,
    /// Length of need in months (99 = lifetime).
    pub length_of_need_months: Option<i32>,
    /// LT or RT.
    pub side: Option<String>,
}

/// An order as shown, with what the checker says about it now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// The patient.
    #[schema(value_type = String, format = Uuid)]
    pub patient_id: PatientId,
    /// The patient's name.
    pub patient_name: String,
    /// The ordering practitioner.
    #[schema(value_type = String, format = Uuid)]
    pub prescriber_id: PrescriberId,
    /// The practitioner's name.
    pub prescriber_name: String,
    /// Order date.
    pub order_date: Date,
    /// Signed by the practitioner.
    pub signed: bool,
    /// Signature date.
    pub signature_date: Option<Date>,
    /// Face-to-face encounter date.
    pub f2f_encounter: Option<Date>,
    /// Planned delivery.
    pub planned_delivery: Option<Date>,
    /// deliver, ship or pickup.
    pub delivery_preference: String,
    /// Status.
    pub status: String,
    /// ICD-10-CM codes, dotted.
    pub diagnoses: Vec<String>,
    /// Lines.
    pub lines: Vec<LineView>,
    /// Notes.
    pub notes: String,
    /// Every requirement the order does not meet today.
    pub reasons: Vec<Reason>,
    /// Documents on file for the order.
    pub documents: Vec<crate::documents::DocumentView>,
    /// The primary coverage in force on the date of service, whose eligibility the order needs.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub primary_coverage_id: Option<durable_domain::ids::CoverageId>,
    /// The history, oldest first.
    pub history: Vec<EventView>,
}

/// An order in a work queue.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// The patient's name.
    pub patient_name: String,
    /// Order date.
    pub order_date: Date,
    /// Status.
    pub status: String,
    /// The blocking reasons recorded at the last change.
    pub reasons: Vec<Reason>,
}

fn rules() -> AppResult<&'static DocumentationRules> {
    DocumentationRules::bundled()
        .map_err(|err| AppError::Internal(format!("bundled documentation rules: {err}")))
}

/// What was typed, checked against the patient, the prescriber and the catalog.
struct Parsed {
    record: OrderRecord,
    facts: OrderFacts,
}

fn optional_date(errors: &mut FieldErrors, field: &str, text: Option<&str>) -> Option<Date> {
    errors.optional_parsed(field, text, parse_date)
}

impl OrderForm {
    async fn parse(&self, app: &App, db: &impl Db, id: Uuid) -> AppResult<Parsed> {
        let mut errors = FieldErrors::new();
        let today = app.clock.today();
        let patient = match self.patient_id.trim().parse::<Uuid>() {
            Ok(uuid) => patients::get(db, uuid).await?,
            Err(_) => None,
        };
        if patient.is_none() {
            errors.add("patient_id", "Choose the patient from the search.");
        }
        let prescriber = match self.prescriber_id.trim().parse::<Uuid>() {
            Ok(uuid) => directory::prescriber(db, uuid).await?,
            Err(_) => None,
        };
        if prescriber.is_none() {
            errors.add("prescriber_id", "Choose the ordering practitioner.");
        }
        let order_date = errors.check("order_date", parse_date(&self.order_date));
        if order_date.is_some_and(|d| d > today) {
            errors.add("order_date", "The order date cannot be in the future.");
        }
        let signed = crate::forms::flag(self.signed.as_deref());
        let signature_date = optional_date(
            &mut errors,
            "signature_date",
            self.signature_date.as_deref(),
        );
        if signature_date.is_some_and(|d| d > today) {
            errors.add(
                "signature_date",
                "The signature date cannot be in the future.",
            );
        }
        let f2f_encounter =
            optional_date(&mut errors, "f2f_encounter", self.f2f_encounter.as_deref());
        if f2f_encounter.is_some_and(|d| d > today) {
            errors.add(
                "f2f_encounter",
                "The encounter date cannot be in the future.",
            );
        }
        let planned_delivery = optional_date(
            &mut errors,
            "planned_delivery",
            self.planned_delivery.as_deref(),
        );
        if let (Some(delivery), Some(ordered)) = (planned_delivery, order_date)
            && delivery < ordered
        {
            errors.add(
                "planned_delivery",
                "Delivery cannot come before the order date.",
            );
        }
        let preference = self.delivery_preference.trim();
        let preference = match preference {
            "" => "deliver",
            "deliver" | "ship" | "pickup" => preference,
            _ => {
                errors.add("delivery_preference", "Choose deliver, ship or pickup.");
                "deliver"
            }
        };
        let notes = errors
            .optional("notes", self.notes.as_deref(), 2_000)
            .unwrap_or_default();

        let mut diagnoses = Vec::new();
        for text in self
            .diagnoses
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            match Icd10Cm::parse(text) {
                Ok(code) if diagnoses.contains(&code) => {
                    errors.add("diagnoses", format!("{} is listed twice.", code.dotted()));
                }
                Ok(code) => diagnoses.push(code),
                Err(err) => errors.add("diagnoses", format!("{text}: {}", err.0)),
            }
        }
        if diagnoses.is_empty() && errors.for_field("diagnoses").is_none() {
            errors.add("diagnoses", "Enter at least one ICD-10-CM diagnosis code.");
        }
        if diagnoses.len() > MAX_DIAGNOSES {
            errors.add(
                "diagnoses",
                format!("List at most {MAX_DIAGNOSES} diagnoses."),
            );
        }

        let mut lines = Vec::new();
        let mut line_facts = Vec::new();
        if self.lines.is_empty() {
            errors.add("lines", "Add at least one item to the order.");
        }
        if self.lines.len() > MAX_LINES {
            errors.add(
                "lines",
                format!("An order holds at most {MAX_LINES} lines."),
            );
        }
        for (index, line) in self.lines.iter().take(MAX_LINES).enumerate() {
            let field = |name: &str| format!("lines[{index}].{name}");
            let product = match line.product_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => match text.parse::<Uuid>() {
                    Ok(uuid) => catalog_store::product(db, uuid).await?,
                    Err(_) => None,
                }
                .or_else(|| {
                    errors.add(&field("product_id"), "No product has this id.");
                    None
                }),
            };
            let typed = line.hcpcs.as_deref().map(str::trim).unwrap_or("");
            let hcpcs = if typed.is_empty() {
                match &product {
                    Some(p) => p.hcpcs.first().and_then(|c| Hcpcs::parse(c).ok()),
                    None => {
                        errors.add(&field("hcpcs"), "Enter the HCPCS code or choose a product.");
                        None
                    }
                }
            } else {
                errors.check(&field("hcpcs"), Hcpcs::parse(typed))
            };
            if let (Some(code), Some(p)) = (&hcpcs, &product)
                && !p.hcpcs.iter().any(|c| c == code.as_str())
            {
                errors.add(
                    &field("hcpcs"),
                    format!(
                        "{} is not billed under {code}; it bills under {}.",
                        p.product.name,
                        p.hcpcs.join(", ")
                    ),
                );
            }
            if let Some(code) = &hcpcs {
                match catalog_store::hcpcs_code(db, code.as_str()).await? {
                    None => errors.add(
                        &field("hcpcs"),
                        format!("{code} is not in the HCPCS catalog."),
                    ),
                    Some(row) => {
                        let on = order_date.unwrap_or(today);
                        if row.added.is_some_and(|d| d > on)
                            || row.terminated.is_some_and(|d| d < on)
                        {
                            errors.add(
                                &field("hcpcs"),
                                format!("{code} is not valid on the order date {on}; use the code in force then."),
                            );
                        }
                    }
                }
            }
            let quantity = match line.quantity.as_deref().map(str::trim) {
                None | Some("") => Some(1),
                Some(text) => match text.parse::<i32>() {
                    Ok(q) if (1..=999).contains(&q) => Some(q),
                    _ => {
                        errors.add(&field("quantity"), "Enter a quantity from 1 to 999.");
                        None
                    }
                },
            };
            let rent_or_buy = match line.rent_or_buy.trim() {
                "rental" => Some(RentOrBuy::Rental),
                "purchase" => Some(RentOrBuy::Purchase),
                _ => {
                    errors.add(&field("rent_or_buy"), "Choose rental or purchase.");
                    None
                }
            };
            let length_of_need = match line.length_of_need_months.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => match text.parse::<i32>() {
                    Ok(m) if (1..=99).contains(&m) => Some(m),
                    _ => {
                        errors.add(
                            &field("length_of_need_months"),
                            "Enter 1 to 99 months (99 = lifetime).",
                        );
                        None
                    }
                },
            };
            let side = match line.side.as_deref().map(|s| s.trim().to_ascii_uppercase()) {
                None => None,
                Some(s) if s.is_empty() => None,
                Some(s) if s == "LT" || s == "RT" => Some(s),
                Some(_) => {
                    errors.add(&field("side"), "Choose LT, RT or leave empty.");
                    None
                }
            };
            if let (Some(hcpcs), Some(quantity), Some(rent_or_buy)) = (hcpcs, quantity, rent_or_buy)
            {
                line_facts.push(LineFacts {
                    hcpcs: hcpcs.clone(),
                    quantity: u32::try_from(quantity).ok(),
                    rent_or_buy,
                    description: product
                        .as_ref()
                        .map(|p| p.product.name.clone())
                        .unwrap_or_else(|| hcpcs.to_string()),
                });
                lines.push(OrderLine {
                    order_id: id,
                    position: i32::try_from(index).unwrap_or(i32::MAX),
                    product_id: product.as_ref().map(|p| p.product.id),
                    hcpcs: hcpcs.to_string(),
                    quantity,
                    rent_or_buy: match rent_or_buy {
                        RentOrBuy::Rental => "rental",
                        RentOrBuy::Purchase => "purchase",
                    }
                    .to_owned(),
                    length_of_need_months: length_of_need,
                    side,
                });
            }
        }

        let (patient, prescriber, order_date) =
            errors.finish(|| Some((patient?, prescriber?, order_date?)))?;
        let now = app.clock.now();
        let facts = OrderFacts {
            patient_name: format!(
                "{} {}",
                patient.patient.given_name, patient.patient.family_name
            ),
            patient_mbi: patient
                .patient
                .mbi
                .as_deref()
                .and_then(|m| Mbi::parse(m).ok()),
            order_date: Some(order_date),
            planned_delivery,
            practitioner_name: format!("{} {}", prescriber.given_name, prescriber.family_name),
            practitioner_npi: Npi::parse(&prescriber.npi).ok(),
            signed,
            signature_date,
            diagnoses: diagnoses.clone(),
            lines: line_facts,
            f2f_encounter,
            ..OrderFacts::default()
        };
        Ok(Parsed {
            record: OrderRecord {
                order: Order {
                    id,
                    patient_id: patient.patient.id,
                    prescriber_id: prescriber.id,
                    order_date,
                    signed,
                    signature_date,
                    f2f_encounter,
                    planned_delivery,
                    delivery_preference: preference.to_owned(),
                    status: "new".into(),
                    notes,
                    created_at: now,
                    updated_at: now,
                },
                diagnoses: diagnoses
                    .iter()
                    .enumerate()
                    .map(|(position, code)| OrderDiagnosis {
                        order_id: id,
                        position: i32::try_from(position).unwrap_or(i32::MAX),
                        code: code.as_str().to_owned(),
                    })
                    .collect(),
                lines,
            },
            facts,
        })
    }
}

/// Adds what is on file beside the order to its facts: documents with their marks (a signed
/// written order on file counts as the signature) and the eligibility results of the patient's
/// primary coverage in force on the date of service.
async fn complete_facts(
    app: &App,
    db: &impl Db,
    order: &OrderRecord,
    facts: &mut OrderFacts,
) -> AppResult<()> {
    let documents = crate::documents::for_order(db, order).await?;
    for document in &documents {
        let Some(kind) = DocumentKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == document.kind)
        else {
            continue;
        };
        if kind == DocumentKind::Order
            && document
                .marks
                .iter()
                .any(|m| m == crate::documents::SIGNED_ORDER)
        {
            facts.signed = true;
            facts.signature_date = facts.signature_date.or(document.document_date);
        }
        facts.documents.push(DocumentFacts {
            kind,
            date: document.document_date,
            line: None,
            satisfies: document.marks.clone(),
        });
    }
    let coverages = primary_coverages(app, db, order).await?;
    if !coverages.is_empty() {
        facts.eligibility = patients::eligibility_of(db, coverages)
            .await?
            .into_iter()
            .map(|e| EligibilityFacts {
                checked_on: e.checked_on,
                active: e.active,
            })
            .collect();
    }
    Ok(())
}

/// The patient's primary coverages in force on the order's date of service.
async fn primary_coverages(app: &App, db: &impl Db, order: &OrderRecord) -> AppResult<Vec<Uuid>> {
    let service = order.order.planned_delivery.unwrap_or(app.clock.today());
    Ok(patients::coverages_of(db, order.order.patient_id)
        .await?
        .into_iter()
        .filter(|c| {
            c.priority == "primary"
                && c.effective_date <= service
                && c.termination_date.is_none_or(|end| service <= end)
        })
        .map(|c| c.id)
        .collect())
}

/// Runs the checker over an order as saved, with everything on file beside it.
async fn evaluate(app: &App, db: &impl Db, order: &OrderRecord) -> AppResult<Option<Report>> {
    let form = OrderForm::from_record(order);
    // A saved order whose codes were since terminated no longer parses; it keeps its status
    // until someone edits it, which shows them why.
    let Ok(mut parsed) = form.parse(app, db, order.order.id).await else {
        return Ok(None);
    };
    complete_facts(app, db, order, &mut parsed.facts).await?;
    Ok(Some(documentation::check(
        &parsed.facts,
        rules()?,
        app.clock.today(),
    )))
}

/// Checks a held order again after something beside it changed (a document, a mark, an
/// eligibility result): it becomes Ready when nothing blocks it any more, and its history records
/// the reasons whenever they change. Ready, scheduled and closed orders are left alone.
pub(crate) async fn recheck(app: &App, actor: &Actor, db: &impl Db, id: OrderId) -> AppResult<()> {
    let Some(mut order) = store::order(db, id.as_uuid()).await? else {
        return Ok(());
    };
    if !OPEN.contains(&order.order.status.as_str()) {
        return Ok(());
    }
    let Some(report) = evaluate(app, db, &order).await? else {
        return Ok(());
    };
    let (status, reasons) = verdict(&report);
    let last: Vec<Reason> = store::latest_events(db, vec![id.as_uuid()])
        .await?
        .first()
        .and_then(|e| serde_json::from_str(&e.reasons).ok())
        .unwrap_or_default();
    let same = last.len() == reasons.len()
        && last
            .iter()
            .zip(&reasons)
            .all(|(a, b)| a.id == b.id && a.line == b.line);
    if status == order.order.status && same {
        return Ok(());
    }
    order.order.status = status.to_owned();
    order.order.updated_at = app.clock.now();
    store::update_order(db, order).await?;
    store::insert_event(db, event(app, actor, id.as_uuid(), status, &reasons, None))
        .await
        .map_err(AppError::from)
}

/// The status the checker's report puts an order in, and the reasons to record.
fn verdict(report: &Report) -> (&'static str, Vec<Reason>) {
    let status = if report.is_ready() { "ready" } else { "hold" };
    (status, report.findings.iter().map(Reason::from).collect())
}

fn event(
    app: &App,
    actor: &Actor,
    order_id: Uuid,
    status: &str,
    reasons: &[Reason],
    note: Option<String>,
) -> OrderEvent {
    OrderEvent {
        id: Uuid::now_v7(),
        order_id,
        at: app.clock.now(),
        actor_name: actor.username.clone(),
        status: status.to_owned(),
        reasons: serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into()),
        note,
    }
}

/// Takes a new order: checks it, puts it on Hold with its reasons or makes it Ready.
pub async fn place(app: &App, actor: &Actor, form: &OrderForm) -> AppResult<OrderId> {
    actor.require(Permission::OrderWrite)?;
    let id = Uuid::now_v7();
    let tx = app.store.begin_write().await?;
    let Parsed {
        record: mut row,
        facts,
    } = form.parse(app, tx.conn(), id).await?;
    let report = documentation::check(&facts, rules()?, app.clock.today());
    let (status, reasons) = verdict(&report);
    row.order.status = status.to_owned();
    let patient = PatientId::from_uuid(row.order.patient_id);
    let first = event(app, actor, id, status, &reasons, None);
    store::insert_order(tx.conn(), row, first).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.create", "order", id)
            .patients([patient])
            .detail(serde_json::json!({ "status": status })),
    )
    .await?;
    tx.commit().await?;
    Ok(OrderId::from_uuid(id))
}

/// Changes an open order and checks it again.
pub async fn update(app: &App, actor: &Actor, id: OrderId, form: &OrderForm) -> AppResult<()> {
    actor.require(Permission::OrderWrite)?;
    let tx = app.store.begin_write().await?;
    let existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if !OPEN.contains(&existing.order.status.as_str()) && existing.order.status != "ready" {
        return Err(AppError::Conflict(format!(
            "This order is {}; only new, held or ready orders can be changed.",
            existing.order.status
        )));
    }
    let Parsed {
        record: mut row,
        facts,
    } = form.parse(app, tx.conn(), id.as_uuid()).await?;
    let report = documentation::check(&facts, rules()?, app.clock.today());
    let (status, reasons) = verdict(&report);
    row.order.status = status.to_owned();
    row.order.created_at = existing.order.created_at;
    let patients = [
        PatientId::from_uuid(existing.order.patient_id),
        PatientId::from_uuid(row.order.patient_id),
    ];
    store::update_order(tx.conn(), row).await?;
    store::insert_event(
        tx.conn(),
        event(app, actor, id.as_uuid(), status, &reasons, None),
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.update", "order", id.as_uuid())
            .patients(patients)
            .detail(serde_json::json!({ "status": status })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Releases a held order to Ready over its unmet requirements, with a written reason.
pub async fn override_hold(app: &App, actor: &Actor, id: OrderId, reason: &str) -> AppResult<()> {
    actor.require(Permission::OrderOverride)?;
    let reason = reason.trim();
    if reason.chars().count() < 10 {
        return Err(FieldErrors::single(
            "reason",
            "Write why the order may go ahead despite its unmet requirements (at least 10 characters).",
        )
        .into());
    }
    let tx = app.store.begin_write().await?;
    let mut existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if existing.order.status != "hold" {
        return Err(AppError::Conflict(format!(
            "Only an order on hold can be released; this one is {}.",
            existing.order.status
        )));
    }
    let reasons: Vec<Reason> = store::latest_events(tx.conn(), vec![id.as_uuid()])
        .await?
        .first()
        .and_then(|e| serde_json::from_str(&e.reasons).ok())
        .unwrap_or_default();
    existing.order.status = "ready".into();
    existing.order.updated_at = app.clock.now();
    let patient = PatientId::from_uuid(existing.order.patient_id);
    store::update_order(tx.conn(), existing).await?;
    store::insert_event(
        tx.conn(),
        event(
            app,
            actor,
            id.as_uuid(),
            "ready",
            &reasons,
            Some(reason.to_owned()),
        ),
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.override_hold", "order", id.as_uuid())
            .patients([patient])
            .detail(serde_json::json!({ "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One order with its lines, what the checker says about it today, and its history.
pub async fn order(app: &App, actor: &Actor, id: OrderId) -> AppResult<OrderView> {
    actor.require(Permission::OrderRead)?;
    let tx = app.store.begin_read().await?;
    let db = tx.conn();
    let record = store::order(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let patient = patients::get(db, record.order.patient_id)
        .await?
        .ok_or(AppError::NotFound("patient"))?;
    let prescriber = directory::prescriber(db, record.order.prescriber_id)
        .await?
        .ok_or(AppError::NotFound("prescriber"))?;
    let products = catalog_store::products_by_id(
        db,
        record.lines.iter().filter_map(|l| l.product_id).collect(),
    )
    .await?;
    let history = store::events(db, id.as_uuid())
        .await?
        .into_iter()
        .map(|e| EventView {
            at: e.at,
            actor: e.actor_name,
            status: e.status,
            reasons: serde_json::from_str(&e.reasons).unwrap_or_default(),
            note: e.note,
        })
        .collect();
    // The live checklist: the same checker over what is on file now.
    let reasons = match evaluate(app, db, &record).await? {
        Some(report) => verdict(&report).1,
        None => Vec::new(),
    };
    let documents = crate::documents::for_order(db, &record).await?;
    let primary_coverage_id = primary_coverages(app, db, &record)
        .await?
        .first()
        .copied()
        .map(durable_domain::ids::CoverageId::from_uuid);
    drop(tx);
    record_read(
        app,
        actor,
        Audit::new("order.read", "order", id.as_uuid())
            .patients([PatientId::from_uuid(record.order.patient_id)]),
    )
    .await?;
    let o = record.order;
    Ok(OrderView {
        id,
        patient_id: PatientId::from_uuid(o.patient_id),
        patient_name: format!(
            "{}, {}",
            patient.patient.family_name, patient.patient.given_name
        ),
        prescriber_id: PrescriberId::from_uuid(o.prescriber_id),
        prescriber_name: format!("{} {}", prescriber.given_name, prescriber.family_name),
        order_date: o.order_date,
        signed: o.signed,
        signature_date: o.signature_date,
        f2f_encounter: o.f2f_encounter,
        planned_delivery: o.planned_delivery,
        delivery_preference: o.delivery_preference,
        status: o.status,
        diagnoses: record
            .diagnoses
            .iter()
            .filter_map(|d| Icd10Cm::parse(&d.code).ok().map(|c| c.dotted()))
            .collect(),
        lines: record
            .lines
            .into_iter()
            .map(|l| LineView {
                product_name: products
                    .iter()
                    .find(|p| Some(p.id) == l.product_id)
                    .map(|p| p.name.clone()),
                product_id: l.product_id.map(ProductId::from_uuid),
                hcpcs: l.hcpcs,
                quantity: l.quantity,
                rent_or_buy: l.rent_or_buy,
                length_of_need_months: l.length_of_need_months,
                side: l.side,
            })
            .collect(),
        notes: o.notes,
        reasons,
        documents,
        primary_coverage_id,
        history,
    })
}

impl OrderForm {
    /// The form as saved, for editing and for checking again.
    pub fn from_record(record: &OrderRecord) -> OrderForm {
        let o = &record.order;
        OrderForm {
            patient_id: o.patient_id.to_string(),
            prescriber_id: o.prescriber_id.to_string(),
            order_date: o.order_date.to_string(),
            signed: o.signed.then(|| "on".to_owned()),
            signature_date: o.signature_date.map(|d| d.to_string()),
            f2f_encounter: o.f2f_encounter.map(|d| d.to_string()),
            planned_delivery: o.planned_delivery.map(|d| d.to_string()),
            delivery_preference: o.delivery_preference.clone(),
            diagnoses: record
                .diagnoses
                .iter()
                .map(|d| d.code.clone())
                .collect::<Vec<_>>()
                .join(" "),
            lines: record
                .lines
                .iter()
                .map(|l| LineForm {
                    product_id: l.product_id.map(|p| p.to_string()),
                    hcpcs: Some(l.hcpcs.clone()),
                    quantity: Some(l.quantity.to_string()),
                    rent_or_buy: l.rent_or_buy.clone(),
                    length_of_need_months: l.length_of_need_months.map(|m| m.to_string()),
                    side: l.side.clone(),
                })
                .collect(),
            notes: Some(o.notes.clone()),
        }
    }
}

/// The intake queue: new and held orders, the longest-waiting first, with their reasons.
pub async fn queue(
    app: &App,
    actor: &Actor,
    offset: u64,
) -> AppResult<(Vec<QueueItem>, Option<u64>)> {
    actor.require(Permission::OrderRead)?;
    const PAGE: u64 = 50;
    let tx = app.store.begin_read().await?;
    let db = tx.conn();
    let mut rows = store::by_status(db, &OPEN, offset, PAGE + 1).await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    let events = store::latest_events(db, rows.iter().map(|o| o.id).collect()).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut seen = Vec::with_capacity(rows.len());
    for row in rows {
        let name = match patients::get(db, row.patient_id).await? {
            Some(p) => format!("{}, {}", p.patient.family_name, p.patient.given_name),
            None => String::new(),
        };
        let reasons: Vec<Reason> = events
            .iter()
            .find(|e| e.order_id == row.id)
            .and_then(|e| serde_json::from_str(&e.reasons).ok())
            .unwrap_or_default();
        seen.push(PatientId::from_uuid(row.patient_id));
        items.push(QueueItem {
            id: OrderId::from_uuid(row.id),
            patient_name: name,
            order_date: row.order_date,
            status: row.status,
            reasons: reasons
                .into_iter()
                .filter(|r| r.severity == "blocking")
                .collect(),
        });
    }
    drop(tx);
    if !seen.is_empty() {
        record_read(
            app,
            actor,
            Audit::about("order.queue", "order", None).patients(seen),
        )
        .await?;
    }
    Ok((items, next))
}

/// An order as saved, to edit; an audited read of the patient's record.
pub async fn edit_form(app: &App, actor: &Actor, id: OrderId) -> AppResult<OrderForm> {
    actor.require(Permission::OrderWrite)?;
    let record = store::order(app.store.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    record_read(
        app,
        actor,
        Audit::new("order.read", "order", id.as_uuid())
            .patients([PatientId::from_uuid(record.order.patient_id)]),
    )
    .await?;
    Ok(OrderForm::from_record(&record))
}

/// What the checker would say about an order being typed: the live checklist of the order
/// entry page. Nothing is written; a field that does not parse yet is reported as a field error.
pub async fn preview(app: &App, actor: &Actor, form: &OrderForm) -> AppResult<Vec<Reason>> {
    actor.require(Permission::OrderWrite)?;
    let tx = app.store.begin_read().await?;
    let Parsed { record, mut facts } = form.parse(app, tx.conn(), Uuid::nil()).await?;
    complete_facts(app, tx.conn(), &record, &mut facts).await?;
    Ok(verdict(&documentation::check(&facts, rules()?, app.clock.today())).1)
}

/// One of a patient's orders, for the chart.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    /// The order's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// Order date.
    pub order_date: Date,
    /// Status.
    pub status: String,
}

/// A patient's orders, newest first.
pub async fn for_patient(
    app: &App,
    actor: &Actor,
    patient: PatientId,
) -> AppResult<Vec<OrderSummary>> {
    actor.require(Permission::OrderRead)?;
    let rows = store::for_patient(app.store.conn(), patient.as_uuid()).await?;
    record_read(
        app,
        actor,
        Audit::about("order.list", "patient", Some(patient.as_uuid())).patients([patient]),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|o| OrderSummary {
            id: OrderId::from_uuid(o.id),
            order_date: o.order_date,
            status: o.status,
        })
        .collect())
}

/// Cancels an order that has not been delivered, with a written reason.
pub async fn cancel(app: &App, actor: &Actor, id: OrderId, reason: &str) -> AppResult<()> {
    actor.require(Permission::OrderWrite)?;
    let reason = reason.trim();
    if reason.chars().count() < 5 {
        return Err(FieldErrors::single(
            "reason",
            "Write why the order is cancelled (at least 5 characters).",
        )
        .into());
    }
    let tx = app.store.begin_write().await?;
    let mut existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if matches!(existing.order.status.as_str(), "delivered" | "cancelled") {
        return Err(AppError::Conflict(format!(
            "This order is {}; it can no longer be cancelled.",
            existing.order.status
        )));
    }
    existing.order.status = "cancelled".into();
    existing.order.updated_at = app.clock.now();
    let patient = PatientId::from_uuid(existing.order.patient_id);
    store::update_order(tx.conn(), existing).await?;
    store::insert_event(
        tx.conn(),
        event(
            app,
            actor,
            id.as_uuid(),
            "cancelled",
            &[],
            Some(reason.to_owned()),
        ),
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.cancel", "order", id.as_uuid())
            .patients([patient])
            .detail(serde_json::json!({ "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts a demo order in a status that scheduling and delivery will reach once they exist, with a
/// history entry that says who set it.
pub(crate) async fn demo_set_status(
    app: &App,
    actor: &Actor,
    id: OrderId,
    status: &str,
) -> AppResult<()> {
    let tx = app.store.begin_write().await?;
    let mut existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    existing.order.status = status.to_owned();
    existing.order.updated_at = app.clock.now();
    store::update_order(tx.conn(), existing).await?;
    store::insert_event(
        tx.conn(),
        event(
            app,
            actor,
            id.as_uuid(),
            status,
            &[],
            Some("Set by the demo loader.".into()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
