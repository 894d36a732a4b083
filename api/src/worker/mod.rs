//! The notification worker: turns request events into webhook deliveries and
//! e-mails (the outbox, written in one transaction with marking the events), sends
//! what is due with retries (exponential backoff with jitter), reminds offices of
//! personal data due for destruction (rule 6), and forgets expired idempotency
//! keys. Requests never wait for it: a slow or failing receiver only delays its
//! own deliveries. With several instances on PostgreSQL, leases taken under row
//! locks make each message go out once.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rand::Rng;
use secrecy::ExposeSecret;
use sha2::Sha256;
use statreq_contract::{WebhookEvent, WebhookRequestRef};
use statreq_domain::notify::{self, Audience};
use statreq_domain::{lifecycle, AgencyCode, EventKind, RequestId, Role, RoleSet, UserId};
use statreq_store::{EventRow, NewInbox, NewNotification, NotificationRow, RequestRow, SendOutcome, StoreError, UserRow};

use crate::app::db;
use crate::auth::Principal;
use crate::AppState;

mod moves;

type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// Headers of a webhook delivery.
pub const SIGNATURE_HEADER: &str = "Statreq-Signature";
pub const TIMESTAMP_HEADER: &str = "Statreq-Timestamp";
pub const EVENT_ID_HEADER: &str = "Statreq-Event-Id";
pub const EVENT_TYPE_HEADER: &str = "Statreq-Event-Type";
pub const DELIVERY_HEADER: &str = "Statreq-Delivery";

const BATCH: i64 = 50;

/// Hex HMAC-SHA256 of `timestamp + "." + body` keyed with the subscription secret.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Deletes e-mails and webhook deliveries sent or given up, and read inbox notices,
/// older than `--notification-log-days` (by the sweep's clock); none when it is 0.
async fn purge_notification_log(state: &AppState) {
    let days = state.settings.notification_log_days;
    if days == 0 {
        return;
    }
    let cutoff = Utc::now() + state.settings.clock_offset - chrono::Duration::days(i64::from(days));
    match db(state, move |s| s.purge_notification_log(cutoff)).await {
        Ok((0, 0)) => {}
        Ok((sent, read)) => tracing::info!(sent, read, days, "deleted the notification log's entries past their keeping"),
        Err(e) => tracing::warn!(error = %e, "purging the notification log failed"),
    }
}

pub fn spawn(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let http = match reqwest::Client::builder()
            .timeout(state.settings.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(std::sync::Arc::new(crate::app::outbound::CheckedResolver(state.outbound.clone())))
            .user_agent(concat!("statreq-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot build the webhook HTTP client; notifications are off");
                return;
            }
        };
        let smtp_host_is_loopback = |url: &str| {
            reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).is_some_and(|h| {
                h == "localhost"
                    || h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
            })
        };
        let mailer = match &state.settings.smtp_url {
            None => None,
            Some(url) if state.outbound.loopback_only && !smtp_host_is_loopback(url.expose_secret()) => {
                tracing::error!("--outbound-loopback-only: the SMTP server is not on loopback; no e-mail will be sent");
                None
            }
            Some(url) => match mailer(url.expose_secret()) {
                Ok(m) => Some(m),
                Err(e) => {
                    tracing::error!(error = %e, "STATREQ_SMTP_URL is not usable; no e-mail will be sent");
                    None
                }
            },
        };
        let mut last_sweep: Option<std::time::Instant> = None;
        let mut last_purge: Option<std::time::Instant> = None;
        loop {
            if state.draining.load(std::sync::atomic::Ordering::SeqCst) {
                tracing::info!("the notification worker stopped (draining)");
                return;
            }
            if let Err(e) = fan_out(&state, mailer.is_some()).await {
                tracing::warn!(error = %e, "turning events into notifications failed; will retry");
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= state.settings.sweep_every) {
                last_sweep = Some(std::time::Instant::now());
                if let Err(e) = crate::reminders::sweep(&state, mailer.is_some()).await {
                    tracing::warn!(error = %e, "reminders and escalations failed; will retry");
                }
                let cutoff = Utc::now() - state.settings.idempotency_ttl;
                if let Err(e) = db(&state, move |s| s.purge_idempotency_keys(cutoff)).await {
                    tracing::warn!(error = %e, "purging idempotency keys failed");
                }
                // Sign-ins ended a day ago or more: no token of theirs can refresh.
                let ended = Utc::now() - chrono::Duration::days(1);
                if let Err(e) = db(&state, move |s| s.purge_refresh_tokens(ended)).await {
                    tracing::warn!(error = %e, "forgetting ended sign-ins failed");
                }
                // The log's keeping is in days: once an hour is enough (and at start).
                if last_purge.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                    last_purge = Some(std::time::Instant::now());
                    purge_notification_log(&state).await;
                }
            }
            let sent = match send_due(&state, &http, mailer.as_ref()).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "sending notifications failed; will retry");
                    0
                }
            };
            if sent as i64 >= BATCH {
                continue;
            }
            tokio::select! {
                _ = state.wake.notified() => {}
                _ = actix_web::rt::time::sleep(state.settings.worker_poll) => {}
            }
        }
    });
}

/// E-mail addresses of the applicant's office for a request: the drafter and the
/// application's contact, once each.
pub(crate) fn office_addresses(r: &RequestRow, users: &HashMap<UserId, UserRow>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(u) = users.get(&r.created_by).filter(|u| u.active) {
        out.push(u.email.trim().to_string());
    }
    out.push(r.application.contact.email.trim().to_string());
    let mut seen = std::collections::HashSet::new();
    out.retain(|a| a.contains('@') && seen.insert(a.to_ascii_lowercase()));
    out
}

pub(crate) fn with_role(users: Vec<UserRow>, role: Role) -> Vec<UserRow> {
    users.into_iter().filter(|u| u.active && RoleSet::from_joined(&u.roles).has(role)).collect()
}

async fn fan_out(state: &AppState, email: bool) -> crate::app::AppResult<usize> {
    let events: Vec<EventRow> = db(state, |s| s.unnotified_events(200)).await?;
    if events.is_empty() {
        return Ok(0);
    }
    let hooks = db(state, |s| s.list_webhooks(None)).await?;
    let mut request_ids: Vec<RequestId> = events.iter().map(|e| e.request_id).collect();
    request_ids.sort_unstable();
    request_ids.dedup();
    // With who wrote or sent each: they are no reviewer of it (separation of duties), so a
    // supervisor among them is not told it awaits their review.
    let (requests, authors): (HashMap<RequestId, RequestRow>, HashMap<RequestId, Vec<UserId>>) = db(state, move |s| {
        let mut out = HashMap::new();
        for id in &request_ids {
            out.insert(*id, s.get_request(*id)?);
        }
        Ok((out, s.authors_of(&request_ids)?))
    })
    .await?;
    // Hooks' owners, requests' creators and assignees, and the events' authors.
    let mut user_ids: Vec<UserId> = hooks
        .iter()
        .map(|h| h.owner_id)
        .chain(requests.values().flat_map(|r| std::iter::once(r.created_by).chain(r.assignee)))
        .chain(events.iter().map(|e| e.actor_id))
        .collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users: HashMap<UserId, UserRow> = db(state, move |s| s.get_users(&user_ids)).await?.into_iter().map(|u| (u.id, u)).collect();
    let owners: HashMap<UserId, Principal> =
        users.values().filter(|u| u.active).filter_map(|u| Principal::from_user(u.clone()).ok().map(|p| (u.id, p))).collect();
    let tree = state.agencies.tree(state).await?;
    let base = state.settings.public_base();
    let mut notes = Vec::new();
    let mut inbox: Vec<NewInbox> = Vec::new();
    // The people of each set of agencies, read once for all the events of this pass.
    let mut staff_of: StaffOf = HashMap::new();
    for e in &events {
        let Some(r) = requests.get(&e.request_id) else { continue };
        let Some((chain, _)) = tree.chain(&r.agency_code) else { continue };
        let event_type = notify::webhook_event(e.kind);
        let event_id = format!("evt_{}_{}", e.request_id, e.seq);
        let payload = WebhookEvent {
            id: event_id.clone(),
            type_: event_type.into(),
            occurred_at: e.at,
            event: e.kind,
            request: WebhookRequestRef {
                id: r.id.0,
                state: e.to_state,
                agency_code: r.agency_code.to_string(),
                external_ref: r.external_ref.clone(),
                href: format!("/api/v1/requests/{}", r.id),
            },
        };
        let body = serde_json::to_string(&payload).map_err(crate::app::AppError::internal)?;
        for h in hooks.iter().filter(|h| notify::subscribed_to(&h.events, event_type)) {
            let Some(owner) = owners.get(&h.owner_id) else { continue };
            // DGPA's own work on a file is for DGPA's systems only.
            if e.kind.internal() && !owner.actor.roles.has(Role::DgpaOfficer) {
                continue;
            }
            let visible = r.created_by == h.owner_id || lifecycle::can_view(&owner.actor, &chain, r.revision.max(0) as u32);
            if visible {
                notes.push(NewNotification {
                    channel: "webhook".into(),
                    webhook_id: Some(h.id),
                    event_id: event_id.clone(),
                    event_type: event_type.into(),
                    request_id: Some(r.id),
                    recipient: h.url.clone(),
                    payload: body.clone(),
                    dedupe_key: None,
                });
            }
        }
        // Whom the event concerns: in-app always, by e-mail where statreq sends mail.
        let mut to: Vec<String> = Vec::new();
        let mut people: Vec<UserId> = Vec::new();
        // A person who turned this kind off by e-mail gets it in-app only; one who kept it
        // out of the inbox, by e-mail only.
        let kind = format!("request_{}", e.kind.as_str());
        let wants = |u: &UserRow| notify::wants_email(&u.notification_settings, &kind);
        let sees = |u: &&UserRow| notify::wants_inbox(&u.notification_settings, &kind);
        let situation = notify::Situation {
            author: users.get(&e.actor_id).map(|a| {
                let wrote_it = authors.get(&r.id).is_some_and(|w| w.contains(&a.id));
                notify::side_of(&a.agency_code, RoleSet::from_joined(&a.roles), &chain, wrote_it)
            }),
            from: e.from_state,
            submitted: r.revision > 0,
            reached_dgpa: r.dgpa_received_at.is_some(),
            // An officer who can no longer act (disabled, or no longer a case officer)
            // has nobody's work: every case officer hears what they would have.
            assigned: r.assignee.and_then(|id| users.get(&id)).is_some_and(crate::app::users::attends),
        };
        for audience in notify::concerned(e.kind, &situation) {
            match audience {
                Audience::ApplicantOffice => {
                    let creator = users.get(&r.created_by).filter(|u| u.active);
                    let declined = creator.filter(|u| !wants(u)).map(|u| u.email.trim().to_ascii_lowercase());
                    to.extend(office_addresses(r, &users).into_iter().filter(|a| Some(a.to_ascii_lowercase()) != declined));
                    people.extend(creator.filter(sees).map(|u| u.id));
                }
                Audience::Supervisors => {
                    let agencies: Vec<AgencyCode> = chain.supervising_agencies().into_iter().cloned().collect();
                    let found = staff(state, &mut staff_of, agencies, Role::Supervisor).await?;
                    let wrote = authors.get(&r.id).map_or(&[][..], Vec::as_slice);
                    let reviewers = || found.iter().filter(|u| !wrote.contains(&u.id));
                    people.extend(reviewers().filter(sees).map(|u| u.id));
                    to.extend(reviewers().filter(|u| wants(u)).map(|u| u.email.clone()));
                }
                Audience::Assignee => {
                    let officer = r.assignee.and_then(|id| users.get(&id)).filter(|u| u.active);
                    people.extend(officer.filter(sees).map(|u| u.id));
                    to.extend(officer.filter(|u| wants(u)).map(|u| u.email.clone()));
                }
                Audience::Dgpa => {
                    let found = staff(state, &mut staff_of, vec![AgencyCode::dgpa()], Role::DgpaOfficer).await?;
                    people.extend(found.iter().filter(sees).map(|u| u.id));
                    to.extend(found.iter().filter(|u| wants(u)).map(|u| u.email.clone()));
                }
            }
        }
        if e.kind == EventKind::SupervisorChanged {
            let wrote = authors.get(&r.id).map_or(&[][..], Vec::as_slice);
            let (items, mails) = moves::review_moved(state, &mut staff_of, e, r, &tree, wrote, email.then_some(base.as_str())).await?;
            inbox.extend(items);
            notes.extend(mails);
        }
        let reason = r.application.reason.clone();
        people.sort_unstable();
        people.dedup();
        // Nobody is told of what they did themselves.
        people.retain(|id| *id != e.actor_id);
        let notice = notify::event_notice(e.kind, r.id.0, &reason);
        let path = notify::event_path(e.kind, r.id.0, &e.data);
        inbox.extend(people.into_iter().map(|user_id| NewInbox {
            user_id,
            kind: format!("request_{}", e.kind.as_str()),
            link: path.clone(),
            text_zh: notice.zh_tw.clone(),
            text_en: notice.en.clone(),
        }));
        to.retain(|a| a.contains('@'));
        to.sort();
        to.dedup();
        if !email || to.is_empty() {
            continue;
        }
        let link = format!("{base}{path}");
        let mail = notify::event_email(e.kind, r.id.0, &reason, e.to_state, e.comment.as_deref(), &link);
        let payload = serde_json::json!({"subject": mail.subject, "body": mail.body}).to_string();
        for address in to {
            notes.push(NewNotification {
                channel: "email".into(),
                webhook_id: None,
                event_id: event_id.clone(),
                event_type: event_type.into(),
                request_id: Some(r.id),
                recipient: address,
                payload: payload.clone(),
                dedupe_key: None,
            });
        }
    }
    let keys: Vec<(i64, i32)> = events.iter().map(|e| (e.request_id.0, e.seq)).collect();
    let n = notes.len();
    let store = state.store.clone();
    match web::block(move || store.record_notifications(&keys, &notes, &inbox, Utc::now())).await {
        Ok(Ok(())) => Ok(n),
        // Another instance turned these events into notifications first.
        Ok(Err(StoreError::Conflict)) => Ok(0),
        Ok(Err(e)) => Err(e.into()),
        Err(e) => Err(crate::app::AppError::internal(e)),
    }
}

type StaffOf = HashMap<(Vec<AgencyCode>, Role), std::sync::Arc<Vec<UserRow>>>;

/// The active users of `agencies` holding `role`, read once per pass of [`fan_out`].
async fn staff(
    state: &AppState,
    seen: &mut StaffOf,
    agencies: Vec<AgencyCode>,
    role: Role,
) -> crate::app::AppResult<std::sync::Arc<Vec<UserRow>>> {
    let key = (agencies, role);
    if let Some(found) = seen.get(&key) {
        return Ok(found.clone());
    }
    let agencies = key.0.clone();
    let found = std::sync::Arc::new(with_role(db(state, move |s| s.active_users_of(&agencies)).await?, role));
    seen.insert(key, found.clone());
    Ok(found)
}

/// The wait before attempt `attempts + 1`: base·2^(attempts−1), at most an hour,
/// with jitter in its upper half so that failed receivers are not hit in step.
fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let exp = base.as_millis().saturating_mul(1u128 << attempts.clamp(1, 30).saturating_sub(1)).min(3_600_000) as i64;
    let jittered = rand::thread_rng().gen_range(exp / 2..=exp.max(1));
    chrono::Duration::milliseconds(jittered)
}

async fn send_due(state: &AppState, http: &reqwest::Client, mailer: Option<&Mailer>) -> crate::app::AppResult<usize> {
    let lease =
        chrono::Duration::from_std(state.settings.webhook_timeout * 3 + Duration::from_secs(30)).unwrap_or(chrono::Duration::minutes(1));
    let hold = chrono::Duration::from_std(state.settings.email_gather).unwrap_or_default();
    let mut rows = db(state, move |s| s.lease_due_notifications(BATCH, lease, hold, Utc::now())).await?;
    let n = rows.len();
    // E-mails are held a while so that what else comes for the same person goes in the
    // same message: with each one due, the others waiting for its address.
    let gather = hold > chrono::Duration::zero() && mailer.is_some();
    if gather {
        let mut to: Vec<String> = rows.iter().filter(|r| r.channel == "email").map(|r| r.recipient.to_lowercase()).collect();
        to.sort();
        to.dedup();
        if !to.is_empty() {
            rows.extend(db(state, move |s| s.lease_emails_to(&to, GATHERED_MAX, lease, Utc::now())).await?);
        }
    }
    let sends = together(rows, gather).into_iter().map(|group| async move {
        let outcome = send_group(state, http, mailer, &group).await;
        (group, outcome)
    });
    for (group, outcome) in futures_util::future::join_all(sends).await {
        for row in group {
            let now = Utc::now();
            let outcome = match &outcome {
                Attempt::Delivered(status) => SendOutcome::Delivered { status: *status },
                Attempt::Failed { status, error, permanent } => {
                    let retry_at = (!permanent && row.attempts < state.settings.max_attempts)
                        .then(|| now + backoff(state.settings.retry_base, row.attempts));
                    tracing::info!(
                        notification = row.id,
                        channel = row.channel,
                        attempts = row.attempts,
                        error,
                        retry = retry_at.is_some(),
                        "notification not delivered"
                    );
                    SendOutcome::Failed { status: *status, error: error.clone(), retry_at }
                }
            };
            let id = row.id;
            db(state, move |s| s.record_send(id, &outcome, now)).await?;
        }
    }
    Ok(n)
}

/// The most e-mails gathered into one send for the addresses of a pass.
const GATHERED_MAX: i64 = 200;

/// What goes out together: with `gather`, the e-mails to one address (in any case) as
/// one message, oldest first; every other notification alone (one whose stored e-mail
/// does not read, too: it fails by itself).
fn together(rows: Vec<NotificationRow>, gather: bool) -> Vec<Vec<NotificationRow>> {
    let mut groups: Vec<Vec<NotificationRow>> = Vec::new();
    let mut by_address: HashMap<String, usize> = HashMap::new();
    for row in rows {
        if !gather || row.channel != "email" || serde_json::from_str::<notify::Email>(&row.payload).is_err() {
            groups.push(vec![row]);
            continue;
        }
        match by_address.get(&row.recipient.to_lowercase()) {
            Some(&i) => groups[i].push(row),
            None => {
                by_address.insert(row.recipient.to_lowercase(), groups.len());
                groups.push(vec![row]);
            }
        }
    }
    for g in &mut groups {
        g.sort_by_key(|r| (r.created_at, r.id));
    }
    groups
}

/// Sends one notification, or several e-mails to one address as one message (each
/// under its own subject).
async fn send_group(state: &AppState, http: &reqwest::Client, mailer: Option<&Mailer>, group: &[NotificationRow]) -> Attempt {
    match (group, mailer) {
        ([one], _) => send_one(state, http, mailer, one).await,
        ([first, ..], Some(m)) => {
            let mut mails = Vec::new();
            for row in group {
                match serde_json::from_str::<notify::Email>(&row.payload) {
                    Ok(mail) => mails.push(mail),
                    Err(_) => return failed("stored e-mail does not parse", true),
                }
            }
            let about: Vec<i64> = group.iter().filter_map(|r| r.request_id.map(|id| id.0)).collect();
            let Ok(payload) = serde_json::to_string(&notify::digest_email(&mails, &about)) else {
                return failed("e-mail not written", true);
            };
            send_email(state, m, &NotificationRow { payload, ..first.clone() }).await
        }
        _ => failed("nothing to send", true),
    }
}

enum Attempt {
    Delivered(Option<i32>),
    Failed { status: Option<i32>, error: String, permanent: bool },
}

fn failed(error: impl Into<String>, permanent: bool) -> Attempt {
    Attempt::Failed { status: None, error: error.into(), permanent }
}

async fn send_one(state: &AppState, http: &reqwest::Client, mailer: Option<&Mailer>, row: &NotificationRow) -> Attempt {
    match row.channel.as_str() {
        "webhook" => send_webhook(state, http, row, Utc::now()).await,
        "email" => match mailer {
            Some(m) => send_email(state, m, row).await,
            None => failed("no SMTP server is configured", true),
        },
        other => failed(format!("unknown channel {other}"), true),
    }
}

async fn send_webhook(state: &AppState, http: &reqwest::Client, row: &NotificationRow, now: DateTime<Utc>) -> Attempt {
    let Some(hook_id) = row.webhook_id else { return failed("no subscription", true) };
    let hook = match db(state, move |s| s.get_webhook(hook_id)).await {
        Ok(h) => h,
        Err(crate::app::AppError::NotFound | crate::app::AppError::Store(StoreError::NotFound)) => {
            return failed("subscription deleted", true)
        }
        Err(e) => return failed(e.to_string(), false),
    };
    let secret = match state.keyring.open_secret(hook.signing_secret(now)) {
        Ok(s) => s,
        Err(e) => return failed(format!("cannot open the signing secret: {e}"), true),
    };
    // To the subscription's address as it is now (changed since the event, a retry or a
    // replay goes to the new one). An address in the URL is not resolved, so it is
    // checked here; names are checked by the client's resolver on every connection.
    let literal = reqwest::Url::parse(&hook.url).ok().and_then(|u| {
        let host = u.host_str()?.trim_start_matches('[').trim_end_matches(']').to_string();
        host.parse::<std::net::IpAddr>().ok().map(|a| (host, a))
    });
    if let Some((host, addr)) = literal {
        if !state.outbound.permits(&host, addr) {
            return failed(ErrorClass::DestinationForbidden.as_str(), true);
        }
    }
    let ts = now.timestamp();
    let sig = signature(&secret, ts, &row.payload);
    let sent = http
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(SIGNATURE_HEADER, sig)
        .header(EVENT_ID_HEADER, &row.event_id)
        .header(EVENT_TYPE_HEADER, &row.event_type)
        .header(DELIVERY_HEADER, row.id.to_string())
        .body(row.payload.clone())
        .send()
        .await;
    match sent {
        Ok(res) if res.status().is_success() => Attempt::Delivered(Some(i32::from(res.status().as_u16()))),
        Ok(res) => Attempt::Failed {
            status: Some(i32::from(res.status().as_u16())),
            error: ErrorClass::HttpStatus.as_str().into(),
            permanent: false,
        },
        Err(e) => {
            let class = ErrorClass::of(&e);
            tracing::info!(delivery = row.id, class = class.as_str(), error = %e, "webhook delivery failed");
            failed(class.as_str(), class == ErrorClass::DestinationForbidden)
        }
    }
}

/// What went wrong with a webhook delivery, as the delivery log shows it: a class,
/// never the raw connection error (which would tell a subscriber about statreq's
/// network from the inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorClass {
    DestinationForbidden,
    DnsFailure,
    Timeout,
    ConnectionFailed,
    HttpStatus,
    RequestFailed,
}

impl ErrorClass {
    fn as_str(self) -> &'static str {
        match self {
            ErrorClass::DestinationForbidden => "destination_forbidden",
            ErrorClass::DnsFailure => "dns_failure",
            ErrorClass::Timeout => "timeout",
            ErrorClass::ConnectionFailed => "connection_failed",
            ErrorClass::HttpStatus => "http_status",
            ErrorClass::RequestFailed => "request_failed",
        }
    }

    fn of(e: &reqwest::Error) -> ErrorClass {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<crate::app::outbound::ResolveError>() {
                return match r {
                    crate::app::outbound::ResolveError::Forbidden(_) => ErrorClass::DestinationForbidden,
                    crate::app::outbound::ResolveError::Unresolved => ErrorClass::DnsFailure,
                };
            }
            source = s.source();
        }
        if e.is_timeout() {
            ErrorClass::Timeout
        } else if e.is_connect() {
            ErrorClass::ConnectionFailed
        } else {
            ErrorClass::RequestFailed
        }
    }
}

/// The SMTP transport `--smtp-url` names. Its TLS trusts what webhooks and S3 trust
/// (reqwest's roots): Mozilla's, and the system's (`/etc/ssl/certs`, or
/// `SSL_CERT_FILE`), so that a relay whose certificate chains to Taiwan's GRCA or an
/// internal CA is reached once the operator trusts that root on the machine.
/// Whether statreq can send mail through `url` (its form and TLS settings; the server
/// itself is reached only when there is mail to send).
pub fn check_smtp_url(url: &str) -> anyhow::Result<()> {
    mailer(url).map(drop)
}

fn mailer(url: &str) -> anyhow::Result<Mailer> {
    use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
    let builder = Mailer::from_url(url)?;
    let parsed = reqwest::Url::parse(url)?;
    let tls = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
    let mode: Option<fn(TlsParameters) -> Tls> = match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) => Some(Tls::Wrapper),
        ("smtp", Some("required")) => Some(Tls::Required),
        ("smtp", Some("opportunistic")) => Some(Tls::Opportunistic),
        _ => None,
    };
    let Some(mode) = mode else { return Ok(builder.build()) };
    let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let mut params = TlsParameters::builder(host.to_string()).certificate_store(CertificateStore::WebpkiRoots);
    // Only roots rustls can take: one it cannot would fail every connection.
    let mut usable = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        if usable.add(cert.clone()).is_ok() {
            params = params.add_root_certificate(Certificate::from_der(cert.to_vec())?);
        }
    }
    Ok(builder.tls(mode(params.build_rustls()?)).build())
}

async fn send_email(state: &AppState, mailer: &Mailer, row: &NotificationRow) -> Attempt {
    #[derive(serde::Deserialize)]
    struct Mail {
        subject: String,
        body: String,
    }
    let Ok(mail) = serde_json::from_str::<Mail>(&row.payload) else { return failed("stored e-mail does not parse", true) };
    let from: Mailbox = match state.settings.mail_from.parse() {
        Ok(f) => f,
        Err(e) => return failed(format!("STATREQ_MAIL_FROM is not an address: {e}"), true),
    };
    let to = match row.recipient.parse() {
        Ok(t) => t,
        Err(e) => return failed(format!("not an e-mail address: {e}"), true),
    };
    // RFC 5322's Message-ID in the sender's domain (lettre's default names this host);
    // RFC 3834's Auto-Submitted, and Exchange's equivalent, so that out-of-office
    // replies do not go to an address nobody reads.
    let message_id = format!("<{}@{}>", uuid::Uuid::new_v4().simple(), from.email.domain());
    let raw = |name: &'static str, value: &str| HeaderValue::new(HeaderName::new_from_ascii_str(name), value.into());
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(message_id))
        .raw_header(raw("Auto-Submitted", "auto-generated"))
        .raw_header(raw("X-Auto-Response-Suppress", "All"))
        // A MIME part, so that MIME-Version: 1.0 is said (RFC 2045) and the charset honoured.
        .singlepart(SinglePart::plain(mail.body));
    let message = match message {
        Ok(m) => m,
        Err(e) => return failed(e.to_string(), true),
    };
    match mailer.send(message).await {
        Ok(_) => Attempt::Delivered(None),
        Err(e) => failed(e.to_string(), e.is_permanent()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_the_documented_hmac() {
        // Computed independently: python3 -c 'import hmac,hashlib;
        // print(hmac.new(b"Jefe", b"0.what do ya want for nothing?", hashlib.sha256).hexdigest())'
        let sig = super::signature("Jefe", 0, "what do ya want for nothing?");
        assert_eq!(sig, "37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc");
    }

    #[test]
    fn backoff_doubles_within_jitter_and_caps_at_an_hour() {
        let base = std::time::Duration::from_secs(10);
        for attempt in 1..=4 {
            let d = super::backoff(base, attempt).num_milliseconds();
            let full = 10_000 * (1 << (attempt - 1));
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d}");
        }
        assert!(super::backoff(base, 40).num_milliseconds() <= 3_600_000);
    }
}
