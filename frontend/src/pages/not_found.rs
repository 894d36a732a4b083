//! An unknown address.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{self, t};

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = i18n::lang();
    view! { <h1>{move || t(lang.get(), "找不到此頁面", "Page not found")}</h1><p><A href="/">{move || t(lang.get(), "回首頁", "Home")}</A></p> }
}
