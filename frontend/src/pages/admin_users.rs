//! An administrator edits one account: name, e-mail, agency, roles, whether it may
//! sign in, and a password reset (which, like disabling, signs it out everywhere).

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::*;

use crate::components::header::role_label;
use crate::components::problem::err_text;
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

/// How many requests an officer took and has not delivered (in production or on hold),
/// up to 200; 0 when it cannot be read.
async fn work_held(officer: i64) -> usize {
    let assignee = officer.to_string();
    call(|c| {
        let assignee = assignee.clone();
        async move {
            let filters = [("assignee", assignee.as_str()), ("state", "in_production"), ("state", "on_hold"), ("limit", "200")];
            c.search_requests(&filters).await
        }
    })
    .await
    .map(|p| p.items.len())
    .unwrap_or(0)
}

#[component]
pub fn UserEditor(user: UserView, on_saved: Callback<UserView>, on_close: Callback<()>) -> impl IntoView {
    let lang = i18n::lang();
    let id = user.id;
    let name = RwSignal::new(user.display_name.clone());
    let email = RwSignal::new(user.email.clone());
    let agency = RwSignal::new(user.agency_code.clone());
    let roles = RwSignal::new(user.roles.clone());
    let active = RwSignal::new(user.active);
    let password = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    // One's own account: disabling it or dropping one's own administration is for
    // another administrator (the service refuses it, `own_administration`).
    let own = crate::session::session().me.get_untracked().is_some_and(|m| m.id == id);
    // The account as last read or saved: what a save compares with, and its version.
    let original = StoredValue::new(user.clone());
    // The account as another administrator saved it meanwhile, when a save here was
    // refused for it (412): the form keeps what was typed until one chooses.
    let meanwhile = RwSignal::new(None::<UserView>);
    let saving = RwSignal::new(false);
    // Saves what the form changed from `o` (as read, or as saved meanwhile once the
    // administrator chose theirs over it), at `o`'s version.
    let submit = move |o: UserView| {
        let version = o.version;
        // Only what changed is sent, so that the audit trail says exactly that.
        let changed = |now: String, was: &str| (now.trim() != was).then(|| now.trim().to_string());
        let body = UpdateUserBody {
            display_name: changed(name.get_untracked(), &o.display_name),
            email: changed(email.get_untracked(), &o.email),
            agency_code: changed(agency.get_untracked(), &o.agency_code),
            roles: Some(roles.get_untracked()).filter(|r| *r != o.roles),
            active: Some(active.get_untracked()).filter(|a| *a != o.active),
            password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
        };
        if body == UpdateUserBody::default() {
            // Mine is theirs: nothing to save over, and the form is at their version.
            if meanwhile.get_untracked().is_some_and(|now| now.version == o.version) {
                meanwhile.set(None);
                original.set_value(o.clone());
                on_saved.run(o);
            }
            note.set(Some(tr(lang.get_untracked(), "nothing_changed")));
            return;
        }
        // A case officer who can no longer act leaves their work to be given to another.
        let was_officer = o.active && o.roles.contains(&Role::DgpaOfficer);
        let stops_acting = body.active == Some(false) || body.roles.as_ref().is_some_and(|r| !r.contains(&Role::DgpaOfficer));
        let signs_out = body.active == Some(false) || body.password.is_some();
        saving.set(true);
        spawn_local(async move {
            let held = if was_officer && stops_acting { work_held(id).await } else { 0 };
            let mut asked = Vec::new();
            if signs_out {
                asked.push(tr_with(lang.get_untracked(), "confirm_sign_out_user", &[("user", o.username.clone())]));
            }
            if held > 0 {
                let count = if held >= 200 { "200+".to_string() } else { held.to_string() };
                asked.push(tr_with(lang.get_untracked(), "confirm_officer_leaves_work", &[("user", o.username.clone()), ("count", count)]));
            }
            if !asked.is_empty() && !crate::browser::confirm(&asked.join("\n\n")) {
                saving.set(false);
                return;
            }
            let saved = call(|c| {
                let body = body.clone();
                // At the version read: another administrator's change since is not overwritten.
                async move { c.update_user(id, &body, Some(version)).await }
            })
            .await;
            saving.set(false);
            match saved {
                Ok(u) => {
                    meanwhile.set(None);
                    original.set_value(u.clone());
                    password.set(String::new());
                    note.set(Some(tr_with(lang.get_untracked(), "account_saved", &[("user", u.username.clone())])));
                    on_saved.run(u);
                }
                // Another administrator changed the account since it was read: what they
                // changed, beside what the form holds.
                Err(e) if e.status() == Some(412) => match call(|c| async move { c.get_user(id).await }).await {
                    Ok(now) => {
                        // What this form left as read takes what they saved; what it changed stays.
                        let read = original.get_value();
                        let take = crate::components::meanwhile::take_untouched;
                        take(name, &read.display_name, &now.display_name);
                        take(email, &read.email, &now.email);
                        take(agency, &read.agency_code, &now.agency_code);
                        if roles.get_untracked() == read.roles {
                            roles.set(now.roles.clone());
                        }
                        if active.get_untracked() == read.active {
                            active.set(now.active);
                        }
                        note.set(None);
                        meanwhile.set(Some(now));
                    }
                    Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                },
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The form's own save goes at the version read: never over a save not seen.
        submit(original.get_value());
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(now) = meanwhile.get_untracked() {
            submit(now);
        }
    });
    let take_theirs = Callback::new(move |()| {
        let Some(now) = meanwhile.get_untracked() else { return };
        meanwhile.set(None);
        original.set_value(now.clone());
        name.set(now.display_name.clone());
        email.set(now.email.clone());
        agency.set(now.agency_code.clone());
        roles.set(now.roles.clone());
        active.set(now.active);
        note.set(None);
        on_saved.run(now);
    });
    // What the other save changed, beside what the form holds.
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let Some(now) = meanwhile.get() else { return Vec::new() };
        let (l, read) = (lang.get(), original.get_value());
        let role_words = |r: &[Role]| {
            let mut r = r.to_vec();
            r.sort_by_key(|r| r.as_str());
            r.iter().map(|r| role_label(l, *r)).collect::<Vec<_>>().join(if l == i18n::Lang::Zh { "、" } else { ", " })
        };
        let may = |a: bool| tr(l, if a { "ticked" } else { "not_ticked" });
        [
            Difference::of(tr(l, "name_2"), read.display_name.clone(), now.display_name.clone(), name.get()),
            Difference::of(tr(l, "e_mail"), read.email.clone(), now.email.clone(), email.get()),
            Difference::of(tr(l, "agency_code"), read.agency_code.clone(), now.agency_code.clone(), agency.get()),
            Difference::of(tr(l, "roles"), role_words(&read.roles), role_words(&now.roles), role_words(&roles.get())),
            Difference::of(tr(l, "may_sign_in"), may(read.active), may(now.active), may(active.get())),
        ]
        .into_iter()
        .flatten()
        .collect()
    });
    view! {
        <form class="card user-editor" on:submit=save>
            <fieldset>
                <legend>{move || tr(lang.get(), "edit_account")}" "<code>{user.username.clone()}</code></legend>
                <label for="ue-name">{move || tr(lang.get(), "name_2")}</label>
                <input id="ue-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="ue-email">{move || tr(lang.get(), "e_mail")}</label>
                <input id="ue-email" type="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                <label for="ue-agency">{move || tr(lang.get(), "agency_code")}</label>
                <input id="ue-agency" list="agency-codes" maxlength="32" prop:value=move || agency.get() on:input=move |ev| agency.set(event_target_value(&ev)) />
                <fieldset>
                    <legend>{move || tr(lang.get(), "roles")}</legend>
                    {Role::ALL.into_iter().map(|r| {
                        let input_id = format!("ue-role-{}", r.as_str());
                        let for_id = input_id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input id=input_id type="checkbox" prop:checked=move || roles.get().contains(&r) disabled=own && r == Role::DgpaAdmin
                                    aria-describedby=(own && r == Role::DgpaAdmin).then_some("ue-own")
                                    on:change=move |ev| { let on = event_target_checked(&ev); roles.update(|v| { v.retain(|x| *x != r); if on { v.push(r); } }); } />
                                {move || role_label(lang.get(), r)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <label class="check" for="ue-active">
                    <input id="ue-active" type="checkbox" disabled=own aria-describedby=own.then_some("ue-own") prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) />
                    {move || tr(lang.get(), "may_sign_in")}
                </label>
                {own.then(|| view! { <p class="hint" id="ue-own">{move || tr(lang.get(), "own_account_kept")}</p> })}
                <label for="ue-password">{move || tr(lang.get(), "reset_password_optional")}</label>
                <input id="ue-password" type="password" autocomplete="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
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

/// The accounts, fifty at a time, found by words (username, name, e-mail), agency and
/// role; each with its agency by name, an "edit" that opens [`UserEditor`] in
/// `editing`, and its "audit trail" (`audit_of`). Read again whenever `reload` changes (an account was created or saved).
#[component]
pub fn AccountList(
    agencies: LocalResource<Result<Vec<AgencyView>, crate::components::problem::UiError>>,
    reload: RwSignal<u32>,
    editing: RwSignal<Option<UserView>>,
    audit_of: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = i18n::lang();
    let (q, agency, role) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let list = crate::components::loading::Paged::<UserView>::new();
    let (rows, next, state) = (list.rows, list.next, list.state);
    let load = move |cursor: Option<String>| {
        // The filters as they were when the search was asked for; blank ones left out.
        let filters: Vec<(&'static str, String)> =
            [("q", q.get_untracked()), ("agency", agency.get_untracked()), ("role", role.get_untracked())]
                .into_iter()
                .map(|(k, v)| (k, v.trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect();
        list.load(cursor, move |cursor| async move {
            call(|c| {
                let mut pairs: Vec<(&str, String)> = filters.clone();
                pairs.push(("limit", "50".into()));
                pairs.extend(cursor.clone().map(|c| ("cursor", c)));
                async move {
                    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    c.find_users(&pairs).await
                }
            })
            .await
        })
    };
    Effect::new(move |_| {
        reload.track();
        load(None);
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    view! {
        <form class="account-search" role="search" on:submit=search>
            <label for="us-q">{move || tr(lang.get(), "account_words")}</label>
            <input id="us-q" type="search" maxlength="100" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
            <label for="us-agency">{move || tr(lang.get(), "agency_code")}</label>
            <input id="us-agency" list="agency-codes" maxlength="32" prop:value=move || agency.get() on:input=move |ev| agency.set(event_target_value(&ev)) />
            <label for="us-role">{move || tr(lang.get(), "role")}</label>
            <select id="us-role" on:change=move |ev| role.set(event_target_value(&ev))>
                <option value="">{move || tr(lang.get(), "any_role")}</option>
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || role_label(lang.get(), r)}</option> }).collect_view()}
            </select>
            <button type="submit">{move || tr(lang.get(), "search")}</button>
        </form>
        {move || match state.get() {
            None => crate::components::loading::loading(lang.get()),
            Some(Err(e)) => crate::components::loading::failed(lang.get(), &e),
            Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p id="no-accounts">{tr(lang.get(), "no_accounts_match")}</p> }.into_any(),
            Some(Ok(())) => view! {
                <table class="list accounts">
                    <thead><tr>
                        <th scope="col">{move || tr(lang.get(), "username")}</th>
                        <th scope="col">{move || tr(lang.get(), "name_2")}</th>
                        <th scope="col">{move || tr(lang.get(), "agency")}</th>
                        <th scope="col">{move || tr(lang.get(), "roles")}</th>
                        <th scope="col">{move || tr(lang.get(), "status")}</th>
                        <th scope="col">{move || tr(lang.get(), "actions")}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|u| (u.id, u.display_name.clone(), u.agency_code.clone(), u.roles.clone(), u.active) let:u>
                            {
                                let chosen = u.clone();
                                let code = u.agency_code.clone();
                                let roles = u.roles.clone();
                                view! {
                                    <tr>
                                        <td data-label=move || tr(lang.get(), "username")>{u.username.clone()}</td>
                                        <td data-label=move || tr(lang.get(), "name_2")>{u.display_name.clone()}</td>
                                        <td data-label=move || tr(lang.get(), "agency")>{move || agencies.with(|read| crate::components::agencies::agency_label(read.as_ref().and_then(|r| r.as_deref().ok()), &code))}</td>
                                        <td data-label=move || tr(lang.get(), "roles")>{move || roles.iter().map(|r| role_label(lang.get(), *r)).collect::<Vec<_>>().join("、")}</td>
                                        <td data-label=move || tr(lang.get(), "status")>{move || if u.active { tr(lang.get(), "active") } else { tr(lang.get(), "disabled") }}</td>
                                        <td><button type="button" class="link" id=format!("edit-user-{}", u.id) on:click=move |_| editing.set(Some(chosen.clone()))>
                                            {move || tr(lang.get(), "edit")}
                                        </button>" "<button type="button" class="link" id=format!("audit-user-{}", u.id) on:click=move |_| audit_of.set(Some(u.id))>
                                            {move || tr(lang.get(), "audit_trail")}
                                        </button></td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                <Show when=move || next.get().is_some()>
                    <button type="button" id="more-accounts" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
                </Show>
            }.into_any(),
        }}
    }
}
