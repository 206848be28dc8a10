//! `/api/v1/audit`: the audit trail for compliance tools.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use durable_app::audit::{self, EventView};

use super::{ApiQuery, Page};
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;
use crate::views::AuditParams;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/audit", get(search))
}

/// Searches the audit trail, newest first; `next` continues with older events.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), tag = "audit",
    responses((status = 200, body = Page<EventView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn search(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Page<EventView>>, ApiError> {
    actor.require(durable_app::Permission::AuditRead)?;
    let events = audit::search(&state.app, &actor, &params.query()?).await?;
    let next = (events.len() as u64 == audit::PAGE)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    Ok(Page::new(events, next))
}
