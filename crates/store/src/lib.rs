//! statreq persistence: diesel on SQLite (embedded default) and PostgreSQL through
//! one code path. The backend is chosen from the URL scheme; the schema is migrated
//! from embedded migrations on open. Every write that changes a request's state
//! goes through [`Store::apply_transition`]: the new state and its event in one
//! transaction, guarded by the request's version.

mod cache;
mod conn;
mod group;
pub mod schema;

mod agencies;
mod attachments;
pub mod audit;
pub mod backup;
mod deliveries;
pub mod figures;
mod inquiries;
mod integration;
mod messages;
mod paper;
mod queue;
mod reference;
mod requests;
mod retention;
mod sessions;
mod timeline;
mod users;
mod webhooks;
mod wrapped;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::r2d2::{Pool, PooledConnection};

pub use agencies::{AgencyRow, AgencyUpsert, NewAgency, AGENCY_TREE_LOCK};
pub use attachments::{AttachmentRow, NewAttachment};
pub use audit::{AuditBreak, AuditContext, AuditEntry, AuditFilter, GENESIS};
pub use cache::WATCHER_NAME;
pub use conn::{Backend, DbConnection};
pub use deliveries::{DeliveryRow, NewDelivery};
diesel::define_sql_function! {
    /// SQL's `lower()`, in SQLite and PostgreSQL alike.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// `%`, `_` and the escape character itself, taken literally in a LIKE pattern.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The LIKE patterns (escaped, `%` around) of a search for `text` in lower-cased stored
/// text, however either side wrote it ([`statreq_domain::values::search_forms`]).
pub(crate) fn like_forms(text: &str) -> [String; 3] {
    statreq_domain::values::search_forms(text).map(|t| format!("%{}%", like_escape(&t)))
}

pub use inquiries::{FaqRow, InboxRow, InquiryFilter, InquiryMessageRow, InquiryRow, InquiryStep, NewInbox, Notices};
pub use integration::{IdempotencyClaim, NewNotification, NotificationRow, SendOutcome, StoredResponse};
pub use messages::MessageRow;
pub use queue::{AcceptedRow, OutcomeEventRow, QueueRow, SettingsChange, SettingsRow, StatsRow};
pub use reference::{ImportCounts, ReferenceChange, ReferenceItem, Saved};
pub use requests::{ListFilter, ListSort, RequestCount, RequestRow};
pub use retention::ExtensionRow;
pub use sessions::{NewRefreshToken, RefreshAsk, RefreshUse, SessionOrigin, SessionRow};
pub use timeline::{EventRow, RevisionRow};
pub use users::{NewUser, UserFilter, UserRow, UserUpdate};
pub use webhooks::{NewWebhook, WebhookChange, WebhookRow};
pub use wrapped::{Wrapped, WrappedKind};

/// Errors of the store, mapped to HTTP centrally by the API.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated (e.g. a username or agency code taken).
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A foreign key points nowhere (e.g. an unknown agency code).
    #[error("refers to something that does not exist: {0}")]
    MissingReference(String),
    /// The row changed since it was read (optimistic concurrency).
    #[error("the record was changed by someone else")]
    Conflict,
    /// Checked inside the delivering transaction: personal-data files without a
    /// second officer's approval (four eyes) — none is published.
    #[error("{0} file(s) with personal data are not approved")]
    UnapprovedFiles(usize),
    /// The request is no longer in the state the change needs (e.g. an upload
    /// that finished after the request was delivered).
    #[error("the request is no longer {0}")]
    NotInState(String),
    /// A result file was read as (not) holding personal data, and the request's data
    /// was marked otherwise while it uploaded: it is not kept, so that no file of
    /// personal data is stored (and delivered) as plain.
    #[error("the request's personal-data marking changed during the upload")]
    PersonalDataChanged,
    /// Marking a request's data as personal while result files stored as not
    /// personal are there (checked in the marking transaction).
    #[error("result files stored as not personal are there")]
    FilesUploaded,
    /// The change would leave no active administrator (`dgpa_admin`): refused, so that
    /// someone can always administer the service.
    #[error("the last active administrator")]
    LastAdministrator,
    /// The question was published to that field's FAQ already (the entry's id).
    #[error("already in the FAQ as entry {0}")]
    InFaq(i64),
    /// A per-owner cap (attachments of a request, drafts of a user) is reached.
    #[error("the limit is reached")]
    LimitReached,
    /// A change the data does not allow (e.g. a restore into a database in use).
    #[error("{0}")]
    Invalid(String),
    /// An agency placed where the tree does not allow it: under itself or one below it,
    /// deeper than the tree's bound, under an agency that does not exist, or the root
    /// given a parent.
    #[error("{}", .0.message().en)]
    Placement(statreq_domain::lifecycle::PlacementError),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database's disk (or quota) has no space left: nothing of the write was
    /// kept, and trying again helps only once space is freed.
    #[error("database storage full: {0}")]
    Full(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::NotFound => StoreError::NotFound,
            E::DatabaseError(K::UniqueViolation, info) => StoreError::Duplicate(info.message().to_string()),
            E::DatabaseError(K::ForeignKeyViolation, info) => StoreError::MissingReference(info.message().to_string()),
            E::DatabaseError(_, info) if is_full(info.message()) => StoreError::Full(info.message().to_string()),
            other => StoreError::Database(other),
        }
    }
}

/// Whether a database's error message says its disk is full: SQLite's `SQLITE_FULL`
/// ("database or disk is full"), PostgreSQL's `disk_full` (53100: "could not extend
/// file …: No space left on device", in the server's English messages).
pub(crate) fn is_full(message: &str) -> bool {
    message.contains("database or disk is full") || message.contains("No space left on device")
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The database: a connection pool and the repositories on it.
#[derive(Clone)]
pub struct Store {
    pool: Pool<conn::Manager>,
    backend: Backend,
    /// On SQLite, this process's writes share one connection and their commits ([`group`]).
    group: Option<Arc<group::GroupCommit>>,
    /// Rows kept in memory ([`Store::with_read_cache`]).
    read_cache: Option<Arc<cache::ReadCache>>,
    /// Where the database is (the cache's listener connects there too).
    url: Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens `sqlite://PATH` or `postgres://…`, then migrates.
    pub fn open(url: &str) -> StoreResult<Store> {
        let manager = conn::Manager::new(url)?;
        let backend = manager.backend();
        // Connect once by hand so that a wrong password or path reports its real cause.
        let first = diesel::r2d2::ManageConnection::connect(&manager).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        drop(first);
        let size = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let group = match backend {
            Backend::Sqlite => {
                let conn = diesel::r2d2::ManageConnection::connect(&manager).map_err(|e| StoreError::Unavailable(e.to_string()))?;
                Some(Arc::new(group::GroupCommit::new(conn)))
            }
            Backend::Postgres => None,
        };
        let pool = Pool::builder()
            .max_size(size)
            .connection_timeout(Duration::from_secs(5))
            // A PostgreSQL restart, failover or pooler timeout drops every connection,
            // and diesel cannot tell a dropped one (its `is_broken` looks only at the
            // transaction state): without a ping per checkout each would answer
            // "no connection to the server" for good. The round trip is measured in
            // docs/benchmarks.md. A SQLite file does not drop its connections.
            .test_on_check_out(backend == Backend::Postgres)
            .build(manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let store = Store { pool, backend, group, read_cache: None, url: url.into() };
        store.migrate()?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Keeps request and user rows in memory for [`Store::get_request_cached`] and
    /// [`Store::get_users_cached`], coherent with every other writer of the database
    /// (see the `cache` module); starts the thread that watches for their changes.
    pub fn with_read_cache(mut self) -> StoreResult<Store> {
        let source = match self.backend {
            Backend::Postgres => cache::Source::Postgres(self.url.clone()),
            Backend::Sqlite => cache::Source::Sqlite(self.url.strip_prefix("sqlite://").unwrap_or(&self.url).into()),
        };
        self.read_cache = Some(cache::ReadCache::start(source).map_err(|e| StoreError::Unavailable(e.to_string()))?);
        Ok(self)
    }

    pub(crate) fn conn(&self) -> StoreResult<PooledConnection<conn::Manager>> {
        self.pool.get().map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Runs `f` in a write transaction: on PostgreSQL on `conn` (PostgreSQL locks
    /// rows, not the database, so its writers go straight in); on
    /// SQLite as one write of a group commit ([`group`]: the process's writers take
    /// turns in arrival order on one connection and share each commit's `fsync`).
    ///
    /// The caller holds no pooled connection meanwhile: on SQLite a writer may wait its
    /// turn for a while, and a connection held idle during that wait is one the
    /// readers (and the writers' reads before and after) would wait for instead.
    pub(crate) fn write_tx<T>(&self, f: impl FnOnce(&mut conn::DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        let done = match &self.group {
            Some(group) => group.write(f),
            // Only PostgreSQL has no group (every SQLite store opens one).
            None => diesel::Connection::transaction(&mut *self.conn()?, f),
        };
        // Committed (or rolled back, which costs only re-reads): rows held may be stale.
        if let Some(c) = &self.read_cache {
            c.changed();
        }
        done
    }

    /// Runs pending migrations.
    pub fn migrate(&self) -> StoreResult<()> {
        conn::migrate(&mut *self.conn()?)
    }

    /// Migrations in the database that this build does not know ([`conn::unknown_migrations`]).
    pub fn unknown_migrations(&self) -> StoreResult<Vec<String>> {
        conn::unknown_migrations(&mut *self.conn()?)
    }

    /// Reverts every migration (tests: up → down → up).
    pub fn revert_all(&self) -> StoreResult<()> {
        conn::revert_all(&mut *self.conn()?)
    }

    /// Names of the embedded migrations of one backend.
    pub fn migration_names(backend: Backend) -> Vec<String> {
        conn::migration_names(backend)
    }

    /// Runs SQL as given, for maintenance scripts and benchmark seeding. Not used by
    /// the service itself.
    pub fn batch_execute(&self, sql: &str) -> StoreResult<()> {
        use diesel::connection::SimpleConnection;
        let done = self.conn()?.batch_execute(sql).map_err(StoreError::from);
        if let Some(c) = &self.read_cache {
            c.changed();
        }
        done
    }

    /// The database answers.
    pub fn ping(&self) -> StoreResult<()> {
        use diesel::connection::SimpleConnection;
        self.conn()?.batch_execute("SELECT 1").map_err(StoreError::from)
    }
}

pub(crate) fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub(crate) fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
