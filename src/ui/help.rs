//! The help screen, generated from the active key bindings.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::pad;
use super::{Theme, fit};
use crate::app::AppState;

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let width = usize::from(area.width);
    let key_cols = state
        .help
        .iter()
        .map(|h| super::text::width(&h.keys))
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let rows = state.help.iter().skip(state.help_scroll().unwrap_or(0));
    for (i, row) in rows.enumerate().take(usize::from(area.height)) {
        let y = area.y + u16::try_from(i).unwrap_or(0);
        let keys = pad(&row.keys, key_cols);
        buf.set_string(area.x + 1, y, &keys, theme.heading());
        let x = area.x + 1 + u16::try_from(key_cols + 2).unwrap_or(0);
        let room = width.saturating_sub(key_cols + 3);
        buf.set_string(x, y, fit(row.action.describe(), room), theme.plain());
    }
}
