//! Ordered, embedded schema migrations applied by `PRAGMA user_version`, each in a transaction:
//! its SQL file, then (for some) a Rust step that fills what SQL alone cannot.

use std::path::{Path, PathBuf};

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
    Migration {
        sql: include_str!("migrations/0005_ingest.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0006_bounds.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0007_rules.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0008_sync.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0009_media.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0010_stories.sql"),
        then: Some(super::stories::backfill),
    },
    Migration {
        sql: include_str!("migrations/0011_articles.sql"),
        then: None,
    },
    Migration {
        sql: include_str!("migrations/0012_hidden_counts.sql"),
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

/// The name of the copy kept before upgrading `db` from schema `version`, unused so far:
/// `DB.vVERSION.YYYYMMDD-HHMMSS.bak`, with a counter if that exists too.
fn backup_name(db: &Path, version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let base = format!("{}.v{version}.{stamp}", db.display());
    (1..=1000)
        .map(|n| match n {
            1 => PathBuf::from(format!("{base}.bak")),
            n => PathBuf::from(format!("{base}-{n}.bak")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| PathBuf::from(format!("{base}.bak")))
}

/// Copies the database, as one consistent snapshot, to a new file beside it; returns where.
fn backup(conn: &Connection, path: &str, version: i64) -> Result<PathBuf, StoreError> {
    let Some(db) = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from) else {
        return Ok(PathBuf::new());
    };
    let target = backup_name(&db, version);
    let shown = target.display().to_string();
    conn.execute("VACUUM INTO ?1", [&shown]).map_err(|e| {
        let _ = std::fs::remove_file(&target);
        StoreError::Backup {
            path: path.to_owned(),
            copy: shown.clone(),
            source: e,
        }
    })?;
    Ok(target)
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
    let steps = MIGRATIONS.get(from..to).unwrap_or_default();
    // A database with data in it is copied before it is changed, so no upgrade can cost it.
    let backup = match (found, steps.is_empty()) {
        (1.., false) => Some(backup(conn, path, found)?),
        _ => None,
    };
    let kept = |version: i64| {
        let copy = backup
            .as_ref()
            .map(|b| format!("; its copy from before the upgrade is {}", b.display()))
            .unwrap_or_default();
        format!("the database is unchanged, at schema version {version}{copy}")
    };
    for (version, step) in (found..).zip(steps) {
        let fail = |source: rusqlite::Error| StoreError::Migration {
            path: path.to_owned(),
            version: version + 1,
            source,
            kept: kept(version),
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
