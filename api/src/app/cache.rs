//! The cache of the service: values read often and changed rarely (the agency
//! tree, signed-in principals), kept per instance for a short time (the queue
//! keeps its own, see `app::queue`). Built on `moka`: a miss is computed once
//! while concurrent callers of the same key wait for it (no stampede), entries
//! expire after their time to live, and a local change drops everything at once.

use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use super::{AppError, AppResult};

/// A time-limited, size-bounded cache whose misses are computed once per key.
pub struct Cache<K, V> {
    inner: moka::future::Cache<K, Arc<V>>,
}

impl<K, V> Cache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    pub fn new(ttl: Duration, max_entries: u64) -> Self {
        Self { inner: moka::future::Cache::builder().time_to_live(ttl).max_capacity(max_entries).build() }
    }

    /// The cached value, or the one `compute` makes (once, however many ask at the same time).
    /// An error is not cached: the next caller tries again.
    pub async fn get_or_try<F>(&self, key: K, compute: F) -> AppResult<Arc<V>>
    where
        F: std::future::Future<Output = AppResult<V>>,
    {
        self.inner.try_get_with(key, async { compute.await.map(Arc::new) }).await.map_err(AppError::from)
    }

    /// Forget everything (after a change on this instance).
    pub fn invalidate(&self) {
        self.inner.invalidate_all();
    }
}
