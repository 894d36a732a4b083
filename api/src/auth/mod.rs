//! Authentication: argon2id passwords, statreq's own short-lived access tokens with
//! rotating refresh tokens, and tokens of trusted issuers (WebHR). Validation
//! follows RFC 8725: one algorithm per key, `exp`, `iss`, `aud` and `sub` required,
//! `nbf` checked, `typ` checked for our own tokens; `alg: none` never parses.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use statreq_domain::{Actor, AgencyCode, Role, RoleSet, UserId};
use statreq_store::{NewUser, StoreError, UserRow};

use crate::app::AppError;
use crate::config::{Settings, TrustedIssuer};
use crate::error::ApiError;
use crate::AppState;

const OWN_ISSUER: &str = "statreq";
const OWN_AUDIENCE: &str = "statreq-api";
const LEEWAY_SECONDS: u64 = 30;

pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    trusted: Vec<Trusted>,
}

struct Trusted {
    issuer: TrustedIssuer,
    key: DecodingKey,
    algorithm: Algorithm,
}

impl Keys {
    pub fn new(settings: &Settings) -> anyhow::Result<Keys> {
        let secret = match &settings.signing_key {
            Some(s) => s.expose_secret().as_bytes().to_vec(),
            None => load_or_create_key_file(&settings.data_dir)?,
        };
        if secret.len() < 32 {
            anyhow::bail!("the signing key must be at least 32 bytes");
        }
        let mut trusted = Vec::new();
        for t in &settings.trusted_issuers {
            let pem = match (&t.public_key_pem, &t.public_key_file) {
                (Some(p), _) => p.clone().into_bytes(),
                (None, Some(f)) => std::fs::read(f).map_err(|e| anyhow::anyhow!("trusted issuer {}: {}: {e}", t.issuer, f.display()))?,
                (None, None) => anyhow::bail!("trusted issuer {} has no public key", t.issuer),
            };
            let (algorithm, key) = issuer_key(t, &pem)?;
            trusted.push(Trusted { issuer: t.clone(), key, algorithm });
        }
        Ok(Keys { encoding: EncodingKey::from_secret(&secret), decoding: DecodingKey::from_secret(&secret), trusted })
    }
}

/// A trusted issuer's key from PEM: an SPKI `PUBLIC KEY`, a PKCS#1 `RSA PUBLIC KEY`, or
/// the X.509 `CERTIFICATE` that carries one (only its key is used: neither its dates nor
/// its chain are checked). Each refusal names the issuer and what to give instead.
fn issuer_key(t: &TrustedIssuer, pem: &[u8]) -> anyhow::Result<(Algorithm, DecodingKey)> {
    let who = &t.issuer;
    let text = std::str::from_utf8(pem).unwrap_or_default();
    if !text.contains("-----BEGIN ") {
        anyhow::bail!(
            "trusted issuer {who}: the public key is not PEM text (a DER `.cer` file? \
             `openssl x509 -inform DER -in webhr.cer -out webhr.pem` converts one)"
        );
    }
    if text.contains("PRIVATE KEY-----") {
        anyhow::bail!(
            "trusted issuer {who}: this is a private key; give statreq the issuer's public key or \
             certificate only (the private key stays with the issuer)"
        );
    }
    let (algorithm, key, kind) = match t.algorithm.as_str() {
        "EdDSA" => (Algorithm::EdDSA, DecodingKey::from_ed_pem(pem), "an Ed25519"),
        "ES256" => (Algorithm::ES256, DecodingKey::from_ec_pem(pem), "a P-256"),
        "RS256" => (Algorithm::RS256, DecodingKey::from_rsa_pem(pem), "an RSA"),
        other => anyhow::bail!("trusted issuer {who}: algorithm {other} is not allowed (EdDSA, ES256, RS256)"),
    };
    let key = key.map_err(|e| {
        anyhow::anyhow!(
            "trusted issuer {who}: {} needs {kind} public key, in PEM as `PUBLIC KEY`, `RSA PUBLIC KEY` \
             (RS256) or the `CERTIFICATE` carrying it ({e})",
            t.algorithm
        )
    })?;
    Ok((algorithm, key))
}

/// Reads `signing.key` from the data dir, or creates it (0600) with 32 random bytes.
fn load_or_create_key_file(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("signing.key");
    if path.exists() {
        let raw = std::fs::read_to_string(&path)?;
        return Ok(base64::engine::general_purpose::STANDARD.decode(raw.trim())?);
    }
    std::fs::create_dir_all(data_dir)?;
    let mut key = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&key);
    statreq_vault::write_private(&path, encoded.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new token signing key");
    Ok(key)
}

mod passwords;
pub use passwords::{hash_password, hash_password_in_turn, hashing_turn, verify_password, HashingTurn, MIN_PASSWORD_CHARS};

// ---------------------------------------------------------------- own tokens

#[derive(Debug, Serialize, Deserialize)]
struct OwnClaims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    nbf: i64,
    iat: i64,
    jti: String,
    typ: String,
    /// A download link's one path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

/// Signs one of statreq's own tokens: `typ` for `aud`, for `user_id`, `ttl_seconds` long.
fn sign_own(
    keys: &Keys,
    aud: &str,
    typ: &str,
    user_id: i64,
    ttl_seconds: i64,
    now: DateTime<Utc>,
    path: Option<&str>,
) -> Result<String, ApiError> {
    let claims = OwnClaims {
        iss: OWN_ISSUER.into(),
        aud: aud.into(),
        sub: user_id.to_string(),
        exp: now.timestamp() + ttl_seconds,
        nbf: now.timestamp(),
        iat: now.timestamp(),
        jti: uuid::Uuid::new_v4().to_string(),
        typ: typ.into(),
        path: path.map(str::to_owned),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).map_err(|e| {
        tracing::error!(error = %e, typ, "signing a token");
        ApiError::internal()
    })
}

pub fn issue_access_token(keys: &Keys, user_id: i64, ttl_seconds: i64, now: DateTime<Utc>) -> Result<String, ApiError> {
    sign_own(keys, OWN_AUDIENCE, "access", user_id, ttl_seconds, now, None)
}

// ---------------------------------------------------------------- download links

const LINK_AUDIENCE: &str = "statreq-download";
/// How long a download link works (plus the usual leeway for clocks).
pub const LINK_TTL_SECONDS: i64 = 60;

/// A ticket that lets `user_id` GET `path` (and nothing else) without a bearer token
/// for [`LINK_TTL_SECONDS`]. Signed with the access tokens' key, so every instance
/// takes it; its own audience and `typ` keep it from passing for an access token.
pub fn issue_link_ticket(keys: &Keys, user_id: i64, path: &str, now: DateTime<Utc>) -> Result<String, ApiError> {
    sign_own(keys, LINK_AUDIENCE, "download", user_id, LINK_TTL_SECONDS, now, Some(path))
}

/// The account a download link's ticket speaks for, when it was made for `path`.
fn verify_link_ticket(keys: &Keys, ticket: &str, path: &str) -> Result<UserId, ApiError> {
    let invalid = || {
        ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "invalid_link",
            "下載連結無效或已逾時，請回到頁面重新下載。",
            "The download link is invalid or has expired; download again from the page.",
        )
    };
    let data = jsonwebtoken::decode::<OwnClaims>(ticket, &keys.decoding, &validation(Algorithm::HS256, OWN_ISSUER, LINK_AUDIENCE))
        .map_err(|_| invalid())?;
    if data.claims.typ != "download" || data.claims.path.as_deref() != Some(path) {
        return Err(invalid());
    }
    data.claims.sub.parse().map(UserId).map_err(|_| invalid())
}

/// A new opaque refresh token and the hash under which it is stored.
pub fn new_refresh_token() -> (String, String) {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// The cookie a browser keeps its refresh token in (HttpOnly, `Statreq-Refresh: cookie`).
pub const REFRESH_COOKIE: &str = "statreq_refresh";

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

fn validation(alg: Algorithm, iss: &str, aud: &str) -> Validation {
    let mut v = Validation::new(alg);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.validate_nbf = true;
    v.leeway = LEEWAY_SECONDS;
    v.set_issuer(&[iss]);
    v.set_audience(&[aud]);
    v
}

// ---------------------------------------------------------------- trusted issuers

/// Claims a trusted issuer (WebHR) puts in its tokens about the acting user.
#[derive(Debug, Deserialize)]
struct ExternalClaims {
    iss: String,
    sub: String,
    name: String,
    #[serde(default)]
    email: String,
    agency: String,
    roles: Roles,
}

/// `roles` as an array, or one role as a plain string: .NET's token handlers write a
/// claim with one value that way.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a role or an array of roles")]
enum Roles {
    One(String),
    Many(Vec<String>),
}

impl Roles {
    fn names(&self) -> &[String] {
        match self {
            Roles::One(r) => std::slice::from_ref(r),
            Roles::Many(rs) => rs,
        }
    }
}

/// The claims of a token whose signature and registered claims one issuer's key
/// verified. When they do not read, its holder is told which claim is wrong (nobody
/// else can sign one).
fn read_claims(issuer: &str, claims: serde_json::Value) -> Result<ExternalClaims, ApiError> {
    serde_path_to_error::deserialize(claims).map_err(|e| {
        let what = e.inner().to_string();
        // A missing claim is named by serde's message, a mistyped one by the path.
        let missing = what.strip_prefix("missing field `").and_then(|m| m.split('`').next());
        let claim = match e.path().to_string() {
            path if path == "." => missing.unwrap_or_default().to_owned(),
            path => path,
        };
        ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "invalid_token",
            format!("存取權杖的宣告「{claim}」缺少或格式有誤，請洽簽發系統（{issuer}）。"),
            format!("The token of {issuer} is verified, but its claim `{claim}` does not read: {what}."),
        )
    })
}

/// A verified token's claim that reads but does not fit, named for the issuer's
/// engineers (nobody else can sign one).
fn claim_unfit(issuer: &str, claim: &str, zh: &str, en: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "invalid_token",
        format!("存取權杖的宣告「{claim}」{zh}，請洽簽發系統（{issuer}）。"),
        format!("The token of {issuer} is verified, but its claim `{claim}` {en}."),
    )
}

/// Who a bearer token speaks for, before the account is looked up; an external
/// subject comes with the agency subtrees its issuer may speak for (empty: any).
pub enum TokenSubject {
    Own(UserId),
    External(Box<NewUser>, Vec<String>),
}

pub fn verify_token(keys: &Keys, token: &str) -> Result<TokenSubject, ApiError> {
    let invalid = || ApiError::unauthorized("invalid_token", "The access token is invalid or expired.");
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
    if header.alg == Algorithm::HS256 {
        let data = jsonwebtoken::decode::<OwnClaims>(token, &keys.decoding, &validation(Algorithm::HS256, OWN_ISSUER, OWN_AUDIENCE))
            .map_err(|_| invalid())?;
        if data.claims.typ != "access" {
            return Err(invalid());
        }
        return data.claims.sub.parse().map(|id| TokenSubject::Own(UserId(id))).map_err(|_| invalid());
    }
    for t in keys.trusted.iter().filter(|t| t.algorithm == header.alg) {
        let v = validation(t.algorithm, &t.issuer.issuer, &t.issuer.audience);
        let Ok(data) = jsonwebtoken::decode::<serde_json::Value>(token, &t.key, &v) else { continue };
        let c = read_claims(&t.issuer.issuer, data.claims)?;
        let unfit = |claim: &str, zh: &str, en: &str| claim_unfit(&t.issuer.issuer, claim, zh, en);
        let agency = AgencyCode::parse(&c.agency).map_err(|_| unfit("agency", "不是機關代碼", "is not an agency code"))?;
        let roles = RoleSet::new(c.roles.names().iter().filter_map(|r| Role::parse(r)).filter(|r| t.issuer.allowed_roles.contains(r)))
            .fitting(&agency);
        if roles.iter().next().is_none() {
            return Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "no_roles",
                "此帳號沒有可使用本系統的角色。",
                "The token carries no role this issuer may grant.",
            ));
        }
        if c.sub.is_empty() || c.sub.len() > 128 || statreq_domain::values::disallowed_char(&c.sub).is_some() {
            return Err(unfit("sub", "為空白、過長或含控制字元", "is empty, longer than 128 bytes or holds a control character"));
        }
        // The name every reader of the account sees: as a local account's (non-blank, at
        // most 100 characters, nothing that turns text around), on one line: line breaks
        // and tabs the issuer sent are spaces here.
        let name = c.name.split(|ch: char| ch.is_whitespace() && ch.is_control()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || statreq_domain::values::disallowed_char(name).is_some() {
            return Err(unfit(
                "name",
                "為空白、超過100字或含控制、方向字元",
                "is blank, longer than 100 characters or holds a control or direction character",
            ));
        }
        // Where notices are mailed: an address in ASCII, or none.
        let email = crate::app::users::check_email(&c.email).map_err(|e| match e {
            crate::app::InputError::InvalidEmail { ascii: Some(a) } => unfit(
                "email",
                &format!("不是電子郵件地址（應以半形字元書寫：「{a}」）"),
                &format!("is not an e-mail address in ASCII (\"{a}\")"),
            ),
            _ => unfit("email", "不是電子郵件地址", "is not an e-mail address"),
        })?;
        return Ok(TokenSubject::External(
            Box::new(NewUser {
                username: format!("{}@{}", c.sub, c.iss),
                display_name: name.to_string(),
                email,
                agency_code: agency,
                roles: roles.join(),
                kind: "external".into(),
                password_hash: None,
                issuer: Some(c.iss),
                subject: Some(c.sub),
            }),
            t.issuer.allowed_agencies.clone(),
        ));
    }
    Err(invalid())
}

/// The credentials of an `Authorization` value in `scheme`, whose name is
/// case-insensitive (RFC 9110 §11.1): `Bearer x`, `bearer x` and `BEARER x` alike.
pub fn credentials<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (name, rest) = value.split_once(' ')?;
    name.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

// ---------------------------------------------------------------- the caller

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: UserRow,
    pub actor: Actor,
}

impl Principal {
    pub fn from_user(user: UserRow) -> Result<Principal, ApiError> {
        let agency = user.agency_code.clone();
        // DGPA's roles only ever act for DGPA's own accounts, whatever is stored.
        let roles = RoleSet::from_joined(&user.roles).fitting(&agency);
        let actor = Actor { user: user.id, agency, roles };
        Ok(Principal { user, actor })
    }

    pub fn has(&self, role: Role) -> bool {
        self.actor.roles.has(role)
    }

    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(ApiError::forbidden_role(role))
        }
    }
}

/// Recently resolved callers, so that a burst of requests by one caller costs one
/// account lookup — and a WebHR user one upsert — per [`PrincipalCache::TTL`].
/// Local account edits invalidate at once; other instances see them within the TTL.
pub struct PrincipalCache {
    inner: crate::app::cache::Cache<String, UserRow>,
}

impl Default for PrincipalCache {
    fn default() -> Self {
        Self { inner: crate::app::cache::Cache::new(Self::TTL, Self::MAX_ENTRIES) }
    }
}

impl PrincipalCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(5);
    const MAX_ENTRIES: u64 = 10_000;

    fn key(subject: &TokenSubject) -> String {
        match subject {
            TokenSubject::Own(id) => format!("own:{id}"),
            // Any change in the asserted claims is a different key: it gets upserted.
            TokenSubject::External(u, _) => format!("ext:{}\0{}\0{}\0{}\0{}", u.username, u.display_name, u.email, u.agency_code, u.roles),
        }
    }

    /// Forget everything (after an account changes on this instance).
    pub fn invalidate(&self) {
        self.inner.invalidate();
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Principal, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        // A GET may carry a download link's ticket in place of the header; it opens
        // only the path it was made for (a file).
        let ticket = crate::http::links::ticket(req);
        let path = req.path().to_owned();
        let audit = statreq_store::AuditContext { client_addr: crate::http::client_ip(req).map(|a| a.to_string()), ..Default::default() };
        // A query parameter the operation does not take, refused once the caller is known.
        let refused = crate::http::versioning::refused_query(req);
        Box::pin(async move {
            let state = state.ok_or_else(ApiError::internal)?;
            let missing = || ApiError::unauthorized("authentication_required", "Send 'Authorization: Bearer <token>'.");
            let subject = match (header, ticket) {
                (Some(header), _) => verify_token(&state.keys, credentials(&header, "Bearer").ok_or_else(missing)?)?,
                // A download link: its ticket opens the one path it was made for.
                (None, Some(ticket)) => TokenSubject::Own(verify_link_ticket(&state.keys, &ticket, &path)?),
                (None, None) => return Err(missing()),
            };
            if let TokenSubject::External(new, roots) = &subject {
                // The issuer speaks only for its agencies (and those below them).
                if !roots.is_empty() {
                    let tree = state.agencies.tree(&state).await?;
                    let within = tree.chain(&new.agency_code).is_some_and(|(chain, _)| {
                        roots.iter().any(|r| chain.agency.as_str() == r || chain.ancestors.iter().any(|a| a.as_str() == r))
                    });
                    if !within {
                        return Err(ApiError::new(
                            actix_web::http::StatusCode::FORBIDDEN,
                            "agency_not_allowed_for_issuer",
                            "權杖簽發者不得代表此機關。",
                            "The token's issuer may not speak for this agency.",
                        ));
                    }
                }
            }
            let key = PrincipalCache::key(&subject);
            let now = Utc::now();
            let lookup = crate::app::db(&state, move |s| match subject {
                TokenSubject::Own(id) => s.get_user(id),
                TokenSubject::External(new, _) => {
                    let audit = statreq_store::AuditContext { actor_agency: Some(new.agency_code.clone()), ..audit };
                    s.upsert_external_user(*new, &audit, now)
                }
            });
            let user = state.principals.inner.get_or_try(key, lookup).await.map_err(|e| match e {
                AppError::NotFound | AppError::Store(StoreError::NotFound) => {
                    ApiError::unauthorized("invalid_token", "The account no longer exists.")
                }
                AppError::Store(StoreError::MissingReference(_) | StoreError::Invalid(_)) => ApiError::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    "unknown_agency",
                    "權杖所載機關代碼不在本系統機關清單中，請洽人事總處。",
                    "The token's agency code is not in statreq's agency list; ask DGPA to add it.",
                ),
                other => other.into(),
            })?;
            if !user.active {
                return Err(ApiError::unauthorized("account_disabled", "This account is disabled."));
            }
            if let Some(refused) = refused {
                return Err(refused);
            }
            Principal::from_user((*user).clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::issuer_key;
    use crate::config::TrustedIssuer;

    /// A self-signed certificate carrying the e2e tests' WebHR key (Ed25519).
    const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----\nMIIBhTCCATegAwIBAgIUZM+ZQrSh7xCyvvT82lat63M/3RMwBQYDK2VwMDcxCzAJ\nBgNVBAYTAlRXMRMwEQYDVQQKDApXZWJIUiB0ZXN0MRMwEQYDVQQDDAp3ZWJoci50\nZXN0MCAXDTI2MTIwNDAzNTUyM1oYDzIxMjYxMTEwMDM1NTIzWjA3MQswCQYDVQQG\nEwJUVzETMBEGA1UECgwKV2ViSFIgdGVzdDETMBEGA1UEAwwKd2ViaHIudGVzdDAq\nMAUGAytlcAMhAAawI0BM9179ej77Z393eu8qEhjFqSHxU0hXnzveEquyo1MwUTAd\nBgNVHQ4EFgQUgWOv/zvQZ81XM5jmCnuYEZLDfx0wHwYDVR0jBBgwFoAUgWOv/zvQ\nZ81XM5jmCnuYEZLDfx0wDwYDVR0TAQH/BAUwAwEB/zAFBgMrZXADQQCuk+/pW/pa\nEhufTlwToR21slOA5b7Sxe8V4VeEW8ySiDhMIZWJAdXnSxSFuOMmbcPAhrB07xP+\nwiMWC/G/20UD\n-----END CERTIFICATE-----\n";

    fn issuer(algorithm: &str) -> TrustedIssuer {
        serde_json::from_value(serde_json::json!({"issuer": "https://webhr.test", "audience": "statreq", "algorithm": algorithm}))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_issuers_key_is_taken_from_pem_or_its_certificate_and_refusals_say_what_to_give() {
        assert!(issuer_key(&issuer("EdDSA"), CERTIFICATE.as_bytes()).is_ok());
        let refusal = |alg: &str, pem: &[u8]| issuer_key(&issuer(alg), pem).err().map(|e| e.to_string()).unwrap_or_default();
        // The same certificate for another algorithm names what that one needs.
        let wrong = refusal("RS256", CERTIFICATE.as_bytes());
        assert!(wrong.starts_with("trusted issuer https://webhr.test: RS256 needs an RSA public key"), "{wrong}");
        // DER (a Windows `.cer`): not PEM, and how to convert it.
        let der = refusal("EdDSA", &[0x30, 0x82, 0x01, 0x85, 0x30]);
        assert!(der.contains("not PEM") && der.contains("openssl x509 -inform DER"), "{der}");
        // A private key never belongs here.
        let private =
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIOyXTtRDTYmSwM/MQj5E/FSqmH6mUhJFRKCOrDMvl0O\n-----END PRIVATE KEY-----\n";
        assert!(refusal("EdDSA", private.as_bytes()).contains("this is a private key"));
        assert!(refusal("HS256", CERTIFICATE.as_bytes()).contains("algorithm HS256 is not allowed"));
    }
}
