//! Attachments to an application: a sample of the output format (rule 5.1).

use crate::common;

use statreq_e2e::statreq_client::Method;
use statreq_e2e::statreq_domain::FindingCode;
use statreq_e2e::{on_both_backends, Backend, TestServer};

async fn a_sample_can_be_attached_to_a_draft_and_satisfies_the_form(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let mut app = common::statistics();
    app.requirement.sample_output = None;
    let r = applicant.create_request(&app).await.unwrap();
    // The catalog's rule-4 warning (these fields are published elsewhere) is another test's subject.
    let codes = |c: statreq_e2e::statreq_contract::CheckResponse| {
        c.findings.into_iter().map(|f| f.code).filter(|c| *c != FindingCode::ExistingSourceCoversRequest).collect::<Vec<_>>()
    };
    assert_eq!(applicant.check_request(r.id).await.map(codes).ok(), Some(vec![FindingCode::SampleOutputMissing]));

    let sample = "機關,職等,男,女\n".as_bytes().to_vec();
    let a = applicant.upload_attachment(r.id, "輸出格式範例.csv", sample.clone()).await.unwrap();
    assert_eq!((a.filename.as_str(), a.size_bytes), ("輸出格式範例.csv", sample.len() as i64));
    assert_eq!(applicant.check_request(r.id).await.map(codes).ok(), Some(vec![]));
    assert_eq!(applicant.download_attachment(r.id, a.id).await.ok(), Some(sample.clone()));

    // .NET's MultipartFormDataContent names a file both ways: `filename` as an RFC 2047
    // encoded word, `filename*` as RFC 5987 says. The latter is the name (RFC 6266).
    let dotnet = [
        &b"--b0undary\r\nContent-Disposition: form-data; name=file; filename=\"=?utf-8?B?5Lq65LqLLmNzdg==?=\"; "[..],
        b"filename*=utf-8''%E4%BA%BA%E4%BA%8B.csv\r\nContent-Type: text/csv\r\n\r\n",
        &sample,
        b"\r\n--b0undary--\r\n",
    ]
    .concat();
    let path = format!("/requests/{}/attachments", r.id);
    let (status, view) = applicant.raw(reqwest::Method::POST, &path, "multipart/form-data; boundary=b0undary", dotnet, None).await.unwrap();
    assert_eq!((status, view["filename"].as_str()), (201, Some("人事.csv")), "{view}");
    let dotnet_id = view["id"].as_i64().unwrap_or_default();
    assert_eq!(applicant.download_attachment(r.id, dotnet_id).await.ok(), Some(sample.clone()));
    // With only `FileName` set, .NET sends the encoded word alone; an older system may
    // send it in Big5. Either is the same name.
    let other_draft = applicant.create_request(&common::statistics()).await.unwrap();
    let other_path = format!("/requests/{}/attachments", other_draft.id);
    let mut names = Vec::new();
    for word in ["=?utf-8?B?5Lq65LqLLmNzdg==?=", "=?big5?B?pEioxi5jc3Y=?="] {
        let body = [
            format!("--b0undary\r\nContent-Disposition: form-data; name=file; filename=\"{word}\"\r\n\r\n").as_bytes(),
            &sample,
            b"\r\n--b0undary--\r\n",
        ]
        .concat();
        let (status, view) =
            applicant.raw(reqwest::Method::POST, &other_path, "multipart/form-data; boundary=b0undary", body, None).await.unwrap();
        assert_eq!(status, 201, "{word}: {view}");
        names.push(view["filename"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(names, ["人事.csv", "人事.csv"]);

    // Refusals change nothing.
    let officer = server.login("officer1.dgpa").await;
    let other = server.login("applicant.tpedu").await;
    assert_eq!(other.upload_attachment(r.id, "x.csv", b"x".to_vec()).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(other.download_attachment(r.id, a.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(
        applicant.upload_attachment(r.id, "x.exe", b"MZ".to_vec()).await.err().and_then(|e| e.code().map(String::from)),
        Some("file_type_not_allowed".into())
    );
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    assert_eq!(applicant.upload_attachment(r.id, "big.csv", big).await.err().and_then(|e| e.status()), Some(413));
    assert_eq!(applicant.attachments(r.id).await.map(|l| l.len()).ok(), Some(2));

    // Once submitted, the reviewers see it, and nothing more can be attached.
    applicant.submit(r.id, None).await.unwrap();
    let supervisor = server.login("supervisor.moi").await;
    assert_eq!(supervisor.download_attachment(r.id, a.id).await.ok(), Some(sample.clone()));
    // A download link opens it for the supervisor without a token, and only for them;
    // another office gets none.
    let link = supervisor.attachment_link(r.id, a.id).await.unwrap();
    assert!(link.url.starts_with(&format!("/api/v1/requests/{}/attachments/{}/file?ticket=", r.id, a.id)), "{}", link.url);
    let followed = reqwest::get(format!("{}{}", server.base, link.url)).await.unwrap();
    assert_eq!(followed.status().as_u16(), 200);
    // The name in UTF-8, and a readable ASCII one for tools that read only `filename`.
    let disposition = followed.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"request-{}-attachment-{}.csv\"; filename*=UTF-8''%E8%BC%B8%E5%87%BA%E6%A0%BC%E5%BC%8F%E7%AF%84%E4%BE%8B.csv",
            r.id, a.id
        )
    );
    assert_eq!(followed.bytes().await.unwrap().to_vec(), sample);
    let elsewhere = link.url.replace(&format!("/attachments/{}/", a.id), &format!("/attachments/{dotnet_id}/"));
    assert_eq!(reqwest::get(format!("{}{elsewhere}", server.base)).await.unwrap().status().as_u16(), 401);
    assert_eq!(other.attachment_link(r.id, a.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(supervisor.attachment_link(r.id, a.id + 1000).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(supervisor.upload_attachment(r.id, "y.csv", b"y".to_vec()).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(applicant.upload_attachment(r.id, "y.csv", b"y".to_vec()).await.err().and_then(|e| e.status()), Some(409));
    assert_eq!(officer.attachments(r.id).await.map(|l| l.len()).ok(), Some(2), "DGPA sees them once submitted");
}

/// A sample still arriving when the application is submitted (from another tab, a
/// colleague) is refused once it has arrived — `409 invalid_state`, nothing kept — and
/// never joins the application under review.
async fn a_sample_arriving_after_the_submission_is_refused(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let stored_before = server.db.stored_files().await.len();

    // The upload's first half: the state is checked and the body starts streaming.
    let token = applicant.access_token().unwrap_or_default().to_string();
    let (first, rest) = ("機關,職等\n".repeat(200), "職等,人數\n".repeat(200));
    let path = format!("/requests/{}/attachments", draft.id);
    let upload = common::HalfUpload::start(&server, &token, &path, "late.csv", &first, &rest).await;
    // Submitted meanwhile; then the rest of the file arrives.
    applicant.submit(draft.id, Some(draft.version)).await.unwrap();
    let (status, problem) = upload.finish().await;
    assert_eq!(status, "HTTP/1.1 409 Conflict", "{problem}");
    assert_eq!(problem["code"], "invalid_state");
    assert!(problem["message"]["en"].as_str().is_some_and(|m| m.contains("drafts and returned applications")), "{problem}");
    assert!(applicant.attachments(draft.id).await.unwrap().is_empty(), "nothing joined the submitted application");
    assert_eq!(server.db.stored_files().await.len(), stored_before, "the file was not kept");
}

/// A wrong sample (or one holding what it should not) is removed by its office while
/// the application may change: its content is destroyed, the trail keeps what it was;
/// nobody else removes it, and not once the application is on its way.
async fn an_attachment_is_removed_by_its_office_while_it_may_change(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let draft = applicant.create_request(&common::statistics()).await.unwrap();
    let other = applicant.create_request(&common::statistics()).await.unwrap();
    let wrong = applicant.upload_attachment(draft.id, "名冊（誤附）.csv", "姓名,身分證字號\n".as_bytes().to_vec()).await.unwrap();
    let kept = applicant.upload_attachment(draft.id, "輸出格式範例.csv", "機關,職等\n".as_bytes().to_vec()).await.unwrap();
    let elsewhere = applicant.upload_attachment(other.id, "範例.csv", "機關\n".as_bytes().to_vec()).await.unwrap();
    let stored = server.db.stored_files().await.len();

    // Nobody else: another agency's applicant (it is not theirs to see), a DGPA
    // officer; nor an attachment through another request's address, or none at all.
    let tpedu = server.login("applicant.tpedu").await;
    assert_eq!(tpedu.remove_attachment(draft.id, wrong.id).await.err().and_then(|e| e.status()), Some(404));
    let officer = server.login("officer1.dgpa").await;
    assert_eq!(
        officer.remove_attachment(draft.id, wrong.id).await.err().and_then(|e| e.status()),
        Some(404),
        "a draft is its office's alone"
    );
    assert_eq!(applicant.remove_attachment(other.id, wrong.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(applicant.remove_attachment(draft.id, 999_999).await.err().and_then(|e| e.status()), Some(404));
    let (status, _) = applicant
        .raw(Method::DELETE, &format!("/requests/{}/attachments/abc", draft.id), "application/json", Vec::new(), None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    assert_eq!(applicant.attachments(draft.id).await.unwrap().len(), 2, "refusals removed nothing");

    // Its office removes it: gone from the list, its content destroyed, in the trail.
    applicant.remove_attachment(draft.id, wrong.id).await.unwrap();
    let left: Vec<i64> = applicant.attachments(draft.id).await.unwrap().iter().map(|a| a.id).collect();
    assert_eq!(left, [kept.id]);
    assert_eq!(applicant.download_attachment(draft.id, wrong.id).await.err().and_then(|e| e.status()), Some(404));
    assert_eq!(applicant.remove_attachment(draft.id, wrong.id).await.err().and_then(|e| e.status()), Some(404), "once");
    assert_eq!(server.db.stored_files().await.len(), stored - 1, "its body is deleted");
    let admin = server.login("admin.dgpa").await;
    let trail = admin.audit("action=attachment.removed").await.unwrap().items;
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0].request_id, trail[0].detail["filename"].as_str()), (Some(draft.id), Some("名冊（誤附）.csv")));
    assert_eq!(trail[0].detail["sha256"].as_str(), Some(wrong.sha256.as_str()));

    // On its way (submitted), the application's attachments stay as sent; its
    // supervising agency sees them but removes nothing.
    let submitted = applicant.submit(draft.id, None).await.unwrap();
    assert_eq!(submitted.state, statreq_e2e::statreq_contract::State::PendingSupervisor);
    let err = applicant.remove_attachment(draft.id, kept.id).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.problem()).map(|p| (p.status, p.code.as_str())), Some((409, "invalid_state")));
    let supervisor = server.login("supervisor.moi").await;
    assert_eq!(supervisor.remove_attachment(draft.id, kept.id).await.err().and_then(|e| e.status()), Some(403));
    assert_eq!(applicant.attachments(draft.id).await.unwrap().len(), 1);
    assert_eq!(applicant.attachments(other.id).await.unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [elsewhere.id]);
}

on_both_backends!(
    a_sample_can_be_attached_to_a_draft_and_satisfies_the_form,
    a_sample_arriving_after_the_submission_is_refused,
    an_attachment_is_removed_by_its_office_while_it_may_change
);
