//! Language (zh-TW default, English switchable and remembered) and dates (ROC
//! calendar in zh-TW, ISO in English).

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use leptos::prelude::*;
use statreq_domain::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

const KEY: &str = "statreq.lang";

pub fn provide() -> RwSignal<Lang> {
    let stored = crate::session::storage_get(KEY);
    let lang = RwSignal::new(if stored.as_deref() == Some("en") { Lang::En } else { Lang::Zh });
    Effect::new(move |_| {
        let l = lang.get();
        crate::session::storage_set(KEY, if l == Lang::En { "en" } else { "zh" });
        if let Some(doc) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = doc.set_attribute("lang", if l == Lang::En { "en" } else { "zh-Hant-TW" });
        }
    });
    provide_context(lang);
    lang
}

pub fn lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::Zh))
}

pub fn t(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

pub fn text(lang: Lang, t: &Text) -> String {
    match lang {
        Lang::Zh => t.zh_tw.clone(),
        Lang::En => t.en.clone(),
    }
}

/// 115年11月24日 (zh-TW, Taiwan time) or 2026-11-24 (English).
pub fn date(lang: Lang, at: DateTime<Utc>) -> String {
    let tw =
        at.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!())));
    match lang {
        Lang::Zh => format!("{}年{}月{}日", tw.year() - 1911, tw.month(), tw.day()),
        Lang::En => tw.format("%Y-%m-%d").to_string(),
    }
}

pub fn datetime(lang: Lang, at: DateTime<Utc>) -> String {
    let tw =
        at.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!())));
    format!("{} {}", date(lang, at), tw.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn roc_dates_in_taiwan_time() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).single().unwrap_or_default();
        assert_eq!(date(Lang::Zh, at), "115年11月24日");
        assert_eq!(date(Lang::En, at), "2026-11-24");
    }
}
