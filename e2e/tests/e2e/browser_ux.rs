//! The screens as people use them, in real Chromium: a reviewer sees everything the
//! applicant declared, findings sit beside what they are about and never show as JSON
//! pointers, each action asks its own fields and final ones ask first.

use std::time::Duration;

use fantoccini::{Client, Locator};
use statreq_e2e::statreq_contract::State;
use statreq_e2e::{Backend, TestServer};

use crate::browser::{
    asks_once_and_only_what_it_may, assert_accessible, browser, click, set_date, sign_in, spa_dir, type_into, wait_count, wait_for_text,
    wait_for_value,
};
use crate::common;

async fn main_text(c: &Client) -> String {
    c.find(Locator::Css("main")).await.unwrap().text().await.unwrap_or_default()
}

/// No JSON pointer into an application is visible anywhere on the page.
async fn assert_no_pointer(c: &Client, page: &str) {
    let text = main_text(c).await;
    for p in ["/requirement", "/existing_sources", "/personal_data", "/contact", "/reason"] {
        assert!(!text.contains(p), "{page} shows the pointer {p}: {text}");
    }
}

pub(crate) async fn wait_for_state(client: &statreq_e2e::statreq_client::Client, id: i64, want: State) -> State {
    let mut now = client.get_request(id).await.unwrap().state;
    for _ in 0..50 {
        if now == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        now = client.get_request(id).await.unwrap().state;
    }
    now
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_every_declared_item_of_a_personal_data_application() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mut app = common::detail();
    app.requirement.filters = vec![statreq_e2e::statreq_domain::application::Condition {
        field: "grade".into(),
        op: statreq_e2e::statreq_domain::application::Operator::Ge,
        values: vec!["10".into()],
    }];
    app.existing_sources[5].note = "圖像化查詢工具無初任公職日期欄位".into();
    let r = people.in_state(&app, State::PendingSupervisor, 2).await;
    let fields = people.supervisor.list_fields(None).await.unwrap();
    let name_of = |code: &str| fields.iter().find(|f| f.code == code).map(|f| f.name_zh.clone()).unwrap_or_default();

    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "supervisor.moi").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "dl.application", "明細資料").await;
    // The page leads with the step that is the supervisor's (rule 5.1).
    wait_for_text(&c, "p.next-step", "請審核：同意即送人事總處審查").await;
    // Which supervising agency reviews it (NPA's: MOI).
    wait_for_text(&c, "#supervising-agency", "主管機關：內政部").await;
    // Everything rule 3 asks the supervisor to weigh, without opening anything else.
    let shown = c.find(Locator::Css("dl.application")).await.unwrap().text().await.unwrap();
    let mut expected: Vec<String> = vec![
        app.contact.name.clone(),
        app.contact.phone.clone(),
        app.reason.clone(),
        app.requirement.description.clone(),
        app.requirement.conditions.clone(),
        format!("{} 大於或等於 10", name_of("grade")),
        app.requirement.sample_output.clone().unwrap_or_default(),
        "人事管理".into(),
        app.personal_data.statutory_duty.clone().unwrap_or_default(),
        "收到後保存 90 日".into(),
        "圖像化查詢工具無初任公職日期欄位".into(),
        "已查詢".into(),
    ];
    for f in &app.requirement.fields {
        expected.push(name_of(f));
    }
    for n in &app.personal_data.necessity {
        expected.push(format!("{}：{}", name_of(&n.field), n.note));
    }
    for s in statreq_e2e::statreq_domain::application::ExistingSource::ALL {
        expected.push(s.name_zh().to_string());
    }
    for item in expected {
        assert!(!item.is_empty() && shown.contains(&item), "the supervisor's page lacks {item:?}:\n{shown}");
    }
    assert_no_pointer(&c, "the supervisor's request page").await;
    assert_accessible(&c, "a supervisor's request page").await;

    // A message being written is kept through a step taken meanwhile (it was lost when
    // the page read the request again).
    type_into(&c, "#message", "名冊請於使用後依規定銷毀").await;
    // … and so is a return's reason half written, its form open, through a switch of
    // language and back (the page was drawn anew: the form closed, the reason gone).
    click(&c, Locator::Css("#act-supervisor_return")).await;
    type_into(&c, "#comment", "請補充職等範圍").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    wait_for_text(&c, "form.action-form legend", "Return").await;
    crate::browser::wait_for_value(&c, "#comment", "請補充職等範圍").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='中文']")).await;
    wait_for_text(&c, "form.action-form legend", "退回").await;
    crate::browser::wait_for_value(&c, "#comment", "請補充職等範圍").await;
    crate::browser::wait_for_value(&c, "#message", "名冊請於使用後依規定銷毀").await;
    // Approval is its own step and says what happened (the words written stay in the
    // box when another step is chosen, to keep or to clear).
    click(&c, Locator::Css("#act-supervisor_approve")).await;
    wait_for_text(&c, "form.action-form legend", "核准").await;
    crate::browser::wait_for_value(&c, "#comment", "請補充職等範圍").await;
    c.find(Locator::Css("#comment")).await.unwrap().clear().await.unwrap();
    type_into(&c, "#comment", "符合人事管理目的").await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "p.receipt", "案件現為「待人事總處審查」").await;
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, State::PendingDgpa);
    crate::browser::wait_for_value(&c, "#message", "名冊請於使用後依規定銷毀").await;
    click(&c, Locator::XPath("//button[normalize-space()='送出留言']")).await;
    wait_for_text(&c, "ul.messages", "名冊請於使用後依規定銷毀").await;
    // Then it is no longer theirs: who it waits for.
    wait_for_text(&c, "p.next-step", "待人事總處審查").await;
    sign_out(&c).await;

    // DGPA accepts with a difficulty, seeing the same application.
    sign_in(&c, &server.base, "officer2.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "dl.application", "核對陞遷名冊").await;
    wait_for_text(&c, "p.next-step", "請審查：受理後依處理順序排程").await;
    click(&c, Locator::Css("#act-dgpa_accept")).await;
    click(&c, Locator::Css("#difficulty option[value='4']")).await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "p.receipt", "案件現為「排程中」").await;
    let queued = people.applicant.get_request(r.id).await.unwrap();
    assert_eq!((queued.state, queued.difficulty), (State::Queued, Some(4)));
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_sit_beside_their_source_and_a_withdraw_asks_first() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;

    // The form: once a source is touched, each source's finding is beside that source.
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    click(&c, Locator::Css("#s-webhr_graphical_query")).await;
    wait_for_text(&c, "#h-s-webhr_graphical_query", "請說明此資料來源為何無法滿足需求").await;
    wait_for_text(&c, "#h-s-dgpa_published_statistics", "請勾選已查詢此資料來源").await;
    let checked_one = c.find(Locator::Css("#h-s-webhr_graphical_query")).await.unwrap().text().await.unwrap();
    assert!(!checked_one.contains("請勾選"), "the ticked source is not told to tick: {checked_one}");
    assert_no_pointer(&c, "the form").await;

    // A draft missing one source's note: the check list names the source and links to it.
    let mut app = common::statistics();
    app.existing_sources[5].note = String::new();
    // A reason of many lines: the heading (and the window's title) names the request by
    // its first forty characters, on one line.
    app.reason = format!("研議所屬機關人力配置\n{}", "並檢討各職務列等與員額之合理性，".repeat(20));
    let draft = people.applicant.create_request(&app).await.unwrap();
    c.goto(&format!("{}/requests/{}", server.base, draft.id)).await.unwrap();
    wait_for_text(&c, "ul.findings", "WebHR 圖像化查詢工具：無法滿足需求之理由").await;
    let heading = format!("案件 {}：{}", draft.id, statreq_e2e::statreq_domain::application::headline(&app.reason));
    assert!(heading.starts_with(&format!("案件 {}：研議所屬機關人力配置 並檢討", draft.id)) && heading.ends_with('…'), "{heading}");
    let h1 = c.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
    assert_eq!(h1, heading);
    crate::browser::wait_for_title(&c, &format!("{heading} – 人事資料統計服務")).await;
    let link = c.find(Locator::Css("ul.findings a[href='#a-source-webhr_graphical_query']")).await.unwrap();
    assert!(link.text().await.unwrap().contains("WebHR 圖像化查詢工具"));
    assert_no_pointer(&c, "a draft's check list").await;

    // A withdraw asks first: cancelled, nothing happens; confirmed, it is withdrawn.
    let pending = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    c.goto(&format!("{}/requests/{}", server.base, pending.id)).await.unwrap();
    click(&c, Locator::Css("#act-withdraw")).await;
    wait_for_text(&c, "label[for=comment]", "撤回理由").await;
    let confirm = c.find(Locator::Css("#act-confirm")).await.unwrap();
    assert_eq!(confirm.attr("class").await.unwrap().as_deref(), Some("danger"), "a final step looks different");
    confirm.click().await.unwrap();
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("確定撤回"), "{question}");
    c.dismiss_alert().await.unwrap();
    assert_eq!(people.applicant.get_request(pending.id).await.unwrap().state, State::PendingSupervisor);
    click(&c, Locator::Css("#act-confirm")).await;
    c.accept_alert().await.unwrap();
    assert_eq!(wait_for_state(&people.applicant, pending.id, State::Withdrawn).await, State::Withdrawn);
    wait_for_text(&c, "p.receipt", "已撤回").await;
    let _ = c.close().await;
}

pub(crate) async fn sign_out(c: &Client) {
    click(c, Locator::XPath("//header//button[contains(., '登出')]")).await;
    wait_for_text(c, "main h1", "登入").await;
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_eyes_delivery_and_destruction_read_right() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::InProduction, 2).await;
    let f = people.officer.upload_delivery(r.id, "名冊.csv", "姓名,職等\n王大明,9\n".as_bytes().to_vec()).await.unwrap();
    let (driver, c) = browser().await;

    // The uploader sends the file for review and is told who may approve it.
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ul.files", "待覆核").await;
    wait_for_text(&c, "ul.files", "另一位人事總處同仁").await;
    wait_for_text(&c, "p.next-step", "經另一位承辦人覆核後交付").await;
    assert_eq!(count(&c, &format!("#approve-{}", f.id)).await, 0, "the uploader cannot approve");
    click(&c, Locator::Css(&format!("#review-{}", f.id))).await;
    // Said beside the file, as word that it worked (not an alert).
    wait_for_text(&c, "section[aria-labelledby='d-h'] p.receipt[role=status]", "已通知其他人事總處同仁覆核").await;
    sign_out(&c).await;

    // The reviewer sees the justification and the manifest, confirms, and it is on the timeline.
    sign_in(&c, &server.base, "officer2.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ul.files code.hash", &f.sha256).await;
    // Its size in the page's language, exact to the byte (what the file is checked by).
    wait_for_text(&c, "ul.files", &format!("{} 位元組", f.size_bytes)).await;
    wait_for_text(&c, "dl.application", "核對陞遷名冊").await;
    wait_for_text(&c, "ol.timeline", "成果檔送請覆核").await;
    assert_accessible(&c, "a file awaiting review").await;
    click(&c, Locator::Css(&format!("#approve-{}", f.id))).await;
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("SHA-256"), "{question}");
    c.dismiss_alert().await.unwrap();
    assert!(people.officer.deliveries(r.id).await.unwrap().files[0].approved_by.is_none(), "cancelled, nothing happens");
    click(&c, Locator::Css(&format!("#approve-{}", f.id))).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "ul.files", "覆核").await;
    c.refresh().await.unwrap();
    wait_for_text(&c, "ol.timeline", "成果檔覆核通過").await;
    assert!(people.officer.deliveries(r.id).await.unwrap().files[0].approved_by.is_some());
    sign_out(&c).await;

    // The office: the passphrase is its own step, apart from the download.
    people.officer.deliver(r.id, None, "名冊如附件").await.unwrap();
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ul.files", "名冊.csv.age").await;
    wait_for_text(&c, "#pp-h", "解密密碼").await;
    // The office is told its part: download, destroy after use, record it by the day (rule 6).
    let destroy_by = people.applicant.get_request(r.id).await.unwrap().destroy_by.expect("a destruction day");
    let by = statreq_e2e::statreq_domain::lifecycle::roc_date(destroy_by);
    wait_for_text(&c, "p.next-step", &format!("使用完畢後請銷毀，並於{by}前登錄銷毀紀錄（第6點）")).await;
    assert_eq!(count(&c, "ul.files [id^=reveal]").await, 0, "no passphrase beside the download");
    click(&c, Locator::Css(&format!("#reveal-{}", f.id))).await;
    wait_for_text(&c, "ul.passphrases code.secret", "-").await;
    assert_accessible(&c, "a delivered personal-data request").await;
    // What the browser saves opens with the passphrase shown: the file as produced.
    let passphrase = c.find(Locator::Css("ul.passphrases code.secret")).await.unwrap().text().await.unwrap();
    click(&c, Locator::XPath("//ul[@class='files']//button[contains(., '名冊.csv.age')]")).await;
    let saved = driver.downloaded("名冊.csv.age").await;
    assert_eq!(common::open_age(&saved, &passphrase), "姓名,職等\n王大明,9\n".as_bytes());

    // Destroyed, the download and the passphrase are gone; the timeline says when and how.
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    let body = statreq_e2e::statreq_contract::DestructionBody { destroyed_on: today, method: "電子檔永久刪除".into() };
    people.applicant.record_destruction(r.id, None, &body).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(&c, "ol.timeline", "電子檔永久刪除").await;
    wait_for_text(&c, "ul.files", "已銷毀").await;
    assert_eq!(count(&c, "ul.files button").await, 0, "no download after destruction");
    assert_eq!(count(&c, "#pp-h").await, 0, "no passphrase after destruction");
    assert_eq!(count(&c, "p.next-step").await, 0, "nothing more to do once closed");

    // Without personal data: no destruction controls, no age instructions.
    let plain = people.in_state(&common::statistics(), State::InProduction, 2).await;
    people.officer.upload_delivery(plain.id, "表.csv", b"grade,count\n9,120\n".to_vec()).await.unwrap();
    people.officer.deliver(plain.id, None, "如附件").await.unwrap();
    c.goto(&format!("{}/requests/{}", server.base, plain.id)).await.unwrap();
    wait_for_text(&c, "ul.files", "下載").await;
    wait_for_text(&c, "p.next-step", "請下載交付檔案，並確認收受以結案").await;
    // A double click downloads it once (and the trail says once).
    let button = c.find(Locator::XPath("//ul[@class='files']//button[contains(., '表.csv')]")).await.unwrap();
    c.execute("arguments[0].click(); arguments[0].click();", vec![serde_json::to_value(&button).unwrap()]).await.unwrap();
    assert_eq!(driver.downloaded("表.csv").await, b"grade,count\n9,120\n");
    wait_for_text(&c, "ul.files button:not([disabled])", "下載 表.csv").await;
    let admin = server.login("admin.dgpa").await;
    let trail = admin.audit(&format!("action=delivery.downloaded&request_id={}", plain.id)).await.unwrap().items;
    assert_eq!(trail.len(), 1, "{trail:?}");
    wait_for_text(&c, "section[aria-labelledby='act-h']", "確認收訖").await;
    let text = main_text(&c).await;
    assert!(!text.contains("age -d") && !text.contains("登錄銷毀") && !text.contains("解密密碼"), "{text}");
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_reads_in_words_and_takes_from_the_row() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let queued = people.in_state(&common::statistics(), State::Queued, 4).await;
    let waited = people.in_state(&common::statistics(), State::Queued, 4).await;
    let working = people.in_state(&common::detail(), State::InProduction, 2).await;
    // One has waited past the longest allowed (61 days, set by SQL from outside; the
    // service reads other writers' changes within seconds).
    let store = statreq_store::Store::open(&server.db.url).unwrap();
    store.batch_execute(&format!("UPDATE requests SET wait_since = datetime(wait_since, '-61 days') WHERE id = {}", waited.id)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !people.officer.queue().await.unwrap().items.iter().any(|i| i.request_id == waited.id && i.overdue) {
        assert!(std::time::Instant::now() < deadline, "the queue does not show the request waited 61 days as overdue");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    people.officer.upload_delivery(working.id, "名冊.csv", "姓名\n王大明\n".as_bytes().to_vec()).await.unwrap();
    // Its officer leaves: the work is shown as nobody's until given to another.
    let gone = people.officer.me().await.unwrap().id;
    let leaves = statreq_e2e::statreq_contract::UpdateUserBody { active: Some(false), ..Default::default() };
    server.login("admin.dgpa").await.update_user(gone, &leaves, None).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer2.dgpa").await;
    // Home says what is past its time, and finds it.
    wait_for_text(&c, "#overdue-note", "有 1 件逾期").await;
    click(&c, Locator::Css("#overdue-note a")).await;
    wait_for_text(&c, "#found", "找到 1 件：排程中 1 件。").await;
    wait_for_text(&c, "table.results tbody", &waited.id.to_string()).await;
    let ticked = c.find(Locator::Css("#s-overdue")).await.unwrap().prop("checked").await.unwrap();
    assert_eq!(ticked.as_deref(), Some("true"), "the search form shows the filter it holds");
    click(&c, Locator::Css("header a[href='/queue']")).await;
    wait_for_text(&c, "table.queue tbody", &queued.id.to_string()).await;
    // Names, not codes; difficulty as chosen; each factor explained in words.
    let row = c.find(Locator::Css("table.queue tbody tr")).await.unwrap().text().await.unwrap();
    assert!(row.contains("內政部警政署") && row.contains("內政部") && !row.contains("MOI"), "{row}");
    let cells = c.find_all(Locator::Css("table.queue tbody tr td")).await.unwrap();
    assert_eq!(cells[6].text().await.unwrap(), "4", "difficulty as chosen");
    // What each request is for, beside its number.
    let subject = cells[3].text().await.unwrap();
    assert!(subject.contains("研議本署人力配置與陞遷規劃") && subject.contains("統計數值") && !subject.contains("個資"), "{subject}");
    let in_production = c.find(Locator::Css("table.production tbody tr")).await.unwrap().text().await.unwrap();
    assert!(in_production.contains("明細資料") && in_production.contains("個資"), "{in_production}");
    // Overdue, it goes first, and the row says so in words, not by a symbol whose
    // meaning only a mouse pointer finds.
    let first = c.find(Locator::Css("table.queue tbody tr")).await.unwrap().text().await.unwrap();
    assert!(first.contains(&waited.id.to_string()) && first.contains("已逾最長等候"), "{first}");
    let badge = c.find(Locator::Css("table.queue span.badge.overdue")).await.unwrap();
    assert!(badge.attr("title").await.unwrap().unwrap_or_default().contains("依收件先後"));
    let factor = c.find(Locator::Css("table.queue span.factor")).await.unwrap();
    let title = factor.attr("title").await.unwrap().unwrap_or_default();
    assert!(title.contains("等候") && factor.attr("tabindex").await.unwrap().as_deref() == Some("0"), "{title}");
    // Work in production with its file awaiting a second officer.
    wait_for_text(&c, "table.production", "1 個檔案待覆核").await;
    wait_for_text(&c, "table.production", "無人承辦，請改派").await;
    // The tables' captions are for screen readers: a heading says it on screen.
    let captions = "return Array.from(document.querySelectorAll('table caption')).map(c => c.getBoundingClientRect().height)";
    let heights = c.execute(captions, vec![]).await.unwrap();
    assert_eq!(heights, serde_json::json!([1, 1]), "the captions are not shown twice over the headings");
    assert_accessible(&c, "the queue").await;
    assert_no_pointer(&c, "the queue").await;
    // The request's page says who handles it, and that they no longer can.
    c.goto(&format!("{}/requests/{}", server.base, working.id)).await.unwrap();
    wait_for_text(&c, "#case-officer", "承辦人：王淑芬").await;
    wait_for_text(&c, "main > p", "無人承辦，請改派").await;
    c.goto(&format!("{}/queue", server.base)).await.unwrap();
    // The work left behind is handed over from the queue, as many as are chosen at once:
    // nothing chosen, or no officer, says what is missing and sends nothing.
    click(&c, Locator::Css("#reassign-chosen")).await;
    wait_for_text(&c, "section[aria-labelledby='reassign-h'] [role=alert]", "請先勾選案件").await;
    // The work left unattended is chosen in one click.
    click(&c, Locator::Css("#pick-unattended")).await;
    let ticked = format!("return document.querySelector('#move-{}').checked", working.id);
    crate::browser::wait_for_script(&c, &ticked, serde_json::json!(true)).await;
    wait_for_text(&c, "#pick-unattended", "（1 件）").await;
    click(&c, Locator::Css("#reassign-chosen")).await;
    wait_for_text(&c, "section[aria-labelledby='reassign-h'] [role=alert]", "請選擇承辦人").await;
    assert_eq!(people.officer2.get_request(working.id).await.unwrap().assignee.map(|a| a.id), Some(gone));
    let heir = people.officer2.me().await.unwrap();
    click(&c, Locator::Css(&format!("#reassign-to option[value='{}']", heir.id))).await;
    type_into(&c, "#reassign-reason", "王淑芬離職，移交李冠廷").await;
    click(&c, Locator::Css("#reassign-chosen")).await;
    wait_for_text(&c, "#reassigned", &format!("已改派 1 件給 {}", heir.display_name)).await;
    assert_eq!(people.officer2.get_request(working.id).await.unwrap().assignee.map(|a| a.id), Some(heir.id));
    let events = people.officer2.events(working.id).await.unwrap();
    let handed = events.iter().rev().find(|e| e.kind == statreq_e2e::statreq_domain::EventKind::Reassigned);
    assert_eq!(handed.and_then(|e| e.comment.clone()).as_deref(), Some("王淑芬離職，移交李冠廷"), "{events:?}");
    let unattended = "return document.querySelector('table.production').textContent.includes('無人承辦')";
    crate::browser::wait_for_script(&c, unattended, serde_json::json!(false)).await;
    crate::browser::wait_gone(&c, "#pick-unattended").await;
    assert_accessible(&c, "the queue after a handover").await;
    // Take straight from the row (the first: taking another needs a reason).
    click(&c, Locator::Css(&format!("#take-{}", waited.id))).await;
    assert_eq!(wait_for_state(&people.applicant, waited.id, State::InProduction).await, State::InProduction);
    let _ = c.close().await;
}

/// Every cell of every list on the page fits its content (nothing clipped or
/// scrolling), and the page does not scroll sideways.
pub(crate) async fn lists_fit(c: &Client) -> serde_json::Value {
    // `unlabelled`: cells that show a value but would say nothing of which column it is
    // once the table folds into cards (a cell of buttons or a checkbox speaks for itself).
    let script = "const bad = [...document.querySelectorAll('table.list td')].filter(td => td.scrollWidth > td.clientWidth + 1).map(td => td.textContent);
        const unlabelled = [...document.querySelectorAll('table.list td:not([data-label])')].filter(td => !td.querySelector('button, input, select') && td.textContent.trim() !== '').map(td => td.textContent);
        return { cells: document.querySelectorAll('table.list td').length, bad, unlabelled, fits: document.documentElement.scrollWidth <= window.innerWidth };";
    c.execute(script, vec![]).await.unwrap()
}

/// Headings that do not stand over their columns, in every table of the page shown (a
/// table that some page's style turned into a grid: the field dictionary's headings all
/// sat in its first column).
pub(crate) async fn misaligned_columns(c: &Client) -> serde_json::Value {
    let script = "return [...document.querySelectorAll('main table')].filter(t => t.offsetParent !== null && t.tHead && t.tBodies[0] && t.tBodies[0].rows.length).flatMap(t => {
            const hs = [...t.tHead.rows[t.tHead.rows.length - 1].cells], cs = [...t.tBodies[0].rows[0].cells];
            const name = t.className || t.id || 'table';
            if (hs.length !== cs.length) return [name + ': ' + hs.length + ' headings over ' + cs.length + ' cells'];
            return hs.filter((h, i) => Math.abs(h.getBoundingClientRect().left - cs[i].getBoundingClientRect().left) > 1 || Math.abs(h.getBoundingClientRect().width - cs[i].getBoundingClientRect().width) > 1)
                .map(h => name + ': ' + h.textContent.trim());
        });";
    c.execute(script, vec![]).await.unwrap()
}

/// At a desk every list's headings stand over their columns, on the pages of each
/// role's day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_desk_every_lists_headings_stand_over_their_columns() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    people.in_state(&common::statistics(), State::Queued, 3).await;
    people.in_state(&common::statistics(), State::InProduction, 2).await;
    people.in_state(&common::detail(), State::Delivered, 2).await;
    people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let (_driver, c) = browser().await;
    c.set_window_size(1280, 900).await.unwrap();
    for (user, pages) in [
        ("officer1.dgpa", &["/fields", "/search", "/queue", "/destructions", "/stats"][..]),
        ("admin.dgpa", &["/admin", "/admin/agencies", "/admin/reference"][..]),
        ("applicant.npa", &["/search", "/destructions", "/account"][..]),
        ("supervisor.moi", &["/", "/stats"][..]),
    ] {
        c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
        sign_in(&c, &server.base, user).await;
        wait_for_text(&c, "header .who", "").await;
        for path in pages {
            c.goto(&format!("{}{path}", server.base)).await.unwrap();
            wait_for_text(&c, "main h1", "").await;
            // Once its lists have loaded.
            for _ in 0..50 {
                if c.find(Locator::Css("main [aria-busy=true]")).await.is_err() && c.find(Locator::Css("main table tbody tr")).await.is_ok()
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(c.find(Locator::Css("main table tbody tr")).await.is_ok(), "{path}: no list to look at");
            assert_eq!(misaligned_columns(&c).await, serde_json::json!([]), "{user} at {path}");
            // The search's filters leave what they found in sight (they took a screen and a half).
            if *path == "/search" {
                let at = c
                    .execute("return [document.querySelector('#found').getBoundingClientRect().bottom, window.innerHeight]", vec![])
                    .await
                    .unwrap();
                assert!(at[0].as_f64() <= at[1].as_f64(), "{user}: the count of what was found is below the first screen: {at}");
                // "Only my work" is for those who hold work: DGPA's officers.
                assert_eq!(c.find(Locator::Id("s-mine")).await.is_ok(), user.ends_with(".dgpa"), "{user}: 只看我承辦的案件");
                // Its saved views stand apart (they ran together, a space between).
                let gaps = c
                    .execute(
                        "const a = [...document.querySelectorAll('nav.views a')].map(x => x.getBoundingClientRect());
                         return a.slice(1).map((r, i) => r.top === a[i].top ? r.left - a[i].right : 99)",
                        vec![],
                    )
                    .await
                    .unwrap();
                let gaps: Vec<f64> = serde_json::from_value(gaps).unwrap_or_default();
                assert!(gaps.iter().all(|g| *g >= 12.0), "{user}: the saved views' gaps {gaps:?}");
                // Sent an officer's link, anyone else sees what narrows it, to untick.
                if !user.ends_with(".dgpa") {
                    c.goto(&format!("{}/search?assignee=me", server.base)).await.unwrap();
                    wait_for_text(&c, "#found", "").await;
                    let ticked = c.find(Locator::Id("s-mine")).await.expect("只看我承辦的案件 shown when it narrows the search");
                    assert_eq!(ticked.prop("checked").await.unwrap().as_deref(), Some("true"), "{user}");
                }
            }
            // A choice is as wide as its options, not the page's (a year across 900 px).
            let widths = c.execute("return [...document.querySelectorAll('main select')].filter(s => !s.closest('.row')).map(s => [s.id, s.getBoundingClientRect().width])", vec![]).await.unwrap();
            let wide: Vec<(String, f64)> = serde_json::from_value(widths).unwrap_or_default();
            assert!(wide.iter().all(|(_, w)| *w <= 640.0), "{user} at {path}: choices {wide:?} px wide");
            // A password is a field of a form, not the page's width (894 px on /account).
            let widths = c
                .execute(
                    "return [...document.querySelectorAll('main input[type=password]')].map(i => i.getBoundingClientRect().width)",
                    vec![],
                )
                .await
                .unwrap();
            let widths: Vec<f64> = serde_json::from_value(widths).unwrap_or_default();
            assert!(widths.iter().all(|w| *w <= 460.0), "{user} at {path}: password fields {widths:?} px wide");
            // The administrator's forms stand their short fields side by side (the seven
            // queue settings and the six of a new account took a line each: two screens).
            if *path == "/admin" {
                let lines = c
                    .execute(
                        "const lines = f => new Set([...document.querySelectorAll(f)].map(e => Math.round(e.getBoundingClientRect().top))).size;
                         return [lines('#w-age, #w-diff, #w-fair, #s-half-life, #s-gamma, #s-max-wait, #s-default-staff'),
                                 lines('#nu-username, #nu-name, #nu-email, #nu-agency, #nu-role, #nu-password')]",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(lines, serde_json::json!([2, 3]), "lines taken by the queue settings and the new account's fields");
            }
        }
    }
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_lists_are_cards_and_the_header_a_menu() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mut long = common::statistics();
    long.reason = "辦理本署及所屬機關一一五年度人力評鑑與陞遷規劃所需之職等性別交叉統計分析".into();
    people.in_state(&long, State::Queued, 3).await;
    people.in_state(&common::detail(), State::PendingSupervisor, 3).await;
    people.in_state(&common::statistics(), State::InProduction, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.set_window_size(360, 800).await.unwrap();

    // The header folds into a menu: closed, its links are hidden; opened, they are there.
    let queue_link = Locator::Css("header a[href='/queue']");
    assert!(!c.find(queue_link).await.unwrap().is_displayed().await.unwrap(), "the links show on a phone without the menu");
    click(&c, Locator::Css("header .menu-toggle")).await;
    assert!(c.find(queue_link).await.unwrap().is_displayed().await.unwrap());
    click(&c, queue_link).await;
    wait_for_text(&c, "table.queue tbody", "內政部警政署").await;
    assert!(!c.find(queue_link).await.unwrap().is_displayed().await.unwrap(), "the menu closes after navigating");

    for (path, table) in [("/queue", "table.queue"), ("/search", "table.results")] {
        c.goto(&format!("{}{path}", server.base)).await.unwrap();
        wait_for_text(&c, &format!("{table} tbody"), "內政部警政署").await;
        let got = lists_fit(&c).await;
        assert!(got["cells"].as_u64().unwrap_or(0) > 0, "{path}: {got}");
        assert_eq!((got["bad"].as_array().map(Vec::len), &got["fits"]), (Some(0), &serde_json::json!(true)), "{path} at 360 px: {got}");
        assert_eq!(got["unlabelled"].as_array().map(Vec::len), Some(0), "{path} at 360 px: {got}");
        // Cards: each cell says which column it is.
        let label = c
            .execute(
                &format!("return getComputedStyle(document.querySelector('{table} tbody td[data-label]'), '::before').content"),
                vec![],
            )
            .await
            .unwrap();
        assert!(label.as_str().is_some_and(|l| l.len() > 2), "{path}: {label}");
        assert_accessible(&c, &format!("{path} on a phone")).await;
    }
    // The queue's checkbox says what it does, on the card and to a screen reader (it read
    // 「（請選擇）：」, the placeholder of a drop-down).
    c.goto(&format!("{}/queue", server.base)).await.unwrap();
    wait_for_text(&c, "table.queue tbody", "內政部警政署").await;
    let chooser = c
        .execute("const td = document.querySelector('table.queue tbody td:first-child'); return [td.dataset.label, td.querySelector('input').getAttribute('aria-label')];", vec![])
        .await
        .unwrap();
    assert_eq!(chooser[0], "選取", "{chooser}");
    assert!(chooser[1].as_str().is_some_and(|l| l.starts_with("選取案件 ")), "{chooser}");
    // Its two steps on the chosen (take, hand over) look alike: the heading as far into the card.
    wait_for_text(&c, "#reassign-h", "改派").await;
    let insets = c
        .execute("return [...document.querySelectorAll('section.bulk')].map(s => Math.round(s.querySelector('h2, h3').getBoundingClientRect().top - s.getBoundingClientRect().top));", vec![])
        .await
        .unwrap();
    assert!(insets.as_array().is_some_and(|a| a.len() == 2 && a[0] == a[1]), "headings' insets: {insets}");
    // A chart is not a list: each bar stays on its label's line (as cards, twelve months
    // took a screen and a half).
    c.goto(&format!("{}/stats", server.base)).await.unwrap();
    wait_for_text(&c, "table.bars tbody", "0-7").await;
    let apart = "return [...document.querySelectorAll('table.bars tr')].filter(tr => {
        const th = tr.querySelector('th').getBoundingClientRect(), td = tr.querySelector('td').getBoundingClientRect();
        return Math.abs(th.top - td.top) > 4 || td.left < th.right - 1; }).map(tr => tr.textContent)";
    assert_eq!(c.execute(apart, vec![]).await.unwrap(), serde_json::json!([]), "bars below their labels at 360 px");
    let got = lists_fit(&c).await;
    assert_eq!((got["bad"].as_array().map(Vec::len), &got["fits"]), (Some(0), &serde_json::json!(true)), "/stats at 360 px: {got}");

    // In English a card's labels end in an English colon (they read 「No.：」).
    click(&c, Locator::Css("header .menu-toggle")).await;
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    c.goto(&format!("{}/search", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "Find requests").await;
    wait_for_text(&c, "table.results tbody", "內政部警政署").await;
    let label = c
        .execute("return getComputedStyle(document.querySelector('table.results tbody td[data-label]'), '::before').content", vec![])
        .await
        .unwrap();
    assert_eq!(label, serde_json::json!("\"No.: \""));
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_and_submit_and_nothing_typed_is_lost_on_leaving() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let draft = people.applicant.create_request(&common::statistics()).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;

    // An unfinished form: "check and submit" lists what to fix and offers no submission.
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    type_into(&c, "#reason", "研議人力配置（未儲存）").await;
    click(&c, Locator::Css("#check-submit")).await;
    wait_for_text(&c, "#review", "須修正").await;
    wait_for_text(&c, "#review", "研議人力配置（未儲存）").await;
    assert_eq!(count(&c, "#confirm-submit").await, 0, "nothing to submit while errors remain");
    assert_no_pointer(&c, "the check before submitting").await;
    assert_accessible(&c, "the check before submitting").await;

    // Leaving by a link asks first; staying keeps the text; leaving and coming back restores it.
    click(&c, Locator::Css("header a[href='/search']")).await;
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("未儲存"), "{question}");
    c.dismiss_alert().await.unwrap();
    crate::browser::wait_for_value(&c, "#reason", "研議人力配置（未儲存）").await;
    click(&c, Locator::Css("header a[href='/search']")).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "main h1", "查詢案件").await;
    click(&c, Locator::Css("header a[href='/']")).await;
    click(&c, Locator::Css("main a[href='/requests/new']")).await;
    crate::browser::wait_for_value(&c, "#reason", "研議人力配置（未儲存）").await;
    wait_for_text(&c, "main [role=status]", "已還原").await;

    // A complete draft: the summary shows what will be sent; submitting confirms it.
    c.goto(&format!("{}/requests/{}/edit", server.base, draft.id)).await.unwrap();
    crate::browser::wait_for_value(&c, "#reason", &draft.application.reason).await;
    click(&c, Locator::Css("#check-submit")).await;
    wait_for_text(&c, "#review dl.application", &draft.application.requirement.description).await;
    click(&c, Locator::Css("#confirm-submit")).await;
    wait_for_text(&c, "p.receipt", &format!("已送出：案號 {}", draft.id)).await;
    assert_eq!(people.applicant.get_request(draft.id).await.unwrap().state, State::PendingSupervisor);
    let _ = c.close().await;
}

/// Each role's main screens on the demo year, at a desk and on a phone: each renders,
/// is axe-clean, does not scroll sideways, and is photographed. With
/// `STATREQ_SCREENS_DIR` set (`just screens`) the pictures are written there — the
/// ones in `docs/screens/` come from this test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_roles_main_screens_at_a_desk_and_on_a_phone() {
    let dist = spa_dir();
    let server = TestServer::start_demo(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let first = |page: statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::RequestView>| page.items.first().map(|r| r.id);
    let officer = server.login("officer1.dgpa").await;
    let producing = first(officer.search_requests(&[("state", "in_production")]).await.unwrap()).expect("demo work in production");
    let supervisor = server.login("supervisor.moi").await;
    let pending = first(supervisor.search_requests(&[("state", "pending_supervisor")]).await.unwrap()).expect("a demo request to approve");
    let applicant = server.login("applicant.npa").await;
    let delivered = first(applicant.search_requests(&[("state", "delivered")]).await.unwrap()).expect("a demo delivery");
    // Per person: (picture, address, what shows once the page is ready).
    type Screens<'a> = [(&'a str, &'a [(&'a str, String, &'a str)]); 4];
    let screens: Screens = [
        (
            "applicant.npa",
            &[
                ("applicant-requests", "/".into(), "main h1"),
                ("applicant-form", "/requests/new".into(), "#step-4"),
                ("applicant-delivery", format!("/requests/{delivered}"), "ul.files"),
            ],
        ),
        ("supervisor.moi", &[("supervisor-review", format!("/requests/{pending}"), "dl.application")]),
        (
            "officer1.dgpa",
            &[
                ("officer-queue", "/queue".into(), "table.queue tbody"),
                ("officer-search", "/search".into(), "table.results tbody"),
                ("officer-production", format!("/requests/{producing}"), "dl.application"),
            ],
        ),
        ("admin.dgpa", &[("admin-settings", "/admin".into(), "main h1"), ("admin-statistics", "/stats".into(), "main table")]),
    ];
    let out = std::env::var_os("STATREQ_SCREENS_DIR").map(std::path::PathBuf::from);
    let (_driver, c) = browser().await;
    for (user, pages) in screens {
        c.set_window_size(1280, 900).await.unwrap();
        sign_in(&c, &server.base, user).await;
        for (name, path, ready) in pages {
            for (size, (w, h)) in [("desk", (1280, 900)), ("phone", (390, 844))] {
                c.set_window_size(w, h).await.unwrap();
                c.goto(&format!("{}{path}", server.base)).await.unwrap();
                c.wait()
                    .at_most(Duration::from_secs(20))
                    .for_element(Locator::Css(ready))
                    .await
                    .unwrap_or_else(|e| panic!("{name}: {ready}: {e}"));
                tokio::time::sleep(Duration::from_millis(300)).await;
                let fits = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap();
                assert_eq!(fits, serde_json::json!(true), "{name} scrolls sideways at {w} px");
                assert_no_pointer(&c, name).await;
                // Each screen asks only for what its reader may have, and each thing once
                // (a request's history, checks and sources were asked twice on opening it).
                asks_once_and_only_what_it_may(&c, &format!("{name} ({size})")).await;
                if *name == "applicant-form" && size == "desk" {
                    // The contact's name, phone and e-mail side by side: the form starts with
                    // the application, not three lines of who to call.
                    let tops = c
                        .execute("return ['c-name', 'c-phone', 'c-email'].map(id => Math.round(document.getElementById(id).getBoundingClientRect().top))", vec![])
                        .await
                        .unwrap();
                    assert!(tops[0] == tops[1] && tops[1] == tops[2], "{name}: the contact's fields stand at {tops}");
                }
                if *name == "admin-statistics" {
                    // Each count stands on its bar's line, the longest bar's too.
                    let beside = "return [...document.querySelectorAll('table.bars td')].map(td => {
                        const bar = td.querySelector('.bar-fill').getBoundingClientRect();
                        const count = [...td.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).pop();
                        const r = document.createRange(); r.selectNodeContents(count);
                        const t = r.getBoundingClientRect();
                        return t.top < bar.bottom && t.bottom > bar.top;
                    })";
                    let beside: Vec<bool> = serde_json::from_value(c.execute(beside, vec![]).await.unwrap()).unwrap_or_default();
                    assert!(!beside.is_empty() && beside.iter().all(|b| *b), "{name} at {w} px: a count below its bar: {beside:?}");
                    // Rows are named in words: states and supervising agencies, not their codes.
                    let heads =
                        c.execute("return [...document.querySelectorAll('table.bars th')].map(th => th.textContent.trim())", vec![]).await;
                    let heads: Vec<String> = heads.ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
                    let codes: Vec<&String> = heads
                        .iter()
                        .filter(|h| h.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_lowercase() || ch == '_'))
                        .collect();
                    assert!(
                        codes.is_empty() && heads.iter().any(|h| h == "內政部") && heads.iter().any(|h| h == "排程中"),
                        "{name}: {heads:?}"
                    );
                }
                assert_accessible(&c, &format!("{name} ({size})")).await;
                let png = c.screenshot().await.unwrap();
                assert!(png.starts_with(b"\x89PNG") && png.len() > 5_000, "{name}: no picture");
                if let Some(dir) = &out {
                    std::fs::create_dir_all(dir).unwrap();
                    std::fs::write(dir.join(format!("{name}-{size}.png")), &png).unwrap();
                }
            }
        }
        c.set_window_size(1280, 900).await.unwrap();
        sign_out(&c).await;
    }
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ends_other_sessions_and_registers_an_age_key() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let mut elsewhere = server.login("applicant.npa").await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    click(&c, Locator::Css("header a[href='/account']")).await;
    wait_for_text(&c, "ul.sessions", "此瀏覽器").await;
    wait_count(&c, "ul.sessions li", 2).await;
    // Each says which browser and where, to tell them apart.
    let rows = c.find_all(Locator::Css("ul.sessions li")).await.unwrap();
    let mut lines = Vec::new();
    for row in rows {
        lines.push(row.text().await.unwrap_or_default());
    }
    assert!(lines.iter().any(|l| l.contains("此瀏覽器") && l.contains("Chrome · Linux · 127.0.0.1")), "{lines:?}");
    assert_accessible(&c, "account with sessions").await;

    // The session left open elsewhere ends from here; this browser goes on.
    click(&c, Locator::Css("ul.sessions button")).await;
    wait_for_text(&c, "section[aria-labelledby='sess-h'] [role=status]", "該處已登出").await;
    assert_eq!(elsewhere.refresh().await.err().and_then(|e| e.status()), Some(401));
    wait_count(&c, "ul.sessions li", 1).await;
    assert!(c.find(Locator::Css("ul.sessions .device-start")).await.is_err(), "a session used where it began says so twice");

    // A session signed in at one address and now used from another (its refresh token
    // carried off, say) says where it began too.
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let desk = crate::security::client_at(7, firefox);
    let signed = crate::security::login_from(&desk, &server.base, "applicant.npa", statreq_e2e::DEMO_PASSWORD, None).await;
    let signed: serde_json::Value = signed.json().await.unwrap_or_default();
    let refreshed = crate::security::refresh_from(&crate::security::client_at(9, firefox), &server.base, &signed).await;
    assert!(refreshed["access_token"].is_string(), "{refreshed}");
    c.refresh().await.unwrap();
    wait_count(&c, "ul.sessions li", 2).await;
    wait_for_text(&c, "ul.sessions", "Firefox · Linux · 127.0.0.9 · 登入時：Firefox · Linux · 127.0.0.7").await;
    wait_count(&c, "ul.sessions .device-start", 1).await;
    assert_accessible(&c, "account with a session used elsewhere than it began").await;

    // An age key: a wrong one is refused in words; a real one is registered and used.
    type_into(&c, "#age-key", "age1notakey").await;
    click(&c, Locator::XPath("//section[@aria-labelledby='age-h']//button[@type='submit']")).await;
    wait_for_text(&c, "section[aria-labelledby='age-h'] [role=status]", "age").await;
    let dir = std::env::temp_dir().join(format!("statreq-ui-age-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new("age-keygen").arg("-o").arg(dir.join("k")).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let public = String::from_utf8_lossy(&out.stderr).lines().find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned)).unwrap();
    let field = c.find(Locator::Css("#age-key")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(&public).await.unwrap();
    click(&c, Locator::XPath("//section[@aria-labelledby='age-h']//button[@type='submit']")).await;
    wait_for_text(&c, "#age-key-now", &public).await;
    let api = server.login("applicant.npa").await;
    assert_eq!(api.me().await.unwrap().age_recipient.as_deref(), Some(public.as_str()));

    // Everywhere, this browser included: it asks first, then lands on the sign-in page.
    click(&c, Locator::Css("#sign-out-everywhere")).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "main h1", "登入").await;
    assert_eq!(api.sessions().await.unwrap().len(), 0);
    let _ = c.close().await;
}

/// The tabs of one browser share its sign-in: what happens in one is followed in the
/// others, so no tab shows one person's name while acting as another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_or_another_person_in_another_tab_is_followed_in_this_one() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    c.wait().for_element(Locator::Css("#act-withdraw")).await.unwrap();
    let first = c.window().await.unwrap();
    // Another tab, signed out there.
    let other = c.new_window(true).await.unwrap();
    c.switch_to_window(other.handle.clone()).await.unwrap();
    c.goto(&server.base).await.unwrap();
    wait_for_text(&c, "header .who", "林怡君").await;
    click(&c, Locator::XPath("//header//button[contains(., '登出')]")).await;
    c.wait().for_element(Locator::Css("#username")).await.unwrap();
    c.switch_to_window(first.clone()).await.unwrap();
    // Here: to the sign-in, and back to the request after it; the request is not shown.
    wait_for_text(&c, "main h1", "登入").await;
    let at = c.current_url().await.unwrap();
    assert_eq!((at.path(), at.query()), ("/login", Some(format!("next=%2Frequests%2F{}", r.id).as_str())));
    assert!(!main_text(&c).await.contains(&r.application.reason), "the request is still on screen");
    // Signed in again there: this tab goes on to the request by itself.
    c.switch_to_window(other.handle.clone()).await.unwrap();
    sign_in(&c, &server.base, "applicant.npa").await;
    c.switch_to_window(first.clone()).await.unwrap();
    c.wait().for_element(Locator::Css("#act-withdraw")).await.unwrap();
    // The reviewer signs in in the other tab: this one is drawn anew as theirs,
    // their name in the header and their steps on the request.
    c.switch_to_window(other.handle.clone()).await.unwrap();
    sign_in(&c, &server.base, "supervisor.moi").await;
    c.switch_to_window(first).await.unwrap();
    wait_for_text(&c, "header .who", "張雅婷").await;
    c.wait().for_element(Locator::Css("#act-supervisor_approve")).await.unwrap();
    assert!(c.find(Locator::Css("#act-withdraw")).await.is_err(), "the applicant's step is still offered");
    // And it goes on working (the screens drawn anew left nothing broken behind).
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    wait_for_text(&c, "#act-supervisor_approve", "Approve").await;
    let _ = c.close().await;
}

/// A browser several people use (an office's shared PC): what one typed and did not save
/// is offered back to them, never to the next person who signs in there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_person_on_a_shared_browser_is_not_offered_what_the_last_typed() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    let kept = "return localStorage.getItem('statreq.form.new') !== null";
    let typed_then_signed_in = |who: &'static str| {
        let (c, base) = (c.clone(), server.base.clone());
        async move {
            c.goto(&format!("{base}/requests/new")).await.unwrap();
            type_into(&c, "#reason", "警政署未存的申請事由").await;
            crate::browser::wait_for_script(&c, kept, serde_json::json!(true)).await;
            // Never signed out: the next sign-in is on the same browser (the sign-in page
            // goes home once it is done).
            sign_in(&c, &base, who).await;
            crate::browser::wait_for_script(&c, "return location.pathname", serde_json::json!("/")).await;
            c.goto(&format!("{base}/requests/new")).await.unwrap();
            c.wait().for_element(Locator::Css("#reason")).await.unwrap();
        }
    };
    sign_in(&c, &server.base, "applicant.npa").await;
    // The same person again: theirs is offered back.
    typed_then_signed_in("applicant.npa").await;
    wait_for_value(&c, "#reason", "警政署未存的申請事由").await;
    wait_for_text(&c, "main", "已還原您上次在此瀏覽器輸入").await;
    // Another office's applicant: an empty form, nothing offered.
    typed_then_signed_in("applicant.nia").await;
    wait_for_text(&c, "header .who", "許雅琪").await;
    assert_eq!(c.find(Locator::Css("#reason")).await.unwrap().prop("value").await.unwrap().as_deref(), Some(""));
    assert!(!main_text(&c).await.contains("已還原"), "another person's text is offered");
    let _ = c.close().await;
}

/// The edit page of request `id`, once its reason box shows `reason`.
async fn edit_page(c: &Client, base: &str, id: i64, reason: &str) -> fantoccini::elements::Element {
    c.goto(&format!("{base}/requests/{id}/edit")).await.unwrap();
    let box_ = c.wait().for_element(Locator::Css("#reason")).await.unwrap();
    wait_for_value(c, "#reason", reason).await;
    box_
}

/// A draft saved elsewhere while it was being edited here (another tab, a colleague of
/// the office, WebHR): the save here is told what that save changed and chooses; what
/// was typed here stays until then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_saved_meanwhile_elsewhere_loses_nothing_typed_here() {
    use statreq_e2e::statreq_contract::ApplicationPatch;
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::statistics(), State::Draft, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    let elsewhere = |reason: &str| ApplicationPatch { reason: Some(reason.into()), ..Default::default() };
    for (round, choice) in [(1, "#keep-mine"), (2, "#take-theirs")] {
        let now = people.applicant.get_request(r.id).await.unwrap();
        let reason = edit_page(&c, &server.base, r.id, &now.application.reason).await;
        let theirs = format!("另一處第 {round} 次改的事由");
        people.applicant.update_request(r.id, now.version, &elsewhere(&theirs)).await.unwrap();
        let mine = format!("這裡第 {round} 次寫的事由");
        reason.clear().await.unwrap();
        reason.send_keys(&mine).await.unwrap();
        click(&c, Locator::XPath("//form//button[@type='submit']")).await;
        // Told, in words: that save's version and what it changed; what is typed here stays.
        wait_for_text(&c, "#edit-conflict", &format!("第 {} 版", now.version + 1)).await;
        wait_for_text(&c, "#edit-conflict table", &theirs).await;
        // The keyboard is taken there (the save button is further down the page).
        crate::browser::wait_for_script(&c, "return document.activeElement.id", serde_json::json!("conflict-h")).await;
        assert_eq!(reason.prop("value").await.unwrap().as_deref(), Some(mine.as_str()));
        assert_accessible(&c, "an edit saved meanwhile elsewhere").await;
        click(&c, Locator::Css(choice)).await;
        let kept = if choice == "#keep-mine" { &mine } else { &theirs };
        if choice == "#keep-mine" {
            wait_for_text(&c, "main h1", &format!("案件 {}", r.id)).await;
        } else {
            wait_for_value(&c, "#reason", &theirs).await;
        }
        assert_eq!(&people.applicant.get_request(r.id).await.unwrap().application.reason, kept);
    }
    // Submitted meanwhile: there is nothing to save over, and it says so.
    let reason = edit_page(&c, &server.base, r.id, "另一處第 2 次改的事由").await;
    let now = people.applicant.get_request(r.id).await.unwrap();
    people.applicant.submit(r.id, Some(now.version)).await.unwrap();
    reason.send_keys("，再補一句").await.unwrap();
    click(&c, Locator::XPath("//form//button[@type='submit']")).await;
    wait_for_text(&c, "#edit-conflict", "已不能修改").await;
    assert!(c.find(Locator::Css("#keep-mine")).await.is_err(), "offers to save over a submitted application");
    assert_eq!(reason.prop("value").await.unwrap().as_deref(), Some("另一處第 2 次改的事由，再補一句"));
    click(&c, Locator::Css("#take-theirs")).await;
    wait_for_text(&c, "main", "待主管機關審核").await;
    // Returned, corrected and sent again: the request's revisions say what changed, in the
    // same words and table as the panel above.
    use statreq_e2e::statreq_contract::Decision;
    let returned = people.supervisor.supervisor_decision(r.id, None, Decision::Return, Some("請寫明用途")).await.unwrap();
    let fixed = people.applicant.update_request(r.id, returned.version, &elsewhere("補正後的事由")).await.unwrap();
    people.applicant.submit(r.id, Some(fixed.version)).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(&c, "section[aria-labelledby='r-h'] table.diff", "補正後的事由").await;
    wait_for_text(&c, "section[aria-labelledby='r-h'] table.diff thead", "修正前").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_lists_page_past_fifty() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let applicant = server.login("applicant.npa").await;
    let app = common::statistics();
    let creates = (0..55).map(|_| applicant.create_request(&app));
    for r in futures_util::future::join_all(creates).await {
        r.unwrap();
    }
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    wait_for_text(&c, "nav.pager [role=status]", "第 1–50 筆").await;
    wait_count(&c, "table.list tbody tr", 50).await;
    click(&c, Locator::Css("#page-next")).await;
    wait_for_text(&c, "nav.pager [role=status]", "第 51–55 筆").await;
    wait_count(&c, "table.list tbody tr", 5).await;
    assert_eq!(count(&c, "#page-next").await, 0, "the last page has no next");
    assert_accessible(&c, "the second page").await;
    click(&c, Locator::Css("#page-previous")).await;
    wait_for_text(&c, "nav.pager [role=status]", "第 1–50 筆").await;
    // A filter starts again from the first page.
    click(&c, Locator::Css("#page-next")).await;
    wait_for_text(&c, "nav.pager [role=status]", "第 51–55 筆").await;
    click(&c, Locator::Css("#state-filter option[value='draft']")).await;
    wait_for_text(&c, "nav.pager [role=status]", "第 1–50 筆").await;
    let _ = c.close().await;
}

/// The pages of a PDF Chromium printed (its page objects, not the page tree).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_paper_form_is_the_annex_on_one_a4_page() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let fields = people.applicant.list_fields(None).await.unwrap();
    let name_of = |code: &str| fields.iter().find(|f| f.code == code).map(|f| f.name_zh.clone()).unwrap_or_default();
    let supervisor = people.supervisor.me().await.unwrap().display_name;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}/print", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main h1", "行政院人事行政總處受理人事資料統計服務申請表").await;
    wait_for_text(&c, "table.form.sign", &format!("核准：{supervisor}")).await;
    // The supervising agency whose personnel office reviews it (NPA's: MOI).
    wait_for_text(&c, "table.form.sign .reviewer", "內政部").await;
    let form = main_text(&c).await;
    for item in [
        "申請人事機構填寫",
        "申請理由",
        "需求描述及說明",
        "提供方式：明細資料",
        "是否含個資",
        "■ 是",
        "人事總處回復",
        "資料如附件",
        "申請人事機構單位戳章",
        "申請人簽名或蓋章",
        "格式範例",
    ] {
        assert!(form.contains(item), "the form lacks {item:?}:\n{form}");
    }
    for code in &r.application.requirement.fields {
        assert!(form.contains(&name_of(code)), "{code} by name:\n{form}");
    }
    assert!(form.contains("核對陞遷名冊"), "necessity notes:\n{form}");
    // The approval's date and time is read whole, not broken as 115年1 / 月11日.
    let lines = "return document.querySelector('table.form.sign .approved .when').getClientRects().length";
    assert_eq!(c.execute(lines, vec![]).await.unwrap(), serde_json::json!(1), "the approval's date across lines");
    assert_no_pointer(&c, "the paper form").await;
    assert_accessible(&c, "the paper form").await;
    let pdf = c.print(fantoccini::wd::PrintConfiguration::default()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(pdf_pages(&pdf), 1, "the form prints on one A4 page");
    // The count itself works: the whole request page takes more than one.
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ol.timeline", "已交付").await;
    let long = c.print(fantoccini::wd::PrintConfiguration::default()).await.unwrap();
    assert!(pdf_pages(&long) > 1, "{} pages", pdf_pages(&long));
    // The timeline names the supervising agency that approved.
    wait_for_text(&c, "ol.timeline .acting-agency", "內政部").await;

    // NPA moved under TPE afterwards: the form still names MOI, which approved it, not
    // the agency that would review it now (rule 5.1).
    let moved = statreq_e2e::statreq_contract::UpdateAgencyBody { parent_code: Some("TPE".into()), ..Default::default() };
    server.login("admin.dgpa").await.update_agency("NPA", &moved, None).await.unwrap();
    c.goto(&format!("{}/requests/{}/print", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "table.form.sign", &format!("核准：{supervisor}")).await;
    let reviewer = c.find(Locator::Css("table.form.sign .reviewer")).await.unwrap().text().await.unwrap();
    assert_eq!(reviewer, "內政部", "the approving agency, as it was then");
    let _ = c.close().await;
}

/// An application that came on paper (rule 5.2) shows the supervising agency's approval
/// it came with — its document number and day — on the timeline and on the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_on_paper_shows_the_approval_it_came_with() {
    use statreq_e2e::statreq_contract::PaperIntakeBody;
    use statreq_e2e::statreq_domain::lifecycle::{Channel, PaperApproval};
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
    let intake = PaperIntakeBody {
        channel: Channel::Paper,
        on_behalf_of: "NPA".into(),
        supervisor_approval: PaperApproval { document_number: "內授人字第1150012345號".into(), approved_on: on, agency: None },
        application: common::statistics(),
    };
    let r = server.login("officer1.dgpa").await.register_paper(&intake).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ol.timeline", "書面申請登錄，主管機關內政部核准：內授人字第1150012345號（115年11月2日）").await;
    c.goto(&format!("{}/requests/{}/print", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "table.form.sign", "核准：內政部　內授人字第1150012345號").await;
    wait_for_text(&c, "table.form.sign .approved .when", "115年11月2日").await;
    let _ = c.close().await;
}

/// A DGPA officer registers an application that came by e-mail (rule 5.2) in the
/// browser: the application form, with the applying agency and the supervising agency's
/// approval first; without them nothing is registered; with them it awaits DGPA's review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_registers_an_application_that_came_by_email() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let officer = server.login("officer1.dgpa").await;
    let branch = statreq_e2e::statreq_contract::CreateAgencyBody {
        code: "NPATPE".into(),
        name: "內政部警政署臺北分局".into(),
        parent_code: "NPA".into(),
        personnel_staff: 3,
    };
    server.login("admin.dgpa").await.create_agency(&branch).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    click(&c, Locator::Css("#register-paper")).await;
    wait_for_text(&c, "main h1", "登錄紙本或電子郵件申請").await;
    assert_eq!(count(&c, "main h1").await, 1, "one heading");
    // The application as transcribed (the form keeps what is typed in this browser, and
    // offers it back after a reload: here it is put there whole).
    let typed = serde_json::to_string(&(0, common::statistics())).unwrap();
    c.execute("localStorage.setItem('statreq.form.paper', arguments[0]);", vec![serde_json::json!(typed)]).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_value(&c, "#reason", &common::statistics().reason).await;
    assert_accessible(&c, "registering an application on paper").await;
    let submit = "//form//div[@class='actions']/button[@type='submit']";
    assert_eq!(count(&c, "#check-submit").await, 0, "registered, not submitted: one button");
    // Without the approval it came with, nothing is registered.
    c.execute("document.getElementById('paper-agency').removeAttribute('required'); document.getElementById('paper-document').removeAttribute('required'); document.getElementById('paper-day').removeAttribute('required');", vec![]).await.unwrap();
    click(&c, Locator::XPath(submit)).await;
    wait_for_text(&c, "form p.error", "請填寫申請機關、主管機關核轉文號及核轉日期").await;
    assert!(officer.search_requests(&[("state", "pending_dgpa")]).await.unwrap().items.is_empty());
    // With it: by e-mail, for NPA's Taipei branch, approved yesterday by NPA — one of the
    // two agencies that supervise it (rule 5.1), offered once the agency is typed.
    click(&c, Locator::Css("#channel-email")).await;
    let approver = "const s = document.getElementById('paper-approver'); return [s.disabled, s.required]";
    assert_eq!(c.execute(approver, vec![]).await.unwrap(), serde_json::json!([true, false]), "no agency yet: nothing to choose");
    type_into(&c, "#paper-agency", "NPATPE").await;
    let offered = "return [...document.querySelectorAll('#paper-approver option')].map(o => o.value).join(',')";
    crate::browser::wait_for_script(&c, offered, serde_json::json!(",NPA,MOI")).await;
    assert_eq!(c.execute(approver, vec![]).await.unwrap(), serde_json::json!([false, true]), "two: one must be chosen");
    click(&c, Locator::Css("#paper-approver option[value='NPA']")).await;
    type_into(&c, "#paper-document", "警署人字第1150001234號").await;
    let yesterday = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).pred_opt().unwrap();
    set_date(&c, "paper-day", &yesterday.to_string()).await;
    // A reload keeps what was typed, the first section with the application.
    c.refresh().await.unwrap();
    wait_for_value(&c, "#paper-agency", "NPATPE").await;
    wait_for_value(&c, "#paper-approver", "NPA").await;
    wait_for_value(&c, "#paper-document", "警署人字第1150001234號").await;
    wait_for_value(&c, "#paper-day", &yesterday.to_string()).await;
    assert_eq!(c.find(Locator::Css("#channel-email")).await.unwrap().prop("checked").await.unwrap().as_deref(), Some("true"));
    click(&c, Locator::XPath(submit)).await;
    wait_for_text(&c, "p.receipt", "待人事總處審查").await;
    let kept = "return [localStorage.getItem('statreq.form.paper'), localStorage.getItem('statreq.form.paper.intake')]";
    assert_eq!(c.execute(kept, vec![]).await.unwrap(), serde_json::json!([null, null]), "registered: nothing kept");
    let registered = officer.search_requests(&[("state", "pending_dgpa")]).await.unwrap().items;
    assert_eq!(registered.len(), 1, "{registered:?}");
    let r = &registered[0];
    assert_eq!((r.agency_code.as_str(), r.application.reason.as_str()), ("NPATPE", common::statistics().reason.as_str()));
    wait_for_text(&c, "ol.timeline", "主管機關內政部警政署核准：警署人字第1150001234號").await;
    // An applicant's office has no such screen.
    sign_out(&c).await;
    sign_in(&c, &server.base, "applicant.npa").await;
    assert_eq!(count(&c, "#register-paper").await, 0);
    c.goto(&format!("{}/requests/paper", server.base)).await.unwrap();
    wait_for_text(&c, "main", "人事總處承辦人").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_edits_and_disables_an_account() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let target = server.login("applicant.tpedu").await;
    let id = target.me().await.unwrap().id;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    click(&c, Locator::Css("header a[href='/admin']")).await;
    click(&c, Locator::Css(&format!("#edit-user-{id}"))).await;
    wait_for_text(&c, "form.user-editor legend", "applicant.tpedu").await;
    assert_accessible(&c, "editing an account").await;
    let name = c.find(Locator::Css("#ue-name")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("陳怡安（臺北市教育局人事室）").await.unwrap();
    click(&c, Locator::Css("#ue-active")).await;
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    // Disabling signs the person out everywhere: it asks first; cancelled, nothing changes.
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("applicant.tpedu"), "{question}");
    c.dismiss_alert().await.unwrap();
    assert!(target.me().await.is_ok());
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    crate::browser::alert_text(&c).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "form.user-editor [role=status]", "已儲存 applicant.tpedu").await;
    let admin = server.login("admin.dgpa").await;
    let user = admin.list_users(None).await.unwrap().items.into_iter().find(|u| u.id == id).unwrap();
    assert_eq!((user.display_name.as_str(), user.active), ("陳怡安（臺北市教育局人事室）", false));
    assert_eq!(target.me().await.err().and_then(|e| e.status()), Some(401), "disabled at once");
    // Saved again from the same form: at the version the first save answered.
    set_date(&c, "ue-email", "chen@tpedu.example.gov.tw").await;
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    let saved_again = "return document.querySelector('form.user-editor [role=status]').textContent";
    let mut email = String::new();
    for _ in 0..50 {
        email = admin.list_users(None).await.unwrap().items.into_iter().find(|u| u.id == id).map(|u| u.email).unwrap_or_default();
        if email == "chen@tpedu.example.gov.tw" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(email, "chen@tpedu.example.gov.tw", "{:?}", c.execute(saved_again, vec![]).await);
    // Another administrator renames the account meanwhile: this form's next save is
    // refused and the other's change stands; nothing typed here is lost (the e-mail),
    // what the form left as read takes the new name, and the panel says what changed,
    // to save over it at the administrator's word.
    let rename = statreq_e2e::statreq_contract::UpdateUserBody { display_name: Some("陳怡安".into()), ..Default::default() };
    admin.update_user(id, &rename, None).await.unwrap();
    set_date(&c, "ue-email", "other@tpedu.example.gov.tw").await;
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    wait_for_text(&c, "form.user-editor #meanwhile-h", "另一位管理者已在此期間儲存").await;
    let user = admin.get_user(id).await.unwrap();
    assert_eq!((user.display_name.as_str(), user.email.as_str()), ("陳怡安", "chen@tpedu.example.gov.tw"));
    wait_for_value(&c, "#ue-name", "陳怡安").await;
    wait_for_value(&c, "#ue-email", "other@tpedu.example.gov.tw").await;
    let row = "return Array.from(document.querySelectorAll('section.meanwhile tbody tr')).map(r => Array.from(r.cells).map(td => td.textContent))";
    assert_eq!(c.execute(row, vec![]).await.unwrap(), serde_json::json!([["姓名", "陳怡安（臺北市教育局人事室）", "陳怡安", "陳怡安"]]));
    assert_accessible(&c, "an account saved meanwhile").await;
    click(&c, Locator::Css("#keep-mine")).await;
    for _ in 0..50 {
        if admin.get_user(id).await.map(|u| u.email).unwrap_or_default() == "other@tpedu.example.gov.tw" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        admin.get_user(id).await.map(|u| (u.display_name, u.email)).ok(),
        Some(("陳怡安".into(), "other@tpedu.example.gov.tw".into()))
    );
    wait_for_text(&c, "form.user-editor [role=status]", "已儲存").await;
    assert!(c.find(Locator::Css("section.meanwhile")).await.is_err(), "the panel is gone once saved");
    // Once more, and this time theirs is taken: the form shows the account as saved.
    let rename = statreq_e2e::statreq_contract::UpdateUserBody { display_name: Some("陳怡安 老師".into()), ..Default::default() };
    admin.update_user(id, &rename, None).await.unwrap();
    set_date(&c, "ue-email", "third@tpedu.example.gov.tw").await;
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    click(&c, Locator::Css("#take-theirs")).await;
    wait_for_value(&c, "#ue-email", "other@tpedu.example.gov.tw").await;
    wait_for_value(&c, "#ue-name", "陳怡安 老師").await;
    assert_eq!(admin.get_user(id).await.map(|u| u.email).ok().as_deref(), Some("other@tpedu.example.gov.tw"));
    wait_for_text(&c, "section[aria-labelledby='us-h'] table.list", "陳怡安 老師").await;
    // One's own account: disabling it or dropping one's own administration is for
    // another administrator; the form says so and offers neither.
    let admin_id = admin.me().await.unwrap().id;
    click(&c, Locator::Css(&format!("#edit-user-{admin_id}"))).await;
    wait_for_text(&c, "form.user-editor legend", "admin.dgpa").await;
    wait_for_text(&c, "#ue-own", "另一位管理者").await;
    let disabled = "return ['ue-active', 'ue-role-dgpa_admin', 'ue-role-dgpa_officer'].map(id => document.getElementById(id).disabled)";
    assert_eq!(c.execute(disabled, vec![]).await.unwrap(), serde_json::json!([true, true, false]));
    let described = "return ['ue-active', 'ue-role-dgpa_admin', 'ue-role-dgpa_officer'].map(id => document.getElementById(id).getAttribute('aria-describedby'))";
    assert_eq!(c.execute(described, vec![]).await.unwrap(), serde_json::json!(["ue-own", "ue-own", null]), "a screen reader says why");
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='button']")).await;

    // A case officer holding work: disabling asks first, saying how much is left to
    // give to another officer; cancelled, the account stays as it was.
    let officer = server.login("officer1.dgpa").await;
    let (applicant, supervisor) = (server.login("applicant.npa").await, server.login("supervisor.moi").await);
    common::Scenario::of(&applicant, &supervisor, &officer).in_state(&common::statistics(), State::InProduction, 1).await;
    let filters = [("assignee", "me"), ("state", "in_production"), ("state", "on_hold"), ("limit", "200")];
    let held = officer.search_requests(&filters).await.unwrap().items.len();
    assert!(held >= 1);
    let officer_id = officer.me().await.unwrap().id;
    click(&c, Locator::Css(&format!("#edit-user-{officer_id}"))).await;
    wait_for_text(&c, "form.user-editor legend", "officer1.dgpa").await;
    click(&c, Locator::Css("#ue-active")).await;
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='submit']")).await;
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("officer1.dgpa") && question.contains(&format!("尚有 {held} 件")), "{question}");
    assert!(question.contains("「作業排程」"), "says where the work is handed over: {question}");
    c.dismiss_alert().await.unwrap();
    assert!(officer.me().await.is_ok(), "cancelled: still active");
    click(&c, Locator::XPath("//form[contains(@class,'user-editor')]//button[@type='button']")).await;

    // The trail: found by action (chosen by its name) and day, and the whole chain checked.
    crate::browser_admin::choose(&c, "#au-action", "user.updated").await;
    let chosen = "const s = document.getElementById('au-action'); return [s.selectedOptions[0].textContent, s.selectedOptions[0].parentElement.label]";
    assert_eq!(c.execute(chosen, vec![]).await.unwrap(), serde_json::json!(["修改帳號", "帳號"]));
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).to_string();
    set_date(&c, "au-from", &today).await;
    click(&c, Locator::XPath("//form[contains(@class,'audit-search')]//button[@type='submit']")).await;
    wait_for_text(&c, "ol.audit", "user.updated").await;
    let lines = "return Array.from(document.querySelectorAll('ol.audit > li')).map(li => li.textContent)";
    let shown: Vec<String> = serde_json::from_value(c.execute(lines, vec![]).await.unwrap()).unwrap();
    assert!(shown.iter().all(|l| l.contains("修改帳號 user.updated")), "only the action searched for, in words: {shown:?}");
    assert!(shown.iter().all(|l| l.contains("127.0.0.1")), "from where: {shown:?}");
    assert!(shown[0].contains("吳美玲（人事總處管理者）（admin.dgpa）"), "the actor by name: {shown:?}");
    // What an entry holds besides, on asking: here, what the change was.
    click(&c, Locator::Css("ol.audit > li:first-child details.audit-detail summary")).await;
    wait_for_text(&c, "ol.audit > li:first-child details.audit-detail pre", "\"user\"").await;
    // That search as CSV: the export (audited with its selection) is the one searched.
    click(&c, Locator::Css("#export-audit")).await;
    let mut exported = Vec::new();
    for _ in 0..50 {
        exported = admin.audit("action=audit.exported").await.unwrap().items;
        if !exported.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let selected = exported.first().map(|e| (e.detail["action"].clone(), e.detail["from"].clone(), e.detail["limit"].clone()));
    assert_eq!(selected, Some((serde_json::json!("user.updated"), serde_json::json!(today), serde_json::Value::Null)), "{exported:?}");
    // An account's own trail, from the account list.
    click(&c, Locator::Css(&format!("#audit-user-{admin_id}"))).await;
    let actor_field = c.find(Locator::Css("#au-actor")).await.unwrap();
    assert_eq!(actor_field.prop("value").await.unwrap(), Some(admin_id.to_string()));
    wait_for_text(&c, "ol.audit", "user.updated").await;
    let count = "return document.querySelectorAll('ol.audit li').length";
    let theirs = "return Array.from(document.querySelectorAll('ol.audit li')).every(li => li.textContent.includes('（admin.dgpa）'))";
    assert_eq!(c.execute(theirs, vec![]).await.unwrap(), serde_json::json!(true));
    // By username as well; a name that is no account is said, and the list stays.
    let submit = "//form[contains(@class,'audit-search')]//button[@type='submit']";
    set_date(&c, "au-actor", "").await;
    type_into(&c, "#au-actor", "officer1.dgpa").await;
    click(&c, Locator::XPath(submit)).await;
    let officers = "const li = Array.from(document.querySelectorAll('ol.audit > li')); \
        return li.length > 0 && li.every(li => li.textContent.includes('（officer1.dgpa）'))";
    crate::browser::wait_for_script(&c, officers, serde_json::json!(true)).await;
    set_date(&c, "au-actor", "").await;
    type_into(&c, "#au-actor", "nobody.here").await;
    click(&c, Locator::XPath(submit)).await;
    wait_for_text(&c, "#export-audit-note", "找不到帳號「nobody.here」").await;
    assert_eq!(c.execute(officers, vec![]).await.unwrap(), serde_json::json!(true), "the list as it was");
    // The whole trail, fifty at a time (renaming an account 55 times makes it longer).
    for i in 0..55 {
        let rename = statreq_e2e::statreq_contract::UpdateUserBody { display_name: Some(format!("改名 {i}")), ..Default::default() };
        admin.update_user(id, &rename, None).await.unwrap();
    }
    for id in ["au-actor", "au-from"] {
        set_date(&c, id, "").await;
    }
    crate::browser_admin::choose(&c, "#au-action", "").await;
    click(&c, Locator::XPath("//form[contains(@class,'audit-search')]//button[@type='submit']")).await;
    click(&c, Locator::Css("#more-audit")).await;
    let mut shown = 0;
    for _ in 0..50 {
        shown = c.execute(count, vec![]).await.unwrap().as_u64().unwrap_or_default();
        if shown > 50 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown > 50, "a second page: {shown}");
    click(&c, Locator::Css("#verify-audit")).await;
    wait_for_text(&c, "#audit-verdict", "稽核鏈完整").await;
    assert_accessible(&c, "the audit trail").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_a_day_off_to_the_office_calendar() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let admin = server.login("admin.dgpa").await;
    let year = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).format("%Y").to_string();
    let y: i32 = year.parse().unwrap();
    // A Wednesday in mid-September of this year that is not yet a day off.
    let mut day = chrono::NaiveDate::from_ymd_opt(y, 9, 14).unwrap();
    while chrono::Datelike::weekday(&day) != chrono::Weekday::Wed {
        day = day.succ_opt().unwrap();
    }
    let before = admin.working_days(&day.to_string(), &day.to_string()).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    click(&c, Locator::Css("header a[href='/admin']")).await;
    wait_for_text(&c, "#cal-h", "辦公日曆").await;
    set_date(&c, "cal-day", &day.to_string()).await;
    type_into(&c, "#cal-name", "颱風停止上班").await;
    click(&c, Locator::XPath("//form[contains(@class,'cal-add')]//button[@type='submit']")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] ul.days", "颱風停止上班").await;
    // Not kept until saved, and said so; switching the year asks first (cancelled: the
    // year and the added day stay).
    wait_for_text(&c, "#cal-unsaved", "尚有未儲存的變更").await;
    click(&c, Locator::Css(&format!("#cal-year option[value='{}']", y + 1))).await;
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("未儲存"), "{question}");
    c.dismiss_alert().await.unwrap();
    let shown = c.find(Locator::Css("#cal-year")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(shown.as_deref(), Some(year.as_str()));
    wait_for_text(&c, "section[aria-labelledby='cal-h'] ul.days", "颱風停止上班").await;
    click(&c, Locator::Css("#cal-save")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] [role=status]", &format!("已儲存 {y} 年辦公日曆")).await;
    for _ in 0..50 {
        if c.find(Locator::Css("#cal-unsaved")).await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(c.find(Locator::Css("#cal-unsaved")).await.is_err(), "saved: nothing left unsaved");
    assert_accessible(&c, "the office calendar").await;
    let saved = admin.calendar(y).await.unwrap();
    assert!(saved.calendar.days_off.iter().any(|d| d.date == day && d.name == "颱風停止上班"), "{saved:?}");
    let after = admin.working_days(&day.to_string(), &day.to_string()).await.unwrap();
    assert_eq!((before.working_days, after.working_days), (1, 0));
    // Another administrator saves the year meanwhile (a day renamed, a day added) while
    // a day is added here: the save is refused, the draft keeps the day added here and
    // takes theirs, the panel says what they changed, and it is saved over at one's word.
    let (mine, theirs) = (day + chrono::Days::new(7), day + chrono::Days::new(8));
    set_date(&c, "cal-day", &mine.to_string()).await;
    type_into(&c, "#cal-name", "防災演練停止上班").await;
    click(&c, Locator::XPath("//form[contains(@class,'cal-add')]//button[@type='submit']")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] ul.days", "防災演練停止上班").await;
    let mut other = saved.calendar.clone();
    other.days_off.retain(|d| d.date != day);
    other.days_off.push(statreq_e2e::statreq_domain::calendar::NamedDay { date: day, name: "颱風假".into() });
    other.days_off.push(statreq_e2e::statreq_domain::calendar::NamedDay { date: theirs, name: "颱風假（續）".into() });
    other.days_off.sort();
    admin.put_calendar(&other, Some(saved.version)).await.unwrap();
    click(&c, Locator::Css("#cal-save")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] #meanwhile-h", "另一位管理者已在此期間儲存").await;
    wait_for_text(&c, "section.meanwhile tbody", "颱風假（續）").await;
    let rows = "return Array.from(document.querySelectorAll('section.meanwhile tbody tr')).map(r => Array.from(r.cells).slice(1).map(td => td.textContent))";
    assert_eq!(
        c.execute(rows, vec![]).await.unwrap(),
        serde_json::json!([
            ["放假日：颱風停止上班", "放假日：颱風假", "放假日：颱風假"],
            ["—", "放假日：颱風假（續）", "放假日：颱風假（續）"]
        ])
    );
    let heading = "return document.querySelector('section.meanwhile th').textContent";
    assert_eq!(c.execute(heading, vec![]).await.unwrap(), serde_json::json!("日期"), "a row is a day");
    for listed in ["颱風假（續）", "防災演練停止上班"] {
        wait_for_text(&c, "section[aria-labelledby='cal-h'] ul.days", listed).await;
    }
    assert_eq!(admin.calendar(y).await.unwrap().calendar, other, "nothing saved over theirs unasked");
    assert_accessible(&c, "a calendar saved meanwhile").await;
    click(&c, Locator::Css("#keep-mine")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] [role=status]", &format!("已儲存 {y} 年辦公日曆")).await;
    let both = admin.calendar(y).await.unwrap().calendar;
    let names: Vec<_> = [day, mine, theirs].iter().map(|d| both.days_off.iter().find(|x| x.date == *d).map(|x| x.name.clone())).collect();
    assert_eq!(names, [Some("颱風假".into()), Some("防災演練停止上班".into()), Some("颱風假（續）".into())]);
    let _ = c.close().await;
}

/// Next year's application starts from this year's: the office that applied copies it
/// into a new form under its own contact, checks it and saves a new draft; the earlier
/// request is untouched, and nobody else is offered the copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_starts_a_new_application_from_an_earlier_one() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mut app = common::statistics();
    app.reason = "研擬員額評鑑報告".into();
    app.contact.name = "前任承辦人".into();
    let old = people.in_state(&app, State::Delivered, 2).await;
    let (_driver, c) = browser().await;

    // The supervising agency reads it but does not apply: no copy is offered.
    sign_in(&c, &server.base, "supervisor.moi").await;
    c.goto(&format!("{}/requests/{}", server.base, old.id)).await.unwrap();
    wait_for_text(&c, "main h1", "研擬員額評鑑報告").await;
    wait_for_text(&c, "dl.application", "研擬員額評鑑報告").await;
    // (Once the profile has loaded, which decides the offer.)
    wait_for_text(&c, "header .who", "主管機關審核人").await;
    assert!(c.find(Locator::LinkText("以此案內容新增申請")).await.is_err(), "offered to the supervisor");

    c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, old.id)).await.unwrap();
    wait_for_text(&c, "main h1", "研擬員額評鑑報告").await;
    click(&c, Locator::LinkText("以此案內容新增申請")).await;
    wait_for_text(&c, "main h1", "新增申請").await;
    wait_for_text(&c, "main p.receipt", &format!("內容取自案件 {}", old.id)).await;
    // Everything is carried over but the contact, which is the one applying now.
    wait_for_value(&c, "#reason", "研擬員額評鑑報告").await;
    wait_for_value(&c, "#c-name", "林怡君").await;
    wait_for_value(&c, "#c-phone", "").await;
    assert_accessible(&c, "a copied application").await;
    type_into(&c, "#c-phone", "02-2397-9298#456").await;
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "案件 ").await;
    wait_for_text(&c, "main", "草稿").await;
    let url = c.current_url().await.unwrap();
    let new: i64 = url.path().trim_start_matches("/requests/").parse().unwrap_or_default();
    assert!(new > old.id, "{url}");
    // The earlier one is the most similar delivered request, named in words.
    wait_for_text(&c, "ul.similar", &format!("案件 {} · 內政部警政署 · 100% · 服務機關代碼、職等、性別", old.id)).await;

    let copy = people.applicant.get_request(new).await.unwrap();
    assert_eq!(copy.state, State::Draft);
    let mut expected = app.clone();
    expected.contact.name = "林怡君".into();
    expected.contact.phone = "02-2397-9298#456".into();
    expected.contact.email = copy.application.contact.email.clone();
    assert_eq!(copy.application, expected);
    assert!(!copy.application.contact.email.is_empty());
    let again = people.applicant.get_request(old.id).await.unwrap();
    assert_eq!((again.version, again.application), (old.version, app), "the earlier request is untouched");
}

/// The copy carries the earlier application's attached files (the output format's sample,
/// rule 5.1) that the applicant keeps ticked, attached to the new draft as the same
/// bytes; the earlier request keeps its own. A file that can no longer be read (removed
/// meanwhile) leaves the new application a draft, not submitted, and its page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_application_carries_the_attached_samples_chosen() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let old = people.in_state(&common::statistics(), State::Returned, 2).await;
    let a = &people.applicant;
    let sample = a.upload_attachment(old.id, "輸出格式範例.csv", "機關,職等,男,女,合計\n".as_bytes().to_vec()).await.unwrap();
    let stale = a.upload_attachment(old.id, "舊版範例.csv", "機關,合計\n".as_bytes().to_vec()).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/new?from={}", server.base, old.id)).await.unwrap();
    wait_for_text(&c, "#carry legend", &format!("附件（取自案件 {}）", old.id)).await;
    wait_for_text(&c, "#carry", &format!("輸出格式範例.csv（{} 位元組）", sample.size_bytes)).await;
    wait_for_text(&c, "#carry", "舊版範例.csv").await;
    for f in [&sample, &stale] {
        let checked = c.find(Locator::Id(&format!("carry-{}", f.id))).await.unwrap().prop("checked").await.unwrap();
        assert_eq!(checked.as_deref(), Some("true"), "{} not ticked at first", f.filename);
    }
    assert_accessible(&c, "a copy offering its files").await;
    click(&c, Locator::Id(&format!("carry-{}", stale.id))).await;
    // The same person applies again (林怡君, her account's name without its office):
    // her phone comes along.
    wait_for_value(&c, "#c-name", "林怡君").await;
    wait_for_value(&c, "#c-phone", "02-2321-9011#2301").await;
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "案件 ").await;
    wait_for_text(&c, "ul.attachments", "輸出格式範例.csv").await;
    let url = c.current_url().await.unwrap();
    let new: i64 = url.path().trim_start_matches("/requests/").parse().unwrap_or_default();
    assert!(new > old.id, "{url}");
    let carried = a.attachments(new).await.unwrap();
    assert_eq!(
        carried.iter().map(|f| (f.filename.as_str(), f.sha256.as_str())).collect::<Vec<_>>(),
        vec![("輸出格式範例.csv", sample.sha256.as_str())]
    );
    assert_eq!(a.download_attachment(new, carried[0].id).await.unwrap(), "機關,職等,男,女,合計\n".as_bytes());
    assert_eq!(a.attachments(old.id).await.unwrap().len(), 2, "the earlier request keeps its files");
    assert_eq!(a.get_request(new).await.unwrap().state, State::Draft);

    // Again, "check and submit"; the sample is removed from the earlier request after the
    // form opened: the new application is saved, not submitted, and says what is missing.
    c.goto(&format!("{}/requests/new?from={}", server.base, old.id)).await.unwrap();
    wait_for_text(&c, "#carry", "輸出格式範例.csv").await;
    wait_for_value(&c, "#c-phone", "02-2321-9011#2301").await;
    a.remove_attachment(old.id, sample.id).await.unwrap();
    click(&c, Locator::Id("check-submit")).await;
    click(&c, Locator::Id("confirm-submit")).await;
    wait_for_text(&c, "#not-carried", "有 1 個附件未能從原案件附上").await;
    let url = c.current_url().await.unwrap();
    let second: i64 = url.path().trim_start_matches("/requests/").parse().unwrap_or_default();
    assert!(second > new, "{url}");
    let second_files = a.attachments(second).await.unwrap();
    assert_eq!(second_files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), vec!["舊版範例.csv"]);
    assert_eq!(a.get_request(second).await.unwrap().state, State::Draft, "not submitted without its files");

    // A new application from scratch: the phone she gave on her latest one comes along
    // too (the form asks for it each time; she types it once), and nothing else does.
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    wait_for_value(&c, "#c-name", "林怡君").await;
    wait_for_value(&c, "#c-phone", "02-2321-9011#2301").await;
    wait_for_value(&c, "#reason", "").await;
    let _ = c.close().await;
}

/// An application with no sample written names the attached file as its sample only
/// when a file is attached; without one it says none was given (it said "see the
/// attachments" of none).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_without_a_written_sample_points_to_an_attachment_only_if_there_is_one() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let applicant = server.login("applicant.npa").await;
    let mut app = common::statistics();
    app.requirement.sample_output = None;
    let bare = applicant.create_request(&app).await.unwrap();
    let with_file = applicant.create_request(&app).await.unwrap();
    applicant.upload_attachment(with_file.id, "輸出格式範例.csv", b"agency,male,female\n".to_vec()).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    for (id, said) in [(bare.id, "未提供"), (with_file.id, "見附件")] {
        c.goto(&format!("{}/requests/{id}", server.base)).await.unwrap();
        wait_for_text(&c, "main h1", &format!("案件 {id}")).await;
        wait_for_text(&c, "#a-sample + dd", said).await;
    }
    let _ = c.close().await;
}

/// The edit form of an application that cannot be changed — delivered, or not the
/// caller's to change — says so and leads to the request, instead of a form whose every
/// save is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_that_cannot_change_is_not_offered_as_a_form() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let delivered = people.in_state(&common::statistics(), State::Delivered, 2).await;
    let returned = people.in_state(&common::statistics(), State::Returned, 2).await;
    let (_driver, c) = browser().await;
    for (user, id, said) in [
        ("applicant.npa", delivered.id, "案件目前為「已交付」，申請內容已不能修改。"),
        ("officer1.dgpa", returned.id, "僅申請機關之人事人員可修改申請內容。"),
    ] {
        c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
        sign_in(&c, &server.base, user).await;
        wait_for_text(&c, "header .who", "").await;
        c.goto(&format!("{}/requests/{id}/edit", server.base)).await.unwrap();
        wait_for_text(&c, "main [role=status]", said).await;
        wait_for_text(&c, "main h1", &format!("案件 {id}")).await;
        assert!(c.find(Locator::Css("main form")).await.is_err(), "{user}: a form offered for request {id}");
        assert_accessible(&c, "an application that cannot change").await;
        click(&c, Locator::Css(&format!("main a[href='/requests/{id}']"))).await;
        wait_for_text(&c, "main h1", "案件 ").await;
        wait_for_text(&c, "dl.application", "研議本署人力配置").await;
    }
    // Its own office's returned application is still the form.
    c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}/edit", server.base, returned.id)).await.unwrap();
    wait_for_value(&c, "#reason", "研議本署人力配置與陞遷規劃").await;
    let _ = c.close().await;
}

/// What waits on a reviewer comes longest-waiting first, said so; the other lists stay
/// newest first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_sees_the_longest_waiting_first() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(people.in_state(&common::statistics(), State::PendingSupervisor, 2).await.id);
    }
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "supervisor.moi").await;
    wait_for_text(&c, "main p.hint", "最早送出者在前").await;
    wait_count(&c, "main table tbody tr", 3).await;
    let first = |c: &Client| {
        let c = c.clone();
        async move { c.find(Locator::Css("main table tbody tr a")).await.unwrap().text().await.unwrap_or_default() }
    };
    assert_eq!(first(&c).await, ids[0].to_string(), "the longest waiting first");
    // Three fit one page: no pager to page with.
    assert_eq!(count(&c, "main nav.pager").await, 0, "a pager for a single page");
    // Each state says how many it holds, as the service counts them.
    let counts = people.supervisor.count_requests(&[]).await.unwrap();
    let label = |state: &str| format!("return document.querySelector(\"#state-filter option[value='{state}']\").textContent");
    crate::browser::wait_for_script(&c, &label("pending_supervisor"), serde_json::json!("待主管機關審核（3）")).await;
    assert_eq!(c.execute(&label(""), vec![]).await.unwrap(), serde_json::json!(format!("全部（{}）", counts.total)));
    assert_eq!(c.execute(&label("draft"), vec![]).await.unwrap(), serde_json::json!("草稿（0）"));
    // Everything: newest first, and no such note.
    let all = c.find(Locator::Css("#state-filter option[value='']")).await.unwrap();
    all.click().await.unwrap();
    crate::browser::wait_gone(&c, "main p.hint").await;
    let newest = ids.iter().max().copied().unwrap_or_default().to_string();
    for _ in 0..50 {
        if first(&c).await == newest {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(first(&c).await, newest);
}

/// A link opened signed out (a bookmark, a notice's link in an e-mail, a session that
/// ended) leads through the sign-in and back to where it pointed; the header offers the
/// sign-in; the way back never leads off the site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_opened_signed_out_leads_through_the_sign_in_and_back() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    let (_driver, c) = browser().await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "#sign-in-first", "請先登入").await;
    let at = c.current_url().await.unwrap();
    let next: Option<String> = at.query_pairs().find(|(k, _)| k == "next").map(|(_, v)| v.into_owned());
    assert_eq!((at.path(), next.as_deref()), ("/login", Some(format!("/requests/{}", r.id).as_str())));
    assert!(c.find(Locator::Css("header nav a[href='/login']")).await.is_ok(), "the header offers the sign-in");
    type_into(&c, "#username", "applicant.npa").await;
    type_into(&c, "#password", statreq_e2e::DEMO_PASSWORD).await;
    click(&c, Locator::Css("main button[type=submit]")).await;
    wait_for_text(&c, "main h1", &format!("案件 {}", r.id)).await;
    assert_eq!(c.current_url().await.unwrap().path(), format!("/requests/{}", r.id));
    assert!(c.find(Locator::Css("header nav a[href='/login']")).await.is_err(), "signed in: no sign-in link");

    // Another site as the way back is not followed: home instead.
    c.find(Locator::XPath("//header//button[normalize-space()='登出']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "登入").await;
    c.goto(&format!("{}/login?next=%2F%2Fevil.example%2Fx", server.base)).await.unwrap();
    type_into(&c, "#username", "applicant.npa").await;
    type_into(&c, "#password", statreq_e2e::DEMO_PASSWORD).await;
    click(&c, Locator::Css("main button[type=submit]")).await;
    wait_for_text(&c, "main h1", "案件").await;
    let home = c.current_url().await.unwrap();
    assert!(home.as_str().starts_with(&server.base) && home.path() == "/", "{home}");
    let _ = c.close().await;
}

/// A screen of other roles, opened at its address (a bookmark, a link passed on): it
/// says whose screen it is and asks the API for nothing, instead of showing forms the
/// API would refuse (an applicant at `/admin` saw the queue's settings and account
/// forms, with "requires dgpa_admin" under two of them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screen_of_other_roles_says_whose_it_is() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    let cases: [(&str, &[(&str, &str)]); 3] = [
        (
            "applicant.npa",
            &[
                ("/admin", "人事總處管理者"),
                ("/admin/integrations", "人事總處管理者"),
                ("/queue", "人事總處承辦人、人事總處管理者"),
                ("/stats", "主管機關審核人"),
            ],
        ),
        (
            "supervisor.moi",
            &[("/requests/new", "申請人"), ("/destructions", "申請人、人事總處承辦人"), ("/admin/agencies", "人事總處管理者")],
        ),
        ("officer1.dgpa", &[("/admin/reference", "人事總處管理者"), ("/requests/new", "申請人")]),
    ];
    for (user, screens) in cases {
        sign_in(&c, &server.base, user).await;
        for (path, whose) in screens {
            c.goto(&format!("{}{path}", server.base)).await.unwrap();
            wait_for_text(&c, "main h1", "此頁面非您的角色所用").await;
            let said = main_text(&c).await;
            assert!(said.contains(whose) && said.contains("系統管理者"), "{user} at {path}: {said}");
            assert!(c.find(Locator::Css("main form")).await.is_err(), "{user} at {path}: a form the API would refuse");
            asks_once_and_only_what_it_may(&c, &format!("{user} at {path}")).await;
        }
        assert_accessible(&c, &format!("{user}: another role's screen")).await;
        sign_out(&c).await;
    }
    // Whose screen it is, it is as before.
    sign_in(&c, &server.base, "admin.dgpa").await;
    c.goto(&format!("{}/admin", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "系統管理").await;
}

/// A request DGPA sent back because an existing source already serves it (rule 4) links
/// to that source in its timeline, and the catalog opens on it (the link led to a page
/// that was not there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_for_an_existing_source_leads_to_it() {
    use statreq_e2e::statreq_contract::{DgpaDecision, DgpaDecisionBody, OutcomeReason};
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let sources = people.applicant.sources("").await.unwrap();
    let source = sources.last().unwrap_or_else(|| panic!("a catalog"));
    let r = people.in_state(&common::statistics(), State::PendingDgpa, 2).await;
    let body = DgpaDecisionBody {
        decision: DgpaDecision::Return,
        difficulty: None,
        comment: Some("所需資料已於既有統計公開".into()),
        reason_code: Some(OutcomeReason::AvailableInExistingSource),
        source_id: Some(source.id.clone()),
    };
    people.officer.dgpa_decision_with(r.id, None, &body).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ol.timeline", "前往既有資料來源").await;
    click(&c, Locator::LinkText("前往既有資料來源")).await;
    wait_for_text(&c, "main h1", "既有資料來源").await;
    wait_for_text(&c, &format!("ul.catalog li#src-{}", source.id), &source.title.zh_tw).await;
    wait_count(&c, "ul.catalog li", 1).await;
    crate::browser::wait_for_value(&c, "#src-search", &source.id).await;
}

/// A request that is not there for the caller (another agency's, or none) still has
/// its number as the heading and the window's title, says why in an alert, and leads
/// back to the list (the page was a lone red line with no heading and no way on); so
/// do a field and a field question.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_there_for_the_caller_keeps_its_heading_and_the_way_back() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let theirs = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.tpedu").await;
    for id in [theirs.id, 987_654] {
        c.goto(&format!("{}/requests/{id}", server.base)).await.unwrap();
        wait_for_text(&c, "main [role=alert]", "").await;
        let heading = c.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap();
        assert_eq!(heading, format!("案件 {id}"));
        let mut title = String::new();
        for _ in 0..50 {
            title = c.title().await.unwrap_or_default();
            if title.starts_with(&heading) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(title.starts_with(&format!("案件 {id} –")), "{title}");
        let said = main_text(&c).await;
        assert!(!said.contains("研議本署人力配置"), "nothing of another agency's request: {said}");
        assert_accessible(&c, "a request not there").await;
    }
    click(&c, Locator::Css("main a[href='/search']")).await;
    wait_for_text(&c, "main h1", "查詢案件").await;
    // So do its edit form and printable form, a field and a field question that are not there.
    let request = format!("案件 {}", theirs.id);
    for (path, heading, back, list) in [
        (format!("/requests/{}/edit", theirs.id), request.as_str(), "/search", "查詢案件"),
        (format!("/requests/{}/print", theirs.id), request.as_str(), "/search", "查詢案件"),
        ("/fields/no_such_field".into(), "欄位 no_such_field", "/fields", "欄位字典"),
        ("/inquiries/987654".into(), "欄位疑義 #987654", "/inquiries", "欄位疑義"),
    ] {
        c.goto(&format!("{}{path}", server.base)).await.unwrap();
        wait_for_text(&c, "main [role=alert]", "").await;
        wait_for_text(&c, "main h1", heading).await;
        assert_eq!(c.find_all(Locator::Css("main h1")).await.unwrap().len(), 1, "{path}: one heading");
        assert_accessible(&c, &path).await;
        click(&c, Locator::Css(&format!("main a[href='{back}']"))).await;
        wait_for_text(&c, "main h1", list).await;
    }
}
