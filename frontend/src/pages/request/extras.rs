//! A request's companions: revisions, messages, queue position, result files, attachments, sources.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;

use crate::browser::{read_file, save_file};
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, t, text};
use crate::session::{self, call};

/// Queue position, messages and deliveries of one request.
#[component]
pub fn RequestExtras(id: i64, state: State, can_edit: bool) -> impl IntoView {
    let lang = i18n::lang();
    let session = session::session();
    let is_officer = move || session.me.get().is_some_and(|m| m.roles.contains(&Role::DgpaOfficer));
    let my_id = move || session.me.get().map(|m| m.id).unwrap_or_default();
    let uploading = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    let position = LocalResource::new(move || async move {
        if state == State::Queued {
            call(|c| async move { c.queue_position(id).await }).await.ok()
        } else {
            None
        }
    });
    let messages = LocalResource::new(move || async move { call(|c| async move { c.messages(id).await }).await.map_err(ui) });
    let files = LocalResource::new(move || async move { call(|c| async move { c.deliveries(id).await }).await.ok() });
    let revisions = LocalResource::new(move || async move { call(|c| async move { c.revisions(id).await }).await.ok() });
    let attachments = LocalResource::new(move || async move { call(|c| async move { c.attachments(id).await }).await.unwrap_or_default() });
    let attach = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match read_file("sample-file").await {
                None => note.set(Some(t(lang.get_untracked(), "請先選擇檔案。", "Choose a file first."))),
                Some((name, bytes)) => match call(|c| {
                    let (name, bytes) = (name.clone(), bytes.clone());
                    async move { c.upload_attachment(id, &name, bytes).await }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        attachments.refetch();
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
            }
        });
    };
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        uploading.set(true);
        spawn_local(async move {
            match read_file("result-file").await {
                None => note.set(Some(t(lang.get_untracked(), "請先選擇檔案。", "Choose a file first."))),
                Some((name, bytes)) => match call(|c| {
                    let (name, bytes) = (name.clone(), bytes.clone());
                    async move { c.upload_delivery(id, &name, bytes).await }
                })
                .await
                {
                    Ok(_) => {
                        note.set(None);
                        files.refetch();
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
            }
            uploading.set(false);
        });
    };
    let draft = RwSignal::new(String::new());
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
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        {move || position.get().flatten().map(|p| view! {
            <section class="card" aria-labelledby="q-h">
                <h2 id="q-h">{t(lang.get(), "排程", "Queue")}</h2>
                <p>{t(lang.get(), "目前順位", "Position")}" "<strong>{p.position}</strong>" / "{p.total_queued}
                   {p.overdue.then(|| view! { " · "{t(lang.get(), "已逾最長等候，依收件先後優先處理", "waited the longest allowed: taken in order of waiting")} })}</p>
                <p>{t(lang.get(), "等候", "Waited")}" "{format!("{:.1}", p.waited_days)}{t(lang.get(), " 日", " days")}
                   " · "{t(lang.get(), "收件先後", "age")}" "{format!("{:.2}", p.factors.age)}
                   " · "{t(lang.get(), "難易度", "difficulty")}" "{format!("{:.2}", p.factors.difficulty)}
                   " · "{t(lang.get(), "主管機關用量", "fair share")}" "{format!("{:.2}", p.factors.fair_share)}</p>
                {p.estimate.map(|e| view! { <p>{t(lang.get(), "預估開始作業：", "Work likely starts: ")}{i18n::date(lang.get(), e.starts_around)}" — "{text(lang.get(), &e.label)}</p> })}
            </section>
        })}
        <section class="card" aria-labelledby="att-h">
            <h2 id="att-h">{move || t(lang.get(), "附件（輸出格式範例）", "Attachments (sample of the output format)")}</h2>
            <ul class="attachments">
                {move || attachments.get().unwrap_or_default().into_iter().map(|a| {
                    let aid = a.id;
                    let name = a.filename.clone();
                    view! {
                        <li>
                            <button type="button" class="link" on:click=move |_| {
                                let n = name.clone();
                                spawn_local(async move {
                                    if let Ok(bytes) = call(|c| async move { c.download_attachment(id, aid).await }).await {
                                        save_file(&n, &bytes);
                                    }
                                });
                            }>{a.filename.clone()}</button>
                            " · "{i18n::date(lang.get(), a.uploaded_at)}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || can_edit>
                <form on:submit=attach>
                    <label for="sample-file">{move || t(lang.get(), "附加檔案（CSV、XLSX、ODS、PDF、DOCX、ODT，10 MiB 以內）", "Attach a file (CSV, XLSX, ODS, PDF, DOCX, ODT, up to 10 MiB)")}</label>
                    <input id="sample-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.docx,.odt" />
                    <button type="submit">{move || t(lang.get(), "附加", "Attach")}</button>
                </form>
            </Show>
        </section>
        <Show when=move || state == State::InProduction && is_officer()>
            <section class="card" aria-labelledby="u-h">
                <h2 id="u-h">{move || t(lang.get(), "上傳結果檔案", "Upload a result file")}</h2>
                <form on:submit=upload>
                    <label for="result-file">{move || t(lang.get(), "檔案（CSV、XLSX、ODS、PDF、ZIP）", "File (CSV, XLSX, ODS, PDF, ZIP)")}</label>
                    <input id="result-file" type="file" accept=".csv,.xlsx,.ods,.pdf,.zip" />
                    <button type="submit" disabled=move || uploading.get()>
                        {move || if uploading.get() { t(lang.get(), "上傳中…", "Uploading…") } else { t(lang.get(), "上傳", "Upload") }}
                    </button>
                </form>
            </section>
        </Show>
        {move || files.get().flatten().filter(|m| !m.files.is_empty()).map(|m| view! {
            <section class="card" aria-labelledby="d-h">
                <h2 id="d-h">{t(lang.get(), "交付檔案", "Result files")}</h2>
                <ul>
                    {m.files.into_iter().map(|f| {
                        let did = f.id;
                        let name = if f.personal { format!("{}.age", f.filename) } else { f.filename.clone() };
                        let download_name = name.clone();
                        view! {
                            <li>
                                <button type="button" class="link" on:click=move |_| {
                                    let n = download_name.clone();
                                    spawn_local(async move {
                                        match call(|c| async move { c.download_delivery(id, did).await }).await {
                                            Ok(bytes) => save_file(&n, &bytes),
                                            Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                        }
                                    });
                                }>{t(lang.get(), "下載 ", "Download ")}{name.clone()}</button>
                                " · SHA-256 "<code>{f.sha256.chars().take(16).collect::<String>()}"…"</code>
                                {f.shredded_at.map(|_| view! { " · "{t(lang.get(), "已銷毀", "destroyed")} })}
                                {f.approved_by.as_ref().map(|u| view! { " · "{t(lang.get(), "覆核：", "checked by ")}{u.display_name.clone()} })}
                                {(f.personal && f.approved_by.is_none() && f.published_at.is_none() && is_officer() && f.uploaded_by.id != my_id()).then(|| view! {
                                    " · "
                                    <button type="button" class="link" on:click=move |_| {
                                        spawn_local(async move {
                                            match call(|c| async move { c.approve_delivery(id, did).await }).await {
                                                Ok(_) => files.refetch(),
                                                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                            }
                                        });
                                    }>{t(lang.get(), "覆核通過", "Approve")}</button>
                                })}
                                {f.personal.then(|| view! {
                                    " · "
                                    <button type="button" class="link" on:click=move |_| {
                                        spawn_local(async move {
                                            match call(|c| async move { c.reveal_passphrase(id, did).await }).await {
                                                Ok(p) => passphrases.update(|m| { m.insert(did, p.passphrase); }),
                                                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                                            }
                                        });
                                    }>{t(lang.get(), "顯示解密密碼", "Reveal passphrase")}</button>
                                    {move || passphrases.get().get(&did).cloned().map(|p| view! { " "<code class="secret">{p}</code> })}
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="hint">{t(lang.get(), "含個人資料之檔案為 age 加密檔：以 age -d -o 檔名 檔名.age 開啟並輸入密碼，或使用 statreq decrypt。密碼請與檔案分開保管，使用完畢後依第6點銷毀並登錄。", "Files with personal data are age files: open them with age -d -o file file.age and type the passphrase, or use statreq decrypt. Keep the passphrase apart from the file; destroy both after use and record it (rule 6).")}</p>
            </section>
        })}
        {move || revisions.get().flatten().filter(|r| r.len() > 1).map(|revs| view! {
            <section class="card" aria-labelledby="r-h">
                <h2 id="r-h">{t(lang.get(), "修正歷程", "Revisions")}</h2>
                {revs.into_iter().skip(1).map(|r| view! {
                    <h3>{t(lang.get(), "第", "Revision ")}{r.number}{t(lang.get(), "版", "")}" · "{i18n::date(lang.get(), r.submitted_at)}</h3>
                    <table class="list diff">
                        <thead><tr><th scope="col">{t(lang.get(), "項目", "Field")}</th><th scope="col">{t(lang.get(), "修正前", "Before")}</th><th scope="col">{t(lang.get(), "修正後", "After")}</th></tr></thead>
                        <tbody>
                            {r.changes.into_iter().map(|ch| view! {
                                <tr>
                                    <td><code>{ch.pointer.clone()}</code></td>
                                    <td><del>{ch.before.map(|v| v.to_string()).unwrap_or_default()}</del></td>
                                    <td><ins>{ch.after.map(|v| v.to_string()).unwrap_or_default()}</ins></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }).collect_view()}
            </section>
        })}
        <section class="card" aria-labelledby="m-h">
            <h2 id="m-h">{move || t(lang.get(), "意見交流", "Messages")}</h2>
            <ul class="messages">
                {move || messages.get().and_then(|m| m.ok()).unwrap_or_default().into_iter().map(|m| view! {
                    <li><strong>{m.author.display_name.clone()}</strong>" · "{i18n::datetime(lang.get(), m.at)}<br />{m.body.clone()}</li>
                }).collect_view()}
            </ul>
            <form on:submit=post>
                <label for="message">{move || t(lang.get(), "留言（欄位定義疑義請先洽人事總處，第7點）", "Message (settle field definitions with DGPA first, rule 7)")}</label>
                <textarea id="message" rows="2" prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button type="submit">{move || t(lang.get(), "送出留言", "Post")}</button>
            </form>
            <p class="error" role="alert" style="white-space: pre-line">{move || note.get()}</p>
        </section>
    }
}
