//! Sync with a feed server through the Google Reader API (issue #21): one run pushes the marks
//! made here that the server has not acknowledged (the journal a trigger fills in the
//! transaction of every mark), then pulls the subscriptions, the unread and starred sets and
//! the items not stored here yet, and writes them through the same ingest as fetched feeds.
//! Conflicts: an item with a change pending here keeps it; every other takes the server's
//! state. What is done stays done: a mark leaves the journal only once the server said yes,
//! and items are written a batch at a time, so a sync cut off part way loses nothing.

mod greader;
mod items;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub use greader::Edit;
use greader::{BATCH, READ, READING_LIST, STARRED, Session};
use items::Item;

use super::http::{FetchError, Fetcher};
use super::refresh::{RefreshError, RefreshOptions, SharedStore, with_store};
use crate::model::{FeedId, IncomingFeed, RefreshEvent, RetentionRules, SyncSummary};
use crate::store::{Flag, ItemState, PendingMark, StoreError};

/// Where and as whom to sync; the password is read by the caller (never from the config or
/// the database) and never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// The API's base URL: the server's own for Miniflux, `…/api/greader.php` for FreshRSS.
    pub url: String,
    pub username: String,
    pub password: String,
    /// Why there is no password (its command failed): every sync says so, and the reader still
    /// opens on its cache.
    pub password_error: Option<String>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("url", &crate::model::redact::url(&self.url))
            .field("username", &self.username)
            .field("password", &"…")
            .field("password_error", &self.password_error)
            .finish()
    }
}

/// Why a sync stopped. Every message names the server (without credentials) and the call.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Config(String),
    #[error("{server}: wrong user name or password (HTTP {code} at login)")]
    Login { server: String, code: u16 },
    #[error("{server} refused {what} (HTTP {code}): the login is no longer accepted")]
    Refused {
        server: String,
        what: String,
        code: u16,
    },
    #[error("{server} failed {what}: HTTP {code}")]
    Status {
        server: String,
        what: String,
        code: u16,
    },
    #[error(
        "{server} answered {what} with a web page, not the Google Reader API: is the sync URL \
         right? (Miniflux: the server's address; FreshRSS: …/api/greader.php)"
    )]
    NotApi { server: String, what: String },
    #[error("{server} sent a bad answer to {what}: {why}")]
    BadAnswer {
        server: String,
        what: String,
        why: String,
    },
    #[error("{server}: {what}: {source}")]
    Fetch {
        server: String,
        what: String,
        source: FetchError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Task(String),
}

impl From<RefreshError> for SyncError {
    fn from(e: RefreshError) -> Self {
        match e {
            RefreshError::Store(e) => SyncError::Store(e),
            other => SyncError::Task(other.to_string()),
        }
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How far back a sync asks for items that are read already (beside every unread and
/// starred one): since the last sync, less a day; a first sync takes the last 30 days.
fn since(last: Option<i64>, at: i64) -> i64 {
    last.map_or(at - 30 * 86_400, |t| t - 86_400)
}

/// One sync: push, then pull. Progress goes to `on_event` as `Syncing`; the summary comes back
/// (and is not sent as an event: the caller says how it ended).
pub async fn sync_once(
    store: &SharedStore,
    fetcher: &Fetcher,
    opts: &SyncOptions,
    refresh: &RefreshOptions,
    on_event: &mut impl FnMut(RefreshEvent),
) -> Result<SyncSummary, SyncError> {
    let mut step = |step: &str, done: usize, total: usize, new_entries: usize| {
        on_event(RefreshEvent::Syncing {
            step: step.to_owned(),
            done,
            total,
            new_entries,
        });
    };
    {
        let mut store = store.lock().await;
        if let Some(why) = store.read_only() {
            return Err(StoreError::ReadOnly(why.to_owned()).into());
        }
        store.set_rules(Arc::clone(&refresh.rules));
    }
    if let Some(why) = &opts.password_error {
        return Err(SyncError::Config(why.clone()));
    }
    step("logging in", 0, 0, 0);
    let mut session = Session::login(fetcher, &opts.url, &opts.username, &opts.password).await?;
    let mut summary = SyncSummary::default();
    let result = run(
        store,
        &mut session,
        &refresh.retention,
        &mut summary,
        &mut step,
    )
    .await;
    summary.requests = session.requests;
    result.map(|()| summary)
}

async fn run(
    store: &SharedStore,
    session: &mut Session,
    retention: &RetentionRules,
    summary: &mut SyncSummary,
    step: &mut impl FnMut(&str, usize, usize, usize),
) -> Result<(), SyncError> {
    // The server's state first: the push sends only what differs from it (Miniflux's
    // `edit-tag` turns an item already read unread again, and the same for starred: a mark
    // sent twice, after a sync cut off before its acknowledgement was kept, would flip).
    step("unread and starred items", 0, 0, 0);
    let mut state = ServerState {
        unread: session
            .item_ids(READING_LIST, Some(READ), None)
            .await?
            .into_iter()
            .collect(),
        starred: session
            .item_ids(STARRED, None, None)
            .await?
            .into_iter()
            .collect(),
    };
    push(store, session, &mut state, summary, step).await?;

    step("subscriptions", 0, 0, 0);
    let remote = session.subscriptions().await?;
    let at = now();
    let listed = remote.clone();
    let subs = with_store(store, move |s| s.sync_subscriptions(&listed, at)).await?;
    summary.feeds = subs.feeds.len();
    summary.feeds_added = subs.added;
    summary.feeds_removed = subs.removed;
    let feeds: HashMap<String, FeedId> = subs.feeds.into_iter().collect();

    let last = with_store(store, |s| s.last_sync()).await?;
    let recent = session
        .item_ids(READING_LIST, None, Some(since(last, at)))
        .await?;
    let mut wanted: Vec<i64> = state.unread.iter().chain(&state.starred).copied().collect();
    wanted.extend(recent);
    wanted.sort_unstable_by(|a, b| b.cmp(a));
    wanted.dedup();
    let unknown = with_store(store, move |s| s.unknown_items(&wanted)).await?;

    let total = unknown.len();
    step("items", 0, total, 0);
    for (n, batch) in unknown.chunks(BATCH).enumerate() {
        let items = session.contents(batch).await?;
        summary.items_fetched += items.len();
        let writes = by_feed(items, &feeds);
        let at = now();
        let new: usize = with_store(store, move |s| {
            let new = s.record_synced(&writes, at)?;
            Ok(new.iter().sum())
        })
        .await?;
        summary.new_entries += new;
        step("items", (n * BATCH + batch.len()).min(total), total, new);
    }

    let unread: Vec<i64> = state.unread.into_iter().collect();
    let starred: Vec<i64> = state.starred.into_iter().collect();
    let applied = with_store(store, move |s| s.apply_server_state(&unread, &starred)).await?;
    summary.read_changed = applied.read;
    summary.starred_changed = applied.starred;
    summary.kept_local = applied.kept;

    let rules: Vec<_> = remote
        .iter()
        .filter_map(|f| {
            let id = *feeds.get(&f.stream_id)?;
            Some((id, retention.for_feed(&f.url, &[&f.title])))
        })
        .collect();
    let at = now();
    summary.ruled_out = with_store(store, move |s| {
        for (feed, rule) in &rules {
            s.prune(*feed, rule, &[], at)?;
        }
        s.set_last_sync(at)?;
        Ok(s.take_ruled().skipped)
    })
    .await?;
    Ok(())
}

/// The server's unread and starred items, as read at the start of a sync and changed by what
/// it accepted since.
struct ServerState {
    unread: HashSet<i64>,
    starred: HashSet<i64>,
}

impl ServerState {
    /// Whether the server has `m` already.
    fn has(&self, m: &PendingMark) -> bool {
        match m.flag {
            Flag::Read => self.unread.contains(&m.item) != m.value,
            Flag::Starred => self.starred.contains(&m.item) == m.value,
        }
    }

    /// The server accepted `m`.
    fn take(&mut self, m: &PendingMark) {
        let set = match m.flag {
            Flag::Read => {
                if m.value {
                    self.unread.remove(&m.item);
                } else {
                    self.unread.insert(m.item);
                }
                return;
            }
            Flag::Starred => &mut self.starred,
        };
        if m.value {
            set.insert(m.item);
        } else {
            set.remove(&m.item);
        }
    }
}

/// Sends the journal, a call per flag and value and `BATCH` items, leaving out what the server
/// has already; each batch the server accepts leaves the journal at once.
async fn push(
    store: &SharedStore,
    session: &mut Session,
    state: &mut ServerState,
    summary: &mut SyncSummary,
    step: &mut impl FnMut(&str, usize, usize, usize),
) -> Result<(), SyncError> {
    let pending = with_store(store, |s| s.pending_marks()).await?;
    let (agreed, pending): (Vec<_>, Vec<_>) = pending.into_iter().partition(|m| state.has(m));
    if !agreed.is_empty() {
        with_store(store, move |s| s.acknowledge(&agreed)).await?;
    }
    let total = pending.len();
    let mut groups: HashMap<(Flag, bool), Vec<PendingMark>> = HashMap::new();
    for m in pending {
        groups.entry((m.flag, m.value)).or_default().push(m);
    }
    for ((flag, value), marks) in groups {
        let tag = match flag {
            Flag::Read => READ,
            Flag::Starred => STARRED,
        };
        for batch in marks.chunks(BATCH) {
            let ids: Vec<i64> = batch.iter().map(|m| m.item).collect();
            session.edit_tag(&ids, tag, value).await?;
            for m in batch {
                state.take(m);
            }
            let sent = batch.to_vec();
            with_store(store, move |s| s.acknowledge(&sent)).await?;
            summary.marks_sent += batch.len();
            step("sending marks", summary.marks_sent, total, 0);
        }
    }
    Ok(())
}

/// Items grouped by their feed here, with their states; items of a feed the server did not
/// list are left for a later sync.
fn by_feed(
    items: Vec<Item>,
    feeds: &HashMap<String, FeedId>,
) -> Vec<(FeedId, IncomingFeed, Vec<ItemState>)> {
    let mut out: Vec<(FeedId, IncomingFeed, Vec<ItemState>)> = Vec::new();
    let mut at: HashMap<FeedId, usize> = HashMap::new();
    for item in items {
        let Some(&feed) = feeds.get(&item.stream) else {
            continue;
        };
        let i = *at.entry(feed).or_insert_with(|| {
            out.push((
                feed,
                IncomingFeed {
                    title: None,
                    site_url: None,
                    ttl_minutes: None,
                    entries: Vec::new(),
                },
                Vec::new(),
            ));
            out.len() - 1
        });
        out[i].1.entries.push(item.entry);
        out[i].2.push(ItemState {
            item: item.id,
            read: item.read,
            starred: item.starred,
        });
    }
    out
}

/// Subscribes the server to `url`, then syncs so the feed and its items are here.
pub async fn subscribe(
    fetcher: &Fetcher,
    opts: &SyncOptions,
    url: &str,
) -> Result<String, SyncError> {
    let mut session = Session::login(fetcher, &opts.url, &opts.username, &opts.password).await?;
    session.quickadd(url).await
}

/// Changes a synced feed on the server (unsubscribe, rename, move to a folder).
pub async fn edit(
    fetcher: &Fetcher,
    opts: &SyncOptions,
    stream: &str,
    edit: &Edit,
) -> Result<(), SyncError> {
    let mut session = Session::login(fetcher, &opts.url, &opts.username, &opts.password).await?;
    session.edit_subscription(stream, edit).await
}

/// A shared handle for options carried by the refresh task.
pub type SharedSync = Arc<SyncOptions>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_sync_reaches_back_30_days_and_later_ones_a_day_before_the_last() {
        assert_eq!(since(None, 100 * 86_400), 70 * 86_400);
        assert_eq!(since(Some(50 * 86_400), 100 * 86_400), 49 * 86_400);
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let opts = SyncOptions {
            url: "https://me:urlpass@rss.example/".into(),
            username: "me".into(),
            password: "hunter2".into(),
            password_error: None,
        };
        let shown = format!("{opts:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("urlpass"),
            "{shown}"
        );
    }
}
