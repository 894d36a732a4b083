//! `statreq backup` and `statreq restore`: a consistent database snapshot, every
//! stored object (ciphertext, as stored) and a manifest with the SHA-256 of each
//! part and the audit head when the backup began. Keys are never in a backup: they
//! are backed up apart (see docs/operations.md), and the shred list kept with them
//! is replayed on restore, so a file shredded after a backup stays unreadable.

use std::path::{Path, PathBuf};

use anyhow::Context;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use statreq_store::Store;
use tokio::io::AsyncWriteExt;

use super::files::FileStore;

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// 1 for this layout.
    pub format: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub statreq_version: String,
    /// `sqlite` or `postgres`: restore into the same kind.
    pub backend: String,
    pub database: Part,
    /// The audit trail as the backup began: the restored trail must contain this
    /// entry with this hash (the snapshot may hold later ones too).
    pub audit_entries: i64,
    pub audit_hash: String,
    pub files: Vec<FilePart>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FilePart {
    pub key: String,
    pub bytes: u64,
    pub sha256: String,
}

pub const MANIFEST: &str = "manifest.json";

fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Backs up the database at `db_url` and every stored object into the new or empty
/// directory `to`, while the service keeps serving.
/// A backup that fails (its disk full, the store out of reach) leaves nothing behind
/// that could be mistaken for a backup or stand in the way of the next run: what it
/// wrote is removed, and the error names where it was writing.
pub async fn backup(store: &Store, db_url: &str, files: &FileStore, to: &Path) -> anyhow::Result<Manifest> {
    let existed = to.exists();
    if existed && !to.is_dir() {
        anyhow::bail!("{} is a file, not a directory: back up into a new or empty directory", to.display());
    }
    let entries = |to: &Path| std::fs::read_dir(to).map_err(|e| anyhow::anyhow!("{}: {e}", to.display()));
    if existed && entries(to)?.next().is_some() {
        anyhow::bail!("{} is not empty: back up into a new or empty directory", to.display());
    }
    match write_backup(store, db_url, files, to).await {
        Ok(manifest) => Ok(manifest),
        Err(e) => {
            let removed = if existed {
                std::fs::read_dir(to).and_then(|entries| {
                    entries.flatten().try_for_each(|entry| {
                        let path = entry.path();
                        if path.is_dir() {
                            std::fs::remove_dir_all(path)
                        } else {
                            std::fs::remove_file(path)
                        }
                    })
                })
            } else {
                std::fs::remove_dir_all(to)
            };
            let kept = match removed {
                Ok(()) => "nothing of it is kept".to_string(),
                Err(r) => format!("remove what it wrote by hand ({r})"),
            };
            Err(e.context(format!("the backup into {} failed; {kept}", to.display())))
        }
    }
}

async fn write_backup(store: &Store, db_url: &str, files: &FileStore, to: &Path) -> anyhow::Result<Manifest> {
    std::fs::create_dir_all(to.join("files")).with_context(|| format!("creating {}", to.join("files").display()))?;
    let (audit_entries, audit_hash) = store.audit_head()?;
    let name = match store.backend() {
        statreq_store::Backend::Sqlite => "database.sqlite",
        statreq_store::Backend::Postgres => "database.pgdump",
    };
    let db_file = to.join(name);
    {
        let (store, url, target) = (store.clone(), db_url.to_string(), db_file.clone());
        let written = tokio::task::spawn_blocking(move || store.snapshot_to(&url, &target)).await?;
        written
            .map_err(|e| match e {
                // Only the snapshot is written: the disk that is full is the backup's.
                statreq_store::StoreError::Full(cause) => anyhow::anyhow!("no space left on the backup's disk ({cause})"),
                e => anyhow::anyhow!(e),
            })
            .with_context(|| format!("writing the database snapshot to {}", db_file.display()))?;
    }
    let (bytes, sha256) = sha256_of(&db_file)?;
    let database = Part { path: name.into(), bytes, sha256 };
    // Objects after the snapshot: one uploaded since has no row (and is restored
    // harmlessly); one shredded since is on the shred list, replayed on restore.
    let mut parts = Vec::new();
    for (key, _) in files.list().await.map_err(|e| anyhow::anyhow!("listing stored files: {e}"))? {
        let path = to.join("files").join(format!("{key}.enc"));
        let writing = || format!("writing {}", path.display());
        let mut out = tokio::fs::File::create(&path).await.with_context(writing)?;
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        let mut body = match files.raw(&key).await {
            Ok(b) => b,
            // Deleted between listing and reading: shredded meanwhile.
            Err(_) => {
                drop(out);
                std::fs::remove_file(&path)?;
                continue;
            }
        };
        while let Some(chunk) = body.next().await {
            let chunk = chunk.with_context(|| format!("reading stored file {key}"))?;
            hasher.update(&chunk);
            bytes += chunk.len() as u64;
            out.write_all(&chunk).await.with_context(writing)?;
        }
        out.sync_all().await.with_context(writing)?;
        parts.push(FilePart { key, bytes, sha256: hex::encode(hasher.finalize()) });
    }
    let manifest = Manifest {
        format: 1,
        created_at: chrono::Utc::now(),
        statreq_version: env!("CARGO_PKG_VERSION").into(),
        backend: match store.backend() {
            statreq_store::Backend::Sqlite => "sqlite".into(),
            statreq_store::Backend::Postgres => "postgres".into(),
        },
        database,
        audit_entries,
        audit_hash,
        files: parts,
    };
    // Written last: a backup without its manifest is unfinished and never restored.
    let path = to.join(MANIFEST);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest)?).with_context(|| format!("writing {}", path.display()))?;
    Ok(manifest)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub audit_entries: usize,
    pub files: usize,
    pub shredded_since: usize,
}

/// Restores the backup in `from` into the empty database `db_url` and the empty
/// files location, after checking every part's SHA-256; then replays the shred
/// list of `keys_dir` and verifies the audit trail.
pub async fn restore(from: &Path, db_url: &str, files: &FileStore, keys_dir: &Path) -> anyhow::Result<Restored> {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(from.join(MANIFEST)).map_err(|e| {
        let manifest = from.join(MANIFEST);
        anyhow::anyhow!("{}: {e}: not a backup, or an unfinished one (a backup's manifest is written last)", manifest.display())
    })?)?;
    if manifest.format != 1 {
        anyhow::bail!("backup format {} is not known to this statreq", manifest.format);
    }
    let kind = if db_url.starts_with("sqlite://") { "sqlite" } else { "postgres" };
    if manifest.backend != kind {
        anyhow::bail!("the backup is of a {} database; restore it into one of the same kind", manifest.backend);
    }
    // Every part checked before anything is written.
    let check = |path: PathBuf, bytes: u64, sha256: &str| -> anyhow::Result<()> {
        let (n, sum) = sha256_of(&path)?;
        if n != bytes || sum != sha256 {
            anyhow::bail!("{} does not match the manifest (SHA-256 {sum}, expected {sha256}): the backup is damaged", path.display());
        }
        Ok(())
    };
    check(from.join(&manifest.database.path), manifest.database.bytes, &manifest.database.sha256)?;
    for f in &manifest.files {
        check(from.join("files").join(format!("{}.enc", f.key)), f.bytes, &f.sha256)?;
    }
    if !statreq_store::backup::database_is_empty(db_url)? {
        anyhow::bail!("the target database is not empty: restore only into an empty database");
    }
    if !files.list().await.map_err(|e| anyhow::anyhow!("listing {}: {e}", files.url()))?.is_empty() {
        anyhow::bail!("the files location {} is not empty: restore only into an empty one", files.url());
    }
    // From here on the targets fill: a failure leaves part of the backup in them, which
    // the next restore would refuse to overwrite. Say so, and what to do.
    write_restore(from, &manifest, db_url, files, keys_dir).await.with_context(|| {
        format!(
            "the restore into {} and {} failed part-way: both may hold part of the backup now; empty them \
             (drop and create the database again, or delete the SQLite file; delete the files) and restore again",
            crate::config::redact(db_url),
            files.url()
        )
    })
}

async fn write_restore(from: &Path, manifest: &Manifest, db_url: &str, files: &FileStore, keys_dir: &Path) -> anyhow::Result<Restored> {
    {
        let (url, db_file) = (db_url.to_string(), from.join(&manifest.database.path));
        tokio::task::spawn_blocking(move || statreq_store::backup::restore_snapshot(&url, &db_file)).await??;
    }
    for f in &manifest.files {
        files.put_raw_file(&f.key, &from.join("files").join(format!("{}.enc", f.key))).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let url = db_url.to_string();
    let store = tokio::task::spawn_blocking(move || Store::open(&url)).await??;
    // Shredding since the backup, replayed: keys deleted again, bodies removed.
    let shredded = super::files::shredded_keys(keys_dir)?;
    let shredded_since = {
        let (store, keys) = (store.clone(), shredded.clone());
        tokio::task::spawn_blocking(move || store.forget_shredded(&keys, chrono::Utc::now())).await??
    };
    files.delete(&shredded).await;
    let entries = match store.verify_audit()? {
        Ok(n) => n,
        Err(b) => anyhow::bail!("the restored audit trail is broken at entry {}: {}", b.id, b.reason),
    };
    if manifest.audit_entries > 0 && store.audit_hash_of(manifest.audit_entries)?.as_deref() != Some(manifest.audit_hash.as_str()) {
        anyhow::bail!("the restored audit trail does not contain the head recorded in the manifest (entry {})", manifest.audit_entries);
    }
    Ok(Restored { audit_entries: entries, files: manifest.files.len(), shredded_since })
}
