//! Carrying out the `Effect`s `update` asks for: store reads and writes, rendering, refresh
//! commands. Results come back as `Msg`s: at once for quick store work; through the jobs
//! facility (`jobs`) for whatever runs off the UI thread (layouts, marks, subscribing,
//! exports).

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::clipboard::{Environment, open_command, openable, osc52, pipe_to, spawn};
use super::exporting;
use super::jobs::{Ctx, JobEvent, Jobs};
use crate::app::{Effect, Job, Msg};
use crate::export::subscriptions_file::Edit as FileEdit;
use crate::fetch::http::Fetcher;
use crate::fetch::subscribe::{Pick, SubscribeError, subscribe};
use crate::fetch::sync::Edit;
use crate::model::{Entry, EntryId, RefreshCmd, count_of};
use crate::render::{self, Rendered};
use crate::store::Store;

/// A mark (or undo) on more entries than this says so while it is written.
const BULK: usize = 500;

/// How long the reader waits for a full layout before showing the plain-text fallback.
pub const RENDER_BUDGET: Duration = Duration::from_millis(300);
/// Layouts kept for reopening an entry at the same width.
const CACHE_SIZE: usize = 32;

/// How links are opened and copied: the config's commands and what the environment says.
#[derive(Debug, Clone, Default)]
pub struct LinkSettings {
    pub open_command: Vec<String>,
    /// `open_command` is a text browser that takes the terminal (w3m, lynx).
    pub open_in_terminal: bool,
    pub copy_command: Vec<String>,
    /// `[export] command`: takes an export on its stdin.
    pub export_command: Vec<String>,
    pub environment: Environment,
    /// Write OSC 8 hyperlinks (the config's choice, `auto` resolved with the environment).
    pub hyperlinks: bool,
    /// How new entries notify rules matched are told (`[notify]`).
    pub notify: crate::config::rules::NotifyConfig,
    /// The rules new entries are judged by (subscribing stores a feed's first entries).
    pub rules: std::sync::Arc<[crate::model::rules::Rule]>,
    /// `[media]`: players, where downloads land.
    pub media: super::media::MediaSettings,
}

impl LinkSettings {
    /// What `o` does: a configured command always runs (in the terminal when it says so);
    /// without one, a link is copied over SSH or with no display, else `$BROWSER` or the
    /// system's opener starts.
    pub fn opening(&self) -> crate::app::Opening {
        use crate::app::Opening;
        let env = &self.environment;
        if !self.open_command.is_empty() {
            if self.open_in_terminal {
                Opening::InTerminal
            } else {
                Opening::Browser
            }
        } else if env.ssh {
            Opening::Copy("no browser over SSH".into())
        } else if !env.display {
            Opening::Copy("no display to open a browser on".into())
        } else {
            Opening::Browser
        }
    }
}

/// A feed's tags replaced; the message says what they are now.
pub(super) fn set_tags(
    store: &mut Store,
    id: crate::model::FeedId,
    tags: &[String],
) -> Result<Msg, crate::store::StoreError> {
    store.set_feed_tags(id, tags).map(|()| {
        Msg::FeedsChanged(if tags.is_empty() {
            "Tags removed".into()
        } else {
            format!("Tagged {}", tags.join(", "))
        })
    })
}

/// A subscription change made on the feed server.
enum ServerChange {
    Add(String),
    /// The server's stream id, the change, and the feed here.
    Edit(String, Edit, crate::model::FeedId),
}

/// Runs effects against the UI's store connection and its channels.
pub struct Executor {
    pub store: Store,
    refresh: UnboundedSender<RefreshCmd>,
    /// Work done off the UI thread.
    pub jobs: Jobs,
    /// Marks waiting to be written, in order, off the UI thread.
    pub marks: super::marking::Marks,
    pub(super) fetcher: Fetcher,
    pub(super) links: LinkSettings,
    /// Bytes for the terminal itself (OSC 52), written by the loop after the next draw.
    pub to_terminal: Vec<u8>,
    /// A program to hand the terminal to (a text browser), run by the loop, which owns it.
    pub hand_over: Option<Vec<String>>,
    /// The keymap's keys, for the hints in messages made here.
    pub keys: crate::app::KeyNames,
    /// The feed server (`[sync]`): subscriptions change there, then a sync brings them here.
    pub sync: Option<crate::fetch::sync::SharedSync>,
    /// Whole articles being fetched, and how.
    pub articles: super::articles::Articles,
    /// How each feed is asked for (`[[feed]]`), for subscribing as a refresh fetches.
    pub feed_settings: std::sync::Arc<crate::model::feed_settings::SettingsBook>,
    /// `[subscriptions] file`, which the reader's changes to the subscriptions are written to.
    pub subscriptions_file: Option<std::path::PathBuf>,
    cache: HashMap<(EntryId, u16), Rendered>,
    order: VecDeque<(EntryId, u16)>,
}

impl Executor {
    /// The executor, and the receiving end of its jobs' channel (for the loop).
    pub fn new(
        store: Store,
        refresh: UnboundedSender<RefreshCmd>,
        fetcher: Fetcher,
        links: LinkSettings,
    ) -> (Self, UnboundedReceiver<JobEvent>) {
        let (jobs, events) = Jobs::new();
        let marks = super::marking::Marks::new(store.path().to_owned());
        let executor = Self {
            marks,
            store,
            refresh,
            jobs,
            fetcher,
            links,
            to_terminal: Vec::new(),
            hand_over: None,
            keys: crate::app::KeyNames::default(),
            sync: None,
            articles: super::articles::Articles::default(),
            feed_settings: std::sync::Arc::default(),
            subscriptions_file: None,
            cache: HashMap::new(),
            order: VecDeque::new(),
        };
        (executor, events)
    }

    /// Keeps a finished layout for next time.
    fn remember(&mut self, id: EntryId, width: u16, rendered: Rendered) {
        if self.cache.insert((id, width), rendered).is_none() {
            self.order.push_back((id, width));
            if self.order.len() > CACHE_SIZE {
                if let Some(old) = self.order.pop_front() {
                    self.cache.remove(&old);
                }
            }
        }
    }

    /// Forgets every layout (bodies may have changed in a refresh).
    fn forget_layouts(&mut self) {
        self.cache.clear();
        self.order.clear();
    }

    /// Runs an effect of the feed server, podcasts, whole articles, twin feeds or a change to
    /// a subscription; any other is handed back.
    fn on_feature(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        self.on_server(effect)
            .or_else(|e| self.on_media(e))
            .or_else(|e| self.on_article(e))
            .or_else(|e| self.on_twins(e))
            .or_else(|e| self.on_subscriptions(e))
    }

    /// Runs one effect; returns the message it produced at once, if any.
    pub fn execute(&mut self, effect: Effect) -> Option<Msg> {
        let effect = match self.on_feature(effect) {
            Ok(said) => return said,
            Err(effect) => effect,
        };
        let store = &mut self.store;
        let msg = match effect {
            Effect::LoadPage {
                generation,
                filter,
                page,
                limit,
            } => store
                .entries_page(&filter, page, limit)
                .map(|rows| Msg::PageLoaded {
                    generation,
                    page,
                    rows,
                }),
            Effect::LoadCounts => store.counts().map(Msg::Counts),
            Effect::CountMatches { generation, filter } => {
                let path = self.store.path().to_owned();
                self.jobs.spawn(Job::Count, move |ctx| {
                    let counted = Store::open(&path).and_then(|s| s.count_matching(&filter));
                    if let Ok((total, unread)) = counted {
                        ctx.say(Msg::MatchesCounted {
                            generation,
                            total,
                            unread,
                        });
                    }
                });
                return None;
            }
            Effect::LoadFeeds => store.feeds().map(Msg::FeedsLoaded),
            Effect::LoadJournal => match store.take_journal() {
                Ok(changes) if changes.is_empty() => return None,
                taken => taken.map(Msg::Journal),
            },
            Effect::LoadMarks { ids } => store.marks_of(&ids).map(Msg::MarksRefreshed),
            Effect::OpenEntry { id, width } => return self.open_entry(id, width),
            Effect::KeepLayout {
                id,
                width,
                rendered,
            } => {
                self.remember(id, width, *rendered);
                return None;
            }
            Effect::ForgetLayouts => {
                self.forget_layouts();
                return None;
            }
            Effect::SetMark { ids, mark } => return self.set_mark(ids, mark, true),
            Effect::UndoMark { ids, mark } => return self.set_mark(ids, mark, false),
            Effect::Label { name, on, target } => return Some(self.label(&name, on, target)),
            Effect::MarkMatching {
                filter,
                mark,
                above,
            } => {
                self.mark_matching(filter, mark, above);
                return Some(Msg::Info("Marking…".into()));
            }
            Effect::Refresh(scope) => {
                // Feeds added to the subscriptions file are subscribed, and fetched in this run.
                let said = self.apply_subscriptions_file();
                let stopped = self.refresh.send(RefreshCmd::Now(scope)).is_err();
                return if stopped {
                    Some(Msg::Failed(
                        "the refresh task has stopped; see the log".into(),
                    ))
                } else {
                    said
                };
            }
            Effect::CancelJob(job) => {
                self.jobs.cancel(job);
                return None;
            }
            Effect::AddFeed { url } => {
                self.spawn_subscribe(url);
                return None;
            }
            Effect::Export {
                target,
                format,
                bodies,
                destination,
            } => return self.export(target, format, bodies, destination),
            Effect::OpenUrl { url } => return self.open_url(&url),
            Effect::Copy { text } => return self.copy(&text),
            Effect::Notify { noticed } => {
                self.notify(&noticed);
                return None;
            }
            // Quit, and the effects `on_server`, `on_media` and `on_article` ran.
            _ => return None,
        };
        Some(msg.unwrap_or_else(|e| failed(&e)))
    }

    /// An entry at `width` columns: its kept layout at once, or a layout job (a newer one
    /// replaces it: latest wins).
    fn open_entry(&mut self, id: EntryId, width: u16) -> Option<Msg> {
        let entry = match self.store.entry(id) {
            Ok(Some(entry)) => entry,
            Ok(None) => return Some(Msg::Failed(format!("entry {} is gone", id.0))),
            Err(e) => return Some(failed(&e)),
        };
        if let Some(rendered) = self.cache.get(&(id, width)) {
            return Some(Msg::EntryLoaded {
                entry: Box::new(entry),
                rendered: rendered.clone(),
                width,
                complete: true,
            });
        }
        self.jobs.spawn(Job::Render, move |ctx| {
            render(ctx, entry, width, RENDER_BUDGET);
        });
        None
    }

    /// Puts label `name` on the target (or takes it off), made if it is new: named for the
    /// model, then marked like any mark.
    fn label(&mut self, name: &str, on: bool, target: crate::app::LabelTarget) -> Msg {
        let (id, name) = match self.store.label_id(name) {
            Ok(Some(named)) => named,
            Ok(None) => return Msg::Failed(format!("{name:?} cannot be a label's name")),
            Err(e) => return failed(&e),
        };
        let mark = if on {
            crate::model::Mark::Label(id)
        } else {
            crate::model::Mark::Unlabel(id)
        };
        let then = match target {
            crate::app::LabelTarget::Ids(ids) => self
                .set_mark(ids, mark, true)
                .unwrap_or_else(|| Msg::Info("Labelling…".into())),
            crate::app::LabelTarget::Matching(filter) => {
                self.mark_matching(filter, mark, None);
                Msg::Info("Labelling…".into())
            }
        };
        Msg::LabelNamed {
            id,
            name,
            then: Box::new(then),
        }
    }

    /// Tells the terminal (one notification, summarising) and runs `[notify] command` as a
    /// job with the entries as JSON.
    fn notify(&mut self, noticed: &[crate::model::rules::Noticed]) {
        let settings = &self.links.notify;
        let text = crate::model::rules::summary(noticed, 200);
        self.to_terminal.extend(super::notify::osc_notification(
            settings.terminal,
            &text,
            self.links.environment.multiplexer,
        ));
        if settings.command.is_empty() {
            return;
        }
        let argv = settings.command.clone();
        let Ok(json) = serde_json::to_string(noticed) else {
            return;
        };
        self.jobs.spawn(Job::Notify, move |ctx| {
            if let Err(e) = super::notify::notify_command(&argv, &json) {
                ctx.say(Msg::Failed(format!("notify command {}: {e}", argv[0])));
            }
        });
    }

    /// A mark (or an undo, not itself undoable), queued to be written off the UI thread
    /// (`marking`); what to say now, for a mark on many entries.
    fn set_mark(
        &mut self,
        ids: Vec<EntryId>,
        mark: crate::model::Mark,
        undoable: bool,
    ) -> Option<Msg> {
        let n = ids.len();
        self.marks.push(
            &mut self.jobs,
            mark,
            undoable,
            Box::new(move |s| s.set_mark(&ids, mark)),
        );
        (n > BULK).then(|| {
            Msg::Info(if undoable {
                format!("Marking {n} entries…")
            } else {
                format!("Undoing {n} marks…")
            })
        })
    }

    /// Queues `mark` on every entry `filter` matches (at or above `above`, if given).
    fn mark_matching(
        &mut self,
        filter: crate::model::EntryFilter,
        mark: crate::model::Mark,
        above: Option<crate::model::Cursor>,
    ) {
        self.marks.push(
            &mut self.jobs,
            mark,
            true,
            Box::new(move |s| s.mark_matching(&filter, mark, above)),
        );
    }
}

/// A store error as the status line shows it (diagnosed here, where it is shown), logged.
pub(super) fn failed(e: &crate::store::StoreError) -> Msg {
    let shown = e.diagnosed();
    tracing::error!("{shown}");
    Msg::Failed(shown)
}

impl Executor {
    /// Starts the browser on `url`. The model only asks for web links; checked again here,
    /// where a program starts.
    pub(super) fn open_url(&mut self, url: &str) -> Option<Msg> {
        if !openable(url) {
            return Some(Msg::Failed(format!(
                "not opening {url}: not an http(s) link"
            )));
        }
        let links = &self.links;
        let argv = open_command(
            &links.open_command,
            links.environment.browser.as_deref(),
            url,
        );
        if links.open_in_terminal && !links.open_command.is_empty() {
            self.hand_over = Some(argv);
            return None;
        }
        spawn(&argv).err().map(|e| {
            let program = argv.first().map_or("", String::as_str);
            let copy = self
                .keys
                .aside(crate::model::Action::CopyLink, "copies the link");
            Msg::Failed(format!("could not start {program}: {e}{copy}"))
        })
    }

    /// Starts an export as a job: streamed to its destination, with progress, cancellable.
    fn export(
        &mut self,
        target: crate::app::ExportTarget,
        format: crate::export::Format,
        bodies: bool,
        destination: crate::app::ExportDestination,
    ) -> Option<Msg> {
        let request = exporting::Request {
            db: self.store.path().to_owned(),
            target,
            format,
            bodies,
            destination,
            command: self.links.export_command.clone(),
        };
        self.jobs
            .spawn(Job::Export, move |ctx| exporting::run(ctx, &request));
        None
    }

    /// Copies `text`: through the configured command, else OSC 52 after the next draw.
    pub fn copy(&mut self, text: &str) -> Option<Msg> {
        let command = &self.links.copy_command;
        if command.is_empty() {
            let multiplexer = self.links.environment.multiplexer;
            self.to_terminal.extend(osc52(text, multiplexer));
            return None;
        }
        pipe_to(command, text)
            .err()
            .map(|e| Msg::Failed(format!("copying with {}: {e}", command[0])))
    }

    /// A change to a synced feed goes to the server (`Ok`, with what to say now); any other
    /// effect comes back.
    fn on_server(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        match effect {
            Effect::AddFeed { url } if self.sync.is_some() => {
                self.spawn_server_change(ServerChange::Add(url));
                Ok(None)
            }
            Effect::RemoveFeed { id } if self.synced(id) => {
                Ok(self.server_change(id, Some(Edit::Unsubscribe)))
            }
            Effect::RenameFeed { id, title } if self.synced(id) => {
                Ok(self.server_change(id, title.map(Edit::Rename)))
            }
            Effect::SetTags { id, tags } if self.synced(id) => {
                Ok(self.server_change(id, tags.first().cloned().map(Edit::Folder)))
            }
            other => Err(other),
        }
    }

    /// Whether `feed` is synced with the server (and a sync is configured).
    fn synced(&self, feed: crate::model::FeedId) -> bool {
        self.sync.is_some() && matches!(self.store.remote_id_of(feed), Ok(Some(_)))
    }

    /// A change to a synced feed: made on the server by a job, then synced here.
    fn server_change(&mut self, feed: crate::model::FeedId, edit: Option<Edit>) -> Option<Msg> {
        let Some(edit) = edit else {
            return Some(Msg::Failed(
                "This feed is synced: its title and folder are the server's (give one)".into(),
            ));
        };
        match self.store.remote_id_of(feed) {
            Ok(Some(stream)) => {
                self.spawn_server_change(ServerChange::Edit(stream, edit, feed));
                Some(Msg::Info("Changing it on the server…".into()))
            }
            Ok(None) => None,
            Err(e) => Some(Msg::Failed(e.diagnosed())),
        }
    }

    /// Subscribes on the server or changes a subscription there as a job; a sync follows.
    fn spawn_server_change(&mut self, change: ServerChange) {
        let Some(sync) = self.sync.clone() else {
            return;
        };
        let fetcher = self.fetcher.clone();
        let refresh = self.refresh.clone();
        let db = self.store.path().to_owned();
        let runtime = tokio::runtime::Handle::current();
        self.jobs.spawn(Job::Subscribe, move |ctx| {
            let done = runtime.block_on(async {
                match &change {
                    ServerChange::Add(url) => crate::fetch::sync::subscribe(&fetcher, &sync, url)
                        .await
                        .map(|_| "Subscribed on the server; syncing…"),
                    ServerChange::Edit(stream, edit, _) => {
                        crate::fetch::sync::edit(&fetcher, &sync, stream, edit)
                            .await
                            .map(|()| "Changed on the server; syncing…")
                    }
                }
            });
            // Unsubscribed there: gone here at once, whatever the sync that follows makes of
            // the server's list (one with no feed left removes nothing).
            let done = match (done, &change) {
                (Ok(_), ServerChange::Edit(_, Edit::Unsubscribe, feed)) => Store::open(&db)
                    .and_then(|mut s| s.remove_feed(*feed))
                    .map(|()| "Unsubscribed on the server; its entries are gone")
                    .map_err(|e| e.diagnosed()),
                (done, _) => done.map_err(|e| format!("Server: {e}")),
            };
            ctx.say(match done {
                Ok(text) => {
                    let _ = refresh.send(RefreshCmd::Now(crate::model::RefreshScope::All));
                    Msg::FeedsChanged(text.into())
                }
                Err(e) => Msg::Failed(e),
            });
        });
    }

    /// Subscribes as a job (fetching may take as long as the timeout), on the runtime's
    /// reactor; the result comes back as a message.
    fn spawn_subscribe(&mut self, url: String) {
        let fetcher = self.fetcher.clone();
        let db = self.store.path().to_owned();
        let runtime = tokio::runtime::Handle::current();
        let judged = crate::fetch::subscribe::Judged {
            rules: std::sync::Arc::clone(&self.links.rules),
            settings: std::sync::Arc::clone(&self.feed_settings),
        };
        let file = self.subscriptions_file.clone();
        self.jobs.spawn(Job::Subscribe, move |ctx| {
            let (said, subscribed) =
                runtime.block_on(subscribe_message(&fetcher, &db, &url, &judged));
            let said = match (said, file, subscribed) {
                (Msg::FeedsChanged(text), Some(path), Some(subscribed)) => {
                    match crate::export::subscriptions_file::write_back(
                        &path,
                        &FileEdit::Add(&subscribed),
                    ) {
                        Ok(()) => {
                            Msg::FeedsChanged(format!("{text} (and in the subscriptions file)"))
                        }
                        Err(e) => Msg::Failed(format!("{text}, but {e}")),
                    }
                }
                (said, ..) => said,
            };
            ctx.say(said);
        });
    }
}

/// What subscribing to `url` says, and the address subscribed to.
async fn subscribe_message(
    fetcher: &Fetcher,
    db: &std::path::Path,
    url: &str,
    judged: &crate::fetch::subscribe::Judged,
) -> (Msg, Option<String>) {
    let now = chrono::Utc::now().timestamp();
    let said = match subscribe(fetcher, db, url, now, Pick::Ask, judged).await {
        Ok(s) => {
            let via = if s.discovered.is_empty() {
                String::new()
            } else {
                format!(" (found on the page: {})", s.url)
            };
            let (verb, count) = if s.is_new {
                ("Subscribed to", count_of(s.entries, "entry", "entries"))
            } else {
                (
                    "Already subscribed to",
                    count_of(s.entries, "new entry", "new entries"),
                )
            };
            let said = Msg::FeedsChanged(format!("{verb} {}: {count}{via}", s.title));
            return (said, Some(s.url));
        }
        Err(SubscribeError::Several { page, found }) => Msg::FeedsFound { page, found },
        Err(SubscribeError::Store(e)) => Msg::Failed(e.diagnosed()),
        Err(e) => Msg::Failed(e.to_string()),
    };
    (said, None)
}

/// Lays `entry` out (the render job). The layout runs on a thread of its own: if it takes
/// longer than `budget`, the plain-text fallback goes first and the full layout follows, unless
/// the job is cancelled meanwhile (another entry was opened), when it stops waiting. A renderer
/// panic stays on the layout's thread and becomes a message.
pub fn render(ctx: &Ctx, entry: Entry, width: u16, budget: Duration) {
    let (done_tx, done_rx) = std_mpsc::channel();
    let (html, base) = entry.shown_html();
    let (html, base) = (html.to_owned(), base.map(str::to_owned));
    let worker = std::thread::Builder::new()
        .name("tidings-layout".into())
        .spawn(move || {
            let rendered = render::article(&html, base.as_deref(), usize::from(width));
            let _ = done_tx.send(rendered);
        });
    if worker.is_err() {
        ctx.say(Msg::Failed("could not start rendering".into()));
        return;
    }
    let id = entry.summary.id;
    let loaded = |entry: Entry, rendered: render::Rendered, complete| Msg::EntryLoaded {
        rendered: rendered.with_title(&entry.summary.title, usize::from(width)),
        entry: Box::new(entry),
        width,
        complete,
    };
    let failed = || Msg::Failed(format!("could not render entry {} (see the log)", id.0));
    match done_rx.recv_timeout(budget) {
        Ok(rendered) => ctx.say(loaded(entry, rendered, true)),
        Err(std_mpsc::RecvTimeoutError::Timeout) => {
            let quick = render::fallback(entry.shown_html().0, usize::from(width));
            ctx.say(loaded(entry.clone(), quick, false));
            loop {
                match done_rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(rendered) => break ctx.say(loaded(entry, rendered, true)),
                    Err(std_mpsc::RecvTimeoutError::Timeout) if ctx.cancelled() => break,
                    Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std_mpsc::RecvTimeoutError::Disconnected) => break ctx.say(failed()),
                }
            }
        }
        Err(std_mpsc::RecvTimeoutError::Disconnected) => ctx.say(failed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntrySummary, FeedId};

    fn entry(html: &str) -> Entry {
        Entry {
            summary: EntrySummary {
                id: EntryId(1),
                feed_id: FeedId(1),
                feed_title: "f".into(),
                guid: None,
                title: "t".into(),
                link: None,
                author: None,
                published: chrono::DateTime::from_timestamp(0, 0).unwrap(),
                first_seen: chrono::DateTime::from_timestamp(0, 0).unwrap(),
                read: false,
                starred: false,
                hidden: false,
                labels: Vec::new(),
                highlight: None,
                group: 0,
                story: None,
                also_in: Vec::new(),
            },
            updated: None,
            content_html: html.into(),
            base_url: None,
            enclosures: Vec::new(),
            article: None,
            full_article: false,
        }
    }

    /// The messages a render job sends, until it ends.
    fn rendered(entry: Entry, budget: Duration) -> Vec<Msg> {
        let (mut jobs, mut rx) = Jobs::new();
        jobs.spawn(Job::Render, move |ctx| render(ctx, entry, 40, budget));
        let start = std::time::Instant::now();
        let mut out = Vec::new();
        loop {
            if let Ok(event) = rx.try_recv() {
                match jobs.accept(event) {
                    Some(super::super::jobs::Accepted::Msg(Msg::JobEnded(_))) => return out,
                    Some(super::super::jobs::Accepted::Msg(msg)) => out.push(msg),
                    _ => {}
                }
                continue;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no rendering arrived"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_quick_layout_arrives_complete() {
        let msgs = rendered(entry("<p>hello</p>"), Duration::from_secs(30));
        assert_eq!(msgs.len(), 1);
        let Msg::EntryLoaded {
            complete, rendered, ..
        } = &msgs[0]
        else {
            panic!("expected a rendering");
        };
        assert!(*complete);
        assert_eq!(rendered.lines[0].text(), "hello");
    }

    #[test]
    fn past_the_budget_the_fallback_comes_first_then_the_full_layout() {
        // Long enough that the layout cannot beat a zero budget, however the threads run
        // (a one-line body sometimes did, on a busy machine).
        let html = format!(
            "<p>hello <a href=\"https://a.example/\">there</a></p>{}",
            "<p>more words to lay out, and more.</p>".repeat(5000)
        );
        let msgs = rendered(entry(&html), Duration::ZERO);
        assert_eq!(msgs.len(), 2);
        let Msg::EntryLoaded {
            complete, rendered, ..
        } = &msgs[0]
        else {
            panic!("expected the fallback");
        };
        assert!(!*complete);
        assert!(rendered.links.is_empty());
        let Msg::EntryLoaded {
            complete, rendered, ..
        } = &msgs[1]
        else {
            panic!("expected the full layout");
        };
        assert!(*complete);
        assert_eq!(rendered.links, ["https://a.example/"]);
    }
}

#[cfg(test)]
mod opening_tests {
    use super::LinkSettings;
    use crate::app::Opening;
    use crate::tui::clipboard::Environment;

    /// Issue #19: `o` ignored `[links] open_command` with no `DISPLAY`, and said "no browser
    /// over SSH" when the session was not SSH.
    #[test]
    fn a_configured_command_always_runs_and_copying_says_why() {
        let settings = |command: &[&str], in_terminal: bool, ssh: bool, display: bool| {
            LinkSettings {
                open_command: command.iter().map(|&c| c.to_owned()).collect(),
                open_in_terminal: in_terminal,
                environment: Environment {
                    ssh,
                    display,
                    ..Environment::default()
                },
                ..LinkSettings::default()
            }
            .opening()
        };
        assert_eq!(settings(&["w3m"], true, true, false), Opening::InTerminal);
        assert_eq!(
            settings(&["my-open"], false, false, false),
            Opening::Browser
        );
        assert_eq!(
            settings(&[], false, true, true),
            Opening::Copy("no browser over SSH".into())
        );
        assert_eq!(
            settings(&[], false, false, false),
            Opening::Copy("no display to open a browser on".into())
        );
        assert_eq!(settings(&[], false, false, true), Opening::Browser);
    }
}
