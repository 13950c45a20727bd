//! Pure drawing: `draw(frame, &AppState, &Theme)` and one file per view. Reads the state and
//! the theme, writes cells, changes nothing. Every string is fitted to its cell width and filtered of control characters
//! here too, whatever the layers below promised.

mod downloads;
mod export;
mod feeds;
mod help;
mod links;
mod pick;
mod reader;
mod stream;
mod text;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::{AppState, View};
use crate::model::Action;

/// `n` and its noun, for counts that fit in a `u64`.
fn count(n: u64, one: &str, many: &str) -> String {
    crate::model::count_of(usize::try_from(n).unwrap_or(usize::MAX), one, many)
}
pub use text::fit;
pub use theme::Theme;

/// The smallest screen the views are drawn on; below it, a short message instead.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;

/// Where a link is on screen: `width` cells from (`x`, `y`), pointing at `url`. The runtime
/// can make them OSC 8 hyperlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub y: u16,
    pub x: u16,
    pub width: u16,
    pub url: String,
}

/// Draws the whole screen for `state` into a ratatui frame (tests, benches).
pub fn draw(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    draw_buffer(frame.buffer_mut(), state, theme);
}

/// Draws the whole screen for `state` into `buf` (the runtime's own renderer); returns where
/// the links on screen are.
pub fn draw_buffer(buf: &mut Buffer, state: &AppState, theme: &Theme) -> Vec<Hyperlink> {
    let area = buf.area;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(buf, area, theme);
        return Vec::new();
    }
    let title = Rect::new(area.x, area.y, area.width, 1);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    title_bar(buf, title, state, theme);
    let links = match state.view {
        _ if state.help_scroll().is_some() => {
            help::draw(buf, body, state, theme);
            Vec::new()
        }
        View::Stream => {
            stream::draw(buf, body, state, theme);
            Vec::new()
        }
        View::Feeds => {
            feeds::draw(buf, body, state, theme);
            Vec::new()
        }
        View::Reader => reader::draw(buf, body, state, theme),
        View::Links => {
            links::draw(buf, body, state, theme);
            Vec::new()
        }
        View::Downloads => {
            downloads::draw(buf, body, state, theme);
            Vec::new()
        }
    };
    if let Some(dialog) = state.export_dialog() {
        let command = state.options.export_command.as_deref().unwrap_or("");
        export::draw(buf, body, dialog, command, theme);
    }
    if let Some(choice) = state.feed_pick() {
        pick::draw(buf, body, choice, theme);
    }
    status_bar(buf, status, state, theme);
    links
}

fn too_small(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let lines = ["terminal too small", "(20x5 at least)"];
    for (i, line) in lines.iter().enumerate().take(usize::from(area.height)) {
        let y = area.y + u16::try_from(i).unwrap_or(0);
        buf.set_string(area.x, y, fit(line, usize::from(area.width)), theme.plain());
    }
}

fn title_bar(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let view = match state.view {
        _ if state.help_scroll().is_some() => "Keys".to_owned(),
        View::Stream => state.stream.title.clone(),
        View::Feeds => "Feeds".to_owned(),
        View::Reader => state
            .reader
            .as_ref()
            .map_or_else(String::new, |r| r.entry.summary.feed_title.clone()),
        View::Links => "Links".to_owned(),
        View::Downloads => "Downloads".to_owned(),
    };
    let mut filter = String::new();
    if state.view == View::Stream {
        if state.stream.filter.unread_only {
            filter.push_str("  [unread only]");
        }
        if !state.stream.filter.query.is_empty() {
            filter.push_str("  / ");
            filter.push_str(&state.stream.filter.query.to_string());
        }
    }
    // The bars are reverse video over their text only: a full-width bar costs a line of
    // bytes whenever it changes, over a slow link.
    let text = format!(" tidings · {view}{filter} ");
    buf.set_string(
        area.x,
        area.y,
        fit(&text, usize::from(area.width)),
        theme.bar(),
    );
}

fn status_bar(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let width = usize::from(area.width);
    if let Some(question) = state.confirm() {
        let text = format!(" {} ", question.question());
        buf.set_string(area.x, area.y, fit(&text, width), theme.bar());
        return;
    }
    if state.feed_pick().is_some() {
        buf.set_string(area.x, area.y, fit(pick::HINTS, width), theme.bar());
        return;
    }
    if let Some(dialog) = state.export_dialog() {
        let (text, style) = export::hints(dialog, theme);
        buf.set_string(area.x, area.y, fit(&text, width), style);
        return;
    }
    if let Some(prompt) = state.prompt() {
        prompt_line(buf, area, prompt, &state.keys, theme);
        return;
    }
    let keys = &state.keys;
    let hints: Vec<String> = [
        keys.hint(Action::Help, "help"),
        keys.hint(Action::Back, "quit"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let hint = if hints.is_empty() {
        String::new()
    } else {
        format!(" {} ", hints.join("  "))
    };
    let hint = hint.as_str();
    let error = state
        .status
        .as_ref()
        .is_some_and(|s| s.kind == crate::app::StatusKind::Error);
    let left = if let Some(message) = &state.status {
        format!(" {} ", message.text)
    } else {
        let c = state.counts;
        match state.stream.matched {
            // A narrowed stream says what it matches.
            Some((n, unread)) if state.view == View::Stream && state.stream.is_narrowed() => {
                format!(" {n} of {} entries match, {unread} unread ", c.entries)
            }
            _ => format!(
                " {}, {} unread, {} starred, {} ",
                count(c.entries, "entry", "entries"),
                c.unread,
                c.starred,
                count(c.feeds, "feed", "feeds")
            ),
        }
    };
    let left = match state.job {
        Some(p) => {
            let cancel = keys.aside(Action::Cancel, "cancels");
            let count = if p.total > 0 {
                format!(" {}/{} entries", p.done, p.total)
            } else {
                "…".to_owned()
            };
            format!(" Exporting{count}{cancel} ·{left}")
        }
        None => left,
    };
    let left = match &state.refresh {
        Some(p) if p.step.is_some() => {
            let step = p.step.as_deref().unwrap_or_default();
            if p.total > 0 {
                format!(" Syncing: {step} {}/{} ·{left}", p.done, p.total)
            } else {
                format!(" Syncing: {step}… ·{left}")
            }
        }
        Some(p) if p.failed > 0 => format!(
            " Refreshing {}/{} ({} failed) ·{left}",
            p.done, p.total, p.failed
        ),
        Some(p) => format!(" Refreshing {}/{} ·{left}", p.done, p.total),
        None => left,
    };
    let left = before(state.downloads.summary(), left);
    let left = match state.stream.selection_label() {
        Some(label) if state.view == View::Stream && state.status.is_none() => {
            format!(" {label} ·{left}")
        }
        _ => left,
    };
    // An error is drawn as one, so it is not taken for a confirmation.
    let style = if error { theme.error() } else { theme.bar() };
    let hint_width = text::width(hint);
    if hint_width > 0 && width >= hint_width + 20 {
        buf.set_string(area.x, area.y, fit(&left, width - hint_width - 1), style);
        let x = area.right() - u16::try_from(hint_width).unwrap_or(0);
        buf.set_string(x, area.y, hint, theme.bar());
    } else {
        buf.set_string(area.x, area.y, fit(&left, width), style);
    }
}

/// `left` after `what` (` what ·left`), when there is something to say.
fn before(what: Option<String>, left: String) -> String {
    match what {
        Some(what) => format!(" {what} ·{left}"),
        None => left,
    }
}

/// The filter line: `/`, the text with a block cursor, or the error of the last `Enter`.
fn prompt_line(
    buf: &mut Buffer,
    area: Rect,
    prompt: &crate::app::Prompt,
    state_keys: &crate::app::KeyNames,
    theme: &Theme,
) {
    let width = usize::from(area.width);
    buf.set_style(area, theme.plain());
    if let Some(error) = &prompt.error {
        let clear = state_keys
            .hint(Action::Cancel, "clears")
            .map(|h| format!("  ({h})"))
            .unwrap_or_default();
        let text = format!(" {error}{clear}");
        buf.set_string(area.x, area.y, fit(&text, width), theme.error());
        return;
    }
    edit_line(
        buf,
        area,
        prompt.kind.label(),
        &prompt.line.text,
        prompt.line.cursor,
        true,
        theme,
    );
}

/// A line of typed text after `label`; when `focused`, with a block cursor at byte `cursor`,
/// and scrolled so the cursor stays in view.
#[allow(clippy::too_many_arguments)] // a line is these things; a struct would only rename them
fn edit_line(
    buf: &mut Buffer,
    area: Rect,
    label: &str,
    text: &str,
    cursor: usize,
    focused: bool,
    theme: &Theme,
) {
    let width = usize::from(area.width);
    if !focused {
        buf.set_stringn(
            area.x,
            area.y,
            fit(&format!("{label}{text}"), width),
            width,
            theme.plain(),
        );
        return;
    }
    let before = &text[..cursor];
    let after = &text[cursor..];
    let room = width.saturating_sub(3 + text::width(label));
    let mut shown_before: String = before.to_owned();
    while text::width(&shown_before) > room && !shown_before.is_empty() {
        shown_before.remove(0);
    }
    let head = format!("{label}{shown_before}");
    let (x, _) = buf.set_stringn(area.x, area.y, fit(&head, width), width, theme.plain());
    let mut rest = after.chars();
    let under = rest
        .next()
        .map_or_else(|| " ".to_owned(), |c| c.to_string());
    let left = usize::from(area.right().saturating_sub(x));
    let (x, _) = buf.set_stringn(x, area.y, fit(&under, left), left, theme.selected());
    let left = usize::from(area.right().saturating_sub(x));
    buf.set_stringn(x, area.y, fit(rest.as_str(), left), left, theme.plain());
}

/// Draws `rows` in `area`, one line each, from `offset`; `line(row, width, selected)` makes one.
/// The cursor row's look: its first `lead` cells (the marks and columns before the title) in
/// the selected style, or the whole line when the config asks for it. The short bar reads
/// without colour and costs a fraction of the bytes to move over a slow link.
fn cursor_style(
    state: &AppState,
    theme: &Theme,
    cells: Vec<(String, ratatui::style::Style)>,
    lead: usize,
) -> Vec<(String, ratatui::style::Style)> {
    let full = state.options.full_line_cursor;
    cells
        .into_iter()
        .enumerate()
        .map(|(i, (text, style))| {
            if full || i < lead {
                (text, style.patch(theme.selected()))
            } else {
                (text, style)
            }
        })
        .collect()
}

/// How a list is drawn: where its cursor and window are, and how many cells of the cursor
/// row the cursor bar covers (never the last, the title).
struct ListLook {
    at: crate::app::ListCursor,
    lead: usize,
}

/// Draws `rows` in `area`, one line each, from the window's first; `line(row, width)` makes
/// one, and the cursor row's first cells are highlighted (see `cursor_style`).
fn list<T>(
    buf: &mut Buffer,
    area: Rect,
    (state, theme): (&AppState, &Theme),
    rows: &[T],
    look: &ListLook,
    line: impl Fn(&T, usize) -> Vec<(String, ratatui::style::Style)>,
) {
    let offset = look.at.offset;
    let shown = rows.iter().enumerate().skip(offset);
    for ((i, row), y) in shown.zip(area.y..area.bottom()) {
        let selected = i == look.at.cursor;
        if selected && state.options.full_line_cursor {
            buf.set_style(Rect::new(area.x, y, area.width, 1), theme.selected());
        }
        let mut cells = line(row, usize::from(area.width));
        if selected {
            let lead = look.lead.min(cells.len().saturating_sub(1));
            cells = cursor_style(state, theme, cells, lead);
        }
        let mut x = area.x;
        for (text, style) in cells {
            let left = usize::from(area.right().saturating_sub(x));
            let (next, _) = buf.set_stringn(x, y, &text, left, style);
            x = next;
        }
    }
}

#[cfg(test)]
mod tests;
