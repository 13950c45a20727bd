//! `fetch::parse` over real and hostile feed documents: the fixtures copied into
//! `tests/fixtures/feeds` (checked against feedparser's expectations), and, when the shared
//! corpus sits next to the repository, every document in it (no panic, nothing unsafe out).
// Helpers outside `#[test]` functions panic on broken fixtures, which is the point.
#![allow(clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use tidings::fetch::parse::{ParseError, parse_feed};
use tidings::model::{IncomingFeed, sanitize};

const FEED_URL: &str = "https://feeds.example/feed.xml";

/// Characters that must never come out of the parser in a one-line field.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one-line fields of `feed` that contain an unsafe character, as `(field, value)`.
fn unsafe_fields(feed: &IncomingFeed) -> Vec<(String, String)> {
    let mut fields: Vec<(String, &str)> = Vec::new();
    fields.extend(feed.title.as_deref().map(|t| ("feed.title".to_owned(), t)));
    fields.extend(
        feed.site_url
            .as_deref()
            .map(|u| ("feed.site_url".to_owned(), u)),
    );
    for (i, e) in feed.entries.iter().enumerate() {
        fields.push((format!("entries[{i}].title"), &e.title));
        fields.push((format!("entries[{i}].key"), &e.key));
        fields.extend(e.guid.as_deref().map(|g| (format!("entries[{i}].guid"), g)));
        fields.extend(e.link.as_deref().map(|l| (format!("entries[{i}].link"), l)));
        fields.extend(
            e.author
                .as_deref()
                .map(|a| (format!("entries[{i}].author"), a)),
        );
    }
    fields
        .into_iter()
        .filter(|(_, v)| v.chars().any(unsafe_char))
        .map(|(k, v)| (k, v.to_owned()))
        .collect()
}

fn fixtures() -> PathBuf {
    common::fixture("feeds")
}

fn expectation(name: &str) -> Option<Value> {
    let text =
        std::fs::read_to_string(fixtures().join("expected").join(format!("{name}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// Fixture documents (not the README, not the expectations), sorted.
fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/feeds")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn is_hostile(exp: &Value) -> bool {
    exp["file"]
        .as_str()
        .is_some_and(|f| f.starts_with("hostile/"))
}

/// Tags after which text continues on a new line (so words do not run together); inline tags
/// (`<sup>`, `<span>`) join their neighbours, as in a browser.
fn is_block_tag(after_lt: &str) -> bool {
    let name: String = after_lt
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    after_lt.starts_with('!')
        || matches!(
            name.as_str(),
            "br" | "p"
                | "div"
                | "li"
                | "ul"
                | "ol"
                | "tr"
                | "td"
                | "th"
                | "table"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
                | "pre"
                | "hr"
        )
}

/// What an oracle title should read as once made one plain line (feedparser keeps markup in
/// HTML-typed titles; we strip it).
fn plain_title(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>') {
            Some(gt) if is_tag => {
                if is_block_tag(after) {
                    out.push(' ');
                }
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    sanitize::line(&decode_refs(&out))
}

/// Numeric character references and the five XML entities, decoded once.
fn decode_refs(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|e| *e <= 10);
        let body = end.map_or("", |e| &after[..e]);
        let c = match body {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => body.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        if let (Some(c), Some(e)) = (c, end) {
            out.push(c);
            rest = &after[e + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn well_formed_fixtures_match_the_oracle() {
    let mut checked = 0;
    for path in fixture_files() {
        let name = name(&path);
        let Some(exp) = expectation(&name) else {
            continue;
        };
        if is_hostile(&exp) || exp["bozo"] == Value::Bool(true) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read fixture");
        let feed = parse_feed(&bytes, FEED_URL).unwrap_or_else(|e| panic!("{name}: {e}"));
        let count = exp["entry_count"].as_u64().expect("entry_count");
        assert_eq!(feed.entries.len() as u64, count, "{name}: entry count");
        let expected = exp["entries"].as_array().expect("entries");
        for (got, want) in feed.entries.iter().zip(expected) {
            if let Some(title) = want["title"]
                .as_str()
                .filter(|t| !t.trim().is_empty() && !t.contains("...[+"))
            {
                assert_eq!(got.title, plain_title(title), "{name}: title");
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "only {checked} well-formed fixtures had expectations"
    );
}

#[test]
fn keys_are_stable_across_parses() {
    for path in fixture_files() {
        let bytes = std::fs::read(&path).expect("read fixture");
        let (Ok(a), Ok(b)) = (parse_feed(&bytes, FEED_URL), parse_feed(&bytes, FEED_URL)) else {
            continue;
        };
        let keys = |f: &IncomingFeed| f.entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&a), keys(&b), "{}", name(&path));
        assert_eq!(a, b, "{}", name(&path));
    }
}

#[test]
fn hostile_fixtures_never_panic_or_leak_controls() {
    let mut seen = 0;
    for path in fixture_files() {
        let name = name(&path);
        let Some(exp) = expectation(&name) else {
            continue;
        };
        if !is_hostile(&exp) {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(&path).expect("read fixture");
        match parse_feed(&bytes, FEED_URL) {
            Ok(feed) => {
                let bad = unsafe_fields(&feed);
                assert!(bad.is_empty(), "{name}: {bad:?}");
                if name.starts_with("xxe") {
                    let all = format!("{feed:?}");
                    assert!(
                        !all.contains("root:x:0:0") && !all.contains("/bin/bash"),
                        "{name} read a local file"
                    );
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    !msg.contains('\n') && !msg.chars().any(unsafe_char),
                    "{name}: {msg:?}"
                );
                assert!(
                    !matches!(e, ParseError::Panicked),
                    "{name}: feed-rs panicked"
                );
            }
        }
    }
    assert!(seen >= 15, "only {seen} hostile fixtures");
}

#[test]
fn special_documents_get_clear_errors() {
    let read = |n: &str| std::fs::read(fixtures().join(n)).expect("fixture");
    let err = parse_feed(&read("empty_file.xml"), FEED_URL).expect_err("empty");
    assert_eq!(err.to_string(), "empty document");
    let err = parse_feed(&read("whitespace_and_bom_only.xml"), FEED_URL).expect_err("blank");
    assert!(matches!(err, ParseError::Empty), "{err}");
    let err = parse_feed(&read("not_a_feed_html.html"), FEED_URL).expect_err("html");
    assert_eq!(
        err.to_string(),
        "not a feed: looks like an HTML page, not a feed"
    );
    let feed = parse_feed(&read("leading_garbage.xml"), FEED_URL).expect("garbage is skipped");
    assert_eq!(feed.entries.len(), 1);
    let feed =
        parse_feed(&read("utf16le_no_bom_declared_utf8.xml"), FEED_URL).expect("utf-16 is decoded");
    assert!(!feed.entries.is_empty());
}

fn parsed(name: &str) -> IncomingFeed {
    let bytes = std::fs::read(fixtures().join(name)).expect("fixture");
    parse_feed(&bytes, FEED_URL).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn entries_without_ids_get_distinct_synthesised_keys() {
    for name in ["missing_guids_and_links.xml", "missing_ids_atom.xml"] {
        let feed = parsed(name);
        let mut keys: Vec<&str> = feed.entries.iter().map(|e| e.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), feed.entries.len(), "{name}: {keys:?}");
        assert!(feed.entries.iter().all(|e| !e.key.is_empty()), "{name}");
    }
    let atom = parsed("missing_ids_atom.xml");
    let guids: Vec<Option<&str>> = atom.entries.iter().map(|e| e.guid.as_deref()).collect();
    assert_eq!(guids, [None, Some("urn:only-id"), None, None]);
}

/// One representative fixture per class of document the ingest pipeline repairs (dialects,
/// encodings, ill-formed XML, lenient JSON Feed): how many entries, and how the first is titled.
#[test]
fn repaired_classes_parse() {
    let cases = [
        // Atom 0.3 (namespace, `issued`/`modified`, `mode="escaped"`).
        (
            "rome__resources__atom_0.3.xml",
            2,
            "atom_0.3.feed.entry[0].title",
        ),
        // Undeclared KOI8-R, detected.
        (
            "fp__illformed__chardet__koi8r.xml",
            1,
            "Как пережить новогоднюю ночь",
        ),
        // Undeclared ISO-8859-1, detected.
        (
            "miniflux__no_encoding_ISO-8859-1.xml",
            10,
            "Perturbateurs endocriniens",
        ),
        // windows-1251 and the UserLand RSS 2 default namespace.
        ("nodefp__iconv.xml", 10, "В Бузулуке"),
        // The UserLand namespace on a prefix.
        (
            "fp__namespace__rss2.0NSwithModulesNoDefNS.xml",
            1,
            "Test Item - - RSS2.0",
        ),
        // RSS 0.90.
        ("rome__resources__rss_0.9.xml", 2, "rss_0.9.item[0].title"),
        // RSS 1.0 item without `<link>`.
        ("fp__rdf__rdf_item_title.xml", 1, "Example title"),
        // CDF.
        ("fp__cdf__item_title.xml", 1, "Example item"),
        // `<item>` straight under `<rss>`.
        (
            "fp__encoding__encoding_attribute_crash.xml",
            1,
            "(untitled)",
        ),
        // JSON Feed with a bare version number.
        ("gofeed__json__version_json_10.json", 1, "title"),
        // A bare `&` in a link.
        ("nodefp__saxerror.xml", 3, "Good Item"),
        // CDATA cut off at the end of the file.
        ("fp__illformed__rss_incomplete_cdata.xml", 1, "(untitled)"),
        // UTF-8 text with stray Latin-1 bytes, declared ISO-8859-1, and bare `&`s.
        ("feedkit__Ampersand.xml", 20, "OB er uskarpe"),
        // A UTF-8 BOM over a UTF-16 declaration; windows-1252 bytes declared UTF-8.
        ("utf8_bom_declared_utf16.xml", 1, "BOM says utf-8 é"),
        ("cp1252_declared_utf8.xml", 1, "“Smart quotes” cost €5"),
        // JSON Feed with wrong types, items as an object, duplicate keys.
        ("jsonfeed_wrong_types.json", 4, "(untitled)"),
        ("jsonfeed_items_object.json", 1, "(untitled)"),
        ("jsonfeed_duplicate_keys_and_ids.json", 3, "one"),
    ];
    for (name, count, title) in cases {
        let feed = parsed(name);
        assert_eq!(feed.entries.len(), count, "{name}: entry count");
        assert!(
            feed.entries[0].title.starts_with(title),
            "{name}: {:?}",
            feed.entries[0].title
        );
    }
    let ampersand = parsed("feedkit__Ampersand.xml");
    assert_eq!(
        ampersand.entries[1].title,
        "Brøndby til fans: Tag ikke til Horsens"
    );
    let sax = parsed("nodefp__saxerror.xml");
    assert_eq!(
        sax.entries[1].link.as_deref(),
        Some("http://example.com/bad?foo=1&bar=2")
    );
}

/// The lenient date parser reads the broken dates a reader meets, and refuses impossible ones.
#[test]
fn broken_dates_parse_where_they_mean_something() {
    let feed = parsed("broken_dates_rss.xml");
    let exp = expectation("broken_dates_rss.xml").expect("expectation");
    let raw: Vec<&str> = exp["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["published_raw"].as_str().unwrap_or(""))
        .collect();
    let date = |want: &str| {
        let i = raw.iter().position(|r| *r == want).expect(want);
        feed.entries[i]
            .published
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    for (raw, want) in [
        ("Mon, 1 Jan 2024 10:00 +0000", Some("2024-01-01T10:00:00Z")),
        ("01 Jan 2024 10:00:00 EST", Some("2024-01-01T15:00:00Z")),
        (
            "Saturday, 06-Jan-24 10:00:00 GMT",
            Some("2024-01-06T10:00:00Z"),
        ),
        ("2024-01-09T10:00:00", Some("2024-01-09T10:00:00Z")),
        ("2024/01/12 10:00", Some("2024-01-12T10:00:00Z")),
        ("14 janvier 2024", Some("2024-01-14T00:00:00Z")),
        ("1705312800", Some("2024-01-15T10:00:00Z")),
        ("Mon, 31 Feb 2024 10:00:00 GMT", None),
        ("yesterday", None),
        ("2024-13-45T99:99:99Z", None),
    ] {
        assert_eq!(date(raw).as_deref(), want, "{raw}");
    }
}

#[test]
fn links_are_absolute_http_or_nothing() {
    for name in ["relative_links_rss.xml", "dangerous_link_schemes.xml"] {
        for e in parsed(name).entries {
            if let Some(link) = &e.link {
                assert!(
                    link.starts_with("https://") || link.starts_with("http://"),
                    "{name}: {link}"
                );
            }
        }
    }
    let rel = parsed("relative_links_rss.xml");
    assert_eq!(
        rel.entries[0].link.as_deref(),
        Some("https://feeds.example/post/1")
    );
    assert_eq!(
        rel.entries[2].link.as_deref(),
        Some("https://feeds.example/post/3")
    );
    assert_eq!(
        rel.entries[6].link.as_deref(),
        Some("https://hostile.example/ws")
    );
}

/// Issue #22: every web enclosure the oracle lists for a fixture is among the entry's (the
/// oracle keeps relative and `javascript:` ones, which tidings refuses, as it does links).
#[test]
fn fixture_enclosures_match_the_oracle() {
    let mut compared = 0;
    for path in fixture_files() {
        let file = name(&path);
        let Some(exp) = expectation(&file).filter(|e| !is_hostile(e)) else {
            continue;
        };
        let Ok(feed) = parse_feed(&std::fs::read(&path).unwrap(), FEED_URL) else {
            continue;
        };
        let wanted = exp["entries"].as_array().cloned().unwrap_or_default();
        for (i, want) in wanted.iter().enumerate() {
            for enc in want["enclosures"].as_array().into_iter().flatten() {
                let url = enc["url"].as_str().unwrap_or_default();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    continue;
                }
                let got: Vec<&str> = feed.entries[i]
                    .enclosures
                    .iter()
                    .map(|e| e.url.as_str())
                    .collect();
                assert!(got.contains(&url), "{file} entry {i}: {url} not in {got:?}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 50, "only {compared} enclosures compared");
    let podcast = parsed("podcastns__example.xml");
    let first = &podcast.entries[0].enclosures;
    assert_eq!(first[0].url, "https://example.com/file-03.mp3");
    assert_eq!(first[0].length, Some(43_200_000));
    assert_eq!(first[1].mime.as_deref(), Some("application/json+chapters"));
    assert_eq!(first[1].url, "https://example.com/ep3_chapters.json");
    let bbc = parsed("feedrs__rss_2.0_bbc.xml");
    assert_eq!(bbc.entries[0].enclosures[0].duration, Some(3156));
    // An `<enclosure>` beside a `media:content` cover: feed-rs alone kept only the cover.
    let podbean = parsed("picofeed__podbean.xml");
    let kinds: Vec<Option<&str>> = podbean.entries[0]
        .enclosures
        .iter()
        .map(|e| e.mime.as_deref())
        .collect();
    assert!(kinds.contains(&Some("audio/mpeg")), "{kinds:?}");
}

/// Every document of `../shared/corpus`, when it is there: no panic, nothing unsafe out.
#[test]
fn whole_shared_corpus_when_present() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    if !root.is_dir() {
        eprintln!("skipped: no shared corpus at {}", root.display());
        return;
    }
    let mut files = Vec::new();
    collect(&root.join("real"), &mut files);
    collect(&root.join("hostile"), &mut files);
    files.sort();
    let started = Instant::now();
    let (mut ok, mut failed, mut entries) = (0usize, Vec::new(), 0usize);
    let mut differ = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus file");
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        match parse_feed(&bytes, FEED_URL) {
            Ok(feed) => {
                let bad = unsafe_fields(&feed);
                assert!(bad.is_empty(), "{rel}: {bad:?}");
                ok += 1;
                entries += feed.entries.len();
                if let Some(diff) =
                    oracle_diff(&root.join("expected").join(format!("{rel}.json")), &feed)
                {
                    differ.push(format!("{rel}: {diff}"));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    !msg.contains('\n') && !msg.chars().any(unsafe_char),
                    "{rel}: {msg:?}"
                );
                failed.push(format!("{rel}: {msg}"));
            }
        }
    }
    eprintln!(
        "shared corpus: {} documents, {ok} parsed ({entries} entries), {} refused ({} parser panics caught), in {:?}",
        files.len(),
        failed.len(),
        failed
            .iter()
            .filter(|f| f.ends_with(&ParseError::Panicked.to_string()))
            .count(),
        started.elapsed()
    );
    for f in &failed {
        eprintln!("  refused {f}");
    }
    eprintln!(
        "{} parsed documents differ from the oracle (not bozo) in count or titles:",
        differ.len()
    );
    for d in &differ {
        eprintln!("  {d}");
    }
}

/// Where a parsed document disagrees with a well-formed (not bozo) oracle expectation.
fn oracle_diff(expected: &Path, feed: &IncomingFeed) -> Option<String> {
    let exp: Value = serde_json::from_str(&std::fs::read_to_string(expected).ok()?).ok()?;
    if exp["bozo"] == Value::Bool(true) || is_hostile(&exp) {
        return None;
    }
    let count = exp["entry_count"].as_u64()?;
    if feed.entries.len() as u64 != count {
        return Some(format!("{} entries, oracle {count}", feed.entries.len()));
    }
    let entries = exp["entries"].as_array()?;
    feed.entries.iter().zip(entries).find_map(|(got, want)| {
        let title = want["title"]
            .as_str()
            .filter(|t| !t.trim().is_empty() && !t.contains("...[+"))?;
        (got.title != plain_title(title))
            .then(|| format!("title {:?}, oracle {:?}", got.title, plain_title(title)))
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.file_name().is_some_and(|n| n != "hostile_cases.json") {
            out.push(path);
        }
    }
}
