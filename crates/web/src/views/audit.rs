//! The compliance officer's audit-trail search.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use durable_app::audit::{self, AuditQuery, EventView};
use durable_domain::ids::PatientId;
use durable_domain::validation::{FieldErrors, parse_date};
use serde::Deserialize;

use super::{Layout, error_page, field_error, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(search))
}

/// The search form's fields, as typed.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub(crate) struct AuditParams {
    /// A patient id.
    pub patient: String,
    /// A user name.
    pub user: String,
    /// From date (YYYY-MM-DD).
    pub from: String,
    /// To date (YYYY-MM-DD), inclusive.
    pub to: String,
    /// Continue below this sequence number.
    pub before: Option<i64>,
}

impl AuditParams {
    /// Parses the filters, reporting each bad one on its field.
    pub(crate) fn query(&self) -> Result<AuditQuery, FieldErrors> {
        let mut e = FieldErrors::new();
        let patient_id = match self.patient.trim() {
            "" => None,
            text => text
                .parse::<PatientId>()
                .map_err(|_| {
                    e.add(
                        "patient",
                        "Paste the patient's id from their chart address.",
                    )
                })
                .ok(),
        };
        let from = e.optional_parsed("from", Some(&self.from), parse_date);
        let to = e.optional_parsed("to", Some(&self.to), parse_date);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            e.add("to", "The end date is before the start date.");
        }
        let username = Some(self.user.trim().to_owned()).filter(|u| !u.is_empty());
        e.finish(|| {
            Some(AuditQuery {
                patient_id,
                username,
                from,
                to,
                before_seq: self.before,
            })
        })
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    params: AuditParams,
    errors: FieldErrors,
    events: Vec<EventView>,
    next: Option<i64>,
}

impl AuditPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

async fn search(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<AuditParams>,
) -> Response {
    let layout = Layout::new(&page, "Audit trail", "/audit");
    let query = match params.query() {
        Ok(query) => query,
        Err(errors) => {
            if let Err(err) = page.actor.require(durable_app::Permission::AuditRead) {
                return error_page(err, Some(layout));
            }
            return render(
                &AuditPage {
                    layout,
                    params,
                    errors,
                    events: Vec::new(),
                    next: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match audit::search(&state.app, &page.actor, &query).await {
        Ok(events) => {
            let next = (events.len() as u64 == audit::PAGE)
                .then(|| events.last().map(|e| e.seq))
                .flatten();
            render(
                &AuditPage {
                    layout,
                    params,
                    errors: FieldErrors::new(),
                    events,
                    next,
                },
                StatusCode::OK,
            )
        }
        Err(err) => error_page(err, Some(layout)),
    }
}
