//! Entries' enclosures: written with the entry in its feed's transaction, read with the whole
//! entry, and asked for by the reader's play and download keys.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::{Result, Store};
use crate::model::enclosure::Enclosure;
use crate::model::{EntryId, bounds};

/// Writes `enclosures` as entry `id`'s; `replace` first removes what it had.
pub(super) fn write(
    tx: &Transaction<'_>,
    id: i64,
    enclosures: &[Enclosure],
    replace: bool,
) -> rusqlite::Result<()> {
    if replace {
        tx.prepare_cached("DELETE FROM enclosures WHERE entry_id = ?1")?
            .execute([id])?;
    }
    if enclosures.is_empty() {
        return Ok(());
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO enclosures (entry_id, position, url, mime, length, duration) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let kept = enclosures
        .iter()
        // Whoever made them (a parse, a sync, an import), only web links are kept.
        .filter_map(|e| Some((bounds::web_link(&e.url)?, e)))
        .take(crate::model::enclosure::MAX_PER_ENTRY);
    for (position, (url, e)) in (0_i64..).zip(kept) {
        insert.execute(params![
            id,
            position,
            url,
            e.mime.as_deref().map(bounds::line),
            e.length.and_then(|n| i64::try_from(n).ok()),
            e.duration.and_then(|n| i64::try_from(n).ok()),
        ])?;
    }
    Ok(())
}

/// Entry `id`'s enclosures, in order, read through `conn`.
pub(super) fn of(conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<Vec<Enclosure>> {
    let mut stmt = conn.prepare_cached(
        "SELECT url, mime, length, duration FROM enclosures WHERE entry_id = ?1 \
         ORDER BY position",
    )?;
    let rows = stmt.query_map([id], |r| enclosure_at(r, 0))?;
    rows.collect()
}

/// A count stored as INTEGER (a size, a duration), `None` when absent or negative.
pub(super) fn count(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<u64>> {
    Ok(r.get::<_, Option<i64>>(i)?
        .and_then(|n| u64::try_from(n).ok()))
}

/// The enclosure in `url, mime, length, duration` starting at column `at`.
fn enclosure_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Enclosure> {
    Ok(Enclosure {
        url: r.get(at)?,
        mime: r.get(at + 1)?,
        length: count(r, at + 2)?,
        duration: count(r, at + 3)?,
    })
}

impl Store {
    /// Entry `id`'s enclosures, in the feed's order (chapters last).
    pub fn enclosures(&self, id: EntryId) -> Result<Vec<Enclosure>> {
        of(&self.conn, id.0).map_err(|e| self.err(e))
    }

    /// The enclosures of every entry of `ids` that has some, in one query (a page of a listing
    /// asked one at a time cost three times the listing itself).
    pub fn enclosures_of(&self, ids: &[EntryId]) -> Result<HashMap<EntryId, Vec<Enclosure>>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT entry_id, url, mime, length, duration FROM enclosures \
                 WHERE entry_id IN (SELECT value FROM json_each(?1)) ORDER BY entry_id, position",
            )
            .map_err(|e| self.err(e))?;
        let list = super::filter::json_ids(ids.iter().map(|i| i.0));
        let rows = stmt
            .query_map([list], |r| Ok((EntryId(r.get(0)?), enclosure_at(r, 1)?)))
            .map_err(|e| self.err(e))?;
        let mut out: HashMap<EntryId, Vec<Enclosure>> = HashMap::new();
        for row in rows {
            let (id, enc) = row.map_err(|e| self.err(e))?;
            out.entry(id).or_default().push(enc);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Enclosure, EntryFilter, EntryId, IncomingEntry, IncomingFeed, Page};
    use crate::store::test_support::temp_store;

    fn entry(key: &str, files: &[&str]) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: Some(key.into()),
            title: key.into(),
            link: None,
            author: None,
            published: chrono::DateTime::from_timestamp(100, 0),
            updated: None,
            content_html: String::new(),
            enclosures: files
                .iter()
                .filter_map(|u| Enclosure::new(u, None, None, None))
                .collect(),
        }
    }

    /// A listing's page asks for its enclosures in one query (asked row by row, `entries
    /// --json` of a million entries took three times as long): same answer as one by one.
    #[test]
    fn a_pages_enclosures_in_one_query_match_one_by_one() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = IncomingFeed {
            entries: vec![
                entry(
                    "a",
                    &["https://a.example/a1.mp3", "https://a.example/a2.ogg"],
                ),
                entry("b", &[]),
                entry("c", &["https://a.example/c.mp4", "javascript:x"]),
            ],
            ..IncomingFeed::default()
        };
        s.record_success(f, &doc, &crate::store::FetchMeta::default(), 200)
            .unwrap();
        let ids: Vec<EntryId> = s
            .entries_page(&EntryFilter::default(), Page::First, 10)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        let all = s.enclosures_of(&ids).unwrap();
        assert_eq!(all.len(), 2, "only entries that have some");
        for id in ids {
            assert_eq!(
                all.get(&id).cloned().unwrap_or_default(),
                s.enclosures(id).unwrap()
            );
        }
        let urls: Vec<Vec<String>> = {
            let mut v: Vec<Vec<String>> = all
                .values()
                .map(|e| e.iter().map(|x| x.url.clone()).collect())
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            urls,
            [
                vec!["https://a.example/a1.mp3", "https://a.example/a2.ogg"],
                vec!["https://a.example/c.mp4"]
            ]
        );
    }
}
