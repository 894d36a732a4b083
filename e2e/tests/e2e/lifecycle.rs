//! The whole lifecycle of rule 5 over HTTP, on SQLite and PostgreSQL.

use crate::common;

use chrono::{Duration, Utc};
use statreq_e2e::statreq_contract::{ApplicationPatch, DestructionBody, Difficulty, EventKind, State};
use statreq_e2e::statreq_domain::{Condition, Decision, DgpaDecision, Operator};
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn d(n: i64) -> Option<Difficulty> {
    Difficulty::new(n).ok()
}

async fn personal_data_request_from_draft_to_closed(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;

    let draft = applicant.create_request(&common::detail()).await.unwrap();
    assert_eq!(draft.state, State::Draft);
    assert_eq!(draft.agency_code, "NPA");
    assert_eq!(draft.version, 1);
    // The create answers from what it wrote, without reading it back: the same view a
    // read gives, word for word.
    let json = |r: &statreq_e2e::statreq_contract::RequestView| serde_json::to_value(r).unwrap();
    assert_eq!(json(&draft), json(&applicant.get_request(draft.id).await.unwrap()));

    let check = applicant.check_request(draft.id).await.unwrap();
    assert!(!check.blocking, "{:?}", check.findings);

    // Each view says what comes next, for whoever reads it (1.4.0): the reader's own step
    // with its rule, else whom the request waits for.
    let next = |r: &statreq_e2e::statreq_contract::RequestView| r.next_step.as_ref().map(|t| t.en.clone()).unwrap_or_default();
    assert!(next(&draft).contains("submit it") && next(&draft).contains("rule 5.1"), "{}", next(&draft));

    let r = applicant.submit(draft.id, Some(draft.version)).await.unwrap();
    assert_eq!((r.state, r.revision), (State::PendingSupervisor, 1));
    assert!(r.submitted_at.is_some());
    assert!(next(&r).starts_with("Awaiting the supervising agency"), "{}", next(&r));
    let seen = supervisor.get_request(r.id).await.unwrap();
    assert!(next(&seen).starts_with("For your review") && seen.next_step.as_ref().is_some_and(|t| t.zh_tw.contains("請審核")), "{seen:?}");

    let r = supervisor.supervisor_decision(r.id, Some(r.version), Decision::Approve, Some("同意")).await.unwrap();
    assert_eq!(r.state, State::PendingDgpa);
    assert!(r.dgpa_received_at.is_some());

    let r = officer.dgpa_decision(r.id, Some(r.version), DgpaDecision::Accept, d(4), None).await.unwrap();
    assert_eq!((r.state, r.difficulty), (State::Queued, Some(4)));

    let r = officer.take(r.id, Some(r.version)).await.unwrap();
    assert_eq!(r.state, State::InProduction);
    assert_eq!(r.assignee.as_ref().map(|a| a.display_name.as_str()), Some("王淑芬（人事總處承辦人）"));

    // Personal data leaves only as files a second officer approved (rule 5.3).
    let err = officer.deliver(r.id, None, "x").await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("files_required"));
    let file = officer.upload_delivery(r.id, "名冊.csv", "姓名,職等\n王大明,9\n".as_bytes().to_vec()).await.unwrap();
    let err = officer.deliver(r.id, None, "x").await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("files_not_approved"));
    assert_eq!(officer.approve_delivery(r.id, file.id).await.err().and_then(|e| e.code().map(String::from)), Some("four_eyes".into()));
    let second = server.login("officer2.dgpa").await;
    second.approve_delivery(r.id, file.id).await.unwrap();
    let r = officer.get_request(r.id).await.unwrap();
    let r = officer.deliver(r.id, Some(r.version), "資料如附加密檔案，密碼另以電話告知。").await.unwrap();
    assert_eq!(r.state, State::Delivered);
    assert!(r.delivered_at.is_some());

    let seen = applicant.get_request(r.id).await.unwrap();
    let by = seen.destroy_by.unwrap_or_else(|| panic!("delivered personal data has a destroy-by day"));
    assert!(next(&seen).contains("record the destruction") && next(&seen).contains(&format!("by {by}")), "{}", next(&seen));

    // Personal data is closed by destruction, not acknowledgement (rule 6).
    let err = applicant.acknowledge(r.id, Some(r.version)).await.err().map(|e| e.code().map(String::from));
    assert_eq!(err, Some(Some("destruction_required".into())));

    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let body = DestructionBody { destroyed_on: today, method: "檔案以安全刪除工具刪除，紙本以碎紙機銷毀".into() };
    let r = applicant.record_destruction(r.id, Some(r.version), &body).await.unwrap();
    assert_eq!(r.state, State::Closed);
    let destruction = r.destruction.as_ref().unwrap_or_else(|| panic!("no destruction record"));
    assert_eq!(destruction.destroyed_on, today);
    assert_eq!(destruction.recorded_by.display_name, "林怡君（警政署人事室）");
    assert!(r.allowed_actions.is_empty(), "a closed request accepts nothing");
    assert_eq!(r.next_step, None, "nothing comes next");

    let events = applicant.events(r.id).await.unwrap();
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Created,
            EventKind::Submitted,
            EventKind::SupervisorApproved,
            EventKind::DgpaAccepted,
            EventKind::Taken,
            EventKind::FileApproved,
            EventKind::Delivered,
            EventKind::DestructionRecorded
        ]
    );
    assert_eq!(events[2].comment.as_deref(), Some("同意"));
    assert_eq!(events[2].actor.agency_code, "MOI");
}

async fn statistics_request_closes_by_acknowledgement(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer2.dgpa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, None).await.unwrap();
    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    let r = officer.dgpa_decision(r.id, None, DgpaDecision::Accept, d(1), None).await.unwrap();
    let r = officer.take(r.id, None).await.unwrap();
    let r = officer.deliver(r.id, None, "統計表如附件").await.unwrap();
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let err = applicant.record_destruction(r.id, None, &DestructionBody { destroyed_on: today, method: "刪除".into() }).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("no_personal_data"));
    let r = applicant.acknowledge(r.id, None).await.unwrap();
    assert_eq!(r.state, State::Closed);
    assert_eq!(r.reply.as_deref(), Some("統計表如附件"));
}

async fn resubmission_after_any_return_goes_to_the_supervisor_again(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, None).await.unwrap();

    // Returning needs a reason the applicant can act on.
    let err = supervisor.supervisor_decision(r.id, None, Decision::Return, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("comment_required"));
    let r = supervisor.supervisor_decision(r.id, None, Decision::Return, Some("請補充統計基準日")).await.unwrap();
    assert_eq!(r.state, State::Returned);
    assert!(r.allowed_actions.is_empty(), "the supervisor has nothing to do on a returned request");

    let patch = ApplicationPatch { reason: Some("研議本署人力配置（基準日114年12月31日）".into()), ..Default::default() };
    let r = applicant.update_request(r.id, r.version, &patch).await.unwrap();
    let r = applicant.submit(r.id, Some(r.version)).await.unwrap();
    assert_eq!((r.state, r.revision), (State::PendingSupervisor, 2));

    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    let first_receipt = r.dgpa_received_at;
    let r = officer.dgpa_decision(r.id, None, DgpaDecision::Return, None, Some("請說明為何職等欄位需細分至各職等")).await.unwrap();
    assert_eq!(r.state, State::Returned);
    let r = applicant.submit(r.id, None).await.unwrap();
    assert_eq!(r.state, State::PendingSupervisor, "a resubmission after a DGPA return goes to the supervisor again");
    assert_eq!(r.revision, 3);
    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    assert_eq!(r.dgpa_received_at, first_receipt, "DGPA's first receipt is kept");

    let revisions = officer.revisions(r.id).await.unwrap();
    assert_eq!(revisions.iter().map(|r| r.number).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(revisions[0].changes.is_empty());
    assert_eq!(revisions[1].changes.iter().map(|c| c.pointer.as_str()).collect::<Vec<_>>(), vec!["/reason"]);
    assert!(revisions[2].changes.is_empty());
}

async fn refusals_change_nothing(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let supervisor = server.login("supervisor.moi").await;

    // Incomplete: 422 with every blocking finding, pointers into the application.
    let mut app = common::statistics();
    app.reason.clear();
    app.existing_sources.pop();
    let r = applicant.create_request(&app).await.unwrap();
    let err = applicant.submit(r.id, Some(r.version)).await.err().unwrap_or_else(|| panic!("submitted an incomplete application"));
    let p = err.problem().unwrap_or_else(|| panic!("{err}"));
    assert_eq!((p.status, p.code.as_str()), (422, "application_incomplete"));
    let pointers: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
    assert!(pointers.contains(&"/reason"), "{pointers:?}");
    assert!(pointers.contains(&"/existing_sources/webhr_graphical_query"), "{pointers:?}");
    let after = applicant.get_request(r.id).await.unwrap();
    assert_eq!((after.state, after.version, after.revision), (State::Draft, r.version, 0));

    // Transitions the table does not have: 409, nothing changes.
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, None).await.unwrap();
    let err = officer.take(r.id, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(409));
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_state"));
    let err = applicant.acknowledge(r.id, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_state"));
    // Accept needs a difficulty (rule 5.3), return needs none.
    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    let err = officer.dgpa_decision(r.id, None, DgpaDecision::Accept, None, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("difficulty_required"));
    let err = officer.dgpa_decision(r.id, None, DgpaDecision::Reject, d(2), Some("x")).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("difficulty_not_applicable"));
    let same = officer.get_request(r.id).await.unwrap();
    assert_eq!((same.state, same.version), (State::PendingDgpa, r.version));

    // Withdrawn is terminal.
    let r = applicant.withdraw(r.id, Some(r.version), Some("需求已由他案滿足")).await.unwrap();
    assert_eq!(r.state, State::Withdrawn);
    for err in [applicant.submit(r.id, None).await.err(), applicant.withdraw(r.id, None, None).await.err()] {
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_state"));
    }
    let patch = ApplicationPatch { reason: Some("x".into()), ..Default::default() };
    let err = applicant.update_request(r.id, r.version, &patch).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_state"));

    // Destruction in the future is refused.
    let r = applicant.create_request(&common::detail()).await.unwrap();
    let r = applicant.submit(r.id, None).await.unwrap();
    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    let r = officer.dgpa_decision(r.id, None, DgpaDecision::Accept, d(2), None).await.unwrap();
    let r = officer.take(r.id, None).await.unwrap();
    let f = officer.upload_delivery(r.id, "list.csv", b"a,b\n".to_vec()).await.unwrap();
    server.login("officer2.dgpa").await.approve_delivery(r.id, f.id).await.unwrap();
    let err = officer.deliver(r.id, None, "  ").await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("reply_required"));
    let r = officer.deliver(r.id, None, "如附件").await.unwrap();
    let tomorrow = (Utc::now() + Duration::hours(8 + 24)).date_naive();
    let err = applicant.record_destruction(r.id, None, &DestructionBody { destroyed_on: tomorrow, method: "刪除".into() }).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem"));
    assert_eq!(
        (p.code.as_str(), p.errors[0].pointer.as_str(), p.rule.as_deref()),
        ("destruction_date_in_future", "/destroyed_on", Some("6"))
    );
    assert_eq!(applicant.get_request(r.id).await.map(|x| x.state).ok(), Some(State::Delivered));
}

async fn stale_if_match_is_refused_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let patch = ApplicationPatch { reason: Some("第一次修改".into()), ..Default::default() };
    let edited = applicant.update_request(r.id, r.version, &patch).await.unwrap();
    assert_eq!(edited.version, r.version + 1);
    // The same edit again leaves the application as it was: no version, no 「編輯」 event.
    let edits = || async { applicant.events(r.id).await.unwrap_or_default().iter().filter(|e| e.kind == EventKind::Edited).count() };
    let before = edits().await;
    let same = applicant.update_request(r.id, edited.version, &patch).await.unwrap();
    assert_eq!((same.version, edits().await), (edited.version, before));

    // A second edit based on the old version would overwrite the first: 412.
    let patch = ApplicationPatch { reason: Some("以舊版本修改".into()), ..Default::default() };
    let err = applicant.update_request(r.id, r.version, &patch).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(412));
    let err = applicant.submit(r.id, Some(r.version)).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("precondition_failed"));
    let now = applicant.get_request(r.id).await.unwrap();
    assert_eq!((now.state, now.version, now.application.reason.as_str()), (State::Draft, edited.version, "第一次修改"));

    // PATCH without If-Match: 428; a malformed one: 400.
    let body = serde_json::to_vec(&serde_json::json!({"reason": "x"})).unwrap_or_default();
    let (status, problem) =
        applicant.raw(reqwest::Method::PATCH, &format!("/requests/{}", r.id), "application/json", body.clone(), None).await.unwrap();
    assert_eq!((status, problem["code"].as_str()), (428, Some("if_match_required")));
    let (status, _) =
        applicant.raw(reqwest::Method::PATCH, &format!("/requests/{}", r.id), "application/json", body, Some("yesterday")).await.unwrap();
    assert_eq!(status, 400);
    // Well-formed entity-tags that are no version of it never match (RFC 9110 §13.1.1): 412.
    let patch = serde_json::to_vec(&serde_json::json!({"reason": "不應寫入"})).unwrap_or_default();
    for tag in [r#""abc""#, r#"W/"x-1""#, r#""""#, r#""9", "9""#, r#""abc", "zz""#] {
        let (status, problem) = applicant
            .raw(reqwest::Method::PATCH, &format!("/requests/{}", r.id), "application/json", patch.clone(), Some(tag))
            .await
            .unwrap();
        assert_eq!((status, problem["code"].as_str()), (412, Some("precondition_failed")), "{tag}");
    }
    // A transition without If-Match: 428, like PATCH; nothing changes.
    let (status, problem) =
        applicant.raw(reqwest::Method::POST, &format!("/requests/{}/submit", r.id), "application/json", Vec::new(), None).await.unwrap();
    assert_eq!((status, problem["code"].as_str()), (428, Some("if_match_required")));
    let (status, _) = applicant
        .raw(reqwest::Method::POST, &format!("/requests/{}/submit", r.id), "application/json", Vec::new(), Some(r#""abc""#))
        .await
        .unwrap();
    assert_eq!(status, 412);
    let now = applicant.get_request(r.id).await.unwrap();
    assert_eq!((now.state, now.version, now.application.reason.as_str()), (State::Draft, edited.version, "第一次修改"));

    // Stale If-Match on decisions too.
    let r = applicant.submit(r.id, Some(edited.version)).await.unwrap();
    let err = supervisor.supervisor_decision(r.id, Some(edited.version), Decision::Approve, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(412));
    let err = applicant.withdraw(r.id, Some(r.version - 1), None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(412));
    assert_eq!(supervisor.get_request(r.id).await.map(|x| (x.state, x.version)).ok(), Some((State::PendingSupervisor, r.version)));
}

async fn concurrent_decisions_only_one_wins(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer1 = server.login("officer1.dgpa").await;
    let officer2 = server.login("officer2.dgpa").await;
    let supervisor = server.login("supervisor.moi").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let r = applicant.submit(r.id, None).await.unwrap();
    let r = supervisor.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    let r = officer1.dgpa_decision(r.id, None, DgpaDecision::Accept, d(3), None).await.unwrap();
    // Two officers take the same work at once: exactly one succeeds.
    let (a, b) = tokio::join!(officer1.take(r.id, Some(r.version)), officer2.take(r.id, Some(r.version)));
    let wins = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(wins, 1, "{a:?} {b:?}");
    let loser = a.err().or(b.err()).unwrap_or_else(|| panic!("no loser"));
    assert!(matches!(loser.status(), Some(409) | Some(412)), "{loser}");
    let events = applicant.events(r.id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::Taken).count(), 1);
}

async fn messages_thread_between_office_supervisor_and_dgpa(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let other = server.login("applicant.tpedu").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    applicant.post_message(r.id, "草稿備註：欄位待確認").await.unwrap();
    assert_eq!(supervisor.messages(r.id).await.err().and_then(|e| e.status()), Some(404), "drafts are the office's own");
    applicant.submit(r.id, None).await.unwrap();
    supervisor.post_message(r.id, "請確認是否含約聘僱人員").await.unwrap();
    officer.post_message(r.id, "「職等」依銓敘審定職等統計（第7點）").await.unwrap();
    let thread = applicant.messages(r.id).await.unwrap();
    assert_eq!(thread.len(), 3);
    assert_eq!(thread[1].author.agency_code, "MOI");
    assert_eq!(other.post_message(r.id, "x").await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(applicant.post_message(r.id, " ").await.err().and_then(|e| e.status()), Some(422));
    let long = "字".repeat(4_001);
    assert_eq!(applicant.post_message(r.id, &long).await.err().and_then(|e| e.status()), Some(422));
    assert_eq!(applicant.messages(r.id).await.map(|t| t.len()).ok(), Some(3));

    // A thread holds 500 messages, counted as they land: 14 sent at once at 493 leave
    // exactly 500, the rest refused `409 too_many_messages`, nothing kept of them.
    for batch in 0..49 {
        let texts: Vec<String> = (0..10).map(|i| format!("補充說明 {batch}-{i}")).collect();
        let sent = texts.iter().map(|t| applicant.post_message(r.id, t));
        assert!(futures_util::future::join_all(sent).await.into_iter().all(|m| m.is_ok()));
    }
    assert_eq!(applicant.messages(r.id).await.map(|t| t.len()).ok(), Some(493));
    let texts: Vec<String> = (0..14).map(|i| format!("回覆 {i}")).collect();
    let sent = texts.iter().map(|t| officer.post_message(r.id, t));
    let answers = futures_util::future::join_all(sent).await;
    assert_eq!(answers.iter().filter(|m| m.is_ok()).count(), 7);
    for refused in answers.into_iter().filter_map(Result::err) {
        assert_eq!((refused.status(), refused.code()), (Some(409), Some("too_many_messages")), "{refused}");
        assert!(refused.to_string().contains("500"), "{refused}");
    }
    assert_eq!(applicant.messages(r.id).await.map(|t| t.len()).ok(), Some(500));
}

/// The rule gaps a careful reviewer would catch, as the server sees them: rule 3 in
/// filters and breakdowns and an undeclared answer, rule 5.3 however the deadline is
/// written and in the thread too.
async fn rules_3_and_5_3_hold_wherever_the_applicant_writes(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let codes = |c: &statreq_e2e::statreq_contract::CheckResponse| -> Vec<(String, String)> {
        c.findings.iter().map(|f| (f.code.name(), f.pointer.clone())).collect()
    };

    // Declared free of personal data, but filtering on an ID number (rule 3).
    let mut app = common::statistics();
    app.requirement.filters = vec![Condition { field: "id_number".into(), op: Operator::Eq, values: vec!["A123456789".into()] }];
    let r = applicant.create_request(&app).await.unwrap();
    let found = codes(&applicant.check_request(r.id).await.unwrap());
    assert!(found.contains(&("personal_data_contradicts_fields".into(), "/requirement/filters/0/field".into())), "{found:?}");
    let err = applicant.submit(r.id, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("application_incomplete"));
    assert_eq!(applicant.get_request(r.id).await.unwrap().state, State::Draft);

    // Declared personal, a personal field used only as a breakdown needs its note.
    let mut app = common::detail();
    app.requirement.output = Some(statreq_e2e::statreq_domain::OutputKind::Statistics);
    app.requirement.breakdowns = vec!["birth_date".into()];
    let r = applicant.create_request(&app).await.unwrap();
    let found = codes(&applicant.check_request(r.id).await.unwrap());
    assert!(found.contains(&("personal_data_necessity_missing".into(), "/requirement/breakdowns/0".into())), "{found:?}");

    // Not answering "personal data?" at all blocks (the form starts with neither).
    let mut app = common::statistics();
    app.personal_data.contains = None;
    let r = applicant.create_request(&app).await.unwrap();
    let found = codes(&applicant.check_request(r.id).await.unwrap());
    assert!(found.contains(&("personal_data_undeclared".into(), "/personal_data/contains".into())), "{found:?}");
    assert_eq!(applicant.submit(r.id, None).await.err().and_then(|e| e.code().map(str::to_string)), Some("application_incomplete".into()));

    // A deadline however written is warned (rule 5.3) but does not block.
    let mut app = common::statistics();
    app.reason = "本案為速件，請儘速提供".into();
    app.requirement.conditions = "114年12月31日在職人員，請於115年1月5日以前函復".into();
    let r = applicant.create_request(&app).await.unwrap();
    let found = codes(&applicant.check_request(r.id).await.unwrap());
    for pointer in ["/reason", "/requirement/conditions"] {
        assert!(found.contains(&("deadline_in_text".into(), pointer.into())), "{pointer}: {found:?}");
    }
    let r = applicant.submit(r.id, None).await.unwrap();
    assert_eq!(r.state, State::PendingSupervisor);

    // In the thread too: the message is posted, with the warning for everyone to read.
    let m = applicant.post_message(r.id, "Please send it ASAP, by December 31.").await.unwrap();
    assert_eq!(m.warnings.iter().map(|w| w.code.name()).collect::<Vec<_>>(), ["deadline_in_text"]);
    assert_eq!(m.warnings[0].rule, "5.3");
    let plain = applicant.post_message(r.id, "統計基準日為114年12月31日").await.unwrap();
    assert!(plain.warnings.is_empty());
    let thread = applicant.messages(r.id).await.unwrap();
    assert_eq!(thread.iter().map(|m| m.warnings.len()).collect::<Vec<_>>(), [1, 0]);
}

async fn lists_are_scoped_filtered_and_paginated(backend: Backend) {
    let server = TestServer::start(backend);
    let npa = server.login("applicant.npa").await;
    let tpedu = server.login("applicant.tpedu").await;
    let moi = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(npa.create_request(&common::statistics()).await.unwrap().id);
    }
    let t = tpedu.create_request(&common::statistics()).await.unwrap();
    npa.submit(ids[0], None).await.unwrap();
    tpedu.submit(t.id, None).await.unwrap();

    let page1 = npa.list_requests(None, None, Some(2)).await.unwrap();
    assert_eq!(page1.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[2], ids[1]]);
    let page2 = npa.list_requests(None, page1.next_cursor.as_deref(), Some(2)).await.unwrap();
    assert_eq!(page2.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[0]]);
    assert!(page2.next_cursor.is_none());

    let drafts = npa.list_requests(Some(State::Draft), None, None).await.unwrap();
    assert_eq!(drafts.items.len(), 2);
    // The supervisor sees its subtree's submitted requests only; DGPA every submitted one.
    let seen: Vec<i64> = moi.list_requests(None, None, None).await.unwrap().items.iter().map(|r| r.id).collect();
    assert_eq!(seen, vec![ids[0]]);
    let seen: Vec<i64> = officer.list_requests(None, None, None).await.unwrap().items.iter().map(|r| r.id).collect();
    assert_eq!(seen, vec![t.id, ids[0]]);
    let err = npa.list_requests(None, None, Some(500)).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(422));
    let err = npa.list_requests(None, Some("not-a-cursor"), None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(422));
}

/// The agency each step was taken for stays on the request's record (rule 5.1): the
/// supervising agency that approved is named on its approval after the reviewer moved
/// to another agency and the applying agency moved under another supervisor, while
/// `actor.agency_code` and `supervising_agencies` say how things stand now.
async fn the_approving_agency_stays_on_the_record_when_people_and_agencies_move(backend: Backend) {
    use statreq_e2e::statreq_contract::{UpdateAgencyBody, UpdateUserBody};
    let server = TestServer::start(backend);
    let s = common::Scenario::new(&server).await;
    let admin = server.login("admin.dgpa").await;
    let r = s.in_state(&common::statistics(), State::PendingDgpa, 2).await;
    let other = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let reviewer = s.supervisor.me().await.unwrap();
    admin.update_user(reviewer.id, &UpdateUserBody { agency_code: Some("TPE".into()), ..Default::default() }, None).await.unwrap();
    // A client that follows changes by `updated_since` learns that the request's view
    // changed (its supervising agencies) when its agency moves, and of nothing else.
    let since =
        (r.updated_at.max(other.updated_at) + chrono::Duration::milliseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    async fn changed(c: &statreq_e2e::statreq_client::Client, since: &str) -> Vec<i64> {
        let mut ids: Vec<i64> = c.search_requests(&[("updated_since", since)]).await.unwrap().items.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids
    }
    assert_eq!(changed(&s.officer, &since).await, Vec::<i64>::new());
    admin.update_agency("NPA", &UpdateAgencyBody { parent_code: Some("TPE".into()), ..Default::default() }, None).await.unwrap();
    let mut moved = vec![r.id, other.id];
    moved.sort_unstable();
    assert_eq!(changed(&s.officer, &since).await, moved, "the moved agency's requests are found as changed");

    let events = s.officer.events(r.id).await.unwrap();
    let step = |kind: EventKind| events.iter().find(|e| e.kind == kind).unwrap_or_else(|| panic!("no {kind:?} in {events:?}"));
    let approval = step(EventKind::SupervisorApproved);
    let agency = |e: &statreq_e2e::statreq_contract::EventView| e.actor_agency.as_ref().map(|a| format!("{} {}", a.code, a.name));
    assert_eq!(agency(approval).as_deref(), Some("MOI 內政部"), "{approval:?}");
    assert_eq!(approval.actor.agency_code, "TPE", "the person's agency now");
    assert_eq!(agency(step(EventKind::Submitted)).as_deref(), Some("NPA 內政部警政署"));
    let now: Vec<String> = s.officer.get_request(r.id).await.unwrap().supervising_agencies.into_iter().map(|a| a.code).collect();
    assert_eq!(now, ["TPE"], "who would review it now");
    // Renaming it changes its requests' views as well; a change of staff count does not.
    admin.update_agency("NPA", &UpdateAgencyBody { personnel_staff: Some(41), ..Default::default() }, None).await.unwrap();
    // (The application awaiting review changed last: its timeline says who reviews it now.)
    let latest = s.officer.get_request(r.id).await.unwrap().updated_at.max(s.officer.get_request(other.id).await.unwrap().updated_at);
    let after_move = (latest + chrono::Duration::milliseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(changed(&s.officer, &after_move).await, Vec::<i64>::new(), "a staff count is not in a request's view");
    admin.update_agency("NPA", &UpdateAgencyBody { name: Some("內政部警政署（新）".into()), ..Default::default() }, None).await.unwrap();
    assert_eq!(changed(&s.officer, &after_move).await, moved, "the agency's new name is");
    // So is the name of the person who created them (an e-mail address is not).
    let after_rename = (s.officer.get_request(r.id).await.unwrap().updated_at + chrono::Duration::milliseconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let author = s.applicant.me().await.unwrap().id;
    let mail = UpdateUserBody { email: Some("renamed@demo.invalid".into()), ..Default::default() };
    admin.update_user(author, &mail, None).await.unwrap();
    assert_eq!(changed(&s.officer, &after_rename).await, Vec::<i64>::new(), "an e-mail address is not in a request's view");
    let renamed = UpdateUserBody { display_name: Some("林怡君（警政署人事室科長）".into()), ..Default::default() };
    admin.update_user(author, &renamed, None).await.unwrap();
    assert_eq!(changed(&s.officer, &after_rename).await, moved, "the author's new name is");
}

on_both_backends!(
    personal_data_request_from_draft_to_closed,
    statistics_request_closes_by_acknowledgement,
    resubmission_after_any_return_goes_to_the_supervisor_again,
    refusals_change_nothing,
    stale_if_match_is_refused_and_changes_nothing,
    concurrent_decisions_only_one_wins,
    messages_thread_between_office_supervisor_and_dgpa,
    lists_are_scoped_filtered_and_paginated,
    rules_3_and_5_3_hold_wherever_the_applicant_writes,
    returns_and_rejections_carry_a_reason_and_a_redirect,
    the_approving_agency_stays_on_the_record_when_people_and_agencies_move,
);

/// DGPA's returns and rejections carry a reason code; "available in an existing
/// source" names the catalog entry (rule 4), which the applicant is shown; the
/// statistics count outcomes by reason.
async fn returns_and_rejections_carry_a_reason_and_a_redirect(backend: Backend) {
    use statreq_e2e::statreq_contract::{DgpaDecisionBody, OutcomeReason};
    let server = TestServer::start(backend);
    let s = common::Scenario::new(&server).await;
    let reasons = s.applicant.outcome_reasons().await.unwrap();
    assert_eq!(reasons.len(), 6);
    assert!(reasons.iter().any(|r| r.code == OutcomeReason::AvailableInExistingSource && r.needs_source && r.rule.as_deref() == Some("4")));
    let source = s.applicant.sources("").await.unwrap()[0].id.clone();

    let r = s.in_state(&common::statistics(), State::PendingDgpa, 2).await;
    let body = |decision, reason_code, source_id: Option<&str>| DgpaDecisionBody {
        decision,
        difficulty: None,
        comment: Some("所需資料已於既有統計公開".into()),
        reason_code,
        source_id: source_id.map(String::from),
    };
    let redirect = Some(OutcomeReason::AvailableInExistingSource);
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));
    // Refusals change nothing: no source, an unknown one, a source with another reason,
    // a reason when accepting, the wrong role, a stale If-Match.
    let o = &s.officer;
    assert_eq!(
        code(o.dgpa_decision_with(r.id, None, &body(DgpaDecision::Return, redirect, None)).await.err()),
        Some("source_required".into())
    );
    assert_eq!(
        code(o.dgpa_decision_with(r.id, None, &body(DgpaDecision::Return, redirect, Some("no-such-source"))).await.err()),
        Some("unknown_source".into())
    );
    let incomplete = Some(OutcomeReason::Incomplete);
    assert_eq!(
        code(o.dgpa_decision_with(r.id, None, &body(DgpaDecision::Reject, incomplete, Some(&source))).await.err()),
        Some("source_not_applicable".into())
    );
    let accept = DgpaDecisionBody { difficulty: d(2), comment: None, ..body(DgpaDecision::Accept, incomplete, None) };
    assert_eq!(code(o.dgpa_decision_with(r.id, None, &accept).await.err()), Some("reason_not_applicable".into()));
    let by_applicant =
        s.applicant.dgpa_decision_with(r.id, None, &body(DgpaDecision::Return, redirect, Some("no-such-source"))).await.err();
    assert_eq!(by_applicant.and_then(|e| e.status()), Some(403), "the wrong role learns nothing of the catalog");
    let stale = o.dgpa_decision_with(r.id, Some(r.version + 5), &body(DgpaDecision::Return, redirect, Some(&source))).await.err();
    assert_eq!(stale.and_then(|e| e.status()), Some(412));
    let (status, _) = o
        .raw(
            statreq_e2e::statreq_client::Method::POST,
            &format!("/requests/{}/dgpa-decision", r.id),
            "application/json",
            br#"{"decision":"return","comment":"x","reason_code":"nope"}"#.to_vec(),
            Some("*"),
        )
        .await
        .unwrap();
    assert!(status == 400 || status == 422, "{status}");
    assert_eq!(s.applicant.get_request(r.id).await.unwrap().version, r.version, "nothing changed");

    // The redirect: the applicant reads the reason and where the data is.
    let returned = o.dgpa_decision_with(r.id, Some(r.version), &body(DgpaDecision::Return, redirect, Some(&source))).await.unwrap();
    assert_eq!(returned.state, State::Returned);
    let events = s.applicant.events(r.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.data["reason_code"].as_str(), last.data["source_id"].as_str()),
        (Some("available_in_existing_source"), Some(source.as_str()))
    );

    // Without a code a rejection is `other`; the statistics count by reason.
    let r2 = s.in_state(&common::statistics(), State::PendingDgpa, 2).await;
    o.dgpa_decision(r2.id, None, DgpaDecision::Reject, None, Some("不符規定")).await.unwrap();
    s.in_state(&common::statistics(), State::Queued, 2).await;
    let stats = o.stats().await.unwrap();
    let count = |k: &str| stats.outcomes.by_reason.iter().find(|c| c.key == k).map(|c| c.count);
    assert_eq!((count("available_in_existing_source"), count("other"), count("incomplete")), (Some(1), Some(1), Some(0)));
    assert!(o.stats_csv().await.unwrap().contains("outcome_reason,available_in_existing_source,1"));
    // Backlog age is also in working days: never more than the calendar days waited.
    let b = &stats.backlog;
    assert_eq!(b.open, 1, "{b:?}");
    assert_eq!((b.max_wait_days, b.max_wait_working_days), (Some(0.0), Some(0.0)), "queued just now");
    assert!(o.stats_csv().await.unwrap().contains("backlog,max_wait_working_days,0"));
}
