//! What changed between two revisions of an application, as JSON pointers, so that
//! reviewers see what the applicant changed since the last submission.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// RFC 6901 pointer of the changed value.
    pub pointer: String,
    /// The value before (absent when added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after (absent when removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// Leaf-level differences, in key order.
/// Arrays of scalars (such as requested fields) are compared as whole values.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(String::new(), Some(old), Some(new), &mut out);
    out
}

fn walk(at: String, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (k, v) in b {
                walk(format!("{at}/{}", escape(k)), a.get(k), Some(v), out);
            }
            for (k, v) in a {
                if !b.contains_key(k) {
                    walk(format!("{at}/{}", escape(k)), Some(v), None, out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.iter().chain(b).any(|v| v.is_object()) => {
            for i in 0..a.len().max(b.len()) {
                walk(format!("{at}/{i}"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change { pointer: at, before: a.cloned(), after: b.cloned() }),
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reports_leaf_changes_with_pointers() {
        let old = json!({"reason": "a", "requirement": {"fields": ["x"], "description": "d"}, "existing_sources": [{"note": "n"}]});
        let new = json!({"reason": "b", "requirement": {"fields": ["x", "y"], "description": "d"}, "existing_sources": [{"note": "m"}]});
        let c = changes(&old, &new);
        assert_eq!(
            c.iter().map(|c| c.pointer.as_str()).collect::<Vec<_>>(),
            vec!["/existing_sources/0/note", "/reason", "/requirement/fields"]
        );
        assert_eq!(c[1].before, Some(json!("a")));
        assert!(changes(&old, &old).is_empty());
    }
}
