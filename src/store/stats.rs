//! `tidings db stats` and `tidings db vacuum`: what the database holds and what it costs on
//! disk, table by table (the full-text index included), and compacting it.

use super::{Result, Store};

/// The space one table or index takes, in bytes of pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSize {
    pub name: String,
    pub bytes: u64,
}

/// Sizes and counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbStats {
    pub file_bytes: u64,
    /// The write-ahead log beside the file.
    pub wal_bytes: u64,
    /// Pages no longer used, that `vacuum` gives back.
    pub free_bytes: u64,
    pub feeds: u64,
    pub entries: u64,
    pub unread: u64,
    pub starred: u64,
    /// Every table and index, largest first; the full-text index's parts are summed as
    /// `entries_fts`.
    pub objects: Vec<ObjectSize>,
}

impl DbStats {
    /// The full-text index's size.
    pub fn fts_bytes(&self) -> u64 {
        self.objects
            .iter()
            .find(|o| o.name == "entries_fts")
            .map_or(0, |o| o.bytes)
    }
}

fn file_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

impl Store {
    /// Reads every page's size (the `dbstat` table): takes a few seconds on a big database.
    pub fn stats(&self) -> Result<DbStats> {
        let counts = self.counts()?;
        let page_size: u64 = self.one("PRAGMA page_size")?;
        let free_pages: u64 = self.one("PRAGMA freelist_count")?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT CASE WHEN name LIKE 'entries_fts%' THEN 'entries_fts' ELSE name END, \
                 SUM(pgsize) FROM dbstat GROUP BY 1 ORDER BY 2 DESC",
            )
            .map_err(|e| self.err(e))?;
        let objects = stmt
            .query_map([], |r| {
                Ok(ObjectSize {
                    name: r.get(0)?,
                    bytes: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        let wal = {
            let mut p = self.path.clone().into_os_string();
            p.push("-wal");
            std::path::PathBuf::from(p)
        };
        Ok(DbStats {
            file_bytes: file_len(&self.path),
            wal_bytes: file_len(&wal),
            free_bytes: free_pages * page_size,
            feeds: counts.feeds,
            entries: counts.entries,
            unread: counts.unread,
            starred: counts.starred,
            objects,
        })
    }

    /// Compresses the bodies stored before compression (a thousand per transaction, so an
    /// interruption loses nothing: `progress(bodies packed so far)` after each), then rebuilds
    /// the file without its free pages and with the full-text index merged, and empties the
    /// write-ahead log. Needs as much free disk as the database takes.
    pub fn vacuum(&mut self, mut progress: impl FnMut(usize)) -> Result<()> {
        let mut packed = 0;
        loop {
            let done = self.write(|tx| {
                let mut read = tx.prepare_cached(
                    "SELECT entry_id, html FROM entry_bodies \
                     WHERE typeof(html) = 'text' AND length(CAST(html AS BLOB)) >= ?1 LIMIT 1000",
                )?;
                let batch: Vec<(i64, String)> = read
                    .query_map(
                        [i64::try_from(super::body::COMPRESS_FROM).unwrap_or(512)],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?
                    .collect::<rusqlite::Result<_>>()?;
                let mut write =
                    tx.prepare_cached("UPDATE entry_bodies SET html = ?2 WHERE entry_id = ?1")?;
                for (id, html) in &batch {
                    write.execute(rusqlite::params![id, super::body::pack(html)])?;
                }
                Ok(batch.len())
            })?;
            if done == 0 {
                break;
            }
            packed += done;
            progress(packed);
        }
        self.conn
            .execute_batch(
                "INSERT INTO entries_fts (entries_fts) VALUES ('optimize'); VACUUM; \
                 PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .map_err(|e| self.err(e))
    }

    /// The database file's size in bytes (what the log holds aside).
    pub fn size_bytes(&self) -> Result<u64> {
        self.one(
            "SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s",
        )
    }

    fn one(&self, sql: &str) -> Result<u64> {
        self.conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::synth::{SynthSpec, synth};
    use crate::store::test_support::temp_store;

    #[test]
    fn stats_count_and_size_what_is_there_and_vacuum_gives_space_back() {
        let (_dir, mut store) = temp_store();
        let spec = SynthSpec {
            feeds: 4,
            entries_per_feed: 25,
            seed: 1,
            now: 1_800_000_000,
            duplicates_percent: 0,
        };
        let report = synth(&mut store, &spec, |_| {}).unwrap();
        let stats = store.stats().unwrap();
        assert_eq!(stats.entries, 100);
        assert_eq!(stats.feeds, 4);
        assert_eq!(stats.starred, u64::try_from(report.starred).unwrap());
        assert!(stats.fts_bytes() > 0, "{stats:?}");
        let bodies = stats
            .objects
            .iter()
            .find(|o| o.name == "entry_bodies")
            .unwrap();
        assert!(bodies.bytes > 100 * 1024, "{stats:?}");
        store
            .remove_feed(crate::model::FeedId(1))
            .expect("removing a feed");
        // A body from before compression, stored as text: vacuum packs it.
        let long = "<p>stored before bodies were compressed</p>".repeat(30);
        store
            .conn
            .execute(
                "UPDATE entry_bodies SET html = ?1 WHERE entry_id = 30",
                [&long],
            )
            .unwrap();
        let mut packed = 0;
        store.vacuum(|n| packed = n).unwrap();
        assert_eq!(packed, 1);
        assert_eq!(
            store
                .entry(crate::model::EntryId(30))
                .unwrap()
                .unwrap()
                .content_html,
            long
        );
        let after = store.stats().unwrap();
        assert_eq!(after.entries, 75);
        assert_eq!(after.free_bytes, 0);
        assert!(after.file_bytes < stats.file_bytes.max(stats.wal_bytes + stats.file_bytes));
    }
}
