//! The wire types of the statreq HTTP API (`/api/v1`), one definition shared by the
//! server, the typed client and the SPA. Application content is the domain's own
//! type (`statreq_domain::Application`), so the rules and the wire cannot drift.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use statreq_domain::{
    catalog::{CatalogEntry, Coverage},
    dictionary::{CodeTable, Field, FieldType, Section},
    diff::Change,
    inquiry::{FaqPublication, InquiryState, NewInquiry},
    lifecycle::Action,
    Application, ApplicationPatch, Condition, Decision, DgpaDecision, Difficulty, EventKind, ExistingSource, Finding, Operator,
    OutcomeReason, Role, State, Text,
};

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:statreq:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    /// Stable machine-readable code, e.g. `invalid_state`, `deadline_not_allowed`.
    pub code: String,
    /// The same explanation in zh-TW and English, for people.
    pub message: Text,
    /// The rule of the service the refusal rests on, e.g. `5.3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Each problem with a part of the request body, by JSON pointer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemError>,
    /// Only from `POST /auth/token`: the RFC 6749 §5.2 error code
    /// (`invalid_request`, `invalid_client`, `unsupported_grant_type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Only from `POST /auth/token`, with `error`: a description for a developer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProblemError {
    /// RFC 6901 pointer into the request body.
    pub pointer: String,
    pub code: String,
    pub detail: String,
    /// zh-TW and English, when the error comes from a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<statreq_domain::Severity>,
}

impl From<&statreq_domain::Finding> for ProblemError {
    fn from(f: &statreq_domain::Finding) -> Self {
        ProblemError {
            pointer: f.pointer.clone(),
            code: f.code.name(),
            detail: f.message.en.clone(),
            message: Some(f.message.clone()),
            severity: Some(f.severity),
        }
    }
}

/// One page of a list, newest first; pass `next_cursor` as `cursor` for the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

mod admin;
mod auth;
mod deliveries;
mod queue;
mod reference;
mod requests;
mod webhooks;

pub use admin::*;
pub use auth::*;
pub use deliveries::*;
pub use queue::*;
pub use reference::*;
pub use requests::*;
pub use webhooks::*;
