//! Notices told to people apart from a request's events (which the notification
//! worker fans out, those of an agency's move among them): reminders, escalations and
//! a year without an office calendar. In-app once each (a dedupe key per person), by
//! e-mail to those who want that kind.

use chrono::{DateTime, Utc};
use statreq_domain::notify;
use statreq_store::{NewInbox, NewNotification, RequestRow, UserRow};

use super::{db, AppResult};
use crate::AppState;

/// One notice for several people: in-app once each, e-mail to those who want it.
pub struct Notice<'a> {
    pub kind: &'a str,
    pub email_kind: &'a str,
    /// The request it is about, if any (else a notice of the service itself).
    pub request: Option<&'a RequestRow>,
    /// Where in the SPA it is opened.
    pub link: String,
    pub text: statreq_domain::Text,
    /// What the e-mail's subject says of it, after the request's number when it is about
    /// one (else the kind's label).
    pub headline: Option<statreq_domain::Text>,
    /// The part of the dedupe key that says which reminder this is.
    pub once: String,
    /// The e-mail, when the kind has its own wording (else the notice with a link).
    pub email: Option<notify::Email>,
}

/// Tells `people` (and e-mails `extra_addresses`); `email`: whether statreq sends
/// mail at all.
pub async fn tell(
    state: &AppState,
    n: Notice<'_>,
    people: &[UserRow],
    extra_addresses: &[String],
    email: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let link = n.link.clone();
    let items: Vec<(String, NewInbox)> = people
        .iter()
        .filter(|u| u.active)
        .map(|u| {
            let item = NewInbox {
                user_id: u.id,
                kind: n.kind.to_string(),
                link: link.clone(),
                text_zh: n.text.zh_tw.clone(),
                text_en: n.text.en.clone(),
            };
            (format!("{}:{}:{}", n.kind, n.once, u.id), item)
        })
        .collect();
    db(state, move |s| s.add_inbox_once(&items, now)).await?;
    if !email {
        return Ok(());
    }
    let mut to: Vec<String> = people
        .iter()
        .filter(|u| u.active && u.email.contains('@') && notify::wants_email(&u.notification_settings, n.email_kind))
        .map(|u| u.email.trim().to_string())
        .collect();
    to.extend(extra_addresses.iter().cloned());
    to.sort_by_key(|a| a.to_ascii_lowercase());
    to.dedup_by_key(|a| a.to_ascii_lowercase());
    let base = state.settings.public_base();
    let mail = n.email.unwrap_or_else(|| {
        let headline = n.headline.unwrap_or_else(|| notify::email_kind_label(n.email_kind));
        let subject = match n.request {
            Some(r) => notify::request_subject(r.id.0, &headline),
            None => headline,
        };
        notify::notice_email(&subject, &n.text, &format!("{base}{link}"))
    });
    let (event_id, event_type) = match n.request {
        Some(r) => (format!("{}_{}", n.kind, r.id), format!("request.{}", n.kind)),
        None => (format!("{}_{}", n.kind, n.once), n.kind.to_string()),
    };
    let payload = serde_json::json!({"subject": mail.subject, "body": mail.body}).to_string();
    for address in to {
        let new = NewNotification {
            channel: "email".into(),
            webhook_id: None,
            event_id: event_id.clone(),
            event_type: event_type.clone(),
            request_id: n.request.map(|r| r.id),
            dedupe_key: Some(format!("{}:{}:{}", n.kind, n.once, address.to_ascii_lowercase())),
            recipient: address,
            payload: payload.clone(),
        };
        // Sent now: the outbox runs on the real clock even when the sweep's is moved (tests).
        db(state, move |s| s.enqueue_notification(&new, Utc::now())).await?;
    }
    Ok(())
}
