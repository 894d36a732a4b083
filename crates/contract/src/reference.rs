//! The field dictionary, the catalog of existing sources, field questions and the inbox (rules 4, 7).

use super::*;

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

/// An answer published to the FAQ of a field (rule 7).
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

/// What an import of reference data did: rows created, updated and left as they were.
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

/// One year of the government office calendar with its version (the ETag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarView {
    #[serde(flatten)]
    pub calendar: statreq_domain::calendar::OfficeCalendar,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Working days between two days, both counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkingDays {
    #[schema(value_type = String, format = Date)]
    pub from: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: chrono::NaiveDate,
    pub working_days: i64,
    /// Years in the range without a calendar, counted by weekends only.
    pub years_without_calendar: Vec<i32>,
}

/// The years statreq keeps an office calendar for, and those it should have by now
/// and has not (since 1.13.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarYears {
    /// Every year with a calendar, in order.
    pub years: Vec<i32>,
    /// This year, and from 1 October next year, when without a calendar: their working
    /// days would leave out weekends only. DGPA's administrators are told of each
    /// (`calendar_missing` in the inbox, and by e-mail unless they turned it off).
    pub missing: Vec<i32>,
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

/// A field question with its whole thread and the FAQ entries published from it.
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
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

/// How many of the caller's notifications are unread. Since 1.5.0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InboxSummary {
    pub unread: i64,
}

/// `POST /me/inbox/read-all`: which unread notifications to mark read. Since 1.5.0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadAllBody {
    /// The newest notification the reader saw (its `id`): those after it, arrived since,
    /// stay unread. Absent: every unread notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub up_to: Option<i64>,
    /// Only these notifications (their `id`s, at most 200): a line of the browser's inbox,
    /// the notices of one kind about one thing. Others' ids mark nothing. Since 1.10.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 200)]
    pub ids: Option<Vec<i64>>,
}

impl ReadAllBody {
    /// How many `ids` one call takes (the schema's `maxItems`).
    pub const MAX_IDS: usize = 200;
}

/// What `POST /me/inbox/read-all` did. Since 1.5.0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReadAllResult {
    /// Notifications marked read by this call.
    pub marked: i64,
    /// Still unread after it (those after `up_to`).
    pub unread: i64,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxItem {
    pub id: i64,
    /// e.g. `inquiry_created`, `inquiry_replied`, `faq_published`, or `request_<event>`
    /// for a request's event that concerns the reader (`request_submitted` to its
    /// supervisors, `request_dgpa_returned`, `request_held` … to the applicant's office);
    /// `calendar_missing` to DGPA's administrators (a year without an office calendar).
    pub kind: String,
    /// The SPA path it concerns, e.g. `/inquiries/3`.
    pub link: String,
    pub message: Text,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
