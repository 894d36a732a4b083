//! Reference data over HTTP (rules 4, 7): the field dictionary (search, edits with
//! history, CSV), structured conditions checked against it, and the catalog of
//! existing sources administered by DGPA and matched against a draft.

use crate::common;

use serde_json::json;
use statreq_e2e::statreq_client::{Client, Method};
use statreq_e2e::statreq_contract::{ApplicationPatch, CatalogEntry, Condition, ExistingSource, Field, Operator, Text};
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn ok<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap()
}

fn status<T: std::fmt::Debug>(r: Result<T, statreq_e2e::statreq_client::ClientError>) -> Option<u16> {
    r.err().and_then(|e| e.status())
}

async fn raw(c: &Client, method: Method, path: &str, body: &str, if_match: Option<&str>) -> (u16, serde_json::Value) {
    ok(c.raw(method, path, "application/json", body.as_bytes().to_vec(), if_match).await)
}

async fn the_dictionary_is_searched_and_edited_with_history(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let admin = server.login("admin.dgpa").await;

    // The resume record's breadth, searchable by code, zh-TW and English names and flags.
    let all = ok(applicant.list_fields(None).await);
    assert!(all.len() >= 80, "{}", all.len());
    let rank = ok(applicant.list_fields(Some("官等")).await);
    assert!(rank.iter().any(|f| f.code == "official_rank"), "{rank:?}");
    assert!(ok(applicant.list_fields(Some("Salary")).await).iter().any(|f| f.code == "salary_points"));
    let (s, special) = raw(&applicant, Method::GET, "/dictionary/fields?special=true", "", None).await;
    assert_eq!(s, 200);
    let special: Vec<Field> = ok(serde_json::from_value(special["items"].clone()));
    assert!(!special.is_empty() && special.iter().all(|f| f.special && f.personal));
    let (_, org) = raw(&applicant, Method::GET, "/dictionary/fields?personal=false&section=appointment", "", None).await;
    let org: Vec<Field> = ok(serde_json::from_value(org["items"].clone()));
    assert!(org.iter().any(|f| f.code == "grade") && org.iter().all(|f| !f.personal));
    assert_eq!(raw(&applicant, Method::GET, "/dictionary/fields?flag=x", "", None).await.0, 400);

    // One field: its definition, code table, covering sources.
    let grade = ok(applicant.get_field("grade").await);
    assert_eq!(grade.code_table.as_ref().map(|t| t.values.len()), Some(14));
    assert!(!grade.field.definition.zh_tw.is_empty());
    assert!(grade.sources.iter().any(|s| s.id == "moex-screening-by-grade"));
    assert_eq!(status(applicant.get_field("no_such_field").await), Some(404));

    // DGPA's administrator edits it; applicants may not.
    let mut edited = grade.field.clone();
    edited.definition =
        Text::new("現職銓敘審定之職等；代理者以本職計。", "The reviewed grade of the current post; acting staff by their own post.");
    assert_eq!(status(applicant.put_field(&edited, Some(grade.version)).await), Some(403));
    let saved = ok(admin.put_field(&edited, Some(grade.version)).await);
    assert_eq!(saved.version, grade.version + 1);
    assert_eq!(saved.updated_by.as_ref().map(|u| u.display_name.as_str()), Some("吳美玲（人事總處管理者）"));
    // A stale copy is refused and changes nothing.
    let mut stale = edited.clone();
    stale.name_en = "something else".into();
    let err = admin.put_field(&stale, Some(grade.version)).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(412));
    // An invalid edit points at what is wrong and changes nothing.
    let mut bad = edited.clone();
    bad.code_table = Some("no_table".into());
    let err = admin.put_field(&bad, Some(saved.version)).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((problem.status, problem.errors[0].pointer.as_str()), (422, "/code_table"));
    let body = serde_json::to_string(&edited).unwrap_or_default();
    let (s, p) = raw(&admin, Method::PUT, "/dictionary/fields/sex", &body, None).await;
    assert_eq!((s, p["errors"][0]["pointer"].as_str()), (422, Some("/code")), "the body's code must be the path's");
    assert_eq!(raw(&admin, Method::PUT, "/dictionary/fields/grade", "{\"code\":", None).await.0, 400);
    assert_eq!(raw(&admin, Method::PUT, "/dictionary/fields/grade", &format!("{{\"x\":\"{}\"}}", "字".repeat(300_000)), None).await.0, 413);
    assert_eq!(ok(applicant.get_field("grade").await).version, saved.version);

    // The history says who changed what, value by value.
    let history = ok(applicant.field_history("grade").await);
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!((history[0].action.as_str(), history[0].changed_by.as_ref()), ("created", None), "the seed");
    let change = &history[1];
    assert_eq!(change.action, "updated");
    assert_eq!(change.changed_by.as_ref().map(|u| u.id), saved.updated_by.as_ref().map(|u| u.id));
    assert!(change.changes.iter().any(|c| c.pointer == "/definition/zh_tw"), "{:?}", change.changes);
    assert!(change.changes.iter().all(|c| c.pointer.starts_with("/definition")));

    // A new field is created by PUT and counts at once in a check.
    let new_field = Field {
        code: "telework_days".into(),
        section: statreq_e2e::statreq_contract::Section::Service,
        name_zh: "遠距辦公日數".into(),
        name_en: "days of telework".into(),
        // Text a spreadsheet would run as a formula: the CSV export quotes it.
        definition: Text::new("當年度經核准之居家辦公日數。", "=Approved telework days in the year."),
        field_type: statreq_e2e::statreq_contract::FieldType::Integer,
        code_table: None,
        personal: true,
        identifying: false,
        special: false,
    };
    let (s, _) = raw(&admin, Method::PUT, "/dictionary/fields/telework_days", &ok(serde_json::to_string(&new_field)), None).await;
    assert_eq!(s, 201);
    let mut app = common::statistics();
    app.requirement.fields.push("telework_days".into());
    let r = ok(applicant.create_request(&app).await);
    let check = ok(applicant.check_request(r.id).await);
    assert!(check.findings.iter().all(|f| f.code.name() != "field_unknown"), "{:?}", check.findings);

    // CSV: export, import the same (nothing changes), import an edit, refuse a bad file whole.
    let csv = ok(admin.get_text("/dictionary/fields.csv").await);
    assert!(csv.starts_with('\u{feff}') && csv.contains("telework_days"));
    assert!(csv.contains(",'=Approved telework") && !csv.contains(",=Approved"), "CSV injection defused");
    let same = ok(admin.import_fields(&csv).await);
    assert_eq!((same.created, same.updated, same.unchanged), (0, 0, all.len() + 1));
    let edited_csv = csv.replacen("days of telework", "telework days", 1);
    let one = ok(admin.import_fields(&edited_csv).await);
    assert_eq!((one.created, one.updated), (0, 1));
    let broken = format!("{}\nBad Code,basic,名,name,text,,false,false,false,,\n", edited_csv.trim_end());
    let err = admin.import_fields(&broken).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(problem.code, "invalid_csv");
    assert!(problem.errors.iter().any(|e| e.pointer.ends_with("/code")), "{:?}", problem.errors);
    let undefined = format!("{}\nundefined_one,basic,名,name,text,,false,false,false,{},x\n", edited_csv.trim_end(), "定".repeat(2_001));
    let err = admin.import_fields(&undefined).await.err();
    let problem = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("{err:?}"));
    let at: Vec<&str> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
    assert!(at.len() == 1 && at[0].starts_with("/rows/") && at[0].ends_with("/definition_zh"), "{at:?}");
    assert_eq!(status(applicant.import_fields(&csv).await), Some(403));
    assert_eq!(ok(applicant.list_fields(None).await).len(), all.len() + 1);
}

async fn structured_conditions_are_checked_with_pointers(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let r = ok(applicant.create_request(&common::statistics()).await);
    let mut requirement = common::statistics().requirement;
    requirement.filters = vec![
        Condition { field: "official_rank".into(), op: Operator::In, values: vec!["junior".into(), "general".into()] },
        Condition { field: "sex".into(), op: Operator::Lt, values: vec!["M".into()] },
        Condition { field: "age".into(), op: Operator::Between, values: vec!["40".into()] },
        Condition { field: "birth_date".into(), op: Operator::Ge, values: vec!["1970/1/1".into()] },
        Condition { field: "no_such_field".into(), op: Operator::Eq, values: vec!["1".into()] },
    ];
    requirement.breakdowns = vec!["agency_code".into(), "nope".into()];
    let patch = ApplicationPatch { requirement: Some(requirement.clone()), ..Default::default() };
    let r = ok(applicant.update_request(r.id, r.version, &patch).await);
    assert_eq!(r.application.requirement.filters.len(), 5, "stored as sent");
    let check = ok(applicant.check_request(r.id).await);
    let got: Vec<(String, &str)> = check.findings.iter().map(|f| (f.code.name(), f.pointer.as_str())).collect();
    for want in [
        ("condition_value_not_in_code_table", "/requirement/filters/0/values/1"),
        ("condition_operator_invalid", "/requirement/filters/1/op"),
        ("condition_value_count", "/requirement/filters/2/values"),
        ("condition_value_type", "/requirement/filters/3/values/0"),
        ("field_unknown", "/requirement/filters/4/field"),
        ("field_unknown", "/requirement/breakdowns/1"),
    ] {
        assert!(got.iter().any(|g| g.0 == want.0 && g.1 == want.1), "{want:?} missing from {got:?}");
    }
    assert!(check.blocking);
    let err = applicant.submit(r.id, Some(r.version)).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(422), "blocking findings refuse submission");

    // Corrected, the conditions pass.
    requirement.filters = vec![
        Condition { field: "official_rank".into(), op: Operator::In, values: vec!["junior".into(), "senior".into()] },
        Condition { field: "age".into(), op: Operator::Between, values: vec!["40".into(), "55".into()] },
    ];
    requirement.breakdowns = vec!["agency_code".into(), "sex".into()];
    let patch = ApplicationPatch { requirement: Some(requirement), ..Default::default() };
    let r = ok(applicant.update_request(r.id, r.version, &patch).await);
    let check = ok(applicant.check_request(r.id).await);
    assert!(!check.blocking, "{:?}", check.findings);

    // Malformed operators and oversized lists are refused at the boundary.
    let bad_op = json!({"requirement": {"filters": [{"field": "sex", "op": "like", "values": ["M"]}]}}).to_string();
    let (s, p) = raw(&applicant, Method::PATCH, &format!("/requests/{}", r.id), &bad_op, Some(&format!("\"{}\"", r.version))).await;
    assert_eq!((s, p["errors"][0]["pointer"].as_str()), (422, Some("/requirement/filters/0/op")), "{p}");
    let many: Vec<serde_json::Value> = (0..51).map(|_| json!({"field": "sex", "op": "eq", "values": ["M"]})).collect();
    let body = json!({"requirement": {"filters": many}}).to_string();
    let (s, p) = raw(&applicant, Method::PATCH, &format!("/requests/{}", r.id), &body, Some(&format!("\"{}\"", r.version))).await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(ok(applicant.get_request(r.id).await).version, r.version, "nothing stored");
}

fn entry(id: &str, fields: &[&str], breakdowns: &[&str], filters: &[&str]) -> CatalogEntry {
    let codes = |c: &[&str]| c.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    CatalogEntry {
        id: id.into(),
        source: ExistingSource::WebhrSubsystemReports,
        title: Text::new(format!("測試報表 {id}"), format!("Test report {id}")),
        owner: "各機關人事機構（WebHR）".into(),
        location: "WebHR › 待遇 › 統計報表".into(),
        fields: codes(fields),
        breakdowns: codes(breakdowns),
        filters: codes(filters),
        granularity: "個人".into(),
        refresh: "每月".into(),
    }
}

async fn the_catalog_is_administered_and_matched_against_a_draft(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let admin = server.login("admin.dgpa").await;

    // A draft no built-in source covers: salary points by grade, for rating A only.
    let mut app = common::statistics();
    app.requirement.fields = vec!["salary_points".into(), "grade".into()];
    app.requirement.breakdowns = vec!["grade".into()];
    app.requirement.filters = vec![Condition { field: "performance_rating".into(), op: Operator::Eq, values: vec!["A".into()] }];
    let r = ok(applicant.create_request(&app).await);
    let warned = |c: &statreq_e2e::statreq_contract::CheckResponse| {
        c.findings.iter().find(|f| f.code.name() == "existing_source_covers_request").map(|f| f.message.zh_tw.clone())
    };
    assert_eq!(warned(&ok(applicant.check_request(r.id).await)), None);

    // A partial fixture: shows the fields but cannot restrict by rating.
    let partial = entry("pay-by-grade", &["salary_points", "grade"], &["grade"], &[]);
    let created = ok(admin.create_source(&partial).await);
    assert_eq!(created.version, 1);
    let ranked = ok(applicant.request_sources(r.id).await);
    let p = ranked.iter().find(|c| c.entry_id == "pay-by-grade").unwrap_or_else(|| panic!("{ranked:?}"));
    assert!(!p.full && p.missing.is_empty());
    assert_eq!(p.missing_filters, ["performance_rating"]);
    assert_eq!(p.percent, 75);
    assert_eq!(warned(&ok(applicant.check_request(r.id).await)), None, "a partial cover is no warning");

    // Edited to restrict by rating, it covers everything: it ranks first and the check names it.
    let mut full = partial.clone();
    full.filters = vec!["performance_rating".into()];
    let stale = admin.put_source(&full, Some(created.version + 5)).await.err();
    assert_eq!(stale.as_ref().and_then(|e| e.status()), Some(412));
    assert_eq!(status(applicant.put_source(&full, Some(created.version)).await), Some(403));
    let updated = ok(admin.put_source(&full, Some(created.version)).await);
    assert_eq!(updated.version, 2);
    let ranked = ok(applicant.request_sources(r.id).await);
    assert_eq!((ranked[0].entry_id.as_str(), ranked[0].full, ranked[0].percent), ("pay-by-grade", true, 100));
    let message = warned(&ok(applicant.check_request(r.id).await)).unwrap_or_else(|| panic!("no warning"));
    assert!(message.contains("測試報表 pay-by-grade"), "{message}");
    // Saying in that source's attestation why the entry does not serve answers the warning.
    let current = ok(applicant.get_request(r.id).await);
    let mut sources = current.application.existing_sources.clone();
    let at = sources.iter().position(|a| a.source == ExistingSource::WebhrSubsystemReports).unwrap_or_else(|| panic!("attested"));
    sources[at].note = "pay-by-grade 僅有當月資料，無本案所需之年度考績區分".into();
    let patch = ApplicationPatch { existing_sources: Some(sources), ..Default::default() };
    ok(applicant.update_request(r.id, current.version, &patch).await);
    assert_eq!(warned(&ok(applicant.check_request(r.id).await)), None, "the note names the entry");

    // Refusals: a taken id, unknown fields, the wrong role, malformed JSON; none changes anything.
    assert_eq!(status(admin.create_source(&full).await), Some(409));
    let unknown = entry("bad-fields", &["no_such_field"], &[], &[]);
    let err = admin.create_source(&unknown).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| p.errors[0].pointer.clone()), Some("/fields/0".into()));
    assert_eq!(status(applicant.create_source(&entry("mine", &["grade"], &[], &[])).await), Some(403));
    assert_eq!(raw(&admin, Method::POST, "/sources", "{\"id\":", None).await.0, 400);
    assert_eq!(status(admin.get_source("bad-fields").await), Some(404));

    // History, then deletion: the warning goes with the entry; the history stays.
    let history = ok(admin.source_history("pay-by-grade").await);
    assert_eq!(history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(), ["created", "updated"]);
    assert!(history[1].changes.iter().any(|c| c.pointer == "/filters"), "{:?}", history[1].changes);
    assert_eq!(status(admin.delete_source("pay-by-grade", Some(1)).await), Some(412));
    ok(admin.delete_source("pay-by-grade", Some(updated.version)).await);
    assert_eq!(status(admin.get_source("pay-by-grade").await), Some(404));
    assert_eq!(warned(&ok(applicant.check_request(r.id).await)), None);
    assert_eq!(ok(admin.source_history("pay-by-grade").await).len(), 3);

    // CSV import, all or nothing.
    let csv = "id,source,title_zh,title_en,owner,location,fields,breakdowns,filters,granularity,refresh\n\
               pay-yearbook,dgpa_published_statistics,待遇年報,Pay yearbook,行政院人事行政總處,https://www.dgpa.gov.tw/,salary_points grade,grade,performance_rating,機關別,每年\n";
    let result = ok(admin.import_sources(csv).await);
    assert_eq!((result.created, result.updated), (1, 0));
    assert!(warned(&ok(applicant.check_request(r.id).await)).is_some_and(|m| m.contains("待遇年報")));
    let bad = format!("{csv}bad id,dgpa_published_statistics,x,x,x,x,grade,,,x,x\n");
    let err = admin.import_sources(&bad).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_csv"));
    // A problem is named at the file's column: `title_zh`, not the entry's `/title/zh_tw`.
    let untitled = format!("{csv}untitled,dgpa_published_statistics,,Untitled,x,https://x.example/,grade,,,x,x\n");
    let err = admin.import_sources(&untitled).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(p.errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/rows/3/title_zh"], "{:?}", p.errors);
    let exported = ok(admin.get_text("/sources.csv").await);
    assert!(exported.contains("pay-yearbook") && !exported.contains("bad id"));
    // A misspelt optional column (`breakdown`) is refused, named, once: it was dropped
    // unsaid, and the entry's breakdowns lost on import.
    let misspelt = csv.replacen("breakdowns", "breakdown", 1).replace(",grade,performance_rating,", ",,performance_rating,");
    let misspelt = misspelt.replace("pay-yearbook", "pay-yearbook-2");
    let err = admin.import_sources(&format!("{misspelt}{}", misspelt.lines().nth(1).unwrap_or_default().replace("-2,", "-3,"))).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(
        p.errors.iter().map(|e| (e.pointer.as_str(), e.code.as_str())).collect::<Vec<_>>(),
        [("/rows/1/breakdown", "unknown_field")]
    );
    let said = p.errors[0].message.as_ref().map(|m| (m.zh_tw.clone(), m.en.clone())).unwrap_or_default();
    assert!(said.0.contains("「breakdown」") && said.1.contains("breakdowns"), "{said:?}");
    assert_eq!(status(admin.get_source("pay-yearbook-2").await), Some(404), "nothing imported");

    // Text that a spreadsheet would run as a formula is exported quoted (CSV
    // injection), and the export imports back as the same entries.
    let mut formula = entry("formula-owner", &["grade"], &[], &[]);
    formula.owner = "=HYPERLINK(\"http://127.0.0.1/\",\"x\")".into();
    formula.refresh = "-1+1".into();
    ok(admin.create_source(&formula).await);
    let exported = ok(admin.get_text("/sources.csv").await);
    assert!(exported.contains("'=HYPERLINK") && exported.contains(",'-1+1"), "{exported}");
    assert!(!exported.contains(",=HYPERLINK") && !exported.contains("\"=HYPERLINK"), "{exported}");
    let again = ok(admin.import_sources(&exported).await);
    assert_eq!((again.created, again.updated), (0, 0), "the export reads back unchanged: {again:?}");
    assert_eq!(ok(admin.get_source("formula-owner").await).entry, formula);
}

/// Edits and deletions of one catalog entry at once, all on the same reading: exactly
/// one lands, the others are refused (412, or 404 once it is deleted), and the history
/// holds each version once.
async fn a_catalog_entry_edited_and_deleted_at_once_keeps_one_change(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let created = ok(admin.create_source(&entry("at-once", &["grade"], &[], &[])).await);
    let runs = (0..8).map(|i| {
        let admin = admin.clone();
        let mut edited = created.entry.clone();
        edited.refresh = format!("每 {i} 月");
        async move {
            if i % 2 == 0 {
                admin.delete_source("at-once", Some(created.version)).await.map(drop)
            } else {
                admin.put_source(&edited, Some(created.version)).await.map(drop)
            }
        }
    });
    let results = futures_util::future::join_all(runs).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    // Refused as stale, or, once a deletion landed, as gone.
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| matches!(e.status(), Some(412 | 404))), "{results:?}");
    let history = ok(admin.source_history("at-once").await);
    assert_eq!(history.len(), 2, "created, then one change: {history:?}");
}

on_both_backends!(
    the_dictionary_is_searched_and_edited_with_history,
    structured_conditions_are_checked_with_pointers,
    the_catalog_is_administered_and_matched_against_a_draft,
    a_catalog_entry_edited_and_deleted_at_once_keeps_one_change
);
