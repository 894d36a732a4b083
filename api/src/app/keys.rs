//! Rotation of the key-encryption keys (`statreq keys rotate`).

use std::path::Path;

use statreq_store::Store;
use statreq_vault::Keyring;

/// What a rotation did.
pub struct Rotated {
    /// The new key-encryption key.
    pub to: String,
    /// The keys retired (overwritten and deleted).
    pub retired: Vec<String>,
    /// Wrapped values re-wrapped or re-sealed under `to`.
    pub rewrapped: usize,
}

/// Adds a new key-encryption key, re-wraps every wrapped value with it (file and
/// attachment keys, sealed passphrases, webhook secrets; bodies are not touched), then
/// retires the old keys and audits `keys.rotated`. Refused, changing nothing, while any
/// server holds the keys directory ([`Keyring::claim`]): it would go on wrapping new
/// values with a retired key, and the files of rule 5.3 would be lost.
pub fn rotate(store: &Store, keys_dir: &Path) -> anyhow::Result<Rotated> {
    let _alone = Keyring::claim(keys_dir, true)?;
    let mut ring = Keyring::open(keys_dir)?;
    let retired = ring.ids();
    let to = ring.rotate()?;
    let stale = || -> anyhow::Result<Vec<_>> {
        Ok(store
            .wrapped_values()
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .into_iter()
            .filter(|w| Keyring::kek_of(&w.value) != Some(to.as_str()))
            .collect())
    };
    let mut changes = Vec::new();
    for w in stale()? {
        let value = if w.kind.is_sealed() { ring.reseal_secret(&w.value)? } else { ring.rewrap(&w.value)? };
        changes.push((w, value));
    }
    let rewrapped = store.set_wrapped_values(&changes).map_err(|e| anyhow::anyhow!("{e}"))?;
    // Nothing else writes while the claim is held; checked all the same before any key
    // is retired.
    let left = stale()?.len();
    if left > 0 {
        anyhow::bail!("{left} values still use an old key; the old keys are kept — run the rotation again");
    }
    for id in &retired {
        ring.retire(id)?;
    }
    let detail = serde_json::json!({"retired": retired, "to": to, "rewrapped": rewrapped});
    store.audit(&Default::default(), "keys.rotated", None, &detail, chrono::Utc::now()).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Rotated { to, retired, rewrapped })
}
