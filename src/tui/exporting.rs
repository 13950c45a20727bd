//! An export from the reader, as a job (`jobs`): the entries are read on the job's own
//! connection, one at a time, and written as they come to their destination: a new file (never
//! over an existing one), the clipboard (up to what a terminal takes), or the configured
//! command's stdin. It says how far it got, and stops when cancelled; a file it did not finish
//! is removed, so a cancelled or failed export leaves nothing behind.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

use super::clipboard::pipe_to;
use super::jobs::Ctx;
use crate::app::{ExportDestination, ExportTarget, Msg};
use crate::export::{Format, Options, Totals, Writer};
use crate::model::Entry;
use crate::store::Store;

/// The largest export put on the clipboard (terminals cap OSC 52 payloads).
pub const CLIPBOARD_MAX: usize = 100_000;

/// Progress is reported every this many entries.
const STEP: u64 = 250;

/// One export, as the model asked for it.
pub struct Request {
    pub db: PathBuf,
    pub target: ExportTarget,
    pub format: Format,
    pub bodies: bool,
    pub destination: ExportDestination,
    /// `[export] command`.
    pub command: Vec<String>,
}

/// Runs the export; what it made, or why not, goes back through `ctx`.
pub fn run(ctx: &Ctx, req: &Request) {
    match export(ctx, req) {
        Ok(Some(done)) => match done {
            Done::Said(message) => ctx.say(Msg::Info(message)),
            Done::Copy(text, message) => ctx.copy(text, message),
        },
        Ok(None) => {} // cancelled: the model has said so already
        Err(e) => ctx.say(Msg::Failed(e)),
    }
}

enum Done {
    Said(String),
    Copy(String, String),
}

/// Where the entries are written as they come.
enum Sink {
    File {
        path: String,
        file: std::io::BufWriter<std::fs::File>,
    },
    /// In memory: the clipboard (capped) or the command's stdin.
    Memory(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::File { file, .. } => file.write(buf),
            Self::Memory(v) => v.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::File { file, .. } => file.flush(),
            Self::Memory(_) => Ok(()),
        }
    }
}

impl Sink {
    /// How much an in-memory export holds so far.
    fn held(&self) -> usize {
        match self {
            Self::Memory(v) => v.len(),
            Self::File { .. } => 0,
        }
    }
}

fn export(ctx: &Ctx, req: &Request) -> Result<Option<Done>, String> {
    let store = Store::open(&req.db).map_err(|e| e.diagnosed())?;
    let mut options = Options::new(chrono::Utc::now());
    options.bodies = req.bodies;
    let (listed, totals) = listed(&store, &req.target)?;
    let total = totals.entries as u64;
    let sink = match &req.destination {
        ExportDestination::File(path) => Sink::File {
            path: path.clone(),
            file: std::io::BufWriter::new(create_new(path)?),
        },
        ExportDestination::Clipboard | ExportDestination::Command => Sink::Memory(Vec::new()),
    };
    let clipboard = matches!(req.destination, ExportDestination::Clipboard);
    let mut w = Writer::start(sink, req.format, options, &totals).map_err(|e| e.to_string())?;
    // Why the walk stopped early: cancelled (`None`) or failed.
    let mut stop: Option<Option<String>> = None;
    let mut put = |e: &Entry| {
        if ctx.cancelled() {
            stop = Some(None);
            return ControlFlow::Break(());
        }
        if let Err(err) = w.entry(e) {
            stop = Some(Some(err.to_string()));
            return ControlFlow::Break(());
        }
        let done = w.written() as u64;
        if done % STEP == 0 {
            ctx.progress(done, total);
        }
        if clipboard && w.get_ref().held() > CLIPBOARD_MAX {
            stop = Some(Some(format!(
                "more than {} KB, too much for the clipboard: export to a file",
                CLIPBOARD_MAX / 1000
            )));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    };
    let walked = match (&listed, &req.target) {
        (Some(entries), _) => {
            for e in entries {
                if put(e).is_break() {
                    break;
                }
            }
            Ok(())
        }
        (None, ExportTarget::Filter(filter)) => store
            .each_entry_matching(filter, |e| put(&e))
            .map_err(|e| e.diagnosed()),
        (None, ExportTarget::Ids(_)) => Ok(()),
    };
    let n = w.written();
    let finished = match (stop, walked) {
        (None, Ok(())) => w.finish().map_err(|e| Some(e.to_string())),
        (Some(why), _) => Err(why),
        (None, Err(why)) => Err(Some(why)),
    };
    let sink = match finished {
        Ok(sink) => sink,
        Err(why) => {
            // Nothing half-written stays behind.
            if let ExportDestination::File(path) = &req.destination {
                let _ = std::fs::remove_file(path);
            }
            return why.map_or(Ok(None), Err);
        }
    };
    deliver(req, sink, n).map(Some)
}

/// What an export takes, and how much: chosen entries are read first (a selection the user
/// made by hand); a filter's are only counted here and streamed one at a time later (the HTML
/// page says how many, at its top).
fn listed(store: &Store, target: &ExportTarget) -> Result<(Option<Vec<Entry>>, Totals), String> {
    Ok(match target {
        ExportTarget::Ids(ids) => {
            let mut entries = Vec::new();
            for id in ids {
                entries.extend(store.entry(*id).map_err(|e| e.diagnosed())?);
            }
            let totals = Totals::of(&entries);
            (Some(entries), totals)
        }
        ExportTarget::Filter(filter) => {
            let (entries, feeds) = store.tally_matching(filter).map_err(|e| e.diagnosed())?;
            (None, Totals { entries, feeds })
        }
    })
}

/// A finished export of `n` entries handed to its destination: the file is written; text in
/// memory goes to the clipboard (through the loop, which owns the terminal) or the command.
fn deliver(req: &Request, sink: Sink, n: usize) -> Result<Done, String> {
    let noun = if n == 1 { "entry" } else { "entries" };
    let what = format!("{n} {noun} as {}", req.format.label());
    Ok(match sink {
        Sink::File { path, .. } => Done::Said(format!("Exported {what} to {path}")),
        Sink::Memory(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if matches!(req.destination, ExportDestination::Clipboard) {
                Done::Copy(text, format!("Copied {what}"))
            } else {
                let program = req.command.first().cloned().unwrap_or_default();
                pipe_to(&req.command, &text).map_err(|e| format!("exporting to {program}: {e}"))?;
                Done::Said(format!("Sent {what} to {program}"))
            }
        }
    })
}

/// A new file at `path`; an existing one is never replaced.
fn create_new(path: &str) -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{path} exists; e again and give another name")
            }
            _ => format!("writing {path}: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntryFilter;
    use crate::store::{SynthSpec, synth};

    fn store_of(n_feeds: usize, per_feed: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db).unwrap();
        let spec = SynthSpec {
            feeds: n_feeds,
            entries_per_feed: per_feed,
            seed: 7,
            now: 1_800_000_000,
            duplicates_percent: 0,
        };
        synth(&mut store, &spec, |_| {}).unwrap();
        (dir, db)
    }

    fn request(db: PathBuf, path: &str, format: Format) -> Request {
        Request {
            db,
            target: ExportTarget::Filter(EntryFilter::default()),
            format,
            bodies: true,
            destination: ExportDestination::File(path.to_owned()),
            command: Vec::new(),
        }
    }

    fn said(
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<super::super::jobs::JobEvent>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(event) = rx.try_recv() {
            out.push(format!("{event:?}"));
        }
        out
    }

    /// The export streams every entry to the file, with progress on the way, and says so.
    #[test]
    fn an_export_job_writes_every_entry_and_reports_progress() {
        let (dir, db) = store_of(6, 100);
        let path = dir.path().join("out.html").display().to_string();
        let (ctx, mut rx) = Ctx::detached(false);
        run(&ctx, &request(db, &path, Format::Html));
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(
            html.contains("600 entries from 6 feeds"),
            "{}",
            &html[..2000]
        );
        assert_eq!(html.matches("<article>").count(), 600);
        let events = said(&mut rx);
        assert_eq!(
            events.iter().filter(|e| e.starts_with("Progress")).count(),
            2,
            "{events:?}"
        );
        assert!(
            events
                .last()
                .unwrap()
                .contains("Exported 600 entries as HTML"),
            "{events:?}"
        );
    }

    /// Issue #18: a cancelled export stops, says nothing more, and leaves no file behind.
    #[test]
    fn a_cancelled_export_leaves_no_file() {
        let (dir, db) = store_of(2, 50);
        let path = dir.path().join("out.md").display().to_string();
        let (ctx, mut rx) = Ctx::detached(true);
        run(&ctx, &request(db, &path, Format::Markdown));
        assert!(!std::path::Path::new(&path).exists());
        assert_eq!(said(&mut rx), Vec::<String>::new());
    }

    #[test]
    fn an_export_never_replaces_a_file() {
        let (dir, db) = store_of(1, 5);
        let path = dir.path().join("kept.md");
        std::fs::write(&path, "mine").unwrap();
        let (ctx, mut rx) = Ctx::detached(false);
        run(
            &ctx,
            &request(db, &path.display().to_string(), Format::Markdown),
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        let events = said(&mut rx);
        assert!(events[0].contains("exists; e again"), "{events:?}");
    }

    #[test]
    fn the_clipboard_takes_a_small_export_and_refuses_a_large_one() {
        let (_dir, db) = store_of(3, 10);
        let mut req = request(db, "", Format::Text);
        req.destination = ExportDestination::Clipboard;
        req.bodies = false;
        let (ctx, mut rx) = Ctx::detached(false);
        run(&ctx, &req);
        let events = said(&mut rx);
        assert!(events[0].starts_with("Copy"), "{events:?}");
        assert!(
            events[0].contains("Copied 30 entries as plain text"),
            "{events:?}"
        );
        let (_dir, db) = store_of(20, 100);
        let mut req = request(db, "", Format::Json);
        req.destination = ExportDestination::Clipboard;
        let (ctx, mut rx) = Ctx::detached(false);
        run(&ctx, &req);
        let events = said(&mut rx);
        assert!(
            events[0].contains("too much for the clipboard"),
            "{events:?}"
        );
    }
}
