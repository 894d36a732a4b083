//! Files an applicant attaches to an application (a sample of the output format).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{RequestId, State, UserId};

use crate::audit::{append, AuditContext};
use crate::schema::attachments;
use crate::{from_db, to_db, Store, StoreResult};

#[derive(Clone, PartialEq)]
pub struct AttachmentRow {
    pub id: i64,
    pub request_id: RequestId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub wrapped_key: String,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

impl std::fmt::Debug for AttachmentRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentRow").field("id", &self.id).field("filename", &self.filename).finish_non_exhaustive()
    }
}

type Row = (i64, i64, String, String, i64, String, String, String, UserId, NaiveDateTime);

fn row(r: Row) -> AttachmentRow {
    AttachmentRow {
        id: r.0,
        request_id: RequestId(r.1),
        filename: r.2,
        content_type: r.3,
        size_bytes: r.4,
        sha256: r.5,
        storage_key: r.6,
        wrapped_key: r.7,
        uploaded_by: r.8,
        uploaded_at: from_db(r.9),
    }
}

pub struct NewAttachment {
    pub request_id: RequestId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub wrapped_key: String,
    pub uploaded_by: UserId,
}

impl Store {
    /// Stores an attachment unless the request already has `max` (counted in the
    /// same transaction, so concurrent uploads cannot pass the cap together) or is no
    /// longer in one of `states` (the upload streamed for a while; a submission may have
    /// landed meanwhile: [`StoreError::NotInState`] naming the first of them).
    pub fn insert_attachment(
        &self,
        new: NewAttachment,
        max: usize,
        states: &[State],
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<AttachmentRow> {
        let id = self.write_tx(|c| {
            // Two uploads count one after the other; a transition waits for this one.
            let state = crate::requests::lock_request(c, new.request_id)?;
            if !states.iter().any(|s| s.as_str() == state) {
                return Err(crate::StoreError::NotInState(states.first().map(|s| s.as_str()).unwrap_or_default().into()));
            }
            let count: i64 = attachments::table.filter(attachments::request_id.eq(new.request_id)).count().get_result(c)?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= max {
                return Err(crate::StoreError::LimitReached);
            }
            let id = diesel::insert_into(attachments::table)
                .values((
                    attachments::request_id.eq(new.request_id),
                    attachments::filename.eq(&new.filename),
                    attachments::content_type.eq(&new.content_type),
                    attachments::size_bytes.eq(new.size_bytes),
                    attachments::sha256.eq(&new.sha256),
                    attachments::storage_key.eq(&new.storage_key),
                    attachments::wrapped_key.eq(&new.wrapped_key),
                    attachments::uploaded_by.eq(new.uploaded_by),
                    attachments::uploaded_at.eq(to_db(now)),
                ))
                .returning(attachments::id)
                .get_result::<i64>(c)?;
            // A change of the application's files: `updated_since` finds it.
            crate::requests::touch(c, new.request_id, now)?;
            append(
                c,
                audit,
                "attachment.uploaded",
                Some(new.request_id),
                &serde_json::json!({"attachment": id, "filename": new.filename}),
                now,
            )?;
            Ok(id)
        })?;
        let r: Row = attachments::table.find(id).first(&mut *self.conn()?)?;
        Ok(row(r))
    }

    /// Removes one attachment of a request still in one of `states` (checked under
    /// the request's row lock, as an upload is), audited with what it was. Returns the
    /// removed row: the caller removes its body (and lists its key as shredded).
    pub fn remove_attachment(
        &self,
        request_id: RequestId,
        id: i64,
        states: &[State],
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<AttachmentRow> {
        self.write_tx(|c| {
            let state = crate::requests::lock_request(c, request_id)?;
            let r: Row = attachments::table.find(id).filter(attachments::request_id.eq(request_id)).first(c)?;
            if !states.iter().any(|s| s.as_str() == state) {
                return Err(crate::StoreError::NotInState(states.first().map(|s| s.as_str()).unwrap_or_default().into()));
            }
            diesel::delete(attachments::table.find(id)).execute(c)?;
            crate::requests::touch(c, request_id, now)?;
            let a = row(r);
            let detail = serde_json::json!({"attachment": id, "filename": a.filename, "size_bytes": a.size_bytes, "sha256": a.sha256});
            append(c, audit, "attachment.removed", Some(request_id), &detail, now)?;
            Ok(a)
        })
    }

    pub fn list_attachments(&self, request_id: RequestId) -> StoreResult<Vec<AttachmentRow>> {
        let rows: Vec<Row> =
            attachments::table.filter(attachments::request_id.eq(request_id)).order(attachments::id.asc()).load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(row).collect())
    }
}

/// Inside the transition that ends a request (closed, withdrawn, rejected): its
/// attachments lose their keys (crypto-shredding; an empty key marks it); the
/// caller then removes the bodies. Returns how many were shredded.
pub(crate) fn shred(c: &mut crate::DbConnection, request_id: RequestId) -> StoreResult<usize> {
    Ok(diesel::update(attachments::table.filter(attachments::request_id.eq(request_id)).filter(attachments::wrapped_key.ne("")))
        .set(attachments::wrapped_key.eq(""))
        .execute(c)?)
}
