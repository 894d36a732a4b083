//! Settings: defaults, then environment (`STATREQ_*`, `DATABASE_URL`), then flags
//! (clap does the layering). Secrets are wrapped so they never print.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;
use statreq_domain::Role;

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// Where result files and attachments are stored (ciphertext only): `file:///DIR`
    /// or `s3://BUCKET/PREFIX`; `None` is `<data-dir>/files`.
    pub files_url: Option<String>,
    /// The key-encryption keys that wrap each file's data key; every instance mounts
    /// the same directory. Default `<data-dir>/keys`.
    pub keys_dir: PathBuf,
    /// HS256 key for statreq's own tokens; generated into the data dir when absent.
    pub signing_key: Option<SecretString>,
    pub trusted_issuers: Vec<TrustedIssuer>,
    pub access_token_seconds: i64,
    pub refresh_token_seconds: i64,
    /// The absolute lifetime of a sign-in: refreshing never extends it past this.
    pub session_max_seconds: i64,
    /// How long after a refresh token is spent the same client (its `User-Agent` and
    /// address) may present it again and be answered as a rotation: two tabs refreshing
    /// at once, a response lost and retried. Zero: never (any reuse ends the sign-in).
    pub refresh_repeat_seconds: i64,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Largest result file, in bytes.
    pub max_upload_bytes: usize,
    /// Uploads and downloads of files at once (more get 503 with Retry-After).
    pub max_transfers: usize,
    /// Of those, at most this many for one account (more get 429 with Retry-After):
    /// one account, stalled or greedy, cannot take every transfer.
    pub max_transfers_per_account: usize,
    /// After delivery, statreq keeps its own copy of result files this long, then
    /// crypto-shreds it (rule 6: nobody keeps personal data longer than needed).
    pub download_window: chrono::Duration,
    /// How often the shredding sweep runs.
    pub sweep_every: std::time::Duration,
    /// The built SPA (`index.html`, `pkg/`, `style.css`), served at `/`.
    pub spa_dir: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (an SPA deployed on its own).
    pub cors_origins: Vec<String>,
    /// How long an `Idempotency-Key` is remembered.
    pub idempotency_ttl: chrono::Duration,
    /// Days e-mails and webhook deliveries sent or given up, and read inbox notices,
    /// are kept; 0: for ever.
    pub notification_log_days: u32,
    /// Where people open the service, for links in e-mails (default: `http://{bind}`).
    pub public_url: Option<String>,
    /// `smtp://host:port`, `smtps://user:password@host` or `smtp://host?tls=required`;
    /// without it no e-mail is sent.
    pub smtp_url: Option<SecretString>,
    /// The sender of e-mails.
    pub mail_from: String,
    /// How often the notification worker looks for work when nothing wakes it.
    pub worker_poll: std::time::Duration,
    /// How long an e-mail waits for others to the same address, to go as one message.
    pub email_gather: std::time::Duration,
    /// The first retry of a failed webhook or e-mail waits about this long; each
    /// further one twice as long (with jitter), up to an hour.
    pub retry_base: std::time::Duration,
    /// Attempts before a webhook delivery or e-mail is given up (and logged as failed).
    pub max_attempts: i32,
    /// How long a webhook receiver may take to answer.
    pub webhook_timeout: std::time::Duration,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Signed audit checkpoints the server writes now and then.
    pub checkpoints: Option<Checkpoints>,
    /// Where webhooks may go besides public addresses; or loopback only (tests).
    pub outbound: crate::app::outbound::OutboundPolicy,
    /// Working days a request may wait on its supervisor before the supervisors are
    /// reminded, and further working days before DGPA's officers are told.
    pub escalate_after_working_days: i64,
    pub escalate_to_dgpa_after_working_days: i64,
    /// Statistical cells counting fewer people than this are flagged (disclosure check).
    pub disclosure_threshold: u32,
    /// The dominance rules for magnitude columns (disclosure check).
    pub dominance: statreq_domain::disclosure::DominanceRules,
    /// After SIGTERM, how long `/readyz` answers 503 while requests are still served.
    pub drain: std::time::Duration,
    /// Then, how long requests in flight (uploads, downloads) may take to finish.
    pub shutdown_grace: std::time::Duration,
    /// A request body that sends nothing for this long is cut off (`408 body_stalled`);
    /// a download not read for this long is cut off too.
    pub body_idle: std::time::Duration,
    /// Serves `/metrics` without a token on this address (a scraper's private network).
    pub metrics_bind: Option<String>,
    /// Added to the clock of the reminder and escalation sweeps, of which years'
    /// calendars are due, and of the notification log's keeping (tests only).
    pub clock_offset: chrono::Duration,
}

impl Settings {
    /// What an operator checks first in the log, with no secret in it: where files and
    /// keys are kept, the public address, the mail server's host (or `off`), the
    /// browser origins and the number of trusted token issuers.
    pub fn in_force(&self) -> String {
        let files = self.files_url.clone().unwrap_or_else(|| format!("file://{}", self.data_dir.join("files").display()));
        let mail = self.smtp_url.as_ref().map_or_else(
            || "off".to_string(),
            |u| {
                url::Url::parse(secrecy::ExposeSecret::expose_secret(u))
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default()
            },
        );
        let origins = if self.cors_origins.is_empty() { "same origin only".to_string() } else { self.cors_origins.join(" ") };
        format!(
            "files {files}; keys {}; public URL {}; e-mail {mail}; browser origins: {origins}; trusted token issuers: {}",
            self.keys_dir.display(),
            self.public_base(),
            self.trusted_issuers.len()
        )
    }

    /// The base of links in e-mails.
    pub fn public_base(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind)).trim_end_matches('/').to_string()
    }

    pub fn new(bind: String, database_url: Option<String>, data_dir: PathBuf) -> Settings {
        let database_url = database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("statreq.sqlite").display()));
        Settings {
            bind,
            database_url,
            files_url: None,
            keys_dir: data_dir.join("keys"),
            data_dir,
            signing_key: None,
            trusted_issuers: Vec::new(),
            access_token_seconds: 15 * 60,
            refresh_token_seconds: 12 * 60 * 60,
            session_max_seconds: 12 * 60 * 60,
            refresh_repeat_seconds: 30,
            max_body_bytes: 256 * 1024,
            max_upload_bytes: 512 * 1024 * 1024,
            max_transfers: 32,
            max_transfers_per_account: 4,
            download_window: chrono::Duration::days(30),
            sweep_every: std::time::Duration::from_secs(600),
            escalate_after_working_days: 5,
            escalate_to_dgpa_after_working_days: 5,
            clock_offset: chrono::Duration::zero(),
            disclosure_threshold: statreq_domain::disclosure::DEFAULT_THRESHOLD,
            dominance: statreq_domain::disclosure::DEFAULT_DOMINANCE,
            spa_dir: None,
            cors_origins: Vec::new(),
            idempotency_ttl: chrono::Duration::hours(24),
            notification_log_days: 400,
            public_url: None,
            smtp_url: None,
            mail_from: "人事資料統計服務 <no-reply@statreq.invalid>".into(),
            worker_poll: std::time::Duration::from_secs(2),
            email_gather: std::time::Duration::from_secs(60),
            retry_base: std::time::Duration::from_secs(10),
            max_attempts: 10,
            webhook_timeout: std::time::Duration::from_secs(10),
            trusted_proxies: Vec::new(),
            outbound: Default::default(),
            checkpoints: None,
            metrics_bind: None,
            drain: std::time::Duration::from_secs(5),
            shutdown_grace: std::time::Duration::from_secs(30),
            body_idle: std::time::Duration::from_secs(60),
        }
    }
}

/// Where and how often the server writes signed audit checkpoints, with which key.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    pub dir: PathBuf,
    pub key: PathBuf,
    pub every: std::time::Duration,
}

/// An external identity provider (WebHR) whose tokens statreq accepts (RFC 8725:
/// one algorithm per key, issuer and audience pinned).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedIssuer {
    /// The exact `iss` claim.
    pub issuer: String,
    /// The `aud` claim statreq requires, e.g. `statreq`.
    pub audience: String,
    /// `EdDSA`, `ES256` or `RS256`.
    pub algorithm: String,
    /// The public key, PEM (SPKI, PKCS#1 for RSA, or the X.509 certificate carrying it).
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// Or a file holding it.
    #[serde(default)]
    pub public_key_file: Option<PathBuf>,
    /// The roles this issuer may assert; others in a token are ignored.
    #[serde(default = "default_issuer_roles")]
    pub allowed_roles: Vec<Role>,
    /// The agencies (each with everything below it) this issuer speaks for; a token
    /// naming another agency is refused (403). Empty: any agency in statreq's tree.
    #[serde(default)]
    pub allowed_agencies: Vec<String>,
}

fn default_issuer_roles() -> Vec<Role> {
    vec![Role::Applicant, Role::Supervisor]
}

/// Reads a JSON list of trusted issuers.
pub fn load_trusted_issuers(path: &Path) -> anyhow::Result<Vec<TrustedIssuer>> {
    let raw = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading trusted issuers {}: {e}", path.display()))?;
    serde_json::from_str(&raw).map_err(|e| anyhow::anyhow!("trusted issuers {}: {e}", path.display()))
}

/// `--cors-origin`: a web origin as browsers send it in `Origin` (`https://host[:port]`,
/// lower case, no default port). A trailing `/` is dropped; a path, query or missing
/// scheme is refused, since no browser's `Origin` could ever match it.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("{e}: write it as https://host[:port]"))?;
    let plain = url.path() == "/" && url.query().is_none() && url.fragment().is_none() && url.username().is_empty();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !plain {
        return Err("an origin is https://host[:port], nothing more (no path, query or user)".into());
    }
    Ok(url.origin().ascii_serialization())
}

/// `--public-url`: where people open the service, an absolute `http(s)://` address (the
/// base of links in e-mails; `https://` also turns on HSTS and secure cookies).
pub fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("{e}: write it as https://host[:port][/path]"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err("the public URL is an http:// or https:// address with a host and no query".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A database URL with its password replaced by `***`, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_origin, parse_public_url};

    #[test]
    fn origins_are_written_as_browsers_send_them() {
        assert_eq!(parse_origin("https://spa.example.gov.tw").as_deref(), Ok("https://spa.example.gov.tw"));
        assert_eq!(parse_origin("https://SPA.Example.gov.tw:443/").as_deref(), Ok("https://spa.example.gov.tw"));
        assert_eq!(parse_origin("http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        for wrong in ["spa.example.gov.tw", "*", "https://spa.example.gov.tw/app", "https://a@spa.example.gov.tw", "ftp://x", ""] {
            assert!(parse_origin(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_public_url_is_an_absolute_web_address() {
        assert_eq!(parse_public_url("https://statreq.dgpa.gov.tw/").as_deref(), Ok("https://statreq.dgpa.gov.tw"));
        assert_eq!(parse_public_url("https://dgpa.gov.tw/statreq").as_deref(), Ok("https://dgpa.gov.tw/statreq"));
        for wrong in ["statreq.dgpa.gov.tw", "mailto:a@b.tw", "https://x.tw/?a=1", ""] {
            assert!(parse_public_url(wrong).is_err(), "{wrong}");
        }
    }
}
