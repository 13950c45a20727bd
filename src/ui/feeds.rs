//! The feed list: unread/total counts, title, and a marker with the error for failing feeds.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::pad;
use super::{list, theme};
use crate::app::AppState;
use crate::model::Feed;

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState) {
    let feeds = &state.feeds;
    if feeds.feeds.is_empty() {
        let message = if feeds.loaded {
            "No feeds. Subscribe with `tidings add URL` or `tidings import FILE`."
        } else {
            "Loading…"
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
        &feeds.feeds,
        feeds.offset,
        feeds.cursor,
        feed_line,
    );
}

fn feed_line(feed: &Feed, width: usize, _selected: bool) -> Vec<(String, Style)> {
    let style = if feed.unread > 0 {
        theme::unread()
    } else {
        theme::plain()
    };
    let counts = format!("{:>6}/{:<6}", feed.unread, feed.total);
    let mark = if feed.last_error.is_some() {
        "! "
    } else {
        "  "
    };
    let title_cols = width.saturating_sub(counts.len() + 3);
    let mut cells = vec![
        (mark.to_owned(), theme::error()),
        (counts, theme::dim()),
        (" ".to_owned(), style),
    ];
    match &feed.last_error {
        Some(error) if title_cols > 30 => {
            let title_part = title_cols / 2;
            cells.push((pad(&feed.title, title_part), style));
            cells.push((
                pad(&format!(" {error}"), title_cols - title_part),
                theme::error(),
            ));
        }
        _ => cells.push((pad(&feed.title, title_cols), style)),
    }
    cells
}
