//! The feed list: every subscription with unread counts and error markers; opening one shows
//! that feed's stream.

use super::{AppState, Effect, View};
use crate::model::{EntryFilter, Feed};

/// The feed list as a scrolling list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedsView {
    pub feeds: Vec<Feed>,
    pub cursor: usize,
    pub offset: usize,
    pub loaded: bool,
}

impl FeedsView {
    /// Takes in a fresh list, keeping the cursor on the same feed.
    pub fn loaded(&mut self, feeds: Vec<Feed>, height: usize) {
        let keep = self.selected().map(|f| f.id);
        self.feeds = feeds;
        self.loaded = true;
        self.cursor = keep
            .and_then(|id| self.feeds.iter().position(|f| f.id == id))
            .unwrap_or(self.cursor)
            .min(self.feeds.len().saturating_sub(1));
        self.scroll_into_view(height);
    }

    pub fn selected(&self) -> Option<&Feed> {
        self.feeds.get(self.cursor)
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
    }

    fn move_by(&mut self, delta: isize, height: usize) {
        let last = self.feeds.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.scroll_into_view(height);
    }
}

/// Keys on the feed list.
pub fn on_action(state: &mut AppState, action: super::Action) -> Vec<Effect> {
    use super::Action as A;
    let h = state.list_height();
    let page = isize::try_from(h).unwrap_or(isize::MAX);
    let feeds = &mut state.feeds;
    match action {
        A::Down => feeds.move_by(1, h),
        A::Up => feeds.move_by(-1, h),
        A::PageDown => feeds.move_by(page, h),
        A::PageUp => feeds.move_by(-page, h),
        A::Top => feeds.move_by(isize::MIN / 2, h),
        A::Bottom => feeds.move_by(isize::MAX / 2, h),
        A::Open => {
            let Some(feed) = feeds.selected() else {
                return Vec::new();
            };
            let filter = EntryFilter {
                feed: Some(feed.id),
                ..state.stream.filter.clone()
            };
            let title = feed.title.clone();
            state.view = View::Stream;
            return vec![state.stream.refilter(filter, title)];
        }
        A::Back | A::Cancel | A::Feeds => {
            state.view = View::Stream;
            return Vec::new();
        }
        A::ToggleRead
        | A::ToggleStar
        | A::ToggleUnreadOnly
        | A::Quit
        | A::Help
        | A::RefreshAll
        | A::RefreshFeed => {
            return Vec::new();
        }
    }
    // Moving onto a failing feed says why it failed.
    state.status = state.feeds.selected().and_then(|f| {
        let error = f.last_error.as_ref()?;
        let next = match f.hold_until {
            Some(t) if !f.gone => format!(" · next try {}", t.format("%Y-%m-%d %H:%M UTC")),
            _ => String::new(),
        };
        Some(format!("{}: {error}{next}", f.title))
    });
    Vec::new()
}
