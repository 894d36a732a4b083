//! Field questions (rule 7): an applicant asks DGPA what a field means before
//! applying; DGPA answers in a thread; an answer worth keeping is published into
//! the field's FAQ so that the next applicant reads it instead of asking.

use serde::{Deserialize, Serialize};

use crate::dictionary::Dictionary;
use crate::ids::{AgencyCode, Role};
use crate::lifecycle::Actor;
use crate::message::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InquiryState {
    /// Waiting for DGPA.
    Open,
    /// DGPA has replied; the applicant may follow up (which reopens it).
    Answered,
    /// Settled; no more replies.
    Closed,
}

impl InquiryState {
    pub const ALL: [InquiryState; 3] = [InquiryState::Open, InquiryState::Answered, InquiryState::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            InquiryState::Open => "open",
            InquiryState::Answered => "answered",
            InquiryState::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The state after a reply: DGPA's answers, the applicant's follow-up reopens.
    /// A closed question takes no replies.
    pub fn after_reply(self, by_dgpa: bool) -> Option<Self> {
        match (self, by_dgpa) {
            (InquiryState::Closed, _) => None,
            (_, true) => Some(InquiryState::Answered),
            (_, false) => Some(InquiryState::Open),
        }
    }

    /// Closing: once.
    pub fn close(self) -> Option<Self> {
        (self != InquiryState::Closed).then_some(InquiryState::Closed)
    }
}

/// Who may read a question: the asking agency's people, DGPA, and — for a question tied
/// to a request — whoever may read that request (`sees_its_request`): the supervising
/// agency reviewing it learns what the office asked and DGPA answered (rule 7) before it
/// approves. Reading is not speaking: see [`side`].
pub fn can_view(actor: &Actor, agency: &AgencyCode, sees_its_request: bool) -> bool {
    actor.roles.is_dgpa() || &actor.agency == agency || sees_its_request
}

/// The side a speaker in a question's thread is on: DGPA (`Some(true)`), the
/// asking agency's personnel office — applicants and supervisors alike, since rule 7
/// binds whoever uses the data (`Some(false)`) — or nobody who may speak (`None`).
pub fn side(actor: &Actor, agency: &AgencyCode) -> Option<bool> {
    if actor.roles.is_dgpa() {
        Some(true)
    } else if (actor.roles.has(Role::Applicant) || actor.roles.has(Role::Supervisor)) && &actor.agency == agency {
        Some(false)
    } else {
        None
    }
}

pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 4_000;
/// A question as a field's FAQ states it.
pub const MAX_FAQ_QUESTION: usize = 1_000;
pub const MAX_FIELDS: usize = 20;
/// Messages in one question's thread, the question included: each is told to the
/// other side (every DGPA officer for a follow-up), so a runaway client is bounded.
pub const MAX_MESSAGES: usize = 200;
/// Questions one person may have not yet closed; closing one lets another be asked.
pub const MAX_OPEN_PER_PERSON: usize = 100;

/// A new question on one or more fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInquiry {
    /// Dictionary codes the question is about (0 to 20); none for a question on
    /// "anything else" (rule 7), e.g. how a condition is read.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub fields: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub subject: String,
    /// The question.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub body: String,
    /// The draft or request it concerns; while the question is open, checking that
    /// request warns (rule 7).
    #[serde(default)]
    pub request_id: Option<i64>,
}

/// An entry of a field's FAQ, published from an answered question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqPublication {
    /// The field whose FAQ it joins; one of the question's fields.
    pub field: String,
    /// The question as the FAQ states it (edited for all readers).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub question: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub answer: String,
}

fn text_problems(out: &mut Vec<(String, Text)>, pointer: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        out.push((pointer.into(), Text::new("此欄必填。", "This is required.")));
    } else if value.chars().count() > max {
        out.push((pointer.into(), Text::new(format!("內容過長，最多 {max} 字。"), format!("Too long: at most {max} characters."))));
    }
}

/// A reply's text problems.
pub fn body_problems(body: &str) -> Vec<(String, Text)> {
    let mut out = Vec::new();
    text_problems(&mut out, "/body", body, MAX_BODY);
    out
}

impl NewInquiry {
    pub fn problems(&self, dict: &Dictionary) -> Vec<(String, Text)> {
        let mut out = Vec::new();
        if self.fields.len() > MAX_FIELDS {
            out.push((
                "/fields".into(),
                Text::new(format!("最多列出 {MAX_FIELDS} 個欄位。"), format!("Name at most {MAX_FIELDS} fields.")),
            ));
        }
        for (i, code) in self.fields.iter().enumerate().take(MAX_FIELDS) {
            if dict.field(code).is_none() {
                out.push((
                    format!("/fields/{i}"),
                    Text::new(format!("欄位代碼「{code}」不在欄位字典中。"), format!("\"{code}\" is not a dictionary field code.")),
                ));
            }
        }
        text_problems(&mut out, "/subject", &self.subject, MAX_SUBJECT);
        text_problems(&mut out, "/body", &self.body, MAX_BODY);
        out
    }
}

impl FaqPublication {
    /// Problems, given the fields the question was about.
    pub fn problems(&self, asked_about: &[String]) -> Vec<(String, Text)> {
        let mut out = Vec::new();
        if !asked_about.contains(&self.field) {
            out.push((
                "/field".into(),
                Text::new("僅能發布至此疑義所涉之欄位。", "An answer is published to one of the fields the question is about."),
            ));
        }
        text_problems(&mut out, "/question", &self.question, MAX_FAQ_QUESTION);
        text_problems(&mut out, "/answer", &self.answer, MAX_BODY);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{RoleSet, UserId};
    use InquiryState::*;

    #[test]
    fn replies_move_the_question_between_the_two_sides_until_closed() {
        assert_eq!(Open.after_reply(true), Some(Answered));
        assert_eq!(Answered.after_reply(false), Some(Open));
        assert_eq!(Answered.after_reply(true), Some(Answered));
        assert_eq!(Closed.after_reply(true), None);
        assert_eq!(Answered.close(), Some(Closed));
        assert_eq!(Closed.close(), None);
        for s in InquiryState::ALL {
            assert_eq!(InquiryState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn its_agency_and_dgpa_read_a_question_and_only_applicants_of_that_agency_speak_for_it() {
        let code = |agency: &str| AgencyCode::parse(agency).unwrap_or_else(|e| panic!("{e}"));
        let actor =
            |agency: &str, roles: &[Role]| Actor { user: UserId(1), agency: code(agency), roles: RoleSet::new(roles.iter().copied()) };
        assert!(can_view(&actor("NPA", &[Role::Supervisor]), &code("NPA"), false));
        assert!(can_view(&actor("DGPA", &[Role::DgpaOfficer]), &code("NPA"), false));
        assert!(!can_view(&actor("TPEDU", &[Role::Applicant]), &code("NPA"), false));
        // The supervising agency reads a question about a request it may read, but does
        // not speak in its thread.
        assert!(can_view(&actor("MOI", &[Role::Supervisor]), &code("NPA"), true));
        assert!(!can_view(&actor("MOI", &[Role::Supervisor]), &code("NPA"), false));
        assert_eq!(side(&actor("MOI", &[Role::Supervisor]), &code("NPA")), None);
        assert_eq!(side(&actor("DGPA", &[Role::DgpaAdmin]), &code("NPA")), Some(true));
        assert_eq!(side(&actor("NPA", &[Role::Applicant]), &code("NPA")), Some(false));
        assert_eq!(side(&actor("NPA", &[Role::Supervisor]), &code("NPA")), Some(false));
        assert_eq!(side(&actor("NPA", &[Role::Service]), &code("NPA")), None);
        assert_eq!(side(&actor("TPEDU", &[Role::Applicant]), &code("NPA")), None);
    }

    #[test]
    fn a_question_names_known_fields_and_says_something() {
        let d = Dictionary::builtin();
        let ok = NewInquiry {
            fields: vec!["service_years".into()],
            subject: "年資".into(),
            body: "留職停薪是否計入？".into(),
            request_id: None,
        };
        assert!(ok.problems(d).is_empty());
        let bad = NewInquiry { fields: vec!["nope".into()], subject: " ".into(), body: "字".repeat(MAX_BODY + 1), request_id: None };
        let p: Vec<String> = bad.problems(d).into_iter().map(|p| p.0).collect();
        assert_eq!(p, ["/fields/0", "/subject", "/body"]);
        // A question on "anything else" names no field (rule 7); too many fields is refused.
        let other = NewInquiry { fields: vec![], ..ok.clone() };
        assert!(other.problems(d).is_empty());
        let many = NewInquiry { fields: vec!["grade".into(); MAX_FIELDS + 1], ..ok };
        assert_eq!(many.problems(d)[0].0, "/fields");
    }

    #[test]
    fn an_answer_joins_the_faq_of_a_field_it_was_about() {
        let about = vec!["service_years".to_string()];
        let faq = FaqPublication {
            field: "service_years".into(), question: "留職停薪是否計入年資？".into(), answer: "不計入。".into()
        };
        assert!(faq.problems(&about).is_empty());
        let elsewhere = FaqPublication { field: "grade".into(), ..faq };
        assert_eq!(elsewhere.problems(&about)[0].0, "/field");
    }
}
