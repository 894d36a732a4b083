//! An unknown address.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{self, tr};

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = i18n::lang();
    view! { <h1>{move || tr(lang.get(), "page_not_found")}</h1><p><A href="/">{move || tr(lang.get(), "home")}</A></p> }
}
