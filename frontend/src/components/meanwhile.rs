//! An administrator's save refused because another administrator saved the same thing
//! meanwhile (412: the queue settings, an account, an agency, a year's calendar, a
//! source, a webhook). Nothing typed is lost: the form stays as typed, this panel says
//! what the other save changed beside what the form holds, and the administrator
//! chooses to save theirs over it (at the version now stored) or to take what is saved.

use leptos::prelude::*;

use crate::i18n::{self, tr, tr_with, Lang};

/// One thing the other save changed: what it is, as it was read, as it is saved now,
/// and as the form holds it. In words of the language shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub what: String,
    pub read: String,
    pub now: String,
    pub mine: String,
}

impl Difference {
    /// A row when the other save changed the thing (`read` ≠ `now`).
    pub fn of(what: String, read: String, now: String, mine: String) -> Option<Difference> {
        (read != now).then_some(Difference { what, read, now, mine })
    }
}

/// A text of the form left as it was read takes what was saved meanwhile (`now`); one
/// the administrator changed stays as typed.
pub fn take_untouched(field: RwSignal<String>, read: &str, now: &str) {
    if field.get_untracked().trim() == read.trim() {
        field.set(now.to_string());
    }
}

/// Who saved meanwhile and when, in words, when the service says.
pub fn saved_by(lang: Lang, by: Option<&statreq_contract::UserRef>, at: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    let at = at.map(|t| i18n::datetime(lang, t));
    match (by, at) {
        (Some(u), Some(at)) => Some(tr_with(lang, "meanwhile_saved_by_at", &[("user", u.display_name.clone()), ("at", at)])),
        (None, Some(at)) => Some(tr_with(lang, "meanwhile_saved_at", &[("at", at)])),
        _ => None,
    }
}

/// The panel, shown under the form whose save was refused; the keyboard moves to it.
#[component]
pub fn SavedMeanwhile(
    /// Who saved and when (see [`saved_by`]), drawn again on a change of language.
    #[prop(optional, into)]
    by: Signal<Option<String>>,
    /// What the other save changed; empty when it changed nothing the form shows.
    #[prop(into)]
    rows: Signal<Vec<Difference>>,
    /// Saves the form over what is now stored.
    keep_mine: Callback<()>,
    /// Discards the form's changes for what is now stored.
    take_theirs: Callback<()>,
    /// While a save is on its way.
    #[prop(optional, into)]
    saving: Signal<bool>,
    /// The first column's heading, the name of what a row is about: "field" unless said.
    #[prop(optional)]
    what: Option<&'static str>,
) -> impl IntoView {
    let lang = i18n::lang();
    let what = what.unwrap_or("field_2");
    let heading = NodeRef::<leptos::html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="conflict meanwhile" aria-labelledby="meanwhile-h">
            <h3 id="meanwhile-h" tabindex="-1" node_ref=heading>{move || tr(lang.get(), "admin_saved_meanwhile")}</h3>
            <p role="alert">
                {move || tr(lang.get(), "admin_saved_meanwhile_detail")}
                // A space between sentences in English; none after a full-width 。.
                {move || by.get().map(|b| if lang.get() == Lang::Zh { b } else { format!(" {b}") })}
            </p>
            {move || {
                let rows = rows.get();
                let l = lang.get();
                if rows.is_empty() {
                    return view! { <p>{tr(l, "meanwhile_nothing_shown_changed")}</p> }.into_any();
                }
                view! {
                    <table class="list diff">
                        <thead><tr>
                            <th scope="col">{tr(l, what)}</th>
                            <th scope="col">{tr(l, "conflict_when_opened")}</th>
                            <th scope="col">{tr(l, "conflict_saved_now")}</th>
                            <th scope="col">{tr(l, "meanwhile_in_your_form")}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|d| view! {
                                <tr>
                                    <td data-label=tr(l, what)>{d.what}</td>
                                    <td data-label=tr(l, "conflict_when_opened")><del>{d.read}</del></td>
                                    <td data-label=tr(l, "conflict_saved_now")><ins>{d.now}</ins></td>
                                    <td data-label=tr(l, "meanwhile_in_your_form")>{d.mine}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <p>{move || tr(lang.get(), "meanwhile_choose")}</p>
            <div class="actions">
                <button type="button" id="keep-mine" class="danger" disabled=move || saving.get()
                    on:click=move |_| keep_mine.run(())>{move || tr(lang.get(), "save_mine_over_it")}</button>
                <button type="button" id="take-theirs" on:click=move |_| take_theirs.run(())>
                    {move || tr(lang.get(), "meanwhile_take_theirs")}</button>
            </div>
        </section>
    }
}
