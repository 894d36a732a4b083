//! A statistics request from draft to closed with the typed client: the applicant
//! drafts and submits, the supervising agency approves, DGPA accepts, takes it in
//! queue order and delivers, the applicant acknowledges.
//!
//! ```sh
//! just serve &   # the demo accounts
//! cargo run -p statreq-client --example lifecycle -- http://127.0.0.1:8080 docs/examples/application.json
//! ```
//! The demo password is read from `STATREQ_DEMO_PASSWORD` (default `statreq-demo-2026`).

use statreq_client::{Client, ClientError};
use statreq_contract::{Application, DgpaDecision, Difficulty, TakeBody};
use statreq_domain::Decision;

async fn signed_in(base: &str, username: &str, password: &str) -> Result<Client, ClientError> {
    let mut c = Client::new(base);
    c.login(username, password).await?;
    Ok(c)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args.next().unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let file = args.next().unwrap_or_else(|| "docs/examples/application.json".into());
    let password = std::env::var("STATREQ_DEMO_PASSWORD").unwrap_or_else(|_| "statreq-demo-2026".into());
    let application: Application = serde_json::from_slice(&std::fs::read(&file)?)?;

    let applicant = signed_in(&base, "applicant.npa", &password).await?;
    let supervisor = signed_in(&base, "supervisor.moi", &password).await?;
    let officer = signed_in(&base, "officer1.dgpa", &password).await?;

    // Every change names the version it was read at (If-Match): a stale one is refused.
    let r = applicant.create_request(&application).await?;
    let check = applicant.check_request(r.id).await?;
    println!("request {} drafted: {} findings, blocking: {}", r.id, check.findings.len(), check.blocking);
    let r = applicant.submit(r.id, Some(r.version)).await?;
    let r = supervisor.supervisor_decision(r.id, Some(r.version), Decision::Approve, None).await?;
    let r = officer.dgpa_decision(r.id, Some(r.version), DgpaDecision::Accept, Difficulty::new(2).ok(), None).await?;
    let position = applicant.queue_position(r.id).await?;
    println!("queued at position {}", position.position);
    // Taking anything but the head of the queue is recorded with the reason (rule 5.3).
    let skip = (position.position > 1).then(|| "示範流程：依序外取件".to_string());
    let r = officer.take_with(r.id, Some(r.version), &TakeBody { assignee: None, skip_reason: skip }).await?;
    let r = officer.deliver(r.id, Some(r.version), "統計表如附件").await?;
    let r = applicant.acknowledge(r.id, Some(r.version)).await?;
    println!("request {} is {:?}", r.id, r.state);
    Ok(())
}
