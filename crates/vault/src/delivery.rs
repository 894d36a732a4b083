//! Delivery files in the age format (age-encryption.org/v1): a per-delivery
//! passphrase (scrypt) or an X25519 recipient registered by a system.

use std::io::{Read, Write};

use age::secrecy::SecretString;
use rand::Rng;

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

/// Decrypts an age file (passphrase or X25519 identity `AGE-SECRET-KEY-1…`).
/// Output is written as it is authenticated; on failure the caller discards it.
pub fn age_decrypt(input: impl Read, passphrase: Option<&str>, identity: Option<&str>, mut output: impl Write) -> Result<u64> {
    let decryptor = age::Decryptor::new(std::io::BufReader::new(input)).map_err(|e| VaultError::Age(e.to_string()))?;
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
}
