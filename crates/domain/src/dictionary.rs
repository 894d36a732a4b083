//! The field dictionary: fields of the civil-servant resume record (公務人員履歷表)
//! that DGPA draws statistics and detail records from (rules 2, 7), and the code
//! tables of their coded values (官等, 職等, 學歷 …).
//!
//! The dictionary is data: DGPA's administrators edit it (the store keeps it and its
//! history). [`seed`] is the built-in starting point; [`Dictionary`] is what the
//! rules are checked against. Code tables are fixed by statute and live here.
//!
//! Flags: `personal` — data about a person's own life or record, which makes a
//! detail output personal data under the Personal Data Protection Act (rule 3);
//! `identifying` — identifies a person directly; `special` — a special category
//! under PDPA art. 6 (health and medical data, criminal records …).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::message::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Basic => "basic",
            Section::Education => "education",
            Section::Examination => "examination",
            Section::Appointment => "appointment",
            Section::Position => "position",
            Section::Service => "service",
            Section::Training => "training",
            Section::AwardsDiscipline => "awards_discipline",
            Section::Performance => "performance",
            Section::Pay => "pay",
            Section::Family => "family",
        }
    }
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

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Code => "code",
            FieldType::Date => "date",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
        }
    }
}

/// One field of the resume record, as DGPA defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable code, `[a-z][a-z0-9_]*`, e.g. `official_rank`.
    pub code: String,
    pub section: Section,
    pub name_zh: String,
    pub name_en: String,
    /// What exactly the field holds: reference date, unit, what counts (rule 7).
    #[serde(default = "Text::empty")]
    pub definition: Text,
    pub field_type: FieldType,
    /// The code table of its values (for `code` fields), see `GET /dictionary/code-tables`.
    #[serde(default)]
    pub code_table: Option<String>,
    /// Data about a person's own life or record (rule 3).
    pub personal: bool,
    /// Identifies a person directly.
    pub identifying: bool,
    /// Special category under PDPA art. 6.
    pub special: bool,
}

/// The limits of a field definition.
pub const MAX_CODE: usize = 64;
pub const MAX_NAME: usize = 200;
pub const MAX_DEFINITION: usize = 2_000;

impl Field {
    /// What is wrong with a definition an administrator gives, as (pointer, message).
    pub fn problems(&self) -> Vec<(String, Text)> {
        let mut out = Vec::new();
        if !is_code(&self.code) {
            out.push((
                "/code".into(),
                Text::new(
                    "欄位代碼須以小寫英文字母開頭，僅含小寫英數字及底線，最多 64 字。",
                    "A field code starts with a lower-case letter and holds only a–z, 0–9 and _ (64 at most).",
                ),
            ));
        }
        for (pointer, value, max) in [
            ("/name_zh", &self.name_zh, MAX_NAME),
            ("/name_en", &self.name_en, MAX_NAME),
            ("/definition/zh_tw", &self.definition.zh_tw, MAX_DEFINITION),
            ("/definition/en", &self.definition.en, MAX_DEFINITION),
        ] {
            if value.chars().count() > max {
                out.push((pointer.into(), Text::new(format!("內容過長，最多 {max} 字。"), format!("Too long: at most {max} characters."))));
            }
        }
        for (pointer, value) in [("/name_zh", &self.name_zh), ("/name_en", &self.name_en)] {
            if value.trim().is_empty() {
                out.push((pointer.into(), Text::new("請填寫欄位名稱。", "Enter the field's name.")));
            }
        }
        match (&self.code_table, self.field_type) {
            (Some(t), FieldType::Code) if code_table(t).is_none() => {
                out.push(("/code_table".into(), Text::new(format!("代碼表「{t}」不存在。"), format!("There is no code table \"{t}\"."))))
            }
            (Some(_), t) if t != FieldType::Code => {
                out.push(("/code_table".into(), Text::new("僅代碼型欄位可指定代碼表。", "Only a field of type code has a code table.")))
            }
            _ => {}
        }
        if (self.identifying || self.special) && !self.personal {
            out.push((
                "/personal".into(),
                Text::new("可識別個人或特種個人資料之欄位必屬個人資料。", "An identifying or special-category field is personal data."),
            ));
        }
        out
    }

    /// Matches a search: the code or either name holds `needle`, in either case and
    /// either width ([`crate::values::search_holds`]).
    pub fn matches(&self, needle: &str) -> bool {
        [&self.code, &self.name_zh, &self.name_en].into_iter().any(|h| crate::values::search_holds(h, needle))
    }
}

fn is_code(s: &str) -> bool {
    s.len() <= MAX_CODE
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The fields rules are checked against, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    fields: Vec<Field>,
    index: HashMap<String, usize>,
}

impl Dictionary {
    pub fn new(mut fields: Vec<Field>) -> Self {
        fields.sort_by_key(|f| (section_order(f.section), f.code.clone()));
        let index = fields.iter().enumerate().map(|(i, f)| (f.code.clone(), i)).collect();
        Self { fields, index }
    }

    /// The built-in dictionary, for checks made without a server (the browser's
    /// live hints) and for tests.
    pub fn builtin() -> &'static Dictionary {
        static BUILTIN: LazyLock<Dictionary> = LazyLock::new(|| Dictionary::new(seed()));
        &BUILTIN
    }

    pub fn field(&self, code: &str) -> Option<&Field> {
        self.index.get(code).map(|&i| &self.fields[i])
    }

    /// In the record's order: by section, then code.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

fn section_order(s: Section) -> u8 {
    s as u8
}

/// One coded value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeValue {
    pub code: String,
    pub zh_tw: String,
    pub en: String,
}

/// The values a coded field may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeTable {
    pub code: String,
    pub name: Text,
    /// Values are listed lowest first and may be compared (`lt`, `between` …).
    pub ordered: bool,
    pub values: Vec<CodeValue>,
}

impl CodeTable {
    /// The position of a value, for ordered comparisons.
    pub fn position(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v.code == value)
    }
}

fn table(code: &str, zh: &str, en: &str, ordered: bool, values: &[(&str, &str, &str)]) -> CodeTable {
    CodeTable {
        code: code.into(),
        name: Text::new(zh, en),
        ordered,
        values: values.iter().map(|(c, z, e)| CodeValue { code: (*c).into(), zh_tw: (*z).into(), en: (*e).into() }).collect(),
    }
}

static CODE_TABLES: LazyLock<Vec<CodeTable>> = LazyLock::new(|| {
    let grades: Vec<(String, String, String)> = (1..=14).map(|g| (g.to_string(), format!("第{g}職等"), format!("grade {g}"))).collect();
    let grades: Vec<(&str, &str, &str)> = grades.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    vec![
        table("sex", "性別", "sex", false, &[("M", "男", "male"), ("F", "女", "female")]),
        table("yes_no", "是否", "yes or no", false, &[("Y", "是", "yes"), ("N", "否", "no")]),
        table(
            "official_rank",
            "官等",
            "official rank",
            true,
            &[("elementary", "委任", "elementary (委任)"), ("junior", "薦任", "junior (薦任)"), ("senior", "簡任", "senior (簡任)")],
        ),
        table("grade", "職等", "grade", true, &grades),
        table(
            "education_level",
            "學歷",
            "education level",
            true,
            &[
                ("junior_high", "國中以下", "junior high school or below"),
                ("senior_high", "高中（職）", "senior high or vocational school"),
                ("associate", "專科", "junior college"),
                ("bachelor", "大學", "bachelor's degree"),
                ("master", "碩士", "master's degree"),
                ("doctorate", "博士", "doctorate"),
            ],
        ),
        table(
            "degree",
            "學位",
            "degree",
            true,
            &[("bachelor", "學士", "bachelor"), ("master", "碩士", "master"), ("doctorate", "博士", "doctor")],
        ),
        table(
            "performance_rating",
            "考績等次",
            "performance rating",
            true,
            &[("D", "丁等", "D (丁)"), ("C", "丙等", "C (丙)"), ("B", "乙等", "B (乙)"), ("A", "甲等", "A (甲)")],
        ),
        table(
            "performance_kind",
            "考績種類",
            "kind of performance rating",
            false,
            &[("annual", "年終考績", "year-end"), ("separate", "另予考績", "separate"), ("special", "專案考績", "special")],
        ),
        table(
            "marital_status",
            "婚姻狀況",
            "marital status",
            false,
            &[
                ("single", "未婚", "single"),
                ("married", "已婚", "married"),
                ("divorced", "離婚", "divorced"),
                ("widowed", "喪偶", "widowed"),
            ],
        ),
        table(
            "employment_status",
            "在職狀態",
            "employment status",
            false,
            &[
                ("in_service", "在職", "in service"),
                ("leave_without_pay", "留職停薪", "on leave without pay"),
                ("suspended", "停職", "suspended"),
                ("seconded", "借調", "seconded"),
            ],
        ),
        table(
            "exam_grade",
            "考試等級",
            "examination level",
            true,
            &[
                ("elementary", "初等考試、特考五等", "elementary (初等, special 5th)"),
                ("ordinary", "普通考試、特考四等", "ordinary (普考, special 4th)"),
                ("senior_3", "高等考試三級、特考三等", "senior grade 3 (高考三級, special 3rd)"),
                ("senior_2", "高等考試二級、特考二等", "senior grade 2 (高考二級, special 2nd)"),
                ("senior_1", "高等考試一級、特考一等", "senior grade 1 (高考一級, special 1st)"),
            ],
        ),
        table(
            "award_type",
            "獎勵種類",
            "commendation",
            true,
            &[
                ("commendation", "嘉獎", "commendation (嘉獎)"),
                ("merit", "記功", "merit (記功)"),
                ("major_merit", "記大功", "major merit (記大功)"),
            ],
        ),
        table(
            "discipline_type",
            "懲處種類",
            "administrative sanction",
            true,
            &[
                ("reprimand", "申誡", "reprimand (申誡)"),
                ("demerit", "記過", "demerit (記過)"),
                ("major_demerit", "記大過", "major demerit (記大過)"),
            ],
        ),
        table(
            "personnel_category",
            "人員區分",
            "personnel category",
            false,
            &[
                ("general", "一般公務人員", "general civil servants"),
                ("police", "警察人員", "police"),
                ("medical", "醫事人員", "medical staff"),
                ("teacher", "公立學校教師", "public-school teachers"),
                ("enterprise", "公營事業人員", "state-owned enterprise staff"),
                ("contract", "約聘僱人員", "contract staff"),
            ],
        ),
        table(
            "government_level",
            "中央或地方",
            "central or local",
            false,
            &[("central", "中央機關", "central government"), ("local", "地方機關", "local government")],
        ),
    ]
});

/// The code tables, by code.
pub fn code_tables() -> &'static [CodeTable] {
    &CODE_TABLES
}

pub fn code_table(code: &str) -> Option<&'static CodeTable> {
    CODE_TABLES.iter().find(|t| t.code == code)
}

/// A row of the built-in seed.
struct SeedField {
    code: &'static str,
    section: Section,
    name_zh: &'static str,
    name_en: &'static str,
    field_type: FieldType,
    flags: (bool, bool, bool),
}

const fn f(
    code: &'static str,
    section: Section,
    name_zh: &'static str,
    name_en: &'static str,
    field_type: FieldType,
    flags: (bool, bool, bool),
) -> SeedField {
    SeedField { code, section, name_zh, name_en, field_type, flags }
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

static SEED: &[SeedField] = &[
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
    f("english_name", Basic, "英文姓名", "name in English", Text, IDN),
    f("birth_place", Basic, "出生地", "place of birth", Code, PER),
    f("contact_phone", Basic, "聯絡電話", "contact telephone", Text, IDN),
    // 學歷
    f("education_level", Education, "最高學歷", "highest education level", Code, PER),
    f("school_name", Education, "學校名稱", "school", Text, PER),
    f("department", Education, "院系科別", "department / major", Text, PER),
    f("degree", Education, "學位", "degree", Code, PER),
    f("graduation_date", Education, "畢業年月", "graduation date", Date, PER),
    f("study_mode", Education, "修業類別（日間、在職）", "mode of study", Code, PER),
    f("education_country", Education, "畢業學校國別", "country of the school", Code, PER),
    f("education_start_date", Education, "修業起日", "start of studies", Date, PER),
    // 考試
    f("exam_name", Examination, "考試名稱", "examination", Text, PER),
    f("exam_year", Examination, "考試年度", "examination year", Integer, PER),
    f("exam_grade", Examination, "考試等級", "examination level", Code, PER),
    f("exam_category", Examination, "考試類科", "examination category", Code, PER),
    f("exam_certificate_number", Examination, "考試及格證書字號", "examination certificate number", Text, IDN),
    f("exam_pass_date", Examination, "考試及格日期", "date of passing the examination", Date, PER),
    // 任用
    f("official_rank", Appointment, "官等", "official rank (簡任/薦任/委任)", Code, ORG),
    f("grade", Appointment, "職等", "grade (1–14)", Code, ORG),
    f("position_series", Appointment, "職系", "position series", Code, ORG),
    f("appointment_category", Appointment, "任用類別", "appointment category", Code, ORG),
    f("appointment_qualification", Appointment, "任用資格", "appointment qualification", Code, PER),
    f("personnel_category", Appointment, "人員區分", "personnel category (general, police, teacher …)", Code, ORG),
    f("appointment_date", Appointment, "到職日期", "date of taking up the current post", Date, PER),
    f("review_result", Appointment, "銓敘審定結果", "result of the Ministry of Civil Service's review (銓敘審定)", Code, PER),
    f("review_date", Appointment, "銓敘審定日期", "date of the review (銓敘審定)", Date, PER),
    // 現職
    f("agency_code", Position, "服務機關代碼", "agency code", Code, ORG),
    f("agency_name", Position, "服務機關名稱", "agency", Text, ORG),
    f("unit", Position, "服務單位", "unit", Text, ORG),
    f("position_title", Position, "職稱", "position title", Code, ORG),
    f("position_grade_range", Position, "職務列等", "grade range of the position", Code, ORG),
    f("is_supervisor", Position, "是否為主管", "supervisory position", Code, ORG),
    f("acting_status", Position, "代理／兼任", "acting or concurrent post", Code, ORG),
    f("employment_status", Position, "在職狀態", "employment status (in service, on leave …)", Code, PER),
    f("agency_level", Position, "機關層級", "level of the agency (一級、二級 …)", Code, ORG),
    f("government_level", Position, "中央或地方機關", "central or local government", Code, ORG),
    f("work_county", Position, "辦公地點縣市", "county or city of the workplace", Code, ORG),
    f("position_number", Position, "職務編號", "post number", Text, ORG),
    // 經歷與年資
    f("first_appointment_date", Service, "初任公職日期", "date of first public-service appointment", Date, PER),
    f("service_years", Service, "公務年資", "years of public service", Decimal, PER),
    f("previous_positions", Service, "經歷", "previous positions", Text, PER),
    f("retirement_date", Service, "退休日期", "retirement date", Date, PER),
    f("separation_reason", Service, "離職原因", "reason for leaving", Code, PER),
    f("current_agency_years", Service, "本機關年資", "years in the current agency", Decimal, PER),
    f("leave_without_pay_type", Service, "留職停薪類別", "kind of leave without pay", Code, PER),
    f("leave_without_pay_start", Service, "留職停薪起日", "start of leave without pay", Date, PER),
    // 訓練進修
    f("training_course", Training, "訓練課程名稱", "training course", Text, PER),
    f("training_hours", Training, "訓練時數", "training hours", Decimal, PER),
    f("training_institution", Training, "訓練機構", "training institution", Text, PER),
    f("training_year", Training, "訓練年度", "training year", Integer, PER),
    f("language_certificate", Training, "語文檢定", "language proficiency certificate", Code, PER),
    f("study_abroad", Training, "出國進修", "study abroad", Code, PER),
    // 獎懲
    f("award_type", AwardsDiscipline, "獎勵種類（嘉獎、記功、記大功）", "commendation (嘉獎, 記功, 記大功)", Code, PER),
    f("award_reason", AwardsDiscipline, "獎勵事由", "reason for commendation", Text, PER),
    f("discipline_type", AwardsDiscipline, "懲處種類（申誡、記過、記大過）", "administrative sanction (申誡, 記過, 記大過)", Code, PER),
    f("discipline_reason", AwardsDiscipline, "懲處事由", "reason for sanction", Text, PER),
    f("disciplinary_sanction", AwardsDiscipline, "懲戒處分", "disciplinary punishment (懲戒法院)", Code, SPC),
    f("criminal_conviction", AwardsDiscipline, "刑事判決紀錄", "criminal conviction record", Text, SPC),
    f("award_date", AwardsDiscipline, "獎懲核定日期", "date of the commendation or sanction", Date, PER),
    f("medal", AwardsDiscipline, "勳章獎章", "decoration or medal", Code, PER),
    // 考績
    f("performance_year", Performance, "考績年度", "performance-rating year", Integer, PER),
    f("performance_rating", Performance, "考績等次（甲、乙、丙、丁）", "performance rating (甲, 乙, 丙, 丁)", Code, PER),
    f("performance_score", Performance, "考績分數", "performance score", Integer, PER),
    f("performance_kind", Performance, "考績種類（年終、另予、專案）", "kind of rating (year-end, separate, special)", Code, PER),
    // 待遇
    f("salary_grade", Pay, "俸級", "salary step", Code, PER),
    f("salary_points", Pay, "俸點", "salary points", Integer, PER),
    f("supervisory_allowance", Pay, "主管職務加給", "supervisory allowance", Decimal, PER),
    f("professional_allowance", Pay, "專業加給", "professional allowance", Decimal, PER),
    f("base_salary", Pay, "本俸（年功俸）月支數額", "monthly base salary", Decimal, PER),
    f("regional_allowance", Pay, "地域加給", "regional allowance", Decimal, PER),
    f("public_insurance_status", Pay, "公教人員保險狀況", "public-servant insurance status", Code, PER),
    // 眷屬
    f("dependents_count", Family, "眷屬人數", "number of dependants", Integer, PER),
    f("children_count", Family, "子女人數", "number of children", Integer, PER),
    f("spouse_civil_servant", Family, "配偶是否為公務人員", "spouse is a civil servant", Code, PER),
];

/// The code table of each coded seed field that has one.
const SEED_TABLES: &[(&str, &str)] = &[
    ("sex", "sex"),
    ("dual_nationality", "yes_no"),
    ("marital_status", "marital_status"),
    ("education_level", "education_level"),
    ("degree", "degree"),
    ("exam_grade", "exam_grade"),
    ("official_rank", "official_rank"),
    ("grade", "grade"),
    ("personnel_category", "personnel_category"),
    ("is_supervisor", "yes_no"),
    ("employment_status", "employment_status"),
    ("government_level", "government_level"),
    ("study_abroad", "yes_no"),
    ("award_type", "award_type"),
    ("discipline_type", "discipline_type"),
    ("performance_rating", "performance_rating"),
    ("performance_kind", "performance_kind"),
    ("spouse_civil_servant", "yes_no"),
];

/// Definitions where the name alone has been read in more than one way (rule 7).
const SEED_DEFINITIONS: &[(&str, &str, &str)] = &[
    ("age", "以申請書所定基準日計算之足歲年齡；未定基準日者以資料產製日為準。", "Completed years at the reference date the application states; without one, at the date the data is produced."),
    ("birth_date", "戶籍登記之出生年月日（西元）。", "Date of birth as registered (Gregorian calendar)."),
    ("education_level", "已取得畢業證書之最高學歷；肄業不計。", "The highest level completed with a diploma; studies not completed do not count."),
    ("official_rank", "現職銓敘審定之官等；未經銓敘審定者依其職務列等之最高官等。", "The rank of the current post as reviewed by the Ministry of Civil Service; before review, the highest rank of the post's grade range."),
    ("grade", "現職銓敘審定之職等（1至14職等）。", "The grade of the current post as reviewed (grades 1 to 14)."),
    ("service_years", "依公務人員退休資遣撫卹法採計之公務年資，以年計至小數一位；留職停薪期間不計。", "Public-service years counted as for pension purposes, in years to one decimal; leave without pay does not count."),
    ("current_agency_years", "自到職本機關起算至基準日之年資，以年計至小數一位。", "Years from taking up a post in the current agency to the reference date, to one decimal."),
    ("agency_code", "行政院人事行政總處機關代碼（10碼）。", "DGPA's ten-character agency code."),
    ("is_supervisor", "現職是否為組織法規所定之主管或副主管職務。", "Whether the current post is a supervisory or deputy supervisory post under the agency's organic rules."),
    ("employment_status", "基準日之在職狀態；留職停薪及借調人員計入原機關。", "Status at the reference date; staff on leave without pay or seconded count in their home agency."),
    ("performance_rating", "年終考績之等次；另予考績及專案考績另以考績種類區分。", "The year-end rating; separate and special ratings are told apart by the kind of rating."),
    ("training_hours", "當年度經登錄之學習時數，含數位學習。", "Learning hours registered in the year, e-learning included."),
    ("salary_points", "本俸或年功俸之俸點。", "The points of the base or seniority salary step."),
    ("disability_category", "身心障礙證明所載之類別（個人資料保護法第6條特種個人資料）。", "The category on the disability certificate (special category, PDPA art. 6)."),
    ("indigenous_group", "戶籍登記之原住民族別。", "The indigenous people group as registered."),
    ("first_appointment_date", "初任公職（含公營事業及公立學校）之日期。", "Date of the first appointment in public service, state enterprises and public schools included."),
    ("dependents_count", "依全國公教員工待遇支給要點得支領生活津貼之眷屬人數。", "Dependants for whom a living allowance may be paid under the pay rules."),
];

/// The built-in dictionary: the resume record's fields in its real sections.
pub fn seed() -> Vec<Field> {
    SEED.iter()
        .map(|s| Field {
            code: s.code.into(),
            section: s.section,
            name_zh: s.name_zh.into(),
            name_en: s.name_en.into(),
            definition: SEED_DEFINITIONS.iter().find(|d| d.0 == s.code).map_or_else(Text::empty, |d| Text::new(d.1, d.2)),
            field_type: s.field_type,
            code_table: SEED_TABLES.iter().find(|t| t.0 == s.code).map(|t| t.1.to_string()),
            personal: s.flags.0,
            identifying: s.flags.1,
            special: s.flags.2,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_the_record_is_broad() {
        let fields = seed();
        let mut codes: Vec<_> = fields.iter().map(|f| f.code.clone()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), fields.len());
        assert!(fields.len() >= 80, "{}", fields.len());
        for section in [Basic, Education, Examination, Appointment, Position, Service, Training, AwardsDiscipline, Performance, Pay, Family]
        {
            assert!(fields.iter().filter(|f| f.section == section).count() >= 2, "{section:?} is thin");
        }
    }

    #[test]
    fn the_seed_is_valid_and_its_tables_and_definitions_name_real_fields() {
        for f in seed() {
            assert!(f.problems().is_empty(), "{}: {:?}", f.code, f.problems());
        }
        let d = Dictionary::builtin();
        for (code, table) in SEED_TABLES {
            assert!(d.field(code).is_some_and(|f| f.field_type == FieldType::Code), "{code}");
            assert!(code_table(table).is_some(), "{table}");
        }
        for (code, ..) in SEED_DEFINITIONS {
            assert!(d.field(code).is_some(), "{code}");
        }
    }

    #[test]
    fn identifying_and_special_fields_are_personal() {
        let d = Dictionary::builtin();
        for f in d.fields() {
            if f.identifying || f.special {
                assert!(f.personal, "{} is identifying or special but not personal", f.code);
            }
        }
        assert!(d.field("id_number").is_some_and(|f| f.identifying));
        assert!(d.field("grade").is_some_and(|f| !f.personal));
        assert!(d.field("no_such_field").is_none());
    }

    #[test]
    fn an_edit_is_checked() {
        let mut f = Dictionary::builtin().field("grade").cloned().unwrap_or_else(|| panic!("grade"));
        assert!(f.problems().is_empty());
        f.code = "Grade-1".into();
        f.name_zh = " ".into();
        f.code_table = Some("nope".into());
        f.identifying = true;
        f.personal = false;
        let pointers: Vec<String> = f.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(pointers, ["/code", "/name_zh", "/code_table", "/personal"]);
        f.field_type = FieldType::Integer;
        f.code_table = Some("grade".into());
        assert!(f.problems().iter().any(|p| p.0 == "/code_table"));
    }

    #[test]
    fn ordered_tables_rank_their_values() {
        let ranks = code_table("official_rank").unwrap_or_else(|| panic!("official_rank"));
        assert!(ranks.ordered);
        assert!(ranks.position("elementary") < ranks.position("senior"));
        assert_eq!(code_table("grade").map(|t| t.values.len()), Some(14));
    }
}
