//! The feeds a page names, to choose one: over the bottom of the view like the export dialog, a
//! heading rule, then one row per feed, the cursor's marked; on a short screen the cursor's row
//! always shows. Its keys are on the status line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::export::window;
use super::{Theme, fit};
use crate::app::FeedPick;

/// Draws the list at the bottom of `area` (the view's body).
pub fn draw(buf: &mut Buffer, area: Rect, pick: &FeedPick, theme: &Theme) {
    let width = usize::from(area.width);
    let (first, shown) = window(
        pick.found.len(),
        Some(pick.cursor),
        usize::from(area.height),
    );
    let top = area.bottom() - u16::try_from(shown).unwrap_or(0);
    for (i, y) in (first..first + shown).zip(top..area.bottom()) {
        buf.set_string(area.x, y, " ".repeat(width), theme.plain());
        let (text, style) = if i == 0 {
            let heading = format!("── {} ", pick.heading());
            let rule = "─".repeat(width.saturating_sub(super::text::width(&heading)));
            (format!("{heading}{rule}"), theme.heading())
        } else if i - 1 == pick.cursor {
            (format!("▸ {}", pick.row(i - 1)), theme.selected())
        } else {
            (format!("  {}", pick.row(i - 1)), theme.plain())
        };
        buf.set_string(area.x, y, fit(&text, width), style);
    }
}

/// The status line while the list is open.
pub const HINTS: &str = " ↑↓ choose  1-9 or Enter subscribe  Esc none ";
