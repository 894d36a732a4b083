//! The home screen: the requests the caller may see, filtered by state.

use leptos::prelude::*;
use leptos_router::components::A;
use statreq_contract::*;

use crate::i18n::{self, text, tr};
use crate::session;

pub(crate) const STATES: [State; 11] = State::ALL;

#[component]
pub fn Home() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let filter = RwSignal::new(String::new());
    // A DGPA officer may narrow it to the work they hold (what is in production with them).
    let mine = RwSignal::new(false);
    let touched = RwSignal::new(false);
    // Reviewers start at what awaits them.
    Effect::new(move |_| {
        if touched.get_untracked() {
            return;
        }
        if let Some(me) = session.me.get() {
            let default = if me.roles.contains(&Role::DgpaOfficer) {
                "pending_dgpa"
            } else if me.roles.contains(&Role::Supervisor) && !me.roles.contains(&Role::Applicant) {
                "pending_supervisor"
            } else {
                ""
            };
            filter.set(default.to_string());
        }
    });
    // What waits on a reviewer comes longest-waiting first; everything else newest first.
    let oldest_first = move || State::parse(&filter.get()).is_some_and(|s| matches!(s, State::PendingSupervisor | State::PendingDgpa));
    let filters = Signal::derive(move || {
        let f = filter.get();
        let mut q = Vec::new();
        if oldest_first() {
            q.push(("sort".to_string(), "submitted".to_string()));
        }
        if !f.is_empty() {
            q.push(("state".to_string(), f));
        }
        if mine.get() {
            q.push(("assignee".to_string(), "me".to_string()));
        }
        q
    });
    let is_officer = move || session.me.get().is_some_and(|me| me.roles.contains(&Role::DgpaOfficer));
    // How many each state holds, said beside it (none: the state alone).
    let counts = LocalResource::new(move || {
        let filters: &[(&str, &str)] = if mine.get() { &[("assignee", "me")] } else { &[] };
        async move { session::call(|c| async move { c.count_requests(filters).await }).await.ok() }
    });
    let count_of = move |state: Option<State>| -> String {
        let Some(Some(counts)) = counts.get() else { return String::new() };
        let n = match state {
            None => counts.total,
            Some(s) => counts.by_state.iter().find(|c| c.state == s).map_or(0, |c| c.count),
        };
        i18n::bracketed(lang.get(), "", n)
    };
    // What is past its time (the queue's longest wait, a destroy-by day), said first.
    let overdue = LocalResource::new(move || async move {
        session::call(|c| async move { c.count_requests(&[("overdue", "true")]).await }).await.ok().map(|c| c.total)
    });
    let is_applicant = move || crate::components::for_roles::uses(session, crate::components::for_roles::Screen::NewRequest);
    view! {
        <Show when=move || session.me.get().is_some() fallback=move || view! {
            <h1>{move || tr(lang.get(), "personnel_data_statistics_service")}</h1>
            <p>{move || tr(lang.get(), "personnel_offices_apply_for_statistics_or")}</p>
            <p><A href="/login">{move || tr(lang.get(), "sign_in_to_continue")}</A></p>
        }>
            <div class="bar">
                <h1>{move || tr(lang.get(), "requests")}</h1>
                <Show when=is_applicant>
                    <A href="/requests/new" attr:class="button">{move || tr(lang.get(), "new_application")}</A>
                </Show>
                <Show when=move || crate::components::for_roles::uses(session, crate::components::for_roles::Screen::PaperIntake)>
                    <A href="/requests/paper" attr:class="button" attr:id="register-paper">{move || tr(lang.get(), "register_paper_application")}</A>
                </Show>
            </div>
            {move || overdue.get().flatten().filter(|n| *n > 0).map(|n| view! {
                <p class="notice" id="overdue-note">
                    <A href="/search?overdue=true">{move || crate::i18n::tr_with(lang.get(), "overdue_n", &[("n", n.to_string())])}</A>
                </p>
            })}
            <label for="state-filter">{move || tr(lang.get(), "state")}</label>
            <select id="state-filter" prop:value=move || filter.get() on:change=move |ev| { touched.set(true); filter.set(event_target_value(&ev)); }>
                <option value="">{move || tr(lang.get(), "all")}{move || count_of(None)}</option>
                {STATES.iter().map(|s| { let s = *s; view! {
                    <option value=s.as_str() selected=move || filter.get() == s.as_str()>{move || text(lang.get(), &s.label())}{move || count_of(Some(s))}</option>
                } }).collect_view()}
            </select>
            <Show when=is_officer>
                <label class="check" for="only-mine"><input type="checkbox" id="only-mine" prop:checked=move || mine.get()
                    on:change=move |ev| mine.set(event_target_checked(&ev)) />{move || tr(lang.get(), "only_my_work")}</label>
            </Show>
            <Show when=oldest_first>
                <p class="hint">{move || tr(lang.get(), "oldest_submitted_first")}</p>
            </Show>
            <crate::components::request::PagedRequests filters=filters class="" caption_key="requests" empty_key="no_requests_yet" />
        </Show>
    }
}
