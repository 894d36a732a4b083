//! The screens only some roles use. The header links to each for those roles; opened
//! at its address by anyone else (a bookmark, a link passed on, a role taken away), it
//! says whose screen it is instead of showing forms the API would refuse and asking the
//! API for what it refuses.

use leptos::prelude::*;
use leptos_router::components::A;
use statreq_contract::Role;

use crate::components::header::role_label;
use crate::i18n::{self, tr, tr_with};
use crate::session;

/// A screen that belongs to some roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Applying: the applicant's office.
    NewRequest,
    /// Registering an application on paper or by e-mail (rule 5.2's fallback): DGPA's officers.
    PaperIntake,
    /// Personal data to destroy (rule 6): the office that holds it, and DGPA.
    Destructions,
    /// DGPA's work queue.
    Queue,
    /// The service's figures: DGPA's, or a supervising agency's of what it decides on.
    Stats,
    /// Administration: DGPA's administrators.
    Admin,
}

impl Screen {
    /// The roles whose screen it is.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Screen::NewRequest => &[Role::Applicant],
            Screen::PaperIntake => &[Role::DgpaOfficer],
            Screen::Destructions => &[Role::Applicant, Role::DgpaOfficer, Role::DgpaAdmin],
            Screen::Queue => &[Role::DgpaOfficer, Role::DgpaAdmin],
            Screen::Stats => &[Role::DgpaOfficer, Role::DgpaAdmin, Role::Supervisor],
            Screen::Admin => &[Role::DgpaAdmin],
        }
    }

    /// Whether someone holding `held` uses it.
    pub fn open_to(self, held: &[Role]) -> bool {
        self.roles().iter().any(|r| held.contains(r))
    }
}

/// Whether the signed-in person uses `screen` (false while nobody is signed in).
pub fn uses(session: session::Session, screen: Screen) -> bool {
    session.me.with(|m| m.as_ref().is_some_and(|m| screen.open_to(&m.roles)))
}

/// `children` for those whose screen it is; for anyone else, whose screen it is.
/// Nothing until the account is known (the sign-in comes first when there is none).
#[component]
pub fn ForRoles(screen: Screen, children: ChildrenFn) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    // Only a change of the answer redraws: the screen keeps its state when the account
    // is read again.
    let open = Memo::new(move |_| session.me.with(|m| m.as_ref().map(|m| screen.open_to(&m.roles))));
    move || match open.get() {
        None => ().into_any(),
        Some(true) => children().into_any(),
        Some(false) => {
            let whose = move || screen.roles().iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、");
            view! {
                <h1>{move || tr(lang.get(), "not_a_screen_of_your_roles")}</h1>
                <p>{move || tr_with(lang.get(), "screen_is_for_roles", &[("roles", whose())])}</p>
                <p><A href="/">{move || tr(lang.get(), "home")}</A></p>
            }
            .into_any()
        }
    }
}
