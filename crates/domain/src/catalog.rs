//! The catalog of existing sources (rule 4): tables DGPA and other agencies publish
//! and WebHR's own reports, each with the resume-record fields it covers, and the
//! matcher that ranks them against a draft — so an applicant learns before
//! submitting that a published table already answers the question.

use serde::{Deserialize, Serialize};

use crate::application::ExistingSource;
use crate::message::Text;

/// One existing source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntry {
    /// Stable id, e.g. `dgpa-staff-by-rank`.
    pub id: String,
    /// Which of rule 4's six kinds of source it is.
    pub source: ExistingSource,
    pub title: Text,
    /// Who publishes or maintains it.
    pub owner: String,
    /// A link, or the WebHR menu path.
    pub location: String,
    /// Dictionary codes of the fields it covers (as breakdowns or columns).
    pub fields: Vec<String>,
    /// The unit of its figures, e.g. 機關別 or 個人.
    pub granularity: String,
    /// How often it is refreshed, e.g. 每年 or 即時.
    pub refresh: String,
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
    /// It has every requested field.
    pub full: bool,
}

/// Ranks catalog entries by how many requested fields they cover (most first; on
/// a tie the one with fewer fields of its own — the closer fit — then by id), and
/// returns the first `limit` that cover anything. Duplicate requested codes count once.
pub fn rank(requested: &[String], catalog: &[CatalogEntry], limit: usize) -> Vec<Coverage> {
    let mut wanted: Vec<&str> = requested.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize, &CatalogEntry)> = catalog
        .iter()
        .filter_map(|e| {
            let n = wanted.iter().filter(|w| e.fields.iter().any(|f| f == *w)).count();
            (n > 0).then_some((n, e.fields.len(), e))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.id.cmp(&b.2.id)));
    scored
        .into_iter()
        .take(limit)
        .map(|(n, _, e)| {
            let (covered, missing): (Vec<&str>, Vec<&str>) = wanted.iter().partition(|w| e.fields.iter().any(|f| f == *w));
            Coverage {
                entry_id: e.id.clone(),
                source: e.source,
                title: e.title.clone(),
                covered: covered.into_iter().map(String::from).collect(),
                missing: missing.into_iter().map(String::from).collect(),
                full: n == wanted.len(),
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
    CatalogEntry {
        id: id.into(),
        source,
        title: Text::new(zh, en),
        owner: owner.into(),
        location: location.into(),
        fields: fields.iter().map(|f| (*f).to_string()).collect(),
        granularity: granularity.into(),
        refresh: refresh.into(),
    }
}

/// A warning when an entry covers every requested field (rule 4), naming it and
/// pointing at the attestation of its kind of source, whose note must then say
/// why it does not serve.
pub fn covering_finding(app: &crate::Application, catalog: &[CatalogEntry]) -> Option<crate::Finding> {
    use crate::eligibility::{Finding, FindingCode};
    let best = rank(&app.requirement.fields, catalog, 1).into_iter().next().filter(|c| c.full)?;
    let entry = catalog.iter().find(|e| e.id == best.entry_id)?;
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

    #[test]
    fn every_seeded_field_is_in_the_dictionary_and_ids_are_unique() {
        let seed = seed();
        let mut ids: Vec<&str> = seed.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), seed.len());
        for e in &seed {
            for f in &e.fields {
                assert!(crate::dictionary::field(f).is_some(), "{}: {f}", e.id);
            }
        }
        let kinds: std::collections::BTreeSet<&str> = seed.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(kinds.len(), ExistingSource::ALL.len(), "every kind of rule 4 has an entry");
    }

    #[test]
    fn a_full_cover_ranks_first_and_the_closer_fit_wins_a_tie() {
        let ranked = rank(&codes(&["sex", "grade", "agency_code", "sex"]), &seed(), 10);
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
        app.requirement.fields.push("salary_points".into());
        assert_eq!(covering_finding(&app, &seed()), None, "a partial cover is no warning");
    }

    #[test]
    fn a_partial_cover_is_not_full_and_says_what_is_missing() {
        let ranked = rank(&codes(&["agency_code", "salary_points"]), &seed(), 3);
        assert!(ranked.iter().all(|c| !c.full));
        assert_eq!(ranked[0].missing, ["salary_points"]);
        assert!(rank(&codes(&["salary_points"]), &seed(), 3).is_empty());
        assert!(rank(&[], &seed(), 3).is_empty());
    }
}
