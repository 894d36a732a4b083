//! Delivery files in the age format (age-encryption.org/v1): a per-delivery
//! passphrase (scrypt) or an X25519 recipient registered by a system.

use std::io::{Read, Write};

use age::secrecy::SecretString;
use rand::Rng;

use crate::keys::DataKey;
use crate::stream::IN_FLIGHT;
use crate::{Result, VaultError};

/// To whom an age file is encrypted.
pub enum AgeKey<'a> {
    /// A passphrase (scrypt recipient).
    Passphrase(&'a str),
    /// An X25519 recipient, `age1…`.
    Recipient(&'a str),
}

/// The scrypt work factor statreq accepts when it decrypts passphrase files
/// itself (2^18 ≈ 1 s); a hostile file with a larger one is refused, not computed.
pub const MAX_SCRYPT_WORK_FACTOR: u8 = 18;

/// The scrypt work factor of statreq's own passphrases (2^10, about a millisecond).
/// scrypt slows down guessing a passphrase a person chose; statreq's passphrases are
/// random with 150 bits ([`generate_passphrase`]), which no work factor makes
/// stronger — while age's default (about a second per file) would be paid on every
/// download, a cost anyone allowed to download could make the server pay at will.
pub const PASSPHRASE_WORK_FACTOR: u8 = 10;

/// A new passphrase: 6 groups of 5 characters from a 32-letter alphabet without
/// look-alikes (150 bits), e.g. `k7m2p-…`.
pub fn generate_passphrase() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789-";
    let letters = &ALPHABET[..31];
    let mut rng = rand::rngs::OsRng;
    (0..6).map(|_| (0..5).map(|_| letters[rng.gen_range(0..letters.len())] as char).collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Whether `text` is an X25519 age recipient (`age1…`).
pub fn is_x25519_recipient(text: &str) -> bool {
    text.parse::<age::x25519::Recipient>().is_ok()
}

/// A writer that age-encrypts into `output`. Call `finish()` on it: without it
/// the file is cut short.
pub fn age_encryptor<W: Write>(key: AgeKey<'_>, output: W) -> Result<age::stream::StreamWriter<W>> {
    let encryptor = match key {
        AgeKey::Passphrase(p) => {
            let mut recipient = age::scrypt::Recipient::new(SecretString::from(p.to_owned()));
            recipient.set_work_factor(PASSPHRASE_WORK_FACTOR);
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| VaultError::Age(e.to_string()))?
        }
        AgeKey::Recipient(r) => {
            let recipient: age::x25519::Recipient = r.parse().map_err(|e: &str| VaultError::Age(e.to_string()))?;
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| VaultError::Age(e.to_string()))?
        }
    };
    encryptor.wrap_output(output).map_err(VaultError::Io)
}

/// Turns a stored file (at-rest form, [`crate::encrypt`]) into an age file for `to`,
/// written to `output`, which is returned once the age file is complete.
///
/// Two ciphers run over every byte: the stored file's decryption on a second thread
/// and age's encryption on this one, so on two cores they overlap instead of adding up.
/// Plaintext chunks pass between the threads in [`IN_FLIGHT`] buffers that go back
/// and forth (memory stays flat). The age file is finished only when the stored file
/// authenticated to its last chunk: on any failure it stays cut short, and age refuses
/// to open it, so a recipient never takes a prefix for the whole.
pub fn reencrypt_to_age<W: Write>(key: &DataKey, aad: &[u8], input: impl Read + Send, to: AgeKey<'_>, output: W) -> Result<(u64, W)> {
    let mut age = age_encryptor(to, output)?;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    let (free_tx, free_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        // The receiver is alive and the channel holds IN_FLIGHT: this cannot fail.
        let _ = free_tx.send(Vec::with_capacity(crate::CHUNK));
    }
    std::thread::scope(|scope| {
        let decrypting = scope.spawn(move || crate::decrypt(key, aad, input, Handoff { full: full_tx, free: free_rx }));
        let encrypted = (|| -> Result<()> {
            for chunk in &full_rx {
                age.write_all(&chunk)?;
                // The decrypting side may have finished; then the buffer is simply dropped.
                let _ = free_tx.send(chunk);
            }
            Ok(())
        })();
        // On failure here, dropping our ends stops the decrypting thread at its next chunk.
        drop((full_rx, free_tx));
        let decrypted = decrypting.join().map_err(|_| VaultError::Io(std::io::Error::other("the decrypting thread panicked")))?;
        encrypted?;
        let n = decrypted?;
        Ok((n, age.finish()?))
    })
}

/// The decrypting thread's output: each write goes to the encrypting thread in a
/// buffer it handed back.
struct Handoff {
    full: std::sync::mpsc::SyncSender<Vec<u8>>,
    free: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl Write for Handoff {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let gone = || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the age encryption stopped");
        let mut buf = self.free.recv().map_err(|_| gone())?;
        buf.clear();
        // One chunk of the stored file per write: the buffer holds it without growing.
        let n = data.len().min(crate::CHUNK);
        buf.extend_from_slice(&data[..n]);
        self.full.send(buf).map_err(|_| gone())?;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decrypts an age file (passphrase or X25519 identity `AGE-SECRET-KEY-1…`).
/// Output is written as it is authenticated; on failure the caller discards it.
pub fn age_decrypt(input: impl Read, passphrase: Option<&str>, identity: Option<&str>, mut output: impl Write) -> Result<u64> {
    // Binary, or armored as `age -a` writes it (for mail); anything else is named, not
    // left to the header parser's words.
    let mut input = std::io::BufReader::new(input);
    let head = std::io::BufRead::fill_buf(&mut input)?;
    let armored = head.trim_ascii_start().starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----");
    if !head.starts_with(b"age-encryption.org/") && !armored {
        return Err(VaultError::Age(
            "this is not an age file: it begins neither with age-encryption.org/v1 nor with -----BEGIN AGE ENCRYPTED FILE-----".into(),
        ));
    }
    // Armored text pasted or saved with blank lines or spaces before it (a mail body, an
    // editor) is read from its first line: the age crate (and the Go tool) refuse it in
    // their own words ("Header is invalid"). What follows is authenticated as ever.
    if armored {
        let blank = head.len() - head.trim_ascii_start().len();
        std::io::BufRead::consume(&mut input, blank);
    }
    let decryptor = age::Decryptor::new(age::armor::ArmoredReader::new(input)).map_err(|e| VaultError::Age(e.to_string()))?;
    let mut reader = if decryptor.is_scrypt() {
        let p = passphrase.ok_or_else(|| VaultError::Age("this file needs a passphrase".into()))?;
        let mut id = age::scrypt::Identity::new(SecretString::from(p.to_owned()));
        id.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR + 4);
        decryptor.decrypt(std::iter::once(&id as &dyn age::Identity)).map_err(|e| VaultError::Age(e.to_string()))?
    } else {
        let key = identity.ok_or_else(|| VaultError::Age("this file needs an identity (AGE-SECRET-KEY-1…)".into()))?;
        let id: age::x25519::Identity = key.trim().parse().map_err(|e: &str| VaultError::Age(e.to_string()))?;
        decryptor.decrypt(std::iter::once(&id as &dyn age::Identity)).map_err(|e| VaultError::Age(e.to_string()))?
    };
    let n = std::io::copy(&mut reader, &mut output).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            VaultError::Tampered
        } else {
            VaultError::Io(e)
        }
    })?;
    output.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_files_cost_a_millisecond_not_a_second() {
        let p = generate_passphrase();
        let mut out = Vec::new();
        let mut w = age_encryptor(AgeKey::Passphrase(&p), &mut out).unwrap_or_else(|e| panic!("{e}"));
        std::io::Write::write_all(&mut w, b"x").unwrap_or_else(|e| panic!("{e}"));
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        let header = String::from_utf8_lossy(&out[..out.len().min(200)]).to_string();
        let stanza = header.lines().find(|l| l.starts_with("-> scrypt ")).unwrap_or_default().to_string();
        assert_eq!(stanza.rsplit(' ').next(), Some("10"), "{header}");
    }

    #[test]
    fn passphrases_are_long_and_different() {
        let a = generate_passphrase();
        assert_eq!(a.len(), 6 * 5 + 5);
        assert_ne!(a, generate_passphrase());
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
    }

    #[test]
    fn age_round_trips_with_a_recipient_and_refuses_tampering() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let mut file = Vec::new();
        let mut w = age_encryptor(AgeKey::Recipient(&recipient), &mut file).unwrap_or_else(|e| panic!("{e}"));
        w.write_all(b"detail records").unwrap_or_else(|e| panic!("{e}"));
        w.finish().unwrap_or_else(|e| panic!("{e}"));
        use age::secrecy::ExposeSecret;
        let secret = identity.to_string();
        let mut out = Vec::new();
        age_decrypt(file.as_slice(), None, Some(secret.expose_secret()), &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, b"detail records");
        let last = file.len() - 1;
        file[last] ^= 1;
        assert!(age_decrypt(file.as_slice(), None, Some(secret.expose_secret()), std::io::sink()).is_err());
    }

    /// A stored file of `n` bytes and its key.
    fn stored(n: usize) -> (Vec<u8>, Vec<u8>, DataKey) {
        let plain: Vec<u8> = (0..n).map(|i| (i * 31 % 251) as u8).collect();
        let key = DataKey::generate();
        let mut sealed = Vec::new();
        crate::encrypt(&key, b"file-9", plain.as_slice(), &mut sealed).unwrap_or_else(|e| panic!("{e}"));
        (plain, sealed, key)
    }

    #[test]
    fn a_stored_file_becomes_an_age_file_of_the_same_bytes_at_every_chunk_boundary() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        use age::secrecy::ExposeSecret;
        let secret = identity.to_string();
        let chunk = crate::CHUNK;
        for n in [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 5, 9 * chunk] {
            let (plain, sealed, key) = stored(n);
            let (count, file) = reencrypt_to_age(&key, b"file-9", sealed.as_slice(), AgeKey::Recipient(&recipient), Vec::new())
                .unwrap_or_else(|e| panic!("{n} bytes: {e}"));
            assert_eq!(count, n as u64);
            let mut back = Vec::new();
            age_decrypt(file.as_slice(), None, Some(secret.expose_secret()), &mut back).unwrap_or_else(|e| panic!("{n} bytes: {e}"));
            assert!(back == plain, "{n} bytes came back different");
        }
    }

    #[test]
    fn a_damaged_stored_file_leaves_an_age_file_that_does_not_open() {
        let p = generate_passphrase();
        let (_, mut sealed, key) = stored(5 * crate::CHUNK + 7);
        // A byte in the third chunk: the first two go out before the damage is found.
        let at = sealed.len() / 2;
        sealed[at] ^= 0x40;
        let mut file = Vec::new();
        let got = reencrypt_to_age(&key, b"file-9", sealed.as_slice(), AgeKey::Passphrase(&p), &mut file);
        assert!(matches!(got, Err(VaultError::Tampered)), "{:?}", got.err());
        // Written as it went: age holds back only the chunk it has not seen the end of.
        assert!(file.len() > crate::CHUNK, "the file was written as it went ({} bytes)", file.len());
        let opened = age_decrypt(file.as_slice(), Some(&p), None, std::io::sink());
        assert!(opened.is_err(), "a cut-short age file must not open");
        // The wrong file id (another file's body) is refused the same way.
        let (_, sealed, key) = stored(10);
        assert!(matches!(
            reencrypt_to_age(&key, b"file-8", sealed.as_slice(), AgeKey::Passphrase(&p), Vec::new()),
            Err(VaultError::Tampered)
        ));
    }

    /// Takes `room` bytes, then fails as a full disk or a client gone away does.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room < buf.len() {
                return Err(std::io::Error::other("the disk is full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_output_stops_both_threads_with_its_cause() {
        let (_, sealed, key) = stored(40 * crate::CHUNK);
        let p = generate_passphrase();
        let got = reencrypt_to_age(&key, b"file-9", sealed.as_slice(), AgeKey::Passphrase(&p), Full { room: 3 * crate::CHUNK });
        match got {
            Err(VaultError::Io(e)) => assert_eq!(e.to_string(), "the disk is full"),
            other => panic!("expected the output's error, got {:?}", other.map(|(n, _)| n)),
        }
    }
}
