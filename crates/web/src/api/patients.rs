//! `/api/v1/patients` and `/api/v1/coverages`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use durable_app::AppError;
use durable_app::coverages::{self, CoverageForm, CoverageView};
use durable_app::patients::{self, Created, PatientForm, PatientSummary, PatientView};
use durable_domain::ids::{CoverageId, PatientId};
use serde::Deserialize;

use super::{ApiJson, ApiQuery, Page};
use crate::AppState;
use crate::error::{ApiError, ErrorBody, json_error};
use crate::session::ApiActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients", get(list).post(create))
        .route("/patients/{id}", get(show).put(update))
        .route(
            "/patients/{id}/coverages",
            get(list_coverages).post(add_coverage),
        )
        .route("/coverages/{id}", get(show_coverage).put(update_coverage))
}

/// Search parameters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListParams {
    /// Name prefix ("smith" or "smith, jo"), date of birth, MBI or phone.
    q: Option<String>,
    /// The `next` value of the previous page.
    #[serde(default, deserialize_with = "crate::paging::offset")]
    #[param(value_type = Option<String>)]
    cursor: u64,
}

fn patient_id(text: &str) -> Result<PatientId, ApiError> {
    text.parse()
        .map_err(|_| ApiError(AppError::NotFound("patient")))
}

fn coverage_id(text: &str) -> Result<CoverageId, ApiError> {
    text.parse()
        .map_err(|_| ApiError(AppError::NotFound("coverage")))
}

/// Searches patients.
#[utoipa::path(get, path = "/api/v1/patients", params(ListParams), tag = "patients",
    responses((status = 200, body = Page<PatientSummary>), (status = 403, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<PatientSummary>>, ApiError> {
    let found = patients::search(
        &state.app,
        &actor,
        params.q.as_deref().unwrap_or(""),
        params.cursor,
    )
    .await?;
    Ok(Page::new(found.items, found.next))
}

/// Creates a patient. A patient with the same name and date of birth answers 409 unless
/// `confirm_new` is "true".
#[utoipa::path(post, path = "/api/v1/patients", request_body = PatientForm, tag = "patients",
    responses((status = 201, body = PatientView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(form): ApiJson<PatientForm>,
) -> Result<Response, ApiError> {
    match patients::create(&state.app, &actor, &form, None).await? {
        Created::Patient(id) => {
            let view = patients::chart(&state.app, &actor, id).await?;
            Ok((StatusCode::CREATED, Json(view)).into_response())
        }
        Created::PossibleDuplicates(matches) => {
            let ids: Vec<String> = matches.iter().map(|m| m.id.to_string()).collect();
            Ok(json_error(
                StatusCode::CONFLICT,
                "possible_duplicate",
                format!(
                    "A patient with the same name and date of birth exists ({}). Send \"confirm_new\": \"true\" to create a new patient anyway.",
                    ids.join(", ")
                ),
                vec![],
            ))
        }
    }
}

/// Reads a patient's chart (fields depend on the token's role).
#[utoipa::path(get, path = "/api/v1/patients/{id}", tag = "patients",
    responses((status = 200, body = PatientView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<PatientView>, ApiError> {
    Ok(Json(
        patients::chart(&state.app, &actor, patient_id(&id)?).await?,
    ))
}

/// Replaces a patient's demographics.
#[utoipa::path(put, path = "/api/v1/patients/{id}", request_body = PatientForm, tag = "patients",
    responses((status = 200, body = PatientView), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<PatientForm>,
) -> Result<Json<PatientView>, ApiError> {
    let id = patient_id(&id)?;
    patients::update(&state.app, &actor, id, &form).await?;
    Ok(Json(patients::chart(&state.app, &actor, id).await?))
}

/// A patient's coverages.
#[utoipa::path(get, path = "/api/v1/patients/{id}/coverages", tag = "coverages",
    responses((status = 200, body = Page<CoverageView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_coverages(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<Page<CoverageView>>, ApiError> {
    let items = coverages::list(&state.app, &actor, patient_id(&id)?).await?;
    Ok(Page::new(items, None::<String>))
}

/// Adds a coverage to a patient.
#[utoipa::path(post, path = "/api/v1/patients/{id}/coverages", request_body = CoverageForm, tag = "coverages",
    responses((status = 201, body = CoverageView), (status = 422, body = ErrorBody)))]
pub(super) async fn add_coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<CoverageForm>,
) -> Result<Response, ApiError> {
    let id = coverages::add(&state.app, &actor, patient_id(&id)?, &form).await?;
    Ok((
        StatusCode::CREATED,
        Json(coverages::get(&state.app, &actor, id).await?),
    )
        .into_response())
}

/// Reads a coverage.
#[utoipa::path(get, path = "/api/v1/coverages/{id}", tag = "coverages",
    responses((status = 200, body = CoverageView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<CoverageView>, ApiError> {
    Ok(Json(
        coverages::get(&state.app, &actor, coverage_id(&id)?).await?,
    ))
}

/// Replaces a coverage.
#[utoipa::path(put, path = "/api/v1/coverages/{id}", request_body = CoverageForm, tag = "coverages",
    responses((status = 200, body = CoverageView), (status = 422, body = ErrorBody)))]
pub(super) async fn update_coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<CoverageForm>,
) -> Result<Json<CoverageView>, ApiError> {
    let id = coverage_id(&id)?;
    coverages::update(&state.app, &actor, id, &form).await?;
    Ok(Json(coverages::get(&state.app, &actor, id).await?))
}
