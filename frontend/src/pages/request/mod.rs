//! One request: what was applied for, the findings, the actions the caller may take, the timeline.

pub mod actions;
pub mod extras;
pub mod questions;
pub mod retention;

use leptos::prelude::*;
use leptos_router::components::A;
use statreq_contract::Action as RequestAction;
use statreq_contract::*;
use statreq_domain::Severity;

use crate::components::application::{colon, coverage_gaps, field_name, place, use_field_names, ApplicationView};
use crate::components::loading::Async;
use crate::components::problem::{problem_note, ui};
use crate::components::request::{route_id, route_request, RequestFrame};
use crate::i18n::{self, text, tr, tr_with};
use crate::pages::request::actions::{action_label, ActionDraft, RequestActions};
use crate::pages::request::extras::RequestExtras;
use crate::pages::request::retention::ExtensionDraft;
use crate::session::call;

#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = crate::session::session();
    let id = route_id();
    let request = route_request(id);
    // Each change made here: the request is read again, and what follows from it. (They
    // followed the request itself, and so were each asked twice on opening the page:
    // with the request still loading, and once it came.)
    let changes = RwSignal::new(0u32);
    let reload = move || {
        request.refetch();
        changes.update(|n| *n += 1);
    };
    let events = LocalResource::new(move || {
        let id = id();
        changes.track();
        async move { call(|c| async move { c.events(id).await }).await.map_err(ui) }
    });
    let findings = LocalResource::new(move || {
        let id = id();
        changes.track();
        async move { call(|c| async move { c.check_request(id).await }).await.map_err(ui) }
    });
    let coverage = LocalResource::new(move || {
        let id = id();
        changes.track();
        async move { call(|c| async move { c.request_sources(id).await }).await.map_err(ui) }
    });
    let names = use_field_names();
    // DGPA's officers, for taking and reassigning work: asked for by DGPA only (anyone
    // else is refused, a 403 on every request page).
    let officers = LocalResource::new(move || {
        let dgpa = session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
        async move {
            match dgpa {
                true => call(|c| async move { c.officers().await }).await.unwrap_or_default(),
                false => Vec::new(),
            }
        }
    });
    let receipt = RwSignal::new(None::<String>);
    let changed_meanwhile = RwSignal::new(false);
    let query = leptos_router::hooks::use_query_map();
    let submitted_from_form = move || query.read().get("submitted").is_some();
    let not_submitted = move || query.read().get("not_submitted").is_some();
    let registered = move || query.read().get("registered").is_some();
    // A copy whose earlier files could not all be attached (pages/form_carry.rs).
    let not_carried = move || query.read().get("not_carried").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0);
    // Each step says what happened: submission with its receipt, the others with the new state.
    let done = Callback::new(move |(a, r): (RequestAction, RequestView)| {
        let l = lang.get_untracked();
        receipt.set(Some(if a == RequestAction::Submit {
            tr_with(
                l,
                "submitted_receipt",
                &[("id", r.id.to_string()), ("revision", r.revision.to_string()), ("at", i18n::datetime(l, r.updated_at))],
            )
        } else {
            tr_with(l, "action_done", &[("action", action_label(l, a)), ("state", text(l, &r.state_label))])
        }));
        changed_meanwhile.set(false);
        reload();
    });
    // A step refused because the request changed since the page read it (412): read
    // again, with what was being written kept (`action_draft`), and said so.
    let stale = Callback::new(move |()| {
        receipt.set(None);
        changed_meanwhile.set(true);
        reload();
    });
    // Drawn again as the request now stands, the page takes the keyboard to the warning
    // (the step's button it was on is gone).
    Effect::new(move |_| {
        let _ = request.get();
        if changed_meanwhile.get_untracked() {
            crate::browser::focus_when_there("changed-meanwhile");
        }
    });
    // Opening a request reads the notices about it.
    crate::pages::inbox::read_when_shown(session, move || request.get().and_then(Result::ok).map(|r| format!("/requests/{}", r.id)));
    // Whether the page lists result files (which [`RequestExtras`] loads).
    let has_files = RwSignal::new(false);
    let attached = RwSignal::new(false);
    // The message being written, kept while the page is drawn again after a step; another
    // request's page starts without it.
    let message_draft = RwSignal::new(String::new());
    // So is an action's form being filled in, a question to keep the data longer, and
    // a reason to release a result file's marked cells.
    let action_draft = ActionDraft::new();
    let extension_draft = ExtensionDraft::new();
    let release_reasons = RwSignal::new(std::collections::BTreeMap::<i64, String>::new());
    crate::components::on_change(id, move || {
        message_draft.set(String::new());
        action_draft.clear();
        extension_draft.clear();
        release_reasons.set(Default::default());
        changed_meanwhile.set(false);
    });
    view! {
        <RequestFrame request=request id=Signal::derive(id)>
        <Async resource=request let:r>
            {{
                let app = r.application.clone();
                let app_for_findings = app.clone();
                let actions: Vec<RequestAction> = r.allowed_actions.iter().copied().filter(|a| *a != RequestAction::Edit).collect();
                let can_edit = r.allowed_actions.contains(&RequestAction::Edit);
                let open = statreq_domain::lifecycle::application_may_change(r.state);
                // The office that applied may start a new application from this one's.
                // (Once the profile has loaded: a page opened directly renders before it.)
                let (not_draft, agency) = (r.state != State::Draft, r.agency_code.clone());
                let copyable = move || {
                    not_draft && session.me.with(|m| m.as_ref().is_some_and(|m| m.agency_code == agency && m.roles.contains(&Role::Applicant)))
                };
                let (id, subject) = (r.id, statreq_domain::application::headline(&r.application.reason));
                view! {
                    // The reason names it in the heading, and so in the window's title:
                    // one tab among many open requests tells which it is.
                    <h1>{move || match subject.as_str() {
                        "" => format!("{} {id}", tr(lang.get(), "request_4")),
                        reason => tr_with(lang.get(), "request_n_reason", &[("id", id.to_string()), ("reason", reason.to_string())]),
                    }}</h1>
                    {move || receipt.get().or_else(|| {
                        // Submitted from the form's "check and submit": the receipt of that.
                        let l = lang.get();
                        (submitted_from_form() && r.state == State::PendingSupervisor).then(|| tr_with(
                            l,
                            "submitted_receipt",
                            &[("id", r.id.to_string()), ("revision", r.revision.to_string()), ("at", i18n::datetime(l, r.updated_at))],
                        ))
                        // Registered from paper or e-mail: now awaiting DGPA's review.
                        .or_else(|| (registered() && r.state == State::PendingDgpa).then(|| tr_with(l, "registered_receipt", &[("id", r.id.to_string())])))
                    }).map(|m| view! { <p class="receipt" role="status">{m}</p> })}
                    {move || changed_meanwhile.get().then(|| view! {
                        <p class="warning" role="alert" id="changed-meanwhile" tabindex="-1">{tr(lang.get(), "request_changed_meanwhile")}</p>
                    })}
                    {move || (not_submitted() && matches!(r.state, State::Draft | State::Returned)).then(|| view! {
                        <p class="error" role="alert">{tr(lang.get(), "saved_but_not_submitted")}</p>
                    })}
                    {move || not_carried().filter(|_| r.state == State::Draft).map(|n| view! {
                        <p class="error" role="alert" id="not-carried">{tr_with(lang.get(), "attachments_not_carried", &[("n", n.to_string())])}</p>
                    })}
                    <p><span class=format!("state {}", r.state.as_str())>{text(lang.get(), &r.state_label)}</span>
                       " · "{r.agency_name.clone()}
                       // Who reviews its applications (rule 5.1): whom to ask while it waits.
                       {(!r.supervising_agencies.is_empty()).then(|| {
                           let names = r.supervising_agencies.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
                           view! { " · "<span id="supervising-agency">{move || {
                               let sep = if lang.get() == i18n::Lang::Zh { "、" } else { ", " };
                               tr_with(lang.get(), "supervising_agency_is", &[("names", names.join(sep))])
                           }}</span> }
                       })}
                       " · "{tr_with(lang.get(), "revision_n_lower", &[("n", r.revision.to_string())])}
                       // Who handles it at DGPA; DGPA also reads whether that officer can
                       // still act on it (the officers' list holds only those who can).
                       {r.assignee.clone().map(|a| {
                           let unattended = move || officers.get().is_some_and(|o| !o.is_empty() && !o.iter().any(|x| x.id == a.id));
                           view! {
                               " · "<span id="case-officer">{tr_with(lang.get(), "case_officer_is", &[("name", a.display_name.clone())])}</span>
                               {move || unattended().then(|| view! { " "<span class="badge">{tr(lang.get(), "unattended_give_it_to_another")}</span> })}
                           }
                       })}</p>
                    // What happens next, and whether it is the reader's step (the
                    // server's sentence, as every client of the API gets it).
                    {r.next_step.clone().map(|t| view! { <p class="next-step">{move || text(lang.get(), &t)}</p> })}
                    // The page is long (the application comes first): a way straight to
                    // what one comes for, the actions or the files delivered.
                    <nav class="on-page" aria-label=move || tr(lang.get(), "on_this_page")>
                        <a href="#app-h">{move || tr(lang.get(), "application")}</a>
                        {(!actions.is_empty()).then(|| view! { <a href="#act-h">{move || tr(lang.get(), "actions")}</a> })}
                        {move || has_files.get().then(|| view! { <a href="#d-h">{tr(lang.get(), "result_files")}</a> })}
                        <a href="#m-h">{move || tr(lang.get(), "messages")}</a>
                        <a href="#tl-h">{move || tr(lang.get(), "timeline")}</a>
                    </nav>
                    <section class="card" aria-labelledby="app-h">
                        <h2 id="app-h">{tr(lang.get(), "application")}</h2>
                        <p class="actions">
                            {can_edit.then(|| view! { <A href=format!("/requests/{}/edit", r.id)>{move || tr(lang.get(), "edit_the_application")}</A> })}
                            <A href=format!("/requests/{}/print", r.id)>{move || tr(lang.get(), "printable_form")}</A>
                            {move || copyable().then(|| view! { <A href=format!("/requests/new?from={id}")>{move || tr(lang.get(), "copy_into_a_new_application")}</A> })}
                        </p>
                        <ApplicationView app=app.clone() names=names attached=attached />
                        <dl>
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
                    // The check is advice for the application while it can still change;
                    // a delivered or ended request's would ask what nobody can do any more.
                    {move || findings.get().and_then(Result::ok).filter(|f| open && !f.findings.is_empty()).map(|f| view! {
                        <section class="card" aria-labelledby="f-h">
                            <h2 id="f-h">{tr(lang.get(), "check")}</h2>
                            <ul class="findings">
                                {f.findings.into_iter().map(|x| {
                                    let (anchor, place) = place(lang.get(), Some(&app_for_findings), &names.get(), &x.pointer);
                                    view! {
                                        <li class=if x.severity == Severity::Error { "error" } else { "warning" }>
                                            <strong>{if x.severity == Severity::Error { tr(lang.get(), "error") } else { tr(lang.get(), "warning") }}</strong>
                                            " "{(!place.is_empty()).then(|| view! { <a href=format!("#{anchor}")>{place.clone()}</a>{colon(lang.get())} })}
                                            {text(lang.get(), &x.message)}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {move || findings.get().and_then(Result::ok).filter(|f| !f.similar.visible.is_empty() || f.similar.other_count > 0).map(|f| view! {
                        <section class="card" aria-labelledby="sim-h">
                            <h2 id="sim-h">{tr(lang.get(), "similar_delivered_requests")}</h2>
                            <ul class="similar">
                                {f.similar.visible.into_iter().map(|m| {
                                    // Agencies and fields by name, as everywhere else on the page.
                                    let l = lang.get();
                                    let agency = if m.agency_name.is_empty() { m.agency_code.clone() } else { m.agency_name.clone() };
                                    let sep = if l == i18n::Lang::Zh { "、" } else { ", " };
                                    let fields = m.shared_fields.iter().map(|c| field_name(l, &names.get(), c)).collect::<Vec<_>>().join(sep);
                                    view! {
                                        <li><A href=format!("/requests/{}", m.request_id)>{tr(l, "request_2")}{m.request_id}</A>
                                            " · "{agency}" · "{format!("{}%", m.percent)}" · "{fields}</li>
                                    }
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
                                    let gaps = coverage_gaps(lang.get(), &names.get(), &c);
                                    view! {
                                        <li>{text(lang.get(), &c.title)}" · "{format!("{}%", c.percent)}
                                            {gaps.into_iter().map(|g| view! { " · "{g} }).collect_view()}</li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!actions.is_empty()).then(|| view! {
                        <RequestActions r=r.clone() draft=action_draft on_done=done on_stale=stale
                            officers=Signal::derive(move || officers.get().unwrap_or_default())
                            sources=Signal::derive(move || coverage.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .map(|c| (c.entry_id.clone(), format!("{} · {}%", text(lang.get(), &c.title), c.percent))).collect()) />
                    })}
                    <RequestExtras id=r.id state=r.state agency=r.agency_code.clone() can_edit=can_edit names=names has_files=has_files attached=attached draft=message_draft release_reasons=release_reasons on_posted=Callback::new(move |_| events.refetch()) />
                    <crate::pages::request::questions::Questions id=r.id agency=r.agency_code.clone() />
                    {(r.state == State::Delivered && r.application.declares_personal_data()).then(|| view! {
                        <crate::pages::request::retention::Retention id=r.id version=r.version application=r.application.clone() draft=extension_draft
                            on_change=Callback::new(move |_| { changed_meanwhile.set(false); reload(); }) on_stale=stale />
                    })}
                    <section class="card" aria-labelledby="tl-h">
                        <h2 id="tl-h">{tr(lang.get(), "timeline")}</h2>
                        {move || problem_note(lang.get(), events.get())}
                        <ol class="timeline">
                            {move || events.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| view! {
                                <li>{i18n::datetime(lang.get(), e.at)}" · "{match e.kind {
                                        // Steps on a file leave the state as it was: say the step.
                                        statreq_domain::EventKind::ReviewRequested => tr(lang.get(), "event_review_requested"),
                                        statreq_domain::EventKind::FileApproved => tr(lang.get(), "event_file_approved"),
                                        statreq_domain::EventKind::MessagePosted => tr(lang.get(), "event_message_posted"),
                                        statreq_domain::EventKind::ExtensionRequested | statreq_domain::EventKind::ExtensionApproved => {
                                            let key = if e.kind == statreq_domain::EventKind::ExtensionRequested { "event_extension_requested" } else { "event_extension_approved" };
                                            let days = e.data.get("days").and_then(|d| d.as_i64()).unwrap_or_default();
                                            tr_with(lang.get(), key, &[("days", days.to_string())])
                                        }
                                        statreq_domain::EventKind::ExtensionRefused => tr(lang.get(), "event_extension_refused"),
                                        // An agency of its chain moved (rule 5.1): who reviews it now, and why.
                                        statreq_domain::EventKind::SupervisorChanged => {
                                            let words = |k: &str| e.data.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                                            let sep = if lang.get() == i18n::Lang::Zh { "、" } else { ", " };
                                            let to = e.data.get("to_names").and_then(|v| v.as_array())
                                                .map(|a| a.iter().filter_map(|n| n.as_str()).collect::<Vec<_>>().join(sep)).unwrap_or_default();
                                            tr_with(lang.get(), "event_supervisor_changed", &[("to", to), ("agency", words("agency_name")), ("parent", words("parent_name"))])
                                        }
                                        // On paper or by e-mail (rule 5.2): the supervising agency's approval it came with.
                                        statreq_domain::EventKind::RegisteredFromPaper => {
                                            let (number, on, by) = paper_approval(lang.get(), &e.data);
                                            let key = match (e.data["channel"] == "email", by.is_some()) {
                                                (true, true) => "event_registered_from_email_by",
                                                (true, false) => "event_registered_from_email",
                                                (false, true) => "event_registered_from_paper_by",
                                                (false, false) => "event_registered_from_paper",
                                            };
                                            tr_with(lang.get(), key, &[("number", number), ("on", on), ("agency", by.unwrap_or_default())])
                                        }
                                        _ => text(lang.get(), &e.to_state.label()),
                                    }}" · "
                                    // The supervising agency that decided, as it was then (rule 5.1).
                                    {matches!(e.kind, statreq_domain::EventKind::SupervisorApproved | statreq_domain::EventKind::SupervisorReturned | statreq_domain::EventKind::SupervisorRejected)
                                        .then(|| e.actor_agency.clone()).flatten().map(|a| view! { <span class="acting-agency">{a.name}</span>" · " })}
                                    {e.actor.display_name.clone()}
                                    {outcome_reason(&e.data).map(|r| view! { " · "<strong>{text(lang.get(), &r.label())}</strong> })}
                                    {e.data.get("source_id").and_then(|v| v.as_str()).map(|id| view! {
                                        " · "<a href=format!("/sources?q={}", String::from(js_sys::encode_uri_component(id)))>{tr(lang.get(), "see_the_existing_source")}</a>
                                    })}
                                    {(e.kind == statreq_domain::EventKind::MessagePosted).then(|| e.data.get("message").and_then(|v| v.as_i64())).flatten().map(|m| view! {
                                        " · "<a href=format!("#msg-{m}")>{tr(lang.get(), "read_the_message")}</a>
                                    })}
                                    {destruction_words(lang.get(), &e.data).map(|d| view! { " · "{d} })}
                                    {e.comment.clone().map(|c| view! { <q class="pre-line">{c}</q> })}</li>
                            }).collect_view()}
                        </ol>
                    </section>
                }.into_any()
            }}
        </Async>
        </RequestFrame>
    }
}

/// The reason code a return or rejection carries, if any.
fn outcome_reason(data: &serde_json::Value) -> Option<statreq_domain::OutcomeReason> {
    data.get("reason_code").and_then(|v| v.as_str()).and_then(statreq_domain::OutcomeReason::parse)
}

/// The supervising agency's approval an application on paper came with (rule 5.2): its
/// document number and day, and the agency that gave it when recorded (by name), as a
/// registration event records them.
pub(crate) fn paper_approval(lang: i18n::Lang, data: &serde_json::Value) -> (String, String, Option<String>) {
    let number = data.get("document_number").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let on = data.get("approved_on").and_then(|v| v.as_str()).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let by = ["approved_by_name", "approved_by"].iter().find_map(|k| data.get(*k).and_then(|v| v.as_str()).map(str::to_string));
    (number, on.map(|d| i18n::day(lang, d)).unwrap_or_default(), by)
}

/// A destruction event's date and method (rule 6), as the timeline says them.
fn destruction_words(lang: i18n::Lang, data: &serde_json::Value) -> Option<String> {
    let on = data.get("destroyed_on").and_then(|v| v.as_str()).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())?;
    let method = data.get("method").and_then(|v| v.as_str()).unwrap_or_default();
    Some(tr_with(lang, "destroyed_on_with_method", &[("on", i18n::day(lang, on)), ("method", method.to_string())]))
}
