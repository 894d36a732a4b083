//! The printable paper form, as the rules' annex lays it out (rule 5.2 fallback):
//! 行政院人事行政總處受理人事資料統計服務申請表, with the application in words, the
//! supervising agency's approval and DGPA's reply — one A4 page for a typical request.

use leptos::prelude::*;
use statreq_domain::EventKind;

use crate::components::application::{condition_words, field_name, use_field_names};
use crate::components::request::{route_id, route_request, RequestFrame};
use crate::i18n::{self, Lang};
use crate::session::call;

/// The application as the paper form of the rules' annex.
#[component]
pub fn PrintForm() -> impl IntoView {
    let id = route_id();
    let request = route_request(id);
    let names = use_field_names();
    let events = LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.events(id).await }).await.unwrap_or_default() }
    });
    let box_ = |on: bool| if on { "■" } else { "□" };
    // The form is in zh-TW, as on paper; what is said about it, in the reader's language.
    let lang = i18n::lang();
    let form = move || match request.get() {
        None => view! { <p aria-busy="true">"載入中…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
        Some(Ok(r)) => {
            let a = r.application.clone();
            let n = names.get();
            let z = Lang::Zh;
            let date = r.submitted_at.unwrap_or(r.created_at);
            let req = &a.requirement;
            let pd = &a.personal_data;
            let fields: Vec<String> = req.fields.iter().map(|f| field_name(z, &n, f)).collect();
            let filters: Vec<String> = req.filters.iter().map(|c| condition_words(z, &n, c)).collect();
            let breakdowns: Vec<String> = req.breakdowns.iter().map(|f| field_name(z, &n, f)).collect();
            let list = events.get().unwrap_or_default();
            // The supervising agency's decision, and DGPA's returns and rejections with reasons.
            let approved = list.iter().rev().find(|e| e.kind == EventKind::SupervisorApproved);
            let approval = approved.map(|e| (e.actor.display_name.clone(), i18n::datetime(z, e.at)));
            // Or, when none was given here since, the approval on paper it came with (rule
            // 5.2): its document and day.
            let on_paper = list
                .iter()
                .find(|e| e.kind == EventKind::RegisteredFromPaper && approved.is_none())
                .map(|e| crate::pages::request::paper_approval(z, &e.data));
            let returns: Vec<String> = list
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        EventKind::DgpaReturned | EventKind::DgpaRejected | EventKind::SupervisorReturned | EventKind::SupervisorRejected
                    )
                })
                .map(|e| {
                    format!(
                        "{}（{}，{}）：{}",
                        e.to_state.label().zh_tw,
                        e.actor.display_name,
                        i18n::date(z, e.at),
                        e.comment.clone().unwrap_or_default()
                    )
                })
                .collect();
            let reply = r.reply.clone();
            // Which supervising agency's personnel office reviewed (rule 5.1): the one that
            // approved, as it was then; until then, those who review it now.
            let reviewers = match approved.and_then(|e| e.actor_agency.as_ref()) {
                Some(a) => a.name.clone(),
                None => r.supervising_agencies.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join("、"),
            };
            view! {
                <div class="print-form" lang="zh-Hant-TW">
                    <p class="no-print"><button type="button" on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>"列印 / Print"</button></p>
                    <h1>"行政院人事行政總處受理人事資料統計服務申請表"</h1>
                    <p class="form-no">"案號："{r.id}"　第 "{r.revision}" 版"</p>
                    <table class="form">
                        <tbody>
                            <tr>
                                <th scope="rowgroup" rowspan="6" class="side">"申請人事機構填寫"</th>
                                <th scope="row">"申請人事機構"</th><td colspan="3">{r.agency_name.clone()}</td>
                            </tr>
                            <tr><th scope="row">"申請人姓名"</th><td>{a.contact.name.clone()}</td><th scope="row">"申請日期"</th><td>{i18n::date(z, date)}</td></tr>
                            <tr><th scope="row">"聯絡電話"</th><td>{a.contact.phone.clone()}</td><th scope="row">"電子郵件"</th><td>{a.contact.email.clone()}</td></tr>
                            <tr><th scope="row">"申請理由"</th><td colspan="3" class="pre-line">{a.reason.clone()}</td></tr>
                            <tr>
                                <th scope="row">"需求描述及說明"<br /><small>"（請詳細說明需求欄位及條件等）"</small></th>
                                <td colspan="3">
                                    <p class="pre-line">{req.description.clone()}</p>
                                    <p>"提供方式："{req.output.map_or_else(|| "未填寫".to_string(), |o| o.label().zh_tw)}</p>
                                    <p>"需求欄位："{fields.join("、")}</p>
                                    {(!req.conditions.trim().is_empty() || !filters.is_empty()).then(|| view! {
                                        <p>"條件："{req.conditions.clone()}{(!filters.is_empty()).then(|| format!("（{}）", filters.join("；")))}</p>
                                    })}
                                    {(!breakdowns.is_empty()).then(|| view! { <p>"統計分組："{breakdowns.join("、")}</p> })}
                                    {req.sample_output.clone().filter(|s| !s.trim().is_empty()).map(|s| view! { <p>"格式範例："{s}</p> })}
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">"是否含個資"</th>
                                <td colspan="3">
                                    {box_(pd.contains == Some(true))}" 是　"{box_(pd.contains == Some(false))}" 否"
                                    {(pd.contains == Some(true)).then(|| view! {
                                        <p>"特定目的：人事管理　保存日數：收到後 "{pd.retention_days.unwrap_or_default()}" 日"</p>
                                        <p>"執行之法定職務及依據："{pd.statutory_duty.clone().unwrap_or_default()}</p>
                                        <p>"必要性說明："{pd.necessity.iter().map(|x| format!("{}：{}", field_name(z, &n, &x.field), x.note)).collect::<Vec<_>>().join("；")}</p>
                                    })}
                                </td>
                            </tr>
                            <tr>
                                <th scope="row" colspan="2">"人事總處回復"</th>
                                <td colspan="3" class="reply">
                                    {reply.map(|x| view! { <p class="pre-line">{x}</p> })}
                                    {returns.into_iter().map(|x| view! { <p>{x}</p> }).collect_view()}
                                </td>
                            </tr>
                        </tbody>
                    </table>
                    <table class="form sign">
                        <thead><tr><th scope="col">"主管機關人事機構審核"</th><th scope="col">"申請人事機構單位戳章"</th><th scope="col">"申請人簽名或蓋章"</th></tr></thead>
                        <tbody><tr>
                            <td>
                                {(!reviewers.is_empty()).then(|| view! { <p class="reviewer">{reviewers}</p> })}
                                {approval.map(|(who, at)| view! { <span class="approved">"核准："{who}"　"<span class="when">{at}</span></span> })}
                                {on_paper.map(|(number, on, by)| view! { <span class="approved">"核准："{by.map(|b| b + "　")}{number}"　"<span class="when">{on}</span></span> })}
                            </td>
                            <td></td>
                            <td></td>
                        </tr></tbody>
                    </table>
                    <p><small>"註、請儘量檢附需求資料格式範例，以加速處理時效。"</small></p>
                </div>
            }
            .into_any()
        }
    };
    view! { <RequestFrame request=request id=Signal::derive(id)>{form}</RequestFrame> }
}
