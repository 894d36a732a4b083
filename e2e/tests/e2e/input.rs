//! Bad input gets a clear problem+json error and changes nothing: malformed JSON,
//! wrong types, unknown fields, oversized bodies, wrong media types, and any
//! attempt to set a completion deadline (rule 5.3).

use crate::common;

use reqwest::Method;
use serde_json::json;
use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::State;
use statreq_e2e::statreq_domain::Decision;
use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn send(
    c: &Client,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    if_match: Option<&str>,
) -> (u16, serde_json::Value) {
    let label = format!("{method} {path}");
    c.raw(method, path, content_type, body, if_match).await.unwrap_or_else(|e| panic!("{label}: {e}"))
}

fn bytes(v: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&v).unwrap_or_default()
}

async fn bad_bodies_are_refused_with_problems_and_change_nothing(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let supervisor = server.login("supervisor.moi").await;
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let submitted = applicant.create_request(&common::statistics()).await.unwrap();
    let submitted = applicant.submit(submitted.id, None).await.unwrap();
    let etag = format!("\"{}\"", draft.version);

    // (caller, method, path, If-Match) for every body-taking endpoint.
    let d = draft.id;
    let s = submitted.id;
    let endpoints: Vec<(&Client, Method, String, Option<&str>)> = vec![
        (&applicant, Method::POST, "/requests".into(), None),
        (&applicant, Method::PATCH, format!("/requests/{d}"), Some(etag.as_str())),
        (&applicant, Method::POST, format!("/requests/{d}/withdraw"), None),
        (&supervisor, Method::POST, format!("/requests/{s}/supervisor-decision"), None),
        (&applicant, Method::POST, format!("/requests/{d}/messages"), None),
    ];
    let count_before = applicant.list_requests(None, None, None).await.map(|p| p.items.len()).unwrap_or_default();
    for (c, method, path, if_match) in &endpoints {
        let label = format!("{method} {path}");
        // Malformed JSON: 400.
        let (status, p) = send(c, method.clone(), path, "application/json", b"{\"reason\": ".to_vec(), *if_match).await;
        assert_eq!((status, p["code"].as_str()), (400, Some("malformed_json")), "{label}: {p}");
        assert_eq!(p["status"], 400);
        assert!(p["message"]["zh_tw"].as_str().is_some_and(|m| !m.is_empty()));
        // No body where the contract requires one: 400; optional bodies (withdraw) read as {}.
        if !path.ends_with("/withdraw") {
            let (status, p) = send(c, method.clone(), path, "application/json", Vec::new(), *if_match).await;
            assert_eq!((status, p["code"].as_str()), (400, Some("body_required")), "{label}: {p}");
            let (status, p) = send(c, method.clone(), path, "application/json", b"null".to_vec(), *if_match).await;
            assert_eq!((status, p["code"].as_str()), (400, Some("body_required")), "{label}: null body: {p}");
        }
        // A body that is no JSON object — an array read as fields in order, a bare value,
        // `null` for an optional body — is refused.
        for body in [&b"[null, null]"[..], b"3", b"\"reason\"", b"[]"] {
            let (status, p) = send(c, method.clone(), path, "application/json", body.to_vec(), *if_match).await;
            assert_eq!(
                (status, p["code"].as_str(), p["errors"][0]["pointer"].as_str()),
                (422, Some("invalid_value"), Some("")),
                "{label}: {p}"
            );
            assert_eq!(p["message"]["zh_tw"], "內容有誤：須為 JSON 物件（{…}）。", "{label}: {p}");
        }
        // … and so is an array where the contract has an object, at any depth.
        if path.starts_with("/requests") && (path == "/requests" || *method == Method::PATCH) {
            let nested = bytes(json!({"reason": "研議人力配置", "personal_data": [null, null]}));
            let (status, p) = send(c, method.clone(), path, "application/json", nested, *if_match).await;
            assert_eq!(
                (status, p["code"].as_str(), p["errors"][0]["pointer"].as_str()),
                (422, Some("invalid_value"), Some("/personal_data")),
                "{label}: {p}"
            );
        }
        if path.ends_with("/withdraw") {
            let (status, p) = send(c, method.clone(), path, "application/json", b"null".to_vec(), *if_match).await;
            assert_eq!((status, p["code"].as_str()), (422, Some("invalid_value")), "{label}: an optional body is left out, not null: {p}");
        }
        // JSON is UTF-8 (RFC 8259): a body in Big5 (「人事」) is told so, whether it says
        // its charset or not.
        let big5 = [&b"{\"reason\": \""[..], &[0xa4, 0x48, 0xa8, 0xc6], b"\"}"].concat();
        for (content_type, expected) in
            [("application/json; charset=big5", (415, "unsupported_media_type")), ("application/json", (400, "malformed_json"))]
        {
            let (status, p) = send(c, method.clone(), path, content_type, big5.clone(), *if_match).await;
            assert_eq!((status, p["code"].as_str().unwrap_or_default()), expected, "{label} as {content_type}: {p}");
            let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
            assert!(zh.contains("UTF-8"), "{label} as {content_type}: {zh}");
        }
        // Unknown field: 422 with a pointer.
        let (status, p) = send(c, method.clone(), path, "application/json", bytes(json!({"priority": "urgent"})), *if_match).await;
        assert_eq!((status, p["code"].as_str()), (422, Some("unknown_field")), "{label}: {p}");
        assert_eq!(p["errors"][0]["pointer"], "/priority");
        // The zh-TW words name the field; the parser's English stays in the English text.
        let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
        assert!(zh.contains("「/priority」") && !zh.contains("unknown") && !zh.contains("expected"), "{label}: {zh}");
        // … and the names there are (it said 「請依 API 文件填寫」 and no more).
        let names: Vec<String> =
            p["errors"][0]["detail"].as_str().unwrap_or_default().split('`').skip(3).step_by(2).map(str::to_string).collect();
        assert!(!names.is_empty() && zh.ends_with(&format!("；此處可用的有 {}。", names.join("、"))), "{label}: {zh} {p}");
        // A name given twice (RFC 7493 §2.3): refused where it is, not read as its last
        // value (a proxy that reads the first would see another request).
        let twice = br#"{"priority": "low", "nested": {"a": 1}, "priority": "urgent"}"#.to_vec();
        let (status, p) = send(c, method.clone(), path, "application/json", twice, *if_match).await;
        assert_eq!((status, p["code"].as_str()), (422, Some("duplicate_field")), "{label}: {p}");
        assert_eq!(p["errors"][0]["pointer"], "/priority", "{label}: {p}");
        let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
        assert!(zh.contains("「/priority」"), "{label}: {zh}");
        // A byte-order mark before the JSON (Windows PowerShell 5 and .NET write one) is
        // passed over, as RFC 8259 §8.1 allows: the JSON itself is read.
        let bom = b"\xef\xbb\xbf".to_vec();
        let with_bom = [bom.clone(), bytes(json!({"priority": "urgent"}))].concat();
        let (status, p) = send(c, method.clone(), path, "application/json", with_bom, *if_match).await;
        assert_eq!((status, p["code"].as_str()), (422, Some("unknown_field")), "{label} after a BOM: {p}");
        if !path.ends_with("/withdraw") {
            let (status, p) = send(c, method.clone(), path, "application/json", bom, *if_match).await;
            assert_eq!((status, p["code"].as_str()), (400, Some("body_required")), "{label}: a BOM alone: {p}");
        }
        // A deadline, at the top or nested: refused under rule 5.3.
        for body in
            [json!({"deadline": "2026-12-01"}), json!({"requirement": {"due_date": "2026-12-01"}}), json!({"Expected-Completion": "soon"})]
        {
            let (status, p) = send(c, method.clone(), path, "application/json", bytes(body.clone()), *if_match).await;
            assert_eq!(
                (status, p["code"].as_str(), p["rule"].as_str()),
                (422, Some("deadline_not_allowed"), Some("5.3")),
                "{label} {body}: {p}"
            );
        }
        // Oversized: 413 problem+json.
        let big = bytes(json!({"reason": "字".repeat(100_000)}));
        let (status, p) = send(c, method.clone(), path, "application/json", big, *if_match).await;
        assert_eq!((status, p["code"].as_str()), (413, Some("payload_too_large")), "{label}: {p}");
        // Not JSON: 415.
        let (status, p) = send(c, method.clone(), path, "text/plain", b"reason=x".to_vec(), *if_match).await;
        assert_eq!((status, p["code"].as_str()), (415, Some("unsupported_media_type")), "{label}: {p}");
    }
    // Wrong types point at the field.
    let (status, p) =
        send(&applicant, Method::POST, "/requests", "application/json", bytes(json!({"requirement": {"fields": [1]}})), None).await;
    assert_eq!((status, p["errors"][0]["pointer"].as_str()), (422, Some("/requirement/fields/0")), "{p}");
    // … and say in zh-TW what would do, not only in serde's English.
    for (body, zh) in [
        (json!({"requirement": {"fields": [1]}}), "「/requirement/fields/0」有誤：須為文字（JSON 字串）。"),
        (json!({"reason": 7}), "「/reason」有誤：須為文字（JSON 字串）。"),
        (json!({"requirement": {"output": "table"}}), "「/requirement/output」有誤：沒有「table」這個選項；可用的有 statistics、detail。"),
        (json!({"personal_data": {"contains": "yes"}}), "「/personal_data/contains」有誤：須為 true 或 false。"),
        (json!({"contact": "林怡君"}), "「/contact」有誤：須為物件。"),
    ] {
        let (status, p) = send(&applicant, Method::POST, "/requests", "application/json", bytes(body.clone()), None).await;
        assert_eq!((status, p["message"]["zh_tw"].as_str()), (422, Some(zh)), "{body}: {p}");
    }
    let (status, p) = send(
        &supervisor,
        Method::POST,
        &format!("/requests/{s}/supervisor-decision"),
        "application/json",
        bytes(json!({"decision": "maybe"})),
        None,
    )
    .await;
    assert_eq!((status, p["errors"][0]["pointer"].as_str()), (422, Some("/decision")), "{p}");
    assert_eq!(p["message"]["zh_tw"], "「/decision」有誤：沒有「maybe」這個選項；可用的有 approve、return、reject。", "{p}");
    let (status, p) =
        send(&supervisor, Method::POST, &format!("/requests/{s}/supervisor-decision"), "application/json", bytes(json!({})), None).await;
    assert_eq!((status, p["message"]["zh_tw"].as_str()), (422, Some("內容有誤：缺少必填欄位「decision」。")), "{p}");
    // Over the application's own limits (within the body limit): 422 with pointers, nothing stored.
    let mut app = common::statistics();
    app.reason = "字".repeat(8_001);
    let (status, p) =
        send(&applicant, Method::POST, "/requests", "application/json", serde_json::to_vec(&app).unwrap_or_default(), None).await;
    assert_eq!(
        (status, p["code"].as_str(), p["errors"][0]["pointer"].as_str()),
        (422, Some("invalid_application"), Some("/reason")),
        "{p}"
    );
    // Difficulty outside 1–5.
    let officer = server.login("officer1.dgpa").await;
    supervisor.supervisor_decision(s, None, Decision::Approve, None).await.unwrap();
    for bad in [0, 6, -1] {
        let (status, p) = send(
            &officer,
            Method::POST,
            &format!("/requests/{s}/dgpa-decision"),
            "application/json",
            bytes(json!({"decision": "accept", "difficulty": bad})),
            None,
        )
        .await;
        assert_eq!((status, p["errors"][0]["pointer"].as_str()), (422, Some("/difficulty")), "{p}");
        assert_eq!(p["message"]["zh_tw"], "「/difficulty」有誤：須為 1 至 5 的整數（難易度）。", "{p}");
    }
    // Bad path ids and query strings are problems too.
    let (status, p) = send(&applicant, Method::GET, "/requests/not-a-number", "application/json", vec![], None).await;
    assert_eq!((status, p["code"].as_str()), (404, Some("not_found")));
    let (status, p) = send(&applicant, Method::GET, "/requests?state=sleeping", "application/json", vec![], None).await;
    assert_eq!((status, p["code"].as_str()), (400, Some("invalid_query")), "{p}");
    // A value refused is refused under its parameter's name (a list takes a dozen).
    for (query, named) in [
        ("/requests?submitted_from=2026-13-01", "`submitted_from`"),
        ("/requests?personal=maybe", "`personal`"),
        ("/requests?limit=ten", "`limit`"),
        (&*format!("/requests/{d}/messages?limit=ten"), "`limit`"),
        ("/dictionary/fields?personal=1", "`personal`"),
        ("/calendar/working-days?to=2026-01-01", "`from`"),
        ("/requests?color=red", "unknown query parameter `color`"),
        ("/requests?sort=oldest", "`sort`"),
        ("/requests?agency=NPA&agency=MOI", "`agency`"),
    ] {
        let (status, p) = send(&applicant, Method::GET, query, "application/json", vec![], None).await;
        assert_eq!((status, p["code"].as_str()), (400, Some("invalid_query")), "{query}: {p}");
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(named) && !detail.contains("Query deserialize"), "{query}: {detail}");
        // The Chinese message names it too, as a body's problems name their field.
        if let Some(name) = named.strip_prefix('`').and_then(|n| n.strip_suffix('`')) {
            let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
            assert!(zh.contains(&format!("「{name}」")), "{query}: {zh}");
        }
    }
    // A search sent in Big5 (「人事」) is refused, not read as U+FFFD and found nowhere.
    let (status, p) = send(&applicant, Method::GET, "/requests?q=%A4H%A8%C6", "application/json", vec![], None).await;
    let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
    assert_eq!((status, p["code"].as_str()), (400, Some("invalid_query")), "{p}");
    assert!(zh.contains("UTF-8") && zh.contains("%E4%BA%BA%E4%BA%8B"), "{zh}");
    // An unknown one is named as one this list does not take, not as a wrong value.
    let (_, p) = send(&applicant, Method::GET, "/requests?color=red", "application/json", vec![], None).await;
    let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
    assert!(zh.contains("不接受查詢參數「color」") && !zh.contains("有誤"), "{zh}");
    assert!(zh.contains("；此處可用的有 state、q、agency、") && zh.ends_with("cursor、limit。"), "the parameters there are: {zh}");
    // And each value refused says what it should be, in zh-TW as in English.
    for (query, zh_says) in [
        ("/requests?personal=maybe", "查詢參數「personal」有誤：須為 true 或 false。"),
        ("/requests?limit=ten", "查詢參數「limit」有誤：須為整數（只含阿拉伯數字）。"),
        ("/requests?limit=", "查詢參數「limit」有誤：須為整數，不可空白。"),
        ("/requests?subtree=perhaps", "查詢參數「subtree」有誤：須為 true 或 false。"),
    ] {
        let (_, p) = send(&applicant, Method::GET, query, "application/json", vec![], None).await;
        let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
        assert!(zh.starts_with(zh_says) && !zh.contains("格式不符"), "{query}: {zh}");
    }
    let (status, p) = send(&applicant, Method::DELETE, "/requests", "application/json", vec![], None).await;
    assert!(status == 404 || status == 405, "{status} {p}");
    assert!(p["code"].is_string());

    // Nothing above changed anything.
    let after = applicant.get_request(d).await.unwrap();
    assert_eq!((after.state, after.version, after.application), (State::Draft, draft.version, draft.application));
    assert_eq!(applicant.list_requests(None, None, None).await.map(|p| p.items.len()).unwrap_or_default(), count_before);
    assert!(applicant.messages(d).await.unwrap_or_default().is_empty());
    assert_eq!(officer.get_request(s).await.map(|r| r.state).ok(), Some(State::PendingDgpa));
}

/// A media type is read as RFC 9110 spells it: case-insensitive, with an optional
/// `charset=utf-8` in any case or quoted; `+json` types are JSON too.
async fn json_is_taken_in_any_spelling_of_its_media_type(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let body = bytes(serde_json::to_value(common::statistics()).unwrap_or_default());
    for content_type in
        ["Application/JSON", "application/json; Charset=\"UTF-8\"", "application/json;charset=utf-8", "application/vnd.api+json"]
    {
        let (status, p) = send(&applicant, Method::POST, "/requests", content_type, body.clone(), None).await;
        assert_eq!((status, p["state"].as_str()), (201, Some("draft")), "{content_type}: {p}");
    }
    for content_type in ["text/plain", "application/jsonx", "application/x-www-form-urlencoded"] {
        let (status, p) = send(&applicant, Method::POST, "/requests", content_type, body.clone(), None).await;
        assert_eq!((status, p["code"].as_str()), (415, Some("unsupported_media_type")), "{content_type}: {p}");
    }
}

/// A body in a content coding (RFC 9110 §8.4) is refused with 415 and
/// `Accept-Encoding: identity`, never read as if it were plain: a gzipped body was
/// answered "not UTF-8", and a plain one labelled `br` was stored.
async fn compressed_bodies_are_refused_not_misread(backend: Backend) {
    use std::io::Write;
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let body = bytes(serde_json::to_value(common::statistics()).unwrap_or_default());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let gzipped = gz.finish().unwrap();
    let count_before = applicant.list_requests(None, None, None).await.map(|p| p.items.len()).unwrap_or_default();
    for (coding, named, sent) in
        [("gzip", "gzip", &gzipped), ("br", "br", &body), ("identity, GZIP", "GZIP", &gzipped), ("x-custom", "x-custom", &body)]
    {
        let res = applicant
            .raw_with_headers(Method::POST, "/requests", "application/json", sent.clone(), &[("Content-Encoding", coding)])
            .await
            .unwrap();
        let p = &res.body;
        assert_eq!((res.status, p["code"].as_str()), (415, Some("unsupported_content_encoding")), "{coding}: {p}");
        assert_eq!(res.header("accept-encoding"), Some("identity"), "{coding}");
        let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
        assert!(zh.contains("不壓縮") && zh.contains(&format!("Content-Encoding: {named}。")), "{coding}: {zh}");
    }
    // The token endpoint, which reads a form, is told the same.
    let res = applicant
        .raw_with_headers(
            Method::POST,
            "/auth/token",
            "application/x-www-form-urlencoded",
            gzipped.clone(),
            &[("Content-Encoding", "gzip")],
        )
        .await
        .unwrap();
    assert_eq!((res.status, res.body["code"].as_str()), (415, Some("unsupported_content_encoding")), "{}", res.body);
    assert_eq!(applicant.list_requests(None, None, None).await.map(|p| p.items.len()).unwrap_or_default(), count_before);
    // `identity` is no coding at all.
    let res =
        applicant.raw_with_headers(Method::POST, "/requests", "application/json", body, &[("Content-Encoding", "Identity")]).await.unwrap();
    assert_eq!((res.status, res.body["state"].as_str()), (201, Some("draft")), "{}", res.body);
}

async fn eligibility_findings_point_into_the_application(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let mut app = common::statistics();
    app.requirement.fields.push("id_number".into());
    app.requirement.fields.push("not_a_field".into());
    app.reason = "請於12月1日前提供".into();
    let r = applicant.create_request(&app).await.unwrap();
    let check = applicant.check_request(r.id).await.unwrap();
    assert!(check.blocking);
    let got: Vec<(String, String)> = check.findings.iter().map(|f| (f.code.name(), f.pointer.clone())).collect();
    assert!(got.contains(&("field_unknown".into(), "/requirement/fields/4".into())), "{got:?}");
    assert!(got.contains(&("personal_data_contradicts_fields".into(), "/requirement/fields/3".into())), "{got:?}");
    assert!(got.contains(&("deadline_in_text".into(), "/reason".into())), "{got:?}");
    let deadline = check.findings.iter().find(|f| f.code.name() == "deadline_in_text").map(|f| (f.rule.clone(), f.message.zh_tw.clone()));
    assert!(deadline.is_some_and(|(rule, zh)| rule == "5.3" && zh.contains("不得訂定完成期限")));
    assert_eq!(applicant.submit(r.id, None).await.err().and_then(|e| e.status()), Some(422));
}

/// Days are `YYYY-MM-DD` of the Western calendar wherever a caller writes one: a day
/// written with an ROC year (`115-12-01`, 民國115年) is refused with the day it stands
/// for, never read as the year 115 (a search from "115-12-01" found everything; a
/// calendar imported so held the year 115); nothing is changed.
async fn days_are_written_in_the_western_calendar(backend: Backend) {
    let server = TestServer::start(backend);
    let people = common::Scenario::new(&server).await;
    let admin = server.login("admin.dgpa").await;
    let r = people.in_state(&common::detail(), State::Delivered, 2).await;
    for (c, path, name) in [
        (&people.officer, "/requests?submitted_from=115-12-01", "submitted_from"),
        (&people.officer, "/requests.csv?submitted_to=115/12/01", "submitted_to"),
        (&people.officer, "/stats?submitted_from=0115-12-01", "submitted_from"),
        (&people.officer, "/stats.csv?submitted_to=115.12.1", "submitted_to"),
        (&people.officer, "/calendar/working-days?from=115-12-01&to=2026-12-31", "from"),
        (&admin, "/audit?from=115-12-01", "from"),
        (&people.officer, "/requests?updated_since=115-12-01T08:00:00Z", "updated_since"),
        (&people.officer, "/inquiries?updated_since=0115-12-01T08:00:00%2B08:00", "updated_since"),
    ] {
        let (status, p) = send(c, Method::GET, path, "application/json", vec![], None).await;
        let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
        assert_eq!((status, p["code"].as_str()), (400, Some("invalid_query")), "{path}: {p}");
        assert!(zh.contains(&format!("「{name}」")) && zh.contains("民國115年12月1日是 2026-12-01"), "{path}: {zh}");
        assert!(p["detail"].as_str().unwrap_or_default().contains("write 2026-12-01"), "{path}: {p}");
    }
    // Other shapes are refused saying the one taken; a day that does not exist, so.
    for (query, said) in [("2026-1-5", "YYYY-MM-DD"), ("2026-02-30", "no such day"), ("20261201", "YYYY-MM-DD")] {
        let (status, p) =
            send(&people.officer, Method::GET, &format!("/requests?submitted_from={query}"), "application/json", vec![], None).await;
        assert_eq!(status, 400, "{query}: {p}");
        assert!(p["detail"].as_str().unwrap_or_default().contains(said), "{query}: {p}");
    }
    // In a body: the destruction's day (422 at its pointer), the request unchanged.
    let (status, p) = send(
        &people.applicant,
        Method::POST,
        &format!("/requests/{}/destruction", r.id),
        "application/json",
        bytes(json!({"destroyed_on": "115-12-01", "method": "碎紙"})),
        None,
    )
    .await;
    assert_eq!(
        (status, p["code"].as_str(), p["errors"][0]["pointer"].as_str()),
        (422, Some("invalid_value"), Some("/destroyed_on")),
        "{p}"
    );
    assert!(p["message"]["zh_tw"].as_str().unwrap_or_default().contains("2026-12-01"), "{p}");
    assert_eq!(people.applicant.get_request(r.id).await.unwrap().state, State::Delivered);
    // A calendar imported with ROC days is refused as a whole; the calendar stays.
    let before = admin.get_text("/calendar/2026").await.unwrap();
    let csv = "date,kind,name\n2026-01-01,day_off,開國紀念日\n115-02-16,day_off,春節\n";
    let refused = admin.import_calendar(csv).await.err();
    assert_eq!(refused.as_ref().and_then(|e| e.status()), Some(422), "{refused:?}");
    let row = refused.as_ref().and_then(|e| e.problem()).and_then(|p| {
        p.errors.first().map(|x| (x.pointer.clone(), x.detail.clone(), x.message.clone().map(|m| m.zh_tw).unwrap_or_default()))
    });
    // At its cell, and in Chinese too (the zh-TW message once repeated the English).
    assert!(
        row.as_ref().is_some_and(|(p, d, zh)| p == "/rows/3/date"
            && d.contains("write 2026-02-16")
            && zh.contains("民國115年2月16日是 2026-02-16")),
        "{row:?}"
    );
    assert_eq!(admin.get_text("/calendar/2026").await.unwrap(), before);
    // A condition on a date field written so is a finding at its value.
    let mut app = common::statistics();
    app.requirement.fields.push("birth_date".into());
    app.requirement.filters.push(statreq_e2e::statreq_domain::application::Condition {
        field: "birth_date".into(),
        op: statreq_e2e::statreq_domain::application::Operator::Ge,
        values: vec!["60-01-01".into()],
    });
    let draft = people.applicant.create_request(&app).await.unwrap();
    let check = people.applicant.check_request(draft.id).await.unwrap();
    let finding =
        check.findings.iter().find(|f| f.code.name() == "condition_value_type").map(|f| (f.pointer.clone(), f.message.zh_tw.clone()));
    let at = format!("/requirement/filters/{}/values/0", app.requirement.filters.len() - 1);
    assert!(
        finding.as_ref().is_some_and(|(p, zh)| *p == at && zh.contains("西元日期") && zh.contains("民國60年1月1日是 1971-01-01")),
        "{finding:?}"
    );
}

on_both_backends!(
    days_are_written_in_the_western_calendar,
    bad_bodies_are_refused_with_problems_and_change_nothing,
    json_is_taken_in_any_spelling_of_its_media_type,
    compressed_bodies_are_refused_not_misread,
    eligibility_findings_point_into_the_application
);
