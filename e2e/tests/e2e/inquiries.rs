//! Field questions (rule 7) through to a published FAQ, the in-app inbox, the
//! check's warning while a question is open, and similar delivered requests
//! suggested at check within what the caller may see.

use crate::common;

use statreq_e2e::statreq_client::{Client, Method};
use statreq_e2e::statreq_contract::{FaqPublication, InquiryState, NewInquiry, State};
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap()
}

fn status<T: std::fmt::Debug>(r: Result<T, statreq_e2e::statreq_client::ClientError>) -> Option<u16> {
    r.err().and_then(|e| e.status())
}

/// Percent-encodes a query value.
fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn question(request_id: Option<i64>) -> NewInquiry {
    NewInquiry {
        fields: vec!["service_years".into(), "grade".into()],
        subject: "公務年資是否含留職停薪期間".into(),
        body: "統計公務年資時，留職停薪期間是否計入？借調期間呢？".into(),
        request_id,
    }
}

async fn open_warning(c: &Client, id: i64) -> bool {
    ok(c.check_request(id).await).findings.iter().any(|f| f.code.name() == "inquiry_open")
}

async fn a_question_is_answered_and_published_to_the_fields_faq(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let other = server.login("applicant.tpedu").await;
    let draft = ok(applicant.create_request(&common::statistics()).await);
    assert!(!open_warning(&applicant, draft.id).await);

    // Asked with an Idempotency-Key: a retry gets the same question, not a second one.
    let body = ok(serde_json::to_vec(&question(Some(draft.id))));
    let post = |key: &'static str, body: Vec<u8>| {
        let applicant = &applicant;
        async move { ok(applicant.raw_with_headers(Method::POST, "/inquiries", "application/json", body, &[("Idempotency-Key", key)]).await) }
    };
    let first = post("ask-1", body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post("ask-1", body.clone()).await;
    assert_eq!((again.status, again.header("Idempotent-Replayed")), (201, Some("true")));
    assert_eq!(again.body["inquiry"]["id"], first.body["inquiry"]["id"]);
    let id = first.body["inquiry"]["id"].as_i64().unwrap_or_default();
    assert_eq!(ok(applicant.list_inquiries("").await).items.len(), 1);

    // Refusals change nothing: the wrong role, another agency's request, unknown fields, malformed and oversized bodies.
    assert_eq!(status(officer.create_inquiry(&question(None)).await), Some(403), "DGPA answers, it does not ask");
    assert_eq!(status(other.create_inquiry(&question(Some(draft.id))).await), Some(422));
    let mut unknown = question(None);
    unknown.fields = vec!["nope".into()];
    let err = applicant.create_inquiry(&unknown).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| p.errors[0].pointer.clone()), Some("/fields/0".into()));
    let (s, _) = ok(applicant.raw(Method::POST, "/inquiries", "application/json", b"{\"fields\":".to_vec(), None).await);
    assert_eq!(s, 400);
    let mut long = question(None);
    long.body = "字".repeat(4_001);
    assert_eq!(status(applicant.create_inquiry(&long).await), Some(422));
    assert_eq!(ok(applicant.list_inquiries("").await).items.len(), 1);

    // While DGPA has not answered, checking the request warns (and does not block).
    assert!(open_warning(&applicant, draft.id).await);
    // Another agency sees nothing of it; DGPA's officers were told in their inbox.
    assert_eq!(status(other.get_inquiry(id).await), Some(404));
    assert!(ok(other.list_inquiries("").await).items.is_empty());
    let inbox = ok(officer.inbox(true).await);
    let notice = inbox.iter().find(|i| i.kind == "inquiry_created").unwrap_or_else(|| panic!("{inbox:?}"));
    assert_eq!(notice.link, format!("/inquiries/{id}"));

    // DGPA answers; a stale If-Match is refused; the applicant is told.
    let asked = ok(officer.get_inquiry(id).await);
    assert_eq!(asked.inquiry.state, InquiryState::Open);
    assert_eq!(status(officer.reply_inquiry(id, "x", Some(asked.inquiry.version + 3)).await), Some(412));
    assert_eq!(status(other.reply_inquiry(id, "x", None).await), Some(404));
    assert_eq!(status(officer.reply_inquiry(id, " ", None).await), Some(422));
    let answer = "留職停薪期間不計入公務年資；借調期間依原職計入。";
    let answered = ok(officer.reply_inquiry(id, answer, Some(asked.inquiry.version)).await);
    assert_eq!(answered.inquiry.state, InquiryState::Answered);
    assert_eq!(answered.messages.len(), 2);
    assert!(answered.messages[1].from_dgpa && !answered.messages[0].from_dgpa);
    assert!(!open_warning(&applicant, draft.id).await, "answered: no more warning");
    assert!(ok(applicant.inbox(true).await).iter().any(|i| i.kind == "inquiry_answered"));
    // A follow-up reopens it; DGPA's second answer settles it again.
    let followed = ok(applicant.reply_inquiry(id, "部分留職停薪（育嬰）亦同？", None).await);
    assert_eq!(followed.inquiry.state, InquiryState::Open);
    ok(officer.reply_inquiry(id, "亦同。", None).await);

    // Publishing: DGPA only, to one of the question's fields.
    let faq = FaqPublication {
        field: "service_years".into(), question: "公務年資是否含留職停薪期間？".into(), answer: answer.into()
    };
    assert_eq!(status(applicant.publish_faq(id, &faq).await), Some(403));
    let elsewhere = FaqPublication { field: "sex".into(), ..faq.clone() };
    assert_eq!(status(officer.publish_faq(id, &elsewhere).await), Some(422));
    let published = ok(officer.publish_faq(id, &faq).await);
    assert_eq!(published.inquiry_id, Some(id));
    let field = ok(other.get_field("service_years").await);
    assert!(field.faq.iter().any(|f| f.answer == answer), "every office reads the FAQ: {:?}", field.faq);
    assert!(ok(applicant.inbox(false).await).iter().any(|i| i.kind == "faq_published"));

    // Closed, it takes no more replies.
    let closed = ok(applicant.close_inquiry(id, None).await);
    assert_eq!(closed.inquiry.state, InquiryState::Closed);
    assert_eq!(closed.published.len(), 1);
    assert_eq!(status(officer.reply_inquiry(id, "補充", None).await), Some(409));
    assert_eq!(status(applicant.close_inquiry(id, None).await), Some(409));
    let listed = ok(officer.list_inquiries("state=closed&field=service_years").await);
    assert_eq!(listed.items.iter().map(|i| i.id).collect::<Vec<_>>(), [id]);

    // Inbox items are the reader's own.
    let mine = ok(applicant.inbox(false).await);
    let (s, _) = ok(other.raw(Method::POST, &format!("/me/inbox/{}/read", mine[0].id), "application/json", vec![], None).await);
    assert_eq!(s, 404);
    let (s, _) = ok(applicant.raw(Method::POST, &format!("/me/inbox/{}/read", mine[0].id), "application/json", vec![], None).await);
    assert_eq!(s, 204);
    assert!(ok(applicant.inbox(true).await).iter().all(|i| i.id != mine[0].id));
}

/// A reviewer with hundreds of notices: the header counts them without reading them, the
/// list comes a page at a time, and one call marks what was seen read — not what arrived
/// meanwhile, and nobody else's.
async fn the_inbox_is_counted_paged_and_read_at_once(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let unread = |c: &Client| {
        let c = c.clone();
        async move { ok(c.inbox_summary().await).unread }
    };
    // Notices are written by the notification worker, shortly after the event.
    let reaches = |c: &Client, n: i64| {
        let c = c.clone();
        async move {
            for _ in 0..100 {
                if ok(c.inbox_summary().await).unread == n {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("unread never reached {n}: {:?}", c.inbox_summary().await);
        }
    };
    let before = unread(&supervisor).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let r = ok(applicant.create_request(&common::statistics()).await);
        ok(applicant.submit(r.id, None).await);
        ids.push(r.id);
    }
    // Each submission told the supervisor: counted, and listed a page at a time.
    reaches(&supervisor, before + 3).await;
    assert_eq!(unread(&supervisor).await, ok(supervisor.inbox(true).await).len() as i64);
    let first = ok(supervisor.inbox_page(true, None, Some(2)).await);
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.clone().unwrap_or_else(|| panic!("a second page"));
    let second = ok(supervisor.inbox_page(true, Some(&cursor), Some(2)).await);
    assert!(second.items.iter().all(|i| i.id < first.items[1].id), "{second:?}");
    let seen = first.items[0].id;

    // An approval tells DGPA; a submission arriving after the supervisor looked stays unread.
    let officer_before = unread(&officer).await;
    ok(supervisor.supervisor_decision(ids[0], None, statreq_e2e::statreq_domain::Decision::Approve, None).await);
    let officer_unread = officer_before + 1;
    reaches(&officer, officer_unread).await;
    let late = ok(applicant.create_request(&common::statistics()).await);
    ok(applicant.submit(late.id, None).await);
    reaches(&supervisor, before + 4).await;

    // Bad input is refused as a problem and marks nothing.
    let all = unread(&supervisor).await;
    for (body, code, status) in [
        (&br#"{"up_to": 0}"#[..], "invalid_value", 422),
        (br#"{"up_to": -5}"#, "invalid_value", 422),
        (br#"{"up_to": "all"}"#, "invalid_value", 422),
        (br#"{"upto": 1}"#, "unknown_field", 422),
        (br#"[1]"#, "invalid_value", 422),
        (br#"{"up_to": "#, "malformed_json", 400),
        (br#"{"ids": [1, 0]}"#, "invalid_value", 422),
        (br#"{"ids": "all"}"#, "invalid_value", 422),
    ] {
        let (s, p) = ok(supervisor.raw(Method::POST, "/me/inbox/read-all", "application/json", body.to_vec(), None).await);
        assert_eq!((s, p["code"].as_str()), (status, Some(code)), "{}: {p}", String::from_utf8_lossy(body));
        assert!(p["message"]["zh_tw"].as_str().is_some_and(|m| !m.is_empty()), "{p}");
    }
    let big = format!("{{\"up_to\": 1, \"x\": \"{}\"}}", "字".repeat(400_000)).into_bytes();
    let (s, p) = ok(supervisor.raw(Method::POST, "/me/inbox/read-all", "application/json", big, None).await);
    assert_eq!((s, p["code"].as_str()), (413, Some("payload_too_large")), "{p}");
    let many = serde_json::json!({ "ids": (1..=201).collect::<Vec<i64>>() }).to_string().into_bytes();
    let (s, p) = ok(supervisor.raw(Method::POST, "/me/inbox/read-all", "application/json", many, None).await);
    assert_eq!((s, p["errors"][0]["pointer"].as_str()), (422, Some("/ids")), "{p}");
    let (s, _) = ok(supervisor.raw(Method::POST, "/me/inbox/read-all", "text/plain", b"up_to=1".to_vec(), None).await);
    assert_eq!(s, 415);
    let anonymous = Client::new(&server.base);
    assert_eq!(status(anonymous.read_all_inbox(None).await), Some(401));
    assert_eq!(status(anonymous.inbox_summary().await), Some(401));
    assert_eq!(unread(&supervisor).await, all, "nothing marked by refused calls");

    // A line of notices, by id: those only; another reader's ids mark nothing of theirs.
    let pair: Vec<i64> = ok(supervisor.inbox(true).await).iter().filter(|i| i.id <= seen).take(2).map(|i| i.id).collect();
    assert_eq!(pair.len(), 2);
    let theirs: Vec<i64> = ok(officer.inbox(true).await).iter().map(|i| i.id).collect();
    let done = ok(supervisor.read_inbox_ids(&[pair.clone(), theirs.clone()].concat()).await);
    assert_eq!((done.marked, done.unread), (2, all - 2), "{done:?}");
    assert!(ok(supervisor.inbox(true).await).iter().all(|i| !pair.contains(&i.id)));
    assert_eq!(unread(&officer).await, officer_unread, "another reader's notices are theirs");
    assert_eq!(ok(supervisor.read_inbox_ids(&pair).await).marked, 0, "once");

    // Up to what was seen: the late one stays unread; DGPA's notices are untouched.
    let done = ok(supervisor.read_all_inbox(Some(seen)).await);
    assert_eq!((done.marked, done.unread), (all - 3, 1), "{done:?}");
    let left = ok(supervisor.inbox(true).await);
    assert_eq!(left.len(), 1);
    assert!(left[0].id > seen && left[0].link == format!("/requests/{}", late.id), "{left:?}");
    assert_eq!(unread(&officer).await, officer_unread, "another reader's notices are theirs");
    // Again: nothing more. Without `up_to` (or with no body at all): everything.
    assert_eq!(ok(supervisor.read_all_inbox(Some(seen)).await).marked, 0);
    let (s, p) = ok(supervisor.raw(Method::POST, "/me/inbox/read-all", "application/json", vec![], None).await);
    assert_eq!((s, p["marked"].as_i64(), p["unread"].as_i64()), (200, Some(1), Some(0)), "{p}");
    assert_eq!(unread(&supervisor).await, 0);
    assert!(ok(supervisor.inbox(false).await).iter().all(|i| i.read_at.is_some()));
}

/// Rule 7 binds "questions about a field's definition, or anything else": a question
/// may name no field, and the supervising office asks too.
async fn supervisors_ask_and_questions_may_be_on_other_matters(backend: Backend) {
    let server = TestServer::start(backend);
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let stranger = server.login("supervisor.tpe").await;
    let other_matters = NewInquiry {
        fields: vec![],
        subject: "基準日之認定".into(),
        body: "「113年底在職人員」之基準日是否以12月31日24時為準？".into(),
        request_id: None,
    };
    let asked = ok(supervisor.create_inquiry(&other_matters).await);
    assert!(asked.inquiry.fields.is_empty());
    assert!(ok(officer.inbox(true).await).iter().any(|i| i.kind == "inquiry_created"));
    let answered = ok(officer.reply_inquiry(asked.inquiry.id, "是，以12月31日24時在職者為準。", None).await);
    assert_eq!(answered.inquiry.state, InquiryState::Answered);
    assert!(ok(supervisor.inbox(true).await).iter().any(|i| i.kind == "inquiry_answered"));
    // The supervisor speaks for the office in its thread; another office does not.
    let followed = ok(supervisor.reply_inquiry(asked.inquiry.id, "了解，謝謝。", None).await);
    assert_eq!(followed.inquiry.state, InquiryState::Open);
    assert_eq!(status(stranger.reply_inquiry(asked.inquiry.id, "x", None).await), Some(404));
    // A question without a field cannot go to a field's FAQ.
    let faq = FaqPublication { field: "service_years".into(), question: "基準日？".into(), answer: "12月31日。".into() };
    assert_eq!(status(officer.publish_faq(asked.inquiry.id, &faq).await), Some(422));
    // More than twenty fields is refused and stores nothing.
    let many = NewInquiry { fields: vec!["grade".into(); 21], ..other_matters };
    assert_eq!(status(supervisor.create_inquiry(&many).await), Some(422));
    assert_eq!(ok(supervisor.list_inquiries("").await).items.len(), 1);
}

/// The supervising agency reviewing a request reads the questions its office asked about
/// it (rule 7: the data is used once they are settled) — once submitted, not the
/// office's other questions, and without speaking in their threads.
async fn the_supervising_agency_reads_the_questions_about_a_request_it_reviews(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let moi = server.login("supervisor.moi").await;
    let tpe = server.login("supervisor.tpe").await;
    let officer = server.login("officer1.dgpa").await;
    let draft = ok(applicant.create_request(&common::statistics()).await);
    let about = ok(applicant.create_inquiry(&question(Some(draft.id))).await).inquiry.id;
    let other = ok(applicant.create_inquiry(&question(None)).await).inquiry.id;
    let of_request = format!("request_id={}", draft.id);

    // A draft is the office's own, and so are the questions about it.
    assert!(ok(moi.list_inquiries(&of_request).await).items.is_empty());
    assert_eq!(status(moi.get_inquiry(about).await), Some(404));

    ok(applicant.submit(draft.id, None).await);
    let listed = ok(moi.list_inquiries(&of_request).await).items;
    assert_eq!(listed.iter().map(|i| i.id).collect::<Vec<_>>(), [about]);
    let read = ok(moi.get_inquiry(about).await);
    assert_eq!((read.inquiry.agency_code.as_str(), read.messages.len()), ("NPA", 1));
    // Not the office's other questions; and it reads, it does not speak for the office.
    assert_eq!(status(moi.get_inquiry(other).await), Some(404));
    assert!(ok(moi.list_inquiries("").await).items.is_empty());
    assert_eq!(status(moi.reply_inquiry(about, "請說明。", None).await), Some(403));
    assert_eq!(status(moi.close_inquiry(about, None).await), Some(403));
    // Another supervising agency reads nothing of it.
    assert!(ok(tpe.list_inquiries(&of_request).await).items.is_empty());
    assert_eq!(status(tpe.get_inquiry(about).await), Some(404));
    let thread = ok(officer.get_inquiry(about).await);
    assert_eq!((thread.inquiry.state, thread.messages.len()), (InquiryState::Open, 1), "nothing changed");

    // DGPA's answer is told to the reviewing agency too, which approves once it is
    // settled (rule 7); not to another agency, nor once the request has left it.
    let told = |c: &Client| {
        let c = c.clone();
        async move {
            ok(c.inbox(false).await).iter().filter(|i| i.kind == "inquiry_answered" && i.link == format!("/inquiries/{about}")).count()
        }
    };
    ok(officer.reply_inquiry(about, "以銓敘審定之職等為準。", None).await);
    assert_eq!((told(&moi).await, told(&tpe).await, told(&applicant).await), (1, 0, 1));
    ok(applicant.reply_inquiry(about, "兼任者呢？", None).await);
    let r = ok(applicant.get_request(draft.id).await);
    ok(moi.supervisor_decision(r.id, Some(r.version), statreq_e2e::statreq_domain::Decision::Approve, None).await);
    ok(officer.reply_inquiry(about, "以本職為準。", None).await);
    assert_eq!((told(&moi).await, told(&applicant).await), (1, 2), "approved: no longer the agency's to decide");
}

/// Takes a new statistics request of `applicant` through to delivery.
async fn delivered(applicant: &Client, supervisor: &Client, officer: &Client, fields: &[&str]) -> i64 {
    let mut app = common::statistics();
    app.requirement.fields = fields.iter().map(|f| (*f).to_string()).collect();
    common::Scenario::of(applicant, supervisor, officer).in_state(&app, State::Delivered, 1).await.id
}

async fn similar_requests_are_suggested_within_what_the_caller_may_see(backend: Backend) {
    let server = TestServer::start(backend);
    let npa = server.login("applicant.npa").await;
    let tpedu = server.login("applicant.tpedu").await;
    let moi = server.login("supervisor.moi").await;
    let tpe = server.login("supervisor.tpe").await;
    let officer = server.login("officer1.dgpa").await;
    let fields = ["agency_code", "education_level", "grade", "sex"];
    let npa_done = delivered(&npa, &moi, &officer, &fields).await;
    let tpedu_done = delivered(&tpedu, &tpe, &officer, &fields).await;
    let unrelated = delivered(&npa, &moi, &officer, &["salary_points"]).await;

    // A new NPA draft asking much the same: NPA's own earlier request is shown, TPEDU's only counted.
    let mut app = common::statistics();
    app.requirement.fields = ["agency_code", "education_level", "grade", "sex", "age"].map(String::from).to_vec();
    let draft = ok(npa.create_request(&app).await);
    let similar = ok(npa.check_request(draft.id).await).similar;
    assert_eq!(similar.visible.iter().map(|s| s.request_id).collect::<Vec<_>>(), [npa_done], "{similar:?}");
    assert_eq!(similar.other_count, 1, "TPEDU's request is counted, not shown");
    assert_eq!(similar.visible[0].percent, 80);
    assert_eq!(similar.visible[0].shared_fields, ["agency_code", "education_level", "grade", "sex"]);
    assert_eq!((similar.visible[0].agency_code.as_str(), similar.visible[0].agency_name.as_str()), ("NPA", "內政部警政署"));
    assert!(similar.visible.iter().all(|s| s.request_id != unrelated && s.request_id != tpedu_done));

    // Once submitted, DGPA sees every similar request.
    ok(npa.submit(draft.id, None).await);
    let for_dgpa = ok(officer.check_request(draft.id).await).similar;
    let mut ids: Vec<i64> = for_dgpa.visible.iter().map(|s| s.request_id).collect();
    ids.sort_unstable();
    assert_eq!((ids, for_dgpa.other_count), (vec![npa_done, tpedu_done], 0));
}

/// A thread takes the replies of both sides as they come: sent at once without
/// `If-Match`, each lands (a stale `If-Match` is still 412). A question's thread holds
/// 200 messages and a person 100 questions not yet closed, each counted as they land,
/// so that no client floods DGPA's officers, each of whom is told of every one.
async fn replies_at_once_all_land_and_threads_and_questions_are_bounded(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let officer = server.login("officer1.dgpa").await;
    let asked = ok(applicant.create_inquiry(&question(None)).await).inquiry;

    let replies = (0..4).map(|i| {
        let (who, text) = if i % 2 == 0 { (&officer, format!("答復 {i}")) } else { (&applicant, format!("補充 {i}")) };
        let who: &Client = who;
        async move { who.reply_inquiry(asked.id, &text, None).await }
    });
    for r in futures_util::future::join_all(replies).await {
        ok(r);
    }
    let thread = ok(applicant.get_inquiry(asked.id).await);
    assert_eq!((thread.messages.len(), thread.inquiry.version), (5, 5), "{thread:?}");
    let stale = applicant.reply_inquiry(asked.id, "遲到", Some(asked.version)).await.err();
    assert_eq!(stale.as_ref().and_then(|e| e.status()), Some(412), "{stale:?}");

    // 200 messages to a thread: 14 sent at once at 193 leave exactly 200.
    for batch in 0..(193 - 5) / 8 + 1 {
        let n = (193 - 5 - batch * 8).min(8);
        let sent = (0..n).map(|i| {
            let text = format!("補充說明 {batch}-{i}");
            let applicant = &applicant;
            async move { applicant.reply_inquiry(asked.id, &text, None).await }
        });
        assert!(futures_util::future::join_all(sent).await.into_iter().all(|r| r.is_ok()));
    }
    assert_eq!(ok(officer.get_inquiry(asked.id).await).messages.len(), 193);
    let sent = (0..14).map(|i| {
        let text = format!("回覆 {i}");
        let officer = &officer;
        async move { officer.reply_inquiry(asked.id, &text, None).await }
    });
    let answers = futures_util::future::join_all(sent).await;
    assert_eq!(answers.iter().filter(|r| r.is_ok()).count(), 7);
    for refused in answers.into_iter().filter_map(Result::err) {
        assert_eq!((refused.status(), refused.code()), (Some(409), Some("too_many_messages")), "{refused}");
        assert!(refused.to_string().contains("200"), "{refused}");
    }
    assert_eq!(ok(officer.get_inquiry(asked.id).await).messages.len(), 200);
    // Closing is still possible at the limit.
    assert_eq!(ok(officer.close_inquiry(asked.id, None).await).inquiry.state, InquiryState::Closed);

    // 100 questions not yet closed per person: 14 asked at once at 93 leave exactly 100.
    let q = question(None);
    for batch in 0..(93 + 7) / 8 {
        let n = (93 - batch * 8).min(8);
        let sent = (0..n).map(|_| applicant.create_inquiry(&q));
        assert!(futures_util::future::join_all(sent).await.into_iter().all(|r| r.is_ok()));
    }
    let sent = (0..14).map(|_| applicant.create_inquiry(&q));
    let asked_now = futures_util::future::join_all(sent).await;
    assert_eq!(asked_now.iter().filter(|r| r.is_ok()).count(), 7);
    for refused in asked_now.into_iter().filter_map(Result::err) {
        assert_eq!((refused.status(), refused.code()), (Some(409), Some("too_many_inquiries")), "{refused}");
        assert!(refused.to_string().contains("100"), "{refused}");
    }
    let mine = ok(applicant.list_inquiries("state=open&limit=200").await).items;
    assert_eq!(mine.len(), 100);
    // Another person of the same office still asks; closing one lets the first ask again.
    ok(supervisor.create_inquiry(&question(None)).await);
    ok(applicant.close_inquiry(mine[0].id, None).await);
    ok(applicant.create_inquiry(&question(None)).await);
    assert_eq!(status(applicant.create_inquiry(&question(None)).await), Some(409));
}

/// An answer is published once per field, also when two officers publish it at once;
/// one published in error is withdrawn by DGPA (kept in the audit trail) and may then
/// be published again, corrected.
async fn an_answer_is_published_once_and_withdrawn_by_dgpa(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let officer2 = server.login("officer2.dgpa").await;
    let admin = server.login("admin.dgpa").await;
    let id = ok(applicant.create_inquiry(&question(None)).await).inquiry.id;
    ok(officer.reply_inquiry(id, "留職停薪期間不計入。", None).await);
    let faq =
        FaqPublication { field: "service_years".into(), question: "公務年資含留職停薪？".into(), answer: "不計入。".into() };
    let before = ok(applicant.get_field("service_years").await).faq.len();

    // Two officers at once: one entry, the other told where it is.
    let (a, b) = tokio::join!(officer.publish_faq(id, &faq), officer2.publish_faq(id, &faq));
    let (published, refused) = match (a, b) {
        (Ok(p), Err(e)) | (Err(e), Ok(p)) => (p, e),
        other => panic!("one of two publications lands: {other:?}"),
    };
    assert_eq!((refused.status(), refused.code()), (Some(409), Some("already_in_faq")), "{refused}");
    assert!(refused.to_string().contains(&published.id.to_string()), "{refused}");
    assert_eq!(ok(applicant.get_field("service_years").await).faq.len(), before + 1);
    // Another of its fields is another FAQ.
    let in_grade = ok(officer.publish_faq(id, &FaqPublication { field: "grade".into(), ..faq.clone() }).await);

    // Every office reads the whole FAQ, newest first, by field or by words, a page at a time.
    let all = ok(applicant.faq("").await).items;
    assert_eq!(all.iter().take(2).map(|f| f.id).collect::<Vec<_>>(), [in_grade.id, published.id]);
    let grade = ok(applicant.faq("field=grade").await).items;
    assert!(grade.iter().all(|f| f.field == "grade") && grade.iter().any(|f| f.id == in_grade.id));
    let found = ok(applicant.faq(&format!("q={}", urlencoding("留職停薪"))).await).items;
    assert_eq!(found.iter().map(|f| f.id).collect::<Vec<_>>(), [in_grade.id, published.id], "the question's words");
    assert!(ok(applicant.faq("q=%25").await).items.is_empty(), "a % is a % (nothing matches)");
    let first = ok(applicant.faq("limit=1").await);
    let next = first.next_cursor.expect("more than one");
    assert_eq!(ok(applicant.faq(&format!("limit=1&cursor={next}")).await).items[0].id, published.id);
    for (bad, code) in [("q=%20%20", 400), ("limit=0", 422), ("cursor=x", 422), ("sort=id", 400), ("field=Grade", 400)] {
        let err = applicant.faq(bad).await.err();
        assert_eq!(err.as_ref().and_then(|e| e.status()), Some(code), "{bad}: {err:?}");
    }
    let (s, _) = ok(server.client().raw(Method::GET, "/dictionary/faq", "application/json", vec![], None).await);
    assert_eq!(s, 401);

    // Withdrawing: DGPA only; another field's path or an unknown entry is 404.
    assert_eq!(status(applicant.withdraw_faq("service_years", published.id).await), Some(403));
    assert_eq!(status(server.login("supervisor.moi").await.withdraw_faq("service_years", published.id).await), Some(403));
    assert_eq!(status(officer.withdraw_faq("grade", published.id).await), Some(404));
    assert_eq!(status(officer.withdraw_faq("service_years", published.id + 1000).await), Some(404));
    let (s, _) = ok(officer.raw(Method::DELETE, "/dictionary/fields/service_years/faq/x", "application/json", vec![], None).await);
    assert_eq!(s, 404);
    assert_eq!(ok(applicant.get_field("service_years").await).faq.len(), before + 1, "refusals change nothing");
    ok(officer2.withdraw_faq("service_years", published.id).await);
    let field = ok(applicant.get_field("service_years").await);
    assert_eq!(field.faq.len(), before);
    assert!(field.faq.iter().all(|f| f.id != published.id));
    assert_eq!(ok(officer.get_inquiry(id).await).published.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["grade"]);
    assert_eq!(status(officer.withdraw_faq("service_years", published.id).await), Some(404), "once");
    assert!(ok(applicant.faq("").await).items.iter().all(|f| f.id != published.id), "gone from the whole FAQ too");
    // The audit trail keeps what was withdrawn, and who did it.
    let trail = ok(admin.audit("action=faq.withdrawn").await).items;
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!((trail[0].detail["answer"].as_str(), trail[0].detail["faq"].as_i64()), (Some("不計入。"), Some(published.id)));
    assert_eq!(trail[0].actor.as_ref().map(|a| a.username.as_str()), Some("officer2.dgpa"));

    // Corrected, it is published again.
    let corrected = FaqPublication { answer: "不計入；借調期間計入。".into(), ..faq };
    assert_eq!(ok(officer.publish_faq(id, &corrected).await).answer, "不計入；借調期間計入。");
}

/// A system that missed question events (its receiver down past the retries) finds the
/// questions changed since a time: asked, replied to, answered or closed — within what
/// it may read, as the list always is.
async fn questions_changed_since_a_time_are_listed(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let other = server.login("applicant.tpedu").await;
    let first = ok(applicant.create_inquiry(&question(None)).await).inquiry;
    let second = ok(applicant.create_inquiry(&question(None)).await).inquiry;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    ok(officer.reply_inquiry(first.id, "留職停薪期間不計入公務年資。", Some(first.version)).await);
    let query = format!("updated_since={}", since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    let ids = |p: statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::InquiryView>| {
        p.items.iter().map(|i| i.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(ok(applicant.list_inquiries(&query).await)), vec![first.id], "only the one answered since");
    assert_eq!(ids(ok(officer.list_inquiries(&query).await)), vec![first.id]);
    assert!(ids(ok(other.list_inquiries(&query).await)).is_empty(), "another office's stays unseen");
    assert_eq!(ids(ok(applicant.list_inquiries("").await)), vec![second.id, first.id]);
    ok(applicant.close_inquiry(second.id, Some(second.version)).await);
    assert_eq!(ids(ok(applicant.list_inquiries(&query).await)), vec![second.id, first.id], "closed since, too");
    for bad in ["updated_since=2026-12-01", "updated_since=115-12-01T00:00:00Z", "updated_since=yesterday"] {
        assert_eq!(status(applicant.list_inquiries(bad).await), Some(400), "{bad}");
    }
}

on_both_backends!(
    questions_changed_since_a_time_are_listed,
    an_answer_is_published_once_and_withdrawn_by_dgpa,
    replies_at_once_all_land_and_threads_and_questions_are_bounded,
    a_question_is_answered_and_published_to_the_fields_faq,
    supervisors_ask_and_questions_may_be_on_other_matters,
    the_supervising_agency_reads_the_questions_about_a_request_it_reviews,
    similar_requests_are_suggested_within_what_the_caller_may_see,
    the_inbox_is_counted_paged_and_read_at_once
);
