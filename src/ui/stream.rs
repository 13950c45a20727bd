//! The stream: one line per entry — marks, date, feed, title — unread in bold, selected rows
//! marked `+`, and a divider above the entries that were already there at the last visit.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::pad;
use super::{ListLook, Theme, fit, list};
use crate::app::AppState;
use crate::model::{Action, EntrySummary};

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let stream = &state.stream;
    if stream.rows.is_empty() {
        let keys = &state.keys;
        // Hints name the keys of the keymap in force, and leave out an action with none.
        let hints = |parts: &[Option<String>]| {
            let parts: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
            parts.join("; ")
        };
        let sentence = |first: &str, rest: String| {
            if rest.is_empty() {
                first.to_owned()
            } else {
                format!("{first} {rest}.")
            }
        };
        // One feed's view, empty because the feed fails: say why.
        let failing = stream.filter.feed.and_then(|id| {
            let feed = state.feeds.feeds.iter().find(|f| f.id == id)?;
            feed.last_error.as_deref()
        });
        let message = if !stream.loaded {
            "Loading…".to_owned()
        } else if let Some(error) = failing {
            sentence(
                &format!("No entries: the feed fails ({error})."),
                hints(&[keys.hint(Action::RefreshFeed, "tries it again")]),
            )
        } else if !stream.filter.query.is_empty() {
            sentence(
                "Nothing matches this filter.",
                hints(&[
                    keys.hint(Action::Filter, "changes it"),
                    keys.hint(Action::Cancel, "clears it"),
                ]),
            )
        } else if stream.filter.unread_only {
            sentence(
                "No unread entries.",
                hints(&[
                    keys.hint(Action::ToggleUnreadOnly, "shows everything"),
                    keys.hint(Action::RefreshAll, "refreshes"),
                ]),
            )
        } else {
            sentence(
                "No entries yet.",
                hints(&[
                    keys.hint(Action::RefreshAll, "refreshes"),
                    keys.of(Action::AddFeed).and_then(|add| {
                        keys.of(Action::Feeds)
                            .map(|feeds| format!("{feeds} then {add} subscribes to a feed"))
                    }),
                ]),
            )
        };
        buf.set_string(
            area.x + 1,
            area.y,
            fit(&message, usize::from(area.width) - 1),
            theme.dim(),
        );
        return;
    }
    let look = ListLook {
        at: stream.list,
        // The bar: every column before the title.
        lead: usize::MAX,
    };
    list(
        buf,
        area,
        (state, theme),
        &stream.rows,
        &look,
        |row, width| row_cells(row, width, stream.is_selected(row), state, theme),
    );
}

/// The cells of one stream row at `width` columns.
fn row_cells(
    row: &EntrySummary,
    width: usize,
    selected: bool,
    state: &AppState,
    theme: &Theme,
) -> Vec<(String, Style)> {
    let mut style = if !row.read {
        theme.unread()
    } else if state.stream.filter.unread_only {
        // Read during this visit: it stays, dimmed, until the view is reloaded.
        theme.dim()
    } else {
        theme.plain()
    };
    // A highlight rule's style on top (an unread row stays bold).
    if let Some(lit) = row.highlight.as_deref().and_then(|h| theme.highlight(h)) {
        style = style.patch(lit);
    }
    // Unread: `N` new since the last visit, `O` from before (mutt's letters).
    let unread = if state.stream.is_new(row) { 'N' } else { 'O' };
    let marks = format!(
        "{}{}{} ",
        if row.read { ' ' } else { unread },
        if row.starred { '*' } else { ' ' },
        if selected { '+' } else { ' ' },
    );
    let date_cols = if width >= 60 {
        date_width(state) + 1
    } else {
        6
    };
    let date = pad(
        &date_label(
            row.published,
            clock(state),
            &state.options.date_format,
            date_cols - 1,
        ),
        date_cols,
    );
    let feed_cols = if width >= 40 {
        (width / 5).clamp(8, 24)
    } else {
        0
    };
    let mut cells = vec![(marks, style), (date, theme.dim())];
    if feed_cols > 0 {
        cells.push((feed_cell(row, feed_cols) + " ", theme.dim()));
    }
    let used = 4 + date_cols + feed_cols + usize::from(feed_cols > 0);
    let room = width.saturating_sub(used);
    // Labels after the title, as `[later] [work]`, when there is room for some title too.
    let labels: String = row.labels.iter().fold(String::new(), |mut out, l| {
        out.push_str(" [");
        out.push_str(l);
        out.push(']');
        out
    });
    if labels.is_empty() || room < 20 {
        cells.push((pad(&row.title, room), style));
    } else {
        let title_cols = room
            .saturating_sub(super::text::width(&labels))
            .max(room / 2);
        let title = fit(&row.title, title_cols);
        let title_len = super::text::width(&title);
        cells.push((title, style));
        cells.push((pad(&labels, room - title_len), theme.dim()));
    }
    cells
}

/// The feed's name in `cols` columns; a story other feeds tell too ends in how many (`+2`),
/// kept whole however the name is cut.
fn feed_cell(row: &EntrySummary, cols: usize) -> String {
    if row.also_in.is_empty() {
        return pad(&row.feed_title, cols);
    }
    let more = format!(" +{}", row.also_in.len());
    let name = fit(&row.feed_title, cols.saturating_sub(more.len()));
    pad(&(name + &more), cols)
}

/// The clock for relative dates, unless the config turned them off.
pub(super) fn clock(state: &AppState) -> Option<DateTime<Utc>> {
    state.now.filter(|_| state.options.relative_dates)
}

/// Columns the date column needs for the configured format (at least a relative date's 9).
fn date_width(state: &AppState) -> usize {
    let sample = DateTime::from_timestamp(1_798_761_599, 0).unwrap_or_default();
    let shown = sample.format(&state.options.date_format).to_string();
    super::text::width(&shown).clamp(9, 24)
}

/// A date in at most `cols` columns: relative when recent ("12m ago", "5h ago", "Tue 14:05"),
/// else the day in `format` (in a narrow column, month and day).
pub(super) fn date_label(
    t: DateTime<Utc>,
    now: Option<DateTime<Utc>>,
    format: &str,
    cols: usize,
) -> String {
    let age = now.map(|now| (now - t).num_seconds());
    let ago = if cols >= 9 { " ago" } else { "" };
    let relative = match age {
        // Up to an hour ahead: something that happened after the last clock tick.
        Some(s) if (-3600..60).contains(&s) => Some("now".to_owned()),
        Some(s) if (0..3600).contains(&s) => Some(format!("{}m{ago}", s / 60)),
        Some(s) if (0..86_400).contains(&s) => Some(format!("{}h{ago}", s / 3600)),
        Some(s) if (0..6 * 86_400).contains(&s) && cols >= 9 => {
            Some(t.format("%a %H:%M").to_string())
        }
        _ => None,
    };
    relative.unwrap_or_else(|| {
        if cols >= 9 {
            t.format(format).to_string()
        } else {
            t.format("%m-%d").to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    #[test]
    fn recent_dates_are_relative_and_old_ones_are_days() {
        let now = Some(at(1_700_000_000));
        assert_eq!(
            date_label(at(1_700_000_000 - 30), now, "%Y-%m-%d", 10),
            "now"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 720), now, "%Y-%m-%d", 10),
            "12m ago"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 5 * 3600), now, "%Y-%m-%d", 5),
            "5h"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 3 * 86_400), now, "%Y-%m-%d", 10),
            "Sat 22:13"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 30 * 86_400), now, "%Y-%m-%d", 10),
            "2023-10-15"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 30 * 86_400), now, "%Y-%m-%d", 5),
            "10-15"
        );
        // No clock yet, or a date well in the future: the day.
        assert_eq!(
            date_label(at(1_700_000_000), None, "%Y-%m-%d", 10),
            "2023-11-14"
        );
        assert_eq!(
            date_label(at(1_700_000_000 + 99), now, "%Y-%m-%d", 10),
            "now"
        );
        assert_eq!(
            date_label(at(1_700_000_000 + 7200), now, "%Y-%m-%d", 10),
            "2023-11-15"
        );
        assert_eq!(
            date_label(at(1_700_000_000 - 30 * 86_400), now, "%d %b %Y", 11),
            "15 Oct 2023"
        );
    }
}
