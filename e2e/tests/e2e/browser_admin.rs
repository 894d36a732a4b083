//! The administration's pages in Chromium: agencies (create, move, staff, CSV), the
//! catalog of existing sources and the dictionary's CSV, service accounts with their
//! webhooks and delivery logs. Each page axe-clean.

use fantoccini::{Client, Locator};
use statreq_e2e::{Backend, TempPath, TestServer};

use crate::browser::{assert_accessible, browser, click, set_date, sign_in, spa_dir, type_into, wait_for_text, wait_gone};

pub(crate) async fn choose(c: &Client, css: &str, value: &str) {
    c.wait().for_element(Locator::Css(css)).await.unwrap().select_by_value(value).await.unwrap();
}

pub(crate) async fn pick_file(c: &Client, css: &str, name: &str, text: &str) -> (TempPath, std::path::PathBuf) {
    let (dir, path) = TempPath::file(&format!("{}-{name}", uuid::Uuid::new_v4().simple()), text.as_bytes());
    c.find(Locator::Css(css)).await.unwrap().send_keys(path.to_str().unwrap_or_default()).await.unwrap();
    (dir, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_manages_agencies_reference_data_and_integrations() {
    let dist = spa_dir();
    let mut args = crate::integration::FAST.to_vec();
    args.extend(["--spa-dir", dist.to_str().unwrap_or_default()]);
    let server = TestServer::start_with(Backend::Sqlite, &args);
    let admin = server.login("admin.dgpa").await;
    let _webhr = crate::integration::service_account(&server, "webhr.npa", "NPA").await;
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(1).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    click(&c, Locator::Css("header a[href='/admin']")).await;

    // Agencies: a new one under NPA, then moved under NIA with its staff count changed.
    click(&c, Locator::Css("nav.subnav a[href='/admin/agencies']")).await;
    wait_for_text(&c, "section[aria-labelledby='ag-h'] table.list", "內政部警政署").await;
    assert_accessible(&c, "agencies").await;
    type_into(&c, "#na-code", "NPAHR").await;
    type_into(&c, "#na-name", "警政署人事室分區").await;
    choose(&c, "#na-parent", "NPA").await;
    type_into(&c, "#na-staff", "7").await;
    click(&c, Locator::XPath("//button[@type='submit' and contains(., '新增機關')]")).await;
    wait_for_text(&c, "#agency-status", "已新增機關「警政署人事室分區」").await;
    click(&c, Locator::Css("#edit-agency-NPAHR")).await;
    choose(&c, "#ae-parent", "NIA").await;
    // What the move does to applications awaiting review is said before saving.
    wait_for_text(&c, "#ae-move-hint", "改由新的主管機關審核").await;
    let staff = c.find(Locator::Css("#ae-staff")).await.unwrap();
    staff.clear().await.unwrap();
    staff.send_keys("9").await.unwrap();
    click(&c, Locator::XPath("//form[.//input[@id='ae-staff']]//button[@type='submit']")).await;
    wait_for_text(&c, "#agency-status", "已儲存機關").await;
    let found = admin.list_agencies().await.unwrap().into_iter().find(|a| a.code == "NPAHR").unwrap();
    assert_eq!((found.parent_code.as_deref(), found.personnel_staff), (Some("NIA"), 9));
    // Opened, then renamed by another administrator before this one saves the staff:
    // refused, the other's change stands, nothing typed is lost, the name the form left
    // as read takes theirs, and the panel says so, to save over it at one's word.
    click(&c, Locator::Css("#edit-agency-NPAHR")).await;
    let rename =
        statreq_e2e::statreq_contract::UpdateAgencyBody { name: Some("警政署人事室第二分區".into()), ..Default::default() };
    admin.update_agency("NPAHR", &rename, None).await.unwrap();
    let staff = c.find(Locator::Css("#ae-staff")).await.unwrap();
    staff.clear().await.unwrap();
    staff.send_keys("10").await.unwrap();
    click(&c, Locator::XPath("//form[.//input[@id='ae-staff']]//button[@type='submit']")).await;
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    let found = admin.get_agency("NPAHR").await.unwrap();
    assert_eq!((found.name.as_str(), found.personnel_staff), ("警政署人事室第二分區", 9));
    crate::browser::wait_for_value(&c, "#ae-name", "警政署人事室第二分區").await;
    crate::browser::wait_for_value(&c, "#ae-staff", "10").await;
    let row = "return Array.from(document.querySelectorAll('section.meanwhile tbody tr')).map(r => Array.from(r.cells).map(td => td.textContent))";
    assert_eq!(
        c.execute(row, vec![]).await.unwrap(),
        serde_json::json!([["名稱", "警政署人事室分區", "警政署人事室第二分區", "警政署人事室第二分區"]])
    );
    assert_accessible(&c, "an agency saved meanwhile").await;
    click(&c, Locator::Css("#keep-mine")).await;
    wait_for_text(&c, "#agency-status", "已儲存機關").await;
    wait_for_text(&c, "section[aria-labelledby='ag-h'] table.list", "警政署人事室第二分區").await;
    let found = admin.get_agency("NPAHR").await.unwrap();
    assert_eq!((found.name.as_str(), found.personnel_staff, found.parent_code.as_deref()), ("警政署人事室第二分區", 10, Some("NIA")));
    // A CSV import: one new agency, one changed, one as it was.
    let _csv = pick_file(
        &c,
        "#agencies-csv",
        "agencies.csv",
        "code,name,parent_code,personnel_staff\nMOEK,教育部國教署,MOE,12\nNPAHR,警政署人事室分區,NIA,11\nNIA,內政部移民署,MOI,32\n",
    )
    .await;
    click(&c, Locator::Css("#agencies-import")).await;
    wait_for_text(&c, "section[aria-labelledby='ag-h'] .csv-exchange [role=status]", "新增 1 筆、更新 1 筆、未變更 1 筆").await;
    let list = admin.list_agencies().await.unwrap();
    assert!(list.iter().any(|a| a.code == "MOEK" && a.parent_code.as_deref() == Some("MOE")));
    assert_eq!(list.iter().find(|a| a.code == "NPAHR").map(|a| a.personnel_staff), Some(11));
    // A file with a bad line changes nothing and says which line.
    let _bad =
        pick_file(&c, "#agencies-csv", "bad.csv", "code,name,parent_code,personnel_staff\nX1,好的,NPA,1\nbad code,壞的,NPA,1\n").await;
    click(&c, Locator::Css("#agencies-import")).await;
    wait_for_text(&c, "section[aria-labelledby='ag-h'] .csv-exchange [role=status]", "CSV 第 3 列：code").await;
    assert!(!admin.list_agencies().await.unwrap().iter().any(|a| a.code == "X1"));
    // Among many agencies, one is found by words in its code or name.
    type_into(&c, "#ag-filter", "警政").await;
    let all = admin.list_agencies().await.unwrap().len();
    wait_for_text(&c, "#ag-count", &format!("顯示 2 個機關（共 {all} 個）")).await;
    let rows = "return Array.from(document.querySelectorAll('section[aria-labelledby=ag-h] table.list tbody tr td:first-child')).map(td => td.textContent)";
    let mut codes: Vec<String> = serde_json::from_value(c.execute(rows, vec![]).await.unwrap()).unwrap_or_default();
    codes.sort();
    assert_eq!(codes, ["NPA", "NPAHR"]);
    set_date(&c, "ag-filter", "hr").await;
    wait_for_text(&c, "#ag-count", "顯示 1 個機關").await;
    // Typed full-width, as a Chinese input method may: the same agencies as `npa`.
    set_date(&c, "ag-filter", "ＮＰａ").await;
    wait_for_text(&c, "#ag-count", "顯示 2 個機關").await;
    // Among thousands, the table shows the first 300 and says how to find the others.
    let many: String = (0..320).map(|i| format!("T{i:04},大量機關{i},MOE,1\n")).collect();
    admin.import_agencies(&format!("code,name,parent_code,personnel_staff\n{many}")).await.unwrap();
    let all = admin.list_agencies().await.unwrap().len();
    c.refresh().await.unwrap();
    wait_for_text(&c, "#ag-count", &format!("顯示前 300 個機關（共 {all} 個）")).await;
    let shown = "return document.querySelectorAll('section[aria-labelledby=ag-h] table.list tbody tr').length";
    assert_eq!(c.execute(shown, vec![]).await.unwrap(), serde_json::json!(300));
    type_into(&c, "#ag-filter", "大量機關").await;
    wait_for_text(&c, "#ag-count", &format!("符合的 320 個機關中顯示前 300 個（共 {all} 個）")).await;
    set_date(&c, "ag-filter", "t0319").await;
    wait_for_text(&c, "#ag-count", "顯示 1 個機關").await;
    wait_for_text(&c, "section[aria-labelledby='ag-h'] table.list", "大量機關319").await;

    // The catalog of existing sources: add, edit (saved at the version read), delete.
    click(&c, Locator::Css("nav.subnav a[href='/admin/reference']")).await;
    wait_for_text(&c, "#src-h", "既有資料來源").await;
    click(&c, Locator::Css("#new-source")).await;
    type_into(&c, "#se-id", "pay-by-grade").await;
    choose(&c, "#se-kind", "webhr_subsystem_reports").await;
    type_into(&c, "#se-title-zh", "職等別俸點統計").await;
    type_into(&c, "#se-title-en", "Salary points by grade").await;
    type_into(&c, "#se-owner", "各機關人事機構（WebHR）").await;
    type_into(&c, "#se-location", "WebHR › 待遇 › 統計報表").await;
    type_into(&c, "#se-fields", "salary_points, grade").await;
    type_into(&c, "#se-breakdowns", "grade").await;
    type_into(&c, "#se-granularity", "個人").await;
    type_into(&c, "#se-refresh", "每月").await;
    assert_accessible(&c, "a new existing source").await;
    click(&c, Locator::XPath("//form[.//input[@id='se-id']]//button[@type='submit']")).await;
    wait_for_text(&c, "#source-status", "已儲存既有資料來源「職等別俸點統計」").await;
    let saved = admin.get_source("pay-by-grade").await.unwrap();
    assert_eq!(
        (saved.entry.fields.clone(), saved.entry.breakdowns.clone()),
        (vec!["salary_points".to_string(), "grade".to_string()], vec!["grade".to_string()])
    );
    click(&c, Locator::Css("#edit-source-pay-by-grade")).await;
    let refresh = c.wait().for_element(Locator::Css("#se-refresh")).await.unwrap();
    assert_eq!(refresh.prop("value").await.unwrap().as_deref(), Some("每月"), "the saved value shows");
    refresh.clear().await.unwrap();
    refresh.send_keys("每年").await.unwrap();
    // A colleague saves in between: this form's copy is stale and is refused, not saved
    // over; nothing typed is lost (the refresh), what the form left as read takes theirs
    // (the owner), and the panel says so. Theirs taken, the form shows the entry as saved.
    let mut theirs = saved.entry.clone();
    theirs.owner = "人事總處".into();
    admin.put_source(&theirs, Some(saved.version)).await.unwrap();
    click(&c, Locator::XPath("//form[.//input[@id='se-id']]//button[@type='submit']")).await;
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    let now = admin.get_source("pay-by-grade").await.unwrap();
    assert_eq!((now.entry.refresh.as_str(), now.entry.owner.as_str(), now.version), ("每月", "人事總處", 2), "nothing saved over");
    crate::browser::wait_for_value(&c, "#se-owner", "人事總處").await;
    crate::browser::wait_for_value(&c, "#se-refresh", "每年").await;
    let row = "return Array.from(document.querySelectorAll('section.meanwhile tbody tr')).map(r => Array.from(r.cells).map(td => td.textContent))";
    assert_eq!(c.execute(row, vec![]).await.unwrap(), serde_json::json!([["維護者", "各機關人事機構（WebHR）", "人事總處", "人事總處"]]));
    assert_accessible(&c, "a source saved meanwhile").await;
    click(&c, Locator::Css("#take-theirs")).await;
    crate::browser::wait_for_value(&c, "#se-refresh", "每月").await;
    wait_gone(&c, "section.meanwhile").await;
    // Saved as it is: nothing changed, said so, and the form stays open (version 2 stays).
    click(&c, Locator::XPath("//form[.//input[@id='se-id']]//button[@type='submit']")).await;
    wait_for_text(&c, "form [role=status]", "沒有變更").await;
    assert_eq!(admin.get_source("pay-by-grade").await.unwrap().version, 2);
    refresh.clear().await.unwrap();
    refresh.send_keys("每年").await.unwrap();
    click(&c, Locator::XPath("//form[.//input[@id='se-id']]//button[@type='submit']")).await;
    // The status still says the first save: the form closing is what says this one is done.
    wait_gone(&c, "#se-refresh").await;
    wait_for_text(&c, "#source-status", "已儲存既有資料來源").await;
    assert_eq!(admin.get_source("pay-by-grade").await.unwrap().entry.refresh, "每年");
    click(&c, Locator::Css("#delete-source-pay-by-grade")).await;
    assert!(crate::browser::alert_text(&c).await.contains("職等別俸點統計"));
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "#source-status", "已刪除").await;
    assert_eq!(admin.get_source("pay-by-grade").await.err().and_then(|e| e.status()), Some(404));
    // The dictionary's CSV: the export, edited, imported.
    let csv = admin.get_text("/dictionary/fields.csv").await.unwrap();
    let grade = admin.get_field("grade").await.unwrap();
    let edited = csv.replacen(&grade.field.name_en, "grade of the post", 1);
    let _dict = pick_file(&c, "#fields-csv", "fields.csv", &edited).await;
    click(&c, Locator::Css("#fields-import")).await;
    wait_for_text(&c, "section[aria-labelledby='dict-h'] [role=status]", "更新 1 筆").await;
    assert_eq!(admin.get_field("grade").await.unwrap().field.name_en, "grade of the post");
    assert_accessible(&c, "reference data").await;

    // Integrations: the service account, a webhook, its delivery log and a replay.
    click(&c, Locator::Css("nav.subnav a[href='/admin/integrations']")).await;
    wait_for_text(&c, "section[aria-labelledby='sa-h'] table.list", "webhr.npa").await;
    type_into(&c, "#nw-url", &receiver.url).await;
    // Each event type is offered in words, with the name its payload carries.
    wait_for_text(&c, "label[for='nw-event-request-delivered']", "成果交付").await;
    let delivered = c.find(Locator::Css("label[for='nw-event-request-delivered'] code")).await.unwrap().text().await.unwrap();
    assert_eq!(delivered, "request.delivered");
    // `*` is every request event; a field question's are offered by name beside them.
    wait_for_text(&c, "label[for='nw-event--']", "全部案件事件").await;
    wait_for_text(&c, "label[for='nw-event-inquiry-replied']", "欄位疑義有新回覆").await;
    click(&c, Locator::Css("#nw-event-request-submitted")).await;
    click(&c, Locator::Css("#nw-event-inquiry-asked")).await;
    click(&c, Locator::XPath("//button[@type='submit' and contains(., '新增 Webhook')]")).await;
    wait_for_text(&c, "#webhook-secret", "僅顯示這一次").await;
    assert_accessible(&c, "integrations").await;
    let hooks = admin.list_webhooks().await.unwrap();
    let hook = hooks.iter().find(|h| h.url == receiver.url).unwrap();
    assert_eq!(hook.events, ["inquiry.asked", "request.submitted"]);
    // A submission is told to the receiver (down once, then up), and a field question.
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&crate::common::statistics()).await.unwrap();
    applicant.submit(r.id, None).await.unwrap();
    receiver.wait_until(20, |got| got.iter().any(|g| g.answered == 204)).await;
    let asked = statreq_e2e::statreq_contract::NewInquiry {
        fields: vec!["grade".into()],
        subject: "職等以何為準".into(),
        body: "兼任主管者，職等以本職或兼職計？".into(),
        request_id: None,
    };
    let q = applicant.create_inquiry(&asked).await.unwrap().inquiry.id;
    receiver.wait_until(20, |got| got.iter().filter(|g| g.answered == 204).count() >= 2).await;
    click(&c, Locator::Css(&format!("#webhook-log-{}", hook.id))).await;
    wait_for_text(&c, ".delivery-log table.list", "request.submitted").await;
    // The question's delivery opens the question.
    wait_for_text(&c, &format!(".delivery-log table.list a[href='/inquiries/{q}']"), &format!("問題 #{q}")).await;
    let delivery = first_delivery(&admin, hook.id).await;
    click(&c, Locator::Css(&format!("#replay-{delivery}"))).await;
    wait_for_text(&c, ".delivery-log [role=status]", "已重新排入傳送").await;
    receiver.wait_until(20, |got| got.iter().filter(|g| g.answered == 204).count() >= 3).await;
    // Changed in place: the form opens with what it has; one more event, saved at the
    // version read.
    click(&c, Locator::Css(&format!("#webhook-edit-{}", hook.id))).await;
    wait_for_text(&c, "form legend", "變更 Webhook").await;
    crate::browser::wait_for_value(&c, "#nw-url", &receiver.url).await;
    let ticked = c.find(Locator::Css("#nw-event-inquiry-asked")).await.unwrap().prop("checked").await.unwrap();
    assert_eq!(ticked.as_deref(), Some("true"), "its events ticked");
    // Saved as it is, it says nothing changed (and stays at version 1).
    click(&c, Locator::XPath("//form//button[@type='submit' and normalize-space()='儲存']")).await;
    wait_for_text(&c, "form [role=status]", "沒有變更").await;
    click(&c, Locator::Css(&format!("#webhook-edit-{}", hook.id))).await;
    wait_for_text(&c, "form legend", "變更 Webhook").await;
    crate::browser::wait_for_value(&c, "#nw-url", &receiver.url).await;
    click(&c, Locator::Css("#nw-event-request-delivered")).await;
    click(&c, Locator::XPath("//form//button[@type='submit' and normalize-space()='儲存']")).await;
    wait_for_text(&c, "form [role=status]", "已變更 Webhook").await;
    let changed = admin.get_webhook(hook.id).await.unwrap();
    assert_eq!(
        (changed.version, changed.events.clone()),
        (2, vec!["inquiry.asked".to_string(), "request.delivered".into(), "request.submitted".into()])
    );
    wait_for_text(&c, "section[aria-labelledby='wh-h'] table.list", "request.delivered").await;
    // Opened again, and described by another administrator before this one's change of
    // events is saved: refused, nothing typed is lost (the event ticked), the description
    // the form left as read takes theirs, and it is saved over at one's word.
    click(&c, Locator::Css(&format!("#webhook-edit-{}", hook.id))).await;
    crate::browser::wait_for_value(&c, "#nw-url", &receiver.url).await;
    click(&c, Locator::Css("#nw-event-request-returned")).await;
    let described = statreq_e2e::statreq_contract::WebhookBody {
        url: changed.url.clone(),
        events: changed.events.clone(),
        description: Some("WebHR 正式環境".into()),
    };
    admin.put_webhook(hook.id, &described, Some(changed.version)).await.unwrap();
    click(&c, Locator::XPath("//form//button[@type='submit' and normalize-space()='儲存']")).await;
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    assert_eq!(admin.get_webhook(hook.id).await.unwrap().version, 3, "nothing saved over theirs unasked");
    crate::browser::wait_for_value(&c, "#nw-description", "WebHR 正式環境").await;
    let ticked = c.find(Locator::Css("#nw-event-request-returned")).await.unwrap().prop("checked").await.unwrap();
    assert_eq!(ticked.as_deref(), Some("true"), "the event ticked here stays");
    assert_accessible(&c, "a webhook saved meanwhile").await;
    click(&c, Locator::Css("#keep-mine")).await;
    wait_for_text(&c, "form [role=status]", "已變更 Webhook").await;
    let changed = admin.get_webhook(hook.id).await.unwrap();
    assert_eq!((changed.version, changed.description.as_str()), (4, "WebHR 正式環境"));
    assert!(changed.events.contains(&"request.returned".to_string()), "{:?}", changed.events);
    // A new secret asks first, then shows it this once.
    click(&c, Locator::Css(&format!("#webhook-secret-{}", hook.id))).await;
    assert!(crate::browser::alert_text(&c).await.contains("舊密鑰立即失效"));
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "#webhook-new-secret", "僅顯示這一次").await;
    let shown = c.find(Locator::Css("#webhook-new-secret code")).await.unwrap().text().await.unwrap();
    assert!(shown.starts_with("whsec_"), "{shown}");
    assert_eq!(admin.get_webhook(hook.id).await.unwrap().version, 5);
    // Or a day ahead: the current one signs until then, and the list says when it switches.
    click(&c, Locator::Css(&format!("#webhook-secret-ahead-{}", hook.id))).await;
    assert!(crate::browser::alert_text(&c).await.contains("現行密鑰再簽 24 小時"));
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "section[aria-labelledby='wh-h'] table.list .switches", "新密鑰自").await;
    let ahead = c.find(Locator::Css("#webhook-new-secret code")).await.unwrap().text().await.unwrap();
    assert!(ahead.starts_with("whsec_") && ahead != shown, "{ahead}");
    let waiting = admin.get_webhook(hook.id).await.unwrap();
    let day = waiting.secret_switches_at.map(|at| at - chrono::Utc::now()).unwrap_or_default();
    assert!(waiting.version == 6 && day > chrono::Duration::hours(23), "{waiting:?}");
    // Deleting asks first.
    click(&c, Locator::Css(&format!("#webhook-delete-{}", hook.id))).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "#webhook-status", "已刪除 Webhook").await;
    assert!(admin.list_webhooks().await.unwrap().iter().all(|h| h.id != hook.id));

    // On a phone (360 px) every administration page fits: nothing clipped, no sideways
    // scroll, and each value in a card says which column it is.
    c.set_window_size(360, 800).await.unwrap();
    for (path, table, row) in [
        ("/admin", "section[aria-labelledby='us-h'] table.list", "webhr.npa"),
        ("/admin/agencies", "section[aria-labelledby='ag-h'] table.list", "MOEK"),
        ("/admin/reference", "section[aria-labelledby='src-h'] table.list", "WebHR"),
        ("/admin/integrations", "section[aria-labelledby='sa-h'] table.list", "webhr.npa"),
    ] {
        c.goto(&format!("{}{path}", server.base)).await.unwrap();
        wait_for_text(&c, table, row).await;
        let got = crate::browser_ux::lists_fit(&c).await;
        assert_eq!((got["bad"].as_array().map(Vec::len), &got["fits"]), (Some(0), &serde_json::json!(true)), "{path} at 360 px: {got}");
        assert_eq!(got["unlabelled"].as_array().map(Vec::len), Some(0), "{path} at 360 px: {got}");
    }
    let _ = c.close().await;
}

/// A year without an office calendar (the service's clock moved past 1 October of the
/// last built-in year): the administrator's inbox tells of it and opens the calendar,
/// which says so and offers the year; once it is saved, the calendar says nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_is_told_of_a_year_without_an_office_calendar() {
    let dist = spa_dir();
    let (offset, year) = crate::notifications::past_the_built_in_calendars();
    let offset = offset.to_string();
    let args = ["--spa-dir", dist.to_str().unwrap_or_default(), "--sweep-seconds", "1", "--test-clock-offset-days", &offset];
    let server = TestServer::start_with(Backend::Sqlite, &args);
    let admin = server.login("admin.dgpa").await;
    for _ in 0..50 {
        if admin.inbox(true).await.unwrap().iter().any(|n| n.kind == "calendar_missing") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    c.goto(&format!("{}/inbox", server.base)).await.unwrap();
    wait_for_text(&c, "ul.inbox", &format!("尚未設定 {year} 年的政府行政機關辦公日曆")).await;
    click(&c, Locator::Css("ul.inbox a[href='/admin#cal-h']")).await;
    wait_for_text(&c, "#cal-missing", &format!("尚未設定 {year} 年的辦公日曆")).await;
    assert_accessible(&c, "a year without a calendar").await;
    c.execute("performance.clearResourceTimings();", vec![]).await.unwrap();
    choose(&c, "#cal-year", &year.to_string()).await;
    // The year loaded (it has no day yet) before it is saved: started empty, not asked
    // for and refused.
    wait_gone(&c, "section[aria-labelledby='cal-h'] ul.days li").await;
    crate::browser::asks_once_and_only_what_it_may(&c, "a year without a calendar").await;
    click(&c, Locator::Css("#cal-save")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] [role=status]", &format!("已儲存 {year} 年辦公日曆")).await;
    wait_gone(&c, "#cal-missing").await;
    assert_eq!(admin.calendar(year).await.unwrap().calendar.year, year);
    // Saved again as it is: nothing changed, and it says so.
    click(&c, Locator::Css("#cal-save")).await;
    wait_for_text(&c, "section[aria-labelledby='cal-h'] [role=status]", "沒有變更").await;
    assert_eq!(admin.calendar(year).await.unwrap().version, 1);
    let _ = c.close().await;
}

/// The id of the hook's first delivery.
async fn first_delivery(admin: &statreq_e2e::statreq_client::Client, hook: i64) -> i64 {
    let page = admin.webhook_deliveries(hook, None).await.unwrap();
    page.items.first().map(|d| d.id).unwrap_or_else(|| panic!("no delivery"))
}
