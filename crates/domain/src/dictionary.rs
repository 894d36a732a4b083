//! The built-in field dictionary: fields of the civil-servant resume record
//! (公務人員履歷表) that DGPA draws statistics and detail records from (rule 2).
//!
//! Flags: `personal` — data about a person's own life or record, which makes a
//! detail output personal data under the Personal Data Protection Act (rule 3);
//! `identifying` — identifies a person directly; `special` — a special category
//! under PDPA art. 6 (health and medical data, criminal records …).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 基本資料
    Basic,
    /// 學歷
    Education,
    /// 考試
    Examination,
    /// 任用（官等、職等）
    Appointment,
    /// 現職
    Position,
    /// 經歷與年資
    Service,
    /// 訓練進修
    Training,
    /// 獎懲
    AwardsDiscipline,
    /// 考績
    Performance,
    /// 待遇
    Pay,
    /// 眷屬
    Family,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Code,
    Date,
    Integer,
    Decimal,
}

/// One field of the resume record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub code: &'static str,
    pub section: Section,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub field_type: FieldType,
    pub personal: bool,
    pub identifying: bool,
    pub special: bool,
}

const fn f(
    code: &'static str,
    section: Section,
    name_zh: &'static str,
    name_en: &'static str,
    field_type: FieldType,
    flags: (bool, bool, bool),
) -> FieldDef {
    FieldDef { code, section, name_zh, name_en, field_type, personal: flags.0, identifying: flags.1, special: flags.2 }
}

use FieldType::*;
use Section::*;

/// Not about the person: organisational attributes usable in any statistic.
const ORG: (bool, bool, bool) = (false, false, false);
/// About the person.
const PER: (bool, bool, bool) = (true, false, false);
/// Identifies the person.
const IDN: (bool, bool, bool) = (true, true, false);
/// PDPA art. 6 special category.
const SPC: (bool, bool, bool) = (true, false, true);

pub static FIELDS: &[FieldDef] = &[
    // 基本資料
    f("id_number", Basic, "身分證統一編號", "national ID number", Text, IDN),
    f("name", Basic, "姓名", "name", Text, IDN),
    f("sex", Basic, "性別", "sex", Code, PER),
    f("birth_date", Basic, "出生日期", "date of birth", Date, PER),
    f("age", Basic, "年齡", "age (at the reference date)", Integer, PER),
    f("nationality", Basic, "國籍", "nationality", Code, PER),
    f("dual_nationality", Basic, "是否具雙重國籍", "dual nationality", Code, PER),
    f("indigenous_group", Basic, "原住民族別", "indigenous people group", Code, PER),
    f("disability_category", Basic, "身心障礙類別", "disability category", Code, SPC),
    f("disability_degree", Basic, "身心障礙等級", "disability degree", Code, SPC),
    f("marital_status", Basic, "婚姻狀況", "marital status", Code, PER),
    f("household_registration", Basic, "戶籍地址", "household registration address", Text, IDN),
    f("mailing_address", Basic, "通訊地址", "mailing address", Text, IDN),
    f("personal_email", Basic, "電子郵件信箱", "personal e-mail address", Text, IDN),
    // 學歷
    f("education_level", Education, "最高學歷", "highest education level", Code, PER),
    f("school_name", Education, "學校名稱", "school", Text, PER),
    f("department", Education, "院系科別", "department / major", Text, PER),
    f("degree", Education, "學位", "degree", Code, PER),
    f("graduation_date", Education, "畢業年月", "graduation date", Date, PER),
    f("study_mode", Education, "修業類別（日間、在職）", "mode of study", Code, PER),
    // 考試
    f("exam_name", Examination, "考試名稱", "examination", Text, PER),
    f("exam_year", Examination, "考試年度", "examination year", Integer, PER),
    f("exam_grade", Examination, "考試等級", "examination level", Code, PER),
    f("exam_category", Examination, "考試類科", "examination category", Code, PER),
    f("exam_certificate_number", Examination, "考試及格證書字號", "examination certificate number", Text, IDN),
    // 任用
    f("official_rank", Appointment, "官等", "official rank (簡任/薦任/委任)", Code, ORG),
    f("grade", Appointment, "職等", "grade (1–14)", Code, ORG),
    f("position_series", Appointment, "職系", "position series", Code, ORG),
    f("appointment_category", Appointment, "任用類別", "appointment category", Code, ORG),
    f("appointment_qualification", Appointment, "任用資格", "appointment qualification", Code, PER),
    f("personnel_category", Appointment, "人員區分", "personnel category (general, police, teacher …)", Code, ORG),
    f("appointment_date", Appointment, "到職日期", "date of taking up the current post", Date, PER),
    // 現職
    f("agency_code", Position, "服務機關代碼", "agency code", Code, ORG),
    f("agency_name", Position, "服務機關名稱", "agency", Text, ORG),
    f("unit", Position, "服務單位", "unit", Text, ORG),
    f("position_title", Position, "職稱", "position title", Code, ORG),
    f("position_grade_range", Position, "職務列等", "grade range of the position", Code, ORG),
    f("is_supervisor", Position, "是否為主管", "supervisory position", Code, ORG),
    f("acting_status", Position, "代理／兼任", "acting or concurrent post", Code, ORG),
    f("employment_status", Position, "在職狀態", "employment status (in service, on leave …)", Code, PER),
    // 經歷與年資
    f("first_appointment_date", Service, "初任公職日期", "date of first public-service appointment", Date, PER),
    f("service_years", Service, "公務年資", "years of public service", Decimal, PER),
    f("previous_positions", Service, "經歷", "previous positions", Text, PER),
    f("retirement_date", Service, "退休日期", "retirement date", Date, PER),
    f("separation_reason", Service, "離職原因", "reason for leaving", Code, PER),
    // 訓練進修
    f("training_course", Training, "訓練課程名稱", "training course", Text, PER),
    f("training_hours", Training, "訓練時數", "training hours", Decimal, PER),
    f("training_institution", Training, "訓練機構", "training institution", Text, PER),
    f("training_year", Training, "訓練年度", "training year", Integer, PER),
    f("language_certificate", Training, "語文檢定", "language proficiency certificate", Code, PER),
    // 獎懲
    f("award_type", AwardsDiscipline, "獎勵種類（嘉獎、記功、記大功）", "commendation (嘉獎, 記功, 記大功)", Code, PER),
    f("award_reason", AwardsDiscipline, "獎勵事由", "reason for commendation", Text, PER),
    f("discipline_type", AwardsDiscipline, "懲處種類（申誡、記過、記大過）", "administrative sanction (申誡, 記過, 記大過)", Code, PER),
    f("discipline_reason", AwardsDiscipline, "懲處事由", "reason for sanction", Text, PER),
    f("disciplinary_sanction", AwardsDiscipline, "懲戒處分", "disciplinary punishment (懲戒法院)", Code, SPC),
    f("criminal_conviction", AwardsDiscipline, "刑事判決紀錄", "criminal conviction record", Text, SPC),
    // 考績
    f("performance_year", Performance, "考績年度", "performance-rating year", Integer, PER),
    f("performance_rating", Performance, "考績等次（甲、乙、丙、丁）", "performance rating (甲, 乙, 丙, 丁)", Code, PER),
    f("performance_score", Performance, "考績分數", "performance score", Integer, PER),
    // 待遇
    f("salary_grade", Pay, "俸級", "salary step", Code, PER),
    f("salary_points", Pay, "俸點", "salary points", Integer, PER),
    f("supervisory_allowance", Pay, "主管職務加給", "supervisory allowance", Decimal, PER),
    f("professional_allowance", Pay, "專業加給", "professional allowance", Decimal, PER),
    // 眷屬
    f("dependents_count", Family, "眷屬人數", "number of dependants", Integer, PER),
    f("children_count", Family, "子女人數", "number of children", Integer, PER),
];

/// Looks a field up by its code.
pub fn field(code: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_the_record_is_broad() {
        let mut codes: Vec<_> = FIELDS.iter().map(|f| f.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FIELDS.len());
        assert!(FIELDS.len() >= 40);
        for section in [Basic, Education, Examination, Appointment, Position, Service, Training, AwardsDiscipline, Performance, Pay] {
            assert!(FIELDS.iter().any(|f| f.section == section), "{section:?} has no field");
        }
    }

    #[test]
    fn identifying_and_special_fields_are_personal() {
        for f in FIELDS {
            if f.identifying || f.special {
                assert!(f.personal, "{} is identifying or special but not personal", f.code);
            }
        }
        assert!(field("id_number").is_some_and(|f| f.identifying));
        assert!(field("grade").is_some_and(|f| !f.personal));
        assert!(field("no_such_field").is_none());
    }
}
