//! The SPA in real headless Chromium against the real binary: sign in, see the
//! list, draft an application, follow a deep link, switch language.
//!
//! Needs `frontend/dist` (`just spa`) and Debian's chromium and chromium-driver
//! (`scripts/ensure-tools.sh`); `just test` provides both.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;

use fantoccini::{Client, ClientBuilder, Locator};
use statreq_e2e::{Backend, TestServer};

/// chromedriver, the Chromium it starts, that Chromium's profile folder and its
/// temporary files: all stopped and removed when the test ends, passed or failed.
/// chromedriver runs in its own process group, so killing the group takes every
/// browser process with it; the profile's unique path finds any that left the group.
/// Both get `TMPDIR` inside the test's own folder: a killed Chromium leaves its
/// `org.chromium.Chromium.*` singleton folders behind, and they go with that folder.
pub(crate) struct Driver {
    child: Child,
    /// The test's folder: `profile/`, `tmp/` and `downloads/`.
    dir: PathBuf,
}

impl Driver {
    /// Where the browser saves what is downloaded.
    pub(crate) fn downloads(&self) -> PathBuf {
        self.dir.join("downloads")
    }

    /// The file the browser saved as `name`, once it is whole (within a minute: a large
    /// one takes a while from a debug build of the server under a full test run).
    pub(crate) async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads().join(name);
        let partial = self.downloads().join(format!("{name}.crdownload"));
        for _ in 0..600 {
            // Chromium writes `name.crdownload` and renames it when it is done; it may
            // hold the name with an empty file meanwhile (read once as 0 bytes: "not an
            // age file: failed to fill whole buffer"). Done: the name, no partial file,
            // something in it.
            if let Ok(bytes) = std::fs::read(&path) {
                if !partial.exists() && !bytes.is_empty() {
                    return bytes;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let saved: Vec<_> = std::fs::read_dir(self.downloads()).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
        panic!("{name} was not downloaded; the folder holds {saved:?}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Until none is left (a killed browser's helpers take a moment to go).
        for _ in 0..50 {
            let alive = Command::new("pkill").args(["-KILL", "-f"]).arg(&self.dir).status().is_ok_and(|s| s.success());
            if !alive {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn spa_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/dist"));
    assert!(dir.join("index.html").is_file(), "the SPA is not built: run `just spa` (just test does)");
    dir
}

pub(crate) async fn browser() -> (Driver, Client) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
    let dir = std::env::temp_dir().join(format!("statreq-chromium-{}", uuid::Uuid::new_v4().simple()));
    let (profile, tmp, downloads) = (dir.join("profile"), dir.join("tmp"), dir.join("downloads"));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(&downloads).unwrap();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .env("TMPDIR", &tmp)
        // Files the tests upload are named in Chinese (名冊.csv): in the C locale, which a
        // run started with a bare environment (cron, `env -i`) has, Chromium could not
        // find them ("invalid argument: File not found").
        .env("LC_ALL", "C.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("chromedriver (apt-get install chromium-driver): {e}"));
    let driver = Driver { child, dir };
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())],
            "prefs": { "download.default_directory": downloads, "download.prompt_for_download": false }
        }
    }))
    .unwrap_or_default();
    for _ in 0..50 {
        if let Ok(c) = ClientBuilder::native().capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            return (driver, c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not reach chromedriver");
}

/// WCAG 2.1 A and AA violations axe-core finds on the current page.
pub(crate) async fn accessibility_violations(c: &Client) -> Vec<serde_json::Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/browser/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{path} missing: run scripts/ensure-tools.sh (just test does)"));
    c.execute(&axe, vec![]).await.unwrap();
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
           .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))));";
    let v = c.execute_async(script, vec![]).await.unwrap();
    v.as_array().cloned().unwrap_or_default()
}

pub(crate) async fn assert_accessible(c: &Client, page: &str) {
    let v = accessibility_violations(c).await;
    assert!(v.is_empty(), "{page}: {}", serde_json::to_string_pretty(&v).unwrap_or_default());
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    match c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(e) => panic!("{css}: {e}"),
    }
}

pub(crate) async fn wait_for_text(c: &Client, css: &str, needle: &str) {
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.text().await.unwrap_or_default().contains(needle) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let got = c.find(Locator::Css(css)).await.ok();
    let got = match got {
        Some(e) => e.text().await.unwrap_or_default(),
        None => "(no element)".into(),
    };
    panic!("{css} never contained {needle:?}; it reads {got:?}");
}

/// Waits until the window's title is `want` (it follows the screen's `h1`).
pub(crate) async fn wait_for_title(c: &Client, want: &str) {
    let mut got = String::new();
    for _ in 0..100 {
        got = c.title().await.unwrap_or_default();
        if got == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the title never read {want:?}; it reads {got:?}");
}

/// The `id` of the element that has the keyboard's focus.
async fn focused_id(c: &Client) -> String {
    let id = c.execute("return document.activeElement ? document.activeElement.id : ''", vec![]).await.unwrap_or_default();
    id.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_signs_in_drafts_and_follows_deep_links() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    c.goto(&format!("{}/login", server.base)).await.unwrap();
    assert_eq!(text_of(&c, "main h1").await, "登入");
    // Each screen is named in the tab and history (WCAG 2.4.2).
    wait_for_title(&c, "登入 – 人事資料統計服務").await;
    assert_accessible(&c, "sign-in").await;
    // The checker itself works: an unlabelled input is reported.
    c.execute("const i = document.createElement('input'); i.id = 'planted'; document.querySelector('main').appendChild(i);", vec![])
        .await
        .unwrap();
    let planted = accessibility_violations(&c).await;
    assert!(planted.iter().any(|v| v["id"] == "label"), "axe missed an unlabelled input: {planted:?}");
    c.execute("document.getElementById('planted').remove();", vec![]).await.unwrap();
    c.wait().for_element(Locator::Css("#username")).await.unwrap().send_keys("applicant.npa").await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys("wrong-password").await.unwrap();
    c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "p.error", "帳號或密碼錯誤").await;
    // Who to ask when one cannot get in (there is no reset by e-mail).
    wait_for_text(&c, "#sign-in-help", "人事總處系統管理者重設").await;
    let pw = c.find(Locator::Css("#password")).await.unwrap();
    pw.clear().await.unwrap();
    pw.send_keys(statreq_e2e::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "案件").await;
    wait_for_text(&c, "header .who", "內政部警政署").await;

    // Draft an application.
    c.find(Locator::LinkText("新增申請")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    wait_for_title(&c, "新增申請 – 人事資料統計服務").await;
    // The keyboard starts at the top of the new screen, not on the link that led there
    // (WCAG 2.4.3).
    assert_eq!(focused_id(&c).await, "main");
    c.wait().for_element(Locator::Css("#reason")).await.unwrap().send_keys("研議人力配置").await.unwrap();
    c.wait().for_element(Locator::Css("#f-grade")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "案件 ").await;
    wait_for_text(&c, "main", "草稿").await;
    // The check lists what is missing, in the user's language.
    wait_for_text(&c, ".findings", "請填寫有效的聯絡電話").await;
    wait_for_text(&c, "ol.timeline", "草稿").await;
    assert_accessible(&c, "request page").await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().starts_with("/requests/"), "{url}");
    let id = url.path().trim_start_matches("/requests/");
    // The reason names the request in its heading and window title: one tab among many
    // open requests says which it is.
    wait_for_title(&c, &format!("案件 {id}：研議人力配置 – 人事資料統計服務")).await;

    // Edit the draft: the phone finding goes away.
    c.find(Locator::LinkText("修改申請內容")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "修改申請").await;
    let phone = c.wait().for_element(Locator::Css("#c-phone")).await.unwrap();
    phone.send_keys("02-2321-9011").await.unwrap();
    assert_eq!(c.find(Locator::Css("#reason")).await.unwrap().prop("value").await.unwrap_or_default().as_deref(), Some("研議人力配置"));
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "案件 ").await;
    let findings = text_of(&c, ".findings").await;
    assert!(!findings.contains("聯絡電話"), "{findings}");

    // Attach a sample of the output: none yet, said so; its recommendation goes away.
    wait_for_text(&c, "section[aria-labelledby=att-h] p.hint", "尚無附件").await;
    let (_sample_dir, sample) =
        statreq_e2e::TempPath::file(&format!("statreq-sample-{}.csv", uuid::Uuid::new_v4().simple()), "職等,人數\n".as_bytes());
    c.find(Locator::Css("#sample-file")).await.unwrap().send_keys(sample.to_str().unwrap_or_default()).await.unwrap();
    // While it goes up, a bar and the button say how far it is.
    let watch = "window.shown = []; new MutationObserver(() => {
            const p = document.querySelector('section[aria-labelledby=att-h] progress');
            const b = document.querySelector('section[aria-labelledby=att-h] button[type=submit]');
            if (p) window.shown.push([p.value, b.textContent, b.disabled]);
        }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});";
    c.execute(watch, vec![]).await.unwrap();
    // A double click attaches it once.
    let attach = c.find(Locator::XPath("//button[normalize-space()='附加']")).await.unwrap();
    c.execute("arguments[0].click(); arguments[0].click();", vec![serde_json::to_value(&attach).unwrap()]).await.unwrap();
    wait_for_text(&c, "ul.attachments", "statreq-sample-").await;
    wait_gone(&c, "section[aria-labelledby=att-h] p.hint").await;
    wait_for_text(&c, "section[aria-labelledby=att-h] button[type=submit]:not([disabled])", "附加").await;
    let shown = c.execute("return window.shown", vec![]).await.unwrap();
    let shown: Vec<(f64, String, bool)> = serde_json::from_value(shown).unwrap_or_default();
    assert!(!shown.is_empty(), "no progress shown");
    assert!(
        shown.iter().all(|(v, text, disabled)| *disabled
            && (0.0..=100.0).contains(v)
            && (text.starts_with("上傳中… ") || text == "已上傳，檢查並儲存中…")),
        "{shown:?}"
    );
    assert!(c.find(Locator::Css("section[aria-labelledby=att-h] progress")).await.is_err());
    let id: i64 = c.current_url().await.unwrap().path().rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or_default();
    let office = server.login("applicant.npa").await;
    let attached = office.attachments(id).await.unwrap();
    assert_eq!(attached.len(), 1, "{attached:?}");
    // A wrong file attached (from another tab) is removed here: asked first, and gone.
    let wrong = office.upload_attachment(id, "誤附名冊.csv", "姓名\n".as_bytes().to_vec()).await.unwrap();
    c.refresh().await.unwrap();
    wait_for_text(&c, "ul.attachments", "誤附名冊.csv").await;
    click(&c, Locator::Css(&format!("#remove-att-{}", wrong.id))).await;
    let question = alert_text(&c).await;
    assert!(question.contains("誤附名冊.csv"), "{question}");
    c.dismiss_alert().await.unwrap();
    assert_eq!(office.attachments(id).await.unwrap().len(), 2, "cancelled, nothing removed");
    click(&c, Locator::Css(&format!("#remove-att-{}", wrong.id))).await;
    c.accept_alert().await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=att-h] [role=status]", "已移除附件").await;
    wait_gone(&c, &format!("#remove-att-{}", wrong.id)).await;
    assert_eq!(office.attachments(id).await.unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [attached[0].id]);

    // The printable form of the rules' annex.
    c.find(Locator::LinkText("列印申請表")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "受理人事資料統計服務申請表").await;
    wait_for_text(&c, "table.form", "02-2321-9011").await;

    // A deep link opens the SPA at that request; the session survives a reload.
    c.goto(url.as_str()).await.unwrap();
    wait_for_text(&c, "main", "研議人力配置").await;

    // English, remembered across pages.
    c.find(Locator::Css("header nav button")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "Timeline").await;
    wait_for_text(&c, "main h1", &format!("Request {id}: 研議人力配置")).await;
    c.goto(&format!("{}/", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "Requests").await;
    wait_for_title(&c, "Requests – Personnel-data statistics service").await;
    wait_for_text(&c, "table.list", "draft").await;
    assert_accessible(&c, "request list").await;
    let lang = c.execute("return document.documentElement.lang", vec![]).await.unwrap_or_default();
    assert_eq!(lang, serde_json::json!("en"));

    // Withdrawn, its attachment is destroyed (rule 6): listed, marked so, and nothing
    // to click that could only fail.
    let id: i64 = url.path().trim_start_matches("/requests/").parse().unwrap_or_default();
    server.login("applicant.npa").await.withdraw(id, None, Some("不再需要")).await.unwrap();
    c.goto(url.as_str()).await.unwrap();
    wait_for_text(&c, "ul.attachments", "destroyed").await;
    assert!(c.find(Locator::Css("ul.attachments button")).await.is_err(), "a destroyed attachment offers no download");

    // A screenshot to look at after a run, kept with the build (not in the system's temp dir).
    let png = c.screenshot().await.unwrap_or_default();
    let _ = std::fs::write(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("statreq-spa.png"), png);
    let _ = c.close().await;
}

pub(crate) async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.wait().for_element(Locator::Css("#username")).await.unwrap().send_keys(username).await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(statreq_e2e::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(c, "header .who", "·").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dgpa_officer_works_the_queue() {
    use statreq_e2e::statreq_domain::{Decision, DgpaDecision, Difficulty};
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    // A queued request, made over the API.
    let applicant = server.login("applicant.npa").await;
    let app = common::statistics();
    let r = applicant.create_request(&app).await.unwrap();
    applicant.submit(r.id, None).await.unwrap();
    server.login("supervisor.moi").await.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap();
    server.login("officer2.dgpa").await.dgpa_decision(r.id, None, DgpaDecision::Accept, Difficulty::new(2).ok(), None).await.unwrap();
    // Officer 1 was told of its arrival.
    let officer1 = server.login("officer1.dgpa").await;
    let about = format!("/requests/{}", r.id);
    for _ in 0..100 {
        if officer1.inbox(true).await.unwrap().iter().any(|i| i.link == about) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;
    c.find(Locator::LinkText("作業排程")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "作業排程").await;
    wait_for_text(&c, "table.list tbody", "內政部警政署").await;
    // Written as the rest of the page is: a full-width colon, not "權重: ".
    wait_for_text(&c, "main", "權重：收件先後").await;
    // Marked: there is something new about it.
    wait_for_text(&c, &format!("table.list tr:has(a[href='{about}']) .badge.new"), "新通知").await;
    assert_accessible(&c, "queue").await;
    c.find(Locator::LinkText(&r.id.to_string())).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "排程中").await;
    wait_for_text(&c, "main", "目前順位 1 / 1").await;
    // A message, then take the work.
    c.find(Locator::Css("#message")).await.unwrap().send_keys("職等依銓敘審定職等統計\n年齡以基準日計").await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='送出留言']")).await.unwrap().click().await.unwrap();
    // Its lines as written.
    wait_for_text(&c, "ul.messages", "職等依銓敘審定職等統計\n年齡以基準日計").await;
    // The timeline marks it at once, linking to the message.
    wait_for_text(&c, "ol.timeline", "留言").await;
    let posted = applicant.messages(r.id).await.unwrap()[0].id;
    let link = c.find(Locator::Css("ol.timeline a[href^='#msg-']")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap(), Some(format!("#msg-{posted}")));
    assert!(c.find(Locator::Css(&format!("ul.messages li#msg-{posted}"))).await.is_ok(), "the link finds the message");
    // Each action opens its own fields; taking work asks whom and, out of order, why.
    c.find(Locator::XPath("//button[normalize-space()='開始產製']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "form.action-form legend", "開始產製").await;
    // Its confirm and cancel sit on one line, their words level.
    let level = c
        .execute(
            "const r = e => e.getBoundingClientRect(), b = r(document.querySelector('#act-confirm')), x = r(document.querySelector('form.action-form .actions button.link'));
             return Math.abs((b.top + b.bottom) / 2 - (x.top + x.bottom) / 2);",
            vec![],
        )
        .await
        .unwrap();
    assert!(level.as_f64().is_some_and(|d| d <= 2.0), "cancel sits {level} px off the confirm's middle");
    c.find(Locator::Css("#act-confirm")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "資料產製中").await;
    wait_for_text(&c, "p.receipt", "案件現為「資料產製中」").await;
    // A refused upload is said beside the upload form, not at the foot of the page.
    let (_empty_dir, empty) = statreq_e2e::TempPath::file(&format!("statreq-empty-{}.csv", r.id), b"");
    c.wait().for_element(Locator::Css("#result-file")).await.unwrap().send_keys(empty.to_str().unwrap_or_default()).await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='上傳']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=u-h] p.error[role=alert]", "檔案是空的").await;
    // Upload the result and deliver it with a reply.
    let (_file_dir, file) = statreq_e2e::TempPath::file(&format!("statreq-result-{}.csv", r.id), "職等,人數\n9,12\n".as_bytes());
    c.wait().for_element(Locator::Css("#result-file")).await.unwrap().send_keys(file.to_str().unwrap_or_default()).await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='上傳']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", &format!("statreq-result-{}.csv", r.id)).await;
    assert!(c.find(Locator::Css("section[aria-labelledby=u-h] p.error")).await.is_err(), "the refusal goes once an upload succeeds");
    assert_eq!(applicant.get_request(r.id).await.map(|x| x.state).ok(), Some(statreq_e2e::statreq_contract::State::InProduction));
    c.find(Locator::XPath("//button[normalize-space()='回復交付']")).await.unwrap().click().await.unwrap();
    // The reply is required: an empty one is refused in place.
    c.find(Locator::Css("#act-confirm")).await.unwrap().click().await.unwrap();
    assert_eq!(applicant.get_request(r.id).await.map(|x| x.state).ok(), Some(statreq_e2e::statreq_contract::State::InProduction));
    c.find(Locator::Css("#comment")).await.unwrap().send_keys("統計表如附件").await.unwrap();
    c.find(Locator::Css("#act-confirm")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "已交付").await;
    let delivered = applicant.deliveries(r.id).await.unwrap();
    assert_eq!(delivered.files.len(), 1);
    assert_eq!(applicant.download_delivery(r.id, delivered.files[0].id).await.ok(), Some("職等,人數\n9,12\n".as_bytes().to_vec()));
    assert_eq!(applicant.messages(r.id).await.map(|m| m.len()).ok(), Some(1));
    // DGPA's statistics screen.
    c.find(Locator::LinkText("服務統計")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "服務統計").await;
    wait_for_text(&c, "main", "依主管機關").await;
    wait_for_text(&c, "main", "送出至交付日數分布").await;
    wait_for_text(&c, "main", "0-7").await;
    // Named, not coded: the supervising agency and the state.
    wait_for_text(&c, "main", "內政部 1").await;
    wait_for_text(&c, "main", "已交付 1").await;
    assert_accessible(&c, "statistics").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_refreshed_without_losing_the_form() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default(), "--access-token-seconds", "1"]);
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    // The refresh token is nowhere a script can read it: not in storage, not in document.cookie.
    let kept = c
        .execute("return [Object.keys(localStorage).join(','), Object.keys(sessionStorage).join(','), document.cookie]", vec![])
        .await
        .unwrap_or_default();
    assert!(!kept.to_string().contains("refresh"), "the refresh token is readable by scripts: {kept}");
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    c.wait().for_element(Locator::Css("#reason")).await.unwrap().send_keys("填寫很久的申請").await.unwrap();
    // The access token expires (1 s, plus the 30 s leeway statreq allows for clock skew).
    tokio::time::sleep(Duration::from_secs(33)).await;
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "填寫很久的申請").await;
    wait_for_text(&c, "main h1", "案件 ").await;
    // The cookie: HttpOnly, SameSite=Strict, scoped to the sign-in paths (read where it is visible).
    let page = c.current_url().await.unwrap();
    c.goto(&format!("{}/api/v1/auth/refresh", server.base)).await.unwrap();
    let cookie = c.get_named_cookie("statreq_refresh").await.unwrap();
    let flags = (cookie.http_only(), cookie.same_site().map(|s| s.to_string()), cookie.path());
    assert_eq!(flags, (Some(true), Some("Strict".to_string()), Some("/api/v1/auth")));
    let stolen = cookie.value().to_string();
    c.goto(page.as_str()).await.unwrap();
    wait_for_text(&c, "main h1", "案件 ").await;
    // Signing out ends the sign-in at the server: even a copy of the cookie no longer refreshes.
    c.find(Locator::XPath("//header//button[contains(., '登出')]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#username")).await.unwrap();
    let mut status = 0;
    for _ in 0..50 {
        status = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/refresh", server.base))
            .header("Statreq-Refresh", "cookie")
            .header("Cookie", format!("statreq_refresh={stolen}"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or_default();
        if status == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 401, "the signed-out session still refreshes");
    let _ = c.close().await;
}

/// After the access token expired, a page that asks several things at once (a request's:
/// the request, its timeline, its check, its sources …) refreshes the sign-in once: two
/// refreshes with one token are a reuse, which the server answers by ending the sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_opening_a_page_of_many_calls_stays_signed_in() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default(), "--access-token-seconds", "1"]);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::statistics(), statreq_e2e::statreq_contract::State::PendingSupervisor, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    let link = format!("main a[href='/requests/{}']", r.id);
    c.wait().for_element(Locator::Css(&link)).await.unwrap();
    // The access token expires (1 s, plus the 30 s leeway statreq allows for clock skew).
    tokio::time::sleep(Duration::from_secs(33)).await;
    c.find(Locator::Css(&link)).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", &format!("案件 {}", r.id)).await;
    wait_for_text(&c, "ol.timeline", "待主管機關審核").await;
    assert_eq!(c.current_url().await.unwrap().path(), format!("/requests/{}", r.id));
    // The browser's sign-in lives on: the scenario's, the browser's and this one.
    assert_eq!(server.login("applicant.npa").await.sessions().await.unwrap().len(), 3);
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_previews_and_saves_queue_settings() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = common::Scenario::new(&server).await;
    use statreq_e2e::statreq_contract::{Decision, DgpaDecision, Difficulty, State};
    // The lower number reaches DGPA after the higher one: with no weight to tell them
    // apart, the queue takes the first received first (rule 5.3).
    let later = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    let queued = people.in_state(&common::statistics(), State::Queued, 2).await;
    people.supervisor.supervisor_decision(later.id, None, Decision::Approve, None).await.unwrap();
    people.officer.dgpa_decision(later.id, None, DgpaDecision::Accept, Difficulty::new(2).ok(), None).await.unwrap();
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    // Anything the Content-Security-Policy blocks from here on (in-app navigation, no reload).
    c.execute("window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));", vec![]).await.unwrap();
    c.find(Locator::LinkText("系統管理")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "系統管理").await;
    assert_accessible(&c, "administration").await;
    let w = c.wait().for_element(Locator::Css("#w-diff")).await.unwrap();
    wait_for_text(&c, "main", "難易度權重").await;
    // A weight of a few digits is not a line across the page.
    let wide = c.execute("return document.querySelector('#w-diff').getBoundingClientRect().width", vec![]).await.unwrap();
    assert!(wide.as_f64().is_some_and(|w| w <= 200.0), "a weight's field is {wide} px wide");
    // The preview names what it orders: the request (a link to it), its agency, its priority.
    let row = format!("案件 {} · 內政部警政署 · 優先值 ", queued.id);
    wait_for_text(&c, "ol.preview", &row).await;
    assert!(c.find(Locator::Css(&format!("ol.preview a[href='/requests/{}']", queued.id))).await.is_ok());
    // Saving what is in force says so and records nothing (the version below stays 1).
    c.find(Locator::XPath("//button[normalize-space()='儲存設定']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "[role=status]", "沒有變更").await;
    w.clear().await.unwrap();
    w.send_keys("450").await.unwrap();
    // Every setting is here, not only the weights.
    for (id, value) in [("#s-max-wait", "45"), ("#s-half-life", "60"), ("#s-gamma", "0.75"), ("#s-default-staff", "12")] {
        let input = c.find(Locator::Css(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    c.find(Locator::XPath("//button[normalize-space()='儲存設定']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "[role=status]", "已儲存並記錄").await;
    wait_for_text(&c, "ol.timeline", "settings.queue_changed").await;
    let admin = server.login("admin.dgpa").await;
    let s = admin.queue_settings().await.unwrap();
    assert_eq!((s.version, s.settings.weight_difficulty), (1, 450));
    let t = &s.settings;
    assert_eq!((t.max_wait_days, t.half_life_days, t.gamma, t.default_staff), (45, 60, 0.75, 12));
    // Weights that tie every request: the preview orders them as the queue would, by
    // DGPA's receipt (it ordered them by number).
    for id in ["#w-age", "#w-diff", "#w-fair"] {
        let input = c.find(Locator::Css(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys("0").await.unwrap();
    }
    let order = "return Array.from(document.querySelectorAll('ol.preview li a')).map(a => a.getAttribute('href'))";
    let want = serde_json::json!([format!("/requests/{}", queued.id), format!("/requests/{}", later.id)]);
    wait_for_script(&c, order, want).await;
    wait_for_text(&c, "main", "applicant.npa").await;
    assert_accessible(&c, "administration after edits").await;
    // Another administrator saves the settings meanwhile: this form's save is refused,
    // nothing typed is lost (the three weights stay 0), what it left as read takes what
    // was saved (the longest wait), and saved over it at the administrator's word.
    let mut theirs = s.settings.clone();
    theirs.max_wait_days = 50;
    admin.put_queue_settings(&theirs, s.version).await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='儲存設定']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    wait_for_text(&c, "section.meanwhile [role=alert]", "儲存者：").await;
    wait_for_script(&c, "return document.activeElement.id", serde_json::json!("meanwhile-h")).await;
    let row = "return Array.from(document.querySelectorAll('section.meanwhile tbody tr')).map(r => Array.from(r.cells).map(td => td.textContent))";
    assert_eq!(c.execute(row, vec![]).await.unwrap(), serde_json::json!([["最長等候日數（逾此依等候先後優先）", "45", "50", "50"]]));
    for (id, value) in [("w-age", "0"), ("w-diff", "0"), ("w-fair", "0"), ("s-max-wait", "50"), ("s-half-life", "60")] {
        wait_for_value(&c, &format!("#{id}"), value).await;
    }
    assert_eq!(admin.queue_settings().await.unwrap().version, 2, "nothing saved over theirs unasked");
    assert_accessible(&c, "queue settings saved meanwhile").await;
    c.find(Locator::Css("#keep-mine")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "[role=status]", "已儲存並記錄").await;
    let s = admin.queue_settings().await.unwrap();
    let t = &s.settings;
    assert_eq!((s.version, t.weight_age, t.weight_difficulty, t.weight_fair_share, t.max_wait_days), (3, 0, 0, 0, 50));
    assert!(c.find(Locator::Css("section.meanwhile")).await.is_err(), "the panel is gone once saved");
    // Theirs the same as mine: saving mine over it changes nothing, says so, and the form
    // goes on at their version (the next save is not refused).
    let w = c.find(Locator::Css("#w-age")).await.unwrap();
    w.clear().await.unwrap();
    w.send_keys("5").await.unwrap();
    let mut same = s.settings.clone();
    same.weight_age = 5;
    admin.put_queue_settings(&same, s.version).await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='儲存設定']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    c.find(Locator::Css("#keep-mine")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "[role=status]", "沒有變更").await;
    wait_gone(&c, "section.meanwhile").await;
    let w = c.find(Locator::Css("#w-diff")).await.unwrap();
    w.clear().await.unwrap();
    w.send_keys("1").await.unwrap();
    c.find(Locator::XPath("//button[normalize-space()='儲存設定']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "[role=status]", "已儲存並記錄").await;
    let s = admin.queue_settings().await.unwrap();
    assert_eq!((s.version, s.settings.weight_age, s.settings.weight_difficulty), (5, 5, 1));
    // A new account, created in the browser, can sign in.
    for (id, value) in [
        ("#nu-username", "new.applicant"),
        ("#nu-name", "新進人員"),
        ("#nu-email", "new@npa.gov.tw"),
        ("#nu-agency", "NPA"),
        ("#nu-password", "a-long-initial-password"),
    ] {
        c.find(Locator::Css(id)).await.unwrap().send_keys(value).await.unwrap();
    }
    c.find(Locator::XPath("//button[normalize-space()='建立帳號']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "p.account-status", "已建立帳號 new.applicant").await;
    let mut fresh = server.client();
    let me = fresh.login("new.applicant", "a-long-initial-password").await.map(|_| ());
    assert!(me.is_ok(), "{me:?}");
    // The list shows it at once, its agency by name; agencies are offered by name
    // where a code is asked for; an account is found by words and role.
    wait_for_text(&c, "table.accounts", "內政部警政署（NPA）").await;
    let offered = c.find(Locator::Css("datalist#agency-codes option[value='NPA']")).await.unwrap();
    assert_eq!(offered.prop("textContent").await.unwrap().as_deref(), Some("內政部警政署"));
    c.find(Locator::Css("#us-q")).await.unwrap().send_keys("新進").await.unwrap();
    c.find(Locator::Css("form.account-search button[type=submit]")).await.unwrap().click().await.unwrap();
    let rows = "return Array.from(document.querySelectorAll('table.accounts tbody tr td:first-child')).map(td => td.textContent)";
    let mut found = Vec::new();
    for _ in 0..50 {
        found = serde_json::from_value::<Vec<String>>(c.execute(rows, vec![]).await.unwrap_or_default()).unwrap_or_default();
        if found.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found, ["new.applicant"]);
    c.find(Locator::Css("#us-role option[value='supervisor']")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("form.account-search button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "#no-accounts", "沒有符合的帳號").await;

    // Agencies have their own page in the administration's navigation.
    c.find(Locator::Css("nav.subnav a[href='/admin/agencies']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "section[aria-labelledby='ag-h'] table.list", "臺北市政府").await;
    // The agencies read as the tree: a ministry, then the agencies under it.
    let order = c
        .execute(
            "return Array.from(document.querySelectorAll('main table.list tbody tr td:first-child')).map(td => td.textContent)",
            vec![],
        )
        .await
        .unwrap_or_default();
    let codes: Vec<String> = serde_json::from_value(order).unwrap_or_default();
    let pos = |code: &str| codes.iter().position(|c| c == code).unwrap_or(usize::MAX);
    // Children come right after their parent, before the parent's next sibling.
    assert!(pos("DGPA") == 0, "{codes:?}");
    assert!(pos("MOI") < pos("NIA") && pos("NIA") < pos("TPE") && pos("MOI") < pos("NPA") && pos("NPA") < pos("TPE"), "{codes:?}");
    assert!(pos("TPE") < pos("TPEDU"), "{codes:?}");
    // The tree's indent applies under the CSP (set through the CSSOM, not a style attribute).
    let pads = c
        .execute(
            "const rows = Array.from(document.querySelectorAll('main table.list tbody tr'));
             const pad = code => parseFloat(getComputedStyle(rows.find(r => r.cells[0].textContent === code).cells[1]).paddingLeft);
             return [pad('DGPA'), pad('NIA')];",
            vec![],
        )
        .await
        .unwrap_or_default();
    let pads: Vec<f64> = serde_json::from_value(pads).unwrap_or_default();
    assert!(pads.len() == 2 && pads[1] > pads[0] + 10.0, "indent under the CSP: {pads:?}");
    let blocked = c.execute("return window.cspViolations", vec![]).await.unwrap_or_default();
    assert_eq!(blocked, serde_json::json!([]), "blocked by the Content-Security-Policy");
    // A personnel staff count, edited.
    c.find(Locator::Css("#edit-agency-MOE")).await.unwrap().click().await.unwrap();
    let staff = c.wait().for_element(Locator::Css("#ae-staff")).await.unwrap();
    staff.clear().await.unwrap();
    staff.send_keys("70").await.unwrap();
    c.find(Locator::XPath("//form[.//input[@id='ae-staff']]//button[@type='submit']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "#agency-status", "已儲存機關").await;
    let moe = admin.list_agencies().await.unwrap_or_default().into_iter().find(|a| a.code == "MOE").map(|a| a.personnel_staff);
    assert_eq!(moe, Some(70));
    assert_accessible(&c, "agencies after edits").await;
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhr_single_sign_on_submission_receipt_and_a_narrow_screen() {
    let dist = spa_dir();
    let issuers = statreq_e2e::webhr::issuers_file();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default(), "--trusted-issuers", &issuers]);
    let token = statreq_e2e::webhr::token(statreq_e2e::webhr::claims("E777", "NPA", &["applicant"]));
    // A complete application drafted by the WebHR user over the API.
    let api = server.client().with_token(token.clone());
    let mut app = common::statistics();
    app.contact.name = "周佳蓉".into();
    app.contact.email = "chou@npa.gov.tw".into();
    let r = api.create_request(&app).await.unwrap();

    let (_driver, c) = browser().await;
    c.set_window_size(360, 800).await.unwrap();
    c.goto(&format!("{}/sso#access_token={token}", server.base)).await.unwrap();
    wait_for_text(&c, "header .who", "周佳蓉").await;
    wait_for_text(&c, "main h1", "案件").await;
    let url = c.current_url().await.unwrap();
    assert!(!url.as_str().contains("access_token"), "the token leaves the address bar: {url}");
    // 360 px wide: nothing scrolls sideways.
    let fits = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap_or_default();
    assert_eq!(fits, serde_json::json!(true), "the list overflows 360 px");
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main", "草稿").await;
    let fits = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap_or_default();
    assert_eq!(fits, serde_json::json!(true), "the request page overflows 360 px");
    c.find(Locator::XPath("//button[normalize-space()='送出']")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "p.receipt", &format!("已送出：案號 {}", r.id)).await;
    wait_for_text(&c, "main", "待主管機關審核").await;
    // WebHR can sign its user straight into a request (`&next=`, this site's paths only).
    c.goto(&format!("{}/", server.base)).await.unwrap();
    c.goto(&format!("{}/sso#access_token={token}&next=%2Frequests%2F{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main h1", &format!("案件 {}", r.id)).await;
    assert_eq!(c.current_url().await.unwrap().path(), format!("/requests/{}", r.id));
    let _ = c.close().await;
}

/// Fills a date input the way a date picker does (WebDriver cannot type into one
/// reliably across locales), telling the SPA through its input event.
pub(crate) async fn set_date(c: &Client, id: &str, day: &str) {
    let script =
        format!("const e = document.getElementById('{id}'); e.value = '{day}'; e.dispatchEvent(new Event('input', {{ bubbles: true }}));");
    c.execute(&script, vec![]).await.unwrap();
}

pub(crate) async fn click(c: &Client, locator: Locator<'_>) {
    c.wait().for_element(locator).await.unwrap().click().await.unwrap();
}

pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    c.wait().for_element(Locator::Css(css)).await.unwrap().send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_question_is_asked_answered_and_published_in_the_browser() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;

    // The applicant reads a field in the dictionary, then asks about it.
    sign_in(&c, &server.base, "applicant.npa").await;
    click(&c, Locator::LinkText("欄位字典")).await;
    wait_for_text(&c, "main h1", "欄位字典").await;
    type_into(&c, "#field-search", "公務年資").await;
    // Its type in words, as everything else on the page.
    wait_for_text(&c, "table.fields tbody", "小數").await;
    click(&c, Locator::Css("table.fields a[href='/fields/service_years']")).await;
    wait_for_text(&c, "main h1", "公務年資").await;
    wait_for_text(&c, "main", "留職停薪期間不計").await;
    assert_accessible(&c, "field page").await;
    click(&c, Locator::LinkText("對此欄位提問")).await;
    wait_for_text(&c, "main h1", "欄位疑義").await;
    type_into(&c, "#q-subject", "育嬰留職停薪是否計入公務年資").await;
    type_into(&c, "#q-body", "育嬰留職停薪期間是否計入？").await;
    assert_accessible(&c, "questions page").await;
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "育嬰留職停薪是否計入公務年資").await;
    wait_for_text(&c, "main", "待答復").await;
    let url = c.current_url().await.unwrap();

    // The DGPA officer finds it in the inbox, answers and publishes the answer.
    c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
    sign_in(&c, &server.base, "officer1.dgpa").await;
    click(&c, Locator::Css("header a[href='/inbox']")).await;
    wait_for_text(&c, "ul.inbox", "新的欄位疑義").await;
    wait_for_text(&c, "header a[href='/inbox']", "通知（").await;
    assert_accessible(&c, "inbox").await;
    // One click marks what is shown read; the header's count goes with it.
    click(&c, Locator::Css("#read-all")).await;
    wait_gone(&c, "ul.inbox li.unread").await;
    wait_gone(&c, "#read-all").await;
    assert_eq!(text_of(&c, "header a[href='/inbox']").await, "通知");
    assert_eq!(server.login("officer1.dgpa").await.inbox_summary().await.map(|s| s.unread).ok(), Some(0));
    c.goto(url.as_str()).await.unwrap();
    type_into(&c, "#reply", "育嬰留職停薪期間亦不計入公務年資。\n借調期間另案說明。").await;
    click(&c, Locator::XPath("//button[normalize-space()='送出回覆']")).await;
    wait_for_text(&c, "main", "已答復").await;
    // DGPA's reply is told apart from the office's question, its lines as written; the
    // fields go by name.
    wait_for_text(&c, "ol.thread li.dgpa", "人事總處回復").await;
    wait_for_text(&c, "ol.thread li.dgpa", "亦不計入公務年資。\n借調期間另案說明。").await;
    let sides = "return Array.from(document.querySelectorAll('ol.thread li')).map(li => getComputedStyle(li).backgroundColor)";
    let sides = c.execute(sides, vec![]).await.unwrap();
    assert_ne!(sides[0], sides[1], "the two sides look different: {sides}");
    assert_eq!(text_of(&c, "main a[href='/fields/service_years']").await, "公務年資");
    type_into(&c, "#faq-a", "育嬰留職停薪期間亦不計入公務年資。\n借調期間依原職計入。").await;
    assert_accessible(&c, "question thread").await;
    click(&c, Locator::XPath("//button[normalize-space()='發布']")).await;
    wait_for_text(&c, "p.note", "已發布至欄位常見問答").await;

    // The office follows up while the officer writes more: the officer's reply, on the
    // thread as read, is refused, and the thread is shown again with the reply kept.
    let id: i64 = url.as_str().rsplit('/').next().and_then(|n| n.parse().ok()).unwrap();
    server.login("applicant.npa").await.reply_inquiry(id, "那借調期間呢？", None).await.unwrap();
    type_into(&c, "#reply", "借調期間計入公務年資。").await;
    click(&c, Locator::XPath("//button[normalize-space()='送出回覆']")).await;
    wait_for_text(&c, "ol.thread", "那借調期間呢？").await;
    wait_for_text(&c, "p.note", "已重新顯示").await;
    wait_for_value(&c, "#reply", "借調期間計入公務年資。").await;
    click(&c, Locator::XPath("//button[normalize-space()='送出回覆']")).await;
    wait_for_text(&c, "ol.thread li:last-child", "借調期間計入公務年資。").await;
    wait_for_value(&c, "#reply", "").await;
    // A reply being written is not lost to a stray click: leaving asks first.
    leaving_asks_first(&c, "#reply", "尚未送出的補充", "main a[href='/fields/service_years']").await;
    assert_eq!(c.current_url().await.unwrap(), url, "stayed");
    click(&c, Locator::XPath("//button[normalize-space()='送出回覆']")).await;
    wait_for_text(&c, "ol.thread li:last-child", "尚未送出的補充").await;
    wait_for_value(&c, "#reply", "").await;
    // Closed by the office while a reply was being written: the text is not lost with the
    // form, but kept to be copied, until discarded.
    server.login("applicant.npa").await.close_inquiry(id, None).await.unwrap();
    type_into(&c, "#reply", "另補充：留職停薪期間之年資另計。").await;
    click(&c, Locator::XPath("//button[normalize-space()='送出回覆']")).await;
    wait_for_text(&c, "p.note", "已重新顯示").await;
    wait_for_text(&c, "main", "已結案").await;
    wait_for_text(&c, "#unsent", "另補充：留職停薪期間之年資另計。").await;
    assert!(c.find(Locator::Css("#reply")).await.is_err(), "closed: no reply form");
    click(&c, Locator::XPath("//section[@aria-labelledby='unsent-h']//button[normalize-space()='捨棄']")).await;
    wait_gone(&c, "#unsent").await;

    // The thread shows where its answer was published.
    wait_for_text(&c, "section[aria-labelledby=faq-h] dl.faq", "育嬰留職停薪期間亦不計入公務年資").await;
    // Opened afresh, the page asks for each thing once (the dictionary was asked twice:
    // by the page, and by its FAQ entries for the fields' names).
    let thread = c.current_url().await.unwrap();
    c.goto(thread.as_str()).await.unwrap();
    wait_for_text(&c, "section[aria-labelledby=faq-h] dl.faq", "育嬰留職停薪期間亦不計入公務年資").await;
    asks_once_and_only_what_it_may(&c, "the question's page").await;

    // Every office reads it in the field's FAQ; DGPA may withdraw it, once confirmed.
    c.goto(&format!("{}/fields/service_years", server.base)).await.unwrap();
    wait_for_text(&c, "dl.faq", "育嬰留職停薪期間亦不計入公務年資。\n借調期間依原職計入。").await;
    let entries = server.login("applicant.tpedu").await.get_field("service_years").await.unwrap().faq.len();
    let withdraw = "//dl[@class='faq']/dd[contains(., '育嬰留職停薪期間亦不計入公務年資')]/button[normalize-space()='自常見問答撤下']";
    click(&c, Locator::XPath(withdraw)).await;
    c.dismiss_alert().await.unwrap();
    assert_eq!(server.login("applicant.tpedu").await.get_field("service_years").await.unwrap().faq.len(), entries);
    click(&c, Locator::XPath(withdraw)).await;
    c.accept_alert().await.unwrap();
    for _ in 0..100 {
        if !text_of(&c, "dl.faq").await.contains("育嬰留職停薪期間亦不計入公務年資") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!text_of(&c, "dl.faq").await.contains("育嬰留職停薪期間亦不計入公務年資"));
    assert_eq!(server.login("applicant.tpedu").await.get_field("service_years").await.unwrap().faq.len(), entries - 1);

    // The applicant is told; opening a notice marks it read.
    c.execute("localStorage.clear(); sessionStorage.clear();", vec![]).await.unwrap();
    sign_in(&c, &server.base, "applicant.npa").await;
    let applicant = server.login("applicant.npa").await;
    // Both notices (the answer, the FAQ) are written by the notification worker, shortly after.
    for _ in 0..100 {
        let kinds: Vec<String> = applicant.inbox(true).await.unwrap_or_default().into_iter().map(|i| i.kind).collect();
        if ["inquiry_answered", "faq_published"].iter().all(|k| kinds.iter().any(|x| x == k)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let unread = applicant.inbox_summary().await.map(|s| s.unread).unwrap_or_default();
    assert!(unread >= 2, "{unread}");
    click(&c, Locator::Css("header a[href='/inbox']")).await;
    wait_for_text(&c, "header a[href='/inbox']", &format!("通知（{unread}）")).await;
    // The list follows a switch of language, as the header does.
    wait_for_text(&c, "ul.inbox li.unread button", "標為已讀").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    wait_for_text(&c, "header a[href='/inbox']", &format!("Notifications ({unread})")).await;
    wait_for_text(&c, "ul.inbox li.unread button", "Mark read").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='中文']")).await;
    wait_for_text(&c, "ul.inbox li.unread button", "標為已讀").await;
    // DGPA's three answers read as one line, saying how many; opening it marks them read.
    let notices = applicant.inbox(true).await.unwrap();
    let newest = notices.iter().find(|i| i.link.starts_with("/inquiries/")).unwrap();
    let same = notices.iter().filter(|i| i.kind == newest.kind && i.link == newest.link).count();
    assert_eq!((newest.kind.as_str(), same), ("inquiry_answered", 3));
    let line = text_of(&c, "ul.inbox li.unread:has(a[href^='/inquiries/'])").await;
    assert!(line.contains("人事總處已答復") && line.contains("（共 3 則）"), "{line}");
    assert_eq!(c.find_all(Locator::Css("ul.inbox li")).await.unwrap().len(), notices.len() - 2, "one line for the three");
    click(&c, Locator::Css("ul.inbox li.unread a[href^='/inquiries/']")).await;
    wait_for_text(&c, "main h1", "育嬰留職停薪是否計入公務年資").await;
    let left = unread - 3;
    wait_for_text(&c, "header a[href='/inbox']", &if left == 0 { "通知".to_string() } else { format!("通知（{left}）") }).await;
    assert_eq!(applicant.inbox_summary().await.map(|s| s.unread).ok(), Some(left));
}

/// A notice of a message opens the request at the message, marked, from the inbox
/// (the router's navigation) as from an e-mail's link (a page load).
/// Opening a request's page, however it was reached, reads the notices about it (as
/// opening them from the inbox does); the notices about other requests stay unread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_request_reads_the_notices_about_it() {
    let dist = spa_dir();
    let mut args = vec!["--spa-dir", dist.to_str().unwrap_or_default()];
    args.extend(crate::integration::FAST);
    let server = TestServer::start_with(Backend::Sqlite, &args);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = applicant.create_request(&common::statistics()).await.unwrap();
        applicant.submit(r.id, None).await.unwrap();
        supervisor.post_message(r.id, "請補充統計基準日").await.unwrap();
        supervisor.post_message(r.id, "另請確認是否含約聘僱人員").await.unwrap();
        ids.push(r.id);
    }
    let unread_about = |id: i64| {
        let applicant = applicant.clone();
        async move {
            let items = applicant.inbox(true).await.unwrap_or_default();
            items.iter().filter(|i| i.link.split('#').next() == Some(format!("/requests/{id}").as_str())).count()
        }
    };
    for _ in 0..100 {
        if unread_about(ids[0]).await == 2 && unread_about(ids[1]).await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!((unread_about(ids[0]).await, unread_about(ids[1]).await), (2, 2));

    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    // The list marks both: there is something new about each.
    let marked = |id: i64| format!("table.list tr:has(a[href='/requests/{id}']) .badge.new");
    c.goto(&format!("{}/", server.base)).await.unwrap();
    wait_for_text(&c, &marked(ids[0]), "新通知").await;
    wait_for_text(&c, &marked(ids[1]), "新通知").await;
    c.goto(&format!("{}/requests/{}", server.base, ids[0])).await.unwrap();
    wait_for_text(&c, "ul.messages", "另請確認是否含約聘僱人員").await;
    let mut left = usize::MAX;
    for _ in 0..50 {
        left = unread_about(ids[0]).await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "the notices about the request opened are read");
    assert_eq!(unread_about(ids[1]).await, 2, "the others' are not");
    // The header counts what is left.
    wait_for_text(&c, "header a[href='/inbox']", "通知（2）").await;
    // Back in the list, only the other is marked.
    click(&c, Locator::Css("header a[href='/']")).await;
    wait_for_text(&c, &marked(ids[1]), "新通知").await;
    assert!(c.find_all(Locator::Css(&marked(ids[0]))).await.unwrap().is_empty(), "read: no longer marked");
    let _ = c.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_of_a_message_opens_at_the_message() {
    let dist = spa_dir();
    let mut args = vec!["--spa-dir", dist.to_str().unwrap_or_default()];
    args.extend(crate::integration::FAST);
    let server = TestServer::start_with(Backend::Sqlite, &args);
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();
    applicant.submit(r.id, None).await.unwrap();
    let supervisor = server.login("supervisor.moi").await;
    for i in 0..30 {
        supervisor.post_message(r.id, &format!("第 {i} 則：請補充統計基準日")).await.unwrap();
    }
    let asked = supervisor.post_message(r.id, "請確認是否含約聘僱人員").await.unwrap();
    let link = format!("/requests/{}#msg-{}", r.id, asked.id);
    let mut told = false;
    for _ in 0..100 {
        told = applicant.inbox(true).await.unwrap_or_default().iter().any(|i| i.link == link);
        if told {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(told, "no notice links to {link}");

    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    click(&c, Locator::Css("header a[href='/inbox']")).await;
    click(&c, Locator::Css(&format!("ul.inbox a[href='{link}']"))).await;
    wait_for_text(&c, "ul.messages li.target", "請確認是否含約聘僱人員").await;
    assert_eq!(c.find_all(Locator::Css("ul.messages li.target")).await.unwrap().len(), 1, "that message only");
    // In view once the page has settled (sections above it load on their own).
    let in_view = format!(
        "const r = document.getElementById('msg-{}').getBoundingClientRect(); return [r.top >= 0 && r.top < window.innerHeight, r.top, window.scrollY];",
        asked.id
    );
    let mut seen = serde_json::Value::Null;
    for _ in 0..50 {
        seen = c.execute(&in_view, vec![]).await.unwrap();
        if seen[0] == serde_json::json!(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen[0], serde_json::json!(true), "scrolled to it: {seen}");
    // The office's page asks for nothing it may not have (DGPA's officers were asked for,
    // and refused, on every request page).
    let asked_officers =
        c.execute("return performance.getEntriesByType('resource').some(e => e.name.includes('/api/v1/officers'));", vec![]).await.unwrap();
    assert_eq!(asked_officers, serde_json::json!(false));
    // From an e-mail: the page loads at the address.
    c.goto(&format!("{}{link}", server.base)).await.unwrap();
    wait_for_text(&c, "ul.messages li.target", "請確認是否含約聘僱人員").await;
    // An answer being written is not lost to a stray click: leaving asks first.
    leaving_asks_first(&c, "#message", "已確認不含約聘僱人員", "header a[href='/inbox']").await;
    assert!(c.current_url().await.unwrap().as_str().contains(&format!("/requests/{}", r.id)), "stayed");
}

/// The screen shown asked the API for each thing once, and for nothing refused to its
/// reader: a refused call is an error in the browser's console and a round trip for
/// nothing, a repeated one a load on the service for nothing.
pub(crate) async fn asks_once_and_only_what_it_may(c: &Client, screen: &str) {
    let asked = "const seen = {}, refused = [];
        for (const e of performance.getEntriesByType('resource')) {
            if (!e.name.includes('/api/v1/')) continue;
            seen[e.name] = (seen[e.name] || 0) + 1;
            if (e.responseStatus >= 400) refused.push(e.name + ' ' + e.responseStatus);
        }
        return [Object.keys(seen).filter(k => seen[k] > 1), refused];";
    let got = c.execute(asked, vec![]).await.unwrap();
    assert_eq!(got[0], serde_json::json!([]), "{screen}: asked twice");
    assert_eq!(got[1], serde_json::json!([]), "{screen}: refused");
}

/// Types `text` into `field`, clicks the link `link`: the page asks before it is left;
/// dismissed, the text stays.
pub(crate) async fn leaving_asks_first(c: &Client, field: &str, text: &str, link: &str) {
    type_into(c, field, text).await;
    click(c, Locator::Css(link)).await;
    let question = alert_text(c).await;
    assert!(question.contains("尚未送出"), "{question}");
    c.dismiss_alert().await.unwrap();
    wait_for_value(c, field, text).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_conditions_and_breakdowns_are_edited_in_the_form() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    // Opened directly: the contact details still come from the account once it loads.
    wait_for_value(&c, "#c-name", "林怡君").await;
    // An untouched form shows no errors, and answers nothing for the applicant: neither
    // output kind nor "personal data?" is preselected (rule 3: answered explicitly).
    assert!(text_of(&c, "#h-reason").await.is_empty());
    assert!(text_of(&c, "#h-personal").await.is_empty());
    assert_eq!(c.find(Locator::Css("#output")).await.unwrap().prop("value").await.unwrap_or_default().as_deref(), Some(""));
    for radio in ["#personal-yes", "#personal-no"] {
        let checked = c.find(Locator::Css(radio)).await.unwrap().prop("checked").await.unwrap_or_default();
        assert_eq!(checked.as_deref(), Some("false"), "{radio}");
        // Laid out as a choice: the button beside its words, which fit on one line.
        let js = format!(
            "const i = document.querySelector('{radio}'), l = i.closest('label');
             const r = i.getBoundingClientRect(), lr = l.getBoundingClientRect(), line = parseFloat(getComputedStyle(l).lineHeight) || 24;
             return [r.width, lr.height, line];"
        );
        let got = c.execute(&js, vec![]).await.unwrap();
        let n = |k: usize| got.get(k).and_then(serde_json::Value::as_f64).unwrap_or(f64::MAX);
        assert!(n(0) < 40.0 && n(1) < 2.0 * n(2), "{radio} is {got}: a radio stretched across its label");
    }
    // Nothing typed, nothing to lose: leaving goes without a question (the untouched
    // form asked "leave with unsaved changes?").
    click(&c, Locator::Css("header a[href='/inbox']")).await;
    assert!(c.get_alert_text().await.is_err(), "asked before leaving an untouched form");
    wait_for_text(&c, "main h1", "通知").await;
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_value(&c, "#c-name", "林怡君").await;
    // Leaving a field shows its problem.
    click(&c, Locator::Css("#reason")).await;
    click(&c, Locator::Css("#c-phone")).await;
    wait_for_text(&c, "#h-reason", "申請事由").await;
    click(&c, Locator::Css("#output option[value='statistics']")).await;
    click(&c, Locator::Css("#f-grade")).await;
    click(&c, Locator::Css("#add-condition")).await;
    let field = c.wait().for_element(Locator::Css(".condition select[id^='cf-'] option[value='official_rank']")).await;
    field.unwrap().click().await.unwrap();
    click(&c, Locator::Css(".condition select[id^='co-'] option[value='in']")).await;
    type_into(&c, ".condition input[id^='cv-']", "junior, general").await;
    // The same rules as the server, live: a value outside the code table.
    wait_for_text(&c, "#h-filters", "不在欄位的代碼表中").await;
    let values = c.find(Locator::Css(".condition input[id^='cv-']")).await.unwrap();
    values.clear().await.unwrap();
    // Typed full-width, as a Chinese input method may: sent as the codes.
    values.send_keys("ｊｕｎｉｏｒ，ｓｅｎｉｏｒ").await.unwrap();
    for _ in 0..50 {
        if !text_of(&c, "#h-filters").await.contains("代碼表") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!text_of(&c, "#h-filters").await.contains("代碼表"));
    click(&c, Locator::Css("#b-grade")).await;
    assert_accessible(&c, "form with a condition").await;
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "案件 ").await;
    wait_for_text(&c, "ul.filters", "官等 為下列之一 junior、senior").await;
    wait_for_text(&c, "main dl", "統計分組").await;
    let r = server.login("applicant.npa").await.list_requests(None, None, Some(5)).await.unwrap();
    let saved = &r.items[0].application.requirement;
    assert_eq!((saved.filters.len(), saved.breakdowns.as_slice()), (1, ["grade".to_string()].as_slice()));
    assert_eq!(saved.filters[0].values, ["junior", "senior"]);

    // Editing shows what was saved: the output kind, and breakdowns by field name.
    c.find(Locator::LinkText("修改申請內容")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main h1", "修改申請").await;
    wait_for_value(&c, "#output", "statistics").await;
    wait_for_text(&c, "fieldset.breakdowns", "職等").await;
    // Declaring personal data asks the purpose explicitly and a necessity note per
    // personal field, named, wherever it is used (here: a condition on birth date).
    click(&c, Locator::Css("#personal-yes")).await;
    assert_eq!(c.find(Locator::Css("#purpose")).await.unwrap().prop("value").await.unwrap_or_default().as_deref(), Some(""));
    click(&c, Locator::Css("#add-condition")).await;
    click(&c, Locator::Css(".condition:last-of-type select[id^='cf-'] option[value='birth_date']")).await;
    wait_for_text(&c, "#step-3", "出生日期").await;
    assert_accessible(&c, "form declaring personal data").await;
}

/// The text of the browser's dialog (a confirmation), waiting for it: a page may ask
/// only after something it looks up first (how much work an officer holds), just after
/// the click that asked.
pub(crate) async fn alert_text(c: &Client) -> String {
    for _ in 0..100 {
        if let Ok(text) = c.get_alert_text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no dialog was shown");
}

/// Waits until nothing matches `css` (a closed form has left the page: the SPA updates
/// the page just after the event, and a busy machine widens that moment).
pub(crate) async fn wait_gone(c: &Client, css: &str) {
    for _ in 0..100 {
        if c.find_all(Locator::Css(css)).await.map(|v| v.is_empty()).unwrap_or(false) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never went away");
}

/// Waits until exactly `n` elements match `css` (a list reloads just after the message
/// that announces the change: the SPA keeps the old rows while the new ones load).
pub(crate) async fn wait_count(c: &Client, css: &str, n: usize) {
    let mut seen = 0;
    for _ in 0..100 {
        seen = c.find_all(Locator::Css(css)).await.map(|v| v.len()).unwrap_or(0);
        if seen == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} matched {seen}, never {n}");
}

pub(crate) async fn wait_for_value(c: &Client, css: &str, want: &str) {
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.prop("value").await.ok().flatten().as_deref() == Some(want) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css} never had the value {want:?}");
}

/// Waits (up to 10 s) until `script` answers `want`; what it last answered otherwise.
pub(crate) async fn wait_for_script(c: &Client, script: &str, want: serde_json::Value) {
    let mut got = serde_json::Value::Null;
    for _ in 0..100 {
        got = c.execute(script, vec![]).await.unwrap_or_default();
        if got == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{script} never answered {want}; it answered {got}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_edits_a_definition_and_sources_are_browsed() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "admin.dgpa").await;
    c.goto(&format!("{}/fields/grade", server.base)).await.unwrap();
    wait_for_text(&c, "ol.history", "系統預設").await;
    // A field of no personal data: its type alone, in words, with nothing trailing.
    let kind = c.find(Locator::XPath("//main//p[starts-with(normalize-space(), '型態')]")).await.unwrap().text().await.unwrap();
    assert_eq!(kind.trim(), "型態：代碼");
    let def = c.wait().for_element(Locator::Css("#def-zh")).await.unwrap();
    def.clear().await.unwrap();
    def.send_keys("現職銓敘審定之職等；代理者以本職計。").await.unwrap();
    assert_accessible(&c, "field editor").await;
    // Not saved yet: leaving asks first, and staying keeps the text. Once saved (below),
    // the header's links leave at once.
    click(&c, Locator::Css("header a[href='/sources']")).await;
    assert!(alert_text(&c).await.contains("尚未儲存"));
    c.dismiss_alert().await.unwrap();
    wait_for_value(&c, "#def-zh", "現職銓敘審定之職等；代理者以本職計。").await;
    // Nor is it lost to a look at the page in English and back (the page was drawn anew
    // with the stored definition).
    click(&c, Locator::XPath("//header//button[normalize-space()='English']")).await;
    wait_for_text(&c, "#edit-h", "administrator").await;
    wait_for_value(&c, "#def-zh", "現職銓敘審定之職等；代理者以本職計。").await;
    click(&c, Locator::XPath("//header//button[normalize-space()='中文']")).await;
    wait_for_text(&c, "#def-h", "定義").await;
    wait_for_value(&c, "#def-zh", "現職銓敘審定之職等；代理者以本職計。").await;
    click(&c, Locator::XPath("//button[normalize-space()='儲存']")).await;
    wait_for_text(&c, "ol.history", "吳美玲").await;
    wait_for_text(&c, "main", "代理者以本職計").await;
    // Saved again as it is: nothing changed, and it says so.
    wait_for_value(&c, "#def-zh", "現職銓敘審定之職等；代理者以本職計。").await;
    click(&c, Locator::XPath("//button[normalize-space()='儲存']")).await;
    wait_for_text(&c, "form [role=status]", "沒有變更").await;
    let saved = server.login("applicant.npa").await.get_field("grade").await.unwrap();
    assert_eq!(saved.field.definition.zh_tw, "現職銓敘審定之職等；代理者以本職計。");
    // Another administrator writes the English meanwhile, while the Chinese is edited
    // here: the save is refused, nothing typed is lost, the English the form left as
    // read takes theirs, and the panel says so, to save over it at one's word.
    let admin = server.login("admin.dgpa").await;
    let mut theirs = saved.field.clone();
    theirs.definition.en = "Grade of the current post as rated; an acting officer's own grade.".into();
    admin.put_field(&theirs, Some(saved.version)).await.unwrap();
    let def = c.find(Locator::Css("#def-zh")).await.unwrap();
    def.clear().await.unwrap();
    def.send_keys("現職銓敘審定之職等；代理者以本職之職等計。").await.unwrap();
    click(&c, Locator::XPath("//button[normalize-space()='儲存']")).await;
    wait_for_text(&c, "#meanwhile-h", "另一位管理者已在此期間儲存").await;
    wait_for_text(&c, "section.meanwhile [role=alert]", "儲存者：吳美玲").await;
    wait_for_value(&c, "#def-en", "Grade of the current post as rated; an acting officer's own grade.").await;
    wait_for_value(&c, "#def-zh", "現職銓敘審定之職等；代理者以本職之職等計。").await;
    assert_eq!(admin.get_field("grade").await.unwrap().field.definition.zh_tw, "現職銓敘審定之職等；代理者以本職計。");
    assert_accessible(&c, "a definition saved meanwhile").await;
    click(&c, Locator::Css("#keep-mine")).await;
    wait_for_text(&c, "main", "代理者以本職之職等計").await;
    let both = admin.get_field("grade").await.unwrap();
    assert_eq!(
        (both.field.definition.zh_tw.as_str(), both.field.definition.en.as_str(), both.version),
        (
            "現職銓敘審定之職等；代理者以本職之職等計。",
            "Grade of the current post as rated; an acting officer's own grade.",
            saved.version + 2
        )
    );

    click(&c, Locator::Css("header a[href='/sources']")).await;
    wait_for_text(&c, "main h1", "既有資料來源").await;
    type_into(&c, "#src-search", "training_hours").await;
    wait_for_text(&c, "ul.catalog", "訓練進修時數").await;
    assert_accessible(&c, "sources").await;
}

/// The SPA's large files go out compressed to browsers that take it (the brotli and
/// gzip copies `just spa` leaves beside them: the smallest the browser takes), as they
/// are to others; the wasm ships without its debugging name section; a browser that
/// has the file revalidates it with a 304 instead of downloading it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spa_is_sent_compressed_to_browsers_that_accept_it() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let http = reqwest::Client::new();
    let wasm = "pkg/statreq-frontend_bg.wasm";
    let plain = std::fs::read(dist.join(wasm)).unwrap();
    let gzipped = std::fs::read(dist.join(format!("{wasm}.gz"))).unwrap();
    let brotli = std::fs::read(dist.join(format!("{wasm}.br"))).unwrap();
    assert!(gzipped.len() * 2 < plain.len(), "gzip more than halves it: {} of {}", gzipped.len(), plain.len());
    assert!(brotli.len() < gzipped.len(), "brotli is smaller still: {} of {}", brotli.len(), gzipped.len());
    assert!(!plain.windows(b"name".len() + 1).any(|w| w == b"\x04name"), "no name section");
    let get = |accept: Option<&'static str>, etag: Option<String>| {
        let mut req = http.get(format!("{}/{wasm}", server.base));
        if let Some(a) = accept {
            req = req.header("Accept-Encoding", a);
        }
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        req.send()
    };
    let header = |res: &reqwest::Response, name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    for (accept, coding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), &brotli),
        (Some("br;q=0, gzip;q=0.9"), Some("gzip"), &gzipped),
        (Some("gzip"), Some("gzip"), &gzipped),
        (Some("br;q=0, gzip;q=0"), None, &plain),
        (None, None, &plain),
    ] {
        let res = get(accept, None).await.unwrap();
        assert_eq!(res.status(), 200, "{accept:?}");
        assert_eq!(header(&res, "content-encoding").as_deref(), coding, "{accept:?}");
        assert_eq!(header(&res, "content-type").as_deref(), Some("application/wasm"));
        let vary = header(&res, "vary").unwrap_or_default();
        assert!(vary.split(',').any(|v| v.trim() == "Accept-Encoding"), "caches keep the copies apart: {vary}");
        let etag = header(&res, "etag").expect("a validator");
        assert_eq!(res.bytes().await.unwrap().as_ref(), body.as_slice(), "{accept:?}");
        // Revalidation: the same copy answers 304 without a body; another copy's
        // validator does not match.
        let again = get(accept, Some(etag.clone())).await.unwrap();
        assert_eq!(again.status(), 304, "{accept:?}");
        assert_eq!(header(&again, "etag").as_deref(), Some(etag.as_str()));
        assert!(again.bytes().await.unwrap().is_empty());
        let other = if coding == Some("br") { Some("gzip") } else { Some("gzip, br") };
        let res = get(other, Some(etag)).await.unwrap();
        assert_eq!(res.status(), 200, "another copy for {other:?} after {accept:?}");
    }
    // Another instance serving the same build from files of other dates (a copy) gives
    // the same validators: revalidation works behind a load balancer.
    let copy = statreq_e2e::TempPath::dir("spa-copy");
    std::fs::create_dir_all(copy.join("pkg")).unwrap();
    for name in ["index.html", wasm, &format!("{wasm}.br")] {
        std::fs::copy(dist.join(name), copy.join(name)).unwrap();
    }
    let other = TestServer::start_with(Backend::Sqlite, &["--spa-dir", copy.to_str().unwrap_or_default()]);
    for (accept, path) in [(None, wasm), (Some("br"), wasm), (None, "index.html")] {
        let fetch = |base: String| {
            let mut req = http.get(format!("{base}/{path}"));
            if let Some(a) = accept {
                req = req.header("Accept-Encoding", a);
            }
            req.send()
        };
        let (a, b) = (fetch(server.base.clone()).await.unwrap(), fetch(other.base.clone()).await.unwrap());
        assert_eq!(header(&a, "etag"), header(&b, "etag"), "{path} {accept:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_documentation_works_offline_under_the_content_security_policy() {
    let server = TestServer::start(Backend::Sqlite);
    let (_driver, c) = browser().await;
    c.goto(&format!("{}/docs/", server.base)).await.unwrap();
    // Swagger UI's scripts ran (no inline script needed) and rendered the contract.
    wait_for_text(&c, ".swagger-ui .info .title", "statreq").await;
    wait_for_text(&c, ".swagger-ui", "/api/v1/requests/{id}/submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_asks_to_keep_data_longer_and_changes_the_password() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = crate::common::Scenario::new(&server).await;
    // A deadline in the reason (rule 5.3's warning), which the check keeps saying after delivery.
    let mut app = crate::common::detail();
    app.reason = format!("{}，請於本月底前提供", app.reason);
    let r = people.in_state(&app, statreq_e2e::statreq_contract::State::Delivered, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;

    // What the office holds, due soonest first.
    click(&c, Locator::Css("header a[href='/destructions']")).await;
    wait_for_text(&c, "table.destructions", &r.id.to_string()).await;
    // Each row says which data it is (the request's reason), not only its number.
    wait_for_text(&c, "table.destructions", &statreq_e2e::statreq_domain::application::headline(&r.application.reason)).await;
    assert_accessible(&c, "destructions").await;

    // Rule 6: a delivered personal-data request offers to keep it longer.
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "#ret-h", "延長保存").await;
    // Nothing asked yet; how much more may be asked: 365 days in all, 90 kept.
    wait_for_text(&c, "#ext-none", "尚無延長保存之申請").await;
    wait_for_text(&c, "#ext-left", "最多可再延長 275 日").await;
    assert_eq!(c.find(Locator::Css("#ext-days")).await.unwrap().attr("max").await.unwrap().as_deref(), Some("275"));
    leaving_asks_first(&c, "#ext-reason", "陞遷評審延至下年度", "header a[href='/destructions']").await;
    click(&c, Locator::XPath("//button[normalize-space()='申請延長保存']")).await;
    wait_for_text(&c, "ul.extensions", "待人事總處決定").await;
    // One question at a time: no form while DGPA decides, and it says why.
    wait_for_text(&c, "#ext-wait", "決定後方可再提出").await;
    assert!(c.find(Locator::Css("#ext-days")).await.is_err(), "a form the service would refuse while one waits");
    assert!(c.find(Locator::Css("#ext-none")).await.is_err());
    // The timeline says it, with the days and the reason.
    wait_for_text(&c, "ol.timeline", "申請延長保存 30 日").await;
    wait_for_text(&c, "ol.timeline", "陞遷評審延至下年度").await;
    // The check has warnings for this application still, but after delivery nobody can
    // follow them: the page no longer shows it (the similar requests and rule 4's
    // coverage, which it loads beside, are drawn by now).
    let check = people.applicant.check_request(r.id).await.unwrap();
    assert!(!check.findings.is_empty(), "the application this test needs has findings");
    wait_for_text(&c, "#cov-h", "第4點").await;
    assert!(c.find(Locator::Css("ul.findings")).await.is_err(), "a delivered request's page shows its check");
    assert_accessible(&c, "request with a retention extension").await;
    let asked = people.applicant.retention_extensions(r.id).await.unwrap();
    assert_eq!((asked.len(), asked[0].days), (1, 30));
    // Recording destruction asks for its date and method; without a date it is refused
    // in place, never sent as 1970-01-01.
    click(&c, Locator::Css("#act-record_destruction")).await;
    click(&c, Locator::Css("#method option[value='destroy_method_shredded']")).await;
    type_into(&c, "#comment", "會同政風室").await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "section[aria-labelledby='act-h'] [role=alert]", "請選擇銷毀日期及方式").await;
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, statreq_e2e::statreq_contract::State::Delivered);
    // With a date it asks first: cancelled, nothing happens; confirmed, the request closes.
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).to_string();
    set_date(&c, "destroyed-on", &today).await;
    click(&c, Locator::Css("#act-confirm")).await;
    let question = alert_text(&c).await;
    assert!(question.contains("確定已銷毀"), "{question}");
    c.dismiss_alert().await.unwrap();
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, statreq_e2e::statreq_contract::State::Delivered);
    click(&c, Locator::Css("#act-confirm")).await;
    c.accept_alert().await.unwrap();
    for _ in 0..50 {
        if people.applicant.get_request(r.id).await.unwrap().state == statreq_e2e::statreq_contract::State::Closed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, statreq_e2e::statreq_contract::State::Closed);
    let record = people.applicant.get_request(r.id).await.unwrap().destruction.map(|d| d.method);
    assert_eq!(record.as_deref(), Some("紙本碎紙銷毀：會同政風室"));
    wait_for_text(&c, "ol.timeline", "紙本碎紙銷毀").await;

    // One's own password, from the account page.
    click(&c, Locator::Css("header a[href='/account']")).await;
    wait_for_text(&c, "main h1", "我的帳號").await;
    type_into(&c, "#pw-current", statreq_e2e::DEMO_PASSWORD).await;
    type_into(&c, "#pw-new", "木棉花開在四月-2026").await;
    type_into(&c, "#pw-again", "木棉花開在四月-2026").await;
    click(&c, Locator::Css("main form button[type=submit]")).await;
    wait_for_text(&c, "main [role=status]", "密碼已變更").await;
    assert_accessible(&c, "account").await;
    // In the inbox and by e-mail: what may come to an applicant, none of the supervisor's
    // or DGPA's; a choice is kept at once. The reminders of rule 6 always come in-app.
    let table = "section[aria-labelledby=ns-h] table.notice-settings";
    wait_for_text(&c, table, "案件已交付成果").await;
    // And how e-mail goes here: this service sends none.
    wait_for_text(&c, "#email-how", "本服務目前未寄送電子郵件").await;
    let offered = text_of(&c, table).await;
    assert!(!offered.contains("請主管機關人事機構審核") && !offered.contains("新的欄位疑義"), "{offered}");
    assert!(offered.contains("欄位疑義已獲答復") && offered.contains("個人資料銷毀期限將屆"), "{offered}");
    let disabled = c.find(Locator::Css("#ns-inbox-destruction_due")).await.unwrap().attr("disabled").await.unwrap();
    assert!(disabled.is_some(), "always in the inbox");
    click(&c, Locator::Css("#ns-request_delivered")).await;
    click(&c, Locator::Css("#ns-inbox-request_dgpa_accepted")).await;
    let mut kept = None;
    for _ in 0..50 {
        kept = people.applicant.notification_settings().await.ok().map(|s| {
            (
                s.email.get("request_delivered").copied(),
                s.inbox.get("request_dgpa_accepted").copied(),
                s.inbox.get("request_delivered").copied(),
            )
        });
        if kept == Some((Some(false), Some(false), Some(true))) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(kept, Some((Some(false), Some(false), Some(true))));
    // This session carries on; the new password signs in.
    c.goto(&format!("{}/requests/{}", server.base, r.id)).await.unwrap();
    wait_for_text(&c, "main h1", "案件 ").await;
    server.client().login("applicant.npa", "木棉花開在四月-2026").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_finds_requests_and_holds_one() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let people = crate::common::Scenario::new(&server).await;
    let mut promo = crate::common::statistics();
    promo.reason = "辦理陞遷評審統計".into();
    let r = people.in_state(&promo, statreq_e2e::statreq_contract::State::Queued, 2).await;
    let other = people.in_state(&crate::common::statistics(), statreq_e2e::statreq_contract::State::Queued, 2).await;
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "officer1.dgpa").await;

    click(&c, Locator::Css("header a[href='/search']")).await;
    wait_for_text(&c, "main h1", "查詢案件").await;
    type_into(&c, "#s-q", "評審").await;
    click(&c, Locator::Css("#s-state-queued")).await;
    click(&c, Locator::Css("main form.search button[type=submit]")).await;
    // The list narrows to the match (first it shows all the officer may see).
    let mut rows = 0;
    for _ in 0..100 {
        rows = c.find_all(Locator::Css("table.results tbody tr")).await.map(|r| r.len()).unwrap_or(0);
        if rows == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(rows, 1, "only the match, not {}", other.id);
    wait_for_text(&c, "table.results", &r.id.to_string()).await;
    // How many it found, by state (first, all the officer may see: both queued).
    wait_for_text(&c, "#found", "找到 1 件：排程中 1 件。").await;
    let links = "return document.querySelectorAll('#found a').length";
    assert_eq!(c.execute(links, vec![]).await.unwrap(), serde_json::json!(0), "one state: nothing to narrow to");
    let url = c.current_url().await.unwrap();
    assert!(url.query().unwrap_or_default().contains("state=queued"), "the view is a link: {url}");
    assert_accessible(&c, "search").await;

    // Hold it from the request page, with the reason the office reads.
    click(&c, Locator::LinkText(&r.id.to_string())).await;
    wait_for_text(&c, "main h1", "案件 ").await;
    click(&c, Locator::Css("#act-hold")).await;
    wait_for_text(&c, "label[for=comment]", "暫停理由").await;
    type_into(&c, "#comment", "等待補送名冊\n補送後續辦").await;
    click(&c, Locator::Css("#act-confirm")).await;
    wait_for_text(&c, "ol.timeline", "等待補送名冊\n補送後續辦").await;
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, statreq_e2e::statreq_contract::State::OnHold);
    // The saved view lists it.
    c.goto(&format!("{}/search?state=on_hold", server.base)).await.unwrap();
    wait_for_text(&c, "table.results", &r.id.to_string()).await;
    // A search of two states says each, and narrows to one from there.
    c.goto(&format!("{}/search?personal=false", server.base)).await.unwrap();
    wait_for_text(&c, "#found", "找到 2 件：排程中 1 件、暫停處理 1 件。").await;
    click(&c, Locator::LinkText("暫停處理 1 件")).await;
    wait_for_text(&c, "#found", "找到 1 件：暫停處理 1 件。").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.query(), Some("personal=false&state=on_hold"), "the other filters kept");
    wait_for_text(&c, "table.results", &r.id.to_string()).await;

    // From the queue, the chosen requests go to another officer at once.
    click(&c, Locator::Css("header a[href='/queue']")).await;
    c.wait().for_element(Locator::Css(&format!("#pick-{}", other.id))).await.unwrap();
    // On a laptop's screen (1366×768, less the browser's own bars) the queue itself is
    // in sight, under the form that hands out the chosen requests.
    c.set_window_size(1366, 783).await.unwrap();
    let sight = "return [document.querySelector('table.queue tbody tr').getBoundingClientRect().bottom, window.innerHeight]";
    let (bottom, height) = serde_json::from_value::<(f64, f64)>(c.execute(sight, vec![]).await.unwrap()).unwrap_or_default();
    assert!(height <= 680.0 && bottom <= height, "the first queued request ends at {bottom} px of {height}");
    c.set_window_size(1280, 900).await.unwrap();
    click(&c, Locator::Css(&format!("#pick-{}", other.id))).await;
    let officer2 = people.officer2.me().await.unwrap().id;
    click(&c, Locator::Css(&format!("#bulk-assignee option[value='{officer2}']"))).await;
    type_into(&c, "#bulk-reason", "依人力調配").await;
    assert_accessible(&c, "queue with choices").await;
    click(&c, Locator::XPath("//section[@aria-labelledby='bulk-h']//button[normalize-space()='開始產製']")).await;
    let mut taken = None;
    for _ in 0..50 {
        let now = people.applicant.get_request(other.id).await.unwrap();
        if now.state == statreq_e2e::statreq_contract::State::InProduction {
            taken = now.assignee.map(|u| u.id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(taken, Some(officer2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_typed_survives_a_reload() {
    let dist = spa_dir();
    let server = TestServer::start_with(Backend::Sqlite, &["--spa-dir", dist.to_str().unwrap_or_default()]);
    let (_driver, c) = browser().await;
    sign_in(&c, &server.base, "applicant.npa").await;
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    type_into(&c, "#reason", "研議人力配置（未儲存）").await;
    click(&c, Locator::Css("#c-phone")).await;
    // A reload (or leaving and coming back) brings it back, and says so.
    c.refresh().await.unwrap();
    wait_for_value(&c, "#reason", "研議人力配置（未儲存）").await;
    wait_for_text(&c, "main [role=status]", "已還原").await;
    assert_accessible(&c, "form restored").await;
    // Saved, the copy in the browser is gone: a new form starts empty.
    click(&c, Locator::Css("form button[type=submit]")).await;
    wait_for_text(&c, "main h1", "案件 ").await;
    c.goto(&format!("{}/requests/new", server.base)).await.unwrap();
    wait_for_text(&c, "main h1", "新增申請").await;
    wait_for_value(&c, "#reason", "").await;
}
