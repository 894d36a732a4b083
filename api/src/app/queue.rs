//! DGPA's queue as one computed snapshot (rule 5.3): the order with every factor,
//! each supervising agency's usage, and the settings in force — computed from
//! data, never stored.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use statreq_contract::QueueSettings;
use statreq_domain::queue::{self, AcceptedWork, QueueEntry, Ranked, Usage};
use statreq_domain::{AgencyCode, Difficulty, RequestId, State, UserId};
use statreq_store::{AcceptedRow, QueueRow, StoreResult, UserRow};

use super::agencies::AgencyTree;
use super::{db, in_background, AppError, AppResult};
use crate::AppState;

/// Everything one look at the queue needs.
pub struct Snapshot {
    /// When the order was computed.
    pub at: DateTime<Utc>,
    pub settings: QueueSettings,
    pub rows: Arc<HashMap<RequestId, QueueRow>>,
    /// The requests of `rows` in production, by id.
    pub in_production: Arc<BTreeSet<RequestId>>,
    pub order: Vec<Ranked>,
    pub usage: HashMap<AgencyCode, Usage>,
    pub top: Arc<HashMap<AgencyCode, AgencyCode>>,
    pub tree: Arc<AgencyTree>,
    pub users: Arc<HashMap<UserId, UserRow>>,
}

/// A computed order is reused for about [`SNAPSHOT_TTL`]: waits move in days. The
/// data it is computed from is read in full at most every `SNAPSHOT_TTL` (in the
/// background, by [`refresher`]), and in between only the requests this instance
/// changed are read again: at 100,000 queued requests a full read costs a few
/// hundred milliseconds, ordering again a few dozen. So a view shows this
/// instance's changes at once and other instances' within about `SNAPSHOT_TTL`.
/// `/take` always reads everything afresh, because its order check must be exact.
pub const SNAPSHOT_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Past this many changed requests a full read is cheaper than reading each.
const MAX_PATCH: usize = 500;

/// What the order is computed from, as read from the database and patched since.
struct Inputs {
    /// When it was read in full.
    read_at: std::time::Instant,
    /// Changes marked up to this number are in it.
    applied: u64,
    settings: QueueSettings,
    tree: Arc<AgencyTree>,
    staff: HashMap<AgencyCode, u32>,
    rows: Arc<HashMap<RequestId, QueueRow>>,
    in_production: Arc<BTreeSet<RequestId>>,
    /// Queued requests.
    entries: ByRequest<QueueEntry>,
    /// Accepted work of the last ten half-lives.
    history: ByRequest<AcceptedWork>,
    top: Arc<HashMap<AgencyCode, AgencyCode>>,
    users: Arc<HashMap<UserId, UserRow>>,
}

#[derive(Default)]
struct Cached {
    inputs: Option<Inputs>,
    current: Option<Arc<Snapshot>>,
}

/// Requests changed on this instance, numbered in the order they were marked.
#[derive(Default)]
struct Changes {
    last: u64,
    /// (number, request); request 0 stands for "everything".
    marks: Vec<(u64, RequestId)>,
    /// The last number when the full read under way began: marks after it are kept for it.
    reading_from: Option<u64>,
}

/// The queue's cache: the inputs, the last snapshot, and the requests changed since.
#[derive(Default)]
pub struct SnapshotCache {
    cached: tokio::sync::Mutex<Cached>,
    changes: std::sync::Mutex<Changes>,
    /// When a view last asked (the refresher reads only while views keep coming).
    viewed: std::sync::Mutex<Option<std::time::Instant>>,
    /// Wakes [`refresher`].
    stale: tokio::sync::Notify,
    /// How often the refresher reads (zero until it has).
    refresh_every: std::sync::Mutex<std::time::Duration>,
}

/// The refresher keeps reading while the queue was viewed this recently.
const IN_USE: std::time::Duration = std::time::Duration::from_secs(600);

impl SnapshotCache {
    /// Everything may have changed (agencies, settings): read it all again before the next view.
    pub fn invalidate(&self) {
        // Marked as a change too, so that a full read already under way is not installed over it.
        self.mark(RequestId(0));
    }

    /// `id` changed on this instance (a transition): the next view reads it again.
    pub fn changed(&self, id: RequestId) {
        self.mark(id);
    }

    fn changes(&self) -> std::sync::MutexGuard<'_, Changes> {
        self.changes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mark(&self, id: RequestId) {
        let mut changes = self.changes();
        changes.last += 1;
        let n = changes.last;
        if changes.marks.len() >= MAX_PATCH {
            // Nobody has looked for a while (an instance serving only applicants):
            // one "everything" stands for them all, so the list stays small.
            changes.marks.clear();
            changes.marks.push((n, RequestId(0)));
        } else {
            changes.marks.push((n, id));
        }
    }

    /// The last change number, and the requests changed after `applied` (`None`: everything).
    fn changes_after(&self, applied: u64) -> (u64, Option<Vec<RequestId>>) {
        let changes = self.changes();
        let mut ids: Vec<RequestId> = changes.marks.iter().filter(|(n, _)| *n > applied).map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        let all = ids.first() == Some(&RequestId(0)) || ids.len() > MAX_PATCH;
        (changes.last, (!all).then_some(ids))
    }

    /// Forgets changes the inputs hold, unless a full read under way may not.
    fn forget_through(&self, applied: u64) {
        let mut changes = self.changes();
        let keep_after = changes.reading_from.map_or(applied, |r| r.min(applied));
        changes.marks.retain(|(n, _)| *n > keep_after);
    }

    /// Starts a full read: the last change number before it.
    fn reading(&self) -> u64 {
        let mut changes = self.changes();
        changes.reading_from = Some(changes.last);
        changes.last
    }

    fn done_reading(&self) {
        self.changes().reading_from = None;
    }

    /// How old the inputs may be before a view reads everything itself (the
    /// refresher is not keeping them fresh: the queue was idle).
    fn max_age(&self) -> std::time::Duration {
        (SNAPSHOT_TTL * 4).max(*self.refresh_every.lock().unwrap_or_else(|e| e.into_inner()) * 2)
    }

    /// An order computed at `at` may still be shown: until the refresher's next one
    /// is due ([`SNAPSHOT_TTL`] after its last, longer for a queue slow to read),
    /// with a quarter more for that read itself.
    fn fresh(&self, at: DateTime<Utc>) -> bool {
        let every = *self.refresh_every.lock().unwrap_or_else(|e| e.into_inner());
        (Utc::now() - at).to_std().is_ok_and(|age| age < SNAPSHOT_TTL.max(every) * 5 / 4)
    }

    fn in_use(&self) -> bool {
        self.viewed.lock().unwrap_or_else(|e| e.into_inner()).is_some_and(|t| t.elapsed() < IN_USE)
    }
}

/// The snapshot for someone looking at the queue: as [`cached_snapshot`], and the
/// queue counts as in use (the refresher keeps its data fresh).
pub async fn viewed_snapshot(state: &AppState) -> AppResult<Arc<Snapshot>> {
    let cache = &state.queue;
    let first_in_a_while = !cache.in_use();
    *cache.viewed.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::time::Instant::now());
    if first_in_a_while {
        cache.stale.notify_one();
    }
    cached_snapshot(state).await
}

/// The shared snapshot: the last one while it is fresh and nothing changed here,
/// otherwise the order computed again from the inputs with this instance's changes.
pub async fn cached_snapshot(state: &AppState) -> AppResult<Arc<Snapshot>> {
    let cache = &state.queue;
    let mut cached = cache.cached.lock().await;
    let applied = cached.inputs.as_ref().map(|i| i.applied).unwrap_or(0);
    let (last, changed) = cache.changes_after(applied);
    if let Some(current) = &cached.current {
        if cache.fresh(current.at) && changed.as_ref().is_some_and(|ids| ids.is_empty()) && cached.inputs.is_some() {
            return Ok(current.clone());
        }
    }
    // The snapshot about to be replaced must not keep the inputs' maps shared
    // (copying them costs): its order is taken out, the rest dropped.
    let last_order = cached.current.take().map(|s| match Arc::try_unwrap(s) {
        Ok(s) => LastOrder { at: s.at, order: s.order, usage: s.usage },
        Err(s) => LastOrder { at: s.at, order: s.order.clone(), usage: s.usage.clone() },
    });
    let started = std::time::Instant::now();
    let mut kept = None;
    let inputs = match (cached.inputs.take(), changed) {
        // Read lately (the refresher reads every SNAPSHOT_TTL or so while views
        // come): read again only what changed here.
        (Some(mut inputs), Some(ids)) if inputs.read_at.elapsed() < cache.max_age() => {
            if !ids.is_empty() {
                let patched = inputs.patch(state, ids).await?;
                // Requests only left the queue (taken, withdrawn) or changed off it:
                // the order computed at `at` stands without them, still fresh.
                if let Some(last) = last_order.filter(|l| patched.order_kept && cache.fresh(l.at)) {
                    kept = Some(without(last, &patched.left));
                }
            }
            inputs.applied = last;
            inputs
        }
        _ => Inputs::read(state, last, false).await?,
    };
    cache.forget_through(inputs.applied);
    let read = started.elapsed();
    let snapshot = Arc::new(match kept {
        Some(last) => inputs.snapshot(last),
        None => inputs.compute(Utc::now()),
    });
    tracing::debug!(
        queued = snapshot.order.len(),
        read_ms = read.as_secs_f64() * 1e3,
        order_ms = (started.elapsed() - read).as_secs_f64() * 1e3,
        "queue ordered"
    );
    cached.inputs = Some(inputs);
    cached.current = Some(snapshot.clone());
    Ok(snapshot)
}

/// Reads the queue's data in full every [`SNAPSHOT_TTL`] (or twenty times as long
/// as a read takes, if more) while the queue is being viewed (within [`IN_USE`]),
/// so that views never wait for a full read and show other instances' changes
/// within about `SNAPSHOT_TTL`. Idle otherwise.
pub async fn refresher(state: actix_web::web::Data<AppState>) {
    loop {
        // Woken by the first view in a while, which reads everything itself: the
        // next full read is due one interval later.
        state.queue.stale.notified().await;
        let mut every = SNAPSHOT_TTL;
        loop {
            actix_web::rt::time::sleep(every).await;
            if !state.queue.in_use() {
                break;
            }
            if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            let started = std::time::Instant::now();
            refresh(&state).await;
            // At most a twentieth of a core: a queue that takes long to read is read less often.
            every = SNAPSHOT_TTL.max(started.elapsed() * 20);
            *state.queue.refresh_every.lock().unwrap_or_else(|e| e.into_inner()) = every;
        }
    }
}

/// One full read, ordered here too so that the next view finds it ready; installed
/// unless something read in full changed meanwhile.
async fn refresh(state: &AppState) {
    let started = state.queue.reading();
    // Read and ordered at the lowest CPU priority: views and other requests come first.
    let read = match Inputs::read(state, started, true).await {
        Ok(inputs) => {
            in_background(move || {
                let snapshot = Arc::new(inputs.compute(Utc::now()));
                (inputs, snapshot)
            })
            .await
        }
        Err(e) => Err(e),
    };
    let mut cached = state.queue.cached.lock().await;
    state.queue.done_reading();
    let replaced = match read {
        Ok((fresh, snapshot)) => {
            // Changes marked meanwhile are read again by the next view (their marks
            // are kept).
            let (_, changed) = state.queue.changes_after(started);
            // Installed even so: the next view re-reads those requests into it, and
            // when they only left the queue it keeps this order without them.
            let newer = cached.inputs.as_ref().is_none_or(|i| i.read_at < fresh.read_at);
            match changed {
                Some(_) if newer => Some((cached.inputs.replace(fresh), cached.current.replace(snapshot))),
                _ => None,
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "reading the queue failed; the next view tries again");
            None
        }
    };
    // What was replaced is freed after views may go on.
    drop(cached);
    drop(replaced);
}

/// What re-reading changed requests did to the order's inputs.
struct Patched {
    /// Requests no longer queued.
    left: Vec<RequestId>,
    /// Nothing but those leaving changed: the order of the rest stands.
    order_kept: bool,
}

/// The last order computed, taken apart for the next snapshot.
struct LastOrder {
    at: DateTime<Utc>,
    order: Vec<Ranked>,
    usage: HashMap<AgencyCode, Usage>,
}

impl Inputs {
    /// Everything, read afresh. `applied`: the last change marked before reading.
    /// `background`: read and taken in at the lowest CPU priority ([`in_background`]).
    async fn read(state: &AppState, applied: u64, background: bool) -> AppResult<Inputs> {
        let read_at = std::time::Instant::now();
        let now = Utc::now();
        let tree = state.agencies.tree(state).await?;
        let (settings, _) = settings(state).await?;
        let since = history_since(&settings, now);
        let store = state.store.clone();
        let load = move || -> StoreResult<Inputs> {
            let rows = store.queue_rows(None)?;
            let accepted = store.accepted_work(since, None)?;
            let ids: Vec<UserId> = rows.iter().filter_map(|r| r.assignee).collect();
            let users = store.get_users(&ids)?;
            let mut inputs = Inputs {
                read_at,
                applied,
                settings,
                staff: supervising_staff(&tree),
                tree,
                rows: Arc::default(),
                in_production: Arc::default(),
                entries: ByRequest::default(),
                history: ByRequest::default(),
                top: Arc::default(),
                users: Arc::new(users.into_iter().map(|u| (u.id, u)).collect()),
            };
            inputs.add(rows, accepted, now);
            Ok(inputs)
        };
        if background {
            Ok(in_background(load).await??)
        } else {
            db(state, move |_| load()).await
        }
    }

    /// Reads the requests `ids` again (each as it is now, or gone from the queue).
    /// What that did to the order's inputs: requests that left the queue, and
    /// whether anything else moved (a request joined or changed on the queue, or
    /// accepted work, which moves every agency's usage).
    async fn patch(&mut self, state: &AppState, ids: Vec<RequestId>) -> AppResult<Patched> {
        let now = Utc::now();
        let since = history_since(&self.settings, now);
        let known: Vec<UserId> = self.users.keys().copied().collect();
        let only = ids.clone();
        let (rows, accepted, users) = db(state, move |s| {
            let rows = s.queue_rows(Some(&only))?;
            let accepted = s.accepted_work(since, Some(&only))?;
            let new: Vec<UserId> = rows.iter().filter_map(|r| r.assignee).filter(|u| !known.contains(u)).collect();
            let users = if new.is_empty() { Vec::new() } else { s.get_users(&new)? };
            Ok((rows, accepted, users))
        })
        .await?;
        // Each of `ids` is replaced by what was read now.
        let (map, in_production) = (Arc::make_mut(&mut self.rows), Arc::make_mut(&mut self.in_production));
        let mut before = Vec::with_capacity(ids.len());
        for id in &ids {
            map.remove(id);
            in_production.remove(id);
            before.push((self.entries.remove(*id), self.history.remove(*id)));
        }
        if !users.is_empty() {
            Arc::make_mut(&mut self.users).extend(users.into_iter().map(|u| (u.id, u)));
        }
        self.add(rows, accepted, now);
        let mut patched = Patched { left: Vec::new(), order_kept: true };
        for (id, (entry_before, history_before)) in ids.iter().zip(before) {
            let mut history_after: Vec<&AcceptedWork> = self.history.get(*id).collect();
            let same_history = history_after.len() == history_before.len() && {
                history_after.retain(|h| !history_before.contains(h));
                history_after.is_empty()
            };
            match (entry_before.first(), self.entries.get(*id).next()) {
                (Some(_), None) => patched.left.push(*id),
                (before, Some(after)) if before != Some(after) => patched.order_kept = false,
                _ => {}
            }
            patched.order_kept &= same_history;
        }
        Ok(patched)
    }

    /// Adds rows and accepted work, each under its supervising agency.
    fn add(&mut self, rows: Vec<QueueRow>, accepted: Vec<AcceptedRow>, now: DateTime<Utc>) {
        let tree = self.tree.clone();
        let top = Arc::make_mut(&mut self.top);
        let mut top_of = |code: &AgencyCode| -> Option<AgencyCode> {
            if let Some(t) = top.get(code) {
                return Some(t.clone());
            }
            let (chain, _) = tree.chain(code)?;
            let t = chain.top_supervising_agency().cloned().unwrap_or(chain.agency);
            top.insert(code.clone(), t.clone());
            Some(t)
        };
        // Each request's acceptances are all read together (all of them, or all of the
        // patched requests'), so each request keeps its latest.
        let accepted = accepted.into_iter().filter_map(|a| {
            let difficulty = Difficulty::new(i64::from(a.difficulty)).ok()?;
            let supervising_agency = top_of(&a.agency_code)?;
            Some(AcceptedWork { request: a.request, supervising_agency, accepted_at: a.accepted_at, difficulty })
        });
        for work in queue::latest_acceptances(accepted) {
            self.history.push(work.request, work);
        }
        for r in rows.iter().filter(|r| r.state == State::Queued) {
            let (Some(supervising_agency), Some(Ok(difficulty))) =
                (top_of(&r.agency_code), r.difficulty.map(|d| Difficulty::new(i64::from(d))))
            else {
                continue;
            };
            let received_at = r.received_at.unwrap_or(now);
            self.entries.push(r.id, QueueEntry { id: r.id, supervising_agency, difficulty, clock: r.wait, received_at });
        }
        let in_production = rows.iter().filter(|r| r.state == State::InProduction).map(|r| r.id);
        Arc::make_mut(&mut self.in_production).extend(in_production);
        Arc::make_mut(&mut self.rows).extend(rows.into_iter().map(|r| (r.id, r)));
    }

    /// The order and usage at `now`: the same as from data read afresh at `now`.
    fn compute(&self, now: DateTime<Utc>) -> Snapshot {
        let since = history_since(&self.settings, now);
        let history = self.history.items.iter().filter(|w| w.accepted_at >= since);
        let usage = queue::usage(&self.staff, history, &self.settings, now);
        let order = queue::rank(&self.entries.items, &usage, &self.settings, now);
        self.snapshot(LastOrder { at: now, order, usage })
    }

    fn snapshot(&self, last: LastOrder) -> Snapshot {
        Snapshot {
            at: last.at,
            settings: self.settings.clone(),
            rows: self.rows.clone(),
            in_production: self.in_production.clone(),
            order: last.order,
            usage: last.usage,
            top: self.top.clone(),
            tree: self.tree.clone(),
            users: self.users.clone(),
        }
    }
}

/// Items kept in one vector (cheap to go through), found by request through an index
/// (cheap to replace one request's among 100,000).
struct ByRequest<T> {
    items: Vec<T>,
    /// The request of each item.
    owners: Vec<RequestId>,
    at: HashMap<RequestId, Vec<usize>>,
}

impl<T> Default for ByRequest<T> {
    fn default() -> Self {
        ByRequest { items: Vec::new(), owners: Vec::new(), at: HashMap::new() }
    }
}

impl<T> ByRequest<T> {
    fn push(&mut self, id: RequestId, item: T) {
        self.at.entry(id).or_default().push(self.items.len());
        self.items.push(item);
        self.owners.push(id);
    }

    fn get(&self, id: RequestId) -> impl Iterator<Item = &T> {
        self.at.get(&id).into_iter().flatten().map(|&i| &self.items[i])
    }

    /// Takes out `id`'s items; the last items move into their places.
    fn remove(&mut self, id: RequestId) -> Vec<T> {
        let Some(mut places) = self.at.remove(&id) else { return Vec::new() };
        // From the back: an item moved forward never comes from a place still to be emptied.
        places.sort_unstable_by(|a, b| b.cmp(a));
        let mut taken = Vec::with_capacity(places.len());
        for i in places {
            taken.push(self.items.swap_remove(i));
            self.owners.swap_remove(i);
            let last = self.items.len();
            if let Some(moved) = self.owners.get(i) {
                if let Some(p) = self.at.get_mut(moved).and_then(|ps| ps.iter_mut().find(|p| **p == last)) {
                    *p = i;
                }
            }
        }
        taken
    }
}

/// The order without requests that left the queue, renumbered: the same as ranking
/// the rest again at the same instant, since removing some keeps the others in order.
fn without(mut last: LastOrder, left: &[RequestId]) -> LastOrder {
    let mut left = left.to_vec();
    left.sort_unstable();
    last.order.retain(|r| left.binary_search(&r.id).is_err());
    for (i, r) in last.order.iter_mut().enumerate() {
        r.position = i + 1;
    }
    last
}

/// Ten half-lives back: older work weighs less than 0.1%.
fn history_since(settings: &QueueSettings, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(i64::from(settings.half_life_days) * 10)
}

pub async fn settings(state: &AppState) -> AppResult<(QueueSettings, Option<statreq_store::SettingsRow>)> {
    let row = db(state, |s| s.queue_settings()).await?;
    let settings = match &row {
        Some(r) => serde_json::from_value(r.settings.clone()).map_err(AppError::internal)?,
        None => QueueSettings::default(),
    };
    Ok((settings, row))
}

/// The supervising agencies (directly under DGPA) with the personnel staff of their
/// whole subtree (rule 5.3).
fn supervising_staff(tree: &AgencyTree) -> HashMap<AgencyCode, u32> {
    queue::subtree_staff(
        tree.codes().filter_map(|c| tree.get(c)).map(|a| (&a.code, a.parent_code.as_ref(), a.personnel_staff.max(0) as u32)),
    )
}

/// The queue from data read afresh (for `/take`, whose order check must be exact).
pub async fn snapshot(state: &AppState, now: DateTime<Utc>) -> AppResult<Snapshot> {
    Ok(Inputs::read(state, 0, false).await?.compute(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever is pushed and removed, each request's items are found under it,
        /// and the vector holds exactly the items not removed.
        #[test]
        fn by_request_finds_what_a_list_holds(ops in proptest::collection::vec((any::<bool>(), 1i64..8, any::<u16>()), 0..200)) {
            let mut indexed = ByRequest::default();
            let mut list: Vec<(RequestId, u16)> = Vec::new();
            for (push, id, value) in ops {
                let id = RequestId(id);
                if push {
                    indexed.push(id, value);
                    list.push((id, value));
                } else {
                    let mut taken = indexed.remove(id);
                    let mut expected: Vec<u16> = list.iter().filter(|(i, _)| *i == id).map(|(_, v)| *v).collect();
                    list.retain(|(i, _)| *i != id);
                    taken.sort_unstable();
                    expected.sort_unstable();
                    prop_assert_eq!(taken, expected);
                }
                for id in (1..8).map(RequestId) {
                    let mut found: Vec<u16> = indexed.get(id).copied().collect();
                    let mut expected: Vec<u16> = list.iter().filter(|(i, _)| *i == id).map(|(_, v)| *v).collect();
                    found.sort_unstable();
                    expected.sort_unstable();
                    prop_assert_eq!(found, expected);
                }
                let mut all: Vec<(RequestId, u16)> = indexed.owners.iter().copied().zip(indexed.items.iter().copied()).collect();
                let mut expected = list.clone();
                all.sort_unstable();
                expected.sort_unstable();
                prop_assert_eq!(all, expected);
            }
        }
    }
}
