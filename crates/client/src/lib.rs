#![doc = include_str!("../README.md")]

use serde::de::DeserializeOwned;
use serde::Serialize;
use statreq_contract::*;

mod deliveries;
mod paging;
mod transport;
mod types;
mod webhooks;
pub use transport::{Method, TransportError, Upload};
pub use types::*;

#[derive(Debug, Clone)]
pub struct Client {
    #[cfg(not(target_arch = "wasm32"))]
    http: reqwest::Client,
    base: String,
    access_token: Option<String>,
    refresh_token: Option<String>,
    /// The refresh token lives in the browser's HttpOnly cookie, never here.
    cookie_session: bool,
}

/// The header that asks for the refresh token in an HttpOnly cookie.
const COOKIE_MODE: (&str, &str) = ("Statreq-Refresh", "cookie");

impl Client {
    /// `base` is the server's origin, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str) -> Client {
        Client {
            #[cfg(not(target_arch = "wasm32"))]
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_string(),
            access_token: None,
            refresh_token: None,
            cookie_session: false,
        }
    }

    /// A browser's client: sign-in keeps the refresh token in an `HttpOnly` cookie
    /// (same origin only), out of reach of scripts and of `localStorage`.
    pub fn with_cookie_session(mut self) -> Client {
        self.cookie_session = true;
        self
    }

    /// Uses a bearer token obtained elsewhere (e.g. one issued by WebHR).
    pub fn with_token(mut self, token: impl Into<String>) -> Client {
        self.access_token = Some(token.into());
        self
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// Uses a refresh token kept from an earlier sign-in.
    pub fn set_refresh_token(&mut self, token: Option<String>) {
        self.refresh_token = token;
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// Sends a request and decodes the JSON answer or the problem document.
    async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        if_match: Option<i64>,
    ) -> Result<T> {
        self.call_tagged(method, path, body, if_match.map(|v| format!("\"{v}\""))).await
    }

    /// Sends a request with `If-Match` as given (an entity-tag or `*`).
    async fn call_tagged<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        if_match: Option<String>,
    ) -> Result<T> {
        let mut req = self.authed(method, path);
        if let Some(v) = if_match {
            req = req.header("If-Match", v);
        }
        if let Some(b) = body {
            req = req.json(b)?;
        }
        decode(self.send(req).await?)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.call::<(), T>(Method::GET, path, None, None).await
    }

    /// A `DELETE` answered with no body (204), or the problem.
    pub(crate) async fn delete(&self, path: &str, query: &[(&str, &str)]) -> Result<()> {
        done(self.send(self.authed(Method::DELETE, path).query(query)).await?)
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(&self, path: &str, body: &B, if_match: Option<i64>) -> Result<T> {
        self.call(Method::POST, path, Some(body), if_match).await
    }

    /// A transition: the server requires `If-Match` (428 without), so a `None`
    /// version is sent as `If-Match: *`, knowingly acting on whatever is current.
    async fn transition<B: Serialize + ?Sized>(&self, path: &str, body: &B, version: Option<i64>) -> Result<RequestView> {
        let tag = version.map_or_else(|| "*".to_string(), |v| format!("\"{v}\""));
        self.call_tagged(Method::POST, path, Some(body), Some(tag)).await
    }

    // ------------------------------------------------------------ auth

    /// Signs in; keeps the tokens for later calls.
    pub async fn login(&mut self, username: &str, password: &str) -> Result<TokenResponse> {
        let mut req = self.req(Method::POST, "/auth/login").json(&LoginBody { username: username.into(), password: password.into() })?;
        if self.cookie_session {
            req = req.header(COOKIE_MODE.0, COOKIE_MODE.1);
        }
        let t: TokenResponse = decode(self.send(req).await?)?;
        self.access_token = Some(t.access_token.clone());
        self.refresh_token = t.refresh_token.clone();
        Ok(t)
    }

    /// Rotates the refresh token; keeps the new tokens.
    pub async fn refresh(&mut self) -> Result<TokenResponse> {
        let req = if self.cookie_session {
            self.req(Method::POST, "/auth/refresh").header(COOKIE_MODE.0, COOKIE_MODE.1)
        } else {
            let token = self.refresh_token.clone().unwrap_or_default();
            self.req(Method::POST, "/auth/refresh").json(&RefreshBody { refresh_token: token })?
        };
        let t: TokenResponse = decode(self.send(req).await?)?;
        self.access_token = Some(t.access_token.clone());
        self.refresh_token = t.refresh_token.clone();
        Ok(t)
    }

    pub async fn notification_settings(&self) -> Result<NotificationSettings> {
        self.get("/me/notification-settings").await
    }

    pub async fn put_notification_settings(&self, email: &[(&str, bool)]) -> Result<NotificationSettings> {
        let email = email.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let body = NotificationSettings { email, inbox: Default::default(), email_sent: None, email_gather_seconds: None };
        self.call(Method::PUT, "/me/notification-settings", Some(&body), None).await
    }

    /// Turns notice kinds on or off in one's in-app inbox (since 1.11.0).
    pub async fn put_inbox_settings(&self, inbox: &[(&str, bool)]) -> Result<NotificationSettings> {
        let inbox = inbox.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let body = NotificationSettings { email: Default::default(), inbox, email_sent: None, email_gather_seconds: None };
        self.call(Method::PUT, "/me/notification-settings", Some(&body), None).await
    }

    /// Changes one's own password; every other session ends, this one carries on
    /// with the new tokens, which the client keeps.
    /// This account's sessions that can still refresh (the browser's own marked `current`).
    pub async fn sessions(&self) -> Result<Vec<SessionView>> {
        self.get_all("/auth/sessions").await
    }

    /// Ends one of this account's sessions.
    pub async fn end_session(&self, id: &str) -> Result<()> {
        self.delete(&format!("/auth/sessions/{id}"), &[]).await
    }

    /// Ends every session of this account, this one included.
    pub async fn sign_out_everywhere(&self) -> Result<SignedOutView> {
        self.post("/auth/sessions/sign-out-everywhere", &serde_json::json!({}), None).await
    }

    pub async fn change_password(&mut self, current: &str, new: &str) -> Result<TokenResponse> {
        let body = ChangePasswordBody { current_password: current.into(), new_password: new.into() };
        let mut req = self.authed(Method::POST, "/me/password").json(&body)?;
        if self.cookie_session {
            req = req.header(COOKIE_MODE.0, COOKIE_MODE.1);
        }
        let t: TokenResponse = decode(self.send(req).await?)?;
        self.access_token = Some(t.access_token.clone());
        self.refresh_token = t.refresh_token.clone();
        Ok(t)
    }

    /// Signs out: revokes this sign-in's refresh tokens and forgets both tokens.
    pub async fn logout(&mut self) -> Result<()> {
        let token = self.refresh_token.take().unwrap_or_default();
        let req = if self.cookie_session {
            self.req(Method::POST, "/auth/logout").header(COOKIE_MODE.0, COOKIE_MODE.1)
        } else {
            self.req(Method::POST, "/auth/logout").json(&RefreshBody { refresh_token: token })?
        };
        let res = self.send(req).await?;
        self.access_token = None;
        done(res)
    }

    /// Service accounts: client credentials.
    pub async fn client_credentials(&mut self, client_id: &str, client_secret: &str) -> Result<TokenResponse> {
        let body = ClientCredentialsBody {
            grant_type: "client_credentials".into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        };
        let t: TokenResponse = self.post("/auth/token", &body, None).await?;
        self.access_token = Some(t.access_token.clone());
        Ok(t)
    }

    pub async fn me(&self) -> Result<Me> {
        self.get("/me").await
    }

    // ------------------------------------------------------------ agencies, users, dictionary

    pub async fn list_agencies(&self) -> Result<Vec<AgencyView>> {
        self.get_all("/agencies").await
    }

    pub async fn get_agency(&self, code: &str) -> Result<AgencyView> {
        self.get(&format!("/agencies/{code}")).await
    }

    pub async fn create_agency(&self, body: &CreateAgencyBody) -> Result<AgencyView> {
        self.post("/agencies", body, None).await
    }

    /// With `if_match` (the `version` read), a change made since is refused (412 `precondition_failed`).
    pub async fn update_agency(&self, code: &str, body: &UpdateAgencyBody, if_match: Option<i64>) -> Result<AgencyView> {
        self.call(Method::PATCH, &format!("/agencies/{code}"), Some(body), if_match).await
    }

    /// CSV with header `code,name,parent_code,personnel_staff`.
    pub async fn import_agencies(&self, csv: &str) -> Result<ImportResult> {
        self.post_csv("/agencies/import", csv).await
    }

    /// Accounts matching every filter given as `(name, value)` pairs, as `GET /users`
    /// documents them: `q` (words in the username, name or e-mail), `agency`, `role`,
    /// `cursor`, `limit`.
    pub async fn find_users(&self, filters: &[(&str, &str)]) -> Result<Page<UserView>> {
        decode(self.send(self.authed(Method::GET, "/users").query(filters)).await?)
    }

    pub async fn get_user(&self, id: i64) -> Result<UserView> {
        self.get(&format!("/users/{id}")).await
    }

    pub async fn list_users(&self, cursor: Option<&str>) -> Result<Page<UserView>> {
        match cursor {
            Some(c) => self.get(&format!("/users?cursor={c}")).await,
            None => self.get("/users").await,
        }
    }

    /// Active DGPA officers (for assigning work).
    pub async fn officers(&self) -> Result<Vec<UserRef>> {
        self.get_all("/officers").await
    }

    pub async fn create_user(&self, body: &CreateUserBody) -> Result<UserView> {
        self.post("/users", body, None).await
    }

    /// With `if_match` (the `version` read), a change made since is refused (412 `precondition_failed`).
    pub async fn update_user(&self, id: i64, body: &UpdateUserBody, if_match: Option<i64>) -> Result<UserView> {
        self.call(Method::PATCH, &format!("/users/{id}"), Some(body), if_match).await
    }

    pub async fn list_fields(&self, query: Option<&str>) -> Result<Vec<Field>> {
        match query {
            Some(q) => self.get_all_with("/dictionary/fields", &[("q", q)]).await,
            None => self.get_all("/dictionary/fields").await,
        }
    }

    pub async fn get_field(&self, code: &str) -> Result<FieldDetail> {
        self.get(&format!("/dictionary/fields/{code}")).await
    }

    pub async fn put_field(&self, field: &Field, if_match: Option<i64>) -> Result<FieldDetail> {
        self.call(Method::PUT, &format!("/dictionary/fields/{}", field.code), Some(field), if_match).await
    }

    pub async fn field_history(&self, code: &str) -> Result<Vec<ReferenceChangeView>> {
        self.get_all(&format!("/dictionary/fields/{code}/history")).await
    }

    /// CSV in the format of `GET /dictionary/fields.csv`.
    pub async fn import_fields(&self, csv: &str) -> Result<ReferenceImportResult> {
        self.post_csv("/dictionary/fields/import", csv).await
    }

    /// CSV in the format of `GET /sources.csv`.
    pub async fn import_sources(&self, csv: &str) -> Result<ReferenceImportResult> {
        self.post_csv("/sources/import", csv).await
    }

    /// The years with an office calendar, and those missing by now.
    pub async fn calendar_years(&self) -> Result<CalendarYears> {
        self.get("/calendar").await
    }

    /// One year of the office calendar.
    pub async fn calendar(&self, year: i32) -> Result<CalendarView> {
        self.get(&format!("/calendar/{year}")).await
    }

    /// Sets one year; `version` is the ETag last seen (`None` for a new year).
    pub async fn put_calendar(&self, calendar: &statreq_domain::calendar::OfficeCalendar, version: Option<i64>) -> Result<CalendarView> {
        self.call(Method::PUT, &format!("/calendar/{}", calendar.year), Some(calendar), version).await
    }

    /// Working days from `from` to `to`, both counted.
    pub async fn working_days(&self, from: &str, to: &str) -> Result<WorkingDays> {
        self.get(&format!("/calendar/working-days?from={from}&to={to}")).await
    }

    /// CSV `date,kind,name`; each year in it replaces that year.
    pub async fn import_calendar(&self, csv: &str) -> Result<ReferenceImportResult> {
        self.post_csv("/calendar/import", csv).await
    }

    async fn post_csv<T: DeserializeOwned>(&self, path: &str, csv: &str) -> Result<T> {
        decode(self.send(self.authed(Method::POST, path).body("text/csv", csv.as_bytes().to_vec())).await?)
    }

    /// The raw CSV of a `.csv` endpoint.
    pub async fn get_text(&self, path: &str) -> Result<String> {
        body(self.send(self.authed(Method::GET, path)).await?).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    // ------------------------------------------------------------ field questions

    pub async fn create_inquiry(&self, body: &NewInquiry) -> Result<InquiryDetail> {
        self.post("/inquiries", body, None).await
    }

    pub async fn list_inquiries(&self, query: &str) -> Result<Page<InquiryView>> {
        self.get(&format!("/inquiries?{query}")).await
    }

    pub async fn get_inquiry(&self, id: i64) -> Result<InquiryDetail> {
        self.get(&format!("/inquiries/{id}")).await
    }

    pub async fn reply_inquiry(&self, id: i64, body: &str, if_match: Option<i64>) -> Result<InquiryDetail> {
        self.post(&format!("/inquiries/{id}/replies"), &ReplyBody { body: body.into() }, if_match).await
    }

    pub async fn close_inquiry(&self, id: i64, if_match: Option<i64>) -> Result<InquiryDetail> {
        self.call::<(), _>(Method::POST, &format!("/inquiries/{id}/close"), None, if_match).await
    }

    pub async fn publish_faq(&self, id: i64, body: &FaqPublication) -> Result<FaqView> {
        self.post(&format!("/inquiries/{id}/faq"), body, None).await
    }

    /// The fields' FAQ, newest first: `query` as `GET /dictionary/faq` takes it
    /// (`field=grade&q=本職`).
    pub async fn faq(&self, query: &str) -> Result<Page<FaqView>> {
        self.get(&format!("/dictionary/faq?{query}")).await
    }

    /// Takes an answer out of a field's FAQ (DGPA).
    pub async fn withdraw_faq(&self, field: &str, id: i64) -> Result<()> {
        self.delete(&format!("/dictionary/fields/{field}/faq/{id}"), &[]).await
    }

    pub async fn inbox(&self, unread: bool) -> Result<Vec<InboxItem>> {
        self.get_all(&format!("/me/inbox?unread={unread}")).await
    }

    pub async fn read_inbox(&self, id: i64) -> Result<()> {
        done(self.send(self.authed(Method::POST, &format!("/me/inbox/{id}/read"))).await?)
    }

    /// One page of notifications, newest first (`cursor`: the previous page's `next_cursor`).
    pub async fn inbox_page(&self, unread: bool, cursor: Option<&str>, limit: Option<u32>) -> Result<Page<InboxItem>> {
        self.page(&format!("/me/inbox?unread={unread}"), cursor, limit).await
    }

    pub async fn inbox_summary(&self) -> Result<InboxSummary> {
        self.get("/me/inbox/summary").await
    }

    /// Marks every unread notification read, or those up to `up_to` (an id).
    pub async fn read_all_inbox(&self, up_to: Option<i64>) -> Result<ReadAllResult> {
        self.post("/me/inbox/read-all", &ReadAllBody { up_to, ids: None }, None).await
    }

    /// Marks these of the caller's notifications read (at most 200).
    pub async fn read_inbox_ids(&self, ids: &[i64]) -> Result<ReadAllResult> {
        self.post("/me/inbox/read-all", &ReadAllBody { up_to: None, ids: Some(ids.to_vec()) }, None).await
    }

    // ------------------------------------------------------------ requests

    pub async fn create_request(&self, application: &Application) -> Result<RequestView> {
        self.post("/requests", application, None).await
    }

    /// Creates a draft with a system reference and/or an idempotency key.
    ///
    /// ```no_run
    /// # async fn demo(c: &statreq_client::Client, app: &statreq_contract::Application) -> statreq_client::Result<()> {
    /// use statreq_client::CreateOptions;
    /// let opts = CreateOptions { external_ref: Some("WEBHR-2026-000123".into()), idempotency_key: Some("7c0e…".into()) };
    /// let first = c.create_request_with(app, &opts).await?;
    /// let again = c.create_request_with(app, &opts).await?; // a retry: the same request, not a second one
    /// assert_eq!(first.id, again.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_request_with(&self, application: &Application, opts: &CreateOptions) -> Result<RequestView> {
        let mut req = self.authed(Method::POST, "/requests").json(application)?;
        if let Some(r) = &opts.external_ref {
            req = req.query(&[("external_ref", r)]);
        }
        if let Some(k) = &opts.idempotency_key {
            req = req.header("Idempotency-Key", k.as_str());
        }
        decode(self.send(req).await?)
    }

    /// The request this system created with `external_ref`, if any.
    pub async fn find_by_external_ref(&self, external_ref: &str) -> Result<Option<RequestView>> {
        let page: Page<RequestView> =
            decode(self.send(self.authed(Method::GET, "/requests").query(&[("external_ref", external_ref)])).await?)?;
        Ok(page.items.into_iter().next())
    }

    /// Lists requests visible to the caller; `state` filters, `cursor` pages.
    pub async fn list_requests(&self, state: Option<State>, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<RequestView>> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(s) = state {
            q.push(("state", s.as_str().to_string()));
        }
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        if let Some(l) = limit {
            q.push(("limit", l.to_string()));
        }
        decode(self.send(self.authed(Method::GET, "/requests").query(&q)).await?)
    }

    /// Registers an application that arrived on paper or by e-mail (DGPA officer).
    pub async fn register_paper(&self, body: &PaperIntakeBody) -> Result<RequestView> {
        self.post("/requests/paper", body, None).await
    }

    /// Requests matching every filter given as `(name, value)` pairs, as
    /// `GET /requests` documents them (`state` may repeat), e.g.
    /// `[("q", "陞遷"), ("state", "queued"), ("state", "in_production")]`.
    pub async fn search_requests(&self, filters: &[(&str, &str)]) -> Result<Page<RequestView>> {
        decode(self.send(self.authed(Method::GET, "/requests").query(filters)).await?)
    }

    /// How many of the requests the caller may see are in each state, of those `filters`
    /// select ([`Client::search_requests`]'s, e.g. `("assignee", "me")` for the work an
    /// officer holds; none for all).
    pub async fn count_requests(&self, filters: &[(&str, &str)]) -> Result<RequestCounts> {
        decode(self.send(self.authed(Method::GET, "/requests/counts").query(filters)).await?)
    }

    /// The same selection as [`Client::search_requests`] as CSV (UTF-8 with BOM).
    pub async fn export_requests(&self, filters: &[(&str, &str)]) -> Result<Vec<u8>> {
        body(self.send(self.authed(Method::GET, "/requests.csv").query(filters)).await?)
    }

    pub async fn get_request(&self, id: i64) -> Result<RequestView> {
        self.get(&format!("/requests/{id}")).await
    }

    /// Edits a draft; `version` is the ETag last seen (required).
    pub async fn update_request(&self, id: i64, version: i64, patch: &ApplicationPatch) -> Result<RequestView> {
        self.call(Method::PATCH, &format!("/requests/{id}"), Some(patch), Some(version)).await
    }

    pub async fn check_request(&self, id: i64) -> Result<CheckResponse> {
        self.post(&format!("/requests/{id}/check"), &serde_json::json!({}), None).await
    }

    pub async fn submit(&self, id: i64, version: Option<i64>) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/submit"), &serde_json::json!({}), version).await
    }

    pub async fn withdraw(&self, id: i64, version: Option<i64>, reason: Option<&str>) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/withdraw"), &WithdrawBody { reason: reason.map(String::from) }, version).await
    }

    pub async fn supervisor_decision(
        &self,
        id: i64,
        version: Option<i64>,
        decision: Decision,
        comment: Option<&str>,
    ) -> Result<RequestView> {
        let body = SupervisorDecisionBody { decision, comment: comment.map(String::from) };
        self.transition(&format!("/requests/{id}/supervisor-decision"), &body, version).await
    }

    pub async fn dgpa_decision(
        &self,
        id: i64,
        version: Option<i64>,
        decision: DgpaDecision,
        difficulty: Option<Difficulty>,
        comment: Option<&str>,
    ) -> Result<RequestView> {
        let body = DgpaDecisionBody { decision, difficulty, comment: comment.map(String::from), reason_code: None, source_id: None };
        self.transition(&format!("/requests/{id}/dgpa-decision"), &body, version).await
    }

    /// DGPA's decision with every part of the body, e.g. a return with its reason code
    /// and the catalog entry that already has the data.
    pub async fn dgpa_decision_with(&self, id: i64, version: Option<i64>, body: &DgpaDecisionBody) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/dgpa-decision"), body, version).await
    }

    /// The reasons DGPA gives for returns and rejections.
    pub async fn outcome_reasons(&self) -> Result<Vec<OutcomeReasonView>> {
        self.get_all("/outcome-reasons").await
    }

    /// Takes the request for the caller, in queue order.
    pub async fn take(&self, id: i64, version: Option<i64>) -> Result<RequestView> {
        self.take_with(id, version, &TakeBody::default()).await
    }

    /// Takes the request for a named officer and/or out of order with a reason.
    pub async fn take_with(&self, id: i64, version: Option<i64>, body: &TakeBody) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/take"), body, version).await
    }

    /// Takes queued work out of the order, with the reason the applicant's office reads.
    pub async fn hold(&self, id: i64, version: Option<i64>, reason: &str) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/hold"), &HoldBody { reason: reason.into() }, version).await
    }

    /// Puts held work back in the order.
    pub async fn resume(&self, id: i64, version: Option<i64>) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/resume"), &serde_json::json!({}), version).await
    }

    /// Rates the difficulty again, with a reason.
    pub async fn rerate(&self, id: i64, version: Option<i64>, difficulty: Difficulty, reason: &str) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/difficulty"), &RerateBody { difficulty, reason: reason.into() }, version).await
    }

    /// Marks the data produced as personal, with a reason and a retention.
    pub async fn mark_personal(&self, id: i64, version: Option<i64>, reason: &str, retention_days: u32) -> Result<RequestView> {
        let body = MarkPersonalBody { contains: true, reason: reason.into(), retention_days };
        self.transition(&format!("/requests/{id}/personal-data"), &body, version).await
    }

    /// Gives work in production to another DGPA officer.
    pub async fn assign(&self, id: i64, version: Option<i64>, assignee: i64, reason: Option<&str>) -> Result<RequestView> {
        let body = AssignBody { assignee, reason: reason.map(String::from) };
        self.transition(&format!("/requests/{id}/assign"), &body, version).await
    }

    // ------------------------------------------------------------ the queue

    pub async fn queue(&self) -> Result<QueueView> {
        self.get("/queue").await
    }

    pub async fn queue_position(&self, id: i64) -> Result<QueuePositionView> {
        self.get(&format!("/requests/{id}/queue-position")).await
    }

    pub async fn queue_usage(&self) -> Result<Vec<UsageView>> {
        self.get_all("/queue/usage").await
    }

    pub async fn queue_settings(&self) -> Result<QueueSettingsView> {
        self.get("/settings/queue").await
    }

    /// Changes the settings; `version` is the one last read (0 for the defaults).
    pub async fn put_queue_settings(&self, settings: &QueueSettings, version: i64) -> Result<QueueSettingsView> {
        self.call(Method::PUT, "/settings/queue", Some(settings), Some(version)).await
    }

    pub async fn stats(&self) -> Result<statreq_domain::stats::ServiceStats> {
        self.stats_of(&Default::default()).await
    }

    /// The statistics of the requests first submitted in `period` (since 1.12.0).
    pub async fn stats_of(&self, period: &statreq_domain::stats::Period) -> Result<statreq_domain::stats::ServiceStats> {
        self.get(&format!("/stats{}", period_query(period))).await
    }

    /// The statistics as CSV text.
    pub async fn stats_csv(&self) -> Result<String> {
        self.stats_csv_of(&Default::default()).await
    }

    /// The statistics of a period as CSV text (since 1.12.0).
    pub async fn stats_csv_of(&self, period: &statreq_domain::stats::Period) -> Result<String> {
        self.get_text(&format!("/stats.csv{}", period_query(period))).await
    }

    pub async fn queue_settings_history(&self) -> Result<Vec<SettingsChangeView>> {
        self.get_all("/settings/queue/history").await
    }

    pub async fn deliver(&self, id: i64, version: Option<i64>, reply: &str) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/deliver"), &DeliverBody { reply: reply.into() }, version).await
    }

    pub async fn record_destruction(&self, id: i64, version: Option<i64>, body: &DestructionBody) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/destruction"), body, version).await
    }

    pub async fn acknowledge(&self, id: i64, version: Option<i64>) -> Result<RequestView> {
        self.transition(&format!("/requests/{id}/acknowledge"), &serde_json::json!({}), version).await
    }

    pub async fn events(&self, id: i64) -> Result<Vec<EventView>> {
        self.get_all(&format!("/requests/{id}/events")).await
    }

    pub async fn revisions(&self, id: i64) -> Result<Vec<RevisionView>> {
        self.get_all(&format!("/requests/{id}/revisions")).await
    }

    pub async fn messages(&self, id: i64) -> Result<Vec<MessageView>> {
        self.get_all(&format!("/requests/{id}/messages")).await
    }

    pub async fn post_message(&self, id: i64, body: &str) -> Result<MessageView> {
        self.post(&format!("/requests/{id}/messages"), &PostMessageBody { body: body.into() }, None).await
    }
}

/// A success's JSON body, or the refusal.
fn decode<T: DeserializeOwned>(res: transport::Res) -> Result<T> {
    if !res.is_success() {
        return Err(refusal(res));
    }
    let text = res.text();
    serde_json::from_str(&text).map_err(|e| ClientError::Decode(format!("{e}: {text}")))
}

/// A success whose body is not needed (e.g. 204), or the refusal.
fn done(res: transport::Res) -> Result<()> {
    if res.is_success() {
        return Ok(());
    }
    Err(refusal(res))
}

/// A success's body as served (a file, a CSV), or the refusal.
fn body(res: transport::Res) -> Result<Vec<u8>> {
    if res.is_success() {
        return Ok(res.body);
    }
    Err(refusal(res))
}

/// An error status: the server's problem document, or the status and body as they came.
fn refusal(res: transport::Res) -> ClientError {
    let text = res.text();
    if res.header("content-type").is_some_and(|v| v.starts_with("application/problem+json")) {
        if let Ok(p) = serde_json::from_str::<Problem>(&text) {
            return ClientError::Problem(Box::new(p));
        }
    }
    ClientError::Status { status: res.status, body: text }
}

/// `?submitted_from=…&submitted_to=…` of a statistics period (nothing when open).
fn period_query(p: &statreq_domain::stats::Period) -> String {
    let parts: Vec<String> = [("submitted_from", p.submitted_from), ("submitted_to", p.submitted_to)]
        .into_iter()
        .filter_map(|(name, day)| day.map(|d| format!("{name}={d}")))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
