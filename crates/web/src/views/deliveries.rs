//! The technician's pages, made for a phone (390 px wide, large targets, few fields): today's
//! stops in order, and the stop itself (scan or type serials, tick the checklists, sign on the
//! screen, or record a failed attempt).

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use durable_app::AppError;
use durable_app::deliveries::{self, CompletionForm, FailureForm, ItemScan, TicketView};
use durable_domain::delivery::Relationship;
use durable_domain::ids::DeliveryTicketId;
use durable_domain::validation::{FieldErrors, parse_date};
use serde::Deserialize;
use time::Date;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::api::{COMPLETION_BODY_LIMIT, signature_bytes};
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/stops", get(stops))
        .route("/static/signature.js", get(signature_js))
        .route("/deliveries/{id}", get(stop))
        .route(
            "/deliveries/{id}/complete",
            post(complete).layer(DefaultBodyLimit::max(COMPLETION_BODY_LIMIT)),
        )
        .route("/deliveries/{id}/fail", post(fail))
}

async fn signature_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../static/signature.js"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "deliveries/stops.html")]
struct StopsPage {
    layout: Layout,
    day: Date,
    stops: Vec<TicketView>,
}

#[derive(Deserialize)]
struct DayParams {
    day: Option<String>,
}

async fn stops(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<DayParams>,
) -> Response {
    let layout = Layout::new(&page, "Today's stops", "/stops");
    let day = match params.day.as_deref().map(str::trim) {
        None | Some("") => state.app.clock.today(),
        Some(text) => match parse_date(text) {
            Ok(day) => day,
            Err(e) => return error_page(FieldErrors::single("day", e.0).into(), Some(layout)),
        },
    };
    match deliveries::stops(&state.app, &page.actor, day).await {
        Ok(stops) => render(&StopsPage { layout, day, stops }, StatusCode::OK),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "deliveries/stop.html")]
struct StopPage {
    layout: Layout,
    ticket: TicketView,
    form: CompletionForm,
    errors: FieldErrors,
    message: String,
    relationships: Vec<(&'static str, &'static str)>,
}

impl StopPage {
    /// What was typed for an item's serial, kept after a refusal.
    fn serial(&self, position: &i32) -> &str {
        self.scan(*position)
            .and_then(|s| s.serial.as_deref())
            .unwrap_or("")
    }

    /// What was typed for an item's lot.
    fn lot(&self, position: &i32) -> &str {
        self.scan(*position)
            .and_then(|s| s.lot.as_deref())
            .unwrap_or("")
    }

    fn scan(&self, position: i32) -> Option<&ItemScan> {
        self.form.items.iter().find(|s| s.position == position)
    }

    fn ticked(&self, list: &str, check: &str) -> bool {
        self.form
            .ticked
            .iter()
            .any(|t| *t == format!("{list}.{check}"))
    }

    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }

    fn item_error(&self, position: &i32, part: &str) -> &str {
        field_error(&self.errors, &format!("items[{position}].{part}"))
    }
}

async fn show_stop(
    state: &AppState,
    page: &PageActor,
    id: DeliveryTicketId,
    form: CompletionForm,
    errors: FieldErrors,
    message: String,
    status: StatusCode,
) -> Response {
    let layout = Layout::new(page, "Stop", "/stops");
    match deliveries::ticket(&state.app, &page.actor, id).await {
        Ok(ticket) => render(
            &StopPage {
                layout: Layout {
                    title: format!("Stop · {}", ticket.patient_name),
                    ..layout
                },
                ticket,
                form,
                errors,
                message,
                relationships: Relationship::ALL
                    .iter()
                    .filter(|r| **r != Relationship::SupplierEmployee)
                    .map(|r| (r.code(), r.label()))
                    .collect(),
            },
            status,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn stop(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("delivery", &page);
    };
    let form = CompletionForm {
        signer: "beneficiary".into(),
        ..CompletionForm::default()
    };
    show_stop(
        &state,
        &page,
        id,
        form,
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// The stop form's fields: `serial_N` and `lot_N` per item, `ticked` once per check, the signer
/// block and the signature's data URL.
fn completion(fields: Vec<(String, String)>) -> (CompletionForm, String) {
    let mut form = CompletionForm::default();
    let mut signature = String::new();
    for (name, value) in fields {
        let item = |form: &mut CompletionForm, position: &str| -> Option<usize> {
            let position: i32 = position.parse().ok()?;
            let index = match form.items.iter().position(|s| s.position == position) {
                Some(index) => index,
                None => {
                    form.items.push(ItemScan {
                        position,
                        ..ItemScan::default()
                    });
                    form.items.len() - 1
                }
            };
            Some(index)
        };
        if let Some(position) = name.strip_prefix("serial_") {
            if let Some(i) = item(&mut form, position) {
                form.items[i].serial = Some(value);
            }
        } else if let Some(position) = name.strip_prefix("lot_") {
            if let Some(i) = item(&mut form, position) {
                form.items[i].lot = Some(value);
            }
        } else {
            match name.as_str() {
                "ticked" => form.ticked.push(value),
                "signer" => form.signer = value,
                "signer_name" => form.signer_name = Some(value),
                "relationship" => form.relationship = Some(value),
                "note" => form.note = Some(value),
                "signature" => signature = value,
                _ => {}
            }
        }
    }
    (form, signature)
}

async fn complete(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("delivery", &page);
    };
    let (form, signature) = completion(fields);
    let signature = if signature.trim().is_empty() {
        Vec::new()
    } else {
        signature_bytes(&signature)
    };
    match deliveries::complete(&state.app, &page.actor, id, &form, &signature).await {
        Ok(_) => Redirect::to(&format!("/deliveries/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            let message = "The delivery was not recorded: fix what is marked below.".to_owned();
            show_stop(
                &state,
                &page,
                id,
                form,
                errors,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            show_stop(
                &state,
                &page,
                id,
                form,
                FieldErrors::new(),
                message,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Stop", "/stops"))),
    }
}

async fn fail(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<FailureForm>,
) -> Response {
    let Ok(id) = id.parse() else {
        return not_found("delivery", &page);
    };
    let blank = CompletionForm::default();
    match deliveries::fail(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to("/stops").into_response(),
        Err(AppError::Invalid(errors)) => {
            let message = "The failed attempt was not recorded: fix what is marked below.".into();
            show_stop(
                &state,
                &page,
                id,
                blank,
                errors,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            show_stop(
                &state,
                &page,
                id,
                blank,
                FieldErrors::new(),
                message,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Stop", "/stops"))),
    }
}
