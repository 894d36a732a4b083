//! What the contract declares beyond each route's own annotation.
//!
//! Response headers, so generated clients expose them: `API-Version` on every
//! answer, `ETag` where a representation has a version, `Location` where a creation
//! has an address, `Idempotent-Replayed` where an `Idempotency-Key` is taken,
//! `Retry-After` on refusals that may pass later. And the OpenAPI 3.1 `webhooks`
//! section: every event type statreq delivers, its signed headers and its payload.
//! Operations that take no token say so (`security: []`).

use utoipa::openapi::header::Header;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, RefOr, Response};

/// Representations served with their version as `ETag` (send it back in `If-Match`).
const VERSIONED: [&str; 6] = ["RequestView", "CalendarView", "InquiryDetail", "QueueSettingsView", "SourceView", "FieldDetail"];

/// Creations answered with the new resource's address.
const LOCATED: [&str; 4] = ["RequestView", "InquiryDetail", "SourceView", "WebhookCreated"];

fn header(kind: Type, description: &str) -> Header {
    let mut h = Header::new(ObjectBuilder::new().schema_type(kind).build());
    h.description = Some(description.to_string());
    h
}

/// The component a response's JSON body refers to (`RequestView`), if any.
fn body_schema(r: &Response) -> Option<&str> {
    r.content.values().find_map(|c| match &c.schema {
        Some(RefOr::Ref(r)) => r.ref_location.rsplit('/').next(),
        _ => None,
    })
}

/// An optional body is its schema, left out when not sent — not `null | schema`,
/// which generators turn into code that sends their "unset" marker as JSON.
fn optional_bodies_are_plain(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::schema::{Schema, SchemaType};
    let Some(body) = op.request_body.as_mut() else { return };
    for content in body.content.values_mut() {
        let Some(RefOr::T(Schema::OneOf(one))) = &content.schema else { continue };
        let is_null = |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
        let refs: Vec<&RefOr<Schema>> = one.items.iter().filter(|s| !is_null(s)).collect();
        if refs.len() == 1 && refs.len() < one.items.len() {
            content.schema = Some(refs[0].clone());
        }
    }
}

pub fn declare(api: &mut OpenApi) {
    // An import's file is never empty (an empty body is `400 body_required`), as its
    // `text/csv` form says; utoipa takes no length on a binary newtype.
    if let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(o))) = api.components.as_mut().and_then(|c| c.schemas.get_mut("CsvFile")) {
        o.min_length = Some(1);
    }
    for item in api.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            optional_bodies_are_plain(op);
            // Sign-in and the probes need no token: say so (`security: []`) rather
            // than leave readers and linters to guess.
            op.security.get_or_insert_with(Vec::new);
            let idempotent = op.parameters.iter().flatten().any(|p| p.parameter_in == ParameterIn::Header && p.name == "Idempotency-Key");
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                let body = body_schema(response).map(str::to_string).unwrap_or_default();
                let success = status.starts_with('2');
                let h = &mut response.headers;
                h.insert(
                    "API-Version".into(),
                    header(Type::String, "The release of the contract that answered (`info.version`, e.g. `1.1.0`)."),
                );
                if success && VERSIONED.contains(&body.as_str()) {
                    h.insert(
                        "ETag".into(),
                        header(Type::String, "The representation's version (`\"3\"`): send it as `If-Match` to change it."),
                    );
                }
                if status == "201" && LOCATED.contains(&body.as_str()) {
                    h.insert("Location".into(), header(Type::String, "The created resource's path."));
                }
                if success && idempotent {
                    h.insert(
                        "Idempotent-Replayed".into(),
                        header(Type::String, "`true` when this is the stored first response to the same `Idempotency-Key`."),
                    );
                }
                if status.starts_with('4') || status.starts_with('5') {
                    h.insert(
                        "Retry-After".into(),
                        header(Type::Integer, "Seconds to wait before trying again (`429 too_many_attempts`, `503 busy` or `draining`)."),
                    );
                }
            }
        }
    }
}

/// What a success answers, for the responses whose route names only a body (utoipa
/// leaves their description empty, and a reader of the docs a blank beside the status):
/// said from the body's schema (its own first sentence where it has one).
pub fn describe_answers(api: &mut OpenApi) {
    use utoipa::openapi::schema::Schema;
    let said: std::collections::HashMap<String, String> = api
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(o)) => o.description.clone().map(|d| (name.clone(), d)),
            RefOr::T(Schema::AllOf(a)) => a.description.clone().map(|d| (name.clone(), d)),
            _ => None,
        })
        .filter_map(|(name, d)| d.split("\n\n").next().map(|first| (name, first.split_whitespace().collect::<Vec<_>>().join(" "))))
        .collect();
    for item in api.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                if !response.description.trim().is_empty() || !status.starts_with('2') {
                    continue;
                }
                let body = body_schema(response).map(str::to_string).unwrap_or_default();
                let media = response.content.keys().next().cloned().unwrap_or_default();
                response.description = match (status.as_str(), body.as_str()) {
                    ("204", _) => "Done; nothing to return.".to_string(),
                    (_, "RequestView") if status == "201" => "The new request; `ETag` carries its version.".to_string(),
                    (_, "RequestView") => "The request as it now stands; `ETag` carries its version.".to_string(),
                    (_, b) if said.contains_key(b) => said[b].clone(),
                    (_, b) if b.starts_with("Page_") => format!("One page of {}; `next_cursor` leads to the next.", &b[5..]),
                    (_, "") if media.contains("csv") => "The CSV file (UTF-8).".to_string(),
                    (_, "") if media.contains("octet-stream") => "The file, as `Content-Disposition` names it.".to_string(),
                    ("201", b) => format!("Created: the new `{b}`."),
                    ("202", b) => format!("Accepted: the `{b}`."),
                    (_, b) => format!("The `{b}`."),
                };
            }
        }
    }
}

/// The first sentence of an operation's documentation: up to the first `.`, `:` or `;`
/// that ends a clause (followed by a space or the end, outside parentheses and code, not
/// in `e.g.` or `i.e.`), lines joined.
fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (mut depth, mut code) = (0i32, false);
    for (i, ch) in text.char_indices() {
        match ch {
            '`' => code = !code,
            '(' if !code => depth += 1,
            ')' if !code => depth -= 1,
            '.' | ':' | ';' if depth == 0 && !code => {
                let ends = text[i + 1..].is_empty() || text[i + 1..].starts_with(' ');
                let abbreviation = ["e.g", "i.e", "e.g.", "i.e."].iter().any(|a| text[..=i].ends_with(a) || text[..i].ends_with(a));
                if ends && !abbreviation && i >= 12 {
                    return text[..i].to_string();
                }
            }
            _ => {}
        }
    }
    text
}

/// Each operation's summary is its first sentence, on one line, as an operation list
/// shows it; what the summary said besides opens its description (nothing is lost).
pub fn summaries_are_one_line(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            let Some(whole) = op.summary.clone() else { continue };
            let short = first_sentence(&whole);
            let joined = whole.split_whitespace().collect::<Vec<_>>().join(" ");
            if short != joined {
                op.description = Some(match op.description.take().filter(|d| !d.trim().is_empty()) {
                    Some(d) => format!("{whole}\n\n{d}"),
                    None => whole,
                });
            }
            op.summary = Some(short);
        }
    }
}

/// A view that flattens a strict schema (`CalendarView` = `OfficeCalendar` + its
/// version) is one object with both sets of properties: as `allOf` of a schema that
/// allows no other properties, no answer could ever match it.
pub fn flattened_views_are_one_object(api: &mut OpenApi) {
    use utoipa::openapi::schema::{Object, Schema};
    let Some(components) = api.components.as_mut() else { return };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in names {
        let Some(RefOr::T(Schema::AllOf(all))) = components.schemas.get(&name) else { continue };
        let mut merged = Object::new();
        merged.schema_type = Type::Object.into();
        merged.description = all.description.clone();
        let mut complete = true;
        for part in &all.items {
            let part = match part {
                RefOr::Ref(r) => components.schemas.get(r.ref_location.rsplit('/').next().unwrap_or_default()),
                other => Some(other),
            };
            match part {
                Some(RefOr::T(Schema::Object(o))) => {
                    merged.properties.extend(o.properties.clone());
                    merged.required.extend(o.required.clone());
                }
                _ => complete = false,
            }
        }
        if complete {
            components.schemas.insert(name, RefOr::T(Schema::Object(merged)));
        }
    }
}

/// A page's items refer to their schema (`Page_RequestView.items` is
/// `RequestView`), so generated clients get one type, not a copy per list.
pub fn pages_refer_to_items(api: &mut OpenApi) {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    use utoipa::openapi::Ref;
    let Some(components) = api.components.as_mut() else { return };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for name in names.iter().filter(|n| n.starts_with("Page_")) {
        let item = &name["Page_".len()..];
        if !components.schemas.contains_key(item) {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(name) {
            if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
                items.items = ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(item))));
            }
        }
    }
}

/// Examples of every JSON request body and of the main answers, kept in
/// `docs/examples/contract.json` for integrators to copy (a test reads each into its
/// type): set on each request body that refers to one, and on the schemas.
pub const EXAMPLES: &str = include_str!("../../../docs/examples/contract.json");

pub fn declare_examples(api: &mut OpenApi) {
    use utoipa::openapi::schema::Schema;
    let examples: serde_json::Map<String, serde_json::Value> = serde_json::from_str(EXAMPLES).unwrap_or_default();
    for item in api.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            let Some(body) = op.request_body.as_mut() else { continue };
            for content in body.content.values_mut() {
                if let Some(RefOr::Ref(r)) = &content.schema {
                    let name = r.ref_location.rsplit('/').next().unwrap_or_default();
                    content.example = examples.get(name).cloned();
                }
            }
        }
    }
    if let Some(components) = api.components.as_mut() {
        for (name, example) in &examples {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) {
                o.examples = vec![example.clone()];
            }
        }
    }
}

/// The OpenAPI 3.1 `webhooks` section: one operation per event type, with the
/// headers a delivery carries (lowercase, as HTTP/2 sends them) and the payload.
/// utoipa has no field for it; the document's top-level extensions carry it as is.
pub fn declare_webhooks(api: &mut OpenApi) {
    use serde_json::json;
    let header = |name: &str, schema: serde_json::Value, description: &str| json!({"name": name, "in": "header", "required": true, "schema": schema, "description": description});
    let mut hooks = serde_json::Map::new();
    let requests = statreq_domain::notify::WEBHOOK_EVENTS.map(|e| (e, "WebhookEvent"));
    let inquiries = statreq_domain::notify::INQUIRY_WEBHOOK_EVENTS.map(|e| (e, "WebhookInquiryEvent"));
    for (event, body) in requests.into_iter().chain(inquiries) {
        let operation = json!({
            "operationId": format!("webhook_{}", event.replace('.', "_")),
            "tags": ["webhooks"],
            "summary": format!("`{event}`, delivered to your subscription's URL"),
            "description": "Verify `statreq-signature` before trusting the body: hex HMAC-SHA256, keyed with the subscription's secret, of `statreq-timestamp + \".\" + body` (the raw bytes); refuse timestamps more than 5 minutes off. Answer 2xx within `--webhook-timeout-seconds`; anything else is retried with backoff and logged (`GET /webhooks/{id}/deliveries`). The same `statreq-event-id` may arrive twice: handle it once.",
            "parameters": [
                header("statreq-signature", json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}), "Hex HMAC-SHA256 of `timestamp.body` with the subscription's secret."),
                header("statreq-timestamp", json!({"type": "integer"}), "Unix seconds when this attempt was signed."),
                header("statreq-event-id", json!({"type": "string"}), "The event's id (the payload's `id`): the same on every retry."),
                header("statreq-event-type", json!({"type": "string", "enum": [event]}), "The event type."),
                header("statreq-delivery", json!({"type": "integer"}), "The delivery's id in the delivery log."),
            ],
            // Not a bearer token: the signature headers above authenticate a delivery.
            "security": [],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}},
            "responses": {"2XX": {"description": "Received. Any other status, or none in time, is retried."}}
        });
        hooks.insert(event.to_string(), json!({ "post": operation }));
    }
    let extensions = api.extensions.get_or_insert_with(Default::default);
    extensions.insert("webhooks".into(), serde_json::Value::Object(hooks));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_summary_is_the_first_sentence() {
        use super::first_sentence;
        assert_eq!(
            first_sentence("Upload a result file (dgpa_officer, x: y): multipart with\nthe file."),
            "Upload a result file (dgpa_officer, x: y)"
        );
        assert_eq!(
            first_sentence("Removes a file (DGPA officer), e.g. a wrong one; then more."),
            "Removes a file (DGPA officer), e.g. a wrong one"
        );
        assert_eq!(first_sentence("Reads `a.b: c` and stops. Here."), "Reads `a.b: c` and stops");
        assert_eq!(first_sentence("One request"), "One request");
        assert_eq!(first_sentence("Version 1.5.0 is here."), "Version 1.5.0 is here");
    }

    /// An operation list shows each operation's summary on one line.
    #[test]
    fn every_summary_is_one_short_line() {
        let api = crate::openapi_document();
        let mut long = Vec::new();
        for (path, item) in &api.paths.paths {
            for (method, op) in
                [("get", &item.get), ("put", &item.put), ("post", &item.post), ("delete", &item.delete), ("patch", &item.patch)]
            {
                let Some(op) = op else { continue };
                let summary = op.summary.clone().unwrap_or_default();
                if summary.is_empty() || summary.contains('\n') || summary.chars().count() > 120 {
                    long.push(format!("{method} {path}: {summary}"));
                }
            }
        }
        assert!(long.is_empty(), "summaries to shorten at their source:\n{}", long.join("\n"));
    }

    #[test]
    fn every_answer_is_described() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let mut blank = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for (status, r) in op["responses"].as_object().into_iter().flatten() {
                    if r["description"].as_str().is_none_or(|d| d.trim().is_empty()) {
                        blank.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(blank.is_empty(), "responses without a description: {blank:?}");
    }

    /// Each length and count the service refuses beyond is in the contract, at the
    /// domain's own limit, so that a client may check before it sends (and a limit
    /// changed in one place only fails here).
    #[test]
    fn the_contract_states_the_limits_the_service_keeps() {
        use statreq_domain::application::limits::{
            LONG_TEXT, MAX_BREAKDOWNS, MAX_FIELDS, MAX_FIELD_CODE, MAX_FILTERS, MAX_VALUES, NOTE, REASON, SHORT_TEXT,
        };
        use statreq_domain::inquiry::{MAX_BODY, MAX_FAQ_QUESTION, MAX_FIELDS as MAX_INQUIRY_FIELDS, MAX_SUBJECT};
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let limits: &[(&str, &str, &str, usize)] = &[
            ("Contact", "name", "maxLength", SHORT_TEXT),
            ("Contact", "phone", "maxLength", SHORT_TEXT),
            ("Contact", "email", "maxLength", SHORT_TEXT),
            ("Application", "reason", "maxLength", LONG_TEXT),
            ("ApplicationPatch", "reason", "maxLength", LONG_TEXT),
            ("Requirement", "fields", "maxItems", MAX_FIELDS),
            ("Requirement", "conditions", "maxLength", LONG_TEXT),
            ("Requirement", "filters", "maxItems", MAX_FILTERS),
            ("Requirement", "breakdowns", "maxItems", MAX_BREAKDOWNS),
            ("Requirement", "description", "maxLength", LONG_TEXT),
            ("Requirement", "sample_output", "maxLength", LONG_TEXT),
            ("Condition", "field", "maxLength", MAX_FIELD_CODE),
            ("Condition", "values", "maxItems", MAX_VALUES),
            ("PersonalData", "purpose", "maxLength", SHORT_TEXT),
            ("PersonalData", "statutory_duty", "maxLength", NOTE),
            ("PersonalData", "necessity", "maxItems", MAX_FIELDS),
            ("NecessityNote", "field", "maxLength", MAX_FIELD_CODE),
            ("NecessityNote", "note", "maxLength", NOTE),
            ("SourceAttestation", "note", "maxLength", NOTE),
            // A comment on a step (lifecycle::decide's `MAX_COMMENT`), a reason for a
            // correction, DGPA's reply on delivery.
            ("WithdrawBody", "reason", "maxLength", NOTE),
            ("SupervisorDecisionBody", "comment", "maxLength", NOTE),
            ("DgpaDecisionBody", "comment", "maxLength", NOTE),
            ("TakeBody", "skip_reason", "maxLength", NOTE),
            ("AssignBody", "reason", "maxLength", NOTE),
            ("DestructionBody", "method", "maxLength", NOTE),
            ("DeliverBody", "reply", "maxLength", LONG_TEXT),
            ("HoldBody", "reason", "maxLength", REASON),
            ("RerateBody", "reason", "maxLength", REASON),
            ("MarkPersonalBody", "reason", "maxLength", REASON),
            ("NewInquiry", "fields", "maxItems", MAX_INQUIRY_FIELDS),
            ("NewInquiry", "subject", "maxLength", MAX_SUBJECT),
            ("NewInquiry", "body", "maxLength", MAX_BODY),
            ("ReplyBody", "body", "maxLength", MAX_BODY),
            ("FaqPublication", "question", "maxLength", MAX_FAQ_QUESTION),
            ("FaqPublication", "answer", "maxLength", MAX_BODY),
        ];
        let wrong: Vec<String> = limits
            .iter()
            .filter_map(|(schema, property, keyword, limit)| {
                let stated = &doc["components"]["schemas"][schema]["properties"][property][keyword];
                (stated.as_u64() != Some(*limit as u64)).then(|| format!("{schema}.{property} {keyword}: {stated} (the service: {limit})"))
            })
            .collect();
        assert!(wrong.is_empty(), "limits the contract does not state as kept:\n{}", wrong.join("\n"));
        // Texts a step cannot go without (nothing but spaces is refused as well, which
        // no length can say).
        let required = [
            ("DeliverBody", "reply"),
            ("DestructionBody", "method"),
            ("HoldBody", "reason"),
            ("RerateBody", "reason"),
            ("MarkPersonalBody", "reason"),
            ("RetentionExtensionBody", "reason"),
            ("AcceptDisclosureBody", "reason"),
            ("ReplyBody", "body"),
            ("NewInquiry", "subject"),
            ("NewInquiry", "body"),
            ("FaqPublication", "question"),
            ("FaqPublication", "answer"),
        ];
        let optional: Vec<String> = required
            .iter()
            .filter(|(schema, property)| doc["components"]["schemas"][schema]["properties"][property]["minLength"].as_u64() != Some(1))
            .map(|(schema, property)| format!("{schema}.{property}"))
            .collect();
        assert!(optional.is_empty(), "required texts the contract lets be empty: {optional:?}");
    }

    #[test]
    fn generated_clients_see_the_headers_they_need() {
        let api = crate::openapi_document();
        let op = |path: &str| api.paths.paths.get(path).and_then(|i| i.post.clone().or_else(|| i.get.clone())).unwrap_or_default();
        let headers = |path: &str, status: &str| match op(path).responses.responses.get(status) {
            Some(utoipa::openapi::RefOr::T(r)) => r.headers.keys().cloned().collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        let created = headers("/api/v1/requests", "201");
        for h in ["API-Version", "ETag", "Location", "Idempotent-Replayed"] {
            assert!(created.iter().any(|x| x == h), "{h} on 201 of POST /requests: {created:?}");
        }
        assert!(headers("/api/v1/requests/{id}/submit", "200").iter().any(|x| x == "ETag"));
        assert!(headers("/api/v1/requests/{id}/submit", "4XX").iter().any(|x| x == "Retry-After"));
        assert!(!headers("/api/v1/agencies", "200").iter().any(|x| x == "ETag"), "a page has no version");
    }

    #[test]
    fn every_json_body_has_an_example_of_its_own_type() {
        use statreq_contract::*;
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let mut missing = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for (kind, content) in op["requestBody"]["content"].as_object().into_iter().flatten() {
                    if kind.contains("json") && content["example"].is_null() {
                        missing.push(format!("{method} {path}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "request bodies without an example: {missing:?}");
        let examples: serde_json::Value = serde_json::from_str(super::EXAMPLES).unwrap_or_default();
        macro_rules! reads_as {
            ($($t:ty),* $(,)?) => {$(
                let name = stringify!($t).rsplit("::").next().unwrap_or_default();
                let value = examples.get(name).cloned().unwrap_or_else(|| panic!("no example of {name}"));
                if let Err(e) = serde_json::from_value::<$t>(value) {
                    panic!("the example of {name} is not one: {e}");
                }
            )*};
        }
        reads_as!(
            AcceptDisclosureBody,
            AgeRecipientBody,
            AssignBody,
            ChangePasswordBody,
            ClientCredentialsBody,
            ClientCredentialsForm,
            CreateAgencyBody,
            CreateUserBody,
            DeliverBody,
            DestructionBody,
            DgpaDecisionBody,
            FaqPublication,
            HoldBody,
            LoginBody,
            MarkPersonalBody,
            NewInquiry,
            NotificationSettings,
            PaperIntakeBody,
            PostMessageBody,
            ReadAllBody,
            RefreshBody,
            ReplyBody,
            RerateBody,
            RetentionDecisionBody,
            RetentionExtensionBody,
            SupervisorDecisionBody,
            TakeBody,
            UpdateAgencyBody,
            UpdateUserBody,
            WebhookBody,
            WithdrawBody,
            Application,
            ApplicationPatch,
            CatalogEntry,
            Field,
            Problem,
            RequestView,
            statreq_domain::queue::QueueSettings,
            statreq_domain::calendar::OfficeCalendar,
        );
    }

    /// The example request says the next step the service would say for it, word for word.
    #[test]
    fn the_example_requests_next_step_is_the_services() {
        let examples: serde_json::Value = serde_json::from_str(super::EXAMPLES).unwrap_or_default();
        let r: statreq_contract::RequestView = serde_json::from_value(examples["RequestView"].clone()).unwrap_or_else(|e| panic!("{e}"));
        let said = statreq_domain::lifecycle::next_step(r.state, &r.allowed_actions, r.application.declares_personal_data(), r.destroy_by);
        assert!(r.next_step.is_some());
        assert_eq!(r.next_step, said);
    }

    #[test]
    fn the_inbox_ids_limit_is_the_one_the_contract_publishes() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let ids = &doc["components"]["schemas"]["ReadAllBody"]["properties"]["ids"];
        assert_eq!(ids["maxItems"].as_u64(), Some(statreq_contract::ReadAllBody::MAX_IDS as u64), "{ids}");
    }

    #[test]
    fn a_calendar_answer_can_match_its_schema() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let view = &doc["components"]["schemas"]["CalendarView"];
        let props: Vec<&String> = view["properties"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
        for p in ["year", "days_off", "make_up_workdays", "version", "updated_at"] {
            assert!(props.iter().any(|x| *x == p), "{p} missing: {view}");
        }
        assert!(view.get("allOf").is_none() && view["additionalProperties"].is_null(), "{view}");
    }

    #[test]
    fn list_items_are_referenced_not_copied() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
        let pages: Vec<&String> = schemas.keys().filter(|k| k.starts_with("Page_")).collect();
        assert!(pages.len() >= 20, "{pages:?}");
        for page in pages {
            let items = &schemas[page]["properties"]["items"]["items"];
            assert!(items["$ref"].is_string(), "{page} copies its items inline: {items}");
        }
    }

    /// Every day a caller sends is stated as the service reads it: `format: date` and
    /// [`statreq_domain::day::PATTERN`] (Western years from 1912), so that a request
    /// the contract allows is never refused as an ROC year.
    #[test]
    fn every_day_a_caller_sends_carries_the_pattern_read() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let pattern = serde_json::json!(statreq_domain::day::PATTERN);
        let mut days = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["schema"]["format"] == "date") {
                    days.push((format!("{method} {path} {}", p["name"]), p["schema"]["pattern"].clone()));
                }
            }
        }
        for (schema, field) in [("DestructionBody", "destroyed_on"), ("NamedDay", "date")] {
            days.push((format!("{schema}.{field}"), doc["components"]["schemas"][schema]["properties"][field]["pattern"].clone()));
        }
        assert!(days.len() >= 10, "{days:?}");
        let wrong: Vec<&String> = days.iter().filter(|(_, p)| *p != pattern).map(|(at, _)| at).collect();
        assert!(wrong.is_empty(), "days without the pattern: {wrong:?}");
        // Instants (`updated_since`) likewise state their year.
        let instant = serde_json::json!(statreq_domain::day::INSTANT_PATTERN);
        let mut instants = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["schema"]["format"] == "date-time") {
                    instants.push((format!("{method} {path} {}", p["name"]), p["schema"]["pattern"] == instant));
                }
            }
        }
        assert!(instants.len() >= 3 && instants.iter().all(|(_, ok)| *ok), "{instants:?}");
    }

    /// The integrators' guide names every event type a subscription may choose.
    #[test]
    fn the_integration_guide_names_every_event_type() {
        let guide = include_str!("../../../docs/integration.md");
        let every = statreq_domain::notify::WEBHOOK_EVENTS.iter().chain(&statreq_domain::notify::INQUIRY_WEBHOOK_EVENTS);
        let missing: Vec<&&str> = every.filter(|e| !guide.contains(&format!("`{e}`"))).collect();
        assert!(missing.is_empty(), "docs/integration.md does not name {missing:?}");
    }

    #[test]
    fn every_event_type_is_in_the_webhooks_section() {
        let doc = serde_json::to_value(crate::openapi_document()).unwrap_or_default();
        let requests = statreq_domain::notify::WEBHOOK_EVENTS.map(|e| (e, "WebhookEvent"));
        let inquiries = statreq_domain::notify::INQUIRY_WEBHOOK_EVENTS.map(|e| (e, "WebhookInquiryEvent"));
        for (event, body) in requests.into_iter().chain(inquiries) {
            let op = &doc["webhooks"][event]["post"];
            assert_eq!(
                op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                format!("#/components/schemas/{body}"),
                "{event}"
            );
            assert!(doc["components"]["schemas"][body].is_object(), "{body}");
        }
    }
}
