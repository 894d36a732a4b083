//! DGPA's queue and its published settings (rule 5.3).

use super::*;

pub use statreq_domain::queue::{DifficultyFavour, Factors, QueueSettings, Usage};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeBody {
    /// The DGPA officer to assign (a user id); default: the caller.
    #[serde(default)]
    pub assignee: Option<i64>,
    /// Why this request is taken ahead of the queue's order; required when it is.
    #[serde(default)]
    #[schema(max_length = 2000)]
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
    /// What the request is for (申請事由), as the applicant wrote it. Since 1.3.0.
    #[serde(default)]
    pub reason: String,
    /// Statistics or records; absent when the application does not say. Since 1.3.0.
    #[serde(default)]
    pub output: Option<statreq_domain::application::OutputKind>,
    /// The application declares personal data (rule 5.4: a second officer checks the
    /// files, which go out encrypted). Since 1.3.0.
    #[serde(default)]
    pub personal_data: bool,
    /// The supervising agency whose share the request draws on (its code).
    pub supervising_agency: String,
    /// Its name.
    #[serde(default)]
    pub supervising_agency_name: String,
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
    /// Work in production: files uploaded and waiting for a second officer's check
    /// (personal data not yet approved, small cells not yet accepted).
    #[serde(default)]
    pub awaiting_review: usize,
    /// Work in production whose case officer can no longer act on it (the account is
    /// disabled, or no longer a case officer): nobody's until given to another
    /// (`POST /requests/{id}/assign`); meanwhile every officer hears of its messages.
    #[serde(default)]
    pub unattended: bool,
}

/// DGPA's queue in order, each request with its priority, factors and wait, and the
/// work in production (rule 5.3).
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
    /// When work is likely to start (09:00 Taiwan time of `starts_on`). An estimate from
    /// DGPA's recent pace, not a deadline.
    pub starts_around: DateTime<Utc>,
    /// The working day (office calendar, Taiwan) work is likely to start on.
    #[schema(value_type = String, format = Date)]
    pub starts_on: chrono::NaiveDate,
    /// Working days from today until then (0: it is next).
    pub working_days: i64,
    /// Requests DGPA took into production in the last 30 days.
    pub taken_last_30_days: i64,
    pub label: Text,
}

/// Where a queued request stands, with its factors and an estimate of when work starts;
/// never a deadline (rule 5.3).
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

/// The queue's published settings with their version (the ETag) (rule 5.3).
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
