//! The black-box tests: the real `statreq` binary on a free port, over HTTP (and
//! the SPA in headless Chromium), on SQLite and PostgreSQL. One test binary, a
//! module per area; shared fixtures in `common` (applications, and
//! `Scenario::in_state`, which brings a request to any state through the API).
//! Tests unwrap freely: a failure's message is the point.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod access;
mod admin;
mod attachments;
mod auth;
mod browser;
mod browser_admin;
mod browser_officer;
mod browser_ux;
mod calendar;
mod contract;
mod corrections;
mod deliveries;
mod errors;
mod input;
mod inquiries;
mod integration;
mod lifecycle;
mod notifications;
mod operations;
mod paper;
mod queue;
mod reference;
mod search;
mod security;
mod sources;
