//! Small things the reader remembers between runs, in the `meta` key/value table.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

/// When the reader was last left: entries first seen after it are new (the `new` filter term
/// reads it in SQL).
const LAST_VISIT: &str = "last_visit";
/// When the reader now open (or one that was killed) started.
const VISIT_STARTED: &str = "visit_started";

/// Sets `key` to `value` in `meta`, inside `tx`.
pub(super) fn set_meta(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    value: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

impl Store {
    /// When the reader was last left (Unix seconds), if ever: entries first seen after it are
    /// new.
    pub fn last_visit(&self) -> Result<Option<i64>> {
        self.meta(LAST_VISIT)
    }

    pub(super) fn meta(&self, key: &str) -> Result<Option<i64>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// A reader starts at `now`: the last visit it counts from (a visit that ended by a kill,
    /// with no `end_visit`, counts as left when it started), and this one's start, written at
    /// once. `last_visit` stays as it is for the whole visit, so `new` means the same in the
    /// reader and in a command run beside it.
    pub fn begin_visit(&mut self, now: i64) -> Result<Option<i64>> {
        let started = self.meta(VISIT_STARTED)?;
        let left = self.last_visit()?;
        let last = match (left, started) {
            (Some(l), Some(s)) => Some(l.max(s)),
            (l, s) => l.or(s),
        };
        self.write(|tx| {
            if let Some(last) = last {
                set_meta(tx, LAST_VISIT, last)?;
            }
            set_meta(tx, VISIT_STARTED, now)?;
            Ok(())
        })?;
        Ok(last)
    }

    /// The reader is left at `at`: entries first seen from now on are new next time.
    pub fn end_visit(&mut self, at: i64) -> Result<()> {
        self.write(|tx| {
            set_meta(tx, LAST_VISIT, at)?;
            tx.execute("DELETE FROM meta WHERE key = ?1", [VISIT_STARTED])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;
    use crate::store::test_support::temp_store;

    #[test]
    fn last_visit_is_remembered_across_opens() {
        let (dir, mut s) = temp_store();
        assert_eq!(s.begin_visit(1_700_000_000).unwrap(), None);
        s.end_visit(1_700_000_500).unwrap();
        drop(s);
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(s.last_visit().unwrap(), Some(1_700_000_500));
        // During a visit, the last one stays what `new` counts from.
        assert_eq!(s.begin_visit(1_700_001_000).unwrap(), Some(1_700_000_500));
        assert_eq!(s.last_visit().unwrap(), Some(1_700_000_500));
    }

    /// A reader killed before it could record its end counts as left when it started.
    #[test]
    fn a_killed_visit_counts_from_its_start() {
        let (_dir, mut s) = temp_store();
        s.end_visit(100).unwrap();
        assert_eq!(s.begin_visit(200).unwrap(), Some(100));
        // Killed: no end_visit.
        assert_eq!(s.begin_visit(300).unwrap(), Some(200));
        assert_eq!(s.last_visit().unwrap(), Some(200));
    }
}
