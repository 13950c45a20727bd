//! Reading the stream by keyset pages (filtered: `filter` builds the clause), reading one
//! entry, and marks, one by one or on everything a filter matches.

use std::collections::HashSet;
use std::ops::ControlFlow;

use rusqlite::{OptionalExtension, Row, params, params_from_iter, types::Value};

use super::filter::{self, Clause};
use super::order::{self, Phase, Way};
use super::{Result, Store, to_time};
use crate::model::{Cursor, Entry, EntryFilter, EntryId, EntrySummary, FeedId, Mark, Page};

/// A row of the stream, without its feed's name: pages read that once for each feed on them
/// (`name_feeds`), not once per row (issue #17: a feed's 30 MB title was copied into every row
/// read, 6–15 GB for a listing).
/// Nor its labels: read once for the whole page (`label_rows`), and not at all while no entry
/// has one (a subquery per row made the first paint 15 % dearer).
const SUMMARY_COLUMNS: &str = "e.id, e.feed_id, e.guid, e.title, e.link, e.author, e.published, \
     e.read, e.starred, e.first_seen, e.hidden, e.highlight, e.story";

/// How many columns [`SUMMARY_COLUMNS`] has.
const SUMMARY_COUNT: usize = 13;

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<EntrySummary> {
    Ok(EntrySummary {
        id: EntryId(row.get(0)?),
        feed_id: FeedId(row.get(1)?),
        feed_title: String::new(),
        guid: row.get(2)?,
        title: row.get(3)?,
        link: row.get(4)?,
        author: row.get(5)?,
        published: to_time(row.get(6)?),
        read: row.get(7)?,
        starred: row.get(8)?,
        first_seen: to_time(row.get(9)?),
        hidden: row.get(10)?,
        highlight: row.get(11)?,
        group: 0,
        labels: Vec::new(),
        story: row.get::<_, Option<i64>>(12)?.map(EntryId),
        also_in: Vec::new(),
    })
}

/// The name the stream shows for a feed: the user's, the feed's own, or its URL.
const FEED_NAME: &str = "SELECT COALESCE(user_title, title, url) FROM feeds WHERE id = ?1";

/// Which way `page` reads, and from where.
fn way_of(page: Page) -> (Way, Option<Cursor>) {
    match page {
        Page::First => (Way::Down, None),
        Page::Last => (Way::Up, None),
        Page::Older(c) => (Way::Down, Some(c)),
        Page::Newer(c) => (Way::Up, Some(c)),
    }
}

/// The clause for one walk of a page: the filter's, then the phase's group and cursor.
fn page_clause(
    store: &Store,
    filter: &EntryFilter,
    phase: Phase,
    way: Way,
    now: i64,
) -> rusqlite::Result<Clause> {
    let mut clause = filter::build(store, filter, now)?;
    match phase.read {
        Some(true) => clause.push("e.read = 1", []),
        Some(false) => clause.push("e.read = 0", []),
        None => {}
    }
    if let Some(c) = phase.from {
        order::past(&mut clause, filter.sort, c, way);
    }
    Ok(clause)
}

/// How a mark is written.
enum MarkSql {
    /// A column of `entries`: what it sets, and the condition under which a row differs from
    /// it (and so changes).
    Column(&'static str, &'static str),
    /// A row of `entry_labels` put in (true) or taken out.
    Label(i64, bool),
}

fn mark_sql(mark: Mark) -> MarkSql {
    match mark {
        Mark::Read => MarkSql::Column("read = 1", "read = 0"),
        Mark::Unread => MarkSql::Column("read = 0", "read = 1"),
        Mark::Star => MarkSql::Column("starred = 1", "starred = 0"),
        Mark::Unstar => MarkSql::Column("starred = 0", "starred = 1"),
        Mark::Hide => MarkSql::Column("hidden = 1", "hidden = 0"),
        Mark::Unhide => MarkSql::Column("hidden = 0", "hidden = 1"),
        Mark::Label(l) => MarkSql::Label(l.0, true),
        Mark::Unlabel(l) => MarkSql::Label(l.0, false),
    }
}

/// Puts label `label` on (or takes it off) the entries in the JSON array `list`; returns the
/// ids it changed.
fn write_label(
    tx: &rusqlite::Transaction<'_>,
    list: &str,
    label: i64,
    on: bool,
) -> rusqlite::Result<HashSet<EntryId>> {
    let sql = if on {
        "INSERT OR IGNORE INTO entry_labels (entry_id, label_id) \
         SELECT e.id, ?2 FROM entries e WHERE e.id IN (SELECT value FROM json_each(?1)) \
         RETURNING entry_id"
    } else {
        "DELETE FROM entry_labels WHERE label_id = ?2 \
         AND entry_id IN (SELECT value FROM json_each(?1)) RETURNING entry_id"
    };
    tx.prepare_cached(sql)?
        .query_map(params![list, label], |r| Ok(EntryId(r.get(0)?)))?
        .collect()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// One page of the filtered stream, newest first, at most `limit` rows. Never reads bodies.
    /// Relative times in the query (`since:7d`) are taken from the system clock.
    pub fn entries_page(
        &self,
        filter: &EntryFilter,
        page: Page,
        limit: usize,
    ) -> Result<Vec<EntrySummary>> {
        self.entries_page_at(filter, page, limit, now())
    }

    /// `entries_page` with relative times taken from `now`.
    pub(super) fn entries_page_at(
        &self,
        filter: &EntryFilter,
        page: Page,
        limit: usize,
        now: i64,
    ) -> Result<Vec<EntrySummary>> {
        let (way, from) = way_of(page);
        let mut rows: Vec<EntrySummary> = Vec::new();
        for phase in order::phases(filter.sort, from, way) {
            let left = limit.saturating_sub(rows.len());
            if left == 0 {
                break;
            }
            let clause = page_clause(self, filter, phase, way, now).map_err(|e| self.err(e))?;
            if clause.nothing {
                break;
            }
            // The limit is written into the SQL, not bound: SQLite plans with a bound limit's
            // value, so it prepared the statement again at every run.
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM {} WHERE {} ORDER BY {} LIMIT {left}",
                order::from(filter.sort, clause.by_id),
                clause.sql(),
                order::order_by(filter.sort, way),
            );
            let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
            let found = stmt
                .query_map(params_from_iter(clause.args), summary_from_row)
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(|e| self.err(e))?;
            rows.extend(found);
        }
        if way == Way::Up {
            rows.reverse();
        }
        for row in &mut rows {
            row.group = filter.sort.group_of(row);
        }
        self.name_feeds(&mut rows).map_err(|e| self.err(e))?;
        self.label_rows(&mut rows).map_err(|e| self.err(e))?;
        self.also_in(&mut rows).map_err(|e| self.err(e))?;
        Ok(rows)
    }

    /// Fills in, for each row whose story several feeds tell, the other feeds' names (one query
    /// for the page, none when no row has copies).
    fn also_in(&self, rows: &mut [EntrySummary]) -> rusqlite::Result<()> {
        if rows.iter().all(|r| r.story.is_none()) {
            return Ok(());
        }
        let stories = filter::json_ids(rows.iter().filter_map(|r| r.story).map(|s| s.0));
        let mut stmt = self.conn.prepare_cached(
            "SELECT story, id, feed_id FROM entries \
             WHERE story IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )?;
        let copies: Vec<(i64, i64, i64)> = stmt
            .query_map([stories], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        self.with_feed_names(|name_of| {
            for row in rows.iter_mut().filter(|r| r.story.is_some()) {
                for &(story, id, feed) in &copies {
                    if Some(EntryId(story)) != row.story || id == row.id.0 || feed == row.feed_id.0
                    {
                        continue;
                    }
                    let name = name_of(feed)?;
                    if !row.also_in.contains(&name) {
                        row.also_in.push(name);
                    }
                }
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Fills in each row's labels (sorted by name), in one query for them all; none when no
    /// entry has a label.
    fn label_rows(&self, rows: &mut [EntrySummary]) -> rusqlite::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let any: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM entry_labels)")?
            .query_row([], |r| r.get(0))?;
        if !any {
            return Ok(());
        }
        let ids = filter::json_ids(rows.iter().map(|r| r.id.0));
        let mut stmt = self.conn.prepare_cached(
            "SELECT el.entry_id, l.name FROM entry_labels el JOIN labels l ON l.id = el.label_id \
             WHERE el.entry_id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut found = stmt.query([ids])?;
        let at: std::collections::HashMap<EntryId, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        while let Some(row) = found.next()? {
            if let Some(&i) = at.get(&EntryId(row.get(0)?)) {
                rows[i].labels.push(row.get(1)?);
            }
        }
        for row in rows.iter_mut().filter(|r| r.labels.len() > 1) {
            row.labels.sort_by_key(|n| n.to_lowercase());
        }
        Ok(())
    }

    /// Fills in each row's feed name from the names remembered for the data as it stands,
    /// reading those not known yet (one lookup per feed, not per row: issue #17).
    fn name_feeds(&self, rows: &mut [EntrySummary]) -> rusqlite::Result<()> {
        self.with_feed_names(|name_of| {
            for row in rows {
                row.feed_title = name_of(row.feed_id.0)?;
            }
            Ok(())
        })
    }

    /// Runs `f` with a lookup of feed names by id, from the names remembered for the data as it
    /// stands (reading those not known yet).
    fn with_feed_names<T>(
        &self,
        f: impl FnOnce(&mut dyn FnMut(i64) -> rusqlite::Result<String>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let generation = self.generation()?;
        let mut cache = self.feed_names.borrow_mut();
        let (seen, names) = &mut *cache;
        if *seen != generation {
            *seen = generation;
            names.clear();
        }
        let mut stmt = self.conn.prepare_cached(FEED_NAME)?;
        let mut name_of = |id: i64| -> rusqlite::Result<String> {
            Ok(match names.entry(id) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => slot.insert(
                    stmt.query_row([id], |r| r.get(0))
                        .optional()?
                        .unwrap_or_default(),
                ),
            }
            .clone())
        };
        f(&mut name_of)
    }

    /// The whole entries `filter` matches, bodies included, newest first, at most `limit`
    /// (the published page; a large export walks them with `each_entry_matching` instead).
    pub fn entries_matching(&self, filter: &EntryFilter, limit: usize) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        if limit == 0 {
            return Ok(entries);
        }
        self.each_entry_matching(filter, |e| {
            entries.push(e);
            if entries.len() < limit {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })?;
        Ok(entries)
    }

    /// Hands every entry `filter` matches, body included, newest first, to `each`, one at a
    /// time (a page of ids is read at a time): an export of any size holds one entry. `each`
    /// ends the walk early by returning `Break`.
    pub fn each_entry_matching(
        &self,
        filter: &EntryFilter,
        mut each: impl FnMut(Entry) -> ControlFlow<()>,
    ) -> Result<()> {
        let mut page = Page::First;
        loop {
            let rows = self.entries_page(filter, page, 500)?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            page = Page::Older(last.cursor());
            for row in &rows {
                if let Some(entry) = self.entry(row.id)?
                    && each(entry).is_break()
                {
                    return Ok(());
                }
            }
        }
    }

    /// The ids of every entry `filter` matches, newest first.
    pub fn ids_matching(&self, filter: &EntryFilter) -> Result<Vec<EntryId>> {
        let clause = filter::build_with(self, filter, now(), super::memo::EVERY_MATCH)
            .map_err(|e| self.err(e))?;
        if clause.nothing {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT e.id FROM entries e WHERE {} ORDER BY e.published DESC, e.id DESC",
            clause.sql()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map(params_from_iter(clause.args), |r| Ok(EntryId(r.get(0)?)))
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))
    }

    /// Every stored entry that has a guid, with its read and starred state (one scan, for
    /// restoring marks from an export).
    pub fn entries_with_guids(&self) -> Result<Vec<(EntryId, String, bool, bool)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, guid, read, starred FROM entries WHERE guid IS NOT NULL")
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok((
                EntryId(r.get(0)?),
                r.get(1)?,
                r.get::<_, i64>(2)? != 0,
                r.get::<_, i64>(3)? != 0,
            ))
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }

    /// How many entries `filter` matches, from how many feeds (reading summaries only).
    pub fn tally_matching(&self, filter: &EntryFilter) -> Result<(usize, usize)> {
        let mut n = 0;
        let mut feeds = std::collections::BTreeSet::new();
        let mut page = Page::First;
        loop {
            let rows = self.entries_page(filter, page, 2000)?;
            let Some(last) = rows.last() else {
                return Ok((n, feeds.len()));
            };
            page = Page::Older(last.cursor());
            n += rows.len();
            feeds.extend(rows.iter().map(|r| r.feed_id));
        }
    }

    /// How many entries `filter` matches, and how many of those are unread: one counting query
    /// (the status line of a filtered view).
    pub fn count_matching(&self, filter: &EntryFilter) -> Result<(u64, u64)> {
        let clause = filter::build_with(self, filter, now(), super::memo::EVERY_MATCH)
            .map_err(|e| self.err(e))?;
        if clause.nothing {
            return Ok((0, 0));
        }
        let sql = format!(
            "SELECT count(*), COALESCE(SUM(e.read = 0), 0) FROM entries e WHERE {}",
            clause.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        stmt.query_row(params_from_iter(clause.args), |r| {
            Ok((
                u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            ))
        })
        .map_err(|e| self.err(e))
    }

    /// One whole entry with its body, or `None` if there is no such entry.
    pub fn entry(&self, id: EntryId) -> Result<Option<Entry>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, e.updated, b.html, \
             COALESCE(e.link, f.site_url, f.url), COALESCE(f.user_title, f.title, f.url), \
             f.full_article \
             FROM entries e JOIN feeds f ON f.id = e.feed_id \
             LEFT JOIN entry_bodies b ON b.entry_id = e.id WHERE e.id = ?1"
        );
        self.conn
            .query_row(&sql, [id.0], |row| {
                let mut summary = summary_from_row(row)?;
                // After the summary's columns.
                let at = SUMMARY_COUNT;
                summary.feed_title = row.get(at + 3)?;
                Ok(Entry {
                    summary,
                    updated: row.get::<_, Option<i64>>(at)?.map(to_time),
                    content_html: super::body::column(row, at + 1)?,
                    base_url: row.get(at + 2)?,
                    enclosures: Vec::new(),
                    article: None,
                    full_article: row.get(at + 4)?,
                })
            })
            .optional()
            .and_then(|entry| match entry {
                Some(mut e) => {
                    self.label_rows(std::slice::from_mut(&mut e.summary))?;
                    self.also_in(std::slice::from_mut(&mut e.summary))?;
                    e.enclosures = super::enclosures::of(&self.conn, id.0)?;
                    e.article = super::articles::of(&self.conn, id.0)?;
                    Ok(Some(e))
                }
                None => Ok(None),
            })
            .map_err(|e| self.err(e))
    }

    /// The read and starred flags of `ids` as stored now (missing ids are left out), to bring
    /// rows on screen up to date with marks made elsewhere.
    pub fn marks_of(&self, ids: &[EntryId]) -> Result<Vec<(EntryId, bool, bool)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT read, starred FROM entries WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let flags = stmt
                .query_row([id.0], |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?)))
                .optional()
                .map_err(|e| self.err(e))?;
            if let Some((read, starred)) = flags {
                out.push((*id, read, starred));
            }
        }
        Ok(out)
    }

    /// Applies `mark` to every entry in `ids`, in one transaction. Returns the ids whose state
    /// changed (in the order given; missing ids and entries already so marked are left out),
    /// which is what undoing the mark must put back.
    pub fn set_mark(&mut self, ids: &[EntryId], mark: Mark) -> Result<Vec<EntryId>> {
        let list = filter::json_ids(ids.iter().map(|id| id.0));
        let mut changed: HashSet<EntryId> = match mark_sql(mark) {
            MarkSql::Column(set, differs) => {
                // One statement for the lot: undoing a mark on 200 000 entries stays one step.
                let sql = format!(
                    "UPDATE entries SET {set} WHERE id IN (SELECT value FROM json_each(?1)) \
                     AND {differs} RETURNING id"
                );
                self.write_marks(|tx| {
                    tx.prepare_cached(&sql)?
                        .query_map([list], |r| Ok(EntryId(r.get(0)?)))?
                        .collect()
                })?
            }
            MarkSql::Label(label, on) => {
                self.write_marks(|tx| write_label(tx, &list, label, on))?
            }
        };
        Ok(ids
            .iter()
            .filter(|id| changed.remove(id))
            .copied()
            .collect())
    }

    /// Applies `mark` to every entry `filter` matches, in one transaction and one statement;
    /// with `above`, only to those at or above that position in the stream (newer, or as new
    /// with an id at least as high). Returns the ids whose state changed, in stream order.
    pub fn mark_matching(
        &mut self,
        filter: &EntryFilter,
        mark: Mark,
        above: Option<Cursor>,
    ) -> Result<Vec<EntryId>> {
        let mut clause = filter::build_with(self, filter, now(), super::memo::EVERY_MATCH)
            .map_err(|e| self.err(e))?;
        if clause.nothing {
            return Ok(Vec::new());
        }
        if let Some(c) = above {
            order::at_or_above(&mut clause, filter.sort, c);
        }
        let sql = match mark_sql(mark) {
            MarkSql::Column(set, differs) => {
                clause.push(&format!("e.{differs}"), []);
                format!(
                    "UPDATE entries AS e SET {set} WHERE {} RETURNING id, published",
                    clause.sql()
                )
            }
            MarkSql::Label(label, on) => {
                let not = if on { "NOT " } else { "" };
                clause.push(
                    &format!(
                        "{not}EXISTS (SELECT 1 FROM entry_labels WHERE entry_id = e.id \
                         AND label_id = {{}})"
                    ),
                    [Value::Integer(label)],
                );
                let sql = format!(
                    "SELECT e.published, e.id FROM entries e WHERE {} \
                     ORDER BY e.published DESC, e.id DESC",
                    clause.sql()
                );
                return self.write_marks(|tx| {
                    let ids: Vec<EntryId> = tx
                        .prepare(&sql)?
                        .query_map(params_from_iter(clause.args), |r| Ok(EntryId(r.get(1)?)))?
                        .collect::<rusqlite::Result<_>>()?;
                    write_label(tx, &filter::json_ids(ids.iter().map(|i| i.0)), label, on)?;
                    Ok(ids)
                });
            }
        };
        self.write_marks(|tx| {
            let mut stmt = tx.prepare(&sql)?;
            let mut changed: Vec<(i64, i64)> = stmt
                .query_map(params_from_iter(clause.args), |r| {
                    Ok((r.get(1)?, r.get(0)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            changed.sort_unstable_by(|a, b| b.cmp(a));
            Ok(changed.into_iter().map(|(_, id)| EntryId(id)).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cursor, IncomingEntry, IncomingFeed, Sort};
    use crate::store::memo::plans;
    use crate::store::test_support::temp_store;

    /// Found reading the change again: `entries_matching` walks entries one at a time since
    /// exports stream, and handed one entry to `publish --limit 0`.
    #[test]
    fn entries_matching_takes_no_more_than_its_limit_and_none_for_zero() {
        let (_d, mut s) = temp_store();
        let spec = crate::store::SynthSpec {
            feeds: 2,
            entries_per_feed: 3,
            seed: 1,
            now: 1_800_000_000,
            duplicates_percent: 0,
        };
        crate::store::synth(&mut s, &spec, |_| {}).unwrap();
        let all = EntryFilter::default();
        assert!(s.entries_matching(&all, 0).unwrap().is_empty());
        assert_eq!(s.entries_matching(&all, 4).unwrap().len(), 4);
        assert_eq!(s.entries_matching(&all, usize::MAX).unwrap().len(), 6);
        let mut seen = 0;
        s.each_entry_matching(&all, |_| {
            seen += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(seen, 6);
    }

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
            enclosures: Vec::new(),
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

    /// Feed names are read once per feed and remembered (issue #17), and a rename here or on
    /// another connection shows on the next page.
    #[test]
    fn remembered_feed_names_follow_renames_from_any_connection() {
        let (dir, mut s, a, _) = seeded(6);
        let names = |s: &Store| -> Vec<String> {
            let rows = s
                .entries_page(&EntryFilter::default(), Page::First, 10)
                .unwrap();
            let mut names: Vec<String> = rows.into_iter().map(|r| r.feed_title).collect();
            names.sort();
            names.dedup();
            names
        };
        assert_eq!(names(&s), [format!("feed {}", a.0), "feed 2".to_owned()]);
        s.rename_feed(a, Some("Mine")).unwrap();
        assert_eq!(names(&s), ["Mine", "feed 2"]);
        let mut other = Store::open(&dir.path().join("t.db")).unwrap();
        other.rename_feed(a, Some("Theirs")).unwrap();
        assert_eq!(names(&s), ["Theirs", "feed 2"]);
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
    fn marks_made_by_another_connection_are_seen_and_move_data_version() {
        let (dir, s, _, _) = seeded(3);
        let rows = s
            .entries_page(&EntryFilter::default(), Page::First, 3)
            .unwrap();
        let before = s.data_version().unwrap();
        let mut other = Store::open(&dir.path().join("t.db")).unwrap();
        other.set_mark(&[rows[1].id], Mark::Star).unwrap();
        assert_ne!(s.data_version().unwrap(), before);
        let ids: Vec<EntryId> = rows.iter().map(|r| r.id).chain([EntryId(999)]).collect();
        let marks = s.marks_of(&ids).unwrap();
        assert_eq!(marks.len(), 3, "the missing id is left out");
        assert_eq!(marks[1], (rows[1].id, false, true));
    }

    #[test]
    fn marks_toggle_both_ways_and_return_only_what_changed() {
        let (_d, mut s, _, _) = seeded(3);
        let rows = s
            .entries_page(&EntryFilter::default(), Page::First, 3)
            .unwrap();
        let (x, y, z) = (rows[0].id, rows[1].id, rows[2].id);
        assert_eq!(s.set_mark(&[x], Mark::Read).unwrap(), [x]);
        // Already read, missing, repeated: none of them changed.
        assert_eq!(
            s.set_mark(&[x, EntryId(999), z, y, z], Mark::Read).unwrap(),
            [z, y]
        );
        assert!(s.entry(x).unwrap().unwrap().summary.read);
        assert_eq!(s.set_mark(&[y], Mark::Unread).unwrap(), [y]);
        assert!(!s.entry(y).unwrap().unwrap().summary.read);
        assert_eq!(s.set_mark(&[x, y], Mark::Star).unwrap(), [x, y]);
        assert_eq!(s.set_mark(&[x, y, z], Mark::Unstar).unwrap(), [x, y]);
        assert_eq!(s.set_mark(&[], Mark::Read).unwrap(), []);
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

    /// The query plan of a page, its steps joined by ` | `.
    /// The plan of each walk of a page (one, but for unread first).
    fn explain_page(s: &Store, filter: &EntryFilter, page: Page) -> String {
        let (way, from) = way_of(page);
        order::phases(filter.sort, from, way)
            .into_iter()
            .map(|phase| {
                let clause = page_clause(s, filter, phase, way, 1_800_000_000).unwrap();
                let from = order::from(filter.sort, clause.by_id);
                explain_ordered(s, clause, from, order::order_by(filter.sort, way))
            })
            .collect::<Vec<_>>()
            .join(" || ")
    }

    /// The query plan of a page of entries under `clause`, newest first.
    fn explain(s: &Store, clause: super::filter::Clause) -> String {
        explain_ordered(s, clause, "entries e", "e.published DESC, e.id DESC")
    }

    /// The query plan of a page of entries under `clause`, in `order`.
    fn explain_ordered(
        s: &Store,
        clause: super::filter::Clause,
        from: &str,
        order: &str,
    ) -> String {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {from} WHERE {} ORDER BY {order} LIMIT 50",
            clause.sql()
        );
        crate::store::test_support::plan(s, &sql, params_from_iter(clause.args))
    }

    /// A full scan of `entries` must not creep into paging, and no page is sorted: each plan
    /// walks a stream index in order, whatever the filter and its query.
    #[test]
    fn page_queries_use_indexes() {
        let (_d, mut s, a, b) = seeded(4);
        s.set_feed_tags(a, &["t".into()]).unwrap();
        s.set_feed_tags(b, &["t".into()]).unwrap();
        let cursor = Cursor {
            group: 0,
            published: 3,
            id: EntryId(3),
        };
        let mut filters = vec![
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
        ];
        for text in [
            "unread",
            "-unread",
            "starred",
            "-starred",
            "feed:a.example",
            "-feed:a.example",
            "feed:example",
            "tag:t",
            "-tag:t",
            "tag:none",
            "author:ann",
            "-author:ann",
            "since:7d",
            "-since:7d",
            "before:2024-05-01",
            "-before:2024-05-01",
            "word",
            "-word",
            "pre*",
            "\"a phrase\"",
            "-\"a phrase\"",
            "unread feed:example since:2w -author:x rust -java tag:t",
            "label:later",
            "-label:later",
            "hidden",
            "-hidden",
            "title:/^a/",
            "-link:/b/",
            "(label:later or tag:t) unread",
        ] {
            let query = crate::model::query::parse(text).unwrap();
            filters.push(EntryFilter {
                query: query.clone(),
                ..EntryFilter::default()
            });
            filters.push(EntryFilter {
                unread_only: true,
                query,
                ..EntryFilter::default()
            });
        }
        // Every order too.
        let sorted: Vec<EntryFilter> = filters
            .iter()
            .flat_map(|f| {
                [Sort::Oldest, Sort::Feed, Sort::Unread]
                    .map(|sort| EntryFilter { sort, ..f.clone() })
            })
            .collect();
        filters.extend(sorted);
        for filter in filters {
            for page in [
                Page::First,
                Page::Last,
                Page::Older(cursor),
                Page::Newer(cursor),
                Page::Older(Cursor { group: 1, ..cursor }),
                Page::Newer(Cursor { group: 1, ..cursor }),
            ] {
                let text = explain_page(&s, &filter, page);
                // A sort only over the few ids a search matched, fetched by id.
                let few = text.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)")
                    && (text.contains("SCAN json_each") || text.contains("labels"));
                assert!(
                    !text
                        .split(" | ")
                        .any(|p| p == "SCAN e" || p.ends_with("|| SCAN e"))
                        && (few || !text.contains("TEMP B-TREE")),
                    "{filter:?} {page:?}: {text}"
                );
                // By feed walks the feed index, whatever else the filter would suit.
                assert!(
                    filter.sort != Sort::Feed || few || text.contains("entries_feed_stream"),
                    "{filter:?} {page:?}: {text}"
                );
            }
        }
    }

    /// A search matching many entries walks the stream index in order and checks each entry
    /// against the search index: no sort, no scan of the whole search result.
    #[test]
    fn a_search_with_many_matches_walks_the_stream_in_order() {
        let (_d, s, _, _) = seeded(4);
        for (text, unread_only) in [("title", false), ("\"title 3\" unread", true)] {
            let filter = EntryFilter {
                unread_only,
                query: crate::model::query::parse(text).unwrap(),
                ..EntryFilter::default()
            };
            let clause =
                super::filter::build_with(&s, &filter, 1_800_000_000, plans::EACH).unwrap();
            assert!(clause.sql().contains("EXISTS"), "{}", clause.sql());
            let plan = explain(&s, clause);
            assert!(
                plan.contains("INDEX entries_")
                    && !plan.contains("TEMP B-TREE")
                    && plan.contains("VIRTUAL TABLE INDEX 0:=M"),
                "{plan}"
            );
        }
    }

    /// A search with more matches than can be listed by id, but too few for checking entry by
    /// entry, walks the stream in order and looks each entry up in the set of its matches.
    #[test]
    fn a_search_with_a_set_of_matches_walks_the_stream_in_order() {
        let (_d, s, _, _) = seeded(4);
        for (text, unread_only, index) in [
            ("title", false, "INDEX entries_stream"),
            ("\"title 3\" -nothing", true, "INDEX entries_unread_stream"),
        ] {
            let filter = EntryFilter {
                unread_only,
                query: crate::model::query::parse(text).unwrap(),
                ..EntryFilter::default()
            };
            let clause = super::filter::build_with(&s, &filter, 1_800_000_000, plans::SET).unwrap();
            assert!(clause.sql().contains("tidings_in"), "{}", clause.sql());
            let plan = explain(&s, clause);
            assert!(
                plan.contains(index)
                    && !plan.contains("TEMP B-TREE")
                    && !plan.contains("entries_fts"),
                "{plan}"
            );
        }
    }

    /// Issue #20: a group of alternatives is checked entry by entry on the walk of the stream
    /// index the rest of the filter picks: no sort, whatever the alternatives are.
    #[test]
    fn an_or_group_walks_the_stream_in_order() {
        let (_d, s, _, _) = seeded(4);
        for (text, unread_only, index) in [
            ("(title or feed:a) -starred", false, "INDEX entries_stream"),
            (
                "(feed:a or \"title 3\") -(x or y)",
                true,
                "INDEX entries_unread_stream",
            ),
        ] {
            let filter = EntryFilter {
                unread_only,
                query: crate::model::query::parse(text).unwrap(),
                ..EntryFilter::default()
            };
            let clause = super::filter::build(&s, &filter, 1_800_000_000).unwrap();
            assert!(clause.sql().contains(" OR "), "{}", clause.sql());
            let plan = explain(&s, clause);
            assert!(
                plan.contains(index) && !plan.contains("TEMP B-TREE"),
                "{text}: {plan}"
            );
        }
    }

    /// Negating a word most entries have walks the stream in order and skips those entries
    /// through one read of the matches: no temporary index of every match, no sort.
    #[test]
    fn negating_a_common_word_walks_the_stream_in_order() {
        let (_d, s, _, _) = seeded(4);
        let filter = EntryFilter {
            unread_only: true,
            query: crate::model::query::parse("-title").unwrap(),
            ..EntryFilter::default()
        };
        let clause = super::filter::build_with(&s, &filter, 1_800_000_000, plans::SET).unwrap();
        assert!(clause.sql().contains("NOT tidings_in"), "{}", clause.sql());
        let plan = explain(&s, clause);
        assert!(
            plan.contains("INDEX entries_unread_stream")
                && !plan.contains("TEMP B-TREE")
                && !plan.contains("entries_fts"),
            "{plan}"
        );
    }

    /// The index each kind of filter walks: the partial indexes for `unread` and `starred`
    /// (small when most entries are read), the per-feed one for one feed, the stream index
    /// (which carries the feed) otherwise, a range of it for dates.
    #[test]
    fn filters_walk_the_index_that_suits_them() {
        let (_d, s, _, _) = seeded(4);
        for (text, index) in [
            ("", "SCAN e USING INDEX entries_stream"),
            ("unread", "SCAN e USING INDEX entries_unread_stream"),
            (
                "unread tag:x feed:example",
                "SCAN e USING INDEX entries_unread_stream",
            ),
            (
                "unread -starred word",
                "SCAN e USING INDEX entries_unread_stream",
            ),
            ("starred", "SCAN e USING INDEX entries_starred_stream"),
            (
                "starred unread",
                "SCAN e USING INDEX entries_starred_stream",
            ),
            (
                "feed:a.example",
                "SEARCH e USING INDEX entries_feed_stream (feed_id=?)",
            ),
            ("feed:example", "SCAN e USING INDEX entries_stream"),
            ("-unread author:x", "SCAN e USING INDEX entries_stream"),
            (
                "since:7d",
                "SEARCH e USING INDEX entries_stream (published>?)",
            ),
            (
                "unread before:1d",
                "SEARCH e USING INDEX entries_unread_stream (published<?)",
            ),
        ] {
            let filter = EntryFilter {
                query: crate::model::query::parse(text).unwrap(),
                ..EntryFilter::default()
            };
            let plan = explain_page(&s, &filter, Page::First);
            assert!(
                plan.split(" | ").any(|step| step == index),
                "{text:?}: {plan}"
            );
        }
    }
}
