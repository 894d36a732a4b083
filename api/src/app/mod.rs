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
pub mod keys;
pub mod metrics;
pub mod notices;
pub mod outbound;
pub mod queue;
pub mod reference;
pub mod requests;
pub mod users;
pub mod webhooks;
pub mod workbook;

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

/// A write made at the version the caller's `If-Match` named: the store's conflict is
/// then a stale reading (`412 stale`); without one it stays what it was.
pub fn stale_if_expected<T>(result: AppResult<T>, expected: Option<i64>) -> AppResult<T> {
    match result {
        Err(AppError::Store(statreq_store::StoreError::Conflict)) if expected.is_some() => Err(InputError::Stale.into()),
        other => other,
    }
}

/// Runs blocking store work off the async executor.
pub async fn db<T, F>(state: &AppState, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
{
    let store = state.store.clone();
    Ok(tokio::task::spawn_blocking(move || f(&store)).await.map_err(AppError::internal)??)
}

/// Runs background work on a thread of its own at the lowest CPU priority (nice 19 on
/// Linux), so that on a busy machine it uses what requests leave of the cores instead
/// of slowing them down (the queue's periodic full read and ordering).
pub async fn in_background<T, F>(f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("statreq-background".into())
        .spawn(move || {
            lowest_priority();
            let _ = tx.send(f());
        })
        .map_err(AppError::internal)?;
    // A panic in `f` drops the sender: an internal error here.
    rx.await.map_err(AppError::internal)
}

/// Lowers the calling thread's CPU priority to the lowest (nice 19): on Linux a
/// thread's nice value is its own.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
        tracing::debug!(error = %e, "the background thread keeps its priority");
    }
}

#[cfg(test)]
mod tests {
    /// Background work runs on a thread of its own at nice 19, and hands back what it
    /// returned; the caller's thread keeps its priority.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn background_work_runs_at_the_lowest_priority() {
        use rustix::process::getpriority_process;
        use rustix::thread::gettid;
        let caller = (gettid(), getpriority_process(Some(gettid())).ok());
        let (worker, nice) = super::in_background(|| (gettid(), getpriority_process(Some(gettid())).ok())).await.ok().unzip();
        assert_ne!(worker, Some(caller.0), "a thread of its own");
        assert_eq!(nice.flatten(), Some(19));
        assert_eq!(getpriority_process(Some(gettid())).ok(), caller.1, "the caller's priority is unchanged");
    }

    /// A panic in background work is an internal error for the caller, not a hang.
    #[tokio::test]
    async fn a_panic_in_background_work_is_an_error() {
        let result = super::in_background(|| -> u8 { panic!("background work failed") }).await;
        assert!(result.is_err());
    }
}
