//! The disclosure check of an uploaded statistical table (`domain::disclosure`):
//! read back the stored CSV, decrypted, and find cells counting too few people.

use futures_util::StreamExt;
use statreq_domain::application::{Application, OutputKind};
use statreq_domain::disclosure::{self, DisclosureReport};

use super::files::Egress;
use super::{AppError, AppResult};
use crate::AppState;

/// The most of a table the check reads (a statistical table is far smaller).
const MAX_TABLE_BYTES: usize = 16 * 1024 * 1024;

/// The report for a stored result file, when it is a CSV table of a statistics request;
/// `None` for anything else (detail records are personal data handled otherwise).
pub async fn check_stored(
    state: &AppState,
    app: &Application,
    filename: &str,
    key: &str,
    wrapped: &str,
) -> AppResult<Option<DisclosureReport>> {
    if app.requirement.output != Some(OutputKind::Statistics) || !filename.to_ascii_lowercase().ends_with(".csv") {
        return Ok(None);
    }
    let mut body = Box::pin(state.files.stream(key, wrapped, Egress::Plain)?);
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(AppError::internal)?;
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TABLE_BYTES {
            break;
        }
    }
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).into_owned();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader.records().filter_map(Result::ok).map(|r| r.iter().map(str::to_string).collect()).collect();
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
    Ok(Some(disclosure::check_table(&rows, state.settings.disclosure_threshold, &labels)))
}

/// A stored file a second officer must still check (four eyes).
pub fn awaits_review(f: &statreq_store::DeliveryRow) -> bool {
    let report: Option<DisclosureReport> = f.disclosure.clone().and_then(|v| serde_json::from_value(v).ok());
    disclosure::awaits_second_check(f.personal, f.approved_by.is_some(), f.published_at.is_some(), report.as_ref())
}
