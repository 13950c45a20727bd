//! What a sync with a feed server (issue #21) keeps here: feeds matched by the server's stream
//! id, entries by its item id, the journal of marks the server has not acknowledged yet
//! (`sync_pending`, filled by triggers in the transaction of every mark), and the server's
//! read and starred sets applied to every entry that has no pending change.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};

use super::ingest::{FeedWrite, FetchMeta, write_batch};
use super::{Result, Store};
use crate::model::{FeedId, IncomingFeed, bounds};

/// When the last sync ended well (Unix seconds), in `meta`.
const LAST_SYNC: &str = "last_sync";

/// A feed as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFeed {
    /// The server's stream id ("feed/12"): what matches it here at every sync.
    pub stream_id: String,
    pub title: String,
    pub url: String,
    pub site_url: Option<String>,
    /// Its folders (categories), which become its tags here.
    pub folders: Vec<String>,
}

/// A read or starred state of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    Read,
    Starred,
}

impl Flag {
    fn column(self) -> &'static str {
        match self {
            Flag::Read => "read",
            Flag::Starred => "starred",
        }
    }
}

/// A mark made here that the server has not acknowledged yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PendingMark {
    /// The server's item id.
    pub item: i64,
    pub flag: Flag,
    pub value: bool,
}

/// The server's state of one item fetched in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    pub item: i64,
    pub read: bool,
    pub starred: bool,
}

/// What matching the server's subscriptions did here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionsSynced {
    /// Every synced feed, by the server's stream id.
    pub feeds: Vec<(String, FeedId)>,
    pub added: usize,
    /// Synced feeds the server no longer lists, removed here with their entries.
    pub removed: usize,
}

/// What applying the server's read and starred sets changed here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateApplied {
    pub read: usize,
    pub starred: usize,
    /// Entries whose local value was kept because a change made here is still pending.
    pub kept: usize,
}

/// Marks the changes of the rest of `tx` as the server's, not the user's.
fn server_says(tx: &Transaction<'_>, on: bool) -> rusqlite::Result<()> {
    tx.execute("UPDATE sync_guard SET applying = ?1", [i64::from(on)])?;
    Ok(())
}

impl Store {
    /// When the last sync ended well, if ever.
    pub fn last_sync(&self) -> Result<Option<i64>> {
        self.meta(LAST_SYNC)
    }

    /// A sync ended well at `at`.
    pub fn set_last_sync(&mut self, at: i64) -> Result<()> {
        self.write(|tx| super::meta::set_meta(tx, LAST_SYNC, at))
    }

    /// Whether any feed here is synced with a server.
    pub fn has_synced_feeds(&self) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM feeds WHERE remote_id IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Makes the synced feeds here what the server lists, in one transaction: a feed new to
    /// the server's list is added (or, the first time, a local feed with its URL is taken
    /// over), a listed one takes the server's URL (a web address only), title and folders, and
    /// a synced feed no longer listed is removed with its entries (unless the list is empty).
    /// Feeds never synced are left alone.
    pub fn sync_subscriptions(
        &mut self,
        remote: &[RemoteFeed],
        now: i64,
    ) -> Result<SubscriptionsSynced> {
        self.write(|tx| {
            let mut synced = SubscriptionsSynced::default();
            let listed: HashSet<&str> = remote.iter().map(|f| f.stream_id.as_str()).collect();
            // A list with no feed at all removes nothing: a misconfigured server (or a proxy's
            // empty answer) must not empty the cache. Feeds are removed one by one (`D`).
            let gone: Vec<(i64, String)> = if remote.is_empty() {
                Vec::new()
            } else {
                tx.prepare("SELECT id, remote_id FROM feeds WHERE remote_id IS NOT NULL")?
                    .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?
                    .into_iter()
                    .filter(|(_, stream)| !listed.contains(stream.as_str()))
                    .collect()
            };
            for (id, _) in &gone {
                tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
            }
            synced.removed = gone.len();
            for feed in remote {
                let (id, added) = match_feed(tx, feed, now)?;
                synced.added += usize::from(added);
                synced.feeds.push((feed.stream_id.clone(), id));
                let tags: Vec<String> = feed
                    .folders
                    .iter()
                    .map(|t| bounds::line(t).into_owned())
                    .collect();
                tx.execute("DELETE FROM feed_tags WHERE feed_id = ?1", [id.0])?;
                super::organize::insert_tags(tx, id, &tags)?;
            }
            Ok(synced)
        })
    }

    /// Every mark made here that the server has not acknowledged yet.
    pub fn pending_marks(&self) -> Result<Vec<PendingMark>> {
        let mut stmt = self
            .conn
            .prepare("SELECT item, flag, value FROM sync_pending ORDER BY flag, item")
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            let flag = if r.get::<_, String>(1)? == "read" {
                Flag::Read
            } else {
                Flag::Starred
            };
            Ok(PendingMark {
                item: r.get(0)?,
                flag,
                value: r.get(2)?,
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }

    /// The server acknowledged `sent`: each leaves the journal unless a newer mark changed it
    /// meanwhile (that one goes at the next push).
    pub fn acknowledge(&mut self, sent: &[PendingMark]) -> Result<()> {
        self.write_marks(|tx| {
            let mut del = tx.prepare_cached(
                "DELETE FROM sync_pending WHERE item = ?1 AND flag = ?2 AND value = ?3",
            )?;
            for m in sent {
                del.execute(params![m.item, m.flag.column(), m.value])?;
            }
            Ok(())
        })
    }

    /// Of `items`, those not stored here.
    pub fn unknown_items(&self, items: &[i64]) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM entries WHERE remote_id = ?1")
            .map_err(|e| self.err(e))?;
        let mut unknown = Vec::new();
        for &item in items {
            let known = stmt
                .query_row([item], |_| Ok(()))
                .optional()
                .map_err(|e| self.err(e))?
                .is_some();
            if !known {
                unknown.push(item);
            }
        }
        Ok(unknown)
    }

    /// Stores items fetched from the server, each feed's as a fetched feed's entries are
    /// (sanitised, indexed, judged by the rules), all in one transaction with their server
    /// ids and states. A new entry takes the server's read and starred state; where a rule
    /// marked it read or starred and the server had not, the mark is queued for the server.
    /// An entry a `skip` rule kept out is queued as read, so that the server stops offering
    /// it. Returns how many entries were new in each feed.
    pub fn record_synced(
        &mut self,
        feeds: &[(FeedId, IncomingFeed, Vec<ItemState>)],
        now: i64,
    ) -> Result<Vec<usize>> {
        let rules = std::sync::Arc::clone(&self.rules);
        let written = self.write(|tx| {
            let writes = feeds
                .iter()
                .map(|(feed, incoming, _)| FeedWrite {
                    feed: *feed,
                    incoming,
                    prepared: super::Prepared::default(),
                    meta: FetchMeta::default(),
                })
                .collect();
            let written = write_batch(tx, writes, &rules, now)?;
            server_says(tx, true)?;
            for (feed, incoming, states) in feeds {
                for (e, state) in incoming.entries.iter().zip(states) {
                    take_state(tx, *feed, &bounds::key(&e.key), *state)?;
                }
            }
            server_says(tx, false)?;
            Ok(written)
        })?;
        Ok(self.tally(written))
    }

    /// Applies the server's sets of unread and starred items to every synced entry here, in
    /// one transaction: an entry with a change pending here keeps it (it goes to the server at
    /// the next push), every other one takes the server's state.
    pub fn apply_server_state(&mut self, unread: &[i64], starred: &[i64]) -> Result<StateApplied> {
        self.write_marks(|tx| {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS sync_unread (item INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE IF NOT EXISTS sync_starred (item INTEGER PRIMARY KEY);
                 DELETE FROM temp.sync_unread; DELETE FROM temp.sync_starred;",
            )?;
            for (table, items) in [("sync_unread", unread), ("sync_starred", starred)] {
                let mut add = tx.prepare(&format!(
                    "INSERT OR IGNORE INTO temp.{table} (item) VALUES (?1)"
                ))?;
                for item in items {
                    add.execute([item])?;
                }
            }
            let kept: i64 = tx.query_row(
                "SELECT count(*) FROM entries e JOIN sync_pending p ON p.item = e.remote_id \
                 WHERE (p.flag = 'read' AND e.read IS NOT (e.remote_id NOT IN temp.sync_unread)) \
                 OR (p.flag = 'starred' AND e.starred IS NOT (e.remote_id IN temp.sync_starred))",
                [],
                |r| r.get(0),
            )?;
            server_says(tx, true)?;
            let read = tx.execute(
                "UPDATE entries SET read = (remote_id NOT IN temp.sync_unread) \
                 WHERE remote_id IS NOT NULL \
                 AND read IS NOT (remote_id NOT IN temp.sync_unread) \
                 AND remote_id NOT IN (SELECT item FROM sync_pending WHERE flag = 'read')",
                [],
            )?;
            let starred = tx.execute(
                "UPDATE entries SET starred = (remote_id IN temp.sync_starred) \
                 WHERE remote_id IS NOT NULL \
                 AND starred IS NOT (remote_id IN temp.sync_starred) \
                 AND remote_id NOT IN (SELECT item FROM sync_pending WHERE flag = 'starred')",
                [],
            )?;
            server_says(tx, false)?;
            tx.execute_batch("DELETE FROM temp.sync_unread; DELETE FROM temp.sync_starred;")?;
            Ok(StateApplied {
                read,
                starred,
                kept: usize::try_from(kept).unwrap_or(0),
            })
        })
    }

    /// The server's stream id of a synced feed.
    pub fn remote_id_of(&self, feed: FeedId) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT remote_id FROM feeds WHERE id = ?1", [feed.0], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }
}

/// The local feed for a server's feed: the one synced under its stream id (its URL and title
/// made the server's), else a local feed with its URL (taken over), else a new one.
fn match_feed(
    tx: &Transaction<'_>,
    feed: &RemoteFeed,
    now: i64,
) -> rusqlite::Result<(FeedId, bool)> {
    // Only a web address is kept as the feed's: a server naming `file:///home/me/.ssh/…` must
    // not have it read once sync is off. Anything else goes by the stream id, never fetched.
    let url = bounds::web_link(&feed.url)
        .unwrap_or_else(|| format!("sync:{}", bounds::line(&feed.stream_id)));
    let title = bounds::line(&feed.title);
    let site = feed.site_url.as_deref().and_then(bounds::web_link);
    let stream = bounds::line(&feed.stream_id);
    let found: Option<i64> = tx
        .query_row(
            "SELECT id FROM feeds WHERE remote_id = ?1",
            [&stream],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        // A URL another feed here holds stays as it was (the server's rewrite is only news).
        tx.execute(
            "UPDATE feeds SET url = ?2 WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?2 AND id != ?1)",
            params![id, url],
        )?;
        tx.execute(
            "UPDATE feeds SET title = ?2, site_url = COALESCE(?3, site_url), user_title = NULL \
             WHERE id = ?1",
            params![id, title, site],
        )?;
        return Ok((FeedId(id), false));
    }
    let taken: Option<i64> = tx
        .query_row(
            "SELECT id FROM feeds WHERE url = ?1 AND remote_id IS NULL",
            [&url],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = taken {
        tx.execute(
            "UPDATE feeds SET remote_id = ?2, title = ?3, user_title = NULL, \
             site_url = COALESCE(?4, site_url) WHERE id = ?1",
            params![id, stream, title, site],
        )?;
        return Ok((FeedId(id), false));
    }
    tx.execute(
        "INSERT INTO feeds (url, title, site_url, added_at, remote_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![url, title, site, now, stream],
    )?;
    Ok((FeedId(tx.last_insert_rowid()), true))
}

/// Gives the entry stored under `key` its server id and, if it is new here, the server's
/// state (with what the rules marked queued for the server); an entry a rule skipped is
/// queued as read.
fn take_state(
    tx: &Transaction<'_>,
    feed: FeedId,
    key: &str,
    state: ItemState,
) -> rusqlite::Result<()> {
    let stored: Option<(i64, Option<i64>, bool, bool)> = tx
        .prepare_cached(
            "SELECT id, remote_id, read, starred FROM entries WHERE feed_id = ?1 AND key = ?2",
        )?
        .query_row(params![feed.0, key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let queue = |flag: &str, value: bool| {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO sync_pending (item, flag, value) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![state.item, flag, value])
        .map(drop)
    };
    match stored {
        None => queue("read", true),
        Some((_, Some(_), _, _)) => Ok(()),
        Some((id, None, ruled_read, ruled_starred)) => {
            tx.prepare_cached(
                "UPDATE entries SET remote_id = ?2, read = ?3, starred = ?4 WHERE id = ?1",
            )?
            .execute(params![
                id,
                state.item,
                ruled_read || state.read,
                ruled_starred || state.starred
            ])?;
            if ruled_read && !state.read {
                queue("read", true)?;
            }
            if ruled_starred && !state.starred {
                queue("starred", true)?;
            }
            Ok(())
        }
    }
}
