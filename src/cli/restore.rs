//! `tidings import EXPORT.json`: an export of our own (`tidings export --format json`, or `e`
//! in the reader) brought back: every item whose guid is stored here gets the read and
//! starred state the export recorded. Nothing is subscribed and nothing else changes.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use super::Env;
use super::output::Out;
use crate::model::{EntryId, Mark, count_of};

/// Whether `text` is one of our JSON exports (`{"version": 1, …, "items": [...]}`).
pub fn is_export(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Restores the read and starred states of the export `text` (from `source`).
pub fn restore(env: &Env, source: &str, text: &str, out: &mut Out) -> anyhow::Result<ExitCode> {
    let doc: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| anyhow::anyhow!("{source}: not a tidings JSON export ({e})"))?;
    let (Some(1), Some(items)) = (doc["version"].as_i64(), doc["items"].as_array()) else {
        anyhow::bail!("{source}: not a tidings JSON export (no version 1 and items)");
    };
    // guid → (read, starred), as exported.
    let wanted: HashMap<&str, (bool, bool)> = items
        .iter()
        .filter_map(|i| {
            let guid = i["guid"].as_str()?;
            Some((guid, (i["read"].as_bool()?, i["starred"].as_bool()?)))
        })
        .collect();
    let mut store = env.open_store()?;
    let stored = store.entries_with_guids()?;
    let mut by_mark: HashMap<Mark, Vec<EntryId>> = HashMap::new();
    let mut matched = 0;
    for (id, guid, read, starred) in stored {
        let Some(&(want_read, want_starred)) = wanted.get(guid.as_str()) else {
            continue;
        };
        matched += 1;
        if read != want_read {
            let mark = if want_read { Mark::Read } else { Mark::Unread };
            by_mark.entry(mark).or_default().push(id);
        }
        if starred != want_starred {
            let mark = if want_starred {
                Mark::Star
            } else {
                Mark::Unstar
            };
            by_mark.entry(mark).or_default().push(id);
        }
    }
    let mut changed = 0;
    for (mark, ids) in &by_mark {
        changed += store.set_mark(ids, *mark)?.len();
    }
    writeln!(
        out,
        "From {source}: {} of {} found here, {changed} marks changed",
        count_of(matched, "entry", "entries"),
        wanted.len()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
