//! Where a screen is, told to the browser: each screen's title (its `h1` and the
//! service's name, in the tab, the history and a screen reader's first words; WCAG
//! 2.4.2), and, after a move to another screen, the keyboard's place at the top of the
//! new one instead of on a link that is gone (WCAG 2.4.3).

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::i18n::{self, tr, Lang};

/// The window's title for a screen whose `h1` says `heading`.
pub(crate) fn title(lang: Lang, heading: &str) -> String {
    let service = tr(lang, "personnel_data_statistics_service");
    let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
    if heading.is_empty() || heading == service {
        service
    } else {
        format!("{heading} – {service}")
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Sets the title from the screen's `h1` as it stands (nothing when unchanged).
fn follow_heading(lang: Lang) {
    let Some(doc) = document() else { return };
    let heading = doc.query_selector("main h1").ok().flatten().and_then(|h| h.text_content()).unwrap_or_default();
    let wanted = title(lang, &heading);
    if doc.title() != wanted {
        doc.set_title(&wanted);
    }
}

/// Keeps the title and the focus with the screen; placed once, inside the router.
#[component]
pub fn PageTitle() -> impl IntoView {
    let lang = i18n::lang();
    // A screen's `h1` often arrives with its data, after the screen: the title follows
    // every change of `<main>`.
    Effect::new(move |_| {
        let Some(main) = document().and_then(|d| d.get_element_by_id("main")) else { return };
        let changed = Closure::<dyn Fn()>::new(move || follow_heading(lang.get_untracked()));
        let Ok(observer) = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()) else { return };
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        options.set_character_data(true);
        if observer.observe_with_options(&main, &options).is_ok() {
            // Both live as long as the page: the SPA is mounted once.
            changed.forget();
            std::mem::forget(observer);
        }
        follow_heading(lang.get_untracked());
    });
    Effect::new(move |_| follow_heading(lang.get()));
    let location = use_location();
    super::on_change(
        move || location.pathname.get(),
        || {
            if let Some(main) = document().and_then(|d| d.get_element_by_id("main")) {
                if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
                    let options = web_sys::FocusOptions::new();
                    options.set_prevent_scroll(true);
                    let _ = main.focus_with_options(&options);
                }
            }
        },
    );
}
