//! DGPA's queue with every factor (rule 5.3).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::components::loading::Async;
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

/// What a queued request is for: its reason (a headline; all of it on hover),
/// statistics or records, and whether it holds personal data.
fn subject(lang: i18n::Lang, i: &statreq_contract::QueueItemView) -> impl IntoView {
    use statreq_domain::application::OutputKind;
    let short = statreq_domain::application::headline(&i.reason);
    let output = i.output.map(|o| match o {
        OutputKind::Statistics => tr(lang, "statistical_figures"),
        OutputKind::Detail => tr(lang, "detail_records"),
    });
    view! {
        <span class="reason" title=i.reason.clone()>{short}</span>
        {output.map(|o| view! { " "<span class="tag plain">{o}</span> })}
        {i.personal_data.then(|| view! { " "<span class="tag">{tr(lang, "personal")}</span> })}
    }
}

/// One step on each chosen request in turn: how many went through, and each refusal in
/// words with its request's number.
async fn each<T, F, Fut>(lang: i18n::Lang, ids: Vec<i64>, step: F) -> (usize, Vec<String>)
where
    F: Fn(statreq_client::Client, i64) -> Fut,
    Fut: std::future::Future<Output = Result<T, statreq_client::ClientError>>,
{
    let (mut done, mut failures) = (0, Vec::new());
    for id in ids {
        match call(|c| step(c, id)).await {
            Ok(_) => done += 1,
            Err(e) => failures.push(format!("#{id}: {}", err_text(lang, &e))),
        }
    }
    (done, failures)
}

/// A step on the chosen requests, in one row at a desk: an officer to choose (the first
/// choice empty), a text, the button. `ids` are the select's, the text's and the
/// button's; `words` the locale keys of the officer's label, the empty choice, the text's
/// label and the button.
#[component]
fn OfficerStep(
    ids: (&'static str, &'static str, &'static str),
    words: (&'static str, &'static str, &'static str, &'static str),
    officers: LocalResource<Vec<statreq_contract::UserRef>>,
    officer: RwSignal<String>,
    text: RwSignal<String>,
    busy: RwSignal<bool>,
    on_go: Callback<()>,
) -> impl IntoView {
    let lang = i18n::lang();
    let (select_id, text_id, button_id) = ids;
    let (officer_label, first, text_label, button) = words;
    view! {
        <div class="row">
            <div class="field">
                <label for=select_id>{move || tr(lang.get(), officer_label)}</label>
                <select id=select_id prop:value=move || officer.get() on:change=move |ev| officer.set(event_target_value(&ev))>
                    <option value="">{move || tr(lang.get(), first)}</option>
                    {move || officers.get().unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.display_name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field wide">
                <label for=text_id>{move || tr(lang.get(), text_label)}</label>
                <input id=text_id prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
            </div>
            <button type="button" id=button_id disabled=move || busy.get() on:click=move |_| on_go.run(())>{move || tr(lang.get(), button)}</button>
        </div>
    }
}

/// DGPA's queue with every factor (rule 5.3).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = i18n::lang();
    let session = crate::session::session();
    // The requests the reader has unread notices about (a message from the office, a
    // question to keep data longer), marked in both lists.
    let news = crate::pages::inbox::requests_with_news(session);
    let is_new = move |id: i64| news.get().is_some_and(|n| n.contains(&id));
    let is_officer = move || session.me.get().is_some_and(|m| m.roles.contains(&statreq_contract::Role::DgpaOfficer));
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    let officers = LocalResource::new(|| async { call(|c| async move { c.officers().await }).await.unwrap_or_default() });
    // Several queued requests given to one officer at once; passing others over needs
    // a reason, recorded with each (rule 5.3).
    let chosen = RwSignal::new(Vec::<i64>::new());
    let assignee = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Take requests into production (for `to`, or oneself); passing others over needs
    // the reason typed above, recorded with each (rule 5.3).
    let take = move |ids: Vec<i64>, to: Option<i64>| {
        let why = Some(reason.get_untracked()).filter(|r| !r.trim().is_empty());
        if ids.is_empty() {
            note.set(Some(tr(lang.get_untracked(), "choose_requests_first")));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let (_, failures) = each(lang.get_untracked(), ids, |c, id| {
                let body = statreq_contract::TakeBody { assignee: to, skip_reason: why.clone() };
                async move { c.take_with(id, None, &body).await }
            })
            .await;
            note.set((!failures.is_empty()).then(|| failures.join("\n")));
            chosen.set(Vec::new());
            busy.set(false);
            queue.refetch();
        });
    };
    let assign = move |()| take(chosen.get_untracked(), assignee.get_untracked().parse::<i64>().ok());
    // Work in production given to another officer, several at once: an officer on leave
    // or gone (their work marked unattended) is handed over in one step.
    let moving = RwSignal::new(Vec::<i64>::new());
    let move_to = RwSignal::new(String::new());
    let move_reason = RwSignal::new(String::new());
    let move_note = RwSignal::new(None::<String>);
    let moved = RwSignal::new(None::<String>);
    let hand_over = move |()| {
        let l = lang.get_untracked();
        let (ids, to) = (moving.get_untracked(), move_to.get_untracked().parse::<i64>().ok());
        moved.set(None);
        let Some(to) = to.filter(|_| !ids.is_empty()) else {
            move_note.set(Some(tr(l, if ids.is_empty() { "choose_requests_first" } else { "choose_an_officer" })));
            return;
        };
        let why = Some(move_reason.get_untracked()).filter(|r| !r.trim().is_empty());
        busy.set(true);
        spawn_local(async move {
            let (done, failures) = each(l, ids, |c, id| {
                let why = why.clone();
                async move { c.assign(id, None, to, why.as_deref()).await }
            })
            .await;
            let name =
                officers.get_untracked().unwrap_or_default().into_iter().find(|o| o.id == to).map(|o| o.display_name).unwrap_or_default();
            moved.set((done > 0).then(|| tr_with(l, "reassigned_n", &[("n", done.to_string()), ("name", name)])));
            move_note.set((!failures.is_empty()).then(|| failures.join("\n")));
            moving.set(Vec::new());
            move_reason.set(String::new());
            busy.set(false);
            queue.refetch();
        });
    };
    view! {
        <h1>{move || tr(lang.get(), "work_queue")}</h1>
        <section class="card bulk" aria-labelledby="bulk-h">
            <h2 id="bulk-h">{move || tr(lang.get(), "assign_the_chosen_requests")}</h2>
            // One row at a desk, so that the queue itself is in sight.
            <OfficerStep ids=("bulk-assignee", "bulk-reason", "bulk-take") words=("assign_to_default_yourself", "myself", "reason_when_taking_out_of_order", "take_into_production")
                officers=officers officer=assignee text=reason busy=busy on_go=Callback::new(assign) />
            <p class="error pre-line" role="alert">{move || note.get()}</p>
        </section>
        <Async resource=queue let:q>
            {view! {
                <p>{tr(lang.get(), "weights")}{crate::components::application::colon(lang.get())}{tr(lang.get(), "age")}" "{q.weights.age}" · "{tr(lang.get(), "difficulty")}" "{q.weights.difficulty}" · "{tr(lang.get(), "fair_share")}" "{q.weights.fair_share}</p>
                <p class="hint" id="factors-help">{tr(lang.get(), "factors_in_words")}</p>
                <table class="list queue">
                    <caption class="visually-hidden">{tr(lang.get(), "work_queue")}</caption>
                    <thead><tr>
                        <th scope="col">{tr(lang.get(), "select")}</th>
                        <th scope="col">"#"</th>
                        <th scope="col">{tr(lang.get(), "request_3")}</th>
                        <th scope="col">{tr(lang.get(), "reason")}</th>
                        <th scope="col">{tr(lang.get(), "agency_2")}</th>
                        <th scope="col">{tr(lang.get(), "supervising")}</th>
                        <th scope="col">{tr(lang.get(), "difficulty_2")}</th>
                        <th scope="col">{tr(lang.get(), "days_waited")}</th>
                        <th scope="col">{tr(lang.get(), "priority")}</th>
                        <th scope="col">{tr(lang.get(), "factors_a_d_f")}</th>
                        <th scope="col">{tr(lang.get(), "actions")}</th>
                    </tr></thead>
                    <tbody>
                        {q.items.into_iter().map(|i| {
                            let f = i.factors.unwrap_or(statreq_contract::Factors { age: 0.0, difficulty: 0.0, fair_share: 0.0 });
                            let rid = i.request_id;
                            let factor = move |letter: &'static str, key: &'static str, value: f64| {
                                let words = tr_with(lang.get(), key, &[("value", format!("{value:.2}"))]);
                                view! { <span class="factor" tabindex="0" title=words.clone() aria-label=words aria-describedby="factors-help">{format!("{letter} {value:.2}")}</span> }
                            };
                            view! {
                                <tr>
                                    <td data-label=tr(lang.get(), "select")>{i.position.is_some().then(|| {
                                        let id = format!("pick-{rid}");
                                        let label = tr_with(lang.get_untracked(), "select_request_n", &[("id", rid.to_string())]);
                                        view! {
                                            <input id=id type="checkbox" aria-label=label prop:checked=move || chosen.get().contains(&rid)
                                                on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|v| { v.retain(|x| *x != rid); if on { v.push(rid); } }); } />
                                        }
                                    })}</td>
                                    <td data-label="#">{i.position}{i.overdue.then(|| view! {
                                        // Said in words on the row (a title alone is neither seen on a phone nor read by every screen reader).
                                        " "<span class="badge overdue" title=tr(lang.get(), "waited_the_longest_allowed_taken_in")><span aria-hidden="true">"⏱ "</span>{tr(lang.get(), "waited_the_longest_allowed_short")}</span>
                                    })}</td>
                                    <td data-label=tr(lang.get(), "request_3")><A href=format!("/requests/{}", rid)>{rid}</A>
                                        {move || is_new(rid).then(|| crate::pages::inbox::news_badge(lang.get()))}</td>
                                    <td class="subject" data-label=tr(lang.get(), "reason")>{subject(lang.get(), &i)}</td>
                                    <td data-label=tr(lang.get(), "agency_2")>{i.agency_name.clone()}</td>
                                    <td data-label=tr(lang.get(), "supervising")>{if i.supervising_agency_name.is_empty() { i.supervising_agency.clone() } else { i.supervising_agency_name.clone() }}</td>
                                    <td data-label=tr(lang.get(), "difficulty_2")>{i.difficulty.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td data-label=tr(lang.get(), "days_waited")>{format!("{:.1}", i.waited_days)}</td>
                                    <td data-label=tr(lang.get(), "priority")>{format!("{:.0}", i.priority.unwrap_or_default())}</td>
                                    <td class="factors" data-label=tr(lang.get(), "factors_a_d_f")>{factor("A", "factor_age_words", f.age)}" "{factor("D", "factor_difficulty_words", f.difficulty)}" "{factor("F", "factor_fair_share_words", f.fair_share)}</td>
                                    <td>{is_officer().then(|| view! {
                                        <button type="button" id=format!("take-{rid}") disabled=move || busy.get() on:click=move |_| take(vec![rid], None)>
                                            {tr(lang.get(), "take")}
                                        </button>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <h2>{tr(lang.get(), "work_in_production")}</h2>
                <p class="status" role="status" id="reassigned">{move || moved.get()}</p>
                {if q.in_production.is_empty() {
                    view! { <p>{tr(lang.get(), "none")}</p> }.into_any()
                } else {
                    // The work nobody can carry on (its officer left or moved), chosen at once.
                    let unattended: Vec<i64> = q.in_production.iter().filter(|i| i.unattended).map(|i| i.request_id).collect();
                    view! {
                        {is_officer().then(|| view! {
                            <section class="card bulk" aria-labelledby="reassign-h">
                                <h3 id="reassign-h">{move || tr(lang.get(), "reassign_the_chosen")}</h3>
                                {(!unattended.is_empty()).then(|| {
                                    let n = unattended.len();
                                    view! {
                                        <p><button type="button" class="link" id="pick-unattended" on:click=move |_| moving.set(unattended.clone())>
                                            {move || tr_with(lang.get(), "choose_the_unattended_n", &[("n", n.to_string())])}
                                        </button></p>
                                    }
                                })}
                                <OfficerStep ids=("reassign-to", "reassign-reason", "reassign-chosen") words=("assign_to", "choose", "comment_optional", "reassign")
                                    officers=officers officer=move_to text=move_reason busy=busy on_go=Callback::new(hand_over) />
                                <p class="error pre-line" role="alert">{move || move_note.get()}</p>
                            </section>
                        })}
                        <table class="list production">
                            <caption class="visually-hidden">{tr(lang.get(), "work_in_production")}</caption>
                            <thead><tr>
                                {is_officer().then(|| view! { <th scope="col">{tr(lang.get(), "select")}</th> })}
                                <th scope="col">{tr(lang.get(), "request_3")}</th>
                                <th scope="col">{tr(lang.get(), "reason")}</th>
                                <th scope="col">{tr(lang.get(), "agency_2")}</th>
                                <th scope="col">{tr(lang.get(), "case_officer")}</th>
                                <th scope="col">{tr(lang.get(), "files")}</th>
                            </tr></thead>
                            <tbody>
                                {q.in_production.into_iter().map(|i| view! {
                                    <tr>
                                        {is_officer().then(|| {
                                            let rid = i.request_id;
                                            let label = tr_with(lang.get_untracked(), "select_request_n", &[("id", rid.to_string())]);
                                            view! {
                                                <td data-label=tr(lang.get(), "select")>
                                                    <input id=format!("move-{rid}") type="checkbox" aria-label=label prop:checked=move || moving.get().contains(&rid)
                                                        on:change=move |ev| { let on = event_target_checked(&ev); moving.update(|v| { v.retain(|x| *x != rid); if on { v.push(rid); } }); } />
                                                </td>
                                            }
                                        })}
                                        <td data-label=tr(lang.get(), "request_3")><A href=format!("/requests/{}", i.request_id)>{i.request_id}</A>
                                            {let rid = i.request_id; move || is_new(rid).then(|| crate::pages::inbox::news_badge(lang.get()))}</td>
                                        <td class="subject" data-label=tr(lang.get(), "reason")>{subject(lang.get(), &i)}</td>
                                        <td data-label=tr(lang.get(), "agency_2")>{i.agency_name.clone()}</td>
                                        <td data-label=tr(lang.get(), "case_officer")>{i.assignee.map(|u| u.display_name).unwrap_or_default()}
                                            // Its officer left or moved: nobody's until given to another.
                                            {i.unattended.then(|| view! { " "<span class="badge">{tr(lang.get(), "unattended_give_it_to_another")}</span> })}</td>
                                        <td>{(i.awaiting_review > 0).then(|| view! {
                                            <span class="badge">{tr_with(lang.get(), "n_awaiting_review", &[("n", i.awaiting_review.to_string())])}</span>
                                        })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            }.into_any()}
        </Async>
    }
}
