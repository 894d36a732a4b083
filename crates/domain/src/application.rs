//! The application form of rule 5.1 and its annex, as the applicant fills it in.
//!
//! A draft may be incomplete: every part has a default, and eligibility
//! (`crate::eligibility`) says what is missing. Shape limits (lengths, counts) are
//! checked at the boundary by [`Application::shape_errors`] so that nothing
//! oversized is ever stored.

use serde::{Deserialize, Serialize};

use crate::eligibility::{Finding, FindingCode};

/// One application (申請表) for statistics or detail records.
///
/// A draft may be saved with anything missing. **To submit**, `POST /requests/{id}/check`
/// must find nothing of severity `error`, which needs: `contact.name`, a valid
/// `contact.phone` and `contact.email`, `reason`, `requirement.output`,
/// `requirement.description` and at least one of `requirement.fields`, every one a
/// dictionary code (rule 5.1); each of the six `existing_sources` attested `checked`
/// with a `note` (rule 4); `personal_data.contains` declared, and when `true`,
/// `purpose` `personnel_management`, a `statutory_duty`, a `necessity` note for each
/// personal field and `retention_days` 1–365 (rules 3, 6). No completion deadline
/// anywhere (rule 5.3). `docs/examples/application.json` is a complete one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// The applicant's contact details (聯絡資訊). Rule 5.1.
    #[serde(default)]
    pub contact: Contact,
    /// The reason for the application (申請事由). Rule 5.1. Required to submit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 8000))]
    pub reason: String,
    /// What is wanted (需求說明): output kind, fields and conditions. Rule 5.1.
    #[serde(default)]
    pub requirement: Requirement,
    /// Whether the result holds personal data, and why that is lawful. Rule 3.
    #[serde(default)]
    pub personal_data: PersonalData,
    /// The attestation that the existing sources of rule 4 cannot answer the need.
    #[serde(default)]
    pub existing_sources: Vec<SourceAttestation>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 申請人姓名. Required to submit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name: String,
    /// 聯絡電話, e.g. `02-2397-9298#123`. Required to submit (a telephone number).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub phone: String,
    /// 電子郵件. Required to submit (an e-mail address).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub email: String,
}

/// Statistical figures (統計數值) or detail records (明細資料). Rule 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    Statistics,
    Detail,
}

impl OutputKind {
    /// Its name on the form.
    pub fn label(self) -> crate::message::Text {
        match self {
            OutputKind::Statistics => crate::message::Text::new("統計數值", "statistical figures"),
            OutputKind::Detail => crate::message::Text::new("明細資料", "detail records"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Statistics or detail records. Required to submit.
    #[serde(default)]
    pub output: Option<OutputKind>,
    /// Requested fields, as codes of the field dictionary (`GET /dictionary/fields`).
    /// At least one is required to submit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub fields: Vec<String>,
    /// The conditions (查詢條件) in the applicant's words, e.g. "在職人員，113年12月31日為基準日".
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 8000))]
    pub conditions: String,
    /// The conditions as checked expressions on dictionary fields, all of which
    /// must hold, e.g. `{"field": "official_rank", "op": "in", "values": ["junior", "senior"]}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub filters: Vec<Condition>,
    /// For statistics: the fields to break the figures down by (統計分組), as
    /// dictionary codes, e.g. `["agency_code", "sex"]`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub breakdowns: Vec<String>,
    /// The description of the requirement in the applicant's words (需求說明).
    /// Required to submit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 8000))]
    pub description: String,
    /// A sample of the desired output layout (輸出格式範例); recommended by the form.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 8000))]
    pub sample_output: Option<String>,
}

/// One condition on a dictionary field (rule 7): `field op values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// A dictionary field code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub field: String,
    pub op: Operator,
    /// One value (`eq` … `ge`), two (`between`, inclusive) or a list (`in`,
    /// `not_in`); codes of the field's code table for coded fields, `YYYY-MM-DD`
    /// for dates, numbers for numbers.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    Eq,
    Ne,
    In,
    NotIn,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Ne => "ne",
            Operator::In => "in",
            Operator::NotIn => "not_in",
            Operator::Lt => "lt",
            Operator::Le => "le",
            Operator::Gt => "gt",
            Operator::Ge => "ge",
            Operator::Between => "between",
        }
    }

    /// Compares order, so the field's values must have one.
    pub fn is_range(self) -> bool {
        matches!(self, Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge | Operator::Between)
    }

    /// How many values it takes: (at least, at most).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Operator::In | Operator::NotIn => (1, limits::MAX_VALUES),
            Operator::Between => (2, 2),
            _ => (1, 1),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// 是否含個人資料: must be declared (`true` or `false`) to submit.
    #[serde(default)]
    pub contains: Option<bool>,
    /// The specific purpose; rule 3 admits only `personnel_management` (人事管理).
    /// Required to submit when `contains` is `true`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub purpose: Option<String>,
    /// The statutory duty the data serves (法定職務), with its legal basis.
    /// Required to submit when `contains` is `true`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub statutory_duty: Option<String>,
    /// Why each personal field is necessary (必要性說明). Rule 3. Required to submit,
    /// one per personal field requested, filtered on or broken down by.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub necessity: Vec<NecessityNote>,
    /// How many days after delivery the office keeps the data before destroying it
    /// (rule 6); 1 to [`MAX_RETENTION_DAYS`] (365), required to submit when
    /// `contains` is `true`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64))]
    pub retention_days: Option<u32>,
}

/// DGPA's maximum retention of delivered personal data, in days after delivery.
pub const MAX_RETENTION_DAYS: u32 = 365;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NecessityNote {
    /// A dictionary field code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

/// The six existing sources an applicant must try first. Rule 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExistingSource {
    /// Statistics published on DGPA's website (rule 4.1).
    DgpaPublishedStatistics,
    /// Statistics published by other agencies (rule 4.1).
    OtherAgencyStatistics,
    /// WebHR 各子系統統計報表 (rule 4.2).
    WebhrSubsystemReports,
    /// WebHR 統計子系統批次作業 (rule 4.2).
    WebhrStatisticsBatch,
    /// WebHR 一般及彈性選員 (rule 4.2).
    WebhrPersonnelSelection,
    /// WebHR 圖像化查詢工具 (rule 4.2).
    WebhrGraphicalQuery,
}

impl ExistingSource {
    pub const ALL: [ExistingSource; 6] = [
        ExistingSource::DgpaPublishedStatistics,
        ExistingSource::OtherAgencyStatistics,
        ExistingSource::WebhrSubsystemReports,
        ExistingSource::WebhrStatisticsBatch,
        ExistingSource::WebhrPersonnelSelection,
        ExistingSource::WebhrGraphicalQuery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExistingSource::DgpaPublishedStatistics => "dgpa_published_statistics",
            ExistingSource::OtherAgencyStatistics => "other_agency_statistics",
            ExistingSource::WebhrSubsystemReports => "webhr_subsystem_reports",
            ExistingSource::WebhrStatisticsBatch => "webhr_statistics_batch",
            ExistingSource::WebhrPersonnelSelection => "webhr_personnel_selection",
            ExistingSource::WebhrGraphicalQuery => "webhr_graphical_query",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ExistingSource::DgpaPublishedStatistics => "人事總處網站公布之人事統計",
            ExistingSource::OtherAgencyStatistics => "其他機關公布之人事統計",
            ExistingSource::WebhrSubsystemReports => "WebHR 各子系統統計報表",
            ExistingSource::WebhrStatisticsBatch => "WebHR 統計子系統批次作業",
            ExistingSource::WebhrPersonnelSelection => "WebHR 一般及彈性選員",
            ExistingSource::WebhrGraphicalQuery => "WebHR 圖像化查詢工具",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ExistingSource::DgpaPublishedStatistics => "statistics published on DGPA's website",
            ExistingSource::OtherAgencyStatistics => "statistics published by other agencies",
            ExistingSource::WebhrSubsystemReports => "WebHR subsystem statistical reports",
            ExistingSource::WebhrStatisticsBatch => "WebHR statistics subsystem batch jobs",
            ExistingSource::WebhrPersonnelSelection => "WebHR general and flexible personnel selection",
            ExistingSource::WebhrGraphicalQuery => "WebHR graphical query tool",
        }
    }
}

/// "I checked this source and it cannot produce the data, because …". Rule 4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceAttestation {
    pub source: ExistingSource,
    /// The applicant checked this source. Must be `true` to submit (rule 4).
    #[serde(default)]
    pub checked: bool,
    /// Why it does not serve (what was tried, what was missing). Required to submit.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

/// A partial update of a draft: each section given replaces that section whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationPatch {
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 8000))]
    pub reason: Option<String>,
    #[serde(default)]
    pub requirement: Option<Requirement>,
    #[serde(default)]
    pub personal_data: Option<PersonalData>,
    #[serde(default)]
    pub existing_sources: Option<Vec<SourceAttestation>>,
}

impl ApplicationPatch {
    pub fn apply(self, app: &mut Application) {
        if let Some(v) = self.contact {
            app.contact = v;
        }
        if let Some(v) = self.reason {
            app.reason = v;
        }
        if let Some(v) = self.requirement {
            app.requirement = v;
        }
        if let Some(v) = self.personal_data {
            app.personal_data = v;
        }
        if let Some(v) = self.existing_sources {
            app.existing_sources = v;
        }
    }
}

/// Shape limits, checked at the boundary so that nothing oversized is stored.
pub mod limits {
    pub const SHORT_TEXT: usize = 200;
    pub const NOTE: usize = 2_000;
    /// The reason DGPA gives for a correction (hold, re-rating, marking personal).
    pub const REASON: usize = 1_000;
    pub const LONG_TEXT: usize = 8_000;
    pub const MAX_FIELDS: usize = 200;
    pub const MAX_FIELD_CODE: usize = 64;
    pub const MAX_FILTERS: usize = 50;
    pub const MAX_VALUES: usize = 200;
    pub const MAX_BREAKDOWNS: usize = 20;
}

/// How many characters of a reason name a request where space is short.
pub const HEADLINE_CHARS: usize = 40;

/// A request's reason (申請事由) as a headline — in a heading, a list, the queue, a
/// notice: on one line (runs of white space are one space) and at most
/// [`HEADLINE_CHARS`] characters, with "…" when cut. The reason may run to
/// [`limits::LONG_TEXT`].
pub fn headline(reason: &str) -> String {
    let one_line = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(HEADLINE_CHARS) {
        Some((cut, _)) => format!("{}…", one_line[..cut].trim_end()),
        None => one_line,
    }
}

/// The name a contact person goes by, from an account's display name: the name
/// without the office it names in brackets at its end (王小明（內政部人事處） → 王小明,
/// "Wang (MOI) " → "Wang"), as the application form's 申請人姓名 asks. A name that is
/// all brackets is kept as it is.
pub fn contact_name(display_name: &str) -> String {
    let name = display_name.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = name.strip_suffix(close) {
            if let Some(at) = inner.rfind(open) {
                let bare = inner[..at].trim_end();
                if !bare.is_empty() {
                    return bare.to_string();
                }
            }
        }
    }
    name.to_string()
}

impl Application {
    /// Length and count violations, each an error finding with a pointer. A body
    /// with any of these is refused as a whole (nothing is stored).
    pub fn shape_errors(&self) -> Vec<Finding> {
        use limits::*;
        let mut out = Vec::new();
        let mut text = |pointer: String, value: &str, max: usize| {
            if value.chars().count() > max {
                out.push(Finding::too_long(pointer, max));
            }
        };
        text("/contact/name".into(), &self.contact.name, SHORT_TEXT);
        text("/contact/phone".into(), &self.contact.phone, SHORT_TEXT);
        text("/contact/email".into(), &self.contact.email, SHORT_TEXT);
        text("/reason".into(), &self.reason, LONG_TEXT);
        text("/requirement/conditions".into(), &self.requirement.conditions, LONG_TEXT);
        text("/requirement/description".into(), &self.requirement.description, LONG_TEXT);
        text("/requirement/sample_output".into(), self.requirement.sample_output.as_deref().unwrap_or(""), LONG_TEXT);
        text("/personal_data/purpose".into(), self.personal_data.purpose.as_deref().unwrap_or(""), SHORT_TEXT);
        text("/personal_data/statutory_duty".into(), self.personal_data.statutory_duty.as_deref().unwrap_or(""), NOTE);
        for (i, f) in self.requirement.fields.iter().enumerate() {
            text(format!("/requirement/fields/{i}"), f, MAX_FIELD_CODE);
        }
        for (i, c) in self.requirement.filters.iter().enumerate() {
            text(format!("/requirement/filters/{i}/field"), &c.field, MAX_FIELD_CODE);
            for (j, v) in c.values.iter().enumerate() {
                text(format!("/requirement/filters/{i}/values/{j}"), v, SHORT_TEXT);
            }
        }
        for (i, f) in self.requirement.breakdowns.iter().enumerate() {
            text(format!("/requirement/breakdowns/{i}"), f, MAX_FIELD_CODE);
        }
        for (i, n) in self.personal_data.necessity.iter().enumerate() {
            text(format!("/personal_data/necessity/{i}/field"), &n.field, MAX_FIELD_CODE);
            text(format!("/personal_data/necessity/{i}/note"), &n.note, NOTE);
        }
        for (i, s) in self.existing_sources.iter().enumerate() {
            text(format!("/existing_sources/{i}/note"), &s.note, NOTE);
        }
        if self.requirement.fields.len() > MAX_FIELDS {
            out.push(Finding::too_many("/requirement/fields".into(), MAX_FIELDS));
        }
        if self.requirement.filters.len() > MAX_FILTERS {
            out.push(Finding::too_many("/requirement/filters".into(), MAX_FILTERS));
        }
        for (i, c) in self.requirement.filters.iter().enumerate() {
            if c.values.len() > MAX_VALUES {
                out.push(Finding::too_many(format!("/requirement/filters/{i}/values"), MAX_VALUES));
            }
        }
        if self.requirement.breakdowns.len() > MAX_BREAKDOWNS {
            out.push(Finding::too_many("/requirement/breakdowns".into(), MAX_BREAKDOWNS));
        }
        if self.personal_data.necessity.len() > MAX_FIELDS {
            out.push(Finding::too_many("/personal_data/necessity".into(), MAX_FIELDS));
        }
        if self.existing_sources.len() > ExistingSource::ALL.len() {
            out.push(Finding::too_many("/existing_sources".into(), ExistingSource::ALL.len()));
        }
        let mut seen = Vec::new();
        for (i, s) in self.existing_sources.iter().enumerate() {
            if seen.contains(&s.source) {
                out.push(Finding::new(FindingCode::ExistingSourceDuplicate, format!("/existing_sources/{i}/source")));
            }
            seen.push(s.source);
        }
        out
    }

    /// Does the application, as declared, hold personal data?
    pub fn declares_personal_data(&self) -> bool {
        self.personal_data.contains == Some(true)
    }
}

#[cfg(test)]
mod headline_tests {
    #[test]
    fn a_reason_is_one_line_of_at_most_forty_characters() {
        assert_eq!(super::headline("  研議\n人力配置 "), "研議 人力配置");
        let forty = "人".repeat(40);
        assert_eq!(super::headline(&forty), forty, "forty fit");
        assert_eq!(super::headline(&format!("{forty}力")), format!("{forty}…"));
        assert_eq!(super::headline(&"事由".repeat(4_000)).chars().count(), 41);
        assert_eq!(super::headline(""), "");
    }

    #[test]
    fn a_contact_goes_by_the_name_without_the_office() {
        assert_eq!(super::contact_name("林怡君（警政署人事室）"), "林怡君");
        assert_eq!(super::contact_name(" Wang Hsiao-ming (MOI) "), "Wang Hsiao-ming");
        assert_eq!(super::contact_name("王小明"), "王小明");
        assert_eq!(super::contact_name("（人事室）"), "（人事室）", "nothing but the brackets: kept");
        assert_eq!(super::contact_name("陳（大）明"), "陳（大）明", "brackets inside a name stay");
    }
}
