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
