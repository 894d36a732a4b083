//! The integration surface WebHR uses: idempotent writes, external references,
//! signed webhooks with retries and a delivery log, and e-mail — on SQLite and
//! PostgreSQL, against the real binary and peers the tests run themselves.

use crate::common;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use statreq_e2e::sinks::{SmtpSink, WebhookReceiver};
use statreq_e2e::statreq_client::{Client, CreateOptions, Method};
use statreq_e2e::statreq_contract::{CreateUserBody, NewInquiry, Role, State, WebhookBody, WebhookEvent, WebhookInquiryEvent};
use statreq_e2e::statreq_domain::Decision;
use statreq_e2e::{on_both_backends, webhr, Backend, TestServer};

/// Worker settings that make retries quick in tests.
pub(crate) const FAST: [&str; 4] = ["--retry-base-ms", "100", "--worker-poll-ms", "100"];

fn body_of(v: &statreq_e2e::statreq_contract::Application) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

async fn count_requests(c: &Client) -> usize {
    c.list_requests(None, None, Some(200)).await.unwrap().items.len()
}

async fn post_with_key(c: &Client, path: &str, body: Vec<u8>, key: &str) -> statreq_e2e::statreq_client::RawResponse {
    c.raw_with_headers(Method::POST, path, "application/json", body, &[("Idempotency-Key", key)]).await.unwrap()
}

async fn idempotent_writes_replay_conflict_and_run_once(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let app = body_of(&common::statistics());

    let first = post_with_key(&applicant, "/requests", app.clone(), "create-1").await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = post_with_key(&applicant, "/requests", app.clone(), "create-1").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], first.body["id"], "a retry returns the first request");
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(count_requests(&applicant).await, 1);
    // A retry that re-serialises the body (other key order, pretty-printed) is the same request.
    let value: serde_json::Value = serde_json::from_slice(&app).unwrap();
    let reordered = match value {
        serde_json::Value::Object(m) => serde_json::Value::Object(m.into_iter().rev().collect()),
        v => v,
    };
    let pretty = serde_json::to_vec_pretty(&reordered).unwrap();
    assert_ne!(pretty, app);
    let again = post_with_key(&applicant, "/requests", pretty, "create-1").await;
    assert_eq!((again.status, again.header("idempotent-replayed")), (201, Some("true")), "{:?}", again.body);
    assert_eq!(count_requests(&applicant).await, 1);

    // The same key for another body: refused, nothing created.
    let mut other = common::statistics();
    other.reason = "另一個申請".into();
    let reused = post_with_key(&applicant, "/requests", body_of(&other), "create-1").await;
    assert_eq!((reused.status, reused.body["code"].as_str()), (422, Some("idempotency_key_reused")));
    assert_eq!(count_requests(&applicant).await, 1);

    // Keys are per caller: another office may use the same key.
    let tpedu = server.login("applicant.tpedu").await;
    let theirs = post_with_key(&tpedu, "/requests", app.clone(), "create-1").await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.body["id"], first.body["id"]);

    // Concurrent duplicates create one request.
    let sends = (0..8).map(|_| post_with_key(&applicant, "/requests", app.clone(), "create-concurrent"));
    let answers = futures_util::future::join_all(sends).await;
    let ids: std::collections::BTreeSet<String> = answers.iter().map(|a| a.body["id"].to_string()).collect();
    assert!(answers.iter().all(|a| a.status == 201), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    assert_eq!(ids.len(), 1, "one request for eight concurrent duplicates: {ids:?}");
    assert_eq!(count_requests(&applicant).await, 2);

    // A refusal is replayed too (the retry learns the same answer).
    let bad = post_with_key(&applicant, "/requests", b"{\"reason\": 5}".to_vec(), "bad-1").await;
    let bad_again = post_with_key(&applicant, "/requests", b"{\"reason\": 5}".to_vec(), "bad-1").await;
    assert_eq!((bad.status, bad_again.status), (422, 422));
    assert_eq!(bad_again.header("idempotent-replayed"), Some("true"));
    assert_eq!(count_requests(&applicant).await, 2);

    // Malformed keys are refused before anything happens.
    let long = "k".repeat(256);
    for key in [long.as_str(), "with space"] {
        let r = post_with_key(&applicant, "/requests", app.clone(), key).await;
        assert_eq!((r.status, r.body["code"].as_str()), (400, Some("invalid_idempotency_key")), "{key}");
    }
    assert_eq!(count_requests(&applicant).await, 2);

    // Messages: one post for two tries.
    let id = first.body["id"].as_i64().unwrap_or_default();
    let path = format!("/requests/{id}/messages");
    let message = r#"{"body":"請問職等欄位是否含委任？"}"#.as_bytes().to_vec();
    let m1 = post_with_key(&applicant, &path, message.clone(), "msg-1").await;
    let m2 = post_with_key(&applicant, &path, message, "msg-1").await;
    assert_eq!((m1.status, m2.status), (201, 201));
    assert_eq!(m1.body["id"], m2.body["id"]);
    assert_eq!(applicant.messages(id).await.unwrap().len(), 1);
    // A wrong-agency caller replaying nothing: its own key space, and the request stays invisible.
    let foreign = post_with_key(&tpedu, &path, br#"{"body":"x"}"#.to_vec(), "msg-1").await;
    assert_eq!(foreign.status, 404);
}

async fn external_references_are_unique_per_system(backend: Backend) {
    let issuers = webhr::issuers_file();
    let server = TestServer::start_with(backend, &["--trusted-issuers", &issuers]);
    let token = webhr::token(webhr::claims("A123456789", "NPA", &["applicant"]));
    let system = server.client().with_token(token);
    let opts = CreateOptions { external_ref: Some("WEBHR-2026-000123".into()), idempotency_key: None };
    let r = system.create_request_with(&common::statistics(), &opts).await.unwrap();
    assert_eq!(r.external_ref.as_deref(), Some("WEBHR-2026-000123"));

    let dup = system.create_request_with(&common::statistics(), &opts).await.err();
    assert_eq!(dup.as_ref().and_then(|e| e.code()), Some("external_ref_taken"));
    assert!(dup.as_ref().and_then(|e| e.problem()).is_some_and(|p| p.errors[0].detail == format!("/api/v1/requests/{}", r.id)));

    let found = system.find_by_external_ref("WEBHR-2026-000123").await.unwrap();
    assert_eq!(found.map(|f| f.id), Some(r.id));
    assert!(system.find_by_external_ref("WEBHR-2026-999999").await.unwrap().is_none());

    // Another system (a statreq account) has its own namespace, and cannot find WebHR's.
    let local = server.login("applicant.npa").await;
    assert!(local.find_by_external_ref("WEBHR-2026-000123").await.unwrap().is_none());
    let own = local.create_request_with(&common::statistics(), &opts).await.unwrap();
    assert_ne!(own.id, r.id);

    for bad in ["", "has space", &"x".repeat(101)] {
        let opts = CreateOptions { external_ref: Some(bad.to_string()), idempotency_key: None };
        let err = system.create_request_with(&common::statistics(), &opts).await.err();
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_external_ref"), "{bad:?}");
    }
}

/// The secret of the service accounts made by [`service_account`].
pub(crate) const SERVICE_SECRET: &str = "service-secret-2026-xyz";

/// A service account of `agency` that may also apply, signed in by client credentials.
pub(crate) async fn service_account(server: &TestServer, username: &str, agency: &str) -> Client {
    service_account_as(server, username, agency, Role::Applicant).await
}

/// A service account of `agency` that may also act as `role`.
async fn service_account_as(server: &TestServer, username: &str, agency: &str, role: Role) -> Client {
    let admin = server.login("admin.dgpa").await;
    let secret = SERVICE_SECRET;
    admin
        .create_user(&CreateUserBody {
            username: username.into(),
            display_name: format!("WebHR ({agency})"),
            email: String::new(),
            agency_code: agency.into(),
            roles: vec![Role::Service, role],
            password: secret.into(),
        })
        .await
        .unwrap();
    let mut c = server.client();
    c.client_credentials(username, secret).await.unwrap();
    c
}

pub(crate) fn verify(secret: &str, timestamp: &str, body: &str, signature: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    mac.verify_slice(&hex::decode(signature).unwrap_or_default()).is_ok()
}

async fn webhooks_are_signed_retried_logged_and_replayable(backend: Backend) {
    let server = TestServer::start_with(backend, &FAST);
    let receiver = WebhookReceiver::start(2).await;
    let webhr = service_account(&server, "webhr.npa", "NPA").await;

    // Refusals: wrong role, unusable URL, unknown event type — nothing subscribed.
    let applicant = server.login("applicant.npa").await;
    let body = WebhookBody { url: receiver.url.clone(), events: vec!["*".into()], description: Some("WebHR 通知".into()) };
    assert_eq!(applicant.create_webhook(&body).await.err().and_then(|e| e.status()), Some(403));
    let plain = WebhookBody { url: "http://webhr.example.gov.tw/hook".into(), ..body.clone() };
    assert_eq!(webhr.create_webhook(&plain).await.err().as_ref().and_then(|e| e.code()), Some("invalid_webhook_url"));
    let unknown = WebhookBody { events: vec!["request.exploded".into()], ..body.clone() };
    let err = webhr.create_webhook(&unknown).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| p.errors[0].pointer.as_str()), Some("/events/0"));
    assert!(webhr.list_webhooks().await.unwrap().is_empty());

    let created = webhr.create_webhook(&body).await.unwrap();
    assert!(created.secret.starts_with("whsec_"));
    let hook = created.webhook.id;

    // An NPA request goes through submission; a TPEDU one must not reach NPA's system.
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, Some(r.version)).await.unwrap();
    let tpedu = server.login("applicant.tpedu").await;
    let hidden = tpedu.create_request(&common::statistics()).await.unwrap();
    tpedu.submit(hidden.id, Some(hidden.version)).await.unwrap();

    // The receiver fails twice; the worker retries until both events are in.
    let got = receiver.wait_until(30, |g| g.iter().filter(|x| x.answered == 204).count() >= 2).await;
    let ok: Vec<_> = got.iter().filter(|x| x.answered == 204).collect();
    assert_eq!(ok.len(), 2, "{got:?}");
    assert_eq!(got.iter().filter(|x| x.answered == 500).count(), 2);
    let mut types = Vec::new();
    for d in &ok {
        let ts = &d.headers["statreq-timestamp"];
        assert!(verify(&created.secret, ts, &d.body, &d.headers["statreq-signature"]), "signature checks out");
        assert!(!verify("whsec_wrong", ts, &d.body, &d.headers["statreq-signature"]));
        let event: WebhookEvent = serde_json::from_str(&d.body).unwrap_or_else(|e| panic!("{e}: {}", d.body));
        assert_eq!(event.request.id, r.id, "only the NPA request");
        assert_eq!(d.headers["statreq-event-id"], event.id);
        types.push(event.type_);
    }
    types.sort();
    assert_eq!(types, ["request.created", "request.submitted"]);

    // The log shows every delivery; the retried one took three attempts. The worker
    // records a send after the receiver has answered, so the log may lag a moment.
    let mut log = webhr.webhook_deliveries(hook, None).await.unwrap();
    for _ in 0..100 {
        if log.items.len() == 2 && log.items.iter().all(|d| d.status == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        log = webhr.webhook_deliveries(hook, None).await.unwrap();
    }
    assert_eq!(log.items.len(), 2);
    assert!(log.items.iter().all(|d| d.status == "delivered" && d.last_status == Some(204)));
    assert_eq!(log.items.iter().map(|d| d.attempts).sum::<i32>(), 4, "{:?}", log.items);
    let submitted = log.items.iter().find(|d| d.event_type == "request.submitted").unwrap_or_else(|| panic!("no submitted"));
    assert_eq!(submitted.payload.request().map(|e| e.request.state), Some(State::PendingSupervisor));

    // Replay: the same event id again, newly signed, logged as a replay.
    let replay = webhr.replay_webhook_delivery(hook, submitted.id).await.unwrap();
    assert_eq!((replay.replay_of, replay.event_id.as_str()), (Some(submitted.id), submitted.event_id.as_str()));
    let got = receiver.wait_until(30, |g| g.iter().filter(|x| x.answered == 204).count() >= 3).await;
    let last = got.iter().rfind(|x| x.answered == 204).unwrap_or_else(|| panic!("no replay"));
    assert_eq!(last.headers["statreq-event-id"], submitted.event_id);
    assert!(verify(&created.secret, &last.headers["statreq-timestamp"], &last.body, &last.headers["statreq-signature"]));

    // Another system sees none of it; an administrator sees all.
    let other = service_account(&server, "webhr.tpe", "TPE").await;
    assert_eq!(other.get_webhook(hook).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(other.webhook_deliveries(hook, None).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(other.replay_webhook_delivery(hook, submitted.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(other.delete_webhook(hook).await.err().and_then(|e| e.status()), Some(404));
    let admin = server.login("admin.dgpa").await;
    assert_eq!(admin.list_webhooks().await.unwrap().len(), 1);

    // Deleting ends the subscription: later events are not sent.
    let before = webhr.webhook_deliveries(hook, None).await.unwrap().items.len();
    webhr.delete_webhook(hook).await.unwrap();
    assert_eq!(webhr.get_webhook(hook).await.err().and_then(|e| e.status()), Some(404));
    // Its delivery log stays readable (to its owner and an administrator, nobody else);
    // nothing more is sent or replayed.
    assert_eq!(webhr.webhook_deliveries(hook, None).await.unwrap().items.len(), before);
    assert_eq!(admin.webhook_deliveries(hook, None).await.unwrap().items.len(), before);
    assert_eq!(other.webhook_deliveries(hook, None).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(webhr.replay_webhook_delivery(hook, submitted.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(webhr.delete_webhook(hook).await.err().and_then(|e| e.status()), Some(404), "deleted once");
    let audit = admin.audit("action=webhook.deleted").await.unwrap();
    assert_eq!(audit.items.len(), 1);
}

/// A field question's changes reach the systems subscribed to them by name (contract
/// 1.11.0): DGPA's hears a question asked, the asking office's and the reviewing
/// supervising agency's hear replies, the office's its closing — each signed, naming
/// the question and its state, never the thread's text. `*` keeps meaning every
/// request event, and a system that may not read the question hears nothing of it.
async fn field_questions_reach_the_systems_subscribed_to_them(backend: Backend) {
    let server = TestServer::start_with(backend, &FAST);
    let webhr = service_account(&server, "webhr.npa", "NPA").await;
    let moi = service_account_as(&server, "webhr.moi", "MOI", Role::Supervisor).await;
    let tpe = service_account_as(&server, "webhr.tpe", "TPE", Role::Supervisor).await;
    let admin = server.login("admin.dgpa").await;
    let officer = server.login("officer1.dgpa").await;
    let applicant = server.login("applicant.npa").await;
    let replies = ["inquiry.replied".to_string(), "inquiry.closed".into()];
    let every = ["inquiry.asked".to_string(), "inquiry.replied".into(), "inquiry.closed".into()];
    let unknown = WebhookBody { url: "http://127.0.0.1:9/x".into(), events: vec!["inquiry.answered".into()], description: None };
    assert_eq!(webhr.create_webhook(&unknown).await.err().as_ref().and_then(|e| e.code()), Some("unknown_event_type"));
    let mut hooks = Vec::new();
    for (who, events) in
        [(&webhr, &replies[..]), (&webhr, &["*".to_string()][..]), (&admin, &every[..1]), (&moi, &every[1..2]), (&tpe, &every[..])]
    {
        let receiver = WebhookReceiver::start(0).await;
        let body = WebhookBody { url: receiver.url.clone(), events: events.to_vec(), description: None };
        let made = who.create_webhook(&body).await.unwrap();
        hooks.push((receiver, made.secret, made.webhook.id));
    }

    // The office's system asks about a request under review at MOI, then about nothing
    // in particular; DGPA answers both, the office follows one up and closes it.
    let r = webhr.create_request(&common::statistics()).await.unwrap();
    webhr.submit(r.id, Some(r.version)).await.unwrap();
    let mut q = question_of(Some(r.id));
    let about = webhr.create_inquiry(&q).await.unwrap().inquiry.id;
    q.request_id = None;
    let general = applicant.create_inquiry(&q).await.unwrap().inquiry.id;
    officer.reply_inquiry(about, "留職停薪期間不計入。", None).await.unwrap();
    officer.reply_inquiry(general, "借調期間計入。", None).await.unwrap();
    webhr.reply_inquiry(about, "了解，謝謝。", None).await.unwrap();
    webhr.close_inquiry(about, None).await.unwrap();

    // (receiver's index, what it is sent: type, question, its state and version)
    type Sent = (&'static str, i64, &'static str, i64);
    let expected: [(usize, Vec<Sent>); 5] = [
        (
            0,
            vec![
                ("inquiry.replied", about, "answered", 2),
                ("inquiry.replied", general, "answered", 2),
                ("inquiry.replied", about, "open", 3),
                ("inquiry.closed", about, "closed", 4),
            ],
        ),
        (1, vec![]),
        (2, vec![("inquiry.asked", about, "open", 1), ("inquiry.asked", general, "open", 1)]),
        (3, vec![("inquiry.replied", about, "answered", 2), ("inquiry.replied", about, "open", 3)]),
        (4, vec![]),
    ];
    for (i, want) in expected {
        let (receiver, secret, hook) = &hooks[i];
        // Queued with the change itself: the log has them as soon as the change is made.
        let owner = [&webhr, &webhr, &admin, &moi, &tpe][i];
        let log = owner.webhook_deliveries(*hook, None).await.unwrap().items;
        let logged: Vec<_> = log.iter().filter(|d| d.event_type.starts_with("inquiry.")).collect();
        assert_eq!(logged.len(), want.len(), "hook {i}: {log:?}");
        assert!(logged.iter().all(|d| d.payload.inquiry().is_some()), "hook {i}");
        let got = receiver.wait_until(30, |g| g.iter().filter(|d| d.body.contains("\"inquiry\"")).count() >= want.len()).await;
        let mut seen = Vec::new();
        for d in got.iter().filter(|d| d.headers["statreq-event-type"].starts_with("inquiry.")) {
            assert!(verify(secret, &d.headers["statreq-timestamp"], &d.body, &d.headers["statreq-signature"]), "hook {i}");
            let e: WebhookInquiryEvent = serde_json::from_str(&d.body).unwrap_or_else(|e| panic!("{e}: {}", d.body));
            assert_eq!(
                (d.headers["statreq-event-id"].as_str(), d.headers["statreq-event-type"].as_str()),
                (e.id.as_str(), e.type_.as_str())
            );
            assert_eq!(e.id, format!("inq_{}_{}", e.inquiry.id, version_of(&e.id)));
            assert_eq!((e.inquiry.agency_code.as_str(), e.inquiry.href.clone()), ("NPA", format!("/api/v1/inquiries/{}", e.inquiry.id)));
            assert_eq!(e.inquiry.request_id, (e.inquiry.id == about).then_some(r.id));
            assert!(!d.body.contains("留職停薪") && !d.body.contains("借調"), "the thread never travels: {}", d.body);
            seen.push((e.type_.clone(), e.inquiry.id, e.inquiry.state.as_str().to_string(), version_of(&e.id)));
        }
        seen.sort();
        let mut want: Vec<_> = want.into_iter().map(|(t, q, s, v)| (t.to_string(), q, s.to_string(), v)).collect();
        want.sort();
        assert_eq!(seen, want, "hook {i}");
    }
    // `*` still brings the request's own events.
    let star = hooks[1].0.wait_until(30, |g| g.len() >= 2).await;
    assert!(star.iter().all(|d| d.headers["statreq-event-type"].starts_with("request.")), "{star:?}");
}

/// A system moves its receiver or chooses other events without a new secret or a new
/// log (contract 1.11.0): a delivery still pending goes to the new address, signed with
/// the secret it always had. Each refusal changes nothing.
async fn a_subscription_is_changed_in_place(backend: Backend) {
    let server = TestServer::start_with(backend, &FAST);
    let (old, new) = (WebhookReceiver::start(usize::MAX).await, WebhookReceiver::start(0).await);
    let webhr = service_account(&server, "webhr.npa", "NPA").await;
    let body = WebhookBody { url: old.url.clone(), events: vec!["request.created".into()], description: Some("WebHR 測試".into()) };
    let made = webhr.create_webhook(&body).await.unwrap();
    let hook = made.webhook.id;
    assert_eq!(made.webhook.version, 1);
    let (status, _) = webhr.raw(Method::GET, &format!("/webhooks/{hook}"), "application/json", Vec::new(), None).await.unwrap();
    assert_eq!(status, 200);

    // The old receiver is down: the first event waits, retried.
    let first = webhr.create_request(&common::statistics()).await.unwrap();
    old.wait_until(30, |g| !g.is_empty()).await;

    let moved = WebhookBody {
        url: new.url.clone(),
        events: vec!["request.created".into(), "inquiry.replied".into()],
        description: Some("WebHR（新主機）".into()),
    };
    // Refusals: not the caller's, wrong role, stale, unusable, unknown, too long, malformed.
    let other = service_account(&server, "webhr.tpe", "TPE").await;
    assert_eq!(other.put_webhook(hook, &moved, None).await.err().and_then(|e| e.status()), Some(404));
    let applicant = server.login("applicant.npa").await;
    assert_eq!(applicant.put_webhook(hook, &moved, None).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(webhr.put_webhook(hook, &moved, Some(7)).await.err().and_then(|e| e.status()), Some(412));
    let plain = WebhookBody { url: "http://webhr.example.gov.tw/hook".into(), ..moved.clone() };
    assert_eq!(webhr.put_webhook(hook, &plain, None).await.err().as_ref().and_then(|e| e.code()), Some("invalid_webhook_url"));
    let unknown = WebhookBody { events: vec!["inquiry.nope".into()], ..moved.clone() };
    assert_eq!(webhr.put_webhook(hook, &unknown, None).await.err().as_ref().and_then(|e| e.code()), Some("unknown_event_type"));
    let long = WebhookBody { description: Some("長".repeat(201)), ..moved.clone() };
    assert_eq!(webhr.put_webhook(hook, &long, None).await.err().as_ref().and_then(|e| e.code()), Some("invalid_description"));
    let (status, _) = webhr.raw(Method::PUT, &format!("/webhooks/{hook}"), "application/json", b"{\"url\":".to_vec(), None).await.unwrap();
    assert_eq!(status, 400);
    assert_eq!(webhr.get_webhook(hook).await.unwrap(), made.webhook, "refusals changed nothing");

    // Changed at the version read: the same subscription, its secret and log kept.
    let changed = webhr.put_webhook(hook, &moved, Some(1)).await.unwrap();
    assert_eq!((changed.id, changed.version, changed.url.as_str()), (hook, 2, new.url.as_str()));
    assert_eq!(changed.events, ["inquiry.replied", "request.created"]);
    assert_eq!(webhr.put_webhook(hook, &moved, Some(1)).await.err().and_then(|e| e.status()), Some(412), "the old version is stale now");
    // The same subscription again (events in another order) is no change: version 2 stays.
    let reordered = WebhookBody { events: moved.events.iter().rev().cloned().collect(), ..moved.clone() };
    assert_eq!(webhr.put_webhook(hook, &reordered, Some(2)).await.map(|h| h.version).ok(), Some(2));
    // The waiting delivery, and the next event, reach the new address, signed as before.
    let second = webhr.create_request(&common::statistics()).await.unwrap();
    let got = new.wait_until(30, |g| g.len() >= 2).await;
    let mut reached: Vec<i64> = got
        .iter()
        .map(|d| {
            assert!(verify(&made.secret, &d.headers["statreq-timestamp"], &d.body, &d.headers["statreq-signature"]), "the secret it had");
            serde_json::from_str::<WebhookEvent>(&d.body).map(|e| e.request.id).unwrap_or_default()
        })
        .collect();
    reached.sort_unstable();
    assert_eq!(reached, [first.id, second.id]);
    let log = webhr.webhook_deliveries(hook, None).await.unwrap().items;
    assert_eq!(log.len(), 2, "one log, continued");
    let admin = server.login("admin.dgpa").await;
    assert_eq!(admin.audit("action=webhook.updated").await.unwrap().items.len(), 1);

    // A secret lost or leaked is replaced, shown once; what is signed next uses it.
    assert_eq!(other.rotate_webhook_secret(hook, None).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(applicant.rotate_webhook_secret(hook, None).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(webhr.rotate_webhook_secret(hook, Some(1)).await.err().and_then(|e| e.status()), Some(412));
    assert_eq!(webhr.get_webhook(hook).await.unwrap().version, 2, "refusals changed nothing");
    let rotated = webhr.rotate_webhook_secret(hook, Some(2)).await.unwrap();
    assert!(rotated.secret.starts_with("whsec_") && rotated.secret != made.secret);
    assert_eq!((rotated.webhook.id, rotated.webhook.version, rotated.webhook.url.as_str()), (hook, 3, new.url.as_str()));
    webhr.create_request(&common::statistics()).await.unwrap();
    let got = new.wait_until(30, |g| g.len() >= 3).await;
    let third = got.get(2).unwrap_or_else(|| panic!("{got:?}"));
    let (ts, sig) = (&third.headers["statreq-timestamp"], &third.headers["statreq-signature"]);
    assert!(
        verify(&rotated.secret, ts, &third.body, sig) && !verify(&made.secret, ts, &third.body, sig),
        "signed with the new secret only"
    );
    assert_eq!(admin.audit("action=webhook.secret_rotated").await.unwrap().items.len(), 1);
    // Deleted, it is no longer changed.
    webhr.delete_webhook(hook).await.unwrap();
    assert_eq!(webhr.put_webhook(hook, &moved, None).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(webhr.rotate_webhook_secret(hook, None).await.err().and_then(|e| e.status()), Some(404));
}

fn version_of(event_id: &str) -> i64 {
    event_id.rsplit('_').next().and_then(|v| v.parse().ok()).unwrap_or(-1)
}

fn question_of(request_id: Option<i64>) -> NewInquiry {
    NewInquiry {
        fields: vec!["service_years".into()],
        subject: "公務年資是否含留職停薪期間".into(),
        body: "統計公務年資時，留職停薪期間是否計入？借調期間呢？".into(),
        request_id,
    }
}

/// A server that mails through a sink on loopback, its links to a public address.
async fn mailing(backend: Backend) -> (SmtpSink, TestServer) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let mut args = FAST.to_vec();
    args.extend(["--smtp-url", url.as_str(), "--public-url", "https://statreq.example.gov.tw"]);
    let server = TestServer::start_with(backend, &args);
    (sink, server)
}

async fn emails_reach_the_people_a_change_concerns(backend: Backend) {
    let (sink, server) = mailing(backend).await;
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;

    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, Some(r.version)).await.unwrap();
    let mails = sink.wait_until(30, |m| !m.is_empty()).await;
    assert_eq!(mails.len(), 1, "the supervisor hears of a submission: {mails:?}");
    assert_eq!(mails[0].to, ["supervisor.moi@demo.invalid"]);

    supervisor.supervisor_decision(r.id, Some(r.version), Decision::Return, Some("請補充統計基準日")).await.unwrap();
    let mails = sink.wait_until(30, |m| m.len() >= 3).await;
    let mut to: Vec<String> = mails[1..].iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["applicant.npa@demo.invalid", "lin@npa.gov.tw"], "the applicant's office hears of a return");
    let text = decoded(&mails[1].data);
    assert!(text.contains(&format!("#{}", r.id)), "{text}");
    assert!(text.contains("退回補正") && text.contains("returned for correction"), "zh-TW and English: {text}");
    assert!(text.contains("請補充統計基準日"), "the comment: {text}");
    assert!(text.contains(&format!("https://statreq.example.gov.tw/requests/{}", r.id)), "a link: {text}");
    let zh = text.find("退回補正").unwrap_or(usize::MAX);
    let en = text.find("returned for correction").unwrap_or(0);
    assert!(zh < en, "Chinese first");
    assert!(mails[1].header("Subject").is_some_and(|s| !s.is_empty()));
    // What mail systems expect of a notice (RFC 2045, 5322, 3834): MIME-Version so the
    // charset and base64 are honoured, a Message-ID in the sender's domain (not the
    // host's name), and no out-of-office replies to an address nobody reads.
    for mail in &mails {
        assert_eq!(mail.header("MIME-Version").as_deref(), Some("1.0"), "{}", mail.data);
        let id = mail.header("Message-ID").unwrap_or_default();
        assert!(id.starts_with('<') && id.ends_with("@statreq.invalid>"), "{id}");
        assert_eq!(mail.header("Auto-Submitted").as_deref(), Some("auto-generated"));
        assert_eq!(mail.header("X-Auto-Response-Suppress").as_deref(), Some("All"));
    }
    assert_ne!(mails[1].header("Message-ID"), mails[2].header("Message-ID"));
}

/// An agency moved under another supervising agency (rule 5.1) is told by e-mail too,
/// from the record the move made of it: the reviewers its application awaiting review
/// came to, as of a submission; those it left, where it went; the office, who reviews it
/// now. Each once.
async fn a_moved_agencys_reviewers_hear_of_it_by_email(backend: Backend) {
    let (sink, server) = mailing(backend).await;
    let applicant = server.login("applicant.npa").await;
    let admin = server.login("admin.dgpa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    applicant.submit(r.id, Some(r.version)).await.unwrap();
    let to = |m: &statreq_e2e::sinks::Mail, who: &str| m.to.iter().any(|t| t == who);
    sink.wait_until(30, |m| m.iter().any(|m| to(m, "supervisor.moi@demo.invalid"))).await;
    let moved = statreq_e2e::statreq_contract::UpdateAgencyBody { parent_code: Some("TPE".into()), ..Default::default() };
    admin.update_agency("NPA", &moved, None).await.unwrap();
    let told = |m: &[statreq_e2e::sinks::Mail]| {
        ["supervisor.tpe@demo.invalid", "applicant.npa@demo.invalid"].iter().all(|who| m.iter().any(|m| to(m, who)))
            && m.iter().filter(|m| to(m, "supervisor.moi@demo.invalid")).count() == 2
    };
    sink.wait_until(30, told).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let mails = sink.mails();
    let theirs = |who: &str| mails.iter().filter(|m| to(m, who)).map(|m| decoded(&m.data)).collect::<Vec<_>>();
    let tpe = theirs("supervisor.tpe@demo.invalid");
    assert_eq!(tpe.len(), 1, "{tpe:#?}");
    assert!(
        tpe[0].contains("改隸臺北市政府") && tpe[0].contains(&format!("https://statreq.example.gov.tw/requests/{}", r.id)),
        "{}",
        tpe[0]
    );
    let moi = theirs("supervisor.moi@demo.invalid");
    assert!(moi.len() == 2 && moi[1].contains("改由臺北市政府審核") && moi[1].contains("no longer awaits your review"), "{moi:#?}");
    let office = theirs("applicant.npa@demo.invalid");
    assert!(office.len() == 1 && office[0].contains("改由新的主管機關"), "{office:#?}");
}

/// E-mails to one address within `--email-gather-seconds` go as one message, each under
/// its own subject: two applications submitted and then approved one after the other
/// come to the supervisor as one e-mail and to each address of the office as one (it
/// was one per change: a hand-over of thirty requests was thirty e-mails).
async fn emails_to_one_address_close_together_go_as_one(backend: Backend) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let mut args = FAST.to_vec();
    args.extend(["--smtp-url", url.as_str(), "--public-url", "https://statreq.example.gov.tw", "--email-gather-seconds", "8"]);
    let server = TestServer::start_with(backend, &args);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    // Each person's settings say so.
    let how = applicant.notification_settings().await.unwrap();
    assert_eq!((how.email_sent, how.email_gather_seconds), (Some(true), Some(8)));
    let mut submitted = Vec::new();
    for _ in 0..2 {
        let r = applicant.create_request(&common::statistics()).await.unwrap();
        submitted.push(applicant.submit(r.id, Some(r.version)).await.unwrap());
    }
    let to = |m: &statreq_e2e::sinks::Mail, who: &str| m.to.iter().any(|t| t == who);
    sink.wait_until(60, |m| m.iter().any(|m| to(m, "supervisor.moi@demo.invalid"))).await;
    for r in &submitted {
        supervisor.supervisor_decision(r.id, Some(r.version), Decision::Approve, None).await.unwrap();
    }
    sink.wait_until(60, |m| m.iter().any(|m| to(m, "applicant.npa@demo.invalid"))).await;
    // Whatever else would come for them has come after the hold and more.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let mails = sink.mails();
    for who in ["supervisor.moi@demo.invalid", "applicant.npa@demo.invalid", "lin@npa.gov.tw"] {
        let theirs: Vec<&statreq_e2e::sinks::Mail> = mails.iter().filter(|m| to(m, who)).collect();
        assert_eq!(theirs.len(), 1, "{who}: one e-mail: {:#?}", theirs.iter().map(|m| decoded(&m.data)).collect::<Vec<_>>());
        let text = decoded(&theirs[0].data);
        assert!(text.contains("以下是 2 則通知") && text.contains("The 2 notices below"), "{who}: {text}");
        // The subject names them (its Chinese decoded here, its English as sent).
        let (a, b) = (submitted[0].id, submitted[1].id);
        let subject = theirs[0].header("Subject").unwrap_or_default();
        assert!(
            text.contains(&format!("則通知：案件 #{a}、#{b}")) && subject.contains(&format!("notices: requests #{a}, #{b}")),
            "{who}: {subject}"
        );
        for r in &submitted {
            assert!(text.contains(&format!("https://statreq.example.gov.tw/requests/{}", r.id)), "{who}: a link to #{}: {text}", r.id);
        }
    }
}

/// SMTP over TLS to a relay whose certificate chains to a root the machine trusts but
/// Mozilla does not (Taiwan's GRCA, an internal CA): here `SSL_CERT_FILE` names that
/// root, as the system store does in production.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_reaches_a_tls_relay_whose_root_the_machine_trusts() {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "statreq test root");
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let relay_key = rcgen::KeyPair::generate().unwrap();
    let relay = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().signed_by(&relay_key, &issuer).unwrap();
    let sink = SmtpSink::start_tls(&relay.pem(), &relay_key.serialize_pem()).await;
    let roots = statreq_e2e::TempPath::dir("roots");
    let ca_file = roots.0.join("roots.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let url = format!("smtps://localhost:{}", sink.port);
    let args = [statreq_e2e::LOOPBACK_ONLY, &["--demo-accounts-only", "--smtp-url", url.as_str()], &FAST].concat();
    let db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    let server = TestServer::start_on_with_env(db, &args, &[("SSL_CERT_FILE", ca_file.to_str().unwrap_or_default())]);
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    applicant.submit(r.id, Some(r.version)).await.unwrap();
    let mails = sink.wait_until(30, |m| !m.is_empty()).await;
    assert_eq!(mails.first().map(|m| m.to.clone()), Some(vec!["supervisor.moi@demo.invalid".to_string()]), "{mails:?}");
}

/// The text of a message: quoted-printable or base64 body parts and encoded-word
/// headers decoded (enough for the messages statreq sends).
pub(crate) fn decoded(data: &str) -> String {
    use base64::Engine;
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let mut out = String::new();
    for word in head.split(|c: char| c.is_whitespace()) {
        if let Some(inner) = word.strip_prefix("=?utf-8?b?").and_then(|w| w.strip_suffix("?=")) {
            out.push_str(&String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(inner).unwrap_or_default()));
        }
    }
    out.push('\n');
    if head.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        out.push_str(&String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(joined).unwrap_or_default()));
    } else if head.to_ascii_lowercase().contains("quoted-printable") {
        let soft = body.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let raw = soft.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'=' && i + 2 < raw.len() {
                if let Ok(b) = u8::from_str_radix(&soft[i + 1..i + 3], 16) {
                    bytes.push(b);
                    i += 3;
                    continue;
                }
            }
            bytes.push(raw[i]);
            i += 1;
        }
        out.push_str(&String::from_utf8_lossy(&bytes));
    } else {
        out.push_str(body);
    }
    out
}

/// Found by schemathesis on PostgreSQL: text with U+0000 is refused (422 with a
/// pointer; 400 in a query) instead of failing in the database, and changes nothing.
/// So are the other invisible characters no text needs (a bell, a vertical tab, the
/// text-direction overrides that make a reason or a file's name display otherwise than
/// it reads), in bodies, queries and CSV imports (a U+0000 in an import was a 500 on
/// PostgreSQL); tabs and line breaks stay.
async fn invisible_characters_are_refused_not_stored(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let admin = server.login("admin.dgpa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let path = format!("/requests/{}/messages", r.id);
    for (body, code_point) in [
        (r#"{"body":"a\u0000b"}"#, "U+0000"),
        (r#"{"body":"請回電\u0007"}"#, "U+0007"),
        (r#"{"body":"名冊\u202Evsc.exe"}"#, "U+202E"),
        (r#"{"body":"\u2067x\u2069"}"#, "U+2067"),
        (r#"{"body":"x\u0085"}"#, "U+0085"),
    ] {
        let res = applicant.raw_with_headers(Method::POST, &path, "application/json", body.as_bytes().to_vec(), &[]).await;
        let res = res.unwrap();
        let zh = res.body["message"]["zh_tw"].as_str().unwrap_or_default();
        assert_eq!(
            (res.status, res.body["code"].as_str(), res.body["errors"][0]["pointer"].as_str()),
            (422, Some("invalid_character"), Some("/body")),
            "{body}"
        );
        assert!(zh.contains(code_point) && res.body["detail"].as_str().unwrap_or_default().contains(code_point), "{zh}");
    }
    let mut app = serde_json::to_value(common::statistics()).unwrap_or_default();
    app["requirement"]["fields"][1] = serde_json::json!("gr\u{0}ade");
    let res =
        applicant.raw_with_headers(Method::POST, "/requests", "application/json", serde_json::to_vec(&app).unwrap_or_default(), &[]).await;
    let res = res.unwrap();
    assert_eq!((res.status, res.body["errors"][0]["pointer"].as_str()), (422, Some("/requirement/fields/1")));
    let mut app = serde_json::to_value(common::statistics()).unwrap_or_default();
    app["reason"] = serde_json::json!("核對\u{202E}冊名");
    let res =
        applicant.raw_with_headers(Method::POST, "/requests", "application/json", serde_json::to_vec(&app).unwrap_or_default(), &[]).await;
    let res = res.unwrap();
    assert_eq!((res.status, res.body["errors"][0]["pointer"].as_str()), (422, Some("/reason")), "{}", res.body);
    for (query, code_point) in [("external_ref=a%00b", "U+0000"), ("external_ref=a%E2%80%AEb", "U+202E"), ("q=%07", "U+0007")] {
        let res = applicant.raw_with_headers(Method::GET, &format!("/requests?{query}"), "application/json", Vec::new(), &[]).await;
        let res = res.unwrap();
        assert_eq!((res.status, res.body["code"].as_str()), (400, Some("invalid_query")), "{query}");
        assert!(res.body["detail"].as_str().unwrap_or_default().contains(code_point), "{}", res.body);
    }
    assert!(applicant.messages(r.id).await.unwrap().is_empty());
    assert_eq!(count_requests(&applicant).await, 1);
    // Tabs and line breaks are text.
    let kept = applicant.post_message(r.id, "第一行\r\n\t第二行").await.unwrap();
    assert_eq!(kept.body, "第一行\r\n\t第二行");

    // CSV imports: every bad cell named by row and column, nothing imported.
    let agencies = admin.list_agencies().await.unwrap().len();
    let csv = "code,name,parent_code,personnel_staff\nNULX,機\u{0}關,MOI,3\nBIDI,內政部\u{202E}署,MOI,3\nFINE,可以,MOI,3\n";
    let (status, p) = admin.raw(Method::POST, "/agencies/import", "text/csv", csv.into(), None).await.unwrap();
    let at: Vec<_> = p["errors"].as_array().into_iter().flatten().map(|e| (e["pointer"].as_str(), e["code"].as_str())).collect();
    assert_eq!((status, p["code"].as_str()), (422, Some("invalid_csv")), "{p}");
    assert_eq!(at, [(Some("/rows/2/name"), Some("invalid_character")), (Some("/rows/3/name"), Some("invalid_character"))], "{p}");
    assert_eq!(admin.list_agencies().await.unwrap().len(), agencies, "nothing was imported");
    let csv = "date,kind,name\n2031-02-16,day_off,除\u{0}夕\n";
    let (status, p) = admin.raw(Method::POST, "/calendar/import", "text/csv", csv.into(), None).await.unwrap();
    assert_eq!((status, p["errors"][0]["pointer"].as_str()), (422, Some("/rows/2/name")), "{p}");
    assert_eq!(applicant.calendar(2031).await.err().and_then(|e| e.status()), Some(404), "nothing was imported");

    // A file's name loses them: `範例\u{202E}xslx.csv` shows as `範例vsc.xlsx`.
    let a = applicant.upload_attachment(r.id, "範例\u{202E}xslx.csv", b"a,b\n".to_vec()).await.unwrap();
    assert_eq!(a.filename, "範例xslx.csv");
}

/// An administrator's creating POSTs take an `Idempotency-Key` too: a retry (even
/// re-serialised) replays the first answer and creates nothing more; the key with
/// another body is 422; without a key each POST creates (or is refused as taken).
async fn administrators_creating_posts_are_idempotent(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let user = serde_json::json!({"username": "retry.user", "display_name": "重試", "email": "", "agency_code": "NPA", "roles": ["applicant"], "password": "a-long-initial-password"});
    let agency = serde_json::json!({"code": "RETRY1", "name": "重試機關", "parent_code": "MOI", "personnel_staff": 3});
    let source = serde_json::json!({"id": "retry-source", "source": "dgpa_published_statistics", "title": {"zh_tw": "重試", "en": "Retry"},
        "owner": "人事總處", "location": "https://www.dgpa.gov.tw/", "fields": ["grade"], "granularity": "機關別", "refresh": "每年"});
    for (path, body, other) in [
        (
            "/users",
            user.clone(),
            serde_json::json!({"username": "retry.other", "display_name": "x", "email": "", "agency_code": "NPA", "roles": ["applicant"], "password": "a-long-initial-password"}),
        ),
        ("/agencies", agency.clone(), serde_json::json!({"code": "RETRY2", "name": "x", "parent_code": "MOI"})),
        (
            "/sources",
            source.clone(),
            serde_json::json!({"id": "retry-other", "source": "dgpa_published_statistics", "title": {"zh_tw": "x", "en": "x"}, "owner": "x", "location": "x", "fields": ["grade"], "granularity": "x", "refresh": "x"}),
        ),
    ] {
        let key = format!("admin-{}", path.trim_start_matches('/'));
        let first = post_with_key(&admin, path, serde_json::to_vec(&body).unwrap(), &key).await;
        assert_eq!(first.status, 201, "{path}: {:?}", first.body);
        // The same value serialised otherwise (pretty-printed) is the same request.
        let again = post_with_key(&admin, path, serde_json::to_vec_pretty(&body).unwrap(), &key).await;
        assert_eq!((again.status, again.header("idempotent-replayed")), (201, Some("true")), "{path}");
        assert_eq!(again.body, first.body, "{path}");
        let reused = post_with_key(&admin, path, serde_json::to_vec(&other).unwrap(), &key).await;
        assert_eq!((reused.status, reused.body["code"].as_str()), (422, Some("idempotency_key_reused")), "{path}");
        // Without a key, the same body is a second attempt: refused as taken.
        let plain = admin.raw_with_headers(Method::POST, path, "application/json", serde_json::to_vec(&body).unwrap(), &[]).await.unwrap();
        assert_eq!(plain.status, 409, "{path}: {:?}", plain.body);
    }
    assert_eq!(admin.list_users(None).await.unwrap().items.iter().filter(|u| u.username == "retry.user").count(), 1);
    assert!(!admin.list_users(None).await.unwrap().items.iter().any(|u| u.username == "retry.other"));
    assert!(!admin.list_agencies().await.unwrap().iter().any(|a| a.code == "RETRY2"));
    assert_eq!(admin.get_source("retry-other").await.err().and_then(|e| e.status()), Some(404));
}

/// After an outage a system asks what changed since it last looked:
/// `updated_since` on the request list (with `sort=updated`) and on a request's events.
async fn a_system_reconciles_with_updated_since(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let old = applicant.create_request(&common::statistics()).await.unwrap();
    let attached = applicant.create_request(&common::statistics()).await.unwrap();
    let sample = applicant.upload_attachment(attached.id, "範例.csv", "機關,職等\n".as_bytes().to_vec()).await.unwrap();
    let moved = applicant.create_request(&common::statistics()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let since = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    applicant.submit(moved.id, None).await.unwrap();
    let new = applicant.create_request(&common::statistics()).await.unwrap();
    // A message is a change too: a system back from an outage finds it; so is a sample
    // taken off the application.
    let message = applicant.post_message(old.id, "補充：含約聘人員").await.unwrap();
    applicant.remove_attachment(attached.id, sample.id).await.unwrap();
    let at = since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true).replace('+', "%2B");
    let get = |path: String| {
        let c = applicant.clone();
        async move { c.raw_with_headers(Method::GET, &path, "application/json", Vec::new(), &[]).await.unwrap() }
    };
    let list = get(format!("/requests?updated_since={at}&sort=updated")).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    let ids: Vec<i64> = list.body["items"].as_array().unwrap().iter().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, [moved.id, new.id, old.id, attached.id], "changed since, oldest change first");
    let events = get(format!("/requests/{}/events?updated_since={at}", moved.id)).await;
    let kinds: Vec<&str> = events.body["items"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["submitted"], "{:?}", events.body);
    let events = get(format!("/requests/{}/events?updated_since={at}", old.id)).await;
    let items = events.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", events.body);
    assert_eq!((items[0]["kind"].as_str(), items[0]["data"]["message"].as_i64()), (Some("message_posted"), Some(message.id)));
    let all = get(format!("/requests/{}/events", moved.id)).await;
    assert_eq!(all.body["items"].as_array().map(Vec::len), Some(2), "created and submitted");
    // A value that is not an RFC 3339 instant is refused, says which parameter and
    // shows the form, with the offset's `+` encoded (a raw `+` reads as a space, and
    // Taiwan's offset is +08:00).
    for bad in ["yesterday", "2026-12-01", "2026-12-01T08:00:00+08:00"] {
        for path in [format!("/requests?updated_since={bad}"), format!("/requests/{}/events?updated_since={bad}", moved.id)] {
            let res = get(path.clone()).await;
            assert_eq!((res.status, res.body["code"].as_str()), (400, Some("invalid_query")), "{path}");
            let detail = res.body["detail"].as_str().unwrap_or_default();
            assert!(detail.contains("`updated_since`") && detail.contains("2026-12-01T08:00:00%2B08:00"), "{path}: {detail}");
            let zh = res.body["message"]["zh_tw"].as_str().unwrap_or_default();
            assert!(zh.contains("「updated_since」") && zh.contains("%2B"), "{path}: {zh}");
        }
    }
}

/// Every item of a list, following `next_cursor` with pages of `limit`; checks each
/// page has the one shape (`items`, `next_cursor` on all but the last, full pages).
async fn walk(c: &Client, path: &str, limit: usize) -> Vec<serde_json::Value> {
    let join = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..500 {
        let url = match &cursor {
            Some(at) => format!("{path}{join}limit={limit}&cursor={at}"),
            None => format!("{path}{join}limit={limit}"),
        };
        let res = c.raw_with_headers(Method::GET, &url, "application/json", Vec::new(), &[]).await.unwrap();
        assert_eq!(res.status, 200, "{url}: {:?}", res.body);
        let page = res.body["items"].as_array().unwrap_or_else(|| panic!("{url} is not a page: {}", res.body)).clone();
        assert!(page.len() <= limit, "{url}: {} items", page.len());
        items.extend(page.iter().cloned());
        match res.body["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(page.len(), limit, "{url}: a page before the last is full");
                cursor = Some(next.to_string());
            }
            None => return items,
        }
    }
    panic!("{path}: the cursor never ends")
}

async fn every_list_pages_alike(backend: Backend) {
    let server = TestServer::start(backend);
    let s = common::Scenario::new(&server).await;
    let admin = server.login("admin.dgpa").await;
    let _second_session = server.login("officer1.dgpa").await;
    let r = s.in_state(&common::statistics(), State::Queued, 2).await;
    s.applicant.post_message(r.id, "請問是否含約聘人員？").await.unwrap();
    s.officer.post_message(r.id, "不含。").await.unwrap();
    s.applicant.upload_attachment(r.id, "樣張.csv", b"a,b\n1,2\n".to_vec()).await.err();
    let id = r.id;
    let field = s.officer.list_fields(None).await.unwrap()[0].code.clone();
    let source = s.officer.sources("").await.unwrap()[0].id.clone();
    let lists: Vec<(&Client, String, usize)> = vec![
        (&s.officer, "/agencies".into(), 2),
        (&s.officer, "/officers".into(), 2),
        (&s.officer, "/dictionary/fields".into(), 2),
        (&s.officer, "/dictionary/fields?personal=true".into(), 2),
        (&s.officer, format!("/dictionary/fields/{field}/history"), 0),
        (&s.officer, "/dictionary/code-tables".into(), 2),
        (&s.officer, "/sources".into(), 2),
        (&s.officer, format!("/sources/{source}/history"), 0),
        (&s.officer, "/outcome-reasons".into(), 6),
        (&s.officer, "/queue/usage".into(), 2),
        (&s.officer, "/settings/queue/history".into(), 0),
        (&s.officer, "/destructions".into(), 0),
        (&s.officer, "/requests".into(), 1),
        (&s.officer, format!("/requests/{id}/events"), 4),
        (&s.officer, format!("/requests/{id}/revisions"), 1),
        (&s.officer, format!("/requests/{id}/messages"), 2),
        (&s.officer, format!("/requests/{id}/attachments"), 0),
        (&s.officer, format!("/requests/{id}/retention-extensions"), 0),
        (&s.officer, format!("/requests/{id}/sources"), 0),
        (&s.supervisor, "/me/inbox".into(), 1),
        (&s.officer, "/auth/sessions".into(), 2),
        (&admin, "/webhooks".into(), 0),
        (&admin, "/users".into(), 2),
        (&admin, "/audit".into(), 2),
        (&s.officer, "/inquiries".into(), 0),
    ];
    for (c, path, at_least) in lists {
        let whole = walk(c, &path, 200).await;
        assert!(whole.len() >= at_least, "{path}: {} items, expected at least {at_least}", whole.len());
        assert_eq!(walk(c, &path, 2).await, whole, "{path}: pages of 2 make up the whole, in order");
        let join = if path.contains('?') { '&' } else { '?' };
        for (query, code) in [("limit=0", "invalid_limit"), ("limit=201", "invalid_limit"), ("cursor=abc", "invalid_cursor")] {
            let res = c.raw_with_headers(Method::GET, &format!("{path}{join}{query}"), "application/json", Vec::new(), &[]).await.unwrap();
            let got = (res.status, res.body["code"].as_str());
            assert!(got == (422, Some(code)) || got == (400, Some("invalid_query")), "{path}{join}{query}: {got:?}");
        }
    }
}

/// The code block after `marker` in docs/integration.md, as written there.
fn snippet(marker: &str) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/integration.md")).unwrap();
    let after = &doc[doc.find(marker).unwrap_or_else(|| panic!("{marker} is not in docs/integration.md"))..];
    let start = after.find("```").unwrap();
    let code = &after[start..];
    let code = &code[code.find('\n').unwrap() + 1..];
    code[..code.find("```").unwrap()].to_string()
}

/// The signature checks docs/integration.md gives integrators, run as written on a
/// real delivery (Python and Node), whatever the case of the header names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_verification_snippets_run_as_written() {
    let server = TestServer::start_with(Backend::Sqlite, &FAST);
    let receiver = WebhookReceiver::start(0).await;
    let webhr = service_account(&server, "webhr.npa", "NPA").await;
    let body = WebhookBody { url: receiver.url.clone(), events: vec!["request.created".into()], description: None };
    let created = webhr.create_webhook(&body).await.unwrap();
    server.login("applicant.npa").await.create_request(&common::statistics()).await.unwrap();
    let got = receiver.wait_until(30, |g| !g.is_empty()).await;
    let d = got.first().unwrap_or_else(|| panic!("no delivery"));
    let dir = server.db.data_dir().join("snippets");
    std::fs::create_dir_all(&dir).unwrap();
    let capital = |k: &str| k.split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect::<Vec<_>>().join("-");
    let as_sent: serde_json::Map<String, serde_json::Value> = d.headers.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
    let capitals: serde_json::Map<String, serde_json::Value> = d.headers.iter().map(|(k, v)| (capital(k), v.clone().into())).collect();
    for (name, headers) in [("as-sent", &as_sent), ("capitals", &capitals)] {
        std::fs::write(dir.join(format!("{name}.json")), serde_json::to_vec(headers).unwrap()).unwrap();
    }
    std::fs::write(dir.join("body"), &d.body).unwrap();
    std::fs::write(dir.join("tampered"), d.body.replace("request.created", "request.deleted")).unwrap();
    std::fs::write(dir.join("verify.py"), snippet("Python:")).unwrap();
    std::fs::write(dir.join("verify.mjs"), snippet("JavaScript (Node.js):")).unwrap();
    let cases = [("as-sent", "body", true), ("capitals", "body", true), ("as-sent", "tampered", false)];
    let py = "import json, sys\nfrom verify import verify\nfor h, b in [('as-sent','body'),('capitals','body'),('as-sent','tampered')]:\n    print(verify(sys.argv[1], json.load(open(h + '.json')), open(b, 'rb').read()))\n";
    let js = "import { readFileSync } from 'node:fs';\nimport { verify } from './verify.mjs';\nfor (const [h, b] of [['as-sent','body'],['capitals','body'],['as-sent','tampered']]) console.log(verify(process.argv[2], JSON.parse(readFileSync(h + '.json', 'utf8')), readFileSync(b)));\n";
    std::fs::write(dir.join("run.py"), py).unwrap();
    std::fs::write(dir.join("run.mjs"), js).unwrap();
    for (program, script) in [("python3", "run.py"), ("node", "run.mjs")] {
        let out = std::process::Command::new(program).arg(script).arg(&created.secret).current_dir(&dir).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(out.status.success(), "{program}: {text}{}", String::from_utf8_lossy(&out.stderr));
        let want: Vec<String> = cases.iter().map(|(_, _, ok)| ok.to_string()).collect();
        assert_eq!(text.lines().map(str::to_string).collect::<Vec<_>>(), want, "{program}");
    }
}

/// The Rust client's documented example runs a whole lifecycle as written, against
/// what `just serve` serves: its request waits behind the demo's, so it is taken out of
/// order with a reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_clients_example_runs_a_lifecycle() {
    let server = TestServer::start_demo(Backend::Sqlite, &[]);
    let bin = statreq_e2e::binary();
    let example = bin.parent().map(|d| d.join("examples").join("lifecycle")).unwrap_or_default();
    assert!(example.is_file(), "{} is missing: cargo build -p statreq-client --examples (just test does)", example.display());
    let app = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples/application.json");
    let out = tokio::process::Command::new(&example).arg(&server.base).arg(app).output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("is Closed"), "{text}");
    assert!(!text.contains("queued at position 1\n"), "the demo's queue is ahead of it: {text}");
}

/// A newer client against this server: unknown fields and parameters are refused by
/// default and ignored under `Prefer: handling=lenient`; every answer names the
/// contract's release.
async fn newer_clients_work_with_an_older_server_when_they_ask_to(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let contract = applicant.raw_with_headers(Method::GET, "/openapi.json", "application/json", Vec::new(), &[]).await.unwrap();
    let release = contract.body["info"]["version"].as_str().unwrap().to_string();
    let lenient = [("Prefer", "handling=lenient")];
    let mut body = serde_json::to_value(common::statistics()).unwrap();
    body["from_a_newer_release"] = serde_json::json!({"x": 1});
    body["requirement"]["future_option"] = serde_json::json!(true);
    let bytes = serde_json::to_vec(&body).unwrap();
    let before = count_requests(&applicant).await;

    // Strict by default: the unknown field is named, nothing is created.
    let strict = applicant.raw_with_headers(Method::POST, "/requests", "application/json", bytes.clone(), &[]).await.unwrap();
    assert_eq!((strict.status, strict.body["code"].as_str()), (422, Some("unknown_field")), "{:?}", strict.body);
    assert_eq!(strict.header("api-version"), Some(release.as_str()), "errors name the release too");
    assert!(strict.header("preference-applied").is_none());
    assert_eq!(count_requests(&applicant).await, before);

    // Lenient on request: created, the unknown fields dropped, and the answer says so.
    let res = applicant.raw_with_headers(Method::POST, "/requests", "application/json", bytes, &lenient).await.unwrap();
    assert_eq!(res.status, 201, "{:?}", res.body);
    assert_eq!(res.header("preference-applied"), Some("handling=lenient"));
    assert_eq!(res.header("api-version"), Some(release.as_str()));
    let id = res.body["id"].as_i64().unwrap();
    let stored = applicant.get_request(id).await.unwrap();
    assert_eq!(stored.application.reason, common::statistics().reason);
    let raw = applicant.raw_with_headers(Method::GET, &format!("/requests/{id}"), "application/json", Vec::new(), &[]).await.unwrap();
    assert!(
        raw.body["application"].get("from_a_newer_release").is_none()
            && raw.body["application"]["requirement"].get("future_option").is_none()
    );

    // A known field's value is still checked under lenient handling.
    let mut bad = serde_json::to_value(common::statistics()).unwrap();
    bad["requirement"]["output"] = serde_json::json!("hologram");
    let res = applicant
        .raw_with_headers(Method::POST, "/requests", "application/json", serde_json::to_vec(&bad).unwrap(), &lenient)
        .await
        .unwrap();
    assert_eq!((res.status, res.body["code"].as_str()), (422, Some("invalid_value")), "{:?}", res.body);

    // Query parameters alike; known ones still apply.
    let strict =
        applicant.raw_with_headers(Method::GET, "/requests?state=draft&newer_filter=1", "application/json", Vec::new(), &[]).await.unwrap();
    assert_eq!((strict.status, strict.body["code"].as_str()), (400, Some("invalid_query")));
    // Every operation alike, also one that takes no parameter at all (a typo, or a
    // parameter of a newer release, is not silently ignored): named, in both languages.
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    for (method, path) in [
        (Method::GET, format!("/requests/{}?expand=events", draft.id)),
        (Method::GET, "/me?expand=roles".to_string()),
        (Method::HEAD, format!("/requests/{}?expand=events", draft.id)),
        (Method::POST, format!("/requests/{}/check?strict=true", draft.id)),
        (Method::GET, "/me/inbox?unread=true&expand=1".to_string()),
    ] {
        let res = applicant.raw_with_headers(method.clone(), &path, "application/json", Vec::new(), &[]).await.unwrap();
        assert_eq!(res.status, 400, "{method} {path}: {:?}", res.body);
        if method != Method::HEAD {
            assert_eq!(res.body["code"].as_str(), Some("invalid_query"), "{path}: {:?}", res.body);
            let detail = res.body["detail"].as_str().unwrap_or_default();
            assert!(detail.contains("unknown query parameter `expand`") || detail.contains("`strict`"), "{path}: {detail}");
            assert!(
                res.body["message"]["zh_tw"].as_str().is_some_and(|m| m.contains("「expand」") || m.contains("「strict」")),
                "{:?}",
                res.body
            );
        }
        let res = applicant.raw_with_headers(method.clone(), &path, "application/json", Vec::new(), &lenient).await.unwrap();
        assert_eq!(res.status, 200, "{method} {path} under lenient handling: {:?}", res.body);
    }
    let untouched = applicant.get_request(draft.id).await.unwrap();
    assert_eq!(untouched.version, draft.version);
    // Who is not signed in is told that first; a public operation refuses at once.
    let anonymous = statreq_e2e::statreq_client::Client::new(&server.base);
    let res = anonymous
        .raw_with_headers(Method::GET, &format!("/requests/{}?expand=events", draft.id), "application/json", Vec::new(), &[])
        .await
        .unwrap();
    assert_eq!((res.status, res.body["code"].as_str()), (401, Some("authentication_required")), "{:?}", res.body);
    let login = serde_json::to_vec(&serde_json::json!({"username": "applicant.npa", "password": statreq_e2e::DEMO_PASSWORD})).unwrap();
    let res = anonymous.raw_with_headers(Method::POST, "/auth/login?remember=1", "application/json", login, &[]).await.unwrap();
    assert_eq!((res.status, res.body["code"].as_str()), (400, Some("invalid_query")), "{:?}", res.body);
    let res = applicant
        .raw_with_headers(Method::GET, "/requests?state=draft&newer_filter=1&limit=1", "application/json", Vec::new(), &lenient)
        .await
        .unwrap();
    assert_eq!(res.status, 200, "{:?}", res.body);
    let items = res.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "limit still applies");
    assert!(items.iter().all(|r| r["state"] == "draft"), "the filter still applies");
    let bad = applicant
        .raw_with_headers(Method::GET, "/requests?limit=0&newer_filter=1", "application/json", Vec::new(), &lenient)
        .await
        .unwrap();
    assert_eq!(bad.body["code"].as_str(), Some("invalid_limit"));

    // Every API answer names the release, even one for a path that does not exist.
    let missing = applicant.raw_with_headers(Method::GET, "/nothing-here", "application/json", Vec::new(), &[]).await.unwrap();
    assert_eq!((missing.status, missing.header("api-version")), (404, Some(release.as_str())));
}

/// Subscriptions made at once count in turn: the owner's limit (20) holds however many
/// arrive together, on PostgreSQL's concurrent transactions as on SQLite's one writer.
async fn webhooks_made_at_once_stay_within_the_limit(backend: Backend) {
    let server = TestServer::start(backend);
    let hooks = service_account(&server, "webhr.burst", "NPA").await;
    let made = (0..26).map(|i| {
        let hooks = hooks.clone();
        let body = WebhookBody {
            url: "http://127.0.0.1:9/hook".into(),
            events: vec!["request.created".into()],
            description: Some(format!("#{i}")),
        };
        async move { hooks.create_webhook(&body).await }
    });
    let results = futures_util::future::join_all(made).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 20, "{results:?}");
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| e.code() == Some("too_many_webhooks")), "{results:?}");
    assert_eq!(hooks.list_webhooks().await.unwrap().len(), 20);
}

/// A new secret given ahead of its use (contract 1.14.0): the receiver learns it while the
/// current one still signs, and nothing fails at the switch. A second one asked for
/// before the switch replaces the waiting one. Each refusal changes nothing.
async fn a_new_secret_can_be_given_ahead_of_its_use(backend: Backend) {
    use statreq_e2e::statreq_contract::RotateSecretBody;
    let server = TestServer::start_with(backend, &FAST);
    let receiver = WebhookReceiver::start(0).await;
    let webhr = service_account(&server, "webhr.npa", "NPA").await;
    let body = WebhookBody { url: receiver.url.clone(), events: vec!["request.created".into()], description: None };
    let made = webhr.create_webhook(&body).await.unwrap();
    let hook = made.webhook.id;
    assert_eq!(made.webhook.secret_switches_at, None);

    // Refusals: too long a wait, malformed, unknown field, not the caller's, wrong role, stale.
    let ahead = |secs: u32| RotateSecretBody { switch_after_seconds: Some(secs) };
    let err = webhr.rotate_webhook_secret_with(hook, &ahead(7 * 24 * 3600 + 1), None).await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(422), Some("invalid_value")), "{err:?}");
    let path = format!("/webhooks/{hook}/secret");
    for bad in [&b"{\"switch_after_seconds\": -1}"[..], b"{\"switch_after_seconds\": \"soon\"}", b"{\"switch_after\": 60}", b"{"] {
        let (status, _) = webhr.raw(Method::POST, &path, "application/json", bad.to_vec(), None).await.unwrap();
        assert!(matches!(status, 400 | 422), "{status} for {}", String::from_utf8_lossy(bad));
    }
    let other = service_account(&server, "webhr.tpe", "TPE").await;
    assert_eq!(other.rotate_webhook_secret_with(hook, &ahead(60), None).await.err().and_then(|e| e.status()), Some(404));
    let applicant = server.login("applicant.npa").await;
    assert_eq!(applicant.rotate_webhook_secret_with(hook, &ahead(60), None).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(webhr.rotate_webhook_secret_with(hook, &ahead(60), Some(7)).await.err().and_then(|e| e.status()), Some(412));
    assert_eq!(webhr.get_webhook(hook).await.unwrap(), made.webhook, "refusals changed nothing");

    // Given ahead, twice: the second replaces the first; the current one signs meanwhile.
    let first = webhr.rotate_webhook_secret_with(hook, &ahead(3600), Some(1)).await.unwrap();
    let asked = chrono::Utc::now();
    let second = webhr.rotate_webhook_secret_with(hook, &ahead(12), Some(2)).await.unwrap();
    let switch = second.webhook.secret_switches_at.unwrap_or_else(|| panic!("{second:?}"));
    assert!(switch > asked + chrono::Duration::seconds(10) && switch <= chrono::Utc::now() + chrono::Duration::seconds(12), "{switch}");
    assert_eq!((second.webhook.version, webhr.get_webhook(hook).await.unwrap().secret_switches_at), (3, Some(switch)));
    let signed_with = |d: &statreq_e2e::sinks::Received| {
        let (ts, sig) = (&d.headers["statreq-timestamp"], &d.headers["statreq-signature"]);
        [&made.secret, &first.secret, &second.secret].iter().position(|s| verify(s, ts, &d.body, sig))
    };
    webhr.create_request(&common::statistics()).await.unwrap();
    let got = receiver.wait_until(30, |g| !g.is_empty()).await;
    let ts: i64 = got[0].headers["statreq-timestamp"].parse().unwrap_or_default();
    assert!(ts < switch.timestamp(), "delivered before the switch ({ts} < {})", switch.timestamp());
    assert_eq!(signed_with(&got[0]), Some(0), "the current secret signs until the switch");

    // From the switch on, the new one alone; the waiting one given first never signs.
    tokio::time::sleep((switch - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(200)).await;
    assert_eq!(webhr.get_webhook(hook).await.unwrap().secret_switches_at, None, "none waits any more");
    webhr.create_request(&common::statistics()).await.unwrap();
    let got = receiver.wait_until(30, |g| g.len() >= 2).await;
    assert_eq!(signed_with(&got[1]), Some(2), "the secret given last signs from the switch");
    // A secret given now (a leak) signs from now, and the audit says when each was to switch.
    let now = webhr.rotate_webhook_secret(hook, Some(3)).await.unwrap();
    assert_eq!(now.webhook.secret_switches_at, None);
    let admin = server.login("admin.dgpa").await;
    let audit = admin.audit("action=webhook.secret_rotated").await.unwrap().items;
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert_eq!(audit.iter().filter(|e| e.detail["switches_at"].is_string()).count(), 2, "{audit:?}");
}

on_both_backends!(
    webhooks_made_at_once_stay_within_the_limit,
    newer_clients_work_with_an_older_server_when_they_ask_to,
    every_list_pages_alike,
    a_system_reconciles_with_updated_since,
    administrators_creating_posts_are_idempotent,
    invisible_characters_are_refused_not_stored,
    idempotent_writes_replay_conflict_and_run_once,
    external_references_are_unique_per_system,
    webhooks_are_signed_retried_logged_and_replayable,
    field_questions_reach_the_systems_subscribed_to_them,
    a_subscription_is_changed_in_place,
    a_new_secret_can_be_given_ahead_of_its_use,
    emails_reach_the_people_a_change_concerns,
    emails_to_one_address_close_together_go_as_one,
    a_moved_agencys_reviewers_hear_of_it_by_email,
    field_questions_are_emailed_to_whom_they_concern,
);

/// Field questions are e-mailed as requests' changes are: a question and a follow-up to
/// DGPA's officers, DGPA's answer, its closing and a publication to the person who
/// asked — each only to those who keep the kind on in their settings.
async fn field_questions_are_emailed_to_whom_they_concern(backend: Backend) {
    let (sink, server) = mailing(backend).await;
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let officer2 = server.login("officer2.dgpa").await;
    let kinds = officer2.notification_settings().await.unwrap().email;
    for kind in ["inquiry_created", "inquiry_followed_up", "inquiry_answered", "inquiry_closed", "faq_published"] {
        assert_eq!(kinds.get(kind), Some(&true), "{kind} is a kind one may turn off: {kinds:?}");
    }
    officer2.put_notification_settings(&[("inquiry_created", false)]).await.unwrap();
    let to = |mails: &[statreq_e2e::sinks::Mail]| -> Vec<String> {
        let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
        to.sort();
        to
    };

    let question = statreq_e2e::statreq_contract::NewInquiry {
        fields: vec!["service_years".into()],
        subject: "公務年資是否含留職停薪期間".into(),
        body: "留職停薪期間是否計入？".into(),
        request_id: None,
    };
    let asked = applicant.create_inquiry(&question).await.unwrap().inquiry;
    let mails = sink.wait_until(30, |m| !m.is_empty()).await;
    let told = to(&mails);
    assert!(told.contains(&"officer1.dgpa@demo.invalid".to_string()), "{told:?}");
    assert!(!told.contains(&"officer2.dgpa@demo.invalid".to_string()), "turned off: {told:?}");
    assert!(!told.iter().any(|a| a.starts_with("applicant.")), "{told:?}");
    let text = decoded(&mails[0].data);
    assert!(text.contains("新的欄位疑義：公務年資是否含留職停薪期間") && text.contains("New field question"), "{text}");
    assert!(text.contains(&format!("https://statreq.example.gov.tw/inquiries/{}", asked.id)), "a link: {text}");
    let before = mails.len();

    officer.reply_inquiry(asked.id, "不計入。", None).await.unwrap();
    let mails = sink.wait_until(30, |m| m.len() > before).await;
    assert_eq!(to(&mails[before..]), ["applicant.npa@demo.invalid"]);
    assert!(decoded(&mails[before].data).contains("人事總處已答復"));
    let before = mails.len();
    applicant.reply_inquiry(asked.id, "借調期間呢？", None).await.unwrap();
    let mails = sink.wait_until(30, |m| m.iter().skip(before).any(|m| m.to.contains(&"officer2.dgpa@demo.invalid".to_string()))).await;
    assert!(to(&mails[before..]).contains(&"officer1.dgpa@demo.invalid".to_string()), "a follow-up: {:?}", to(&mails[before..]));
    officer.reply_inquiry(asked.id, "計入。", None).await.unwrap();
    let faq = statreq_e2e::statreq_contract::FaqPublication {
        field: "service_years".into(),
        question: "公務年資含留職停薪？".into(),
        answer: "不計入；借調計入。".into(),
    };
    officer.publish_faq(asked.id, &faq).await.unwrap();
    officer.close_inquiry(asked.id, None).await.unwrap();
    let mails = sink
        .wait_until(30, |m| {
            let mine: Vec<String> = m.iter().filter(|m| m.to == ["applicant.npa@demo.invalid"]).map(|m| decoded(&m.data)).collect();
            mine.iter().any(|t| t.contains("欄位「公務年資」（service_years）的常見問答")) && mine.iter().any(|t| t.contains("疑義已結案"))
        })
        .await;
    let link = "https://statreq.example.gov.tw/fields/service_years";
    assert!(mails.iter().any(|m| decoded(&m.data).contains(link)), "the publication links to the field");
}

/// Two instances on one PostgreSQL database: every event reaches the receiver
/// once (leases under row locks), however the two workers interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instances_send_each_delivery_once() {
    let server = TestServer::start_with(Backend::Postgres, &FAST);
    let second = server.another_instance(&FAST);
    let receiver = WebhookReceiver::start(0).await;
    let webhr = service_account(&server, "webhr.npa", "NPA").await;
    let body = WebhookBody { url: receiver.url.clone(), events: vec!["request.created".into()], description: None };
    webhr.create_webhook(&body).await.unwrap();
    let mut a = server.client();
    a.login("applicant.npa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    let mut b = second.client();
    b.login("applicant.npa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    const N: usize = 30;
    for i in 0..N {
        let c = if i % 2 == 0 { &a } else { &b };
        c.create_request(&common::statistics()).await.unwrap();
    }
    receiver.wait_until(60, |g| g.len() >= N).await;
    // Give a would-be duplicate time to arrive.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let got = receiver.received();
    let ids: std::collections::BTreeSet<String> = got.iter().map(|r| r.headers["statreq-event-id"].clone()).collect();
    assert_eq!(ids.len(), N, "every event arrives");
    assert_eq!(got.len(), N, "and each exactly once");
}

/// The example applications shipped in docs/examples/ are complete: each is created
/// as it is and submitted without a blocking finding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_example_applications_submit() {
    let server = TestServer::start(Backend::Sqlite);
    let applicant = server.login("applicant.npa").await;
    for name in ["application.json", "application-personal.json"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples").join(name);
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let res = applicant.raw_with_headers(Method::POST, "/requests", "application/json", body, &[]).await.unwrap();
        assert_eq!(res.status, 201, "{name}: {}", res.body);
        let id = res.body["id"].as_i64().unwrap_or_default();
        let submitted = applicant.submit(id, None).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(submitted.state, statreq_e2e::statreq_contract::State::PendingSupervisor, "{name}");
    }
}

/// The README's lifecycle in curl runs as written (only the address is this
/// server's) with docs/examples/application.json against what `just serve` serves (the
/// demo's year, with requests already waiting in the queue), and ends with the request
/// closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readmes_curl_lifecycle_runs_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let after = readme.split("**A lifecycle in curl**").nth(1).unwrap_or_else(|| panic!("the README lost its curl lifecycle"));
    let script = after.split("```sh\n").nth(1).and_then(|s| s.split("\n```").next()).unwrap_or_else(|| panic!("no sh block"));
    assert!(script.contains("B=http://127.0.0.1:8080/api/v1"), "{script}");
    let server = TestServer::start_demo(Backend::Sqlite, &[]);
    let script = script.replace("http://127.0.0.1:8080", &server.base);
    let dir = statreq_e2e::TempPath::dir("statreq-readme");
    std::fs::copy(root.join("docs/examples/application.json"), dir.0.join("application.json")).unwrap();
    let out = std::process::Command::new("bash").arg("-euo").arg("pipefail").arg("-c").arg(&script).current_dir(&dir.0).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(!said.contains("\"status\":4") && !said.contains("problem"), "every step succeeded: {said}");
    let applicant = server.login("applicant.npa").await;
    let newest = applicant.list_requests(None, None, None).await.unwrap().items.into_iter().next().unwrap_or_else(|| panic!("{said}"));
    assert_eq!(newest.application.reason, common::statistics().reason, "the README's request is the newest");
    assert_eq!(newest.state, statreq_e2e::statreq_contract::State::Closed, "{said}");
}
