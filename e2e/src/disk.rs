//! A disk that fills up: a small tmpfs of the test's own, and on it, for PostgreSQL, a
//! tablespace holding a database of its own. Mounting needs root (CI runs as root);
//! where it cannot be had the constructors answer `None` and the test says it skipped.
//! Everything is undone when dropped, pass or fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A tmpfs of a given size, unmounted (lazily, should anything still hold it) when dropped.
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    pub fn mount(bytes: u64) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!("statreq-small-disk-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes},mode=0700"), "statreq-test"])
            .arg(&dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(SmallDisk(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file of zeros until the file system has no room left; returns its path.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut f = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        path
    }

    /// Every regular file under it, except `but`.
    pub fn files(&self, but: &Path) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out)
                } else {
                    out.push(p)
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out.retain(|p| p != but);
        out
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// A PostgreSQL database whose tables live on a [`SmallDisk`] (a tablespace there), on
/// the server of `STATREQ_TEST_PG_URL` when it runs on this machine as the `postgres`
/// user (as `scripts/ensure-postgres.sh` starts it); dropped with its tablespace.
pub struct SmallPostgres {
    pub url: String,
    admin: String,
    name: String,
    // Dropped last: the tablespace goes before its disk.
    disk: SmallDisk,
}

impl SmallPostgres {
    pub fn create(bytes: u64) -> Option<SmallPostgres> {
        let admin = std::env::var("STATREQ_TEST_PG_URL").ok()?;
        let disk = SmallDisk::mount(bytes)?;
        let name = format!("statreq_full_{}", uuid::Uuid::new_v4().simple());
        let owned = Command::new("chown").arg("postgres:postgres").arg(disk.path()).status().is_ok_and(|s| s.success());
        // One statement per call: CREATE TABLESPACE cannot run in a transaction block.
        let made = owned && as_postgres(&format!("CREATE TABLESPACE {name} LOCATION '{}'", disk.path().display()));
        if !made || !as_postgres(&format!("GRANT CREATE ON TABLESPACE {name} TO PUBLIC")) {
            as_postgres(&format!("DROP TABLESPACE IF EXISTS {name}"));
            return None;
        }
        let db = SmallPostgres { url: format!("{}/{name}", &admin[..admin.rfind('/')?]), admin, name, disk };
        crate::psql(&db.admin, &format!("CREATE DATABASE {0} TABLESPACE {0}", db.name));
        Some(db)
    }

    pub fn disk(&self) -> &SmallDisk {
        &self.disk
    }
}

impl Drop for SmallPostgres {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(&self.admin)
            .args(["-qc", &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        as_postgres(&format!("DROP TABLESPACE IF EXISTS {}", self.name));
    }
}

/// Runs SQL as the `postgres` superuser over the local socket (root only).
fn as_postgres(sql: &str) -> bool {
    Command::new("su")
        .args(["postgres", "-s", "/bin/sh", "-c"])
        .arg(format!("psql -qv ON_ERROR_STOP=1 -c \"{sql}\""))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
