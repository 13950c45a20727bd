//! `tidings export`: entries out as Markdown, text, JSON, Atom or CSV, chosen by ids or by the
//! same filters as `tidings entries` (and the reader's filter language), to stdout or a file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::Env;
use super::output::Out;
use crate::export::{Format, export};
use crate::model::query::{self, Term, TermKind};
use crate::model::{Entry, EntryFilter, EntryId, Page};

/// `tidings export` options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// md (Markdown), txt, json, atom or csv.
    #[arg(long, short = 'f', default_value = "md", value_name = "FORMAT")]
    format: String,
    /// These entries (ids as `tidings entries` prints them), in this order.
    #[arg(long, num_args = 1.., value_name = "ID")]
    ids: Vec<i64>,
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
    /// Write to this file instead of stdout (an existing file is kept unless --force).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// Exit status for arguments that cannot be read (like clap's).
const USAGE: u8 = 2;

/// The filter the options make: `--query`, with `--tag` and `--since` added as its terms.
fn query_of(args: &ExportArgs) -> Result<crate::model::Query, String> {
    let mut q = match &args.query {
        Some(text) => query::parse(text).map_err(|e| format!("--query: {e}"))?,
        None => crate::model::Query::default(),
    };
    if let Some(tag) = &args.tag {
        q.terms.push(Term {
            negated: false,
            kind: TermKind::Tag(tag.clone()),
        });
    }
    if let Some(since) = &args.since {
        let parsed =
            query::parse(&format!("since:{since}")).map_err(|e| format!("--since: {e}"))?;
        q.terms.extend(parsed.terms);
    }
    Ok(q)
}

pub fn run(env: &Env, args: &ExportArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let Some(format) = Format::from_name(&args.format) else {
        eprintln!(
            "tidings: --format: \"{}\" is not one of {}",
            args.format,
            Format::NAMES.join(", ")
        );
        return Ok(ExitCode::from(USAGE));
    };
    let query = match query_of(args) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("tidings: {e}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    if let Some(path) = &args.output
        && path.exists()
        && !args.force
    {
        anyhow::bail!("{} exists; --force replaces it", path.display());
    }
    let store = env.open_store()?;
    let mut entries: Vec<Entry> = Vec::new();
    if args.ids.is_empty() {
        let feed = match &args.feed {
            Some(spec) => Some(store.find_feed(spec)?.id),
            None => None,
        };
        let filter = EntryFilter {
            unread_only: args.unread,
            starred_only: args.starred,
            feed,
            query,
        };
        let mut page = Page::First;
        loop {
            let rows = store.entries_page(&filter, page, 500)?;
            let Some(last) = rows.last() else { break };
            page = Page::Older(last.cursor());
            for row in &rows {
                entries.extend(store.entry(row.id)?);
            }
        }
    } else {
        for id in &args.ids {
            let entry = store
                .entry(EntryId(*id))?
                .with_context(|| format!("no entry {id} (see `tidings entries`)"))?;
            entries.push(entry);
        }
    }
    let text = export(&entries, format, chrono::Utc::now());
    if let Some(path) = &args.output {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("Exported {} entries to {}", entries.len(), path.display());
    } else {
        out.write_all(text.as_bytes())?;
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
    if let Some(path) = output
        && path.exists()
        && !force
    {
        anyhow::bail!("{} exists; --force replaces it", path.display());
    }
    let feeds = env.open_store()?.feeds()?;
    let doc = crate::export::opml(&feeds);
    if let Some(path) = output {
        std::fs::write(path, doc).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("Exported {} feeds to {}", feeds.len(), path.display());
    } else {
        out.write_all(doc.as_bytes())?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
