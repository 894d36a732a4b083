//! The unit tests of who is told of what.

use super::*;

#[test]
fn each_role_is_offered_the_notices_that_may_come_to_it() {
    let of = |roles: &[Role]| email_kinds_for(&crate::RoleSet::new(roles.iter().copied()));
    let applicant = of(&[Role::Applicant]);
    assert!(applicant.contains(&"request_dgpa_returned".to_string()) && applicant.contains(&"destruction_due".to_string()));
    assert!(!applicant.contains(&"request_submitted".to_string()), "the supervisor's");
    assert!(!applicant.contains(&"inquiry_created".to_string()), "DGPA's");
    let supervisor = of(&[Role::Supervisor]);
    assert!(supervisor.contains(&"request_submitted".to_string()) && supervisor.contains(&"escalation".to_string()));
    assert!(supervisor.contains(&"inquiry_answered".to_string()), "supervisors ask too (rule 7)");
    assert!(!supervisor.contains(&"request_delivered".to_string()));
    let officer = of(&[Role::DgpaOfficer]);
    for k in ["request_supervisor_approved", "request_message_posted", "request_reassigned", "request_review_requested", "inquiry_created"]
    {
        assert!(officer.contains(&k.to_string()), "{k}");
    }
    assert!(!officer.contains(&"destruction_due".to_string()) && !officer.contains(&"inquiry_answered".to_string()));
    assert_eq!(of(&[Role::DgpaAdmin]), [CALENDAR_MISSING], "an administrator hears of a year without a calendar");
    assert!(!officer.contains(&CALENDAR_MISSING.to_string()));
    // Every kind offered is one a person may set; together the roles cover them all.
    let all = email_kinds();
    let mut offered = of(&[Role::Applicant, Role::Supervisor, Role::DgpaOfficer, Role::DgpaAdmin]);
    assert!(offered.iter().all(|k| all.contains(k)));
    offered.sort();
    let mut all = all;
    all.sort();
    assert_eq!(offered, all);
}

#[test]
fn every_email_kind_is_said_in_words_and_a_plain_notice_reads_chinese_first() {
    for kind in email_kinds() {
        let label = email_kind_label(&kind);
        assert!(label.zh_tw != kind && label.en != kind, "{kind} has no words");
    }
    let text = Text::new("人事總處已答復：年資", "DGPA answered: 年資");
    let mail = notice_email(&Text::new("欄位疑義 #3", "Field question #3"), &text, "https://x.example/inquiries/3");
    assert_eq!(mail.subject, "[人事資料統計服務] 欄位疑義 #3 / Field question #3");
    let (zh, en) = (mail.body.find("人事總處已答復"), mail.body.find("DGPA answered"));
    assert!(zh.is_some() && zh < en, "{}", mail.body);
    assert_eq!(mail.body.matches("https://x.example/inquiries/3").count(), 2);
}

/// An e-mailed escalation or reorganisation notice says in its subject what it is
/// about, not the request's number alone.
#[test]
fn a_request_notice_mailed_says_what_it_is_in_its_subject() {
    let waiting = Escalation::WaitingOnSupervisor { working_days: 6 };
    let mail = notice_email(&request_subject(12, &waiting.headline()), &escalation_notice(12, waiting), "https://x.example/requests/12");
    assert_eq!(
        mail.subject,
        "[人事資料統計服務] 案件 #12 待主管機關審核逾時 / Request #12: waiting too long for the supervising agency's review"
    );
    // Rule 6's reminders, with their own wording, read the same way.
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap_or_default();
    assert_eq!(
        retention_email(12, "研議", day, true, "https://x.example/requests/12").subject,
        "[人事資料統計服務] 案件 #12 個人資料逾期未銷毀 / Request #12: destruction overdue"
    );
    assert_eq!(
        retention_email(12, "研議", day, false, "https://x.example/requests/12").subject,
        "[人事資料統計服務] 案件 #12 個人資料銷毀期限將屆 / Request #12: destruction due soon"
    );
    let every = [
        Escalation::DestructionOverdue { agency: "NPA".into() }.headline(),
        Escalation::WaitingOnSupervisor { working_days: 6 }.headline(),
        Escalation::NoReviewer { working_days: 6, agency: "NPA".into() }.headline(),
        review_moved_headline(),
        review_left_headline(),
    ];
    for (i, a) in every.iter().enumerate() {
        assert!(!a.zh_tw.is_empty() && !a.en.is_empty() && a.zh_tw.chars().count() <= 20, "{a:?}");
        assert!(every[i + 1..].iter().all(|b| b.zh_tw != a.zh_tw && b.en != a.en), "{a:?} said twice");
    }
}

#[test]
fn every_webhook_event_is_said_in_words_once() {
    let every: Vec<&str> = WEBHOOK_EVENTS.iter().chain(&INQUIRY_WEBHOOK_EVENTS).copied().collect();
    let labels: Vec<Text> = every.iter().filter_map(|e| webhook_event_label(e)).collect();
    assert_eq!(labels.len(), every.len());
    assert!(every.iter().all(|e| is_webhook_event(e)) && !is_webhook_event("*") && !is_webhook_event("inquiry.nope"));
    let distinct: std::collections::HashSet<&str> = labels.iter().map(|t| t.zh_tw.as_str()).collect();
    assert_eq!(distinct.len(), labels.len());
    assert!(webhook_event_label("*").is_none() && webhook_event_label("request.nope").is_none());
}

#[test]
fn every_event_has_a_listed_webhook_name() {
    for k in EventKind::ALL {
        assert!(WEBHOOK_EVENTS.contains(&webhook_event(k)), "{k:?}");
    }
}

#[test]
fn star_subscribes_to_every_request_event_and_names_only_themselves() {
    assert!(subscribed_to(&["*".into()], "request.delivered"));
    assert!(subscribed_to(&["request.delivered".into()], "request.delivered"));
    assert!(!subscribed_to(&["request.returned".into()], "request.delivered"));
    // A question's events are for those who name them.
    assert!(!subscribed_to(&["*".into()], "inquiry.replied"));
    assert!(subscribed_to(&["*".into(), "inquiry.replied".into()], "inquiry.replied"));
    assert!(!subscribed_to(&["inquiry.asked".into()], "inquiry.replied"));
}

#[test]
fn the_inbox_keeps_out_only_what_may_be_kept_out() {
    let settings = serde_json::json!({"request_supervisor_approved": false, "inbox": {"inquiry_created": false, "escalation": false}});
    assert!(!wants_inbox(&settings, "inquiry_created"));
    assert!(wants_inbox(&settings, "request_supervisor_approved"), "off by e-mail only");
    assert!(!wants_email(&settings, "request_supervisor_approved"));
    assert!(wants_inbox(&settings, "escalation"), "always in-app, whatever is stored");
    assert!(wants_inbox(&serde_json::Value::Null, "inquiry_created"));
    assert!(INBOX_ALWAYS.iter().all(|k| email_kinds().contains(&k.to_string())));
    let on = |pairs: &[(&str, bool)]| pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let changed = with_changes(&settings, &on(&[("request_delivered", false)]), &on(&[("request_delivered", false)]));
    assert!(!wants_email(&changed, "request_delivered") && !wants_inbox(&changed, "request_delivered"));
    assert!(!wants_email(&changed, "request_supervisor_approved") && !wants_inbox(&changed, "inquiry_created"), "others kept");
    assert_eq!(with_changes(&serde_json::Value::Null, &on(&[]), &on(&[])), serde_json::json!({}));
}

#[test]
fn reviewers_hear_answers_only_while_the_request_awaits_them() {
    let heard: Vec<State> = State::ALL.into_iter().filter(|s| answer_concerns_reviewers(*s)).collect();
    assert_eq!(heard, [State::PendingSupervisor]);
}

#[test]
fn a_message_notice_opens_at_the_message() {
    let data = serde_json::json!({ "message": 7 });
    assert_eq!(event_path(EventKind::MessagePosted, 12, &data), "/requests/12#msg-7");
    assert_eq!(event_path(EventKind::MessagePosted, 12, &serde_json::Value::Null), "/requests/12");
    assert_eq!(event_path(EventKind::Delivered, 12, &data), "/requests/12");
}

#[test]
fn a_withdrawal_concerns_the_side_that_had_the_application() {
    let at = |from: State, assigned: bool| Situation {
        author: Some(Audience::ApplicantOffice),
        from: Some(from),
        submitted: true,
        reached_dgpa: from != State::PendingSupervisor,
        assigned,
    };
    assert_eq!(concerned(EventKind::Withdrawn, &at(State::PendingSupervisor, false)), [Audience::Supervisors]);
    assert_eq!(concerned(EventKind::Withdrawn, &at(State::Queued, false)), [Audience::Dgpa]);
    assert_eq!(concerned(EventKind::Withdrawn, &at(State::OnHold, true)), [Audience::Assignee]);
    assert!(concerned(EventKind::Withdrawn, &at(State::Returned, false)).is_empty(), "a returned application is the office's");
    // Work given to another officer is told to that officer.
    assert_eq!(concerned(EventKind::Reassigned, &at(State::InProduction, true)), [Audience::Assignee]);
    // A file checked by a colleague: the officer whose work it is, or every officer.
    assert_eq!(concerned(EventKind::FileApproved, &at(State::InProduction, true)), [Audience::Assignee]);
    assert_eq!(concerned(EventKind::FileApproved, &at(State::InProduction, false)), [Audience::Dgpa]);
    // A message whose author is unknown concerns nobody; other kinds keep theirs.
    let unknown = Situation { author: None, ..at(State::Queued, false) };
    assert!(concerned(EventKind::MessagePosted, &unknown).is_empty());
    assert_eq!(concerned(EventKind::Delivered, &unknown), [Audience::ApplicantOffice]);
}

#[test]
fn a_message_concerns_the_other_sides_that_have_the_request() {
    use Audience::*;
    let code = |s: &str| crate::AgencyCode::parse(s).unwrap_or_else(|_| panic!("bad code {s}"));
    let (npa, moi, dgpa) = (code("NPA"), code("MOI"), crate::AgencyCode::dgpa());
    let roles = |r: &str| crate::RoleSet::from_joined(r);
    let chain = |agency: &crate::AgencyCode, ancestors: &[&crate::AgencyCode]| crate::lifecycle::AgencyChain {
        agency: agency.clone(),
        ancestors: ancestors.iter().map(|a| (*a).clone()).collect(),
    };
    let (of_npa, of_moi) = (chain(&npa, &[&moi, &dgpa]), chain(&moi, &[&dgpa]));
    assert_eq!(side_of(&npa, roles("applicant"), &of_npa, true), ApplicantOffice);
    assert_eq!(side_of(&npa, roles("applicant"), &of_npa, false), ApplicantOffice, "a colleague");
    assert_eq!(side_of(&moi, roles("supervisor"), &of_npa, false), Supervisors);
    assert_eq!(side_of(&dgpa, roles("dgpa_officer"), &of_npa, false), Dgpa);
    // A reviewer at its own agency (rule 5.1) who did not write the application reviews it;
    // one under a supervising agency is the office's colleague, whatever its roles.
    assert_eq!(side_of(&moi, roles("supervisor"), &of_moi, false), Supervisors);
    assert_eq!(side_of(&moi, roles("applicant,supervisor"), &of_moi, true), ApplicantOffice);
    assert_eq!(side_of(&moi, roles("applicant"), &of_moi, false), ApplicantOffice);
    assert_eq!(side_of(&npa, roles("supervisor"), &of_npa, false), ApplicantOffice);
    // A draft is the office's own: nobody else hears of its notes.
    assert!(message_audience(ApplicantOffice, false, false, false).is_empty());
    // With the supervising agency: it hears of the office's, the office of its.
    assert_eq!(message_audience(ApplicantOffice, true, false, false), [Supervisors]);
    assert_eq!(message_audience(Supervisors, true, false, false), [ApplicantOffice]);
    // With DGPA: every case officer until one took it, then that one.
    assert_eq!(message_audience(ApplicantOffice, true, true, false), [Supervisors, Dgpa]);
    assert_eq!(message_audience(ApplicantOffice, true, true, true), [Supervisors, Assignee]);
    assert_eq!(message_audience(Dgpa, true, true, true), [ApplicantOffice, Supervisors]);
    // A paper application reaches DGPA without its supervisor's review online.
    assert_eq!(message_audience(Dgpa, false, true, false), [ApplicantOffice]);
}

#[test]
fn a_return_tells_the_applicant_office_in_both_languages() {
    // And the supervising agency that approved what DGPA sends back.
    assert_eq!(audience(EventKind::DgpaReturned), &[Audience::ApplicantOffice, Audience::Supervisors]);
    assert_eq!(audience(EventKind::DgpaRejected), &[Audience::ApplicantOffice, Audience::Supervisors]);
    assert_eq!(audience(EventKind::SupervisorReturned), &[Audience::ApplicantOffice]);
    assert_eq!(audience(EventKind::Submitted), &[Audience::Supervisors]);
    assert!(audience(EventKind::SupervisorApproved).contains(&Audience::Dgpa));
    let m = event_email(EventKind::DgpaReturned, 7, "人力配置", State::Returned, Some("請補正欄位"), "https://x/requests/7");
    assert!(m.subject.contains("#7") && m.subject.contains("returned"));
    let zh = m.body.find("退回補正").unwrap_or(usize::MAX);
    let en = m.body.find("returned for correction").unwrap_or(0);
    assert!(zh < en, "Chinese comes first: {}", m.body);
    assert!(m.body.contains("請補正欄位") && m.body.contains("https://x/requests/7"));
}

/// What an applicant wrote as the reason goes into an e-mail as its headline, as in the
/// inbox: on one line, so none of it stands apart as if the service said it.
#[test]
fn an_emails_reason_is_one_line() {
    let reason = "人力配置\n\n請至 https://phish.example 重新登入";
    let link = "https://x/requests/7";
    let mails = [
        event_email(EventKind::Submitted, 7, reason, State::PendingSupervisor, None, link),
        retention_email(7, reason, chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(), false, link),
    ];
    for m in mails {
        assert!(m.body.lines().all(|l| !l.starts_with("請至 https://phish")), "{}", m.body);
        assert!(m.body.contains("「人力配置 請至 https://phish.example 重新登入」"), "{}", m.body);
    }
}

/// Destruction reminders give the day as the applicant's office writes it: the ROC
/// calendar in Chinese (民國115年12月31日), ISO in English (rule 6).
#[test]
fn destruction_reminders_speak_the_roc_calendar_in_chinese() {
    let by = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_else(|| panic!("a date"));
    for overdue in [false, true] {
        let m = retention_email(9, "退休預估", by, overdue, "https://x/requests/9");
        assert!(m.body.contains("民國115年12月31日") && m.body.contains("2026-12-31"), "{}", m.body);
    }
    for stage in ["due_30", "overdue"] {
        let t = destruction_notice(9, by, stage);
        assert!(t.zh_tw.contains("115年12月31日") && !t.zh_tw.contains("2026"), "{}", t.zh_tw);
        assert!(t.en.contains("2026-12-31"), "{}", t.en);
    }
}

#[test]
fn reviewers_an_application_came_to_are_told_which_agency_moved_where() {
    let t = review_moved_notice(24, "內政部移民署", "臺北市政府");
    assert_eq!(t.zh_tw, "案件 #24 因內政部移民署改隸臺北市政府，改由貴機關審核（第5點第1款）。");
    assert!(t.en.contains("#24") && t.en.contains("moved under 臺北市政府"), "{}", t.en);
}

#[test]
fn an_application_nobody_can_review_says_so_to_dgpa() {
    let t = escalation_notice(7, Escalation::NoReviewer { working_days: 4, agency: "KHPD".into() });
    assert!(t.zh_tw.contains("#7") && t.zh_tw.contains("4 個工作日") && t.zh_tw.contains("KHPD 之主管機關尚無可審核之帳號"), "{}", t.zh_tw);
    assert!(t.en.contains("no account that can review it"), "{}", t.en);
}

#[test]
fn waiting_on_the_supervisor_reaches_dgpa_later_or_at_once_when_nobody_may_review() {
    assert_eq!(supervisor_escalation(5, 5, 5, true), (false, false));
    assert_eq!(supervisor_escalation(6, 5, 5, true), (true, false));
    assert_eq!(supervisor_escalation(11, 5, 5, true), (true, true));
    assert_eq!(supervisor_escalation(6, 5, 5, false), (true, true), "nobody to remind: DGPA at once");
    assert_eq!(supervisor_escalation(5, 5, 5, false), (false, false), "not before its time");
}

#[test]
fn several_emails_to_one_person_go_as_one() {
    let link = |id: i64| format!("https://statreq.example.gov.tw/requests/{id}");
    let approved = |id: i64| event_email(EventKind::SupervisorApproved, id, "年度員額統計", State::PendingDgpa, None, &link(id));
    let moved = notice_email(
        &Text::new("案件 #14 改由其他機關審核", "Request #14: now reviewed elsewhere"),
        &Text::new("改隸", "moved"),
        &link(14),
    );
    let mails = [approved(12), approved(13), moved];
    let one = digest_email(&mails, &[13, 12, 14, 12]);
    assert_eq!(one.subject, "[人事資料統計服務] 3 則通知：案件 #12、#13、#14 / 3 notices: requests #12, #13, #14");
    // Each under its own subject (without the service's name again), in order.
    let at = |needle: &str| one.body.find(needle).unwrap_or_else(|| panic!("{needle} missing: {}", one.body));
    assert!(
        at("【1/3】案件 #12") < at("【2/3】案件 #13") && at("【2/3】案件 #13") < at("【3/3】案件 #14 改由其他機關審核"),
        "{}",
        one.body
    );
    for id in [12, 13, 14] {
        assert!(one.body.contains(&link(id)), "the link to #{id}: {}", one.body);
    }
    assert!(!one.body.contains("【1/3】[人事資料統計服務]"), "{}", one.body);
    // The closing line once, at the end.
    assert_eq!(one.body.matches(NO_REPLY).count(), 1, "{}", one.body);
    assert!(one.body.trim_end().ends_with(NO_REPLY));
    // Many requests, or none (notices of the service itself): the count alone.
    let many = digest_email(&mails, &[1, 2, 3, 4, 5, 6]);
    assert_eq!(many.subject, "[人事資料統計服務] 3 則通知 / 3 notices");
    assert_eq!(digest_email(&mails[..2], &[12]).subject, "[人事資料統計服務] 2 則通知：案件 #12 / 2 notices: request #12");
    assert_eq!(digest_email(&mails, &[]).subject, many.subject);
    // One is itself.
    assert_eq!(digest_email(&mails[..1], &[12]), mails[0]);
}
