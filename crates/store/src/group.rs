//! Group commit on SQLite: this process's write transactions share one connection and
//! one commit, so concurrent writers share one `fsync` instead of queueing for one each.
//!
//! SQLite has one write lock per database and, with `synchronous = FULL`, every commit
//! waits for the disk. Writers take turns on the write connection in arrival order (a
//! fair lock). The first opens a transaction (`BEGIN IMMEDIATE`); each runs its work in a
//! savepoint of its own, so a refused or failed write undoes only itself; the writer
//! that finds nobody waiting behind it (or the batch full) commits, for everyone in the
//! batch. Nobody returns before the commit that holds their write is on disk, and if
//! that commit fails, every writer of the batch gets the error and nothing of theirs is
//! kept: an acknowledgement still means "on disk".
//!
//! Other processes writing the same file still meet SQLite's own lock (`BEGIN IMMEDIATE`
//! waits up to `busy_timeout`).

use std::collections::HashMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use parking_lot::{Condvar, FairMutex, Mutex};

use crate::conn::DbConnection;
use crate::{StoreError, StoreResult};

/// Writes of one batch at most, and the longest a batch stays open, so that a steady
/// stream of writers still commits regularly.
const MAX_BATCH: usize = 32;
const MAX_OPEN: Duration = Duration::from_millis(20);

struct Writer {
    conn: DbConnection,
    /// The batch whose transaction is open, with its writes so far and when it began.
    open: Option<(u64, usize, Instant)>,
    next: u64,
}

/// How batches ended: every batch up to `finished` has, those in `failed` without
/// committing (with whether the disk was full).
#[derive(Default)]
struct Ended {
    finished: u64,
    failed: HashMap<u64, bool>,
}

pub(crate) struct GroupCommit {
    writer: FairMutex<Writer>,
    /// Writers waiting for the write connection.
    waiting: AtomicUsize,
    ended: Mutex<Ended>,
    ended_cv: Condvar,
}

impl GroupCommit {
    pub(crate) fn new(conn: DbConnection) -> GroupCommit {
        GroupCommit {
            writer: FairMutex::new(Writer { conn, open: None, next: 1 }),
            waiting: AtomicUsize::new(0),
            ended: Mutex::new(Ended::default()),
            ended_cv: Condvar::new(),
        }
    }

    /// Runs `f` as one write of a batch; returns once the batch is committed (or failed).
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> StoreResult<T> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut w = self.writer.lock();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let batch = match w.open {
            Some((batch, _, _)) => batch,
            None => {
                w.conn.batch_execute("BEGIN IMMEDIATE")?;
                let batch = w.next;
                w.next += 1;
                w.open = Some((batch, 0, Instant::now()));
                batch
            }
        };
        // This write alone: undone by itself if it fails (or panics).
        let out = one_write(&mut w.conn, f);
        if let Some((_, n, _)) = w.open.as_mut() {
            *n += 1;
        }
        let (_, n, began) = w.open.unwrap_or((batch, 1, Instant::now()));
        let last = self.waiting.load(Ordering::SeqCst) == 0 || n >= MAX_BATCH || began.elapsed() >= MAX_OPEN;
        let kept = if last {
            let committed = w.conn.batch_execute("COMMIT").map_err(|e| {
                let _ = w.conn.batch_execute("ROLLBACK");
                e.to_string()
            });
            w.open = None;
            drop(w);
            let full = committed.as_ref().err().is_some_and(|e| crate::is_full(e));
            self.end(batch, committed.is_ok(), full);
            committed
                .map_err(|e| if full { StoreError::Full(format!("commit: {e}")) } else { StoreError::Unavailable(format!("commit: {e}")) })
        } else {
            drop(w);
            match out {
                Ok(Ok(_)) => self.wait(batch),
                // Nothing of this write is in the batch: no need to wait for it.
                _ => Ok(()),
            }
        };
        match out {
            Err(panic) => resume_unwind(panic),
            Ok(v) => {
                let v = v?;
                kept.map(|()| v)
            }
        }
    }

    fn end(&self, batch: u64, committed: bool, full: bool) {
        let mut ended = self.ended.lock();
        ended.finished = batch;
        if !committed {
            ended.failed.insert(batch, full);
        }
        // Those waiting for a batch look once it ends; older failures are no longer asked after.
        ended.failed.retain(|b, _| *b + 1024 > batch);
        self.ended_cv.notify_all();
    }

    fn wait(&self, batch: u64) -> StoreResult<()> {
        let mut ended = self.ended.lock();
        while ended.finished < batch {
            self.ended_cv.wait(&mut ended);
        }
        match ended.failed.get(&batch) {
            Some(true) => Err(StoreError::Full("the commit of this write found the disk full; nothing of it was kept".into())),
            Some(false) => Err(StoreError::Unavailable("the commit of this write failed; nothing of it was kept".into())),
            None => Ok(()),
        }
    }
}

/// Runs `f` in a savepoint: kept in the batch if it succeeds, undone if it fails or
/// panics (the panic is handed back, to be resumed once the batch is in order).
fn one_write<T>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> StoreResult<T>) -> std::thread::Result<StoreResult<T>> {
    if let Err(e) = conn.batch_execute("SAVEPOINT write") {
        return Ok(Err(e.into()));
    }
    let out = catch_unwind(AssertUnwindSafe(|| f(conn)));
    if matches!(out, Ok(Ok(_))) {
        if let Err(e) = conn.batch_execute("RELEASE write") {
            let _ = conn.batch_execute("ROLLBACK TO write; RELEASE write");
            return Ok(Err(e.into()));
        }
    } else {
        // Undoing a savepoint of an open transaction fails only with the connection;
        // then the commit fails too, and the whole batch with it.
        let _ = conn.batch_execute("ROLLBACK TO write; RELEASE write");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::{Connection, RunQueryDsl};

    #[derive(diesel::QueryableByName)]
    struct X {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        x: i64,
    }

    fn connect(path: &std::path::Path) -> DbConnection {
        let mut c = diesel::sqlite::SqliteConnection::establish(&path.to_string_lossy()).unwrap_or_else(|e| panic!("{e}"));
        c.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")
            .unwrap_or_else(|e| panic!("{e}"));
        DbConnection::Sqlite(c)
    }

    /// 16 writers at once, each write inserting a row and then succeeding, failing or
    /// panicking: exactly the rows of the writes that returned `Ok` are kept, every one
    /// of them readable by another connection when its writer returns, and each failure
    /// or panic reaches its own caller only.
    #[test]
    fn each_write_is_kept_or_undone_by_itself() {
        /// Removed however the test ends.
        struct Dir(std::path::PathBuf);
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        let dir = Dir(std::env::temp_dir().join(format!("statreq-group-{}", std::process::id())));
        std::fs::create_dir_all(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.0.join("g.sqlite");
        let mut setup = connect(&path);
        setup.batch_execute("CREATE TABLE t (x BIGINT NOT NULL)").unwrap_or_else(|e| panic!("{e}"));
        let group = GroupCommit::new(connect(&path));
        let kept: Vec<i64> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..16i64)
                .map(|w| {
                    let group = &group;
                    let path = &path;
                    scope.spawn(move || {
                        let mut reader = connect(path);
                        let mut kept = Vec::new();
                        for k in 0..40i64 {
                            let x = w * 1000 + k;
                            let insert = move |c: &mut DbConnection| -> StoreResult<()> {
                                c.batch_execute(&format!("INSERT INTO t (x) VALUES ({x})"))?;
                                match k % 4 {
                                    1 => Err(StoreError::Conflict),
                                    2 => panic!("write {x} panics"),
                                    _ => Ok(()),
                                }
                            };
                            match catch_unwind(AssertUnwindSafe(|| group.write(insert))) {
                                Ok(Ok(())) => {
                                    // Acknowledged: committed, seen by another connection.
                                    let seen: Vec<X> =
                                        diesel::sql_query(format!("SELECT x FROM t WHERE x = {x}")).load(&mut reader).unwrap_or_default();
                                    assert_eq!(seen.len(), 1, "write {x} acknowledged but not committed");
                                    kept.push(x);
                                }
                                Ok(Err(StoreError::Conflict)) => assert_eq!(k % 4, 1, "write {x} got another's failure"),
                                Ok(Err(e)) => panic!("write {x}: {e}"),
                                Err(_) => assert_eq!(k % 4, 2, "write {x} got another's panic"),
                            }
                        }
                        kept
                    })
                })
                .collect();
            writers.into_iter().flat_map(|w| w.join().unwrap_or_else(|_| panic!("a writer thread failed"))).collect()
        });
        let mut all: Vec<i64> =
            diesel::sql_query("SELECT x FROM t ORDER BY x").load::<X>(&mut setup).unwrap_or_default().into_iter().map(|r| r.x).collect();
        let mut kept = kept;
        kept.sort_unstable();
        all.sort_unstable();
        assert_eq!(kept.len(), 16 * 20, "half the writes succeed");
        assert_eq!(all, kept, "exactly the acknowledged writes are kept");
        drop((group, setup, dir));
    }
}
