//! The help screen, generated from the active key bindings.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::pad;
use super::{Theme, fit};
use crate::app::AppState;

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let width = usize::from(area.width);
    // The app lays the lines out (it scrolls them); at the width of the whole screen.
    let lines = crate::app::help_lines(&state.help, state.width);
    let key_cols = lines
        .iter()
        .filter(|l| !l.heading)
        .map(|l| super::text::width(&l.keys))
        .max()
        .unwrap_or(0);
    let shown = lines.iter().skip(state.help_scroll().unwrap_or(0));
    for (line, y) in shown.zip(area.y..area.bottom()) {
        if line.heading {
            buf.set_string(area.x + 1, y, fit(&line.keys, width - 1), theme.heading());
            continue;
        }
        let keys = pad(&line.keys, key_cols);
        buf.set_string(area.x + 1, y, fit(&keys, width - 1), theme.heading());
        let x = area.x + 1 + u16::try_from(key_cols + 2).unwrap_or(0);
        let room = width.saturating_sub(key_cols + 3);
        buf.set_string(x, y, fit(&line.text, room), theme.plain());
    }
}
