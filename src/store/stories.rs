//! One story, once (issue #23): folding a new entry into the story another feed's entry already
//! tells, at ingest, by one indexed lookup per key (`story_keys`). One copy leads the story: the
//! stream shows it, and the others are its copies (`entries.story` names the lead in every
//! member, the lead included). The lead is the publisher's own copy when there is one (its link
//! on its feed's own host: the author's blog rather than the planet), else the first stored.
//! Marks on any copy reach every copy (triggers, see `migrations/0010_stories.sql`), so which
//! copy leads never changes what is read.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Store};
use crate::model::{EntryId, FeedId};

/// The story a new entry joins: its lead and the marks the story has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Lead {
    pub id: i64,
    pub read: bool,
    pub starred: bool,
    /// The lead is its publisher's own copy (`story::is_original`).
    pub original: bool,
}

/// Whether `feed`'s entry linking to `link` is the publisher's own copy; `site`: the site the
/// document being written names (the feed's row has it only once that is written).
pub(super) fn original(
    tx: &Transaction<'_>,
    feed: FeedId,
    link: Option<&str>,
    site: Option<&str>,
) -> rusqlite::Result<bool> {
    if link.is_none() {
        return Ok(false);
    }
    let (url, stored): (String, Option<String>) = tx
        .prepare_cached("SELECT url, site_url FROM feeds WHERE id = ?1")?
        .query_row([feed.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let site = site.or(stored.as_deref());
    Ok(crate::model::story::is_original(link, &url, site))
}

/// The story that an entry of `feed` with these `keys` (most confident first) belongs to, if
/// another feed's entry tells it. A feed's own entries never fold into each other: each is a
/// story the feed tells apart by its own key.
pub(super) fn find(
    tx: &Transaction<'_>,
    feed: FeedId,
    keys: &[i64],
) -> rusqlite::Result<Option<Lead>> {
    // Two lookups, not a join: the join was prepared again by SQLite at every run (its plan
    // depends on the bound key), which cost more than the lookups; and the feed is compared
    // here, not in the SQL, for the same reason.
    let mut key_of = tx.prepare_cached("SELECT entry_id FROM story_keys WHERE key = ?1")?;
    let mut entry =
        tx.prepare_cached("SELECT read, starred, feed_id, link FROM entries WHERE id = ?1")?;
    for key in keys {
        let Some(id) = key_of.query_row([key], |r| r.get::<_, i64>(0)).optional()? else {
            continue;
        };
        let found = entry
            .query_row([id], |r| {
                let lead = Lead {
                    id,
                    read: r.get(0)?,
                    starred: r.get(1)?,
                    original: false,
                };
                Ok((lead, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
            })
            .optional()?;
        if let Some((mut lead, of, link)) = found
            && of != feed.0
        {
            lead.original = original(tx, FeedId(of), link.as_deref(), None)?;
            return Ok(Some(lead));
        }
    }
    Ok(None)
}

/// Records that `id` (a new entry with these `keys`, stored as `lead`'s copy) joined `lead`'s
/// story, or leads a story of its own: keys not known yet name the lead. A new entry that is
/// its publisher's own copy (`original`) takes the lead from one that is not: the story moves
/// to it, keys and all.
pub(super) fn keep(
    tx: &Transaction<'_>,
    id: i64,
    keys: &[i64],
    lead: Option<Lead>,
    original: bool,
) -> rusqlite::Result<()> {
    let lead_id = match lead {
        Some(lead) if original && !lead.original => {
            tx.prepare_cached("UPDATE entries SET story = ?1 WHERE story = ?2 OR id = ?2")?
                .execute([id, lead.id])?;
            tx.prepare_cached("UPDATE story_keys SET entry_id = ?1 WHERE entry_id = ?2")?
                .execute([id, lead.id])?;
            id
        }
        Some(lead) => {
            // A story of one until now: its entry leads it.
            tx.prepare_cached("UPDATE entries SET story = id WHERE id = ?1 AND story IS NULL")?
                .execute([lead.id])?;
            lead.id
        }
        None => id,
    };
    let mut add =
        tx.prepare_cached("INSERT OR IGNORE INTO story_keys (key, entry_id) VALUES (?1, ?2)")?;
    for key in keys {
        add.execute(params![key, lead_id])?;
    }
    Ok(())
}

/// One copy of a story, as the reader lists it ("also in: …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryCopy {
    pub id: EntryId,
    pub feed: FeedId,
    pub feed_title: String,
}

impl Store {
    /// The other copies of `id`'s story (the lead included when `id` is a copy), oldest first.
    pub fn copies_of(&self, id: EntryId) -> Result<Vec<StoryCopy>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.feed_id, COALESCE(f.user_title, f.title, f.url), f.url \
                 FROM entries e JOIN entries c ON c.story = e.story JOIN feeds f ON f.id = c.feed_id \
                 WHERE e.id = ?1 AND e.story IS NOT NULL AND c.id IS NOT e.id ORDER BY c.id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([id.0], |r| {
            Ok(StoryCopy {
                id: EntryId(r.get(0)?),
                feed: FeedId(r.get(1)?),
                feed_title: super::feeds::untitled_shown(&r.get::<_, String>(3)?, r.get(2)?),
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }
}

/// Folds the entries stored before stories were kept (schema 10), oldest first, by their
/// addresses (link, and a guid that is a web address): their bodies' text is not read again, so
/// the title-and-text key applies from the next entries on. An address several entries of one
/// feed carry is no key, as in a document. Marks stay as they were.
pub(super) fn backfill(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    use std::collections::HashMap;

    let mut rows: Vec<(i64, i64, Vec<i64>)> = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT id, feed_id, link, guid FROM entries ORDER BY id")?;
        let mut found = stmt.query([])?;
        while let Some(r) = found.next()? {
            let link: Option<String> = r.get(2)?;
            let guid: Option<String> = r.get(3)?;
            let addresses = crate::model::story::addresses(link.as_deref(), guid.as_deref());
            let keys = crate::model::story::keys(addresses, &[], "", "");
            if !keys.is_empty() {
                rows.push((r.get(0)?, r.get(1)?, keys));
            }
        }
    }
    let mut per_feed: HashMap<(i64, i64), u32> = HashMap::new();
    for (_, feed, keys) in &rows {
        for key in keys {
            *per_feed.entry((*feed, *key)).or_default() += 1;
        }
    }
    // Each key's lead and its feed.
    let mut leads: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut add = tx.prepare("INSERT OR IGNORE INTO story_keys (key, entry_id) VALUES (?1, ?2)")?;
    let mut join = tx.prepare("UPDATE entries SET story = ?2 WHERE id = ?1")?;
    for (id, feed, mut keys) in rows {
        keys.retain(|k| per_feed.get(&(feed, *k)).is_some_and(|&n| n == 1));
        let lead = keys
            .iter()
            .find_map(|k| leads.get(k).filter(|(_, f)| *f != feed).copied());
        let (lead_id, lead_feed) = match lead {
            Some((lead, lead_feed)) => {
                join.execute(params![lead, lead])?;
                join.execute(params![id, lead])?;
                (lead, lead_feed)
            }
            None => (id, feed),
        };
        for key in keys {
            if let std::collections::hash_map::Entry::Vacant(slot) = leads.entry(key) {
                slot.insert((lead_id, lead_feed));
                add.execute(params![key, lead_id])?;
            }
        }
    }
    Ok(())
}
