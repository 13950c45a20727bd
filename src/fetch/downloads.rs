//! Running the download queue (issue #22), for the reader's job and `tidings download` alike:
//! a few downloads at a time, each file's name chosen once and kept in the store (so a kill or
//! a dropped connection resumes the same partial file), progress reported as it comes and
//! written to the store every second, the outcome of each written when it ends.
//!
//! An error worth retrying (the network, a full disk, a stall) leaves the download queued, its
//! partial file kept and the reason noted, for the next run to resume; one that is not (a 404,
//! a file over the cap) fails it. Nothing is tried twice in one run.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::unbounded_channel;
use tokio::task::JoinSet;

use super::download::{self, DownloadError, Finished, Progress};
use crate::model::download::{DownloadProgress, FileNameFormat, NameWords};
use crate::model::enclosure::Enclosure;
use crate::store::{Store, StoreError};

/// The file download `d` writes to: the one chosen when it first started, else a free name
/// made from the feed's words, kept in the store at once (a kill then resumes that file).
fn file_for(
    store: &mut Store,
    opts: &QueueOptions,
    d: &crate::model::download::Download,
) -> Result<String, String> {
    if let Some(name) = &d.file {
        return Ok(name.clone());
    }
    let link = Enclosure {
        url: d.url.clone(),
        mime: None,
        length: None,
        duration: None,
    };
    let wanted = opts.file_name.name(&NameWords {
        feed: &d.feed_title,
        title: &d.title,
        link_name: link.file_name(),
        mime: d.mime.as_deref(),
        published: d.published,
    });
    let name = download::free_name(&opts.dir, &wanted);
    st(store.set_download_file(d.id, &name))?;
    Ok(name)
}

/// Writes how download `id` ended; returns what to say of it (nothing when it was stopped: it
/// stays queued as it was, to resume).
fn settle(
    store: &mut Store,
    id: i64,
    done: Result<Finished, DownloadError>,
    now: i64,
    summary: &mut QueueSummary,
) -> Result<Option<QueueEvent>, String> {
    Ok(Some(match done {
        Ok(f) => {
            st(store.set_download_file(id, &f.file))?;
            st(store.set_download_progress(id, f.bytes, Some(f.bytes)))?;
            st(store.finish_download(id, None, now))?;
            summary.finished += 1;
            QueueEvent::Finished {
                id,
                file: f.file,
                bytes: f.bytes,
            }
        }
        Err(DownloadError::Cancelled) => {
            summary.left += 1;
            return Ok(None);
        }
        Err(e) => {
            let retry = e.resumable();
            let error = e.to_string();
            if retry {
                st(store.note_download_error(id, &error))?;
                summary.left += 1;
            } else {
                st(store.finish_download(id, Some(&error), now))?;
                summary.failed += 1;
            }
            QueueEvent::Failed { id, error, retry }
        }
    }))
}

/// A store error as the runner reports it: one line, with what to do.
fn st<T>(r: Result<T, StoreError>) -> Result<T, String> {
    r.map_err(|e| e.diagnosed())
}

/// How the queue runs.
#[derive(Debug, Clone)]
pub struct QueueOptions {
    pub dir: PathBuf,
    /// `[media] file_name`: how a new download's file is named under `dir`.
    pub file_name: FileNameFormat,
    pub max_bytes: u64,
    pub parallel: usize,
    pub user_agent: String,
    /// `[refresh] proxy`: downloads go the way feeds do.
    pub proxy: Option<String>,
}

pub use crate::model::download::DownloadEvent as QueueEvent;

/// Asked between pieces: whether to stop now (the reader is quitting, the job was cancelled).
pub type Stop = Arc<dyn Fn() -> bool + Send + Sync>;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueSummary {
    pub finished: usize,
    pub failed: usize,
    /// Left queued to resume (an error worth retrying, or the run was stopped).
    pub left: usize,
}

/// Runs the queued downloads (only those in `only`, when given) until none is left that this
/// run has not tried, or `stop` is raised (running downloads then stop, kept to resume).
pub async fn run_queue(
    db: &Path,
    opts: &QueueOptions,
    only: Option<&[i64]>,
    stop: Stop,
    mut on: impl FnMut(QueueEvent),
) -> Result<QueueSummary, String> {
    let mut store = st(Store::open(db))?;
    let client = download::client(&opts.user_agent, opts.proxy.as_deref())
        .map_err(|e| format!("setting up the HTTP client: {e}"))?;
    let (tx, mut progress) = unbounded_channel::<(i64, Progress)>();
    let mut running: JoinSet<(i64, Result<Finished, DownloadError>)> = JoinSet::new();
    let mut busy: Vec<i64> = Vec::new();
    let mut tried: HashSet<i64> = HashSet::new();
    let mut saved: HashMap<i64, Instant> = HashMap::new();
    let mut summary = QueueSummary::default();
    // Whether a slot may be filled (at the start, and when a download ends).
    let mut refill = true;
    loop {
        while refill && busy.len() < opts.parallel.max(1) && !stop() {
            let next = st(store.queued_downloads(&busy))?
                .into_iter()
                .find(|d| !tried.contains(&d.id) && only.is_none_or(|o| o.contains(&d.id)));
            let Some(mut d) = next else {
                refill = false;
                break;
            };
            tried.insert(d.id);
            let name = file_for(&mut store, opts, &d)?;
            d.file = Some(name.clone());
            on(QueueEvent::Started(d.clone()));
            busy.push(d.id);
            let (client, dir, url, max, stop, tx) = (
                client.clone(),
                opts.dir.clone(),
                d.url.clone(),
                opts.max_bytes,
                Arc::clone(&stop),
                tx.clone(),
            );
            let id = d.id;
            running.spawn(async move {
                let cancelled = move || stop();
                let mut report = move |p: Progress| {
                    let _ = tx.send((id, p));
                };
                let done =
                    download::download(&client, &url, &dir, &name, max, &cancelled, &mut report)
                        .await;
                (id, done)
            });
        }
        if running.is_empty() {
            return Ok(summary);
        }
        tokio::select! {
            Some((id, p)) = progress.recv() => {
                // A report sent just before its download ended comes after the end: dropped.
                if !busy.contains(&id) {
                    continue;
                }
                on(QueueEvent::Progress(DownloadProgress {
                    id,
                    received: p.received,
                    total: p.total,
                    rate: p.rate,
                }));
                let due = saved.get(&id).is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
                if due {
                    saved.insert(id, Instant::now());
                    st(store.set_download_progress(id, p.received, p.total))?;
                }
            }
            Some(joined) = running.join_next() => {
                let now = chrono::Utc::now().timestamp();
                let (id, done) = match joined {
                    Ok(done) => done,
                    Err(e) => {
                        tracing::warn!("a download task ended badly: {e}");
                        continue;
                    }
                };
                busy.retain(|&b| b != id);
                refill = true;
                if let Some(event) = settle(&mut store, id, done, now, &mut summary)? {
                    on(event);
                }
            }
        }
    }
}
