//! The wire types of the statreq HTTP API (`/api/v1`), one definition shared by the
//! server, the typed client and the SPA. Application content is the domain's own
//! type (`statreq_domain::Application`), so the rules and the wire cannot drift.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use statreq_domain::{
    catalog::{CatalogEntry, Coverage},
    dictionary::{CodeTable, Field, FieldType, Section},
    diff::Change,
    inquiry::{FaqPublication, InquiryState, NewInquiry},
    lifecycle::Action,
    Application, ApplicationPatch, Condition, Decision, DgpaDecision, Difficulty, EventKind, ExistingSource, Finding, Operator, Role,
    State, Text,
};

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:statreq:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    /// Stable machine-readable code, e.g. `invalid_state`, `deadline_not_allowed`.
    pub code: String,
    /// The same explanation in zh-TW and English, for people.
    pub message: Text,
    /// The rule of the service the refusal rests on, e.g. `5.3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Each problem with a part of the request body, by JSON pointer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProblemError {
    /// RFC 6901 pointer into the request body.
    pub pointer: String,
    pub code: String,
    pub detail: String,
    /// zh-TW and English, when the error comes from a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<statreq_domain::Severity>,
}

impl From<&statreq_domain::Finding> for ProblemError {
    fn from(f: &statreq_domain::Finding) -> Self {
        ProblemError {
            pointer: f.pointer.clone(),
            code: f.code.name(),
            detail: f.message.en.clone(),
            message: Some(f.message.clone()),
            severity: Some(f.severity),
        }
    }
}

/// One page of a list, newest first; pass `next_cursor` as `cursor` for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------- auth

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4) for service accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsBody {
    /// Always `client_credentials`.
    #[schema(pattern = "^client_credentials$")]
    pub grant_type: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Present for interactive logins; service accounts ask for a new token instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: String,
    pub agency_name: String,
    pub roles: Vec<Role>,
}

// ---------------------------------------------------------------- agencies and users

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgencyView {
    /// 機關代碼.
    pub code: String,
    pub name: String,
    /// The supervising agency; absent only for DGPA, the root.
    #[serde(default)]
    pub parent_code: Option<String>,
    /// Number of personnel staff (人事人員數), weighed by the queue (rule 5.3).
    pub personnel_staff: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgencyBody {
    /// 機關代碼: 1–20 ASCII letters or digits.
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub code: String,
    #[schema(max_length = 100, pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub name: String,
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub parent_code: String,
    /// 人事人員數, 0–100,000 (rule 5.3).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub personnel_staff: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgencyBody {
    #[serde(default)]
    #[schema(max_length = 100, pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub parent_code: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub personnel_staff: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: String,
    pub roles: Vec<Role>,
    /// `local`, `service` or `external` (provisioned from a trusted issuer).
    pub kind: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// 3–64 lower-case letters, digits or `. _ - @`.
    #[schema(pattern = "^[a-z0-9._@-]{3,64}$")]
    pub username: String,
    #[schema(max_length = 100, pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub display_name: String,
    /// Empty, or an e-mail address.
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")]
    pub email: String,
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub agency_code: String,
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    /// 12–128 characters. For service accounts this is the client secret.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    #[serde(default)]
    #[schema(max_length = 100, pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub display_name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub agency_code: Option<String>,
    #[serde(default)]
    #[schema(min_items = 1)]
    pub roles: Option<Vec<Role>>,
    #[serde(default)]
    pub active: Option<bool>,
    /// 12–128 characters.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
}

// ---------------------------------------------------------------- dictionary

/// A field with what a reader needs to use it right (rule 7): its code table, the
/// existing sources that cover it (rule 4) and its FAQ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldDetail {
    pub field: Field,
    /// The field's version (also the ETag); `If-Match` on `PUT`.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub code_table: Option<CodeTable>,
    /// Catalog entries that show it.
    pub sources: Vec<SourceRef>,
    pub faq: Vec<FaqView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceRef {
    pub id: String,
    pub source: ExistingSource,
    pub title: Text,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FaqView {
    pub id: i64,
    pub field: String,
    pub question: String,
    pub answer: String,
    /// The question it was published from.
    pub inquiry_id: Option<i64>,
    pub published_by: UserRef,
    pub published_at: DateTime<Utc>,
}

/// One change of a dictionary field or catalog entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReferenceChangeView {
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    pub changes: Vec<Change>,
    /// Absent for the built-in seed.
    pub changed_by: Option<UserRef>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReferenceImportResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A catalog entry with its version (the ETag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceView {
    pub entry: CatalogEntry,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- field questions

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InquiryView {
    pub id: i64,
    pub agency_code: String,
    pub created_by: UserRef,
    pub request_id: Option<i64>,
    pub fields: Vec<String>,
    pub subject: String,
    pub state: InquiryState,
    /// Also the ETag; `If-Match` on replies and closing.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InquiryMessageView {
    pub id: i64,
    pub author: UserRef,
    /// Written by DGPA.
    pub from_dgpa: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InquiryDetail {
    pub inquiry: InquiryView,
    /// The thread, oldest first; the first message is the question.
    pub messages: Vec<InquiryMessageView>,
    /// FAQ entries published from it.
    pub published: Vec<FaqView>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    pub body: String,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    pub id: i64,
    /// e.g. `inquiry_created`, `inquiry_replied`, `faq_published`.
    pub kind: String,
    /// The SPA path it concerns, e.g. `/inquiries/3`.
    pub link: String,
    pub message: Text,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------- similar requests

/// Earlier delivered requests like this one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimilarRequests {
    /// Those the caller may see, most similar first.
    pub visible: Vec<SimilarRequest>,
    /// How many more similar requests exist that the caller may not see
    /// (other agencies'); DGPA can tell which.
    pub other_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimilarRequest {
    pub request_id: i64,
    pub agency_code: String,
    /// Shared fields, breakdowns and conditions over all of both, in per cent.
    pub percent: u8,
    pub shared_fields: Vec<String>,
}

// ---------------------------------------------------------------- requests

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserRef {
    pub id: i64,
    pub display_name: String,
    pub agency_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DestructionView {
    pub destroyed_on: NaiveDate,
    pub method: String,
    pub recorded_by: UserRef,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub state: State,
    pub state_label: Text,
    /// Optimistic-concurrency version; also the `ETag`. Send it back as `If-Match`.
    pub version: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub created_by: UserRef,
    pub application: Application,
    /// Number of frozen revisions (one per submission).
    pub revision: i32,
    /// Rated by DGPA at acceptance, 1 (easy) to 5 (hard).
    #[serde(default)]
    pub difficulty: Option<i32>,
    #[serde(default)]
    pub assignee: Option<UserRef>,
    /// DGPA's reply at delivery.
    #[serde(default)]
    pub reply: Option<String>,
    #[serde(default)]
    pub destruction: Option<DestructionView>,
    /// For delivered personal data: destroy by this day (rule 6).
    #[serde(default)]
    pub destroy_by: Option<NaiveDate>,
    /// Past `destroy_by` without a destruction record.
    #[serde(default)]
    pub destruction_overdue: bool,
    /// The creating system's own reference (`?external_ref=` at creation), unique per system.
    #[serde(default)]
    pub external_ref: Option<String>,
    /// What the caller may attempt now.
    pub allowed_actions: Vec<Action>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// When DGPA first received the approved application.
    #[serde(default)]
    pub dgpa_received_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CheckResponse {
    /// Errors first, then warnings.
    pub findings: Vec<Finding>,
    /// True when an error blocks submission.
    pub blocking: bool,
    /// Earlier delivered requests that asked for much the same, to reuse (rule 4).
    #[serde(default)]
    pub similar: SimilarRequests,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisorDecisionBody {
    pub decision: Decision,
    /// Required when returning or rejecting.
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DgpaDecisionBody {
    pub decision: DgpaDecision,
    /// 1–5, required when accepting (rule 5.3 weighs difficulty).
    #[serde(default)]
    pub difficulty: Option<Difficulty>,
    /// Required when returning or rejecting.
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverBody {
    /// DGPA's reply (人事總處回復), as on the form.
    pub reply: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DestructionBody {
    /// The day the data was destroyed (Taiwan date), not in the future.
    pub destroyed_on: NaiveDate,
    /// How, e.g. "檔案以安全刪除工具刪除".
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub seq: i32,
    pub kind: EventKind,
    #[serde(default)]
    pub from_state: Option<State>,
    pub to_state: State,
    pub actor: UserRef,
    #[serde(default)]
    pub comment: Option<String>,
    /// Event details, e.g. the revision number and warnings at submission.
    #[serde(default)]
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevisionView {
    pub number: i32,
    pub application: Application,
    pub submitted_by: UserRef,
    pub submitted_at: DateTime<Utc>,
    /// What changed since the previous revision (empty for the first).
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub author: UserRef,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessageBody {
    /// 1–4,000 characters, not only spaces.
    #[schema(max_length = 4000, pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
}

// ---------------------------------------------------------------- the queue (rule 5.3)

pub use statreq_domain::queue::{DifficultyFavour, Factors, QueueSettings, Usage};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeBody {
    /// The DGPA officer to assign (a user id); default: the caller.
    #[serde(default)]
    pub assignee: Option<i64>,
    /// Why this request is taken ahead of the queue's order; required when it is.
    #[serde(default)]
    pub skip_reason: Option<String>,
}

/// The weights in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Weights {
    pub age: u32,
    pub difficulty: u32,
    pub fair_share: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueItemView {
    /// 1 = next; absent for work already in production.
    #[serde(default)]
    pub position: Option<usize>,
    pub request_id: i64,
    pub state: State,
    pub agency_code: String,
    pub agency_name: String,
    /// The supervising agency whose share the request draws on.
    pub supervising_agency: String,
    #[serde(default)]
    pub difficulty: Option<i32>,
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// Days with DGPA, not counting time back with the applicant.
    pub waited_days: f64,
    /// Waited `max_wait_days` or more: taken longest-waiting first, ahead of the rest.
    pub overdue: bool,
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(default)]
    pub factors: Option<Factors>,
    #[serde(default)]
    pub assignee: Option<UserRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueView {
    pub settings: QueueSettings,
    pub weights: Weights,
    /// Queued requests in the order they should be taken.
    pub items: Vec<QueueItemView>,
    pub total_queued: usize,
    /// Pass as `cursor` for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Work in production, with its assignee.
    pub in_production: Vec<QueueItemView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StartEstimate {
    /// When work is likely to start. An estimate from DGPA's recent pace, not a deadline.
    pub starts_around: DateTime<Utc>,
    /// Requests DGPA took into production in the last 30 days.
    pub taken_last_30_days: i64,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueuePositionView {
    pub request_id: i64,
    pub position: usize,
    pub total_queued: usize,
    pub priority: f64,
    pub factors: Factors,
    pub weights: Weights,
    pub waited_days: f64,
    pub overdue: bool,
    /// Absent while DGPA has taken nothing in the last 30 days.
    #[serde(default)]
    pub estimate: Option<StartEstimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageView {
    pub agency_code: String,
    pub agency_name: String,
    pub staff: u32,
    pub share: f64,
    pub usage: f64,
    pub fair_share_factor: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QueueSettingsView {
    pub settings: QueueSettings,
    /// Send as `If-Match` with a change; 0 while the defaults were never changed.
    pub version: i64,
    #[serde(default)]
    pub updated_by: Option<UserRef>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SettingsChangeView {
    pub id: i64,
    pub settings: QueueSettings,
    pub changed_by: UserRef,
    pub changed_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- deliveries (rules 5.3, 6)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub request_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the file as produced (before encryption), hex.
    pub sha256: String,
    /// Holds personal data: downloaded only as an age file, after a second officer's approval.
    pub personal: bool,
    /// `age` (encrypted; the passphrase comes from a separate call) or `plain`.
    pub download_format: String,
    pub uploaded_by: UserRef,
    pub uploaded_at: DateTime<Utc>,
    #[serde(default)]
    pub approved_by: Option<UserRef>,
    #[serde(default)]
    pub approved_at: Option<DateTime<Utc>>,
    /// Visible to the applicant from this moment (the delivery).
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    /// The server's copy was destroyed (its key deleted) at this moment.
    #[serde(default)]
    pub shredded_at: Option<DateTime<Utc>>,
}

/// The manifest of a request's result: which revision it answers, every file
/// with its hash, who produced and who checked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryManifest {
    pub request_id: i64,
    /// The application revision the result answers.
    pub revision: i32,
    pub files: Vec<DeliveryView>,
}

/// An X25519 age recipient (`age1…`): downloads of personal data are encrypted to it
/// instead of a passphrase. For systems such as WebHR that hold the identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeRecipientBody {
    /// `age1…`, or null to go back to passphrases.
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PassphraseView {
    /// Opens the delivery's age file: `age -d file.age`, then type it.
    pub passphrase: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub actor_id: Option<i64>,
    #[serde(default)]
    pub actor_agency: Option<String>,
    pub action: String,
    #[serde(default)]
    pub request_id: Option<i64>,
    pub detail: serde_json::Value,
    #[serde(default)]
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// A delivered personal-data result awaiting its destruction record (rule 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DestructionDueView {
    pub request_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub delivered_at: DateTime<Utc>,
    /// Destroy by this day (Taiwan date): delivery plus the retention the applicant stated.
    pub destroy_by: NaiveDate,
    /// Past `destroy_by`: the agency's new submissions are blocked until it is recorded.
    pub overdue: bool,
    /// Days left (negative when overdue).
    pub days_left: i64,
}

/// A file attached to an application, e.g. a sample of the desired output (rule 5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub request_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: UserRef,
    pub uploaded_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- webhooks

/// Subscribe a URL to request events. `events` names event types
/// (`request.submitted`, `request.returned`, …) or `*` for all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// `https://…`; `http://` only to a loopback address (tests, a local relay).
    pub url: String,
    #[schema(example = json!(["request.submitted", "request.returned", "request.delivered"]))]
    pub events: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub owner: UserRef,
    pub created_at: DateTime<Utc>,
}

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
    /// The JSON body sent (a [`WebhookEvent`]).
    pub payload: WebhookEvent,
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
