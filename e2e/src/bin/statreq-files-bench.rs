//! Upload and download throughput of a result file through the real server, with
//! files on the local disk (SQLite) beside files in S3 (SeaweedFS on loopback, with
//! PostgreSQL), in one run: the same 256 MiB body, several rounds each, the median
//! MiB/s and its ratio to local files. Part of `just bench`, which starts SeaweedFS
//! and PostgreSQL (loopback only).

use std::time::Instant;

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::*;
use statreq_e2e::{Backend, TestServer};

const MIB: usize = 1024 * 1024;
const SIZE: usize = 256 * MIB;
const ROUNDS: usize = 3;

async fn login(server: &TestServer, username: &str) -> Client {
    server.login(username).await
}

/// A request in production at a fresh server, and its officer.
async fn in_production(server: &TestServer) -> (i64, Client) {
    let applicant = login(server, "applicant.npa").await;
    let supervisor = login(server, "supervisor.moi").await;
    let officer = login(server, "officer1.dgpa").await;
    let app = serde_json::from_str::<Application>(include_str!("../../../docs/examples/application.json"))
        .unwrap_or_else(|e| panic!("docs/examples/application.json: {e}"));
    let r = applicant.create_request(&app).await.unwrap_or_else(|e| panic!("{e}"));
    applicant.submit(r.id, None).await.unwrap_or_else(|e| panic!("{e}"));
    supervisor
        .supervisor_decision(r.id, None, statreq_e2e::statreq_domain::Decision::Approve, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    officer
        .dgpa_decision(
            r.id,
            None,
            statreq_e2e::statreq_domain::DgpaDecision::Accept,
            statreq_e2e::statreq_domain::Difficulty::new(2).ok(),
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    officer.take(r.id, None).await.unwrap_or_else(|e| panic!("{e}"));
    (r.id, officer)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn measure(label: &str, backend: Backend) -> (f64, f64) {
    let server = TestServer::start_with(backend, &["--max-upload-mib", "1024"]);
    let (id, officer) = in_production(&server).await;
    let body: Vec<u8> = "職等,人數\n".bytes().chain((0..).map(|i: u32| b"0123456789,\n"[(i % 12) as usize])).take(SIZE).collect();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let f = officer.upload_delivery(id, "bench.csv", body.clone()).await.unwrap_or_else(|e| panic!("upload: {e}"));
        up.push(SIZE as f64 / MIB as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let got = officer.download_delivery(id, f.id).await.unwrap_or_else(|e| panic!("download: {e}"));
        down.push(SIZE as f64 / MIB as f64 / t.elapsed().as_secs_f64());
        assert_eq!(got.len(), SIZE);
        officer.remove_delivery(id, f.id, "benchmark round").await.unwrap_or_else(|e| panic!("{e}"));
    }
    let (u, d) = (median(up), median(down));
    println!("{label:<32} upload {u:>6.0} MiB/s   download {d:>6.0} MiB/s");
    (u, d)
}

#[tokio::main]
async fn main() {
    println!("result file of {} MiB through the server, median of {ROUNDS} rounds (encrypted at rest either way)", SIZE / MIB);
    let (lu, ld) = measure("local files (SQLite)", Backend::Sqlite).await;
    let (su, sd) = measure("S3 / SeaweedFS (PostgreSQL)", Backend::Postgres).await;
    println!("S3 beside local files: upload {:.0}%, download {:.0}%", su / lu * 100.0, sd / ld * 100.0);
}
