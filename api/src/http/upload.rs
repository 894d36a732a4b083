//! A file from a multipart form (field `file`), checked by its name and stored
//! encrypted through the [`FileStore`](crate::app::files::FileStore).

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::app::files::{FileStore, Received};
use crate::app::InputError;
use crate::error::ApiError;

/// A received file with the name and type it is served under.
pub struct Upload {
    pub filename: String,
    pub content_type: &'static str,
    pub stored: Received,
}

fn sanitize_filename(raw: &str, allowed: &[(&str, &'static str)]) -> Option<(String, &'static str)> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    // Control characters and text-direction controls (`名冊\u{202E}vsc.exe` shows as
    // `名冊exe.csv`) are left out of the name it is served under.
    let clean: String =
        base.chars().filter(|&c| !c.is_control() && !statreq_domain::values::is_disallowed_char(c) && c != '"').take(200).collect();
    let ext = clean.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let (_, content_type) = allowed.iter().find(|(e, _)| *e == ext)?;
    (!clean.starts_with('.')).then_some((clean, content_type))
}

/// The file's name as the client gave it: `filename*` (RFC 5987) when it is UTF-8 or
/// ASCII, as RFC 6266 prefers when both are sent (.NET's `MultipartFormDataContent`
/// sends both, `filename` then an RFC 2047 encoded word); otherwise `filename`, decoded
/// when it is RFC 2047 encoded words (what .NET sends when only a non-ASCII `FileName`
/// is set, in UTF-8, or in Big5 from older systems).
fn client_filename(cd: &actix_web::http::header::ContentDisposition) -> String {
    use actix_web::http::header::Charset;
    let extended = cd.get_filename_ext().filter(|v| match &v.charset {
        Charset::Us_Ascii => true,
        Charset::Ext(label) => label.eq_ignore_ascii_case("utf-8"),
        _ => false,
    });
    match extended.and_then(|v| String::from_utf8(v.value.clone()).ok()) {
        Some(name) => name,
        None => {
            let plain = cd.get_filename().unwrap_or_default();
            decode_encoded_words(plain).unwrap_or_else(|| plain.to_string())
        }
    }
}

/// `raw` decoded when it is nothing but RFC 2047 encoded words (`=?charset?B|Q?text?=`,
/// the white space between them dropped); `None` when it is not, or does not decode
/// cleanly in the charset it names.
fn decode_encoded_words(raw: &str) -> Option<String> {
    use base64::Engine;
    let mut out = String::new();
    for word in raw.split_whitespace() {
        let mut parts = word.strip_prefix("=?")?.strip_suffix("?=")?.splitn(3, '?');
        let (charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
        let bytes = match encoding {
            "B" | "b" => base64::engine::general_purpose::STANDARD.decode(text).ok()?,
            "Q" | "q" => q_decode(text)?,
            _ => return None,
        };
        // RFC 2231 lets a language follow the charset (`utf-8*zh-TW`).
        let charset = encoding_rs::Encoding::for_label(charset.split('*').next()?.as_bytes())?;
        out.push_str(&charset.decode_without_bom_handling_and_without_replacement(&bytes)?);
    }
    (!out.is_empty()).then_some(out)
}

/// RFC 2047's "Q" encoding: `_` is a space, `=XX` a byte in hex.
fn q_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'_' => b' ',
            b'=' => {
                let hex = [bytes.next()?, bytes.next()?];
                u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?
            }
            b => b,
        });
    }
    Some(out)
}

/// Receives exactly one file: its type by extension from `allowed`, at most `max`
/// bytes; nothing is left behind when it fails.
pub async fn receive_one(
    files: &FileStore,
    form: &mut Multipart,
    max: usize,
    allowed: &[(&str, &'static str)],
) -> Result<Upload, ApiError> {
    Ok(receive_with(files, form, max, allowed, &[]).await?.0)
}

/// The most a form's other fields may hold, together.
const MAX_EXTRA_BYTES: usize = 4 * 1024 * 1024;

/// What a form's boundaries and part headers may add to its file and fields.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Refuses, before a byte of it is read, a form whose declared `Content-Length` no
/// file of `max` bytes (with the form's other fields and framing) could fill: `413
/// file_too_large` at once, not after the first `max` bytes have come. A client that
/// sends `Expect: 100-continue` learns it before it sends anything.
pub fn refuse_declared_oversize(req: &actix_web::HttpRequest, max: usize) -> Result<(), ApiError> {
    let declared =
        req.headers().get(actix_web::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let room = max.saturating_add(MAX_EXTRA_BYTES + FORM_OVERHEAD) as u64;
    match declared {
        Some(n) if n > room => Err(InputError::FileTooLarge { max_bytes: max }.into()),
        _ => Ok(()),
    }
}

/// Receives exactly one file (as [`receive_one`]) and, before or after it, the fields
/// named in `extras`, read whole (together at most 4 MiB; each may repeat). Any other
/// field is refused, and nothing is left behind when anything fails.
pub async fn receive_with(
    files: &FileStore,
    form: &mut Multipart,
    max: usize,
    allowed: &[(&str, &'static str)],
    extras: &[&str],
) -> Result<(Upload, Vec<(String, Vec<u8>)>), ApiError> {
    let mut upload: Option<Upload> = None;
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    let result = receive_fields(files, form, max, allowed, extras, &mut upload, &mut fields).await;
    match (result, upload) {
        (Ok(()), Some(u)) => Ok((u, fields)),
        (Ok(()), None) => Err(InputError::FileRequired.into()),
        (Err(e), stored) => {
            if let Some(u) = stored {
                files.remove([u.stored.key.as_str()]).await;
            }
            Err(e)
        }
    }
}

async fn receive_fields(
    files: &FileStore,
    form: &mut Multipart,
    max: usize,
    allowed: &[(&str, &'static str)],
    extras: &[&str],
    upload: &mut Option<Upload>,
    fields: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), ApiError> {
    let mut extra_bytes = 0;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| InputError::MalformedMultipart { detail: e.to_string() })?;
        let name = field.name().unwrap_or_default().to_string();
        if extras.contains(&name.as_str()) {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| InputError::MalformedMultipart { detail: e.to_string() })?;
                extra_bytes += chunk.len();
                if extra_bytes > MAX_EXTRA_BYTES {
                    return Err(InputError::BodyTooLarge { max_bytes: MAX_EXTRA_BYTES }.into());
                }
                bytes.extend_from_slice(&chunk);
            }
            fields.push((name, bytes));
            continue;
        }
        if name != "file" || upload.is_some() {
            return Err(InputError::UnexpectedField.into());
        }
        let raw_name = field.content_disposition().map(client_filename).unwrap_or_default();
        let (filename, content_type) = sanitize_filename(&raw_name, allowed).ok_or_else(|| InputError::FileTypeNotAllowed {
            kinds: allowed.iter().map(|(e, _)| e.to_uppercase()).collect::<Vec<_>>().join(", "),
        })?;
        let stored = files.receive(field, max).await?;
        *upload = Some(Upload { filename, content_type, stored });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::decode_encoded_words as decode;

    #[test]
    fn encoded_words_decode_in_the_charset_they_name() {
        assert_eq!(decode("=?utf-8?B?5Lq65LqLLmNzdg==?=").as_deref(), Some("人事.csv"));
        assert_eq!(decode("=?UTF-8?Q?=E4=BA=BA=E4=BA=8B_1.csv?=").as_deref(), Some("人事 1.csv"));
        assert_eq!(decode("=?big5?B?pEioxi5jc3Y=?=").as_deref(), Some("人事.csv"));
        // .NET splits a long name into several words; the space between them goes.
        assert_eq!(decode("=?utf-8?B?5Lq65LqL?= =?utf-8?B?LmNzdg==?=").as_deref(), Some("人事.csv"));
        assert_eq!(decode("=?utf-8*zh-TW?B?5Lq65LqLLmNzdg==?=").as_deref(), Some("人事.csv"));
        for not in [
            "人事.csv",
            "report.csv",
            "=?utf-8?X?abc?=",
            "=?nope?B?5Lq6?=",
            "=?utf-8?B?not base64?=",
            "=?utf-8?B?/w==?=",
            "=?utf-8?Q?=E4=B?=",
        ] {
            assert_eq!(decode(not), None, "{not}");
        }
    }
}
