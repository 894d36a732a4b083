//! At-rest file encryption: XChaCha20-Poly1305 in the STREAM construction
//! (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as implemented by the `aead-stream` crate:
//! 64 KiB chunks, a 32-bit big-endian counter and a last-chunk flag in the nonce.
//!
//! Layout: `STRQENC1` ‖ 19-byte nonce prefix ‖ chunks (64 KiB + 16-byte tag; the
//! last one shorter or equal, flagged). The caller's `aad` (the file's id) is
//! authenticated with every chunk, so a body cannot be swapped between files.

use std::io::{Read, Write};

use aead_stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::keys::DataKey;
use crate::{Result, VaultError};

const MAGIC: &[u8; 8] = b"STRQENC1";
const NONCE_PREFIX: usize = 19;
const TAG: usize = 16;
/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;

/// What encryption learnt about the plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub plaintext_bytes: u64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
}

/// Reads up to `buf.len()` bytes, stopping only at end of input.
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Chunks in flight between the reading thread and the encrypting one.
pub(crate) const IN_FLIGHT: usize = 4;

/// A chunk read and hashed: its buffer, its length, whether it is the last.
type ReadChunk = std::io::Result<(Vec<u8>, usize, bool)>;

/// Encrypts `input` to `output` with `key`; memory use is [`IN_FLIGHT`] chunks.
///
/// The manifest's SHA-256 of the plaintext is computed on a second thread, which reads
/// and hashes chunk *k + 1* while this one encrypts chunk *k*: the two costs overlap
/// instead of adding up. Buffers go back and forth between the threads, never copied.
pub fn encrypt(key: &DataKey, aad: &[u8], mut input: impl Read + Send, mut output: impl Write) -> Result<Sealed> {
    let mut prefix = [0u8; NONCE_PREFIX];
    rand::rngs::OsRng.fill_bytes(&mut prefix);
    output.write_all(MAGIC)?;
    output.write_all(&prefix)?;
    let cipher = XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*key.0));
    let mut enc = EncryptorBE32::from_aead(cipher, &prefix.into());
    let (read_tx, read_rx) = std::sync::mpsc::sync_channel::<ReadChunk>(IN_FLIGHT);
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        // The receiver is alive and the channel holds IN_FLIGHT: this cannot fail.
        // Room for the tag: each chunk is encrypted in its own buffer.
        let _ = free_tx.send(Vec::with_capacity(CHUNK + TAG));
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Option<(u64, [u8; 32])> {
            let mut hash = Sha256::new();
            let mut total = 0u64;
            // Stops quietly when the encrypting side has gone (it failed and says why).
            let mut current = free_rx.recv().ok()?;
            current.resize(CHUNK, 0);
            let mut n = match fill(&mut input, &mut current) {
                Ok(n) => n,
                Err(e) => return read_tx.send(Err(e)).ok().and(None),
            };
            loop {
                let (next, m) = if n == CHUNK {
                    let mut next = free_rx.recv().ok()?;
                    next.resize(CHUNK, 0);
                    match fill(&mut input, &mut next) {
                        Ok(m) => (Some(next), m),
                        Err(e) => return read_tx.send(Err(e)).ok().and(None),
                    }
                } else {
                    (None, 0)
                };
                hash.update(&current[..n]);
                total += n as u64;
                let last = m == 0;
                read_tx.send(Ok((current, n, last))).ok()?;
                match next {
                    Some(next) if !last => (current, n) = (next, m),
                    _ => return Some((total, hash.finalize().into())),
                }
            }
        });
        let encrypted = (move || -> Result<()> {
            for read in read_rx {
                let (mut chunk, n, last) = read?;
                chunk.truncate(n);
                if last {
                    enc.encrypt_last_in_place(aad, &mut chunk).map_err(|_| VaultError::Tampered)?;
                    output.write_all(&chunk)?;
                    output.flush()?;
                    return Ok(());
                }
                enc.encrypt_next_in_place(aad, &mut chunk).map_err(|_| VaultError::Tampered)?;
                output.write_all(&chunk)?;
                // The reader may have finished; then the buffer is simply dropped.
                let _ = free_tx.send(chunk);
            }
            Err(VaultError::Io(std::io::Error::other("the reading thread stopped before the last chunk")))
        })();
        let hashed = reader.join().map_err(|_| VaultError::Io(std::io::Error::other("the hashing thread panicked")))?;
        encrypted?;
        let (plaintext_bytes, digest) = hashed.ok_or_else(|| VaultError::Io(std::io::Error::other("the reading thread stopped early")))?;
        Ok(Sealed { plaintext_bytes, sha256: hex::encode(digest) })
    })
}

/// Decrypts to `output` chunk by chunk. Every chunk is authenticated before it is
/// written; a damaged, reordered or truncated file stops with
/// [`VaultError::Tampered`] (callers that must not expose a prefix of the plaintext
/// write to a temporary place and keep it only on success).
pub fn decrypt(key: &DataKey, aad: &[u8], mut input: impl Read, mut output: impl Write) -> Result<u64> {
    let mut head = [0u8; 8 + NONCE_PREFIX];
    if fill(&mut input, &mut head)? != head.len() || &head[..8] != MAGIC {
        return Err(VaultError::NotOurFormat);
    }
    let cipher = XChaCha20Poly1305::new(&chacha20poly1305::Key::from(*key.0));
    let prefix: [u8; NONCE_PREFIX] = head[8..].try_into().map_err(|_| VaultError::NotOurFormat)?;
    let mut dec = DecryptorBE32::from_aead(cipher, &prefix.into());
    let mut current = vec![0u8; CHUNK + TAG];
    let mut next = vec![0u8; CHUNK + TAG];
    let mut n = fill(&mut input, &mut current)?;
    let mut total = 0u64;
    loop {
        if n < TAG {
            return Err(VaultError::Tampered);
        }
        let m = if n == CHUNK + TAG { fill(&mut input, &mut next)? } else { 0 };
        // Decrypted in place: the buffer shrinks to the chunk's plaintext.
        current.truncate(n);
        if m == 0 {
            dec.decrypt_last_in_place(aad, &mut current).map_err(|_| VaultError::Tampered)?;
            output.write_all(&current)?;
            total += current.len() as u64;
            break;
        }
        dec.decrypt_next_in_place(aad, &mut current).map_err(|_| VaultError::Tampered)?;
        output.write_all(&current)?;
        total += current.len() as u64;
        current.resize(CHUNK + TAG, 0);
        std::mem::swap(&mut current, &mut next);
        n = m;
    }
    output.flush()?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn roundtrip(data: &[u8]) -> (Vec<u8>, DataKey) {
        let key = DataKey::generate();
        let mut sealed = Vec::new();
        let info = encrypt(&key, b"file-1", data, &mut sealed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info.plaintext_bytes, data.len() as u64);
        assert_eq!(info.sha256, hex::encode(Sha256::digest(data)));
        let mut back = Vec::new();
        decrypt(&key, b"file-1", sealed.as_slice(), &mut back).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, data);
        (sealed, key)
    }

    /// Fails after `ok` bytes, as a broken upload or a full disk does.
    struct Failing {
        ok: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.ok == 0 {
                return Err(std::io::Error::other("the upload broke"));
            }
            let n = buf.len().min(self.ok);
            buf[..n].fill(7);
            self.ok -= n;
            Ok(n)
        }
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.ok < buf.len() {
                return Err(std::io::Error::other("the disk is full"));
            }
            self.ok -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_input_or_output_stops_encryption_with_its_cause() {
        let key = DataKey::generate();
        // The reading (and hashing) thread fails: its error comes back, nothing hangs.
        for ok in [0, 100, CHUNK, 5 * CHUNK + 3] {
            let err = encrypt(&key, b"f", Failing { ok }, Vec::new()).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("the upload broke"), "{ok}: {err}");
        }
        // The writing side fails while the reader still has chunks to give.
        let data = vec![1u8; 20 * CHUNK];
        for ok in [0, 10, 3 * CHUNK] {
            let err = encrypt(&key, b"f", data.as_slice(), Failing { ok }).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("the disk is full"), "{ok}: {err}");
        }
    }

    #[test]
    fn sizes_around_chunk_boundaries_round_trip() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            roundtrip(&data);
        }
    }

    #[test]
    fn tampering_truncation_reordering_and_swapping_fail() {
        let data: Vec<u8> = (0..3 * CHUNK + 100).map(|i| (i % 253) as u8).collect();
        let (sealed, key) = roundtrip(&data);
        let open = |bytes: &[u8], aad: &[u8]| decrypt(&key, aad, bytes, std::io::sink());
        let start = 8 + NONCE_PREFIX;
        let c = CHUNK + TAG;
        // A flipped bit anywhere in the body.
        for at in [start, start + c + 5, sealed.len() - 1] {
            let mut t = sealed.clone();
            t[at] ^= 1;
            assert!(matches!(open(&t, b"file-1"), Err(VaultError::Tampered)), "flip at {at}");
        }
        // Truncated at a chunk boundary: the last flag is missing.
        assert!(matches!(open(&sealed[..start + 2 * c], b"file-1"), Err(VaultError::Tampered)));
        assert!(matches!(open(&sealed[..sealed.len() - 3], b"file-1"), Err(VaultError::Tampered)));
        // Chunks 1 and 2 swapped.
        let mut r = sealed[..start].to_vec();
        r.extend_from_slice(&sealed[start + c..start + 2 * c]);
        r.extend_from_slice(&sealed[start..start + c]);
        r.extend_from_slice(&sealed[start + 2 * c..]);
        assert!(matches!(open(&r, b"file-1"), Err(VaultError::Tampered)));
        // The body of another file (another aad), or the wrong key.
        assert!(matches!(open(&sealed, b"file-2"), Err(VaultError::Tampered)));
        assert!(matches!(decrypt(&DataKey::generate(), b"file-1", sealed.as_slice(), std::io::sink()), Err(VaultError::Tampered)));
        assert!(matches!(open(b"not encrypted at all, no", b"file-1"), Err(VaultError::NotOurFormat)));
    }

    #[test]
    fn nothing_is_written_past_a_damaged_chunk() {
        let data = vec![7u8; 2 * CHUNK + 1];
        let (mut sealed, key) = roundtrip(&data);
        let at = 8 + NONCE_PREFIX + (CHUNK + TAG) + 3;
        sealed[at] ^= 0x80;
        let mut out = Vec::new();
        assert!(decrypt(&key, b"file-1", sealed.as_slice(), &mut out).is_err());
        assert_eq!(out.len(), CHUNK, "only the authenticated first chunk");
    }

    /// A file stored by an earlier version (fixtures/README.md) opens to the same bytes:
    /// a change of cipher library must not change the format.
    #[test]
    fn files_stored_by_earlier_versions_still_open() {
        let stored = include_bytes!("../fixtures/stored-v1.bin");
        let key = DataKey(zeroize::Zeroizing::new([7u8; 32]));
        let mut back = Vec::new();
        decrypt(&key, b"file-fixture", stored.as_slice(), &mut back).unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<u8> = (0..CHUNK + 100).map(|i| (i * 31 % 251) as u8).collect();
        assert!(back == expected, "the fixture opened to other bytes ({} of {})", back.len(), expected.len());
        assert!(matches!(decrypt(&key, b"file-other", stored.as_slice(), std::io::sink()), Err(VaultError::Tampered)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn any_data_round_trips(data in proptest::collection::vec(any::<u8>(), 0..200_000)) {
            roundtrip(&data);
        }
    }
}
