//! Files at rest — result files and attachments: each encrypted under its own data
//! key as it streams in (the vault's STREAM construction) into an object store
//! (a local directory or S3) as a multipart upload completed only when the body is
//! whole, streamed out decrypted (or re-encrypted as age) and deleted after its key
//! is shredded. Only ciphertext is ever written.

use std::io::{Read, Write};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, WriteMultipart};
use statreq_vault::{AgeKey, DataKey, Keyring};

use super::{AppError, AppResult, InputError};

/// How a stored file leaves: as it is, or as an age file.
pub enum Egress {
    Plain,
    AgeRecipient(String),
    AgePassphrase(String),
}

/// A file received and stored encrypted.
pub struct Received {
    /// The storage key (also the encryption's associated data).
    pub key: String,
    /// The data key, wrapped by the current key-encryption key.
    pub wrapped: String,
    pub sealed: statreq_vault::Sealed,
}

/// Ciphertext goes to the object store in parts of this size (S3's minimum part is
/// 5 MiB); at most [`UPLOAD_CONCURRENCY`] parts are in flight, so an upload of any
/// size holds about `PART_BYTES × (UPLOAD_CONCURRENCY + 1)` of memory.
const PART_BYTES: usize = 8 * 1024 * 1024;
const UPLOAD_CONCURRENCY: usize = 2;

/// Where stored bodies live: `file:///dir` (the default, `<data-dir>/files`) or
/// `s3://bucket/prefix` (credentials, region and endpoint from the standard `AWS_*`
/// environment, `AWS_ENDPOINT_URL` for S3-compatible servers, `AWS_ALLOW_HTTP=true`
/// for plain http). Only ciphertext ever reaches it.
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    keyring: Arc<Keyring>,
    url: String,
    /// The shred list (`<keys-dir>/shredded.list`): every storage key whose data key
    /// was destroyed, kept with the keys (never in a backup) and replayed by
    /// `statreq restore`, so that a file shredded after a backup stays unreadable.
    shred_list: Option<Arc<ShredList>>,
}

/// The shred list's file and the turns taken on it: a destruction that shredded a key
/// and a sweep that finds the key not yet listed may come at once, in this process or
/// in another instance sharing the keys directory, and each key is listed once.
struct ShredList {
    path: std::path::PathBuf,
    turn: std::sync::Mutex<()>,
}

impl ShredList {
    /// Appends those of `keys` the list does not hold yet and syncs it; returns them.
    fn append_missing(&self, keys: &[String], unreadable: Unreadable) -> Vec<String> {
        let _turn = self.turn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cannot = |e: &std::io::Error| {
            tracing::error!(list = %self.path.display(), error = %e, "cannot record shredded files on the shred list; a restored backup would not know of them");
        };
        let mut file = match std::fs::OpenOptions::new().create(true).read(true).append(true).open(&self.path) {
            Ok(file) => file,
            Err(e) => {
                cannot(&e);
                return match unreadable {
                    Unreadable::ListAll => keys.to_vec(),
                    Unreadable::ListNone => Vec::new(),
                };
            }
        };
        // Instances sharing the keys directory take turns too (released when closed).
        if let Err(e) = file.lock() {
            tracing::warn!(list = %self.path.display(), error = %e, "cannot lock the shred list; a key may be listed twice");
        }
        let mut text = String::new();
        let listed: std::collections::HashSet<&str> = match (file.read_to_string(&mut text), unreadable) {
            (Ok(_), _) => listed_keys(&text).collect(),
            (Err(_), Unreadable::ListAll) => Default::default(),
            (Err(_), Unreadable::ListNone) => return Vec::new(),
        };
        let new: Vec<String> = keys.iter().filter(|k| !listed.contains(k.as_str())).cloned().collect();
        if new.is_empty() {
            return new;
        }
        let at = chrono::Utc::now().to_rfc3339();
        let lines: String = new.iter().map(|k| format!("{k} {at}\n")).collect();
        if let Err(e) = file.write_all(lines.as_bytes()).and_then(|_| file.sync_data()) {
            cannot(&e);
        }
        new
    }
}

/// What [`FileStore::list_shredded`] does when it cannot read the shred list.
#[derive(Clone, Copy)]
enum Unreadable {
    /// Lists every key (a destruction's): a key listed twice is replayed twice,
    /// harmlessly; a key left out would be readable again after a restore.
    ListAll,
    /// Lists none (the sweep's): it would list them all again on every sweep.
    ListNone,
}

/// The shred list's file name in the keys directory.
pub const SHRED_LIST: &str = "shredded.list";

/// The storage keys in a shred list's text: each line is a key and when it was listed.
fn listed_keys(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|l| l.split_whitespace().next())
}

/// The storage keys in a keys directory's shred list.
pub fn shredded_keys(keys_dir: &std::path::Path) -> std::io::Result<Vec<String>> {
    match std::fs::read_to_string(keys_dir.join(SHRED_LIST)) {
        Ok(text) => Ok(listed_keys(&text).map(str::to_string).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

impl FileStore {
    /// Opens the store at `url` (see the type). A local directory is created.
    pub fn open(url: &str, keyring: Arc<Keyring>) -> anyhow::Result<FileStore> {
        let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("--files-url {url:?}: {e}"))?;
        let (store, prefix): (Arc<dyn ObjectStore>, ObjectPath) = match parsed.scheme() {
            "file" => {
                let dir = parsed.to_file_path().map_err(|_| anyhow::anyhow!("--files-url {url:?}: not an absolute file path"))?;
                std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("files directory {}: {e}", dir.display()))?;
                (Arc::new(LocalFileSystem::new_with_prefix(&dir)?), ObjectPath::default())
            }
            "s3" => {
                let bucket =
                    parsed.host_str().filter(|b| !b.is_empty()).ok_or_else(|| anyhow::anyhow!("--files-url {url:?}: no bucket"))?;
                let s3 = AmazonS3Builder::from_env().with_bucket_name(bucket).build()?;
                (Arc::new(s3), ObjectPath::from(parsed.path().trim_matches('/')))
            }
            other => anyhow::bail!("--files-url {url:?}: {other}:// is not supported (file:// or s3://)"),
        };
        Ok(FileStore { store, prefix, keyring, url: url.to_string(), shred_list: None })
    }

    /// The store the settings name (`--files-url`, else `<data-dir>/files`).
    pub fn from_settings(settings: &crate::config::Settings, keyring: Arc<Keyring>) -> anyhow::Result<FileStore> {
        let mut store = match &settings.files_url {
            Some(url) => FileStore::open(url, keyring)?,
            None => FileStore::local(&settings.data_dir.join("files"), keyring)?,
        };
        store.keep_shred_list_in(&settings.keys_dir);
        Ok(store)
    }

    /// A store in a local directory.
    pub fn local(dir: &std::path::Path, keyring: Arc<Keyring>) -> anyhow::Result<FileStore> {
        std::fs::create_dir_all(dir)?;
        let dir = std::fs::canonicalize(dir)?;
        let url = url::Url::from_directory_path(&dir).map_err(|_| anyhow::anyhow!("{} is not an absolute path", dir.display()))?;
        FileStore::open(url.as_str(), keyring)
    }

    /// Lists shredded files on `<keys_dir>/shredded.list`.
    fn keep_shred_list_in(&mut self, keys_dir: &std::path::Path) {
        self.shred_list = Some(Arc::new(ShredList { path: keys_dir.join(SHRED_LIST), turn: Default::default() }));
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// Where the files are, as configured.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The directory the files are in, for a `file://` store (none on S3).
    pub fn local_dir(&self) -> Option<std::path::PathBuf> {
        url::Url::parse(&self.url).ok().filter(|u| u.scheme() == "file").and_then(|u| u.to_file_path().ok())
    }

    fn object(&self, key: &str) -> ObjectPath {
        self.prefix.child(format!("{key}.enc"))
    }

    /// Writes, reads back and deletes a small object, so that a store statreq cannot
    /// use (wrong credentials, no such bucket, a read-only directory, nothing
    /// answering) is found when `serve` starts rather than at the first upload.
    /// The object is not a stored body (no `.enc`), so nothing lists it even if its
    /// deletion fails.
    pub async fn check(&self, within: std::time::Duration) -> anyhow::Result<()> {
        let probe = self.prefix.child(format!("statreq-probe-{}", uuid::Uuid::new_v4().simple()));
        let round_trip = async {
            self.store
                .put(&probe, Bytes::from_static(b"statreq").into())
                .await
                .map_err(|e| anyhow::anyhow!("writing a test object: {e}"))?;
            let read = self.store.get(&probe).await.map_err(|e| anyhow::anyhow!("reading a test object back: {e}"))?;
            read.bytes().await.map_err(|e| anyhow::anyhow!("reading a test object back: {e}"))?;
            self.store.delete(&probe).await.map_err(|e| anyhow::anyhow!("deleting a test object: {e}"))
        };
        tokio::time::timeout(within, round_trip).await.map_err(|_| anyhow::anyhow!("no answer within {} s", within.as_secs()))?
    }

    /// Receives one body of at most `max` bytes, encrypting as it streams into a
    /// multipart upload. Nothing is left behind when it fails (interrupted, too
    /// large, empty, the store refusing): the upload is aborted, never visible.
    pub async fn receive<S, E>(&self, mut body: S, max: usize) -> AppResult<Received>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let key = uuid::Uuid::new_v4().simple().to_string();
        let dk = DataKey::generate();
        let wrapped = self.keyring.wrap(&dk).map_err(AppError::internal)?;
        let upload = self.store.put_multipart(&self.object(&key)).await.map_err(|e| unavailable("starting an upload", &e))?;
        // Plaintext in → the encryptor (a blocking thread) → ciphertext → the uploader.
        let (plain_tx, plain_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        let (sealed_tx, mut sealed_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        let aad = key.clone();
        let encryptor = tokio::task::spawn_blocking(move || -> statreq_vault::Result<statreq_vault::Sealed> {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, ChannelWriter { tx: sealed_tx });
            let sealed = statreq_vault::encrypt(&dk, aad.as_bytes(), ChannelReader { rx: plain_rx, buf: Bytes::new() }, &mut out)?;
            out.flush()?;
            Ok(sealed)
        });
        let uploader = tokio::spawn(async move {
            let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
            while let Some(chunk) = sealed_rx.recv().await {
                let Ok(chunk) = chunk else { break };
                if let Err(e) = writer.wait_for_capacity(UPLOAD_CONCURRENCY).await {
                    return (writer, Err(e));
                }
                writer.put(chunk);
            }
            (writer, Ok(()))
        });
        let mut size = 0usize;
        let mut failure = None;
        while let Some(chunk) = body.next().await {
            let Ok(chunk) = chunk else {
                failure = Some(InputError::UploadInterrupted);
                break;
            };
            size += chunk.len();
            if size > max {
                failure = Some(InputError::FileTooLarge { max_bytes: max });
                break;
            }
            if plain_tx.send(Ok(chunk)).await.is_err() {
                break;
            }
        }
        if failure.is_some() {
            // The encryptor must not seal a truncated body as if it were whole.
            let _ = plain_tx.send(Err(std::io::Error::other("upload cut short"))).await;
        }
        drop(plain_tx);
        let sealed = encryptor.await.map_err(AppError::internal)?;
        let (writer, uploaded) = uploader.await.map_err(AppError::internal)?;
        if failure.is_none() && size == 0 {
            failure = Some(InputError::EmptyFile);
        }
        match (failure, sealed, uploaded) {
            (None, Ok(sealed), Ok(())) => {
                writer.finish().await.map_err(|e| unavailable(&format!("storing {key}"), &e))?;
                Ok(Received { key, wrapped, sealed })
            }
            (failure, sealed, uploaded) => {
                if let Err(e) = writer.abort().await {
                    tracing::warn!(key, error = %e, "aborting an unfinished upload");
                }
                Err(match (failure, sealed, uploaded) {
                    (Some(input), _, _) => input.into(),
                    // The store's failure first: it also stops the encryptor (its output
                    // has nowhere to go).
                    (None, _, Err(e)) => unavailable("storing an upload", &e),
                    (None, Err(e), _) => AppError::internal(format!("encrypting an upload: {e}")),
                    (None, Ok(_), Ok(())) => AppError::internal("unreachable"),
                })
            }
        }
    }

    /// Encrypts a small body already in memory (demo data), as an upload is; the
    /// ciphertext is stored with [`FileStore::put_sealed`].
    pub fn seal(&self, bytes: &[u8]) -> AppResult<(Received, Vec<u8>)> {
        let key = uuid::Uuid::new_v4().simple().to_string();
        let dk = DataKey::generate();
        let wrapped = self.keyring.wrap(&dk).map_err(AppError::internal)?;
        let mut out = Vec::with_capacity(bytes.len() + 64);
        let sealed = statreq_vault::encrypt(&dk, key.as_bytes(), bytes, &mut out).map_err(AppError::internal)?;
        Ok((Received { key, wrapped, sealed }, out))
    }

    /// Stores ciphertext made by [`FileStore::seal`].
    pub async fn put_sealed(&self, key: &str, ciphertext: Vec<u8>) -> AppResult<()> {
        self.store.put(&self.object(key), ciphertext.into()).await.map_err(AppError::internal)?;
        Ok(())
    }

    /// Streams a stored file out, decrypting as it goes, as `egress` says. The object
    /// is opened first, so that a store that cannot be reached is refused before
    /// anything is answered; a failure mid-way cuts the stream short (an age file then
    /// fails to open; it is never silently truncated plaintext of an authenticated prefix).
    pub async fn stream(&self, key: &str, wrapped: &str, egress: Egress) -> AppResult<impl Stream<Item = Result<Bytes, std::io::Error>>> {
        let dk = self.keyring.unwrap(wrapped).map_err(|e| AppError::internal(format!("unwrapping the data key of {key}: {e}")))?;
        let aad = key.to_string();
        let got = self.store.get(&self.object(key)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::internal(format!("the stored body of {key} is missing: {e}")),
            e => unavailable(&format!("reading {key}"), &e),
        })?;
        // The object's ciphertext → the decryptor (a blocking thread) → the response.
        let (in_tx, in_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        tokio::spawn(async move {
            let mut chunks = got.into_stream();
            while let Some(chunk) = chunks.next().await {
                if in_tx.send(chunk.map_err(std::io::Error::other)).await.is_err() {
                    break;
                }
            }
        });
        tokio::task::spawn_blocking(move || {
            let run = || -> statreq_vault::Result<()> {
                let input = ChannelReader { rx: in_rx, buf: Bytes::new() };
                let mut sink = std::io::BufWriter::with_capacity(64 * 1024, ChannelWriter { tx: tx.clone() });
                let age = match &egress {
                    Egress::Plain => None,
                    Egress::AgeRecipient(r) => Some(AgeKey::Recipient(r)),
                    Egress::AgePassphrase(p) => Some(AgeKey::Passphrase(p)),
                };
                match age {
                    Some(age) => {
                        let (_, mut sink) = statreq_vault::reencrypt_to_age(&dk, aad.as_bytes(), input, age, sink)?;
                        sink.flush()?;
                    }
                    None => {
                        statreq_vault::decrypt(&dk, aad.as_bytes(), input, &mut sink)?;
                        sink.flush()?;
                    }
                }
                Ok(())
            };
            if let Err(e) = run() {
                if tx.is_closed() {
                    // The reader stopped early (a client that went away, or the
                    // disclosure check that reads a table's start only): nothing failed.
                    tracing::debug!(error = %e, "a stored file's reader stopped before its end");
                } else {
                    tracing::error!(error = %e, "streaming a stored file failed; the response is cut short");
                    let _ = tx.blocking_send(Err(std::io::Error::other("stream failed")));
                }
            }
        });
        Ok(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }))
    }

    /// Removes stored bodies whose data keys are gone (shredded), or whose row was
    /// never written; each key goes on the shred list first.
    pub async fn remove<I, K>(&self, keys: I)
    where
        I: IntoIterator<Item = K>,
        K: AsRef<str>,
    {
        let keys: Vec<String> = keys.into_iter().map(|k| k.as_ref().to_string()).collect();
        if keys.is_empty() {
            return;
        }
        self.list_shredded(keys.clone(), Unreadable::ListAll).await;
        self.delete(&keys).await;
    }

    /// Puts on the shred list every shredded file it lacks (a process that stopped
    /// between deleting a data key and listing it) and deletes those bodies. Returns
    /// how many were missing.
    pub async fn reconcile_shredded(&self, shredded: Vec<String>) -> usize {
        let missing = self.list_shredded(shredded, Unreadable::ListNone).await;
        if !missing.is_empty() {
            tracing::warn!(files = missing.len(), "shredded files missing from the shred list; listed them now");
            self.delete(&missing).await;
        }
        missing.len()
    }

    /// Appends to the shred list those of `keys` it does not hold yet; returns them.
    /// The list is read and synced to disk on a blocking thread, not the server's.
    async fn list_shredded(&self, keys: Vec<String>, unreadable: Unreadable) -> Vec<String> {
        let Some(list) = self.shred_list.clone() else { return Vec::new() };
        actix_web::rt::task::spawn_blocking(move || list.append_missing(&keys, unreadable)).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "recording shredded files on the shred list failed");
            Vec::new()
        })
    }

    /// Deletes stored bodies (missing ones are fine).
    pub async fn delete(&self, keys: &[String]) {
        for key in keys {
            match self.store.delete(&self.object(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => tracing::warn!(key, error = %e, "removing a stored file"),
            }
        }
    }

    /// Every stored body's key and size (for backups).
    pub async fn list(&self) -> AppResult<Vec<(String, u64)>> {
        let mut out = Vec::new();
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let mut objects = self.store.list(prefix);
        while let Some(meta) = objects.next().await {
            let meta = meta.map_err(AppError::internal)?;
            if let Some(key) = meta.location.filename().and_then(|n| n.strip_suffix(".enc")) {
                out.push((key.to_string(), meta.size));
            }
        }
        Ok(out)
    }

    /// A stored body's ciphertext, as a stream (for backups).
    pub async fn raw(&self, key: &str) -> AppResult<impl Stream<Item = Result<Bytes, object_store::Error>>> {
        Ok(self.store.get(&self.object(key)).await.map_err(AppError::internal)?.into_stream())
    }

    /// Stores ciphertext read from a backup file as it was, as a multipart upload.
    pub async fn put_raw_file(&self, key: &str, path: &std::path::Path) -> AppResult<()> {
        use tokio::io::AsyncReadExt;
        let upload = self.store.put_multipart(&self.object(key)).await.map_err(AppError::internal)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = tokio::fs::File::open(path).await.map_err(AppError::internal)?;
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(AppError::internal(e));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.wait_for_capacity(UPLOAD_CONCURRENCY).await {
                let _ = writer.abort().await;
                return Err(AppError::internal(e));
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(AppError::internal)?;
        Ok(())
    }
}

/// The object store failing a read or a write: the cause goes to the log (the
/// operator's), the caller is told to retry (503, `files_unavailable`) — or, when the
/// files directory has no space left, that retrying helps only once space is freed
/// (507, `storage_full`).
fn unavailable(what: &str, e: &object_store::Error) -> AppError {
    if is_full(e) {
        tracing::error!(error = %e, "file store full: {what}; free space in the files directory");
        return InputError::StorageFull.into();
    }
    tracing::error!(error = %e, "file store unavailable: {what}");
    InputError::FilesUnavailable.into()
}

/// Whether an error (or one of its causes) is a file system out of space or quota.
fn is_full(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if matches!(io.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded) {
                return true;
            }
        }
        cause = c.source();
    }
    false
}

/// Reads what the async side sends, for the blocking encryptor and decryptor; an
/// error sent is the reader's error.
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    buf: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.buf.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.buf = b?,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// Writes into a channel from the blocking side.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tx.blocking_send(Ok(Bytes::copy_from_slice(buf))).map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A bound on the files moving in and out at once (uploads and downloads), and on
/// those of any one account: each transfer holds its place for as long as its body
/// streams.
pub struct Transfers {
    all: Arc<tokio::sync::Semaphore>,
    max: usize,
    per_account: usize,
    accounts: Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>>,
}

/// One file moving in or out: its place is given back (to the server and to its
/// account) when this is dropped.
pub struct Transfer {
    _permit: tokio::sync::OwnedSemaphorePermit,
    account: i64,
    accounts: Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>>,
}

impl Drop for Transfer {
    fn drop(&mut self) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = accounts.get_mut(&self.account) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                accounts.remove(&self.account);
            }
        }
    }
}

impl Transfers {
    pub fn new(max: usize, per_account: usize) -> Transfers {
        Transfers {
            all: Arc::new(tokio::sync::Semaphore::new(max.max(1))),
            max: max.max(1),
            per_account: per_account.max(1),
            accounts: Arc::default(),
        }
    }

    /// Files moving in or out now.
    pub fn in_flight(&self) -> usize {
        self.max.saturating_sub(self.all.available_permits())
    }

    /// A place for one of `account`'s files: `429 too_many_transfers` when the account
    /// moves as many as one may, `503 busy` when the server does (both with
    /// `Retry-After`).
    pub fn begin(&self, account: statreq_domain::UserId) -> Result<Transfer, InputError> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        if accounts.get(&account.0).copied().unwrap_or(0) >= self.per_account {
            return Err(InputError::TooManyTransfers { max: self.per_account });
        }
        let permit = self.all.clone().try_acquire_owned().map_err(|_| InputError::TransfersBusy)?;
        *accounts.entry(account.0).or_default() += 1;
        Ok(Transfer { _permit: permit, account: account.0, accounts: self.accounts.clone() })
    }

    /// A response body that holds `transfer` until it ends or is dropped, or until it has
    /// not been read for `idle`: a client that stops reading without closing (gone, or
    /// a slowloris) then gives back its transfer, the file is no longer read for it, and
    /// what it reads next is an error, never an end that looks whole.
    pub fn hold<S>(transfer: Transfer, body: S, idle: std::time::Duration) -> impl Stream<Item = Result<Bytes, std::io::Error>>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        use std::task::Poll;
        let held = Arc::new(std::sync::Mutex::new(Held {
            flow: Flow::Streaming { body: Box::pin(body), _transfer: transfer },
            last: std::time::Instant::now(),
        }));
        let watched = Arc::downgrade(&held);
        tokio::spawn(async move {
            let tick = (idle / 4).max(std::time::Duration::from_millis(100));
            loop {
                tokio::time::sleep(tick).await;
                let Some(held) = watched.upgrade() else { return };
                let mut h = held.lock().unwrap_or_else(|e| e.into_inner());
                match h.flow {
                    Flow::Streaming { .. } if h.last.elapsed() >= idle => {
                        tracing::info!(seconds = idle.as_secs(), "a download was not read; cut off and its transfer freed");
                        h.flow = Flow::CutOff;
                        return;
                    }
                    Flow::Streaming { .. } => {}
                    Flow::CutOff | Flow::Done => return,
                }
            }
        });
        futures_util::stream::poll_fn(move |cx| {
            let mut h = held.lock().unwrap_or_else(|e| e.into_inner());
            h.last = std::time::Instant::now();
            match &mut h.flow {
                Flow::Streaming { body, .. } => match body.as_mut().poll_next(cx) {
                    Poll::Ready(None) => {
                        h.flow = Flow::Done;
                        Poll::Ready(None)
                    }
                    other => other,
                },
                Flow::CutOff => {
                    h.flow = Flow::Done;
                    Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the download was not read"))))
                }
                Flow::Done => Poll::Ready(None),
            }
        })
    }
}

/// A download's body as [`Transfers::hold`] watches it, and when it was last read.
struct Held {
    flow: Flow,
    last: std::time::Instant,
}

enum Flow {
    /// Dropping the body stops the file being read for it and frees the transfer.
    Streaming {
        body: std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>,
        _transfer: Transfer,
    },
    CutOff,
    Done,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TempDir;

    /// A store with its keys and shred list in `dir`.
    fn store_in(dir: &std::path::Path) -> FileStore {
        let keyring = Arc::new(Keyring::open(&dir.join("keys")).unwrap_or_else(|e| panic!("{e}")));
        let mut files = FileStore::local(&dir.join("files"), keyring).unwrap_or_else(|e| panic!("{e}"));
        files.keep_shred_list_in(&dir.join("keys"));
        files
    }

    /// The sweep may find a shredded key before the destruction that shredded it has
    /// listed it; listed either way, each key is on the shred list once.
    #[tokio::test]
    async fn a_key_listed_by_the_sweep_and_the_destruction_is_listed_once() {
        let dir = TempDir::new("shred-list");
        let files = store_in(&dir);
        let listed = || shredded_keys(&dir.join("keys")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.reconcile_shredded(vec!["a".into()]).await, 1, "the sweep lists what it finds unlisted");
        files.remove(["a", "b"]).await;
        assert_eq!(listed(), ["a", "b"]);
        assert_eq!(files.reconcile_shredded(vec!["a".into(), "b".into()]).await, 0);
        files.remove(["b"]).await;
        assert_eq!(listed(), ["a", "b"]);
    }

    /// Another instance sharing the keys directory holds the shred list's lock while it
    /// reads and appends: this one waits its turn instead of listing the same key again.
    #[tokio::test]
    async fn instances_sharing_the_keys_directory_take_turns_on_the_shred_list() {
        let dir = TempDir::new("shred-turns");
        let files = Arc::new(store_in(&dir));
        let list = dir.join("keys").join(SHRED_LIST);
        let other = std::fs::OpenOptions::new().create(true).append(true).open(&list).unwrap_or_else(|e| panic!("{e}"));
        other.lock().unwrap_or_else(|e| panic!("{e}"));
        let removing = tokio::spawn({
            let files = files.clone();
            async move { files.remove(["a"]).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!removing.is_finished(), "the destruction waits while the other instance holds the list");
        // The other instance lists the key meanwhile, then lets go.
        (&other).write_all(b"a 2026-12-03T00:00:00+00:00\n").unwrap_or_else(|e| panic!("{e}"));
        other.unlock().unwrap_or_else(|e| panic!("{e}"));
        removing.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shredded_keys(&dir.join("keys")).unwrap_or_else(|e| panic!("{e}")), ["a"], "listed once");
    }
}
