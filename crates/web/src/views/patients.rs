//! Patient pages: search, intake form, chart with tabs, editing, and coverages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use durable_app::coverages::{self, CoverageForm, CoverageView};
use durable_app::directory::{self, PayerView};
use durable_app::patients::{self, Created, PatientForm, PatientSummary, PatientView};
use durable_app::{AppError, AppResult, Permission};
use durable_domain::codes::US_STATES;
use durable_domain::ids::{CoverageId, PatientId};
use durable_domain::people::{CoveragePriority, PreferredContact, Sex, SubscriberRelationship};
use durable_domain::validation::FieldErrors;
use serde::Deserialize;

use super::{Layout, error_page, field_error, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients", get(search).post(create))
        .route("/patients/new", get(new_form))
        .route("/patients/{id}", get(chart).post(update))
        .route("/patients/{id}/edit", get(edit_form))
        .route(
            "/patients/{id}/coverages",
            axum::routing::post(add_coverage),
        )
        .route("/patients/{id}/coverages/new", get(new_coverage))
        .route("/coverages/{id}", axum::routing::post(update_coverage))
        .route("/coverages/{id}/edit", get(edit_coverage))
}

#[derive(Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "crate::paging::offset")]
    offset: u64,
}

#[derive(Template)]
#[template(path = "patients/search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    results: ResultsPartial,
    can_add: bool,
}

#[derive(Template)]
#[template(path = "patients/results.html")]
struct ResultsPartial {
    q: String,
    searched: bool,
    items: Vec<PatientSummary>,
    next: Option<u64>,
}

async fn search(
    State(state): State<AppState>,
    page: PageActor,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Response {
    let layout = Layout::new(&page, "Patients", "/patients");
    let found = match patients::search(&state.app, &page.actor, &params.q, params.offset).await {
        Ok(found) => found,
        Err(err) => return error_page(err, Some(layout)),
    };
    let results = ResultsPartial {
        q: params.q.clone(),
        searched: !params.q.trim().is_empty(),
        items: found.items,
        next: found.next,
    };
    // htmx asks for just the results as the user types; restoring history needs the whole page.
    if headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request") {
        return render(&results, StatusCode::OK);
    }
    render(
        &SearchPage {
            layout,
            q: params.q,
            results,
            can_add: page.actor.can(Permission::PatientWrite),
        },
        StatusCode::OK,
    )
}

/// The initial coverage section of the intake form, its fields prefixed `coverage_`.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct InitialCoverage {
    coverage_payer_id: String,
    coverage_plan_id: Option<String>,
    coverage_member_id: String,
    coverage_group_number: Option<String>,
    coverage_relationship: Option<String>,
    coverage_subscriber_name: Option<String>,
    coverage_priority: String,
    coverage_effective_date: String,
    coverage_termination_date: Option<String>,
}

impl InitialCoverage {
    fn form(&self) -> CoverageForm {
        CoverageForm {
            payer_id: self.coverage_payer_id.clone(),
            plan_id: self.coverage_plan_id.clone(),
            member_id: self.coverage_member_id.clone(),
            group_number: self.coverage_group_number.clone(),
            relationship: self.coverage_relationship.clone(),
            subscriber_name: self.coverage_subscriber_name.clone(),
            priority: self.coverage_priority.clone(),
            effective_date: self.coverage_effective_date.clone(),
            termination_date: self.coverage_termination_date.clone(),
        }
    }
}

#[derive(Deserialize, Default)]
struct NewPatientForm {
    #[serde(flatten)]
    patient: PatientForm,
    #[serde(flatten)]
    coverage: InitialCoverage,
}

/// Choices shown in the patient and coverage forms.
struct Choices {
    states: &'static [&'static str],
    sexes: &'static [Sex],
    contacts: &'static [PreferredContact],
    priorities: &'static [CoveragePriority],
    relationships: &'static [SubscriberRelationship],
    payers: Vec<PayerView>,
}

async fn choices(state: &AppState, page: &PageActor) -> AppResult<Choices> {
    let payers = if page.actor.can(Permission::CoverageWrite) {
        directory::payers(&state.app, &page.actor).await?
    } else {
        Vec::new()
    };
    Ok(Choices {
        states: &US_STATES,
        sexes: Sex::ALL,
        contacts: PreferredContact::ALL,
        priorities: CoveragePriority::ALL,
        relationships: SubscriberRelationship::ALL,
        payers,
    })
}

#[derive(Template)]
#[template(path = "patients/form.html")]
struct PatientFormPage {
    layout: Layout,
    action: String,
    is_new: bool,
    form: PatientForm,
    coverage: CoverageForm,
    errors: FieldErrors,
    duplicates: Vec<PatientSummary>,
    choices: Choices,
    show_clinical: bool,
    show_insurance: bool,
}

impl PatientFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }

    /// The intake form for a new patient, with its optional first coverage.
    async fn intake(
        state: &AppState,
        page: &PageActor,
        form: PatientForm,
        coverage: CoverageForm,
        errors: FieldErrors,
        duplicates: Vec<PatientSummary>,
    ) -> AppResult<Self> {
        Ok(PatientFormPage {
            layout: Layout::new(page, "New patient", "/patients"),
            action: "/patients".into(),
            is_new: true,
            form,
            coverage,
            errors,
            duplicates,
            choices: choices(state, page).await?,
            show_clinical: page.actor.can(Permission::ClinicalRead),
            show_insurance: page.actor.can(Permission::CoverageWrite),
        })
    }

    /// The form for changing a patient's demographics.
    async fn edit(
        state: &AppState,
        page: &PageActor,
        id: PatientId,
        form: PatientForm,
        errors: FieldErrors,
    ) -> AppResult<Self> {
        Ok(PatientFormPage {
            layout: Layout::new(page, "Edit patient", "/patients"),
            action: format!("/patients/{id}"),
            is_new: false,
            form,
            coverage: CoverageForm::default(),
            errors,
            duplicates: Vec::new(),
            choices: choices(state, page).await?,
            show_clinical: page.actor.can(Permission::ClinicalRead),
            show_insurance: false,
        })
    }
}

/// Renders a page that may have failed to assemble.
fn render_or_error(page: AppResult<impl Template>, status: StatusCode, layout: Layout) -> Response {
    match page {
        Ok(page) => render(&page, status),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn new_form(State(state): State<AppState>, page: PageActor) -> Response {
    if let Err(err) = page.actor.require(Permission::PatientWrite) {
        return error_page(err, Some(Layout::new(&page, "New patient", "/patients")));
    }
    let coverage = CoverageForm {
        priority: "primary".into(),
        ..CoverageForm::default()
    };
    let form = PatientForm::default();
    let intake = PatientFormPage::intake(
        &state,
        &page,
        form,
        coverage,
        FieldErrors::new(),
        Vec::new(),
    )
    .await;
    render_or_error(
        intake,
        StatusCode::OK,
        Layout::new(&page, "New patient", "/patients"),
    )
}

async fn create(
    State(state): State<AppState>,
    page: PageActor,
    Form(form): Form<NewPatientForm>,
) -> Response {
    let coverage = form.coverage.form();
    let first_coverage = (!coverage.is_blank()).then_some(&coverage);
    let result = patients::create(&state.app, &page.actor, &form.patient, first_coverage).await;
    let (errors, duplicates, status) = match result {
        Ok(Created::Patient(id)) => {
            return Redirect::to(&format!("/patients/{id}")).into_response();
        }
        Ok(Created::PossibleDuplicates(matches)) => {
            (FieldErrors::new(), matches, StatusCode::CONFLICT)
        }
        Err(AppError::Invalid(errors)) => (errors, Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
        Err(err) => return error_page(err, Some(Layout::new(&page, "New patient", "/patients"))),
    };
    let intake =
        PatientFormPage::intake(&state, &page, form.patient, coverage, errors, duplicates).await;
    render_or_error(
        intake,
        status,
        Layout::new(&page, "New patient", "/patients"),
    )
}

#[derive(Deserialize, Default)]
struct ChartParams {
    #[serde(default)]
    tab: String,
}

#[derive(Template)]
#[template(path = "patients/chart.html")]
struct ChartPage {
    layout: Layout,
    patient: PatientView,
    tab: String,
    can_edit: bool,
    can_add_coverage: bool,
    can_order: bool,
    orders: Vec<durable_app::orders::OrderSummary>,
}

async fn chart(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Query(params): Query<ChartParams>,
) -> Response {
    let Ok(id) = id.parse::<PatientId>() else {
        return not_found("patient", &page);
    };
    match patients::chart(&state.app, &page.actor, id).await {
        Ok(patient) => {
            // Only roles that may read orders see them; reading them is its own audited read.
            let orders = if page.actor.can(Permission::OrderRead) {
                match durable_app::orders::for_patient(&state.app, &page.actor, id).await {
                    Ok(orders) => orders,
                    Err(err) => return error_page(err, None),
                }
            } else {
                Vec::new()
            };
            let tab = match params.tab.as_str() {
                "insurance" if patient.coverages.is_some() => "insurance",
                "diagnoses" if patient.diagnoses.is_some() => "diagnoses",
                "orders" if page.actor.can(Permission::OrderRead) => "orders",
                _ => "overview",
            };
            render(
                &ChartPage {
                    layout: Layout::new(
                        &page,
                        format!("{}, {}", patient.family_name, patient.given_name),
                        "/patients",
                    ),
                    patient,
                    tab: tab.to_owned(),
                    can_edit: page.actor.can(Permission::PatientWrite),
                    can_add_coverage: page.actor.can(Permission::CoverageWrite),
                    can_order: page.actor.can(Permission::OrderWrite),
                    orders,
                },
                StatusCode::OK,
            )
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Patient", "/patients"))),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<PatientId>() else {
        return not_found("patient", &page);
    };
    match patients::edit_form(&state.app, &page.actor, id).await {
        Ok(form) => render_or_error(
            PatientFormPage::edit(&state, &page, id, form, FieldErrors::new()).await,
            StatusCode::OK,
            Layout::new(&page, "Edit patient", "/patients"),
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "Edit patient", "/patients"))),
    }
}

async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<PatientForm>,
) -> Response {
    let Ok(id) = id.parse::<PatientId>() else {
        return not_found("patient", &page);
    };
    match patients::update(&state.app, &page.actor, id, &form).await {
        Ok(()) => Redirect::to(&format!("/patients/{id}")).into_response(),
        Err(AppError::Invalid(errors)) => render_or_error(
            PatientFormPage::edit(&state, &page, id, form, errors).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::new(&page, "Edit patient", "/patients"),
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "Edit patient", "/patients"))),
    }
}

#[derive(Template)]
#[template(path = "patients/coverage_form.html")]
struct CoverageFormPage {
    layout: Layout,
    action: String,
    back: String,
    coverage: CoverageForm,
    errors: FieldErrors,
    choices: Choices,
}

impl CoverageFormPage {
    fn error(&self, field: &str) -> &str {
        field_error(&self.errors, field)
    }

    /// A coverage form posting to `action`; `back` is where Cancel goes.
    async fn new(
        state: &AppState,
        page: &PageActor,
        title: &str,
        [action, back]: [String; 2],
        coverage: CoverageForm,
        errors: FieldErrors,
    ) -> AppResult<Self> {
        Ok(CoverageFormPage {
            layout: Layout::new(page, title, "/patients"),
            action,
            back,
            coverage,
            errors,
            choices: choices(state, page).await?,
        })
    }
}

async fn new_coverage(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<PatientId>() else {
        return not_found("patient", &page);
    };
    if let Err(err) = page.actor.require(Permission::CoverageWrite) {
        return error_page(err, Some(Layout::new(&page, "New coverage", "/patients")));
    }
    let coverage = CoverageForm {
        priority: "primary".into(),
        ..CoverageForm::default()
    };
    let links = [
        format!("/patients/{id}/coverages"),
        format!("/patients/{id}?tab=insurance"),
    ];
    render_or_error(
        CoverageFormPage::new(
            &state,
            &page,
            "New coverage",
            links,
            coverage,
            FieldErrors::new(),
        )
        .await,
        StatusCode::OK,
        Layout::new(&page, "New coverage", "/patients"),
    )
}

async fn add_coverage(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<InitialCoverage>,
) -> Response {
    let Ok(id) = id.parse::<PatientId>() else {
        return not_found("patient", &page);
    };
    let form = form.form();
    match coverages::add(&state.app, &page.actor, id, &form).await {
        Ok(_) => Redirect::to(&format!("/patients/{id}?tab=insurance")).into_response(),
        Err(AppError::Invalid(errors)) => render_or_error(
            CoverageFormPage::new(
                &state,
                &page,
                "New coverage",
                [
                    format!("/patients/{id}/coverages"),
                    format!("/patients/{id}?tab=insurance"),
                ],
                form,
                prefixed(errors),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::new(&page, "New coverage", "/patients"),
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "New coverage", "/patients"))),
    }
}

/// The standalone coverage form uses the intake form's `coverage_` field names, so one
/// template serves both; the app reports the unprefixed names.
fn prefixed(mut errors: FieldErrors) -> FieldErrors {
    for error in &mut errors.errors {
        error.field.insert_str(0, "coverage_");
    }
    errors
}

fn coverage_form_of(view: CoverageView) -> CoverageForm {
    CoverageForm {
        payer_id: view.payer_id.to_string(),
        plan_id: view.plan_id.map(|p| p.to_string()),
        member_id: view.member_id,
        group_number: view.group_number,
        relationship: Some(view.relationship),
        subscriber_name: view.subscriber_name,
        priority: view.priority,
        effective_date: view.effective_date.to_string(),
        termination_date: view.termination_date.map(|d| d.to_string()),
    }
}

async fn edit_coverage(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<CoverageId>() else {
        return not_found("coverage", &page);
    };
    if let Err(err) = page.actor.require(Permission::CoverageWrite) {
        return error_page(err, Some(Layout::new(&page, "Edit coverage", "/patients")));
    }
    match coverages::get(&state.app, &page.actor, id).await {
        Ok(view) => {
            let back = format!("/patients/{}?tab=insurance", view.patient_id);
            render_or_error(
                CoverageFormPage::new(
                    &state,
                    &page,
                    "Edit coverage",
                    [format!("/coverages/{id}"), back],
                    coverage_form_of(view),
                    FieldErrors::new(),
                )
                .await,
                StatusCode::OK,
                Layout::new(&page, "Edit coverage", "/patients"),
            )
        }
        Err(err) => error_page(err, Some(Layout::new(&page, "Edit coverage", "/patients"))),
    }
}

async fn update_coverage(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<String>,
    Form(form): Form<InitialCoverage>,
) -> Response {
    let Ok(id) = id.parse::<CoverageId>() else {
        return not_found("coverage", &page);
    };
    let form = form.form();
    match coverages::update(&state.app, &page.actor, id, &form).await {
        // The patient's id comes back with the update, so no second (audited) read is needed.
        Ok(patient) => Redirect::to(&format!("/patients/{patient}?tab=insurance")).into_response(),
        Err(AppError::Invalid(errors)) => render_or_error(
            CoverageFormPage::new(
                &state,
                &page,
                "Edit coverage",
                [format!("/coverages/{id}"), "/patients".into()],
                form,
                prefixed(errors),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::new(&page, "Edit coverage", "/patients"),
        ),
        Err(err) => error_page(err, Some(Layout::new(&page, "Edit coverage", "/patients"))),
    }
}
