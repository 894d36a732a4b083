//! Agencies for administrators: the tree with each office's personnel staff (rule 5.3's
//! fair share), a new agency, moving one under another supervisor, and a CSV import.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;

use crate::components::loading::Async;
use crate::components::problem::{err_text, ui};
use crate::i18n::{self, tr, tr_with};
use crate::pages::admin_reference::CsvExchange;
use crate::session::call;
use statreq_domain::values::search_holds;

/// Depth-first from the roots, so that a table reads as the tree; each agency's
/// children found once (a list of thousands of agencies is ordered at once).
fn as_tree(list: &[AgencyView]) -> Vec<(usize, AgencyView)> {
    let mut children: std::collections::HashMap<Option<&str>, Vec<&AgencyView>> = std::collections::HashMap::new();
    for a in list {
        children.entry(a.parent_code.as_deref()).or_default().push(a);
    }
    // Each agency's children by code, last first: the stack then takes them in order.
    for kids in children.values_mut() {
        kids.sort_by(|x, y| y.code.cmp(&x.code));
    }
    let mut ordered = Vec::with_capacity(list.len());
    let mut stack: Vec<(usize, &AgencyView)> = children.get(&None).map(|roots| roots.iter().map(|a| (0, *a)).collect()).unwrap_or_default();
    while let Some((depth, a)) = stack.pop() {
        ordered.push((depth, a.clone()));
        if ordered.len() > list.len() {
            break; // a loop in the links (the service refuses one): shown once, not forever
        }
        if let Some(kids) = children.get(&Some(a.code.as_str())) {
            stack.extend(kids.iter().map(|c| (depth + 1, *c)));
        }
    }
    ordered
}

/// The most rows the agency table shows at once.
const SHOWN_AT_MOST: usize = 300;

/// The agencies of the administration pages.
#[component]
pub fn Agencies() -> impl IntoView {
    let lang = i18n::lang();
    let agencies = LocalResource::new(|| async { call(|c| async move { c.list_agencies().await }).await.map_err(ui) });
    let note = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<AgencyView>);
    let filter = RwSignal::new(String::new());
    // The tree, ordered once per list read (the table and both agency choices show it).
    let tree = Memo::new(move |_| agencies.get().and_then(Result::ok).map(|list| as_tree(&list)).unwrap_or_default());
    let done = move |key: &'static str, name: String| {
        note.set(Some(tr_with(lang.get_untracked(), key, &[("agency", name)])));
        agencies.refetch();
        editing.set(None);
    };
    // A new agency.
    let (code, name, parent, staff) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateAgencyBody {
            code: code.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            parent_code: parent.get_untracked(),
            personnel_staff: staff.get_untracked().trim().parse().unwrap_or(0),
        };
        if body.parent_code.is_empty() {
            note.set(Some(tr(lang.get_untracked(), "choose_the_supervising_agency")));
            return;
        }
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.create_agency(&body).await }
            })
            .await
            {
                Ok(a) => {
                    code.set(String::new());
                    name.set(String::new());
                    staff.set(String::new());
                    done("agency_created", a.name);
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let options = move |except: Option<String>, chosen: Option<String>| {
        tree.get()
            .into_iter()
            .filter(|(_, a)| Some(&a.code) != except.as_ref())
            .map(|(depth, a)| {
                let label = format!("{}{} {}", "　".repeat(depth), a.code, a.name);
                let selected = chosen.as_deref() == Some(a.code.as_str());
                view! { <option value=a.code.clone() selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="ag-h">
            <h2 id="ag-h">{move || tr(lang.get(), "agencies_and_personnel_staff")}</h2>
            <p class="hint">{move || tr(lang.get(), "agencies_hint")}</p>
            <label for="ag-filter">{move || tr(lang.get(), "filter_agencies")}</label>
            <input id="ag-filter" type="search" maxlength="100" prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
            <Async resource=agencies let:list>
                {
                // The tree, or the agencies whose code or name holds the words typed.
                let words = filter.get().trim().to_string();
                let all = list.len();
                let shown: Vec<(usize, AgencyView)> = tree.get()
                    .into_iter()
                    .filter(|(_, a)| search_holds(&a.code, &words) || search_holds(&a.name, &words))
                    .map(|(depth, a)| (if words.is_empty() { depth } else { 0 }, a))
                    .collect();
                // Thousands of rows are not read, and they keep the browser busy at every
                // key typed: the first ones are shown, and how to find the others said.
                let matching = shown.len();
                let shown: Vec<(usize, AgencyView)> = shown.into_iter().take(SHOWN_AT_MOST).collect();
                let n = |k: usize| k.to_string();
                let count = match (words.is_empty(), matching > SHOWN_AT_MOST) {
                    (true, false) => None,
                    (true, true) => Some(tr_with(lang.get(), "agencies_shown_first", &[("shown", n(SHOWN_AT_MOST)), ("all", n(all))])),
                    (false, false) => Some(tr_with(lang.get(), "agencies_shown", &[("n", n(matching)), ("all", n(all))])),
                    (false, true) => Some(tr_with(lang.get(), "agencies_matching_first", &[("shown", n(SHOWN_AT_MOST)), ("n", n(matching)), ("all", n(all))])),
                };
                view! {
                    <p class="hint" id="ag-count" aria-live="polite">{count}</p>
                    <table class="list">
                        <thead><tr>
                            <th scope="col">{tr(lang.get(), "code")}</th>
                            <th scope="col">{tr(lang.get(), "name")}</th>
                            <th scope="col">{tr(lang.get(), "supervising")}</th>
                            <th scope="col">{tr(lang.get(), "personnel_staff")}</th>
                            <th scope="col">{tr(lang.get(), "actions")}</th>
                        </tr></thead>
                        <tbody>
                            {shown.into_iter().map(|(depth, a)| {
                                let indent = format!("{}rem", depth as f32 * 1.25);
                                let chosen = a.clone();
                                view! {
                                    <tr>
                                        <td data-label=tr(lang.get(), "code")>{a.code.clone()}</td><td data-label=tr(lang.get(), "name") style:padding-left=indent>{a.name.clone()}</td>
                                        <td data-label=tr(lang.get(), "supervising")>{a.parent_code.clone().unwrap_or_default()}</td><td data-label=tr(lang.get(), "personnel_staff")>{a.personnel_staff}</td>
                                        <td><button type="button" class="link" id=format!("edit-agency-{}", a.code) on:click=move |_| editing.set(Some(chosen.clone()))>
                                            {tr(lang.get(), "edit")}
                                        </button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()}
            </Async>
            {move || editing.get().map(|a| {
                // The agency as read: what a save compares with, and its version.
                let was = StoredValue::new(a.clone());
                // As another administrator saved it meanwhile, when a save here was
                // refused for it (412): the form keeps what was typed until one chooses.
                let meanwhile = RwSignal::new(None::<AgencyView>);
                let saving = RwSignal::new(false);
                let (e_name, e_parent, e_staff) = (RwSignal::new(a.name.clone()), RwSignal::new(a.parent_code.clone().unwrap_or_default()), RwSignal::new(a.personnel_staff.to_string()));
                // Saves what the form changed from `base` (as read, or as saved meanwhile
                // once the administrator chose theirs over it), at `base`'s version.
                let submit = move |base: AgencyView| {
                    let staff = match e_staff.get_untracked().trim().parse::<i32>() {
                        Ok(n) => n,
                        Err(_) => { note.set(Some(tr(lang.get_untracked(), "staff_is_a_whole_number"))); return; }
                    };
                    // Only what changed is sent, so that the audit trail says exactly that.
                    let body = UpdateAgencyBody {
                        name: Some(e_name.get_untracked().trim().to_string()).filter(|n| *n != base.name),
                        parent_code: Some(e_parent.get_untracked()).filter(|p| !p.is_empty() && Some(p) != base.parent_code.as_ref()),
                        personnel_staff: Some(staff).filter(|n| *n != base.personnel_staff),
                    };
                    if body == UpdateAgencyBody::default() {
                        // Mine is theirs: nothing to save over; the list shows it as saved.
                        if meanwhile.with_untracked(Option::is_some) {
                            done("agency_shown_as_saved", base.name.clone());
                        } else {
                            note.set(Some(tr(lang.get_untracked(), "nothing_changed")));
                        }
                        return;
                    }
                    let (code, version) = (base.code.clone(), base.version);
                    saving.set(true);
                    spawn_local(async move {
                        let saved = call(|c| { let (code, body) = (code.clone(), body.clone()); async move { c.update_agency(&code, &body, Some(version)).await } }).await;
                        saving.set(false);
                        match saved {
                            Ok(a) => done("agency_saved", a.name),
                            // Another administrator changed it since it was read: what this
                            // form left as read takes theirs, what it changed stays.
                            Err(e) if e.status() == Some(412) => match call(|c| { let code = code.clone(); async move { c.get_agency(&code).await } }).await {
                                Ok(now) => {
                                    let (read, take) = (was.get_value(), crate::components::meanwhile::take_untouched);
                                    take(e_name, &read.name, &now.name);
                                    take(e_parent, &read.parent_code.clone().unwrap_or_default(), &now.parent_code.clone().unwrap_or_default());
                                    take(e_staff, &read.personnel_staff.to_string(), &now.personnel_staff.to_string());
                                    note.set(None);
                                    meanwhile.set(Some(now));
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
                    submit(was.get_value());
                };
                let keep_mine = Callback::new(move |()| {
                    if let Some(now) = meanwhile.get_untracked() {
                        submit(now);
                    }
                });
                // Theirs taken: the list shows it as saved, to be opened again.
                let take_theirs = Callback::new(move |()| {
                    let name = meanwhile.get_untracked().map(|a| a.name).unwrap_or_default();
                    done("agency_shown_as_saved", name);
                });
                let meanwhile_rows = Signal::derive(move || {
                    use crate::components::meanwhile::Difference;
                    let Some(now) = meanwhile.get() else { return Vec::new() };
                    let (l, read) = (lang.get(), was.get_value());
                    let parent = |p: Option<String>| p.unwrap_or_default();
                    [
                        Difference::of(tr(l, "name"), read.name.clone(), now.name.clone(), e_name.get()),
                        Difference::of(tr(l, "supervising"), parent(read.parent_code.clone()), parent(now.parent_code.clone()), e_parent.get()),
                        Difference::of(tr(l, "personnel_staff"), read.personnel_staff.to_string(), now.personnel_staff.to_string(), e_staff.get()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect()
                });
                let is_root = a.parent_code.is_none();
                let except = Some(a.code.clone());
                let chosen = a.parent_code.clone();
                let moving = {
                    let was = chosen.clone().unwrap_or_default();
                    move || !is_root && e_parent.get() != was
                };
                view! {
                    <form class="card" on:submit=save>
                        <fieldset>
                            <legend>{move || tr(lang.get(), "edit_agency")}" "<code>{a.code.clone()}</code></legend>
                            <label for="ae-name">{move || tr(lang.get(), "name")}</label>
                            <input id="ae-name" prop:value=move || e_name.get() on:input=move |ev| e_name.set(event_target_value(&ev)) />
                            <Show when=move || !is_root>
                                <label for="ae-parent">{move || tr(lang.get(), "supervising_agency_move")}</label>
                                <select id="ae-parent" prop:value=move || e_parent.get() on:change=move |ev| e_parent.set(event_target_value(&ev))>
                                    {options(except.clone(), chosen.clone())}
                                </select>
                            </Show>
                            // What a move does to applications on their way (rule 5.1).
                            <Show when=moving>
                                <p class="hint" id="ae-move-hint">{move || tr(lang.get(), "agency_move_takes_waiting_applications")}</p>
                            </Show>
                            <label for="ae-staff">{move || tr(lang.get(), "personnel_staff")}</label>
                            <input id="ae-staff" inputmode="numeric" prop:value=move || e_staff.get() on:input=move |ev| e_staff.set(event_target_value(&ev)) />
                            <div class="actions">
                                <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), "save")}</button>
                                <button type="button" class="link" on:click=move |_| editing.set(None)>{move || tr(lang.get(), "cancel")}</button>
                            </div>
                            <Show when=move || meanwhile.with(Option::is_some)>
                                <crate::components::meanwhile::SavedMeanwhile rows=meanwhile_rows
                                    keep_mine=keep_mine take_theirs=take_theirs saving=saving />
                            </Show>
                        </fieldset>
                    </form>
                }
            })}
            <form on:submit=create>
                <fieldset>
                    <legend>{move || tr(lang.get(), "new_agency")}</legend>
                    <label for="na-code">{move || tr(lang.get(), "agency_code")}</label>
                    <input id="na-code" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                    <label for="na-name">{move || tr(lang.get(), "name")}</label>
                    <input id="na-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <label for="na-parent">{move || tr(lang.get(), "supervising")}</label>
                    <select id="na-parent" on:change=move |ev| parent.set(event_target_value(&ev))>
                        <option value="">{move || tr(lang.get(), "choose")}</option>
                        {move || options(None, None)}
                    </select>
                    <label for="na-staff">{move || tr(lang.get(), "personnel_staff")}</label>
                    <input id="na-staff" inputmode="numeric" prop:value=move || staff.get() on:input=move |ev| staff.set(event_target_value(&ev)) />
                    <button type="submit">{move || tr(lang.get(), "create_agency")}</button>
                </fieldset>
            </form>
            <p class="pre-line" role="status" id="agency-status">{move || note.get()}</p>
            <CsvExchange id="agencies" export=None import=crate::pages::admin_reference::Import::Agencies
                done=Callback::new(move |_| agencies.refetch()) />
        </section>
    }
}
