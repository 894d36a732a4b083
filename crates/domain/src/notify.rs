//! Who is told of what: the webhook event names of the lifecycle's events and the
//! people a state change concerns, with the e-mail they get (zh-TW, English below).

use crate::ids::Role;
use crate::lifecycle::{EventKind, State};
use crate::message::Text;

/// Every webhook event type of a request; `*` subscribes to all of them.
pub const WEBHOOK_EVENTS: [&str; 25] = [
    "request.created",
    "request.edited",
    "request.submitted",
    "request.withdrawn",
    "request.approved",
    "request.returned",
    "request.rejected",
    "request.accepted",
    "request.taken",
    "request.delivered",
    "request.destruction_recorded",
    "request.acknowledged",
    "request.held",
    "request.resumed",
    "request.rerated",
    "request.reassigned",
    "request.registered_from_paper",
    "request.marked_personal",
    "request.review_requested",
    "request.file_approved",
    "request.message_posted",
    "request.extension_requested",
    "request.extension_approved",
    "request.extension_refused",
    "request.supervisor_changed",
];

/// The webhook event types of field questions (rule 7), subscribed to by name: their
/// body names a question, not a request (`WebhookInquiryEvent`), so `*`, which a
/// subscriber before contract 1.11.0 chose for request events, does not bring them.
pub const INQUIRY_WEBHOOK_EVENTS: [&str; 3] = ["inquiry.asked", "inquiry.replied", "inquiry.closed"];

/// Whether `event` is a type a subscription may name (`*` aside).
pub fn is_webhook_event(event: &str) -> bool {
    WEBHOOK_EVENTS.contains(&event) || INQUIRY_WEBHOOK_EVENTS.contains(&event)
}

/// The webhook event type of a lifecycle event. Returns by the supervisor and by
/// DGPA are both `request.returned` (the payload's `event` tells which), likewise
/// rejections.
pub fn webhook_event(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Created => "request.created",
        EventKind::Edited => "request.edited",
        EventKind::Submitted => "request.submitted",
        EventKind::Withdrawn => "request.withdrawn",
        EventKind::SupervisorApproved => "request.approved",
        EventKind::SupervisorReturned | EventKind::DgpaReturned => "request.returned",
        EventKind::SupervisorRejected | EventKind::DgpaRejected => "request.rejected",
        EventKind::DgpaAccepted => "request.accepted",
        EventKind::Taken => "request.taken",
        EventKind::Delivered => "request.delivered",
        EventKind::DestructionRecorded => "request.destruction_recorded",
        EventKind::Acknowledged => "request.acknowledged",
        EventKind::Held => "request.held",
        EventKind::Resumed => "request.resumed",
        EventKind::Rerated => "request.rerated",
        EventKind::Reassigned => "request.reassigned",
        EventKind::RegisteredFromPaper => "request.registered_from_paper",
        EventKind::MarkedPersonal => "request.marked_personal",
        EventKind::ReviewRequested => "request.review_requested",
        EventKind::FileApproved => "request.file_approved",
        EventKind::MessagePosted => "request.message_posted",
        EventKind::ExtensionRequested => "request.extension_requested",
        EventKind::ExtensionApproved => "request.extension_approved",
        EventKind::ExtensionRefused => "request.extension_refused",
        EventKind::SupervisorChanged => "request.supervisor_changed",
    }
}

/// What a webhook event type means, in words (zh-TW, English), for the people who choose
/// the events a subscription gets; `None` for a type statreq does not send.
pub fn webhook_event_label(event: &str) -> Option<Text> {
    let (zh, en) = match event {
        "request.created" => ("案件建立", "a request is created"),
        "request.edited" => ("申請內容修改", "an application is edited"),
        "request.submitted" => ("申請送出（待主管機關審核）", "an application is submitted (to its supervising agency)"),
        "request.withdrawn" => ("申請撤回", "an application is withdrawn"),
        "request.approved" => ("主管機關核可，送人事總處", "the supervising agency approves (on to DGPA)"),
        "request.returned" => ("退回補正（主管機關或人事總處）", "returned for correction (by the supervising agency or DGPA)"),
        "request.rejected" => ("駁回（主管機關或人事總處）", "rejected (by the supervising agency or DGPA)"),
        "request.accepted" => ("人事總處受理並排程", "DGPA accepts and queues it"),
        "request.taken" => ("承辦人開始作業", "a DGPA officer takes it up"),
        "request.delivered" => ("成果交付", "results are delivered"),
        "request.destruction_recorded" => ("登錄個人資料銷毀", "destruction of personal data is recorded"),
        "request.acknowledged" => ("確認收受並結案", "receipt is acknowledged and it closes"),
        "request.held" => ("暫停處理", "put on hold"),
        "request.resumed" => ("恢復排程", "back in the queue"),
        "request.rerated" => ("重新評定難易度", "difficulty rated again"),
        "request.reassigned" => ("改派承辦人", "given to another officer"),
        "request.registered_from_paper" => ("紙本或電子郵件申請經登錄", "a paper or e-mail application is registered"),
        "request.marked_personal" => ("認定涉及個人資料", "found to involve personal data"),
        "request.review_requested" => ("成果檔待覆核（四眼原則）", "a result file awaits a second check (four eyes)"),
        "request.file_approved" => ("成果檔已覆核", "a result file passes its second check"),
        "request.message_posted" => ("案件留言（釐清問題）", "a message on a request's thread (clarification)"),
        "request.extension_requested" => ("申請延長個人資料保存期限", "a longer retention of personal data is asked for"),
        "request.extension_approved" => ("延長保存期限經同意", "a longer retention is approved"),
        "request.extension_refused" => ("延長保存期限未獲同意", "a longer retention is refused"),
        "request.supervisor_changed" => (
            "機關調整，待審核之申請改由新的主管機關審核",
            "an agency moved: an application awaiting review goes to another supervising agency",
        ),
        "inquiry.asked" => ("提出欄位疑義", "a field question is asked"),
        "inquiry.replied" => ("欄位疑義有新回覆（答復或補充）", "a field question gets a reply (an answer or a follow-up)"),
        "inquiry.closed" => ("欄位疑義結案", "a field question is closed"),
        _ => return None,
    };
    Some(Text::new(zh, en))
}

/// Whether a subscription to `subscribed` (event types or `*`) wants `event`: `*`
/// stands for every request event; a question's events come only by name.
pub fn subscribed_to(subscribed: &[String], event: &str) -> bool {
    subscribed.iter().any(|s| s == event || (s == "*" && WEBHOOK_EVENTS.contains(&event)))
}

/// Whom an event concerns, for e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The applicant's personnel office: the request's creator and its contact.
    ApplicantOffice,
    /// Reviewers at the supervising agency's personnel office.
    Supervisors,
    /// DGPA's case officers.
    Dgpa,
    /// The DGPA case officer who took the work (messages once it is taken).
    Assignee,
}

/// The applicant's office hears of returns, decisions, the start of the work and
/// delivery; the supervisor of a submission (rule 5.2) and of DGPA returning or
/// rejecting what it approved; DGPA of an approval that reaches it; an officer of work
/// given to them.
pub fn audience(kind: EventKind) -> &'static [Audience] {
    match kind {
        EventKind::Submitted => &[Audience::Supervisors],
        // Its supervising agency approved what DGPA sends back (online, or on the paper
        // form's sign-off) and learns what DGPA expects.
        EventKind::DgpaReturned | EventKind::DgpaRejected => &[Audience::ApplicantOffice, Audience::Supervisors],
        EventKind::ReviewRequested => &[Audience::Dgpa],
        EventKind::SupervisorApproved => &[Audience::ApplicantOffice, Audience::Dgpa],
        EventKind::ExtensionRequested => &[Audience::Dgpa],
        EventKind::ExtensionApproved | EventKind::ExtensionRefused => &[Audience::ApplicantOffice],
        // The office learns who now reviews its application; the reviewers it came to
        // and left are told apart, each in their own words (the notification worker).
        EventKind::SupervisorChanged => &[Audience::ApplicantOffice],
        EventKind::SupervisorReturned
        | EventKind::SupervisorRejected
        | EventKind::DgpaAccepted
        | EventKind::Held
        | EventKind::Resumed
        | EventKind::RegisteredFromPaper
        | EventKind::MarkedPersonal
        | EventKind::Delivered => &[Audience::ApplicantOffice],
        EventKind::Created | EventKind::Edited | EventKind::DestructionRecorded | EventKind::Acknowledged | EventKind::Rerated => &[],
        // The officer whose work it is waited on a colleague's check (four eyes) before
        // the file may go out; at most, [`concerned`] says whom one approval concerns.
        EventKind::FileApproved => &[Audience::Assignee, Audience::Dgpa],
        // The officer the work was given to (and, once work begins, the office).
        EventKind::Reassigned => &[Audience::Assignee],
        EventKind::Taken => &[Audience::ApplicantOffice, Audience::Assignee],
        // At most; [`concerned`] says whom one withdrawal or message concerns.
        EventKind::Withdrawn => &[Audience::Supervisors, Audience::Dgpa],
        EventKind::MessagePosted => &[Audience::ApplicantOffice, Audience::Supervisors, Audience::Dgpa],
    }
}

/// What whom an event concerns depends on besides its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    /// The side the event's author speaks for ([`side_of`]); `None` when unknown.
    pub author: Option<Audience>,
    /// The state the request left.
    pub from: Option<State>,
    /// Submitted at least once: its supervising agency has it.
    pub submitted: bool,
    /// It reached DGPA.
    pub reached_dgpa: bool,
    /// A DGPA officer who can still act took the work (one whose account was
    /// disabled, or who is no longer a case officer, counts as none).
    pub assigned: bool,
}

/// Whom one event concerns: [`audience`] of its kind, narrowed for a withdrawal (the
/// side that had the application: its supervising agency, or DGPA — the officer who
/// took it, or every case officer), a file's approval (the officer whose work it is, or
/// every case officer while it is nobody's) and a message ([`message_audience`]).
pub fn concerned(kind: EventKind, s: &Situation) -> Vec<Audience> {
    match kind {
        EventKind::Withdrawn => match s.from {
            Some(State::PendingSupervisor) => vec![Audience::Supervisors],
            Some(State::PendingDgpa | State::Queued | State::OnHold | State::InProduction) => {
                vec![if s.assigned { Audience::Assignee } else { Audience::Dgpa }]
            }
            _ => Vec::new(),
        },
        EventKind::FileApproved => vec![if s.assigned { Audience::Assignee } else { Audience::Dgpa }],
        EventKind::MessagePosted => match s.author {
            Some(author) => message_audience(author, s.submitted, s.reached_dgpa, s.assigned),
            None => Vec::new(),
        },
        other => audience(other).to_vec(),
    }
}

/// The side a message's author speaks for: the applying office (its own agency's
/// people), DGPA, or the supervising agency. An agency directly under DGPA reviews its
/// own office's applications (rule 5.1): there a reviewer who did not write the
/// application (`wrote_it`) speaks for the supervising agency, though one agency.
pub fn side_of(
    author_agency: &crate::AgencyCode,
    author_roles: crate::RoleSet,
    request: &crate::lifecycle::AgencyChain,
    wrote_it: bool,
) -> Audience {
    if author_agency == &request.agency {
        let reviews_it = author_roles.has(crate::Role::Supervisor) && request.is_supervised_by(author_agency);
        if reviews_it && !wrote_it {
            Audience::Supervisors
        } else {
            Audience::ApplicantOffice
        }
    } else if author_roles.is_dgpa() {
        Audience::Dgpa
    } else {
        Audience::Supervisors
    }
}

/// Whom a message on a request's thread concerns: every side that has the request
/// before it but the author's own — the applying office always, its supervising
/// agency once it was submitted, DGPA once it reached DGPA (the officer who took the
/// work, or every case officer until one has).
pub fn message_audience(author: Audience, submitted: bool, reached_dgpa: bool, assigned: bool) -> Vec<Audience> {
    let dgpa = if assigned { Audience::Assignee } else { Audience::Dgpa };
    [(Audience::ApplicantOffice, true), (Audience::Supervisors, submitted), (dgpa, reached_dgpa)]
        .into_iter()
        .filter(|(side, concerned)| *concerned && *side != author && !(author == Audience::Dgpa && *side == Audience::Assignee))
        .map(|(side, _)| side)
        .collect()
}

/// An e-mail: subject and plain-text body, Chinese first and English below (stored so
/// in the outbox).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

fn what_happened(kind: EventKind) -> Text {
    let (zh, en) = match kind {
        EventKind::Created => ("已建立", "was created"),
        EventKind::Edited => ("已修改", "was edited"),
        EventKind::Submitted => ("已送出，請主管機關人事機構審核", "was submitted and awaits the supervising agency's review"),
        EventKind::Withdrawn => ("已撤回", "was withdrawn"),
        EventKind::SupervisorApproved => ("經主管機關核可，已送人事總處", "was approved by the supervising agency and sent to DGPA"),
        EventKind::SupervisorReturned => ("經主管機關退回補正", "was returned for correction by the supervising agency"),
        EventKind::SupervisorRejected => ("經主管機關駁回", "was rejected by the supervising agency"),
        EventKind::DgpaAccepted => ("經人事總處受理，已排入作業", "was accepted by DGPA and queued"),
        EventKind::DgpaReturned => ("經人事總處退回補正", "was returned for correction by DGPA"),
        EventKind::DgpaRejected => ("經人事總處駁回", "was rejected by DGPA"),
        EventKind::Taken => ("已由人事總處承辦人開始作業", "was taken up by a DGPA case officer"),
        EventKind::Delivered => ("已交付成果", "was delivered"),
        EventKind::DestructionRecorded => ("已登錄銷毀", "had its destruction recorded"),
        EventKind::Acknowledged => ("已確認收受並結案", "was acknowledged and closed"),
        EventKind::Held => ("經人事總處暫停處理", "was put on hold by DGPA"),
        EventKind::Resumed => ("經人事總處恢復排程", "was put back in DGPA's queue"),
        EventKind::Rerated => ("經人事總處重新評定難易度", "had its difficulty rated again by DGPA"),
        EventKind::Reassigned => ("已改由其他人事總處承辦人作業", "was given to another DGPA case officer"),
        EventKind::MarkedPersonal => (
            "經人事總處認定產製資料涉及個人資料，將加密交付並須於期限內銷毀",
            "was found by DGPA to produce personal data: it will be delivered encrypted and must be destroyed in time",
        ),
        EventKind::ReviewRequested => {
            ("之成果檔待另一位人事總處同仁覆核（四眼原則）", "has a result file waiting for a second DGPA officer's check (four eyes)")
        }
        EventKind::FileApproved => ("之成果檔已經另一位人事總處同仁覆核", "had a result file checked by a second DGPA officer"),
        EventKind::MessagePosted => ("有新的留言", "has a new message on its thread"),
        EventKind::ExtensionRequested => {
            ("申請延長個人資料保存期限，請人事總處決定（第6點）", "asks to keep its personal data longer; DGPA decides (rule 6)")
        }
        EventKind::ExtensionApproved => {
            ("之延長保存期限經人事總處同意，銷毀期限已延後", "may keep its personal data longer: DGPA approved, destroy-by moves")
        }
        EventKind::ExtensionRefused => {
            ("之延長保存期限未獲人事總處同意，銷毀期限不變", "may not keep its personal data longer: DGPA refused, destroy-by stays")
        }
        EventKind::RegisteredFromPaper => {
            ("以紙本或電子郵件申請，經人事總處登錄並送審查", "came on paper or by e-mail and was registered by DGPA for review")
        }
        EventKind::SupervisorChanged => (
            "因機關調整，改由新的主管機關人事機構審核（第5點）",
            "now awaits another supervising agency's review, as an agency moved (rule 5)",
        ),
    };
    Text::new(zh, en)
}

/// Where a notice of one event of request `id` opens, a path of the browser's: the
/// request, at the message for a message (`#msg-{id}`, the thread's entry).
pub fn event_path(kind: EventKind, id: i64, data: &serde_json::Value) -> String {
    match (kind, data.get("message").and_then(serde_json::Value::as_i64)) {
        (EventKind::MessagePosted, Some(message)) => format!("/requests/{id}#msg-{message}"),
        _ => format!("/requests/{id}"),
    }
}

/// The in-app notice of one event of request `id`: "Request #12 「reason」 was …".
pub fn event_notice(kind: EventKind, id: i64, reason: &str) -> Text {
    let what = what_happened(kind);
    let short = crate::application::headline(reason);
    Text::new(format!("案件 #{id}「{short}」{}。", what.zh_tw), format!("Request #{id} \"{short}\" {}.", what.en))
}

/// The e-mail about one event of request `id` (`link` opens it in the browser). The
/// reason as a headline, as in the inbox: one line, so that nothing an applicant wrote
/// stands on a line of its own as if the service said it.
pub fn event_email(kind: EventKind, id: i64, reason: &str, to: State, comment: Option<&str>, link: &str) -> Email {
    let reason = crate::application::headline(reason);
    let what = what_happened(kind);
    let state = to.label();
    let mut body = format!("案件 #{id}「{reason}」{}。\n目前狀態：{}\n", what.zh_tw, state.zh_tw);
    if let Some(c) = comment.filter(|c| !c.trim().is_empty()) {
        body.push_str(&format!("說明：{c}\n"));
    }
    body.push_str(&format!("請至 {link} 查看。\n\n— — —\n\nRequest #{id} \"{reason}\" {}.\nState now: {}\n", what.en, state.en));
    if let Some(c) = comment.filter(|c| !c.trim().is_empty()) {
        body.push_str(&format!("Comment: {c}\n"));
    }
    body.push_str(&format!("Open it at {link}.\n\n{NO_REPLY}\n"));
    Email { subject: subject_line(&Text::new(format!("案件 #{id} {}", what.zh_tw), format!("Request #{id} {}", what.en))), body }
}

/// The reminder that personal data must be destroyed by `destroy_by` (rule 6);
/// `overdue` once the day has passed.
pub fn retention_email(id: i64, reason: &str, destroy_by: chrono::NaiveDate, overdue: bool, link: &str) -> Email {
    let reason = crate::application::headline(reason);
    let roc = format!("民國{}", crate::lifecycle::roc_date(destroy_by));
    let (zh, en) = if overdue {
        (
            format!("案件 #{id}「{reason}」交付之個人資料已逾銷毀期限（{roc}），請即銷毀並登錄；逾期未登錄前，貴機關不得送出新申請（第6點）。"),
            format!("The personal data delivered for request #{id} \"{reason}\" was due for destruction on {destroy_by}. Destroy it and record the destruction now; until then your office cannot submit new applications (rule 6)."),
        )
    } else {
        (
            format!("案件 #{id}「{reason}」交付之個人資料應於 {roc} 前銷毀，並於系統登錄銷毀方式及日期（第6點）。"),
            format!("The personal data delivered for request #{id} \"{reason}\" must be destroyed by {destroy_by} and the destruction recorded (rule 6)."),
        )
    };
    let what = if overdue {
        Text::new("個人資料逾期未銷毀", "destruction overdue")
    } else {
        Text::new("個人資料銷毀期限將屆", "destruction due soon")
    };
    let subject = subject_line(&request_subject(id, &what));
    Email { subject, body: format!("{zh}\n請至 {link} 登錄。\n\n— — —\n\n{en}\nRecord it at {link}.\n") }
}

/// Days before `destroy_by` when the first reminder goes out.
pub const RETENTION_REMINDER_DAYS: i64 = 7;

/// Where delivered personal data stands against its destroy-by day (rule 6): due in
/// 30 days, due in 7, or overdue — each told once.
pub fn destruction_stage(days_left: i64) -> Option<&'static str> {
    match days_left {
        d if d < 0 => Some("overdue"),
        d if d <= RETENTION_REMINDER_DAYS => Some("due_7"),
        d if d <= 30 => Some("due_30"),
        _ => None,
    }
}

/// The in-app notice of a destruction stage.
pub fn destruction_notice(id: i64, destroy_by: chrono::NaiveDate, stage: &str) -> Text {
    let roc = crate::lifecycle::roc_date(destroy_by);
    match stage {
        "overdue" => Text::new(
            format!("案件 #{id} 交付之個人資料已逾銷毀期限（{roc}），請即銷毀並登錄（第6點）。"),
            format!("Request #{id}: the personal data delivered was due for destruction on {destroy_by}; destroy it and record it now (rule 6)."),
        ),
        _ => Text::new(
            format!("案件 #{id} 交付之個人資料應於{roc}前銷毀並登錄（第6點）。"),
            format!("Request #{id}: the personal data delivered must be destroyed by {destroy_by} and the destruction recorded (rule 6)."),
        ),
    }
}

/// The notice to a supervising office whose agency has not destroyed data in time,
/// or to whoever a waiting request is escalated to.
pub fn escalation_notice(id: i64, what: Escalation) -> Text {
    match what {
        Escalation::DestructionOverdue { agency } => Text::new(
            format!("所屬機關 {agency} 之案件 #{id} 個人資料已逾銷毀期限未登錄，請督促辦理（第6點）。"),
            format!("Request #{id} of {agency}, an agency you supervise, is past its destruction date without a record: please follow up (rule 6)."),
        ),
        Escalation::WaitingOnSupervisor { working_days } => Text::new(
            format!("案件 #{id} 待主管機關審核已逾 {working_days} 個工作日，請儘早審核（第5點第1款）。"),
            format!("Request #{id} has waited {working_days} working days for the supervising agency's review (rule 5.1)."),
        ),
        Escalation::NoReviewer { working_days, agency } => Text::new(
            format!("案件 #{id} 待主管機關審核已逾 {working_days} 個工作日，而 {agency} 之主管機關尚無可審核之帳號，請協助聯繫（第5點第1款）。"),
            format!("Request #{id} has waited {working_days} working days for the supervising agency's review, and {agency}'s supervising agency has no account that can review it: please get in touch (rule 5.1)."),
        ),
    }
}

/// The notice to a supervising agency's reviewers of an application that now awaits
/// them because `agency` (the applicant's, or one above it) moved under `parent`
/// (rule 5.1): they were not told when it was submitted.
pub fn review_moved_notice(id: i64, agency: &str, parent: &str) -> Text {
    Text::new(
        format!("案件 #{id} 因{agency}改隸{parent}，改由貴機關審核（第5點第1款）。"),
        format!("Request #{id} now awaits your review: {agency} has moved under {parent} (rule 5.1)."),
    )
}

/// The notice to the reviewers an application left when `agency` moved under `parent`
/// (rule 5.1): it no longer awaits them (nor may they open it); `reviewer` decides now.
pub fn review_left_notice(id: i64, agency: &str, parent: &str, reviewer: &str) -> Text {
    Text::new(
        format!("案件 #{id} 因{agency}改隸{parent}，改由{reviewer}審核，貴機關毋須再審（第5點第1款）。"),
        format!("Request #{id} no longer awaits your review: {agency} has moved under {parent}, and {reviewer} reviews it now (rule 5.1)."),
    )
}

/// What is escalated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escalation {
    DestructionOverdue {
        agency: String,
    },
    WaitingOnSupervisor {
        working_days: i64,
    },
    /// Waiting, and nobody of its supervising agencies has an account that may review
    /// it: told to DGPA at the first escalation instead of the second.
    NoReviewer {
        working_days: i64,
        agency: String,
    },
}

impl Escalation {
    /// The few words an e-mail's subject gives it, after the request's number.
    pub fn headline(&self) -> Text {
        match self {
            Escalation::DestructionOverdue { .. } => {
                Text::new("所屬機關個人資料逾期未銷毀", "an agency you supervise has not destroyed personal data in time")
            }
            Escalation::WaitingOnSupervisor { .. } => {
                Text::new("待主管機關審核逾時", "waiting too long for the supervising agency's review")
            }
            Escalation::NoReviewer { .. } => {
                Text::new("待審核逾時，主管機關尚無審核帳號", "waiting for review, with nobody at the supervising agency to review it")
            }
        }
    }
}

/// The subject's few words of [`review_moved_notice`].
pub fn review_moved_headline() -> Text {
    Text::new("改由貴機關審核", "now awaits your review")
}

/// The subject's few words of [`review_left_notice`].
pub fn review_left_headline() -> Text {
    Text::new("改由他機關審核，貴機關毋須再審", "no longer awaits your review")
}

/// An e-mail's subject line: the service's name, then `subject` in zh-TW and English.
const SUBJECT_PREFIX: &str = "[人事資料統計服務] ";

/// The line an e-mail ends with.
const NO_REPLY: &str =
    "（本信由人事資料統計服務自動寄送，請勿直接回覆。This message was sent by the statistics service; please do not reply.）";

fn subject_line(subject: &Text) -> String {
    format!("{SUBJECT_PREFIX}{} / {}", subject.zh_tw, subject.en)
}

/// Several e-mails to one person as one (a hand-over of thirty requests, a supervisor
/// approving a morning's applications): each under its own subject, in the order given,
/// the closing line once; the subject names the requests they are `about` (up to five).
/// One e-mail is itself.
pub fn digest_email(mails: &[Email], about: &[i64]) -> Email {
    if let [one] = mails {
        return one.clone();
    }
    let n = mails.len();
    let mut ids = about.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let subject = match ids.len() {
        1..=5 => {
            let listed = |sep: &str| ids.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(sep);
            let plural = if ids.len() == 1 { "request" } else { "requests" };
            Text::new(format!("{n} 則通知：案件 {}", listed("、")), format!("{n} notices: {plural} {}", listed(", ")))
        }
        _ => Text::new(format!("{n} 則通知"), format!("{n} notices")),
    };
    let mut body = format!("以下是 {n} 則通知，依先後排列。\nThe {n} notices below are in the order they came.\n");
    for (i, m) in mails.iter().enumerate() {
        let subject = m.subject.strip_prefix(SUBJECT_PREFIX).unwrap_or(&m.subject);
        let text = m.body.trim_end().strip_suffix(NO_REPLY).unwrap_or(&m.body).trim_end();
        body.push_str(&format!("\n【{}/{n}】{subject}\n{text}\n", i + 1));
    }
    body.push_str(&format!("\n{NO_REPLY}\n"));
    Email { subject: subject_line(&subject), body }
}

/// An e-mail subject about request `id`: its number, then what `headline` says of it.
pub fn request_subject(id: i64, headline: &Text) -> Text {
    Text::new(format!("案件 #{id} {}", headline.zh_tw), format!("Request #{id}: {}", headline.en))
}

/// Whom a request waiting `working_days` on its supervisor is escalated to: nobody
/// before `first`, its supervisors from then, DGPA as well after `first + then_dgpa` —
/// or from `first` already when its supervising agencies have nobody who may review it
/// (`has_reviewers` false: a reminder would reach no one).
pub fn supervisor_escalation(working_days: i64, first: i64, then_dgpa: i64, has_reviewers: bool) -> (bool, bool) {
    let due = working_days > first;
    (due, working_days > first + then_dgpa || (due && !has_reviewers))
}

/// The notice kinds a person may also have e-mailed (in-app they always arrive), as
/// `GET /me/notification-settings` lists them.
pub fn email_kinds() -> Vec<String> {
    let mut kinds: Vec<String> = crate::lifecycle::EventKind::ALL
        .into_iter()
        .filter(|k| !audience(*k).is_empty())
        .map(|k| format!("request_{}", k.as_str()))
        .collect();
    kinds.extend(["destruction_due", "destruction_overdue", "escalation"].map(String::from));
    kinds.extend(INQUIRY_NOTICES.map(String::from));
    kinds.push(CALENDAR_MISSING.to_string());
    kinds
}

/// The notice to DGPA's administrators of a year without an office calendar
/// (`calendar::years_to_set`).
pub const CALENDAR_MISSING: &str = "calendar_missing";

/// The notice kinds that may come to someone holding `roles`, in the order of a
/// request's life, then reminders and field questions: what their settings screen
/// offers (the office's applicants hear of their requests and reminders; supervisors of
/// reviews and escalations; DGPA's case officers of arrivals, their work and
/// escalations; both sides of field questions; DGPA's administrators of a year
/// without an office calendar).
pub fn email_kinds_for(roles: &crate::RoleSet) -> Vec<String> {
    let mut sides = Vec::new();
    if roles.has(Role::Applicant) {
        sides.push(Audience::ApplicantOffice);
    }
    if roles.has(Role::Supervisor) {
        sides.push(Audience::Supervisors);
    }
    if roles.has(Role::DgpaOfficer) {
        sides.extend([Audience::Dgpa, Audience::Assignee]);
    }
    let mut kinds: Vec<String> = crate::lifecycle::EventKind::ALL
        .into_iter()
        .filter(|k| audience(*k).iter().any(|a| sides.contains(a)))
        .map(|k| format!("request_{}", k.as_str()))
        .collect();
    let office = roles.has(Role::Applicant);
    let asks = office || roles.has(Role::Supervisor);
    let others: [(&str, bool); 9] = [
        ("destruction_due", office),
        ("destruction_overdue", office),
        ("escalation", roles.has(Role::Supervisor) || roles.has(Role::DgpaOfficer)),
        ("inquiry_created", roles.has(Role::DgpaOfficer)),
        ("inquiry_followed_up", roles.has(Role::DgpaOfficer)),
        ("inquiry_answered", asks),
        ("inquiry_closed", asks),
        ("faq_published", asks),
        (CALENDAR_MISSING, roles.has(Role::DgpaAdmin)),
    ];
    kinds.extend(others.into_iter().filter(|(_, theirs)| *theirs).map(|(k, _)| k.to_string()));
    kinds
}

/// The notices of field questions (rule 7): a question asked or followed up (to DGPA's
/// officers), answered or closed by DGPA, an answer published to a field's FAQ (to the
/// person who asked).
pub const INQUIRY_NOTICES: [&str; 5] = ["inquiry_created", "inquiry_followed_up", "inquiry_answered", "inquiry_closed", "faq_published"];

/// A notice's e-mail where its kind has no wording of its own: the notice and where
/// to open it, Chinese first and English below.
pub fn notice_email(subject: &Text, text: &Text, url: &str) -> Email {
    Email {
        subject: subject_line(subject),
        body: format!("{}\n請至 {url} 查看。\n\n— — —\n\n{}\nOpen it at {url}.\n", text.zh_tw, text.en),
    }
}

/// What a notice kind is about, for the settings screen.
pub fn email_kind_label(kind: &str) -> Text {
    match kind {
        "destruction_due" => Text::new("個人資料銷毀期限將屆（30日、7日前）", "Destruction of personal data due (30 and 7 days before)"),
        "destruction_overdue" => Text::new("個人資料逾期未銷毀", "Destruction of personal data overdue"),
        "escalation" => Text::new("逾期未處理之提醒（主管機關審核、所屬機關銷毀）", "Escalations (reviews waiting, destructions overdue)"),
        "inquiry_created" => Text::new("新的欄位疑義（人事總處）", "A new field question (DGPA)"),
        "inquiry_followed_up" => Text::new("欄位疑義有新的補充（人事總處）", "A follow-up on a field question (DGPA)"),
        "inquiry_answered" => Text::new(
            "欄位疑義已獲答復（您提出的，或您審核中案件的）",
            "A field question answered (yours, or one about a request you review)",
        ),
        "inquiry_closed" => Text::new("您的欄位疑義經人事總處結案", "Your field question closed by DGPA"),
        "faq_published" => Text::new("您的疑義已發布至欄位常見問答", "Your question published to a field's FAQ"),
        CALENDAR_MISSING => {
            Text::new("尚未設定今年或明年的辦公日曆（人事總處管理者）", "This or next year's office calendar not set (DGPA administrators)")
        }
        other => match other.strip_prefix("request_").and_then(crate::lifecycle::EventKind::parse) {
            Some(k) => {
                let what = what_happened(k);
                Text::new(format!("案件{}", what.zh_tw), format!("A request {}", what.en))
            }
            None => Text::new(other, other),
        },
    }
}

/// Whether a person's settings (`{"kind": false}` turns a kind off) want `kind` by e-mail.
pub fn wants_email(settings: &serde_json::Value, kind: &str) -> bool {
    settings.get(kind).and_then(|v| v.as_bool()).unwrap_or(true)
}

/// A person's settings with `email` and `inbox` (kind → on) changed; kinds not named
/// keep their setting.
pub fn with_changes(
    settings: &serde_json::Value,
    email: &std::collections::BTreeMap<String, bool>,
    inbox: &std::collections::BTreeMap<String, bool>,
) -> serde_json::Value {
    use serde_json::Value;
    let mut out = settings.as_object().cloned().unwrap_or_default();
    for (k, on) in email {
        out.insert(k.clone(), Value::Bool(*on));
    }
    if !inbox.is_empty() {
        let mut kept = out.get("inbox").and_then(Value::as_object).cloned().unwrap_or_default();
        for (k, on) in inbox {
            kept.insert(k.clone(), Value::Bool(*on));
        }
        out.insert("inbox".into(), Value::Object(kept));
    }
    Value::Object(out)
}

/// Whether DGPA's answer to a field question about a request in `state` is told to the
/// reviewers of its supervising agency too: while the request awaits them, since they
/// approve once the question is settled (rule 7); a draft is nobody's to review, and
/// past their decision it is no longer theirs.
pub fn answer_concerns_reviewers(state: State) -> bool {
    state == State::PendingSupervisor
}

/// The notices that always arrive in the in-app inbox, whatever one's settings: what
/// rule 6 obliges an office to do (destroy delivered personal data in time) and work
/// left waiting beyond its time, and a year without the office calendar by which that
/// time is counted. The others a person may keep out of the inbox (a DGPA
/// officer who works from the queue needs no notice of each arrival).
pub const INBOX_ALWAYS: [&str; 4] = ["destruction_due", "destruction_overdue", "escalation", CALENDAR_MISSING];

/// Whether a person's settings (`{"inbox": {"kind": false}}` keeps a kind out) want
/// `kind` in the in-app inbox.
pub fn wants_inbox(settings: &serde_json::Value, kind: &str) -> bool {
    INBOX_ALWAYS.contains(&kind) || settings.get("inbox").and_then(|i| i.get(kind)).and_then(|v| v.as_bool()).unwrap_or(true)
}

#[cfg(test)]
mod tests;
