//! The stream: one line per entry — marks, date, feed, title — unread in bold.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::pad;
use super::{list, theme};
use crate::app::AppState;
use crate::model::EntrySummary;

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState) {
    let stream = &state.stream;
    if stream.rows.is_empty() {
        let message = if !stream.loaded {
            "Loading…"
        } else if stream.filter.unread_only {
            "No unread entries. U shows everything; R refreshes."
        } else {
            "No entries yet. R refreshes; `tidings add URL` subscribes to a feed."
        };
        buf.set_string(
            area.x + 1,
            area.y,
            super::fit(message, usize::from(area.width) - 1),
            theme::dim(),
        );
        return;
    }
    list(
        buf,
        area,
        &stream.rows,
        stream.offset,
        stream.cursor,
        row_line,
    );
}

/// The cells of one stream row at `width` columns.
fn row_line(row: &EntrySummary, width: usize, _selected: bool) -> Vec<(String, Style)> {
    let style = if row.read {
        theme::plain()
    } else {
        theme::unread()
    };
    let marks = format!(
        "{}{} ",
        if row.read { ' ' } else { 'N' },
        if row.starred { '*' } else { ' ' }
    );
    let date = if width >= 60 {
        row.published.format("%Y-%m-%d ").to_string()
    } else {
        row.published.format("%m-%d ").to_string()
    };
    let feed_cols = if width >= 40 {
        (width / 5).clamp(8, 24)
    } else {
        0
    };
    let mut cells = vec![(marks, style), (date, theme::dim())];
    if feed_cols > 0 {
        cells.push((pad(&row.feed_title, feed_cols) + " ", theme::dim()));
    }
    let used: usize = 3 + if width >= 60 { 11 } else { 6 } + feed_cols + usize::from(feed_cols > 0);
    cells.push((pad(&row.title, width.saturating_sub(used)), style));
    cells
}
