//! Subscriptions: adding, listing with counts, finding, and what a refresh needs to know.

use rusqlite::{OptionalExtension, Row, params};

use super::{Result, Store, StoreError, to_time};
use crate::model::{Counts, Feed, FeedId};

/// What the refresh engine needs to fetch one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFetchState {
    pub id: FeedId,
    pub url: String,
    pub title: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

const FEED_COLUMNS: &str = "f.id, f.url, COALESCE(f.title, f.url), f.site_url, f.last_ok_at, \
     f.last_error, \
     (SELECT count(*) FROM entries e WHERE e.feed_id = f.id AND e.read = 0), \
     (SELECT count(*) FROM entries e WHERE e.feed_id = f.id)";

/// A `count(*)` column (`SQLite` integers are signed; counts are never negative).
fn count(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

fn feed_from_row(row: &Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: FeedId(row.get(0)?),
        url: row.get(1)?,
        title: row.get(2)?,
        site_url: row.get(3)?,
        last_ok_at: row.get::<_, Option<i64>>(4)?.map(to_time),
        last_error: row.get(5)?,
        unread: count(row, 6)?,
        total: count(row, 7)?,
    })
}

impl Store {
    /// Subscribes to `url`. Returns the feed's id and whether it was new.
    pub fn add_feed(&mut self, url: &str, now: i64) -> Result<(FeedId, bool)> {
        self.add_feed_titled(url, None, now)
    }

    /// Subscribes to `url` with a title to show until the feed's own arrives.
    pub fn add_feed_titled(
        &mut self,
        url: &str,
        title: Option<&str>,
        now: i64,
    ) -> Result<(FeedId, bool)> {
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT INTO feeds (url, title, added_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (url) DO NOTHING",
                params![url, title, now],
            )? == 1;
            let id = tx.query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| r.get(0))?;
            Ok((FeedId(id), inserted))
        })
    }

    /// Every feed with its counts, by title.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let sql = format!(
            "SELECT {FEED_COLUMNS} FROM feeds f ORDER BY lower(COALESCE(f.title, f.url)), f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], feed_from_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Finds a feed by id number, exact URL, or title (case-insensitive).
    pub fn find_feed(&self, spec: &str) -> Result<Feed> {
        let sql = format!(
            "SELECT {FEED_COLUMNS} FROM feeds f \
             WHERE f.id = ?1 OR f.url = ?2 OR lower(COALESCE(f.title, f.url)) = lower(?2) \
             ORDER BY f.id != ?1, f.id LIMIT 1"
        );
        let id = spec.parse::<i64>().unwrap_or(-1);
        self.conn
            .query_row(&sql, params![id, spec], feed_from_row)
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::NotFound(format!("no feed matches '{spec}'")))
    }

    /// The feeds a refresh of `feed` (or of all, when `None`) must fetch.
    pub fn fetch_states(&self, feed: Option<FeedId>) -> Result<Vec<FeedFetchState>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, url, COALESCE(title, url), etag, last_modified FROM feeds \
                 WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([feed.map(|f| f.0)], |r| {
                Ok(FeedFetchState {
                    id: FeedId(r.get(0)?),
                    url: r.get(1)?,
                    title: r.get(2)?,
                    etag: r.get(3)?,
                    last_modified: r.get(4)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Records a failed fetch or parse; the feed's entries stay as they were.
    pub fn record_failure(&mut self, feed: FeedId, error: &str, now: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET last_fetch_at = ?2, last_error = ?3 WHERE id = ?1",
                params![feed.0, now, error],
            )?;
            Ok(())
        })
    }

    /// Records a `304 Not Modified`: the feed is fine and unchanged.
    pub fn record_not_modified(&mut self, feed: FeedId, now: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET last_fetch_at = ?2, last_ok_at = ?2, last_error = NULL \
                 WHERE id = ?1",
                params![feed.0, now],
            )?;
            Ok(())
        })
    }

    /// Totals for the status line (index-only counts).
    pub fn counts(&self) -> Result<Counts> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM entries), \
                        (SELECT count(*) FROM entries WHERE read = 0), \
                        (SELECT count(*) FROM entries WHERE starred = 1), \
                        (SELECT count(*) FROM feeds)",
                [],
                |r| {
                    Ok(Counts {
                        entries: count(r, 0)?,
                        unread: count(r, 1)?,
                        starred: count(r, 2)?,
                        feeds: count(r, 3)?,
                    })
                },
            )
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::temp_store;

    #[test]
    fn adding_a_feed_twice_keeps_one() {
        let (_d, mut s) = temp_store();
        let (a, new_a) = s.add_feed("https://a.example/feed", 1).unwrap();
        let (b, new_b) = s.add_feed("https://a.example/feed", 2).unwrap();
        assert_eq!(a, b);
        assert!(new_a && !new_b);
        assert_eq!(s.feeds().unwrap().len(), 1);
    }

    #[test]
    fn an_unfetched_feed_is_titled_by_its_url() {
        let (_d, mut s) = temp_store();
        s.add_feed("https://a.example/feed", 1).unwrap();
        assert_eq!(s.feeds().unwrap()[0].title, "https://a.example/feed");
    }

    #[test]
    fn find_feed_by_id_url_or_title() {
        let (_d, mut s) = temp_store();
        let (id, _) = s.add_feed("https://a.example/feed", 1).unwrap();
        assert_eq!(s.find_feed(&id.0.to_string()).unwrap().id, id);
        assert_eq!(s.find_feed("https://a.example/feed").unwrap().id, id);
        assert_eq!(s.find_feed("HTTPS://A.EXAMPLE/FEED").unwrap().id, id);
        let err = s.find_feed("nope").unwrap_err().to_string();
        assert!(err.contains("no feed matches 'nope'"), "{err}");
    }

    #[test]
    fn failure_is_recorded_and_cleared_by_success() {
        let (_d, mut s) = temp_store();
        let (id, _) = s.add_feed("https://a.example/feed", 1).unwrap();
        s.record_failure(id, "HTTP 500 Internal Server Error", 5)
            .unwrap();
        assert_eq!(
            s.feeds().unwrap()[0].last_error.as_deref(),
            Some("HTTP 500 Internal Server Error")
        );
        s.record_not_modified(id, 6).unwrap();
        let feed = &s.feeds().unwrap()[0];
        assert_eq!(feed.last_error, None);
        assert_eq!(feed.last_ok_at.map(|t| t.timestamp()), Some(6));
    }
}
