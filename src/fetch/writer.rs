//! The refresh's one writer. Parsed feeds queue here; the writer takes every feed waiting when
//! it is free (up to [`BATCH_ENTRIES`] entries or [`BATCH_FEEDS`] feeds) and writes them in one
//! transaction, then answers each. When the writer keeps up (feeds arrive slower than it
//! writes, as on a network-bound refresh) each feed is its own transaction; when it falls
//! behind (a cold refresh of hundreds of feeds), the feeds that were waiting share one. Each
//! feed is reported only after the commit that holds it, so a kill loses nothing that was
//! reported, and nothing of a feed is ever half written.
//!
//! Why (issue #16): every commit makes the search index write a segment, and FTS5 merges its
//! segments as they pile up, rewriting the index several times over; a commit also costs a
//! log write and, every few, a checkpoint. Feeds that were waiting anyway lose nothing by
//! sharing one. The bounds keep a transaction, and so the wait of another connection's write
//! (`tidings mark`, a sync), short.

use tokio::sync::{mpsc, oneshot};

use super::refresh::{RefreshError, SharedStore, with_store};
use crate::model::{FeedId, IncomingFeed, Retention};
use crate::store::{FeedWrite, FetchMeta, Prepared, Store};

/// A transaction takes no more feeds once it holds this many entries (a single feed with
/// more is written alone). About 150 ms of writing on the machine of docs/BENCHMARKS.md: a mark
/// in the reader no longer waits for it (`tui::marking`), a `tidings mark` from cron does.
pub const BATCH_ENTRIES: usize = 1200;
/// Nor more feeds than this.
pub const BATCH_FEEDS: usize = 24;

/// Parsed feeds that may wait for the writer in a run of `feeds` feeds: 4, and up to 8 for
/// runs of 2000 feeds and more. A parser with one more waits too, so memory holds at most
/// this many parsed documents besides those being parsed and written.
///
/// Why (issue #16): the writer takes every feed waiting when it is free, so this is what
/// bounds a transaction in a cold refresh, and with it how often the search index writes a
/// segment and merges (a quarter of a cold refresh's CPU time) and how many times each page of
/// the indexes ordered by date and story is written. Each feed more in a transaction holds
/// its terms in the search index's memory until the commit: 8 held about 6 MiB more than 4 at
/// the peak of a cold refresh of 500 bench feeds (above newsboat's peak there) and took 20 to
/// 30 % off the wall time of 2000 (docs/BENCHMARKS.md), where the database and its pages
/// written per commit are four times larger and the memory is far below newsboat's.
pub fn queue_for(feeds: usize) -> usize {
    (feeds / 250).clamp(4, 8)
}

/// What the fetch said besides the body, owned, for the write.
#[derive(Debug, Default)]
pub struct Said {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fresh_until: Option<i64>,
    pub permanent_redirect: Option<String>,
}

impl Said {
    fn meta(&self) -> FetchMeta<'_> {
        FetchMeta {
            etag: self.etag.as_deref(),
            last_modified: self.last_modified.as_deref(),
            fresh_until: self.fresh_until,
            permanent_redirect: self.permanent_redirect.as_deref(),
        }
    }
}

/// One parsed feed to write, and where to say how it went (new entries, or why not).
#[derive(Debug)]
pub struct Job {
    pub feed: FeedId,
    pub incoming: IncomingFeed,
    pub prepared: Prepared,
    pub said: Said,
    /// What the feed keeps after it is written (`Store::prune`).
    pub rule: Retention,
    pub done: oneshot::Sender<Result<usize, RefreshError>>,
}

/// Writes the jobs sent on `jobs` until every sender is gone.
///
/// Meanwhile the log is copied into the database by a connection of its own, on another
/// thread, at most once a second: a commit that copied it itself (`SQLite`'s default, every
/// thousand pages) held the writer, and the feeds waiting for it, through the copy and its
/// disk sync; and the pages that several transactions change (the stream's indexes, the
/// search index's structure) are copied once a second instead of after each (a third less
/// written to disk on a cold refresh of 2 000 feeds).
pub async fn write_all(store: SharedStore, mut jobs: mpsc::Receiver<Job>) {
    let copier = Copier::open(&store).await;
    while let Some(first) = jobs.recv().await {
        let batch = gather(first, &mut jobs);
        let written = with_store(&store, move |s| {
            if let Ok(bytes) = s.size_bytes() {
                let _ = s.set_cache_kib(cache_kib_for(bytes));
            }
            write_batch(s, batch);
            Ok(())
        })
        .await;
        // A writer thread that died took its batch's answers with it: their senders are
        // dropped, and each of those feeds is reported as failed.
        if let Err(e) = written {
            tracing::error!("the refresh's writer failed: {e}");
        }
        if let Some(copier) = &copier {
            copier.copy();
        }
    }
    if let Some(copier) = copier {
        copier.finish(&store).await;
    }
    // Between refreshes the connection keeps no more than SQLite's default.
    let _ = store.lock().await.set_cache_kib(DEFAULT_CACHE_KIB);
}

/// `SQLite`'s own page cache size, what the connection has outside a refresh.
const DEFAULT_CACHE_KIB: u32 = 2000;
/// The most the writer's page cache grows to.
const MAX_CACHE_KIB: u32 = 16 * 1024;

/// The writer's page cache for a database of `bytes`: a 64th of it, between `SQLite`'s default
/// and [`MAX_CACHE_KIB`]. Why (issue #16): the pages a batch changes are spread over the
/// indexes ordered by date and story (a cold refresh brings entries of every age), and a
/// transaction that changes more pages than its cache holds writes them to the log before its
/// commit and then again; re-reading them costs a system call each. On a cold refresh of 2000
/// bench feeds (an 800 MB database) with 2 MiB the process wrote 9.2 GB and read 14.7 GB of
/// files, with 16 MiB 7.1 and 3.3 GB (docs/BENCHMARKS.md).
fn cache_kib_for(bytes: u64) -> u32 {
    u32::try_from(bytes / 64 / 1024)
        .unwrap_or(u32::MAX)
        .clamp(DEFAULT_CACHE_KIB, MAX_CACHE_KIB)
}

/// The least time between two copies of the log into the database.
const COPY_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The connection that copies the log into the database while the writer writes.
struct Copier {
    conn: std::sync::Arc<std::sync::Mutex<Store>>,
    /// The copy under way or last made, if any: one at a time, and none queued behind it (the
    /// next one copies whatever was committed meanwhile).
    running: std::sync::Mutex<Option<(std::time::Instant, tokio::task::JoinHandle<()>)>>,
}

impl Copier {
    /// Opens the copier and leaves the copying to it; `None` (the writer then copies, as
    /// usual) if a second connection cannot be had.
    async fn open(store: &SharedStore) -> Option<Self> {
        let writer = store.lock().await;
        let conn = Store::open(writer.path()).ok()?;
        conn.set_cache_kib(super::refresh::SIDE_CACHE_KIB).ok()?;
        writer.set_checkpoints_on_commit(false).ok()?;
        Some(Self {
            conn: std::sync::Arc::new(std::sync::Mutex::new(conn)),
            running: std::sync::Mutex::new(None),
        })
    }

    /// Starts a copy unless one is under way or the last began less than [`COPY_EVERY`] ago.
    fn copy(&self) {
        let Ok(mut running) = self.running.lock() else {
            return;
        };
        if running
            .as_ref()
            .is_some_and(|(began, r)| !r.is_finished() || began.elapsed() < COPY_EVERY)
        {
            return;
        }
        let conn = std::sync::Arc::clone(&self.conn);
        let copy = tokio::task::spawn_blocking(move || {
            if let Ok(conn) = conn.lock()
                && let Err(e) = conn.checkpoint()
            {
                tracing::warn!("copying the log into the database: {e}");
            }
        });
        *running = Some((std::time::Instant::now(), copy));
    }

    /// Copies what is left, and gives the copying back to the writer's commits.
    async fn finish(self, store: &SharedStore) {
        let last = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some((_, last)) = last {
            let _ = last.await;
        }
        let conn = std::sync::Arc::clone(&self.conn);
        let _ = tokio::task::spawn_blocking(move || {
            if let Ok(conn) = conn.lock() {
                let _ = conn.checkpoint();
            }
        })
        .await;
        if let Err(e) = store.lock().await.set_checkpoints_on_commit(true) {
            tracing::warn!("{e}");
        }
    }
}

/// `first` and the jobs waiting behind it, within the bounds.
fn gather(first: Job, jobs: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut entries = first.incoming.entries.len();
    let mut batch = vec![first];
    while entries < BATCH_ENTRIES && batch.len() < BATCH_FEEDS {
        let Ok(job) = jobs.try_recv() else { break };
        entries += job.incoming.entries.len();
        batch.push(job);
    }
    batch
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Writes `batch` in one transaction; if that fails, each feed alone, so one feed's failure
/// (it was unsubscribed meanwhile, say) is that feed's alone.
fn write_batch(s: &mut Store, mut batch: Vec<Job>) {
    let at = now();
    let together = if batch.len() == 1 {
        None
    } else {
        let writes = batch
            .iter_mut()
            .map(|job| FeedWrite {
                feed: job.feed,
                incoming: &job.incoming,
                prepared: std::mem::take(&mut job.prepared),
                meta: job.said.meta(),
            })
            .collect();
        s.record_batch(writes, at).ok()
    };
    match together {
        Some(news) => {
            for (job, new) in batch.into_iter().zip(news) {
                let result = prune(s, &job, at).map(|_| new);
                let _ = job.done.send(result);
            }
        }
        None => {
            for mut job in batch {
                let prepared = std::mem::take(&mut job.prepared);
                let result = s
                    .record_prepared(job.feed, &job.incoming, prepared, &job.said.meta(), at)
                    .map_err(RefreshError::from)
                    .and_then(|new| prune(s, &job, at).map(|_| new));
                let _ = job.done.send(result);
            }
        }
    }
}

/// Removes what the feed's retention rule no longer keeps (never what its document lists).
fn prune(s: &mut Store, job: &Job, at: i64) -> Result<usize, RefreshError> {
    let listed: Vec<&str> = job
        .incoming
        .entries
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    Ok(s.prune(job.feed, &job.rule, &listed, at)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IncomingEntry;

    #[test]
    fn the_writers_cache_grows_with_the_database_within_its_bounds() {
        assert_eq!(cache_kib_for(0), DEFAULT_CACHE_KIB);
        assert_eq!(cache_kib_for(200 << 20), 3200);
        assert_eq!(cache_kib_for(800 << 20), 12_800);
        assert_eq!(cache_kib_for(u64::MAX), MAX_CACHE_KIB);
    }

    #[test]
    fn the_queue_grows_with_the_run_within_its_bounds() {
        assert_eq!(queue_for(0), 4);
        assert_eq!(queue_for(500), 4);
        assert_eq!(queue_for(1500), 6);
        assert_eq!(queue_for(2000), 8);
        assert_eq!(queue_for(100_000), 8);
    }

    fn job(feed: FeedId, keys: &[&str]) -> (Job, oneshot::Receiver<Result<usize, RefreshError>>) {
        let entries = keys
            .iter()
            .map(|k| IncomingEntry {
                key: (*k).into(),
                guid: None,
                title: format!("title {k}"),
                link: None,
                author: None,
                published: None,
                updated: None,
                content_html: format!("<p>{k}</p>"),
                enclosures: Vec::new(),
            })
            .collect();
        let (done, answer) = oneshot::channel();
        let job = Job {
            feed,
            incoming: IncomingFeed {
                title: Some("T".into()),
                site_url: None,
                ttl_minutes: None,
                entries,
            },
            prepared: Prepared::default(),
            said: Said::default(),
            rule: Retention::default(),
            done,
        };
        (job, answer)
    }

    /// A feed unsubscribed while it was being fetched cannot be written: its batch is then
    /// written feed by feed, and only that feed fails.
    #[test]
    fn one_feed_that_cannot_be_written_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let (a, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let (b, _) = s.add_feed("https://b.example/feed", 0).unwrap();
        let (gone, _) = s.add_feed("https://gone.example/feed", 0).unwrap();
        s.remove_feed(gone).unwrap();
        let (ja, ra) = job(a, &["1", "2"]);
        let (jg, rg) = job(gone, &["1"]);
        let (jb, rb) = job(b, &["1"]);
        write_batch(&mut s, vec![ja, jg, jb]);
        assert_eq!(ra.blocking_recv().unwrap().unwrap(), 2);
        assert!(rg.blocking_recv().unwrap().is_err());
        assert_eq!(rb.blocking_recv().unwrap().unwrap(), 1);
        assert_eq!(s.counts().unwrap().entries, 3);
    }

    #[test]
    fn waiting_feeds_share_a_transaction_within_the_bounds() {
        let (tx, mut rx) = mpsc::channel(64);
        let small: Vec<&str> = vec!["1", "2"];
        for _ in 0..BATCH_FEEDS + 3 {
            tx.try_send(job(FeedId(1), &small).0).unwrap();
        }
        let first = rx.try_recv().unwrap();
        assert_eq!(gather(first, &mut rx).len(), BATCH_FEEDS);
        let first = rx.try_recv().unwrap();
        assert_eq!(gather(first, &mut rx).len(), 3, "what was left");
        // Big feeds: the first that reaches the entry bound closes the batch.
        let keys: Vec<String> = (0..BATCH_ENTRIES / 2).map(|i| i.to_string()).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        for _ in 0..3 {
            tx.try_send(job(FeedId(1), &keys).0).unwrap();
        }
        let first = rx.try_recv().unwrap();
        assert_eq!(gather(first, &mut rx).len(), 2);
        // Nothing waiting: a feed is its own transaction.
        let first = rx.try_recv().unwrap();
        assert_eq!(gather(first, &mut rx).len(), 1);
    }

    /// The refresh's writer leaves the copying of the log to its copier, which copies all of
    /// it by the end of the run, and gives the copying back to the writer's commits.
    #[tokio::test]
    async fn the_log_is_copied_into_the_database_by_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut s = Store::open(&path).unwrap();
        // Two batches, the second within a second of the first: its copy waits for the end.
        let ids: Vec<FeedId> = (0..BATCH_FEEDS + 2)
            .map(|i| {
                s.add_feed(&format!("https://{i}.example/feed"), 0)
                    .unwrap()
                    .0
            })
            .collect();
        let store = super::super::refresh::shared_store(s).unwrap();
        let (tx, rx) = mpsc::channel(ids.len());
        for id in &ids {
            tx.send(job(*id, &["1", "2"]).0).await.unwrap();
        }
        drop(tx);
        write_all(std::sync::Arc::clone(&store), rx).await;
        let other = Store::open(&path).unwrap();
        assert_eq!(
            other.uncopied_log_pages().unwrap(),
            0,
            "nothing left to copy"
        );
        assert_eq!(other.counts().unwrap().entries, 2 * ids.len() as u64);
    }
}
