//! The application form (new and edit), with the domain's findings live beside each field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use statreq_contract::*;
use statreq_domain::application::{
    Condition, Contact, ExistingSource, NecessityNote, Operator, OutputKind, PersonalData, Requirement, SourceAttestation,
};
use statreq_domain::values::halfwidth;
use statreq_domain::Severity;

use super::form_conflict::ConflictPanel;
use super::{form_carry, form_conflict};
use crate::components::application::{field_names_of, operator_words, place, source_label, ApplicationView};
use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, text, tr, tr_with, Lang};
use crate::session::{self, call};

/// The application form (rule 5.1 and its annex), for a new draft or an edit.
#[component]
pub fn ApplicationForm(
    initial: Application,
    edit: Option<(i64, i64)>,
    /// A new application started from this request's: its copy in this browser is its own.
    #[prop(optional)]
    copy_of: Option<i64>,
    /// That request's files, to be attached to the new draft once it is saved.
    #[prop(optional)]
    carry: Option<form_carry::Carry>,
    /// A registration of an application on paper or by e-mail (DGPA), with what it came with.
    #[prop(optional)]
    paper: Option<super::form_paper::PaperIntake>,
) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    // Nothing typed is lost: the form keeps a copy in this browser as it changes, and
    // offers it back after a reload or a navigation away — for an edit only when the
    // server's version is still the one it was made from (never over someone's edit).
    let local_key = match (edit, copy_of) {
        _ if paper.is_some() => "statreq.form.paper".to_string(),
        (Some((id, _)), _) => format!("statreq.form.{id}"),
        (None, Some(from)) => format!("statreq.form.new.from.{from}"),
        (None, None) => "statreq.form.new".to_string(),
    };
    let base_version = edit.map(|(_, v)| v).unwrap_or(0);
    // The version an edit is saved over: the one opened, or a newer one the applicant
    // chose to save over (see `form_conflict`).
    let version = RwSignal::new(base_version);
    let conflict = RwSignal::new(None::<form_conflict::Conflict>);
    let opened = StoredValue::new(initial.clone());
    let restored: Option<Application> = session::storage_get(&local_key)
        .and_then(|raw| serde_json::from_str::<(i64, Application)>(&raw).ok())
        .filter(|(v, app)| *v == base_version && *app != initial)
        .map(|(_, app)| app);
    let was_restored = RwSignal::new(restored.is_some());
    let init = restored.unwrap_or_else(|| initial.clone());
    let name = RwSignal::new(init.contact.name.clone());
    let phone = RwSignal::new(init.contact.phone.clone());
    let email = RwSignal::new(init.contact.email.clone());
    let reason = RwSignal::new(init.reason.clone());
    // Nothing is chosen for the applicant: an unanswered question stays unanswered.
    let output = RwSignal::new(match init.requirement.output {
        Some(OutputKind::Detail) => "detail".to_string(),
        Some(OutputKind::Statistics) => "statistics".to_string(),
        None => String::new(),
    });
    let chosen = RwSignal::new(init.requirement.fields.clone());
    let search = RwSignal::new(String::new());
    let description = RwSignal::new(init.requirement.description.clone());
    let conditions = RwSignal::new(init.requirement.conditions.clone());
    let sample = RwSignal::new(init.requirement.sample_output.clone().unwrap_or_default());
    let personal = RwSignal::new(init.personal_data.contains);
    let purpose = RwSignal::new(init.personal_data.purpose.clone().unwrap_or_default());
    let duty = RwSignal::new(init.personal_data.statutory_duty.clone().unwrap_or_default());
    let retention = RwSignal::new(init.personal_data.retention_days.unwrap_or(90).to_string());
    let necessity = RwSignal::new(
        init.personal_data
            .necessity
            .iter()
            .map(|n| (n.field.clone(), n.note.clone()))
            .collect::<std::collections::BTreeMap<String, String>>(),
    );
    let sources: Vec<(ExistingSource, RwSignal<bool>, RwSignal<String>)> = ExistingSource::ALL
        .into_iter()
        .map(|s| {
            let existing = init.existing_sources.iter().find(|a| a.source == s);
            (s, RwSignal::new(existing.is_some_and(|a| a.checked)), RwSignal::new(existing.map(|a| a.note.clone()).unwrap_or_default()))
        })
        .collect();
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let fields = LocalResource::new(|| async { call(|c| async move { c.list_fields(None).await }).await.map_err(ui) });
    // Each field's names and whether it is personal, from the dictionary in force.
    let names = Memo::new(move |_| match fields.get().and_then(Result::ok) {
        Some(list) => field_names_of(list),
        None => field_names_of(statreq_domain::dictionary::Dictionary::builtin().fields().to_vec()),
    });
    // Fields by name, never by code (the code where the dictionary does not know it).
    let field_name = move |code: &str| -> String { names.with(|n| crate::components::application::field_name(lang.get(), n, code)) };
    let is_personal_field = move |code: &str| -> bool { names.with(|n| n.get(code).is_some_and(|f| f.personal)) };

    // Structured conditions: one row per condition, each with its own signals so
    // that typing in one never re-renders the others; values as typed, split on save.
    type CondRow = (u32, RwSignal<String>, RwSignal<String>, RwSignal<String>);
    let next_row = StoredValue::new(0u32);
    let new_row = move |field: String, op: String, values: String| -> CondRow {
        let key = next_row.get_value();
        next_row.set_value(key + 1);
        (key, RwSignal::new(field), RwSignal::new(op), RwSignal::new(values))
    };
    let cond_rows: RwSignal<Vec<CondRow>> = RwSignal::new(
        init.requirement.filters.iter().map(|c| new_row(c.field.clone(), c.op.as_str().to_string(), c.values.join(", "))).collect(),
    );
    let breakdowns = RwSignal::new(init.requirement.breakdowns.clone());
    let parse_op = |raw: &str| -> Operator { serde_json::from_value(serde_json::Value::String(raw.to_string())).unwrap_or(Operator::Eq) };
    let sources_for_build = sources.clone();
    // Every field the requirement uses: chosen, filtered on, broken down by (rule 3
    // asks a necessity note for each personal one).
    let used_fields = move || -> Vec<String> {
        let mut used = chosen.get();
        for (_, f, _, _) in cond_rows.get() {
            let f = f.get();
            if !f.is_empty() && !used.contains(&f) {
                used.push(f);
            }
        }
        used
    };
    let build = move || -> Application {
        let chosen_fields = chosen.get();
        let used = used_fields();
        Application {
            contact: Contact { name: name.get(), phone: phone.get(), email: email.get() },
            reason: reason.get(),
            requirement: Requirement {
                output: match output.get().as_str() {
                    "detail" => Some(OutputKind::Detail),
                    "statistics" => Some(OutputKind::Statistics),
                    _ => None,
                },
                fields: chosen_fields.clone(),
                conditions: conditions.get(),
                description: description.get(),
                sample_output: Some(sample.get()).filter(|s| !s.trim().is_empty()),
                filters: cond_rows
                    .get()
                    .into_iter()
                    .map(|(_, f, op, v)| Condition {
                        field: f.get(),
                        op: parse_op(&op.get()),
                        // Typed full-width (a Chinese input method's digits and letters): sent in ASCII.
                        values: v
                            .get()
                            .split([',', '、', '，'])
                            .map(|x| halfwidth(x).trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect(),
                    })
                    .collect(),
                breakdowns: breakdowns.get().into_iter().filter(|b| chosen_fields.contains(b)).collect(),
            },
            personal_data: match personal.get() {
                Some(true) => PersonalData {
                    contains: Some(true),
                    purpose: Some(purpose.get()).filter(|p| !p.is_empty()),
                    statutory_duty: Some(duty.get()),
                    necessity: necessity
                        .get()
                        .into_iter()
                        .filter(|(f, n)| used.contains(f) && !n.trim().is_empty())
                        .map(|(field, note)| NecessityNote { field, note })
                        .collect(),
                    retention_days: retention.get().parse().ok(),
                },
                Some(false) => PersonalData { contains: Some(false), ..Default::default() },
                None => PersonalData::default(),
            },
            existing_sources: sources_for_build
                .iter()
                .map(|(s, c, n)| SourceAttestation { source: *s, checked: c.get(), note: n.get() })
                .collect(),
        }
    };
    // An attached sample (or, for a copy, one that comes along) satisfies the sample
    // recommendation.
    let has_sample = RwSignal::new(false);
    if let Some(carry) = carry {
        Effect::new(move |_| has_sample.set(carry.any_chosen()));
    }
    if let Some((id, _)) = edit {
        spawn_local(async move {
            if let Ok(list) = call(|c| async move { c.attachments(id).await }).await {
                has_sample.set(!list.is_empty());
            }
        });
    }
    // A finding shows once the applicant has tried to save, or has left the part it
    // is about — never on an untouched form.
    let attempted = RwSignal::new(false);
    let touched = RwSignal::new(Vec::<&'static str>::new());
    let touch = move |prefix: &'static str| {
        if !touched.get_untracked().contains(&prefix) {
            touched.update(|t| t.push(prefix));
        }
    };
    // Problems the server reported on the last save, by pointer.
    let server_errors = RwSignal::new(Vec::<(String, Text)>::new());
    // The same rules the server enforces, run live as the form changes.
    let build_for_check = build.clone();
    // The copy in this browser: written on every change once it differs from what was
    // loaded, removed when saved.
    let build_for_copy = build.clone();
    let loaded = untrack(&build_for_copy);
    // What leaving would lose: a change to the form as it was first shown, or a copy
    // offered back from this browser (it differs from what the server has). Compared
    // with the form as shown, not the application it came from: an untouched new form
    // has every existing source unticked, which the empty application has not, and
    // asked before it was left.
    let loaded_for_guard = loaded.clone();
    let key_for_copy = local_key.clone();
    Effect::new(move |_| {
        let now = build_for_copy();
        if now != loaded || was_restored.get_untracked() {
            if let Ok(json) = serde_json::to_string(&(version.get_untracked(), &now)) {
                session::storage_set(&key_for_copy, &json);
            }
        }
    });
    // Saved (and, from "check and submit", submitted): nothing is left to lose.
    let done = RwSignal::new(false);
    let key_for_discard = local_key.clone();
    let discard = move || {
        session::storage_remove(&key_for_discard);
        // Chosen: nothing left to ask about on the way out.
        done.set(true);
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    let findings = Memo::new(move |_| {
        // The dictionary in force, once loaded; the built-in one until then.
        let loaded = fields.get().and_then(Result::ok).map(statreq_domain::dictionary::Dictionary::new);
        let dictionary = loaded.as_ref().unwrap_or_else(|| statreq_domain::dictionary::Dictionary::builtin());
        statreq_domain::eligibility::check(
            &build_for_check(),
            statreq_domain::eligibility::EligibilityContext {
                dictionary,
                open_inquiries: &[],
                has_supervisor: true,
                overdue_destructions: &[],
                has_sample_attachment: has_sample.get(),
            },
        )
    });
    let hint_at = move |prefix: String, touched_by: &'static str, id: String| {
        let prefix = StoredValue::new(prefix);
        let matches = move |p: &str| prefix.with_value(|x| p == x || p.starts_with(&format!("{x}/")));
        let shown = move || attempted.get() || touched.get().contains(&touched_by);
        view! {
            <ul class="hints" id=id aria-live="polite">
                {move || findings.get().into_iter().filter(|f| shown() && matches(&f.pointer)).map(|f| view! {
                    <li class=if f.severity == Severity::Error { "error" } else { "warning" }>{text(lang.get(), &f.message)}</li>
                }).collect_view()}
                {move || server_errors.get().into_iter().filter(|(p, _)| matches(p)).map(|(_, m)| view! {
                    <li class="error">{text(lang.get(), &m)}</li>
                }).collect_view()}
            </ul>
        }
    };
    let hint = move |prefix: &'static str, id: &'static str| hint_at(prefix.to_string(), prefix, id.to_string());
    let build_for_guard = build.clone();
    let build_for_review = build.clone();
    crate::browser::ask_before_leaving(
        move || !done.get_untracked() && (was_restored.get_untracked() || build_for_guard() != loaded_for_guard),
        move || tr(lang.get_untracked(), "leave_with_unsaved_changes"),
    );
    let navigate_away = navigate.clone();
    let persist = move |submit_after: bool| {
        attempted.set(true);
        saving.set(true);
        let app = untrack(&build);
        let navigate = navigate.clone();
        let key_after_save = local_key.clone();
        let intake = match paper.map(|p| p.body(lang.get_untracked(), app.clone())).transpose() {
            Ok(intake) => intake,
            Err(missing) => {
                error.set(Some(missing));
                return saving.set(false);
            }
        };
        let over = version.get_untracked();
        spawn_local(async move {
            match call(|c| {
                let (app, intake) = (app.clone(), intake.clone());
                async move {
                    if let Some(intake) = intake {
                        return c.register_paper(&intake).await;
                    }
                    match edit {
                        None => c.create_request(&app).await,
                        Some((id, _)) => {
                            let patch = ApplicationPatch {
                                contact: Some(app.contact),
                                reason: Some(app.reason),
                                requirement: Some(app.requirement),
                                personal_data: Some(app.personal_data),
                                existing_sources: Some(app.existing_sources),
                            };
                            c.update_request(id, over, &patch).await
                        }
                    }
                }
            })
            .await
            {
                Ok(r) => {
                    session::storage_remove(&key_after_save);
                    done.set(true);
                    // A copy's files come along before anything is submitted; the draft
                    // stays a draft when one could not, and its page says so.
                    let not_carried = match carry {
                        Some(carry) if edit.is_none() => carry.into_request(r.id).await,
                        _ => 0,
                    };
                    if not_carried > 0 {
                        navigate(&format!("/requests/{}?not_carried={not_carried}", r.id), Default::default());
                    } else if paper.is_some() {
                        super::form_paper::PaperIntake::forget();
                        navigate(&format!("/requests/{}?registered=1", r.id), Default::default());
                    } else if !submit_after {
                        navigate(&format!("/requests/{}", r.id), Default::default());
                    } else {
                        // Saved; now submitted, or the request page says why not.
                        let (id, version) = (r.id, r.version);
                        match call(|c| async move { c.submit(id, Some(version)).await }).await {
                            Ok(_) => navigate(&format!("/requests/{id}?submitted=1"), Default::default()),
                            // The draft is saved; the request page says it was not sent, and why
                            // (its check list), instead of an error on a form that is gone.
                            Err(_) => navigate(&format!("/requests/{id}?not_submitted=1"), Default::default()),
                        }
                    }
                }
                // Saved elsewhere meanwhile: what changed there, and the choice (nothing typed is lost).
                Err(e) if e.status() == Some(412) && edit.is_some() && intake.is_none() => {
                    let id = edit.map_or(0, |(id, _)| id);
                    match call(|c| async move { c.get_request(id).await }).await {
                        Ok(now) => {
                            error.set(None);
                            conflict.set(Some(opened.with_value(|o| form_conflict::Conflict::of(o, now))));
                        }
                        Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
                    }
                }
                Err(e) => {
                    let placed: Vec<(String, Text)> = e
                        .problem()
                        .map(|p| {
                            p.errors
                                .iter()
                                .map(|x| {
                                    (x.pointer.clone(), x.message.clone().unwrap_or_else(|| Text::new(x.detail.clone(), x.detail.clone())))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    server_errors.set(placed);
                    error.set(Some(err_text(lang.get_untracked(), &e)));
                }
            }
            saving.set(false);
        });
    };
    let persist_on_submit = persist.clone();
    let persist_over = persist.clone();
    let discard_theirs = discard.clone();
    let open_request = move || navigate_away(&format!("/requests/{}", edit.map_or(0, |(id, _)| id)), Default::default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        persist_on_submit(false);
    };
    // "Check and submit": what will be sent, in words, and what still stands in the way.
    let reviewing = RwSignal::new(false);
    let review_panel = move || {
        reviewing.get().then(|| {
            let l = lang.get();
            let app = build_for_review();
            let found = findings.get();
            let errors: Vec<_> = found.iter().filter(|f| f.severity == Severity::Error).cloned().collect();
            let warnings: Vec<_> = found.iter().filter(|f| f.severity != Severity::Error).cloned().collect();
            let n = names.get();
            let line = |f: &statreq_domain::eligibility::Finding| {
                let (_, where_) = place(l, Some(&app), &n, &f.pointer);
                let sep = crate::components::application::colon(l);
                if where_.is_empty() { text(l, &f.message) } else { format!("{where_}{sep}{}", text(l, &f.message)) }
            };
            let error_lines: Vec<String> = errors.iter().map(line).collect();
            let warning_lines: Vec<String> = warnings.iter().map(line).collect();
            let ready = error_lines.is_empty();
            let persist = persist.clone();
            view! {
                <section class="card review" id="review" aria-labelledby="review-h">
                    <h2 id="review-h">{tr(l, "check_before_submitting")}</h2>
                    <ApplicationView app=app.clone() names=names attached=has_sample />
                    {(!ready).then(|| view! {
                        <p class="error">{tr_with(l, "fix_before_submitting", &[("n", error_lines.len().to_string())])}</p>
                        <ul class="findings">{error_lines.into_iter().map(|x| view! { <li class="error">{x}</li> }).collect_view()}</ul>
                    })}
                    {(!warning_lines.is_empty()).then(|| view! {
                        <p class="warning">{tr(l, "warnings_that_remain")}</p>
                        <ul class="findings">{warning_lines.into_iter().map(|x| view! { <li class="warning">{x}</li> }).collect_view()}</ul>
                    })}
                    <div class="actions">
                        {ready.then(|| view! {
                            <button type="button" id="confirm-submit" disabled=move || saving.get() on:click=move |_| persist(true)>{tr(l, "submit_now")}</button>
                        })}
                        <button type="button" class="link" on:click=move |_| reviewing.set(false)>{tr(l, "back_to_the_form")}</button>
                    </div>
                </section>
            }
        })
    };
    let text_input = move |id: &'static str, label: &'static str, sig: RwSignal<String>, pointer: &'static str, hint_id: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || tr(lang.get(), label)}</label>
                <input id=id aria-describedby=hint_id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) on:blur=move |_| touch(pointer) />
                {hint(pointer, hint_id)}
            </div>
        }
    };
    let area = move |id: &'static str, label: &'static str, sig: RwSignal<String>, pointer: &'static str, hint_id: &'static str| {
        view! {
            <label for=id>{move || tr(lang.get(), label)}</label>
            <textarea id=id rows="3" aria-describedby=hint_id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) on:blur=move |_| touch(pointer)></textarea>
            {hint(pointer, hint_id)}
        }
    };
    view! {
        <h1>{move || tr(lang.get(), if paper.is_some() { "register_paper_application" } else if edit.is_some() { "edit_application" } else { "new_application" })}</h1>
        <p>{move || tr(lang.get(), "applicants_may_not_set_deadlines_dgpa")}</p>
        <Show when=move || was_restored.get()>
            <p class="notice" role="status">{move || tr(lang.get(), "restored_what_you_typed")}" "
                <button type="button" class="link" on:click={
                    let discard = discard.clone();
                    move |_| discard()
                }>{move || tr(lang.get(), "discard_it")}</button>
            </p>
        </Show>
        <p class="summary" aria-live="polite">{move || (attempted.get() || !touched.get().is_empty()).then(|| {
            let f = findings.get();
            let errors = f.iter().filter(|x| x.severity == Severity::Error).count();
            let warnings = f.len() - errors;
            if errors == 0 {
                tr_with(lang.get(), "ready_to_submit", &[("warnings", warnings.to_string())])
            } else {
                tr_with(lang.get(), "items_to_fix", &[("errors", errors.to_string()), ("warnings", warnings.to_string())])
            }
        })}</p>
        <nav class="steps" aria-label=move || tr(lang.get(), "steps")>
            <ol>
                <li><a href="#step-1">{move || tr(lang.get(), "contact")}</a></li>
                <li><a href="#step-2">{move || tr(lang.get(), "reason_and_requirement")}</a></li>
                <li><a href="#step-3">{move || tr(lang.get(), "personal_data")}</a></li>
                <li><a href="#step-4">{move || tr(lang.get(), "existing_sources")}</a></li>
            </ol>
        </nav>
        <form class="card" on:submit=save>
            {paper.map(|p| p.view())}
            <fieldset id="step-1">
                <legend>{move || tr(lang.get(), "1_contact")}</legend>
                // Side by side at a desk; a finding under one leaves the others where they are.
                <div class="row top">
                    {text_input("c-name", "name_3", name, "/contact/name", "h-name")}
                    {text_input("c-phone", "phone", phone, "/contact/phone", "h-phone")}
                    {text_input("c-email", "e_mail", email, "/contact/email", "h-email")}
                </div>
            </fieldset>
            <fieldset id="step-2">
                <legend>{move || tr(lang.get(), "2_reason_and_requirement")}</legend>
                {area("reason", "reason", reason, "/reason", "h-reason")}
                <label for="output">{move || tr(lang.get(), "output")}</label>
                <select id="output" aria-describedby="h-output" on:change=move |ev| { output.set(event_target_value(&ev)); touch("/requirement/output"); }>
                    <option value="" selected=move || output.get().is_empty()>{move || tr(lang.get(), "choose")}</option>
                    <option value="statistics" selected=move || output.get() == "statistics">{move || tr(lang.get(), "statistical_figures")}</option>
                    <option value="detail" selected=move || output.get() == "detail">{move || tr(lang.get(), "detail_records")}</option>
                </select>
                {hint("/requirement/output", "h-output")}
                <label for="field-search">{move || tr(lang.get(), "search_fields")}</label>
                <input id="field-search" type="search" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                {move || problem_note(lang.get(), fields.get())}
                <div class="fields" role="group" aria-label=move || tr(lang.get(), "fields_2")>
                    {move || fields.get().and_then(Result::ok).unwrap_or_default().into_iter()
                        .filter(|f| f.matches(search.get().trim()))
                        .map(|f| {
                            let code = f.code.clone();
                            let code2 = code.clone();
                            let id = format!("f-{}", f.code);
                            let for_id = id.clone();
                            view! {
                                <label class="check" for=for_id>
                                    <input id=id type="checkbox" prop:checked=move || chosen.get().contains(&code)
                                        on:change=move |ev| { let on = event_target_checked(&ev); let c = code2.clone(); chosen.update(|v| { v.retain(|x| *x != c); if on { v.push(c); } }); touch("/requirement/fields"); } />
                                    {if lang.get() == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() }}
                                    {f.personal.then(|| view! { <span class="tag">{tr(lang.get(), "personal")}</span> })}
                                </label>
                            }
                        }).collect_view()}
                </div>
                {hint("/requirement/fields", "h-fields")}
                {area("description", "description_fields_and_conditions", description, "/requirement/description", "h-description")}
                {area("conditions", "conditions_2", conditions, "/requirement/conditions", "h-conditions")}
                <fieldset class="filters">
                    <legend>{move || tr(lang.get(), "conditions_on_fields_checked")}</legend>
                    <p class="help">{move || tr(lang.get(), "separate_values_with_commas_coded_fields")}</p>
                    <For each=move || cond_rows.get() key=|r| r.0 let:row>
                        {
                            let (key, field, op, values) = row;
                            let (fid, oid, vid) = (format!("cf-{key}"), format!("co-{key}"), format!("cv-{key}"));
                            let ops = ["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between"];
                            view! {
                                <div class="condition">
                                    <label for=fid.clone()>{move || tr(lang.get(), "field")}</label>
                                    <select id=fid on:change=move |ev| { field.set(event_target_value(&ev)); touch("/requirement/filters"); }>
                                        <option value="">{move || tr(lang.get(), "choose")}</option>
                                        {move || fields.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|f| {
                                            let selected = f.code == field.get_untracked();
                                            let label = if lang.get() == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() };
                                            view! { <option value=f.code.clone() selected=selected>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <label for=oid.clone()>{move || tr(lang.get(), "operator")}</label>
                                    <select id=oid on:change=move |ev| { op.set(event_target_value(&ev)); touch("/requirement/filters"); }>
                                        {move || ops.into_iter().map(|o| view! { <option value=o selected=o == op.get_untracked()>{operator_words(lang.get(), parse_op(o))}</option> }).collect_view()}
                                    </select>
                                    <label for=vid.clone()>{move || tr(lang.get(), "values")}</label>
                                    <input id=vid prop:value=move || values.get() on:input=move |ev| values.set(event_target_value(&ev)) on:blur=move |_| touch("/requirement/filters") />
                                    <button type="button" class="link" on:click=move |_| cond_rows.update(|v| v.retain(|r| r.0 != key))>
                                        {move || tr(lang.get(), "remove_this_condition")}
                                    </button>
                                </div>
                            }
                        }
                    </For>
                    <button type="button" id="add-condition" on:click=move |_| { let r = new_row(String::new(), "eq".into(), String::new()); cond_rows.update(|v| v.push(r)); }>
                        {move || tr(lang.get(), "add_a_condition")}
                    </button>
                    {hint("/requirement/filters", "h-filters")}
                </fieldset>
                <Show when=move || output.get() == "statistics">
                    <fieldset class="breakdowns">
                        <legend>{move || tr(lang.get(), "break_down_by_among_the_chosen")}</legend>
                        {move || chosen.get().into_iter().map(|code| {
                            let label = field_name(&code);
                            let (id, for_id) = (format!("b-{code}"), format!("b-{code}"));
                            let (c1, c2) = (code.clone(), code.clone());
                            view! {
                                <label class="check" for=for_id>
                                    <input id=id type="checkbox" prop:checked=move || breakdowns.get().contains(&c1)
                                        on:change=move |ev| { let on = event_target_checked(&ev); let c = c2.clone(); breakdowns.update(|v| { v.retain(|x| *x != c); if on { v.push(c); } }); touch("/requirement/breakdowns"); } />
                                    {label}
                                </label>
                            }
                        }).collect_view()}
                        {hint("/requirement/breakdowns", "h-breakdowns")}
                    </fieldset>
                </Show>
                {area("sample", "sample_of_the_output_format", sample, "/requirement/sample_output", "h-sample")}
                {carry.map(form_carry::Carry::view)}
            </fieldset>
            <fieldset id="step-3">
                <legend>{move || tr(lang.get(), "3_personal_data_rule_3")}</legend>
                {hint("/personal_data", "h-personal")}
                <div role="radiogroup" aria-label=move || tr(lang.get(), "involves_personal_data")>
                    <label class="check" for="personal-yes">
                        <input id="personal-yes" type="radio" name="personal" prop:checked=move || personal.get() == Some(true)
                            on:change=move |_| { personal.set(Some(true)); touch("/personal_data"); } />
                        {move || tr(lang.get(), "involves_personal_data")}
                    </label>
                    <label class="check" for="personal-no">
                        <input id="personal-no" type="radio" name="personal" prop:checked=move || personal.get() == Some(false)
                            on:change=move |_| { personal.set(Some(false)); touch("/personal_data"); } />
                        {move || tr(lang.get(), "no_personal_data")}
                    </label>
                </div>
                <Show when=move || personal.get() == Some(true)>
                    <label for="purpose">{move || tr(lang.get(), "specific_purpose")}</label>
                    <select id="purpose" aria-describedby="h-purpose" on:change=move |ev| { purpose.set(event_target_value(&ev)); touch("/personal_data/purpose"); }>
                        <option value="" selected=move || purpose.get().is_empty()>{move || tr(lang.get(), "choose")}</option>
                        <option value="personnel_management" selected=move || purpose.get() == "personnel_management">{move || tr(lang.get(), "purpose_personnel_management")}</option>
                    </select>
                    {hint("/personal_data/purpose", "h-purpose")}
                    {area("duty", "statutory_duty_and_its_legal_basis", duty, "/personal_data/statutory_duty", "h-duty")}
                    {text_input("retention", "days_kept_after_delivery_at_most", retention, "/personal_data/retention_days", "h-retention")}
                    {move || {
                        let used = used_fields();
                        let personal_fields: Vec<String> = used.into_iter().filter(|c| is_personal_field(c)).collect();
                        personal_fields.into_iter().map(|code| {
                            let id = format!("n-{code}");
                            let for_id = id.clone();
                            let (code2, code3) = (code.clone(), code.clone());
                            let label = field_name(&code);
                            view! {
                                <label for=for_id>{move || tr(lang.get(), "why_necessary")}{label.clone()}</label>
                                <input id=id prop:value=move || necessity.get_untracked().get(&code3).cloned().unwrap_or_default()
                                    on:input=move |ev| { let v = event_target_value(&ev); let c = code2.clone(); necessity.update(|m| { m.insert(c, v); }); }
                                    on:blur=move |_| touch("/requirement") />
                            }
                        }).collect_view()
                    }}
                    <ul class="hints" id="h-necessity" aria-live="polite">
                        {move || findings.get().into_iter()
                            .filter(|f| (attempted.get() || touched.get().contains(&"/requirement")) && f.code == statreq_domain::eligibility::FindingCode::PersonalDataNecessityMissing)
                            .map(|f| view! { <li class="error">{text(lang.get(), &f.message)}</li> })
                            .collect_view()}
                    </ul>
                </Show>
            </fieldset>
            <fieldset id="step-4">
                <legend>{move || tr(lang.get(), "4_existing_sources_rule_4")}</legend>
                <p class="help">{move || tr(lang.get(), "check_each_source_and_say_why")}</p>
                {sources.into_iter().enumerate().map(|(i, (s, checked, note))| {
                    // The form sends the six in this order, so a finding's position is this source's;
                    // one not attested at all is named by its code.
                    let code = s.as_str();
                    let id = format!("s-{code}");
                    let hint_id = format!("h-{id}");
                    view! {
                        <div class="source" id=format!("{id}-box")>
                            <label class="check" for=id.clone()>
                                <input id=id.clone() type="checkbox" aria-describedby=hint_id.clone() prop:checked=move || checked.get() on:change=move |ev| { checked.set(event_target_checked(&ev)); touch("/existing_sources"); } />
                                {move || source_label(lang.get(), s)}
                            </label>
                            <label class="sub" for=format!("{id}-note")>{move || tr(lang.get(), "why_it_does_not_serve")}</label>
                            <input id=format!("{id}-note") aria-describedby=hint_id.clone() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) on:blur=move |_| touch("/existing_sources") />
                            {hint_at(format!("/existing_sources/{i}"), "/existing_sources", hint_id.clone())}
                            {hint_at(format!("/existing_sources/{code}"), "/existing_sources", format!("{hint_id}-n"))}
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <p class="error pre-line" role="alert">{move || error.get()}</p>
            {move || conflict.get().map(|c| {
                let keep_mine = persist_over.clone();
                let (take_theirs, open_request) = (discard_theirs.clone(), open_request.clone());
                let editable = c.editable();
                view! {
                    <ConflictPanel conflict=c names=names saving=saving
                        keep_mine=move |v| { version.set(v); conflict.set(None); keep_mine(false); }
                        take_theirs=move || if editable { take_theirs() } else { open_request() } />
                }
            })}
            <div class="actions">
                <button type="submit" disabled=move || saving.get()>
                    {move || tr(lang.get(), if paper.is_some() { "register_paper_application" } else { "save_draft" })}
                </button>
                {paper.is_none().then(|| view! {
                    <button type="button" id="check-submit" on:click=move |_| { attempted.set(true); reviewing.set(true); }>{move || tr(lang.get(), "check_and_submit")}</button>
                })}
            </div>
        </form>
        {review_panel}
    }
}
