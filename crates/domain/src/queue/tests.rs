use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::simulation::{run, synthetic_year, Policy};
use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).single().unwrap_or_default()
}

fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap_or_else(|_| panic!("{s}"))
}

fn d(n: i64) -> Difficulty {
    Difficulty::new(n).unwrap_or_else(|_| panic!("{n}"))
}

fn waiting(days: i64, now: DateTime<Utc>) -> WaitClock {
    WaitClock { accumulated_seconds: 0, since: Some(now - Duration::days(days)) }
}

fn entry(id: i64, agency: &str, difficulty: i64, waited_days: i64, now: DateTime<Utc>) -> QueueEntry {
    QueueEntry {
        id: RequestId(id),
        supervising_agency: code(agency),
        difficulty: d(difficulty),
        clock: waiting(waited_days, now),
        received_at: now - Duration::days(waited_days),
    }
}

/// The worked example of the README, computed by hand:
/// shares MOI 120/(120+80) = 0.6, TPE 0.4; usage MOI 4·1 = 4, TPE 2·½ = 1 → 0.8 and 0.2;
/// F(MOI) = 2^(−0.8/0.6) = 0.39685, F(TPE) = 2^(−0.2/0.4) = 0.70711.
/// r1 MOI d1 30 days: 1000·0.5 + 300·1 + 500·0.39685 = 998.43
/// r2 TPE d5 6 days:  1000·0.1 + 300·0 + 500·0.70711 = 453.55
/// r3 TPE d3 45 days: 1000·0.75 + 300·0.5 + 500·0.70711 = 1253.55
#[test]
fn worked_example() {
    let now = t0() + Duration::days(200);
    let settings = QueueSettings::default();
    let staff: HashMap<AgencyCode, u32> = [(code("MOI"), 120), (code("TPE"), 80)].into();
    let history = vec![
        AcceptedWork { request: RequestId(11), supervising_agency: code("MOI"), accepted_at: now, difficulty: d(4) },
        AcceptedWork { request: RequestId(12), supervising_agency: code("TPE"), accepted_at: now - Duration::days(90), difficulty: d(2) },
    ];
    let u = usage(&staff, &history, &settings, now);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-4;
    assert!(close(u[&code("MOI")].share, 0.6) && close(u[&code("TPE")].share, 0.4));
    assert!(close(u[&code("MOI")].usage, 0.8) && close(u[&code("TPE")].usage, 0.2));
    assert!(close(u[&code("MOI")].fair_share_factor, 0.396850));
    assert!(close(u[&code("TPE")].fair_share_factor, std::f64::consts::FRAC_1_SQRT_2), "2^(−½)");
    let entries = vec![entry(1, "MOI", 1, 30, now), entry(2, "TPE", 5, 6, now), entry(3, "TPE", 3, 45, now)];
    let order = rank(&entries, &u, &settings, now);
    let got: Vec<(i64, usize)> = order.iter().map(|r| (r.id.0, r.position)).collect();
    assert_eq!(got, vec![(3, 1), (1, 2), (2, 3)]);
    assert!(close(order[0].priority, 1253.5534));
    assert!(close(order[1].priority, 998.4251));
    assert!(close(order[2].priority, 453.5534));
    assert!(close(order[1].factors.age, 0.5) && close(order[1].factors.difficulty, 1.0));
}

#[test]
fn favouring_hard_work_reverses_the_difficulty_factor() {
    assert_eq!(difficulty_factor(d(1), DifficultyFavour::Easy), 1.0);
    assert_eq!(difficulty_factor(d(5), DifficultyFavour::Easy), 0.0);
    assert_eq!(difficulty_factor(d(5), DifficultyFavour::Hard), 1.0);
    assert_eq!(difficulty_factor(d(3), DifficultyFavour::Hard), 0.5);
}

#[test]
fn agencies_without_staff_get_the_default_and_nothing_divides_by_zero() {
    let now = t0();
    let mut settings = QueueSettings { gamma: -1.0, ..Default::default() };
    let staff: HashMap<AgencyCode, u32> = [(code("A"), 0), (code("B"), 10)].into();
    let u = usage(&staff, &[], &settings, now);
    assert_eq!(u[&code("A")].staff, 1);
    assert!(u.values().all(|x| x.share.is_finite() && x.fair_share_factor == 1.0));
    // γ < 0 favours the small office.
    assert!(u[&code("A")].share > u[&code("B")].share);
    settings.gamma = 0.0;
    let u = usage(&staff, &[], &settings, now);
    assert!((u[&code("A")].share - 0.5).abs() < 1e-9, "γ = 0 gives equal shares");
    assert!(usage(&HashMap::new(), &[], &settings, now).is_empty());
}

#[test]
fn settings_are_validated() {
    assert!(QueueSettings::default().validate().is_ok());
    for bad in [
        QueueSettings { half_life_days: 0, ..Default::default() },
        QueueSettings { max_wait_days: 0, ..Default::default() },
        QueueSettings { gamma: f64::NAN, ..Default::default() },
        QueueSettings { gamma: 7.0, ..Default::default() },
        QueueSettings { weight_age: QueueSettings::MAX_WEIGHT + 1, ..Default::default() },
        QueueSettings { default_staff: 0, ..Default::default() },
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
}

#[test]
fn the_wait_clock_pauses_while_the_request_is_back_with_the_applicant() {
    let c = WaitClock::default();
    let c = c.on_transition(State::PendingSupervisor, State::PendingDgpa, t0());
    let c = c.on_transition(State::PendingDgpa, State::Returned, t0() + Duration::days(3));
    assert_eq!(c.waited(t0() + Duration::days(40)), Duration::days(3));
    let c = c.on_transition(State::PendingSupervisor, State::PendingDgpa, t0() + Duration::days(40));
    let c = c.on_transition(State::PendingDgpa, State::Queued, t0() + Duration::days(41));
    assert_eq!(c.waited(t0() + Duration::days(42)), Duration::days(5));
    let c = c.on_transition(State::Queued, State::InProduction, t0() + Duration::days(42));
    assert_eq!(c.waited(t0() + Duration::days(99)), Duration::days(5));
}

/// Rule 5.3 weighs the total each supervising agency's offices requested: a request
/// DGPA returned and accepted again is one request, counted at its latest acceptance.
#[test]
fn a_request_accepted_again_counts_once_at_its_latest_acceptance() {
    let now = t0() + Duration::days(200);
    let settings = QueueSettings::default();
    let staff: HashMap<AgencyCode, u32> = [(code("MOI"), 10), (code("TPE"), 10)].into();
    let work = |request: i64, agency: &str, days_ago: i64| AcceptedWork {
        request: RequestId(request),
        supervising_agency: code(agency),
        accepted_at: now - Duration::days(days_ago),
        difficulty: d(3),
    };
    // MOI's request 1 accepted 60 days ago, returned, accepted again today; TPE's
    // request 2 accepted once today.
    let history = [work(1, "MOI", 60), work(2, "TPE", 0), work(1, "MOI", 0)];
    let counted = latest_acceptances(history.clone());
    assert_eq!(counted, [work(1, "MOI", 0), work(2, "TPE", 0)]);
    assert_eq!(latest_acceptances(history.iter().rev().cloned()), counted, "in any order");
    let u = usage(&staff, &counted, &settings, now);
    assert!((u[&code("MOI")].usage - 0.5).abs() < 1e-9, "{:?}", u[&code("MOI")]);
    assert!((u[&code("TPE")].usage - 0.5).abs() < 1e-9);
}

#[test]
fn overdue_requests_go_first_longest_waiting_first() {
    let now = t0() + Duration::days(400);
    let settings = QueueSettings { max_wait_days: 30, ..Default::default() };
    let staff: HashMap<AgencyCode, u32> = [(code("A"), 10), (code("B"), 10)].into();
    // A has used everything; B nothing.
    let history = vec![AcceptedWork { request: RequestId(9), supervising_agency: code("A"), accepted_at: now, difficulty: d(5) }];
    let u = usage(&staff, &history, &settings, now);
    let entries = vec![entry(1, "A", 5, 31, now), entry(2, "B", 1, 29, now), entry(3, "A", 5, 60, now)];
    let order = rank(&entries, &u, &settings, now);
    assert_eq!(order.iter().map(|r| (r.id.0, r.overdue)).collect::<Vec<_>>(), vec![(3, true), (1, true), (2, false)]);
    assert_eq!(passed_over(&order, RequestId(2)), vec![RequestId(3), RequestId(1)]);
    assert!(passed_over(&order, RequestId(3)).is_empty());
}

#[test]
fn start_estimates_follow_recent_pace() {
    use chrono::NaiveDate;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    let calendars = crate::calendar::seed();
    // Monday 2026-11-02 to Friday 2026-11-13: ten working days, ten taken: one a day.
    let (since, today) = (day(11, 2), day(11, 13));
    assert_eq!(start_estimate(1, 10, since, today, &calendars), Some((0, today)), "next in line: now");
    // Three ahead: three working days, over the weekend: Wednesday the 18th.
    assert_eq!(start_estimate(4, 10, since, today, &calendars), Some((3, day(11, 18))));
    // Half the pace: twice the days.
    assert_eq!(start_estimate(4, 5, since, today, &calendars), Some((6, day(11, 23))));
    assert_eq!(start_estimate(4, 0, since, today, &calendars), None, "no pace, no estimate");
    // Seen on Saturday the 14th: next in line starts on Monday the 16th, not that day.
    assert_eq!(start_estimate(1, 10, since, day(11, 14), &calendars), Some((0, day(11, 16))), "next in line on a Saturday");
    assert_eq!(start_estimate(2, 10, since, day(11, 14), &calendars), Some((1, day(11, 17))), "and the one after it on Tuesday");
}

fn arb_entries() -> impl Strategy<Value = Vec<QueueEntry>> {
    let now = t0() + Duration::days(500);
    proptest::collection::vec((prop_oneof![Just("A"), Just("B"), Just("C")], 1i64..=5, 0i64..120), 1..30)
        .prop_map(move |v| v.into_iter().enumerate().map(|(i, (a, diff, w))| entry(i as i64 + 1, a, diff, w, now)).collect())
}

fn arb_history() -> impl Strategy<Value = Vec<AcceptedWork>> {
    let now = t0() + Duration::days(500);
    proptest::collection::vec((prop_oneof![Just("A"), Just("B"), Just("C")], 1i64..=5, 0i64..400), 0..30).prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (a, diff, ago))| AcceptedWork {
                request: RequestId(1_000 + i as i64),
                supervising_agency: code(a),
                accepted_at: now - Duration::days(ago),
                difficulty: d(diff),
            })
            .collect()
    })
}

fn staff3() -> HashMap<AgencyCode, u32> {
    [(code("A"), 50), (code("B"), 10), (code("C"), 0)].into()
}

proptest! {
    #[test]
    fn ordering_is_deterministic_and_independent_of_input_order(entries in arb_entries(), history in arb_history(), seed in any::<u64>()) {
        let now = t0() + Duration::days(500);
        let s = QueueSettings::default();
        let u = usage(&staff3(), &history, &s, now);
        let first: Vec<RequestId> = rank(&entries, &u, &s, now).iter().map(|r| r.id).collect();
        let mut shuffled = entries.clone();
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, ((seed >> (i % 32)) as usize + i * 7) % n);
        }
        let mut h2 = history.clone();
        h2.reverse();
        let u2 = usage(&staff3(), &h2, &s, now);
        let second: Vec<RequestId> = rank(&shuffled, &u2, &s, now).iter().map(|r| r.id).collect();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn waiting_longer_never_lowers_a_rank(entries in arb_entries(), history in arb_history(), pick in any::<prop::sample::Index>(), extra in 1i64..100) {
        let now = t0() + Duration::days(500);
        let s = QueueSettings::default();
        let u = usage(&staff3(), &history, &s, now);
        let i = pick.index(entries.len());
        let before = rank(&entries, &u, &s, now).iter().position(|r| r.id == entries[i].id);
        let mut more = entries.clone();
        more[i].clock.since = more[i].clock.since.map(|t| t - Duration::days(extra));
        more[i].received_at -= Duration::days(extra);
        let after = rank(&more, &u, &s, now).iter().position(|r| r.id == entries[i].id);
        prop_assert!(after <= before, "{:?} → {:?}", before, after);
    }

    #[test]
    fn the_agency_below_its_share_goes_first(diff in 1i64..=5, waited in 0i64..59, used in 1i64..=5) {
        let now = t0() + Duration::days(500);
        let s = QueueSettings::default();
        let staff: HashMap<AgencyCode, u32> = [(code("A"), 10), (code("B"), 10)].into();
        let history = vec![AcceptedWork { request: RequestId(9), supervising_agency: code("A"), accepted_at: now, difficulty: d(used) }];
        let u = usage(&staff, &history, &s, now);
        // Same difficulty, same wait, A listed (and numbered) first: B still goes first.
        let entries = vec![entry(1, "A", diff, waited, now), entry(2, "B", diff, waited, now)];
        let order = rank(&entries, &u, &s, now);
        prop_assert_eq!(order[0].id, RequestId(2));
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// No starvation: with work arriving all year, even above DGPA's capacity, every
    /// request starts within the bound derived from the settings.
    #[test]
    fn every_request_starts_within_the_bound(seed in any::<u64>(), overload in prop_oneof![Just(0.3), Just(0.45)], max_wait in 10u32..60) {
        let mut config = synthetic_year(seed);
        config.days = 120;
        config.days_per_difficulty = overload;
        let settings = QueueSettings { max_wait_days: max_wait, ..Default::default() };
        let done = run(&config, &Policy::Multifactor(settings.clone()), t0());
        let longest = Duration::seconds((5.0 * config.days_per_difficulty * 86_400.0) as i64);
        for r in &done {
            let overdue_at = r.received + Duration::days(i64::from(max_wait));
            let earlier: Duration = done
                .iter()
                .filter(|x| x.received < r.received && x.started > overdue_at)
                .fold(Duration::zero(), |acc, x| acc + x.service);
            let bound = wait_bound(&settings, config.officers, longest, earlier);
            prop_assert!(r.wait() <= bound + Duration::seconds(1), "request {} waited {} days, bound {} days", r.id, r.wait().num_hours() / 24, bound.num_hours() / 24);
        }
    }
}

#[test]
fn the_simulated_year_is_reproducible_and_serves_everyone() {
    let config = synthetic_year(2026);
    let a = run(&config, &Policy::Fifo, t0());
    let b = run(&config, &Policy::Fifo, t0());
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x.started == y.started));
    let policy = run(&config, &Policy::Multifactor(QueueSettings::default()), t0());
    assert_eq!(policy.len(), a.len(), "every request is served under both policies");
    // FIFO never reorders.
    let mut by_start = a.clone();
    by_start.sort_by_key(|r| (r.started, r.received));
    assert!(by_start.windows(2).all(|w| w[0].received <= w[1].received || w[0].started == w[1].started));
}

#[test]
fn rule_5_3_a_supervising_agency_weighs_the_personnel_staff_of_its_whole_subtree() {
    let agencies = [
        ("DGPA", None, 300),
        ("MOI", Some("DGPA"), 40),
        ("NPA", Some("MOI"), 120),
        ("KPD", Some("NPA"), 30),
        ("MOE", Some("DGPA"), 50),
        ("LOOP1", Some("LOOP2"), 7),
        ("LOOP2", Some("LOOP1"), 7),
        ("ORPHAN", Some("GONE"), 9),
    ];
    let code = |c: &str| AgencyCode::parse(c).unwrap_or_else(|e| panic!("{e}"));
    let agencies: Vec<(AgencyCode, Option<AgencyCode>, u32)> = agencies.iter().map(|(c, p, s)| (code(c), p.map(code), *s)).collect();
    let staff = subtree_staff(agencies.iter().map(|(c, p, s)| (c, p.as_ref(), *s)));
    assert_eq!(staff.get(&code("MOI")), Some(&190));
    assert_eq!(staff.get(&code("MOE")), Some(&50));
    assert_eq!(staff.len(), 2, "DGPA, a cycle and an orphan weigh for nobody: {staff:?}");
}

/// The order `rank` promises, spelled out as one comparison (the fast path in
/// `rank` compares integer keys instead).
fn reference_order(entries: &[QueueEntry], u: &HashMap<AgencyCode, Usage>, s: &QueueSettings, now: DateTime<Utc>) -> Vec<RequestId> {
    let mut ranked: Vec<(Ranked, DateTime<Utc>)> =
        entries.iter().map(|e| (rank(std::slice::from_ref(e), u, s, now).remove(0), e.received_at)).collect();
    ranked.sort_by(|(a, ra), (b, rb)| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| if a.overdue && b.overdue { b.waited.cmp(&a.waited) } else { b.priority.total_cmp(&a.priority) })
            .then(ra.cmp(rb))
            .then(a.id.cmp(&b.id))
    });
    ranked.into_iter().map(|(r, _)| r.id).collect()
}

fn arb_wide_entries() -> impl Strategy<Value = Vec<QueueEntry>> {
    let now = t0() + Duration::days(500);
    // Waits to the second around the overdue line, equal receipts, all difficulties.
    proptest::collection::vec((prop_oneof![Just("A"), Just("B"), Just("C")], 1i64..=5, 0i64..(90 * 86_400), 0i64..3), 1..60).prop_map(
        move |v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (a, d, secs, rcv))| QueueEntry {
                    id: RequestId(i as i64 * 7 % 61 + 1),
                    supervising_agency: code(a),
                    difficulty: super::Difficulty::new(d).unwrap_or_else(|_| unreachable!()),
                    clock: WaitClock { accumulated_seconds: secs / 2, since: Some(now - Duration::seconds(secs - secs / 2)) },
                    received_at: t0() + Duration::days(rcv),
                })
                .collect()
        },
    )
}

proptest! {
    #[test]
    fn rank_orders_as_the_rule_reads(entries in arb_wide_entries(), history in arb_history(), favour_hard in any::<bool>()) {
        let now = t0() + Duration::days(500);
        let s = QueueSettings { difficulty_favour: if favour_hard { DifficultyFavour::Hard } else { DifficultyFavour::Easy }, ..QueueSettings::default() };
        let u = usage(&staff3(), &history, &s, now);
        let order = rank(&entries, &u, &s, now);
        prop_assert_eq!(order.iter().map(|r| r.id).collect::<Vec<_>>(), reference_order(&entries, &u, &s, now));
        prop_assert!(order.iter().enumerate().all(|(i, r)| r.position == i + 1));
    }
}

/// An administrator's preview re-weighs the factors the queue gave: the priority is the
/// queue's own, and preferring hard work instead gives what ranking under it gives.
#[test]
fn a_preview_weighs_the_factors_as_the_queue_does() {
    let now = t0();
    let entries = [entry(1, "MOI", 1, 30, now), entry(2, "TPE", 5, 6, now), entry(3, "TPE", 3, 45, now)];
    let usage = HashMap::new();
    let easy = QueueSettings::default();
    let hard = QueueSettings { difficulty_favour: DifficultyFavour::Hard, weight_difficulty: 700, ..QueueSettings::default() };
    let under_easy = rank(&entries, &usage, &easy, now);
    let under_hard = rank(&entries, &usage, &hard, now);
    for r in &under_easy {
        assert_eq!(r.factors.priority(&easy), r.priority);
        let theirs = under_hard.iter().find(|h| h.id == r.id).map(|h| h.priority).unwrap_or_default();
        let preview = r.factors.favouring(easy.difficulty_favour, hard.difficulty_favour).priority(&hard);
        assert!((preview - theirs).abs() < 1e-9, "{:?}: {preview} ≠ {theirs}", r.id);
    }
}

/// The preview orders by the queue's own key: with weights that tie every request, the
/// first received comes first whatever its number (rule 5.3), as `rank` orders them.
#[test]
fn a_preview_orders_ties_as_the_queue_does() {
    let now = t0();
    let mut entries = [entry(1, "MOI", 3, 10, now), entry(2, "MOI", 3, 10, now)];
    entries[1].received_at = entries[0].received_at - Duration::hours(1);
    let tied = QueueSettings { weight_age: 0, weight_difficulty: 0, weight_fair_share: 0, ..QueueSettings::default() };
    let ranked = rank(&entries, &HashMap::new(), &tied, now);
    assert_eq!(ranked.iter().map(|r| r.id).collect::<Vec<_>>(), [RequestId(2), RequestId(1)]);
    let mut keys: Vec<(OrderKey, RequestId)> = ranked
        .iter()
        .map(|r| (order_key(r.overdue, r.waited, r.priority, entries[(r.id.0 - 1) as usize].received_at, r.id), r.id))
        .collect();
    keys.reverse();
    keys.sort();
    assert_eq!(keys.iter().map(|k| k.1).collect::<Vec<_>>(), [RequestId(2), RequestId(1)]);
}
