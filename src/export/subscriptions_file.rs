//! Subscriptions kept in a file (issue #24, `[subscriptions] file`): newsboat's `urls` format
//! as it is, or TOML `[[feed]]` tables, told apart by the extension (`.toml`) or the content
//! (a line `[[feed]]`). Pure: text in, what it lists (or the line that is wrong) out, and the
//! text again with one edit made in place, every other line (comments, order, blank lines)
//! as it was.
//!
//! - `urls`: one feed a line, `URL tag "tag two" "~Title"`; `#` comments; `query:` lines
//!   (saved views) and `exec:`/`filter:` lines (never run) are kept and left alone.
//! - TOML: `[[feed]]` tables with `url` (required), `title` (yours), `tags`, and the per-feed
//!   settings of `[[feed]]` in the config (`interval_minutes`, `user_agent`, `headers`,
//!   `username`, `password_command`, `proxy`, `cookies_file`, `full_article`, `enabled`).

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::model::sanitize;

/// Which of the two formats a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Urls,
    Toml,
}

/// The format of the file at `path` holding `text`.
pub fn format_of(path: &Path, text: &str) -> Format {
    let toml_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if toml_name || text.lines().any(|l| l.trim() == "[[feed]]") {
        Format::Toml
    } else {
        Format::Urls
    }
}

/// One feed the file lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub url: String,
    /// Your title for it (`"~Title"`, `title =`).
    pub title: Option<String>,
    pub tags: Vec<String>,
    /// The TOML table's per-feed settings, as the config's `[[feed]]` reads them.
    pub settings: Option<crate::model::feed_settings::FeedSettings>,
    /// The TOML table's retention keys.
    pub retention: crate::model::retention::RetentionOverride,
}

/// Why a subscriptions file cannot be used: its line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {why}")]
pub struct FileError {
    pub line: usize,
    pub why: String,
}

/// Every feed `text` lists, in order, or the first line that is wrong.
pub fn read(text: &str, format: Format) -> Result<Vec<Listed>, FileError> {
    match format {
        Format::Urls => read_urls(text),
        Format::Toml => read_toml(text),
    }
}

fn read_urls(text: &str) -> Result<Vec<Listed>, FileError> {
    let mut out: Vec<Listed> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (url, rest) = split_first(line);
        let lower = url.to_ascii_lowercase();
        // Saved views and commands: newsboat's, left to it (and never run here).
        if ["query:", "exec:", "filter:"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            continue;
        }
        let parsed = url::Url::parse(&url).ok();
        if !parsed
            .as_ref()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https" | "file"))
        {
            return Err(FileError {
                line: i + 1,
                why: format!(
                    "\"{}\" is not a feed's address (http, https or file)",
                    sanitize::line(&url)
                ),
            });
        }
        let mut title = None;
        let mut tags = Vec::new();
        for token in tokens(rest) {
            if let Some(t) = token.strip_prefix('~') {
                title = Some(sanitize::line(t)).filter(|t| !t.is_empty());
            } else if !token.starts_with('!') {
                let tag = sanitize::line(&token);
                if !tag.is_empty() && !tags.iter().any(|t: &String| t.eq_ignore_ascii_case(&tag)) {
                    tags.push(tag);
                }
            }
        }
        if !out.iter().any(|l| l.url == url) {
            out.push(Listed {
                url,
                title,
                tags,
                settings: None,
                retention: crate::model::retention::RetentionOverride::default(),
            });
        }
    }
    Ok(out)
}

/// The first token of a urls line (a "quoted" one or a word) and the rest.
fn split_first(line: &str) -> (String, &str) {
    if let Some(quoted) = line.strip_prefix('"') {
        let end = quoted.find('"').unwrap_or(quoted.len());
        let rest = quoted.get(end + 1..).unwrap_or("");
        return (quoted[..end].to_owned(), rest);
    }
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    (line[..end].to_owned(), &line[end..])
}

/// Words and "quoted words".
fn tokens(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let (token, after) = split_first(rest);
        out.push(token);
        rest = after.trim_start();
    }
    out
}

/// A `[[feed]]` table of a TOML subscriptions file: the feed, and the per-feed settings keys
/// of the config's `[[feed]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFeed {
    url: Option<String>,
    title: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    interval_minutes: Option<u64>,
    user_agent: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    username: Option<String>,
    #[serde(default)]
    password_command: Vec<String>,
    proxy: Option<String>,
    cookies_file: Option<std::path::PathBuf>,
    full_article: Option<bool>,
    enabled: Option<bool>,
    keep_days: Option<u32>,
    keep_per_feed: Option<u32>,
    keep_unread: Option<bool>,
    keep_starred: Option<bool>,
    keep_labelled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    feed: Vec<TomlFeed>,
}

/// The line `offset` falls on.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line of the `n`th `[[feed]]` header (from 0).
fn table_line(text: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[feed]]")
        .nth(n)
        .map_or(1, |(i, _)| i + 1)
}

fn read_toml(text: &str) -> Result<Vec<Listed>, FileError> {
    let file: TomlFile = toml::from_str(text).map_err(|e| FileError {
        line: e.span().map_or(1, |s| line_at(text, s.start)),
        why: sanitize::line(e.message()),
    })?;
    let mut out: Vec<Listed> = Vec::new();
    for (n, f) in file.feed.into_iter().enumerate() {
        let at = table_line(text, n);
        let Some(url) = f.url.filter(|u| !u.trim().is_empty()) else {
            return Err(FileError {
                line: at,
                why: "a [[feed]] table needs the feed's url".into(),
            });
        };
        let retention = crate::model::retention::RetentionOverride {
            keep_days: f.keep_days,
            keep_per_feed: f.keep_per_feed,
            keep_unread: f.keep_unread,
            keep_starred: f.keep_starred,
            keep_labelled: f.keep_labelled,
        };
        let settings = crate::model::feed_settings::FeedSettings {
            interval_minutes: f.interval_minutes,
            user_agent: f.user_agent,
            headers: f.headers.into_iter().collect(),
            username: f.username,
            password_command: f.password_command,
            proxy: f.proxy,
            cookies_file: f.cookies_file,
            full_article: f.full_article,
            enabled: f.enabled.unwrap_or(true),
        };
        if !out.iter().any(|l| l.url == url) {
            out.push(Listed {
                url,
                title: f
                    .title
                    .map(|t| sanitize::line(&t))
                    .filter(|t| !t.is_empty()),
                tags: f
                    .tags
                    .iter()
                    .map(|t| sanitize::line(t))
                    .filter(|t| !t.is_empty())
                    .collect(),
                settings: (settings != crate::model::feed_settings::FeedSettings::default())
                    .then_some(settings),
                retention,
            });
        }
    }
    Ok(out)
}

/// An edit to make in a subscriptions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<'a> {
    Add(&'a str),
    Remove(&'a str),
    /// Your title for the feed at the address; `None`: its own again.
    Rename(&'a str, Option<&'a str>),
    Tags(&'a str, &'a [String]),
}

/// `text` with `edit` made, every other line as it was.
pub fn edit(text: &str, format: Format, edit: &Edit<'_>) -> String {
    match format {
        Format::Urls => edit_urls(text, edit),
        Format::Toml => edit_toml(text, edit),
    }
}

/// A urls token: quoted when it has a space or a quote (quotes inside dropped).
fn urls_token(s: &str) -> String {
    if s.chars().any(|c| c.is_whitespace() || c == '"' || c == '#') || s.is_empty() {
        format!("\"{}\"", s.replace('"', ""))
    } else {
        s.to_owned()
    }
}

fn with_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn edit_urls(text: &str, edit: &Edit<'_>) -> String {
    let url_of = |line: &str| split_first(line.trim()).0;
    let target = match edit {
        Edit::Add(url) => {
            if read_urls(text).is_ok_and(|l| l.iter().any(|f| f.url == *url)) {
                return text.to_owned();
            }
            return with_newline(text.to_owned()) + &urls_token(url) + "\n";
        }
        Edit::Remove(url) | Edit::Rename(url, _) | Edit::Tags(url, _) => *url,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let bare = line.trim();
        if bare.is_empty() || bare.starts_with('#') || url_of(line) != target {
            out.push_str(line);
            continue;
        }
        let (_, rest) = split_first(bare);
        let kept = tokens(rest);
        let title = kept.iter().find(|t| t.starts_with('~')).cloned();
        let hidden: Vec<&String> = kept.iter().filter(|t| t.starts_with('!')).collect();
        let tags: Vec<String> = kept
            .iter()
            .filter(|t| !t.starts_with('~') && !t.starts_with('!'))
            .cloned()
            .collect();
        let (tags, title) = match edit {
            Edit::Remove(_) => continue,
            Edit::Rename(_, new) => (tags, new.map(|t| format!("~{t}"))),
            Edit::Tags(_, new) => (new.to_vec(), title),
            Edit::Add(_) => (tags, title),
        };
        let mut rebuilt = urls_token(target);
        for t in tags.iter().chain(hidden) {
            rebuilt.push(' ');
            rebuilt.push_str(&urls_token(t));
        }
        // A title is quoted, as newsboat writes it: `"~Title"`.
        if let Some(title) = title {
            rebuilt.push_str(" \"");
            rebuilt.push_str(&title.replace('"', ""));
            rebuilt.push('"');
        }
        rebuilt.push('\n');
        out.push_str(&rebuilt);
    }
    out
}

/// A TOML basic string: quoted, its backslashes, quotes and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The line ranges `[start, end)` of each `[[feed]]` table and the url it names.
fn toml_tables(lines: &[&str]) -> Vec<(usize, usize, Option<String>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "[[feed]]" {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < lines.len() && !lines[end].trim_start().starts_with('[') {
            end += 1;
        }
        // Blank and comment lines at the end belong to what follows.
        let mut last = end;
        while last > start + 1 && {
            let t = lines[last - 1].trim();
            t.is_empty() || t.starts_with('#')
        } {
            last -= 1;
        }
        let url = lines[start + 1..last].iter().find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == "url")
                .then(|| toml::from_str::<toml::Table>(&format!("v = {}", value.trim())).ok())
                .flatten()
                .and_then(|t| t.get("v").and_then(|v| v.as_str().map(str::to_owned)))
        });
        out.push((start, last, url));
        i = end;
    }
    out
}

fn edit_toml(text: &str, edit: &Edit<'_>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let tables = toml_tables(&lines);
    let target = match edit {
        Edit::Add(url) => {
            if tables.iter().any(|(_, _, u)| u.as_deref() == Some(*url)) {
                return text.to_owned();
            }
            let mut out = with_newline(text.to_owned());
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            let _ = writeln!(out, "[[feed]]\nurl = {}", toml_string(url));
            return out;
        }
        Edit::Remove(url) | Edit::Rename(url, _) | Edit::Tags(url, _) => *url,
    };
    let Some(&(start, end, _)) = tables.iter().find(|(_, _, u)| u.as_deref() == Some(target))
    else {
        return text.to_owned();
    };
    let (key, value) = match edit {
        Edit::Remove(_) => {
            let mut kept: Vec<&str> = lines[..start].to_vec();
            // The blank line that stood before the table goes with it.
            let mut rest = &lines[end..];
            if kept.last().is_some_and(|l| l.trim().is_empty()) {
                kept.pop();
            } else if rest.first().is_some_and(|l| l.trim().is_empty()) {
                rest = &rest[1..];
            }
            kept.extend_from_slice(rest);
            return join(&kept);
        }
        Edit::Rename(_, title) => ("title", title.map(toml_string)),
        Edit::Tags(_, tags) => (
            "tags",
            (!tags.is_empty()).then(|| {
                format!(
                    "[{}]",
                    tags.iter()
                        .map(|t| toml_string(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        ),
        Edit::Add(_) => return text.to_owned(),
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let at = (start + 1..end).find(|&i| {
        lines[i]
            .split_once('=')
            .is_some_and(|(k, _)| k.trim() == key)
    });
    match (at, value) {
        (Some(i), Some(v)) => out[i] = format!("{key} = {v}"),
        (Some(i), None) => {
            out.remove(i);
        }
        (None, Some(v)) => out.insert(end, format!("{key} = {v}")),
        (None, None) => {}
    }
    join(&out)
}

fn join<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(l.as_ref());
        out.push('\n');
    }
    out
}

/// The subscriptions file at `path`: its format, its text and what it lists, or why it cannot
/// be used (naming the file, and the line).
pub fn load(path: &Path) -> Result<(Format, String, Vec<Listed>), String> {
    let named = || path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("subscriptions file {}: {e}", named()))?;
    let format = format_of(path, &text);
    let listed = read(&text, format).map_err(|e| format!("subscriptions file {}: {e}", named()))?;
    Ok((format, text, listed))
}

/// What bringing the subscriptions in line with the file did, in one line (none: nothing).
pub fn said(applied: &crate::store::ListingApplied) -> Option<String> {
    if applied.added.is_empty() && applied.removed.is_empty() && applied.changed == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if !applied.added.is_empty() {
        parts.push(format!("{} subscribed", applied.added.len()));
    }
    if applied.changed > 0 {
        parts.push(format!("{} renamed or retagged", applied.changed));
    }
    if !applied.removed.is_empty() {
        parts.push(format!(
            "unsubscribed from {} (not in the file; their entries are gone)",
            sanitize::line(&applied.removed.join(", "))
        ));
    }
    Some(format!("Subscriptions file: {}", parts.join(", ")))
}

/// Makes the subscriptions in `store` those the file at `path` lists. A file that cannot be
/// read, or that lists no feed while feeds are subscribed, changes nothing and says why.
pub fn apply(
    store: &mut crate::store::Store,
    path: &Path,
    now: i64,
) -> Result<crate::store::ListingApplied, String> {
    let (_, _, listed) = load(path)?;
    if listed.is_empty() && !store.feeds().map_err(|e| e.diagnosed())?.is_empty() {
        return Err(format!(
            "subscriptions file {} lists no feed: nothing was unsubscribed",
            path.display()
        ));
    }
    let list: Vec<crate::store::Listing<'_>> = listed
        .iter()
        .map(|l| crate::store::Listing {
            url: &l.url,
            title: l.title.as_deref(),
            tags: &l.tags,
        })
        .collect();
    store.apply_listing(&list, now).map_err(|e| e.diagnosed())
}

/// Writes `edit` into the file at `path` (replaced whole once written, so a crash leaves the
/// old file or the new one).
pub fn write_back(path: &Path, change: &Edit<'_>) -> Result<(), String> {
    let named = || path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("subscriptions file {}: {e}", named()))?;
    let format = format_of(path, &text);
    let new = edit(&text, format, change);
    if new == text {
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("subscriptions file {}: {e}", named()))?;
    std::io::Write::write_all(&mut tmp, new.as_bytes())
        .map_err(|e| format!("subscriptions file {}: {e}", named()))?;
    tmp.persist(path)
        .map_err(|e| format!("subscriptions file {}: {}", named(), e.error))?;
    Ok(())
}

/// The retention the file's TOML tables give, by URL, over `default`.
pub fn retention(
    listed: &[Listed],
    default: crate::model::Retention,
) -> Vec<crate::model::FeedRetention> {
    listed
        .iter()
        .filter(|l| !l.retention.is_empty())
        .map(|l| crate::model::FeedRetention {
            feed: l.url.clone(),
            rule: l.retention.over(default),
        })
        .collect()
}

/// The per-feed settings the file's TOML tables give, as `[[feed]]` tables matched by URL.
pub fn settings(
    listed: &[Listed],
) -> Vec<(
    crate::model::feed_settings::FeedMatch,
    crate::model::feed_settings::FeedSettings,
)> {
    listed
        .iter()
        .filter_map(|l| {
            l.settings.clone().map(|s| {
                (
                    crate::model::feed_settings::FeedMatch::Url(l.url.clone()),
                    s,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URLS: &str = "# my feeds\n\
        https://a.example/feed.xml news \"long reads\" \"~Ann's blog\"\n\
        \n\
        # podcasts\n\
        https://b.example/cast.rss podcast !hidden\n\
        \"query:Unread news:unread = \\\"yes\\\"\"\n\
        exec:~/bin/feed.sh\n";

    #[test]
    fn a_newsboat_urls_file_is_read_as_it_is() {
        let listed = read(URLS, Format::Urls).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].url, "https://a.example/feed.xml");
        assert_eq!(listed[0].title.as_deref(), Some("Ann's blog"));
        assert_eq!(listed[0].tags, ["news", "long reads"]);
        assert_eq!(listed[1].tags, ["podcast"]);
        assert_eq!(
            read("https://ok.example/\nnot a url\n", Format::Urls).unwrap_err(),
            FileError {
                line: 2,
                why: "\"not\" is not a feed's address (http, https or file)".into()
            }
        );
    }

    #[test]
    fn urls_edits_keep_every_other_line() {
        let added = edit(URLS, Format::Urls, &Edit::Add("https://c.example/rss"));
        assert!(added.starts_with(URLS));
        assert!(added.ends_with("https://c.example/rss\n"));
        let renamed = edit(
            URLS,
            Format::Urls,
            &Edit::Rename("https://b.example/cast.rss", Some("The Cast")),
        );
        assert!(renamed.contains("https://b.example/cast.rss podcast !hidden \"~The Cast\"\n"));
        assert!(renamed.contains("# podcasts\n") && renamed.contains("exec:~/bin/feed.sh\n"));
        let tagged = edit(
            URLS,
            Format::Urls,
            &Edit::Tags("https://a.example/feed.xml", &["tech".to_owned()]),
        );
        assert!(
            tagged.contains("https://a.example/feed.xml tech \"~Ann's blog\"\n"),
            "{tagged}"
        );
        let removed = edit(
            URLS,
            Format::Urls,
            &Edit::Remove("https://a.example/feed.xml"),
        );
        assert_eq!(removed.lines().count(), URLS.lines().count() - 1);
        assert!(removed.starts_with("# my feeds\n\n# podcasts\n"));
        assert_eq!(read(&removed, Format::Urls).unwrap().len(), 1);
    }

    const TOML: &str = "# Feeds I keep in git\n\
        \n\
        [[feed]]\n\
        url = \"https://a.example/feed.xml\"  # the main one\n\
        title = \"Ann\"\n\
        tags = [\"news\"]\n\
        \n\
        # a podcast\n\
        [[feed]]\n\
        url = \"https://b.example/cast.rss\"\n\
        interval_minutes = 1440\n\
        user_agent = \"Mozilla/5.0\"\n";

    #[test]
    fn a_toml_file_is_read_with_its_settings() {
        assert_eq!(format_of(Path::new("feeds.txt"), TOML), Format::Toml);
        assert_eq!(format_of(Path::new("urls"), URLS), Format::Urls);
        let listed = read(TOML, Format::Toml).unwrap();
        assert_eq!(listed[0].title.as_deref(), Some("Ann"));
        assert_eq!(listed[0].tags, ["news"]);
        assert!(listed[0].settings.is_none());
        let s = listed[1].settings.as_ref().unwrap();
        assert_eq!(s.interval_minutes, Some(1440));
        let err = read("[[feed]]\ntitle = \"x\"\n", Format::Toml).unwrap_err();
        assert_eq!(err.line, 1);
        let err = read(
            "[[feed]]\nurl = \"u\"\n\n[[feed]]\nurl = \"v\"\nbogus = 1\n",
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(err.line, 6, "{err}");
    }

    #[test]
    fn toml_edits_keep_comments_and_order() {
        let renamed = edit(
            TOML,
            Format::Toml,
            &Edit::Rename("https://b.example/cast.rss", Some("Cast \"live\"")),
        );
        assert!(
            renamed.contains("user_agent = \"Mozilla/5.0\"\ntitle = \"Cast \\\"live\\\"\"\n"),
            "{renamed}"
        );
        assert!(renamed.starts_with("# Feeds I keep in git\n"));
        assert_eq!(
            read(&renamed, Format::Toml).unwrap()[1].title.as_deref(),
            Some("Cast \"live\"")
        );
        let untitled = edit(
            TOML,
            Format::Toml,
            &Edit::Rename("https://a.example/feed.xml", None),
        );
        assert!(!untitled.contains("title = \"Ann\""));
        let tagged = edit(
            TOML,
            Format::Toml,
            &Edit::Tags(
                "https://a.example/feed.xml",
                &["a b".to_owned(), "c".to_owned()],
            ),
        );
        assert!(tagged.contains("tags = [\"a b\", \"c\"]\n"));
        let removed = edit(
            TOML,
            Format::Toml,
            &Edit::Remove("https://a.example/feed.xml"),
        );
        assert_eq!(
            removed,
            "# Feeds I keep in git\n\n# a podcast\n[[feed]]\nurl = \"https://b.example/cast.rss\"\ninterval_minutes = 1440\nuser_agent = \"Mozilla/5.0\"\n"
        );
        let added = edit(TOML, Format::Toml, &Edit::Add("https://c.example/rss"));
        assert!(added.ends_with(
            "user_agent = \"Mozilla/5.0\"\n\n[[feed]]\nurl = \"https://c.example/rss\"\n"
        ));
        assert_eq!(read(&added, Format::Toml).unwrap().len(), 3);
        assert_eq!(
            edit(&added, Format::Toml, &Edit::Add("https://c.example/rss")),
            added
        );
    }
}
