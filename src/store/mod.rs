//! The `SQLite` cache: opening (pragmas, migrations, refusing a newer schema), queries and the one
//! transaction helper every multi-statement write goes through. Uses only `model`.

mod articles;
mod body;
mod downloads;
mod enclosures;
mod entries;
mod error;
mod feeds;
mod filter;
mod idset;
mod ingest;
mod journal;
mod labels;
mod listing;
mod memo;
mod meta;
mod migrate;
mod newsboat;
mod order;
mod organize;
mod prepare;
mod regexp;
mod retention;
mod rules;
mod search;
mod stats;
mod stories;
mod sync;
mod synth;
mod text;
mod twins;

pub use articles::ArticleTarget;
pub use error::StoreError;
pub use feeds::{Failure, FeedFetchState, Hold};
pub use ingest::{FeedWrite, FetchMeta, REDIRECT_CONFIRMATIONS};
pub use labels::LabelUse;
pub use listing::{Listing, ListingApplied};
pub use migrate::SCHEMA_VERSION;
pub use newsboat::{NewsboatFeed, NewsboatItem, read_newsboat_cache};
pub use prepare::Prepared;
pub use stats::{DbStats, ObjectSize};
pub use stories::StoryCopy;
pub use sync::{Flag, ItemState, PendingMark, RemoteFeed, StateApplied, SubscriptionsSynced};
pub use synth::{SynthReport, SynthSpec, synth};
pub use twins::Merged;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How far a commit has reached the disk when it returns (`PRAGMA synchronous`, WAL mode).
/// docs/RELIABILITY.md has the measurement behind the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The log is synced at every commit: the write survives power loss. What `open` sets.
    Full,
    /// Synced at checkpoints only: survives a killed process; power loss may undo the last
    /// commits (never corrupt). For writes that can be made again, like a refresh's.
    Normal,
}

/// One connection to the cache. The UI and the refresh task each open their own (WAL lets
/// readers go on while one writer writes).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened for reading only, because writing was refused (a full disk, a read-only file or
    /// directory): why, in the words writes will fail with.
    read_only: Option<String>,
    /// What the search index said, for the data as it stands (see `memo`).
    searches: RefCell<memo::Memo>,
    /// The names of the feeds pages have shown, for the data as it stands: a feed's name is
    /// read once, not once per row (see `entries::name_feeds`).
    feed_names: RefCell<((i64, u64), std::collections::HashMap<i64, String>)>,
    /// Writes this connection made that may change what a search finds (all but marks).
    writes: u64,
    /// The rules new entries are judged by as they are stored (`set_rules`).
    rules: std::sync::Arc<[crate::model::rules::Rule]>,
    /// What the rules did since `take_ruled` was last asked.
    ruled: crate::model::rules::Ruled,
}

/// The SQL functions the store's queries call.
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    idset::register(conn)?;
    regexp::register(conn)
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// When the file is there but writing to it is refused (a full disk, a read-only file or
    /// directory), it is opened for reading only: see [`Store::read_only`].
    pub fn open(path: &Path) -> Result<Self> {
        match Self::open_to_write(path) {
            Err(refused) if refused.is_write_refused() && path.is_file() => {
                Self::open_to_read(path, refused)
            }
            opened => opened,
        }
    }

    fn open_to_write(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        check_file(path, &shown)?;
        let mut conn = Connection::open(path).map_err(|e| StoreError::sqlite(&shown, e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| StoreError::sqlite(&shown, e))?;
        // 16 KiB pages (a new database; an existing one keeps its size until `db vacuum`): a
        // refresh writes a quarter as many pages to the log and back, and a page holds several
        // bodies and search-index leaves (issue #16). WAL: the UI reads while the refresh task
        // writes. FULL: a mark is on disk when its commit returns, so before the screen shows
        // it (a refresh relaxes its own connection).
        conn.execute_batch(
            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             PRAGMA foreign_keys = ON;",
        )
        .map_err(|e| StoreError::sqlite(&shown, e))?;
        migrate::migrate(&mut conn, &shown)?;
        register_functions(&conn).map_err(|e| StoreError::sqlite(&shown, e))?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            read_only: None,
            searches: RefCell::default(),
            feed_names: RefCell::default(),
            writes: 0,
            rules: std::sync::Arc::new([]),
            ruled: crate::model::rules::Ruled::default(),
        })
    }

    /// Reads the file as it stands on disk (`immutable`: no lock, log or shared-memory file is
    /// needed, since none can be written), when its schema is this version's.
    fn open_to_read(path: &Path, refused: StoreError) -> Result<Self> {
        let shown = path.display().to_string();
        let Some(uri) = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| url::Url::from_file_path(p).ok())
        else {
            return Err(refused);
        };
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI;
        let opened =
            Connection::open_with_flags(format!("{uri}?immutable=1"), flags).and_then(|conn| {
                let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                conn.execute_batch("PRAGMA foreign_keys = ON;")?;
                register_functions(&conn)?;
                Ok((conn, version))
            });
        match opened {
            Ok((conn, version)) if version == SCHEMA_VERSION => Ok(Self {
                conn,
                path: path.to_owned(),
                read_only: Some(refused.diagnosed()),
                searches: RefCell::default(),
                feed_names: RefCell::default(),
                writes: 0,
                rules: std::sync::Arc::new([]),
                ruled: crate::model::rules::Ruled::default(),
            }),
            Ok(_) | Err(_) => {
                tracing::warn!("{shown}: could not open it read-only either");
                Err(refused)
            }
        }
    }

    /// Why this store can only read (its writes fail saying so), or `None`.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// The schema version of the database at `path` without changing it: `None` when there is
    /// no database there yet. Lets a caller say "upgrading…" before a slow migration.
    pub fn schema_version(path: &Path) -> Result<Option<i64>> {
        if !path.exists() {
            return Ok(None);
        }
        let shown = path.display().to_string();
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::sqlite(&shown, e))?;
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .map(Some)
            .map_err(|e| StoreError::sqlite(&shown, e))
    }

    /// `SQLite`'s counter of commits made by other connections (other readers, a refresh, cron):
    /// when it moves, what this connection showed may be stale. Costs no I/O.
    pub fn data_version(&self) -> Result<i64> {
        self.commits_elsewhere().map_err(|e| self.err(e))
    }

    fn commits_elsewhere(&self) -> rusqlite::Result<i64> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))
    }

    /// Sets how far this connection's commits reach the disk before they return. A `Full`
    /// commit syncs the whole log, so it also makes earlier `Normal` commits durable.
    pub fn set_durability(&self, durability: Durability) -> Result<()> {
        let level = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        self.conn
            .pragma_update(None, "synchronous", level)
            .map_err(|e| self.err(e))
    }

    /// Keeps at most `kib` KiB of the database in this connection's page cache (`SQLite`'s
    /// default is 2 MiB): for the refresh's side connections, which look up a row at a time
    /// or copy the log, and whose memory counts against the refresh's.
    pub fn set_cache_kib(&self, kib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -i64::from(kib))
            .map_err(|e| self.err(e))
    }

    /// Whether this connection's commits copy the log into the database themselves once it has
    /// grown past a thousand pages (`SQLite`'s default), or leave that to [`Store::checkpoint`]
    /// on another connection, so that a writer never stops to copy.
    pub fn set_checkpoints_on_commit(&self, on: bool) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", if on { 1000 } else { 0 })
            .map_err(|e| self.err(e))
    }

    /// Copies what the log holds into the database, as far as no reader still needs it, without
    /// waiting for any writer or reader (`PASSIVE`). Returns how many pages the log holds that
    /// are not in the database yet.
    pub fn checkpoint(&self) -> Result<u64> {
        self.log_pages("PASSIVE")
    }

    /// How many pages the log holds that are not in the database yet (copies nothing).
    pub fn uncopied_log_pages(&self) -> Result<u64> {
        self.log_pages("NOOP")
    }

    fn log_pages(&self, mode: &str) -> Result<u64> {
        self.conn
            .query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
                Ok(r.get::<_, i64>(1)? - r.get::<_, i64>(2)?)
            })
            .map(|left| u64::try_from(left).unwrap_or(0))
            .map_err(|e| self.err(e))
    }

    /// The database file this store was opened on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path.display().to_string(), source)
    }

    /// The generation of the data searches are remembered for: it moves when another
    /// connection commits or this one writes anything but marks.
    pub(super) fn generation(&self) -> rusqlite::Result<(i64, u64)> {
        Ok((self.commits_elsewhere()?, self.writes))
    }

    /// Runs `f` in one immediate transaction: all of it is written, or none. What it writes may
    /// change what a search finds (marks, which cannot, use [`Store::write_marks`]).
    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> Result<T> {
        self.writes = self.writes.wrapping_add(1);
        self.write_marks(f)
    }

    /// [`Store::write`] for writes that change only marks (read, starred), which no search by
    /// words depends on: the searches remembered stay valid.
    fn write_marks<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        if let Some(why) = &self.read_only {
            return Err(StoreError::ReadOnly(why.clone()));
        }
        let shown = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(&shown, e))?;
        let value = f(&tx).map_err(|e| StoreError::sqlite(&shown, e))?;
        tx.commit().map_err(|e| StoreError::sqlite(&shown, e))?;
        Ok(value)
    }
}

/// Refuses a path that cannot be a database before `SQLite` opens it (issue #17): a FIFO would
/// hang the open for ever, a directory or a symlink loop gave a message about something else.
/// A path that does not exist yet is fine: the database is made there.
fn check_file(path: &Path, shown: &str) -> Result<()> {
    let refuse = |why: &str| StoreError::Unusable {
        path: shown.to_owned(),
        why: why.to_owned(),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) if m.is_dir() => Err(refuse("it is a directory")),
        Ok(_) => Err(refuse(
            "it is not a regular file (a device, a pipe or a socket)",
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            Err(refuse("it is a loop of symbolic links"))
        }
        Err(e) => Err(refuse(&format!("it cannot be looked at ({e})"))),
    }
}

/// Seconds since the epoch → UTC time (out-of-range values become the epoch).
fn to_time(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

#[cfg(test)]
mod articles_tests;
#[cfg(test)]
mod label_tests;
#[cfg(test)]
mod query_tests;
#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod stories_tests;
#[cfg(test)]
mod sync_tests;
#[cfg(test)]
mod twins_tests;

#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;

    /// A store on a real file in a fresh temp dir (kept alive by the returned guard).
    pub fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    /// `sql`'s query plan with `params` bound: each step's detail, joined by " | ".
    pub fn plan(store: &Store, sql: &str, params: impl rusqlite::Params) -> String {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let steps: Vec<String> = stmt
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        steps.join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_database_gets_current_schema_and_wal() {
        let (_dir, store) = test_support::temp_store();
        let v: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    /// A mark is shown once its commit returns, so every connection syncs each commit unless
    /// told its writes can be made again (the refresh's).
    #[test]
    fn commits_are_synced_unless_relaxed() {
        let (_dir, store) = test_support::temp_store();
        let level = |s: &Store| -> i64 {
            s.conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(level(&store), 2, "FULL");
        store.set_durability(Durability::Normal).unwrap();
        assert_eq!(level(&store), 1, "NORMAL");
        store.set_durability(Durability::Full).unwrap();
        assert_eq!(level(&store), 2, "FULL");
    }

    #[test]
    fn reopening_keeps_data_and_does_not_migrate_again() {
        let (dir, mut store) = test_support::temp_store();
        store.add_feed("https://a.example/feed", 1).unwrap();
        drop(store);
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(store.feeds().unwrap().len(), 1);
    }

    #[test]
    fn newer_schema_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);
        let err = Store::open(&path).unwrap_err().to_string();
        assert!(err.contains("newer than this tidings"), "{err}");
        assert!(err.contains("t.db"), "{err}");
    }

    /// Issue #17: `--db` naming a FIFO hung for ever; a directory or a symlink loop gave a
    /// message about something else.
    #[test]
    fn a_path_that_cannot_be_a_database_is_refused_saying_why() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        for (path, why) in [
            (dir.path().to_owned(), "it is a directory"),
            (fifo, "not a regular file"),
            (looped, "loop of symbolic links"),
        ] {
            let err = Store::open(&path).unwrap_err().to_string();
            assert!(
                err.contains(&path.display().to_string()) && err.contains(why),
                "{err}"
            );
        }
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
        let err = Store::open(&path).unwrap_err().to_string();
        assert!(
            err.contains("junk.db")
                && err.contains("not a tidings database")
                && !err.contains('\n'),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            vec![0x42u8; 8192],
            "left untouched"
        );
    }

    /// A database cut short (a copy interrupted, a disk that lost its end) is called damaged,
    /// with the way out: the copy kept before its last upgrade when there is one.
    #[test]
    fn a_truncated_database_is_called_damaged_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let mut store = Store::open(&path).unwrap();
            for i in 0..200 {
                store
                    .add_feed(&format!("https://example.com/{i}/{}", "x".repeat(200)), 1)
                    .unwrap();
            }
            store
                .conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let backup = dir.path().join("t.db.v3.20260101-000000.bak");
        std::fs::write(&backup, b"a copy").unwrap();
        let err = Store::open(&path)
            .and_then(|s| s.feeds().map(|_| ()))
            .unwrap_err()
            .diagnosed();
        assert!(
            err.contains("t.db: the file is damaged")
                && err.contains(&format!(
                    "a copy from before its last upgrade is {}",
                    backup.display()
                ))
                && err.contains("move it away"),
            "{err}"
        );
    }

    #[test]
    fn failed_write_rolls_back_everything() {
        let (_dir, mut store) = test_support::temp_store();
        let r: Result<()> = store.write(|tx| {
            tx.execute(
                "INSERT INTO feeds (url, added_at) VALUES ('https://x.example', 0)",
                [],
            )?;
            tx.execute("INSERT INTO nowhere VALUES (1)", [])?;
            Ok(())
        });
        assert!(r.is_err());
        assert!(store.feeds().unwrap().is_empty());
    }
}
