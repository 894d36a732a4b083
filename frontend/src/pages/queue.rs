//! DGPA's queue with every factor (rule 5.3).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::loading::{failed, loading};
use crate::components::problem::ui;
use crate::i18n::{self, tr};
use crate::session::call;

/// DGPA's queue with every factor (rule 5.3).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = i18n::lang();
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    view! {
        <h1>{move || tr(lang.get(), "work_queue")}</h1>
        {move || match queue.get() {
            None => loading(lang.get()),
            Some(Err(e)) => failed(lang.get(), &e),
            Some(Ok(q)) => view! {
                <p>{tr(lang.get(), "weights")}": "{tr(lang.get(), "age")}" "{q.weights.age}" · "{tr(lang.get(), "difficulty")}" "{q.weights.difficulty}" · "{tr(lang.get(), "fair_share")}" "{q.weights.fair_share}</p>
                <table class="list">
                    <thead><tr>
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
