//! Small values the API takes from callers, each with one checking constructor:
//! past the boundary nothing re-checks them. Errors carry their limits as data.

use std::fmt;

/// A limit a value broke: the bounds, as data (the API words the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be {min} to {max}")]
pub struct OutOfRange {
    pub min: i64,
    pub max: i64,
}

macro_rules! text_value {
    ($(#[$m:meta])* $name:ident, max = $max:expr, trim = $trim:expr, no_space = $no_space:expr, one_line = $one_line:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Most characters.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, OutOfRange> {
                let text = if $trim { raw.trim() } else { raw };
                let n = text.chars().count();
                let ok = (1..=Self::MAX_CHARS).contains(&n)
                    && !($no_space && text.chars().any(|c| is_disallowed_char(c) || c.is_control() || c.is_whitespace()))
                    && !($one_line && text.chars().any(|c| is_disallowed_char(c) || c.is_control()));
                if ok {
                    Ok(Self(text.to_string()))
                } else {
                    Err(OutOfRange { min: 1, max: Self::MAX_CHARS as i64 })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// A creating system's own reference for a request (WebHR's case number):
    /// 1–100 characters, no spaces or control characters.
    ExternalRef, max = 100, trim = false, no_space = true, one_line = true
);
text_value!(
    /// A message in a request's clarification thread: 1–4,000 characters after trimming.
    MessageBody, max = 4_000, trim = true, no_space = false, one_line = false
);
text_value!(
    /// An agency's or a person's name: one line (no line break, tab or other control
    /// character) of 1–100 characters after trimming.
    Name, max = 100, trim = true, no_space = false, one_line = true
);

/// Whether text taken from a caller may not hold `c`: the control characters (C0,
/// DEL and C1, as XML 1.0 refuses them) but tab, line feed and carriage return —
/// nothing a screen shows, U+0000 no PostgreSQL column stores, and a vertical tab or
/// bell in a reason means nothing to the officer who reads it; and the bidirectional
/// embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), with which a
/// reason or a file's name displays in another order than it reads (the "Trojan
/// Source" spoofing, CVE-2021-42574). Zh-TW and English text never needs them.
pub fn is_disallowed_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` as a search compares it: lower case, with full-width letters, digits and
/// signs as their ASCII forms (「ＷｅｂＨＲ」, 「１１５」 as a Chinese input method types
/// them) and U+3000 as a space.
pub fn search_fold(text: &str) -> String {
    halfwidth(&text.to_lowercase()).to_lowercase()
}

/// `text` with full-width letters, digits and signs as their ASCII forms and U+3000 as a
/// space, case kept: 「１２」 is 12, 「Ａ１」 is A1.
pub fn halfwidth(text: &str) -> String {
    let half = |c: char| match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    text.chars().map(half).collect()
}

/// Whether `haystack` holds `needle`, however either side wrote its letters, digits and
/// signs ([`search_fold`]): the searches of lists held in memory (the field dictionary,
/// the existing sources, the agencies).
pub fn search_holds(haystack: &str, needle: &str) -> bool {
    search_fold(haystack).contains(&search_fold(needle))
}

/// The forms a search for `text` looks for in stored text, lower-cased: as typed, folded
/// ([`search_fold`]), and with ASCII letters, digits and signs full-width — so that words
/// find their text however either side wrote them. The first is the folded form (where
/// a request number is read).
pub fn search_forms(text: &str) -> [String; 3] {
    let full = |c: char| match c {
        ' ' => '\u{3000}',
        '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        c => c,
    };
    let halfwidth = search_fold(text);
    let fullwidth: String = halfwidth.chars().map(full).collect::<String>().to_lowercase();
    [halfwidth, text.to_lowercase(), fullwidth]
}

/// The first character of `text` it may not hold ([`is_disallowed_char`]).
pub fn disallowed_char(text: &str) -> Option<char> {
    text.chars().find(|&c| is_disallowed_char(c))
}

/// `c` as Unicode writes it: `U+202E`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// An agency's number of personnel staff (人事人員數, rule 5.3), 0–100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StaffCount(i32);

impl StaffCount {
    pub const MAX: i32 = 100_000;

    pub fn new(n: i64) -> Result<Self, OutOfRange> {
        if (0..=i64::from(Self::MAX)).contains(&n) {
            Ok(Self(n as i32))
        } else {
            Err(OutOfRange { min: 0, max: i64::from(Self::MAX) })
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_holds_either_width_on_either_side() {
        assert_eq!(search_fold("ＷｅｂＨＲ　１１５年"), "webhr 115年");
        assert_eq!(halfwidth("Ａ１　２０２５－１２－３１，年"), "A1 2025-12-31,年");
        assert!(search_holds("Birth_Date", "ＢＩＲＴＨ＿"));
        assert!(search_holds("依ＷｅｂＨＲ統計報表", "webhr統計"));
        assert!(search_holds("ＷｅｂＨＲ 統計報表", "ｗｅｂｈｒ　統計"), "a full-width space is a space");
        assert!(!search_holds("出生日期", "出生年"));
        assert!(search_holds("任何文字", ""));
    }

    #[test]
    fn text_holds_no_invisible_controls_but_line_breaks_and_tabs() {
        assert_eq!(disallowed_char("第一行\r\n\t第二行 · 人事"), None);
        let forms = search_forms("ＷｅｂＨＲ　１１５年");
        assert_eq!(forms, ["webhr 115年".to_string(), "ｗｅｂｈｒ　１１５年".to_string(), "ｗｅｂｈｒ　１１５年".to_string()]);
        assert_eq!(search_forms("WebHR 報表")[2], "ｗｅｂｈｒ　報表");
        assert_eq!(search_forms("#１２")[0], "#12");
        for (text, c) in [("a\0b", '\0'), ("鈴\u{7}", '\u{7}'), ("\u{B}", '\u{B}'), ("x\u{7F}", '\u{7F}'), ("\u{85}", '\u{85}')] {
            assert_eq!(disallowed_char(text), Some(c), "{text:?}");
        }
        // Bidirectional overrides and isolates, not the marks or joiners of ordinary text.
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(disallowed_char(&format!("名冊{c}vsc.exe")), Some(c));
        }
        for ok in ['\u{200D}', '\u{202F}', '\u{2065}', '\u{206A}', '\u{3000}', '\u{FEFF}'] {
            assert!(!is_disallowed_char(ok), "{ok:?}");
        }
        assert_eq!(code_point('\u{202E}'), "U+202E");
        assert_eq!(code_point('\0'), "U+0000");
    }

    #[test]
    fn external_refs_are_short_and_without_spaces() {
        assert_eq!(ExternalRef::parse("WEBHR-2026-0042").map(|r| r.to_string()).ok().as_deref(), Some("WEBHR-2026-0042"));
        assert!(ExternalRef::parse("").is_err());
        assert!(ExternalRef::parse("two words").is_err());
        assert!(ExternalRef::parse(&"x".repeat(101)).is_err());
        assert!(ExternalRef::parse(&"案".repeat(100)).is_ok(), "characters, not bytes");
    }

    #[test]
    fn messages_and_names_are_trimmed_and_bounded() {
        assert_eq!(MessageBody::parse("  請補充說明  ").map(MessageBody::into_inner).ok().as_deref(), Some("請補充說明"));
        assert!(MessageBody::parse("   ").is_err());
        assert!(MessageBody::parse("第一行\n第二行").is_ok(), "line breaks are text");
        assert!(MessageBody::parse(&"字".repeat(4_001)).is_err());
        assert_eq!(Name::parse(" 內政部警政署 ").map(|n| n.to_string()).ok().as_deref(), Some("內政部警政署"));
        assert_eq!(Name::parse(&"名".repeat(101)), Err(OutOfRange { min: 1, max: 100 }));
        for two_lines in ["內政部\n警政署", "王小明\r\n（請至 https://x 登入）", "王\t小明"] {
            assert!(Name::parse(two_lines).is_err(), "a name is one line: {two_lines:?}");
        }
        assert!(Name::parse("王小明（內政部 人事處）").is_ok(), "spaces are text");
    }

    #[test]
    fn staff_counts_are_within_bounds() {
        assert_eq!(StaffCount::new(120).map(StaffCount::get), Ok(120));
        assert_eq!(StaffCount::new(0).map(StaffCount::get), Ok(0));
        assert_eq!(StaffCount::new(-1), Err(OutOfRange { min: 0, max: 100_000 }));
        assert!(StaffCount::new(100_001).is_err());
    }
}
