//! Files in and out of the API: CSV cells a spreadsheet opens safely, and the head of a
//! download (its type and its name, for every kind of client).

use actix_web::http::header;
use actix_web::HttpResponse;

/// A cell of text someone typed, safe to open in a spreadsheet: a leading `=`, `+`,
/// `-`, `@`, tab or carriage return would start a formula (CSV injection), so it is
/// quoted with `'` as OWASP advises.
pub fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The text a [`csv_safe`] cell stands for: an import reads back what an export wrote.
pub fn csv_plain(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell,
    }
}

/// A CSV download.
pub fn csv_response(name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(body)
}

/// The head of a file's download, of `content_type` and named `name` (see
/// [`attachment_header`]). A `HEAD` ([`super::methods::is_head`]) is answered with it
/// alone, before the file is opened or its download recorded.
pub fn file_response(content_type: &str, name: &str, fallback: &str) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::Ok();
    res.content_type(content_type).insert_header((header::CONTENT_DISPOSITION, attachment_header(name, fallback)));
    res
}

/// `Content-Disposition` for a download: the UTF-8 name in `filename*` (RFC 6266), and
/// in `filename` an ASCII name for clients that read only that one (`curl -OJ`, old
/// tools): the name itself when it is ASCII, otherwise `fallback` with the name's
/// extensions (`人員名冊.csv.age` → `request-7-file-3.csv.age`), never a row of `_`.
pub fn attachment_header(name: &str, fallback: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
    // The extensions: trailing `.xyz` parts of up to 8 ASCII letters or digits.
    let mut stem = name;
    while let Some((head, ext)) = stem.rsplit_once('.') {
        if head.is_empty() || ext.is_empty() || ext.len() > 8 || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
            break;
        }
        stem = head;
    }
    let extensions = &name[stem.len()..];
    let stem = if stem.is_ascii() { stem } else { fallback };
    let ascii: String = format!("{stem}{extensions}").chars().map(|c| if safe(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_names_its_file_in_utf8_and_in_readable_ascii() {
        let header = |name| super::attachment_header(name, "request-7-file-3");
        assert_eq!(
            header("名冊.csv.age"),
            "attachment; filename=\"request-7-file-3.csv.age\"; filename*=UTF-8''%E5%90%8D%E5%86%8A.csv.age"
        );
        assert_eq!(header("result-2026.csv"), "attachment; filename=\"result-2026.csv\"; filename*=UTF-8''result-2026.csv");
        // An ASCII name keeps its words; a quote or a space cannot break the header.
        assert_eq!(header("a \"b\".xlsx"), "attachment; filename=\"a__b_.xlsx\"; filename*=UTF-8''a%20%22b%22.xlsx");
        // No extension, or a name with a dot but no extension to keep.
        assert_eq!(header("人事資料"), "attachment; filename=\"request-7-file-3\"; filename*=UTF-8''%E4%BA%BA%E4%BA%8B%E8%B3%87%E6%96%99");
        assert_eq!(header("統計.表"), "attachment; filename=\"request-7-file-3\"; filename*=UTF-8''%E7%B5%B1%E8%A8%88.%E8%A1%A8");
        assert_eq!(header("v1.統計.csv"), "attachment; filename=\"request-7-file-3.csv\"; filename*=UTF-8''v1.%E7%B5%B1%E8%A8%88.csv");
    }
}
