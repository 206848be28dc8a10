//! The administrator's organization settings page: the billing provider on every claim and the
//! time zone that decides "today".

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use durable_app::settings::{self, SettingsForm};
use durable_app::{AppError, Permission};
use durable_domain::codes::US_STATES;
use durable_domain::validation::FieldErrors;

use super::{Layout, error_page, field_error, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/admin/settings", get(show).post(save))
}

const TITLE: &str = "Organization settings";
pub(super) const SECTION: &str = "/admin/settings";

/// Time zones offered first (any IANA name is accepted).
const US_TIME_ZONES: [&str; 9] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "UTC",
];

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: FieldErrors,
    saved: Option<String>,
    today: String,
    states: &'static [&'static str],
    zones: &'static [&'static str],
}

impl SettingsPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

fn settings_page(
    state: &AppState,
    page: &PageActor,
    form: SettingsForm,
    errors: FieldErrors,
    saved: Option<String>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &SettingsPage {
            layout: Layout::new(page, TITLE, SECTION),
            form,
            errors,
            saved,
            today: state.app.clock.today().to_string(),
            states: &US_STATES,
            zones: &US_TIME_ZONES,
        },
        status,
    )
}

async fn show(State(state): State<AppState>, page: PageActor) -> Response {
    match settings::get(&state.app, &page.actor).await {
        Ok(view) => {
            let saved = view
                .as_ref()
                .map(|v| format!("Last saved by {} on {}.", v.updated_by, v.updated_at.date()));
            let form = view.map(SettingsForm::from).unwrap_or_default();
            settings_page(&state, &page, form, FieldErrors::new(), saved)
        }
        Err(err) => error_page(err, Some(Layout::new(&page, TITLE, SECTION))),
    }
}

async fn save(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<SettingsForm>,
) -> Response {
    if let Err(err) = page.actor.require(Permission::OrganizationAdmin) {
        return error_page(err, Some(Layout::new(&page, TITLE, SECTION)));
    }
    match settings::save(&state.app, &page.actor, &form).await {
        Ok(()) => Redirect::to(SECTION).into_response(),
        Err(AppError::Invalid(errors)) => settings_page(&state, &page, form, errors, None),
        Err(err) => error_page(err, Some(Layout::new(&page, TITLE, SECTION))),
    }
}
