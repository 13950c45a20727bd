//! Output plumbing for headless commands: buffered stdout, broken pipes, and the log file.

use std::io::{self, BufWriter, Stdout};
use std::path::Path;
use std::sync::Mutex;

/// Buffered standard output; callers flush at the end.
pub type Out = BufWriter<Stdout>;

pub fn stdout() -> Out {
    BufWriter::new(io::stdout())
}

/// Writes `value` as JSON, with nothing in it a terminal would obey (`export::json_inert`): feed
/// text reaches stdout, and stdout is often a terminal.
pub fn write_json(
    out: &mut impl io::Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> anyhow::Result<()> {
    let json = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    out.write_all(crate::export::json_inert(&json).as_bytes())?;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed into place: a reader
/// never sees half a file, a full disk leaves nothing behind to block the retry, and a
/// symlink at `path` is never followed (issue #17: `export -o` wrote through a dangling
/// symlink, and through one planted while a big export was built). Without `replace`, anything
/// already at `path` (a file, a symlink, dangling or not) is kept and the write refused.
pub fn write_file(path: &Path, bytes: &[u8], replace: bool) -> anyhow::Result<()> {
    write_file_with(path, replace, |w| Ok(w.write_all(bytes)?))
}

/// [`write_file`], with the contents written by `fill` as they are made (an export of any size
/// streams to the temporary file; on an error nothing is left at `path`).
pub fn write_file_with(
    path: &Path,
    replace: bool,
    fill: impl FnOnce(&mut dyn io::Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::os::unix::fs::PermissionsExt;
    let exists = || anyhow::anyhow!("{} exists; --force replaces it", path.display());
    if !replace && path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let writing = || format!("writing {}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("writing in {}", dir.display()))?;
    // A temporary file is private; the result is a file like any other (or keeps the mode of
    // the one it replaces).
    let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .with_context(writing)?;
    {
        let mut out = io::BufWriter::new(&mut tmp);
        fill(&mut out).with_context(writing)?;
        io::Write::flush(&mut out).with_context(writing)?;
    }
    tmp.as_file().sync_all().with_context(writing)?;
    if replace {
        tmp.persist(path).with_context(writing)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                exists()
            } else {
                anyhow::Error::new(e.error).context(writing())
            }
        })?;
    }
    Ok(())
}

/// Whether `e` is, at bottom, a write to a closed pipe (the reader went away: not an error).
/// `serde_json` keeps the I/O error it met inside its own, out of the error's chain.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// `e` as `{e:#}` shows it (each cause after the one it explains), except that a database
/// error is diagnosed here, where it is shown: the disk is asked what it stands for.
pub fn shown(e: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in e.chain() {
        let store = cause
            .downcast_ref::<crate::store::StoreError>()
            .or_else(
                || match cause.downcast_ref::<crate::fetch::refresh::RefreshError>() {
                    Some(crate::fetch::refresh::RefreshError::Store(s)) => Some(s),
                    _ => None,
                },
            )
            .or_else(
                || match cause.downcast_ref::<crate::fetch::subscribe::SubscribeError>() {
                    Some(crate::fetch::subscribe::SubscribeError::Store(s)) => Some(s),
                    _ => None,
                },
            );
        let text = match store {
            Some(s) => s.diagnosed(),
            None => cause.to_string(),
        };
        // An error that names its source in its own message (`fetching URL: HTTP 401`) would
        // otherwise say it twice.
        if !parts.last().is_some_and(|p: &String| p.ends_with(&text)) {
            parts.push(text);
        }
    }
    // A URL in an error (a feed's, a redirect's) keeps its secrets to itself.
    crate::model::redact::in_text(&parts.join(": ")).into_owned()
}

/// Sends `tracing` output to `DIR/tidings.log`, never to the terminal. If the log cannot be
/// opened, logging is off rather than in the way.
pub fn init_logging(dir: &Path) {
    let file = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("tidings.log"))
    });
    let Ok(file) = file else {
        return;
    };
    let filter = std::env::var("TIDINGS_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter)
        .try_init();
}
