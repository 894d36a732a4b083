//! The audit trail for administrators: searched by actor, request, action and day,
//! and the whole chain checked on demand.

use leptos::prelude::*;
use leptos::task::spawn_local;

use statreq_contract::AuditEntryView;

use statreq_domain::audit;

use crate::components::problem::err_text;
use crate::i18n::{self, text, tr, tr_with};
use crate::session::call;

/// The trail, newest first, fifty entries at a time with "more"; `refresh` reloads it
/// (after a change on the page), `show_actor` searches one account's entries (set by the
/// account list's "audit trail").
#[component]
pub fn AuditTrail(refresh: RwSignal<u32>, show_actor: RwSignal<Option<i64>>) -> impl IntoView {
    let lang = i18n::lang();
    let (actor, request, action, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The query of the last search; "more" continues it.
    let query = RwSignal::new(String::from("limit=50"));
    let list = crate::components::loading::Paged::<AuditEntryView>::new();
    let (rows, next, state) = (list.rows, list.next, list.state);
    let load = move |cursor: Option<String>| {
        let q = query.get_untracked();
        list.load(cursor, move |cursor| async move {
            let q = match cursor {
                Some(c) => format!("{q}&cursor={}", js_sys::encode_uri_component(&c)),
                None => q,
            };
            call(|c| {
                let q = q.clone();
                async move { c.audit(&q).await }
            })
            .await
        })
    };
    Effect::new(move |_| {
        refresh.track();
        query.track();
        load(None);
    });
    // The actor as an account's id or its username (found among the accounts first).
    let actor_note = RwSignal::new(None::<String>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actor_note.set(None);
        let mut q: Vec<String> = vec!["limit=50".into()];
        for (name, sig) in [("request_id", request), ("action", action), ("from", from), ("to", to)] {
            let v = sig.get_untracked().trim().to_string();
            if !v.is_empty() {
                q.push(format!("{name}={}", js_sys::encode_uri_component(&v)));
            }
        }
        let who = actor.get_untracked().trim().to_string();
        if who.is_empty() {
            return query.set(q.join("&"));
        }
        spawn_local(async move {
            let l = lang.get_untracked();
            let id = match who.parse::<i64>() {
                Ok(id) => Ok(id),
                Err(_) => {
                    let name = who.clone();
                    call(|c| {
                        let name = name.clone();
                        async move { c.find_users(&[("q", name.as_str()), ("limit", "200")]).await }
                    })
                    .await
                    .map_err(|e| err_text(l, &e))
                    .and_then(|page| {
                        let found = page.items.iter().find(|u| u.username.eq_ignore_ascii_case(&who)).map(|u| u.id);
                        found.ok_or_else(|| tr_with(l, "no_such_account", &[("name", who.clone())]))
                    })
                }
            };
            match id {
                Ok(id) => {
                    q.push(format!("actor_id={id}"));
                    query.set(q.join("&"));
                }
                Err(note) => actor_note.set(Some(note)),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(id) = show_actor.get() {
            for sig in [request, action, from, to] {
                sig.set(String::new());
            }
            actor.set(id.to_string());
            query.set(format!("limit=50&actor_id={id}"));
            if let Some(h) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("au-h")) {
                h.scroll_into_view();
            }
        }
    });
    let verdict = RwSignal::new(None::<(bool, String)>);
    let checking = RwSignal::new(false);
    let verify = move |_| {
        checking.set(true);
        spawn_local(async move {
            let l = lang.get_untracked();
            let shown = match call(|c| async move { c.verify_audit().await }).await {
                Ok(v) if v.intact => {
                    (true, tr_with(l, "audit_intact", &[("n", v.entries.to_string()), ("at", i18n::datetime(l, v.checked_at))]))
                }
                Ok(v) => (
                    false,
                    tr_with(
                        l,
                        "audit_broken",
                        &[("id", v.broken_at.unwrap_or_default().to_string()), ("reason", v.reason.unwrap_or_default())],
                    ),
                ),
                Err(e) => (false, err_text(l, &e)),
            };
            verdict.set(Some(shown));
            checking.set(false);
        });
    };
    // The last search as CSV: every entry it selects (up to what an export holds).
    let export_note = RwSignal::new(None::<String>);
    let export = move |_| {
        let selection: Vec<String> = query.get_untracked().split('&').filter(|p| !p.starts_with("limit=")).map(String::from).collect();
        export_note.set(None);
        spawn_local(async move {
            let q = selection.join("&");
            match call(|c| {
                let q = q.clone();
                async move { c.audit_csv(&q).await }
            })
            .await
            {
                Ok(csv) => crate::browser::save_file("statreq-audit.csv", csv.as_bytes()),
                Err(e) => export_note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let input = move |id: &'static str, key: &'static str, sig: RwSignal<String>, kind: &'static str| {
        view! {
            <label for=id>{move || tr(lang.get(), key)}</label>
            <input id=id type=kind prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
        }
    };
    view! {
        <section class="card" aria-labelledby="au-h">
            <h2 id="au-h">{move || tr(lang.get(), "audit_trail")}</h2>
            <div class="actions">
                <button type="button" id="verify-audit" disabled=move || checking.get() on:click=verify>{move || tr(lang.get(), "verify_the_chain")}</button>
            </div>
            {move || verdict.get().map(|(ok, text)| view! { <p id="audit-verdict" role="status" class=if ok { "receipt" } else { "error" }>{text}</p> })}
            <form class="audit-search" on:submit=search>
                {input("au-actor", "actor_account", actor, "text")}
                {input("au-request", "request_number", request, "number")}
                <label for="au-action">{move || tr(lang.get(), "action_name")}</label>
                <ActionChoice action=action />
                {input("au-from", "from_day", from, "date")}
                {input("au-to", "to_day", to, "date")}
                <button type="submit">{move || tr(lang.get(), "search")}</button>
                <button type="button" id="export-audit" on:click=export>{move || tr(lang.get(), "download_csv")}</button>
            </form>
            <p class="error" role="alert" id="export-audit-note">{move || export_note.get().or_else(|| actor_note.get())}</p>
            {move || match state.get() {
                None => crate::components::loading::loading(lang.get()),
                Some(Err(e)) => crate::components::loading::failed(lang.get(), &e),
                Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p id="no-audit">{tr(lang.get(), "no_audit_entries")}</p> }.into_any(),
                Some(Ok(())) => view! {
                    <ol class="timeline audit">
                        <For each=move || rows.get() key=|e| e.id let:e>
                            {
                                let who = e.actor.clone().map(|a| format!("{}（{}）", a.display_name, a.username));
                                let (actor_id, request_id, code) = (e.actor_id, e.request_id, e.action.clone());
                                // What the entry holds besides (ids, reasons, what changed), as recorded.
                                let detail = (!e.detail.is_null() && e.detail.as_object().is_none_or(|o| !o.is_empty()))
                                    .then(|| serde_json::to_string_pretty(&e.detail).unwrap_or_default());
                                view! {
                                    <li>{move || i18n::datetime(lang.get(), e.at)}" · "
                                        {move || audit::action(&code).map(|a| view! { <span class="audit-action">{text(lang.get(), &a.label())}</span>" " })}
                                        <code class="audit-code">{e.action.clone()}</code>
                                        {match (who, actor_id) {
                                            (Some(who), _) => Some(view! { " · "{who} }.into_any()),
                                            (None, Some(a)) => Some(view! { " · "{move || tr(lang.get(), "actor_id")}" "{a} }.into_any()),
                                            (None, None) => None,
                                        }}
                                        {request_id.map(|r| view! { " · "<a href=format!("/requests/{r}")>{move || tr(lang.get(), "request")}{r}</a> })}
                                        {e.actor_agency.clone().map(|a| view! { " · "{a} })}
                                        {e.client_addr.clone().map(|a| view! { " · "<span class="audit-addr">{a}</span> })}
                                        " · "<code class="hash">{e.hash.chars().take(12).collect::<String>()}</code>
                                        {detail.map(|d| view! {
                                            <details class="audit-detail"><summary>{move || tr(lang.get(), "audit_detail")}</summary><pre>{d}</pre></details>
                                        })}</li>
                                }
                            }
                        </For>
                    </ol>
                    <Show when=move || next.get().is_some()>
                        <button type="button" id="more-audit" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
                    </Show>
                }.into_any(),
            }}
        </section>
    }
}

/// The action to search for, by name: any, a group's every action (`delivery.*`) or one
/// action, group by group as the trail knows them.
#[component]
fn ActionChoice(action: RwSignal<String>) -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <select id="au-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
            <option value="">{move || tr(lang.get(), "any_action")}</option>
            {audit::GROUPS.iter().map(|&(group, zh_tw, en)| {
                let name = statreq_domain::Text::new(zh_tw, en);
                let every = name.clone();
                view! {
                    <optgroup label=move || text(lang.get(), &name)>
                        <option value=format!("{group}.*")>{move || tr_with(lang.get(), "every_action_of", &[("group", text(lang.get(), &every))])}</option>
                        {audit::ACTIONS.iter().filter(|a| a.group() == group).map(|a| view! {
                            <option value=a.code>{move || text(lang.get(), &a.label())}</option>
                        }).collect_view()}
                    </optgroup>
                }
            }).collect_view()}
        </select>
    }
}
