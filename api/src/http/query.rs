//! Query strings read strictly: an unknown or repeated parameter, or a value that does
//! not read, is refused under the parameter's name, never ignored.

use actix_web::HttpRequest;
use serde::de::DeserializeOwned;

use crate::app::InputError;
use crate::error::ApiError;

/// The values of each repeatable parameter, by its name.
pub type Repeated = std::collections::HashMap<&'static str, Vec<String>>;

/// Query parameters some of which may repeat (`state=queued&state=held`): the
/// repeatable ones, named in `lists`, are taken out with every value; the rest are
/// deserialised strictly as `T` (unknown or repeated single parameters are refused).
pub fn query_with_lists<T: DeserializeOwned>(req: &HttpRequest, lists: &[&'static str]) -> Result<(T, Repeated), ApiError> {
    /// Nothing: every parameter is `T`'s.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Nothing {}
    let (t, Nothing {}, repeated) = query_in_two(req, lists, &[])?;
    Ok((t, repeated))
}

/// [`query_with_lists`] for parameters in two parts: those named in `second` are read
/// as `B`, every other as `A` (whose `lists` may repeat). One that neither takes is
/// refused with both parts' names.
pub fn query_in_two<A: DeserializeOwned, B: DeserializeOwned>(
    req: &HttpRequest,
    lists: &[&'static str],
    second: &[&'static str],
) -> Result<(A, B, Repeated), ApiError> {
    let mut repeated = Repeated::new();
    let mut first = url::form_urlencoded::Serializer::new(String::new());
    let mut other = url::form_urlencoded::Serializer::new(String::new());
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if let Some(list) = lists.iter().find(|l| **l == key) {
            repeated.entry(list).or_default().push(value.into_owned());
            continue;
        }
        if seen.iter().any(|k| *k == key) {
            return Err(InputError::parameter(&key, "只能給一次", "given more than once").into());
        }
        seen.push(key.to_string());
        let part = if second.contains(&key.as_ref()) { &mut other } else { &mut first };
        part.append_pair(&key, &value);
    }
    Ok((read_query_also(&first.finish(), second)?, read_query(&other.finish())?, repeated))
}

/// One query parameter's value, as sent (the first when repeated).
pub fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A query string's problem in words, without the parser's name for itself:
/// "unknown query parameter `x` (expected one of `a`, `b`)", with `also` among those
/// expected (parameters read elsewhere).
pub(super) fn query_detail(text: &str, also: &[&str]) -> String {
    match text.strip_prefix("unknown field ") {
        Some(rest) => match rest.split_once(", expected") {
            Some((name, expected)) if also.is_empty() => format!("unknown query parameter {name} (expected{expected})"),
            Some((name, expected)) => {
                let names: Vec<&str> = expected.split('`').skip(1).step_by(2).chain(also.iter().copied()).collect();
                format!("unknown query parameter {name} (expected one of `{}`)", names.join("`, `"))
            }
            None => format!("unknown query parameter {rest}"),
        },
        None => text.to_string(),
    }
}

/// The query string read into `T`, as `web::Query` reads it, with a refusal that
/// names the parameter: "`submitted_from`: input is out of range", not the value's
/// problem alone (a list takes a dozen parameters).
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> actix_web::FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(read_query(req.query_string()).map(Query))
    }
}

/// How chrono refuses a date or a time (its `ParseError`s): a parameter refused so is
/// answered with the forms it takes.
const CHRONO_REFUSALS: [&str; 7] = [
    "input is out of range",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
    "bad or unsupported format string",
];

/// Why `sent` was refused as a day, when that is what `refusal` (serde's message) says:
/// [`statreq_domain::day::deserialize`] refused it.
pub(super) fn day_refused(sent: &str, refusal: &str) -> Option<statreq_domain::day::DayError> {
    let of_instant = || statreq_domain::day::parse_instant(sent).err().and_then(Result::ok);
    statreq_domain::day::parse(sent).err().into_iter().chain(of_instant()).find(|e| e.to_string() == refusal)
}

/// [`Query`]'s reading of a query string.
fn read_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    read_query_also(query, &[])
}

/// [`read_query`], naming `also` among the parameters expected when one is unknown.
fn read_query_also<T: DeserializeOwned>(query: &str, also: &[&str]) -> Result<T, ApiError> {
    let pairs = serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(pairs).map_err(|e| {
        // A parameter's value (or its absence) is refused under its name, and an
        // unknown one as not taken.
        let raw = e.inner().to_string();
        let detail = query_detail(&raw, also);
        let missing = raw.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')).map(str::to_string);
        let unknown = raw.strip_prefix("unknown field `").and_then(|rest| rest.split('`').next()).map(str::to_string);
        let name = e.path().to_string();
        let sent = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| *k == name).map(|(_, v)| v.into_owned());
        if let Some(error) = sent.and_then(|v| day_refused(&v, &raw)) {
            return InputError::InvalidDayParameter { name, error }.into();
        }
        match (name, missing, unknown) {
            (_, Some(name), _) => InputError::parameter(&name, "必須提供", "required").into(),
            (_, None, Some(name)) => InputError::UnknownParameter { name, detail }.into(),
            (at, None, None) if at == "." => InputError::InvalidQuery { detail }.into(),
            (name, None, None) if CHRONO_REFUSALS.contains(&raw.as_str()) => InputError::InvalidTime { name, detail }.into(),
            (name, None, None) => {
                let zh = crate::app::input::serde_words(&raw).unwrap_or_else(|| "格式不符，請依 API 文件填寫".into());
                InputError::parameter(&name, zh, detail).into()
            }
        }
    })
}
