//! Reading the stream by keyset pages, reading one entry, and marks.

use rusqlite::{OptionalExtension, Row, params_from_iter, types::Value};

use super::{Result, Store, to_time};
use crate::model::{Entry, EntryFilter, EntryId, EntrySummary, FeedId, Mark, Page};

const SUMMARY_COLUMNS: &str = "e.id, e.feed_id, COALESCE(f.title, f.url), e.guid, e.title, \
     e.link, e.author, e.published, e.read, e.starred";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<EntrySummary> {
    Ok(EntrySummary {
        id: EntryId(row.get(0)?),
        feed_id: FeedId(row.get(1)?),
        feed_title: row.get(2)?,
        guid: row.get(3)?,
        title: row.get(4)?,
        link: row.get(5)?,
        author: row.get(6)?,
        published: to_time(row.get(7)?),
        read: row.get(8)?,
        starred: row.get(9)?,
    })
}

/// The WHERE clause (with literal `read = 0` / `starred = 1`, so the planner can pick the
/// partial indexes) and its parameters for a filtered page.
fn where_clause(filter: &EntryFilter, page: Page) -> (String, Vec<Value>) {
    let mut terms = vec!["1".to_owned()];
    let mut args = Vec::new();
    if filter.unread_only {
        terms.push("e.read = 0".into());
    }
    if filter.starred_only {
        terms.push("e.starred = 1".into());
    }
    if let Some(feed) = filter.feed {
        args.push(Value::Integer(feed.0));
        terms.push(format!("e.feed_id = ?{}", args.len()));
    }
    let cursor = match page {
        Page::Older(c) => Some(("<", c)),
        Page::Newer(c) => Some((">", c)),
        Page::First | Page::Last => None,
    };
    if let Some((op, c)) = cursor {
        args.push(Value::Integer(c.published));
        args.push(Value::Integer(c.id.0));
        terms.push(format!(
            "(e.published, e.id) {op} (?{}, ?{})",
            args.len() - 1,
            args.len()
        ));
    }
    (terms.join(" AND "), args)
}

impl Store {
    /// One page of the filtered stream, newest first, at most `limit` rows. Never reads bodies.
    pub fn entries_page(
        &self,
        filter: &EntryFilter,
        page: Page,
        limit: usize,
    ) -> Result<Vec<EntrySummary>> {
        let (clause, mut args) = where_clause(filter, page);
        let ascending = matches!(page, Page::Last | Page::Newer(_));
        let order = if ascending { "ASC" } else { "DESC" };
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM entries e JOIN feeds f ON f.id = e.feed_id \
             WHERE {clause} ORDER BY e.published {order}, e.id {order} LIMIT ?{}",
            args.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows: Vec<EntrySummary> = stmt
            .query_map(params_from_iter(args), summary_from_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }

    /// One whole entry with its body, or `None` if there is no such entry.
    pub fn entry(&self, id: EntryId) -> Result<Option<Entry>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, e.updated, COALESCE(b.html, ''), \
             COALESCE(e.link, f.site_url, f.url) \
             FROM entries e JOIN feeds f ON f.id = e.feed_id \
             LEFT JOIN entry_bodies b ON b.entry_id = e.id WHERE e.id = ?1"
        );
        self.conn
            .query_row(&sql, [id.0], |row| {
                Ok(Entry {
                    summary: summary_from_row(row)?,
                    updated: row.get::<_, Option<i64>>(10)?.map(to_time),
                    content_html: row.get(11)?,
                    base_url: row.get(12)?,
                })
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Applies `mark` to every entry in `ids`, in one transaction. Returns how many exist.
    pub fn set_mark(&mut self, ids: &[EntryId], mark: Mark) -> Result<usize> {
        let sql = match mark {
            Mark::Read => "UPDATE entries SET read = 1 WHERE id = ?1",
            Mark::Unread => "UPDATE entries SET read = 0 WHERE id = ?1",
            Mark::Star => "UPDATE entries SET starred = 1 WHERE id = ?1",
            Mark::Unstar => "UPDATE entries SET starred = 0 WHERE id = ?1",
        };
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(sql)?;
            let mut found = 0;
            for id in ids {
                found += stmt.execute([id.0])?;
            }
            Ok(found)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cursor, IncomingEntry, IncomingFeed};
    use crate::store::test_support::temp_store;

    fn entry(key: &str, published: i64) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: Some(key.into()),
            title: format!("title {key}"),
            link: None,
            author: None,
            published: chrono::DateTime::from_timestamp(published, 0),
            updated: None,
            content_html: format!("<p>{key}</p>"),
        }
    }

    /// Two feeds with entries at times 1..=n interleaved (feed a odd, feed b even).
    fn seeded(n: i64) -> (tempfile::TempDir, Store, FeedId, FeedId) {
        let (dir, mut s) = temp_store();
        let (a, _) = s.add_feed("https://a.example/", 0).unwrap();
        let (b, _) = s.add_feed("https://b.example/", 0).unwrap();
        for (feed, parity) in [(a, 1), (b, 0)] {
            let incoming = IncomingFeed {
                title: Some(format!("feed {}", feed.0)),
                site_url: None,
                ttl_minutes: None,
                entries: (1..=n)
                    .filter(|t| t % 2 == parity)
                    .map(|t| entry(&t.to_string(), t))
                    .collect(),
            };
            s.record_success(
                feed,
                &incoming,
                &crate::store::FetchMeta::default(),
                1_000_000,
            )
            .unwrap();
        }
        (dir, s, a, b)
    }

    fn times(rows: &[EntrySummary]) -> Vec<i64> {
        rows.iter().map(|r| r.published.timestamp()).collect()
    }

    #[test]
    fn pages_walk_the_stream_newest_first_without_gaps() {
        let (_d, s, _, _) = seeded(25);
        let all = EntryFilter::default();
        let mut seen = Vec::new();
        let mut page = s.entries_page(&all, Page::First, 10).unwrap();
        while !page.is_empty() {
            seen.extend(times(&page));
            let cursor = page.last().unwrap().cursor();
            page = s.entries_page(&all, Page::Older(cursor), 10).unwrap();
        }
        assert_eq!(seen, (1..=25).rev().collect::<Vec<_>>());
    }

    #[test]
    fn last_and_newer_pages_come_back_newest_first() {
        let (_d, s, _, _) = seeded(25);
        let all = EntryFilter::default();
        let last = s.entries_page(&all, Page::Last, 3).unwrap();
        assert_eq!(times(&last), vec![3, 2, 1]);
        let newer = s
            .entries_page(&all, Page::Newer(last[0].cursor()), 3)
            .unwrap();
        assert_eq!(times(&newer), vec![6, 5, 4]);
    }

    #[test]
    fn feed_unread_and_starred_filters() {
        let (_d, mut s, a, _) = seeded(10);
        let only_a = EntryFilter {
            feed: Some(a),
            ..EntryFilter::default()
        };
        let rows = s.entries_page(&only_a, Page::First, 100).unwrap();
        assert_eq!(times(&rows), vec![9, 7, 5, 3, 1]);

        s.set_mark(&[rows[0].id, rows[1].id], Mark::Read).unwrap();
        s.set_mark(&[rows[2].id], Mark::Star).unwrap();
        let unread = EntryFilter {
            unread_only: true,
            ..only_a.clone()
        };
        assert_eq!(
            times(&s.entries_page(&unread, Page::First, 100).unwrap()),
            vec![5, 3, 1]
        );
        let starred = EntryFilter {
            starred_only: true,
            ..EntryFilter::default()
        };
        assert_eq!(
            times(&s.entries_page(&starred, Page::First, 100).unwrap()),
            vec![5]
        );
        let counts = s.counts().unwrap();
        assert_eq!((counts.entries, counts.unread, counts.starred), (10, 8, 1));
    }

    #[test]
    fn marks_toggle_both_ways_and_report_missing_ids() {
        let (_d, mut s, _, _) = seeded(2);
        let row = &s
            .entries_page(&EntryFilter::default(), Page::First, 1)
            .unwrap()[0];
        assert_eq!(s.set_mark(&[row.id, EntryId(999)], Mark::Read).unwrap(), 1);
        assert!(s.entry(row.id).unwrap().unwrap().summary.read);
        s.set_mark(&[row.id], Mark::Unread).unwrap();
        assert!(!s.entry(row.id).unwrap().unwrap().summary.read);
    }

    /// Relative links in a body are relative to the article's own page, as a browser reads them.
    #[test]
    fn an_entry_resolves_relative_links_against_its_own_link() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("file:///tmp/feed.xml", 0).unwrap();
        let mut e = entry("1", 1);
        e.link = Some("https://blog.example/2026/11/post/".into());
        let doc = IncomingFeed {
            title: None,
            site_url: Some("https://blog.example/".into()),
            ttl_minutes: None,
            entries: vec![e],
        };
        s.record_success(f, &doc, &crate::store::FetchMeta::default(), 10)
            .unwrap();
        let row = &s
            .entries_page(&EntryFilter::default(), Page::First, 1)
            .unwrap()[0];
        let full = s.entry(row.id).unwrap().unwrap();
        assert_eq!(
            full.base_url.as_deref(),
            Some("https://blog.example/2026/11/post/")
        );
    }

    #[test]
    fn entry_carries_its_body_and_base_url() {
        let (_d, s, _, _) = seeded(1);
        let row = &s
            .entries_page(&EntryFilter::default(), Page::First, 1)
            .unwrap()[0];
        let e = s.entry(row.id).unwrap().unwrap();
        assert_eq!(e.content_html, "<p>1</p>");
        assert_eq!(e.base_url.as_deref(), Some("https://a.example/"));
        assert!(s.entry(EntryId(12345)).unwrap().is_none());
    }

    /// A full scan of `entries` must not creep into paging: each plan uses an index.
    #[test]
    fn page_queries_use_indexes() {
        let (_d, s, a, _) = seeded(4);
        let cursor = Cursor {
            published: 3,
            id: EntryId(3),
        };
        for filter in [
            EntryFilter::default(),
            EntryFilter {
                unread_only: true,
                ..EntryFilter::default()
            },
            EntryFilter {
                starred_only: true,
                ..EntryFilter::default()
            },
            EntryFilter {
                feed: Some(a),
                ..EntryFilter::default()
            },
        ] {
            for page in [
                Page::First,
                Page::Last,
                Page::Older(cursor),
                Page::Newer(cursor),
            ] {
                let (clause, args) = where_clause(&filter, page);
                let sql = format!(
                    "EXPLAIN QUERY PLAN SELECT {SUMMARY_COLUMNS} FROM entries e \
                     JOIN feeds f ON f.id = e.feed_id WHERE {clause} \
                     ORDER BY e.published DESC, e.id DESC LIMIT 50"
                );
                let mut stmt = s.conn.prepare(&sql).unwrap();
                let plan: Vec<String> = stmt
                    .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let text = plan.join(" | ");
                assert!(
                    !plan.iter().any(|p| p == "SCAN e") && !text.contains("TEMP B-TREE"),
                    "{filter:?} {page:?}: {text}"
                );
            }
        }
    }
}
