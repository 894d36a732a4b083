//! A realistic year of work for the demo, so that every screen has something on first
//! start: requests of several agencies in every state — drafts, returned with
//! reasons, in the queue with its factors, in production, delivered (personal data as
//! encrypted files), closed with destruction records, withdrawn, rejected — field
//! questions with answers and FAQ entries, and statistics with real turnaround.
//! Every step goes through the domain's `decide`, back-dated, as people would have
//! taken it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use statreq_domain::application::{
    Application, Contact, ExistingSource, NecessityNote, OutputKind, PersonalData, Requirement, SourceAttestation,
};
use statreq_domain::lifecycle::{self, Actor, AgencyChain, Command, Decision, DgpaDecision, RequestFacts, State};
use statreq_domain::{AgencyCode, Difficulty, OutcomeReason, RequestId, RoleSet, UserId};
use statreq_store::{AuditContext, NewDelivery, RequestRow, Store};

use crate::app::files::FileStore;

/// What a demo request is about: reason, personal data (detail records), fields,
/// breakdowns, description.
type Topic = (&'static str, bool, &'static [&'static str], &'static [&'static str], &'static str);

const TOPICS: &[Topic] = &[
    ("研議所屬機關人力配置", false, &["agency_code", "grade", "sex"], &["agency_code", "sex"], "依機關、職等及性別統計現職人數"),
    ("規劃陞遷評審作業", true, &["name", "grade", "first_appointment_date"], &[], "列出簡任人員姓名、職等及初任公職日期"),
    (
        "推估未來五年屆齡退休人數",
        false,
        &["agency_code", "age", "official_rank"],
        &["agency_code", "official_rank"],
        "依機關及官等統計年齡分布",
    ),
    ("檢討性別平等推動成效", false, &["agency_code", "sex", "official_rank"], &["sex", "official_rank"], "依性別及官等統計主管人數"),
    ("辦理教育訓練需求調查", false, &["agency_code", "education_level"], &["education_level"], "依教育程度統計現職人數"),
    ("研擬員額評鑑報告", false, &["agency_code", "grade"], &["agency_code"], "依機關統計各職等員額"),
    ("核對考績委員會名冊", true, &["name", "grade", "service_years"], &[], "列出委任人員姓名、職等及年資"),
];

/// (applicant, topic, the state it ends in, days ago submitted, difficulty). Delivered
/// ones are recent enough that their files are still within the download window.
const REQUESTS: &[(&str, usize, State, i64, i64)] = &[
    ("applicant.npa", 0, State::Closed, 330, 2),
    ("applicant.tpedu", 2, State::Closed, 300, 3),
    ("applicant.npa", 1, State::Closed, 280, 4),
    ("applicant.nia", 3, State::Closed, 250, 2),
    ("applicant.moe", 6, State::Closed, 220, 3),
    ("applicant.tpedu", 4, State::Delivered, 40, 2),
    ("applicant.npa", 6, State::Delivered, 34, 3),
    ("applicant.moe", 5, State::Delivered, 28, 1),
    ("applicant.nia", 1, State::Delivered, 24, 4),
    ("applicant.npa", 2, State::InProduction, 55, 3),
    ("applicant.tpedu", 0, State::InProduction, 48, 2),
    ("applicant.moe", 3, State::InProduction, 45, 2),
    ("applicant.npa", 4, State::Queued, 40, 1),
    ("applicant.tpedu", 5, State::Queued, 36, 3),
    ("applicant.nia", 0, State::Queued, 33, 2),
    ("applicant.moe", 2, State::Queued, 30, 4),
    ("applicant.npa", 3, State::Queued, 26, 2),
    ("applicant.tpedu", 6, State::Queued, 22, 5),
    ("applicant.nia", 5, State::OnHold, 28, 3),
    ("applicant.npa", 5, State::PendingDgpa, 12, 0),
    ("applicant.moe", 0, State::PendingDgpa, 9, 0),
    ("applicant.tpedu", 3, State::PendingDgpa, 7, 0),
    ("applicant.npa", 0, State::PendingSupervisor, 5, 0),
    ("applicant.nia", 2, State::PendingSupervisor, 4, 0),
    ("applicant.tpedu", 1, State::PendingSupervisor, 3, 0),
    ("applicant.npa", 6, State::Returned, 20, 0),
    ("applicant.moe", 4, State::Returned, 18, 0),
    ("applicant.tpedu", 2, State::Returned, 15, 2),
    ("applicant.nia", 4, State::Rejected, 70, 0),
    ("applicant.npa", 5, State::Rejected, 65, 0),
    ("applicant.moe", 1, State::Withdrawn, 50, 0),
    ("applicant.tpedu", 4, State::Withdrawn, 42, 0),
    ("applicant.npa", 3, State::Draft, 2, 0),
    ("applicant.nia", 6, State::Draft, 1, 0),
    ("applicant.moe", 5, State::Draft, 0, 0),
];

fn application(topic: usize, contact: (&str, &str)) -> Application {
    let (reason, personal, fields, breakdowns, description) = TOPICS[topic % TOPICS.len()];
    let necessity = |f: &str| match f {
        "name" => Some("核對名冊所需"),
        "first_appointment_date" | "service_years" => Some("計算年資積分"),
        _ => None,
    };
    Application {
        contact: Contact { name: contact.0.into(), phone: "02-2397-9298#123".into(), email: contact.1.into() },
        reason: reason.into(),
        requirement: Requirement {
            output: Some(if personal { OutputKind::Detail } else { OutputKind::Statistics }),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            conditions: "114年12月31日在職人員".into(),
            breakdowns: breakdowns.iter().map(|f| f.to_string()).collect(),
            description: description.into(),
            sample_output: Some("機關,職等,男,女,合計".into()),
            ..Default::default()
        },
        personal_data: if personal {
            PersonalData {
                contains: Some(true),
                purpose: Some("personnel_management".into()),
                statutory_duty: Some("公務人員陞遷法第5條辦理陞遷評審".into()),
                necessity: fields
                    .iter()
                    .filter_map(|f| necessity(f).map(|n| NecessityNote { field: f.to_string(), note: n.into() }))
                    .collect(),
                retention_days: Some(90),
            }
        } else {
            PersonalData { contains: Some(false), ..Default::default() }
        },
        existing_sources: ExistingSource::ALL
            .into_iter()
            .map(|source| SourceAttestation { source, checked: true, note: "已查詢，無所需之交叉分類".into() })
            .collect(),
    }
}

struct Year<'a> {
    store: &'a Store,
    files: &'a FileStore,
    /// Sealed bodies to store once the year is loaded (storing is asynchronous).
    sealed: std::cell::RefCell<Vec<(String, Vec<u8>)>>,
    people: HashMap<&'static str, Actor>,
    chains: HashMap<AgencyCode, AgencyChain>,
}

impl Year<'_> {
    fn actor(&self, username: &str) -> anyhow::Result<&Actor> {
        self.people.get(username).ok_or_else(|| anyhow::anyhow!("no demo account {username}"))
    }

    /// One step, as the domain decides it, at `at`.
    fn step(&self, id: RequestId, who: &str, command: Command, at: DateTime<Utc>) -> anyhow::Result<RequestRow> {
        let row = self.store.get_request(id)?;
        let app: Application = row.application.clone();
        let chain = self.chains.get(&row.agency_code).ok_or_else(|| anyhow::anyhow!("no chain for {}", row.agency_code))?;
        let actor = self.actor(who)?;
        let facts = RequestFacts {
            state: row.state,
            assignee: row.assignee,
            difficulty: row.difficulty.and_then(|d| statreq_domain::Difficulty::new(d.into()).ok()),
            chain,
            created_by: row.created_by,
            authors: &[],
            application: &app,
            revisions: row.revision as u32,
            delivered_at: row.delivered_at,
            overdue_destructions: &[],
            has_sample_attachment: false,
            dictionary: statreq_domain::dictionary::Dictionary::builtin(),
            open_inquiries: &[],
        };
        let outcome = lifecycle::decide(&facts, actor, command, at).map_err(|r| anyhow::anyhow!("demo step refused: {r:?}"))?;
        let audit = AuditContext { actor_id: Some(actor.user), actor_agency: Some(actor.agency.clone()), client_addr: None };
        Ok(self.store.apply_transition(id, row.version, row.state, &outcome, actor.user, &audit, at)?)
    }

    /// A result file, encrypted at rest as an upload is, and approved by a second officer.
    fn deliver_file(&self, id: RequestId, personal: bool, at: DateTime<Utc>) -> anyhow::Result<()> {
        let body = "姓名,職等,初任公職日期\n王大明,9,2001-08-01\n陳小華,10,1998-03-16\n".as_bytes();
        let (stored, ciphertext) = self.files.seal(body).map_err(|e| anyhow::anyhow!("{e}"))?;
        self.sealed.borrow_mut().push((stored.key.clone(), ciphertext));
        let passphrase = if personal {
            Some(self.files.keyring().seal_secret(&statreq_vault::generate_passphrase()).map_err(|e| anyhow::anyhow!("{e}"))?)
        } else {
            None
        };
        let uploader = self.actor("officer1.dgpa")?.user;
        let approver = self.actor("officer2.dgpa")?.user;
        let d = self.store.insert_delivery(
            NewDelivery {
                request_id: id,
                filename: "統計結果.csv".into(),
                content_type: "text/csv".into(),
                size_bytes: stored.sealed.plaintext_bytes as i64,
                sha256: stored.sealed.sha256.clone(),
                storage_key: stored.key.clone(),
                wrapped_key: stored.wrapped.clone(),
                passphrase,
                personal,
                uploaded_by: uploader,
                disclosure: None,
            },
            &AuditContext { actor_id: Some(uploader), ..Default::default() },
            at,
        )?;
        self.store.approve_delivery(d.id, approver, &AuditContext { actor_id: Some(approver), ..Default::default() }, at)?;
        Ok(())
    }

    /// One request from draft to `end`, each step a few days after the last.
    fn request(&self, applicant: &str, topic: usize, end: State, days_ago: i64, difficulty: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
        let person = self.actor(applicant)?;
        // The account's holder, as a form names its contact: 林怡君, not 林怡君（警政署人事室）.
        let holder = super::USERS.iter().find(|(username, ..)| username == &applicant).map_or("承辦人", |(_, name, ..)| *name);
        let contact = (holder.split('（').next().unwrap_or(holder), "personnel@demo.invalid");
        let app = application(topic, contact);
        let start = now - Duration::days(days_ago) - Duration::hours(3);
        let json = serde_json::to_value(&app)?;
        let id = self.store.create_request(&person.agency, person.user, &json, start - Duration::hours(2))?.id;
        let personal = app.declares_personal_data();
        let sup = if self.chains.get(&person.agency).and_then(|c| c.top_supervising_agency()).map(|a| a.as_str()) == Some("TPE") {
            "supervisor.tpe"
        } else if person.agency.as_str() == "MOE" {
            "supervisor.moe"
        } else {
            "supervisor.moi"
        };
        let at = |d: i64| start + Duration::days(d);
        let easy = Difficulty::new(difficulty.clamp(1, 5)).ok();
        if end == State::Draft {
            return Ok(());
        }
        self.step(id, applicant, Command::Submit, at(0))?;
        match end {
            State::PendingSupervisor => return Ok(()),
            State::Withdrawn => {
                self.step(id, applicant, Command::Withdraw { reason: Some("業務需求已改由既有報表取得".into()) }, at(1))?;
                return Ok(());
            }
            State::Returned if difficulty == 0 => {
                let comment = Some("請補充說明所需欄位之用途".into());
                self.step(id, sup, Command::SupervisorDecision { decision: Decision::Return, comment }, at(1))?;
                return Ok(());
            }
            _ => {}
        }
        self.step(id, sup, Command::SupervisorDecision { decision: Decision::Approve, comment: None }, at(1))?;
        let review = |decision, reason: OutcomeReason, source: Option<&str>, comment: &str| Command::DgpaDecision {
            decision,
            difficulty: None,
            comment: Some(comment.into()),
            reason: Some(reason),
            source_id: source.map(String::from),
        };
        match end {
            State::PendingDgpa => return Ok(()),
            State::Returned => {
                let c = review(DgpaDecision::Return, OutcomeReason::DefinitionUnclear, None, "「年資」之定義請先確認（第7點）");
                self.step(id, "officer1.dgpa", c, at(3))?;
                return Ok(());
            }
            State::Rejected => {
                let c = if personal {
                    review(DgpaDecision::Reject, OutcomeReason::PersonalDataNotNecessary, None, "統計目的無須個人資料明細")
                } else {
                    review(
                        DgpaDecision::Reject,
                        OutcomeReason::AvailableInExistingSource,
                        Some("dgpa-staff-by-rank"),
                        "已公布於本總處統計專區",
                    )
                };
                self.step(id, "officer2.dgpa", c, at(3))?;
                return Ok(());
            }
            _ => {}
        }
        let accept =
            Command::DgpaDecision { decision: DgpaDecision::Accept, difficulty: easy, comment: None, reason: None, source_id: None };
        self.step(id, "officer1.dgpa", accept, at(3))?;
        if end == State::Queued {
            return Ok(());
        }
        if end == State::OnHold {
            self.step(id, "officer2.dgpa", Command::Hold { reason: "等待主管機關補送基準日說明".into() }, at(5))?;
            return Ok(());
        }
        let officer = if id.0 % 2 == 0 { "officer1.dgpa" } else { "officer2.dgpa" };
        let take = Command::Take { assignee: self.actor(officer)?.user, passed_over: Vec::new(), skip_reason: None };
        self.step(id, officer, take, at(8))?;
        if end == State::InProduction {
            return Ok(());
        }
        self.deliver_file(id, personal, at(12))?;
        let deliver = Command::Deliver { reply: "資料如附件，請依規定使用。".into(), files: 1, unapproved: 0, undisclosed: 0 };
        self.step(id, officer, deliver, at(14))?;
        if end == State::Delivered {
            return Ok(());
        }
        let close = if personal {
            let on = lifecycle::taiwan_date(at(40));
            Command::RecordDestruction { destroyed_on: on, method: "紙本碎紙、電子檔案刪除並清空資源回收筒".into() }
        } else {
            Command::Acknowledge
        };
        self.step(id, applicant, close, at(40))?;
        Ok(())
    }
}

/// Field questions, answered, and their FAQ entries (rule 7).
fn questions(y: &Year<'_>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let asked = [
        (
            "applicant.npa",
            "service_years",
            "公務年資是否含留職停薪期間",
            "留職停薪期間是否計入公務年資？",
            "留職停薪期間不計入；育嬰留職停薪亦同。",
        ),
        (
            "applicant.tpedu",
            "education_level",
            "最高學歷之認定",
            "同時具有國內外學位者，以何者為最高學歷？",
            "以學位等級最高者為準；同等級以取得日期在後者為準。",
        ),
        ("applicant.moe", "grade", "職等以何為準", "兼任主管者，職等以本職或兼職計？", "以本職銓敘審定之職等為準。"),
    ];
    for (i, (who, field, subject, body, answer)) in asked.iter().enumerate() {
        let at = now - Duration::days(200 - 40 * i as i64);
        let a = y.actor(who)?;
        let fields = vec![field.to_string()];
        let audit = AuditContext { actor_id: Some(a.user), ..Default::default() };
        let q = y.store.create_inquiry(&a.agency, a.user, None, &fields, subject, body, |_| Default::default(), &audit, at)?;
        let officer = y.actor("officer1.dgpa")?;
        let audit = AuditContext { actor_id: Some(officer.user), ..Default::default() };
        let step = statreq_store::InquiryStep { expected: Some(q.version), reply: Some((true, answer)) };
        let q = y.store.advance_inquiry(q.id, step, officer.user, |_, _| Default::default(), &audit, at + Duration::days(2))?;
        y.store.publish_faq(Some(q.id), field, body, answer, officer.user, &Default::default(), &audit, at + Duration::days(2))?;
    }
    Ok(())
}

/// Loads the year. `people` are the demo accounts by username (id, agency, roles).
/// Returns the result files' sealed bodies, by storage key, for the caller to store.
pub fn load(
    store: &Store,
    files: &FileStore,
    people: &[(&'static str, UserId, &str, RoleSet)],
    agencies: &[(&str, &str)],
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let parse = |c: &str| AgencyCode::parse(c).map_err(|e| anyhow::anyhow!("{e}"));
    let mut chains = HashMap::new();
    for (code, _) in agencies {
        let mut ancestors = Vec::new();
        let mut at = *code;
        while let Some((_, parent)) = agencies.iter().find(|(c, _)| *c == at) {
            ancestors.push(parse(parent)?);
            if *parent == statreq_domain::ids::DGPA_AGENCY_CODE {
                break;
            }
            at = parent;
        }
        chains.insert(parse(code)?, AgencyChain { agency: parse(code)?, ancestors });
    }
    let mut map = HashMap::new();
    for (username, id, agency, roles) in people {
        map.insert(*username, Actor { user: *id, agency: parse(agency)?, roles: roles.clone() });
    }
    let y = Year { store, files, sealed: Default::default(), people: map, chains };
    let now = Utc::now();
    for (applicant, topic, end, days_ago, difficulty) in REQUESTS {
        y.request(applicant, *topic, *end, *days_ago, *difficulty, now)?;
    }
    questions(&y, now)?;
    // What happened more than two weeks ago was told at the time: the inboxes start with
    // the last fortnight's news, not the whole year's.
    store.mark_events_notified_before(now - Duration::days(14), now)?;
    Ok(y.sealed.into_inner())
}
