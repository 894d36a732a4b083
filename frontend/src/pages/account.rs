//! One's own account: who one is, changing one's password, notices by e-mail, the
//! sessions and the age key.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::problem::err_text;
use crate::i18n::{self, tr};
use crate::session;

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let settings = LocalResource::new(|| async {
        crate::session::call(|c| async move { c.notification_settings().await }).await.map_err(crate::components::problem::ui)
    });
    let settings_note = RwSignal::new(None::<String>);
    let toggle = move |kind: String, on: bool| {
        spawn_local(async move {
            let res = crate::session::call(|c| {
                let kind = kind.clone();
                async move { c.put_notification_settings(&[(kind.as_str(), on)]).await }
            })
            .await;
            match res {
                Ok(_) => {
                    settings_note.set(None);
                    settings.refetch();
                }
                Err(e) => settings_note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let saving = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        if new.get_untracked() != again.get_untracked() {
            note.set(Some(tr(lang.get_untracked(), "the_new_passwords_differ")));
            return;
        }
        saving.set(true);
        let (c, n) = (current.get_untracked(), new.get_untracked());
        spawn_local(async move {
            match session::change_password(&c, &n).await {
                Ok(()) => {
                    note.set(None);
                    done.set(true);
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
            saving.set(false);
        });
    };
    view! {
        <h1>{move || tr(lang.get(), "my_account")}</h1>
        {move || session.me.get().map(|me| view! {
            <p>{me.display_name.clone()}" · "{me.agency_name.clone()}" · "<code>{me.username.clone()}</code></p>
        })}
        <form class="card" on:submit=submit>
            <h2>{move || tr(lang.get(), "change_password")}</h2>
            <p class="hint">{move || tr(lang.get(), "password_policy_hint")}</p>
            <label for="pw-current">{move || tr(lang.get(), "current_password")}</label>
            <input id="pw-current" type="password" autocomplete="current-password" required prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev)) />
            <label for="pw-new">{move || tr(lang.get(), "new_password")}</label>
            <input id="pw-new" type="password" autocomplete="new-password" minlength="12" maxlength="128" required prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev)) />
            <label for="pw-again">{move || tr(lang.get(), "new_password_again")}</label>
            <input id="pw-again" type="password" autocomplete="new-password" required prop:value=move || again.get() on:input=move |ev| again.set(event_target_value(&ev)) />
            <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), "change_password")}</button>
            <p class="error pre-line" role="alert">{move || note.get()}</p>
            <p role="status">{move || done.get().then(|| tr(lang.get(), "password_changed_other_sessions_signed_out"))}</p>
        </form>
        <section class="card" aria-labelledby="ns-h">
            <h2 id="ns-h">{move || tr(lang.get(), "notices_by_email")}</h2>
            <p class="hint">{move || tr(lang.get(), "notices_always_in_app")}</p>
            {move || crate::components::problem::problem_note(lang.get(), settings.get())}
            <fieldset>
                <legend>{move || tr(lang.get(), "also_by_email")}</legend>
                // The kinds that may come to this person's roles, in the order of a request's life.
                {move || settings.get().and_then(Result::ok).map(|s| {
                    let roles = statreq_domain::RoleSet::new(session.me.get().map(|m| m.roles).unwrap_or_default());
                    let offered = statreq_domain::notify::email_kinds_for(&roles);
                    if offered.is_empty() {
                        return view! { <p>{tr(lang.get(), "no_notices_for_these_roles")}</p> }.into_any();
                    }
                    offered.into_iter().map(|kind| {
                    let on = s.email.get(&kind).copied().unwrap_or(true);
                    let id = format!("ns-{kind}");
                    let for_id = id.clone();
                    let label = statreq_domain::notify::email_kind_label(&kind);
                    view! {
                        <label class="check" for=for_id>
                            <input id=id type="checkbox" prop:checked=on on:change=move |ev| toggle(kind.clone(), event_target_checked(&ev)) />
                            {crate::i18n::text(lang.get(), &label)}
                        </label>
                    }
                    }).collect_view().into_any()
                })}
            </fieldset>
            <p class="error pre-line" role="alert">{move || settings_note.get()}</p>
        </section>
        <crate::pages::account_security::Sessions />
        <crate::pages::account_security::AgeKey />
    }
}
