//! What a caller sent that cannot be taken, one variant per distinct problem, each
//! with its stable `code`, its HTTP status, a pointer into the body where there is
//! one and a zh-TW/English message — the shape the domain's `Refusal` has. Handlers
//! and use cases return these; nobody writes an error code or message inline.

use statreq_contract::ProblemError;
use statreq_domain::{Finding, Text};

/// The body and query limits the contract documents (`openapi.yaml`).
pub const MAX_PAGE: i64 = 200;
pub const DEFAULT_PAGE: i64 = 50;

mod messages;
pub use messages::serde_words;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {detail}", code = self.code(), detail = self.message().en)]
pub enum InputError {
    // --- the envelope: media type, JSON, headers, size ---
    UnsupportedMediaType,
    /// A JSON body declared in a charset other than UTF-8 (RFC 8259).
    UnsupportedCharset {
        charset: String,
    },
    /// A body in a content coding (gzip, br …), which statreq does not decode (RFC 9110 §8.4).
    UnsupportedContentEncoding {
        coding: String,
    },
    /// A JSON body whose bytes are not UTF-8.
    NotUtf8 {
        detail: String,
    },
    MalformedJson {
        detail: String,
    },
    /// A string or key holding a character no text may
    /// ([`statreq_domain::values::is_disallowed_char`]): U+0000, another control
    /// character, a bidirectional override.
    DisallowedCharacter {
        pointer: String,
        ch: char,
    },
    /// A query string carrying such a character.
    DisallowedCharacterInQuery {
        ch: char,
    },
    /// A query string whose percent-decoded bytes are not UTF-8 (a Big5 search, say).
    QueryNotUtf8,
    UnknownField {
        pointer: String,
        detail: String,
    },
    /// A name given twice in one JSON object (RFC 7493 §2.3).
    DuplicateField {
        pointer: String,
    },
    /// `detail` in English (serde's words, or the check's); `said` what the value should
    /// be in zh-TW where a check of the service's own refused it.
    InvalidValue {
        pointer: String,
        detail: String,
        said: Option<String>,
    },
    InvalidQuery {
        detail: String,
    },
    /// A query parameter the endpoint does not take, by name.
    UnknownParameter {
        name: String,
        detail: String,
    },
    /// A date or a time in the query that does not read as one, by name.
    InvalidTime {
        name: String,
        detail: String,
    },
    /// A `state` in the query that names no state.
    UnknownState {
        given: String,
    },
    /// One query parameter's value (or its absence) refused, by name, with what it
    /// should be in both languages.
    InvalidParameter {
        name: String,
        detail: Text,
    },
    /// A day in the query that is not `YYYY-MM-DD` of the Western calendar (one written
    /// with an ROC year, say), by name.
    InvalidDayParameter {
        name: String,
        error: statreq_domain::day::DayError,
    },
    /// The same in a body, by pointer.
    InvalidDayValue {
        pointer: String,
        error: statreq_domain::day::DayError,
    },
    /// A well-formed range whose `to` is before its `from`, or that spans too long.
    InvalidRange {
        from: &'static str,
        to: &'static str,
        max_days: Option<i64>,
    },
    /// `subtree` given without the `agency` it would widen.
    SubtreeNeedsAgency,
    /// A completion deadline anywhere in the body (rule 5.3).
    DeadlineNotAllowed {
        pointers: Vec<String>,
    },
    InvalidIfMatch,
    /// `If-Match` is required on this change.
    IfMatchRequired,
    /// The client's copy is stale (`If-Match` does not match).
    Stale,
    InvalidIdempotencyKey {
        max: usize,
    },
    /// The same `Idempotency-Key` with another body.
    IdempotencyKeyReused,
    /// The first attempt with this `Idempotency-Key` is still running.
    IdempotencyInProgress,
    BodyTooLarge {
        max_bytes: usize,
    },
    UploadInterrupted,
    /// The client sent nothing of its body for `--body-idle-seconds`.
    BodyStalled {
        seconds: u64,
    },
    /// A spreadsheet result file the disclosure check cannot read.
    UnreadableTable {
        detail: String,
    },
    /// A spreadsheet result file larger than the disclosure check reads.
    TableTooLarge {
        max_cells: u64,
        max_file_mib: u64,
        max_unpacked_mib: u64,
    },
    /// Marked magnitude columns or their contributions that cannot be checked.
    Magnitude(statreq_domain::disclosure::MagnitudeError),
    /// As many files move in and out as the server allows at once.
    TransfersBusy,
    /// As many files move in and out for this account as one account may move at once.
    TooManyTransfers {
        max: usize,
    },
    /// The instance is shutting down (after SIGTERM): send work elsewhere.
    Draining,
    /// The object store (S3, or the files directory) cannot be reached or written.
    FilesUnavailable,
    /// The files directory or the database's disk has no space left (or its quota is
    /// used up): nothing was stored, and trying again helps only once an operator has
    /// freed space.
    StorageFull,
    /// The operation needs a body and got none.
    BodyRequired,
    /// Too many failed sign-ins for this account or from this address.
    TooManyAttempts {
        retry_after: u64,
    },
    /// The path is served, with other methods.
    MethodNotAllowed {
        allowed: String,
    },
    // --- uploads ---
    MalformedMultipart {
        detail: String,
    },
    UnexpectedField,
    FileTypeNotAllowed {
        kinds: String,
    },
    FileTooLarge {
        max_bytes: usize,
    },
    EmptyFile,
    FileRequired,
    // --- CSV imports ---
    CsvNotUtf8,
    /// A header line and no rows (or not the documented header).
    CsvNoRows,
    /// An export would hold more than `max` rows: a shorter period, or pages.
    ExportTooLarge {
        max: usize,
    },
    TooManyRows {
        max: usize,
    },
    CsvRows {
        errors: Vec<ProblemError>,
    },
    // --- lists ---
    InvalidLimit,
    InvalidCursor,
    // --- requests ---
    InvalidApplication {
        findings: Vec<Finding>,
    },
    InvalidExternalRef {
        max: usize,
    },
    ExternalRefTaken {
        reference: String,
        existing: i64,
    },
    InvalidMessage {
        max: usize,
    },
    InvalidAssignee,
    InvalidRecipient,
    /// Result files are uploaded while the request is in production.
    NotInProduction,
    /// Attachments go on drafts and returned applications.
    NotEditable,
    /// Only the applying agency's personnel office attaches files.
    NotApplyingAgency,
    /// The user holds as many drafts as one may.
    TooManyDrafts {
        max: i64,
    },
    TooManyAttachments {
        max: usize,
    },
    /// The file's key was shredded (rule 6).
    Shredded,
    /// A file without personal data has no passphrase.
    NoPassphrase,
    AlreadyApproved,
    /// A delivered file cannot be removed.
    AlreadyPublished,
    /// The file has no small cells waiting to be accepted.
    NothingToAccept,
    /// The file needs no second officer's check (or already had it).
    NothingToReview,
    /// Result files were uploaded while the data counted as not personal.
    FilesUploadedAsNotPersonal,
    /// No retention extension waits for a decision.
    NoExtensionWaiting,
    /// Only queued requests have a position.
    NotQueued {
        state: statreq_domain::State,
    },
    InvalidSetting {
        field: String,
        min: String,
        max: String,
    },
    // --- reference data, questions, accounts, webhooks ---
    /// Content checked by a domain validator, every problem with its pointer.
    InvalidContent {
        kind: Content,
        problems: Vec<(String, Text)>,
    },
    /// A catalog entry's body names another id than its path.
    SourceIdMismatch,
    UnknownRequest,
    /// A catalog entry that does not exist (a return's redirect, rule 4).
    UnknownCatalogSource,
    NotOwnAgencyRequest,
    InquiryClosed,
    InquiryUnanswered,
    InvalidAgencyCode {
        pointer: String,
    },
    InvalidName {
        pointer: String,
        max: i64,
    },
    InvalidStaffCount {
        pointer: String,
        max: i64,
    },
    InvalidUsername,
    WeakPassword {
        pointer: String,
        min: usize,
        max: usize,
    },
    /// `ascii`: the address as it should be written, when it was typed full-width.
    InvalidEmail {
        ascii: Option<String>,
    },
    /// The current password given to change it is wrong.
    WrongCurrentPassword,
    /// The new password is the current one.
    PasswordUnchanged,
    /// The account signs in through its issuer (WebHR) and has no password here.
    NoLocalPassword,
    RolesRequired,
    /// DGPA's roles given to an account of another agency.
    DgpaRoleOutsideDgpa {
        role: String,
    },
    /// An administrator disabling their own account or dropping their own `dgpa_admin`.
    OwnAdministration {
        pointer: &'static str,
    },
    UnsupportedGrantType,
    InvalidWebhookUrl {
        /// Why, in zh-TW and English.
        reason: Text,
    },
    InvalidWebhookEvents {
        max: usize,
    },
    UnknownEventType {
        index: usize,
        given: String,
    },
    InvalidDescription {
        max: usize,
    },
    /// A notice that always comes to the in-app inbox (rule 6), asked to stay out.
    AlwaysInInbox {
        kind: String,
    },
    TooManyWebhooks {
        max: usize,
    },
    /// A request's thread holds as many messages as it may.
    TooManyMessages {
        max: usize,
    },
    /// A field question's thread holds as many messages as it may.
    TooManyReplies {
        max: usize,
    },
    /// The question was published to this field's FAQ already (entry `faq`).
    AlreadyInFaq {
        field: String,
        faq: i64,
    },
    /// The person has as many questions not yet closed as one may.
    TooManyInquiries {
        max: usize,
    },
    /// Only service accounts and DGPA administrators subscribe to webhooks.
    WebhooksNotAllowed,
}

/// What a domain validator checked, naming the problem's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Field,
    Source,
    Inquiry,
    Reply,
    Faq,
    Calendar,
}

impl Content {
    fn code(self) -> &'static str {
        match self {
            Content::Field => "invalid_field",
            Content::Source => "invalid_source",
            Content::Inquiry => "invalid_inquiry",
            Content::Reply => "invalid_reply",
            Content::Faq => "invalid_faq",
            Content::Calendar => "invalid_calendar",
        }
    }
}

impl InputError {
    /// Query parameter `name` refused: what it should be, in zh-TW and English.
    pub fn parameter(name: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        InputError::InvalidParameter { name: name.into(), detail: Text::new(zh, en) }
    }

    /// A value serde refused: its words in `detail`, read into zh-TW where serde words
    /// it the same way every time ([`serde_words`]).
    pub fn invalid_value(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        InputError::InvalidValue { pointer: pointer.into(), detail: detail.into(), said: None }
    }

    /// A value a check of the service's own refused, with what it should be in both
    /// languages (「1 以上的通知編號」, "a notification's id: 1 or more").
    pub fn value(pointer: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        InputError::InvalidValue { pointer: pointer.into(), detail: en.into(), said: Some(zh.into()) }
    }

    /// Words to search for in `name` that are only spaces or longer than `max`.
    pub fn search_words(name: &str, max: usize) -> Self {
        Self::parameter(name, format!("至多 {max} 字，且不可只有空白"), format!("at most {max} characters, not only spaces"))
    }

    /// An `agency` parameter that is no agency code.
    pub fn agency_parameter() -> Self {
        Self::parameter(
            "agency",
            "須為機關代碼：1 至 32 個英文字母、數字、「_」或「-」",
            "an agency code, 1–32 letters, digits, `_` or `-`",
        )
    }

    pub fn code(&self) -> &'static str {
        use InputError::*;
        match self {
            UnsupportedMediaType | UnsupportedCharset { .. } => "unsupported_media_type",
            UnsupportedContentEncoding { .. } => "unsupported_content_encoding",
            MalformedJson { .. } | NotUtf8 { .. } => "malformed_json",
            DisallowedCharacter { .. } => "invalid_character",
            DisallowedCharacterInQuery { .. }
            | QueryNotUtf8
            | InvalidQuery { .. }
            | UnknownParameter { .. }
            | UnknownState { .. }
            | InvalidParameter { .. }
            | InvalidDayParameter { .. }
            | InvalidTime { .. } => "invalid_query",
            InvalidRange { .. } => "invalid_range",
            SubtreeNeedsAgency => "subtree_needs_agency",
            UnknownField { .. } => "unknown_field",
            DuplicateField { .. } => "duplicate_field",
            InvalidValue { .. } | InvalidDayValue { .. } => "invalid_value",
            DeadlineNotAllowed { .. } => "deadline_not_allowed",
            InvalidIfMatch => "invalid_if_match",
            IfMatchRequired => "if_match_required",
            Stale => "precondition_failed",
            InvalidIdempotencyKey { .. } => "invalid_idempotency_key",
            IdempotencyKeyReused => "idempotency_key_reused",
            MethodNotAllowed { .. } => "method_not_allowed",
            IdempotencyInProgress => "idempotency_in_progress",
            BodyTooLarge { .. } => "payload_too_large",
            UploadInterrupted => "upload_interrupted",
            BodyStalled { .. } => "body_stalled",
            UnreadableTable { .. } => "unreadable_table",
            TableTooLarge { .. } => "table_too_large",
            Magnitude(e) => e.code(),
            TransfersBusy => "busy",
            TooManyTransfers { .. } => "too_many_transfers",
            FilesUnavailable => "files_unavailable",
            StorageFull => "storage_full",
            Draining => "draining",
            BodyRequired => "body_required",
            TooManyAttempts { .. } => "too_many_attempts",
            MalformedMultipart { .. } => "malformed_multipart",
            UnexpectedField => "unexpected_field",
            FileTypeNotAllowed { .. } => "file_type_not_allowed",
            FileTooLarge { .. } => "file_too_large",
            EmptyFile => "empty_file",
            FileRequired => "file_required",
            CsvNotUtf8 | CsvNoRows | CsvRows { .. } => "invalid_csv",
            TooManyRows { .. } => "too_many_rows",
            ExportTooLarge { .. } => "export_too_large",
            InvalidLimit => "invalid_limit",
            InvalidCursor => "invalid_cursor",
            InvalidApplication { .. } => "invalid_application",
            InvalidExternalRef { .. } => "invalid_external_ref",
            ExternalRefTaken { .. } => "external_ref_taken",
            InvalidMessage { .. } => "invalid_message",
            InvalidAssignee => "invalid_assignee",
            InvalidRecipient => "invalid_recipient",
            NotInProduction | NotEditable => "invalid_state",
            NotApplyingAgency => "not_applying_agency",
            TooManyAttachments { .. } => "too_many_attachments",
            TooManyDrafts { .. } => "too_many_drafts",
            Shredded => "shredded",
            NoPassphrase => "no_passphrase",
            AlreadyApproved => "already_approved",
            AlreadyPublished => "already_published",
            NoExtensionWaiting => "no_extension_waiting",
            FilesUploadedAsNotPersonal => "files_uploaded",
            NothingToAccept => "nothing_to_accept",
            NothingToReview => "nothing_to_review",
            NotQueued { .. } => "not_queued",
            InvalidSetting { .. } => "invalid_setting",
            InvalidContent { kind, .. } => kind.code(),
            SourceIdMismatch => "invalid_source",
            UnknownRequest | NotOwnAgencyRequest => "unknown_request",
            UnknownCatalogSource => "unknown_source",
            InquiryClosed => "inquiry_closed",
            InquiryUnanswered => "inquiry_unanswered",
            InvalidAgencyCode { .. } => "invalid_agency_code",
            InvalidName { .. } => "invalid_name",
            InvalidStaffCount { .. } => "invalid_personnel_staff",
            InvalidUsername => "invalid_username",
            WeakPassword { .. } => "weak_password",
            InvalidEmail { .. } => "invalid_email",
            WrongCurrentPassword => "wrong_current_password",
            PasswordUnchanged => "password_unchanged",
            NoLocalPassword => "no_local_password",
            RolesRequired => "roles_required",
            DgpaRoleOutsideDgpa { .. } => "role_needs_dgpa",
            OwnAdministration { .. } => "own_administration",
            UnsupportedGrantType => "unsupported_grant_type",
            InvalidWebhookUrl { .. } => "invalid_webhook_url",
            InvalidWebhookEvents { .. } => "invalid_webhook_events",
            UnknownEventType { .. } => "unknown_event_type",
            InvalidDescription { .. } => "invalid_description",
            AlwaysInInbox { .. } => "invalid_value",
            TooManyWebhooks { .. } => "too_many_webhooks",
            TooManyMessages { .. } | TooManyReplies { .. } => "too_many_messages",
            TooManyInquiries { .. } => "too_many_inquiries",
            AlreadyInFaq { .. } => "already_in_faq",
            WebhooksNotAllowed => "role_required",
        }
    }

    /// The HTTP status this problem is answered with.
    pub fn status(&self) -> u16 {
        use InputError::*;
        match self {
            MalformedJson { .. }
            | NotUtf8 { .. }
            | BodyRequired
            | DisallowedCharacterInQuery { .. }
            | QueryNotUtf8
            | InvalidQuery { .. }
            | UnknownParameter { .. }
            | UnknownState { .. }
            | InvalidParameter { .. }
            | InvalidDayParameter { .. }
            | InvalidTime { .. }
            | InvalidIfMatch
            | InvalidIdempotencyKey { .. }
            | UploadInterrupted
            | UnsupportedGrantType
            | MalformedMultipart { .. } => 400,
            ExternalRefTaken { .. }
            | IdempotencyInProgress
            | NotInProduction
            | NotEditable
            | NoPassphrase
            | AlreadyApproved
            | AlreadyPublished
            | NoExtensionWaiting
            | FilesUploadedAsNotPersonal
            | NothingToAccept
            | NothingToReview
            | NotQueued { .. }
            | InquiryClosed
            | InquiryUnanswered
            | NoLocalPassword
            | OwnAdministration { .. }
            | TooManyWebhooks { .. }
            | TooManyMessages { .. }
            | TooManyReplies { .. }
            | TooManyInquiries { .. }
            | AlreadyInFaq { .. } => 409,
            NotApplyingAgency | WebhooksNotAllowed => 403,
            Shredded => 410,
            MethodNotAllowed { .. } => 405,
            BodyStalled { .. } => 408,
            Stale => 412,
            BodyTooLarge { .. } | FileTooLarge { .. } => 413,
            UnsupportedMediaType | UnsupportedCharset { .. } | UnsupportedContentEncoding { .. } => 415,
            IfMatchRequired => 428,
            TooManyAttempts { .. } | TooManyTransfers { .. } => 429,
            TransfersBusy | Draining | FilesUnavailable => 503,
            StorageFull => 507,
            _ => 422,
        }
    }

    /// Seconds before trying again makes sense (`Retry-After`), where that is known.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            InputError::TooManyAttempts { retry_after } => Some(*retry_after),
            InputError::TransfersBusy | InputError::TooManyTransfers { .. } => Some(5),
            InputError::FilesUnavailable => Some(30),
            _ => None,
        }
    }

    /// The rule a refusal rests on, if any.
    pub fn rule(&self) -> Option<&'static str> {
        matches!(self, InputError::DeadlineNotAllowed { .. }).then_some("5.3")
    }

    /// Where in the body the problem is (RFC 6901), if it is in one place.
    pub fn pointer(&self) -> Option<&str> {
        use InputError::*;
        Some(match self {
            DisallowedCharacter { pointer, .. }
            | UnknownField { pointer, .. }
            | InvalidValue { pointer, .. }
            | InvalidDayValue { pointer, .. }
            | DuplicateField { pointer } => pointer,
            UnexpectedField | FileTypeNotAllowed { .. } | EmptyFile | FileRequired | TableTooLarge { .. } => "/file",
            Magnitude(statreq_domain::disclosure::MagnitudeError::UnknownColumn(_)) => "/magnitude",
            Magnitude(_) => "/contributions",
            CsvNotUtf8 | CsvNoRows | TooManyRows { .. } => "",
            InvalidLimit => "/limit",
            InvalidCursor => "/cursor",
            InvalidExternalRef { .. } => "/external_ref",
            InvalidMessage { .. } => "/body",
            InvalidAssignee => "/assignee",
            InvalidRecipient => "/recipient",
            TooManyAttachments { .. } => "/file",
            SourceIdMismatch => "/id",
            UnknownRequest | NotOwnAgencyRequest => "/request_id",
            UnknownCatalogSource => "/source_id",
            InvalidAgencyCode { pointer }
            | InvalidName { pointer, .. }
            | InvalidStaffCount { pointer, .. }
            | WeakPassword { pointer, .. } => pointer,
            InvalidUsername => "/username",
            InvalidEmail { .. } => "/email",
            WrongCurrentPassword => "/current_password",
            PasswordUnchanged => "/new_password",
            NoLocalPassword => "",
            RolesRequired | DgpaRoleOutsideDgpa { .. } => "/roles",
            OwnAdministration { pointer } => pointer,
            UnsupportedGrantType => "/grant_type",
            InvalidWebhookUrl { .. } => "/url",
            InvalidWebhookEvents { .. } => "/events",
            InvalidDescription { .. } => "/description",
            _ => return None,
        })
    }

    /// The problem's `errors`: one per pointer, or the list the problem carries.
    pub fn errors(&self) -> Vec<ProblemError> {
        use InputError::*;
        let one = |pointer: &str, code: &str, message: Text| ProblemError {
            pointer: pointer.into(),
            code: code.into(),
            detail: message.en.clone(),
            message: Some(message),
            severity: None,
        };
        match self {
            DeadlineNotAllowed { pointers } => pointers.iter().map(|p| one(p, self.code(), self.message())).collect(),
            CsvRows { errors } => errors.clone(),
            InvalidContent { kind, problems } => problems.iter().map(|(p, m)| one(p, kind.code(), m.clone())).collect(),
            InvalidSetting { field, .. } => vec![one(&format!("/{field}"), self.code(), self.message())],
            UnknownEventType { index, .. } => vec![one(&format!("/events/{index}"), self.code(), self.message())],
            AlwaysInInbox { kind } => vec![one(&format!("/inbox/{kind}"), self.code(), self.message())],
            InvalidApplication { findings } => findings.iter().map(ProblemError::from).collect(),
            ExternalRefTaken { existing, .. } => vec![ProblemError {
                pointer: "/external_ref".into(),
                code: self.code().into(),
                detail: format!("/api/v1/requests/{existing}"),
                message: None,
                severity: None,
            }],
            UnknownField { pointer, detail } | InvalidValue { pointer, detail, .. } => {
                vec![ProblemError {
                    pointer: pointer.clone(),
                    code: self.code().into(),
                    detail: detail.clone(),
                    message: None,
                    severity: None,
                }]
            }
            _ => self.pointer().map(|p| vec![one(p, self.code(), self.message())]).unwrap_or_default(),
        }
    }
}
