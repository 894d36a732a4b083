//! Help before applying (rules 4, 7): the field dictionary with each field's code
//! table, covering sources and FAQ; field questions to DGPA and their threads.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use statreq_contract::*;

use crate::components::application::field_name;
use crate::components::loading::Async;
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, t, text, tr, Lang};
use crate::session::{call, Session};
use statreq_client::ClientError;
use statreq_domain::values::search_holds;

pub(crate) fn state_label(lang: Lang, s: InquiryState) -> String {
    match s {
        InquiryState::Open => tr(lang, "open"),
        InquiryState::Answered => tr(lang, "answered"),
        InquiryState::Closed => tr(lang, "closed"),
    }
}

fn flags(lang: Lang, f: &Field) -> String {
    let mut out = Vec::new();
    if f.special {
        out.push(tr(lang, "special_category"));
    } else if f.identifying {
        out.push(tr(lang, "identifying"));
    } else if f.personal {
        out.push(tr(lang, "personal_2"));
    }
    out.join("、")
}

/// A field's type in words.
fn type_name(lang: Lang, t: FieldType) -> String {
    tr(
        lang,
        match t {
            FieldType::Text => "field_type_text",
            FieldType::Code => "field_type_code",
            FieldType::Date => "field_type_date",
            FieldType::Integer => "field_type_integer",
            FieldType::Decimal => "field_type_decimal",
        },
    )
}

/// The dictionary, searchable.
#[component]
pub fn FieldsPage() -> impl IntoView {
    let lang = i18n::lang();
    let q = RwSignal::new(String::new());
    let fields = LocalResource::new(|| async { call(|c| async move { c.list_fields(None).await }).await.map_err(ui) });
    view! {
        <h1>{move || tr(lang.get(), "field_dictionary")}</h1>
        <p>{move || tr(lang.get(), "check_what_each_field_means_before")}" "<A href="/faq">{move || tr(lang.get(), "faq_of_every_field")}</A></p>
        <label for="field-search">{move || tr(lang.get(), "search_fields_code_or_name")}</label>
        <input id="field-search" type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
        <Async resource=fields let:list>
            {{
                let needle = q.get().trim().to_string();
                let rows = list.into_iter().filter(|f| needle.is_empty() || f.matches(&needle)).map(|f| {
                    let l = lang.get();
                    let (href, code, flag) = (format!("/fields/{}", f.code), f.code.clone(), flags(l, &f));
                    view! {
                        <tr>
                            <td data-label=tr(l, "code_2")><A href=href><code>{code}</code></A></td>
                            <td data-label=tr(l, "name")>{if l == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() }}</td>
                            <td data-label=tr(l, "type")>{type_name(l, f.field_type)}</td>
                            <td data-label=tr(l, "personal_data_2")>{flag}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <table class="list fields">
                        <caption class="visually-hidden">{tr(lang.get(), "fields_2")}</caption>
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "code_2")}</th>
                            <th scope="col">{tr(lang.get(), "name")}</th>
                            <th scope="col">{tr(lang.get(), "type")}</th>
                            <th scope="col">{tr(lang.get(), "personal_data_2")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </Async>
    }
}

/// One field: definition, code table, sources that show it, its FAQ.
#[component]
pub fn FieldPage(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let is_admin = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaAdmin));
    let is_dgpa = move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)));
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let detail = LocalResource::new(move || {
        let code = code();
        async move {
            call(|c| {
                let code = code.clone();
                async move { c.get_field(&code).await }
            })
            .await
            .map_err(ui)
        }
    });
    // A field that is not there still has its code as the heading and leads back to the
    // dictionary (the page was a lone red line).
    let failed = move || detail.get().and_then(Result::err);
    // The administrator's changes not yet saved: the page's, since what follows is drawn
    // anew in the other language (they were lost to a switch of language); another
    // field's page starts without them.
    let unsaved = RwSignal::new(None::<(Text, bool)>);
    crate::components::on_change(code, move || unsaved.set(None));
    view! {
        {move || failed().map(|_| view! { <h1>{tr(lang.get(), "field")}" "<code>{code()}</code></h1> })}
        <Async resource=detail let:d>
            {{
                let l = lang.get();
                let f = d.field.clone();
                view! {
                    <h1>{if l == Lang::Zh { f.name_zh.clone() } else { f.name_en.clone() }}" "<code>{f.code.clone()}</code></h1>
                    <section class="card" aria-labelledby="def-h">
                        <h2 id="def-h">{tr(l, "definition")}</h2>
                        <p class="pre-line">{if d.field.definition.is_empty() { tr(l, "no_definition_yet") } else { text(l, &d.field.definition) }}</p>
                        <p>{tr(l, "type_2")}{type_name(l, f.field_type)}{Some(flags(l, &f)).filter(|x| !x.is_empty()).map(|x| format!(" · {x}"))}</p>
                        <p><A href=format!("/inquiries?field={}", f.code)>{tr(l, "ask_dgpa_about_this_field")}</A></p>
                    </section>
                    {d.code_table.clone().map(|table| view! {
                        <section class="card" aria-labelledby="ct-h">
                            <h2 id="ct-h">{tr(l, "code_table")}{text(l, &table.name)}</h2>
                            <ul class="codes">{table.values.into_iter().map(|v| view! { <li><code>{v.code}</code>" "{if l == Lang::Zh { v.zh_tw } else { v.en }}</li> }).collect_view()}</ul>
                        </section>
                    })}
                    <section class="card" aria-labelledby="src-h">
                        <h2 id="src-h">{tr(l, "existing_sources_with_this_field_rule")}</h2>
                        <ul class="sources">{d.sources.clone().into_iter().map(|s| view! { <li>{text(l, &s.title)}" — "{s.location}</li> }).collect_view()}</ul>
                    </section>
                    <section class="card" aria-labelledby="faq-h">
                        <h2 id="faq-h">{tr(l, "faq")}</h2>
                        <crate::pages::faq::FaqEntries entries=d.faq.clone() names=None can_withdraw=is_dgpa() on_withdrawn=move || detail.refetch() />
                    </section>
                    <Show when=move || is_admin()>
                        <FieldEditor detail=d.clone() unsaved=unsaved on_saved=move || detail.refetch() />
                    </Show>
                }.into_any()
            }}
        </Async>
        {move || failed().filter(|e| e.not_for_caller()).map(|_| view! { <p><A href="/fields">{tr(lang.get(), "field_dictionary")}</A></p> })}
    }
}

/// DGPA's administrator edits a field's definition and flags; the history lists
/// every change.
#[component]
fn FieldEditor(
    detail: FieldDetail,
    unsaved: RwSignal<Option<(Text, bool)>>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = i18n::lang();
    let base = detail.field.clone();
    let code = base.code.clone();
    // What the server holds: a definition changed from it and not saved is not lost to a
    // stray click or a closed tab.
    let kept = RwSignal::new((base.definition.clone(), base.personal));
    let (start, start_personal) = unsaved.get_untracked().unwrap_or_else(|| kept.get_untracked());
    let def_zh = RwSignal::new(start.zh_tw);
    let def_en = RwSignal::new(start.en);
    let personal = RwSignal::new(start_personal);
    let note = RwSignal::new(None::<String>);
    let now = move || (Text::new(def_zh.get_untracked(), def_en.get_untracked()), personal.get_untracked());
    // Each change is the page's too, while it differs from what is stored.
    let remember = move || {
        let edited = now();
        unsaved.set((edited != kept.get_untracked()).then_some(edited));
    };
    crate::browser::ask_before_leaving(move || now() != kept.get_untracked(), move || tr(lang.get_untracked(), "leave_unsaved_changes"));
    let history = LocalResource::new(move || {
        let code = code.clone();
        async move {
            call(|c| {
                let code = code.clone();
                async move { c.field_history(&code).await }
            })
            .await
            .unwrap_or_default()
        }
    });
    // The field as read (its version goes with a save, If-Match), and as another
    // administrator saved it meanwhile when a save here was refused for it (412).
    let read = StoredValue::new(detail.clone());
    let meanwhile = RwSignal::new(None::<FieldDetail>);
    let saving = RwSignal::new(false);
    // Saves the form over `on` (as read, or as saved meanwhile once the administrator
    // chose theirs over it), at its version.
    let submit = move |on: FieldDetail| {
        let mut f = on.field.clone();
        f.definition = Text::new(def_zh.get_untracked(), def_en.get_untracked());
        f.personal = personal.get_untracked() || f.identifying || f.special;
        let (sent, version, code) = (now(), on.version, on.field.code.clone());
        saving.set(true);
        spawn_local(async move {
            let saved = call(|c| {
                let f = f.clone();
                async move { c.put_field(&f, Some(version)).await }
            })
            .await;
            saving.set(false);
            match saved {
                // The same definition again is no new version: said so, and nothing to reload.
                Ok(d) if d.version == version && meanwhile.with_untracked(Option::is_none) => {
                    note.set(Some(tr(lang.get_untracked(), "nothing_changed")))
                }
                Ok(_) => {
                    meanwhile.set(None);
                    kept.set(sent);
                    unsaved.set(None);
                    note.set(Some(tr(lang.get_untracked(), "saved")));
                    on_saved();
                }
                // Changed meanwhile: what this form left as read takes theirs, what it changed stays.
                Err(e) if e.status() == Some(412) => match call(|c| {
                    let code = code.clone();
                    async move { c.get_field(&code).await }
                })
                .await
                {
                    Ok(theirs) => {
                        let (was, take) = (read.get_value().field, crate::components::meanwhile::take_untouched);
                        take(def_zh, &was.definition.zh_tw, &theirs.field.definition.zh_tw);
                        take(def_en, &was.definition.en, &theirs.field.definition.en);
                        if personal.get_untracked() == was.personal {
                            personal.set(theirs.field.personal);
                        }
                        kept.set((theirs.field.definition.clone(), theirs.field.personal));
                        remember();
                        note.set(None);
                        meanwhile.set(Some(theirs));
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    // The form's own save goes at the version read: never over a save not seen.
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(read.get_value());
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(theirs) = meanwhile.get_untracked() {
            submit(theirs);
        }
    });
    // Theirs taken: the page reads the field again, as saved.
    let take_theirs = Callback::new(move |()| {
        meanwhile.set(None);
        unsaved.set(None);
        on_saved();
    });
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let Some(theirs) = meanwhile.get() else { return Vec::new() };
        let (l, was) = (lang.get(), read.get_value().field);
        let ticked = |on: bool| tr(l, if on { "ticked" } else { "not_ticked" });
        let now = theirs.field;
        [
            Difference::of(tr(l, "definition_chinese"), was.definition.zh_tw.clone(), now.definition.zh_tw.clone(), def_zh.get()),
            Difference::of(tr(l, "definition_english"), was.definition.en.clone(), now.definition.en.clone(), def_en.get()),
            Difference::of(tr(l, "personal_data_3"), ticked(was.personal), ticked(now.personal), ticked(personal.get())),
        ]
        .into_iter()
        .flatten()
        .collect()
    });
    let meanwhile_by = Signal::derive(move || {
        meanwhile.with(|m| {
            m.as_ref().and_then(|m| crate::components::meanwhile::saved_by(lang.get(), m.updated_by.as_ref(), Some(m.updated_at)))
        })
    });
    view! {
        <form class="card" on:submit=save aria-labelledby="edit-h">
            <h2 id="edit-h">{move || tr(lang.get(), "edit_the_definition_administrator")}</h2>
            <label for="def-zh">{move || tr(lang.get(), "definition_chinese")}</label>
            <textarea id="def-zh" rows="3" prop:value=move || def_zh.get() on:input=move |ev| { def_zh.set(event_target_value(&ev)); remember(); }></textarea>
            <label for="def-en">{move || tr(lang.get(), "definition_english")}</label>
            <textarea id="def-en" rows="3" prop:value=move || def_en.get() on:input=move |ev| { def_en.set(event_target_value(&ev)); remember(); }></textarea>
            <label class="check" for="def-personal">
                <input id="def-personal" type="checkbox" prop:checked=move || personal.get() on:change=move |ev| { personal.set(event_target_checked(&ev)); remember(); } />
                {move || tr(lang.get(), "personal_data_3")}
            </label>
            <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), "save")}</button>
            <p class="note pre-line" role="status">{move || note.get()}</p>
            <Show when=move || meanwhile.with(Option::is_some)>
                <crate::components::meanwhile::SavedMeanwhile by=meanwhile_by rows=meanwhile_rows
                    keep_mine=keep_mine take_theirs=take_theirs saving=saving />
            </Show>
            <h3>{move || tr(lang.get(), "history")}</h3>
            <ol class="history">
                {move || history.get().unwrap_or_default().into_iter().map(|h| {
                    let who = h.changed_by.map(|u| u.display_name).unwrap_or_else(|| tr(lang.get(), "built_in"));
                    let what: Vec<String> = h.changes.iter().map(|c| c.pointer.clone()).collect();
                    view! { <li>{format!("v{} · ", h.version)}{i18n::datetime(lang.get(), h.changed_at)}" · "{who}" · "{what.join(", ")}</li> }
                }).collect_view()}
            </ol>
        </form>
    }
}

/// The catalog of existing sources (rule 4), to try before applying.
#[component]
pub fn SourcesPage() -> impl IntoView {
    let lang = i18n::lang();
    // `?q=` opens the catalog on what it names: a request's timeline links to the source
    // DGPA pointed to by its id.
    let q = RwSignal::new(use_query_map().get_untracked().get("q").unwrap_or_default());
    let kind = RwSignal::new(String::new());
    let sources = LocalResource::new(|| async { call(|c| async move { c.sources("").await }).await.map_err(ui) });
    view! {
        <h1>{move || tr(lang.get(), "existing_sources")}</h1>
        <p>{move || tr(lang.get(), "before_applying_try_these_published_statistics")}</p>
        <label for="src-search">{move || tr(lang.get(), "search_title_field_code")}</label>
        <input id="src-search" type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
        <label for="src-kind">{move || tr(lang.get(), "kind_of_source")}</label>
        <select id="src-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
            <option value="">{move || tr(lang.get(), "all")}</option>
            {ExistingSource::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || t(lang.get(), k.name_zh(), k.name_en())}</option> }).collect_view()}
        </select>
        <Async resource=sources let:list>
            {{
                let needle = q.get().trim().to_string();
                let k = kind.get();
                let l = lang.get();
                view! {
                    <ul class="catalog">
                        {list.into_iter()
                            .filter(|e| k.is_empty() || e.source.as_str() == k)
                            .filter(|e| [&e.id, &e.title.zh_tw, &e.title.en].into_iter().chain(&e.fields).any(|h| search_holds(h, &needle)))
                            .map(|e| {
                                let link = e.location.starts_with("https://").then(|| e.location.clone());
                                view! {
                                    <li id=format!("src-{}", e.id)>
                                        <strong>{text(l, &e.title)}</strong>" · "{t(l, e.source.name_zh(), e.source.name_en())}<br />
                                        {match link {
                                            Some(href) => view! { <a href=href.clone() rel="noopener" target="_blank">{href.clone()}</a> }.into_any(),
                                            None => view! { <span>{e.location.clone()}</span> }.into_any(),
                                        }}
                                        " · "{e.owner.clone()}" · "{e.granularity.clone()}" · "{e.refresh.clone()}<br />
                                        {tr(l, "fields_3")}{e.fields.join("、")}
                                    </li>
                                }
                            }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Async>
    }
}

/// The caller's field questions, and a form to ask one.
#[component]
pub fn InquiriesPage(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let navigate = use_navigate();
    let query = use_query_map();
    let field_names = crate::components::application::use_field_names();
    // A page at a time, in one state or all: DGPA works through hundreds of questions.
    let list = crate::components::loading::Paged::<InquiryView>::new();
    let (rows, next, loaded) = (list.rows, list.next, list.state);
    // The state shown: the address's (`?state=open`), else DGPA starts at what awaits its
    // answer and the offices at all of theirs.
    let from_address = query.read_untracked().get("state");
    let shown = RwSignal::new(from_address.clone().unwrap_or_default());
    let load = move |cursor: Option<String>| {
        list.load(cursor, move |cursor| async move {
            let query = crate::components::loading::page_query(&[("state", shown.get_untracked())], cursor);
            call(|c| {
                let query = query.clone();
                async move { c.list_inquiries(&query).await }
            })
            .await
        })
    };
    let started = RwSignal::new(false);
    Effect::new(move |_| {
        let me = session.me.get();
        if started.get_untracked() || (from_address.is_none() && me.is_none()) {
            return;
        }
        if from_address.is_none() && me.is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin))) {
            shown.set(InquiryState::Open.as_str().to_string());
        }
        started.set(true);
        load(None);
    });
    let fields = RwSignal::new(query.read_untracked().get("field").unwrap_or_default());
    let request = RwSignal::new(query.read_untracked().get("request").unwrap_or_default());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // A question being written is not lost to a stray click or a closed tab.
    crate::browser::ask_before_leaving(
        move || !subject.get_untracked().trim().is_empty() || !body.get_untracked().trim().is_empty(),
        move || tr(lang.get_untracked(), "leave_with_unsent_text"),
    );
    // The personnel office asks, its applicants and supervisors alike (rule 7).
    let can_ask = move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::Applicant | Role::Supervisor)));
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewInquiry {
            fields: fields.get_untracked().split([',', ' ', '、']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
            request_id: request.get_untracked().trim().parse().ok(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match call(|c| {
                let new = new.clone();
                async move { c.create_inquiry(&new).await }
            })
            .await
            {
                Ok(d) => navigate(&format!("/inquiries/{}", d.inquiry.id), Default::default()),
                Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <h1>{move || tr(lang.get(), "field_questions")}</h1>
        <p><A href="/faq">{move || tr(lang.get(), "read_the_faq_first")}</A></p>
        <p>
            <label for="q-state">{move || tr(lang.get(), "state")}</label>" "
            <select id="q-state" prop:value=move || shown.get() on:change={
                // The choice is the address too: a link to it opens the same list.
                let navigate = use_navigate();
                move |ev| {
                    let chosen = event_target_value(&ev);
                    let address = if chosen.is_empty() { "/inquiries".to_string() } else { format!("/inquiries?state={chosen}") };
                    navigate(&address, leptos_router::NavigateOptions { replace: true, ..Default::default() });
                    shown.set(chosen);
                    load(None)
                }
            }>
                <option value="" selected=move || shown.get().is_empty()>{move || tr(lang.get(), "all")}</option>
                {InquiryState::ALL.into_iter().map(|st| view! {
                    <option value=st.as_str() selected=move || shown.get() == st.as_str()>{move || state_label(lang.get(), st)}</option>
                }).collect_view()}
            </select>
        </p>
        {move || match loaded.get() {
            None => crate::components::loading::loading(lang.get()),
            Some(Err(e)) => crate::components::loading::failed(lang.get(), &e),
            Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p>{tr(lang.get(), "no_questions_here")}</p> }.into_any(),
            Some(Ok(())) => view! {
                <ul class="inquiries">
                    <For each=move || rows.get() key=|i| (i.id, i.version) let:i>
                        {
                            let (fields, asker, at) = (i.fields.clone(), i.created_by.display_name.clone(), i.updated_at);
                            // Fields by name, and who asked when, as DGPA reads many offices' questions.
                            let named = move || {
                                let (l, names) = (lang.get(), field_names.get());
                                fields.iter().map(|f| field_name(l, &names, f)).collect::<Vec<_>>().join(if l == Lang::Zh { "、" } else { ", " })
                            };
                            view! {
                                <li><A href=format!("/inquiries/{}", i.id)>{format!("#{} {}", i.id, i.subject)}</A>
                                    " · "{move || state_label(lang.get(), i.state)}
                                    {move || { let n = named(); (!n.is_empty()).then(|| format!(" · {n}")) }}
                                    " · "{asker}" · "{move || i18n::datetime(lang.get(), at)}</li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || next.get().is_some()>
                    <button type="button" id="more-questions" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
                </Show>
            }.into_any(),
        }}
        <Show when=can_ask>
            <form class="card" on:submit=ask.clone() aria-labelledby="ask-h">
                <h2 id="ask-h">{move || tr(lang.get(), "ask_dgpa")}</h2>
                <label for="q-fields">{move || tr(lang.get(), "field_codes_comma_separated")}</label>
                <input id="q-fields" prop:value=move || fields.get() on:input=move |ev| fields.set(event_target_value(&ev)) />
                <label for="q-request">{move || tr(lang.get(), "related_request_number_optional")}</label>
                <input id="q-request" inputmode="numeric" prop:value=move || request.get() on:input=move |ev| request.set(event_target_value(&ev)) />
                <label for="q-subject">{move || tr(lang.get(), "subject")}</label>
                <input id="q-subject" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev)) />
                <label for="q-body">{move || tr(lang.get(), "question")}</label>
                <textarea id="q-body" rows="4" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <button type="submit">{move || tr(lang.get(), "send_the_question")}</button>
                <p class="error pre-line" role="alert">{move || error.get()}</p>
            </form>
        </Show>
    }
}

/// One question's thread: reply, close, and for DGPA publish an answer to the FAQ.
#[component]
pub fn InquiryPage(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let id = crate::components::request::route_id();
    let detail = LocalResource::new(move || {
        let id = id();
        async move { call(|c| async move { c.get_inquiry(id).await }).await.map_err(ui) }
    });
    let reply = RwSignal::new(String::new());
    let faq_field = RwSignal::new(String::new());
    let faq_q = RwSignal::new(String::new());
    let faq_a = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let field_names = crate::components::application::use_field_names();
    let is_dgpa = move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)));
    // Opening a question reads the notices about it.
    crate::pages::inbox::read_when_shown(session, move || {
        detail.get().and_then(Result::ok).map(|d| format!("/inquiries/{}", d.inquiry.id))
    });
    // A reply or an answer being written is not lost to a stray click or a closed tab.
    crate::browser::ask_before_leaving(
        move || !reply.get_untracked().trim().is_empty() || !faq_a.get_untracked().trim().is_empty(),
        move || tr(lang.get_untracked(), "leave_with_unsent_text"),
    );
    // The other side wrote meanwhile (412): the thread is shown again as it is now, the
    // reply being written kept, so that it is read before anything is sent.
    let refused = move |e: ClientError| {
        if e.status() == Some(412) {
            note.set(Some(tr(lang.get_untracked(), "the_question_changed_read_it_and_send_again")));
            detail.refetch();
        } else {
            note.set(Some(err_text(lang.get_untracked(), &e)));
        }
    };
    let send = move |version: i64| {
        let id = id();
        let body = reply.get_untracked();
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.reply_inquiry(id, &body, Some(version)).await }
            })
            .await
            {
                Ok(_) => {
                    reply.set(String::new());
                    note.set(None);
                    detail.refetch();
                }
                Err(e) => refused(e),
            }
        });
    };
    let close = move |version: i64| {
        // Closing ends the thread for both sides: asked first.
        if !crate::browser::confirm(&tr(lang.get_untracked(), "confirm_close_question")) {
            return;
        }
        let id = id();
        spawn_local(async move {
            match call(|c| async move { c.close_inquiry(id, Some(version)).await }).await {
                Ok(_) => detail.refetch(),
                Err(e) => refused(e),
            }
        });
    };
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = id();
        let p = FaqPublication { field: faq_field.get_untracked(), question: faq_q.get_untracked(), answer: faq_a.get_untracked() };
        spawn_local(async move {
            match call(|c| {
                let p = p.clone();
                async move { c.publish_faq(id, &p).await }
            })
            .await
            {
                Ok(_) => {
                    faq_a.set(String::new());
                    note.set(Some(tr(lang.get_untracked(), "published_to_the_field_s_faq")));
                    detail.refetch();
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    // A question that is not there for the caller keeps its number as the heading and
    // leads back to the list.
    let failed = move || detail.get().and_then(Result::err);
    view! {
        {move || failed().map(|_| view! { <h1>{format!("{} #{}", tr(lang.get(), "field_questions"), id())}</h1> })}
        <Async resource=detail let:d>
            {{
                let l = lang.get();
                let i = d.inquiry.clone();
                let version = i.version;
                // DGPA and the asking office speak in the thread; a supervising agency
                // reading a question about a request it reviews does not.
                let speaks = is_dgpa()
                    || session.me.get().is_some_and(|m| {
                        m.agency_code == i.agency_code && m.roles.iter().any(|r| matches!(r, Role::Applicant | Role::Supervisor))
                    });
                let open = speaks && i.state != InquiryState::Closed;
                let published = d.published.clone();
                let any_published = !published.is_empty();
                if faq_field.get_untracked().is_empty() {
                    faq_field.set(i.fields.first().cloned().unwrap_or_default());
                    faq_q.set(i.subject.clone());
                }
                view! {
                    <h1>{format!("#{} {}", i.id, i.subject)}</h1>
                    <p><span class="state">{state_label(l, i.state)}</span>" · "
                        {i.fields.clone().into_iter().map(|f| {
                            let name = field_name(l, &field_names.get(), &f);
                            view! { <A href=format!("/fields/{f}")>{name}</A>" " }
                        }).collect_view()}
                        {i.request_id.map(|r| view! { " · "<A href=format!("/requests/{r}")>{tr(l, "request_2")}{r}</A> })}</p>
                    <ol class="thread">
                        {d.messages.into_iter().map(|m| view! {
                            <li class=if m.from_dgpa { "dgpa" } else { "office" }>
                                <p class="meta">{m.author.display_name}" · "{i18n::datetime(l, m.created_at)}
                                    {m.from_dgpa.then(|| view! { " · "<span class="side">{tr(l, "dgpa_s_reply")}</span> })}</p>
                                <p class="pre-line">{m.body}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                    <Show when=move || any_published>
                        <section class="card" aria-labelledby="faq-h">
                            <h2 id="faq-h">{tr(l, "published_to_the_faq")}</h2>
                            <crate::pages::faq::FaqEntries entries=published.clone() names=Some(field_names) can_withdraw=is_dgpa() on_withdrawn=move || detail.refetch() />
                        </section>
                    </Show>
                    <Show when=move || open>
                        <section class="card" aria-labelledby="reply-h">
                            <h2 id="reply-h">{tr(l, "reply")}</h2>
                            <label for="reply">{tr(l, "reply_text")}</label>
                            <textarea id="reply" rows="3" prop:value=move || reply.get() on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                            <div class="actions">
                                <button type="button" on:click=move |_| send(version)>{tr(l, "send_the_reply")}</button>
                                <button type="button" on:click=move |_| close(version)>{tr(l, "close")}</button>
                            </div>
                        </section>
                    </Show>
                    // Closed while a reply was being written (the 412 above): the text is
                    // kept to be copied into a new question, not lost with the form.
                    <Show when=move || !open && speaks && !reply.get().trim().is_empty()>
                        <section class="card" aria-labelledby="unsent-h">
                            <h2 id="unsent-h">{tr(l, "your_unsent_reply")}</h2>
                            <p class="pre-line" id="unsent">{move || reply.get()}</p>
                            <button type="button" on:click=move |_| reply.set(String::new())>{tr(l, "discard_it")}</button>
                        </section>
                    </Show>
                    <Show when=move || is_dgpa() && i.state != InquiryState::Open>
                        <form class="card" on:submit=publish aria-labelledby="pub-h">
                            <h2 id="pub-h">{tr(l, "publish_to_the_field_s_faq")}</h2>
                            <label for="faq-field">{tr(l, "field")}</label>
                            <select id="faq-field" on:change=move |ev| faq_field.set(event_target_value(&ev))>
                                {d.inquiry.fields.clone().into_iter().map(|f| {
                                    let name = field_name(l, &field_names.get(), &f);
                                    view! { <option value=f.clone() selected=f == faq_field.get_untracked()>{name}</option> }
                                }).collect_view()}
                            </select>
                            <label for="faq-q">{tr(l, "question")}</label>
                            <input id="faq-q" prop:value=move || faq_q.get() on:input=move |ev| faq_q.set(event_target_value(&ev)) />
                            <label for="faq-a">{tr(l, "answer")}</label>
                            <textarea id="faq-a" rows="3" prop:value=move || faq_a.get() on:input=move |ev| faq_a.set(event_target_value(&ev))></textarea>
                            <button type="submit">{tr(l, "publish")}</button>
                        </form>
                    </Show>
                    <p class="note pre-line" role="status">{move || note.get()}</p>
                }.into_any()
            }}
        </Async>
        {move || failed().filter(|e| e.not_for_caller()).map(|_| view! { <p><A href="/inquiries">{tr(lang.get(), "field_questions")}</A></p> })}
    }
}
