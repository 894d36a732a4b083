//! The API's one error type. Every error leaves as RFC 9457 problem+json with a
//! stable `code` and a zh-TW/English message; store and domain errors map here,
//! and nowhere else.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use statreq_contract::{Problem, ProblemError};
use statreq_domain::{Finding, Refusal, Text};
use statreq_store::StoreError;

use crate::app::{AppError, InputError};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// `Retry-After` when the database is busy or out of reach: about what a PostgreSQL
/// restart or failover takes, and what the pool waits for a connection.
const DATABASE_RETRY_SECONDS: u64 = 5;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: Text,
    pub rule: Option<String>,
    pub errors: Vec<ProblemError>,
    /// Seconds to wait before trying again (`Retry-After`, with 429 and 503).
    pub retry_after: Option<u64>,
    /// At the OAuth token endpoint: the RFC 6749 §5.2 `error` code, sent beside the
    /// problem's own members (with `error_description`).
    pub oauth: Option<&'static str>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message.en)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: Text::new(zh, en), rule: None, errors: Vec::new(), retry_after: None, oauth: None }
    }

    /// A refusal with no pointer into the body.
    fn refusal(status: StatusCode, code: &str, message: Text) -> Self {
        Self { status, code: code.into(), message, rule: None, errors: Vec::new(), retry_after: None, oauth: None }
    }

    pub fn with_rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.into());
        self
    }

    /// Marks the error with its RFC 6749 §5.2 code (token endpoint).
    pub fn with_oauth(mut self, error: &'static str) -> Self {
        self.oauth = Some(error);
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn with_errors(mut self, errors: Vec<ProblemError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "找不到此資源，或您沒有檢視權限。", "Not found, or not visible to you.")
    }

    pub fn unauthorized(code: &str, en: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "請重新登入。", en)
    }

    pub fn forbidden_role(role: statreq_domain::Role) -> Self {
        Self::refusal(StatusCode::FORBIDDEN, "role_required", role.required())
    }

    pub fn invalid(code: &str, pointer: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        let (zh, en) = (zh.into(), en.into());
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, zh.clone(), en.clone()).with_errors(vec![ProblemError {
            pointer: pointer.into(),
            code: code.into(),
            detail: en.clone(),
            message: Some(Text::new(zh, en)),
            severity: None,
        }])
    }

    /// Findings as problem errors (validation).
    pub fn findings(code: &str, message: Text, findings: &[Finding]) -> Self {
        let errors = findings
            .iter()
            .map(|f| ProblemError {
                pointer: f.pointer.clone(),
                code: f.code.name(),
                detail: f.message.en.clone(),
                message: Some(f.message.clone()),
                severity: Some(f.severity),
            })
            .collect();
        Self { status: StatusCode::UNPROCESSABLE_ENTITY, code: code.into(), message, rule: None, errors, retry_after: None, oauth: None }
    }

    /// 422 with one error per (pointer, message), as the domain's validators give them.
    pub fn problems(code: &str, problems: Vec<(String, Text)>) -> Self {
        let errors = problems
            .into_iter()
            .map(|(pointer, message)| ProblemError {
                pointer,
                code: code.into(),
                detail: message.en.clone(),
                message: Some(message),
                severity: None,
            })
            .collect();
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, "內容有誤，請依各欄說明修正。", "The content is not valid; see each error.")
            .with_errors(errors)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "系統發生錯誤，請稍後再試。",
            "Something went wrong on our side; please try again later.",
        )
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_: format!("urn:statreq:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_string(),
            status: self.status.as_u16(),
            detail: self.message.en.clone(),
            code: self.code.clone(),
            message: self.message.clone(),
            rule: self.rule.clone(),
            errors: self.errors.clone(),
            error: self.oauth.map(String::from),
            error_description: self.oauth.map(|_| self.message.en.clone()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        // One line per answer, at the level it calls for (the cause of a fault is logged
        // where it happens): a refusal is the service working; a server busy, draining,
        // or without its database or files is worth a look; a fault is an error.
        let (status, code) = (self.status.as_u16(), self.code.as_str());
        match self.status {
            StatusCode::INTERNAL_SERVER_ERROR => tracing::error!(status, code, "answered with a fault"),
            s if s.is_server_error() => tracing::warn!(status, code, "answered: unavailable"),
            _ => tracing::info!(status, code, "refused"),
        }
        let mut res = HttpResponse::build(self.status);
        res.content_type(PROBLEM_JSON);
        if self.oauth == Some("invalid_client") {
            res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"statreq\""));
        } else if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"statreq\""));
        }
        if let Some(seconds) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        res.json(self.to_problem())
    }
}

/// An agency placed where the tree does not allow it, said at `pointer`: a parent that
/// does not exist keeps its code (`unknown_reference`), the rest are `invalid_change`.
pub fn placement_refused(e: &statreq_domain::lifecycle::PlacementError, pointer: &str) -> ApiError {
    let code = match e {
        statreq_domain::lifecycle::PlacementError::UnknownParent { .. } => "unknown_reference",
        _ => "invalid_change",
    };
    let m = e.message();
    ApiError::invalid(code, pointer, m.zh_tw, m.en)
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Duplicate(what) => {
                tracing::info!(%what, "duplicate");
                ApiError::new(StatusCode::CONFLICT, "already_exists", "資料已存在。", "It already exists.")
            }
            StoreError::MissingReference(what) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_reference",
                "所指的資料不存在（例如機關代碼）。",
                format!("It refers to something that does not exist: {what}"),
            ),
            StoreError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "edit_conflict",
                "此筆資料剛被其他人更新，請重新載入後再試。",
                "Someone else changed this just now; reload and try again.",
            ),
            StoreError::Invalid(what) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_change", "此變更不被允許。", what),
            StoreError::Placement(e) => placement_refused(&e, "/parent_code"),
            StoreError::InFaq(faq) => ApiError::new(
                StatusCode::CONFLICT,
                "already_in_faq",
                format!("已發布至常見問答（第 {faq} 則）。"),
                format!("It is in the FAQ already (entry {faq})."),
            ),
            StoreError::LimitReached => {
                ApiError::new(StatusCode::CONFLICT, "limit_reached", "已達數量上限。", "The limit for this is reached.")
            }
            StoreError::LastAdministrator => ApiError::new(
                StatusCode::CONFLICT,
                "last_administrator",
                "此為最後一位可登入的管理者，不能停用或移除其管理者角色（以免無人可管理本服務）。",
                "This is the last administrator who can sign in: it cannot be disabled or lose the administrator role (someone must be able to administer the service).",
            ),
            StoreError::PersonalDataChanged => ApiError::new(
                StatusCode::CONFLICT,
                "edit_conflict",
                "上傳期間，此案的資料已被標示為含個人資料，檔案未保存；請重新上傳，將以加密方式保存並需另一位承辦人覆核。",
                "The request's data was marked as personal while the file was uploading, so it was not kept. Upload it again: it will be kept encrypted and need a second officer's approval.",
            ),
            StoreError::FilesUploaded => InputError::FilesUploadedAsNotPersonal.into(),
            StoreError::UnapprovedFiles(count) => Refusal::UnapprovedFiles { count }.into(),
            StoreError::NotInState(state) if state == "in_production" => InputError::NotInProduction.into(),
            StoreError::NotInState(state) => ApiError::new(
                StatusCode::CONFLICT,
                "invalid_state",
                "案件狀態已改變，請重新載入。",
                format!("The request is no longer {state}; reload it."),
            ),
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "database unavailable");
                // Busy (every connection taken for the pool's wait) or out of reach
                // (down, restarting, a failover): either way nothing was done, and a
                // restart or failover takes seconds.
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "資料庫忙碌中或暫時無法連線，此次作業未執行，請稍後再試。",
                    "The database is busy or out of reach just now; nothing was done. Try again shortly.",
                )
                .with_retry_after(DATABASE_RETRY_SECONDS)
            }
            StoreError::Full(cause) => {
                tracing::error!(%cause, "database storage full: free space on the database's disk");
                InputError::StorageFull.into()
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::internal()
            }
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let code = r.code();
        let message = r.message();
        match &r {
            Refusal::NotInState { .. } | Refusal::NothingKept { .. } => ApiError::refusal(StatusCode::CONFLICT, code, message),
            Refusal::MissingRole { .. } | Refusal::NotApplyingAgency { .. } | Refusal::OwnRequest { .. } => {
                ApiError::refusal(StatusCode::FORBIDDEN, code, message)
            }
            Refusal::NotSupervisingAgency { .. } => ApiError::refusal(StatusCode::FORBIDDEN, code, message).with_rule("5.1"),
            Refusal::BlockingFindings(findings) => ApiError::findings(code, message, findings),
            Refusal::CommentRequired { .. } => ApiError::invalid(code, "/comment", message.zh_tw, message.en),
            Refusal::DifficultyRequired | Refusal::DifficultyNotApplicable => {
                ApiError::invalid(code, "/difficulty", message.zh_tw, message.en).with_rule("5.3")
            }
            Refusal::ReplyRequired => ApiError::invalid(code, "/reply", message.zh_tw, message.en),
            Refusal::ReasonNotApplicable => ApiError::invalid(code, "/reason_code", message.zh_tw, message.en),
            Refusal::RetentionExtensionPending => ApiError::refusal(StatusCode::CONFLICT, code, message).with_rule("6"),
            Refusal::DisclosureUnresolved { .. } => ApiError::refusal(StatusCode::CONFLICT, code, message),
            Refusal::AlreadyPersonal => ApiError::refusal(StatusCode::CONFLICT, code, message).with_rule("3"),
            Refusal::AlreadyAssigned => ApiError::refusal(StatusCode::CONFLICT, code, message),
            Refusal::DifficultyUnchanged => ApiError::invalid(code, "/difficulty", message.zh_tw, message.en).with_rule("5.3"),
            Refusal::PaperApprovalInvalid { pointer } => ApiError::invalid(code, pointer, message.zh_tw, message.en).with_rule("5.2"),
            Refusal::PaperApproverNotSupervising => {
                ApiError::invalid(code, "/supervisor_approval/agency", message.zh_tw, message.en).with_rule("5.1")
            }
            Refusal::RetentionBeyondMaximum { .. } => ApiError::invalid(code, "/days", message.zh_tw, message.en).with_rule("6"),
            Refusal::SourceRequired | Refusal::SourceNotApplicable => {
                ApiError::invalid(code, "/source_id", message.zh_tw, message.en).with_rule("4")
            }
            Refusal::DestructionMethodRequired => ApiError::invalid(code, "/method", message.zh_tw, message.en).with_rule("6"),
            Refusal::DestructionDateInFuture | Refusal::DestructionDateBeforeDelivery => {
                ApiError::invalid(code, "/destroyed_on", message.zh_tw, message.en).with_rule("6")
            }
            Refusal::NoPersonalDataToDestroy | Refusal::DestructionRequired => {
                ApiError::refusal(StatusCode::CONFLICT, code, message).with_rule("6")
            }
            Refusal::TextTooLong { pointer, .. } => ApiError::invalid(code, pointer, message.zh_tw, message.en),
            Refusal::OutOfOrder { .. } => ApiError::refusal(StatusCode::CONFLICT, code, message).with_rule("5.3"),
            Refusal::AssigneeDraftedRequest => ApiError::invalid(code, "/assignee", message.zh_tw, message.en),
            Refusal::FilesRequired | Refusal::UnapprovedFiles { .. } => {
                ApiError::refusal(StatusCode::CONFLICT, code, message).with_rule("5.3")
            }
            Refusal::OwnUpload => ApiError::refusal(StatusCode::FORBIDDEN, code, message),
        }
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        Self {
            status,
            code: e.code().into(),
            message: e.message(),
            rule: e.rule().map(Into::into),
            errors: e.errors(),
            retry_after: e.retry_after(),
            oauth: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Refused(r) => r.into(),
            AppError::Input(i) => i.into(),
            AppError::NotFound => ApiError::not_found(),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ApiError::internal()
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::internal()
    }
}

/// Turns every error response that is not yet problem+json (actix's own 404, 405,
/// 413, extractor failures …) into one, so that clients meet one error format.
pub fn problem_for_plain_errors<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem =
        res.response().headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let refused_origin = res.response().error().is_some_and(|e| e.as_error::<actix_cors::CorsError>().is_some());
    let err = match status {
        // What a browser never shows its page, but an operator trying `--cors-origin` with
        // curl reads.
        _ if refused_origin => ApiError::new(
            status,
            "origin_not_allowed",
            "此來源（Origin）未獲准從瀏覽器呼叫本服務；管理者可以 --cors-origin 加入。",
            "This origin may not call the API from a browser; an operator admits it with --cors-origin.",
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "不支援此 HTTP 方法。", "This HTTP method is not allowed here.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(status, "payload_too_large", "送出的內容過大。", "The request body is too large."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "unsupported_media_type", "請以 application/json 送出。", "Send the body as application/json.")
        }
        s if s.is_server_error() => ApiError::internal(),
        s => ApiError::new(s, "bad_request", "請求格式有誤。", "The request is malformed."),
    };
    let (req, _) = res.into_parts();
    let new = err.error_response().map_body(|_, b| BoxBody::new(b));
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, new).map_into_right_body()))
}
