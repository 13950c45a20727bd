//! Fetching whole articles (issue #23), for the reader's job, `tidings show --full` and
//! `tidings refresh` alike: an entry's link fetched politely (the refresh's timeouts, a
//! per-host limit, a host that asks to wait is left alone for the rest of the run, a page
//! over [`MAX_PAGE_BYTES`] is refused while it downloads), the article found in it off the
//! async threads (`render::readable`), and what was found kept in the store.
//!
//! A page that gives no article (a 404, a page that is not an article, a paywall, a page too
//! big or too deep) is kept as the reason, so nothing fetches it again unless the user asks; a
//! failure that may pass (the network, a timeout, a 5xx, a 429) is only reported, and the
//! next run tries again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tokio::task::JoinSet;

use super::asking::Planner;
use super::downloads::Stop;
use super::http::{Asking, FetchError, FetchOutcome, Fetcher};
use crate::model::EntryId;
use crate::model::article::Found;
use crate::render::readable::{self, MAX_PAGE_BYTES};
use crate::store::{ArticleTarget, Store};

/// Stack for the thread that reads a page: Readability recurses over the page's tree, which
/// `readable` bounds at 256 levels.
const EXTRACT_STACK: usize = 32 * 1024 * 1024;

/// How articles are fetched.
#[derive(Debug, Clone)]
pub struct ArticleOptions {
    /// Pages in flight at once.
    pub parallel: usize,
    /// Pages in flight at once from one host.
    pub per_host: usize,
    /// The feeds' settings: a page goes through its feed's proxy, with its User-Agent and
    /// cookies (never its headers or credentials).
    pub feeds: Arc<crate::model::feed_settings::SettingsBook>,
}

impl Default for ArticleOptions {
    fn default() -> Self {
        Self {
            parallel: 4,
            per_host: 2,
            feeds: Arc::default(),
        }
    }
}

pub use crate::model::article::ArticleEvent;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleSummary {
    pub fetched: usize,
    pub failed: usize,
    /// Not tried: the run was stopped, or the host asked to wait.
    pub left: usize,
}

/// Why a page gave no article, and whether that may pass.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    why: String,
    passing: bool,
    /// The host asked us to wait (429, 503 with `Retry-After`): leave its other pages, until
    /// `until` when it said how long (kept in the store, for the next runs too).
    wait: bool,
    until: Option<i64>,
}

impl Failure {
    fn lasting(why: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            passing: false,
            wait: false,
            until: None,
        }
    }
}

fn fetch_failure(e: &FetchError) -> Failure {
    match e {
        FetchError::Status {
            code, retry_after, ..
        } => {
            let passing = *code == 429 || *code >= 500;
            let now = chrono::Utc::now().timestamp();
            Failure {
                why: format!("the page answered {e}"),
                passing,
                wait: passing && (retry_after.is_some() || *code == 429),
                until: retry_after
                    .filter(|_| passing)
                    .map(|d| now.saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))),
            }
        }
        FetchError::TooLarge { limit } => Failure::lasting(format!(
            "the page is larger than {}",
            super::http::human_bytes(*limit)
        )),
        FetchError::Timeout(_) | FetchError::Network(_) | FetchError::Body(_) => Failure {
            why: e.to_string(),
            passing: true,
            wait: false,
            until: None,
        },
        other => Failure::lasting(other.to_string()),
    }
}

/// The host of an http(s) link, or why the link is not fetched.
fn web_host(link: Option<&str>) -> Result<String, Failure> {
    let link = link.ok_or_else(|| Failure::lasting("the entry has no link"))?;
    let url = url::Url::parse(link)
        .map_err(|_| Failure::lasting("the entry's link is not a web address"))?;
    match (url.scheme(), url.host_str()) {
        ("http" | "https", Some(host)) => Ok(host.to_ascii_lowercase()),
        _ => Err(Failure::lasting("the entry's link is not a web address")),
    }
}

/// Whether a `Content-Type` names a web page (none said counts as one).
fn is_page(content_type: Option<&str>) -> Result<(), Failure> {
    let Some(ct) = content_type else {
        return Ok(());
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml" {
        Ok(())
    } else {
        Err(Failure::lasting(format!(
            "the link is {}, not a web page",
            crate::model::sanitize::line(&mime)
        )))
    }
}

/// What fetching one page came to: where it came from (after redirects) and the article, or
/// why not.
type Fetched = Result<(String, readable::Extracted), (String, Failure)>;

/// Fetches `link` and finds its article: where it came from (after redirects) and the
/// article's HTML with its length, or why not.
async fn fetch_one(fetcher: &Fetcher, asking: &Asking, link: &str, teaser_html: String) -> Fetched {
    let page = match fetcher
        .fetch_as(link, &super::http::Validators::default(), asking)
        .await
    {
        Ok(FetchOutcome::Fetched(f)) => f,
        Ok(FetchOutcome::NotModified) => {
            return Err((
                link.to_owned(),
                Failure::lasting("the page answered 304 unasked"),
            ));
        }
        Err(e) => return Err((link.to_owned(), fetch_failure(&e))),
    };
    let url = page.final_url.clone();
    if let Err(f) = is_page(page.content_type.as_deref()) {
        return Err((url, f));
    }
    let (done, wait) = tokio::sync::oneshot::channel();
    let page_url = url.clone();
    let spawned = std::thread::Builder::new()
        .name("tidings-article".into())
        .stack_size(EXTRACT_STACK)
        .spawn(move || {
            let text = super::parse::decode(&page.bytes, page.content_type.as_deref());
            let _ = done.send(readable::extract(&text, &page_url, &teaser_html));
        });
    if spawned.is_err() {
        return Err((url, Failure::lasting("could not start reading the page")));
    }
    match wait.await {
        Ok(Ok(found)) => Ok((url, found)),
        Ok(Err(no)) => Err((url, Failure::lasting(no.to_string()))),
        Err(_) => Err((
            url,
            Failure::lasting("reading the page failed (see the log)"),
        )),
    }
}

/// Fetches the articles of `ids` (asked: whatever was fetched before is fetched again), or,
/// given none, those the feeds that fetch whole articles want ([`Store::wanted_articles`],
/// at most `limit`), until done or `stop` is raised. `fetcher`'s cap is lowered to
/// [`MAX_PAGE_BYTES`].
pub async fn run(
    db: &Path,
    fetcher: &Fetcher,
    opts: &ArticleOptions,
    ids: &[EntryId],
    limit: usize,
    stop: Stop,
    mut on: impl FnMut(ArticleEvent),
) -> Result<ArticleSummary, String> {
    let st = |e: crate::store::StoreError| e.diagnosed();
    let mut store = Store::open(db).map_err(st)?;
    let mut queue = queued(&store, ids, limit)?;
    let fetcher = fetcher.capped(MAX_PAGE_BYTES as u64);
    let mut planner = Planner::new(Arc::clone(&opts.feeds), fetcher.clone());
    let total = queue.len();
    let mut summary = ArticleSummary::default();
    let mut running: JoinSet<(EntryId, String, Fetched)> = JoinSet::new();
    let mut in_flight: HashMap<String, usize> = HashMap::new();
    let mut waiting: Vec<String> = Vec::new();
    loop {
        while running.len() < opts.parallel.max(1) && !stop() {
            let Some(i) = next(&queue, &waiting, &in_flight, opts.per_host) else {
                break;
            };
            let target = queue.remove(i);
            let host = match web_host(target.link.as_deref()) {
                Ok(host) => host,
                Err(f) => {
                    let link = target.link.clone().unwrap_or_default();
                    settle(&mut store, target.id, &link, Err(f), &mut summary, &mut on)?;
                    on(ArticleEvent::Progress {
                        done: total - queue.len() - running.len(),
                        total,
                    });
                    continue;
                }
            };
            // A host that asked to wait, in this run or an earlier one, is not asked again
            // before its time, even for a page the user asks for.
            if let Some(why) = held(&store, &host)? {
                summary.left += 1;
                on(ArticleEvent::Failed {
                    id: target.id,
                    why,
                    kept: false,
                });
                continue;
            }
            let link = target.link.clone().unwrap_or_default();
            let (fetcher, asking) = match planner.for_pages(&target.feed_url, &target.feed_title) {
                Ok(ready) => ready,
                Err(why) => {
                    settle(
                        &mut store,
                        target.id,
                        &link,
                        Err(Failure::lasting(why)),
                        &mut summary,
                        &mut on,
                    )?;
                    continue;
                }
            };
            *in_flight.entry(host.clone()).or_default() += 1;
            running.spawn(async move {
                let done = fetch_one(&fetcher, &asking, &link, target.teaser_html).await;
                (target.id, host, done)
            });
        }
        if running.is_empty() {
            break;
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (id, host, done) = match joined {
            Ok(done) => done,
            Err(e) => {
                tracing::warn!("an article task ended badly: {e}");
                continue;
            }
        };
        if let Some(n) = in_flight.get_mut(&host) {
            *n = n.saturating_sub(1);
        }
        if let Err((_, f)) = &done
            && f.wait
        {
            if let Some(until) = f.until {
                store.hold_articles(&host, until).map_err(st)?;
            }
            waiting.push(host);
        }
        let (url, outcome) = match done {
            Ok((url, found)) => (url, Ok(found)),
            Err((url, f)) => (url, Err(f)),
        };
        settle(&mut store, id, &url, outcome, &mut summary, &mut on)?;
        on(ArticleEvent::Progress {
            done: total - queue.len() - running.len(),
            total,
        });
    }
    summary.left = queue.len();
    Ok(summary)
}

/// The entries to fetch: `ids`, or those the feeds that ask for articles want; the first asked
/// last, as they are taken from the end.
fn queued(store: &Store, ids: &[EntryId], limit: usize) -> Result<Vec<ArticleTarget>, String> {
    let st = |e: crate::store::StoreError| e.diagnosed();
    let ids = if ids.is_empty() {
        store.wanted_articles(limit).map_err(st)?
    } else {
        ids.to_vec()
    };
    let mut queue = store.article_targets(&ids).map_err(st)?;
    queue.reverse();
    Ok(queue)
}

/// The next entry to start (from the end of `queue`): one whose host is not waiting and has
/// room under the per-host limit, or one without a host (settled at once).
fn next(
    queue: &[ArticleTarget],
    waiting: &[String],
    in_flight: &HashMap<String, usize>,
    per_host: usize,
) -> Option<usize> {
    queue
        .iter()
        .rposition(|t| match web_host(t.link.as_deref()) {
            Ok(host) => {
                !waiting.contains(&host)
                    && in_flight.get(&host).copied().unwrap_or(0) < per_host.max(1)
            }
            Err(_) => true,
        })
}

/// Why `host` is not asked now: it asked to wait until a time not yet come.
fn held(store: &Store, host: &str) -> Result<Option<String>, String> {
    let now = chrono::Utc::now().timestamp();
    let until = store.article_hold(host, now).map_err(|e| e.diagnosed())?;
    Ok(until.map(|until| {
        let when = chrono::DateTime::from_timestamp(until, 0)
            .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
        format!("{host} asked to wait until {when}")
    }))
}

/// Keeps what fetching entry `id` gave and says so.
fn settle(
    store: &mut Store,
    id: EntryId,
    url: &str,
    outcome: Result<readable::Extracted, Failure>,
    summary: &mut ArticleSummary,
    on: &mut impl FnMut(ArticleEvent),
) -> Result<(), String> {
    let now = chrono::Utc::now().timestamp();
    let st = |e: crate::store::StoreError| e.diagnosed();
    match outcome {
        Ok(found) => {
            store
                .save_article(id, url, now, &Found::Html(found.html))
                .map_err(st)?;
            summary.fetched += 1;
            on(ArticleEvent::Fetched {
                id,
                chars: found.chars,
            });
        }
        Err(f) => {
            if !f.passing {
                store
                    .save_article(id, url, now, &Found::Nothing(f.why.clone()))
                    .map_err(st)?;
            }
            summary.failed += 1;
            on(ArticleEvent::Failed {
                id,
                why: f.why,
                kept: !f.passing,
            });
        }
    }
    Ok(())
}
