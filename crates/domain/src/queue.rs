//! DGPA's work queue, ordered as rule 5.3 says: by application order, difficulty,
//! the volume each supervising agency's offices have already requested, and that
//! agency's number of personnel staff — taken together. The model is Slurm's
//! multifactor priority with the classic fair-share factor (DESIGN.md, "Queue
//! ordering"); the order is computed from data, never stored.
//!
//! - age `A = min(1, waited / max_wait)`; waiting counts from DGPA's first receipt
//!   and pauses while the request is back with the applicant ([`WaitClock`]);
//! - difficulty `D = 1 − (d − 1) / 4` (easy first) or `(d − 1) / 4` (hard first);
//! - fair share `F = 2^(−U/S)` per supervising agency, `U` its decayed share of
//!   difficulty-weighted accepted work, `S = staff^γ / Σ staff^γ`;
//! - `priority = wA·A + wD·D + wF·F`; ties by DGPA receipt, then id;
//! - **the overdue band**: a request that has waited `max_wait` (A = 1) goes ahead
//!   of every request that has not, and overdue requests are taken longest-waiting
//!   first. Rule 5.3 names application order first; past `max_wait` it is the only
//!   thing that counts. This is what bounds every wait (no starvation): a request
//!   starts at most `max_wait + longest job + (work received before it and still
//!   waiting) / officers` after DGPA receives it ([`wait_bound`]). Without the band
//!   the capped age factor lets a saturated request be overtaken for ever by newer
//!   saturated ones with better difficulty or fair-share factors.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyCode, Difficulty, RequestId};
use crate::lifecycle::State;

/// Which difficulty the queue favours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DifficultyFavour {
    /// Easy work first: quick answers for many offices.
    Easy,
    /// Hard work first.
    Hard,
}

/// DGPA's queue settings, published to every signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueSettings {
    /// Weight of waiting time (application order).
    pub weight_age: u32,
    /// Weight of difficulty.
    pub weight_difficulty: u32,
    /// Weight of the supervising agency's fair share.
    pub weight_fair_share: u32,
    /// Accepted work counts half after this many days.
    pub half_life_days: u32,
    /// Shares follow personnel staff to the power γ: 1 proportional, 0 equal, negative favours small offices.
    pub gamma: f64,
    /// Waiting this long gives the full age factor.
    pub max_wait_days: u32,
    pub difficulty_favour: DifficultyFavour,
    /// Personnel staff assumed for an agency that has none recorded.
    pub default_staff: u32,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            weight_age: 1000,
            weight_difficulty: 300,
            weight_fair_share: 500,
            half_life_days: 90,
            gamma: 1.0,
            max_wait_days: 60,
            difficulty_favour: DifficultyFavour::Easy,
            default_staff: 1,
        }
    }
}

/// A settings value out of its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} must be between {min} and {max}")]
pub struct InvalidSetting {
    pub field: &'static str,
    pub min: String,
    pub max: String,
}

impl QueueSettings {
    pub const MAX_WEIGHT: u32 = 100_000;

    /// Every value in its range (so no division by zero, no NaN).
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        let int = |field: &'static str, v: u32, min: u32, max: u32| {
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(InvalidSetting { field, min: min.to_string(), max: max.to_string() })
            }
        };
        int("weight_age", self.weight_age, 0, Self::MAX_WEIGHT)?;
        int("weight_difficulty", self.weight_difficulty, 0, Self::MAX_WEIGHT)?;
        int("weight_fair_share", self.weight_fair_share, 0, Self::MAX_WEIGHT)?;
        int("half_life_days", self.half_life_days, 1, 3650)?;
        int("max_wait_days", self.max_wait_days, 1, 3650)?;
        int("default_staff", self.default_staff, 1, 100_000)?;
        if !(self.gamma.is_finite() && (-3.0..=3.0).contains(&self.gamma)) {
            return Err(InvalidSetting { field: "gamma", min: "-3".into(), max: "3".into() });
        }
        Ok(())
    }
}

/// Time with DGPA, paused while the request is back with the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WaitClock {
    /// Seconds waited in earlier stints.
    pub accumulated_seconds: i64,
    /// Start of the current stint, when waiting now.
    pub since: Option<DateTime<Utc>>,
}

/// States in which a request waits for DGPA.
fn waits_for_dgpa(state: State) -> bool {
    matches!(state, State::PendingDgpa | State::Queued)
}

impl WaitClock {
    /// The clock after a transition at `at`.
    pub fn on_transition(self, from: State, to: State, at: DateTime<Utc>) -> WaitClock {
        match (waits_for_dgpa(from), waits_for_dgpa(to)) {
            (false, true) => WaitClock { accumulated_seconds: self.accumulated_seconds, since: Some(at) },
            (true, false) => WaitClock { accumulated_seconds: self.waited(at).num_seconds(), since: None },
            _ => self,
        }
    }

    pub fn waited(&self, now: DateTime<Utc>) -> Duration {
        let running = self.since.map(|s| (now - s).max(Duration::zero())).unwrap_or_default();
        Duration::seconds(self.accumulated_seconds) + running
    }
}

/// A request on DGPA's queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEntry {
    pub id: RequestId,
    /// The top-level supervising agency whose share the request draws on.
    pub supervising_agency: AgencyCode,
    pub difficulty: Difficulty,
    pub clock: WaitClock,
    /// DGPA's first receipt, the first tie-breaker.
    pub received_at: DateTime<Utc>,
}

/// Accepted work, for usage: which request, when, how hard, on whose share.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedWork {
    pub request: RequestId,
    pub supervising_agency: AgencyCode,
    pub accepted_at: DateTime<Utc>,
    pub difficulty: Difficulty,
}

/// One supervising agency's standing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    pub agency_code: AgencyCode,
    /// Personnel staff counted (the default when none is recorded).
    pub staff: u32,
    /// Normalised share `S`, 0–1.
    pub share: f64,
    /// Normalised decayed usage `U`, 0–1.
    pub usage: f64,
    /// `F = 2^(−U/S)`, 0–1.
    pub fair_share_factor: f64,
}

/// The factors of one request's priority.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factors {
    pub age: f64,
    pub difficulty: f64,
    pub fair_share: f64,
}

impl Factors {
    /// The priority these factors give under `settings`' weights (rule 5.3): each factor
    /// times its weight, added.
    pub fn priority(&self, settings: &QueueSettings) -> f64 {
        f64::from(settings.weight_age) * self.age
            + f64::from(settings.weight_difficulty) * self.difficulty
            + f64::from(settings.weight_fair_share) * self.fair_share
    }

    /// The same request's factors had difficulty been preferred the other way: they were
    /// taken under `was`, and are wanted under `favour` (an administrator's preview).
    pub fn favouring(self, was: DifficultyFavour, favour: DifficultyFavour) -> Factors {
        if was == favour {
            self
        } else {
            Factors { difficulty: 1.0 - self.difficulty, ..self }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: RequestId,
    /// 1 = next.
    pub position: usize,
    pub priority: f64,
    pub factors: Factors,
    pub waited: Duration,
    /// Waited `max_wait` or more: in the overdue band, taken longest-waiting first.
    pub overdue: bool,
}

fn decay(age: Duration, half_life_days: u32) -> f64 {
    let days = age.num_seconds().max(0) as f64 / 86_400.0;
    (-days / f64::from(half_life_days)).exp2()
}

/// The personnel staff rule 5.3 weighs for each supervising agency (directly under
/// DGPA): its own and that of every agency in its subtree, since all their
/// applications count against its share. `agencies` is `(code, parent, staff)`.
/// An agency whose ancestry does not reach DGPA (a cycle, a missing parent) adds
/// to nobody.
pub fn subtree_staff<'a>(agencies: impl IntoIterator<Item = (&'a AgencyCode, Option<&'a AgencyCode>, u32)>) -> HashMap<AgencyCode, u32> {
    let rows: Vec<(&AgencyCode, Option<&AgencyCode>, u32)> = agencies.into_iter().collect();
    let parent: HashMap<&AgencyCode, Option<&AgencyCode>> = rows.iter().map(|(c, p, _)| (*c, *p)).collect();
    let mut out: HashMap<AgencyCode, u32> = HashMap::new();
    for (code, _, staff) in &rows {
        if code.is_dgpa() {
            continue;
        }
        let mut at = *code;
        let mut top = None;
        for _ in 0..=rows.len() {
            match parent.get(at).copied().flatten() {
                Some(p) if p.is_dgpa() => {
                    top = Some(at);
                    break;
                }
                Some(p) => at = p,
                None => break,
            }
        }
        if let Some(top) = top {
            let total = out.entry(top.clone()).or_default();
            *total = total.saturating_add(*staff);
        }
    }
    out
}

/// The acceptances that count toward usage: each request once, at its latest
/// acceptance. DGPA may return work it accepted and accept it again after the
/// applicant's revision, and it is still one request of the total the supervising
/// agency's offices have requested (rule 5.3). The same in any input order; sorted by
/// request.
pub fn latest_acceptances(history: impl IntoIterator<Item = AcceptedWork>) -> Vec<AcceptedWork> {
    fn key(w: &AcceptedWork) -> (DateTime<Utc>, u8, &AgencyCode) {
        (w.accepted_at, w.difficulty.get(), &w.supervising_agency)
    }
    let mut latest: FxHashMap<RequestId, AcceptedWork> = FxHashMap::default();
    for w in history {
        match latest.entry(w.request) {
            std::collections::hash_map::Entry::Occupied(mut kept) => {
                if key(&w) > key(kept.get()) {
                    kept.insert(w);
                }
            }
            std::collections::hash_map::Entry::Vacant(place) => {
                place.insert(w);
            }
        }
    }
    let mut out: Vec<AcceptedWork> = latest.into_values().collect();
    out.sort_unstable_by_key(|w| w.request);
    out
}

/// Each supervising agency's share, usage and fair-share factor. `staff` lists
/// every supervising agency (those without work too); agencies that appear only in
/// `history` get the default staff. `history` is read once, in any order, and holds
/// each request once (see [`latest_acceptances`]).
pub fn usage<'a>(
    staff: &'a HashMap<AgencyCode, u32>,
    history: impl IntoIterator<Item = &'a AcceptedWork>,
    settings: &QueueSettings,
    now: DateTime<Utc>,
) -> HashMap<AgencyCode, Usage> {
    let staff_of = |a: &AgencyCode| staff.get(a).copied().filter(|s| *s > 0).unwrap_or(settings.default_staff);
    // Usage accumulates in fixed point (nano-points) and the sums below run over
    // the sorted agency list, so that the result does not depend on the order of
    // the input: float addition is not associative, integer addition is.
    let mut used: FxHashMap<&AgencyCode, u64> = FxHashMap::with_capacity_and_hasher(staff.len(), Default::default());
    for w in history {
        let points = f64::from(w.difficulty.get()) * decay(now - w.accepted_at, settings.half_life_days);
        *used.entry(&w.supervising_agency).or_default() += (points * 1e9).round() as u64;
    }
    let mut agencies: Vec<&AgencyCode> = staff.keys().chain(used.keys().copied()).collect();
    agencies.sort_unstable();
    agencies.dedup();
    let raw_share: HashMap<&AgencyCode, f64> = agencies.iter().map(|a| (*a, f64::from(staff_of(a)).powf(settings.gamma))).collect();
    let share_total: f64 = agencies.iter().map(|a| raw_share[a]).sum();
    let used_total: u64 = agencies.iter().map(|a| used.get(a).copied().unwrap_or(0)).sum();
    agencies
        .into_iter()
        .map(|a| {
            let share = if share_total > 0.0 { raw_share[a] / share_total } else { 0.0 };
            let usage = if used_total > 0 { used.get(a).copied().unwrap_or(0) as f64 / used_total as f64 } else { 0.0 };
            let factor = if share > 0.0 { (-usage / share).exp2() } else { 0.0 };
            (a.clone(), Usage { agency_code: (*a).clone(), staff: staff_of(a), share, usage, fair_share_factor: factor })
        })
        .collect()
}

/// The difficulty factor.
pub fn difficulty_factor(d: Difficulty, favour: DifficultyFavour) -> f64 {
    let hard = f64::from(d.get() - Difficulty::MIN) / f64::from(Difficulty::MAX - Difficulty::MIN);
    match favour {
        DifficultyFavour::Easy => 1.0 - hard,
        DifficultyFavour::Hard => hard,
    }
}

/// See [`order_key`].
pub type OrderKey = (u64, u64, i64);

/// A request's place in the order as one integer key, smallest first (rule 5.3): the
/// overdue band first, longest wait first; then priority, highest first; ties by DGPA
/// receipt, then id. [`rank`] sorts by it, and so does an administrator's preview of
/// weights not yet saved, so the two cannot order ties differently.
pub fn order_key(overdue: bool, waited: Duration, priority: f64, received_at: DateTime<Utc>, id: RequestId) -> OrderKey {
    // Priorities are never negative, so their bits order as the numbers do and fit
    // the 63 bits below the band's.
    let first = if overdue {
        let nanos = waited.num_nanoseconds().unwrap_or(i64::MAX).max(0) as u64;
        (u64::MAX >> 1) - nanos
    } else {
        (1 << 63) | ((u64::MAX >> 1) - (priority.max(0.0).to_bits() & (u64::MAX >> 1)))
    };
    (first, ordered_nanos(received_at.timestamp(), received_at.timestamp_subsec_nanos()), id.0)
}

/// Nanoseconds as an unsigned integer in time order (saturating some 292 years
/// from 1970 or from zero).
fn ordered_nanos(seconds: i64, subsec: u32) -> u64 {
    let n = seconds.saturating_mul(1_000_000_000).saturating_add(i64::from(subsec));
    (n as u64) ^ (1 << 63)
}

/// The queue in order. Deterministic, and independent of the input order.
///
/// The order: the overdue band first, longest-waiting first; then priority,
/// highest first; ties by DGPA receipt, then id. Each request's place is one
/// integer key, so the sort compares integers only.
pub fn rank(entries: &[QueueEntry], usage: &HashMap<AgencyCode, Usage>, settings: &QueueSettings, now: DateTime<Utc>) -> Vec<Ranked> {
    let max_wait = f64::from(settings.max_wait_days) * 86_400.0;
    let factor: FxHashMap<&AgencyCode, f64> = usage.iter().map(|(a, u)| (a, u.fair_share_factor)).collect();
    let mut ranked: Vec<Ranked> = Vec::with_capacity(entries.len());
    // (the order's key, index).
    let mut keys: Vec<(OrderKey, u32)> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let waited = e.clock.waited(now);
        let factors = Factors {
            age: (waited.num_seconds() as f64 / max_wait).min(1.0),
            difficulty: difficulty_factor(e.difficulty, settings.difficulty_favour),
            fair_share: factor.get(&e.supervising_agency).copied().unwrap_or(1.0),
        };
        let priority = factors.priority(settings);
        let overdue = factors.age >= 1.0;
        keys.push((order_key(overdue, waited, priority, e.received_at, e.id), i as u32));
        ranked.push(Ranked { id: e.id, position: 0, priority, factors, waited, overdue });
    }
    // Ids are unique, so no two keys are equal and an unstable sort is deterministic.
    keys.sort_unstable();
    keys.into_iter()
        .enumerate()
        .map(|(position, key)| {
            let mut r = ranked[key.1 as usize].clone();
            r.position = position + 1;
            r
        })
        .collect()
}

/// The longest a request can wait before work on it starts, with `officers` working
/// in parallel, jobs of at most `longest_job`, and `earlier_work` of requests that
/// were received before it and had not started when it became overdue.
pub fn wait_bound(settings: &QueueSettings, officers: u32, longest_job: Duration, earlier_work: Duration) -> Duration {
    Duration::days(i64::from(settings.max_wait_days)) + longest_job + earlier_work / officers.max(1) as i32
}

/// Whether taking `id` now honours the order; otherwise the requests it passes over.
pub fn passed_over(order: &[Ranked], id: RequestId) -> Vec<RequestId> {
    order.iter().take_while(|r| r.id != id).map(|r| r.id).collect()
}

/// An estimate (never a deadline) of when work starts for the request at
/// `position`, counted in working days of the office calendar: DGPA's pace is the
/// `taken` requests of the working days from `since` to `today`; the `position − 1`
/// requests ahead take their share of working days at that pace. The number of working
/// days from `today` (from the next working day when `today` is not one) and the day
/// it falls on; `None` without a pace.
pub fn start_estimate(
    position: usize,
    taken: usize,
    since: chrono::NaiveDate,
    today: chrono::NaiveDate,
    calendars: &[crate::calendar::OfficeCalendar],
) -> Option<(i64, chrono::NaiveDate)> {
    let window = crate::calendar::working_days(since, today, calendars);
    if taken == 0 || window <= 0 {
        return None;
    }
    let ahead = position.saturating_sub(1) as f64;
    let days = (ahead * window as f64 / taken as f64).ceil() as i64;
    // Counted from the nearest working day: next in line, seen on a Saturday, starts
    // on Monday, and the one after it a working day later.
    let mut day = today;
    for _ in 0..3660 {
        if crate::calendar::is_working_day(day, calendars) {
            break;
        }
        day = day.succ_opt()?;
    }
    let mut left = days;
    // Ten years of days at most: an estimate past that says nothing more.
    for _ in 0..3660 {
        if left == 0 {
            break;
        }
        day = day.succ_opt()?;
        if crate::calendar::is_working_day(day, calendars) {
            left -= 1;
        }
    }
    Some((days, day))
}

pub mod simulation;

#[cfg(test)]
mod tests;
