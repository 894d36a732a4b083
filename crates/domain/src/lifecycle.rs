//! The request lifecycle of rule 5 (DESIGN.md, "The request lifecycle"): one
//! exhaustive state enum, one transition table, one decision function.
//!
//! ```text
//! draft ──submit──▶ pending_supervisor ──approve──▶ pending_dgpa ──accept──▶ queued ──take──▶ in_production
//!   ▲                  │ return │ reject                │ return │ reject                            │ deliver
//!   └──── returned ◀───┘        ▼                       ▼        ▼                                   ▼
//!                            rejected                returned  rejected         closed ◀── destruction / acknowledge ── delivered
//! withdraw: from draft, returned, pending_*, queued, on_hold ──▶ withdrawn
//! corrections by DGPA after acceptance: return / reject also from queued, on_hold and
//! in_production; hold (queued ──▶ on_hold, leaving the order, its wait paused) and
//! resume; re-rate the difficulty; reassign the work in production.
//! ```

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::application::Application;
use crate::eligibility::{self, EligibilityContext};
use crate::ids::{AgencyCode, Difficulty, Role, RoleSet, UserId};

mod guidance;
mod refusal;
mod tree;
mod vocabulary;
pub use guidance::next_step;
pub use refusal::Refusal;
pub use tree::{
    chain_in, check_placement, joined_and_left, review_moved, subtree, subtrees, tree_problem, AgencyChain, PlacementError, ReviewMoved,
    TreeLinks, MAX_DEPTH,
};

pub use vocabulary::{Action, Channel, Command, Decision, DgpaDecision, EventKind, State};

/// The transition table: the one place that says which action leads where.
pub fn next_state(from: State, action: Action) -> Option<State> {
    use Action as A;
    use State as S;
    Some(match (from, action) {
        (S::Draft, A::Edit) => S::Draft,
        (S::Returned, A::Edit) => S::Returned,
        (S::Draft | S::Returned, A::Submit) => S::PendingSupervisor,
        (S::Draft | S::Returned | S::PendingSupervisor | S::PendingDgpa | S::Queued | S::OnHold, A::Withdraw) => S::Withdrawn,
        (S::PendingSupervisor, A::SupervisorApprove) => S::PendingDgpa,
        (S::PendingSupervisor, A::SupervisorReturn) => S::Returned,
        (S::PendingSupervisor, A::SupervisorReject) => S::Rejected,
        (S::PendingDgpa, A::DgpaAccept) => S::Queued,
        (S::PendingDgpa | S::Queued | S::OnHold | S::InProduction, A::DgpaReturn) => S::Returned,
        (S::PendingDgpa | S::Queued | S::OnHold | S::InProduction, A::DgpaReject) => S::Rejected,
        (S::Queued, A::Take) => S::InProduction,
        (S::Queued, A::Hold) => S::OnHold,
        (S::OnHold, A::Resume) => S::Queued,
        (S::Queued | S::OnHold | S::InProduction, A::Rerate) => from,
        (S::InProduction, A::Assign) => S::InProduction,
        (S::Queued | S::OnHold | S::InProduction, A::MarkPersonal) => from,
        (S::InProduction, A::Deliver) => S::Delivered,
        (S::Delivered, A::RecordDestruction | A::Acknowledge) => S::Closed,
        _ => return None,
    })
}

/// The actions the table allows from a state (before role and data checks).
pub fn allowed_actions(from: State) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| next_state(from, *a).is_some()).collect()
}

/// Whether the application can still change: edited by its office, or sent back by a
/// reviewer (rule 5.1 by the supervising agency, rule 5.3 by DGPA, up to production).
/// Once delivered or ended it cannot, and its check (rule 4's sources, the personal-data
/// notes) is advice nobody can follow any more.
pub fn application_may_change(from: State) -> bool {
    [Action::Edit, Action::SupervisorReturn, Action::DgpaReturn].into_iter().any(|a| next_state(from, a).is_some())
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub agency: AgencyCode,
    pub roles: RoleSet,
}

/// What the rules need to know about a request.
#[derive(Debug, Clone)]
pub struct RequestFacts<'a> {
    pub state: State,
    /// The DGPA officer its production is given to, once taken.
    pub assignee: Option<UserId>,
    /// Its difficulty, once DGPA accepted it (rule 5.3).
    pub difficulty: Option<Difficulty>,
    pub chain: &'a AgencyChain,
    pub created_by: UserId,
    /// Everyone who edited or submitted the application, besides its creator:
    /// none of them decides on it at any step (separation of duties).
    pub authors: &'a [UserId],
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

impl RequestFacts<'_> {
    /// Created, edited or submitted the application.
    pub fn drafted_by(&self, user: UserId) -> bool {
        self.created_by == user || self.authors.contains(&user)
    }
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
    /// The application as DGPA amended it (marking produced data as personal), to store.
    pub amended: Option<Application>,
}

/// The day by which delivered personal data must be destroyed (rule 6): delivery
/// plus the retention stated, plus any extension DGPA approved (`extra_days`).
pub fn destroy_by(app: &Application, delivered_at: Option<DateTime<Utc>>, extra_days: u32) -> Option<NaiveDate> {
    let days = app.personal_data.retention_days.filter(|_| app.declares_personal_data())?;
    Some(taiwan_date(delivered_at?) + Duration::days(i64::from(days) + i64::from(extra_days)))
}

/// Past its destroy-by day and not yet recorded as destroyed.
pub fn destruction_overdue(
    state: State,
    app: &Application,
    delivered_at: Option<DateTime<Utc>>,
    extra_days: u32,
    now: DateTime<Utc>,
) -> bool {
    state == State::Delivered && destroy_by(app, delivered_at, extra_days).is_some_and(|d| taiwan_date(now) > d)
}

/// The supervising agency's approval of an application that came on paper or by
/// e-mail, as its document states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaperApproval {
    /// The approval's document number, e.g. 警署人字第1150001234號.
    pub document_number: String,
    /// The day of the approval (Taiwan date), `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub approved_on: NaiveDate,
    /// The supervising agency that approved it (its code; rule 5.1), one of the applying
    /// agency's `supervising_agencies`. Without it, an agency with one supervising agency
    /// is taken to be approved by it, and for one with several none is recorded. Since 1.17.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, pattern = r"^[A-Za-z0-9]{1,20}$"))]
    pub agency: Option<String>,
}

/// Registering an application that arrived on paper or by e-mail (rule 5.2's
/// fallback): a DGPA officer transcribes it with the supervising agency's approval,
/// and it goes straight to DGPA's review, as if submitted and approved online. The
/// application must be complete (the same findings block), the agency must have a
/// supervisor, and the approval must name its document and a day not in the future.
pub fn register_from_paper(
    actor: &Actor,
    chain: &AgencyChain,
    channel: Channel,
    approval: &PaperApproval,
    ctx: EligibilityContext<'_>,
    application: &Application,
    now: DateTime<Utc>,
) -> Result<Outcome, Refusal> {
    if !actor.roles.has(Role::DgpaOfficer) {
        return Err(Refusal::MissingRole { action: Action::DgpaAccept, role: Role::DgpaOfficer });
    }
    if channel == Channel::Web {
        return Err(Refusal::PaperApprovalInvalid { pointer: "/channel" });
    }
    let number = approval.document_number.trim();
    if number.is_empty() || number.chars().count() > 100 {
        return Err(Refusal::PaperApprovalInvalid { pointer: "/supervisor_approval/document_number" });
    }
    if approval.approved_on > taiwan_date(now) {
        return Err(Refusal::PaperApprovalInvalid { pointer: "/supervisor_approval/approved_on" });
    }
    // Which supervising agency approved: the one named, or the only one there is.
    let supervising = chain.supervising_agencies();
    let approved_by = match approval.agency.as_deref() {
        Some(raw) => {
            let named = AgencyCode::parse(raw.trim()).ok().filter(|c| supervising.contains(&c));
            Some(named.ok_or(Refusal::PaperApproverNotSupervising)?)
        }
        None if supervising.len() == 1 => supervising.first().map(|c| (*c).clone()),
        None => None,
    };
    let findings = eligibility::check(application, EligibilityContext { has_supervisor: chain.has_supervisor(), ..ctx });
    if eligibility::blocks(&findings) {
        return Err(Refusal::BlockingFindings(findings));
    }
    Ok(Outcome {
        to: State::PendingDgpa,
        event: EventKind::RegisteredFromPaper,
        comment: None,
        freeze_revision: true,
        difficulty: None,
        assignee: None,
        amended: None,
        data: serde_json::json!({
            "channel": channel,
            "document_number": number,
            "approved_on": approval.approved_on,
            "approved_by": approved_by,
            "revision": 1,
            "warnings": findings,
        }),
    })
}

/// How many more days delivered personal data may still be kept (rule 6): the most in
/// all, [`crate::application::MAX_RETENTION_DAYS`], less the retention stated and the
/// extensions approved (`extra_days`).
pub fn retention_days_left(app: &Application, extra_days: u32) -> u32 {
    let kept = app.personal_data.retention_days.unwrap_or(0).saturating_add(extra_days);
    crate::application::MAX_RETENTION_DAYS.saturating_sub(kept)
}

/// Whether an office may ask to keep delivered personal data `days` longer (rule 6):
/// only while it awaits destruction, one question at a time, and never beyond
/// [`crate::application::MAX_RETENTION_DAYS`] in all. `Err` says why not.
pub fn check_retention_extension(state: State, app: &Application, extra_days: u32, pending: bool, days: u32) -> Result<(), Refusal> {
    if state != State::Delivered {
        // Destroyed (or not yet delivered): the same answer as when the destruction lands
        // while the question is written (the store's check, under the request's lock).
        return Err(Refusal::NothingKept { state });
    }
    if !app.declares_personal_data() {
        return Err(Refusal::NoPersonalDataToDestroy);
    }
    if pending {
        return Err(Refusal::RetentionExtensionPending);
    }
    let left = retention_days_left(app, extra_days);
    if days == 0 || days > left {
        return Err(Refusal::RetentionBeyondMaximum { left });
    }
    Ok(())
}

/// Taiwan has one time zone, UTC+8, without daylight saving.
pub fn taiwan_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
}

/// The moment a day begins in Taiwan (00:00 UTC+8).
pub fn taiwan_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::hours(8)
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
    // Who may act comes before what the request's state allows: a caller without the
    // role learns nothing of the state (403, not 409).
    authorize(facts, actor, action)?;
    let to = next_state(facts.state, action).ok_or(Refusal::NotInState { action, state: facts.state })?;

    let mut outcome = Outcome {
        to,
        event: EventKind::of(action),
        comment: None,
        freeze_revision: false,
        difficulty: None,
        assignee: None,
        data: serde_json::Value::Null,
        amended: None,
    };
    // A comment, under the name its body gives it (`/comment`, `/reason`, `/skip_reason`).
    let comment_of = |c: Option<String>, pointer: &'static str| -> Result<Option<String>, Refusal> {
        let c = c.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if c.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT) {
            return Err(Refusal::TextTooLong { pointer, max: MAX_COMMENT });
        }
        Ok(c)
    };
    // A correction's reason (`/reason`, as the body names it) is shorter than a comment.
    let reason_of = |r: String| -> Result<Option<String>, Refusal> {
        let r = Some(r.trim().to_string()).filter(|r| !r.is_empty());
        if r.as_ref().is_some_and(|r| r.chars().count() > crate::application::limits::REASON) {
            return Err(Refusal::TextTooLong { pointer: "/reason", max: crate::application::limits::REASON });
        }
        Ok(r)
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
        Command::Withdraw { reason } => outcome.comment = comment_of(reason, "/reason")?,
        Command::SupervisorDecision { decision, comment } => {
            outcome.comment = comment_of(comment, "/comment")?;
            if decision != Decision::Approve && outcome.comment.is_none() {
                return Err(Refusal::CommentRequired { action });
            }
        }
        Command::DgpaDecision { decision, difficulty, comment, reason, source_id } => {
            outcome.comment = comment_of(comment, "/comment")?;
            match (decision, difficulty) {
                (DgpaDecision::Accept, None) => return Err(Refusal::DifficultyRequired),
                (DgpaDecision::Accept, Some(d)) => outcome.difficulty = Some(d),
                (_, Some(_)) => return Err(Refusal::DifficultyNotApplicable),
                (_, None) if outcome.comment.is_none() => return Err(Refusal::CommentRequired { action }),
                (_, None) => {}
            }
            let source_id = source_id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            if decision == DgpaDecision::Accept {
                if reason.is_some() || source_id.is_some() {
                    return Err(Refusal::ReasonNotApplicable);
                }
            } else {
                let reason = reason.unwrap_or(crate::outcome::OutcomeReason::Other);
                match (reason.needs_source(), &source_id) {
                    (true, None) => return Err(Refusal::SourceRequired),
                    (false, Some(_)) => return Err(Refusal::SourceNotApplicable),
                    _ => {}
                }
                outcome.data = serde_json::json!({ "reason_code": reason, "source_id": source_id });
            }
        }
        Command::Take { assignee, passed_over, skip_reason } => {
            if facts.drafted_by(assignee) {
                return Err(Refusal::AssigneeDraftedRequest);
            }
            let reason = comment_of(skip_reason, "/skip_reason")?;
            if let (Some(head), None) = (passed_over.first(), &reason) {
                return Err(Refusal::OutOfOrder { head: *head, passed: passed_over.len() });
            }
            if !passed_over.is_empty() {
                outcome.data = serde_json::json!({ "passed_over": passed_over, "skip_reason": reason });
                outcome.comment = reason;
            }
            outcome.assignee = Some(assignee);
        }
        Command::Deliver { reply, files, unapproved, undisclosed } => {
            if undisclosed > 0 {
                return Err(Refusal::DisclosureUnresolved { count: undisclosed });
            }
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
        Command::Hold { reason } => {
            outcome.comment = reason_of(reason)?;
            if outcome.comment.is_none() {
                return Err(Refusal::CommentRequired { action });
            }
        }
        Command::Resume => {}
        Command::Rerate { difficulty, reason } => {
            if facts.difficulty == Some(difficulty) {
                return Err(Refusal::DifficultyUnchanged);
            }
            outcome.comment = reason_of(reason)?;
            if outcome.comment.is_none() {
                return Err(Refusal::CommentRequired { action });
            }
            outcome.difficulty = Some(difficulty);
        }
        Command::MarkPersonal { reason, retention_days } => {
            if facts.application.declares_personal_data() {
                return Err(Refusal::AlreadyPersonal);
            }
            outcome.comment = reason_of(reason)?;
            if outcome.comment.is_none() {
                return Err(Refusal::CommentRequired { action });
            }
            if retention_days == 0 || retention_days > crate::application::MAX_RETENTION_DAYS {
                return Err(Refusal::RetentionBeyondMaximum { left: crate::application::MAX_RETENTION_DAYS });
            }
            // Personal data from here on: encrypted delivery, four eyes, destruction (rules 3, 6).
            let mut app = facts.application.clone();
            app.personal_data.contains = Some(true);
            app.personal_data.purpose = Some(crate::eligibility::PURPOSE_PERSONNEL_MANAGEMENT.into());
            app.personal_data.retention_days = Some(retention_days);
            outcome.data = serde_json::json!({ "retention_days": retention_days });
            outcome.amended = Some(app);
        }
        Command::Assign { assignee, reason } => {
            if facts.assignee == Some(assignee) {
                return Err(Refusal::AlreadyAssigned);
            }
            if facts.drafted_by(assignee) {
                return Err(Refusal::AssigneeDraftedRequest);
            }
            outcome.comment = comment_of(reason, "/reason")?;
            outcome.assignee = Some(assignee);
        }
    }
    Ok(outcome)
}

/// The actions this actor may attempt now: allowed by the table and by role,
/// agency and separation of duties (the data may still refuse, e.g. findings).
pub fn available_actions(facts: &RequestFacts<'_>, actor: &Actor) -> Vec<Action> {
    // A delivery closes one way only (rule 6): personal data by recording its
    // destruction, anything else by acknowledging receipt. What declares personal data
    // already is not marked as holding it (`Refusal::AlreadyPersonal`).
    let personal = facts.application.declares_personal_data();
    allowed_actions(facts.state)
        .into_iter()
        .filter(|a| match a {
            Action::RecordDestruction => personal,
            Action::Acknowledge | Action::MarkPersonal => !personal,
            _ => true,
        })
        .filter(|a| authorize(facts, actor, *a).is_ok())
        .collect()
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

/// Who may open a result file (download it, or reveal its passphrase): the applying
/// office's applicants, and DGPA — but among DGPA's roles only an officer opens a
/// file with personal data. Administering statreq is no reason to read personal
/// data (rule 3: only what the purpose needs; least privilege).
pub fn open_file(actor: &Actor, applying_agency: &AgencyCode, personal: bool) -> Result<(), Refusal> {
    if actor.roles.has(Role::Applicant) && actor.agency == *applying_agency {
        return Ok(());
    }
    match (personal, actor.roles.has(Role::DgpaOfficer), actor.roles.is_dgpa()) {
        (_, true, _) | (false, _, true) => Ok(()),
        (true, false, _) => Err(Refusal::MissingRole { action: Action::Deliver, role: Role::DgpaOfficer }),
        (false, false, false) => Err(Refusal::MissingRole { action: Action::Deliver, role: Role::Applicant }),
    }
}

/// Role, agency and separation-of-duties checks for an action.
fn authorize(facts: &RequestFacts<'_>, actor: &Actor, action: Action) -> Result<(), Refusal> {
    let need = |role: Role| if actor.roles.has(role) { Ok(()) } else { Err(Refusal::MissingRole { action, role }) };
    let not_own = || if facts.drafted_by(actor.user) { Err(Refusal::OwnRequest { action }) } else { Ok(()) };
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
        Action::DgpaAccept
        | Action::DgpaReturn
        | Action::DgpaReject
        | Action::Take
        | Action::Deliver
        | Action::Hold
        | Action::Resume
        | Action::Rerate
        | Action::Assign
        | Action::MarkPersonal => {
            need(Role::DgpaOfficer)?;
            not_own()?;
        }
    }
    Ok(())
}

/// Whether the officer work was given to can still act on it: an active account with the
/// case-officer role. Work of anyone else (someone who left, or moved to other duties) is
/// nobody's until given to another: every officer hears of it, and the queue says so.
pub fn attends(active: bool, roles: &RoleSet) -> bool {
    active && roles.has(Role::DgpaOfficer)
}

/// Whether someone of `roles` at `own` agency may handle a request's result files
/// (list, download, record their destruction): DGPA, which produces them, and the
/// applying office's applicants, who asked for them — not its supervising agency, which
/// reviews the application but receives no data (rules 3, 5.3).
pub fn may_handle_files(roles: &RoleSet, own: &AgencyCode, request_agency: &AgencyCode) -> bool {
    roles.is_dgpa() || (roles.has(Role::Applicant) && own == request_agency)
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
mod tests;
