//! Sign-in and tokens.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// Taken in any case and without the spaces around it (usernames are lower case).
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    pub refresh_token: String,
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4) for service accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsBody {
    /// Always `client_credentials`.
    #[schema(pattern = "^client_credentials$")]
    pub grant_type: String,
    pub client_id: String,
    pub client_secret: String,
}

/// The same request as RFC 6749 §4.4 writes it: `application/x-www-form-urlencoded`,
/// the client authenticated with HTTP Basic (`client_id:client_secret`, RFC 6749
/// §2.3.1) or by `client_id` and `client_secret` in the form. Other parameters are
/// ignored, as RFC 6749 §3.2 requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientCredentialsForm {
    /// Always `client_credentials`.
    #[schema(pattern = "^client_credentials$")]
    pub grant_type: String,
    /// The service account's username (when not sent with HTTP Basic).
    #[serde(default)]
    pub client_id: Option<String>,
    /// Its password (when not sent with HTTP Basic).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Accepted and ignored: a service account's rights are its roles.
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Present for interactive logins; service accounts ask for a new token instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: String,
    pub agency_name: String,
    pub roles: Vec<Role>,
    /// The X25519 age recipient files with personal data are encrypted to for this
    /// account (`PUT /me/age-recipient`); absent: a passphrase per file.
    #[serde(default)]
    pub age_recipient: Option<String>,
}

/// The longest an e-mail may wait for others to the same address (`--email-gather-seconds`).
pub const EMAIL_GATHER_MAX_SECONDS: u32 = 3600;

/// Where one wants each kind of notice: in the in-app inbox, by e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Every notice kind (`request_submitted`, `request_dgpa_returned`,
    /// `destruction_due`, `escalation` …) with whether it is e-mailed. A `PUT` may name
    /// only the kinds it changes (`{}` for none).
    pub email: std::collections::BTreeMap<String, bool>,
    /// Every notice kind with whether it comes to the in-app inbox (`GET /me/inbox`);
    /// `destruction_due`, `destruction_overdue` and `escalation` always do (rule 6, and
    /// work left waiting), so turning one off is refused. A `PUT` may leave it out, or
    /// name only the kinds it changes. Since 1.11.0; before, every notice came in-app.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub inbox: std::collections::BTreeMap<String, bool>,
    /// Read only (a `PUT` may send it back; it is ignored): whether the service sends
    /// e-mail at all (`--smtp-url`); while it does not, `email` is kept for when it does.
    /// Since 1.24.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_sent: Option<bool>,
    /// Read only (a `PUT` may send it back, 0–3600; it is ignored): how long an e-mail
    /// waits for others to the same address, to go with them as one message, in seconds
    /// (`--email-gather-seconds`; 0: each at once). Since 1.24.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `EMAIL_GATHER_MAX_SECONDS` (the schema takes a literal).
    #[schema(minimum = 0, maximum = 3600)]
    pub email_gather_seconds: Option<u32>,
}

/// Changing one's own password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    #[schema(max_length = 128)]
    pub current_password: String,
    /// 12–128 characters; not containing the username, not a common password.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// One sign-in of the caller's account (and the tokens refreshed from it) that can
/// still be refreshed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    /// Opaque; `DELETE /auth/sessions/{id}` ends it.
    pub id: String,
    pub started_at: DateTime<Utc>,
    /// When its refresh token was last issued (sign-in or refresh).
    pub last_active_at: DateTime<Utc>,
    /// When it ends unless refreshed.
    pub expires_at: DateTime<Utc>,
    /// The session of this call (known from the browser's refresh cookie).
    pub current: bool,
    /// The `User-Agent` its last token was issued to (at most 300 characters), so that
    /// one can tell one's sessions apart; null when none was sent, and for sessions last
    /// refreshed before 1.15.0.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub user_agent: Option<String>,
    /// The client address its last token was issued to, as the audit trail records it
    /// (behind a trusted proxy, the address the proxy names); null as `user_agent`.
    #[serde(default)]
    pub client_addr: Option<String>,
    /// The `User-Agent` of its sign-in (since 1.18.0): a session now used from another
    /// browser or address than it began in may have been carried off. Null as `user_agent`.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub started_user_agent: Option<String>,
    /// The client address of its sign-in (since 1.18.0); null as `client_addr`.
    #[serde(default)]
    pub started_client_addr: Option<String>,
}

/// The result of signing out everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SignedOutView {
    /// Sessions ended.
    pub sessions: usize,
}
