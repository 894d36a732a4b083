//! The webhook deliveries a field question's change causes (`inquiry.asked`,
//! `inquiry.replied`, `inquiry.closed`; rule 7). A request's events are turned into
//! deliveries by the worker from the request's event log; a question keeps no event
//! log, so its deliveries are queued in the transaction that changes it, like its
//! e-mails. A subscription hears of a question its owner may read, as the owner
//! would at `GET /inquiries/{id}`.

use chrono::{DateTime, Utc};
use statreq_contract::{InquiryState, WebhookInquiryEvent, WebhookInquiryRef};
use statreq_domain::{inquiry, notify, AgencyCode, RequestId};
use statreq_store::{NewNotification, Notices};

use crate::app::{db, AppResult};
use crate::auth::Principal;
use crate::AppState;

/// The subscriptions that hear of one change to a question: the event, what it
/// says of the question, and where to send.
#[derive(Debug, Clone)]
pub struct Listeners {
    event: &'static str,
    agency_code: String,
    request_id: Option<RequestId>,
    to: Vec<(i64, String)>,
}

/// The subscriptions to `event` (an `inquiry.*` type) whose active owners may read a
/// question of `agency`'s office about `request_id`.
pub async fn listeners(state: &AppState, event: &'static str, agency: &AgencyCode, request_id: Option<RequestId>) -> AppResult<Listeners> {
    let hooks = db(state, |s| s.list_webhooks(None)).await?;
    let hooks: Vec<_> = hooks.into_iter().filter(|h| notify::subscribed_to(&h.events, event)).collect();
    let mut owners: Vec<_> = hooks.iter().map(|h| h.owner_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let owners = if owners.is_empty() { Vec::new() } else { db(state, move |s| s.get_users(&owners)).await? };
    let mut to = Vec::new();
    for h in hooks {
        let Some(owner) = owners.iter().find(|u| u.id == h.owner_id && u.active) else { continue };
        let Ok(who) = Principal::from_user(owner.clone()) else { continue };
        let sees_request = match request_id {
            Some(id) => crate::app::requests::load_for(state, &who, id).await.is_ok(),
            None => false,
        };
        if inquiry::can_view(&who.actor, agency, sees_request) {
            to.push((h.id, h.url));
        }
    }
    Ok(Listeners { event, agency_code: agency.to_string(), request_id, to })
}

impl Listeners {
    /// The deliveries to queue for question `id` left in `state` at `version` (the
    /// event's id, `inq_{id}_{version}`, is the same on every retry).
    pub fn notices(&self, id: i64, state: InquiryState, version: i64, at: DateTime<Utc>) -> Notices {
        if self.to.is_empty() {
            return Notices::default();
        }
        let payload = WebhookInquiryEvent {
            id: format!("inq_{id}_{version}"),
            type_: self.event.into(),
            occurred_at: at,
            inquiry: WebhookInquiryRef {
                id,
                state,
                agency_code: self.agency_code.clone(),
                request_id: self.request_id.map(|r| r.0),
                href: format!("/api/v1/inquiries/{id}"),
            },
        };
        // Strings, numbers and a timestamp: it always serialises.
        let body = serde_json::to_string(&payload).unwrap_or_default();
        let outbox = self
            .to
            .iter()
            .map(|(webhook_id, url)| NewNotification {
                channel: "webhook".into(),
                webhook_id: Some(*webhook_id),
                event_id: payload.id.clone(),
                event_type: self.event.into(),
                request_id: self.request_id,
                recipient: url.clone(),
                payload: body.clone(),
                dedupe_key: None,
            })
            .collect();
        Notices { inbox: Vec::new(), outbox }
    }
}
