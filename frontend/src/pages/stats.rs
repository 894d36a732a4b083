//! DGPA's service statistics, with CSV export.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::save_file;
use crate::components::loading::Async;
use crate::components::problem::ui;
use crate::i18n::{self, tr};
use crate::session::call;

/// DGPA's service statistics.
#[component]
pub fn StatsPage() -> impl IntoView {
    let lang = i18n::lang();
    let stats = LocalResource::new(|| async { call(|c| async move { c.stats().await }).await.map_err(ui) });
    let bars = move |title: String, rows: Vec<statreq_domain::stats::Count>| {
        let max = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
        view! {
            <section class="card">
                <h2>{title}</h2>
                <table class="list bars">
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
    view! {
        <h1>{move || tr(lang.get(), "service_statistics")}</h1>
        <Async resource=stats let:s>
            {{
                let l = lang.get();
                let opt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
                view! {
                    <section class="card">
                        <p>{tr(l, "submitted")}": "{s.outcomes.submitted}
                           " · "{tr(l, "returned")}" "{format!("{:.0}%", s.outcomes.returned_share * 100.0)}
                           " · "{tr(l, "rejected")}" "{format!("{:.0}%", s.outcomes.rejected_share * 100.0)}</p>
                        <p>{tr(l, "days_from_submission_to_delivery_median")}" "{opt(s.turnaround.median_days)}
                           " · "{tr(l, "90th_percentile")}" "{opt(s.turnaround.p90_days)}</p>
                        <p>{tr(l, "working_days_from_submission_to_delivery_median")}" "{opt(s.turnaround.median_working_days)}
                           " · "{tr(l, "90th_percentile")}" "{opt(s.turnaround.p90_working_days)}</p>
                        <p>{tr(l, "with_dgpa")}" "{s.backlog.open}" · "{tr(l, "mean_wait")}" "{opt(s.backlog.mean_wait_days)}
                           " · "{tr(l, "longest")}" "{opt(s.backlog.max_wait_days)}{tr(l, "days")}
                           " · "{tr(l, "mean_wait")}" "{opt(s.backlog.mean_wait_working_days)}
                           " · "{tr(l, "longest")}" "{opt(s.backlog.max_wait_working_days)}{tr(l, "working_days_unit")}</p>
                        <p><button type="button" on:click=move |_| {
                            spawn_local(async move {
                                if let Ok(csv) = call(|c| async move { c.stats_csv().await }).await {
                                    save_file("statreq-stats.csv", csv.as_bytes());
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
