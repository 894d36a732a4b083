//! Backup and restore of the database itself: a consistent snapshot while the
//! service writes (SQLite `VACUUM INTO`; PostgreSQL through `pg_dump`, one
//! repeatable-read snapshot), restore into an empty database only, and the
//! replay of shredding that happened after a backup was taken.

use statreq_domain::RequestId;
use std::path::Path;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::audit::{append, AuditContext};
use crate::conn::{Backend, Manager};
use crate::schema::{attachments, deliveries};
use crate::{Store, StoreError, StoreResult};

/// Whether a database URL names an empty database: a SQLite file that does not
/// exist or is empty, or a PostgreSQL database without tables of its own.
pub fn database_is_empty(url: &str) -> StoreResult<bool> {
    let manager = Manager::new(url)?;
    match manager.backend() {
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            Ok(std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(true))
        }
        Backend::Postgres => {
            let mut c = PgConnection::establish(url).map_err(|e| StoreError::Unavailable(e.to_string()))?;
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let n: N = diesel::sql_query(
                "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            )
            .get_result(&mut c)?;
            Ok(n.n == 0)
        }
    }
}

/// Runs a program, failing with its own words when it fails.
fn run(cmd: &mut std::process::Command, what: &str) -> StoreResult<()> {
    let out = cmd.output().map_err(|e| StoreError::Unavailable(format!("{what}: {e} (is the PostgreSQL client installed?)")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Unavailable(format!("{what}: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

impl Store {
    /// Writes a consistent snapshot of the database to `to` while others write:
    /// SQLite `VACUUM INTO`; PostgreSQL `pg_dump --format=custom` (one
    /// repeatable-read transaction). `url` is the store's own URL.
    pub fn snapshot_to(&self, url: &str, to: &Path) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                let target = to.to_str().ok_or_else(|| StoreError::InvalidUrl(format!("{}: not UTF-8", to.display())))?;
                let mut c = self.conn()?;
                c.batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))?;
                Ok(())
            }
            Backend::Postgres => run(
                std::process::Command::new("pg_dump").arg("--format=custom").arg("--no-owner").arg("--file").arg(to).arg(url),
                "pg_dump",
            ),
        }
    }

    /// Shredding replayed after a restore: the data keys (and passphrases) of the
    /// files whose storage keys are given are deleted again, each recorded in the
    /// audit trail. Returns how many files were shredded now.
    pub fn forget_shredded(&self, keys: &[String], now: DateTime<Utc>) -> StoreResult<usize> {
        self.write_tx(|c| {
            let mut n = 0;
            for chunk in keys.chunks(500) {
                let hits: Vec<(i64, i64)> = deliveries::table
                    .filter(deliveries::storage_key.eq_any(chunk))
                    .filter(deliveries::wrapped_key.is_not_null())
                    .select((deliveries::id, deliveries::request_id))
                    .load(c)?;
                for (id, request_id) in hits {
                    diesel::update(deliveries::table.find(id))
                        .set((
                            deliveries::wrapped_key.eq(None::<String>),
                            deliveries::passphrase.eq(None::<String>),
                            deliveries::shredded_at.eq(Some(crate::to_db(now))),
                        ))
                        .execute(c)?;
                    let detail = serde_json::json!({"delivery": id, "why": "shredded after the backup was taken"});
                    append(c, &AuditContext::default(), "delivery.shredded_on_restore", Some(RequestId(request_id)), &detail, now)?;
                    n += 1;
                }
                let hits: Vec<(i64, i64)> = attachments::table
                    .filter(attachments::storage_key.eq_any(chunk))
                    .filter(attachments::wrapped_key.ne(""))
                    .select((attachments::id, attachments::request_id))
                    .load(c)?;
                for (id, request_id) in hits {
                    diesel::update(attachments::table.find(id)).set(attachments::wrapped_key.eq("")).execute(c)?;
                    let detail = serde_json::json!({"attachment": id, "why": "shredded after the backup was taken"});
                    append(c, &AuditContext::default(), "attachment.shredded_on_restore", Some(RequestId(request_id)), &detail, now)?;
                    n += 1;
                }
            }
            Ok(n)
        })
    }
}

impl Store {
    /// The storage keys of every file whose data key is gone (shredded), for the
    /// shred list kept with the keys.
    pub fn shredded_storage_keys(&self) -> StoreResult<Vec<String>> {
        let mut c = self.conn()?;
        let mut keys: Vec<String> =
            deliveries::table.filter(deliveries::wrapped_key.is_null()).select(deliveries::storage_key).load(&mut *c)?;
        keys.extend(attachments::table.filter(attachments::wrapped_key.eq("")).select(attachments::storage_key).load::<String>(&mut *c)?);
        Ok(keys)
    }
}

/// Restores a snapshot made by [`Store::snapshot_to`] into the empty database `url`
/// (refused otherwise). The store is opened (and migrated) afterwards as usual.
pub fn restore_snapshot(url: &str, from: &Path) -> StoreResult<()> {
    if !database_is_empty(url)? {
        return Err(StoreError::Invalid("the target database is not empty: restore only into an empty database".into()));
    }
    let manager = Manager::new(url)?;
    match manager.backend() {
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            if let Some(dir) = Path::new(path).parent() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Unavailable(e.to_string()))?;
            }
            std::fs::copy(from, path).map_err(|e| StoreError::Unavailable(format!("{path}: {e}")))?;
            Ok(())
        }
        Backend::Postgres => run(
            std::process::Command::new("pg_restore")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exit-on-error")
                .arg("--dbname")
                .arg(url)
                .arg(from),
            "pg_restore",
        ),
    }
}
