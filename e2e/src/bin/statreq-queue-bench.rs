//! Orders 100,000 queued requests over 2,000 agencies with 100,000 accepted requests
//! of history, single-threaded, and prints the time of usage + ranking (min and
//! median of 15 runs). Part of `just bench`.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use statreq_domain::queue::{rank, usage, AcceptedWork, QueueEntry, QueueSettings, WaitClock};
use statreq_domain::{AgencyCode, Difficulty, RequestId};

fn main() {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).single().unwrap_or_default();
    let mut seed = 0x5eed_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let agencies: Vec<AgencyCode> = (0..2_000).filter_map(|i| AgencyCode::parse(&format!("A{i:05}")).ok()).collect();
    let staff: HashMap<AgencyCode, u32> = agencies.iter().map(|a| (a.clone(), 1 + (next() % 300) as u32)).collect();
    let difficulty = |n: u64| Difficulty::new(1 + (n % 5) as i64).unwrap_or_else(|_| unreachable!());
    let entries: Vec<QueueEntry> = (0..100_000)
        .map(|i| {
            let waited = Duration::minutes((next() % (90 * 24 * 60)) as i64);
            QueueEntry {
                id: RequestId(i + 1),
                supervising_agency: agencies[(next() % 2_000) as usize].clone(),
                difficulty: difficulty(next()),
                clock: WaitClock { accumulated_seconds: 0, since: Some(now - waited) },
                received_at: now - waited,
            }
        })
        .collect();
    let history: Vec<AcceptedWork> = (0..100_000)
        .map(|i| AcceptedWork {
            request: RequestId(100_001 + i),
            supervising_agency: agencies[(next() % 2_000) as usize].clone(),
            accepted_at: now - Duration::minutes((next() % (900 * 24 * 60)) as i64),
            difficulty: difficulty(next()),
        })
        .collect();
    let settings = QueueSettings::default();
    let mut times = Vec::new();
    let mut head = RequestId(0);
    for _ in 0..15 {
        let t = Instant::now();
        let u = usage(&staff, &history, &settings, now);
        let order = rank(&entries, &u, &settings, now);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        head = order[0].id;
    }
    times.sort_by(f64::total_cmp);
    println!("### Queue ordering (domain, single thread)\n");
    println!("| queued | agencies | history | min ms | median ms |\n| ---: | ---: | ---: | ---: | ---: |");
    println!("| {} | {} | {} | {:.1} | {:.1} |", entries.len(), agencies.len(), history.len(), times[0], times[times.len() / 2]);
    println!("\n(head of the queue: request {head})");
}
