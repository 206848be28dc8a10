//! Prior-authorization pages: the queue, a request, and its form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use durable_app::directory::{self, PayerView};
use durable_app::prior_auth::{self, PriorAuthForm, PriorAuthView, STATUSES};
use durable_app::{AppError, Permission};
use durable_domain::ids::PriorAuthId;
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/prior-auths", get(queue).post(create))
        .route("/prior-auths/new", get(new_request))
        .route("/prior-auths/{id}", get(show).post(update))
        .route("/prior-auths/{id}/edit", get(edit))
}

#[derive(Template)]
#[template(path = "prior_auth/queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<PriorAuthView>,
    next: Option<u64>,
}

#[derive(Deserialize, Default)]
struct QueueParams {
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

async fn queue(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<QueueParams>,
) -> Response {
    let layout = Layout::new(&page, "Prior authorizations", "/prior-auths");
    match prior_auth::queue(&state.app, &page.actor, params.offset).await {
        Ok((items, next)) => render(
            &QueuePage {
                layout,
                items,
                next,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "prior_auth/show.html")]
struct ShowPage {
    layout: Layout,
    pa: PriorAuthView,
    can_edit: bool,
}

async fn show(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<PriorAuthId>() else {
        return not_found("prior authorization", &page);
    };
    let layout = Layout::new(&page, "Prior authorization", "/prior-auths");
    match prior_auth::get(&state.app, &page.actor, id).await {
        Ok(pa) => render(
            &ShowPage {
                layout,
                pa,
                can_edit: page.actor.can(Permission::OrderWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "prior_auth/form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    form: PriorAuthForm,
    errors: FieldErrors,
    payers: Vec<PayerView>,
    statuses: [&'static str; 5],
}

impl FormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

async fn form_page(
    state: &AppState,
    page: &PageActor,
    action: String,
    form: PriorAuthForm,
    errors: FieldErrors,
) -> Response {
    let layout = Layout::new(page, "Prior authorization", "/prior-auths");
    let payers = match directory::payers(&state.app, &page.actor).await {
        Ok(payers) => payers,
        Err(err) => return error_page(err, Some(layout)),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &FormPage {
            layout,
            action,
            form,
            errors,
            payers,
            statuses: STATUSES,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
struct NewParams {
    #[serde(default)]
    patient_id: String,
    #[serde(default)]
    hcpcs: String,
    #[serde(default)]
    rent_or_buy: String,
}

async fn new_request(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<NewParams>,
) -> Response {
    if let Err(err) = page.actor.require(Permission::OrderWrite) {
        return error_page(
            err,
            Some(Layout::new(&page, "Prior authorization", "/prior-auths")),
        );
    }
    let form = PriorAuthForm {
        patient_id: params.patient_id,
        hcpcs: params.hcpcs,
        rent_or_buy: params.rent_or_buy,
        status: "draft".into(),
        ..PriorAuthForm::default()
    };
    form_page(
        &state,
        &page,
        "/prior-auths".into(),
        form,
        FieldErrors::new(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<PriorAuthForm>,
) -> Response {
    match prior_auth::save(&state.app, &page.actor, None, &form).await {
        Ok(id) => Redirect::to(&format!("/prior-auths/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &page, "/prior-auths".into(), form, errors).await
        }
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Prior authorization", "/prior-auths")),
        ),
    }
}

async fn edit(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<PriorAuthId>() else {
        return not_found("prior authorization", &page);
    };
    match prior_auth::edit_form(&state.app, &page.actor, id).await {
        Ok(form) => {
            form_page(
                &state,
                &page,
                format!("/prior-auths/{id}"),
                form,
                FieldErrors::new(),
            )
            .await
        }
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Prior authorization", "/prior-auths")),
        ),
    }
}

async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<PriorAuthForm>,
) -> Response {
    let Ok(id) = id.parse::<PriorAuthId>() else {
        return not_found("prior authorization", &page);
    };
    match prior_auth::save(&state.app, &page.actor, Some(id), &form).await {
        Ok(id) => Redirect::to(&format!("/prior-auths/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &page, format!("/prior-auths/{id}"), form, errors).await
        }
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, "Prior authorization", "/prior-auths")),
        ),
    }
}
