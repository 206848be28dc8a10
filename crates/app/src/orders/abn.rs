//! Advance Beneficiary Notices (CMS-R-131; Medicare Claims Processing Manual, Pub. 100-04, ch. 30 §50) signed for order lines: the
//! specific reason Medicare may deny the item, the option the beneficiary chose and the date they
//! signed. An ABN with option 1 or 2 lets a line whose coverage documentation is missing ship and
//! bill with GA; option 3 means the beneficiary does not want the item.

use durable_domain::documentation::{DocumentFacts, DocumentKind};
use durable_domain::ids::{OrderId, PatientId};
use durable_domain::validation::{FieldErrors, parse_date};
use durable_store::prior_auth::{self as store, Abn};
use durable_store::{Db, orders as order_store};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::audit::{Audit, record};
use crate::{Actor, App, AppError, AppResult, Permission};

/// An ABN as typed into a form or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AbnForm {
    /// The order line it covers (1-based, as shown on the order).
    pub line: String,
    /// Why Medicare may deny this item for this patient; a blanket reason is not valid.
    pub reason: String,
    /// The option the beneficiary ticked: 1, 2 or 3.
    pub option_chosen: String,
    /// The date the beneficiary signed.
    pub signed_date: String,
}

/// An ABN as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AbnView {
    /// The order line it covers (1-based).
    pub line: i32,
    /// The reason.
    pub reason: String,
    /// The option chosen.
    pub option_chosen: String,
    /// Signed on.
    pub signed_date: Date,
    /// Who recorded it.
    pub recorded_by: String,
}

/// The shortest reason accepted: CMS requires a specific, genuine reason (§6.2).
const MIN_REASON: usize = 15;

/// Records an ABN for one of an order's lines and checks the order again.
pub async fn record_abn(app: &App, actor: &Actor, id: OrderId, form: &AbnForm) -> AppResult<()> {
    actor.require(Permission::OrderWrite)?;
    let tx = app.store.begin_write().await?;
    let order = order_store::order(tx.conn(), id.as_uuid())
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let mut errors = FieldErrors::new();
    let line = match form.line.trim().parse::<usize>() {
        Ok(n) if (1..=order.lines.len()).contains(&n) => Some(n - 1),
        _ => {
            errors.add("line", "Choose one of the order's lines.");
            None
        }
    };
    let reason = errors.required_note("reason", &form.reason, 1_000);
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() < MIN_REASON)
    {
        errors.add(
            "reason",
            "Write the specific reason Medicare may deny this item for this patient; a blanket notice is not valid.",
        );
    }
    let option = form.option_chosen.trim();
    if !["1", "2", "3"].contains(&option) {
        errors.add(
            "option_chosen",
            "Enter the option the beneficiary ticked: 1, 2 or 3.",
        );
    }
    let signed = errors.check("signed_date", parse_date(&form.signed_date));
    if signed.is_some_and(|d| d > app.clock.today()) {
        errors.add("signed_date", "The signature date cannot be in the future.");
    }
    let (line, reason, signed) = errors.finish(|| Some((line?, reason?, signed?)))?;
    let row_id = Uuid::now_v7();
    store::insert_abn(
        tx.conn(),
        Abn {
            id: row_id,
            order_id: id.as_uuid(),
            line_position: i32::try_from(line).unwrap_or(i32::MAX),
            reason,
            option_chosen: option.to_owned(),
            signed_date: signed,
            recorded_by: actor.username.clone(),
            recorded_at: app.clock.now(),
        },
    )
    .await?;
    record(
        tx.conn(),
        &app.clock,
        actor,
        Audit::new("order.abn", "order", id.as_uuid())
            .patients([PatientId::from_uuid(order.order.patient_id)])
            .detail(serde_json::json!({ "line": line + 1, "option": option })),
    )
    .await?;
    super::recheck(app, actor, tx.conn(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// An order's ABNs as shown.
pub(super) async fn views(db: &impl Db, order: Uuid) -> AppResult<Vec<AbnView>> {
    Ok(store::abns_for_order(db, order)
        .await?
        .into_iter()
        .map(|a| AbnView {
            line: a.line_position + 1,
            reason: a.reason,
            option_chosen: a.option_chosen,
            signed_date: a.signed_date,
            recorded_by: a.recorded_by,
        })
        .collect())
}

/// The checker's view of an order's ABNs: only options 1 and 2 mean the beneficiary still wants
/// the item and accepts liability.
pub(super) async fn facts(db: &impl Db, order: Uuid) -> AppResult<Vec<DocumentFacts>> {
    Ok(store::abns_for_order(db, order)
        .await?
        .into_iter()
        .filter(|a| a.option_chosen != "3")
        .map(|a| DocumentFacts {
            kind: DocumentKind::Abn,
            date: Some(a.signed_date),
            line: usize::try_from(a.line_position).ok(),
            satisfies: Vec::new(),
        })
        .collect())
}
