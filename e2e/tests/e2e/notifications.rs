//! Reminders and escalations, seen with the sweep's clock moved ahead (a test-only
//! flag): destruction due in 30 and 7 days and overdue, escalated to the supervising
//! office; applications waiting on their supervisor escalated in working days; and
//! each person's choice of which notices also come by e-mail.

use crate::common::{self, Scenario};

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::State;
use statreq_e2e::{on_both_backends, Backend, TestServer};

/// Waits for a notice of `kind` about request `id`; `None` when none came in `tries` looks.
async fn notice(c: &Client, kind: &str, id: i64, tries: u32) -> Option<statreq_e2e::statreq_contract::InboxItem> {
    for _ in 0..tries {
        let found = c.inbox(false).await.unwrap().into_iter().find(|i| i.kind == kind && i.link == format!("/requests/{id}"));
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
    assert!(notice(&s.supervisor, "escalation", r.id, 10).await.is_none(), "not overdue: not escalated");
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
    let up = notice(&s.supervisor, "escalation", r.id, 50).await.unwrap_or_else(|| panic!("not escalated"));
    assert!(up.message.zh_tw.contains("NPA"), "{:?}", up.message);
}

async fn waiting_on_the_supervisor_is_escalated_in_working_days(backend: Backend) {
    // Three weeks on, with escalation after 3 working days and DGPA 3 more later.
    let args = [
        "--sweep-seconds",
        "1",
        "--test-clock-offset-days",
        "21",
        "--escalate-after-working-days",
        "3",
        "--escalate-to-dgpa-after-working-days",
        "3",
    ];
    let server = TestServer::start_with(backend, &args);
    let s = Scenario::new(&server).await;
    let r = s.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let n = notice(&s.supervisor, "escalation", r.id, 50).await.unwrap_or_else(|| panic!("supervisor not reminded"));
    assert!(n.message.en.contains("working days"), "{:?}", n.message);
    notice(&s.officer, "escalation", r.id, 50).await.unwrap_or_else(|| panic!("DGPA not told"));
    // Approved, it is no longer escalated (nothing new for a new request's supervisor either).
    assert!(notice(&s.applicant, "escalation", r.id, 5).await.is_none(), "the office is not who it is escalated to");
}

async fn people_choose_which_notices_come_by_email(backend: Backend) {
    let server = TestServer::start(backend);
    let c = server.login("applicant.npa").await;
    let all = c.notification_settings().await.unwrap();
    assert!(all.email.values().all(|on| *on), "everything by e-mail to start with");
    for kind in ["request_submitted", "request_dgpa_returned", "destruction_due", "destruction_overdue", "escalation"] {
        assert!(all.email.contains_key(kind), "{kind} missing from {:?}", all.email.keys());
    }
    let changed = c.put_notification_settings(&[("request_dgpa_returned", false)]).await.unwrap();
    assert_eq!(changed.email.get("request_dgpa_returned"), Some(&false));
    assert_eq!(changed.email.get("destruction_due"), Some(&true), "kinds not named keep their setting");
    assert_eq!(c.notification_settings().await.unwrap(), changed);
    let err = c.put_notification_settings(&[("no_such_kind", false)]).await.err();
    assert_eq!(err.and_then(|e| e.status()), Some(422));
    let (status, _) = c
        .raw(statreq_e2e::statreq_client::Method::PUT, "/me/notification-settings", "application/json", b"{\"email\":".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(status, 400);
    assert_eq!(c.notification_settings().await.unwrap(), changed, "refusals changed nothing");
    // Another person's settings are their own.
    assert!(server.login("supervisor.moi").await.notification_settings().await.unwrap().email.values().all(|on| *on));
}

on_both_backends!(
    destruction_is_reminded_and_escalated_once_overdue,
    waiting_on_the_supervisor_is_escalated_in_working_days,
    people_choose_which_notices_come_by_email,
);
