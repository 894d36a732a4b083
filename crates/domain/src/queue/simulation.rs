//! A year of synthetic requests through DGPA's queue, to compare FIFO with the
//! multifactor policy and to check the wait bound (`statreq queue simulate`).
//! Deterministic: the same seed gives the same year.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{rank, usage, AcceptedWork, QueueEntry, QueueSettings, WaitClock};
use crate::ids::{AgencyCode, Difficulty, RequestId};

/// A supervising agency in the simulation.
#[derive(Debug, Clone)]
pub struct SimAgency {
    pub code: AgencyCode,
    pub staff: u32,
    /// Mean requests per year.
    pub per_year: f64,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub days: u32,
    /// DGPA officers working in parallel.
    pub officers: u32,
    /// Officer-days of work per difficulty point.
    pub days_per_difficulty: f64,
    pub agencies: Vec<SimAgency>,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub enum Policy {
    Fifo,
    Multifactor(QueueSettings),
}

#[derive(Debug, Clone)]
pub struct SimRequest {
    pub id: RequestId,
    pub agency: AgencyCode,
    pub difficulty: Difficulty,
    pub received: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub service: Duration,
}

impl SimRequest {
    pub fn wait(&self) -> Duration {
        self.started - self.received
    }
}

/// SplitMix64: small, fast, good enough for synthetic arrivals.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }
}

/// The synthetic year of the README's table (about 99% of three officers' capacity):
/// twelve supervising agencies, from a
/// city government with 400 personnel staff to a commission with 4, whose request
/// volumes do not follow their staff (two small agencies ask a lot).
pub fn synthetic_year(seed: u64) -> SimConfig {
    let a = |code: &str, staff: u32, per_year: f64| SimAgency {
        code: AgencyCode::parse(code).unwrap_or_else(|_| unreachable!()),
        staff,
        per_year,
    };
    SimConfig {
        days: 365,
        officers: 3,
        days_per_difficulty: 0.37,
        agencies: vec![
            a("TPE", 400, 160.0),
            a("NTPC", 350, 140.0),
            a("MOI", 220, 120.0),
            a("MOE", 180, 90.0),
            a("MOF", 150, 60.0),
            a("MOHW", 140, 60.0),
            a("KHH", 300, 80.0),
            a("MOEA", 120, 40.0),
            a("MOJ", 90, 30.0),
            a("CIP", 12, 150.0),
            a("FSC", 20, 10.0),
            a("NCC", 4, 40.0),
        ],
        seed,
    }
}

fn arrivals(config: &SimConfig, start: DateTime<Utc>) -> Vec<(DateTime<Utc>, AgencyCode, Difficulty)> {
    let mut rng = Rng(config.seed);
    let end = start + Duration::days(i64::from(config.days));
    let mut out = Vec::new();
    for agency in &config.agencies {
        let per_second = agency.per_year / (365.0 * 86_400.0);
        if per_second <= 0.0 {
            continue;
        }
        let mut t = start;
        loop {
            t += Duration::seconds((-rng.unit().ln() / per_second) as i64);
            if t >= end {
                break;
            }
            let d = Difficulty::new(1 + (rng.next() % 5) as i64).unwrap_or_else(|_| unreachable!());
            out.push((t, agency.code.clone(), d));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    out
}

/// Runs the year. Every request is accepted on arrival and started by the next free
/// officer in the policy's order.
pub fn run(config: &SimConfig, policy: &Policy, start: DateTime<Utc>) -> Vec<SimRequest> {
    let staff: HashMap<AgencyCode, u32> = config.agencies.iter().map(|a| (a.code.clone(), a.staff)).collect();
    let mut pending = arrivals(config, start).into_iter().enumerate().peekable();
    let mut queue: Vec<QueueEntry> = Vec::new();
    let mut history: Vec<AcceptedWork> = Vec::new();
    let mut free_at = vec![start; config.officers.max(1) as usize];
    let mut done = Vec::new();
    let service_of = |d: Difficulty| Duration::seconds((f64::from(d.get()) * config.days_per_difficulty * 86_400.0) as i64);
    loop {
        let (officer, next_free) = free_at.iter().copied().enumerate().min_by_key(|(_, t)| *t).unwrap_or((0, start));
        let next_arrival = pending.peek().map(|(_, (t, _, _))| *t);
        match next_arrival {
            Some(at) if queue.is_empty() || at <= next_free => {
                if let Some((i, (at, agency, difficulty))) = pending.next() {
                    let request = RequestId(i as i64 + 1);
                    history.push(AcceptedWork { request, supervising_agency: agency.clone(), accepted_at: at, difficulty });
                    queue.push(QueueEntry {
                        id: request,
                        supervising_agency: agency,
                        difficulty,
                        clock: WaitClock { accumulated_seconds: 0, since: Some(at) },
                        received_at: at,
                    });
                }
            }
            _ if queue.is_empty() => break,
            _ => {
                let now = next_free;
                let head = match policy {
                    Policy::Fifo => (0..queue.len()).min_by_key(|i| (queue[*i].received_at, queue[*i].id)).unwrap_or(0),
                    Policy::Multifactor(settings) => {
                        let u = usage(&staff, &history, settings, now);
                        let order = rank(&queue, &u, settings, now);
                        queue.iter().position(|e| Some(e.id) == order.first().map(|r| r.id)).unwrap_or(0)
                    }
                };
                let e = queue.swap_remove(head);
                let service = service_of(e.difficulty);
                free_at[officer] = now.max(e.received_at) + service;
                done.push(SimRequest {
                    id: e.id,
                    agency: e.supervising_agency,
                    difficulty: e.difficulty,
                    received: e.received_at,
                    started: now.max(e.received_at),
                    service,
                });
            }
        }
    }
    done.sort_by_key(|r| r.id);
    done
}

/// Mean and 95th-percentile wait in days.
pub fn wait_stats(waits: &mut [f64]) -> (f64, f64) {
    if waits.is_empty() {
        return (0.0, 0.0);
    }
    waits.sort_by(f64::total_cmp);
    let mean = waits.iter().sum::<f64>() / waits.len() as f64;
    let p95 = waits[((waits.len() as f64 - 1.0) * 0.95).round() as usize];
    (mean, p95)
}

/// A Markdown table: per agency, FIFO against the policy.
pub fn report(config: &SimConfig, fifo: &[SimRequest], policy: &[SimRequest]) -> String {
    let days = |r: &SimRequest| r.wait().num_seconds() as f64 / 86_400.0;
    let mut out = String::from("| supervising agency | personnel staff | requests | FIFO mean (days) | FIFO p95 | policy mean (days) | policy p95 |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let all = SimAgency { code: AgencyCode::parse("ALL").unwrap_or_else(|_| unreachable!()), staff: 0, per_year: 0.0 };
    let mut rows: Vec<&SimAgency> = config.agencies.iter().collect();
    rows.push(&all);
    for a in rows {
        let pick =
            |set: &[SimRequest]| -> Vec<f64> { set.iter().filter(|r| a.code.as_str() == "ALL" || r.agency == a.code).map(days).collect() };
        let (fm, fp) = wait_stats(&mut pick(fifo));
        let (pm, pp) = wait_stats(&mut pick(policy));
        let n = pick(fifo).len();
        let staff = if a.code.as_str() == "ALL" { "—".to_string() } else { a.staff.to_string() };
        out.push_str(&format!("| {} | {staff} | {n} | {fm:.1} | {fp:.1} | {pm:.1} | {pp:.1} |\n", a.code));
    }
    out
}
