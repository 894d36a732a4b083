//! The request lifecycle of rule 5 (DESIGN.md, "The request lifecycle"): one
//! exhaustive state enum, one transition table, one decision function.
//!
//! ```text
//! draft ──submit──▶ pending_supervisor ──approve──▶ pending_dgpa ──accept──▶ queued ──take──▶ in_production
//!   ▲                  │ return │ reject                │ return │ reject                            │ deliver
//!   └──── returned ◀───┘        ▼                       ▼        ▼                                   ▼
//!                            rejected                returned  rejected         closed ◀── destruction / acknowledge ── delivered
//! withdraw: from draft, returned, pending_*, queued ──▶ withdrawn
//! ```

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::application::Application;
use crate::eligibility::{self, EligibilityContext, Finding};
use crate::ids::{AgencyCode, Difficulty, Role, RoleSet, UserId};
use crate::message::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    PendingSupervisor,
    PendingDgpa,
    Queued,
    InProduction,
    Delivered,
    Closed,
    Returned,
    Rejected,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 10] = [
        State::Draft,
        State::PendingSupervisor,
        State::PendingDgpa,
        State::Queued,
        State::InProduction,
        State::Delivered,
        State::Closed,
        State::Returned,
        State::Rejected,
        State::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::PendingSupervisor => "pending_supervisor",
            State::PendingDgpa => "pending_dgpa",
            State::Queued => "queued",
            State::InProduction => "in_production",
            State::Delivered => "delivered",
            State::Closed => "closed",
            State::Returned => "returned",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Closed, rejected and withdrawn requests accept no further command.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Closed | State::Rejected | State::Withdrawn)
    }

    pub fn label(self) -> Text {
        let (zh, en) = match self {
            State::Draft => ("草稿", "draft"),
            State::PendingSupervisor => ("待主管機關審核", "awaiting the supervising agency"),
            State::PendingDgpa => ("待人事總處審查", "awaiting DGPA review"),
            State::Queued => ("排程中", "queued"),
            State::InProduction => ("資料產製中", "in production"),
            State::Delivered => ("已交付", "delivered"),
            State::Closed => ("已結案", "closed"),
            State::Returned => ("退回補正", "returned for revision"),
            State::Rejected => ("不予受理", "rejected"),
            State::Withdrawn => ("已撤回", "withdrawn"),
        };
        Text::new(zh, en)
    }
}

/// A supervisor's decision (rule 5.1: the supervising agency's personnel office approves first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Return,
    Reject,
}

/// DGPA's review decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DgpaDecision {
    Accept,
    Return,
    Reject,
}

/// What someone asks to do to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Change the application (draft or returned only).
    Edit,
    Submit,
    Withdraw {
        reason: Option<String>,
    },
    SupervisorDecision {
        decision: Decision,
        comment: Option<String>,
    },
    DgpaDecision {
        decision: DgpaDecision,
        difficulty: Option<Difficulty>,
        comment: Option<String>,
    },
    /// Take queued work into production for `assignee` (the actor or a named officer).
    /// `passed_over` are the requests ahead of it in the queue's order; passing any
    /// needs a reason, which is recorded (rule 5.3).
    Take {
        assignee: UserId,
        passed_over: Vec<crate::ids::RequestId>,
        skip_reason: Option<String>,
    },
    /// Deliver with DGPA's reply; `files` uploaded, of which `unapproved` still
    /// await the second officer's check.
    Deliver {
        reply: String,
        files: usize,
        unapproved: usize,
    },
    RecordDestruction {
        destroyed_on: NaiveDate,
        method: String,
    },
    Acknowledge,
}

/// The command without its data: the key of the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Submit,
    Withdraw,
    SupervisorApprove,
    SupervisorReturn,
    SupervisorReject,
    DgpaAccept,
    DgpaReturn,
    DgpaReject,
    Take,
    Deliver,
    RecordDestruction,
    Acknowledge,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Edit,
        Action::Submit,
        Action::Withdraw,
        Action::SupervisorApprove,
        Action::SupervisorReturn,
        Action::SupervisorReject,
        Action::DgpaAccept,
        Action::DgpaReturn,
        Action::DgpaReject,
        Action::Take,
        Action::Deliver,
        Action::RecordDestruction,
        Action::Acknowledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::SupervisorApprove => "supervisor_approve",
            Action::SupervisorReturn => "supervisor_return",
            Action::SupervisorReject => "supervisor_reject",
            Action::DgpaAccept => "dgpa_accept",
            Action::DgpaReturn => "dgpa_return",
            Action::DgpaReject => "dgpa_reject",
            Action::Take => "take",
            Action::Deliver => "deliver",
            Action::RecordDestruction => "record_destruction",
            Action::Acknowledge => "acknowledge",
        }
    }
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Edit => Action::Edit,
            Command::Submit => Action::Submit,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::SupervisorDecision { decision: Decision::Approve, .. } => Action::SupervisorApprove,
            Command::SupervisorDecision { decision: Decision::Return, .. } => Action::SupervisorReturn,
            Command::SupervisorDecision { decision: Decision::Reject, .. } => Action::SupervisorReject,
            Command::DgpaDecision { decision: DgpaDecision::Accept, .. } => Action::DgpaAccept,
            Command::DgpaDecision { decision: DgpaDecision::Return, .. } => Action::DgpaReturn,
            Command::DgpaDecision { decision: DgpaDecision::Reject, .. } => Action::DgpaReject,
            Command::Take { .. } => Action::Take,
            Command::Deliver { .. } => Action::Deliver,
            Command::RecordDestruction { .. } => Action::RecordDestruction,
            Command::Acknowledge => Action::Acknowledge,
        }
    }
}

/// The transition table: the one place that says which action leads where.
pub fn next_state(from: State, action: Action) -> Option<State> {
    use Action as A;
    use State as S;
    Some(match (from, action) {
        (S::Draft, A::Edit) => S::Draft,
        (S::Returned, A::Edit) => S::Returned,
        (S::Draft | S::Returned, A::Submit) => S::PendingSupervisor,
        (S::Draft | S::Returned | S::PendingSupervisor | S::PendingDgpa | S::Queued, A::Withdraw) => S::Withdrawn,
        (S::PendingSupervisor, A::SupervisorApprove) => S::PendingDgpa,
        (S::PendingSupervisor, A::SupervisorReturn) => S::Returned,
        (S::PendingSupervisor, A::SupervisorReject) => S::Rejected,
        (S::PendingDgpa, A::DgpaAccept) => S::Queued,
        (S::PendingDgpa, A::DgpaReturn) => S::Returned,
        (S::PendingDgpa, A::DgpaReject) => S::Rejected,
        (S::Queued, A::Take) => S::InProduction,
        (S::InProduction, A::Deliver) => S::Delivered,
        (S::Delivered, A::RecordDestruction | A::Acknowledge) => S::Closed,
        _ => return None,
    })
}

/// The actions the table allows from a state (before role and data checks).
pub fn allowed_actions(from: State) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| next_state(from, *a).is_some()).collect()
}

/// What is recorded when a transition happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Edited,
    Submitted,
    Withdrawn,
    SupervisorApproved,
    SupervisorReturned,
    SupervisorRejected,
    DgpaAccepted,
    DgpaReturned,
    DgpaRejected,
    Taken,
    Delivered,
    DestructionRecorded,
    Acknowledged,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Edited => "edited",
            EventKind::Submitted => "submitted",
            EventKind::Withdrawn => "withdrawn",
            EventKind::SupervisorApproved => "supervisor_approved",
            EventKind::SupervisorReturned => "supervisor_returned",
            EventKind::SupervisorRejected => "supervisor_rejected",
            EventKind::DgpaAccepted => "dgpa_accepted",
            EventKind::DgpaReturned => "dgpa_returned",
            EventKind::DgpaRejected => "dgpa_rejected",
            EventKind::Taken => "taken",
            EventKind::Delivered => "delivered",
            EventKind::DestructionRecorded => "destruction_recorded",
            EventKind::Acknowledged => "acknowledged",
        }
    }

    pub fn parse(raw: &str) -> Option<EventKind> {
        use EventKind::*;
        [
            Created,
            Edited,
            Submitted,
            Withdrawn,
            SupervisorApproved,
            SupervisorReturned,
            SupervisorRejected,
            DgpaAccepted,
            DgpaReturned,
            DgpaRejected,
            Taken,
            Delivered,
            DestructionRecorded,
            Acknowledged,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }

    fn of(action: Action) -> EventKind {
        match action {
            Action::Edit => EventKind::Edited,
            Action::Submit => EventKind::Submitted,
            Action::Withdraw => EventKind::Withdrawn,
            Action::SupervisorApprove => EventKind::SupervisorApproved,
            Action::SupervisorReturn => EventKind::SupervisorReturned,
            Action::SupervisorReject => EventKind::SupervisorRejected,
            Action::DgpaAccept => EventKind::DgpaAccepted,
            Action::DgpaReturn => EventKind::DgpaReturned,
            Action::DgpaReject => EventKind::DgpaRejected,
            Action::Take => EventKind::Taken,
            Action::Deliver => EventKind::Delivered,
            Action::RecordDestruction => EventKind::DestructionRecorded,
            Action::Acknowledge => EventKind::Acknowledged,
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub agency: AgencyCode,
    pub roles: RoleSet,
}

/// An agency and its ancestors, nearest first, ending at DGPA (the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyChain {
    pub agency: AgencyCode,
    /// Parent first, root last; empty for the root itself.
    pub ancestors: Vec<AgencyCode>,
}

impl AgencyChain {
    /// The agencies whose personnel office approves this agency's applications
    /// (rule 5.1): every ancestor below DGPA; an agency directly under DGPA is a
    /// supervising agency (主管機關) itself and approves its own office's
    /// applications, by someone other than the drafter. DGPA has none.
    pub fn supervising_agencies(&self) -> Vec<&AgencyCode> {
        match self.ancestors.split_last() {
            None => Vec::new(),
            Some((_root, [])) => vec![&self.agency],
            Some((_root, below_root)) => below_root.iter().collect(),
        }
    }

    pub fn is_supervised_by(&self, agency: &AgencyCode) -> bool {
        self.supervising_agencies().contains(&agency)
    }

    pub fn has_supervisor(&self) -> bool {
        !self.supervising_agencies().is_empty()
    }

    /// The top-level supervising agency (主管機關) whose share rule 5.3 weighs.
    pub fn top_supervising_agency(&self) -> Option<&AgencyCode> {
        self.supervising_agencies().last().copied()
    }
}

/// What the rules need to know about a request.
#[derive(Debug, Clone)]
pub struct RequestFacts<'a> {
    pub state: State,
    pub chain: &'a AgencyChain,
    pub created_by: UserId,
    pub application: &'a Application,
    /// How many revisions have been frozen (0 until the first submission).
    pub revisions: u32,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The agency's delivered requests past their destruction date (rule 6).
    pub overdue_destructions: &'a [crate::ids::RequestId],
    /// A sample of the output format is attached as a file (rule 5.1).
    pub has_sample_attachment: bool,
    /// The field dictionary in force (rule 7).
    pub dictionary: &'a crate::dictionary::Dictionary,
    /// Field questions tied to the request that are still open (rule 7).
    pub open_inquiries: &'a [i64],
}

/// The result of an accepted command: the new state and what to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub to: State,
    pub event: EventKind,
    pub comment: Option<String>,
    /// Freeze the application as revision `revisions + 1` (every submission does).
    pub freeze_revision: bool,
    pub difficulty: Option<Difficulty>,
    /// The DGPA officer who took the work.
    pub assignee: Option<UserId>,
    /// Findings at submission (warnings only), or other data worth keeping with the event.
    pub data: serde_json::Value,
}

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
    ReplyRequired,
    DestructionMethodRequired,
    DestructionDateInFuture,
    DestructionDateBeforeDelivery,
    /// Destruction is recorded only for personal data; other deliveries are acknowledged.
    NoPersonalDataToDestroy,
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
            Refusal::ReplyRequired => "reply_required",
            Refusal::DestructionMethodRequired => "destruction_method_required",
            Refusal::DestructionDateInFuture => "destruction_date_in_future",
            Refusal::DestructionDateBeforeDelivery => "destruction_date_before_delivery",
            Refusal::NoPersonalDataToDestroy => "no_personal_data",
            Refusal::DestructionRequired => "destruction_required",
            Refusal::TextTooLong { .. } => "too_long",
            Refusal::OutOfOrder { .. } => "out_of_queue_order",
            Refusal::AssigneeDraftedRequest => "separation_of_duties",
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
            Refusal::MissingRole { role, .. } => {
                Text::new(format!("此動作需要「{}」角色。", role_zh(*role)), format!("This action needs the '{}' role.", role.as_str()))
            }
            Refusal::NotApplyingAgency { .. } => {
                Text::new("僅申請機關之人事人員可執行此動作。", "Only the applying agency's personnel office may do this.")
            }
            Refusal::NotSupervisingAgency { .. } => Text::new(
                "僅申請機關之主管機關人事機構可審核此申請（第5點第1款）。",
                "Only the personnel office of the applying agency's supervising agency may decide on this application (rule 5.1).",
            ),
            Refusal::OwnRequest { .. } => {
                Text::new("不得審核自己擬具的申請（職務分工）。", "You cannot decide on a request you drafted (separation of duties).")
            }
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
            Refusal::ReplyRequired => Text::new("請填寫人事總處回復內容。", "Enter DGPA's reply."),
            Refusal::DestructionMethodRequired => Text::new("請說明銷毀方式（第6點）。", "State how the data was destroyed (rule 6)."),
            Refusal::DestructionDateInFuture => Text::new("銷毀日期不得晚於今日。", "The destruction date cannot be in the future."),
            Refusal::DestructionDateBeforeDelivery => {
                Text::new("銷毀日期不得早於交付日期。", "The destruction date cannot be before the delivery.")
            }
            Refusal::NoPersonalDataToDestroy => {
                Text::new("此案不含個人資料，請以「確認收訖」結案。", "This request holds no personal data: close it with 'acknowledge'.")
            }
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

fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Applicant => "申請人",
        Role::Supervisor => "主管機關審核人",
        Role::DgpaOfficer => "人事總處承辦人",
        Role::DgpaAdmin => "人事總處管理者",
        Role::Service => "系統介接",
    }
}

/// The day by which delivered personal data must be destroyed (rule 6).
pub fn destroy_by(app: &Application, delivered_at: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    let days = app.personal_data.retention_days.filter(|_| app.declares_personal_data())?;
    Some(taiwan_date(delivered_at?) + Duration::days(i64::from(days)))
}

/// Past its destroy-by day and not yet recorded as destroyed.
pub fn destruction_overdue(state: State, app: &Application, delivered_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    state == State::Delivered && destroy_by(app, delivered_at).is_some_and(|d| taiwan_date(now) > d)
}

/// Taiwan has one time zone, UTC+8, without daylight saving.
pub fn taiwan_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
}

/// A date in the ROC (Minguo) calendar as Taiwan's government writes it:
/// 115年11月24日 for 2026-11-24 (ROC year = Gregorian year − 1911).
pub fn roc_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year() - 1911, d.month(), d.day())
}

const MAX_COMMENT: usize = crate::application::limits::NOTE;
const MAX_REPLY: usize = crate::application::limits::LONG_TEXT;

/// Decides a command: the new state and what to record, or a typed refusal.
///
/// Checks run in this order, so that a caller learns the most fundamental problem
/// first: the table, the role, the agency, separation of duties, then the data.
pub fn decide(facts: &RequestFacts<'_>, actor: &Actor, command: Command, now: DateTime<Utc>) -> Result<Outcome, Refusal> {
    let action = command.action();
    let to = next_state(facts.state, action).ok_or(Refusal::NotInState { action, state: facts.state })?;
    authorize(facts, actor, action)?;

    let mut outcome = Outcome {
        to,
        event: EventKind::of(action),
        comment: None,
        freeze_revision: false,
        difficulty: None,
        assignee: None,
        data: serde_json::Value::Null,
    };
    let comment_of = |c: Option<String>| -> Result<Option<String>, Refusal> {
        let c = c.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if c.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT) {
            return Err(Refusal::TextTooLong { pointer: "/comment", max: MAX_COMMENT });
        }
        Ok(c)
    };

    match command {
        Command::Edit => {}
        Command::Submit => {
            let ctx = EligibilityContext {
                dictionary: facts.dictionary,
                open_inquiries: facts.open_inquiries,
                has_supervisor: facts.chain.has_supervisor(),
                overdue_destructions: facts.overdue_destructions,
                has_sample_attachment: facts.has_sample_attachment,
            };
            let findings = eligibility::check(facts.application, ctx);
            if eligibility::blocks(&findings) {
                return Err(Refusal::BlockingFindings(findings));
            }
            outcome.freeze_revision = true;
            outcome.data = serde_json::json!({ "revision": facts.revisions + 1, "warnings": findings });
        }
        Command::Withdraw { reason } => outcome.comment = comment_of(reason)?,
        Command::SupervisorDecision { decision, comment } => {
            outcome.comment = comment_of(comment)?;
            if decision != Decision::Approve && outcome.comment.is_none() {
                return Err(Refusal::CommentRequired { action });
            }
        }
        Command::DgpaDecision { decision, difficulty, comment } => {
            outcome.comment = comment_of(comment)?;
            match (decision, difficulty) {
                (DgpaDecision::Accept, None) => return Err(Refusal::DifficultyRequired),
                (DgpaDecision::Accept, Some(d)) => outcome.difficulty = Some(d),
                (_, Some(_)) => return Err(Refusal::DifficultyNotApplicable),
                (_, None) if outcome.comment.is_none() => return Err(Refusal::CommentRequired { action }),
                (_, None) => {}
            }
        }
        Command::Take { assignee, passed_over, skip_reason } => {
            if assignee == facts.created_by {
                return Err(Refusal::AssigneeDraftedRequest);
            }
            let reason = comment_of(skip_reason)?;
            if let (Some(head), None) = (passed_over.first(), &reason) {
                return Err(Refusal::OutOfOrder { head: *head, passed: passed_over.len() });
            }
            if !passed_over.is_empty() {
                outcome.data = serde_json::json!({ "passed_over": passed_over, "skip_reason": reason });
                outcome.comment = reason;
            }
            outcome.assignee = Some(assignee);
        }
        Command::Deliver { reply, files, unapproved } => {
            if facts.application.declares_personal_data() {
                if files == 0 {
                    return Err(Refusal::FilesRequired);
                }
                if unapproved > 0 {
                    return Err(Refusal::UnapprovedFiles { count: unapproved });
                }
            }
            let reply = reply.trim().to_string();
            if reply.is_empty() {
                return Err(Refusal::ReplyRequired);
            }
            if reply.chars().count() > MAX_REPLY {
                return Err(Refusal::TextTooLong { pointer: "/reply", max: MAX_REPLY });
            }
            outcome.comment = Some(reply);
        }
        Command::RecordDestruction { destroyed_on, method } => {
            if !facts.application.declares_personal_data() {
                return Err(Refusal::NoPersonalDataToDestroy);
            }
            let method = method.trim().to_string();
            if method.is_empty() {
                return Err(Refusal::DestructionMethodRequired);
            }
            if method.chars().count() > MAX_COMMENT {
                return Err(Refusal::TextTooLong { pointer: "/method", max: MAX_COMMENT });
            }
            if destroyed_on > taiwan_date(now) {
                return Err(Refusal::DestructionDateInFuture);
            }
            if facts.delivered_at.is_some_and(|d| destroyed_on < taiwan_date(d)) {
                return Err(Refusal::DestructionDateBeforeDelivery);
            }
            outcome.data = serde_json::json!({ "destroyed_on": destroyed_on, "method": method });
        }
        Command::Acknowledge => {
            if facts.application.declares_personal_data() {
                return Err(Refusal::DestructionRequired);
            }
        }
    }
    Ok(outcome)
}

/// The actions this actor may attempt now: allowed by the table and by role,
/// agency and separation of duties (the data may still refuse, e.g. findings).
pub fn available_actions(facts: &RequestFacts<'_>, actor: &Actor) -> Vec<Action> {
    allowed_actions(facts.state).into_iter().filter(|a| authorize(facts, actor, *a).is_ok()).collect()
}

/// Four eyes: a file is approved by a DGPA officer who did not upload it.
pub fn approve_file(uploaded_by: UserId, approver: &Actor) -> Result<(), Refusal> {
    if !approver.roles.has(Role::DgpaOfficer) {
        return Err(Refusal::MissingRole { action: Action::Deliver, role: Role::DgpaOfficer });
    }
    if approver.user == uploaded_by {
        return Err(Refusal::OwnUpload);
    }
    Ok(())
}

/// Role, agency and separation-of-duties checks for an action.
fn authorize(facts: &RequestFacts<'_>, actor: &Actor, action: Action) -> Result<(), Refusal> {
    let need = |role: Role| if actor.roles.has(role) { Ok(()) } else { Err(Refusal::MissingRole { action, role }) };
    let not_own = || if actor.user == facts.created_by { Err(Refusal::OwnRequest { action }) } else { Ok(()) };
    match action {
        Action::Edit | Action::Submit | Action::Withdraw | Action::RecordDestruction | Action::Acknowledge => {
            need(Role::Applicant)?;
            if actor.agency != facts.chain.agency {
                return Err(Refusal::NotApplyingAgency { action });
            }
        }
        Action::SupervisorApprove | Action::SupervisorReturn | Action::SupervisorReject => {
            need(Role::Supervisor)?;
            if !facts.chain.is_supervised_by(&actor.agency) {
                return Err(Refusal::NotSupervisingAgency { action });
            }
            not_own()?;
        }
        Action::DgpaAccept | Action::DgpaReturn | Action::DgpaReject | Action::Take | Action::Deliver => {
            need(Role::DgpaOfficer)?;
            not_own()?;
        }
    }
    Ok(())
}

/// Whether an actor may see a request at all. Others get "not found", never the data.
///
/// The applying office sees its own requests in every state; supervisors and DGPA
/// see a request once it has been submitted (drafts are the office's own).
pub fn can_view(actor: &Actor, chain: &AgencyChain, revisions: u32) -> bool {
    if actor.agency == chain.agency && (actor.roles.has(Role::Applicant) || actor.roles.has(Role::Supervisor)) {
        return true;
    }
    let submitted = revisions > 0;
    submitted && ((actor.roles.has(Role::Supervisor) && chain.is_supervised_by(&actor.agency)) || actor.roles.is_dgpa())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::application::{ExistingSource, OutputKind, PersonalData, SourceAttestation};
    use crate::ids::{AgencyCode, RoleSet};

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap_or_else(|_| panic!("bad code {s}"))
    }

    /// DGPA ─ MOI (內政部) ─ NPA (警政署) ─ KPD (某警察局).
    fn chain_of(agency: &str) -> AgencyChain {
        let anc: &[&str] = match agency {
            "DGPA" => &[],
            "MOI" => &["DGPA"],
            "NPA" => &["MOI", "DGPA"],
            "KPD" => &["NPA", "MOI", "DGPA"],
            "MOE" => &["DGPA"],
            other => panic!("{other}"),
        };
        AgencyChain { agency: code(agency), ancestors: anc.iter().map(|a| code(a)).collect() }
    }

    fn actor(user: i64, agency: &str, roles: &[Role]) -> Actor {
        Actor { user: UserId(user), agency: code(agency), roles: RoleSet::new(roles.iter().copied()) }
    }

    fn app() -> Application {
        Application {
            contact: crate::application::Contact { name: "王小明".into(), phone: "02-23979298".into(), email: "w@npa.gov.tw".into() },
            reason: "人力規劃".into(),
            requirement: crate::application::Requirement {
                output: Some(OutputKind::Statistics),
                fields: vec!["grade".into()],
                conditions: String::new(),
                description: "各職等人數".into(),
                sample_output: Some("職等,人數".into()),
                ..Default::default()
            },
            personal_data: PersonalData { contains: Some(false), ..Default::default() },
            existing_sources: ExistingSource::ALL
                .into_iter()
                .map(|source| SourceAttestation { source, checked: true, note: "無".into() })
                .collect(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).single().unwrap_or_default()
    }

    fn facts<'a>(state: State, chain: &'a AgencyChain, app: &'a Application) -> RequestFacts<'a> {
        RequestFacts {
            state,
            chain,
            created_by: UserId(1),
            application: app,
            revisions: 1,
            delivered_at: Some(now()),
            overdue_destructions: &[],
            has_sample_attachment: false,
            dictionary: crate::dictionary::Dictionary::builtin(),
            open_inquiries: &[],
        }
    }

    const DRAFTER: i64 = 1;

    #[test]
    fn supervising_agencies_follow_the_tree() {
        assert_eq!(chain_of("KPD").supervising_agencies(), vec![&code("NPA"), &code("MOI")]);
        assert_eq!(chain_of("MOI").supervising_agencies(), vec![&code("MOI")]);
        assert!(chain_of("DGPA").supervising_agencies().is_empty());
        assert_eq!(chain_of("KPD").top_supervising_agency(), Some(&code("MOI")));
    }

    #[test]
    fn the_happy_path_from_draft_to_closed() {
        let chain = chain_of("NPA");
        let app = app();
        let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
        let supervisor = actor(2, "MOI", &[Role::Supervisor]);
        let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
        let steps = [
            (State::Draft, &applicant, Command::Submit, State::PendingSupervisor),
            (
                State::PendingSupervisor,
                &supervisor,
                Command::SupervisorDecision { decision: Decision::Approve, comment: None },
                State::PendingDgpa,
            ),
            (
                State::PendingDgpa,
                &officer,
                Command::DgpaDecision { decision: DgpaDecision::Accept, difficulty: Difficulty::new(3).ok(), comment: None },
                State::Queued,
            ),
            (State::Queued, &officer, Command::Take { assignee: UserId(3), passed_over: vec![], skip_reason: None }, State::InProduction),
            (State::InProduction, &officer, Command::Deliver { reply: "如附件".into(), files: 0, unapproved: 0 }, State::Delivered),
            (State::Delivered, &applicant, Command::Acknowledge, State::Closed),
        ];
        for (from, who, cmd, to) in steps {
            let out = decide(&facts(from, &chain, &app), who, cmd.clone(), now());
            assert_eq!(out.as_ref().map(|o| o.to), Ok(to), "{cmd:?}");
        }
    }

    #[test]
    fn separation_of_duties_and_supervision_scope() {
        let chain = chain_of("MOI");
        let app = app();
        let approve = Command::SupervisorDecision { decision: Decision::Approve, comment: None };
        let f = facts(State::PendingSupervisor, &chain, &app);
        // The drafter who is also a supervisor of a top-level agency cannot approve.
        let drafter = actor(DRAFTER, "MOI", &[Role::Applicant, Role::Supervisor]);
        assert_eq!(decide(&f, &drafter, approve.clone(), now()), Err(Refusal::OwnRequest { action: Action::SupervisorApprove }));
        // A colleague can.
        assert!(decide(&f, &actor(9, "MOI", &[Role::Supervisor]), approve.clone(), now()).is_ok());
        // Another ministry cannot.
        assert_eq!(
            decide(&f, &actor(9, "MOE", &[Role::Supervisor]), approve.clone(), now()),
            Err(Refusal::NotSupervisingAgency { action: Action::SupervisorApprove })
        );
        // A subordinate agency cannot approve its supervisor's request.
        let chain = chain_of("MOI");
        let f = facts(State::PendingSupervisor, &chain, &app);
        assert!(decide(&f, &actor(9, "NPA", &[Role::Supervisor]), approve.clone(), now()).is_err());
        // Missing role comes before agency.
        assert_eq!(
            decide(&f, &actor(9, "MOI", &[Role::Applicant]), approve, now()),
            Err(Refusal::MissingRole { action: Action::SupervisorApprove, role: Role::Supervisor })
        );
    }

    #[test]
    fn dgpa_decisions_need_difficulty_or_comment() {
        let chain = chain_of("NPA");
        let app = app();
        let f = facts(State::PendingDgpa, &chain, &app);
        let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
        let dec = |decision, difficulty, comment: Option<&str>| Command::DgpaDecision {
            decision,
            difficulty,
            comment: comment.map(String::from),
        };
        assert_eq!(decide(&f, &officer, dec(DgpaDecision::Accept, None, None), now()), Err(Refusal::DifficultyRequired));
        assert_eq!(
            decide(&f, &officer, dec(DgpaDecision::Return, Difficulty::new(2).ok(), Some("x")), now()),
            Err(Refusal::DifficultyNotApplicable)
        );
        assert_eq!(
            decide(&f, &officer, dec(DgpaDecision::Reject, None, Some("  ")), now()),
            Err(Refusal::CommentRequired { action: Action::DgpaReject })
        );
        let out = decide(&f, &officer, dec(DgpaDecision::Accept, Difficulty::new(4).ok(), None), now());
        assert_eq!(out.map(|o| o.difficulty), Ok(Difficulty::new(4).ok()));
    }

    #[test]
    fn submit_freezes_a_revision_and_refuses_blocking_findings() {
        let chain = chain_of("NPA");
        let mut app = app();
        let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
        let out = decide(&facts(State::Returned, &chain, &app), &applicant, Command::Submit, now());
        assert_eq!(out.as_ref().map(|o| (o.to, o.freeze_revision)), Ok((State::PendingSupervisor, true)));
        app.reason.clear();
        match decide(&facts(State::Draft, &chain, &app), &applicant, Command::Submit, now()) {
            Err(Refusal::BlockingFindings(f)) => assert_eq!(f[0].pointer, "/reason"),
            other => panic!("expected findings, got {other:?}"),
        }
        // Another agency's applicant cannot submit.
        let other = actor(5, "KPD", &[Role::Applicant]);
        assert_eq!(
            decide(&facts(State::Draft, &chain, &app), &other, Command::Submit, now()),
            Err(Refusal::NotApplyingAgency { action: Action::Submit })
        );
    }

    #[test]
    fn rule_6_destruction_closes_personal_data_and_acknowledge_the_rest() {
        let chain = chain_of("NPA");
        let mut app = app();
        let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
        let today = taiwan_date(now());
        let destroy = |d: NaiveDate, m: &str| Command::RecordDestruction { destroyed_on: d, method: m.into() };
        assert_eq!(
            decide(&facts(State::Delivered, &chain, &app), &applicant, destroy(today, "碎紙"), now()),
            Err(Refusal::NoPersonalDataToDestroy)
        );
        app.personal_data.contains = Some(true);
        let f = facts(State::Delivered, &chain, &app);
        assert_eq!(decide(&f, &applicant, Command::Acknowledge, now()), Err(Refusal::DestructionRequired));
        assert_eq!(decide(&f, &applicant, destroy(today, " "), now()), Err(Refusal::DestructionMethodRequired));
        assert_eq!(
            decide(&f, &applicant, destroy(today.succ_opt().unwrap_or(today), "刪除"), now()),
            Err(Refusal::DestructionDateInFuture)
        );
        assert_eq!(
            decide(&f, &applicant, destroy(today.pred_opt().unwrap_or(today), "刪除"), now()),
            Err(Refusal::DestructionDateBeforeDelivery)
        );
        assert_eq!(decide(&f, &applicant, destroy(today, "檔案刪除並清空資源回收筒"), now()).map(|o| o.to), Ok(State::Closed));
    }

    #[test]
    fn taking_out_of_order_needs_a_reason_and_records_it() {
        let chain = chain_of("NPA");
        let app = app();
        let f = facts(State::Queued, &chain, &app);
        let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
        let ahead = vec![crate::ids::RequestId(7), crate::ids::RequestId(9)];
        let take = |passed_over: Vec<crate::ids::RequestId>, skip_reason: Option<&str>, assignee: i64| Command::Take {
            assignee: UserId(assignee),
            passed_over,
            skip_reason: skip_reason.map(String::from),
        };
        assert_eq!(
            decide(&f, &officer, take(ahead.clone(), None, 3), now()),
            Err(Refusal::OutOfOrder { head: crate::ids::RequestId(7), passed: 2 })
        );
        assert_eq!(
            decide(&f, &officer, take(ahead.clone(), Some("  "), 3), now()),
            Err(Refusal::OutOfOrder { head: crate::ids::RequestId(7), passed: 2 })
        );
        let out = decide(&f, &officer, take(ahead, Some("立法院質詢急需"), 4), now()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((out.assignee, out.comment.as_deref()), (Some(UserId(4)), Some("立法院質詢急需")));
        assert_eq!(out.data["passed_over"], serde_json::json!([7, 9]));
        assert_eq!(decide(&f, &officer, take(vec![], None, DRAFTER), now()), Err(Refusal::AssigneeDraftedRequest));
    }

    #[test]
    fn personal_data_leaves_only_as_approved_files() {
        let chain = chain_of("NPA");
        let mut app = app();
        app.personal_data.contains = Some(true);
        let f = facts(State::InProduction, &chain, &app);
        let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
        let deliver = |files, unapproved| Command::Deliver { reply: "如附件".into(), files, unapproved };
        assert_eq!(decide(&f, &officer, deliver(0, 0), now()), Err(Refusal::FilesRequired));
        assert_eq!(decide(&f, &officer, deliver(2, 1), now()), Err(Refusal::UnapprovedFiles { count: 1 }));
        assert!(decide(&f, &officer, deliver(2, 0), now()).is_ok());
        assert_eq!(approve_file(UserId(3), &officer), Err(Refusal::OwnUpload));
        assert!(approve_file(UserId(4), &officer).is_ok());
    }

    #[test]
    fn visibility() {
        let npa = chain_of("NPA");
        assert!(can_view(&actor(1, "NPA", &[Role::Applicant]), &npa, 0));
        assert!(!can_view(&actor(2, "MOI", &[Role::Supervisor]), &npa, 0), "drafts are the office's own");
        assert!(can_view(&actor(2, "MOI", &[Role::Supervisor]), &npa, 1));
        assert!(!can_view(&actor(2, "MOE", &[Role::Supervisor]), &npa, 1));
        assert!(!can_view(&actor(2, "KPD", &[Role::Applicant, Role::Supervisor]), &npa, 1));
        assert!(can_view(&actor(3, "DGPA", &[Role::DgpaOfficer]), &npa, 1));
        assert!(!can_view(&actor(3, "DGPA", &[Role::DgpaOfficer]), &npa, 0));
        assert!(!can_view(&actor(4, "MOE", &[Role::Applicant]), &npa, 3));
    }

    fn any_command() -> impl Strategy<Value = Command> {
        let d = (1i64..=5).prop_map(|v| Difficulty::new(v).ok());
        let c = proptest::option::of("[a-z]{0,3}");
        prop_oneof![
            Just(Command::Edit),
            Just(Command::Submit),
            c.clone().prop_map(|reason| Command::Withdraw { reason }),
            (prop_oneof![Just(Decision::Approve), Just(Decision::Return), Just(Decision::Reject)], c.clone())
                .prop_map(|(decision, comment)| Command::SupervisorDecision { decision, comment }),
            (prop_oneof![Just(DgpaDecision::Accept), Just(DgpaDecision::Return), Just(DgpaDecision::Reject)], proptest::option::of(d), c)
                .prop_map(|(decision, difficulty, comment)| Command::DgpaDecision { decision, difficulty: difficulty.flatten(), comment }),
            (proptest::collection::vec((1i64..5).prop_map(crate::ids::RequestId), 0..2), proptest::option::of("[a-z]{0,3}"))
                .prop_map(|(passed_over, skip_reason)| Command::Take { assignee: UserId(3), passed_over, skip_reason }),
            ("[a-z]{0,3}", 0usize..3, 0usize..2).prop_map(|(reply, files, unapproved)| Command::Deliver { reply, files, unapproved }),
            (-3i64..3, "[a-z ]{0,3}")
                .prop_map(|(days, method)| Command::RecordDestruction { destroyed_on: taiwan_date(now()) + Duration::days(days), method }),
            Just(Command::Acknowledge),
        ]
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        let agencies = prop_oneof![Just("DGPA"), Just("MOI"), Just("NPA"), Just("KPD"), Just("MOE")];
        let roles = proptest::collection::vec(
            prop_oneof![Just(Role::Applicant), Just(Role::Supervisor), Just(Role::DgpaOfficer), Just(Role::DgpaAdmin), Just(Role::Service)],
            0..3,
        );
        (1i64..4, agencies, roles).prop_map(|(u, a, r)| actor(u, a, &r))
    }

    proptest! {
        /// No command sequence reaches a state the table does not allow.
        #[test]
        fn every_accepted_command_follows_the_table(
            steps in proptest::collection::vec((any_actor(), any_command()), 1..40),
            personal in any::<bool>(),
        ) {
            let chain = chain_of("NPA");
            let mut app = app();
            app.personal_data.contains = Some(personal);
            let mut state = State::Draft;
            let mut revisions = 0;
            for (who, cmd) in steps {
                let f = RequestFacts { state, chain: &chain, created_by: UserId(DRAFTER), application: &app, revisions, delivered_at: Some(now()), overdue_destructions: &[], has_sample_attachment: false, dictionary: crate::dictionary::Dictionary::builtin(), open_inquiries: &[] };
                let action = cmd.action();
                if let Ok(out) = decide(&f, &who, cmd, now()) {
                    prop_assert!(!state.is_terminal(), "terminal {state:?} accepted {action:?}");
                    prop_assert_eq!(Some(out.to), next_state(state, action));
                    if out.freeze_revision {
                        revisions += 1;
                    }
                    state = out.to;
                }
            }
        }

        /// Terminal states accept nothing, whoever asks.
        #[test]
        fn terminal_states_accept_nothing(who in any_actor(), cmd in any_command(), s in prop_oneof![Just(State::Closed), Just(State::Rejected), Just(State::Withdrawn)]) {
            let chain = chain_of("NPA");
            let app = app();
            let f = RequestFacts { state: s, chain: &chain, created_by: UserId(DRAFTER), application: &app, revisions: 1, delivered_at: None, overdue_destructions: &[], has_sample_attachment: false, dictionary: crate::dictionary::Dictionary::builtin(), open_inquiries: &[] };
            let action = cmd.action();
            prop_assert_eq!(decide(&f, &who, cmd, now()), Err(Refusal::NotInState { action, state: s }));
        }
    }

    #[test]
    fn the_table_has_no_exit_from_terminal_states() {
        for s in State::ALL {
            assert_eq!(s.is_terminal(), allowed_actions(s).is_empty(), "{s:?}");
        }
    }
}
