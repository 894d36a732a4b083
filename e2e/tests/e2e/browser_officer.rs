//! A DGPA officer's day in Chromium, end to end on one request: find it, hold it and
//! resume it, re-rate it, take it, upload a table with a small cell, send it for the
//! second officer's check, who accepts the cell with a reason, and deliver it.
//! Every screen on the way axe-clean.

use fantoccini::{Client, Locator};
use statreq_e2e::statreq_contract::State;
use statreq_e2e::{Backend, TestServer};

use crate::browser::{assert_accessible, browser, click, sign_in, spa_dir, text_of, type_into, wait_count, wait_for_text};
use crate::browser_admin::{choose, pick_file};
use crate::browser_ux::{sign_out, wait_for_state};
use crate::common;

/// Runs one action of the request page that asks for a text, with `text`.
async fn act(c: &Client, action: &str, text: &str) {
    click(c, Locator::Css(&format!("#act-{action}"))).await;
    type_into(c, "#comment", text).await;
    click(c, Locator::Css("#act-confirm")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_day_from_search_to_delivery() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mut app = common::statistics();
    app.reason = "辦理年度考績分布統計".into();
    app.requirement.breakdowns = vec!["grade".into()];
    let r = people.in_state(&app, State::Queued, 2).await;
    let (_driver, c) = browser().await;

    // Search: by a word of the reason, among queued requests.
    sign_in(&c, &server.base, "officer1.dgpa").await;
    click(&c, Locator::Css("header a[href='/search']")).await;
    wait_for_text(&c, "main h1", "查詢案件").await;
    type_into(&c, "#s-q", "考績分布").await;
    click(&c, Locator::Css("#s-state-queued")).await;
    click(&c, Locator::Css("main form.search button[type=submit]")).await;
    wait_for_text(&c, "table.results", &r.id.to_string()).await;
    click(&c, Locator::LinkText(&r.id.to_string())).await;
    wait_for_text(&c, "main h1", "案件 ").await;

    // Hold, with the reason the office reads; resume.
    act(&c, "hold", "等待主管機關補正名冊").await;
    wait_for_text(&c, "ol.timeline", "等待主管機關補正名冊").await;
    assert_eq!(wait_for_state(&people.applicant, r.id, State::OnHold).await, State::OnHold);
    assert_accessible(&c, "a held request").await;
    click(&c, Locator::Css("#act-resume")).await;
    assert_eq!(wait_for_state(&people.applicant, r.id, State::Queued).await, State::Queued);

    // Re-rate: harder than accepted, with the reason.
    c.refresh().await.unwrap();
    click(&c, Locator::Css("#act-rerate")).await;
    // The difficulty it has is marked (choosing it again would change nothing).
    wait_for_text(&c, "#difficulty option[value='2']", "2（現行）").await;
    choose(&c, "#difficulty", "4").await;
    // A comment being written is not lost to a stray click: leaving asks first.
    crate::browser::leaving_asks_first(&c, "#comment", "需跨年度比對考績資料", "header a[href='/inbox']").await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "ol.timeline", "需跨年度比對考績資料").await;
    assert_eq!(people.officer.get_request(r.id).await.unwrap().difficulty.map(i64::from), Some(4));

    // Take it (the head of the queue: no skip reason needed).
    click(&c, Locator::Css("#act-take")).await;
    click(&c, Locator::Css("#act-confirm")).await;
    assert_eq!(wait_for_state(&people.applicant, r.id, State::InProduction).await, State::InProduction);

    // "Deliver" before any file is uploaded asks first (the applicant would get the
    // reply only, for good); cancelled, nothing is delivered.
    c.refresh().await.unwrap();
    act(&c, "deliver", "檢送考績分布統計表").await;
    let question = crate::browser::alert_text(&c).await;
    assert!(question.contains("尚未附任何成果檔案"), "{question:?}");
    c.dismiss_alert().await.unwrap();
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, State::InProduction);

    // Upload a table with a cell counting two people: flagged, and the uploader may
    // not release it alone.
    c.refresh().await.unwrap();
    wait_for_text(&c, "#u-h", "").await;
    let (_dir, _path) = pick_file(&c, "#result-file", "考績.csv", "職等,甲等,乙等\n9,120,2\n10,88,31\n").await;
    click(&c, Locator::Css("section[aria-labelledby='u-h'] button[type=submit]")).await;
    wait_for_text(&c, "ul.files .disclosure", "1 個細格人數少於 3").await;
    wait_for_text(&c, "ul.files .disclosure", "後接受。（2:3 乙等=2）").await;
    let f = people.officer.deliveries(r.id).await.unwrap().files[0].id;
    assert!(c.find(Locator::Css(&format!("#dr-{f}"))).await.is_err(), "the uploader cannot accept");
    assert_accessible(&c, "a table with a small cell").await;
    click(&c, Locator::Css(&format!("#review-{f}"))).await;
    wait_for_text(&c, "section[aria-labelledby='d-h'] p.receipt[role=status]", "已通知其他人事總處同仁覆核").await;
    // A second table with a small cell, for the second officer to decide on its own.
    let (_dir2, _path2) = pick_file(
        &c,
        "#result-file",
        "考績機關別.csv",
        "機關,甲等,乙等
A,50,1
B,70,40
",
    )
    .await;
    click(&c, Locator::Css("section[aria-labelledby='u-h'] button[type=submit]")).await;
    wait_count(&c, "ul.files .disclosure", 2).await;
    let g = people.officer.deliveries(r.id).await.unwrap().files.iter().map(|x| x.id).find(|id| *id != f).unwrap_or_default();
    click(&c, Locator::Css(&format!("#review-{g}"))).await;
    // Delivery waits for the check.
    act(&c, "deliver", "檢送考績分布統計表").await;
    wait_for_text(&c, "section[aria-labelledby='act-h'] [role=alert]", "細格").await;
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, State::InProduction);
    sign_out(&c).await;

    // Four eyes: a second officer accepts the cell, with the reason.
    sign_in(&c, &server.base, "officer2.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    type_into(&c, &format!("#dr-{f}"), "乙等人數依考績法公告，不致識別特定個人").await;
    click(&c, Locator::XPath(&format!("//input[@id='dr-{f}']/following-sibling::button"))).await;
    wait_for_text(&c, "ul.files .disclosure", "乙等人數依考績法公告").await;
    // The other file's reason is its own: accepting it with nothing written is refused on
    // the page (it was accepted with the first file's reason, unseen), nothing recorded.
    click(&c, Locator::XPath(&format!("//input[@id='dr-{g}']/following-sibling::button"))).await;
    wait_for_text(&c, "section[aria-labelledby='d-h'] [role=alert]", "請填寫必填欄位").await;
    let second = people.officer.deliveries(r.id).await.unwrap().files.into_iter().find(|x| x.id == g);
    assert!(second.and_then(|x| x.disclosure).is_some_and(|d| d.accepted.is_none()), "accepted without a reason of its own");
    type_into(&c, &format!("#dr-{g}"), "機關別乙等人數已公告").await;
    click(&c, Locator::XPath(&format!("//input[@id='dr-{g}']/following-sibling::button"))).await;
    wait_for_text(&c, "ul.files", "機關別乙等人數已公告").await;
    sign_out(&c).await;

    // Delivered by the officer who produced it.
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main h1", "案件 ").await;
    act(&c, "deliver", "檢送考績分布統計表").await;
    assert_eq!(wait_for_state(&people.applicant, r.id, State::Delivered).await, State::Delivered);
    c.refresh().await.unwrap();
    for said in ["等待主管機關補正名冊", "需跨年度比對考績資料", "乙等人數依考績法公告"] {
        wait_for_text(&c, "main", said).await;
    }
    assert_accessible(&c, "a delivered request").await;
    let _ = c.close().await;
}

/// An officer's home narrows to the work they hold, and each state says how many it
/// holds, of all or of theirs; work is handed to another officer from its page.
/// A step refused because a colleague changed the request meanwhile (412): the page
/// shows the request as it now stands and says so; what was being written stays in the
/// step's form, to send again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_on_a_request_changed_meanwhile_keeps_what_was_written() {
    use statreq_e2e::statreq_contract::Difficulty;
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::statistics(), State::Queued, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    click(&c, Locator::Css("#act-hold")).await;
    type_into(&c, "#comment", "等待機關補充母體定義").await;
    // Meanwhile the other officer re-rates it.
    people.officer2.rerate(r.id, Some(r.version), Difficulty::new(4).unwrap(), "欄位較多").await.unwrap();
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "#changed-meanwhile", "已有變動").await;
    // The keyboard is taken to the warning (the button it was on is drawn anew).
    crate::browser::wait_for_script(&c, "return document.activeElement.id", serde_json::json!("changed-meanwhile")).await;
    // As it now stands (the new difficulty on its timeline), the reason still there.
    wait_for_text(&c, "ol.timeline", "欄位較多").await;
    crate::browser::wait_for_value(&c, "#comment", "等待機關補充母體定義").await;
    assert_eq!(people.officer.get_request(r.id).await.unwrap().state, State::Queued);
    assert_accessible(&c, "a step refused as the request changed meanwhile").await;
    // Sent again, it is taken, and the warning goes.
    click(&c, Locator::Css("#act-confirm")).await;
    assert_eq!(crate::browser_ux::wait_for_state(&people.officer, r.id, State::OnHold).await, State::OnHold);
    wait_for_text(&c, "[role=status]", "暫停").await;
    assert!(c.find(Locator::Css("#changed-meanwhile")).await.is_err(), "the warning outlives the step taken");
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_sees_the_work_they_hold() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let mine = people.in_state(&common::statistics(), State::InProduction, 2).await;
    let officer2 = server.login("officer2.dgpa").await;
    let theirs = common::Scenario::of(&people.applicant, &people.supervisor, &officer2)
        .in_state(&common::statistics(), State::InProduction, 2)
        .await;
    assert_ne!(mine.assignee.as_ref().map(|a| a.id), theirs.assignee.as_ref().map(|a| a.id));
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    choose(&c, "#state-filter", "in_production").await;
    let option = "return document.querySelector(\"#state-filter option[value='in_production']\").textContent";
    crate::browser::wait_for_script(&c, option, serde_json::json!("資料產製中（2）")).await;
    wait_count(&c, "table.list tbody tr", 2).await;
    click(&c, Locator::Css("#only-mine")).await;
    crate::browser::wait_for_script(&c, option, serde_json::json!("資料產製中（1）")).await;
    wait_count(&c, "table.list tbody tr", 1).await;
    assert_eq!(text_of(&c, "table.list tbody tr a").await, mine.id.to_string());
    assert_accessible(&c, "an officer's own work").await;

    // Handed to another officer from its page: the one who has it is not offered, and
    // nothing chosen says so rather than pretending it was done.
    click(&c, Locator::LinkText(&mine.id.to_string())).await;
    click(&c, Locator::Css("#act-assign")).await;
    let offered = "return Array.from(document.querySelectorAll('#assignee option')).map(o => o.value)";
    let heir = officer2.me().await.unwrap().id;
    crate::browser::wait_for_script(&c, offered, serde_json::json!(["", heir.to_string()])).await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "section[aria-labelledby='act-h'] [role=alert]", "請選擇承辦人").await;
    assert_eq!(people.officer.get_request(mine.id).await.unwrap().version, mine.version, "nothing sent");
    choose(&c, "#assignee", &heir.to_string()).await;
    type_into(&c, "#comment", "休假期間移交").await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "ol.timeline", "休假期間移交").await;
    assert_eq!(people.officer.get_request(mine.id).await.unwrap().assignee.map(|a| a.id), Some(heir));
    let _ = c.close().await;
}

/// How much memory the page's wasm holds (it never gives any back).
async fn wasm_memory(c: &Client) -> u64 {
    let script = "const done = arguments[arguments.length - 1];
        import('/pkg/statreq-frontend.js').then(m => m.default()).then(w => done(w.memory.buffer.byteLength), e => done(String(e)));";
    let got = c.execute_async(script, vec![]).await.unwrap();
    got.as_u64().unwrap_or_else(|| panic!("wasm memory: {got}"))
}

/// A large result file goes up from disk and comes down to disk: neither passes
/// through the page's memory (the file is sent as picked, and downloaded through a
/// link the browser follows), so a tab does not run out of memory on a big file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_goes_up_and_down_without_passing_through_the_page() {
    const MIB: u64 = 1024 * 1024;
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::InProduction, 2).await;
    let (driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main", "資料產製中").await;
    let content = "姓名,職等,初任公職日期\n".to_string() + &"王大明,9,2001-08-01\n".repeat(1_000_000);
    assert!(content.len() as u64 > 20 * MIB);
    let before = wasm_memory(&c).await;
    let (_file_dir, _file) = pick_file(&c, "#result-file", "名冊.csv", &content).await;
    // Every progress the page shows while it goes up, as the page shows it.
    let watch = "window.shown = []; new MutationObserver(() => {
            const p = document.querySelector('section[aria-labelledby=u-h] progress');
            const b = document.querySelector('section[aria-labelledby=u-h] button[type=submit]');
            if (p) window.shown.push([p.value, b.textContent]);
        }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});";
    c.execute(watch, vec![]).await.unwrap();
    click(&c, Locator::XPath("//button[normalize-space()='上傳']")).await;
    // Up to a minute: a debug build of the server encrypts it under a full test run.
    for _ in 0..300 {
        if text_of(&c, "main").await.contains("名冊.csv") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    wait_for_text(&c, "ul.files", "名冊.csv").await;
    let grown = wasm_memory(&c).await - before;
    // It said how much had gone, up to all of it (the last report comes as the last byte
    // leaves, before the server's answer: then it says the file is being checked), and
    // the bar is gone once it is done.
    let shown = c.execute("return window.shown", vec![]).await.unwrap();
    let shown: Vec<(f64, String)> = serde_json::from_value(shown).unwrap_or_default();
    assert!(shown.iter().any(|(v, text)| *v == 100.0 && text.contains("已上傳，檢查並儲存中")), "{shown:?}");
    assert!(shown.iter().filter(|(v, _)| *v < 100.0).all(|(_, text)| text.contains("上傳中…") && text.ends_with('%')), "{shown:?}");
    assert!(shown.iter().all(|(v, _)| (0.0..=100.0).contains(v)), "{shown:?}");
    assert!(c.find(Locator::Css("section[aria-labelledby=u-h] progress")).await.is_err());
    assert!(grown < 8 * MIB, "uploading {} MiB grew the page's memory by {} MiB", content.len() as u64 / MIB, grown / MIB);
    let f = people.officer.deliveries(r.id).await.unwrap().files.remove(0);
    assert_eq!(f.size_bytes as usize, content.len());

    server.login("officer2.dgpa").await.approve_delivery(r.id, f.id).await.unwrap();
    people.officer.deliver(r.id, None, "名冊如附件").await.unwrap();
    sign_out(&c).await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "ul.files", "名冊.csv.age").await;
    // The files come after the whole application: the page's own links lead there.
    let place = "const h = document.getElementById('d-h').getBoundingClientRect().top; return [h, window.innerHeight];";
    let at = |v: serde_json::Value| serde_json::from_value::<(f64, f64)>(v).unwrap_or_default();
    let (top, height) = at(c.execute(place, vec![]).await.unwrap());
    assert!(top > height, "the files are out of sight at first ({top} of {height})");
    wait_for_text(&c, "nav.on-page", "交付檔案").await;
    click(&c, Locator::Css("nav.on-page a[href='#d-h']")).await;
    let mut seen = (top, height);
    // At the top of the window, give or take the pixel a fractional layout rounds away.
    let in_sight = |(top, height): (f64, f64)| (-1.0..height / 2.0).contains(&top);
    for _ in 0..50 {
        seen = at(c.execute(place, vec![]).await.unwrap());
        if in_sight(seen) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(in_sight(seen), "the files are in sight ({seen:?})");
    let before = wasm_memory(&c).await;
    click(&c, Locator::XPath("//ul[@class='files']//button[contains(., '名冊.csv.age')]")).await;
    let saved = driver.downloaded(&format!("{}.age", f.filename)).await;
    let grown = wasm_memory(&c).await - before;
    assert!(grown < 8 * MIB, "downloading {} MiB grew the page's memory by {} MiB", saved.len() as u64 / MIB, grown / MIB);
    let pass = people.applicant.reveal_passphrase(r.id, f.id).await.unwrap().passphrase;
    assert!(common::open_age(&saved, &pass) == content.as_bytes(), "the saved file is the file produced");
    let _ = c.close().await;
}

/// Field questions as DGPA works through them: fifty at a time with "More", filtered by
/// state; a supervising office asks one in the browser as an applicant does (rule 7); and
/// a question tied to a request is on the request's page, where the office asks another;
/// and before asking, every field's FAQ is read on one page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_questions_are_paged_filtered_asked_and_shown_on_their_request() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let applicant = server.login("applicant.npa").await;
    let asked_before = server.login("officer1.dgpa").await.list_inquiries("limit=200").await.unwrap().items.len();
    for i in 0..52 {
        let q = statreq_e2e::statreq_contract::NewInquiry {
            fields: vec!["grade".into()],
            subject: format!("職等疑義 {i}"),
            body: "職等以何為準？".into(),
            request_id: None,
        };
        let asked = applicant.create_inquiry(&q).await.unwrap().inquiry;
        if i < 2 {
            server.login("officer2.dgpa").await.reply_inquiry(asked.id, "以銓敘審定之職等為準。", None).await.unwrap();
        }
    }
    let (_driver, c) = browser().await;

    sign_in(&c, &server.base, "supervisor.moi").await;
    c.goto(&format!("{}/inquiries", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "欄位疑義").await;
    type_into(&c, "#q-subject", "基準日之認定").await;
    type_into(&c, "#q-body", "「113年底在職人員」之基準日是否以12月31日為準？").await;
    assert_accessible(&c, "questions page (supervisor)").await;
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "基準日之認定").await;
    let page = c.current_url().await.unwrap().path().to_string();
    sign_out(&c).await;

    // An officer opening the question (from anywhere) reads the notice of it; the notices
    // of the other questions stay unread.
    sign_in(&c, &server.base, "officer1.dgpa").await;
    let officer = server.login("officer1.dgpa").await;
    let unread = |path: String| {
        let officer = officer.clone();
        async move { officer.inbox(true).await.unwrap().iter().filter(|i| i.link == path).count() }
    };
    assert_eq!(unread(page.clone()).await, 1, "told of {page}");
    c.goto(&format!("{}{page}", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "基準日之認定").await;
    let mut left = 1;
    for _ in 0..50 {
        left = unread(page.clone()).await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "read on opening {page}");
    assert!(officer.inbox(true).await.unwrap().iter().filter(|i| i.kind == "inquiry_created").count() >= 52, "the others' stay unread");
    c.goto(&format!("{}/inquiries", server.base)).await.unwrap();
    // DGPA starts at the questions awaiting its answer.
    wait_count(&c, "ul.inquiries li", 50).await;
    crate::browser::wait_for_value(&c, "#q-state", "open").await;
    assert!(text_of(&c, "ul.inquiries li:first-child").await.contains("基準日之認定"), "newest first");
    // Fields by name, and who asked.
    let second = text_of(&c, "ul.inquiries li:nth-child(2)").await;
    assert!(second.contains("· 職等 ·") && second.contains("林怡君"), "{second}");
    let officer = server.login("officer1.dgpa").await;
    let open = officer.list_inquiries("state=open&limit=200").await.unwrap().items.len();
    assert_eq!(open, 51, "52 asked, 2 answered, and the supervisor's");
    click(&c, Locator::Css("#more-questions")).await;
    wait_count(&c, "ul.inquiries li", open).await;
    assert!(!text_of(&c, "ul.inquiries").await.contains("已答復"), "open ones only");
    // All of them; a choice is the address too, and an address opens its state.
    choose(&c, "#q-state", "").await;
    wait_count(&c, "ul.inquiries li", 50).await;
    choose(&c, "#q-state", "closed").await;
    wait_for_text(&c, "main", "這裡沒有欄位疑義").await;
    assert!(c.current_url().await.unwrap().as_str().ends_with("/inquiries?state=closed"));
    choose(&c, "#q-state", "").await;
    wait_count(&c, "ul.inquiries li", 50).await;
    assert!(c.current_url().await.unwrap().as_str().ends_with("/inquiries"));
    click(&c, Locator::Css("#more-questions")).await;
    wait_count(&c, "ul.inquiries li", asked_before + 53).await;
    // Answered ones only (the two DGPA answered), from an address that says so.
    c.goto(&format!("{}/inquiries?state=answered", server.base)).await.unwrap();
    wait_count(&c, "ul.inquiries li", asked_before + 2).await;
    crate::browser::wait_for_value(&c, "#q-state", "answered").await;
    assert!(text_of(&c, "ul.inquiries").await.contains("職等疑義 1"));
    assert!(!text_of(&c, "ul.inquiries").await.contains("職等疑義 2"));
    choose(&c, "#q-state", "closed").await;
    wait_for_text(&c, "main", "這裡沒有欄位疑義").await;
    assert_accessible(&c, "questions page (DGPA, filtered)").await;

    // A question tied to a request is on the request's page, for DGPA and the office;
    // the office asks about its request from there, the request's number filled in.
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let r = common::Scenario::of(&applicant, &supervisor, &officer).in_state(&common::statistics(), State::PendingDgpa, 1).await;
    let q = statreq_e2e::statreq_contract::NewInquiry {
        fields: vec!["grade".into()],
        subject: "本案職等之認定".into(),
        body: "本案職等以何為準？".into(),
        request_id: Some(r.id),
    };
    let tied = applicant.create_inquiry(&q).await.unwrap().inquiry;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=iq-h]", &format!("#{} 本案職等之認定", tied.id)).await;
    wait_for_text(&c, "#iq-open", "釐清後再使用資料（第7點）").await;
    assert!(!text_of(&c, "section[aria-labelledby=iq-h]").await.contains("就此案件向人事總處提問"), "DGPA answers, it does not ask");
    sign_out(&c).await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=iq-h]", "本案職等之認定").await;
    click(&c, Locator::LinkText("就此案件向人事總處提問")).await;
    wait_for_text(&c, "main h1", "欄位疑義").await;
    crate::browser::wait_for_value(&c, "#q-request", &r.id.to_string()).await;
    // Answered, it is settled: the page no longer says to wait (rule 7).
    officer.reply_inquiry(tied.id, "以銓敘審定之職等為準。", None).await.unwrap();
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=iq-h]", "已答復").await;
    assert!(c.find(Locator::Css("#iq-open")).await.is_err(), "no warning once answered");
    // The supervising agency reads what the office asked about the request it reviews,
    // and does not speak in the thread.
    sign_out(&c).await;
    sign_in(&c, &server.base, "supervisor.moi").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=iq-h]", "本案職等之認定").await;
    assert!(!text_of(&c, "section[aria-labelledby=iq-h]").await.contains("就此案件向人事總處提問"), "the office asks");
    // The page asks for nothing a supervisor may not have (the result files were asked
    // for, and refused, on every request it opened).
    crate::browser::asks_once_and_only_what_it_may(&c, "a supervisor's request page").await;
    click(&c, Locator::LinkText(&format!("#{} 本案職等之認定", tied.id))).await;
    wait_for_text(&c, "ol.thread", "以銓敘審定之職等為準").await;
    assert!(c.find(Locator::Css("#reply")).await.is_err(), "no reply form for a reader");
    // Its own question the supervisor closes, asked first: closing ends the thread.
    let own = supervisor.list_inquiries("").await.unwrap().items.into_iter().find(|i| i.subject == "基準日之認定").unwrap();
    c.goto(&format!("{}/inquiries/{}", server.base, own.id)).await.unwrap();
    click(&c, Locator::XPath("//button[normalize-space()='結案']")).await;
    assert!(crate::browser::alert_text(&c).await.contains("結案後雙方都不能再回覆"));
    c.dismiss_alert().await.unwrap();
    assert_eq!(supervisor.get_inquiry(own.id).await.unwrap().inquiry.state, statreq_e2e::statreq_contract::InquiryState::Open);
    click(&c, Locator::XPath("//button[normalize-space()='結案']")).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "main p .state", "已結案").await;
    assert_eq!(supervisor.get_inquiry(own.id).await.unwrap().inquiry.state, statreq_e2e::statreq_contract::InquiryState::Closed);

    // Before asking, every field's FAQ on one page, searched by words.
    let faq = statreq_e2e::statreq_contract::FaqPublication {
        field: "grade".into(),
        question: "職等以何為準？".into(),
        answer: "以銓敘審定之職等為準。".into(),
    };
    officer.publish_faq(tied.id, &faq).await.unwrap();
    c.goto(&format!("{}/inquiries", server.base)).await.unwrap();
    click(&c, Locator::LinkText("請先查閱全部欄位常見問答")).await;
    wait_for_text(&c, "main h1", "全部欄位常見問答").await;
    wait_for_text(&c, "dl.faq", "以銓敘審定之職等為準").await;
    assert!(text_of(&c, "dl.faq dt").await.contains("職等 · 職等以何為準"), "the field by name");
    assert!(c.find(Locator::XPath("//dl[@class='faq']//button")).await.is_err(), "only DGPA withdraws");
    assert_accessible(&c, "every field's FAQ").await;
    type_into(&c, "#faq-search", "留職停薪").await;
    click(&c, Locator::Css("form[role=search] button[type=submit]")).await;
    wait_for_text(&c, "main", "沒有符合的答復").await;
}

/// The statistics of a period (a year's, for its report): the requests first submitted
/// on its days, said in words above the figures; without one, every request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_statistics_are_read_for_a_period() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    for _ in 0..2 {
        people.in_state(&common::statistics(), State::Queued, 2).await;
    }
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    let tomorrow = today.succ_opt().unwrap_or(today);
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/stats", server.base)).await.unwrap();
    wait_for_text(&c, "#stats-period", "全部已送出之申請").await;
    wait_for_text(&c, "main section.card p", "已送出案件：2").await;
    // DGPA's backlog reads as a sentence: its count after a colon, each wait in days
    // with its working days beside it (it read 「人事總處待辦 2 · 平均等候 0.0 · 最久 0.0 日 ·
    // 平均等候 0.0 · 最久 0.0 個工作日」, two waits of the same name).
    wait_for_text(&c, "main section.card", "人事總處待辦：").await;
    wait_for_text(&c, "main section.card", " 日（").await;
    wait_for_text(&c, "main section.card", " 個工作日）").await;
    // Months are named as the ROC calendar writes them.
    let month = format!("{}年{}月", chrono::Datelike::year(&today) - 1911, chrono::Datelike::month(&today));
    wait_for_text(&c, "main", &month).await;
    assert_accessible(&c, "the statistics with their period").await;
    crate::browser::set_date(&c, "stats-from", &tomorrow.to_string()).await;
    let roc = |d: chrono::NaiveDate| statreq_e2e::statreq_domain::lifecycle::roc_date(d);
    wait_for_text(&c, "#stats-period", &format!("{} 至 … 首次送出之申請", roc(tomorrow))).await;
    wait_for_text(&c, "main section.card p", "已送出案件：0").await;
    crate::browser::set_date(&c, "stats-from", &today.to_string()).await;
    crate::browser::set_date(&c, "stats-to", &today.to_string()).await;
    wait_for_text(&c, "#stats-period", &format!("{} 至 {} 首次送出之申請", roc(today), roc(today))).await;
    wait_for_text(&c, "main section.card p", "已送出案件：2").await;
    assert!(c.find(Locator::Css("#stats-scope")).await.is_err(), "DGPA reads every request");
    // A supervising agency reads those it reviews, from its own menu: MOI both, TPE none.
    for (who, n) in [("supervisor.moi", 2), ("supervisor.tpe", 0)] {
        sign_out(&c).await;
        sign_in(&c, &server.base, who).await;
        click(&c, Locator::Css("header nav a[href='/stats']")).await;
        wait_for_text(&c, "#stats-scope", "貴機關審核之申請").await;
        wait_for_text(&c, "main section.card p", &format!("已送出案件：{n}")).await;
    }
    let _ = c.close().await;
}

/// DGPA decides an office's wish to keep personal data longer (rule 6) on the request's
/// page: before any is asked the section says so (it was a heading over nothing); the
/// waiting one is approved with its buttons; the office is then offered what is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_decides_keeping_data_longer() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "#ext-none", "尚無延長保存之申請").await;
    assert!(c.find(Locator::Css("#ext-days")).await.is_err(), "DGPA does not ask");
    assert_accessible(&c, "a delivered request, nothing asked").await;

    people.applicant.request_retention_extension(r.id, 200, "陞遷評審延至下年度").await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(&c, "ul.extensions", "待人事總處決定").await;
    // The other officer decides first: this decision is refused as the request changed,
    // and the page shows it decided, saying so (it said to reload, and showed it waiting).
    type_into(&c, "#ext-comment", "同意").await;
    let approve = statreq_e2e::statreq_contract::ExtensionDecision::Approve;
    people.officer2.decide_retention_extension(r.id, None, approve, None).await.unwrap();
    click(&c, Locator::XPath("//button[normalize-space()='核准延長']")).await;
    wait_for_text(&c, "#changed-meanwhile", "已有變動").await;
    wait_for_text(&c, "ul.extensions", "已核准").await;
    wait_for_text(&c, "ol.timeline", "同意延長保存 200 日").await;
    let decided = people.applicant.retention_extensions(r.id).await.unwrap();
    assert_eq!(decided[0].decision.as_deref(), Some("approved"));
    sign_out(&c).await;

    // The office may ask for what is left of the 365 days: 365 − 90 − 200.
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "#ext-left", "最多可再延長 75 日").await;
    let proposed = c.find(Locator::Css("#ext-days")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(proposed.as_deref(), Some("30"));
    // Asked on the page: what is written outlives a switch of language (the page is drawn
    // anew; the days and the reason were lost).
    c.find(Locator::Css("#ext-days")).await.unwrap().clear().await.unwrap();
    type_into(&c, "#ext-days", "75").await;
    type_into(&c, "#ext-reason", "再延長").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    wait_for_text(&c, "#ret-h", "(rule 6)").await;
    crate::browser::wait_for_value(&c, "#ext-reason", "再延長").await;
    crate::browser::wait_for_value(&c, "#ext-days", "75").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='中文']")).await;
    click(&c, Locator::XPath("//button[normalize-space()='申請延長保存']")).await;
    wait_for_text(&c, "ul.extensions", "待人事總處決定").await;
    let asked = people.applicant.retention_extensions(r.id).await.unwrap();
    assert_eq!(asked.iter().find(|e| e.decision.is_none()).map(|e| (e.days, e.reason.as_str())), Some((75, "再延長")));
    people.officer.decide_retention_extension(r.id, None, statreq_e2e::statreq_contract::ExtensionDecision::Approve, None).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(&c, "#ext-wait", "已達保存上限 365 日").await;
    assert!(c.find(Locator::Css("#ext-days")).await.is_err(), "nothing is left to ask for");
}
