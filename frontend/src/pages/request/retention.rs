//! Keeping delivered personal data longer (rule 6): the office asks, DGPA decides.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;
use statreq_domain::application::MAX_RETENTION_DAYS;

use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::{self, call};

/// A question to keep the data longer, or DGPA's comment on one, while it is written:
/// kept by the request's page, as an action's form is ([`super::actions::ActionDraft`]).
#[derive(Clone, Copy)]
pub struct ExtensionDraft {
    days: RwSignal<String>,
    reason: RwSignal<String>,
    comment: RwSignal<String>,
}

impl ExtensionDraft {
    pub fn new() -> Self {
        let draft =
            Self { days: RwSignal::new(String::new()), reason: RwSignal::new(String::new()), comment: RwSignal::new(String::new()) };
        draft.clear();
        draft
    }

    /// Nothing written; thirty days proposed.
    pub fn clear(&self) {
        self.days.set(String::from("30"));
        self.reason.set(String::new());
        self.comment.set(String::new());
    }
}

/// The extensions of a delivered personal-data request, the office's form to ask
/// for one and DGPA's buttons to decide the waiting one.
#[component]
pub fn Retention(
    id: i64,
    version: i64,
    application: Application,
    draft: ExtensionDraft,
    on_change: Callback<()>,
    /// The request changed since it was read (412): the page reads it again.
    on_stale: Callback<()>,
) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let is_officer = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
    let is_applicant = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::Applicant));
    let list = LocalResource::new(move || async move { call(|c| async move { c.retention_extensions(id).await }).await.map_err(ui) });
    let extensions = move || list.get().and_then(Result::ok);
    let application = StoredValue::new(application);
    // One question at a time, and never beyond the maximum in all (rule 6, the
    // service's check: `lifecycle::check_retention_extension`).
    let waiting = move || extensions().is_some_and(|l| l.iter().any(|e| e.decision.is_none()));
    let left = move || {
        let approved: u32 =
            extensions().unwrap_or_default().iter().filter(|e| e.decision.as_deref() == Some("approved")).map(|e| e.days).sum();
        application.with_value(|a| statreq_domain::lifecycle::retention_days_left(a, approved))
    };
    let ExtensionDraft { days, reason, comment } = draft;
    // Thirty days proposed, or what is left when less.
    Effect::new(move |_| {
        let l = left();
        if l != 0 && days.get_untracked().trim().parse::<u32>().is_ok_and(|d| d > l) {
            days.set(l.to_string());
        }
    });
    let note = RwSignal::new(None::<String>);
    // A reason or a decision's comment being written is not lost to a stray click.
    crate::browser::ask_before_leaving(
        move || !reason.get_untracked().trim().is_empty() || !comment.get_untracked().trim().is_empty(),
        move || tr(lang.get_untracked(), "leave_with_unsent_text"),
    );
    let done = move |res: Result<RetentionExtensionView, statreq_client::ClientError>| match res {
        Ok(_) => {
            note.set(None);
            draft.clear();
            list.refetch();
            on_change.run(());
        }
        Err(e) if e.status() == Some(412) => on_stale.run(()),
        Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
    };
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, why) = (days.get_untracked().trim().parse::<u32>().unwrap_or(0), reason.get_untracked());
        spawn_local(async move {
            let res = call(|c| {
                let why = why.clone();
                async move { c.request_retention_extension(id, n, &why).await }
            })
            .await;
            done(res);
        });
    };
    let decide = move |decision: ExtensionDecision| {
        let text = Some(comment.get_untracked()).filter(|c| !c.trim().is_empty());
        spawn_local(async move {
            let res = call(|c| {
                let text = text.clone();
                async move { c.decide_retention_extension(id, Some(version), decision, text.as_deref()).await }
            })
            .await;
            done(res);
        });
    };
    view! {
        <section class="card" aria-labelledby="ret-h">
            <h2 id="ret-h">{move || tr(lang.get(), "keeping_the_data_longer_rule_6")}</h2>
            {move || problem_note(lang.get(), list.get())}
            {move || extensions().is_some_and(|l| l.is_empty()).then(|| view! { <p id="ext-none">{tr(lang.get(), "no_extension_asked")}</p> })}
            <ul class="extensions">
                {move || list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| view! {
                    <li>
                        {tr_with(lang.get(), "extension_of_n_days", &[("days", e.days.to_string())])}" · "{e.reason.clone()}" · "
                        {e.requested_by.display_name.clone()}" · "{i18n::date(lang.get(), e.requested_at)}" · "
                        <strong>{match e.decision.as_deref() {
                            Some("approved") => tr(lang.get(), "extension_approved"),
                            Some("lapsed") => tr(lang.get(), "extension_lapsed"),
                            Some(_) => tr(lang.get(), "extension_refused"),
                            None => tr(lang.get(), "extension_waiting"),
                        }}</strong>
                        {e.comment.clone().map(|c| view! { " · "<q class="pre-line">{c}</q> })}
                    </li>
                }).collect_view()}
            </ul>
            <Show when=move || is_applicant() && extensions().is_some()>
                {move || {
                    let max = [("max", MAX_RETENTION_DAYS.to_string())];
                    if waiting() {
                        Some(view! { <p class="hint" id="ext-wait">{tr(lang.get(), "extension_waiting_ask_after")}</p> })
                    } else if left() == 0 {
                        Some(view! { <p class="hint" id="ext-wait">{tr_with(lang.get(), "extension_none_left", &max)}</p> })
                    } else {
                        None
                    }
                }}
            </Show>
            <Show when=move || is_applicant() && extensions().is_some() && !waiting() && left() != 0>
                <form on:submit=ask>
                    <label for="ext-days">{move || tr(lang.get(), "days_to_add")}</label>
                    <input id="ext-days" type="number" min="1" max=move || left().to_string() required aria-describedby="ext-left"
                        prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
                    <p class="hint" id="ext-left">{move || tr_with(lang.get(), "extension_at_most_n_days", &[("days", left().to_string()), ("max", MAX_RETENTION_DAYS.to_string())])}</p>
                    <label for="ext-reason">{move || tr(lang.get(), "why_the_data_is_still_needed")}</label>
                    <textarea id="ext-reason" rows="2" required prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <button type="submit">{move || tr(lang.get(), "ask_to_keep_it_longer")}</button>
                </form>
            </Show>
            <Show when=move || is_officer() && waiting()>
                <label for="ext-comment">{move || tr(lang.get(), "comment_required_to_refuse")}</label>
                <textarea id="ext-comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button type="button" on:click=move |_| decide(ExtensionDecision::Approve)>{move || tr(lang.get(), "approve_the_extension")}</button>
                    <button type="button" class="danger" on:click=move |_| decide(ExtensionDecision::Refuse)>{move || tr(lang.get(), "refuse_the_extension")}</button>
                </div>
            </Show>
            <p class="error pre-line" role="alert">{move || note.get()}</p>
        </section>
    }
}
