//! Webhook subscriptions: where request and question events go, signed with a secret
//! the keyring seals (a new one may be given ahead of its use).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::UserId;

use crate::audit::{append, AuditContext};
use crate::schema::{notifications, webhooks};
use crate::{from_db, to_db, DbConnection, Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRow {
    pub id: i64,
    pub owner_id: UserId,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    /// The signing secret, sealed by the keyring (never stored in the clear).
    pub sealed_secret: String,
    /// A new secret given ahead of its use, and when deliveries switch to it.
    pub next_secret: Option<(String, DateTime<Utc>)>,
    pub created_at: DateTime<Utc>,
    /// Raised by every change (the ETag).
    pub version: i64,
}

/// What a change of a subscription sets: its address, events and description (the
/// secret stays).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookChange {
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
}

pub struct NewWebhook {
    pub owner_id: UserId,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub sealed_secret: String,
}

type WRow = (i64, UserId, String, String, String, String, NaiveDateTime, i64, Option<String>, Option<NaiveDateTime>);

fn webhook(r: WRow) -> StoreResult<WebhookRow> {
    Ok(WebhookRow {
        id: r.0,
        owner_id: r.1,
        url: r.2,
        events: serde_json::from_str(&r.3)?,
        description: r.4,
        sealed_secret: r.5,
        next_secret: r.8.zip(r.9.map(from_db)),
        created_at: from_db(r.6),
        version: r.7,
    })
}

impl WebhookRow {
    /// The sealed secret deliveries are signed with at `now`.
    pub fn signing_secret(&self, now: DateTime<Utc>) -> &str {
        match &self.next_secret {
            Some((next, from)) if *from <= now => next,
            _ => &self.sealed_secret,
        }
    }

    /// When a secret given ahead takes over, while that is still to come.
    pub fn secret_switches_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_secret.as_ref().map(|(_, from)| *from).filter(|from| *from > now)
    }
}

/// A live subscription's version, its row locked for the change being made;
/// [`StoreError::Conflict`] when it is not `expected`.
fn locked_webhook(c: &mut DbConnection, id: i64, expected: Option<i64>) -> StoreResult<i64> {
    let q = webhooks::table.find(id).filter(webhooks::deleted_at.is_null()).select(webhooks::version);
    let version: i64 = match c {
        DbConnection::Postgres(pg) => q.for_no_key_update().first(pg)?,
        DbConnection::Sqlite(lite) => q.first(lite)?,
    };
    if expected.is_some_and(|v| v != version) {
        return Err(StoreError::Conflict);
    }
    Ok(version)
}

macro_rules! webhook_columns {
    () => {
        (
            webhooks::id,
            webhooks::owner_id,
            webhooks::url,
            webhooks::events,
            webhooks::description,
            webhooks::secret,
            webhooks::created_at,
            webhooks::version,
            webhooks::next_secret,
            webhooks::next_secret_from,
        )
    };
}

impl Store {
    // ---- webhooks -------------------------------------------------------------------

    /// Subscribes, unless the owner has `max` subscriptions already
    /// ([`StoreError::LimitReached`], counted in the transaction).
    pub fn create_webhook(&self, new: NewWebhook, max: usize, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<WebhookRow> {
        let events = serde_json::to_string(&new.events)?;
        let id = self.write_tx(|c| {
            // Concurrent subscriptions of one owner count in turn.
            crate::users::lock_account(c, new.owner_id)?;
            let live: i64 =
                webhooks::table.filter(webhooks::owner_id.eq(new.owner_id)).filter(webhooks::deleted_at.is_null()).count().get_result(c)?;
            if usize::try_from(live).unwrap_or(usize::MAX) >= max {
                return Err(StoreError::LimitReached);
            }
            let id = diesel::insert_into(webhooks::table)
                .values((
                    webhooks::owner_id.eq(new.owner_id),
                    webhooks::url.eq(&new.url),
                    webhooks::events.eq(&events),
                    webhooks::description.eq(&new.description),
                    webhooks::secret.eq(&new.sealed_secret),
                    webhooks::created_at.eq(to_db(now)),
                ))
                .returning(webhooks::id)
                .get_result::<i64>(c)?;
            let detail = serde_json::json!({"webhook": id, "url": new.url, "events": new.events});
            append(c, audit, "webhook.created", None, &detail, now)?;
            Ok(id)
        })?;
        self.get_webhook(id)
    }

    /// A subscription that has not been deleted.
    pub fn get_webhook(&self, id: i64) -> StoreResult<WebhookRow> {
        let r: WRow =
            webhooks::table.find(id).filter(webhooks::deleted_at.is_null()).select(webhook_columns!()).first(&mut *self.conn()?)?;
        webhook(r)
    }

    /// A subscription, also after it was deleted (its delivery log stays readable).
    pub fn get_webhook_ever(&self, id: i64) -> StoreResult<WebhookRow> {
        let r: WRow = webhooks::table.find(id).select(webhook_columns!()).first(&mut *self.conn()?)?;
        webhook(r)
    }

    /// Live subscriptions, of one owner or all.
    pub fn list_webhooks(&self, owner: Option<UserId>) -> StoreResult<Vec<WebhookRow>> {
        let mut q =
            webhooks::table.filter(webhooks::deleted_at.is_null()).order(webhooks::id.asc()).select(webhook_columns!()).into_boxed();
        if let Some(owner) = owner {
            q = q.filter(webhooks::owner_id.eq(owner));
        }
        q.load::<WRow>(&mut *self.conn()?)?.into_iter().map(webhook).collect()
    }

    /// Changes a subscription in place at version `expected` (`None`: whichever is
    /// current): deliveries still pending go to the new address. Deleted or unknown:
    /// [`StoreError::NotFound`]; another change landed first: [`StoreError::Conflict`].
    pub fn update_webhook(
        &self,
        id: i64,
        expected: Option<i64>,
        change: &WebhookChange,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookRow> {
        let events = serde_json::to_string(&change.events)?;
        self.write_tx(|c| {
            let version = locked_webhook(c, id, expected)?;
            let stored: (String, String, String) =
                webhooks::table.find(id).select((webhooks::url, webhooks::events, webhooks::description)).first(c)?;
            if stored == (change.url.clone(), events.clone(), change.description.clone()) {
                // Nothing differs: no new version, no audit entry of a change nobody made.
                return Ok(());
            }
            diesel::update(webhooks::table.find(id))
                .set((
                    webhooks::url.eq(&change.url),
                    webhooks::events.eq(&events),
                    webhooks::description.eq(&change.description),
                    webhooks::version.eq(version + 1),
                ))
                .execute(c)?;
            diesel::update(notifications::table.filter(notifications::webhook_id.eq(id).and(notifications::status.eq("pending"))))
                .set(notifications::recipient.eq(&change.url))
                .execute(c)?;
            let detail = serde_json::json!({"webhook": id, "url": change.url, "events": change.events, "version": version + 1});
            append(c, audit, "webhook.updated", None, &detail, now)
        })?;
        self.get_webhook(id)
    }

    /// Gives a subscription a new signing secret (sealed) at version `expected`; every
    /// delivery signed from now on, retries of pending ones too, uses it. As
    /// [`Store::update_webhook`] for a deleted subscription or a stale version.
    ///
    /// With `from` after `now` the new secret waits beside the current one, which signs
    /// until then (a secret given ahead earlier and already in use becomes the current
    /// one first; one still waiting is replaced). Otherwise it signs from now on.
    #[allow(clippy::too_many_arguments)]
    pub fn rotate_webhook_secret(
        &self,
        id: i64,
        expected: Option<i64>,
        sealed_secret: &str,
        from: DateTime<Utc>,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<WebhookRow> {
        self.write_tx(|c| {
            let version = locked_webhook(c, id, expected)?;
            let (current, next, next_from): (String, Option<String>, Option<NaiveDateTime>) =
                webhooks::table.find(id).select((webhooks::secret, webhooks::next_secret, webhooks::next_secret_from)).first(c)?;
            // The secret signing now: a waiting one whose time came has taken over.
            let signing = match (next, next_from) {
                (Some(next), Some(at)) if from_db(at) <= now => next,
                _ => current,
            };
            let (secret, next, next_from) = match from > now {
                true => (signing, Some(sealed_secret.to_string()), Some(to_db(from))),
                false => (sealed_secret.to_string(), None, None),
            };
            diesel::update(webhooks::table.find(id))
                .set((
                    webhooks::secret.eq(secret),
                    webhooks::next_secret.eq(next),
                    webhooks::next_secret_from.eq(next_from),
                    webhooks::version.eq(version + 1),
                ))
                .execute(c)?;
            let data = serde_json::json!({"webhook": id, "version": version + 1, "switches_at": (from > now).then_some(from)});
            append(c, audit, "webhook.secret_rotated", None, &data, now)
        })?;
        self.get_webhook(id)
    }

    /// Ends a subscription; its pending deliveries are dropped (the log stays).
    pub fn delete_webhook(&self, id: i64, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<()> {
        self.write_tx(|c| {
            let n = diesel::update(webhooks::table.find(id).filter(webhooks::deleted_at.is_null()))
                .set(webhooks::deleted_at.eq(Some(to_db(now))))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            diesel::update(notifications::table.filter(notifications::webhook_id.eq(id).and(notifications::status.eq("pending"))))
                .set((notifications::status.eq("failed"), notifications::last_error.eq(Some("subscription deleted"))))
                .execute(c)?;
            append(c, audit, "webhook.deleted", None, &serde_json::json!({"webhook": id}), now)
        })
    }
}
