//! DGPA's queue over HTTP (rule 5.3): the order and its factors, the applicant's
//! view, published settings with their history, and recorded skip reasons.

use crate::common;

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{DifficultyFavour, EventKind, QueueSettings, State, TakeBody};
use statreq_e2e::statreq_domain::application::OutputKind;
use statreq_e2e::statreq_domain::{Decision, DgpaDecision, Difficulty};
use statreq_e2e::{on_both_backends, Backend, TestServer};

/// Brings a new request from `applicant` to the queue with a difficulty.
async fn queued(applicant: &Client, supervisor: &Client, officer: &Client, difficulty: i64) -> i64 {
    common::Scenario::of(applicant, supervisor, officer).in_state(&common::statistics(), State::Queued, difficulty).await.id
}

struct World {
    server: TestServer,
    npa: Client,
    tpedu: Client,
    moi: Client,
    tpe: Client,
    officer: Client,
    officer2: Client,
    admin: Client,
}

async fn world(backend: Backend) -> World {
    let server = TestServer::start(backend);
    World {
        npa: server.login("applicant.npa").await,
        tpedu: server.login("applicant.tpedu").await,
        moi: server.login("supervisor.moi").await,
        tpe: server.login("supervisor.tpe").await,
        officer: server.login("officer1.dgpa").await,
        officer2: server.login("officer2.dgpa").await,
        admin: server.login("admin.dgpa").await,
        server,
    }
}

/// Three requests: A (NPA under MOI, difficulty 1), B (TPEDU under TPE, 1), C (NPA, 5).
/// MOI then holds 6 of 7 difficulty points against a 237/552 share of staff (its own
/// 120 and its subtree's 85 + 32, rule 5.3); TPE 1 of 7 against 251/552 (210 + 41):
/// B goes first, then A, then C.
async fn order_and_factors(backend: Backend) {
    let w = world(backend).await;
    let a = queued(&w.npa, &w.moi, &w.officer, 1).await;
    let b = queued(&w.tpedu, &w.tpe, &w.officer, 1).await;
    let c = queued(&w.npa, &w.moi, &w.officer, 5).await;
    let q = w.officer.queue().await.unwrap();
    let order: Vec<(Option<usize>, i64)> = q.items.iter().map(|i| (i.position, i.request_id)).collect();
    assert_eq!(order, vec![(Some(1), b), (Some(2), a), (Some(3), c)]);
    assert_eq!((q.total_queued, q.weights.age, q.weights.difficulty, q.weights.fair_share), (3, 1000, 300, 500));
    let first = &q.items[0];
    let f = first.factors.unwrap_or_else(|| panic!("factors"));
    assert_eq!((first.supervising_agency.as_str(), first.agency_code.as_str()), ("TPE", "TPEDU"));
    assert!((f.difficulty - 1.0).abs() < 1e-9);
    let f_tpe: f64 = (-(1.0_f64 / 7.0) / (251.0 / 552.0)).exp2();
    assert!((f.fair_share - f_tpe).abs() < 1e-3, "{} vs {f_tpe}", f.fair_share);
    assert!(f.age < 0.01 && !first.overdue);
    let third = q.items[2].factors.unwrap_or_else(|| panic!("factors"));
    assert!(third.difficulty.abs() < 1e-9);
    // Each says what it is for, without opening it.
    assert_eq!(
        (first.reason.as_str(), first.output, first.personal_data),
        ("研議本署人力配置與陞遷規劃", Some(OutputKind::Statistics), false)
    );

    // Usage is public to signed-in users.
    let usage = w.tpe.queue_usage().await.unwrap();
    let moi = usage.iter().find(|u| u.agency_code == "MOI").unwrap_or_else(|| panic!("MOI missing"));
    assert!((moi.usage - 6.0 / 7.0).abs() < 1e-6 && moi.staff == 237, "the whole subtree's staff: {moi:?}");
    assert!(usage.iter().any(|u| u.agency_code == "MOE" && u.usage == 0.0 && u.fair_share_factor == 1.0));

    // The queue itself is DGPA's.
    for c in [&w.npa, &w.moi] {
        assert_eq!(c.queue().await.err().and_then(|e| e.status()), Some(403));
    }
    // In-production work leaves the order and shows its assignee.
    w.officer.take(b, None).await.unwrap();
    let q = w.officer.queue().await.unwrap();
    assert_eq!(q.items.iter().map(|i| i.request_id).collect::<Vec<_>>(), vec![a, c]);
    assert_eq!(q.in_production.len(), 1);
    assert_eq!(q.in_production[0].assignee.as_ref().map(|u| u.display_name.as_str()), Some("王淑芬（人事總處承辦人）"));

    // Work DGPA returns from its queue and accepts again after the revision is still
    // one request of MOI's total (rule 5.3): counted once, at its latest acceptance.
    let back = w.officer.dgpa_decision(c, None, DgpaDecision::Return, None, Some("請補充統計基準日")).await.unwrap();
    assert_eq!(back.state, State::Returned);
    w.npa.submit(c, None).await.unwrap();
    w.moi.supervisor_decision(c, None, Decision::Approve, None).await.unwrap();
    let again = w.officer.dgpa_decision(c, None, DgpaDecision::Accept, Difficulty::new(5).ok(), None).await.unwrap();
    assert_eq!(again.state, State::Queued);
    let usage = w.tpe.queue_usage().await.unwrap();
    let moi = usage.iter().find(|u| u.agency_code == "MOI").unwrap_or_else(|| panic!("MOI missing"));
    assert!((moi.usage - 6.0 / 7.0).abs() < 1e-6, "request {c} counted once: {moi:?}");

    // Work in production says what it is for too: here records with personal data.
    let records = common::Scenario::of(&w.tpedu, &w.tpe, &w.officer).in_state(&common::detail(), State::InProduction, 2).await.id;
    let q = w.officer.queue().await.unwrap();
    let working = q.in_production.iter().find(|i| i.request_id == records).unwrap_or_else(|| panic!("{records} not in production"));
    assert_eq!((working.output, working.personal_data), (Some(OutputKind::Detail), true));
    assert!(!working.reason.is_empty());
}

async fn the_applicant_sees_its_position_and_an_estimate(backend: Backend) {
    let w = world(backend).await;
    let b = queued(&w.tpedu, &w.tpe, &w.officer, 2).await;
    let a = queued(&w.npa, &w.moi, &w.officer, 4).await;
    let c = queued(&w.npa, &w.moi, &w.officer, 4).await;
    let p = w.npa.queue_position(c).await.unwrap();
    assert_eq!((p.position, p.total_queued), (3, 3));
    assert!(p.estimate.is_none(), "no pace yet, so no estimate");
    // The supervising agency sees it too; another office and another supervisor do not.
    assert_eq!(w.moi.queue_position(c).await.map(|p| p.position).ok(), Some(3));
    for other in [&w.tpedu, &w.tpe] {
        assert_eq!(other.queue_position(c).await.err().and_then(|e| e.status()), Some(404));
    }
    // After DGPA takes work there is a pace, and an estimate labelled as one.
    w.officer.take(b, None).await.unwrap();
    let p = w.npa.queue_position(c).await.unwrap();
    assert_eq!(p.position, 2);
    let est = p.estimate.unwrap_or_else(|| panic!("an estimate"));
    assert_eq!(est.taken_last_30_days, 1);
    assert!(est.label.zh_tw.contains("並非完成期限") && est.label.en.contains("not a deadline"));
    // Counted in working days of the office calendar: the one ahead takes its share of them.
    assert!(est.working_days >= 1, "{est:?}");
    assert!(est.label.zh_tw.contains("個工作日") && est.label.en.contains("working days"), "{:?}", est.label);
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    let calendars = w.npa.calendar(chrono::Datelike::year(&est.starts_on)).await.map(|c| vec![c.calendar]).unwrap_or_default();
    assert!(est.starts_on > today && statreq_e2e::statreq_domain::calendar::is_working_day(est.starts_on, &calendars), "{est:?}");
    // First in line: on the nearest working day (never a Saturday), said as such.
    let first = w.npa.queue_position(a).await.unwrap();
    assert_eq!(first.position, 1);
    let est = first.estimate.unwrap_or_else(|| panic!("an estimate for the first in line"));
    assert_eq!(est.working_days, 0, "{est:?}");
    let calendars = w.npa.calendar(chrono::Datelike::year(&est.starts_on)).await.map(|c| vec![c.calendar]).unwrap_or_default();
    assert!(est.starts_on >= today && statreq_e2e::statreq_domain::calendar::is_working_day(est.starts_on, &calendars), "{est:?}");
    assert!(est.label.zh_tw.contains("已排在最前") && est.label.en.starts_with("First in line"), "{:?}", est.label);
    // Not queued: 409 with the state.
    assert_eq!(w.tpedu.queue_position(b).await.err().and_then(|e| e.code().map(String::from)), Some("not_queued".into()));
}

async fn settings_are_published_audited_and_change_the_order(backend: Backend) {
    let w = world(backend).await;
    let a = queued(&w.npa, &w.moi, &w.officer, 1).await;
    let b = queued(&w.tpedu, &w.tpe, &w.officer, 1).await;
    let c = queued(&w.npa, &w.moi, &w.officer, 5).await;
    let current = w.npa.queue_settings().await.unwrap();
    assert_eq!((current.version, current.settings.clone()), (0, QueueSettings::default()));

    let hard = QueueSettings { difficulty_favour: DifficultyFavour::Hard, ..QueueSettings::default() };
    assert_eq!(w.npa.put_queue_settings(&hard, 0).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(w.officer.put_queue_settings(&hard, 0).await.err().and_then(|e| e.status()), Some(403));
    let bad = QueueSettings { half_life_days: 0, ..QueueSettings::default() };
    let err = w.admin.put_queue_settings(&bad, 0).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem"));
    assert_eq!((p.code.as_str(), p.errors[0].pointer.as_str()), ("invalid_setting", "/half_life_days"));
    let (status, p) = w
        .admin
        .raw(reqwest::Method::PUT, "/settings/queue", "application/json", serde_json::to_vec(&hard).unwrap_or_default(), None)
        .await
        .unwrap();
    assert_eq!((status, p["code"].as_str()), (428, Some("if_match_required")));

    // Saving the defaults in force changes nothing: no version, no history entry.
    let same = w.admin.put_queue_settings(&QueueSettings::default(), 0).await.unwrap();
    assert_eq!((same.version, same.updated_by.is_none()), (0, true));
    assert!(w.admin.queue_settings_history().await.unwrap().is_empty(), "nothing changed, nothing recorded");

    let changed = w.admin.put_queue_settings(&hard, 0).await.unwrap();
    assert_eq!(changed.version, 1);
    let again = w.admin.put_queue_settings(&hard, 1).await.unwrap();
    assert_eq!((again.version, again.updated_at), (1, changed.updated_at), "the same settings again are no new version");
    assert_eq!(changed.updated_by.as_ref().map(|u| u.display_name.as_str()), Some("吳美玲（人事總處管理者）"));
    assert_eq!(w.admin.put_queue_settings(&QueueSettings::default(), 0).await.err().and_then(|e| e.status()), Some(412), "stale version");

    // Hard work first: C (difficulty 5) now beats A, and B too: 300 + 500·2^(−(6/7)/(237/552))
    // ≈ 425 against B's 500·2^(−(1/7)/(251/552)) ≈ 402.
    let q = w.officer.queue().await.unwrap();
    assert_eq!(q.items.iter().map(|i| i.request_id).collect::<Vec<_>>(), vec![c, b, a]);
    assert_eq!(q.settings.difficulty_favour, DifficultyFavour::Hard);

    let history = w.tpe.queue_settings_history().await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].changed_by.agency_code.as_str(), history[0].settings.difficulty_favour), ("DGPA", DifficultyFavour::Hard));
}

async fn taking_out_of_order_needs_a_recorded_reason(backend: Backend) {
    let w = world(backend).await;
    let a = queued(&w.npa, &w.moi, &w.officer, 1).await;
    let b = queued(&w.tpedu, &w.tpe, &w.officer, 1).await;
    let c = queued(&w.npa, &w.moi, &w.officer, 5).await;
    // Order: B, A, C. Taking C first needs a reason.
    let err = w.officer.take(c, None).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a refusal"));
    assert_eq!((p.status, p.code.as_str(), p.rule.as_deref()), (409, "out_of_queue_order", Some("5.3")));
    assert!(p.message.zh_tw.contains(&b.to_string()));
    assert_eq!(w.officer.get_request(c).await.map(|r| r.state).ok(), Some(State::Queued));

    // With a reason, for a named colleague.
    let colleague = w.officer2.me().await.unwrap().id;
    let body = TakeBody { assignee: Some(colleague), skip_reason: Some("立法院質詢急需，經科長核可".into()) };
    let r = w.officer.take_with(c, None, &body).await.unwrap();
    assert_eq!((r.state, r.assignee.as_ref().map(|u| u.id)), (State::InProduction, Some(colleague)));
    let taken = w
        .npa
        .events(c)
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|e| e.kind == EventKind::Taken)
        .unwrap_or_else(|| panic!("no taken event"));
    assert_eq!(taken.comment.as_deref(), Some("立法院質詢急需，經科長核可"));
    assert_eq!(taken.data["passed_over"], serde_json::json!([b, a]));
    assert_eq!(taken.actor.display_name, "王淑芬（人事總處承辦人）", "who decided is recorded, not only the assignee");

    // The head needs no reason; an assignee must be an active DGPA officer.
    let npa_id = w.npa.me().await.map(|m| m.id).unwrap_or_default();
    let err = w.officer.take_with(b, None, &TakeBody { assignee: Some(npa_id), skip_reason: None }).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_assignee"));
    // Its own request, which an applicant may see but not take: the role is refused
    // before anything about officers (403, not invalid_assignee); another agency's
    // request stays unseen (404).
    let err = w.npa.take_with(a, None, &TakeBody { assignee: Some(npa_id), skip_reason: None }).await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(403), Some("role_required")));
    let err = w.npa.take_with(b, None, &TakeBody { assignee: Some(npa_id), skip_reason: None }).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(404));
    w.officer.take(b, None).await.unwrap();
    w.officer.take(a, None).await.unwrap();
    let _ = &w.server;
}

/// What a queue view says, for comparing two views: the order with each request's
/// fair-share factor, and the work in production with its assignee.
type Gist = (usize, Vec<(Option<usize>, i64, i64)>, Vec<(i64, Option<i64>)>);

fn gist(q: &statreq_e2e::statreq_contract::QueueView) -> Gist {
    let items =
        q.items.iter().map(|i| (i.position, i.request_id, i.factors.map(|f| (f.fair_share * 1e6).round() as i64).unwrap_or(-1))).collect();
    let production = q.in_production.iter().map(|i| (i.request_id, i.assignee.as_ref().map(|u| u.id))).collect();
    (q.total_queued, items, production)
}

/// A view after this instance's own changes reads only the requests that changed
/// (the rest comes from what it read before), and says exactly what an instance
/// reading everything afresh says; another instance's changes show within the
/// queue's refresh time (rule 5.3 published as it stands).
async fn views_follow_changes_exactly(backend: Backend) {
    let mut w = world(backend).await;
    let a = queued(&w.npa, &w.moi, &w.officer, 1).await;
    let b = queued(&w.tpedu, &w.tpe, &w.officer, 1).await;
    let c = queued(&w.npa, &w.moi, &w.officer, 5).await;
    assert_eq!(w.officer.queue().await.unwrap().total_queued, 3);
    // New accepted work moves every agency's usage; taking work moves a request out of the order.
    let d = queued(&w.tpedu, &w.tpe, &w.officer, 3).await;
    let after_accept = w.officer.queue().await.unwrap();
    w.officer.take(b, None).await.unwrap();
    let after_take = w.officer.queue().await.unwrap();
    assert_eq!(after_take.items.iter().map(|i| i.request_id).collect::<Vec<_>>().len(), 3);
    assert_eq!(after_take.in_production.iter().map(|i| i.request_id).collect::<Vec<_>>(), vec![b]);
    let fresh = {
        if backend == Backend::Sqlite {
            // One instance per SQLite file: the fresh reader comes after this one stops.
            w.server.stop();
        }
        let other = w.server.another_instance(&[]);
        let mut officer = other.client();
        officer.login("officer1.dgpa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
        officer.queue().await.unwrap()
    };
    assert_eq!(gist(&after_take), gist(&fresh), "patched view against a fresh read");
    assert!(after_accept.items.iter().any(|i| i.request_id == d) && after_accept.total_queued == 4);
    if backend == Backend::Sqlite {
        return;
    }

    // A change made on another instance reaches this one's views within the refresh time.
    let other = w.server.another_instance(&[]);
    let mut officer2 = other.client();
    officer2.login("officer2.dgpa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    let head = after_take.items[0].request_id;
    officer2.take(head, None).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let q = w.officer.queue().await.unwrap();
        if q.in_production.iter().any(|i| i.request_id == head) {
            assert!(q.items.iter().all(|i| i.request_id != head) && q.total_queued == 2);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "another instance's change not shown after 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let _ = (a, c);
}

on_both_backends!(
    views_follow_changes_exactly,
    order_and_factors,
    the_applicant_sees_its_position_and_an_estimate,
    settings_are_published_audited_and_change_the_order,
    taking_out_of_order_needs_a_recorded_reason,
);

mod stats {
    use super::*;

    async fn dgpa_statistics_count_what_happened(backend: Backend) {
        let w = world(backend).await;
        let a = queued(&w.npa, &w.moi, &w.officer, 2).await;
        let _b = queued(&w.tpedu, &w.tpe, &w.officer, 3).await;
        // One returned once then rejected by DGPA; one still a draft (not counted).
        let r = w.npa.create_request(&common::statistics()).await.unwrap();
        w.npa.submit(r.id, None).await.unwrap();
        w.moi.supervisor_decision(r.id, None, Decision::Return, Some("請補正")).await.unwrap();
        w.npa.submit(r.id, None).await.unwrap();
        w.moi.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
        w.officer.dgpa_decision(r.id, None, DgpaDecision::Reject, None, Some("可由既有報表取得（第4點）")).await.unwrap();
        w.npa.create_request(&common::statistics()).await.unwrap();
        w.officer.take(a, None).await.unwrap_or_else(|e| panic!("out of order? {e}"));
        w.officer.deliver(a, None, "如附件").await.unwrap();

        let s = w.officer.stats().await.unwrap();
        let get = |v: &[statreq_e2e::statreq_domain::stats::Count], k: &str| v.iter().find(|c| c.key == k).map(|c| c.count);
        assert_eq!(s.outcomes.submitted, 3);
        assert_eq!((get(&s.by_state, "delivered"), get(&s.by_state, "queued"), get(&s.by_state, "rejected")), (Some(1), Some(1), Some(1)));
        assert_eq!(get(&s.by_state, "draft"), None);
        assert_eq!((get(&s.by_supervising_agency, "MOI"), get(&s.by_supervising_agency, "TPE")), (Some(2), Some(1)));
        assert_eq!(s.turnaround.delivered, 1);
        assert_eq!(s.backlog.open, 1);
        assert!((s.outcomes.returned_share - 1.0 / 3.0).abs() < 1e-9 && (s.outcomes.rejected_share - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(get(&s.outcomes.by_code, "supervisor_returned"), Some(1));
        assert_eq!(get(&s.outcomes.by_code, "dgpa_rejected"), Some(1));
        // Each state and supervising agency is named (1.5.0), states in the lifecycle's order.
        let label = |v: &[statreq_e2e::statreq_domain::stats::Count], k: &str| {
            v.iter().find(|c| c.key == k).and_then(|c| c.label.clone()).map(|l| (l.zh_tw, l.en))
        };
        assert_eq!(label(&s.by_supervising_agency, "MOI"), Some(("內政部".into(), "內政部".into())));
        assert_eq!(label(&s.by_state, "queued"), Some(("排程中".into(), "queued".into())));
        let order: Vec<&str> = s.by_state.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            order,
            ["pending_dgpa", "queued", "delivered", "rejected"].into_iter().filter(|k| order.contains(k)).collect::<Vec<_>>()
        );
        assert!(label(&s.outcomes.by_reason, "available_in_existing_source").is_some_and(|l| l.0.contains("第4點")));
        // The CSV opens in Excel (a byte-order mark) with the names beside the codes.
        let csv = w.officer.stats_csv().await.unwrap();
        assert!(csv.starts_with("\u{feff}section,key,value,label\n") && csv.contains("supervising_agency,MOI,2,內政部\n"), "{csv}");
        assert!(csv.contains("state,queued,1,排程中\n") && csv.contains("month,"), "{csv}");
        // Each month named as the ROC calendar writes it, for DGPA's reports.
        let months: Vec<&str> = csv.lines().filter(|l| l.starts_with("month,")).collect();
        assert!(!months.is_empty(), "{csv}");
        for row in months {
            let month = row.split(',').nth(1).unwrap_or_default();
            let (y, m) = month.split_once('-').unwrap_or_default();
            let roc = format!("{}年{}月", y.parse::<i32>().unwrap_or_default() - 1911, m.parse::<u32>().unwrap_or_default());
            assert!(row.ends_with(&format!(",{roc}")), "{row}");
            assert_eq!(label(&s.by_month, month), Some((roc, month.to_string())));
        }
        // A period (1.12.0): the requests first submitted on its days in Taiwan, each
        // figure of them; the same in the CSV, which says which period it counts.
        let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
        let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
        let period = |from, to| statreq_e2e::statreq_domain::stats::Period { submitted_from: from, submitted_to: to };
        let todays = w.officer.stats_of(&period(Some(today), Some(today))).await.unwrap();
        assert_eq!(todays.period, period(Some(today), Some(today)));
        assert_eq!(
            (todays.by_state.clone(), todays.outcomes.clone(), todays.turnaround.delivered),
            (s.by_state.clone(), s.outcomes.clone(), 1)
        );
        assert_eq!(s.period, period(None, None), "without a period, every request");
        for (from, to) in [(Some(tomorrow), None), (None, Some(yesterday))] {
            let none = w.officer.stats_of(&period(from, to)).await.unwrap();
            assert_eq!((none.outcomes.submitted, none.outcomes.returned_share, none.backlog.open), (0, 0.0, 0), "{from:?}–{to:?}");
            assert!(none.by_state.is_empty() && none.outcomes.by_code.iter().chain(&none.outcomes.by_reason).all(|c| c.count == 0));
        }
        let csv = w.officer.stats_csv_of(&period(Some(today), None)).await.unwrap();
        assert!(csv.starts_with(&format!("\u{feff}section,key,value,label\nperiod,submitted_from,{today},\nstate,")), "{csv}");
        assert!(csv.contains("outcomes,submitted,3,"), "{csv}");
        let refusals = [
            (format!("submitted_from={tomorrow}&submitted_to={today}"), 422, "invalid_range"),
            ("submitted_from=2026-13-01".to_string(), 400, "invalid_query"),
            ("submitted_from=115-12-01".to_string(), 400, "invalid_query"),
            (format!("submitted_from={today}&submitted_from={today}"), 400, "invalid_query"),
            ("since=2026-01-01".to_string(), 400, "invalid_query"),
        ];
        for (query, status, code) in refusals {
            for path in ["/stats", "/stats.csv"] {
                let e = w.officer.get_text(&format!("{path}?{query}")).await.err();
                assert_eq!(
                    (e.as_ref().and_then(|e| e.status()), e.as_ref().and_then(|e| e.code())),
                    (Some(status), Some(code)),
                    "{path}?{query}"
                );
            }
        }
        // A supervising agency reads the figures of the applications it decides on: MOI's
        // two (one delivered, one rejected after a return), not TPE's; TPE's its one.
        let moi = w.moi.stats().await.unwrap();
        assert_eq!(
            (moi.outcomes.submitted, get(&moi.by_supervising_agency, "MOI"), get(&moi.by_supervising_agency, "TPE")),
            (2, Some(2), None)
        );
        assert_eq!((get(&moi.by_state, "delivered"), get(&moi.by_state, "rejected"), moi.backlog.open), (Some(1), Some(1), 0));
        assert_eq!((moi.outcomes.returned_share, get(&moi.outcomes.by_code, "dgpa_rejected")), (0.5, Some(1)));
        let tpe = w.tpe.stats_of(&period(Some(today), None)).await.unwrap();
        assert_eq!(
            (tpe.outcomes.submitted, get(&tpe.by_state, "queued"), get(&tpe.outcomes.by_code, "dgpa_rejected")),
            (1, Some(1), Some(0))
        );
        assert!(w.moi.stats_csv().await.unwrap().contains("supervising_agency,MOI,2,內政部\n"));
        for c in [&w.npa, &w.tpedu] {
            assert_eq!(c.stats_of(&period(Some(today), None)).await.err().and_then(|e| e.status()), Some(403));
            let refused = c.stats().await.err();
            assert_eq!(refused.as_ref().and_then(|e| e.status()), Some(403));
            assert_eq!(c.stats_csv().await.err().and_then(|e| e.status()), Some(403));
            // A refused CSV arrives as the same problem document, not a bare status.
            let csv_refused = c.get_text("/stats.csv").await.err();
            assert!(csv_refused.as_ref().and_then(|e| e.code()).is_some(), "{csv_refused:?}");
            assert_eq!(csv_refused.as_ref().and_then(|e| e.code()), refused.as_ref().and_then(|e| e.code()));
        }
        let _ = &w.admin;
    }

    on_both_backends!(dgpa_statistics_count_what_happened);
}

/// `statreq queue simulate` prints the README's table of waits (the default seed), the
/// same for the same seed; a number of officers it cannot simulate (none: it had run one
/// and printed that as none's; four billion: it ran out of memory) is refused, named.
#[test]
fn queue_simulate_prints_the_readmes_table_and_refuses_what_it_cannot_run() {
    let dir = statreq_e2e::TempPath::dir("simulate");
    let simulate = |args: &[&str]| {
        let out =
            std::process::Command::new(statreq_e2e::binary()).args(["queue", "simulate"]).args(args).current_dir(&*dir).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (ok, table, said) = simulate(&[]);
    assert!(ok && table.contains("| ALL |"), "{table}{said}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    assert!(readme.contains(table.trim()), "the README's table is not what `statreq queue simulate` prints now:\n{table}");
    assert_eq!(simulate(&["--seed", "7"]).1, simulate(&["--seed", "7"]).1, "the same seed, the same table");
    assert_ne!(simulate(&["--seed", "7"]).1, table, "another seed, other arrivals");
    for officers in ["0", "4000000000", "many"] {
        let (ok, out, said) = simulate(&["--officers", officers]);
        assert!(!ok && out.is_empty() && said.contains("--officers"), "{officers}: {out}{said}");
    }
    assert!(simulate(&["--officers", "1000"]).0);
}
