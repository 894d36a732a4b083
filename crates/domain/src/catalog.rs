//! The catalog of existing sources (rule 4): tables DGPA and other agencies publish
//! and WebHR's own reports, each with the resume-record fields it covers, and the
//! matcher that ranks them against a draft — so an applicant learns before
//! submitting that a published table already answers the question.

use serde::{Deserialize, Serialize};

use crate::application::{ExistingSource, Requirement};
use crate::dictionary::Dictionary;
use crate::message::Text;

/// One existing source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    /// Stable id, e.g. `dgpa-staff-by-rank`: lower-case letters, digits and `-`.
    pub id: String,
    /// Which of rule 4's six kinds of source it is.
    pub source: ExistingSource,
    pub title: Text,
    /// Who publishes or maintains it.
    pub owner: String,
    /// A link, or the WebHR menu path.
    pub location: String,
    /// Dictionary codes of the fields it shows (as columns or breakdowns).
    pub fields: Vec<String>,
    /// Dictionary codes it breaks its figures down by (a cross-table's dimensions).
    #[serde(default)]
    pub breakdowns: Vec<String>,
    /// Dictionary codes it can be restricted by (a selection tool's criteria).
    /// A breakdown restricts too: read off the rows wanted.
    #[serde(default)]
    pub filters: Vec<String>,
    /// The unit of its figures, e.g. 機關別 or 個人.
    pub granularity: String,
    /// How often it is refreshed, e.g. 每年 or 即時.
    pub refresh: String,
}

/// Limits of a catalog entry.
pub const MAX_ID: usize = 64;
pub const MAX_TEXT: usize = 500;
pub const MAX_CODES: usize = 200;

impl CatalogEntry {
    /// What is wrong with an entry an administrator gives, as (pointer, message).
    pub fn problems(&self, dict: &Dictionary) -> Vec<(String, Text)> {
        let mut out = Vec::new();
        let id_ok = !self.id.is_empty()
            && self.id.len() <= MAX_ID
            && self.id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            out.push((
                "/id".into(),
                Text::new("代號僅含小寫英數字及連字號，最多 64 字。", "An id holds only a–z, 0–9 and - (64 at most)."),
            ));
        }
        for (pointer, value) in [
            ("/title/zh_tw", &self.title.zh_tw),
            ("/title/en", &self.title.en),
            ("/owner", &self.owner),
            ("/location", &self.location),
            ("/granularity", &self.granularity),
            ("/refresh", &self.refresh),
        ] {
            if value.chars().count() > MAX_TEXT {
                out.push((
                    pointer.into(),
                    Text::new(format!("內容過長，最多 {MAX_TEXT} 字。"), format!("Too long: at most {MAX_TEXT} characters.")),
                ));
            }
        }
        for (pointer, value) in [("/title/zh_tw", &self.title.zh_tw), ("/owner", &self.owner), ("/location", &self.location)] {
            if value.trim().is_empty() {
                out.push((pointer.into(), Text::new("此欄必填。", "This is required.")));
            }
        }
        if self.fields.is_empty() {
            out.push(("/fields".into(), Text::new("請至少列出一個欄位。", "List at least one field.")));
        }
        for (name, list) in [("fields", &self.fields), ("breakdowns", &self.breakdowns), ("filters", &self.filters)] {
            if list.len() > MAX_CODES {
                out.push((
                    format!("/{name}"),
                    Text::new(format!("項目過多，最多 {MAX_CODES} 項。"), format!("Too many items: at most {MAX_CODES}.")),
                ));
                continue;
            }
            for (i, code) in list.iter().enumerate() {
                if dict.field(code).is_none() {
                    out.push((
                        format!("/{name}/{i}"),
                        Text::new(format!("欄位代碼「{code}」不在欄位字典中。"), format!("\"{code}\" is not a dictionary field code.")),
                    ));
                }
            }
        }
        out
    }

    fn shows(&self, code: &str) -> bool {
        self.fields.iter().chain(&self.breakdowns).any(|f| f == code)
    }

    fn breaks_down_by(&self, code: &str) -> bool {
        self.breakdowns.iter().any(|f| f == code)
    }

    fn restricts_by(&self, code: &str) -> bool {
        self.filters.iter().chain(&self.breakdowns).any(|f| f == code)
    }
}

/// How much of a request one entry covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub entry_id: String,
    pub source: ExistingSource,
    pub title: Text,
    /// Requested fields the entry has.
    pub covered: Vec<String>,
    /// Requested fields it lacks.
    pub missing: Vec<String>,
    /// Requested breakdowns it does not break down by.
    pub missing_breakdowns: Vec<String>,
    /// Fields of the requested conditions it cannot restrict by.
    pub missing_filters: Vec<String>,
    /// The share of the request it covers, in per cent (fields, breakdowns and
    /// condition fields counted alike).
    pub percent: u8,
    /// It covers every requested field, breakdown and condition.
    pub full: bool,
}

/// The parts of a request a source must cover, each list sorted and deduplicated.
struct Wanted<'a> {
    fields: Vec<&'a str>,
    breakdowns: Vec<&'a str>,
    filters: Vec<&'a str>,
}

impl<'a> Wanted<'a> {
    fn of(req: &'a Requirement) -> Self {
        let sorted = |it: &mut dyn Iterator<Item = &'a str>| {
            let mut v: Vec<&str> = it.collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        Self {
            fields: sorted(&mut req.fields.iter().map(String::as_str)),
            breakdowns: sorted(&mut req.breakdowns.iter().map(String::as_str)),
            filters: sorted(&mut req.filters.iter().map(|c| c.field.as_str())),
        }
    }

    fn total(&self) -> usize {
        self.fields.len() + self.breakdowns.len() + self.filters.len()
    }

    fn covered_by(&self, e: &CatalogEntry) -> usize {
        self.fields.iter().filter(|f| e.shows(f)).count()
            + self.breakdowns.iter().filter(|f| e.breaks_down_by(f)).count()
            + self.filters.iter().filter(|f| e.restricts_by(f)).count()
    }
}

/// Ranks catalog entries by how much of the request they cover — its fields, its
/// breakdowns and the fields of its conditions — most first; on a tie the one
/// with fewer fields of its own (the closer fit), then by id. Returns the first
/// `limit` that cover anything. Duplicate requested codes count once.
pub fn rank(req: &Requirement, catalog: &[CatalogEntry], limit: usize) -> Vec<Coverage> {
    let wanted = Wanted::of(req);
    let total = wanted.total();
    if total == 0 || limit == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize, &CatalogEntry)> = catalog
        .iter()
        .filter_map(|e| {
            let n = wanted.covered_by(e);
            (n > 0).then_some((n, e.fields.len() + e.breakdowns.len(), e))
        })
        .collect();
    let order = |a: &(usize, usize, &CatalogEntry), b: &(usize, usize, &CatalogEntry)| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.id.cmp(&b.2.id))
    };
    if scored.len() > limit {
        scored.select_nth_unstable_by(limit - 1, order);
        scored.truncate(limit);
    }
    scored.sort_by(order);
    scored
        .into_iter()
        .map(|(n, _, e)| {
            let (covered, missing): (Vec<&str>, Vec<&str>) = wanted.fields.iter().partition(|w| e.shows(w));
            let owned = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
            Coverage {
                entry_id: e.id.clone(),
                source: e.source,
                title: e.title.clone(),
                covered: owned(covered),
                missing: owned(missing),
                missing_breakdowns: owned(wanted.breakdowns.iter().copied().filter(|w| !e.breaks_down_by(w)).collect()),
                missing_filters: owned(wanted.filters.iter().copied().filter(|w| !e.restricts_by(w)).collect()),
                percent: (n * 100 / total) as u8,
                full: n == total,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // one row of the seed table, read as such
fn entry(
    id: &str,
    source: ExistingSource,
    zh: &str,
    en: &str,
    owner: &str,
    location: &str,
    fields: &[&str],
    granularity: &str,
    refresh: &str,
) -> CatalogEntry {
    let codes: Vec<String> = fields.iter().map(|f| (*f).to_string()).collect();
    // A selection tool restricts by its fields and lists them; the other sources
    // are cross-tables whose coded columns are their breakdowns.
    let (breakdowns, filters) = if source == ExistingSource::WebhrPersonnelSelection {
        (Vec::new(), codes.clone())
    } else {
        let coded = |c: &&String| Dictionary::builtin().field(c).is_some_and(|f| f.field_type == crate::dictionary::FieldType::Code);
        (codes.iter().filter(coded).cloned().collect(), Vec::new())
    };
    CatalogEntry {
        id: id.into(),
        source,
        title: Text::new(zh, en),
        owner: owner.into(),
        location: location.into(),
        fields: codes,
        breakdowns,
        filters,
        granularity: granularity.into(),
        refresh: refresh.into(),
    }
}

/// A warning when an entry covers the whole request (rule 4), naming it and
/// pointing at the attestation of its kind of source, whose note must then say why
/// it does not serve. A note that names the entry (its id or title) answers the
/// warning; the closest-fitting entry not yet answered is the one named.
pub fn covering_finding(app: &crate::Application, catalog: &[CatalogEntry]) -> Option<crate::Finding> {
    use crate::eligibility::{Finding, FindingCode};
    let wanted = Wanted::of(&app.requirement);
    let total = wanted.total();
    if total == 0 {
        return None;
    }
    let note_of = |e: &CatalogEntry| app.existing_sources.iter().find(|a| a.source == e.source).map(|a| a.note.as_str());
    // Named however either side wrote it: any case, full-width or ASCII.
    let answered = |e: &CatalogEntry| {
        note_of(e).is_some_and(|n| {
            [&e.id, &e.title.zh_tw, &e.title.en].into_iter().any(|name| !name.is_empty() && crate::values::search_holds(n, name))
        })
    };
    let entry = catalog
        .iter()
        .filter(|e| wanted.covered_by(e) == total && !answered(e))
        .min_by(|a, b| (a.fields.len() + a.breakdowns.len()).cmp(&(b.fields.len() + b.breakdowns.len())).then_with(|| a.id.cmp(&b.id)))?;
    let pointer = match app.existing_sources.iter().position(|a| a.source == entry.source) {
        Some(i) => format!("/existing_sources/{i}/note"),
        None => "/existing_sources".into(),
    };
    let base = Finding::new(FindingCode::ExistingSourceCoversRequest, "").message;
    Some(Finding::with_message(
        FindingCode::ExistingSourceCoversRequest,
        pointer,
        Text::new(
            format!("「{}」（{}，{}）{}", entry.title.zh_tw, entry.owner, entry.location, base.zh_tw),
            format!("\"{}\" ({}, {}): {}", entry.title.en, entry.owner, entry.location, base.en),
        ),
    ))
}

/// The built-in catalog: DGPA's published statistics and WebHR's reports.
pub fn seed() -> Vec<CatalogEntry> {
    use ExistingSource::*;
    vec![
        entry(
            "dgpa-staff-by-rank",
            DgpaPublishedStatistics,
            "全國公務人員人數－按機關、官等及性別分",
            "Civil servants by agency, rank and sex",
            "行政院人事行政總處",
            "https://www.dgpa.gov.tw/mp/info?mid=179",
            &["agency_code", "agency_name", "official_rank", "personnel_category", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "dgpa-staff-by-education",
            DgpaPublishedStatistics,
            "公務人員教育程度統計",
            "Civil servants by education level",
            "行政院人事行政總處",
            "https://www.dgpa.gov.tw/mp/info?mid=179",
            &["agency_code", "education_level", "official_rank", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "dgpa-staff-by-age",
            DgpaPublishedStatistics,
            "公務人員年齡分布及平均年齡",
            "Civil servants by age band, with mean age",
            "行政院人事行政總處",
            "https://www.dgpa.gov.tw/mp/info?mid=179",
            &["age", "agency_code", "official_rank", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "dgpa-retirements",
            DgpaPublishedStatistics,
            "公務人員退休人數－按退休原因、年齡及官等分",
            "Retirements by reason, age and rank",
            "行政院人事行政總處",
            "https://www.dgpa.gov.tw/mp/info?mid=179",
            &["age", "agency_code", "official_rank", "retirement_date", "separation_reason", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "dgpa-indigenous-disability",
            DgpaPublishedStatistics,
            "原住民族及身心障礙公務人員統計",
            "Indigenous and disabled civil servants",
            "行政院人事行政總處",
            "https://www.dgpa.gov.tw/mp/info?mid=179",
            &["agency_code", "disability_category", "indigenous_group", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "moex-screening-by-grade",
            OtherAgencyStatistics,
            "銓敘部統計年報：銓敘審定人數－按官等、職等分",
            "Ministry of Civil Service yearbook: screened appointments by rank and grade",
            "考試院銓敘部",
            "https://www.mocs.gov.tw/pages/list.aspx?Node=1069",
            &["agency_code", "appointment_category", "grade", "official_rank", "sex"],
            "機關別",
            "每年",
        ),
        entry(
            "moex-exam-passes",
            OtherAgencyStatistics,
            "考選部統計：公務人員考試及格人數－按考試類科及等級分",
            "Ministry of Examination: passes by exam category and level",
            "考選部",
            "https://wwwc.moex.gov.tw/main/content/SubMenu.aspx?menu_id=152",
            &["exam_category", "exam_grade", "exam_name", "exam_year", "sex"],
            "類科別",
            "每年",
        ),
        entry(
            "webhr-roster-summary",
            WebhrSubsystemReports,
            "人事資料考核子系統：現職人員統計表",
            "Current staff summary (personnel records subsystem)",
            "各機關人事機構（WebHR）",
            "WebHR › 人事資料 › 統計報表 › 現職人員統計表",
            &["agency_code", "employment_status", "grade", "official_rank", "position_title", "sex", "unit"],
            "單位別",
            "即時",
        ),
        entry(
            "webhr-performance-distribution",
            WebhrSubsystemReports,
            "考績子系統：考績等次分布表",
            "Performance rating distribution (appraisal subsystem)",
            "各機關人事機構（WebHR）",
            "WebHR › 考績 › 統計報表 › 等次分布",
            &["agency_code", "official_rank", "performance_rating", "performance_year"],
            "機關別",
            "每年",
        ),
        entry(
            "webhr-batch-workforce",
            WebhrStatisticsBatch,
            "統計子系統批次作業：機關人力結構（職等×性別×年齡×學歷×年資）",
            "Statistics batch: workforce structure by grade, sex, age, education and service",
            "行政院人事行政總處（WebHR 統計子系統）",
            "WebHR › 統計 › 批次作業 › 人力結構",
            &["age", "agency_code", "education_level", "grade", "official_rank", "service_years", "sex"],
            "機關別",
            "每月",
        ),
        entry(
            "webhr-selection-roster",
            WebhrPersonnelSelection,
            "一般及彈性選員：依條件產生人員名冊",
            "Personnel selection: a roster by any conditions",
            "各機關人事機構（WebHR）",
            "WebHR › 選員 › 彈性選員",
            &[
                "agency_code",
                "education_level",
                "first_appointment_date",
                "grade",
                "name",
                "official_rank",
                "performance_rating",
                "position_title",
                "service_years",
                "sex",
                "unit",
            ],
            "個人",
            "即時",
        ),
        entry(
            "webhr-graphical-training",
            WebhrGraphicalQuery,
            "圖像化查詢工具：訓練進修時數統計",
            "Graphical query: training hours",
            "行政院人事行政總處（WebHR）",
            "WebHR › 圖像化查詢 › 訓練進修",
            &["agency_code", "sex", "training_hours", "training_year"],
            "機關別",
            "每月",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| (*s).to_string()).collect()
    }

    fn req(fields: &[&str]) -> Requirement {
        Requirement { fields: codes(fields), ..Default::default() }
    }

    #[test]
    fn every_seeded_field_is_in_the_dictionary_and_ids_are_unique() {
        let seed = seed();
        let mut ids: Vec<&str> = seed.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), seed.len());
        for e in &seed {
            for f in &e.fields {
                assert!(Dictionary::builtin().field(f).is_some(), "{}: {f}", e.id);
            }
            assert!(e.problems(Dictionary::builtin()).is_empty(), "{}: {:?}", e.id, e.problems(Dictionary::builtin()));
        }
        let kinds: std::collections::BTreeSet<&str> = seed.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(kinds.len(), ExistingSource::ALL.len(), "every kind of rule 4 has an entry");
    }

    #[test]
    fn a_full_cover_ranks_first_and_the_closer_fit_wins_a_tie() {
        let ranked = rank(&req(&["sex", "grade", "agency_code", "sex"]), &seed(), 10);
        assert!(ranked[0].full, "{ranked:?}");
        // Two entries cover all three; the one with fewer fields of its own comes first.
        assert_eq!(ranked[0].entry_id, "moex-screening-by-grade");
        assert_eq!(ranked[0].covered, ["agency_code", "grade", "sex"]);
        assert!(ranked.windows(2).all(|w| w[0].covered.len() >= w[1].covered.len()));
    }

    #[test]
    fn a_full_cover_is_a_warning_naming_the_entry_at_its_attestation() {
        let mut app = crate::Application::default();
        app.requirement.fields = codes(&["agency_code", "grade", "sex"]);
        app.existing_sources = crate::ExistingSource::ALL
            .into_iter()
            .map(|source| crate::SourceAttestation { source, checked: true, note: "已查詢".into() })
            .collect();
        let f = covering_finding(&app, &seed()).unwrap_or_else(|| panic!("no finding"));
        assert_eq!(f.severity, crate::Severity::Warning);
        assert_eq!(f.pointer, "/existing_sources/1/note", "other_agency_statistics is the second attestation");
        assert!(f.message.zh_tw.contains("銓敘審定人數") && f.message.en.contains("screened appointments"));
        // A note naming the entry answers it; the next full cover is then named.
        app.existing_sources[1].note = "銓敘審定人數統計無本署所需之基準日（moex-screening-by-grade）".into();
        let next = covering_finding(&app, &seed()).unwrap_or_else(|| panic!("another entry covers it too"));
        assert!(!next.message.zh_tw.contains("銓敘審定人數"), "{}", next.message.zh_tw);
        // Named in the other width (the title's `：` and `－` typed in ASCII, the id full-width).
        for note in
            ["銓敘部統計年報:銓敘審定人數-按官等、職等分，無本署所需之基準日", "ＭＯＥＸ－ｓｃｒｅｅｎｉｎｇ－ｂｙ－ｇｒａｄｅ 無基準日"]
        {
            app.existing_sources[1].note = note.into();
            let named = covering_finding(&app, &seed()).unwrap_or_else(|| panic!("another entry covers it too"));
            assert!(!named.message.zh_tw.contains("銓敘審定人數"), "{note}: {}", named.message.zh_tw);
        }
        for a in &mut app.existing_sources {
            a.note = seed().iter().filter(|e| e.source == a.source).map(|e| e.id.clone()).collect::<Vec<_>>().join(" ");
        }
        assert_eq!(covering_finding(&app, &seed()), None, "every covering entry answered");
        app.existing_sources.iter_mut().for_each(|a| a.note = "已查詢".into());
        app.requirement.fields.push("salary_points".into());
        assert_eq!(covering_finding(&app, &seed()), None, "a partial cover is no warning");
    }

    #[test]
    fn a_partial_cover_is_not_full_and_says_what_is_missing() {
        let ranked = rank(&req(&["agency_code", "salary_points"]), &seed(), 3);
        assert!(ranked.iter().all(|c| !c.full));
        assert_eq!(ranked[0].missing, ["salary_points"]);
        assert!(rank(&req(&["salary_points"]), &seed(), 3).is_empty());
        assert!(rank(&req(&[]), &seed(), 3).is_empty());
    }

    #[test]
    fn breakdowns_and_conditions_weigh_in_the_ranking() {
        use crate::application::{Condition, Operator};
        let mut r = req(&["agency_code", "sex"]);
        r.breakdowns = codes(&["official_rank"]);
        r.filters = vec![Condition { field: "employment_status".into(), op: Operator::Eq, values: vec!["in_service".into()] }];
        let ranked = rank(&r, &seed(), 20);
        // Only an entry with employment status as a dimension covers everything.
        let best = &ranked[0];
        assert!(best.full && best.percent == 100, "{ranked:?}");
        assert_eq!(best.entry_id, "webhr-roster-summary");
        let partial = ranked.iter().find(|c| c.entry_id == "dgpa-staff-by-rank").unwrap_or_else(|| panic!("{ranked:?}"));
        assert!(!partial.full && partial.missing.is_empty());
        assert_eq!(partial.missing_filters, ["employment_status"]);
        assert_eq!(partial.percent, 75);
        // A field shown only as a column is no breakdown.
        let mut e = seed()[0].clone();
        e.breakdowns.clear();
        r.filters.clear();
        let only = rank(&r, &[e], 1);
        assert_eq!(only[0].missing_breakdowns, ["official_rank"]);
    }

    #[test]
    fn an_entry_is_checked_against_the_dictionary() {
        let mut e = seed()[0].clone();
        e.id = "Bad Id".into();
        e.owner = " ".into();
        e.fields.push("no_such_field".into());
        e.breakdowns = vec!["nope".into()];
        let p: Vec<String> = e.problems(Dictionary::builtin()).into_iter().map(|p| p.0).collect();
        assert_eq!(p, ["/id", "/owner", format!("/fields/{}", e.fields.len() - 1).as_str(), "/breakdowns/0"]);
    }
}
