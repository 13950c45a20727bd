//! The export dialog, over the bottom of the view: a heading rule, then format, bodies,
//! destination and (for a file) its name, the focused line marked. Its hints or its error are
//! on the status line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Theme, edit_line, fit};
use crate::app::{ExportDialog, ExportField, ExportTo};

/// Columns before a field's value.
const LABEL: usize = 11;

/// Draws the dialog at the bottom of `area` (the view's body); on a short screen the heading
/// goes first, then the top lines.
pub fn draw(buf: &mut Buffer, area: Rect, dialog: &ExportDialog, command: &str, theme: &Theme) {
    let width = usize::from(area.width);
    let fields = dialog.fields();
    let rows = fields.len() + 1;
    let shown = rows.min(usize::from(area.height));
    let skip = rows - shown;
    let top = area.bottom() - u16::try_from(shown).unwrap_or(0);
    for (i, y) in (skip..rows).zip(top..area.bottom()) {
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
