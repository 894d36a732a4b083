//! DGPA's corrections after acceptance: hold and resume (the wait pauses, the order
//! leaves it out), re-rating the difficulty (the order changes), reassigning work in
//! production, and returning or rejecting from the queue or production — each with a
//! reason, on the timeline, refused to the wrong role and a stale `If-Match`.

use crate::common::{self, Scenario};

use statreq_e2e::statreq_client::ClientError;
use statreq_e2e::statreq_contract::{EventKind, State};
use statreq_e2e::statreq_domain::{DgpaDecision, Difficulty};
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn code(e: Option<ClientError>) -> Option<String> {
    e.and_then(|e| e.code().map(String::from))
}

fn status(e: Option<ClientError>) -> Option<u16> {
    e.and_then(|e| e.status())
}

/// The in-app notice of `kind` for request `id`, once the notification worker has run.
async fn notice(c: &statreq_e2e::statreq_client::Client, kind: &str, id: i64) -> statreq_e2e::statreq_contract::InboxItem {
    for _ in 0..100 {
        let items = c.inbox(true).await.unwrap();
        if let Some(i) = items.into_iter().find(|i| i.kind == kind && i.link == format!("/requests/{id}")) {
            return i;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no {kind} notice for request {id}");
}

async fn dgpa_corrects_work_after_acceptance(backend: Backend) {
    let server = TestServer::start(backend);
    let s = Scenario::new(&server).await;
    let (applicant, officer, officer2) = (&s.applicant, &s.officer, &s.officer2);
    let r = s.in_state(&common::statistics(), State::Queued, 2).await;
    let r2 = s.in_state(&common::statistics(), State::Queued, 2).await;
    let order = |q: &statreq_e2e::statreq_contract::QueueView| -> Vec<i64> {
        q.items.iter().filter(|i| i.position.is_some()).map(|i| i.request_id).collect()
    };
    assert_eq!(order(&officer.queue().await.unwrap()), [r.id, r2.id]);

    // Hold: DGPA only, with a reason, at the version seen.
    assert_eq!(status(applicant.hold(r.id, Some(r.version), "x").await.err()), Some(403));
    assert_eq!(code(officer.hold(r.id, Some(r.version), " ").await.err()), Some("comment_required".into()));
    assert_eq!(status(officer.hold(r.id, Some(r.version + 3), "x").await.err()), Some(412));
    assert_eq!(applicant.get_request(r.id).await.unwrap().version, r.version, "refusals changed nothing");
    let held = officer.hold(r.id, Some(r.version), "等待主管機關補送名冊").await.unwrap();
    assert_eq!(held.state, State::OnHold);
    assert_eq!(order(&officer.queue().await.unwrap()), [r2.id], "held work leaves the order");
    let seen = applicant.events(r.id).await.unwrap();
    let last = seen.last().unwrap();
    assert_eq!((last.kind, last.comment.as_deref()), (EventKind::Held, Some("等待主管機關補送名冊")), "the office reads why");
    assert_eq!(code(officer.hold(r.id, None, "again").await.err()), Some("invalid_state".into()));
    // The office hears of it in the app (no mail server is configured here).
    let n = notice(applicant, "request_held", r.id).await;
    assert!(n.message.zh_tw.contains("暫停處理") && n.message.en.contains("on hold"), "{:?}", n.message);
    assert!(officer.inbox(true).await.unwrap().iter().all(|i| i.kind != "request_held"), "nobody is told of their own act");
    assert_eq!(status(applicant.queue_position(r.id).await.err()), Some(409));
    let resumed = officer.resume(r.id, Some(held.version)).await.unwrap();
    assert_eq!(resumed.state, State::Queued);
    assert_eq!(order(&officer.queue().await.unwrap()), [r.id, r2.id], "back in its place: its wait was kept");

    // Re-rating with a reason changes the order (easier work first by default).
    let easy = Difficulty::new(1).unwrap();
    assert_eq!(status(applicant.rerate(r2.id, None, easy, "x").await.err()), Some(403));
    assert_eq!(code(officer.rerate(r2.id, None, easy, "").await.err()), Some("comment_required".into()));
    // A reason longer than the contract's 1,000 characters is refused where it is.
    let long = officer.rerate(r2.id, None, easy, &"理".repeat(1_001)).await.err();
    let p = long.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.clone(), p.errors.first().map(|e| e.pointer.clone())));
    assert_eq!(p, Some((422, "too_long".into(), Some("/reason".into()))));
    let rerated = officer.rerate(r2.id, Some(r2.version), easy, "僅需單一統計表").await.unwrap();
    assert_eq!((rerated.state, rerated.difficulty), (State::Queued, Some(1)));
    // The same difficulty again changes nothing and is refused where it is said.
    let same = officer.rerate(r2.id, None, easy, "再確認").await.err();
    let p = same.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.clone(), p.errors.first().map(|e| e.pointer.clone())));
    assert_eq!(p, Some((422, "difficulty_unchanged".into(), Some("/difficulty".into()))));
    assert_eq!(officer.get_request(r2.id).await.unwrap().version, rerated.version);
    assert_eq!(order(&officer.queue().await.unwrap()), [r2.id, r.id]);
    let (st, _) = officer
        .raw(
            statreq_e2e::statreq_client::Method::POST,
            &format!("/requests/{}/difficulty", r2.id),
            "application/json",
            br#"{"difficulty":9,"reason":"x"}"#.to_vec(),
            Some("*"),
        )
        .await
        .unwrap();
    assert!(st == 400 || st == 422, "a difficulty outside 1-5: {st}");

    // Reassigning work in production: to an officer only.
    let taken = officer.take(r2.id, None).await.unwrap();
    assert_eq!(taken.state, State::InProduction);
    let me2 = officer2.me().await.unwrap().id;
    let not_officer = applicant.me().await.unwrap().id;
    assert_eq!(status(applicant.assign(r2.id, None, me2, None).await.err()), Some(403));
    assert_eq!(code(officer.assign(r2.id, None, not_officer, None).await.err()), Some("invalid_assignee".into()));
    assert_eq!(code(officer.assign(r.id, None, me2, None).await.err()), Some("invalid_state".into()), "queued work is taken, not assigned");
    // To the officer who has it: 409, and nothing recorded (no version, no step on the timeline).
    let me = officer.me().await.unwrap().id;
    let steps = officer.events(r2.id).await.unwrap().len();
    assert_eq!(code(officer.assign(r2.id, None, me, Some("x")).await.err()), Some("already_assigned".into()));
    assert_eq!((officer.get_request(r2.id).await.unwrap().version, officer.events(r2.id).await.unwrap().len()), (taken.version, steps));
    let moved = officer.assign(r2.id, Some(taken.version), me2, Some("原承辦人休假")).await.unwrap();
    assert_eq!(moved.assignee.map(|u| u.id), Some(me2));

    // Returning from production, rejecting from the queue: with a reason, and the work
    // is nobody's any more.
    let back = officer2.dgpa_decision(r2.id, Some(moved.version), DgpaDecision::Return, None, Some("統計基準日需再確認")).await.unwrap();
    assert_eq!((back.state, back.assignee), (State::Returned, None));
    notice(applicant, "request_dgpa_returned", r2.id).await;
    // The supervising agency that approved it hears too, and learns what DGPA expects.
    let n = notice(&s.supervisor, "request_dgpa_returned", r2.id).await;
    assert!(n.message.zh_tw.contains("經人事總處退回補正"), "{:?}", n.message);
    let out = officer.dgpa_decision(r.id, None, DgpaDecision::Reject, None, Some("重複申請")).await.unwrap();
    assert_eq!(out.state, State::Rejected);
    notice(applicant, "request_dgpa_rejected", r.id).await;
    notice(&s.supervisor, "request_dgpa_rejected", r.id).await;
    assert!(officer.queue().await.unwrap().items.is_empty());

    // The applicant may withdraw held work.
    let r3 = s.in_state(&common::statistics(), State::Queued, 3).await;
    officer.hold(r3.id, None, "暫緩").await.unwrap();
    assert_eq!(applicant.withdraw(r3.id, None, Some("已不需要")).await.unwrap().state, State::Withdrawn);
}

/// DGPA finds the data produced is personal after all: with a reason and a retention,
/// encryption, four eyes and destruction apply from then on (rules 3, 6).
async fn dgpa_marks_produced_data_as_personal(backend: Backend) {
    let server = TestServer::start(backend);
    let s = Scenario::new(&server).await;
    let (applicant, officer, officer2) = (&s.applicant, &s.officer, &s.officer2);
    let r = s.in_state(&common::statistics(), State::InProduction, 2).await;
    assert_eq!(status(applicant.mark_personal(r.id, None, "x", 90).await.err()), Some(403));
    assert_eq!(code(officer.mark_personal(r.id, None, " ", 90).await.err()), Some("comment_required".into()));
    assert_eq!(code(officer.mark_personal(r.id, None, "x", 400).await.err()), Some("retention_too_long".into()));
    assert_eq!(status(officer.mark_personal(r.id, Some(r.version + 2), "x", 90).await.err()), Some(412));
    // A file uploaded as not personal must go first.
    let f = officer.upload_delivery(r.id, "plain.csv", b"grade,n\n9,3\n".to_vec()).await.unwrap();
    assert_eq!(code(officer.mark_personal(r.id, None, "x", 90).await.err()), Some("files_uploaded".into()));
    officer.remove_delivery(r.id, f.id, "改以個人資料處理").await.unwrap();
    let before = applicant.get_request(r.id).await.unwrap();
    assert!(!before.application.declares_personal_data());
    let offered =
        |v: &statreq_e2e::statreq_contract::RequestView| v.allowed_actions.contains(&statreq_e2e::statreq_contract::Action::MarkPersonal);
    assert!(offered(&officer.get_request(r.id).await.unwrap()), "offered while the application declares none");

    let marked = officer.mark_personal(r.id, Some(before.version), "統計表含可識別個人之小格", 60).await.unwrap();
    assert!(marked.application.declares_personal_data());
    assert_eq!(marked.application.personal_data.retention_days, Some(60));
    assert_eq!(code(officer.mark_personal(r.id, None, "x", 90).await.err()), Some("already_personal".into()));
    assert!(!offered(&marked), "not offered once it does: it would be refused");
    let last = applicant.events(r.id).await.unwrap().pop().unwrap();
    assert_eq!((last.kind, last.comment.as_deref()), (EventKind::MarkedPersonal, Some("統計表含可識別個人之小格")));
    // The submitted revision keeps what the applicant declared.
    assert!(!applicant.revisions(r.id).await.unwrap()[0].application.declares_personal_data());

    // From now on: files are personal (encrypted, passphrase), four eyes, destruction.
    let f = officer.upload_delivery(r.id, "detail.csv", b"name,grade\nA,9\n".to_vec()).await.unwrap();
    assert!(f.personal);
    assert_eq!(code(officer.deliver(r.id, None, "如附件").await.err()), Some("files_not_approved".into()));
    officer2.approve_delivery(r.id, f.id).await.unwrap();
    let delivered = officer.deliver(r.id, None, "如附件").await.unwrap();
    assert!(delivered.destroy_by.is_some());
    assert_eq!(code(applicant.acknowledge(r.id, None).await.err()), Some("destruction_required".into()));
}

/// A file still arriving when DGPA marks the data as personal was read as not personal:
/// it would have gone out unencrypted and without a second officer. It is refused once
/// it has arrived (`409`, nothing kept); uploaded again, it is personal.
async fn a_file_arriving_after_the_data_is_marked_personal_is_refused(backend: Backend) {
    let server = TestServer::start(backend);
    let s = Scenario::new(&server).await;
    let (officer, officer2) = (&s.officer, &s.officer2);
    let r = s.in_state(&common::statistics(), State::InProduction, 2).await;
    let stored_before = server.db.stored_files().await.len();

    let token = officer.access_token().unwrap_or_default().to_string();
    let (first, rest) = ("姓名,職等\n".repeat(200), "王小明,9\n".repeat(200));
    let path = format!("/requests/{}/deliveries", r.id);
    let upload = common::HalfUpload::start(&server, &token, &path, "名冊.csv", &first, &rest).await;
    // Marked personal meanwhile (no file was there yet); then the rest arrives.
    officer2.mark_personal(r.id, Some(r.version), "成果含個人資料", 60).await.unwrap();
    let (status, problem) = upload.finish().await;
    assert_eq!(status, "HTTP/1.1 409 Conflict", "{problem}");
    assert_eq!(problem["code"], "edit_conflict", "{problem}");
    assert!(problem["message"]["en"].as_str().is_some_and(|m| m.contains("marked as personal")), "{problem}");
    assert!(officer.deliveries(r.id).await.unwrap().files.is_empty(), "nothing kept as not personal");
    assert_eq!(server.db.stored_files().await.len(), stored_before, "the body was removed");
    // Sent again, the file is personal: encrypted, four eyes.
    let f = officer.upload_delivery(r.id, "名冊.csv", b"name,grade\nA,9\n".to_vec()).await.unwrap();
    assert!(f.personal);
    assert_eq!(code(officer.deliver(r.id, None, "如附件").await.err()), Some("files_not_approved".into()));
}

/// Marking and uploading at once, the other way round: whichever lands first, no file
/// stored as not personal is left in a request whose data is personal.
async fn marking_personal_and_uploading_at_once_leave_no_plain_file(backend: Backend) {
    let server = TestServer::start(backend);
    let s = Scenario::new(&server).await;
    let (officer, officer2) = (&s.officer, &s.officer2);
    for round in 0..8 {
        let r = s.in_state(&common::statistics(), State::InProduction, 2).await;
        let (up, marked) = tokio::join!(
            officer.upload_delivery(r.id, "table.csv", b"grade,n\n9,30\n".to_vec()),
            officer2.mark_personal(r.id, Some(r.version), "成果含個人資料", 60)
        );
        let now = officer.get_request(r.id).await.unwrap();
        let files = officer.deliveries(r.id).await.unwrap().files;
        if now.application.declares_personal_data() {
            assert!(files.iter().all(|f| f.personal), "round {round}: a plain file in personal work ({up:?}, {marked:?})");
        }
        assert!(up.is_ok() || marked.is_ok(), "round {round}: one of them lands ({up:?}, {marked:?})");
        // The one refused says why: the file was not kept, or files are there.
        if let Err(e) = up {
            assert_eq!(e.code(), Some("edit_conflict"), "round {round}");
        }
        if let Err(e) = marked {
            assert_eq!(e.code(), Some("files_uploaded"), "round {round}");
        }
    }
}

on_both_backends!(
    dgpa_corrects_work_after_acceptance,
    dgpa_marks_produced_data_as_personal,
    a_file_arriving_after_the_data_is_marked_personal_is_refused,
    marking_personal_and_uploading_at_once_leave_no_plain_file
);
