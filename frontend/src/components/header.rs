//! The header on every screen: who is signed in, the sections they may open, the language.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use statreq_contract::*;

use crate::components::for_roles::{uses, Screen};
use crate::i18n::{self, tr, Lang};
use crate::session::{self, Session};

pub(crate) fn role_label(lang: Lang, r: Role) -> String {
    match r {
        Role::Applicant => tr(lang, "applicant"),
        Role::Supervisor => tr(lang, "supervisor"),
        Role::DgpaOfficer => tr(lang, "dgpa_officer"),
        Role::DgpaAdmin => tr(lang, "dgpa_administrator"),
        Role::Service => tr(lang, "service"),
    }
}

#[component]
pub fn Header(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    // Unread notifications, counted by the server (not read) on every navigation.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let _ = session.me.with(Option::is_some);
        let _ = location.pathname.get();
        crate::session::refresh_unread(session);
    });
    // On a phone the links fold into a menu, closed again on every navigation.
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let _ = location.pathname.get();
        open.set(false);
    });
    view! {
        <header class="top">
            <A href="/"><span class="brand">{move || tr(lang.get(), "personnel_statistics_service")}</span></A>
            {move || session.me.get().map(|me| {
                let roles = me.roles.iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、");
                view! { <span class="who">{me.display_name.clone()}" · "{me.agency_name.clone()}" · "{roles}</span> }
            })}
            <button type="button" class="menu-toggle" aria-controls="main-nav" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>{move || tr(lang.get(), "menu")}</button>
            <nav id="main-nav" class=move || if open.get() { "open" } else { "" } aria-label=move || tr(lang.get(), "user")>
                <Show when=move || session.me.get().is_some()>
                    <A href="/search">{move || tr(lang.get(), "find_requests")}</A>
                    <Show when=move || uses(session, Screen::Destructions)>
                        <A href="/destructions">{move || tr(lang.get(), "to_destroy")}</A>
                    </Show>
                    <A href="/fields">{move || tr(lang.get(), "fields")}</A>
                    <A href="/sources">{move || tr(lang.get(), "existing_sources")}</A>
                    <A href="/inquiries">{move || tr(lang.get(), "questions")}</A>
                    <A href="/account">{move || tr(lang.get(), "my_account")}</A>
                    <A href="/inbox">{move || {
                        let n = session.unread.get();
                        let base = tr(lang.get(), "notifications");
                        if n > 0 { crate::i18n::bracketed(lang.get(), &base, n) } else { base }
                    }}</A>
                </Show>
                <Show when=move || uses(session, Screen::Queue)>
                    <A href="/queue">{move || tr(lang.get(), "queue")}</A>
                </Show>
                // DGPA's figures, or a supervising agency's of the applications it decides on.
                <Show when=move || uses(session, Screen::Stats)>
                    <A href="/stats">{move || tr(lang.get(), "statistics")}</A>
                </Show>
                <Show when=move || uses(session, Screen::Admin)>
                    <A href="/admin">{move || tr(lang.get(), "administration")}</A>
                </Show>
                <Show when=move || session.checked.get() && session.me.with(Option::is_none)>
                    <A href="/login">{move || tr(lang.get(), "sign_in")}</A>
                </Show>
                <button type="button" class="link" on:click=move |_| lang.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })>
                    {move || tr(lang.get(), "other_language")}
                </button>
                <Show when=move || session.me.get().is_some()>
                    {
                        let navigate = navigate.clone();
                        view! {
                            <button type="button" class="link" on:click=move |_| { session::logout(); navigate("/login", Default::default()); }>
                                {move || tr(lang.get(), "sign_out")}
                            </button>
                        }
                    }
                </Show>
            </nav>
        </header>
    }
}
