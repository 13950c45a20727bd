//! `tidings import newsboat`: a newsboat user moves in. Their `urls` file gives the feeds
//! (tags, `"~Title"` renames; `exec:` and `filter:` lines are reported, never run) and saved
//! views: each query feed whose filter converts is appended to the config as a `[[views]]`
//! table. Their `cache.db` gives every entry with its read and flagged (starred here) state, so
//! the history comes along before the first refresh.
//!
//! The config is only ever appended to, never rewritten: the new text must parse, with the
//! views read back as meant, before it replaces the file (through a temporary file and a
//! rename). A config that does not parse is left alone and the views are printed to paste.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::Env;
use super::output::Out;
use crate::config::Config;
use crate::export::SavedView;
use crate::model::{EntryFilter, IncomingEntry, IncomingFeed, Mark, Page};
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
    let urls = urls.context("no home directory to find newsboat's urls file in; pass --urls")?;
    let (status, subscribed) = super::feeds::import_subscribing(env, &urls, out)?;
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
    // Only the feeds the urls file subscribed: the cache also holds feeds removed from it, and
    // whatever it says is not trusted further than the urls file (issue #17: `exec:`,
    // `javascript:` and `file:` URLs from a cache were subscribed).
    let (listed, unlisted): (Vec<_>, Vec<_>) =
        feeds.iter().partition(|f| subscribed.contains(&f.url));
    for feed in listed {
        let (r, s) = carry(&mut store, feed)?;
        deleted += feed.items.iter().filter(|i| i.deleted).count();
        entries += feed.items.len();
        read += r;
        starred += s;
        carried += 1;
    }
    writeln!(
        out,
        "From {}: {entries} entries of {carried} feeds, {read} read, {starred} flagged (now starred)",
        cache.display(),
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
            if item.flagged {
                to_star.push(row.id);
            }
        }
    }
    store.set_mark(&to_read, Mark::Read)?;
    store.set_mark(&to_star, Mark::Star)?;
    Ok((to_read.len(), to_star.len()))
}

/// Adds a urls file's query feeds that convert to the config, as saved views.
pub fn add_saved_views(env: &Env, views: &[SavedView], out: &mut Out) -> anyhow::Result<()> {
    match env.config_path.clone() {
        Some(path) => add_views(&path, views, out),
        None => paste(
            &views.iter().collect::<Vec<_>>(),
            "there is no config file to add them to",
            out,
        ),
    }
}

/// Appends `views` to the config at `path` (created, with its directory, if missing), except
/// those whose name it already has, and says what it did.
fn add_views(path: &Path, views: &[SavedView], out: &mut impl Write) -> anyhow::Result<()> {
    // Through a symbolic link to the file it names: a config kept with dotfiles stays there.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let shown = path.display();
    let all: Vec<&SavedView> = views.iter().collect();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return paste(&all, &format!("{shown} could not be read ({e})"), out),
    };
    let before = match Config::parse(&text, &path) {
        Ok(config) => config.views,
        Err(e) => return paste(&all, &format!("{e}; it was left as it is"), out),
    };
    let mut names: HashSet<&str> = before.iter().map(|v| v.name.as_str()).collect();
    let (new, old): (Vec<&SavedView>, Vec<&SavedView>) =
        views.iter().partition(|v| names.insert(&v.name));
    for v in &old {
        writeln!(
            out,
            "view '{}' is already in {shown}: left as it is",
            v.name
        )?;
    }
    if new.is_empty() {
        return Ok(());
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut updated = text.clone();
    if !updated.is_empty() {
        if !updated.ends_with('\n') {
            updated.push_str(newline);
        }
        updated.push_str(newline);
    }
    updated.push_str(&tables(&new, newline)?);
    let meant = |c: &Config| {
        c.views.len() == before.len() + new.len()
            && c.views[before.len()..]
                .iter()
                .zip(&new)
                .all(|(got, want)| got.name == want.name && got.filter == want.filter)
    };
    match Config::parse(&updated, &path) {
        Ok(config) if meant(&config) => {}
        Ok(_) => return paste(&new, "they did not read back as written", out),
        Err(e) => return paste(&new, &format!("with them, {e}"), out),
    }
    replace(&path, &updated)?;
    writeln!(out, "Saved views added to {shown}:")?;
    for v in &new {
        writeln!(
            out,
            "  view '{}': {}",
            crate::model::sanitize::line(&v.name),
            crate::model::sanitize::line(&v.filter)
        )?;
    }
    Ok(())
}

/// The `[[views]]` tables for `views`, under a comment saying where they came from.
fn tables(views: &[&SavedView], newline: &str) -> anyhow::Result<String> {
    let mut out =
        format!("# Saved views from newsboat's query feeds (tidings import newsboat){newline}");
    for (i, v) in views.iter().enumerate() {
        if i > 0 {
            out.push_str(newline);
        }
        let (name, filter) = (toml_string(&v.name)?, toml_string(&v.filter)?);
        write!(
            out,
            "[[views]]{newline}name = {name}{newline}filter = {filter}{newline}"
        )?;
    }
    Ok(out)
}

/// `s` as a TOML basic string. A JSON string is one, for text without DEL (which sanitised
/// text never has), and the toml crate is built here without its writer; what it writes is
/// read back by the toml parser before it is kept.
fn toml_string(s: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string(s)?)
}

/// Prints `views` for the user to paste into the config, with why they were not added.
fn paste(views: &[&SavedView], why: &str, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "Saved views not added to the config: {why}. To keep them, paste these into it:\n"
    )?;
    write!(out, "{}", tables(views, "\n")?)?;
    Ok(())
}

/// Replaces the file at `path` with `text` through a temporary file beside it, keeping the
/// file's permissions; creates its directory if missing.
fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the config directory {}", dir.display()))?;
    let writing = || format!("writing {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".tidings-config")
        .tempfile_in(dir)
        .with_context(writing)?;
    tmp.write_all(text.as_bytes()).with_context(writing)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(writing)?;
    }
    tmp.as_file().sync_all().with_context(writing)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(writing)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(line: usize, name: &str, filter: &str) -> SavedView {
        SavedView {
            line,
            name: name.into(),
            filter: filter.into(),
        }
    }

    fn add(path: &Path, views: &[SavedView]) -> String {
        let mut out = Vec::new();
        add_views(path, views, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_missing_config_is_created_with_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings/config.toml");
        let out = add(&path, &[view(3, "Unread tech", "unread tag:tech")]);
        assert!(
            out.ends_with("  view 'Unread tech': unread tag:tech\n"),
            "{out}"
        );
        let config = Config::load(&path, true).unwrap();
        assert_eq!(config.views[0].name, "Unread tech");
        assert_eq!(config.views[0].query.to_string(), "unread tag:tech");
    }

    #[test]
    fn the_user_text_stays_and_known_names_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mine = "# mine\r\n[reader]\r\nmax_width = 80 # wide\r\n\r\n[[views]]\r\nname = \"Old\"\r\nfilter = \"starred\"";
        std::fs::write(&path, mine).unwrap();
        let out = add(
            &path,
            &[
                view(1, "Old", "unread"),
                view(2, "Say \"hi\" \\ there", "\"a b\" feed:x"),
                view(3, "Say \"hi\" \\ there", "unread"),
            ],
        );
        assert!(out.contains("view 'Old' is already in"), "{out}");
        assert!(
            out.contains("view 'Say \"hi\" \\ there' is already in"),
            "{out}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(&format!("{mine}\r\n\r\n# Saved views")),
            "{text:?}"
        );
        let config = Config::parse(&text, &path).unwrap();
        let views: Vec<(&str, &str)> = config
            .views
            .iter()
            .map(|v| (v.name.as_str(), v.filter.as_str()))
            .collect();
        assert_eq!(
            views,
            [
                ("Old", "starred"),
                ("Say \"hi\" \\ there", "\"a b\" feed:x")
            ]
        );
        // Again: nothing new.
        let out = add(&path, &[view(2, "Say \"hi\" \\ there", "\"a b\" feed:x")]);
        assert!(out.contains("already in"), "{out}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn a_config_that_does_not_parse_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[reader\n").unwrap();
        let out = add(&path, &[view(1, "Tech", "tag:tech")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[reader\n");
        assert!(out.contains("paste these"), "{out}");
        assert!(
            out.contains("[[views]]\nname = \"Tech\"\nfilter = \"tag:tech\"\n"),
            "{out}"
        );
        // Nor is one that an appended table would break.
        std::fs::write(&path, "views = []\n").unwrap();
        let out = add(&path, &[view(1, "Tech", "tag:tech")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "views = []\n");
        assert!(out.contains("paste these"), "{out}");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_config_is_written_where_it_lives() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles.toml");
        std::fs::write(&real, "").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        add(&link, &[view(1, "Tech", "tag:tech")]);
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(
            std::fs::read_to_string(&real)
                .unwrap()
                .contains("name = \"Tech\"")
        );
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
