//! What the office holds (rule 6): delivered personal data awaiting destruction, the
//! overdue first — for DGPA, every agency's.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::loading::Async;
use crate::components::problem::ui;
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

#[component]
pub fn DestructionsPage() -> impl IntoView {
    let lang = i18n::lang();
    let list = LocalResource::new(|| async { call(|c| async move { c.destructions().await }).await.map_err(ui) });
    view! {
        <h1>{move || tr(lang.get(), "personal_data_to_destroy")}</h1>
        <p class="hint">{move || tr(lang.get(), "destroy_and_record_by_the_day_rule_6")}</p>
        <Async resource=list let:items>
            {if items.is_empty() { view! { <p>{tr(lang.get(), "nothing_to_destroy")}</p> }.into_any() } else { view! {
                <table class="list destructions">
                    <caption class="visually-hidden">{tr(lang.get(), "personal_data_to_destroy")}</caption>
                    <thead><tr>
                        <th scope="col">{tr(lang.get(), "no")}</th>
                        <th scope="col">{tr(lang.get(), "reason")}</th>
                        <th scope="col">{tr(lang.get(), "agency_2")}</th>
                        <th scope="col">{tr(lang.get(), "delivered_on")}</th>
                        <th scope="col">{tr(lang.get(), "destroy_by")}</th>
                        <th scope="col">{tr(lang.get(), "days_left")}</th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|d| view! {
                            <tr class=if d.overdue { "overdue" } else { "" }>
                                <td data-label=tr(lang.get(), "no")><A href=format!("/requests/{}", d.request_id)>{d.request_id}</A></td>
                                // Which data it is: the reason's headline, all of it on hover.
                                <td data-label=tr(lang.get(), "reason") title=d.reason.clone()>{statreq_domain::application::headline(&d.reason)}</td>
                                <td data-label=tr(lang.get(), "agency_2")>{d.agency_name.clone()}</td>
                                <td data-label=tr(lang.get(), "delivered_on")>{i18n::date(lang.get(), d.delivered_at)}</td>
                                <td data-label=tr(lang.get(), "destroy_by")>{i18n::day(lang.get(), d.destroy_by)}</td>
                                <td data-label=tr(lang.get(), "days_left") class=if d.overdue { "error" } else { "" }>{if d.overdue {
                                    tr_with(lang.get(), "overdue_by_n_days", &[("days", (-d.days_left).to_string())])
                                } else {
                                    d.days_left.to_string()
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any() }}
        </Async>
    }
}
