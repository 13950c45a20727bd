//! Ordered, embedded schema migrations applied by `PRAGMA user_version`, each in a transaction:
//! its SQL file, then (for some) a Rust step that fills what SQL alone cannot.

use rusqlite::{Connection, Transaction};

use super::StoreError;

/// One schema step.
struct Migration {
    sql: &'static str,
    /// Runs after `sql`, in the same transaction.
    then: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

/// Every migration in order; migration `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_init.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0002_etiquette.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0003_reading.sql"),
        then: Some(super::search::backfill),
    },
    Migration {
        sql: include_str!("migrations/0004_counters.sql"),
        then: None,
    },
];

/// The schema version this binary writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations, never near 2^63
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to `SCHEMA_VERSION`; refuses one newer than this binary.
pub fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    migrate_to(conn, path, SCHEMA_VERSION)
}

/// Brings the database up to `target` (tests build old databases with it).
pub(super) fn migrate_to(conn: &mut Connection, path: &str, target: i64) -> Result<(), StoreError> {
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::sqlite(path, e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let from = usize::try_from(found).unwrap_or(0);
    let to = usize::try_from(target).unwrap_or(0).min(MIGRATIONS.len());
    for (version, step) in (found..).zip(MIGRATIONS.get(from..to).unwrap_or_default()) {
        let fail = |source| StoreError::Migration {
            path: path.to_owned(),
            version: version + 1,
            source,
        };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(step.sql).map_err(fail)?;
        if let Some(then) = step.then {
            then(&tx).map_err(fail)?;
        }
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}
