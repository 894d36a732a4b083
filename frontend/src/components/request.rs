//! The request a page's address names (`/requests/:id…`), loaded through the client.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use statreq_contract::RequestView;

use super::problem::{ui, UiError};
use crate::session::call;

/// The `:id` of the address (0 when it is not a number: the API answers 404).
pub(crate) fn route_id() -> impl Fn() -> i64 + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default()
}

/// The request of the address, reloaded when the address changes.
pub(crate) fn route_request(id: impl Fn() -> i64 + Copy + 'static) -> LocalResource<Result<RequestView, UiError>> {
    LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.get_request(id).await }).await.map_err(ui) }
    })
}
