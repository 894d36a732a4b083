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
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads a chosen file in the browser.
pub(crate) async fn read_file(input_id: &str) -> Option<(String, Vec<u8>)> {
    use wasm_bindgen::JsCast;
    let input = web_sys::window()?.document()?.get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buf).to_vec()))
}
