//! DGPA's service statistics, with CSV export.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_domain::stats::Period;

use crate::browser::save_file;
use crate::components::application::colon;
use crate::components::loading::Async;
use crate::components::problem::ui;
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

/// DGPA's service statistics.
#[component]
pub fn StatsPage() -> impl IntoView {
    let lang = i18n::lang();
    // Which requests: those first submitted in the period chosen (both ends optional),
    // e.g. a year's for its annual report.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let period = move || Period {
        submitted_from: chrono::NaiveDate::parse_from_str(&from.get(), "%Y-%m-%d").ok(),
        submitted_to: chrono::NaiveDate::parse_from_str(&to.get(), "%Y-%m-%d").ok(),
    };
    let stats = LocalResource::new(move || {
        let p = period();
        async move { call(|c| async move { c.stats_of(&p).await }).await.map_err(ui) }
    });
    let bars = move |title: String, rows: Vec<statreq_domain::stats::Count>| {
        let max = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
        view! {
            <section class="card">
                <h2>{title}</h2>
                <table class="bars">
                    <tbody>
                        {rows.into_iter().map(|r| {
                            // The longest bar leaves room for its count on the same line.
                            let width = format!("calc((100% - 4rem) * {} / {max})", r.count);
                            view! { <tr><th scope="row">{r.label.as_ref().map(|t| i18n::text(lang.get_untracked(), t)).unwrap_or_else(|| r.key.clone())}</th><td><span class="bar-fill" style:width=width></span>" "{r.count}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    };
    // A supervising agency reads the figures of the applications it decides on.
    let session = crate::session::session();
    let supervising_only = move || {
        session
            .me
            .get()
            .is_some_and(|m| !m.roles.iter().any(|r| matches!(r, statreq_domain::Role::DgpaOfficer | statreq_domain::Role::DgpaAdmin)))
    };
    view! {
        <h1>{move || tr(lang.get(), "service_statistics")}</h1>
        <Show when=supervising_only>
            <p class="help" id="stats-scope">{move || tr(lang.get(), "statistics_of_the_applications_you_review")}</p>
        </Show>
        <fieldset class="card period">
            <legend>{move || tr(lang.get(), "requests_first_submitted")}</legend>
            <label for="stats-from">{move || tr(lang.get(), "from_day")}</label>
            <input id="stats-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
            <label for="stats-to">{move || tr(lang.get(), "to_day")}</label>
            <input id="stats-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
            <p class="help" id="stats-period">{move || {
                let l = lang.get();
                match (period().submitted_from, period().submitted_to) {
                    (None, None) => tr(l, "every_request_submitted"),
                    (a, b) => tr_with(l, "first_submitted_between", &[
                        ("from", a.map(|d| i18n::day(l, d)).unwrap_or_else(|| "…".into())),
                        ("to", b.map(|d| i18n::day(l, d)).unwrap_or_else(|| "…".into())),
                    ]),
                }
            }}</p>
        </fieldset>
        <Async resource=stats let:s>
            {{
                let l = lang.get();
                let opt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
                let wait = move |days: Option<f64>, working: Option<f64>| {
                    let working = format!("{}{}", opt(working), tr(l, "working_days_short"));
                    let beside = if l == crate::i18n::Lang::Zh { format!("（{working}）") } else { format!(" ({working})") };
                    format!("{}{}{beside}", opt(days), tr(l, "days"))
                };
                view! {
                    <section class="card">
                        <p>{tr(l, "submitted")}{colon(l)}{s.outcomes.submitted}
                           " · "{tr(l, "returned")}" "{format!("{:.0}%", s.outcomes.returned_share * 100.0)}
                           " · "{tr(l, "rejected")}" "{format!("{:.0}%", s.outcomes.rejected_share * 100.0)}</p>
                        <p>{tr(l, "days_from_submission_to_delivery_median")}" "{opt(s.turnaround.median_days)}
                           " · "{tr(l, "90th_percentile")}" "{opt(s.turnaround.p90_days)}</p>
                        <p>{tr(l, "working_days_from_submission_to_delivery_median")}" "{opt(s.turnaround.median_working_days)}
                           " · "{tr(l, "90th_percentile")}" "{opt(s.turnaround.p90_working_days)}</p>
                        // Each wait in days and, beside it, in working days of the office calendar.
                        <p>{tr(l, "with_dgpa")}{colon(l)}{s.backlog.open}
                           " · "{tr(l, "mean_wait")}" "{wait(s.backlog.mean_wait_days, s.backlog.mean_wait_working_days)}
                           " · "{tr(l, "longest")}" "{wait(s.backlog.max_wait_days, s.backlog.max_wait_working_days)}</p>
                        <p><button type="button" id="stats-csv" on:click=move |_| {
                            let p = period();
                            spawn_local(async move {
                                if let Ok(csv) = call(|c| async move { c.stats_csv_of(&p).await }).await {
                                    let days = [p.submitted_from, p.submitted_to].map(|d| d.map(|d| d.to_string()).unwrap_or_default());
                                    let name = if days.iter().all(String::is_empty) { "statreq-stats.csv".to_string() } else { format!("statreq-stats_{}_{}.csv", days[0], days[1]) };
                                    save_file(&name, csv.as_bytes());
                                }
                            });
                        }>{tr(l, "download_csv")}</button></p>
                    </section>
                    {bars(tr(l, "days_from_submission_to_delivery"), s.turnaround.distribution)}
                    {bars(tr(l, "by_month_first_submission"), s.by_month)}
                    {bars(tr(l, "by_supervising_agency"), s.by_supervising_agency)}
                    {bars(tr(l, "by_state"), s.by_state)}
                    {bars(tr(l, "returns_and_rejections_by_reason"), s.outcomes.by_reason)}
                }.into_any()
            }}
        </Async>
    }
}
