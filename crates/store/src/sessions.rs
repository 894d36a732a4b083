//! Sign-ins: refresh tokens, rotated and revoked by family, and the sessions they make.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::UserId;

use crate::schema::refresh_tokens;
use crate::users::revoke_all;
use crate::{from_db, to_db, AuditContext, Store, StoreResult};

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// Valid and now spent: issue the next token of `family` to `user_id`.
    Rotated { user_id: UserId, family: String },
    /// Already used or revoked: the whole family has been revoked (token theft).
    Reused,
    /// Unknown, expired or signed out.
    Invalid,
    /// The sign-in is older than the absolute session lifetime.
    SessionEnded,
}

impl Store {
    /// Stores a refresh token; `signed_in` audits a new sign-in in the same transaction.
    pub fn insert_refresh_token(&self, token: &NewRefreshToken<'_>, signed_in: Option<&AuditContext>) -> StoreResult<()> {
        self.write_tx(|c| {
            insert_token(c, token)?;
            match signed_in {
                Some(audit) => {
                    crate::audit::append(c, audit, "auth.signed_in", None, &serde_json::json!({"user": token.user_id}), token.issued_at)
                }
                None => Ok(()),
            }
        })
    }

    /// Forgets the sign-ins that can no longer refresh: those whose every token expired
    /// before `cutoff` (a token's expiry is within its session's lifetime). Without it each
    /// sign-in and each refresh (one every quarter of an hour a browser is open) would
    /// be kept for ever. Up to 100,000 sign-ins a call, found in one read (a sign-in
    /// found ended cannot start again: only a valid token adds to one), deleted a
    /// thousand at a time, each in its own transaction. Returns how many tokens went.
    pub fn purge_refresh_tokens(&self, cutoff: DateTime<Utc>) -> StoreResult<usize> {
        let ended: Vec<String> = refresh_tokens::table
            .group_by(refresh_tokens::family)
            .having(diesel::dsl::max(refresh_tokens::expires_at).lt(to_db(cutoff)))
            .select(refresh_tokens::family)
            .limit(100_000)
            .load(&mut *self.conn()?)?;
        let mut gone = 0;
        for chunk in ended.chunks(1000) {
            gone +=
                self.write_tx(|c| Ok(diesel::delete(refresh_tokens::table.filter(refresh_tokens::family.eq_any(chunk))).execute(c)?))?;
        }
        Ok(gone)
    }

    /// The account's sessions that can still refresh (a sign-in and every token
    /// rotated from it), most recently active first.
    pub fn sessions_of(&self, user_id: UserId, now: DateTime<Utc>) -> StoreResult<Vec<SessionRow>> {
        type Token = (String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>, Option<String>);
        let rows: Vec<Token> = refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .select((
                refresh_tokens::family,
                refresh_tokens::created_at,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
                refresh_tokens::revoked_at,
                refresh_tokens::user_agent,
                refresh_tokens::client_addr,
            ))
            .load(&mut *self.conn()?)?;
        let mut by_family: std::collections::BTreeMap<String, SessionRow> = std::collections::BTreeMap::new();
        let mut live: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut ended: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (family, created, expires, used, revoked, user_agent, client_addr) in rows {
            let (created, expires) = (from_db(created), from_db(expires));
            if used.is_none() && revoked.is_none() && expires > now {
                live.insert(family.clone());
            }
            // Ended for a stolen token: a token stored after that refreshes nothing.
            if revoked.is_some() {
                ended.insert(family.clone());
            }
            let origin = SessionOrigin { user_agent, client_addr };
            let entry = by_family.entry(family.clone()).or_insert(SessionRow {
                id: family,
                started_at: created,
                last_active_at: created,
                expires_at: expires,
                origin: origin.clone(),
                first_origin: origin.clone(),
            });
            // Where it began: the sign-in's token, the family's oldest.
            if created < entry.started_at {
                entry.started_at = created;
                entry.first_origin = origin.clone();
            }
            // Where it was last seen: the newest token's origin.
            if created >= entry.last_active_at {
                entry.last_active_at = created;
                entry.expires_at = expires;
                entry.origin = origin;
            }
        }
        let mut out: Vec<SessionRow> = by_family.into_values().filter(|s| live.contains(&s.id) && !ended.contains(&s.id)).collect();
        out.sort_by(|a, b| b.last_active_at.cmp(&a.last_active_at).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The session (and account) a refresh token belongs to, if it is known.
    pub fn session_of_token(&self, token_hash: &str) -> StoreResult<Option<(String, UserId)>> {
        Ok(refresh_tokens::table
            .find(token_hash)
            .select((refresh_tokens::family, refresh_tokens::user_id))
            .first(&mut *self.conn()?)
            .optional()?)
    }

    /// Ends one of the account's sessions, audited; `false` when the account has no
    /// such session.
    pub fn end_session(&self, user_id: UserId, session: &str, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write_tx(|c| {
            lock_tokens(c, Tokens::Family(session))?;
            let n = diesel::delete(
                refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::family.eq(session)),
            )
            .execute(c)?;
            if n == 0 {
                return Ok(false);
            }
            crate::audit::append(c, audit, "auth.session_ended", None, &serde_json::json!({"user": user_id, "session": session}), now)?;
            Ok(true)
        })
    }

    /// Ends every session of the account ("sign out everywhere"), audited; how many.
    pub fn end_all_sessions(&self, user_id: UserId, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<usize> {
        let sessions = self.sessions_of(user_id, now)?.len();
        self.write_tx(|c| {
            revoke_all(c, user_id)?;
            crate::audit::append(
                c,
                audit,
                "auth.signed_out_everywhere",
                None,
                &serde_json::json!({"user": user_id, "sessions": sessions}),
                now,
            )?;
            Ok(sessions)
        })
    }

    /// Signs out the session (token family) a refresh token belongs to, audited.
    /// Returns whether the token was known.
    pub fn revoke_session(&self, token_hash: &str, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<bool> {
        self.write_tx(|c| {
            let row: Option<(String, UserId)> =
                refresh_tokens::table.find(token_hash).select((refresh_tokens::family, refresh_tokens::user_id)).first(c).optional()?;
            let Some((family, user_id)) = row else { return Ok(false) };
            // Signed out, the tokens are gone: presenting one is simply invalid.
            lock_tokens(c, Tokens::Family(&family))?;
            diesel::delete(refresh_tokens::table.filter(refresh_tokens::family.eq(&family))).execute(c)?;
            let ctx = AuditContext { actor_id: Some(user_id), ..audit.clone() };
            crate::audit::append(c, &ctx, "auth.signed_out", None, &serde_json::json!({"user": user_id}), now)?;
            Ok(true)
        })
    }

    /// Spends a refresh token. Presenting a spent or revoked token revokes its
    /// whole family (OAuth 2.0 Security BCP, refresh token rotation) — save when the
    /// client that spent it presents it again within `ask.repeat_within` (two tabs of
    /// one browser refreshing at once, a response lost and the call retried): that is
    /// the same client asking twice, answered as a rotation too (the family gains a
    /// token) and audited as `auth.refresh_repeated`. The same client is the same
    /// `User-Agent` and address as the spending; from anywhere else, or later, it is
    /// reuse. A session whose first token is older than `ask.started_after` has ended
    /// (the absolute session lifetime): its tokens are revoked. Reuse is audited, and a
    /// family once revoked for it refreshes no more, whatever token of it comes.
    /// A rotation stores its successor (`ask.next_hash`) in the same transaction.
    pub fn use_refresh_token(
        &self,
        token_hash: &str,
        ask: &RefreshAsk<'_>,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<RefreshUse> {
        let by_agent = ask.by.user_agent.as_deref().and_then(SessionOrigin::cut);
        let by_addr = ask.by.client_addr.as_deref();
        self.write_tx(|c| {
            let family: Option<String> = refresh_tokens::table.find(token_hash).select(refresh_tokens::family).first(c).optional()?;
            let Some(family) = family else { return Ok(RefreshUse::Invalid) };
            lock_tokens(c, Tokens::Family(&family))?;
            type R = (UserId, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>, Option<String>);
            let row: Option<R> = refresh_tokens::table
                .find(token_hash)
                .select((
                    refresh_tokens::user_id,
                    refresh_tokens::expires_at,
                    refresh_tokens::used_at,
                    refresh_tokens::revoked_at,
                    refresh_tokens::used_by_agent,
                    refresh_tokens::used_by_addr,
                ))
                .first(c)
                .optional()?;
            // Signed out while this waited.
            let Some((user_id, expires_at, used_at, revoked_at, agent, addr)) = row else { return Ok(RefreshUse::Invalid) };
            let ctx = AuditContext { actor_id: Some(user_id), ..audit.clone() };
            // A sign-in ended for a stolen token stays ended, for a token stored after too.
            let ended: bool = diesel::select(diesel::dsl::exists(
                refresh_tokens::table.filter(refresh_tokens::family.eq(&family)).filter(refresh_tokens::revoked_at.is_not_null()),
            ))
            .get_result(c)?;
            // A spent token presented again, or one of a family revoked for that:
            // theft is likely, so the family ends (and the legitimate holder learns why).
            let reused = |c: &mut crate::DbConnection| -> StoreResult<RefreshUse> {
                diesel::update(refresh_tokens::table.filter(refresh_tokens::family.eq(&family).and(refresh_tokens::revoked_at.is_null())))
                    .set(refresh_tokens::revoked_at.eq(Some(to_db(now))))
                    .execute(c)?;
                crate::audit::append(c, &ctx, "auth.refresh_token_reused", None, &serde_json::json!({"user": user_id}), now)?;
                Ok(RefreshUse::Reused)
            };
            // The next token, stored in the same transaction: nothing can end the sign-in
            // between the spending and its successor.
            let rotated = |c: &mut crate::DbConnection| -> StoreResult<RefreshUse> {
                let next = NewRefreshToken {
                    token_hash: ask.next_hash,
                    family: &family,
                    user_id,
                    issued_at: now,
                    expires_at: ask.next_expires_at,
                    origin: ask.by.clone(),
                };
                insert_token(c, &next)?;
                Ok(RefreshUse::Rotated { user_id, family: family.clone() })
            };
            if revoked_at.is_some() || ended {
                return reused(c);
            }
            if used_at.is_none() {
                if from_db(expires_at) <= now {
                    return Ok(RefreshUse::Invalid);
                }
                let started: Option<NaiveDateTime> = refresh_tokens::table
                    .filter(refresh_tokens::family.eq(&family))
                    .select(diesel::dsl::min(refresh_tokens::created_at))
                    .first(c)?;
                if started.is_some_and(|t| from_db(t) < ask.started_after) {
                    diesel::delete(refresh_tokens::table.filter(refresh_tokens::family.eq(&family))).execute(c)?;
                    return Ok(RefreshUse::SessionEnded);
                }
                diesel::update(refresh_tokens::table.find(token_hash))
                    .set((
                        refresh_tokens::used_at.eq(Some(to_db(now))),
                        refresh_tokens::used_by_agent.eq(by_agent.as_deref()),
                        refresh_tokens::used_by_addr.eq(by_addr),
                    ))
                    .execute(c)?;
                return rotated(c);
            }
            // Spent, by this call's twin (one that committed while this waited) or
            // earlier: the same client within the window asks twice; else reuse.
            let same_client = (agent.is_some() || addr.is_some()) && agent == by_agent && addr.as_deref() == by_addr;
            // Spent within the window, so within the session's lifetime and the token's.
            let within = used_at.is_some_and(|t| now - from_db(t) <= ask.repeat_within);
            if same_client && within && from_db(expires_at) > now {
                crate::audit::append(c, &ctx, "auth.refresh_repeated", None, &serde_json::json!({"user": user_id}), now)?;
                return rotated(c);
            }
            reused(c)
        })
    }
}

/// Which refresh tokens to take before changing any: a sign-in's, or an account's.
pub(crate) enum Tokens<'a> {
    Family(&'a str),
    User(UserId),
}

/// Takes the tokens (PostgreSQL: locks their rows, in one order, until the transaction
/// ends) before a rotation, a revocation or a sign-out changes them. A rotation that
/// commits meanwhile is waited for, and the change's next statement sees the token it
/// stored; without this, a sign-out racing a refresh left the refresh's successor alive.
/// SQLite's writers run one at a time already.
pub(crate) fn lock_tokens(c: &mut crate::DbConnection, which: Tokens<'_>) -> StoreResult<()> {
    if let crate::DbConnection::Postgres(pg) = c {
        let rows = refresh_tokens::table.select(refresh_tokens::token_hash).order(refresh_tokens::token_hash);
        match which {
            Tokens::Family(family) => rows.filter(refresh_tokens::family.eq(family)).for_update().load::<String>(pg)?,
            Tokens::User(user_id) => rows.filter(refresh_tokens::user_id.eq(user_id)).for_update().load::<String>(pg)?,
        };
    }
    Ok(())
}

fn insert_token(c: &mut crate::DbConnection, token: &NewRefreshToken<'_>) -> StoreResult<()> {
    let user_agent = token.origin.user_agent.as_deref().and_then(SessionOrigin::cut);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token.token_hash),
            refresh_tokens::family.eq(token.family),
            refresh_tokens::user_id.eq(token.user_id),
            refresh_tokens::created_at.eq(to_db(token.issued_at)),
            refresh_tokens::expires_at.eq(to_db(token.expires_at)),
            refresh_tokens::user_agent.eq(user_agent.as_deref()),
            refresh_tokens::client_addr.eq(token.origin.client_addr.as_deref()),
        ))
        .execute(c)?;
    Ok(())
}

/// How a refresh token is presented: by whom, and what the service allows.
#[derive(Debug, Clone)]
pub struct RefreshAsk<'a> {
    /// A sign-in whose first token is older than this has ended.
    pub started_after: DateTime<Utc>,
    /// The client presenting it (its `User-Agent` and address).
    pub by: &'a SessionOrigin,
    /// How long after its spending the same client may present a token again (zero:
    /// never).
    pub repeat_within: chrono::Duration,
    /// The hash of the token that succeeds it, stored when it is answered as a rotation.
    pub next_hash: &'a str,
    /// When that successor expires.
    pub next_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Where its newest token was issued to.
    pub origin: SessionOrigin,
    /// Where its sign-in's token was issued to (a session carried elsewhere differs).
    pub first_origin: SessionOrigin,
}

/// A refresh token to store: its hash (never the token), its session (`family`), whose
/// it is, when it was issued and ends, and where it went.
#[derive(Debug, Clone)]
pub struct NewRefreshToken<'a> {
    pub token_hash: &'a str,
    pub family: &'a str,
    pub user_id: UserId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub origin: SessionOrigin,
}

/// Where a refresh token was issued to: the client's `User-Agent` and address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionOrigin {
    pub user_agent: Option<String>,
    pub client_addr: Option<String>,
}

impl SessionOrigin {
    /// The longest `User-Agent` kept, in characters.
    pub const MAX_USER_AGENT: usize = 300;

    /// A `User-Agent` as kept: control characters dropped, at most [`Self::MAX_USER_AGENT`];
    /// none when nothing is left.
    fn cut(user_agent: &str) -> Option<String> {
        let kept: String = user_agent.chars().filter(|c| !c.is_control()).take(Self::MAX_USER_AGENT).collect();
        (!kept.trim().is_empty()).then_some(kept)
    }
}
