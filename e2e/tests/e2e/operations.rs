//! Running statreq for real: several instances on PostgreSQL and one S3 bucket,
//! sharing requests, files and key-encryption keys; SQLite serving one instance.

use std::io::Read;

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::*;
use statreq_e2e::{Backend, TempPath, TestServer};

use crate::common;

const SIGNING_KEY: &str = "a-shared-signing-key-of-at-least-32-bytes-2026";

async fn login(base: &str, username: &str) -> Client {
    let mut c = Client::new(base);
    c.login(username, statreq_e2e::DEMO_PASSWORD).await.unwrap_or_else(|e| panic!("login {username} at {base}: {e}"));
    c
}

/// Two instances on separate machines (data directories) share one PostgreSQL
/// database, one bucket, one keys directory and the signing key: a personal-data
/// file uploaded through one is approved by a second officer, delivered and opened
/// through the other; a token of one is good at the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_requests_files_and_keys() {
    let a = TestServer::start_with(Backend::Postgres, &["--signing-key", SIGNING_KEY]);
    let b_dir = TempPath::dir("statreq-instance-b");
    let keys = a.db.data_dir().join("keys");
    let b = a.another_instance_in(
        &b_dir.0,
        &[statreq_e2e::LOOPBACK_ONLY, &["--signing-key", SIGNING_KEY, "--keys-dir", keys.to_str().unwrap_or_default()]].concat(),
    );
    assert!(a.db.s3.is_some(), "the PostgreSQL half stores files on S3");

    // Submitted, approved and accepted through A.
    let people = common::Scenario::new(&a).await;
    let r = people.in_state(&common::detail(), State::InProduction, 3).await;
    // The officer uploads through B; another officer approves through A (four eyes).
    let officer_b = login(&b.base, "officer1.dgpa").await;
    let content = "姓名,職等\n王大明,9\n陳小華,10\n".repeat(2000).into_bytes();
    let f = officer_b.upload_delivery(r.id, "名冊.csv", content.clone()).await.unwrap();
    let stored = a.db.stored_files().await;
    assert!(stored.iter().any(|(name, bytes)| name.ends_with(".enc") && bytes.starts_with(b"STRQENC1")), "{stored:?}");
    people.officer2.approve_delivery(r.id, f.id).await.unwrap();
    people.officer.deliver(r.id, None, "資料如附件").await.unwrap();
    // The applicant downloads through B and opens it with the passphrase revealed there.
    let applicant_b = login(&b.base, "applicant.npa").await;
    let file = applicant_b.download_delivery(r.id, f.id).await.unwrap();
    let pass = applicant_b.reveal_passphrase(r.id, f.id).await.unwrap().passphrase;
    assert_eq!(common::open_age(&file, &pass), content);
    // And through A, the same.
    assert_eq!(common::open_age(&people.applicant.download_delivery(r.id, f.id).await.unwrap(), &pass), content);
    // One sign-in serves both: A's access token is good at B (the signing key is shared).
    let token = people.applicant.access_token().unwrap_or_default().to_string();
    let at_b = Client::new(&b.base).with_token(token);
    assert_eq!(at_b.get_request(r.id).await.unwrap().state, State::Delivered);

    // A right revoked through A stops working at B within the caches' documented
    // bound (5 s: caller, agency tree, queue snapshot; reference data at once).
    let admin = a.login("admin.dgpa").await;
    let me = at_b.me().await.unwrap();
    admin.update_user(me.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5_500)).await;
    assert_eq!(at_b.get_request(r.id).await.err().and_then(|e| e.status()), Some(401), "disabled everywhere");
}

/// PostgreSQL restarted (or a failover, or an idle timeout in a pooler) drops every
/// connection statreq holds: the next requests are answered on new ones, not with
/// 500 until statreq is restarted too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_postgresql_dropped_are_replaced() {
    let server = TestServer::start(Backend::Postgres);
    let applicant = server.login("applicant.npa").await;
    let before = applicant.create_request(&common::statistics()).await.unwrap();
    // What a restart does to statreq's side, for this test's database alone.
    let out = std::process::Command::new("psql")
        .arg(&server.db.url)
        .arg("-qtAc")
        .arg("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        .output()
        .unwrap();
    let ended: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_default();
    assert!(ended >= 2, "statreq held connections: {ended}");
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.map(|r| r.status().as_u16()).ok();
    assert_eq!(ready, Some(200));
    assert_eq!(applicant.get_request(before.id).await.map(|r| r.id).ok(), Some(before.id));
    for _ in 0..20 {
        applicant.create_request(&common::statistics()).await.unwrap();
    }
    assert!(applicant.list_requests(None, None, None).await.is_ok_and(|p| p.items.len() >= 21));
}

/// A TCP relay to S3 or PostgreSQL that can be cut, as an outage is: cutting closes
/// the connections open through it and refuses new ones.
struct Relay {
    /// `127.0.0.1:port`, where statreq is pointed instead.
    addr: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// To `host:port` (an `http://` prefix is dropped).
    async fn to(target: &str) -> Relay {
        use std::sync::atomic::Ordering::SeqCst;
        let target = target.trim_start_matches("http://").trim_end_matches('/').to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let open = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, tasks) = (up.clone(), open.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(SeqCst) {
                    continue;
                }
                let target = target.clone();
                let relayed = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(relayed);
            }
        });
        Relay { addr, up, open, accept }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.open.lock().unwrap().drain(..).for_each(|t| t.abort());
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.set_up(false);
        self.accept.abort();
    }
}

/// The object store down: a download is refused before it starts (never a 200 cut
/// short) and an upload is refused, each `503 files_unavailable` with `Retry-After`,
/// nothing changed; once it is back both work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_store_outage_is_503_before_anything_is_sent() {
    let mut db = statreq_e2e::TestDatabase::new(Backend::Postgres);
    let s3 = db.s3.as_mut().unwrap();
    let relay = Relay::to(&s3.endpoint).await;
    s3.endpoint = format!("http://{}", relay.addr);
    let server = TestServer::start_on(db, &[statreq_e2e::LOOPBACK_ONLY, &["--demo-accounts-only"]].concat());
    let people = common::Scenario::new(&server).await;
    let delivered = people.in_state(&common::detail(), State::InProduction, 3).await;
    let content = "姓名,職等\n王大明,9\n".repeat(100).into_bytes();
    let f = people.officer.upload_delivery(delivered.id, "名冊.csv", content.clone()).await.unwrap();
    people.officer2.approve_delivery(delivered.id, f.id).await.unwrap();
    people.officer.deliver(delivered.id, None, "資料如附件").await.unwrap();
    let producing = people.in_state(&common::detail(), State::InProduction, 3).await;

    relay.set_up(false);
    let problem = |e: Option<statreq_e2e::statreq_client::ClientError>| e.map(|e| (e.status(), e.code().map(String::from)));
    let unavailable = Some((Some(503), Some("files_unavailable".to_string())));
    assert_eq!(problem(people.applicant.download_delivery(delivered.id, f.id).await.err()), unavailable);
    let res = people
        .officer
        .raw_with_headers(
            statreq_e2e::statreq_client::Method::GET,
            &format!("/requests/{}/deliveries/{}/file", delivered.id, f.id),
            "application/json",
            Vec::new(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!((res.status, res.header("retry-after")), (503, Some("30")), "{}", res.body);
    let zh = res.body["message"]["zh_tw"].as_str().unwrap_or_default();
    assert!(zh.contains("檔案儲存") && zh.contains("稍後"), "{zh}");
    assert_eq!(problem(people.officer.upload_delivery(producing.id, "名冊.csv", content.clone()).await.err()), unavailable);
    assert!(people.officer.deliveries(producing.id).await.unwrap().files.is_empty(), "nothing stored");

    relay.set_up(true);
    let file = people.applicant.download_delivery(delivered.id, f.id).await.unwrap();
    let pass = people.applicant.reveal_passphrase(delivered.id, f.id).await.unwrap().passphrase;
    assert_eq!(common::open_age(&file, &pass), content);
    assert!(people.officer.upload_delivery(producing.id, "名冊.csv", content).await.is_ok());
}

/// The files directory full: an upload is refused `507 storage_full` (not "cannot be
/// reached, retry in 30 s": retrying helps only once space is freed), in words that say
/// so, with nothing stored and nothing half-written left on the disk; once space is
/// freed the same upload works and downloads whole. Needs root to mount a small tmpfs
/// (CI runs as root).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_files_directory_is_507_and_keeps_nothing() {
    let Some(disk) = statreq_e2e::disk::SmallDisk::mount(4 * 1024 * 1024) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let files_url = format!("file://{}", disk.path().display());
    let mut server = TestServer::start_on(
        statreq_e2e::TestDatabase::new(Backend::Sqlite),
        &[statreq_e2e::LOOPBACK_ONLY, &["--demo-accounts-only", "--files-url", &files_url]].concat(),
    );
    let people = common::Scenario::new(&server).await;
    let producing = people.in_state(&common::detail(), State::InProduction, 3).await;
    let content = "姓名,職等\n王大明,9\n".repeat(50_000).into_bytes();

    let draft = people.applicant.create_request(&common::statistics()).await.unwrap();
    let filler = disk.fill();
    let full = |e: Option<statreq_e2e::statreq_client::ClientError>| {
        let p = e.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("a problem: {e:?}"));
        assert_eq!((p.status, p.code.as_str()), (507, "storage_full"), "{p:?}");
        assert!(p.message.zh_tw.contains("儲存空間已滿") && p.message.zh_tw.contains("未儲存"), "{}", p.message.zh_tw);
    };
    full(people.officer.upload_delivery(producing.id, "名冊.csv", content.clone()).await.err());
    full(people.applicant.upload_attachment(draft.id, "說明.csv", content.clone()).await.err());
    assert!(people.officer.deliveries(producing.id).await.unwrap().files.is_empty(), "nothing stored");
    assert!(people.applicant.attachments(draft.id).await.unwrap().is_empty(), "nothing stored");
    assert_eq!(disk.files(&filler), Vec::<std::path::PathBuf>::new(), "nothing half-written left behind");
    // /metrics shows it coming: the files' disk has (next to) nothing free.
    let admin = server.login("admin.dgpa").await;
    let files_free = || async {
        let text = reqwest::Client::new()
            .get(format!("{}/metrics", server.base))
            .bearer_auth(admin.access_token().unwrap_or_default())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        value(&scrape(&text), "statreq_storage_free_bytes", &[("store", "files")]).unwrap_or_else(|| panic!("{text}"))
    };
    assert!(files_free().await < 64.0 * 1024.0);
    // Still serving: reads answer as before.
    assert_eq!(people.applicant.get_request(draft.id).await.unwrap().id, draft.id);

    std::fs::remove_file(&filler).unwrap();
    assert!(files_free().await > 3.0 * 1024.0 * 1024.0);
    let f = people.officer.upload_delivery(producing.id, "名冊.csv", content.clone()).await.unwrap();
    assert_eq!(f.size_bytes, content.len() as i64);
    assert!(people.applicant.upload_attachment(draft.id, "說明.csv", content).await.is_ok());
    server.stop();
}

/// Every setting an operator can give `statreq` (the global options and `serve`'s) is
/// in the README, written as the command line takes it.
#[test]
fn every_setting_is_in_the_readme() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_else(|e| panic!("{e}"));
    let mut missing = Vec::new();
    for args in [&["--help"][..], &["serve", "--help"]] {
        let out = std::process::Command::new(statreq_e2e::binary()).args(args).output().unwrap_or_else(|e| panic!("{e}"));
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        // `      --data-dir <DATA_DIR>  …` or `  -h, --help  …`
        let flags = help.lines().filter_map(|l| {
            let l = l.trim_start();
            let l = if l.starts_with('-') && !l.starts_with("--") { l.split_once(", ")?.1 } else { l };
            let name = l.strip_prefix("--")?.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next()?;
            Some(format!("--{name}"))
        });
        let mut seen = 0;
        for flag in flags.filter(|f| f != "--help" && f != "--version") {
            seen += 1;
            if !readme.contains(&format!("`{flag}`")) && !readme.contains(&format!("{flag} ")) {
                missing.push(flag);
            }
        }
        assert!(seen >= 4, "{args:?}: no options read from\n{help}");
    }
    assert!(missing.is_empty(), "not in README.md: {missing:?}");
}

/// A server that starts with little space left where it writes says so (below 5%), and
/// what happens when it runs out. Needs root to mount a small tmpfs (CI runs as root).
#[test]
fn little_space_left_is_said_at_the_start() {
    let Some(disk) = statreq_e2e::disk::SmallDisk::mount(4 * 1024 * 1024) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let url = format!("file://{}", disk.path().display());
    let calm = start_up_log(&[("STATREQ_FILES_URL", url.as_str())]);
    let dir = disk.path().display().to_string();
    assert!(!calm.lines().any(|l| l.contains("little space left") && l.contains(&dir)), "{calm}");
    let filler = disk.fill();
    let full = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&filler).unwrap().set_len(full - 128 * 1024).unwrap();
    let log = start_up_log(&[("STATREQ_FILES_URL", url.as_str())]);
    let line = log.lines().find(|l| l.contains("little space left") && l.contains(&dir)).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("store=\"files\"") || line.contains("store=files"), "{line}");
    assert!(line.contains("507 storage_full") && line.contains(&dir), "{line}");
}

/// The SQLite database's disk full: a write is refused `507 storage_full` (not "the
/// database is busy, retry in 5 s"), nothing of it kept and everything acknowledged
/// before still there; reads go on; once space is freed writes work again. Needs root
/// to mount a small tmpfs (CI runs as root).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_disk_is_507_and_loses_nothing_acknowledged() {
    let Some(disk) = statreq_e2e::disk::SmallDisk::mount(16 * 1024 * 1024) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let mut db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    db.url = format!("sqlite://{}", disk.path().join("statreq.sqlite").display());
    let mut server = TestServer::start_on(db, &[statreq_e2e::LOOPBACK_ONLY, &["--demo-accounts-only"]].concat());
    let people = common::Scenario::new(&server).await;
    let draft = people.applicant.create_request(&common::statistics()).await.unwrap();

    let filler = disk.fill();
    let mut created = vec![draft.id];
    let refused = loop {
        match people.applicant.create_request(&common::statistics()).await {
            Ok(r) => created.push(r.id),
            Err(e) => break e,
        }
        assert!(created.len() < 150, "the disk never filled");
    };
    let p = refused.problem().unwrap_or_else(|| panic!("a problem: {refused:?}"));
    assert_eq!((p.status, p.code.as_str()), (507, "storage_full"), "{p:?}");
    assert!(p.message.zh_tw.contains("儲存空間已滿") && p.message.zh_tw.contains("未儲存"), "{}", p.message.zh_tw);
    let listed = || async {
        let page = people.applicant.list_requests(None, None, Some(200)).await.unwrap();
        assert!(page.next_cursor.is_none(), "one page holds them all");
        let mut ids: Vec<i64> = page.items.into_iter().map(|r| r.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(listed().await, created, "every acknowledged write is there, the refused one is not");

    std::fs::remove_file(&filler).unwrap();
    let after = people.applicant.create_request(&common::statistics()).await.unwrap();
    created.push(after.id);
    assert_eq!(listed().await, created);
    server.stop();
}

/// A backup whose files store cannot be reached says so in the store's words, and
/// writes nothing (an operator reads the cause, not a debug dump of it).
#[test]
fn a_backup_of_an_unreachable_files_store_says_why() {
    let db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    assert!(db.command().arg("migrate").status().unwrap().success());
    let to = TempPath::dir("statreq-backup-unreachable");
    let out = db
        .command()
        .args(["--files-url", "s3://statreq-nowhere/files", "backup", "--to"])
        .arg(&to.0)
        // A closed port on loopback: the listing fails at once after the store's retries.
        .envs([("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s"), ("AWS_REGION", "us-east-1")])
        .envs([("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_ALLOW_HTTP", "true")])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("nothing of it is kept: listing stored files: Generic S3 error: "), "{said}");
    assert!(!said.contains("Internal("), "{said}");
    assert_eq!(std::fs::read_dir(&to.0).unwrap().count(), 0);
}

/// A backup onto a disk that fills up fails, says where it was writing and that it is
/// out of space, and keeps nothing: no half-written backup to be mistaken for one, or
/// to stand in the way of the next run (a new directory is removed, an empty one
/// emptied). Needs root to mount a small tmpfs (CI runs as root).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_onto_a_full_disk_says_so_and_keeps_nothing() {
    let Some(disk) = statreq_e2e::disk::SmallDisk::mount(256 * 1024) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let server = TestServer::start(Backend::Sqlite);
    let people = common::Scenario::new(&server).await;
    people.in_state(&common::statistics(), State::Queued, 2).await;
    let empty = disk.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for to in [disk.path().join("new"), empty.clone()] {
        let out = server.db.command().arg("backup").arg("--to").arg(&to).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{said}");
        assert!(said.contains(&format!("the backup into {} failed; nothing of it is kept", to.display())), "{said}");
        assert!(said.to_lowercase().contains("no space left"), "{said}");
    }
    assert!(!disk.path().join("new").exists(), "a new directory is removed");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "an empty one is emptied");
    assert_eq!(disk.files(std::path::Path::new("")), Vec::<std::path::PathBuf>::new());

    // A restore that runs out of space part-way says that the targets now hold part of
    // the backup, and what to do before trying again.
    let good = TempPath::dir("statreq-backup-good");
    let out = server.db.command().arg("backup").arg("--to").arg(&good.0).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut target = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    target.url = format!("sqlite://{}", disk.path().join("restored.sqlite").display());
    let keys = server.db.data_dir().join("keys");
    let out = target.command().arg("--keys-dir").arg(&keys).arg("restore").arg("--from").arg(&good.0).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("failed part-way") && said.contains("restore again") && said.contains("No space left"), "{said}");
}

/// PostgreSQL out of reach (down, restarting, a failover, the network): a write is
/// refused `503 unavailable` with `Retry-After` and a message that names the database,
/// nothing of it kept, `/readyz` says the same; once it is back both work again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_503_with_retry_after_and_nothing_kept() {
    let mut db = statreq_e2e::TestDatabase::new(Backend::Postgres);
    let at = db.url.rfind('@').expect("a PostgreSQL URL with a host") + 1;
    let end = at + db.url[at..].find('/').expect("a database path");
    let host = db.url[at..end].to_string();
    let relay = Relay::to(if host.contains(':') { host.clone() } else { format!("{host}:5432") }.as_str()).await;
    db.url = format!("{}{}{}", &db.url[..at], relay.addr, &db.url[end..]);
    let server = TestServer::start_on(db, &[statreq_e2e::LOOPBACK_ONLY, &["--demo-accounts-only"]].concat());
    let applicant = server.login("applicant.npa").await;
    let before = applicant.list_requests(None, None, None).await.unwrap().items.len();

    relay.set_up(false);
    let body = serde_json::to_vec(&common::statistics()).unwrap();
    let res =
        applicant.raw_with_headers(statreq_e2e::statreq_client::Method::POST, "/requests", "application/json", body, &[]).await.unwrap();
    assert_eq!((res.status, res.body["code"].as_str()), (503, Some("unavailable")), "{}", res.body);
    assert!(
        res.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| (1..=30).contains(&s)),
        "{:?}",
        res.header("retry-after")
    );
    let zh = res.body["message"]["zh_tw"].as_str().unwrap_or_default();
    let en = res.body["message"]["en"].as_str().unwrap_or_default();
    assert!(zh.contains("資料庫") && zh.contains("稍後") && en.contains("database"), "{zh} / {en}");
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);
    assert!(ready.headers().contains_key("retry-after"));
    // A load balancer that checks with HEAD is told the same.
    let head = reqwest::Client::new().head(format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 503);

    relay.set_up(true);
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.map(|r| r.status().as_u16()).ok();
    assert_eq!(ready, Some(200));
    assert_eq!(applicant.list_requests(None, None, None).await.unwrap().items.len(), before, "nothing of the refused write kept");
    assert!(applicant.create_request(&common::statistics()).await.is_ok());
}

/// SQLite serves one instance: a second `statreq serve` on the same file refuses to
/// start and says why; once the first stops, it starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_on_one_sqlite_file_refuses_to_start() {
    let mut server = TestServer::start(Backend::Sqlite);
    let out = server.db.command().args(["serve", "--bind", "127.0.0.1:0"]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("already running on the SQLite database") && said.contains("PostgreSQL"), "{said}");
    // Other commands still open it while it serves.
    let verify = server.db.command().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    server.stop();
    let again = server.another_instance(&[]);
    assert!(login(&again.base, "applicant.npa").await.me().await.is_ok());
}

/// A setting statreq cannot use stops it at the start, saying which and why, instead
/// of serving without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misconfigured_server_refuses_to_start_and_says_what() {
    let db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    // Waits for the command to end (a server that started anyway is stopped and counts as
    // a failure to refuse; the file store's check gives up after 15 s). What it says is
    // for an operator: no stack trace, even where RUST_BACKTRACE is set.
    let refused = |mut cmd: std::process::Command| {
        cmd.env("RUST_BACKTRACE", "1");
        let mut child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().ok().flatten().is_none() && started.elapsed() < std::time::Duration::from_secs(40) {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let ran_on = child.try_wait().ok().flatten().is_none();
        if ran_on {
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        assert!(!ran_on && !out.status.success(), "it started: {}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!said.contains("backtrace") && !said.contains("anyhow::"), "{said}");
        said
    };
    let mut cmd = db.command();
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--smtp-url", "http://mail.example.gov.tw"]);
    let said = refused(cmd);
    assert!(said.contains("--smtp-url") && said.contains("http"), "{said}");
    // A front end that is not there (it served on, with a 404 at `/`).
    let mut cmd = db.command();
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--spa-dir", "/nonexistent/dist"]);
    let said = refused(cmd);
    assert!(said.contains("--spa-dir") && said.contains("/nonexistent/dist") && said.contains("index.html"), "{said}");
    // An origin no browser could send, or a public address without its scheme (links in
    // e-mails that lead nowhere).
    for (flag, value) in [
        ("--cors-origin", "spa.example.gov.tw"),
        ("--cors-origin", "https://spa.example.gov.tw/app"),
        ("--public-url", "statreq.dgpa.gov.tw"),
        // A lifetime or limit of nothing: no token would last, no upload get through.
        ("--access-token-seconds", "0"),
        ("--session-hours", "0"),
        ("--body-idle-seconds", "0"),
        ("--max-transfers", "0"),
        ("--disclosure-threshold", "1"),
        // Past what a duration or a count can hold: each had ended the server with a
        // panic (or, for the drain, never let it stop); now each names its range.
        ("--max-upload-mib", "9223372036854775807"),
        ("--download-window-days", "9223372036854775807"),
        ("--idempotency-hours", "9223372036854775807"),
        ("--webhook-timeout-seconds", "18446744073709551615"),
        ("--max-transfers", "9223372036854775807"),
        ("--session-hours", "9223372036854775807"),
        ("--notification-log-days", "4294967295"),
        ("--drain-seconds", "18446744073709551615"),
    ] {
        let mut cmd = db.command();
        cmd.args(["serve", "--bind", "127.0.0.1:0", flag, value]);
        let said = refused(cmd);
        assert!(said.contains(flag) && said.contains(value), "{flag} {value}: {said}");
    }
    // A file store it cannot write to is found now, not at the first upload: wrong
    // credentials, an endpoint where nothing answers. (A bucket that is not there is
    // refused by S3 the same way; SeaweedFS makes it instead.)
    let s3 = statreq_e2e::S3Files::from_env("misconfigured");
    let wrong_secret = [("AWS_SECRET_ACCESS_KEY", "not-the-secret".to_string())];
    let nothing_there = [("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_string())];
    for (url, env) in [(s3.url(), &wrong_secret[..]), (s3.url(), &nothing_there[..])] {
        let mut cmd = db.command();
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--files-url", &url]).envs(s3.env()).envs(env.iter().cloned());
        let said = refused(cmd);
        assert!(said.contains("--files-url") && said.contains(&url) && said.contains("not usable"), "{url} {env:?}: {said}");
    }
    // A data directory that cannot be made is named.
    let (_file_dir, file) = TempPath::file("statreq-not-a-directory", b"x");
    let under_a_file = file.join("data");
    let mut cmd = std::process::Command::new(statreq_e2e::binary());
    cmd.arg("--data-dir").arg(&under_a_file).args(["serve", "--bind", "127.0.0.1:0"]);
    let said = refused(cmd);
    assert!(said.contains(&under_a_file.display().to_string()), "{said}");
}

/// Background work is done once however many instances run it: two instances sweep
/// every second; each file past its download window is shredded once (one audit
/// entry each) and its object deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_shred_each_file_once() {
    let sweep = ["--download-window-days", "0", "--sweep-seconds", "1"];
    let a = TestServer::start_with(Backend::Postgres, &sweep);
    let _b = a.another_instance(&sweep);
    let people = common::Scenario::new(&a).await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        let r = people.in_state(&common::statistics(), State::InProduction, 2).await;
        for n in 0..3 {
            people.officer.upload_delivery(r.id, &format!("t{n}.csv"), b"a,b\n".to_vec()).await.unwrap();
        }
        people.officer.deliver(r.id, None, "如附件").await.unwrap();
        ids.push(r.id);
    }
    let admin = a.login("admin.dgpa").await;
    let mut shredded = 0;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        shredded = admin.audit("action=delivery.shredded_after_window&limit=100").await.unwrap().items.len();
        if shredded >= 12 {
            break;
        }
    }
    // A would-be second shredding gets time to happen.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let trail = admin.audit("action=delivery.shredded_after_window&limit=100").await.unwrap().items;
    assert_eq!((shredded, trail.len()), (12, 12), "each of the 12 files once");
    for id in ids {
        assert_eq!(trail.iter().filter(|e| e.request_id == Some(id)).count(), 3);
    }
    assert!(a.db.stored_files().await.is_empty());
}

fn scrape(text: &str) -> prometheus_parse::Scrape {
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap_or_else(|e| panic!("not Prometheus text: {e}\n{text}"))
}

fn value(s: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    s.samples.iter().find(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v))).and_then(|x| match x.value {
        prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => Some(v),
        _ => None,
    })
}

/// `/metrics` speaks the Prometheus text format: HTTP requests by route template
/// (never a raw path with ids) and status, and statreq's own figures. It needs a
/// dgpa_admin or service token, except on the private `--metrics-bind` listener.
async fn metrics_are_prometheus_text_for_admins_and_scrapers(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0);
    let bind = format!("127.0.0.1:{port}");
    let server = TestServer::start_with(backend, &["--metrics-bind", &bind]);
    let people = common::Scenario::new(&server).await;
    let queued = people.in_state(&common::statistics(), State::Queued, 2).await;
    people.applicant.get_request(queued.id).await.unwrap();
    let _ = people.applicant.get_request(queued.id + 1000).await;

    let http = reqwest::Client::new();
    // Another method is 405 with Allow, as on the API.
    let post = http.request(reqwest::Method::from_bytes(b"TRACE").unwrap(), format!("{}/metrics", server.base)).send().await.unwrap();
    assert_eq!((post.status().as_u16(), post.headers().get("allow").and_then(|v| v.to_str().ok())), (405, Some("GET, HEAD, OPTIONS")));
    let get = |token: Option<String>| {
        let mut req = http.get(format!("{}/metrics", server.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 401);
    assert_eq!(get(people.applicant.access_token().map(String::from)).await.unwrap().status(), 403);
    let admin = server.login("admin.dgpa").await;
    let res = get(admin.access_token().map(String::from)).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/plain; version=0.0.4"));
    let text = res.text().await.unwrap();
    let s = scrape(&text);
    let reads = value(&s, "http_requests_total", &[("method", "GET"), ("route", "/api/v1/requests/:id"), ("status", "200")]);
    assert!(reads.is_some_and(|n| n >= 1.0), "{text}");
    assert!(value(&s, "http_requests_total", &[("route", "/api/v1/requests/:id"), ("status", "404")]).is_some(), "{text}");
    assert!(!text.contains(&format!("/requests/{}", queued.id)), "no raw paths");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
    assert_eq!(value(&s, "statreq_queue_length", &[]), Some(1.0), "{text}");
    assert!(value(&s, "statreq_queue_oldest_wait_days", &[]).is_some());
    assert!(value(&s, "statreq_db_pool_connections", &[("state", "max")]).is_some_and(|n| n >= 1.0));
    assert!(value(&s, "statreq_outbox", &[("channel", "webhook"), ("status", "pending")]).is_some());
    assert_eq!(value(&s, "statreq_destructions_overdue", &[]), Some(0.0));
    // The years due without an office calendar, as `GET /calendar` lists them.
    let missing = admin.calendar_years().await.unwrap().missing.len() as f64;
    assert_eq!(value(&s, "statreq_calendar_years_missing", &[]), Some(missing), "{text}");
    assert_eq!(value(&s, "statreq_transfers_in_flight", &[]), Some(0.0));
    // Free space of the disks written to on this host: the keys always, the files and
    // the database where they are local (SQLite, file://), not on S3 or PostgreSQL.
    let local: &[&str] = if backend == Backend::Sqlite { &["keys", "files", "database"] } else { &["keys"] };
    for store in ["keys", "files", "database"] {
        let free = value(&s, "statreq_storage_free_bytes", &[("store", store)]);
        let size = value(&s, "statreq_storage_size_bytes", &[("store", store)]);
        match (local.contains(&store), free, size) {
            (true, Some(free), Some(size)) => assert!(free > 0.0 && free <= size, "{store}: {free} of {size}"),
            (false, None, None) => {}
            other => panic!("{store}: {other:?}\n{text}"),
        }
    }
    // Every series the Grafana dashboard in deploy/ plots is one the server exports.
    let dashboard =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/grafana-dashboard.json")).unwrap();
    let mut plotted = 0;
    for word in dashboard.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("statreq_") || word.starts_with("http_request") {
            plotted += 1;
            assert!(
                text.contains(&format!("{word}{{")) || text.contains(&format!("{word} ")),
                "the dashboard plots {word}, which /metrics lacks"
            );
        }
    }
    assert!(plotted >= 10, "{plotted}");
    // A service account may scrape too.
    let svc = crate::integration::service_account(&server, "scraper.npa", "NPA").await;
    assert_eq!(get(svc.access_token().map(String::from)).await.unwrap().status(), 200);
    // The private listener needs no token and serves nothing else.
    let open = http.get(format!("http://{bind}/metrics")).send().await.unwrap();
    assert_eq!(open.status(), 200);
    scrape(&open.text().await.unwrap());
    assert_eq!(http.get(format!("http://{bind}/api/v1/requests")).send().await.unwrap().status(), 404);
}

statreq_e2e::on_both_backends!(metrics_are_prometheus_text_for_admins_and_scrapers);

/// SIGTERM drains: `/readyz` turns 503 while requests are still served, then the
/// listener closes; an upload in flight finishes and is stored; the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_and_lets_uploads_in_flight_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut server = TestServer::start_with(Backend::Sqlite, &["--drain-seconds", "2", "--shutdown-grace-seconds", "20"]);
    let people = common::Scenario::new(&server).await;
    let id = people.in_state(&common::statistics(), State::InProduction, 2).await.id;
    let token = people.officer.access_token().unwrap_or_default().to_string();
    let addr = server.base.trim_start_matches("http://").to_string();
    let part = "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\nContent-Type: text/csv\r\n\r\n";
    let data = "職等,人數\n".to_string() + &"9,120\n".repeat(200_000);
    let tail = "\r\n--XYZ--\r\n";
    let length = part.len() + data.len() + tail.len();
    let head = format!(
        "POST /api/v1/requests/{id}/deliveries HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{part}"
    );
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    sock.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = data.as_bytes().split_at(data.len() / 2);
    sock.write_all(first).await.unwrap();

    server.terminate();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
    assert_eq!(ready.status(), 503, "draining");
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["code"], "draining");
    // Past the drain the listener is closed; the upload started before goes on.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err(), "no new connections");
    sock.write_all(rest).await.unwrap();
    sock.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = server.wait_for_exit(std::time::Duration::from_secs(20)).unwrap_or_else(|| panic!("still running"));
    assert!(status.success(), "{status:?}");
    // What it stored is there for the next start.
    assert_eq!(server.db.stored_files().await.len(), 1);
}

/// Backup while the service writes, then restore into an empty database and an
/// empty files location: every part's hash checked, `audit verify` passes, files
/// open; a file destroyed after the backup stays unreadable (the shred list kept
/// with the keys is replayed); a damaged backup or a target that is not empty is
/// refused.
async fn backup_while_writing_and_restore_into_empty_stores(backend: Backend) {
    let mut a = TestServer::start_with(backend, &["--sweep-seconds", "1"]);
    let people = common::Scenario::new(&a).await;
    // Two delivered requests with a file each; one will be destroyed after the backup.
    let mut delivered = Vec::new();
    for n in 0..2 {
        let r = people.in_state(&common::detail(), State::InProduction, 2).await;
        let body = format!("姓名,職等\n王大明,{}\n", 9 + n).into_bytes();
        let f = people.officer.upload_delivery(r.id, "名冊.csv", body.clone()).await.unwrap();
        people.officer2.approve_delivery(r.id, f.id).await.unwrap();
        people.officer.deliver(r.id, None, "如附件").await.unwrap();
        delivered.push((r.id, f.id, body));
    }
    // Back up while an office keeps writing.
    let writer = {
        let applicant = people.applicant.clone();
        tokio::spawn(async move {
            let mut n = 0;
            for _ in 0..40 {
                if applicant.create_request(&common::statistics()).await.is_ok() {
                    n += 1;
                }
            }
            n
        })
    };
    // Into a file: refused, named (it said 「Not a directory (os error 20)」 and no more).
    let (_file_dir, file) = TempPath::file("backup.tar", b"not a directory");
    let out = a.db.command().arg("backup").arg("--to").arg(&file).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains(&*file.to_string_lossy()) && said.contains("not a directory"), "{said}");
    assert_eq!(std::fs::read(&file).ok().as_deref(), Some(&b"not a directory"[..]), "the file is left as it was");
    let dir = TempPath::dir("statreq-backup");
    let out = a.db.command().arg("backup").arg("--to").arg(&dir.0).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(writer.await.unwrap(), 40, "writes went on during the backup");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.0.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["files"].as_array().map(Vec::len), Some(2), "{manifest}");
    assert!(manifest["audit_entries"].as_i64().is_some_and(|n| n > 0));
    assert!(
        !dir.0.join("keys").exists()
            && !std::fs::read_dir(&dir.0).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains("kek"))
    );

    // After the backup, the office destroys the first request's data (rule 6).
    let (destroyed, destroyed_file, _) = delivered[0].clone();
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    people
        .applicant
        .record_destruction(destroyed, None, &DestructionBody { destroyed_on: today, method: "電子檔永久刪除".into() })
        .await
        .unwrap();
    let keys = a.db.data_dir().join("keys");
    let list = keys.join("shredded.list");
    assert_eq!(std::fs::read_to_string(&list).unwrap().lines().count(), 1, "the destroyed file is on the shred list");
    // A stop between deleting the key and listing it: the next sweep lists it again.
    std::fs::write(&list, "").unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(std::fs::read_to_string(&list).unwrap().lines().count(), 1, "listed again by the sweep");
    a.stop();

    // A damaged backup is refused before anything is written.
    let restore = |target: &statreq_e2e::TestDatabase, from: &std::path::Path| {
        target.command().arg("--keys-dir").arg(&keys).arg("restore").arg("--from").arg(from).output().unwrap()
    };
    let damaged = TempPath::dir("statreq-backup-damaged");
    copy_dir(&dir.0, &damaged.0);
    let victim = std::fs::read_dir(damaged.0.join("files")).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&victim).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    let fresh = statreq_e2e::TestDatabase::new(backend);
    let out = restore(&fresh, &damaged.0);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match the manifest"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(statreq_e2e::statreq_store::backup::database_is_empty(&fresh.url).unwrap(), "nothing written");
    // A directory that is no backup (the data directory, say): its missing manifest is
    // named (it named the directory, which is there, as missing).
    let out = restore(&fresh, &keys);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("manifest.json") && said.contains("not a backup"), "{said}");

    // Restored into empty stores: the trail verifies, the other file opens, the destroyed one stays shredded.
    let out = restore(&fresh, &dir.0);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 shredded again") && said.contains("audit trail intact"), "{said}");
    let verify = fresh.command().args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    // Not twice: the target is no longer empty.
    let again = restore(&fresh, &dir.0);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let b = TestServer::start_on(fresh, &[statreq_e2e::LOOPBACK_ONLY, &["--keys-dir", keys.to_str().unwrap_or_default()]].concat());
    let applicant = b.login("applicant.npa").await;
    let (kept, kept_file, kept_body) = delivered[1].clone();
    let pass = applicant.reveal_passphrase(kept, kept_file).await.unwrap().passphrase;
    assert_eq!(common::open_age(&applicant.download_delivery(kept, kept_file).await.unwrap(), &pass), kept_body);
    let err = applicant.download_delivery(destroyed, destroyed_file).await.err();
    assert_eq!(err.and_then(|e| e.code().map(String::from)), Some("shredded".into()), "destroyed after the backup: still unreadable");
    assert_eq!(b.db.stored_files().await.len(), 1, "its body is gone too");
    let admin = b.login("admin.dgpa").await;
    assert_eq!(admin.audit("action=delivery.shredded_on_restore").await.unwrap().items.len(), 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

mod backups {
    use super::*;
    statreq_e2e::on_both_backends!(backup_while_writing_and_restore_into_empty_stores);
}

/// Two instances sweep reminders every second: the office hears that its data is due
/// for destruction once in-app and once by e-mail per address, however the sweeps of
/// the two interleave (dedupe keys; outbox leases).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_remind_each_person_once() {
    let sink = statreq_e2e::sinks::SmtpSink::start().await;
    let url = sink.url();
    let args = [
        "--sweep-seconds",
        "1",
        "--test-clock-offset-days",
        "85",
        "--smtp-url",
        url.as_str(),
        "--retry-base-ms",
        "100",
        "--worker-poll-ms",
        "100",
    ];
    let a = TestServer::start_with(Backend::Postgres, &args);
    let _b = a.another_instance(&args);
    let people = common::Scenario::new(&a).await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let due = |items: Vec<InboxItem>| {
        items.into_iter().filter(|i| i.kind == "destruction_due" && i.link == format!("/requests/{}", r.id)).count()
    };
    for _ in 0..50 {
        if due(people.applicant.inbox(false).await.unwrap()) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Several more sweeps by each instance.
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert_eq!(due(people.applicant.inbox(false).await.unwrap()), 1, "one notice in-app");
    let mails: Vec<_> =
        sink.mails().into_iter().filter(|m| crate::integration::decoded(&m.data).contains("must be destroyed by")).collect();
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let all: Vec<String> = sink.mails().iter().map(|m| crate::integration::decoded(&m.data).chars().take(200).collect()).collect();
    assert!(!to.is_empty(), "the reminder is e-mailed: {all:#?}");
    assert_eq!(to, ["applicant.npa@demo.invalid", "lin@npa.gov.tw"], "the office and the application's contact, each once: {all:#?}");
}

/// What `statreq serve` writes to standard error from its start until it listens,
/// with `env` set; the process is stopped however the test ends.
fn start_up_log(env: &[(&str, &str)]) -> String {
    server_log(env, |_| {})
}

/// What `statreq serve` writes to standard error from its start until `during` (given
/// the server's base URL) is done; the process is stopped however the test ends.
fn server_log(env: &[(&str, &str)], during: impl FnOnce(&str)) -> String {
    use std::io::BufRead;
    struct Stopped(std::process::Child);
    impl Drop for Stopped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    let mut cmd = db.command();
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--demo", "--demo-accounts-only"]).args(statreq_e2e::LOOPBACK_ONLY);
    cmd.env("RUST_LOG", "info").env_remove("STATREQ_LOG_FORMAT").envs(env.iter().copied());
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = Stopped(cmd.spawn().unwrap_or_else(|e| panic!("starting statreq: {e}")));
    let stdout = child.0.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // Kept open, not dropped: what statreq prints next would meet a closed pipe.
    let mut lines = std::io::BufReader::new(stdout).lines().map_while(Result::ok);
    let listening = lines
        .by_ref()
        .find_map(|l| l.strip_prefix("statreq listening on ").and_then(|rest| rest.split_whitespace().next()).map(String::from));
    let base = listening.unwrap_or_else(|| panic!("statreq did not start"));
    during(&base);
    let _ = child.0.kill();
    drop(lines);
    let mut log = String::new();
    let _ = child.0.stderr.take().map(|mut e| e.read_to_string(&mut log));
    log
}

/// Started with its standard output closed before it has written to it (piped into
/// `head`, a supervisor that drops it), statreq still serves.
#[test]
fn a_closed_standard_output_does_not_stop_the_server() {
    struct Stopped(std::process::Child);
    impl Drop for Stopped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
    let db = statreq_e2e::TestDatabase::new(Backend::Sqlite);
    let mut cmd = db.command();
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--demo", "--demo-accounts-only"]).args(statreq_e2e::LOOPBACK_ONLY);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null());
    let mut child = Stopped(cmd.spawn().unwrap_or_else(|e| panic!("starting statreq: {e}")));
    drop(child.0.stdout.take());
    let healthy = || {
        use std::io::Write;
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.1 200")
    };
    let mut up = false;
    for _ in 0..300 {
        if healthy() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(up, "statreq never answered");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.0.try_wait().ok().flatten().is_none(), "statreq exited");
    assert!(healthy(), "statreq stopped answering");
}

/// Each refusal is logged once, at INFO, with its status and code as fields: a
/// refusal is the service working, not a warning to page anyone over — nor is a request
/// the HTTP layer cannot parse (actix logs those at ERROR; statreq's filter leaves them
/// out unless `RUST_LOG` names `actix_http`).
#[test]
fn refusals_are_logged_once_at_info_with_their_code() {
    let log = server_log(&[("STATREQ_LOG_FORMAT", "json")], |base| {
        let addr = base.trim_start_matches("http://");
        let status = |request: String| {
            use std::io::Write;
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            answer.get(9..12).and_then(|c| c.parse::<u16>().ok()).unwrap_or_else(|| panic!("{answer:?}"))
        };
        assert_eq!(status(format!("GET /api/v1/requests/1 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")), 401);
        let malformed = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 1\r\nConnection: close\r\n\r\n{{"
        );
        assert_eq!(status(malformed), 400);
        // What the HTTP layer refuses before statreq reads it (a scanner's junk): the
        // client's fault, answered 400, nothing to page an operator over.
        assert_eq!(status(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nBad Header\r\nConnection: close\r\n\r\n")), 400);
        assert_eq!(status("GARBAGE\r\n\r\n".into()), 400);
    });
    let entries: Vec<serde_json::Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let about = |code: &str| entries.iter().filter(|e| e["fields"]["code"] == code).collect::<Vec<_>>();
    for (code, status) in [("authentication_required", 401), ("malformed_json", 400)] {
        let lines = about(code);
        assert_eq!(lines.len(), 1, "{code} once: {log}");
        assert_eq!((lines[0]["level"].as_str(), lines[0]["fields"]["status"].as_u64()), (Some("INFO"), Some(status)), "{log}");
    }
    let loud: Vec<_> = entries.iter().filter(|e| e["level"] == "WARN" || e["level"] == "ERROR").collect();
    assert!(loud.is_empty(), "nothing here is worth a warning: {loud:?}");
    // Asked for by name, the HTTP layer's own lines come back.
    let asked = server_log(&[("RUST_LOG", "info,actix_http=debug")], |base| {
        use std::io::Write;
        let mut s = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
        s.write_all(b"GARBAGE\r\n\r\n").unwrap();
        let _ = s.read_to_string(&mut String::new());
    });
    assert!(asked.contains("request parse error"), "{asked}");
}

/// A download link's ticket is a credential for a minute: it is kept out of the log,
/// whose request span still names the path it was sent to.
#[test]
fn a_download_links_ticket_stays_out_of_the_log() {
    const TICKET: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2VjcmV0LXRpY2tldA";
    let log = server_log(&[("STATREQ_LOG_FORMAT", "json")], |base| {
        let addr = base.trim_start_matches("http://");
        for request in [
            format!("GET /api/v1/requests/1/deliveries/2/file?ticket={TICKET} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
            format!("POST /api/v1/requests/1/deliveries/2/link?lang=en&ticket={TICKET} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        ] {
            use std::io::Write;
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        }
    });
    assert!(!log.contains(TICKET) && !log.contains("c2VjcmV0LXRpY2tldA"), "the ticket is in the log:\n{log}");
    let entries: Vec<serde_json::Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let target = |code: &str| entries.iter().find(|e| e["fields"]["code"] == code).map(|e| e["span"]["http.target"].clone());
    assert_eq!(target("invalid_link"), Some(serde_json::json!("/api/v1/requests/1/deliveries/2/file")), "{log}");
    assert_eq!(target("authentication_required"), Some(serde_json::json!("/api/v1/requests/1/deliveries/2/link?lang=en")), "{log}");
}

/// Logs go to files, pipes and journald as plain text (colours only on a terminal),
/// or as one JSON object per line with STATREQ_LOG_FORMAT=json.
#[test]
fn logs_off_a_terminal_are_plain_text_or_json_lines() {
    let text = start_up_log(&[("STATREQ_SMTP_URL", "smtp://relay:s3cret-pass@127.0.0.1:2525")]);
    assert!(text.contains("statreq listening"), "{text}");
    assert!(!text.contains('\u{1b}'), "terminal escapes in a log written to a pipe:\n{text:?}");
    // The settings in force, said once at the start, without a secret.
    let line = text.lines().find(|l| l.contains("statreq listening")).unwrap_or_default();
    for part in [
        "files file://",
        "public URL http://127.0.0.1:",
        "e-mail 127.0.0.1",
        "browser origins: same origin only",
        "trusted token issuers: 0",
    ] {
        assert!(line.contains(part), "{part:?} missing: {line}");
    }
    assert!(!text.contains("s3cret-pass"), "{text}");
    // Links in e-mails lead to the port bound, not to the `:0` asked for; and without
    // `--public-url` the operator is told where they lead.
    let port = line.split("port=").nth(1).and_then(|p| p.split(' ').next()).unwrap_or_default();
    assert!(!port.is_empty() && port != "0" && line.contains(&format!("public URL http://127.0.0.1:{port};")), "{line}");
    assert!(text.contains("--public-url (STATREQ_PUBLIC_URL) is not set"), "{text}");

    let json = start_up_log(&[("STATREQ_LOG_FORMAT", "json")]);
    let lines: Vec<&str> = json.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.iter().any(|l| l.contains("statreq listening")), "{json}");
    for line in lines {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(entry["level"].is_string() && entry["timestamp"].is_string(), "{line}");
    }
}
