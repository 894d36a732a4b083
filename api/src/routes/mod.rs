//! HTTP handlers under `/api/v1`, one module per area, each registering its own
//! handlers through `utoipa_actix_web` so that the route table and the OpenAPI
//! document come from one source. A route module parses the request
//! (`crate::http`), calls a use case (`crate::app`) and shapes the answer; it
//! never imports another route module.

pub mod admin;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod deliveries;
pub mod dictionary;
pub mod inquiries;
pub mod lifecycle;
pub mod messages;
pub mod meta;
pub mod queue;
pub mod requests;
pub mod retention;
pub mod sessions;
pub mod sources;
pub mod stats;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    sessions::configure(cfg);
    admin::configure(cfg);
    dictionary::configure(cfg);
    inquiries::configure(cfg);
    requests::configure(cfg);
    messages::configure(cfg);
    lifecycle::configure(cfg);
    queue::configure(cfg);
    stats::configure(cfg);
    deliveries::configure(cfg);
    retention::configure(cfg);
    audit::configure(cfg);
    attachments::configure(cfg);
    sources::configure(cfg);
    calendar::configure(cfg);
    webhooks::configure(cfg);
}
