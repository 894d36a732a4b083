//! The disclosure check of an uploaded statistical table (`domain::disclosure`):
//! read back the stored CSV, XLSX or ODS file, decrypted, and find cells counting too
//! few people (every sheet of a workbook, read within bounds by `app::workbook`).

use futures_util::StreamExt;
use statreq_domain::application::{Application, OutputKind};
use statreq_domain::disclosure::{self, DisclosureReport, MagnitudeError};

use super::files::Egress;
use super::workbook;
use super::{AppError, AppResult, InputError};
use crate::AppState;

/// Columns of a result marked as magnitudes (totals), with the table of each cell's
/// largest contributions (`domain::disclosure::check_magnitudes`); never stored.
#[derive(Default)]
pub struct Magnitudes {
    pub columns: Vec<String>,
    pub contributions: Option<Vec<u8>>,
}

impl Magnitudes {
    /// From the upload form's `magnitude` (repeatable, or one comma-separated list)
    /// and `contributions` fields.
    pub fn from_fields(fields: Vec<(String, Vec<u8>)>) -> AppResult<Magnitudes> {
        let mut m = Magnitudes::default();
        // Each column once, however often it is named.
        let mut named = std::collections::HashSet::new();
        for (name, bytes) in fields {
            if name == "contributions" {
                if m.contributions.replace(bytes).is_some() {
                    return Err(InputError::UnexpectedField.into());
                }
            } else {
                let text = String::from_utf8(bytes).map_err(|_| InputError::CsvNotUtf8)?;
                let columns = text.split(',').map(str::trim).filter(|c| !c.is_empty() && named.insert(c.to_string()));
                m.columns.extend(columns.map(str::to_string));
            }
        }
        if m.columns.is_empty() != m.contributions.is_none() {
            return Err(InputError::Magnitude(MagnitudeError::ContributionsRequired).into());
        }
        Ok(m)
    }
}

/// A CSV table's rows, at most [`workbook::MAX_CELLS`] cells in all (a 16 MiB CSV of
/// one-character cells is eight million of them).
fn csv_rows(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    // Read in place (a copy only where it is not UTF-8): the file may be 64 MiB.
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut cells = 0u64;
    let mut rows = Vec::new();
    for record in reader.records().filter_map(Result::ok) {
        cells += record.len() as u64;
        if cells > workbook::MAX_CELLS {
            return Err(workbook::too_large());
        }
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// The report for a stored result file, when it is a CSV table of a statistics request;
/// `None` for anything else (detail records are personal data handled otherwise).
/// Magnitude columns are checked by the dominance rules, in a CSV of a statistics
/// request only.
pub async fn check_stored(
    state: &AppState,
    app: &Application,
    filename: &str,
    stored: (&str, &str),
    magnitudes: &Magnitudes,
) -> AppResult<Option<DisclosureReport>> {
    let (key, wrapped) = stored;
    let lower = filename.to_ascii_lowercase();
    let spreadsheet = lower.ends_with(".xlsx") || lower.ends_with(".ods");
    let checked = app.requirement.output == Some(OutputKind::Statistics) && (lower.ends_with(".csv") || spreadsheet);
    if !magnitudes.columns.is_empty() && (!checked || spreadsheet) {
        return Err(InputError::Magnitude(MagnitudeError::NeedsCsv).into());
    }
    if !checked {
        return Ok(None);
    }
    let mut body = Box::pin(state.files.stream(key, wrapped, Egress::Plain).await?);
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(AppError::internal)?;
        bytes.extend_from_slice(&chunk);
        // The whole table is checked, or none of it (a CSV's first part alone was, before).
        if bytes.len() as u64 > workbook::MAX_FILE_BYTES {
            return Err(workbook::too_large());
        }
    }
    // Breakdown columns hold codes (grade 1, 2 …), not counts: by code or by name.
    let dictionary = super::reference::dictionary(state).await?;
    let mut labels: Vec<String> = Vec::new();
    for code in &app.requirement.breakdowns {
        labels.push(code.clone());
        if let Some(f) = dictionary.field(code) {
            labels.push(f.name_zh.clone());
            labels.push(f.name_en.clone());
        }
    }
    // Magnitude columns hold totals, not counts of people.
    labels.extend(magnitudes.columns.iter().cloned());
    let (threshold, rules) = (state.settings.disclosure_threshold, state.settings.dominance);
    let (columns, contributions) = (magnitudes.columns.clone(), magnitudes.contributions.clone());
    let ods = lower.ends_with(".ods");
    // Off the executor: a table of up to a million cells takes a while to read and check.
    let report = tokio::task::spawn_blocking(move || -> AppResult<DisclosureReport> {
        // Each sheet is a table; a CSV is one.
        let sheets = if spreadsheet { workbook::sheets(bytes, ods)? } else { vec![(String::new(), csv_rows(&bytes)?)] };
        let mut report = DisclosureReport { threshold, ..Default::default() };
        if let (Some(contributions), Some((_, rows))) = (&contributions, sheets.first()) {
            report.dominant_cells =
                disclosure::check_magnitudes(rows, &columns, &csv_rows(contributions)?, rules).map_err(InputError::Magnitude)?;
            report.dominance = Some(rules);
        }
        for (i, (sheet, rows)) in sheets.iter().enumerate() {
            let found = disclosure::check_table(rows, threshold, &labels);
            report.truncated |= found.truncated;
            // Cells of a workbook's later sheets say which sheet they are on.
            report.small_cells.extend(found.small_cells.into_iter().map(|mut c| {
                if i > 0 {
                    c.header = format!("{sheet} · {}", c.header);
                }
                c
            }));
        }
        Ok(report)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Some(report))
}

/// A stored file a second officer must still check (four eyes).
pub fn awaits_review(f: &statreq_store::DeliveryRow) -> bool {
    let report: Option<DisclosureReport> = f.disclosure.clone().and_then(|v| serde_json::from_value(v).ok());
    disclosure::awaits_second_check(f.personal, f.approved_by.is_some(), f.published_at.is_some(), report.as_ref())
}
