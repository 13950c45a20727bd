//! Organising subscriptions: tags, the user's own titles, and removing a feed with everything
//! it brought. Names from users and OPML files are sanitised like feed text.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::filter::fold;
use super::{Result, Store, StoreError};
use crate::model::{FeedId, bounds};

/// Every feed's tags, sorted (ignoring case).
pub(super) fn tags_by_feed(conn: &Connection) -> rusqlite::Result<HashMap<i64, Vec<String>>> {
    let mut stmt =
        conn.prepare_cached("SELECT feed_id, tag FROM feed_tags ORDER BY feed_id, folded, tag")?;
    let mut rows = stmt.query([])?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    while let Some(row) = rows.next()? {
        out.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    Ok(out)
}

/// One feed's tags, sorted (ignoring case).
pub(super) fn tags_of(conn: &Connection, feed: FeedId) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM feed_tags WHERE feed_id = ?1 ORDER BY folded, tag")?
        .query_map([feed.0], |r| r.get(0))?
        .collect()
}

fn feed_exists(tx: &Transaction<'_>, feed: FeedId) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM feeds WHERE id = ?1)",
        [feed.0],
        |r| r.get(0),
    )
}

pub(super) fn insert_tags(
    tx: &Transaction<'_>,
    feed: FeedId,
    tags: &[String],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO feed_tags (feed_id, tag, folded) VALUES (?1, ?2, ?3) \
         ON CONFLICT (feed_id, folded) DO NOTHING",
    )?;
    let mut seen = HashSet::new();
    for tag in tags {
        let tag = bounds::line(tag).into_owned();
        let folded = fold(&tag);
        if !tag.is_empty() && seen.insert(folded.clone()) {
            stmt.execute(params![feed.0, tag, folded])?;
        }
    }
    Ok(())
}

fn no_feed(feed: FeedId) -> StoreError {
    StoreError::NotFound(format!("no feed {}", feed.0))
}

impl Store {
    /// Replaces a feed's tags (blank ones are dropped; of tags that differ only in case, the
    /// first is kept).
    pub fn set_feed_tags(&mut self, feed: FeedId, tags: &[String]) -> Result<()> {
        let found = self.write(|tx| {
            if !feed_exists(tx, feed)? {
                return Ok(false);
            }
            tx.execute("DELETE FROM feed_tags WHERE feed_id = ?1", [feed.0])?;
            insert_tags(tx, feed, tags)?;
            Ok(true)
        })?;
        if found { Ok(()) } else { Err(no_feed(feed)) }
    }

    /// Adds tags to a feed's own (an import of a list that tags a known feed).
    pub fn add_feed_tags(&mut self, feed: FeedId, tags: &[String]) -> Result<()> {
        let found = self.write(|tx| {
            if !feed_exists(tx, feed)? {
                return Ok(false);
            }
            insert_tags(tx, feed, tags)?;
            Ok(true)
        })?;
        if found { Ok(()) } else { Err(no_feed(feed)) }
    }

    /// Gives a feed the user's own title, shown in the feed list and the stream instead of the
    /// feed's; `None` (or a blank title) goes back to the feed's own.
    pub fn rename_feed(&mut self, feed: FeedId, title: Option<&str>) -> Result<()> {
        let title = title.map(bounds::line).filter(|t| !t.is_empty());
        let changed = self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET user_title = ?2 WHERE id = ?1",
                params![feed.0, title],
            )
        })?;
        if changed == 1 {
            Ok(())
        } else {
            Err(no_feed(feed))
        }
    }

    /// The site's page a subscription list gave (OPML `htmlUrl`), kept unless the feed already
    /// has one (its own, from a fetch, wins). Only an http(s) link is kept.
    pub fn set_site_url_if_unknown(&mut self, feed: FeedId, url: &str) -> Result<()> {
        let Some(url) = bounds::web_link(url) else {
            return Ok(());
        };
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET site_url = ?2 WHERE id = ?1 AND site_url IS NULL",
                params![feed.0, url],
            )
        })?;
        Ok(())
    }

    /// Unsubscribes: the feed goes, and with it its entries, their bodies, their search index
    /// rows, its tags and the URLs it was known by. A wait its host asked for (`Retry-After`)
    /// because of this feed ends with it: feeds of the same origin held only because of it
    /// (no error of their own) are free again.
    pub fn remove_feed(&mut self, feed: FeedId) -> Result<()> {
        let removed = self.write(|tx| {
            let held: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT url, hold_reason FROM feeds WHERE id = ?1",
                    [feed.0],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let removed = tx.execute("DELETE FROM feeds WHERE id = ?1", [feed.0])?;
            if let Some((url, Some(reason))) = held
                && reason == "retry-after"
            {
                let origin = origin(&url);
                let mut stmt = tx.prepare(
                    "SELECT id, url FROM feeds \
                     WHERE hold_reason = 'retry-after' AND last_error IS NULL",
                )?;
                let held_too: Vec<(i64, String)> = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (id, other) in held_too {
                    if origin.is_some() && self::origin(&other) == origin {
                        tx.execute(
                            "UPDATE feeds SET hold_until = NULL, hold_reason = NULL WHERE id = ?1",
                            [id],
                        )?;
                    }
                }
            }
            Ok(removed)
        })?;
        if removed == 1 {
            Ok(())
        } else {
            Err(no_feed(feed))
        }
    }
}

/// `scheme://host:port` of a URL: what a `Retry-After` holds.
fn origin(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.host_str()?;
    Some(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::temp_store;
    use crate::store::{Failure, Hold};

    /// Issue #19: a `Retry-After` from one feed held the other feeds of its origin, and the
    /// hold outlived unsubscribing from the feed that caused it.
    #[test]
    fn removing_the_feed_that_asked_to_wait_frees_its_origin() {
        let (_d, mut s) = temp_store();
        let (culprit, _) = s.add_feed("https://h.example/busy.xml", 0).unwrap();
        let (same, _) = s.add_feed("https://h.example/other.xml", 0).unwrap();
        let (port, _) = s.add_feed("https://h.example:8443/x.xml", 0).unwrap();
        let until = 2_000_000_000;
        let failure = Failure {
            error: "HTTP 429 Too Many Requests",
            hold: Some((until, Hold::RetryAfter)),
            gone: false,
        };
        s.record_failure(culprit, &failure, 0).unwrap();
        s.record_wait(same, until).unwrap();
        s.record_wait(port, until).unwrap();
        let asked = |s: &crate::store::Store, id| {
            s.feeds()
                .unwrap()
                .into_iter()
                .find(|f| f.id == id)
                .unwrap()
                .asked_to_wait
        };
        assert!(asked(&s, same) && asked(&s, port));
        s.remove_feed(culprit).unwrap();
        assert!(!asked(&s, same), "the same origin is free again");
        assert!(
            asked(&s, port),
            "another origin (another port) keeps its own wait"
        );
    }
}
