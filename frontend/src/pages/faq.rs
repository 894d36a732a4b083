//! The fields' FAQ (rule 7): every answer DGPA published, newest first, found by words,
//! fifty at a time — what an office reads before asking; and the entries as the field's
//! and the question's pages show them, which DGPA may withdraw.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use statreq_contract::*;

use crate::components::application::{field_name, use_field_names, FieldNames};
use crate::components::loading::{page_query, Paged};
use crate::components::problem::err_text;
use crate::i18n::{self, tr, tr_with};
use crate::session::{call, Session};

/// Every field's FAQ on one page, searchable.
#[component]
pub fn FaqPage(session: Session) -> impl IntoView {
    let lang = i18n::lang();
    let is_dgpa = move || session.me.get().is_some_and(|m| m.roles.iter().any(|r| matches!(r, Role::DgpaOfficer | Role::DgpaAdmin)));
    let names = use_field_names();
    let list = Paged::<FaqView>::new();
    let (rows, next, loaded) = (list.rows, list.next, list.state);
    let words = RwSignal::new(String::new());
    let load = move |cursor: Option<String>| {
        list.load(cursor, move |cursor| async move {
            let query = page_query(&[("q", words.get_untracked())], cursor);
            call(|c| {
                let query = query.clone();
                async move { c.faq(&query).await }
            })
            .await
        })
    };
    load(None);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    view! {
        <h1>{move || tr(lang.get(), "faq_of_every_field")}</h1>
        <p>{move || tr(lang.get(), "read_the_faq_before_asking")}</p>
        <form class="card search" on:submit=search role="search">
            <label for="faq-search">{move || tr(lang.get(), "words_in_question_or_answer")}</label>
            <input id="faq-search" type="search" maxlength="100" prop:value=move || words.get() on:input=move |ev| words.set(event_target_value(&ev)) />
            <button type="submit">{move || tr(lang.get(), "search")}</button>
        </form>
        {move || match loaded.get() {
            None => crate::components::loading::loading(lang.get()),
            Some(Err(e)) => crate::components::loading::failed(lang.get(), &e),
            Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p>{tr(lang.get(), "no_faq_matches")}</p> }.into_any(),
            Some(Ok(())) => view! {
                <FaqEntries entries=rows.get() names=Some(names) can_withdraw=is_dgpa() on_withdrawn=move || load(None) />
                <Show when=move || next.get().is_some()>
                    <button type="button" id="more-faq" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
                </Show>
            }.into_any(),
        }}
        <p><A href="/inquiries">{move || tr(lang.get(), "not_answered_here_ask_dgpa")}</A></p>
    }
}

/// FAQ entries, each with its field's name where `names` are given (the page's own
/// dictionary: not asked for again); DGPA withdraws one (asked to confirm), and
/// `on_withdrawn` reloads what shows them.
#[component]
pub(crate) fn FaqEntries(
    entries: Vec<FaqView>,
    names: Option<Memo<FieldNames>>,
    can_withdraw: bool,
    on_withdrawn: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let lang = i18n::lang();
    let error = RwSignal::new(None::<String>);
    let withdraw = move |field: String, id: i64, question: String| {
        let asked = tr_with(lang.get_untracked(), "confirm_withdraw_faq", &[("question", question)]);
        if !crate::browser::confirm(&asked) {
            return;
        }
        spawn_local(async move {
            match call(|c| {
                let field = field.clone();
                async move { c.withdraw_faq(&field, id).await }
            })
            .await
            {
                Ok(()) => on_withdrawn(),
                Err(e) => error.set(Some(err_text(lang.get_untracked(), &e))),
            }
        });
    };
    view! {
        <dl class="faq">
            {entries.into_iter().map(|q| {
                let (field, id, question, field_code) = (q.field.clone(), q.id, q.question.clone(), q.field.clone());
                view! {
                    <dt>{names.map(|names| view! { <A href=format!("/fields/{}", q.field)>{move || field_name(lang.get(), &names.get(), &field_code)}</A>" · " })}{q.question}</dt>
                    <dd><span class="pre-line">{q.answer}</span>
                        {can_withdraw.then(|| view! {
                            " "<button type="button" class="link danger" on:click=move |_| withdraw(field.clone(), id, question.clone())>
                                {move || tr(lang.get(), "withdraw_from_the_faq")}
                            </button>
                        })}
                    </dd>
                }
            }).collect_view()}
        </dl>
        <p class="error" role="alert">{move || error.get()}</p>
    }
}
