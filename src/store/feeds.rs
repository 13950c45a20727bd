//! Subscriptions: adding, listing with counts, finding, and what a refresh needs to know.

use rusqlite::{OptionalExtension, Row, params};

use super::ingest::FetchMeta;
use super::organize::{tags_by_feed, tags_of};
use super::{Result, Store, StoreError, to_time};
use crate::model::{Counts, Feed, FeedId, RefreshScope};

/// What the refresh engine needs to fetch one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFetchState {
    pub id: FeedId,
    pub url: String,
    pub title: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Failed fetches in a row before this one.
    pub failures: u32,
    /// When it was last fetched (Unix seconds), whatever came of it.
    pub last_fetch_at: Option<i64>,
}

/// Why a feed is held back from refreshing until a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The feed or its server said how long its content stays fresh.
    Ttl,
    /// It keeps failing.
    Backoff,
    /// Its host answered 429 or 503 with `Retry-After`.
    RetryAfter,
}

impl Hold {
    fn as_str(self) -> &'static str {
        match self {
            Hold::Ttl => "ttl",
            Hold::Backoff => "backoff",
            Hold::RetryAfter => "retry-after",
        }
    }
}

/// A failed fetch to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure<'a> {
    pub error: &'a str,
    /// Not to be tried again before this time, and why.
    pub hold: Option<(i64, Hold)>,
    /// The server said 410 Gone.
    pub gone: bool,
}

pub(super) const FEED_COLUMNS: &str = "f.id, f.url, COALESCE(f.user_title, f.title, f.url), f.site_url, \
     f.last_ok_at, f.last_error, f.failures, f.hold_until, f.gone_at IS NOT NULL, \
     f.unread_count, f.entry_count, f.hold_reason IS 'retry-after', f.full_article";

/// The status line's totals: the feeds' kept counts, summed.
/// Stories, not copies: a story several feeds tell counts once (issue #23). The copies' counts
/// are read from the few feeds that have some, through their index.
pub(super) const COUNTS_SQL: &str = "SELECT e - c, u - cu, s - cs, n FROM \
     (SELECT COALESCE(SUM(entry_count), 0) e, COALESCE(SUM(unread_count), 0) u, \
      COALESCE(SUM(starred_count), 0) s, count(*) n FROM feeds), \
     (SELECT COALESCE(SUM(copy_count), 0) c, COALESCE(SUM(copy_unread), 0) cu, \
      COALESCE(SUM(copy_starred), 0) cs FROM feeds WHERE copy_count > 0)";

/// A `count(*)` column (`SQLite` integers are signed; counts are never negative).
fn count(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

/// A feed's title as shown: an untitled feed goes by its URL, with its secrets hidden.
pub(super) fn untitled_shown(url: &str, title: String) -> String {
    if title == url {
        crate::model::redact::url(url).into_owned()
    } else {
        title
    }
}

fn feed_from_row(row: &Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: FeedId(row.get(0)?),
        url: row.get(1)?,
        title: untitled_shown(&row.get::<_, String>(1)?, row.get(2)?),
        site_url: row.get(3)?,
        last_ok_at: row.get::<_, Option<i64>>(4)?.map(to_time),
        last_error: row.get(5)?,
        failures: u32::try_from(row.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        hold_until: row.get::<_, Option<i64>>(7)?.map(to_time),
        asked_to_wait: row.get(11)?,
        gone: row.get(8)?,
        unread: count(row, 9)?,
        total: count(row, 10)?,
        tags: Vec::new(),
        full_article: row.get(12)?,
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
        let title = title.map(crate::model::bounds::line);
        self.write(|tx| {
            // A URL the feed was known by before a permanent redirect moved it is that feed.
            let moved: Option<i64> = tx
                .query_row(
                    "SELECT feed_id FROM feed_old_urls WHERE url = ?1",
                    [url],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = moved {
                return Ok((FeedId(id), false));
            }
            let inserted = tx.execute(
                "INSERT INTO feeds (url, title, added_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (url) DO NOTHING",
                params![url, title, now],
            )? == 1;
            let id = tx.query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| r.get(0))?;
            Ok((FeedId(id), inserted))
        })
    }

    /// Every feed with its counts and tags, by title.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let sql = format!(
            "SELECT {FEED_COLUMNS} FROM feeds f \
             ORDER BY lower(COALESCE(f.user_title, f.title, f.url)), f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows: Vec<Feed> = stmt
            .query_map([], feed_from_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        let mut tags = tags_by_feed(&self.conn).map_err(|e| self.err(e))?;
        for feed in &mut rows {
            feed.tags = tags.remove(&feed.id.0).unwrap_or_default();
        }
        Ok(rows)
    }

    /// Finds a feed by id number, exact URL, or title (ignoring case): a title the user gave,
    /// else a feed's own title it is shown by, else its own title under the user's. Preferred in
    /// that order: a feed whose title is another feed's URL never hides it. A title that several feeds are
    /// shown by is no name: an error lists them, and nothing is done to any.
    ///
    /// One query each, in that order: the id and the URL are found by their index, and only a
    /// title reads every feed (`tidings import` looked each of 2 000 feeds up so: 0.9 s).
    pub fn find_feed(&self, spec: &str) -> Result<Feed> {
        let find = |condition: &str, arg: &dyn rusqlite::ToSql| -> rusqlite::Result<Vec<Feed>> {
            self.conn
                .prepare_cached(&find_feed_sql(condition))?
                .query_map([arg], feed_from_row)?
                .collect()
        };
        let id = spec.parse::<i64>().ok();
        let lookups: [(&str, Option<&dyn rusqlite::ToSql>); 5] = [
            (
                "f.id = ?1",
                id.as_ref().map(|id| id as &dyn rusqlite::ToSql),
            ),
            ("f.url = ?1", Some(&spec)),
            ("lower(f.user_title) = lower(?1)", Some(&spec)),
            (
                "f.user_title IS NULL AND lower(COALESCE(f.title, f.url)) = lower(?1)",
                Some(&spec),
            ),
            ("lower(f.title) = lower(?1)", Some(&spec)),
        ];
        let mut found = Vec::new();
        for (condition, arg) in lookups {
            if let Some(arg) = arg {
                found = find(condition, arg).map_err(|e| self.err(e))?;
            }
            if !found.is_empty() {
                break;
            }
        }
        if found.len() > 1 {
            let ids: Vec<String> = found.iter().map(|f| f.id.0.to_string()).collect();
            return Err(StoreError::NotFound(format!(
                "'{spec}' is the title of {} feeds ({}): name one by its id or URL",
                found.len(),
                ids.join(", ")
            )));
        }
        let mut feed = found
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("no feed matches '{spec}'")))?;
        feed.tags = tags_of(&self.conn, feed.id).map_err(|e| self.err(e))?;
        Ok(feed)
    }

    /// How many subscribed feeds a refresh of `scope` at `now` leaves out: (waiting, gone).
    pub fn held_back(&self, scope: RefreshScope, now: i64) -> Result<(usize, usize)> {
        let waiting = match scope {
            RefreshScope::All => "hold_reason IS 'retry-after' AND hold_until > ?1",
            RefreshScope::Due => "hold_until > ?1",
            RefreshScope::Feed(_) => return Ok((0, 0)),
        };
        let sql = format!(
            "SELECT COALESCE(SUM(gone_at IS NULL AND {waiting}), 0), \
             COALESCE(SUM(gone_at IS NOT NULL), 0) FROM feeds"
        );
        self.conn
            .query_row(&sql, [now], |r| {
                Ok((
                    usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    usize::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                ))
            })
            .map_err(|e| self.err(e))
    }

    /// The feeds a refresh of `scope` must fetch at `now`.
    pub fn fetch_states(&self, scope: RefreshScope, now: i64) -> Result<Vec<FeedFetchState>> {
        let (condition, arg) = match scope {
            RefreshScope::All => (
                "gone_at IS NULL AND (hold_reason IS NOT 'retry-after' OR hold_until <= ?1)",
                now,
            ),
            RefreshScope::Due => (
                "gone_at IS NULL AND (hold_until IS NULL OR hold_until <= ?1)",
                now,
            ),
            RefreshScope::Feed(id) => ("id = ?1", id.0),
        };
        let sql = format!(
            "SELECT id, url, COALESCE(user_title, title, url), etag, last_modified, failures, \
             last_fetch_at FROM feeds \
             WHERE {condition} ORDER BY id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([arg], |r| {
                Ok(FeedFetchState {
                    id: FeedId(r.get(0)?),
                    url: r.get(1)?,
                    title: untitled_shown(&r.get::<_, String>(1)?, r.get(2)?),
                    etag: r.get(3)?,
                    last_modified: r.get(4)?,
                    failures: u32::try_from(r.get::<_, i64>(5)?).unwrap_or(u32::MAX),
                    last_fetch_at: r.get(6)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Records a failed fetch or parse; the feed's entries stay as they were.
    pub fn record_failure(&mut self, feed: FeedId, failure: &Failure<'_>, now: i64) -> Result<()> {
        let (hold_until, hold_reason) = match failure.hold {
            Some((until, why)) => (Some(until), Some(why.as_str())),
            None => (None, None),
        };
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET last_fetch_at = ?2, last_error = ?3, failures = failures + 1, \
                 hold_until = ?4, hold_reason = ?5, \
                 gone_at = CASE WHEN ?6 THEN ?2 ELSE gone_at END WHERE id = ?1",
                params![
                    feed.0,
                    now,
                    failure.error,
                    hold_until,
                    hold_reason,
                    failure.gone
                ],
            )?;
            Ok(())
        })
    }

    /// Records that a feed was left for later because its host asked to wait.
    pub fn record_wait(&mut self, feed: FeedId, until: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET hold_until = ?2, hold_reason = 'retry-after' WHERE id = ?1",
                params![feed.0, until],
            )?;
            Ok(())
        })
    }

    /// Records a `304 Not Modified`: the feed is fine and unchanged.
    pub fn record_not_modified(
        &mut self,
        feed: FeedId,
        meta: &FetchMeta<'_>,
        now: i64,
    ) -> Result<()> {
        // Cached: a warm refresh of thousands of feeds runs it once for each (parsing it each
        // time was a fifth of such a refresh's work).
        self.write(|tx| {
            tx.prepare_cached(
                "UPDATE feeds SET last_fetch_at = ?2, last_ok_at = ?2, last_error = NULL, \
                 failures = 0, gone_at = NULL, hold_until = ?3, \
                 hold_reason = CASE WHEN ?3 IS NULL THEN NULL ELSE 'ttl' END WHERE id = ?1",
            )?
            .execute(params![feed.0, now, meta.fresh_until])?;
            Ok(())
        })
    }

    /// Totals for the status line: the feeds' kept counts, summed (no entry is read).
    pub fn counts(&self) -> Result<Counts> {
        self.conn
            .query_row(COUNTS_SQL, [], |r| {
                Ok(Counts {
                    entries: count(r, 0)?,
                    unread: count(r, 1)?,
                    starred: count(r, 2)?,
                    feeds: count(r, 3)?,
                })
            })
            .map_err(|e| self.err(e))
    }
}

/// One of [`Store::find_feed`]'s lookups: the feeds meeting `condition` (on `?1`), at most a
/// few (enough to say that a title is ambiguous, and which feeds carry it).
fn find_feed_sql(condition: &str) -> String {
    format!("SELECT {FEED_COLUMNS} FROM feeds f WHERE {condition} ORDER BY f.id LIMIT 8")
}

#[cfg(test)]
mod tests {
    use super::*;
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

    /// Issue #17: a feed titled with another feed's URL (a hostile feed names itself so) was
    /// found first, so `--feed URL` read or exported the wrong feed.
    #[test]
    fn a_feed_titled_with_another_feeds_url_never_hides_it() {
        let (_d, mut s) = temp_store();
        let (decoy, _) = s.add_feed("https://decoy.example/feed", 1).unwrap();
        // What a feed calls itself arrives with a fetch.
        let titled = |s: &mut crate::store::Store, id, title: &str, now| {
            let feed = crate::model::IncomingFeed {
                title: Some(title.into()),
                site_url: None,
                ttl_minutes: None,
                entries: Vec::new(),
            };
            s.record_success(id, &feed, &crate::store::FetchMeta::default(), now)
                .unwrap();
        };
        titled(&mut s, decoy, "https://real.example/feed", 2);
        let (real, _) = s.add_feed("https://real.example/feed", 3).unwrap();
        assert_eq!(s.find_feed("https://real.example/feed").unwrap().id, real);
        // A name the user gave wins over a feed's own title.
        s.rename_feed(real, Some("Decoy")).unwrap();
        s.rename_feed(decoy, None).unwrap();
        let (other, _) = s.add_feed("https://other.example/feed", 4).unwrap();
        titled(&mut s, other, "decoy", 5);
        assert_eq!(s.find_feed("decoy").unwrap().id, real);
    }

    /// Found trying it: two feeds with one title, and `tidings remove TITLE` removed whichever
    /// came first, with its entries. A title several feeds share names none of them.
    #[test]
    fn a_title_two_feeds_share_names_neither() {
        let (_d, mut s) = temp_store();
        let titled = |s: &mut crate::store::Store, id, title: &str| {
            let feed = crate::model::IncomingFeed {
                title: Some(title.into()),
                site_url: None,
                ttl_minutes: None,
                entries: Vec::new(),
            };
            s.record_success(id, &feed, &crate::store::FetchMeta::default(), 2)
                .unwrap();
        };
        let (a, _) = s.add_feed("https://a.example/feed", 1).unwrap();
        let (b, _) = s.add_feed("https://b.example/feed", 1).unwrap();
        titled(&mut s, a, "Same");
        titled(&mut s, b, "same");
        let err = s.find_feed("Same").unwrap_err().to_string();
        assert!(
            err.contains(&format!("2 feeds ({}, {})", a.0, b.0)),
            "{err}"
        );
        // Each is still found by its id or URL, and a title the user gives one names it.
        assert_eq!(s.find_feed("https://b.example/feed").unwrap().id, b);
        s.rename_feed(b, Some("Mine")).unwrap();
        assert_eq!(
            s.find_feed("same").unwrap().id,
            a,
            "shown by that title: a only"
        );
        assert_eq!(s.find_feed("mine").unwrap().id, b);
        s.rename_feed(a, Some("Yours")).unwrap();
        let err = s.find_feed("same").unwrap_err().to_string();
        assert!(err.contains("2 feeds"), "both renamed, both have it: {err}");
    }

    /// Regression: one query for all three ways read every feed, and `tidings import` looks
    /// each imported feed up (2 000 feeds: 0.9 s). By id and by URL are index lookups.
    #[test]
    fn finding_a_feed_by_id_or_url_reads_one_row_by_its_index() {
        let (_d, s) = temp_store();
        let plan =
            |condition: &str| crate::store::test_support::plan(&s, &find_feed_sql(condition), [1]);
        let by_id = plan("f.id = ?1");
        assert!(
            by_id.contains("SEARCH f USING INTEGER PRIMARY KEY"),
            "{by_id}"
        );
        let by_url = plan("f.url = ?1");
        assert!(by_url.contains("SEARCH f USING INDEX"), "{by_url}");
        assert!(!format!("{by_id}{by_url}").contains("SCAN f"));
    }

    #[test]
    fn failure_is_recorded_and_cleared_by_success() {
        let (_d, mut s) = temp_store();
        let (id, _) = s.add_feed("https://a.example/feed", 1).unwrap();
        let failure = Failure {
            error: "HTTP 500 Internal Server Error",
            hold: None,
            gone: false,
        };
        s.record_failure(id, &failure, 5).unwrap();
        assert_eq!(
            s.feeds().unwrap()[0].last_error.as_deref(),
            Some("HTTP 500 Internal Server Error")
        );
        s.record_not_modified(id, &FetchMeta::default(), 6).unwrap();
        let feed = &s.feeds().unwrap()[0];
        assert_eq!(feed.last_error, None);
        assert_eq!(feed.last_ok_at.map(|t| t.timestamp()), Some(6));
    }

    fn ids(states: &[FeedFetchState]) -> Vec<i64> {
        states.iter().map(|f| f.id.0).collect()
    }

    /// Feeds 1..=5: plain, held by TTL, backing off, told to wait by their host, gone.
    fn feeds_in_every_state() -> (tempfile::TempDir, Store) {
        let (d, mut s) = temp_store();
        for i in 1..=5 {
            s.add_feed(&format!("https://f{i}.example/feed"), 0)
                .unwrap();
        }
        let meta = FetchMeta {
            fresh_until: Some(500),
            ..FetchMeta::default()
        };
        s.record_not_modified(FeedId(2), &meta, 100).unwrap();
        let fail = |hold, gone| Failure {
            error: "x",
            hold,
            gone,
        };
        s.record_failure(FeedId(3), &fail(Some((500, Hold::Backoff)), false), 100)
            .unwrap();
        s.record_failure(FeedId(4), &fail(Some((500, Hold::RetryAfter)), false), 100)
            .unwrap();
        s.record_failure(FeedId(5), &fail(None, true), 100).unwrap();
        (d, s)
    }

    #[test]
    fn a_refresh_asked_for_skips_only_host_waits_and_gone_feeds() {
        let (_d, s) = feeds_in_every_state();
        assert_eq!(
            ids(&s.fetch_states(RefreshScope::All, 200).unwrap()),
            [1, 2, 3]
        );
        assert_eq!(
            ids(&s.fetch_states(RefreshScope::All, 600).unwrap()),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn the_automatic_refresh_takes_only_feeds_that_are_due() {
        let (_d, s) = feeds_in_every_state();
        assert_eq!(ids(&s.fetch_states(RefreshScope::Due, 200).unwrap()), [1]);
        assert_eq!(
            ids(&s.fetch_states(RefreshScope::Due, 600).unwrap()),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn one_feed_is_fetched_whatever_its_state() {
        let (_d, s) = feeds_in_every_state();
        let one = s.fetch_states(RefreshScope::Feed(FeedId(5)), 200).unwrap();
        assert_eq!(ids(&one), [5]);
    }

    #[test]
    fn failures_count_up_and_a_success_clears_them_and_gone() {
        let (_d, mut s) = feeds_in_every_state();
        let feed = |s: &Store, id| {
            s.feeds()
                .unwrap()
                .into_iter()
                .find(|f| f.id == FeedId(id))
                .unwrap()
        };
        assert_eq!(feed(&s, 3).failures, 1);
        assert!(feed(&s, 5).gone);
        s.record_not_modified(FeedId(5), &FetchMeta::default(), 300)
            .unwrap();
        let f5 = feed(&s, 5);
        assert!(!f5.gone && f5.failures == 0 && f5.hold_until.is_none());
    }
}
