//! The people a view names: loaded once per view, shown as [`UserRef`]s.

use std::collections::HashMap;

use statreq_contract::UserRef;
use statreq_store::{Store, StoreResult, UserRow};

/// Users by id, as loaded for one view.
pub type Users = HashMap<i64, UserRow>;

/// Loads the users among `ids` not yet in `into`.
pub fn load_into(s: &Store, ids: impl IntoIterator<Item = i64>, into: &mut Users) -> StoreResult<()> {
    let mut missing: Vec<i64> = ids.into_iter().filter(|id| !into.contains_key(id)).collect();
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
pub fn load(s: &Store, ids: impl IntoIterator<Item = i64>) -> StoreResult<Users> {
    let mut users = Users::new();
    load_into(s, ids, &mut users)?;
    Ok(users)
}

/// Rows as a lookup.
pub fn by_id(rows: Vec<UserRow>) -> Users {
    rows.into_iter().map(|u| (u.id, u)).collect()
}

/// How a view names a user; an unknown id shows as the bare id.
pub fn user_ref(users: &Users, id: i64) -> UserRef {
    match users.get(&id) {
        Some(u) => UserRef { id, display_name: u.display_name.clone(), agency_code: u.agency_code.clone() },
        None => UserRef { id, display_name: String::new(), agency_code: String::new() },
    }
}
