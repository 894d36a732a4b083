//! The application as the applicant declared it, in words, for everyone who reads or
//! decides on it: a supervisor deciding under rule 3 and a DGPA officer accepting see
//! every item here and need to open nothing else. Also where a finding's JSON pointer
//! points, said as a field's name with an anchor to it — never the pointer itself.

use std::collections::HashMap;

use leptos::prelude::*;
use statreq_contract::Application;
use statreq_domain::application::{Condition, ExistingSource, Operator, OutputKind};

use crate::i18n::{t, tr, Lang};
use crate::session::call;

/// A dictionary field's names and whether it is personal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldName {
    pub zh: String,
    pub en: String,
    pub personal: bool,
}

pub(crate) type FieldNames = HashMap<String, FieldName>;

/// The dictionary in force, by code; the built-in one until it has loaded.
pub(crate) fn use_field_names() -> Memo<FieldNames> {
    let loaded = LocalResource::new(|| async { call(|c| async move { c.list_fields(None).await }).await.ok() });
    Memo::new(move |_| {
        field_names_of(loaded.get().flatten().unwrap_or_else(|| statreq_domain::dictionary::Dictionary::builtin().fields().to_vec()))
    })
}

pub(crate) fn field_names_of(fields: Vec<statreq_domain::dictionary::Field>) -> FieldNames {
    fields.into_iter().map(|f| (f.code, FieldName { zh: f.name_zh, en: f.name_en, personal: f.personal })).collect()
}

/// A field by its name in the chosen language (its code only where the dictionary
/// does not know it).
pub(crate) fn field_name(lang: Lang, names: &FieldNames, code: &str) -> String {
    names.get(code).map(|n| t(lang, &n.zh, &n.en)).unwrap_or_else(|| code.to_string())
}

pub(crate) fn source_label(lang: Lang, s: ExistingSource) -> String {
    t(lang, s.name_zh(), s.name_en())
}

pub(crate) fn operator_words(lang: Lang, op: Operator) -> String {
    tr(lang, &format!("op_{}", op.as_str()))
}

/// "服務機關 為下列之一 A、B".
pub(crate) fn condition_words(lang: Lang, names: &FieldNames, c: &Condition) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    format!("{} {} {}", field_name(lang, names, &c.field), operator_words(lang, c.op), c.values.join(sep))
}

/// "：" in zh-TW, ": " in English.
pub(crate) fn colon(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "："
    } else {
        ": "
    }
}

fn list(lang: Lang, items: Vec<String>) -> String {
    items.join(if lang == Lang::Zh { "、" } else { ", " })
}

/// Where a pointer into an application points: the anchor of the item on the request
/// page and the item in words ("欄位：身分證統一編號", "WebHR 圖像化查詢工具：無法滿足需求之理由").
/// Without the application (an error from the server), positions stand in for names.
pub(crate) fn place(lang: Lang, app: Option<&Application>, names: &FieldNames, pointer: &str) -> (String, String) {
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let index = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
    let code_at = |list: Option<&Vec<String>>, i: Option<usize>| -> Option<String> { Some(field_name(lang, names, list?.get(i?)?)) };
    let with = |label: String, detail: Option<String>| match detail {
        Some(d) => format!("{label}{}{d}", colon(lang)),
        None => label,
    };
    let req = app.map(|a| &a.requirement);
    match parts.as_slice() {
        ["contact", rest @ ..] => {
            let item = match rest.first() {
                Some(&"name") => Some(tr(lang, "name_3")),
                Some(&"phone") => Some(tr(lang, "phone")),
                Some(&"email") => Some(tr(lang, "e_mail")),
                _ => None,
            };
            ("a-contact".into(), with(tr(lang, "contact"), item))
        }
        ["reason", ..] => ("a-reason".into(), tr(lang, "reason")),
        ["requirement", "output", ..] => ("a-output".into(), tr(lang, "output")),
        ["requirement", "fields", ..] => {
            let name = code_at(req.map(|r| &r.fields), index(2)).or_else(|| index(2).map(|i| format!("#{}", i + 1)));
            ("a-fields".into(), with(tr(lang, "fields_2"), name))
        }
        ["requirement", "breakdowns", ..] => {
            let name = code_at(req.map(|r| &r.breakdowns), index(2)).or_else(|| index(2).map(|i| format!("#{}", i + 1)));
            ("a-breakdowns".into(), with(tr(lang, "breakdowns"), name))
        }
        ["requirement", "filters", ..] => {
            let name = index(2).map(|i| {
                req.and_then(|r| r.filters.get(i)).map(|c| condition_words(lang, names, c)).unwrap_or_else(|| format!("#{}", i + 1))
            });
            ("a-filters".into(), with(tr(lang, "conditions"), name))
        }
        ["requirement", "description", ..] => ("a-description".into(), tr(lang, "requirement")),
        ["requirement", "conditions", ..] => ("a-filters".into(), tr(lang, "conditions")),
        ["requirement", "sample_output", ..] => ("a-sample".into(), tr(lang, "sample_of_the_output_format")),
        ["requirement", ..] => ("a-fields".into(), tr(lang, "requirement")),
        ["personal_data", "purpose", ..] => ("a-purpose".into(), tr(lang, "specific_purpose")),
        ["personal_data", "statutory_duty", ..] => ("a-duty".into(), tr(lang, "statutory_duty_and_its_legal_basis")),
        ["personal_data", "retention_days", ..] => ("a-retention".into(), tr(lang, "retention_days")),
        ["personal_data", "necessity", ..] => {
            let name = index(2).and_then(|i| app?.personal_data.necessity.get(i)).map(|n| field_name(lang, names, &n.field));
            ("a-necessity".into(), with(tr(lang, "necessity_notes"), name))
        }
        ["personal_data", ..] => ("a-personal".into(), tr(lang, "personal_data_4")),
        ["existing_sources", at, ..] => {
            // Either the source's position in the application or its code (not attested).
            let source = at
                .parse::<usize>()
                .ok()
                .and_then(|i| app?.existing_sources.get(i).map(|s| s.source))
                .or_else(|| ExistingSource::ALL.into_iter().find(|s| s.as_str() == *at));
            match source {
                Some(s) => {
                    let item = match parts.get(2) {
                        Some(&"note") => Some(tr(lang, "why_it_does_not_serve")),
                        Some(&"checked") => Some(tr(lang, "checked")),
                        _ => None,
                    };
                    (format!("a-source-{}", s.as_str()), with(source_label(lang, s), item))
                }
                None => ("a-sources".into(), tr(lang, "existing_sources")),
            }
        }
        ["existing_sources"] => ("a-sources".into(), tr(lang, "existing_sources")),
        // A CSV import's line (counting the header) and column.
        ["rows", line, rest @ ..] => {
            let at = crate::i18n::tr_with(lang, "csv_line", &[("line", (*line).to_string())]);
            (String::new(), with(at, rest.first().map(|c| (*c).to_string())))
        }
        _ => (String::new(), String::new()),
    }
}

/// Everything the applicant declared, each item with an anchor findings link to.
#[component]
pub fn ApplicationView(
    app: Application,
    names: Memo<FieldNames>,
    /// A file is attached to the application: where no sample is written, it is the sample.
    #[prop(into)]
    attached: Signal<bool>,
) -> impl IntoView {
    let lang = crate::i18n::lang();
    let app = StoredValue::new(app);
    let a = move || app.get_value();
    view! {
        {move || {
            let l = lang.get();
            let app = a();
            let n = names.get();
            let req = &app.requirement;
            let pd = &app.personal_data;
            let personal = pd.contains == Some(true);
            view! {
                <dl class="application">
                    <dt id="a-contact">{tr(l, "applicant_2")}</dt>
                    <dd>{app.contact.name.clone()}" · "{app.contact.phone.clone()}" · "{app.contact.email.clone()}</dd>
                    <dt id="a-reason">{tr(l, "reason")}</dt><dd class="pre-line">{app.reason.clone()}</dd>
                    <dt id="a-output">{tr(l, "output")}</dt>
                    <dd>{match req.output {
                        Some(OutputKind::Statistics) => tr(l, "statistical_figures"),
                        Some(OutputKind::Detail) => tr(l, "detail_records"),
                        None => tr(l, "not_answered"),
                    }}</dd>
                    <dt id="a-fields">{tr(l, "fields_2")}</dt>
                    <dd><ul class="plain">{req.fields.iter().map(|code| {
                        let personal_field = n.get(code).is_some_and(|f| f.personal);
                        view! { <li>{field_name(l, &n, code)}{personal_field.then(|| view! { " "<span class="tag">{tr(l, "personal")}</span> })}</li> }
                    }).collect_view()}</ul></dd>
                    <dt id="a-description">{tr(l, "requirement")}</dt><dd class="pre-line">{req.description.clone()}</dd>
                    <dt id="a-filters">{tr(l, "conditions")}</dt>
                    <dd>
                        {(!req.conditions.trim().is_empty()).then(|| view! { <p class="pre-line">{req.conditions.clone()}</p> })}
                        {(!req.filters.is_empty()).then(|| view! {
                            <ul class="filters">{req.filters.iter().map(|c| view! { <li>{condition_words(l, &n, c)}</li> }).collect_view()}</ul>
                        })}
                        {(req.conditions.trim().is_empty() && req.filters.is_empty()).then(|| tr(l, "none"))}
                    </dd>
                    {(!req.breakdowns.is_empty()).then(|| view! {
                        <dt id="a-breakdowns">{tr(l, "breakdowns")}</dt>
                        <dd>{list(l, req.breakdowns.iter().map(|b| field_name(l, &n, b)).collect())}</dd>
                    })}
                    <dt id="a-sample">{tr(l, "sample_of_the_output_format")}</dt>
                    <dd class="pre-line">{req.sample_output.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| {
                        tr(l, if attached.get() { "see_the_attachments" } else { "not_given" })
                    })}</dd>
                    <dt id="a-personal">{tr(l, "personal_data_4")}</dt>
                    <dd>{match pd.contains { Some(true) => tr(l, "yes"), Some(false) => tr(l, "no_2"), None => tr(l, "not_answered") }}</dd>
                    {personal.then(|| view! {
                        <dt id="a-purpose">{tr(l, "specific_purpose")}</dt>
                        <dd>{match pd.purpose.as_deref() {
                            Some("personnel_management") => tr(l, "personnel_management"),
                            Some(other) => other.to_string(),
                            None => tr(l, "not_answered"),
                        }}</dd>
                        <dt id="a-duty">{tr(l, "statutory_duty_and_its_legal_basis")}</dt>
                        <dd class="pre-line">{pd.statutory_duty.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| tr(l, "not_answered"))}</dd>
                        <dt id="a-necessity">{tr(l, "necessity_notes")}</dt>
                        <dd><ul class="plain">{pd.necessity.iter().map(|x| view! {
                            <li><strong>{field_name(l, &n, &x.field)}</strong>{colon(l)}{x.note.clone()}</li>
                        }).collect_view()}</ul></dd>
                        <dt id="a-retention">{tr(l, "retention_days")}</dt>
                        <dd>{pd.retention_days.map(|d| crate::i18n::tr_with(l, "n_days_after_delivery", &[("n", d.to_string())])).unwrap_or_else(|| tr(l, "not_answered"))}</dd>
                    })}
                    <dt id="a-sources">{tr(l, "existing_sources")}</dt>
                    <dd><ul class="sources plain">{ExistingSource::ALL.into_iter().map(|s| {
                        let att = app.existing_sources.iter().find(|x| x.source == s).cloned();
                        let checked = att.as_ref().is_some_and(|x| x.checked);
                        view! {
                            <li id=format!("a-source-{}", s.as_str())>
                                <span class=if checked { "ok" } else { "error" }>{if checked { "✓ " } else { "✗ " }}</span>
                                <strong>{source_label(l, s)}</strong>" · "{if checked { tr(l, "checked") } else { tr(l, "not_checked") }}
                                {att.map(|x| x.note).filter(|x| !x.trim().is_empty()).map(|note| view! { <br />{note} })}
                            </li>
                        }
                    }).collect_view()}</ul></dd>
                </dl>
            }
        }}
    }
}

/// A value of an application in words (a revision's before and after): field codes as
/// names, conditions as sentences, yes and no, a source's check and note.
pub(crate) fn value_words(lang: Lang, names: &FieldNames, pointer: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    let holds_codes =
        ["/requirement/fields", "/requirement/breakdowns"].iter().any(|p| pointer.starts_with(p)) || pointer.ends_with("/field");
    match v {
        Value::Null => tr(lang, "none"),
        Value::Bool(b) => tr(lang, if *b { "yes" } else { "no_2" }),
        Value::Number(n) => n.to_string(),
        Value::String(s) if holds_codes => field_name(lang, names, s),
        Value::String(s) => match s.as_str() {
            "statistics" => tr(lang, "statistical_figures"),
            "detail" => tr(lang, "detail_records"),
            "personnel_management" => tr(lang, "personnel_management"),
            _ => s.clone(),
        },
        Value::Array(items) => list(lang, items.iter().map(|x| value_words(lang, names, pointer, x)).collect()),
        Value::Object(_) => {
            if let Ok(c) = serde_json::from_value::<Condition>(v.clone()) {
                return condition_words(lang, names, &c);
            }
            if let Ok(a) = serde_json::from_value::<statreq_domain::application::SourceAttestation>(v.clone()) {
                let state = tr(lang, if a.checked { "checked" } else { "not_checked" });
                return format!("{} · {state} · {}", source_label(lang, a.source), a.note);
            }
            if let Ok(n) = serde_json::from_value::<statreq_domain::application::NecessityNote>(v.clone()) {
                return format!("{}{}{}", field_name(lang, names, &n.field), colon(lang), n.note);
            }
            v.as_object()
                .map(|o| list(lang, o.iter().map(|(k, x)| format!("{k}{}{}", colon(lang), value_words(lang, names, pointer, x))).collect()))
                .unwrap_or_default()
        }
    }
}

/// What an existing source lacks for a request, in words and by kind, each field named
/// once: a field the source has but cannot break down or filter by is said so, never
/// called missing.
pub(crate) fn coverage_gaps(lang: Lang, names: &FieldNames, c: &statreq_contract::Coverage) -> Vec<String> {
    let mut said: Vec<String> = Vec::new();
    let mut part = |key: &str, codes: &[String]| -> Option<String> {
        let mut fresh = Vec::new();
        for code in codes {
            if !said.contains(code) {
                said.push(code.clone());
                fresh.push(field_name(lang, names, code));
            }
        }
        (!fresh.is_empty()).then(|| format!("{}{}", tr(lang, key), list(lang, fresh)))
    };
    [part("lacks_fields", &c.missing), part("cannot_break_down_by", &c.missing_breakdowns), part("cannot_filter_by", &c.missing_filters)]
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(missing: &[&str], breakdowns: &[&str], filters: &[&str]) -> statreq_contract::Coverage {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        statreq_contract::Coverage {
            entry_id: "e".into(),
            source: ExistingSource::WebhrGraphicalQuery,
            title: statreq_domain::Text::new("t", "t"),
            covered: vec![],
            missing: v(missing),
            missing_breakdowns: v(breakdowns),
            missing_filters: v(filters),
            percent: 50,
            full: false,
        }
    }

    fn names() -> FieldNames {
        field_names_of(statreq_domain::dictionary::Dictionary::builtin().fields().to_vec())
    }

    #[test]
    fn gaps_name_fields_once_by_kind_and_never_by_code() {
        let n = names();
        // `sex` missing as a field and as a breakdown: named once, as a missing field.
        let gaps = coverage_gaps(Lang::Zh, &n, &coverage(&["sex"], &["sex", "grade"], &["grade"]));
        let all = gaps.join(" / ");
        let sex = field_name(Lang::Zh, &n, "sex");
        let grade = field_name(Lang::Zh, &n, "grade");
        assert_eq!(all.matches(&sex).count(), 1, "{all}");
        assert_eq!(all.matches(&grade).count(), 1, "{all}");
        assert!(!all.contains("sex") && !all.contains("grade"), "codes shown: {all}");
        // A field the source has, but cannot break down by, is not called missing.
        let gaps = coverage_gaps(Lang::Zh, &n, &coverage(&[], &["grade"], &[]));
        assert_eq!(gaps, [format!("{}{grade}", tr(Lang::Zh, "cannot_break_down_by"))]);
        assert!(!gaps[0].starts_with(&tr(Lang::Zh, "lacks_fields")));
    }
}

/// Changes to an application, item by item in words: what each was (the column headed
/// `before`) and what it is (`after`); a revision's, or a save made meanwhile. `app` is
/// the application they led to (for the places named by index).
#[component]
pub(crate) fn ChangesTable(
    changes: Vec<statreq_domain::diff::Change>,
    app: Application,
    names: Memo<FieldNames>,
    before: &'static str,
    after: &'static str,
) -> impl IntoView {
    let lang = crate::i18n::lang();
    view! {
        <table class="list diff">
            <thead><tr>
                <th scope="col">{move || tr(lang.get(), "field_2")}</th>
                <th scope="col">{move || tr(lang.get(), before)}</th>
                <th scope="col">{move || tr(lang.get(), after)}</th>
            </tr></thead>
            <tbody>
                {move || changes.iter().map(|ch| {
                    let (l, n) = (lang.get(), names.get());
                    let (_, item) = place(l, Some(&app), &n, &ch.pointer);
                    let words = |v: &Option<serde_json::Value>| v.as_ref().map(|v| value_words(l, &n, &ch.pointer, v)).unwrap_or_default();
                    view! {
                        <tr>
                            <td data-label=tr(l, "field_2")>{item}</td>
                            <td data-label=tr(l, before)><del>{words(&ch.before)}</del></td>
                            <td data-label=tr(l, after)><ins>{words(&ch.after)}</ins></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
