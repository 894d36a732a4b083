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
    ($(#[$m:meta])* $name:ident, max = $max:expr, trim = $trim:expr, no_space = $no_space:expr) => {
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
                    && !($no_space && text.chars().any(|c| c.is_control() || c.is_whitespace()));
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
    ExternalRef, max = 100, trim = false, no_space = true
);
text_value!(
    /// A message in a request's clarification thread: 1–4,000 characters after trimming.
    MessageBody, max = 4_000, trim = true, no_space = false
);
text_value!(
    /// An agency's or a person's name: 1–100 characters after trimming.
    Name, max = 100, trim = true, no_space = false
);

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
    }

    #[test]
    fn staff_counts_are_within_bounds() {
        assert_eq!(StaffCount::new(120).map(StaffCount::get), Ok(120));
        assert_eq!(StaffCount::new(0).map(StaffCount::get), Ok(0));
        assert_eq!(StaffCount::new(-1), Err(OutOfRange { min: 0, max: 100_000 }));
        assert!(StaffCount::new(100_001).is_err());
    }
}
