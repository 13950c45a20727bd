//! `tidings import newsboat`: a newsboat user moves in. Their `urls` file gives the feeds
//! (tags, `"~Title"` renames; query feeds, `exec:` and `filter:` lines are reported, never run),
//! and their `cache.db` every entry with its read and flagged (starred here) state, so the
//! history comes along before the first refresh.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::Env;
use super::output::Out;
use crate::model::{EntryFilter, IncomingEntry, IncomingFeed, Mark, Page};
use crate::store::{FetchMeta, NewsboatFeed, Store, read_newsboat_cache};

/// newsboat's own place for `name`: the XDG directory if it is there, else `~/.newsboat`.
fn newsboat_file(xdg_var: &str, xdg_default: &str, name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let xdg = std::env::var_os(xdg_var)
        .map_or_else(|| home.join(xdg_default), PathBuf::from)
        .join("newsboat")
        .join(name);
    Some(if xdg.exists() {
        xdg
    } else {
        home.join(".newsboat").join(name)
    })
}

pub fn import(
    env: &Env,
    urls: Option<PathBuf>,
    cache: Option<PathBuf>,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let urls = urls.or_else(|| newsboat_file("XDG_CONFIG_HOME", ".config", "urls"));
    let cache = cache.or_else(|| newsboat_file("XDG_DATA_HOME", ".local/share", "cache.db"));
    let urls = urls.context("no home directory to find newsboat's urls file in; pass --urls")?;
    let status = super::feeds::import(env, &urls, out)?;
    let Some(cache) = cache.filter(|c| c.exists()) else {
        writeln!(
            out,
            "No newsboat cache found: feeds only (--cache FILE to bring entries)"
        )?;
        return Ok(status);
    };
    let feeds = read_newsboat_cache(&cache)?;
    let mut store = env.open_store()?;
    let (mut entries, mut read, mut starred) = (0, 0, 0);
    for feed in &feeds {
        let (r, s) = carry(&mut store, feed)?;
        entries += feed.items.len();
        read += r;
        starred += s;
    }
    writeln!(
        out,
        "From {}: {entries} entries of {} feeds, {read} read, {starred} flagged (now starred)",
        cache.display(),
        feeds.len()
    )?;
    out.flush()?;
    Ok(status)
}

/// Stores one newsboat feed's items and their states; returns how many were read and flagged.
fn carry(store: &mut Store, feed: &NewsboatFeed) -> anyhow::Result<(usize, usize)> {
    let now = super::feeds::now();
    let (id, _) = store.add_feed_titled(&feed.url, feed.title.as_deref(), now)?;
    let incoming = IncomingFeed {
        title: feed.title.clone(),
        site_url: None,
        ttl_minutes: None,
        entries: feed
            .items
            .iter()
            .map(|i| IncomingEntry {
                key: i.guid.clone(),
                guid: Some(i.guid.clone()),
                title: i.title.clone(),
                link: i.url.clone(),
                author: i.author.clone(),
                published: chrono::DateTime::from_timestamp(i.published, 0),
                updated: None,
                content_html: i.content.clone(),
            })
            .collect(),
    };
    store.record_success(id, &incoming, &FetchMeta::default(), now)?;
    let filter = EntryFilter {
        feed: Some(id),
        ..EntryFilter::default()
    };
    let (mut to_read, mut to_star) = (Vec::new(), Vec::new());
    let mut page = Page::First;
    loop {
        let rows = store.entries_page(&filter, page, 500)?;
        let Some(last) = rows.last() else { break };
        page = Page::Older(last.cursor());
        for row in &rows {
            let Some(item) = feed
                .items
                .iter()
                .find(|i| Some(&i.guid) == row.guid.as_ref())
            else {
                continue;
            };
            if !item.unread {
                to_read.push(row.id);
            }
            if item.flagged {
                to_star.push(row.id);
            }
        }
    }
    store.set_mark(&to_read, Mark::Read)?;
    store.set_mark(&to_star, Mark::Star)?;
    Ok((to_read.len(), to_star.len()))
}
