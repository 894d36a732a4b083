//! What a caller sent that cannot be taken, one variant per distinct problem, each
//! with its stable `code`, its HTTP status, a pointer into the body where there is
//! one and a zh-TW/English message — the shape the domain's `Refusal` has. Handlers
//! and use cases return these; nobody writes an error code or message inline.

use statreq_contract::ProblemError;
use statreq_domain::{Finding, Text};

/// The body and query limits the contract documents (`openapi.yaml`).
pub const MAX_PAGE: i64 = 200;
pub const DEFAULT_PAGE: i64 = 50;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {detail}", code = self.code(), detail = self.message().en)]
pub enum InputError {
    // --- the envelope: media type, JSON, headers, size ---
    UnsupportedMediaType,
    MalformedJson {
        detail: String,
    },
    /// U+0000 in a string or key, which no database stores.
    NulCharacter {
        pointer: String,
    },
    /// A query string carrying U+0000.
    NulInQuery,
    UnknownField {
        pointer: String,
        detail: String,
    },
    InvalidValue {
        pointer: String,
        detail: String,
    },
    InvalidQuery {
        detail: String,
    },
    /// One query parameter's value (or its absence) refused, by name.
    InvalidParameter {
        name: String,
        detail: String,
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
    /// A spreadsheet result file the disclosure check cannot read.
    UnreadableTable {
        detail: String,
    },
    /// Marked magnitude columns or their contributions that cannot be checked.
    Magnitude(statreq_domain::disclosure::MagnitudeError),
    /// As many files move in and out as the server allows at once.
    TransfersBusy,
    /// The instance is shutting down (after SIGTERM): send work elsewhere.
    Draining,
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
    InvalidEmail,
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
    UnsupportedGrantType,
    InvalidWebhookUrl {
        reason: String,
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
    TooManyWebhooks {
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
    pub fn code(&self) -> &'static str {
        use InputError::*;
        match self {
            UnsupportedMediaType => "unsupported_media_type",
            MalformedJson { .. } => "malformed_json",
            NulCharacter { .. } => "invalid_character",
            NulInQuery | InvalidQuery { .. } | InvalidParameter { .. } => "invalid_query",
            InvalidRange { .. } => "invalid_range",
            SubtreeNeedsAgency => "subtree_needs_agency",
            UnknownField { .. } => "unknown_field",
            InvalidValue { .. } => "invalid_value",
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
            UnreadableTable { .. } => "unreadable_table",
            Magnitude(e) => e.code(),
            TransfersBusy => "busy",
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
            InvalidEmail => "invalid_email",
            WrongCurrentPassword => "wrong_current_password",
            PasswordUnchanged => "password_unchanged",
            NoLocalPassword => "no_local_password",
            RolesRequired => "roles_required",
            DgpaRoleOutsideDgpa { .. } => "role_needs_dgpa",
            UnsupportedGrantType => "unsupported_grant_type",
            InvalidWebhookUrl { .. } => "invalid_webhook_url",
            InvalidWebhookEvents { .. } => "invalid_webhook_events",
            UnknownEventType { .. } => "unknown_event_type",
            InvalidDescription { .. } => "invalid_description",
            TooManyWebhooks { .. } => "too_many_webhooks",
            WebhooksNotAllowed => "role_required",
        }
    }

    /// The HTTP status this problem is answered with.
    pub fn status(&self) -> u16 {
        use InputError::*;
        match self {
            MalformedJson { .. }
            | BodyRequired
            | NulInQuery
            | InvalidQuery { .. }
            | InvalidParameter { .. }
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
            | TooManyWebhooks { .. } => 409,
            NotApplyingAgency | WebhooksNotAllowed => 403,
            Shredded => 410,
            MethodNotAllowed { .. } => 405,
            Stale => 412,
            BodyTooLarge { .. } | FileTooLarge { .. } => 413,
            UnsupportedMediaType => 415,
            IfMatchRequired => 428,
            TooManyAttempts { .. } => 429,
            TransfersBusy | Draining => 503,
            _ => 422,
        }
    }

    /// Seconds before trying again makes sense (`Retry-After`), where that is known.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            InputError::TooManyAttempts { retry_after } => Some(*retry_after),
            InputError::TransfersBusy => Some(5),
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
            NulCharacter { pointer } | UnknownField { pointer, .. } | InvalidValue { pointer, .. } => pointer,
            UnexpectedField | FileTypeNotAllowed { .. } | EmptyFile | FileRequired => "/file",
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
            InvalidEmail => "/email",
            WrongCurrentPassword => "/current_password",
            PasswordUnchanged => "/new_password",
            NoLocalPassword => "",
            RolesRequired | DgpaRoleOutsideDgpa { .. } => "/roles",
            UnsupportedGrantType => "/grant_type",
            InvalidWebhookUrl { .. } => "/url",
            InvalidWebhookEvents { .. } => "/events",
            InvalidDescription { .. } => "/description",
            _ => return None,
        })
    }

    pub fn message(&self) -> Text {
        use InputError::*;
        let mib = |b: &usize| b / (1024 * 1024);
        match self {
            UnsupportedMediaType => Text::new("請以 application/json 送出。", "Send the body as application/json."),
            MalformedJson { detail } => Text::new("內容不是有效的 JSON。", format!("The body is not valid JSON: {detail}")),
            NulCharacter { .. } => Text::new(
                "內容含有不允許的空字元（U+0000）。",
                "The text contains a NUL character (U+0000), which is not allowed.",
            ),
            NulInQuery => Text::new(
                "查詢參數含有不允許的空字元（U+0000）。",
                "A query parameter contains a NUL character (U+0000), which is not allowed.",
            ),
            // The zh-TW text names the place, never the parser's English words.
            UnknownField { pointer, detail } => Text::new(
                if pointer.is_empty() { "內容含有本服務不認得的欄位，請依 API 文件填寫。".to_string() } else { format!("「{pointer}」不是本服務認得的欄位，請依 API 文件填寫。") },
                detail.clone(),
            ),
            InvalidValue { pointer, detail } => Text::new(
                if pointer.is_empty() { "內容的格式有誤，請依 API 文件填寫。".to_string() } else { format!("「{pointer}」的內容格式有誤，請依 API 文件填寫。") },
                detail.clone(),
            ),
            InvalidQuery { detail } => Text::new("查詢參數有誤。", format!("Invalid query parameters: {detail}")),
            InvalidParameter { name, detail } => {
                Text::new(format!("查詢參數「{name}」有誤。"), format!("Invalid query parameters: `{name}`: {detail}"))
            }
            InvalidRange { from, to, max_days: None } => {
                Text::new(format!("期間有誤：迄日（{to}）須在起日（{from}）當日或之後。"), format!("The period is wrong: `{to}` must be on or after `{from}`."))
            }
            InvalidRange { from, to, max_days: Some(max) } => Text::new(
                format!("期間有誤：迄日（{to}）須在起日（{from}）當日或之後，且期間不超過 {max} 日。"),
                format!("The period is wrong: `{to}` must be on or after `{from}`, and at most {max} days later."),
            ),
            SubtreeNeedsAgency => Text::new(
                "「subtree」須與「agency」併用：請指定要含其下各機關的機關代碼。",
                "`subtree` goes with `agency`: name the agency whose subordinate agencies to include.",
            ),
            DeadlineNotAllowed { .. } => Text::new(
                "申請人不得訂定完成期限；人事總處依收件順序、難易度、各主管機關已申請數量及人事人員數排定作業（第5點第3款）。",
                "Applicants may not set a completion deadline: DGPA orders its work by application order, difficulty, the volume each supervising agency has requested and its personnel staff (rule 5.3).",
            ),
            InvalidIfMatch => Text::new("If-Match 標頭格式有誤，應為 ETag。", "If-Match must be the ETag you were given, e.g. \"3\"."),
            IfMatchRequired => Text::new(
                "請附上 If-Match 標頭（ETag），以免覆蓋他人的修改。",
                "Send If-Match with the ETag you were given so that edits never overwrite each other.",
            ),
            Stale => Text::new(
                "資料已被更新，您看到的不是最新版本；請重新載入後再試。",
                "It has changed since you loaded it (stale If-Match); reload and try again.",
            ),
            InvalidIdempotencyKey { max } => Text::new(
                format!("Idempotency-Key 須為 1 至 {max} 個可見 ASCII 字元（建議使用 UUID）。"),
                format!("Idempotency-Key must be 1 to {max} visible ASCII characters (a UUID is a good choice)."),
            ),
            MethodNotAllowed { allowed } => Text::new(
                format!("此處不支援此 HTTP 方法；可用：{allowed}。"),
                format!("This HTTP method is not allowed here; allowed: {allowed}."),
            ),
            IdempotencyKeyReused => Text::new(
                "此 Idempotency-Key 已用於內容不同的請求；新的請求請使用新的鍵值。",
                "This Idempotency-Key was used for a different request; use a new key for a new request.",
            ),
            IdempotencyInProgress => Text::new(
                "使用相同 Idempotency-Key 的請求仍在處理中，請稍後重試。",
                "A request with the same Idempotency-Key is still being processed; retry shortly.",
            ),
            BodyTooLarge { max_bytes } => Text::new(
                format!("送出的內容過大（上限 {} MiB）。", mib(max_bytes).max(1)),
                format!("The body is too large ({} MiB at most).", mib(max_bytes).max(1)),
            ),
            TooManyAttempts { retry_after } => Text::new(
                format!("登入失敗次數過多，請於 {retry_after} 秒後再試。"),
                format!("Too many failed sign-ins; try again in {retry_after} seconds."),
            ),
            BodyRequired => Text::new(
                "此操作須附上請求內容（JSON 或 CSV 檔案，見 API 文件）。",
                "This operation needs a request body (JSON, or the CSV file; see the API documentation).",
            ),
            UploadInterrupted => Text::new("上傳中斷，未儲存任何資料。", "The upload was interrupted; nothing was stored."),
            UnreadableTable { detail } => Text::new(
                "無法讀取此試算表以檢查人數過少之細格，未儲存；請確認為 XLSX 或 ODS 檔案，或改以 CSV 上傳。",
                format!("The spreadsheet cannot be read for the small-cell check ({detail}); nothing was stored. Upload a valid XLSX or ODS file, or a CSV."),
            ),
            Draining => Text::new("此服務執行個體正在關閉，請改連其他執行個體。", "This instance is shutting down; send work to another one."),
            TransfersBusy => Text::new(
                "目前檔案傳輸量已達上限，請稍後再試。",
                "The server moves as many files as it allows at once; try again in a few seconds.",
            ),
            MalformedMultipart { detail } => Text::new("上傳格式有誤。", format!("Malformed multipart body: {detail}")),
            UnexpectedField => Text::new(
                "請只以欄位 file 上傳一個檔案（統計成果檔另可附 magnitude 及 contributions 欄位）。",
                "Send exactly one file, in the field `file` (a statistical result may come with `magnitude` and `contributions`).",
            ),
            Magnitude(e) => e.message(),
            FileTypeNotAllowed { kinds } => {
                Text::new(format!("僅接受下列檔案類型：{kinds}。"), format!("Only these file types are accepted: {kinds}."))
            }
            FileTooLarge { max_bytes } => Text::new(
                format!("檔案超過上限 {} MiB。", mib(max_bytes)),
                format!("The file exceeds the limit of {} MiB.", mib(max_bytes)),
            ),
            EmptyFile => Text::new("檔案是空的。", "The file is empty."),
            FileRequired => Text::new("請以欄位 file 上傳檔案。", "Send the file in the multipart field `file`."),
            CsvNotUtf8 => Text::new("檔案須為 UTF-8 編碼。", "The file must be UTF-8."),
            CsvNoRows => Text::new(
                "檔案沒有任何資料列；第一列須為欄位名稱，其後每列一筆。",
                "The file has no rows: a header line with the documented columns, then one line per item.",
            ),
            TooManyRows { max } => Text::new(format!("最多 {max} 列。"), format!("At most {max} rows.")),
            CsvRows { .. } => Text::new("CSV 內容有誤，未匯入任何資料。", "The CSV has errors; nothing was imported."),
            InvalidLimit => Text::new(format!("每頁筆數須介於 1 至 {MAX_PAGE}。"), format!("limit must be between 1 and {MAX_PAGE}.")),
            InvalidCursor => {
                Text::new("分頁游標無效。", "The cursor is not valid; use next_cursor from the previous page.")
            }
            InvalidApplication { .. } => {
                Text::new("申請內容超過長度或數量限制，未儲存。", "The application exceeds a length or count limit; nothing was saved.")
            }
            InvalidExternalRef { max } => Text::new(
                format!("外部參考號須為 1 至 {max} 個字元，不含空白。"),
                format!("external_ref must be 1 to {max} characters without spaces."),
            ),
            ExternalRefTaken { reference, existing } => Text::new(
                format!("外部參考號「{reference}」已用於案件 #{existing}。"),
                format!("external_ref '{reference}' is already used by request #{existing}."),
            ),
            InvalidMessage { max } => {
                Text::new(format!("訊息須為 1 至 {max} 字。"), format!("A message must be 1 to {max} characters."))
            }
            InvalidAssignee => Text::new("指派對象須為在職的人事總處承辦人。", "The assignee must be an active DGPA officer."),
            InvalidRecipient => Text::new("請提供 age1 開頭的 X25519 公鑰。", "Give an X25519 age recipient (age1…)."),
            NotInProduction => Text::new("僅於資料產製中可上傳結果檔案。", "Result files are uploaded while the request is in production."),
            NotEditable => Text::new("僅草稿或退回補正之申請可附加檔案。", "Files are attached to drafts and returned applications."),
            NotApplyingAgency => {
                Text::new("僅申請機關之人事人員可附加檔案。", "Only the applying agency's personnel office may attach files.")
            }
            TooManyAttachments { max } => Text::new(format!("最多附加 {max} 個檔案。"), format!("At most {max} files.")),
            TooManyDrafts { max } => Text::new(
                format!("您已有 {max} 件草稿，請先送出或撤回部分草稿。"),
                format!("You hold {max} drafts already; submit or withdraw some first."),
            ),
            Shredded => Text::new(
                "此檔案已依規定銷毀，無法再下載（第6點）。",
                "This file was destroyed as the rules require and can no longer be downloaded (rule 6).",
            ),
            NoPassphrase => Text::new("此檔案不含個人資料，未加密。", "This file holds no personal data and is not encrypted."),
            AlreadyApproved => Text::new("此檔案已覆核。", "This file is already approved."),
            NothingToAccept => Text::new("此檔案沒有待接受之小細格。", "This file has no small cells waiting to be accepted."),
            NothingToReview => Text::new(
                "此檔案無須覆核或已覆核（不含個人資料且無待接受之小細格）。",
                "This file needs no second officer's check, or has had it (no personal data, no small cells waiting).",
            ),
            FilesUploadedAsNotPersonal => Text::new(
                "已上傳之檔案係以非個人資料處理，請先移除後再認定為個人資料。",
                "Files were uploaded as not personal: remove them before marking the data as personal.",
            ),
            NoExtensionWaiting => Text::new("沒有待決定的延長保存申請。", "No retention extension is waiting for a decision."),
            AlreadyPublished => Text::new("此檔案已交付，不得移除。", "This file has been delivered and cannot be removed."),
            NotQueued { state } => Text::new(
                format!("此案件目前為「{}」，不在排程中。", state.label().zh_tw),
                format!("The request is {}, not queued.", state.label().en),
            ),
            InvalidSetting { field, min, max } => {
                Text::new(format!("{field} 須介於 {min} 與 {max} 之間。"), format!("{field} must be between {min} and {max}."))
            }
            InvalidContent { .. } => Text::new("內容有誤，請依各欄說明修正。", "The content is not valid; see each error."),
            SourceIdMismatch => Text::new("代號須與網址中的代號相同。", "The id must be the one in the path."),
            UnknownRequest => Text::new("找不到此案件。", "There is no such request of yours."),
            UnknownCatalogSource => {
                Text::new("既有資料來源目錄中無此代號（GET /sources）。", "There is no such entry in the catalog of existing sources (GET /sources).")
            }
            NotOwnAgencyRequest => Text::new("僅能就本機關的案件提問。", "Only your own agency's requests may be referenced."),
            InquiryClosed => Text::new("此疑義已結案，無法再回覆。", "This question is closed; it takes no more replies."),
            InquiryUnanswered => Text::new(
                "此疑義尚待答復；請先回覆後再發布至 FAQ。",
                "The question awaits an answer: reply first, then publish it to the FAQ.",
            ),
            InvalidAgencyCode { .. } => {
                Text::new("機關代碼須為 1 至 20 個英數字元。", "The agency code must be 1 to 20 ASCII letters or digits.")
            }
            InvalidName { max, .. } => {
                Text::new(format!("名稱須為 1 至 {max} 字。"), format!("The name must be 1 to {max} characters."))
            }
            InvalidStaffCount { max, .. } => Text::new(
                format!("人事人員數須介於 0 至 {max}。"),
                format!("personnel_staff must be between 0 and {max}."),
            ),
            InvalidUsername => Text::new(
                "帳號須為 3 至 64 個小寫英數字或 . _ - @。",
                "The username must be 3 to 64 lower-case letters, digits or . _ - @.",
            ),
            WeakPassword { min, max, .. } => Text::new(
                format!("密碼須為 {min} 至 {max} 字元，不得含帳號、不得為常見密碼或同一字元重複。"),
                format!("The password must be {min} to {max} characters, not contain the username, not be a common password or one character repeated."),
            ),
            InvalidEmail => Text::new("電子郵件格式有誤。", "The e-mail address is not valid."),
            WrongCurrentPassword => Text::new("目前密碼不正確。", "The current password is not correct."),
            PasswordUnchanged => Text::new("新密碼不得與目前密碼相同。", "The new password must differ from the current one."),
            NoLocalPassword => Text::new(
                "此帳號經由 WebHR 等系統登入，於本服務無密碼可變更。",
                "This account signs in through its issuer (e.g. WebHR) and has no password here to change.",
            ),
            RolesRequired => Text::new("請至少指定一個角色。", "Give at least one role."),
            DgpaRoleOutsideDgpa { role } => Text::new(
                format!("「{role}」角色僅限人事總處（DGPA）之帳號。"),
                format!("The role '{role}' is for accounts of DGPA only."),
            ),
            UnsupportedGrantType => Text::new("僅支援 client_credentials。", "Only grant_type client_credentials is supported."),
            InvalidWebhookUrl { reason } => {
                Text::new(format!("通知網址無效：{reason}"), format!("The webhook URL is not usable: {reason}"))
            }
            InvalidWebhookEvents { max } => Text::new(
                format!("請列出 1 至 {max} 個事件類型，或以 * 訂閱全部。"),
                format!("List 1 to {max} event types, or * for all."),
            ),
            UnknownEventType { given, .. } => Text::new(
                format!("未知的事件類型「{given}」；可用：{}、*。", statreq_domain::notify::WEBHOOK_EVENTS.join("、")),
                format!("Unknown event type '{given}'; known: {}, *.", statreq_domain::notify::WEBHOOK_EVENTS.join(", ")),
            ),
            InvalidDescription { max } => Text::new(
                format!("說明至多 {max} 字。"),
                format!("The description may have at most {max} characters."),
            ),
            TooManyWebhooks { max } => Text::new(
                format!("每個帳號至多 {max} 個訂閱；請先刪除不用的訂閱。"),
                format!("An account may have at most {max} subscriptions; delete one first."),
            ),
            WebhooksNotAllowed => Text::new(
                "僅系統介接帳號或人事總處管理者可訂閱通知。",
                "Only service accounts and DGPA administrators may subscribe to webhooks.",
            ),
        }
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
            InvalidApplication { findings } => findings.iter().map(ProblemError::from).collect(),
            ExternalRefTaken { existing, .. } => vec![ProblemError {
                pointer: "/external_ref".into(),
                code: self.code().into(),
                detail: format!("/api/v1/requests/{existing}"),
                message: None,
                severity: None,
            }],
            UnknownField { pointer, detail } | InvalidValue { pointer, detail } => {
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
