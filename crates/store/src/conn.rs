//! Connections: one enum over both backends, a pool manager that picks the backend
//! from the URL scheme (and reports the real connection error), SQLite pragmas on
//! every connection, and write transactions that take SQLite's write lock up front.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::{StoreError, StoreResult};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

diesel::define_sql_function! {
    /// SQLite's `lower()` as PostgreSQL's in a UTF-8 database: every letter lower-cased
    /// (SQLite's own leaves all but ASCII, so 「ＩＴ科」 stayed as stored and a search for
    /// 「it科」 missed it). Registered on each SQLite connection over the built-in; no index
    /// is built on `lower()`, so nothing stored depends on the built-in's answer.
    #[sql_name = "lower"]
    fn unicode_lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Durability first: an acknowledged write survives power loss (synchronous=FULL).
/// `secure_delete` overwrites deleted content with zeros, so a shredded key or a
/// deleted token does not linger in free pages of the database file.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;";

#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

impl Manager {
    pub fn new(url: &str) -> StoreResult<Manager> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::InvalidUrl("sqlite:// needs a file path, e.g. sqlite://var/statreq.sqlite".into()));
            }
            Ok(Manager { backend: Backend::Sqlite, target: path.to_string() })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Manager { backend: Backend::Postgres, target: url.to_string() })
        } else {
            Err(StoreError::InvalidUrl("use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE".into()))
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl diesel::r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Postgres).map_err(|e| ConnectError(e.to_string())),
            Backend::Sqlite => {
                let mut c = SqliteConnection::establish(&self.target).map_err(|e| ConnectError(format!("{}: {e}", self.target)))?;
                c.batch_execute(SQLITE_PRAGMAS).map_err(|e| ConnectError(e.to_string()))?;
                unicode_lower_utils::register_impl(&mut c, |text: Option<String>| text.map(|t| t.to_lowercase()))
                    .map_err(|e| ConnectError(e.to_string()))?;
                Ok(DbConnection::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

fn migration_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// An arbitrary constant naming statreq's migration lock (PostgreSQL advisory lock).
const MIGRATION_LOCK: i64 = 0x5354_5251_4d49_4752; // "STRQMIGR"

pub fn migrate(conn: &mut DbConnection) -> StoreResult<()> {
    match conn {
        // Instances starting together (an upgrade) migrate one at a time: the first
        // runs what is pending, the others wait and find nothing left to do.
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let done = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop).map_err(migration_error);
            let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
            done.and(unlocked.map_err(StoreError::from))
        }
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop).map_err(migration_error),
    }
}

/// Versions of migrations the database holds that this build does not know: a newer
/// statreq ran on it (a rolling upgrade in progress, or a rollback of the binary).
pub fn unknown_migrations(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    match conn {
        DbConnection::Postgres(c) => unknown(c, POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => unknown(c, SQLITE_MIGRATIONS),
    }
}

fn unknown<C>(c: &mut C, embedded: EmbeddedMigrations) -> StoreResult<Vec<String>>
where
    C: MigrationHarness<C::Backend> + Connection,
    EmbeddedMigrations: MigrationSource<C::Backend>,
{
    let known: Vec<String> = MigrationSource::<C::Backend>::migrations(&embedded)
        .map_err(migration_error)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let mut unknown: Vec<String> =
        c.applied_migrations().map_err(migration_error)?.into_iter().map(|v| v.to_string()).filter(|v| !known.contains(v)).collect();
    unknown.sort();
    Ok(unknown)
}

pub fn revert_all(conn: &mut DbConnection) -> StoreResult<()> {
    match conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(drop).map_err(migration_error),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(drop).map_err(migration_error),
    }
}

pub fn migration_names(backend: Backend) -> Vec<String> {
    let source = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    let list = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source).unwrap_or_default();
    list.iter().map(|m| m.name().to_string()).collect()
}
