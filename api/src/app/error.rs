//! The use-case layer's error: what went wrong, in the terms of the layers below
//! (store, domain, input). It knows no HTTP; `crate::error::ApiError` maps it, once.

use statreq_domain::Refusal;
use statreq_store::StoreError;

use super::InputError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The domain refused a command (a rule, a role, a state).
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// The caller's input is not acceptable.
    #[error("{0}")]
    Input(#[from] InputError),
    /// Not there, or not visible to the caller (never tell which).
    #[error("not found")]
    NotFound,
    /// A fault on our side; the cause is logged where it is mapped, never sent.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// An internal fault with its cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Callers that waited for one computation (the cache) share its error; each gets
/// its own copy, keeping what the HTTP layer maps by (busy stays busy).
impl From<std::sync::Arc<AppError>> for AppError {
    fn from(e: std::sync::Arc<AppError>) -> Self {
        std::sync::Arc::try_unwrap(e).unwrap_or_else(|shared| match &*shared {
            AppError::Store(StoreError::NotFound) | AppError::NotFound => AppError::NotFound,
            AppError::Store(StoreError::Unavailable(cause)) => AppError::Store(StoreError::Unavailable(cause.clone())),
            AppError::Store(StoreError::Full(cause)) => AppError::Store(StoreError::Full(cause.clone())),
            AppError::Store(StoreError::MissingReference(what)) => AppError::Store(StoreError::MissingReference(what.clone())),
            AppError::Store(StoreError::Invalid(what)) => AppError::Store(StoreError::Invalid(what.clone())),
            AppError::Store(StoreError::Placement(e)) => AppError::Store(StoreError::Placement(e.clone())),
            AppError::Store(StoreError::Duplicate(what)) => AppError::Store(StoreError::Duplicate(what.clone())),
            AppError::Store(StoreError::Conflict) => AppError::Store(StoreError::Conflict),
            AppError::Refused(r) => AppError::Refused(r.clone()),
            AppError::Input(i) => AppError::Input(i.clone()),
            other => AppError::Internal(other.to_string()),
        })
    }
}
