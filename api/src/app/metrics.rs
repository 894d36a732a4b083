//! How the service is doing, in the Prometheus text format: HTTP requests by route
//! template and status, and statreq's own figures (`statreq_*`) read when scraped.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use chrono::Utc;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::{db, AppResult};
use crate::AppState;

/// Request durations fall into these buckets (seconds).
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics shows statreq's own figures only");
        }
        handle
    })
}

/// Installs the recorder before the first request.
pub fn install() {
    handle();
}

/// Counts and times every request by method, route template (never the raw path,
/// whose ids would make a series per request) and status.
pub async fn track(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let res = next.call(req).await?;
    let route = res.request().match_pattern().filter(|p| p.starts_with("/api/") || p.starts_with("/metrics") || p.ends_with("z"));
    // `/api/v1/requests/{id}` is written `/api/v1/requests/:id`: braces inside label
    // values trip some Prometheus text parsers.
    let route = route.map(|p| p.replace('{', ":").replace('}', "")).unwrap_or_else(|| "other".into());
    let status = res.status().as_u16().to_string();
    counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    histogram!("http_request_duration_seconds", "method" => method, "route" => route).record(started.elapsed().as_secs_f64());
    Ok(res)
}

/// The space on one file system statreq writes to on this host.
pub struct Space {
    /// What it holds: `files`, `database` or `keys`.
    pub store: &'static str,
    pub dir: std::path::PathBuf,
    /// Bytes free to statreq, and in all.
    pub free: u64,
    pub size: u64,
}

/// The space where statreq writes on this host ([`local_stores`]), read now.
pub fn storage_space(state: &AppState) -> Vec<Space> {
    local_stores(state).into_iter().filter_map(|(store, dir)| space(&dir).map(|(free, size)| Space { store, dir, free, size })).collect()
}

/// Warns at start of each of [`storage_space`] with less than 5% free: at none, writes
/// get `507 storage_full`.
pub fn warn_of_little_space(state: &AppState) {
    for s in storage_space(state) {
        if s.size > 0 && s.free.saturating_mul(20) < s.size {
            tracing::warn!(
                store = s.store,
                dir = %s.dir.display(),
                free_mib = s.free / (1024 * 1024),
                "little space left ({:.1}% free): when it runs out, writes are refused 507 storage_full",
                s.free as f64 * 100.0 / s.size as f64
            );
        }
    }
}

/// The directories on this host that statreq writes to, by what they hold: the files
/// (a `file://` store), the SQLite database, the keys. Where one fills up, writes are
/// answered `507 storage_full`.
fn local_stores(state: &AppState) -> Vec<(&'static str, std::path::PathBuf)> {
    let mut out = vec![("keys", state.settings.keys_dir.clone())];
    if let Some(dir) = state.files.local_dir() {
        out.push(("files", dir));
    }
    if let Some(file) = state.settings.database_url.strip_prefix("sqlite://") {
        let dir = std::path::Path::new(file).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        out.push(("database", dir.to_path_buf()));
    }
    out
}

/// Bytes free (to statreq, not only to root) and in all on the file system holding `dir`.
#[cfg(target_os = "linux")]
fn space(dir: &std::path::Path) -> Option<(u64, u64)> {
    let v = rustix::fs::statvfs(dir).ok()?;
    Some((v.f_bavail.saturating_mul(v.f_frsize), v.f_blocks.saturating_mul(v.f_frsize)))
}

#[cfg(not(target_os = "linux"))]
fn space(_dir: &std::path::Path) -> Option<(u64, u64)> {
    None
}

/// The text of a scrape: statreq's figures read now, then everything recorded.
pub async fn render(state: &AppState) -> AppResult<String> {
    let pool = state.store.pool_figures();
    gauge!("statreq_db_pool_connections", "state" => "max").set(f64::from(pool.max));
    gauge!("statreq_db_pool_connections", "state" => "open").set(f64::from(pool.open));
    gauge!("statreq_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    gauge!("statreq_db_pool_connections", "state" => "in_use").set(f64::from(pool.open.saturating_sub(pool.idle)));
    let snapshot = super::queue::cached_snapshot(state).await?;
    let now = Utc::now();
    gauge!("statreq_queue_length").set(snapshot.order.len() as f64);
    let oldest = snapshot.order.iter().map(|r| r.waited.num_seconds()).max().unwrap_or(0);
    gauge!("statreq_queue_oldest_wait_days").set(oldest as f64 / 86_400.0);
    gauge!("statreq_queue_overdue").set(snapshot.order.iter().filter(|r| r.overdue).count() as f64);
    let outbox = db(state, |s| s.outbox_counts()).await?;
    for channel in ["webhook", "email"] {
        for status in ["pending", "failed", "delivered"] {
            let n: i64 = outbox.iter().filter(|o| o.channel == channel && o.status == status).map(|o| o.count).sum();
            gauge!("statreq_outbox", "channel" => channel, "status" => status).set(n as f64);
        }
    }
    let due = super::requests::destructions_due(state, None).await?;
    gauge!("statreq_destructions_overdue").set(due.iter().filter(|d| d.overdue).count() as f64);
    gauge!("statreq_destructions_due").set(due.len() as f64);
    let (_, calendars_missing) = super::reference::calendar_years(state, now).await?;
    gauge!("statreq_calendar_years_missing").set(calendars_missing.len() as f64);
    gauge!("statreq_transfers_in_flight").set(state.transfers.in_flight() as f64);
    gauge!("statreq_transfers_max").set(state.settings.max_transfers as f64);
    gauge!("statreq_snapshot_age_seconds").set((now - snapshot.at).num_milliseconds() as f64 / 1000.0);
    for s in storage_space(state) {
        gauge!("statreq_storage_free_bytes", "store" => s.store).set(s.free as f64);
        gauge!("statreq_storage_size_bytes", "store" => s.store).set(s.size as f64);
    }
    let handle = handle();
    handle.run_upkeep();
    Ok(handle.render())
}
