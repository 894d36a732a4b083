//! Field questions (rule 7), their threads, the FAQ answers are published to, and
//! the in-app inbox that tells people a question was asked or answered. Each change
//! writes its thread message, its inbox items and its audit entry in one
//! transaction, guarded by the question's version.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::inquiry::{self, InquiryState};
use statreq_domain::{AgencyCode, RequestId, UserId};

use crate::audit::{append, AuditContext};
use crate::integration::{insert_notification, NewNotification};
use crate::schema::{field_faq, inbox, inquiries, inquiry_messages};
use crate::{from_db, to_db, DbConnection, Store, StoreError, StoreResult};

/// What a change to a question tells: in-app notices, and e-mails and webhook
/// deliveries queued for the outbox in the same transaction (so that none is lost,
/// nor sent for a change that did not land).
#[derive(Debug, Clone, Default)]
pub struct Notices {
    pub inbox: Vec<NewInbox>,
    pub outbox: Vec<NewNotification>,
}

impl Notices {
    /// These and `more` together.
    pub fn and(mut self, more: Notices) -> Notices {
        self.inbox.extend(more.inbox);
        self.outbox.extend(more.outbox);
        self
    }
}

fn tell(c: &mut DbConnection, n: &Notices, now: DateTime<Utc>) -> StoreResult<()> {
    add_inbox(c, &n.inbox, now)?;
    for m in &n.outbox {
        insert_notification(c, m, now, None)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct InquiryRow {
    pub id: i64,
    pub agency_code: AgencyCode,
    pub created_by: UserId,
    pub request_id: Option<RequestId>,
    pub fields: Vec<String>,
    pub subject: String,
    pub state: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InquiryMessageRow {
    pub id: i64,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FaqRow {
    pub id: i64,
    pub field_code: String,
    pub question: String,
    pub answer: String,
    pub inquiry_id: Option<i64>,
    pub published_by: UserId,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub id: i64,
    pub kind: String,
    pub link: String,
    pub text_zh: String,
    pub text_en: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An in-app notification to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInbox {
    pub user_id: UserId,
    pub kind: String,
    pub link: String,
    pub text_zh: String,
    pub text_en: String,
}

#[derive(Debug, Clone, Default)]
pub struct InquiryFilter {
    /// Only this agency's questions (an office sees its own).
    pub agency: Option<AgencyCode>,
    pub state: Option<String>,
    pub field: Option<String>,
    pub request_id: Option<RequestId>,
    /// Only questions changed (asked, replied to, answered, closed) at or after this.
    pub updated_since: Option<DateTime<Utc>>,
    /// Questions before this id (newest first).
    pub before: Option<i64>,
    pub limit: i64,
}

type FaqTuple = (i64, String, String, String, Option<i64>, UserId, NaiveDateTime);

macro_rules! faq_columns {
    () => {
        (
            field_faq::id,
            field_faq::field_code,
            field_faq::question,
            field_faq::answer,
            field_faq::inquiry_id,
            field_faq::published_by,
            field_faq::published_at,
        )
    };
}

fn faq_in(c: &mut DbConnection, id: i64, field: &str) -> StoreResult<FaqRow> {
    let r: FaqTuple = field_faq::table.filter(field_faq::id.eq(id).and(field_faq::field_code.eq(field))).select(faq_columns!()).first(c)?;
    Ok(faq_row(r))
}

fn faq_row(r: FaqTuple) -> FaqRow {
    FaqRow { id: r.0, field_code: r.1, question: r.2, answer: r.3, inquiry_id: r.4, published_by: r.5, published_at: from_db(r.6) }
}
type InboxTuple = (i64, String, String, String, String, NaiveDateTime, Option<NaiveDateTime>);
type IRow = (i64, AgencyCode, UserId, Option<i64>, String, String, String, i64, NaiveDateTime, NaiveDateTime);

macro_rules! inquiry_columns {
    () => {
        (
            inquiries::id,
            inquiries::agency_code,
            inquiries::created_by,
            inquiries::request_id,
            inquiries::fields,
            inquiries::subject,
            inquiries::state,
            inquiries::version,
            inquiries::created_at,
            inquiries::updated_at,
        )
    };
}

fn inquiry(r: IRow) -> StoreResult<InquiryRow> {
    Ok(InquiryRow {
        id: r.0,
        agency_code: r.1,
        created_by: r.2,
        request_id: r.3.map(RequestId),
        fields: serde_json::from_str(&r.4)?,
        subject: r.5,
        state: r.6,
        version: r.7,
        created_at: from_db(r.8),
        updated_at: from_db(r.9),
    })
}

fn add_message(c: &mut DbConnection, id: i64, author: UserId, body: &str, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::insert_into(inquiry_messages::table)
        .values((
            inquiry_messages::inquiry_id.eq(id),
            inquiry_messages::author_id.eq(author),
            inquiry_messages::body.eq(body),
            inquiry_messages::created_at.eq(to_db(now)),
        ))
        .execute(c)?;
    Ok(())
}

pub(crate) fn add_inbox(c: &mut DbConnection, items: &[NewInbox], now: DateTime<Utc>) -> StoreResult<()> {
    for n in items {
        diesel::insert_into(inbox::table)
            .values((
                inbox::user_id.eq(n.user_id),
                inbox::kind.eq(&n.kind),
                inbox::link.eq(&n.link),
                inbox::text_zh.eq(&n.text_zh),
                inbox::text_en.eq(&n.text_en),
                inbox::created_at.eq(to_db(now)),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Moves a question from `from` to `to`, guarded by its version and state.
/// What a change to a question does: a reply (by DGPA or by the asking office) or a
/// closing, and the version the caller last saw, if it said (`If-Match`).
#[derive(Debug, Clone, Copy)]
pub struct InquiryStep<'a> {
    pub expected: Option<i64>,
    /// `Some((by_dgpa, text))` for a reply, `None` for closing.
    pub reply: Option<(bool, &'a str)>,
}

/// Moves a question on from the state it is in when locked: so that replies sent at
/// once each land in turn, and only a stale `If-Match` is [`StoreError::Conflict`].
/// A closed question is [`StoreError::NotInState`]; a thread at
/// [`inquiry::MAX_MESSAGES`] is [`StoreError::LimitReached`].
fn advance(c: &mut DbConnection, id: i64, step: InquiryStep, now: DateTime<Utc>) -> StoreResult<(InquiryState, i64)> {
    let q = inquiries::table.find(id).select((inquiries::state, inquiries::version));
    let (raw, version): (String, i64) = match c {
        DbConnection::Postgres(pg) => q.for_no_key_update().first(pg)?,
        DbConnection::Sqlite(lite) => q.first(lite)?,
    };
    if step.expected.is_some_and(|v| v != version) {
        return Err(StoreError::Conflict);
    }
    let from = InquiryState::parse(&raw).ok_or_else(|| StoreError::Corrupt(format!("inquiry {id} is in state {raw}")))?;
    let to = match step.reply {
        Some((by_dgpa, _)) => from.after_reply(by_dgpa),
        None => from.close(),
    }
    .ok_or_else(|| StoreError::NotInState(raw.clone()))?;
    if step.reply.is_some() {
        let held: i64 = inquiry_messages::table.filter(inquiry_messages::inquiry_id.eq(id)).count().get_result(c)?;
        if usize::try_from(held).unwrap_or(usize::MAX) >= inquiry::MAX_MESSAGES {
            return Err(StoreError::LimitReached);
        }
    }
    diesel::update(inquiries::table.find(id))
        .set((inquiries::state.eq(to.as_str()), inquiries::version.eq(version + 1), inquiries::updated_at.eq(to_db(now))))
        .execute(c)?;
    Ok((to, version + 1))
}

impl Store {
    /// Asks a question: the question, its first message, the inbox items and the
    /// audit entry together. A person with [`inquiry::MAX_OPEN_PER_PERSON`] questions
    /// not yet closed gets [`StoreError::LimitReached`] (counted in the transaction).
    #[allow(clippy::too_many_arguments)]
    pub fn create_inquiry(
        &self,
        agency_code: &AgencyCode,
        created_by: UserId,
        request_id: Option<RequestId>,
        fields: &[String],
        subject: &str,
        body: &str,
        notify: impl Fn(i64) -> Notices,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<InquiryRow> {
        let fields_json = serde_json::to_string(fields)?;
        let id = self.write_tx(|c| {
            // Questions asked at once by one person count in turn.
            crate::users::lock_account(c, created_by)?;
            let open: i64 = inquiries::table
                .filter(inquiries::created_by.eq(created_by).and(inquiries::state.ne(InquiryState::Closed.as_str())))
                .count()
                .get_result(c)?;
            if usize::try_from(open).unwrap_or(usize::MAX) >= inquiry::MAX_OPEN_PER_PERSON {
                return Err(StoreError::LimitReached);
            }
            let id = diesel::insert_into(inquiries::table)
                .values((
                    inquiries::agency_code.eq(agency_code),
                    inquiries::created_by.eq(created_by),
                    inquiries::request_id.eq(request_id),
                    inquiries::fields.eq(&fields_json),
                    inquiries::subject.eq(subject),
                    inquiries::state.eq("open"),
                    inquiries::version.eq(1_i64),
                    inquiries::created_at.eq(to_db(now)),
                    inquiries::updated_at.eq(to_db(now)),
                ))
                .returning(inquiries::id)
                .get_result::<i64>(c)?;
            add_message(c, id, created_by, body, now)?;
            // The question's id is known now: links and e-mails name it.
            let notify = notify(id);
            tell(c, &notify, now)?;
            append(c, audit, "inquiry.created", request_id, &serde_json::json!({"inquiry": id, "fields": fields}), now)?;
            Ok(id)
        })?;
        self.get_inquiry(id)
    }

    pub fn get_inquiry(&self, id: i64) -> StoreResult<InquiryRow> {
        inquiry(inquiries::table.find(id).select(inquiry_columns!()).first(&mut *self.conn()?)?)
    }

    /// Newest first.
    pub fn list_inquiries(&self, f: &InquiryFilter) -> StoreResult<Vec<InquiryRow>> {
        let mut q = inquiries::table.select(inquiry_columns!()).order(inquiries::id.desc()).limit(f.limit).into_boxed();
        if let Some(a) = &f.agency {
            q = q.filter(inquiries::agency_code.eq(a.clone()));
        }
        if let Some(s) = &f.state {
            q = q.filter(inquiries::state.eq(s.clone()));
        }
        if let Some(code) = &f.field {
            // Codes are [a-z0-9_]: no LIKE wildcard can hide in one.
            q = q.filter(inquiries::fields.like(format!("%\"{code}\"%")));
        }
        if let Some(r) = f.request_id {
            q = q.filter(inquiries::request_id.eq(r));
        }
        if let Some(b) = f.before {
            q = q.filter(inquiries::id.lt(b));
        }
        if let Some(since) = f.updated_since {
            q = q.filter(inquiries::updated_at.ge(to_db(since)));
        }
        q.load::<IRow>(&mut *self.conn()?)?.into_iter().map(inquiry).collect()
    }

    /// Questions tied to a request that wait for DGPA.
    pub fn open_inquiries_of(&self, request_id: RequestId) -> StoreResult<Vec<i64>> {
        Ok(inquiries::table
            .filter(inquiries::request_id.eq(request_id))
            .filter(inquiries::state.eq("open"))
            .order(inquiries::id.asc())
            .select(inquiries::id)
            .load(&mut *self.conn()?)?)
    }

    pub fn inquiry_messages(&self, id: i64) -> StoreResult<Vec<InquiryMessageRow>> {
        let rows: Vec<(i64, UserId, String, NaiveDateTime)> = inquiry_messages::table
            .filter(inquiry_messages::inquiry_id.eq(id))
            .order(inquiry_messages::id.asc())
            .select((inquiry_messages::id, inquiry_messages::author_id, inquiry_messages::body, inquiry_messages::created_at))
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(|r| InquiryMessageRow { id: r.0, author_id: r.1, body: r.2, created_at: from_db(r.3) }).collect())
    }

    /// A reply (moving the state as the domain decided), or a close (`body` None).
    /// `notify` is given the state and version the change leaves the question in.
    #[allow(clippy::too_many_arguments)]
    pub fn advance_inquiry(
        &self,
        id: i64,
        step: InquiryStep,
        author: UserId,
        notify: impl Fn(InquiryState, i64) -> Notices,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<InquiryRow> {
        self.write_tx(|c| {
            let (to, version) = advance(c, id, step, now)?;
            if let Some((_, body)) = step.reply {
                add_message(c, id, author, body, now)?;
            }
            tell(c, &notify(to, version), now)?;
            let action = if step.reply.is_some() { "inquiry.replied" } else { "inquiry.closed" };
            append(c, audit, action, None, &serde_json::json!({"inquiry": id, "state": to.as_str()}), now)
        })?;
        self.get_inquiry(id)
    }

    /// Publishes an answer into a field's FAQ.
    #[allow(clippy::too_many_arguments)]
    pub fn publish_faq(
        &self,
        inquiry_id: Option<i64>,
        field: &str,
        question: &str,
        answer: &str,
        by: UserId,
        notify: &Notices,
        audit: &AuditContext,
        now: DateTime<Utc>,
    ) -> StoreResult<FaqRow> {
        let id = self.write_tx(|c| {
            if let Some(q) = inquiry_id {
                // Under the question's lock: answered by now, and not yet in this field's FAQ.
                let state = inquiries::table.find(q).select(inquiries::state);
                let state: String = match c {
                    DbConnection::Postgres(pg) => state.for_no_key_update().first(pg)?,
                    DbConnection::Sqlite(lite) => state.first(lite)?,
                };
                if state == InquiryState::Open.as_str() {
                    return Err(StoreError::NotInState(state));
                }
                let earlier: Option<i64> = field_faq::table
                    .filter(field_faq::inquiry_id.eq(q).and(field_faq::field_code.eq(field)))
                    .select(field_faq::id)
                    .first(c)
                    .optional()?;
                if let Some(earlier) = earlier {
                    return Err(StoreError::InFaq(earlier));
                }
            }
            let id = diesel::insert_into(field_faq::table)
                .values((
                    field_faq::field_code.eq(field),
                    field_faq::question.eq(question),
                    field_faq::answer.eq(answer),
                    field_faq::inquiry_id.eq(inquiry_id),
                    field_faq::published_by.eq(by),
                    field_faq::published_at.eq(to_db(now)),
                ))
                .returning(field_faq::id)
                .get_result::<i64>(c)?;
            tell(c, notify, now)?;
            append(c, audit, "faq.published", None, &serde_json::json!({"faq": id, "field": field, "inquiry": inquiry_id}), now)?;
            Ok(id)
        })?;
        faq_in(&mut *self.conn()?, id, field)
    }

    /// Takes an answer out of a field's FAQ (DGPA): gone from what offices read, kept
    /// whole in the audit trail. Not one of `field`'s: [`StoreError::NotFound`].
    pub fn withdraw_faq(&self, id: i64, field: &str, audit: &AuditContext, now: DateTime<Utc>) -> StoreResult<FaqRow> {
        let row = self.write_tx(|c| {
            let row = faq_in(c, id, field)?;
            diesel::delete(field_faq::table.find(id)).execute(c)?;
            let details = serde_json::json!({
                "faq": id,
                "field": row.field_code,
                "inquiry": row.inquiry_id,
                "question": row.question,
                "answer": row.answer,
                "published_by": row.published_by,
                "published_at": row.published_at,
            });
            append(c, audit, "faq.withdrawn", None, &details, now)?;
            Ok(row)
        })?;
        Ok(row)
    }

    /// The FAQ of every field, newest first, a page at a time: of one field, and with
    /// `text` (any case) in its question or answer, when given.
    pub fn search_faq(&self, field: Option<&str>, text: Option<&str>, before: Option<i64>, limit: i64) -> StoreResult<Vec<FaqRow>> {
        let mut q = field_faq::table.order(field_faq::id.desc()).limit(limit).select(faq_columns!()).into_boxed();
        if let Some(f) = field {
            q = q.filter(field_faq::field_code.eq(f.to_string()));
        }
        if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
            // However either side wrote them: full-width or ASCII letters and digits.
            let holds = |p: String| {
                crate::lower(field_faq::question).like(p.clone()).escape('\\').or(crate::lower(field_faq::answer).like(p).escape('\\'))
            };
            let [half, typed, full] = crate::like_forms(t);
            q = q.filter(holds(half).or(holds(typed)).or(holds(full)));
        }
        if let Some(b) = before {
            q = q.filter(field_faq::id.lt(b));
        }
        Ok(q.load::<FaqTuple>(&mut *self.conn()?)?.into_iter().map(faq_row).collect())
    }

    /// A field's FAQ (or every field's), oldest first.
    pub fn list_faq(&self, field: Option<&str>) -> StoreResult<Vec<FaqRow>> {
        let mut q = field_faq::table.order(field_faq::id.asc()).select(faq_columns!()).into_boxed();
        if let Some(f) = field {
            q = q.filter(field_faq::field_code.eq(f.to_string()));
        }
        let rows: Vec<FaqTuple> = q.load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(faq_row).collect())
    }

    /// A user's inbox, newest first.
    /// The user's notifications, newest first, those older than `before` (an id).
    pub fn list_inbox(&self, user_id: UserId, unread_only: bool, before: Option<i64>, limit: i64) -> StoreResult<Vec<InboxRow>> {
        let mut q = inbox::table
            .filter(inbox::user_id.eq(user_id))
            .filter(inbox::id.lt(before.unwrap_or(i64::MAX)))
            .order(inbox::id.desc())
            .limit(limit)
            .select((inbox::id, inbox::kind, inbox::link, inbox::text_zh, inbox::text_en, inbox::created_at, inbox::read_at))
            .into_boxed();
        if unread_only {
            q = q.filter(inbox::read_at.is_null());
        }
        let rows: Vec<InboxTuple> = q.load(&mut *self.conn()?)?;
        Ok(rows
            .into_iter()
            .map(|r| InboxRow {
                id: r.0,
                kind: r.1,
                link: r.2,
                text_zh: r.3,
                text_en: r.4,
                created_at: from_db(r.5),
                read_at: r.6.map(from_db),
            })
            .collect())
    }

    /// Adds notices that must reach each person once (reminders, escalations): an item
    /// whose `dedupe` key is already in the inbox is left out. Returns how many were added.
    pub fn add_inbox_once(&self, items: &[(String, NewInbox)], now: DateTime<Utc>) -> StoreResult<usize> {
        self.write_tx(|c| {
            let mut added = 0;
            for (key, n) in items {
                let seen: i64 = inbox::table.filter(inbox::dedupe_key.eq(key)).count().get_result(c)?;
                if seen > 0 {
                    continue;
                }
                diesel::insert_into(inbox::table)
                    .values((
                        inbox::user_id.eq(n.user_id),
                        inbox::kind.eq(&n.kind),
                        inbox::link.eq(&n.link),
                        inbox::text_zh.eq(&n.text_zh),
                        inbox::text_en.eq(&n.text_en),
                        inbox::created_at.eq(to_db(now)),
                        inbox::dedupe_key.eq(Some(key)),
                    ))
                    .execute(c)?;
                added += 1;
            }
            Ok(added)
        })
    }

    /// How many of the user's items are unread.
    pub fn count_unread_inbox(&self, user_id: UserId) -> StoreResult<i64> {
        Ok(inbox::table.filter(inbox::user_id.eq(user_id)).filter(inbox::read_at.is_null()).count().get_result(&mut *self.conn()?)?)
    }

    /// Marks the user's unread items read, those up to `up_to` (an id) when given: what
    /// arrived after the list the reader saw stays unread; only `ids` when given. Returns
    /// how many were marked.
    pub fn mark_inbox_read_up_to(
        &self,
        user_id: UserId,
        up_to: Option<i64>,
        ids: Option<&[i64]>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.write_tx(|c| {
            let mine = inbox::table
                .filter(inbox::user_id.eq(user_id))
                .filter(inbox::read_at.is_null())
                .filter(inbox::id.le(up_to.unwrap_or(i64::MAX)));
            let read = inbox::read_at.eq(Some(to_db(now)));
            Ok(match ids {
                Some(ids) => diesel::update(mine.filter(inbox::id.eq_any(ids))).set(read).execute(c)?,
                None => diesel::update(mine).set(read).execute(c)?,
            })
        })
    }

    /// Marks one of the user's items read (NotFound when it is not theirs).
    pub fn mark_inbox_read(&self, user_id: UserId, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        let found: Option<Option<NaiveDateTime>> = inbox::table
            .filter(inbox::id.eq(id).and(inbox::user_id.eq(user_id)))
            .select(inbox::read_at)
            .first(&mut *self.conn()?)
            .optional()?;
        match found {
            None => Err(StoreError::NotFound),
            Some(Some(_)) => Ok(()),
            Some(None) => self.write_tx(|c| {
                diesel::update(inbox::table.find(id)).set(inbox::read_at.eq(Some(to_db(now)))).execute(c)?;
                Ok(())
            }),
        }
    }
}
