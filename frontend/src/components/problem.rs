//! A problem from the API as people read it: the server's message in the chosen language.

use statreq_client::ClientError;

use crate::i18n::{text, tr, Lang};

pub(crate) fn err_text(lang: Lang, e: &ClientError) -> String {
    match e.problem() {
        Some(p) => {
            let mut s = text(lang, &p.message);
            for err in &p.errors {
                let m = err.message.as_ref().map(|m| text(lang, m)).unwrap_or_else(|| err.detail.clone());
                s.push_str(&format!("\n• {} {}", err.pointer, m));
            }
            s
        }
        None => tr(lang, "cannot_reach_the_server_try_again"),
    }
}

/// An error as shown: both languages, chosen at display time.
#[derive(Debug, Clone, PartialEq)]
pub struct UiError {
    zh: String,
    en: String,
}

impl UiError {
    pub(crate) fn show(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            self.zh.clone()
        } else {
            self.en.clone()
        }
    }
}

pub(crate) fn ui(e: ClientError) -> UiError {
    UiError { zh: err_text(Lang::Zh, &e), en: err_text(Lang::En, &e) }
}
