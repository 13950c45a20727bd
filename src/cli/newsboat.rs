//! `tidings import newsboat`: a newsboat user moves in. Their `urls` file gives the feeds
//! (tags, `"~Title"` renames; `exec:` and `filter:` lines are reported, never run) and saved
//! views: each query feed whose filter converts is appended to the config as a `[[views]]`
//! table. Their `config` gives rules: its `ignore-article` and `highlight-article` lines whose
//! filters convert are appended as `[[rules]]` tables. Their `cache.db` gives every entry
//! with its read state and flags, so the history comes along before the first refresh.
//!
//! Flags: an entry with any flag is starred, since flagging is how a newsboat user keeps
//! things; and each flag letter becomes a label, `flag-a` for `a`, so several flags stay
//! several labels. An uppercase letter is `flag-A-upper`: label names here ignore case, where
//! newsboat's `a` and `A` are two flags.
//!
//! [`killfile`] reads newsboat's config and converts its `ignore-article` and
//! `highlight-article` lines to rules; [`append`] appends the views and rules to the config.

mod append;
mod killfile;

pub use append::add_saved_views;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::Env;
use super::output::Out;
use crate::model::{EntryFilter, EntryId, IncomingEntry, IncomingFeed, Mark, Page};
use crate::store::{FetchMeta, NewsboatFeed, Store, read_newsboat_cache};

/// newsboat's own place for `name`: the XDG directory if it is there, else `~/.newsboat`.
/// An XDG variable that is empty or not an absolute path counts as unset (the XDG spec).
fn newsboat_file(xdg_var: &str, xdg_default: &str, name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let xdg = std::env::var_os(xdg_var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(xdg_default))
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
    let config = newsboat_file("XDG_CONFIG_HOME", ".config", "config");
    let urls = urls.context("no home directory to find newsboat's urls file in; pass --urls")?;
    let (status, subscribed) = super::feeds::import_subscribing(env, &urls, out)?;
    if let Some(config) = config.filter(|c| c.exists()) {
        killfile::add_newsboat_rules(env, &config, out)?;
    }
    let Some(cache) = cache.filter(|c| c.exists()) else {
        writeln!(
            out,
            "No newsboat cache found: feeds only (--cache FILE to bring entries)"
        )?;
        return Ok(status);
    };
    let feeds = read_newsboat_cache(&cache)?;
    let mut store = env.open_store()?;
    let (mut entries, mut read, mut starred, mut carried, mut deleted) = (0, 0, 0, 0, 0);
    let mut by_flag = BTreeMap::new();
    // Only the feeds the urls file subscribed: the cache also holds feeds removed from it, and
    // whatever it says is not trusted further than the urls file (issue #17: `exec:`,
    // `javascript:` and `file:` URLs from a cache were subscribed).
    let (listed, unlisted): (Vec<_>, Vec<_>) =
        feeds.iter().partition(|f| subscribed.contains(&f.url));
    for feed in listed {
        let (r, s) = carry(&mut store, feed, &mut by_flag)?;
        deleted += feed.items.iter().filter(|i| i.deleted).count();
        entries += feed.items.len();
        read += r;
        starred += s;
        carried += 1;
    }
    let labels = label_flags(&mut store, &by_flag)?;
    let labelled = if labels.is_empty() {
        String::new()
    } else {
        format!("; their flags are labels {}", labels.join(", "))
    };
    writeln!(
        out,
        "From {}: {} of {}, {read} read, {starred} flagged (now starred{labelled})",
        cache.display(),
        crate::model::count_of(entries, "entry", "entries"),
        crate::model::count_of(carried, "feed", "feeds"),
    )?;
    if deleted > 0 {
        writeln!(
            out,
            "{deleted} of them deleted in newsboat: brought in read, so a refresh does not bring \
             them back as unread"
        )?;
    }
    if !unlisted.is_empty() {
        writeln!(
            out,
            "Left in the cache: {} feeds the urls file does not subscribe (or names with a \
             scheme tidings does not fetch)",
            unlisted.len()
        )?;
    }
    out.flush()?;
    Ok(status)
}

/// Stores one newsboat feed's items and their states, and adds its flagged entries to
/// `by_flag` (by letter); returns how many were read and flagged.
fn carry(
    store: &mut Store,
    feed: &NewsboatFeed,
    by_flag: &mut BTreeMap<char, Vec<EntryId>>,
) -> anyhow::Result<(usize, usize)> {
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
                enclosures: Vec::new(),
            })
            .collect(),
    };
    // newsboat's validators: the first refresh asks "changed since?" instead of downloading
    // every feed again.
    let meta = FetchMeta {
        etag: feed.etag.as_deref(),
        last_modified: feed.last_modified.as_deref(),
        ..FetchMeta::default()
    };
    store.record_success(id, &incoming, &meta, now)?;
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
            if !item.unread || item.deleted {
                to_read.push(row.id);
            }
            if !item.flags.is_empty() {
                to_star.push(row.id);
            }
            for letter in item.flags.chars() {
                by_flag.entry(letter).or_default().push(row.id);
            }
        }
    }
    store.set_mark(&to_read, Mark::Read)?;
    store.set_mark(&to_star, Mark::Star)?;
    Ok((to_read.len(), to_star.len()))
}

/// The label newsboat's flag `letter` becomes.
fn flag_label(letter: char) -> String {
    if letter.is_ascii_uppercase() {
        format!("flag-{letter}-upper")
    } else {
        format!("flag-{letter}")
    }
}

/// Labels the entries of each flag letter (one mark per label); returns the labels' names.
fn label_flags(
    store: &mut Store,
    by_flag: &BTreeMap<char, Vec<EntryId>>,
) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::with_capacity(by_flag.len());
    for (letter, ids) in by_flag {
        let Some((label, name)) = store.label_id(&flag_label(*letter))? else {
            continue;
        };
        store.set_mark(ids, Mark::Label(label))?;
        names.push(name);
    }
    names.sort_by_key(|n| n.to_lowercase());
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(guid: &str, flags: &str) -> crate::store::NewsboatItem {
        crate::store::NewsboatItem {
            guid: guid.into(),
            title: guid.into(),
            author: None,
            url: None,
            published: 1_700_000_000,
            content: String::new(),
            unread: true,
            flags: flags.into(),
            deleted: false,
        }
    }

    #[test]
    fn each_flag_letter_is_a_label_and_any_flag_a_star() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let feed = NewsboatFeed {
            url: "https://x.example/feed".into(),
            title: Some("X".into()),
            etag: None,
            last_modified: None,
            items: vec![item("one", "sB"), item("two", "a"), item("three", "")],
        };
        let mut by_flag = BTreeMap::new();
        let (read, starred) = carry(&mut store, &feed, &mut by_flag).unwrap();
        assert_eq!((read, starred), (0, 2));
        let names = label_flags(&mut store, &by_flag).unwrap();
        assert_eq!(names, ["flag-a", "flag-B-upper", "flag-s"]);
        let labels: Vec<(String, u64)> = store
            .labels()
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.entries))
            .collect();
        assert_eq!(
            labels,
            [
                ("flag-a".into(), 1),
                ("flag-B-upper".into(), 1),
                ("flag-s".into(), 1)
            ]
        );
        // `b` and `B` are two flags, so two labels, though label names ignore case.
        assert_eq!(flag_label('b'), "flag-b");
        assert_eq!(flag_label('B'), "flag-B-upper");
    }
}
