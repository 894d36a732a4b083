//! Applications that arrived on paper or by e-mail (rule 5.2's fallback): registered
//! by a DGPA officer with the supervising agency's approval, straight into DGPA's
//! review, in one transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{AgencyCode, RequestId, UserId};
use statreq_domain::{EventKind, Outcome, State};

use crate::requests::request_by_id;
use crate::schema::{request_revisions, requests};
use crate::timeline::insert_event;
use crate::{to_db, AuditContext, RequestRow, Store, StoreResult};

impl Store {
    /// Creates the request of `agency` as the domain decided its registration
    /// (`outcome`: pending DGPA, revision 1), with the `created` event and the
    /// registration's event, audited — all or nothing.
    #[allow(clippy::too_many_arguments)]
    pub fn register_paper_request(
        &self,
        agency_code: &AgencyCode,
        registered_by: UserId,
        application: &serde_json::Value,
        channel: &str,
        outcome: &Outcome,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<RequestRow> {
        let app = serde_json::to_string(application)?;
        let ts = to_db(now);
        let search = crate::requests::search_text(application);
        let personal = crate::requests::declares_personal(application);
        let id = self.write_tx(|c| {
            let id = diesel::insert_into(requests::table)
                .values((
                    requests::agency_code.eq(agency_code),
                    requests::created_by.eq(registered_by),
                    requests::state.eq(outcome.to.as_str()),
                    requests::version.eq(1i64),
                    requests::application.eq(&app),
                    requests::search_text.eq(&search),
                    requests::personal.eq(personal),
                    requests::revision.eq(1),
                    requests::created_at.eq(ts),
                    requests::updated_at.eq(ts),
                    requests::submitted_at.eq(Some(ts)),
                    requests::dgpa_received_at.eq(Some(ts)),
                    requests::wait_since.eq(Some(ts)),
                    requests::channel.eq(channel),
                ))
                .returning(requests::id)
                .get_result::<RequestId>(c)?;
            diesel::insert_into(request_revisions::table)
                .values((
                    request_revisions::request_id.eq(id),
                    request_revisions::number.eq(1),
                    request_revisions::application.eq(&app),
                    request_revisions::submitted_by.eq(registered_by),
                    request_revisions::submitted_at.eq(ts),
                ))
                .execute(c)?;
            insert_event(c, id, EventKind::Created, None, State::Draft, registered_by, None, &serde_json::Value::Null, now)?;
            insert_event(c, id, outcome.event, Some(State::Draft), outcome.to, registered_by, None, &outcome.data, now)?;
            let detail = serde_json::json!({"agency": agency_code, "data": outcome.data});
            crate::audit::append(c, audit, "request.registered_from_paper", Some(id), &detail, now)?;
            Ok(id)
        })?;
        request_by_id(&mut *self.conn()?, id)
    }
}
