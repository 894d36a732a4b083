//! Reference data for administrators: the catalog of existing sources (rule 4) entry by
//! entry, and the CSV exchange of the dictionary, the catalog and the agencies.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::SourceView;
use statreq_domain::catalog::CatalogEntry;
use statreq_domain::message::Text;
use statreq_domain::ExistingSource;

use crate::browser::{read_file, save_file};
use crate::components::loading::Async;
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, t, text, tr, tr_with};
use crate::session::call;

/// What a CSV file is imported into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Import {
    Agencies,
    Fields,
    Sources,
}

impl Import {
    fn format_key(self) -> &'static str {
        match self {
            Import::Agencies => "csv_format_agencies",
            Import::Fields => "csv_format_fields",
            Import::Sources => "csv_format_sources",
        }
    }
}

/// Download the CSV (when `export` names one) and import a chosen CSV file; the result
/// says how many rows were created, changed and left as they were.
#[component]
pub fn CsvExchange(id: &'static str, export: Option<&'static str>, import: Import, done: Callback<()>) -> impl IntoView {
    let lang = i18n::lang();
    let note = RwSignal::new(None::<String>);
    let input_id = format!("{id}-csv");
    let for_id = input_id.clone();
    let pick_id = input_id.clone();
    let run = move |_| {
        let pick_id = pick_id.clone();
        spawn_local(async move {
            let Some((_, bytes)) = read_file(&pick_id).await else {
                note.set(Some(tr(lang.get_untracked(), "choose_a_csv_file")));
                return;
            };
            let Ok(csv) = String::from_utf8(bytes) else {
                note.set(Some(tr(lang.get_untracked(), "csv_must_be_utf8")));
                return;
            };
            let csv = csv.trim_start_matches('\u{feff}').to_string();
            let got = call(|c| {
                let csv = csv.clone();
                async move {
                    match import {
                        Import::Agencies => c.import_agencies(&csv).await.map(|r| (r.created, r.updated, r.unchanged)),
                        Import::Fields => c.import_fields(&csv).await.map(|r| (r.created, r.updated, r.unchanged)),
                        Import::Sources => c.import_sources(&csv).await.map(|r| (r.created, r.updated, r.unchanged)),
                    }
                }
            })
            .await;
            match got {
                Ok((created, updated, unchanged)) => {
                    let n = |v: usize| v.to_string();
                    note.set(Some(tr_with(
                        lang.get_untracked(),
                        "csv_imported",
                        &[("created", n(created)), ("updated", n(updated)), ("unchanged", n(unchanged))],
                    )));
                    done.run(());
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <div class="csv-exchange">
            {export.map(|path| view! {
                <button type="button" id=format!("{id}-export") on:click=move |_| {
                    spawn_local(async move {
                        match call(|c| async move { c.get_text(path).await }).await {
                            Ok(csv) => save_file(path.trim_start_matches('/').replace('/', "-").as_str(), csv.as_bytes()),
                            Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                        }
                    });
                }>{move || tr(lang.get(), "download_csv")}</button>
            })}
            <label for=for_id>{move || tr(lang.get(), "import_a_csv_file")}</label>
            <p class="hint">{move || tr(lang.get(), import.format_key())}</p>
            <input id=input_id type="file" accept=".csv,text/csv" />
            <button type="button" id=format!("{id}-import") on:click=run>{move || tr(lang.get(), "import")}</button>
            <p class="pre-line" role="status">{move || note.get()}</p>
        </div>
    }
}

fn codes(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ' ', '\n']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// The catalog of existing sources, to add, change and remove entries, and its CSV.
#[component]
pub fn SourcesAdmin() -> impl IntoView {
    let lang = i18n::lang();
    let list = LocalResource::new(|| async { call(|c| async move { c.sources("").await }).await.map_err(ui) });
    let note = RwSignal::new(None::<String>);
    // The entry being edited, as read with its version: `None` closed, `Some(None)` a new one.
    let editing = RwSignal::new(None::<Option<SourceView>>);
    let open = move |id: String| {
        spawn_local(async move {
            match call(|c| {
                let id = id.clone();
                async move { c.get_source(&id).await }
            })
            .await
            {
                Ok(v) => editing.set(Some(Some(v))),
                Err(err) => note.set(Some(err_text(lang.get_untracked(), &err))),
            }
        });
    };
    let remove = move |e: CatalogEntry| {
        let question = tr_with(lang.get_untracked(), "confirm_delete_source", &[("source", text(lang.get_untracked(), &e.title))]);
        if !crate::browser::confirm(&question) {
            return;
        }
        spawn_local(async move {
            let id = e.id.clone();
            let got = call(|c| {
                let id = id.clone();
                async move {
                    let v = c.get_source(&id).await?;
                    c.delete_source(&id, Some(v.version)).await
                }
            })
            .await;
            match got {
                Ok(()) => {
                    note.set(Some(tr_with(lang.get_untracked(), "source_deleted", &[("source", text(lang.get_untracked(), &e.title))])));
                    list.refetch();
                }
                Err(err) => note.set(Some(err_text(lang.get_untracked(), &err))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="src-h">
            <h2 id="src-h">{move || tr(lang.get(), "existing_sources")}</h2>
            <p class="hint">{move || tr(lang.get(), "catalog_admin_hint")}</p>
            <Async resource=list let:entries>
                {view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "title")}</th>
                            <th scope="col">{tr(lang.get(), "kind_of_source")}</th>
                            <th scope="col">{tr(lang.get(), "owner")}</th>
                            <th scope="col">{tr(lang.get(), "actions")}</th>
                        </tr></thead>
                        <tbody>
                            {entries.into_iter().map(|e| {
                                let (edit, del) = (e.id.clone(), e.clone());
                                view! {
                                    <tr>
                                        <td data-label=tr(lang.get(), "title")>{text(lang.get(), &e.title)}<br /><code>{e.id.clone()}</code></td>
                                        <td data-label=tr(lang.get(), "kind_of_source")>{t(lang.get(), e.source.name_zh(), e.source.name_en())}</td>
                                        <td data-label=tr(lang.get(), "owner")>{e.owner.clone()}</td>
                                        <td>
                                            <button type="button" class="link" id=format!("edit-source-{}", e.id) on:click=move |_| open(edit.clone())>{tr(lang.get(), "edit")}</button>" "
                                            <button type="button" class="link danger" id=format!("delete-source-{}", e.id) on:click=move |_| remove(del.clone())>{tr(lang.get(), "delete")}</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()}
            </Async>
            <button type="button" id="new-source" on:click=move |_| editing.set(Some(None))>{move || tr(lang.get(), "new_source")}</button>
            {move || editing.get().map(|entry| view! {
                <SourceEditor entry=entry
                    on_saved=Callback::new(move |title: String| {
                        note.set(Some(tr_with(lang.get_untracked(), "source_saved", &[("source", title)])));
                        editing.set(None);
                        list.refetch();
                    })
                    on_close=Callback::new(move |_| editing.set(None)) />
            })}
            <p class="pre-line" role="status" id="source-status">{move || note.get()}</p>
            <CsvExchange id="sources" export=Some("/sources.csv") import=Import::Sources done=Callback::new(move |_| list.refetch()) />
        </section>
    }
}

/// One catalog entry's form; `entry` is `None` for a new one.
#[component]
fn SourceEditor(entry: Option<SourceView>, on_saved: Callback<String>, on_close: Callback<()>) -> impl IntoView {
    let lang = i18n::lang();
    let is_new = entry.is_none();
    // The entry as read, whose version a save goes with (If-Match), so that a colleague's
    // change in between is refused rather than overwritten.
    let read = StoredValue::new(entry.clone());
    // As a colleague saved it meanwhile, when a save here was refused for it (412): the
    // form keeps what was typed until one chooses.
    let meanwhile = RwSignal::new(None::<SourceView>);
    let saving = RwSignal::new(false);
    let e = entry.map(|v| v.entry).unwrap_or(CatalogEntry {
        id: String::new(),
        source: ExistingSource::DgpaPublishedStatistics,
        title: Text { zh_tw: String::new(), en: String::new() },
        owner: String::new(),
        location: String::new(),
        fields: vec![],
        breakdowns: vec![],
        filters: vec![],
        granularity: String::new(),
        refresh: String::new(),
    });
    let s = |v: &str| RwSignal::new(v.to_string());
    let id = s(&e.id);
    // The texts of the form, each with its label and its value in an entry.
    let texts: [(&'static str, RwSignal<String>); 9] = {
        let shown = shown(&e);
        [
            ("title_zh", s(&shown[0])),
            ("title_en", s(&shown[1])),
            ("owner", s(&shown[2])),
            ("location_link_or_menu", s(&shown[3])),
            ("field_codes_shown", s(&shown[4])),
            ("field_codes_broken_down_by", s(&shown[5])),
            ("field_codes_restricted_by", s(&shown[6])),
            ("granularity", s(&shown[7])),
            ("refreshed", s(&shown[8])),
        ]
    };
    let [title_zh, title_en, owner, location, fields, breakdowns, filters, granularity, refresh] = texts.map(|(_, sig)| sig);
    let kind = RwSignal::new(e.source);
    let note = RwSignal::new(None::<String>);
    let entry = move || CatalogEntry {
        id: id.get_untracked().trim().to_string(),
        source: kind.get_untracked(),
        title: Text { zh_tw: title_zh.get_untracked().trim().to_string(), en: title_en.get_untracked().trim().to_string() },
        owner: owner.get_untracked().trim().to_string(),
        location: location.get_untracked().trim().to_string(),
        fields: codes(&fields.get_untracked()),
        breakdowns: codes(&breakdowns.get_untracked()),
        filters: codes(&filters.get_untracked()),
        granularity: granularity.get_untracked().trim().to_string(),
        refresh: refresh.get_untracked().trim().to_string(),
    };
    // Saves the form at `version` (`None` creates it).
    let submit = move |version: Option<i64>| {
        let entry = entry();
        saving.set(true);
        spawn_local(async move {
            let got = call(|c| {
                let entry = entry.clone();
                async move {
                    match version {
                        None => c.create_source(&entry).await,
                        Some(v) => c.put_source(&entry, Some(v)).await,
                    }
                }
            })
            .await;
            saving.set(false);
            match got {
                // The entry as it was: no new version, and the form stays open saying so.
                Ok(v) if version == Some(v.version) => {
                    meanwhile.set(None);
                    read.set_value(Some(v));
                    note.set(Some(tr(lang.get_untracked(), "nothing_changed")));
                }
                Ok(v) => on_saved.run(text(lang.get_untracked(), &v.entry.title)),
                // A colleague saved it since it was read: what this form left as read
                // takes theirs, what it changed stays.
                Err(err) if err.status() == Some(412) => {
                    let source = entry.id.clone();
                    match call(|c| {
                        let source = source.clone();
                        async move { c.get_source(&source).await }
                    })
                    .await
                    {
                        Ok(now) => {
                            if let Some(was) = read.get_value() {
                                let (was_shown, now_shown) = (shown(&was.entry), shown(&now.entry));
                                for (i, (_, sig)) in texts.iter().enumerate() {
                                    crate::components::meanwhile::take_untouched(*sig, &was_shown[i], &now_shown[i]);
                                }
                                if kind.get_untracked() == was.entry.source {
                                    kind.set(now.entry.source);
                                }
                            }
                            note.set(None);
                            meanwhile.set(Some(now));
                        }
                        Err(err) => note.set(Some(err_text(lang.get_untracked(), &err))),
                    }
                }
                Err(err) => note.set(Some(err_text(lang.get_untracked(), &err))),
            }
        });
    };
    // The form's own save goes at the version read: never over a save not seen.
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(read.get_value().map(|v| v.version));
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(now) = meanwhile.get_untracked() {
            submit(Some(now.version));
        }
    });
    let take_theirs = Callback::new(move |()| {
        let Some(now) = meanwhile.get_untracked() else { return };
        let now_shown = shown(&now.entry);
        for (i, (_, sig)) in texts.iter().enumerate() {
            sig.set(now_shown[i].clone());
        }
        kind.set(now.entry.source);
        read.set_value(Some(now));
        meanwhile.set(None);
        note.set(None);
    });
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let (Some(now), Some(was)) = (meanwhile.get(), read.get_value()) else { return Vec::new() };
        let l = lang.get();
        let (was_shown, now_shown) = (shown(&was.entry), shown(&now.entry));
        let kind_words = |k: ExistingSource| t(l, k.name_zh(), k.name_en()).to_string();
        let mut rows: Vec<Difference> =
            Difference::of(tr(l, "kind_of_source"), kind_words(was.entry.source), kind_words(now.entry.source), kind_words(kind.get()))
                .into_iter()
                .collect();
        rows.extend(
            texts
                .iter()
                .enumerate()
                .filter_map(|(i, (label, sig))| Difference::of(tr(l, label), was_shown[i].clone(), now_shown[i].clone(), sig.get())),
        );
        rows
    });
    let input = move |input_id: &'static str, label: &'static str, sig: RwSignal<String>| {
        view! {
            <label for=input_id>{move || tr(lang.get(), label)}</label>
            <input id=input_id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="card" on:submit=save>
            <fieldset>
                <legend>{move || if is_new { tr(lang.get(), "new_source") } else { tr(lang.get(), "edit_source") }}</legend>
                <label for="se-id">{move || tr(lang.get(), "source_id")}</label>
                <input id="se-id" prop:value=move || id.get() readonly=!is_new on:input=move |ev| id.set(event_target_value(&ev)) />
                <label for="se-kind">{move || tr(lang.get(), "kind_of_source")}</label>
                <select id="se-kind" on:change=move |ev| if let Some(k) = ExistingSource::ALL.into_iter().find(|k| k.as_str() == event_target_value(&ev)) { kind.set(k) }>
                    {ExistingSource::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{move || t(lang.get(), k.name_zh(), k.name_en())}</option>
                    }).collect_view()}
                </select>
                {input("se-title-zh", "title_zh", title_zh)}
                {input("se-title-en", "title_en", title_en)}
                {input("se-owner", "owner", owner)}
                {input("se-location", "location_link_or_menu", location)}
                {input("se-fields", "field_codes_shown", fields)}
                {input("se-breakdowns", "field_codes_broken_down_by", breakdowns)}
                {input("se-filters", "field_codes_restricted_by", filters)}
                {input("se-granularity", "granularity", granularity)}
                {input("se-refresh", "refreshed", refresh)}
                <div class="actions">
                    <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), "save")}</button>
                    <button type="button" class="link" on:click=move |_| on_close.run(())>{move || tr(lang.get(), "cancel")}</button>
                </div>
                <p class="pre-line" role="status">{move || note.get()}</p>
                <Show when=move || meanwhile.with(Option::is_some)>
                    <crate::components::meanwhile::SavedMeanwhile rows=meanwhile_rows
                        keep_mine=keep_mine take_theirs=take_theirs saving=saving />
                </Show>
            </fieldset>
        </form>
    }
}

/// An entry's texts as the form shows them, in the order of its inputs: the titles, the
/// owner, the location, the field codes (comma-separated), granularity, refresh.
fn shown(e: &CatalogEntry) -> [String; 9] {
    [
        e.title.zh_tw.clone(),
        e.title.en.clone(),
        e.owner.clone(),
        e.location.clone(),
        e.fields.join(", "),
        e.breakdowns.join(", "),
        e.filters.join(", "),
        e.granularity.clone(),
        e.refresh.clone(),
    ]
}

/// The data dictionary as CSV: the whole of it to download, and a file to import.
#[component]
pub fn DictionaryCsv() -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <section class="card" aria-labelledby="dict-h">
            <h2 id="dict-h">{move || tr(lang.get(), "data_dictionary_csv")}</h2>
            <p class="hint">{move || tr(lang.get(), "dictionary_csv_hint")}</p>
            <CsvExchange id="fields" export=Some("/dictionary/fields.csv") import=Import::Fields done=Callback::new(|_| ()) />
        </section>
    }
}
