//! The refresh engine: fetch many feeds concurrently (bounded overall and per host), parse off
//! the async threads, write each feed in one transaction. `run_once` is the one code path for
//! `tidings refresh` and the TUI; `serve` is the TUI's background task around it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinSet;

use super::asking::{Plan, Planner};
use super::http::{FetchError, FetchOutcome, Fetched, Fetcher, Validators};
use super::parse::parse_document;
use super::writer::{Job, Said};
use crate::model::feed_settings::SettingsBook;
use crate::model::{
    FeedId, IncomingFeed, RefreshCmd, RefreshEvent, RefreshScope, RefreshSummary, RetentionRules,
};
use crate::store::{
    Durability, Failure, FeedFetchState, FetchMeta, Hold, Prepared, Store, StoreError,
};

/// The refresh task's own connection. An async mutex: a feed waiting to be written waits as a
/// task, not on a blocking thread (each extra blocking thread costs a malloc arena).
pub type SharedStore = Arc<tokio::sync::Mutex<Store>>;

/// The page cache of the refresh's side connections (the preparing readers, the log copier).
pub(super) const SIDE_CACHE_KIB: u32 = 512;

/// Wraps the refresh task's connection, whose commits are synced at checkpoints only: what a
/// refresh writes can be fetched again, and a sync per feed would hold the write lock (and
/// the marks waiting on it) for a disk flush each. Marks on other connections stay synced, and
/// their sync makes the log before them durable too.
pub fn shared_store(store: Store) -> Result<SharedStore, StoreError> {
    store.set_durability(Durability::Normal)?;
    Ok(Arc::new(tokio::sync::Mutex::new(store)))
}

/// How wide a refresh runs, and what it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshOptions {
    /// Requests in flight at once.
    pub jobs: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// What each feed keeps after it is stored (`Store::prune`).
    pub retention: RetentionRules,
    /// What new entries are judged by as they are stored, in order.
    pub rules: Arc<[crate::model::rules::Rule]>,
    /// Sync with this feed server instead of fetching feeds (`[sync]`).
    pub sync: Option<super::sync::SharedSync>,
    /// How each feed is fetched: `[refresh]`'s defaults and the `[[feed]]` tables (#24).
    pub feeds: Arc<crate::model::feed_settings::SettingsBook>,
}

/// Why a whole refresh could not run (a single feed's failure is an event, not this).
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("refresh task failed: {0}")]
    Join(String),
    #[error("sync: {0}")]
    Sync(Box<super::sync::SyncError>),
}

/// How one feed went.
enum FeedResult {
    Updated(usize),
    NotModified,
    Failed(String),
    /// Not fetched: its host asked to wait.
    Skipped(String),
}

/// The longest any hold lasts: a day.
const MAX_HOLD_SECS: i64 = 24 * 60 * 60;
/// The first backoff after a failure; it doubles with each further failure, up to a day.
const FIRST_BACKOFF_SECS: i64 = 30 * 60;

/// How long to leave a feed alone after its `failures`-th failure in a row.
fn backoff_secs(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(16);
    (FIRST_BACKOFF_SECS << doublings).min(MAX_HOLD_SECS)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A time as the user reads it in messages.
fn clock(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// Hosts that asked (429/503 with `Retry-After`) not to be fetched before a time, shared by
/// the fetches of one run so the host's other feeds wait too.
#[derive(Debug, Default)]
struct HostHolds(Mutex<HashMap<String, i64>>);

impl HostHolds {
    fn until(&self, host: &str) -> Option<i64> {
        self.0.lock().ok()?.get(host).copied()
    }

    fn hold(&self, host: &str, until: i64) {
        if let Ok(mut holds) = self.0.lock() {
            let entry = holds.entry(host.to_owned()).or_insert(until);
            *entry = (*entry).max(until);
        }
    }
}

/// Until when a fetched feed is fresh: the longer of the server's `max-age` and the feed's
/// `<ttl>`, never more than a day.
fn fresh_until(max_age_secs: Option<u64>, ttl_minutes: Option<u32>, now: i64) -> Option<i64> {
    let ttl_secs = ttl_minutes.map(|m| u64::from(m) * 60);
    let secs = max_age_secs.max(ttl_secs).filter(|&s| s > 0)?;
    Some(
        now + i64::try_from(secs)
            .unwrap_or(MAX_HOLD_SECS)
            .min(MAX_HOLD_SECS),
    )
}

/// What the fetches of one run share: the hosts' holds, the parsing threads and permits for
/// them (parsing is CPU-bound: more documents parsed at once than there are cores only costs
/// memory), and the connections the parsing threads read through to prepare what the writer
/// will write.
#[derive(Debug)]
struct RunShared {
    holds: HostHolds,
    /// Permits to parse, one per parsing thread.
    parsing: Semaphore,
    /// The threads documents are parsed and prepared on ([`super::parsers`]).
    parsers: super::parsers::Parsers,
    retention: RetentionRules,
    database: std::path::PathBuf,
    readers: Mutex<Vec<Store>>,
    /// The run's writer (`writer::write_all`), which ends when the last of these is dropped.
    writer: mpsc::Sender<Job>,
    /// Hosts a fetch timed out on in this run: their feeds still waiting are left for the next
    /// run (issue #17: a run ended with its slowest host, twenty dripping feeds two at a time
    /// took five minutes).
    slow: Mutex<std::collections::HashSet<String>>,
}

impl RunShared {
    fn new(
        retention: RetentionRules,
        database: std::path::PathBuf,
        writer: mpsc::Sender<Job>,
    ) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            holds: HostHolds::default(),
            parsing: Semaphore::new(cores),
            parsers: super::parsers::Parsers::new(cores),
            retention,
            database,
            readers: Mutex::default(),
            writer,
            slow: Mutex::default(),
        }
    }

    fn is_slow(&self, host: &str) -> bool {
        self.slow.lock().is_ok_and(|slow| slow.contains(host))
    }

    fn mark_slow(&self, host: String) {
        if let Ok(mut slow) = self.slow.lock() {
            slow.insert(host);
        }
    }

    /// Packs and extracts, on the calling (parsing) thread, what storing `incoming` needs,
    /// so the one writer only writes. Without a connection to read, nothing is made ready
    /// and the writer makes it all: slower, never wrong.
    fn prepare(&self, feed: FeedId, incoming: &IncomingFeed) -> Prepared {
        let pooled = self.readers.lock().ok().and_then(|mut r| r.pop());
        let opened = || {
            let reader = Store::open(&self.database).ok()?;
            reader.set_cache_kib(SIDE_CACHE_KIB).ok()?;
            Some(reader)
        };
        let Some(reader) = pooled.or_else(opened) else {
            return Prepared::default();
        };
        let prepared = reader.prepare(feed, incoming).unwrap_or_default();
        if let Ok(mut readers) = self.readers.lock() {
            readers.push(reader);
        }
        prepared
    }
}

/// Runs `f` on the store from a blocking thread.
pub(super) async fn with_store<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, RefreshError> {
    let mut guard = Arc::clone(store).lock_owned().await;
    tokio::task::spawn_blocking(move || f(&mut guard).map_err(RefreshError::from))
        .await
        .map_err(|e| RefreshError::Join(e.to_string()))?
}

fn writer_gone() -> RefreshError {
    RefreshError::Join("the refresh's writer stopped".into())
}

/// Hands a parsed feed to the run's writer, which writes it, then removes what its retention
/// rule no longer keeps (never what the document still lists). The answer says how many
/// entries were new.
async fn queue_feed(
    feed: &FeedFetchState,
    shared: &RunShared,
    incoming: IncomingFeed,
    prepared: Prepared,
    mut body: Fetched,
) -> Result<oneshot::Receiver<Result<usize, RefreshError>>, RefreshError> {
    // The document is parsed: it need not wait for the writer with the feed.
    body.bytes = Vec::new();
    let mut titles = vec![feed.title.as_str()];
    titles.extend(incoming.title.as_deref());
    let rule = shared.retention.for_feed(&feed.url, &titles);
    let said = Said {
        fresh_until: fresh_until(body.max_age, incoming.ttl_minutes, now()),
        etag: body.validators.etag,
        last_modified: body.validators.last_modified,
        permanent_redirect: body.permanent_redirect,
    };
    let (done, answer) = oneshot::channel();
    let job = Job {
        feed: feed.id,
        incoming,
        prepared,
        said,
        rule,
        done,
    };
    shared.writer.send(job).await.map_err(|_| writer_gone())?;
    Ok(answer)
}

/// What a failed fetch means for the feed: its message, and (in `failure`) the hold that
/// follows. Only the origin that answered is held by a `Retry-After` (issue #17: a 429 from a
/// redirect's target held every feed of the subscribed host, and the message blamed it); a
/// timeout marks the host slow for the rest of the run.
fn fetch_failed(
    e: FetchError,
    url: &str,
    shared: &RunShared,
    failure: &mut Failure<'_>,
) -> FeedResult {
    match e {
        FetchError::Status { code: 410, .. } => {
            failure.gone = true;
            failure.hold = None;
            FeedResult::Failed(
                "HTTP 410 Gone: the feed was removed and is no longer refreshed".into(),
            )
        }
        FetchError::Status {
            code,
            reason,
            retry_after: Some(wait),
            origin: answered,
        } => {
            let until = now() + i64::try_from(wait.as_secs()).unwrap_or(MAX_HOLD_SECS);
            shared.holds.hold(&answered, until);
            failure.hold = Some((until, Hold::RetryAfter));
            FeedResult::Failed(format!(
                "HTTP {code} {reason}: {} asked to wait until {}",
                host_in(&answered),
                clock(until)
            ))
        }
        e @ FetchError::Timeout(_) => {
            shared.mark_slow(host_of(url));
            FeedResult::Failed(e.to_string())
        }
        e => FeedResult::Failed(e.to_string()),
    }
}

/// Fetches, parses and stores one feed. Every failure becomes that feed's recorded error, with
/// the hold that follows from it.
async fn refresh_feed(
    store: SharedStore,
    plan: Plan,
    feed: FeedFetchState,
    shared: Arc<RunShared>,
) -> FeedResult {
    let holds = &shared.holds;
    let id = feed.id;
    let origin = origin_of(&feed.url);
    let started = now();
    if let Some(until) = holds.until(&origin).filter(|&t| t > started) {
        let _ = with_store(&store, move |s| s.record_wait(id, until)).await;
        return FeedResult::Skipped(format!(
            "{} asked to wait until {}",
            host_in(&origin),
            clock(until)
        ));
    }
    let validators = Validators {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let outcome = match plan {
        Plan::Ready { fetcher, asking } => fetcher.fetch_as(&feed.url, &validators, &asking).await,
        Plan::Broken(why) => Err(FetchError::Settings(why)),
        Plan::Disabled => {
            return FeedResult::Skipped("disabled in the config ([[feed]] enabled = false)".into());
        }
    };
    let mut failure = Failure {
        error: "",
        hold: Some((0, Hold::Backoff)),
        gone: false,
    };
    let result = match outcome {
        Ok(FetchOutcome::NotModified) => with_store(&store, move |s| {
            s.record_not_modified(id, &FetchMeta::default(), now())
        })
        .await
        .map(|()| FeedResult::NotModified),
        Ok(FetchOutcome::Fetched(body)) => {
            let url = feed.url.clone();
            // The semaphore is never closed, so acquiring cannot fail.
            let permit = shared.parsing.acquire().await.ok();
            let run = Arc::clone(&shared);
            let parsed = shared
                .parsers
                .run(move || {
                    let parsed = parse_document(&body.bytes, &url, body.content_type.as_deref())
                        .map(|mut incoming| {
                            let prepared = run.prepare(id, &incoming);
                            prepared.release_bodies(&mut incoming);
                            (incoming, prepared)
                        });
                    (parsed, body)
                })
                .await;
            match parsed {
                Ok((Ok((incoming, prepared)), body)) => {
                    // Queued while the permit is held, so no more parsed documents wait in
                    // memory than there are parsers and places in the writer's queue.
                    let queued = queue_feed(&feed, &shared, incoming, prepared, body).await;
                    drop(permit);
                    match queued {
                        Ok(answer) => answer
                            .await
                            .unwrap_or_else(|_| Err(writer_gone()))
                            .map(FeedResult::Updated),
                        Err(e) => Err(e),
                    }
                }
                Ok((Err(e), _)) => Ok(FeedResult::Failed(e.to_string())),
                Err(e) => Ok(FeedResult::Failed(format!("parser crashed: {e}"))),
            }
        }
        Err(e) => Ok(fetch_failed(e, &feed.url, &shared, &mut failure)),
    };
    match result {
        Ok(FeedResult::Failed(msg)) => {
            let at = now();
            if let Some((until, Hold::Backoff)) = &mut failure.hold {
                *until = at + backoff_secs(feed.failures.saturating_add(1));
            }
            let recorded = msg.clone();
            // If even the error cannot be written, the event still tells the user.
            let _ = with_store(&store, move |s| {
                let failure = Failure {
                    error: &recorded,
                    ..failure
                };
                s.record_failure(id, &failure, at)
            })
            .await;
            FeedResult::Failed(msg)
        }
        Ok(done) => done,
        // Fetched and read, but the database would not keep it.
        Err(RefreshError::Store(e)) => FeedResult::Failed(format!("not saved: {}", e.reason())),
        Err(e) => FeedResult::Failed(e.to_string()),
    }
}

/// `scheme://host:port` of a feed's URL, what a `Retry-After` holds (empty for a file).
fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .filter(|u| u.host_str().is_some())
        .map(|u| super::http::origin_of(&u))
        .unwrap_or_default()
}

/// An origin as the user reads it in messages: its host, and its port unless the scheme's own.
fn host_in(origin: &str) -> &str {
    let (scheme, rest) = origin.split_once("://").unwrap_or(("", origin));
    match rest.rsplit_once(':') {
        Some((host, "443")) if scheme == "https" => host,
        Some((host, "80")) if scheme == "http" => host,
        _ => rest,
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Refreshes the feeds in `scope`, reporting each as it finishes through `on_event`.
pub async fn run_once(
    store: &SharedStore,
    fetcher: &Fetcher,
    scope: RefreshScope,
    opts: RefreshOptions,
    mut on_event: impl FnMut(RefreshEvent),
) -> Result<RefreshSummary, RefreshError> {
    if let Some(sync) = opts.sync.clone() {
        return synced(store, fetcher, &sync, &opts, on_event).await;
    }
    // Nothing fetched could be kept: say why once, rather than once per feed.
    let database = {
        let mut store = store.lock().await;
        if let Some(why) = store.read_only() {
            return Err(StoreError::ReadOnly(why.to_owned()).into());
        }
        store.set_rules(Arc::clone(&opts.rules));
        store.path().to_owned()
    };
    let (feeds, (waiting, gone)) = with_store(store, move |s| {
        let at = now();
        Ok((s.fetch_states(scope, at)?, s.held_back(scope, at)?))
    })
    .await?;
    let feeds = plan_feeds(store, fetcher, &opts, feeds, scope).await?;
    on_event(RefreshEvent::Started { total: feeds.len() });

    let global = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let (jobs, queue) = mpsc::channel(super::writer::queue_for(feeds.len()));
    let writer = tokio::spawn(super::writer::write_all(Arc::clone(store), queue));
    let shared = Arc::new(RunShared::new(opts.retention.clone(), database, jobs));
    let mut tasks: JoinSet<(FeedId, String, FeedResult)> = JoinSet::new();
    for (feed, plan) in feeds {
        let host_name = host_of(&feed.url);
        let host = Arc::clone(
            hosts
                .entry(host_name.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(opts.per_host.max(1)))),
        );
        let global = Arc::clone(&global);
        let store = Arc::clone(store);
        let shared = Arc::clone(&shared);
        tasks.spawn(async move {
            // The semaphores are never closed, so acquiring cannot fail.
            let _host = host.acquire_owned().await.ok();
            let (id, title) = (feed.id, feed.title.clone());
            if shared.is_slow(&host_name) {
                let why = format!("{host_name} timed out in this refresh: left for the next");
                return (id, title, FeedResult::Skipped(why));
            }
            let _slot = global.acquire_owned().await.ok();
            (id, title, refresh_feed(store, plan, feed, shared).await)
        });
    }

    let mut summary = RefreshSummary {
        waiting,
        gone,
        ..RefreshSummary::default()
    };
    while let Some(joined) = tasks.join_next().await {
        let (feed, title, result) = joined.map_err(|e| RefreshError::Join(e.to_string()))?;
        match result {
            FeedResult::Updated(new_entries) => {
                summary.ok += 1;
                summary.new_entries += new_entries;
                on_event(RefreshEvent::FeedDone {
                    feed,
                    title,
                    new_entries,
                });
            }
            FeedResult::NotModified => {
                summary.ok += 1;
                summary.not_modified += 1;
                on_event(RefreshEvent::FeedDone {
                    feed,
                    title,
                    new_entries: 0,
                });
            }
            FeedResult::Failed(error) => {
                summary.failed += 1;
                on_event(RefreshEvent::FeedFailed { feed, title, error });
            }
            FeedResult::Skipped(reason) => {
                summary.skipped += 1;
                on_event(RefreshEvent::FeedSkipped {
                    feed,
                    title,
                    reason,
                });
            }
        }
    }
    // Every feed is answered, so nothing is left to write: the writer ends with the last sender.
    drop(shared);
    let _ = writer.await;
    let ruled = store.lock().await.take_ruled();
    summary.ruled_out = ruled.skipped;
    if !ruled.noticed.is_empty() {
        on_event(RefreshEvent::Noticed(ruled.noticed));
    }
    on_event(RefreshEvent::Finished(summary));
    Ok(summary)
}

/// Each feed with how it is fetched (#24): a password command runs and a cookie file is read
/// once a run, off the async threads. A disabled feed is left out of a run of many, and said
/// to be disabled when asked for alone; `full_article` in a `[[feed]]` table is written to
/// the feed, so the reader and the run after the refresh see it.
async fn plan_feeds(
    store: &SharedStore,
    fetcher: &Fetcher,
    opts: &RefreshOptions,
    feeds: Vec<FeedFetchState>,
    scope: RefreshScope,
) -> Result<Vec<(FeedFetchState, Plan)>, RefreshError> {
    let mut planner = Planner::new(Arc::clone(&opts.feeds), fetcher.clone());
    if opts.feeds.is_plain() {
        return Ok(feeds
            .into_iter()
            .map(|f| {
                let plan = planner.plan(&f.url, &f.title);
                (f, plan)
            })
            .collect());
    }
    let at = now();
    let (ready, articles) = tokio::task::spawn_blocking(move || {
        let mut articles = Vec::new();
        let ready: Vec<(FeedFetchState, Plan)> = feeds
            .into_iter()
            .filter_map(|f| {
                // Each feed's settings once: its interval, its articles, its plan.
                let s = planner.settings(&f.url, &f.title);
                // The automatic refresh leaves a feed alone until its interval has passed.
                if scope == RefreshScope::Due
                    && !SettingsBook::interval_passed(s.interval_minutes, f.last_fetch_at, at)
                {
                    return None;
                }
                if let Some(on) = s.full_article {
                    articles.push((f.id, on));
                }
                let plan = planner.plan_with(&s);
                let alone = matches!(scope, RefreshScope::Feed(_));
                (alone || !matches!(plan, Plan::Disabled)).then_some((f, plan))
            })
            .collect();
        (ready, articles)
    })
    .await
    .map_err(|e| RefreshError::Join(e.to_string()))?;
    if !articles.is_empty() {
        with_store(store, move |s| {
            articles
                .into_iter()
                .try_for_each(|(id, on)| s.set_full_article(id, on))
        })
        .await?;
    }
    Ok(ready)
}

/// A sync in place of a refresh (`[sync]`): its events, and its figures as a refresh's.
async fn synced(
    store: &SharedStore,
    fetcher: &Fetcher,
    sync: &super::sync::SyncOptions,
    opts: &RefreshOptions,
    mut on_event: impl FnMut(RefreshEvent),
) -> Result<RefreshSummary, RefreshError> {
    let synced = super::sync::sync_once(store, fetcher, sync, opts, &mut on_event)
        .await
        .map_err(|e| RefreshError::Sync(Box::new(e)))?;
    let ruled = store.lock().await.take_ruled();
    if !ruled.noticed.is_empty() {
        on_event(RefreshEvent::Noticed(ruled.noticed));
    }
    on_event(RefreshEvent::Synced(synced));
    Ok(RefreshSummary {
        ok: synced.feeds,
        new_entries: synced.new_entries,
        ruled_out: synced.ruled_out,
        ..RefreshSummary::default()
    })
}

/// The TUI's background task: runs one refresh of many feeds at a time, coalescing requests
/// that arrive during a run into one more run, until `Shutdown` or the command channel closes.
/// A refresh of one feed never waits for a run to end (issue #17: `Ctrl-r` on a healthy feed
/// waited behind twenty dripping ones): it runs at once beside it, and reports as `One`.
pub async fn serve(
    store: SharedStore,
    fetcher: Fetcher,
    opts: RefreshOptions,
    mut commands: mpsc::UnboundedReceiver<RefreshCmd>,
    events: mpsc::UnboundedSender<RefreshEvent>,
) {
    let mut pending: Option<RefreshScope> = None;
    let mut singles = JoinSet::new();
    let single = |feed: FeedId, singles: &mut JoinSet<()>| {
        let (store, fetcher, opts, events) = (
            Arc::clone(&store),
            fetcher.clone(),
            opts.clone(),
            events.clone(),
        );
        singles.spawn(async move { refresh_one(&store, &fetcher, feed, opts, &events).await });
    };
    loop {
        let scope = match pending.take() {
            Some(scope) => scope,
            None => match commands.recv().await {
                // With sync on, the server fetches feeds: one feed's refresh is a whole sync.
                Some(RefreshCmd::Now(RefreshScope::Feed(feed))) if opts.sync.is_none() => {
                    single(feed, &mut singles);
                    continue;
                }
                Some(RefreshCmd::Now(scope)) => scope,
                Some(RefreshCmd::Shutdown) | None => return,
            },
        };
        let run = run_once(&store, &fetcher, scope, opts.clone(), |e| {
            let _ = events.send(e);
        });
        tokio::pin!(run);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                cmd = commands.recv() => match cmd {
                    Some(RefreshCmd::Now(RefreshScope::Feed(feed))) if opts.sync.is_none() => {
                        single(feed, &mut singles);
                    }
                    Some(RefreshCmd::Now(next)) => pending = Some(merge(pending, next)),
                    Some(RefreshCmd::Shutdown) | None => return,
                },
            }
        };
        if let Err(e) = result {
            tracing::error!("refresh failed: {e}");
            let _ = events.send(RefreshEvent::Stopped {
                error: e.to_string(),
            });
        }
        // Reap the single refreshes that ended (they report for themselves).
        while singles.try_join_next().is_some() {}
    }
}

/// Refreshes one feed and reports it as one `RefreshEvent::One`.
async fn refresh_one(
    store: &SharedStore,
    fetcher: &Fetcher,
    feed: FeedId,
    opts: RefreshOptions,
    events: &mpsc::UnboundedSender<RefreshEvent>,
) {
    let mut outcome = None;
    let run = run_once(store, fetcher, RefreshScope::Feed(feed), opts, |e| {
        outcome = match e {
            RefreshEvent::FeedDone {
                title, new_entries, ..
            } => Some((title, Ok(new_entries))),
            RefreshEvent::FeedFailed { title, error, .. } => Some((title, Err(error))),
            RefreshEvent::FeedSkipped { title, reason, .. } => Some((title, Err(reason))),
            RefreshEvent::Noticed(noticed) => {
                let _ = events.send(RefreshEvent::Noticed(noticed));
                outcome.take()
            }
            _ => outcome.take(),
        };
    })
    .await;
    let (title, outcome) = match (run, outcome) {
        (Err(e), _) => (String::new(), Err(e.to_string())),
        (Ok(_), Some(found)) => found,
        (Ok(_), None) => (String::new(), Err("no such feed".to_owned())),
    };
    let _ = events.send(RefreshEvent::One {
        feed,
        title,
        outcome,
    });
}

/// Two coalesced requests of many feeds: all feeds wins over the due ones.
fn merge(pending: Option<RefreshScope>, next: RefreshScope) -> RefreshScope {
    match (pending, next) {
        (None, next) => next,
        (Some(a), b) if a == b => a,
        _ => RefreshScope::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalescing_prefers_the_wider_scope() {
        let one = RefreshScope::Feed(FeedId(1));
        let two = RefreshScope::Feed(FeedId(2));
        assert_eq!(merge(None, one), one);
        assert_eq!(merge(Some(one), one), one);
        assert_eq!(merge(Some(one), two), RefreshScope::All);
        assert_eq!(merge(Some(RefreshScope::All), one), RefreshScope::All);
    }

    #[test]
    fn backoff_doubles_from_half_an_hour_up_to_a_day() {
        assert_eq!(backoff_secs(1), 30 * 60);
        assert_eq!(backoff_secs(2), 60 * 60);
        assert_eq!(backoff_secs(3), 2 * 60 * 60);
        assert_eq!(backoff_secs(7), 24 * 60 * 60);
        assert_eq!(backoff_secs(u32::MAX), 24 * 60 * 60);
    }

    #[test]
    fn freshness_is_the_longer_of_max_age_and_ttl_capped_at_a_day() {
        assert_eq!(fresh_until(None, None, 100), None);
        assert_eq!(fresh_until(Some(600), Some(5), 100), Some(700));
        assert_eq!(fresh_until(Some(60), Some(60), 100), Some(3700));
        assert_eq!(fresh_until(None, Some(100_000), 0), Some(86_400));
        assert_eq!(fresh_until(Some(0), None, 100), None);
    }

    #[test]
    fn a_host_hold_keeps_the_latest_time() {
        let holds = HostHolds::default();
        holds.hold("a.example", 100);
        holds.hold("a.example", 50);
        assert_eq!(holds.until("a.example"), Some(100));
        assert_eq!(holds.until("b.example"), None);
    }

    #[test]
    fn origins_name_scheme_host_and_port() {
        assert_eq!(origin_of("https://a.example/x"), "https://a.example:443");
        assert_eq!(
            origin_of("http://a.example:8080/x"),
            "http://a.example:8080"
        );
        assert_eq!(origin_of("file:///tmp/x.xml"), "");
        assert_eq!(host_in("https://a.example:443"), "a.example");
        assert_eq!(host_in("http://a.example:80"), "a.example");
        assert_eq!(host_in("http://[::1]:8080"), "[::1]:8080");
    }

    #[test]
    fn host_is_taken_from_the_url() {
        assert_eq!(host_of("https://a.example:8080/x"), "a.example");
        assert_eq!(host_of("file:///tmp/x.xml"), "");
    }
}
