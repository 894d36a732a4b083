//! An edit saved after another was saved meanwhile (412: another tab, a colleague of the
//! office, WebHR): nothing typed is lost. The form stays as typed and says what the
//! other edit changed, in words; the applicant chooses to save theirs over it or to
//! take the newer version instead.

use leptos::prelude::*;
use statreq_contract::{Action, Application, RequestView};
use statreq_domain::diff::{changes, Change};

use crate::components::application::{ChangesTable, FieldNames};
use crate::i18n::{self, tr, tr_with};

/// The request as it now stands, and what changed from the application the form
/// was opened with.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub now: RequestView,
    pub changes: Vec<Change>,
}

impl Conflict {
    /// `loaded` is the application the form was opened with.
    pub fn of(loaded: &Application, now: RequestView) -> Conflict {
        let json = |a: &Application| serde_json::to_value(a).unwrap_or_default();
        let changes = changes(&json(loaded), &json(&now.application));
        Conflict { now, changes }
    }

    /// Whether the request can still be edited (not submitted meanwhile, say).
    pub fn editable(&self) -> bool {
        self.now.allowed_actions.contains(&Action::Edit)
    }
}

/// What the other edit changed, and the two ways on: `keep_mine` saves the form over
/// the version now stored; `take_theirs` leaves the form for the request as it is.
#[component]
pub fn ConflictPanel(
    conflict: Conflict,
    names: Memo<FieldNames>,
    keep_mine: impl Fn(i64) + Clone + 'static,
    take_theirs: impl Fn() + 'static,
    saving: RwSignal<bool>,
) -> impl IntoView {
    let lang = i18n::lang();
    let editable = conflict.editable();
    let Conflict { now, changes } = conflict;
    let (version, app) = (now.version, now.application.clone());
    // The keyboard's place moves to it: the save button it came from is further down.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="card conflict" id="edit-conflict" aria-labelledby="conflict-h">
            <h2 id="conflict-h" tabindex="-1" node_ref=heading>{move || tr(lang.get(), "saved_meanwhile_elsewhere")}</h2>
            <p role="alert">{move || tr_with(lang.get(), "saved_meanwhile_detail", &[
                ("version", version.to_string()),
                ("at", i18n::datetime(lang.get(), now.updated_at)),
                ("state", i18n::text(lang.get(), &now.state_label)),
            ])}</p>
            {(!changes.is_empty()).then(|| view! {
                <p>{move || tr(lang.get(), "saved_meanwhile_changed")}</p>
                <ChangesTable changes=changes app=app names=names
                    before="conflict_when_opened" after="conflict_saved_now" />
            })}
            <p>{move || tr(lang.get(), if editable { "saved_meanwhile_choose" } else { "saved_meanwhile_not_editable" })}</p>
            <div class="actions">
                {editable.then(|| view! {
                    <button type="button" id="keep-mine" class="danger" disabled=move || saving.get()
                        on:click=move |_| keep_mine(version)>{move || tr(lang.get(), "save_mine_over_it")}</button>
                })}
                <button type="button" id="take-theirs" on:click=move |_| take_theirs()>
                    {move || tr(lang.get(), if editable { "take_the_newer_version" } else { "open_the_request" })}
                </button>
            </div>
        </section>
    }
}
