//! Result files, attachments, destruction and the audit trail (rules 5.3, 6).

use super::*;

/// A result file of a request: its name, type and size, whether it holds personal data,
/// who uploaded and who checked it, and whether it was published or destroyed.
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
    /// For a statistical table: the disclosure check — cells counting too few people,
    /// and whether the checking officer accepted them. Delivery waits until every
    /// table is clean, replaced or accepted.
    #[serde(default)]
    pub disclosure: Option<statreq_domain::disclosure::DisclosureReport>,
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

/// The passphrase of a delivery's age file, shown to the recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PassphraseView {
    /// Opens the delivery's age file: `age -d file.age`, then type it.
    pub passphrase: String,
}

/// A short-lived link to one file that a browser (or any HTTP client) follows without
/// an `Authorization` header, so the file streams to disk with the browser's own
/// progress instead of passing through the page's memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DownloadLink {
    /// The file's download URL with its ticket, relative to the service's address
    /// (`/api/v1/...?ticket=...`). It works for the caller only, for that file only,
    /// until `expires_at`; each use is checked and audited as a download.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub actor_id: Option<i64>,
    /// The actor's username and name as they are now (the entry keeps the id). Since 1.6.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<AuditActor>,
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

/// Who an audit entry's actor is, by the account as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditActor {
    pub username: String,
    pub display_name: String,
}

/// A delivered personal-data result awaiting its destruction record (rule 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DestructionDueView {
    pub request_id: i64,
    /// What the request was for (申請事由), as the applicant wrote it: which data it is
    /// that must be destroyed. Since 1.12.0.
    #[serde(default)]
    pub reason: String,
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
    /// Destroyed with its key when the request ended (closed, withdrawn, rejected; rule
    /// 6): listed still, but no longer downloadable (`410 shredded`). Since 1.2.0.
    #[serde(default)]
    pub shredded: bool,
}

/// Asking to keep delivered personal data longer (rule 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionExtensionBody {
    /// Days to add; the retention in all stays within 365 days.
    #[schema(minimum = 1, maximum = 365)]
    pub days: u32,
    /// Why the data is still needed, 1–1,000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// DGPA's answer to an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionDecision {
    Approve,
    Refuse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionDecisionBody {
    pub decision: ExtensionDecision,
    /// Required when refusing; 1–1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// An extension asked for, with DGPA's answer once given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RetentionExtensionView {
    pub id: i64,
    pub request_id: i64,
    pub days: u32,
    pub reason: String,
    pub requested_by: UserRef,
    pub requested_at: DateTime<Utc>,
    /// `approved` or `refused`; `lapsed` when the destruction was recorded while it
    /// waited (since 1.8.0); none while it waits.
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub decided_by: Option<UserRef>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The checking officer's acceptance of a table's small cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptDisclosureBody {
    /// Why the cells may be released as they are, 1–1,000 characters (audited).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// The audit chain checked end to end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditVerificationView {
    /// Every entry follows from the one before it, and the head agrees.
    pub intact: bool,
    /// Entries checked (when intact).
    pub entries: usize,
    /// The first entry that does not follow.
    #[serde(default)]
    pub broken_at: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    pub checked_at: DateTime<Utc>,
}

/// An attachment, sent as `multipart/form-data` (the schema of the form, not a JSON body).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentUpload {
    /// The file: CSV, XLSX, ODS, PDF, DOCX or ODT, up to 10 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A result file, sent as `multipart/form-data` (the schema of the form, not a JSON body).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryUpload {
    /// The file: CSV, XLSX, ODS, PDF or ZIP.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Columns of a CSV table that hold magnitudes (totals) to check by the dominance
    /// rules; repeat the field, or separate names with commas. Needs `contributions`.
    #[serde(default)]
    #[schema(required = false)]
    pub magnitude: Vec<String>,
    /// With `magnitude`: a CSV of the same header and rows whose magnitude cells read
    /// `largest/second`; read for the check, never stored.
    #[serde(default)]
    #[schema(value_type = String, format = Binary, required = false)]
    pub contributions: Vec<u8>,
}

/// A CSV file's bytes, sent as they are (`application/octet-stream`) to an import; not
/// empty (the API's document says `minLength: 1`).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct CsvFile(pub Vec<u8>);
