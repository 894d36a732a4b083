//! The notices of an agency's move: the reviewers its waiting applications came to
//! and left (rule 5.1), from the `supervisor_changed` the move recorded.

use statreq_domain::{lifecycle, notify, AgencyCode, Role};
use statreq_store::{EventRow, NewInbox, NewNotification, RequestRow};

use super::{staff, StaffOf};
use crate::AppState;

/// The reviewers an application awaiting review came to when an agency of its chain
/// moved (event `supervisor_changed`, recorded with the move) are told of it as of a
/// submission (rule 5.1); those it left, who may no longer open it, where it went (their
/// own list linked). In-app, and by e-mail (`base`: the browser's address, when statreq
/// sends mail) to those who want submissions so; never to its `authors` (who wrote or sent
/// it decides nothing on it: an agency now reviewing its own applications does so by its
/// other reviewers).
pub(super) async fn review_moved(
    state: &AppState,
    staff_of: &mut StaffOf,
    e: &EventRow,
    r: &RequestRow,
    tree: &crate::app::agencies::AgencyTree,
    authors: &[statreq_domain::UserId],
    base: Option<&str>,
) -> crate::app::AppResult<(Vec<NewInbox>, Vec<NewNotification>)> {
    let text = |key: &str| e.data.get(key).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let codes = |key: &str| -> Vec<AgencyCode> {
        let list = e.data.get(key).and_then(serde_json::Value::as_array);
        list.into_iter().flatten().filter_map(|c| c.as_str().and_then(|c| AgencyCode::parse(c).ok())).collect()
    };
    let (agency, parent, from, to) = (text("agency_name"), text("parent_name"), codes("from"), codes("to"));
    let owned = |list: Vec<&AgencyCode>| list.into_iter().cloned().collect::<Vec<_>>();
    let (joined, left) = lifecycle::joined_and_left(&from, &to);
    let (joined, left) = (owned(joined), owned(left));
    let reviewer = e.data.get("to_names").and_then(|n| n.get(0)).and_then(serde_json::Value::as_str).map(str::to_string);
    let reviewer = reviewer.unwrap_or_else(|| tree.named(&AgencyCode::dgpa()).name);
    let id = r.id.0;
    let told = [
        (joined, format!("/requests/{id}"), notify::review_moved_notice(id, &agency, &parent), notify::review_moved_headline()),
        (left, "/".to_string(), notify::review_left_notice(id, &agency, &parent, &reviewer), notify::review_left_headline()),
    ];
    let (mut inbox, mut mails) = (Vec::new(), Vec::new());
    const KIND: &str = "request_submitted";
    for (agencies, link, notice, headline) in told {
        if agencies.is_empty() {
            continue;
        }
        let people = staff(state, staff_of, agencies, Role::Supervisor).await?;
        let people = people.iter().filter(|u| u.id != e.actor_id && !authors.contains(&u.id));
        inbox.extend(people.clone().filter(|u| notify::wants_inbox(&u.notification_settings, KIND)).map(|u| NewInbox {
            user_id: u.id,
            kind: KIND.into(),
            link: link.clone(),
            text_zh: notice.zh_tw.clone(),
            text_en: notice.en.clone(),
        }));
        let Some(base) = base else { continue };
        let mail = notify::notice_email(&notify::request_subject(id, &headline), &notice, &format!("{base}{link}"));
        let payload = serde_json::json!({"subject": mail.subject, "body": mail.body}).to_string();
        let mut to: Vec<String> = people
            .filter(|u| u.email.contains('@') && notify::wants_email(&u.notification_settings, KIND))
            .map(|u| u.email.trim().to_string())
            .collect();
        to.sort_by_key(|a| a.to_ascii_lowercase());
        to.dedup_by_key(|a| a.to_ascii_lowercase());
        mails.extend(to.into_iter().map(|address| NewNotification {
            channel: "email".into(),
            webhook_id: None,
            event_id: format!("evt_{}_{}", e.request_id, e.seq),
            event_type: notify::webhook_event(e.kind).into(),
            request_id: Some(r.id),
            recipient: address,
            payload: payload.clone(),
            dedupe_key: None,
        }));
    }
    Ok((inbox, mails))
}
