//! Authentication: local accounts, rotating refresh tokens, service accounts, and
//! trusted-issuer (WebHR) tokens validated as RFC 8725 asks.

use crate::common;

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{CreateUserBody, Role, UpdateUserBody};
use statreq_e2e::{on_both_backends, Backend, TestServer, DEMO_PASSWORD};

use statreq_e2e::webhr::{claims, token as webhr_token, ISSUER as WEBHR_ISS, PUBLIC_PEM as WEBHR_PUBLIC};

fn start_with_webhr(backend: Backend) -> TestServer {
    TestServer::start_with(backend, &["--trusted-issuers", &statreq_e2e::webhr::issuers_file()])
}

async fn status_of(c: &Client) -> (Option<u16>, Option<String>) {
    match c.me().await {
        Ok(_) => (Some(200), None),
        Err(e) => (e.status(), e.code().map(String::from)),
    }
}

async fn local_accounts_and_refresh_rotation(backend: Backend) {
    let server = TestServer::start(backend);
    let mut c = server.client();
    let err = c.login("applicant.npa", "wrong-password-123").await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(401), Some("invalid_credentials")));
    let err = c.login("nobody", "wrong-password-123").await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_credentials"), "unknown users look the same as wrong passwords");

    // Usernames are lower case: one typed with a capital (a phone's keyboard) or spaces
    // around it is the same account.
    let typed = server.client().login(" Applicant.NPA ", DEMO_PASSWORD).await.map(|t| !t.access_token.is_empty());
    assert!(matches!(typed, Ok(true)), "{typed:?}");
    // Typed full-width, as a Chinese input method left in that mode does: the same account
    // (the password is taken exactly as typed).
    let wide = server.client().login("ａｐｐｌｉｃａｎｔ．ＮＰＡ　", DEMO_PASSWORD).await.map(|t| !t.access_token.is_empty());
    assert!(matches!(wide, Ok(true)), "{wide:?}");
    // A username given twice is refused, not read as either one.
    let twice = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.base))
        .header("content-type", "application/json")
        .body(format!(r#"{{"username": "nobody", "username": "applicant.npa", "password": "{DEMO_PASSWORD}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status().as_u16(), 422);
    let p: serde_json::Value = twice.json().await.unwrap_or_default();
    assert_eq!((p["code"].as_str(), p["errors"][0]["pointer"].as_str()), (Some("duplicate_field"), Some("/username")), "{p}");
    let t = c.login("applicant.npa", DEMO_PASSWORD).await.unwrap();
    assert_eq!((t.token_type.as_str(), t.expires_in), ("Bearer", 900));
    // `Bearer` in any case (RFC 9110 §11.1), and the space after it as one or more.
    let http = reqwest::Client::new();
    for scheme in ["Bearer ", "bearer ", "BEARER ", "BeArEr  "] {
        let res =
            http.get(format!("{}/api/v1/me", server.base)).header("Authorization", format!("{scheme}{}", t.access_token)).send().await;
        assert_eq!(res.map(|r| r.status().as_u16()).ok(), Some(200), "{scheme:?}");
    }
    let me = c.me().await.unwrap();
    assert_eq!(
        (me.username.as_str(), me.agency_code.as_str(), me.agency_name.as_str(), me.roles.clone()),
        ("applicant.npa", "NPA", "內政部警政署", vec![Role::Applicant])
    );

    let first_refresh = c.refresh_token().map(String::from).unwrap_or_default();
    let t2 = c.refresh().await.unwrap();
    assert_ne!(t2.refresh_token.as_deref(), Some(first_refresh.as_str()), "refresh tokens rotate");
    assert_eq!(status_of(&c).await.0, Some(200));
    // Reusing the spent token from elsewhere (another address), even within seconds, is
    // refused and revokes the whole family.
    let (status, p) = refresh_from(&server, "127.0.0.2", &first_refresh).await;
    assert_eq!((status, p["code"].as_str()), (401, Some("refresh_token_reused")), "{p}");
    let mut thief = server.client();
    let err = c.refresh().await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("refresh_token_reused"), "the legitimate holder's newer token is revoked too");
    thief = thief.with_token("garbage");
    assert_eq!(status_of(&thief).await, (Some(401), Some("invalid_token".into())));
    assert_eq!(status_of(&server.client()).await, (Some(401), Some("authentication_required".into())));

    // Disabled accounts can neither sign in nor use their tokens.
    let admin = server.login("admin.dgpa").await;
    let npa = server.login("applicant.npa").await;
    admin.update_user(me.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    assert_eq!(status_of(&npa).await, (Some(401), Some("account_disabled".into())));
    assert_eq!(server.client().login("applicant.npa", DEMO_PASSWORD).await.err().and_then(|e| e.status()), Some(401));
}

/// Presents a refresh token from `from` (an address of loopback), as a client of its own.
async fn refresh_from(server: &TestServer, from: &str, token: &str) -> (u16, serde_json::Value) {
    let http = reqwest::Client::builder().local_address(from.parse::<std::net::IpAddr>().ok()).build().unwrap();
    let res = http.post(format!("{}/api/v1/auth/refresh", server.base)).json(&json!({"refresh_token": token})).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or_default())
}

/// Two tabs of one browser refreshing at once, or a refresh whose answer was lost and
/// is sent again: the same client presenting one refresh token within seconds gets new
/// tokens each time and the sign-in goes on (it was ended as theft), audited; the same
/// token from another address, or with the window closed, is reuse and ends it.
async fn the_same_client_refreshing_twice_at_once_stays_signed_in(backend: Backend) {
    let server = TestServer::start(backend);
    let mut c = server.client();
    c.login("officer1.dgpa", DEMO_PASSWORD).await.unwrap();
    let token = c.refresh_token().map(String::from).unwrap_or_default();
    let answers = futures_util::future::join_all((0..3).map(|_| refresh_from(&server, "127.0.0.1", &token))).await;
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [200, 200, 200], "{answers:?}");
    // Each answer's tokens work: nothing was revoked.
    for (_, t) in &answers {
        let renewed = server.client().with_token(t["access_token"].as_str().unwrap_or_default());
        assert_eq!(status_of(&renewed).await, (Some(200), None));
        let next = t["refresh_token"].as_str().unwrap_or_default();
        assert_eq!(refresh_from(&server, "127.0.0.1", next).await.0, 200, "{t}");
    }
    let admin = server.login("admin.dgpa").await;
    let repeated = admin.audit("action=auth.refresh_repeated").await.map(|p| p.items.len());
    assert_eq!(repeated.ok(), Some(2), "two of three were repeats");
    // From another address within the window: reuse, and the sign-in ends.
    let (status, p) = refresh_from(&server, "127.0.0.3", &token).await;
    assert_eq!((status, p["code"].as_str()), (401, Some("refresh_token_reused")), "{p}");
    let later = answers[0].1["refresh_token"].as_str().unwrap_or_default().to_string();
    assert_eq!(refresh_from(&server, "127.0.0.1", &later).await.0, 401, "the family is revoked");
    // With the window closed (`--refresh-repeat-seconds 0`), the same client asking twice is reuse.
    let strict = TestServer::start_with(backend, &["--refresh-repeat-seconds", "0"]);
    let mut c = strict.client();
    c.login("officer1.dgpa", DEMO_PASSWORD).await.unwrap();
    let token = c.refresh_token().map(String::from).unwrap_or_default();
    assert_eq!(refresh_from(&strict, "127.0.0.1", &token).await.0, 200);
    let (status, p) = refresh_from(&strict, "127.0.0.1", &token).await;
    assert_eq!((status, p["code"].as_str()), (401, Some("refresh_token_reused")), "{p}");
}

async fn forged_and_weak_tokens_are_refused(backend: Backend) {
    let server = start_with_webhr(backend);
    let c = server.login("applicant.npa").await;
    let good = c.access_token().unwrap_or_default().to_string();
    let parts: Vec<&str> = good.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // alg "none", with the original payload and no signature.
    let none = format!("{}.{}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    // The payload changed under the original signature.
    let mut payload: serde_json::Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap_or_default()).unwrap_or_default();
    payload["sub"] = json!("7");
    let tampered = format!("{}.{}.{}", parts[0], b64.encode(payload.to_string()), parts[2]);
    // HS256 signed with the WebHR public key as the secret (algorithm confusion).
    let now = chrono::Utc::now().timestamp();
    let confused = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"iss": WEBHR_ISS, "aud": "statreq", "sub": "x", "exp": now + 60, "name": "x", "agency": "NPA", "roles": ["applicant"]}),
        &EncodingKey::from_secret(WEBHR_PUBLIC.as_bytes()),
    )
    .unwrap_or_default();
    let mut expired = claims("u1", "NPA", &["applicant"]);
    expired["exp"] = json!(now - 3600);
    let mut future = claims("u1", "NPA", &["applicant"]);
    future["nbf"] = json!(now + 3600);
    let mut wrong_aud = claims("u1", "NPA", &["applicant"]);
    wrong_aud["aud"] = json!("another-service");
    let mut wrong_iss = claims("u1", "NPA", &["applicant"]);
    wrong_iss["iss"] = json!("https://evil.test");
    let mut no_exp = claims("u1", "NPA", &["applicant"]);
    no_exp.as_object_mut().map(|o| o.remove("exp"));
    for (label, token) in [
        ("alg none", none),
        ("tampered", tampered),
        ("algorithm confusion", confused),
        ("expired", webhr_token(expired)),
        ("not yet valid", webhr_token(future)),
        ("wrong audience", webhr_token(wrong_aud)),
        ("wrong issuer", webhr_token(wrong_iss)),
        ("no exp", webhr_token(no_exp)),
    ] {
        let (status, code) = status_of(&server.client().with_token(token)).await;
        assert_eq!((status, code.as_deref()), (Some(401), Some("invalid_token")), "{label}");
    }
}

async fn webhr_tokens_provision_users_and_act_for_them(backend: Backend) {
    let server = start_with_webhr(backend);
    let webhr = server.client().with_token(webhr_token(claims("E12345", "NPA", &["applicant", "dgpa_admin"])));
    let me = webhr.me().await.unwrap();
    assert_eq!((me.display_name.as_str(), me.agency_code.as_str()), ("周佳蓉", "NPA"));
    assert_eq!(me.roles, vec![Role::Applicant], "roles outside the issuer's allowed list are ignored");
    let r = webhr.create_request(&common::statistics()).await.unwrap();
    assert_eq!(r.created_by.display_name, "周佳蓉");
    // The same WebHR user later: the same account.
    let again = server.client().with_token(webhr_token(claims("E12345", "NPA", &["applicant"])));
    assert_eq!(again.me().await.map(|m| m.id).ok(), Some(me.id));
    assert_eq!(again.get_request(r.id).await.map(|x| x.id).ok(), Some(r.id));
    // A newer token with another name renames the account; its requests' views name it
    // anew, and a client following `updated_since` finds them.
    let since = (r.updated_at + chrono::Duration::milliseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut renamed = claims("E12345", "NPA", &["applicant"]);
    renamed["name"] = json!("周佳蓉（人事室）");
    let renamed = server.client().with_token(webhr_token(renamed));
    assert_eq!(renamed.me().await.map(|m| m.display_name).ok().as_deref(), Some("周佳蓉（人事室）"));
    let found: Vec<i64> = renamed.search_requests(&[("updated_since", &since)]).await.unwrap().items.iter().map(|x| x.id).collect();
    assert_eq!(found, vec![r.id]);
    assert_eq!(renamed.get_request(r.id).await.unwrap().created_by.display_name, "周佳蓉（人事室）");
    // A name sent on two lines (or with a tab) is one line here, as a local account's is.
    let mut two_lines = claims("E12345", "NPA", &["applicant"]);
    two_lines["name"] = json!("周佳蓉\r\n（人事室）\t主任");
    let one_line = server.client().with_token(webhr_token(two_lines)).me().await.map(|m| m.display_name).ok();
    assert_eq!(one_line.as_deref(), Some("周佳蓉 （人事室） 主任"));
    // Only those: the spaces the name holds, full-width among them, stay as sent.
    let mut spaced = claims("E12345", "NPA", &["applicant"]);
    spaced["name"] = json!("周　佳蓉  （人事室）");
    let kept = server.client().with_token(webhr_token(spaced)).me().await.map(|m| m.display_name).ok();
    assert_eq!(kept.as_deref(), Some("周　佳蓉  （人事室）"));
    // An agency statreq does not know, or no usable role: 403 with a clear code.
    let unknown = server.client().with_token(webhr_token(claims("E999", "ZZZ999", &["applicant"])));
    assert_eq!(status_of(&unknown).await, (Some(403), Some("unknown_agency".into())));
    let no_role = server.client().with_token(webhr_token(claims("E998", "NPA", &["dgpa_admin"])));
    assert_eq!(status_of(&no_role).await, (Some(403), Some("no_roles".into())));
    // One role as a plain string, as .NET's JwtSecurityTokenHandler writes a claim that
    // has one value.
    let mut one = claims("E997", "NPA", &[]);
    one["roles"] = json!("applicant");
    let me = server.client().with_token(webhr_token(one)).me().await.unwrap();
    assert_eq!(me.roles, vec![Role::Applicant]);
    // A token statreq could verify but not read says which claim is wrong, so that
    // WebHR's engineers need not guess.
    let mut no_agency = claims("E996", "NPA", &["applicant"]);
    no_agency.as_object_mut().map(|o| o.remove("agency"));
    let mut numeric_roles = claims("E995", "NPA", &["applicant"]);
    numeric_roles["roles"] = json!(5);
    // Claims that read but do not fit are named too, and provision nobody: an e-mail
    // that is no address (notices would never arrive), or typed full-width; a name
    // blank or with a character that turns text around (it would show reversed to
    // everyone who reads the account); an agency that is no code; an empty subject.
    let with = |sub: &str, claim: &str, value: serde_json::Value| {
        let mut c = claims(sub, "NPA", &["applicant"]);
        c[claim] = value;
        c
    };
    let unfit = [
        ("no address", with("E994", "email", json!("周佳蓉 <chou at npa>")), "email"),
        ("full-width address", with("E993", "email", json!("ｃｈｏｕ@npa.gov.tw")), "email"),
        ("blank name", with("E992", "name", json!("  ")), "name"),
        ("bidi name", with("E991", "name", json!("周佳蓉\u{202E}gnp.exe")), "name"),
        ("agency no code", with("E990", "agency", json!("N P A")), "agency"),
        ("empty subject", with("", "name", json!("周佳蓉")), "sub"),
    ];
    for (label, token, named) in [("no agency", no_agency, "agency"), ("roles a number", numeric_roles, "roles")].into_iter().chain(unfit) {
        let err = server.client().with_token(webhr_token(token)).me().await.err();
        let problem = err.as_ref().and_then(|e| e.problem());
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_token"), "{label}");
        let (detail, zh) = problem.map(|p| (p.detail.clone(), p.message.zh_tw.clone())).unwrap_or_default();
        assert!(detail.contains(&format!("claim `{named}`")) && detail.contains(WEBHR_ISS), "{label}: {detail}");
        assert!(zh.contains(&format!("宣告「{named}」")), "{label}: {zh}");
    }
    let hint = server.client().with_token(webhr_token(with("E993", "email", json!("ｃｈｏｕ@npa.gov.tw")))).me().await.err();
    let zh = hint.and_then(|e| e.problem().map(|p| p.message.zh_tw.clone())).unwrap_or_default();
    assert!(zh.contains("chou@npa.gov.tw"), "how to write it: {zh}");
    let names: Vec<String> =
        server.login("admin.dgpa").await.find_users(&[("q", "@")]).await.unwrap().items.into_iter().map(|u| u.username).collect();
    let refused = ["E994@", "E993@", "E992@", "E991@", "E990@"];
    assert!(names.iter().all(|n| !n.starts_with('@') && !refused.iter().any(|p| n.starts_with(p))), "nobody provisioned: {names:?}");
}

/// A trusted issuer allowed to name administrators cannot, by a token, leave the
/// service with none: the last administrator's token without the role (or naming an
/// agency outside DGPA) keeps the administration, audited once; the account's roles are
/// then statreq's to manage, and an administrator named since changes them.
async fn a_token_cannot_take_the_last_administrators_administration(backend: Backend) {
    let all = ["applicant", "supervisor", "dgpa_officer", "dgpa_admin"];
    let issuers = statreq_e2e::webhr::issuers_file_with(json!({"allowed_roles": all}));
    let server = TestServer::start_with(backend, &["--trusted-issuers", &issuers]);
    let as_webhr = |agency: &str, roles: &[&str]| server.client().with_token(webhr_token(claims("E100", agency, roles)));
    let sso = as_webhr("DGPA", &["dgpa_admin", "dgpa_officer"]);
    let me = sso.me().await.unwrap();
    assert!(me.roles.contains(&Role::DgpaAdmin), "{:?}", me.roles);
    // The WebHR administrator disables the local one: it is now the only one.
    let local = sso.find_users(&[("role", "dgpa_admin")]).await.unwrap().items;
    for u in local.iter().filter(|u| u.id != me.id) {
        sso.update_user(u.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    }
    for (label, agency, roles) in [("the role dropped", "DGPA", &["dgpa_officer"][..]), ("moved to NPA", "NPA", &["applicant"][..])] {
        let after = as_webhr(agency, roles).me().await.unwrap();
        assert!(after.roles.contains(&Role::DgpaAdmin), "{label}: {:?}", after.roles);
        assert_eq!(after.agency_code, "DGPA", "{label}");
        let users = as_webhr(agency, roles).find_users(&[("q", "E100")]).await.map(|p| p.items.len()).ok();
        assert_eq!(users, Some(1), "{label}: still administers");
    }
    // Audited once, when it first happened (not at every token).
    let trail = as_webhr("DGPA", &["dgpa_admin"]).audit("action=user.updated_from_token").await.unwrap().items;
    let kept: Vec<_> = trail.iter().filter_map(|e| e.detail.get("last_administrator_kept")).collect();
    assert_eq!(kept.len(), 1, "{trail:?}");
    assert_eq!(kept[0]["token_roles"], "dgpa_officer", "{kept:?}");
    // From then on the account's roles are statreq's: with another administrator again,
    // an administrator changes them, not the next token.
    let back = &local[0];
    let sso = as_webhr("DGPA", &["dgpa_admin"]);
    sso.update_user(back.id, &UpdateUserBody { active: Some(true), ..Default::default() }, None).await.unwrap();
    assert!(as_webhr("DGPA", &["dgpa_officer"]).me().await.unwrap().roles.contains(&Role::DgpaAdmin));
    let mut local_admin = server.client();
    local_admin.login(&back.username, DEMO_PASSWORD).await.unwrap();
    let officer = UpdateUserBody { roles: Some(vec![Role::DgpaOfficer]), ..Default::default() };
    assert_eq!(local_admin.update_user(me.id, &officer, None).await.unwrap().roles, vec![Role::DgpaOfficer]);
}

/// An issuer's key may be given as the certificate that carries it, as Taiwan's
/// government certificate authority (GCA) hands keys out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuers_certificate_stands_for_its_key() {
    let issuers = statreq_e2e::webhr::issuers_file_with(json!({"public_key_pem": statreq_e2e::webhr::CERTIFICATE_PEM}));
    let server = TestServer::start_with(Backend::Sqlite, &["--trusted-issuers", &issuers]);
    let webhr = server.client().with_token(webhr_token(claims("E12001", "NPA", &["applicant"])));
    assert_eq!(webhr.me().await.map(|m| m.roles).ok(), Some(vec![Role::Applicant]));
}

async fn service_accounts_use_client_credentials(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let body = CreateUserBody {
        username: "webhr-sync".into(),
        display_name: "WebHR 介接".into(),
        email: String::new(),
        agency_code: "DGPA".into(),
        roles: vec![Role::Service],
        password: "a-long-client-secret-0001".into(),
    };
    let user = admin.create_user(&body).await.unwrap();
    assert_eq!(user.kind, "service");
    let mut svc = server.client();
    let t = svc.client_credentials("webhr-sync", "a-long-client-secret-0001").await.unwrap();
    assert!(t.refresh_token.is_none());
    assert_eq!(svc.me().await.map(|m| m.roles).ok(), Some(vec![Role::Service]));
    assert_eq!(server.client().client_credentials("webhr-sync", "wrong-secret-000000").await.err().and_then(|e| e.status()), Some(401));
    // A service account cannot sign in as a person, nor a person as a service.
    assert_eq!(server.client().login("webhr-sync", "a-long-client-secret-0001").await.err().and_then(|e| e.status()), Some(401));
    assert_eq!(server.client().client_credentials("applicant.npa", DEMO_PASSWORD).await.err().and_then(|e| e.status()), Some(401));
    let (status, p) = server
        .client()
        .raw(
            reqwest::Method::POST,
            "/auth/token",
            "application/json",
            serde_json::to_vec(&json!({"grant_type": "password", "client_id": "a", "client_secret": "b"})).unwrap_or_default(),
            None,
        )
        .await
        .unwrap();
    assert_eq!((status, p["code"].as_str(), p["error"].as_str()), (400, Some("unsupported_grant_type"), Some("unsupported_grant_type")));

    // RFC 6749 §4.4 as written: a form, the client authenticated with HTTP Basic
    // (each part form-urlencoded, §2.3.1), or in the form.
    use base64::Engine;
    let url = format!("{}/api/v1/auth/token", server.base);
    let http = reqwest::Client::new();
    let basic = |id: &str, secret: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")));
    let form = |body: &'static str, auth: Option<String>| {
        let mut r = http.post(&url).header("Content-Type", "application/x-www-form-urlencoded").body(body);
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r.send()
    };
    let ok = form("grant_type=client_credentials", Some(basic("webhr-sync", "a-long-client-secret-0001"))).await.unwrap();
    assert_eq!((ok.status().as_u16(), ok.headers().get("cache-control").and_then(|v| v.to_str().ok())), (200, Some("no-store")));
    // The scheme's name is case-insensitive (RFC 9110 §11.1), as Java's and .NET's
    // clients may spell it.
    let shouted = basic("webhr-sync", "a-long-client-secret-0001").replacen("Basic", "BASIC", 1);
    assert_eq!(form("grant_type=client_credentials", Some(shouted)).await.map(|r| r.status().as_u16()).ok(), Some(200));
    let t: serde_json::Value = ok.json().await.unwrap();
    assert_eq!((t["token_type"].as_str(), t["refresh_token"].is_null()), (Some("Bearer"), true));
    let ok = form("grant_type=client_credentials&client_id=webhr-sync&client_secret=a-long-client-secret-0001&scope=", None).await.unwrap();
    assert_eq!(ok.status(), 200);
    // Errors in the RFC's shape (beside the problem's members).
    let bad = form("grant_type=client_credentials", Some(basic("webhr-sync", "wrong-secret-000000"))).await.unwrap();
    assert_eq!(bad.status(), 401);
    assert_eq!(bad.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Basic realm=\"statreq\""));
    let p: serde_json::Value = bad.json().await.unwrap();
    assert_eq!((p["error"].as_str(), p["error_description"].is_string()), (Some("invalid_client"), true));
    let p: serde_json::Value = form("grant_type=password&username=a&password=b", None).await.unwrap().json().await.unwrap();
    assert_eq!(p["error"], "unsupported_grant_type");
    let both =
        form("grant_type=client_credentials&client_id=webhr-sync&client_secret=x", Some(basic("webhr-sync", "a-long-client-secret-0001")));
    let p: serde_json::Value = both.await.unwrap().json().await.unwrap();
    assert_eq!(p["error"], "invalid_request");
    let p: serde_json::Value = form("grant_type=client_credentials", None).await.unwrap().json().await.unwrap();
    assert_eq!(p["error"], "invalid_client", "no client authentication at all");
    let nul = form("grant_type=client_credentials&client_id=web%00hr&client_secret=x", None).await.unwrap();
    assert_eq!(nul.status(), 401, "a NUL in a form field is refused, not sent to the database");
}

/// Changing one's own password: the current one first, a new one the policy takes;
/// every other session ends, this one carries on.
async fn people_change_their_own_password(backend: Backend) {
    let server = start_with_webhr(backend);
    let mut c = server.client();
    c.login("applicant.npa", DEMO_PASSWORD).await.unwrap();
    let mut other = server.client();
    other.login("applicant.npa", DEMO_PASSWORD).await.unwrap();
    let code = |e: Option<statreq_e2e::statreq_client::ClientError>| e.and_then(|e| e.code().map(String::from));

    let fresh = "木棉花開在四月-2026";
    assert_eq!(code(c.change_password("not-my-password-1", fresh).await.err()), Some("wrong_current_password".into()));
    for weak in ["short", "xxxxxxxxxxxxxxxx", "my-applicant.npa-pw", "password1234"] {
        let err = c.change_password(DEMO_PASSWORD, weak).await.err();
        assert_eq!(code(err), Some("weak_password".into()), "{weak}");
    }
    assert_eq!(code(c.change_password(DEMO_PASSWORD, DEMO_PASSWORD).await.err()), Some("password_unchanged".into()));
    let (status, _) = c
        .raw(statreq_e2e::statreq_client::Method::POST, "/me/password", "application/json", b"{\"current_password\":".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(status, 400);
    assert_eq!(status_of(&server.client()).await.0, Some(401), "signed in only");
    // Nothing changed so far: the old password still signs in.
    server.client().login("applicant.npa", DEMO_PASSWORD).await.unwrap();

    c.change_password(DEMO_PASSWORD, fresh).await.unwrap();
    assert_eq!(status_of(&c).await.0, Some(200), "this session carries on with its new tokens");
    c.refresh().await.unwrap();
    assert_eq!(other.refresh().await.err().and_then(|e| e.status()), Some(401), "every other session is signed out");
    assert_eq!(server.client().login("applicant.npa", DEMO_PASSWORD).await.err().and_then(|e| e.status()), Some(401));
    server.client().login("applicant.npa", fresh).await.unwrap();

    // An account that signs in through WebHR has no password here.
    let webhr = server.client().with_token(webhr_token(claims("E12345", "NPA", &["applicant"])));
    let mut webhr = webhr;
    assert_eq!(code(webhr.change_password("x", fresh).await.err()), Some("no_local_password".into()));
}

on_both_backends!(
    people_change_their_own_password,
    local_accounts_and_refresh_rotation,
    the_same_client_refreshing_twice_at_once_stays_signed_in,
    forged_and_weak_tokens_are_refused,
    webhr_tokens_provision_users_and_act_for_them,
    service_accounts_use_client_credentials,
    a_token_cannot_take_the_last_administrators_administration,
);
