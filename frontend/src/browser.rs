//! What the browser does for the SPA beyond the page: reading a file the user picked, saving one they download.

/// Saves bytes as a file in the browser.
pub(crate) fn save_file(name: &str, bytes: &[u8]) {
    use wasm_bindgen::JsCast;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&url);
                a.set_download(name);
                a.click();
            }
        }
    }
    // Let go of the blob later, not at once: a browser may still be reading it when
    // `click()` returns (FileSaver.js waits 40 s too).
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 40_000);
    }
}

/// Lets the browser download what `url` (on this origin) answers, saving it as `name`
/// unless the answer names it.
pub(crate) fn follow_link(url: &str, name: &str) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(Ok(a)) = doc.create_element("a").map(|a| a.dyn_into::<web_sys::HtmlAnchorElement>()) {
        a.set_href(url);
        a.set_download(name);
        a.click();
    }
}

/// Asks the person to confirm (the browser's own dialog); `false` when they cancel or
/// no dialog can be shown.
pub(crate) fn confirm(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
}

/// The file chosen in a file input, unread: to upload as it is (the browser then sends it
/// from disk, however large, without a copy in the page's memory).
pub(crate) fn chosen_file(input_id: &str) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    let input = web_sys::window()?.document()?.get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    input.files()?.get(0)
}

/// Reads a chosen file in the browser (for the small files the page itself looks into).
pub(crate) async fn read_file(input_id: &str) -> Option<(String, Vec<u8>)> {
    let file = chosen_file(input_id)?;
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buf).to_vec()))
}

/// While `dirty` holds, leaving the page asks first: a reload or closing the tab (the
/// browser's own question), and a link inside the SPA (`question`). Listeners go when
/// the component that set them does.
pub(crate) fn ask_before_leaving(dirty: impl Fn() -> bool + Clone + 'static, question: impl Fn() -> String + 'static) {
    use leptos::prelude::on_cleanup;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let dirty_unload = dirty.clone();
    // Asked from the browser's events, outside any reactive context: untracked.
    let unload = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if leptos::prelude::untrack(&dirty_unload) {
            ev.prevent_default();
            let _ = js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
        }
    });
    let click = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if !leptos::prelude::untrack(&dirty) {
            return;
        }
        let link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("a[href]").ok().flatten());
        let Some(link) = link else { return };
        let href = link.get_attribute("href").unwrap_or_default();
        // Anchors within the page and downloads are not leaving.
        if href.starts_with('#') || link.has_attribute("download") {
            return;
        }
        let stay = !web_sys::window().and_then(|w| w.confirm_with_message(&leptos::prelude::untrack(&question)).ok()).unwrap_or(true);
        if stay {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    let capture = web_sys::AddEventListenerOptions::new();
    capture.set_capture(true);
    let _ = window.add_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
    let _ = document.add_event_listener_with_callback_and_add_event_listener_options("click", click.as_ref().unchecked_ref(), &capture);
    let (unload, click) = (send_wrapper::SendWrapper::new(unload), send_wrapper::SendWrapper::new(click));
    on_cleanup(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.remove_event_listener_with_callback("beforeunload", unload.as_ref().unchecked_ref());
            if let Some(d) = w.document() {
                let _ = d.remove_event_listener_with_callback_and_bool("click", click.as_ref().unchecked_ref(), true);
            }
        }
    });
}

/// The browser's clock (`chrono::Utc::now` has none to read on wasm32).
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Runs `act` on the element `id` once it is in the document: a screen joins it only
/// when the router's transition ends, and a part of one when its data has come, so it is
/// looked for every 50 ms, `tries` times at most.
pub(crate) fn when_there(id: String, tries: u32, act: impl FnOnce(web_sys::Element) + 'static) {
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
    match el {
        Some(el) => act(el),
        None if tries > 0 => leptos::prelude::set_timeout(move || when_there(id, tries - 1, act), std::time::Duration::from_millis(50)),
        None => {}
    }
}

/// The keyboard's place to the element `id` once it is there (see [`when_there`]); it
/// needs a `tabindex` unless it is a control.
pub(crate) fn focus_when_there(id: &str) {
    use wasm_bindgen::JsCast;
    when_there(id.to_string(), 40, |el| {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}
