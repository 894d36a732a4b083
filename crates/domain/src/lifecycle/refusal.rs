//! Why a command is refused, as data with a stable code and a zh-TW/English message.

use super::{Action, State};
use crate::eligibility::Finding;
use crate::ids::Role;
use crate::message::Text;

/// Why a command is refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The table has no such transition from the current state.
    NotInState {
        action: Action,
        state: State,
    },
    /// The actor lacks the role the action needs.
    MissingRole {
        action: Action,
        role: Role,
    },
    /// The actor's agency is not the applying agency.
    NotApplyingAgency {
        action: Action,
    },
    /// The actor's agency does not supervise the applying agency (rule 5.1).
    NotSupervisingAgency {
        action: Action,
    },
    /// Separation of duties: nobody decides on a request they drafted.
    OwnRequest {
        action: Action,
    },
    /// Submission with blocking findings.
    BlockingFindings(Vec<Finding>),
    /// Return and reject must say why, so the applicant can act on it.
    CommentRequired {
        action: Action,
    },
    DifficultyRequired,
    DifficultyNotApplicable,
    /// The supervising agency's approval of a paper application is incomplete.
    PaperApprovalInvalid {
        pointer: &'static str,
    },
    /// The agency said to have approved a paper application does not supervise the
    /// applying agency (rule 5.1).
    PaperApproverNotSupervising,
    /// Result tables with small cells not yet replaced or accepted.
    DisclosureUnresolved {
        count: usize,
    },
    /// The application already declares personal data.
    AlreadyPersonal,
    /// A retention extension is already waiting for DGPA (rule 6).
    RetentionExtensionPending,
    /// An extension would keep the data beyond the maximum; `left` days remain.
    RetentionBeyondMaximum {
        left: u32,
    },
    /// A reason code (or source) given when accepting.
    ReasonNotApplicable,
    /// `available_in_existing_source` without the catalog entry it points to (rule 4).
    SourceRequired,
    /// A catalog entry named with a reason that does not point to one.
    SourceNotApplicable,
    ReplyRequired,
    DestructionMethodRequired,
    DestructionDateInFuture,
    DestructionDateBeforeDelivery,
    /// Destruction is recorded only for personal data; other deliveries are acknowledged.
    NoPersonalDataToDestroy,
    /// Keeping data longer is asked for while delivered data is kept; the request is past
    /// that (its destruction recorded, or not yet delivered).
    NothingKept {
        state: State,
    },
    /// A personal-data delivery is closed by recording its destruction (rule 6).
    DestructionRequired,
    TextTooLong {
        pointer: &'static str,
        max: usize,
    },
    /// Work taken ahead of the queue's order without a reason (rule 5.3).
    OutOfOrder {
        head: crate::ids::RequestId,
        passed: usize,
    },
    /// The named assignee drafted the request (separation of duties).
    AssigneeDraftedRequest,
    /// The request is already with the officer named: nothing to hand over.
    AlreadyAssigned,
    /// Re-rated to the difficulty it has: nothing changes (rule 5.3).
    DifficultyUnchanged,
    /// Personal data is returned only as (encrypted) files (rule 5.3).
    FilesRequired,
    /// Files with personal data need a second officer's approval first (four eyes).
    UnapprovedFiles {
        count: usize,
    },
    /// The uploader cannot approve their own file (four eyes).
    OwnUpload,
}

impl Refusal {
    /// A stable code for the wire.
    /// Whether the refusal is about who acts (role, agency, separation of duties)
    /// rather than about the request: such a refusal comes before any check of the
    /// caller's copy (`If-Match`) or of the request's state.
    pub fn is_about_who(&self) -> bool {
        matches!(
            self,
            Refusal::MissingRole { .. }
                | Refusal::NotApplyingAgency { .. }
                | Refusal::NotSupervisingAgency { .. }
                | Refusal::OwnRequest { .. }
        )
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotInState { .. } => "invalid_state",
            Refusal::MissingRole { .. } => "role_required",
            Refusal::NotApplyingAgency { .. } => "not_applying_agency",
            Refusal::NotSupervisingAgency { .. } => "not_supervising_agency",
            Refusal::OwnRequest { .. } => "separation_of_duties",
            Refusal::BlockingFindings(_) => "application_incomplete",
            Refusal::CommentRequired { .. } => "comment_required",
            Refusal::DifficultyRequired => "difficulty_required",
            Refusal::DifficultyNotApplicable => "difficulty_not_applicable",
            Refusal::ReasonNotApplicable => "reason_not_applicable",
            Refusal::RetentionExtensionPending => "retention_extension_pending",
            Refusal::AlreadyPersonal => "already_personal",
            Refusal::DisclosureUnresolved { .. } => "disclosure_unresolved",
            Refusal::PaperApprovalInvalid { .. } | Refusal::PaperApproverNotSupervising => "invalid_paper_approval",
            Refusal::RetentionBeyondMaximum { .. } => "retention_too_long",
            Refusal::SourceRequired => "source_required",
            Refusal::SourceNotApplicable => "source_not_applicable",
            Refusal::ReplyRequired => "reply_required",
            Refusal::DestructionMethodRequired => "destruction_method_required",
            Refusal::DestructionDateInFuture => "destruction_date_in_future",
            Refusal::DestructionDateBeforeDelivery => "destruction_date_before_delivery",
            Refusal::NoPersonalDataToDestroy => "no_personal_data",
            Refusal::NothingKept { .. } => "invalid_state",
            Refusal::DestructionRequired => "destruction_required",
            Refusal::TextTooLong { .. } => "too_long",
            Refusal::OutOfOrder { .. } => "out_of_queue_order",
            Refusal::AssigneeDraftedRequest => "separation_of_duties",
            Refusal::AlreadyAssigned => "already_assigned",
            Refusal::DifficultyUnchanged => "difficulty_unchanged",
            Refusal::FilesRequired => "files_required",
            Refusal::UnapprovedFiles { .. } => "files_not_approved",
            Refusal::OwnUpload => "four_eyes",
        }
    }

    /// The message shown to the person, in both languages.
    pub fn message(&self) -> Text {
        match self {
            Refusal::NotInState { action, state } => Text::new(
                format!("案件目前為「{}」，無法執行此動作（{}）。", state.label().zh_tw, action.as_str()),
                format!("The request is {}; '{}' is not possible now.", state.label().en, action.as_str()),
            ),
            Refusal::MissingRole { role, .. } => role.required(),
            Refusal::NotApplyingAgency { .. } => {
                Text::new("僅申請機關之人事人員可執行此動作。", "Only the applying agency's personnel office may do this.")
            }
            Refusal::NotSupervisingAgency { .. } => Text::new(
                "僅申請機關之主管機關人事機構可審核此申請（第5點第1款）。",
                "Only the personnel office of the applying agency's supervising agency may decide on this application (rule 5.1).",
            ),
            Refusal::OwnRequest { .. } => Text::new(
                "不得審核自己建立、編修或送出的申請（職務分工）。",
                "You cannot decide on a request you created, edited or submitted (separation of duties).",
            ),
            Refusal::BlockingFindings(_) => Text::new(
                "申請內容尚有須補正之處，請依各欄位說明修正後再送出。",
                "The application has problems to fix before it can be submitted; see each finding.",
            ),
            Refusal::CommentRequired { .. } => Text::new(
                "退回或不予受理時，請說明理由，讓申請人知道如何補正。",
                "Returning or rejecting needs a comment so the applicant knows what to do.",
            ),
            Refusal::DifficultyRequired => {
                Text::new("受理時請評定難易度（1至5）（第5點第3款）。", "Rate the difficulty (1 to 5) when accepting (rule 5.3).")
            }
            Refusal::DifficultyNotApplicable => Text::new("僅受理時評定難易度。", "Difficulty is rated only when accepting."),
            Refusal::PaperApprovalInvalid { .. } => Text::new(
                "紙本或電子郵件申請須註明主管機關核准之文號及日期（日期不得晚於今日）。",
                "A paper or e-mail application needs its supervising agency's approval: the document number and a date not in the future.",
            ),
            Refusal::PaperApproverNotSupervising => Text::new(
                "核准機關須為申請機關之主管機關（第5點第1款）。",
                "The approving agency must be a supervising agency of the applying agency (rule 5.1).",
            ),
            Refusal::DisclosureUnresolved { count } => Text::new(
                format!("尚有 {count} 個統計結果檔含人數過少之細格，請改以隱藏後之檔案或敘明理由接受後再交付。"),
                format!("{count} result tables have small cells: replace them with suppressed files or accept them with a reason before delivering."),
            ),
            Refusal::AlreadyPersonal => Text::new("此申請已載明涉及個人資料。", "The application already declares personal data."),
            Refusal::RetentionExtensionPending => {
                Text::new("已有延長保存之申請待人事總處決定。", "An extension is already waiting for DGPA's decision.")
            }
            Refusal::RetentionBeyondMaximum { left } => Text::new(
                format!("保存期間合計不得超過365日；尚可延長 {left} 日（第6點）。"),
                format!("Data may be kept at most 365 days in all; {left} more days remain (rule 6)."),
            ),
            Refusal::ReasonNotApplicable => Text::new(
                "受理時無須理由代碼；理由代碼僅用於退回或不予受理。",
                "Accepting takes no reason code: reason codes are for returns and rejections.",
            ),
            Refusal::SourceRequired => {
                Text::new("請指明已可提供資料之既有資料來源（第4點）。", "Name the existing source that already has the data (rule 4).")
            }
            Refusal::SourceNotApplicable => Text::new(
                "僅理由為「既有資料來源已可提供」時指明資料來源。",
                "A source is named only with the reason available_in_existing_source.",
            ),
            Refusal::ReplyRequired => Text::new("請填寫人事總處回復內容。", "Enter DGPA's reply."),
            Refusal::DestructionMethodRequired => Text::new("請說明銷毀方式（第6點）。", "State how the data was destroyed (rule 6)."),
            Refusal::DestructionDateInFuture => Text::new("銷毀日期不得晚於今日。", "The destruction date cannot be in the future."),
            Refusal::DestructionDateBeforeDelivery => {
                Text::new("銷毀日期不得早於交付日期。", "The destruction date cannot be before the delivery.")
            }
            Refusal::NoPersonalDataToDestroy => {
                Text::new("此案不含個人資料，請以「確認收訖」結案。", "This request holds no personal data: close it with 'acknowledge'.")
            }
            Refusal::NothingKept { state } => Text::new(
                format!("案件目前為「{}」，沒有保存中的資料可延長保存期限。", state.label().zh_tw),
                format!("The request is {}: no delivered data is kept whose keeping could be extended.", state.label().en),
            ),
            Refusal::DestructionRequired => Text::new(
                "此案含個人資料，使用完畢後須登錄銷毀方能結案（第6點）。",
                "This request holds personal data: record its destruction after use to close it (rule 6).",
            ),
            Refusal::TextTooLong { max, .. } => {
                Text::new(format!("內容過長，最多 {max} 字。"), format!("Too long: at most {max} characters."))
            }
            Refusal::OutOfOrder { head, passed } => Text::new(
                format!("排程順序中尚有 {passed} 案在前（第一案為 {head} 號）；如需跳過，請說明理由（第5點第3款）。"),
                format!(
                    "{passed} request(s) come first in the queue (next: {head}); give a reason to take this one out of order (rule 5.3)."
                ),
            ),
            Refusal::DifficultyUnchanged => {
                Text::new("難易度與現行相同；請選擇另一難易度。", "That is the difficulty it has: choose another.")
            }
            Refusal::AlreadyAssigned => {
                Text::new("此案已由該承辦人承辦，無需改派。", "The request is already with that officer: there is nothing to hand over.")
            }
            Refusal::AssigneeDraftedRequest => {
                Text::new("不得指派申請案的擬具人產製資料（職務分工）。", "The assignee drafted this request (separation of duties).")
            }
            Refusal::FilesRequired => Text::new(
                "含個人資料之資料須以加密檔案回復，請先上傳結果檔案（第5點第3款）。",
                "Personal data is returned only as encrypted files: upload the result first (rule 5.3).",
            ),
            Refusal::UnapprovedFiles { count } => Text::new(
                format!("尚有 {count} 個含個人資料之檔案未經第二位承辦人覆核。"),
                format!("{count} file(s) with personal data still need a second officer's approval."),
            ),
            Refusal::OwnUpload => {
                Text::new("上傳者不得覆核自己上傳的檔案（雙人覆核）。", "The officer who uploaded a file cannot approve it (four eyes).")
            }
        }
    }
}
