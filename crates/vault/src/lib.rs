//! statreq's keys and files (DESIGN.md, "Delivery and safekeeping"; rules 5.3, 6).
//!
//! - Every stored file has its own random data key. Files are encrypted at rest with
//!   XChaCha20-Poly1305 in the STREAM construction (64 KiB chunks, each
//!   authenticated, the last one marked), so memory stays flat for any size and a
//!   reordered, altered or truncated file fails instead of yielding plaintext.
//! - Data keys are stored wrapped by a key-encryption key (KEK) that has an id;
//!   [`Keyring::rotate`] adds a new KEK and [`Keyring::rewrap`] moves a data key to it
//!   without touching file bodies. Deleting a wrapped data key destroys the file for
//!   good (crypto-shredding), whatever copies of the body remain.
//! - Deliveries leave as **age** files (passphrase or X25519 recipient), which the
//!   standard `age` tool opens.

mod delivery;
mod keys;
mod stream;

pub use delivery::{age_decrypt, age_encryptor, generate_passphrase, is_x25519_recipient, reencrypt_to_age, AgeKey};
pub use keys::{write_private, DataKey, Holder, Keyring, KeysClaim};
pub use stream::{decrypt, encrypt, Sealed, CHUNK};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Authentication failed: the data was altered, reordered, truncated, or the key is wrong.
    #[error("the encrypted data is damaged or was altered (authentication failed)")]
    Tampered,
    #[error("not a statreq encrypted file")]
    NotOurFormat,
    #[error("unknown key-encryption key {0}")]
    UnknownKek(String),
    #[error("malformed wrapped key")]
    MalformedWrappedKey,
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("age: {0}")]
    Age(String),
    /// Another process holds a conflicting claim on the keys directory ([`Keyring::claim`]).
    #[error("{}", keys_in_use(dir, *by))]
    KeysInUse { dir: String, by: keys::Holder },
}

fn keys_in_use(dir: &str, by: keys::Holder) -> String {
    match by {
        keys::Holder::Servers => format!(
            "the keys directory {dir} is in use by a running statreq server: stop every instance that uses it, then run the rotation again (nothing was changed)"
        ),
        keys::Holder::Rotation => {
            format!("a key rotation (statreq keys rotate) is running on the keys directory {dir}: start the server when it has finished")
        }
    }
}

pub type Result<T> = std::result::Result<T, VaultError>;
