//! Matches a draft against a catalog of 5,000 existing sources (each showing 4–16
//! of the dictionary's fields, with breakdowns and filters) and 10,000 delivered
//! requests, single-threaded: the eligibility check, the catalog ranking and its
//! covering warning, and the similar-request ranking — all a `POST /check` computes
//! beyond reading the database. Prints min and median of 31 runs. Part of
//! `just bench` (target: < 20 ms, issue 6).

use std::time::Instant;

use statreq_domain::catalog::{covering_finding, rank, CatalogEntry};
use statreq_domain::dictionary::Dictionary;
use statreq_domain::eligibility::{check, EligibilityContext};
use statreq_domain::similar::{self, Profile};
use statreq_domain::{AgencyCode, Application, Condition, ExistingSource, Operator, OutputKind, Requirement, Text};

fn main() {
    let mut seed = 0x0c47_a10c_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let dict = Dictionary::builtin();
    let codes: Vec<&str> = dict.fields().iter().map(|f| f.code.as_str()).collect();
    let pick = |n: usize, next: &mut dyn FnMut() -> u64| -> Vec<String> {
        let mut v: Vec<String> = (0..n).map(|_| codes[(next() % codes.len() as u64) as usize].to_string()).collect();
        v.sort();
        v.dedup();
        v
    };
    let catalog: Vec<CatalogEntry> = (0..5_000)
        .map(|i| {
            let fields = pick(4 + (next() % 13) as usize, &mut next);
            let breakdowns = fields.iter().take(3).cloned().collect();
            let filters = pick(3, &mut next);
            CatalogEntry {
                id: format!("entry-{i:05}"),
                source: ExistingSource::ALL[i % ExistingSource::ALL.len()],
                title: Text::new(format!("統計表 {i}"), format!("Table {i}")),
                owner: "行政院人事行政總處".into(),
                location: format!("https://example.gov.tw/tables/{i}"),
                fields,
                breakdowns,
                filters,
                granularity: "機關別".into(),
                refresh: "每年".into(),
            }
        })
        .collect();
    let past: Vec<Profile> = (0..10_000)
        .map(|i| {
            let req =
                Requirement { fields: pick(3 + (next() % 10) as usize, &mut next), breakdowns: pick(2, &mut next), ..Default::default() };
            let agency = AgencyCode::parse(&format!("A{:09}", i % 400)).unwrap_or_else(|e| panic!("{e}"));
            Profile::of(i, agency, &req)
        })
        .collect();
    let app = Application {
        requirement: Requirement {
            output: Some(OutputKind::Statistics),
            fields: ["agency_code", "grade", "sex", "education_level", "age", "service_years"].map(String::from).to_vec(),
            breakdowns: ["agency_code", "sex"].map(String::from).to_vec(),
            filters: vec![
                Condition { field: "official_rank".into(), op: Operator::In, values: vec!["junior".into(), "senior".into()] },
                Condition { field: "age".into(), op: Operator::Between, values: vec!["30".into(), "45".into()] },
            ],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut times = Vec::new();
    let (mut full, mut alike) = (0, 0);
    for _ in 0..31 {
        let t = Instant::now();
        let findings = check(&app, EligibilityContext::new(dict));
        let ranked = rank(&app.requirement, &catalog, 10);
        let warning = covering_finding(&app, &catalog);
        let similar = similar::rank(&app.requirement, 0, &past, 30, usize::MAX);
        times.push(t.elapsed());
        std::hint::black_box((findings, warning));
        full = ranked.iter().filter(|c| c.full).count();
        alike = similar.len();
    }
    times.sort();
    println!(
        "check matching: {} catalog entries and {} delivered requests, a draft of {} fields, {} breakdowns and {} conditions → min {:.2} ms, median {:.2} ms ({full} full covers in the top 10, {alike} similar requests)",
        catalog.len(),
        past.len(),
        app.requirement.fields.len(),
        app.requirement.breakdowns.len(),
        app.requirement.filters.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
