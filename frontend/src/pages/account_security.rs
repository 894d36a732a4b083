//! One's sessions (end one left open elsewhere, or all of them) and the age key
//! personal-data files are encrypted to.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::{self, call};

/// The sessions of the signed-in account, each with "sign out", and "sign out everywhere".
#[component]
pub fn Sessions() -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    let list = LocalResource::new(|| async { call(|c| async move { c.sessions().await }).await.map_err(ui) });
    let note = RwSignal::new(None::<String>);
    let end = move |id: String| {
        spawn_local(async move {
            match call(|c| {
                let id = id.clone();
                async move { c.end_session(&id).await }
            })
            .await
            {
                Ok(()) => {
                    note.set(Some(tr(lang.get_untracked(), "session_ended")));
                    list.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let everywhere = move |_| {
        if !crate::browser::confirm(&tr(lang.get_untracked(), "confirm_sign_out_everywhere")) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match call(|c| async move { c.sign_out_everywhere().await }).await {
                Ok(_) => {
                    session::logout();
                    navigate("/login", Default::default());
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="sess-h">
            <h2 id="sess-h">{move || tr(lang.get(), "my_sessions")}</h2>
            <p class="hint">{move || tr(lang.get(), "sessions_hint")}</p>
            {move || problem_note(lang.get(), list.get())}
            <ul class="sessions">
                {move || list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|s| {
                    let id = s.id.clone();
                    let l = lang.get();
                    view! {
                        <li>
                            {tr_with(l, "session_line", &[("started", i18n::datetime(l, s.started_at)), ("active", i18n::datetime(l, s.last_active_at))])}
                            // Which browser and where, to tell one's sessions apart (the whole User-Agent on pointing).
                            {let whence = whence(s.user_agent.as_deref(), s.client_addr.as_deref());
                             (!whence.is_empty()).then(|| view! { " · "<span class="device" title=s.user_agent.clone().unwrap_or_default()>{whence.clone()}</span> })}
                            // Where it began, when that is elsewhere: a session carried off
                            // (its refresh token taken) shows here as one used from two places.
                            {let began = whence(s.started_user_agent.as_deref(), s.started_client_addr.as_deref());
                             (!began.is_empty() && began != whence(s.user_agent.as_deref(), s.client_addr.as_deref())).then(|| view! {
                                 " · "<span class="device-start warning" title=s.started_user_agent.clone().unwrap_or_default()>{tr_with(l, "session_began_from", &[("whence", began)])}</span>
                             })}
                            {if s.current {
                                view! { " "<span class="badge done">{tr(l, "this_browser")}</span> }.into_any()
                            } else {
                                view! { " "<button type="button" class="link" on:click=move |_| end(id.clone())>{tr(l, "sign_out_this_session")}</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="danger" id="sign-out-everywhere" on:click=everywhere>{move || tr(lang.get(), "sign_out_everywhere")}</button>
            <p class="pre-line" role="status">{move || note.get()}</p>
        </section>
    }
}

/// The X25519 age key files with personal data are encrypted to, instead of a
/// passphrase per file.
#[component]
pub fn AgeKey() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let key = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let save = move |recipient: Option<String>| {
        spawn_local(async move {
            match call(|c| {
                let r = recipient.clone();
                async move { c.set_age_recipient(r.as_deref()).await }
            })
            .await
            {
                Ok(b) => {
                    session.me.update(|m| {
                        if let Some(m) = m {
                            m.age_recipient = b.recipient.clone();
                        }
                    });
                    key.set(String::new());
                    note.set(Some(tr(lang.get_untracked(), if b.recipient.is_some() { "age_key_saved" } else { "age_key_removed" })));
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="age-h">
            <h2 id="age-h">{move || tr(lang.get(), "age_key")}</h2>
            <p class="hint">{move || tr(lang.get(), "age_key_hint")}</p>
            <p id="age-key-now">{move || match session.me.get().and_then(|m| m.age_recipient) {
                Some(r) => view! { {tr(lang.get(), "age_key_now")}<code class="hash">{r}</code>" "
                    <button type="button" class="link" id="age-key-remove" on:click=move |_| save(None)>{tr(lang.get(), "remove")}</button> }.into_any(),
                None => view! { {tr(lang.get(), "age_key_none")} }.into_any(),
            }}</p>
            <form on:submit=move |ev| { ev.prevent_default(); save(Some(key.get_untracked().trim().to_string())); }>
                <label for="age-key">{move || tr(lang.get(), "age_recipient_label")}</label>
                <input id="age-key" placeholder="age1…" autocomplete="off" spellcheck="false" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                <button type="submit">{move || tr(lang.get(), "save_age_key")}</button>
            </form>
            <p class="pre-line" role="status">{move || note.get()}</p>
        </section>
    }
}

/// A token's origin in words: the browser and system, then the address ("Chrome ·
/// Windows · 10.0.3.7"); empty when neither was known.
fn whence(user_agent: Option<&str>, client_addr: Option<&str>) -> String {
    user_agent.map(device_of).into_iter().chain(client_addr.map(String::from)).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" · ")
}

/// A `User-Agent` in two words, browser and system ("Chrome · Windows"); a program
/// that is no browser by its own name ("curl/8.5.0" → "curl").
pub(crate) fn device_of(user_agent: &str) -> String {
    let has = |needle: &str| user_agent.contains(needle);
    let browser = if has("Edg/") {
        Some("Edge")
    } else if has("OPR/") {
        Some("Opera")
    } else if has("Firefox/") || has("FxiOS/") {
        Some("Firefox")
    } else if has("Chrome/") || has("CriOS/") {
        Some("Chrome")
    } else if has("Safari/") && has("Version/") {
        Some("Safari")
    } else {
        None
    };
    let system = if has("Windows") {
        Some("Windows")
    } else if has("Android") {
        Some("Android")
    } else if has("iPhone") || has("iPad") {
        Some("iOS")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Mac OS X") || has("Macintosh") {
        Some("macOS")
    } else if has("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_string(),
        // Not a browser: the product it names first.
        _ => user_agent.split(['/', ' ']).next().filter(|p| !p.is_empty()).unwrap_or(user_agent).chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device_of;

    #[test]
    fn a_user_agent_reads_as_browser_and_system() {
        for (ua, want) in [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome · Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge · Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox · Linux"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari · iOS"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari · macOS"),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome · Android"),
            ("curl/8.5.0", "curl"),
            ("python-requests/2.32.3", "python-requests"),
            ("WebHR-Sync", "WebHR-Sync"),
        ] {
            assert_eq!(device_of(ua), want, "{ua}");
        }
    }
}
