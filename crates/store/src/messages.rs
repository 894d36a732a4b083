//! A request's thread: the clarification between the applying office, its supervising
//! agency and DGPA.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use statreq_domain::{EventKind, RequestId, State, UserId};

use crate::requests::{lock_request, touch};
use crate::schema::request_messages;
use crate::timeline::insert_event;
use crate::{from_db, to_db, Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    pub id: i64,
    pub request_id: RequestId,
    pub author_id: UserId,
    pub body: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// A message on the request's thread, and on its timeline the event that tells the
    /// other sides of it (`message_posted`, naming the message, not its text).
    /// At most `max` on one thread ([`StoreError::LimitReached`]), counted under the
    /// request's row lock.
    pub fn post_message(
        &self,
        request_id: RequestId,
        author: UserId,
        body: &str,
        max: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<MessageRow> {
        let id = self.write_tx(|c| {
            let raw = lock_request(c, request_id)?;
            let state = State::parse(&raw).ok_or(StoreError::Corrupt(raw))?;
            let held: i64 = request_messages::table.filter(request_messages::request_id.eq(request_id)).count().get_result(c)?;
            if usize::try_from(held).unwrap_or(usize::MAX) >= max {
                return Err(StoreError::LimitReached);
            }
            let id = diesel::insert_into(request_messages::table)
                .values((
                    request_messages::request_id.eq(request_id),
                    request_messages::author_id.eq(author),
                    request_messages::body.eq(body),
                    request_messages::at.eq(to_db(now)),
                ))
                .returning(request_messages::id)
                .get_result::<i64>(c)?;
            let data = serde_json::json!({ "message": id });
            insert_event(c, request_id, EventKind::MessagePosted, Some(state), state, author, None, &data, now)?;
            touch(c, request_id, now)?;
            Ok(id)
        })?;
        Ok(MessageRow { id, request_id, author_id: author, body: body.to_string(), at: now })
    }

    pub fn list_messages(&self, request_id: RequestId) -> StoreResult<Vec<MessageRow>> {
        let rows: Vec<(i64, UserId, String, NaiveDateTime)> = request_messages::table
            .filter(request_messages::request_id.eq(request_id))
            .order(request_messages::id.asc())
            .select((request_messages::id, request_messages::author_id, request_messages::body, request_messages::at))
            .load(&mut *self.conn()?)?;
        Ok(rows.into_iter().map(|(id, author_id, body, at)| MessageRow { id, request_id, author_id, body, at: from_db(at) }).collect())
    }
}
