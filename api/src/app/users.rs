//! The people a view names: loaded once per view, shown as [`UserRef`]s.

use std::collections::HashMap;

use statreq_contract::UserRef;
use statreq_domain::UserId;
use statreq_store::{Store, StoreResult, UserRow};

use super::InputError;

/// Users by id, as loaded for one view.
pub type Users = HashMap<UserId, UserRow>;

/// Loads the users among `ids` not yet in `into`.
pub fn load_into(s: &Store, ids: impl IntoIterator<Item = UserId>, into: &mut Users) -> StoreResult<()> {
    let mut missing: Vec<UserId> = ids.into_iter().filter(|id| !into.contains_key(id)).collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        for u in s.get_users(&missing)? {
            into.insert(u.id, u);
        }
    }
    Ok(())
}

/// The users with these ids.
pub fn load(s: &Store, ids: impl IntoIterator<Item = UserId>) -> StoreResult<Users> {
    let mut users = Users::new();
    load_into(s, ids, &mut users)?;
    Ok(users)
}

/// Whether this officer can act on work given to them ([`statreq_domain::lifecycle::attends`]).
/// The active reviewers (supervisors) at the agencies supervising `agency`.
pub async fn supervisors_of(state: &crate::AppState, agency: &statreq_domain::AgencyCode) -> super::AppResult<Vec<UserRow>> {
    let tree = state.agencies.tree(state).await?;
    let Some((chain, _)) = tree.chain(agency) else { return Ok(Vec::new()) };
    let agencies: Vec<statreq_domain::AgencyCode> = chain.supervising_agencies().into_iter().cloned().collect();
    let found = super::db(state, move |s| s.active_users_of(&agencies)).await?;
    Ok(crate::worker::with_role(found, statreq_domain::Role::Supervisor))
}

pub fn attends(u: &UserRow) -> bool {
    statreq_domain::lifecycle::attends(u.active, &statreq_domain::RoleSet::from_joined(&u.roles))
}

/// Rows as a lookup.
pub fn by_id(rows: Vec<UserRow>) -> Users {
    rows.into_iter().map(|u| (u.id, u)).collect()
}

/// How a view names a user; an unknown id shows as the bare id.
pub fn user_ref(users: &Users, id: UserId) -> UserRef {
    match users.get(&id) {
        Some(u) => UserRef { id: id.0, display_name: u.display_name.clone(), agency_code: u.agency_code.to_string() },
        None => UserRef { id: id.0, display_name: String::new(), agency_code: String::new() },
    }
}

/// The longest password statreq takes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords too common to allow whatever their length (the demo's is among them
/// only in its `--demo` database, which nobody runs for real).
const COMMON: &[&str] = &["password1234", "123456789012", "qwertyuiopas", "abcdefghijkl", "iloveyou1234", "000000000000", "111111111111"];

/// A username: 3–64 lower-case letters, digits or `. _ - @` (sign-in takes it in any
/// case, see [`sign_in_name`]).
pub fn check_username(raw: &str) -> Result<String, InputError> {
    let ok = (3..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(InputError::InvalidUsername)
    }
}

/// A name (an agency's, an account's display name): 1 to the domain's maximum of
/// characters, not blank; refused at `pointer`.
pub fn check_name(raw: &str, pointer: &str) -> Result<String, InputError> {
    statreq_domain::values::Name::parse(raw)
        .map(statreq_domain::values::Name::into_inner)
        .map_err(|e| InputError::InvalidName { pointer: pointer.into(), max: e.max })
}

/// An account's e-mail address (where notifications go): empty for none, else
/// `local@domain.tld` within 200 bytes, in ASCII letters and signs; trimmed. One typed
/// full-width (as a Chinese input method may) is refused naming how to write it: mail
/// to it would never arrive.
pub fn check_email(raw: &str) -> Result<String, InputError> {
    let shaped = |e: &str| e.len() <= 200 && e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
    let e = raw.trim();
    let ascii = statreq_domain::values::halfwidth(e);
    if e.is_empty() || (shaped(e) && ascii == e) {
        Ok(e.to_string())
    } else {
        let ascii = ascii.trim();
        Err(InputError::InvalidEmail { ascii: (ascii != e && shaped(ascii)).then(|| ascii.to_string()) })
    }
}

/// The username someone typed to sign in, as accounts are named: without the spaces
/// around it, in lower case (a phone's keyboard capitalises the first letter; usernames
/// are lower case, [`check_username`]) and in ASCII (a Chinese input method left in
/// full-width mode types 「ａｐｐｌｉｃａｎｔ．ｎｐａ」; usernames are ASCII).
pub fn sign_in_name(typed: &str) -> String {
    statreq_domain::values::halfwidth(typed).trim().to_ascii_lowercase()
}

/// The password policy (NIST SP 800-63B §3.1.1.2): long enough, not too long, not the
/// username, not a well-known password, and not one character repeated.
pub fn check_password(raw: &str, username: &str, pointer: &str) -> Result<(), InputError> {
    let n = raw.chars().count();
    let lower = raw.to_lowercase();
    let first = raw.chars().next();
    let weak = !(crate::auth::MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n)
        || (!username.is_empty() && lower.contains(&username.to_lowercase()))
        || COMMON.contains(&lower.as_str())
        || raw.chars().all(|c| Some(c) == first);
    if weak {
        Err(InputError::WeakPassword { pointer: pointer.into(), min: crate::auth::MIN_PASSWORD_CHARS, max: MAX_PASSWORD_CHARS })
    } else {
        Ok(())
    }
}
