//! Each role's home page: the work that role does, as far as Durable has it so far.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use durable_app::audit::{AuditQuery, EventView};
use durable_app::directory::{PayerView, ReferralSourceView};
use durable_app::patients::PatientSummary;
use durable_app::{AppResult, Permission, audit, auth, directory, patients};

use super::{Layout, error_page, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    can_search_patients: bool,
    can_add_patients: bool,
    recent_patients: Vec<PatientSummary>,
    order_queue: Vec<durable_app::orders::QueueItem>,
    payers: Vec<PayerView>,
    referral_sources: Vec<ReferralSourceView>,
    audit_events: Vec<EventView>,
    users: Vec<auth::UserView>,
}

async fn home(State(state): State<AppState>, page: PageActor) -> Response {
    let layout = Layout::new(&page, "Home", "/");
    match home_page(&state, &page).await {
        Ok(mut home) => {
            home.layout = layout;
            render(&home, StatusCode::OK)
        }
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn home_page(state: &AppState, page: &PageActor) -> AppResult<HomePage> {
    let (app, actor) = (&state.app, &page.actor);
    Ok(HomePage {
        layout: Layout::new(page, "Home", "/"),
        can_search_patients: actor.can(Permission::PatientRead),
        can_add_patients: actor.can(Permission::PatientWrite),
        recent_patients: if actor.can(Permission::PatientWrite) {
            patients::recently_added(app, actor, 10).await?
        } else {
            Vec::new()
        },
        order_queue: if actor.can(Permission::OrderWrite) {
            let mut items = durable_app::orders::queue(app, actor, 0).await?.0;
            items.truncate(10);
            items
        } else {
            Vec::new()
        },
        payers: if actor.can(Permission::PayerRead) && actor.can(Permission::CoverageWrite) {
            directory::payers(app, actor).await?
        } else {
            Vec::new()
        },
        referral_sources: if actor.can(Permission::ReferralSourceWrite)
            && !actor.can(Permission::PatientRead)
        {
            directory::search_referral_sources(app, actor, "", 0)
                .await?
                .0
        } else {
            Vec::new()
        },
        audit_events: if actor.can(Permission::AuditRead) {
            let mut events = audit::search(app, actor, &AuditQuery::default()).await?;
            events.truncate(15);
            events
        } else {
            Vec::new()
        },
        users: if actor.can(Permission::UserAdmin) {
            auth::list_users(app, actor).await?
        } else {
            Vec::new()
        },
    })
}
