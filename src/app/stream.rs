//! The stream view: a window of rows over the filtered stream, filled by keyset pages in both
//! directions and trimmed at the far end, so memory stays flat however long the stream is.

use chrono::{DateTime, Utc};

use super::Status;
use super::{AppState, Effect, ListCursor, Move, Selection, View, marks, prompt};
use crate::model::{Cursor, EntryFilter, EntryId, EntrySummary, Mark, Page, Query};

/// Rows asked for per page.
pub const PAGE_SIZE: usize = 200;
/// Rows kept in memory at most; the far end is dropped beyond this.
const MAX_WINDOW: usize = 3 * PAGE_SIZE;

/// Where the cursor goes when a requested page replaces the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Top,
    Bottom,
    /// Stay on this entry if the new filter still shows it, else at the top (the first match).
    Entry(EntryId),
    /// Stay on this entry, reloading in place: news above may push it past the rows reloaded,
    /// so older pages follow until it is found. If it is gone, at this index.
    Keep(Cursor, usize),
}

/// The stream (or one feed's stream) as a scrolling list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamView {
    pub filter: EntryFilter,
    pub title: String,
    /// A contiguous slice of the filtered stream, newest first.
    pub rows: Vec<EntrySummary>,
    /// The window starts at the newest entry.
    pub at_top: bool,
    /// The window ends at the oldest entry.
    pub at_bottom: bool,
    /// The cursor row and the first row on screen, in `rows`.
    pub list: ListCursor,
    /// Bumped by every reload, so late pages of an older filter are ignored.
    pub generation: u64,
    /// The first page has arrived.
    pub loaded: bool,
    pub selection: Selection,
    /// What the filter matches (entries, unread), once counted; `None` for the whole stream
    /// or while counting.
    pub matched: Option<(u64, u64)>,
    /// Opened from the feed list (a feed, a tag, a saved view), with the query it was opened
    /// with: `q` and `Esc` take a filter typed since back to it first, then go back there.
    pub from_feeds: Option<Query>,
    /// When the previous visit ended: entries first seen after it are new.
    pub last_visit: Option<DateTime<Utc>>,
    pending: Option<(Page, usize)>,
    anchor: Anchor,
}

impl StreamView {
    pub fn new(filter: EntryFilter, title: String) -> Self {
        Self {
            filter,
            title,
            rows: Vec::new(),
            at_top: true,
            at_bottom: false,
            list: ListCursor::default(),
            generation: 0,
            loaded: false,
            selection: Selection::default(),
            matched: None,
            from_feeds: None,
            last_visit: None,
            pending: None,
            anchor: Anchor::Top,
        }
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<&EntrySummary> {
        self.rows.get(self.list.cursor)
    }

    fn request(&mut self, page: Page, limit: usize) -> Effect {
        self.pending = Some((page, limit));
        Effect::LoadPage {
            generation: self.generation,
            filter: self.filter.clone(),
            page,
            limit,
        }
    }

    /// Drops the window and loads the stream from the top.
    pub fn reload(&mut self) -> Effect {
        self.generation += 1;
        self.anchor = Anchor::Top;
        self.request(Page::First, PAGE_SIZE)
    }

    /// Reloads from the top keeping the cursor on the same entry, when the window is at the top
    /// (new entries then appear above). Deeper down, scrolling up will bring them in.
    pub fn refresh_in_place(&mut self) -> Option<Effect> {
        if !self.at_top {
            return None;
        }
        self.generation += 1;
        self.anchor = self
            .selected()
            .map_or(Anchor::Top, |r| Anchor::Keep(r.cursor(), self.list.cursor));
        Some(self.request(Page::First, self.rows.len().max(PAGE_SIZE)))
    }

    /// The next older page, while the window may not reach down to `at` yet.
    fn seek(&mut self, at: Cursor) -> Option<Effect> {
        let last = self.rows.last()?.cursor();
        (!self.at_bottom && (last.published, last.id.0) > (at.published, at.id.0))
            .then(|| self.request(Page::Older(last), PAGE_SIZE))
    }

    fn position(&self, id: EntryId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    fn keep_anchor(&self) -> Anchor {
        self.selected().map_or(Anchor::Top, |r| Anchor::Entry(r.id))
    }

    /// Reloads with a changed filter, keeping the cursor on the same entry if it still matches.
    /// Explicitly selected entries stay selected; "everything" and a range being drawn were
    /// about the old filter and end.
    pub fn refilter(&mut self, filter: EntryFilter, title: String) -> Effect {
        let anchor = self.keep_anchor();
        self.selection.all = false;
        self.selection.range_from = None;
        self.filter = filter;
        self.title = title;
        self.matched = None;
        let effect = self.reload();
        self.anchor = anchor;
        effect
    }

    /// Takes in a page the runtime loaded; may ask for the next one.
    pub fn page_loaded(
        &mut self,
        generation: u64,
        page: Page,
        rows: Vec<EntrySummary>,
        height: usize,
    ) -> Vec<Effect> {
        if generation != self.generation {
            return Vec::new();
        }
        let limit = match self.pending.take() {
            Some((p, limit)) if p == page => limit,
            other => {
                self.pending = other;
                return Vec::new();
            }
        };
        let full = rows.len() >= limit;
        let anchor = std::mem::replace(&mut self.anchor, Anchor::Top);
        match page {
            Page::First | Page::Last => {
                self.rows = rows;
                self.at_top = page == Page::First || !full;
                self.at_bottom = page == Page::Last || !full;
                self.loaded = true;
                self.list.cursor = match anchor {
                    Anchor::Top => 0,
                    Anchor::Bottom => self.rows.len().saturating_sub(1),
                    Anchor::Entry(id) => self.position(id).unwrap_or(0),
                    Anchor::Keep(Cursor { id, .. }, index) => self.position(id).unwrap_or(index),
                };
                self.list.offset = if anchor == Anchor::Bottom {
                    // The last screenful (`scroll_into_view` brings the window up to it).
                    self.list.cursor
                } else {
                    self.list.offset.min(self.list.cursor)
                };
            }
            Page::Older(_) => {
                self.at_bottom = !full;
                self.rows.extend(rows);
                if self.rows.len() > MAX_WINDOW {
                    let drop = self.rows.len() - MAX_WINDOW;
                    self.rows.drain(..drop);
                    self.list.cursor = self.list.cursor.saturating_sub(drop);
                    self.list.offset = self.list.offset.saturating_sub(drop);
                    self.at_top = false;
                }
                if let Anchor::Keep(at, _) = anchor
                    && let Some(i) = self.position(at.id)
                {
                    self.list.cursor = i;
                }
            }
            Page::Newer(_) => {
                self.at_top = !full;
                let added = rows.len();
                self.rows.splice(0..0, rows);
                self.list.cursor += added;
                self.list.offset += added;
                if self.rows.len() > MAX_WINDOW {
                    self.rows.truncate(MAX_WINDOW);
                    self.at_bottom = false;
                }
            }
        }
        self.list.cursor = self.list.cursor.min(self.rows.len().saturating_sub(1));
        // Still looking for the entry the cursor was on: on to the next older page (the
        // runtime loads it before the next key or frame).
        if let Anchor::Keep(at, _) = anchor
            && self.position(at.id).is_none()
            && let Some(more) = self.seek(at)
        {
            self.anchor = anchor;
            self.scroll_into_view(height);
            return vec![more];
        }
        self.scroll_into_view(height);
        let mut effects: Vec<Effect> = self.prefetch(height).into_iter().collect();
        // A fresh first page (a new filter, a reload after news): count the matches again.
        if page == Page::First {
            effects.extend(self.count());
        }
        effects
    }

    /// Keeps the cursor on screen, and the screen full when there are rows enough (no blank
    /// lines under the last row while rows above are hidden).
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        self.list.offset = self.list.offset.min(self.rows.len().saturating_sub(height));
        self.list.scroll_into_view(height);
    }

    /// Asks for the next page when the cursor comes within a screen of the window's edge.
    fn prefetch(&mut self, height: usize) -> Option<Effect> {
        if self.pending.is_some() || self.rows.is_empty() {
            return None;
        }
        let margin = height.max(20) * 2;
        if !self.at_bottom && self.rows.len() - self.list.cursor <= margin {
            let last = self.rows.last()?.cursor();
            return Some(self.request(Page::Older(last), PAGE_SIZE));
        }
        if !self.at_top && self.list.cursor < margin {
            let first = self.rows.first()?.cursor();
            return Some(self.request(Page::Newer(first), PAGE_SIZE));
        }
        None
    }

    /// Moves the cursor within the window (and asks for the next page near its edge).
    pub fn go(&mut self, to: Move, height: usize) -> Vec<Effect> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        self.list.cursor = to.apply(self.list.cursor, self.rows.len() - 1);
        self.scroll_into_view(height);
        self.prefetch(height).into_iter().collect()
    }

    /// Moves the cursor by `delta` rows within the window.
    pub fn move_by(&mut self, delta: isize, height: usize) -> Vec<Effect> {
        self.go(Move::By(delta), height)
    }

    fn top(&mut self, height: usize) -> Vec<Effect> {
        if self.at_top {
            self.go(Move::Top, height)
        } else {
            vec![self.reload()]
        }
    }

    fn bottom(&mut self, height: usize) -> Vec<Effect> {
        if self.at_bottom {
            self.go(Move::Bottom, height)
        } else {
            self.generation += 1;
            self.anchor = Anchor::Bottom;
            vec![self.request(Page::Last, PAGE_SIZE)]
        }
    }

    /// Whether the view shows less than every entry (a filter, unread only, one feed).
    pub fn is_narrowed(&self) -> bool {
        self.filter != EntryFilter::default()
    }

    /// The background count of what the filter matches, when the view is narrowed.
    pub fn count(&self) -> Option<Effect> {
        self.is_narrowed().then(|| Effect::CountMatches {
            generation: self.generation,
            filter: self.filter.clone(),
        })
    }

    /// Whether `row` is new: first seen since the last visit (everything is, on a first one).
    /// New rows are marked wherever they fall in the stream (a late-polled feed, a backdated
    /// post), and the `new` filter term finds them all.
    pub fn is_new(&self, row: &EntrySummary) -> bool {
        self.last_visit.is_none_or(|visit| row.first_seen > visit)
    }

    /// Moves to the next unread row below the cursor among those loaded.
    fn next_unread(&mut self, height: usize) -> Option<Vec<Effect>> {
        let from = self.list.cursor + 1;
        let at = self.rows.get(from..)?.iter().position(|r| !r.read)? + from;
        let delta = isize::try_from(at - self.list.cursor).unwrap_or(isize::MAX);
        Some(self.move_by(delta, height))
    }
}

/// In the reader: moves the stream's cursor by `delta` and opens that entry.
pub fn step_and_open(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let h = state.list_height();
    let before = state.stream.list.cursor;
    let mut effects = state.stream.move_by(delta, h);
    if state.stream.list.cursor == before {
        state.status = Some(Status::info(if delta > 0 {
            "This is the last entry loaded"
        } else {
            "This is the first entry"
        }));
        return effects;
    }
    effects.extend(open(state));
    effects
}

/// In the reader: opens the next unread entry of the stream.
pub fn next_unread_and_open(state: &mut AppState) -> Vec<Effect> {
    let before = state.stream.list.cursor;
    let mut effects = next_unread(state);
    if state.stream.list.cursor != before {
        effects.extend(open(state));
    }
    effects
}

/// `n`: the next unread entry, or why there is none.
pub fn next_unread(state: &mut AppState) -> Vec<Effect> {
    let h = state.list_height();
    if let Some(effects) = state.stream.next_unread(h) {
        return effects;
    }
    state.status = Some(Status::info(if state.stream.at_bottom {
        "No unread entries below"
    } else {
        "No unread entries in the rows loaded; scroll down for more"
    }));
    Vec::new()
}

/// Keys on the stream view.
pub fn on_action(state: &mut AppState, action: super::Action) -> Vec<Effect> {
    use super::Action as A;
    let h = state.list_height();
    let stream = &mut state.stream;
    match action {
        A::Down | A::Up | A::PageDown | A::PageUp => {
            Move::of(action, h).map_or_else(Vec::new, |to| stream.go(to, h))
        }
        A::Top => stream.top(h),
        A::Bottom => stream.bottom(h),
        A::Open => open(state),
        A::ToggleRead => marks::toggle_on_stream(state, marks::Flag::Read),
        A::ToggleStar => marks::toggle_on_stream(state, marks::Flag::Starred),
        A::ToggleSelect => marks::toggle_select(state),
        A::SelectRange => {
            marks::select_range(state);
            Vec::new()
        }
        A::SelectAll => {
            marks::select_all(state);
            Vec::new()
        }
        A::MarkAllRead => {
            marks::ask_mark_all(state);
            Vec::new()
        }
        A::MarkAboveRead => marks::mark_above(state),
        A::Filter => {
            prompt::open(state);
            Vec::new()
        }
        A::NextUnread => next_unread(state),
        A::ToggleUnreadOnly => {
            let says = ["Showing all entries", "Showing unread entries only"];
            toggle(stream, &mut state.status, |f| &mut f.unread_only, says)
        }
        A::ToggleCopies => {
            let says = [
                "Showing each story once",
                "Showing every copy of a story several feeds tell",
            ];
            toggle(stream, &mut state.status, |f| &mut f.with_copies, says)
        }
        A::Feeds => {
            state.opening = None;
            state.view = View::Feeds;
            vec![Effect::LoadFeeds]
        }
        // An entry still being laid out: q and Esc take the opening back, they do not quit.
        A::Back | A::Cancel if state.opening.is_some() => {
            state.opening = None;
            Vec::new()
        }
        A::Cancel if !stream.selection.is_empty() => {
            marks::clear_selection(state);
            Vec::new()
        }
        A::Back | A::Cancel
            if stream
                .from_feeds
                .as_ref()
                .is_some_and(|opened| *opened != stream.filter.query) =>
        {
            let opened = stream.from_feeds.clone().unwrap_or_default();
            prompt::set_query(state, opened)
        }
        A::Back | A::Cancel if stream.from_feeds.is_some() => {
            let filter = EntryFilter {
                unread_only: stream.filter.unread_only,
                with_copies: stream.filter.with_copies,
                ..EntryFilter::default()
            };
            stream.from_feeds = None;
            let effect = stream.refilter(filter, "All entries".into());
            state.view = View::Feeds;
            vec![effect, Effect::LoadFeeds]
        }
        A::Back | A::Cancel if !stream.filter.query.is_empty() => {
            prompt::set_query(state, Query::default())
        }
        A::Back => super::quit(state),
        // Reader and feed-list keys, and those the dispatcher in `app` handles everywhere.
        other => {
            super::elsewhere::say(state, other);
            Vec::new()
        }
    }
}

fn open(state: &mut AppState) -> Vec<Effect> {
    let Some(row) = state.stream.selected() else {
        return Vec::new();
    };
    state.opening = Some(row.id);
    let mut effects = vec![Effect::OpenEntry {
        id: row.id,
        width: state.reader_width(),
    }];
    if state.options.mark_read_on_open && !row.read {
        effects.push(Effect::SetMark {
            ids: vec![row.id],
            mark: Mark::Read,
        });
    }
    effects
}

/// Flips one switch of the stream's filter, says which way (`says`: off, on) and reloads.
fn toggle(
    stream: &mut StreamView,
    status: &mut Option<Status>,
    switch: impl Fn(&mut EntryFilter) -> &mut bool,
    says: [&str; 2],
) -> Vec<Effect> {
    let mut filter = stream.filter.clone();
    let on = switch(&mut filter);
    *on = !*on;
    *status = Some(Status::info(says[usize::from(*on)]));
    let title = stream.title.clone();
    vec![stream.refilter(filter, title)]
}
