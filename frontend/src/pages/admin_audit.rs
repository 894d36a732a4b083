//! The audit trail for administrators: searched by actor, request, action and day,
//! and the whole chain checked on demand.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

#[component]
pub fn AuditTrail(refresh: RwSignal<u32>) -> impl IntoView {
    let lang = i18n::lang();
    let (actor, request, action, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The query of the last search (the list reloads when it changes).
    let query = RwSignal::new(String::from("limit=30"));
    let entries = LocalResource::new(move || {
        let _ = refresh.get();
        let q = query.get();
        async move {
            call(|c| {
                let q = q.clone();
                async move { c.audit(&q).await }
            })
            .await
            .map_err(ui)
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut q: Vec<String> = vec!["limit=50".into()];
        for (name, sig) in [("actor_id", actor), ("request_id", request), ("action", action), ("from", from), ("to", to)] {
            let v = sig.get_untracked().trim().to_string();
            if !v.is_empty() {
                q.push(format!("{name}={}", js_sys::encode_uri_component(&v)));
            }
        }
        query.set(q.join("&"));
    };
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
                {input("au-actor", "actor_id", actor, "number")}
                {input("au-request", "request_number", request, "number")}
                {input("au-action", "action_name", action, "text")}
                {input("au-from", "from_day", from, "date")}
                {input("au-to", "to_day", to, "date")}
                <button type="submit">{move || tr(lang.get(), "search")}</button>
            </form>
            {move || problem_note(lang.get(), entries.get())}
            <ol class="timeline audit">
                {move || entries.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default().into_iter().map(|e| view! {
                    <li>{i18n::datetime(lang.get(), e.at)}" · "<code>{e.action.clone()}</code>
                        {e.actor_id.map(|a| view! { " · "{tr(lang.get(), "actor_id")}" "{a} })}
                        {e.request_id.map(|r| view! { " · "{tr(lang.get(), "request")}{r} })}
                        " · "{e.actor_agency.clone().unwrap_or_default()}" · "<code class="hash">{e.hash.chars().take(12).collect::<String>()}</code></li>
                }).collect_view()}
            </ol>
        </section>
    }
}
