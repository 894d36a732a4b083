//! DGPA administration: queue settings, accounts, the office calendar and the audit trail
//! here; agencies, reference data and integrations on their own pages, reached by the
//! administration's own navigation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use statreq_contract::*;

use crate::components::header::role_label;
use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::call;
use statreq_domain::queue::{order_key, OrderKey};
use statreq_domain::RequestId;

/// The administration's pages, one link each.
#[component]
pub fn AdminNav() -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <nav class="subnav" aria-label=move || tr(lang.get(), "administration")>
            <A href="/admin" exact=true>{move || tr(lang.get(), "queue_and_accounts")}</A>
            <A href="/admin/agencies">{move || tr(lang.get(), "agencies")}</A>
            <A href="/admin/reference">{move || tr(lang.get(), "reference_data")}</A>
            <A href="/admin/integrations">{move || tr(lang.get(), "integrations")}</A>
        </nav>
    }
}

/// Agencies and their personnel staff.
#[component]
pub fn AdminAgenciesPage() -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <h1>{move || tr(lang.get(), "agencies")}</h1>
        <AdminNav />
        <crate::pages::admin_agencies::Agencies />
    }
}

/// The catalog of existing sources and the dictionary's CSV.
#[component]
pub fn AdminReferencePage() -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <h1>{move || tr(lang.get(), "reference_data")}</h1>
        <AdminNav />
        <crate::pages::admin_reference::SourcesAdmin />
        <crate::pages::admin_reference::DictionaryCsv />
    }
}

/// Service accounts and webhooks.
#[component]
pub fn AdminIntegrationsPage() -> impl IntoView {
    let lang = i18n::lang();
    view! {
        <h1>{move || tr(lang.get(), "integrations")}</h1>
        <AdminNav />
        <crate::pages::admin_integrations::Integrations />
    }
}

/// DGPA administration: queue settings with a preview, accounts, calendar, audit log.
#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = i18n::lang();
    let settings = LocalResource::new(|| async { call(|c| async move { c.queue_settings().await }).await.map_err(ui) });
    let queue = LocalResource::new(|| async { call(|c| async move { c.queue().await }).await.map_err(ui) });
    // Bumped after each change here, so that the trail below shows it.
    let audit_tick = RwSignal::new(0u32);
    let note = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<UserView>);
    let agencies = crate::components::agencies::agencies();
    // Bumped when an account is created or saved, so that the list shows it.
    let accounts_changed = RwSignal::new(0u32);
    // An account whose audit trail the list below asked for.
    let audit_of = RwSignal::new(None::<i64>);
    let nu_username = RwSignal::new(String::new());
    let nu_name = RwSignal::new(String::new());
    let nu_email = RwSignal::new(String::new());
    let nu_agency = RwSignal::new(String::new());
    let nu_role = RwSignal::new(Role::Applicant.as_str().to_string());
    let nu_password = RwSignal::new(String::new());
    let field = move |id: &'static str, label: &'static str, sig: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || tr(lang.get(), label)}</label>
                <input id=id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </div>
        }
    };
    let create_account = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateUserBody {
            username: nu_username.get_untracked(),
            display_name: nu_name.get_untracked(),
            email: nu_email.get_untracked(),
            agency_code: nu_agency.get_untracked(),
            roles: Role::parse(&nu_role.get_untracked()).into_iter().collect(),
            password: nu_password.get_untracked(),
        };
        spawn_local(async move {
            match call(|c| {
                let body = body.clone();
                async move { c.create_user(&body).await }
            })
            .await
            {
                Ok(u) => {
                    note.set(Some(tr_with(lang.get_untracked(), "account_created", &[("username", u.username.clone())])));
                    nu_password.set(String::new());
                    accounts_changed.update(|n| *n += 1);
                    audit_tick.update(|n| *n += 1);
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    let w_age = RwSignal::new(String::new());
    let w_diff = RwSignal::new(String::new());
    let w_fair = RwSignal::new(String::new());
    let favour_hard = RwSignal::new(false);
    let (half_life, gamma, max_wait, default_staff) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        if let Some(Ok(v)) = settings.get() {
            half_life.set(v.settings.half_life_days.to_string());
            gamma.set(v.settings.gamma.to_string());
            max_wait.set(v.settings.max_wait_days.to_string());
            default_staff.set(v.settings.default_staff.to_string());
            w_age.set(v.settings.weight_age.to_string());
            w_diff.set(v.settings.weight_difficulty.to_string());
            w_fair.set(v.settings.weight_fair_share.to_string());
            favour_hard.set(v.settings.difficulty_favour == DifficultyFavour::Hard);
        }
    });
    let num = |s: RwSignal<String>| s.get().trim().parse::<u32>().unwrap_or(0);
    let preview = move || -> Vec<(i64, String, f64)> {
        let Some(q) = queue.get().and_then(Result::ok) else { return Vec::new() };
        // The queue's factors, weighed as the form stands (the domain's formula, rule 5.3).
        let favour = if favour_hard.get() { DifficultyFavour::Hard } else { DifficultyFavour::Easy };
        let weighed = QueueSettings {
            weight_age: num(w_age),
            weight_difficulty: num(w_diff),
            weight_fair_share: num(w_fair),
            difficulty_favour: favour,
            ..q.settings.clone()
        };
        let mut rows: Vec<(OrderKey, i64, String, f64)> = q
            .items
            .iter()
            .filter_map(|i| {
                let priority = i.factors?.favouring(q.settings.difficulty_favour, favour).priority(&weighed);
                let waited = chrono::Duration::milliseconds((i.waited_days * 86_400_000.0) as i64);
                let key = order_key(i.overdue, waited, priority, i.received_at.unwrap_or_default(), RequestId(i.request_id));
                Some((key, i.request_id, i.agency_name.clone(), priority))
            })
            .collect();
        // The queue's own order (ties by DGPA receipt), with the weights as the form stands.
        rows.sort_unstable_by_key(|r| r.0);
        rows.into_iter().map(|(_, id, name, p)| (id, name, p)).collect()
    };
    // The settings as another administrator saved them meanwhile, when a save here was
    // refused for it (412): the form keeps what was typed until one chooses.
    let meanwhile = RwSignal::new(None::<QueueSettingsView>);
    let saving = RwSignal::new(false);
    // Saves the form over `base`, the settings it is compared with and whose version goes
    // as If-Match: as read, or as saved meanwhile once the administrator chose theirs over it.
    let submit = move |base: QueueSettingsView| {
        let mut new = base.settings.clone();
        new.weight_age = num(w_age);
        new.weight_difficulty = num(w_diff);
        new.weight_fair_share = num(w_fair);
        new.difficulty_favour = if favour_hard.get_untracked() { DifficultyFavour::Hard } else { DifficultyFavour::Easy };
        new.half_life_days = num(half_life);
        new.max_wait_days = num(max_wait);
        new.default_staff = num(default_staff);
        match gamma.get_untracked().trim().parse::<f64>() {
            Ok(g) => new.gamma = g,
            Err(_) => {
                note.set(Some(tr(lang.get_untracked(), "gamma_is_a_number")));
                return;
            }
        }
        if new == base.settings {
            // Mine is theirs: nothing to save over, and the form is at their version.
            if meanwhile.with_untracked(Option::is_some) {
                meanwhile.set(None);
                settings.refetch();
            }
            note.set(Some(tr(lang.get_untracked(), "nothing_changed")));
            return;
        }
        let version = base.version;
        saving.set(true);
        spawn_local(async move {
            let saved = call(|c| {
                let new = new.clone();
                async move { c.put_queue_settings(&new, version).await }
            })
            .await;
            saving.set(false);
            match saved {
                Ok(_) => {
                    meanwhile.set(None);
                    note.set(Some(tr(lang.get_untracked(), "saved_and_recorded")));
                    settings.refetch();
                    queue.refetch();
                    audit_tick.update(|n| *n += 1);
                }
                Err(e) if e.status() == Some(412) => match call(|c| async move { c.queue_settings().await }).await {
                    Ok(now) => {
                        // What this form left as read takes what they saved; what it changed stays.
                        if let Some(Ok(read)) = settings.get_untracked() {
                            let (r, n) = (&read.settings, &now.settings);
                            for (sig, read, now) in [
                                (w_age, r.weight_age.to_string(), n.weight_age.to_string()),
                                (w_diff, r.weight_difficulty.to_string(), n.weight_difficulty.to_string()),
                                (w_fair, r.weight_fair_share.to_string(), n.weight_fair_share.to_string()),
                                (half_life, r.half_life_days.to_string(), n.half_life_days.to_string()),
                                (gamma, r.gamma.to_string(), n.gamma.to_string()),
                                (max_wait, r.max_wait_days.to_string(), n.max_wait_days.to_string()),
                                (default_staff, r.default_staff.to_string(), n.default_staff.to_string()),
                            ] {
                                crate::components::meanwhile::take_untouched(sig, &read, &now);
                            }
                            let hard = |f: DifficultyFavour| f == DifficultyFavour::Hard;
                            if favour_hard.get_untracked() == hard(r.difficulty_favour) {
                                favour_hard.set(hard(n.difficulty_favour));
                            }
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
        if let Some(Ok(read)) = settings.get_untracked() {
            submit(read);
        }
    };
    let keep_mine = Callback::new(move |()| {
        if let Some(now) = meanwhile.get_untracked() {
            submit(now);
        }
    });
    let take_theirs = Callback::new(move |()| {
        meanwhile.set(None);
        note.set(None);
        // Read again: the form shows the settings as saved.
        settings.refetch();
        queue.refetch();
    });
    let meanwhile_by = Signal::derive(move || {
        meanwhile.with(|m| m.as_ref().and_then(|m| crate::components::meanwhile::saved_by(lang.get(), m.updated_by.as_ref(), m.updated_at)))
    });
    // What the other save changed, beside what the form holds.
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let (Some(now), Some(Ok(read))) = (meanwhile.get(), settings.get()) else { return Vec::new() };
        let l = lang.get();
        let (now, read) = (now.settings, read.settings);
        let n = |what: &str, r: String, t: String, sig: RwSignal<String>| Difference::of(tr(l, what), r, t, sig.get());
        let ticked = |f: DifficultyFavour| tr(l, if f == DifficultyFavour::Hard { "ticked" } else { "not_ticked" });
        let favour_mine = if favour_hard.get() { DifficultyFavour::Hard } else { DifficultyFavour::Easy };
        [
            n("age_weight", read.weight_age.to_string(), now.weight_age.to_string(), w_age),
            n("difficulty_weight", read.weight_difficulty.to_string(), now.weight_difficulty.to_string(), w_diff),
            n("fair_share_weight", read.weight_fair_share.to_string(), now.weight_fair_share.to_string(), w_fair),
            n("half_life_days", read.half_life_days.to_string(), now.half_life_days.to_string(), half_life),
            n("gamma_fair_share_exponent", read.gamma.to_string(), now.gamma.to_string(), gamma),
            n("max_wait_days", read.max_wait_days.to_string(), now.max_wait_days.to_string(), max_wait),
            n("default_personnel_staff", read.default_staff.to_string(), now.default_staff.to_string(), default_staff),
            Difference::of(tr(l, "favour_hard_work"), ticked(read.difficulty_favour), ticked(now.difficulty_favour), ticked(favour_mine)),
        ]
        .into_iter()
        .flatten()
        .collect()
    });
    let number = move |id: &'static str, label: &'static str, sig: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || tr(lang.get(), label)}</label>
                // γ has a decimal point, which a phone's numeric pad lacks.
                <input id=id inputmode=if id == "s-gamma" { "decimal" } else { "numeric" } prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <h1>{move || tr(lang.get(), "administration")}</h1>
        <AdminNav />
        <section class="card" aria-labelledby="qs-h">
            <h2 id="qs-h">{move || tr(lang.get(), "queue_settings_rule_5_3")}</h2>
            {move || problem_note(lang.get(), queue.get())}
            <form on:submit=save>
                // The three weights on a line, the four settings they work with on the next.
                <div class="row">
                    {number("w-age", "age_weight", w_age)}
                    {number("w-diff", "difficulty_weight", w_diff)}
                    {number("w-fair", "fair_share_weight", w_fair)}
                </div>
                <div class="row">
                    {number("s-half-life", "half_life_days", half_life)}
                    {number("s-gamma", "gamma_fair_share_exponent", gamma)}
                    {number("s-max-wait", "max_wait_days", max_wait)}
                    {number("s-default-staff", "default_personnel_staff", default_staff)}
                </div>
                <p class="hint">{move || tr(lang.get(), "preview_reflects_weights")}</p>
                <label class="check" for="favour-hard">
                    <input id="favour-hard" type="checkbox" prop:checked=move || favour_hard.get() on:change=move |ev| favour_hard.set(event_target_checked(&ev)) />
                    {move || tr(lang.get(), "favour_hard_work")}
                </label>
                <button type="submit" disabled=move || saving.get()>{move || tr(lang.get(), "save_settings")}</button>
                <p role="status" class="pre-line">{move || note.get()}</p>
                <Show when=move || meanwhile.with(Option::is_some)>
                    <crate::components::meanwhile::SavedMeanwhile by=meanwhile_by rows=meanwhile_rows
                        keep_mine=keep_mine take_theirs=take_theirs saving=saving />
                </Show>
            </form>
            <h3>{move || tr(lang.get(), "preview_of_the_order")}</h3>
            <ol class="preview">
                {move || preview().into_iter().map(|(id, name, p)| {
                    let l = lang.get();
                    view! { <li><A href=format!("/requests/{id}")>{format!("{} {id}", tr(l, "request_4"))}</A>" · "{name}" · "{tr(l, "priority")}" "{format!("{p:.0}")}</li> }
                }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="us-h">
            <h2 id="us-h">{move || tr(lang.get(), "accounts")}</h2>
            <form on:submit=create_account>
                <fieldset>
                    <legend>{move || tr(lang.get(), "new_account")}</legend>
                    <div class="row">
                        {field("nu-username", "username_lower_case", nu_username)}
                        {field("nu-name", "name_2", nu_name)}
                    </div>
                    <div class="row">
                        {field("nu-email", "e_mail", nu_email)}
                        <div class="field">
                            <label for="nu-agency">{move || tr(lang.get(), "agency_code")}</label>
                            <input id="nu-agency" list="agency-codes" maxlength="32" prop:value=move || nu_agency.get() on:input=move |ev| nu_agency.set(event_target_value(&ev)) />
                        </div>
                    </div>
                    <div class="row">
                        <div class="field">
                            <label for="nu-role">{move || tr(lang.get(), "role")}</label>
                            <select id="nu-role" on:change=move |ev| nu_role.set(event_target_value(&ev))>
                                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{move || role_label(lang.get(), r)}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="nu-password">{move || tr(lang.get(), "initial_password_12_characters_or_more")}</label>
                            <input id="nu-password" type="password" autocomplete="new-password" prop:value=move || nu_password.get() on:input=move |ev| nu_password.set(event_target_value(&ev)) />
                        </div>
                    </div>
                    <button type="submit">{move || tr(lang.get(), "create_account")}</button>
                </fieldset>
            </form>
            <p class="account-status pre-line" aria-live="polite">{move || note.get()}</p>
            <h3>{move || tr(lang.get(), "find_accounts")}</h3>
            <crate::pages::admin_users::AccountList agencies=agencies reload=accounts_changed editing=editing audit_of=audit_of />
            <crate::components::agencies::AgencyChoices id="agency-codes" agencies=agencies />
            {move || editing.get().map(|u| view! {
                <crate::pages::admin_users::UserEditor user=u
                    on_saved=Callback::new(move |_| accounts_changed.update(|n| *n += 1))
                    on_close=Callback::new(move |_| editing.set(None)) />
            })}
        </section>
        <crate::pages::admin_calendar::CalendarEditor />
        <crate::pages::admin_audit::AuditTrail refresh=audit_tick show_actor=audit_of />
    }
}
