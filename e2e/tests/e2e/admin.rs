//! Administration (agencies, accounts), the CLI, and the service's own endpoints.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;
use statreq_e2e::statreq_contract::{CreateAgencyBody, CreateUserBody, Role, UpdateAgencyBody, UpdateUserBody};
use statreq_e2e::{binary, on_both_backends, Backend, TestDatabase, TestServer, DEMO_PASSWORD};

async fn agencies_are_managed_by_dgpa_admins(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let applicant = server.login("applicant.npa").await;
    let all = applicant.list_agencies().await.unwrap();
    assert!(all.iter().any(|a| a.code == "DGPA" && a.parent_code.is_none()));

    let created = admin
        .create_agency(&CreateAgencyBody {
            code: "kpd01".into(),
            name: "高雄市政府警察局".into(),
            parent_code: "NPA".into(),
            personnel_staff: 12,
        })
        .await
        .unwrap();
    assert_eq!((created.code.as_str(), created.parent_code.as_deref()), ("KPD01", Some("NPA")));
    // Paged by the store, three at a time: every agency once, by code, as the whole list has them.
    let whole: Vec<String> = applicant.list_agencies().await.unwrap().into_iter().map(|a| a.code).collect();
    let (mut paged, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page: statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::AgencyView> =
            applicant.page("/agencies", cursor.as_deref(), Some(3)).await.unwrap();
        assert!(page.items.len() <= 3 && (page.items.len() == 3 || page.next_cursor.is_none()), "{:?}", page.next_cursor);
        paged.extend(page.items.into_iter().map(|a| a.code));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut sorted = whole.clone();
    sorted.sort();
    assert_eq!((paged, whole.len()), (sorted, 8), "the demo's seven agencies and KPD01");
    let past: statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::AgencyView> =
        applicant.page("/agencies", Some("999999999999999999"), Some(200)).await.unwrap();
    assert!(past.items.is_empty() && past.next_cursor.is_none());
    let dup = admin
        .create_agency(&CreateAgencyBody { code: "KPD01".into(), name: "x".into(), parent_code: "NPA".into(), personnel_staff: 1 })
        .await
        .err();
    assert_eq!(dup.as_ref().and_then(|e| e.status()), Some(409));
    let orphan = admin
        .create_agency(&CreateAgencyBody { code: "X9".into(), name: "x".into(), parent_code: "NOPE".into(), personnel_staff: 1 })
        .await
        .err();
    assert_eq!(orphan.as_ref().and_then(|e| e.status()), Some(422));
    let bad = admin
        .create_agency(&CreateAgencyBody { code: "有空 白".into(), name: "x".into(), parent_code: "NPA".into(), personnel_staff: -1 })
        .await
        .err();
    assert_eq!(bad.as_ref().and_then(|e| e.code()), Some("invalid_agency_code"));

    let read = admin.list_agencies().await.unwrap().into_iter().find(|a| a.code == "KPD01").map(|a| a.version).unwrap_or_default();
    let staff = |n: i32| UpdateAgencyBody { personnel_staff: Some(n), ..Default::default() };
    let updated = admin.update_agency("KPD01", &staff(15), Some(read)).await.unwrap();
    assert_eq!((updated.personnel_staff, updated.name.as_str(), updated.version), (15, "高雄市政府警察局", read + 1));
    // Another administrator's change on the same reading is refused, and changes nothing;
    // a malformed If-Match is refused before anything is read.
    let stale = admin.update_agency("KPD01", &staff(99), Some(read)).await.err();
    assert_eq!((stale.as_ref().and_then(|e| e.status()), stale.as_ref().and_then(|e| e.code())), (Some(412), Some("precondition_failed")));
    let body = serde_json::to_vec(&staff(98)).unwrap_or_default();
    let (status, _) = admin.raw(reqwest::Method::PATCH, "/agencies/KPD01", "application/json", body, Some("yesterday")).await.unwrap();
    assert_eq!(status, 400, "a malformed If-Match");
    let kept = admin.list_agencies().await.unwrap().into_iter().find(|a| a.code == "KPD01").map(|a| (a.personnel_staff, a.version));
    assert_eq!(kept, Some((15, read + 1)));
    // One agency, read by anyone signed in, its version in the ETag.
    let applicant = server.login("applicant.npa").await;
    assert_eq!(applicant.get_agency("KPD01").await.map(|a| (a.personnel_staff, a.version)).ok(), Some((15, read + 1)));
    let one = applicant.raw_with_headers(reqwest::Method::GET, "/agencies/KPD01", "application/json", Vec::new(), &[]).await.unwrap();
    assert_eq!(one.header("etag"), Some(format!("\"{}\"", read + 1).as_str()));
    for missing in ["NOPE", "有空 白"] {
        assert_eq!(applicant.get_agency(missing).await.err().and_then(|e| e.status()), Some(404), "{missing}");
    }
    // A cycle (MOI under its own descendant) is refused; the root has no parent.
    let cycle = admin.update_agency("MOI", &UpdateAgencyBody { parent_code: Some("KPD01".into()), ..Default::default() }, None).await.err();
    assert_eq!(cycle.as_ref().and_then(|e| e.code()), Some("invalid_change"));
    let root = admin.update_agency("DGPA", &UpdateAgencyBody { parent_code: Some("MOI".into()), ..Default::default() }, None).await.err();
    assert_eq!(root.as_ref().and_then(|e| e.status()), Some(422));
    assert_eq!(
        admin
            .update_agency("NOPE", &UpdateAgencyBody { personnel_staff: Some(1), ..Default::default() }, None)
            .await
            .err()
            .and_then(|e| e.status()),
        Some(404)
    );

    // CSV import: all rows or none; parents may follow their children.
    let csv = "code,name,parent_code,personnel_staff\nKHH2,高雄市政府教育局,KHH,20\nKHH,高雄市政府,DGPA,150\nNPA,內政部警政署,MOI,90\n";
    let result = admin.import_agencies(csv).await.unwrap();
    assert_eq!((result.created, result.updated, result.unchanged), (2, 1, 0));
    // The same file again changes nothing: counted unchanged, versions kept.
    let versions = || async {
        let all = admin.list_agencies().await.unwrap_or_default();
        all.into_iter().filter(|a| ["KHH", "KHH2", "NPA"].contains(&a.code.as_str())).map(|a| a.version).collect::<Vec<_>>()
    };
    let before = versions().await;
    let again = admin.import_agencies(csv).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    assert_eq!(versions().await, before);
    let npa = admin.get_agency("NPA").await.unwrap();
    let same = UpdateAgencyBody { name: Some(npa.name.clone()), personnel_staff: Some(90), parent_code: Some("MOI".into()) };
    assert_eq!(admin.update_agency("NPA", &same, Some(npa.version)).await.map(|a| a.version).ok(), Some(npa.version));
    let all = admin.list_agencies().await.unwrap();
    assert_eq!(all.iter().find(|a| a.code == "KHH2").and_then(|a| a.parent_code.clone()).as_deref(), Some("KHH"));
    assert_eq!(all.iter().find(|a| a.code == "NPA").map(|a| a.personnel_staff), Some(90));
    let bad_csv = "code,name,parent_code,personnel_staff\nOK1,好,DGPA,1\nBAD 1,,DGPA,x\n";
    let err = admin.import_agencies(bad_csv).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem"));
    assert_eq!(p.code, "invalid_csv");
    assert!(p.errors.iter().any(|e| e.pointer.starts_with("/rows/3")), "{:?}", p.errors);
    assert!(!admin.list_agencies().await.unwrap_or_default().iter().any(|a| a.code == "OK1"), "a failed import imports nothing");
    // A name is one line: a line break or a tab in it is refused where it was sent (the
    // form, a change, a file's line) and nothing is made or changed.
    let two_lines =
        CreateAgencyBody { code: "NL1".into(), name: "內政部\n警政署".into(), parent_code: "MOI".into(), personnel_staff: 1 };
    let err = admin.create_agency(&two_lines).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!((p.status, p.errors.first().map(|e| e.pointer.as_str())), (422, Some("/name")), "{p:?}");
    let tabbed = UpdateAgencyBody { name: Some("警政署\t".repeat(2)), ..Default::default() };
    let err = admin.update_agency("NPA", &tabbed, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).and_then(|p| p.errors.first().map(|e| e.pointer.clone())).as_deref(), Some("/name"));
    let err = admin.import_agencies("code,name,parent_code,personnel_staff\nNL2,\"甲\n乙\",MOI,1\n").await.err();
    assert_eq!(
        err.as_ref().and_then(|e| e.problem()).map(|p| p.errors.iter().map(|e| e.pointer.clone()).collect::<Vec<_>>()),
        Some(vec!["/rows/2/name".to_string()])
    );
    let all = admin.list_agencies().await.unwrap_or_default();
    assert!(!all.iter().any(|a| a.code == "NL1" || a.code == "NL2" || a.name.contains('\t')), "nothing made or changed");
    // A column missing is said once, of the header; a cell that does not read, where it
    // is; each in zh-TW too (it was serde's English, once per line).
    let err = admin.import_agencies("code,name,personnel_staff\nXC1,甲,3\nXC2,乙,3\n").await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(p.errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/rows/1/parent_code"], "{:?}", p.errors);
    assert!(p.errors[0].message.as_ref().is_some_and(|m| m.zh_tw.contains("缺少「parent_code」")), "{:?}", p.errors);
    let err = admin.import_agencies("code,name,parent_code,personnel_staff\nXC1,甲,NPA,三\n").await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(p.errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/rows/2/personnel_staff"], "{:?}", p.errors);
    assert!(p.errors[0].message.as_ref().is_some_and(|m| m.zh_tw.contains("無法讀取")), "{:?}", p.errors);
    // A column the import does not know is refused, named (it was ignored).
    let err = admin.import_agencies("code,name,parent_code,personnel_staff,remark\nXC1,甲,NPA,3,x\n").await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(p.errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/rows/1/remark"], "{:?}", p.errors);
    // One agency on two lines (in any case) is refused at the second, not the one of them
    // applied over the other (it created 甲 and then renamed it 乙).
    let twice = "code,name,parent_code,personnel_staff\nTWO1,甲,NPA,3\ntwo1,乙,MOI,4\n";
    let err = admin.import_agencies(twice).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!(p.errors.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(), ["/rows/3/code"], "{:?}", p.errors);
    assert!(p.errors[0].message.as_ref().is_some_and(|m| m.zh_tw.contains("重複")), "{:?}", p.errors);
    assert!(!admin.list_agencies().await.unwrap_or_default().iter().any(|a| a.code == "TWO1"), "nothing imported");
    assert_eq!(applicant.import_agencies(csv).await.err().and_then(|e| e.status()), Some(403));
    // A header and no rows, or no file at all, is refused, not a silent "0 imported".
    let err = admin.import_agencies("code,name,parent_code,personnel_staff\n").await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_csv"));
    let err = admin.import_agencies("").await.err();
    assert_eq!((err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())), (Some(400), Some("body_required")));
}

/// The agency tree stays a tree of at most 64 levels below DGPA, and each refusal says
/// why in zh-TW and English, at the field or the file's line, changing nothing. Before,
/// an agency could be made 70 levels deep and its people then got 500 for every request
/// they made or listed; a cycle and the root's move were refused as 「此變更不被允許。」
/// alone, and a deep chain imported was called a cycle.
async fn the_agency_tree_stays_a_tree_within_its_depth(backend: Backend) {
    use statreq_e2e::statreq_domain::lifecycle::MAX_DEPTH;
    let server = TestServer::start_with(backend, &[]);
    let admin = server.login("admin.dgpa").await;
    let refusal = |e: Option<statreq_e2e::statreq_client::ClientError>| {
        let p = e.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {e:?}"));
        let error = p.errors.first().cloned().unwrap_or_else(|| panic!("no error: {p:?}"));
        (p.status, p.code.clone(), error.pointer, p.message.zh_tw.clone(), p.message.en.clone())
    };
    let under = |code: &str, parent: &str| CreateAgencyBody {
        code: code.into(),
        name: format!("機關{code}"),
        parent_code: parent.into(),
        personnel_staff: 1,
    };
    let parent_of = |code: &str| UpdateAgencyBody { parent_code: Some(code.into()), ..Default::default() };

    // Under itself or one below it; the root moved; a parent that is not there.
    let (status, code, pointer, zh, en) = refusal(admin.update_agency("MOI", &parent_of("NPA"), None).await.err());
    assert_eq!((status, code.as_str(), pointer.as_str()), (422, "invalid_change", "/parent_code"));
    assert!(zh.contains("NPA 即為 MOI 本身或其所屬機關") && zh.contains("循環") && en.contains("cycle"), "{zh} {en}");
    let (_, _, _, zh, _) = refusal(admin.update_agency("MOI", &parent_of("MOI"), None).await.err());
    assert!(zh.contains("MOI 即為 MOI 本身"), "{zh}");
    let (_, code, _, zh, _) = refusal(admin.update_agency("DGPA", &parent_of("MOI"), None).await.err());
    assert_eq!(code, "invalid_change");
    assert!(zh.contains("人事總處為機關樹之根"), "{zh}");
    let (status, code, pointer, zh, _) = refusal(admin.create_agency(&under("ORPHAN", "NOPE")).await.err());
    assert_eq!((status, code.as_str(), pointer.as_str()), (422, "unknown_reference", "/parent_code"));
    assert!(zh.contains("上級機關 NOPE 不存在"), "{zh}");

    // A chain down to the deepest level allowed (NPA is 2 levels below DGPA) …
    let mut parent = "NPA".to_string();
    for level in 3..=MAX_DEPTH {
        let code = format!("D{level:02}");
        admin.create_agency(&under(&code, &parent)).await.unwrap_or_else(|e| panic!("level {level}: {e:?}"));
        parent = code;
    }
    // … works for its people: they apply and see their applications.
    let deepest = format!("D{MAX_DEPTH:02}");
    let person = CreateUserBody {
        username: "deep.applicant".into(),
        display_name: "最深層機關承辦人".into(),
        email: String::new(),
        agency_code: deepest.clone(),
        roles: vec![Role::Applicant],
        password: DEMO_PASSWORD.into(),
    };
    admin.create_user(&person).await.unwrap();
    let deep = server.login("deep.applicant").await;
    let mine = deep.create_request(&crate::common::statistics()).await.unwrap();
    assert_eq!(deep.list_requests(None, None, None).await.unwrap().items.iter().map(|r| r.id).collect::<Vec<_>>(), [mine.id]);
    // One level more is refused, made or moved there, and nothing changes.
    let (status, code, pointer, zh, en) = refusal(admin.create_agency(&under("TOODEEP", &deepest)).await.err());
    assert_eq!((status, code.as_str(), pointer.as_str()), (422, "invalid_change", "/parent_code"));
    assert!(zh.contains(&format!("TOODEEP 將位於人事總處之下超過 {MAX_DEPTH} 層")) && en.contains("levels"), "{zh} {en}");
    admin.create_agency(&under("LEAF", "MOI")).await.unwrap();
    admin.create_agency(&under("LEAF2", "LEAF")).await.unwrap();
    let (_, _, _, zh, _) = refusal(admin.update_agency("LEAF", &parent_of(&deepest), None).await.err());
    assert!(zh.contains("LEAF2 將位於"), "the agency carried along is named: {zh}");
    let all = admin.list_agencies().await.unwrap();
    assert!(!all.iter().any(|a| a.code == "TOODEEP"));
    assert_eq!(all.iter().find(|a| a.code == "LEAF").and_then(|a| a.parent_code.as_deref()), Some("MOI"));

    // The same in a file, said at its line; nothing of it is kept.
    let file = |lines: &[(&str, &str)]| {
        let rows: String = lines.iter().map(|(code, parent)| format!("{code},機關{code},{parent},1\n")).collect();
        format!("code,name,parent_code,personnel_staff\n{rows}")
    };
    type Lines<'a> = Vec<(&'a str, &'a str)>;
    let cases: [(Lines, &str, &str); 4] = [
        (vec![("F1", "MOI"), ("F2", "F1"), ("MOI", "F2")], "/rows/4/parent_code", "循環"),
        (vec![("F1", "MOI"), ("DGPA", "F1")], "/rows/3/parent_code", "人事總處為機關樹之根"),
        (vec![("F1", "MOI"), ("F2", "NOPE")], "/rows/3/parent_code", "上級機關 NOPE 不存在"),
        (vec![("F1", "MOI"), ("F2", &deepest)], "/rows/3/parent_code", "F2 將位於"),
    ];
    for (lines, at, says) in cases {
        let (status, _, pointer, zh, _) = refusal(admin.import_agencies(&file(&lines)).await.err());
        assert_eq!((status, pointer.as_str()), (422, at), "{lines:?}: {zh}");
        assert!(zh.contains(says), "{lines:?}: {zh}");
    }
    let after = admin.list_agencies().await.unwrap();
    assert!(!after.iter().any(|a| a.code.starts_with('F')), "nothing of a refused file is kept");
    assert_eq!(after.iter().find(|a| a.code == "MOI").and_then(|a| a.parent_code.as_deref()), Some("DGPA"));
    // A file that moves the deep chain up makes room, and its people still see their work.
    let up = admin.import_agencies(&file(&[("D03", "MOI")])).await.unwrap();
    assert_eq!((up.created, up.updated), (0, 1));
    admin.create_agency(&under("NOWFITS", &deepest)).await.unwrap();
    assert_eq!(deep.get_request(mine.id).await.unwrap().agency_code, deepest);
}

async fn accounts_are_managed_by_dgpa_admins(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let body = |username: &str, password: &str, agency: &str, roles: Vec<Role>| CreateUserBody {
        username: username.into(),
        display_name: "測試人員".into(),
        email: "t@example.gov.tw".into(),
        agency_code: agency.into(),
        roles,
        password: password.into(),
    };
    let u = admin.create_user(&body("new.officer", "long-enough-password", "DGPA", vec![Role::DgpaOfficer])).await.unwrap();
    assert_eq!((u.kind.as_str(), u.roles.clone(), u.active), ("local", vec![Role::DgpaOfficer], true));
    let mut c = server.client();
    c.login("new.officer", "long-enough-password").await.unwrap();
    for (b, code) in [
        (body("new.officer", "long-enough-password", "DGPA", vec![Role::Applicant]), "already_exists"),
        (body("weak.pw", "short", "DGPA", vec![Role::Applicant]), "weak_password"),
        (body("Bad Name", "long-enough-password", "DGPA", vec![Role::Applicant]), "invalid_username"),
        (body("no.roles", "long-enough-password", "DGPA", vec![]), "roles_required"),
        (body("no.agency", "long-enough-password", "NOPE", vec![Role::Applicant]), "unknown_reference"),
    ] {
        assert_eq!(admin.create_user(&b).await.err().as_ref().and_then(|e| e.code()), Some(code), "{}", b.username);
    }
    let page = admin.list_users(None).await.unwrap();
    assert!(page.items.iter().any(|x| x.username == "new.officer"));
    assert!(serde_json::to_string(&page).unwrap_or_default().find("argon2").is_none(), "password hashes never leave the server");
    let (status, _) = admin
        .raw(
            reqwest::Method::PATCH,
            &format!("/users/{}", u.id),
            "application/json",
            serde_json::to_vec(&json!({"password": "x"})).unwrap_or_default(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 422);
    // A display name on two lines is refused, naming it.
    let two_lines = UpdateUserBody { display_name: Some("新名\n（請至 https://x 登入）".into()), ..Default::default() };
    let err = admin.update_user(u.id, &two_lines, Some(u.version)).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    assert_eq!((p.code.as_str(), p.errors.first().map(|e| e.pointer.as_str())), ("invalid_name", Some("/display_name")), "{p:?}");
    assert!(p.message.en.contains("one line") || p.errors[0].detail.contains("one line"), "{p:?}");
    // An edit at the version read; one on an older reading is refused and changes nothing.
    let renamed = admin
        .update_user(u.id, &UpdateUserBody { display_name: Some("新名".into()), ..Default::default() }, Some(u.version))
        .await
        .unwrap();
    assert_eq!((renamed.display_name.as_str(), renamed.version), ("新名", u.version + 1));
    // The same values again change nothing: the version stays and nothing is audited.
    let updates = || async { admin.audit("action=user.updated").await.map(|p| p.items.len()).unwrap_or_default() };
    let audited = updates().await;
    let same =
        UpdateUserBody { display_name: Some("新名".into()), email: Some(u.email.clone()), active: Some(true), ..Default::default() };
    let again = admin.update_user(u.id, &same, Some(renamed.version)).await.unwrap();
    assert_eq!(again, renamed, "nothing changed, no new version");
    assert_eq!(updates().await, audited, "no audit entry of a change nobody made");
    // One account (administrators only), its version in the ETag.
    assert_eq!(admin.get_user(u.id).await.ok(), Some(renamed.clone()));
    let one = admin.raw_with_headers(reqwest::Method::GET, &format!("/users/{}", u.id), "application/json", Vec::new(), &[]).await.unwrap();
    assert_eq!(one.header("etag"), Some(format!("\"{}\"", renamed.version).as_str()));
    assert_eq!(admin.get_user(999_999).await.err().and_then(|e| e.status()), Some(404));
    for other in ["applicant.npa", "supervisor.moi", "officer1.dgpa"] {
        let them = server.login(other).await;
        assert_eq!(them.get_user(u.id).await.err().and_then(|e| e.status()), Some(403), "{other}");
    }
    let stale = admin.update_user(u.id, &UpdateUserBody { active: Some(false), ..Default::default() }, Some(u.version)).await.err();
    assert_eq!((stale.as_ref().and_then(|e| e.status()), stale.as_ref().and_then(|e| e.code())), (Some(412), Some("precondition_failed")));
    c.me().await.expect("a stale change did not disable the account");
    // An e-mail address typed full-width, wholly or in part, would never receive mail: it
    // is refused naming how to write it, and the account keeps its address.
    for typed in ["ｎｅｗ．ｏｆｆｉｃｅｒ＠ｍａｉｌ．ｇｏｖ．ｔｗ", "ｎｅｗ.officer@mail.gov.tw"] {
        let err = admin.update_user(u.id, &UpdateUserBody { email: Some(typed.into()), ..Default::default() }, None).await.err();
        let problem = err.as_ref().and_then(|e| e.problem());
        assert_eq!(err.as_ref().and_then(|e| e.code()), Some("invalid_email"), "{typed}");
        let said = problem.map(|p| p.message.zh_tw.clone()).unwrap_or_default();
        assert!(said.contains("請以半形字元填寫：「new.officer@mail.gov.tw」"), "{typed}: {said}");
    }
    assert_eq!(admin.get_user(u.id).await.unwrap().email, renamed.email);
    // A reset password follows the policy as any other, the account's name included.
    let err =
        admin.update_user(u.id, &UpdateUserBody { password: Some("new.officer-2026".into()), ..Default::default() }, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("weak_password"), "a password holding the username");
    c.login("new.officer", "long-enough-password").await.expect("a refused reset leaves the password");

    // An administrator neither disables their own account nor drops their own role
    // (another administrator may): the service keeps someone to administer it.
    let me = admin.me().await.unwrap();
    for (change, pointer) in [
        (UpdateUserBody { active: Some(false), ..Default::default() }, "/active"),
        (UpdateUserBody { roles: Some(vec![Role::DgpaOfficer]), ..Default::default() }, "/roles"),
        (UpdateUserBody { display_name: Some("改名".into()), active: Some(false), ..Default::default() }, "/active"),
    ] {
        let err = admin.update_user(me.id, &change, None).await.err();
        let problem = err.as_ref().and_then(|e| e.problem());
        assert_eq!(
            problem.map(|p| (p.status, p.code.as_str(), p.errors.first().map(|e| e.pointer.as_str()))),
            Some((409, "own_administration", Some(pointer))),
            "{change:?}"
        );
    }
    let after = admin.me().await.unwrap();
    assert_eq!((after.display_name, after.roles), (me.display_name, me.roles), "a refused change changes nothing");
    // One's own name and e-mail are one's own to change; so is a second role.
    let roles = vec![Role::DgpaAdmin, Role::DgpaOfficer];
    admin.update_user(me.id, &UpdateUserBody { roles: Some(roles.clone()), ..Default::default() }, None).await.unwrap();
    let second = admin.create_user(&body("second.admin", "long-enough-password", "DGPA", vec![Role::DgpaAdmin])).await.unwrap();
    let mut other = server.client();
    other.login("second.admin", "long-enough-password").await.unwrap();
    let first =
        other.update_user(me.id, &UpdateUserBody { roles: Some(vec![Role::DgpaOfficer]), ..Default::default() }, None).await.unwrap();
    assert_eq!(first.roles, vec![Role::DgpaOfficer], "another administrator may");
    let err = other.update_user(second.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("own_administration"), "the second one as much");
}

/// Many edits of one account and one agency at once, all made on the same reading:
/// exactly one lands, every other is refused (412), and each landed change raises the
/// version by one — on PostgreSQL's concurrent transactions as on SQLite's one writer.
async fn concurrent_edits_never_overwrite_each_other(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let target = admin.find_users(&[("q", "applicant.npa")]).await.unwrap().items.remove(0);
    let edits = (0..8).map(|i| {
        let (admin, body) = (admin.clone(), UpdateUserBody { display_name: Some(format!("同時改名 {i}")), ..Default::default() });
        async move { admin.update_user(target.id, &body, Some(target.version)).await }
    });
    let results = futures_util::future::join_all(edits).await;
    let landed: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(landed.len(), 1, "{results:?}");
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| e.status() == Some(412)), "{results:?}");
    let now = admin.get_user(target.id).await.unwrap();
    assert_eq!((now.display_name.as_str(), now.version), (landed[0].display_name.as_str(), target.version + 1));

    // Without If-Match each edit applies to what is there, or meets one landing at the
    // same moment (409 edit_conflict); the version counts exactly those that landed.
    let edits = (0..8).map(|i| {
        let (admin, body) = (admin.clone(), UpdateUserBody { email: Some(format!("p{i}@example.gov.tw")), ..Default::default() });
        async move { admin.update_user(target.id, &body, None).await }
    });
    let results = futures_util::future::join_all(edits).await;
    let landed = results.iter().filter(|r| r.is_ok()).count() as i64;
    assert!(landed >= 1 && results.iter().filter_map(|r| r.as_ref().err()).all(|e| e.code() == Some("edit_conflict")), "{results:?}");
    assert_eq!(admin.get_user(target.id).await.unwrap().version, now.version + landed);

    let agency = admin.get_agency("NPA").await.unwrap();
    let edits = (0..8).map(|i| {
        let (admin, body) = (admin.clone(), UpdateAgencyBody { personnel_staff: Some(100 + i), ..Default::default() });
        async move { admin.update_agency("NPA", &body, Some(agency.version)).await }
    });
    let results = futures_util::future::join_all(edits).await;
    let landed: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(landed.len(), 1, "{results:?}");
    let now = admin.get_agency("NPA").await.unwrap();
    assert_eq!((now.personnel_staff, now.version), (landed[0].personnel_staff, agency.version + 1));
}

/// Two administrators disabling each other at the same moment: one change lands, the
/// other is refused (`409 last_administrator`, or `401` when its author was disabled
/// first), and the service keeps an administrator who can sign in — each round.
async fn two_administrators_disabling_each_other_leave_one(backend: Backend) {
    let server = TestServer::start(backend);
    let mut survivor = server.login("admin.dgpa").await;
    let mut refusals = std::collections::BTreeSet::new();
    for round in 0..4 {
        let mut pair = Vec::new();
        for name in [format!("x{round}.admin"), format!("y{round}.admin")] {
            let body = CreateUserBody {
                username: name.clone(),
                display_name: name.clone(),
                email: String::new(),
                agency_code: "DGPA".into(),
                roles: vec![Role::DgpaAdmin],
                password: "a-long-enough-password".into(),
            };
            let id = survivor.create_user(&body).await.unwrap().id;
            let mut c = server.client();
            c.login(&name, "a-long-enough-password").await.unwrap();
            pair.push((id, c));
        }
        // Only the two administer now.
        let me = survivor.me().await.unwrap().id;
        let (x, y) = (pair[0].0, pair[1].0);
        for u in survivor.find_users(&[("role", "dgpa_admin")]).await.unwrap().items {
            if u.active && u.id != x && u.id != y && u.id != me {
                survivor.update_user(u.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
            }
        }
        pair[0].1.update_user(me, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
        let off = UpdateUserBody { active: Some(false), ..Default::default() };
        let (a, b) = tokio::join!(pair[0].1.update_user(y, &off, None), pair[1].1.update_user(x, &off, None));
        let (landed, refused) = match (a, b) {
            (Ok(_), Err(e)) => (0, e),
            (Err(e), Ok(_)) => (1, e),
            other => panic!("round {round}: not exactly one landed: {other:?}"),
        };
        let said = match (refused.status(), refused.code()) {
            (Some(409), Some("last_administrator")) => "last_administrator",
            (Some(401), _) => "unauthorized",
            other => panic!("round {round}: refused as {other:?}"),
        };
        refusals.insert(said);
        survivor = pair.swap_remove(landed).1;
        let admins = survivor.find_users(&[("role", "dgpa_admin")]).await.unwrap().items;
        assert_eq!(admins.iter().filter(|u| u.active).count(), 1, "round {round}: {admins:?}");
    }
    eprintln!("refusals seen: {refusals:?}");
}

/// An administrator finds an account among many: by words in its username, name or
/// e-mail, by agency, by role, a page at a time; nobody else lists accounts.
async fn accounts_are_found_by_words_agency_and_role(backend: Backend) {
    let server = TestServer::start(backend);
    let admin = server.login("admin.dgpa").await;
    let names = |page: statreq_e2e::statreq_contract::Page<statreq_e2e::statreq_contract::UserView>| {
        page.items.into_iter().map(|u| u.username).collect::<Vec<_>>()
    };
    for (filters, expected) in [
        (vec![("q", "OFFICER")], vec!["officer1.dgpa", "officer2.dgpa"]),
        (vec![("q", "警政署")], vec!["applicant.npa"]),
        (vec![("agency", "MOE")], vec!["applicant.moe", "supervisor.moe"]),
        (vec![("role", "supervisor")], vec!["supervisor.moe", "supervisor.moi", "supervisor.tpe"]),
        (vec![("q", "moe"), ("role", "applicant")], vec!["applicant.moe"]),
        (vec![("agency", "moe")], vec!["applicant.moe", "supervisor.moe"]),
        (vec![("agency", "Not_A_Code-9")], vec![]),
        (vec![("q", "nobody")], vec![]),
    ] {
        assert_eq!(names(admin.find_users(&filters).await.unwrap()), expected, "{filters:?}");
    }
    let first = admin.find_users(&[("role", "applicant"), ("limit", "3")]).await.unwrap();
    let cursor = first.next_cursor.clone().unwrap_or_default();
    let second = admin.find_users(&[("role", "applicant"), ("limit", "3"), ("cursor", &cursor)]).await.unwrap();
    assert_eq!((first.items.len(), second.items.len(), second.next_cursor.as_deref()), (3, 1, None));
    let long = "字".repeat(101);
    for bad in [vec![("q", "  ")], vec![("q", long.as_str())], vec![("role", "boss")], vec![("agency", "N P A")], vec![("name", "x")]] {
        let err = admin.find_users(&bad).await.err();
        assert_eq!(
            (err.as_ref().and_then(|e| e.status()), err.as_ref().and_then(|e| e.code())),
            (Some(400), Some("invalid_query")),
            "{bad:?}"
        );
    }
    for who in ["applicant.npa", "supervisor.moi", "officer1.dgpa"] {
        let c = server.login(who).await;
        assert_eq!(c.find_users(&[("q", "admin")]).await.err().and_then(|e| e.status()), Some(403), "{who}");
    }
}

/// Runs `statreq ARGS` on the test database with `stdin` as its input.
fn cli(db: &TestDatabase, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(binary())
        .arg("--data-dir")
        .arg(db.data_dir())
        .arg("--database-url")
        .arg(&db.url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().map(|mut s| s.write_all(stdin.as_bytes()));
    child.wait_with_output().unwrap()
}

async fn cli_creates_users_and_migrates(backend: Backend) {
    let db = TestDatabase::new(backend);
    let run = |args: &[&str], stdin: &str| cli(&db, args, stdin);
    let out = run(&["migrate"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "create", "--username", "root.admin", "--role", "dgpa_admin", "--password-stdin"], "a-very-long-password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user root.admin"));
    // The same rule for a name as the API's: lower case, so that sign-in can take it in any case.
    let out = run(&["user", "create", "--username", "Root.Admin2", "--role", "dgpa_admin", "--password-stdin"], "a-very-long-password\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lower-case"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "create", "--username", "short.pw", "--role", "applicant", "--password-stdin"], "short\n");
    assert!(!out.status.success());
    let out = run(&["user", "create", "--username", "bad.role", "--role", "emperor", "--password-stdin"], "a-very-long-password\n");
    assert!(!out.status.success());
    // Named, with the roles there are.
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("'emperor'") && said.contains("applicant, supervisor, dgpa_officer, dgpa_admin, service"), "{said}");
    let out = run(&["user", "list", "--role", "dgpa_oficer"], "");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("possible values") && said.contains("dgpa_officer"), "{said}");
    // What an operator mistyped is named, with what to do; nothing is created.
    let pw = "a-very-long-password\n";
    for (args, says) in [
        (&["--username", "root.admin", "--role", "dgpa_admin"][..], "an account named root.admin already exists"),
        (&["--username", "no.agency", "--role", "applicant", "--agency", "NOPE"][..], "there is no agency NOPE: add it first"),
        (&["--username", "bad.mail", "--role", "applicant", "--email", "personnel.example.gov.tw"][..], "--email"),
        (&["--username", "blank.name", "--role", "applicant", "--display-name", "   "][..], "--display-name"),
    ] {
        let out = run(&[&["user", "create", "--password-stdin"][..], args].concat(), pw);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && said.contains(says), "{args:?}: {said}");
    }
    let store = statreq_e2e::statreq_store::Store::open(&db.url).unwrap();
    let names: Vec<String> = store.list_users(None, 100).unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["root.admin"]);

    // At a terminal the password is asked for twice and not shown as typed (it waited
    // without a word for an end of input, and left the password on the screen).
    let (bin, data_dir) = (binary().to_string_lossy().into_owned(), db.data_dir().to_string_lossy().into_owned());
    let create = [
        &bin,
        "--data-dir",
        &data_dir,
        "--database-url",
        &db.url,
        "user",
        "create",
        "--username",
        "tty.admin",
        "--role",
        "dgpa_admin",
        "--password-stdin",
    ];
    let typed = |again: &'static str| [("New password", "a-typed-long-password"), ("Again", again)];
    let screen = statreq_e2e::at_terminal(&create, &typed("a-typed-long-passworf"));
    assert!(screen.contains("New password") && screen.contains("Again") && screen.contains("differ"), "{screen:?}");
    let screen = statreq_e2e::at_terminal(&create, &typed("a-typed-long-password"));
    assert!(screen.contains("created user tty.admin"), "{screen:?}");
    assert!(!screen.contains("a-typed-long-password"), "the password shown as typed: {screen:?}");
    let names: Vec<String> = store.list_users(None, 100).unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["root.admin", "tty.admin"]);
}

async fn health_docs_and_unknown_paths(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();
    assert_eq!(get("/healthz").await.map(|r| r.status().as_u16()).ok(), Some(200));
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    let docs = get("/docs/").await.unwrap();
    assert_eq!(docs.status().as_u16(), 200);
    assert!(docs.text().await.unwrap_or_default().contains("swagger"), "the docs page is served locally");
    let spec: serde_json::Value = get("/api/v1/openapi.json").await.unwrap().json().await.unwrap_or_default();
    assert!(spec["paths"]["/api/v1/requests/{id}/submit"].is_object());
    // The API's namespace answers as the API, down to its root (`/api` was the web page).
    for path in ["/api/v1/nothing-here", "/api", "/api/", "/api/v1", "/api/v1/"] {
        let missing = get(path).await.unwrap();
        assert_eq!(missing.status().as_u16(), 404, "{path}");
        assert_eq!(missing.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"), "{path}");
    }
    // A served path asked with another method: 405 with what is allowed, not 404.
    let wrong = http.delete(format!("{}/api/v1/requests/1", server.base)).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 405);
    assert_eq!(wrong.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, HEAD, OPTIONS, PATCH"));
    let problem: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(problem["code"], "method_not_allowed");
    let wrong = http.get(format!("{}/api/v1/requests/1/submit", server.base)).send().await.unwrap();
    assert_eq!((wrong.status().as_u16(), wrong.headers().get("allow").and_then(|v| v.to_str().ok())), (405, Some("OPTIONS, POST")));
    let wrong = http.post(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 405);
    // The contract itself is a GET too: other methods are told so, not sent to 404.
    let wrong = http.post(format!("{}/api/v1/openapi.json", server.base)).send().await.unwrap();
    let allow = wrong.headers().get("allow").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!((wrong.status().as_u16(), allow.as_deref()), (405, Some("GET, HEAD, OPTIONS")));
    // HEAD is answered as the GET (RFC 9110 §9.3.2): its status and headers, no content.
    // A load balancer's `HEAD /readyz` gets the real readiness, not the SPA's page.
    for (path, token) in [("/api/v1/openapi.json", None), ("/readyz", None), ("/healthz", None), ("/api/v1/me", Some(&applicant))] {
        let with_token = |b: reqwest::RequestBuilder| match token {
            Some(c) => b.bearer_auth(c.access_token().unwrap_or_default()),
            None => b,
        };
        let got = with_token(http.get(format!("{}{path}", server.base))).send().await.unwrap();
        let head = with_token(http.head(format!("{}{path}", server.base))).send().await.unwrap();
        let of = |r: &reqwest::Response, h: &str| r.headers().get(h).and_then(|v| v.to_str().ok()).map(str::to_string);
        assert_eq!(head.status(), got.status(), "{path}");
        assert_eq!(of(&head, "content-type"), of(&got, "content-type"), "{path}");
        assert_eq!(of(&head, "content-length"), of(&got, "content-length"), "{path}");
        assert_eq!(of(&head, "content-type").as_deref().map(|t| t.starts_with("application/json")), Some(true), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
    // OPTIONS (not a CORS preflight) is told what the path takes.
    let options = http.request(reqwest::Method::OPTIONS, format!("{}/api/v1/requests/1", server.base)).send().await.unwrap();
    let allow = options.headers().get("allow").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!((options.status().as_u16(), allow.as_deref()), (204, Some("GET, HEAD, OPTIONS, PATCH")));
    let options = http.request(reqwest::Method::OPTIONS, format!("{}/readyz", server.base)).send().await.unwrap();
    assert_eq!(options.status().as_u16(), 204);
    let unsigned = http.head(format!("{}/api/v1/me", server.base)).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let wrong = http.head(format!("{}/api/v1/requests/1/submit", server.base)).send().await.unwrap();
    assert_eq!((wrong.status().as_u16(), wrong.headers().get("allow").and_then(|v| v.to_str().ok())), (405, Some("OPTIONS, POST")));
    let fields = applicant.list_fields(Some("職等")).await.unwrap();
    assert!(fields.iter().any(|f| f.code == "grade"));
    assert!(!fields.iter().any(|f| f.code == "name"));
}

async fn cli_user_can_sign_in(backend: Backend) {
    let server = TestServer::start(backend);
    let create = ["user", "create", "--username", "cli.applicant", "--role", "applicant", "--agency", "tpedu", "--password-stdin"];
    let out = cli(&server.db, &create, &format!("{DEMO_PASSWORD}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let me = server.login("cli.applicant").await.me().await.unwrap();
    assert_eq!((me.agency_code.as_str(), me.roles), ("TPEDU", vec![Role::Applicant]));

    // The operator's way back in for one who forgot a password — the last
    // administrator's included: `statreq user reset-password`, audited, with `--enable`
    // for a disabled account.
    let reset = |args: &[&str], stdin: &str| {
        let out = cli(&server.db, &[&["user", "reset-password", "--password-stdin"][..], args].concat(), stdin);
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    let admin = server.login("admin.dgpa").await;
    admin.update_user(me.id, &UpdateUserBody { active: Some(false), ..Default::default() }, None).await.unwrap();
    for (args, stdin, says) in [
        (&["--username", "nobody.here"][..], "another-long-password\n", "there is no account named nobody.here"),
        (&["--username", "cli.applicant"][..], "short\n", "password"),
        (&["--username", "cli.applicant"][..], "cli.applicant-2026\n", "password"),
    ] {
        let (ok, said) = reset(args, stdin);
        assert!(!ok && said.contains(says), "{args:?} {stdin:?}: {said}");
    }
    // Who is there, from the command line: every account, or those of one role.
    let list = |args: &[&str]| String::from_utf8_lossy(&cli(&server.db, &[&["user", "list"][..], args].concat(), "").stdout).to_string();
    let everyone = list(&[]);
    assert!(everyone.lines().any(|l| l.starts_with("cli.applicant\t") && l.ends_with("\tdisabled")), "{everyone}");
    let admins = list(&["--role", "dgpa_admin"]);
    assert!(admins.lines().any(|l| l.starts_with("admin.dgpa\t") && l.ends_with("\tactive")), "{admins}");
    assert!(admins.lines().all(|l| l.contains("dgpa_admin")), "{admins}");
    assert!(!cli(&server.db, &["user", "list", "--role", "emperor"], "").status.success());
    let (ok, said) = reset(&["--username", "CLI.Applicant"], "another-long-password\n");
    assert!(ok && said.contains("disabled: add --enable"), "{said}");
    assert!(server.client().login("cli.applicant", "another-long-password").await.is_err(), "still disabled");
    let (ok, said) = reset(&["--username", "cli.applicant", "--enable"], "yet-another-long-password\n");
    assert!(ok && said.contains("enabled"), "{said}");
    assert!(server.client().login("cli.applicant", DEMO_PASSWORD).await.is_err(), "the old password is gone");
    server.client().login("cli.applicant", "yet-another-long-password").await.expect("signs in with the new one");
    let trail = admin.audit("action=user.updated").await.unwrap();
    let cli_entries: Vec<_> = trail.items.iter().filter(|e| e.actor_id.is_none() && e.detail["user"] == me.id).collect();
    assert_eq!(cli_entries.len(), 2, "each reset is audited, with no account as its actor: {:?}", trail.items);

    // An account that leaked is shut from the command line at once: no new sign-in, and
    // its sessions end; the last administrator is kept; `enable` lets it back in.
    let user_cmd = |verb: &str, name: &str| {
        let out = cli(&server.db, &["user", verb, "--username", name], "");
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    let mut signed_in = server.client();
    signed_in.login("cli.applicant", "yet-another-long-password").await.unwrap();
    let (ok, said) = user_cmd("disable", "CLI.applicant");
    assert!(ok && said.contains("disabled cli.applicant"), "{said}");
    assert!(server.client().login("cli.applicant", "yet-another-long-password").await.is_err(), "disabled");
    assert_eq!(signed_in.refresh().await.err().and_then(|e| e.status()), Some(401), "its sessions ended");
    let (ok, said) = user_cmd("disable", "cli.applicant");
    assert!(ok && said.contains("disabled already"), "{said}");
    let (ok, said) = user_cmd("disable", "admin.dgpa");
    assert!(!ok && said.contains("last active administrator"), "{said}");
    admin.me().await.expect("the last administrator still signs in");
    let (ok, said) = user_cmd("disable", "nobody.here");
    assert!(!ok && said.contains("there is no account named nobody.here"), "{said}");
    let (ok, said) = user_cmd("enable", "cli.applicant");
    assert!(ok && said.contains("enabled cli.applicant"), "{said}");
    server.client().login("cli.applicant", "yet-another-long-password").await.expect("enabled again");
    let trail = admin.audit("action=user.updated").await.unwrap();
    let changes: Vec<_> = trail.items.iter().filter(|e| e.actor_id.is_none() && e.detail["changed"].get("active").is_some()).collect();
    assert_eq!(changes.len(), 3, "the reset's --enable, the disabling and the enabling: {:?}", trail.items);
}

on_both_backends!(
    agencies_are_managed_by_dgpa_admins,
    the_agency_tree_stays_a_tree_within_its_depth,
    accounts_are_managed_by_dgpa_admins,
    concurrent_edits_never_overwrite_each_other,
    two_administrators_disabling_each_other_leave_one,
    accounts_are_found_by_words_agency_and_role,
    cli_creates_users_and_migrates,
    health_docs_and_unknown_paths,
    cli_user_can_sign_in,
);

/// `statreq decrypt --help` is read by a recipient opening a delivery: it lists what
/// concerns the file, not the service's database and storage options (which the
/// service's own commands still list). Output read only in part (`| head`) ends quietly.
#[test]
fn the_command_line_says_what_each_command_takes_and_stops_when_its_reader_does() {
    let help = |args: &[&str]| {
        let out = Command::new(binary()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let decrypt = help(&["decrypt", "--help"]);
    assert!(decrypt.contains("--output") && decrypt.contains("--identity"), "{decrypt}");
    for service in ["--data-dir", "--database-url", "--files-url", "--keys-dir", "--audit-key"] {
        assert!(!decrypt.contains(service), "decrypt --help lists {service}:\n{decrypt}");
        assert!(!help(&["openapi", "--help"]).contains(service));
        assert!(help(&["migrate", "--help"]).contains(service), "{service}");
        assert!(help(&["--help"]).contains(service), "{service}");
    }
    // Given anyway (before the command, as scripts do), they are still taken.
    let given = Command::new(binary()).args(["--data-dir", "/nonexistent", "decrypt", "--help"]).output().unwrap();
    assert!(given.status.success(), "{given:?}");

    // The OpenAPI document (half a megabyte) to a reader that stops after a line.
    let mut child = Command::new(binary()).arg("openapi").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"openapi: 3.1.0\ni");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("panicked"), "{:?}: {stderr}", out.status);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_admits_only_configured_origins() {
    let server = TestServer::start_with(Backend::Sqlite, &["--cors-origin", "https://spa.example.gov.tw"]);
    let http = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, format!("{}/api/v1/requests", server.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type, if-match")
            .send()
    };
    let ok = preflight("https://spa.example.gov.tw").await.unwrap();
    assert_eq!(ok.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://spa.example.gov.tw"));
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // Refused as every refusal is: problem+json, in both languages, saying what to do.
    assert_eq!(other.status(), 400);
    assert_eq!(other.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let p: serde_json::Value = other.json().await.unwrap_or_default();
    assert_eq!(p["code"], "origin_not_allowed", "{p}");
    assert!(p["message"]["zh_tw"].as_str().is_some_and(|m| m.contains("--cors-origin")), "{p}");
    let got = http.get(format!("{}/healthz", server.base)).header("Origin", "https://spa.example.gov.tw").send().await.unwrap();
    assert_eq!(got.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://spa.example.gov.tw"));
}

async fn dgpa_sees_the_officers_it_can_assign(backend: Backend) {
    let server = TestServer::start(backend);
    let officer = server.login("officer1.dgpa").await;
    let names: Vec<String> = officer.officers().await.unwrap().into_iter().map(|u| u.display_name).collect();
    assert_eq!(names, vec!["王淑芬（人事總處承辦人）".to_string(), "李冠廷（人事總處承辦人）".to_string()]);
    for who in ["applicant.npa", "supervisor.moi"] {
        assert_eq!(server.login(who).await.officers().await.err().and_then(|e| e.status()), Some(403));
    }
}

mod officers {
    use super::*;
    on_both_backends!(dgpa_sees_the_officers_it_can_assign);
}

/// `just serve`'s demo shows the product: a year of requests in every state, a queue
/// with its factors, delivered files, destruction records, questions with answers and
/// FAQ entries, statistics with numbers.
async fn the_demo_shows_a_year_of_work(backend: Backend) {
    let server = TestServer::start_demo(backend, &[]);
    let officer = server.login("officer1.dgpa").await;
    let all = officer.search_requests(&[("limit", "200")]).await.unwrap().items;
    assert!(all.len() >= 30, "{} requests", all.len());
    let mut states: Vec<&str> = all.iter().map(|r| r.state.as_str()).collect();
    states.sort_unstable();
    states.dedup();
    assert!(states.len() >= 8, "states {states:?}");
    let queue = officer.queue().await.unwrap();
    assert!(queue.items.iter().filter(|i| i.factors.is_some()).count() >= 5, "a queue with its factors");
    let stats = officer.stats().await.unwrap();
    assert!(stats.turnaround.delivered >= 5 && stats.turnaround.median_days.is_some(), "{:?}", stats.turnaround);
    assert!(stats.outcomes.by_reason.iter().any(|c| c.count > 0));
    // The office reads its delivered file, and its closed requests carry destruction records.
    let applicant = server.login("applicant.npa").await;
    let mine = applicant.search_requests(&[("state", "delivered")]).await.unwrap().items;
    let delivered = mine.first().unwrap_or_else(|| panic!("a delivered request"));
    let files = applicant.deliveries(delivered.id).await.unwrap().files;
    assert!(!files.is_empty());
    assert!(!applicant.download_delivery(delivered.id, files[0].id).await.unwrap().is_empty());
    let closed = applicant.search_requests(&[("state", "closed"), ("personal", "true")]).await.unwrap().items;
    assert!(closed.iter().all(|r| r.destruction.is_some()) && !closed.is_empty());
    // Questions with answers, and FAQ entries on the fields.
    assert!(officer.list_inquiries("").await.unwrap().items.len() >= 3);
    assert!(!applicant.get_field("service_years").await.unwrap().faq.is_empty());

    // Past their time: with a 20-day maximum wait the queue's older work is overdue,
    // and the search says which; `overdue=false` is the rest.
    assert!(officer.search_requests(&[("overdue", "true")]).await.unwrap().items.is_empty(), "nothing overdue at first");
    let admin = server.login("admin.dgpa").await;
    let current = admin.queue_settings().await.unwrap();
    let short = statreq_e2e::statreq_domain::queue::QueueSettings { max_wait_days: 20, ..current.settings.clone() };
    admin.put_queue_settings(&short, current.version).await.unwrap();
    let overdue = officer.search_requests(&[("overdue", "true")]).await.unwrap().items;
    assert!(overdue.len() >= 5 && overdue.iter().all(|r| r.state == statreq_e2e::statreq_contract::State::Queued), "{overdue:?}");
    let rest = officer.search_requests(&[("overdue", "false"), ("limit", "200")]).await.unwrap().items;
    assert_eq!(rest.len() + overdue.len(), all.len());
    assert!(rest.iter().all(|r| !overdue.iter().any(|o| o.id == r.id)));
}

mod demo {
    use super::*;
    on_both_backends!(the_demo_shows_a_year_of_work);
}
