//! Language (zh-TW default, English switchable and remembered) and dates (ROC
//! calendar in zh-TW, ISO in English).

use chrono::{DateTime, FixedOffset, Utc};
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

/// A pair of texts that come with the data (a source's names), in the chosen language.
pub fn t(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The locale catalogues: every string of the screens, by key, in
/// `frontend/locales/zh-TW.json` and `en.json` (a test keeps their keys equal).
static ZH: &str = include_str!("../locales/zh-TW.json");
static EN: &str = include_str!("../locales/en.json");

type Catalogue = std::collections::HashMap<String, String>;

fn catalogue(lang: Lang) -> &'static Catalogue {
    static ZH_CAT: std::sync::LazyLock<Catalogue> = std::sync::LazyLock::new(|| serde_json::from_str(ZH).unwrap_or_default());
    static EN_CAT: std::sync::LazyLock<Catalogue> = std::sync::LazyLock::new(|| serde_json::from_str(EN).unwrap_or_default());
    match lang {
        Lang::Zh => &ZH_CAT,
        Lang::En => &EN_CAT,
    }
}

/// The text of `key` in the chosen language (the key itself if a catalogue lacks it,
/// which a test prevents).
pub fn tr(lang: Lang, key: &str) -> String {
    catalogue(lang).get(key).cloned().unwrap_or_else(|| key.to_string())
}

/// As [`tr`], with `{name}` placeholders filled in.
pub fn tr_with(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    args.iter().fold(tr(lang, key), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

pub fn text(lang: Lang, t: &Text) -> String {
    match lang {
        Lang::Zh => t.zh_tw.clone(),
        Lang::En => t.en.clone(),
    }
}

/// 115年11月24日 (zh-TW, Taiwan time, the domain's ROC formatter) or 2026-11-24 (English).
pub fn date(lang: Lang, at: DateTime<Utc>) -> String {
    let day = statreq_domain::lifecycle::taiwan_date(at);
    match lang {
        Lang::Zh => statreq_domain::lifecycle::roc_date(day),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// A calendar day: 115年11月24日 in zh-TW (the ROC calendar), 2026-11-24 in English.
pub fn day(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Zh => statreq_domain::lifecycle::roc_date(d),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

pub fn datetime(lang: Lang, at: DateTime<Utc>) -> String {
    let tw =
        at.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!())));
    format!("{} {}", date(lang, at), tw.format("%H:%M"))
}

/// A label with an aside (a count, a size) after it: 通知（3） in zh-TW (full-width, as
/// the page's other brackets), Notifications (3) in English.
pub fn bracketed(lang: Lang, label: &str, n: impl std::fmt::Display) -> String {
    match lang {
        Lang::Zh => format!("{label}（{n}）"),
        Lang::En => format!("{label} ({n})"),
    }
}

/// A file's size as people read it: 80 位元組 / 80 bytes, 12.3 KB, 4.5 MB, 1.25 GB.
pub fn size(lang: Lang, bytes: i64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    match bytes {
        ..1024 => tr_with(lang, "n_bytes", &[("n", bytes.to_string())]),
        1024..1_048_576 => format!("{:.1} KB", b / K),
        1_048_576..1_073_741_824 => format!("{:.1} MB", b / K / K),
        _ => format!("{:.2} GB", b / K / K / K),
    }
}

/// A size with its exact byte count beside it (what a recipient checks a file by):
/// 4.5 MB（4,718,592 位元組）.
pub fn size_exact(lang: Lang, bytes: i64) -> String {
    if bytes < 1024 {
        return size(lang, bytes);
    }
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    tr_with(lang, "size_with_bytes", &[("size", size(lang, bytes)), ("n", grouped)])
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys_and_no_empty_text() {
        let zh = catalogue(Lang::Zh);
        let en = catalogue(Lang::En);
        assert!(zh.len() > 100, "the zh-TW catalogue parses");
        let mut only_zh: Vec<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(only_zh.is_empty() && only_en.is_empty(), "zh-TW only: {only_zh:?}; en only: {only_en:?}");
        assert!(zh.values().chain(en.values()).all(|v| !v.trim().is_empty()));
    }

    #[test]
    fn every_key_the_screens_use_is_in_the_catalogues() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(src)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.ends_with("i18n.rs") {
                    continue; // the definitions and this test
                }
                let code = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, _) in code.match_indices("tr(").chain(code.match_indices("tr_with(")) {
                    // tr(lang, "key") / tr_with(lang, "key", …): the first string literal after the call.
                    let rest = &code[i..];
                    let Some(open) = rest.find('"') else { continue };
                    let Some(len) = rest[open + 1..].find('"') else { continue };
                    let key = &rest[open + 1..open + 1 + len];
                    let call = rest[..open].trim_end();
                    if !(call.ends_with(',') || call.ends_with("\"tr(")) || key.contains(' ') || key.contains('%') {
                        continue; // not a call with a literal key (the definition, a format string)
                    }
                    if !catalogue(Lang::Zh).contains_key(key) || !catalogue(Lang::En).contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from the catalogues: {missing:?}");
    }

    #[test]
    fn asides_follow_the_language_s_brackets() {
        assert_eq!(bracketed(Lang::Zh, "通知", 3), "通知（3）");
        assert_eq!(bracketed(Lang::En, "Notifications", 3), "Notifications (3)");
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size(Lang::Zh, 80), "80 位元組");
        assert_eq!(size(Lang::En, 80), "80 bytes");
        assert_eq!(size(Lang::En, 12_595), "12.3 KB");
        assert_eq!(size_exact(Lang::Zh, 4_718_592), "4.5 MB（4,718,592 位元組）");
        assert_eq!(size_exact(Lang::En, 1_342_177_280), "1.25 GB (1,342,177,280 bytes)");
        assert_eq!(size_exact(Lang::En, 1023), "1023 bytes");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(tr_with(Lang::En, "account_created", &[("username", "lin.npa".into())]), "Account lin.npa created.");
        assert_eq!(tr_with(Lang::Zh, "account_created", &[("username", "lin.npa".into())]), "已建立帳號 lin.npa。");
    }

    #[test]
    fn roc_dates_in_taiwan_time() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).single().unwrap_or_default();
        assert_eq!(date(Lang::Zh, at), "115年11月24日");
        assert_eq!(date(Lang::En, at), "2026-11-24");
    }
}
