//! Integrations for administrators: the service accounts systems such as WebHR sign in
//! with, every webhook with its owner, each webhook's delivery log with a replay, and a
//! new webhook (its signing secret shown once).

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;
use statreq_domain::notify::{INQUIRY_WEBHOOK_EVENTS, WEBHOOK_EVENTS};

use crate::components::loading::{failed, loading, Async};
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, text, tr, tr_with};
use crate::session::call;

/// Every account with the service role, across the pages of the account list.
async fn service_accounts() -> Result<Vec<UserView>, crate::components::problem::UiError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = call(|c| {
            let cursor = cursor.clone();
            async move {
                let mut filters = vec![("role", "service"), ("limit", "200")];
                filters.extend(cursor.as_deref().map(|c| ("cursor", c)));
                c.find_users(&filters).await
            }
        })
        .await
        .map_err(ui)?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

#[component]
pub fn Integrations() -> impl IntoView {
    let lang = i18n::lang();
    let accounts = LocalResource::new(service_accounts);
    let hooks = LocalResource::new(|| async { call(|c| async move { c.list_webhooks().await }).await.map_err(ui) });
    let note = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(None::<WebhookView>);
    // The subscription being changed in the form below, as it was read.
    let editing = RwSignal::new(None::<WebhookView>);
    // A new signing secret, shown this once.
    let renewed = RwSignal::new(None::<String>);
    // At once (a secret that leaked), or a day ahead: the current one signs until then.
    let renew = move |h: WebhookView, ahead: bool| {
        let key = if ahead { "confirm_webhook_secret_ahead" } else { "confirm_new_webhook_secret" };
        let question = tr_with(lang.get_untracked(), key, &[("url", h.url.clone())]);
        if !crate::browser::confirm(&question) {
            return;
        }
        let after = ahead.then_some(24 * 3600);
        spawn_local(async move {
            let body = move || RotateSecretBody { switch_after_seconds: after };
            match call(|c| async move { c.rotate_webhook_secret_with(h.id, &body(), Some(h.version)).await }).await {
                Ok(w) => {
                    note.set(None);
                    renewed.set(Some(w.secret));
                    hooks.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let remove = move |h: WebhookView| {
        let question = tr_with(lang.get_untracked(), "confirm_delete_webhook", &[("url", h.url.clone())]);
        if !crate::browser::confirm(&question) {
            return;
        }
        spawn_local(async move {
            match call(|c| async move { c.delete_webhook(h.id).await }).await {
                Ok(()) => {
                    note.set(Some(tr_with(lang.get_untracked(), "webhook_deleted", &[("url", h.url.clone())])));
                    if chosen.get_untracked().is_some_and(|c| c.id == h.id) {
                        chosen.set(None);
                    }
                    hooks.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="sa-h">
            <h2 id="sa-h">{move || tr(lang.get(), "service_accounts")}</h2>
            <p class="hint">{move || tr(lang.get(), "service_accounts_hint")}</p>
            <Async resource=accounts let:list>
                {if list.is_empty() { view! { <p>{tr(lang.get(), "no_service_accounts")}</p> }.into_any() } else { view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "client_id")}</th>
                            <th scope="col">{tr(lang.get(), "name_2")}</th>
                            <th scope="col">{tr(lang.get(), "agency")}</th>
                            <th scope="col">{tr(lang.get(), "status")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|u| view! {
                                <tr>
                                    <td data-label=tr(lang.get(), "client_id")><code>{u.username.clone()}</code></td><td data-label=tr(lang.get(), "name_2")>{u.display_name.clone()}</td><td data-label=tr(lang.get(), "agency")>{u.agency_code.clone()}</td>
                                    <td data-label=tr(lang.get(), "status")>{if u.active { tr(lang.get(), "active") } else { tr(lang.get(), "disabled") }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any() }}
            </Async>
        </section>
        <section class="card" aria-labelledby="wh-h">
            <h2 id="wh-h">{move || tr(lang.get(), "webhooks")}</h2>
            <Async resource=hooks let:list>
                {if list.is_empty() { view! { <p>{tr(lang.get(), "no_webhooks")}</p> }.into_any() } else { view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "address")}</th>
                            <th scope="col">{tr(lang.get(), "owner")}</th>
                            <th scope="col">{tr(lang.get(), "events")}</th>
                            <th scope="col">{tr(lang.get(), "actions")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|h| {
                                let (log, del, change, fresh, ahead) = (h.clone(), h.clone(), h.clone(), h.clone(), h.clone());
                                view! {
                                    <tr>
                                        <td data-label=tr(lang.get(), "address")><code class="wrap">{h.url.clone()}</code><br />{h.description.clone()}</td>
                                        <td data-label=tr(lang.get(), "owner")>{h.owner.display_name.clone()}</td>
                                        <td data-label=tr(lang.get(), "events")>{h.events.join(", ")}
                                            {h.secret_switches_at.map(|at| view! {
                                                <br /><span class="switches">{tr_with(lang.get(), "webhook_secret_switches_at", &[("at", i18n::datetime(lang.get(), at))])}</span>
                                            })}</td>
                                        <td>
                                            <button type="button" class="link" id=format!("webhook-log-{}", h.id) on:click=move |_| chosen.set(Some(log.clone()))>{tr(lang.get(), "delivery_log")}</button>" "
                                            <button type="button" class="link" id=format!("webhook-edit-{}", h.id) on:click=move |_| editing.set(Some(change.clone()))>{tr(lang.get(), "edit")}</button>" "
                                            <button type="button" class="link" id=format!("webhook-secret-{}", h.id) on:click=move |_| renew(fresh.clone(), false)>{tr(lang.get(), "new_secret")}</button>" "
                                            <button type="button" class="link" id=format!("webhook-secret-ahead-{}", h.id) on:click=move |_| renew(ahead.clone(), true)>{tr(lang.get(), "new_secret_ahead")}</button>" "
                                            <button type="button" class="link danger" id=format!("webhook-delete-{}", h.id) on:click=move |_| remove(del.clone())>{tr(lang.get(), "delete")}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any() }}
            </Async>
            <p class="pre-line" role="status" id="webhook-status">{move || note.get()}</p>
            {move || renewed.get().map(|s| view! {
                <div class="card notice" role="status" id="webhook-new-secret">
                    <p>{tr(lang.get(), "webhook_secret_once")}</p>
                    <code class="wrap">{s}</code>
                </div>
            })}
            {move || chosen.get().map(|h| view! { <DeliveryLog hook=h /> })}
            <WebhookForm editing=editing saved=Callback::new(move |_| hooks.refetch()) />
        </section>
    }
}

/// One webhook's deliveries, newest first, a page at a time, each with a replay.
#[component]
fn DeliveryLog(hook: WebhookView) -> impl IntoView {
    let lang = i18n::lang();
    let id = hook.id;
    let list = crate::components::loading::Paged::<WebhookDeliveryView>::new();
    let (rows, next, state) = (list.rows, list.next, list.state);
    let note = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        list.load(cursor, move |cursor| async move {
            call(|c| {
                let cursor = cursor.clone();
                async move { c.webhook_deliveries(id, cursor.as_deref()).await }
            })
            .await
        })
    };
    load(None);
    let replay = move |did: i64| {
        spawn_local(async move {
            match call(|c| async move { c.replay_webhook_delivery(id, did).await }).await {
                Ok(d) => {
                    note.set(Some(tr_with(lang.get_untracked(), "delivery_replayed", &[("id", d.id.to_string())])));
                    load(None);
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <div class="delivery-log">
            <h3>{move || tr(lang.get(), "delivery_log")}" · "<code class="wrap">{hook.url.clone()}</code></h3>
            {move || match state.get() {
                None => loading(lang.get()),
                Some(Err(e)) => failed(lang.get(), &e),
                Some(Ok(())) if rows.get().is_empty() => view! { <p>{tr(lang.get(), "nothing_delivered_yet")}</p> }.into_any(),
                Some(Ok(())) => view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "event")}</th>
                            <th scope="col">{tr(lang.get(), "request")}</th>
                            <th scope="col">{tr(lang.get(), "status")}</th>
                            <th scope="col">{tr(lang.get(), "attempts")}</th>
                            <th scope="col">{tr(lang.get(), "last_answer")}</th>
                            <th scope="col">{tr(lang.get(), "actions")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.get().into_iter().map(|d| {
                                let did = d.id;
                                let answer = match (d.last_status, d.last_error.clone()) {
                                    (Some(s), Some(e)) => format!("{s} {e}"),
                                    (Some(s), None) => s.to_string(),
                                    (None, Some(e)) => e,
                                    (None, None) => String::new(),
                                };
                                let when = d.delivered_at.unwrap_or(d.created_at);
                                view! {
                                    <tr>
                                        <td data-label=tr(lang.get(), "event")>{d.event_type.clone()}<br /><small>{i18n::datetime(lang.get(), when)}</small></td>
                                        // A field question's delivery opens the question; a request's, the request.
                                        <td data-label=tr(lang.get(), "request")>{match d.payload.inquiry() {
                                            Some(e) => Some(view! { <a href=format!("/inquiries/{}", e.inquiry.id)>{tr(lang.get(), "question")}" #"{e.inquiry.id}</a> }.into_any()),
                                            None => d.request_id.map(|r| view! { <a href=format!("/requests/{r}")>{r}</a> }.into_any()),
                                        }}</td>
                                        <td data-label=tr(lang.get(), "status")>{d.status.clone()}</td>
                                        <td data-label=tr(lang.get(), "attempts")>{d.attempts}</td>
                                        <td data-label=tr(lang.get(), "last_answer") class="wrap">{answer}</td>
                                        <td><button type="button" class="link" id=format!("replay-{did}") on:click=move |_| replay(did)>{tr(lang.get(), "send_again")}</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <Show when=move || next.get().is_some()>
                <button type="button" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
            </Show>
            <p class="pre-line" role="status">{move || note.get()}</p>
        </div>
    }
}

/// Whether two lists of events are the same, in any order.
fn same_events(a: &[String], b: &[String]) -> bool {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    sorted(a) == sorted(b)
}

/// A webhook for the administrator's own account, whose signing secret is shown once,
/// here; or, with `editing`, a change of one (its URL, events, description) at the
/// version read, the secret kept.
#[component]
fn WebhookForm(editing: RwSignal<Option<WebhookView>>, saved: Callback<()>) -> impl IntoView {
    let lang = i18n::lang();
    let (url, description) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let events = RwSignal::new(Vec::<String>::new());
    let secret = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let clear = move || {
        url.set(String::new());
        description.set(String::new());
        events.set(Vec::new());
    };
    // As another administrator saved the subscription meanwhile, when a change here was
    // refused for it (412): the form keeps what was typed until one chooses.
    let meanwhile = RwSignal::new(None::<WebhookView>);
    let saving = RwSignal::new(false);
    // A subscription chosen to change fills the form.
    Effect::new(move |_| {
        if let Some(h) = editing.get() {
            url.set(h.url.clone());
            description.set(h.description.clone());
            events.set(h.events.clone());
            secret.set(None);
            note.set(None);
            meanwhile.set(None);
        }
    });
    // Creates the subscription, or changes `changing` at its version.
    let submit = move |changing: Option<WebhookView>| {
        let body = WebhookBody {
            url: url.get_untracked().trim().to_string(),
            events: events.get_untracked(),
            description: Some(description.get_untracked().trim().to_string()).filter(|d| !d.is_empty()),
        };
        saving.set(true);
        spawn_local(async move {
            let l = lang.get_untracked();
            let id = changing.as_ref().map(|h| h.id);
            let done = match changing {
                Some(h) => call(|c| {
                    let body = body.clone();
                    async move { c.put_webhook(h.id, &body, Some(h.version)).await }
                })
                .await
                .map(|w| {
                    if w.version == h.version {
                        tr(l, "nothing_changed")
                    } else {
                        tr_with(l, "webhook_changed", &[("url", w.url)])
                    }
                }),
                None => call(|c| {
                    let body = body.clone();
                    async move { c.create_webhook(&body).await }
                })
                .await
                .map(|w| {
                    secret.set(Some(w.secret));
                    String::new()
                }),
            };
            saving.set(false);
            match (done, id) {
                (Ok(said), _) => {
                    note.set(Some(said).filter(|s| !s.is_empty()));
                    meanwhile.set(None);
                    clear();
                    editing.set(None);
                    saved.run(());
                }
                // Changed meanwhile: what this form left as read takes theirs, what it changed stays.
                (Err(e), Some(id)) if e.status() == Some(412) => match call(|c| async move { c.get_webhook(id).await }).await {
                    Ok(now) => {
                        if let Some(read) = editing.get_untracked() {
                            let take = crate::components::meanwhile::take_untouched;
                            take(url, &read.url, &now.url);
                            take(description, &read.description, &now.description);
                            if same_events(&events.get_untracked(), &read.events) {
                                events.set(now.events.clone());
                            }
                        }
                        note.set(None);
                        meanwhile.set(Some(now));
                    }
                    Err(e) => note.set(Some(err_text(l, &e))),
                },
                (Err(e), _) => note.set(Some(err_text(l, &e))),
            }
        });
    };
    // The form's own save goes at the version read: never over a save not seen.
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(editing.get_untracked());
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(now) = meanwhile.get_untracked() {
            submit(Some(now));
        }
    });
    // Theirs taken: the form shows the subscription as saved.
    let take_theirs = Callback::new(move |()| {
        if let Some(now) = meanwhile.get_untracked() {
            meanwhile.set(None);
            editing.set(Some(now));
        }
    });
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let (Some(now), Some(read)) = (meanwhile.get(), editing.get()) else { return Vec::new() };
        let l = lang.get();
        let listed = |e: &[String]| {
            let mut e = e.to_vec();
            e.sort();
            e.join(", ")
        };
        [
            Difference::of(tr(l, "webhook_address"), read.url.clone(), now.url.clone(), url.get()),
            Difference::of(tr(l, "description"), read.description.clone(), now.description.clone(), description.get()),
            Difference::of(tr(l, "events"), listed(&read.events), listed(&now.events), listed(&events.get())),
        ]
        .into_iter()
        .flatten()
        .collect()
    });
    // `*` is every request event; a field question's events are chosen by name.
    let all: Vec<String> = std::iter::once("*").chain(WEBHOOK_EVENTS).chain(INQUIRY_WEBHOOK_EVENTS).map(str::to_string).collect();
    view! {
        <form on:submit=create>
            <fieldset>
                <legend>{move || match editing.get() {
                    Some(h) => tr_with(lang.get(), "change_webhook", &[("url", h.url)]),
                    None => tr(lang.get(), "new_webhook"),
                }}</legend>
                <label for="nw-url">{move || tr(lang.get(), "webhook_address")}</label>
                <input id="nw-url" type="url" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                <label for="nw-description">{move || tr(lang.get(), "description")}</label>
                <input id="nw-description" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                <fieldset class="events">
                    <legend>{move || tr(lang.get(), "events")}</legend>
                    {all.into_iter().map(|e| {
                        let input_id = format!("nw-event-{}", e.replace(['.', '*'], "-"));
                        let for_id = input_id.clone();
                        let (has, set) = (e.clone(), e.clone());
                        // Each type in words, with its name as the payload carries it.
                        let label = statreq_domain::notify::webhook_event_label(&e);
                        let code = (e != "*").then(|| e.clone());
                        view! {
                            <label class="check" for=for_id>
                                <input id=input_id type="checkbox" prop:checked=move || events.get().contains(&has)
                                    on:change=move |ev| { let on = event_target_checked(&ev); let e = set.clone(); events.update(|v| { v.retain(|x| *x != e); if on { v.push(e); } }); } />
                                <span class="event">
                                    <span>{move || label.as_ref().map_or_else(|| tr(lang.get(), "every_event"), |t| text(lang.get(), t))}</span>
                                    {code.clone().map(|c| view! { <code>{c}</code> })}
                                </span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), if editing.get().is_some() { "save" } else { "create_webhook" })}</button>
                <Show when=move || editing.get().is_some()>
                    " "<button type="button" id="webhook-edit-cancel" on:click=move |_| { editing.set(None); meanwhile.set(None); clear(); note.set(None); }>{move || tr(lang.get(), "cancel")}</button>
                </Show>
                <p class="pre-line" role="status">{move || note.get()}</p>
                <Show when=move || meanwhile.with(Option::is_some)>
                    <crate::components::meanwhile::SavedMeanwhile rows=meanwhile_rows
                        keep_mine=keep_mine take_theirs=take_theirs saving=saving />
                </Show>
            </fieldset>
            {move || secret.get().map(|s| view! {
                <div class="card notice" role="status" id="webhook-secret">
                    <p>{tr(lang.get(), "webhook_secret_once")}</p>
                    <code class="wrap">{s}</code>
                </div>
            })}
        </form>
    }
}
