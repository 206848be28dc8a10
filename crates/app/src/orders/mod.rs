//! Orders: intake turns a physician's order into lines the supplier will deliver. Every save runs
//! the documentation checker; an order with blocking unmet requirements is on Hold with those
//! reasons, one without is Ready, and a permitted user may release a Hold with a written reason.

mod abn;
pub(crate) mod facts;
mod form;
mod views;

pub use abn::{AbnForm, AbnView, record_abn};

pub use form::{LineForm, OrderForm};
pub use views::{EventView, LineView, OrderSummary, OrderView, QueueItem, Reason};

use facts::{complete_facts, evaluate, primary_coverages, rules, verdict};
use form::Parsed;

use durable_domain::codes::Icd10Cm;
use durable_domain::documentation::{self};
use durable_domain::ids::{OrderId, PatientId, PrescriberId, ProductId};
use durable_domain::orders::{OrderMove, OrderStatus};
use durable_domain::validation::FieldErrors;
use durable_store::orders::{self as store, OrderEvent};
use durable_store::{Db, catalog as catalog_store, directory, patients};

use uuid::Uuid;

use crate::audit::{Audit, record, record_read};
use crate::{Actor, App, AppError, AppResult, Permission};

/// A status as a sentence says it ("This order is on hold").
pub fn status_words(status: &str) -> &str {
    match status {
        "hold" => "on hold",
        other => other,
    }
}

/// Checks a held order again after something beside it changed (a document, a mark, an
/// eligibility result): it becomes Ready when nothing blocks it any more, and its history records
/// the reasons whenever they change. Ready, scheduled and closed orders are left alone.
pub(crate) async fn recheck(app: &App, actor: &Actor, db: &impl Db, id: OrderId) -> AppResult<()> {
    let Some(order) = store::order(db, id.as_uuid()).await? else {
        return Ok(());
    };
    let current = status_of(&order)?;
    if !current.awaits_documentation() {
        return Ok(());
    }
    let Some(report) = evaluate(app, db, &order).await? else {
        return Ok(());
    };
    let (change, reasons) = verdict(&report);
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
    if current.apply(change) == Ok(current) && same {
        return Ok(());
    }
    move_to(app, actor, db, order, change, &reasons, None).await
}

/// The order's stored status, read strictly: a name this version does not know is a fault in
/// the data, never taken for some status.
fn status_of(order: &store::OrderRecord) -> AppResult<OrderStatus> {
    OrderStatus::parse(&order.order.status).map_err(|err| AppError::Internal(err.0))
}

/// The status `change` leads `order` to, or the machine's refusal as the person's conflict.
fn next_status(order: &store::OrderRecord, change: OrderMove) -> AppResult<OrderStatus> {
    status_of(order)?
        .apply(change)
        .map_err(|refusal| AppError::Conflict(refusal.message.to_owned()))
}

fn event(
    app: &App,
    actor: &Actor,
    order_id: Uuid,
    status: OrderStatus,
    reasons: &[Reason],
    note: Option<String>,
) -> OrderEvent {
    OrderEvent {
        id: Uuid::now_v7(),
        order_id,
        at: app.clock.now(),
        actor_name: actor.username.clone(),
        status: status.as_str().to_owned(),
        reasons: serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into()),
        note,
    }
}

/// Moves a saved order by `change` (refused when the state machine refuses it) and appends the
/// change to its history.
async fn move_to(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    order: store::OrderRecord,
    change: OrderMove,
    reasons: &[Reason],
    note: Option<String>,
) -> AppResult<()> {
    let status = next_status(&order, change)?;
    set_status(app, actor, db, order, status, reasons, note).await
}

/// Stores `status` on a saved order and appends it to the order's history.
async fn set_status(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    mut order: store::OrderRecord,
    status: OrderStatus,
    reasons: &[Reason],
    note: Option<String>,
) -> AppResult<()> {
    let id = order.order.id;
    let was = std::mem::replace(&mut order.order.status, status.as_str().to_owned());
    order.order.updated_at = app.clock.now();
    store::update_order(db, order).await?;
    let left_ready = left_ready_because(&was, status, reasons, note.as_deref());
    store::insert_event(db, event(app, actor, id, status, reasons, note)).await?;
    if let Some(why) = left_ready {
        crate::deliveries::order_left_ready(app, actor, db, id, &why).await?;
    }
    Ok(())
}

/// Why an order that was Ready no longer is, for its open delivery ticket; `None` when it still
/// is Ready or went on to Delivered.
fn left_ready_because(
    was: &str,
    now: OrderStatus,
    reasons: &[Reason],
    note: Option<&str>,
) -> Option<String> {
    if was != OrderStatus::Ready.as_str()
        || matches!(now, OrderStatus::Ready | OrderStatus::Delivered)
    {
        return None;
    }
    let mut why = format!("The order is now {}", status_words(now.as_str()));
    let details: Vec<&str> = reasons
        .iter()
        .filter(|r| r.severity == "blocking")
        .map(|r| r.action.as_str())
        .chain(note)
        .collect();
    if !details.is_empty() {
        why.push_str(": ");
        why.push_str(&details.join(" "));
    } else {
        why.push('.');
    }
    Some(why)
}

/// Marks a Ready order Delivered (its delivery ticket was completed).
pub(crate) async fn mark_delivered(
    app: &App,
    actor: &Actor,
    db: &impl Db,
    order: store::OrderRecord,
    note: String,
) -> AppResult<()> {
    move_to(app, actor, db, order, OrderMove::Deliver, &[], Some(note)).await
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
    let (change, reasons) = verdict(&report);
    let status = next_status(&row, change)?;
    row.order.status = status.as_str().to_owned();
    let patient = PatientId::from_uuid(row.order.patient_id);
    let first = event(app, actor, id, status, &reasons, None);
    store::insert_order(tx.conn(), row, first).await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.create", "order", id)
            .patients([patient])
            .detail(serde_json::json!({ "status": status.as_str() })),
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
    // Refused before the form is parsed: a closed order is not worth checking.
    next_status(&existing, OrderMove::Checked { ready: true })?;
    let Parsed {
        record: mut row,
        facts,
    } = form.parse(app, tx.conn(), id.as_uuid()).await?;
    let report = documentation::check(&facts, rules()?, app.clock.today());
    let (change, reasons) = verdict(&report);
    let status = next_status(&existing, change)?;
    row.order.status = status.as_str().to_owned();
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
    if let Some(why) = left_ready_because(&existing.order.status, status, &reasons, None) {
        crate::deliveries::order_left_ready(app, actor, tx.conn(), id.as_uuid(), &why).await?;
    }
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.update", "order", id.as_uuid())
            .patients(patients)
            .detail(serde_json::json!({ "status": status.as_str() })),
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
    let existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    next_status(&existing, OrderMove::Release)?;
    let reasons: Vec<Reason> = store::latest_events(tx.conn(), vec![id.as_uuid()])
        .await?
        .first()
        .and_then(|e| serde_json::from_str(&e.reasons).ok())
        .unwrap_or_default();
    let patient = PatientId::from_uuid(existing.order.patient_id);
    move_to(
        app,
        actor,
        tx.conn(),
        existing,
        OrderMove::Release,
        &reasons,
        Some(reason.to_owned()),
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
    let abns = abn::views(db, id.as_uuid()).await?;
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
        abns,
        primary_coverage_id,
        history,
    })
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
    let waiting: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|status| status.awaits_documentation())
        .map(OrderStatus::as_str)
        .collect();
    let mut rows = store::by_status(db, &waiting, offset, PAGE + 1).await?;
    let next = (rows.len() as u64 > PAGE).then_some(offset + PAGE);
    rows.truncate(PAGE as usize);
    let events = store::latest_events(db, rows.iter().map(|o| o.id).collect()).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.patient_id).collect();
    let names = crate::patients::display_names(db, &ids).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut seen = Vec::with_capacity(rows.len());
    for row in rows {
        let name = names.get(&row.patient_id).cloned().unwrap_or_default();
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
    let existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let patient = PatientId::from_uuid(existing.order.patient_id);
    move_to(
        app,
        actor,
        tx.conn(),
        existing,
        OrderMove::Cancel,
        &[],
        Some(reason.to_owned()),
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
    status: OrderStatus,
) -> AppResult<()> {
    let tx = app.store.begin_write().await?;
    let existing = store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let note = Some("Set by the demo loader.".to_owned());
    set_status(app, actor, tx.conn(), existing, status, &[], note).await?;
    tx.commit().await?;
    Ok(())
}
