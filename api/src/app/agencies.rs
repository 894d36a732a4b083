//! The agency tree, cached in memory. The tree changes rarely (an admin edits it)
//! and every request needs a chain from it, so each instance keeps a copy for a few
//! seconds; local edits invalidate it at once, other instances see them within
//! [`AgencyCache::TTL`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use statreq_domain::{AgencyChain, AgencyCode};
use statreq_store::AgencyRow;

use super::cache::Cache;
use super::{db, AppError, AppResult};
use crate::AppState;

pub struct AgencyTree {
    by_code: HashMap<AgencyCode, AgencyRow>,
}

impl AgencyTree {
    pub fn new(rows: Vec<AgencyRow>) -> AgencyTree {
        AgencyTree { by_code: rows.into_iter().map(|a| (a.code.clone(), a)).collect() }
    }

    pub fn get(&self, code: &AgencyCode) -> Option<&AgencyRow> {
        self.by_code.get(code)
    }

    /// The agency and its ancestors as the domain sees them, with the agency's name.
    pub fn chain(&self, code: &AgencyCode) -> Option<(AgencyChain, String)> {
        let mut rows: Vec<&AgencyRow> = Vec::new();
        let mut at = self.by_code.get(code);
        while let Some(a) = at {
            if rows.len() > statreq_domain::lifecycle::MAX_DEPTH {
                return None;
            }
            rows.push(a);
            at = a.parent_code.as_ref().and_then(|p| self.by_code.get(p));
        }
        let (first, rest) = rows.split_first()?;
        let chain = AgencyChain { agency: first.code.clone(), ancestors: rest.iter().map(|a| a.code.clone()).collect() };
        Some((chain, first.name.clone()))
    }

    /// The chain of an agency a stored row names; a row naming no agency of the
    /// tree is a fault of ours, not the caller's.
    pub fn chain_of(&self, code: &AgencyCode) -> AppResult<(AgencyChain, String)> {
        self.chain(code).ok_or_else(|| AppError::internal(format!("agency {code} missing from the tree")))
    }

    /// The agencies whose personnel offices review `chain`'s applications, by name.
    pub fn reviewers_of(&self, chain: &AgencyChain) -> Vec<statreq_contract::AgencyName> {
        chain.supervising_agencies().into_iter().map(|c| self.named(c)).collect()
    }

    /// An agency by code and its name (the code for an agency no longer in the tree).
    pub fn named(&self, code: &AgencyCode) -> statreq_contract::AgencyName {
        statreq_contract::AgencyName { code: code.to_string(), name: self.get(code).map_or_else(|| code.to_string(), |a| a.name.clone()) }
    }

    /// The agency and every agency under it.
    pub fn subtree(&self, root: &AgencyCode) -> Vec<AgencyCode> {
        statreq_domain::lifecycle::subtree(self.by_code.values().map(|a| (&a.code, a.parent_code.as_ref())), root)
    }

    /// Codes of the agencies whose applications `supervisor` decides on (rule 5.1).
    pub fn supervised_by(&self, supervisor: &AgencyCode) -> Vec<AgencyCode> {
        self.by_code.keys().filter(|c| self.chain(c).is_some_and(|(ch, _)| ch.is_supervised_by(supervisor))).cloned().collect()
    }

    pub fn codes(&self) -> impl Iterator<Item = &AgencyCode> {
        self.by_code.keys()
    }
}

/// The tree, shared for [`AgencyCache::TTL`]; a local edit drops it at once.
pub struct AgencyCache {
    inner: Cache<(), AgencyTree>,
}

impl Default for AgencyCache {
    fn default() -> Self {
        Self { inner: Cache::new(Self::TTL, 1) }
    }
}

impl AgencyCache {
    pub const TTL: Duration = Duration::from_secs(5);

    pub async fn tree(&self, state: &AppState) -> AppResult<Arc<AgencyTree>> {
        self.inner.get_or_try((), async { Ok(AgencyTree::new(db(state, |s| s.list_agencies()).await?)) }).await
    }

    pub fn invalidate(&self) {
        self.inner.invalidate();
    }
}
