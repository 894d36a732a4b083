//! Passwords: argon2id (the `argon2` crate's default parameters: 19 MiB, two passes,
//! one lane), hashed and checked in turns on threads of their own, each thread reusing
//! one block of memory for every hash it computes.
//!
//! A hash takes 19 MiB for as long as it runs. Before, every sign-in allocated that
//! anew on the shared blocking pool and the allocator kept much of it after: one
//! sign-in after another grew the server by about 19 MB each (ten took it from 107 to
//! 322 MB), and 200 at once from one address, all hashed side by side, took it to
//! 3.8 GB (`statreq-bench`) and left it there. Now at most one hash per core runs at once, the rest wait their turn in
//! order holding no thread, and the memory is that of the hashing threads alone.

use std::cell::RefCell;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::ApiError;

pub const MIN_PASSWORD_CHARS: usize = 12;

/// A turn at argon2id ([`hashing_turn`]): while it is held, [`HashingTurn::run`] runs
/// a hash or its check on one of the hashing threads.
pub struct HashingTurn {
    _permit: tokio::sync::SemaphorePermit<'static>,
    hashers: &'static std::sync::mpsc::Sender<HashJob>,
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Waits for a turn at argon2id: one per core at once, in the order asked.
pub async fn hashing_turn() -> HashingTurn {
    struct Hashers {
        turns: tokio::sync::Semaphore,
        jobs: std::sync::mpsc::Sender<HashJob>,
    }
    static HASHERS: std::sync::OnceLock<Hashers> = std::sync::OnceLock::new();
    let hashers = HASHERS.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (jobs, queue) = std::sync::mpsc::channel::<HashJob>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for i in 0..n {
            let queue = queue.clone();
            let hasher = move || {
                KEEPS_BLOCKS.set(true);
                // One waits for the next job while the others hash.
                while let Some(job) = queue.lock().ok().and_then(|q| q.recv().ok()) {
                    // A panic is the caller's error (its answer never comes), not this thread's end.
                    drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)));
                }
            };
            if let Err(e) = std::thread::Builder::new().name(format!("statreq-hasher-{i}")).spawn(hasher) {
                tracing::error!(error = %e, "could not start a password-hashing thread");
            }
        }
        Hashers { turns: tokio::sync::Semaphore::new(n), jobs }
    });
    let permit = hashers.turns.acquire().await.unwrap_or_else(|_| unreachable!("the hashing semaphore is never closed"));
    HashingTurn { _permit: permit, hashers: &hashers.jobs }
}

impl HashingTurn {
    /// Runs `f` (a hash or its check) on a hashing thread and hands back its result.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || drop(tx.send(f())));
        self.hashers.send(job).map_err(|_| ApiError::internal())?;
        rx.await.map_err(|_| ApiError::internal())
    }
}

/// [`hash_password`] in its turn ([`hashing_turn`]).
pub async fn hash_password_in_turn(password: String) -> Result<String, ApiError> {
    hashing_turn().await.run(move || hash_password(&password)).await?
}

/// A new password's PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), as the
/// crate's `PasswordHasher` writes it.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::default();
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|_| ApiError::internal())?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| argon2_into(&argon, password.as_bytes(), raw_salt, out))
        .map_err(|_| ApiError::internal())?;
    let params = ParamsString::try_from(argon.params()).map_err(|_| ApiError::internal())?;
    let phc = PasswordHash {
        // What `Argon2::default()` is made of.
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Verifies in constant work whether or not the account exists (no user enumeration by
/// timing): the check the crate's `PasswordVerifier` makes (the stored hash's
/// algorithm, version, parameters and salt; outputs compared in constant time by
/// `Output`'s equality), on this thread's memory.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("statreq-no-such-account").unwrap_or_default());
    let stored = hash.unwrap_or(dummy);
    matches_phc(password, stored) && hash.is_some()
}

fn matches_phc(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else { return false };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(phc.algorithm),
        phc.version.map(Version::try_from).transpose().map(Option::unwrap_or_default),
        Params::try_from(&phc),
    ) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params);
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    Output::init_with(expected.len(), |out| argon2_into(&argon, password.as_bytes(), raw_salt, out))
        .is_ok_and(|computed| computed == expected)
}

thread_local! {
    /// A hashing thread's memory for argon2 ([`argon2_into`]).
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    /// Whether this thread keeps its memory between hashes: the hashing threads do;
    /// others (the command line's, the demo's seeding at start) hash once in a while
    /// and free it after.
    static KEEPS_BLOCKS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Argon2 into `out`, on a hashing thread's block of memory (kept for its next hash, and
/// zeroed after each: nothing of a password's state stays behind). A stored hash that
/// asks for more memory than the default, or a hash on another thread, gets memory of
/// its own, freed after it.
fn argon2_into(argon: &Argon2, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::password_hash::Error> {
    let count = argon.params().block_count();
    if count > Params::default().block_count() || !KEEPS_BLOCKS.get() {
        let mut own = vec![Block::default(); count];
        return Ok(argon.hash_password_into_with_memory(password, salt, out, &mut own)?);
    }
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < count {
            blocks.resize(count, Block::default());
        }
        let done = argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..count]);
        blocks[..count].fill(Block::default());
        Ok(done?)
    })
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    fn hashed(password: &str) -> String {
        hash_password(password).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// What is hashed here is what the crate's own verifier accepts, and what the crate
    /// hashed (an account made before, with its parameters in the string) verifies
    /// here; a wrong password, a damaged string or no account never do.
    #[test]
    fn hashes_agree_with_the_crates_own() {
        let ours = hashed("correct horse battery");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).unwrap_or_else(|e| panic!("{e}"));
        assert!(Argon2::default().verify_password(b"correct horse battery", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"correct horse batterY", &parsed).is_err());
        assert_ne!(hashed("correct horse battery"), ours, "a new salt each time");

        let salt = SaltString::generate(&mut OsRng);
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap_or_else(|e| panic!("{e}")));
        for theirs in [
            Argon2::default().hash_password(b"another one here", &salt).map(|h| h.to_string()).unwrap_or_else(|e| panic!("{e}")),
            small.hash_password(b"another one here", &salt).map(|h| h.to_string()).unwrap_or_else(|e| panic!("{e}")),
        ] {
            assert!(verify_password("another one here", Some(&theirs)), "{theirs}");
            assert!(!verify_password("another one herE", Some(&theirs)), "{theirs}");
        }
        assert!(verify_password("correct horse battery", Some(&ours)));
        assert!(!verify_password("correct horse battery", None), "no account");
        assert!(!verify_password("correct horse battery", Some(&ours.replace("$argon2id$", "$argon2x$"))));
        assert!(!verify_password("correct horse battery", Some("not a hash")));
    }

    /// Every hash on a hashing thread reuses the thread's one block of memory, zeroed
    /// after; another thread keeps none.
    #[test]
    fn a_thread_keeps_one_zeroed_block_of_memory() {
        let memory = || BLOCKS.with_borrow(|b| (b.as_ptr() as usize, b.len(), b.iter().all(|b| b.as_ref().iter().all(|w| *w == 0))));
        std::thread::spawn(move || {
            let _ = hashed("correct horse battery");
            assert_eq!(memory().1, 0, "another thread keeps none");
            KEEPS_BLOCKS.set(true);
            let _ = hashed("correct horse battery");
            let first = memory();
            assert_eq!((first.1, first.2), (Params::default().block_count(), true), "one default hash's blocks, zeroed");
            assert!(!verify_password("correct horse battery", None));
            assert_eq!(memory(), first, "the same memory, zeroed again");
        })
        .join()
        .unwrap_or_else(|_| panic!("the thread's checks failed"));
    }
}
