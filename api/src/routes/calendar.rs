//! The government office calendar (政府行政機關辦公日曆表): each year's days off and
//! make-up workdays as DGPA manages them (read by everyone signed in, changed by
//! `dgpa_admin` with `If-Match`, imported from CSV), and the working days between
//! two dates, by which turnaround and waits are counted.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use statreq_contract::{CalendarView, CalendarYears, ReferenceImportResult, WorkingDays};
use statreq_domain::calendar::{self, NamedDay, OfficeCalendar};
use statreq_domain::Role;
use utoipa::IntoParams;

use crate::app::input::Content;
use crate::app::reference::{self, save, CALENDAR};
use crate::app::{db, AppError, InputError};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{self, etag, parse_json, ErrorResponses};
use crate::AppState;

/// The longest range `working-days` counts (ten years).
const MAX_SPAN_DAYS: i64 = 3_660;

async fn year_view(state: &AppState, year: i32) -> Result<CalendarView, ApiError> {
    let item = db(state, move |s| s.get_reference(CALENDAR, &year.to_string())).await?;
    Ok(CalendarView {
        calendar: serde_json::from_value(item.body).map_err(AppError::internal)?,
        version: item.version,
        updated_at: item.updated_at,
    })
}

fn year_of(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>().ok().filter(|y| calendar::YEARS.contains(y)).ok_or_else(ApiError::not_found)
}

/// The years with an office calendar, and this year's and (from 1 October) next
/// year's when missing: working days of such a year would leave out weekends only.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), responses((status = 200, body = CalendarYears), ErrorResponses))]
#[get("/calendar")]
pub async fn calendar_years(state: web::Data<AppState>, _who: Principal) -> Result<HttpResponse, ApiError> {
    let (years, missing) = reference::calendar_years(&state, chrono::Utc::now() + state.settings.clock_offset).await?;
    Ok(HttpResponse::Ok().json(CalendarYears { years, missing }))
}

/// One year's days off (holidays and compensatory days) and make-up workdays; the
/// ETag is its version. Years statreq keeps no calendar for are 404.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(("year" = i32, Path, minimum = 2000, maximum = 2100)), responses((status = 200, body = CalendarView), ErrorResponses))]
#[get("/calendar/{year}")]
pub async fn get_calendar(state: web::Data<AppState>, _who: Principal, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let v = year_view(&state, year_of(&path.into_inner())?).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Sets one year (dgpa_admin): a new year, or a correction of one with `If-Match`
/// (`*` to replace whatever is there). The body's `year` must be the path's.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    params(("year" = i32, Path, minimum = 2000, maximum = 2100), ("If-Match" = Option<String>, Header, description = "The ETag you last saw (`\"3\"`), or `*`; needed to change a year that exists", pattern = r#"^(\*|(W/)?"[0-9]{1,18}"|[0-9]{1,18})$"#)),
    request_body = OfficeCalendar,
    responses((status = 200, body = CalendarView), ErrorResponses)
)]
#[put("/calendar/{year}")]
pub async fn put_calendar(
    state: web::Data<AppState>,
    who: Principal,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let year = year_of(&path.into_inner())?;
    let precondition = http::precondition(&req)?;
    let mut cal: OfficeCalendar = parse_json(&req, &body)?;
    let mut problems = cal.problems();
    if cal.year != year {
        problems.push(("/year".into(), statreq_domain::Text::new("年份須與網址中的年份相同。", "The year must be the one in the path.")));
    }
    if !problems.is_empty() {
        return Err(InputError::InvalidContent { kind: Content::Calendar, problems }.into());
    }
    cal.days_off.sort();
    cal.make_up_workdays.sort();
    let exists = db(&state, move |s| Ok(s.get_reference(CALENDAR, &year.to_string()).is_ok())).await?;
    // Changing a year someone may have corrected needs the version seen (428 without).
    let expected = if exists { precondition.required()? } else { precondition.optional()? };
    let value = serde_json::to_value(&cal).map_err(AppError::internal)?;
    save(&state, CALENDAR, year.to_string(), value, expected, false, http::audit(&who, &req)).await?;
    tracing::info!(actor = %who.user.id, year, "office calendar set");
    let v = year_view(&state, year).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WorkingDaysQuery {
    /// The first day counted, `YYYY-MM-DD`.
    #[param(value_type = String, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(deserialize_with = "statreq_domain::day::deserialize")]
    pub from: NaiveDate,
    /// The last day counted, `YYYY-MM-DD`; not before `from`, at most ten years after
    /// (else 422 `invalid_range`).
    #[param(value_type = String, format = Date, pattern = r"^(191[2-9]|19[2-9][0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$")]
    #[serde(deserialize_with = "statreq_domain::day::deserialize")]
    pub to: NaiveDate,
}

/// Working days from `from` to `to`, both counted: weekends, days off and make-up
/// workdays as the office calendar of each year sets them (years without one count
/// weekends only, and are listed).
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(WorkingDaysQuery), responses((status = 200, body = WorkingDays), ErrorResponses))]
#[get("/calendar/working-days")]
pub async fn working_days(state: web::Data<AppState>, _who: Principal, q: http::Query<WorkingDaysQuery>) -> Result<HttpResponse, ApiError> {
    let (from, to) = (q.from, q.to);
    if to < from || (to - from).num_days() > MAX_SPAN_DAYS {
        return Err(InputError::InvalidRange { from: "from", to: "to", max_days: Some(MAX_SPAN_DAYS) }.into());
    }
    let calendars = reference::calendar(&state).await?;
    let years_without_calendar = (from.year()..=to.year()).filter(|y| !calendars.iter().any(|c| c.year == *y)).collect();
    let n = calendar::working_days(from, to, &calendars);
    Ok(HttpResponse::Ok().json(WorkingDays { from, to, working_days: n, years_without_calendar }))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarRow {
    /// Read by `day::parse` in the check, whose refusal names the cell in both languages.
    date: String,
    kind: DayKind,
    name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DayKind {
    DayOff,
    MakeUpWorkday,
}

/// Sets whole years from CSV (dgpa_admin): `date,kind,name` with `kind` either
/// `day_off` or `make_up_workday`; every year in the file replaces that year. All or
/// nothing: a file with any bad row changes nothing and lists every problem.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    request_body(description = "date,kind,name — e.g. 2026-02-16,day_off,農曆除夕 (UTF-8; sent as `text/csv` or as the file's bytes, `application/octet-stream`)", content((String = "text/csv"), (statreq_contract::CsvFile = "application/octet-stream"))),
    responses((status = 200, body = ReferenceImportResult), ErrorResponses)
)]
#[post("/calendar/import")]
pub async fn import_calendar(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    who.require(Role::DgpaAdmin)?;
    let bytes = http::read_upload(&mut payload, http::MAX_IMPORT_BYTES).await?;
    let rows: Vec<CalendarRow> = http::parse_csv_rows(&bytes, |r: &CalendarRow| {
        statreq_domain::day::parse(&r.date).err().map(|e| ("/date".to_string(), e.text())).into_iter().collect()
    })?;
    let mut years: std::collections::BTreeMap<i32, OfficeCalendar> = std::collections::BTreeMap::new();
    // Each day's line of the file, by year and list as the calendar holds them, and each
    // year's first line: a calendar's problem is said at the line it comes from.
    let mut lines: std::collections::HashMap<(i32, &str), Vec<usize>> = std::collections::HashMap::new();
    let mut first_line: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    for (i, r) in rows.into_iter().enumerate() {
        let line = i + 2; // counting the header, as the file's own problems are
        let Ok(date) = statreq_domain::day::parse(&r.date) else { continue }; // refused above
        let year = years.entry(date.year()).or_insert_with(|| OfficeCalendar {
            year: date.year(),
            days_off: Vec::new(),
            make_up_workdays: Vec::new(),
        });
        first_line.entry(date.year()).or_insert(line);
        let day = NamedDay { date, name: r.name };
        let list = match r.kind {
            DayKind::DayOff => {
                year.days_off.push(day);
                "days_off"
            }
            DayKind::MakeUpWorkday => {
                year.make_up_workdays.push(day);
                "make_up_workdays"
            }
        };
        lines.entry((date.year(), list)).or_default().push(line);
    }
    let mut problems = Vec::new();
    let mut items = Vec::new();
    for (year, mut cal) in years {
        for (pointer, message) in cal.problems() {
            // `/days_off/3/date` is the fourth day off of the year: its line, its column.
            let parts: Vec<&str> = pointer.split('/').skip(1).collect();
            let first = first_line.get(&year).copied().unwrap_or(2);
            let at = match parts.as_slice() {
                [list, i, column] => match i.parse::<usize>().ok().and_then(|i| lines.get(&(year, *list))?.get(i)) {
                    Some(line) => format!("/rows/{line}/{column}"),
                    None => format!("/rows/{first}"),
                },
                ["year"] => format!("/rows/{first}/date"),
                _ => format!("/rows/{first}"),
            };
            problems.push((at, message));
        }
        cal.days_off.sort();
        cal.make_up_workdays.sort();
        items.push((year.to_string(), serde_json::to_value(&cal).map_err(AppError::internal)?));
    }
    if !problems.is_empty() {
        return Err(http::rows_refused(problems));
    }
    Ok(HttpResponse::Ok().json(reference::import(&state, CALENDAR, items, http::audit(&who, &req)).await?))
}

/// Registers this module's handlers (`working-days` and `import` before `{year}`).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(calendar_years).service(working_days).service(import_calendar).service(get_calendar).service(put_calendar);
}
