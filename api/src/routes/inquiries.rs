//! Field questions (rule 7): an applicant asks DGPA about one or more fields,
//! optionally for a draft; DGPA answers in the thread; an answer worth keeping is
//! published into the field's FAQ. Each step tells the other side in its in-app
//! inbox. An office sees its own questions, a supervising agency those about a request
//! it may read; DGPA sees all.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use statreq_contract::{
    FaqPublication, FaqView, InboxItem, InboxSummary, InquiryDetail, InquiryMessageView, InquiryState, InquiryView, NewInquiry, Page,
    ReadAllBody, ReadAllResult, ReplyBody, Text,
};
use statreq_domain::notify;
use statreq_domain::{inquiry, Role, UserId};
use statreq_store::{InquiryFilter, InquiryRow, InquiryStep, NewInbox, NewNotification, Notices, StoreError, UserRow};
use utoipa::IntoParams;

use crate::app::input::Content;
use crate::app::reference::{self, faq_view};
use crate::app::users::{self, user_ref, Users};
use crate::app::webhooks::{self, Listeners};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, etag, if_match, page_limit, page_of, parse_cursor, parse_json, parse_optional_json, ErrorResponses};
use crate::AppState;

fn state_of(row: &InquiryRow) -> Result<InquiryState, ApiError> {
    Ok(InquiryState::parse(&row.state).ok_or_else(|| AppError::internal(format!("inquiry {} has an unknown state", row.id)))?)
}

fn view(row: &InquiryRow, users: &Users) -> Result<InquiryView, ApiError> {
    Ok(InquiryView {
        id: row.id,
        agency_code: row.agency_code.to_string(),
        created_by: user_ref(users, row.created_by),
        request_id: row.request_id.map(|r| r.0),
        fields: row.fields.clone(),
        subject: row.subject.clone(),
        state: state_of(row)?,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Whether the caller may read request `id` (its office, the supervising agencies above
/// it, DGPA).
async fn sees_request(state: &AppState, who: &Principal, id: Option<i64>) -> bool {
    match id {
        Some(id) => crate::app::requests::load_for(state, who, statreq_domain::RequestId(id)).await.is_ok(),
        None => false,
    }
}

/// A question the caller may see: its own agency's, one about a request it may read,
/// or any for DGPA; others 404.
async fn load(state: &AppState, who: &Principal, id: i64) -> Result<InquiryRow, ApiError> {
    let row = db(state, move |s| s.get_inquiry(id)).await?;
    if inquiry::can_view(&who.actor, &row.agency_code, false)
        || inquiry::can_view(&who.actor, &row.agency_code, sees_request(state, who, row.request_id.map(|r| r.0)).await)
    {
        Ok(row)
    } else {
        Err(ApiError::not_found())
    }
}

/// A question with its thread and what was published from it.
async fn detail_of(state: &AppState, row: InquiryRow) -> Result<InquiryDetail, ApiError> {
    let (id, created_by) = (row.id, row.created_by);
    let fields = row.fields.clone();
    let (messages, faq, users) = db(state, move |s| {
        let mut faq = Vec::new();
        for f in &fields {
            faq.extend(s.list_faq(Some(f))?.into_iter().filter(|f| f.inquiry_id == Some(id)));
        }
        let messages = s.inquiry_messages(id)?;
        let ids: Vec<UserId> = messages.iter().map(|m| m.author_id).chain(faq.iter().map(|f| f.published_by)).chain([created_by]).collect();
        Ok((messages, faq, s.get_users(&ids)?))
    })
    .await?;
    let users = users::by_id(users);
    let is_dgpa = |uid: UserId| users.get(&uid).is_some_and(|u| statreq_domain::RoleSet::from_joined(&u.roles).is_dgpa());
    Ok(InquiryDetail {
        inquiry: view(&row, &users)?,
        messages: messages
            .into_iter()
            .map(|m| InquiryMessageView {
                id: m.id,
                author: user_ref(&users, m.author_id),
                from_dgpa: is_dgpa(m.author_id),
                body: m.body,
                created_at: m.created_at,
            })
            .collect(),
        published: faq.into_iter().map(|f| faq_view(f, &users)).collect(),
    })
}

async fn detail(state: &AppState, row: InquiryRow) -> Result<HttpResponse, ApiError> {
    let d = detail_of(state, row).await?;
    Ok(HttpResponse::Ok().insert_header(etag(d.inquiry.version)).json(d))
}

/// The DGPA officers, told of a new question or a follow-up.
async fn officers(state: &AppState) -> Result<Vec<UserRow>, ApiError> {
    Ok(db(state, |s| s.active_users_with_role(Role::DgpaOfficer.as_str())).await?)
}

/// The person who asked, told of DGPA's answer, its closing and a publication.
async fn asker(state: &AppState, row: &InquiryRow) -> Result<Vec<UserRow>, ApiError> {
    let id = row.created_by;
    Ok(db(state, move |s| s.get_users(&[id])).await?)
}

/// A notice of a field question for `people`: in-app to each, and by e-mail to those
/// who want its kind (`/me/notification-settings`) where statreq sends mail.
struct Tell {
    people: Vec<UserRow>,
    kind: &'static str,
    text: Text,
    /// The address the e-mail links to, when statreq sends mail (`--smtp-url`).
    mail_base: Option<String>,
}

impl Tell {
    fn new(state: &AppState, people: Vec<UserRow>, kind: &'static str, text: Text) -> Tell {
        let mail_base = state.settings.smtp_url.is_some().then(|| state.settings.public_base());
        Tell { people, kind, text, mail_base }
    }

    /// About question `inquiry`, opened at `link`.
    fn notices(&self, inquiry: i64, link: &str) -> Notices {
        let people = || self.people.iter().filter(|u| u.active);
        let inbox = people()
            .filter(|u| notify::wants_inbox(&u.notification_settings, self.kind))
            .map(|u| NewInbox {
                user_id: u.id,
                kind: self.kind.into(),
                link: link.into(),
                text_zh: self.text.zh_tw.clone(),
                text_en: self.text.en.clone(),
            })
            .collect();
        let Some(base) = &self.mail_base else { return Notices { inbox, outbox: Vec::new() } };
        let subject = Text::new(format!("欄位疑義 #{inquiry}"), format!("Field question #{inquiry}"));
        let mail = notify::notice_email(&subject, &self.text, &format!("{base}{link}"));
        let payload = serde_json::json!({"subject": mail.subject, "body": mail.body}).to_string();
        let mail = people()
            .filter(|u| u.email.contains('@') && notify::wants_email(&u.notification_settings, self.kind))
            .map(|u| NewNotification {
                channel: "email".into(),
                webhook_id: None,
                event_id: format!("{}_{inquiry}", self.kind),
                event_type: format!("inquiry.{}", self.kind.trim_start_matches("inquiry_")),
                request_id: None,
                recipient: u.email.trim().to_string(),
                payload: payload.clone(),
                dedupe_key: None,
            })
            .collect();
        Notices { inbox, outbox: mail }
    }
}

/// Ask DGPA about fields, or anything else with no field named (rule 7). Optionally for
/// a draft or request of the caller's agency (then checking that request warns until
/// DGPA answers).
/// Takes `Idempotency-Key`.
#[utoipa::path(
    tag = "inquiries",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")),
    request_body = NewInquiry,
    responses((status = 201, body = InquiryDetail), ErrorResponses)
)]
#[post("/inquiries")]
pub async fn create_inquiry(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = crate::http::idempotency::fingerprint(&req, &body);
    crate::http::idempotency::once(&state, &who, &req, fingerprint, || async {
        // The agency's personnel office asks (applicants and supervisors, rule 7); DGPA answers.
        if inquiry::side(&who.actor, &who.actor.agency) != Some(false) {
            return Err(ApiError::forbidden_role(Role::Applicant));
        }
        let new: NewInquiry = parse_json(&req, &body)?;
        let dict = reference::dictionary(&state).await?;
        let problems = new.problems(&dict);
        if !problems.is_empty() {
            return Err(InputError::InvalidContent { kind: Content::Inquiry, problems }.into());
        }
        if let Some(rid) = new.request_id {
            let loaded = crate::app::requests::load_for(&state, &who, statreq_domain::RequestId(rid))
                .await
                .map_err(|_| InputError::UnknownRequest)?;
            if loaded.row.agency_code != who.user.agency_code {
                return Err(InputError::NotOwnAgencyRequest.into());
            }
        }
        let text = Text::new(format!("新的欄位疑義：{}", new.subject.trim()), format!("New field question: {}", new.subject.trim()));
        let tell = Tell::new(&state, officers(&state).await?, "inquiry_created", text);
        let asked = new.request_id.map(statreq_domain::RequestId);
        let hooks = webhooks::listeners(&state, "inquiry.asked", &who.user.agency_code, asked).await?;
        let audit = http::audit(&who, &req);
        let (agency, user, now) = (who.user.agency_code.clone(), who.user.id, Utc::now());
        let row = db(&state, move |s| {
            s.create_inquiry(
                &agency,
                user,
                asked,
                &new.fields,
                new.subject.trim(),
                new.body.trim(),
                |id| tell.notices(id, &format!("/inquiries/{id}")).and(hooks.notices(id, InquiryState::Open, 1, now)),
                &audit,
                now,
            )
        })
        .await
        .map_err(|e| match e {
            AppError::Store(StoreError::LimitReached) => InputError::TooManyInquiries { max: inquiry::MAX_OPEN_PER_PERSON }.into(),
            e => ApiError::from(e),
        })?;
        tracing::info!(inquiry = row.id, actor = %user, "field question asked");
        let d = detail_of(&state, row).await?;
        Ok(HttpResponse::Created()
            .insert_header(etag(d.inquiry.version))
            .insert_header(("Location", format!("/api/v1/inquiries/{}", d.inquiry.id)))
            .json(d))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InquiryQuery {
    pub state: Option<InquiryState>,
    /// Only questions about this field.
    pub field: Option<String>,
    /// Only questions tied to this request.
    pub request_id: Option<i64>,
    /// Only questions changed at or after this instant (RFC 3339, e.g.
    /// `2026-12-01T08:00:00Z`): asked, replied to, answered or closed — what a system
    /// missed while its webhook receiver was down (since 1.12.0).
    #[param(value_type = Option<String>, format = DateTime, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-")]
    #[serde(default, deserialize_with = "statreq_domain::day::deserialize_instant_option")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Field questions, newest first: the caller's agency's, or all for DGPA; with
/// `request_id` of a request the caller may read (a supervising agency reviewing it),
/// every question tied to that request.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), params(InquiryQuery), responses((status = 200, body = Page<InquiryView>), ErrorResponses))]
#[get("/inquiries")]
pub async fn list_inquiries(state: web::Data<AppState>, who: Principal, q: http::Query<InquiryQuery>) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(q.limit)?;
    let every_agency = who.actor.roles.is_dgpa() || sees_request(&state, &who, q.request_id).await;
    let filter = InquiryFilter {
        agency: (!every_agency).then(|| who.user.agency_code.clone()),
        state: q.state.map(|s| s.as_str().to_string()),
        field: q.field.clone().filter(|f| f.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
        request_id: q.request_id.map(statreq_domain::RequestId),
        updated_since: q.updated_since,
        before: parse_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    if q.field.is_some() && filter.field.is_none() {
        return Ok(HttpResponse::Ok().json(Page::<InquiryView> { items: vec![], next_cursor: None }));
    }
    let (rows, users) = db(&state, move |s| {
        let rows = s.list_inquiries(&filter)?;
        let ids: Vec<UserId> = rows.iter().map(|r| r.created_by).collect();
        Ok((rows, s.get_users(&ids)?))
    })
    .await?;
    let users = users::by_id(users);
    let items = rows.iter().map(|r| view(r, &users)).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(page_of(items, limit, |i| i.id)))
}

/// One question with its thread; the ETag is its version.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = InquiryDetail), ErrorResponses))]
#[get("/inquiries/{id}")]
pub async fn get_inquiry(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let row = load(&state, &who, path.into_inner()).await?;
    detail(&state, row).await
}

/// Who may speak in a question's thread: DGPA, or the personnel office (applicants,
/// supervisors) of its agency.
fn side(who: &Principal, row: &InquiryRow) -> Result<bool, ApiError> {
    inquiry::side(&who.actor, &row.agency_code).ok_or_else(|| ApiError::forbidden_role(Role::Applicant))
}

fn closed() -> ApiError {
    InputError::InquiryClosed.into()
}

/// Reply in the thread: DGPA's reply answers the question; the applicant's
/// follow-up reopens it. `If-Match` guards against replying to a stale thread.
#[utoipa::path(
    tag = "inquiries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = ReplyBody,
    responses((status = 200, body = InquiryDetail), ErrorResponses)
)]
#[post("/inquiries/{id}/replies")]
pub async fn reply_inquiry(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let row = load(&state, &who, path.into_inner()).await?;
    let by_dgpa = side(&who, &row)?;
    let b: ReplyBody = parse_json(&req, &body)?;
    let problems = inquiry::body_problems(&b.body);
    if !problems.is_empty() {
        return Err(InputError::InvalidContent { kind: Content::Reply, problems }.into());
    }
    let link = format!("/inquiries/{}", row.id);
    let notify = if by_dgpa {
        let text = Text::new(format!("人事總處已答復：{}", row.subject), format!("DGPA answered: {}", row.subject));
        let asked = Tell::new(&state, asker(&state, &row).await?, "inquiry_answered", text).notices(row.id, &link);
        asked.and(reviewers_told(&state, &who, &row).await?)
    } else {
        let text = Text::new(format!("疑義有新的補充：{}", row.subject), format!("Follow-up on: {}", row.subject));
        Tell::new(&state, officers(&state).await?, "inquiry_followed_up", text).notices(row.id, &link)
    };
    let hooks = webhooks::listeners(&state, "inquiry.replied", &row.agency_code, row.request_id).await?;
    advance(&state, &who, &req, row.id, InquiryStep { expected, reply: Some((by_dgpa, b.body.trim())) }, notify, hooks).await
}

/// DGPA's answer to a question about a request that awaits its supervising agency, told
/// to that agency's reviewers: they approve once the question is settled (rule 7).
async fn reviewers_told(state: &AppState, who: &Principal, row: &InquiryRow) -> Result<Notices, ApiError> {
    let Some(id) = row.request_id else { return Ok(Notices::default()) };
    // A draft is nobody's to review (nor DGPA's to read).
    let Ok(loaded) = crate::app::requests::load_for(state, who, id).await else { return Ok(Notices::default()) };
    if !notify::answer_concerns_reviewers(loaded.row.state) {
        return Ok(Notices::default());
    }
    let mut reviewers = users::supervisors_of(state, &loaded.row.agency_code).await?;
    // One who asked it is told as the asker.
    reviewers.retain(|u| u.id != row.created_by);
    let text = Text::new(
        format!("人事總處已答復案件 #{id} 之疑義：{}", row.subject),
        format!("DGPA answered a question about request #{id}: {}", row.subject),
    );
    Ok(Tell::new(state, reviewers, "inquiry_answered", text).notices(row.id, &format!("/inquiries/{}", row.id)))
}

/// Moves a question to its next state (with a reply, or closing) from the state it
/// is in when the change lands: replies sent at once each land; a stale `If-Match`
/// is 412. `notify` is told in-app and by e-mail, `hooks` of the state it lands in.
async fn advance(
    state: &AppState,
    who: &Principal,
    req: &HttpRequest,
    id: i64,
    step: InquiryStep<'_>,
    notify: Notices,
    hooks: Listeners,
) -> Result<HttpResponse, ApiError> {
    let audit = http::audit(who, req);
    let (user, now) = (who.user.id, Utc::now());
    let (expected, reply) = (step.expected, step.reply.map(|(by_dgpa, text)| (by_dgpa, text.to_string())));
    let saved = db(state, move |s| {
        let step = InquiryStep { expected, reply: reply.as_ref().map(|(by_dgpa, text)| (*by_dgpa, text.as_str())) };
        let tell = |to, version| notify.clone().and(hooks.notices(id, to, version, now));
        s.advance_inquiry(id, step, user, tell, &audit, now)
    })
    .await;
    match saved {
        Err(AppError::Store(StoreError::Conflict)) => Err(InputError::Stale.into()),
        Err(AppError::Store(StoreError::NotInState(_))) => Err(closed()),
        Err(AppError::Store(StoreError::LimitReached)) => Err(InputError::TooManyReplies { max: inquiry::MAX_MESSAGES }.into()),
        Err(e) => Err(e.into()),
        Ok(row) => detail(state, row).await,
    }
}

/// Close a question (either side): it takes no more replies.
#[utoipa::path(
    tag = "inquiries",
    security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    responses((status = 200, body = InquiryDetail), ErrorResponses)
)]
#[post("/inquiries/{id}/close")]
pub async fn close_inquiry(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let row = load(&state, &who, path.into_inner()).await?;
    let by_dgpa = side(&who, &row)?;
    let notify = if by_dgpa && row.created_by != who.user.id {
        let text = Text::new(format!("疑義已結案：{}", row.subject), format!("Question closed: {}", row.subject));
        Tell::new(&state, asker(&state, &row).await?, "inquiry_closed", text).notices(row.id, &format!("/inquiries/{}", row.id))
    } else {
        Notices::default()
    };
    let hooks = webhooks::listeners(&state, "inquiry.closed", &row.agency_code, row.request_id).await?;
    advance(&state, &who, &req, row.id, InquiryStep { expected, reply: None }, notify, hooks).await
}

/// Publish an answer into the FAQ of one of the question's fields (DGPA). Every
/// applicant reading the field sees it (`GET /dictionary/fields/{code}`).
/// The question must have DGPA's answer.
#[utoipa::path(
    tag = "inquiries",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = FaqPublication,
    responses((status = 201, body = FaqView), ErrorResponses)
)]
#[post("/inquiries/{id}/faq")]
pub async fn publish_faq(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<i64>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if !who.actor.roles.is_dgpa() {
        return Err(ApiError::forbidden_role(Role::DgpaOfficer));
    }
    let row = load(&state, &who, path.into_inner()).await?;
    let p: FaqPublication = parse_json(&req, &body)?;
    let problems = p.problems(&row.fields);
    if !problems.is_empty() {
        return Err(InputError::InvalidContent { kind: Content::Faq, problems }.into());
    }
    // Named as people know the field (公務年資), its code beside it.
    let dict = reference::dictionary(&state).await?;
    let (zh, en) = dict.field(&p.field).map_or((p.field.as_str(), p.field.as_str()), |f| (f.name_zh.as_str(), f.name_en.as_str()));
    let text = Text::new(
        format!("您的疑義已發布至欄位「{zh}」（{}）的常見問答。", p.field),
        format!("Your question was published to the FAQ of the field \"{en}\" ({}).", p.field),
    );
    let notify = Tell::new(&state, asker(&state, &row).await?, "faq_published", text).notices(row.id, &format!("/fields/{}", p.field));
    let audit = http::audit(&who, &req);
    let (id, user) = (row.id, who.user.id);
    let field = p.field.clone();
    let (faq, users) = db(&state, move |s| {
        let faq = s.publish_faq(Some(id), &p.field, p.question.trim(), p.answer.trim(), user, &notify, &audit, Utc::now())?;
        let users = s.get_users(&[faq.published_by])?;
        Ok((faq, users))
    })
    .await
    .map_err(|e| match e {
        // Both under the question's lock: a follow-up may have reopened it meanwhile.
        AppError::Store(StoreError::NotInState(_)) => InputError::InquiryUnanswered.into(),
        AppError::Store(StoreError::InFaq(faq)) => InputError::AlreadyInFaq { field, faq }.into(),
        e => ApiError::from(e),
    })?;
    tracing::info!(inquiry = id, field = %faq.field_code, actor = %user, "answer published to the FAQ");
    Ok(HttpResponse::Created().json(faq_view(faq, &users::by_id(users))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only unread items.
    pub unread: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The caller's in-app notifications, newest first.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), params(InboxQuery), responses((status = 200, body = Page<InboxItem>), ErrorResponses))]
#[get("/me/inbox")]
pub async fn list_inbox(state: web::Data<AppState>, who: Principal, q: http::Query<InboxQuery>) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(q.limit)?;
    let before = parse_cursor(q.cursor.as_deref())?;
    let (user, unread) = (who.user.id, q.unread.unwrap_or(false));
    let rows = db(&state, move |s| s.list_inbox(user, unread, before, limit + 1)).await?;
    let items: Vec<InboxItem> = rows
        .into_iter()
        .map(|r| InboxItem {
            id: r.id,
            kind: r.kind,
            link: r.link,
            message: Text::new(r.text_zh, r.text_en),
            created_at: r.created_at,
            read_at: r.read_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(page_of(items, limit, |i| i.id)))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 204), ErrorResponses))]
#[post("/me/inbox/{id}/read")]
pub async fn read_inbox(state: web::Data<AppState>, who: Principal, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let (user, id) = (who.user.id, path.into_inner());
    db(&state, move |s| s.mark_inbox_read(user, id, Utc::now())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How many of the caller's notifications are unread. What the browser's header shows,
/// without reading the notifications themselves.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), responses((status = 200, body = InboxSummary), ErrorResponses))]
#[get("/me/inbox/summary")]
pub async fn inbox_summary(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let user = who.user.id;
    let unread = db(&state, move |s| s.count_unread_inbox(user)).await?;
    Ok(HttpResponse::Ok().json(InboxSummary { unread }))
}

/// Mark the caller's unread notifications read: all of them, or those up to `up_to`
/// (the newest one the reader saw), so that what arrived meanwhile stays unread, and
/// only `ids` when given (a line of the browser's inbox). Repeating it marks nothing more.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), request_body(content = Option<ReadAllBody>), responses((status = 200, body = ReadAllResult), ErrorResponses))]
#[post("/me/inbox/read-all")]
pub async fn read_all_inbox(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: ReadAllBody = parse_optional_json(&req, &body)?;
    if b.up_to.is_some_and(|id| id < 1) {
        return Err(InputError::value("/up_to", "須為通知的編號（1 以上）", "up_to is a notification's id: 1 or more").into());
    }
    let only = b.ids;
    if only.as_ref().is_some_and(|ids| ids.len() > ReadAllBody::MAX_IDS) {
        return Err(InputError::value(
            "/ids",
            format!("一次至多 {} 個編號", ReadAllBody::MAX_IDS),
            format!("at most {} ids at once", ReadAllBody::MAX_IDS),
        )
        .into());
    }
    if let Some(n) = only.as_ref().and_then(|ids| ids.iter().position(|id| *id < 1)) {
        return Err(InputError::value(format!("/ids/{n}"), "須為通知的編號（1 以上）", "a notification's id: 1 or more").into());
    }
    let user = who.user.id;
    let (marked, unread) = db(&state, move |s| {
        let marked = s.mark_inbox_read_up_to(user, b.up_to, only.as_deref(), Utc::now())?;
        Ok((marked, s.count_unread_inbox(user)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReadAllResult { marked: marked as i64, unread }))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_inquiry)
        .service(list_inquiries)
        .service(get_inquiry)
        .service(reply_inquiry)
        .service(close_inquiry)
        .service(publish_faq)
        .service(list_inbox)
        .service(inbox_summary)
        .service(read_all_inbox)
        .service(read_inbox);
}
