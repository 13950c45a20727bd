//! Carrying out an export from the reader: the entries from the store, the text from
//! `export`, then a new file (never over an existing one) or the clipboard.

use std::io::Write;

use crate::app::{ExportDestination, ExportTarget};
use crate::export::{Format, export};
use crate::model::{Entry, Page};
use crate::store::Store;

/// The largest export put on the clipboard (terminals cap OSC 52 payloads).
pub const CLIPBOARD_MAX: usize = 100_000;

/// The entries `target` means, in stream order (ids: as given).
pub fn entries(store: &Store, target: &ExportTarget) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    match target {
        ExportTarget::Ids(ids) => {
            for id in ids {
                out.extend(store.entry(*id).map_err(|e| e.to_string())?);
            }
        }
        ExportTarget::Filter(filter) => {
            let mut page = Page::First;
            loop {
                let rows = store
                    .entries_page(filter, page, 500)
                    .map_err(|e| e.to_string())?;
                let Some(last) = rows.last() else { break };
                page = Page::Older(last.cursor());
                for row in &rows {
                    out.extend(store.entry(row.id).map_err(|e| e.to_string())?);
                }
            }
        }
    }
    Ok(out)
}

/// Writes the export; returns the text for the clipboard when that is where it goes, and the
/// message for the status line.
pub fn run(
    store: &Store,
    target: &ExportTarget,
    format: &str,
    destination: &ExportDestination,
) -> Result<(Option<String>, String), String> {
    let format = Format::from_name(format).ok_or_else(|| format!("no export format {format}"))?;
    let entries = entries(store, target)?;
    let n = entries.len();
    let noun = if n == 1 { "entry" } else { "entries" };
    let text = export(&entries, format, chrono::Utc::now());
    match destination {
        ExportDestination::Clipboard if text.len() > CLIPBOARD_MAX => Err(format!(
            "{n} {noun} make {} KB, too much for the clipboard: export to a file",
            text.len() / 1000
        )),
        ExportDestination::Clipboard => Ok((Some(text), format!("Copied {n} {noun} as Markdown"))),
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
            Ok((None, format!("Exported {n} {noun} to {path}")))
        }
    }
}
