//! Recording the hand-over at the stop. Everything is checked before anything is written, and
//! everything is written in one transaction: units delivered into the patient's custody (a
//! scanned unit other than the reserved one is swapped in and the swap recorded), stock issued,
//! the order Delivered, the signature and the proof of delivery stored as documents of the
//! order, one billing episode per delivered item, the ticket completed. A ticket completed once
//! refuses a second completion and nothing changes.

use durable_domain::billing::Category;
use durable_domain::catalog::PaymentCategory;
use durable_domain::delivery::{self, Method, Receipt, Relationship, Signer};
use durable_domain::documentation::DocumentKind;
use durable_domain::ids::{DeliveryTicketId, DocumentId, OrderId, PatientId};
use durable_domain::inventory::{AssetCommand, DeliveryTerms};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::billing_episodes::{self, BillingEpisode};
use durable_store::deliveries::{self as store, Ticket};
use durable_store::documents::{self as document_store, Document};
use durable_store::inventory as inventory_store;
use durable_store::{Db, catalog as catalog_store, directory};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::checks::{is_staff, plan, signer_of, undone_labels};
use super::pod::{self, Pod, PodItem};
use super::views::{checklists_of, view_of};
use super::{MAX_NOTE, command_unit, history_entry, ready_order, reservation, save};
use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// The largest signature image accepted: a phone canvas is a few tens of kilobytes.
pub const MAX_SIGNATURE_BYTES: usize = 1024 * 1024;

/// What the technician scanned or typed for one item.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemScan {
    /// The ticket item (1-based).
    pub position: i32,
    /// For a serialized item: the serial of the unit handed over.
    pub serial: Option<String>,
    /// For stock kept by lot: the lot issued.
    pub lot: Option<String>,
}

/// The hand-over as the stop page or the API sends it (the signature image travels beside it).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CompletionForm {
    /// One entry per item.
    pub items: Vec<ItemScan>,
    /// The checks done, as `list.check` codes (`training.cleaning`).
    pub ticked: Vec<String>,
    /// `beneficiary` or `designee`.
    pub signer: String,
    /// A designee's printed name.
    pub signer_name: Option<String>,
    /// A designee's relationship to the patient (`spouse`, `caregiver` …).
    pub relationship: Option<String>,
    /// The date the signer wrote (YYYY-MM-DD); today when left out.
    pub signed_on: Option<String>,
    /// For a carrier delivery: the date the package was shipped.
    pub shipped_on: Option<String>,
    /// For a carrier delivery: the tracking number, when not yet on the ticket.
    pub tracking_number: Option<String>,
    /// Anything worth keeping.
    pub note: Option<String>,
}

/// A failed attempt at the door.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FailureForm {
    /// Why (nobody home, refused, wrong address …).
    pub reason: String,
    /// The new day agreed (YYYY-MM-DD); unscheduled when left out.
    pub new_date: Option<String>,
}

/// What completing a delivery did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Completed {
    /// The order, now Delivered.
    #[schema(value_type = String)]
    pub order_id: OrderId,
    /// The proven date of service.
    #[schema(value_type = String)]
    pub date_of_service: Date,
    /// The proof of delivery stored with the order.
    #[schema(value_type = String)]
    pub pod_document_id: DocumentId,
    /// Billing episodes opened.
    pub episodes_opened: usize,
    /// Items whose payment category the billing engine does not model: delivered, not billed
    /// automatically.
    pub not_billed: Vec<String>,
}

/// The billing engine's category for a HCPCS code, as the catalog holds it.
async fn billing_category(db: &impl Db, hcpcs: &str) -> AppResult<Option<Category>> {
    Ok(catalog_store::hcpcs_code(db, hcpcs)
        .await?
        .and_then(|c| c.category_override.or(c.payment_category))
        .and_then(|c| c.parse::<PaymentCategory>().ok())
        .and_then(PaymentCategory::billing_category))
}

fn category_code(category: Category) -> &'static str {
    match category {
        Category::CappedRental => "capped_rental",
        Category::Oxygen => "oxygen",
        Category::InexpensiveRoutinelyPurchased => "inexpensive_routinely_purchased",
        Category::FrequentServicing => "frequent_servicing",
        Category::Supplies => "supplies",
    }
}

/// Records the hand-over of a scheduled delivery. See the module comment.
pub async fn complete(
    app: &App,
    actor: &Actor,
    id: DeliveryTicketId,
    form: &CompletionForm,
    signature: &[u8],
) -> AppResult<Completed> {
    actor.require(Permission::DeliveryComplete)?;
    let today = app.clock.today();
    let mut errors = FieldErrors::new();
    let drawn = if signature.is_empty() {
        None
    } else if signature.len() > MAX_SIGNATURE_BYTES {
        errors.add(
            "signature",
            "The signature image is larger than 1 MB: clear it and sign again.",
        );
        None
    } else {
        let decoded = pod::decode_signature(signature);
        if decoded.is_none() {
            errors.add(
                "signature",
                "The signature is not a PNG image: clear it and sign again on the screen.",
            );
        }
        decoded
    };
    let signed_on = errors
        .optional_parsed("signed_on", form.signed_on.as_deref(), parse_date)
        .unwrap_or(today);
    let shipped_on = errors.optional_parsed("shipped_on", form.shipped_on.as_deref(), parse_date);
    let note = errors.optional("note", form.note.as_deref(), MAX_NOTE);
    let tracking_input = errors.optional("tracking_number", form.tracking_number.as_deref(), 100);

    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let loaded = store::ticket(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    let ticket = &loaded.ticket;
    match ticket.status.as_str() {
        "completed" => {
            return Err(AppError::Conflict(format!(
                "This delivery was already completed on {} by {}; completing it again changes nothing.",
                ticket
                    .date_of_service
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                ticket.completed_by.clone().unwrap_or_default()
            )));
        }
        "cancelled" => {
            return Err(AppError::Conflict("This delivery was cancelled.".into()));
        }
        "unscheduled" => {
            return Err(AppError::Conflict(
                ticket.held_reason.clone().unwrap_or_else(|| {
                    "This delivery is not scheduled yet: dispatch must schedule it first.".into()
                }),
            ));
        }
        _ => {}
    }
    super::ensure_assigned(actor, ticket.technician_id)?;
    let order = ready_order(db, ticket.order_id).await?;
    let method = Method::parse(&ticket.method)
        .ok_or_else(|| AppError::Internal(format!("ticket {} method", ticket.id)))?;
    let tracking_number = tracking_input.or(ticket.tracking_number.clone());
    let signer = if method.needs_signature() && drawn.is_some() {
        let staff = is_staff(db, form.signer_name.as_deref()).await?;
        let signer = signer_of(form, staff, &mut errors);
        if signer.is_none() {
            errors.add("signer", "Say who signed: the patient or a designee.");
        }
        signer
    } else {
        None
    };
    let receipt = Receipt {
        method,
        signer: signer.clone(),
        signed_on: signer.as_ref().map(|_| signed_on),
        delivered_on: None,
        shipped_on,
        tracking_number: tracking_number.clone(),
    };
    let date_of_service = match delivery::date_of_service(&receipt, today) {
        Ok(date) => Some(date),
        Err(problems) => {
            // One message per field: an unreadable image already says why there is no signature.
            for problem in problems.errors {
                if errors.for_field(&problem.field).is_none() {
                    errors.errors.push(problem);
                }
            }
            None
        }
    };
    let lists = checklists_of(method, &loaded.items);
    let undone = undone_labels(&lists, &form.ticked);
    if !undone.is_empty() {
        errors.add(
            "checklists",
            format!(
                "Tick each check once it is done. Still open: {}.",
                undone.join("; ")
            ),
        );
    }
    let plan = plan(db, actor, app, ticket, &loaded.items, form, &mut errors).await?;
    let date_of_service = errors.finish(|| date_of_service)?;

    // Everything is checked: write.
    let now = app.clock.now();
    let mut items = loaded.items.clone();
    for handed in plan.handed {
        let item = &mut items[handed.item];
        if let Some(reserved) = handed.swapped_from {
            let note = Some(format!(
                "Serial {} handed over instead of the reserved {}.",
                handed.unit.serial, reserved.serial
            ));
            command_unit(
                app,
                actor,
                db,
                reserved,
                &AssetCommand::CancelReservation,
                note.clone(),
            )
            .await?;
            let event = history_entry(app, actor, ticket, "swapped", note);
            store::insert_event(db, event).await?;
        }
        let mut unit = handed.unit;
        if unit.state == "available" {
            unit = command_unit(app, actor, db, unit, &reservation(&order), None).await?;
        }
        let terms = if item.rent_or_buy == "purchase" {
            DeliveryTerms::Sale
        } else {
            DeliveryTerms::Rental
        };
        let unit =
            command_unit(app, actor, db, unit, &AssetCommand::Deliver { terms }, None).await?;
        item.delivered_asset_id = Some(unit.id);
        item.reserved_asset_id = Some(unit.id);
    }
    for (index, rows) in plan.issues {
        items[index].lot = rows.first().and_then(|r| r.lot.clone());
        inventory_store::insert_postings(db, rows).await?;
    }

    let signature_sha256 = match drawn {
        Some(_) => Some(app.documents.put(signature).await?),
        None => None,
    };
    let view = view_of(
        db,
        store::TicketRecord {
            ticket: ticket.clone(),
            items: items.clone(),
        },
    )
    .await?;
    let supplier = directory::supplier(db)
        .await?
        .map(|s| format!("{} · NPI {} · {}", s.name, s.npi, s.phone));
    let signed_by = signer.as_ref().map(|s| match s {
        Signer::Beneficiary => format!("Signed by the beneficiary, {}", view.patient_name),
        Signer::Designee {
            printed_name,
            relationship,
            ..
        } => format!(
            "Signed by {} ({}), designee of the beneficiary",
            printed_name.trim(),
            relationship.map(Relationship::label).unwrap_or_default()
        ),
    });
    let checks: Vec<String> = lists
        .iter()
        .flat_map(|l| {
            l.checks
                .iter()
                .map(move |c| format!("{}: {}", l.title, c.label))
        })
        .collect();
    let pdf = pod::render(&Pod {
        supplier,
        patient_name: &view.patient_name,
        address: &view.address,
        facility: view.facility_name.as_deref(),
        method: method.label(),
        date_of_service,
        shipment: (method == Method::Carrier).then(|| {
            format!(
                "Shipped {} by {}, tracking number {}",
                shipped_on.map(|d| d.to_string()).unwrap_or_default(),
                ticket.carrier.clone().unwrap_or_default(),
                tracking_number.clone().unwrap_or_default()
            )
        }),
        items: view
            .items
            .iter()
            .map(|i| PodItem {
                quantity: i.quantity,
                hcpcs: i.hcpcs.clone(),
                description: i.description.clone(),
                serial: i.delivered_serial.clone(),
            })
            .collect(),
        signed_by,
        signed_on: signer.as_ref().map(|_| signed_on),
        signature: drawn.as_ref(),
        checks,
        reference: format!("Delivery {} · order {}", ticket.id, ticket.order_id),
    });
    let pod_id = Uuid::now_v7();
    let pod_sha256 = app.documents.put(&pdf).await?;
    document_store::insert(
        db,
        Document {
            id: pod_id,
            patient_id: ticket.patient_id,
            order_id: Some(ticket.order_id),
            kind: DocumentKind::ProofOfDelivery.as_str().to_owned(),
            content_type: "application/pdf".into(),
            size_bytes: i64::try_from(pdf.len()).unwrap_or(i64::MAX),
            sha256: pod_sha256,
            file_name: format!("proof-of-delivery-{date_of_service}.pdf"),
            document_date: Some(date_of_service),
            uploaded_by: actor.username.clone(),
            uploaded_at: now,
        },
    )
    .await?;

    let coverage =
        crate::orders::facts::primary_coverages_on(db, ticket.patient_id, date_of_service)
            .await?
            .first()
            .copied();
    let mut episodes_opened = 0;
    let mut not_billed = Vec::new();
    for item in &items {
        let Some(category) = billing_category(db, &item.hcpcs).await? else {
            not_billed.push(format!("{} {}", item.hcpcs, item.description));
            continue;
        };
        billing_episodes::insert_episode(
            db,
            BillingEpisode {
                id: Uuid::now_v7(),
                patient_id: ticket.patient_id,
                order_id: Some(ticket.order_id),
                order_line_position: Some(item.order_line_position),
                coverage_id: coverage,
                hcpcs: item.hcpcs.clone(),
                category: category_code(category).to_owned(),
                arrangement: item.rent_or_buy.clone(),
                first_date_of_service: date_of_service,
                units: item.quantity,
                asset_id: item.delivered_asset_id,
                months_billed_before: 0,
                origin: "delivery".into(),
                source_id: ticket.id,
                source_line: item.position,
                opened_at: now,
                opened_by: actor.username.clone(),
            },
        )
        .await?;
        episodes_opened += 1;
    }
    for item in items {
        store::update_item(db, item).await?;
    }
    crate::orders::mark_delivered(
        app,
        actor,
        db,
        order,
        format!("Delivered; date of service {date_of_service}."),
    )
    .await?;

    let (signer_code, signer_name, signer_relationship) = match &signer {
        Some(Signer::Beneficiary) => (Some("beneficiary"), None, None),
        Some(Signer::Designee {
            printed_name,
            relationship,
            ..
        }) => (
            Some("designee"),
            Some(printed_name.trim().to_owned()),
            relationship.map(|r| r.code().to_owned()),
        ),
        None => (None, None, None),
    };
    let completed = Ticket {
        status: "completed".into(),
        tracking_number,
        shipped_on,
        date_of_service: Some(date_of_service),
        signer: signer_code.map(str::to_owned),
        signer_name,
        signer_relationship,
        signed_on: signer.as_ref().map(|_| signed_on),
        signature_sha256,
        checklists: Some(
            serde_json::to_string(&form.ticked)
                .map_err(|e| AppError::Internal(format!("checklists: {e}")))?,
        ),
        pod_document_id: Some(pod_id),
        completed_at: Some(now),
        completed_by: Some(actor.username.clone()),
        updated_at: now,
        ..ticket.clone()
    };
    let event = history_entry(app, actor, &completed, "completed", note);
    let seen = ticket.status.clone();
    let patient = PatientId::from_uuid(ticket.patient_id);
    save(db, completed, &seen, event).await?;
    record(
        db,
        &app.clock,
        actor,
        Audit::new("delivery.complete", "delivery_ticket", id.as_uuid())
            .patients([patient])
            .detail(serde_json::json!({
                "date_of_service": date_of_service.to_string(),
                "episodes": episodes_opened,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Completed {
        order_id: view.order_id,
        date_of_service,
        pod_document_id: DocumentId::from_uuid(pod_id),
        episodes_opened,
        not_billed,
    })
}

/// Records a failed attempt at the door with its reason; the ticket moves to the new day agreed,
/// or back to unscheduled. The units stay reserved for the order.
pub async fn fail(
    app: &App,
    actor: &Actor,
    id: DeliveryTicketId,
    form: &FailureForm,
) -> AppResult<()> {
    actor.require(Permission::DeliveryComplete)?;
    let mut errors = FieldErrors::new();
    let reason = errors.required("reason", &form.reason, MAX_NOTE);
    let new_date = errors.optional_parsed("new_date", form.new_date.as_deref(), parse_date);
    if new_date.is_some_and(|d| d <= app.clock.today()) {
        errors.add("new_date", "Choose a day after today.");
    }
    let reason = errors.finish(|| reason)?;
    let tx = app.store.begin_write().await?;
    let db = tx.conn();
    let record = store::ticket(db, id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("delivery"))?;
    let seen = record.ticket.status.clone();
    if seen != "scheduled" {
        return Err(AppError::Conflict(format!(
            "This delivery is {seen}: only a scheduled delivery can fail at the door."
        )));
    }
    super::ensure_assigned(actor, record.ticket.technician_id)?;
    let technician_id = new_date.and(record.ticket.technician_id);
    let stop_position = match new_date.zip(technician_id) {
        Some((day, tech)) => Some(super::next_stop(db, day, tech).await?),
        None => None,
    };
    let ticket = Ticket {
        status: if new_date.is_some() {
            "scheduled"
        } else {
            "unscheduled"
        }
        .into(),
        scheduled_on: new_date,
        stop_position,
        technician_id,
        updated_at: app.clock.now(),
        ..record.ticket
    };
    let event = history_entry(app, actor, &ticket, "failed", Some(reason));
    let patient = PatientId::from_uuid(ticket.patient_id);
    save(db, ticket, &seen, event).await?;
    super::record_change(app, actor, db, "delivery.fail", id, patient).await?;
    tx.commit().await?;
    Ok(())
}
