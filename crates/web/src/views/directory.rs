//! Prescriber and referral-source pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use durable_app::directory::{
    self, PrescriberForm, PrescriberView, ReferralSourceForm, ReferralSourceView,
};
use durable_app::{AppError, Permission};
use durable_domain::codes::US_STATES;
use durable_domain::ids::{PrescriberId, ReferralSourceId};
use durable_domain::people::ReferralSourceKind;
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/prescribers", get(prescribers).post(create_prescriber))
        .route("/prescribers/new", get(new_prescriber))
        .route(
            "/prescribers/{id}",
            get(show_prescriber).post(update_prescriber),
        )
        .route("/prescribers/{id}/edit", get(edit_prescriber))
        .route("/referral-sources", get(sources).post(create_source))
        .route("/referral-sources/new", get(new_source))
        .route(
            "/referral-sources/{id}",
            get(show_source).post(update_source),
        )
        .route("/referral-sources/{id}/edit", get(edit_source))
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

#[derive(Template)]
#[template(path = "directory/prescribers.html")]
struct PrescriberList {
    layout: Layout,
    q: String,
    items: Vec<PrescriberView>,
    next: Option<u64>,
    can_add: bool,
}

async fn prescribers(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<ListParams>,
) -> Response {
    let layout = Layout::new(&page, "Prescribers", "/prescribers");
    match directory::search_prescribers(&state.app, &page.actor, &params.q, params.offset).await {
        Ok((items, next)) => render(
            &PrescriberList {
                layout,
                q: params.q,
                items,
                next,
                can_add: page.actor.can(Permission::PrescriberWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "directory/prescriber.html")]
struct PrescriberPage {
    layout: Layout,
    prescriber: PrescriberView,
    can_edit: bool,
}

async fn show_prescriber(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<PrescriberId>() else {
        return not_found("prescriber", &page);
    };
    let layout = Layout::new(&page, "Prescriber", "/prescribers");
    match directory::prescriber(&state.app, &page.actor, id).await {
        Ok(prescriber) => render(
            &PrescriberPage {
                layout,
                prescriber,
                can_edit: page.actor.can(Permission::PrescriberWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "directory/prescriber_form.html")]
struct PrescriberFormPage {
    layout: Layout,
    action: String,
    form: PrescriberForm,
    errors: FieldErrors,
    states: &'static [&'static str],
}

impl PrescriberFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
    fn new(page: &PageActor, action: String, form: PrescriberForm, errors: FieldErrors) -> Self {
        PrescriberFormPage {
            layout: Layout::new(page, "Prescriber", "/prescribers"),
            action,
            form,
            errors,
            states: &US_STATES,
        }
    }
}

async fn new_prescriber(page: PageActor) -> Response {
    if let Err(err) = page.actor.require(Permission::PrescriberWrite) {
        return error_page(err, Some(Layout::new(&page, "Prescriber", "/prescribers")));
    }
    let form = PrescriberForm {
        pecos_enrolled: Some("on".into()),
        ..PrescriberForm::default()
    };
    render(
        &PrescriberFormPage::new(&page, "/prescribers".into(), form, FieldErrors::new()),
        StatusCode::OK,
    )
}

async fn create_prescriber(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<PrescriberForm>,
) -> Response {
    match directory::add_prescriber(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/prescribers/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => render(
            &PrescriberFormPage::new(&page, "/prescribers".into(), form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "Prescriber", "/prescribers"))),
    }
}

async fn edit_prescriber(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<PrescriberId>() else {
        return not_found("prescriber", &page);
    };
    if let Err(err) = page.actor.require(Permission::PrescriberWrite) {
        return error_page(err, Some(Layout::new(&page, "Prescriber", "/prescribers")));
    }
    match directory::prescriber(&state.app, &page.actor, id).await {
        Ok(p) => {
            let form = PrescriberForm::from(p);
            render(
                &PrescriberFormPage::new(
                    &page,
                    format!("/prescribers/{id}"),
                    form,
                    FieldErrors::new(),
                ),
                StatusCode::OK,
            )
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Prescriber", "/prescribers"))),
    }
}

async fn update_prescriber(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<PrescriberForm>,
) -> Response {
    let Ok(id) = id.parse::<PrescriberId>() else {
        return not_found("prescriber", &page);
    };
    match directory::update_prescriber(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/prescribers/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => render(
            &PrescriberFormPage::new(&page, format!("/prescribers/{id}"), form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "Prescriber", "/prescribers"))),
    }
}

#[derive(Template)]
#[template(path = "directory/sources.html")]
struct SourceList {
    layout: Layout,
    q: String,
    items: Vec<ReferralSourceView>,
    next: Option<u64>,
    can_add: bool,
}

async fn sources(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<ListParams>,
) -> Response {
    let layout = Layout::new(&page, "Referral sources", "/referral-sources");
    match directory::search_referral_sources(&state.app, &page.actor, &params.q, params.offset)
        .await
    {
        Ok((items, next)) => render(
            &SourceList {
                layout,
                q: params.q,
                items,
                next,
                can_add: page.actor.can(Permission::ReferralSourceWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "directory/source.html")]
struct SourcePage {
    layout: Layout,
    source: ReferralSourceView,
    can_edit: bool,
}

async fn show_source(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ReferralSourceId>() else {
        return not_found("referral source", &page);
    };
    let layout = Layout::new(&page, "Referral source", "/referral-sources");
    match directory::referral_source(&state.app, &page.actor, id).await {
        Ok(source) => render(
            &SourcePage {
                layout,
                source,
                can_edit: page.actor.can(Permission::ReferralSourceWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "directory/source_form.html")]
struct SourceFormPage {
    layout: Layout,
    action: String,
    form: ReferralSourceForm,
    errors: FieldErrors,
    states: &'static [&'static str],
    kinds: &'static [ReferralSourceKind],
}

impl SourceFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
    fn new(
        page: &PageActor,
        action: String,
        form: ReferralSourceForm,
        errors: FieldErrors,
    ) -> Self {
        SourceFormPage {
            layout: Layout::new(page, "Referral source", "/referral-sources"),
            action,
            form,
            errors,
            states: &US_STATES,
            kinds: ReferralSourceKind::ALL,
        }
    }
}

async fn new_source(page: PageActor) -> Response {
    if let Err(err) = page.actor.require(Permission::ReferralSourceWrite) {
        return error_page(
            err,
            Some(Layout::new(&page, "Referral source", "/referral-sources")),
        );
    }
    render(
        &SourceFormPage::new(
            &page,
            "/referral-sources".into(),
            ReferralSourceForm::default(),
            FieldErrors::new(),
        ),
        StatusCode::OK,
    )
}

async fn create_source(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<ReferralSourceForm>,
) -> Response {
    match directory::add_referral_source(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/referral-sources/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => render(
            &SourceFormPage::new(&page, "/referral-sources".into(), form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Referral source", "/referral-sources")),
        ),
    }
}

async fn edit_source(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ReferralSourceId>() else {
        return not_found("referral source", &page);
    };
    if let Err(err) = page.actor.require(Permission::ReferralSourceWrite) {
        return error_page(
            err,
            Some(Layout::new(&page, "Referral source", "/referral-sources")),
        );
    }
    match directory::referral_source(&state.app, &page.actor, id).await {
        Ok(s) => {
            let form = ReferralSourceForm::from(s);
            render(
                &SourceFormPage::new(
                    &page,
                    format!("/referral-sources/{id}"),
                    form,
                    FieldErrors::new(),
                ),
                StatusCode::OK,
            )
        }
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Referral source", "/referral-sources")),
        ),
    }
}

async fn update_source(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<ReferralSourceForm>,
) -> Response {
    let Ok(id) = id.parse::<ReferralSourceId>() else {
        return not_found("referral source", &page);
    };
    match directory::update_referral_source(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/referral-sources/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => render(
            &SourceFormPage::new(&page, format!("/referral-sources/{id}"), form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Referral source", "/referral-sources")),
        ),
    }
}
