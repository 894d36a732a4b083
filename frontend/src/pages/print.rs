//! The printable paper form of the rules' annex (rule 5.2 fallback).

use leptos::prelude::*;

use crate::components::request::{route_id, route_request};
use crate::i18n::{self, Lang};

/// The application as the paper form of the rules' annex (rule 5.2 fallback).
#[component]
pub fn PrintForm() -> impl IntoView {
    let id = route_id();
    let request = route_request(id);
    let box_ = |on: bool| if on { "■" } else { "□" };
    move || match request.get() {
        None => view! { <p aria-busy="true">"載入中…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.show(Lang::Zh)}</p> }.into_any(),
        Some(Ok(r)) => {
            let a = r.application.clone();
            let date = r.submitted_at.unwrap_or(r.created_at);
            let fields = a.requirement.fields.join("、");
            view! {
                <div class="print-form" lang="zh-Hant-TW">
                    <p class="no-print"><button type="button" on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>"列印 / Print"</button></p>
                    <h1>"行政院人事行政總處提供人事資料統計服務申請表"</h1>
                    <p>"案號："{r.id}</p>
                    <table class="form">
                        <tbody>
                            <tr><th scope="row">"申請人事機構"</th><td colspan="3">{r.agency_name.clone()}</td></tr>
                            <tr><th scope="row">"申請人姓名"</th><td>{a.contact.name.clone()}</td><th scope="row">"申請日期"</th><td>{i18n::date(Lang::Zh, date)}</td></tr>
                            <tr><th scope="row">"聯絡電話"</th><td>{a.contact.phone.clone()}</td><th scope="row">"電子郵件"</th><td>{a.contact.email.clone()}</td></tr>
                            <tr><th scope="row">"申請事由"</th><td colspan="3">{a.reason.clone()}</td></tr>
                            <tr><th scope="row">"需求說明"<br /><small>"（請詳述欄位及條件）"</small></th>
                                <td colspan="3">{a.requirement.description.clone()}<br />"欄位："{fields}<br />"條件："{a.requirement.conditions.clone()}</td></tr>
                            <tr><th scope="row">"是否含個人資料"</th>
                                <td colspan="3">{box_(a.personal_data.contains == Some(true))}" 是　"{box_(a.personal_data.contains == Some(false))}" 否"</td></tr>
                            <tr><th scope="row">"人事總處回復"</th><td colspan="3">{r.reply.clone().unwrap_or_default()}</td></tr>
                            <tr class="sign"><th scope="row">"主管機關人事機構審核"</th><td></td><th scope="row">"申請機關印信"</th><td></td></tr>
                            <tr class="sign"><th scope="row">"申請人簽章"</th><td colspan="3"></td></tr>
                        </tbody>
                    </table>
                    <p><small>"註：請儘量附上所需資料輸出格式範例，以利作業。申請人不得訂定完成期限（第5點第3款）。"</small></p>
                </div>
            }
            .into_any()
        }
    }
}
