//! Similar earlier requests: delivered requests that asked for much the same
//! fields, breakdowns and conditions, so that DGPA and applicants reuse work
//! (rule 4's spirit: what exists is used before anything is produced anew).

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};

use crate::application::Requirement;

/// What an earlier request asked for, reduced to comparable terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub request_id: i64,
    pub agency: crate::AgencyCode,
    /// Sorted, deduplicated terms: `f:code` for fields and breakdowns, `c:code:op`
    /// for conditions.
    pub terms: Vec<String>,
}

impl Profile {
    pub fn of(request_id: i64, agency: crate::AgencyCode, req: &Requirement) -> Self {
        Self { request_id, agency, terms: terms(req) }
    }
}

/// The comparable terms of a requirement.
pub fn terms(req: &Requirement) -> Vec<String> {
    let mut t: Vec<String> = req
        .fields
        .iter()
        .chain(&req.breakdowns)
        .map(|f| format!("f:{f}"))
        .chain(req.filters.iter().map(|c| format!("c:{}:{}", c.field, c.op.as_str())))
        .collect();
    t.sort_unstable();
    t.dedup();
    t
}

/// One earlier request like this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match {
    pub request_id: i64,
    /// Shared terms over all terms of both (Jaccard), in per cent.
    pub percent: u8,
    /// The dictionary codes both asked for.
    pub shared_fields: Vec<String>,
}

/// Earlier requests sharing at least `min_percent` of their terms with this one,
/// most similar first (then the most recent, i.e. the higher id), excluding
/// `exclude` (the request itself). Both term lists must be sorted.
pub fn rank<P: Borrow<Profile>>(req: &Requirement, exclude: i64, past: &[P], min_percent: u8, limit: usize) -> Vec<Match> {
    let mine = terms(req);
    if mine.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(u8, &Profile)> = past
        .iter()
        .map(Borrow::borrow)
        .filter(|p: &&Profile| p.request_id != exclude)
        .filter_map(|p| {
            let shared = intersection(&mine, &p.terms);
            if shared == 0 {
                return None;
            }
            let union = mine.len() + p.terms.len() - shared;
            let percent = (shared * 100 / union) as u8;
            (percent >= min_percent).then_some((percent, p))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.request_id.cmp(&a.1.request_id)));
    scored
        .into_iter()
        .take(limit)
        .map(|(percent, p)| Match {
            request_id: p.request_id,
            percent,
            shared_fields: mine
                .iter()
                .filter(|t| t.starts_with("f:") && p.terms.binary_search(t).is_ok())
                .map(|t| t[2..].to_string())
                .collect(),
        })
        .collect()
}

/// The size of the intersection of two sorted lists.
fn intersection(a: &[String], b: &[String]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{Condition, Operator};

    fn code(c: &str) -> crate::AgencyCode {
        crate::AgencyCode::parse(c).unwrap_or_else(|e| panic!("{e}"))
    }

    fn req(fields: &[&str]) -> Requirement {
        Requirement { fields: fields.iter().map(|f| (*f).to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn the_closest_comes_first_and_strangers_are_left_out() {
        let past = vec![
            Profile::of(1, code("A"), &req(&["agency_code", "sex"])),
            Profile::of(2, code("B"), &req(&["agency_code", "sex", "grade"])),
            Profile::of(3, code("C"), &req(&["salary_points"])),
            Profile::of(4, code("A"), &req(&["agency_code", "sex", "grade"])),
        ];
        let m = rank(&req(&["grade", "sex", "agency_code"]), 99, &past, 1, 10);
        let ids: Vec<i64> = m.iter().map(|m| m.request_id).collect();
        assert_eq!(ids, [4, 2, 1], "identical ones first (newest first), unrelated left out");
        assert_eq!((m[0].percent, m[2].percent), (100, 66));
        assert_eq!(m[2].shared_fields, ["agency_code", "sex"]);
        assert!(rank(&req(&["grade", "sex", "agency_code"]), 4, &past, 100, 10).iter().all(|m| m.request_id != 4), "itself excluded");
    }

    #[test]
    fn conditions_count_by_field_and_operator() {
        let mut a = req(&["sex"]);
        a.filters = vec![Condition { field: "grade".into(), op: Operator::Ge, values: vec!["10".into()] }];
        let mut b = req(&["sex"]);
        b.filters = vec![Condition { field: "grade".into(), op: Operator::Ge, values: vec!["6".into()] }];
        let past = vec![Profile::of(1, code("A"), &b)];
        assert_eq!(rank(&a, 0, &past, 1, 5)[0].percent, 100);
        b.filters[0].op = Operator::Lt;
        let past = vec![Profile::of(1, code("A"), &b)];
        assert_eq!(rank(&a, 0, &past, 1, 5)[0].percent, 33);
    }
}
