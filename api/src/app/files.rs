//! Files at rest — result files and attachments: each encrypted under its own data
//! key as it streams in (the vault's STREAM construction), renamed into place only
//! when complete, streamed out decrypted (or re-encrypted as age) and removed after
//! its key is shredded. Only ciphertext is ever written.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
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

pub struct FileStore {
    dir: PathBuf,
    keyring: Arc<Keyring>,
}

impl FileStore {
    pub fn new(dir: PathBuf, keyring: Arc<Keyring>) -> FileStore {
        FileStore { dir, keyring }
    }

    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.enc"))
    }

    /// Receives one body of at most `max` bytes. Nothing is left behind when it
    /// fails (interrupted, too large, empty): the file was never visible.
    pub async fn receive<S, E>(&self, mut body: S, max: usize) -> AppResult<Received>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        std::fs::create_dir_all(&self.dir).map_err(AppError::internal)?;
        let key = uuid::Uuid::new_v4().simple().to_string();
        let part = self.dir.join(format!("{key}.part"));
        let dk = DataKey::generate();
        let wrapped = self.keyring.wrap(&dk).map_err(AppError::internal)?;
        let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(8);
        let part_for_writer = part.clone();
        let aad = key.clone();
        let writer = tokio::task::spawn_blocking(move || -> statreq_vault::Result<statreq_vault::Sealed> {
            let file = std::fs::File::create(&part_for_writer)?;
            let mut out = std::io::BufWriter::new(file);
            let sealed = statreq_vault::encrypt(&dk, aad.as_bytes(), ChannelReader { rx, buf: Bytes::new() }, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(sealed)
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
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
        drop(tx);
        let sealed = writer.await.map_err(AppError::internal)?;
        if failure.is_none() && size == 0 {
            failure = Some(InputError::EmptyFile);
        }
        let sealed = match (failure, sealed) {
            (None, Ok(sealed)) => sealed,
            (failure, sealed) => {
                let _ = std::fs::remove_file(&part);
                return Err(match (failure, sealed) {
                    (Some(input), _) => input.into(),
                    (None, Err(e)) => AppError::internal(format!("encrypting an upload: {e}")),
                    (None, Ok(_)) => AppError::internal("unreachable"),
                });
            }
        };
        std::fs::rename(&part, self.path(&key)).map_err(AppError::internal)?;
        Ok(Received { key, wrapped, sealed })
    }

    /// Stores a small body already in memory (demo data, generated files), encrypted
    /// as an upload is.
    pub fn put(&self, bytes: &[u8]) -> AppResult<Received> {
        std::fs::create_dir_all(&self.dir).map_err(AppError::internal)?;
        let key = uuid::Uuid::new_v4().simple().to_string();
        let dk = DataKey::generate();
        let wrapped = self.keyring.wrap(&dk).map_err(AppError::internal)?;
        let part = self.dir.join(format!("{key}.part"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&part).map_err(AppError::internal)?);
        let sealed = statreq_vault::encrypt(&dk, key.as_bytes(), bytes, &mut out).map_err(AppError::internal)?;
        out.into_inner().map_err(|e| AppError::internal(e.into_error()))?.sync_all().map_err(AppError::internal)?;
        std::fs::rename(&part, self.path(&key)).map_err(AppError::internal)?;
        Ok(Received { key, wrapped, sealed })
    }

    /// Streams a stored file out, decrypting as it goes, as `egress` says. A failure
    /// mid-way cuts the stream short (an age file then fails to open; it is never
    /// silently truncated plaintext of an authenticated prefix).
    pub fn stream(&self, key: &str, wrapped: &str, egress: Egress) -> AppResult<impl Stream<Item = Result<Bytes, std::io::Error>>> {
        let dk = self.keyring.unwrap(wrapped).map_err(|e| AppError::internal(format!("unwrapping the data key of {key}: {e}")))?;
        let path = self.path(key);
        let aad = key.to_string();
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        tokio::task::spawn_blocking(move || {
            let run = || -> statreq_vault::Result<()> {
                let input = std::io::BufReader::new(std::fs::File::open(&path)?);
                let mut sink = std::io::BufWriter::with_capacity(64 * 1024, ChannelWriter { tx: tx.clone() });
                let age = match &egress {
                    Egress::Plain => None,
                    Egress::AgeRecipient(r) => Some(AgeKey::Recipient(r)),
                    Egress::AgePassphrase(p) => Some(AgeKey::Passphrase(p)),
                };
                match age {
                    Some(age) => {
                        let mut age = statreq_vault::age_encryptor(age, sink)?;
                        statreq_vault::decrypt(&dk, aad.as_bytes(), input, &mut age)?;
                        age.finish()?.flush()?;
                    }
                    None => {
                        statreq_vault::decrypt(&dk, aad.as_bytes(), input, &mut sink)?;
                        sink.flush()?;
                    }
                }
                Ok(())
            };
            if let Err(e) = run() {
                tracing::error!(error = %e, "streaming a stored file failed; the response is cut short");
                let _ = tx.blocking_send(Err(std::io::Error::other("stream failed")));
            }
        });
        Ok(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }))
    }

    /// Removes stored bodies (their keys are already gone, or the row was never written).
    pub fn remove<'a>(&self, keys: impl IntoIterator<Item = &'a str>) {
        for key in keys {
            if let Err(e) = std::fs::remove_file(self.path(key)) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(key, error = %e, "removing a stored file");
                }
            }
        }
    }
}

/// Reads what the async side sends, for the blocking encryptor.
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    buf: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.buf.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.buf = b,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf.split_to(n));
        Ok(n)
    }
}

/// Writes into the response body from the blocking side.
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

/// A bound on the files moving in and out at once (uploads and downloads): each
/// transfer holds a permit for as long as its body streams.
pub struct Transfers(std::sync::Arc<tokio::sync::Semaphore>);

impl Transfers {
    pub fn new(max: usize) -> Transfers {
        Transfers(std::sync::Arc::new(tokio::sync::Semaphore::new(max.max(1))))
    }

    /// A permit, or `503 busy` with `Retry-After` when every one is taken.
    pub fn begin(&self) -> Result<tokio::sync::OwnedSemaphorePermit, InputError> {
        self.0.clone().try_acquire_owned().map_err(|_| InputError::TransfersBusy)
    }

    /// A body stream that holds `permit` until it ends or is dropped.
    pub fn hold<S: Stream>(permit: tokio::sync::OwnedSemaphorePermit, body: S) -> impl Stream<Item = S::Item> {
        body.map(move |chunk| {
            let _held = &permit;
            chunk
        })
    }
}
