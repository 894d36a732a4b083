//! Notices told to people apart from a request's events (which the notification
//! worker fans out): reminders, escalations, a year without an office calendar, and
//! applications that came to other reviewers when an agency moved. In-app once each
//! (a dedupe key per person), by e-mail to those who want that kind.

use chrono::{DateTime, Utc};
use statreq_domain::{notify, AgencyCode, Role, State, UserId};
use statreq_store::{ListFilter, NewInbox, NewNotification, RequestRow, UserRow};

use super::agencies::AgencyTree;
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

/// The agencies that decide on `code`'s applications in `tree` (rule 5.1).
fn reviewers(tree: &AgencyTree, code: &AgencyCode) -> Vec<AgencyCode> {
    tree.chain(code).map(|(c, _)| c.supervising_agencies().into_iter().cloned().collect()).unwrap_or_default()
}

/// After the agency tree changed from `before` to `after` (an agency moved under
/// another): each application awaiting its supervising agency's review that now awaits
/// other reviewers is told to them, as a submission is (`request_submitted`), once per
/// move. Those it left can no longer open it: they are told where it went. Each such
/// application's timeline records the change (`supervisor_changed`, by `actor`, the
/// administrator who moved the agency), which tells the office and its webhooks.
pub async fn tell_new_reviewers(state: &AppState, before: &AgencyTree, after: &AgencyTree, actor: UserId) -> AppResult<()> {
    let moved: Vec<AgencyCode> = after.codes().filter(|c| reviewers(before, c) != reviewers(after, c)).cloned().collect();
    if moved.is_empty() {
        return Ok(());
    }
    let filter = ListFilter {
        all_submitted: true,
        states: vec![State::PendingSupervisor],
        agencies: Some(moved),
        limit: 100_000,
        ..Default::default()
    };
    let rows = db(state, move |s| s.list_requests(&filter)).await?;
    let (now, email) = (Utc::now(), state.settings.smtp_url.is_some());
    for r in &rows {
        let (old, now_by) = (reviewers(before, &r.agency_code), reviewers(after, &r.agency_code));
        let new: Vec<AgencyCode> = now_by.iter().filter(|a| !old.contains(a)).cloned().collect();
        let left: Vec<AgencyCode> = old.iter().filter(|a| !now_by.contains(a)).cloned().collect();
        if new.is_empty() && left.is_empty() {
            continue;
        }
        // The agency of the application's chain that moved, and where to.
        let Some((chain, _)) = after.chain(&r.agency_code) else { continue };
        let parent_of = |t: &AgencyTree, c: &AgencyCode| t.get(c).and_then(|a| a.parent_code.clone());
        let Some(mover) = std::iter::once(&chain.agency).chain(&chain.ancestors).find(|c| parent_of(before, c) != parent_of(after, c))
        else {
            continue;
        };
        let name = |c: &AgencyCode| after.get(c).map_or_else(|| c.to_string(), |a| a.name.clone());
        let parent = parent_of(after, mover).map(|p| name(&p)).unwrap_or_default();
        let once = |what: &str| format!("{what}:{}:{}", r.id, after.get(mover).map_or(0, |a| a.version));
        let codes = |list: &[AgencyCode]| list.iter().map(|c| c.as_str().to_string()).collect::<Vec<_>>();
        let data = serde_json::json!({
            "agency": mover.as_str(),
            "agency_name": name(mover),
            "parent": parent_of(after, mover).map(|p| p.as_str().to_string()),
            "parent_name": parent,
            "from": codes(&old),
            "to": codes(&now_by),
            "to_names": now_by.iter().map(name).collect::<Vec<_>>(),
        });
        let id = r.id;
        db(state, move |s| s.record_supervisor_changed(id, actor, &data, now)).await?;
        if !new.is_empty() {
            let people = crate::worker::with_role(db(state, move |s| s.active_users_of(&new)).await?, Role::Supervisor);
            let notice = Notice {
                kind: "request_submitted",
                email_kind: "request_submitted",
                request: Some(r),
                link: format!("/requests/{}", r.id),
                text: notify::review_moved_notice(r.id.0, &name(mover), &parent),
                headline: Some(notify::review_moved_headline()),
                once: once("moved"),
                email: None,
            };
            tell(state, notice, &people, &[], email, now).await?;
        }
        // Those it left may no longer open it: told where it went, their own list linked.
        if !left.is_empty() {
            let reviewer = now_by.first().map(name).unwrap_or_else(|| name(&AgencyCode::dgpa()));
            let people = crate::worker::with_role(db(state, move |s| s.active_users_of(&left)).await?, Role::Supervisor);
            let notice = Notice {
                kind: "request_submitted",
                email_kind: "request_submitted",
                request: Some(r),
                link: "/".into(),
                text: notify::review_left_notice(r.id.0, &name(mover), &parent, &reviewer),
                headline: Some(notify::review_left_headline()),
                once: once("left"),
                email: None,
            };
            tell(state, notice, &people, &[], email, now).await?;
        }
    }
    Ok(())
}
