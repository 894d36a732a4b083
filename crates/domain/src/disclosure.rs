//! Disclosure checks on statistical results (the idea of ACRO/SACRO's output
//! checking): a frequency table whose cells count fewer people than a threshold can
//! single a person out, so such cells are flagged before the result is released, and
//! the checking officer either replaces the file with a suppressed one or accepts each
//! with a recorded reason. A magnitude table (totals, such as the sum of salaries in a
//! cell) is checked by dominance rules instead: a total that one or two people make up
//! almost alone discloses what they earn. Pure: the caller passes the parsed tables.

use serde::{Deserialize, Serialize};

use crate::message::Text;

/// The default threshold: cells counting 1 or 2 people are flagged.
pub const DEFAULT_THRESHOLD: u32 = 3;

/// How many findings one file lists at most (a table with more is flagged as a whole).
pub const MAX_FINDINGS: usize = 200;

/// One cell below the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmallCell {
    /// 1-based row of the file (the header is row 1).
    pub row: usize,
    /// 1-based column.
    pub column: usize,
    /// The column's header, when the file has one.
    pub header: String,
    pub count: u32,
}

/// What the check found in one result file, and how it was resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisclosureReport {
    /// The threshold applied: counts from 1 to `threshold − 1` are flagged.
    pub threshold: u32,
    pub small_cells: Vec<SmallCell>,
    /// More small cells than listed.
    #[serde(default)]
    pub truncated: bool,
    /// Magnitude cells failing a dominance rule (`dominance`), when columns were
    /// marked as magnitudes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dominant_cells: Vec<DominantCell>,
    /// The dominance rules applied, when columns were marked as magnitudes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dominance: Option<DominanceRules>,
    /// Accepted by the checking officer, with the reason; `None` while unresolved.
    #[serde(default)]
    pub accepted: Option<Acceptance>,
}

/// The dominance rules for magnitude cells, with the defaults of ACRO's output
/// checking: the (n, k) rule with n = 2 — the two largest contributions make up more
/// than `k_percent` of the cell's total — and the p% rule — what the others contribute
/// is less than `p_percent` of the largest, so the second largest contributor could
/// estimate the largest within p%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DominanceRules {
    pub k_percent: u32,
    pub p_percent: u32,
}

pub const DEFAULT_DOMINANCE: DominanceRules = DominanceRules { k_percent: 90, p_percent: 10 };

/// Which dominance rule a magnitude cell fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DominanceRule {
    /// The two largest contributions exceed `k_percent` of the total.
    Nk,
    /// The rest of the total is less than `p_percent` of the largest contribution.
    PRatio,
}

/// A magnitude cell failing a dominance rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DominantCell {
    /// 1-based row of the file (the header is row 1).
    pub row: usize,
    /// 1-based column.
    pub column: usize,
    pub header: String,
    pub rules: Vec<DominanceRule>,
}

/// Why the magnitude columns or their contributions cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MagnitudeError {
    /// A column marked as a magnitude is not in the table's header.
    UnknownColumn(String),
    /// Columns marked without a contributions table, or a contributions table
    /// without marked columns.
    ContributionsRequired,
    /// The contributions table's header or rows are not the result's.
    ContributionsShape,
    /// A contribution that is not `largest/second`, or does not fit the total.
    BadContribution { row: usize, column: usize },
    /// Marked columns in a workbook: the check reads CSV.
    NeedsCsv,
}

impl MagnitudeError {
    pub fn code(&self) -> &'static str {
        match self {
            MagnitudeError::UnknownColumn(_) => "unknown_magnitude_column",
            MagnitudeError::ContributionsRequired => "contributions_required",
            MagnitudeError::ContributionsShape | MagnitudeError::BadContribution { .. } => "contributions_mismatch",
            MagnitudeError::NeedsCsv => "magnitude_needs_csv",
        }
    }

    pub fn message(&self) -> Text {
        match self {
            MagnitudeError::UnknownColumn(c) => Text::new(
                format!("標示為金額（量值）之欄位「{c}」不在表頭中；請以表頭之欄名標示。"),
                format!("The column `{c}` marked as a magnitude is not in the table's header; mark columns by their header."),
            ),
            MagnitudeError::ContributionsRequired => Text::new(
                "標示金額（量值）欄位時，須一併上傳最大貢獻值檔（contributions），兩者缺一不可。",
                "Marking magnitude columns needs the contributions table (`contributions`), and that table needs marked columns.",
            ),
            MagnitudeError::ContributionsShape => Text::new(
                "最大貢獻值檔之表頭及列數須與成果檔相同。",
                "The contributions table must have the result's header and as many rows.",
            ),
            MagnitudeError::BadContribution { row, column } => Text::new(
                format!("最大貢獻值檔第 {row} 列第 {column} 欄應為「最大值/次大值」，且兩者合計不超過該細格之總計。"),
                format!("Row {row}, column {column} of the contributions table must be `largest/second`, together no more than the cell's total."),
            ),
            MagnitudeError::NeedsCsv => Text::new(
                "金額（量值）欄位之優勢法則檢查僅適用 CSV 成果檔；請以 CSV 上傳。",
                "The dominance check of magnitude columns reads CSV results; upload the table as CSV.",
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acceptance {
    pub by: i64,
    pub reason: String,
}

/// A result file a second DGPA officer must still check before delivery (four eyes):
/// not yet delivered, and either personal data not yet approved or small cells not
/// yet accepted.
pub fn awaits_second_check(personal: bool, approved: bool, published: bool, report: Option<&DisclosureReport>) -> bool {
    !published && ((personal && !approved) || report.is_some_and(DisclosureReport::blocks))
}

impl DisclosureReport {
    /// Small cells not accepted: the file blocks delivery.
    pub fn blocks(&self) -> bool {
        self.has_findings() && self.accepted.is_none()
    }

    /// Small or dominated cells found.
    pub fn has_findings(&self) -> bool {
        !self.small_cells.is_empty() || !self.dominant_cells.is_empty()
    }

    pub fn message(&self) -> Text {
        let (small, dominant) = (self.small_cells.len(), self.dominant_cells.len());
        let mut zh = Vec::new();
        let mut en = Vec::new();
        if small > 0 {
            zh.push(format!("{small} 個細格人數少於 {}", self.threshold));
            en.push(format!("{small} cells count fewer than {} people", self.threshold));
        }
        if dominant > 0 {
            zh.push(format!("{dominant} 個金額細格由一、二人之數值主導（優勢法則）"));
            en.push(format!("{dominant} magnitude cells are dominated by one or two contributions"));
        }
        Text::new(
            format!("統計結果有{}，可能識別特定個人；請改以隱藏後之檔案，或敘明理由後接受。", zh.join("、")),
            format!(
                "{} and may single someone out: replace the file with a suppressed one, or accept them with a reason.",
                en.join(" and ")
            ),
        )
    }
}

fn number(cell: &str) -> Option<f64> {
    cell.trim().replace(',', "").parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Checks the columns of `rows` whose header is in `magnitude` against the largest
/// and second largest contribution to each cell, given in `contributions`: a table
/// with the same header and rows whose magnitude cells read `largest/second` (or
/// `largest` for one contributor). A magnitude cell that is empty or not a number
/// (suppressed, `-`) is not checked; a total of zero discloses nothing.
pub fn check_magnitudes(
    rows: &[Vec<String>],
    magnitude: &[String],
    contributions: &[Vec<String>],
    rules: DominanceRules,
) -> Result<Vec<DominantCell>, MagnitudeError> {
    let header: &[String] = rows.first().map(Vec::as_slice).unwrap_or_default();
    // Each column once, however often it is named; looked up by name, not searched for
    // each name (a list of a million names of a wide table's columns is no longer work
    // for hours).
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (c, h) in header.iter().enumerate().rev() {
        at.insert(h.trim(), c);
    }
    let mut columns = Vec::new();
    for m in magnitude {
        let Some(&c) = at.get(m.trim()) else {
            return Err(MagnitudeError::UnknownColumn(m.clone()));
        };
        columns.push(c);
    }
    columns.sort_unstable();
    columns.dedup();
    let same_header = contributions.first().is_some_and(|h| h.iter().map(|c| c.trim()).eq(header.iter().map(|c| c.trim())));
    if !same_header || contributions.len() != rows.len() {
        return Err(MagnitudeError::ContributionsShape);
    }
    let mut found = Vec::new();
    for (r, (row, top)) in rows.iter().zip(contributions).enumerate().skip(1) {
        for &c in &columns {
            let Some(total) = row.get(c).and_then(|v| number(v)).filter(|t| *t > 0.0) else { continue };
            let bad = MagnitudeError::BadContribution { row: r + 1, column: c + 1 };
            let text = top.get(c).map(|v| v.trim()).unwrap_or_default();
            let mut parts = text.splitn(2, '/').map(number);
            let largest = parts.next().flatten().ok_or(bad.clone())?;
            let second = match parts.next() {
                Some(n) => n.ok_or(bad.clone())?,
                None => 0.0,
            };
            // Totals and contributions are rounded alike; allow for that.
            if second < 0.0 || second > largest || largest + second > total * (1.0 + 1e-9) + 0.5 {
                return Err(bad);
            }
            let mut failed = Vec::new();
            if largest + second > total * f64::from(rules.k_percent) / 100.0 {
                failed.push(DominanceRule::Nk);
            }
            if total - largest - second < largest * f64::from(rules.p_percent) / 100.0 {
                failed.push(DominanceRule::PRatio);
            }
            if !failed.is_empty() {
                if found.len() == MAX_FINDINGS {
                    break;
                }
                found.push(DominantCell { row: r + 1, column: c + 1, header: header[c].clone(), rules: failed });
            }
        }
    }
    Ok(found)
}

/// Checks a table (rows of cells, the first row a header when it has no counts):
/// every cell that is a whole number from 1 to `threshold − 1` is a small cell.
/// Zero is not (an empty cell discloses nothing about a person); text is not a count;
/// nor is a column whose header is one of `labels` (the breakdowns' codes and names,
/// whose values are codes such as grade 1 or 2).
pub fn check_table(rows: &[Vec<String>], threshold: u32, labels: &[String]) -> DisclosureReport {
    let header: Vec<String> = rows.first().cloned().unwrap_or_default();
    let header_is_labels = header.iter().all(|c| c.trim().parse::<f64>().is_err());
    // Which columns hold codes, decided once per column (not per cell and label).
    let labels: std::collections::HashSet<&str> = labels.iter().map(|l| l.trim()).collect();
    let codes: Vec<bool> = header.iter().map(|h| header_is_labels && labels.contains(h.trim())).collect();
    let mut report = DisclosureReport { threshold, ..Default::default() };
    for (r, row) in rows.iter().enumerate() {
        if r == 0 && header_is_labels {
            continue;
        }
        for (c, cell) in row.iter().enumerate() {
            if codes.get(c).copied().unwrap_or(false) {
                continue;
            }
            let Ok(n) = cell.trim().replace(',', "").parse::<u32>() else { continue };
            if n == 0 || n >= threshold {
                continue;
            }
            if report.small_cells.len() == MAX_FINDINGS {
                report.truncated = true;
                return report;
            }
            let label = if header_is_labels { header.get(c).cloned().unwrap_or_default() } else { String::new() };
            report.small_cells.push(SmallCell { row: r + 1, column: c + 1, header: label, count: n });
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_check_is_owed_for_unapproved_personal_data_or_unaccepted_small_cells() {
        let cell = SmallCell { row: 1, column: 1, header: "女".into(), count: 2 };
        let mut report = DisclosureReport { threshold: 3, small_cells: vec![cell], ..Default::default() };
        assert!(awaits_second_check(true, false, false, None));
        assert!(!awaits_second_check(true, true, false, None), "approved");
        assert!(!awaits_second_check(true, false, true, None), "delivered");
        assert!(!awaits_second_check(false, false, false, None), "plain, no small cells");
        assert!(awaits_second_check(false, false, false, Some(&report)));
        report.accepted = Some(Acceptance { by: 2, reason: "公開統計已揭露".into() });
        assert!(!awaits_second_check(false, false, false, Some(&report)), "accepted");
    }

    fn table(text: &str) -> Vec<Vec<String>> {
        text.lines().map(|l| l.split(',').map(String::from).collect()).collect()
    }

    #[test]
    fn counts_below_the_threshold_are_flagged_with_where_they_are() {
        let t = table("機關,職等,男,女\nNPA,2,12,2\nNPA,10,0,5\nNIA,1,1,1204");
        let r = check_table(&t, DEFAULT_THRESHOLD, &["職等".to_string()]);
        let cells: Vec<(usize, usize, &str, u32)> = r.small_cells.iter().map(|c| (c.row, c.column, c.header.as_str(), c.count)).collect();
        assert_eq!(cells, vec![(2, 4, "女", 2), (4, 3, "男", 1)], "zero, large counts and the grade column pass");
        // A label given more than once, or with spaces around, names the column all the same.
        let again = check_table(&t, DEFAULT_THRESHOLD, &[" 職等 ".to_string(), "職等".to_string(), "男女".to_string()]);
        assert_eq!(again.small_cells, r.small_cells);
        // Without naming the grade column a breakdown, its small codes would be taken for counts.
        assert_eq!(check_table(&t, DEFAULT_THRESHOLD, &[]).small_cells.len(), 4);
        assert!(r.blocks());
        let accepted = DisclosureReport { accepted: Some(Acceptance { by: 1, reason: "合併後仍無法識別".into() }), ..r };
        assert!(!accepted.blocks());
        assert!(!check_table(&table("a,b\n5,7"), 3, &[]).blocks());
        assert!(!check_table(&[], 3, &[]).blocks());
    }

    #[test]
    fn a_table_full_of_small_cells_is_flagged_as_a_whole() {
        let rows: Vec<Vec<String>> = (0..300).map(|_| vec!["1".to_string()]).collect();
        let r = check_table(&rows, 3, &[]);
        assert_eq!((r.small_cells.len(), r.truncated), (MAX_FINDINGS, true));
    }

    #[test]
    fn magnitude_cells_dominated_by_one_or_two_contributions_are_flagged() {
        let result = table("機關,人數,俸額合計\nNPA,40,2000000\nNIA,5,610000\nCGA,4,300000\nMOI,6,-");
        let top = table("機關,人數,俸額合計\n,,90000/85000\n,,500000/60000\n,,200000/40000\n,,");
        let cells = check_magnitudes(&result, &["俸額合計".into()], &top, DEFAULT_DOMINANCE).unwrap_or_default();
        let found: Vec<(usize, usize, &[DominanceRule])> = cells.iter().map(|c| (c.row, c.column, c.rules.as_slice())).collect();
        // NIA: the two largest make up 560,000 of 610,000 (92%), the rest 50,000 is 10% of
        // 500,000 — within 10% is not less, so only (n, k). CGA: 80% and the rest 60,000,
        // 30% of the largest: safe. NPA is spread; MOI is suppressed.
        assert_eq!(found, vec![(3, 3, &[DominanceRule::Nk][..])]);
        let sole = table("機關,人數,俸額合計\nNPA,40,2000000\nNIA,5,610000\nCGA,4,300000\nMOI,6,-");
        let top = table("機關,人數,俸額合計\n,,90000\n,,600000\n,,100000/90000\n,,");
        let cells = check_magnitudes(&sole, &["俸額合計".into()], &top, DEFAULT_DOMINANCE).unwrap_or_default();
        assert_eq!(
            cells.iter().map(|c| (c.row, c.rules.clone())).collect::<Vec<_>>(),
            vec![(3, vec![DominanceRule::Nk, DominanceRule::PRatio])]
        );
        // A column named twice (or with spaces around) is checked once: each cell is found once.
        let twice = check_magnitudes(&sole, &["俸額合計".into(), " 俸額合計".into()], &top, DEFAULT_DOMINANCE).unwrap_or_default();
        assert_eq!(twice, cells);
        let report = DisclosureReport { threshold: 3, dominant_cells: cells, ..Default::default() };
        assert!(report.blocks());
        assert!(report.message().zh_tw.contains("優勢法則"), "{:?}", report.message());
    }

    #[test]
    fn magnitude_checks_refuse_what_they_cannot_read() {
        let result = table("機關,俸額合計\nNPA,100");
        let check = |m: &str, top: &str| check_magnitudes(&result, &[m.to_string()], &table(top), DEFAULT_DOMINANCE);
        assert_eq!(check("薪資", "機關,俸額合計\n,1/1"), Err(MagnitudeError::UnknownColumn("薪資".into())));
        assert_eq!(check("俸額合計", "機關,薪資\n,1/1"), Err(MagnitudeError::ContributionsShape));
        assert_eq!(check("俸額合計", "機關,俸額合計"), Err(MagnitudeError::ContributionsShape), "a row short");
        let bad = Err(MagnitudeError::BadContribution { row: 2, column: 2 });
        assert_eq!(check("俸額合計", "機關,俸額合計\n,"), bad, "missing");
        assert_eq!(check("俸額合計", "機關,俸額合計\n,abc"), bad, "not a number");
        assert_eq!(check("俸額合計", "機關,俸額合計\n,10/20"), bad, "second larger than largest");
        assert_eq!(check("俸額合計", "機關,俸額合計\n,80/70"), bad, "more than the total");
        assert_eq!(check("俸額合計", "機關,俸額合計\n,30/20").map(|c| c.len()), Ok(0));
        assert_eq!(MagnitudeError::ContributionsShape.code(), "contributions_mismatch");
    }
}
