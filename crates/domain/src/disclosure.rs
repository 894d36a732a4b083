//! Disclosure checks on statistical results (the idea of ACRO/SACRO's output
//! checking): a frequency table whose cells count fewer people than a threshold can
//! single a person out, so such cells are flagged before the result is released, and
//! the checking officer either replaces the file with a suppressed one or accepts each
//! with a recorded reason. Pure: the caller passes the parsed table.

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
    /// Accepted by the checking officer, with the reason; `None` while unresolved.
    #[serde(default)]
    pub accepted: Option<Acceptance>,
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
        !self.small_cells.is_empty() && self.accepted.is_none()
    }

    pub fn message(&self) -> Text {
        Text::new(
            format!("統計結果有 {} 個細格人數少於 {}，可能識別特定個人；請改以隱藏後之檔案，或敘明理由後接受。", self.small_cells.len(), self.threshold),
            format!(
                "{} cells count fewer than {} people and may single someone out: replace the file with a suppressed one, or accept them with a reason.",
                self.small_cells.len(),
                self.threshold
            ),
        )
    }
}

/// Checks a table (rows of cells, the first row a header when it has no counts):
/// every cell that is a whole number from 1 to `threshold − 1` is a small cell.
/// Zero is not (an empty cell discloses nothing about a person); text is not a count;
/// nor is a column whose header is one of `labels` (the breakdowns' codes and names,
/// whose values are codes such as grade 1 or 2).
pub fn check_table(rows: &[Vec<String>], threshold: u32, labels: &[String]) -> DisclosureReport {
    let header: Vec<String> = rows.first().cloned().unwrap_or_default();
    let header_is_labels = header.iter().all(|c| c.trim().parse::<f64>().is_err());
    let mut report = DisclosureReport { threshold, ..Default::default() };
    for (r, row) in rows.iter().enumerate() {
        if r == 0 && header_is_labels {
            continue;
        }
        for (c, cell) in row.iter().enumerate() {
            if header_is_labels && header.get(c).is_some_and(|h| labels.iter().any(|l| l.trim() == h.trim())) {
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
        let mut report = DisclosureReport { threshold: 3, small_cells: vec![cell], truncated: false, accepted: None };
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
}
