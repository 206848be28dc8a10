//! Order pages: the intake queue, order entry with its live checklist, the order page with its
//! documents and history, uploads and eligibility results.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use durable_app::catalog::{self, ProductView};
use durable_app::coverages::{self, EligibilityForm};
use durable_app::directory::{self, PrescriberView};
use durable_app::documents::{self, MAX_DOCUMENT_BYTES, UploadForm};
use durable_app::orders::{self, LineForm, OrderForm, OrderView, QueueItem, Reason};
use durable_app::{AppError, Permission};
use durable_domain::documentation::DocumentKind;
use durable_domain::ids::{CoverageId, DocumentId, OrderId, PatientId};
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(queue).post(create))
        .route("/orders/new", get(new_order))
        .route("/orders/check", post(check))
        .route("/orders/{id}", get(show).post(update))
        .route("/orders/{id}/edit", get(edit))
        .route("/orders/{id}/override", post(override_hold))
        .route("/orders/{id}/cancel", post(cancel))
        .route("/orders/{id}/abns", post(record_abn))
        .route(
            "/orders/{id}/documents",
            // Room for the multipart framing around the largest document.
            post(upload).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route("/documents/{id}", get(view_document))
        .route("/documents/{id}/marks", post(mark))
        .route("/coverages/{id}/eligibility", post(record_eligibility))
}

#[derive(Template)]
#[template(path = "orders/queue.html")]
struct QueuePage {
    layout: Layout,
    groups: Vec<(String, Vec<QueueItem>)>,
    next: Option<u64>,
    expiring: Vec<durable_app::prior_auth::PriorAuthView>,
}

#[derive(Deserialize, Default)]
struct QueueParams {
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

/// Affirmed prior authorizations ending within this many days are shown with the queue.
const EXPIRING_DAYS: i64 = 30;

/// Groups the queue by its first blocking reason, so intake works one kind of problem at a time.
fn group_by_reason(items: Vec<QueueItem>) -> Vec<(String, Vec<QueueItem>)> {
    let mut groups: BTreeMap<String, Vec<QueueItem>> = BTreeMap::new();
    for item in items {
        let key = item
            .reasons
            .first()
            .map_or_else(|| "New".to_owned(), |r| r.action.clone());
        groups.entry(key).or_default().push(item);
    }
    groups.into_iter().collect()
}

async fn queue(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<QueueParams>,
) -> Response {
    let layout = Layout::new(&page, "Orders", "/orders");
    let expiring =
        match durable_app::prior_auth::expiring(&state.app, &page.actor, EXPIRING_DAYS).await {
            Ok(items) => items,
            Err(err) => return error_page(err, Some(layout)),
        };
    match orders::queue(&state.app, &page.actor, params.offset).await {
        Ok((items, next)) => render(
            &QueuePage {
                layout,
                groups: group_by_reason(items),
                next,
                expiring,
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

/// Line rows the entry form offers.
const LINE_SLOTS: usize = 4;

/// The order form as a browser posts it: lines come as numbered `line_N_field` inputs.
#[derive(Deserialize, Default)]
struct OrderPageForm {
    #[serde(flatten)]
    form: OrderForm,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

impl OrderPageForm {
    fn into_form(self) -> OrderForm {
        let field = |n: usize, name: &str| {
            self.rest
                .get(&format!("line_{n}_{name}"))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let lines = (0..LINE_SLOTS)
            .filter(|&n| field(n, "product").is_some() || field(n, "hcpcs").is_some())
            .map(|n| LineForm {
                product_id: field(n, "product"),
                hcpcs: field(n, "hcpcs"),
                quantity: field(n, "quantity"),
                rent_or_buy: field(n, "rent_or_buy").unwrap_or_default(),
                length_of_need_months: field(n, "length_of_need_months"),
                side: field(n, "side"),
            })
            .collect();
        OrderForm { lines, ..self.form }
    }
}

#[derive(Template)]
#[template(path = "orders/checklist.html")]
struct Checklist {
    reasons: Vec<Reason>,
    blocking: usize,
    errors: FieldErrors,
}

impl Checklist {
    fn html(reasons: Vec<Reason>, errors: FieldErrors) -> String {
        let blocking = reasons.iter().filter(|r| r.severity == "blocking").count();
        Checklist {
            reasons,
            blocking,
            errors,
        }
        .render()
        .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "orders/form.html")]
struct OrderFormPage {
    layout: Layout,
    action: String,
    patient_name: String,
    form: OrderForm,
    errors: FieldErrors,
    prescribers: Vec<PrescriberView>,
    products: Vec<ProductView>,
    slots: Vec<LineForm>,
    checklist: String,
}

impl OrderFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
    fn line_error(&self, line: &usize, field: &str) -> &str {
        field_error(&self.errors, &format!("lines[{line}].{field}"))
    }
}

/// Renders the order form with its choices and the checklist for what is typed so far.
async fn order_form(
    state: &AppState,
    page: &PageActor,
    action: String,
    form: OrderForm,
    errors: FieldErrors,
) -> Response {
    let layout = Layout::new(page, "Order", "/orders");
    let app = &state.app;
    let patient_name = match form.patient_id.parse::<PatientId>() {
        Ok(id) => match durable_app::patients::chart(app, &page.actor, id).await {
            Ok(chart) => format!("{} {}", chart.given_name, chart.family_name),
            Err(err) => return error_page(err, Some(layout)),
        },
        Err(_) => return not_found("patient", page),
    };
    let prescribers = match directory::search_prescribers(app, &page.actor, "", 0).await {
        Ok((items, _)) => items,
        Err(err) => return error_page(err, Some(layout)),
    };
    let products = match catalog::product_choices(app, &page.actor).await {
        Ok(items) => items,
        Err(err) => return error_page(err, Some(layout)),
    };
    let checklist = match orders::preview(app, &page.actor, &form).await {
        Ok(reasons) => Checklist::html(reasons, FieldErrors::new()),
        Err(AppError::Invalid(e)) => Checklist::html(Vec::new(), e),
        Err(err) => return error_page(err, Some(layout)),
    };
    let mut slots = form.lines.clone();
    slots.resize(LINE_SLOTS.max(slots.len()), LineForm::default());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &OrderFormPage {
            layout,
            action,
            patient_name,
            form,
            errors,
            prescribers,
            products,
            slots,
            checklist,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
struct NewParams {
    #[serde(default)]
    patient_id: String,
}

async fn new_order(
    State(state): State<AppState>,
    page: PageActor,
    Query(params): Query<NewParams>,
) -> Response {
    if let Err(err) = page.actor.require(Permission::OrderWrite) {
        return error_page(err, Some(Layout::new(&page, "Order", "/orders")));
    }
    let today = state.app.clock.today().to_string();
    let form = OrderForm {
        patient_id: params.patient_id,
        order_date: today,
        delivery_preference: "deliver".into(),
        ..OrderForm::default()
    };
    order_form(&state, &page, "/orders".into(), form, FieldErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<OrderPageForm>,
) -> Response {
    let form = form.into_form();
    match orders::place(&state.app, &page.actor, &form).await {
        Ok(id) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            order_form(&state, &page, "/orders".into(), form, errors).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

/// The live checklist: htmx posts the form as it is filled in and swaps in this fragment.
async fn check(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<OrderPageForm>,
) -> Response {
    let form = form.into_form();
    match orders::preview(&state.app, &page.actor, &form).await {
        Ok(reasons) => Html(Checklist::html(reasons, FieldErrors::new())).into_response(),
        Err(AppError::Invalid(errors)) => Html(Checklist::html(Vec::new(), errors)).into_response(),
        Err(err) => error_page(err, None),
    }
}

#[derive(Template)]
#[template(path = "orders/order.html")]
struct OrderPage {
    layout: Layout,
    order: OrderView,
    can_edit: bool,
    can_override: bool,
    kinds: Vec<(&'static str, &'static str)>,
    max_mb: usize,
    today: String,
    upload_error: String,
}

impl OrderPage {
    /// Lines held for prior authorization, with the code and rent-or-buy to request it for.
    fn prior_auth_lines(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for reason in self
            .order
            .reasons
            .iter()
            .filter(|r| r.id.starts_with("PA-"))
        {
            if let Some(line) = reason.line.and_then(|n| self.order.lines.get(n - 1)) {
                let entry = (line.hcpcs.clone(), line.rent_or_buy.clone());
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
        }
        out
    }

    fn needs_eligibility(&self) -> bool {
        self.order
            .reasons
            .iter()
            .any(|r| r.id.starts_with("ELIGIBILITY"))
    }
}

async fn show_order(
    state: &AppState,
    page: &PageActor,
    id: OrderId,
    upload_error: String,
) -> Response {
    let layout = Layout::new(page, "Order", "/orders");
    let status = if upload_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match orders::order(&state.app, &page.actor, id).await {
        Ok(order) => render(
            &OrderPage {
                layout,
                order,
                can_edit: page.actor.can(Permission::OrderWrite),
                can_override: page.actor.can(Permission::OrderOverride),
                kinds: DocumentKind::ALL
                    .iter()
                    .map(|k| (k.as_str(), k.label()))
                    .collect(),
                max_mb: MAX_DOCUMENT_BYTES / 1024 / 1024,
                today: state.app.clock.today().to_string(),
                upload_error,
            },
            status,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn show(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    show_order(&state, &page, id, String::new()).await
}

async fn edit(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    if let Err(err) = page.actor.require(Permission::OrderWrite) {
        return error_page(err, Some(Layout::new(&page, "Order", "/orders")));
    }
    match orders::edit_form(&state.app, &page.actor, id).await {
        Ok(form) => {
            order_form(
                &state,
                &page,
                format!("/orders/{id}"),
                form,
                FieldErrors::new(),
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<OrderPageForm>,
) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    let form = form.into_form();
    match orders::update(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => {
            order_form(&state, &page, format!("/orders/{id}"), form, errors).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

#[derive(Deserialize, Default)]
struct OverrideForm {
    #[serde(default)]
    reason: String,
}

async fn override_hold(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<OverrideForm>,
) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    match orders::override_hold(&state.app, &page.actor, id, &form.reason).await {
        Ok(()) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

async fn record_abn(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<orders::AbnForm>,
) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    match orders::record_abn(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => show_order(&state, &page, id, sentences(&errors)).await,
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

async fn cancel(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<OverrideForm>,
) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    match orders::cancel(&state.app, &page.actor, id, &form.reason).await {
        Ok(()) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

/// Field problems as one message, for forms shown at the top of the order page.
fn sentences(errors: &FieldErrors) -> String {
    errors
        .errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the upload's fields; a malformed multipart body is the person's to fix.
async fn read_upload(mut multipart: Multipart) -> Result<(UploadForm, Vec<u8>), String> {
    let mut form = UploadForm::default();
    let mut bytes = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(format!(
                    "The file is larger than {} MB.",
                    MAX_DOCUMENT_BYTES / 1024 / 1024
                ));
            }
            Err(_) => return Err("The upload did not arrive whole; try again.".into()),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            form.file_name = field.file_name().map(str::to_owned);
        }
        let data = field.bytes().await.map_err(|err| {
            if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "The file is larger than {} MB.",
                    MAX_DOCUMENT_BYTES / 1024 / 1024
                )
            } else {
                "The upload did not arrive whole; try again.".into()
            }
        })?;
        match name.as_str() {
            "file" => bytes = data.to_vec(),
            "kind" => form.kind = String::from_utf8_lossy(&data).into_owned(),
            "document_date" => {
                form.document_date = Some(String::from_utf8_lossy(&data).into_owned())
            }
            _ => {}
        }
    }
    Ok((form, bytes))
}

async fn upload(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let Ok(id) = id.parse::<OrderId>() else {
        return not_found("order", &page);
    };
    let (form, bytes) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(message) => return show_order(&state, &page, id, message).await,
    };
    match documents::upload(&state.app, &page.actor, id, &form, &bytes).await {
        Ok(_) => Redirect::to(&format!("/orders/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => show_order(&state, &page, id, sentences(&errors)).await,
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

async fn view_document(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<DocumentId>() else {
        return not_found("document", &page);
    };
    match documents::content(&state.app, &page.actor, id).await {
        Ok(content) => {
            let disposition = format!(
                "inline; filename=\"{}\"",
                content.file_name.replace(['"', '\\'], "_")
            );
            (
                [
                    (header::CONTENT_TYPE, content.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                content.bytes,
            )
                .into_response()
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Document", "/orders"))),
    }
}

#[derive(Deserialize, Default)]
struct MarkForm {
    #[serde(default)]
    requirement: String,
}

async fn mark(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<MarkForm>,
) -> Response {
    let Ok(id) = id.parse::<DocumentId>() else {
        return not_found("document", &page);
    };
    match documents::mark(&state.app, &page.actor, id, &form.requirement).await {
        Ok(order) => Redirect::to(&format!("/orders/{order}")).into_response(),
        Err(err) => error_page(err, Some(Layout::new(&page, "Order", "/orders"))),
    }
}

#[derive(Deserialize, Default)]
struct ReturnTo {
    #[serde(default)]
    r#return: String,
}

async fn record_eligibility(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Query(back): Query<ReturnTo>,
    Form(form): Form<EligibilityForm>,
) -> Response {
    let Ok(id) = id.parse::<CoverageId>() else {
        return not_found("coverage", &page);
    };
    match coverages::record_eligibility(&state.app, &page.actor, id, &form).await {
        // Only our own pages are places to go back to.
        Ok(patient) => {
            let target = if back.r#return.starts_with("/orders/") && !back.r#return.contains("//") {
                back.r#return
            } else {
                format!("/patients/{patient}?tab=insurance")
            };
            Redirect::to(&target).into_response()
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Eligibility", "/orders"))),
    }
}
