//! `tidings_regexp(pattern, text)`: whether a filter's regular expression (`title:/…/`)
//! matches `text` (false for NULL), compiled once per statement with the query's own bounds.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;

use crate::model::query::Pattern;

pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "tidings_regexp",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            // Compiled once per statement run: SQLite keeps it beside the constant pattern.
            let pattern = ctx.get_or_create_aux(0, |source| {
                Pattern::new(source.as_str().map_err(|e| e.to_string())?)
            })?;
            Ok(match ctx.get_raw(1) {
                ValueRef::Text(t) => pattern.is_match(&String::from_utf8_lossy(t)),
                _ => false,
            })
        },
    )
}
