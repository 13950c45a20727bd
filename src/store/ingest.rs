//! Writing one fetched feed: its entries upserted and its state updated, in one transaction.
//! An upsert keeps read and starred state; an unchanged entry costs one indexed lookup. New and
//! changed entries are (re)indexed for search in the same transaction. Their packed bodies and
//! search text may come made ahead (`prepare`), so the writer only writes.

use std::borrow::Cow;

use rusqlite::{OptionalExtension, Transaction, params};

use super::prepare::Prepared;
use super::{Result, Store, search};
use crate::model::rules::{Fate, Noticed, Rule, Ruled};
use crate::model::{FeedId, IncomingEntry, IncomingFeed, bounds};

/// 0001-01-01T00:00:00Z: the earliest date kept.
const FIRST_YEAR: i64 = -62_135_596_800;

/// What an upsert did to one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upserted {
    /// Already stored as it is (or a newer revision is): nothing written.
    Unchanged,
    /// Not stored yet: nothing written (the rules decide, then [`insert_entry`] writes it).
    Absent,
    /// Its stored copy, under this id, was replaced.
    Changed(i64),
}

/// An entry's fields as stored: bounded, and links to the web only.
pub(super) struct Row<'e> {
    pub(super) key: Cow<'e, str>,
    pub(super) guid: Option<Cow<'e, str>>,
    pub(super) title: Cow<'e, str>,
    pub(super) link: Option<String>,
    pub(super) author: Option<Cow<'e, str>>,
    /// Its date, never in the future, never before year 1 (`None`: the feed gave none).
    pub(super) published: Option<i64>,
    /// Its date when that is not in the future: what a revision may move the date to.
    redated: Option<i64>,
    updated: Option<i64>,
}

impl<'e> Row<'e> {
    fn of(e: &'e IncomingEntry, now: i64) -> Self {
        // A date from the future would pin the entry to the top of the stream for ever: it is
        // taken as "now" when the entry is first stored, and a later revision never moves the
        // date again (or an entry dated 9999 that changes a byte per fetch comes back to the
        // top at every refresh). Dates before year 1 become year 1, so every date has a
        // four-digit year.
        let dated = e
            .published
            .or(e.updated)
            .map(|t| t.timestamp().max(FIRST_YEAR));
        Self {
            key: bounds::key(&e.key),
            guid: e.guid.as_deref().map(bounds::line),
            title: bounds::line(&e.title),
            link: e.link.as_deref().and_then(bounds::web_link),
            author: e.author.as_deref().map(bounds::line),
            published: dated.map(|t| t.min(now)),
            redated: dated.filter(|&t| t <= now),
            updated: e.updated.map(|t| t.timestamp().clamp(FIRST_YEAR, now)),
        }
    }
}

/// Updates one entry's row if it is stored and has changed (content `hash`). Its body and
/// search text are written by the caller (see `write_feed`).
fn upsert_entry(
    tx: &Transaction<'_>,
    feed: FeedId,
    row: &Row<'_>,
    hash: i64,
) -> rusqlite::Result<Upserted> {
    let existing: Option<(i64, i64, Option<i64>)> = tx
        .prepare_cached(
            "SELECT id, content_hash, updated FROM entries WHERE feed_id = ?1 AND key = ?2",
        )?
        .query_row(params![feed.0, row.key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match existing {
        Some((_, old_hash, _)) if old_hash == hash => Ok(Upserted::Unchanged),
        // Several revisions of one entry (a shared id): the newest wins, whatever their order.
        Some((_, _, Some(stored))) if row.updated.is_some_and(|new| new < stored) => {
            Ok(Upserted::Unchanged)
        }
        Some((id, _, _)) => {
            tx.prepare_cached(
                "UPDATE entries SET guid = ?2, title = ?3, link = ?4, author = ?5, \
                 published = COALESCE(?6, published), updated = ?7, content_hash = ?8 \
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                row.guid,
                row.title,
                row.link,
                row.author,
                row.redated,
                row.updated,
                hash
            ])?;
            Ok(Upserted::Changed(id))
        }
        None => Ok(Upserted::Absent),
    }
}

/// Stores a new entry's row with the marks the rules gave it; returns its id.
fn insert_entry(
    tx: &Transaction<'_>,
    feed: FeedId,
    row: &Row<'_>,
    hash: i64,
    now: i64,
    fate: &Fate,
    story: Option<i64>,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO entries (feed_id, key, guid, title, link, author, published, \
         updated, first_seen, content_hash, read, starred, hidden, highlight, story) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        feed.0,
        row.key,
        row.guid,
        row.title,
        row.link,
        row.author,
        row.published.unwrap_or(now),
        row.updated,
        now,
        hash,
        fate.read,
        fate.starred,
        fate.hidden,
        fate.highlight.as_deref().map(bounds::line),
        story,
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Refreshes in a row that must see the same permanent redirect before the stored URL moves
/// (one odd answer from a misconfigured server must not lose a subscription).
pub const REDIRECT_CONFIRMATIONS: i64 = 3;

/// What a successful fetch said besides the body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchMeta<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    /// The content stays fresh until this time (`<ttl>`, `Cache-Control: max-age`).
    pub fresh_until: Option<i64>,
    /// Every hop of the redirect chain was permanent, ending at this URL.
    pub permanent_redirect: Option<&'a str>,
}

/// Counts a sighting of a permanent redirect and moves the feed's URL once it has been seen
/// `REDIRECT_CONFIRMATIONS` times in a row, keeping the old URL known.
fn track_redirect(
    tx: &Transaction<'_>,
    feed: FeedId,
    target: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    let Some(target) = target else {
        tx.execute(
            "UPDATE feeds SET redirect_to = NULL, redirect_seen = 0 WHERE id = ?1",
            [feed.0],
        )?;
        return Ok(());
    };
    let seen: i64 = tx.query_row(
        "UPDATE feeds SET redirect_seen = CASE WHEN redirect_to = ?2 THEN redirect_seen + 1 \
         ELSE 1 END, redirect_to = ?2 WHERE id = ?1 RETURNING redirect_seen",
        params![feed.0, target],
        |r| r.get(0),
    )?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM feeds WHERE url = ?1)",
        [target],
        |r| r.get(0),
    )?;
    if seen >= REDIRECT_CONFIRMATIONS && !taken {
        tx.execute(
            "INSERT OR REPLACE INTO feed_old_urls (url, feed_id, replaced_at) \
             SELECT url, id, ?2 FROM feeds WHERE id = ?1",
            params![feed.0, now],
        )?;
        tx.execute(
            "UPDATE feeds SET url = ?2, redirect_to = NULL, redirect_seen = 0 WHERE id = ?1",
            params![feed.0, target],
        )?;
        tx.execute("DELETE FROM feed_old_urls WHERE url = ?1", [target])?;
    }
    Ok(())
}

/// One fetched and parsed feed to write: what [`Store::record_batch`] takes.
#[derive(Debug)]
pub struct FeedWrite<'a> {
    pub feed: FeedId,
    pub incoming: &'a IncomingFeed,
    /// What [`Store::prepare`] made ready (`Prepared::default()`: nothing).
    pub prepared: Prepared,
    pub meta: FetchMeta<'a>,
}

/// What writing one feed did: entries new to the store, and what its rules did.
#[derive(Debug, Default)]
pub(super) struct Written {
    new: usize,
    /// New entries that can be seen (not hidden by a rule): the feed's total grows by these.
    seen: i64,
    /// New entries that can be seen, and are unread or starred: the feed's counts grow by
    /// these.
    unread: i64,
    starred: i64,
    /// Of the new entries that can be seen, those folded into another feed's story, and of
    /// those the unread and starred ones.
    copy_seen: i64,
    copy_unread: i64,
    copy_starred: i64,
    ruled: Ruled,
}

impl Written {
    /// Counts a new entry stored with `fate`, a `copy` of another feed's story or not.
    fn count(&mut self, fate: &Fate, copy: bool) {
        self.new += 1;
        if !fate.hidden {
            self.seen += 1;
            self.copy_seen += i64::from(copy);
            self.unread += i64::from(!fate.read);
            self.starred += i64::from(fate.starred);
            if copy {
                self.copy_unread += i64::from(!fate.read);
                self.copy_starred += i64::from(fate.starred);
            }
        }
    }
}

/// What tells a new entry's story: its keys, and the site its document names (whose host says
/// whether the entry is its publisher's own copy).
#[derive(Clone, Copy)]
struct Evidence<'a> {
    keys: &'a [i64],
    site: Option<&'a str>,
}

/// Stores a new entry, folded into the story another feed's entry already tells if its `keys`
/// find one (it then takes the story's marks); returns its id and whether it is such a copy.
fn insert_folded(
    tx: &Transaction<'_>,
    feed: FeedId,
    row: &Row<'_>,
    hash: i64,
    now: i64,
    fate: &mut Fate,
    evidence: &Evidence<'_>,
) -> rusqlite::Result<(i64, bool)> {
    let Evidence { keys, site } = *evidence;
    let lead = super::stories::find(tx, feed, keys)?;
    if let Some(lead) = lead {
        fate.read |= lead.read;
        fate.starred |= lead.starred;
    }
    let id = insert_entry(tx, feed, row, hash, now, fate, lead.map(|l| l.id))?;
    let original = match lead {
        Some(l) if !l.original => super::stories::original(tx, feed, row.link.as_deref(), site)?,
        _ => false,
    };
    super::stories::keep(tx, id, keys, lead, original)?;
    Ok((id, lead.is_some()))
}

/// The feed's row after a write: its title, site, validators, freshness and kept counts (for
/// the entries just added).
fn feed_written(
    tx: &Transaction<'_>,
    feed: FeedId,
    incoming: &IncomingFeed,
    meta: &FetchMeta<'_>,
    now: i64,
    written: &Written,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE feeds SET title = COALESCE(?2, title), site_url = COALESCE(?3, site_url), \
         etag = ?4, last_modified = ?5, last_fetch_at = ?6, last_ok_at = ?6, \
         last_error = NULL, failures = 0, gone_at = NULL, hold_until = ?7, \
         hold_reason = CASE WHEN ?7 IS NULL THEN NULL ELSE 'ttl' END, \
         entry_count = entry_count + ?8, unread_count = unread_count + ?9, \
         starred_count = starred_count + ?10, copy_count = copy_count + ?11, \
         copy_unread = copy_unread + ?12, copy_starred = copy_starred + ?13 WHERE id = ?1",
    )?
    .execute(params![
        feed.0,
        incoming.title.as_deref().map(bounds::line),
        incoming.site_url.as_deref().and_then(bounds::web_link),
        meta.etag.map(bounds::line),
        meta.last_modified.map(bounds::line),
        now,
        meta.fresh_until,
        written.seen,
        written.unread,
        written.starred,
        written.copy_seen,
        written.copy_unread,
        written.copy_starred,
    ])?;
    Ok(())
}

/// Writes one feed's row and entries; returns what it did and, to be indexed once every row
/// of the transaction is written, the new and changed entries with their text.
fn write_feed<'a>(
    tx: &Transaction<'_>,
    w: FeedWrite<'a>,
    rules: &[Rule],
    now: i64,
    to_index: &mut Vec<(i64, &'a IncomingEntry, String, bool)>,
) -> rusqlite::Result<Written> {
    let FeedWrite {
        feed,
        incoming,
        mut prepared,
        meta,
    } = w;
    track_redirect(tx, feed, meta.permanent_redirect, now)?;
    let mut written = Written::default();
    // Read once, when the first new entry needs it.
    let mut context: Option<super::rules::FeedContext> = None;
    for (i, e) in incoming.entries.iter().enumerate() {
        let row = Row::of(e, now);
        let hash = prepared.hash(i, e);
        let mut queue_download = false;
        let (id, replace, packed) = match upsert_entry(tx, feed, &row, hash)? {
            Upserted::Unchanged => continue,
            Upserted::Changed(id) => (id, true, prepared.take(i, incoming)),
            Upserted::Absent => {
                let packed = prepared.take(i, incoming);
                let mut fate = if rules.is_empty() {
                    Fate::default()
                } else {
                    // Read once, then lent to each judgement (never copied per entry).
                    let ctx = match context.take() {
                        Some(ctx) => ctx,
                        None => super::rules::FeedContext::read(tx, feed, incoming)?,
                    };
                    let fate = super::rules::judge_entry(
                        rules,
                        &ctx,
                        &row,
                        &packed.text,
                        &e.enclosures,
                        now,
                    );
                    context = Some(ctx);
                    fate
                };
                if fate.skip {
                    written.ruled.skipped += 1;
                    continue;
                }
                let evidence = Evidence {
                    keys: &packed.keys,
                    site: incoming.site_url.as_deref(),
                };
                let (id, copy) = insert_folded(tx, feed, &row, hash, now, &mut fate, &evidence)?;
                queue_download = fate.download;
                written.count(&fate, copy);
                super::rules::label_entry(tx, id, &fate.labels)?;
                if let Some(rule) = fate.notify {
                    let ctx = context.as_ref();
                    written.ruled.noticed.push(Noticed {
                        id: crate::model::EntryId(id),
                        feed: ctx
                            .map(super::rules::FeedContext::shown_name)
                            .unwrap_or_default(),
                        title: row.title.clone().into_owned(),
                        link: row.link.clone(),
                        rule,
                    });
                }
                (id, false, packed)
            }
        };
        let sql = if replace {
            "INSERT OR REPLACE INTO entry_bodies (entry_id, html) VALUES (?1, ?2)"
        } else {
            "INSERT INTO entry_bodies (entry_id, html) VALUES (?1, ?2)"
        };
        tx.prepare_cached(sql)?.execute(params![id, packed.body])?;
        super::enclosures::write(tx, id, &e.enclosures, replace)?;
        if queue_download {
            let wanted = super::downloads::wanted(&e.enclosures);
            let title = incoming.title.as_deref();
            written.ruled.downloads += super::downloads::queue_in(tx, id, &wanted, title, now)?;
        }
        to_index.push((id, e, packed.text, replace));
    }
    feed_written(tx, feed, incoming, &meta, now, &written)?;
    Ok(written)
}

impl Store {
    /// Writes a successfully fetched and parsed feed in one transaction: its title, validators,
    /// freshness, redirect sightings and entries. Returns how many entries were new.
    pub fn record_success(
        &mut self,
        feed: FeedId,
        incoming: &IncomingFeed,
        meta: &FetchMeta<'_>,
        now: i64,
    ) -> Result<usize> {
        self.record_prepared(feed, incoming, Prepared::default(), meta, now)
    }

    /// [`Store::record_success`] with what [`Store::prepare`] made ready for `incoming`.
    pub fn record_prepared(
        &mut self,
        feed: FeedId,
        incoming: &IncomingFeed,
        prepared: Prepared,
        meta: &FetchMeta<'_>,
        now: i64,
    ) -> Result<usize> {
        let write = FeedWrite {
            feed,
            incoming,
            prepared,
            meta: *meta,
        };
        Ok(self
            .record_batch(vec![write], now)?
            .first()
            .copied()
            .unwrap_or(0))
    }

    /// Writes several feeds in one transaction, each as [`Store::record_success`] would: all
    /// of them are written, or none. Returns how many entries were new in each, in order.
    pub fn record_batch(&mut self, writes: Vec<FeedWrite<'_>>, now: i64) -> Result<Vec<usize>> {
        let rules = std::sync::Arc::clone(&self.rules);
        self.write(|tx| write_batch(tx, writes, &rules, now))
            .map(|written| self.tally(written))
    }

    /// Keeps what the rules did in each feed written; returns how many entries were new in each.
    pub(super) fn tally(&mut self, written: Vec<Written>) -> Vec<usize> {
        written
            .into_iter()
            .map(|w| {
                self.ruled.add(w.ruled);
                w.new
            })
            .collect()
    }
}

/// Writes several feeds inside `tx`, each as [`Store::record_success`] would.
pub(super) fn write_batch(
    tx: &Transaction<'_>,
    writes: Vec<FeedWrite<'_>>,
    rules: &[Rule],
    now: i64,
) -> rusqlite::Result<Vec<Written>> {
    // The search index last, in one run: FTS5 keeps what it is given in memory until the
    // commit, but flushes it to a segment of its own whenever another statement opens a
    // statement savepoint, as every insert into `entries` does (it has triggers). Indexed
    // between the rows, each entry became a tiny segment that then had to be merged: two
    // thirds of a cold refresh's CPU (issue #16).
    let mut to_index = Vec::new();
    let written = writes
        .into_iter()
        .map(|w| write_feed(tx, w, rules, now, &mut to_index))
        .collect::<rusqlite::Result<Vec<Written>>>()?;
    for (id, e, text, replace) in to_index {
        let author = e.author.as_deref().map(bounds::line);
        // A changed body keeps the article fetched for it searchable.
        let text = if replace {
            super::articles::with_article(tx, id, text)?
        } else {
            text
        };
        search::index_entry(
            tx,
            id,
            &bounds::line(&e.title),
            author.as_deref(),
            &text,
            replace,
        )?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryFilter, Mark, Page};
    use crate::store::Prepared;
    use crate::store::test_support::temp_store;

    fn incoming(entries: Vec<IncomingEntry>) -> IncomingFeed {
        IncomingFeed {
            title: Some("A feed".into()),
            site_url: Some("https://a.example/".into()),
            ttl_minutes: None,
            entries,
        }
    }

    fn entry(key: &str, published: Option<i64>, body: &str) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: Some(key.into()),
            title: format!("title {key}"),
            link: Some(format!("https://a.example/{key}")),
            author: Some("Ann".into()),
            published: published.and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
            updated: None,
            content_html: body.into(),
            enclosures: Vec::new(),
        }
    }

    fn stream(s: &Store) -> Vec<crate::model::EntrySummary> {
        s.entries_page(&EntryFilter::default(), Page::First, 100)
            .unwrap()
    }

    #[test]
    fn refreshing_an_unchanged_feed_adds_nothing_and_keeps_marks() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = incoming(vec![
            entry("1", Some(10), "<p>a</p>"),
            entry("2", Some(20), "<p>b</p>"),
        ]);
        assert_eq!(
            s.record_success(f, &doc, &FetchMeta::default(), 100)
                .unwrap(),
            2
        );
        let first = stream(&s)[0].id;
        s.set_mark(&[first], Mark::Read).unwrap();
        s.set_mark(&[first], Mark::Star).unwrap();
        assert_eq!(
            s.record_success(f, &doc, &FetchMeta::default(), 200)
                .unwrap(),
            0
        );
        let rows = stream(&s);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].read && rows[0].starred);
        assert_eq!(s.feeds().unwrap()[0].title, "A feed");
    }

    #[test]
    fn changed_content_updates_the_entry_but_keeps_it_read() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        s.record_success(
            f,
            &incoming(vec![entry("1", Some(10), "<p>old</p>")]),
            &FetchMeta::default(),
            100,
        )
        .unwrap();
        let id = stream(&s)[0].id;
        s.set_mark(&[id], Mark::Read).unwrap();
        s.record_success(
            f,
            &incoming(vec![entry("1", Some(10), "<p>new</p>")]),
            &FetchMeta::default(),
            200,
        )
        .unwrap();
        let e = s.entry(id).unwrap().unwrap();
        assert_eq!(e.content_html, "<p>new</p>");
        assert!(e.summary.read);
    }

    #[test]
    fn missing_date_falls_back_to_first_seen_and_stays_put() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = incoming(vec![entry("1", None, "x")]);
        s.record_success(f, &doc, &FetchMeta::default(), 500)
            .unwrap();
        s.record_success(
            f,
            &incoming(vec![entry("1", None, "y")]),
            &FetchMeta::default(),
            900,
        )
        .unwrap();
        assert_eq!(stream(&s)[0].published.timestamp(), 500);
    }

    #[test]
    fn an_entry_without_published_is_dated_by_updated() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let mut e = entry("1", None, "x");
        e.updated = chrono::DateTime::from_timestamp(300, 0);
        s.record_success(f, &incoming(vec![e]), &FetchMeta::default(), 1_000)
            .unwrap();
        assert_eq!(stream(&s)[0].published.timestamp(), 300);
    }

    /// Found by the hostile suite (`duplicate_ids_atom`): revisions sharing an id arrive in any
    /// order, and the last one in the document used to win.
    #[test]
    fn an_older_revision_never_overwrites_a_newer_one() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let revision = |body: &str, updated: i64| IncomingEntry {
            updated: chrono::DateTime::from_timestamp(updated, 0),
            ..entry("dup", Some(10), body)
        };
        let doc = incoming(vec![
            revision("rev 2", 300),
            revision("rev 0", 100),
            revision("rev 1", 200),
        ]);
        s.record_success(f, &doc, &FetchMeta::default(), 1_000)
            .unwrap();
        let id = stream(&s)[0].id;
        assert_eq!(s.entry(id).unwrap().unwrap().content_html, "rev 2");
        // A later fetch with a newer revision still updates it.
        let doc = incoming(vec![revision("rev 3", 400)]);
        s.record_success(f, &doc, &FetchMeta::default(), 2_000)
            .unwrap();
        assert_eq!(s.entry(id).unwrap().unwrap().content_html, "rev 3");
    }

    #[test]
    fn far_future_dates_are_clamped_to_now() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = incoming(vec![
            entry("future", Some(4_000_000_000), "x"),
            entry("past", Some(50), "y"),
        ]);
        s.record_success(f, &doc, &FetchMeta::default(), 1_000)
            .unwrap();
        assert_eq!(stream(&s)[0].published.timestamp(), 1_000);
    }

    /// Issue #17: the clamp to "now" was applied again at every revision, so an entry dated
    /// 9999 that changed a byte per fetch was re-dated at each refresh and stayed first.
    #[test]
    fn a_future_dated_entry_that_keeps_changing_is_not_re_dated() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        for (fetch, now) in [(1, 1_000), (2, 2_000), (3, 3_000)] {
            let doc = incoming(vec![
                entry(
                    "pinned",
                    Some(253_402_300_000),
                    &format!("revision {fetch}"),
                ),
                entry("honest", Some(now - 10), &format!("news {fetch}")),
            ]);
            s.record_success(f, &doc, &FetchMeta::default(), now)
                .unwrap();
        }
        let rows = stream(&s);
        assert_eq!(rows[0].title, "title honest");
        let pinned = rows.iter().find(|r| r.title == "title pinned").unwrap();
        assert_eq!(
            pinned.published.timestamp(),
            1_000,
            "dated once, when first seen"
        );
        assert_eq!(
            s.entry(pinned.id).unwrap().unwrap().content_html,
            "revision 3",
            "its content still follows the feed"
        );
    }

    /// Issue #17: a date before year 1 made exports write a year of `-0001`.
    #[test]
    fn dates_before_year_one_become_year_one() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let mut old = entry("old", Some(-70_000_000_000), "x");
        old.updated = chrono::DateTime::from_timestamp(-70_000_000_000, 0);
        s.record_success(f, &incoming(vec![old]), &FetchMeta::default(), 1_000)
            .unwrap();
        let row = &stream(&s)[0];
        assert_eq!(row.published.timestamp(), FIRST_YEAR);
        assert_eq!(row.published.format("%Y").to_string(), "0001");
    }

    #[test]
    fn duplicate_keys_in_one_document_store_one_entry() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = incoming(vec![entry("1", Some(10), "a"), entry("1", Some(20), "b")]);
        assert_eq!(
            s.record_success(f, &doc, &FetchMeta::default(), 100)
                .unwrap(),
            1
        );
        assert_eq!(stream(&s).len(), 1);
    }

    /// Issue #16: the search text was indexed between the entries' rows, and every insert into
    /// `entries` opened a statement savepoint (it had a trigger), which makes FTS5 write what it
    /// holds as a segment of its own: one segment per entry, then merged, most of a refresh's
    /// CPU. Indexing after every row keeps it to one, even with a trigger on `entries` again
    /// (one is made here, as a later feature might).
    #[test]
    fn indexing_between_rows_made_a_segment_per_entry() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        s.conn
            .execute_batch("CREATE TRIGGER any AFTER INSERT ON entries BEGIN SELECT 1; END;")
            .unwrap();
        let before = s.conn.total_changes();
        let entries = (0..200)
            .map(|i| entry(&i.to_string(), Some(i), &format!("<p>word{i} river</p>")))
            .collect();
        s.record_success(f, &incoming(entries), &FetchMeta::default(), 1_000)
            .unwrap();
        // One segment: about five rows written per entry (the entry, its body, its story key,
        // the index's row and its size). A segment per entry, merged as they pile up, wrote
        // eleven.
        let written = s.conn.total_changes() - before;
        assert!(written < 200 * 6, "200 entries wrote {written} rows");
    }

    #[test]
    fn a_batch_writes_every_feed_and_keeps_each_ones_counts() {
        let (_d, mut s) = temp_store();
        let (a, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let (b, _) = s.add_feed("https://b.example/feed", 0).unwrap();
        let doc_a = incoming(vec![entry("1", Some(10), "a"), entry("2", Some(20), "b")]);
        // (Not the same link as a's "1": that would be one story told twice.)
        let doc_b = incoming(vec![entry("9", Some(30), "c")]);
        let write = |feed, incoming| FeedWrite {
            feed,
            incoming,
            prepared: Prepared::default(),
            meta: FetchMeta::default(),
        };
        let new = s
            .record_batch(vec![write(a, &doc_a), write(b, &doc_b)], 100)
            .unwrap();
        assert_eq!(new, [2, 1]);
        let feeds = s.feeds().unwrap();
        let count = |id: FeedId| {
            let f = feeds.iter().find(|f| f.id == id).unwrap();
            (f.total, f.unread)
        };
        assert_eq!((count(a), count(b)), ((2, 2), (1, 1)));
        // Again: nothing new, nothing counted twice.
        let new = s
            .record_batch(vec![write(a, &doc_a), write(b, &doc_b)], 200)
            .unwrap();
        assert_eq!(new, [0, 0]);
        assert_eq!(s.counts().unwrap().entries, 3);
    }

    /// A batch is one transaction: a feed that cannot be written (unsubscribed meanwhile)
    /// leaves the others unwritten too, for the caller to write alone.
    #[test]
    fn a_batch_with_a_feed_that_cannot_be_written_writes_nothing() {
        let (_d, mut s) = temp_store();
        let (a, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = incoming(vec![entry("1", Some(10), "a")]);
        let write = |feed| FeedWrite {
            feed,
            incoming: &doc,
            prepared: Prepared::default(),
            meta: FetchMeta::default(),
        };
        assert!(
            s.record_batch(vec![write(a), write(FeedId(999))], 100)
                .is_err()
        );
        assert_eq!(s.counts().unwrap().entries, 0);
        assert_eq!(s.feeds().unwrap()[0].title, "https://a.example/feed");
    }

    /// Issue #22: a database from before enclosures were kept holds entries without them; the
    /// next refresh gives them theirs (their content hash counts enclosures), while an entry
    /// that has none keeps the hash it had, so nothing else is written again.
    #[test]
    fn entries_gain_their_enclosures_at_the_next_refresh_and_others_stay_unwritten() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let plain = entry("plain", Some(10), "<p>a</p>");
        let before = entry("cast", Some(20), "<p>b</p>");
        s.record_success(
            f,
            &incoming(vec![plain.clone(), before.clone()]),
            &FetchMeta::default(),
            100,
        )
        .unwrap();
        let hash_of = |s: &Store, key: &str| -> i64 {
            s.conn
                .query_row(
                    "SELECT content_hash FROM entries WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let plain_hash = hash_of(&s, "plain");
        let mut cast = before;
        cast.enclosures = vec![
            crate::model::Enclosure::new(
                "https://a.example/cast.mp3",
                Some("audio/mpeg"),
                Some(9),
                Some(60),
            )
            .unwrap(),
        ];
        s.record_success(f, &incoming(vec![plain, cast]), &FetchMeta::default(), 200)
            .unwrap();
        let id = stream(&s)
            .iter()
            .find(|r| r.title == "title cast")
            .unwrap()
            .id;
        let got = s.entry(id).unwrap().unwrap().enclosures;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].url, "https://a.example/cast.mp3");
        assert_eq!((got[0].length, got[0].duration), (Some(9), Some(60)));
        assert_eq!(hash_of(&s, "plain"), plain_hash, "no enclosures, same hash");
    }

    /// Issue #17: nothing bounded a feed's title, and the stream's query copied it into every
    /// row read: one 30 MB title made a listing allocate gigabytes. Every one-line field is
    /// bounded when stored, whoever brings it, and links go to the web only.
    #[test]
    fn a_huge_title_is_bounded_when_stored_and_links_go_to_the_web_only() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let huge = "T".repeat(3_000_000);
        let mut e = entry("1", Some(10), "<p>body</p>");
        e.title.clone_from(&huge);
        e.author = Some(huge.clone());
        e.guid = Some(huge.clone());
        e.link = Some("javascript:alert(1)".into());
        let mut doc = incoming(vec![e, entry(&huge, Some(20), "x")]);
        doc.title = Some(huge.clone());
        doc.site_url = Some("data:text/html,x".into());
        s.record_success(f, &doc, &FetchMeta::default(), 100)
            .unwrap();
        let rows = stream(&s);
        assert_eq!(rows.len(), 2);
        for row in &rows {
            assert!(
                row.feed_title.len() <= bounds::MAX_LINE,
                "{}",
                row.feed_title.len()
            );
            assert!(row.title.len() <= bounds::MAX_LINE);
            assert!(
                row.author
                    .as_ref()
                    .is_none_or(|a| a.len() <= bounds::MAX_LINE)
            );
            assert!(
                row.guid
                    .as_ref()
                    .is_none_or(|g| g.len() <= bounds::MAX_LINE)
            );
        }
        let first = rows.iter().find(|r| r.title.starts_with('T')).unwrap();
        assert_eq!(first.link, None, "a javascript: link is no link");
        assert!(s.feeds().unwrap()[0].site_url.is_none());
        // The same document again: the long key is the same entry, nothing new.
        assert_eq!(
            s.record_success(f, &doc, &FetchMeta::default(), 200)
                .unwrap(),
            0
        );
    }
}
