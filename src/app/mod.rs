//! The interactive model (The Elm Architecture): `AppState`, the `Msg`s that change it, the
//! `Effect`s it asks the runtime to perform, and the pure `update`. No I/O, no clock, no
//! terminal: uses only `model` and `render` types.

mod article;
mod elsewhere;
mod export;
mod feeds;
mod help;
mod keys;
mod labels;
mod links;
mod list;
mod marks;
mod media;
mod messages;
mod modal;
mod mouse;
mod pick;
mod prompt;
mod reader;
mod refresh;
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
pub use help::{HelpLine, lines as help_lines};
pub use keys::help_rows;
pub use labels::LabelTarget;
pub use links::{LinkRow, LinksView, Opening, rows as link_rows};
pub use list::{ListCursor, Move};
pub use marks::{Confirm, MarkChange, Selection, UNDO_DEPTH};
pub use messages::{Effect, Msg};
pub use modal::{Line, Modal};
pub use pick::FeedPick;
pub use prompt::{Prompt, PromptKind, TextKey};
pub use reader::ReaderView;
pub use refresh::Progress;
pub use status::{KeyNames, Status, StatusKind};
pub use stream::{PAGE_SIZE, StreamView};
pub use work::{Job, JobProgress};

use chrono::{DateTime, Utc};

use crate::model::{Counts, EntryFilter, EntryId, EntrySummary, Mark, RefreshScope};

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
    /// The download queue.
    Downloads,
}

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
    /// What `o` does with a web link.
    pub opening: Opening,
    /// How the stream writes dates older than a few days (strftime).
    pub date_format: String,
    /// Recent dates as "12m ago", "Tue 14:05".
    pub relative_dates: bool,
    /// The cursor highlights the whole line, not only the columns before the title.
    pub full_line_cursor: bool,
    /// A story several feeds tell shows once (off: every copy).
    pub fold_duplicates: bool,
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
            opening: Opening::Browser,
            date_format: "%Y-%m-%d".into(),
            relative_dates: true,
            full_line_cursor: false,
            fold_duplicates: true,
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
    pub downloads: media::DownloadsView,
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
    /// What notify rules matched in the refresh under way, for its summary.
    pub notice: Option<String>,
    /// The labels the runtime has named this session, for showing label marks.
    pub labels: Vec<(crate::model::LabelId, String)>,
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

impl AppState {
    /// The state before anything is loaded; `start` gives the effects that load it.
    pub fn new(options: Options, width: u16, height: u16) -> Self {
        let filter = EntryFilter {
            with_copies: !options.fold_duplicates,
            ..EntryFilter::default()
        };
        let mut stream = StreamView::new(filter, "All entries".into());
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
            downloads: media::DownloadsView::default(),
            opening: None,
            counts: Counts::default(),
            refresh: None,
            job: None,
            status: None,
            undo: Vec::new(),
            labels: Vec::new(),
            notice: None,
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
        vec![
            self.stream.reload(),
            Effect::LoadCounts,
            Effect::LoadJournal,
            // A queue left by the last session (a kill, a quit) goes on.
            Effect::StartDownloads,
        ]
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

    /// The feeds a page names, while the user chooses.
    pub fn feed_pick(&self) -> Option<&FeedPick> {
        match &self.modal {
            Some(Modal::Pick(p)) => Some(p),
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
        Msg::Resize { width, height } => resize(state, width, height),
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
        Msg::FeedsLoaded(list) => feeds::loaded(state, list),
        Msg::TwinsFound(twins) => feeds::twins_found(state, twins),
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
        } => marks::applied(state, &ids, mark, undoable),
        Msg::Journal(changes) => {
            marks::journaled(state, changes);
            Vec::new()
        }
        Msg::LabelNamed { id, name, then } => {
            state.labels.retain(|(known, _)| *known != id);
            state.labels.push((id, name));
            update(state, *then)
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
        Msg::Refresh(event) => refresh::on_event(state, &event),
        // A run in progress already covers it; otherwise only the feeds that are due.
        Msg::RefreshTimer if state.refresh.is_none() => vec![Effect::Refresh(RefreshScope::Due)],
        Msg::RefreshTimer => Vec::new(),
        Msg::FeedsChanged(message) => {
            state.status = Some(Status::done(message));
            let mut effects = vec![Effect::LoadFeeds, Effect::LoadCounts];
            effects.extend(state.stream.refresh_in_place());
            effects
        }
        Msg::FeedsFound { page, found } => {
            pick::open(state, page, found);
            Vec::new()
        }
        Msg::Info(message) => {
            state.status = Some(Status::done(message));
            Vec::new()
        }
        Msg::Failed(message) => {
            state.status = Some(Status::error(message));
            Vec::new()
        }
        Msg::MatchesCounted {
            generation,
            total,
            unread,
        } => {
            if generation == state.stream.generation {
                state.stream.matched = Some((total, unread));
            }
            Vec::new()
        }
        Msg::JobProgress(progress) => {
            state.job = Some(progress);
            Vec::new()
        }
        Msg::JobEnded(job) => job_ended(state, job),
        msg @ (Msg::DownloadsLoaded(_) | Msg::Download(_)) => media::on_msg(state, msg),
        Msg::Article(event) => article::on_event(state, &event),
    }
}

/// A background job ended: its progress leaves the status line.
fn job_ended(state: &mut AppState, job: Job) -> Vec<Effect> {
    if state.job.is_some_and(|p| p.job == job) {
        state.job = None;
    }
    media::job_ended(state, job)
}

/// The terminal changed size: lists keep their cursor in view, the reader lays out again.
fn resize(state: &mut AppState, width: u16, height: u16) -> Vec<Effect> {
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

/// Applies a mark to a row's flags.
pub fn apply_mark(row: &mut EntrySummary, mark: Mark, labels: &[(crate::model::LabelId, String)]) {
    match mark {
        Mark::Read => row.read = true,
        Mark::Unread => row.read = false,
        Mark::Star => row.starred = true,
        Mark::Unstar => row.starred = false,
        Mark::Hide => row.hidden = true,
        Mark::Unhide => row.hidden = false,
        Mark::Label(_) | Mark::Unlabel(_) => labels::show(row, mark, labels),
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
        (View::Stream | View::Reader, Action::AddLabel) => labels::ask(state, true),
        (View::Stream | View::Reader, Action::RemoveLabel) => labels::ask(state, false),
        (View::Stream | View::Reader, Action::Export) => {
            export::ask(state);
            Vec::new()
        }
        (_, Action::Play) => media::play(state),
        (View::Downloads, action) => media::on_action(state, action),
        (_, Action::Download) => media::queue(state),
        (_, Action::Downloads) => media::open(state),
        (_, Action::OpenLink) => links::open_link(state),
        (_, Action::FullArticle) => article::on_key(state),
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
                View::Downloads => None,
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
    let max = help::lines(&state.help, state.width)
        .len()
        .saturating_sub(page);
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

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_feeds;

#[cfg(test)]
mod tests_marks;

#[cfg(test)]
mod tests_article;
#[cfg(test)]
mod tests_media;
