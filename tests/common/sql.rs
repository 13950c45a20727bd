//! Reading a database in the harnesses' checks, with failures as messages naming the query.

use rusqlite::Connection;

/// Every row `sql` returns, each as its values' debug text joined by spaces.
pub fn rows_of(conn: &Connection, sql: &str) -> Result<Vec<String>, String> {
    let fail = |e: rusqlite::Error| format!("{sql}: {e}");
    let mut stmt = conn.prepare(sql).map_err(fail)?;
    let count = stmt.column_count();
    stmt.query_map([], |r| {
        (0..count)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i)
                    .map(|v| format!("{v:?}"))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|cells| cells.join(" "))
    })
    .map_err(fail)?
    .collect::<rusqlite::Result<_>>()
    .map_err(fail)
}

/// What must hold in any database whatever happened to the process writing it: integrity,
/// foreign keys, no entry twice in a feed, true kept counters, a body and a search index row
/// for every entry (and none for a missing one), and the search index's own integrity check.
pub fn check_structure(conn: &Connection) -> Result<(), String> {
    let integrity = rows_of(conn, "PRAGMA integrity_check")?;
    if integrity != ["Text(\"ok\")"] {
        return Err(format!("integrity_check: {integrity:?}"));
    }
    let none = |what: &str, sql: &str| -> Result<(), String> {
        let found = rows_of(conn, sql)?;
        if !found.is_empty() {
            return Err(format!("{what}: {found:?}"));
        }
        Ok(())
    };
    none("foreign_key_check", "PRAGMA foreign_key_check")?;
    for column in ["key", "guid", "link"] {
        none(
            &format!("entries sharing a feed and {column}"),
            &format!(
                "SELECT feed_id, {column}, count(*) FROM entries WHERE {column} IS NOT NULL \
                 GROUP BY feed_id, {column} HAVING count(*) > 1"
            ),
        )?;
    }
    none(
        "feed counters that differ from the entries",
        "SELECT id, entry_count, unread_count, starred_count FROM feeds f WHERE \
         entry_count != (SELECT count(*) FROM entries e WHERE e.feed_id = f.id) OR \
         unread_count != (SELECT count(*) FROM entries e WHERE e.feed_id = f.id AND read = 0) OR \
         starred_count != (SELECT count(*) FROM entries e WHERE e.feed_id = f.id AND starred = 1)",
    )?;
    none(
        "entries without a body",
        "SELECT id FROM entries e WHERE NOT EXISTS \
         (SELECT 1 FROM entry_bodies b WHERE b.entry_id = e.id)",
    )?;
    none(
        "entries missing from the search index",
        "SELECT id FROM entries WHERE id NOT IN (SELECT rowid FROM entries_fts)",
    )?;
    none(
        "search index rows without an entry",
        "SELECT rowid FROM entries_fts WHERE rowid NOT IN (SELECT id FROM entries)",
    )?;
    conn.execute(
        "INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')",
        [],
    )
    .map_err(|e| format!("the search index's integrity-check: {e}"))?;
    Ok(())
}
