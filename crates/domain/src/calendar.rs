//! The government office calendar (政府行政機關辦公日曆表) that DGPA publishes each
//! year: which days the offices are closed beyond weekends (national holidays and
//! their compensatory days off) and which weekend days are worked instead
//! (make-up workdays). Turnaround, waits and escalations are counted in its
//! working days. Managed data: built in for 2026 and 2027, edited by DGPA.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::message::Text;

/// A named day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NamedDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"))]
    #[serde(deserialize_with = "crate::day::deserialize")]
    pub date: NaiveDate,
    /// e.g. 春節, 和平紀念日補假, 補行上班.
    pub name: String,
}

/// One year of the office calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficeCalendar {
    pub year: i32,
    /// Days the offices are closed besides Saturdays and Sundays: holidays and
    /// compensatory days off (a holiday on a weekend may be listed too).
    #[serde(default)]
    pub days_off: Vec<NamedDay>,
    /// Saturdays or Sundays worked instead (補行上班).
    #[serde(default)]
    pub make_up_workdays: Vec<NamedDay>,
}

/// Bounds on one year's lists.
pub const MAX_DAYS: usize = 100;
pub const MAX_NAME: usize = 50;
/// Years statreq keeps a calendar for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl OfficeCalendar {
    /// Everything wrong with a year, as (JSON pointer, message): a date outside the
    /// year, a day listed twice, a make-up workday that is not a weekend day, a
    /// name missing or too long, too many days.
    pub fn problems(&self) -> Vec<(String, Text)> {
        let mut out = Vec::new();
        if !YEARS.contains(&self.year) {
            out.push(("/year".into(), Text::new("年份須介於 2000 至 2100。", "The year must be 2000–2100.")));
        }
        let mut seen: Vec<NaiveDate> = Vec::new();
        for (list, days) in [("days_off", &self.days_off), ("make_up_workdays", &self.make_up_workdays)] {
            if days.len() > MAX_DAYS {
                out.push((format!("/{list}"), Text::new(format!("最多 {MAX_DAYS} 日。"), format!("At most {MAX_DAYS} days."))));
            }
            for (i, d) in days.iter().enumerate() {
                let at = format!("/{list}/{i}");
                if d.date.year() != self.year {
                    out.push((format!("{at}/date"), Text::new("日期不在此年度內。", "The date is not in this year.")));
                }
                if seen.contains(&d.date) {
                    out.push((format!("{at}/date"), Text::new("此日期重複列出。", "This date is listed twice.")));
                }
                seen.push(d.date);
                if list == "make_up_workdays" && !is_weekend(d.date) {
                    out.push((
                        format!("{at}/date"),
                        Text::new("補行上班日須為星期六或星期日。", "A make-up workday is a Saturday or Sunday."),
                    ));
                }
                let n = d.name.trim().chars().count();
                if n == 0 || n > MAX_NAME {
                    out.push((
                        format!("{at}/name"),
                        Text::new(format!("請填寫名稱（最多 {MAX_NAME} 字）。"), format!("Give a name (at most {MAX_NAME} characters).")),
                    ));
                }
            }
        }
        out
    }
}

/// What a calendar lists for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed<'a> {
    DayOff(&'a str),
    MakeUpWorkday(&'a str),
}

impl OfficeCalendar {
    /// What the year lists for `date`: a day off or a make-up workday, by name.
    pub fn listed(&self, date: NaiveDate) -> Option<Listed<'_>> {
        fn named(days: &[NamedDay], date: NaiveDate) -> Option<&str> {
            days.iter().find(|d| d.date == date).map(|d| d.name.as_str())
        }
        named(&self.days_off, date).map(Listed::DayOff).or_else(|| named(&self.make_up_workdays, date).map(Listed::MakeUpWorkday))
    }

    /// The days listed in any of `calendars`, in order, once each.
    pub fn days_in(calendars: &[&OfficeCalendar]) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> =
            calendars.iter().flat_map(|c| c.days_off.iter().chain(&c.make_up_workdays).map(|d| d.date)).collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// `mine`, an edit of `read`, made again on `theirs`, another edit of `read` saved
    /// meanwhile: each day `mine` changed (added, removed, renamed, moved between the
    /// lists) as `mine` has it, every other day as `theirs` has it.
    pub fn rebase(read: &OfficeCalendar, theirs: &OfficeCalendar, mine: &OfficeCalendar) -> OfficeCalendar {
        let mut out = OfficeCalendar { year: mine.year, days_off: Vec::new(), make_up_workdays: Vec::new() };
        for date in OfficeCalendar::days_in(&[read, theirs, mine]) {
            let kept = if mine.listed(date) != read.listed(date) { mine.listed(date) } else { theirs.listed(date) };
            match kept {
                Some(Listed::DayOff(name)) => out.days_off.push(NamedDay { date, name: name.to_string() }),
                Some(Listed::MakeUpWorkday(name)) => out.make_up_workdays.push(NamedDay { date, name: name.to_string() }),
                None => {}
            }
        }
        out
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Whether the offices work on `day`: a make-up workday does; a listed day off and
/// a weekend do not; any other day does. A year without a calendar counts weekends only.
pub fn is_working_day(day: NaiveDate, calendars: &[OfficeCalendar]) -> bool {
    let Some(year) = calendars.iter().find(|c| c.year == day.year()) else {
        return !is_weekend(day);
    };
    if year.make_up_workdays.iter().any(|d| d.date == day) {
        return true;
    }
    !is_weekend(day) && !year.days_off.iter().any(|d| d.date == day)
}

/// Working days from `from` to `to`, both counted; 0 when `to` is before `from`.
pub fn working_days(from: NaiveDate, to: NaiveDate, calendars: &[OfficeCalendar]) -> i64 {
    from.iter_days().take_while(|d| *d <= to).filter(|d| is_working_day(*d, calendars)).count() as i64
}

/// The month from which next year's calendar is wanted (DGPA publishes it mid-year):
/// from 1 October a next year without one is asked for, three months ahead.
pub const NEXT_YEAR_FROM_MONTH: u32 = 10;

/// The years whose calendar statreq should have by `today` and has not (`set`: the
/// years it has): this year, and next year from [`NEXT_YEAR_FROM_MONTH`]. Without one,
/// working days (waits, escalations, turnaround) would count weekends only.
pub fn years_to_set(today: NaiveDate, set: &[i32]) -> Vec<i32> {
    let due = if today.month() >= NEXT_YEAR_FROM_MONTH { 1 } else { 0 };
    (today.year()..=today.year() + due).filter(|y| YEARS.contains(y) && !set.contains(y)).collect()
}

/// What an administrator is told of a year without a calendar (see [`years_to_set`]).
pub fn missing_year_notice(year: i32) -> Text {
    Text::new(
        format!("尚未設定 {year} 年的政府行政機關辦公日曆：該年的工作日將只扣除週末（等候、提醒與處理天數據以計算），請於管理頁設定。"),
        format!("The office calendar for {year} is not set: that year's working days would leave out weekends only (waits, reminders and turnaround count them). Set it on the administration page."),
    )
}

/// The calendars statreq starts with. 2026 and 2027 as DGPA's published office
/// calendars set them under the Act on Implementing Memorial Days and Holidays
/// (紀念日及節日實施條例, amended 2025: the day before Lunar New Year's Eve, Labour
/// Day, Teachers' Day, Retrocession Day and Constitution Day are holidays; a holiday
/// on a Saturday is made up the Friday before, on a Sunday the Monday after).
/// DGPA corrects them in place (`PUT /calendar/{year}`) when the published table differs.
pub fn seed() -> Vec<OfficeCalendar> {
    let day = |y: i32, m: u32, d: u32, name: &str| NaiveDate::from_ymd_opt(y, m, d).map(|date| NamedDay { date, name: name.into() });
    let y2026 = [
        day(2026, 1, 1, "中華民國開國紀念日"),
        day(2026, 2, 16, "農曆除夕"),
        day(2026, 2, 17, "春節"),
        day(2026, 2, 18, "春節"),
        day(2026, 2, 19, "春節"),
        day(2026, 2, 20, "農曆除夕前一日補假"),
        day(2026, 2, 27, "和平紀念日補假"),
        day(2026, 4, 3, "兒童節補假"),
        day(2026, 4, 6, "民族掃墓節補假"),
        day(2026, 5, 1, "勞動節"),
        day(2026, 6, 19, "端午節"),
        day(2026, 9, 25, "中秋節"),
        day(2026, 9, 28, "孔子誕辰紀念日（教師節）"),
        day(2026, 10, 9, "國慶日補假"),
        day(2026, 10, 26, "臺灣光復暨金門古寧頭大捷紀念日補假"),
        day(2026, 12, 25, "行憲紀念日"),
    ];
    let y2027 = [
        day(2027, 1, 1, "中華民國開國紀念日"),
        day(2027, 2, 4, "農曆除夕前一日"),
        day(2027, 2, 5, "農曆除夕"),
        day(2027, 2, 8, "春節"),
        day(2027, 2, 9, "春節補假"),
        day(2027, 2, 10, "春節補假"),
        day(2027, 3, 1, "和平紀念日補假"),
        day(2027, 4, 5, "民族掃墓節"),
        day(2027, 4, 6, "兒童節補假"),
        day(2027, 4, 30, "勞動節補假"),
        day(2027, 6, 9, "端午節"),
        day(2027, 9, 15, "中秋節"),
        day(2027, 9, 28, "孔子誕辰紀念日（教師節）"),
        day(2027, 10, 11, "國慶日補假"),
        day(2027, 10, 25, "臺灣光復暨金門古寧頭大捷紀念日"),
        day(2027, 12, 24, "行憲紀念日補假"),
    ];
    vec![
        OfficeCalendar { year: 2026, days_off: y2026.into_iter().flatten().collect(), make_up_workdays: Vec::new() },
        OfficeCalendar { year: 2027, days_off: y2027.into_iter().flatten().collect(), make_up_workdays: Vec::new() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_made_again_on_a_year_saved_meanwhile_keeps_both_and_mine_where_both_changed() {
        let day = |m, dd, name: &str| NamedDay { date: d(2027, m, dd), name: name.into() };
        let read = OfficeCalendar {
            year: 2027,
            days_off: vec![day(1, 1, "開國紀念日"), day(2, 5, "春節"), day(4, 5, "清明節")],
            make_up_workdays: vec![day(2, 20, "補行上班")],
        };
        // Theirs: a day added, one renamed, the make-up workday removed, the one both change.
        let mut theirs = read.clone();
        theirs.days_off = vec![day(1, 1, "開國紀念日"), day(2, 5, "農曆除夕"), day(4, 5, "清明節（他人）"), day(6, 16, "端午節")];
        theirs.make_up_workdays.clear();
        // Mine: a day removed, one added, and the one both change.
        let mut mine = read.clone();
        mine.days_off = vec![day(2, 5, "春節"), day(4, 5, "兒童節及清明節"), day(10, 11, "國慶日補假")];
        let got = OfficeCalendar::rebase(&read, &theirs, &mine);
        assert_eq!(got.days_off, vec![day(2, 5, "農曆除夕"), day(4, 5, "兒童節及清明節"), day(6, 16, "端午節"), day(10, 11, "國慶日補假")]);
        assert!(got.make_up_workdays.is_empty());
        // Nothing changed here: theirs as it is; nothing saved meanwhile: mine as it is.
        assert_eq!(OfficeCalendar::rebase(&read, &theirs, &read), theirs);
        assert_eq!(OfficeCalendar::rebase(&read, &read, &mine), mine);
        // A day moved from one list to the other is a change.
        let mut moved = read.clone();
        moved.make_up_workdays.clear();
        moved.days_off.push(day(2, 20, "補假"));
        moved.days_off.sort();
        assert_eq!(OfficeCalendar::rebase(&read, &read, &moved).listed(d(2027, 2, 20)), Some(Listed::DayOff("補假")));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn the_built_in_years_are_valid_and_count_the_lunar_new_year_as_closed() {
        let cals = seed();
        for c in &cals {
            assert!(c.problems().is_empty(), "{}: {:?}", c.year, c.problems());
            assert!(c.days_off.iter().all(|x| !is_weekend(x.date)), "{}: a weekday list", c.year);
        }
        // 2026-02-14 (Sat) to 2026-02-22 (Sun): nine days without a working day.
        assert_eq!(working_days(d(2026, 2, 14), d(2026, 2, 22), &cals), 0);
        // The week of 2026-02-09: five working days.
        assert_eq!(working_days(d(2026, 2, 9), d(2026, 2, 13), &cals), 5);
        // 2026 has 365 days, 104 weekend days and 16 weekday days off: 245 working days.
        assert_eq!(working_days(d(2026, 1, 1), d(2026, 12, 31), &cals), 245);
        assert_eq!(working_days(d(2026, 3, 2), d(2026, 3, 1), &cals), 0);
    }

    #[test]
    fn a_make_up_workday_works_and_a_year_without_a_calendar_counts_weekends_only() {
        let cals = vec![OfficeCalendar {
            year: 2030,
            days_off: vec![NamedDay { date: d(2030, 1, 2), name: "休假".into() }],
            make_up_workdays: vec![NamedDay { date: d(2030, 1, 5), name: "補行上班".into() }],
        }];
        assert!(!is_working_day(d(2030, 1, 2), &cals));
        assert!(is_working_day(d(2030, 1, 5), &cals), "a Saturday worked");
        assert!(!is_working_day(d(2030, 1, 6), &cals));
        assert_eq!(working_days(d(2031, 1, 1), d(2031, 1, 7), &cals), 5);
    }

    #[test]
    fn this_year_and_from_october_next_year_are_asked_for_when_missing() {
        assert_eq!(years_to_set(d(2027, 9, 30), &[2026, 2027]), Vec::<i32>::new());
        assert_eq!(years_to_set(d(2027, 10, 1), &[2026, 2027]), [2028]);
        assert_eq!(years_to_set(d(2028, 1, 1), &[2026, 2027]), [2028]);
        assert_eq!(years_to_set(d(2028, 12, 31), &[2027]), [2028, 2029]);
        assert_eq!(years_to_set(d(2028, 12, 31), &[2028, 2029]), Vec::<i32>::new());
        assert_eq!(years_to_set(d(2100, 12, 1), &[2100]), Vec::<i32>::new(), "statreq keeps no year after 2100");
        let said = missing_year_notice(2028);
        assert!(said.zh_tw.contains("2028 年") && said.en.contains("2028"));
    }

    #[test]
    fn a_bad_year_names_each_problem() {
        let c = OfficeCalendar {
            year: 2026,
            days_off: vec![
                NamedDay { date: d(2025, 12, 31), name: "x".into() },
                NamedDay { date: d(2026, 5, 1), name: " ".into() },
                NamedDay { date: d(2026, 5, 1), name: "勞動節".into() },
            ],
            make_up_workdays: vec![NamedDay { date: d(2026, 5, 4), name: "補行上班".into() }],
        };
        let p: Vec<String> = c.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(p, ["/days_off/0/date", "/days_off/1/name", "/days_off/2/date", "/make_up_workdays/0/date"]);
    }
}
