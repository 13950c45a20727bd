//! Entry commands: `entries`, `show`, `mark`.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::Env;
use super::output::Out;
use crate::model::{EntryFilter, EntryId, EntrySummary, Mark, Page, query, sanitize};
use crate::render;

/// `tidings entries` filters.
#[derive(Debug, Args)]
pub struct EntriesArgs {
    /// Only unread entries.
    #[arg(long)]
    unread: bool,
    /// Only starred entries.
    #[arg(long)]
    starred: bool,
    /// Only this feed (its id, URL or title).
    #[arg(long, value_name = "FEED")]
    feed: Option<String>,
    /// Only entries matching this filter, in the reader's filter language: `unread`, `read`,
    /// `starred`, `feed:NAME`, `tag:NAME`, `author:NAME`, `since:7d` (m, h, d, w) or
    /// `since:2024-05-01`, `before:…`, words (`word*` for a prefix) and "phrases" searched in
    /// titles, authors and bodies; `-` before a term negates it; every term must hold. A
    /// filter that cannot be read exits with status 2.
    #[arg(long, short = 'q', value_name = "FILTER", allow_hyphen_values = true)]
    query: Option<String>,
    /// At most N entries.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// The order: newest (first, the default), oldest, feed (feed by feed, newest first in
    /// each) or unread (first).
    #[arg(long, value_name = "ORDER", value_parser = parse_sort, default_value = "newest")]
    sort: crate::model::Sort,
    /// Print a JSON array instead of text.
    #[arg(long)]
    json: bool,
    /// Every copy of a story several feeds tell (by default each story once, from the feed
    /// that brought it first; `--feed` shows that feed's copies anyway).
    #[arg(long)]
    copies: bool,
}

fn parse_sort(text: &str) -> Result<crate::model::Sort, String> {
    crate::model::Sort::from_name(text)
        .ok_or_else(|| format!("\"{text}\" is not an order (newest, oldest, feed or unread)"))
}

/// `tidings mark` arguments: entry ids and exactly one mark.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("mark").required(true).multiple(false))]
pub struct MarkArgs {
    /// Entry ids (as `tidings entries` prints them); or --query / --feed instead.
    #[arg(value_name = "ENTRY", required_unless_present_any = ["query", "feed"])]
    entries: Vec<i64>,
    /// Mark every entry this filter matches (the reader's filter language).
    #[arg(
        long,
        short = 'q',
        value_name = "FILTER",
        allow_hyphen_values = true,
        conflicts_with = "entries"
    )]
    query: Option<String>,
    /// Mark every entry of this feed (its id, URL or title); with --query, those of it that match.
    #[arg(long, value_name = "FEED", conflicts_with = "entries")]
    feed: Option<String>,
    #[arg(long, group = "mark")]
    read: bool,
    #[arg(long, group = "mark")]
    unread: bool,
    #[arg(long, group = "mark")]
    star: bool,
    #[arg(long, group = "mark")]
    unstar: bool,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: i64,
    guid: Option<&'a str>,
    feed: &'a str,
    title: &'a str,
    link: Option<&'a str>,
    published: String,
    author: Option<&'a str>,
    read: bool,
    starred: bool,
    labels: &'a [String],
    enclosures: Vec<crate::model::Enclosure>,
    /// The other feeds that tell the same story.
    also_in: &'a [String],
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Streams the matching entries page by page, so memory stays flat and output starts at once.
pub fn list(env: &Env, args: &EntriesArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let query = match args.query.as_deref().map(query::parse).transpose() {
        Ok(query) => query.unwrap_or_default(),
        Err(e) => return Err(super::BadQuery(e.to_string()).into()),
    };
    let store = env.open_store()?;
    let feed = match &args.feed {
        Some(spec) => Some(store.find_feed(spec)?.id),
        None => None,
    };
    let filter = EntryFilter {
        unread_only: args.unread,
        starred_only: args.starred,
        feed,
        query,
        sort: args.sort,
        with_copies: args.copies,
        ..EntryFilter::default()
    };
    let mut left = args.limit.unwrap_or(usize::MAX);
    let mut page = Page::First;
    let mut first = true;
    if args.json {
        write!(out, "[")?;
    }
    while left > 0 {
        let rows = store.entries_page(&filter, page, left.min(500))?;
        let Some(last) = rows.last() else { break };
        page = Page::Older(last.cursor());
        left -= rows.len();
        let mut enclosures = if args.json {
            let ids: Vec<EntryId> = rows.iter().map(|r| r.id).collect();
            store.enclosures_of(&ids)?
        } else {
            std::collections::HashMap::new()
        };
        for row in &rows {
            if args.json {
                writeln!(out, "{}", if first { "" } else { "," })?;
                let mine = enclosures.remove(&row.id).unwrap_or_default();
                super::output::write_json(&mut *out, &json_row(row, mine), false)?;
            } else {
                text_row(out, row)?;
            }
            first = false;
        }
        out.flush()?;
    }
    if args.json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn json_row(row: &EntrySummary, enclosures: Vec<crate::model::Enclosure>) -> EntryJson<'_> {
    EntryJson {
        id: row.id.0,
        guid: row.guid.as_deref(),
        feed: &row.feed_title,
        title: &row.title,
        link: row.link.as_deref(),
        published: iso(row.published),
        author: row.author.as_deref(),
        read: row.read,
        starred: row.starred,
        labels: &row.labels,
        enclosures,
        also_in: &row.also_in,
    }
}

fn text_row(out: &mut Out, row: &EntrySummary) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>7}  {}  {}{}  {}: {}{}{}",
        row.id.0,
        row.published.format("%Y-%m-%d %H:%M"),
        if row.read { ' ' } else { 'N' },
        if row.starred { '*' } else { ' ' },
        sanitize::line(&row.feed_title),
        sanitize::line(&row.title),
        row.labels.iter().fold(String::new(), |mut out, l| {
            out.push_str("  [");
            out.push_str(&sanitize::line(l));
            out.push(']');
            out
        }),
        if row.also_in.is_empty() {
            String::new()
        } else {
            format!("  (also in: {})", sanitize::line(&row.also_in.join(", ")))
        }
    )
}

pub async fn show(
    env: &Env,
    id: i64,
    width: usize,
    full: bool,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let store = env.open_store()?;
    let Some(mut entry) = store.entry(EntryId(id))? else {
        anyhow::bail!("no entry {id} (see `tidings entries` for ids)");
    };
    let mut failed = None;
    if full && entry.article.as_ref().and_then(|a| a.html()).is_none() {
        failed = super::articles::fetch(env, EntryId(id)).await?;
        entry = store.entry(EntryId(id))?.unwrap_or(entry);
    }
    let e = &entry.summary;
    writeln!(out, "{}", sanitize::line(&e.title))?;
    write!(
        out,
        "{} · {}",
        sanitize::line(&e.feed_title),
        e.published.format("%Y-%m-%d %H:%M UTC")
    )?;
    if let Some(author) = &e.author {
        write!(out, " · {}", sanitize::line(author))?;
    }
    writeln!(out)?;
    if let Some(link) = &e.link {
        writeln!(out, "{}", sanitize::line(link))?;
    }
    let copies = store.copies_of(e.id)?;
    if !copies.is_empty() {
        let named: Vec<String> = copies
            .iter()
            .map(|c| format!("{} (entry {})", sanitize::line(&c.feed_title), c.id.0))
            .collect();
        writeln!(out, "Also in: {}", named.join(", "))?;
    }
    for (i, enc) in entry.enclosures.iter().enumerate() {
        writeln!(
            out,
            "[E{}] {}  {}",
            i + 1,
            sanitize::line(&enc.describe()),
            sanitize::line(&enc.url)
        )?;
    }
    if let Some(article) = &entry.article {
        writeln!(out, "{}", article.describe())?;
    }
    writeln!(out)?;
    let (html, base) = entry.shown_html();
    let body = render::plain(html, base, width.max(10));
    writeln!(out, "{}", sanitize::block(&body))?;
    out.flush()?;
    if let Some(why) = failed {
        eprintln!("tidings: no whole article for entry {id}: {why} (the feed's text is printed)");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn mark(env: &Env, args: &MarkArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let (mark, word) = if args.read {
        (Mark::Read, "read")
    } else if args.unread {
        (Mark::Unread, "unread")
    } else if args.star {
        (Mark::Star, "starred")
    } else {
        (Mark::Unstar, "unstarred")
    };
    let mut store = env.open_store()?;
    if args.query.is_some() || args.feed.is_some() {
        let filter = super::manage::filter(&store, args.query.as_deref(), args.feed.as_deref())?;
        let changed = store.mark_matching(&filter, mark, None)?.len();
        writeln!(
            out,
            "Marked {} {word}",
            crate::model::count_of(changed, "entry", "entries")
        )?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut missing = Vec::new();
    let mut ids = Vec::new();
    for &id in &args.entries {
        match store.entry(EntryId(id))? {
            Some(_) => ids.push(EntryId(id)),
            None => missing.push(id.to_string()),
        }
    }
    let changed = store.set_mark(&ids, mark)?.len();
    write!(
        out,
        "Marked {} {word}",
        crate::model::count_of(changed, "entry", "entries")
    )?;
    if changed < ids.len() {
        write!(out, " ({} already were)", ids.len() - changed)?;
    }
    writeln!(out)?;
    out.flush()?;
    if missing.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        anyhow::bail!("no such entries: {}", missing.join(", "))
    }
}
