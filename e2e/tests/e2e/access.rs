//! Access rules: every state-changing endpoint refuses the wrong role (403) and the
//! wrong agency (404, never the data), and a refusal changes nothing.

use crate::common;

use reqwest::Method;
use serde_json::json;
use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{CreateUserBody, Role, State};
use statreq_e2e::statreq_domain::{ApplicationPatch, Decision};
use statreq_e2e::{on_both_backends, Backend, TestServer, DEMO_PASSWORD};

async fn call(c: &Client, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    c.raw(Method::POST, path, "application/json", serde_json::to_vec(&body).unwrap_or_default(), None).await.unwrap()
}

/// A request brought to each state, for the table of refusals below.
async fn request_in(server: &TestServer, state: State) -> i64 {
    common::Scenario::new(server).await.in_state(&common::statistics(), state, 2).await.id
}

async fn wrong_role_is_forbidden_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let admin = server.login("admin.dgpa").await;
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).to_string();

    // (state the request is in, endpoint, body, callers with the wrong role who can see it)
    let cases: Vec<(State, &str, serde_json::Value, Vec<&Client>)> = vec![
        (State::PendingSupervisor, "supervisor-decision", json!({"decision": "approve"}), vec![&applicant, &officer]),
        (State::PendingDgpa, "dgpa-decision", json!({"decision": "accept", "difficulty": 2}), vec![&applicant, &supervisor, &admin]),
        (State::Queued, "take", json!({}), vec![&applicant, &supervisor, &admin]),
        (State::InProduction, "deliver", json!({"reply": "x"}), vec![&applicant, &supervisor, &admin]),
        (State::PendingDgpa, "withdraw", json!({}), vec![&supervisor, &officer, &admin]),
        (State::Delivered, "acknowledge", json!({}), vec![&officer, &supervisor]),
        (State::Delivered, "destruction", json!({"destroyed_on": today, "method": "刪除"}), vec![&officer]),
        // The role is checked before the state: a wrong role learns nothing of it (403, not 409).
        (State::Draft, "dgpa-decision", json!({"decision": "accept", "difficulty": 2}), vec![&applicant]),
        (State::Closed, "take", json!({}), vec![&applicant]),
    ];
    for (state, action, body, callers) in cases {
        let id = request_in(&server, state).await;
        let before = applicant.get_request(id).await.unwrap();
        for c in callers {
            let (status, problem) = call(c, &format!("/requests/{id}/{action}"), body.clone()).await;
            assert_eq!(status, 403, "{action} in {state:?}: {problem}");
            assert_eq!(problem["code"], "role_required", "{action}: {problem}");
        }
        let after = applicant.get_request(id).await.unwrap();
        assert_eq!((after.state, after.version), (before.state, before.version), "{action} changed something");
    }

    // Creating needs the applicant role; editing needs the applicant's office.
    let (status, p) = call(&officer, "/requests", serde_json::to_value(common::statistics()).unwrap_or_default()).await;
    assert_eq!((status, p["code"].as_str()), (403, Some("role_required")));
    // The person reads the role by its name, as the lifecycle's refusals name it; the
    // integrator keeps the code in English.
    assert_eq!(p["message"]["zh_tw"], "此動作需要「申請人」角色。", "{p}");
    assert_eq!(p["message"]["en"], "This action needs the 'applicant' role.", "{p}");
    let id = request_in(&server, State::PendingDgpa).await;
    let (status, p) = call(&applicant, &format!("/requests/{id}/dgpa-decision"), json!({"decision": "accept", "difficulty": 2})).await;
    assert_eq!((status, p["message"]["zh_tw"].as_str()), (403, Some("此動作需要「人事總處承辦人」角色。")), "{p}");
    // Admin endpoints need dgpa_admin.
    for c in [&applicant, &supervisor, &officer] {
        let (status, _) = call(c, "/agencies", json!({"code": "X1", "name": "x", "parent_code": "DGPA"})).await;
        assert_eq!(status, 403);
        let err = c.list_users(None).await.err();
        assert_eq!(err.as_ref().and_then(|e| e.status()), Some(403));
    }
}

async fn wrong_agency_sees_nothing(backend: Backend) {
    let server = TestServer::start(backend);
    let npa = server.login("applicant.npa").await;
    let tpedu = server.login("applicant.tpedu").await;
    let tpe = server.login("supervisor.tpe").await;
    let moi = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).to_string();

    let draft = npa.create_request(&common::statistics()).await.unwrap();
    // Drafts are the office's own: another office, the supervisor and DGPA get 404.
    for c in [&tpedu, &tpe, &moi, &officer] {
        assert_eq!(c.get_request(draft.id).await.err().and_then(|e| e.status()), Some(404));
    }
    for state in [State::Draft, State::PendingSupervisor, State::PendingDgpa, State::Queued, State::InProduction, State::Delivered] {
        let id = request_in(&server, state).await;
        let before = npa.get_request(id).await.unwrap();
        for (action, body) in [
            ("submit", json!({})),
            ("withdraw", json!({})),
            ("supervisor-decision", json!({"decision": "approve"})),
            ("dgpa-decision", json!({"decision": "reject", "comment": "x"})),
            ("take", json!({})),
            ("deliver", json!({"reply": "x"})),
            ("destruction", json!({"destroyed_on": today, "method": "x"})),
            ("acknowledge", json!({})),
            ("check", json!({})),
            ("messages", json!({"body": "x"})),
        ] {
            for c in [&tpedu, &tpe] {
                let (status, p) = call(c, &format!("/requests/{id}/{action}"), body.clone()).await;
                assert_eq!(status, 404, "{action} on {state:?} by another agency: {p}");
                assert!(p.get("application").is_none());
            }
        }
        let body = serde_json::to_vec(&json!({"reason": "改"})).unwrap_or_default();
        let (status, _) = tpedu.raw(Method::PATCH, &format!("/requests/{id}"), "application/json", body, Some("\"1\"")).await.unwrap();
        assert_eq!(status, 404);
        for path in ["", "/events", "/revisions", "/messages"] {
            let (status, _) = tpedu.raw(Method::GET, &format!("/requests/{id}{path}"), "application/json", vec![], None).await.unwrap();
            assert_eq!(status, 404, "GET {path}");
        }
        let after = npa.get_request(id).await.unwrap();
        assert_eq!((after.state, after.version), (before.state, before.version));
    }
    // Nobody else's requests leak into lists.
    let listed = tpedu.list_requests(None, None, None).await.unwrap();
    assert!(listed.items.is_empty());
    let listed = tpe.list_requests(None, None, None).await.unwrap();
    assert!(listed.items.is_empty());
}

async fn nobody_decides_on_their_own_request(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    // A ministry's personnel officer who is both applicant and supervisor.
    let body = CreateUserBody {
        username: "both.moi".into(),
        display_name: "趙子龍（內政部人事處）".into(),
        email: String::new(),
        agency_code: "MOI".into(),
        roles: vec![Role::Applicant, Role::Supervisor],
        password: DEMO_PASSWORD.into(),
    };
    admin.create_user(&body).await.unwrap();
    let both = server.login("both.moi").await;
    let r = both.create_request(&common::statistics()).await.unwrap();
    let r = both.submit(r.id, None).await.unwrap();
    assert!(!r.allowed_actions.iter().any(|a| format!("{a:?}").starts_with("Supervisor")));
    let err = both.supervisor_decision(r.id, None, Decision::Approve, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("separation_of_duties"));
    // A colleague at the same ministry (a top-level supervising agency) may approve.
    let colleague = server.login("supervisor.moi").await;
    let r = colleague.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    assert_eq!(r.state, State::PendingDgpa);
    // Another city's supervisor never sees it.
    let tpe = server.login("supervisor.tpe").await;
    assert_eq!(tpe.get_request(r.id).await.err().and_then(|e| e.status()), Some(404));
    // A subordinate agency's supervisor cannot approve its parent's request.
    let body = CreateUserBody {
        username: "sup.npa".into(),
        display_name: "警政署審核".into(),
        email: String::new(),
        agency_code: "NPA".into(),
        roles: vec![Role::Supervisor],
        password: DEMO_PASSWORD.into(),
    };
    admin.create_user(&body).await.unwrap();
    let sub = server.login("sup.npa").await;
    let r2 = both.create_request(&common::statistics()).await.unwrap();
    both.submit(r2.id, None).await.unwrap();
    assert_eq!(sub.supervisor_decision(r2.id, None, Decision::Approve, None).await.err().and_then(|e| e.status()), Some(404));

    // Not only the creator: a colleague who edited the draft, or submitted it, does not
    // decide on it either.
    let body = CreateUserBody {
        username: "drafter.moi".into(),
        display_name: "內政部人事處承辦".into(),
        email: String::new(),
        agency_code: "MOI".into(),
        roles: vec![Role::Applicant],
        password: DEMO_PASSWORD.into(),
    };
    admin.create_user(&body).await.unwrap();
    let drafter = server.login("drafter.moi").await;
    let edited = drafter.create_request(&common::statistics()).await.unwrap();
    let patch = ApplicationPatch { reason: Some("研議人力配置（同仁修正）".into()), ..Default::default() };
    let edited = both.update_request(edited.id, edited.version, &patch).await.unwrap();
    let edited = drafter.submit(edited.id, Some(edited.version)).await.unwrap();
    let submitted = drafter.create_request(&common::statistics()).await.unwrap();
    let submitted = both.submit(submitted.id, Some(submitted.version)).await.unwrap();
    for r in [&edited, &submitted] {
        let seen = both.get_request(r.id).await.unwrap();
        assert!(!seen.allowed_actions.iter().any(|a| format!("{a:?}").starts_with("Supervisor")), "{:?}", seen.allowed_actions);
        let err = both.supervisor_decision(r.id, Some(r.version), Decision::Approve, None).await.err();
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some("separation_of_duties"), "request {}", r.id);
        assert_eq!(drafter.get_request(r.id).await.unwrap().state, State::PendingSupervisor, "the refusal changed nothing");
        colleague.supervisor_decision(r.id, Some(r.version), Decision::Approve, None).await.unwrap();
    }
}

on_both_backends!(wrong_role_is_forbidden_and_changes_nothing, wrong_agency_sees_nothing, nobody_decides_on_their_own_request);
