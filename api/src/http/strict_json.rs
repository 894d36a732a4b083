//! JSON read as the contract means it: a name given twice in one object is refused
//! (where it is), not read as its last value. RFC 8259 §4 leaves what a parser does
//! with it open, and I-JSON (RFC 7493 §2.3) forbids it: a proxy or a client's library
//! that keeps the first value would see another request than statreq.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a body could not be read.
pub(crate) enum Refused {
    /// Not JSON.
    Syntax(serde_json::Error),
    /// A name given twice; the JSON pointer of its second place.
    Duplicate(String),
}

/// Tells a duplicate apart from a syntax error inside the parser's own error.
const MARK: &str = "\u{1}duplicate:";

/// Reads `raw` as one JSON value, refusing a name given twice in any object.
pub(crate) fn read(raw: &[u8]) -> Result<Value, Refused> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let read = Node { at: String::new() }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    read.map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix(MARK) {
            // serde_json adds " at line L column C" to what the reader said.
            Some(rest) if e.is_data() => Refused::Duplicate(rest.rsplit_once(" at line ").map_or(rest, |(at, _)| at).to_string()),
            _ => Refused::Syntax(e),
        }
    })
}

/// The value at a place (a JSON pointer) in the body.
struct Node {
    at: String,
}

impl<'de> DeserializeSeed<'de> for Node {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Node { at: format!("{}/{}", self.at, items.len()) })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let at = format!("{}/{}", self.at, name.replace('~', "~0").replace('/', "~1"));
            if object.contains_key(&name) {
                return Err(de::Error::custom(format_args!("{MARK}{at}")));
            }
            let value = map.next_value_seed(Node { at })?;
            object.insert(name, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::{read, Refused};

    fn duplicate(raw: &str) -> Option<String> {
        match read(raw.as_bytes()) {
            Err(Refused::Duplicate(at)) => Some(at),
            _ => None,
        }
    }

    #[test]
    fn a_name_given_twice_is_found_where_it_is() {
        assert_eq!(duplicate(r#"{"a": 1, "a": 2}"#).as_deref(), Some("/a"));
        assert_eq!(duplicate(r#"{"x": [{"k": 1}, {"k": 1, "k": 1}]}"#).as_deref(), Some("/x/1/k"));
        assert_eq!(duplicate(r#"{"a/b~": {}, "a/b~": {}}"#).as_deref(), Some("/a~1b~0"));
        // The same name in different objects, or escaped differently but equal, is
        // one name per object.
        assert_eq!(duplicate(r#"{"a": {"n": 1}, "b": {"n": 1}}"#), None);
        assert_eq!(duplicate(r#"{"\u6797": 1, "林": 2}"#).as_deref(), Some("/林"));
    }

    #[test]
    fn it_reads_what_serde_json_reads() {
        let raw = r#"{"s": "人事\n", "n": [1, -2, 3.5, 18446744073709551615], "b": true, "z": null, "o": {}}"#;
        let strict = read(raw.as_bytes()).ok();
        let plain: Option<serde_json::Value> = serde_json::from_str(raw).ok();
        assert!(strict.is_some());
        assert_eq!(strict, plain);
        assert!(matches!(read(b"{\"a\": 1,}"), Err(Refused::Syntax(_))));
        assert!(matches!(read(b"{} {}"), Err(Refused::Syntax(_))));
        assert!(read(b"\"duplicate:/a\"").is_ok());
        assert_eq!(duplicate(r#"{"a at line 1": 1, "a at line 1": 2}"#).as_deref(), Some("/a at line 1"));
        // Nesting past serde_json's limit is a syntax error, not a blown stack.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(read(deep.as_bytes()), Err(Refused::Syntax(_))));
    }
}
