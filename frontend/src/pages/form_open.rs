//! Where the application form opens: a new application (from scratch, or a copy of an
//! earlier one with its files) and the edit of a draft or returned one.

use leptos::prelude::*;
use leptos_router::components::A;
use statreq_contract::Action as RequestAction;
use statreq_contract::*;
use statreq_domain::application::Contact;

use super::form::ApplicationForm;
use super::form_carry;
use crate::components::loading::{loading, Async};
use crate::components::problem::ui;
use crate::components::request::{route_id, route_request, RequestFrame};
use crate::i18n::{self, text, tr, tr_with};
use crate::session::{self, call};

#[component]
pub fn NewRequest() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    // Opened directly, the profile may still be loading: the form waits for it once,
    // so that the contact details are prefilled from the account.
    let ready = Memo::new(move |_| session.me.get().is_some());
    // `?from=12`: a new application starting from request 12's (same office, next year).
    let query = leptos_router::hooks::use_query_map();
    let from = query.read_untracked().get("from").and_then(|v| v.parse::<i64>().ok());
    let source = LocalResource::new(move || async move {
        match from {
            Some(id) => {
                let request = call(|c| async move { c.get_request(id).await }).await.map_err(ui)?;
                // Its files, to carry over (a list that cannot be read carries none).
                let files = call(|c| async move { c.attachments(id).await }).await.unwrap_or_default();
                Ok(Start::Copy(Box::new(request), files))
            }
            None => {
                // The office's latest applications, for the phone the person gave last
                // (a list that cannot be read leaves it to be typed).
                let latest = call(|c| async move { c.search_requests(&[("limit", "20")]).await }).await;
                Ok(Start::Fresh(latest.map(|p| p.items).unwrap_or_default()))
            }
        }
    });
    move || {
        if !ready.get() {
            return loading(lang.get());
        }
        let me = session.me.get_untracked();
        // The person applying, by name (the form's 申請人姓名), not the account's label.
        let (me_id, name, email) =
            me.as_ref().map(|m| (m.id, statreq_domain::application::contact_name(&m.display_name), m.email.clone())).unwrap_or_default();
        view! {
            <Async resource=source let:start>
                {match start {
                    Start::Fresh(latest) => {
                        // The phone of this person's latest application, by this account.
                        let phone = latest
                            .iter()
                            .find(|r| r.created_by.id == me_id && r.application.contact.name == name && !r.application.contact.phone.is_empty())
                            .map(|r| r.application.contact.phone.clone())
                            .unwrap_or_default();
                        let initial = Application { contact: Contact { name: name.clone(), email: email.clone(), phone }, ..Default::default() };
                        view! { <ApplicationForm initial=initial edit=None /> }.into_any()
                    }
                    Start::Copy(r, files) => {
                        let from = r.id;
                        // The contact is the one applying now; the phone stays when it is the same person.
                        let mut initial = r.application.clone();
                        let same = initial.contact.name == name;
                        initial.contact = Contact { phone: if same { initial.contact.phone.clone() } else { String::new() }, name: name.clone(), email: email.clone() };
                        view! {
                            <p class="receipt" role="status">{move || tr_with(lang.get(), "copied_from_request", &[("id", from.to_string())])}</p>
                            <ApplicationForm initial=initial edit=None copy_of=from carry=form_carry::Carry::new(from, files) />
                        }
                        .into_any()
                    }
                }}
            </Async>
        }
        .into_any()
    }
}

/// What a new application starts from: a copy of an earlier one with its files, or
/// nothing but the office's latest applications (for the applicant's phone).
#[derive(Clone)]
enum Start {
    Copy(Box<RequestView>, Vec<AttachmentView>),
    Fresh(Vec<RequestView>),
}

/// Edit a draft or returned application (PATCH with If-Match).
#[component]
pub fn EditRequest() -> impl IntoView {
    let id = route_id();
    let request = route_request(id);
    view! {
        <RequestFrame request=request id=Signal::derive(id)>
            <Async resource=request let:r>
                {if r.allowed_actions.contains(&RequestAction::Edit) {
                    view! { <ApplicationForm initial=r.application.clone() edit=Some((r.id, r.version)) /> }.into_any()
                } else {
                    // Not a form whose every save is refused: why it cannot change, and the way to the request.
                    let lang = i18n::lang();
                    let (rid, state) = (r.id, r.state_label.clone());
                    let why = move || match statreq_domain::lifecycle::next_state(r.state, RequestAction::Edit) {
                        Some(_) => tr(lang.get(), "only_the_applying_office_edits"),
                        None => tr_with(lang.get(), "application_no_longer_changes", &[("state", text(lang.get(), &state))]),
                    };
                    view! {
                        <h1>{move || format!("{} {rid}", tr(lang.get(), "request_4"))}</h1>
                        <p class="notice" role="status">{why}</p>
                        <p><A href=format!("/requests/{rid}")>{move || tr_with(lang.get(), "go_to_request", &[("id", rid.to_string())])}</A></p>
                    }
                    .into_any()
                }}
            </Async>
        </RequestFrame>
    }
}
