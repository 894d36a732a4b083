//! The signed-in session: tokens in localStorage, the caller, and calls that
//! refresh an expired access token once and retry, so nothing being edited is lost.

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

fn storage_remove(key: &str) {
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
}

pub fn provide() -> Session {
    let s = Session { me: RwSignal::new(None) };
    provide_context(s);
    if storage_get("statreq.access").is_some() {
        leptos::task::spawn_local(async move {
            if let Ok(me) = call(|c| async move { c.me().await }).await {
                s.me.set(Some(me));
            }
        });
    }
    s
}

pub fn session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session { me: RwSignal::new(None) })
}

fn client() -> Client {
    let c = Client::new(&origin());
    match storage_get("statreq.access") {
        Some(t) => c.with_token(t),
        None => c,
    }
}

pub async fn login(username: &str, password: &str) -> Result<Me, ClientError> {
    let mut c = Client::new(&origin());
    let t = c.login(username, password).await?;
    storage_set("statreq.access", &t.access_token);
    if let Some(r) = &t.refresh_token {
        storage_set("statreq.refresh", r);
    }
    c.me().await
}

/// Uses a token issued elsewhere (WebHR single sign-on); it cannot be refreshed.
pub fn adopt_token(token: &str) {
    storage_set("statreq.access", token);
    storage_remove("statreq.refresh");
}

pub fn logout() {
    storage_remove("statreq.access");
    storage_remove("statreq.refresh");
    session().me.set(None);
}

async fn refresh() -> bool {
    let Some(refresh) = storage_get("statreq.refresh") else { return false };
    let body = statreq_contract::RefreshBody { refresh_token: refresh };
    let res = Client::new(&origin())
        .raw(statreq_client::Method::POST, "/auth/refresh", "application/json", serde_json::to_vec(&body).unwrap_or_default(), None)
        .await;
    match res {
        Ok((200, v)) => {
            if let (Some(a), Some(r)) = (v["access_token"].as_str(), v["refresh_token"].as_str()) {
                storage_set("statreq.access", a);
                storage_set("statreq.refresh", r);
                return true;
            }
            false
        }
        _ => false,
    }
}

/// Runs an API call; on an expired token refreshes once and runs it again.
pub async fn call<T, F, Fut>(f: F) -> Result<T, ClientError>
where
    F: Fn(Client) -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    match f(client()).await {
        Err(e) if e.status() == Some(401) => {
            if refresh().await {
                f(client()).await
            } else {
                logout();
                Err(e)
            }
        }
        other => other,
    }
}
