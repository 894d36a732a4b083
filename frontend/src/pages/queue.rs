//! DGPA's queue with every factor (rule 5.3).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::problem::ui;
use crate::i18n::{self, t};
use crate::session::call;

/// DGPA's queue with every factor (rule 5.3).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = i18n::lang();
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    view! {
        <h1>{move || t(lang.get(), "作業排程", "Work queue")}</h1>
        {move || match queue.get() {
            None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
            Some(Ok(q)) => view! {
                <p>{t(lang.get(), "權重", "Weights")}": "{t(lang.get(), "收件先後", "age")}" "{q.weights.age}" · "{t(lang.get(), "難易度", "difficulty")}" "{q.weights.difficulty}" · "{t(lang.get(), "主管機關用量", "fair share")}" "{q.weights.fair_share}</p>
                <table class="list">
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t(lang.get(), "案號", "Request")}</th>
                        <th scope="col">{t(lang.get(), "申請機關", "Agency")}</th>
                        <th scope="col">{t(lang.get(), "主管機關", "Supervising")}</th>
                        <th scope="col">{t(lang.get(), "難易度", "Difficulty")}</th>
                        <th scope="col">{t(lang.get(), "等候日數", "Days waited")}</th>
                        <th scope="col">{t(lang.get(), "優先值（A/D/F）", "Priority (A/D/F)")}</th>
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
                <p>{t(lang.get(), "產製中：", "In production: ")}{q.in_production.len()}</p>
            }.into_any(),
        }}
    }
}
