//! The header on every screen: who is signed in, the sections they may open, the language.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use statreq_contract::*;

use crate::i18n::{self, t, Lang};
use crate::session::{self, call, Session};

pub(crate) fn role_label(lang: Lang, r: Role) -> String {
    match r {
        Role::Applicant => t(lang, "申請人", "applicant"),
        Role::Supervisor => t(lang, "主管機關審核人", "supervisor"),
        Role::DgpaOfficer => t(lang, "人事總處承辦人", "DGPA officer"),
        Role::DgpaAdmin => t(lang, "人事總處管理者", "DGPA administrator"),
        Role::Service => t(lang, "系統介接", "service"),
    }
}

#[component]
pub fn Header(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    // Unread notifications, read again on every navigation.
    let location = leptos_router::hooks::use_location();
    let unread = LocalResource::new(move || {
        let signed_in = session.me.get().is_some();
        let _ = location.pathname.get();
        async move {
            if !signed_in {
                return 0;
            }
            call(|c| async move { c.inbox(true).await }).await.map(|v| v.len()).unwrap_or(0)
        }
    });
    view! {
        <header class="top">
            <A href="/"><span class="brand">{move || t(lang.get(), "人事資料統計服務", "Personnel statistics service")}</span></A>
            <nav aria-label=move || t(lang.get(), "使用者", "User")>
                {move || session.me.get().map(|me| {
                    let roles = me.roles.iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、");
                    view! { <span class="who">{me.display_name.clone()}" · "{me.agency_name.clone()}" · "{roles}</span> }
                })}
                <Show when=move || session.me.get().is_some()>
                    <A href="/fields">{move || t(lang.get(), "欄位字典", "Fields")}</A>
                    <A href="/sources">{move || t(lang.get(), "既有資料來源", "Existing sources")}</A>
                    <A href="/inquiries">{move || t(lang.get(), "欄位疑義", "Questions")}</A>
                    <A href="/inbox">{move || {
                        let n = unread.get().unwrap_or(0);
                        let base = t(lang.get(), "通知", "Notifications");
                        if n > 0 { format!("{base} ({n})") } else { base }
                    }}</A>
                </Show>
                <Show when=move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)))>
                    <A href="/queue">{move || t(lang.get(), "作業排程", "Queue")}</A>
                    <A href="/stats">{move || t(lang.get(), "服務統計", "Statistics")}</A>
                </Show>
                <Show when=move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaAdmin))>
                    <A href="/admin">{move || t(lang.get(), "系統管理", "Administration")}</A>
                </Show>
                <button type="button" class="link" on:click=move |_| lang.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })>
                    {move || t(lang.get(), "English", "中文")}
                </button>
                <Show when=move || session.me.get().is_some()>
                    {
                        let navigate = navigate.clone();
                        view! {
                            <button type="button" class="link" on:click=move |_| { session::logout(); navigate("/login", Default::default()); }>
                                {move || t(lang.get(), "登出", "Sign out")}
                            </button>
                        }
                    }
                </Show>
            </nav>
        </header>
    }
}
