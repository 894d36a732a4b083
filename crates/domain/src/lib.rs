//! The rules of the DGPA personnel-data statistics service
//! (提供人事資料統計服務申請作業要點), and nothing else.
//!
//! This crate is pure: no IO, no clock, no database. Time is an argument. Every
//! rule of the service lives here once; the store and the API carry data to these
//! functions and from them. Rule numbers cite `dgpa-statistics-service-rules`
//! (e.g. `rule 5.3`).

pub mod application;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod day;
pub mod dictionary;
pub mod diff;
pub mod disclosure;
pub mod eligibility;
pub mod ids;
pub mod inquiry;
pub mod lifecycle;
pub mod message;
pub mod notify;
pub mod outcome;
pub mod queue;
pub mod similar;
pub mod stats;
pub mod values;

pub use application::{
    Application, ApplicationPatch, Condition, Contact, ExistingSource, NecessityNote, Operator, OutputKind, PersonalData, Requirement,
    SourceAttestation,
};
pub use eligibility::{Finding, FindingCode, Severity};
pub use ids::{AgencyCode, Difficulty, RequestId, Role, RoleSet, UserId};
pub use lifecycle::{Action, Actor, AgencyChain, Command, Decision, DgpaDecision, EventKind, Outcome, Refusal, RequestFacts, State};
pub use message::Text;
pub use outcome::OutcomeReason;
