use chrono::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::application::{ExistingSource, OutputKind, PersonalData, SourceAttestation};
use crate::ids::{AgencyCode, RoleSet};

fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap_or_else(|_| panic!("bad code {s}"))
}

/// DGPA ─ MOI (內政部) ─ NPA (警政署) ─ KPD (某警察局).
fn chain_of(agency: &str) -> AgencyChain {
    let anc: &[&str] = match agency {
        "DGPA" => &[],
        "MOI" => &["DGPA"],
        "NPA" => &["MOI", "DGPA"],
        "KPD" => &["NPA", "MOI", "DGPA"],
        "MOE" => &["DGPA"],
        other => panic!("{other}"),
    };
    AgencyChain { agency: code(agency), ancestors: anc.iter().map(|a| code(a)).collect() }
}

fn actor(user: i64, agency: &str, roles: &[Role]) -> Actor {
    Actor { user: UserId(user), agency: code(agency), roles: RoleSet::new(roles.iter().copied()) }
}

fn app() -> Application {
    Application {
        contact: crate::application::Contact { name: "王小明".into(), phone: "02-23979298".into(), email: "w@npa.gov.tw".into() },
        reason: "人力規劃".into(),
        requirement: crate::application::Requirement {
            output: Some(OutputKind::Statistics),
            fields: vec!["grade".into()],
            conditions: String::new(),
            description: "各職等人數".into(),
            sample_output: Some("職等,人數".into()),
            ..Default::default()
        },
        personal_data: PersonalData { contains: Some(false), ..Default::default() },
        existing_sources: ExistingSource::ALL
            .into_iter()
            .map(|source| SourceAttestation { source, checked: true, note: "無".into() })
            .collect(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).single().unwrap_or_default()
}

fn facts<'a>(state: State, chain: &'a AgencyChain, app: &'a Application) -> RequestFacts<'a> {
    RequestFacts {
        state,
        assignee: None,
        difficulty: None,
        chain,
        created_by: UserId(1),
        authors: &[],
        application: app,
        revisions: 1,
        delivered_at: Some(now()),
        overdue_destructions: &[],
        has_sample_attachment: false,
        dictionary: crate::dictionary::Dictionary::builtin(),
        open_inquiries: &[],
    }
}

const DRAFTER: i64 = 1;

#[test]
fn work_in_production_is_handed_to_another_officer_only() {
    let (chain, app) = (chain_of("NPA"), app());
    let f = RequestFacts { assignee: Some(UserId(3)), ..facts(State::InProduction, &chain, &app) };
    let officer = actor(4, "DGPA", &[Role::DgpaOfficer]);
    let to = |user: i64| Command::Assign { assignee: UserId(user), reason: Some("移交".into()) };
    // To the officer who has it: nothing to hand over, and nothing recorded.
    assert_eq!(decide(&f, &officer, to(3), now()), Err(Refusal::AlreadyAssigned));
    assert_eq!(decide(&f, &officer, to(DRAFTER), now()), Err(Refusal::AssigneeDraftedRequest));
    let out = decide(&f, &officer, to(4), now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!((out.to, out.assignee, out.comment.as_deref()), (State::InProduction, Some(UserId(4)), Some("移交")));
}

/// A text too long is refused under the name its body gives it: a withdrawal's and a
/// hand-over's `/reason`, a take's `/skip_reason` (each was refused as `/comment`, a
/// name none of those bodies has).
#[test]
fn a_text_too_long_is_refused_where_the_body_has_it() {
    let (chain, app) = (chain_of("NPA"), app());
    let long = Some("字".repeat(crate::application::limits::NOTE + 1));
    let too_long = |pointer: &'static str| Err(Refusal::TextTooLong { pointer, max: crate::application::limits::NOTE });
    let drafter = actor(DRAFTER, "NPA", &[Role::Applicant]);
    let withdraw = Command::Withdraw { reason: long.clone() };
    assert_eq!(decide(&facts(State::Draft, &chain, &app), &drafter, withdraw, now()).map(|o| o.to), too_long("/reason"));
    let officer = actor(4, "DGPA", &[Role::DgpaOfficer]);
    let take = Command::Take { assignee: UserId(4), passed_over: vec![], skip_reason: long.clone() };
    assert_eq!(decide(&facts(State::Queued, &chain, &app), &officer, take, now()).map(|o| o.to), too_long("/skip_reason"));
    let held = RequestFacts { assignee: Some(UserId(3)), ..facts(State::InProduction, &chain, &app) };
    let assign = Command::Assign { assignee: UserId(4), reason: long.clone() };
    assert_eq!(decide(&held, &officer, assign, now()).map(|o| o.to), too_long("/reason"));
    let supervisor = actor(2, "MOI", &[Role::Supervisor]);
    let decision = Command::SupervisorDecision { decision: Decision::Return, comment: long };
    assert_eq!(decide(&facts(State::PendingSupervisor, &chain, &app), &supervisor, decision, now()).map(|o| o.to), too_long("/comment"));
}

#[test]
fn re_rating_changes_the_difficulty_or_is_refused() {
    let (chain, app) = (chain_of("NPA"), app());
    let d = |n: i64| Difficulty::new(n).unwrap_or_else(|e| panic!("{e:?}"));
    let f = RequestFacts { difficulty: Some(d(3)), ..facts(State::Queued, &chain, &app) };
    let officer = actor(4, "DGPA", &[Role::DgpaOfficer]);
    let to = |n: i64| Command::Rerate { difficulty: d(n), reason: "僅需單一統計表".into() };
    // Rule 5.3's order reads the difficulty: the same one again would record a step that changed nothing.
    assert_eq!(decide(&f, &officer, to(3), now()), Err(Refusal::DifficultyUnchanged));
    let out = decide(&f, &officer, to(1), now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!((out.to, out.difficulty), (State::Queued, Some(d(1))));
}

#[test]
fn what_is_offered_is_what_the_data_allows() {
    // Rule 6: a delivery closes by recording destruction when it holds personal data,
    // by acknowledgement otherwise; and a request that declares personal data is not
    // offered to be marked as holding it (the mark would be refused, rule 3).
    let chain = chain_of("NPA");
    let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
    let office = actor(DRAFTER, "NPA", &[Role::Applicant]);
    let mut personal = app();
    personal.personal_data.contains = Some(true);
    for (application, declares) in [(app(), false), (personal, true)] {
        let queued = available_actions(&facts(State::Queued, &chain, &application), &officer);
        assert_eq!(queued.contains(&Action::MarkPersonal), !declares, "{queued:?}");
        assert!(queued.contains(&Action::Take), "{queued:?}");
        let delivered = available_actions(&facts(State::Delivered, &chain, &application), &office);
        assert_eq!((delivered.contains(&Action::RecordDestruction), delivered.contains(&Action::Acknowledge)), (declares, !declares));
    }
}

#[test]
fn an_application_may_change_until_it_is_delivered() {
    use State::*;
    let open: Vec<State> = State::ALL.into_iter().filter(|s| application_may_change(*s)).collect();
    // Its office edits it; rule 5.1's reviewer or DGPA (rule 5.3, up to production) sends it back.
    assert_eq!(open, vec![Draft, PendingSupervisor, PendingDgpa, Queued, OnHold, InProduction, Returned]);
}

#[test]
fn a_subtree_is_an_agency_and_everything_under_it() {
    let links: Vec<(AgencyCode, Option<AgencyCode>)> = [
        ("DGPA", None),
        ("MOI", Some("DGPA")),
        ("NPA", Some("MOI")),
        ("NPATPE", Some("NPA")),
        ("MOE", Some("DGPA")),
        ("X", Some("Y")),
        ("Y", Some("X")),
    ]
    .into_iter()
    .map(|(c, p)| (code(c), p.map(code)))
    .collect();
    let under = |root: &str| subtree(links.iter().map(|(c, p)| (c, p.as_ref())), &code(root));
    assert_eq!(under("MOI"), [code("MOI"), code("NPA"), code("NPATPE")]);
    assert_eq!(under("NPATPE"), [code("NPATPE")]);
    assert_eq!(under("DGPA").len(), 5, "every agency that reaches the root, and no loop");
    assert_eq!(under("X"), [code("X"), code("Y")], "a loop is walked once");
}

/// DGPA ─ MOI ─ NPA ─ KPD, and MOE and TPE (臺北市政府) under DGPA, with `moves` applied.
fn links(moves: &[(&str, &str)]) -> TreeLinks {
    let mut l: TreeLinks =
        [("DGPA", None), ("MOI", Some("DGPA")), ("NPA", Some("MOI")), ("KPD", Some("NPA")), ("MOE", Some("DGPA")), ("TPE", Some("DGPA"))]
            .into_iter()
            .map(|(c, p)| (code(c), p.map(code)))
            .collect();
    for (c, p) in moves {
        l.insert(code(c), Some(code(p)));
    }
    l
}

#[test]
fn a_chain_is_read_from_the_links() {
    assert_eq!(chain_in(&links(&[]), &code("KPD")), Some(chain_of("KPD")));
    assert_eq!(chain_in(&links(&[]), &code("DGPA")), Some(chain_of("DGPA")));
    assert_eq!(chain_in(&links(&[]), &code("NOPE")), None, "not in the tree");
    assert_eq!(chain_in(&links(&[("MOI", "KPD")]), &code("KPD")), None, "a cycle ends nowhere");
}

#[test]
fn a_move_says_whose_review_the_applications_left_and_joined() {
    let before = links(&[]);
    // NPA under TPE: KPD's applications leave NPA and MOI for NPA and TPE (rule 5.1).
    let after = links(&[("NPA", "TPE")]);
    let moved = review_moved(&before, &after, &code("KPD")).unwrap_or_else(|| panic!("KPD's review moved"));
    assert_eq!((moved.mover.as_str(), moved.parent.as_ref().map(AgencyCode::as_str)), ("NPA", Some("TPE")));
    assert_eq!((moved.from.clone(), moved.to.clone()), (vec![code("NPA"), code("MOI")], vec![code("NPA"), code("TPE")]));
    assert_eq!((moved.joined(), moved.left()), (vec![&code("TPE")], vec![&code("MOI")]));
    let npa = review_moved(&before, &after, &code("NPA")).unwrap_or_else(|| panic!("NPA's review moved"));
    assert_eq!((npa.from, npa.to), (vec![code("MOI")], vec![code("TPE")]));
    // Agencies elsewhere, and a move that keeps the reviewers, move no review.
    assert_eq!(review_moved(&before, &after, &code("MOE")), None);
    assert_eq!(review_moved(&before, &after, &code("TPE")), None, "TPE reviews its own as before");
    assert_eq!(review_moved(&before, &before, &code("KPD")), None);
    // KPD straight under MOI: its reviewers were NPA and MOI, now MOI alone.
    let up = review_moved(&before, &links(&[("KPD", "MOI")]), &code("KPD")).unwrap_or_else(|| panic!("KPD moved up"));
    assert_eq!((up.mover.as_str(), up.joined(), up.left()), ("KPD", vec![], vec![&code("NPA")]));
}

#[test]
fn supervising_agencies_follow_the_tree() {
    assert_eq!(chain_of("KPD").supervising_agencies(), vec![&code("NPA"), &code("MOI")]);
    assert_eq!(chain_of("MOI").supervising_agencies(), vec![&code("MOI")]);
    assert!(chain_of("DGPA").supervising_agencies().is_empty());
    assert_eq!(chain_of("KPD").top_supervising_agency(), Some(&code("MOI")));
}

#[test]
fn the_happy_path_from_draft_to_closed() {
    let chain = chain_of("NPA");
    let app = app();
    let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
    let supervisor = actor(2, "MOI", &[Role::Supervisor]);
    let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
    let steps = [
        (State::Draft, &applicant, Command::Submit, State::PendingSupervisor),
        (
            State::PendingSupervisor,
            &supervisor,
            Command::SupervisorDecision { decision: Decision::Approve, comment: None },
            State::PendingDgpa,
        ),
        (
            State::PendingDgpa,
            &officer,
            Command::DgpaDecision {
                decision: DgpaDecision::Accept,
                difficulty: Difficulty::new(3).ok(),
                comment: None,
                reason: None,
                source_id: None,
            },
            State::Queued,
        ),
        (State::Queued, &officer, Command::Take { assignee: UserId(3), passed_over: vec![], skip_reason: None }, State::InProduction),
        (
            State::InProduction,
            &officer,
            Command::Deliver { reply: "如附件".into(), files: 0, unapproved: 0, undisclosed: 0 },
            State::Delivered,
        ),
        (State::Delivered, &applicant, Command::Acknowledge, State::Closed),
    ];
    for (from, who, cmd, to) in steps {
        let out = decide(&facts(from, &chain, &app), who, cmd.clone(), now());
        assert_eq!(out.as_ref().map(|o| o.to), Ok(to), "{cmd:?}");
    }
}

#[test]
fn separation_of_duties_and_supervision_scope() {
    let chain = chain_of("MOI");
    let app = app();
    let approve = Command::SupervisorDecision { decision: Decision::Approve, comment: None };
    let f = facts(State::PendingSupervisor, &chain, &app);
    // The drafter who is also a supervisor of a top-level agency cannot approve.
    let drafter = actor(DRAFTER, "MOI", &[Role::Applicant, Role::Supervisor]);
    assert_eq!(decide(&f, &drafter, approve.clone(), now()), Err(Refusal::OwnRequest { action: Action::SupervisorApprove }));
    // A colleague can.
    assert!(decide(&f, &actor(9, "MOI", &[Role::Supervisor]), approve.clone(), now()).is_ok());
    // Another ministry cannot.
    assert_eq!(
        decide(&f, &actor(9, "MOE", &[Role::Supervisor]), approve.clone(), now()),
        Err(Refusal::NotSupervisingAgency { action: Action::SupervisorApprove })
    );
    // Nor can a colleague who edited or submitted it, at any step: the supervisor's,
    // DGPA's acceptance, or taking it into production.
    let editor = UserId(9);
    let authors = [editor];
    let f = RequestFacts { authors: &authors, ..facts(State::PendingSupervisor, &chain, &app) };
    assert_eq!(
        decide(&f, &actor(9, "MOI", &[Role::Supervisor]), approve.clone(), now()),
        Err(Refusal::OwnRequest { action: Action::SupervisorApprove })
    );
    let f = RequestFacts { authors: &authors, ..facts(State::PendingDgpa, &chain, &app) };
    let accept = Command::DgpaDecision {
        decision: DgpaDecision::Accept,
        difficulty: Difficulty::new(2).ok(),
        comment: None,
        reason: None,
        source_id: None,
    };
    assert_eq!(decide(&f, &actor(9, "DGPA", &[Role::DgpaOfficer]), accept, now()), Err(Refusal::OwnRequest { action: Action::DgpaAccept }));
    let f = RequestFacts { authors: &authors, ..facts(State::Queued, &chain, &app) };
    let take = Command::Take { assignee: editor, passed_over: vec![], skip_reason: None };
    assert_eq!(decide(&f, &actor(5, "DGPA", &[Role::DgpaOfficer]), take, now()), Err(Refusal::AssigneeDraftedRequest));
    // A subordinate agency cannot approve its supervisor's request.
    let chain = chain_of("MOI");
    let f = facts(State::PendingSupervisor, &chain, &app);
    assert!(decide(&f, &actor(9, "NPA", &[Role::Supervisor]), approve.clone(), now()).is_err());
    // Missing role comes before agency.
    assert_eq!(
        decide(&f, &actor(9, "MOI", &[Role::Applicant]), approve, now()),
        Err(Refusal::MissingRole { action: Action::SupervisorApprove, role: Role::Supervisor })
    );
}

#[test]
fn dgpa_decisions_need_difficulty_or_comment() {
    let chain = chain_of("NPA");
    let app = app();
    let f = facts(State::PendingDgpa, &chain, &app);
    let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
    let dec = |decision, difficulty, comment: Option<&str>| Command::DgpaDecision {
        decision,
        difficulty,
        comment: comment.map(String::from),
        reason: None,
        source_id: None,
    };
    assert_eq!(decide(&f, &officer, dec(DgpaDecision::Accept, None, None), now()), Err(Refusal::DifficultyRequired));
    assert_eq!(
        decide(&f, &officer, dec(DgpaDecision::Return, Difficulty::new(2).ok(), Some("x")), now()),
        Err(Refusal::DifficultyNotApplicable)
    );
    assert_eq!(
        decide(&f, &officer, dec(DgpaDecision::Reject, None, Some("  ")), now()),
        Err(Refusal::CommentRequired { action: Action::DgpaReject })
    );
    let out = decide(&f, &officer, dec(DgpaDecision::Accept, Difficulty::new(4).ok(), None), now());
    assert_eq!(out.map(|o| o.difficulty), Ok(Difficulty::new(4).ok()));
}

#[test]
fn submit_freezes_a_revision_and_refuses_blocking_findings() {
    let chain = chain_of("NPA");
    let mut app = app();
    let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
    let out = decide(&facts(State::Returned, &chain, &app), &applicant, Command::Submit, now());
    assert_eq!(out.as_ref().map(|o| (o.to, o.freeze_revision)), Ok((State::PendingSupervisor, true)));
    app.reason.clear();
    match decide(&facts(State::Draft, &chain, &app), &applicant, Command::Submit, now()) {
        Err(Refusal::BlockingFindings(f)) => assert_eq!(f[0].pointer, "/reason"),
        other => panic!("expected findings, got {other:?}"),
    }
    // Another agency's applicant cannot submit.
    let other = actor(5, "KPD", &[Role::Applicant]);
    assert_eq!(
        decide(&facts(State::Draft, &chain, &app), &other, Command::Submit, now()),
        Err(Refusal::NotApplyingAgency { action: Action::Submit })
    );
}

#[test]
fn rule_6_destruction_closes_personal_data_and_acknowledge_the_rest() {
    let chain = chain_of("NPA");
    let mut app = app();
    let applicant = actor(DRAFTER, "NPA", &[Role::Applicant]);
    let today = taiwan_date(now());
    let destroy = |d: NaiveDate, m: &str| Command::RecordDestruction { destroyed_on: d, method: m.into() };
    assert_eq!(
        decide(&facts(State::Delivered, &chain, &app), &applicant, destroy(today, "碎紙"), now()),
        Err(Refusal::NoPersonalDataToDestroy)
    );
    app.personal_data.contains = Some(true);
    let f = facts(State::Delivered, &chain, &app);
    assert_eq!(decide(&f, &applicant, Command::Acknowledge, now()), Err(Refusal::DestructionRequired));
    assert_eq!(decide(&f, &applicant, destroy(today, " "), now()), Err(Refusal::DestructionMethodRequired));
    assert_eq!(decide(&f, &applicant, destroy(today.succ_opt().unwrap_or(today), "刪除"), now()), Err(Refusal::DestructionDateInFuture));
    assert_eq!(
        decide(&f, &applicant, destroy(today.pred_opt().unwrap_or(today), "刪除"), now()),
        Err(Refusal::DestructionDateBeforeDelivery)
    );
    assert_eq!(decide(&f, &applicant, destroy(today, "檔案刪除並清空資源回收筒"), now()).map(|o| o.to), Ok(State::Closed));
}

#[test]
fn taking_out_of_order_needs_a_reason_and_records_it() {
    let chain = chain_of("NPA");
    let app = app();
    let f = facts(State::Queued, &chain, &app);
    let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
    let ahead = vec![crate::ids::RequestId(7), crate::ids::RequestId(9)];
    let take = |passed_over: Vec<crate::ids::RequestId>, skip_reason: Option<&str>, assignee: i64| Command::Take {
        assignee: UserId(assignee),
        passed_over,
        skip_reason: skip_reason.map(String::from),
    };
    assert_eq!(
        decide(&f, &officer, take(ahead.clone(), None, 3), now()),
        Err(Refusal::OutOfOrder { head: crate::ids::RequestId(7), passed: 2 })
    );
    assert_eq!(
        decide(&f, &officer, take(ahead.clone(), Some("  "), 3), now()),
        Err(Refusal::OutOfOrder { head: crate::ids::RequestId(7), passed: 2 })
    );
    let out = decide(&f, &officer, take(ahead, Some("立法院質詢急需"), 4), now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((out.assignee, out.comment.as_deref()), (Some(UserId(4)), Some("立法院質詢急需")));
    assert_eq!(out.data["passed_over"], serde_json::json!([7, 9]));
    assert_eq!(decide(&f, &officer, take(vec![], None, DRAFTER), now()), Err(Refusal::AssigneeDraftedRequest));
}

#[test]
fn personal_data_leaves_only_as_approved_files() {
    let chain = chain_of("NPA");
    let mut app = app();
    app.personal_data.contains = Some(true);
    let f = facts(State::InProduction, &chain, &app);
    let officer = actor(3, "DGPA", &[Role::DgpaOfficer]);
    let deliver = |files, unapproved| Command::Deliver { reply: "如附件".into(), files, unapproved, undisclosed: 0 };
    assert_eq!(decide(&f, &officer, deliver(0, 0), now()), Err(Refusal::FilesRequired));
    assert_eq!(decide(&f, &officer, deliver(2, 1), now()), Err(Refusal::UnapprovedFiles { count: 1 }));
    assert!(decide(&f, &officer, deliver(2, 0), now()).is_ok());
    assert_eq!(approve_file(UserId(3), &officer), Err(Refusal::OwnUpload));
    assert!(approve_file(UserId(4), &officer).is_ok());
}

#[test]
fn visibility() {
    let npa = chain_of("NPA");
    assert!(can_view(&actor(1, "NPA", &[Role::Applicant]), &npa, 0));
    assert!(!can_view(&actor(2, "MOI", &[Role::Supervisor]), &npa, 0), "drafts are the office's own");
    assert!(can_view(&actor(2, "MOI", &[Role::Supervisor]), &npa, 1));
    assert!(!can_view(&actor(2, "MOE", &[Role::Supervisor]), &npa, 1));
    assert!(!can_view(&actor(2, "KPD", &[Role::Applicant, Role::Supervisor]), &npa, 1));
    assert!(can_view(&actor(3, "DGPA", &[Role::DgpaOfficer]), &npa, 1));
    assert!(!can_view(&actor(3, "DGPA", &[Role::DgpaOfficer]), &npa, 0));
    assert!(!can_view(&actor(4, "MOE", &[Role::Applicant]), &npa, 3));
}

fn any_command() -> impl Strategy<Value = Command> {
    let d = (1i64..=5).prop_map(|v| Difficulty::new(v).ok());
    let c = proptest::option::of("[a-z]{0,3}");
    prop_oneof![
        Just(Command::Edit),
        Just(Command::Submit),
        c.clone().prop_map(|reason| Command::Withdraw { reason }),
        (prop_oneof![Just(Decision::Approve), Just(Decision::Return), Just(Decision::Reject)], c.clone())
            .prop_map(|(decision, comment)| Command::SupervisorDecision { decision, comment }),
        (prop_oneof![Just(DgpaDecision::Accept), Just(DgpaDecision::Return), Just(DgpaDecision::Reject)], proptest::option::of(d), c)
            .prop_map(|(decision, difficulty, comment)| Command::DgpaDecision {
                decision,
                difficulty: difficulty.flatten(),
                comment,
                reason: None,
                source_id: None
            }),
        (proptest::collection::vec((1i64..5).prop_map(crate::ids::RequestId), 0..2), proptest::option::of("[a-z]{0,3}"))
            .prop_map(|(passed_over, skip_reason)| Command::Take { assignee: UserId(3), passed_over, skip_reason }),
        ("[a-z]{0,3}", 0usize..3, 0usize..2).prop_map(|(reply, files, unapproved)| Command::Deliver {
            reply,
            files,
            unapproved,
            undisclosed: 0
        }),
        (-3i64..3, "[a-z ]{0,3}")
            .prop_map(|(days, method)| Command::RecordDestruction { destroyed_on: taiwan_date(now()) + Duration::days(days), method }),
        Just(Command::Acknowledge),
    ]
}

fn any_actor() -> impl Strategy<Value = Actor> {
    let agencies = prop_oneof![Just("DGPA"), Just("MOI"), Just("NPA"), Just("KPD"), Just("MOE")];
    let roles = proptest::collection::vec(
        prop_oneof![Just(Role::Applicant), Just(Role::Supervisor), Just(Role::DgpaOfficer), Just(Role::DgpaAdmin), Just(Role::Service)],
        0..3,
    );
    (1i64..4, agencies, roles).prop_map(|(u, a, r)| actor(u, a, &r))
}

proptest! {
    /// No command sequence reaches a state the table does not allow.
    #[test]
    fn every_accepted_command_follows_the_table(
        steps in proptest::collection::vec((any_actor(), any_command()), 1..40),
        personal in any::<bool>(),
    ) {
        let chain = chain_of("NPA");
        let mut app = app();
        app.personal_data.contains = Some(personal);
        let mut state = State::Draft;
        let mut revisions = 0;
        for (who, cmd) in steps {
            let f = RequestFacts { state, assignee: None, difficulty: None, chain: &chain, created_by: UserId(DRAFTER), authors: &[], application: &app, revisions, delivered_at: Some(now()), overdue_destructions: &[], has_sample_attachment: false, dictionary: crate::dictionary::Dictionary::builtin(), open_inquiries: &[] };
            let action = cmd.action();
            if let Ok(out) = decide(&f, &who, cmd, now()) {
                prop_assert!(!state.is_terminal(), "terminal {state:?} accepted {action:?}");
                prop_assert_eq!(Some(out.to), next_state(state, action));
                if out.freeze_revision {
                    revisions += 1;
                }
                state = out.to;
            }
        }
    }

    /// Terminal states accept nothing, whoever asks.
    #[test]
    fn terminal_states_accept_nothing(who in any_actor(), cmd in any_command(), s in prop_oneof![Just(State::Closed), Just(State::Rejected), Just(State::Withdrawn)]) {
        let chain = chain_of("NPA");
        let app = app();
        let f = RequestFacts { state: s, assignee: None, difficulty: None, chain: &chain, created_by: UserId(DRAFTER), authors: &[], application: &app, revisions: 1, delivered_at: None, overdue_destructions: &[], has_sample_attachment: false, dictionary: crate::dictionary::Dictionary::builtin(), open_inquiries: &[] };
        let action = cmd.action();
        // Refused: for its state, or (first) because the caller may not act at all.
        let refused = decide(&f, &who, cmd, now());
        prop_assert!(
            matches!(&refused, Err(r) if *r == Refusal::NotInState { action, state: s } || r.is_about_who()),
            "{refused:?}"
        );
    }
}

#[test]
fn the_table_has_no_exit_from_terminal_states() {
    for s in State::ALL {
        assert_eq!(s.is_terminal(), allowed_actions(s).is_empty(), "{s:?}");
    }
}

#[test]
fn only_an_officer_of_dgpa_opens_a_personal_file() {
    let npa = AgencyCode::parse("NPA").unwrap_or_else(|_| unreachable!());
    let dgpa = AgencyCode::parse("DGPA").unwrap_or_else(|_| unreachable!());
    let who =
        |agency: &AgencyCode, roles: &[Role]| Actor { user: UserId(9), agency: agency.clone(), roles: RoleSet::new(roles.iter().copied()) };
    assert!(open_file(&who(&npa, &[Role::Applicant]), &npa, true).is_ok());
    assert!(open_file(&who(&dgpa, &[Role::DgpaOfficer]), &npa, true).is_ok());
    assert!(open_file(&who(&dgpa, &[Role::DgpaAdmin]), &npa, false).is_ok());
    assert!(matches!(open_file(&who(&dgpa, &[Role::DgpaAdmin]), &npa, true), Err(Refusal::MissingRole { role: Role::DgpaOfficer, .. })));
    assert!(open_file(&who(&npa, &[Role::Supervisor]), &npa, false).is_err());
}

#[test]
fn a_wrong_role_is_refused_before_the_state_is_looked_at() {
    // An applicant tries DGPA's acceptance on a draft: the role, not the state, refuses.
    let (chain, app) = (chain_of("NPA"), app());
    let f = facts(State::Draft, &chain, &app);
    let command = Command::DgpaDecision { decision: DgpaDecision::Accept, difficulty: None, comment: None, reason: None, source_id: None };
    let refused = decide(&f, &actor(2, "NPA", &[Role::Applicant]), command, now());
    assert!(matches!(refused, Err(Refusal::MissingRole { .. })), "{refused:?}");
}

#[test]
fn returns_and_rejections_carry_a_reason_and_a_redirect_names_its_source() {
    use crate::outcome::OutcomeReason;
    let chain = chain_of("NPA");
    let app = app();
    let f = facts(State::PendingDgpa, &chain, &app);
    let officer = actor(5, "DGPA", &[Role::DgpaOfficer]);
    let dec = |decision, reason, source_id: Option<&str>| Command::DgpaDecision {
        decision,
        difficulty: None,
        comment: Some("請改用既有統計".into()),
        reason,
        source_id: source_id.map(String::from),
    };
    // Rule 4: the data exists already; the outcome names the catalog entry.
    let out =
        decide(&f, &officer, dec(DgpaDecision::Return, Some(OutcomeReason::AvailableInExistingSource), Some("dgpa-staff-by-rank")), now());
    let out = out.unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(out.data["reason_code"], "available_in_existing_source");
    assert_eq!(out.data["source_id"], "dgpa-staff-by-rank");
    assert_eq!(
        decide(&f, &officer, dec(DgpaDecision::Reject, Some(OutcomeReason::AvailableInExistingSource), None), now()),
        Err(Refusal::SourceRequired)
    );
    assert_eq!(
        decide(&f, &officer, dec(DgpaDecision::Return, Some(OutcomeReason::Incomplete), Some("x")), now()),
        Err(Refusal::SourceNotApplicable)
    );
    // No reason given: `other`, explained by the comment.
    let out = decide(&f, &officer, dec(DgpaDecision::Reject, None, None), now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(out.data["reason_code"], "other");
    // Accepting has no reason.
    let accept = Command::DgpaDecision {
        decision: DgpaDecision::Accept,
        difficulty: Difficulty::new(2).ok(),
        comment: None,
        reason: Some(OutcomeReason::Other),
        source_id: None,
    };
    assert_eq!(decide(&f, &officer, accept, now()), Err(Refusal::ReasonNotApplicable));
}

#[test]
fn rule_6_retention_is_extended_one_question_at_a_time_within_365_days() {
    let mut app = app();
    app.personal_data.contains = Some(true);
    app.personal_data.retention_days = Some(90);
    let delivered = State::Delivered;
    assert_eq!((retention_days_left(&app, 0), retention_days_left(&app, 200), retention_days_left(&app, 400)), (275, 75, 0));
    assert_eq!(check_retention_extension(delivered, &app, 0, false, 275), Ok(()));
    assert_eq!(check_retention_extension(delivered, &app, 0, false, 276), Err(Refusal::RetentionBeyondMaximum { left: 275 }));
    assert_eq!(check_retention_extension(delivered, &app, 200, false, 76), Err(Refusal::RetentionBeyondMaximum { left: 75 }));
    assert_eq!(check_retention_extension(delivered, &app, 0, false, 0), Err(Refusal::RetentionBeyondMaximum { left: 275 }));
    assert_eq!(check_retention_extension(delivered, &app, 0, true, 10), Err(Refusal::RetentionExtensionPending));
    assert_eq!(check_retention_extension(State::Closed, &app, 0, false, 10), Err(Refusal::NothingKept { state: State::Closed }));
    // Approved days move destroy-by.
    let at = now();
    let base = destroy_by(&app, Some(at), 0).unwrap_or_default();
    assert_eq!(destroy_by(&app, Some(at), 30), Some(base + Duration::days(30)));
    app.personal_data.contains = Some(false);
    assert_eq!(check_retention_extension(delivered, &app, 0, false, 10), Err(Refusal::NoPersonalDataToDestroy));
}

#[test]
fn rule_5_2_an_application_on_paper_is_registered_by_dgpa_with_its_approval() {
    let chain = chain_of("NPA");
    let app = app();
    let officer = actor(5, "DGPA", &[Role::DgpaOfficer]);
    let ctx = EligibilityContext::new(crate::dictionary::Dictionary::builtin());
    let approval = PaperApproval { document_number: "警署人字第1150001234號".into(), approved_on: taiwan_date(now()), agency: None };
    let out = register_from_paper(&officer, &chain, Channel::Paper, &approval, ctx, &app, now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!((out.to, out.event, out.freeze_revision), (State::PendingDgpa, EventKind::RegisteredFromPaper, true));
    assert_eq!(out.data["document_number"], "警署人字第1150001234號");
    // NPA has one supervising agency (MOI): the approval is its, said or not (rule 5.1).
    assert_eq!(out.data["approved_by"], "MOI");
    let by = |agency: &str| PaperApproval { agency: Some(agency.into()), ..approval.clone() };
    let out = register_from_paper(&officer, &chain, Channel::Paper, &by("moi"), ctx, &app, now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(out.data["approved_by"], "MOI");
    // Not its supervising agency: itself, DGPA, another ministry, no agency at all.
    for other in ["NPA", "DGPA", "MOE", "MOI OR 1"] {
        assert_eq!(
            register_from_paper(&officer, &chain, Channel::Paper, &by(other), ctx, &app, now()),
            Err(Refusal::PaperApproverNotSupervising),
            "{other}"
        );
    }
    // KPD has two (NPA, MOI): the one named is recorded, and none is guessed.
    let kpd = chain_of("KPD");
    let out = register_from_paper(&officer, &kpd, Channel::Paper, &by("NPA"), ctx, &app, now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(out.data["approved_by"], "NPA");
    let out = register_from_paper(&officer, &kpd, Channel::Paper, &approval, ctx, &app, now()).unwrap_or_else(|r| panic!("{r:?}"));
    assert_eq!(out.data["approved_by"], serde_json::Value::Null);
    // Only DGPA's officers register; only what came on paper or by e-mail; a full approval.
    let applicant = actor(1, "NPA", &[Role::Applicant]);
    assert!(matches!(
        register_from_paper(&applicant, &chain, Channel::Paper, &approval, ctx, &app, now()),
        Err(Refusal::MissingRole { .. })
    ));
    assert!(register_from_paper(&officer, &chain, Channel::Web, &approval, ctx, &app, now()).is_err());
    let blank = PaperApproval { document_number: " ".into(), ..approval.clone() };
    assert_eq!(
        register_from_paper(&officer, &chain, Channel::Email, &blank, ctx, &app, now()),
        Err(Refusal::PaperApprovalInvalid { pointer: "/supervisor_approval/document_number" })
    );
    let later = PaperApproval { approved_on: taiwan_date(now()) + Duration::days(1), ..approval.clone() };
    assert!(register_from_paper(&officer, &chain, Channel::Paper, &later, ctx, &app, now()).is_err());
    // Incomplete, it is refused with its findings, as a submission would be.
    let incomplete = Application::default();
    assert!(matches!(
        register_from_paper(&officer, &chain, Channel::Paper, &approval, ctx, &incomplete, now()),
        Err(Refusal::BlockingFindings(_))
    ));
}

#[test]
fn a_table_with_unresolved_small_cells_is_not_delivered() {
    let chain = chain_of("NPA");
    let app = app();
    let f = facts(State::InProduction, &chain, &app);
    let officer = actor(5, "DGPA", &[Role::DgpaOfficer]);
    let deliver = |undisclosed| Command::Deliver { reply: "如附件".into(), files: 1, unapproved: 0, undisclosed };
    assert_eq!(decide(&f, &officer, deliver(2), now()), Err(Refusal::DisclosureUnresolved { count: 2 }));
    assert!(decide(&f, &officer, deliver(0), now()).is_ok());
}

#[test]
fn work_is_attended_only_by_an_active_case_officer() {
    let roles = |r: &[Role]| RoleSet::new(r.iter().copied());
    assert!(attends(true, &roles(&[Role::DgpaOfficer])));
    assert!(attends(true, &roles(&[Role::DgpaOfficer, Role::DgpaAdmin])));
    assert!(!attends(false, &roles(&[Role::DgpaOfficer])), "left: disabled");
    assert!(!attends(true, &roles(&[Role::DgpaAdmin])), "moved to other duties");
}

#[test]
fn a_placement_under_itself_or_of_the_root_or_under_nothing_is_refused() {
    let tree = links(&[]);
    assert_eq!(check_placement(&tree, &code("NPA"), &code("TPE")), Ok(()));
    assert_eq!(check_placement(&tree, &code("NEW"), &code("KPD")), Ok(()), "a new agency under any");
    assert_eq!(check_placement(&tree, &code("DGPA"), &code("MOI")), Err(PlacementError::RootHasNoParent));
    assert_eq!(check_placement(&tree, &code("NPA"), &code("NOPE")), Err(PlacementError::UnknownParent { parent: code("NOPE") }));
    assert_eq!(
        check_placement(&tree, &code("MOI"), &code("MOI")),
        Err(PlacementError::UnderItself { agency: code("MOI"), parent: code("MOI") })
    );
    // Under one below it: the tree it leaves has a cycle, named by the move that closed it.
    for parent in ["NPA", "KPD"] {
        let after = links(&[("MOI", parent)]);
        assert_eq!(tree_problem(&after, &[code("MOI")]), Some(PlacementError::UnderItself { agency: code("MOI"), parent: code(parent) }));
    }
    let after = links(&[("TPE", "KPD"), ("MOI", "TPE")]);
    let closed = tree_problem(&after, &[code("TPE"), code("MOI")]);
    assert_eq!(closed, Some(PlacementError::UnderItself { agency: code("MOI"), parent: code("TPE") }), "the last move on it");
    assert_eq!(tree_problem(&links(&[("NPA", "TPE")]), &[code("NPA")]), None);
    let m = PlacementError::UnderItself { agency: code("MOI"), parent: code("KPD") }.message();
    assert!(m.zh_tw.contains("KPD 即為 MOI 本身或其所屬機關") && m.en.contains("cycle"), "{m:?}");
}

#[test]
fn a_tree_deeper_than_its_bound_is_found_and_nothing_else() {
    // A chain of agencies under KPD (3 levels below DGPA) to `levels` below DGPA.
    let chain = |levels: usize| {
        let mut tree = links(&[]);
        let mut parent = code("KPD");
        for level in 4..=levels {
            let agency = code(&format!("L{level:03}"));
            tree.insert(agency.clone(), Some(parent));
            parent = agency;
        }
        tree
    };
    // The chain placed under KPD (its first agency moved there, carrying the rest).
    let placed = [code("L004")];
    assert_eq!(tree_problem(&links(&[]), &[]), None);
    let full = chain(MAX_DEPTH);
    assert_eq!(tree_problem(&full, &placed), None, "{MAX_DEPTH} levels below DGPA are within bounds");
    assert!(full.keys().all(|a| chain_in(&full, a).is_some()), "and each has its chain");
    let over = chain(MAX_DEPTH + 3);
    let deepest = code(&format!("L{:03}", MAX_DEPTH + 3));
    assert_eq!(tree_problem(&over, &placed), Some(PlacementError::TooDeep { agency: deepest.clone() }), "the deepest is named");
    assert_eq!(tree_problem(&over, &[code("KPD")]), Some(PlacementError::TooDeep { agency: deepest.clone() }), "moved above it");
    assert_eq!(chain_in(&over, &code(&format!("L{:03}", MAX_DEPTH + 1))), None);
    // A tree too deep already is not a change's fault where the change placed nothing
    // too deep: elsewhere, or at the chain's top, moved up to mend it.
    assert_eq!(tree_problem(&over, &[]), None);
    assert_eq!(tree_problem(&over, &[code("MOE")]), None);
    // Whatever order the links are walked in (each map's own), the answer is the same.
    for _ in 0..20 {
        let again: TreeLinks = over.iter().map(|(a, p)| (a.clone(), p.clone())).collect();
        assert_eq!(tree_problem(&again, &placed), Some(PlacementError::TooDeep { agency: deepest.clone() }));
    }
    // A chain of 20,000 is found too deep in one pass.
    let long = chain(20_000);
    assert_eq!(tree_problem(&long, &placed), Some(PlacementError::TooDeep { agency: code("L20000") }));
    // A cycle made by hand elsewhere is not the change's either.
    let mut looped = links(&[("X1", "X2")]);
    looped.insert(code("X2"), Some(code("X1")));
    assert_eq!(tree_problem(&looped, &[code("MOE")]), None);
    assert!(matches!(tree_problem(&looped, &[code("X1")]), Some(PlacementError::UnderItself { .. })));
}

#[test]
fn the_agencies_under_several_are_found_in_one_pass() {
    let tree = links(&[]);
    let view = tree.iter().map(|(c, p)| (c, p.as_ref()));
    let mut under = subtrees(view, &[code("NPA"), code("MOE"), code("KPD")]);
    assert_eq!(under[..2], [code("NPA"), code("MOE")], "the roots first, each once");
    under.sort();
    assert_eq!(under, [code("KPD"), code("MOE"), code("NPA")]);
}
