//! The export dialog, over the bottom of the view: a heading rule, then format, bodies,
//! destination and (for a file) its name, the focused line marked. Its hints or its error are
//! on the status line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Theme, edit_line, fit};
use crate::app::{ExportDialog, ExportField, ExportTo};

/// Columns before a field's value.
const LABEL: usize = 11;

/// The dialog's rows to show (0 is the heading, then one per field) on `height` lines: all of
/// them when they fit; else the heading goes first, and the fields shown keep the focused one
/// in view. Returns the first row and how many.
pub(super) fn window(fields: usize, focused: Option<usize>, height: usize) -> (usize, usize) {
    let rows = fields + 1;
    if height >= rows {
        return (0, rows);
    }
    let focused = focused.unwrap_or(0) + 1;
    let shown = height.max(1);
    // Rows 1..=fields, a window of `shown` that holds `focused`, as high as it can be.
    let first = focused.saturating_sub(shown - 1).max(1).min(rows - shown);
    (first, shown)
}

/// Draws the dialog at the bottom of `area` (the view's body); on a short screen the heading
/// goes first, and the focused field always shows.
pub fn draw(buf: &mut Buffer, area: Rect, dialog: &ExportDialog, command: &str, theme: &Theme) {
    let width = usize::from(area.width);
    let fields = dialog.fields();
    let (first, shown) = window(
        fields.len(),
        fields.iter().position(|f| *f == dialog.field),
        usize::from(area.height),
    );
    let top = area.bottom() - u16::try_from(shown).unwrap_or(0);
    for (i, y) in (first..first + shown).zip(top..area.bottom()) {
        let line = Rect::new(area.x, y, area.width, 1);
        // Over the view: blank the whole line first.
        buf.set_string(area.x, y, " ".repeat(width), theme.plain());
        if i == 0 {
            let heading = format!("── {} ", dialog.heading());
            let rule = "─".repeat(width.saturating_sub(super::text::width(&heading)));
            buf.set_string(
                area.x,
                y,
                fit(&format!("{heading}{rule}"), width),
                theme.heading(),
            );
            continue;
        }
        let field = fields[i - 1];
        let focused = field == dialog.field;
        let label = match field {
            ExportField::Format => "Format",
            ExportField::Bodies => "Bodies",
            ExportField::To => "To",
            ExportField::Name => "Name",
        };
        let label = format!("  {label:<w$}", w = LABEL - 2);
        if field == ExportField::Name {
            edit_line(
                buf,
                line,
                &label,
                &dialog.name.text,
                dialog.name.cursor,
                focused,
                theme,
            );
            continue;
        }
        let value = match field {
            ExportField::Format => dialog.format.label().to_owned(),
            ExportField::Bodies if dialog.bodies => "yes".into(),
            ExportField::Bodies => "no: titles, links and dates".into(),
            ExportField::To => match dialog.to {
                ExportTo::File => "a file".into(),
                ExportTo::Clipboard => "the clipboard".into(),
                ExportTo::Command => format!("{command} (its stdin)"),
            },
            ExportField::Name => String::new(),
        };
        let (x, _) = buf.set_stringn(area.x, y, fit(&label, width), width, theme.plain());
        let value = if focused {
            format!("‹ {value} ›")
        } else {
            format!("  {value}")
        };
        let style = if focused {
            theme.selected()
        } else {
            theme.plain()
        };
        let left = usize::from(area.right().saturating_sub(x));
        buf.set_stringn(x, y, fit(&value, left), left, style);
    }
}

/// The status line while the dialog is open: its keys, or why `Enter` was refused.
pub fn hints(dialog: &ExportDialog, theme: &Theme) -> (String, ratatui::style::Style) {
    match &dialog.error {
        Some(error) => (format!(" {error}"), theme.error()),
        None => (
            " ↑↓ field  ←→ change  Enter export  Esc cancel ".into(),
            theme.bar(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::window;

    /// Issue #19: at 20×5 the dialog hid its format row (the first field) and showed the
    /// last ones; the heading goes first and the focused field always shows.
    #[test]
    fn a_short_screen_keeps_the_focused_field() {
        assert_eq!(window(4, Some(0), 10), (0, 5), "all fits");
        assert_eq!(window(4, Some(0), 3), (1, 3), "format, bodies, to");
        assert_eq!(window(4, Some(3), 3), (2, 3), "bodies, to, name");
        assert_eq!(window(3, Some(2), 1), (3, 1), "to alone");
    }
}
