//! The in-app inbox: notices newest first, a page at a time. Notices of one kind about
//! one thing (the messages on a request, the replies to a question) read as one line —
//! the newest, with how many there are — so that a reviewer with hundreds of notices
//! sees which requests moved, not every message on each.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use statreq_contract::InboxItem;

use crate::i18n::{self, text, tr, tr_with};
use crate::session::call;

/// Notices of one kind about one thing: the newest, the ids not yet read, how many.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub newest: InboxItem,
    pub unread: Vec<i64>,
    pub count: usize,
}

/// `items` (newest first) as groups, newest first: one per kind and page (a link's
/// path, without the `#msg-…` that points into it).
pub(crate) fn grouped(items: &[InboxItem]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for i in items {
        let path = page_of(&i.link);
        let g = *at.entry((i.kind.as_str(), path)).or_insert_with(|| {
            out.push(Group { newest: i.clone(), unread: Vec::new(), count: 0 });
            out.len() - 1
        });
        out[g].count += 1;
        if i.read_at.is_none() {
            out[g].unread.push(i.id);
        }
    }
    out
}

/// The page a notice opens, without the place on it (`/requests/12#msg-3`: `/requests/12`).
fn page_of(link: &str) -> &str {
    link.split('#').next().unwrap_or_default()
}

/// The caller's newest unread notices, as many as one page holds (200): what opening a
/// page reads and what the lists mark.
async fn newest_unread() -> Vec<InboxItem> {
    call(|c| async move { c.inbox_page(true, None, Some(200)).await }).await.map(|p| p.items).unwrap_or_default()
}

/// Marks read the caller's unread notices (of the newest 200) that open `path`, at a place
/// on it or not: opening a request's or a question's page reads what it was told of
/// them, as opening the notices from the inbox does. The header's count follows.
async fn read_about(session: crate::session::Session, path: String) {
    let ids: Vec<i64> = newest_unread().await.iter().filter(|i| page_of(&i.link) == path).map(|i| i.id).collect();
    if ids.is_empty() {
        return;
    }
    let sent = call(|c| {
        let ids = ids.clone();
        async move { c.read_inbox_ids(&ids).await }
    })
    .await;
    if let Ok(left) = sent {
        crate::session::told_unread(session, left.unread);
    }
}

/// The requests the caller has unread notices about (of the newest 200), for the lists
/// to mark; read again whenever the header's count changes, and not asked while it is
/// nought (a list opened before the count came asked twice).
pub(crate) fn requests_with_news(session: crate::session::Session) -> LocalResource<std::collections::HashSet<i64>> {
    LocalResource::new(move || {
        let any = session.unread.get() > 0;
        async move {
            if !any {
                return Default::default();
            }
            newest_unread().await.iter().filter_map(|i| page_of(&i.link).strip_prefix("/requests/")?.parse().ok()).collect()
        }
    })
}

/// The mark a list puts beside a request the reader has unread notices about.
pub(crate) fn news_badge(lang: crate::i18n::Lang) -> impl IntoView {
    view! { " "<span class="badge new" title=tr(lang, "unread_notices_about_it")>{tr(lang, "new_notices")}</span> }
}

/// Reads the notices about the page `shown` names (`/requests/12`) once it is shown, and
/// again only for another.
pub(crate) fn read_when_shown(session: crate::session::Session, shown: impl Fn() -> Option<String> + 'static) {
    let done = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(path) = shown() else { return };
        if done.with_untracked(|d| d.as_deref() != Some(path.as_str())) {
            done.set(Some(path.clone()));
            spawn_local(read_about(session, path));
        }
    });
}

/// In-app notifications, newest first, a page at a time, grouped; each line marked read
/// when opened or on its own, or all that are shown at once.
#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = i18n::lang();
    let session = crate::session::session();
    let list = crate::components::loading::Paged::<InboxItem>::new();
    let (rows, next, state) = (list.rows, list.next, list.state);
    let load = move |cursor: Option<String>| {
        list.load(cursor, move |cursor| async move {
            call(|c| {
                let cursor = cursor.clone();
                async move { c.inbox_page(false, cursor.as_deref(), Some(50)).await }
            })
            .await
        })
    };
    load(None);
    let marked = move |ids: &dyn Fn(&InboxItem) -> bool| {
        let now = crate::browser::now();
        rows.update(|r| r.iter_mut().filter(|i| i.read_at.is_none() && ids(i)).for_each(|i| i.read_at = Some(now)));
    };
    // A line's notices, marked read in one call (as many as one call takes).
    let read = move |ids: Vec<i64>| {
        spawn_local(async move {
            for chunk in ids.chunks(statreq_contract::ReadAllBody::MAX_IDS) {
                let sent = chunk.to_vec();
                if call(|c| {
                    let sent = sent.clone();
                    async move { c.read_inbox_ids(&sent).await }
                })
                .await
                .is_ok()
                {
                    marked(&|i| sent.contains(&i.id));
                }
            }
            crate::session::refresh_unread(session);
        });
    };
    // Up to the newest shown: what arrived since stays unread.
    let read_all = move |_| {
        let Some(newest) = rows.with_untracked(|r| r.first().map(|i| i.id)) else { return };
        spawn_local(async move {
            if let Ok(left) = call(|c| async move { c.read_all_inbox(Some(newest)).await }).await {
                marked(&|i| i.id <= newest);
                crate::session::told_unread(session, left.unread);
            }
        });
    };
    let any_unread = move || rows.with(|r| r.iter().any(|i| i.read_at.is_none()));
    view! {
        <h1>{move || tr(lang.get(), "notifications")}</h1>
        {move || match state.get() {
            None => crate::components::loading::loading(lang.get()),
            Some(Err(e)) => crate::components::loading::failed(lang.get(), &e),
            Some(Ok(())) if rows.with(Vec::is_empty) => view! { <p>{tr(lang.get(), "no_notifications")}</p> }.into_any(),
            Some(Ok(())) => view! {
                <Show when=any_unread>
                    <p><button type="button" id="read-all" on:click=read_all>{move || tr(lang.get(), "mark_all_read")}</button></p>
                </Show>
                <ul class="inbox">
                    <For each=move || rows.with(|r| grouped(r)) key=|g| (g.newest.id, g.unread.len(), g.count) let:g>
                        {
                            let (message, at, count) = (g.newest.message.clone(), g.newest.created_at, g.count);
                            let (on_open, on_mark) = (g.unread.clone(), g.unread.clone());
                            let unread = !g.unread.is_empty();
                            // In the language chosen, also after switching it.
                            view! {
                                <li class=if unread { "unread" } else { "" }>
                                    <A href=g.newest.link.clone() on:click=move |_| if !on_open.is_empty() { read(on_open.clone()) }>{move || text(lang.get(), &message)}</A>
                                    {(count > 1).then(|| view! { " "<span class="count">{move || tr_with(lang.get(), "n_notices", &[("n", count.to_string())])}</span> })}
                                    " · "{move || i18n::datetime(lang.get(), at)}
                                    {unread.then(|| view! { " "<button type="button" class="link" on:click=move |_| read(on_mark.clone())>{move || tr(lang.get(), "mark_read")}</button> })}
                                </li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || next.get().is_some()>
                    <button type="button" on:click=move |_| load(next.get_untracked())>{move || tr(lang.get(), "more")}</button>
                </Show>
            }.into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, kind: &str, link: &str, read: bool) -> InboxItem {
        let at = chrono::DateTime::from_timestamp(1_700_000_000 + id, 0).unwrap_or_default();
        InboxItem {
            id,
            kind: kind.into(),
            link: link.into(),
            message: statreq_contract::Text::new(format!("{id}"), format!("{id}")),
            created_at: at,
            read_at: read.then_some(at),
        }
    }

    #[test]
    fn notices_of_one_kind_about_one_thing_read_as_one_line_newest_first() {
        let items = [
            item(9, "request_message_posted", "/requests/17#msg-40", false),
            item(8, "request_message_posted", "/requests/10#msg-39", false),
            item(7, "request_message_posted", "/requests/17#msg-38", false),
            item(6, "request_approved", "/requests/17", false),
            item(5, "request_message_posted", "/requests/17#msg-30", true),
            item(4, "inquiry_answered", "/inquiries/3", true),
        ];
        let g = grouped(&items);
        let lines: Vec<(i64, Vec<i64>, usize)> = g.iter().map(|g| (g.newest.id, g.unread.clone(), g.count)).collect();
        assert_eq!(lines, [(9, vec![9, 7], 3), (8, vec![8], 1), (6, vec![6], 1), (4, vec![], 1)]);
        assert_eq!(g[0].newest.link, "/requests/17#msg-40", "opens at the newest message");
        assert!(grouped(&[]).is_empty());
    }
}
