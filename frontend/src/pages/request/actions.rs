//! The actions the caller may take on a request, each with its own fields: a return
//! asks for its reason (and its reason code), destruction for its date and method,
//! taking out of order for the skip reason, delivery for the reply. Final or
//! destructive steps ask first and look different; each step says what happened.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::Action as RequestAction;
use statreq_contract::*;
use statreq_domain::OutcomeReason;

use crate::components::problem::err_text;
use crate::i18n::{self, text, tr, tr_with, Lang};
use crate::session::call;

pub(crate) fn action_label(lang: Lang, a: RequestAction) -> String {
    match a {
        RequestAction::Edit => tr(lang, "edit"),
        RequestAction::Submit => tr(lang, "submit"),
        RequestAction::Withdraw => tr(lang, "withdraw"),
        RequestAction::SupervisorApprove => tr(lang, "approve_2"),
        RequestAction::SupervisorReturn => tr(lang, "return"),
        RequestAction::SupervisorReject => tr(lang, "reject"),
        RequestAction::DgpaAccept => tr(lang, "accept"),
        RequestAction::DgpaReturn => tr(lang, "return"),
        RequestAction::DgpaReject => tr(lang, "reject_2"),
        RequestAction::Take => tr(lang, "take"),
        RequestAction::Deliver => tr(lang, "deliver"),
        RequestAction::RecordDestruction => tr(lang, "record_destruction"),
        RequestAction::Acknowledge => tr(lang, "acknowledge"),
        RequestAction::Hold => tr(lang, "hold"),
        RequestAction::Resume => tr(lang, "resume"),
        RequestAction::Rerate => tr(lang, "rerate"),
        RequestAction::Assign => tr(lang, "reassign"),
        RequestAction::MarkPersonal => tr(lang, "mark_as_personal_data"),
    }
}

/// The question a final or destructive action asks before it is sent.
pub(crate) fn confirmation(lang: Lang, a: RequestAction) -> Option<String> {
    let key = match a {
        RequestAction::Withdraw => "confirm_withdraw",
        RequestAction::SupervisorReject | RequestAction::DgpaReject => "confirm_reject",
        RequestAction::SupervisorReturn | RequestAction::DgpaReturn => "confirm_return",
        RequestAction::RecordDestruction => "confirm_destruction",
        RequestAction::MarkPersonal => "confirm_mark_personal",
        _ => return None,
    };
    Some(tr(lang, key))
}

/// The action's name on the wire (`dgpa_return`), for the button's id.
fn action_id(a: RequestAction) -> String {
    serde_json::to_value(a).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The text box an action asks for: its label's key and whether it must be filled.
fn text_box(a: RequestAction) -> Option<(&'static str, bool)> {
    Some(match a {
        RequestAction::Withdraw => ("why_withdraw_optional", false),
        RequestAction::SupervisorApprove => ("comment_optional", false),
        RequestAction::SupervisorReturn | RequestAction::DgpaReturn => ("what_to_correct", true),
        RequestAction::SupervisorReject | RequestAction::DgpaReject => ("why_not_accepted", true),
        RequestAction::DgpaAccept => ("comment_optional", false),
        RequestAction::Take => ("skip_reason_when_out_of_order", false),
        RequestAction::Deliver => ("reply_to_the_applicant", true),
        RequestAction::RecordDestruction => ("destruction_details_optional", false),
        RequestAction::Hold => ("why_hold", true),
        RequestAction::Rerate => ("why_rerate", true),
        RequestAction::Assign => ("comment_optional", false),
        RequestAction::MarkPersonal => ("why_personal", true),
        RequestAction::Submit | RequestAction::Acknowledge | RequestAction::Resume | RequestAction::Edit => return None,
    })
}

/// Ways of destroying delivered personal data (rule 6), as recorded.
const DESTRUCTION_METHODS: [&str; 4] =
    ["destroy_method_deleted", "destroy_method_shredded", "destroy_method_media", "destroy_method_other"];

/// What an action's form holds while it is being filled in, kept by the request's page:
/// the page is drawn again after any step on it and in the other language, and a return's
/// reason or a delivery's reply half written is not lost to that (nor the form closed).
#[derive(Clone, Copy)]
pub struct ActionDraft {
    chosen: RwSignal<Option<RequestAction>>,
    comment: RwSignal<String>,
    /// A difficulty chosen other than the request's own.
    difficulty: RwSignal<Option<i64>>,
    destroyed_on: RwSignal<String>,
    method: RwSignal<String>,
    assignee: RwSignal<String>,
    reason_code: RwSignal<String>,
    retention: RwSignal<String>,
    source_id: RwSignal<String>,
}

impl ActionDraft {
    pub fn new() -> Self {
        let text = || RwSignal::new(String::new());
        let draft = Self {
            chosen: RwSignal::new(None),
            comment: text(),
            difficulty: RwSignal::new(None),
            destroyed_on: text(),
            method: text(),
            assignee: text(),
            reason_code: text(),
            retention: text(),
            source_id: text(),
        };
        draft.clear();
        draft
    }

    /// Nothing chosen or written (the retention proposed, 90 days): after a step is
    /// taken, or on another request's page.
    pub fn clear(&self) {
        self.chosen.set(None);
        self.difficulty.set(None);
        for text in [self.comment, self.destroyed_on, self.method, self.assignee, self.reason_code, self.source_id] {
            text.set(String::new());
        }
        self.retention.set(String::from("90"));
    }
}

#[component]
pub fn RequestActions(
    r: RequestView,
    draft: ActionDraft,
    /// Existing sources that cover the requirement, for a return that redirects there.
    sources: Signal<Vec<(String, String)>>,
    officers: Signal<Vec<UserRef>>,
    on_done: Callback<(RequestAction, RequestView)>,
    /// The request changed since it was read (412): the page reads it again.
    on_stale: Callback<()>,
) -> impl IntoView {
    let lang = i18n::lang();
    let id = r.id;
    let version = r.version;
    let actions: Vec<RequestAction> = r.allowed_actions.iter().copied().filter(|a| *a != RequestAction::Edit).collect();
    let allowed = actions.clone();
    let ActionDraft { chosen, comment, destroyed_on, method, assignee, reason_code, retention, source_id, .. } = draft;
    // What it has now: the difficulty marked as such, and its officer not offered to
    // take it over (either would be refused as changing nothing).
    let current_difficulty = r.difficulty.map(i64::from);
    let current_officer = r.assignee.as_ref().map(|u| u.id);
    let difficulty = move || draft.difficulty.get_untracked().or(current_difficulty).unwrap_or(3);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // A reason being written (a return's, a rejection's) is not lost to a stray click.
    crate::browser::ask_before_leaving(
        move || chosen.get_untracked().is_some() && !comment.get_untracked().trim().is_empty(),
        move || tr(lang.get_untracked(), "leave_with_unsent_text"),
    );
    let run = move |a: RequestAction| {
        let l = lang.get_untracked();
        let typed = comment.get_untracked().trim().to_string();
        if text_box(a).is_some_and(|(_, required)| required) && typed.is_empty() {
            message.set(Some(tr(l, "fill_in_the_required_field")));
            return;
        }
        let date = chrono::NaiveDate::parse_from_str(&destroyed_on.get_untracked(), "%Y-%m-%d").ok();
        if a == RequestAction::RecordDestruction && (date.is_none() || method.get_untracked().is_empty()) {
            // An empty date is said so here, never sent as 1970-01-01.
            message.set(Some(tr(l, "choose_the_destruction_date_and_method")));
            return;
        }
        if a == RequestAction::Assign && assignee.get_untracked().parse::<i64>().is_err() {
            message.set(Some(tr(l, "choose_an_officer")));
            return;
        }
        let reason = OutcomeReason::parse(&reason_code.get_untracked());
        if matches!(a, RequestAction::DgpaReturn | RequestAction::DgpaReject) && reason.is_none() {
            message.set(Some(tr(l, "choose_the_reason")));
            return;
        }
        if let Some(question) = confirmation(l, a) {
            let yes = crate::browser::confirm(&question);
            if !yes {
                return;
            }
        }
        let opt = (!typed.is_empty()).then_some(typed.clone());
        let d = Difficulty::new(difficulty()).ok();
        let assign_to = assignee.get_untracked().parse::<i64>().ok();
        let keep_days = retention.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let source = Some(source_id.get_untracked()).filter(|s| !s.is_empty() && reason.is_some_and(|r| r.needs_source()));
        let how = {
            let m = tr(l, &method.get_untracked());
            if typed.is_empty() {
                m
            } else {
                format!("{m}{}{typed}", crate::components::application::colon(l))
            }
        };
        busy.set(true);
        spawn_local(async move {
            // Delivering is final: with no result file the applicant gets the reply only,
            // which is asked first (an early click is not a delivery).
            if a == RequestAction::Deliver {
                let none = call(|c| async move { c.deliveries(id).await }).await.is_ok_and(|m| m.files.is_empty());
                if none && !crate::browser::confirm(&tr(l, "confirm_deliver_without_files")) {
                    busy.set(false);
                    return;
                }
            }
            let v = Some(version);
            let res = call(|c| {
                let (opt, typed, source, how) = (opt.clone(), typed.clone(), source.clone(), how.clone());
                let outcome_comment = opt.clone();
                let outcome = move |decision| DgpaDecisionBody {
                    decision,
                    difficulty: None,
                    comment: outcome_comment.clone(),
                    reason_code: reason,
                    source_id: source.clone(),
                };
                async move {
                    match a {
                        RequestAction::Submit => c.submit(id, v).await,
                        RequestAction::Withdraw => c.withdraw(id, v, opt.as_deref()).await,
                        RequestAction::SupervisorApprove => c.supervisor_decision(id, v, Decision::Approve, opt.as_deref()).await,
                        RequestAction::SupervisorReturn => c.supervisor_decision(id, v, Decision::Return, opt.as_deref()).await,
                        RequestAction::SupervisorReject => c.supervisor_decision(id, v, Decision::Reject, opt.as_deref()).await,
                        RequestAction::DgpaAccept => c.dgpa_decision(id, v, DgpaDecision::Accept, d, opt.as_deref()).await,
                        RequestAction::DgpaReturn => c.dgpa_decision_with(id, v, &outcome(DgpaDecision::Return)).await,
                        RequestAction::DgpaReject => c.dgpa_decision_with(id, v, &outcome(DgpaDecision::Reject)).await,
                        RequestAction::Take => c.take_with(id, v, &TakeBody { assignee: assign_to, skip_reason: opt.clone() }).await,
                        RequestAction::Deliver => c.deliver(id, v, &typed).await,
                        RequestAction::Acknowledge => c.acknowledge(id, v).await,
                        RequestAction::RecordDestruction => match date {
                            Some(destroyed_on) => c.record_destruction(id, v, &DestructionBody { destroyed_on, method: how }).await,
                            None => c.get_request(id).await,
                        },
                        RequestAction::Edit => c.get_request(id).await,
                        RequestAction::Hold => c.hold(id, v, &typed).await,
                        RequestAction::MarkPersonal => c.mark_personal(id, v, &typed, keep_days).await,
                        RequestAction::Resume => c.resume(id, v).await,
                        RequestAction::Rerate => match d {
                            Some(diff) => c.rerate(id, v, diff, &typed).await,
                            None => c.get_request(id).await,
                        },
                        RequestAction::Assign => match assign_to {
                            Some(to) => c.assign(id, v, to, opt.as_deref()).await,
                            None => c.get_request(id).await,
                        },
                    }
                }
            })
            .await;
            busy.set(false);
            match res {
                Ok(view) => {
                    message.set(None);
                    draft.clear();
                    on_done.run((a, view));
                }
                Err(e) if e.status() == Some(412) => on_stale.run(()),
                Err(e) => message.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let required_mark = move |required: bool| required.then(|| view! { " "<span class="required">{tr(lang.get(), "required")}</span> });
    view! {
        <section class="card" aria-labelledby="act-h">
            <h2 id="act-h">{move || tr(lang.get(), "actions")}</h2>
            <div class="actions">
                {actions.into_iter().map(|a| {
                    let danger = confirmation(Lang::Zh, a).is_some();
                    view! {
                        <button type="button" class=if danger { "danger" } else { "" } id=format!("act-{}", action_id(a))
                            aria-pressed=move || (chosen.get() == Some(a)).to_string()
                            on:click=move |_| {
                                message.set(None);
                                if text_box(a).is_none() { run(a) } else { chosen.set(Some(a)) }
                            }>{move || action_label(lang.get(), a)}</button>
                    }
                }).collect_view()}
            </div>
            // An action the request no longer allows (it changed meanwhile) has no form.
            {move || chosen.get().filter(|a| allowed.contains(a)).map(|a| {
                let l = lang.get();
                let (label, required) = text_box(a).unwrap_or(("comment_optional", false));
                let danger = confirmation(Lang::Zh, a).is_some();
                view! {
                    <form class="action-form" novalidate on:submit=move |ev| { ev.prevent_default(); run(a); }>
                        <fieldset>
                            <legend>{action_label(l, a)}</legend>
                            {matches!(a, RequestAction::DgpaReturn | RequestAction::DgpaReject).then(|| view! {
                                <label for="reason-code">{tr(l, "reason_for_a_return_or_rejection")}{required_mark(true)}</label>
                                <select id="reason-code" required on:change=move |ev| reason_code.set(event_target_value(&ev))>
                                    <option value="">{tr(l, "choose")}</option>
                                    {OutcomeReason::ALL.into_iter().map(|x| view! {
                                        <option value=x.as_str() selected=reason_code.get_untracked() == x.as_str()>{text(l, &x.label())}</option>
                                    }).collect_view()}
                                </select>
                                <Show when=move || reason_code.get() == "available_in_existing_source">
                                    <label for="source-id">{move || tr(lang.get(), "the_existing_source_that_has_the_data")}</label>
                                    <select id="source-id" on:change=move |ev| source_id.set(event_target_value(&ev))>
                                        <option value="">{move || tr(lang.get(), "choose")}</option>
                                        {move || sources.get().into_iter().map(|(value, label)| view! { <option selected=source_id.get_untracked() == value value=value>{label}</option> }).collect_view()}
                                    </select>
                                </Show>
                            })}
                            {matches!(a, RequestAction::DgpaAccept | RequestAction::Rerate).then(|| view! {
                                <label for="difficulty">{tr(l, "difficulty_1_easy_5_hard")}{required_mark(true)}</label>
                                <select id="difficulty" on:change=move |ev| draft.difficulty.set(event_target_value(&ev).parse().ok())>
                                    {(1..=5).map(|n| view! {
                                        <option value=n selected=n == difficulty()>
                                            {n}{(a == RequestAction::Rerate && current_difficulty == Some(n)).then(|| tr(l, "current_mark"))}
                                        </option>
                                    }).collect_view()}
                                </select>
                            })}
                            {matches!(a, RequestAction::Take | RequestAction::Assign).then(|| view! {
                                <label for="assignee">{tr(l, if a == RequestAction::Take { "assign_to_default_yourself" } else { "assign_to" })}</label>
                                <select id="assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                                    <option value="">{tr(l, if a == RequestAction::Take { "myself" } else { "choose" })}</option>
                                    {move || officers.get().into_iter().filter(|o| a != RequestAction::Assign || Some(o.id) != current_officer)
                                        .map(|o| view! { <option value=o.id.to_string() selected=assignee.get_untracked() == o.id.to_string()>{o.display_name.clone()}</option> }).collect_view()}
                                </select>
                            })}
                            {(a == RequestAction::RecordDestruction).then(|| view! {
                                <label for="destroyed-on">{tr(l, "destroyed_on")}{required_mark(true)}</label>
                                <input id="destroyed-on" type="date" required prop:value=move || destroyed_on.get() on:input=move |ev| destroyed_on.set(event_target_value(&ev)) />
                                <label for="method">{tr(l, "destruction_method")}{required_mark(true)}</label>
                                <select id="method" required on:change=move |ev| method.set(event_target_value(&ev))>
                                    <option value="">{tr(l, "choose")}</option>
                                    {DESTRUCTION_METHODS.into_iter().map(|m| view! { <option value=m selected=method.get_untracked() == m>{tr(l, m)}</option> }).collect_view()}
                                </select>
                            })}
                            {(a == RequestAction::MarkPersonal).then(|| view! {
                                <label for="retention-days">{tr(l, "retention_days_if_marked_personal")}{required_mark(true)}</label>
                                <input id="retention-days" type="number" min="1" max=statreq_domain::application::MAX_RETENTION_DAYS.to_string() required prop:value=move || retention.get() on:input=move |ev| retention.set(event_target_value(&ev)) />
                            })}
                            <label for="comment">{tr(l, label)}{required_mark(required)}</label>
                            <textarea id="comment" rows="3" required=required prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                            <div class="actions">
                                <button type="submit" id="act-confirm" class=if danger { "danger" } else { "" } disabled=move || busy.get()>
                                    {tr_with(l, "do_action", &[("action", action_label(l, a))])}
                                </button>
                                <button type="button" class="link" on:click=move |_| chosen.set(None)>{tr(l, "cancel")}</button>
                            </div>
                        </fieldset>
                    </form>
                }
            })}
            <p class="error pre-line" role="alert">{move || message.get()}</p>
        </section>
    }
}
