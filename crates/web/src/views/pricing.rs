//! Pricing pages: price options per payer or plan and HCPCS code, the allowed-amount lookup and
//! the history of fee schedule imports (files are loaded through the CLI or the API).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use durable_app::directory::{self, PayerView};
use durable_app::pricing::{
    self, Allowed, AllowedQuery, BandForm, FeeScheduleImportView, PriceOptionForm, PriceOptionView,
};
use durable_app::{AppError, Permission};
use durable_domain::ids::PriceOptionId;
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/pricing", get(index))
        .route("/pricing/allowed", get(allowed))
        .route("/pricing/options", axum::routing::post(create))
        .route("/pricing/options/new", get(new_option))
        .route("/pricing/options/{id}", axum::routing::post(update))
        .route("/pricing/options/{id}/edit", get(edit))
}

const TITLE: &str = "Pricing";
const SECTION: &str = "/pricing";

#[derive(Deserialize, Default)]
struct Filter {
    #[serde(default)]
    payer_id: String,
    #[serde(default)]
    hcpcs: String,
}

#[derive(Template)]
#[template(path = "pricing/index.html")]
struct IndexPage {
    layout: Layout,
    filter: Filter,
    payers: Vec<PayerView>,
    options: Vec<PriceOptionView>,
    imports: Vec<FeeScheduleImportView>,
    can_edit: bool,
}

async fn index(
    State(state): State<AppState>,
    page: PageActor,
    Query(filter): Query<Filter>,
) -> Response {
    let layout = Layout::new(&page, TITLE, SECTION);
    let app = &state.app;
    let actor = &page.actor;
    let loaded = async {
        let options =
            pricing::price_options(app, actor, Some(&filter.payer_id), Some(&filter.hcpcs)).await?;
        let imports = pricing::fee_schedule_imports(app, actor).await?;
        let payers = directory::payers(app, actor).await?;
        Ok::<_, AppError>((options, imports, payers))
    };
    match loaded.await {
        Ok((options, imports, payers)) => render(
            &IndexPage {
                layout,
                filter,
                payers,
                options,
                imports,
                can_edit: actor.can(Permission::PricingWrite),
            },
            StatusCode::OK,
        ),
        Err(err) => error_page(err, Some(layout)),
    }
}

#[derive(Template)]
#[template(path = "pricing/allowed.html")]
struct AllowedPage {
    layout: Layout,
    query: AllowedQuery,
    payers: Vec<PayerView>,
    answer: Option<Allowed>,
    errors: FieldErrors,
}

impl AllowedPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }
}

async fn allowed(
    State(state): State<AppState>,
    page: PageActor,
    Query(query): Query<AllowedQuery>,
) -> Response {
    let layout = Layout::new(&page, "Allowed amount", SECTION);
    let payers = match directory::payers(&state.app, &page.actor).await {
        Ok(payers) => payers,
        Err(err) => return error_page(err, Some(layout)),
    };
    // The empty form asks nothing yet; a filled one is answered.
    let (answer, errors) = if query.payer_id.is_empty() && query.hcpcs.is_empty() {
        if let Err(err) = page.actor.require(Permission::PricingRead) {
            return error_page(err, Some(layout));
        }
        (None, FieldErrors::new())
    } else {
        match pricing::allowed_amount(&state.app, &page.actor, &query).await {
            Ok(answer) => (Some(answer), FieldErrors::new()),
            Err(AppError::Invalid(errors)) => (None, errors),
            Err(err) => return error_page(err, Some(layout)),
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &AllowedPage {
            layout,
            query,
            payers,
            answer,
            errors,
        },
        status,
    )
}

/// Band rows the form offers (bands beyond them can be sent through the API).
const BAND_SLOTS: usize = 6;

/// The option form as a browser posts it: bands come as numbered `from_month_N`, `to_month_N`,
/// `modifiers_N` and `amount_N` fields, folded here into the app's list; blank rows are unused.
#[derive(Deserialize, Default)]
struct OptionPageForm {
    #[serde(flatten)]
    form: PriceOptionForm,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

impl OptionPageForm {
    fn into_form(self) -> PriceOptionForm {
        let field = |name: &str, slot: usize| {
            self.rest
                .get(&format!("{name}_{slot}"))
                .cloned()
                .unwrap_or_default()
        };
        let bands = (0..BAND_SLOTS)
            .map(|slot| BandForm {
                from_month: field("from_month", slot),
                to_month: Some(field("to_month", slot)),
                modifiers: field("modifiers", slot),
                amount: field("amount", slot),
            })
            .filter(|band| !band.is_blank())
            .collect();
        PriceOptionForm { bands, ..self.form }
    }
}

#[derive(Template)]
#[template(path = "pricing/option_form.html")]
struct OptionFormPage {
    layout: Layout,
    action: String,
    form: PriceOptionForm,
    bands: Vec<BandForm>,
    payers: Vec<PayerView>,
    errors: FieldErrors,
}

impl OptionFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }

    fn band_error(&self, slot: &usize, field: &str) -> &str {
        let name = format!("bands[{slot}].{field}");
        let exact = field_error(&self.errors, &name);
        if exact.is_empty() {
            // A modifier's own error (`bands[0].modifiers[1]`) is shown on the row's modifiers.
            self.errors
                .errors
                .iter()
                .find(|e| e.field.starts_with(&format!("{name}[")))
                .map_or("", |e| e.message.as_str())
        } else {
            exact
        }
    }
}

async fn option_form(
    state: &AppState,
    page: &PageActor,
    action: String,
    form: PriceOptionForm,
    errors: FieldErrors,
) -> Response {
    let layout = Layout::new(page, "Price option", SECTION);
    if let Err(err) = page.actor.require(Permission::PricingWrite) {
        return error_page(err, Some(layout));
    }
    let payers = match directory::payers(&state.app, &page.actor).await {
        Ok(payers) => payers
            .into_iter()
            .filter(|p| p.kind != "medicare")
            .collect(),
        Err(err) => return error_page(err, Some(layout)),
    };
    let mut bands = form.bands.clone();
    bands.resize(BAND_SLOTS.max(bands.len()), BandForm::default());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &OptionFormPage {
            layout,
            action,
            form,
            bands,
            payers,
            errors,
        },
        status,
    )
}

async fn new_option(State(state): State<AppState>, page: PageActor) -> Response {
    let form = PriceOptionForm {
        kind: "rental".into(),
        ..PriceOptionForm::default()
    };
    option_form(
        &state,
        &page,
        "/pricing/options".into(),
        form,
        FieldErrors::new(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<OptionPageForm>,
) -> Response {
    let form = form.into_form();
    match pricing::create_price_option(&state.app, &page.actor, &form).await {
        Ok(_) => Redirect::to(&format!("/pricing?payer_id={}", form.payer_id)).into_response(),
        Err(AppError::Invalid(errors)) => {
            option_form(&state, &page, "/pricing/options".into(), form, errors).await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, TITLE, SECTION))),
    }
}

async fn edit(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<PriceOptionId>() else {
        return not_found("price option", &page);
    };
    if let Err(err) = page.actor.require(Permission::PricingWrite) {
        return error_page(err, Some(Layout::new(&page, TITLE, SECTION)));
    }
    match pricing::price_option(&state.app, &page.actor, id).await {
        Ok(view) => {
            let action = format!("/pricing/options/{id}");
            option_form(
                &state,
                &page,
                action,
                PriceOptionForm::from(&view),
                FieldErrors::new(),
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, TITLE, SECTION))),
    }
}

async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<OptionPageForm>,
) -> Response {
    let Ok(id) = id.parse::<PriceOptionId>() else {
        return not_found("price option", &page);
    };
    let form = form.into_form();
    match pricing::update_price_option(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/pricing?payer_id={}", form.payer_id)).into_response(),
        Err(AppError::Invalid(errors)) => {
            option_form(
                &state,
                &page,
                format!("/pricing/options/{id}"),
                form,
                errors,
            )
            .await
        }
        Err(err) => error_page(err, Some(Layout::new(&page, TITLE, SECTION))),
    }
}
