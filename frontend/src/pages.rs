//! The screens.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use statreq_client::ClientError;
use statreq_contract::Action as RequestAction;
use statreq_contract::*;
use statreq_domain::application::{
    Condition, Contact, ExistingSource, NecessityNote, Operator, OutputKind, PersonalData, Requirement, SourceAttestation,
};
use statreq_domain::Severity;

use crate::i18n::{self, t, text, Lang};
use crate::session::{self, call, Session};

pub(crate) fn err_text(lang: Lang, e: &ClientError) -> String {
    match e.problem() {
        Some(p) => {
            let mut s = text(lang, &p.message);
            for err in &p.errors {
                let m = err.message.as_ref().map(|m| text(lang, m)).unwrap_or_else(|| err.detail.clone());
                s.push_str(&format!("\n• {} {}", err.pointer, m));
            }
            s
        }
        None => t(lang, "無法連線至伺服器，請稍後再試。", "Cannot reach the server; try again shortly."),
    }
}

/// An error as shown: both languages, chosen at display time.
#[derive(Debug, Clone, PartialEq)]
pub struct UiError {
    zh: String,
    en: String,
}

impl UiError {
    pub(crate) fn show(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            self.zh.clone()
        } else {
            self.en.clone()
        }
    }
}

pub(crate) fn ui(e: ClientError) -> UiError {
    UiError { zh: err_text(Lang::Zh, &e), en: err_text(Lang::En, &e) }
}

fn role_label(lang: Lang, r: Role) -> String {
    match r {
        Role::Applicant => t(lang, "申請人", "applicant"),
        Role::Supervisor => t(lang, "主管機關審核人", "supervisor"),
        Role::DgpaOfficer => t(lang, "人事總處承辦人", "DGPA officer"),
        Role::DgpaAdmin => t(lang, "人事總處管理者", "DGPA administrator"),
        Role::Service => t(lang, "系統介接", "service"),
    }
}

#[component]
pub fn Header(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    // Unread notifications, read again on every navigation.
    let location = leptos_router::hooks::use_location();
    let unread = LocalResource::new(move || {
        let signed_in = session.me.get().is_some();
        let _ = location.pathname.get();
        async move {
            if !signed_in {
                return 0;
            }
            call(|c| async move { c.inbox(true).await }).await.map(|v| v.len()).unwrap_or(0)
        }
    });
    view! {
        <header class="top">
            <A href="/"><span class="brand">{move || t(lang.get(), "人事資料統計服務", "Personnel statistics service")}</span></A>
            <nav aria-label=move || t(lang.get(), "使用者", "User")>
                {move || session.me.get().map(|me| {
                    let roles = me.roles.iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、");
                    view! { <span class="who">{me.display_name.clone()}" · "{me.agency_name.clone()}" · "{roles}</span> }
                })}
                <Show when=move || session.me.get().is_some()>
                    <A href="/fields">{move || t(lang.get(), "欄位字典", "Fields")}</A>
                    <A href="/sources">{move || t(lang.get(), "既有資料來源", "Existing sources")}</A>
                    <A href="/inquiries">{move || t(lang.get(), "欄位疑義", "Questions")}</A>
                    <A href="/inbox">{move || {
                        let n = unread.get().unwrap_or(0);
                        let base = t(lang.get(), "通知", "Notifications");
                        if n > 0 { format!("{base} ({n})") } else { base }
                    }}</A>
                </Show>
                <Show when=move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)))>
                    <A href="/queue">{move || t(lang.get(), "作業排程", "Queue")}</A>
                    <A href="/stats">{move || t(lang.get(), "服務統計", "Statistics")}</A>
                </Show>
                <Show when=move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaAdmin))>
                    <A href="/admin">{move || t(lang.get(), "系統管理", "Administration")}</A>
                </Show>
                <button type="button" class="link" on:click=move |_| lang.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })>
                    {move || t(lang.get(), "English", "中文")}
                </button>
                <Show when=move || session.me.get().is_some()>
                    {
                        let navigate = navigate.clone();
                        view! {
                            <button type="button" class="link" on:click=move |_| { session::logout(); navigate("/login", Default::default()); }>
                                {move || t(lang.get(), "登出", "Sign out")}
                            </button>
                        }
                    }
                </Show>
            </nav>
        </header>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = i18n::lang();
    view! { <h1>{move || t(lang.get(), "找不到此頁面", "Page not found")}</h1><p><A href="/">{move || t(lang.get(), "回首頁", "Home")}</A></p> }
}

#[component]
pub fn Login() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match session::login(&username.get_untracked(), &password.get_untracked()).await {
                Ok(me) => {
                    session.me.set(Some(me));
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{move || t(lang.get(), "登入", "Sign in")}</h1>
        <form class="card narrow" on:submit=submit>
            <label for="username">{move || t(lang.get(), "帳號", "Username")}</label>
            <input id="username" name="username" autocomplete="username" required prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
            <label for="password">{move || t(lang.get(), "密碼", "Password")}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" disabled=move || busy.get()>{move || t(lang.get(), "登入", "Sign in")}</button>
        </form>
    }
}

const STATES: [State; 10] = State::ALL;

#[component]
pub fn Home() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let filter = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    // Reviewers start at what awaits them.
    Effect::new(move |_| {
        if touched.get_untracked() {
            return;
        }
        if let Some(me) = session.me.get() {
            let default = if me.roles.contains(&Role::DgpaOfficer) {
                "pending_dgpa"
            } else if me.roles.contains(&Role::Supervisor) && !me.roles.contains(&Role::Applicant) {
                "pending_supervisor"
            } else {
                ""
            };
            filter.set(default.to_string());
        }
    });
    let list = LocalResource::new(move || {
        let state = State::parse(&filter.get());
        async move { call(|c| async move { c.list_requests(state, None, Some(100)).await }).await.map_err(ui) }
    });
    let is_applicant = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::Applicant));
    view! {
        <Show when=move || session.me.get().is_some() fallback=move || view! {
            <h1>{move || t(lang.get(), "人事資料統計服務", "Personnel-data statistics service")}</h1>
            <p>{move || t(lang.get(), "各級人事機構申請人事資料統計數值或明細資料，經主管機關人事機構審核後，由人事總處審查、排程、產製並回復。", "Personnel offices apply for statistics or detail records; the supervising agency approves; DGPA reviews, queues, produces and returns them.")}</p>
            <p><A href="/login">{move || t(lang.get(), "請先登入", "Sign in to continue")}</A></p>
        }>
            <div class="bar">
                <h1>{move || t(lang.get(), "案件", "Requests")}</h1>
                <Show when=is_applicant>
                    <A href="/requests/new" attr:class="button">{move || t(lang.get(), "新增申請", "New application")}</A>
                </Show>
            </div>
            <label for="state-filter">{move || t(lang.get(), "狀態", "State")}</label>
            <select id="state-filter" prop:value=move || filter.get() on:change=move |ev| { touched.set(true); filter.set(event_target_value(&ev)); }>
                <option value="">{move || t(lang.get(), "全部", "All")}</option>
                {STATES.iter().map(|s| { let s = *s; view! { <option value=s.as_str() selected=move || filter.get() == s.as_str()>{move || text(lang.get(), &s.label())}</option> } }).collect_view()}
            </select>
            {move || match list.get() {
                None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! { <p>{t(lang.get(), "目前沒有案件。", "No requests yet.")}</p> }.into_any(),
                Some(Ok(page)) => view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{t(lang.get(), "案號", "No.")}</th>
                            <th scope="col">{t(lang.get(), "狀態", "State")}</th>
                            <th scope="col">{t(lang.get(), "申請機關", "Agency")}</th>
                            <th scope="col">{t(lang.get(), "申請事由", "Reason")}</th>
                            <th scope="col">{t(lang.get(), "更新", "Updated")}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|r| view! {
                                <tr>
                                    <td><A href=format!("/requests/{}", r.id)>{r.id}</A></td>
                                    <td><span class=format!("state {}", r.state.as_str())>{text(lang.get(), &r.state_label)}</span></td>
                                    <td>{r.agency_name.clone()}</td>
                                    <td>{r.application.reason.chars().take(40).collect::<String>()}</td>
                                    <td>{i18n::date(lang.get(), r.updated_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </Show>
    }
}

fn action_label(lang: Lang, a: RequestAction) -> String {
    match a {
        RequestAction::Edit => t(lang, "修改", "Edit"),
        RequestAction::Submit => t(lang, "送出", "Submit"),
        RequestAction::Withdraw => t(lang, "撤回", "Withdraw"),
        RequestAction::SupervisorApprove => t(lang, "核准", "Approve"),
        RequestAction::SupervisorReturn => t(lang, "退回補正", "Return"),
        RequestAction::SupervisorReject => t(lang, "不予同意", "Reject"),
        RequestAction::DgpaAccept => t(lang, "受理", "Accept"),
        RequestAction::DgpaReturn => t(lang, "退回補正", "Return"),
        RequestAction::DgpaReject => t(lang, "不予受理", "Reject"),
        RequestAction::Take => t(lang, "開始產製", "Take"),
        RequestAction::Deliver => t(lang, "回復交付", "Deliver"),
        RequestAction::RecordDestruction => t(lang, "登錄銷毀", "Record destruction"),
        RequestAction::Acknowledge => t(lang, "確認收訖", "Acknowledge"),
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = i18n::lang();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    let request = LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.get_request(id).await }).await.map_err(ui) }
    });
    let events = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.events(id).await }).await.map_err(ui) }
    });
    let findings = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.check_request(id).await }).await.map_err(ui) }
    });
    let coverage = LocalResource::new(move || {
        let id = id();
        let _ = request.get();
        async move { call(|c| async move { c.request_sources(id).await }).await.map_err(ui) }
    });
    let comment = RwSignal::new(String::new());
    let difficulty = RwSignal::new(3i64);
    let destroyed_on = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let officers = LocalResource::new(|| async { call(|c| async move { c.officers().await }).await.unwrap_or_default() });
    let message = RwSignal::new(None::<String>);
    let receipt = RwSignal::new(None::<String>);
    let act = move |a: RequestAction, version: i64| {
        let id = id();
        let body_comment = comment.get_untracked();
        let c_opt = (!body_comment.trim().is_empty()).then_some(body_comment.clone());
        let d = difficulty.get_untracked();
        let on = destroyed_on.get_untracked();
        let assign_to = assignee.get_untracked().parse::<i64>().ok();
        spawn_local(async move {
            let v = Some(version);
            let res = call(|c| {
                let c_opt = c_opt.clone();
                let body_comment = body_comment.clone();
                let on = on.clone();
                async move {
                    match a {
                        RequestAction::Submit => c.submit(id, v).await,
                        RequestAction::Withdraw => c.withdraw(id, v, c_opt.as_deref()).await,
                        RequestAction::SupervisorApprove => c.supervisor_decision(id, v, Decision::Approve, c_opt.as_deref()).await,
                        RequestAction::SupervisorReturn => c.supervisor_decision(id, v, Decision::Return, c_opt.as_deref()).await,
                        RequestAction::SupervisorReject => c.supervisor_decision(id, v, Decision::Reject, c_opt.as_deref()).await,
                        RequestAction::DgpaAccept => {
                            c.dgpa_decision(id, v, DgpaDecision::Accept, Difficulty::new(d).ok(), c_opt.as_deref()).await
                        }
                        RequestAction::DgpaReturn => c.dgpa_decision(id, v, DgpaDecision::Return, None, c_opt.as_deref()).await,
                        RequestAction::DgpaReject => c.dgpa_decision(id, v, DgpaDecision::Reject, None, c_opt.as_deref()).await,
                        RequestAction::Take => c.take_with(id, v, &TakeBody { assignee: assign_to, skip_reason: c_opt.clone() }).await,
                        RequestAction::Deliver => c.deliver(id, v, &body_comment).await,
                        RequestAction::Acknowledge => c.acknowledge(id, v).await,
                        RequestAction::RecordDestruction => {
                            let date = chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap_or_default();
                            c.record_destruction(id, v, &DestructionBody { destroyed_on: date, method: body_comment.clone() }).await
                        }
                        RequestAction::Edit => c.get_request(id).await,
                    }
                }
            })
            .await;
            match res {
                Ok(r) => {
                    message.set(None);
                    comment.set(String::new());
                    if a == RequestAction::Submit {
                        let l = lang.get_untracked();
                        receipt.set(Some(t(
                            l,
                            &format!("已送出：案號 {}，第 {} 版，{}。送請主管機關人事機構審核；可列印申請表留存。", r.id, r.revision, i18n::datetime(l, r.updated_at)),
                            &format!("Submitted: request {}, revision {}, {}. It goes to the supervising agency's personnel office; print the form for your records.", r.id, r.revision, i18n::datetime(l, r.updated_at)),
                        )));
                    }
                    request.refetch();
                }
                Err(e) => message.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        {move || match request.get() {
            None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
            Some(Ok(r)) => {
                let app = r.application.clone();
                let version = r.version;
                let actions: Vec<RequestAction> = r.allowed_actions.iter().copied().filter(|a| *a != RequestAction::Edit).collect();
                let needs_difficulty = actions.contains(&RequestAction::DgpaAccept);
                let needs_date = actions.contains(&RequestAction::RecordDestruction);
                let can_edit = r.allowed_actions.contains(&RequestAction::Edit);
                let can_take = actions.contains(&RequestAction::Take);
                view! {
                    <h1>{t(lang.get(), "案件", "Request")}" "{r.id}</h1>
                    {move || receipt.get().map(|m| view! { <p class="receipt" role="status">{m}</p> })}
                    <p><span class=format!("state {}", r.state.as_str())>{text(lang.get(), &r.state_label)}</span>
                       " · "{r.agency_name.clone()}" · "{t(lang.get(), "第", "revision ")}{r.revision}{t(lang.get(), "版", "")}</p>
                    <section class="card" aria-labelledby="app-h">
                        <h2 id="app-h">{t(lang.get(), "申請內容", "Application")}</h2>
                        <p class="actions">
                            {can_edit.then(|| view! { <A href=format!("/requests/{}/edit", r.id)>{t(lang.get(), "修改申請內容", "Edit the application")}</A> })}
                            <A href=format!("/requests/{}/print", r.id)>{t(lang.get(), "列印申請表", "Printable form")}</A>
                        </p>
                        <dl>
                            <dt>{t(lang.get(), "申請人", "Applicant")}</dt><dd>{app.contact.name.clone()}" "{app.contact.phone.clone()}" "{app.contact.email.clone()}</dd>
                            <dt>{t(lang.get(), "申請事由", "Reason")}</dt><dd>{app.reason.clone()}</dd>
                            <dt>{t(lang.get(), "需求說明", "Requirement")}</dt><dd>{app.requirement.description.clone()}</dd>
                            <dt>{t(lang.get(), "欄位", "Fields")}</dt><dd>{app.requirement.fields.join("、")}</dd>
                            <dt>{t(lang.get(), "條件", "Conditions")}</dt><dd>{app.requirement.conditions.clone()}
                                {(!app.requirement.filters.is_empty()).then(|| view! {
                                    <ul class="filters">{app.requirement.filters.iter().map(|c| view! { <li><code>{format!("{} {} {}", c.field, c.op.as_str(), c.values.join(", "))}</code></li> }).collect_view()}</ul>
                                })}</dd>
                            {(!app.requirement.breakdowns.is_empty()).then(|| view! {
                                <dt>{t(lang.get(), "統計分組", "Breakdowns")}</dt><dd>{app.requirement.breakdowns.join("、")}</dd>
                            })}
                            <dt>{t(lang.get(), "含個人資料", "Personal data")}</dt><dd>{match app.personal_data.contains { Some(true) => t(lang.get(), "是", "yes"), Some(false) => t(lang.get(), "否", "no"), None => "—".into() }}</dd>
                            {r.destroy_by.map(|d| view! { <dt>{t(lang.get(), "應銷毀日期", "Destroy by")}</dt><dd class=if r.destruction_overdue { "error" } else { "" }>{d.to_string()}</dd> })}
                            {r.reply.clone().map(|rep| view! { <dt>{t(lang.get(), "人事總處回復", "DGPA's reply")}</dt><dd>{rep}</dd> })}
                        </dl>
                    </section>
                    {move || findings.get().and_then(|f| f.ok()).filter(|f| !f.findings.is_empty()).map(|f| view! {
                        <section class="card" aria-labelledby="f-h">
                            <h2 id="f-h">{t(lang.get(), "檢核結果", "Check")}</h2>
                            <ul class="findings">
                                {f.findings.into_iter().map(|x| view! {
                                    <li class=if x.severity == Severity::Error { "error" } else { "warning" }>
                                        <strong>{if x.severity == Severity::Error { t(lang.get(), "須修正", "Error") } else { t(lang.get(), "提醒", "Warning") }}</strong>
                                        " "{text(lang.get(), &x.message)}" "<code>{x.pointer.clone()}</code>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {move || findings.get().and_then(|f| f.ok()).filter(|f| !f.similar.visible.is_empty() || f.similar.other_count > 0).map(|f| view! {
                        <section class="card" aria-labelledby="sim-h">
                            <h2 id="sim-h">{t(lang.get(), "類似的已交付申請", "Similar delivered requests")}</h2>
                            <ul class="similar">
                                {f.similar.visible.into_iter().map(|m| view! {
                                    <li><A href=format!("/requests/{}", m.request_id)>{t(lang.get(), "案件 ", "Request ")}{m.request_id}</A>
                                        " · "{m.agency_code}" · "{format!("{}%", m.percent)}" · "{m.shared_fields.join("、")}</li>
                                }).collect_view()}
                            </ul>
                            {(f.similar.other_count > 0).then(|| view! {
                                <p>{t(lang.get(), &format!("另有 {} 件其他機關的類似申請。", f.similar.other_count), &format!("{} similar requests of other agencies.", f.similar.other_count))}</p>
                            })}
                        </section>
                    })}
                    {move || coverage.get().and_then(|c| c.ok()).filter(|c| !c.is_empty()).map(|list| view! {
                        <section class="card" aria-labelledby="cov-h">
                            <h2 id="cov-h">{t(lang.get(), "既有資料來源涵蓋情形（第4點）", "What existing sources cover (rule 4)")}</h2>
                            <ul class="coverage">
                                {list.into_iter().take(5).map(|c| {
                                    let missing: Vec<String> = c.missing.iter().chain(&c.missing_breakdowns).chain(&c.missing_filters).cloned().collect();
                                    view! {
                                        <li>{text(lang.get(), &c.title)}" · "{format!("{}%", c.percent)}
                                            {(!missing.is_empty()).then(|| view! { " · "{t(lang.get(), "缺：", "lacks: ")}{missing.join("、")} })}</li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <Show when={let has = !actions.is_empty(); move || has}>
                        <section class="card" aria-labelledby="act-h">
                            <h2 id="act-h">{t(lang.get(), "辦理", "Actions")}</h2>
                            <label for="comment">{t(lang.get(), "說明（退回、不予同意時必填；回復內容；銷毀方式；不依排程順序開始產製之理由）", "Comment (required to return or reject; the reply when delivering; the method when recording destruction; the reason to take work out of queue order)")}</label>
                            <textarea id="comment" rows="3" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                            <Show when=move || needs_difficulty>
                                <label for="difficulty">{t(lang.get(), "難易度（1 易 – 5 難）", "Difficulty (1 easy – 5 hard)")}</label>
                                <select id="difficulty" on:change=move |ev| difficulty.set(event_target_value(&ev).parse().unwrap_or(3))>
                                    {(1..=5).map(|n| view! { <option value=n selected=n == 3>{n}</option> }).collect_view()}
                                </select>
                            </Show>
                            <Show when=move || can_take>
                                <label for="assignee">{t(lang.get(), "承辦人（預設為自己）", "Assign to (default: yourself)")}</label>
                                <select id="assignee" on:change=move |ev| assignee.set(event_target_value(&ev))>
                                    <option value="">{t(lang.get(), "自己", "Myself")}</option>
                                    {move || officers.get().unwrap_or_default().into_iter().map(|o| view! { <option value=o.id.to_string()>{o.display_name.clone()}</option> }).collect_view()}
                                </select>
                            </Show>
                            <Show when=move || needs_date>
                                <label for="destroyed-on">{t(lang.get(), "銷毀日期", "Destroyed on")}</label>
                                <input id="destroyed-on" type="date" prop:value=move || destroyed_on.get() on:input=move |ev| destroyed_on.set(event_target_value(&ev)) />
                            </Show>
                            <div class="actions">
                                {actions.clone().into_iter().map(|a| view! {
                                    <button type="button" on:click=move |_| act(a, version)>{action_label(lang.get(), a)}</button>
                                }).collect_view()}
                            </div>
                            <p class="error" role="alert" style="white-space: pre-line">{move || message.get()}</p>
                        </section>
                    </Show>
                    <RequestExtras id=r.id state=r.state can_edit=can_edit />
                    <section class="card" aria-labelledby="tl-h">
                        <h2 id="tl-h">{t(lang.get(), "歷程", "Timeline")}</h2>
                        <ol class="timeline">
                            {move || events.get().and_then(|e| e.ok()).unwrap_or_default().into_iter().map(|e| view! {
                                <li>{i18n::datetime(lang.get(), e.at)}" · "{text(lang.get(), &e.to_state.label())}" · "{e.actor.display_name.clone()}
                                    {e.comment.clone().map(|c| view! { <q>{c}</q> })}</li>
                            }).collect_view()}
                        </ol>
                    </section>
                }.into_any()
            }
        }}
    }
}

fn source_label(lang: Lang, s: ExistingSource) -> String {
    t(lang, s.name_zh(), s.name_en())
}

#[component]
pub fn NewRequest() -> impl IntoView {
    let session = session::session();
    let me = session.me.get_untracked();
    let mut initial = Application::default();
    initial.contact.name = me.as_ref().map(|m| m.display_name.clone()).unwrap_or_default();
    initial.contact.email = me.as_ref().map(|m| m.email.clone()).unwrap_or_default();
    view! { <ApplicationForm initial=initial edit=None /> }
}

/// Edit a draft or returned application (PATCH with If-Match).
#[component]
pub fn EditRequest() -> impl IntoView {
    let lang = i18n::lang();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    let request = LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.get_request(id).await }).await.map_err(ui) }
    });
    move || match request.get() {
        None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
        Some(Ok(r)) => view! { <ApplicationForm initial=r.application.clone() edit=Some((r.id, r.version)) /> }.into_any(),
    }
}

/// The application form (rule 5.1 and its annex), for a new draft or an edit.
#[component]
pub fn ApplicationForm(initial: Application, edit: Option<(i64, i64)>) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    let init = initial.clone();
    let name = RwSignal::new(init.contact.name.clone());
    let phone = RwSignal::new(init.contact.phone.clone());
    let email = RwSignal::new(init.contact.email.clone());
    let reason = RwSignal::new(init.reason.clone());
    let output =
        RwSignal::new(if init.requirement.output == Some(OutputKind::Detail) { "detail".to_string() } else { "statistics".to_string() });
    let chosen = RwSignal::new(init.requirement.fields.clone());
    let search = RwSignal::new(String::new());
    let description = RwSignal::new(init.requirement.description.clone());
    let conditions = RwSignal::new(init.requirement.conditions.clone());
    let sample = RwSignal::new(init.requirement.sample_output.clone().unwrap_or_default());
    let personal = RwSignal::new(init.personal_data.contains == Some(true));
    let duty = RwSignal::new(init.personal_data.statutory_duty.clone().unwrap_or_default());
    let retention = RwSignal::new(init.personal_data.retention_days.unwrap_or(90).to_string());
    let necessity = RwSignal::new(
        init.personal_data
            .necessity
            .iter()
            .map(|n| (n.field.clone(), n.note.clone()))
            .collect::<std::collections::BTreeMap<String, String>>(),
    );
    let sources: Vec<(ExistingSource, RwSignal<bool>, RwSignal<String>)> = ExistingSource::ALL
        .into_iter()
        .map(|s| {
            let existing = init.existing_sources.iter().find(|a| a.source == s);
            (s, RwSignal::new(existing.is_some_and(|a| a.checked)), RwSignal::new(existing.map(|a| a.note.clone()).unwrap_or_default()))
        })
        .collect();
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let fields = LocalResource::new(|| async { call(|c| async move { c.list_fields(None).await }).await.map_err(ui) });

    // Structured conditions: one row per condition, each with its own signals so
    // that typing in one never re-renders the others; values as typed, split on save.
    type CondRow = (u32, RwSignal<String>, RwSignal<String>, RwSignal<String>);
    let next_row = StoredValue::new(0u32);
    let new_row = move |field: String, op: String, values: String| -> CondRow {
        let key = next_row.get_value();
        next_row.set_value(key + 1);
        (key, RwSignal::new(field), RwSignal::new(op), RwSignal::new(values))
    };
    let cond_rows: RwSignal<Vec<CondRow>> = RwSignal::new(
        init.requirement.filters.iter().map(|c| new_row(c.field.clone(), c.op.as_str().to_string(), c.values.join(", "))).collect(),
    );
    let breakdowns = RwSignal::new(init.requirement.breakdowns.clone());
    let parse_op = |raw: &str| -> Operator { serde_json::from_value(serde_json::Value::String(raw.to_string())).unwrap_or(Operator::Eq) };
    let sources_for_build = sources.clone();
    let build = move || -> Application {
        let is_personal = personal.get();
        let chosen_fields = chosen.get();
        Application {
            contact: Contact { name: name.get(), phone: phone.get(), email: email.get() },
            reason: reason.get(),
            requirement: Requirement {
                output: Some(if output.get() == "detail" { OutputKind::Detail } else { OutputKind::Statistics }),
                fields: chosen_fields.clone(),
                conditions: conditions.get(),
                description: description.get(),
                sample_output: Some(sample.get()).filter(|s| !s.trim().is_empty()),
                filters: cond_rows
                    .get()
                    .into_iter()
                    .map(|(_, f, op, v)| Condition {
                        field: f.get(),
                        op: parse_op(&op.get()),
                        values: v.get().split([',', '、', '，']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect(),
                    })
                    .collect(),
                breakdowns: breakdowns.get().into_iter().filter(|b| chosen_fields.contains(b)).collect(),
            },
            personal_data: if is_personal {
                PersonalData {
                    contains: Some(true),
                    purpose: Some("personnel_management".into()),
                    statutory_duty: Some(duty.get()),
                    necessity: necessity
                        .get()
                        .into_iter()
                        .filter(|(f, n)| chosen_fields.contains(f) && !n.trim().is_empty())
                        .map(|(field, note)| NecessityNote { field, note })
                        .collect(),
                    retention_days: retention.get().parse().ok(),
                }
            } else {
                PersonalData { contains: Some(false), ..Default::default() }
            },
            existing_sources: sources_for_build
                .iter()
                .map(|(s, c, n)| SourceAttestation { source: *s, checked: c.get(), note: n.get() })
                .collect(),
        }
    };
    // An attached sample (edits only) satisfies the sample recommendation.
    let has_sample = RwSignal::new(false);
    if let Some((id, _)) = edit {
        spawn_local(async move {
            if let Ok(list) = call(|c| async move { c.attachments(id).await }).await {
                has_sample.set(!list.is_empty());
            }
        });
    }
    // Problems the server reported on the last save, by pointer.
    let server_errors = RwSignal::new(Vec::<(String, Text)>::new());
    // The same rules the server enforces, run live as the form changes.
    let build_for_check = build.clone();
    let findings = Memo::new(move |_| {
        // The dictionary in force, once loaded; the built-in one until then.
        let loaded = fields.get().and_then(|f| f.ok()).map(statreq_domain::dictionary::Dictionary::new);
        let dictionary = loaded.as_ref().unwrap_or_else(|| statreq_domain::dictionary::Dictionary::builtin());
        statreq_domain::eligibility::check(
            &build_for_check(),
            statreq_domain::eligibility::EligibilityContext {
                dictionary,
                open_inquiries: &[],
                has_supervisor: true,
                overdue_destructions: &[],
                has_sample_attachment: has_sample.get(),
            },
        )
    });
    let hint = move |prefix: &'static str, id: &'static str| {
        let matches = move |p: &str| p == prefix || p.starts_with(&format!("{prefix}/"));
        view! {
            <ul class="hints" id=id aria-live="polite">
                {move || findings.get().into_iter().filter(|f| matches(&f.pointer)).map(|f| view! {
                    <li class=if f.severity == Severity::Error { "error" } else { "warning" }>{text(lang.get(), &f.message)}</li>
                }).collect_view()}
                {move || server_errors.get().into_iter().filter(|(p, _)| matches(p)).map(|(_, m)| view! {
                    <li class="error">{text(lang.get(), &m)}</li>
                }).collect_view()}
            </ul>
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saving.set(true);
        let app = build();
        let navigate = navigate.clone();
        spawn_local(async move {
            match call(|c| {
                let app = app.clone();
                async move {
                    match edit {
                        None => c.create_request(&app).await,
                        Some((id, version)) => {
                            let patch = ApplicationPatch {
                                contact: Some(app.contact),
                                reason: Some(app.reason),
                                requirement: Some(app.requirement),
                                personal_data: Some(app.personal_data),
                                existing_sources: Some(app.existing_sources),
                            };
                            c.update_request(id, version, &patch).await
                        }
                    }
                }
            })
            .await
            {
                Ok(r) => navigate(&format!("/requests/{}", r.id), Default::default()),
                Err(e) => {
                    let placed: Vec<(String, Text)> = e
                        .problem()
                        .map(|p| {
                            p.errors
                                .iter()
                                .map(|x| {
                                    (x.pointer.clone(), x.message.clone().unwrap_or_else(|| Text::new(x.detail.clone(), x.detail.clone())))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    server_errors.set(placed);
                    error.set(Some(err_text(lang.get_untracked(), &e)));
                }
            }
            saving.set(false);
        });
    };
    let text_input =
        move |id: &'static str, zh: &'static str, en: &'static str, sig: RwSignal<String>, pointer: &'static str, hint_id: &'static str| {
            view! {
                <label for=id>{move || t(lang.get(), zh, en)}</label>
                <input id=id aria-describedby=hint_id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
                {hint(pointer, hint_id)}
            }
        };
    let area = move |id: &'static str,
                     zh: &'static str,
                     en: &'static str,
                     sig: RwSignal<String>,
                     pointer: &'static str,
                     hint_id: &'static str| {
        view! {
            <label for=id>{move || t(lang.get(), zh, en)}</label>
            <textarea id=id rows="3" aria-describedby=hint_id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))></textarea>
            {hint(pointer, hint_id)}
        }
    };
    view! {
        <h1>{move || if edit.is_some() { t(lang.get(), "修改申請", "Edit application") } else { t(lang.get(), "新增申請", "New application") }}</h1>
        <p>{move || t(lang.get(), "申請人不得訂定完成期限；人事總處依收件順序、難易度及各主管機關已申請數量與人事人員數排定作業（第5點第3款）。", "Applicants may not set deadlines; DGPA orders its work by application order, difficulty, volume and personnel staff (rule 5.3).")}</p>
        <p class="summary" aria-live="polite">{move || {
            let f = findings.get();
            let errors = f.iter().filter(|x| x.severity == Severity::Error).count();
            let warnings = f.len() - errors;
            if errors == 0 {
                t(lang.get(), &format!("可以送出（提醒 {warnings} 項）。", ), &format!("Ready to submit ({warnings} warning(s))."))
            } else {
                t(lang.get(), &format!("尚有 {errors} 項須補正、{warnings} 項提醒；可先儲存草稿。"), &format!("{errors} item(s) to fix and {warnings} warning(s); you can save a draft meanwhile."))
            }
        }}</p>
        <nav class="steps" aria-label=move || t(lang.get(), "申請步驟", "Steps")>
            <ol>
                <li><a href="#step-1">{move || t(lang.get(), "聯絡資訊", "Contact")}</a></li>
                <li><a href="#step-2">{move || t(lang.get(), "事由與需求", "Reason and requirement")}</a></li>
                <li><a href="#step-3">{move || t(lang.get(), "個人資料", "Personal data")}</a></li>
                <li><a href="#step-4">{move || t(lang.get(), "既有資料來源", "Existing sources")}</a></li>
            </ol>
        </nav>
        <form class="card" on:submit=save>
            <fieldset id="step-1">
                <legend>{move || t(lang.get(), "1. 聯絡資訊", "1. Contact")}</legend>
                {text_input("c-name", "申請人姓名", "Name", name, "/contact/name", "h-name")}
                {text_input("c-phone", "聯絡電話", "Phone", phone, "/contact/phone", "h-phone")}
                {text_input("c-email", "電子郵件", "E-mail", email, "/contact/email", "h-email")}
            </fieldset>
            <fieldset id="step-2">
                <legend>{move || t(lang.get(), "2. 申請事由與需求", "2. Reason and requirement")}</legend>
                {area("reason", "申請事由", "Reason", reason, "/reason", "h-reason")}
                <label for="output">{move || t(lang.get(), "提供方式", "Output")}</label>
                <select id="output" on:change=move |ev| output.set(event_target_value(&ev))>
                    <option value="statistics">{move || t(lang.get(), "統計數值", "Statistical figures")}</option>
                    <option value="detail">{move || t(lang.get(), "明細資料", "Detail records")}</option>
                </select>
                <label for="field-search">{move || t(lang.get(), "搜尋欄位", "Search fields")}</label>
                <input id="field-search" type="search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                <div class="fields" role="group" aria-label=move || t(lang.get(), "欄位", "Fields")>
                    {move || fields.get().and_then(|f| f.ok()).unwrap_or_default().into_iter()
                        .filter(|f| { let q = search.get(); q.is_empty() || f.name_zh.contains(&q) || f.name_en.to_lowercase().contains(&q.to_lowercase()) || f.code.contains(&q) })
                        .map(|f| {
                            let code = f.code.clone();
                            let code2 = code.clone();
                            let id = format!("f-{}", f.code);
                            let for_id = id.clone();
                            view! {
                                <label class="check" for=for_id>
                                    <input id=id type="checkbox" prop:checked=move || chosen.get().contains(&code)
                                        on:change=move |ev| { let on = event_target_checked(&ev); let c = code2.clone(); chosen.update(|v| { v.retain(|x| *x != c); if on { v.push(c); } }); } />
                                    {if lang.get() == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() }}
                                    {f.personal.then(|| view! { <span class="tag">{t(lang.get(), "個資", "personal")}</span> })}
                                </label>
                            }
                        }).collect_view()}
                </div>
                {hint("/requirement/fields", "h-fields")}
                {area("description", "需求說明（欄位及條件）", "Description (fields and conditions)", description, "/requirement/description", "h-description")}
                {area("conditions", "查詢條件", "Conditions", conditions, "/requirement/conditions", "h-conditions")}
                <fieldset class="filters">
                    <legend>{move || t(lang.get(), "條件（依欄位檢核）", "Conditions on fields (checked)")}</legend>
                    <p class="help">{move || t(lang.get(), "值以逗號分隔；代碼型欄位請用代碼表之代碼，日期為 YYYY-MM-DD。", "Separate values with commas; coded fields take their code table's codes, dates are YYYY-MM-DD.")}</p>
                    <For each=move || cond_rows.get() key=|r| r.0 let:row>
                        {
                            let (key, field, op, values) = row;
                            let (fid, oid, vid) = (format!("cf-{key}"), format!("co-{key}"), format!("cv-{key}"));
                            let ops = ["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between"];
                            view! {
                                <div class="condition">
                                    <label for=fid.clone()>{move || t(lang.get(), "欄位", "Field")}</label>
                                    <select id=fid on:change=move |ev| field.set(event_target_value(&ev))>
                                        <option value="">{move || t(lang.get(), "（請選擇）", "(choose)")}</option>
                                        {move || fields.get().and_then(|f| f.ok()).unwrap_or_default().into_iter().map(|f| {
                                            let selected = f.code == field.get_untracked();
                                            let label = if lang.get() == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() };
                                            view! { <option value=f.code.clone() selected=selected>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <label for=oid.clone()>{move || t(lang.get(), "運算", "Operator")}</label>
                                    <select id=oid on:change=move |ev| op.set(event_target_value(&ev))>
                                        {ops.into_iter().map(|o| view! { <option value=o selected=o == op.get_untracked()>{o}</option> }).collect_view()}
                                    </select>
                                    <label for=vid.clone()>{move || t(lang.get(), "值", "Values")}</label>
                                    <input id=vid prop:value=move || values.get() on:input=move |ev| values.set(event_target_value(&ev)) />
                                    <button type="button" class="link" on:click=move |_| cond_rows.update(|v| v.retain(|r| r.0 != key))>
                                        {move || t(lang.get(), "刪除此條件", "Remove this condition")}
                                    </button>
                                </div>
                            }
                        }
                    </For>
                    <button type="button" id="add-condition" on:click=move |_| { let r = new_row(String::new(), "eq".into(), String::new()); cond_rows.update(|v| v.push(r)); }>
                        {move || t(lang.get(), "新增條件", "Add a condition")}
                    </button>
                    {hint("/requirement/filters", "h-filters")}
                </fieldset>
                <Show when=move || output.get() == "statistics">
                    <fieldset class="breakdowns">
                        <legend>{move || t(lang.get(), "統計分組（自已選欄位中勾選）", "Break down by (among the chosen fields)")}</legend>
                        {move || chosen.get().into_iter().map(|code| {
                            let (id, for_id) = (format!("b-{code}"), format!("b-{code}"));
                            let (c1, c2) = (code.clone(), code.clone());
                            view! {
                                <label class="check" for=for_id>
                                    <input id=id type="checkbox" prop:checked=move || breakdowns.get().contains(&c1)
                                        on:change=move |ev| { let on = event_target_checked(&ev); let c = c2.clone(); breakdowns.update(|v| { v.retain(|x| *x != c); if on { v.push(c); } }); } />
                                    {code}
                                </label>
                            }
                        }).collect_view()}
                        {hint("/requirement/breakdowns", "h-breakdowns")}
                    </fieldset>
                </Show>
                {area("sample", "輸出格式範例", "Sample of the output format", sample, "/requirement/sample_output", "h-sample")}
            </fieldset>
            <fieldset id="step-3">
                <legend>{move || t(lang.get(), "3. 個人資料（第3點）", "3. Personal data (rule 3)")}</legend>
                {hint("/personal_data", "h-personal")}
                <label class="check" for="personal">
                    <input id="personal" type="checkbox" prop:checked=move || personal.get() on:change=move |ev| personal.set(event_target_checked(&ev)) />
                    {move || t(lang.get(), "涉及個人資料", "Involves personal data")}
                </label>
                <Show when=move || personal.get()>
                    <p>{move || t(lang.get(), "特定目的：人事管理", "Purpose: personnel management")}</p>
                    {area("duty", "執行之法定職務及依據", "Statutory duty and its legal basis", duty, "/personal_data/statutory_duty", "h-duty")}
                    {text_input("retention", "收到後保存日數（最多365日）", "Days kept after delivery (at most 365)", retention, "/personal_data/retention_days", "h-retention")}
                    {move || chosen.get().into_iter().map(|code| {
                        let id = format!("n-{code}");
                        let for_id = id.clone();
                        let code2 = code.clone();
                        view! {
                            <label for=for_id>{move || t(lang.get(), "必要性說明：", "Why necessary: ")}{code.clone()}</label>
                            <input id=id on:input=move |ev| { let v = event_target_value(&ev); let c = code2.clone(); necessity.update(|m| { m.insert(c, v); }); } />
                        }
                    }).collect_view()}
                </Show>
            </fieldset>
            <fieldset id="step-4">
                <legend>{move || t(lang.get(), "4. 既有資料來源（第4點）", "4. Existing sources (rule 4)")}</legend>
                {hint("/existing_sources", "h-sources")}
                {sources.into_iter().map(|(s, checked, note)| {
                    let id = format!("s-{}", s.as_str());
                    view! {
                        <label class="check" for=id.clone()>
                            <input id=id.clone() type="checkbox" prop:checked=move || checked.get() on:change=move |ev| checked.set(event_target_checked(&ev)) />
                            {move || source_label(lang.get(), s)}
                        </label>
                        <label class="sub" for=format!("{id}-note")>{move || t(lang.get(), "無法滿足需求之理由", "Why it does not serve")}</label>
                        <input id=format!("{id}-note") prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    }
                }).collect_view()}
            </fieldset>
            <p class="error" role="alert" style="white-space: pre-line">{move || error.get()}</p>
            <button type="submit" disabled=move || saving.get()>{move || t(lang.get(), "儲存草稿", "Save draft")}</button>
        </form>
    }
}

/// Saves bytes as a file in the browser.
fn save_file(name: &str, bytes: &[u8]) {
    use wasm_bindgen::JsCast;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
                a.set_href(&url);
                a.set_download(name);
                a.click();
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads a chosen file in the browser.
async fn read_file(input_id: &str) -> Option<(String, Vec<u8>)> {
    use wasm_bindgen::JsCast;
    let input = web_sys::window()?.document()?.get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buf).to_vec()))
}

/// Queue position, messages and deliveries of one request.
#[component]
pub fn RequestExtras(id: i64, state: State, can_edit: bool) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let is_officer = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
    let my_id = move || session.me.get().map(|m| m.id).unwrap_or_default();
    let uploading = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    let position = LocalResource::new(move || async move {
        if state == State::Queued {
            call(|c| async move { c.queue_position(id).await }).await.ok()
        } else {
            None
        }
    });
    let messages = LocalResource::new(move || async move { call(|c| async move { c.messages(id).await }).await.map_err(ui) });
    let files = LocalResource::new(move || async move { call(|c| async move { c.deliveries(id).await }).await.ok() });
    let revisions = LocalResource::new(move || async move { call(|c| async move { c.revisions(id).await }).await.ok() });
    let attachments = LocalResource::new(move || async move { call(|c| async move { c.attachments(id).await }).await.unwrap_or_default() });
    let attach = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match read_file("sample-file").await {
                None => note.set(Some(t(lang.get_untracked(), "請先選擇檔案。", "Choose a file first."))),
                Some((name, bytes)) => match call(|c| {
                    let (name, bytes) = (name.clone(), bytes.clone());
                    async move { c.upload_attachment(id, &name, bytes).await }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        attachments.refetch();
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
            }
        });
    };
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        uploading.set(true);
        spawn_local(async move {
            match read_file("result-file").await {
                None => note.set(Some(t(lang.get_untracked(), "請先選擇檔案。", "Choose a file first."))),
                Some((name, bytes)) => match call(|c| {
                    let (name, bytes) = (name.clone(), bytes.clone());
                    async move { c.upload_delivery(id, &name, bytes).await }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        files.refetch();
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
            }
            uploading.set(false);
        });
    };
    let draft = RwSignal::new(String::new());
    let passphrases = RwSignal::new(std::collections::BTreeMap::<i64, String>::new());
    let post = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = draft.get_untracked();
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.post_message(id, &body).await }
            })
            .await
            {
                Ok(_) => {
                    draft.set(String::new());
                    note.set(None);
                    messages.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        {move || position.get().flatten().map(|p| view! {
            <section class="card" aria-labelledby="q-h">
                <h2 id="q-h">{t(lang.get(), "排程", "Queue")}</h2>
                <p>{t(lang.get(), "目前順位", "Position")}" "<strong>{p.position}</strong>" / "{p.total_queued}
                   {p.overdue.then(|| view! { " · "{t(lang.get(), "已逾最長等候，依收件先後優先處理", "waited the longest allowed: taken in order of waiting")} })}</p>
                <p>{t(lang.get(), "等候", "Waited")}" "{format!("{:.1}", p.waited_days)}{t(lang.get(), " 日", " days")}
                   " · "{t(lang.get(), "收件先後", "age")}" "{format!("{:.2}", p.factors.age)}
                   " · "{t(lang.get(), "難易度", "difficulty")}" "{format!("{:.2}", p.factors.difficulty)}
                   " · "{t(lang.get(), "主管機關用量", "fair share")}" "{format!("{:.2}", p.factors.fair_share)}</p>
                {p.estimate.map(|e| view! { <p>{t(lang.get(), "預估開始作業：", "Work likely starts: ")}{i18n::date(lang.get(), e.starts_around)}" — "{text(lang.get(), &e.label)}</p> })}
            </section>
        })}
        <section class="card" aria-labelledby="att-h">
            <h2 id="att-h">{move || t(lang.get(), "附件（輸出格式範例）", "Attachments (sample of the output format)")}</h2>
            <ul class="attachments">
                {move || attachments.get().unwrap_or_default().into_iter().map(|a| {
                    let aid = a.id;
                    let name = a.filename.clone();
                    view! {
                        <li>
                            <button type="button" class="link" on:click=move |_| {
                                let n = name.clone();
                                spawn_local(async move {
                                    if let Ok(bytes) = call(|c| async move { c.download_attachment(id, aid).await }).await {
                                        save_file(&n, &bytes);
                                    }
                                });
                            }>{a.filename.clone()}</button>
                            " · "{i18n::date(lang.get(), a.uploaded_at)}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || can_edit>
                <form on:submit=attach>
                    <label for="sample-file">{move || t(lang.get(), "附加檔案（CSV、XLSX、ODS、PDF、DOCX、ODT，10 MiB 以內）", "Attach a file (CSV, XLSX, ODS, PDF, DOCX, ODT, up to 10 MiB)")}</label>
                    <input id="sample-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.docx,.odt" />
                    <button type="submit">{move || t(lang.get(), "附加", "Attach")}</button>
                </form>
            </Show>
        </section>
        <Show when=move || state == State::InProduction && is_officer()>
            <section class="card" aria-labelledby="u-h">
                <h2 id="u-h">{move || t(lang.get(), "上傳結果檔案", "Upload a result file")}</h2>
                <form on:submit=upload>
                    <label for="result-file">{move || t(lang.get(), "檔案（CSV、XLSX、ODS、PDF、ZIP）", "File (CSV, XLSX, ODS, PDF, ZIP)")}</label>
                    <input id="result-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.zip" />
                    <button type="submit" disabled=move || uploading.get()>
                        {move || if uploading.get() { t(lang.get(), "上傳中…", "Uploading…") } else { t(lang.get(), "上傳", "Upload") }}
                    </button>
                </form>
            </section>
        </Show>
        {move || files.get().flatten().filter(|m| !m.files.is_empty()).map(|m| view! {
            <section class="card" aria-labelledby="d-h">
                <h2 id="d-h">{t(lang.get(), "交付檔案", "Result files")}</h2>
                <ul>
                    {m.files.into_iter().map(|f| {
                        let did = f.id;
                        let name = if f.personal { format!("{}.age", f.filename) } else { f.filename.clone() };
                        let download_name = name.clone();
                        view! {
                            <li>
                                <button type="button" class="link" on:click=move |_| {
                                    let n = download_name.clone();
                                    spawn_local(async move {
                                        match call(|c| async move { c.download_delivery(id, did).await }).await {
                                            Ok(bytes) => save_file(&n, &bytes),
                                            Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                        }
                                    });
                                }>{t(lang.get(), "下載 ", "Download ")}{name.clone()}</button>
                                " · SHA-256 "<code>{f.sha256.chars().take(16).collect::<String>()}"…"</code>
                                {f.shredded_at.map(|_| view! { " · "{t(lang.get(), "已銷毀", "destroyed")} })}
                                {f.approved_by.as_ref().map(|u| view! { " · "{t(lang.get(), "覆核：", "checked by ")}{u.display_name.clone()} })}
                                {(f.personal && f.approved_by.is_none() && f.published_at.is_none() && is_officer() && f.uploaded_by.id != my_id()).then(|| view! {
                                    " · "
                                    <button type="button" class="link" on:click=move |_| {
                                        spawn_local(async move {
                                            match call(|c| async move { c.approve_delivery(id, did).await }).await {
                                                Ok(_) => files.refetch(),
                                                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                            }
                                        });
                                    }>{t(lang.get(), "覆核通過", "Approve")}</button>
                                })}
                                {f.personal.then(|| view! {
                                    " · "
                                    <button type="button" class="link" on:click=move |_| {
                                        spawn_local(async move {
                                            match call(|c| async move { c.reveal_passphrase(id, did).await }).await {
                                                Ok(p) => passphrases.update(|m| { m.insert(did, p.passphrase); }),
                                                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                            }
                                        });
                                    }>{t(lang.get(), "顯示解密密碼", "Reveal passphrase")}</button>
                                    {move || passphrases.get().get(&did).cloned().map(|p| view! { " "<code class="secret">{p}</code> })}
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="hint">{t(lang.get(), "含個人資料之檔案為 age 加密檔：以 age -d -o 檔名 檔名.age 開啟並輸入密碼，或使用 statreq decrypt。密碼請與檔案分開保管，使用完畢後依第6點銷毀並登錄。", "Files with personal data are age files: open them with age -d -o file file.age and type the passphrase, or use statreq decrypt. Keep the passphrase apart from the file; destroy both after use and record it (rule 6).")}</p>
            </section>
        })}
        {move || revisions.get().flatten().filter(|r| r.len() > 1).map(|revs| view! {
            <section class="card" aria-labelledby="r-h">
                <h2 id="r-h">{t(lang.get(), "修正歷程", "Revisions")}</h2>
                {revs.into_iter().skip(1).map(|r| view! {
                    <h3>{t(lang.get(), "第", "Revision ")}{r.number}{t(lang.get(), "版", "")}" · "{i18n::date(lang.get(), r.submitted_at)}</h3>
                    <table class="list diff">
                        <thead><tr><th scope="col">{t(lang.get(), "項目", "Field")}</th><th scope="col">{t(lang.get(), "修正前", "Before")}</th><th scope="col">{t(lang.get(), "修正後", "After")}</th></tr></thead>
                        <tbody>
                            {r.changes.into_iter().map(|ch| view! {
                                <tr>
                                    <td><code>{ch.pointer.clone()}</code></td>
                                    <td><del>{ch.before.map(|v| v.to_string()).unwrap_or_default()}</del></td>
                                    <td><ins>{ch.after.map(|v| v.to_string()).unwrap_or_default()}</ins></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }).collect_view()}
            </section>
        })}
        <section class="card" aria-labelledby="m-h">
            <h2 id="m-h">{move || t(lang.get(), "意見交流", "Messages")}</h2>
            <ul class="messages">
                {move || messages.get().and_then(|m| m.ok()).unwrap_or_default().into_iter().map(|m| view! {
                    <li><strong>{m.author.display_name.clone()}</strong>" · "{i18n::datetime(lang.get(), m.at)}<br />{m.body.clone()}</li>
                }).collect_view()}
            </ul>
            <form on:submit=post>
                <label for="message">{move || t(lang.get(), "留言（欄位定義疑義請先洽人事總處，第7點）", "Message (settle field definitions with DGPA first, rule 7)")}</label>
                <textarea id="message" rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button type="submit">{move || t(lang.get(), "送出留言", "Post")}</button>
            </form>
            <p class="error" role="alert" style="white-space: pre-line">{move || note.get()}</p>
        </section>
    }
}

/// DGPA's queue with every factor (rule 5.3).
#[component]
pub fn QueuePage() -> impl IntoView {
    let lang = i18n::lang();
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    view! {
        <h1>{move || t(lang.get(), "作業排程", "Work queue")}</h1>
        {move || match queue.get() {
            None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
            Some(Ok(q)) => view! {
                <p>{t(lang.get(), "權重", "Weights")}": "{t(lang.get(), "收件先後", "age")}" "{q.weights.age}" · "{t(lang.get(), "難易度", "difficulty")}" "{q.weights.difficulty}" · "{t(lang.get(), "主管機關用量", "fair share")}" "{q.weights.fair_share}</p>
                <table class="list">
                    <thead><tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t(lang.get(), "案號", "Request")}</th>
                        <th scope="col">{t(lang.get(), "申請機關", "Agency")}</th>
                        <th scope="col">{t(lang.get(), "主管機關", "Supervising")}</th>
                        <th scope="col">{t(lang.get(), "難易度", "Difficulty")}</th>
                        <th scope="col">{t(lang.get(), "等候日數", "Days waited")}</th>
                        <th scope="col">{t(lang.get(), "優先值（A/D/F）", "Priority (A/D/F)")}</th>
                    </tr></thead>
                    <tbody>
                        {q.items.into_iter().map(|i| {
                            let f = i.factors.unwrap_or(statreq_contract::Factors { age: 0.0, difficulty: 0.0, fair_share: 0.0 });
                            view! {
                                <tr>
                                    <td>{i.position}{i.overdue.then_some(" ⏱")}</td>
                                    <td><A href=format!("/requests/{}", i.request_id)>{i.request_id}</A></td>
                                    <td>{i.agency_name.clone()}</td>
                                    <td>{i.supervising_agency.clone()}</td>
                                    <td>{i.difficulty}</td>
                                    <td>{format!("{:.1}", i.waited_days)}</td>
                                    <td>{format!("{:.0} ({:.2}/{:.2}/{:.2})", i.priority.unwrap_or_default(), f.age, f.difficulty, f.fair_share)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p>{t(lang.get(), "產製中：", "In production: ")}{q.in_production.len()}</p>
            }.into_any(),
        }}
    }
}

/// The application as the paper form of the rules' annex (rule 5.2 fallback).
#[component]
pub fn PrintForm() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
    let request = LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.get_request(id).await }).await.map_err(ui) }
    });
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

/// DGPA administration: agencies and staff counts, queue settings with a preview, audit log.
#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = i18n::lang();
    let agencies = LocalResource::new(|| async { call(|c| async move { c.list_agencies().await }).await.map_err(ui) });
    let settings = LocalResource::new(|| async { call(|c| async move { c.queue_settings().await }).await.map_err(ui) });
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.ok() });
    let audit = LocalResource::new(|| async { call(|c| async move { c.audit("limit=30").await }).await.ok() });
    let note = RwSignal::new(None::<String>);
    let users = LocalResource::new(|| async { call(|c| async move { c.list_users(None).await }).await.ok() });
    let nu_username = RwSignal::new(String::new());
    let nu_name = RwSignal::new(String::new());
    let nu_email = RwSignal::new(String::new());
    let nu_agency = RwSignal::new(String::new());
    let nu_role = RwSignal::new(Role::Applicant.as_str().to_string());
    let nu_password = RwSignal::new(String::new());
    let field = move |id: &'static str, zh: &'static str, en: &'static str, sig: RwSignal<String>| {
        view! {
            <label for=id>{move || t(lang.get(), zh, en)}</label>
            <input id=id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
        }
    };
    let create_account = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateUserBody {
            username: nu_username.get_untracked(),
            display_name: nu_name.get_untracked(),
            email: nu_email.get_untracked(),
            agency_code: nu_agency.get_untracked(),
            roles: Role::parse(&nu_role.get_untracked()).into_iter().collect(),
            password: nu_password.get_untracked(),
        };
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.create_user(&body).await }
            })
            .await
            {
                Ok(u) => {
                    note.set(Some(t(
                        lang.get_untracked(),
                        &format!("已建立帳號 {}。", u.username),
                        &format!("Account {} created.", u.username),
                    )));
                    nu_password.set(String::new());
                    users.refetch();
                    audit.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let w_age = RwSignal::new(String::new());
    let w_diff = RwSignal::new(String::new());
    let w_fair = RwSignal::new(String::new());
    let favour_hard = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(v)) = settings.get() {
            w_age.set(v.settings.weight_age.to_string());
            w_diff.set(v.settings.weight_difficulty.to_string());
            w_fair.set(v.settings.weight_fair_share.to_string());
            favour_hard.set(v.settings.difficulty_favour == DifficultyFavour::Hard);
        }
    });
    let num = |s: RwSignal<String>| s.get().trim().parse::<u32>().unwrap_or(0);
    let preview = move || -> Vec<(i64, String, f64)> {
        let Some(q) = queue.get().flatten() else { return Vec::new() };
        let flip = favour_hard.get() != (q.settings.difficulty_favour == DifficultyFavour::Hard);
        let (wa, wd, wf) = (f64::from(num(w_age)), f64::from(num(w_diff)), f64::from(num(w_fair)));
        let mut rows: Vec<(i64, String, f64, bool, f64)> = q
            .items
            .iter()
            .filter_map(|i| {
                let f = i.factors?;
                let d = if flip { 1.0 - f.difficulty } else { f.difficulty };
                Some((i.request_id, i.agency_name.clone(), wa * f.age + wd * d + wf * f.fair_share, i.overdue, i.waited_days))
            })
            .collect();
        rows.sort_by(|a, b| {
            b.3.cmp(&a.3).then_with(|| if a.3 && b.3 { b.4.total_cmp(&a.4) } else { b.2.total_cmp(&a.2) }).then(a.0.cmp(&b.0))
        });
        rows.into_iter().map(|(id, name, p, _, _)| (id, name, p)).collect()
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Ok(current)) = settings.get_untracked() else { return };
        let mut new = current.settings.clone();
        new.weight_age = num(w_age);
        new.weight_difficulty = num(w_diff);
        new.weight_fair_share = num(w_fair);
        new.difficulty_favour = if favour_hard.get_untracked() { DifficultyFavour::Hard } else { DifficultyFavour::Easy };
        let version = current.version;
        spawn_local(async move {
            match call(|c| {
                let new = new.clone();
                async move { c.put_queue_settings(&new, version).await }
            })
            .await
            {
                Ok(_) => {
                    note.set(Some(t(lang.get_untracked(), "已儲存並記錄。", "Saved and recorded.")));
                    settings.refetch();
                    queue.refetch();
                    audit.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let number = move |id: &'static str, zh: &'static str, en: &'static str, sig: RwSignal<String>| {
        view! {
            <label for=id>{move || t(lang.get(), zh, en)}</label>
            <input id=id inputmode="numeric" prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
        }
    };
    view! {
        <h1>{move || t(lang.get(), "系統管理", "Administration")}</h1>
        <section class="card" aria-labelledby="qs-h">
            <h2 id="qs-h">{move || t(lang.get(), "排程設定（第5點第3款）", "Queue settings (rule 5.3)")}</h2>
            <form on:submit=save>
                {number("w-age", "收件先後權重", "Age weight", w_age)}
                {number("w-diff", "難易度權重", "Difficulty weight", w_diff)}
                {number("w-fair", "主管機關用量權重", "Fair-share weight", w_fair)}
                <label class="check" for="favour-hard">
                    <input id="favour-hard" type="checkbox" prop:checked=move || favour_hard.get() on:change=move |ev| favour_hard.set(event_target_checked(&ev)) />
                    {move || t(lang.get(), "優先處理困難案件", "Favour hard work")}
                </label>
                <button type="submit">{move || t(lang.get(), "儲存設定", "Save settings")}</button>
                <p role="status" style="white-space: pre-line">{move || note.get()}</p>
            </form>
            <h3>{move || t(lang.get(), "預覽排程順序", "Preview of the order")}</h3>
            <ol class="preview">
                {move || preview().into_iter().map(|(id, name, p)| view! { <li>{id}" · "{name}" · "{format!("{p:.0}")}</li> }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="ag-h">
            <h2 id="ag-h">{move || t(lang.get(), "機關與人事人員數", "Agencies and personnel staff")}</h2>
            {move || match agencies.get() {
                None => view! { <p aria-busy="true">{t(lang.get(), "載入中…", "Loading…")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e.show(lang.get())}</p> }.into_any(),
                Some(Ok(list)) => {
                    // Depth-first from DGPA, so the table reads as the tree.
                    let mut ordered: Vec<(usize, AgencyView)> = Vec::new();
                    let mut stack: Vec<(usize, String)> = list.iter().filter(|a| a.parent_code.is_none()).map(|a| (0, a.code.clone())).collect();
                    while let Some((depth, code)) = stack.pop() {
                        if let Some(a) = list.iter().find(|a| a.code == code) {
                            ordered.push((depth, a.clone()));
                            let mut children: Vec<&AgencyView> = list.iter().filter(|c| c.parent_code.as_deref() == Some(&code)).collect();
                            children.sort_by(|x, y| y.code.cmp(&x.code));
                            stack.extend(children.into_iter().map(|c| (depth + 1, c.code.clone())));
                        }
                    }
                    let list: Vec<(usize, AgencyView)> = ordered;
                    view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{t(lang.get(), "機關代碼", "Code")}</th>
                            <th scope="col">{t(lang.get(), "名稱", "Name")}</th>
                            <th scope="col">{t(lang.get(), "主管機關", "Supervising")}</th>
                            <th scope="col">{t(lang.get(), "人事人員數", "Personnel staff")}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|(depth, a)| {
                                let indent = format!("padding-left: {}rem", depth as f32 * 1.25);
                                let staff = RwSignal::new(a.personnel_staff.to_string());
                                let code = a.code.clone();
                                let input_id = format!("staff-{}", a.code);
                                let label = format!("{} {}", a.name, t(lang.get(), "人事人員數", "personnel staff"));
                                view! {
                                    <tr>
                                        <td>{a.code.clone()}</td><td style=indent>{a.name.clone()}</td><td>{a.parent_code.clone().unwrap_or_default()}</td>
                                        <td>
                                            <input id=input_id class="staff" inputmode="numeric" aria-label=label prop:value=move || staff.get() on:input=move |ev| staff.set(event_target_value(&ev)) />
                                            <button type="button" class="link" on:click=move |_| {
                                                let code = code.clone();
                                                let n = staff.get_untracked().trim().parse::<i32>().ok();
                                                spawn_local(async move {
                                                    let body = UpdateAgencyBody { personnel_staff: n, ..Default::default() };
                                                    match call(|c| { let code = code.clone(); let body = body.clone(); async move { c.update_agency(&code, &body).await } }).await {
                                                        Ok(_) => { note.set(Some(t(lang.get_untracked(), "已更新人事人員數。", "Personnel staff updated."))); queue.refetch(); }
                                                        Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                                    }
                                                });
                                            }>{t(lang.get(), "更新", "Update")}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    }.into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="us-h">
            <h2 id="us-h">{move || t(lang.get(), "帳號", "Accounts")}</h2>
            <form on:submit=create_account>
                <fieldset>
                    <legend>{move || t(lang.get(), "新增帳號", "New account")}</legend>
                    {field("nu-username", "帳號（小寫英數字）", "Username (lower-case)", nu_username)}
                    {field("nu-name", "姓名", "Name", nu_name)}
                    {field("nu-email", "電子郵件", "E-mail", nu_email)}
                    {field("nu-agency", "機關代碼", "Agency code", nu_agency)}
                    <label for="nu-role">{move || t(lang.get(), "角色", "Role")}</label>
                    <select id="nu-role" on:change=move |ev| nu_role.set(event_target_value(&ev))>
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || role_label(lang.get(), r)}</option> }).collect_view()}
                    </select>
                    <label for="nu-password">{move || t(lang.get(), "初始密碼（至少12字元）", "Initial password (12 characters or more)")}</label>
                    <input id="nu-password" type="password" autocomplete="new-password" prop:value=move || nu_password.get() on:input=move |ev| nu_password.set(event_target_value(&ev)) />
                    <button type="submit">{move || t(lang.get(), "建立帳號", "Create account")}</button>
                </fieldset>
            </form>
            <p class="account-status" aria-live="polite" style="white-space: pre-line">{move || note.get()}</p>
            <table class="list">
                <thead><tr>
                    <th scope="col">{move || t(lang.get(), "帳號", "Username")}</th>
                    <th scope="col">{move || t(lang.get(), "姓名", "Name")}</th>
                    <th scope="col">{move || t(lang.get(), "機關", "Agency")}</th>
                    <th scope="col">{move || t(lang.get(), "角色", "Roles")}</th>
                    <th scope="col">{move || t(lang.get(), "狀態", "Status")}</th>
                </tr></thead>
                <tbody>
                    {move || users.get().flatten().map(|p| p.items).unwrap_or_default().into_iter().map(|u| view! {
                        <tr>
                            <td>{u.username.clone()}</td><td>{u.display_name.clone()}</td><td>{u.agency_code.clone()}</td>
                            <td>{u.roles.iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、")}</td>
                            <td>{if u.active { t(lang.get(), "啟用", "active") } else { t(lang.get(), "停用", "disabled") }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="au-h">
            <h2 id="au-h">{move || t(lang.get(), "稽核紀錄（最近30筆）", "Audit trail (latest 30)")}</h2>
            <ol class="timeline">
                {move || audit.get().flatten().map(|p| p.items).unwrap_or_default().into_iter().map(|e| view! {
                    <li>{i18n::datetime(lang.get(), e.at)}" · "<code>{e.action.clone()}</code>
                        {e.request_id.map(|r| view! { " · "{t(lang.get(), "案件 ", "request ")}{r} })}
                        " · "{e.actor_agency.clone().unwrap_or_default()}" · "<code class="hash">{e.hash.chars().take(12).collect::<String>()}</code></li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Single sign-on from WebHR: `/sso#access_token=<JWT>` (the fragment never reaches
/// a server log). The token is used like any other; when it expires, WebHR signs in again.
#[component]
pub fn SsoPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let token = hash.trim_start_matches('#').split('&').find_map(|kv| kv.strip_prefix("access_token=")).map(str::to_owned);
    match token {
        None => error.set(Some(t(
            lang.get_untracked(),
            "連結缺少權杖，請由 WebHR 重新進入。",
            "The link carries no token; come back through WebHR.",
        ))),
        Some(token) => spawn_local(async move {
            session::adopt_token(&token);
            match call(|c| async move { c.me().await }).await {
                Ok(me) => {
                    session.me.set(Some(me));
                    if let Some(w) = web_sys::window() {
                        let _ = w.history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/sso")));
                    }
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
            }
        }),
    }
    view! {
        <h1>{move || t(lang.get(), "單一登入", "Single sign-on")}</h1>
        <p role="status">{move || error.get().unwrap_or_else(|| t(lang.get(), "登入中…", "Signing in…"))}</p>
    }
}
