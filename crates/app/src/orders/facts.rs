//! What the documentation checker is told about a saved order, and what its verdict means.

use durable_domain::documentation::{
    self, DocumentFacts, DocumentKind, DocumentationRules, EligibilityFacts, OrderFacts, Report,
};
use durable_domain::orders::OrderMove;

use durable_store::orders::OrderRecord;
use durable_store::{Db, patients};

use uuid::Uuid;

use crate::{App, AppError, AppResult};

use super::form::OrderForm;
use super::views::Reason;

/// The bundled documentation rules, parsed once per process.
pub(crate) fn rules() -> AppResult<&'static DocumentationRules> {
    DocumentationRules::bundled()
        .map_err(|err| AppError::Internal(format!("bundled documentation rules: {err}")))
}

/// Adds what is on file beside the order to its facts: documents with their marks (a signed
/// written order on file counts as the signature), ABNs, the patient's prior authorizations and
/// the eligibility results of the primary coverage in force on the date of service.
pub(super) async fn complete_facts(
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
    facts
        .documents
        .extend(super::abn::facts(db, order.order.id).await?);
    facts.prior_auths = crate::prior_auth::facts_for_patient(db, order.order.patient_id).await?;
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
pub(super) async fn primary_coverages(
    app: &App,
    db: &impl Db,
    order: &OrderRecord,
) -> AppResult<Vec<Uuid>> {
    let service = order.order.planned_delivery.unwrap_or(app.clock.today());
    primary_coverages_on(db, order.order.patient_id, service).await
}

/// The patient's primary coverages in force on `service`.
pub(crate) async fn primary_coverages_on(
    db: &impl Db,
    patient: Uuid,
    service: time::Date,
) -> AppResult<Vec<Uuid>> {
    Ok(patients::coverages_of(db, patient)
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
pub(super) async fn evaluate(
    app: &App,
    db: &impl Db,
    order: &OrderRecord,
) -> AppResult<Option<Report>> {
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

/// The move the checker's report makes, and the reasons to record.
pub(super) fn verdict(report: &Report) -> (OrderMove, Vec<Reason>) {
    let ready = report.is_ready();
    (
        OrderMove::Checked { ready },
        report.findings.iter().map(Reason::from).collect(),
    )
}
