//! The administrator's failed-jobs page: background jobs that used up their attempts, with the
//! last error, and a button to run one again once its cause is fixed.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use durable_app::jobs::{self, JobView};
use durable_domain::ids::JobId;

use super::{Layout, error_page, not_found, render};
use crate::AppState;
use crate::session::PageActor;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/jobs", get(failed))
        .route("/admin/jobs/{id}/retry", post(retry))
}

const TITLE: &str = "Failed jobs";

#[derive(Template)]
#[template(path = "admin/jobs.html")]
struct FailedPage {
    layout: Layout,
    jobs: Vec<JobView>,
}

async fn failed(State(state): State<AppState>, page: PageActor) -> Response {
    let layout = Layout::new(&page, TITLE, super::settings::SECTION);
    match jobs::failed(&state.app, &page.actor).await {
        Ok(jobs) => render(&FailedPage { layout, jobs }, StatusCode::OK),
        Err(err) => error_page(err, Some(layout)),
    }
}

async fn retry(State(state): State<AppState>, page: PageActor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<JobId>() else {
        return not_found("job", &page);
    };
    match jobs::retry(&state.app, &page.actor, id).await {
        Ok(()) => Redirect::to("/admin/jobs").into_response(),
        Err(err) => error_page(
            err,
            Some(Layout::new(&page, TITLE, super::settings::SECTION)),
        ),
    }
}
