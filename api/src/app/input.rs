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
}

impl InputError {
    pub fn code(&self) -> &'static str {
        use InputError::*;
        match self {
            UnsupportedMediaType => "unsupported_media_type",
            MalformedJson { .. } => "malformed_json",
            NulCharacter { .. } => "invalid_character",
            NulInQuery | InvalidQuery { .. } => "invalid_query",
            UnknownField { .. } => "unknown_field",
            InvalidValue { .. } => "invalid_value",
            DeadlineNotAllowed { .. } => "deadline_not_allowed",
            InvalidIfMatch => "invalid_if_match",
            IfMatchRequired => "if_match_required",
            Stale => "precondition_failed",
            InvalidIdempotencyKey { .. } => "invalid_idempotency_key",
            IdempotencyKeyReused => "idempotency_key_reused",
            IdempotencyInProgress => "idempotency_in_progress",
            BodyTooLarge { .. } => "payload_too_large",
            UploadInterrupted => "upload_interrupted",
            MalformedMultipart { .. } => "malformed_multipart",
            UnexpectedField => "unexpected_field",
            FileTypeNotAllowed { .. } => "file_type_not_allowed",
            FileTooLarge { .. } => "file_too_large",
            EmptyFile => "empty_file",
            FileRequired => "file_required",
            CsvNotUtf8 | CsvRows { .. } => "invalid_csv",
            TooManyRows { .. } => "too_many_rows",
            InvalidLimit => "invalid_limit",
            InvalidCursor => "invalid_cursor",
            InvalidApplication { .. } => "invalid_application",
            InvalidExternalRef { .. } => "invalid_external_ref",
            ExternalRefTaken { .. } => "external_ref_taken",
            InvalidMessage { .. } => "invalid_message",
            InvalidAssignee => "invalid_assignee",
            InvalidRecipient => "invalid_recipient",
        }
    }

    /// The HTTP status this problem is answered with.
    pub fn status(&self) -> u16 {
        use InputError::*;
        match self {
            MalformedJson { .. }
            | NulInQuery
            | InvalidQuery { .. }
            | InvalidIfMatch
            | InvalidIdempotencyKey { .. }
            | UploadInterrupted
            | MalformedMultipart { .. } => 400,
            ExternalRefTaken { .. } | IdempotencyInProgress => 409,
            Stale => 412,
            BodyTooLarge { .. } | FileTooLarge { .. } => 413,
            UnsupportedMediaType => 415,
            IfMatchRequired => 428,
            _ => 422,
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
            CsvNotUtf8 | TooManyRows { .. } => "",
            InvalidLimit => "/limit",
            InvalidCursor => "/cursor",
            InvalidExternalRef { .. } => "/external_ref",
            InvalidMessage { .. } => "/body",
            InvalidAssignee => "/assignee",
            InvalidRecipient => "/recipient",
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
            UnknownField { detail, .. } | InvalidValue { detail, .. } => Text::new(format!("欄位內容有誤：{detail}"), detail.clone()),
            InvalidQuery { detail } => Text::new("查詢參數有誤。", format!("Invalid query parameters: {detail}")),
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
            UploadInterrupted => Text::new("上傳中斷，未儲存任何資料。", "The upload was interrupted; nothing was stored."),
            MalformedMultipart { detail } => Text::new("上傳格式有誤。", format!("Malformed multipart body: {detail}")),
            UnexpectedField => Text::new("請只以欄位 file 上傳一個檔案。", "Send exactly one file, in the field `file`."),
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
