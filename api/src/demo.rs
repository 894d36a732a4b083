//! Demo data for `statreq serve --demo`: an agency tree, accounts for every role, and
//! a year of work (`year.rs`) so that every screen shows something on first start.

mod year;

use chrono::Utc;
use statreq_domain::{AgencyCode, Role, RoleSet};
use statreq_store::{NewAgency, NewUser, Store};

use crate::auth::hash_password;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "statreq-demo-2026";

/// (code, name, parent, personnel staff)
const AGENCIES: &[(&str, &str, &str, i32)] = &[
    ("MOI", "內政部", "DGPA", 120),
    ("NPA", "內政部警政署", "MOI", 85),
    ("NIA", "內政部移民署", "MOI", 32),
    ("MOE", "教育部", "DGPA", 64),
    ("TPE", "臺北市政府", "DGPA", 210),
    ("TPEDU", "臺北市政府教育局", "TPE", 41),
];

/// (username, display name, agency, roles)
const USERS: &[(&str, &str, &str, &[Role])] = &[
    ("applicant.npa", "林怡君（警政署人事室）", "NPA", &[Role::Applicant]),
    ("applicant.tpedu", "陳建宏（臺北市教育局人事室）", "TPEDU", &[Role::Applicant]),
    ("applicant.nia", "許雅琪（移民署人事室）", "NIA", &[Role::Applicant]),
    ("applicant.moe", "蔡宗翰（教育部人事處）", "MOE", &[Role::Applicant]),
    ("supervisor.moe", "鄭惠如（教育部人事處）", "MOE", &[Role::Supervisor]),
    ("supervisor.moi", "張雅婷（內政部人事處）", "MOI", &[Role::Supervisor]),
    ("supervisor.tpe", "黃志明（臺北市政府人事處）", "TPE", &[Role::Supervisor]),
    ("officer1.dgpa", "王淑芬（人事總處承辦人）", "DGPA", &[Role::DgpaOfficer]),
    ("officer2.dgpa", "李冠廷（人事總處承辦人）", "DGPA", &[Role::DgpaOfficer]),
    ("admin.dgpa", "吳美玲（人事總處管理者）", "DGPA", &[Role::DgpaAdmin]),
];

/// Loads the demo into an empty database; does nothing when accounts exist.
/// Returns whether it loaded anything.
pub async fn load(store: &Store, settings: &crate::config::Settings, with_year: bool) -> anyhow::Result<bool> {
    if store.count_users()? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let agency = |c: &str| AgencyCode::parse(c).map_err(|e| anyhow::anyhow!("demo agency {c}: {e}"));
    let agencies = AGENCIES
        .iter()
        .map(|(code, name, parent, staff)| {
            Ok(NewAgency { code: agency(code)?, name: (*name).into(), parent_code: agency(parent)?, personnel_staff: *staff })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    store.import_agencies(agencies, &Default::default(), now)?;
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut people = Vec::new();
    for (username, name, agency_of, roles) in USERS {
        let row = store.create_user(
            NewUser {
                username: (*username).into(),
                display_name: (*name).into(),
                email: format!("{username}@demo.invalid"),
                agency_code: agency(agency_of)?,
                roles: RoleSet::new(roles.iter().copied()).join(),
                kind: "local".into(),
                password_hash: Some(hash.clone()),
                issuer: None,
                subject: None,
            },
            &Default::default(),
            now,
        )?;
        people.push((*username, row.id, *agency_of, RoleSet::new(roles.iter().copied())));
    }
    if !with_year {
        return Ok(true);
    }
    let keyring = std::sync::Arc::new(statreq_vault::Keyring::open(&settings.keys_dir)?);
    let files = crate::app::files::FileStore::from_settings(settings, keyring)?;
    let tree: Vec<(&str, &str)> = AGENCIES.iter().map(|(code, _, parent, _)| (*code, *parent)).collect();
    let sealed = year::load(store, &files, &people, &tree)?;
    // The year's destructions and closings shredded some of these files' keys, as the
    // service does: their bodies are not stored, and they go on the shred list.
    let shredded: std::collections::HashSet<String> = store.shredded_storage_keys()?.into_iter().collect();
    for (key, ciphertext) in sealed.into_iter().filter(|(key, _)| !shredded.contains(key)) {
        files.put_sealed(&key, ciphertext).await.map_err(|e| anyhow::anyhow!("storing a demo file: {e}"))?;
    }
    files.remove(&shredded).await;
    Ok(true)
}

/// What `--demo` prints.
pub fn instructions(base: &str) -> String {
    let mut s =
        format!("\nDemo data loaded. Open {base}/ and sign in (or use the API at {base}/docs/) with password {DEMO_PASSWORD:?} as:\n");
    for (username, name, agency_of, roles) in USERS {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        s.push_str(&format!("  {username:<16} {:<14} {agency_of:<6} {name}\n", roles.join(",")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's year ends some requests with a destruction record: their files are
    /// shredded as the service shreds them, listed and without a body, so the first
    /// sweep finds nothing to reconcile (and warns of nothing).
    #[tokio::test]
    async fn the_years_shredded_files_are_listed_and_not_stored() {
        let dir = crate::testing::TempDir::new("demo");
        let settings = crate::config::Settings::new("127.0.0.1:0".into(), None, dir.to_path_buf());
        let store = Store::open(&settings.database_url).unwrap_or_else(|e| panic!("{e}"));
        assert!(load(&store, &settings, true).await.unwrap_or_else(|e| panic!("{e}")));

        let shredded = store.shredded_storage_keys().unwrap_or_else(|e| panic!("{e}"));
        assert!(!shredded.is_empty(), "the demo's year records destructions");
        let listed = crate::app::files::shredded_keys(&settings.keys_dir).unwrap_or_else(|e| panic!("{e}"));
        for key in &shredded {
            assert!(listed.contains(key), "{key} is shredded but not on the shred list");
        }
        let keyring = std::sync::Arc::new(statreq_vault::Keyring::open(&settings.keys_dir).unwrap_or_else(|e| panic!("{e}")));
        let files = crate::app::files::FileStore::from_settings(&settings, keyring).unwrap_or_else(|e| panic!("{e}"));
        let stored: Vec<String> = files.list().await.unwrap_or_else(|e| panic!("{e:?}")).into_iter().map(|(key, _)| key).collect();
        assert!(!stored.is_empty(), "the demo stores its delivered files");
        for key in &shredded {
            assert!(!stored.contains(key), "{key} is shredded but its body is stored");
        }
        assert_eq!(files.reconcile_shredded(shredded).await, 0, "nothing left for the sweep to list");
    }
}
