//! Typed identifiers and small value types, each with one checking constructor.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! int_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::BigInt))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        #[cfg(feature = "diesel")]
        impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::BigInt, DB> for $name
        where
            i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.0.to_sql(out)
            }
        }

        #[cfg(feature = "diesel")]
        impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB> for $name
        where
            i64: diesel::deserialize::FromSql<diesel::sql_types::BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                i64::from_sql(bytes).map(Self)
            }
        }

        /// The bare number, for the wire and the store's columns.
        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

int_id!(
    /// A statistics-service request (申請案件).
    RequestId
);
int_id!(
    /// A user account: a person, a service account or a trusted issuer's user.
    UserId
);

/// An agency code (機關代碼), e.g. `A09000000E`: 1–20 ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(transparent)]
pub struct AgencyCode(String);

#[cfg(feature = "diesel")]
impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for AgencyCode
where
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
        self.0.as_str().to_sql(out)
    }
}

/// A stored code is read back only in its canonical form: every write went through
/// [`AgencyCode::parse`], so anything else is damage, named rather than mended.
#[cfg(feature = "diesel")]
impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for AgencyCode
where
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let raw = String::from_sql(bytes)?;
        match AgencyCode::parse(&raw) {
            Ok(code) if code.0 == raw => Ok(code),
            _ => Err(format!("stored agency code {raw:?} is not canonical").into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("agency code must be 1 to {max} ASCII letters or digits")]
pub struct InvalidAgencyCode {
    pub max: usize,
}

impl AgencyCode {
    pub const MAX_LEN: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, InvalidAgencyCode> {
        let ok = !raw.is_empty() && raw.len() <= Self::MAX_LEN && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Self(raw.to_ascii_uppercase()))
        } else {
            Err(InvalidAgencyCode { max: Self::MAX_LEN })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// DGPA itself, the root of the agency tree.
    pub fn dgpa() -> Self {
        Self(DGPA_AGENCY_CODE.to_owned())
    }

    /// Whether this is DGPA itself, the root of the agency tree.
    pub fn is_dgpa(&self) -> bool {
        self.0 == DGPA_AGENCY_CODE
    }
}

impl PartialEq<str> for AgencyCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl<'de> Deserialize<'de> for AgencyCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        AgencyCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code of DGPA itself, the root of the agency tree, created by the first migration.
pub const DGPA_AGENCY_CODE: &str = "DGPA";

/// Difficulty rated by DGPA at acceptance: 1 (easy) to 5 (hard). Rule 5.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Difficulty(u8);

/// An integer 1–5 in the contract, as `Difficulty::new` takes it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Difficulty {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(Difficulty::MIN))
            .maximum(Some(Difficulty::MAX))
            .description(Some("Difficulty rated by DGPA at acceptance: 1 (easy) to 5 (hard). Rule 5.3."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Difficulty {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("difficulty must be between {min} and {max}")]
pub struct InvalidDifficulty {
    pub min: u8,
    pub max: u8,
}

impl Difficulty {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(value: i64) -> Result<Self, InvalidDifficulty> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(InvalidDifficulty { min: Self::MIN, max: Self::MAX })
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Difficulty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = i64::deserialize(d)?;
        Difficulty::new(raw).map_err(serde::de::Error::custom)
    }
}

/// A role claim. DESIGN.md, "Who uses it".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A personnel officer of any agency (申請人).
    Applicant,
    /// A reviewer at the supervising agency's personnel office (主管機關人事機構).
    Supervisor,
    /// A DGPA case officer (人事總處承辦人).
    DgpaOfficer,
    /// A DGPA administrator.
    DgpaAdmin,
    /// WebHR or another system.
    Service,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Applicant, Role::Supervisor, Role::DgpaOfficer, Role::DgpaAdmin, Role::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Supervisor => "supervisor",
            Role::DgpaOfficer => "dgpa_officer",
            Role::DgpaAdmin => "dgpa_admin",
            Role::Service => "service",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The role's name as a person reads it in zh-TW.
    pub fn zh_name(self) -> &'static str {
        match self {
            Role::Applicant => "申請人",
            Role::Supervisor => "主管機關審核人",
            Role::DgpaOfficer => "人事總處承辦人",
            Role::DgpaAdmin => "人事總處管理者",
            Role::Service => "系統介接",
        }
    }

    /// What a caller without this role is told: the role by name in zh-TW, by its code
    /// in English (the code an integrator grants).
    pub fn required(self) -> crate::message::Text {
        crate::message::Text::new(
            format!("此動作需要「{}」角色。", self.zh_name()),
            format!("This action needs the '{}' role.", self.as_str()),
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The roles one actor holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_dgpa(&self) -> bool {
        self.has(Role::DgpaOfficer) || self.has(Role::DgpaAdmin)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn to_vec(&self) -> Vec<Role> {
        self.0.clone()
    }

    /// Comma-separated, as stored.
    pub fn join(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Parses a stored comma-separated list, skipping unknown names.
    pub fn from_joined(raw: &str) -> Self {
        Self::new(raw.split(',').filter_map(|s| Role::parse(s.trim())))
    }

    /// DGPA's roles belong to DGPA's own staff: an account of another agency holds
    /// them not. Returns the DGPA roles that do not fit `agency` (none when all fit).
    pub fn misplaced_at(&self, agency: &AgencyCode) -> Vec<Role> {
        if agency.is_dgpa() {
            return Vec::new();
        }
        self.iter().filter(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)).collect()
    }

    /// Whether these roles administer the service for an account of `agency`
    /// (`dgpa_admin`, held at DGPA).
    pub fn administers(&self, agency: &AgencyCode) -> bool {
        self.fitting(agency).has(Role::DgpaAdmin)
    }

    /// What an administrator may not do to their own account: disable it, or take
    /// away their own `dgpa_admin` role. Another administrator may; so a slip of one's
    /// own cannot leave the service with nobody to administer it. Given the change asked
    /// for (`None` where a field stays), returns the field refused (`active` or `roles`).
    pub fn own_change_refused(active: Option<bool>, roles: Option<&RoleSet>) -> Option<&'static str> {
        if active == Some(false) {
            Some("active")
        } else if roles.is_some_and(|r| !r.has(Role::DgpaAdmin)) {
            Some("roles")
        } else {
            None
        }
    }

    /// The roles that fit `agency` (DGPA's roles only at DGPA).
    pub fn fitting(&self, agency: &AgencyCode) -> RoleSet {
        let misplaced = self.misplaced_at(agency);
        RoleSet::new(self.iter().filter(|r| !misplaced.contains(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administration_is_dgpa_admin_held_at_dgpa() {
        let admin = RoleSet::new([Role::DgpaAdmin]);
        assert!(admin.administers(&AgencyCode::dgpa()));
        assert!(!admin.administers(&AgencyCode::parse("NPA").unwrap_or_else(|_| unreachable!())));
        assert!(!RoleSet::new([Role::DgpaOfficer]).administers(&AgencyCode::dgpa()));
    }

    #[test]
    fn administrators_keep_their_own_administration() {
        let admin = RoleSet::new([Role::DgpaAdmin, Role::DgpaOfficer]);
        let officer = RoleSet::new([Role::DgpaOfficer]);
        assert_eq!(RoleSet::own_change_refused(Some(false), None), Some("active"));
        assert_eq!(RoleSet::own_change_refused(None, Some(&officer)), Some("roles"));
        assert_eq!(RoleSet::own_change_refused(Some(true), Some(&admin)), None);
        assert_eq!(RoleSet::own_change_refused(None, None), None);
    }

    #[test]
    fn dgpa_roles_fit_only_dgpa() {
        let roles = RoleSet::new([Role::DgpaOfficer, Role::Applicant]);
        let npa = AgencyCode::parse("NPA").unwrap_or_else(|_| unreachable!());
        let dgpa = AgencyCode::parse("DGPA").unwrap_or_else(|_| unreachable!());
        assert_eq!(roles.misplaced_at(&npa), vec![Role::DgpaOfficer]);
        assert!(roles.misplaced_at(&dgpa).is_empty());
        assert_eq!(roles.fitting(&npa), RoleSet::new([Role::Applicant]));
    }

    #[test]
    fn agency_code_is_checked_and_upper_cased() {
        assert_eq!(AgencyCode::parse("a09000000e").map(|c| c.to_string()), Ok("A09000000E".to_string()));
        assert!(AgencyCode::parse("").is_err());
        assert!(AgencyCode::parse("A09 0").is_err());
        assert!(AgencyCode::parse(&"A".repeat(21)).is_err());
        assert!(AgencyCode::parse("機關").is_err());
    }

    #[test]
    fn difficulty_is_one_to_five() {
        assert!(Difficulty::new(0).is_err());
        assert_eq!(Difficulty::new(1).map(Difficulty::get), Ok(1));
        assert_eq!(Difficulty::new(5).map(Difficulty::get), Ok(5));
        assert!(Difficulty::new(6).is_err());
    }

    #[test]
    fn roles_round_trip_their_stored_form() {
        let set = RoleSet::new([Role::Supervisor, Role::Applicant, Role::Applicant]);
        assert_eq!(set.join(), "applicant,supervisor");
        assert_eq!(RoleSet::from_joined("applicant, supervisor,bogus"), set);
    }
}
