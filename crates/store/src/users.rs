//! Accounts (local, service, provisioned from a trusted issuer); their sign-ins are in `sessions`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{AgencyCode, Role, RoleSet, UserId};

use crate::schema::{refresh_tokens, requests, users};
use crate::{from_db, to_db, AuditContext, Store, StoreError, StoreResult};

/// Which accounts [`Store::find_users`] lists: every one by default.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Words in the username, the name or the e-mail address (case-insensitive in
    /// ASCII); blank selects everyone.
    pub text: Option<String>,
    /// Accounts of this agency.
    pub agency: Option<AgencyCode>,
    /// Accounts holding this role (its name, `dgpa_officer`).
    pub role: Option<&'static str>,
}

use crate::lower;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
struct Row {
    id: UserId,
    username: String,
    display_name: String,
    email: String,
    agency_code: AgencyCode,
    roles: String,
    kind: String,
    password_hash: Option<String>,
    issuer: Option<String>,
    subject: Option<String>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    age_recipient: Option<String>,
    roles_managed: bool,
    notification_settings: String,
    version: i64,
}

#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: AgencyCode,
    /// Comma-separated role names.
    pub roles: String,
    pub kind: String,
    pub password_hash: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// X25519 age recipient for downloads, when registered.
    pub age_recipient: Option<String>,
    /// Notice kinds the person does not want by e-mail: `{"kind": false}`.
    pub notification_settings: serde_json::Value,
    /// Raised by every change to what an administrator edits (and by a provisioned
    /// account's refresh): the ETag an edit's `If-Match` is checked against.
    pub version: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password hash.
        f.debug_struct("UserRow").field("id", &self.id).field("username", &self.username).field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl From<Row> for UserRow {
    fn from(r: Row) -> Self {
        UserRow {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            agency_code: r.agency_code,
            roles: r.roles,
            kind: r.kind,
            password_hash: r.password_hash,
            issuer: r.issuer,
            subject: r.subject,
            active: r.active,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
            age_recipient: r.age_recipient,
            notification_settings: serde_json::from_str(&r.notification_settings).unwrap_or_default(),
            version: r.version,
        }
    }
}

#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub agency_code: AgencyCode,
    pub roles: String,
    pub kind: String,
    pub password_hash: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
}

#[derive(Clone, Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub agency_code: Option<AgencyCode>,
    pub roles: Option<String>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl Store {
    /// Creates an account, audited in the same transaction.
    pub fn create_user(&self, new: NewUser, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<UserRow> {
        let id = self.write_tx(|c| {
            let id = insert_user(c, &new, now)?;
            let detail =
                serde_json::json!({"user": id, "username": new.username, "agency": new.agency_code, "roles": new.roles, "kind": new.kind});
            crate::audit::append(c, audit, "user.created", None, &detail, now)?;
            Ok(id)
        })?;
        user_by_id(&mut *self.conn()?, id)
    }

    pub fn get_user(&self, id: UserId) -> StoreResult<UserRow> {
        user_by_id(&mut *self.conn()?, id)
    }

    /// Several users, a thousand ids a query (missing ids are left out).
    pub fn get_users(&self, ids: &[UserId]) -> StoreResult<Vec<UserRow>> {
        // One id (the usual case of a single request's view) as `=`: a statement the
        // connection prepares once; `IN (…)` is prepared anew for every call. Many (every
        // creator of the delivered requests, for the destruction reminders) a thousand at
        // a time: SQLite binds at most 32,766 values in a statement.
        let rows = match ids {
            [] => Vec::new(),
            [one] => users::table.filter(users::id.eq(*one)).select(Row::as_select()).load(&mut *self.conn()?)?,
            _ => {
                let mut conn = self.conn()?;
                let mut rows = Vec::new();
                for chunk in ids.chunks(1000) {
                    rows.extend(users::table.filter(users::id.eq_any(chunk)).select(Row::as_select()).load::<Row>(&mut *conn)?);
                }
                rows
            }
        };
        Ok(rows.into_iter().map(UserRow::from).collect())
    }

    pub fn find_user_by_username(&self, username: &str) -> StoreResult<UserRow> {
        Ok(users::table.filter(users::username.eq(username)).select(Row::as_select()).first(&mut *self.conn()?)?.into())
    }

    /// The active accounts of some agencies (whom to notify there).
    pub fn active_users_of(&self, agencies: &[AgencyCode]) -> StoreResult<Vec<UserRow>> {
        let rows = users::table
            .filter(users::agency_code.eq_any(agencies).and(users::active.eq(true)))
            .order(users::id.asc())
            .select(Row::as_select())
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(UserRow::from).collect())
    }

    /// Sets which notices a person wants by e-mail, audited.
    /// Changes a person's notice settings (kind → on, by e-mail and in the inbox), read
    /// and written under the account's lock: changes sent at once (a person ticking
    /// several boxes) all land.
    pub fn set_notification_settings(
        &self,
        id: UserId,
        email: &std::collections::BTreeMap<String, bool>,
        inbox: &std::collections::BTreeMap<String, bool>,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRow> {
        self.write_tx(|c| {
            lock_account(c, id)?;
            let stored: String = users::table.find(id).select(users::notification_settings).first(c)?;
            let current = serde_json::from_str(&stored).unwrap_or(serde_json::Value::Null);
            let settings = statreq_domain::notify::with_changes(&current, email, inbox);
            if settings == current {
                // The choices as they are: nothing to record.
                return Ok(());
            }
            diesel::update(users::table.find(id))
                .set((users::notification_settings.eq(serde_json::to_string(&settings)?), users::updated_at.eq(to_db(now))))
                .execute(c)?;
            let change = serde_json::json!({"user": id, "email": email, "inbox": inbox});
            crate::audit::append(c, audit, "user.notification_settings", None, &change, now)
        })?;
        user_by_id(&mut *self.conn()?, id)
    }

    /// Users by id, newest last; `after` is the last id of the previous page.
    /// Active accounts holding a role (roles are stored comma-joined).
    pub fn active_users_with_role(&self, role: &str) -> StoreResult<Vec<UserRow>> {
        let rows = users::table
            .filter(users::active.eq(true))
            .filter(users::roles.like(format!("%{role}%")))
            .order(users::id.asc())
            .select(Row::as_select())
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(UserRow::from).filter(|u| u.roles.split(',').any(|r| r.trim() == role)).collect())
    }

    pub fn list_users(&self, after: Option<i64>, limit: i64) -> StoreResult<Vec<UserRow>> {
        self.find_users(&UserFilter::default(), after, limit)
    }

    /// The accounts `filter` selects, by id, after `after`.
    pub fn find_users(&self, filter: &UserFilter, after: Option<i64>, limit: i64) -> StoreResult<Vec<UserRow>> {
        let mut q = users::table.select(Row::as_select()).order(users::id.asc()).limit(limit).into_boxed();
        if let Some(after) = after {
            q = q.filter(users::id.gt(after));
        }
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // However either side wrote them: full-width or ASCII letters and digits.
            let holds = |p: String| {
                lower(users::username).like(p.clone()).escape('\\').or(lower(users::display_name).like(p.clone()).escape('\\')).or(lower(
                    users::email,
                )
                .like(p)
                .escape('\\'))
            };
            let [half, typed, full] = crate::like_forms(text);
            q = q.filter(holds(half).or(holds(typed)).or(holds(full)));
        }
        if let Some(agency) = &filter.agency {
            q = q.filter(users::agency_code.eq(agency.clone()));
        }
        if let Some(role) = filter.role {
            // Roles are kept joined by commas (`applicant,supervisor`, RoleSet::join).
            let held = users::roles
                .eq(role)
                .or(users::roles.like(format!("{role},%")))
                .or(users::roles.like(format!("%,{role}")))
                .or(users::roles.like(format!("%,{role},%")));
            q = q.filter(held);
        }
        Ok(q.load(&mut *self.conn()?)?.into_iter().map(UserRow::from).collect())
    }

    /// Changes an account, audited in the same transaction (what changed, never the
    /// password). A new password or a disabled account signs every session out.
    pub fn update_user(
        &self,
        id: UserId,
        change: UserUpdate,
        expected: Option<i64>,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRow> {
        self.write_tx(|c| {
            // A change that may take an administrator's administration away locks every
            // active administrator first, in one order (no deadlock), so that two such
            // changes at once (each disabling the other) are counted one after the other.
            let may_demote =
                change.active == Some(false) || change.roles.as_deref().is_some_and(|r| !RoleSet::from_joined(r).has(Role::DgpaAdmin));
            let admins = if may_demote { lock_active_administrators(c)? } else { Vec::new() };
            let cur: Row = users::table.find(id).select(Row::as_select()).first(c)?;
            if expected.is_some_and(|v| v != cur.version) {
                return Err(StoreError::Conflict);
            }
            let stays_admin = change.active.unwrap_or(cur.active)
                && RoleSet::from_joined(change.roles.as_deref().unwrap_or(&cur.roles)).has(Role::DgpaAdmin);
            if may_demote && !stays_admin && admins.contains(&id) && admins.len() == 1 {
                return Err(StoreError::LastAdministrator);
            }
            let mut changed = serde_json::Map::new();
            let mut note = |field: &str, old: &str, new: &Option<String>| {
                if let Some(n) = new.as_deref().filter(|n| *n != old) {
                    changed.insert(field.into(), serde_json::json!({"from": old, "to": n}));
                }
            };
            note("display_name", &cur.display_name, &change.display_name);
            note("email", &cur.email, &change.email);
            note("agency_code", cur.agency_code.as_str(), &change.agency_code.as_ref().map(AgencyCode::to_string));
            note("roles", &cur.roles, &change.roles);
            if let Some(a) = change.active.filter(|a| *a != cur.active) {
                changed.insert("active".into(), serde_json::json!({"from": cur.active, "to": a}));
            }
            let password_reset = change.password_hash.is_some();
            if password_reset {
                changed.insert("password".into(), serde_json::json!("reset"));
            }
            if changed.is_empty() {
                // Nothing differs: no new version, no audit entry of a change nobody made.
                return Ok(());
            }
            let signs_out = password_reset || change.active == Some(false);
            // An administrator's role change to a provisioned account sticks.
            let roles_managed = cur.roles_managed || (cur.kind == "external" && change.roles.as_ref().is_some_and(|r| *r != cur.roles));
            // Compare-and-set on the version read: a change that landed in between (on
            // PostgreSQL, another transaction) is a conflict, never overwritten.
            let written = diesel::update(users::table.find(id).filter(users::version.eq(cur.version)))
                .set((
                    users::display_name.eq(change.display_name.unwrap_or(cur.display_name)),
                    users::email.eq(change.email.unwrap_or(cur.email)),
                    users::agency_code.eq(change.agency_code.unwrap_or(cur.agency_code)),
                    users::roles.eq(change.roles.unwrap_or(cur.roles)),
                    users::active.eq(change.active.unwrap_or(cur.active)),
                    users::password_hash.eq(change.password_hash.or(cur.password_hash)),
                    users::roles_managed.eq(roles_managed),
                    users::updated_at.eq(to_db(now)),
                    users::version.eq(cur.version + 1),
                ))
                .execute(c)?;
            if written == 0 {
                return Err(StoreError::Conflict);
            }
            if changed.contains_key("display_name") || changed.contains_key("agency_code") {
                touch_requests_of(c, id, now)?;
            }
            let revoked = if signs_out { revoke_all(c, id)? } else { 0 };
            let detail = serde_json::json!({"user": id, "changed": changed, "sessions_revoked": revoked});
            crate::audit::append(c, audit, "user.updated", None, &detail, now)
        })?;
        user_by_id(&mut *self.conn()?, id)
    }

    /// The account of a trusted issuer's user: created on first sight, its name,
    /// e-mail and agency refreshed from each newer token — and its roles, unless an
    /// administrator has set them (or a token's demotion of the last administrator was
    /// refused). Provisioning and changes are audited.
    pub fn upsert_external_user(&self, new: NewUser, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<UserRow> {
        let id = self.write_tx(|c| {
            let existing: Option<Row> = users::table
                .filter(users::issuer.eq(&new.issuer).and(users::subject.eq(&new.subject)))
                .select(Row::as_select())
                .first(c)
                .optional()?;
            match existing {
                Some(cur) => {
                    let mut roles = if cur.roles_managed { cur.roles.clone() } else { new.roles.clone() };
                    let mut agency = new.agency_code.clone();
                    // A token that would take the last administrator's administration
                    // away (the role dropped, or an agency outside DGPA) leaves it as
                    // it is: someone must be able to administer the service, as
                    // `update_user` keeps for an administrator's edit. The account's
                    // roles are statreq's to manage from then on (as after an
                    // administrator's edit: an administrator changes them, not the next
                    // token), and this is audited once, when it first happens.
                    let administers = |roles: &str, agency: &AgencyCode| RoleSet::from_joined(roles).administers(agency);
                    let mut kept_administration = false;
                    if cur.active && administers(&cur.roles, &cur.agency_code) && !administers(&roles, &agency) {
                        let admins = lock_active_administrators(c)?;
                        if admins == [cur.id] {
                            roles = RoleSet::new(RoleSet::from_joined(&roles).iter().chain([Role::DgpaAdmin])).join();
                            if !agency.is_dgpa() {
                                agency = cur.agency_code.clone();
                            }
                            kept_administration = true;
                        }
                    }
                    // A token that says what is stored already changes no version: an
                    // administrator's edit on the account stays current.
                    let first_kept = kept_administration && !cur.roles_managed;
                    let changed = cur.display_name != new.display_name
                        || cur.email != new.email
                        || cur.agency_code != agency
                        || cur.roles != roles
                        || first_kept;
                    diesel::update(users::table.find(cur.id))
                        .set((
                            users::display_name.eq(&new.display_name),
                            users::email.eq(&new.email),
                            users::agency_code.eq(&agency),
                            users::roles.eq(&roles),
                            users::roles_managed.eq(cur.roles_managed || kept_administration),
                            users::updated_at.eq(to_db(now)),
                            users::version.eq(users::version + i64::from(changed)),
                        ))
                        .execute(c)?;
                    if cur.display_name != new.display_name || cur.agency_code != agency {
                        touch_requests_of(c, cur.id, now)?;
                    }
                    if cur.agency_code != agency || cur.roles != roles || first_kept {
                        let ctx = AuditContext { actor_id: Some(cur.id), ..audit.clone() };
                        let mut detail = serde_json::json!({"user": cur.id, "agency": {"from": cur.agency_code, "to": agency}, "roles": {"from": cur.roles, "to": roles}});
                        if first_kept {
                            detail["last_administrator_kept"] =
                                serde_json::json!({"token_agency": new.agency_code, "token_roles": new.roles});
                        }
                        crate::audit::append(c, &ctx, "user.updated_from_token", None, &detail, now)?;
                    }
                    Ok(cur.id)
                }
                None => {
                    let id = insert_user(c, &new, now)?;
                    let ctx = AuditContext { actor_id: Some(id), ..audit.clone() };
                    let detail = serde_json::json!({"user": id, "issuer": new.issuer, "subject": new.subject, "agency": new.agency_code, "roles": new.roles});
                    crate::audit::append(c, &ctx, "user.provisioned", None, &detail, now)?;
                    Ok(id)
                }
            }
        })?;
        user_by_id(&mut *self.conn()?, id)
    }

    /// Registers (or with `None` removes) the caller's age recipient, audited; the
    /// one already registered again changes nothing (a system that sends it at each
    /// start leaves no trail of non-changes).
    pub fn set_age_recipient(
        &self,
        id: UserId,
        recipient: Option<&str>,
        audit: &crate::AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<UserRow> {
        self.write_tx(|c| {
            let current: Option<String> = users::table.find(id).select(users::age_recipient).first(c)?;
            if current.as_deref() == recipient {
                return Ok(());
            }
            diesel::update(users::table.find(id)).set((users::age_recipient.eq(recipient), users::updated_at.eq(to_db(now)))).execute(c)?;
            crate::audit::append(c, audit, "user.age_recipient_set", None, &serde_json::json!({"user": id, "recipient": recipient}), now)
        })?;
        user_by_id(&mut *self.conn()?, id)
    }

    pub fn count_users(&self) -> StoreResult<i64> {
        Ok(users::table.count().get_result(&mut *self.conn()?)?)
    }
}

/// The active administrators (`dgpa_admin`), their rows locked for the rest of the
/// transaction in id order (PostgreSQL; SQLite has one writer). `FOR NO KEY UPDATE`,
/// like the row locks below: it waits for another such lock and for an update of the
/// row, but not for a row elsewhere that merely refers to it (a sign-in's token, a
/// request's author), so those never wait on it nor deadlock with it.
fn lock_active_administrators(c: &mut crate::DbConnection) -> StoreResult<Vec<UserId>> {
    let q = users::table
        .filter(users::active.eq(true))
        .filter(users::roles.like("%dgpa_admin%"))
        .order(users::id.asc())
        .select((users::id, users::roles));
    let rows: Vec<(UserId, String)> = match c {
        crate::DbConnection::Postgres(pg) => q.for_no_key_update().load(pg)?,
        crate::DbConnection::Sqlite(lite) => q.load(lite)?,
    };
    Ok(rows.into_iter().filter(|(_, roles)| RoleSet::from_joined(roles).has(Role::DgpaAdmin)).map(|(id, _)| id).collect())
}

/// Locks an account's row for the rest of the transaction (PostgreSQL; SQLite has one
/// writer), so that what is counted per account — drafts, webhooks — is counted by
/// concurrent transactions one after the other.
pub(crate) fn lock_account(c: &mut crate::DbConnection, id: UserId) -> StoreResult<()> {
    let q = users::table.find(id).select(users::id);
    match c {
        crate::DbConnection::Postgres(pg) => q.for_no_key_update().first::<UserId>(pg)?,
        crate::DbConnection::Sqlite(lite) => q.first::<UserId>(lite)?,
    };
    Ok(())
}

/// A request's view names the person who created it and the officer who has it, with
/// their agency: when either changes, `updated_since` finds those requests (their
/// versions stay: nothing an If-Match guards changed).
fn touch_requests_of(c: &mut crate::DbConnection, id: UserId, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::update(requests::table.filter(requests::created_by.eq(id).or(requests::assignee.eq(id))))
        .set(requests::updated_at.eq(to_db(now)))
        .execute(c)?;
    Ok(())
}

/// Ends every sign-in of a user (its refresh tokens are deleted); returns how many
/// tokens there were.
pub(crate) fn revoke_all(c: &mut crate::DbConnection, user_id: UserId) -> StoreResult<usize> {
    crate::sessions::lock_tokens(c, crate::sessions::Tokens::User(user_id))?;
    Ok(diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id))).execute(c)?)
}

fn user_by_id(c: &mut crate::DbConnection, id: UserId) -> StoreResult<UserRow> {
    Ok(users::table.find(id).select(Row::as_select()).first(c)?.into())
}

fn insert_user(c: &mut crate::DbConnection, new: &NewUser, now: DateTime<Utc>) -> StoreResult<UserId> {
    let id = diesel::insert_into(users::table)
        .values((
            users::username.eq(&new.username),
            users::display_name.eq(&new.display_name),
            users::email.eq(&new.email),
            users::agency_code.eq(&new.agency_code),
            users::roles.eq(&new.roles),
            users::kind.eq(&new.kind),
            users::password_hash.eq(&new.password_hash),
            users::issuer.eq(&new.issuer),
            users::subject.eq(&new.subject),
            users::active.eq(true),
            users::created_at.eq(to_db(now)),
            users::updated_at.eq(to_db(now)),
        ))
        .returning(users::id)
        .get_result::<UserId>(c)?;
    Ok(id)
}
