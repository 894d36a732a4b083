//! Calendar days as people and systems send them: `YYYY-MM-DD` in the Western calendar,
//! exactly. chrono alone reads `115-12-01` as the year 115, so a day written in the ROC
//! calendar (民國115年 is 2026) would be taken, silently, for one nineteen centuries
//! earlier: a search "submitted from 115-12-01" would find everything. Such a day is
//! refused, saying how to write it; so is any year before the ROC's first (1912), which
//! no day this service knows of can fall in.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::message::Text;

/// The first year a day may fall in: 民國元年.
pub const FIRST_YEAR: i32 = 1912;

/// What the contract states of a day (`format: date` and this pattern; the parameters and
/// fields read with [`deserialize`] repeat it, as utoipa takes literals only).
pub const PATTERN: &str = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$";

/// What the contract states of an instant besides `format: date-time`: its year.
pub const INSTANT_PATTERN: &str = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-";

/// Why a day does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayError {
    /// Not `YYYY-MM-DD`.
    Shape,
    /// Written in the ROC calendar, or so it seems; `western` is the same day written as
    /// it should be, when there is one.
    RocYear { western: Option<NaiveDate> },
    /// `YYYY-MM-DD` naming no day (`2026-02-30`).
    NoSuchDay,
}

impl DayError {
    /// What to write instead, in both languages.
    pub fn text(&self) -> Text {
        match self {
            DayError::Shape => Text::new(
                "日期請以西元年 YYYY-MM-DD 填寫，例如 2026-12-01。",
                "a day as YYYY-MM-DD in the Western calendar, e.g. 2026-12-01",
            ),
            DayError::RocYear { western: Some(d) } => Text::new(
                format!("日期請以西元年填寫：民國{}年{}月{}日是 {d}。", d.year() - 1911, d.month(), d.day()),
                format!("a day in the Western calendar: the ROC year {} is {}, so write {d}", d.year() - 1911, d.year()),
            ),
            DayError::RocYear { western: None } => Text::new(
                format!("日期請以西元年填寫（民國年加 1911），且不早於 {FIRST_YEAR} 年。"),
                format!("a day in the Western calendar (the ROC year plus 1911), not before {FIRST_YEAR}"),
            ),
            DayError::NoSuchDay => Text::new("沒有這一天（請檢查月份與日期）。", "no such day (check the month and the day)"),
        }
    }
}

impl std::fmt::Display for DayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().en)
    }
}

/// Reads `YYYY-MM-DD` (a year of four digits, from [`FIRST_YEAR`]).
pub fn parse(raw: &str) -> Result<NaiveDate, DayError> {
    let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| digits(p)) {
        return Err(DayError::Shape);
    }
    let number = |p: &str| p.parse::<u32>().ok();
    let (year, month, day) = (parts[0].parse::<i32>().ok(), number(parts[1]), number(parts[2]));
    let (Some(year), Some(month), Some(day)) = (year, month, day) else { return Err(DayError::Shape) };
    // An ROC year: two or three digits (or padded to four), well before 1912.
    if year < FIRST_YEAR {
        return Err(DayError::RocYear { western: NaiveDate::from_ymd_opt(year + 1911, month, day).filter(|_| year > 0) });
    }
    let canonical =
        parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    if !canonical {
        return Err(DayError::Shape);
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DayError::NoSuchDay)
}

/// Reads an instant, RFC 3339 with its offset (`2026-12-01T08:00:00Z`), whose day reads
/// as [`parse`] reads one: `115-12-01T08:00:00Z` is refused as a day of an ROC year,
/// not taken for the year 115. `Err(Ok(_))` is such a day's refusal, `Err(Err(_))` any
/// other (chrono's words).
pub fn parse_instant(raw: &str) -> Result<DateTime<Utc>, Result<DayError, chrono::ParseError>> {
    let day = raw.find(['T', 't', ' ']).map_or(raw, |at| &raw[..at]);
    // Any other fault is the time's: its forms are what the caller needs to read.
    if let Err(e @ DayError::RocYear { .. }) = parse(day) {
        return Err(Ok(e));
    }
    DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&Utc)).map_err(Err)
}

/// `#[serde(deserialize_with = "statreq_domain::day::deserialize")]`: a day read by [`parse`].
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse(&raw).map_err(serde::de::Error::custom)
}

/// An optional instant read by [`parse_instant`] (with `#[serde(default)]`).
pub fn deserialize_instant_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let raw = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
    raw.map(|r| {
        parse_instant(&r).map_err(|e| match e {
            Ok(day) => serde::de::Error::custom(day),
            Err(time) => serde::de::Error::custom(time),
        })
    })
    .transpose()
}

/// The same for an optional day (with `#[serde(default)]`).
pub fn deserialize_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let raw = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
    raw.map(|r| parse(&r).map_err(serde::de::Error::custom)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_western_and_exact() {
        assert_eq!(parse("2026-12-01"), Ok(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()));
        assert_eq!(parse("1912-01-01").map(|d| d.year()), Ok(1912));
        let roc = NaiveDate::from_ymd_opt(2026, 12, 1);
        for raw in ["115-12-01", "0115-12-01", "115/12/01", "115.12.1", "115-12-1"] {
            assert_eq!(parse(raw), Err(DayError::RocYear { western: roc }), "{raw}");
        }
        assert_eq!(parse("115-02-30"), Err(DayError::RocYear { western: None }));
        assert_eq!(parse("0000-01-01"), Err(DayError::RocYear { western: None }));
        for raw in
            ["", "2026-12", "2026-12-01T00:00:00Z", "2026-1-5", "2026/12/01", "+2026-12-01", "2026-12-01 ", "二〇二六-12-01", "2026-12-０1"]
        {
            assert_eq!(parse(raw), Err(DayError::Shape), "{raw:?}");
        }
        assert_eq!(parse("2026-02-30"), Err(DayError::NoSuchDay));
        let said = DayError::RocYear { western: roc }.text();
        assert!(said.zh_tw.contains("民國115年12月1日是 2026-12-01") && said.en.contains("write 2026-12-01"), "{said:?}");
    }

    #[test]
    fn instants_are_rfc_3339_of_western_days() {
        let at = parse_instant("2026-12-01T08:00:00+08:00").map(|t| t.to_rfc3339());
        assert_eq!(at, Ok("2026-12-01T00:00:00+00:00".to_string()));
        assert_eq!(parse_instant("115-12-01T08:00:00Z"), Err(Ok(DayError::RocYear { western: NaiveDate::from_ymd_opt(2026, 12, 1) })));
        assert!(matches!(parse_instant("2026-12-01"), Err(Err(_))), "a day is not an instant");
        assert!(matches!(parse_instant("2026-12-01T08:00:00"), Err(Err(_))), "without its offset");
        assert_eq!(
            parse_instant("0115-12-01T08:00:00Z").err().and_then(Result::ok).map(|e| e.text().en.contains("2026-12-01")),
            Some(true)
        );
    }

    #[test]
    fn serde_reads_days_strictly() {
        #[derive(serde::Deserialize)]
        struct Q {
            #[serde(deserialize_with = "deserialize")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "deserialize_option")]
            from: Option<NaiveDate>,
        }
        let q: Q = serde_json::from_str(r#"{"on":"2026-12-01","from":"2026-01-01"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((q.on.year(), q.from.map(|d| d.month())), (2026, Some(1)));
        let q: Q = serde_json::from_str(r#"{"on":"2026-12-01"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(q.from, None);
        let e = serde_json::from_str::<Q>(r#"{"on":"115-12-01"}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("write 2026-12-01"), "{e}");
    }
}
