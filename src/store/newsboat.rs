//! Reading a newsboat cache (`cache.db`, newsboat's own `SQLite` schema) for `tidings import
//! newsboat`: every feed with its items, read state and flags. Read-only; text is sanitised as
//! stored text always is. Uses `model`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Result, StoreError};
use crate::model::sanitize;

/// One item of a newsboat cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsboatItem {
    pub guid: String,
    pub title: String,
    pub author: Option<String>,
    pub url: Option<String>,
    /// Unix seconds.
    pub published: i64,
    pub content: String,
    pub unread: bool,
    /// newsboat's flags: the letters `A`-`Z` and `a`-`z` newsboat allows, each once, in the
    /// order written (anything else in the column is dropped). The import stars an entry with
    /// any, and gives it a label per letter.
    pub flags: String,
    /// Deleted in newsboat (kept in its cache so a refresh does not bring it back).
    pub deleted: bool,
}

/// One feed of a newsboat cache, its validators and its items (deleted ones included, marked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsboatFeed {
    pub url: String,
    pub title: Option<String>,
    /// The `ETag` newsboat last got, for the first refresh's conditional request.
    pub etag: Option<String>,
    /// newsboat's `Last-Modified`, as an HTTP date.
    pub last_modified: Option<String>,
    pub items: Vec<NewsboatItem>,
}

fn text(s: Option<String>) -> Option<String> {
    let s = sanitize::line(&s?);
    (!s.is_empty()).then_some(s)
}

/// newsboat keeps `Last-Modified` as Unix seconds (0: none); HTTP wants an IMF-fixdate.
fn http_date(secs: i64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp(secs, 0).filter(|_| secs > 0)?;
    Some(at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

/// The flag letters of newsboat's `flags` column, each once: the column is text anyone with
/// `sqlite3` may have written, and each letter becomes a label name.
fn flag_letters(column: &str) -> String {
    let mut letters = String::new();
    for c in column.chars().filter(char::is_ascii_alphabetic) {
        if !letters.contains(c) {
            letters.push(c);
        }
    }
    letters
}

/// Every feed in the newsboat cache at `path`.
pub fn read_newsboat_cache(path: &Path) -> Result<Vec<NewsboatFeed>> {
    let shown = path.display().to_string();
    let fail = |e| StoreError::sqlite(&shown, e);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
    let mut feeds: Vec<NewsboatFeed> = {
        let mut stmt = conn
            .prepare(
                "SELECT rssurl, title, COALESCE(etag, ''), COALESCE(lastmodified, 0) \
                 FROM rss_feed ORDER BY rssurl",
            )
            .map_err(fail)?;
        stmt.query_map([], |r| {
            Ok(NewsboatFeed {
                url: sanitize::line(&r.get::<_, String>(0)?),
                title: text(r.get(1)?),
                etag: text(r.get(2)?).filter(|e| e.len() <= 256),
                last_modified: http_date(r.get(3)?),
                items: Vec::new(),
            })
        })
        .and_then(Iterator::collect)
        .map_err(fail)?
    };
    let mut stmt = conn
        .prepare(
            "SELECT guid, title, author, url, pubDate, content, unread, COALESCE(flags, ''), \
             deleted FROM rss_item WHERE feedurl = ?1 ORDER BY pubDate DESC",
        )
        .map_err(fail)?;
    for feed in &mut feeds {
        feed.items = stmt
            .query_map([&feed.url], |r| {
                Ok(NewsboatItem {
                    guid: sanitize::line(&r.get::<_, String>(0)?),
                    title: sanitize::line(&r.get::<_, String>(1)?),
                    author: text(r.get(2)?),
                    url: text(r.get(3)?),
                    published: r.get(4)?,
                    content: r.get(5)?,
                    unread: r.get::<_, i64>(6)? != 0,
                    flags: flag_letters(&r.get::<_, String>(7)?),
                    deleted: r.get::<_, i64>(8)? != 0,
                })
            })
            .and_then(Iterator::collect)
            .map_err(fail)?;
    }
    Ok(feeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache written by newsboat 2.21 (see tests/fixtures/README.md).
    #[test]
    fn a_real_newsboat_cache_reads_with_states() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsboat/cache.db");
        let feeds = read_newsboat_cache(&path).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].title.as_deref(), Some("Feed One"));
        let one: Vec<(&str, bool, &str)> = feeds[0]
            .items
            .iter()
            .map(|i| (i.guid.as_str(), i.unread, i.flags.as_str()))
            .collect();
        assert_eq!(
            one,
            [
                ("one-gamma", true, "s"),
                ("one-beta", false, ""),
                ("one-alpha", true, "")
            ]
        );
        let delta = feeds[1]
            .items
            .iter()
            .find(|i| i.guid == "urn:two:delta")
            .unwrap();
        assert!(!delta.unread && delta.flags == "ab");
        assert_eq!(delta.url.as_deref(), Some("http://127.0.0.1:18777/delta"));
    }

    #[test]
    fn flags_keep_each_letter_once_and_nothing_else() {
        assert_eq!(flag_letters("sab"), "sab");
        assert_eq!(flag_letters(" aBa\u{1b}[1m9B-é"), "aBm");
        assert_eq!(flag_letters(""), "");
    }

    #[test]
    fn a_file_that_is_not_a_newsboat_cache_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        std::fs::write(&path, b"not a database at all, just text").unwrap();
        let err = read_newsboat_cache(&path).unwrap_err().to_string();
        assert!(err.contains("cache.db"), "{err}");
    }
}
