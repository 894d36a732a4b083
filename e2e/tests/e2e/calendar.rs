//! The government office calendar: built in for 2026 and 2027, read by everyone,
//! corrected by DGPA's administrators (If-Match, CSV import), and the working days
//! between two dates.

use statreq_e2e::statreq_client::Method;
use statreq_e2e::statreq_domain::calendar::NamedDay;
use statreq_e2e::{on_both_backends, Backend, TestServer};

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn the_office_calendar_is_managed_data_and_counts_working_days(backend: Backend) {
    let server = TestServer::start(backend);
    let applicant = server.login("applicant.npa").await;
    let officer = server.login("officer1.dgpa").await;
    let admin = server.login("admin.dgpa").await;

    // Built in: the Lunar New Year of 2026 is closed from 2-14 to 2-22.
    let y2026 = applicant.calendar(2026).await.unwrap();
    assert_eq!((y2026.calendar.year, y2026.version), (2026, 1));
    assert!(y2026.calendar.days_off.iter().any(|d| d.date == day("2026-02-17") && d.name == "春節"));
    assert!(applicant.calendar(2027).await.is_ok());
    for missing in ["1999", "2031", "abc"] {
        let (status, _) = applicant.raw(Method::GET, &format!("/calendar/{missing}"), "application/json", vec![], None).await.unwrap();
        assert_eq!(status, 404, "{missing}");
    }
    let w = applicant.working_days("2026-02-09", "2026-02-22").await.unwrap();
    assert_eq!((w.working_days, w.years_without_calendar.len()), (5, 0));
    let w = applicant.working_days("2031-01-01", "2031-01-07").await.unwrap();
    assert_eq!((w.working_days, w.years_without_calendar), (5, vec![2031]), "weekends only, and said so");
    // Malformed is 400; well formed but backwards or over ten years is a rule's 422.
    for (query, status_code) in [
        ("from=2026-03-02&to=2026-03-01", (422, "invalid_range")),
        ("from=2026-01-01&to=2037-01-01", (422, "invalid_range")),
        ("from=2026-02-30&to=2026-03-01", (400, "invalid_query")),
        ("from=2026-01-01", (400, "invalid_query")),
    ] {
        let (status, body) =
            applicant.raw(Method::GET, &format!("/calendar/working-days?{query}"), "application/json", vec![], None).await.unwrap();
        assert_eq!((status, body["code"].as_str()), (status_code.0, Some(status_code.1)), "{query}: {body}");
    }

    // Correcting a year: DGPA's administrators only, with the version seen.
    let mut corrected = y2026.calendar.clone();
    corrected.make_up_workdays.push(NamedDay { date: day("2026-02-07"), name: "補行上班".into() });
    for who in [&applicant, &officer] {
        assert_eq!(who.put_calendar(&corrected, Some(1)).await.err().and_then(|e| e.status()), Some(403));
    }
    let body = serde_json::to_vec(&corrected).unwrap();
    let (status, _) = admin.raw(Method::PUT, "/calendar/2026", "application/json", body.clone(), None).await.unwrap();
    assert_eq!(status, 428, "an existing year needs If-Match");
    assert_eq!(admin.put_calendar(&corrected, Some(7)).await.err().and_then(|e| e.status()), Some(412));
    let mut weekday = corrected.clone();
    weekday.make_up_workdays.push(NamedDay { date: day("2026-02-09"), name: "補行上班".into() });
    let err = admin.put_calendar(&weekday, Some(1)).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap();
    assert_eq!((p.code.as_str(), p.errors[0].pointer.as_str()), ("invalid_calendar", "/make_up_workdays/1/date"));
    let (status, _) = admin.raw(Method::PUT, "/calendar/2027", "application/json", body.clone(), Some("*")).await.unwrap();
    assert_eq!(status, 422, "the body's year is the path's");
    let (status, _) = admin.raw(Method::PUT, "/calendar/2026", "application/json", b"{\"year\":".to_vec(), Some("1")).await.unwrap();
    assert_eq!(status, 400);
    assert_eq!(applicant.calendar(2026).await.unwrap().version, 1, "refusals changed nothing");
    let saved = admin.put_calendar(&corrected, Some(1)).await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(applicant.working_days("2026-02-02", "2026-02-08").await.unwrap().working_days, 6, "the Saturday is worked");

    // A new year needs no If-Match.
    let y2028 = statreq_e2e::statreq_domain::calendar::OfficeCalendar {
        year: 2028,
        days_off: vec![NamedDay { date: day("2028-01-03"), name: "開國紀念日補假".into() }],
        make_up_workdays: vec![],
    };
    assert_eq!(admin.put_calendar(&y2028, None).await.unwrap().version, 1);

    // CSV: all or nothing; each year in the file replaces that year.
    let bad = "date,kind,name\n2029-01-01,day_off,開國紀念日\n2029-01-02,holiday,錯誤\n";
    let refused = admin.import_calendar(bad).await.err();
    let said = refused
        .as_ref()
        .and_then(|e| e.problem())
        .and_then(|p| p.errors.first().map(|x| (x.pointer.clone(), x.message.clone().map(|m| m.zh_tw).unwrap_or_default())));
    let want = ("/rows/3/kind".to_string(), "此格的值無法讀取：沒有「holiday」這個選項；可用的有 day_off、make_up_workday。".to_string());
    assert_eq!(said, Some(want), "the cell named, its choices said in Chinese");
    assert_eq!(applicant.calendar(2029).await.err().and_then(|e| e.status()), Some(404), "nothing was imported");
    assert_eq!(applicant.import_calendar("date,kind,name\n").await.err().and_then(|e| e.status()), Some(403));
    // Excel in Taiwan saves "CSV" in Big5: refused, with where Excel keeps UTF-8.
    let big5 = [&b"date,kind,name\n2029-01-01,day_off,"[..], &[0xa4, 0x48, 0xa8, 0xc6], b"\n"].concat();
    let (status, p) = admin.raw(reqwest::Method::POST, "/calendar/import", "text/csv", big5, None).await.unwrap();
    let zh = p["message"]["zh_tw"].as_str().unwrap_or_default();
    assert_eq!((status, p["code"].as_str()), (422, Some("invalid_csv")), "{p}");
    assert!(zh.contains("UTF-8") && zh.contains("CSV UTF-8"), "{zh}");
    let good = "\u{feff}date,kind,name\n2029-01-01,day_off,開國紀念日\n2029-02-12,day_off,春節\n2029-02-17,make_up_workday,補行上班\n";
    let imported = admin.import_calendar(good).await.unwrap();
    assert_eq!((imported.created, imported.updated), (1, 0));
    // The contract takes the file's bytes as they are too (what generated clients send).
    let (status, again) =
        admin.raw(reqwest::Method::POST, "/calendar/import", "application/octet-stream", good.into(), None).await.unwrap();
    assert_eq!((status, again["created"].as_u64(), again["updated"].as_u64()), (200, Some(0), Some(0)), "{again}");
    let y2029 = applicant.calendar(2029).await.unwrap();
    assert_eq!((y2029.calendar.days_off.len(), y2029.calendar.make_up_workdays.len()), (2, 1));
    let wrong_year = "date,kind,name\n2029-02-13,make_up_workday,補行上班\n";
    let err = admin.import_calendar(wrong_year).await.err();
    assert_eq!(err.as_ref().and_then(|e| e.status()), Some(422), "a Tuesday is no make-up workday");
    // A year's own problems are said at the file's lines (they were at the calendar's
    // `/2029/days_off/1/date`, which no one can find in a file).
    let twice = "date,kind,name\n2029-01-01,day_off,開國紀念日\n2029-02-13,make_up_workday,補行上班\n2029-01-01,day_off,重複\n2029-01-08,day_off, \n";
    let err = admin.import_calendar(twice).await.err();
    let p = err.as_ref().and_then(|e| e.problem()).unwrap_or_else(|| panic!("expected a problem: {err:?}"));
    let mut at: Vec<&str> = p.errors.iter().map(|e| e.pointer.as_str()).collect();
    at.sort_unstable();
    assert_eq!((p.code.as_str(), at), ("invalid_csv", vec!["/rows/3/date", "/rows/4/date", "/rows/5/name"]), "{:?}", p.errors);
}

on_both_backends!(the_office_calendar_is_managed_data_and_counts_working_days);
