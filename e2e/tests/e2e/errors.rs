//! The error table of docs/integration.md, row by row: every code it lists is
//! provoked by a black-box test (here, or asserted in another module), and the
//! deadline field names it publishes are exactly those the server refuses.

use std::time::Duration;

use statreq_e2e::statreq_client::Method;
use statreq_e2e::statreq_contract::{CreateUserBody, Role, State, WebhookBody};
use statreq_e2e::{Backend, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common;

fn integration_md() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/integration.md")).unwrap()
}

/// (status, code) of every row of the docs' error table.
fn documented_codes() -> Vec<(u16, String)> {
    let doc = integration_md();
    let section = &doc[doc.find("## Errors").unwrap()..doc.find("## Limits").unwrap()];
    let mut out = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').collect();
        let Ok(status) = cells[1].trim().parse::<u16>() else { continue };
        for code in cells[2].split('`').skip(1).step_by(2) {
            out.push((status, code.to_string()));
        }
    }
    out
}

#[test]
fn every_documented_code_is_asserted_by_a_black_box_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e");
    let mut sources = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        sources.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default());
    }
    let codes = documented_codes();
    assert!(codes.len() >= 40, "the table lists {} codes", codes.len());
    let missing: Vec<&(u16, String)> = codes.iter().filter(|(_, c)| !sources.contains(&format!("\"{c}\""))).collect();
    assert!(missing.is_empty(), "documented but provoked by no test: {missing:?}");
}

/// Codes no other module provokes, each as the table says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rarer_documented_refusals_happen_as_documented() {
    let server = TestServer::start(Backend::Sqlite);
    let s = common::Scenario::new(&server).await;
    let admin = server.login("admin.dgpa").await;
    let code = |status: u16, body: &serde_json::Value| (status, body["code"].as_str().unwrap_or_default().to_string());

    // 400 invalid_if_match: an entity-tag that is no entity-tag.
    let draft = s.applicant.create_request(&common::statistics()).await.unwrap();
    let (st, body) = s
        .applicant
        .raw(Method::POST, &format!("/requests/{}/submit", draft.id), "application/json", Vec::new(), Some("version three"))
        .await
        .unwrap();
    assert_eq!(code(st, &body), (400, "invalid_if_match".into()));
    // Unquoted, only a version (1–18 digits) is taken: thirty digits are no entity-tag
    // and no version, malformed (it was 412, as if a version that is not current).
    let long = "9".repeat(30);
    let (st, body) = s
        .applicant
        .raw(Method::POST, &format!("/requests/{}/submit", draft.id), "application/json", Vec::new(), Some(&long))
        .await
        .unwrap();
    assert_eq!(code(st, &body), (400, "invalid_if_match".into()));
    // Quoted, it is a well-formed entity-tag that is not the current one: 412.
    let quoted = format!("\"{long}\"");
    let (st, body) = s
        .applicant
        .raw(Method::POST, &format!("/requests/{}/submit", draft.id), "application/json", Vec::new(), Some(&quoted))
        .await
        .unwrap();
    assert_eq!(code(st, &body), (412, "precondition_failed".into()));
    assert_eq!(s.applicant.get_request(draft.id).await.unwrap().state, State::Draft, "nothing changed");

    // 403 not_supervising_agency: a supervisor of the applying agency itself, who
    // sees its requests, is not the supervising agency's personnel office.
    admin
        .create_user(&CreateUserBody {
            username: "supervisor.npa".into(),
            display_name: "警政署人事室主任".into(),
            email: String::new(),
            agency_code: "NPA".into(),
            roles: vec![Role::Supervisor],
            password: "木棉花開在四月-2026".into(),
        })
        .await
        .unwrap();
    let mut own = server.client();
    own.login("supervisor.npa", "木棉花開在四月-2026").await.unwrap();
    let pending = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let err = own.supervisor_decision(pending.id, None, statreq_e2e::statreq_domain::Decision::Approve, None).await.err();
    let got = err.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.clone()));
    assert_eq!(got, Some((403, "not_supervising_agency".into())), "a supervisor who is not the supervising agency's never decides");
    assert_eq!(s.applicant.get_request(pending.id).await.unwrap().state, State::PendingSupervisor);

    // 422 unknown_event_type and 409 too_many_webhooks, for a service account.
    let hooks = crate::integration::service_account(&server, "webhr.limits", "NPA").await;
    let url = "http://127.0.0.1:9/hook".to_string();
    let unknown = WebhookBody { url: url.clone(), events: vec!["request.exploded".into()], description: None };
    let err = hooks.create_webhook(&unknown).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.as_str())), Some((422, "unknown_event_type")));
    let mut made = 0;
    let last = loop {
        let body = WebhookBody { url: url.clone(), events: vec!["request.created".into()], description: Some(format!("#{made}")) };
        match hooks.create_webhook(&body).await {
            Ok(_) => made += 1,
            Err(e) => break e,
        }
        assert!(made <= 20, "more than 20 subscriptions");
    };
    assert_eq!((made, last.problem().map(|p| (p.status, p.code.clone()))), (20, Some((409, "too_many_webhooks".into()))));

    // 409 idempotency_in_progress: a retry while the first attempt is still uploading.
    let id = s.in_state(&common::statistics(), State::InProduction, 2).await.id;
    let token = s.officer.access_token().unwrap_or_default().to_string();
    let addr = server.base.trim_start_matches("http://").to_string();
    let part = "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n\r\n";
    let data = "職等,人數\n9,120\n";
    let tail = "\r\n--XYZ--\r\n";
    let length = part.len() + data.len() + tail.len();
    let head = format!(
        "POST /api/v1/requests/{id}/deliveries HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: slow-upload-1\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{part}"
    );
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    sock.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let form = format!("{part}{data}{tail}");
    let retry = s
        .officer
        .raw_with_headers(
            Method::POST,
            &format!("/requests/{id}/deliveries"),
            "multipart/form-data; boundary=XYZ",
            form.into_bytes(),
            &[("Idempotency-Key", "slow-upload-1")],
        )
        .await
        .unwrap();
    assert_eq!((retry.status, retry.body["code"].as_str()), (409, Some("idempotency_in_progress")), "{:?}", retry.body);
    sock.write_all(data.as_bytes()).await.unwrap();
    sock.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(s.officer.deliveries(id).await.unwrap().files.len(), 1, "one file, not two");
}

/// `409 edit_conflict`: edits racing with `If-Match: *` never lose one another —
/// each is applied (a new version) or refused with `edit_conflict`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_edits_are_applied_or_refused_never_lost() {
    let server = TestServer::start(Backend::Sqlite);
    let applicant = server.login("applicant.npa").await;
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let c = applicant.clone();
        let body = serde_json::to_vec(&serde_json::json!({"reason": format!("研議人力配置（第 {i} 版）")})).unwrap();
        tasks.push(tokio::spawn(async move {
            c.raw(Method::PATCH, &format!("/requests/{}", draft.id), "application/json", body, Some("*")).await.unwrap()
        }));
    }
    let (mut applied, mut conflicts) = (0, 0);
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => applied += 1,
            409 => {
                assert_eq!(body["code"], "edit_conflict", "{body}");
                conflicts += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    let now = applicant.get_request(draft.id).await.unwrap();
    assert!(applied >= 1, "one of them lands");
    assert_eq!(now.version, draft.version + applied, "every applied edit is a version; none lost");
    eprintln!("racing edits: {applied} applied, {conflicts} refused with edit_conflict");
}

/// The deadline names docs/integration.md publishes are the ones refused, each of
/// them, in any case and spelling the docs describe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_published_deadline_names_are_the_refused_ones() {
    let doc = integration_md();
    let at = doc.find("**Deadlines (rule 5.3).**").unwrap_or_else(|| panic!("the deadline names are not published"));
    let paragraph = &doc[at..at + doc[at..].find("\n\n").unwrap()];
    let listed: Vec<String> = paragraph.split('`').skip(1).step_by(2).filter(|k| !k.contains(' ')).map(String::from).collect();
    let known: Vec<String> = statreq_e2e::statreq_domain::eligibility::DEADLINE_KEYS.iter().map(|k| k.to_string()).collect();
    let published: Vec<&String> =
        listed.iter().filter(|k| !["422 deadline_not_allowed", "deadline_in_text"].contains(&k.as_str())).collect();
    for k in &known {
        assert!(published.contains(&k), "{k} is refused but not published");
    }
    let server = TestServer::start(Backend::Sqlite);
    let applicant = server.login("applicant.npa").await;
    for k in &known {
        let mut body = serde_json::to_value(common::statistics()).unwrap();
        body["requirement"][k.to_uppercase()] = serde_json::json!("2026-12-31");
        let (status, p) =
            applicant.raw(Method::POST, "/requests", "application/json", serde_json::to_vec(&body).unwrap(), None).await.unwrap();
        assert_eq!((status, p["code"].as_str(), p["rule"].as_str()), (422, Some("deadline_not_allowed"), Some("5.3")), "{k}");
    }
}
