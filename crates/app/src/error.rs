//! The app layer's one error type. The web layer maps each variant to a status code; the
//! messages are written for the person who must act on them and never contain SQL or PHI.

use durable_domain::validation::FieldErrors;
use durable_store::StoreError;

use crate::Permission;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in, or the credentials are wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// The actor's role does not grant the permission.
    #[error("your role does not allow this ({})", .0.describe())]
    Forbidden(Permission),
    /// The record does not exist (or the id is malformed).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input has problems, each tied to a field.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The change conflicts with existing data.
    #[error("{0}")]
    Conflict(String),
    /// Something broke that the user cannot fix; the detail goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The error for the people who run the server (the operator's shell, the administrator's
    /// failed-jobs page): internal details included, field problems joined by `separator`.
    pub fn for_operator(&self, separator: &str) -> String {
        match self {
            AppError::Internal(detail) => format!("internal error: {detail}"),
            AppError::Invalid(errors) => errors
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join(separator),
            other => other.to_string(),
        }
    }
}

/// Shorthand for use-case results.
pub type AppResult<T> = Result<T, AppError>;

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(_) => {
                AppError::Conflict("A record with the same identifier already exists.".into())
            }
            StoreError::MissingReference(_) => {
                AppError::Conflict("A record this one refers to does not exist.".into())
            }
            StoreError::Database(detail) => AppError::Internal(detail),
        }
    }
}
