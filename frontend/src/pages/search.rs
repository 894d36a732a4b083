//! Finding requests: words or a number, states, agency (with its subtree), whose work,
//! submission days, personal data, past their time — the filters of `GET /requests`, kept in the
//! address so that a view is a link — saved views for an officer's day, and the
//! same selection as CSV.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use statreq_contract::*;

use crate::browser::save_file;
use crate::components::problem::err_text;
use crate::i18n::{self, text, tr};
use crate::pages::home::STATES;
use crate::session::{self, call};

/// The most requests one export holds (`GET /requests.csv` without `limit`).
const MAX_EXPORT: i64 = statreq_contract::MAX_REQUEST_EXPORT;

/// What an export of `total` matches misses, said: none up to [`MAX_EXPORT`].
fn export_capped(lang: i18n::Lang, total: i64) -> Option<String> {
    (total > MAX_EXPORT).then(|| i18n::tr_with(lang, "export_capped", &[("max", MAX_EXPORT.to_string()), ("n", total.to_string())]))
}

/// The filters the page understands, in the order of the form.
const KEYS: [&str; 8] = ["q", "agency", "subtree", "assignee", "submitted_from", "submitted_to", "personal", "overdue"];

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let query = use_query_map();
    let navigate = use_navigate();
    let note = RwSignal::new(None::<String>);
    // The filters as (name, value) pairs from the address; `state` may repeat.
    let filters = Memo::new(move |_| {
        let q = query.get();
        let mut out: Vec<(String, String)> = Vec::new();
        for k in KEYS {
            if let Some(v) = q.get(k).filter(|v| !v.trim().is_empty()) {
                out.push((k.to_string(), v));
            }
        }
        for s in q.get_all("state").unwrap_or_default() {
            out.push(("state".into(), s));
        }
        out
    });
    let field = move |k: &'static str| Memo::new(move |_| query.get().get(k).unwrap_or_default());
    let (q, agency, from, to, personal) = (field("q"), field("agency"), field("submitted_from"), field("submitted_to"), field("personal"));
    let subtree = Memo::new(move |_| query.get().get("subtree").as_deref() == Some("true"));
    let mine = Memo::new(move |_| query.get().get("assignee").as_deref() == Some("me"));
    let overdue = Memo::new(move |_| query.get().get("overdue").as_deref() == Some("true"));
    let states = Memo::new(move |_| query.get().get_all("state").unwrap_or_default());
    let agencies = crate::components::agencies::agencies();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(t).ok()) else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else { return };
        // Empty fields say nothing.
        let mut kept = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(&params) {
            for entry in iter.flatten() {
                let pair = js_sys::Array::from(&entry);
                let (k, v) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string().unwrap_or_default());
                if !v.trim().is_empty() {
                    kept.push(format!(
                        "{}={}",
                        String::from(js_sys::encode_uri_component(&k)),
                        String::from(js_sys::encode_uri_component(v.trim()))
                    ));
                }
            }
        }
        navigate(&format!("/search?{}", kept.join("&")), Default::default());
    };
    // How many the search found, state by state (the list shows a page at a time).
    let counts = LocalResource::new(move || {
        let f = filters.get();
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            call(|c| {
                let pairs = pairs.clone();
                async move { c.count_requests(&pairs).await }
            })
            .await
            .ok()
        }
    });
    let export = move |_| {
        let f = filters.get_untracked();
        spawn_local(async move {
            let res = call(|c| {
                let f = f.clone();
                async move {
                    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    c.export_requests(&pairs).await
                }
            })
            .await;
            match res {
                Ok(bytes) => {
                    save_file("requests.csv", &bytes);
                    // More matched than one export holds: said, with what to do.
                    let total = counts.get_untracked().flatten().map_or(0, |c| c.total);
                    note.set(export_capped(lang.get_untracked(), total));
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    // How many it found, state by state; each state a link to the same search narrowed to it.
    let found = move || {
        let counts = counts.get().flatten().filter(|c| c.total > 0)?;
        let l = lang.get();
        let (sep, end) = if l == i18n::Lang::En { (", ", ".") } else { ("、", "。") };
        let others: Vec<String> = filters
            .get()
            .into_iter()
            .filter(|(k, _)| k != "state")
            .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
            .collect();
        let states: Vec<StateCount> = counts.by_state.into_iter().filter(|c| c.count > 0).collect();
        let narrows = states.len() > 1;
        let parts = states
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let words = i18n::tr_with(l, "state_count", &[("state", text(l, &c.state.label())), ("n", c.count.to_string())]);
                let href = format!(
                    "/search?{}",
                    others.iter().cloned().chain([format!("state={}", c.state.as_str())]).collect::<Vec<_>>().join("&")
                );
                view! {
                    {(i > 0).then_some(sep)}
                    {if narrows { view! { <A href=href>{words}</A> }.into_any() } else { words.into_any() }}
                }
            })
            .collect_view();
        Some(view! { {i18n::tr_with(l, "found_n", &[("n", counts.total.to_string())])}{parts}{end} })
    };
    let is_dgpa = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
    let is_supervisor = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::Supervisor));
    view! {
        <h1>{move || tr(lang.get(), "find_requests")}</h1>
        <nav class="views" aria-label=move || tr(lang.get(), "saved_views")>
            <Show when=is_dgpa>
                <A href="/search?assignee=me&state=in_production">{move || tr(lang.get(), "view_my_work")}</A>" "
                <A href="/search?state=pending_dgpa">{move || tr(lang.get(), "view_waiting_on_me")}</A>" "
                <A href="/search?state=on_hold">{move || tr(lang.get(), "view_on_hold")}</A>" "
            </Show>
            <Show when=move || is_supervisor() && !is_dgpa()>
                <A href="/search?state=pending_supervisor">{move || tr(lang.get(), "view_waiting_on_me")}</A>" "
            </Show>
            <A href="/search?personal=true&state=delivered">{move || tr(lang.get(), "view_personal_data_to_destroy")}</A>
        </nav>
        <form class="card search" on:submit=apply>
            <label for="s-q">{move || tr(lang.get(), "words_or_request_number")}</label>
            <input id="s-q" name="q" type="search" maxlength="200" prop:value=move || q.get() />
            <fieldset>
                <legend>{move || tr(lang.get(), "state")}</legend>
                {STATES.iter().map(|s| {
                    let s = *s;
                    let id = format!("s-state-{}", s.as_str());
                    let for_id = id.clone();
                    view! {
                        <label class="check" for=for_id>
                            <input id=id type="checkbox" name="state" value=s.as_str() prop:checked=move || states.get().iter().any(|x| x == s.as_str()) />
                            {move || text(lang.get(), &s.label())}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            // At a desk the filters take a few lines, so that what they find is in sight.
            <div class="row">
                <div class="field">
                    <label for="s-agency">{move || tr(lang.get(), "agency_code")}</label>
                    <input id="s-agency" name="agency" list="agency-codes" maxlength="32" prop:value=move || agency.get() />
                    <crate::components::agencies::AgencyChoices id="agency-codes" agencies=agencies />
                </div>
                <div class="field">
                    <label for="s-personal">{move || tr(lang.get(), "personal_data")}</label>
                    <select id="s-personal" name="personal">
                        <option value="" selected=move || personal.get().is_empty()>{move || tr(lang.get(), "all")}</option>
                        <option value="true" selected=move || personal.get() == "true">{move || tr(lang.get(), "with_personal_data")}</option>
                        <option value="false" selected=move || personal.get() == "false">{move || tr(lang.get(), "without_personal_data")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="s-from">{move || tr(lang.get(), "submitted_from")}</label>
                    <input id="s-from" name="submitted_from" type="date" prop:value=move || from.get() />
                </div>
                <div class="field">
                    <label for="s-to">{move || tr(lang.get(), "submitted_to")}</label>
                    <input id="s-to" name="submitted_to" type="date" prop:value=move || to.get() />
                </div>
            </div>
            <div class="checks">
                <label class="check" for="s-subtree">
                    <input id="s-subtree" type="checkbox" name="subtree" value="true" prop:checked=move || subtree.get() />
                    {move || tr(lang.get(), "and_agencies_under_it")}
                </label>
                // Only DGPA's officers hold work of their own; anyone else sent here with
                // it (a link of an officer's) sees it ticked, to untick.
                <Show when=move || is_dgpa() || mine.get()>
                    <label class="check" for="s-mine">
                        <input id="s-mine" type="checkbox" name="assignee" value="me" prop:checked=move || mine.get() />
                        {move || tr(lang.get(), "only_my_work")}
                    </label>
                </Show>
                <label class="check" for="s-overdue">
                    <input id="s-overdue" type="checkbox" name="overdue" value="true" prop:checked=move || overdue.get() />
                    {move || tr(lang.get(), "only_overdue")}
                </label>
            </div>
            <div class="actions">
                <button type="submit">{move || tr(lang.get(), "search")}</button>
                <button type="button" on:click=export>{move || tr(lang.get(), "export_csv")}</button>
            </div>
            <p class="error pre-line" role="alert">{move || note.get()}</p>
        </form>
        <p id="found" class="hint" role="status">{found}</p>
        <crate::components::request::PagedRequests filters=Signal::derive(move || filters.get()) class="results" caption_key="find_requests" empty_key="nothing_matches" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_beyond_its_limit_says_what_it_missed() {
        assert_eq!(export_capped(i18n::Lang::Zh, 0), None);
        assert_eq!(export_capped(i18n::Lang::Zh, MAX_EXPORT), None);
        let said = export_capped(i18n::Lang::Zh, MAX_EXPORT + 1).unwrap_or_default();
        assert!(said.contains("前 10000 件") && said.contains("共 10001 件"), "{said}");
        let said = export_capped(i18n::Lang::En, 25_000).unwrap_or_default();
        assert!(said.starts_with("The export holds the first 10000 of the 25000"), "{said}");
    }
}
