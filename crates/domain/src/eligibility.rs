//! Eligibility: everything wrong with an application, all at once (rules 3, 4, 5.1,
//! 5.3, DESIGN.md "Eligibility"). Each finding has a stable code, a JSON pointer into
//! the application, a severity (`error` blocks submission, `warning` does not) and a
//! message in zh-TW and English.

use serde::{Deserialize, Serialize};

use crate::application::{Application, Condition, ExistingSource, Operator, OutputKind};
use crate::dictionary::{self, Dictionary, FieldType};
use crate::message::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Shown, does not block.
    Warning,
}

/// Stable finding codes; clients may switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    ContactNameMissing,
    ContactPhoneInvalid,
    ContactEmailInvalid,
    ReasonMissing,
    OutputKindMissing,
    RequirementDescriptionMissing,
    RequirementFieldsMissing,
    FieldUnknown,
    FieldDuplicate,
    ExistingSourceNotAttested,
    ExistingSourceNotChecked,
    ExistingSourceNoteMissing,
    ExistingSourceDuplicate,
    PersonalDataUndeclared,
    PersonalDataPurposeInvalid,
    PersonalDataStatutoryDutyMissing,
    PersonalDataNecessityMissing,
    PersonalDataNecessityUnrequestedField,
    PersonalDataContradictsFields,
    PersonalDataContradictsOutput,
    PersonalDataDetailsWithoutPersonalData,
    SpecialCategoryField,
    SampleOutputMissing,
    DeadlineInText,
    AgencyWithoutSupervisor,
    RetentionMissing,
    RetentionTooLong,
    DestructionOverdue,
    ExistingSourceCoversRequest,
    ConditionOperatorInvalid,
    ConditionValueCount,
    ConditionValueNotInCodeTable,
    ConditionValueType,
    BreakdownOnDetail,
    InquiryOpen,
    TooLong,
    TooMany,
}

impl FindingCode {
    /// The stable wire name, e.g. `deadline_in_text`.
    pub fn name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{self:?}"),
        }
    }

    pub fn severity(self) -> Severity {
        use FindingCode::*;
        match self {
            FieldDuplicate
            | PersonalDataNecessityUnrequestedField
            | PersonalDataDetailsWithoutPersonalData
            | SpecialCategoryField
            | SampleOutputMissing
            | ExistingSourceCoversRequest
            | BreakdownOnDetail
            | InquiryOpen
            | DeadlineInText => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The rule the finding enforces.
    pub fn rule(self) -> &'static str {
        use FindingCode::*;
        match self {
            ContactNameMissing
            | ContactPhoneInvalid
            | ContactEmailInvalid
            | ReasonMissing
            | OutputKindMissing
            | RequirementDescriptionMissing
            | RequirementFieldsMissing
            | SampleOutputMissing
            | TooLong
            | TooMany => "5.1",
            FieldUnknown
            | FieldDuplicate
            | ConditionOperatorInvalid
            | ConditionValueCount
            | ConditionValueNotInCodeTable
            | ConditionValueType
            | InquiryOpen => "7",
            BreakdownOnDetail => "2",
            ExistingSourceNotAttested
            | ExistingSourceNotChecked
            | ExistingSourceNoteMissing
            | ExistingSourceDuplicate
            | ExistingSourceCoversRequest => "4",
            PersonalDataUndeclared
            | PersonalDataPurposeInvalid
            | PersonalDataStatutoryDutyMissing
            | PersonalDataNecessityMissing
            | PersonalDataNecessityUnrequestedField
            | PersonalDataContradictsFields
            | PersonalDataContradictsOutput
            | PersonalDataDetailsWithoutPersonalData
            | SpecialCategoryField => "3",
            DeadlineInText => "5.3",
            AgencyWithoutSupervisor => "5.1",
            RetentionMissing | RetentionTooLong | DestructionOverdue => "6",
        }
    }
}

/// One thing wrong with (or worth knowing about) an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    /// RFC 6901 JSON pointer into the application.
    pub pointer: String,
    /// The rule it enforces, e.g. `5.3`.
    pub rule: String,
    pub message: Text,
}

/// The purpose rule 3 admits.
pub const PURPOSE_PERSONNEL_MANAGEMENT: &str = "personnel_management";

impl Finding {
    pub fn new(code: FindingCode, pointer: impl Into<String>) -> Self {
        Self::with_message(code, pointer, message(code))
    }

    pub(crate) fn with_message(code: FindingCode, pointer: impl Into<String>, message: Text) -> Self {
        Self { code, severity: code.severity(), pointer: pointer.into(), rule: code.rule().to_string(), message }
    }

    pub fn too_long(pointer: String, max: usize) -> Self {
        Self::with_message(
            FindingCode::TooLong,
            pointer,
            Text::new(format!("內容過長，最多 {max} 字。"), format!("Too long: at most {max} characters.")),
        )
    }

    pub fn too_many(pointer: String, max: usize) -> Self {
        Self::with_message(
            FindingCode::TooMany,
            pointer,
            Text::new(format!("項目過多，最多 {max} 項。"), format!("Too many items: at most {max}.")),
        )
    }

    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn message(code: FindingCode) -> Text {
    use FindingCode::*;
    let (zh, en) = match code {
        ContactNameMissing => ("請填寫申請人姓名。", "Enter the applicant's name."),
        ContactPhoneInvalid => ("請填寫有效的聯絡電話（例如 02-2397-9298#123）。", "Enter a valid phone number (e.g. 02-2397-9298#123)."),
        ContactEmailInvalid => ("請填寫有效的電子郵件地址。", "Enter a valid e-mail address."),
        ReasonMissing => ("請說明申請事由。", "State the reason for the application."),
        OutputKindMissing => ("請選擇需要統計數值或明細資料。", "Choose statistical figures or detail records."),
        RequirementDescriptionMissing => ("請詳細說明需求（欄位及條件）。", "Describe the requirement (fields and conditions) in detail."),
        RequirementFieldsMissing => ("請至少選擇一個欄位。", "Choose at least one field."),
        FieldUnknown => ("欄位代碼不在欄位字典中；欄位定義有疑義請先向人事總處確認（第7點）。", "This field code is not in the field dictionary; confirm field definitions with DGPA first (rule 7)."),
        FieldDuplicate => ("此欄位重複選擇。", "This field is chosen more than once."),
        ExistingSourceNotAttested => ("申請前須確認此既有資料來源無法產製所需資料（第4點）。", "Before applying, confirm that this existing source cannot produce the data (rule 4)."),
        ExistingSourceNotChecked => ("請勾選已查詢此資料來源（第4點）。", "Tick that you have checked this source (rule 4)."),
        ExistingSourceNoteMissing => ("請說明此資料來源為何無法滿足需求（第4點）。", "Explain why this source does not meet the need (rule 4)."),
        ExistingSourceDuplicate => ("此資料來源重複列出。", "This source is listed more than once."),
        PersonalDataUndeclared => ("請勾選是否涉及個人資料。", "Declare whether the data involves personal data."),
        PersonalDataPurposeInvalid => ("涉及個人資料者，須符合人事管理之特定目的（第3點）。", "Personal data may be requested only for the specific purpose of personnel management (rule 3)."),
        PersonalDataStatutoryDutyMissing => ("請說明執行之法定職務及其依據（第3點）。", "State the statutory duty the data serves and its legal basis (rule 3)."),
        PersonalDataNecessityMissing => ("此欄位屬個人資料（無論作為申請欄位、條件或分組），請說明其為執行法定職務所必要之理由（第3點）。", "This field is personal data (whether requested, filtered on or broken down by): explain why it is necessary for the statutory duty (rule 3)."),
        PersonalDataNecessityUnrequestedField => ("此必要性說明所指欄位未用於申請欄位、條件或分組。", "This necessity note names a field that is not requested, filtered on or broken down by."),
        PersonalDataContradictsFields => ("申請欄位、條件或分組使用可識別個人或特種個人資料之欄位，不得勾選「不含個人資料」。", "A field that identifies persons or is special-category data is requested, filtered on or broken down by: the request cannot be declared free of personal data."),
        PersonalDataContradictsOutput => ("明細資料屬個人資料，不得勾選「不含個人資料」。", "Detail records are personal data: the request cannot be declared free of personal data."),
        PersonalDataDetailsWithoutPersonalData => ("未申請個人資料時，無須填寫個人資料之目的、法定職務及必要性說明。", "Purpose, statutory duty and necessity notes are only needed when personal data is requested."),
        SpecialCategoryField => ("此欄位屬個人資料保護法第6條之特種個人資料，審查將特別嚴格。", "This field is special-category data under PDPA art. 6; it will be reviewed with particular care."),
        SampleOutputMissing => ("建議附上所需輸出格式範例，以加速作業。", "Attaching a sample of the desired output format speeds up processing."),
        DeadlineInText => ("申請人不得訂定完成期限；人事總處依收件順序、難易度及各主管機關已申請數量與人事人員數排定作業（第5點第3款）。", "Applicants may not set a completion deadline; DGPA orders its work by application order, difficulty, volume already requested and personnel staff (rule 5.3)."),
        AgencyWithoutSupervisor => ("此機關無主管機關人事機構可審核申請，請洽人事總處設定機關層級。", "This agency has no supervising personnel office to approve the application; ask DGPA to set its place in the agency tree."),
        RetentionMissing => ("請說明收到資料後保存多少日即予銷毀（第6點）。", "State how many days after delivery the data will be kept before it is destroyed (rule 6)."),
        RetentionTooLong => ("保存期間超過人事總處所定上限365日（第6點）。", "The retention exceeds DGPA's maximum of 365 days (rule 6)."),
        ExistingSourceCoversRequest => (
            "既有資料來源已涵蓋所需全部欄位；請先利用該資料，或於該來源的確認說明中敘明其何以不敷使用（第4點）。",
            "An existing source covers every requested field: use it, or say in that source's attestation note why it does not serve (rule 4).",
        ),
        DestructionOverdue => ("貴機關尚有逾期未登錄銷毀之個人資料，請先登錄銷毀後再送出新申請（第6點）。", "Your agency has delivered personal data past its destruction date: record its destruction before submitting new applications (rule 6)."),
        ConditionOperatorInvalid => ("此欄位之值無大小順序，不得使用比較或區間運算。", "This field's values have no order: comparisons and ranges do not apply."),
        ConditionValueCount => ("條件值個數不符運算子（eq 等須1個、between 須2個、in 至少1個）。", "The number of values does not fit the operator (one for eq and comparisons, two for between, at least one for in)."),
        ConditionValueNotInCodeTable => ("此值不在欄位的代碼表中。", "This value is not in the field's code table."),
        ConditionValueType => ("此值與欄位型態不符。", "This value does not fit the field's type."),
        BreakdownOnDetail => ("明細資料無統計分組；分組欄位僅適用於統計數值。", "Detail records have no breakdowns: breakdowns apply to statistical figures only."),
        InquiryOpen => ("本申請所附之欄位疑義尚未釐清；建議待人事總處答復後再送出（第7點）。", "A question on this application's fields is still open: best wait for DGPA's answer before submitting (rule 7)."),
        TooLong => ("內容過長。", "Too long."),
        TooMany => ("項目過多。", "Too many items."),
    };
    Text::new(zh, en)
}

/// What eligibility needs to know beyond the application itself.
#[derive(Debug, Clone, Copy)]
pub struct EligibilityContext<'a> {
    /// The field dictionary in force.
    pub dictionary: &'a Dictionary,
    /// Field questions tied to this application that DGPA has not yet answered (rule 7).
    pub open_inquiries: &'a [i64],
    /// The applying agency has a supervising personnel office (see `AgencyChain`).
    pub has_supervisor: bool,
    /// The agency's delivered requests whose personal data is past its destruction date.
    pub overdue_destructions: &'a [crate::ids::RequestId],
    /// A sample of the output format is attached as a file.
    pub has_sample_attachment: bool,
}

impl<'a> EligibilityContext<'a> {
    /// Nothing known against the applicant: a supervisor exists, nothing overdue,
    /// no attachment, no open question.
    pub fn new(dictionary: &'a Dictionary) -> Self {
        Self { dictionary, open_inquiries: &[], has_supervisor: true, overdue_destructions: &[], has_sample_attachment: false }
    }
}

/// Every finding for an application, errors first, in a stable order.
pub fn check(app: &Application, ctx: EligibilityContext<'_>) -> Vec<Finding> {
    let mut out = app.shape_errors();
    if !ctx.overdue_destructions.is_empty() {
        let ids: Vec<String> = ctx.overdue_destructions.iter().map(|i| i.to_string()).collect();
        let list = ids.join(", ");
        let base = message(FindingCode::DestructionOverdue);
        out.push(Finding::with_message(
            FindingCode::DestructionOverdue,
            "",
            Text::new(format!("{}（案號：{list}）", base.zh_tw), format!("{} (requests: {list})", base.en)),
        ));
    }
    let mut push = |code: FindingCode, pointer: String| out.push(Finding::new(code, pointer));

    if !ctx.has_supervisor {
        push(FindingCode::AgencyWithoutSupervisor, String::new());
    }

    // Rule 5.1: contact, reason, requirement.
    if app.contact.name.trim().is_empty() {
        push(FindingCode::ContactNameMissing, "/contact/name".into());
    }
    if !is_phone(&app.contact.phone) {
        push(FindingCode::ContactPhoneInvalid, "/contact/phone".into());
    }
    if !is_email(&app.contact.email) {
        out.push(email_finding(&app.contact.email));
    }
    let mut push = |code: FindingCode, pointer: String| out.push(Finding::new(code, pointer));
    if app.reason.trim().is_empty() {
        push(FindingCode::ReasonMissing, "/reason".into());
    }
    let req = &app.requirement;
    if req.output.is_none() {
        push(FindingCode::OutputKindMissing, "/requirement/output".into());
    }
    if req.description.trim().is_empty() {
        push(FindingCode::RequirementDescriptionMissing, "/requirement/description".into());
    }
    if req.fields.is_empty() {
        push(FindingCode::RequirementFieldsMissing, "/requirement/fields".into());
    }
    let dict = ctx.dictionary;
    let mut seen: Vec<&str> = Vec::new();
    for (i, code) in req.fields.iter().enumerate() {
        if dict.field(code).is_none() {
            push(FindingCode::FieldUnknown, format!("/requirement/fields/{i}"));
        } else if seen.contains(&code.as_str()) {
            push(FindingCode::FieldDuplicate, format!("/requirement/fields/{i}"));
        }
        seen.push(code);
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, code) in req.breakdowns.iter().enumerate() {
        if dict.field(code).is_none() {
            push(FindingCode::FieldUnknown, format!("/requirement/breakdowns/{i}"));
        } else if seen.contains(&code.as_str()) {
            push(FindingCode::FieldDuplicate, format!("/requirement/breakdowns/{i}"));
        }
        seen.push(code);
    }
    if !req.breakdowns.is_empty() && req.output == Some(OutputKind::Detail) {
        push(FindingCode::BreakdownOnDetail, "/requirement/breakdowns".into());
    }
    for (i, c) in req.filters.iter().enumerate() {
        condition_findings(dict, i, c, &mut out);
    }
    if !ctx.open_inquiries.is_empty() {
        let ids: Vec<String> = ctx.open_inquiries.iter().map(i64::to_string).collect();
        let base = message(FindingCode::InquiryOpen);
        out.push(Finding::with_message(
            FindingCode::InquiryOpen,
            "/requirement/fields",
            Text::new(format!("{}（疑義編號：{}）", base.zh_tw, ids.join(", ")), format!("{} (questions: {})", base.en, ids.join(", "))),
        ));
    }
    let mut push = |code: FindingCode, pointer: String| out.push(Finding::new(code, pointer));
    if !ctx.has_sample_attachment && req.sample_output.as_deref().is_none_or(|s| s.trim().is_empty()) {
        push(FindingCode::SampleOutputMissing, "/requirement/sample_output".into());
    }

    // Rule 4: all six sources attested, each checked and explained.
    for source in ExistingSource::ALL {
        match app.existing_sources.iter().position(|s| s.source == source) {
            None => push(FindingCode::ExistingSourceNotAttested, format!("/existing_sources/{}", source.as_str())),
            Some(i) => {
                let s = &app.existing_sources[i];
                if !s.checked {
                    push(FindingCode::ExistingSourceNotChecked, format!("/existing_sources/{i}/checked"));
                }
                if s.note.trim().is_empty() {
                    push(FindingCode::ExistingSourceNoteMissing, format!("/existing_sources/{i}/note"));
                }
            }
        }
    }

    // Rule 3: personal data.
    let pd = &app.personal_data;
    let special = |code: &String| dict.field(code).is_some_and(|f| f.special);
    for (i, code) in req.fields.iter().enumerate() {
        if special(code) {
            push(FindingCode::SpecialCategoryField, format!("/requirement/fields/{i}"));
        }
    }
    for (i, code) in req.breakdowns.iter().enumerate() {
        if special(code) {
            push(FindingCode::SpecialCategoryField, format!("/requirement/breakdowns/{i}"));
        }
    }
    for (i, c) in req.filters.iter().enumerate() {
        if special(&c.field) {
            push(FindingCode::SpecialCategoryField, format!("/requirement/filters/{i}/field"));
        }
    }
    // Every place a field is used: requested, filtered on, broken down by. A
    // personal field anywhere makes the data personal (rule 3): filtering on an
    // ID number singles out a person as surely as asking for it.
    let used = used_fields(req);
    match pd.contains {
        None => push(FindingCode::PersonalDataUndeclared, "/personal_data/contains".into()),
        Some(false) => {
            if let Some((_, pointer)) = used.iter().find(|(c, _)| dict.field(c).is_some_and(|f| f.identifying || f.special)) {
                push(FindingCode::PersonalDataContradictsFields, pointer.clone());
            }
            if req.output == Some(OutputKind::Detail) {
                push(FindingCode::PersonalDataContradictsOutput, "/personal_data/contains".into());
            }
            if pd.purpose.is_some() || pd.statutory_duty.is_some() || !pd.necessity.is_empty() || pd.retention_days.is_some() {
                push(FindingCode::PersonalDataDetailsWithoutPersonalData, "/personal_data".into());
            }
        }
        Some(true) => {
            if pd.purpose.as_deref() != Some(PURPOSE_PERSONNEL_MANAGEMENT) {
                push(FindingCode::PersonalDataPurposeInvalid, "/personal_data/purpose".into());
            }
            if pd.statutory_duty.as_deref().is_none_or(|s| s.trim().is_empty()) {
                push(FindingCode::PersonalDataStatutoryDutyMissing, "/personal_data/statutory_duty".into());
            }
            match pd.retention_days {
                None | Some(0) => push(FindingCode::RetentionMissing, "/personal_data/retention_days".into()),
                Some(d) if d > crate::application::MAX_RETENTION_DAYS => {
                    push(FindingCode::RetentionTooLong, "/personal_data/retention_days".into())
                }
                Some(_) => {}
            }
            let mut noted_once: Vec<&str> = Vec::new();
            for (code, pointer) in &used {
                if !dict.field(code).is_some_and(|f| f.personal) || noted_once.contains(&code.as_str()) {
                    continue;
                }
                noted_once.push(code);
                let noted = pd.necessity.iter().any(|n| n.field == *code && !n.note.trim().is_empty());
                if !noted {
                    push(FindingCode::PersonalDataNecessityMissing, pointer.clone());
                }
            }
            for (i, n) in pd.necessity.iter().enumerate() {
                if !used.iter().any(|(c, _)| *c == n.field) {
                    push(FindingCode::PersonalDataNecessityUnrequestedField, format!("/personal_data/necessity/{i}/field"));
                }
            }
        }
    }

    // Rule 5.3: no completion deadline, not even in prose.
    for (pointer, text) in [
        ("/reason", app.reason.as_str()),
        ("/requirement/description", req.description.as_str()),
        ("/requirement/conditions", req.conditions.as_str()),
    ] {
        if mentions_deadline(text) {
            push(FindingCode::DeadlineInText, pointer.into());
        }
    }

    out.sort_by_key(|f| f.severity == Severity::Warning);
    out
}

/// Each field the requirement uses, with a pointer to where: the requested fields,
/// then the filters' fields, then the breakdowns.
fn used_fields(req: &crate::application::Requirement) -> Vec<(String, String)> {
    let fields = req.fields.iter().enumerate().map(|(i, c)| (c.clone(), format!("/requirement/fields/{i}")));
    let filters = req.filters.iter().enumerate().map(|(i, c)| (c.field.clone(), format!("/requirement/filters/{i}/field")));
    let breakdowns = req.breakdowns.iter().enumerate().map(|(i, c)| (c.clone(), format!("/requirement/breakdowns/{i}")));
    fields.chain(filters).chain(breakdowns).collect()
}

/// Findings for one structured condition: an unknown field, an operator its values
/// cannot take, the wrong number of values, values outside the code table or of
/// the wrong type — each pointing at what is wrong.
fn condition_findings(dict: &Dictionary, i: usize, c: &Condition, out: &mut Vec<Finding>) {
    let at = format!("/requirement/filters/{i}");
    let Some(field) = dict.field(&c.field) else {
        out.push(Finding::new(FindingCode::FieldUnknown, format!("{at}/field")));
        return;
    };
    let table = field.code_table.as_deref().and_then(dictionary::code_table);
    let ordered = match field.field_type {
        FieldType::Integer | FieldType::Decimal | FieldType::Date => true,
        FieldType::Code => table.is_some_and(|t| t.ordered),
        FieldType::Text => false,
    };
    if c.op.is_range() && !ordered {
        out.push(Finding::new(FindingCode::ConditionOperatorInvalid, format!("{at}/op")));
    }
    let (min, max) = c.op.arity();
    if c.values.len() < min || c.values.len() > max {
        out.push(Finding::new(FindingCode::ConditionValueCount, format!("{at}/values")));
    }
    // A value typed full-width (as a Chinese input method may) that would fit in ASCII:
    // the message says so, naming it as it should be written.
    let halfwidth_hint = |v: &str, fits: &dyn Fn(&str) -> bool| {
        let ascii = crate::values::halfwidth(v);
        if ascii != v && fits(&ascii) {
            (format!("請以半形字元填寫：「{ascii}」。"), format!(" Write it in half-width characters: \"{ascii}\"."))
        } else {
            (String::new(), String::new())
        }
    };
    for (j, v) in c.values.iter().enumerate() {
        let pointer = format!("{at}/values/{j}");
        let v = v.trim();
        if let Some(t) = table {
            if t.position(v).is_none() {
                let allowed: Vec<String> = t.values.iter().map(|x| format!("{}（{}）", x.code, x.zh_tw)).collect();
                let allowed_en: Vec<&str> = t.values.iter().map(|x| x.code.as_str()).collect();
                let base = message(FindingCode::ConditionValueNotInCodeTable);
                let hint = halfwidth_hint(v, &|a| t.position(a).is_some());
                out.push(Finding::with_message(
                    FindingCode::ConditionValueNotInCodeTable,
                    pointer,
                    Text::new(
                        format!("「{v}」{}{}可用值：{}", base.zh_tw, hint.0, allowed.join("、")),
                        format!("\"{v}\": {}{} Allowed: {}.", base.en, hint.1, allowed_en.join(", ")),
                    ),
                ));
            }
            continue;
        }
        let (fits, zh, en): (fn(&str) -> bool, _, _) = match field.field_type {
            FieldType::Integer => (|v| v.parse::<i64>().is_ok(), "整數", "a whole number"),
            FieldType::Decimal => (|v| v.parse::<f64>().is_ok_and(f64::is_finite), "數值", "a number"),
            FieldType::Date => (|v| crate::day::parse(v).is_ok(), "西元日期（YYYY-MM-DD）", "a date in the Western calendar (YYYY-MM-DD)"),
            FieldType::Code | FieldType::Text => (|v| !v.is_empty(), "非空白文字", "non-blank text"),
        };
        if !fits(v) {
            let base = message(FindingCode::ConditionValueType);
            // A date written with an ROC year: the day it stands for; a value typed
            // full-width: how to write it.
            let hint = match (field.field_type, crate::day::parse(v)) {
                (FieldType::Date, Err(e @ crate::day::DayError::RocYear { western: Some(_) })) => {
                    let t = e.text();
                    (t.zh_tw, format!(" ({})", t.en))
                }
                _ => halfwidth_hint(v, &fits),
            };
            out.push(Finding::with_message(
                FindingCode::ConditionValueType,
                pointer,
                Text::new(format!("「{v}」{}應為{zh}。{}", base.zh_tw, hint.0), format!("\"{v}\": {} It must be {en}.{}", base.en, hint.1)),
            ));
        }
    }
    if c.op == Operator::Between && c.values.len() == 2 && ordered {
        let (lo, hi) = (c.values[0].trim(), c.values[1].trim());
        let backwards = match (table, field.field_type) {
            (Some(t), _) => matches!((t.position(lo), t.position(hi)), (Some(a), Some(b)) if a > b),
            (None, FieldType::Integer | FieldType::Decimal) => {
                matches!((lo.parse::<f64>(), hi.parse::<f64>()), (Ok(a), Ok(b)) if a > b)
            }
            (None, _) => lo.len() == hi.len() && lo > hi,
        };
        if backwards {
            out.push(Finding::with_message(
                FindingCode::ConditionValueType,
                format!("{at}/values/1"),
                Text::new("區間上限小於下限。", "The upper bound is below the lower bound."),
            ));
        }
    }
}

/// Whether any finding blocks submission.
pub fn blocks(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_blocking)
}

/// A telephone number, in ASCII or full-width digits and signs (as a Chinese input
/// method types them).
fn is_phone(raw: &str) -> bool {
    let folded = crate::values::search_fold(raw);
    let s = folded.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s.chars().all(|c| c.is_ascii_digit() || " -()#+轉ext.".contains(c));
    allowed && (7..=20).contains(&digits) && s.starts_with(|c: char| c.is_ascii_digit() || c == '(' || c == '+')
}

/// An address that is not one; typed full-width (as a Chinese input method may), the
/// message says how to write it: mail goes only to an ASCII address.
fn email_finding(raw: &str) -> Finding {
    let ascii = crate::values::halfwidth(raw);
    let ascii = ascii.trim();
    if ascii != raw.trim() && is_email(ascii) {
        let base = message(FindingCode::ContactEmailInvalid);
        Finding::with_message(
            FindingCode::ContactEmailInvalid,
            "/contact/email",
            Text::new(
                format!("{}請以半形字元填寫：「{ascii}」。", base.zh_tw),
                format!("{} Write it in half-width characters: \"{ascii}\".", base.en),
            ),
        )
    } else {
        Finding::new(FindingCode::ContactEmailInvalid, "/contact/email")
    }
}

fn is_email(raw: &str) -> bool {
    let s = raw.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        // Full-width letters and signs are an input method's, not an address's.
        && crate::values::halfwidth(s) == s
}

/// Words that ask for speed or set a limit however the date is written (rule 5.3).
const DEADLINE_WORDS: &str = r"完成期限|提供期限|期限內|限期|截止日|儘速|盡速|最速件|速件|急件|\burgent(?:ly)?\b|\basap\b|\ba\.s\.a\.p\b|as soon as possible|\bdeadline|\bdue (?:date|by|on)\b|no later than|\bneeded by\b|\brequired by\b";

/// A date as people write one: 115年12月31日, 12月31日, 十二月三十一日, 2026-12-31,
/// 12/31, 月底, 年底, 下週五.
const DATE: &str = r"(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日號]|[〇零一二三四五六七八九十]+\s*月\s*[〇零一二三四五六七八九十]+\s*[日號]|\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}|[本下今明次]?(?:月底|年底|週[一二三四五六日]|星期[一二三四五六日天]|月中|旬)";

/// Verbs of delivery that turn "<date>前" into a deadline; "12月31日前到職" is a
/// condition and is not one of them.
const DELIVERY: &str = r"(?:惠予|惠請|請|務必|儘速|盡速)?\s*(?:提供|完成|送|回|函|惠|給|交|寄|產製|答|辦|核|取得|收到|處理|擲|賜|見復|復)";

/// "by <date>" in English.
const BY_DATE: &str = r"\bby\s+(?:the\s+)?(?:end\s+of|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|next\s+(?:week|month))";

fn deadline_pattern() -> &'static regex_lite::Regex {
    static PATTERN: std::sync::OnceLock<regex_lite::Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        let before = r"(?:以前|之前|前)";
        let pattern = format!(
            r"{DEADLINE_WORDS}|(?:{DATE})\s*{before}\s*{DELIVERY}|(?:請|務必|須|需|希|盼|惠|應)\s*(?:於|在)\s*(?:{DATE})\s*{before}|(?:於|在)\s*(?:{DATE})\s*{before}\s*(?:[，。,.;；!！]|$)|{BY_DATE}"
        );
        // The pattern is a constant of this module; a test compiles it.
        regex_lite::Regex::new(&pattern).unwrap_or_else(|e| panic!("deadline pattern: {e}"))
    })
}

/// Whether a text sets a completion deadline, however it is written (rule 5.3): in any
/// case, with ASCII or full-width digits and letters.
pub fn mentions_deadline(text: &str) -> bool {
    deadline_pattern().is_match(&crate::values::search_fold(text))
}

/// Findings on a message in a request's thread: a deadline set there is warned
/// as in the application (rule 5.3).
pub fn message_findings(body: &str) -> Vec<Finding> {
    if mentions_deadline(body) {
        vec![Finding::new(FindingCode::DeadlineInText, "/body")]
    } else {
        Vec::new()
    }
}

/// JSON keys by which a client tries to set a deadline; compared after lower-casing
/// and removing `_`, `-` and spaces (published in docs/integration.md).
pub const DEADLINE_KEYS: &[&str] = &[
    "deadline",
    "duedate",
    "due",
    "dueby",
    "dueon",
    "expectedcompletion",
    "expectedcompletiondate",
    "completiondate",
    "completeby",
    "completionby",
    "neededby",
    "requiredby",
    "targetdate",
    "expecteddelivery",
    "deliverydate",
    "deliverby",
    "finishby",
    "requestedcompletion",
    "期限",
    "完成期限",
    "完成日期",
];

/// Where in a raw request body a client tried to set a deadline (rule 5.3), as JSON
/// pointers. Checked before anything else so that the refusal names the rule.
pub fn deadline_pointers(value: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

fn walk(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let norm: String = k.to_lowercase().chars().filter(|c| !matches!(c, '_' | '-' | ' ')).collect();
                let pointer = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                if DEADLINE_KEYS.contains(&norm.as_str()) {
                    out.push(pointer.clone());
                }
                walk(v, pointer, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
