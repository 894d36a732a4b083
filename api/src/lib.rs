//! The statreq HTTP service: actix-web handlers over the store and the domain,
//! the OpenAPI document generated from the same route table, and the CLI's pieces.

// ApiError carries a bilingual message and pointer list; it is built only on the
// refusal path of an HTTP request, where its size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod reminders;
pub mod routes;
#[cfg(test)]
mod testing;
pub mod worker;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::ErrorHandlers;
use actix_web::{web, App, HttpResponse, HttpServer, ResponseError};
use statreq_store::Store;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::error::{problem_for_plain_errors, ApiError};

/// Shared by every handler.
pub struct AppState {
    pub store: Store,
    pub agencies: app::agencies::AgencyCache,
    pub principals: auth::PrincipalCache,
    /// Where webhooks may connect.
    pub outbound: std::sync::Arc<app::outbound::OutboundPolicy>,
    /// Failed sign-ins per account and address.
    pub sign_in: http::throttle::SignInThrottle,
    pub queue: app::queue::SnapshotCache,
    pub keyring: std::sync::Arc<statreq_vault::Keyring>,
    /// Result files and attachments at rest, encrypted.
    pub files: app::files::FileStore,
    /// The bound on files moving in and out at once.
    pub transfers: app::files::Transfers,
    pub keys: auth::Keys,
    pub settings: Settings,
    /// Wakes the notification worker after a change.
    pub wake: tokio::sync::Notify,
    /// The dictionary, the catalog and delivered requests' profiles.
    pub reference: app::reference::ReferenceCache,
    /// Who created, edited or submitted a request, by version.
    pub authors: app::requests::AuthorsCache,
    /// Set on SIGTERM: `/readyz` answers 503 and background work stops.
    pub draining: std::sync::atomic::AtomicBool,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "statreq — DGPA personnel-data statistics service",
        description = "Apply for personnel statistics or detail records (提供人事資料統計服務), have them approved by the supervising agency's personnel office, reviewed and produced by DGPA, and delivered. Rule numbers cite DGPA's directions (e.g. rule 5.3). Errors are RFC 9457 problem+json with a stable `code`. State changes take `If-Match` with the request's `ETag`.",
        version = "1.24.1",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0")
    ),
    servers((url = "/", description = "The service that serves this document; the API is under `/api/v1`.")),
    modifiers(&BearerAuth),
    components(schemas(statreq_contract::Problem, statreq_contract::ProblemError)),
    tags(
        (name = "auth", description = "Sign-in and tokens"),
        (name = "requests", description = "Applications and their records"),
        (name = "lifecycle", description = "Transitions of rule 5"),
        (name = "queue", description = "DGPA's work queue and its published rule (rule 5.3)"),
        (name = "agencies", description = "The agency tree"),
        (name = "users", description = "Accounts"),
        (name = "dictionary", description = "Resume-record fields, their code tables, history and FAQ (rule 7)"),
        (name = "sources", description = "Existing sources to try before applying (rule 4)"),
        (name = "inquiries", description = "Field questions to DGPA, their answers and FAQ (rule 7), and the in-app inbox"),
        (name = "deliveries", description = "Result files, encrypted where they hold personal data (rules 5.3, 6)"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "stats", description = "Service statistics for DGPA"),
        (name = "calendar", description = "The government office calendar: days off, make-up workdays, working days"),
        (name = "webhooks", description = "Signed notifications of request events and field questions to integrating systems"),
        (name = "meta", description = "Health")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT, verified as RFC 8725 (JWT best current practices) asks: statreq's own access token \
                         (15 minutes by default, from `/auth/login`, `/auth/refresh` or `/auth/token`), or one a trusted issuer \
                         (WebHR) signs with the one algorithm configured for its key (EdDSA, ES256 or RS256). \
                         `alg: none`, HMAC with a public key and any other algorithm are refused; `iss`, `aud`, \
                         `exp` and `sub` are required and checked, `nbf` when present, with 30 s of leeway.",
                    ))
                    .build(),
            ),
        );
    }
}

fn configure_root(cfg: &mut ServiceConfig) {
    cfg.service(routes::meta::healthz).service(routes::meta::readyz).service(routes::meta::metrics);
}

/// The OpenAPI document, from the same registrations the server uses.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure_root)
        .service(scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    headers_are_never_null(&mut api);
    http::contract::declare(&mut api);
    http::contract::describe_answers(&mut api);
    http::contract::declare_webhooks(&mut api);
    http::contract::declare_examples(&mut api);
    http::contract::pages_refer_to_items(&mut api);
    http::contract::flattened_views_are_one_object(&mut api);
    http::contract::summaries_are_one_line(&mut api);
    strings_hold_no_disallowed_characters(api)
}

/// No text the service takes may hold U+0000 (no database stores it), another control
/// character but tab, line feed and carriage return, or a text-direction control
/// ([`statreq_domain::values::is_disallowed_char`]; the server refuses them in bodies,
/// queries and imports): every free-text string says so.
fn strings_hold_no_disallowed_characters(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    fn walk(s: &mut RefOr<Schema>) {
        let RefOr::T(schema) = s else { return };
        match schema {
            Schema::Object(o) => {
                let is_string = match &o.schema_type {
                    SchemaType::Type(t) => *t == Type::String,
                    SchemaType::Array(ts) => ts.contains(&Type::String),
                    SchemaType::AnyValue => false,
                };
                if is_string && o.format.is_none() && o.enum_values.is_none() && o.pattern.is_none() {
                    o.pattern = Some(r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$".into());
                }
                o.properties.values_mut().for_each(walk);
                if let Some(AdditionalProperties::RefOr(r)) = o.additional_properties.as_deref_mut() {
                    walk(r);
                }
            }
            Schema::Array(a) => {
                if let ArrayItems::RefOrSchema(items) = &mut a.items {
                    walk(items);
                }
            }
            Schema::OneOf(x) => x.items.iter_mut().for_each(walk),
            Schema::AllOf(x) => x.items.iter_mut().for_each(walk),
            Schema::AnyOf(x) => x.items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    if let Some(c) = api.components.as_mut() {
        c.schemas.values_mut().for_each(walk);
    }
    for op in operations_mut(&mut api) {
        // Headers are not text the service keeps: each says what it reads (an unknown
        // `Statreq-Refresh` is ignored), and HTTP itself keeps controls out of them.
        let text_parameters = op.parameters.iter_mut().flatten().filter(|p| p.parameter_in != utoipa::openapi::path::ParameterIn::Header);
        text_parameters.filter_map(|p| p.schema.as_mut()).for_each(walk);
        if let Some(body) = op.request_body.as_mut() {
            body.content.values_mut().filter_map(|c| c.schema.as_mut()).for_each(walk);
            // An import's CSV is never empty: no body at all is 400 `body_required`.
            if let Some(RefOr::T(Schema::Object(o))) = body.content.get_mut("text/csv").and_then(|c| c.schema.as_mut()) {
                o.min_length = Some(1);
            }
        }
    }
    api
}

/// Every operation of the document.
fn operations_mut(api: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    api.paths
        .paths
        .values_mut()
        .flat_map(|item| [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch])
        .flatten()
}

/// An optional header is absent or a string, never `null` (utoipa documents an
/// `Option` header as nullable, and clients would send the text `null`).
fn headers_are_never_null(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    for op in operations_mut(api) {
        for p in op.parameters.iter_mut().flatten().filter(|p| p.parameter_in == ParameterIn::Header) {
            if let Some(RefOr::T(Schema::Object(o))) = &mut p.schema {
                if let SchemaType::Array(types) = &o.schema_type {
                    let rest: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
                    if rest.len() == 1 {
                        o.schema_type = SchemaType::Type(rest[0].clone());
                    }
                }
            }
        }
    }
}

/// `openapi.yaml` as `just openapi` writes it.
pub fn openapi_yaml() -> anyhow::Result<String> {
    Ok(openapi_document().to_yaml()?)
}

/// What no handler could read right is refused before any: a query string not in UTF-8
/// or carrying a character no text may hold (U+0000 as `%00`, which no database stores,
/// another control or a text-direction control; no parameter needs one), and a body in
/// a content coding.
async fn refuse_unreadable_requests(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    // Parameters are read as UTF-8, anything else replaced by U+FFFD: a search sent in
    // Big5 would find nothing and say nothing.
    let refused = match percent_encoding::percent_decode_str(req.query_string()).decode_utf8() {
        Err(_) => Some(app::InputError::QueryNotUtf8),
        Ok(query) => statreq_domain::values::disallowed_char(&query).map(|ch| app::InputError::DisallowedCharacterInQuery { ch }),
    };
    if let Some(refused) = refused {
        return Ok(req.into_response(ApiError::from(refused).error_response()));
    }
    // Bodies are read as sent: a gzipped one would be misread, and one labelled `br`
    // but sent plain taken on trust. RFC 9110 §12.5.3: 415 with `Accept-Encoding`.
    if let Some(coding) = http::content_coding(req.headers()) {
        let mut res = ApiError::from(app::InputError::UnsupportedContentEncoding { coding }).error_response();
        let identity = actix_web::http::header::HeaderValue::from_static("identity");
        res.headers_mut().insert(actix_web::http::header::ACCEPT_ENCODING, identity);
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A running server (zero-to-production's startup shape: build, then run).
pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` without a token, on `--metrics-bind` (a private network).
    metrics_server: Option<Server>,
    state: web::Data<AppState>,
    /// The shared claim on the keys directory ([`statreq_vault::Keyring::claim`]).
    _keys_claim: statreq_vault::KeysClaim,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port), checks that the file store
    /// can be written and read (before anything is served or started in the
    /// background), and prepares the server.
    pub async fn build(mut settings: Settings, store: Store) -> anyhow::Result<Application> {
        let keys = auth::Keys::new(&settings)?;
        // Held for the server's life, before the keys are read: no rotation retires a
        // key this server still wraps with.
        let keys_claim = statreq_vault::Keyring::claim(&settings.keys_dir, false)?;
        let keyring = std::sync::Arc::new(statreq_vault::Keyring::open(&settings.keys_dir)?);
        let listener = TcpListener::bind(&settings.bind).map_err(|e| anyhow::anyhow!("cannot bind {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        // What was bound, not asked for (`:0` picks a port): the default base of links.
        settings.bind = listener.local_addr()?.to_string();
        let metrics_listener = match &settings.metrics_bind {
            Some(addr) => Some(TcpListener::bind(addr).map_err(|e| anyhow::anyhow!("cannot bind --metrics-bind {addr}: {e}"))?),
            None => None,
        };
        app::metrics::install();
        app::reference::seed(&store)?;
        let files = app::files::FileStore::from_settings(&settings, keyring.clone())?;
        files
            .check(std::time::Duration::from_secs(15))
            .await
            .map_err(|e| anyhow::anyhow!("--files-url (STATREQ_FILES_URL) {} is not usable: {e}", files.url()))?;
        let max_body = settings.max_body_bytes;
        let grace = settings.shutdown_grace.as_secs().max(1);
        let state = web::Data::new(AppState {
            store,
            agencies: Default::default(),
            principals: Default::default(),
            sign_in: Default::default(),
            outbound: std::sync::Arc::new(settings.outbound.clone()),
            queue: Default::default(),
            keyring,
            files,
            transfers: app::files::Transfers::new(settings.max_transfers, settings.max_transfers_per_account),
            keys,
            settings,
            wake: tokio::sync::Notify::new(),
            reference: Default::default(),
            authors: Default::default(),
            draining: Default::default(),
        });
        let metrics_state = state.clone();
        app::metrics::warn_of_little_space(&state);
        spawn_shredder(state.clone());
        if let Some(cp) = state.settings.checkpoints.clone() {
            spawn_checkpoints(state.clone(), app::checkpoint::AuditKey::load_or_create(&cp.key)?, cp);
        }
        worker::spawn(state.clone());
        actix_web::rt::spawn(app::queue::refresher(state.clone()));
        let doc = openapi_document();
        let methods = web::Data::new(http::methods::MethodTable::from_openapi(&doc));
        let origins = state.settings.cors_origins.clone();
        let public_url = state.settings.public_url.clone();
        let server = HttpServer::new(move || {
            let doc = doc.clone();
            let mut cors = actix_cors::Cors::default()
                .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers([
                    actix_web::http::header::AUTHORIZATION,
                    actix_web::http::header::CONTENT_TYPE,
                    actix_web::http::header::IF_MATCH,
                    actix_web::http::header::HeaderName::from_static("idempotency-key"),
                    actix_web::http::header::HeaderName::from_static("prefer"),
                ])
                .expose_headers([
                    actix_web::http::header::ETAG,
                    actix_web::http::header::LOCATION,
                    actix_web::http::header::CONTENT_DISPOSITION,
                    actix_web::http::header::RETRY_AFTER,
                    http::versioning::API_VERSION_HEADER,
                    actix_web::http::header::HeaderName::from_static("preference-applied"),
                    actix_web::http::header::HeaderName::from_static("idempotent-replayed"),
                ])
                .max_age(3600);
            for o in &origins {
                cors = cors.allowed_origin(o);
            }
            App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(methods.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
                // Before the /api/v1 scope, which would otherwise answer 404 for it.
                .map(|app| app.service(SwaggerUi::new("/docs/{_:.*}").url(http::methods::DOCUMENT, doc)))
                .configure(configure_root)
                .service(scope("/api/v1").wrap(http::security::api_headers()).configure(routes::configure))
                .into_app()
                .route(
                    "/docs",
                    web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish() }),
                )
                .default_service(web::get().to(http::spa::serve))
                .wrap(actix_web::middleware::from_fn(http::methods::method_not_allowed))
                .wrap(actix_web::middleware::from_fn(http::versioning::negotiate))
                .wrap(actix_web::middleware::from_fn(http::stall::cut_stalled_bodies))
                .wrap(actix_web::middleware::from_fn(refuse_unreadable_requests))
                .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
                .wrap(cors)
                // Again outside CORS, whose refusal of a preflight is plain text otherwise.
                .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
                .wrap(http::security::headers(public_url.as_deref()))
                .wrap(actix_web::middleware::from_fn(app::metrics::track))
                .wrap(actix_web::middleware::from_fn(http::methods::head_as_get))
                .wrap(tracing_actix_web::TracingLogger::default())
                .wrap(actix_web::middleware::from_fn(http::links::take_ticket))
        })
        // Signals are handled below: draining comes before the listener closes.
        .disable_signals()
        .shutdown_timeout(grace)
        .listen(listener)?
        .run();
        let metrics_server = match &metrics_listener {
            Some(listener) => {
                let state = metrics_state.clone();
                Some(
                    HttpServer::new(move || {
                        App::new().app_data(state.clone()).route("/metrics", web::get().to(routes::meta::metrics_open))
                    })
                    .disable_signals()
                    .workers(1)
                    .listen(listener.try_clone()?)?
                    .run(),
                )
            }
            None => None,
        };
        Ok(Application { port, server, metrics_server, state: metrics_state, _keys_claim: keys_claim })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The settings in force, for the log (no secret).
    pub fn in_force(&self) -> String {
        self.state.settings.in_force()
    }

    /// Serves until SIGTERM or SIGINT, then drains: `/readyz` answers 503 and the
    /// worker stops after its current job while requests are still served for
    /// `--drain-seconds` (a load balancer takes the instance out), then the listener
    /// closes and requests in flight (uploads, downloads) get `--shutdown-grace-seconds`
    /// to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let metrics = self.metrics_server.map(|m| (m.handle(), actix_web::rt::spawn(m)));
        let state = self.state.clone();
        actix_web::rt::spawn(async move {
            stopping_signal().await;
            tracing::info!(drain_seconds = state.settings.drain.as_secs(), "draining: /readyz answers 503, background work stops");
            state.draining.store(true, std::sync::atomic::Ordering::SeqCst);
            state.wake.notify_waiters();
            // A second signal (Ctrl-C again at a terminal) cuts the drain short.
            tokio::select! {
                _ = actix_web::rt::time::sleep(state.settings.drain) => {}
                _ = stopping_signal() => {}
            }
            tracing::info!("closing the listener; requests in flight may finish");
            handle.stop(true).await;
        });
        let served = self.server.await;
        if let Some((handle, task)) = metrics {
            handle.stop(true).await;
            let _ = task.await;
        }
        tracing::info!("stopped");
        served
    }
}

/// The first SIGTERM or SIGINT.
async fn stopping_signal() {
    use actix_web::rt::signal;
    match signal::unix::signal(signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = signal::ctrl_c().await;
        }
    }
}

/// Crypto-shreds result files whose download window has passed, now and then on
/// every `sweep_every`; removes their bodies after the keys are gone.
fn spawn_shredder(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(state.settings.sweep_every);
        loop {
            tick.tick().await;
            state.sign_in.forget_idle();
            let now = chrono::Utc::now();
            let cutoff = now - state.settings.download_window;
            match app::db(&state, move |s| s.shred_published_before(cutoff, now)).await {
                Ok(keys) => {
                    state.files.remove(keys.iter().map(String::as_str)).await;
                    if !keys.is_empty() {
                        tracing::info!(files = keys.len(), "shredded result files past their download window");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "shredding sweep failed; will retry"),
            }
            // The shred list holds every shredded file, also one whose listing a stop cut off.
            match app::db(&state, |s| s.shredded_storage_keys()).await {
                Ok(keys) => {
                    state.files.reconcile_shredded(keys).await;
                }
                Err(e) => tracing::warn!(error = %e, "reading shredded files failed; will retry"),
            }
        }
    });
}

/// Writes a signed audit checkpoint at start and then every `cp.every`.
fn spawn_checkpoints(state: web::Data<AppState>, key: app::checkpoint::AuditKey, cp: config::Checkpoints) {
    let key = std::sync::Arc::new(key);
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(cp.every);
        loop {
            tick.tick().await;
            let (key, dir) = (key.clone(), cp.dir.clone());
            let written = app::db(&state, move |s| {
                let note = key.checkpoint(s, chrono::Utc::now()).map_err(|e| statreq_store::StoreError::Invalid(e.to_string()))?;
                let (count, _) = s.audit_head()?;
                app::checkpoint::write_into(&dir, &note, count).map_err(|e| statreq_store::StoreError::Invalid(e.to_string()))
            })
            .await;
            match written {
                Ok(path) => tracing::debug!(path = %path.display(), "audit checkpoint written"),
                Err(e) => tracing::error!(error = %e, "writing the audit checkpoint failed; will retry"),
            }
        }
    });
}

/// Structured logs; `RUST_LOG` filters, `STATREQ_LOG_FORMAT=json` for JSON lines.
/// Colours only on a terminal: a file, a pipe or journald gets plain text.
pub fn init_tracing() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let mut directives = std::env::var("RUST_LOG").ok().filter(|f| !f.trim().is_empty()).unwrap_or_else(|| "info,actix_server=warn".into());
    // A request the HTTP layer cannot parse (a scanner's junk) is answered 400 and
    // logged by actix at ERROR: the client's fault, not the service's, so left out
    // unless the filter names `actix_http` itself.
    if !directives.contains("actix_http") {
        directives.push_str(",actix_http::h1::dispatcher=off");
    }
    let filter =
        EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn,actix_http::h1::dispatcher=off"));
    let json = std::env::var("STATREQ_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
