//! The interactive model (The Elm Architecture): `AppState`, the `Msg`s that change it, the
//! `Effect`s it asks the runtime to perform, and the pure `update`. No I/O, no clock, no
//! terminal: uses only `model` and `render` types.

mod export;
mod feeds;
mod keys;
mod links;
mod list;
mod marks;
mod modal;
mod mouse;
mod prompt;
mod reader;
mod status;
mod stream;
mod sync;
mod work;

pub use crate::model::Action;
pub use export::{
    Destination as ExportDestination, Dialog as ExportDialog, Field as ExportField,
    Target as ExportTarget, To as ExportTo,
};
pub use feeds::{FeedsView, Item as FeedsItem, SavedView};
pub use keys::help_rows;
pub use links::{LinkRow, LinksView, rows as link_rows};
pub use list::{ListCursor, Move};
pub use marks::{Confirm, MarkChange, Selection, UNDO_DEPTH};
pub use modal::{Line, Modal};
pub use prompt::{Prompt, PromptKind, TextKey};
pub use reader::ReaderView;
pub use status::{KeyNames, Status, StatusKind};
pub use stream::{PAGE_SIZE, StreamView};
pub use work::{Job, JobProgress};

use chrono::{DateTime, Utc};

use crate::model::{
    Counts, Cursor, Entry, EntryFilter, EntryId, EntrySummary, Feed, FeedId, Mark, Page,
    RefreshEvent, RefreshScope,
};
use crate::render::Rendered;

/// One line of the help screen: the keys bound to an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub action: Action,
}

/// Which screen is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Stream,
    Feeds,
    Reader,
    /// The open entry's links, to pick one.
    Links,
}

/// Refresh progress for the status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
    /// Feeds with new entries since the stream was last reloaded during this run.
    pub news_unshown: usize,
    /// The last failure, `TITLE: ERROR`, for the summary (the feed list may not have it when
    /// the failure was that nothing could be written).
    pub last_failure: Option<String>,
}

/// During a run, the stream is reloaded in place after this many feeds brought news (at once
/// while it is empty), so a long refresh fills the screen as it goes.
const RELOAD_EVERY: usize = 50;

/// Options the runtime passes in from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub mark_read_on_open: bool,
    /// Widest the reader lays text out.
    pub max_width: u16,
    /// When the previous session ended (entries first seen after it are new).
    pub last_visit: Option<DateTime<Utc>>,
    /// Saved views from the config, listed at the top of the feed list.
    pub views: Vec<SavedView>,
    /// Over SSH or without a display: `o` copies links instead of starting a browser.
    pub remote: bool,
    /// How the stream writes dates older than a few days (strftime).
    pub date_format: String,
    /// Recent dates as "12m ago", "Tue 14:05".
    pub relative_dates: bool,
    /// The cursor highlights the whole line, not only the columns before the title.
    pub full_line_cursor: bool,
    /// Where `e` proposes to write exports.
    pub export_dir: String,
    /// The program `[export] command` names, when one is configured.
    pub export_command: Option<String>,
    /// The keymap in force: what keys mean, and what hints name.
    pub keymap: crate::model::keymap::Keymap,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mark_read_on_open: true,
            max_width: 100,
            last_visit: None,
            views: Vec::new(),
            remote: false,
            date_format: "%Y-%m-%d".into(),
            relative_dates: true,
            full_line_cursor: false,
            export_dir: ".".into(),
            export_command: None,
            keymap: crate::model::keymap::Keymap::default(),
        }
    }
}

/// Everything the interface shows, and nothing the runtime owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppState {
    pub view: View,
    /// What takes the keys in front of the view, if anything.
    pub modal: Option<Modal>,
    pub stream: StreamView,
    pub feeds: FeedsView,
    pub reader: Option<ReaderView>,
    pub links: LinksView,
    /// The entry the user asked to open, until its rendering arrives (a late rendering of
    /// anything else is dropped).
    pub opening: Option<EntryId>,
    pub counts: Counts,
    pub refresh: Option<Progress>,
    /// An export running in the background, and how far it has got (`Esc` cancels it).
    pub job: Option<JobProgress>,
    /// A one-line message for the status line (errors, results); cleared by the next key.
    pub status: Option<Status>,
    /// Mark changes that `u` takes back, the latest last.
    pub undo: Vec<MarkChange>,
    /// The time of the last `Msg::Tick`, for relative dates.
    pub now: Option<DateTime<Utc>>,
    /// The export dialog's choices last time.
    pub last_export: export::Remembered,
    pub help: Vec<HelpRow>,
    /// The keys hints name (from the keymap in force).
    pub keys: KeyNames,
    pub width: u16,
    pub height: u16,
    pub options: Options,
    pub quit: bool,
}

/// Something that happened: a key, a result of an effect, a refresh event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A key pressed, as the keymap names it; `update` decides what it means where we are.
    Key(crate::model::key::Key),
    Action(Action),
    Resize {
        width: u16,
        height: u16,
    },
    PageLoaded {
        generation: u64,
        page: Page,
        rows: Vec<EntrySummary>,
    },
    Counts(Counts),
    FeedsLoaded(Vec<Feed>),
    EntryLoaded {
        entry: Box<Entry>,
        rendered: Rendered,
        width: u16,
        /// False for the plain-text fallback shown while a slow layout is still being made.
        complete: bool,
    },
    /// A key while the filter line or a question is open.
    Text(TextKey),
    /// A mark was written to the database (these entries changed); only now is it shown.
    MarkApplied {
        ids: Vec<EntryId>,
        mark: Mark,
        /// False when this was an undo.
        undoable: bool,
    },
    Refresh(RefreshEvent),
    /// The mouse wheel turned.
    Wheel {
        down: bool,
    },
    /// A left click on this screen row.
    Click {
        row: u16,
    },
    /// A message for the status line (an export's result).
    Info(String),
    /// Another connection wrote to the database (a second reader, a refresh from cron).
    DatabaseChanged,
    /// The flags of rows on screen as stored now: `(id, read, starred)`.
    MarksRefreshed(Vec<(EntryId, bool, bool)>),
    /// The clock, from the runtime (at start and every minute).
    Tick(DateTime<Utc>),
    /// The automatic-refresh interval has passed.
    RefreshTimer,
    /// Subscriptions changed (added, removed, renamed, tagged); the message says how.
    FeedsChanged(String),
    /// An effect failed; the message names what and why.
    Failed(String),
    /// How far a background job has got.
    JobProgress(JobProgress),
    /// A background job is over (its result, if any, came before).
    JobEnded(Job),
}

/// Work for the runtime; results come back as `Msg`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadPage {
        generation: u64,
        filter: EntryFilter,
        page: Page,
        limit: usize,
    },
    LoadCounts,
    LoadFeeds,
    /// The stored flags of these entries (answered by `MarksRefreshed`).
    LoadMarks {
        ids: Vec<EntryId>,
    },
    /// Load and render an entry at `width` columns.
    OpenEntry {
        id: EntryId,
        width: u16,
    },
    /// Keep this full layout of an entry for the next time it is opened at this width.
    KeepLayout {
        id: EntryId,
        width: u16,
        rendered: Box<Rendered>,
    },
    /// Forget every kept layout (a refresh may have changed the bodies).
    ForgetLayouts,
    SetMark {
        ids: Vec<EntryId>,
        mark: Mark,
    },
    /// Mark every entry `filter` matches (only those at or above `above` in stream order).
    MarkMatching {
        filter: EntryFilter,
        mark: Mark,
        above: Option<Cursor>,
    },
    /// Put back a mark change (answered with a `MarkApplied` that is not undoable).
    UndoMark {
        ids: Vec<EntryId>,
        mark: Mark,
    },
    Refresh(RefreshScope),
    /// Stop the background jobs of this kind.
    CancelJob(Job),
    /// Export entries in `format` (a file extension) to a file or the clipboard; answered by
    /// `Failed` or a status message.
    Export {
        target: ExportTarget,
        format: crate::model::ExportFormat,
        bodies: bool,
        destination: ExportDestination,
    },
    /// Start a browser on this http(s) URL.
    OpenUrl {
        url: String,
    },
    /// Put this text on the clipboard.
    Copy {
        text: String,
    },
    /// Subscribe to `url` (a feed, or a page that names one); answered by `FeedsChanged`.
    AddFeed {
        url: String,
    },
    RemoveFeed {
        id: FeedId,
    },
    RenameFeed {
        id: FeedId,
        title: Option<String>,
    },
    SetTags {
        id: FeedId,
        tags: Vec<String>,
    },
    Quit,
}

impl AppState {
    /// The state before anything is loaded; `start` gives the effects that load it.
    pub fn new(options: Options, width: u16, height: u16) -> Self {
        let mut stream = StreamView::new(EntryFilter::default(), "All entries".into());
        stream.last_visit = options.last_visit;
        let feeds = FeedsView {
            views: options.views.clone(),
            ..FeedsView::default()
        };
        Self {
            view: View::Stream,
            modal: None,
            stream,
            feeds,
            reader: None,
            links: LinksView::default(),
            opening: None,
            counts: Counts::default(),
            refresh: None,
            job: None,
            status: None,
            undo: Vec::new(),
            now: None,
            last_export: export::Remembered::default(),
            help: keys::help_rows(&options.keymap),
            keys: KeyNames::new(&options.keymap),
            width,
            height,
            options,
            quit: false,
        }
    }

    /// The effects that fill a fresh state.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.stream.start_at_first_new(), Effect::LoadCounts]
    }

    /// Rows available to a list view (the title and status lines take one each).
    pub fn list_height(&self) -> usize {
        usize::from(self.height.saturating_sub(2)).max(1)
    }

    /// Whether keys are text (a line typed, a dialog, a question), not the keymap's actions.
    pub fn takes_text(&self) -> bool {
        self.modal.as_ref().is_some_and(Modal::takes_text)
    }

    /// The line being typed, if one is open.
    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.modal {
            Some(Modal::Prompt(p)) => Some(p),
            _ => None,
        }
    }

    /// The export dialog, if it is open.
    pub fn export_dialog(&self) -> Option<&ExportDialog> {
        match &self.modal {
            Some(Modal::Export(d)) => Some(d),
            _ => None,
        }
    }

    /// The question waiting for an answer, if any.
    pub fn confirm(&self) -> Option<&Confirm> {
        match &self.modal {
            Some(Modal::Confirm(c)) => Some(c),
            _ => None,
        }
    }

    /// The help screen's first line on screen, while it is open.
    pub fn help_scroll(&self) -> Option<usize> {
        match self.modal {
            Some(Modal::Help { scroll }) => Some(scroll),
            _ => None,
        }
    }

    /// The column width the reader lays text out at.
    pub fn reader_width(&self) -> u16 {
        self.width
            .saturating_sub(2)
            .clamp(10, self.options.max_width)
    }
}

/// The one place behaviour lives: applies `msg` to `state`, returns the effects to run.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => keys::on_key(state, key),
        Msg::Action(action) => {
            state.status = None;
            on_action(state, action)
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            let h = state.list_height();
            state.stream.scroll_into_view(h);
            state.feeds.scroll_into_view(h);
            match &state.reader {
                Some(r) if r.width != state.reader_width() => vec![Effect::OpenEntry {
                    id: r.entry.summary.id,
                    width: state.reader_width(),
                }],
                _ => Vec::new(),
            }
        }
        Msg::PageLoaded {
            generation,
            page,
            rows,
        } => {
            let h = state.list_height();
            state.stream.page_loaded(generation, page, rows, h)
        }
        Msg::Counts(counts) => {
            state.counts = counts;
            Vec::new()
        }
        Msg::FeedsLoaded(feeds) => {
            state.feeds.loaded(feeds, state.list_height());
            Vec::new()
        }
        Msg::EntryLoaded {
            entry,
            rendered,
            width,
            complete,
        } => reader::loaded(state, *entry, rendered, width, complete),
        Msg::Text(key) => {
            state.status = None;
            prompt::on_text(state, key)
        }
        Msg::MarkApplied {
            ids,
            mark,
            undoable,
        } => {
            marks::applied(state, &ids, mark, undoable);
            let mut effects = vec![Effect::LoadCounts];
            if state.view == View::Feeds {
                effects.push(Effect::LoadFeeds);
            }
            effects
        }
        Msg::Wheel { down } => mouse::wheel(state, down),
        Msg::Click { row } => mouse::click(state, row),
        Msg::DatabaseChanged => sync::database_changed(state),
        Msg::MarksRefreshed(marks) => {
            sync::marks_refreshed(state, marks);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = Some(now);
            Vec::new()
        }
        Msg::Refresh(event) => on_refresh(state, &event),
        // A run in progress already covers it; otherwise only the feeds that are due.
        Msg::RefreshTimer if state.refresh.is_none() => vec![Effect::Refresh(RefreshScope::Due)],
        Msg::RefreshTimer => Vec::new(),
        Msg::FeedsChanged(message) => {
            state.status = Some(Status::done(message));
            let mut effects = vec![Effect::LoadFeeds, Effect::LoadCounts];
            effects.extend(state.stream.refresh_in_place());
            effects
        }
        Msg::Info(message) => {
            state.status = Some(Status::done(message));
            Vec::new()
        }
        Msg::Failed(message) => {
            state.status = Some(Status::error(message));
            Vec::new()
        }
        Msg::JobProgress(progress) => {
            state.job = Some(progress);
            Vec::new()
        }
        Msg::JobEnded(job) => {
            if state.job.is_some_and(|p| p.job == job) {
                state.job = None;
            }
            Vec::new()
        }
    }
}

/// Applies a mark to a row's flags.
pub fn apply_mark(row: &mut EntrySummary, mark: Mark) {
    match mark {
        Mark::Read => row.read = true,
        Mark::Unread => row.read = false,
        Mark::Star => row.starred = true,
        Mark::Unstar => row.starred = false,
    }
}

fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    match (state.view, action) {
        (_, Action::Quit) => quit(state),
        // Esc stops an export first, before it clears anything else.
        (_, Action::Cancel) if state.job.is_some_and(|p| p.job == Job::Export) => {
            state.job = None;
            state.status = Some(Status::info("Export cancelled; nothing was written"));
            vec![Effect::CancelJob(Job::Export)]
        }
        (_, action) if state.help_scroll().is_some() => {
            on_help(state, action);
            Vec::new()
        }
        (_, Action::Help) => {
            state.modal = Some(Modal::Help { scroll: 0 });
            Vec::new()
        }
        (_, Action::Undo) => marks::undo(state),
        (View::Stream | View::Reader, Action::Export) => {
            export::ask(state);
            Vec::new()
        }
        (_, Action::OpenLink) => links::open_link(state),
        (_, Action::CopyLink) => links::copy_link(state),
        (_, Action::RefreshAll) => vec![Effect::Refresh(RefreshScope::All)],
        (view, Action::RefreshFeed) => {
            let feed = match view {
                View::Feeds => state.feeds.selected().map(|f| (f.id, f.title.clone())),
                View::Reader | View::Links => state
                    .reader
                    .as_ref()
                    .map(|r| (r.entry.summary.feed_id, r.entry.summary.feed_title.clone())),
                View::Stream => state
                    .stream
                    .selected()
                    .map(|r| (r.feed_id, r.feed_title.clone())),
            };
            feed.map(|(id, title)| {
                state.status = Some(Status::info(format!("Refreshing {title}")));
                Effect::Refresh(RefreshScope::Feed(id))
            })
            .into_iter()
            .collect()
        }
        (View::Stream, action) => stream::on_action(state, action),
        (View::Feeds, action) => feeds::on_action(state, action),
        (View::Reader, Action::Links) => {
            links::open(state);
            Vec::new()
        }
        (View::Reader, action) => reader::on_action(state, action),
        (View::Links, action) => links::on_action(state, action),
    }
}

/// A key on the help screen: it scrolls; `Back`, `Esc` and the help key close it.
fn on_help(state: &mut AppState, action: Action) {
    let page = state.list_height();
    let max = state.help.len().saturating_sub(page);
    let Some(Modal::Help { scroll }) = &mut state.modal else {
        return;
    };
    if let Some(to) = Move::of(action, page) {
        *scroll = to.apply(*scroll, max);
    } else if matches!(action, Action::Back | Action::Cancel | Action::Help) {
        state.modal = None;
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

/// A feed refreshed alone, beside any run: its own status line, and the views brought up to
/// date when it brought something.
fn on_one(state: &mut AppState, title: &str, outcome: &Result<usize, String>) -> Vec<Effect> {
    let mut effects = Vec::new();
    match outcome {
        Ok(new) => {
            state.status = Some(Status::done(format!(
                "Refreshed {title}: {new} new entries"
            )));
            effects.push(Effect::LoadCounts);
            if *new > 0 {
                effects.extend(state.stream.refresh_in_place());
            }
        }
        Err(error) => {
            state.status = Some(Status::error(format!("Refresh of {title} failed: {error}")));
        }
    }
    if state.view == View::Feeds {
        effects.push(Effect::LoadFeeds);
    }
    effects
}

fn on_refresh(state: &mut AppState, event: &RefreshEvent) -> Vec<Effect> {
    match *event {
        RefreshEvent::Started { total } => {
            state.refresh = Some(Progress {
                done: 0,
                total,
                failed: 0,
                news_unshown: 0,
                last_failure: None,
            });
            Vec::new()
        }
        RefreshEvent::FeedDone { new_entries, .. } => {
            let Some(p) = &mut state.refresh else {
                return Vec::new();
            };
            p.done += 1;
            if new_entries == 0 {
                return Vec::new();
            }
            p.news_unshown += 1;
            if p.news_unshown < RELOAD_EVERY && !state.stream.rows.is_empty() {
                return Vec::new();
            }
            p.news_unshown = 0;
            let mut effects = vec![Effect::LoadCounts];
            effects.extend(state.stream.refresh_in_place());
            effects
        }
        RefreshEvent::FeedSkipped { .. } => {
            if let Some(p) = &mut state.refresh {
                p.done += 1;
            }
            Vec::new()
        }
        RefreshEvent::FeedFailed {
            ref title,
            ref error,
            ..
        } => {
            if let Some(p) = &mut state.refresh {
                p.done += 1;
                p.failed += 1;
                p.last_failure = Some(format!("{title}: {error}"));
            }
            Vec::new()
        }
        RefreshEvent::Stopped { ref error } => {
            state.refresh = None;
            state.status = Some(Status::error(format!("Refresh stopped: {error}")));
            Vec::new()
        }
        RefreshEvent::One {
            ref title,
            ref outcome,
            ..
        } => on_one(state, title, outcome),
        RefreshEvent::Finished(summary) => {
            let last = state.refresh.take().and_then(|p| p.last_failure);
            state.status = Some(if summary.failed == 0 {
                Status::done(format!(
                    "Refreshed {} feeds: {} new entries",
                    summary.ok, summary.new_entries
                ))
            } else {
                // Short before the failure, so a narrow status line still shows why.
                Status::error(format!(
                    "Refresh: {} of {} failed, {} new; last: {}",
                    summary.failed,
                    summary.ok + summary.failed + summary.skipped,
                    summary.new_entries,
                    last.unwrap_or_default()
                ))
            });
            let mut effects = vec![Effect::ForgetLayouts, Effect::LoadCounts];
            if let Some(reload) = state.stream.refresh_in_place() {
                effects.push(reload);
            }
            if state.view == View::Feeds {
                effects.push(Effect::LoadFeeds);
            }
            effects
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_feeds;

#[cfg(test)]
mod tests_marks;
