//! Reminders and escalations, seen with the sweep's clock moved ahead (a test-only
//! flag): destruction due in 30 and 7 days and overdue, escalated to the supervising
//! office; applications waiting on their supervisor escalated in working days; and
//! each person's choice of which notices also come by e-mail.

use crate::common::{self, Scenario};

use serde_json::json;
use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{EventKind, Role, State};
use statreq_e2e::{on_both_backends, Backend, TestServer};

/// Whether a notice's link opens request `id` (at a place on its page or not).
fn about(link: &str, id: i64) -> bool {
    link.strip_prefix(&format!("/requests/{id}")).is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
}

/// Waits for a notice of `kind` about request `id`; `None` when none came in `tries` looks.
pub(crate) async fn notice(c: &Client, kind: &str, id: i64, tries: u32) -> Option<statreq_e2e::statreq_contract::InboxItem> {
    for _ in 0..tries {
        let found = c.inbox(false).await.unwrap().into_iter().find(|i| i.kind == kind && about(&i.link, id));
        if found.is_some() {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    None
}

async fn destruction_is_reminded_and_escalated_once_overdue(backend: Backend) {
    // 85 days after delivery of data kept 90 days: due within a week.
    let server = TestServer::start_with(backend, &["--sweep-seconds", "1", "--test-clock-offset-days", "85"]);
    let s = Scenario::new(&server).await;
    let r = s.in_state(&common::detail(), State::Delivered, 2).await;
    let due = notice(&s.applicant, "destruction_due", r.id, 50).await.unwrap_or_else(|| panic!("no reminder"));
    assert!(due.message.zh_tw.contains("應於") && due.message.en.contains("must be destroyed by"), "{:?}", due.message);
    // (The sweep's clock runs 85 days ahead, so the request may have been reminded to
    // its supervisor as waiting while it passed through their review: only the
    // destruction's escalation counts here.)
    assert_eq!(notices_saying(&s.supervisor, "escalation", r.id, "銷毀期限", 10).await, 0, "not overdue: not escalated");
    // Once, however many sweeps.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let count = s.applicant.inbox(false).await.unwrap().iter().filter(|i| i.kind == "destruction_due").count();
    assert_eq!(count, 1);
    drop(server);

    // 100 days on: overdue, told to the office and escalated to its supervising office.
    let server = TestServer::start_with(backend, &["--sweep-seconds", "1", "--test-clock-offset-days", "100"]);
    let s = Scenario::new(&server).await;
    let r = s.in_state(&common::detail(), State::Delivered, 2).await;
    notice(&s.applicant, "destruction_overdue", r.id, 50).await.unwrap_or_else(|| panic!("no overdue notice"));
    assert_eq!(notices_saying(&s.supervisor, "escalation", r.id, "NPA 之案件", 50).await, 1, "not escalated");
}

/// A server whose sweep looks three weeks ahead, escalating after 3 working days and
/// to DGPA `then_dgpa` working days later.
fn three_weeks_on(backend: Backend, then_dgpa: &str, more: &[&str]) -> TestServer {
    let args = ["--sweep-seconds", "1", "--test-clock-offset-days", "21", "--escalate-after-working-days", "3"];
    TestServer::start_with(backend, &[&args[..], &["--escalate-to-dgpa-after-working-days", then_dgpa], more].concat())
}

async fn waiting_on_the_supervisor_is_escalated_in_working_days(backend: Backend) {
    let sink = statreq_e2e::sinks::SmtpSink::start().await;
    let server = three_weeks_on(backend, "3", &["--smtp-url", &sink.url(), "--retry-base-ms", "100", "--worker-poll-ms", "100"]);
    let s = Scenario::new(&server).await;
    let r = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let n = notice(&s.supervisor, "escalation", r.id, 50).await.unwrap_or_else(|| panic!("supervisor not reminded"));
    assert!(n.message.en.contains("working days"), "{:?}", n.message);
    notice(&s.officer, "escalation", r.id, 50).await.unwrap_or_else(|| panic!("DGPA not told"));
    // Its e-mail says in the subject what it is about (it said 「案件 #12」 alone). (The
    // subject as decoded here is its encoded words, without the plain ones such as "#12".)
    let about = format!("案件 #{} 待主管機關審核已逾", r.id);
    let subject = |m: &statreq_e2e::sinks::Mail| crate::integration::decoded(&m.data).lines().next().unwrap_or_default().to_string();
    let mails = sink.wait_until(20, |m| m.iter().any(|m| crate::integration::decoded(&m.data).contains(&about))).await;
    let subjects: Vec<String> = mails.iter().filter(|m| crate::integration::decoded(&m.data).contains(&about)).map(subject).collect();
    assert!(!subjects.is_empty() && subjects.iter().all(|h| h.contains("待主管機關審核逾時")), "{subjects:#?}");
    // Approved, it is no longer escalated (nothing new for a new request's supervisor either).
    assert!(notice(&s.applicant, "escalation", r.id, 5).await.is_none(), "the office is not who it is escalated to");
}

/// An application whose supervising agency has no account that may review it (none
/// made yet, or every one disabled) reminds nobody at the first escalation: DGPA's
/// officers are told then, saying so, rather than after the second wait. One that has a
/// reviewer is not told to DGPA before its time.
async fn an_application_nobody_can_review_is_told_to_dgpa_at_the_first_escalation(backend: Backend) {
    use statreq_e2e::statreq_contract::{CreateAgencyBody, CreateUserBody};
    let server = three_weeks_on(backend, "60", &[]);
    let s = Scenario::new(&server).await;
    let admin = server.login("admin.dgpa").await;
    for (code, name, parent) in [("KHH", "高雄市政府", "DGPA"), ("KHPD", "高雄市政府警察局", "KHH")] {
        let body = CreateAgencyBody { code: code.into(), name: name.into(), parent_code: parent.into(), personnel_staff: 5 };
        admin.create_agency(&body).await.unwrap();
    }
    let body = CreateUserBody {
        username: "applicant.khpd".into(),
        display_name: "高市警察局人事室".into(),
        email: String::new(),
        agency_code: "KHPD".into(),
        roles: vec![Role::Applicant],
        password: statreq_e2e::DEMO_PASSWORD.into(),
    };
    admin.create_user(&body).await.unwrap();
    let khpd = server.login("applicant.khpd").await;
    let lonely = khpd.create_request(&common::statistics()).await.unwrap();
    let lonely = khpd.submit(lonely.id, Some(lonely.version)).await.unwrap();
    let reviewed = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let told = notice(&s.officer, "escalation", lonely.id, 50).await.unwrap_or_else(|| panic!("DGPA not told"));
    assert!(told.message.zh_tw.contains("KHPD") && told.message.zh_tw.contains("尚無可審核之帳號"), "{:?}", told.message);
    assert!(told.message.en.contains("no account that can review"), "{:?}", told.message);
    notice(&s.supervisor, "escalation", reviewed.id, 50).await.unwrap_or_else(|| panic!("its supervisor not reminded"));
    assert!(notice(&s.officer, "escalation", reviewed.id, 5).await.is_none(), "one with a reviewer waits for the second stage");
}

async fn people_choose_which_notices_come_by_email(backend: Backend) {
    let server = TestServer::start(backend);
    let c = server.login("applicant.npa").await;
    let all = c.notification_settings().await.unwrap();
    assert!(all.email.values().all(|on| *on), "everything by e-mail to start with");
    // How e-mail goes here: not at all (no mail server), each at once (the test servers').
    assert_eq!((all.email_sent, all.email_gather_seconds), (Some(false), Some(0)));
    for kind in ["request_submitted", "request_dgpa_returned", "destruction_due", "destruction_overdue", "escalation"] {
        assert!(all.email.contains_key(kind), "{kind} missing from {:?}", all.email.keys());
    }
    let changed = c.put_notification_settings(&[("request_dgpa_returned", false)]).await.unwrap();
    assert_eq!(changed.email.get("request_dgpa_returned"), Some(&false));
    assert_eq!(changed.email.get("destruction_due"), Some(&true), "kinds not named keep their setting");
    assert_eq!(c.notification_settings().await.unwrap(), changed);
    // The same choice again is no change, and leaves no second audit entry.
    let admin = server.login("admin.dgpa").await;
    let recorded = || async { admin.audit("action=user.notification_settings").await.map(|p| p.items.len()).unwrap_or_default() };
    assert_eq!(recorded().await, 1);
    assert_eq!(c.put_notification_settings(&[("request_dgpa_returned", false)]).await.ok(), Some(changed.clone()));
    assert_eq!(recorded().await, 1);
    let err = c.put_notification_settings(&[("no_such_kind", false)]).await.err();
    assert_eq!(err.and_then(|e| e.status()), Some(422));
    let (status, _) = c
        .raw(statreq_e2e::statreq_client::Method::PUT, "/me/notification-settings", "application/json", b"{\"email\":".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(status, 400);
    assert_eq!(c.notification_settings().await.unwrap(), changed, "refusals changed nothing");
    // What a GET said may be sent back as it was: how e-mail goes is read only, ignored.
    let mut back = changed.clone();
    (back.email_sent, back.email_gather_seconds) = (Some(true), Some(5));
    let body = serde_json::to_vec(&back).unwrap();
    let (status, answer) =
        c.raw(statreq_e2e::statreq_client::Method::PUT, "/me/notification-settings", "application/json", body, None).await.unwrap();
    assert_eq!((status, &answer["email_sent"], &answer["email_gather_seconds"]), (200, &serde_json::json!(false), &serde_json::json!(0)));
    // A value no server could have said is refused as the contract describes it, changing nothing.
    back.email_gather_seconds = Some(3601);
    let (status, answer) = c
        .raw(
            statreq_e2e::statreq_client::Method::PUT,
            "/me/notification-settings",
            "application/json",
            serde_json::to_vec(&back).unwrap(),
            None,
        )
        .await
        .unwrap();
    assert_eq!((status, &answer["errors"][0]["pointer"]), (422, &serde_json::json!("/email_gather_seconds")), "{answer}");
    // Another person's settings are their own.
    let theirs = server.login("supervisor.moi").await.notification_settings().await.unwrap();
    assert!(theirs.email.values().all(|on| *on));
    // A supervisor may keep out DGPA sending back what it approved.
    assert!(theirs.email.contains_key("request_dgpa_rejected") && theirs.inbox.contains_key("request_dgpa_returned"), "{theirs:?}");

    // Boxes ticked in quick succession each land: changes sent at once, by e-mail and in
    // the inbox, none lost to another (each was read before the others were written).
    let kinds = [
        "request_supervisor_returned",
        "request_supervisor_rejected",
        "request_dgpa_accepted",
        "request_dgpa_rejected",
        "request_taken",
        "request_held",
    ];
    let sent = kinds.iter().enumerate().map(|(i, k)| {
        let c = c.clone();
        async move {
            if i % 2 == 0 {
                c.put_notification_settings(&[(k, false)]).await
            } else {
                c.put_inbox_settings(&[(k, false)]).await
            }
        }
    });
    assert!(futures_util::future::join_all(sent).await.iter().all(Result::is_ok));
    let now = c.notification_settings().await.unwrap();
    for (i, k) in kinds.iter().enumerate() {
        let (mail, inbox) = (now.email.get(*k).copied(), now.inbox.get(*k).copied());
        assert_eq!((mail, inbox), if i % 2 == 0 { (Some(false), Some(true)) } else { (Some(true), Some(false)) }, "{k}");
    }
    assert_eq!(now.email.get("request_dgpa_returned"), Some(&false), "the earlier change stays");
}

/// Waits for `c`'s notices of a year without an office calendar; empty when none came
/// in `tries` looks.
async fn calendar_notices(c: &Client, tries: u32) -> Vec<statreq_e2e::statreq_contract::InboxItem> {
    for i in 0..tries {
        let found: Vec<_> = c.inbox(false).await.unwrap().into_iter().filter(|n| n.kind == "calendar_missing").collect();
        if !found.is_empty() || i + 1 == tries {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Vec::new()
}

/// Waits for `c`'s notices of `kind` about request `id` whose Chinese text holds `words`.
async fn notices_saying(c: &Client, kind: &str, id: i64, words: &str, tries: u32) -> usize {
    for i in 0..tries {
        let n = c
            .inbox(false)
            .await
            .unwrap()
            .iter()
            .filter(|n| n.kind == kind && about(&n.link, id) && n.message.zh_tw.contains(words))
            .count();
        if n > 0 || i + 1 == tries {
            return n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    0
}

/// The notices telling `c` that request `id` no longer awaits their review, saying
/// `words` (waits up to 10 s for the first).
async fn left_notices(c: &Client, id: i64, words: &str) -> Vec<statreq_e2e::statreq_contract::InboxItem> {
    for _ in 0..50 {
        let found: Vec<_> = c
            .inbox(false)
            .await
            .unwrap()
            .into_iter()
            .filter(|n| {
                n.kind == "request_submitted" && n.message.zh_tw.contains(&format!("案件 #{id} ")) && n.message.zh_tw.contains(words)
            })
            .collect();
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Vec::new()
}

/// An agency moved under another supervising agency (a reorganisation, rule 5.1): its
/// applications awaiting review now await the new supervising agency's reviewers, who
/// were never told of them and are told now, once (as of a submission); the reviewers
/// it left no longer see them, and are told where it went; a change of name or staff tells nobody. By the form
/// (`PATCH /agencies/{code}`) and by CSV import alike.
async fn applications_awaiting_review_follow_a_moved_agency_and_its_new_reviewers_are_told(backend: Backend) {
    use statreq_e2e::statreq_contract::UpdateAgencyBody;
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let s = Scenario::new(&server).await;
    let (admin, tpe) = (server.login("admin.dgpa").await, server.login("supervisor.tpe").await);
    let r = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let named = |v: &statreq_e2e::statreq_contract::RequestView| {
        v.supervising_agencies.iter().map(|a| format!("{} {}", a.code, a.name)).collect::<Vec<_>>()
    };
    assert_eq!(named(&r), ["MOI 內政部"], "who reviews it");
    // The office's own system listens for the change.
    let webhr = crate::integration::service_account(&server, "webhr.npa", "NPA").await;
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(0).await;
    let hook = statreq_e2e::statreq_contract::WebhookBody {
        url: receiver.url.clone(),
        events: vec!["request.supervisor_changed".into()],
        description: None,
    };
    webhr.create_webhook(&hook).await.unwrap();
    let staff = UpdateAgencyBody { personnel_staff: Some(40), ..Default::default() };
    admin.update_agency("NPA", &staff, None).await.unwrap();
    let moved = UpdateAgencyBody { parent_code: Some("TPE".into()), ..Default::default() };
    admin.update_agency("NPA", &moved, None).await.unwrap();
    assert_eq!(notices_saying(&tpe, "request_submitted", r.id, "改隸臺北市政府", 50).await, 1, "the new reviewers are told");
    let told = tpe.inbox(false).await.unwrap().into_iter().find(|n| about(&n.link, r.id)).unwrap_or_else(|| panic!("no notice"));
    assert!(told.message.zh_tw.contains("內政部警政署") && told.message.en.contains("moved under 臺北市政府"), "{:?}", told.message);
    let theirs = tpe.get_request(r.id).await.unwrap();
    assert!(theirs.allowed_actions.iter().any(|a| format!("{a:?}") == "SupervisorApprove"), "{:?}", theirs.allowed_actions);
    assert_eq!(named(&s.applicant.get_request(r.id).await.unwrap()), ["TPE 臺北市政府"], "the office sees who reviews it now");
    // On the timeline, by the administrator who moved it, saying which moved where (the
    // change of staff before it recorded nothing); and the office is told.
    let changed: Vec<_> = s.applicant.events(r.id).await.unwrap().into_iter().filter(|e| e.kind == EventKind::SupervisorChanged).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    let e = &changed[0];
    assert!(e.actor.display_name.contains("吳美玲"), "{:?}", e.actor);
    assert_eq!(
        (e.from_state, e.to_state, e.actor.agency_code.as_str()),
        (Some(State::PendingSupervisor), State::PendingSupervisor, "DGPA")
    );
    assert_eq!(
        (&e.data["agency"], &e.data["parent_name"], &e.data["from"], &e.data["to"], &e.data["to_names"]),
        (&json!("NPA"), &json!("臺北市政府"), &json!(["MOI"]), &json!(["TPE"]), &json!(["臺北市政府"]))
    );
    assert_eq!(notices_saying(&s.applicant, "request_supervisor_changed", r.id, "改由新的主管機關", 50).await, 1, "the office is told");
    let got = receiver.wait_until(20, |g| !g.is_empty()).await;
    let body: serde_json::Value = serde_json::from_str(got.first().map_or("", |g| g.body.as_str())).unwrap_or_default();
    assert_eq!(
        (&body["type"], &body["event"], &body["request"]["id"], &body["request"]["state"]),
        (&json!("request.supervisor_changed"), &json!("supervisor_changed"), &json!(r.id), &json!("pending_supervisor")),
        "{body}"
    );
    assert_eq!(s.supervisor.get_request(r.id).await.err().and_then(|e| e.status()), Some(404), "the reviewers it left");
    assert_eq!(notices_saying(&s.supervisor, "request_submitted", r.id, "改隸", 3).await, 0, "they are not told it awaits them");
    let left = left_notices(&s.supervisor, r.id, "改由臺北市政府審核，貴機關毋須再審").await;
    assert_eq!(left.len(), 1, "they are told where it went");
    assert!(left[0].message.en.contains("no longer awaits your review") && left[0].link == "/", "{left:?}");
    // Once, however often read; a change of staff told nobody.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(tpe.inbox(false).await.unwrap().iter().filter(|n| about(&n.link, r.id)).count(), 1);

    // Back under MOI by CSV import: MOI's reviewers are told it awaits them again.
    admin.import_agencies("code,name,parent_code,personnel_staff\nNPA,內政部警政署,MOI,40\n").await.unwrap();
    assert_eq!(notices_saying(&s.supervisor, "request_submitted", r.id, "改隸內政部", 50).await, 1);
    assert_eq!(notices_saying(&tpe, "request_submitted", r.id, "改隸內政部", 3).await, 0, "the reviewers it left");
    assert_eq!(left_notices(&tpe, r.id, "改由內政部審核").await.len(), 1, "are told where it went");
    assert_eq!(left_notices(&s.supervisor, r.id, "毋須再審").await.len(), 1, "once");
    let back = s.supervisor.supervisor_decision(r.id, None, statreq_e2e::statreq_contract::Decision::Approve, None).await.unwrap();
    assert_eq!(back.state, State::PendingDgpa);
}

/// An agency moved directly under DGPA reviews its own applications (rule 5.1), by
/// someone other than the drafter: its other reviewers are told an application awaits
/// them, the drafter, who also reviews there, is not (it was told its own application
/// awaited its review, which it may not give) — at the move, and at a submission.
async fn a_move_does_not_ask_the_drafter_to_review_their_own_application(backend: Backend) {
    use statreq_e2e::statreq_contract::{CreateUserBody, UpdateAgencyBody};
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let admin = server.login("admin.dgpa").await;
    let person = |username: &str, roles: Vec<Role>| CreateUserBody {
        username: username.into(),
        display_name: format!("警政署人事室 {username}"),
        email: String::new(),
        agency_code: "NPA".into(),
        roles,
        password: statreq_e2e::DEMO_PASSWORD.into(),
    };
    admin.create_user(&person("both.npa", vec![Role::Applicant, Role::Supervisor])).await.unwrap();
    admin.create_user(&person("sup.npa", vec![Role::Supervisor])).await.unwrap();
    let (drafter, reviewer) = (server.login("both.npa").await, server.login("sup.npa").await);
    let r = drafter.create_request(&common::statistics()).await.unwrap();
    let r = drafter.submit(r.id, Some(r.version)).await.unwrap();
    let moved = UpdateAgencyBody { parent_code: Some("DGPA".into()), ..Default::default() };
    admin.update_agency("NPA", &moved, None).await.unwrap();
    assert_eq!(notices_saying(&reviewer, "request_submitted", r.id, "改隸", 50).await, 1, "NPA's other reviewer is told");
    assert_eq!(notices_saying(&drafter, "request_submitted", r.id, "改隸", 1).await, 0, "the drafter is not");
    // Its next application, drafted by it and sent by a colleague: the same.
    let colleague = server.login("applicant.npa").await;
    let next = drafter.create_request(&common::statistics()).await.unwrap();
    let next = colleague.submit(next.id, Some(next.version)).await.unwrap();
    assert_eq!(next.state, State::PendingSupervisor);
    assert_eq!(notices_saying(&reviewer, "request_submitted", next.id, "已送出", 50).await, 1, "NPA's other reviewer is told");
    assert_eq!(notices_saying(&drafter, "request_submitted", next.id, "已送出", 1).await, 0, "the drafter is not");
}

/// Days to move the service's clock past 1 October 2027 (none once that is past), and
/// the year whose office calendar is then due and missing (2026 and 2027 are built in).
pub(crate) fn past_the_built_in_calendars() -> (i64, i32) {
    use chrono::Datelike;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let after = chrono::NaiveDate::from_ymd_opt(2027, 10, 15).unwrap_or(today);
    let offset = (after - today).num_days().max(0);
    let moved = today + chrono::Duration::days(offset);
    (offset, if moved.month() >= 10 { moved.year() + 1 } else { moved.year() })
}

/// Working days (waits, escalations, turnaround) are counted by each year's office
/// calendar; a year without one would count weekends only. statreq has 2026 and 2027
/// built in: with the sweep's clock moved past 1 October 2027, the next year's is
/// missing, and each administrator (no one else) is told once, however many sweeps;
/// once the year is set, nobody more is told.
async fn a_year_without_an_office_calendar_is_told_to_the_administrators(backend: Backend) {
    let (offset, year) = past_the_built_in_calendars();
    let server = TestServer::start_with(backend, &["--sweep-seconds", "1", "--test-clock-offset-days", &offset.to_string()]);
    let admin = server.login("admin.dgpa").await;
    let told = calendar_notices(&admin, 50).await;
    assert!(told.iter().any(|n| n.message.zh_tw.contains(&format!("{year} 年")) && n.message.en.contains(&year.to_string())), "{told:?}");
    assert!(told.iter().all(|n| n.link == "/admin#cal-h"), "{told:?}");
    // The calendar's years say the same, to anyone signed in.
    let years = server.login("applicant.npa").await.calendar_years().await.unwrap();
    assert!(years.missing.contains(&year) && !years.years.contains(&year), "{years:?}");
    assert_eq!(years.missing.len(), told.len(), "{years:?} {told:?}");
    assert!(years.years.windows(2).all(|w| w[0] < w[1]) && years.years.contains(&2027), "{years:?}");
    let officer = server.login("officer1.dgpa").await;
    assert!(calendar_notices(&officer, 1).await.is_empty(), "an officer does not set the calendar");
    // Once, however many sweeps.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(calendar_notices(&admin, 1).await.len(), told.len());
    // Every administrator: one added now is told at the next sweep.
    let new_admin = |name: &str| statreq_e2e::statreq_contract::CreateUserBody {
        username: name.into(),
        display_name: format!("人事總處管理者 {name}"),
        email: String::new(),
        agency_code: "DGPA".into(),
        roles: vec![Role::DgpaAdmin],
        password: statreq_e2e::DEMO_PASSWORD.into(),
    };
    admin.create_user(&new_admin("admin2.dgpa")).await.unwrap();
    let second = server.login("admin2.dgpa").await;
    assert_eq!(calendar_notices(&second, 50).await.len(), told.len());
    // Once every year asked for is set, nobody more is told.
    for n in &told {
        let y: i32 = n.message.en.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(year);
        let cal = statreq_e2e::statreq_domain::calendar::OfficeCalendar { year: y, days_off: vec![], make_up_workdays: vec![] };
        admin.put_calendar(&cal, None).await.unwrap();
    }
    assert_eq!(admin.calendar_years().await.unwrap().missing, Vec::<i32>::new());
    admin.create_user(&new_admin("admin3.dgpa")).await.unwrap();
    let third = server.login("admin3.dgpa").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert!(calendar_notices(&third, 1).await.is_empty(), "every year is set");
}

/// A DGPA officer who works from the queue keeps arrivals and new questions out of the
/// inbox (contract 1.11.0); another officer still gets them. The reminders rule 6 obliges
/// an office to act on, and escalations, always come: keeping one out is refused.
async fn people_keep_notices_out_of_their_inbox(backend: Backend) {
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let s = Scenario::new(&server).await;
    let (officer, officer2) = (&s.officer, &s.officer2);
    let start = officer2.notification_settings().await.unwrap();
    assert!(start.inbox.values().all(|on| *on) && start.inbox.len() == start.email.len(), "every kind in the inbox to start with");

    // Refusals change nothing.
    let err = officer2.put_inbox_settings(&[("escalation", false)]).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((problem.status, problem.code.as_str(), problem.errors[0].pointer.as_str()), (422, "invalid_value", "/inbox/escalation"));
    assert!(problem.message.zh_tw.contains("第6點"), "{:?}", problem.message);
    let err = officer2.put_inbox_settings(&[("request_supervisor_approved", false), ("no_such_kind", false)]).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| p.errors[0].pointer.as_str()), Some("/inbox/no_such_kind"));
    assert_eq!(officer2.notification_settings().await.unwrap(), start, "refusals changed nothing");

    let kept = officer2.put_inbox_settings(&[("request_supervisor_approved", false), ("inquiry_created", false)]).await.unwrap();
    assert_eq!((kept.inbox.get("request_supervisor_approved"), kept.inbox.get("inquiry_created")), (Some(&false), Some(&false)));
    assert_eq!(kept.email, start.email, "e-mail is its own choice");
    assert_eq!(kept.inbox.get("request_message_posted"), Some(&true), "kinds not named keep their setting");
    assert_eq!(officer2.notification_settings().await.unwrap(), kept);

    // An approval reaches DGPA: the one officer hears of it, the other not.
    let r = s.in_state(&common::statistics(), State::PendingDgpa, 3).await;
    assert!(notice(officer, "request_supervisor_approved", r.id, 100).await.is_some(), "officer1 is told");
    assert_eq!(notices(officer2, "request_supervisor_approved", r.id).await, 0, "officer2 kept it out");
    // A question asked: likewise (told in the transaction that asks it).
    let asked = statreq_e2e::statreq_contract::NewInquiry {
        fields: vec!["grade".into()],
        subject: "職等以何為準".into(),
        body: "兼任主管者，職等以本職或兼職計？".into(),
        request_id: None,
    };
    let q = s.applicant.create_inquiry(&asked).await.unwrap().inquiry.id;
    let heard = |c: &Client| {
        let c = c.clone();
        async move {
            c.inbox(false).await.unwrap().into_iter().filter(|i| i.kind == "inquiry_created" && i.link == format!("/inquiries/{q}")).count()
        }
    };
    assert_eq!((heard(officer).await, heard(officer2).await), (1, 0));
    // Another kind still comes to officer2: a message on the approved request.
    s.applicant.post_message(r.id, "補充：含約聘僱人員").await.unwrap();
    assert!(notice(officer2, "request_message_posted", r.id, 100).await.is_some());
}

/// How many notices of `kind` about request `id` a person has.
async fn notices(c: &Client, kind: &str, id: i64) -> usize {
    c.inbox(false).await.unwrap().into_iter().filter(|i| i.kind == kind && about(&i.link, id)).count()
}

/// A message on a request's thread is told to the other sides that have the request —
/// in the inbox and by webhook, without its text — never to the author's own side, and
/// is marked on the timeline. Before, nobody heard of a message until they looked.
async fn a_message_is_told_to_the_sides_that_have_the_request(backend: Backend) {
    use statreq_e2e::statreq_domain::EventKind;
    const KIND: &str = "request_message_posted";
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(0).await;
    let webhr = crate::integration::service_account(&server, "webhr.npa", "NPA").await;
    let hook = statreq_e2e::statreq_contract::WebhookBody {
        url: receiver.url.clone(),
        events: vec!["request.message_posted".into()],
        description: None,
    };
    webhr.create_webhook(&hook).await.unwrap();
    let s = Scenario::new(&server).await;
    let (applicant, supervisor, officer, officer2) = (&s.applicant, &s.supervisor, &s.officer, &s.officer2);

    // With the supervising agency: the office hears of its supervisor's question.
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    applicant.post_message(draft.id, "草稿備註：欄位待確認").await.unwrap();
    let r = s.in_state(&common::statistics(), State::PendingSupervisor, 3).await;
    supervisor.post_message(r.id, "請確認是否含約聘僱人員").await.unwrap();
    assert!(notice(applicant, KIND, r.id, 100).await.is_some(), "the office is told");

    // Queued, nobody took it: the office's question goes to its supervisor and every
    // officer; an officer's answer to the office and its supervisor, not other officers.
    let q = s.in_state(&common::statistics(), State::Queued, 3).await;
    applicant.post_message(q.id, "請問是否含約聘人員？").await.unwrap();
    for c in [supervisor, officer, officer2] {
        assert!(notice(c, KIND, q.id, 100).await.is_some(), "told of the office's question");
    }
    let answer = officer2.post_message(q.id, "不含約聘人員。").await.unwrap();
    let told = notice(applicant, KIND, q.id, 100).await.map(|n| n.link);
    assert_eq!(told, Some(format!("/requests/{}#msg-{}", q.id, answer.id)), "the office is told of the answer, opening at it");
    assert_eq!(notices(supervisor, KIND, q.id).await, 2, "the supervisor of both");
    assert_eq!(notices(officer, KIND, q.id).await, 1, "another officer not of a colleague's answer");
    assert_eq!(notices(officer2, KIND, q.id).await, 1, "the author not of their own");
    let last = applicant.events(q.id).await.unwrap().pop().unwrap();
    assert_eq!((last.kind, last.to_state, last.comment.as_deref()), (EventKind::MessagePosted, State::Queued, None));
    assert_eq!(last.data["message"].as_i64(), Some(answer.id));
    assert_eq!(applicant.get_request(q.id).await.unwrap().version, q.version, "a message changes no state");

    // Taken: the office's message goes to the officer who took it, not every officer.
    let p = s.in_state(&common::statistics(), State::InProduction, 3).await;
    applicant.post_message(p.id, "可否加列性別？").await.unwrap();
    assert!(notice(officer, KIND, p.id, 100).await.is_some(), "the assignee is told");
    assert!(notice(supervisor, KIND, p.id, 100).await.is_some());
    assert_eq!(notices(officer2, KIND, p.id).await, 0, "other officers are not");

    // Nobody else heard of the draft's note.
    for c in [applicant, supervisor, officer, officer2] {
        assert_eq!(notices(c, KIND, draft.id).await, 0);
    }
    // The office's system heard of each message on its requests, without the text —
    // the draft's too: a subscription hears of all it may see, as of what its own
    // people do (`request.created`).
    let got = receiver.wait_until(30, |g| g.len() >= 5).await;
    let about = |id: i64| got.iter().filter(|x| x.body.contains(&format!("\"href\":\"/api/v1/requests/{id}\""))).count();
    assert_eq!((about(r.id), about(q.id), about(p.id), about(draft.id)), (1, 2, 1, 1), "{got:?}");
    assert!(got.iter().all(|x| x.body.contains("request.message_posted") && !x.body.contains("約聘")), "{got:?}");
}

/// An agency directly under DGPA reviews its own office's applications (rule 5.1): on
/// such an application's thread its reviewer speaks for the supervising agency and its
/// drafter for the office, though both work at one agency. Before, both spoke for the
/// office, so the reviewer's question reached nobody who had to answer it.
async fn at_an_agency_that_reviews_itself_reviewer_and_drafter_hear_each_other(backend: Backend) {
    use statreq_e2e::statreq_contract::CreateUserBody;
    const KIND: &str = "request_message_posted";
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let admin = server.login("admin.dgpa").await;
    let person = |username: &str, roles: Vec<Role>| CreateUserBody {
        username: username.into(),
        display_name: format!("內政部人事處 {username}"),
        email: String::new(),
        agency_code: "MOI".into(),
        roles,
        password: statreq_e2e::DEMO_PASSWORD.into(),
    };
    admin.create_user(&person("drafter.moi", vec![Role::Applicant])).await.unwrap();
    admin.create_user(&person("both.moi", vec![Role::Applicant, Role::Supervisor])).await.unwrap();
    let (drafter, both, reviewer) =
        (server.login("drafter.moi").await, server.login("both.moi").await, server.login("supervisor.moi").await);
    let r = drafter.create_request(&common::statistics()).await.unwrap();
    let r = drafter.submit(r.id, Some(r.version)).await.unwrap();
    assert_eq!(r.state, State::PendingSupervisor);

    reviewer.post_message(r.id, "請說明統計期間").await.unwrap();
    assert!(notice(&drafter, KIND, r.id, 100).await.is_some(), "the drafter is told of the reviewer's question");
    drafter.post_message(r.id, "統計期間為 115 年全年").await.unwrap();
    assert!(notice(&both, KIND, r.id, 100).await.is_some(), "another reviewer hears the office's answer");
    assert_eq!(notices(&reviewer, KIND, r.id).await, 1, "the reviewer hears the answer, not its own question");

    // A reviewer who also drafts, on its own application, speaks for the office.
    let own = both.create_request(&common::statistics()).await.unwrap();
    let own = both.submit(own.id, Some(own.version)).await.unwrap();
    both.post_message(own.id, "補充說明").await.unwrap();
    assert!(notice(&reviewer, KIND, own.id, 100).await.is_some(), "its reviewer is told");
    assert_eq!(notices(&drafter, KIND, own.id).await, 0, "a colleague of the office is not");
}

/// A withdrawal is told to the side that had the application (its supervisor, or
/// DGPA's officers); work taken, to the office and the officer it is given to; work
/// given to another officer, to that officer.
async fn a_withdrawal_and_a_reassignment_are_told_to_whom_they_concern(backend: Backend) {
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let s = Scenario::new(&server).await;
    let (applicant, supervisor, officer, officer2) = (&s.applicant, &s.supervisor, &s.officer, &s.officer2);
    let pending = s.in_state(&common::statistics(), State::PendingSupervisor, 3).await;
    applicant.withdraw(pending.id, None, Some("需求改變")).await.unwrap();
    assert!(notice(supervisor, "request_withdrawn", pending.id, 100).await.is_some(), "the supervisor is told");
    let queued = s.in_state(&common::statistics(), State::Queued, 3).await;
    applicant.withdraw(queued.id, None, Some("已不需要")).await.unwrap();
    for c in [officer, officer2] {
        assert!(notice(c, "request_withdrawn", queued.id, 100).await.is_some(), "DGPA's officers are told");
    }
    assert_eq!(notices(supervisor, "request_withdrawn", queued.id).await, 0, "no longer the supervisor's");
    assert_eq!(notices(officer, "request_withdrawn", pending.id).await, 0, "never DGPA's");

    // Taken for another officer: that officer and the office hear of it.
    let queued = s.in_state(&common::statistics(), State::Queued, 3).await;
    let to = officer2.me().await.unwrap().id;
    let body = statreq_e2e::statreq_contract::TakeBody { assignee: Some(to), skip_reason: None };
    officer.take_with(queued.id, None, &body).await.unwrap();
    assert!(notice(officer2, "request_taken", queued.id, 100).await.is_some(), "the officer it is given to is told");
    assert!(notice(applicant, "request_taken", queued.id, 100).await.is_some(), "the office hears work began");
    assert_eq!(notices(officer, "request_taken", queued.id).await, 0, "not the one who took it");

    let taken = s.in_state(&common::statistics(), State::InProduction, 3).await;
    officer.assign(taken.id, None, to, Some("改由熟悉該資料者辦理")).await.unwrap();
    assert!(notice(officer2, "request_reassigned", taken.id, 100).await.is_some(), "the officer it was given to is told");
    assert_eq!(notices(applicant, "request_reassigned", taken.id).await, 0);
    assert_eq!(notices(officer, "request_reassigned", taken.id).await, 0, "not the one who gave it");
}

/// Work whose officer can no longer act (the account disabled, as when someone leaves)
/// is nobody's: what would be told to that officer is told to every case officer, so
/// that the office's message is not told to nobody.
async fn work_of_a_disabled_officer_is_told_to_every_officer(backend: Backend) {
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let s = Scenario::new(&server).await;
    let (applicant, officer, officer2) = (&s.applicant, &s.officer, &s.officer2);
    let admin = server.login("admin.dgpa").await;
    let taken = s.in_state(&common::statistics(), State::InProduction, 3).await;
    applicant.post_message(taken.id, "請問何時可交付？").await.unwrap();
    assert!(notice(officer, "request_message_posted", taken.id, 100).await.is_some(), "the officer who took it");
    assert_eq!(notices(officer2, "request_message_posted", taken.id).await, 0, "not the others while it has an officer");

    let me = officer.me().await.unwrap();
    let account = admin.get_user(me.id).await.unwrap();
    let body = statreq_e2e::statreq_contract::UpdateUserBody { active: Some(false), ..Default::default() };
    admin.update_user(me.id, &body, Some(account.version)).await.unwrap();
    applicant.post_message(taken.id, "再請問交付時程？").await.unwrap();
    let mut told = 0;
    for _ in 0..100 {
        told = notices(officer2, "request_message_posted", taken.id).await;
        if told > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(told, 1, "another officer hears of the message");

    // The queue says the work is nobody's, under the officer's name, until given to another.
    let unattended = |q: statreq_e2e::statreq_contract::QueueView| {
        q.in_production.iter().find(|i| i.request_id == taken.id).map(|i| (i.unattended, i.assignee.as_ref().map(|a| a.id)))
    };
    assert_eq!(unattended(officer2.queue().await.unwrap()), Some((true, Some(me.id))));
    let to = officer2.me().await.unwrap().id;
    officer2.assign(taken.id, None, to, Some("原承辦人離職")).await.unwrap();
    assert_eq!(unattended(officer2.queue().await.unwrap()), Some((false, Some(to))));
    // An officer moved to other duties (the case-officer role taken away) leaves work too.
    let account = admin.get_user(to).await.unwrap();
    let body = statreq_e2e::statreq_contract::UpdateUserBody { roles: Some(vec![Role::DgpaAdmin]), ..Default::default() };
    admin.update_user(to, &body, Some(account.version)).await.unwrap();
    assert_eq!(unattended(admin.queue().await.unwrap()), Some((true, Some(to))));
}

/// What has been told is kept as a record for `--notification-log-days` (400): then
/// webhook deliveries sent (and e-mails) and inbox notices read are deleted, by the
/// next instance as by this one; a delivery still being retried and a notice not yet
/// read stay, however old.
async fn the_notification_log_is_kept_for_its_days_and_no_longer(backend: Backend) {
    use statreq_e2e::sinks::WebhookReceiver;
    use statreq_e2e::statreq_contract::WebhookBody;
    let mut server = TestServer::start_with(backend, &crate::integration::FAST);
    let s = Scenario::new(&server).await;
    let (ok, failing) = (WebhookReceiver::start(0).await, WebhookReceiver::start(usize::MAX).await);
    let webhr = crate::integration::service_account(&server, "webhr.npa", "NPA").await;
    let hook = |url: &str| WebhookBody { url: url.into(), events: vec!["request.submitted".into()], description: None };
    let kept = webhr.create_webhook(&hook(&ok.url)).await.unwrap().webhook.id;
    let retried = webhr.create_webhook(&hook(&failing.url)).await.unwrap().webhook.id;
    for _ in 0..2 {
        s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    }
    ok.wait_until(30, |g| g.iter().filter(|x| x.answered == 204).count() >= 2).await;
    let log = |c: Client, id: i64| async move { c.webhook_deliveries(id, None).await.unwrap().items };
    assert_eq!(log(webhr.clone(), kept).await.iter().filter(|d| d.status == "delivered").count(), 2, "kept while young");
    let mut inbox = Vec::new();
    for _ in 0..50 {
        inbox = s.supervisor.inbox(false).await.unwrap().into_iter().filter(|n| n.kind == "request_submitted").collect();
        if inbox.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(inbox.len(), 2, "{inbox:?}");
    s.supervisor.read_inbox(inbox[0].id).await.unwrap();

    // 401 days on, another instance of the service on the same database.
    server.stop();
    let later =
        server.another_instance(&[&crate::integration::FAST[..], &["--sweep-seconds", "1", "--test-clock-offset-days", "401"]].concat());
    let (mut webhr, mut supervisor) = (later.client(), later.client());
    webhr.client_credentials("webhr.npa", crate::integration::SERVICE_SECRET).await.unwrap();
    supervisor.login("supervisor.moi", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    let mut gone = false;
    for _ in 0..50 {
        if log(webhr.clone(), kept).await.is_empty() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(gone, "the deliveries sent are deleted");
    let waiting = log(webhr.clone(), retried).await;
    assert!(waiting.len() == 2 && waiting.iter().all(|d| d.status == "pending"), "still being retried: {waiting:?}");
    let left: Vec<i64> =
        supervisor.inbox(false).await.unwrap().into_iter().filter(|n| n.kind == "request_submitted").map(|n| n.id).collect();
    assert_eq!(left, [inbox[1].id], "the notice read is deleted, the one unread stays");
}

on_both_backends!(
    the_notification_log_is_kept_for_its_days_and_no_longer,
    applications_awaiting_review_follow_a_moved_agency_and_its_new_reviewers_are_told,
    a_move_does_not_ask_the_drafter_to_review_their_own_application,
    a_year_without_an_office_calendar_is_told_to_the_administrators,
    work_of_a_disabled_officer_is_told_to_every_officer,
    a_withdrawal_and_a_reassignment_are_told_to_whom_they_concern,
    a_message_is_told_to_the_sides_that_have_the_request,
    at_an_agency_that_reviews_itself_reviewer_and_drafter_hear_each_other,
    destruction_is_reminded_and_escalated_once_overdue,
    waiting_on_the_supervisor_is_escalated_in_working_days,
    an_application_nobody_can_review_is_told_to_dgpa_at_the_first_escalation,
    people_choose_which_notices_come_by_email,
    people_keep_notices_out_of_their_inbox,
);
