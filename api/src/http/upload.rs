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
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let ext = clean.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    let (_, content_type) = allowed.iter().find(|(e, _)| *e == ext)?;
    (!clean.starts_with('.')).then_some((clean, content_type))
}

/// Receives exactly one file: its type by extension from `allowed`, at most `max`
/// bytes; nothing is left behind when it fails.
pub async fn receive_one(
    files: &FileStore,
    form: &mut Multipart,
    max: usize,
    allowed: &[(&str, &'static str)],
) -> Result<Upload, ApiError> {
    let mut upload: Option<Upload> = None;
    while let Some(field) = form.next().await {
        let field = field.map_err(|e| InputError::MalformedMultipart { detail: e.to_string() })?;
        if field.name() != Some("file") || upload.is_some() {
            if let Some(u) = &upload {
                files.remove([u.stored.key.as_str()]).await;
            }
            return Err(InputError::UnexpectedField.into());
        }
        let raw_name = field.content_disposition().and_then(|cd| cd.get_filename()).unwrap_or("").to_string();
        let (filename, content_type) = sanitize_filename(&raw_name, allowed).ok_or_else(|| InputError::FileTypeNotAllowed {
            kinds: allowed.iter().map(|(e, _)| e.to_uppercase()).collect::<Vec<_>>().join(", "),
        })?;
        let stored = files.receive(field, max).await?;
        upload = Some(Upload { filename, content_type, stored });
    }
    Ok(upload.ok_or(InputError::FileRequired)?)
}
