//! DGPA administration: the agency tree with personnel staff counts, and accounts.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use statreq_contract::{AgencyView, CreateAgencyBody, CreateUserBody, ImportResult, Page, UpdateAgencyBody, UpdateUserBody, UserView};
use statreq_domain::values::StaffCount;
use statreq_domain::{AgencyCode, Role, RoleSet, UserId};
use statreq_store::{AgencyRow, AgencyUpsert, NewAgency, UserRow, UserUpdate};
use utoipa::IntoParams;

use crate::app::users::check_name;
use crate::app::{db, stale_if_expected, users, InputError};
use crate::auth::{hash_password_in_turn, Principal};
use crate::error::ApiError;
use crate::http::{self, page_limit, parse_cursor, parse_json, ErrorResponses, MAX_IMPORT_BYTES};
use crate::AppState;

pub fn agency_view(a: AgencyRow) -> AgencyView {
    AgencyView {
        code: a.code.to_string(),
        name: a.name,
        parent_code: a.parent_code.map(|p| p.to_string()),
        personnel_staff: a.personnel_staff,
        created_at: a.created_at,
        updated_at: a.updated_at,
        version: a.version,
    }
}

pub fn user_view(u: UserRow) -> UserView {
    UserView {
        id: u.id.0,
        roles: RoleSet::from_joined(&u.roles).to_vec(),
        username: u.username,
        display_name: u.display_name,
        email: u.email,
        agency_code: u.agency_code.to_string(),
        kind: u.kind,
        active: u.active,
        created_at: u.created_at,
        version: u.version,
    }
}

fn check_code(raw: &str, pointer: &str) -> Result<AgencyCode, InputError> {
    AgencyCode::parse(raw).map_err(|_| InputError::InvalidAgencyCode { pointer: pointer.into() })
}

fn check_staff(n: i32, pointer: &str) -> Result<i32, InputError> {
    StaffCount::new(i64::from(n)).map(StaffCount::get).map_err(|e| InputError::InvalidStaffCount { pointer: pointer.into(), max: e.max })
}

/// Every agency, by code. Readable by every signed-in user (the tree is public within the service).
#[utoipa::path(tag = "agencies", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = Page<AgencyView>), ErrorResponses))]
#[get("/agencies")]
pub async fn list_agencies(
    state: web::Data<AppState>,
    _who: Principal,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = http::page_limit(q.limit)?;
    let offset = http::parse_cursor(q.cursor.as_deref())?.unwrap_or(0);
    let rows = db(&state, move |s| s.agencies_page(offset, limit + 1)).await?;
    Ok(HttpResponse::Ok().json(http::page_from(rows.into_iter().map(agency_view).collect(), offset, limit)))
}

/// One agency, with its `version` in `ETag` (what `PATCH /agencies/{code}` takes in
/// `If-Match`). Readable by every signed-in user, as the list is.
#[utoipa::path(tag = "agencies", security(("bearer" = [])), params(("code" = String, Path, description = "機關代碼")), responses((status = 200, body = AgencyView), ErrorResponses))]
#[get("/agencies/{code}")]
pub async fn get_agency(state: web::Data<AppState>, _who: Principal, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = check_code(&path.into_inner(), "/code").map_err(|_| ApiError::not_found())?;
    let row = db(&state, move |s| s.get_agency(&code)).await?;
    Ok(HttpResponse::Ok().insert_header(http::etag(row.version)).json(agency_view(row)))
}

/// Create an agency under its supervising agency (dgpa_admin).
#[utoipa::path(tag = "agencies", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of creating again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")), request_body = CreateAgencyBody, responses((status = 201, body = AgencyView), ErrorResponses))]
#[post("/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = http::idempotency::fingerprint(&req, &body);
    let (s, w, r) = (state.clone(), who.clone(), req.clone());
    http::idempotency::once(&state, &who, &req, fingerprint, || create_agency_once(s, w, r, body)).await
}

async fn create_agency_once(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let body: CreateAgencyBody = parse_json(&req, &body)?;
    let new = NewAgency {
        code: check_code(&body.code, "/code")?,
        name: check_name(&body.name, "/name")?,
        parent_code: check_code(&body.parent_code, "/parent_code")?,
        personnel_staff: check_staff(body.personnel_staff, "/personnel_staff")?,
    };
    let audit = http::audit(&who, &req);
    let row = db(&state, move |s| s.create_agency(new, &audit, Utc::now())).await?;
    state.agencies.invalidate();
    state.queue.invalidate();
    tracing::info!(actor = %who.user.id, agency = %row.code, "agency created");
    Ok(HttpResponse::Created().json(agency_view(row)))
}

/// Change an agency's name, supervising agency or personnel staff (dgpa_admin).
#[utoipa::path(tag = "agencies", security(("bearer" = [])), params(("code" = String, Path, description = "機關代碼"), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`, the `version` of the list's entry), or `*`; a change made on an older reading is refused (412)", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = UpdateAgencyBody, responses((status = 200, body = AgencyView), ErrorResponses))]
#[patch("/agencies/{code}")]
pub async fn update_agency(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let expected = http::if_match(&req)?;
    let body: UpdateAgencyBody = parse_json(&req, &body)?;
    let code = check_code(&path.into_inner(), "/code").map_err(|_| ApiError::not_found())?;
    let change = AgencyUpsert {
        name: body.name.as_deref().map(|n| check_name(n, "/name")).transpose()?,
        parent_code: body.parent_code.as_deref().map(|p| check_code(p, "/parent_code")).transpose()?,
        personnel_staff: body.personnel_staff.map(|n| check_staff(n, "/personnel_staff")).transpose()?,
    };
    let audit = http::audit(&who, &req);
    let row = stale_if_expected(db(&state, move |s| s.update_agency(&code, change, expected, &audit, Utc::now())).await, expected)?;
    state.agencies.invalidate();
    state.queue.invalidate();
    tracing::info!(actor = %who.user.id, agency = %row.code, "agency updated");
    Ok(HttpResponse::Ok().insert_header(http::etag(row.version)).json(agency_view(row)))
}

/// Import agencies from CSV (dgpa_admin): header `code,name,parent_code,personnel_staff`,
/// UTF-8. Creates new codes, updates existing ones (a row that matches what is stored is
/// counted `unchanged` and keeps its version); all rows or none.
#[utoipa::path(
    tag = "agencies",
    security(("bearer" = [])),
    request_body(description = "code,name,parent_code,personnel_staff (UTF-8; sent as `text/csv` or as the file's bytes, `application/octet-stream`)", content((String = "text/csv"), (statreq_contract::CsvFile = "application/octet-stream"))),
    responses((status = 200, body = ImportResult), ErrorResponses)
)]
#[post("/agencies/import")]
pub async fn import_agencies(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let bytes = http::read_upload(&mut payload, MAX_IMPORT_BYTES).await?;
    let items = parse_agency_csv(&bytes)?;
    // Each line's agency and parent, to say at which line a placement is refused.
    let lines: Vec<(AgencyCode, AgencyCode)> = items.iter().map(|a| (a.code.clone(), a.parent_code.clone())).collect();
    let audit = http::audit(&who, &req);
    let imported = db(&state, move |s| s.import_agencies(items, &audit, Utc::now())).await;
    let (created, updated, unchanged) = imported.map_err(|e| match e {
        crate::app::AppError::Store(statreq_store::StoreError::Placement(e)) => {
            use statreq_domain::lifecycle::PlacementError;
            let at = lines.iter().position(|(code, parent)| match &e {
                PlacementError::UnknownParent { parent: unknown } => parent == unknown,
                PlacementError::RootHasNoParent => code.is_dgpa(),
                other => other.agency() == Some(code),
            });
            // Counting the header: the first agency is on line 2.
            let pointer = at.map_or_else(String::new, |i| format!("/rows/{}/parent_code", i + 2));
            crate::error::placement_refused(&e, &pointer)
        }
        other => other.into(),
    })?;
    state.agencies.invalidate();
    state.queue.invalidate();
    tracing::info!(actor = %who.user.id, created, updated, unchanged, "agencies imported");
    Ok(HttpResponse::Ok().json(ImportResult { created, updated, unchanged }))
}

fn parse_agency_csv(bytes: &[u8]) -> Result<Vec<NewAgency>, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        code: String,
        name: String,
        parent_code: String,
        personnel_staff: i32,
    }
    let message = |e: InputError| e.message();
    // One line per agency: of two, one would silently have undone the other.
    let mut seen = std::collections::HashSet::new();
    let lines: Vec<Line> = http::parse_csv_rows(bytes, |line: &Line| {
        let mut problems: Vec<(String, statreq_domain::Text)> = [
            ("/code", check_code(&line.code, "").err()),
            ("/parent_code", check_code(&line.parent_code, "").err()),
            ("/name", check_name(&line.name, "").err()),
            ("/personnel_staff", check_staff(line.personnel_staff, "").err()),
        ]
        .into_iter()
        .filter_map(|(pointer, e)| e.map(|e| (pointer.to_string(), message(e))))
        .collect();
        if check_code(&line.code, "").is_ok_and(|code| !seen.insert(code)) {
            let twice = statreq_domain::Text::new(
                "此機關代碼在檔案中重複：每個機關一列。",
                "This agency code appears twice in the file: one line per agency.",
            );
            problems.push(("/code".into(), twice));
        }
        problems
    })?;
    lines
        .into_iter()
        .map(|l| {
            Ok(NewAgency {
                code: check_code(&l.code, "")?,
                name: check_name(&l.name, "")?,
                parent_code: check_code(&l.parent_code, "")?,
                personnel_staff: l.personnel_staff,
            })
        })
        .collect()
}

/// Which accounts `GET /users` lists: every one by default.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Words in the username, the name or the e-mail address, case-insensitive,
    /// full-width or ASCII alike, at most 100 characters and not only spaces. Since 1.6.0.
    #[param(
        max_length = 100,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub q: Option<String>,
    /// Only accounts of this agency (its code). Since 1.6.0.
    #[param(pattern = r"^[A-Za-z0-9_-]{1,32}$")]
    pub agency: Option<String>,
    /// Only accounts holding this role. Since 1.6.0.
    pub role: Option<Role>,
    /// `next_cursor` of the previous page (of the same selection).
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Accounts, by id (dgpa_admin): every one, or those with words in their username,
/// name or e-mail (`q`), of an agency, holding a role.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UsersQuery), responses((status = 200, body = Page<UserView>), ErrorResponses))]
#[get("/users")]
pub async fn list_users(state: web::Data<AppState>, who: Principal, q: http::Query<UsersQuery>) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let limit = page_limit(q.limit)?;
    let after = parse_cursor(q.cursor.as_deref())?;
    let text = q.q.clone();
    if text.as_deref().is_some_and(|t| t.trim().is_empty() || t.chars().count() > 100) {
        return Err(InputError::search_words("q", 100).into());
    }
    let agency = match q.agency.as_deref() {
        None => None,
        // A code in any case names its agency (codes are upper case), as in the
        // request list.
        Some(raw) if !http::well_formed_agency_param(raw) => {
            return Err(InputError::agency_parameter().into());
        }
        Some(raw) => match AgencyCode::parse(raw) {
            Ok(code) => Some(code),
            _ => return Ok(HttpResponse::Ok().json(http::page_of(Vec::<UserView>::new(), limit, |u| u.id))),
        },
    };
    let filter = statreq_store::UserFilter { text, agency, role: q.role.map(Role::as_str) };
    let rows = db(&state, move |s| s.find_users(&filter, after, limit + 1)).await?;
    let items: Vec<UserView> = rows.into_iter().map(user_view).collect();
    Ok(HttpResponse::Ok().json(http::page_of(items, limit, |u| u.id)))
}

fn check_roles(roles: &[Role]) -> Result<RoleSet, InputError> {
    if roles.is_empty() {
        return Err(InputError::RolesRequired);
    }
    Ok(RoleSet::new(roles.iter().copied()))
}

/// DGPA's roles only for accounts of DGPA.
fn check_roles_fit(roles: &RoleSet, agency: &AgencyCode) -> Result<(), InputError> {
    match roles.misplaced_at(agency).first() {
        Some(r) => Err(InputError::DgpaRoleOutsideDgpa { role: r.as_str().into() }),
        None => Ok(()),
    }
}

/// Create an account (dgpa_admin). An account with the `service` role is a
/// service account: its username and password are the client id and secret.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of creating again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")), request_body = CreateUserBody, responses((status = 201, body = UserView), ErrorResponses))]
#[post("/users")]
pub async fn create_user(state: web::Data<AppState>, who: Principal, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let fingerprint = http::idempotency::fingerprint(&req, &body);
    let (s, w, r) = (state.clone(), who.clone(), req.clone());
    http::idempotency::once(&state, &who, &req, fingerprint, || create_user_once(s, w, r, body)).await
}

async fn create_user_once(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let body: CreateUserBody = parse_json(&req, &body)?;
    let username = users::check_username(&body.username)?;
    let display_name = check_name(&body.display_name, "/display_name")?;
    let email = users::check_email(&body.email)?;
    let agency = check_code(&body.agency_code, "/agency_code")?;
    let roles = check_roles(&body.roles)?;
    check_roles_fit(&roles, &agency)?;
    crate::app::users::check_password(&body.password, &body.username, "/password")?;
    let password = body.password;
    let hash = hash_password_in_turn(password).await?;
    let kind = if roles.has(Role::Service) { "service" } else { "local" };
    let new = statreq_store::NewUser {
        username,
        display_name,
        email,
        agency_code: agency,
        roles: roles.join(),
        kind: kind.into(),
        password_hash: Some(hash),
        issuer: None,
        subject: None,
    };
    let audit = http::audit(&who, &req);
    let row = db(&state, move |s| s.create_user(new, &audit, Utc::now())).await?;
    tracing::info!(actor = %who.user.id, user = %row.id, "user created");
    Ok(HttpResponse::Created().json(user_view(row)))
}

/// One account (dgpa_admin), with its `version` in `ETag` (what `PATCH /users/{id}`
/// takes in `If-Match`).
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = UserView), ErrorResponses))]
#[get("/users/{id}")]
pub async fn get_user(state: web::Data<AppState>, who: Principal, path: web::Path<UserId>) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let id = path.into_inner();
    let row = db(&state, move |s| s.get_user(id)).await?;
    Ok(HttpResponse::Ok().insert_header(http::etag(row.version)).json(user_view(row)))
}

/// Change an account (dgpa_admin): name, e-mail, agency, roles, active, password.
#[utoipa::path(tag = "users", security(("bearer" = [])), params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`, the `version` of the list's entry), or `*`; a change made on an older reading is refused (412)", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)), request_body = UpdateUserBody, responses((status = 200, body = UserView), ErrorResponses))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<UserId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let expected = http::if_match(&req)?;
    let body: UpdateUserBody = parse_json(&req, &body)?;
    let id = path.into_inner();
    let agency = body.agency_code.as_deref().map(|c| check_code(c, "/agency_code")).transpose()?;
    let roles = body.roles.as_deref().map(check_roles).transpose()?;
    if id == who.user.id {
        if let Some(field) = RoleSet::own_change_refused(body.active, roles.as_ref()) {
            let pointer = if field == "active" { "/active" } else { "/roles" };
            return Err(InputError::OwnAdministration { pointer }.into());
        }
    }
    let current = if agency.is_some() || roles.is_some() || body.password.is_some() {
        Some(db(&state, move |s| s.get_user(id)).await?)
    } else {
        None
    };
    if let (Some(current), true) = (&current, agency.is_some() || roles.is_some()) {
        // The account as it will be: DGPA's roles only at DGPA.
        let final_agency = agency.clone().unwrap_or_else(|| current.agency_code.clone());
        let final_roles = roles.clone().unwrap_or_else(|| RoleSet::from_joined(&current.roles));
        check_roles_fit(&final_roles, &final_agency)?;
    }
    let password_hash = match (body.password, &current) {
        (Some(p), Some(current)) => {
            // The same policy as every other way to set one, the account's name included.
            crate::app::users::check_password(&p, &current.username, "/password")?;
            Some(hash_password_in_turn(p).await?)
        }
        _ => None,
    };
    let change = UserUpdate {
        display_name: body.display_name.as_deref().map(|n| check_name(n, "/display_name")).transpose()?,
        email: body.email.as_deref().map(users::check_email).transpose()?,
        agency_code: agency,
        roles: roles.map(|r| r.join()),
        active: body.active,
        password_hash,
    };
    let audit = http::audit(&who, &req);
    let row = stale_if_expected(db(&state, move |s| s.update_user(id, change, expected, &audit, Utc::now())).await, expected)?;
    state.principals.invalidate();
    tracing::info!(actor = %who.user.id, user = %row.id, "user updated");
    Ok(HttpResponse::Ok().insert_header(http::etag(row.version)).json(user_view(row)))
}

/// Active DGPA officers, to assign work to (DGPA roles).
#[utoipa::path(tag = "users", security(("bearer" = [])), params(http::PageParams), responses((status = 200, body = Page<statreq_contract::UserRef>), ErrorResponses))]
#[get("/officers")]
pub async fn list_officers(state: web::Data<AppState>, who: Principal, q: http::Query<http::PageParams>) -> Result<HttpResponse, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let rows = db(&state, move |s| s.list_users(after, 500)).await?;
        let last = rows.last().map(|u| u.id);
        out.extend(rows.into_iter().filter(crate::app::users::attends).map(|u| statreq_contract::UserRef {
            id: u.id.0,
            display_name: u.display_name,
            agency_code: u.agency_code.to_string(),
        }));
        match last {
            Some(id) => after = Some(id.0),
            None => break,
        }
    }
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_agencies)
        .service(create_agency)
        .service(import_agencies)
        .service(get_agency)
        .service(update_agency)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(list_officers);
}
