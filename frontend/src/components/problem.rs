//! A problem from the API as people read it: the server's message in the chosen language.

use leptos::prelude::*;
use statreq_client::ClientError;

use crate::i18n::{text, tr, Lang};

pub(crate) fn err_text(lang: Lang, e: &ClientError) -> String {
    match e.problem() {
        Some(p) => {
            let mut s = text(lang, &p.message);
            for err in &p.errors {
                let m = err.message.as_ref().map(|m| text(lang, m)).unwrap_or_else(|| err.detail.clone());
                // Where, in words: the item's name, never the JSON pointer.
                let names = crate::components::application::FieldNames::new();
                let (_, place) = crate::components::application::place(lang, None, &names, &err.pointer);
                if place.is_empty() {
                    s.push_str(&format!("\n• {m}"));
                } else {
                    s.push_str(&format!("\n• {place}{}{m}", crate::components::application::colon(lang)));
                }
            }
            s
        }
        None => tr(lang, "cannot_reach_the_server_try_again"),
    }
}

/// An error as shown: both languages, chosen at display time.
#[derive(Debug, Clone, PartialEq)]
pub struct UiError {
    zh: String,
    en: String,
    /// The HTTP status, when the server answered.
    status: Option<u16>,
}

/// For the `ErrorBoundary` of [`super::loading::Async`], which downcasts it back.
impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for UiError {}

impl UiError {
    /// A refusal that only says the section is not for this caller (its role or agency).
    pub(crate) fn not_for_caller(&self) -> bool {
        matches!(self.status, Some(403 | 404))
    }

    pub(crate) fn show(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            self.zh.clone()
        } else {
            self.en.clone()
        }
    }
}

pub(crate) fn ui(e: ClientError) -> UiError {
    UiError { zh: err_text(Lang::Zh, &e), en: err_text(Lang::En, &e), status: e.status() }
}

/// The problem that kept a section's data away, shown in its place; nothing while
/// it loads, when it arrived, or when the section is simply not for this caller.
pub(crate) fn problem_note<T>(lang: Lang, r: Option<Result<T, UiError>>) -> Option<AnyView> {
    match r {
        Some(Err(e)) if !e.not_for_caller() => Some(view! { <p class="error" role="alert">{e.show(lang)}</p> }.into_any()),
        _ => None,
    }
}
