//! `statreq user …`: accounts from the command line, for the first administrator and
//! the way back in when nobody can sign in to administer.

use std::io::Read;

use clap::Subcommand;
use statreq_api::app::users;
use statreq_domain::{AgencyCode, Role, RoleSet};
use statreq_store::{NewUser, Store, StoreError, UserFilter, UserUpdate};

#[derive(Subcommand)]
pub enum UserCmd {
    /// Create an account; the password is read from standard input (asked for at a terminal).
    Create {
        /// The sign-in name: 3–64 lower-case letters, digits or `. _ - @`
        #[arg(long)]
        username: String,
        /// applicant, supervisor, dgpa_officer, dgpa_admin or service (repeatable).
        #[arg(long = "role", required = true, value_parser = role_names())]
        roles: Vec<String>,
        /// Agency code (default: DGPA, the root).
        #[arg(long, default_value = "DGPA")]
        agency: String,
        /// The name shown to others, e.g. 王小明（內政部人事處） (default: the username)
        #[arg(long)]
        display_name: Option<String>,
        /// Where notifications go (none when empty)
        #[arg(long, default_value = "")]
        email: String,
        /// Read the password from standard input (at a terminal: asked for twice, not shown).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the accounts, one per line: username, id, agency, roles, and whether it may
    /// sign in (e.g. who administers: `--role dgpa_admin`).
    List {
        /// Only accounts holding this role.
        #[arg(long, value_parser = role_names())]
        role: Option<String>,
    },
    /// Set a new password for an account (one who forgot theirs, the last
    /// administrator's included); it signs the account out everywhere. The password is
    /// read from standard input (asked for at a terminal). Audited, with no account as its actor.
    ResetPassword {
        /// The account's sign-in name.
        #[arg(long)]
        username: String,
        /// Also enable the account if it is disabled.
        #[arg(long)]
        enable: bool,
        /// Read the password from standard input (at a terminal: asked for twice, not shown).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Stop an account from signing in (one that leaked, or of someone who left) and end
    /// every sign-in it has, at once. The last active administrator is kept. Audited, with
    /// no account as its actor.
    Disable {
        /// The account's sign-in name.
        #[arg(long)]
        username: String,
    },
    /// Let a disabled account sign in again (its password as it was). Audited, with no
    /// account as its actor.
    Enable {
        /// The account's sign-in name.
        #[arg(long)]
        username: String,
    },
}

/// The roles a `--role` may name: a misspelt one is refused with the list.
fn role_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Role::ALL.map(Role::as_str))
}

/// The password: at a terminal asked for twice and not shown as typed (it waited
/// without a word for an end of input, and showed the password); from a pipe, all of
/// standard input without its line ending.
fn read_password() -> anyhow::Result<String> {
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let password = rpassword::prompt_password("新密碼 New password: ")?;
        if rpassword::prompt_password("再輸入一次 Again: ")? != password {
            anyhow::bail!("the two passwords differ; nothing was changed");
        }
        return Ok(password);
    }
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(store: &Store, command: UserCmd) -> anyhow::Result<()> {
    match command {
        UserCmd::Create { username, roles, agency, display_name, email, password_stdin: _ } => {
            let password = read_password()?;
            // The same policies as every other way to name an account and set a password.
            if let Err(e) = users::check_username(&username) {
                anyhow::bail!("{}", e.message().en);
            }
            if let Err(e) = users::check_password(&password, &username, "/password") {
                anyhow::bail!("{}", e.message().en);
            }
            let parsed: Vec<Role> =
                roles.iter().map(|r| Role::parse(r).ok_or_else(|| anyhow::anyhow!("unknown role {r}"))).collect::<anyhow::Result<_>>()?;
            let roles = RoleSet::new(parsed);
            let agency = AgencyCode::parse(&agency).map_err(|e| anyhow::anyhow!("agency: {e}"))?;
            if let Some(r) = roles.misplaced_at(&agency).first() {
                anyhow::bail!("the role {r} is for accounts of DGPA only (--agency DGPA)");
            }
            let email = users::check_email(&email).map_err(|e| anyhow::anyhow!("--email: {}", e.message().en))?;
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let display_name =
                users::check_name(&display_name, "/display_name").map_err(|e| anyhow::anyhow!("--display-name: {}", e.message().en))?;
            let hash = statreq_api::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (name, code) = (username.clone(), agency.clone());
            let user = store
        .create_user(
            NewUser {
                display_name,
                username,
                email,
                agency_code: agency,
                kind: if roles.has(Role::Service) { "service" } else { "local" }.into(),
                roles: roles.join(),
                password_hash: Some(hash),
                issuer: None,
                subject: None,
            },
            &Default::default(),
            chrono::Utc::now(),
        )
        .map_err(|e| match e {
            StoreError::Duplicate(_) => anyhow::anyhow!("an account named {name} already exists (nothing was changed)"),
            StoreError::MissingReference(_) => anyhow::anyhow!(
                "there is no agency {code}: add it first (as an administrator: /admin/agencies in the browser, or POST /api/v1/agencies or /api/v1/agencies/import)"
            ),
            e => anyhow::anyhow!("{e}"),
        })?;
            println!("created user {} (id {}) with roles {}", user.username, user.id, user.roles);
        }
        UserCmd::List { role } => {
            let role = role.map(|r| Role::parse(&r).ok_or_else(|| anyhow::anyhow!("unknown role {r}"))).transpose()?;
            let filter = UserFilter { role: role.map(Role::as_str), ..Default::default() };
            let mut after = None;
            loop {
                let page = store.find_users(&filter, after, 500)?;
                for u in &page {
                    let state = if u.active { "active" } else { "disabled" };
                    if !crate::write_out(&format!("{}\t{}\t{}\t{}\t{state}\n", u.username, u.id, u.agency_code, u.roles))? {
                        return Ok(());
                    }
                }
                match page.last() {
                    Some(u) => after = Some(u.id.0),
                    None => break,
                }
            }
        }
        UserCmd::ResetPassword { username, enable, password_stdin: _ } => {
            let password = read_password()?;
            let (name, user) = account(store, &username)?;
            if user.kind == "external" {
                anyhow::bail!("{name} signs in through its issuer (e.g. WebHR) and has no password here (nothing was changed)");
            }
            if let Err(e) = users::check_password(&password, &user.username, "/password") {
                anyhow::bail!("{}", e.message().en);
            }
            let hash = statreq_api::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let change = UserUpdate { password_hash: Some(hash), active: enable.then_some(true), ..Default::default() };
            let user = store.update_user(user.id, change, None, &Default::default(), chrono::Utc::now())?;
            let state = if user.active { "enabled" } else { "disabled: add --enable to let it sign in" };
            println!("set a new password for {} (id {}, {state}); its sign-ins elsewhere have ended", user.username, user.id);
        }
        UserCmd::Disable { username } => {
            let (name, user) = account(store, &username)?;
            if !user.active {
                println!("{name} (id {}) is disabled already (nothing was changed)", user.id);
                return Ok(());
            }
            let change = UserUpdate { active: Some(false), ..Default::default() };
            store.update_user(user.id, change, None, &Default::default(), chrono::Utc::now()).map_err(|e| match e {
                StoreError::LastAdministrator => anyhow::anyhow!(
                    "{name} is the last active administrator: make another account dgpa_admin first (`statreq user create --role dgpa_admin`), then disable this one (nothing was changed)"
                ),
                e => anyhow::anyhow!("{e}"),
            })?;
            println!("disabled {name} (id {}); its sign-ins have ended", user.id);
        }
        UserCmd::Enable { username } => {
            let (name, user) = account(store, &username)?;
            if user.active {
                println!("{name} (id {}) is enabled already (nothing was changed)", user.id);
                return Ok(());
            }
            let change = UserUpdate { active: Some(true), ..Default::default() };
            store.update_user(user.id, change, None, &Default::default(), chrono::Utc::now())?;
            println!("enabled {name} (id {}): it may sign in again", user.id);
        }
    }
    Ok(())
}

/// The account of a sign-in name (as typed: case and width folded as at sign-in).
fn account(store: &Store, username: &str) -> anyhow::Result<(String, statreq_store::UserRow)> {
    let name = users::sign_in_name(username);
    let user = store.find_user_by_username(&name).map_err(|e| match e {
        StoreError::NotFound => anyhow::anyhow!("there is no account named {name} (nothing was changed)"),
        e => anyhow::anyhow!("{e}"),
    })?;
    Ok((name, user))
}
