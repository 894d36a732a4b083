//! Matches a draft's fields against a catalog of 5,000 existing sources (each
//! covering 4–16 of the dictionary's fields), single-threaded, and prints min and
//! median of 31 runs. Part of `just bench` (target: < 20 ms, issue 6).

use std::time::Instant;

use statreq_domain::catalog::{rank, CatalogEntry};
use statreq_domain::dictionary::FIELDS;
use statreq_domain::{ExistingSource, Text};

fn main() {
    let mut seed = 0x0c47_a10c_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let catalog: Vec<CatalogEntry> = (0..5_000)
        .map(|i| {
            let n = 4 + (next() % 13) as usize;
            let mut fields: Vec<String> = (0..n).map(|_| FIELDS[(next() % FIELDS.len() as u64) as usize].code.to_string()).collect();
            fields.sort();
            fields.dedup();
            CatalogEntry {
                id: format!("entry-{i:05}"),
                source: ExistingSource::ALL[i % ExistingSource::ALL.len()],
                title: Text::new(format!("統計表 {i}"), format!("Table {i}")),
                owner: "行政院人事行政總處".into(),
                location: format!("https://example.gov.tw/tables/{i}"),
                fields,
                granularity: "機關別".into(),
                refresh: "每年".into(),
            }
        })
        .collect();
    let draft: Vec<String> = ["agency_code", "grade", "sex", "education_level", "age", "service_years"].map(String::from).to_vec();
    let mut times = Vec::new();
    let mut full = 0;
    for _ in 0..31 {
        let t = Instant::now();
        let ranked = rank(&draft, &catalog, 10);
        times.push(t.elapsed());
        full = ranked.iter().filter(|c| c.full).count();
    }
    times.sort();
    println!(
        "catalog matching: {} entries, a draft of {} fields → min {:.2} ms, median {:.2} ms ({full} full covers in the top 10)",
        catalog.len(),
        draft.len(),
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
