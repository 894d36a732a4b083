//! The agency tree, cached in memory. The tree changes rarely (an admin edits it)
//! and every request needs a chain from it, so each instance keeps a copy for a few
//! seconds; local edits invalidate it at once, other instances see them within
//! [`AgencyCache::TTL`].

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use statreq_domain::{AgencyChain, AgencyCode};
use statreq_store::AgencyRow;

use crate::error::ApiError;
use crate::routes::db;
use crate::AppState;

pub struct AgencyTree {
    by_code: HashMap<String, AgencyRow>,
}

impl AgencyTree {
    pub fn new(rows: Vec<AgencyRow>) -> AgencyTree {
        AgencyTree { by_code: rows.into_iter().map(|a| (a.code.clone(), a)).collect() }
    }

    pub fn get(&self, code: &str) -> Option<&AgencyRow> {
        self.by_code.get(code)
    }

    /// The agency and its ancestors as the domain sees them, with the agency's name.
    pub fn chain(&self, code: &str) -> Option<(AgencyChain, String)> {
        let mut rows: Vec<&AgencyRow> = Vec::new();
        let mut at = self.by_code.get(code);
        while let Some(a) = at {
            if rows.len() > 64 {
                return None;
            }
            rows.push(a);
            at = a.parent_code.as_deref().and_then(|p| self.by_code.get(p));
        }
        let parse = |c: &str| AgencyCode::parse(c).ok();
        let (first, rest) = rows.split_first()?;
        let chain = AgencyChain { agency: parse(&first.code)?, ancestors: rest.iter().map(|a| parse(&a.code)).collect::<Option<_>>()? };
        Some((chain, first.name.clone()))
    }

    /// Codes of the agencies whose applications `supervisor` decides on (rule 5.1).
    pub fn supervised_by(&self, supervisor: &AgencyCode) -> Vec<String> {
        self.by_code.keys().filter(|c| self.chain(c).is_some_and(|(ch, _)| ch.is_supervised_by(supervisor))).cloned().collect()
    }

    pub fn codes(&self) -> impl Iterator<Item = &String> {
        self.by_code.keys()
    }
}

#[derive(Default)]
pub struct AgencyCache {
    inner: RwLock<Option<(Instant, Arc<AgencyTree>)>>,
}

impl AgencyCache {
    pub const TTL: Duration = Duration::from_secs(5);

    pub async fn tree(&self, state: &AppState) -> Result<Arc<AgencyTree>, ApiError> {
        if let Ok(guard) = self.inner.read() {
            if let Some((at, tree)) = guard.as_ref() {
                if at.elapsed() < Self::TTL {
                    return Ok(tree.clone());
                }
            }
        }
        let rows = db(state, |s| s.list_agencies()).await?;
        let tree = Arc::new(AgencyTree::new(rows));
        if let Ok(mut guard) = self.inner.write() {
            *guard = Some((Instant::now(), tree.clone()));
        }
        Ok(tree)
    }

    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.inner.write() {
            *guard = None;
        }
    }
}
