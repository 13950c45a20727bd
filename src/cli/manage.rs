//! Managing subscriptions and reading state without the reader: `remove`, `rename`, `tag`,
//! `count` (a cheap unread count for status bars), and `mark` by filter. Feeds are named by
//! id, URL or title, as everywhere on the command line.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use super::Env;
use super::feeds::shown;
use super::output::Out;
use crate::export::subscriptions_file::Edit;
use crate::model::{EntryFilter, count_of, query};

/// `tidings remove FEED`.
pub fn remove(env: &Env, spec: &str, out: &mut Out) -> anyhow::Result<ExitCode> {
    let mut store = env.open_store()?;
    let feed = store.find_feed(spec)?;
    store.remove_feed(feed.id)?;
    env.write_back(&Edit::Remove(&feed.url));
    writeln!(
        out,
        "Unsubscribed from '{}' (feed {}): {} removed",
        shown(&feed.title),
        feed.id.0,
        count_of(
            usize::try_from(feed.total).unwrap_or(usize::MAX),
            "entry",
            "entries"
        )
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `tidings rename FEED [TITLE]`: no title gives the feed its own back.
pub fn rename(
    env: &Env,
    spec: &str,
    title: Option<&str>,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let mut store = env.open_store()?;
    let feed = store.find_feed(spec)?;
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    store.rename_feed(feed.id, title)?;
    env.write_back(&Edit::Rename(&feed.url, title));
    let now = store.find_feed(&feed.id.0.to_string())?;
    writeln!(out, "Feed {} is now '{}'", feed.id.0, shown(&now.title))?;
    Ok(ExitCode::SUCCESS)
}

/// `tidings tag FEED [TAG...]`: the feed's tags become these (none: no tags).
pub fn tag(env: &Env, spec: &str, tags: &[String], out: &mut Out) -> anyhow::Result<ExitCode> {
    let mut store = env.open_store()?;
    let feed = store.find_feed(spec)?;
    let tags: Vec<String> = tags
        .iter()
        // As the help says and the reader's `t` does (found trying it: `tag 2 "x y"` made one
        // tag `x y`).
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || c == ','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    store.set_feed_tags(feed.id, &tags)?;
    let now = store.find_feed(&feed.id.0.to_string())?;
    env.write_back(&Edit::Tags(&feed.url, &now.tags));
    if now.tags.is_empty() {
        writeln!(out, "'{}' has no tags", shown(&now.title))?;
    } else {
        writeln!(
            out,
            "'{}' is tagged {}",
            shown(&now.title),
            now.tags.join(", ")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `tidings count` options.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// Count only what this filter matches (the reader's filter language).
    #[arg(long, short = 'q', value_name = "FILTER", allow_hyphen_values = true)]
    query: Option<String>,
    /// Only this feed (its id, URL or title).
    #[arg(long, value_name = "FEED")]
    feed: Option<String>,
    /// Print entries, unread, starred and feeds as JSON.
    #[arg(long)]
    json: bool,
}

/// `tidings count`: the number of unread entries (for a status bar), from the counts the store
/// keeps; with a filter, one counting query.
pub fn count(env: &Env, args: &CountArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let store = env.open_store()?;
    let counts = store.counts()?;
    let (entries, unread) = if args.query.is_none() && args.feed.is_none() {
        (counts.entries, counts.unread)
    } else {
        store.count_matching(&filter(
            &store,
            args.query.as_deref(),
            args.feed.as_deref(),
        )?)?
    };
    if args.json {
        let json = serde_json::json!({
            "entries": entries,
            "unread": unread,
            "starred": counts.starred,
            "feeds": counts.feeds,
        });
        super::output::write_json(&mut *out, &json, true)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{unread}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The filter a `--query` and a `--feed` name; an unreadable query is an error naming it.
pub fn filter(
    store: &crate::store::Store,
    query: Option<&str>,
    feed: Option<&str>,
) -> anyhow::Result<EntryFilter> {
    let query = match query.map(query::parse).transpose() {
        Ok(q) => q.unwrap_or_default(),
        Err(e) => return Err(super::BadQuery(e.to_string()).into()),
    };
    let feed = match feed {
        Some(spec) => Some(store.find_feed(spec)?.id),
        None => None,
    };
    Ok(EntryFilter {
        feed,
        query,
        ..EntryFilter::default()
    })
}
