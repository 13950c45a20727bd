//! Entries' enclosures: written with the entry in its feed's transaction, read with the whole
//! entry, and asked for by the reader's play and download keys.

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
    let rows = stmt.query_map([id], |r| {
        let count = |i| -> rusqlite::Result<Option<u64>> {
            Ok(r.get::<_, Option<i64>>(i)?
                .and_then(|n| u64::try_from(n).ok()))
        };
        Ok(Enclosure {
            url: r.get(0)?,
            mime: r.get(1)?,
            length: count(2)?,
            duration: count(3)?,
        })
    })?;
    rows.collect()
}

impl Store {
    /// Entry `id`'s enclosures, in the feed's order (chapters last).
    pub fn enclosures(&self, id: EntryId) -> Result<Vec<Enclosure>> {
        of(&self.conn, id.0).map_err(|e| self.err(e))
    }
}
