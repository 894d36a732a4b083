//! Hardening seen from outside: the headers every response carries, throttled
//! sign-in, sessions that end, outbound webhooks that cannot reach inside, and the
//! rights around personal-data files.

use statreq_e2e::statreq_client::Method;
use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn headers_of(url: &str) -> reqwest::header::HeaderMap {
    reqwest::get(url).await.unwrap_or_else(|e| panic!("{url}: {e}")).headers().clone()
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let server = TestServer::start(backend);
    for path in ["/", "/requests/1", "/api/v1/healthz", "/api/v1/requests", "/docs/", "/api/v1/openapi.json", "/api/v1/nowhere"] {
        let h = headers_of(&format!("{}{path}", server.base)).await;
        let csp = header(&h, "content-security-policy");
        let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_default();
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'", "{path}: {csp}");
        for directive in ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"] {
            assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&h, "referrer-policy"), "no-referrer", "{path}");
        // Served over plain HTTP: no HSTS (a browser would ignore it; nothing is pinned).
        assert!(h.get("strict-transport-security").is_none(), "{path}");
    }
    // No browser or proxy keeps a copy of what the API answers, signed in or not.
    let applicant = server.login("applicant.npa").await;
    let token = applicant.access_token().unwrap_or_default().to_string();
    let http = reqwest::Client::new();
    for path in ["/api/v1/requests", "/api/v1/me", "/api/v1/requests/999999", "/api/v1/healthz"] {
        let res = http.get(format!("{}{path}", server.base)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(header(res.headers(), "cache-control"), "no-store", "{path}: {}", res.status());
    }
    let res = http.get(format!("{}/api/v1/requests", server.base)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), header(res.headers(), "cache-control")), (401, "no-store"));
    // The documentation is not the API's data: the browser may keep it.
    assert_ne!(header(&headers_of(&format!("{}/docs/", server.base)).await, "cache-control"), "no-store");

    // The landing page (no SPA built) allows its one style sheet by hash only.
    let csp = header(&headers_of(&format!("{}/", server.base)).await, "content-security-policy").to_string();
    assert!(csp.contains("style-src 'self' 'sha256-"), "{csp}");

    // Published on HTTPS: HSTS on every response.
    let https = TestServer::start_with(backend, &["--public-url", "https://statreq.example.gov.tw"]);
    for path in ["/", "/api/v1/healthz"] {
        let h = headers_of(&format!("{}{path}", https.base)).await;
        assert!(header(&h, "strict-transport-security").starts_with("max-age=31536000"), "{path}: {h:?}");
    }
}

/// A plain HTTP client whose connections come from `source` (any 127.0.0.0/8
/// address works as a source on loopback), to stand for different clients.
fn from(source: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from(source)).build().unwrap()
}

/// A client at a loopback address of its own (127.0.0.`last`) that names itself `user_agent`.
pub(crate) fn client_at(last: u8, user_agent: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last])).user_agent(user_agent).build().unwrap()
}

/// The JSON a request answers (null when it is none).
pub(crate) async fn json_of(req: reqwest::RequestBuilder) -> serde_json::Value {
    req.send().await.unwrap().json().await.unwrap_or_default()
}

/// Spends a sign-in's refresh token (`tokens` as login or refresh answered) from `http`.
pub(crate) async fn refresh_from(http: &reqwest::Client, base: &str, tokens: &serde_json::Value) -> serde_json::Value {
    json_of(http.post(format!("{base}/api/v1/auth/refresh")).json(&serde_json::json!({"refresh_token": tokens["refresh_token"]}))).await
}

pub(crate) async fn login_from(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = http.post(format!("{base}/api/v1/auth/login")).json(&serde_json::json!({"username": username, "password": password}));
    if let Some(f) = forwarded {
        req = req.header("X-Forwarded-For", f);
    }
    req.send().await.unwrap()
}

async fn audit_actions(server: &TestServer, action: &str) -> Vec<serde_json::Value> {
    let admin = server.login("admin.dgpa").await;
    let page = admin.audit(&format!("action={action}&limit=200")).await.unwrap();
    page.items.into_iter().map(|e| serde_json::json!({"addr": e.client_addr, "actor": e.actor_id, "detail": e.detail})).collect()
}

async fn sign_in_is_throttled_without_locking_anyone_out(backend: Backend) {
    let server = TestServer::start(backend);
    let base = &server.base;
    let attacker = from([127, 0, 0, 7]);

    // A burst of wrong passwords for one account: throttled within 10 attempts,
    // with Retry-After and problem+json — even when each claims another X-Forwarded-For,
    // or writes the username in another case (sign-in takes it in any case).
    let mut throttled_at = None;
    for i in 1..=10 {
        let spoof = format!("203.0.113.{i}");
        let name = ["applicant.npa", "Applicant.npa", "APPLICANT.NPA", " applicant.npa"][i % 4];
        let res = login_from(&attacker, base, name, "wrong-password-123", Some(&spoof)).await;
        if res.status() == 429 {
            let retry: u64 = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
            assert!(retry >= 1, "Retry-After: {retry}");
            assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
            let p: serde_json::Value = res.json().await.unwrap();
            assert_eq!(p["code"], "too_many_attempts");
            throttled_at = Some(i);
            break;
        }
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    assert!(throttled_at.is_some(), "ten wrong passwords were never throttled");
    // Even the right password is refused from there for now …
    assert_eq!(login_from(&attacker, base, "applicant.npa", statreq_e2e::DEMO_PASSWORD, None).await.status(), 429);
    assert_eq!(login_from(&attacker, base, "Applicant.NPA", statreq_e2e::DEMO_PASSWORD, None).await.status(), 429);
    // … but the person, at another address, signs in (no lock-out by an attacker).
    let person = from([127, 0, 0, 8]);
    assert_eq!(login_from(&person, base, "applicant.npa", statreq_e2e::DEMO_PASSWORD, None).await.status(), 200);

    // A spray over many usernames from one address: throttled within 50.
    let sprayer = from([127, 0, 0, 9]);
    let mut sprayed = None;
    for i in 1..=50 {
        let res = login_from(&sprayer, base, &format!("guess{i}"), "Winter2026!!", None).await;
        if res.status() == 429 {
            sprayed = Some(i);
            break;
        }
        assert_eq!(res.status(), 401);
    }
    assert!(sprayed.is_some(), "a spray of 50 usernames was never throttled");
    assert_eq!(login_from(&sprayer, base, "officer1.dgpa", statreq_e2e::DEMO_PASSWORD, None).await.status(), 429);
    assert_eq!(login_from(&person, base, "officer1.dgpa", statreq_e2e::DEMO_PASSWORD, None).await.status(), 200);

    // The same spray sent all at once: the attempts take their turns at the password
    // hash (19 MiB each while it runs), and the failures of those before count for
    // those after, so about as many are checked as one after another would be (the
    // address's 30, and those already past the check when the 30th failed) and the
    // rest are refused unchecked. (All 80 had been checked, side by side.)
    let burst = &from([127, 0, 0, 11]);
    let statuses = futures_util::future::join_all(
        (1..=80).map(|i| async move { login_from(burst, base, &format!("burst{i}"), "Winter2026!!", None).await.status().as_u16() }),
    )
    .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    assert_eq!(checked + statuses.iter().filter(|s| **s == 429).count(), 80, "{statuses:?}");
    assert!(checked <= 30 + cores + 2, "{checked} of 80 checked at once: {statuses:?}");

    // Service tokens and refresh are throttled the same way.
    let mut token_throttled = false;
    for _ in 0..10 {
        let res = from([127, 0, 0, 10])
            .post(format!("{base}/api/v1/auth/token"))
            .json(
                &serde_json::json!({"grant_type": "client_credentials", "client_id": "webhr.service", "client_secret": "not-the-secret-1"}),
            )
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            token_throttled = true;
            break;
        }
    }
    assert!(token_throttled, "client credentials were never throttled");
    let mut refresh_throttled = false;
    for i in 0..50 {
        let res = from([127, 0, 0, 11])
            .post(format!("{base}/api/v1/auth/refresh"))
            .json(&serde_json::json!({"refresh_token": format!("made-up-{i}")}))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            refresh_throttled = true;
            break;
        }
    }
    assert!(refresh_throttled, "guessed refresh tokens were never throttled");

    // Every failure is in the audit trail with the username tried and the peer address
    // (the spoofed X-Forwarded-For is not believed from an untrusted peer).
    let failed = audit_actions(&server, "auth.sign_in_failed").await;
    assert!(failed.iter().any(|e| e["addr"] == "127.0.0.7" && e["detail"]["username"] == "applicant.npa"), "{failed:?}");
    assert!(!failed.iter().any(|e| e["addr"].as_str().is_some_and(|a| a.starts_with("203.0.113."))), "{failed:?}");
    let signed_in = audit_actions(&server, "auth.signed_in").await;
    assert!(signed_in.iter().any(|e| e["addr"] == "127.0.0.8"), "{signed_in:?}");
}

async fn a_trusted_proxy_names_the_client(backend: Backend) {
    let server = TestServer::start_with(backend, &["--trusted-proxies", "127.0.0.0/8"]);
    let proxy = from([127, 0, 0, 5]);
    // The proxy appends the peer it saw; the client's own (forged) entries come first.
    let res = login_from(&proxy, &server.base, "applicant.npa", statreq_e2e::DEMO_PASSWORD, Some("198.51.100.1, 192.0.2.44")).await;
    assert_eq!(res.status(), 200);
    let signed_in = audit_actions(&server, "auth.signed_in").await;
    assert!(signed_in.iter().any(|e| e["addr"] == "192.0.2.44"), "{signed_in:?}");
    assert!(!signed_in.iter().any(|e| e["addr"] == "198.51.100.1"), "{signed_in:?}");
}

/// One's own sessions: listed, one ended from another device, then all of them;
/// nobody ends another account's session; every end is audited.
async fn people_see_and_end_their_own_sessions(backend: Backend) {
    let server = TestServer::start(backend);
    let mut a = server.login("applicant.npa").await;
    let mut b = server.login("applicant.npa").await;
    let other = server.login("applicant.tpedu").await;
    let status = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.status());
    let mine = a.sessions().await.unwrap();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(mine.iter().all(|s| !s.current && s.expires_at > s.started_at), "{mine:?}");
    assert_eq!(other.sessions().await.unwrap().len(), 1, "only one's own");

    // Each says where its last token went, to tell them apart: the browser and address.
    let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    let desk = client_at(7, chrome);
    let signed: serde_json::Value =
        login_from(&desk, &server.base, "supervisor.moi", statreq_e2e::DEMO_PASSWORD, None).await.json().await.unwrap_or_default();
    let sessions = |tokens: &serde_json::Value| {
        desk.get(format!("{}/api/v1/auth/sessions", server.base))
            .bearer_auth(tokens["access_token"].as_str().unwrap_or_default().to_string())
    };
    let listed = json_of(sessions(&signed)).await;
    let items = listed["items"].as_array().cloned().unwrap_or_default();
    let from_desk = items.iter().find(|s| s["user_agent"] == chrome);
    assert_eq!(from_desk.map(|s| s["client_addr"].clone()), Some(serde_json::json!("127.0.0.7")), "{listed}");
    assert_eq!(items.len(), 1, "{listed}");
    // Where it began is said apart from where it was last used: the same, so far; once its
    // refresh token is used from another browser and address (carried off, say), both show.
    let began = |s: &serde_json::Value| (s["started_user_agent"].clone(), s["started_client_addr"].clone());
    assert_eq!(from_desk.map(began), Some((serde_json::json!(chrome), serde_json::json!("127.0.0.7"))), "{listed}");
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let refreshed = refresh_from(&client_at(9, firefox), &server.base, &signed).await;
    let listed = json_of(sessions(&refreshed)).await;
    let session = &listed["items"][0];
    assert_eq!(
        (&session["user_agent"], &session["client_addr"]),
        (&serde_json::json!(firefox), &serde_json::json!("127.0.0.9")),
        "{listed}"
    );
    assert_eq!(began(session), (serde_json::json!(chrome), serde_json::json!("127.0.0.7")), "{listed}");

    // Refusals end nothing: another account's session, an unknown or over-long id.
    assert_eq!(status(other.end_session(&mine[0].id).await.err()), Some(404));
    assert_eq!(status(a.end_session("no-such-session").await.err()), Some(404));
    assert_eq!(status(a.end_session(&"x".repeat(65)).await.err()), Some(404));
    assert_eq!(a.sessions().await.unwrap().len(), 2);

    // One ended: exactly one of the two devices can no longer refresh.
    a.end_session(&mine[0].id).await.unwrap();
    assert_eq!(a.sessions().await.unwrap().len(), 1);
    let (ra, rb) = (a.refresh().await.is_ok(), b.refresh().await.is_ok());
    assert!(ra ^ rb, "one session ended, one goes on: {ra} {rb}");
    let ended = audit_actions(&server, "auth.session_ended").await;
    assert_eq!(ended.len(), 1, "{ended:?}");

    // Everywhere: nothing of this account refreshes any more; the other account is untouched.
    let survivor = if ra { &mut a } else { &mut b };
    let out = survivor.sign_out_everywhere().await.unwrap();
    assert_eq!(out.sessions, 1);
    assert_eq!(status(survivor.refresh().await.err()), Some(401));
    assert!(other.sessions().await.unwrap().len() == 1);
    assert_eq!(audit_actions(&server, "auth.signed_out_everywhere").await.len(), 1);
}

async fn sessions_end_on_logout_password_reset_and_disabling(backend: Backend) {
    use statreq_e2e::statreq_contract::{UpdateAgencyBody, UpdateUserBody};
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let me = |c: &statreq_e2e::statreq_client::Client| c.refresh_token().map(String::from);

    // Logout revokes that sign-in: its refresh token no longer works; another sign-in does.
    let mut a = server.login("applicant.npa").await;
    let mut b = server.login("applicant.npa").await;
    let a_token = me(&a);
    a.logout().await.unwrap();
    let mut replay = server.client();
    replay.set_refresh_token(a_token.clone());
    let err = replay.refresh().await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_refresh_token"), "{err:?}");
    b.refresh().await.unwrap();
    // No token at all: sign-out has nothing to end (204) and ends nothing; refresh is 401.
    let signed_outs = audit_actions(&server, "auth.signed_out").await.len();
    let (status, _) = server.client().raw(Method::POST, "/auth/logout", "application/json", Vec::new(), None).await.unwrap();
    assert_eq!(status, 204);
    let (status, p) = server.client().raw(Method::POST, "/auth/refresh", "application/json", Vec::new(), None).await.unwrap();
    assert_eq!((status, p["code"].as_str()), (401, Some("invalid_refresh_token")), "{p}");
    assert_eq!(audit_actions(&server, "auth.signed_out").await.len(), signed_outs);
    b.refresh().await.unwrap();

    // An administrator's password reset signs every session of that user out, audited.
    let user = b.me().await.unwrap().id;
    let reset = UpdateUserBody { password: Some("a-new-long-password-2026".into()), ..Default::default() };
    admin.update_user(user, &reset, None).await.unwrap();
    let err = b.refresh().await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(401), "{err:?}");

    // Disabling an account does too, and its access token stops working at once.
    let mut c = server.login("supervisor.moi").await;
    let sup = c.me().await.unwrap().id;
    admin.update_user(sup, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    assert_eq!(c.me().await.err().and_then(|e| e.status()), Some(401));
    assert_eq!(c.refresh().await.err().and_then(|e| e.status()), Some(401));

    // Account and agency changes are in the audit trail, with who and what (never a password).
    admin.update_agency("NPA", &UpdateAgencyBody { personnel_staff: Some(90), ..Default::default() }, None).await.unwrap();
    let updated = audit_actions(&server, "user.updated").await;
    let admin_id = admin.me().await.unwrap().id;
    assert!(
        updated.iter().any(|e| e["actor"] == admin_id && e["detail"]["user"] == user && e["detail"]["changed"]["password"] == "reset"),
        "{updated:?}"
    );
    assert!(updated.iter().any(|e| e["detail"]["user"] == sup && e["detail"]["changed"]["active"]["to"] == false), "{updated:?}");
    assert!(!serde_json::to_string(&updated).unwrap_or_default().contains("a-new-long-password"), "a password reached the audit trail");
    let agency = audit_actions(&server, "agency.updated").await;
    assert!(agency.iter().any(|e| e["detail"]["agency"] == "NPA" && e["detail"]["to"]["personnel_staff"] == 90), "{agency:?}");
    assert!(!audit_actions(&server, "auth.signed_out").await.is_empty());

    // A browser's sign-in: the refresh token only in an HttpOnly, SameSite=Strict cookie.
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}/api/v1/auth/{p}", server.base);
    let creds = serde_json::json!({"username": "applicant.tpedu", "password": statreq_e2e::DEMO_PASSWORD});
    let res = http.post(url("login")).header("Statreq-Refresh", "cookie").json(&creds).send().await.unwrap();
    let set = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(
        set.starts_with("statreq_refresh=")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Strict")
            && set.contains("Path=/api/v1/auth"),
        "{set}"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["refresh_token"].is_null() && body["access_token"].is_string(), "{body}");
    let cookie = set.split(';').next().unwrap_or_default().to_string();
    // A cross-site form post carries the cookie but cannot add the header: the cookie is not used.
    let forged = http
        .post(url("refresh"))
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("a=b")
        .send()
        .await
        .unwrap();
    assert!(forged.status().is_client_error() && forged.status() != 200, "{}", forged.status());
    // A page of another origin cannot even ask to send the header (no CORS preflight passes).
    let preflight = http
        .request(reqwest::Method::OPTIONS, url("refresh"))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "statreq-refresh")
        .send()
        .await
        .unwrap();
    assert!(preflight.headers().get("access-control-allow-origin").is_none(), "{:?}", preflight.headers());
    let ok = http.post(url("refresh")).header("Cookie", &cookie).header("Statreq-Refresh", "cookie").send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(!audit_actions(&server, "user.created").await.is_empty(), "the demo accounts' creation");
}

/// A service account that may subscribe to webhooks, on the server at `base`.
async fn service_at(base: &str, username: &str) -> statreq_e2e::statreq_client::Client {
    use statreq_e2e::statreq_contract::{CreateUserBody, Role};
    let mut admin = statreq_e2e::statreq_client::Client::new(base);
    admin.login("admin.dgpa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    let secret = "service-secret-2026-xyz";
    let body = CreateUserBody {
        username: username.into(),
        display_name: "WebHR".into(),
        email: String::new(),
        agency_code: "NPA".into(),
        roles: vec![Role::Service, Role::Applicant],
        password: secret.into(),
    };
    admin.create_user(&body).await.unwrap();
    let mut c = statreq_e2e::statreq_client::Client::new(base);
    c.client_credentials(username, secret).await.unwrap();
    c
}

async fn webhooks_never_reach_inside(backend: Backend) {
    use statreq_e2e::statreq_contract::WebhookBody;
    // The default policy (loopback-only for the test, and no exception named).
    let mut server = TestServer::start(backend);
    let strict = TestServer::start_exactly(backend, &["--demo-accounts-only", "--outbound-loopback-only"]);
    let hooks = service_at(&strict.base, "webhr.strict").await;
    let hook = |url: &str| WebhookBody { url: url.into(), events: vec!["*".into()], description: None };
    for url in [
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/hook",
        "https://10.0.0.8/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.20/hook",
        "https://100.64.0.1/hook",
        "https://[fd12:3456::1]/hook",
        "https://224.0.0.251/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://0.0.0.0/hook",
        "http://203.0.113.5/hook",
        "https://user:pw@hooks.example.gov.tw/hook",
    ] {
        let err = hooks.create_webhook(&hook(url)).await.err();
        assert_eq!(
            (err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())),
            (Some(422), Some("invalid_webhook_url")),
            "{url}"
        );
        // Said in each language whole: no English sentence inside the zh-TW message.
        let message = err.as_ref().and_then(|e| e.problem()).map(|p| p.message.clone()).unwrap_or_else(|| panic!("{url}"));
        let english: Vec<&str> = message
            .zh_tw
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() > 2 && !w.chars().all(|c| c.is_ascii_hexdigit()))
            .filter(|w| !["http", "https", "webhook", "allow", "hosts"].contains(w))
            .collect();
        assert!(english.is_empty(), "{url}: {english:?} in {}", message.zh_tw);
        assert!(!message.en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{url}: {}", message.en);
    }
    assert!(hooks.list_webhooks().await.unwrap().is_empty());

    // Registered while allowed (the harness names 127.0.0.1 and localhost) …
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(0).await;
    let port = receiver.url.rsplit(':').next().unwrap_or_default().to_string();
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    let webhr = service_at(&server.base, "webhr.npa").await;
    let literal_hook = webhr.create_webhook(&hook(&receiver.url)).await.unwrap().webhook.id;
    let name_hook = webhr.create_webhook(&hook(&by_name)).await.unwrap().webhook.id;
    assert!(!port.is_empty());
    drop(strict);
    server.stop();
    // … then sent by an instance that no longer allows them: every connection is
    // checked (the address in the URL, and every address a name resolves to).
    let now_strict = server.another_instance_exactly(&[
        "--outbound-loopback-only",
        "--retry-base-ms",
        "100",
        "--worker-poll-ms",
        "100",
        "--max-attempts",
        "1",
    ]);
    let mut webhr = statreq_e2e::statreq_client::Client::new(&now_strict.base);
    webhr.client_credentials("webhr.npa", "service-secret-2026-xyz").await.unwrap();
    let mut applicant = statreq_e2e::statreq_client::Client::new(&now_strict.base);
    applicant.login("applicant.npa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    applicant.create_request(&crate::common::statistics()).await.unwrap();
    for id in [literal_hook, name_hook] {
        let mut log = webhr.webhook_deliveries(id, None).await.unwrap();
        for _ in 0..100 {
            if log.items.iter().any(|d| d.last_error.is_some()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            log = webhr.webhook_deliveries(id, None).await.unwrap();
        }
        let errors: Vec<Option<String>> = log.items.iter().map(|d| d.last_error.clone()).collect();
        assert_eq!(errors, vec![Some("destination_forbidden".to_string())], "hook {id}: the log names a class, not a connection error");
    }
    assert!(receiver.received().is_empty(), "nothing reached the receiver: {:?}", receiver.received());
}

async fn only_officers_of_dgpa_open_personal_files(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    let server = TestServer::start(backend);
    let w = crate::common::Scenario::new(&server).await;
    let personal = w.in_state(&crate::common::detail(), State::Delivered, 2).await.id;
    let plain = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let plain_file = w.officer.upload_delivery(plain, "統計表.csv", "機關,人數\nNPA,85\n".as_bytes().to_vec()).await.unwrap().id;
    w.officer.deliver(plain, None, "統計表如附件").await.unwrap();
    let personal_file = w.officer.deliveries(personal).await.unwrap().files[0].id;

    // An administrator alone: refused the personal file and its passphrase (403), audited.
    let admin = server.login("admin.dgpa").await;
    let err = admin.download_delivery(personal, personal_file).await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(403), Some("role_required")));
    assert_eq!(admin.reveal_passphrase(personal, personal_file).await.err().and_then(|e| e.status()), Some(403));
    let refused = admin.audit("action=delivery.download_refused").await.unwrap();
    assert_eq!(refused.items.len(), 1, "{:?}", refused.items);
    // Files without personal data, and officers and the applying office, as before.
    assert!(admin.download_delivery(plain, plain_file).await.is_ok());
    assert!(w.officer.download_delivery(personal, personal_file).await.is_ok());
    assert!(w.officer.reveal_passphrase(personal, personal_file).await.is_ok());
    assert!(w.applicant.download_delivery(personal, personal_file).await.is_ok());
}

/// `statreq <args>` on a server's database; (exit code, stdout + stderr).
fn statreq_cli(server: &TestServer, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(statreq_e2e::binary())
        .arg("--data-dir")
        .arg(server.db.data_dir())
        .arg("--database-url")
        .arg(&server.db.url)
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Recomputes the chain from entry `from` on after changing its detail, as an insider
/// with write access to the database could: the chain alone then verifies.
fn rewrite_from(store: &statreq_e2e::statreq_store::Store, from: i64) {
    use statreq_e2e::statreq_store::{audit::entry_hash, AuditFilter};
    let mut entries = store.list_audit(&AuditFilter { limit: 10_000, ..Default::default() }).unwrap();
    entries.sort_by_key(|e| e.id);
    let mut prev = entries.iter().find(|e| e.id == from - 1).map(|e| e.hash.clone()).unwrap();
    for e in entries.iter().filter(|e| e.id >= from) {
        let detail = if e.id == from { r#"{"rewritten":true}"#.to_string() } else { e.detail.clone() };
        let at = e.at;
        let hash =
            entry_hash(e.id, at, e.actor_id, e.actor_agency.as_deref(), &e.action, e.request_id, &detail, e.client_addr.as_deref(), &prev);
        store
            .batch_execute(&format!("UPDATE audit_log SET detail = '{detail}', prev_hash = '{prev}', hash = '{hash}' WHERE id = {}", e.id))
            .unwrap();
        prev = hash;
    }
    store.batch_execute(&format!("UPDATE audit_head SET last_hash = '{prev}'")).unwrap();
}

/// Administrators search the trail by day and check the chain from the browser's API;
/// an edited entry shows where the chain breaks.
async fn the_audit_trail_is_searched_by_day_and_verified_online(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let officer = server.login("officer1.dgpa").await;
    let status = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.status());
    assert_eq!(status(officer.verify_audit().await.err()), Some(403));
    let ok = admin.verify_audit().await.unwrap();
    assert!(ok.intact && ok.entries > 0 && ok.broken_at.is_none(), "{ok:?}");
    let verified = admin.audit("action=audit.verified").await.unwrap().items;
    assert_eq!(verified.len(), 1, "the check is itself audited");
    // Each entry names its actor's account as it is now (the entry keeps the id).
    let actor = verified[0].actor.clone().map(|a| (a.username, a.display_name));
    assert_eq!(actor, Some(("admin.dgpa".to_string(), "吳美玲（人事總處管理者）".to_string())));
    let by_officer = admin.audit(&format!("actor_id={}", officer.me().await.unwrap().id)).await.unwrap().items;
    assert!(
        !by_officer.is_empty() && by_officer.iter().all(|e| e.actor.as_ref().map(|a| a.username.as_str()) == Some("officer1.dgpa")),
        "{by_officer:?}"
    );
    assert!(admin.audit("limit=200").await.unwrap().items.iter().filter(|e| e.actor_id.is_none()).all(|e| e.actor.is_none()));

    // By day, Taiwan time: today has entries, tomorrow none; a malformed day is refused.
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    let tomorrow = today.succ_opt().unwrap();
    assert!(!admin.audit(&format!("from={today}&to={today}")).await.unwrap().items.is_empty());
    assert!(admin.audit(&format!("from={tomorrow}")).await.unwrap().items.is_empty());
    assert!(admin.audit(&format!("to={}", today.pred_opt().unwrap())).await.unwrap().items.is_empty());
    assert_eq!(status(admin.audit("from=2026-13-40").await.err()), Some(400));
    assert_eq!(status(admin.audit(&format!("action={}", "a".repeat(101))).await.err()), Some(400), "longer than the contract's 100");

    // Who wrote a request and what they changed is in the trail, from where they wrote it.
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&crate::common::statistics()).await.unwrap();
    let patch =
        statreq_e2e::statreq_domain::ApplicationPatch { reason: Some("研議人力配置（修正）".into()), ..Default::default() };
    applicant.update_request(r.id, r.version, &patch).await.unwrap();
    let mine = admin.audit(&format!("request_id={}", r.id)).await.unwrap().items;
    let seen: Vec<(&str, Option<&str>)> = mine.iter().map(|e| (e.action.as_str(), e.client_addr.as_deref())).collect();
    assert_eq!(seen, vec![("request.edited", Some("127.0.0.1")), ("request.created", Some("127.0.0.1"))]);
    assert_eq!(mine[0].detail["changed"], serde_json::json!(["/reason"]), "{:?}", mine[0].detail);
    assert_eq!(mine[1].actor.as_ref().map(|a| a.username.as_str()), Some("applicant.npa"));
    // A group's every action at once (`auth.*`): sign-ins and the rest, nothing else.
    let auth = admin.audit("action=auth.*&limit=200").await.unwrap().items;
    assert!(auth.iter().any(|e| e.action == "auth.signed_in") && auth.iter().all(|e| e.action.starts_with("auth.")), "{auth:?}");
    let requests = admin.audit(&format!("action=request.*&request_id={}", r.id)).await.unwrap().items;
    assert_eq!(requests.len(), 2);
    assert!(admin.audit("action=req_est.*").await.unwrap().items.is_empty(), "an underscore is no wildcard");

    // An entry edited behind the service's back: the check names it.
    let store = statreq_e2e::statreq_store::Store::open(&server.db.url).unwrap();
    store.batch_execute("UPDATE audit_log SET detail = '{\"edited\":true}' WHERE id = 2").unwrap();
    let broken = admin.verify_audit().await.unwrap();
    assert_eq!((broken.intact, broken.broken_at), (false, Some(2)), "{broken:?}");
}

/// Administrators export the trail they select as CSV, for an inspection or a record
/// kept outside: the same entries as the list, Excel-readable, each with its hashes;
/// the export is itself audited; more than an export holds is refused, not cut short.
async fn the_audit_trail_is_exported_as_csv(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let officer = server.login("officer1.dgpa").await;
    let status = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.status());
    for c in [&officer, &server.login("applicant.npa").await] {
        assert_eq!(status(c.audit_csv("").await.err()), Some(403));
    }
    let listed = admin.audit("action=auth.signed_in&limit=200").await.unwrap().items;
    assert!(listed.len() >= 3, "{listed:?}");
    let csv = admin.audit_csv("action=auth.signed_in").await.unwrap();
    let body = csv.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("a byte-order mark for Excel: {csv}"));
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "id,at,at_taiwan,actor_id,actor_username,actor_name,actor_agency,action,request_id,client_addr,detail,prev_hash,hash,action_zh_tw,action_en"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        rows.iter().map(|r| r[0].parse::<i64>().unwrap_or_default()).collect::<Vec<_>>(),
        listed.iter().map(|e| e.id).collect::<Vec<_>>()
    );
    let (first, entry) = (&rows[0], &listed[0]);
    assert_eq!(
        (&first[4], &first[7], &first[12]),
        (entry.actor.as_ref().map(|a| a.username.as_str()).unwrap_or(""), "auth.signed_in", entry.hash.as_str())
    );
    assert_eq!(serde_json::from_str::<serde_json::Value>(&first[10]).unwrap(), entry.detail, "detail as JSON");
    assert_eq!((&first[13], &first[14]), ("登入", "signed in"), "the action in words");
    let taiwan = entry.at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m-%d %H:%M:%S").to_string();
    assert_eq!(&first[2], taiwan.as_str());
    // A page of it; the export recorded with what it selected (a HEAD exports nothing).
    assert_eq!(admin.audit_csv("limit=1").await.unwrap().lines().count(), 2);
    let head = reqwest::Client::new()
        .head(format!("{}/api/v1/audit.csv", server.base))
        .bearer_auth(admin.access_token().unwrap_or_default())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (head.status().as_u16(), head.headers().get("content-type").and_then(|v| v.to_str().ok())),
        (200, Some("text/csv; charset=utf-8"))
    );
    let exported = admin.audit("action=audit.exported").await.unwrap().items;
    assert_eq!(exported.len(), 2, "{exported:?}");
    assert_eq!(
        (exported[1].detail["action"].as_str(), exported[1].detail["entries"].as_u64()),
        (Some("auth.signed_in"), Some(rows.len() as u64))
    );
    for (query, code) in [("from=115-12-01", "invalid_query"), ("colour=red", "invalid_query"), ("limit=201", "invalid_limit")] {
        let e = admin.audit_csv(query).await.err();
        assert_eq!(e.as_ref().and_then(|e| e.code()), Some(code), "{query}: {e:?}");
    }
    // More entries than an export holds: refused, saying how to narrow it; a page still reads.
    let store = statreq_e2e::statreq_store::Store::open(&server.db.url).unwrap();
    store
        .batch_execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50001) \
             INSERT INTO audit_log (id, at, actor_id, actor_agency, action, request_id, detail, client_addr, prev_hash, hash) \
             SELECT (SELECT last_id FROM audit_head WHERE id = 1) + i, CURRENT_TIMESTAMP, NULL, NULL, 'test.filler', NULL, '{}', NULL, '', '' FROM n; \
             UPDATE audit_head SET last_id = last_id + 50001 WHERE id = 1;",
        )
        .unwrap();
    let e = admin.audit_csv("action=test.filler").await.err();
    assert_eq!((e.as_ref().and_then(|e| e.status()), e.as_ref().and_then(|e| e.code())), (Some(422), Some("export_too_large")), "{e:?}");
    assert!(e.as_ref().is_some_and(|e| e.problem().is_some_and(|p| p.message.zh_tw.contains("50000 筆"))), "{e:?}");
    assert_eq!(admin.audit_csv("action=test.filler&limit=200").await.unwrap().lines().count(), 201);
}

async fn signed_checkpoints_catch_truncation_and_rewrites(backend: Backend) {
    let keys = statreq_e2e::TempPath::dir("audit-key");
    let key = keys.join("audit.key");
    let dir = keys.join("checkpoints");
    let (key_s, dir_s) = (key.to_str().unwrap_or_default().to_string(), dir.to_str().unwrap_or_default().to_string());
    let mut server = TestServer::start_with(backend, &["--audit-key", &key_s, "--checkpoint-dir", &dir_s, "--checkpoint-seconds", "1"]);

    // The server writes checkpoints on its own; the key is private and not in the data dir.
    for _ in 0..100 {
        if dir.join("latest.txt").is_file() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let latest = std::fs::read_to_string(dir.join("latest.txt")).unwrap();
    assert!(latest.starts_with("statreq-audit\n") && latest.contains("\n\n— statreq-audit "), "{latest}");
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let verifier = format!("{key_s}.pub");

    let applicant = server.login("applicant.npa").await;
    applicant.create_request(&crate::common::statistics()).await.unwrap();
    let cp = keys.join("cp.txt");
    let cp_s = cp.to_str().unwrap_or_default().to_string();
    let (code, out) = statreq_cli(&server, &["audit", "checkpoint", "--audit-key", &key_s, "--out", &cp_s]);
    assert_eq!(code, 0, "{out}");
    // Later entries extend it; both the key and its .pub verify it.
    applicant.create_request(&crate::common::statistics()).await.unwrap();
    for by in [["--audit-key", key_s.as_str()], ["--verifier", verifier.as_str()]] {
        let (code, out) = statreq_cli(&server, &["audit", "verify", "--checkpoint", &cp_s, by[0], by[1]]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("extends the signed checkpoint"), "{out}");
    }
    let count: i64 = std::fs::read_to_string(&cp).unwrap().lines().nth(1).and_then(|l| l.parse().ok()).unwrap();

    // A forged checkpoint (its count edited) is refused: the signature no longer verifies.
    let forged = keys.join("forged.txt");
    let text = std::fs::read_to_string(&cp).unwrap().replacen(&format!("\n{count}\n"), &format!("\n{}\n", count + 1), 1);
    std::fs::write(&forged, text).unwrap();
    let (code, out) =
        statreq_cli(&server, &["audit", "verify", "--checkpoint", forged.to_str().unwrap_or_default(), "--audit-key", &key_s]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REFUSED: the signature does not verify: invalid signature for key statreq-audit+"), "{out}");
    // A file that is no checkpoint, or a verifier that is no key, is named so in words.
    let (code, out) = statreq_cli(&server, &["audit", "verify", "--checkpoint", &key_s, "--verifier", &verifier]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REFUSED: not a signed note (malformed note): a checkpoint is a file `statreq audit checkpoint`"), "{out}");
    let (code, out) = statreq_cli(&server, &["audit", "verify", "--checkpoint", &cp_s, "--verifier", &cp_s]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the verifier key does not parse (malformed verifier key): give the FILE.pub"), "{out}");

    server.stop();
    let store = statreq_e2e::statreq_store::Store::open(&server.db.url).unwrap();
    // An insider edits an entry the checkpoint covers and recomputes the chain after it:
    // the chain alone verifies, the checkpoint does not.
    rewrite_from(&store, count - 1);
    let (code, out) = statreq_cli(&server, &["audit", "verify"]);
    assert_eq!(code, 0, "the rewritten chain is consistent in itself: {out}");
    let (code, out) = statreq_cli(&server, &["audit", "verify", "--checkpoint", &cp_s, "--audit-key", &key_s]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("rewritten"), "{out}");

    // Truncation to before the checkpoint, with the head moved back to match.
    let keep = count - 2;
    let head = store.audit_hash_of(keep).unwrap().unwrap();
    store.batch_execute(&format!("DELETE FROM audit_log WHERE id > {keep}")).unwrap();
    store.batch_execute(&format!("UPDATE audit_head SET last_id = {keep}, last_hash = '{head}'")).unwrap();
    let (code, out) = statreq_cli(&server, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = statreq_cli(&server, &["audit", "verify", "--checkpoint", &cp_s, "--audit-key", &key_s]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("truncated"), "{out}");
}

/// Uploading a personal-data file while another officer delivers: whichever wins,
/// no unapproved file is ever published, and a refused upload leaves no row.
async fn an_upload_racing_the_delivery_never_publishes_an_unapproved_file(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    let server = TestServer::start(backend);
    let w = crate::common::Scenario::new(&server).await;
    let mut outcomes = std::collections::BTreeSet::new();
    for round in 0..6 {
        // In production with one approved file.
        let id = w.in_state(&crate::common::detail(), State::InProduction, 2).await.id;
        let first = w.officer.upload_delivery(id, "名冊.csv", "姓名\n王大明\n".as_bytes().to_vec()).await.unwrap();
        w.officer2.approve_delivery(id, first.id).await.unwrap();
        let late = vec![b'x'; 64 * 1024 * (round + 1)];
        let (upload, deliver) = tokio::join!(w.officer.upload_delivery(id, "補充.csv", late), w.officer2.deliver(id, None, "如附件"));
        let r = w.applicant.get_request(id).await.unwrap();
        let published = w.applicant.deliveries(id).await.map(|m| m.files).unwrap_or_default();
        let all = w.officer.deliveries(id).await.unwrap().files;
        match (&upload, &deliver) {
            (Ok(_), Err(e)) => {
                // The upload came first: the delivery is refused for its unapproved file.
                assert_eq!(e.code(), Some("files_not_approved"), "{e}");
                assert_eq!(r.state, State::InProduction);
                outcomes.insert("upload first");
            }
            (Err(e), Ok(_)) => {
                // The delivery came first: the upload is refused and leaves nothing.
                assert_eq!(e.code(), Some("invalid_state"), "{e}");
                assert_eq!(all.len(), 1, "a refused upload left a row");
                outcomes.insert("delivery first");
            }
            other => panic!("round {round}: both or neither succeeded: {other:?}"),
        }
        assert!(published.iter().all(|f| f.approved_by.is_some()), "an unapproved file was published: {published:?}");
    }
    eprintln!("interleavings seen: {outcomes:?}");
}

async fn roles_and_agencies_stay_where_they_belong(backend: Backend) {
    use statreq_e2e::statreq_contract::{CreateUserBody, Role, UpdateUserBody};
    use statreq_e2e::webhr::{claims, issuers_file_with, token};
    let issuers =
        issuers_file_with(serde_json::json!({"allowed_agencies": ["MOI"], "allowed_roles": ["applicant", "supervisor", "dgpa_officer"]}));
    let server = TestServer::start_with(backend, &["--trusted-issuers", &issuers]);
    let admin = server.login("admin.dgpa").await;

    // DGPA's roles only for DGPA's accounts: refused on create and on change.
    let body = CreateUserBody {
        username: "npa.officer".into(),
        display_name: "x".into(),
        email: String::new(),
        agency_code: "NPA".into(),
        roles: vec![Role::DgpaOfficer],
        password: "a-long-password-2026".into(),
    };
    let err = admin.create_user(&body).await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(422), Some("role_needs_dgpa")));
    let officer = server.login("officer1.dgpa").await.me().await.unwrap();
    let err = admin.update_user(officer.id, &UpdateUserBody { agency_code: Some("NPA".into()), ..Default::default() }, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("role_needs_dgpa"), "moving a DGPA officer out of DGPA");

    // The issuer speaks for MOI and below only; DGPA roles in its tokens act nowhere else.
    let webhr = |sub: &str, agency: &str, roles: &[&str]| server.client().with_token(token(claims(sub, agency, roles)));
    let npa = webhr("u-npa", "NPA", &["supervisor", "dgpa_officer"]).me().await.unwrap();
    assert_eq!(npa.roles, vec![Role::Supervisor], "the DGPA role is ignored outside DGPA");
    let err = webhr("u-tpe", "TPEDU", &["applicant"]).me().await.err();
    assert_eq!(
        (err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())),
        (Some(403), Some("agency_not_allowed_for_issuer"))
    );

    // An administrator's role change to a provisioned account sticks across tokens.
    admin.update_user(npa.id, &UpdateUserBody { roles: Some(vec![Role::Applicant]), ..Default::default() }, None).await.unwrap();
    let again = webhr("u-npa", "NPA", &["supervisor"]);
    let mut roles = None;
    for _ in 0..80 {
        // The caller cache holds a resolved account for a few seconds.
        roles = again.me().await.ok().map(|m| m.roles);
        if roles == Some(vec![Role::Applicant]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(roles, Some(vec![Role::Applicant]));
    let provisioned = admin.audit("action=user.provisioned").await.unwrap();
    assert!(provisioned.items.iter().any(|e| e.detail["user"] == npa.id), "{:?}", provisioned.items);
}

async fn caps_hold_under_concurrency(backend: Backend) {
    // Twelve uploads by one account at once: more than its usual share of transfers.
    let server = TestServer::start_with(backend, &["--max-transfers-per-account", "12"]);
    let applicant = server.login("applicant.npa").await;
    // Attachments: twelve at once on one draft, and exactly ten are kept.
    let r = applicant.create_request(&crate::common::statistics()).await.unwrap();
    let names: Vec<String> = (0..12).map(|i| format!("樣張{i}.csv")).collect();
    let uploads = names.iter().map(|n| applicant.upload_attachment(r.id, n, b"a,b\n1,2\n".to_vec()));
    let results = futures_util::future::join_all(uploads).await;
    let kept = results.iter().filter(|x| x.is_ok()).count();
    assert_eq!(kept, 10, "{results:?}");
    assert!(results.iter().filter_map(|x| x.as_ref().err()).all(|e| e.code() == Some("too_many_attachments")), "{results:?}");
    assert_eq!(applicant.attachments(r.id).await.unwrap().len(), 10);
    // Downloading an attachment is audited.
    let first = applicant.attachments(r.id).await.unwrap()[0].id;
    applicant.download_attachment(r.id, first).await.unwrap();
    let admin = server.login("admin.dgpa").await;
    assert_eq!(admin.audit("action=attachment.downloaded").await.unwrap().items.len(), 1);

    // Drafts: at most 200 per person.
    let other = server.login("applicant.tpedu").await;
    for _ in 0..200 {
        other.create_request(&crate::common::statistics()).await.unwrap();
    }
    let err = other.create_request(&crate::common::statistics()).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("too_many_drafts"), "{err:?}");
    // Someone else is not affected.
    applicant.create_request(&crate::common::statistics()).await.unwrap();
}

async fn key_rotation_rewraps_everything_and_retires_the_old_key(backend: Backend) {
    use statreq_e2e::statreq_contract::{State, WebhookBody};
    let mut server = TestServer::start(backend);
    let w = crate::common::Scenario::new(&server).await;
    let delivered = w.in_state(&crate::common::detail(), State::Delivered, 2).await.id;
    let file = w.officer.deliveries(delivered).await.unwrap().files[0].id;
    let draft = w.applicant.create_request(&crate::common::statistics()).await.unwrap().id;
    let attachment = w.applicant.upload_attachment(draft, "樣張.csv", b"a,b\n".to_vec()).await.unwrap().id;
    let receiver = statreq_e2e::sinks::WebhookReceiver::start(0).await;
    let hooks = service_at(&server.base, "webhr.keys").await;
    let hook = hooks.create_webhook(&WebhookBody { url: receiver.url.clone(), events: vec!["*".into()], description: None }).await.unwrap();
    // A new secret given ahead of its use (1.14.0) is wrapped too: it signs after the rotation.
    let ahead = statreq_e2e::statreq_contract::RotateSecretBody { switch_after_seconds: Some(1) };
    let given = hooks.rotate_webhook_secret_with(hook.webhook.id, &ahead, None).await.unwrap();
    let (next, switch) = (given.secret, given.webhook.secret_switches_at.unwrap_or_default());
    let plain_before = w.applicant.download_delivery(delivered, file).await.unwrap().len();
    let keys = server.db.data_dir().join("keys");
    let kek_files = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&keys)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".kek"))
            .collect();
        v.sort();
        v
    };
    let before = kek_files();
    let wrapped = || statreq_e2e::statreq_store::Store::open(&server.db.url).unwrap().wrapped_values().unwrap();
    let values_before = wrapped();

    // Not while a server runs: it would go on wrapping with the key a rotation retires.
    let (code, out) = statreq_cli(&server, &["keys", "rotate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("in use by a running statreq server") && out.contains("nothing was changed"), "{out}");
    assert_eq!(kek_files(), before, "no key made or retired");
    assert_eq!(wrapped().iter().map(|v| &v.value).collect::<Vec<_>>(), values_before.iter().map(|v| &v.value).collect::<Vec<_>>());
    server.stop();

    let (code, out) = statreq_cli(&server, &["keys", "rotate"]);
    assert_eq!(code, 0, "{out}");
    let after = kek_files();
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(before.iter().all(|k| !after.contains(k)), "the old key is retired: {before:?} → {after:?}");
    let new = after[0].trim_end_matches(".kek").to_string();
    let store = statreq_e2e::statreq_store::Store::open(&server.db.url).unwrap();
    let values = store.wrapped_values().unwrap();
    assert!(values.len() >= 5, "{values:?}");
    let waiting = values.iter().filter(|v| v.kind == statreq_e2e::statreq_store::WrappedKind::WebhookNextSecret).count();
    assert_eq!(waiting, 1, "{values:?}");
    assert!(values.iter().all(|v| v.value.starts_with(&format!("{new}."))), "everything under the new key: {values:?}");

    // Everything still opens under the new key.
    let again = server.another_instance(&[]);
    let mut officer = statreq_e2e::statreq_client::Client::new(&again.base);
    officer.login("officer1.dgpa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    let mut applicant = statreq_e2e::statreq_client::Client::new(&again.base);
    applicant.login("applicant.npa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    assert_eq!(applicant.download_delivery(delivered, file).await.unwrap().len(), plain_before);
    assert!(officer.reveal_passphrase(delivered, file).await.is_ok());
    assert_eq!(applicant.download_attachment(draft, attachment).await.unwrap(), b"a,b\n".to_vec());
    let mut admin = statreq_e2e::statreq_client::Client::new(&again.base);
    admin.login("admin.dgpa", statreq_e2e::DEMO_PASSWORD).await.unwrap();
    assert_eq!(admin.audit("action=keys.rotated").await.unwrap().items.len(), 1);
    // The secret given ahead opens under the new key and signs once its time has come.
    tokio::time::sleep((switch - chrono::Utc::now()).to_std().unwrap_or_default()).await;
    let made = applicant.create_request(&crate::common::statistics()).await.unwrap().id;
    let of_it = |d: &statreq_e2e::sinks::Received| {
        serde_json::from_str::<serde_json::Value>(&d.body).is_ok_and(|v| v["request"]["id"] == made && v["type"] == "request.created")
    };
    let got = receiver.wait_until(30, |g| g.iter().any(of_it)).await;
    let d = got.iter().find(|d| of_it(d)).unwrap_or_else(|| panic!("{got:?}"));
    let (ts, sig) = (&d.headers["statreq-timestamp"], &d.headers["statreq-signature"]);
    assert!(crate::integration::verify(&next, ts, &d.body, sig), "signed with the secret given ahead");
}

async fn files_in_flight_are_bounded(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    let server = TestServer::start_with(backend, &["--max-transfers", "1"]);
    let w = crate::common::Scenario::new(&server).await;
    let id = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let big = vec![b'7'; 24 * 1024 * 1024];
    let file = w.officer.upload_delivery(id, "大表.csv", big).await.unwrap().id;
    w.officer.deliver(id, None, "如附件").await.unwrap();

    // One download holds the only transfer while its body is not read …
    let url = format!("{}/api/v1/requests/{id}/deliveries/{file}/file", server.base);
    let token = w.applicant.access_token().unwrap_or_default().to_string();
    let http = reqwest::Client::new();
    let first = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(first.status(), 200);
    // … so another is told to come back: 503 busy with Retry-After.
    let second = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(second.status(), 503);
    assert!(second.headers().get("retry-after").is_some());
    let p: serde_json::Value = second.json().await.unwrap();
    assert_eq!(p["code"], "busy");
    // Once the first ends, the next goes through.
    drop(first);
    let mut status = 0;
    for _ in 0..100 {
        let r = http.get(&url).bearer_auth(&token).send().await.unwrap();
        status = r.status().as_u16();
        if status == 200 {
            assert_eq!(r.bytes().await.unwrap().len(), 24 * 1024 * 1024);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200);
}

/// `statreq_transfers_in_flight` as `/metrics` gives it to an administrator.
async fn transfers_in_flight(server: &TestServer, admin_token: &str) -> Option<String> {
    let res = reqwest::Client::new().get(format!("{}/metrics", server.base)).bearer_auth(admin_token).send().await.unwrap();
    let text = res.text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix("statreq_transfers_in_flight ")).map(|v| v.trim().to_string())
}

/// A result-file upload by `who` that promises 1 MiB, sends its first 64 KiB and then
/// nothing, on a connection of its own.
async fn stalled_upload(server: &TestServer, who: &statreq_e2e::statreq_client::Client, id: i64) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let boundary = "stalled-boundary-2026";
    let head =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\nContent-Type: text/csv\r\n\r\n");
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let token = who.access_token().unwrap_or_default().to_string();
    let request = format!(
        "POST /api/v1/requests/{id}/deliveries HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n{head}",
        1024 * 1024
    );
    stalled.write_all(request.as_bytes()).await.unwrap();
    stalled.write_all(&vec![b'7'; 64 * 1024]).await.unwrap();
    stalled.flush().await.unwrap();
    stalled
}

/// Waits until `/metrics` counts `n` transfers in flight.
async fn until_in_flight(server: &TestServer, admin_token: &str, n: usize) {
    for _ in 0..250 {
        if transfers_in_flight(server, admin_token).await == Some(n.to_string()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("never {n} transfers in flight: {:?}", transfers_in_flight(server, admin_token).await);
}

/// One account cannot take every transfer (`--max-transfers-per-account`): a stalled
/// client or a script downloading everything at once gets `429 too_many_transfers`
/// past its share, with `Retry-After`, and nothing of it is stored, while other people
/// still move their files; a finished transfer gives its place back.
async fn one_account_cannot_take_every_transfer(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    let server =
        TestServer::start_with(backend, &["--max-transfers", "3", "--max-transfers-per-account", "2", "--body-idle-seconds", "60"]);
    let w = crate::common::Scenario::new(&server).await;
    let id = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let draft = w.applicant.create_request(&crate::common::statistics()).await.unwrap();
    let sample = w.applicant.upload_attachment(draft.id, "樣張.csv", b"a,b\n".to_vec()).await.unwrap().id;
    let admin_token = server.login("admin.dgpa").await.access_token().unwrap_or_default().to_string();
    let stored_before = server.db.stored_files().await.len();

    // The officer's two stalled uploads take the officer's share.
    let first = stalled_upload(&server, &w.officer, id).await;
    let second = stalled_upload(&server, &w.officer, id).await;
    until_in_flight(&server, &admin_token, 2).await;
    let (status, problem) = w
        .officer
        .raw(reqwest::Method::POST, &format!("/requests/{id}/deliveries"), "multipart/form-data; boundary=x", b"--x\r\n".to_vec(), None)
        .await
        .unwrap();
    assert_eq!((status, problem["code"].as_str()), (429, Some("too_many_transfers")), "{problem}");
    assert!(problem["message"]["zh_tw"].as_str().is_some_and(|m| m.contains("2 個檔案")), "{problem}");
    let third = w.officer.upload_delivery(id, "三.csv", b"a,b\n1,2\n".to_vec()).await.err();
    assert_eq!(third.as_ref().and_then(|e| e.code()), Some("too_many_transfers"));
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"a,b\n".to_vec()).file_name("四.csv"));
    let retry = reqwest::Client::new()
        .post(format!("{}/api/v1/requests/{id}/deliveries", server.base))
        .bearer_auth(w.officer.access_token().unwrap_or_default())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status().as_u16(), 429);
    assert_eq!(retry.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("5"));
    // Someone else still downloads (the server's third place).
    assert_eq!(w.applicant.download_attachment(draft.id, sample).await.ok(), Some(b"a,b\n".to_vec()));

    // A stalled upload gone frees its place: the officer uploads again.
    drop(first);
    until_in_flight(&server, &admin_token, 1).await;
    let next = w.officer.upload_delivery(id, "下一.csv", b"a,b\n1,2\n".to_vec()).await;
    assert!(next.is_ok(), "{next:?}");
    drop(second);
    until_in_flight(&server, &admin_token, 0).await;
    let files = w.officer.deliveries(id).await.unwrap().files;
    assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["下一.csv"]);
    assert_eq!(server.db.stored_files().await.len(), stored_before + 1);
}

/// A client that starts an upload and then sends nothing (gone without closing, or a
/// slowloris) does not keep its transfer: after `--body-idle-seconds` of silence the
/// upload is cut off with `408 body_stalled`, nothing of it stored, and the slot is
/// free for the next.
async fn a_stalled_upload_gives_back_its_transfer(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    use tokio::io::AsyncReadExt;
    let server = TestServer::start_with(backend, &["--max-transfers", "1", "--body-idle-seconds", "2"]);
    let w = crate::common::Scenario::new(&server).await;
    let id = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let draft = w.applicant.create_request(&crate::common::statistics()).await.unwrap();
    let sample = w.applicant.upload_attachment(draft.id, "樣張.csv", b"a,b\n".to_vec()).await.unwrap().id;
    let stored_before = server.db.stored_files().await.len();

    let mut stalled = stalled_upload(&server, &w.officer, id).await;

    // Once it holds the only transfer (as /metrics says), a download is told to come back …
    let admin_token = server.login("admin.dgpa").await.access_token().unwrap_or_default().to_string();
    let in_flight = || transfers_in_flight(&server, &admin_token);
    for _ in 0..100 {
        if in_flight().await.as_deref() == Some("1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let busy = w.applicant.download_attachment(draft.id, sample).await.err().and_then(|e| e.code().map(String::from));
    assert_eq!(busy.as_deref(), Some("busy"), "the stalled upload holds the transfer");
    // A download link is refused with the reason rather than given to fail in a
    // browser's download bar; a HEAD says the same as the GET.
    let link = w.applicant.attachment_link(draft.id, sample).await.err();
    assert_eq!(link.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.as_str())), Some((503, "busy")));
    let head = reqwest::Client::new()
        .head(format!("{}/api/v1/requests/{}/attachments/{sample}/file", server.base, draft.id))
        .bearer_auth(w.applicant.access_token().unwrap_or_default())
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 503);
    // … and the stalled one is answered 408 once it has been silent long enough.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), stalled.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server closes the stalled connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
    assert!(head.to_ascii_lowercase().contains("connection: close"), "{head}");
    let problem: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(problem["code"], "body_stalled");
    assert!(problem["message"]["zh_tw"].as_str().is_some_and(|m| m.contains("2 秒") && m.contains("未儲存")), "{problem}");

    // The transfer is free again; nothing of the stalled upload was kept.
    assert_eq!(in_flight().await.as_deref(), Some("0"));
    let next = w.officer.upload_delivery(id, "下一.csv", b"a,b\n1,2\n".to_vec()).await;
    assert!(next.is_ok(), "{next:?}");
    let files = w.officer.deliveries(id).await.unwrap().files;
    assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["下一.csv"]);
    assert_eq!(server.db.stored_files().await.len(), stored_before + 1);
}

/// A client that sends a byte now and then (never quite silent, a slowloris' way past
/// the idle watch) is cut off as a silent one is: less than 16 KiB in a span of
/// `--body-idle-seconds` is `408 body_stalled`, nothing stored, its transfer given back.
async fn a_trickled_upload_is_cut_off_as_a_stalled_one(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start_with(backend, &["--max-transfers", "1", "--body-idle-seconds", "2"]);
    let w = crate::common::Scenario::new(&server).await;
    let id = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let stored_before = server.db.stored_files().await.len();
    let admin_token = server.login("admin.dgpa").await.access_token().unwrap_or_default().to_string();

    let (mut reader, mut writer) = stalled_upload(&server, &w.officer, id).await.into_split();
    until_in_flight(&server, &admin_token, 1).await;
    // A byte every 300 ms, for up to 20 s, until the server closes the connection.
    let trickle = tokio::spawn(async move {
        for _ in 0..66 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            if writer.write_all(b"7").await.is_err() || writer.flush().await.is_err() {
                return;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), reader.read_to_end(&mut answer)).await;
    trickle.abort();
    assert!(read.is_ok(), "the server cuts a trickling upload off");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (_, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(problem["code"], "body_stalled");
    assert_eq!(transfers_in_flight(&server, &admin_token).await.as_deref(), Some("0"));
    assert!(w.officer.deliveries(id).await.unwrap().files.is_empty());
    assert_eq!(server.db.stored_files().await.len(), stored_before);
    // An upload at an ordinary pace goes through.
    assert!(w.officer.upload_delivery(id, "下一.csv", b"a,b\n1,2\n".to_vec()).await.is_ok());
}

/// A client that starts a download and stops reading without closing does not keep
/// its transfer: after `--body-idle-seconds` unread, the transfer is freed, and the
/// download ends in an error (never a clean end that looks like the whole file).
async fn a_download_not_read_gives_back_its_transfer(backend: Backend) {
    use statreq_e2e::statreq_contract::State;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start_with(backend, &["--max-transfers", "1", "--body-idle-seconds", "2"]);
    let w = crate::common::Scenario::new(&server).await;
    let id = w.in_state(&crate::common::statistics(), State::InProduction, 2).await.id;
    let size = 24 * 1024 * 1024;
    let file = w.officer.upload_delivery(id, "大表.csv", vec![b'7'; size]).await.unwrap().id;
    w.officer.deliver(id, None, "如附件").await.unwrap();
    let admin_token = server.login("admin.dgpa").await.access_token().unwrap_or_default().to_string();
    let in_flight = || transfers_in_flight(&server, &admin_token);

    // The download starts; its client reads the head and a little, then nothing.
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let token = w.applicant.access_token().unwrap_or_default().to_string();
    let request =
        format!("GET /api/v1/requests/{id}/deliveries/{file}/file HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\r\n");
    stalled.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 16 * 1024];
    let n = stalled.read(&mut head).await.unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head[..n.min(300)]));
    assert_eq!(in_flight().await.as_deref(), Some("1"));
    let busy = w.applicant.download_delivery(id, file).await.err().and_then(|e| e.code().map(String::from));
    assert_eq!(busy.as_deref(), Some("busy"), "the unread download holds the transfer");

    // Unread long enough, it lets go: the next download goes through, whole.
    let mut freed = false;
    for _ in 0..100 {
        if in_flight().await.as_deref() == Some("0") {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(freed, "the transfer of an unread download is given back");
    assert_eq!(w.applicant.download_delivery(id, file).await.map(|b| b.len()).ok(), Some(size));

    // The stalled client, reading again, gets what was on its way and then a cut-off
    // connection: not the end of a chunked body that would pass for the whole file.
    let mut rest = head[..n].to_vec();
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), stalled.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection is closed");
    assert!(rest.len() < size, "{} bytes of {size}", rest.len());
    assert!(!rest.ends_with(b"\r\n0\r\n\r\n"), "a cut-off download must not end like a whole one");
}

async fn attachments_are_shredded_when_their_request_ends(backend: Backend) {
    let server = TestServer::start(backend);
    let w = crate::common::Scenario::new(&server).await;
    // Withdrawn: ends the request.
    let r = w.applicant.create_request(&crate::common::statistics()).await.unwrap();
    let a = w.applicant.upload_attachment(r.id, "樣張.csv", b"a,b\n".to_vec()).await.unwrap().id;
    assert_eq!(w.applicant.attachments(r.id).await.unwrap().iter().map(|a| a.shredded).collect::<Vec<_>>(), [false]);
    let count = || async { server.db.stored_files().await.len() };
    let before = count().await;
    w.applicant.withdraw(r.id, None, Some("不需要了")).await.unwrap();
    let err = w.applicant.download_attachment(r.id, a).await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(410), Some("shredded")));
    assert_eq!(count().await, before - 1, "the attachment's body is removed");
    // Listed still, and said to be destroyed (1.2.0).
    assert_eq!(w.applicant.attachments(r.id).await.unwrap().iter().map(|a| a.shredded).collect::<Vec<_>>(), [true]);
    let audit = server.login("admin.dgpa").await.audit("action=request.withdrawn").await.unwrap();
    assert_eq!(audit.items[0].detail["attachments_shredded"], 1, "{:?}", audit.items);
}

on_both_backends!(
    one_account_cannot_take_every_transfer,
    a_download_not_read_gives_back_its_transfer,
    a_stalled_upload_gives_back_its_transfer,
    a_trickled_upload_is_cut_off_as_a_stalled_one,
    attachments_are_shredded_when_their_request_ends,
    files_in_flight_are_bounded,
    key_rotation_rewraps_everything_and_retires_the_old_key,
    caps_hold_under_concurrency,
    roles_and_agencies_stay_where_they_belong,
    an_upload_racing_the_delivery_never_publishes_an_unapproved_file,
    signed_checkpoints_catch_truncation_and_rewrites,
    only_officers_of_dgpa_open_personal_files,
    webhooks_never_reach_inside,
    every_response_carries_the_security_headers,
    sign_in_is_throttled_without_locking_anyone_out,
    a_trusted_proxy_names_the_client,
    sessions_end_on_logout_password_reset_and_disabling,
    people_see_and_end_their_own_sessions,
    the_audit_trail_is_searched_by_day_and_verified_online,
    the_audit_trail_is_exported_as_csv,
);
