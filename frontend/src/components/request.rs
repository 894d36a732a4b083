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

/// A page of one request (its page, its edit form, its printable form): when the request
/// cannot be read (not found, not this caller's, the server down) the page still has its
/// number as the heading, and so the window's title; when it is not there for this
/// caller, the way back to the list follows the problem.
#[component]
pub(crate) fn RequestFrame(
    request: LocalResource<Result<RequestView, UiError>>,
    #[prop(into)] id: Signal<i64>,
    children: Children,
) -> impl IntoView {
    let lang = i18n::lang();
    let failed = move || request.get().and_then(Result::err);
    view! {
        {move || failed().map(|_| view! { <h1>{format!("{} {}", tr(lang.get(), "request_4"), id.get())}</h1> })}
        {children()}
        {move || failed().filter(|e| e.not_for_caller()).map(|_| view! { <p><A href="/search">{move || tr(lang.get(), "find_requests")}</A></p> })}
    }
}

/// A list of requests as every list shows them: number (marked when the reader has unread
/// notices about it, `news`), state, agency, reason, updated.
pub(crate) fn request_table(
    lang: Lang,
    class: &'static str,
    caption: String,
    items: Vec<RequestView>,
    news: &std::collections::HashSet<i64>,
) -> AnyView {
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
                        <td data-label=tr(lang, "no")><A href=format!("/requests/{}", r.id)>{r.id}</A>
                            {news.contains(&r.id).then(|| crate::pages::inbox::news_badge(lang))}</td>
                        <td data-label=tr(lang, "state")><span class=format!("state {}", r.state.as_str())>{text(lang, &r.state_label)}</span></td>
                        <td data-label=tr(lang, "agency_2")>{r.agency_name.clone()}</td>
                        <td data-label=tr(lang, "reason")>{statreq_domain::application::headline(&r.application.reason)}</td>
                        <td data-label=tr(lang, "updated")>{i18n::date(lang, r.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// How many requests a list shows at a time.
pub(crate) const PAGE: usize = 50;

/// Requests matching `filters` (the query of `GET /requests`), a page at a time with the
/// server's cursor: "next" and "previous", and where one is. No cap on how far.
#[component]
pub fn PagedRequests(
    filters: Signal<Vec<(String, String)>>,
    class: &'static str,
    caption_key: &'static str,
    empty_key: &'static str,
) -> impl IntoView {
    let lang = i18n::lang();
    let news = crate::pages::inbox::requests_with_news(crate::session::session());
    // The cursors of the pages seen so far: the first page has none.
    let cursors = RwSignal::new(vec![None::<String>]);
    Effect::new(move |_| {
        let _ = filters.get();
        cursors.set(vec![None]);
    });
    let page = LocalResource::new(move || {
        let f = filters.get();
        let cursor = cursors.with(|c| c.last().cloned().flatten());
        async move {
            call(|c| {
                let (f, cursor) = (f.clone(), cursor.clone());
                async move {
                    let limit = PAGE.to_string();
                    let mut pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    pairs.push(("limit", &limit));
                    if let Some(c) = cursor.as_deref() {
                        pairs.push(("cursor", c));
                    }
                    c.search_requests(&pairs).await
                }
            })
            .await
            .map_err(ui)
        }
    });
    view! {
        <crate::components::loading::Async resource=page let:p>
        {if p.items.is_empty() && cursors.with(|c| c.len() == 1) {
            view! { <p>{tr(lang.get(), empty_key)}</p> }.into_any()
        } else {
            let n = cursors.with(Vec::len);
            let next = p.next_cursor.clone();
            let from = (n - 1) * PAGE + 1;
            let to = from + p.items.len().saturating_sub(1);
            // One page of everything: no pager (a greyed "previous page" beside "1–3" said nothing).
            let paged = n > 1 || next.is_some();
            view! {
                {move || request_table(lang.get(), class, tr(lang.get(), caption_key), p.items.clone(), &news.get().unwrap_or_default())}
                {paged.then(|| view! {
                    <nav class="pager" aria-label=tr(lang.get(), "pages")>
                        <button type="button" class="link" id="page-previous" disabled=n == 1 on:click=move |_| cursors.update(|c| { c.pop(); })>
                            {tr(lang.get(), "previous_page")}
                        </button>
                        <span role="status">{crate::i18n::tr_with(lang.get(), "items_from_to", &[("from", from.to_string()), ("to", to.to_string())])}</span>
                        {next.map(|cursor| view! {
                            <button type="button" class="link" id="page-next" on:click=move |_| { let c = cursor.clone(); cursors.update(|v| v.push(Some(c))); }>
                                {tr(lang.get(), "next_page")}
                            </button>
                        })}
                    </nav>
                })}
            }
            .into_any()
        }}
        </crate::components::loading::Async>
    }
}
