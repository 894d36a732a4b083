//! Applications used across the black-box tests.

#![allow(dead_code)]

use statreq_e2e::statreq_contract::Application;
use statreq_e2e::statreq_domain::{Contact, ExistingSource, NecessityNote, OutputKind, PersonalData, Requirement, SourceAttestation};

pub fn sources() -> Vec<SourceAttestation> {
    ExistingSource::ALL
        .into_iter()
        .map(|source| SourceAttestation { source, checked: true, note: "已查詢，無依職等及性別交叉之資料".into() })
        .collect()
}

/// Statistics without personal data: closes by acknowledgement.
pub fn statistics() -> Application {
    Application {
        contact: Contact { name: "林怡君".into(), phone: "02-2321-9011#2301".into(), email: "lin@npa.gov.tw".into() },
        reason: "研議本署人力配置與陞遷規劃".into(),
        requirement: Requirement {
            output: Some(OutputKind::Statistics),
            fields: vec!["agency_code".into(), "grade".into(), "sex".into()],
            conditions: "114年12月31日在職之本署及所屬機關人員".into(),
            description: "依機關、職等及性別統計人數".into(),
            sample_output: Some("機關,職等,男,女,合計".into()),
            ..Default::default()
        },
        personal_data: PersonalData { contains: Some(false), ..Default::default() },
        existing_sources: sources(),
    }
}

/// Detail records with personal data: closes by recording destruction (rule 6).
pub fn detail() -> Application {
    let mut app = statistics();
    app.requirement.output = Some(OutputKind::Detail);
    app.requirement.fields = vec!["name".into(), "grade".into(), "first_appointment_date".into()];
    app.requirement.description = "列出本署簡任人員姓名、職等及初任公職日期".into();
    app.personal_data = PersonalData {
        contains: Some(true),
        purpose: Some("personnel_management".into()),
        statutory_duty: Some("公務人員陞遷法第5條辦理陞遷評審".into()),
        necessity: vec![
            NecessityNote { field: "name".into(), note: "核對陞遷名冊".into() },
            NecessityNote { field: "first_appointment_date".into(), note: "計算年資積分".into() },
        ],
        retention_days: Some(90),
    };
    app
}

use statreq_e2e::statreq_client::Client;
use statreq_e2e::statreq_contract::{RequestView, State, TakeBody};
use statreq_e2e::statreq_domain::{Decision, DgpaDecision, Difficulty};
use statreq_e2e::TestServer;

/// The people of a lifecycle in the demo data: NPA's applicant, its supervising
/// agency's reviewer (MOI) and two DGPA officers (four eyes).
pub struct Scenario {
    pub applicant: Client,
    pub supervisor: Client,
    pub officer: Client,
    pub officer2: Client,
}

impl Scenario {
    /// The same steps taken by other people (another agency's office and its supervisor).
    pub fn of(applicant: &Client, supervisor: &Client, officer: &Client) -> Scenario {
        Scenario { applicant: applicant.clone(), supervisor: supervisor.clone(), officer: officer.clone(), officer2: officer.clone() }
    }

    pub async fn new(server: &TestServer) -> Scenario {
        Scenario {
            applicant: server.login("applicant.npa").await,
            supervisor: server.login("supervisor.moi").await,
            officer: server.login("officer1.dgpa").await,
            officer2: server.login("officer2.dgpa").await,
        }
    }

    /// A new request of `app` brought to `state` through the API, the way people
    /// would: accepted at `difficulty`; taken out of order when others wait ahead
    /// (with a recorded reason); delivered with files a second officer approved
    /// when it holds personal data; closed by destruction or acknowledgement.
    pub async fn in_state(&self, app: &Application, state: State, difficulty: i64) -> RequestView {
        let (a, s, o) = (&self.applicant, &self.supervisor, &self.officer);
        let mut r = a.create_request(app).await.unwrap();
        let steps: &[State] = match state {
            State::Draft => &[],
            State::PendingSupervisor | State::Withdrawn => &[State::PendingSupervisor],
            State::Returned | State::Rejected => &[State::PendingSupervisor],
            State::PendingDgpa => &[State::PendingSupervisor, State::PendingDgpa],
            State::Queued | State::OnHold => &[State::PendingSupervisor, State::PendingDgpa, State::Queued],
            State::InProduction => &[State::PendingSupervisor, State::PendingDgpa, State::Queued, State::InProduction],
            State::Delivered | State::Closed => {
                &[State::PendingSupervisor, State::PendingDgpa, State::Queued, State::InProduction, State::Delivered]
            }
        };
        for step in steps {
            r = match step {
                State::PendingSupervisor => a.submit(r.id, None).await.unwrap(),
                State::PendingDgpa => s.supervisor_decision(r.id, None, Decision::Approve, None).await.unwrap(),
                State::Queued => o.dgpa_decision(r.id, None, DgpaDecision::Accept, Difficulty::new(difficulty).ok(), None).await.unwrap(),
                State::InProduction => {
                    let skip = TakeBody { assignee: None, skip_reason: Some("測試資料：依序建立各狀態之案件".into()) };
                    o.take_with(r.id, None, &skip).await.unwrap()
                }
                State::Delivered => {
                    if app.declares_personal_data() {
                        let file = o.upload_delivery(r.id, "名冊.csv", "姓名,職等\n王大明,9\n".as_bytes().to_vec()).await.unwrap();
                        self.officer2.approve_delivery(r.id, file.id).await.unwrap();
                    }
                    o.deliver(r.id, None, "資料如附件。").await.unwrap()
                }
                _ => unreachable!("not a step forward"),
            };
        }
        match state {
            State::Withdrawn => a.withdraw(r.id, None, Some("測試：撤回")).await.unwrap(),
            State::Returned => s.supervisor_decision(r.id, None, Decision::Return, Some("請補充說明")).await.unwrap(),
            State::Rejected => s.supervisor_decision(r.id, None, Decision::Reject, Some("不符規定")).await.unwrap(),
            State::Closed if app.declares_personal_data() => {
                let on = statreq_e2e::statreq_domain::lifecycle::taiwan_date(chrono::Utc::now());
                let body = statreq_e2e::statreq_contract::DestructionBody { destroyed_on: on, method: "碎紙及刪除檔案".into() };
                a.record_destruction(r.id, None, &body).await.unwrap()
            }
            State::Closed => a.acknowledge(r.id, None).await.unwrap(),
            State::OnHold => o.hold(r.id, None, "測試：暫停處理").await.unwrap(),
            _ => r,
        }
    }
}

/// The plaintext of an age file encrypted to `passphrase` (scrypt), as `age -d` gives it.
pub fn open_age(file: &[u8], passphrase: &str) -> Vec<u8> {
    use std::io::Read;
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_string()));
    let decryptor = age::Decryptor::new(file).unwrap_or_else(|e| panic!("not an age file: {e}"));
    let mut out = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap_or_else(|e| panic!("age: {e}"))
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("age: {e}"));
    out
}

/// A multipart upload of one file sent in two halves over a raw connection: when
/// [`HalfUpload::start`] returns, the server has checked the request and is reading
/// the body; [`HalfUpload::finish`] sends the rest and reads the answer. For what may
/// change while a file is still arriving.
pub struct HalfUpload {
    sock: tokio::net::TcpStream,
    rest: String,
}

impl HalfUpload {
    pub async fn start(server: &statreq_e2e::TestServer, token: &str, path: &str, filename: &str, first: &str, rest: &str) -> Self {
        use tokio::io::AsyncWriteExt;
        let boundary = "half-upload-2026";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
        );
        let rest = format!("{rest}\r\n--{boundary}--\r\n");
        let length = head.len() + first.len() + rest.len();
        let addr = server.base.trim_start_matches("http://").to_string();
        let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let request = format!(
            "POST /api/v1{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{head}{first}"
        );
        sock.write_all(request.as_bytes()).await.unwrap();
        sock.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        HalfUpload { sock, rest }
    }

    /// Sends the rest; the answer's status line and its problem+json body.
    pub async fn finish(mut self) -> (String, serde_json::Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.sock.write_all(self.rest.as_bytes()).await.unwrap();
        self.sock.flush().await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(20), self.sock.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "the server answers");
        let answer = String::from_utf8_lossy(&answer).to_string();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
        let status = head.lines().next().unwrap_or_default().to_string();
        let problem = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
        (status, problem)
    }
}
