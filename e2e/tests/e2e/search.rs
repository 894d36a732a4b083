//! Finding requests: the officer's search (words, request number, agency with its
//! subtree, repeatable states, assignee, submission days, personal data) and its CSV
//! export — always within what the caller may see.

use crate::common::{self, Scenario};

use statreq_e2e::statreq_client::{Client, Method};
use statreq_e2e::statreq_contract::{FaqPublication, NewInquiry, State, UpdateUserBody};
use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn ids(c: &Client, filters: &[(&str, &str)]) -> Vec<i64> {
    let page = c.search_requests(filters).await.unwrap_or_else(|e| panic!("{filters:?}: {e}"));
    let mut ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

async fn refused(c: &Client, query: &str) -> (u16, String) {
    let (status, body) = c.raw(Method::GET, &format!("/requests?{query}"), "application/json", vec![], None).await.unwrap();
    (status, body["code"].as_str().unwrap_or_default().to_string())
}

async fn officers_search_and_export_within_what_they_may_see(backend: Backend) {
    let server = TestServer::start(backend);
    let npa = Scenario::new(&server).await;
    let tpedu = Scenario::of(&server.login("applicant.tpedu").await, &server.login("supervisor.tpe").await, &npa.officer);
    let mut promo = common::statistics();
    promo.reason = "辦理陞遷評審，需統計各職等人數".into();
    let a = npa.in_state(&promo, State::InProduction, 2).await.id;
    let mut retire = common::detail();
    retire.reason = "推估屆齡退休人數".into();
    let b = npa.in_state(&retire, State::PendingSupervisor, 2).await.id;
    let mut draft = common::statistics();
    draft.reason = "=1+1 陞遷草稿 100%_x".into();
    let c = npa.in_state(&draft, State::Draft, 2).await.id;
    let d = tpedu.in_state(&promo, State::PendingDgpa, 2).await.id;

    let officer = &npa.officer;
    let applicant = &npa.applicant;
    // Words: the officer never sees another office's draft; the office sees its own.
    assert_eq!(ids(officer, &[("q", "陞遷")]).await, [a, d]);
    assert_eq!(ids(applicant, &[("q", "陞遷")]).await, [a, c]);
    // Wildcards are taken literally.
    assert_eq!(ids(applicant, &[("q", "%_")]).await, [c]);
    assert_eq!(ids(applicant, &[("q", "_")]).await, [c]);
    // A request number.
    assert_eq!(ids(officer, &[("q", &b.to_string())]).await, [b]);
    // Several states at once.
    assert_eq!(ids(officer, &[("state", "pending_supervisor"), ("state", "in_production")]).await, [a, b]);
    assert_eq!(ids(officer, &[("state", "pending_dgpa")]).await, [d]);
    // An agency alone, or with its subtree (NPA is under MOI).
    assert_eq!(ids(officer, &[("agency", "NPA")]).await, [a, b]);
    // A code in any case names its agency, as `GET /agencies/{code}` reads it.
    assert_eq!(ids(officer, &[("agency", "npa")]).await, [a, b]);
    assert_eq!(ids(officer, &[("agency", "moi"), ("subtree", "true")]).await, [a, b]);
    assert!(ids(officer, &[("agency", "MOI")]).await.is_empty());
    assert_eq!(ids(officer, &[("agency", "MOI"), ("subtree", "true")]).await, [a, b]);
    assert!(ids(officer, &[("agency", "NOPE")]).await.is_empty());
    // Whose work it is.
    assert_eq!(ids(officer, &[("assignee", "me")]).await, [a]);
    assert!(ids(&npa.officer2, &[("assignee", "me")]).await.is_empty());
    // Personal data, and the days of submission (Taiwan's).
    assert_eq!(ids(officer, &[("personal", "true")]).await, [b]);
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    let (today, yesterday) = (today.to_string(), (today - chrono::Duration::days(1)).to_string());
    assert_eq!(ids(officer, &[("submitted_from", &today), ("submitted_to", &today)]).await, [a, b, d]);
    assert!(ids(officer, &[("submitted_to", &yesterday)]).await.is_empty());
    // Filters combine.
    assert_eq!(ids(officer, &[("q", "陞遷"), ("agency", "TPEDU"), ("state", "pending_dgpa")]).await, [d]);
    // Another office's filters never widen what it sees (IDOR).
    let other = &tpedu.applicant;
    assert!(ids(other, &[("agency", "NPA")]).await.is_empty());
    assert!(ids(other, &[("q", &a.to_string())]).await.is_empty());
    // Pages: the cursor walks the same selection.
    let first = officer.search_requests(&[("q", "陞遷"), ("limit", "1")]).await.unwrap();
    let cursor = first.next_cursor.clone().unwrap_or_else(|| panic!("a second page"));
    let second = officer.search_requests(&[("q", "陞遷"), ("limit", "1"), ("cursor", &cursor)]).await.unwrap();
    assert_eq!((first.items[0].id, second.items[0].id, second.next_cursor), (d, a, None));

    // Bad filters are refused with a problem, never ignored.
    assert_eq!(refused(officer, "limit=0").await, (422, "invalid_limit".into()));
    for query in [
        "state=bogus",
        "q=",
        &format!("q={}", "字".repeat(201)),
        "limit=1&limit=2",
        "unknown=1",
        "submitted_from=2026-13-01",
        "assignee=someone",
        "q=%20%20",
        "agency=",
        "agency=NPA%20OR%201",
        "personal=maybe",
        "sort=bogus",
        "overdue=perhaps",
    ] {
        assert_eq!(refused(officer, query).await, (400, "invalid_query".into()), "{query}");
    }
    // A state that is none says which there are, in both languages (it said 「查詢參數
    // 「state」有誤。」 and nothing more).
    let (_, body) = officer.raw(Method::GET, "/requests?state=paused", "application/json", vec![], None).await.unwrap();
    let (zh, en) = (body["message"]["zh_tw"].as_str().unwrap_or_default(), body["message"]["en"].as_str().unwrap_or_default());
    assert!(zh.contains("「paused」") && zh.contains("on_hold（暫停處理）") && zh.contains("delivered（已交付）"), "{zh}");
    assert!(en.contains("`paused`") && en.contains("on_hold") && en.contains("delivered"), "{en}");
    // Each other refusal says what the parameter should be in zh-TW too, not only in English.
    for (query, zh_says, en_says) in [
        ("q=%20%20", "查詢參數「q」有誤：至多 200 字，且不可只有空白。", "at most 200 characters"),
        ("agency=", "須為機關代碼", "an agency code"),
        ("sort=bogus", "updated、submitted 或 priority", "updated, submitted or priority"),
        ("limit=1&limit=2", "只能給一次", "given more than once"),
        ("assignee=someone", "須為 me 或使用者編號", "`me` or a user id"),
        ("personal=maybe", "查詢參數「personal」有誤：須為 true 或 false。", "`personal`"),
        ("limit=ten", "查詢參數「limit」有誤：須為整數（只含阿拉伯數字）。", "`limit`"),
    ] {
        let (_, body) = officer.raw(Method::GET, &format!("/requests?{query}"), "application/json", vec![], None).await.unwrap();
        let message = (body["message"]["zh_tw"].as_str().unwrap_or_default(), body["message"]["en"].as_str().unwrap_or_default());
        assert!(message.0.contains(zh_says) && message.1.contains(en_says), "{query}: {message:?}");
    }
    // Well formed, but against a rule no schema states: 422 with its own code.
    for (query, code) in
        [(format!("submitted_from={today}&submitted_to={yesterday}"), "invalid_range"), ("subtree=true".into(), "subtree_needs_agency")]
    {
        assert_eq!(refused(officer, &query).await, (422, code.into()), "{query}");
    }

    // The export: the same selection, UTF-8 with a BOM, formulas defused.
    let csv = officer.export_requests(&[("q", "陞遷")]).await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for Excel");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("request_id,agency_code,agency_name,state"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with(&format!("{d},TPEDU,臺北市政府教育局,pending_dgpa")), "{}", lines[1]);
    // The state and the output in words as well, for the person who opens it in Excel
    // (since 1.20.0, as the last columns; in English after them since 1.22.0).
    assert!(lines[0].ends_with(",updated_at,state_label,output_label,state_label_en,output_label_en"), "{}", lines[0]);
    assert!(lines[1].ends_with(",待人事總處審查,統計數值,awaiting DGPA review,statistical figures"), "{}", lines[1]);
    let own = String::from_utf8(applicant.export_requests(&[("q", "草稿")]).await.unwrap()).unwrap();
    assert!(own.contains(",'=1+1 陞遷草稿"), "a leading = is quoted: {own}");
    let err = officer.export_requests(&[("state", "bogus")]).await.err();
    assert_eq!(err.and_then(|e| e.status()), Some(400));
    let theirs = String::from_utf8(other.export_requests(&[("agency", "NPA")]).await.unwrap()).unwrap();
    assert_eq!(theirs.lines().count(), 1, "only the header: {theirs}");

    // Orders: by submission either way, paged by position; priority puts the queue first.
    let order = |page: &statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::RequestView>| -> Vec<i64> {
        page.items.iter().map(|r| r.id).collect()
    };
    let desc = officer.search_requests(&[("sort", "-submitted")]).await.unwrap();
    assert_eq!(order(&desc), [d, b, a]);
    assert_eq!(order(&officer.search_requests(&[("sort", "submitted")]).await.unwrap()), [a, b, d]);
    let first = officer.search_requests(&[("sort", "submitted"), ("limit", "2")]).await.unwrap();
    assert_eq!((order(&first), first.next_cursor.as_deref()), (vec![a, b], Some("2")));
    let next = officer.search_requests(&[("sort", "submitted"), ("limit", "2"), ("cursor", "2")]).await.unwrap();
    assert_eq!((order(&next), next.next_cursor), (vec![d], None));
    assert_eq!(order(&officer.search_requests(&[("sort", "-updated")]).await.unwrap()).len(), 3);
    let queued = npa.in_state(&promo, State::Queued, 1).await.id;
    let by_priority = officer.search_requests(&[("sort", "priority")]).await.unwrap();
    assert_eq!(by_priority.items[0].id, queued, "the queue comes first");
}

/// Paging by change (`sort=updated`, the documented way to catch up after an outage)
/// misses nothing that changes while the pages are read: a request changed after its
/// page was read comes again at the end; none is skipped because others moved.
async fn paging_by_change_misses_nothing_that_changes_meanwhile(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let mut made = Vec::new();
    for i in 0..5 {
        let mut app = common::statistics();
        app.reason = format!("第 {i} 件");
        made.push(applicant.create_request(&app).await.unwrap());
    }
    let ids: Vec<i64> = made.iter().map(|r| r.id).collect();
    let page = |cursor: Option<String>| {
        let applicant = applicant.clone();
        async move {
            let mut q = vec![("sort", "updated".to_string()), ("limit", "2".to_string())];
            q.extend(cursor.map(|c| ("cursor", c)));
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            applicant.search_requests(&q).await.unwrap()
        }
    };
    let first = page(None).await;
    assert_eq!(first.items.iter().map(|r| r.id).collect::<Vec<_>>(), ids[..2]);
    // The first two change while the rest is read: each moves to the end.
    for r in &made[..2] {
        let patch = statreq_e2e::statreq_contract::ApplicationPatch {
            reason: Some(format!("{}（改）", r.application.reason)),
            ..Default::default()
        };
        applicant.update_request(r.id, r.version, &patch).await.unwrap();
    }
    let mut seen: Vec<i64> = first.items.iter().map(|r| r.id).collect();
    let mut cursor = first.next_cursor;
    for _ in 0..10 {
        let Some(c) = cursor.take() else { break };
        let p = page(Some(c)).await;
        seen.extend(p.items.iter().map(|r| r.id));
        cursor = p.next_cursor;
    }
    assert!(cursor.is_none(), "the pages end");
    for id in &ids {
        assert!(seen.contains(id), "request {id} was skipped: {seen:?}");
    }
    // The two changed come again, last, as they are now.
    assert_eq!(seen[seen.len() - 2..], ids[..2], "{seen:?}");
    // Newest change first, page by page: each once, in that order.
    let mut newest = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut q = vec![("sort", "-updated".to_string()), ("limit", "2".to_string())];
        q.extend(cursor.take().map(|c| ("cursor", c)));
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = applicant.search_requests(&q).await.unwrap();
        newest.extend(p.items.iter().map(|r| r.id));
        cursor = p.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(newest, [ids[1], ids[0], ids[4], ids[3], ids[2]]);
    // A cursor that is not one is refused.
    for bad in ["1.2.3", "x", ".5", "1."] {
        assert_eq!(refused(&applicant, &format!("sort=updated&cursor={bad}")).await, (422, "invalid_cursor".into()), "{bad}");
    }
}

/// By submission, oldest or newest first, the same on both databases: requests never
/// submitted (drafts) come after those that were, either way (SQLite and PostgreSQL put
/// the empty submission at opposite ends).
async fn by_submission_drafts_come_last_either_way(backend: Backend) {
    let server = TestServer::start(backend);
    let people = Scenario::new(&server).await;
    let first = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await.id;
    let draft = people.applicant.create_request(&common::statistics()).await.unwrap().id;
    let second = people.in_state(&common::statistics(), State::PendingSupervisor, 2).await.id;
    for (sort, want) in [("submitted", [first, second, draft]), ("-submitted", [second, first, draft])] {
        let page = people.applicant.search_requests(&[("sort", sort)]).await.unwrap();
        assert_eq!(page.items.iter().map(|r| r.id).collect::<Vec<_>>(), want, "{sort}");
    }
}

/// Words are found however either side wrote them: full-width letters and digits, as a
/// Chinese input method types them, or ASCII; a full-width number is a request number.
async fn words_are_found_in_full_width_or_ascii(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let mut wide = common::statistics();
    wide.reason = "依ＷｅｂＨＲ統計報表辦理１１５年度考績".into();
    let wide = applicant.create_request(&wide).await.unwrap().id;
    let mut narrow = common::statistics();
    narrow.reason = "WebHR 報表不足，辦理115年度陞遷".into();
    let narrow = applicant.create_request(&narrow).await.unwrap().id;
    let other = applicant.create_request(&common::statistics()).await.unwrap().id;
    for q in ["webhr", "ＷＥＢＨＲ", "ｗｅｂhr", "115年度", "１１５年度"] {
        assert_eq!(ids(&applicant, &[("q", q)]).await, [wide, narrow], "{q}");
    }
    assert_eq!(ids(&applicant, &[("q", "ｗｅｂｈｒ統計")]).await, [wide]);
    assert_eq!(ids(&applicant, &[("q", "webhr 報表")]).await, [narrow], "the space as typed");
    let number = other.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect::<String>();
    assert_eq!(ids(&applicant, &[("q", &format!("＃{number}"))]).await, [other], "a full-width number is a request number");
}

/// The field dictionary, the existing sources, the FAQ and the accounts are searched as
/// requests are: full-width letters, digits and signs find ASCII ones, and back.
async fn the_dictionary_sources_faq_and_accounts_are_searched_in_either_width(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let admin = server.login("admin.dgpa").await;

    let fields = |q: &'static str| {
        let c = &applicant;
        async move { c.list_fields(Some(q)).await.unwrap().into_iter().map(|f| f.code).collect::<Vec<_>>() }
    };
    let birth = fields("birth").await;
    assert!(birth.contains(&"birth_date".to_string()), "{birth:?}");
    assert_eq!(fields("ＢＩＲＴＨ").await, birth);
    assert_eq!(fields("ｂｉｒｔｈ＿ｄａｔｅ").await, ["birth_date"]);

    let sources = |q: &'static str| {
        let c = &applicant;
        async move { c.sources(&format!("q={q}")).await.unwrap().into_iter().map(|e| e.id).collect::<Vec<_>>() }
    };
    let webhr = sources("webhr").await;
    assert!(webhr.len() >= 2, "{webhr:?}");
    assert_eq!(sources("ＷｅｂＨＲ").await, webhr);
    assert_eq!(sources("ｗｅｂｈｒ").await, webhr);

    // An answer published to the FAQ, with ASCII letters and digits in it.
    let asked = applicant
        .create_inquiry(&NewInquiry {
            fields: vec!["service_years".into()],
            subject: "WebHR 報表之年資".into(),
            body: "115年度統計之公務年資如何計算？".into(),
            request_id: None,
        })
        .await
        .unwrap();
    let id = asked.inquiry.id;
    officer.reply_inquiry(id, "依WebHR現職人員資料計至115年12月31日。", None).await.unwrap();
    let faq = FaqPublication {
        field: "service_years".into(),
        question: "WebHR 報表之公務年資計至何日？".into(),
        answer: "計至115年12月31日，依ＤＧＰＡ現職人員資料。".into(),
    };
    let published = officer.publish_faq(id, &faq).await.unwrap().id;
    // Stored with full-width capitals (ＤＧＰＡ), found by either width and case: SQLite's
    // own lower() leaves full-width capitals as they are.
    for q in ["webhr", "ＷＥＢＨＲ", "115年", "１１５年", "dgpa", "ｄｇｐａ", "ＤＧＰＡ"] {
        let found: Vec<i64> = applicant.faq(&format!("q={q}")).await.unwrap().items.iter().map(|f| f.id).collect();
        assert_eq!(found, [published], "{q}");
    }

    let accounts = |q: &'static str| {
        let c = &admin;
        async move { c.find_users(&[("q", q)]).await.unwrap().items.into_iter().map(|u| u.username).collect::<Vec<_>>() }
    };
    let typed = accounts("applicant").await;
    assert!(typed.len() >= 2, "{typed:?}");
    assert_eq!(accounts("ａｐｐｌｉｃａｎｔ").await, typed);
    assert_eq!(accounts("ＡＰＰＬＩＣＡＮＴ．ＮＰＡ").await, ["applicant.npa"]);
    // A name written with full-width capitals is found lower-case, in either width.
    let u = admin.find_users(&[("q", "officer2.dgpa")]).await.unwrap().items.remove(0);
    let renamed = UpdateUserBody { display_name: Some("ＩＴ科 陳承辦".into()), ..Default::default() };
    admin.update_user(u.id, &renamed, Some(u.version)).await.unwrap();
    for q in ["it科", "ｉｔ科", "ＩＴ科", "It科"] {
        assert_eq!(accounts(q).await, ["officer2.dgpa"], "{q}");
    }
}

/// `GET /requests/counts`: how many of what the caller may list are in each state — the
/// same requests `GET /requests` lists, state by state and filter by filter: another
/// agency's drafts, or requests its supervisors have not been sent, count for nobody else.
async fn counts_by_state_are_of_what_the_caller_may_list(backend: Backend) {
    let server = TestServer::start(backend);
    let people = Scenario::new(&server).await;
    people.applicant.create_request(&common::statistics()).await.unwrap();
    people.in_state(&common::statistics(), State::PendingSupervisor, 2).await;
    people.in_state(&common::statistics(), State::Queued, 2).await;
    people.in_state(&common::statistics(), State::InProduction, 2).await;
    people.in_state(&common::detail(), State::Queued, 2).await;
    let tpedu = server.login("applicant.tpedu").await;
    tpedu.create_request(&common::statistics()).await.unwrap();
    let of = |counts: &statreq_e2e::statreq_contract::RequestCounts, state: State| {
        counts.by_state.iter().find(|c| c.state == state).map(|c| c.count).unwrap_or(-1)
    };
    let expected = [
        ("applicant.npa", [1, 1, 2, 5]),
        ("applicant.tpedu", [1, 0, 0, 1]),
        ("supervisor.moi", [0, 1, 2, 4]),
        ("officer1.dgpa", [0, 1, 2, 4]),
    ];
    for (who, [draft, pending, queued, total]) in expected {
        let client = server.login(who).await;
        let counts = client.count_requests(&[]).await.unwrap();
        assert_eq!(counts.by_state.len(), State::ALL.len(), "every state, none left out");
        assert_eq!(
            (of(&counts, State::Draft), of(&counts, State::PendingSupervisor), of(&counts, State::Queued), counts.total),
            (draft, pending, queued, total),
            "{who}: {counts:?}"
        );
        // Each the same as the list of that state.
        for c in &counts.by_state {
            assert_eq!(ids(&client, &[("state", c.state.as_str()), ("limit", "200")]).await.len() as i64, c.count, "{who} {:?}", c.state);
        }
        // And of what a search selects: the list's own filters, each counted as the list
        // holds it (a state's count that state's part of it).
        let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now()).to_string();
        let searches: [&[(&str, &str)]; 9] = [
            &[("q", "簡任人員")],
            &[("q", "沒有這些字")],
            &[("personal", "true")],
            &[("personal", "false"), ("state", "queued")],
            &[("state", "queued"), ("state", "pending_supervisor")],
            &[("agency", "moi"), ("subtree", "true")],
            &[("agency", "TPEDU")],
            &[("submitted_from", &today), ("overdue", "false")],
            &[("assignee", "me")],
        ];
        for filters in searches {
            let counts = client.count_requests(filters).await.unwrap();
            let listed = ids(&client, &[filters, &[("limit", "200")]].concat()).await;
            assert_eq!(counts.total, listed.len() as i64, "{who} {filters:?}: {counts:?}");
            for c in counts.by_state.iter().filter(|c| c.count > 0) {
                let state = [("state", c.state.as_str())];
                let narrowed: Vec<(&str, &str)> = filters.iter().copied().filter(|(k, _)| *k != "state").chain(state).collect();
                let of_state = ids(&client, &[&narrowed[..], &[("limit", "200")]].concat()).await;
                assert_eq!(of_state.len() as i64, c.count, "{who} {filters:?} {:?}", c.state);
            }
        }
    }
    // What the searches above find, for one who sees them all.
    let found = |filters: &'static [(&'static str, &'static str)]| {
        let officer = &people.officer;
        async move { officer.count_requests(filters).await.unwrap().total }
    };
    assert_eq!(found(&[("q", "簡任人員")]).await, 1, "the words of the detail request");
    assert_eq!(found(&[("personal", "false"), ("state", "queued")]).await, 1);
    assert_eq!(found(&[("state", "queued")]).await, 2);
    assert_eq!(found(&[("agency", "TPEDU")]).await, 0, "its draft is its own");
    // The work one officer holds: `assignee` as the list takes it.
    let held = people.officer.count_requests(&[("assignee", "me")]).await.unwrap();
    assert_eq!((of(&held, State::InProduction), held.total), (1, 1), "{held:?}");
    let other = server.login("officer2.dgpa").await.count_requests(&[("assignee", "me")]).await.unwrap();
    assert_eq!(other.total, 0, "{other:?}");
    // Signed in only; refused as the list refuses, and without its order or pages.
    let anonymous = reqwest::get(format!("{}/api/v1/requests/counts", server.base)).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    for (query, status_code) in [
        ("state=drafts", (400, "invalid_query")),
        ("assignee=someone", (400, "invalid_query")),
        ("q=%20%20", (400, "invalid_query")),
        ("sort=priority", (400, "invalid_query")),
        ("limit=10", (400, "invalid_query")),
        ("state=queued&personal=true&personal=false", (400, "invalid_query")),
        ("subtree=true", (422, "subtree_needs_agency")),
        ("submitted_from=2026-12-02&submitted_to=2026-12-01", (422, "invalid_range")),
    ] {
        let (status, body) =
            people.officer.raw(Method::GET, &format!("/requests/counts?{query}"), "application/json", vec![], None).await.unwrap();
        assert_eq!((status, body["code"].as_str().unwrap_or_default()), status_code, "{query}: {body}");
    }
    // The list names its order and pages among what it takes, the counts do not.
    let unknown = |path: &'static str| {
        let officer = &people.officer;
        async move { officer.raw(Method::GET, path, "application/json", vec![], None).await.unwrap().1.to_string() }
    };
    let listed = unknown("/requests?unknown=1").await;
    assert!(listed.contains("`state`") && listed.contains("`personal`") && listed.contains("`limit`"), "{listed}");
    let counted = unknown("/requests/counts?unknown=1").await;
    assert!(counted.contains("`personal`") && !counted.contains("`limit`"), "{counted}");
}

on_both_backends!(
    counts_by_state_are_of_what_the_caller_may_list,
    the_dictionary_sources_faq_and_accounts_are_searched_in_either_width,
    words_are_found_in_full_width_or_ascii,
    officers_search_and_export_within_what_they_may_see,
    paging_by_change_misses_nothing_that_changes_meanwhile,
    by_submission_drafts_come_last_either_way
);
