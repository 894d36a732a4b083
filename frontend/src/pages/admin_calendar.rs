//! The office calendar for administrators: each year's days off and make-up workdays,
//! edited and saved with the version seen (If-Match), by which working days count.

use leptos::prelude::*;
use leptos::task::spawn_local;
use statreq_contract::CalendarView;
use statreq_domain::calendar::{Listed, NamedDay, OfficeCalendar};

use crate::components::problem::{err_text, problem_note, ui};
use crate::i18n::{self, tr, tr_with};
use crate::session::call;

#[component]
pub fn CalendarEditor() -> impl IntoView {
    let lang = i18n::lang();
    // This year by the browser's clock (chrono has no clock in the browser).
    let this_year = js_sys::Date::new_0().get_full_year() as i32;
    let year = RwSignal::new(this_year);
    // The years with a calendar, and this year's and (from October) next year's when
    // not set (by the service's clock): working days of such a year would count
    // weekends only (the administrators are told in their inbox too).
    let years = LocalResource::new(move || async move { call(|c| async move { c.calendar_years().await }).await.ok() });
    let missing = move || years.get().flatten().map(|y| y.missing);
    // The year's calendar; `None` for a year that has none yet (not asked for). Waits
    // for the years set (read here, not awaited: a resource awaited in another's fetch
    // runs that fetch again when it comes, asking for the year twice).
    let loaded = LocalResource::new(move || {
        let y = year.get();
        let known = years.get();
        async move {
            let set = known?;
            if set.is_some_and(|set| !set.years.contains(&y)) {
                return Some(Ok(None));
            }
            Some(call(|c| async move { c.calendar(y).await }).await.map(Some).map_err(ui))
        }
    });
    let loaded = move || loaded.get().flatten();
    let empty = move || OfficeCalendar { year: year.get_untracked(), days_off: vec![], make_up_workdays: vec![] };
    // The year as edited, and the version it was loaded at.
    let draft = RwSignal::new(None::<(OfficeCalendar, i64)>);
    Effect::new(move |_| {
        // A year without a calendar yet starts empty (saved without a version).
        let got = match loaded() {
            Some(Ok(Some(v))) => Some((v.calendar, v.version)),
            Some(Ok(None) | Err(_)) => Some((empty(), 0)),
            None => None,
        };
        draft.set(got);
    });
    // Days added or removed here are kept only by "save the calendar": until then the
    // screen says so, and leaving it or switching the year asks first.
    let unsaved = move || {
        let saved = match loaded() {
            Some(Ok(Some(v))) => Some(v.calendar),
            Some(Ok(None) | Err(_)) => Some(empty()),
            None => None,
        };
        draft.with(|d| match (d, saved) {
            (Some((edited, _)), Some(saved)) => *edited != saved,
            _ => false,
        })
    };
    crate::browser::ask_before_leaving(unsaved, move || tr(lang.get_untracked(), "calendar_leave_unsaved"));
    let (day, name, workday) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(false));
    let note = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(date) = chrono::NaiveDate::parse_from_str(&day.get_untracked(), "%Y-%m-%d") else {
            note.set(Some(tr(lang.get_untracked(), "choose_a_day")));
            return;
        };
        let entry = NamedDay { date, name: name.get_untracked().trim().to_string() };
        draft.update(|d| {
            if let Some((cal, _)) = d {
                let list = if workday.get_untracked() { &mut cal.make_up_workdays } else { &mut cal.days_off };
                list.retain(|x| x.date != date);
                list.push(entry);
                list.sort();
            }
        });
        day.set(String::new());
        name.set(String::new());
    };
    // The year as another administrator saved it meanwhile, when a save here was refused
    // for it (412; 428 for a year first set meanwhile): the draft is made again on it.
    let meanwhile = RwSignal::new(None::<CalendarView>);
    let saving = RwSignal::new(false);
    let read = move || match loaded() {
        Some(Ok(Some(v))) => v.calendar,
        _ => empty(),
    };
    let put = move |cal: OfficeCalendar, version: i64| {
        saving.set(true);
        spawn_local(async move {
            let saved = call(|c| {
                let cal = cal.clone();
                async move { c.put_calendar(&cal, Some(version).filter(|v| *v > 0)).await }
            })
            .await;
            saving.set(false);
            match saved {
                Ok(v) if version > 0 && v.version == version => {
                    // Mine is theirs (or unchanged): the year is read again at its version.
                    if meanwhile.with_untracked(Option::is_some) {
                        meanwhile.set(None);
                        years.refetch();
                    }
                    note.set(Some(tr(lang.get_untracked(), "nothing_changed")));
                }
                Ok(v) => {
                    meanwhile.set(None);
                    note.set(Some(tr_with(lang.get_untracked(), "calendar_saved", &[("year", v.calendar.year.to_string())])));
                    // The years set move, and with them the year's calendar.
                    years.refetch();
                }
                Err(e) if e.status() == Some(412) || (version == 0 && e.status() == Some(428)) => {
                    let y = cal.year;
                    match call(|c| async move { c.calendar(y).await }).await {
                        Ok(now) => {
                            // What this draft changed stays; every other day as they saved it.
                            let merged = OfficeCalendar::rebase(&read(), &now.calendar, &cal);
                            draft.set(Some((merged, version)));
                            note.set(None);
                            meanwhile.set(Some(now));
                        }
                        Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
                    }
                }
                Err(e) => note.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    // The page's own save goes at the version read: never over a save not seen.
    let save = move |_| {
        if let Some((cal, version)) = draft.get_untracked() {
            put(cal, version);
        }
    };
    let keep_mine = Callback::new(move |()| {
        if let (Some(now), Some((cal, _))) = (meanwhile.get_untracked(), draft.get_untracked()) {
            put(cal, now.version);
        }
    });
    let take_theirs = Callback::new(move |()| {
        meanwhile.set(None);
        note.set(None);
        years.refetch();
    });
    // The days the other save changed, beside what the draft holds.
    let meanwhile_rows = Signal::derive(move || {
        use crate::components::meanwhile::Difference;
        let Some(now) = meanwhile.get() else { return Vec::new() };
        let (l, read) = (lang.get(), read());
        let mine = draft.get().map(|(c, _)| c).unwrap_or_else(empty);
        let words = |c: &OfficeCalendar, date| match c.listed(date) {
            Some(Listed::DayOff(name)) => format!("{}{}{name}", tr(l, "days_off"), crate::components::application::colon(l)),
            Some(Listed::MakeUpWorkday(name)) => format!("{}{}{name}", tr(l, "make_up_workdays"), crate::components::application::colon(l)),
            None => "—".to_string(),
        };
        OfficeCalendar::days_in(&[&read, &now.calendar])
            .into_iter()
            .filter_map(|date| Difference::of(i18n::day(l, date), words(&read, date), words(&now.calendar, date), words(&mine, date)))
            .collect()
    });
    let remove = move |date: chrono::NaiveDate| {
        draft.update(|d| {
            if let Some((cal, _)) = d {
                cal.days_off.retain(|x| x.date != date);
                cal.make_up_workdays.retain(|x| x.date != date);
            }
        });
    };
    let days = move |key: &'static str, pick: fn(&OfficeCalendar) -> Vec<NamedDay>| {
        view! {
            <h3>{move || tr(lang.get(), key)}</h3>
            <Show when=move || draft.with(|d| d.as_ref().is_some_and(|(c, _)| pick(c).is_empty()))>
                <p class="hint">{move || tr(lang.get(), "none")}</p>
            </Show>
            <ul class="days">
                {move || draft.get().map(|(c, _)| pick(&c)).unwrap_or_default().into_iter().map(|d| {
                    let date = d.date;
                    view! {
                        <li>{i18n::day(lang.get(), d.date)}" "{d.name.clone()}" "
                            <button type="button" class="link" on:click=move |_| remove(date)>{tr(lang.get(), "remove")}</button></li>
                    }
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <section class="card" aria-labelledby="cal-h">
            <h2 id="cal-h">{move || tr(lang.get(), "office_calendar")}</h2>
            <p class="hint">{move || tr(lang.get(), "office_calendar_hint")}</p>
            {move || missing().filter(|m| !m.is_empty()).map(|m| {
                let years = m.iter().map(i32::to_string).collect::<Vec<_>>().join(if lang.get() == i18n::Lang::Zh { "、" } else { ", " });
                view! { <p class="warning" id="cal-missing" role="status">{tr_with(lang.get(), "calendar_years_missing", &[("years", years)])}</p> }
            })}
            <label for="cal-year">{move || tr(lang.get(), "year")}</label>
            <select id="cal-year" prop:value=move || year.get().to_string() on:change=move |ev| {
                let chosen = event_target_value(&ev).parse().unwrap_or(this_year);
                if unsaved() && !crate::browser::confirm(&tr(lang.get_untracked(), "calendar_leave_unsaved")) {
                    // Stay on the year being edited (setting the signal again, even to
                    // the same year, would load it afresh over the changes).
                    let shown = year.get_untracked();
                    if let Some(select) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
                        select.set_value(&shown.to_string());
                    }
                    return;
                }
                year.set(chosen)
            }>
                // Last year to next, and any year due without a calendar.
                {move || {
                    let mut offered: Vec<i32> = (this_year - 1..=this_year + 1).collect();
                    offered.extend(missing().unwrap_or_default());
                    offered.sort_unstable();
                    offered.dedup();
                    offered.into_iter().map(|y| view! { <option value=y selected=move || y == year.get_untracked()>{y}</option> }).collect_view()
                }}
            </select>
            {move || problem_note(lang.get(), loaded())}
            {days("days_off", |c| c.days_off.clone())}
            {days("make_up_workdays", |c| c.make_up_workdays.clone())}
            <form class="cal-add" on:submit=add>
                <fieldset>
                <legend>{move || tr(lang.get(), "add_or_correct_a_day")}</legend>
                <div class="row">
                    <div class="field">
                        <label for="cal-day">{move || tr(lang.get(), "day")}</label>
                        <input id="cal-day" type="date" prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev)) />
                    </div>
                    <div class="field wide">
                        <label for="cal-name">{move || tr(lang.get(), "what_day_it_is")}</label>
                        <input id="cal-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </div>
                </div>
                <label class="check" for="cal-workday">
                    <input id="cal-workday" type="checkbox" prop:checked=move || workday.get() on:change=move |ev| workday.set(event_target_checked(&ev)) />
                    {move || tr(lang.get(), "a_make_up_workday")}
                </label>
                <button type="submit">{move || tr(lang.get(), "add_the_day")}</button>
                </fieldset>
            </form>
            <Show when=unsaved>
                <p class="warning" id="cal-unsaved">{move || tr(lang.get(), "calendar_unsaved")}</p>
            </Show>
            <button type="button" id="cal-save" disabled=move || saving.get() on:click=save>{move || tr(lang.get(), "save_the_calendar")}</button>
            <p class="pre-line" role="status">{move || note.get()}</p>
            <Show when=move || meanwhile.with(Option::is_some)>
                <crate::components::meanwhile::SavedMeanwhile
                    by=Signal::derive(move || meanwhile.with(|m| m.as_ref().and_then(|m| crate::components::meanwhile::saved_by(lang.get(), None, Some(m.updated_at)))))
                    rows=meanwhile_rows keep_mine=keep_mine take_theirs=take_theirs saving=saving what="day" />
            </Show>
        </section>
    }
}
