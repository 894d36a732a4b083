//! CSV imports, all or nothing: every line's problems at `/rows/{line}/{column}`, in
//! zh-TW and English, and a header that does not fit said once.

use serde::de::DeserializeOwned;
use statreq_contract::ProblemError;

use statreq_domain::values::disallowed_char;

use super::{pointer_token, MAX_IMPORT_ROWS};
use crate::app::InputError;
use crate::error::ApiError;

/// Parses CSV rows of `T`, collecting every row's problems (`/rows/{line}/…`);
/// any problem refuses the whole file.
pub fn parse_csv_rows<T: DeserializeOwned>(
    bytes: &[u8],
    mut check: impl FnMut(&T) -> Vec<(String, statreq_domain::Text)>,
) -> Result<Vec<T>, ApiError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|_| InputError::CsvNotUtf8)?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().cloned().ok();
    // So is one in the header, before the header is read for its columns: a name no
    // column has would be said back in the problem, control character and all.
    let in_header = headers.iter().flat_map(|h| h.iter()).find_map(|name| Some((pointer_token(name), disallowed_char(name)?)));
    if let Some((column, ch)) = in_header {
        return Err(InputError::CsvRows { errors: vec![disallowed(format!("/rows/1/{column}"), ch)] }.into());
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2; // counting the header
        if i >= MAX_IMPORT_ROWS {
            return Err(InputError::TooManyRows { max: MAX_IMPORT_ROWS }.into());
        }
        // A cell holding a character no text may (U+0000, which PostgreSQL refuses; a
        // control or text-direction character) is refused where it is, like in JSON.
        let refused = rec.as_ref().ok().and_then(|r| {
            r.iter().enumerate().find_map(|(col, cell)| {
                let ch = disallowed_char(cell)?;
                let column = headers.as_ref().and_then(|h| h.get(col)).map_or_else(|| col.to_string(), pointer_token);
                Some((column, ch))
            })
        });
        if let Some((column, ch)) = refused {
            errors.push(disallowed(format!("/rows/{line}/{column}"), ch));
            continue;
        }
        let cells = rec.as_ref().ok().cloned();
        match rec.and_then(|r| r.deserialize::<T>(headers.as_ref())) {
            Err(e) => match unreadable(&e, headers.as_ref(), cells.as_ref(), line) {
                // The header does not fit (a column missing, or one the import does not
                // know: a misspelt optional one would be dropped unsaid, its data lost):
                // said once, whatever follows.
                Unreadable::Header(error) => return Err(InputError::CsvRows { errors: vec![error] }.into()),
                Unreadable::Line(error) => errors.push(error),
            },
            Ok(item) => {
                errors.extend(check(&item).into_iter().map(|(pointer, message)| row_problem(format!("/rows/{line}{pointer}"), message)));
                items.push(item);
            }
        }
        if errors.len() >= 100 {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(InputError::CsvRows { errors }.into());
    }
    if items.is_empty() {
        return Err(InputError::CsvNoRows.into());
    }
    Ok(items)
}

/// A character no text may hold, at `pointer` (`/rows/{line}/{column}`), as in JSON.
fn disallowed(pointer: String, ch: char) -> ProblemError {
    let problem = InputError::DisallowedCharacter { pointer: String::new(), ch };
    let message = problem.message();
    ProblemError { pointer, code: problem.code().into(), detail: message.en.clone(), message: Some(message), severity: None }
}

/// A problem of the file at `pointer` (`/rows/{line}/{column}`).
fn row_problem(pointer: String, message: statreq_domain::Text) -> ProblemError {
    ProblemError { pointer, code: "invalid_csv_row".into(), detail: message.en.clone(), message: Some(message), severity: None }
}

/// A file refused for problems found once its lines were read (each at
/// `/rows/{line}/{column}`), as a line's own problems are: nothing imported.
pub fn rows_refused(problems: Vec<(String, statreq_domain::Text)>) -> ApiError {
    InputError::CsvRows { errors: problems.into_iter().map(|(pointer, message)| row_problem(pointer, message)).collect() }.into()
}

/// Reference items (`R` rows into `T`) from a CSV import, all or nothing: each
/// checked by `problems`, a key twice in the file a problem at `key_pointer`.
pub fn reference_csv<R, T>(
    bytes: &[u8],
    key_pointer: &str,
    problems: impl Fn(&T) -> Vec<(String, statreq_domain::Text)>,
    key: impl Fn(&T) -> &String,
) -> Result<Vec<(String, serde_json::Value)>, ApiError>
where
    R: DeserializeOwned + Clone + Into<T>,
    T: serde::Serialize,
{
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<R> = parse_csv_rows(bytes, |r: &R| {
        let item: T = r.clone().into();
        let mut p: Vec<(String, statreq_domain::Text)> = problems(&item).into_iter().map(|(at, m)| (csv_column(&at), m)).collect();
        if !seen.insert(key(&item).clone()) {
            p.push((key_pointer.into(), statreq_domain::Text::new("此代號在檔案中重複。", "This key appears twice in the file.")));
        }
        p
    })?;
    let items = rows
        .into_iter()
        .map(|r| {
            let item: T = r.into();
            serde_json::to_value(&item).map(|v| (key(&item).clone(), v))
        })
        .collect::<Result<_, _>>()
        .map_err(crate::app::AppError::internal)?;
    Ok(items)
}

/// An item's problem pointer as the file's column: a text in both languages is one
/// object in the item (`/title/zh_tw`) and two columns in the file (`title_zh`).
fn csv_column(pointer: &str) -> String {
    let top = |base: &str| base.len() > 1 && !base[1..].contains('/');
    match (pointer.strip_suffix("/zh_tw"), pointer.strip_suffix("/en")) {
        (Some(base), _) if top(base) => format!("{base}_zh"),
        (_, Some(base)) if top(base) => format!("{base}_en"),
        _ => pointer.to_string(),
    }
}

enum Unreadable {
    Header(ProblemError),
    Line(ProblemError),
}

/// Why a line of the file could not be read, in zh-TW and English, where.
fn unreadable(e: &csv::Error, headers: Option<&csv::StringRecord>, cells: Option<&csv::StringRecord>, line: usize) -> Unreadable {
    let problem = |pointer: String, code: &str, zh: String, en: String| ProblemError {
        pointer,
        code: code.into(),
        detail: en.clone(),
        message: Some(statreq_domain::Text::new(zh, en)),
        severity: None,
    };
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let what = err.kind().to_string();
            // serde's words: "unknown field `x`, expected one of `a`, `b`" and
            // "missing field `x`".
            let quoted = |after: &str| what.split_once(after).and_then(|(_, rest)| rest.split('`').nth(1)).map(str::to_string);
            if let Some(column) = quoted("unknown field") {
                let known = what.split_once("expected one of").map_or("", |(_, k)| k).trim().replace('`', "");
                return Unreadable::Header(problem(
                    format!("/rows/1/{}", pointer_token(&column)),
                    "unknown_field",
                    format!("標題列的「{column}」不是本匯入的欄位（請核對拼寫）；欄位為：{known}。"),
                    format!("The header's \"{column}\" is not a column of this import (check its spelling); the columns are: {known}."),
                ));
            }
            if let Some(column) = quoted("missing field") {
                return Unreadable::Header(problem(
                    format!("/rows/1/{}", pointer_token(&column)),
                    "invalid_csv_row",
                    format!("標題列缺少「{column}」欄。"),
                    format!("The header lacks the column \"{column}\"."),
                ));
            }
            let value = quoted("unknown variant");
            // A value not among a column's choices comes without its column: it is the
            // cell that holds the value.
            let at = err.field().and_then(|f| usize::try_from(f).ok()).or_else(|| {
                let value = value.as_deref()?;
                cells?.iter().position(|c| c == value)
            });
            let column = at.and_then(|i| headers?.get(i)).map(pointer_token);
            let pointer = column.as_ref().map_or_else(|| format!("/rows/{line}"), |c| format!("/rows/{line}/{c}"));
            let (zh, en) = cell_problem(&what);
            Unreadable::Line(problem(pointer, "invalid_csv_row", zh, en))
        }
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Unreadable::Line(problem(
            format!("/rows/{line}"),
            "invalid_csv_row",
            format!("此列有 {len} 格，標題列有 {expected_len} 格。"),
            format!("This line has {len} cells; the header has {expected_len}."),
        )),
        _ => Unreadable::Line(problem(
            format!("/rows/{line}"),
            "invalid_csv_row",
            "此列無法讀取。".into(),
            format!("This line cannot be read: {e}"),
        )),
    }
}

/// What a cell should hold: in zh-TW as a JSON body's value is said ([`serde_words`]),
/// the parser's own words in the English detail.
///
/// [`serde_words`]: crate::app::input::serde_words
fn cell_problem(what: &str) -> (String, String) {
    match crate::app::input::serde_words(what) {
        Some(zh) => (format!("此格的值無法讀取：{zh}。"), format!("This cell's value cannot be read: {what}.")),
        None => ("此格的值無法讀取。".into(), format!("This cell's value cannot be read: {what}.")),
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Row {
        code: String,
        staff: i32,
        personal: bool,
        kind: Kind,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Basic,
        Pay,
    }

    /// Each problem as (pointer, zh-TW, English).
    fn problems(csv: &str) -> Vec<(String, String, String)> {
        let Err(e) = super::parse_csv_rows::<Row>(csv.as_bytes(), |_| Vec::new()) else { panic!("{csv} was read") };
        let body = serde_json::to_value(e.to_problem()).unwrap_or_default();
        body["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
                (s(&p["pointer"]), s(&p["message"]["zh_tw"]), s(&p["message"]["en"]))
            })
            .collect()
    }

    #[test]
    fn a_text_in_both_languages_is_two_columns_of_the_file() {
        let column = super::csv_column;
        assert_eq!((column("/title/zh_tw"), column("/definition/en")), ("/title_zh".to_string(), "/definition_en".to_string()));
        assert_eq!((column("/fields/1"), column("/a/b/en"), column("/en")), ("/fields/1".into(), "/a/b/en".into(), "/en".into()));
    }

    #[test]
    fn a_cell_that_does_not_read_is_named_and_said_in_both_languages() {
        let got = problems(
            "code,staff,personal,kind\nA,,true,basic\nB,1x,true,pay\nC,99999999999,true,pay\nD,1,yes,pay\nE,1,false,basics\nF,1,false,pay\n",
        );
        let want = [
            (
                "/rows/2/staff",
                "此格的值無法讀取：須為整數，不可空白。",
                "This cell's value cannot be read: cannot parse integer from empty string.",
            ),
            (
                "/rows/3/staff",
                "此格的值無法讀取：須為整數（只含阿拉伯數字）。",
                "This cell's value cannot be read: invalid digit found in string.",
            ),
            ("/rows/4/staff", "此格的值無法讀取：數字過大。", "This cell's value cannot be read: number too large to fit in target type."),
            (
                "/rows/5/personal",
                "此格的值無法讀取：須為 true 或 false。",
                "This cell's value cannot be read: provided string was not `true` or `false`.",
            ),
            (
                "/rows/6/kind",
                "此格的值無法讀取：沒有「basics」這個選項；可用的有 basic、pay。",
                "This cell's value cannot be read: unknown variant `basics`, expected `basic` or `pay`.",
            ),
        ];
        let want: Vec<(String, String, String)> = want.iter().map(|(p, z, e)| (p.to_string(), z.to_string(), e.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_control_character_in_the_header_is_refused_not_said_back() {
        // A column's name with U+0088 in it: once said back in "not a column of this
        // import", its control character and all.
        let got = problems("code,staff,personal,kind,\u{88}note\nA,1,true,basic,x\n");
        assert_eq!(got.len(), 1, "{got:?}");
        let (pointer, zh, en) = &got[0];
        assert_eq!(pointer, "/rows/1/\u{FFFD}note");
        assert!(zh.contains("控制字元") && en.contains("control character") && en.contains("U+0088"), "{zh} / {en}");
        let shown = |t: &str| !t.chars().any(statreq_domain::values::is_disallowed_char);
        assert!(shown(zh) && shown(en) && shown(pointer), "{got:?}");
    }
}
