//! `statreq`: serve the API, migrate, manage accounts, write the OpenAPI document.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use statreq_api::app::checkpoint::{self, AuditKey};
use statreq_api::config::{load_trusted_issuers, redact, Settings};
use statreq_api::{demo, init_tracing, Application};
use statreq_store::Store;

mod user_cmd;

#[derive(Parser)]
#[command(name = "statreq", version, about = "DGPA personnel-data statistics service (人事資料統計服務)")]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Args)]
struct Common {
    /// Where the SQLite database and generated keys live.
    #[arg(long, env = "STATREQ_DATA_DIR", default_value = "./var", global = true)]
    data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB (default: SQLite in the data dir).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// The Ed25519 key that signs audit checkpoints (created 0600 on first use, its
    /// verifier key beside it in FILE.pub). Keep it apart from the database and its
    /// backups: a checkpoint proves nothing to someone who holds both.
    #[arg(long, env = "STATREQ_AUDIT_KEY", global = true)]
    audit_key: Option<PathBuf>,
    /// Where result files and attachments are stored, encrypted: file:///DIR or
    /// s3://BUCKET/PREFIX (with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT_URL for S3-compatible servers, AWS_ALLOW_HTTP=true for plain http).
    /// Default: DATA_DIR/files.
    #[arg(long, env = "STATREQ_FILES_URL", global = true)]
    files_url: Option<String>,
    /// The key-encryption keys of stored files; every instance mounts the same one.
    /// Default: DATA_DIR/keys.
    #[arg(long, env = "STATREQ_KEYS_DIR", global = true)]
    keys_dir: Option<PathBuf>,
}

impl Common {
    fn settings(&self, bind: String, database_url: Option<String>) -> Settings {
        let mut settings = Settings::new(bind, database_url, self.data_dir.clone());
        settings.files_url = self.files_url.clone();
        if let Some(dir) = &self.keys_dir {
            settings.keys_dir = dir.clone();
        }
        settings
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the HTTP service.
    Serve {
        /// Address and port to listen on (0.0.0.0:8080 for every interface; put TLS in front)
        #[arg(long, env = "STATREQ_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load demo data into an empty database: an agency tree, accounts for every
        /// role and, unless `--demo-accounts-only`, a year of requests, questions and
        /// statistics.
        #[arg(long)]
        demo: bool,
        /// With `--demo`: the agency tree and accounts only, no requests (the tests'
        /// starting point).
        #[arg(long)]
        demo_accounts_only: bool,
        /// JSON file listing trusted token issuers (WebHR).
        #[arg(long, env = "STATREQ_TRUSTED_ISSUERS")]
        trusted_issuers: Option<PathBuf>,
        /// Key for statreq's own tokens (≥ 32 bytes); generated into the data dir when absent.
        #[arg(long, env = "STATREQ_SIGNING_KEY", hide_env_values = true)]
        signing_key: Option<String>,
        /// Access-token lifetime in seconds.
        #[arg(long, env = "STATREQ_ACCESS_TOKEN_SECONDS", default_value_t = 900, value_parser = clap::value_parser!(i64).range(1..=86_400))]
        access_token_seconds: i64,
        /// Largest result file in MiB.
        #[arg(long, env = "STATREQ_MAX_UPLOAD_MIB", default_value_t = 512, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_048_576))]
        max_upload_mib: usize,
        /// Days after delivery statreq keeps its own copy of result files before crypto-shredding it.
        #[arg(long, env = "STATREQ_DOWNLOAD_WINDOW_DAYS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=3_650))]
        download_window_days: i64,
        /// Seconds between shredding sweeps.
        #[arg(long, env = "STATREQ_SWEEP_SECONDS", default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        sweep_seconds: u64,
        /// The built SPA (default: frontend/dist when it exists).
        #[arg(long, env = "STATREQ_SPA_DIR")]
        spa_dir: Option<PathBuf>,
        /// An origin allowed to call the API from a browser, e.g. https://statreq.example.gov.tw
        /// (repeatable; comma-separated in the environment). None by default: same origin only.
        #[arg(long = "cors-origin", env = "STATREQ_CORS_ORIGINS", value_delimiter = ',', value_parser = statreq_api::config::parse_origin)]
        cors_origins: Vec<String>,
        #[command(flatten)]
        integration: IntegrationArgs,
        #[command(flatten)]
        security: Box<SecurityArgs>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: user_cmd::UserCmd,
    },
    /// Print the OpenAPI document (YAML).
    Openapi,
    /// Back up while serving: a consistent database snapshot, every stored file (as
    /// ciphertext) and a manifest with the SHA-256 of each part and the audit head,
    /// into a new or empty DIR. Keys are not in it: back up the keys directory apart.
    Backup {
        /// The backup's directory: new, or empty
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into an empty database and an empty files location (refused
    /// otherwise): checks every part's SHA-256, replays the shred list of the keys
    /// directory (files destroyed after the backup stay unreadable) and verifies the
    /// audit trail.
    Restore {
        /// A directory written by `statreq backup`
        #[arg(long)]
        from: PathBuf,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCmd,
    },
    /// Key-encryption keys of stored files.
    Keys {
        #[command(subcommand)]
        command: KeysCmd,
    },
    /// Decrypt an age file (a statreq delivery, or one made by the `age` tool).
    /// Unless --identity is given, the passphrase is asked for at a terminal (not
    /// shown as it is typed), or read from the first line of standard input.
    Decrypt {
        /// The .age file.
        file: PathBuf,
        /// Where to write the plaintext (written only when the whole file checks out).
        #[arg(long, short)]
        output: PathBuf,
        /// An age identity file (AGE-SECRET-KEY-1…) for X25519 files.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// DGPA's queue.
    Queue {
        #[command(subcommand)]
        command: QueueCmd,
    },
}

/// Idempotency, e-mail and webhook delivery.
#[derive(Args)]
struct IntegrationArgs {
    /// Hours an Idempotency-Key is remembered.
    #[arg(long, env = "STATREQ_IDEMPOTENCY_HOURS", default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=8_760))]
    idempotency_hours: i64,
    /// Days an e-mail or webhook delivery sent (or given up), and an inbox notice read,
    /// is kept as a record (the outbox, `GET /webhooks/{id}/deliveries`, the inbox);
    /// then it is deleted. Pending deliveries and unread notices stay. 0 keeps them for ever.
    #[arg(long, env = "STATREQ_NOTIFICATION_LOG_DAYS", default_value_t = 400, value_parser = clap::value_parser!(u32).range(0..=36_500))]
    notification_log_days: u32,
    /// The address people open the service at, for links in e-mails (default: http://BIND).
    #[arg(long, env = "STATREQ_PUBLIC_URL", value_parser = statreq_api::config::parse_public_url)]
    public_url: Option<String>,
    /// SMTP server for notifications: smtp://HOST:PORT (plain, for a local relay),
    /// smtp://USER:PASSWORD@HOST?tls=required (STARTTLS) or smtps://USER:PASSWORD@HOST.
    /// Without it no e-mail is sent.
    #[arg(long, env = "STATREQ_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender of notification e-mails.
    #[arg(long, env = "STATREQ_MAIL_FROM")]
    mail_from: Option<String>,
    /// First retry delay of a failed webhook or e-mail in milliseconds, at least 10 (doubling, with jitter, up to an hour).
    #[arg(long, env = "STATREQ_RETRY_BASE_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    retry_base_ms: u64,
    /// Attempts before a webhook delivery or e-mail is given up.
    #[arg(long, env = "STATREQ_MAX_ATTEMPTS", default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=100))]
    max_attempts: i32,
    /// Milliseconds between the notification worker's looks for work, at least 10 (it is also woken by every change).
    #[arg(long, env = "STATREQ_WORKER_POLL_MS", default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    worker_poll_ms: u64,
    /// Seconds an e-mail waits for others to the same address, to go with them as one
    /// message (a hand-over of thirty requests is one e-mail, not thirty); 0: each at once.
    #[arg(long, env = "STATREQ_EMAIL_GATHER_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=u64::from(statreq_contract::EMAIL_GATHER_MAX_SECONDS)))]
    email_gather_seconds: u64,
    /// Seconds a webhook receiver may take to answer.
    #[arg(long, env = "STATREQ_WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    webhook_timeout_seconds: u64,
    /// Working days a request may wait on its supervising agency before its
    /// supervisors are reminded (in-app, and by e-mail unless they turned it off).
    #[arg(long, env = "STATREQ_ESCALATE_AFTER_WORKING_DAYS", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..=365))]
    escalate_after_working_days: i64,
    /// Further working days before DGPA's officers are told as well.
    #[arg(long, env = "STATREQ_ESCALATE_TO_DGPA_AFTER_WORKING_DAYS", default_value_t = 5, value_parser = clap::value_parser!(i64).range(0..=365))]
    escalate_to_dgpa_after_working_days: i64,
    /// Cells of a statistical result counting fewer people than this are flagged before
    /// delivery (disclosure check).
    #[arg(long, env = "STATREQ_DISCLOSURE_THRESHOLD", default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=1_000))]
    disclosure_threshold: u32,
    /// Dominance (n, k) rule with n = 2: a magnitude cell whose two largest
    /// contributions exceed this percentage of its total is flagged.
    #[arg(long, env = "STATREQ_DOMINANCE_K_PERCENT", default_value_t = 90, value_parser = clap::value_parser!(u32).range(50..=100))]
    dominance_k_percent: u32,
    /// p% rule: a magnitude cell whose other contributions add up to less than this
    /// percentage of the largest is flagged.
    #[arg(long, env = "STATREQ_DOMINANCE_P_PERCENT", default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100))]
    dominance_p_percent: u32,
    /// Days added to the clock of the reminder and escalation sweeps (and of which
    /// years' office calendars are due, and of the notification log's keeping). For tests only: it lets a test see next
    /// month's reminders today.
    #[arg(long, hide = true, default_value_t = 0, value_parser = clap::value_parser!(i64).range(-36_500..=36_500))]
    test_clock_offset_days: i64,
}

impl IntegrationArgs {
    fn apply(self, s: &mut Settings) {
        s.idempotency_ttl = chrono::Duration::hours(self.idempotency_hours);
        s.notification_log_days = self.notification_log_days;
        s.escalate_after_working_days = self.escalate_after_working_days;
        s.escalate_to_dgpa_after_working_days = self.escalate_to_dgpa_after_working_days;
        s.clock_offset = chrono::Duration::days(self.test_clock_offset_days);
        s.disclosure_threshold = self.disclosure_threshold;
        s.dominance =
            statreq_domain::disclosure::DominanceRules { k_percent: self.dominance_k_percent, p_percent: self.dominance_p_percent };
        s.public_url = self.public_url;
        s.smtp_url = self.smtp_url.map(SecretString::from);
        if let Some(from) = self.mail_from {
            s.mail_from = from;
        }
        s.retry_base = std::time::Duration::from_millis(self.retry_base_ms);
        s.max_attempts = self.max_attempts;
        s.worker_poll = std::time::Duration::from_millis(self.worker_poll_ms);
        s.email_gather = std::time::Duration::from_secs(self.email_gather_seconds);
        s.webhook_timeout = std::time::Duration::from_secs(self.webhook_timeout_seconds);
    }
}

/// Who is believed about client addresses, where webhooks may go, how long a sign-in lasts.
#[derive(Args)]
struct SecurityArgs {
    /// Reverse proxies (addresses or CIDRs, comma-separated) whose `Forwarded` /
    /// `X-Forwarded-For` names the client; from anyone else the peer address is the
    /// client (audit entries and sign-in throttling use it).
    #[arg(long = "trusted-proxies", env = "STATREQ_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Exceptions to the rule that webhooks go only to public addresses over https:
    /// host names, addresses or CIDRs (comma-separated), e.g. an internal WebHR host.
    /// Plain http is allowed to these only.
    #[arg(long = "webhook-allow-hosts", env = "STATREQ_WEBHOOK_ALLOW_HOSTS", value_delimiter = ',', value_parser = statreq_api::app::outbound::Allowed::parse)]
    webhook_allow_hosts: Vec<statreq_api::app::outbound::Allowed>,
    /// Connect to nothing but loopback addresses on statreq's own initiative
    /// (webhooks, SMTP): for tests and CI.
    #[arg(long, env = "STATREQ_OUTBOUND_LOOPBACK_ONLY")]
    outbound_loopback_only: bool,
    /// Where the server writes a signed audit checkpoint every --checkpoint-seconds
    /// (needs --audit-key). Put it where the database's administrators cannot
    /// rewrite it (another host, write-once storage).
    #[arg(long, env = "STATREQ_CHECKPOINT_DIR")]
    checkpoint_dir: Option<PathBuf>,
    /// Seconds between audit checkpoints written into --checkpoint-dir
    #[arg(long, env = "STATREQ_CHECKPOINT_SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    checkpoint_seconds: u64,
    /// Files moving in or out at once (uploads and downloads); more get 503 busy.
    #[arg(long, env = "STATREQ_MAX_TRANSFERS", default_value_t = 32, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    max_transfers: usize,
    /// Of those, at most this many for one account; more get 429 too_many_transfers.
    /// One account (a stalled client, a script downloading everything at once) cannot
    /// take every transfer from the others.
    #[arg(long, env = "STATREQ_MAX_TRANSFERS_PER_ACCOUNT", default_value_t = 4, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    max_transfers_per_account: usize,
    /// Seconds a request body (an upload above all) may send nothing before it is cut
    /// off with 408, and a download may go unread before it is cut off; either way its
    /// transfer is freed: a client gone without closing, or one that stalls on purpose,
    /// does not hold a transfer for good.
    #[arg(long, env = "STATREQ_BODY_IDLE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    body_idle_seconds: u64,
    /// Hours a sign-in lasts at most, however often its tokens are refreshed.
    #[arg(long, env = "STATREQ_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=8_760))]
    session_hours: i64,
    /// Seconds after a refresh token is spent that the same client (User-Agent and
    /// address) may present it again and get new tokens: two tabs refreshing at once,
    /// a lost response retried. From elsewhere, or later, reuse ends the sign-in as
    /// theft. 0: any reuse does.
    #[arg(long, env = "STATREQ_REFRESH_REPEAT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(i64).range(0..=300))]
    refresh_repeat_seconds: i64,
    /// Also serve `/metrics` without a token on this address, for a Prometheus
    /// scraper on a private network (e.g. 10.0.0.5:9464). On the main address it
    /// needs a dgpa_admin or service token.
    #[arg(long, env = "STATREQ_METRICS_BIND")]
    metrics_bind: Option<String>,
    /// After SIGTERM: seconds `/readyz` answers 503 (so a load balancer stops sending
    /// work) while requests are still served.
    #[arg(long, env = "STATREQ_DRAIN_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=3_600))]
    drain_seconds: u64,
    /// Then: seconds requests in flight (uploads, downloads) may take to finish.
    #[arg(long, env = "STATREQ_SHUTDOWN_GRACE_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    shutdown_grace_seconds: u64,
}

/// An address (`10.0.0.5`) or a network (`10.0.0.0/8`).
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR network"))
}

impl SecurityArgs {
    fn apply(self, s: &mut Settings) {
        s.trusted_proxies = self.trusted_proxies;
        s.session_max_seconds = self.session_hours * 3600;
        s.refresh_repeat_seconds = self.refresh_repeat_seconds;
        s.max_transfers = self.max_transfers;
        s.max_transfers_per_account = self.max_transfers_per_account;
        s.body_idle = std::time::Duration::from_secs(self.body_idle_seconds);
        s.metrics_bind = self.metrics_bind;
        s.drain = std::time::Duration::from_secs(self.drain_seconds);
        s.shutdown_grace = std::time::Duration::from_secs(self.shutdown_grace_seconds.max(1));
        s.outbound =
            statreq_api::app::outbound::OutboundPolicy { allowed: self.webhook_allow_hosts, loopback_only: self.outbound_loopback_only };
    }
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check the hash chain from the first entry to the head; exits 1 and names the
    /// first bad entry when one was edited, deleted or reordered. With --checkpoint,
    /// also that the trail still extends that signed checkpoint (exits 1 when it was
    /// truncated or rewritten since).
    Verify {
        /// A checkpoint written by `statreq audit checkpoint` or by the server.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// The verifier key (`statreq-audit+…`, the .pub beside the audit key);
        /// default: derived from --audit-key.
        #[arg(long)]
        verifier: Option<PathBuf>,
    },
    /// Write a signed checkpoint (C2SP signed note: origin, entry count, head hash)
    /// with --audit-key.
    Checkpoint {
        /// Where to write the signed checkpoint (a file; keep it apart from the database)
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCmd {
    /// Create a new key-encryption key, re-wrap every wrapped value with it (file
    /// and attachment keys, sealed passphrases, webhook secrets; bodies are not
    /// touched), then retire (delete) the old keys. Run it with the service stopped.
    Rotate,
}

#[derive(Subcommand)]
enum QueueCmd {
    /// Run a synthetic year through FIFO and the multifactor policy (default settings)
    /// and print mean and 95th-percentile waits per supervising agency (Markdown).
    Simulate {
        /// Seed of the simulated arrivals (the same seed gives the same table)
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// DGPA officers working in parallel (1–1,000).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
        officers: u32,
    },
}

/// SQLite serves one instance: a second `statreq serve` on the same file refuses to
/// start (several instances run on PostgreSQL). Other commands (backup, audit
/// verify …) may still open it while it serves.
fn sqlite_serve_lock(url: &str) -> anyhow::Result<Option<std::fs::File>> {
    let Some(path) = url.strip_prefix("sqlite://") else { return Ok(None) };
    let lock_path = format!("{path}.serve-lock");
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another `statreq serve` is already running on the SQLite database {path}: SQLite serves one instance \
             (for several instances behind a load balancer, use PostgreSQL: --database-url postgres://…)"
        ),
        Err(std::fs::TryLockError::Error(e)) => anyhow::bail!("locking {lock_path}: {e}"),
    }
}

fn open_store(common: &Common) -> anyhow::Result<(Store, String)> {
    std::fs::create_dir_all(&common.data_dir).map_err(|e| anyhow::anyhow!("data directory {}: {e}", common.data_dir.display()))?;
    let settings = Settings::new(String::new(), common.database_url.clone(), common.data_dir.clone());
    let store = Store::open(&settings.database_url).map_err(|e| anyhow::anyhow!("database {}: {e}", redact(&settings.database_url)))?;
    // A rolling upgrade under way, or this binary put back after an upgrade: it works on
    // as long as the newer release's notes do not say "stop all instances first".
    match store.unknown_migrations() {
        Ok(newer) if !newer.is_empty() => tracing::warn!(
            migrations = %newer.join(", "),
            "a newer version of statreq has upgraded this database; this one runs on it only while that release is \
             compatible (its notes say \"stop all instances first\" when not): upgrade this instance"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot list the database's migrations"),
    }
    Ok((store, settings.database_url))
}

/// The command line. The service's own options (data directory, database, files, keys,
/// audit key) are taken before or after any command, but `decrypt` and `openapi` use none
/// of them: their help leaves them out, so that a recipient opening a delivery reads only
/// what concerns the file.
fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    // Given to these commands hidden, the service's options are not copied in shown.
    let service: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).map(|a| a.clone().global(false).hide(true)).collect();
    for sub in ["decrypt", "openapi"] {
        cmd = cmd.mut_subcommand(sub, |c| c.args(service.clone()));
    }
    Cli::from_arg_matches(&cmd.get_matches()).unwrap_or_else(|e| e.exit())
}

/// Writes to standard output; a reader that stops early (`statreq openapi | head`) ends
/// the output quietly, as other tools do, instead of a panic on the closed pipe. `Ok(false)`
/// when it has stopped.
pub(crate) fn write_out(text: &str) -> std::io::Result<bool> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        other => other.map(|()| true),
    }
}

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    init_tracing();
    match run(parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The message and its causes on one line, for an operator: never a stack
            // trace, even where RUST_BACKTRACE is set.
            eprintln!("Error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Cmd::Serve {
            bind,
            demo: with_demo,
            demo_accounts_only,
            trusted_issuers,
            signing_key,
            access_token_seconds,
            max_upload_mib,
            download_window_days,
            sweep_seconds,
            spa_dir,
            cors_origins,
            integration,
            security,
        } => {
            let (store, url) = open_store(&cli.common)?;
            // Held for as long as this process serves.
            let _one_server = sqlite_serve_lock(&url)?;
            // Requests and users shown from memory, kept coherent with other instances (PostgreSQL).
            let store = store.with_read_cache().map_err(|e| anyhow::anyhow!("read cache: {e}"))?;
            let mut settings = cli.common.settings(bind, Some(url.clone()));
            settings.signing_key = signing_key.map(SecretString::from);
            settings.access_token_seconds = access_token_seconds;
            settings.max_upload_bytes = max_upload_mib * 1024 * 1024;
            settings.download_window = chrono::Duration::days(download_window_days);
            settings.sweep_every = std::time::Duration::from_secs(sweep_seconds);
            settings.cors_origins = cors_origins;
            integration.apply(&mut settings);
            if let Some(dir) = &security.checkpoint_dir {
                let key = cli.common.audit_key.clone().ok_or_else(|| anyhow::anyhow!("--checkpoint-dir needs --audit-key FILE"))?;
                settings.checkpoints = Some(statreq_api::config::Checkpoints {
                    dir: dir.clone(),
                    key,
                    every: std::time::Duration::from_secs(security.checkpoint_seconds),
                });
            }
            security.apply(&mut settings);
            // One named that holds no SPA is said now (people would find a 404 at `/`).
            if let Some(dir) = spa_dir.as_ref().filter(|d| !d.join("index.html").is_file()) {
                anyhow::bail!("--spa-dir (STATREQ_SPA_DIR) {}: no index.html there (build the SPA with `just spa`)", dir.display());
            }
            settings.spa_dir = spa_dir.or_else(|| Some(PathBuf::from("frontend/dist")).filter(|d| d.join("index.html").is_file()));
            if let Some(path) = trusted_issuers {
                settings.trusted_issuers = load_trusted_issuers(&path)?;
            }
            // A mail server statreq cannot use is said now, not found in a log later.
            if let Some(url) = &settings.smtp_url {
                statreq_api::worker::check_smtp_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("--smtp-url (STATREQ_SMTP_URL) is not usable: {e}"))?;
            }
            let loaded = if with_demo { demo::load(&store, &settings, !demo_accounts_only).await? } else { false };
            if settings.public_url.is_none() && settings.smtp_url.is_some() {
                tracing::warn!(bind = %settings.bind, "--public-url (STATREQ_PUBLIC_URL) is not set: links in e-mails point at this listener's own address");
            }
            let app = Application::build(settings, store).await?;
            let in_force = app.in_force();
            let base = format!("http://127.0.0.1:{}", app.port());
            tracing::info!(port = app.port(), database = %redact(&url), settings = %in_force, "statreq listening");
            // For whoever started it; a server whose standard output was closed (piped
            // into `head`, say) serves on rather than dying of a write to it.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "statreq listening on {base} (docs: {base}/docs/)");
            let _ = match (loaded, with_demo) {
                (true, _) => writeln!(out, "{}", demo::instructions(&base)),
                (false, true) => writeln!(out, "Demo accounts already exist (password {:?}).", demo::DEMO_PASSWORD),
                (false, false) => Ok(()),
            };
            let _ = out.flush();
            drop(out);
            app.run_until_stopped().await?;
        }
        Cmd::Migrate => {
            let (_store, url) = open_store(&cli.common)?;
            println!("migrated {}", redact(&url));
        }
        Cmd::User { command } => {
            let (store, _) = open_store(&cli.common)?;
            user_cmd::run(&store, command)?;
        }
        Cmd::Openapi => {
            write_out(&statreq_api::openapi_yaml()?)?;
        }
        Cmd::Backup { to } => {
            let (store, url) = open_store(&cli.common)?;
            let settings = cli.common.settings(String::new(), Some(url.clone()));
            let keyring = std::sync::Arc::new(statreq_vault::Keyring::open(&settings.keys_dir)?);
            let files = statreq_api::app::files::FileStore::from_settings(&settings, keyring)?;
            let m = statreq_api::app::backup::backup(&store, &url, &files, &to).await?;
            println!(
                "backed up {} database, {} files, audit trail at entry {} into {} (keys are not in it: back up {} apart)",
                m.backend,
                m.files.len(),
                m.audit_entries,
                to.display(),
                settings.keys_dir.display()
            );
        }
        Cmd::Restore { from } => {
            std::fs::create_dir_all(&cli.common.data_dir)?;
            let settings = cli.common.settings(String::new(), cli.common.database_url.clone());
            let keyring = std::sync::Arc::new(statreq_vault::Keyring::open(&settings.keys_dir)?);
            let files = statreq_api::app::files::FileStore::from_settings(&settings, keyring)?;
            let r = statreq_api::app::backup::restore(&from, &settings.database_url, &files, &settings.keys_dir).await?;
            println!(
                "restored {} files; {} shredded again (destroyed after the backup); audit trail intact: {} entries",
                r.files, r.shredded_since, r.audit_entries
            );
        }
        Cmd::Audit { command: AuditCmd::Verify { checkpoint, verifier } } => {
            let (store, _) = open_store(&cli.common)?;
            let signed = match &checkpoint {
                Some(path) => {
                    let vkey = match (&verifier, &cli.common.audit_key) {
                        (Some(v), _) => std::fs::read_to_string(v).map_err(|e| anyhow::anyhow!("{}: {e}", v.display()))?,
                        (None, Some(k)) => AuditKey::load_or_create(k)?.verifier_key,
                        (None, None) => anyhow::bail!("--checkpoint needs --verifier FILE or --audit-key FILE"),
                    };
                    let note = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    match checkpoint::read(&note, &vkey) {
                        Ok(cp) => Some(cp),
                        Err(why) => {
                            eprintln!("checkpoint {} REFUSED: {why}", path.display());
                            std::process::exit(1);
                        }
                    }
                }
                None => None,
            };
            match store.verify_audit().map_err(|e| anyhow::anyhow!("{e}"))? {
                Ok(n) => println!("audit trail intact: {n} entries, chain and head agree"),
                Err(b) => {
                    eprintln!("audit trail BROKEN at entry {}: {}", b.id, b.reason);
                    std::process::exit(1);
                }
            }
            if let Some(cp) = signed {
                match checkpoint::extends(&store, &cp)? {
                    Ok((then, now)) => println!("the trail extends the signed checkpoint: {then} entries then, {now} now"),
                    Err(why) => {
                        eprintln!("audit trail does NOT extend the checkpoint: {why}");
                        std::process::exit(1);
                    }
                }
            }
        }
        Cmd::Audit { command: AuditCmd::Checkpoint { out } } => {
            let (store, _) = open_store(&cli.common)?;
            let key =
                cli.common.audit_key.as_deref().ok_or_else(|| anyhow::anyhow!("give --audit-key FILE (kept apart from the database)"))?;
            let key = AuditKey::load_or_create(key)?;
            let note = key.checkpoint(&store, chrono::Utc::now())?;
            std::fs::write(&out, &note).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            println!("wrote {} (verifier key {})", out.display(), key.verifier_key);
        }
        Cmd::Keys { command: KeysCmd::Rotate } => {
            let (store, _) = open_store(&cli.common)?;
            let r = statreq_api::app::keys::rotate(&store, &cli.common.settings(String::new(), None).keys_dir)?;
            println!("rotated to key-encryption key {}; re-wrapped {} values; retired {}", r.to, r.rewrapped, r.retired.join(", "));
        }
        Cmd::Decrypt { file, output, identity } => {
            let input = std::fs::File::open(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let (passphrase, identity) = match identity {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)?;
                    let key = text
                        .lines()
                        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
                        .ok_or_else(|| anyhow::anyhow!("no AGE-SECRET-KEY line in {}", path.display()))?;
                    (None, Some(key.to_string()))
                }
                // At a terminal, asked for and not echoed (it stayed on the screen, and the
                // command waited without a word); from a pipe, its first line.
                None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
                    (Some(rpassword::prompt_password("解密密碼 Passphrase: ")?), None)
                }
                None => {
                    let mut p = String::new();
                    std::io::stdin().read_line(&mut p)?;
                    (Some(p.trim_end_matches(['\r', '\n']).to_string()), None)
                }
            };
            let tmp = output.with_extension("statreq-partial");
            let out = std::fs::File::create(&tmp)?;
            let result = statreq_vault::age_decrypt(input, passphrase.as_deref(), identity.as_deref(), std::io::BufWriter::new(out));
            match result {
                Ok(n) => {
                    std::fs::rename(&tmp, &output)?;
                    println!("decrypted {n} bytes to {}", output.display());
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    anyhow::bail!("cannot decrypt {}: {e} (nothing was written)", file.display());
                }
            }
        }
        Cmd::Queue { command: QueueCmd::Simulate { seed, officers } } => {
            use statreq_domain::queue::simulation::{report, run, synthetic_year, Policy};
            let mut config = synthetic_year(seed);
            config.officers = officers;
            let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")?.with_timezone(&chrono::Utc);
            let fifo = run(&config, &Policy::Fifo, start);
            let policy = run(&config, &Policy::Multifactor(Default::default()), start);
            write_out(&format!("{}\n", report(&config, &fifo, &policy)))?;
        }
    }
    Ok(())
}
