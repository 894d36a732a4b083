//! Pieces shared by the screens.

pub mod agencies;
pub mod application;
pub mod for_roles;
pub mod header;
pub mod loading;
pub mod meanwhile;
pub mod page_title;
pub mod problem;
pub mod request;

use leptos::prelude::*;

/// Runs `then` each time `key` changes, not when it is first read: what a page keeps for
/// one request, field or path is let go on moving to another (the route's component
/// stays, only its parameter changes).
pub fn on_change<K: PartialEq + 'static>(key: impl Fn() -> K + 'static, then: impl Fn() + 'static) {
    Effect::new(move |before: Option<K>| {
        let now = key();
        if before.is_some_and(|b| b != now) {
            then();
        }
        now
    });
}
