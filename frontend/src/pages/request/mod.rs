//! One request: what was applied for, the findings, the actions the caller may take, the timeline.

pub mod extras;
pub mod retention;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use statreq_contract::Action as RequestAction;
use statreq_contract::*;
use statreq_domain::Severity;

use crate::components::loading::{failed, loading};
use crate::components::problem::{err_text, problem_note, ui};
use crate::components::request::{route_id, route_request};
use crate::i18n::{self, text, tr, tr_with, Lang};
use crate::pages::request::extras::RequestExtras;
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
fn confirmation(lang: Lang, a: RequestAction) -> Option<String> {
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

#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = i18n::lang();
    let id = route_id();
    let request = route_request(id);
    let events = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.events(id).await }).await.map_err(ui) }
    });
    let findings = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.check_request(id).await }).await.map_err(ui) }
    });
    let coverage = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.request_sources(id).await }).await.map_err(ui) }
    });
    let comment = RwSignal::new(String::new());
    let difficulty = RwSignal::new(3i64);
    let destroyed_on = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let reason_code = RwSignal::new(String::new());
    let retention = RwSignal::new(String::from("90"));
    let source_id = RwSignal::new(String::new());
    let officers = LocalResource::new(|| async { call(|c| async move { c.officers().await }).await.unwrap_or_default() });
    let message = RwSignal::new(None::<String>);
    let receipt = RwSignal::new(None::<String>);
    let act = move |a: RequestAction, version: i64| {
        let id = id();
        let body_comment = comment.get_untracked();
        let c_opt = (!body_comment.trim().is_empty()).then_some(body_comment.clone());
        let d = difficulty.get_untracked();
        let on = destroyed_on.get_untracked();
        let assign_to = assignee.get_untracked().parse::<i64>().ok();
        let keep_days = retention.get_untracked().trim().parse::<u32>().unwrap_or(0);
        // An empty or unreadable date is said so here, never sent as 1970-01-01.
        if a == RequestAction::RecordDestruction && chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d").is_err() {
            message.set(Some(tr(lang.get_untracked(), "choose_the_destruction_date")));
            return;
        }
        // Final or destructive steps ask first, saying what will happen.
        if let Some(question) = confirmation(lang.get_untracked(), a) {
            let yes = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
            if !yes {
                return;
            }
        }
        let reason = statreq_domain::OutcomeReason::parse(&reason_code.get_untracked());
        let source = Some(source_id.get_untracked()).filter(|s| !s.is_empty() && reason.is_some_and(|r| r.needs_source()));
        spawn_local(async move {
            let v = Some(version);
            let res = call(|c| {
                let c_opt = c_opt.clone();
                let body_comment = body_comment.clone();
                let on = on.clone();
                let source = source.clone();
                let outcome_comment = c_opt.clone();
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
                        RequestAction::Withdraw => c.withdraw(id, v, c_opt.as_deref()).await,
                        RequestAction::SupervisorApprove => c.supervisor_decision(id, v, Decision::Approve, c_opt.as_deref()).await,
                        RequestAction::SupervisorReturn => c.supervisor_decision(id, v, Decision::Return, c_opt.as_deref()).await,
                        RequestAction::SupervisorReject => c.supervisor_decision(id, v, Decision::Reject, c_opt.as_deref()).await,
                        RequestAction::DgpaAccept => {
                            c.dgpa_decision(id, v, DgpaDecision::Accept, Difficulty::new(d).ok(), c_opt.as_deref()).await
                        }
                        RequestAction::DgpaReturn => c.dgpa_decision_with(id, v, &outcome(DgpaDecision::Return)).await,
                        RequestAction::DgpaReject => c.dgpa_decision_with(id, v, &outcome(DgpaDecision::Reject)).await,
                        RequestAction::Take => c.take_with(id, v, &TakeBody { assignee: assign_to, skip_reason: c_opt.clone() }).await,
                        RequestAction::Deliver => c.deliver(id, v, &body_comment).await,
                        RequestAction::Acknowledge => c.acknowledge(id, v).await,
                        RequestAction::RecordDestruction => match chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d") {
                            Ok(date) => {
                                c.record_destruction(id, v, &DestructionBody { destroyed_on: date, method: body_comment.clone() }).await
                            }
                            Err(_) => c.get_request(id).await,
                        },
                        RequestAction::Edit => c.get_request(id).await,
                        RequestAction::Hold => c.hold(id, v, &body_comment).await,
                        RequestAction::MarkPersonal => c.mark_personal(id, v, &body_comment, keep_days).await,
                        RequestAction::Resume => c.resume(id, v).await,
                        RequestAction::Rerate => match Difficulty::new(d) {
                            Ok(diff) => c.rerate(id, v, diff, &body_comment).await,
                            Err(_) => c.get_request(id).await,
                        },
                        RequestAction::Assign => match assign_to {
                            Some(to) => c.assign(id, v, to, c_opt.as_deref()).await,
                            None => c.get_request(id).await,
                        },
                    }
                }
            })
            .await;
            match res {
                Ok(r) => {
                    message.set(None);
                    comment.set(String::new());
                    if a == RequestAction::Submit {
                        let l = lang.get_untracked();
                        receipt.set(Some(tr_with(
                            l,
                            "submitted_receipt",
                            &[("id", r.id.to_string()), ("revision", r.revision.to_string()), ("at", i18n::datetime(l, r.updated_at))],
                        )));
                    }
                    request.refetch();
                }
                Err(e) => message.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        {move || match request.get() {
            None => loading(lang.get()),
            Some(Err(e)) => failed(lang.get(), &e),
            Some(Ok(r)) => {
                let app = r.application.clone();
                let version = r.version;
                let actions: Vec<RequestAction> = r.allowed_actions.iter().copied().filter(|a| *a != RequestAction::Edit).collect();
                let needs_difficulty = actions.contains(&RequestAction::DgpaAccept) || actions.contains(&RequestAction::Rerate);
                let marks_personal = actions.contains(&RequestAction::MarkPersonal);
                let gives_reason = actions.contains(&RequestAction::DgpaReturn) || actions.contains(&RequestAction::DgpaReject);
                let needs_date = actions.contains(&RequestAction::RecordDestruction);
                let can_edit = r.allowed_actions.contains(&RequestAction::Edit);
                let can_take = actions.contains(&RequestAction::Take) || actions.contains(&RequestAction::Assign);
                view! {
                    <h1>{tr(lang.get(), "request_4")}" "{r.id}</h1>
                    {move || receipt.get().map(|m| view! { <p class="receipt" role="status">{m}</p> })}
                    <p><span class=format!("state {}", r.state.as_str())>{text(lang.get(), &r.state_label)}</span>
                       " · "{r.agency_name.clone()}" · "{tr_with(lang.get(), "revision_n_lower", &[("n", r.revision.to_string())])}</p>
                    <section class="card" aria-labelledby="app-h">
                        <h2 id="app-h">{tr(lang.get(), "application")}</h2>
                        <p class="actions">
                            {can_edit.then(|| view! { <A href=format!("/requests/{}/edit", r.id)>{tr(lang.get(), "edit_the_application")}</A> })}
                            <A href=format!("/requests/{}/print", r.id)>{tr(lang.get(), "printable_form")}</A>
                        </p>
                        <dl>
                            <dt>{tr(lang.get(), "applicant_2")}</dt><dd>{app.contact.name.clone()}" "{app.contact.phone.clone()}" "{app.contact.email.clone()}</dd>
                            <dt>{tr(lang.get(), "reason")}</dt><dd>{app.reason.clone()}</dd>
                            <dt>{tr(lang.get(), "requirement")}</dt><dd>{app.requirement.description.clone()}</dd>
                            <dt>{tr(lang.get(), "fields_2")}</dt><dd>{app.requirement.fields.join("、")}</dd>
                            <dt>{tr(lang.get(), "conditions")}</dt><dd>{app.requirement.conditions.clone()}
                                {(!app.requirement.filters.is_empty()).then(|| view! {
                                    <ul class="filters">{app.requirement.filters.iter().map(|c| view! { <li><code>{format!("{} {} {}", c.field, c.op.as_str(), c.values.join(", "))}</code></li> }).collect_view()}</ul>
                                })}</dd>
                            {(!app.requirement.breakdowns.is_empty()).then(|| view! {
                                <dt>{tr(lang.get(), "breakdowns")}</dt><dd>{app.requirement.breakdowns.join("、")}</dd>
                            })}
                            <dt>{tr(lang.get(), "personal_data_4")}</dt><dd>{match app.personal_data.contains { Some(true) => tr(lang.get(), "yes"), Some(false) => tr(lang.get(), "no_2"), None => "—".into() }}</dd>
                            {r.destroy_by.map(|d| view! { <dt>{tr(lang.get(), "destroy_by")}</dt><dd class=if r.destruction_overdue { "error" } else { "" }>{i18n::day(lang.get(), d)}</dd> })}
                            {r.destruction.clone().map(|d| view! {
                                <dt>{tr(lang.get(), "destruction_record")}</dt>
                                <dd>{i18n::day(lang.get(), d.destroyed_on)}" · "{d.method.clone()}" · "{d.recorded_by.display_name.clone()}" · "{i18n::datetime(lang.get(), d.recorded_at)}</dd>
                            })}
                            {r.reply.clone().map(|rep| view! { <dt>{tr(lang.get(), "dgpa_s_reply")}</dt><dd>{rep}</dd> })}
                        </dl>
                    </section>
                    {move || problem_note(lang.get(), findings.get())}
                    {move || problem_note(lang.get(), coverage.get())}
                    {move || findings.get().and_then(Result::ok).filter(|f| !f.findings.is_empty()).map(|f| view! {
                        <section class="card" aria-labelledby="f-h">
                            <h2 id="f-h">{tr(lang.get(), "check")}</h2>
                            <ul class="findings">
                                {f.findings.into_iter().map(|x| view! {
                                    <li class=if x.severity == Severity::Error { "error" } else { "warning" }>
                                        <strong>{if x.severity == Severity::Error { tr(lang.get(), "error") } else { tr(lang.get(), "warning") }}</strong>
                                        " "{text(lang.get(), &x.message)}" "<code>{x.pointer.clone()}</code>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {move || findings.get().and_then(Result::ok).filter(|f| !f.similar.visible.is_empty() || f.similar.other_count > 0).map(|f| view! {
                        <section class="card" aria-labelledby="sim-h">
                            <h2 id="sim-h">{tr(lang.get(), "similar_delivered_requests")}</h2>
                            <ul class="similar">
                                {f.similar.visible.into_iter().map(|m| view! {
                                    <li><A href=format!("/requests/{}", m.request_id)>{tr(lang.get(), "request_2")}{m.request_id}</A>
                                        " · "{m.agency_code}" · "{format!("{}%", m.percent)}" · "{m.shared_fields.join("、")}</li>
                                }).collect_view()}
                            </ul>
                            {(f.similar.other_count > 0).then(|| view! {
                                <p>{tr_with(lang.get(), "similar_requests_of_other_agencies", &[("count", f.similar.other_count.to_string())])}</p>
                            })}
                        </section>
                    })}
                    {move || coverage.get().and_then(Result::ok).filter(|c| !c.is_empty()).map(|list| view! {
                        <section class="card" aria-labelledby="cov-h">
                            <h2 id="cov-h">{tr(lang.get(), "what_existing_sources_cover_rule_4")}</h2>
                            <ul class="coverage">
                                {list.into_iter().take(5).map(|c| {
                                    let missing: Vec<String> = c.missing.iter().chain(&c.missing_breakdowns).chain(&c.missing_filters).cloned().collect();
                                    view! {
                                        <li>{text(lang.get(), &c.title)}" · "{format!("{}%", c.percent)}
                                            {(!missing.is_empty()).then(|| view! { " · "{tr(lang.get(), "lacks")}{missing.join("、")} })}</li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <Show when={let has = !actions.is_empty(); move || has}>
                        <section class="card" aria-labelledby="act-h">
                            <h2 id="act-h">{tr(lang.get(), "actions")}</h2>
                            <label for="comment">{tr(lang.get(), "comment_required_to_return_or_reject")}</label>
                            <textarea id="comment" rows="3" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                            <Show when=move || needs_difficulty>
                                <label for="difficulty">{tr(lang.get(), "difficulty_1_easy_5_hard")}</label>
                                <select id="difficulty" on:change=move |ev| difficulty.set(event_target_value(&ev).parse().unwrap_or(3))>
                                    {(1..=5).map(|n| view! { <option value=n selected=n == 3>{n}</option> }).collect_view()}
                                </select>
                            </Show>
                            <Show when=move || gives_reason>
                                <label for="reason-code">{tr(lang.get(), "reason_for_a_return_or_rejection")}</label>
                                <select id="reason-code" on:change=move |ev| reason_code.set(event_target_value(&ev))>
                                    <option value="">{tr(lang.get(), "choose")}</option>
                                    {statreq_domain::OutcomeReason::ALL.into_iter().map(|r| view! {
                                        <option value=r.as_str()>{text(lang.get(), &r.label())}</option>
                                    }).collect_view()}
                                </select>
                                <Show when=move || reason_code.get() == "available_in_existing_source">
                                    <label for="source-id">{tr(lang.get(), "the_existing_source_that_has_the_data")}</label>
                                    <select id="source-id" on:change=move |ev| source_id.set(event_target_value(&ev))>
                                        <option value="">{tr(lang.get(), "choose")}</option>
                                        {move || coverage.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| view! {
                                            <option value=c.entry_id.clone()>{text(lang.get(), &c.title)}" · "{format!("{}%", c.percent)}</option>
                                        }).collect_view()}
                                    </select>
                                </Show>
                            </Show>
                            <Show when=move || marks_personal>
                                <label for="retention-days">{tr(lang.get(), "retention_days_if_marked_personal")}</label>
                                <input id="retention-days" type="number" min="1" max="365" prop:value=move || retention.get() on:input=move |ev| retention.set(event_target_value(&ev)) />
                            </Show>
                            <Show when=move || can_take>
                                <label for="assignee">{tr(lang.get(), "assign_to_default_yourself")}</label>
                                <select id="assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                                    <option value="">{tr(lang.get(), "myself")}</option>
                                    {move || officers.get().unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.display_name.clone()}</option> }).collect_view()}
                                </select>
                            </Show>
                            <Show when=move || needs_date>
                                <label for="destroyed-on">{tr(lang.get(), "destroyed_on")}</label>
                                <input id="destroyed-on" type="date" prop:value=move || destroyed_on.get() on:input=move |ev| destroyed_on.set(event_target_value(&ev)) />
                            </Show>
                            <div class="actions">
                                {actions.clone().into_iter().map(|a| view! {
                                    <button type="button" class=if confirmation(Lang::Zh, a).is_some() { "danger" } else { "" } on:click=move |_| act(a, version)>{action_label(lang.get(), a)}</button>
                                }).collect_view()}
                            </div>
                            <p class="error pre-line" role="alert">{move || message.get()}</p>
                        </section>
                    </Show>
                    <RequestExtras id=r.id state=r.state can_edit=can_edit />
                    {(r.state == State::Delivered && r.application.declares_personal_data()).then(|| view! {
                        <crate::pages::request::retention::Retention id=r.id version=r.version on_change=Callback::new(move |_| request.refetch()) />
                    })}
                    <section class="card" aria-labelledby="tl-h">
                        <h2 id="tl-h">{tr(lang.get(), "timeline")}</h2>
                        {move || problem_note(lang.get(), events.get())}
                        <ol class="timeline">
                            {move || events.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| view! {
                                <li>{i18n::datetime(lang.get(), e.at)}" · "{text(lang.get(), &e.to_state.label())}" · "{e.actor.display_name.clone()}
                                    {outcome_reason(&e.data).map(|r| view! { " · "<strong>{text(lang.get(), &r.label())}</strong> })}
                                    {e.data.get("source_id").and_then(|v| v.as_str()).map(|id| view! {
                                        " · "<a href=format!("/sources/{id}")>{tr(lang.get(), "see_the_existing_source")}</a>
                                    })}
                                    {e.comment.clone().map(|c| view! { <q>{c}</q> })}</li>
                            }).collect_view()}
                        </ol>
                    </section>
                }.into_any()
            }
        }}
    }
}

/// The reason code a return or rejection carries, if any.
fn outcome_reason(data: &serde_json::Value) -> Option<statreq_domain::OutcomeReason> {
    data.get("reason_code").and_then(|v| v.as_str()).and_then(statreq_domain::OutcomeReason::parse)
}
