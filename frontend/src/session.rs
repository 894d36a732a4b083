//! The signed-in session: the short-lived access token in localStorage, the
//! refresh token in an `HttpOnly` cookie the server sets (no script can read it),
//! the caller, and calls that refresh an expired access token once and retry, so
//! nothing being edited is lost.

use std::future::Future;

use leptos::prelude::*;
use statreq_client::{Client, ClientError};
use statreq_contract::Me;

pub fn storage_get(key: &str) -> Option<String> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).and_then(|s| s.get_item(key).ok().flatten())
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

pub fn storage_remove(key: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(key);
    }
}

/// The API's origin: `<meta name="statreq-api" content="https://…">` in index.html when
/// the SPA is deployed on its own (the API must list this SPA's origin with
/// `--cors-origin`), else the SPA's own origin.
pub fn origin() -> String {
    let window = web_sys::window();
    let configured = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=statreq-api]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|c| !c.trim().is_empty());
    configured.unwrap_or_else(|| window.and_then(|w| w.location().origin().ok()).unwrap_or_default())
}

#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    /// Unread notifications, as the header shows them: read again on every navigation
    /// and when the inbox marks some read ([`refresh_unread`]).
    pub unread: RwSignal<i64>,
    /// Which reading of `unread` is the latest.
    unread_reading: RwSignal<u64>,
    /// Whether it is known who is signed in (the session kept in this browser was read
    /// back, or there was none): until then no screen sends anyone to sign in.
    pub checked: RwSignal<bool>,
    /// Counts the times the screens were drawn anew for another person signed in (in
    /// another tab of this browser): the routes follow it.
    pub screens: RwSignal<u32>,
}

/// Reads the unread count again. Only the latest reading is shown: one started before a
/// notice was marked read (a navigation's) would otherwise show it unread again.
pub fn refresh_unread(s: Session) {
    let reading = s.unread_reading.get_untracked() + 1;
    s.unread_reading.set(reading);
    leptos::task::spawn_local(async move {
        let n = match s.me.get_untracked() {
            Some(_) => call(|c| async move { c.inbox_summary().await }).await.map(|x| x.unread).unwrap_or(0),
            None => 0,
        };
        // Told only of a change: what follows the count (the lists' marks) is read again
        // when there is something new to read, not on every navigation.
        if s.unread_reading.get_untracked() == reading && s.unread.get_untracked() != n {
            s.unread.set(n);
        }
    });
}

/// The unread count an answer carried (marking notices read answers with what is left
/// unread): taken as the latest reading, without asking again.
pub fn told_unread(s: Session, n: i64) {
    s.unread_reading.update(|r| *r += 1);
    if s.unread.get_untracked() != n {
        s.unread.set(n);
    }
}

pub fn provide() -> Session {
    let s = Session {
        me: RwSignal::new(None),
        unread: RwSignal::new(0),
        unread_reading: RwSignal::new(0),
        checked: RwSignal::new(false),
        screens: RwSignal::new(0),
    };
    // Refresh tokens were once kept here; never again.
    storage_remove("statreq.refresh");
    provide_context(s);
    if storage_get("statreq.access").is_some() {
        leptos::task::spawn_local(async move {
            if let Ok(me) = call(|c| async move { c.me().await }).await {
                known(s, me);
            }
            s.checked.set(true);
        });
    } else {
        s.checked.set(true);
    }
    follow_other_tabs(s);
    s
}

/// The access token is this browser's, shared by its tabs: a sign-out in one tab, or
/// another person signing in there, is followed here at once. Signed out, this tab goes
/// to the sign-in (`SignInFirst`) instead of showing what the person had opened; another
/// person, and the screens are drawn anew as theirs (`screens`), so nobody acts under
/// a name on screen that is not theirs. The same person's token renewed changes nothing.
fn follow_other_tabs(s: Session) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else { return };
    let changed = Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
        // No key: the whole storage was cleared.
        if ev.key().is_some_and(|k| k != "statreq.access") {
            return;
        }
        if ev.new_value().is_none() {
            if s.me.with_untracked(Option::is_some) {
                s.me.set(None);
            }
            return;
        }
        leptos::task::spawn_local(async move {
            let Ok(me) = call(|c| async move { c.me().await }).await else { return };
            match s.me.with_untracked(|m| m.as_ref().map(|m| m.id)) {
                Some(id) if id == me.id => {}
                // Nobody's screens are open here (the sign-in, after a sign-out elsewhere).
                None => known(s, me),
                // The screens are drawn anew first, then told who is signed in: the old
                // ones are gone before anything follows the change of person (and the
                // forms drawn anew offer nothing the person before typed).
                Some(_) => {
                    claim_forms(me.id);
                    s.screens.update(|n| *n += 1);
                    set_timeout(move || s.me.set(Some(me)), std::time::Duration::ZERO);
                }
            }
        });
    });
    let _ = window.add_event_listener_with_callback("storage", changed.as_ref().unchecked_ref());
    // For the page's life, as the session is.
    changed.forget();
}

pub fn session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session {
        me: RwSignal::new(None),
        unread: RwSignal::new(0),
        unread_reading: RwSignal::new(0),
        checked: RwSignal::new(true),
        screens: RwSignal::new(0),
    })
}

fn client() -> Client {
    let c = Client::new(&origin());
    match storage_get("statreq.access") {
        Some(t) => c.with_token(t),
        None => c,
    }
}

pub async fn login(username: &str, password: &str) -> Result<Me, ClientError> {
    let mut c = Client::new(&origin()).with_cookie_session();
    let t = c.login(username, password).await?;
    storage_set("statreq.access", &t.access_token);
    c.me().await
}

/// Changes the signed-in person's password; other sessions end, this one carries on
/// with the new tokens (the refresh token in the cookie).
pub async fn change_password(current: &str, new: &str) -> Result<(), ClientError> {
    let mut c = client().with_cookie_session();
    let t = c.change_password(current, new).await?;
    storage_set("statreq.access", &t.access_token);
    Ok(())
}

/// Uses a token issued elsewhere (WebHR single sign-on); it cannot be refreshed.
pub fn adopt_token(token: &str) {
    storage_set("statreq.access", token);
}

/// Signs out here and at the server (the sign-in's refresh tokens are revoked and
/// the cookie cleared).
pub fn logout() {
    storage_remove("statreq.access");
    // Unsaved forms kept in this browser go with the session (a shared office PC).
    forget_forms();
    session().me.set(None);
    leptos::task::spawn_local(async {
        let _ = Client::new(&origin()).with_cookie_session().logout().await;
    });
}

/// Who is signed in, now known (a sign-in here, WebHR's, the page opened again).
pub fn known(s: Session, me: Me) {
    claim_forms(me.id);
    s.me.set(Some(me));
}

/// The copies of unsaved forms kept in this browser (`statreq.form.*`) are the person's
/// who typed them: another person signed in on the same browser (a shared office PC, the
/// first one never signed out) starts without them instead of being offered what someone
/// else typed. Copies kept before their owner was recorded stay with whoever comes first.
fn claim_forms(id: i64) {
    let id = id.to_string();
    match storage_get("statreq.form.owner") {
        Some(owner) if owner == id => {}
        Some(_) => {
            forget_forms();
            storage_set("statreq.form.owner", &id);
        }
        None => storage_set("statreq.form.owner", &id),
    }
}

/// Removes every copy of an unsaved form kept in this browser (and whose they were).
fn forget_forms() {
    if let Some(store) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let keys: Vec<String> = (0..store.length().unwrap_or(0)).filter_map(|i| store.key(i).ok().flatten()).collect();
        for k in keys.into_iter().filter(|k| k.starts_with("statreq.form.")) {
            let _ = store.remove_item(&k);
        }
    }
}

/// Forgets the session here only (the server already refused it).
fn forget() {
    storage_remove("statreq.access");
    session().me.set(None);
}

/// The refresh under way, if any: every call refused for an expired token awaits the
/// same one. A refresh token works once; two sent at once made the second a reuse,
/// which the server takes for theft and answers by ending the whole sign-in (opening a
/// request page after the token expired, with its several calls, signed the person out).
type Refreshing = futures_util::future::Shared<futures_util::future::LocalBoxFuture<'static, bool>>;

thread_local! {
    static REFRESHING: std::cell::RefCell<Option<Refreshing>> = const { std::cell::RefCell::new(None) };
}

async fn refresh() -> bool {
    use futures_util::FutureExt;
    let under_way = REFRESHING.with(|r| r.borrow().clone());
    let refreshing = under_way.unwrap_or_else(|| {
        let once = async {
            let mut c = Client::new(&origin()).with_cookie_session();
            let done = match c.refresh().await {
                Ok(t) => {
                    storage_set("statreq.access", &t.access_token);
                    true
                }
                Err(_) => false,
            };
            REFRESHING.with(|r| r.borrow_mut().take());
            done
        }
        .boxed_local()
        .shared();
        REFRESHING.with(|r| *r.borrow_mut() = Some(once.clone()));
        once
    });
    refreshing.await
}

/// Runs an API call; on an expired token refreshes once and runs it again.
pub async fn call<T, F, Fut>(f: F) -> Result<T, ClientError>
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let sent_with = storage_get("statreq.access");
    match f(client()).await {
        Err(e) if e.status() == Some(401) => {
            // Refreshed meanwhile (a call that finished first, or another tab): the new
            // token serves; else refreshed now.
            if storage_get("statreq.access").is_some_and(|now| Some(&now) != sent_with.as_ref()) || refresh().await {
                f(client()).await
            } else {
                forget();
                Err(e)
            }
        }
        other => other,
    }
}

/// Where to go after signing in: `next` when it is a path of this site (`/requests/12`),
/// never another site (`//evil.example`, `/\\evil.example`, `https://…`); otherwise home.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") && !n.contains(['\r', '\n']) => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_signing_in_only_this_sites_paths_are_followed() {
        assert_eq!(super::after_sign_in(Some("/requests/12?tab=events")), "/requests/12?tab=events");
        assert_eq!(super::after_sign_in(Some("/admin/integrations")), "/admin/integrations");
        for elsewhere in ["//evil.example/x", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "", "/a\r\nb"] {
            assert_eq!(super::after_sign_in(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(super::after_sign_in(None), "/");
    }
}
