//! Result files of a request: metadata, wrapped keys, four-eyes approval,
//! publication with the delivery, and crypto-shredding.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{RequestId, UserId};

use crate::audit::{append, AuditContext};
use crate::schema::{deliveries, requests};
use crate::timeline::insert_event;
use crate::{from_db, to_db, Store, StoreError, StoreResult};
use statreq_domain::lifecycle::{EventKind, State};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
struct Row {
    id: i64,
    request_id: RequestId,
    filename: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    wrapped_key: Option<String>,
    passphrase: Option<String>,
    personal: bool,
    uploaded_by: UserId,
    uploaded_at: NaiveDateTime,
    approved_by: Option<UserId>,
    approved_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
    shredded_at: Option<NaiveDateTime>,
    disclosure: Option<String>,
}

#[derive(Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: i64,
    pub request_id: RequestId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub wrapped_key: Option<String>,
    pub passphrase: Option<String>,
    pub personal: bool,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub shredded_at: Option<DateTime<Utc>>,
    /// The disclosure check of a statistical table (`DisclosureReport` as JSON).
    pub disclosure: Option<serde_json::Value>,
}

impl std::fmt::Debug for DeliveryRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys and sealed passphrases never print.
        f.debug_struct("DeliveryRow")
            .field("id", &self.id)
            .field("request_id", &self.request_id)
            .field("filename", &self.filename)
            .finish_non_exhaustive()
    }
}

impl From<Row> for DeliveryRow {
    fn from(r: Row) -> Self {
        DeliveryRow {
            id: r.id,
            request_id: r.request_id,
            filename: r.filename,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            storage_key: r.storage_key,
            wrapped_key: r.wrapped_key,
            passphrase: r.passphrase,
            personal: r.personal,
            uploaded_by: r.uploaded_by,
            uploaded_at: from_db(r.uploaded_at),
            approved_by: r.approved_by,
            approved_at: r.approved_at.map(from_db),
            published_at: r.published_at.map(from_db),
            shredded_at: r.shredded_at.map(from_db),
            disclosure: r.disclosure.as_deref().and_then(|d| serde_json::from_str(d).ok()),
        }
    }
}

pub struct NewDelivery {
    pub request_id: RequestId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub wrapped_key: String,
    pub passphrase: Option<String>,
    pub personal: bool,
    pub uploaded_by: UserId,
    /// The disclosure check's report, for a statistical table.
    pub disclosure: Option<serde_json::Value>,
}

impl Store {
    pub fn insert_delivery(&self, new: NewDelivery, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<DeliveryRow> {
        let id = self.write_tx(|c| {
            // The upload streamed for a while: the request must still be in production.
            // On PostgreSQL the row is locked, so a delivery running now either
            // committed before (and the upload is refused) or waits for this insert
            // (and counts the file as unapproved). SQLite serialises writers anyway.
            let state = crate::requests::lock_request(c, new.request_id)?;
            if state != "in_production" {
                return Err(StoreError::NotInState("in_production".into()));
            }
            // Likewise a marking of the data as personal (rules 3, 6): the file was
            // sealed, checked and given (or not) a passphrase as the request was then.
            let personal: bool = requests::table.find(new.request_id).select(requests::personal).first(c)?;
            if personal != new.personal {
                return Err(StoreError::PersonalDataChanged);
            }
            let id = diesel::insert_into(deliveries::table)
                .values((
                    deliveries::request_id.eq(new.request_id),
                    deliveries::filename.eq(&new.filename),
                    deliveries::content_type.eq(&new.content_type),
                    deliveries::size_bytes.eq(new.size_bytes),
                    deliveries::sha256.eq(&new.sha256),
                    deliveries::storage_key.eq(&new.storage_key),
                    deliveries::wrapped_key.eq(Some(&new.wrapped_key)),
                    deliveries::passphrase.eq(&new.passphrase),
                    deliveries::personal.eq(new.personal),
                    deliveries::uploaded_by.eq(new.uploaded_by),
                    deliveries::disclosure.eq(new.disclosure.as_ref().map(|d| d.to_string())),
                    deliveries::uploaded_at.eq(to_db(now)),
                ))
                .returning(deliveries::id)
                .get_result::<i64>(c)?;
            let detail = serde_json::json!({"delivery": id, "filename": new.filename, "sha256": new.sha256, "bytes": new.size_bytes});
            append(c, audit, "delivery.uploaded", Some(new.request_id), &detail, now)?;
            Ok(id)
        })?;
        Ok(deliveries::table.find(id).select(Row::as_select()).first(&mut *self.conn()?)?.into())
    }

    pub fn list_deliveries(&self, request_id: RequestId) -> StoreResult<Vec<DeliveryRow>> {
        let rows = deliveries::table
            .filter(deliveries::request_id.eq(request_id))
            .order(deliveries::id.asc())
            .select(Row::as_select())
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(DeliveryRow::from).collect())
    }

    /// The files not yet delivered of these requests (work in production).
    pub fn unpublished_deliveries(&self, request_ids: &[RequestId]) -> StoreResult<Vec<DeliveryRow>> {
        let mut out = Vec::new();
        for chunk in request_ids.chunks(500) {
            let rows = deliveries::table
                .filter(deliveries::request_id.eq_any(chunk))
                .filter(deliveries::published_at.is_null())
                .filter(deliveries::shredded_at.is_null())
                .select(Row::as_select())
                .load(&mut *self.conn()?)?;
            out.extend(rows.into_iter().map(DeliveryRow::from));
        }
        Ok(out)
    }

    /// Removes a file not yet published from a request in production (a wrong
    /// upload), audited with the reason; returns its storage key so that the body
    /// can be deleted. A published file, or a request no longer in production, is
    /// [`StoreError::Conflict`].
    pub fn remove_delivery(
        &self,
        request_id: RequestId,
        id: i64,
        reason: &str,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        self.write_tx(|c| {
            let state = crate::requests::lock_request(c, request_id)?;
            let row: Row = deliveries::table
                .filter(deliveries::id.eq(id).and(deliveries::request_id.eq(request_id)))
                .select(Row::as_select())
                .first(c)?;
            if state != "in_production" || row.published_at.is_some() {
                return Err(StoreError::Conflict);
            }
            diesel::delete(deliveries::table.find(id)).execute(c)?;
            let detail = serde_json::json!({"delivery": id, "filename": row.filename, "sha256": row.sha256, "reason": reason});
            append(c, audit, "delivery.removed", Some(request_id), &detail, now)?;
            Ok(row.storage_key)
        })
    }

    /// Stores the checking officer's acceptance of a file's small cells (the report as
    /// amended), audited with the reason; only a file not yet delivered.
    pub fn accept_disclosure(
        &self,
        id: i64,
        report: &serde_json::Value,
        reason: &str,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_tx(|c| {
            let request_id: RequestId = deliveries::table.find(id).select(deliveries::request_id).first(c)?;
            let n = diesel::update(deliveries::table.find(id).filter(deliveries::published_at.is_null()))
                .set(deliveries::disclosure.eq(Some(report.to_string())))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            append(c, audit, "delivery.disclosure_accepted", Some(request_id), &serde_json::json!({"delivery": id, "reason": reason}), now)
        })
    }

    /// Second-officer approval; only an unapproved, unpublished file.
    pub fn approve_delivery(&self, id: i64, approver: UserId, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<DeliveryRow> {
        self.write_tx(|c| {
            let request_id: RequestId = deliveries::table.find(id).select(deliveries::request_id).first(c)?;
            // The request first, as a transition takes it (then the files, then the
            // audit chain): the same order everywhere, so no two wait on each other.
            crate::requests::lock_request(c, request_id)?;
            let n = diesel::update(
                deliveries::table.find(id).filter(deliveries::approved_by.is_null()).filter(deliveries::published_at.is_null()),
            )
            .set((deliveries::approved_by.eq(Some(approver)), deliveries::approved_at.eq(Some(to_db(now)))))
            .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            file_event(c, request_id, EventKind::FileApproved, approver, id, now)?;
            append(c, audit, "delivery.approved", Some(request_id), &serde_json::json!({"delivery": id}), now)
        })?;
        Ok(deliveries::table.find(id).select(Row::as_select()).first(&mut *self.conn()?)?.into())
    }
}

/// A step of DGPA's work on one file, on the request's timeline; the state stays.
fn file_event(
    c: &mut crate::DbConnection,
    request_id: RequestId,
    kind: EventKind,
    actor: UserId,
    delivery: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let raw: String = requests::table.find(request_id).select(requests::state).first(c)?;
    let state = State::parse(&raw).ok_or(StoreError::Corrupt(raw))?;
    insert_event(c, request_id, kind, Some(state), state, actor, None, &serde_json::json!({ "delivery": delivery }), now)?;
    crate::requests::touch(c, request_id, now)
}

impl Store {
    /// The uploader asks the other officers to check a file (four eyes): on the
    /// timeline, in their inboxes through the event, and in the audit trail.
    pub fn request_review(
        &self,
        request_id: RequestId,
        delivery: i64,
        actor: UserId,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_tx(|c| {
            file_event(c, request_id, EventKind::ReviewRequested, actor, delivery, now)?;
            append(c, audit, "delivery.review_requested", Some(request_id), &serde_json::json!({"delivery": delivery}), now)
        })
    }

    /// Every live wrapped key and sealed passphrase, for re-wrapping after a KEK rotation.
    pub fn delivery_keys(&self) -> StoreResult<Vec<(i64, String, Option<String>)>> {
        let rows: Vec<(i64, Option<String>, Option<String>)> =
            deliveries::table.select((deliveries::id, deliveries::wrapped_key, deliveries::passphrase)).load(&mut *self.conn()?)?;
        Ok(rows.into_iter().filter_map(|(id, k, p)| k.map(|k| (id, k, p))).collect())
    }

    /// Replaces one file's wrapped key and sealed passphrase (bodies are untouched).
    pub fn set_delivery_keys(&self, id: i64, wrapped: &str, passphrase: Option<&str>) -> StoreResult<()> {
        self.write_tx(|c| {
            diesel::update(deliveries::table.find(id).filter(deliveries::wrapped_key.is_not_null()))
                .set((deliveries::wrapped_key.eq(Some(wrapped)), deliveries::passphrase.eq(passphrase)))
                .execute(c)?;
            Ok(())
        })
    }
}

impl Store {
    /// Crypto-shreds every published file older than `cutoff` (the download
    /// window has passed), one audit entry per file, all in one transaction.
    /// Returns the storage keys whose bodies the caller removes. Safe to run on
    /// several instances at once: a file is shredded once.
    pub fn shred_published_before(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
        self.write_tx(|c| {
            let due: Vec<(i64, i64, String)> = deliveries::table
                .filter(deliveries::published_at.lt(to_db(cutoff)))
                .filter(deliveries::shredded_at.is_null())
                .select((deliveries::id, deliveries::request_id, deliveries::storage_key))
                .load(c)?;
            let mut keys = Vec::new();
            for (id, request_id, key) in due {
                let n = diesel::update(deliveries::table.find(id).filter(deliveries::shredded_at.is_null()))
                    .set((
                        deliveries::wrapped_key.eq(None::<String>),
                        deliveries::passphrase.eq(None::<String>),
                        deliveries::shredded_at.eq(Some(to_db(now))),
                    ))
                    .execute(c)?;
                if n == 1 {
                    append(
                        c,
                        &AuditContext::default(),
                        "delivery.shredded_after_window",
                        Some(RequestId(request_id)),
                        &serde_json::json!({"delivery": id}),
                        now,
                    )?;
                    keys.push(key);
                }
            }
            Ok(keys)
        })
    }
}

/// Inside the delivering transition: files with personal data that no second
/// officer approved (and that are not shredded).
pub(crate) fn unapproved(c: &mut crate::DbConnection, request_id: RequestId) -> StoreResult<usize> {
    let n: i64 = deliveries::table
        .filter(deliveries::request_id.eq(request_id))
        .filter(deliveries::personal.eq(true))
        .filter(deliveries::approved_by.is_null())
        .filter(deliveries::shredded_at.is_null())
        .count()
        .get_result(c)?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Inside the marking transition: result files already there (stored as not
/// personal), counted under the request's row lock that uploads take too.
pub(crate) fn uploaded(c: &mut crate::DbConnection, request_id: RequestId) -> StoreResult<i64> {
    Ok(deliveries::table.filter(deliveries::request_id.eq(request_id)).count().get_result(c)?)
}

/// Inside the delivering transition: the request's files become visible — only
/// those without personal data or approved by a second officer.
pub(crate) fn publish(c: &mut crate::DbConnection, request_id: RequestId, now: DateTime<Utc>) -> StoreResult<usize> {
    Ok(diesel::update(
        deliveries::table
            .filter(deliveries::request_id.eq(request_id))
            .filter(deliveries::published_at.is_null())
            .filter(deliveries::personal.eq(false).or(deliveries::approved_by.is_not_null())),
    )
    .set(deliveries::published_at.eq(Some(to_db(now))))
    .execute(c)?)
}

/// Inside the destruction transition: the server's copies lose their keys
/// (crypto-shredding); the caller then removes the bodies.
pub(crate) fn shred(c: &mut crate::DbConnection, request_id: RequestId, now: DateTime<Utc>) -> StoreResult<usize> {
    Ok(diesel::update(deliveries::table.filter(deliveries::request_id.eq(request_id)).filter(deliveries::shredded_at.is_null()))
        .set((
            deliveries::wrapped_key.eq(None::<String>),
            deliveries::passphrase.eq(None::<String>),
            deliveries::shredded_at.eq(Some(to_db(now))),
        ))
        .execute(c)?)
}
