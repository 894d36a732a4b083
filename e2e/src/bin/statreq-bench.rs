//! `just bench`: load on loopback against the real release binary, on SQLite and
//! PostgreSQL. Measures `/healthz`, authenticated `GET /requests/{id}` and
//! create→submit, each closed-loop for throughput, plus an open-loop run at a fixed
//! rate for latency percentiles, and the server's peak RSS. Bounded in count and time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use statreq_e2e::{Backend, TestServer};

const CONCURRENCY: usize = 16;
const CLOSED_LOOP: Duration = Duration::from_secs(5);
const RATE_PER_SECOND: u64 = 1_000;
const OPEN_LOOP: Duration = Duration::from_secs(5);

struct Run {
    name: String,
    requests: usize,
    errors: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
}

impl Run {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let mut v = self.latencies_us.clone();
        v.sort_unstable();
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i] as f64 / 1000.0
    }

    fn row(&self) -> String {
        format!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
            self.name,
            self.requests as f64 / self.seconds,
            self.percentile(0.50),
            self.percentile(0.99),
            self.percentile(0.999),
            self.errors
        )
    }
}

#[derive(Clone)]
enum Work {
    Get { url: String, token: Option<String> },
    CreateSubmit { base: String, token: String, body: Arc<String> },
}

/// A success whose body was read in full.
async fn drained(res: reqwest::Result<reqwest::Response>) -> bool {
    match res {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

async fn once(http: &reqwest::Client, work: &Work) -> bool {
    match work {
        Work::Get { url, token } => {
            let mut req = http.get(url);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            drained(req.send().await).await
        }
        Work::CreateSubmit { base, token, body } => {
            let created = http
                .post(format!("{base}/api/v1/requests"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            let Ok(created) = created else { return false };
            let Ok(v) = created.json::<serde_json::Value>().await else { return false };
            let (Some(id), Some(version)) = (v["id"].as_i64(), v["version"].as_i64()) else { return false };
            // A transition needs the version seen (If-Match), as every client sends it.
            let submitted = http
                .post(format!("{base}/api/v1/requests/{id}/submit"))
                .bearer_auth(token)
                .header("if-match", format!("\"{version}\""))
                .send()
                .await;
            drained(submitted).await
        }
    }
}

async fn closed_loop(name: &str, work: Work) -> Run {
    let http = reqwest::Client::new();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (http, work) = (http.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while start.elapsed() < CLOSED_LOOP {
                let t = Instant::now();
                if once(&http, &work).await {
                    lat.push(t.elapsed().as_micros() as u64);
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            latencies_us.extend(l);
            errors += e;
        }
    }
    Run { name: name.into(), requests: latencies_us.len(), errors, seconds: start.elapsed().as_secs_f64(), latencies_us }
}

async fn open_loop(name: &str, work: Work) -> Run {
    let http = reqwest::Client::new();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SECOND));
    let start = Instant::now();
    let total = (RATE_PER_SECOND * OPEN_LOOP.as_secs()) as usize;
    let mut tasks = Vec::with_capacity(total);
    for _ in 0..total {
        tick.tick().await;
        let (http, work) = (http.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            once(&http, &work).await.then(|| t.elapsed().as_micros() as u64)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        match t.await {
            Ok(Some(l)) => latencies_us.push(l),
            _ => errors += 1,
        }
    }
    Run { name: name.into(), requests: latencies_us.len(), errors, seconds: start.elapsed().as_secs_f64(), latencies_us }
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    kb / 1024.0
}

/// How many requests of the database have been submitted (every one the write
/// workload created, once its submit was acknowledged).
fn submitted_in(url: &str) -> usize {
    let store = statreq_store::Store::open(url).unwrap_or_else(|e| panic!("{e}"));
    let all = statreq_store::ListFilter { all_submitted: true, limit: i64::MAX, ..Default::default() };
    store.list_requests(&all).unwrap_or_else(|e| panic!("{e}")).len()
}

/// The runs, the server's peak RSS (after the workloads and after a sign-in burst),
/// and how many acknowledged submits the database does not hold (must be none).
async fn bench(backend: Backend) -> (Vec<Run>, Rss, usize) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let token = applicant.access_token().unwrap_or_default().to_string();
    let sources: Vec<serde_json::Value> = [
        "dgpa_published_statistics",
        "other_agency_statistics",
        "webhr_subsystem_reports",
        "webhr_statistics_batch",
        "webhr_personnel_selection",
        "webhr_graphical_query",
    ]
    .iter()
    .map(|s| serde_json::json!({"source": s, "checked": true, "note": "無此分類"}))
    .collect();
    let app = serde_json::json!({
        "contact": {"name": "林怡君", "phone": "02-2321-9011", "email": "lin@npa.gov.tw"},
        "reason": "人力規劃", "requirement": {"output": "statistics", "fields": ["grade", "sex"], "description": "依職等及性別統計", "sample_output": "職等,男,女"},
        "personal_data": {"contains": false},
        "existing_sources": sources
    });
    let r = applicant.create_request(&serde_json::from_value(app.clone()).unwrap_or_default()).await.unwrap_or_else(|e| panic!("{e}"));
    let health = Work::Get { url: format!("{}/healthz", server.base), token: None };
    let read = Work::Get { url: format!("{}/api/v1/requests/{}", server.base, r.id), token: Some(token.clone()) };
    let write = Work::CreateSubmit { base: server.base.clone(), token, body: Arc::new(app.to_string()) };
    let runs = vec![
        closed_loop("GET /healthz — closed loop", health.clone()).await,
        closed_loop("GET /requests/{id} (authenticated) — closed loop", read.clone()).await,
        closed_loop("POST /requests + /submit — closed loop", write).await,
        open_loop("GET /healthz — 1,000 req/s", health).await,
        open_loop("GET /requests/{id} — 1,000 req/s", read).await,
    ];
    let rss = peak_rss_mb(server.pid());
    let before = submitted_in(&server.db.url);
    let lost = runs[2].requests.saturating_sub(before);
    let burst = sign_in_burst(&server.base).await;
    (runs, Rss { load: rss, burst: peak_rss_mb(server.pid()), checked: burst }, lost)
}

/// The server's peak RSS after the workloads, then after [`SIGN_IN_BURST`] wrong
/// sign-ins at once (each checked one takes argon2id's 19 MiB while it runs).
struct Rss {
    load: f64,
    burst: f64,
    /// How many of the burst were checked (401); the rest were throttled unchecked (429).
    checked: usize,
}

const SIGN_IN_BURST: usize = 200;

/// [`SIGN_IN_BURST`] sign-ins with wrong passwords at once, each for another username;
/// how many were checked (answered 401).
async fn sign_in_burst(base: &str) -> usize {
    let http = reqwest::Client::new();
    let answers = futures_util::future::join_all((0..SIGN_IN_BURST).map(|i| {
        let body = serde_json::json!({"username": format!("nobody{i}"), "password": "wrong-password-123"});
        http.post(format!("{base}/api/v1/auth/login")).json(&body).send()
    }))
    .await;
    answers.iter().filter(|a| a.as_ref().is_ok_and(|r| r.status() == 401)).count()
}

/// 2,000 supervising agencies and 100,000 queued requests with their acceptance
/// events, in a few statements.
fn seed_queue(backend: Backend, url: &str) {
    let store = statreq_store::Store::open(url).unwrap_or_else(|e| panic!("{e}"));
    let (days_ago, n) = match backend {
        Backend::Sqlite => {
            ("datetime('now', '-' || (i % 90) || ' days')", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N})")
        }
        Backend::Postgres => ("(now() at time zone 'utc') - (i % 90) * interval '1 day'", "WITH n(i) AS (SELECT generate_series(1, {N}))"),
    };
    let sql = format!(
        "INSERT INTO agencies (code, name, parent_code, personnel_staff, created_at, updated_at) {agencies} SELECT 'B' || i, 'Agency ' || i, 'DGPA', 1 + i % 300, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n;
         INSERT INTO requests (agency_code, created_by, state, version, application, revision, difficulty, created_at, updated_at, dgpa_received_at, wait_accumulated_seconds, wait_since)
           {requests} SELECT 'B' || (1 + i % 2000), 1, 'queued', 3, '{{}}', 1, 1 + i % 5, {days_ago}, {days_ago}, {days_ago}, 0, {days_ago} FROM n;
         INSERT INTO request_events (request_id, seq, kind, from_state, to_state, actor_id, data, at)
           SELECT id, 1, 'dgpa_accepted', 'pending_dgpa', 'queued', 1, 'null', dgpa_received_at FROM requests WHERE state = 'queued';",
        agencies = n.replace("{N}", "2000"),
        requests = n.replace("{N}", "100000"),
    );
    store.batch_execute(&sql).unwrap_or_else(|e| panic!("seeding: {e}"));
    // What autovacuum would do within a minute of a bulk load (and mid-measurement, on
    // the same two cores): a database in steady state has it done.
    if backend == Backend::Postgres {
        store.batch_execute("VACUUM ANALYZE").unwrap_or_else(|e| panic!("vacuum: {e}"));
    }
}

/// The warm calls, the first call's milliseconds (it reads everything), and the
/// first view after each of 20 changes (an officer takes the head of the queue).
async fn bench_queue_endpoint(backend: Backend) -> (Run, f64, Run) {
    let server = TestServer::start(backend);
    seed_queue(backend, &server.db.url);
    let officer = server.login("officer1.dgpa").await;
    let token = officer.access_token().unwrap_or_default().to_string();
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/queue?limit=50", server.base);
    let mut latencies_us = Vec::new();
    let start = Instant::now();
    let mut cold_ms = 0.0;
    for i in 0..20 {
        let t = Instant::now();
        let res = http.get(&url).bearer_auth(&token).send().await;
        let ok = match res {
            Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok_and(|v| v["total_queued"] == 100_000),
            _ => false,
        };
        assert!(ok, "GET /queue failed");
        if i == 0 {
            cold_ms = t.elapsed().as_secs_f64() * 1000.0;
        } else {
            latencies_us.push(t.elapsed().as_micros() as u64);
        }
    }
    let run = Run {
        name: format!("GET /queue?limit=50, 100,000 queued over 2,000 agencies (first call {cold_ms:.0} ms, then 19 calls)"),
        requests: 19,
        errors: 0,
        seconds: start.elapsed().as_secs_f64(),
        latencies_us,
    };
    let mut after_change = Vec::new();
    let start = Instant::now();
    let mut head = officer.queue().await.map(|q| q.items[0].request_id).unwrap_or_else(|e| panic!("{e}"));
    for n in 1..=20 {
        officer.take(head, None).await.unwrap_or_else(|e| panic!("take {head}: {e}"));
        let t = Instant::now();
        let res = http.get(&url).bearer_auth(&token).send().await;
        let body = match res {
            Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.ok(),
            _ => None,
        };
        after_change.push(t.elapsed().as_micros() as u64);
        let body = body.unwrap_or_else(|| panic!("GET /queue failed"));
        assert_eq!(body["total_queued"], 100_000 - n, "the view shows the change");
        head = body["items"][0]["request_id"].as_i64().unwrap_or_default();
    }
    let changed = Run {
        name: "GET /queue?limit=50 right after a change (an officer takes the head), 20 times".into(),
        requests: 20,
        errors: 0,
        seconds: start.elapsed().as_secs_f64(),
        latencies_us: after_change,
    };
    (run, cold_ms, changed)
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--queue") {
        let mut first = Vec::new();
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let (r, cold_ms, changed) = bench_queue_endpoint(backend).await;
            println!(
                "### {backend:?}: queue endpoint\n\n| workload | req/s | p50 ms | p99 ms | p99.9 ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |\n{}\n{}\n",
                r.row(),
                changed.row()
            );
            let worst = changed.percentile(1.0);
            first.push(format!(
                "{backend:?}: median {:.1} ms, slowest {worst:.1} ms of 20 (a view reading everything: {cold_ms:.0} ms){}",
                changed.percentile(0.5),
                if worst < 20.0 { "" } else { " (**not met**)" }
            ));
        }
        println!("| goal | result | anchor, same run |\n| --- | --- | --- |");
        println!(
            "| first `/queue` view after a change, 100,000 queued: < 20 ms | {} | the ranking alone: `statreq-queue-bench` above |\n",
            first.join(", ")
        );
        return;
    }
    println!("statreq load benchmark — loopback, {CONCURRENCY} concurrent clients for {}s closed-loop; open loop at {RATE_PER_SECOND} req/s for {}s.\n", CLOSED_LOOP.as_secs(), OPEN_LOOP.as_secs());
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    let mut peaks = Vec::new();
    let mut failed = 0;
    // `statreq-bench sqlite` or `statreq-bench postgres` runs one backend (to profile it).
    let only: Vec<String> = std::env::args().skip(1).map(|a| a.to_lowercase()).collect();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if !only.is_empty() && !only.contains(&format!("{backend:?}").to_lowercase()) {
            continue;
        }
        let (runs, rss, lost) = bench(backend).await;
        println!("### {backend:?}\n");
        println!("| workload | req/s | p50 ms | p99 ms | p99.9 ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |");
        for r in &runs {
            println!("{}", r.row());
        }
        let ratio = runs[1].requests as f64 / runs[1].seconds / (runs[0].requests as f64 / runs[0].seconds);
        println!(
            "\nAuthenticated read throughput = {:.0}% of /healthz. Server peak RSS: {:.1} MB; {:.1} MB after {SIGN_IN_BURST} wrong sign-ins at once ({} checked, the rest throttled).\n",
            ratio * 100.0,
            rss.load,
            rss.burst,
            rss.checked
        );
        peaks.push((backend, rss));
        writes.push((runs[2].percentile(0.99), runs[2].percentile(0.999), runs[2].requests, lost));
        reads.push((backend, ratio, runs[4].percentile(0.99), runs[0].requests as f64 / runs[0].seconds));
        failed += runs.iter().map(|r| r.errors).sum::<usize>() + lost;
    }
    let verdict = |met: bool| if met { "met" } else { "**not met**" };
    println!("### Goals (issue 18), each beside its anchor from this run\n");
    println!("| goal | result | anchor, same run |\n| --- | --- | --- |");
    for (backend, ratio, p99, health) in &reads {
        println!(
            "| {backend:?}: authenticated read ≥ 30% of `/healthz`; p99 < 5 ms at 1,000 req/s | {:.0}%, p99 {p99:.2} ms — {} | `/healthz` {health:.0} req/s |",
            ratio * 100.0,
            verdict(*ratio >= 0.30 && *p99 < 5.0)
        );
    }
    if let [(lite99, lite999, acked, lost), (pg99, pg999, _, _)] = writes[..] {
        println!(
            "| SQLite create+submit, {CONCURRENCY} writers: p99 < 50 ms, p99.9 < 150 ms, nothing acknowledged lost | p99 {lite99:.1} ms, p99.9 {lite999:.1} ms, {acked} acknowledged, {lost} missing — {} | PostgreSQL: p99 {pg99:.1} ms, p99.9 {pg999:.1} ms |",
            verdict(lite99 < 50.0 && lite999 < 150.0 && lost == 0)
        );
    }
    for (backend, rss) in &peaks {
        println!(
            "| {backend:?}: server peak RSS < 150 MB (issue 2), also after {SIGN_IN_BURST} wrong sign-ins at once | {:.1} MB after the workloads, {:.1} MB after the burst — {} | {} of the burst checked, the rest throttled |",
            rss.load,
            rss.burst,
            verdict(rss.burst < 150.0),
            rss.checked
        );
    }
    println!();
    // A workload that failed measured nothing: say so, and fail.
    if failed > 0 {
        eprintln!("{failed} requests failed or were lost; the figures above are not valid");
        std::process::exit(1);
    }
}
