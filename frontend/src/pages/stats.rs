//! DGPA's service statistics, with CSV export.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::save_file;
use crate::components::problem::ui;
use crate::i18n::{self, t};
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
                            let width = format!("width: {}%", r.count * 100 / max);
                            view! { <tr><th scope="row">{r.key.clone()}</th><td><span class="bar-fill" style=width></span>" "{r.count}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    };
    view! {
        <h1>{move || t(lang.get(), "服務統計", "Service statistics")}</h1>
        {move || match stats.get() {
            None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
            Some(Ok(s)) => {
                let l = lang.get();
                let opt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
                view! {
                    <section class="card">
                        <p>{t(l, "已送出案件", "Submitted")}": "{s.outcomes.submitted}
                           " · "{t(l, "退回比例", "returned")}" "{format!("{:.0}%", s.outcomes.returned_share * 100.0)}
                           " · "{t(l, "不予受理比例", "rejected")}" "{format!("{:.0}%", s.outcomes.rejected_share * 100.0)}</p>
                        <p>{t(l, "送出至交付日數：中位數", "Days from submission to delivery: median")}" "{opt(s.turnaround.median_days)}
                           " · "{t(l, "第90百分位", "90th percentile")}" "{opt(s.turnaround.p90_days)}</p>
                        <p>{t(l, "人事總處待辦", "With DGPA")}" "{s.backlog.open}" · "{t(l, "平均等候", "mean wait")}" "{opt(s.backlog.mean_wait_days)}
                           " · "{t(l, "最久", "longest")}" "{opt(s.backlog.max_wait_days)}{t(l, " 日", " days")}</p>
                        <p><button type="button" on:click=move |_| {
                            spawn_local(async move {
                                if let Ok(csv) = call(|c| async move { c.stats_csv().await }).await {
                                    save_file("statreq-stats.csv", csv.as_bytes());
                                }
                            });
                        }>{t(l, "下載 CSV", "Download CSV")}</button></p>
                    </section>
                    {bars(t(l, "送出至交付日數分布", "Days from submission to delivery"), s.turnaround.distribution)}
                    {bars(t(l, "依月份（首次送出）", "By month (first submission)"), s.by_month)}
                    {bars(t(l, "依主管機關", "By supervising agency"), s.by_supervising_agency)}
                    {bars(t(l, "依狀態", "By state"), s.by_state)}
                }.into_any()
            }
        }}
    }
}
