//! Carrying out an export from the reader: the entries from the store, the text from
//! `export`, then a new file (never over an existing one), the clipboard, or the configured
//! command's stdin.

use std::io::Write;

use crate::app::{ExportDestination, ExportTarget};
use crate::export::{Format, Options, export};
use crate::model::Entry;
use crate::store::Store;

/// The largest export put on the clipboard (terminals cap OSC 52 payloads).
pub const CLIPBOARD_MAX: usize = 100_000;

/// The entries `target` means, in stream order (ids: as given).
pub fn entries(store: &Store, target: &ExportTarget) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    match target {
        ExportTarget::Ids(ids) => {
            for id in ids {
                out.extend(store.entry(*id).map_err(|e| e.diagnosed())?);
            }
        }
        ExportTarget::Filter(filter) => {
            out = store
                .entries_matching(filter, usize::MAX)
                .map_err(|e| e.diagnosed())?;
        }
    }
    Ok(out)
}

/// What an export made, for the runtime to deliver.
pub enum Made {
    /// Written to a file; the message says where.
    Done(String),
    /// For the clipboard, with the message to show once copied.
    Clipboard(String, String),
    /// For the configured command's stdin; `what` names it ("3 entries as Markdown").
    Command { text: String, what: String },
}

/// Makes the export, and writes it when it goes to a file (never over an existing one).
pub fn run(
    store: &Store,
    target: &ExportTarget,
    format: Format,
    bodies: bool,
    destination: &ExportDestination,
) -> Result<Made, String> {
    let entries = entries(store, target)?;
    let n = entries.len();
    let noun = if n == 1 { "entry" } else { "entries" };
    let mut options = Options::new(chrono::Utc::now());
    options.bodies = bodies;
    let text = export(&entries, format, &options);
    let what = format!("{n} {noun} as {}", format.label());
    match destination {
        ExportDestination::Clipboard if text.len() > CLIPBOARD_MAX => Err(format!(
            "{n} {noun} make {} KB, too much for the clipboard: export to a file",
            text.len() / 1000
        )),
        ExportDestination::Clipboard => Ok(Made::Clipboard(text, format!("Copied {what}"))),
        ExportDestination::Command => Ok(Made::Command { text, what }),
        ExportDestination::File(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => {
                        format!("{path} exists; e again and give another name")
                    }
                    _ => format!("writing {path}: {e}"),
                })?;
            file.write_all(text.as_bytes())
                .map_err(|e| format!("writing {path}: {e}"))?;
            Ok(Made::Done(format!("Exported {what} to {path}")))
        }
    }
}
