//! Small things the reader remembers between runs, in the `meta` key/value table.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};

const LAST_VISIT: &str = "last_visit";

impl Store {
    /// When the reader was last left (Unix seconds), if ever: the stream's "new since your
    /// last visit" divider.
    pub fn last_visit(&self) -> Result<Option<i64>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [LAST_VISIT], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_last_visit(&mut self, at: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![LAST_VISIT, at],
            )?;
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
        assert_eq!(s.last_visit().unwrap(), None);
        s.set_last_visit(1_700_000_000).unwrap();
        s.set_last_visit(1_700_000_500).unwrap();
        drop(s);
        let s = Store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(s.last_visit().unwrap(), Some(1_700_000_500));
    }
}
