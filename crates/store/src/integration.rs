//! The integration surface: idempotency keys and the notification outbox (webhook
//! deliveries and e-mails) that a background worker sends (the subscriptions are in
//! `webhooks.rs`). Notifications are written in one transaction with marking the events
//! they come from, so an event is turned into messages exactly once; sending
//! leases rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL) so that several instances
//! never send the same message twice.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{RequestId, UserId};

use crate::audit::{append, AuditContext};
use crate::schema::{idempotency_keys, notifications, request_events};
use crate::timeline::{event_row, EventTuple, EVENT_COLUMNS};
use crate::{from_db, to_db, DbConnection, EventRow, Store, StoreError, StoreResult};

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// Headers worth replaying (Content-Type, ETag, Location).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What a caller's `Idempotency-Key` means for this attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use: go ahead, then [`Store::complete_idempotency_key`].
    Reserved,
    /// Done before with the same body: send this again.
    Replay(StoredResponse),
    /// Used before with a different request.
    Mismatch,
    /// The first attempt is still running.
    InProgress,
}

/// An attempt in progress longer than this is taken to have died with its process.
const STALE_RESERVATION_SECS: i64 = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// `webhook` or `email`.
    pub channel: String,
    pub webhook_id: Option<i64>,
    pub event_id: String,
    pub event_type: String,
    pub request_id: Option<RequestId>,
    /// The URL or the e-mail address.
    pub recipient: String,
    /// The JSON body (webhooks) or `{subject, body}` (e-mail).
    pub payload: String,
    /// Set for messages that must be made at most once (reminders).
    pub dedupe_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRow {
    pub id: i64,
    pub channel: String,
    pub webhook_id: Option<i64>,
    pub event_id: String,
    pub event_type: String,
    pub request_id: Option<RequestId>,
    pub recipient: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed` (gave up after the last attempt).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub replay_of: Option<i64>,
}

/// How a send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Delivered {
        status: Option<i32>,
    },
    /// Failed; try again at `retry_at`, or give up when `None`.
    Failed {
        status: Option<i32>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

type NRow = (
    i64,
    String,
    Option<i64>,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<i64>,
);

macro_rules! notification_columns {
    () => {
        (
            notifications::id,
            notifications::channel,
            notifications::webhook_id,
            notifications::event_id,
            notifications::event_type,
            notifications::request_id,
            notifications::recipient,
            notifications::payload,
            notifications::status,
            notifications::attempts,
            notifications::next_attempt_at,
            notifications::last_status,
            notifications::last_error,
            notifications::created_at,
            notifications::delivered_at,
            notifications::replay_of,
        )
    };
}

fn notification(r: NRow) -> NotificationRow {
    NotificationRow {
        id: r.0,
        channel: r.1,
        webhook_id: r.2,
        event_id: r.3,
        event_type: r.4,
        request_id: r.5.map(RequestId),
        recipient: r.6,
        payload: r.7,
        status: r.8,
        attempts: r.9,
        next_attempt_at: from_db(r.10),
        last_status: r.11,
        last_error: r.12,
        created_at: from_db(r.13),
        delivered_at: r.14.map(from_db),
        replay_of: r.15,
    }
}

pub(crate) fn insert_notification(
    c: &mut DbConnection,
    n: &NewNotification,
    now: DateTime<Utc>,
    replay_of: Option<i64>,
) -> StoreResult<usize> {
    Ok(diesel::insert_into(notifications::table)
        .values((
            notifications::channel.eq(&n.channel),
            notifications::webhook_id.eq(n.webhook_id),
            notifications::event_id.eq(&n.event_id),
            notifications::event_type.eq(&n.event_type),
            notifications::request_id.eq(n.request_id),
            notifications::recipient.eq(&n.recipient),
            notifications::payload.eq(&n.payload),
            notifications::dedupe_key.eq(&n.dedupe_key),
            notifications::status.eq("pending"),
            notifications::attempts.eq(0),
            notifications::next_attempt_at.eq(to_db(now)),
            notifications::created_at.eq(to_db(now)),
            notifications::replay_of.eq(replay_of),
        ))
        .execute(c)?)
}

/// Leases these rows for `lease`, counting an attempt of each; the rows as leased.
fn lease_rows(c: &mut DbConnection, ids: &[i64], lease: Duration, now: DateTime<Utc>) -> StoreResult<Vec<NotificationRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set((notifications::lease_until.eq(Some(to_db(now + lease))), notifications::attempts.eq(notifications::attempts + 1)))
        .execute(c)?;
    let rows: Vec<NRow> = notifications::table
        .filter(notifications::id.eq_any(ids))
        .order(notifications::id.asc())
        .select(notification_columns!())
        .load(c)?;
    Ok(rows.into_iter().map(notification).collect())
}

impl Store {
    // ---- idempotency ----------------------------------------------------------------

    /// Claims `key` for `caller`'s request with this fingerprint. Keys older than
    /// `ttl` are forgotten; an attempt in progress longer than two minutes is taken
    /// over. Concurrent first uses: one is [`IdempotencyClaim::Reserved`], the
    /// other sees it in progress.
    pub fn claim_idempotency_key(
        &self,
        caller: UserId,
        key: &str,
        fingerprint: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim> {
        for _ in 0..3 {
            let attempt = self.write_tx(|c| {
                type K = (String, Option<i32>, Option<String>, Option<String>, NaiveDateTime);
                let found: Option<K> = idempotency_keys::table
                    .find((caller, key))
                    .select((
                        idempotency_keys::fingerprint,
                        idempotency_keys::status,
                        idempotency_keys::headers,
                        idempotency_keys::body,
                        idempotency_keys::created_at,
                    ))
                    .first(c)
                    .optional()?;
                let take_over = |c: &mut DbConnection| -> StoreResult<IdempotencyClaim> {
                    diesel::update(idempotency_keys::table.find((caller, key)))
                        .set((
                            idempotency_keys::fingerprint.eq(fingerprint),
                            idempotency_keys::status.eq(None::<i32>),
                            idempotency_keys::headers.eq(None::<String>),
                            idempotency_keys::body.eq(None::<String>),
                            idempotency_keys::created_at.eq(to_db(now)),
                        ))
                        .execute(c)?;
                    Ok(IdempotencyClaim::Reserved)
                };
                match found {
                    None => {
                        diesel::insert_into(idempotency_keys::table)
                            .values((
                                idempotency_keys::caller.eq(caller),
                                idempotency_keys::idem_key.eq(key),
                                idempotency_keys::fingerprint.eq(fingerprint),
                                idempotency_keys::created_at.eq(to_db(now)),
                            ))
                            .execute(c)?;
                        Ok(IdempotencyClaim::Reserved)
                    }
                    Some((_, _, _, _, at)) if from_db(at) + ttl <= now => take_over(c),
                    Some((_, None, _, _, at)) if from_db(at) + Duration::seconds(STALE_RESERVATION_SECS) <= now => take_over(c),
                    Some((fp, _, _, _, _)) if fp != fingerprint => Ok(IdempotencyClaim::Mismatch),
                    Some((_, None, _, _, _)) => Ok(IdempotencyClaim::InProgress),
                    Some((_, Some(status), headers, body, _)) => Ok(IdempotencyClaim::Replay(StoredResponse {
                        status: u16::try_from(status).map_err(|_| StoreError::Corrupt(format!("idempotency status {status}")))?,
                        headers: headers.as_deref().map(serde_json::from_str).transpose()?.unwrap_or_default(),
                        body: body.unwrap_or_default(),
                    })),
                }
            });
            match attempt {
                // Another instance inserted the same key between our read and write.
                Err(StoreError::Duplicate(_)) => continue,
                other => return other,
            }
        }
        Ok(IdempotencyClaim::InProgress)
    }

    /// Keeps the response of a reserved key for replay.
    pub fn complete_idempotency_key(&self, caller: UserId, key: &str, response: &StoredResponse) -> StoreResult<()> {
        let headers = serde_json::to_string(&response.headers)?;
        self.write_tx(|c| {
            diesel::update(idempotency_keys::table.find((caller, key)))
                .set((
                    idempotency_keys::status.eq(Some(i32::from(response.status))),
                    idempotency_keys::headers.eq(Some(headers)),
                    idempotency_keys::body.eq(Some(&response.body)),
                ))
                .execute(c)?;
            Ok(())
        })
    }

    /// Forgets a reserved key whose attempt failed on the server, so a retry runs again.
    pub fn release_idempotency_key(&self, caller: UserId, key: &str) -> StoreResult<()> {
        self.write_tx(|c| {
            diesel::delete(idempotency_keys::table.find((caller, key)).filter(idempotency_keys::status.is_null())).execute(c)?;
            Ok(())
        })
    }

    /// Deletes keys created before `cutoff`; returns how many.
    pub fn purge_idempotency_keys(&self, cutoff: DateTime<Utc>) -> StoreResult<usize> {
        self.write_tx(|c| Ok(diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(to_db(cutoff)))).execute(c)?))
    }

    /// Deletes what has been told and is only kept as a record, made before `cutoff`:
    /// e-mails and webhook deliveries sent or given up (the outbox and the delivery
    /// log; pending ones stay, whatever their age) and inbox notices their reader has
    /// read (unread ones stay). Returns how many of each.
    pub fn purge_notification_log(&self, cutoff: DateTime<Utc>) -> StoreResult<(usize, usize)> {
        use crate::schema::inbox;
        self.write_tx(|c| {
            let at = to_db(cutoff);
            let sent = diesel::delete(
                notifications::table.filter(notifications::status.eq_any(["delivered", "failed"])).filter(notifications::created_at.lt(at)),
            )
            .execute(c)?;
            let read = diesel::delete(inbox::table.filter(inbox::read_at.is_not_null()).filter(inbox::created_at.lt(at))).execute(c)?;
            Ok((sent, read))
        })
    }

    // ---- the outbox -----------------------------------------------------------------

    /// Events not yet turned into notifications, oldest first.
    pub fn unnotified_events(&self, limit: i64) -> StoreResult<Vec<EventRow>> {
        let rows: Vec<EventTuple> = request_events::table
            .filter(request_events::notified_at.is_null())
            .order((request_events::at.asc(), request_events::request_id.asc(), request_events::seq.asc()))
            .limit(limit)
            .select(EVENT_COLUMNS)
            .load(&mut *self.conn()?)?;
        rows.into_iter().map(event_row).collect()
    }

    /// Marks the events that happened before `cutoff` notified without telling anyone: a
    /// history loaded at once (the demo's year) is not news to its people or systems.
    pub fn mark_events_notified_before(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<usize> {
        self.write_tx(|c| {
            Ok(diesel::update(
                request_events::table.filter(request_events::notified_at.is_null().and(request_events::at.lt(to_db(cutoff)))),
            )
            .set(request_events::notified_at.eq(Some(to_db(now))))
            .execute(c)?)
        })
    }

    /// Marks events notified and queues what they cause — webhook and e-mail
    /// notifications and in-app notices — in one transaction, so that each is done
    /// once however many instances run the sweep. [`StoreError::Conflict`] (and nothing
    /// written) when another worker got there first.
    pub fn record_notifications(
        &self,
        events: &[(i64, i32)],
        new: &[NewNotification],
        inbox: &[crate::NewInbox],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_tx(|c| {
            for (request_id, seq) in events {
                let n = diesel::update(request_events::table.find((request_id, seq)).filter(request_events::notified_at.is_null()))
                    .set(request_events::notified_at.eq(Some(to_db(now))))
                    .execute(c)?;
                if n == 0 {
                    return Err(StoreError::Conflict);
                }
            }
            for n in new {
                insert_notification(c, n, now, None)?;
            }
            crate::inquiries::add_inbox(c, inbox, now)
        })
    }

    /// Queues one notification unless one with the same dedupe key exists; returns
    /// whether it was queued.
    pub fn enqueue_notification(&self, new: &NewNotification, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = self.write_tx(|c| {
            if let Some(key) = &new.dedupe_key {
                let seen: i64 = notifications::table.filter(notifications::dedupe_key.eq(key)).count().get_result(c)?;
                if seen > 0 {
                    return Ok(false);
                }
            }
            insert_notification(c, new, now, None)?;
            Ok(true)
        });
        match result {
            Err(StoreError::Duplicate(_)) => Ok(false),
            other => other,
        }
    }

    /// Leases up to `limit` due notifications for `lease`; each is counted as an
    /// attempt. Rows leased by another worker are skipped. An e-mail is due only once
    /// `hold_email` has passed since it was made, so that what else comes for its
    /// person meanwhile can go with it ([`Store::lease_emails_to`]).
    pub fn lease_due_notifications(
        &self,
        limit: i64,
        lease: Duration,
        hold_email: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<NotificationRow>> {
        self.write_tx(|c| {
            let due = notifications::table
                .filter(notifications::status.eq("pending"))
                .filter(notifications::next_attempt_at.le(to_db(now)))
                .filter(notifications::channel.ne("email").or(notifications::created_at.le(to_db(now - hold_email))))
                .filter(notifications::lease_until.is_null().or(notifications::lease_until.lt(to_db(now))))
                .order(notifications::next_attempt_at.asc())
                .limit(limit)
                .select(notifications::id);
            let ids: Vec<i64> = match c {
                DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
                DbConnection::Sqlite(lite) => due.load(lite)?,
            };
            lease_rows(c, &ids, lease, now)
        })
    }

    /// Leases up to `limit` e-mails waiting for these addresses (in any case), due or
    /// not yet (held, or waiting to be tried again), oldest first: to go in one message
    /// with one of theirs that is due. Rows leased by another worker are skipped.
    pub fn lease_emails_to(
        &self,
        addresses: &[String],
        limit: i64,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<NotificationRow>> {
        let lowered: Vec<String> = addresses.iter().map(|a| a.to_lowercase()).collect();
        self.write_tx(|c| {
            let waiting = notifications::table
                .filter(notifications::status.eq("pending"))
                .filter(notifications::channel.eq("email"))
                .filter(crate::lower(notifications::recipient).eq_any(&lowered))
                .filter(notifications::lease_until.is_null().or(notifications::lease_until.lt(to_db(now))))
                .order(notifications::id.asc())
                .limit(limit)
                .select(notifications::id);
            let ids: Vec<i64> = match c {
                DbConnection::Postgres(pg) => waiting.for_update().skip_locked().load(pg)?,
                DbConnection::Sqlite(lite) => waiting.load(lite)?,
            };
            lease_rows(c, &ids, lease, now)
        })
    }

    /// Records how a leased send went.
    pub fn record_send(&self, id: i64, outcome: &SendOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        let target = notifications::table.find(id);
        self.write_tx(|c| {
            match outcome {
                SendOutcome::Delivered { status } => diesel::update(target)
                    .set((
                        notifications::status.eq("delivered"),
                        notifications::last_status.eq(*status),
                        notifications::last_error.eq(None::<String>),
                        notifications::delivered_at.eq(Some(to_db(now))),
                        notifications::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(c),
                SendOutcome::Failed { status, error, retry_at } => diesel::update(target)
                    .set((
                        notifications::status.eq(if retry_at.is_some() { "pending" } else { "failed" }),
                        notifications::last_status.eq(*status),
                        notifications::last_error.eq(Some(error)),
                        notifications::next_attempt_at.eq(to_db(retry_at.unwrap_or(now))),
                        notifications::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(c),
            }?;
            Ok(())
        })
    }

    /// A webhook's delivery log, newest first; `before` is the last id of the previous page.
    pub fn list_webhook_notifications(&self, webhook_id: i64, before: Option<i64>, limit: i64) -> StoreResult<Vec<NotificationRow>> {
        let mut q = notifications::table
            .filter(notifications::webhook_id.eq(webhook_id))
            .order(notifications::id.desc())
            .limit(limit)
            .select(notification_columns!())
            .into_boxed();
        if let Some(before) = before {
            q = q.filter(notifications::id.lt(before));
        }
        Ok(q.load::<NRow>(&mut *self.conn()?)?.into_iter().map(notification).collect())
    }

    pub fn get_notification(&self, id: i64) -> StoreResult<NotificationRow> {
        let r: NRow = notifications::table.find(id).select(notification_columns!()).first(&mut *self.conn()?)?;
        Ok(notification(r))
    }

    /// E-mails (for tests and the admin), newest first.
    pub fn list_notifications(&self, channel: &str, limit: i64) -> StoreResult<Vec<NotificationRow>> {
        let rows: Vec<NRow> = notifications::table
            .filter(notifications::channel.eq(channel))
            .order(notifications::id.desc())
            .limit(limit)
            .select(notification_columns!())
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(notification).collect())
    }

    /// Sends a delivery again as a new log entry with the same event id (receivers
    /// de-duplicate on it).
    pub fn replay_notification(&self, id: i64, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<NotificationRow> {
        let new_id = self.write_tx(|c| {
            let r: NRow = notifications::table.find(id).select(notification_columns!()).first(c)?;
            let old = notification(r);
            let new = NewNotification {
                channel: old.channel,
                webhook_id: old.webhook_id,
                event_id: old.event_id,
                event_type: old.event_type,
                request_id: old.request_id,
                recipient: old.recipient,
                payload: old.payload,
                dedupe_key: None,
            };
            insert_notification(c, &new, now, Some(id))?;
            let new_id: i64 = notifications::table
                .filter(notifications::replay_of.eq(id))
                .select(diesel::dsl::max(notifications::id))
                .first::<Option<i64>>(c)?
                .ok_or(StoreError::NotFound)?;
            append(c, audit, "webhook.replayed", new.request_id, &serde_json::json!({"delivery": id, "replay": new_id}), now)?;
            Ok(new_id)
        })?;
        self.get_notification(new_id)
    }
}
