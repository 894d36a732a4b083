//! The request a page's address names (`/requests/:id…`), loaded through the client.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use statreq_contract::RequestView;

use crate::i18n::{self, text, tr, Lang};

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

/// A list of requests as every list shows them: number, state, agency, reason, updated.
pub(crate) fn request_table(lang: Lang, class: &'static str, caption: String, items: Vec<RequestView>) -> AnyView {
    view! {
        <table class=format!("list {class}")>
            <caption class="visually-hidden">{caption}</caption>
            <thead><tr>
                <th scope="col">{tr(lang, "no")}</th>
                <th scope="col">{tr(lang, "state")}</th>
                <th scope="col">{tr(lang, "agency_2")}</th>
                <th scope="col">{tr(lang, "reason")}</th>
                <th scope="col">{tr(lang, "updated")}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|r| view! {
                    <tr>
                        <td data-label=tr(lang, "no")><A href=format!("/requests/{}", r.id)>{r.id}</A></td>
                        <td data-label=tr(lang, "state")><span class=format!("state {}", r.state.as_str())>{text(lang, &r.state_label)}</span></td>
                        <td data-label=tr(lang, "agency_2")>{r.agency_name.clone()}</td>
                        <td data-label=tr(lang, "reason")>{r.application.reason.chars().take(40).collect::<String>()}</td>
                        <td data-label=tr(lang, "updated")>{i18n::date(lang, r.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
