//! The download queue: one line per download, its state (or how far it has got), and the
//! file or the title.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::text::pad;
use super::{ListLook, Theme, list};
use crate::app::AppState;
use crate::model::download::{Download, DownloadState};
use crate::model::enclosure::size;

/// What the first column says of a download.
fn stands(state: &AppState, row: &Download) -> String {
    if let Some(p) = state.downloads.active.get(&row.id) {
        return match p.total.filter(|&t| t > 0) {
            Some(total) => format!("{:>3} %", p.received.saturating_mul(100) / total),
            None => size(p.received),
        };
    }
    match row.state {
        DownloadState::Queued if row.error.is_some() => "paused".into(),
        state => state.name().into(),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let d = &state.downloads;
    if d.rows.is_empty() {
        buf.set_string(
            area.x + 1,
            area.y,
            "Nothing queued: d on an entry with an enclosure queues its download",
            theme.dim(),
        );
        return;
    }
    let look = ListLook {
        at: d.list,
        lead: 1,
    };
    list(buf, area, (state, theme), &d.rows, &look, |row, width| {
        let what = match (&row.file, &row.error) {
            (_, Some(error)) => format!("{} – {}: {error}", row.feed_title, row.title),
            (Some(file), None) => file.clone(),
            (None, None) => format!("{} – {}", row.feed_title, row.title),
        };
        let detail = match d.active.get(&row.id) {
            Some(p) => format!("  {}", p.describe()),
            None => String::new(),
        };
        let style = if row.state == DownloadState::Failed {
            theme.error()
        } else {
            theme.plain()
        };
        vec![
            (pad(&format!(" {}", stands(state, row)), 9), theme.dim()),
            (
                pad(&format!("{what}{detail}"), width.saturating_sub(9)),
                style,
            ),
        ]
    });
}
