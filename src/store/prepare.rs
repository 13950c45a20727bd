//! What storing an entry needs that no database does: its content hash, its body packed for
//! disk and its text for the search index. [`Store::prepare`] makes them ahead of the write, on
//! the thread that parsed the feed, so that the one writer of a refresh only writes: packing
//! and text extraction were a third of a cold refresh's work, all of it on the writer (issue
//! #16). What an entry already stored as it is needs is never made; whatever the write finds
//! unprepared it makes itself, so preparing is only ever a saving, never a condition.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::text::html_to_text;
use super::{Result, Store, body};
use crate::model::hash::Fnv1a;
use crate::model::{FeedId, IncomingEntry, IncomingFeed, bounds, story};

/// Identifies an entry's content: an entry stored with the same hash is stored as it is.
pub(super) fn content_hash(e: &IncomingEntry) -> i64 {
    let updated = e
        .updated
        .map(|t| t.timestamp().to_string())
        .unwrap_or_default();
    let parts = [
        e.title.as_str(),
        e.link.as_deref().unwrap_or(""),
        e.author.as_deref().unwrap_or(""),
        updated.as_str(),
        e.content_html.as_str(),
    ];
    let mut h = Fnv1a::default();
    for part in parts {
        h.write(part.as_bytes());
        h.write(&[0xff]);
    }
    // Only when there are some, so that an entry without any keeps the hash it was stored
    // under before enclosures were kept, and one with some is written again (and gains them)
    // at its next refresh.
    for enc in &e.enclosures {
        let numbers = [enc.length, enc.duration].map(|n| n.map_or(u64::MAX, |n| n));
        for part in [enc.url.as_str(), enc.mime.as_deref().unwrap_or("")] {
            h.write(part.as_bytes());
            h.write(&[0xfe]);
        }
        for n in numbers {
            h.write(&n.to_le_bytes());
        }
    }
    // Stored in an INTEGER column: reinterpret the bits.
    i64::from_ne_bytes(h.finish().to_ne_bytes())
}

/// An entry's body as stored, its text as indexed and its story keys (`model::story`).
#[derive(Debug)]
pub(super) struct Packed {
    pub(super) body: Value,
    pub(super) text: String,
    pub(super) keys: Vec<i64>,
}

impl Packed {
    /// `addresses`: the entry's (`story::addresses`); `shared`: those several entries of the
    /// document carry (sorted), which are no story keys.
    pub(super) fn of(e: &IncomingEntry, addresses: [Option<i64>; 2], shared: &[i64]) -> Self {
        let text = html_to_text(&e.content_html);
        Self {
            body: body::pack(&e.content_html),
            keys: story::keys(addresses, shared, &e.title, &text),
            text,
        }
    }
}

/// Each entry's address keys, and those several of them share.
#[derive(Debug, Default)]
struct Addresses {
    each: Vec<[Option<i64>; 2]>,
    shared: Vec<i64>,
}

impl Addresses {
    fn of(incoming: &IncomingFeed) -> Self {
        let each: Vec<[Option<i64>; 2]> = incoming
            .entries
            .iter()
            .map(|e| story::addresses(e.link.as_deref(), e.guid.as_deref()))
            .collect();
        let shared = story::shared_addresses(&each);
        Self { each, shared }
    }
}

/// One document's entries made ready to write, in the document's order: every entry's hash,
/// and the stored forms of those not already stored as they are. `Prepared::default()` has
/// nothing ready: the write then makes all of it.
#[derive(Debug, Default)]
pub struct Prepared {
    hashes: Vec<i64>,
    packed: Vec<Option<Packed>>,
    /// The document's address keys, once known.
    addresses: Option<Addresses>,
}

impl Prepared {
    /// The `i`-th entry's content hash.
    pub(super) fn hash(&self, i: usize, e: &IncomingEntry) -> i64 {
        self.hashes
            .get(i)
            .copied()
            .unwrap_or_else(|| content_hash(e))
    }

    /// The `i`-th entry of `incoming`'s stored forms, made now if they were not made ahead.
    pub(super) fn take(&mut self, i: usize, incoming: &IncomingFeed) -> Packed {
        let e = &incoming.entries[i];
        if let Some(packed) = self.packed.get_mut(i).and_then(Option::take) {
            return packed;
        }
        let addresses = self
            .addresses
            .get_or_insert_with(|| Addresses::of(incoming));
        Packed::of(e, addresses.each[i], &addresses.shared)
    }

    /// Lets go of the HTML of every entry of `incoming` whose stored forms are made: the
    /// write reads only those forms then (its body packed, its text), and a parsed feed
    /// waiting for the writer holds half the memory. An entry not made ready keeps its HTML
    /// for the write to make them from.
    pub fn release_bodies(&self, incoming: &mut IncomingFeed) {
        for (e, packed) in incoming.entries.iter_mut().zip(&self.packed) {
            if packed.is_some() {
                e.content_html = String::new();
            }
        }
    }

    /// How many entries have their stored forms made.
    pub fn ready(&self) -> usize {
        self.packed.iter().flatten().count()
    }
}

impl Store {
    /// Makes ready what writing `incoming` for `feed` will need, reading (never writing) this
    /// connection to skip the entries stored as they are. Meant for a connection of its own
    /// beside the writer's, on the thread that parsed the document.
    pub fn prepare(&self, feed: FeedId, incoming: &IncomingFeed) -> Result<Prepared> {
        let mut lookup = self
            .conn
            .prepare_cached("SELECT content_hash FROM entries WHERE feed_id = ?1 AND key = ?2")
            .map_err(|e| self.err(e))?;
        let mut prepared = Prepared::default();
        let addresses = Addresses::of(incoming);
        for (i, e) in incoming.entries.iter().enumerate() {
            let hash = content_hash(e);
            let stored: Option<i64> = lookup
                .query_row(params![feed.0, bounds::key(&e.key)], |r| r.get(0))
                .optional()
                .map_err(|e| self.err(e))?;
            prepared.hashes.push(hash);
            prepared.packed.push(
                (stored != Some(hash)).then(|| Packed::of(e, addresses.each[i], &addresses.shared)),
            );
        }
        prepared.addresses = Some(addresses);
        Ok(prepared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FetchMeta;
    use crate::store::test_support::temp_store;

    fn entry(key: &str, body: &str) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: None,
            title: format!("title {key}"),
            link: None,
            author: None,
            published: None,
            updated: None,
            content_html: body.into(),
            enclosures: Vec::new(),
        }
    }

    fn feed(entries: Vec<IncomingEntry>) -> IncomingFeed {
        IncomingFeed {
            title: None,
            site_url: None,
            ttl_minutes: None,
            entries,
        }
    }

    #[test]
    fn only_entries_not_stored_as_they_are_are_packed() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let first = feed(vec![entry("1", "<p>one</p>"), entry("2", "<p>two</p>")]);
        let prepared = s.prepare(f, &first).unwrap();
        assert_eq!(prepared.ready(), 2, "nothing stored yet");
        s.record_prepared(f, &first, prepared, &FetchMeta::default(), 10)
            .unwrap();
        let second = feed(vec![
            entry("1", "<p>one</p>"),
            entry("2", "<p>two, edited</p>"),
            entry("3", "<p>three</p>"),
        ]);
        let prepared = s.prepare(f, &second).unwrap();
        assert_eq!(prepared.ready(), 2, "the edited one and the new one");
        assert_eq!(
            s.record_prepared(f, &second, prepared, &FetchMeta::default(), 20)
                .unwrap(),
            1
        );
        let hits = s
            .entries_page(
                &crate::model::EntryFilter {
                    query: crate::model::query::parse("edited").unwrap(),
                    ..Default::default()
                },
                crate::model::Page::First,
                10,
            )
            .unwrap();
        assert_eq!(hits.len(), 1, "the edit is what the index has");
    }

    /// A refresh lets go of the HTML it prepared before the feed waits for the writer: the
    /// body stored and the words indexed are still the document's, and an entry that was not
    /// prepared keeps its HTML for the write.
    #[test]
    fn bodies_let_go_after_preparing_are_still_stored_whole() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let long = format!("<p>{}</p>", "a river crossing ".repeat(100));
        let first = feed(vec![entry("1", "<p>kept as it is</p>")]);
        s.record_success(f, &first, &FetchMeta::default(), 10)
            .unwrap();
        let mut doc = feed(vec![entry("1", "<p>kept as it is</p>"), entry("2", &long)]);
        let prepared = s.prepare(f, &doc).unwrap();
        prepared.release_bodies(&mut doc);
        assert_eq!(
            doc.entries[0].content_html, "<p>kept as it is</p>",
            "not prepared"
        );
        assert!(doc.entries[1].content_html.is_empty(), "prepared: let go");
        assert_eq!(
            s.record_prepared(f, &doc, prepared, &FetchMeta::default(), 20)
                .unwrap(),
            1
        );
        let page = s
            .entries_page(
                &crate::model::EntryFilter {
                    query: crate::model::query::parse("crossing").unwrap(),
                    ..Default::default()
                },
                crate::model::Page::First,
                10,
            )
            .unwrap();
        assert_eq!(page.len(), 1, "its words are indexed");
        assert_eq!(s.entry(page[0].id).unwrap().unwrap().content_html, long);
    }

    /// What another writer changed between the preparing and the write is written right.
    #[test]
    fn an_entry_prepared_as_unchanged_but_changed_since_is_still_written() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = feed(vec![entry("1", "<p>same words</p>")]);
        s.record_success(f, &doc, &FetchMeta::default(), 10)
            .unwrap();
        let prepared = s.prepare(f, &doc).unwrap();
        assert_eq!(prepared.ready(), 0);
        // Meanwhile the stored copy changes.
        s.record_success(
            f,
            &feed(vec![entry("1", "<p>other words</p>")]),
            &FetchMeta::default(),
            20,
        )
        .unwrap();
        s.record_prepared(f, &doc, prepared, &FetchMeta::default(), 30)
            .unwrap();
        let id = s
            .entries_page(
                &crate::model::EntryFilter::default(),
                crate::model::Page::First,
                1,
            )
            .unwrap()[0]
            .id;
        assert_eq!(
            s.entry(id).unwrap().unwrap().content_html,
            "<p>same words</p>"
        );
    }
}
