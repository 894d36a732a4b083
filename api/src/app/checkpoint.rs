//! Signed checkpoints of the audit trail (C2SP `tlog-checkpoint` in a C2SP
//! `signed-note`): the origin, the number of entries and the head hash, signed with
//! an Ed25519 key that is kept apart from the database and its backups. The hash
//! chain alone detects an edit, but not an insider who rewrites the whole chain
//! from some entry on; a checkpoint kept elsewhere does: the rewritten chain no
//! longer extends it.

use std::path::{Path, PathBuf};

use base64::Engine;
use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};
use statreq_store::Store;

/// The key name and the checkpoint's origin line.
pub const ORIGIN: &str = "statreq-audit";

/// The audit signing key: a `PRIVATE+KEY+…` file (Go sumdb note format), created
/// 0600 on first use, with its verifier key (`statreq-audit+…`) beside it in `.pub`.
pub struct AuditKey {
    signer: StandardSigner,
    pub verifier_key: String,
}

impl AuditKey {
    pub fn load_or_create(path: &Path) -> anyhow::Result<AuditKey> {
        if !path.exists() {
            let (skey, vkey) = signed_note::generate_key(&mut rand::rngs::OsRng, ORIGIN);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            statreq_vault::write_private(path, skey.as_bytes())?;
            std::fs::write(public_path(path), format!("{vkey}\n"))?;
            tracing::info!(path = %path.display(), "generated the audit checkpoint signing key");
        }
        let skey = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading the audit key {}: {e}", path.display()))?;
        let skey = skey.trim();
        let signer =
            StandardSigner::new(skey).map_err(|e| anyhow::anyhow!("the audit key {} is not a signing key: {e}", path.display()))?;
        Ok(AuditKey { signer, verifier_key: verifier_of(skey)? })
    }

    /// A signed checkpoint of the trail as it is now.
    pub fn checkpoint(&self, store: &Store, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<String> {
        let (count, head) = store.audit_head().map_err(|e| anyhow::anyhow!("{e}"))?;
        let head = hex::decode(&head).map_err(|e| anyhow::anyhow!("the audit head is not hex: {e}"))?;
        let text = format!(
            "{ORIGIN}\n{count}\n{}\ntime {}\n",
            base64::engine::general_purpose::STANDARD.encode(head),
            now.format("%Y-%m-%dT%H:%M:%SZ")
        );
        let mut note = Note::new(text.as_bytes(), &[]).map_err(|e| anyhow::anyhow!("{e}"))?;
        note.add_sigs(&[&self.signer as &dyn Signer]).map_err(|e| anyhow::anyhow!("{e}"))?;
        String::from_utf8(note.to_bytes()).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// Where the verifier key of a key file is written.
pub fn public_path(key: &Path) -> PathBuf {
    let mut p = key.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

/// The verifier key (`name+id+base64`) of a `PRIVATE+KEY+name+id+base64` signing key.
fn verifier_of(skey: &str) -> anyhow::Result<String> {
    let parts: Vec<&str> = skey.splitn(5, '+').collect();
    let (name, encoded) = match parts.as_slice() {
        ["PRIVATE", "KEY", name, _, key] => (*name, *key),
        _ => anyhow::bail!("not a PRIVATE+KEY+… signing key"),
    };
    let raw = base64::engine::general_purpose::STANDARD.decode(encoded)?;
    let secret: [u8; 32] = raw.get(1..).and_then(|k| k.try_into().ok()).ok_or_else(|| anyhow::anyhow!("not an Ed25519 key"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    Ok(signed_note::new_ed25519_verifier_key(name, &key.verifying_key()))
}

/// What a checkpoint says, once its signature checks out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub count: i64,
    pub head: String,
}

/// Reads a checkpoint and checks its signature against the verifier key.
pub fn read(note: &[u8], verifier_key: &str) -> Result<Checkpoint, String> {
    let verifier = StandardVerifier::new(verifier_key.trim())
        .map_err(|e| format!("the verifier key does not parse ({e}): give the FILE.pub written beside the audit key"))?;
    let note = Note::from_bytes(note)
        .map_err(|e| format!("not a signed note ({e}): a checkpoint is a file `statreq audit checkpoint` or the server wrote"))?;
    note.verify(&VerifierList::new(vec![Box::new(verifier)])).map_err(|e| format!("the signature does not verify: {e}"))?;
    let text = std::str::from_utf8(note.text()).map_err(|_| "the checkpoint is not UTF-8".to_string())?;
    let mut lines = text.lines();
    if lines.next() != Some(ORIGIN) {
        return Err(format!("not a checkpoint of {ORIGIN}"));
    }
    let count = lines.next().and_then(|l| l.parse::<i64>().ok()).ok_or("the entry count does not parse")?;
    let head = lines
        .next()
        .and_then(|l| base64::engine::general_purpose::STANDARD.decode(l).ok())
        .map(hex::encode)
        .ok_or("the head hash does not parse")?;
    Ok(Checkpoint { count, head })
}

/// Whether the trail still extends a checkpoint: the chain is intact, has at least
/// as many entries, and its entry at the checkpoint's count has the signed hash.
/// `Ok` says how far it grew; `Err` says how it no longer extends the checkpoint.
pub fn extends(store: &Store, cp: &Checkpoint) -> anyhow::Result<Result<(i64, i64), String>> {
    if let Err(b) = store.verify_audit().map_err(|e| anyhow::anyhow!("{e}"))? {
        return Ok(Err(format!("the chain itself is broken at entry {}: {}", b.id, b.reason)));
    }
    let (now, _) = store.audit_head().map_err(|e| anyhow::anyhow!("{e}"))?;
    if now < cp.count {
        return Ok(Err(format!(
            "truncated: the trail has {now} entries, the checkpoint signed {} (entries were erased from the end)",
            cp.count
        )));
    }
    let at = if cp.count == 0 {
        Some(statreq_store::GENESIS.to_string())
    } else {
        store.audit_hash_of(cp.count).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    if at.as_deref() != Some(cp.head.as_str()) {
        return Ok(Err(format!(
            "rewritten: entry {} no longer has the hash the checkpoint signed (entries were erased, changed or the chain recomputed)",
            cp.count
        )));
    }
    Ok(Ok((cp.count, now)))
}

/// Writes a checkpoint into `dir` as `checkpoint-<count>.txt` and `latest.txt`
/// (each written whole, then renamed into place).
pub fn write_into(dir: &Path, note: &str, count: i64) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let named = dir.join(format!("checkpoint-{count:012}.txt"));
    for target in [&named, &dir.join("latest.txt")] {
        let tmp = target.with_extension("tmp");
        std::fs::write(&tmp, note)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, target)?;
    }
    Ok(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_key_is_derived_from_any_signing_key() {
        // Base64 holds '+': the key's fields must be split with care.
        for _ in 0..64 {
            let (skey, vkey) = signed_note::generate_key(&mut rand::rngs::OsRng, ORIGIN);
            assert_eq!(verifier_of(&skey).ok().as_deref(), Some(vkey.as_str()));
        }
    }
}
