//! The field questions asked about a request (rule 7) on its page, and the way to ask
//! one: DGPA reads every question tied to it, the applying office its own.

use leptos::prelude::*;
use leptos_router::components::A;
use statreq_contract::{InquiryState, Role};

use crate::components::problem::{problem_note, ui};
use crate::i18n::{self, tr};
use crate::pages::help::state_label;
use crate::session::{self, call};

#[component]
pub fn Questions(id: i64, agency: String) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let list = LocalResource::new(move || async move {
        call(|c| async move { c.list_inquiries(&format!("request_id={id}&limit=200")).await }).await.map_err(ui)
    });
    // The office that applied asks about its request: its applicants and supervisors.
    let can_ask = move || {
        session.me.get().is_some_and(|m| m.agency_code == agency && m.roles.iter().any(|r| matches!(r, Role::Applicant | Role::Supervisor)))
    };
    view! {
        {move || problem_note(lang.get(), list.get())}
        {move || {
            let asked = list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default();
            // Rule 7: the data is used only once every question about it is settled.
            let unsettled = asked.iter().any(|i| i.state == InquiryState::Open);
            (can_ask() || !asked.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="iq-h">
                    <h2 id="iq-h">{tr(lang.get(), "field_questions")}</h2>
                    {unsettled.then(|| view! { <p class="warning" id="iq-open">{tr(lang.get(), "questions_open_use_data_once_settled")}</p> })}
                    <ul class="inquiries">
                        {asked.into_iter().map(|i| view! {
                            <li><A href=format!("/inquiries/{}", i.id)>{format!("#{} {}", i.id, i.subject)}</A>
                                " · "{state_label(lang.get(), i.state)}</li>
                        }).collect_view()}
                    </ul>
                    {can_ask().then(|| view! {
                        <p><A href=format!("/inquiries?request={id}")>{move || tr(lang.get(), "ask_dgpa_about_this_request")}</A></p>
                    })}
                </section>
            })
        }}
    }
}
