//! Black-box test harness: starts the real `statreq` binary on a free port, on a
//! fresh SQLite file or a fresh PostgreSQL database, and talks HTTP to it.
//!
//! PostgreSQL comes from `STATREQ_TEST_PG_URL` (an admin URL on a server where the
//! role may create databases; `just test` sets it up). Without it the PostgreSQL
//! tests fail with a clear message rather than silently pass.
//!
//! Files follow the way statreq is run: on SQLite in the data directory
//! (`file://`), on PostgreSQL in an S3 bucket (`s3://statreq-test/<test>`) of the
//! SeaweedFS that `STATREQ_TEST_S3_ENDPOINT` names (`just test` starts one via
//! scripts/ensure-seaweedfs.sh). So every test that stores a file runs on both.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use statreq_client::Client;

pub mod disk;
pub mod sinks;

pub use statreq_client;
pub use statreq_contract;
pub use statreq_domain;
pub use statreq_store;

pub const DEMO_PASSWORD: &str = "statreq-demo-2026";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The statreq binary of this workspace (`STATREQ_BIN` overrides).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("STATREQ_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/<test-exe> or target/<profile>/<bin> → target/<profile>/statreq
    let exe = std::env::current_exe().unwrap_or_default();
    let candidates: Vec<PathBuf> = exe.ancestors().skip(1).take(2).map(|d| d.join("statreq")).collect();
    match candidates.iter().find(|p| p.is_file()) {
        Some(bin) => bin.clone(),
        None => panic!("statreq binary not found beside {}; run `cargo build -p statreq-api` (just test does)", exe.display()),
    }
}

/// Runs `args` at a terminal (util-linux `script`'s), typing each answer once its prompt
/// has shown, as a person would; returns what the terminal showed when it ended.
/// A prompt that never shows within 30 s ends the wait (the output then says so).
pub fn at_terminal(args: &[&str], typed: &[(&str, &str)]) -> String {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let command = args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("script (util-linux): {e}"));
    let shown = Arc::new(Mutex::new(String::new()));
    let mut out = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
    let reader = {
        let shown = shown.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                shown.lock().unwrap_or_else(|e| e.into_inner()).push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let mut seen = 0;
    for (prompt, answer) in typed {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let text = shown.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(at) = text[seen..].find(prompt) {
                seen += at + prompt.len();
                break;
            }
            if std::time::Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = stdin.write_all(format!("{answer}\n").as_bytes());
    }
    drop(stdin);
    let _ = child.wait();
    let _ = reader.join();
    let text = shown.lock().unwrap_or_else(|e| e.into_inner()).clone();
    text
}

/// A database (and files location) made for one test and dropped after it.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    dir: PathBuf,
    /// `Some` when files go to S3 (the PostgreSQL half).
    pub s3: Option<S3Files>,
}

/// The S3 location of a test's files.
#[derive(Debug, Clone)]
pub struct S3Files {
    pub endpoint: String,
    pub key: String,
    pub secret: String,
    pub bucket: String,
    pub prefix: String,
}

impl S3Files {
    /// The test SeaweedFS's bucket under `prefix`.
    pub fn from_env(prefix: &str) -> S3Files {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!("{name} is not set: the PostgreSQL tests store files on S3 (`just test` starts SeaweedFS via scripts/ensure-seaweedfs.sh)")
            })
        };
        S3Files {
            endpoint: var("STATREQ_TEST_S3_ENDPOINT"),
            key: var("STATREQ_TEST_S3_KEY"),
            secret: var("STATREQ_TEST_S3_SECRET"),
            bucket: "statreq-test".into(),
            prefix: prefix.into(),
        }
    }

    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// The standard AWS environment statreq reads.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    fn store(&self) -> object_store::aws::AmazonS3 {
        object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&self.bucket)
            .with_access_key_id(&self.key)
            .with_secret_access_key(&self.secret)
            .with_region("us-east-1")
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .build()
            .unwrap_or_else(|e| panic!("S3 client: {e}"))
    }
}

impl TestDatabase {
    pub fn new(backend: Backend) -> TestDatabase {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("statreq-test-{id}"));
        let make_dir = || std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
        match backend {
            Backend::Sqlite => {
                make_dir();
                TestDatabase {
                    url: format!("sqlite://{}", dir.join("statreq.sqlite").display()),
                    admin_url: None,
                    name: String::new(),
                    dir,
                    s3: None,
                }
            }
            Backend::Postgres => {
                // Everything that can fail before anything is made: a test that cannot
                // start leaves neither a database nor a folder behind.
                let admin = std::env::var("STATREQ_TEST_PG_URL").unwrap_or_else(|_| {
                    panic!("STATREQ_TEST_PG_URL is not set: PostgreSQL tests need a server (`just test` starts one via scripts/ensure-postgres.sh)")
                });
                let name = format!("statreq_test_{id}");
                let url = match admin.rfind('/') {
                    Some(i) => format!("{}/{name}", &admin[..i]),
                    None => panic!("STATREQ_TEST_PG_URL needs a database path"),
                };
                let s3 = Some(S3Files::from_env(&id));
                psql(&admin, &format!("CREATE DATABASE {name}"));
                make_dir();
                TestDatabase { url, admin_url: Some(admin), name, dir, s3 }
            }
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// `statreq` pointed at this test's data directory, database and files.
    pub fn command(&self) -> Command {
        self.command_in(&self.dir)
    }

    /// `statreq` on this test's database and files with another data directory (an
    /// instance on another machine).
    pub fn command_in(&self, data_dir: &std::path::Path) -> Command {
        let mut cmd = Command::new(binary());
        cmd.arg("--data-dir").arg(data_dir).arg("--database-url").arg(&self.url);
        // Each e-mail at once, as a test expects it (a test of gathering sets its own).
        cmd.env("STATREQ_EMAIL_GATHER_SECONDS", "0");
        if let Some(s3) = &self.s3 {
            cmd.arg("--files-url").arg(s3.url()).envs(s3.env());
        }
        cmd
    }

    /// Every stored body (name, bytes), wherever files are kept.
    pub async fn stored_files(&self) -> Vec<(String, Vec<u8>)> {
        use futures_util::StreamExt;
        use object_store::ObjectStore;
        match &self.s3 {
            None => {
                let mut out = Vec::new();
                let mut dirs = vec![self.dir.join("files")];
                while let Some(dir) = dirs.pop() {
                    for entry in std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).collect::<Vec<_>>()).unwrap_or_default() {
                        if entry.path().is_dir() {
                            dirs.push(entry.path());
                        } else {
                            out.push((entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap_or_default()));
                        }
                    }
                }
                out
            }
            Some(s3) => {
                let store = s3.store();
                let prefix = object_store::path::Path::from(s3.prefix.as_str());
                let metas: Vec<_> = store.list(Some(&prefix)).collect().await;
                let mut out = Vec::new();
                for meta in metas {
                    let meta = meta.unwrap_or_else(|e| panic!("listing S3: {e}"));
                    let bytes = store.get(&meta.location).await.unwrap_or_else(|e| panic!("{e}")).bytes().await.unwrap_or_default();
                    out.push((meta.location.filename().unwrap_or_default().to_string(), bytes.to_vec()));
                }
                out
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(s3) = &self.s3 {
            // The test's objects go with it (a thread of its own: drop may run inside a runtime).
            let s3 = s3.clone();
            let _ = std::thread::spawn(move || {
                use futures_util::StreamExt;
                use object_store::ObjectStore;
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async {
                    let store = s3.store();
                    let prefix = object_store::path::Path::from(s3.prefix.as_str());
                    let metas: Vec<_> = store.list(Some(&prefix)).collect().await;
                    for meta in metas.into_iter().flatten() {
                        let _ = store.delete(&meta.location).await;
                    }
                });
            })
            .join();
        }
        if let Some(admin) = &self.admin_url {
            let _ = Command::new("psql").arg(admin).arg("-qc").arg(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql").arg(url).arg("-qc").arg(sql).output().unwrap_or_else(|e| panic!("running psql: {e}"));
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Starts the command and waits for its "listening on" line.
fn spawn_and_wait(mut cmd: Command) -> (Child, String) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("starting statreq: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if let Some(rest) = line.strip_prefix("statreq listening on ") {
                let base = rest.split_whitespace().next().unwrap_or_default().to_string();
                let _ = tx.send(base);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(b) => (child, b),
        Err(_) => {
            let _ = child.kill();
            panic!("statreq did not start within 60 s");
        }
    }
}

/// Another instance on a [`TestServer`]'s database, stopped on drop.
pub struct Instance {
    pub base: String,
    child: Child,
}

impl Instance {
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary file or directory of a test, removed when dropped (pass or fail).
pub struct TempPath(pub PathBuf);

impl TempPath {
    /// A new, empty directory `statreq-<prefix>-<uuid>` in the system's temp dir.
    pub fn dir(prefix: &str) -> TempPath {
        let dir = std::env::temp_dir().join(format!("statreq-{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        TempPath(dir)
    }

    /// A file named `name` holding `bytes`, in a directory of its own.
    pub fn file(name: &str, bytes: &[u8]) -> (TempPath, PathBuf) {
        let dir = TempPath::dir("file");
        let path = dir.0.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (dir, path)
    }
}

impl std::ops::Deref for TempPath {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Every server a test starts connects on its own initiative (webhooks) to
/// loopback only, and may use plain http to the test's receivers there.
pub const LOOPBACK_ONLY: &[&str] = &["--outbound-loopback-only", "--webhook-allow-hosts", "127.0.0.1,::1,localhost"];

/// A running statreq on a free loopback port, stopped on drop.
pub struct TestServer {
    pub base: String,
    pub db: TestDatabase,
    child: Child,
}

impl TestServer {
    /// Starts `statreq serve --demo --demo-accounts-only` with extra arguments: the
    /// demo's agencies and accounts, no requests.
    pub fn start_with(backend: Backend, extra: &[&str]) -> TestServer {
        let mut args = vec!["--demo-accounts-only"];
        args.extend_from_slice(extra);
        Self::start_demo(backend, &args)
    }

    /// Starts `statreq serve --demo` as `just serve` does: with the demo's year of work.
    pub fn start_demo(backend: Backend, extra: &[&str]) -> TestServer {
        Self::start_exactly(backend, &[LOOPBACK_ONLY, extra].concat())
    }

    /// Starts `statreq serve --demo` with exactly these arguments (none of
    /// [`LOOPBACK_ONLY`]'s exceptions unless given).
    pub fn start_exactly(backend: Backend, args: &[&str]) -> TestServer {
        Self::start_on(TestDatabase::new(backend), args)
    }

    /// Starts `statreq serve --demo` on a database (and files) made before, e.g. one
    /// a backup was restored into (the demo loads nothing where accounts exist).
    pub fn start_on(db: TestDatabase, args: &[&str]) -> TestServer {
        Self::start_on_with_env(db, args, &[])
    }

    /// As [`TestServer::start_on`], with these environment variables set for the server.
    pub fn start_on_with_env(db: TestDatabase, args: &[&str], env: &[(&str, &str)]) -> TestServer {
        let mut cmd = db.command();
        cmd.envs(env.iter().copied());
        cmd.arg("serve").arg("--bind").arg("127.0.0.1:0").arg("--demo");
        cmd.args(args);
        cmd.env_remove("STATREQ_SIGNING_KEY").env("RUST_LOG", std::env::var("STATREQ_TEST_LOG").unwrap_or_else(|_| "warn".into()));
        let (child, base) = spawn_and_wait(cmd);
        TestServer { base, db, child }
    }

    pub fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, &[])
    }

    /// Stops the server and keeps its database and data directory (for another
    /// instance to take over).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM, as systemd or a container runtime does to stop the service.
    pub fn terminate(&self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
    }

    /// Waits up to `within` for the process to exit by itself.
    pub fn wait_for_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let until = std::time::Instant::now() + within;
        while std::time::Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    /// The server's process id (for memory readings).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A second instance of the service on the same database and data directory
    /// (several instances behind a load balancer).
    pub fn another_instance(&self, extra: &[&str]) -> Instance {
        self.another_instance_exactly(&[LOOPBACK_ONLY, extra].concat())
    }

    /// Another instance with exactly these arguments (none of [`LOOPBACK_ONLY`]'s
    /// exceptions unless given).
    pub fn another_instance_exactly(&self, args: &[&str]) -> Instance {
        self.another_instance_in(self.db.data_dir(), args)
    }

    /// Another instance with a data directory of its own (another machine), on the
    /// same database and files, with exactly these arguments.
    pub fn another_instance_in(&self, data_dir: &std::path::Path, args: &[&str]) -> Instance {
        let mut cmd = self.db.command_in(data_dir);
        cmd.arg("serve").arg("--bind").arg("127.0.0.1:0");
        cmd.args(args);
        cmd.env_remove("STATREQ_SIGNING_KEY").env("RUST_LOG", std::env::var("STATREQ_TEST_LOG").unwrap_or_else(|_| "warn".into()));
        let (child, base) = spawn_and_wait(cmd);
        Instance { base, child }
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in as a demo account.
    pub async fn login(&self, username: &str) -> Client {
        let mut c = self.client();
        c.login(username, DEMO_PASSWORD).await.unwrap_or_else(|e| panic!("login {username}: {e}"));
        c
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one async test body against both backends, each as its own test.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A test-only Ed25519 key standing in for WebHR's token signing key.
pub mod webhr {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};

    pub const PRIVATE_PEM: &str =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIOyXTtRDTYmSwM/MQj5E/FSqmH6mUhJFRKCOrDMvl0O\n-----END PRIVATE KEY-----\n";
    pub const PUBLIC_PEM: &str =
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEABrAjQEz3Xv16Pvtnf3d67yoSGMWpIfFTSFefO94Sq7I=\n-----END PUBLIC KEY-----\n";
    pub const ISSUER: &str = "https://webhr.test";
    /// A self-signed X.509 certificate carrying `PUBLIC_PEM`'s key.
    pub const CERTIFICATE_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBhTCCATegAwIBAgIUZM+ZQrSh7xCyvvT82lat63M/3RMwBQYDK2VwMDcxCzAJ\nBgNVBAYTAlRXMRMwEQYDVQQKDApXZWJIUiB0ZXN0MRMwEQYDVQQDDAp3ZWJoci50\nZXN0MCAXDTI2MTIwNDAzNTUyM1oYDzIxMjYxMTEwMDM1NTIzWjA3MQswCQYDVQQG\nEwJUVzETMBEGA1UECgwKV2ViSFIgdGVzdDETMBEGA1UEAwwKd2ViaHIudGVzdDAq\nMAUGAytlcAMhAAawI0BM9179ej77Z393eu8qEhjFqSHxU0hXnzveEquyo1MwUTAd\nBgNVHQ4EFgQUgWOv/zvQZ81XM5jmCnuYEZLDfx0wHwYDVR0jBBgwFoAUgWOv/zvQ\nZ81XM5jmCnuYEZLDfx0wDwYDVR0TAQH/BAUwAwEB/zAFBgMrZXADQQCuk+/pW/pa\nEhufTlwToR21slOA5b7Sxe8V4VeEW8ySiDhMIZWJAdXnSxSFuOMmbcPAhrB07xP+\nwiMWC/G/20UD\n-----END CERTIFICATE-----\n";

    /// A trusted-issuers file naming this key, removed when dropped (the server reads
    /// it once, at start). Use it where a path is wanted: `&["--trusted-issuers", &file]`.
    pub struct IssuersFile {
        dir: std::path::PathBuf,
        path: String,
    }

    impl std::ops::Deref for IssuersFile {
        type Target = str;
        fn deref(&self) -> &str {
            &self.path
        }
    }

    impl Drop for IssuersFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// Writes a trusted-issuers file naming this key.
    pub fn issuers_file() -> IssuersFile {
        issuers_file_with(serde_json::json!({}))
    }

    /// As [`issuers_file`], with more settings of the issuer (e.g. `allowed_agencies`).
    pub fn issuers_file_with(extra: serde_json::Value) -> IssuersFile {
        let dir = std::env::temp_dir().join(format!("statreq-issuers-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = dir.join("issuers.json");
        let mut issuer = serde_json::json!({"issuer": ISSUER, "audience": "statreq", "algorithm": "EdDSA", "public_key_pem": PUBLIC_PEM});
        if let (Some(o), Some(more)) = (issuer.as_object_mut(), extra.as_object()) {
            o.extend(more.clone());
        }
        let issuers = serde_json::json!([issuer]);
        std::fs::write(&file, issuers.to_string()).unwrap_or_else(|e| panic!("{e}"));
        IssuersFile { path: file.to_string_lossy().into_owned(), dir }
    }

    pub fn token(claims: serde_json::Value) -> String {
        let key = EncodingKey::from_ed_pem(PRIVATE_PEM.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &key).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Claims of a WebHR user, valid for five minutes.
    pub fn claims(sub: &str, agency: &str, roles: &[&str]) -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        serde_json::json!({"iss": ISSUER, "aud": "statreq", "sub": sub, "exp": now + 300, "iat": now, "nbf": now,
               "name": "周佳蓉", "email": "chou@npa.gov.tw", "agency": agency, "roles": roles})
    }
}
