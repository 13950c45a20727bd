//! What went wrong with the database, said in one line a reader can act on: which file, what
//! happened in plain words (not `SQLite`'s result code), and the way out.

use std::path::Path;

use rusqlite::ErrorCode;

/// Why a store operation failed. Messages name the database file.
///
/// Building one does no I/O: it keeps what `SQLite` said, and its `Display` says it in plain
/// words. Where an error is shown to the user, [`StoreError::diagnosed`] also asks the disk what
/// the code stands for (a full disk or a read-only directory behind "cannot open") and names a
/// backup to go back to.
#[derive(Debug)]
pub enum StoreError {
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    /// The path cannot be a database (a directory, a device, a loop of links).
    Unusable {
        path: String,
        why: String,
    },
    /// The copy kept before an upgrade could not be made, so the upgrade was not tried.
    Backup {
        path: String,
        copy: String,
        source: rusqlite::Error,
    },
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    Migration {
        path: String,
        version: i64,
        source: rusqlite::Error,
        /// Where the database stands now (unchanged, and where its backup is).
        kept: String,
    },
    NotFound(String),
    /// A write to a store opened for reading only: why it was (the error that refused it).
    ReadOnly(String),
}

impl std::error::Error for StoreError {}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(|_, _| Disk::default()))
    }
}

impl StoreError {
    pub(super) fn sqlite(path: &str, source: rusqlite::Error) -> Self {
        Self::Sqlite {
            path: path.to_owned(),
            source,
        }
    }

    /// What `SQLite` said, when the failure came from it.
    pub fn sqlite_error(&self) -> Option<&rusqlite::Error> {
        match self {
            Self::Sqlite { source, .. }
            | Self::Backup { source, .. }
            | Self::Migration { source, .. } => Some(source),
            _ => None,
        }
    }

    /// `SQLite`'s primary result code, when the failure came from it.
    pub fn code(&self) -> Option<ErrorCode> {
        self.sqlite_error()
            .and_then(rusqlite::Error::sqlite_error_code)
    }

    /// The message to show: what `Display` says, after asking the disk what the error stands
    /// for (a full disk, a read-only directory) and where the last backup of the file is. Does
    /// I/O (a 4 KiB probe file in the database's directory): call it where the error is shown.
    pub fn diagnosed(&self) -> String {
        self.message(Disk::ask)
    }

    fn message(&self, disk: impl Fn(&str, &rusqlite::Error) -> Disk) -> String {
        let plain =
            |path: &str, source: &rusqlite::Error| describe(path, source, &disk(path, source));
        match self {
            Self::Sqlite { path, source } => format!("database {path}: {}", plain(path, source)),
            Self::Unusable { path, why } => {
                format!("database {path}: {why}; give --db the path of a database file")
            }
            Self::Backup { path, copy, source } => format!(
                "database {path}: could not keep a copy of it in {copy} before upgrading it to \
                 this version of tidings, so it was not upgraded ({}); free some space, or run \
                 the older tidings",
                plain(copy, source)
            ),
            Self::TooNew {
                path,
                found,
                supported,
            } => format!(
                "database {path} has schema version {found}, newer than this tidings \
                 understands ({supported}); upgrade tidings or use another --db"
            ),
            Self::Migration {
                path,
                version,
                source,
                kept,
            } => format!(
                "database {path}: migration to schema version {version} failed: {}; {kept}",
                plain(path, source)
            ),
            Self::NotFound(why) | Self::ReadOnly(why) => why.clone(),
        }
    }

    /// What went wrong first, then the database, for a line that may be cut short (a feed's
    /// failure in the status line). Diagnosed, like [`StoreError::diagnosed`].
    pub fn reason(&self) -> String {
        match self {
            Self::Sqlite { path, source } => format!(
                "{} ({path})",
                describe(path, source, &Disk::ask(path, source))
            ),
            other => other.diagnosed(),
        }
    }

    /// The disk is full, or refuses writes to the file: reading still works.
    pub fn is_write_refused(&self) -> bool {
        matches!(self, Self::ReadOnly(_))
            || matches!(
                self.code(),
                Some(
                    ErrorCode::DiskFull
                        | ErrorCode::ReadOnly
                        | ErrorCode::SystemIoFailure
                        | ErrorCode::CannotOpen
                )
            )
    }
}

/// What the disk says about a failure, asked only where the error is shown.
#[derive(Default)]
struct Disk {
    /// The directory, resolved (`None`: as given).
    dir: Option<String>,
    /// What writing a file in the directory says, when it refuses.
    refusal: Option<ErrorCode>,
    /// A copy of the file from before its last upgrade.
    backup: Option<std::path::PathBuf>,
}

impl Disk {
    fn ask(path: &str, source: &rusqlite::Error) -> Self {
        if source.sqlite_error_code().is_none() {
            return Self::default();
        }
        let parent = parent_of(path);
        Self {
            dir: std::fs::canonicalize(&parent)
                .ok()
                .map(|d| d.display().to_string()),
            refusal: refusal(&parent),
            backup: newest_backup(Path::new(path)),
        }
    }
}

fn parent_of(path: &str) -> std::path::PathBuf {
    match Path::new(path).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => Path::new(".").to_owned(),
    }
}

/// `source` in plain words, with the way out where there is one; `disk` is what the disk said
/// (nothing, when the error is only being displayed).
fn describe(path: &str, source: &rusqlite::Error, disk: &Disk) -> String {
    let Some(code) = source.sqlite_error_code() else {
        return source.to_string();
    };
    let dir = disk
        .dir
        .clone()
        .unwrap_or_else(|| parent_of(path).display().to_string());
    let backup = disk
        .backup
        .as_ref()
        .map(|b| format!("; a copy from before its last upgrade is {}", b.display()))
        .unwrap_or_default();
    // Several codes (cannot open, I/O error) stand for a directory that refuses writes.
    let code = match (code, disk.refusal) {
        (ErrorCode::CannotOpen | ErrorCode::SystemIoFailure | ErrorCode::ReadOnly, Some(why)) => {
            why
        }
        (code, _) => code,
    };
    match code {
        ErrorCode::NotADatabase => format!(
            "this file is not a tidings database (nor any SQLite database), and it was left \
             untouched; move it away to start a new one, or pass --db with the right file{backup}"
        ),
        ErrorCode::DatabaseCorrupt => format!(
            "the file is damaged ({source}); {}move it away to start a new one (`sqlite3 FILE \
             .recover` may save what is left)",
            backup
                .strip_prefix("; ")
                .map(|b| format!("{b}, or "))
                .unwrap_or_default()
        ),
        ErrorCode::DiskFull => {
            "the disk is full; nothing was half-written: free some space and try again".into()
        }
        ErrorCode::ReadOnly => {
            "it is read-only (the file or its directory); reading still works, but marks and \
             refreshes cannot be saved"
                .into()
        }
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
            "another program holds it locked (waited for it, in vain); close that program, or \
             try again"
                .into()
        }
        ErrorCode::CannotOpen => format!(
            "cannot open it: does {dir} exist, and may you read and write there? ({source})"
        ),
        ErrorCode::SystemIoFailure => format!(
            "the disk failed to read or write it ({source}): is it full, or failing? Free some \
             space or check it, and try again"
        ),
        ErrorCode::PermissionDenied => {
            format!("permission denied ({source}); check the file's owner and mode")
        }
        _ => source.to_string(),
    }
}

/// What creating (and filling a page of) a file in `dir` says, when it refuses: the disk is
/// full, or the directory (or its filesystem) is read-only.
fn refusal(dir: &Path) -> Option<ErrorCode> {
    use std::io::Write as _;
    let probe = tempfile::tempfile_in(dir)
        .and_then(|mut f| f.write_all(&[0; 4096]).and_then(|()| f.sync_data()));
    match probe {
        Ok(()) => None,
        Err(e) => match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Some(ErrorCode::DiskFull)
            }
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                Some(ErrorCode::ReadOnly)
            }
            _ => None,
        },
    }
}

/// The newest `FILE.vN.*.bak` beside `db` (the copies kept before migrations).
pub(super) fn newest_backup(db: &Path) -> Option<std::path::PathBuf> {
    let name = db.file_name()?.to_str()?;
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!("{name}.v");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
                && e.path().extension().is_some_and(|x| x == "bak")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_a_database(path: &str) -> StoreError {
        StoreError::sqlite(
            path,
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
                None,
            ),
        )
    }

    /// Issue #18: building and displaying an error asks the disk nothing; `diagnosed`, called
    /// where the error is shown, does (here: it finds the copy kept before an upgrade).
    #[test]
    fn a_store_error_asks_the_disk_only_when_diagnosed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        std::fs::write(dir.path().join("t.db.v4.20261122-101500.bak"), b"x").unwrap();
        let e = not_a_database(&db.display().to_string());
        assert_eq!(e.code(), Some(ErrorCode::NotADatabase));
        assert!(e.sqlite_error().is_some(), "the source is kept");
        let plain = e.to_string();
        assert!(plain.contains("not a tidings database"), "{plain}");
        assert!(!plain.contains(".bak"), "{plain}");
        let shown = e.diagnosed();
        assert!(shown.starts_with(&plain), "{shown}");
        assert!(shown.contains("t.db.v4.20261122-101500.bak"), "{shown}");
    }
}
