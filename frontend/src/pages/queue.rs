//! DGPA's queue with every factor (rule 5.3).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::components::loading::{failed, loading};
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, tr};
use crate::session::call;

/// DGPA's queue with every factor (rule 5.3).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = i18n::lang();
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    let officers = LocalResource::new(|| async { call(|c| async move { c.officers().await }).await.unwrap_or_default() });
    // Several queued requests given to one officer at once; passing others over needs
    // a reason, recorded with each (rule 5.3).
    let chosen = RwSignal::new(Vec::<i64>::new());
    let assignee = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let assign = move |_| {
        let ids = chosen.get_untracked();
        let to = assignee.get_untracked().parse::<i64>().ok();
        let why = Some(reason.get_untracked()).filter(|r| !r.trim().is_empty());
        if ids.is_empty() {
            note.set(Some(tr(lang.get_untracked(), "choose_requests_first")));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let mut failures = Vec::new();
            for id in ids {
                let body = statreq_contract::TakeBody { assignee: to, skip_reason: why.clone() };
                if let Err(e) = call(|c| {
                    let body = body.clone();
                    async move { c.take_with(id, None, &body).await }
                })
                .await
                {
                    failures.push(format!("#{id}: {}", err_text(lang.get_untracked(), &e)));
                }
            }
            note.set((!failures.is_empty()).then(|| failures.join("\n")));
            chosen.set(Vec::new());
            busy.set(false);
            queue.refetch();
        });
    };
    view! {
        <h1>{move || tr(lang.get(), "work_queue")}</h1>
        <section class="card bulk" aria-labelledby="bulk-h">
            <h2 id="bulk-h">{move || tr(lang.get(), "assign_the_chosen_requests")}</h2>
            <label for="bulk-assignee">{move || tr(lang.get(), "assign_to_default_yourself")}</label>
            <select id="bulk-assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                <option value="">{move || tr(lang.get(), "myself")}</option>
                {move || officers.get().unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.display_name.clone()}</option> }).collect_view()}
            </select>
            <label for="bulk-reason">{move || tr(lang.get(), "reason_when_taking_out_of_order")}</label>
            <input id="bulk-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
            <button type="button" disabled=move || busy.get() on:click=assign>{move || tr(lang.get(), "take_into_production")}</button>
            <p class="error pre-line" role="alert">{move || note.get()}</p>
        </section>
        {move || match queue.get() {
            None => loading(lang.get()),
            Some(Err(e)) => failed(lang.get(), &e),
            Some(Ok(q)) => view! {
                <p>{tr(lang.get(), "weights")}": "{tr(lang.get(), "age")}" "{q.weights.age}" · "{tr(lang.get(), "difficulty")}" "{q.weights.difficulty}" · "{tr(lang.get(), "fair_share")}" "{q.weights.fair_share}</p>
                <table class="list">
                    <thead><tr>
                        <th scope="col">{tr(lang.get(), "choose")}</th>
                        <th scope="col">"#"</th>
                        <th scope="col">{tr(lang.get(), "request_3")}</th>
                        <th scope="col">{tr(lang.get(), "agency_2")}</th>
                        <th scope="col">{tr(lang.get(), "supervising")}</th>
                        <th scope="col">{tr(lang.get(), "difficulty_2")}</th>
                        <th scope="col">{tr(lang.get(), "days_waited")}</th>
                        <th scope="col">{tr(lang.get(), "priority_a_d_f")}</th>
                    </tr></thead>
                    <tbody>
                        {q.items.into_iter().map(|i| {
                            let f = i.factors.unwrap_or(statreq_contract::Factors { age: 0.0, difficulty: 0.0, fair_share: 0.0 });
                            view! {
                                <tr>
                                    <td>{i.position.is_some().then(|| {
                                        let rid = i.request_id;
                                        let id = format!("pick-{rid}");
                                        let label = format!("{} {rid}", tr(lang.get_untracked(), "choose"));
                                        view! {
                                            <input id=id type="checkbox" aria-label=label prop:checked=move || chosen.get().contains(&rid)
                                                on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|v| { v.retain(|x| *x != rid); if on { v.push(rid); } }); } />
                                        }
                                    })}</td>
                                    <td>{i.position}{i.overdue.then_some(" ⏱")}</td>
                                    <td><A href=format!("/requests/{}", i.request_id)>{i.request_id}</A></td>
                                    <td>{i.agency_name.clone()}</td>
                                    <td>{i.supervising_agency.clone()}</td>
                                    <td>{i.difficulty}</td>
                                    <td>{format!("{:.1}", i.waited_days)}</td>
                                    <td>{format!("{:.0} ({:.2}/{:.2}/{:.2})", i.priority.unwrap_or_default(), f.age, f.difficulty, f.fair_share)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p>{tr(lang.get(), "in_production")}{q.in_production.len()}</p>
            }.into_any(),
        }}
    }
}
