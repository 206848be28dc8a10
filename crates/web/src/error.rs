//! How failures become responses.
//!
//! Policy: a person always gets a message they can act on, and never SQL, stack traces or PHI.
//! Bad input is 422 with a message per field (400 for unreadable bodies, 413 for oversized ones);
//! a missing login is 401 (pages redirect to the login form); a role without the permission is
//! 403; a missing record is 404; a conflict with existing data is 409. Only faults the user cannot
//! cause are 500, logged with a request id that the response shows.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use durable_app::AppError;
use durable_domain::validation::{FieldError, FieldErrors};
use serde::Serialize;

/// The one JSON error shape: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code (`invalid`, `forbidden`, `not_found` …).
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Per-field problems (empty unless the input was invalid).
    pub fields: Vec<FieldProblem>,
}

/// One field's problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field's name.
    pub field: String,
    /// What to fix.
    pub message: String,
}

impl From<FieldError> for FieldProblem {
    fn from(e: FieldError) -> Self {
        FieldProblem {
            field: e.field,
            message: e.message,
        }
    }
}

/// Status, code and message for an app error; logs internal ones with a fresh request id.
pub(crate) fn classify(err: AppError) -> (StatusCode, &'static str, String, Vec<FieldProblem>) {
    match err {
        AppError::Unauthenticated(message) => {
            (StatusCode::UNAUTHORIZED, "unauthenticated", message, vec![])
        }
        AppError::Forbidden(permission) => (
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("Your role does not allow {}.", permission.describe()),
            vec![],
        ),
        AppError::NotFound(what) => (
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No such {what}."),
            vec![],
        ),
        AppError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Some fields need attention.".into(),
            errors.errors.into_iter().map(FieldProblem::from).collect(),
        ),
        AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message, vec![]),
        AppError::Internal(detail) => {
            // Logged inside the request's span, which carries the request id.
            tracing::error!(%detail, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                internal_message(),
                vec![],
            )
        }
    }
}

/// What a person is told about a fault on our side: the request id to quote.
pub(crate) fn internal_message() -> String {
    let id = crate::observe::request_id().unwrap_or_else(|| "unknown".into());
    format!("Something went wrong on our side; quote request id {id} to your administrator.")
}

/// An error answered as JSON (the API).
#[derive(Debug)]
pub(crate) struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(err: FieldErrors) -> Self {
        ApiError(AppError::Invalid(err))
    }
}

/// A JSON error response with an explicit status and code.
pub(crate) fn json_error(
    status: StatusCode,
    code: &str,
    message: String,
    fields: Vec<FieldProblem>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            fields,
        },
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, fields) = classify(self.0);
        json_error(status, code, message, fields)
    }
}
