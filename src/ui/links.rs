//! The links view: the open entry's links, one per line, `[n]` and the address.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::pad;
use super::{ListLook, Theme, list};
use crate::app::{AppState, link_rows};

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let rows = link_rows(state);
    let look = ListLook {
        at: state.links.list,
        lead: 1,
    };
    list(buf, area, (state, theme), &rows, &look, |row, width| {
        vec![
            (pad(&format!(" {}", row.label), 7), theme.dim()),
            (pad(&row.url, width.saturating_sub(7)), theme.link()),
        ]
    });
}
