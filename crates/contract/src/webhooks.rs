//! Signed notifications of request events and field questions.

use super::*;

/// Subscribe a URL to events. `events` names event types (`request.submitted`,
/// `request.returned`, …, and since 1.11.0 the field questions' `inquiry.asked`,
/// `inquiry.replied`, `inquiry.closed`), or `*` for every request event (a question's
/// events come only by name: their body is a `WebhookInquiryEvent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// `https://…` to a public address; `http://`, and private or loopback addresses,
    /// only to hosts the operator names in `--webhook-allow-hosts`.
    pub url: String,
    #[schema(example = json!(["request.submitted", "request.returned", "request.delivered"]))]
    pub events: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A webhook subscription: where events go and which; its secret is shown only when created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub owner: UserRef,
    pub created_at: DateTime<Utc>,
    /// Raised by every change (`PUT /webhooks/{id}`); the ETag. Since 1.11.0.
    #[serde(default)]
    pub version: i64,
    /// A new secret was given ahead of its use (`POST /webhooks/{id}/secret` with
    /// `switch_after_seconds`): deliveries are signed with it from this moment, with the
    /// one before until then. Absent when none waits. Since 1.14.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_switches_at: Option<DateTime<Utc>>,
}

/// How a new signing secret takes over. Since 1.14.0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretBody {
    /// Keep signing with the current secret this many seconds more (at most 7 days),
    /// while the receiver learns the new one and accepts both; then switch. Default 0:
    /// the new secret signs from now on (a secret that leaked).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 604800)]
    pub switch_after_seconds: Option<u32>,
}

/// The longest a new secret may wait before it signs (`switch_after_seconds`).
pub const MAX_SECRET_SWITCH_SECONDS: u32 = 7 * 24 * 3600;

/// A new subscription and its signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookCreated {
    pub webhook: WebhookView,
    /// Key of the `Statreq-Signature` HMAC-SHA256. Store it; it is not shown again.
    pub secret: String,
}

/// One attempt log entry of a webhook: a message to the receiver and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryView {
    pub id: i64,
    /// The event's id (`Statreq-Event-Id`); the same on a replay, so receivers can de-duplicate.
    pub event_id: String,
    pub event_type: String,
    #[serde(default)]
    pub request_id: Option<i64>,
    /// `pending`, `delivered` or `failed` (given up after the last attempt).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's last HTTP status.
    #[serde(default)]
    pub last_status: Option<i32>,
    #[serde(default)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    /// The delivery this one replays.
    #[serde(default)]
    pub replay_of: Option<i64>,
    /// The JSON body sent: a [`WebhookEvent`] for a request's event, a
    /// [`WebhookInquiryEvent`] for a field question's (`event_type` `inquiry.*`).
    pub payload: WebhookPayload,
}

/// The body of a delivery: which one `event_type` (`request.*` or `inquiry.*`) says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum WebhookPayload {
    Request(WebhookEvent),
    Inquiry(WebhookInquiryEvent),
}

impl WebhookPayload {
    /// The request's event, when it is one.
    pub fn request(&self) -> Option<&WebhookEvent> {
        match self {
            WebhookPayload::Request(e) => Some(e),
            WebhookPayload::Inquiry(_) => None,
        }
    }

    /// The field question's event, when it is one.
    pub fn inquiry(&self) -> Option<&WebhookInquiryEvent> {
        match self {
            WebhookPayload::Inquiry(e) => Some(e),
            WebhookPayload::Request(_) => None,
        }
    }
}

/// The body of a field question's delivery (`inquiry.asked`, `inquiry.replied`,
/// `inquiry.closed`; rule 7). It names the question and the state the change left it
/// in, never the thread's text: fetch `href` with your token to read it. Verify
/// `Statreq-Signature` as for a request's event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookInquiryEvent {
    /// Unique per event, e.g. `inq_7_2` (question 7 at its version 2).
    pub id: String,
    /// The subscribed event type, e.g. `inquiry.replied`.
    #[serde(rename = "type")]
    pub type_: String,
    pub occurred_at: DateTime<Utc>,
    pub inquiry: WebhookInquiryRef,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookInquiryRef {
    pub id: i64,
    /// The state the change left the question in: `answered` after DGPA's reply, `open`
    /// when asked or after the office's follow-up, `closed`.
    pub state: InquiryState,
    /// The asking office's agency.
    pub agency_code: String,
    /// The request the question is about, if any.
    #[serde(default)]
    pub request_id: Option<i64>,
    /// `/api/v1/inquiries/{id}`: fetch it for the thread.
    pub href: String,
}

/// The body of a webhook delivery. Verify `Statreq-Signature` (hex HMAC-SHA256 of
/// `Statreq-Timestamp + "." + body` with the subscription's secret) before trusting it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookEvent {
    /// Unique per event, e.g. `evt_42_3` (request 42, its third event).
    pub id: String,
    /// The subscribed event type, e.g. `request.returned`.
    #[serde(rename = "type")]
    pub type_: String,
    pub occurred_at: DateTime<Utc>,
    /// The lifecycle event, e.g. `dgpa_returned` (which return it was).
    pub event: EventKind,
    pub request: WebhookRequestRef,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookRequestRef {
    pub id: i64,
    /// The state the event left the request in.
    pub state: State,
    pub agency_code: String,
    #[serde(default)]
    pub external_ref: Option<String>,
    /// `/api/v1/requests/{id}`: fetch it for the details.
    pub href: String,
}
