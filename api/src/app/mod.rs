//! The use-case layer, between the HTTP routes and the crates below: loading what a
//! caller may see, building the domain's facts, running a transition, the queue
//! snapshot, files at rest, audit context, reference data. Routes, the worker and
//! the CLI all call here; nothing here knows HTTP (errors are [`AppError`], which
//! `crate::error` maps to problem+json once).

pub mod agencies;
pub mod audit;
pub mod cache;
pub mod error;
pub mod files;
pub mod input;
pub mod queue;
pub mod reference;
pub mod requests;
pub mod users;

pub use error::{AppError, AppResult};
pub use input::InputError;

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
