//! The application form as a component, mounted in a real browser
//! (`wasm-bindgen-test`, run by `just test` in headless Chromium): what the applicant
//! sees follows the answers, and nothing typed is lost.

use leptos::prelude::*;
use leptos_router::components::Router;
use statreq_domain::Application;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use super::form::ApplicationForm;
use crate::{i18n, session};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).unwrap_or_else(|| panic!("a document"))
}

fn by_id<T: JsCast>(id: &str) -> Option<T> {
    document().get_element_by_id(id).and_then(|e| e.dyn_into::<T>().ok())
}

/// Lets effects and reactive updates run.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A new application's form, with what a page around it provides.
fn mount(initial: Application) -> leptos::mount::UnmountHandle<impl Mountable> {
    let parent = document().create_element("div").unwrap_or_else(|_| panic!("a div"));
    document().body().unwrap_or_else(|| panic!("a body")).append_child(&parent).unwrap_or_else(|_| panic!("appended"));
    leptos::mount::mount_to(parent.unchecked_into(), move || {
        i18n::provide();
        session::provide();
        view! { <Router><ApplicationForm initial=initial.clone() edit=None /></Router> }
    })
}

#[wasm_bindgen_test]
async fn personal_data_questions_follow_the_answer_rule_3() {
    session::storage_remove("statreq.form.new");
    let form = mount(Application::default());
    settle().await;
    assert!(by_id::<web_sys::HtmlElement>("purpose").is_none(), "nothing asked before the answer");
    by_id::<web_sys::HtmlElement>("personal-yes").unwrap_or_else(|| panic!("the yes answer")).click();
    settle().await;
    assert!(by_id::<web_sys::HtmlElement>("purpose").is_some(), "the purpose is asked once personal data is declared");
    by_id::<web_sys::HtmlElement>("personal-no").unwrap_or_else(|| panic!("the no answer")).click();
    settle().await;
    assert!(by_id::<web_sys::HtmlElement>("purpose").is_none(), "and not when it is not");
    drop(form);
    session::storage_remove("statreq.form.new");
}

#[wasm_bindgen_test]
async fn what_is_typed_is_kept_in_this_browser_and_offered_back() {
    session::storage_remove("statreq.form.new");
    let form = mount(Application::default());
    settle().await;
    let reason = by_id::<web_sys::HtmlTextAreaElement>("reason").unwrap_or_else(|| panic!("the reason"));
    reason.set_value("研議人力配置");
    reason.dispatch_event(&web_sys::Event::new("input").unwrap_or_else(|_| panic!("an event"))).unwrap_or_else(|_| panic!("dispatched"));
    settle().await;
    let kept = session::storage_get("statreq.form.new").unwrap_or_else(|| panic!("a copy in this browser"));
    assert!(kept.contains("研議人力配置"), "{kept}");
    drop(form);
    // A new form opened later offers the copy back.
    let again = mount(Application::default());
    settle().await;
    let reason = by_id::<web_sys::HtmlTextAreaElement>("reason").unwrap_or_else(|| panic!("the reason"));
    assert_eq!(reason.value(), "研議人力配置");
    drop(again);
    session::storage_remove("statreq.form.new");
}
