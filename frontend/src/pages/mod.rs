//! The screens, one file each (the request page is a folder). Routes are in `main.rs`.

pub mod account;
pub mod account_security;
pub mod admin;
pub mod admin_agencies;
pub mod admin_audit;
pub mod admin_calendar;
pub mod admin_integrations;
pub mod admin_reference;
pub mod admin_users;
pub mod destructions;
pub mod faq;
pub mod form;
mod form_carry;
mod form_conflict;
mod form_open;
pub mod form_paper;
#[cfg(all(test, target_arch = "wasm32"))]
mod form_tests;
pub mod help;
pub mod home;
pub mod inbox;
pub mod login;
pub mod not_found;
pub mod print;
pub mod queue;
pub mod request;
pub mod search;
pub mod stats;

pub use account::AccountPage;
pub use admin::AdminPage;
pub use destructions::DestructionsPage;
pub use form_open::{EditRequest, NewRequest};
pub use home::Home;
pub use login::{Login, SsoPage};
pub use not_found::NotFound;
pub use print::PrintForm;
pub use queue::QueuePage;
pub use request::RequestPage;
pub use search::SearchPage;
pub use stats::StatsPage;
