//! Result files (rules 5.3 and 6): encrypted upload, four eyes, age download that the
//! standard `age` tool opens, a passphrase revealed separately and audited, nobody
//! else can download, destruction crypto-shreds the server's copy, and the audit
//! trail verifies.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{DestructionBody, State};
use statreq_e2e::{binary, on_both_backends, Backend, TestServer};

/// A request brought into production, with the people who handle it.
async fn in_production(server: &TestServer, personal: bool) -> (i64, Client, Client, Client) {
    let people = common::Scenario::new(server).await;
    let app = if personal { common::detail() } else { common::statistics() };
    let r = people.in_state(&app, State::InProduction, 3).await;
    (r.id, people.applicant, people.supervisor, people.officer)
}

fn age_decrypt_with_cli(file: &[u8], passphrase: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("statreq-age-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let enc = dir.join("result.csv.age");
    let out = dir.join("result.csv");
    std::fs::write(&enc, file).unwrap();
    // age reads a passphrase only from a terminal: give it one with `script`.
    let cmd = format!("age -d -o '{}' '{}'", out.display(), enc.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("script: {e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    stdin.write_all(format!("{passphrase}\n").as_bytes()).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "age -d failed");
    let plain = std::fs::read(&out).unwrap_or_else(|e| panic!("age wrote nothing: {e}"));
    let _ = std::fs::remove_dir_all(dir);
    plain
}

async fn personal_data_is_delivered_as_an_age_file_the_age_tool_opens(backend: Backend) {
    let server = TestServer::start(backend);
    let (id, applicant, supervisor, officer) = in_production(&server, true).await;
    let second = server.login("officer2.dgpa").await;
    let content: Vec<u8> = "姓名,職等,初任公職日期\n王大明,9,2001-08-01\n".repeat(5_000).into_bytes();
    let f = officer.upload_delivery(id, "陞遷名冊.csv", content.clone()).await.unwrap();
    assert_eq!((f.personal, f.download_format.as_str(), f.size_bytes as usize), (true, "age", content.len()));
    assert!(f.published_at.is_none());
    // Invisible to the applicant until delivered.
    assert!(applicant.deliveries(id).await.map(|m| m.files.is_empty()).unwrap_or(false));
    assert_eq!(applicant.download_delivery(id, f.id).await.err().and_then(|e| e.status()), Some(404));
    second.approve_delivery(id, f.id).await.unwrap();
    officer.deliver(id, None, "資料如附加密檔案").await.unwrap();

    let manifest = applicant.deliveries(id).await.unwrap();
    assert_eq!((manifest.revision, manifest.files.len()), (1, 1));
    let m = &manifest.files[0];
    assert_eq!(m.sha256.len(), 64);
    assert_eq!(m.approved_by.as_ref().map(|u| u.display_name.as_str()), Some("李冠廷（人事總處承辦人）"));
    let file = applicant.download_delivery(id, f.id).await.unwrap();
    assert!(file.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(!file.windows(6).any(|w| w == "王大明".as_bytes()), "no plaintext in it");
    let pass = applicant.reveal_passphrase(id, f.id).await.unwrap().passphrase;
    assert_eq!(pass.len(), 35);
    // The standard tool opens it.
    assert_eq!(age_decrypt_with_cli(&file, &pass), content);
    // So does `statreq decrypt`; a wrong passphrase writes nothing.
    let dir = statreq_e2e::TempPath::dir("dec");
    std::fs::write(dir.join("f.age"), &file).unwrap();
    let run = |p: &str, out: &str| {
        let mut c = Command::new(binary())
            .arg("decrypt")
            .arg(dir.join("f.age"))
            .arg("--output")
            .arg(dir.join(out))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        c.stdin.take().map(|mut s| s.write_all(format!("{p}\n").as_bytes()));
        c.wait().map(|s| s.success()).unwrap_or(false)
    };
    assert!(run(&pass, "ok.csv"));
    assert_eq!(std::fs::read(dir.join("ok.csv")).ok(), Some(content.clone()));
    assert!(!run("wrong-passphrase", "bad.csv"));
    assert!(!dir.join("bad.csv").exists());

    // Nobody else: not the supervisor, not another office. Attempts are audited.
    assert_eq!(supervisor.download_delivery(id, f.id).await.err().and_then(|e| e.status()), Some(403));
    let other = server.login("applicant.tpedu").await;
    assert_eq!(other.download_delivery(id, f.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(other.reveal_passphrase(id, f.id).await.err().and_then(|e| e.status()), Some(404));
    let admin = server.login("admin.dgpa").await;
    let trail = admin.audit(&format!("request_id={id}&limit=100")).await.unwrap();
    let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
    for needed in [
        "delivery.uploaded",
        "delivery.approved",
        "request.delivered",
        "delivery.downloaded",
        "delivery.passphrase_revealed",
        "delivery.download_refused",
        "delivery.passphrase_refused",
    ] {
        assert!(actions.contains(&needed), "{needed} missing from {actions:?}");
    }
    // The passphrase appears in no audit entry.
    let all = serde_json::to_string(&trail.items).unwrap_or_default();
    assert!(!all.contains(&pass));

    // Destruction crypto-shreds the server's copy.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let r = applicant.record_destruction(id, None, &DestructionBody { destroyed_on: today, method: "檔案安全刪除".into() }).await.unwrap();
    assert_eq!(r.state, State::Closed);
    assert_eq!(applicant.download_delivery(id, f.id).await.err().and_then(|e| e.code().map(String::from)), Some("shredded".into()));
    assert_eq!(applicant.reveal_passphrase(id, f.id).await.err().and_then(|e| e.status()), Some(410));
    let files = server.db.stored_files().await;
    assert!(files.is_empty(), "the encrypted body is removed too");

    // The whole trail verifies.
    let out = Command::new(binary())
        .arg("--data-dir")
        .arg(server.db.data_dir())
        .arg("--database-url")
        .arg(&server.db.url)
        .args(["audit", "verify"])
        .output();
    let out = out.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit trail intact"));
}

async fn statistics_without_personal_data_download_plain_and_uploads_are_checked(backend: Backend) {
    let server = TestServer::start(backend);
    let (id, applicant, _supervisor, officer) = in_production(&server, false).await;
    for (name, body, code) in [
        ("result.exe", b"MZ".to_vec(), "file_type_not_allowed"),
        ("empty.csv", vec![], "empty_file"),
        (".csv", b"x".to_vec(), "file_type_not_allowed"),
    ] {
        let err = officer.upload_delivery(id, name, body).await.err();
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some(code), "{name}");
    }
    assert_eq!(applicant.upload_delivery(id, "a.csv", b"x".to_vec()).await.err().and_then(|e| e.status()), Some(403));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "機關").unwrap();
    sheet.write_string(0, 1, "人數").unwrap();
    sheet.write_string(1, 0, "NPA").unwrap();
    sheet.write_number(1, 1, 1204.0).unwrap();
    let workbook = book.save_to_buffer().unwrap();
    let f = officer.upload_delivery(id, "統計表.xlsx", workbook.clone()).await.unwrap();
    assert_eq!(f.download_format, "plain");
    // No approval needed without personal data.
    officer.deliver(id, None, "統計表如附件").await.unwrap();
    let plain = applicant.download_delivery(id, f.id).await.unwrap();
    assert_eq!(plain, workbook);
    assert_eq!(applicant.reveal_passphrase(id, f.id).await.err().and_then(|e| e.code().map(String::from)), Some("no_passphrase".into()));
    // Uploads only while in production.
    assert_eq!(officer.upload_delivery(id, "late.csv", b"x".to_vec()).await.err().and_then(|e| e.status()), Some(409));
    // Stored bodies are encrypted: the plaintext is nowhere in the store.
    let stored = server.db.stored_files().await;
    assert!(!stored.is_empty());
    for (_, bytes) in stored {
        assert!(bytes.starts_with(b"STRQENC1"));
        assert!(!bytes.windows(32).any(|w| w == &workbook[30..62]), "no run of the workbook's bytes is stored as it was");
    }
}

on_both_backends!(
    personal_data_is_delivered_as_an_age_file_the_age_tool_opens,
    statistics_without_personal_data_download_plain_and_uploads_are_checked
);

/// `statreq decrypt` opens what the standard tool makes: X25519 and passphrase files,
/// binary and armored (`age -a`, as files go by mail); a file that is not age is named so.
#[test]
fn statreq_decrypt_opens_files_made_by_the_age_tool() {
    let dir = statreq_e2e::TempPath::dir("agetool");
    let plain = dir.join("plain.csv");
    std::fs::write(&plain, "機關,人數\nNPA,1234\n".repeat(1000)).unwrap();
    let key = dir.join("key.txt");
    let ok = Command::new("age-keygen").arg("-o").arg(&key).stderr(Stdio::piped()).output().unwrap_or_else(|e| panic!("age-keygen: {e}"));
    assert!(ok.status.success());
    let public =
        String::from_utf8_lossy(&ok.stderr).lines().find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned)).unwrap_or_default();
    let enc = dir.join("x25519.age");
    let st = Command::new("age").args(["-r", &public, "-o"]).arg(&enc).arg(&plain).status().unwrap();
    assert!(st.success());
    let out = dir.join("out.csv");
    let st = Command::new(binary()).arg("decrypt").arg(&enc).arg("--identity").arg(&key).arg("-o").arg(&out).status().unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read(&out).ok(), std::fs::read(&plain).ok());
    let decrypt = |file: &std::path::Path, to: &std::path::Path| {
        let out = Command::new(binary()).arg("decrypt").arg(file).arg("--identity").arg(&key).arg("-o").arg(to).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    // Armored (it was refused: 「age: Header is invalid」).
    let armored = dir.join("armored.age");
    let st = Command::new("age").args(["-a", "-r", &public, "-o"]).arg(&armored).arg(&plain).status().unwrap();
    assert!(st.success());
    assert!(std::fs::read_to_string(&armored).unwrap_or_default().starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let (ok, said) = decrypt(&armored, &dir.join("out-a.csv"));
    assert!(ok, "{said}");
    assert_eq!(std::fs::read(dir.join("out-a.csv")).ok(), std::fs::read(&plain).ok());
    // The same text as a Windows editor saves it (CRLF), and pasted below blank lines
    // (the Go tool refuses the latter: 「unexpected intro: "\n"」; this was 「Header is
    // invalid」 here too).
    let text = std::fs::read_to_string(&armored).unwrap_or_default();
    for (name, body) in [("crlf.age", text.replace('\n', "\r\n")), ("pasted.age", format!("\n\r\n  \t{text}"))] {
        std::fs::write(dir.join(name), body).unwrap();
        let (ok, said) = decrypt(&dir.join(name), &dir.join("out-w.csv"));
        assert!(ok, "{name}: {said}");
        assert_eq!(std::fs::read(dir.join("out-w.csv")).ok(), std::fs::read(&plain).ok(), "{name}");
    }

    // Not an age file at all (a download saved before it was encrypted, say): said so.
    let (ok, said) = decrypt(&plain, &dir.join("out-n.csv"));
    assert!(!ok && said.contains("not an age file") && said.contains("nothing was written"), "{said}");
    assert!(!dir.join("out-n.csv").exists());

    // Passphrase: `age -p` asks twice at a terminal.
    let enc_p = dir.join("pass.age");
    let cmd = format!("age -p -o '{}' '{}'", enc_p.display(), plain.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    stdin.write_all(b"a-long-test-passphrase-2026\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"a-long-test-passphrase-2026\n").unwrap();
    drop(stdin);
    assert!(child.wait().map(|s| s.success()).unwrap_or(false), "age -p failed");
    let out_p = dir.join("out-p.csv");
    let mut c = Command::new(binary())
        .arg("decrypt")
        .arg(&enc_p)
        .arg("-o")
        .arg(&out_p)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin.take().map(|mut s| s.write_all(b"a-long-test-passphrase-2026\n"));
    assert!(c.wait().map(|s| s.success()).unwrap_or(false));
    assert_eq!(std::fs::read(&out_p).ok(), std::fs::read(&plain).ok());

    // At a terminal, as a recipient types it: asked for, and not shown on the screen.
    let out_t = dir.join("out-t.csv");
    let (bin, enc_t, out_t_s) =
        (binary().to_string_lossy().into_owned(), enc_p.to_string_lossy().into_owned(), out_t.to_string_lossy().into_owned());
    let screen = statreq_e2e::at_terminal(&[&bin, "decrypt", &enc_t, "-o", &out_t_s], &[("Passphrase", "a-long-test-passphrase-2026")]);
    assert!(screen.contains("Passphrase"), "no prompt at a terminal: {screen:?}");
    assert!(!screen.contains("a-long-test-passphrase-2026"), "the passphrase shown as typed: {screen:?}");
    assert_eq!(std::fs::read(&out_t).ok(), std::fs::read(&plain).ok(), "{screen:?}");

    // A flipped byte: refused, nothing written.
    let mut bytes = std::fs::read(&enc).unwrap_or_default();
    let at = bytes.len() - 10;
    bytes[at] ^= 1;
    std::fs::write(dir.join("bad.age"), bytes).unwrap();
    let st = Command::new(binary())
        .arg("decrypt")
        .arg(dir.join("bad.age"))
        .arg("--identity")
        .arg(&key)
        .arg("-o")
        .arg(dir.join("bad.csv"))
        .stderr(Stdio::null())
        .status();
    assert!(!st.map(|s| s.success()).unwrap_or(true));
    assert!(!dir.join("bad.csv").exists());
}

/// Moves a delivery back in time, as if `days` had passed since it, by SQL from outside
/// the service; returns once the service shows it (another writer's change reaches its
/// read cache within milliseconds on PostgreSQL, not at once).
async fn age_delivery(server: &TestServer, backend: Backend, reader: &Client, id: i64, days: i64) {
    let before = reader.get_request(id).await.unwrap().delivered_at;
    let store = statreq_store::Store::open(&server.db.url).unwrap();
    let sql = match backend {
        Backend::Sqlite => format!("UPDATE requests SET delivered_at = datetime(delivered_at, '-{days} days') WHERE id = {id}"),
        Backend::Postgres => format!("UPDATE requests SET delivered_at = delivered_at - interval '{days} days' WHERE id = {id}"),
    };
    store.batch_execute(&sql).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while reader.get_request(id).await.unwrap().delivered_at == before {
        assert!(std::time::Instant::now() < deadline, "the service does not show a change made by SQL after 5 s");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

async fn an_overdue_destruction_blocks_new_submissions(backend: Backend) {
    let server = TestServer::start(backend);
    let (id, applicant, _supervisor, officer) = in_production(&server, true).await;
    let f = officer.upload_delivery(id, "r.csv", b"x,y\n".to_vec()).await.unwrap();
    server.login("officer2.dgpa").await.approve_delivery(id, f.id).await.unwrap();
    let r = officer.deliver(id, None, "如附件").await.unwrap();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    assert_eq!(r.destroy_by, Some(today + chrono::Duration::days(90)));
    assert!(!r.destruction_overdue);
    let due = applicant.destructions().await.unwrap();
    assert_eq!((due.len(), due[0].days_left, due[0].overdue), (1, 90, false));
    // Which data it is: the request's reason, as the applicant wrote it.
    assert_eq!(due[0].reason, r.application.reason);

    // 91 days later.
    age_delivery(&server, backend, &applicant, id, 91).await;
    let due = officer.destructions().await.unwrap();
    assert_eq!((due[0].request_id, due[0].overdue, due[0].agency_code.as_str()), (id, true, "NPA"));
    assert!(applicant.get_request(id).await.map(|r| r.destruction_overdue).unwrap_or(false));
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let err = applicant.submit(draft.id, None).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("the submission should be blocked"));
    assert_eq!(p.errors[0].code, "destruction_overdue");
    assert!(p.errors[0].detail.contains(&id.to_string()), "{}", p.errors[0].detail);
    // Another agency is not affected.
    let other = server.login("applicant.tpedu").await;
    let o = other.create_request(&common::statistics()).await.unwrap();
    other.submit(o.id, None).await.unwrap();
    // Recording the destruction lifts the block (a date after delivery, not in the future).
    let body = DestructionBody { destroyed_on: today - chrono::Duration::days(1), method: "刪除並清除備份".into() };
    applicant.record_destruction(id, None, &body).await.unwrap();
    applicant.submit(draft.id, None).await.unwrap();
    assert!(applicant.destructions().await.map(|d| d.is_empty()).unwrap_or(false));
}

async fn an_interrupted_upload_leaves_nothing(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    let server = TestServer::start(backend);
    let (id, _applicant, _supervisor, officer) = in_production(&server, true).await;
    let token = officer.access_token().unwrap_or_default().to_string();
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/requests/{id}/deliveries HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 10000000\r\n\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    sock.write_all(&vec![b'a'; 300_000]).await.unwrap();
    drop(sock); // the connection dies mid-file
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(officer.deliveries(id).await.map(|m| m.files.is_empty()).unwrap_or(false));
    let left: Vec<_> = server.db.stored_files().await.into_iter().map(|(name, _)| name).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // A complete upload afterwards works.
    officer.upload_delivery(id, "ok.csv", b"a\n".to_vec()).await.unwrap();
}

/// A form whose declared length no allowed file could fill is refused `413
/// file_too_large` at once, before a byte of it is read: a client that asks first
/// (`Expect: 100-continue`) learns it without sending anything, instead of the server
/// taking in 512 MiB before saying no. Deliveries and attachments alike; nothing changes.
async fn a_declared_oversize_upload_is_refused_before_it_is_sent(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start(backend);
    let (id, applicant, _supervisor, officer) = in_production(&server, true).await;
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let stored = server.db.stored_files().await.len();
    let addr = server.base.trim_start_matches("http://").to_string();
    let ask = |path: String, token: String, length: u64| {
        let addr = addr.clone();
        async move {
            let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "POST /api/v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: {length}\r\nExpect: 100-continue\r\n\r\n"
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            // Nothing of the body is sent: the answer must come without it.
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            let read = async {
                while !String::from_utf8_lossy(&got).contains("\"code\"") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
            };
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
            String::from_utf8_lossy(&got).into_owned()
        }
    };
    let token = |c: &Client| c.access_token().unwrap_or_default().to_string();
    // 512 MiB is the deliveries' default limit, 10 MiB the attachments'.
    for (path, who, length) in [
        (format!("/requests/{id}/deliveries"), token(&officer), 1_000_000_000_000u64),
        (format!("/requests/{id}/deliveries"), token(&officer), 600 * 1024 * 1024),
        (format!("/requests/{}/attachments", draft.id), token(&applicant), 20 * 1024 * 1024),
    ] {
        let answer = ask(path.clone(), who, length).await;
        let status = answer.lines().rfind(|l| l.starts_with("HTTP/1.1 ")).unwrap_or_default().to_string();
        assert!(status.starts_with("HTTP/1.1 413") && answer.contains("\"code\":\"file_too_large\""), "{path} {length}: {answer}");
    }
    assert!(officer.deliveries(id).await.unwrap().files.is_empty());
    assert!(applicant.attachments(draft.id).await.unwrap().is_empty());
    assert_eq!(server.db.stored_files().await.len(), stored, "nothing stored");
}

mod retention {
    use super::*;
    on_both_backends!(
        an_overdue_destruction_blocks_new_submissions,
        an_interrupted_upload_leaves_nothing,
        a_declared_oversize_upload_is_refused_before_it_is_sent
    );
}

async fn the_server_copy_is_shredded_after_the_download_window(backend: Backend) {
    let server = TestServer::start_with(backend, &["--download-window-days", "0", "--sweep-seconds", "1"]);
    let (id, applicant, _supervisor, officer) = in_production(&server, false).await;
    let f = officer.upload_delivery(id, "t.csv", b"a,b\n".to_vec()).await.unwrap();
    // Not published yet: the window has not started, the sweep leaves it alone.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(officer.download_delivery(id, f.id).await.is_ok());
    officer.deliver(id, None, "如附件").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(applicant.download_delivery(id, f.id).await.err().and_then(|e| e.code().map(String::from)), Some("shredded".into()));
    let m = applicant.deliveries(id).await.unwrap();
    assert!(m.files[0].shredded_at.is_some());
    assert_eq!(server.db.stored_files().await.len(), 0);
    let trail = server.login("admin.dgpa").await.audit(&format!("request_id={id}&action=delivery.shredded_after_window")).await.unwrap();
    assert_eq!(trail.items.len(), 1);
}

mod window {
    use super::*;
    on_both_backends!(the_server_copy_is_shredded_after_the_download_window);
}

async fn a_registered_x25519_recipient_replaces_the_passphrase(backend: Backend) {
    let server = TestServer::start(backend);
    let (id, applicant, _supervisor, officer) = in_production(&server, true).await;
    let f = officer.upload_delivery(id, "detail.csv", b"name,grade\nA,9\n".to_vec()).await.unwrap();
    server.login("officer2.dgpa").await.approve_delivery(id, f.id).await.unwrap();
    officer.deliver(id, None, "如附件").await.unwrap();

    let dir = std::env::temp_dir().join(format!("statreq-x25519-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("webhr.key");
    let out = Command::new("age-keygen").arg("-o").arg(&key).stderr(Stdio::piped()).output().unwrap();
    let public =
        String::from_utf8_lossy(&out.stderr).lines().find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned)).unwrap_or_default();
    assert_eq!(
        applicant.set_age_recipient(Some("age1notakey")).await.err().and_then(|e| e.code().map(String::from)),
        Some("invalid_recipient".into())
    );
    applicant.set_age_recipient(Some(&public)).await.unwrap();
    // Sent again (as a system may at each start): kept, not audited a second time.
    applicant.set_age_recipient(Some(&public)).await.unwrap();
    let file = applicant.download_delivery(id, f.id).await.unwrap();
    std::fs::write(dir.join("d.age"), &file).unwrap();
    let plain = Command::new("age").arg("-d").arg("-i").arg(&key).arg(dir.join("d.age")).output().unwrap();
    assert!(plain.status.success());
    assert_eq!(plain.stdout, b"name,grade\nA,9\n");
    // Back to passphrases: the identity no longer opens new downloads.
    applicant.set_age_recipient(None).await.unwrap();
    applicant.set_age_recipient(None).await.unwrap();
    let file = applicant.download_delivery(id, f.id).await.unwrap();
    std::fs::write(dir.join("p.age"), &file).unwrap();
    let st = Command::new("age").arg("-d").arg("-i").arg(&key).arg(dir.join("p.age")).stderr(Stdio::null()).stdout(Stdio::null()).status();
    assert!(!st.map(|s| s.success()).unwrap_or(true));
    let trail = server.login("admin.dgpa").await.audit("action=user.age_recipient_set").await.unwrap();
    assert_eq!(trail.items.len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

mod recipients {
    use super::*;
    on_both_backends!(a_registered_x25519_recipient_replaces_the_passphrase);
}

/// A wrong upload is removed before delivery (DGPA, with a reason): its body and row
/// go, the audit trail keeps why; a delivered file stays.
async fn a_file_not_yet_delivered_can_be_removed(backend: Backend) {
    let server = TestServer::start(backend);
    let (id, applicant, _supervisor, officer) = in_production(&server, true).await;
    let wrong = officer.upload_delivery(id, "wrong.csv", b"name\nA\n".to_vec()).await.unwrap();
    let right = officer.upload_delivery(id, "right.csv", b"name,grade\nA,9\n".to_vec()).await.unwrap();
    let count = || async { server.db.stored_files().await.len() };
    assert_eq!(count().await, 2);
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));

    // Refusals change nothing: the wrong role, no reason, another request's file.
    assert_eq!(applicant.remove_delivery(id, wrong.id, "x").await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(code(officer.remove_delivery(id, wrong.id, " ").await.err()), Some("invalid_query".into()));
    let other = common::Scenario::new(&server).await.in_state(&common::statistics(), State::InProduction, 2).await;
    assert_eq!(officer.remove_delivery(other.id, wrong.id, "x").await.err().and_then(|e| e.status()), Some(404));
    let tpedu = server.login("applicant.tpedu").await;
    assert_eq!(tpedu.remove_delivery(id, wrong.id, "x").await.err().and_then(|e| e.status()), Some(404));
    assert_eq!((officer.deliveries(id).await.unwrap().files.len(), count().await), (2, 2));

    officer.remove_delivery(id, wrong.id, "上傳錯誤檔案").await.unwrap();
    let left = officer.deliveries(id).await.unwrap().files;
    assert_eq!(left.iter().map(|f| f.id).collect::<Vec<_>>(), [right.id]);
    assert_eq!(count().await, 1, "the body is gone");
    assert_eq!(officer.remove_delivery(id, wrong.id, "again").await.err().and_then(|e| e.status()), Some(404));
    let trail = server.login("admin.dgpa").await.audit(&format!("request_id={id}&action=delivery.removed")).await.unwrap();
    assert_eq!(trail.items.len(), 1);
    assert_eq!(trail.items[0].detail["reason"], "上傳錯誤檔案");

    // Delivered, it stays.
    server.login("officer2.dgpa").await.approve_delivery(id, right.id).await.unwrap();
    officer.deliver(id, None, "如附件").await.unwrap();
    assert_eq!(code(officer.remove_delivery(id, right.id, "x").await.err()), Some("already_published".into()));
}

mod removal {
    use super::*;
    on_both_backends!(a_file_not_yet_delivered_can_be_removed);
}

/// Rule 6: the office asks to keep delivered personal data longer, within 365 days in
/// all; DGPA approves (destroy-by moves) or refuses with a comment.
async fn retention_is_extended_within_the_maximum(backend: Backend) {
    use statreq_e2e::statreq_contract::ExtensionDecision;
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let (applicant, officer) = (&people.applicant, &people.officer);
    let before = applicant.get_request(r.id).await.unwrap();
    let destroy_by = before.destroy_by.unwrap();
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));

    // The detail application keeps 90 days: 275 more at most.
    assert_eq!(code(applicant.request_retention_extension(r.id, 276, "尚需比對").await.err()), Some("retention_too_long".into()));
    assert_eq!(code(applicant.request_retention_extension(r.id, 0, "尚需比對").await.err()), Some("retention_too_long".into()));
    assert_eq!(applicant.request_retention_extension(r.id, 30, " ").await.err().and_then(|e| e.status()), Some(422));
    assert_eq!(officer.request_retention_extension(r.id, 30, "x").await.err().and_then(|e| e.status()), Some(403));
    let tpedu = server.login("applicant.tpedu").await;
    assert_eq!(tpedu.request_retention_extension(r.id, 30, "x").await.err().and_then(|e| e.status()), Some(404));
    let stats = people.in_state(&common::statistics(), State::Delivered, 2).await;
    assert_eq!(code(applicant.request_retention_extension(stats.id, 30, "x").await.err()), Some("no_personal_data".into()));
    assert!(applicant.retention_extensions(r.id).await.unwrap().is_empty(), "refusals stored nothing");

    let asked = applicant.request_retention_extension(r.id, 60, "陞遷評審延至下年度辦理").await.unwrap();
    assert_eq!((asked.days, asked.decision.as_deref()), (60, None));
    assert_eq!(code(applicant.request_retention_extension(r.id, 10, "再延").await.err()), Some("retention_extension_pending".into()));

    // DGPA decides: an officer, at the request's version, a refusal says why.
    assert_eq!(
        applicant.decide_retention_extension(r.id, None, ExtensionDecision::Approve, None).await.err().and_then(|e| e.status()),
        Some(403)
    );
    assert_eq!(
        officer
            .decide_retention_extension(r.id, Some(before.version + 4), ExtensionDecision::Approve, None)
            .await
            .err()
            .and_then(|e| e.status()),
        Some(412)
    );
    // A refusal says why, and the officer is told so in words (it read 「「/comment」的內容
    // 格式有誤，請依 API 文件填寫。」).
    let refused = officer.decide_retention_extension(r.id, None, ExtensionDecision::Refuse, None).await.err();
    let problem = refused.as_ref().and_then(|e| e.problem());
    assert_eq!(
        (problem.map(|p| p.status), problem.map(|p| p.message.zh_tw.as_str())),
        (Some(422), Some("「/comment」有誤：不同意延長時，請寫明理由。")),
        "{refused:?}"
    );
    let approved = officer.decide_retention_extension(r.id, Some(before.version), ExtensionDecision::Approve, Some("同意")).await.unwrap();
    assert_eq!(approved.decision.as_deref(), Some("approved"));
    let after = applicant.get_request(r.id).await.unwrap();
    assert_eq!(after.destroy_by, Some(destroy_by + chrono::Duration::days(60)), "destroy-by moves");
    assert_eq!(
        code(officer.decide_retention_extension(r.id, None, ExtensionDecision::Approve, None).await.err()),
        Some("no_extension_waiting".into())
    );

    // 150 days in all now: 215 remain; a refusal moves nothing.
    assert_eq!(code(applicant.request_retention_extension(r.id, 216, "再延").await.err()), Some("retention_too_long".into()));
    applicant.request_retention_extension(r.id, 30, "再延一個月").await.unwrap();
    let refused = officer.decide_retention_extension(r.id, None, ExtensionDecision::Refuse, Some("已逾必要期間")).await.unwrap();
    assert_eq!(refused.decision.as_deref(), Some("refused"));
    assert_eq!(applicant.get_request(r.id).await.unwrap().destroy_by, after.destroy_by);
    let listed = applicant.retention_extensions(r.id).await.unwrap();
    assert_eq!(listed.iter().map(|e| e.decision.clone().unwrap_or_default()).collect::<Vec<_>>(), ["approved", "refused"]);
    let due = applicant.destructions().await.unwrap();
    assert_eq!(due.iter().find(|d| d.request_id == r.id).map(|d| d.destroy_by), after.destroy_by);
}

/// Asking to keep the data longer is told to DGPA's officers, the decision to the
/// office, and both are on the timeline with the days, the reason and the comment.
async fn a_retention_extension_is_told_and_on_the_timeline(backend: Backend) {
    use crate::notifications::notice;
    use statreq_e2e::statreq_contract::ExtensionDecision;
    use statreq_e2e::statreq_domain::EventKind;
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    let people = common::Scenario::new(&server).await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let (applicant, officer, officer2) = (&people.applicant, &people.officer, &people.officer2);
    let last = |c: &Client| {
        let c = c.clone();
        async move { c.events(r.id).await.unwrap().pop().unwrap() }
    };

    applicant.request_retention_extension(r.id, 60, "陞遷評審延至下年度辦理").await.unwrap();
    for c in [officer, officer2] {
        assert!(notice(c, "request_extension_requested", r.id, 100).await.is_some(), "DGPA's officers are told");
    }
    let e = last(applicant).await;
    assert_eq!(
        (e.kind, e.to_state, e.comment.as_deref()),
        (EventKind::ExtensionRequested, State::Delivered, Some("陞遷評審延至下年度辦理"))
    );
    assert_eq!(e.data["days"].as_i64(), Some(60));
    let version = applicant.get_request(r.id).await.unwrap().version;
    officer.decide_retention_extension(r.id, Some(version), ExtensionDecision::Approve, None).await.unwrap();
    assert!(notice(applicant, "request_extension_approved", r.id, 100).await.is_some(), "the office is told");
    let e = last(officer).await;
    assert_eq!((e.kind, e.data["days"].as_i64(), e.comment), (EventKind::ExtensionApproved, Some(60), None));

    applicant.request_retention_extension(r.id, 30, "再延一個月").await.unwrap();
    officer.decide_retention_extension(r.id, None, ExtensionDecision::Refuse, Some("已逾必要期間")).await.unwrap();
    assert!(notice(applicant, "request_extension_refused", r.id, 100).await.is_some());
    let e = last(applicant).await;
    assert_eq!((e.kind, e.comment.as_deref()), (EventKind::ExtensionRefused, Some("已逾必要期間")));
    // Nobody is told of what they did themselves.
    assert!(notice(applicant, "request_extension_requested", r.id, 1).await.is_none());
    assert!(notice(officer, "request_extension_approved", r.id, 1).await.is_none());
}

/// Recording the destruction while a colleague asks to keep the data longer: whichever
/// lands first, no question is left waiting on a request that is closed.
async fn a_question_to_keep_data_longer_never_outlives_its_destruction(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let applicant = &people.applicant;
    let colleague = applicant.clone();
    // Taipei's date, the service's (after 16:00 UTC it is already tomorrow there).
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    for round in 0..6 {
        let r = people.in_state(&common::detail(), State::Delivered, 2).await;
        let body = DestructionBody { destroyed_on: today, method: "檔案安全刪除".into() };
        let (destroyed, asked) = tokio::join!(
            applicant.record_destruction(r.id, Some(r.version), &body),
            colleague.request_retention_extension(r.id, 30, "尚需比對")
        );
        assert!(destroyed.is_ok(), "round {round}: {destroyed:?}");
        let listed = applicant.retention_extensions(r.id).await.unwrap();
        let decisions: Vec<Option<String>> = listed.into_iter().map(|e| e.decision).collect();
        match asked {
            // Asked first: the destruction lapses it.
            Ok(_) => assert_eq!(decisions, [Some("lapsed".to_string())], "round {round}"),
            // Destroyed first: the question is refused and nothing kept.
            Err(e) => {
                assert_eq!((e.status(), e.code()), (Some(409), Some("invalid_state")), "round {round}: {e}");
                assert!(decisions.is_empty(), "round {round}: {decisions:?}");
            }
        }
    }
    // Asked once the destruction is recorded: the same answer, whichever check sees it
    // (before, the early one said "holds no personal data").
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    let body = DestructionBody { destroyed_on: today, method: "檔案安全刪除".into() };
    applicant.record_destruction(r.id, Some(r.version), &body).await.unwrap();
    let late = colleague.request_retention_extension(r.id, 30, "尚需比對").await.err();
    assert_eq!(
        (late.as_ref().and_then(|e| e.status()), late.as_ref().and_then(|e| e.code())),
        (Some(409), Some("invalid_state")),
        "{late:?}"
    );
}

mod retention_extension {
    use super::*;
    on_both_backends!(
        retention_is_extended_within_the_maximum,
        a_retention_extension_is_told_and_on_the_timeline,
        a_question_to_keep_data_longer_never_outlives_its_destruction
    );
}

/// Disclosure checks (output checking): a statistical table with cells counting fewer
/// than three people is flagged in the manifest and blocks delivery until a second
/// officer accepts it with a reason, or the file is replaced by a suppressed one.
/// An XLSX result (every sheet) is checked like a CSV; a file named .xlsx that is no
/// workbook is refused and nothing is stored.
async fn spreadsheets_are_checked_sheet_by_sheet(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let mut app = common::statistics();
    app.requirement.breakdowns = vec!["agency_code".into(), "grade".into()];
    let id = people.in_state(&app, State::InProduction, 2).await.id;
    let mut book = rust_xlsxwriter::Workbook::new();
    let by_sex = book.add_worksheet().set_name("性別").unwrap();
    for (c, h) in ["機關", "職等", "男", "女"].iter().enumerate() {
        by_sex.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (agency, grade, m, f)) in [("NPA", 2.0, 12.0, 40.0), ("NIA", 9.0, 33.0, 1204.0)].iter().enumerate() {
        let r = r as u32 + 1;
        by_sex.write_string(r, 0, *agency).unwrap();
        by_sex.write_number(r, 1, *grade).unwrap();
        by_sex.write_number(r, 2, *m).unwrap();
        by_sex.write_number(r, 3, *f).unwrap();
    }
    let by_age = book.add_worksheet().set_name("年齡").unwrap();
    by_age.write_string(0, 0, "機關").unwrap();
    by_age.write_string(0, 1, "65歲以上").unwrap();
    by_age.write_string(1, 0, "NPA").unwrap();
    by_age.write_number(1, 1, 2.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let f = people.officer.upload_delivery(id, "結果.xlsx", bytes).await.unwrap();
    let report = f.disclosure.clone().unwrap_or_else(|| panic!("a workbook is checked"));
    let cells: Vec<(usize, usize, u32, String)> = report.small_cells.iter().map(|c| (c.row, c.column, c.count, c.header.clone())).collect();
    assert_eq!(cells, vec![(2, 2, 2, "年齡 · 65歲以上".to_string())], "the grade column holds codes; the second sheet is named");
    let err = people.officer.deliver(id, None, "如附件").await.err();
    assert_eq!(err.and_then(|e| e.code().map(String::from)), Some("disclosure_unresolved".into()));
    // Not a workbook: refused, nothing stored.
    let before = server.db.stored_files().await.len();
    let err = people.officer.upload_delivery(id, "壞檔.xlsx", b"PK\x03\x04 not really a workbook".to_vec()).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((problem.status, problem.code.as_str()), (422, "unreadable_table"));
    assert!(problem.message.zh_tw.contains("試算表"));
    assert_eq!(server.db.stored_files().await.len(), before);
    assert_eq!(people.officer.deliveries(id).await.unwrap().files.len(), 1);
}

/// A ZIP of the given members (name, bytes), deflated.
fn zipped(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        out.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An ODS workbook of one sheet whose rows are `rows` (ODF's `table:table-row` elements),
/// with `extra` members beside.
fn ods(rows: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="表">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut members: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ];
    members.extend_from_slice(extra);
    zipped(&members)
}

/// An XLSX workbook of one sheet whose `sheetData` is `rows`, with these shared strings.
fn xlsx(rows: &str, shared: &[&str]) -> Vec<u8> {
    let strings: String = shared.iter().map(|t| format!("<si><t>{t}</t></si>")).collect();
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{}">{strings}</sst>"#,
        shared.len()
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    );
    zipped(&[
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ("xl/sharedStrings.xml", sst.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

/// A workbook that spreads over more cells than the check lays out, or unpacks to more
/// than it reads, and a CSV of more cells, is refused (422 `table_too_large`), and nothing is stored; the server
/// stays up. (A 1.6 KB XLSX with values in A1 and XFD1048576 had ended the server: the
/// sheet laid out as one grid asked for 512 GiB.) A table as a spreadsheet program
/// writes it (an ODS ending in a million repeated empty rows) is checked as before.
async fn workbooks_too_large_to_check_are_refused_and_the_server_stays_up(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let id = people.in_state(&common::statistics(), State::InProduction, 2).await.id;
    let cell =
        |v: &str| format!(r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#);
    let mut far = rust_xlsxwriter::Workbook::new();
    let sheet = far.add_worksheet();
    sheet.write_string(0, 0, "人數").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    let good = ods(
        &format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>機關</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>人數</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>NPA</text:p></table:table-cell>{}<table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
            cell("2")
        ),
        &[],
    );
    let big = "x".repeat(1024 * 1024);
    let refused: Vec<(&str, Vec<u8>)> = vec![
        ("遠處.xlsx", far.save_to_buffer().unwrap()),
        // One value repeated across every column of a million rows.
        (
            "重複.ods",
            ods(
                &format!(
                    r#"<table:table-row table:number-rows-repeated="1048576">{}</table:table-row>"#,
                    cell("1").replace("<table:table-cell ", r#"<table:table-cell table:number-columns-repeated="16384" "#)
                ),
                &[],
            ),
        ),
        // A value in the first and the last cell of the sheet.
        (
            "兩端.ods",
            ods(
                &format!(
                    r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{}</table:table-row>"#,
                    cell("1"),
                    cell("1")
                ),
                &[],
            ),
        ),
        // Spaces written out one by one.
        (
            "空白.ods",
            ods(
                r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#,
                &[],
            ),
        ),
        // One string of 1 MiB shown in a thousand cells: a shared string (an 11 KB file that
        // held a gigabyte), an ODS cell repeated, and spaces in a repeated cell.
        (
            "共用字串.xlsx",
            xlsx(&(1..=1000).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect::<String>(), &[&big]),
        ),
        (
            "長字串.ods",
            ods(
                &format!(
                    r#"<table:table-row table:number-rows-repeated="10"><table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>{big}</text:p></table:table-cell></table:table-row>"#
                ),
                &[],
            ),
        ),
        // The same text in a cell that holds another cell (calamine reads the outer one's
        // text up to the first cell's end, then repeats it).
        (
            "巢狀.ods",
            ods(
                &format!(
                    r#"<table:table-row><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>{big}</text:p><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-cell></table:table-row>"#
                ),
                &[],
            ),
        ),
        (
            "重複空白.ods",
            ods(
                r#"<table:table-row><table:table-cell table:number-columns-repeated="1000" office:value-type="string"><text:p>a<text:s text:c="1048576"/></text:p></table:table-cell></table:table-row>"#,
                &[],
            ),
        ),
        // A CSV of a million and one cells (2 MB).
        ("一百萬.csv", "1,".repeat(1_000_001).into_bytes()),
        // A member that unpacks to 100 MiB (about 100 KB packed) beside a small sheet.
        (
            "膨脹.ods",
            ods(&format!("<table:table-row>{}</table:table-row>", cell("5")), &[("Thumbnails/pad.bin", &vec![0u8; 100 * 1024 * 1024])]),
        ),
    ];
    let before = server.db.stored_files().await.len();
    for (name, bytes) in refused {
        let err = people.officer.upload_delivery(id, name, bytes).await.err();
        let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!((problem.status, problem.code.as_str()), (422, "table_too_large"), "{name}: {problem:?}");
        assert!(
            problem.message.zh_tw.contains("至多 1000000 個儲存格") && problem.message.zh_tw.contains("未儲存"),
            "{}",
            problem.message.zh_tw
        );
        assert_eq!(problem.errors.first().map(|e| e.pointer.as_str()), Some("/file"));
        assert_eq!(server.db.stored_files().await.len(), before, "{name}: nothing stored");
    }
    // A cell reference of more digits than the sheet has rows (an overflow in calamine's
    // arithmetic, a panic where overflow is checked): unreadable, not a fault (it was 500).
    let overflowing = xlsx(r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#, &[]);
    let err = people.officer.upload_delivery(id, "溢位.xlsx", overflowing).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((problem.status, problem.code.as_str()), (422, "unreadable_table"), "{problem:?}");
    assert_eq!(server.db.stored_files().await.len(), before);
    let f = people.officer.upload_delivery(id, "結果.ods", good).await.unwrap();
    let report = f.disclosure.unwrap_or_else(|| panic!("an ODS table is checked"));
    assert_eq!(report.small_cells.iter().map(|c| (c.row, c.column, c.count)).collect::<Vec<_>>(), vec![(2, 2, 2)]);
    // Shared strings as a spreadsheet program writes them are read as before.
    let shared = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>2</v></c></row>"#,
        &["機關", "人數", "NPA"],
    );
    let f = people.officer.upload_delivery(id, "結果.xlsx", shared).await.unwrap();
    let report = f.disclosure.unwrap_or_else(|| panic!("an XLSX table is checked"));
    assert_eq!(report.small_cells.iter().map(|c| (c.row, c.column, c.count)).collect::<Vec<_>>(), vec![(2, 2, 2)]);
    assert_eq!(people.officer.deliveries(id).await.unwrap().files.len(), 2);
}

async fn small_cells_are_checked_before_a_table_is_released(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let mut app = common::statistics();
    app.requirement.breakdowns = vec!["agency_code".into(), "grade".into()];
    let id = people.in_state(&app, State::InProduction, 2).await.id;
    let (applicant, officer) = (people.applicant.clone(), people.officer.clone());
    let officer2 = server.login("officer2.dgpa").await;
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));
    let table = "\u{feff}機關,職等,男,女\nNPA,2,12,2\nNPA,10,0,5\nNIA,9,1,1204\n";
    let f = officer.upload_delivery(id, "result.csv", table.as_bytes().to_vec()).await.unwrap();
    let report = f.disclosure.clone().unwrap_or_else(|| panic!("a table is checked"));
    let cells: Vec<(usize, usize, u32)> = report.small_cells.iter().map(|c| (c.row, c.column, c.count)).collect();
    assert_eq!(cells, vec![(2, 4, 2), (4, 3, 1)], "the grade column (a breakdown) holds codes, not counts");
    assert_eq!(code(officer.deliver(id, None, "如附件").await.err()), Some("disclosure_unresolved".into()));

    // Accepted: by a second officer, with a reason; the uploader may not.
    assert_eq!(code(officer.accept_disclosure(id, f.id, "合併後不致識別").await.err()), Some("four_eyes".into()));
    // The office does not see a file before delivery at all.
    assert_eq!(applicant.accept_disclosure(id, f.id, "x").await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(officer2.accept_disclosure(id, f.id, " ").await.err().and_then(|e| e.status()), Some(422));
    let accepted = officer2.accept_disclosure(id, f.id, "各細格已經主管機關同意，不致識別特定個人").await.unwrap();
    assert!(accepted.disclosure.and_then(|d| d.accepted).is_some());
    assert_eq!(code(officer2.accept_disclosure(id, f.id, "again").await.err()), Some("nothing_to_accept".into()));
    // A clean table passes without a word; a file that is no table is not checked.
    let clean = officer.upload_delivery(id, "clean.csv", "機關,人數\nNPA,120\n".as_bytes().to_vec()).await.unwrap();
    assert!(clean.disclosure.is_some_and(|d| d.small_cells.is_empty()));
    let pdf = officer.upload_delivery(id, "說明.pdf", b"%PDF-1.4\n".to_vec()).await.unwrap();
    assert!(pdf.disclosure.is_none());
    officer.deliver(id, None, "如附件").await.unwrap();
    let trail = server.login("admin.dgpa").await.audit(&format!("request_id={id}&action=delivery.disclosure_accepted")).await.unwrap();
    assert_eq!(trail.items.len(), 1);
    // The office sees the check in its manifest.
    let m = applicant.deliveries(id).await.unwrap();
    assert!(m.files.iter().any(|f| f.disclosure.as_ref().is_some_and(|d| d.accepted.is_some())));
}

async fn magnitude_columns_are_checked_by_dominance_rules(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let mut app = common::statistics();
    app.requirement.breakdowns = vec!["agency_code".into()];
    let id = people.in_state(&app, State::InProduction, 2).await.id;
    let officer = people.officer.clone();
    let refusal = |e: Option<statreq_e2e::statreq_client::ClientError>| {
        let p = e.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{e:?}"));
        (p.status, p.code.clone(), p.errors.first().map(|e| e.pointer.clone()).unwrap_or_default(), p.message.zh_tw.clone())
    };
    // Row 3 (NIA): the two largest salaries make up 92% of the total; the total of 2 in
    // row 4 is a sum of money, not a count of people.
    let table = "機關,人數,俸額合計\nNPA,40,2000000\nNIA,5,610000\nCGA,4,2\n";
    let top = "機關,人數,俸額合計\n,,90000/85000\n,,500000/60000\n,,1/0.5\n";
    let upload = |magnitude: Vec<&'static str>, contributions: Option<&'static str>, name: &'static str| {
        let officer = officer.clone();
        async move {
            officer
                .upload_magnitude_table(
                    id,
                    name,
                    table.as_bytes().to_vec(),
                    &magnitude,
                    contributions.map(|c| c.as_bytes().to_vec().into()),
                )
                .await
        }
    };

    // Each refusal is clear and stores nothing.
    let before = server.db.stored_files().await.len();
    let (status, code, pointer, zh) = refusal(upload(vec!["薪資"], Some(top), "t.csv").await.err());
    assert_eq!((status, code.as_str(), pointer.as_str()), (422, "unknown_magnitude_column", "/magnitude"));
    assert!(zh.contains("薪資"), "{zh}");
    assert_eq!(refusal(upload(vec!["俸額合計"], None, "t.csv").await.err()).1, "contributions_required");
    assert_eq!(refusal(upload(vec![], Some(top), "t.csv").await.err()).1, "contributions_required");
    let short = "機關,人數,俸額合計\n,,90000/85000\n";
    assert_eq!(refusal(upload(vec!["俸額合計"], Some(short), "t.csv").await.err()).1, "contributions_mismatch");
    let (_, code, _, zh) =
        refusal(upload(vec!["俸額合計"], Some("機關,人數,俸額合計\n,,90000/85000\n,,700000/1\n,,1/0.5\n"), "t.csv").await.err());
    assert_eq!(code, "contributions_mismatch");
    assert!(zh.contains("第 3 列第 3 欄"), "{zh}");
    assert_eq!(refusal(upload(vec!["俸額合計"], Some(top), "t.xlsx").await.err()).1, "magnitude_needs_csv");
    assert_eq!(refusal(upload(vec!["俸額合計"], Some(top), "t.pdf").await.err()).1, "magnitude_needs_csv");
    let form = format!(
        "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\n\r\n{table}\r\n--XYZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--XYZ--\r\n"
    );
    let post = statreq_e2e::statreq_client::Method::POST;
    let stray = officer
        .raw(post, &format!("/requests/{id}/deliveries"), "multipart/form-data; boundary=XYZ", form.into_bytes(), None)
        .await
        .unwrap();
    assert_eq!((stray.0, stray.1["code"].as_str()), (422, Some("unexpected_field")));
    assert_eq!(server.db.stored_files().await.len(), before);
    assert!(officer.deliveries(id).await.unwrap().files.is_empty());
    // The wrong role cannot upload at all.
    let by_applicant = people
        .applicant
        .upload_magnitude_table(id, "t.csv", table.as_bytes().to_vec(), &["俸額合計"], Some(top.as_bytes().to_vec().into()))
        .await;
    assert_eq!(by_applicant.err().and_then(|e| e.status()), Some(403));

    // Checked: one dominated cell, by the (n, k) rule; delivery waits for a second officer.
    // The column named twice is checked once (each cell was found once per naming, and a
    // list of a thousand namings of a wide table's columns kept a core for minutes).
    let f = upload(vec!["俸額合計", " 俸額合計"], Some(top), "俸額.csv").await.unwrap();
    let report = f.disclosure.clone().unwrap_or_else(|| panic!("a table is checked"));
    assert!(report.small_cells.is_empty(), "the magnitude column holds money, not counts: {report:?}");
    let cells: Vec<(usize, usize, String)> = report.dominant_cells.iter().map(|c| (c.row, c.column, c.header.clone())).collect();
    assert_eq!(cells, vec![(3, 3, "俸額合計".to_string())]);
    assert_eq!(report.dominant_cells[0].rules, vec![statreq_e2e::statreq_domain::disclosure::DominanceRule::Nk]);
    assert_eq!(report.dominance.map(|d| (d.k_percent, d.p_percent)), Some((90, 10)));
    let err = officer.deliver(id, None, "如附件").await.err();
    assert_eq!(err.and_then(|e| e.code().map(String::from)), Some("disclosure_unresolved".into()));
    // The contributions are never stored: only the table is, and it reads back unchanged.
    assert_eq!(server.db.stored_files().await.len(), before + 1);
    assert_eq!(officer.download_delivery(id, f.id).await.unwrap(), table.as_bytes());
    let officer2 = server.login("officer2.dgpa").await;
    officer2.accept_disclosure(id, f.id, "俸額合計已依職等合併，經主管同意釋出").await.unwrap();
    officer.deliver(id, None, "如附件").await.unwrap();
}

mod disclosure {
    use super::*;
    on_both_backends!(
        small_cells_are_checked_before_a_table_is_released,
        spreadsheets_are_checked_sheet_by_sheet,
        workbooks_too_large_to_check_are_refused_and_the_server_stays_up,
        magnitude_columns_are_checked_by_dominance_rules
    );
}

/// Four eyes as a visible step: the uploader asks the other officers to check a file;
/// they are told in-app; the check is on the timeline; other systems' webhooks never
/// hear of DGPA's internal steps. Refused for the wrong role, the wrong agency, a
/// file that needs no check and a request out of production, changing nothing.
async fn four_eyes_is_asked_for_told_and_on_the_timeline(backend: Backend) {
    use statreq_e2e::statreq_domain::EventKind;
    let server = TestServer::start_with(backend, &crate::integration::FAST);
    // The applying office's system subscribes to everything it may hear of.
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(0).await;
    let webhr = crate::integration::service_account(&server, "webhr.npa", "NPA").await;
    let hook = statreq_e2e::statreq_contract::WebhookBody { url: receiver.url.clone(), events: vec!["*".into()], description: None };
    webhr.create_webhook(&hook).await.unwrap();
    let (id, applicant, _supervisor, officer) = in_production(&server, true).await;
    let second = server.login("officer2.dgpa").await;
    let f = officer.upload_delivery(id, "名冊.csv", "姓名,職等\n王大明,9\n".as_bytes().to_vec()).await.unwrap();
    let status = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.status());
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));
    let kinds = |events: Vec<statreq_e2e::statreq_contract::EventView>| events.into_iter().map(|e| e.kind).collect::<Vec<_>>();
    let before = kinds(officer.events(id).await.unwrap());

    assert_eq!(status(applicant.request_review(id, f.id).await.err()), Some(403));
    assert_eq!(status(server.login("applicant.tpedu").await.request_review(id, f.id).await.err()), Some(404));
    assert_eq!(status(officer.request_review(id, f.id + 1000).await.err()), Some(404));
    assert_eq!(kinds(officer.events(id).await.unwrap()), before, "refusals change nothing");

    let asked = officer.request_review(id, f.id).await.unwrap();
    assert_eq!((asked.id, asked.approved_by.is_none()), (f.id, true));
    let events = officer.events(id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!((last.kind, last.to_state, last.data["delivery"].as_i64()), (EventKind::ReviewRequested, State::InProduction, Some(f.id)));
    // The other officers hear of it; the one who asked does not.
    let told = crate::notifications::notice(&second, "request_review_requested", id, 50).await;
    assert!(told.is_some(), "the second officer was not told");
    assert!(!officer.inbox(false).await.unwrap().iter().any(|n| n.kind == "request_review_requested"));

    second.approve_delivery(id, f.id).await.unwrap();
    let last = officer.events(id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.kind, last.actor.display_name.is_empty(), last.data["delivery"].as_i64()),
        (EventKind::FileApproved, false, Some(f.id))
    );
    // The officer whose work it is hears the file may go out (they waited on it); the
    // one who checked it does not.
    let approved = crate::notifications::notice(&officer, "request_file_approved", id, 50).await;
    assert!(approved.is_some(), "the officer who asked was not told of the check");
    assert!(!second.inbox(false).await.unwrap().iter().any(|n| n.kind == "request_file_approved"));
    // Approved, there is nothing left to check.
    assert_eq!(code(officer.request_review(id, f.id).await.err()), Some("nothing_to_review".into()));

    // A plain statistics file without small cells needs no second check.
    let (plain_id, _, _, plain_officer) = in_production(&server, false).await;
    let plain = plain_officer.upload_delivery(plain_id, "表.csv", b"grade,count\n9,120\n".to_vec()).await.unwrap();
    assert_eq!(code(plain_officer.request_review(plain_id, plain.id).await.err()), Some("nothing_to_review".into()));
    // Out of production (delivered), no more review requests.
    officer.deliver(id, None, "如附件").await.unwrap();
    assert_eq!(status(officer.request_review(id, f.id).await.err()), Some(409));
    // The office's system heard of the delivery, never of DGPA's internal steps.
    let got = receiver.wait_until(30, |g| g.iter().any(|x| x.body.contains("request.delivered"))).await;
    assert!(got.iter().any(|x| x.body.contains("request.delivered")), "{got:?}");
    assert!(!got.iter().any(|x| x.body.contains("review_requested") || x.body.contains("file_approved")), "{got:?}");
}

/// Steps on one request's timeline at the same moment (a second officer approving
/// one file while the first asks about another, a re-rating meanwhile) each land, in
/// turn: none fails for having taken the same place on the timeline.
async fn steps_on_one_timeline_at_once_all_land(backend: Backend) {
    use statreq_e2e::statreq_domain::{Difficulty, EventKind};
    let server = TestServer::start(backend);
    let (id, _applicant, _supervisor, officer) = in_production(&server, true).await;
    let second = server.login("officer2.dgpa").await;
    for round in 0..6 {
        let a = officer.upload_delivery(id, &format!("甲{round}.csv"), "姓名,職等\n王大明,9\n".as_bytes().to_vec()).await.unwrap();
        let b = officer.upload_delivery(id, &format!("乙{round}.csv"), "姓名,職等\n李小華,8\n".as_bytes().to_vec()).await.unwrap();
        let version = officer.get_request(id).await.unwrap().version;
        let difficulty = Difficulty::new(if round % 2 == 0 { 4 } else { 3 }).unwrap();
        let (approved, asked, rerated) = tokio::join!(
            second.approve_delivery(id, a.id),
            officer.request_review(id, b.id),
            second.rerate(id, Some(version), difficulty, "範圍較預估大")
        );
        assert!(approved.is_ok(), "round {round}: {approved:?}");
        assert!(asked.is_ok(), "round {round}: {asked:?}");
        assert!(rerated.is_ok(), "round {round}: {rerated:?}");
    }
    let events = officer.events(id).await.unwrap();
    let seqs: Vec<i32> = events.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "one place each, in order: {seqs:?}");
    for kind in [EventKind::FileApproved, EventKind::ReviewRequested, EventKind::Rerated] {
        assert_eq!(events.iter().filter(|e| e.kind == kind).count(), 6, "{kind:?}");
    }
}

mod four_eyes {
    use super::*;
    on_both_backends!(four_eyes_is_asked_for_told_and_on_the_timeline, steps_on_one_timeline_at_once_all_land);
}

/// A download link (`POST …/link`) lets a browser fetch a result file itself, with no
/// bearer token: it opens that file only, for the person who asked only, for a minute,
/// and rights are checked again when it is followed. Asking for one is refused as the
/// download would be (and audited so); each use is audited as a download.
async fn a_download_link_opens_one_file_for_one_person_for_a_minute(backend: Backend) {
    use statreq_e2e::statreq_contract::UpdateUserBody;
    let server = TestServer::start(backend);
    let (id, applicant, supervisor, officer) = in_production(&server, true).await;
    let content = "姓名,職等\n王大明,9\n".repeat(2_000).into_bytes();
    let f = officer.upload_delivery(id, "名冊.csv", content.clone()).await.unwrap();
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));
    // Not yet delivered: no link, as no download.
    assert_eq!(code(applicant.delivery_link(id, f.id).await.err()), Some("not_found".into()));
    server.login("officer2.dgpa").await.approve_delivery(id, f.id).await.unwrap();
    officer.deliver(id, None, "如附加密檔案").await.unwrap();

    let http = reqwest::Client::new();
    let follow = |url: String| {
        let http = http.clone();
        let url = format!("{}{url}", server.base);
        async move {
            let r = http.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            let disposition = r.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let body = r.bytes().await.unwrap().to_vec();
            let code = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|p| p["code"].as_str().map(String::from));
            (status, disposition, body, code)
        }
    };
    let link = applicant.delivery_link(id, f.id).await.unwrap();
    let left = link.expires_at - chrono::Utc::now();
    assert!(left > chrono::Duration::seconds(50) && left <= chrono::Duration::seconds(60), "{left}");
    let path = format!("/api/v1/requests/{id}/deliveries/{}/file", f.id);
    let (prefix, ticket) = link.url.split_once("?ticket=").unwrap_or_else(|| panic!("{}", link.url));
    assert_eq!(prefix, path);

    // Followed without a token: the age file, as a download of the API gives it.
    let (status, disposition, body, _) = follow(link.url.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        disposition,
        format!("attachment; filename=\"request-{id}-file-{}.csv.age\"; filename*=UTF-8''%E5%90%8D%E5%86%8A.csv.age", f.id)
    );
    let pass = applicant.reveal_passphrase(id, f.id).await.unwrap().passphrase;
    assert_eq!(common::open_age(&body, &pass), content);

    // The ticket opens nothing else, and is no access token; no access token is a ticket.
    let invalid = Some("invalid_link".to_string());
    assert_eq!(follow(format!("/api/v1/requests/{id}?ticket={ticket}")).await.3, invalid);
    assert_eq!(follow(format!("/api/v1/requests/{id}/attachments/{}/file?ticket={ticket}", f.id)).await.3, invalid);
    let as_bearer = http.get(format!("{}/api/v1/requests/{id}", server.base)).bearer_auth(ticket).send().await.unwrap();
    assert_eq!(as_bearer.status().as_u16(), 401);
    let access = applicant.access_token().unwrap_or_default().to_string();
    assert_eq!(follow(format!("{path}?ticket={access}")).await.3, invalid);
    let tampered = format!("{}{}", &ticket[..ticket.len() - 2], if ticket.ends_with("AA") { "BB" } else { "AA" });
    assert_eq!(follow(format!("{path}?ticket={tampered}")).await.3, invalid);
    // Only a GET takes one.
    let post =
        http.post(format!("{}/api/v1/requests/{id}/deliveries/{}/passphrase?ticket={ticket}", server.base, f.id)).send().await.unwrap();
    assert_eq!(post.status().as_u16(), 401);

    // A ticket past its minute (and the clock leeway) is refused, though well signed.
    let key = std::fs::read_to_string(server.db.data_dir().join("signing.key")).unwrap();
    let key = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, key.trim()).unwrap();
    let sign = |claims: serde_json::Value| {
        let key = jsonwebtoken::EncodingKey::from_secret(&key);
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key).unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    let me = applicant.me().await.unwrap().id.to_string();
    let claims = |exp: i64, typ: &str| serde_json::json!({"iss": "statreq", "aud": "statreq-download", "sub": me, "exp": exp, "nbf": now - 200, "iat": now - 200, "jti": "forged", "typ": typ, "path": path});
    assert_eq!(follow(format!("{path}?ticket={}", sign(claims(now + 60, "download")))).await.0, 200, "the forger's key is right");
    assert_eq!(follow(format!("{path}?ticket={}", sign(claims(now - 31, "download")))).await.3, invalid);
    assert_eq!(follow(format!("{path}?ticket={}", sign(claims(now + 60, "access")))).await.3, invalid);

    // Refused as the download is, for the wrong role and the wrong agency; audited.
    assert_eq!(code(supervisor.delivery_link(id, f.id).await.err()), Some("role_required".into()));
    let other = server.login("applicant.tpedu").await;
    assert_eq!(code(other.delivery_link(id, f.id).await.err()), Some("not_found".into()));
    assert_eq!(code(applicant.delivery_link(id, f.id + 1000).await.err()), Some("not_found".into()));

    // Rights are checked again on use: a disabled account's link stops working.
    let admin = server.login("admin.dgpa").await;
    let live = applicant.delivery_link(id, f.id).await.unwrap();
    let me = applicant.me().await.unwrap().id;
    admin.update_user(me, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    assert_eq!(follow(live.url.clone()).await.3, Some("account_disabled".into()));
    admin.update_user(me, &UpdateUserBody { active: Some(true), ..Default::default() }, None).await.unwrap();
    assert_eq!(follow(live.url.clone()).await.0, 200);

    // A HEAD tells what a download would give (its type and name) after the same
    // check of rights, with no content, and is no download.
    let head = |url: String| http.head(format!("{}{url}", server.base)).send();
    let peek = head(live.url.clone()).await.unwrap();
    let header = |name: &str| peek.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!((peek.status().as_u16(), header("content-type").as_str()), (200, "application/octet-stream"));
    assert_eq!(header("content-disposition"), disposition);
    assert!(peek.bytes().await.unwrap().is_empty());
    assert_eq!(head(format!("{path}?ticket={tampered}")).await.unwrap().status().as_u16(), 401);

    // Each use is a download in the trail; a refused ask is there too.
    let trail = admin.audit(&format!("request_id={id}&limit=100")).await.unwrap();
    let count = |action: &str| trail.items.iter().filter(|e| e.action == action).count();
    assert_eq!(count("delivery.downloaded"), 3, "the link, the forged ticket, the re-enabled account; not the HEAD");
    assert_eq!(count("delivery.download_refused"), 4, "not yet delivered, the supervisor, the other office, no such file");
    assert!(!serde_json::to_string(&trail.items).unwrap_or_default().contains(ticket), "no ticket in the trail");

    // Destroyed: a live link finds nothing to give.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    applicant.record_destruction(id, None, &DestructionBody { destroyed_on: today, method: "檔案安全刪除".into() }).await.unwrap();
    assert_eq!(follow(live.url).await.3, Some("shredded".into()));
}

mod links {
    use super::*;
    on_both_backends!(a_download_link_opens_one_file_for_one_person_for_a_minute);
}
