//! Key-encryption keys (KEKs) with ids, and data keys wrapped by them.

use std::path::{Path, PathBuf};

use base64::Engine;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::{Result, VaultError};

/// A file's own 256-bit key. Zeroed when dropped.
pub struct DataKey(pub(crate) Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> DataKey {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        DataKey(k)
    }
}

struct Kek {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

/// The KEKs of this installation: `<dir>/<id>.kek` (base64, mode 0600) and
/// `<dir>/current` naming the one new data keys are wrapped with.
pub struct Keyring {
    dir: PathBuf,
    keks: Vec<Kek>,
    current: String,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn key_file_error(path: &Path, reason: impl ToString) -> VaultError {
    VaultError::KeyFile { path: path.display().to_string(), reason: reason.to_string() }
}

/// A claim on a keys directory (an advisory lock on `<dir>/in-use.lock`), held until
/// dropped. Every running server holds a shared claim for its whole life and
/// `statreq keys rotate` the only, exclusive one: a rotation never retires a key that a
/// running server still wraps new values with (which would make them unreadable), and
/// no server starts while a rotation runs.
pub struct KeysClaim {
    _file: std::fs::File,
}

/// Who holds a claim that stands in the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// Shared claims: one or more running servers.
    Servers,
    /// The exclusive claim: a key rotation.
    Rotation,
}

impl Keyring {
    /// Claims `dir` (created when missing) for a server (`exclusive = false`) or for
    /// a rotation (`exclusive = true`); refused with [`VaultError::KeysInUse`] when a
    /// conflicting claim is held, never waiting.
    pub fn claim(dir: &Path, exclusive: bool) -> Result<KeysClaim> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("in-use.lock");
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(|e| key_file_error(&path, e))?;
        let taken = if exclusive { file.try_lock() } else { file.try_lock_shared() };
        match taken {
            Ok(()) => Ok(KeysClaim { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(VaultError::KeysInUse {
                dir: dir.display().to_string(),
                by: if exclusive { Holder::Servers } else { Holder::Rotation },
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(key_file_error(&path, format!("cannot be locked: {e}"))),
        }
    }

    /// Opens the keyring in `dir`, creating it with a first KEK when empty.
    pub fn open(dir: &Path) -> Result<Keyring> {
        std::fs::create_dir_all(dir)?;
        let mut keks = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("kek") {
                continue;
            }
            let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            let raw = std::fs::read_to_string(&path)?;
            let bytes = Zeroizing::new(B64.decode(raw.trim()).map_err(|e| key_file_error(&path, e))?);
            let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| key_file_error(&path, "a KEK is 32 bytes"))?;
            keks.push(Kek { id, key: Zeroizing::new(key) });
        }
        let current_path = dir.join("current");
        let mut ring = Keyring { dir: dir.to_path_buf(), keks, current: String::new() };
        if ring.keks.is_empty() {
            ring.rotate()?;
        } else {
            let current = std::fs::read_to_string(&current_path).map_err(|e| key_file_error(&current_path, e))?;
            ring.current = current.trim().to_string();
            if !ring.keks.iter().any(|k| k.id == ring.current) {
                return Err(VaultError::UnknownKek(ring.current));
            }
        }
        Ok(ring)
    }

    /// The id of the KEK new data keys are wrapped with.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// Ids of every KEK held.
    pub fn ids(&self) -> Vec<String> {
        self.keks.iter().map(|k| k.id.clone()).collect()
    }

    /// Adds a new KEK and makes it current. Returns its id.
    pub fn rotate(&mut self) -> Result<String> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        let mut tag = [0u8; 4];
        rand::rngs::OsRng.fill_bytes(&mut tag);
        // Numbered on from the newest held (the ones before are retired by a rotation,
        // so counting those held named every new key kek2).
        let newest = self.keks.iter().filter_map(|k| k.id.strip_prefix("kek")?.split('-').next()?.parse::<u64>().ok()).max();
        let id = format!("kek{}-{}", newest.unwrap_or(0) + 1, hex::encode(tag));
        write_private(&self.dir.join(format!("{id}.kek")), B64.encode(&key[..]).as_bytes())?;
        let tmp = self.dir.join("current.tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(id.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, self.dir.join("current"))?;
        sync_dir(&self.dir)?;
        self.keks.push(Kek { id: id.clone(), key });
        self.current = id.clone();
        Ok(id)
    }

    fn kek(&self, id: &str) -> Result<&Kek> {
        self.keks.iter().find(|k| k.id == id).ok_or_else(|| VaultError::UnknownKek(id.to_string()))
    }

    /// `<kek id>.<base64(nonce ‖ ciphertext)>`; the KEK id is authenticated too.
    pub fn wrap(&self, dk: &DataKey) -> Result<String> {
        let kek = self.kek(&self.current)?;
        let cipher = cipher_for(&kek.key);
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct =
            cipher.encrypt(&XNonce::from(nonce), Payload { msg: &dk.0[..], aad: kek.id.as_bytes() }).map_err(|_| VaultError::Tampered)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        Ok(format!("{}.{}", kek.id, B64.encode(blob)))
    }

    pub fn unwrap(&self, wrapped: &str) -> Result<DataKey> {
        let (id, blob) = wrapped.split_once('.').ok_or(VaultError::MalformedWrappedKey)?;
        let kek = self.kek(id)?;
        let blob = B64.decode(blob).map_err(|_| VaultError::MalformedWrappedKey)?;
        if blob.len() < 24 {
            return Err(VaultError::MalformedWrappedKey);
        }
        let cipher = cipher_for(&kek.key);
        let pt = Zeroizing::new(
            cipher.decrypt(&nonce_of(&blob)?, Payload { msg: &blob[24..], aad: id.as_bytes() }).map_err(|_| VaultError::Tampered)?,
        );
        let key: [u8; 32] = pt.as_slice().try_into().map_err(|_| VaultError::MalformedWrappedKey)?;
        Ok(DataKey(Zeroizing::new(key)))
    }

    /// Deletes a KEK that nothing refers to any more (after every wrapped value was
    /// re-wrapped): what it wrapped, in old backups too, can no longer be opened.
    /// The current KEK cannot be retired.
    pub fn retire(&mut self, id: &str) -> Result<()> {
        if id == self.current {
            return Err(VaultError::KeyFile { path: id.into(), reason: "the current key-encryption key cannot be retired".into() });
        }
        let path = self.dir.join(format!("{id}.kek"));
        // Overwrite, then unlink (a best effort on copy-on-write or journaled storage).
        if let Ok(len) = std::fs::metadata(&path).map(|m| m.len()) {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(&path)?;
            f.write_all(&vec![0u8; usize::try_from(len).unwrap_or(0)])?;
            f.sync_all()?;
        }
        std::fs::remove_file(&path)?;
        sync_dir(&self.dir)?;
        self.keks.retain(|k| k.id != id);
        Ok(())
    }

    /// The KEK id a wrapped key (`id.blob`) or sealed secret (`id.blob:blob`) uses.
    pub fn kek_of(wrapped: &str) -> Option<&str> {
        wrapped.split_once('.').map(|(id, _)| id)
    }

    /// The same data key wrapped by the current KEK (after [`Keyring::rotate`]).
    pub fn rewrap(&self, wrapped: &str) -> Result<String> {
        self.wrap(&self.unwrap(wrapped)?)
    }

    /// Wraps and unwraps arbitrary small secrets (e.g. a delivery's passphrase).
    pub fn seal_secret(&self, secret: &str) -> Result<String> {
        let dk = DataKey::generate();
        let wrapped = self.wrap(&dk)?;
        let cipher = cipher_for(&dk.0);
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher.encrypt(&XNonce::from(nonce), secret.as_bytes()).map_err(|_| VaultError::Tampered)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        Ok(format!("{wrapped}:{}", B64.encode(blob)))
    }

    pub fn open_secret(&self, sealed: &str) -> Result<Zeroizing<String>> {
        let (wrapped, blob) = sealed.split_once(':').ok_or(VaultError::MalformedWrappedKey)?;
        let dk = self.unwrap(wrapped)?;
        let blob = B64.decode(blob).map_err(|_| VaultError::MalformedWrappedKey)?;
        if blob.len() < 24 {
            return Err(VaultError::MalformedWrappedKey);
        }
        let cipher = cipher_for(&dk.0);
        let pt = cipher.decrypt(&nonce_of(&blob)?, &blob[24..]).map_err(|_| VaultError::Tampered)?;
        String::from_utf8(pt).map(Zeroizing::new).map_err(|_| VaultError::MalformedWrappedKey)
    }

    /// Re-wraps a sealed secret's key under the current KEK.
    pub fn reseal_secret(&self, sealed: &str) -> Result<String> {
        let (wrapped, blob) = sealed.split_once(':').ok_or(VaultError::MalformedWrappedKey)?;
        Ok(format!("{}:{blob}", self.rewrap(wrapped)?))
    }
}

fn cipher_for(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*key))
}

fn nonce_of(blob: &[u8]) -> Result<XNonce> {
    let n: [u8; 24] = blob.get(..24).and_then(|b| b.try_into().ok()).ok_or(VaultError::MalformedWrappedKey)?;
    Ok(XNonce::from(n))
}

/// Makes a directory's entries (a new, renamed or removed file) durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `path` (refusing to overwrite) readable by its owner only (0600), writes
/// `bytes` and syncs them: how every key file of statreq is written.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let mut b = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut b);
        std::env::temp_dir().join(format!("statreq-keys-{}", hex::encode(b)))
    }

    /// Keys wrapped and secrets sealed by an earlier version (fixtures/README.md) open.
    #[test]
    fn keys_and_secrets_sealed_by_earlier_versions_still_open() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let ring = Keyring::open(&fixtures.join("keyring")).unwrap_or_else(|e| panic!("{e}"));
        let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let key = ring.unwrap(read("wrapped.txt").trim()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key.0[..], [7u8; 32]);
        let secret = ring.open_secret(read("sealed.txt").trim()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(secret.as_str(), "fixture passphrase");
    }

    /// Servers share a keys directory; a rotation needs it alone, and while it has it
    /// no server starts.
    #[test]
    fn servers_share_the_keys_a_rotation_needs_alone() {
        let d = dir();
        let server = Keyring::claim(&d, false).unwrap_or_else(|e| panic!("{e}"));
        let another = Keyring::claim(&d, false).unwrap_or_else(|e| panic!("{e}"));
        let refused = Keyring::claim(&d, true).err().unwrap_or_else(|| panic!("a rotation while servers run"));
        assert!(matches!(refused, VaultError::KeysInUse { by: Holder::Servers, .. }), "{refused}");
        assert!(refused.to_string().contains("running statreq server"), "{refused}");
        drop((server, another));
        let rotation = Keyring::claim(&d, true).unwrap_or_else(|e| panic!("{e}"));
        let refused = Keyring::claim(&d, false).err().unwrap_or_else(|| panic!("a server during a rotation"));
        assert!(matches!(refused, VaultError::KeysInUse { by: Holder::Rotation, .. }), "{refused}");
        drop(rotation);
        assert!(Keyring::claim(&d, false).is_ok());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn wrap_rotate_rewrap_and_reopen() {
        let d = dir();
        let mut ring = Keyring::open(&d).unwrap_or_else(|e| panic!("{e}"));
        let first = ring.current_id().to_string();
        let dk = DataKey::generate();
        let wrapped = ring.wrap(&dk).unwrap_or_else(|e| panic!("{e}"));
        assert!(wrapped.starts_with(&format!("{first}.")));
        let second = ring.rotate().unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(first, second);
        assert!(first.starts_with("kek1-") && second.starts_with("kek2-"), "{first} {second}");
        let rewrapped = ring.rewrap(&wrapped).unwrap_or_else(|e| panic!("{e}"));
        assert!(rewrapped.starts_with(&format!("{second}.")));
        let reopened = Keyring::open(&d).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reopened.current_id(), second);
        let a = reopened.unwrap(&wrapped).unwrap_or_else(|e| panic!("{e}"));
        let b = reopened.unwrap(&rewrapped).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.0[..], dk.0[..]);
        assert_eq!(b.0[..], dk.0[..]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.join(format!("{first}.kek"))).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        // A wrapped key claiming another KEK id does not open.
        let forged = wrapped.replacen(&first, &second, 1);
        assert!(matches!(reopened.unwrap(&forged), Err(VaultError::Tampered)));
        let sealed = reopened.seal_secret("correct horse").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reopened.open_secret(&sealed).map(|s| s.to_string()).ok().as_deref(), Some("correct horse"));
        // The first retired, as a rotation does: the next is the third, not a second kek2.
        let mut ring = reopened;
        ring.retire(&first).unwrap_or_else(|e| panic!("{e}"));
        let third = ring.rotate().unwrap_or_else(|e| panic!("{e}"));
        assert!(third.starts_with("kek3-"), "{third}");
        let _ = std::fs::remove_dir_all(d);
    }
}
