//! The states every loading section shares, said the same way everywhere: still
//! loading (announced to screen readers as busy), the server's problem as an alert,
//! or the content. [`Async`] is the one way a screen shows data it fetched.

use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;

use super::problem::UiError;
use crate::i18n::{self, tr, Lang};

/// Still loading.
pub(crate) fn loading(lang: Lang) -> AnyView {
    view! { <p aria-busy="true">{tr(lang, "loading")}</p> }.into_any()
}

/// What kept the section's data away, as an alert.
pub(crate) fn failed(lang: Lang, e: &UiError) -> AnyView {
    view! { <p class="error" role="alert">{e.show(lang)}</p> }.into_any()
}

/// A section that shows what `resource` fetched: "loading" the first time, the last
/// content kept in place while it reloads (a `Transition`, so a refetch after an
/// action does not blank the screen), and the server's problem, in the chosen
/// language, in place of the content when it fails (an `ErrorBoundary` that reads the
/// typed [`UiError`]).
#[component]
pub fn Async<T, F, V>(resource: LocalResource<Result<T, UiError>>, children: F) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = i18n::lang();
    let children = Arc::new(children);
    view! {
        // (The language read where it is shown, so that it is tracked there.)
        <Transition fallback=move || view! { <p aria-busy="true">{move || tr(lang.get(), "loading")}</p> }>
            <ErrorBoundary fallback=move |errors| {
                move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, e)| match e.downcast_ref::<UiError>() {
                            Some(ui) => failed(lang.get(), ui),
                            None => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        })
                        .collect_view()
                }
            }>
                {
                    let children = children.clone();
                    // Once loaded, the content renders here, synchronously, so that
                    // what it reads (the language, a page's signals) is tracked; the
                    // first load suspends, which the Transition shows as loading.
                    move || {
                        let children = children.clone();
                        match resource.get() {
                            Some(loaded) => Either::Left(loaded.map(|v| children(v))),
                            None => Either::Right(Suspend::new(async move { resource.await.map(|v| children(v)) })),
                        }
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}

/// A list read a page at a time into `rows`: `load(None)` reads the first page again
/// (replacing what is shown), `load(Some(cursor))` the next one (appending); `next` is
/// the cursor of the page after, `state` whether the last read succeeded.
pub(crate) struct Paged<T: Send + Sync + 'static> {
    pub rows: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub state: RwSignal<Option<Result<(), UiError>>>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

/// The query of one page of fifty: the filters given a value (trimmed, encoded), and
/// the cursor of the page after the last one read.
pub(crate) fn page_query(filters: &[(&str, String)], cursor: Option<String>) -> String {
    let mut query = "limit=50".to_string();
    for (name, value) in filters.iter().filter(|(_, v)| !v.trim().is_empty()) {
        query.push_str(&format!("&{name}={}", String::from(js_sys::encode_uri_component(value.trim()))));
    }
    if let Some(c) = cursor {
        query.push_str(&format!("&cursor={}", String::from(js_sys::encode_uri_component(&c))));
    }
    query
}

impl<T: Send + Sync + 'static> Paged<T> {
    pub(crate) fn new() -> Paged<T> {
        Paged { rows: RwSignal::new(Vec::new()), next: RwSignal::new(None), state: RwSignal::new(None) }
    }

    /// Reads a page with `fetch(cursor)`: the first one when `cursor` is `None`.
    pub(crate) fn load<F, Fut>(self, cursor: Option<String>, fetch: F)
    where
        F: FnOnce(Option<String>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<statreq_contract::Page<T>, statreq_client::ClientError>> + 'static,
    {
        leptos::task::spawn_local(async move {
            let more = cursor.is_some();
            match fetch(cursor).await {
                Ok(p) => {
                    self.rows.update(|r| {
                        if !more {
                            r.clear();
                        }
                        r.extend(p.items)
                    });
                    self.next.set(p.next_cursor);
                    self.state.set(Some(Ok(())));
                }
                Err(e) => self.state.set(Some(Err(super::problem::ui(e)))),
            }
        });
    }
}
