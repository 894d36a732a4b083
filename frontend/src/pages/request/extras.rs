//! A request's companions: revisions, messages, queue position, result files, attachments, sources.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;

use crate::browser::{chosen_file, follow_link};
use crate::components::application::{ChangesTable, FieldNames};
use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, text, tr, tr_with};
use crate::session::{self, call};

/// The card a note belongs to: it is shown there, beside what was done, not at the
/// foot of a long page.
#[derive(Clone, Copy, PartialEq)]
enum Spot {
    Attachments,
    Upload,
    Files,
    Passphrases,
    Messages,
}

/// What an action on this page came to: a refusal, or word that it worked.
#[derive(Clone)]
struct Note {
    at: Spot,
    text: String,
    refused: bool,
}

/// The note for `at`, if the last one is there (a refusal announced as an alert).
fn note_at(note: RwSignal<Option<Note>>, at: Spot) -> impl Fn() -> Option<AnyView> + Copy {
    move || {
        note.get().filter(|n| n.at == at).map(|n| match n.refused {
            true => view! { <p class="error pre-line" role="alert">{n.text}</p> }.into_any(),
            false => view! { <p class="receipt" role="status">{n.text}</p> }.into_any(),
        })
    }
}

/// A button that downloads one stored file as `name`. It asks for a short-lived link
/// and lets the browser follow it: the file streams to disk with the browser's own
/// progress, however large, instead of passing through the page's memory. Meanwhile,
/// and for a moment after, the button says so and takes no second click (which would
/// download, and audit, it again). A refusal is said, not swallowed.
fn download_button<Fut>(
    name: String,
    label: impl Fn(bool) -> String + Send + Sync + 'static,
    link: impl Fn() -> Fut + Copy + 'static,
    refused: impl Fn(&statreq_client::ClientError) + Copy + 'static,
) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<DownloadLink, statreq_client::ClientError>> + 'static,
{
    let fetching = RwSignal::new(false);
    view! {
        <button type="button" class="link" disabled=move || fetching.get() aria-busy=move || fetching.get().to_string() on:click=move |_| {
            if fetching.get_untracked() {
                return;
            }
            fetching.set(true);
            let name = name.clone();
            spawn_local(async move {
                match link().await {
                    Ok(link) => {
                        follow_link(&link.url, &name);
                        // The browser takes it from here; a second click so soon is a slip.
                        set_timeout(move || fetching.set(false), std::time::Duration::from_secs(2));
                    }
                    Err(e) => {
                        refused(&e);
                        fetching.set(false);
                    }
                }
            });
        }>{move || label(fetching.get())}</button>
    }
}

/// A share (0 to 1) as a whole percentage, never past 100.
fn percent(share: f64) -> u32 {
    (share.clamp(0.0, 1.0) * 100.0).floor() as u32
}

/// The submit button of a form that sends a file, with the share of it sent while it
/// goes up (`sent`, 0 to 1; `None` when idle) and a progress bar named by `labelled_by`.
fn upload_button(idle: &'static str, sent: RwSignal<Option<f64>>, labelled_by: &'static str) -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <button type="submit" disabled=move || sent.get().is_some()>
            {move || match sent.get() {
                // All sent, the server checks and stores it before it answers.
                Some(share) if share >= 1.0 => tr(lang.get(), "uploaded_checking"),
                Some(share) => format!("{} {}%", tr(lang.get(), "uploading"), percent(share)),
                None => tr(lang.get(), idle),
            }}
        </button>
        {move || sent.get().map(|share| view! {
            <progress max="100" value=percent(share).to_string() aria-labelledby=labelled_by></progress>
        })}
    }
}

/// Queue position, messages and deliveries of one request.
#[component]
pub fn RequestExtras(
    id: i64,
    state: State,
    /// The applying agency: only its applicants and DGPA handle result files.
    agency: String,
    can_edit: bool,
    names: Memo<FieldNames>,
    has_files: RwSignal<bool>,
    /// Set once the application's attachments are read (the application names its sample by them).
    attached: RwSignal<bool>,
    /// The message being written: the page's, so that it outlives this part, which is
    /// drawn again whenever the request is read again (after a step taken meanwhile).
    draft: RwSignal<String>,
    /// Each result file's reason to release its marked cells as they are, being written:
    /// the page's too, and one per file (a single box's text for every file sent the
    /// reason a file was accepted with along with the next one's).
    release_reasons: RwSignal<std::collections::BTreeMap<i64, String>>,
    /// A message was posted: it is on the timeline too.
    on_posted: Callback<()>,
) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let is_officer = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
    let my_id = move || session.me.get().map(|m| m.id).unwrap_or_default();
    // While a result file goes up: the share of it sent.
    let uploading = RwSignal::new(None::<f64>);
    let note = RwSignal::new(None::<Note>);
    let refused = move |at: Spot, e: &statreq_client::ClientError| {
        note.set(Some(Note { at, text: err_text(lang.get_untracked(), e), refused: true }));
    };
    let say = move |at: Spot, key: &str, refused: bool| note.set(Some(Note { at, text: tr(lang.get_untracked(), key), refused }));
    let position = LocalResource::new(move || async move {
        if state == State::Queued {
            Some(call(|c| async move { c.queue_position(id).await }).await.map_err(ui))
        } else {
            None
        }
    });
    let messages = LocalResource::new(move || async move { call(|c| async move { c.messages(id).await }).await.map_err(ui) });
    // A notice of a message opens the page at it (`#msg-{id}`): marked as it renders
    // (the router's navigation does not set `:target`), and scrolled to once the thread
    // is there — once per address, not again after a post.
    let hash = leptos_router::hooks::use_location().hash;
    let scrolled_to = StoredValue::new(String::new());
    Effect::new(move |_| {
        let at = hash.get();
        let shown = messages.get().is_some_and(|m| m.as_ref().is_ok_and(|list| !list.is_empty()));
        if !at.starts_with("#msg-") || !shown || scrolled_to.with_value(|s| *s == at) {
            return;
        }
        scrolled_to.set_value(at.clone());
        crate::browser::when_there(at[1..].to_string(), 100, |el| el.scroll_into_view());
    });
    // Asked only by those who may handle them: a supervisor's every view of a request
    // was a refused call.
    let sees_files = move || {
        session.me.get().is_some_and(|m| {
            let code = |c: &str| statreq_domain::AgencyCode::parse(c).ok();
            let roles = statreq_domain::RoleSet::new(m.roles);
            code(&m.agency_code)
                .zip(code(&agency))
                .is_some_and(|(own, theirs)| statreq_domain::lifecycle::may_handle_files(&roles, &own, &theirs))
        })
    };
    let files = LocalResource::new(move || {
        let sees = sees_files();
        async move {
            if !sees {
                return Ok(DeliveryManifest { request_id: id, revision: 0, files: Vec::new() });
            }
            call(|c| async move { c.deliveries(id).await }).await.map_err(ui)
        }
    });
    Effect::new(move |_| has_files.set(files.get().and_then(Result::ok).is_some_and(|m| !m.files.is_empty())));
    let revisions = LocalResource::new(move || async move { call(|c| async move { c.revisions(id).await }).await.map_err(ui) });
    let attachments = LocalResource::new(move || async move { call(|c| async move { c.attachments(id).await }).await.map_err(ui) });
    Effect::new(move |_| attached.set(attachments.get().and_then(Result::ok).is_some_and(|list| !list.is_empty())));
    // While an attachment goes up, the share of it sent: a second click would attach it twice.
    let attaching = RwSignal::new(None::<f64>);
    let attach = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Checked as it is clicked: the button's `disabled` comes a moment later.
        if attaching.get_untracked().is_some() {
            return;
        }
        attaching.set(Some(0.0));
        spawn_local(async move {
            match chosen_file("sample-file") {
                None => say(Spot::Attachments, "choose_a_file_first", true),
                Some(file) => match call(|c| {
                    let file = file.clone();
                    async move {
                        let body =
                            statreq_client::Upload::watched(web_sys::Blob::from(file.clone()), move |sent| attaching.set(Some(sent)));
                        c.upload_attachment(id, &file.name(), body).await
                    }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        attachments.refetch();
                    }
                    Err(e) => refused(Spot::Attachments, &e),
                },
            }
            attaching.set(None);
        });
    };
    let magnitude = RwSignal::new(String::new());
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Checked as it is clicked: the button's `disabled` comes a moment later.
        if uploading.get_untracked().is_some() {
            return;
        }
        uploading.set(Some(0.0));
        spawn_local(async move {
            match chosen_file("result-file") {
                None => say(Spot::Upload, "choose_a_file_first", true),
                Some(file) => match call(|c| {
                    let file = file.clone();
                    let columns = magnitude.get_untracked();
                    async move {
                        // Magnitude columns go with their contributions table, for the dominance check.
                        let contributions = chosen_file("contributions-file").map(|f| web_sys::Blob::from(f).into());
                        let marked: Vec<&str> = columns.split([',', '，']).map(str::trim).filter(|c| !c.is_empty()).collect();
                        let body =
                            statreq_client::Upload::watched(web_sys::Blob::from(file.clone()), move |sent| uploading.set(Some(sent)));
                        c.upload_magnitude_table(id, &file.name(), body, &marked, contributions).await
                    }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        files.refetch();
                    }
                    Err(e) => refused(Spot::Upload, &e),
                },
            }
            uploading.set(None);
        });
    };
    // A message or a reason being written is not lost to a stray click or a closed tab.
    crate::browser::ask_before_leaving(
        move || !draft.get_untracked().trim().is_empty() || release_reasons.with_untracked(|m| m.values().any(|r| !r.trim().is_empty())),
        move || tr(lang.get_untracked(), "leave_with_unsent_text"),
    );
    let passphrases = RwSignal::new(std::collections::BTreeMap::<i64, String>::new());
    let post = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = draft.get_untracked();
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.post_message(id, &body).await }
            })
            .await
            {
                Ok(_) => {
                    draft.set(String::new());
                    note.set(None);
                    messages.refetch();
                    on_posted.run(());
                }
                Err(e) => refused(Spot::Messages, &e),
            }
        });
    };
    view! {
        {move || problem_note(lang.get(), position.get().flatten())}
        {move || problem_note(lang.get(), files.get())}
        {move || problem_note(lang.get(), revisions.get())}
        {move || problem_note(lang.get(), attachments.get())}
        {move || position.get().flatten().and_then(Result::ok).map(|p| view! {
            <section class="card" aria-labelledby="q-h">
                <h2 id="q-h">{tr(lang.get(), "queue_2")}</h2>
                <p>{tr(lang.get(), "position")}" "<strong>{p.position}</strong>" / "{p.total_queued}
                   {p.overdue.then(|| view! { " · "{tr(lang.get(), "waited_the_longest_allowed_taken_in")} })}</p>
                <p>{tr(lang.get(), "waited")}" "{format!("{:.1}", p.waited_days)}{tr(lang.get(), "days")}
                   " · "{tr(lang.get(), "age")}" "{format!("{:.2}", p.factors.age)}
                   " · "{tr(lang.get(), "difficulty")}" "{format!("{:.2}", p.factors.difficulty)}
                   " · "{tr(lang.get(), "fair_share")}" "{format!("{:.2}", p.factors.fair_share)}</p>
                {p.estimate.map(|e| view! { <p>{tr(lang.get(), "work_likely_starts")}{i18n::day(lang.get(), e.starts_on)}" — "{text(lang.get(), &e.label)}</p> })}
            </section>
        })}
        <section class="card" aria-labelledby="att-h">
            <h2 id="att-h">{move || tr(lang.get(), "attachments_sample_of_the_output_format")}</h2>
            <ul class="attachments">
                {move || attachments.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a| {
                    let aid = a.id;
                    let name = a.filename.clone();
                    // A destroyed one (rule 6) is listed, marked, and offers nothing to click.
                    let file = if a.shredded {
                        view! { <span>{a.filename.clone()}</span>" "<span class="badge done">{tr(lang.get(), "destroyed")}</span> }.into_any()
                    } else {
                        let label = name.clone();
                        download_button(
                            name.clone(),
                            move |busy| if busy { format!("{}{label}", tr(lang.get(), "downloading")) } else { label.clone() },
                            move || call(move |c| async move { c.attachment_link(id, aid).await }),
                            move |e| refused(Spot::Attachments, e),
                        )
                        .into_any()
                    };
                    // A wrong sample (or one holding what it should not) goes while the
                    // application may change; asked first, its content is destroyed.
                    let remove = (can_edit && !a.shredded).then(|| {
                        let name = name.clone();
                        view! {
                            " "<button type="button" class="link" id=format!("remove-att-{aid}") on:click=move |_| {
                                let question = tr_with(lang.get_untracked(), "confirm_remove_attachment", &[("file", name.clone())]);
                                if !crate::browser::confirm(&question) {
                                    return;
                                }
                                spawn_local(async move {
                                    match call(|c| async move { c.remove_attachment(id, aid).await }).await {
                                        Ok(()) => {
                                            say(Spot::Attachments, "attachment_removed", false);
                                            attachments.refetch();
                                        }
                                        Err(e) => refused(Spot::Attachments, &e),
                                    }
                                });
                            }>{tr(lang.get(), "remove")}</button>
                        }
                    });
                    view! {
                        <li>
                            {file}
                            " · "{i18n::date(lang.get(), a.uploaded_at)}
                            {remove}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || {
                let none = attachments.get().and_then(Result::ok).is_some_and(|a| a.is_empty());
                none.then(|| view! { <p class="hint">{tr(lang.get(), "no_attachments")}</p> })
            }}
            {note_at(note, Spot::Attachments)}
            <Show when=move || can_edit>
                <form on:submit=attach>
                    <label for="sample-file">{move || tr(lang.get(), "attach_a_file_csv_xlsx_ods")}</label>
                    <input id="sample-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.docx,.odt" />
                    {upload_button("attach", attaching, "att-h")}
                </form>
            </Show>
        </section>
        <Show when=move || state == State::InProduction && is_officer()>
            <section class="card" aria-labelledby="u-h">
                <h2 id="u-h">{move || tr(lang.get(), "upload_a_result_file")}</h2>
                <form on:submit=upload>
                    <label for="result-file">{move || tr(lang.get(), "file_csv_xlsx_ods_pdf_zip")}</label>
                    <input id="result-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.zip" />
                    <details class="magnitude">
                        <summary>{move || tr(lang.get(), "dominance_check_optional")}</summary>
                        <p class="hint">{move || tr(lang.get(), "dominance_check_hint")}</p>
                        <label for="magnitude">{move || tr(lang.get(), "magnitude_columns")}</label>
                        <input id="magnitude" on:input=move |ev| magnitude.set(event_target_value(&ev)) />
                        <label for="contributions-file">{move || tr(lang.get(), "contributions_table")}</label>
                        <input id="contributions-file" type="file" accept=".csv" />
                    </details>
                    {upload_button("upload", uploading, "u-h")}
                </form>
                {note_at(note, Spot::Upload)}
            </section>
        </Show>
        {move || files.get().and_then(Result::ok).filter(|m| !m.files.is_empty()).map(|m| {
            let any_personal = m.files.iter().any(|f| f.personal && f.shredded_at.is_none());
            let secrets: Vec<(i64, String)> =
                m.files.iter().filter(|f| f.personal && f.shredded_at.is_none() && f.published_at.is_some()).map(|f| (f.id, f.filename.clone())).collect();
            view! {
            <section class="card" aria-labelledby="d-h">
                <h2 id="d-h">{tr(lang.get(), "result_files")}</h2>
                <ul class="files">
                    {m.files.into_iter().map(|f| {
                        let did = f.id;
                        let name = if f.personal { format!("{}.age", f.filename) } else { f.filename.clone() };
                        let download_name = name.clone();
                        let mine = f.uploaded_by.id == my_id();
                        let unpublished = f.published_at.is_none();
                        let needs_second = f.personal && f.approved_by.is_none() && unpublished;
                        let awaiting = statreq_domain::disclosure::awaits_second_check(
                            f.personal,
                            f.approved_by.is_some(),
                            !unpublished,
                            f.disclosure.as_ref(),
                        );
                        view! {
                            <li>
                                <strong>{f.filename.clone()}</strong>
                                {awaiting.then(|| view! { " "<span class="badge">{tr(lang.get(), "awaiting_review")}</span> })}
                                {f.shredded_at.map(|_| view! { " "<span class="badge done">{tr(lang.get(), "destroyed")}</span> })}
                                <dl class="manifest">
                                    <dt>{tr(lang.get(), "size")}</dt><dd>{i18n::size_exact(lang.get(), f.size_bytes)}</dd>
                                    <dt>"SHA-256"</dt><dd><code class="hash">{f.sha256.clone()}</code></dd>
                                    <dt>{tr(lang.get(), "produced_by")}</dt><dd>{f.uploaded_by.display_name.clone()}" · "{i18n::datetime(lang.get(), f.uploaded_at)}</dd>
                                    {f.approved_by.as_ref().map(|u| view! {
                                        <dt>{tr(lang.get(), "checked_by_2")}</dt>
                                        <dd>{u.display_name.clone()}{f.approved_at.map(|at| format!(" · {}", i18n::datetime(lang.get(), at)))}</dd>
                                    })}
                                </dl>
                                {f.shredded_at.is_none().then(|| {
                                    let label = name.clone();
                                    download_button(
                                        download_name.clone(),
                                        move |busy| format!("{}{label}", tr(lang.get(), if busy { "downloading" } else { "download" })),
                                        move || call(move |c| async move { c.delivery_link(id, did).await }),
                                        move |e| refused(Spot::Files, e),
                                    )
                                })}
                                {f.disclosure.clone().filter(|d| d.has_findings()).map(|d| {
                                    let blocks = d.blocks();
                                    let may_accept = blocks && unpublished && is_officer() && !mine;
                                    // Row:column, header and count; a dominated total is marked "≫".
                                    let cells: Vec<String> = d.small_cells.iter().take(10).map(|c| format!("{}:{} {}={}", c.row, c.column, c.header, c.count))
                                        .chain(d.dominant_cells.iter().take(10).map(|c| format!("{}:{} {} ≫", c.row, c.column, c.header)))
                                        .collect();
                                    view! {
                                        <div class=if blocks { "disclosure error" } else { "disclosure" }>
                                            {crate::i18n::bracketed(lang.get(), &crate::i18n::text(lang.get(), &d.message()), cells.join(if lang.get() == crate::i18n::Lang::Zh { "；" } else { "; " }))}
                                            {d.accepted.as_ref().map(|a| view! { " · "{tr(lang.get(), "accepted_with_reason")}<q>{a.reason.clone()}</q> })}
                                            {may_accept.then(|| view! {
                                                <label for=format!("dr-{did}")>{tr(lang.get(), "reason_to_release_as_it_is")}</label>
                                                <input id=format!("dr-{did}") required
                                                    prop:value=move || release_reasons.with(|m| m.get(&did).cloned().unwrap_or_default())
                                                    on:input=move |ev| release_reasons.update(|m| { m.insert(did, event_target_value(&ev)); }) />
                                                <button type="button" on:click=move |_| {
                                                    let reason = release_reasons.with_untracked(|m| m.get(&did).map(|r| r.trim().to_string()).unwrap_or_default());
                                                    if reason.is_empty() {
                                                        say(Spot::Files, "fill_in_the_required_field", true);
                                                        return;
                                                    }
                                                    spawn_local(async move {
                                                        match call(|c| { let reason = reason.clone(); async move { c.accept_disclosure(id, did, &reason).await } }).await {
                                                            Ok(_) => {
                                                                release_reasons.update(|m| { m.remove(&did); });
                                                                files.refetch();
                                                            }
                                                            Err(e) => refused(Spot::Files, &e),
                                                        }
                                                    });
                                                }>{tr(lang.get(), "accept_the_small_cells")}</button>
                                            })}
                                        </div>
                                    }
                                })}
                                // Four eyes: the uploader sends the file for review; another officer checks
                                // the application above and this manifest, then approves.
                                {(awaiting && is_officer() && mine).then(|| view! {
                                    <p class="hint">{tr(lang.get(), "another_officer_must_check")}</p>
                                    <button type="button" id=format!("review-{did}") on:click=move |_| {
                                        spawn_local(async move {
                                            match call(|c| async move { c.request_review(id, did).await }).await {
                                                Ok(_) => say(Spot::Files, "sent_for_review", false),
                                                Err(e) => refused(Spot::Files, &e),
                                            }
                                        });
                                    }>{tr(lang.get(), "send_for_review")}</button>
                                })}
                                {(needs_second && is_officer() && !mine).then(|| view! {
                                    <button type="button" class="danger" id=format!("approve-{did}") on:click=move |_| {
                                        let question = tr(lang.get_untracked(), "confirm_approve_file");
                                        if !crate::browser::confirm(&question) {
                                            return;
                                        }
                                        spawn_local(async move {
                                            match call(|c| async move { c.approve_delivery(id, did).await }).await {
                                                Ok(_) => files.refetch(),
                                                Err(e) => refused(Spot::Files, &e),
                                            }
                                        });
                                    }>{tr(lang.get(), "approve")}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {note_at(note, Spot::Files)}
                {any_personal.then(|| view! { <p class="hint">{tr(lang.get(), "files_with_personal_data_are_age")}</p> })}
            </section>
            // The passphrase on its own step, away from the download: whoever gets hold of
            // one should not have the other.
            {(!secrets.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="pp-h">
                    <h2 id="pp-h">{tr(lang.get(), "passphrases")}</h2>
                    <p class="hint">{tr(lang.get(), "keep_the_passphrase_apart")}</p>
                    <ul class="passphrases">
                        {secrets.into_iter().map(|(did, filename)| view! {
                            <li>
                                {filename.clone()}" · "
                                <button type="button" class="link" id=format!("reveal-{did}") on:click=move |_| {
                                    spawn_local(async move {
                                        match call(|c| async move { c.reveal_passphrase(id, did).await }).await {
                                            Ok(p) => passphrases.update(|m| { m.insert(did, p.passphrase); }),
                                            Err(e) => refused(Spot::Passphrases, &e),
                                        }
                                    });
                                }>{tr(lang.get(), "reveal_passphrase")}</button>
                                {move || passphrases.get().get(&did).cloned().map(|p| view! { " "<code class="secret">{p}</code> })}
                            </li>
                        }).collect_view()}
                    </ul>
                    {note_at(note, Spot::Passphrases)}
                </section>
            })}
            }
        })}
        {move || revisions.get().and_then(Result::ok).filter(|r| r.len() > 1).map(|revs| view! {
            <section class="card" aria-labelledby="r-h">
                <h2 id="r-h">{tr(lang.get(), "revisions")}</h2>
                {revs.into_iter().skip(1).map(|r| view! {
                    <h3>{tr_with(lang.get(), "revision_n", &[("n", r.number.to_string())])}" · "{i18n::date(lang.get(), r.submitted_at)}</h3>
                    <ChangesTable changes=r.changes app=r.application names=names before="before" after="after" />
                }).collect_view()}
            </section>
        })}
        <section class="card" aria-labelledby="m-h">
            <h2 id="m-h">{move || tr(lang.get(), "messages")}</h2>
            {move || problem_note(lang.get(), messages.get())}
            <ul class="messages">
                {move || messages.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| view! {
                    <li id=format!("msg-{}", m.id) class:target={
                        let at = format!("#msg-{}", m.id);
                        move || hash.get() == at
                    }>
                        <strong>{m.author.display_name.clone()}</strong>" · "{i18n::datetime(lang.get(), m.at)}<br /><span class="pre-line">{m.body.clone()}</span>
                        {m.warnings.iter().map(|w| view! { <br /><span class="warning">{i18n::text(lang.get(), &w.message)}</span> }).collect_view()}
                    </li>
                }).collect_view()}
            </ul>
            <form on:submit=post>
                <label for="message">{move || tr(lang.get(), "message_settle_field_definitions_with_dgpa")}</label>
                <textarea id="message" rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button type="submit">{move || tr(lang.get(), "post")}</button>
            </form>
            {note_at(note, Spot::Messages)}
        </section>
    }
}
