//! Two subscriptions to one feed (issue #23): found by their addresses (`http` and `https`,
//! `www.`, a trailing slash: `model::story::normal_link`) or by their entries (Atom and JSON
//! Feed of one site, a feed that moved and was added again under its new address: most of
//! each one's entries are stories the other tells), and merged into one on request.
//!
//! Synced feeds are left out: their subscriptions are the server's.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::{Result, Store, StoreError};
use crate::model::FeedId;
use crate::model::story::{TwinFeeds, normal_link};

/// Share of each feed's entries that must be stories of the other, in per mille: a planet
/// tells all of a member blog's posts, but they are a small part of the planet.
const SHARED_OF_SMALLER: u64 = 800;
const SHARED_OF_LARGER: u64 = 500;
/// Fewer stories in common than this say nothing.
const MIN_SHARED: u64 = 3;

/// What a merge did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Merged {
    /// Entries only the dropped feed had, now the kept one's.
    pub moved: u64,
    /// Entries both had (copies of one story, or the same entry), dropped with their feed.
    pub dropped: u64,
}

/// One feed as the comparison sees it.
struct Subscription {
    id: i64,
    url: String,
    failing: bool,
    entries: u64,
}

/// Which of two feeds stays: the `https` one, else the one fetched without an error, else the
/// one subscribed first.
fn keep_first(a: &Subscription, b: &Subscription) -> (FeedId, FeedId) {
    let rank = |s: &Subscription| (!s.url.starts_with("https:"), s.failing, s.id);
    if rank(a) <= rank(b) {
        (FeedId(a.id), FeedId(b.id))
    } else {
        (FeedId(b.id), FeedId(a.id))
    }
}

impl Store {
    /// Pairs of subscriptions that look like one feed, each feed in one pair at most.
    pub fn twin_feeds(&self) -> Result<Vec<TwinFeeds>> {
        self.find_twins().map_err(|e| self.err(e))
    }

    fn find_twins(&self) -> rusqlite::Result<Vec<TwinFeeds>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, url, last_error IS NOT NULL, entry_count FROM feeds \
             WHERE remote_id IS NULL ORDER BY id",
        )?;
        let feeds: HashMap<i64, Subscription> = stmt
            .query_map([], |r| {
                Ok(Subscription {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    failing: r.get(2)?,
                    entries: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                })
            })?
            .map(|s| s.map(|s| (s.id, s)))
            .collect::<rusqlite::Result<_>>()?;
        let mut ids: Vec<i64> = feeds.keys().copied().collect();
        ids.sort_unstable();
        let mut found = Vec::new();
        let mut paired = std::collections::HashSet::new();
        let mut pair = |a: i64, b: i64, shared: u64, found: &mut Vec<TwinFeeds>| {
            if paired.contains(&a) || paired.contains(&b) {
                return;
            }
            paired.insert(a);
            paired.insert(b);
            let (keep, drop) = keep_first(&feeds[&a], &feeds[&b]);
            found.push(TwinFeeds { keep, drop, shared });
        };
        // One address.
        let mut by_address: HashMap<String, i64> = HashMap::new();
        for id in &ids {
            let Some(address) = normal_link(&feeds[id].url) else {
                continue;
            };
            match by_address.get(&address) {
                Some(&first) => pair(first, *id, 0, &mut found),
                None => {
                    by_address.insert(address, *id);
                }
            }
        }
        // One set of stories: copies are few, and found through their index.
        let mut stmt = self.conn.prepare(
            "SELECT a.feed_id, b.feed_id, count(*) FROM entries a \
             JOIN entries b ON b.story = a.story AND b.feed_id > a.feed_id \
             WHERE a.story IS NOT NULL GROUP BY a.feed_id, b.feed_id ORDER BY count(*) DESC",
        )?;
        let shared: Vec<(i64, i64, u64)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (a, b, n) in shared {
            let (Some(fa), Some(fb)) = (feeds.get(&a), feeds.get(&b)) else {
                continue;
            };
            let (small, large) = (fa.entries.min(fb.entries), fa.entries.max(fb.entries));
            if n >= MIN_SHARED
                && n * 1000 >= small * SHARED_OF_SMALLER
                && n * 1000 >= large * SHARED_OF_LARGER
            {
                pair(a, b, n, &mut found);
            }
        }
        Ok(found)
    }

    /// Merges feed `drop` into `keep`: the entries only `drop` has move to `keep` (with their
    /// marks, labels, bodies and articles); those both have go with `drop`, their labels
    /// carried to `keep`'s copy; `drop`'s tags and old addresses become `keep`'s, and whole
    /// articles stay on if either had them. Synced feeds are merged on their server.
    pub fn merge_feeds(&mut self, keep: FeedId, drop: FeedId) -> Result<Merged> {
        if keep == drop {
            return Err(StoreError::NotFound(
                "a feed cannot merge into itself".into(),
            ));
        }
        let synced: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM feeds WHERE id IN (?1, ?2) AND remote_id IS NOT NULL",
                params![keep.0, drop.0],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if synced > 0 {
            return Err(StoreError::NotFound(
                "synced feeds are merged on the feed server".into(),
            ));
        }
        let merged = self.write(|tx| merge_in(tx, keep.0, drop.0))?;
        merged.ok_or_else(|| StoreError::NotFound("one of the feeds to merge is gone".into()))
    }
}

fn merge_in(tx: &Transaction<'_>, keep: i64, drop: i64) -> rusqlite::Result<Option<Merged>> {
    let both: i64 = tx.query_row(
        "SELECT count(*) FROM feeds WHERE id IN (?1, ?2)",
        params![keep, drop],
        |r| r.get(0),
    )?;
    if both != 2 {
        return Ok(None);
    }
    // Labels of the copies both have go to the kept feed's copy.
    tx.execute(
        "INSERT OR IGNORE INTO entry_labels (entry_id, label_id) \
         SELECT k.id, l.label_id FROM entries d JOIN entry_labels l ON l.entry_id = d.id \
         JOIN entries k ON k.feed_id = ?1 AND (k.key = d.key OR k.story = d.story) \
         WHERE d.feed_id = ?2",
        params![keep, drop],
    )?;
    // The rest move, unless the kept feed has the same entry (its key) or a copy of its story.
    let moved = tx.execute(
        "UPDATE entries SET feed_id = ?1 WHERE feed_id = ?2 \
         AND NOT EXISTS (SELECT 1 FROM entries k WHERE k.feed_id = ?1 AND k.key = entries.key) \
         AND (story IS NULL OR NOT EXISTS \
              (SELECT 1 FROM entries k WHERE k.feed_id = ?1 AND k.story = entries.story))",
        params![keep, drop],
    )?;
    let dropped: i64 = tx.query_row(
        "SELECT count(*) FROM entries WHERE feed_id = ?1",
        [drop],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO feed_tags (feed_id, tag, folded) \
         SELECT ?1, tag, folded FROM feed_tags WHERE feed_id = ?2",
        params![keep, drop],
    )?;
    tx.execute(
        "UPDATE feeds SET full_article = full_article OR \
         (SELECT full_article FROM feeds WHERE id = ?2) WHERE id = ?1",
        params![keep, drop],
    )?;
    tx.execute(
        "UPDATE feed_old_urls SET feed_id = ?1 WHERE feed_id = ?2",
        params![keep, drop],
    )?;
    let now = chrono::Utc::now().timestamp();
    tx.execute(
        "INSERT OR IGNORE INTO feed_old_urls (url, feed_id, replaced_at) \
         SELECT url, ?1, ?3 FROM feeds WHERE id = ?2",
        params![keep, drop, now],
    )?;
    tx.execute("DELETE FROM feeds WHERE id = ?1", [drop])?;
    Ok(Some(Merged {
        moved: moved as u64,
        dropped: u64::try_from(dropped).unwrap_or(0),
    }))
}
