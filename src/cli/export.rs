//! `tidings export`: entries out as Markdown, text, HTML, JSON, Atom or CSV, chosen by ids or by the
//! same filters as `tidings entries` (and the reader's filter language), to stdout or a file.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::Env;
use super::output::Out;
use crate::export::{Format, Options, Totals, Writer};
use crate::model::query::{self, Term, TermKind};
use crate::model::{EntryFilter, EntryId, Query};
use crate::store::Store;

/// Which entries: the same filters as `tidings entries`, and the reader's filter language.
#[derive(Debug, Args)]
pub struct Pick {
    /// Only unread entries.
    #[arg(long)]
    unread: bool,
    /// Only starred entries.
    #[arg(long)]
    starred: bool,
    /// Only this feed (its id, URL or title).
    #[arg(long, value_name = "FEED")]
    feed: Option<String>,
    /// Only feeds with this tag.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Only entries published since: an age (30m, 12h, 7d, 2w) or a date (2024-05-01).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Only entries matching this filter, as typed on the reader's filter line.
    #[arg(long, short = 'q', value_name = "FILTER", allow_hyphen_values = true)]
    query: Option<String>,
}

impl Pick {
    /// The filter these options make, on top of `base` (a saved view's): `--query`, with
    /// `--tag` and `--since` added as its terms.
    pub fn filter(
        &self,
        store: &Store,
        base: Query,
    ) -> anyhow::Result<Result<EntryFilter, String>> {
        let mut q = base;
        if let Some(text) = &self.query {
            match query::parse(text) {
                Ok(parsed) => q.terms.extend(parsed.terms),
                Err(e) => return Ok(Err(format!("--query: {e}"))),
            }
        }
        if let Some(tag) = &self.tag {
            q.terms.push(Term {
                negated: false,
                kind: TermKind::Tag(tag.clone()),
            });
        }
        if let Some(since) = &self.since {
            match query::parse(&format!("since:{since}")) {
                Ok(parsed) => q.terms.extend(parsed.terms),
                Err(e) => return Ok(Err(format!("--since: {e}"))),
            }
        }
        let feed = match &self.feed {
            Some(spec) => Some(store.find_feed(spec)?.id),
            None => None,
        };
        Ok(Ok(EntryFilter {
            unread_only: self.unread,
            starred_only: self.starred,
            feed,
            query: q,
            ..EntryFilter::default()
        }))
    }
}

/// `tidings export` options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// md (Markdown), txt, html, json, atom or csv.
    #[arg(long, short = 'f', default_value = "md", value_name = "FORMAT")]
    format: String,
    /// These entries (ids as `tidings entries` prints them), in this order.
    #[arg(long, num_args = 1.., value_name = "ID")]
    ids: Vec<i64>,
    #[command(flatten)]
    pick: Pick,
    /// Titles, links, feeds, authors and dates only: no bodies.
    #[arg(long)]
    no_bodies: bool,
    /// Write to this file instead of stdout (an existing file is kept unless --force).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Exit status for arguments that cannot be read (like clap's).
pub const USAGE: u8 = 2;

pub fn run(env: &Env, args: &ExportArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::from_name(&args.format) else {
        eprintln!(
            "tidings: --format: \"{}\" is not one of {}",
            args.format,
            Format::NAMES.join(", ")
        );
        return Ok(ExitCode::from(USAGE));
    };
    // Said before a long export is built; said again, atomically, when it is written.
    if let Some(path) = &args.output
        && path.symlink_metadata().is_ok()
        && !args.force
    {
        anyhow::bail!("{} exists; --force replaces it", path.display());
    }
    let store = env.open_store()?;
    let mut options = Options::new(chrono::Utc::now());
    options.bodies = !args.no_bodies;
    // Which entries, and how many (the HTML page says so before its first entry). Ids are
    // read whole (a list typed by hand); a filter's entries stream, one at a time.
    let (listed, filter) = if args.ids.is_empty() {
        match args.pick.filter(&store, Query::default())? {
            Ok(filter) => (None, Some(filter)),
            Err(e) => {
                eprintln!("tidings: {e}");
                return Ok(ExitCode::from(USAGE));
            }
        }
    } else {
        let mut entries = Vec::new();
        for id in &args.ids {
            let entry = store
                .entry(EntryId(*id))?
                .with_context(|| format!("no entry {id} (see `tidings entries`)"))?;
            entries.push(entry);
        }
        (Some(entries), None)
    };
    let totals = match (&listed, &filter) {
        (Some(entries), _) => Totals::of(entries),
        (None, Some(filter)) if format == Format::Html => {
            let (entries, feeds) = store.tally_matching(filter)?;
            Totals { entries, feeds }
        }
        _ => Totals::default(),
    };
    let write = |out: &mut dyn Write| -> anyhow::Result<usize> {
        let mut w = Writer::start(out, format, options.clone(), &totals)?;
        if let Some(entries) = &listed {
            for e in entries {
                w.entry(e)?;
            }
        } else if let Some(filter) = &filter {
            let mut failed = None;
            store.each_entry_matching(filter, |e| match w.entry(&e) {
                Ok(()) => ControlFlow::Continue(()),
                Err(err) => {
                    failed = Some(err);
                    ControlFlow::Break(())
                }
            })?;
            if let Some(err) = failed {
                return Err(err.into());
            }
        }
        let n = w.written();
        w.finish()?;
        Ok(n)
    };
    if let Some(path) = &args.output {
        let mut n = 0;
        super::output::write_file_with(path, args.force, |out| {
            n = write(out)?;
            Ok(())
        })?;
        eprintln!(
            "Exported {} to {}",
            crate::model::count_of(n, "entry", "entries"),
            path.display()
        );
    } else {
        write(out)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `tidings export-opml`: every subscription as OPML.
pub fn opml(
    env: &Env,
    output: Option<&std::path::Path>,
    force: bool,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let feeds = env.open_store()?.feeds()?;
    let doc = crate::export::opml(&feeds);
    if let Some(path) = output {
        super::output::write_file(path, doc.as_bytes(), force)?;
        eprintln!(
            "Exported {} to {}",
            crate::model::count_of(feeds.len(), "feed", "feeds"),
            path.display()
        );
    } else {
        out.write_all(doc.as_bytes())?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
