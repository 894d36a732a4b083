//! The use-case layer, between the HTTP routes and the crates below: loading what a
//! caller may see, building the domain's facts, running a transition, the queue
//! snapshot, files at rest, audit context, reference data. Routes, the worker and
//! the CLI all call here; nothing here knows HTTP (errors are [`AppError`], which
//! `crate::error` maps to problem+json once).

pub mod agencies;
pub mod audit;
pub mod backup;
pub mod cache;
pub mod checkpoint;
pub mod disclosure;
pub mod error;
pub mod files;
pub mod input;
pub mod metrics;
pub mod outbound;
pub mod queue;
pub mod reference;
pub mod requests;
pub mod users;

pub use error::{AppError, AppResult};
pub use input::InputError;

/// What the caller's `If-Match` says: absent, `*` (any version), one version, or
/// entity-tags none of which can be a version (never match: 412, RFC 9110 §13.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    Absent,
    Any,
    Version(i64),
    Never,
}

impl Precondition {
    /// The version to compare with, if any; a tag that can never match is stale.
    pub fn optional(self) -> Result<Option<i64>, InputError> {
        match self {
            Precondition::Version(v) => Ok(Some(v)),
            Precondition::Absent | Precondition::Any => Ok(None),
            Precondition::Never => Err(InputError::Stale),
        }
    }

    /// As [`Precondition::optional`], where the change needs `If-Match` (428 without).
    pub fn required(self) -> Result<Option<i64>, InputError> {
        match self {
            Precondition::Absent => Err(InputError::IfMatchRequired),
            p => p.optional(),
        }
    }
}

use statreq_store::{Store, StoreResult};

use crate::AppState;

/// Runs blocking store work off the async executor.
pub async fn db<T, F>(state: &AppState, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    let store = state.store.clone();
    Ok(tokio::task::spawn_blocking(move || f(&store)).await.map_err(AppError::internal)??)
}
