//! What went wrong with the database, said in one line a reader can act on: which file, what
//! happened in plain words (not `SQLite`'s result code), and the way out.

use std::path::Path;

use rusqlite::ErrorCode;

/// Why a store operation failed. Messages name the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {why}")]
    Sqlite {
        path: String,
        /// `SQLite`'s primary result code, when the failure came from it.
        code: Option<ErrorCode>,
        why: String,
    },
    #[error(
        "database {path} has schema version {found}, newer than this tidings understands \
         ({supported}); upgrade tidings or use another --db"
    )]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("database {path}: migration to schema version {version} failed: {why}; {kept}")]
    Migration {
        path: String,
        version: i64,
        why: String,
        /// Where the database stands now (unchanged, and where its backup is).
        kept: String,
    },
    #[error("{0}")]
    NotFound(String),
    /// A write to a store opened for reading only: why it was (the error that refused it).
    #[error("{0}")]
    ReadOnly(String),
}

impl StoreError {
    #[allow(clippy::needless_pass_by_value)] // whole, so that `map_err(|e| …)` stays short
    pub(super) fn sqlite(path: &str, source: rusqlite::Error) -> Self {
        Self::Sqlite {
            path: path.to_owned(),
            code: source.sqlite_error_code(),
            why: explain(path, &source),
        }
    }

    /// What went wrong first, then the database, for a line that may be cut short (a feed's
    /// failure in the status line).
    pub fn reason(&self) -> String {
        match self {
            Self::Sqlite { why, path, .. } => format!("{why} ({path})"),
            other => other.to_string(),
        }
    }

    /// The disk is full, or refuses writes to the file: reading still works.
    pub fn is_write_refused(&self) -> bool {
        matches!(
            self,
            Self::ReadOnly(_)
                | Self::Sqlite {
                    code: Some(
                        ErrorCode::DiskFull
                            | ErrorCode::ReadOnly
                            | ErrorCode::SystemIoFailure
                            | ErrorCode::CannotOpen
                    ),
                    ..
                }
        )
    }
}

/// `source` in plain words, with the way out where there is one.
pub(super) fn explain(path: &str, source: &rusqlite::Error) -> String {
    let Some(code) = source.sqlite_error_code() else {
        return source.to_string();
    };
    let parent = match Path::new(path).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => Path::new(".").to_owned(),
    };
    let dir = std::fs::canonicalize(&parent)
        .unwrap_or(parent.clone())
        .display()
        .to_string();
    // Several codes (cannot open, I/O error) stand for a directory that refuses writes: ask it.
    let code = match (code, refusal(&parent)) {
        (ErrorCode::CannotOpen | ErrorCode::SystemIoFailure | ErrorCode::ReadOnly, Some(why)) => {
            why
        }
        (code, _) => code,
    };
    match code {
        ErrorCode::NotADatabase => format!(
            "this file is not a tidings database (nor any SQLite database), and it was left \
             untouched; move it away to start a new one, or pass --db with the right file{}",
            backup_hint(path)
        ),
        ErrorCode::DatabaseCorrupt => format!(
            "the file is damaged ({source}); {}move it away to start a new one (`sqlite3 FILE \
             .recover` may save what is left)",
            backup_hint(path)
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

/// `"; a backup of it from before the last upgrade is PATH"` when one is next to it.
fn backup_hint(path: &str) -> String {
    newest_backup(Path::new(path))
        .map(|b| format!("; a copy from before its last upgrade is {}", b.display()))
        .unwrap_or_default()
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
