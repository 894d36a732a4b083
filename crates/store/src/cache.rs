//! The read cache: request and user rows kept in memory, so that showing a request
//! needs no round trip to the database (and, when everything is held, no hop to the
//! blocking pool).
//!
//! A row held here may be changed by anyone else writing the database: another
//! instance, a command, SQL by hand. A thread of this instance watches for that on a
//! connection of its own:
//!
//! - PostgreSQL: every change of a `requests` or `users` row announces itself on
//!   channel `statreq_changed` when its transaction commits (a trigger, migration
//!   `change_notices`); the thread listens and drops what was announced.
//! - SQLite: `PRAGMA data_version` moves with every commit made through any other
//!   connection to the file; when it moves, everything is dropped.
//!
//! Around that:
//!
//! - A write of this instance ([`crate::Store::write_tx`]) drops everything once it
//!   has committed, so whoever wrote reads their own write at once, whichever rows
//!   the transaction touched.
//! - A row read from the database is kept only if nothing was dropped while it was
//!   being read (an epoch counts the drops): a change committed during the read cannot
//!   be overwritten by the older row.
//! - Rows are served only while the watching connection is known to work (it answered
//!   within the last [`TRUST_FOR`]); when it fails, everything is dropped and reads go
//!   to the database until it watches again.
//!
//! What another writer changed is therefore seen here within a few milliseconds of its
//! commit (the thread looks every [`POLL`]); what this instance changed, at once.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use parking_lot::Mutex;
use statreq_domain::{RequestId, UserId};

use crate::{RequestRow, Store, StoreResult, UserRow};

/// Reads through the cache.
impl Store {
    /// The request as held in memory, if it is ([`Store::with_read_cache`]); no IO.
    pub fn cached_request(&self, id: RequestId) -> Option<RequestRow> {
        self.read_cache.as_ref()?.request(id).map(|row| RequestRow::clone(&row))
    }

    /// The request, from memory where held, else read (and then held): as fresh as
    /// every change this instance committed, and every other writer's within a few
    /// milliseconds (see the `cache` module). For showing a request; a change re-reads
    /// inside its own transaction.
    pub fn get_request_cached(&self, id: RequestId) -> StoreResult<RequestRow> {
        let Some(cache) = &self.read_cache else { return self.get_request(id) };
        if let Some(row) = cache.request(id) {
            return Ok(RequestRow::clone(&row));
        }
        let epoch = cache.epoch();
        let row = self.get_request(id)?;
        if let Some(epoch) = epoch {
            cache.keep_request(epoch, &row);
        }
        Ok(row)
    }

    /// All of these users as held in memory, if every one is ([`Store::with_read_cache`]); no IO.
    pub fn cached_users(&self, ids: &[UserId]) -> Option<Vec<UserRow>> {
        let held = self.read_cache.as_ref()?.users(ids)?;
        Some(held.iter().map(|u| UserRow::clone(u)).collect())
    }

    /// [`Store::get_users`] from memory where every one is held, else read (and then held).
    pub fn get_users_cached(&self, ids: &[UserId]) -> StoreResult<Vec<UserRow>> {
        let Some(cache) = &self.read_cache else { return self.get_users(ids) };
        if let Some(held) = cache.users(ids) {
            return Ok(held.iter().map(|u| UserRow::clone(u)).collect());
        }
        let epoch = cache.epoch();
        let rows = self.get_users(ids)?;
        if let Some(epoch) = epoch {
            cache.keep_users(epoch, &rows);
        }
        Ok(rows)
    }
}

/// The channel the `change_notices` trigger announces on.
const CHANNEL: &str = "statreq_changed";
/// How often the listener reads announcements: the most another instance's change
/// can stay unseen here (besides the network).
pub(crate) const POLL: Duration = Duration::from_millis(2);
/// How often the PostgreSQL listener asks its connection whether it is alive.
const CONFIRM_EVERY: Duration = Duration::from_millis(250);
/// Rows are served only while the watching connection answered this recently: a
/// connection that died without a word (its announcements lost) costs at most this.
pub(crate) const TRUST_FOR: Duration = Duration::from_secs(1);
/// What `pg_stat_activity` shows for the listening connection.
pub const WATCHER_NAME: &str = "statreq-change-watcher";
/// Rows of each kind held at most (a request row with its application is a few KB).
const MAX_ROWS: usize = 4096;

#[derive(Default)]
struct Held {
    /// Counts drops: a row read under an older epoch is not kept.
    epoch: u64,
    listening: bool,
    confirmed: Option<Instant>,
    requests: HashMap<RequestId, Arc<RequestRow>>,
    users: HashMap<UserId, Arc<UserRow>>,
}

impl Held {
    fn trusted(&self) -> bool {
        self.listening && self.confirmed.is_some_and(|at| at.elapsed() < TRUST_FOR)
    }

    fn drop_all(&mut self) {
        self.epoch += 1;
        self.requests.clear();
        self.users.clear();
    }
}

fn bounded_insert<K: std::hash::Hash + Eq + Copy, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= MAX_ROWS && !map.contains_key(&key) {
        // Full: make room by dropping any one row (a miss costs one read).
        if let Some(k) = map.keys().next().copied() {
            map.remove(&k);
        }
    }
    map.insert(key, value);
}

pub(crate) struct ReadCache {
    held: Mutex<Held>,
}

impl ReadCache {
    /// A cache, and the thread that listens on `url` for announced changes (it ends
    /// when the cache is dropped).
    pub(crate) fn start(source: Source) -> std::io::Result<Arc<ReadCache>> {
        let cache = Arc::new(ReadCache { held: Mutex::new(Held::default()) });
        let weak = Arc::downgrade(&cache);
        std::thread::Builder::new().name("statreq-change-watcher".into()).spawn(move || watch(&source, &weak))?;
        Ok(cache)
    }

    /// The epoch to read under, or `None` when rows may not be kept now.
    pub(crate) fn epoch(&self) -> Option<u64> {
        let held = self.held.lock();
        held.trusted().then_some(held.epoch)
    }

    pub(crate) fn request(&self, id: RequestId) -> Option<Arc<RequestRow>> {
        let held = self.held.lock();
        if !held.trusted() {
            return None;
        }
        held.requests.get(&id).cloned()
    }

    /// All of these users, or `None` if any is not held.
    pub(crate) fn users(&self, ids: &[UserId]) -> Option<Vec<Arc<UserRow>>> {
        let held = self.held.lock();
        if !held.trusted() {
            return None;
        }
        ids.iter().map(|id| held.users.get(id).cloned()).collect()
    }

    /// Keeps `row`, read from the database under `epoch`, unless something was dropped since.
    pub(crate) fn keep_request(&self, epoch: u64, row: &RequestRow) {
        let mut held = self.held.lock();
        if held.epoch == epoch && held.trusted() {
            bounded_insert(&mut held.requests, row.id, Arc::new(row.clone()));
        }
    }

    pub(crate) fn keep_users(&self, epoch: u64, rows: &[UserRow]) {
        let mut held = self.held.lock();
        if held.epoch == epoch && held.trusted() {
            for row in rows {
                bounded_insert(&mut held.users, row.id, Arc::new(row.clone()));
            }
        }
    }

    /// This instance committed a change: forget everything.
    pub(crate) fn changed(&self) {
        self.held.lock().drop_all();
    }

    /// An announced change (`requests:ID`, `users:ID`; anything else drops everything).
    fn announced(&self, payload: &str) {
        if payload.starts_with(PROBE) {
            return; // a watcher's proof of listening, not a change
        }
        let mut held = self.held.lock();
        held.epoch += 1;
        let id = payload.split_once(':').and_then(|(table, id)| Some((table, id.parse::<i64>().ok()?)));
        match id {
            Some(("requests", id)) => {
                held.requests.remove(&RequestId(id));
            }
            Some(("users", id)) => {
                held.users.remove(&UserId(id));
            }
            _ => held.drop_all(),
        }
    }

    fn listening(&self, yes: bool) {
        let mut held = self.held.lock();
        held.drop_all();
        held.listening = yes;
        held.confirmed = yes.then(Instant::now);
    }

    fn confirmed(&self) {
        self.held.lock().confirmed = Some(Instant::now());
    }
}

/// What the watching thread connects to.
pub(crate) enum Source {
    /// A PostgreSQL URL: listen on [`CHANNEL`].
    Postgres(Arc<str>),
    /// A SQLite file: watch `PRAGMA data_version`, which moves with every commit made
    /// through any other connection to the file (this process's pool, or a command).
    Sqlite(Arc<str>),
}

/// A connection that tells of changes.
enum Watcher {
    /// `probe`: the payload this connection last announced to itself.
    Postgres {
        conn: PgConnection,
        probe: String,
        sent: u64,
    },
    Sqlite {
        conn: SqliteConnection,
        version: i64,
    },
}

/// Payloads of watchers' own probes start so.
const PROBE: &str = "probe:";

#[derive(diesel::QueryableByName)]
struct BackendPid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[derive(diesel::QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    data_version: i64,
}

fn data_version(conn: &mut SqliteConnection) -> Result<i64, String> {
    let rows: Vec<DataVersion> = diesel::sql_query("PRAGMA data_version").load(conn).map_err(|e| e.to_string())?;
    rows.first().map(|r| r.data_version).ok_or_else(|| "PRAGMA data_version returned nothing".to_string())
}

impl Watcher {
    fn connect(source: &Source) -> Result<Watcher, String> {
        match source {
            Source::Postgres(url) => {
                let mut c = PgConnection::establish(url).map_err(|e| e.to_string())?;
                c.batch_execute(&format!("SET application_name = '{WATCHER_NAME}'; LISTEN {CHANNEL};")).map_err(|e| e.to_string())?;
                let pid: Vec<BackendPid> = diesel::sql_query("SELECT pg_backend_pid() AS pid").load(&mut c).map_err(|e| e.to_string())?;
                let probe = format!("{PROBE}{}:", pid.first().map(|p| p.pid).unwrap_or_default());
                Ok(Watcher::Postgres { conn: c, probe, sent: 0 })
            }
            Source::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(|e| e.to_string())?;
                conn.batch_execute("PRAGMA busy_timeout = 10000;").map_err(|e| e.to_string())?;
                let version = data_version(&mut conn)?;
                Ok(Watcher::Sqlite { conn, version })
            }
        }
    }

    /// Applies what changed since the last call; whether the connection proved it
    /// still tells of changes (SQLite's every time; PostgreSQL's when asked, every
    /// [`CONFIRM_EVERY`], by its probe coming back); an error when it failed.
    fn poll(&mut self, cache: &ReadCache, ask: bool) -> Result<bool, String> {
        match self {
            Watcher::Postgres { conn, probe, sent } => {
                for n in conn.notifications_iter() {
                    cache.announced(&n.map_err(|e| e.to_string())?.payload);
                }
                if !ask {
                    return Ok(false);
                }
                // The proof that announcements still arrive: one to itself, which comes
                // back with the answer. A connection that no longer listens (dropped, or
                // a pooler that does not keep `LISTEN`) fails this and is trusted no more.
                *sent += 1;
                let mine = format!("{probe}{sent}");
                conn.batch_execute(&format!("SELECT pg_notify('{CHANNEL}', '{mine}')")).map_err(|e| e.to_string())?;
                let mut back = false;
                for n in conn.notifications_iter() {
                    let n = n.map_err(|e| e.to_string())?;
                    back |= n.payload == mine;
                    cache.announced(&n.payload);
                }
                Ok(back)
            }
            Watcher::Sqlite { conn, version } => {
                let now = data_version(conn)?;
                if now != *version {
                    *version = now;
                    cache.announced("");
                }
                Ok(true)
            }
        }
    }
}

/// Watches until the cache is dropped; on any failure drops everything, stops serving
/// rows and connects again (every second).
fn watch(source: &Source, cache: &Weak<ReadCache>) {
    loop {
        match Watcher::connect(source) {
            Ok(mut watcher) => {
                // Watching from here on: what was held before may have missed changes.
                match cache.upgrade() {
                    Some(c) => c.listening(true),
                    None => return,
                }
                let reason = follow(&mut watcher, cache);
                match cache.upgrade() {
                    Some(c) => c.listening(false),
                    None => return,
                }
                match reason {
                    Some(e) => {
                        tracing::warn!(error = %e, "read cache: lost the connection that tells of changes; reading from the database until it is back")
                    }
                    None => return,
                }
            }
            Err(e) => tracing::warn!(error = %e, "read cache: cannot watch for changes; reading from the database"),
        }
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(100));
            if cache.strong_count() == 0 {
                return;
            }
        }
    }
}

/// Applies changes until the connection fails (`Some(error)`) or the cache is gone (`None`).
fn follow(watcher: &mut Watcher, cache: &Weak<ReadCache>) -> Option<String> {
    let mut last_check = Instant::now();
    let mut unheard = 0u32;
    loop {
        std::thread::sleep(POLL);
        let c = cache.upgrade()?;
        let ask = last_check.elapsed() >= CONFIRM_EVERY;
        if ask {
            last_check = Instant::now();
        }
        match watcher.poll(&c, ask) {
            Ok(true) => {
                c.confirmed();
                unheard = 0;
            }
            Ok(false) if ask => {
                unheard += 1;
                if unheard == 4 {
                    tracing::warn!("read cache: the change listener does not hear its own probe (a pooler that does not keep LISTEN?); reading from the database");
                }
            }
            Ok(false) => {}
            Err(e) => return Some(e),
        }
    }
}
