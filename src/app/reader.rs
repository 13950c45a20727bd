//! The reader view: one entry's header and its rendered body, scrolled by line and page.

use super::{AppState, Effect, View, toggle};
use crate::model::Entry;
use crate::render::Rendered;

/// Lines above the body: title, feed · author · date, link, blank.
pub const HEADER_LINES: usize = 4;

/// An open entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderView {
    pub entry: Entry,
    pub rendered: Rendered,
    /// The width `rendered` was laid out at.
    pub width: u16,
    /// The first body line on screen.
    pub scroll: usize,
}

impl ReaderView {
    /// Body lines that fit on a screen of `height` rows.
    pub fn body_height(height: u16) -> usize {
        usize::from(height).saturating_sub(2 + HEADER_LINES).max(1)
    }

    fn max_scroll(&self, height: u16) -> usize {
        self.rendered
            .lines
            .len()
            .saturating_sub(Self::body_height(height))
    }
}

/// Shows a rendered entry if it is the one asked for or the one on screen (a re-render after a
/// resize, or the full layout replacing the fallback keeps its place); drops any other.
pub fn loaded(state: &mut AppState, entry: Entry, rendered: Rendered, width: u16, complete: bool) {
    let id = entry.summary.id;
    let on_screen = state.view == View::Reader
        && state
            .reader
            .as_ref()
            .is_some_and(|r| r.entry.summary.id == id);
    if state.opening != Some(id) && !on_screen {
        return;
    }
    state.opening = None;
    let scroll = if on_screen {
        state.reader.as_ref().map_or(0, |r| r.scroll)
    } else {
        0
    };
    state.status =
        (!complete).then(|| "A long entry: plain text until its full layout is ready".to_owned());
    let mut reader = ReaderView {
        entry,
        rendered,
        width,
        scroll: 0,
    };
    reader.scroll = scroll.min(reader.max_scroll(state.height));
    state.reader = Some(reader);
    state.view = View::Reader;
}

/// Keys in the reader.
pub fn on_action(state: &mut AppState, action: super::Action) -> Vec<Effect> {
    use super::Action as A;
    let height = state.height;
    let Some(reader) = &mut state.reader else {
        state.view = View::Stream;
        return Vec::new();
    };
    let page = ReaderView::body_height(height);
    let max = reader.max_scroll(height);
    match action {
        A::Down => reader.scroll = (reader.scroll + 1).min(max),
        A::Up => reader.scroll = reader.scroll.saturating_sub(1),
        A::PageDown => reader.scroll = (reader.scroll + page).min(max),
        A::PageUp => reader.scroll = reader.scroll.saturating_sub(page),
        A::Top => reader.scroll = 0,
        A::Bottom => reader.scroll = max,
        A::ToggleRead => return vec![toggle(&reader.entry.summary, true)],
        A::ToggleStar => return vec![toggle(&reader.entry.summary, false)],
        A::Back | A::Cancel => {
            state.reader = None;
            state.view = View::Stream;
        }
        A::Open
        | A::ToggleUnreadOnly
        | A::Feeds
        | A::Quit
        | A::Help
        | A::RefreshAll
        | A::RefreshFeed => {}
    }
    Vec::new()
}
