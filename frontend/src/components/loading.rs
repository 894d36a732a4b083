//! The two states every loading section shares, said the same way everywhere:
//! still loading (announced to screen readers as busy), or the server's problem.

use leptos::prelude::*;

use super::problem::UiError;
use crate::i18n::{tr, Lang};

/// Still loading.
pub(crate) fn loading(lang: Lang) -> AnyView {
    view! { <p aria-busy="true">{tr(lang, "loading")}</p> }.into_any()
}

/// What kept the section's data away, as an alert.
pub(crate) fn failed(lang: Lang, e: &UiError) -> AnyView {
    view! { <p class="error" role="alert">{e.show(lang)}</p> }.into_any()
}
