//! DGPA's service statistics: volume by state, supervising agency and month,
//! turnaround, backlog age, and how often applications are returned or rejected.
//! Pure: the caller passes the rows and the time.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::lifecycle::{taiwan_date, EventKind, State};
use crate::message::Text;
use crate::queue::WaitClock;

/// One submitted request, as statistics see it.
#[derive(Debug, Clone)]
pub struct StatRow {
    pub state: State,
    pub supervising_agency: String,
    pub first_submitted_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub wait: WaitClock,
}

/// Which requests the figures cover: those first submitted on or after `submitted_from`
/// and on or before `submitted_to` (days in Taiwan time, inclusive; an end left out is
/// open). Every figure — states, turnaround, backlog, outcomes — is of those requests.
/// Since 1.12.0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_to: Option<NaiveDate>,
}

impl Period {
    /// The period from one day to another, or `None` when it ends before it starts.
    pub fn new(submitted_from: Option<NaiveDate>, submitted_to: Option<NaiveDate>) -> Option<Period> {
        let ordered = match (submitted_from, submitted_to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        };
        ordered.then_some(Period { submitted_from, submitted_to })
    }

    /// Whether a request first submitted at `at` falls in the period.
    pub fn holds(&self, at: DateTime<Utc>) -> bool {
        let day = taiwan_date(at);
        self.submitted_from.is_none_or(|from| day >= from) && self.submitted_to.is_none_or(|to| day <= to)
    }
}

/// The events statistics count as returns and rejections, in the order they are listed.
pub const OUTCOME_KINDS: [EventKind; 4] =
    [EventKind::SupervisorReturned, EventKind::DgpaReturned, EventKind::SupervisorRejected, EventKind::DgpaRejected];

/// One return or rejection ([`OUTCOME_KINDS`]) of a request, as statistics see it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub request: i64,
    pub kind: EventKind,
    /// The request's first submission (which period it counts in).
    pub first_submitted_at: DateTime<Utc>,
    /// DGPA's reason code; a DGPA decision without one (older) counts as `other`.
    pub reason: Option<crate::outcome::OutcomeReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count {
    pub key: String,
    pub count: usize,
    /// What the key stands for, for people: a state's name, a supervising agency's name,
    /// a reason's wording. Absent where the key reads as it is (months, day ranges) and
    /// for event codes. Since 1.5.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
}

impl Count {
    fn new(key: impl Into<String>, count: usize) -> Count {
        Count { key: key.into(), count, label: None }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Turnaround {
    /// Delivered requests counted.
    pub delivered: usize,
    /// Calendar days from first submission to delivery.
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    /// Working days (the office calendar's) after first submission up to delivery.
    #[serde(default)]
    pub median_working_days: Option<f64>,
    #[serde(default)]
    pub p90_working_days: Option<f64>,
    /// Delivered requests by days from submission: `0-7`, `8-14`, `15-30`, `31-60`, `61-90`, `91+`.
    pub distribution: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backlog {
    /// Requests with DGPA now (pending review, queued, in production).
    pub open: usize,
    /// Calendar days waited so far (paused time, such as a hold, not counted).
    pub mean_wait_days: Option<f64>,
    pub max_wait_days: Option<f64>,
    /// The same waits in working days of the office calendar: the working days among
    /// the calendar days of each wait, counted back from today.
    #[serde(default)]
    pub mean_wait_working_days: Option<f64>,
    #[serde(default)]
    pub max_wait_working_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcomes {
    /// Submitted requests counted.
    pub submitted: usize,
    /// Share of submitted requests returned at least once, 0–1.
    pub returned_share: f64,
    /// Share rejected, 0–1.
    pub rejected_share: f64,
    /// Requests with at least one event of each return/reject kind.
    pub by_code: Vec<Count>,
    /// DGPA's returns and rejections by reason code (`GET /outcome-reasons`), every
    /// reason listed (unused ones as 0).
    #[serde(default)]
    pub by_reason: Vec<Count>,
}

/// The service's figures: requests by state, by supervising agency and by month, the
/// time they took, the backlog and the outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStats {
    pub generated_at: DateTime<Utc>,
    /// The requests counted: first submitted in this period (empty: all). Since 1.12.0.
    #[serde(default)]
    pub period: Period,
    pub by_state: Vec<Count>,
    pub by_supervising_agency: Vec<Count>,
    /// First submissions per month (Taiwan time, `YYYY-MM`), each labelled as the ROC
    /// calendar writes it (`115年1月`; since 1.12.0): every month from the first counted
    /// to the last, one without a submission as 0 (since 1.14.0; before, left out).
    pub by_month: Vec<Count>,
    pub turnaround: Turnaround,
    pub backlog: Backlog,
    pub outcomes: Outcomes,
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    Some((sorted[i] * 10.0).round() / 10.0)
}

fn counts(map: BTreeMap<String, usize>) -> Vec<Count> {
    map.into_iter().map(|(key, count)| Count::new(key, count)).collect()
}

/// Every month from the first counted to the last, those without a submission as 0:
/// a series read as a chart or a spreadsheet column has no silent gaps.
fn every_month(counted: &BTreeMap<(i32, u32), usize>) -> Vec<((i32, u32), usize)> {
    let (Some(first), Some(last)) = (counted.keys().next().copied(), counted.keys().next_back().copied()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = first;
    while at <= last {
        out.push((at, counted.get(&at).copied().unwrap_or(0)));
        at = if at.1 == 12 { (at.0 + 1, 1) } else { (at.0, at.1 + 1) };
    }
    out
}

fn days(seconds: i64) -> f64 {
    seconds as f64 / 86_400.0
}

/// The figures of the requests first submitted in `period`: `rows` are every submitted
/// request, `outcomes` every return and rejection.
pub fn compute(
    rows: &[StatRow],
    outcomes: &[Outcome],
    calendars: &[crate::calendar::OfficeCalendar],
    period: Period,
    now: DateTime<Utc>,
) -> ServiceStats {
    let rows: Vec<&StatRow> = rows.iter().filter(|r| period.holds(r.first_submitted_at)).collect();
    let outcomes: Vec<&Outcome> = outcomes.iter().filter(|o| period.holds(o.first_submitted_at)).collect();
    // Requests (each once) with an event of any of `kinds`.
    let requests_with = |kinds: &[EventKind]| {
        outcomes.iter().filter(|o| kinds.contains(&o.kind)).map(|o| o.request).collect::<std::collections::BTreeSet<_>>().len()
    };
    let returned = requests_with(&[EventKind::SupervisorReturned, EventKind::DgpaReturned]);
    let rejected = requests_with(&[EventKind::SupervisorRejected, EventKind::DgpaRejected]);
    let reasons: Vec<crate::outcome::OutcomeReason> = outcomes
        .iter()
        .filter(|o| matches!(o.kind, EventKind::DgpaReturned | EventKind::DgpaRejected))
        .map(|o| o.reason.unwrap_or(crate::outcome::OutcomeReason::Other))
        .collect();
    let mut by_state: std::collections::HashMap<State, usize> = std::collections::HashMap::new();
    let mut by_agency = BTreeMap::new();
    let mut by_month = BTreeMap::new();
    let mut turnaround = Vec::new();
    let mut working = Vec::new();
    let mut waits = Vec::new();
    let mut working_waits = Vec::new();
    let today = taiwan_date(now);
    for r in rows.iter().copied() {
        *by_state.entry(r.state).or_insert(0) += 1;
        *by_agency.entry(r.supervising_agency.clone()).or_insert(0) += 1;
        let day = taiwan_date(r.first_submitted_at);
        *by_month.entry((day.year(), day.month())).or_insert(0) += 1;
        if let Some(d) = r.delivered_at {
            turnaround.push(days((d - r.first_submitted_at).num_seconds()));
            let first = taiwan_date(r.first_submitted_at).succ_opt().unwrap_or_else(|| taiwan_date(r.first_submitted_at));
            working.push(crate::calendar::working_days(first, taiwan_date(d), calendars) as f64);
        }
        if matches!(r.state, State::PendingDgpa | State::Queued | State::InProduction) {
            let waited = r.wait.waited(now);
            waits.push(days(waited.num_seconds()));
            let from = taiwan_date(now - waited).succ_opt().unwrap_or(today);
            working_waits.push(crate::calendar::working_days(from, today, calendars) as f64);
        }
    }
    turnaround.sort_by(f64::total_cmp);
    working.sort_by(f64::total_cmp);
    waits.sort_by(f64::total_cmp);
    working_waits.sort_by(f64::total_cmp);
    let mean = |v: &[f64]| (!v.is_empty()).then(|| (v.iter().sum::<f64>() / v.len() as f64 * 10.0).round() / 10.0);
    let submitted = rows.len();
    let share = |n: usize| if submitted == 0 { 0.0 } else { n as f64 / submitted as f64 };
    ServiceStats {
        generated_at: now,
        period,
        // In the order of the lifecycle, each with its name.
        by_state: State::ALL
            .into_iter()
            .filter_map(|st| by_state.get(&st).map(|n| Count { label: Some(st.label()), ..Count::new(st.as_str(), *n) }))
            .collect(),
        by_supervising_agency: counts(by_agency),
        // Each month with its name as the ROC calendar writes it (115年1月), for reports.
        by_month: every_month(&by_month)
            .into_iter()
            .map(|((y, m), count)| {
                let key = format!("{y:04}-{m:02}");
                Count { label: Some(Text::new(format!("{}年{m}月", y - 1911), key.clone())), ..Count::new(key, count) }
            })
            .collect(),
        turnaround: Turnaround {
            delivered: turnaround.len(),
            median_days: percentile(&turnaround, 0.5),
            p90_days: percentile(&turnaround, 0.9),
            median_working_days: percentile(&working, 0.5),
            p90_working_days: percentile(&working, 0.9),
            distribution: distribution(&turnaround),
        },
        backlog: Backlog {
            open: waits.len(),
            mean_wait_days: mean(&waits),
            max_wait_days: waits.last().map(|w| (w * 10.0).round() / 10.0),
            mean_wait_working_days: mean(&working_waits),
            max_wait_working_days: working_waits.last().copied(),
        },
        outcomes: Outcomes {
            submitted,
            returned_share: share(returned),
            rejected_share: share(rejected),
            by_code: OUTCOME_KINDS.iter().map(|k| Count::new(k.as_str(), requests_with(&[*k]))).collect(),
            by_reason: by_reason(&reasons),
        },
    }
}

/// DGPA's returns and rejections counted by reason, every reason listed.
fn by_reason(reasons: &[crate::outcome::OutcomeReason]) -> Vec<Count> {
    crate::outcome::OutcomeReason::ALL
        .into_iter()
        .map(|r| Count { label: Some(r.label()), ..Count::new(r.as_str(), reasons.iter().filter(|x| **x == r).count()) })
        .collect()
}

const BUCKETS: [(&str, f64); 6] = [("0-7", 7.0), ("8-14", 14.0), ("15-30", 30.0), ("31-60", 60.0), ("61-90", 90.0), ("91+", f64::INFINITY)];

/// Counts per turnaround bucket (every bucket listed, empty ones as 0).
fn distribution(days: &[f64]) -> Vec<Count> {
    BUCKETS
        .iter()
        .enumerate()
        .map(|(i, (key, upper))| {
            let lower = if i == 0 { f64::NEG_INFINITY } else { BUCKETS[i - 1].1 };
            Count::new(*key, days.iter().filter(|d| **d > lower && **d <= *upper).count())
        })
        .collect()
}

/// The same figures as CSV rows `section,key,value`.
/// The statistics as rows of `section, key, value, label` (the label in zh-TW, empty
/// where the key reads as it is), for the CSV export.
pub fn rows(s: &ServiceStats) -> Vec<[String; 4]> {
    fn counts(out: &mut Vec<[String; 4]>, section: &str, cs: &[Count]) {
        for c in cs {
            let label = c.label.as_ref().map(|l| l.zh_tw.clone()).unwrap_or_default();
            out.push([section.to_string(), c.key.clone(), c.count.to_string(), label]);
        }
    }
    fn figure(out: &mut Vec<[String; 4]>, section: &str, key: &str, value: String) {
        out.push([section.to_string(), key.to_string(), value, String::new()]);
    }
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut out = Vec::new();
    // The period first, when one was chosen: the file says what it counts.
    if let Some(from) = s.period.submitted_from {
        figure(&mut out, "period", "submitted_from", from.to_string());
    }
    if let Some(to) = s.period.submitted_to {
        figure(&mut out, "period", "submitted_to", to.to_string());
    }
    counts(&mut out, "state", &s.by_state);
    counts(&mut out, "supervising_agency", &s.by_supervising_agency);
    counts(&mut out, "month", &s.by_month);
    figure(&mut out, "turnaround", "delivered", s.turnaround.delivered.to_string());
    figure(&mut out, "turnaround", "median_days", opt(s.turnaround.median_days));
    figure(&mut out, "turnaround", "p90_days", opt(s.turnaround.p90_days));
    figure(&mut out, "turnaround", "median_working_days", opt(s.turnaround.median_working_days));
    figure(&mut out, "turnaround", "p90_working_days", opt(s.turnaround.p90_working_days));
    counts(&mut out, "turnaround_days", &s.turnaround.distribution);
    figure(&mut out, "backlog", "open", s.backlog.open.to_string());
    figure(&mut out, "backlog", "mean_wait_days", opt(s.backlog.mean_wait_days));
    figure(&mut out, "backlog", "max_wait_days", opt(s.backlog.max_wait_days));
    figure(&mut out, "backlog", "mean_wait_working_days", opt(s.backlog.mean_wait_working_days));
    figure(&mut out, "backlog", "max_wait_working_days", opt(s.backlog.max_wait_working_days));
    figure(&mut out, "outcomes", "submitted", s.outcomes.submitted.to_string());
    figure(&mut out, "outcomes", "returned_share", format!("{:.3}", s.outcomes.returned_share));
    figure(&mut out, "outcomes", "rejected_share", format!("{:.3}", s.outcomes.rejected_share));
    counts(&mut out, "outcome_code", &s.outcomes.by_code);
    counts(&mut out, "outcome_reason", &s.outcomes.by_reason);
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn figures_from_rows() {
        let t = Utc.with_ymd_and_hms(2026, 10, 31, 20, 0, 0).single().unwrap_or_default();
        let row = |state, agency: &str, submitted: DateTime<Utc>, delivered_days: Option<i64>, waiting_since: Option<i64>| StatRow {
            state,
            supervising_agency: agency.into(),
            first_submitted_at: submitted,
            delivered_at: delivered_days.map(|d| submitted + Duration::days(d)),
            wait: WaitClock { accumulated_seconds: 0, since: waiting_since.map(|d| t + Duration::days(30) - Duration::days(d)) },
        };
        let rows = vec![
            row(State::Closed, "MOI", t, Some(10), None),
            row(State::Delivered, "MOI", t + Duration::days(1), Some(20), None),
            row(State::Queued, "TPE", t + Duration::days(2), None, Some(4)),
            row(State::PendingDgpa, "TPE", t + Duration::days(3), None, Some(2)),
        ];
        let cal = crate::calendar::seed();
        let returned = Outcome { request: 2, kind: EventKind::DgpaReturned, first_submitted_at: t + Duration::days(1), reason: None };
        let s = compute(&rows, &[returned], &cal, Period::default(), t + Duration::days(30));
        assert_eq!(
            s.by_state.iter().map(|c| (c.key.as_str(), c.count)).collect::<Vec<_>>(),
            vec![("pending_dgpa", 1), ("queued", 1), ("delivered", 1), ("closed", 1)]
        );
        // 20:00 UTC on 31 October is 1 November in Taiwan.
        assert_eq!(s.by_month.iter().map(|c| (c.key.as_str(), c.count)).collect::<Vec<_>>(), vec![("2026-11", 4)]);
        assert_eq!((s.turnaround.median_days, s.turnaround.p90_days), (Some(20.0), Some(20.0)));
        // Working days after submission: 2–11 November is 8, 3–22 November 14.
        assert_eq!((s.turnaround.median_working_days, s.turnaround.p90_working_days), (Some(14.0), Some(14.0)));
        let dist: Vec<(&str, usize)> = s.turnaround.distribution.iter().map(|c| (c.key.as_str(), c.count)).collect();
        assert_eq!(dist, vec![("0-7", 0), ("8-14", 1), ("15-30", 1), ("31-60", 0), ("61-90", 0), ("91+", 0)]);
        assert_eq!((s.backlog.open, s.backlog.mean_wait_days, s.backlog.max_wait_days), (2, Some(3.0), Some(4.0)));
        // Now is Tuesday 1 December 2026 in Taiwan: the waits since Friday 27 and
        // Sunday 29 November are 4 and 2 calendar days but 2 working days each (the
        // weekend between does not count).
        assert_eq!((s.backlog.mean_wait_working_days, s.backlog.max_wait_working_days), (Some(2.0), Some(2.0)));
        assert_eq!(s.outcomes.returned_share, 0.25);
        // States in the order of the lifecycle, named.
        let states: Vec<(&str, &str)> =
            s.by_state.iter().map(|c| (c.key.as_str(), c.label.as_ref().map(|l| l.zh_tw.as_str()).unwrap_or(""))).collect();
        assert_eq!(states.first(), Some(&("pending_dgpa", "待人事總處審查")), "{states:?}");
        assert_eq!(states.last(), Some(&("closed", "已結案")), "{states:?}");
        let csv = super::rows(&s);
        assert_eq!(csv.first().map(|r| r.join(",")), Some("state,pending_dgpa,1,待人事總處審查".to_string()));
        assert!(csv.iter().any(|r| r.join(",") == "outcome_code,dgpa_returned,1,"), "{csv:?}");
        assert!(csv.iter().any(|r| r.join(",") == "outcome_reason,other,1,其他（詳見說明）"), "{csv:?}");
        let empty = compute(&[], &[], &cal, Period::default(), t);
        assert_eq!((empty.turnaround.median_days, empty.outcomes.returned_share), (None, 0.0));
    }

    /// A period counts the requests first submitted on its days in Taiwan (a day there
    /// starts at 16:00 UTC the day before), both ends included; every figure is of them.
    #[test]
    fn a_period_counts_the_requests_first_submitted_in_it() {
        let at = |m: u32, d: u32, h: u32| Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).single().unwrap_or_default();
        let row = |state, agency: &str, submitted| StatRow {
            state,
            supervising_agency: String::from(agency),
            first_submitted_at: submitted,
            delivered_at: (state == State::Delivered).then(|| submitted + Duration::days(9)),
            wait: WaitClock { accumulated_seconds: 0, since: (state == State::Queued).then_some(submitted) },
        };
        // 31 December 15:00 UTC is 23:00 in Taiwan; 16:00 is 1 January there.
        let rows = vec![
            row(State::Delivered, "MOI", at(12, 31, 15) - Duration::days(365)),
            row(State::Delivered, "MOI", at(12, 31, 16) - Duration::days(365)),
            row(State::Queued, "TPE", at(6, 30, 10)),
            row(State::Rejected, "TPE", at(12, 31, 15)),
            row(State::Closed, "MOI", at(12, 31, 16)),
        ];
        let o = |request, kind, submitted, reason| Outcome { request, kind, first_submitted_at: submitted, reason };
        let outcomes = vec![
            o(1, EventKind::SupervisorReturned, rows[0].first_submitted_at, None),
            o(3, EventKind::DgpaReturned, rows[2].first_submitted_at, Some(crate::outcome::OutcomeReason::DefinitionUnclear)),
            o(3, EventKind::DgpaReturned, rows[2].first_submitted_at, Some(crate::outcome::OutcomeReason::DefinitionUnclear)),
            o(4, EventKind::DgpaRejected, rows[3].first_submitted_at, Some(crate::outcome::OutcomeReason::AvailableInExistingSource)),
        ];
        let cal = crate::calendar::seed();
        let year = Period { submitted_from: NaiveDate::from_ymd_opt(2026, 1, 1), submitted_to: NaiveDate::from_ymd_opt(2026, 12, 31) };
        assert_eq!(Period::new(year.submitted_from, year.submitted_to), Some(year));
        assert_eq!(Period::new(year.submitted_to, year.submitted_from), None, "it ends before it starts");
        assert_eq!(Period::new(None, year.submitted_from), Some(Period { submitted_from: None, submitted_to: year.submitted_from }));
        let s = compute(&rows, &outcomes, &cal, year, at(12, 31, 17));
        assert_eq!(s.period, year);
        assert_eq!(s.outcomes.submitted, 3, "1 January to 31 December in Taiwan");
        let keys = |v: &[Count]| v.iter().filter(|c| c.count > 0).map(|c| (c.key.clone(), c.count)).collect::<Vec<_>>();
        assert_eq!(keys(&s.by_state), vec![("queued".into(), 1), ("delivered".into(), 1), ("rejected".into(), 1)]);
        assert_eq!(keys(&s.by_month), vec![("2026-01".into(), 1), ("2026-06".into(), 1), ("2026-12".into(), 1)]);
        // The months between, without a submission, are there as 0, not left out.
        let months: Vec<&str> = s.by_month.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(months.len(), 12, "{months:?}");
        assert_eq!((months[1], s.by_month[1].count, months[11]), ("2026-02", 0, "2026-12"));
        // Across the turn of the year, both ways.
        let all = compute(&rows, &outcomes, &cal, Period::default(), at(12, 31, 17));
        let months: Vec<(&str, usize)> = all.by_month.iter().map(|c| (c.key.as_str(), c.count)).collect();
        assert_eq!((months.len(), months[0], months[1], months[13]), (14, ("2025-12", 1), ("2026-01", 1), ("2027-01", 1)), "{months:?}");
        assert_eq!(all.by_month[13].label.as_ref().map(|t| t.zh_tw.as_str()), Some("116年1月"));
        let month_names: Vec<(String, String)> = s.by_month.iter().filter_map(|c| c.label.clone()).map(|t| (t.zh_tw, t.en)).collect();
        assert_eq!(month_names[0], ("115年1月".into(), "2026-01".into()), "named as the ROC calendar writes it");
        assert_eq!(month_names.len(), s.by_month.len());
        assert_eq!((s.turnaround.delivered, s.backlog.open), (1, 1));
        // Request 3 returned twice counts once among requests, twice among DGPA's reasons;
        // request 1's return was in 2025.
        assert_eq!(keys(&s.outcomes.by_code), vec![("dgpa_returned".into(), 1), ("dgpa_rejected".into(), 1)]);
        assert_eq!((s.outcomes.returned_share, s.outcomes.rejected_share), (1.0 / 3.0, 1.0 / 3.0));
        assert_eq!(keys(&s.outcomes.by_reason), vec![("available_in_existing_source".into(), 1), ("definition_unclear".into(), 2)]);
        let csv: Vec<String> = super::rows(&s).iter().map(|r| r.join(",")).collect();
        assert_eq!(csv[..2], ["period,submitted_from,2026-01-01,".to_string(), "period,submitted_to,2026-12-31,".to_string()]);
        // Open at one end; and a period nothing falls in.
        let since_july = Period { submitted_from: NaiveDate::from_ymd_opt(2026, 7, 1), submitted_to: None };
        assert_eq!(compute(&rows, &outcomes, &cal, since_july, at(12, 31, 17)).outcomes.submitted, 2);
        let until_2025 = Period { submitted_from: None, submitted_to: NaiveDate::from_ymd_opt(2025, 12, 31) };
        let old = compute(&rows, &outcomes, &cal, until_2025, at(12, 31, 17));
        assert_eq!((old.outcomes.submitted, keys(&old.outcomes.by_code)), (1, vec![("supervisor_returned".into(), 1)]));
        // The last row is 1 January 2027 in Taiwan, though 31 December in UTC.
        let next_year = Period { submitted_from: NaiveDate::from_ymd_opt(2027, 1, 1), submitted_to: None };
        assert_eq!(keys(&compute(&rows, &outcomes, &cal, next_year, at(12, 31, 17)).by_state), vec![("closed".into(), 1)]);
        let none = Period { submitted_from: NaiveDate::from_ymd_opt(2027, 1, 2), submitted_to: None };
        let empty = compute(&rows, &outcomes, &cal, none, at(12, 31, 17));
        assert_eq!((empty.outcomes.submitted, empty.outcomes.returned_share, keys(&empty.outcomes.by_reason)), (0, 0.0, vec![]));
    }
}
