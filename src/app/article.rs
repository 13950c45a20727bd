//! Whole articles as the reader sees them (issue #23). `F` in the reader fetches the open
//! entry's page (again, when asked again), in the stream the selection's or the entry under
//! the cursor, in the feed list it turns a feed's whole articles on or off (fetched after each
//! refresh for its unread entries, and when one of them is opened). The runtime fetches in
//! the background (`Job::Article`); what it finds comes back as `Msg::Article`, and the entry
//! on screen is laid out again with it, or the status line says why there is none.

use super::{AppState, Effect, Status, View};
use crate::model::EntryId;
use crate::model::article::ArticleEvent;

/// `F` where it was pressed.
pub fn on_key(state: &mut AppState) -> Vec<Effect> {
    match state.view {
        View::Feeds => toggle_feed(state),
        View::Stream if !state.stream.selection.is_empty() => {
            let ids = state.stream.selected_ids();
            state.status = Some(Status::info(format!(
                "Fetching {}…",
                crate::model::count_of(ids.len(), "whole article", "whole articles")
            )));
            vec![Effect::FetchArticles { ids }]
        }
        View::Stream => match state.stream.selected() {
            Some(row) => fetch_one(state, row.id, row.link.is_some()),
            None => Vec::new(),
        },
        _ => match &state.reader {
            Some(r) => fetch_one(state, r.entry.summary.id, r.entry.summary.link.is_some()),
            None => Vec::new(),
        },
    }
}

fn fetch_one(state: &mut AppState, id: EntryId, has_link: bool) -> Vec<Effect> {
    if !has_link {
        state.status = Some(Status::info("This entry has no link to fetch"));
        return Vec::new();
    }
    state.status = Some(Status::info("Fetching the whole article…"));
    vec![Effect::FetchArticles { ids: vec![id] }]
}

/// `F` in the feed list: whole articles for the feed under the cursor, or no more.
fn toggle_feed(state: &mut AppState) -> Vec<Effect> {
    match state.feeds.selected() {
        Some(feed) => vec![Effect::SetFullArticle {
            feed: feed.id,
            title: feed.title.clone(),
            on: !feed.full_article,
        }],
        None => Vec::new(),
    }
}

/// The entry opened is of a feed that fetches whole articles and has none yet: fetch it.
pub fn wanted_on_open(state: &AppState) -> Option<Effect> {
    let reader = state.reader.as_ref()?;
    let entry = &reader.entry;
    (entry.full_article && entry.article.is_none() && entry.summary.link.is_some()).then(|| {
        Effect::FetchArticles {
            ids: vec![entry.summary.id],
        }
    })
}

/// What the runtime's fetching said. Only the entry on screen is spoken of: a run after a
/// refresh fetches many, quietly.
pub fn on_event(state: &mut AppState, event: &ArticleEvent) -> Vec<Effect> {
    let (id, fetched) = match event {
        ArticleEvent::Fetched { id, .. } => (*id, true),
        ArticleEvent::Failed { id, .. } => (*id, false),
        ArticleEvent::Progress { .. } => return Vec::new(),
    };
    let on_screen = matches!(state.view, View::Reader | View::Links)
        && state
            .reader
            .as_ref()
            .is_some_and(|r| r.entry.summary.id == id);
    if !on_screen {
        return Vec::new();
    }
    let again = state
        .keys
        .aside(crate::model::Action::FullArticle, "tries again");
    match event {
        ArticleEvent::Failed { why, .. } => {
            state.status = Some(Status::error(format!("No whole article: {why}{again}")));
        }
        _ => state.status = Some(Status::done("Whole article fetched")),
    }
    let width = state.reader_width();
    let mut effects = Vec::new();
    if fetched {
        effects.push(Effect::ForgetLayouts);
    }
    // Laid out again: the article in place of the feed's text, or the reason in the header.
    effects.push(Effect::OpenEntry { id, width });
    effects
}
