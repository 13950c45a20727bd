//! The reader view: one entry's header and its rendered body, scrolled by line and page.

use super::Status;
use super::{AppState, Effect, View, marks, stream};
use crate::model::Action;
use crate::model::Entry;
use crate::render::Rendered;

/// Lines of the header besides the title's: feed · author · date, link, blank.
const HEADER_AFTER_TITLE: usize = 3;
/// Enclosures listed in the reader's header (the links view lists them all).
const MAX_ENCLOSURE_LINES: usize = 3;

/// An open entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderView {
    pub entry: Entry,
    pub rendered: Rendered,
    /// The width `rendered` was laid out at.
    pub width: u16,
    /// The first body line on screen.
    pub scroll: usize,
    /// Body lines holding a word or phrase the stream's filter searches for.
    pub matches: Vec<usize>,
    /// The words and phrases searched for (lowercase), for highlighting.
    pub search: Vec<String>,
}

impl ReaderView {
    /// Rows the header takes on a screen of `height` rows: the whole title (wrapped), then
    /// feed · author · date, the link and a blank line, but never more than half of the rows
    /// between the bars, so the body always shows (on a 20×5 screen: the title's first line
    /// and two lines of body).
    pub fn header_rows(&self, height: u16) -> usize {
        let view = usize::from(height).saturating_sub(2);
        let whole = self.rendered.title.len().max(1)
            + HEADER_AFTER_TITLE
            + usize::from(self.entry.article.is_some())
            + self.enclosure_lines().len();
        whole.min(view / 2).max(1).min(view)
    }

    /// The header's line about the whole article: where it came from, or why there is none.
    pub fn article_line(&self) -> Option<String> {
        self.entry
            .article
            .as_ref()
            .map(crate::model::Article::describe)
    }

    /// The header's lines for the entry's enclosures: `[E1] audio/mpeg, 44.2 MB, 1:02:03`,
    /// at most three, then how many more the links view lists.
    pub fn enclosure_lines(&self) -> Vec<String> {
        let all = &self.entry.enclosures;
        let mut lines: Vec<String> = all
            .iter()
            .take(MAX_ENCLOSURE_LINES)
            .enumerate()
            .map(|(i, e)| format!("[E{}] {}", i + 1, e.describe()))
            .collect();
        if all.len() > MAX_ENCLOSURE_LINES {
            lines.push(format!(
                "… and {} more in the links",
                all.len() - MAX_ENCLOSURE_LINES
            ));
        }
        lines
    }

    /// Body lines that fit on a screen of `height` rows.
    pub fn body_height(&self, height: u16) -> usize {
        usize::from(height)
            .saturating_sub(2 + self.header_rows(height))
            .max(1)
    }

    fn max_scroll(&self, height: u16) -> usize {
        self.rendered
            .lines
            .len()
            .saturating_sub(self.body_height(height))
    }
}

/// Shows a rendered entry if it is the one asked for or the one on screen (a re-render after a
/// resize, or the full layout replacing the fallback keeps its place); drops any other.
pub fn loaded(
    state: &mut AppState,
    mut entry: Entry,
    rendered: Rendered,
    width: u16,
    complete: bool,
) -> Vec<Effect> {
    let id = entry.summary.id;
    // The entry was read from the store before the mark that opening it made (read on open)
    // came back; the stream's row has the flags as they are now.
    if let Some(row) = state.stream.rows.iter().find(|r| r.id == id) {
        entry.summary.read = row.read;
        entry.summary.starred = row.starred;
    }
    let on_screen = state.view == View::Reader
        && state
            .reader
            .as_ref()
            .is_some_and(|r| r.entry.summary.id == id);
    if state.opening != Some(id) && !on_screen {
        return Vec::new();
    }
    state.opening = None;
    let scroll = if on_screen {
        state.reader.as_ref().map_or(0, |r| r.scroll)
    } else {
        0
    };
    // A new entry clears the status line; the one on screen laid out again (its full layout,
    // its whole article, a resize) keeps what it says (why there is no article), but for
    // the note about the plain text.
    if !complete {
        state.status = Some(Status::info(LONG_ENTRY));
    } else if !on_screen || state.status.as_ref().is_some_and(|s| s.text == LONG_ENTRY) {
        state.status = None;
    }
    let search: Vec<String> = state
        .stream
        .filter
        .query
        .search_terms()
        .into_iter()
        .map(str::to_lowercase)
        .collect();
    let matches = matching_lines(&rendered, &search);
    let mut reader = ReaderView {
        entry,
        rendered,
        width,
        scroll: 0,
        matches,
        search,
    };
    reader.scroll = scroll.min(reader.max_scroll(state.height));
    // A search opened the entry: start at the first match below the header.
    if !on_screen && let Some(&first) = reader.matches.first() {
        reader.scroll = first
            .saturating_sub(MATCH_CONTEXT)
            .min(reader.max_scroll(state.height));
    }
    // A full layout is kept for the next time this entry is opened at this width.
    let keep = complete.then(|| Effect::KeepLayout {
        id,
        width,
        rendered: Box::new(reader.rendered.clone()),
    });
    state.reader = Some(reader);
    state.view = View::Reader;
    let fetch = complete
        .then(|| super::article::wanted_on_open(state))
        .flatten();
    keep.into_iter().chain(fetch).collect()
}

/// The status line while a long entry shows as plain text.
const LONG_ENTRY: &str = "A long entry: plain text until its full layout is ready";

/// Lines kept above a match the reader jumps to.
const MATCH_CONTEXT: usize = 2;

/// The indices of the lines that contain any of `terms` (lowercase), ignoring case.
fn matching_lines(rendered: &Rendered, terms: &[String]) -> Vec<usize> {
    if terms.is_empty() {
        return Vec::new();
    }
    rendered
        .lines
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            let text: String = line.spans.iter().map(|s| s.text.as_str()).collect();
            let text = text.to_lowercase();
            terms.iter().any(|t| text.contains(t.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Scrolls to the next (or previous) match, or says there is none.
fn jump_to_match(state: &mut AppState, forward: bool) {
    let height = state.height;
    let Some(reader) = &mut state.reader else {
        return;
    };
    let here = reader.scroll + MATCH_CONTEXT;
    let next = if forward {
        reader.matches.iter().find(|&&m| m > here)
    } else {
        reader.matches.iter().rev().find(|&&m| m < here)
    };
    if let Some(&m) = next {
        reader.scroll = m
            .saturating_sub(MATCH_CONTEXT)
            .min(reader.max_scroll(height));
        return;
    }
    let empty = reader.matches.is_empty();
    let search = state.keys.aside(Action::Filter, "to search");
    state.status = Some(Status::info(if empty {
        format!("No search in the filter to find{search}")
    } else if forward {
        "No more matches below".into()
    } else {
        "No more matches above".into()
    }));
}

/// Keys in the reader.
pub fn on_action(state: &mut AppState, action: super::Action) -> Vec<Effect> {
    use super::Action as A;
    let height = state.height;
    let Some(reader) = &mut state.reader else {
        state.view = View::Stream;
        return Vec::new();
    };
    let page = reader.body_height(height);
    let max = reader.max_scroll(height);
    if let Some(to) = super::Move::of(action, page) {
        reader.scroll = to.apply(reader.scroll, max);
        return Vec::new();
    }
    match action {
        A::ToggleRead => {
            return vec![marks::toggle(
                std::slice::from_ref(&reader.entry.summary),
                marks::Flag::Read,
            )];
        }
        A::ToggleStar => {
            return vec![marks::toggle(
                std::slice::from_ref(&reader.entry.summary),
                marks::Flag::Starred,
            )];
        }
        A::Back | A::Cancel => {
            state.reader = None;
            state.view = View::Stream;
        }
        A::NextEntry => return stream::step_and_open(state, 1),
        A::PrevEntry => return stream::step_and_open(state, -1),
        A::NextUnread => return stream::next_unread_and_open(state),
        A::NextMatch => jump_to_match(state, true),
        A::PrevMatch => jump_to_match(state, false),
        A::Filter => {
            state.reader = None;
            super::prompt::open(state);
        }
        // As everywhere: the feed list (found trying it: `f` in the reader did nothing).
        A::Feeds => {
            state.reader = None;
            state.opening = None;
            state.view = View::Feeds;
            return vec![Effect::LoadFeeds];
        }
        // List keys, and the keys the dispatcher in `app` handles for every view.
        other => super::elsewhere::say(state, other),
    }
    Vec::new()
}
