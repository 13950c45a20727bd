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
