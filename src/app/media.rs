//! Podcasts and other enclosures in the reader (issue #22): `p` plays the enclosure in front
//! (the one picked in the links view, else the entry's first audio or video file), `d` queues
//! its download (the selection's, in the stream), `w` shows the queue with each download's
//! progress. The queue runs in the background (`Job::Download`); its events keep the view and
//! the status line current.

use std::collections::BTreeMap;

use super::{Action, AppState, Effect, Job, ListCursor, Move, Status, View};
use crate::model::EntryId;
use crate::model::download::{Download, DownloadEvent, DownloadProgress, DownloadState};

/// The downloads view and what the queue is doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadsView {
    pub list: ListCursor,
    /// The queue as last loaded.
    pub rows: Vec<Download>,
    /// Downloads running now, with how far each has got.
    pub active: BTreeMap<i64, DownloadProgress>,
    /// The view to go back to.
    pub back: Option<View>,
}

impl DownloadsView {
    /// The status line's words while downloads run: `Downloading 2: 35 %, 1.2 MB/s`.
    pub fn summary(&self) -> Option<String> {
        if self.active.is_empty() {
            return None;
        }
        let received: u64 = self.active.values().map(|p| p.received).sum();
        let rate: u64 = self.active.values().map(|p| p.rate).sum();
        let total: Option<u64> = self.active.values().map(|p| p.total).sum();
        let whole = DownloadProgress {
            id: 0,
            received,
            total,
            rate,
        };
        Some(format!(
            "Downloading {}: {}",
            self.active.len(),
            whole.describe()
        ))
    }
}

/// The entry and enclosure `p` and `d` mean in the view in front: the picked enclosure in
/// the links view, else the entry's own choice (`None`).
fn in_front(state: &AppState) -> Option<(EntryId, Option<usize>)> {
    match state.view {
        View::Stream => state.stream.selected().map(|r| (r.id, None)),
        View::Reader => state.reader.as_ref().map(|r| (r.entry.summary.id, None)),
        View::Links => {
            let reader = state.reader.as_ref()?;
            let pick = super::link_rows(state)
                .get(state.links.list.cursor)
                .and_then(|row| row.enclosure);
            Some((reader.entry.summary.id, pick))
        }
        View::Feeds | View::Downloads => None,
    }
}

/// `p`: play the enclosure in front (or, in the downloads view, the file downloaded).
pub fn play(state: &mut AppState) -> Vec<Effect> {
    if state.view == View::Downloads {
        let Some(row) = state.downloads.rows.get(state.downloads.list.cursor) else {
            return Vec::new();
        };
        return vec![Effect::PlayDownload { id: row.id }];
    }
    if let Some((id, pick)) = in_front(state) {
        return vec![Effect::Play { id, pick }];
    }
    state.status = Some(Status::info("No enclosure here"));
    Vec::new()
}

/// `d`: queue the download of the enclosure in front, or of the selection's enclosures.
pub fn queue(state: &mut AppState) -> Vec<Effect> {
    if state.view == View::Stream && !state.stream.selection.is_empty() {
        // With everything selected, the rows loaded.
        let ids = state.stream.selected_ids();
        return vec![Effect::QueueDownloads { ids, pick: None }];
    }
    if let Some((id, pick)) = in_front(state) {
        return vec![Effect::QueueDownloads {
            ids: vec![id],
            pick,
        }];
    }
    state.status = Some(Status::info("No enclosure here"));
    Vec::new()
}

/// The queue's messages: the rows as stored, or what its runner said.
pub fn on_msg(state: &mut AppState, msg: super::Msg) -> Vec<Effect> {
    match msg {
        super::Msg::DownloadsLoaded(rows) => {
            loaded(state, rows);
            Vec::new()
        }
        super::Msg::Download(event) => on_event(state, event),
        _ => Vec::new(),
    }
}

/// `w`: the downloads view.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    if state.view != View::Downloads {
        state.downloads.back = Some(state.view);
        state.view = View::Downloads;
    }
    vec![Effect::LoadDownloads]
}

/// The queue as stored now.
fn loaded(state: &mut AppState, rows: Vec<Download>) {
    let h = state.list_height();
    let d = &mut state.downloads;
    d.rows = rows;
    d.list.go(Move::By(0), d.rows.len(), h);
}

/// Keys in the downloads view.
pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let h = state.list_height();
    if let Some(to) = Move::of(action, h) {
        let len = state.downloads.rows.len();
        state.downloads.list.go(to, len, h);
        return Vec::new();
    }
    let row = state.downloads.rows.get(state.downloads.list.cursor);
    match action {
        Action::Back | Action::Cancel | Action::Downloads => {
            state.view = state.downloads.back.take().unwrap_or(View::Stream);
            Vec::new()
        }
        Action::RemoveFeed | Action::ToggleRead => match row {
            Some(row) if state.downloads.active.contains_key(&row.id) => {
                state.status = Some(Status::info(
                    "Downloading now; it can be removed once stopped",
                ));
                Vec::new()
            }
            Some(row) => vec![Effect::RemoveDownload { id: row.id }],
            None => Vec::new(),
        },
        Action::Download => match row {
            Some(row) if row.state == DownloadState::Failed => {
                vec![Effect::RetryDownload { id: row.id }]
            }
            _ => Vec::new(),
        },
        Action::RefreshAll => vec![Effect::LoadDownloads, Effect::StartDownloads],
        _ => Vec::new(),
    }
}

/// What the queue's runner said.
pub fn on_event(state: &mut AppState, event: DownloadEvent) -> Vec<Effect> {
    let d = &mut state.downloads;
    match event {
        DownloadEvent::Started(row) => {
            d.active.insert(
                row.id,
                DownloadProgress {
                    id: row.id,
                    received: row.received,
                    total: row.total,
                    rate: 0,
                },
            );
            upsert(d, row);
            Vec::new()
        }
        // Only for a download still running: a late report must not bring back one that
        // ended.
        DownloadEvent::Progress(p) => {
            if let Some(known) = d.active.get_mut(&p.id) {
                *known = p;
            }
            Vec::new()
        }
        DownloadEvent::Finished { id, file, .. } => {
            d.active.remove(&id);
            state.status = Some(Status::done(format!("Downloaded {file}")));
            reload_if_shown(state)
        }
        DownloadEvent::Failed { id, error, retry } => {
            d.active.remove(&id);
            let then = if retry { " (it will resume)" } else { "" };
            state.status = Some(Status::error(format!("Download failed: {error}{then}")));
            reload_if_shown(state)
        }
    }
}

/// The download job ended: anything queued meanwhile starts.
pub fn job_ended(state: &mut AppState, job: Job) -> Vec<Effect> {
    if job != Job::Download {
        return Vec::new();
    }
    state.downloads.active.clear();
    let mut effects = vec![Effect::StartDownloads];
    effects.extend(reload_if_shown(state));
    effects
}

fn upsert(d: &mut DownloadsView, row: Download) {
    match d.rows.iter_mut().find(|r| r.id == row.id) {
        Some(r) => *r = row,
        None => d.rows.push(row),
    }
}

fn reload_if_shown(state: &AppState) -> Vec<Effect> {
    if state.view == View::Downloads {
        vec![Effect::LoadDownloads]
    } else {
        Vec::new()
    }
}
