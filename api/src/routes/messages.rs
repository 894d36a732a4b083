//! A request's clarification thread: the applying office, its supervisor and DGPA.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use statreq_contract::{MessageView, Page, PostMessageBody};
use statreq_domain::values::MessageBody;
use statreq_domain::RequestId;

use crate::app::requests;
use crate::app::users::{self, user_ref};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, idempotency, parse_json, ErrorResponses};
use crate::AppState;

/// Messages one request's thread holds: far beyond any clarification, and a bound on
/// what a runaway client makes every side read (each is told to them).
const MAX_MESSAGES: usize = 500;

/// The clarification thread between the applying office, its supervisor and DGPA.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), http::PageParams), responses((status = 200, body = Page<MessageView>), ErrorResponses))]
#[get("/requests/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    q: http::Query<http::PageParams>,
) -> Result<HttpResponse, ApiError> {
    let loaded = requests::load_for(&state, &who, path.into_inner()).await?;
    let id = loaded.row.id;
    let (msgs, users) = db(&state, move |s| {
        let msgs = s.list_messages(id)?;
        let users = users::load(s, msgs.iter().map(|m| m.author_id))?;
        Ok((msgs, users))
    })
    .await?;
    let out: Vec<MessageView> = msgs.into_iter().map(|m| MessageView::new(m.id, user_ref(&users, m.author_id), m.body, m.at)).collect();
    http::list_response(out, q.cursor.as_deref(), q.limit)
}

/// Post to the clarification thread (anyone who may see the request).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first response instead of posting again", min_length = 1, max_length = 255, pattern = r"^[!-~]{1,255}$")), request_body = PostMessageBody, responses((status = 201, body = MessageView), ErrorResponses))]
#[post("/requests/{id}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<RequestId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let fingerprint = idempotency::fingerprint(&req, &body);
    idempotency::once(&state, &who, &req, fingerprint, || post_message_once(&state, &who, path.into_inner(), &req, &body)).await
}

async fn post_message_once(
    state: &AppState,
    who: &Principal,
    id: RequestId,
    req: &HttpRequest,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let b: PostMessageBody = parse_json(req, body)?;
    let text = MessageBody::parse(&b.body).map_err(|_| InputError::InvalidMessage { max: MessageBody::MAX_CHARS })?.into_inner();
    let loaded = requests::load_for(state, who, id).await?;
    let (id, author) = (loaded.row.id, who.actor.user);
    let m = match db(state, move |s| s.post_message(id, author, &text, MAX_MESSAGES, Utc::now())).await {
        Err(AppError::Store(statreq_store::StoreError::LimitReached)) => {
            return Err(InputError::TooManyMessages { max: MAX_MESSAGES }.into())
        }
        m => m?,
    };
    let users = users::by_id(vec![who.user.clone()]);
    Ok(HttpResponse::Created().json(MessageView::new(m.id, user_ref(&users, m.author_id), m.body, m.at)))
}

/// Registers this module's handlers.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_messages).service(post_message);
}
