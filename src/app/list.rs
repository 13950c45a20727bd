//! The one cursor model of every list (the stream, the feed list, the links, the help) and of
//! the reader's scrolling: a move (by lines, a page, to the top or the bottom) is applied to a
//! position within bounds, and a list's window follows its cursor.

use super::Action;

/// Where a key moves a cursor or a scroll position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Down (positive) or up (negative) by this many lines.
    By(isize),
    Top,
    Bottom,
}

impl Move {
    /// The move `action` means on a list `page` lines high; none for other actions.
    pub fn of(action: Action, page: usize) -> Option<Move> {
        let page = isize::try_from(page).unwrap_or(isize::MAX);
        Some(match action {
            Action::Down => Move::By(1),
            Action::Up => Move::By(-1),
            Action::PageDown => Move::By(page),
            Action::PageUp => Move::By(-page),
            Action::Top => Move::Top,
            Action::Bottom => Move::Bottom,
            _ => return None,
        })
    }

    /// Position `at` after the move, within `0..=last`.
    pub fn apply(self, at: usize, last: usize) -> usize {
        match self {
            Move::By(delta) => at.saturating_add_signed(delta).min(last),
            Move::Top => 0,
            Move::Bottom => last,
        }
    }
}

/// A cursor over a list, and the first line on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub cursor: usize,
    pub offset: usize,
}

impl ListCursor {
    /// Moves the cursor over a list of `len` lines shown `height` at a time.
    pub fn go(&mut self, to: Move, len: usize, height: usize) {
        self.cursor = to.apply(self.cursor, len.saturating_sub(1));
        self.scroll_into_view(height);
    }

    /// Scrolls the window the least that shows the cursor.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_within_the_list() {
        assert_eq!(Move::By(-3).apply(1, 9), 0);
        assert_eq!(Move::By(5).apply(7, 9), 9);
        assert_eq!(Move::By(isize::MAX).apply(7, 9), 9);
        assert_eq!(Move::Top.apply(7, 9), 0);
        assert_eq!(Move::Bottom.apply(0, 9), 9);
        assert_eq!(Move::of(Action::PageUp, 20), Some(Move::By(-20)));
        assert_eq!(Move::of(Action::Open, 20), None);
    }

    #[test]
    fn the_window_follows_the_cursor() {
        let mut list = ListCursor::default();
        list.go(Move::By(12), 30, 10);
        assert_eq!((list.cursor, list.offset), (12, 3));
        list.go(Move::By(-5), 30, 10);
        assert_eq!((list.cursor, list.offset), (7, 3));
        list.go(Move::Bottom, 30, 10);
        assert_eq!((list.cursor, list.offset), (29, 20));
        list.go(Move::Top, 30, 10);
        assert_eq!((list.cursor, list.offset), (0, 0));
        list.go(Move::Bottom, 0, 10);
        assert_eq!((list.cursor, list.offset), (0, 0), "an empty list");
    }
}
