//! Agencies and accounts.

use super::*;

/// An agency of the tree, with its parent and its personnel staff count (rule 5.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AgencyView {
    /// 機關代碼.
    pub code: String,
    pub name: String,
    /// The supervising agency; absent only for DGPA, the root.
    #[serde(default)]
    pub parent_code: Option<String>,
    /// Number of personnel staff (人事人員數), weighed by the queue (rule 5.3).
    pub personnel_staff: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change: the ETag (`"3"`) that `PATCH /agencies/{code}` takes in
    /// `If-Match`, so that an edit made on an older reading is refused. Since 1.7.0.
    #[serde(default)]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgencyBody {
    /// 機關代碼: 1–20 ASCII letters or digits.
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub code: String,
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: String,
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub parent_code: String,
    /// 人事人員數, 0–100,000 (rule 5.3).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub personnel_staff: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgencyBody {
    #[serde(default)]
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub parent_code: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub personnel_staff: Option<i32>,
}

/// What an import did: rows created, updated, and left as they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
    /// Rows that matched what was stored (no new version). Since 1.19.0.
    #[serde(default)]
    pub unchanged: usize,
}

/// An account: its name, agency, roles and whether it is active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: String,
    pub roles: Vec<Role>,
    /// `local`, `service` or `external` (provisioned from a trusted issuer).
    pub kind: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Raised by every change an administrator makes (and by a provisioned account's
    /// refresh from its issuer): the ETag (`"3"`) that `PATCH /users/{id}` takes in
    /// `If-Match`, so that an edit made on an older reading is refused. Since 1.7.0.
    #[serde(default)]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    /// 3–64 lower-case letters, digits or `. _ - @`.
    #[schema(pattern = "^[a-z0-9._@-]{3,64}$")]
    pub username: String,
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub display_name: String,
    /// Empty, or an e-mail address.
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")]
    pub email: String,
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub agency_code: String,
    #[schema(min_items = 1)]
    pub roles: Vec<Role>,
    /// 12–128 characters. For service accounts this is the client secret.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    #[serde(default)]
    #[schema(
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub display_name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9]{1,20}$")]
    pub agency_code: Option<String>,
    #[serde(default)]
    #[schema(min_items = 1)]
    pub roles: Option<Vec<Role>>,
    #[serde(default)]
    pub active: Option<bool>,
    /// 12–128 characters.
    #[serde(default)]
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
}
