//! Signing in: with a local account, or straight from WebHR (`/sso#access_token=…`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::components::problem::err_text;
use crate::i18n::{self, tr};
use crate::session::{self, call};

#[component]
pub fn Login() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let navigate = use_navigate();
    // Where the person was going when asked to sign in (see `SignInFirst`).
    let next = leptos_router::hooks::use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Sent here to sign in (`SignInFirst`) and signed in meanwhile in another tab of this
    // browser: on to where this tab was going. Not after signing in here (that goes on
    // by itself).
    let navigate_on = navigate.clone();
    Effect::new(move |_| {
        let to = next.with(|q| q.get("next"));
        if session.me.with(Option::is_some) && to.is_some() && !busy.get_untracked() {
            let options = leptos_router::NavigateOptions { replace: true, ..Default::default() };
            navigate_on(&session::after_sign_in(to.as_deref()), options);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match session::login(&username.get_untracked(), &password.get_untracked()).await {
                Ok(me) => {
                    session::known(session, me);
                    let to = session::after_sign_in(next.with_untracked(|q| q.get("next")).as_deref());
                    navigate(&to, Default::default());
                }
                Err(e) => {
                    error.set(Some(err_text(lang.get_untracked(), &e)));
                    busy.set(false);
                }
            }
        });
    };
    let asked = move || next.with(|q| q.get("next")).is_some();
    view! {
        <h1>{move || tr(lang.get(), "sign_in")}</h1>
        <Show when=asked>
            <p class="notice" role="status" id="sign-in-first">{move || tr(lang.get(), "sign_in_first")}</p>
        </Show>
        <form class="card narrow" on:submit=submit>
            <label for="username">{move || tr(lang.get(), "username")}</label>
            <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
            <label for="password">{move || tr(lang.get(), "password")}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" disabled=move || busy.get()>{move || tr(lang.get(), "sign_in")}</button>
            // What to do when one cannot sign in: there is no reset by e-mail (accounts are
            // DGPA's to give), so it says who resets a password.
            <p class="hint" id="sign-in-help">{move || tr(lang.get(), "sign_in_help")}</p>
        </form>
    }
}

/// Single sign-on from WebHR: `/sso#access_token=<JWT>` (the fragment never reaches
/// a server log), optionally `&next=<path>` to open a screen of this site (a request)
/// once signed in. The token is used like any other; when it expires, WebHR signs in again.
#[component]
pub fn SsoPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let token = hash.trim_start_matches('#').split('&').find_map(|kv| kv.strip_prefix("access_token=")).map(str::to_owned);
    // `&next=/requests/12` (percent-encoded) opens that screen once signed in.
    let next = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("next="))
        .and_then(|n| js_sys::decode_uri_component(n).ok())
        .and_then(|n| n.as_string());
    // The token leaves the address bar (and history) before anything else happens.
    if let Some(w) = web_sys::window() {
        let _ = w.history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/sso")));
    }
    match token {
        None => error.set(Some(tr(lang.get_untracked(), "the_link_carries_no_token_come"))),
        Some(token) => spawn_local(async move {
            session::adopt_token(&token);
            match call(|c| async move { c.me().await }).await {
                Ok(me) => {
                    session::known(session, me);
                    navigate(&session::after_sign_in(next.as_deref()), Default::default());
                }
                Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
            }
        }),
    }
    view! {
        <h1>{move || tr(lang.get(), "single_sign_on")}</h1>
        <p role="status">{move || error.get().unwrap_or_else(|| tr(lang.get(), "signing_in"))}</p>
    }
}
