//! One's own account: who one is, changing one's password, notices by e-mail, the
//! sessions and the age key.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::problem::err_text;
use crate::i18n::{self, tr, tr_with};
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
    // `inbox`: the in-app inbox's setting, else the e-mail's.
    let toggle = move |kind: String, inbox: bool, on: bool| {
        spawn_local(async move {
            let res = crate::session::call(|c| {
                let kind = kind.clone();
                async move {
                    if inbox {
                        c.put_inbox_settings(&[(kind.as_str(), on)]).await
                    } else {
                        c.put_notification_settings(&[(kind.as_str(), on)]).await
                    }
                }
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
            // How e-mail goes here: not at all, or gathered into one message a while.
            {move || settings.get().and_then(Result::ok).and_then(|s| email_how(lang.get(), s.email_sent, s.email_gather_seconds))
                .map(|t| view! { <p class="hint" id="email-how">{t}</p> })}
            {move || crate::components::problem::problem_note(lang.get(), settings.get())}
            // The kinds that may come to this person's roles, in the order of a request's
            // life: each in the inbox and by e-mail.
            {move || settings.get().and_then(Result::ok).map(|s| {
                let l = lang.get();
                let roles = statreq_domain::RoleSet::new(session.me.get().map(|m| m.roles).unwrap_or_default());
                let offered = statreq_domain::notify::email_kinds_for(&roles);
                if offered.is_empty() {
                    return view! { <p>{tr(l, "no_notices_for_these_roles")}</p> }.into_any();
                }
                view! {
                    <table class="list notice-settings">
                        <caption class="visually-hidden">{tr(l, "notices_by_email")}</caption>
                        <thead><tr>
                            <th scope="col">{tr(l, "notice_kind")}</th>
                            <th scope="col">{tr(l, "notice_in_the_inbox")}</th>
                            <th scope="col">{tr(l, "also_by_email")}</th>
                        </tr></thead>
                        <tbody>
                            {offered.into_iter().map(|kind| {
                                let label = crate::i18n::text(l, &statreq_domain::notify::email_kind_label(&kind));
                                let always = statreq_domain::notify::INBOX_ALWAYS.contains(&kind.as_str());
                                let in_app = always || s.inbox.get(&kind).copied().unwrap_or(true);
                                let by_mail = s.email.get(&kind).copied().unwrap_or(true);
                                let (k1, k2) = (kind.clone(), kind.clone());
                                let named = |column: &str| format!("{label}{}{}", crate::components::application::colon(l), tr(l, column));
                                view! {
                                    <tr>
                                        <th scope="row">{label.clone()}</th>
                                        <td data-label=tr(l, "notice_in_the_inbox")><input id=format!("ns-inbox-{kind}") type="checkbox" prop:checked=in_app disabled=always
                                            aria-label=named("notice_in_the_inbox")
                                            on:change=move |ev| toggle(k1.clone(), true, event_target_checked(&ev)) /></td>
                                        <td data-label=tr(l, "also_by_email")><input id=format!("ns-{kind}") type="checkbox" prop:checked=by_mail
                                            aria-label=named("also_by_email")
                                            on:change=move |ev| toggle(k2.clone(), false, event_target_checked(&ev)) /></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
            <p class="error pre-line" role="alert">{move || settings_note.get()}</p>
        </section>
        <crate::pages::account_security::Sessions />
        <crate::pages::account_security::AgeKey />
    }
}

/// How e-mail goes here, as the notice settings say (API 1.24.0): not at all, or
/// gathered into one message a while; nothing when sent one by one or not said (an
/// older server).
fn email_how(l: i18n::Lang, sent: Option<bool>, gather_seconds: Option<u32>) -> Option<String> {
    match (sent, gather_seconds) {
        (Some(false), _) => Some(tr(l, "email_not_sent_here")),
        (_, Some(n)) if n > 0 => {
            let time = if n % 60 == 0 {
                tr_with(l, "n_minutes", &[("n", (n / 60).to_string())])
            } else {
                tr_with(l, "n_seconds", &[("n", n.to_string())])
            };
            Some(tr_with(l, "email_gathered_within", &[("time", time)]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_say_how_email_goes_here() {
        assert_eq!(
            email_how(i18n::Lang::En, Some(false), Some(60)).as_deref(),
            Some("This service sends no e-mail at present: the E-mail column is kept for when it does.")
        );
        assert_eq!(
            email_how(i18n::Lang::En, Some(true), Some(120)).as_deref(),
            Some("E-mails to you within 2 min of one another come as one message.")
        );
        assert_eq!(email_how(i18n::Lang::Zh, Some(true), Some(90)).as_deref(), Some("相隔 90 秒內寄給您的電子郵件合併為一封寄送。"));
        assert_eq!(email_how(i18n::Lang::En, Some(true), Some(0)), None, "one by one");
        assert_eq!(email_how(i18n::Lang::En, None, None), None, "a server that does not say");
    }
}
