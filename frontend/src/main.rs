//! The statreq SPA (Leptos, client-side rendered). zh-TW first, English second;
//! every call goes through the shared typed client, so the SPA and the API cannot
//! drift apart.

mod browser;
mod components;
mod i18n;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::for_roles::{ForRoles, Screen};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let lang = i18n::provide();
    let session = session::provide();
    view! {
        <Router>
            <a class="skip" href="#main">{move || i18n::tr(lang.get(), "skip_to_main_content")}</a>
            <components::header::Header session=session />
            <SignInFirst session=session />
            <main id="main" tabindex="-1">
                // Drawn anew when another person signs in (in another tab of this browser).
                {move || {
                    session.screens.track();
                    view! { <Screens session=session /> }
                }}
            </main>
            <components::page_title::PageTitle />
        </Router>
    }
}

/// Every screen, by its address.
#[component]
fn Screens(session: session::Session) -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <pages::NotFound /> }>
            <Route path=path!("/") view=pages::Home />
            <Route path=path!("/login") view=pages::Login />
            <Route path=path!("/sso") view=pages::SsoPage />
            <Route path=path!("/requests/new") view=|| view! { <ForRoles screen=Screen::NewRequest><pages::NewRequest /></ForRoles> } />
            <Route path=path!("/requests/paper") view=|| view! { <ForRoles screen=Screen::PaperIntake><pages::form_paper::PaperRequest /></ForRoles> } />
            <Route path=path!("/queue") view=|| view! { <ForRoles screen=Screen::Queue><pages::QueuePage /></ForRoles> } />
            <Route path=path!("/stats") view=|| view! { <ForRoles screen=Screen::Stats><pages::StatsPage /></ForRoles> } />
            <Route path=path!("/admin") view=|| view! { <ForRoles screen=Screen::Admin><pages::AdminPage /></ForRoles> } />
            <Route path=path!("/admin/agencies") view=|| view! { <ForRoles screen=Screen::Admin><pages::admin::AdminAgenciesPage /></ForRoles> } />
            <Route path=path!("/admin/reference") view=|| view! { <ForRoles screen=Screen::Admin><pages::admin::AdminReferencePage /></ForRoles> } />
            <Route path=path!("/admin/integrations") view=|| view! { <ForRoles screen=Screen::Admin><pages::admin::AdminIntegrationsPage /></ForRoles> } />
            <Route path=path!("/fields") view=pages::help::FieldsPage />
            <Route path=path!("/faq") view=move || view! { <pages::faq::FaqPage session=session /> } />
            <Route path=path!("/fields/:code") view=move || view! { <pages::help::FieldPage session=session /> } />
            <Route path=path!("/sources") view=pages::help::SourcesPage />
            <Route path=path!("/inquiries") view=move || view! { <pages::help::InquiriesPage session=session /> } />
            <Route path=path!("/inquiries/:id") view=move || view! { <pages::help::InquiryPage session=session /> } />
            <Route path=path!("/inbox") view=pages::inbox::InboxPage />
            <Route path=path!("/account") view=pages::AccountPage />
            <Route path=path!("/search") view=pages::SearchPage />
            <Route path=path!("/destructions") view=|| view! { <ForRoles screen=Screen::Destructions><pages::DestructionsPage /></ForRoles> } />
            <Route path=path!("/requests/:id/edit") view=pages::EditRequest />
            <Route path=path!("/requests/:id/print") view=pages::PrintForm />
            <Route path=path!("/requests/:id") view=pages::RequestPage />
        </Routes>
    }
}

/// A screen that needs someone signed in, opened without (a bookmark, a link in an
/// e-mail, a session that ended): to the sign-in first, and back to that screen after
/// (`/login?next=…`). Home, the sign-in and WebHR's single sign-on are open to all.
#[component]
fn SignInFirst(session: session::Session) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let path = location.pathname.get();
        let search = location.search.get();
        let open_to_all = path == "/" || path == "/login" || path == "/sso";
        if !session.checked.get() || session.me.with(Option::is_some) || open_to_all {
            return;
        }
        let search = search.trim_start_matches('?');
        let here = if search.is_empty() { path } else { format!("{path}?{search}") };
        let options = leptos_router::NavigateOptions { replace: true, ..Default::default() };
        navigate(&format!("/login?next={}", js_sys::encode_uri_component(&here)), options);
    });
}
