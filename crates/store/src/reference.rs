//! Reference data DGPA administers — the field dictionary and the catalog of
//! existing sources — as versioned JSON documents keyed by kind and key. Every
//! change is written with its history entry (who, when, which values changed) and
//! an audit entry in one transaction, and bumps the kind's revision so that each
//! instance's cache knows to reload. Deleting keeps a tombstone and the history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;
use statreq_domain::{diff, UserId};

use crate::audit::{append, AuditContext};
use crate::schema::{reference_history, reference_items, reference_revisions};
use crate::{from_db, to_db, DbConnection, Store, StoreError, StoreResult};

/// One live item.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceItem {
    pub key: String,
    pub body: Value,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserId>,
}

/// One change of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceChange {
    pub id: i64,
    pub key: String,
    pub version: i64,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    /// `[{pointer, before?, after?}]` (see `statreq_domain::diff`).
    pub changes: Value,
    pub changed_by: Option<UserId>,
    pub changed_at: DateTime<Utc>,
}

/// What saving did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created,
    Updated,
    Unchanged,
}

/// Counts of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

type HistoryTuple = (i64, String, i64, String, String, Option<UserId>, NaiveDateTime);
type ItemRow = (String, String, i64, NaiveDateTime, Option<UserId>, Option<NaiveDateTime>);

fn item(r: ItemRow) -> StoreResult<ReferenceItem> {
    Ok(ReferenceItem { key: r.0, body: serde_json::from_str(&r.1)?, version: r.2, updated_at: from_db(r.3), updated_by: r.4 })
}

fn bump(c: &mut DbConnection, kind: &str) -> StoreResult<()> {
    let n = diesel::update(reference_revisions::table.find(kind))
        .set(reference_revisions::revision.eq(reference_revisions::revision + 1))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(reference_revisions::table)
            .values((reference_revisions::kind.eq(kind), reference_revisions::revision.eq(1_i64)))
            .execute(c)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn history(
    c: &mut DbConnection,
    kind: &str,
    key: &str,
    version: i64,
    action: &str,
    changes: &[diff::Change],
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(reference_history::table)
        .values((
            reference_history::kind.eq(kind),
            reference_history::item_key.eq(key),
            reference_history::version.eq(version),
            reference_history::action.eq(action),
            reference_history::changes.eq(serde_json::to_string(changes)?),
            reference_history::changed_by.eq(by),
            reference_history::changed_at.eq(to_db(now)),
        ))
        .execute(c)?;
    Ok(())
}

/// Creates, revives or updates one item inside the caller's transaction.
/// `expected` guards an update (the version the editor saw); `create_only` refuses
/// to overwrite a live item (Duplicate).
#[allow(clippy::too_many_arguments)]
fn save_in(
    c: &mut DbConnection,
    kind: &str,
    key: &str,
    body: &Value,
    expected: Option<i64>,
    create_only: bool,
    audit: &AuditContext,
    now: DateTime<Utc>,
) -> StoreResult<(Saved, i64)> {
    let current: Option<(String, i64, Option<NaiveDateTime>)> = reference_items::table
        .find((kind, key))
        .select((reference_items::body, reference_items::version, reference_items::deleted_at))
        .first(c)
        .optional()?;
    let text = serde_json::to_string(body)?;
    let (saved, version, changes) = match current {
        None => {
            if expected.is_some() {
                return Err(StoreError::NotFound);
            }
            diesel::insert_into(reference_items::table)
                .values((
                    reference_items::kind.eq(kind),
                    reference_items::item_key.eq(key),
                    reference_items::body.eq(&text),
                    reference_items::version.eq(1_i64),
                    reference_items::updated_at.eq(to_db(now)),
                    reference_items::updated_by.eq(audit.actor_id),
                ))
                .execute(c)?;
            (Saved::Created, 1, diff::changes(&Value::Object(Default::default()), body))
        }
        Some((old, version, deleted)) => {
            let live = deleted.is_none();
            if live && create_only {
                return Err(StoreError::Duplicate(format!("{kind} {key}")));
            }
            if expected.is_some_and(|v| v != version) {
                return Err(StoreError::Conflict);
            }
            if !live && expected.is_some() {
                return Err(StoreError::NotFound);
            }
            let before: Value = if live { serde_json::from_str(&old)? } else { Value::Object(Default::default()) };
            let changes = diff::changes(&before, body);
            if live && changes.is_empty() {
                return Ok((Saved::Unchanged, version));
            }
            let n = diesel::update(reference_items::table.find((kind, key)).filter(reference_items::version.eq(version)))
                .set((
                    reference_items::body.eq(&text),
                    reference_items::version.eq(version + 1),
                    reference_items::updated_at.eq(to_db(now)),
                    reference_items::updated_by.eq(audit.actor_id),
                    reference_items::deleted_at.eq(None::<NaiveDateTime>),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            (if live { Saved::Updated } else { Saved::Created }, version + 1, changes)
        }
    };
    let action = if saved == Saved::Created { "created" } else { "updated" };
    history(c, kind, key, version, action, &changes, audit.actor_id, now)?;
    let pointers: Vec<&str> = changes.iter().map(|ch| ch.pointer.as_str()).collect();
    append(c, audit, &format!("{kind}.{action}"), None, &serde_json::json!({"key": key, "version": version, "changed": pointers}), now)?;
    Ok((saved, version))
}

impl Store {
    /// The kind's revision: 0 before it is first seeded, then bumped by every change.
    pub fn reference_revision(&self, kind: &str) -> StoreResult<i64> {
        Ok(reference_revisions::table
            .find(kind)
            .select(reference_revisions::revision)
            .first::<i64>(&mut *self.conn()?)
            .optional()?
            .unwrap_or(0))
    }

    /// Writes the built-in items of a kind once, on a database that never had any
    /// (no revision yet); later releases never overwrite DGPA's edits. Returns
    /// whether it seeded.
    pub fn seed_reference(&self, kind: &str, items: &[(String, Value)], now: DateTime<Utc>) -> StoreResult<bool> {
        let seeded = self.write_tx(|c| {
            let seeded = reference_revisions::table.find(kind).select(reference_revisions::revision).first::<i64>(c).optional()?;
            if seeded.is_some() {
                return Ok(false);
            }
            for (key, body) in items {
                diesel::insert_into(reference_items::table)
                    .values((
                        reference_items::kind.eq(kind),
                        reference_items::item_key.eq(key),
                        reference_items::body.eq(serde_json::to_string(body)?),
                        reference_items::version.eq(1_i64),
                        reference_items::updated_at.eq(to_db(now)),
                    ))
                    .execute(c)?;
                let changes = diff::changes(&Value::Object(Default::default()), body);
                history(c, kind, key, 1, "created", &changes, None, now)?;
            }
            bump(c, kind)?;
            Ok(true)
        });
        match seeded {
            // Another instance starting at the same moment seeded it first.
            Err(StoreError::Duplicate(_)) => Ok(false),
            other => other,
        }
    }

    /// Live items of a kind, by key.
    pub fn list_reference(&self, kind: &str) -> StoreResult<Vec<ReferenceItem>> {
        reference_items::table
            .filter(reference_items::kind.eq(kind))
            .filter(reference_items::deleted_at.is_null())
            .order(reference_items::item_key.asc())
            .select((
                reference_items::item_key,
                reference_items::body,
                reference_items::version,
                reference_items::updated_at,
                reference_items::updated_by,
                reference_items::deleted_at,
            ))
            .load::<ItemRow>(&mut *self.conn()?)?
            .into_iter()
            .map(item)
            .collect()
    }

    pub fn get_reference(&self, kind: &str, key: &str) -> StoreResult<ReferenceItem> {
        let r: ItemRow = reference_items::table
            .find((kind, key))
            .filter(reference_items::deleted_at.is_null())
            .select((
                reference_items::item_key,
                reference_items::body,
                reference_items::version,
                reference_items::updated_at,
                reference_items::updated_by,
                reference_items::deleted_at,
            ))
            .first(&mut *self.conn()?)?;
        item(r)
    }

    /// Creates (`expected` None, `create_only`), or updates guarded by `expected`.
    #[allow(clippy::too_many_arguments)]
    pub fn save_reference(
        &self,
        kind: &str,
        key: &str,
        body: &Value,
        expected: Option<i64>,
        create_only: bool,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<(Saved, ReferenceItem)> {
        let (saved, _) = self.write_tx(|c| {
            let out = save_in(c, kind, key, body, expected, create_only, audit, now)?;
            if out.0 != Saved::Unchanged {
                bump(c, kind)?;
            }
            Ok(out)
        })?;
        Ok((saved, self.get_reference(kind, key)?))
    }

    /// Creates or updates many items in one transaction: all or nothing.
    pub fn import_reference(
        &self,
        kind: &str,
        items: &[(String, Value)],
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<ImportCounts> {
        self.write_tx(|c| {
            let mut counts = ImportCounts::default();
            for (key, body) in items {
                match save_in(c, kind, key, body, None, false, audit, now)?.0 {
                    Saved::Created => counts.created += 1,
                    Saved::Updated => counts.updated += 1,
                    Saved::Unchanged => counts.unchanged += 1,
                }
            }
            if counts.created + counts.updated > 0 {
                bump(c, kind)?;
            }
            Ok(counts)
        })
    }

    /// Deletes an item (a tombstone: its history stays, its key may be reused).
    pub fn delete_reference(
        &self,
        kind: &str,
        key: &str,
        expected: Option<i64>,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_tx(|c| {
            let (old, version): (String, i64) = reference_items::table
                .find((kind, key))
                .filter(reference_items::deleted_at.is_null())
                .select((reference_items::body, reference_items::version))
                .first(c)?;
            if expected.is_some_and(|v| v != version) {
                return Err(StoreError::Conflict);
            }
            // Compare-and-set, as an edit is: an edit landing in between (on PostgreSQL,
            // another transaction) makes this a conflict, not a deletion of what it wrote.
            let n = diesel::update(reference_items::table.find((kind, key)).filter(reference_items::version.eq(version)))
                .set((
                    reference_items::version.eq(version + 1),
                    reference_items::deleted_at.eq(Some(to_db(now))),
                    reference_items::updated_at.eq(to_db(now)),
                    reference_items::updated_by.eq(audit.actor_id),
                ))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict);
            }
            let changes = diff::changes(&serde_json::from_str(&old)?, &Value::Object(Default::default()));
            history(c, kind, key, version + 1, "deleted", &changes, audit.actor_id, now)?;
            append(c, audit, &format!("{kind}.deleted"), None, &serde_json::json!({"key": key, "version": version + 1}), now)?;
            bump(c, kind)
        })
    }

    /// An item's changes, oldest first (also after it was deleted).
    pub fn reference_history(&self, kind: &str, key: &str) -> StoreResult<Vec<ReferenceChange>> {
        let rows: Vec<HistoryTuple> = reference_history::table
            .filter(reference_history::kind.eq(kind))
            .filter(reference_history::item_key.eq(key))
            .order(reference_history::id.asc())
            .select((
                reference_history::id,
                reference_history::item_key,
                reference_history::version,
                reference_history::action,
                reference_history::changes,
                reference_history::changed_by,
                reference_history::changed_at,
            ))
            .load(&mut *self.conn()?)?;
        rows.into_iter()
            .map(|r| {
                Ok(ReferenceChange {
                    id: r.0,
                    key: r.1,
                    version: r.2,
                    action: r.3,
                    changes: serde_json::from_str(&r.4)?,
                    changed_by: r.5,
                    changed_at: from_db(r.6),
                })
            })
            .collect()
    }
}
