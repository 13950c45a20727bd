//! The model's vocabulary with the runtime: the `Msg`s that change the state (keys, results of
//! effects, refresh and job events) and the `Effect`s `update` asks the runtime to carry out.

use super::{ExportDestination, ExportTarget, Job, JobProgress, TextKey};
use crate::model::{
    Counts, Cursor, Entry, EntryFilter, EntryId, EntrySummary, Feed, FeedId, Mark, Page,
    RefreshEvent, RefreshScope,
};
use crate::render::Rendered;

/// Something that happened: a key, a result of an effect, a refresh event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A key pressed, as the keymap names it; `update` decides what it means where we are.
    Key(crate::model::key::Key),
    Action(crate::model::Action),
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
    /// The runtime named a label (made it, if it was new), then did `then`.
    LabelNamed {
        id: crate::model::LabelId,
        name: String,
        then: Box<Msg>,
    },
    /// Mark changes made outside the reader (`tidings rules apply`), for `u` to take back.
    Journal(Vec<crate::model::rules::Journaled>),
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
    Tick(chrono::DateTime<chrono::Utc>),
    /// The automatic-refresh interval has passed.
    RefreshTimer,
    /// Subscriptions changed (added, removed, renamed, tagged); the message says how.
    FeedsChanged(String),
    /// The page given to subscribe to names several feeds: nothing was subscribed, the user
    /// chooses.
    FeedsFound {
        page: String,
        found: Vec<crate::model::Discovered>,
    },
    /// An effect failed; the message names what and why.
    Failed(String),
    /// How far a background job has got.
    JobProgress(JobProgress),
    /// A background job is over (its result, if any, came before).
    JobEnded(Job),
    /// The download queue as stored now.
    DownloadsLoaded(Vec<crate::model::download::Download>),
    /// What the download queue's runner said.
    Download(crate::model::download::DownloadEvent),
    /// What fetching whole articles found.
    Article(crate::model::article::ArticleEvent),
    /// Subscriptions that look like one feed.
    TwinsFound(Vec<crate::model::story::TwinFeeds>),
    /// How many entries the stream's filter (of this generation) matches, and how many of
    /// them are unread.
    MatchesCounted {
        generation: u64,
        total: u64,
        unread: u64,
    },
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
    /// Count what `filter` matches, in the background (answered by `MatchesCounted`).
    CountMatches {
        generation: u64,
        filter: EntryFilter,
    },
    LoadFeeds,
    /// Take the mark changes made outside the reader (answered by `Journal`).
    LoadJournal,
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
    /// Fetch the whole articles of `ids` in the background (again, if fetched before); none:
    /// those the feeds that ask for whole articles want.
    FetchArticles {
        ids: Vec<EntryId>,
    },
    /// Look for subscriptions that look like one feed, in the background (answered by
    /// `TwinsFound`).
    FindTwins,
    /// Merge feed `drop` into `keep` (answered by `FeedsChanged`).
    MergeFeeds {
        keep: FeedId,
        drop: FeedId,
    },
    /// Whole articles for feed `feed` (named `title`), or no more.
    SetFullArticle {
        feed: FeedId,
        title: String,
        on: bool,
    },
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
    /// Put label `name` on (`on`) or take it off the target; answered by `LabelNamed` with
    /// a `MarkApplied` in it.
    Label {
        name: String,
        on: bool,
        target: super::labels::LabelTarget,
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
    /// Play enclosure `pick` of entry `id` (`None`: its first audio or video file) with the
    /// player for its type, or the file when it was downloaded.
    Play {
        id: EntryId,
        pick: Option<usize>,
    },
    /// Play the file of download `id`.
    PlayDownload {
        id: i64,
    },
    /// Queue the downloads of these entries' enclosures (`pick`: that one only), then start
    /// the queue.
    QueueDownloads {
        ids: Vec<EntryId>,
        pick: Option<usize>,
    },
    /// Read the queue (answered by `DownloadsLoaded`).
    LoadDownloads,
    /// Run the queue in the background unless it runs already or is empty.
    StartDownloads,
    RemoveDownload {
        id: i64,
    },
    /// Queue a failed download again, and start the queue.
    RetryDownload {
        id: i64,
    },
    /// Tell the person at the terminal about these new entries (a terminal notification,
    /// `[notify] command`).
    Notify {
        noticed: Vec<crate::model::rules::Noticed>,
    },
    Quit,
}
