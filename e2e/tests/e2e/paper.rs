//! Rule 5.2's fallback: an application that came on paper or by e-mail, registered by
//! a DGPA officer with its supervising agency's approval, then reviewed like any other.

use crate::common;

use statreq_e2e::statreq_client::ClientError;
use statreq_e2e::statreq_contract::{CreateAgencyBody, EventKind, PaperIntakeBody, RequestView, State};
use statreq_e2e::statreq_domain::lifecycle::{Channel, PaperApproval};
use statreq_e2e::statreq_domain::{DgpaDecision, Difficulty};
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn code(e: Option<ClientError>) -> Option<String> {
    e.and_then(|e| e.code().map(String::from))
}

fn intake(channel: Channel) -> PaperIntakeBody {
    let today = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
    PaperIntakeBody {
        channel,
        on_behalf_of: "NPA".into(),
        supervisor_approval: PaperApproval { document_number: "內授人字第1150012345號".into(), approved_on: today, agency: None },
        application: common::statistics(),
    }
}

async fn an_application_on_paper_is_registered_and_reviewed(backend: Backend) {
    let server = TestServer::start(backend);
    let officer = server.login("officer1.dgpa").await;
    let officer2 = server.login("officer2.dgpa").await;
    let applicant = server.login("applicant.npa").await;
    let other = server.login("applicant.tpedu").await;

    // Refusals store nothing: the wrong role, an unknown agency, no approval number,
    // an approval dated tomorrow, an incomplete application, web as the channel.
    assert_eq!(applicant.register_paper(&intake(Channel::Paper)).await.err().and_then(|e| e.status()), Some(403));
    let unknown = PaperIntakeBody { on_behalf_of: "NOPE".into(), ..intake(Channel::Paper) };
    assert_eq!(code(officer.register_paper(&unknown).await.err()), Some("invalid_agency_code".into()));
    let mut blank = intake(Channel::Paper);
    blank.supervisor_approval.document_number = " ".into();
    assert_eq!(code(officer.register_paper(&blank).await.err()), Some("invalid_paper_approval".into()));
    let mut tomorrow = intake(Channel::Email);
    tomorrow.supervisor_approval.approved_on += chrono::Duration::days(1);
    assert_eq!(code(officer.register_paper(&tomorrow).await.err()), Some("invalid_paper_approval".into()));
    let incomplete = PaperIntakeBody { application: Default::default(), ..intake(Channel::Paper) };
    assert_eq!(code(officer.register_paper(&incomplete).await.err()), Some("application_incomplete".into()));
    assert_eq!(code(officer.register_paper(&intake(Channel::Web)).await.err()), Some("invalid_paper_approval".into()));
    // Approved by an agency that does not supervise NPA (rule 5.1): said where.
    for not_its in ["TPE", "NPA", "DGPA", "NOPE"] {
        let mut wrong = intake(Channel::Paper);
        wrong.supervisor_approval.agency = Some(not_its.into());
        let e = officer.register_paper(&wrong).await.err().unwrap_or_else(|| panic!("{not_its} taken"));
        let problem = e.problem().cloned().unwrap_or_else(|| panic!("{e}"));
        assert_eq!((problem.code.as_str(), problem.rule.as_deref()), ("invalid_paper_approval", Some("5.1")), "{not_its}");
        assert_eq!(problem.errors.first().map(|p| p.pointer.as_str()), Some("/supervisor_approval/agency"), "{not_its}");
        assert!(problem.message.zh_tw.contains("主管機關"), "{}", problem.message.zh_tw);
    }
    assert!(applicant.search_requests(&[]).await.unwrap().items.is_empty(), "nothing was stored");

    // Registered: straight to DGPA's review, the agency's own request.
    let r = officer.register_paper(&intake(Channel::Paper)).await.unwrap();
    assert_eq!((r.state, r.agency_code.as_str(), r.revision), (State::PendingDgpa, "NPA", 1));
    // Answered from what was written, not read back: the same view a read gives.
    let json = |r: &RequestView| serde_json::to_value(r).unwrap();
    assert_eq!(json(&r), json(&officer.get_request(r.id).await.unwrap()));
    let seen = applicant.get_request(r.id).await.unwrap();
    assert_eq!((seen.id, seen.channel), (r.id, Channel::Paper), "the office sees it as its own, and how it came");
    assert_eq!(other.get_request(r.id).await.err().and_then(|e| e.status()), Some(404));
    let events = applicant.events(r.id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.kind, EventKind::RegisteredFromPaper);
    assert_eq!((last.data["channel"].as_str(), last.data["document_number"].as_str()), (Some("paper"), Some("內授人字第1150012345號")));
    // NPA's one supervising agency approved it, unsaid.
    assert_eq!((last.data["approved_by"].as_str(), last.data["approved_by_name"].as_str()), (Some("MOI"), Some("內政部")));
    // An agency with two (NPA's Taipei branch: NPA and MOI) records the one named, in any case.
    let branch =
        CreateAgencyBody {
            code: "NPATPE".into(), name: "內政部警政署臺北分局".into(), parent_code: "NPA".into(), personnel_staff: 3
        };
    server.login("admin.dgpa").await.create_agency(&branch).await.unwrap();
    let mut branch = PaperIntakeBody { on_behalf_of: "NPATPE".into(), ..intake(Channel::Email) };
    branch.supervisor_approval.agency = Some("npa".into());
    let b = officer.register_paper(&branch).await.unwrap();
    let registered = officer.events(b.id).await.unwrap().pop().unwrap();
    assert_eq!((registered.kind, registered.data["approved_by"].as_str()), (EventKind::RegisteredFromPaper, Some("NPA")));

    // The scanned form is attached by DGPA.
    officer.upload_attachment(r.id, "申請表掃描.pdf", b"%PDF-1.4\n%scan\n".to_vec()).await.unwrap();
    assert_eq!(applicant.attachments(r.id).await.unwrap().len(), 1);

    // Another officer reviews it; the one who registered it may not (separation of duties).
    let own = officer.dgpa_decision(r.id, None, DgpaDecision::Accept, Difficulty::new(2).ok(), None).await.err();
    assert_eq!(code(own), Some("separation_of_duties".into()));
    let accepted = officer2.dgpa_decision(r.id, None, DgpaDecision::Accept, Difficulty::new(2).ok(), None).await.unwrap();
    assert_eq!(accepted.state, State::Queued);
    assert!(officer2.queue().await.unwrap().items.iter().any(|i| i.request_id == r.id));
}

on_both_backends!(an_application_on_paper_is_registered_and_reviewed);
