//! Requests, their transitions, records and similar requests (rule 5).

use super::*;

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
    /// The agency's name. Since 1.5.0.
    #[serde(default)]
    pub agency_name: String,
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

/// An agency by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgencyName {
    pub code: String,
    pub name: String,
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
    /// The supervising agencies whose personnel offices review the agency's
    /// applications (rule 5.1), nearest first, as the agency tree stands now: when DGPA
    /// moves an agency under another, an application awaiting review goes to the new
    /// one's reviewers. Empty for DGPA's own. Since 1.13.0.
    #[serde(default)]
    pub supervising_agencies: Vec<AgencyName>,
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
    /// How the application came: `web`, or `paper` / `email` registered by DGPA (rule 5.2).
    pub channel: statreq_domain::lifecycle::Channel,
    /// What the caller may attempt now.
    pub allowed_actions: Vec<Action>,
    /// What comes next, in one sentence for the caller (zh-TW and English): their own
    /// step with its rule when `allowed_actions` has it (submit, review, accept,
    /// deliver, download and destroy by `destroy_by`), else whom the request waits
    /// for; absent once it is closed or withdrawn. The browser shows it under the
    /// state. Since 1.4.0.
    #[serde(default)]
    pub next_step: Option<Text>,
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

/// The most requests one `GET /requests.csv` without `limit` holds; narrow the filters
/// for more.
pub const MAX_REQUEST_EXPORT: i64 = 10_000;

/// How many requests the list with the filters asked for holds (as `GET /requests` lists
/// them) in each state: every state, in the lifecycle's order, with none as 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestCounts {
    pub by_state: Vec<StateCount>,
    /// Every state's together.
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateCount {
    pub state: State,
    pub count: i64,
}

/// What a check of an application found, and earlier requests that asked for much the same.
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
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisorDecisionBody {
    pub decision: Decision,
    /// Required when returning or rejecting.
    #[serde(default)]
    #[schema(max_length = 2000)]
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
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
    /// Why a return or rejection (`GET /outcome-reasons`); `other` when left out.
    /// Not given when accepting.
    #[serde(default)]
    pub reason_code: Option<OutcomeReason>,
    /// With `available_in_existing_source`: the catalog entry (`GET /sources`) that
    /// already has the data; the applicant is pointed to it (rule 4).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub source_id: Option<String>,
}

/// A reason DGPA may give for a return or rejection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutcomeReasonView {
    pub code: OutcomeReason,
    /// The rule the reason cites (`4`, `1-2`, …), none for `other`.
    #[serde(default)]
    pub rule: Option<String>,
    pub label: Text,
    /// Whether a `source_id` goes with it.
    pub needs_source: bool,
}

impl From<OutcomeReason> for OutcomeReasonView {
    fn from(r: OutcomeReason) -> Self {
        Self { code: r, rule: r.rule().map(String::from), label: r.label(), needs_source: r.needs_source() }
    }
}

/// Why DGPA takes queued work out of the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldBody {
    /// Shown to the applicant's office on the request. 1–1,000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// A new difficulty rating and why (rule 5.3 weighs difficulty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RerateBody {
    pub difficulty: Difficulty,
    /// 1–1,000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// DGPA's finding that the data produced is personal after all (rules 3, 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkPersonalBody {
    /// `true`: DGPA marks data as personal; it never unmarks what the applicant declared.
    pub contains: bool,
    /// Why, shown to the applicant's office. 1–1,000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// Days the office may keep the data after delivery before destroying it (1–365).
    #[schema(minimum = 1, maximum = 365)]
    pub retention_days: u32,
}

/// The DGPA officer who carries on the work in production.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// A user id of an active `dgpa_officer` (`GET /officers`).
    pub assignee: i64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverBody {
    /// DGPA's reply (人事總處回復), as on the form.
    #[schema(min_length = 1, max_length = 8000)]
    pub reply: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DestructionBody {
    /// The day the data was destroyed (Taiwan date), not in the future.
    #[schema(value_type = String, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(deserialize_with = "statreq_domain::day::deserialize")]
    pub destroyed_on: NaiveDate,
    /// How, e.g. "檔案以安全刪除工具刪除".
    #[schema(min_length = 1, max_length = 2000)]
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub seq: i32,
    pub kind: EventKind,
    #[serde(default)]
    pub from_state: Option<State>,
    pub to_state: State,
    /// Who acted; `actor.agency_code` is the person's agency now.
    pub actor: UserRef,
    /// The agency the actor acted for, as it was then: for a supervisor's approval,
    /// return or rejection, the supervising agency that decided (rule 5.1), which stays
    /// on the record when the person or the agency tree moves later. Absent for events
    /// recorded before 1.14.0.
    #[serde(default)]
    pub actor_agency: Option<AgencyName>,
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

/// A message on a request, between the applicant's office, its supervising agencies and DGPA.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub author: UserRef,
    pub body: String,
    pub at: DateTime<Utc>,
    /// What the rules warn of in the message, e.g. `deadline_in_text` when it sets
    /// a completion deadline (rule 5.3). Warnings only: the message is posted.
    #[serde(default)]
    pub warnings: Vec<Finding>,
}

impl MessageView {
    /// A message as shown, with its warnings.
    pub fn new(id: i64, author: UserRef, body: String, at: DateTime<Utc>) -> Self {
        let warnings = statreq_domain::eligibility::message_findings(&body);
        Self { id, author, body, at, warnings }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessageBody {
    /// 1–4,000 characters, not only spaces.
    #[schema(
        max_length = 4000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub body: String,
}

/// The service's state (`status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
}

/// An application that arrived on paper or by e-mail, as a DGPA officer registers it
/// (rule 5.2's fallback).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperIntakeBody {
    /// `paper` or `email`.
    pub channel: statreq_domain::lifecycle::Channel,
    /// The applying agency's code; the request is its own from then on.
    #[schema(max_length = 20)]
    pub on_behalf_of: String,
    /// The supervising agency's approval, as its document states it.
    pub supervisor_approval: statreq_domain::lifecycle::PaperApproval,
    /// The application as transcribed from the form.
    pub application: Application,
}
