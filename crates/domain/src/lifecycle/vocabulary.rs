//! The words of the lifecycle: its states, the commands people give and the
//! actions they stand for, and the events recorded. The table that connects them
//! and the decision are in `lifecycle`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{Difficulty, UserId};
use crate::message::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    PendingSupervisor,
    PendingDgpa,
    Queued,
    /// Held by DGPA out of the order, with a reason; its wait is paused.
    OnHold,
    InProduction,
    Delivered,
    Closed,
    Returned,
    Rejected,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 11] = [
        State::Draft,
        State::PendingSupervisor,
        State::PendingDgpa,
        State::Queued,
        State::OnHold,
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
            State::OnHold => "on_hold",
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
            State::OnHold => ("暫停處理", "on hold"),
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

/// How an application reached statreq: online, or on paper or by e-mail and
/// registered by a DGPA officer (rule 5.2's fallback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Paper,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Paper => "paper",
            Channel::Email => "email",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        [Channel::Web, Channel::Paper, Channel::Email].into_iter().find(|c| c.as_str() == raw)
    }
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
        /// Why a return or rejection (`other` when not given); none when accepting.
        reason: Option<crate::outcome::OutcomeReason>,
        /// The catalog entry that already has the data, with `available_in_existing_source`.
        source_id: Option<String>,
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
        /// Statistical tables whose small cells are neither replaced nor accepted.
        undisclosed: usize,
    },
    RecordDestruction {
        destroyed_on: NaiveDate,
        method: String,
    },
    Acknowledge,
    /// Take queued work out of the order for a reason (DGPA); its wait pauses.
    Hold {
        reason: String,
    },
    /// Put held work back in the order (DGPA).
    Resume,
    /// Rate the difficulty again, with a reason (DGPA, rule 5.3); the order changes.
    Rerate {
        difficulty: Difficulty,
        reason: String,
    },
    /// Give work in production to another officer (DGPA).
    Assign {
        assignee: UserId,
        reason: Option<String>,
    },
    /// Mark the data produced as personal (DGPA), with a reason and a retention:
    /// encryption, four eyes and destruction then apply (rules 3, 6).
    MarkPersonal {
        reason: String,
        retention_days: u32,
    },
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
    Hold,
    Resume,
    Rerate,
    Assign,
    MarkPersonal,
}

impl Action {
    pub const ALL: [Action; 18] = [
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
        Action::Hold,
        Action::Resume,
        Action::Rerate,
        Action::Assign,
        Action::MarkPersonal,
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
            Action::Hold => "hold",
            Action::Resume => "resume",
            Action::Rerate => "rerate",
            Action::Assign => "assign",
            Action::MarkPersonal => "mark_personal",
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
            Command::Hold { .. } => Action::Hold,
            Command::Resume => Action::Resume,
            Command::Rerate { .. } => Action::Rerate,
            Command::Assign { .. } => Action::Assign,
            Command::MarkPersonal { .. } => Action::MarkPersonal,
        }
    }
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
    Held,
    Resumed,
    Rerated,
    Reassigned,
    /// An application on paper or by e-mail registered with its supervisor's approval.
    RegisteredFromPaper,
    /// DGPA marked the data produced as personal.
    MarkedPersonal,
    /// The officer who uploaded a file asks the other officers to check it (four eyes);
    /// the request's state does not change.
    ReviewRequested,
    /// A second officer checked and approved a file for release (four eyes).
    FileApproved,
    /// Someone posted on the request's thread (its `data.message` names the message);
    /// the request's state does not change.
    MessagePosted,
    /// The applying office asks to keep delivered personal data longer (rule 6): the
    /// days in `data.days`, the reason as the comment; the state stays.
    ExtensionRequested,
    /// DGPA approves the longer retention (`data.days`); destroy-by moves.
    ExtensionApproved,
    /// DGPA refuses the longer retention, saying why (the comment).
    ExtensionRefused,
    /// An application awaiting its supervising agency's review (rule 5.1) now awaits
    /// other reviewers, because an agency of its chain moved under another supervising
    /// agency: `data` names the agency that moved and where (`agency`, `parent`) and the
    /// reviewing agencies before and after (`from`, `to`); the state stays.
    SupervisorChanged,
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
            EventKind::Held => "held",
            EventKind::Resumed => "resumed",
            EventKind::Rerated => "rerated",
            EventKind::Reassigned => "reassigned",
            EventKind::RegisteredFromPaper => "registered_from_paper",
            EventKind::MarkedPersonal => "marked_personal",
            EventKind::ReviewRequested => "review_requested",
            EventKind::FileApproved => "file_approved",
            EventKind::MessagePosted => "message_posted",
            EventKind::ExtensionRequested => "extension_requested",
            EventKind::ExtensionApproved => "extension_approved",
            EventKind::ExtensionRefused => "extension_refused",
            EventKind::SupervisorChanged => "supervisor_changed",
        }
    }

    /// Every event kind.
    pub const ALL: [EventKind; 27] = [
        EventKind::Created,
        EventKind::Edited,
        EventKind::Submitted,
        EventKind::Withdrawn,
        EventKind::SupervisorApproved,
        EventKind::SupervisorReturned,
        EventKind::SupervisorRejected,
        EventKind::DgpaAccepted,
        EventKind::DgpaReturned,
        EventKind::DgpaRejected,
        EventKind::Taken,
        EventKind::Delivered,
        EventKind::DestructionRecorded,
        EventKind::Acknowledged,
        EventKind::Held,
        EventKind::Resumed,
        EventKind::Rerated,
        EventKind::Reassigned,
        EventKind::RegisteredFromPaper,
        EventKind::MarkedPersonal,
        EventKind::ReviewRequested,
        EventKind::FileApproved,
        EventKind::MessagePosted,
        EventKind::ExtensionRequested,
        EventKind::ExtensionApproved,
        EventKind::ExtensionRefused,
        EventKind::SupervisorChanged,
    ];

    /// DGPA's own work on a file: told to DGPA's officers, never to other systems' webhooks.
    pub fn internal(self) -> bool {
        matches!(self, EventKind::ReviewRequested | EventKind::FileApproved)
    }

    pub fn parse(raw: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub(crate) fn of(action: Action) -> EventKind {
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
            Action::Hold => EventKind::Held,
            Action::Resume => EventKind::Resumed,
            Action::Rerate => EventKind::Rerated,
            Action::Assign => EventKind::Reassigned,
            Action::MarkPersonal => EventKind::MarkedPersonal,
        }
    }
}
