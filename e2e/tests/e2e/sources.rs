//! Existing sources before applying (rule 4): the catalog, the matcher's ranking
//! for a request, and the check's warning when one entry covers everything.

use crate::common;

use statreq_e2e::statreq_contract::ApplicationPatch;
use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn a_full_cover_warns_at_check_and_a_partial_one_does_not(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let r = applicant.create_request(&common::statistics()).await.unwrap();

    // agency_code × grade × sex: the Ministry of Civil Service yearbook has exactly that.
    let ranked = applicant.request_sources(r.id).await.unwrap();
    assert!(ranked[0].full, "{ranked:?}");
    assert_eq!(ranked[0].entry_id, "moex-screening-by-grade");
    let check = applicant.check_request(r.id).await.unwrap();
    let warning = check.findings.iter().find(|f| f.code.name() == "existing_source_covers_request");
    let warning = warning.unwrap_or_else(|| panic!("no warning: {:?}", check.findings));
    assert_eq!(warning.pointer, "/existing_sources/1/note");
    assert!(warning.message.zh_tw.contains("銓敘審定人數"), "names the entry: {}", warning.message.zh_tw);
    assert_eq!(warning.rule, "4");
    assert!(!check.blocking, "a warning does not block submission");

    // Asking for salary points too: nothing covers it all, so no warning.
    let mut requirement = common::statistics().requirement;
    requirement.fields.push("salary_points".into());
    let patch = ApplicationPatch { requirement: Some(requirement), ..Default::default() };
    let r = applicant.update_request(r.id, r.version, &patch).await.unwrap();
    let ranked = applicant.request_sources(r.id).await.unwrap();
    assert!(ranked.iter().all(|c| !c.full));
    assert!(ranked[0].missing.contains(&"salary_points".to_string()));
    let check = applicant.check_request(r.id).await.unwrap();
    assert!(check.findings.iter().all(|f| f.code.name() != "existing_source_covers_request"), "{:?}", check.findings);

    // Another office cannot read the ranking (it would reveal the request's fields).
    let other = server.login("applicant.tpedu").await;
    assert_eq!(other.request_sources(r.id).await.err().and_then(|e| e.status()), Some(404));
}

async fn the_catalog_filters_by_kind_and_field(backend: Backend) {
    let server = TestServer::start(backend);
    let officer = server.login("officer1.dgpa").await;
    let all = officer.sources("").await.unwrap();
    assert!(all.len() >= 12);
    let selection = officer.sources("source=webhr_personnel_selection").await.unwrap();
    assert!(!selection.is_empty() && selection.iter().all(|e| e.source.as_str() == "webhr_personnel_selection"));
    let training = officer.sources("field=training_hours").await.unwrap();
    assert!(training.iter().any(|e| e.id == "webhr-graphical-training"));
    assert!(training.iter().all(|e| e.fields.iter().any(|f| f == "training_hours")));
    assert_eq!(officer.sources("source=bogus").await.err().and_then(|e| e.status()), Some(400));
    assert_eq!(server.client().sources("").await.err().and_then(|e| e.status()), Some(401));
}

on_both_backends!(a_full_cover_warns_at_check_and_a_partial_one_does_not, the_catalog_filters_by_kind_and_field);
