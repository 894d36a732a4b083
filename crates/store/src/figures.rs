//! How the service is doing, for `/metrics`: the connection pool and the outbox.

use diesel::prelude::*;

use crate::schema::notifications;
use crate::{Store, StoreResult};

/// The pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolFigures {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
}

/// The outbox of webhook deliveries and e-mails by channel and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCount {
    pub channel: String,
    pub status: String,
    pub count: i64,
}

impl Store {
    pub fn pool_figures(&self) -> PoolFigures {
        let state = self.pool.state();
        PoolFigures { max: self.pool.max_size(), open: state.connections, idle: state.idle_connections }
    }

    /// Outbox entries counted by channel (`webhook`, `email`) and status
    /// (`pending`, `delivered`, `failed`).
    pub fn outbox_counts(&self) -> StoreResult<Vec<OutboxCount>> {
        let rows: Vec<(String, String, i64)> = notifications::table
            .group_by((notifications::channel, notifications::status))
            .select((notifications::channel, notifications::status, diesel::dsl::count_star()))
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(|(channel, status, count)| OutboxCount { channel, status, count }).collect())
    }
}
