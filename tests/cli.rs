//! The headless commands, run as the real binary in a temp home with a real database file.
//! Feeds are files the test writes (file: URLs) or served by a real HTTP server on loopback.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::home::{DAY1, DAY2, DAY3, Home, rss};

#[test]
fn add_reports_title_and_count_then_entries_lists_newest_first() {
    let home = Home::new();
    let url = home.feed_file(
        "a.xml",
        &rss("Alpha", &[("a1", "First", DAY1), ("a2", "Second", DAY2)]),
    );
    let out = home.run_ok(&["add", &url]);
    assert!(
        out.contains("'Alpha'") && out.contains("2 entries"),
        "{out}"
    );

    let entries = home.entries(&[]);
    let titles: Vec<_> = entries
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Second", "First"]);
    let e = &entries[0];
    for key in [
        "id",
        "guid",
        "feed",
        "title",
        "link",
        "published",
        "author",
        "read",
        "starred",
    ] {
        assert!(e.get(key).is_some(), "missing {key} in {e}");
    }
    assert_eq!(e["feed"], "Alpha");
    assert_eq!(e["guid"], "a2");
    assert_eq!(e["published"], "2026-11-03T10:00:00Z");
    assert_eq!(e["read"], false);
}

#[test]
fn mark_show_and_filters_round_trip() {
    let home = Home::new();
    let a = home.feed_file(
        "a.xml",
        &rss("Alpha", &[("a1", "First", DAY1), ("a2", "Second", DAY3)]),
    );
    let b = home.feed_file("b.xml", &rss("Beta", &[("b1", "Other", DAY2)]));
    home.run_ok(&["add", &a]);
    home.run_ok(&["add", &b]);
    let all = home.entries(&[]);
    assert_eq!(all.len(), 3);
    let first = all[0]["id"].as_i64().unwrap().to_string();
    let last = all[2]["id"].as_i64().unwrap().to_string();

    home.run_ok(&["mark", &first, &last, "--read"]);
    home.run_ok(&["mark", &last, "--star"]);
    let unread = home.entries(&["--unread"]);
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0]["title"], "Other");
    let starred = home.entries(&["--starred"]);
    assert_eq!(starred.len(), 1);
    assert_eq!(starred[0]["title"], "First");
    assert_eq!(home.entries(&["--feed", "Beta"]).len(), 1);
    assert_eq!(home.entries(&["--limit", "2"]).len(), 2);

    let shown = home.run_ok(&["show", &first]);
    assert!(shown.starts_with("Second\n"), "{shown}");
    assert!(shown.contains("Body of a2"), "{shown}");
    // The body's relative link resolves against the entry's own link and is listed.
    assert!(shown.contains("[1] https://example.org/more"), "{shown}");

    let err = home.run_err(&["mark", "99999", "--read"]);
    assert!(err.contains("no such entries: 99999"), "{err}");
}

#[test]
fn entries_text_output_and_empty_json() {
    let home = Home::new();
    assert_eq!(home.run_ok(&["entries", "--json"]).trim(), "[]");
    let a = home.feed_file("a.xml", &rss("Alpha", &[("a1", "First", DAY1)]));
    home.run_ok(&["add", &a]);
    let text = home.run_ok(&["entries"]);
    assert!(
        text.contains("2026-11-02 10:00  N   Alpha: First"),
        "{text}"
    );
}

#[test]
fn import_opml_and_urls_without_fetching_then_refresh_fetches() {
    let home = Home::new();
    let server = common::TestServer::start();
    let a = Home::served(&server, "a.xml", &rss("Alpha", &[("a1", "First", DAY1)]));
    let b = home.feed_file("b.xml", &rss("Beta", &[("b1", "Other", DAY2)]));
    let opml = format!(
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"news\">\
         <outline text=\"A\" xmlUrl=\"{a}\"/></outline></body></opml>"
    );
    std::fs::write(home.path().join("subs.opml"), opml).unwrap();
    std::fs::write(
        home.path().join("urls"),
        format!("# comment\n{a} \"tag\"\n{b}\nquery:x:y\n"),
    )
    .unwrap();

    let out = home.run_ok(&["import", home.path().join("subs.opml").to_str().unwrap()]);
    assert!(out.contains("1 feed added"), "{out}");
    let out = home.run_ok(&["import", home.path().join("urls").to_str().unwrap()]);
    assert!(
        out.contains("1 feed added, 1 already subscribed, 1 skipped"),
        "{out}"
    );
    assert!(home.entries(&[]).is_empty(), "import must not fetch");

    let out = home.run_ok(&["refresh"]);
    assert!(
        out.contains("2 ok") && out.contains("0 failed") && out.contains("2 new entries"),
        "{out}"
    );
    let out = home.run_ok(&["refresh"]);
    assert!(out.contains("0 new entries"), "{out}");
    assert_eq!(home.entries(&[]).len(), 2);
}

#[test]
fn a_failing_feed_is_reported_and_recorded_while_others_carry_on() {
    let home = Home::new();
    let good = home.feed_file("good.xml", &rss("Good", &[("g1", "Fine", DAY1)]));
    let bad = home.feed_file("bad.xml", "<html><body>not a feed</body></html>");
    std::fs::write(home.path().join("urls"), format!("{good}\n{bad}\n")).unwrap();
    home.run_ok(&["import", home.path().join("urls").to_str().unwrap()]);

    let out = home.cmd().arg("refresh").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "some feeds failed: exit 2");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("1 ok") && stdout.contains("1 failed"),
        "{stdout}"
    );
    assert!(stderr.contains("bad.xml"), "{stderr}");
    assert_eq!(home.entries(&[]).len(), 1);

    let feeds: Value = serde_json::from_str(&home.run_ok(&["feeds", "--json"])).unwrap();
    let bad_feed = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["url"] == bad.as_str())
        .unwrap();
    assert!(
        bad_feed["error"].as_str().unwrap().contains("not a feed"),
        "{bad_feed}"
    );
    let text = home.run_ok(&["feeds"]);
    assert!(text.contains("[error:"), "{text}");
}

#[test]
fn refresh_over_http_uses_validators_the_second_time() {
    let server = common::TestServer::start();
    let body = rss("Served", &[("s1", "Over HTTP", DAY1)]);
    server.route(
        "/feed.xml",
        common::Response::ok(body.into_bytes())
            .header("Content-Type", "application/rss+xml")
            .etag("\"v1\""),
    );
    let home = Home::new();
    let out = home.run_ok(&["add", &server.url("/feed.xml")]);
    assert!(out.contains("'Served'"), "{out}");
    let out = home.run_ok(&["refresh"]);
    assert!(out.contains("1 unchanged"), "{out}");
    let requests = server.requests("/feed.xml");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
}

#[test]
fn hostile_titles_never_reach_the_terminal() {
    let home = Home::new();
    let evil = home.feed_file(
        "evil.xml",
        &rss(
            "Evil&#27;]0;owned&#7;",
            &[("e1", "Clear&#27;[2J screen &#x202E;txt.exe", DAY1)],
        ),
    );
    let out = home.run_ok(&["add", &evil]);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    for args in [&["entries"][..], &["entries", "--json"], &["feeds"]] {
        let out = home.run_ok(args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
            "{out:?}"
        );
    }
    let id = home.entries(&[])[0]["id"].as_i64().unwrap().to_string();
    let out = home.run_ok(&["show", &id]);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
}

#[test]
fn parse_prints_the_corpus_shape_and_refuses_non_feeds() {
    let home = Home::new();
    home.feed_file("a.xml", &rss("Alpha", &[("a1", "First", DAY1)]));
    let out = home.run_ok(&["parse", home.path().join("a.xml").to_str().unwrap()]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["feed"]["title"], "Alpha");
    assert_eq!(json["feed"]["link"], "https://example.org/");
    assert_eq!(json["entry_count"], 1);
    assert_eq!(json["entries"][0]["id"], "a1");
    assert_eq!(json["entries"][0]["published"], "2026-11-02T10:00:00Z");

    home.feed_file("page.html", "<!DOCTYPE html><html><body>hi</body></html>");
    let err = home.run_err(&["parse", home.path().join("page.html").to_str().unwrap()]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("tidings: "), "{err}");

    // Found trying it: `parse /dev/zero` read until the kernel killed it.
    let err = home.run_err(&["parse", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn bad_input_gets_one_clear_line() {
    let home = Home::new();
    let err = home.run_err(&["add", "gopher://x.example/feed"]);
    assert!(err.contains("not supported"), "{err}");
    let err = home.run_err(&["add", "not a url"]);
    assert!(err.contains("is not a URL"), "{err}");
    let err = home.run_err(&["import", "/nonexistent/urls"]);
    assert!(err.contains("/nonexistent/urls"), "{err}");
    let err = home.run_err(&["show", "42"]);
    assert!(err.contains("no entry 42"), "{err}");
    let err = home.run_err(&["entries", "--feed", "nothing"]);
    assert!(err.contains("no feed matches 'nothing'"), "{err}");
}

#[test]
fn a_bad_config_names_the_file_and_the_key() {
    let home = Home::new();
    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[refresh]\njobs = 0\n").unwrap();
    let err = home.run_err(&["--config", config.to_str().unwrap(), "feeds"]);
    assert!(
        err.contains("bad.toml") && err.contains("refresh.jobs"),
        "{err}"
    );
    std::fs::write(&config, "[nonsense]\n").unwrap();
    let err = home.run_err(&["--config", config.to_str().unwrap(), "feeds"]);
    assert!(
        err.contains("bad.toml") && err.contains("nonsense"),
        "{err}"
    );
}

#[test]
fn a_database_from_the_future_is_refused() {
    let home = Home::new();
    home.run_ok(&["feeds"]);
    let conn = rusqlite::Connection::open(home.db()).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = home.run_err(&["feeds"]);
    assert!(err.contains("newer than this tidings"), "{err}");
}

/// Issue #17: one document with a 30 MB title made `entries`, `export` and the reader
/// allocate title × rows and abort. Every one-line field is bounded when stored.
#[test]
fn a_huge_title_is_bounded_everywhere_it_shows() {
    let home = Home::new();
    let huge = "H".repeat(20_000_000);
    let items: Vec<(String, String, &str)> = (0..50)
        .map(|i| (format!("g{i}"), format!("{}{i}", "T".repeat(100_000)), DAY1))
        .collect();
    let items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(g, t, d)| (g.as_str(), t.as_str(), *d))
        .collect();
    let url = home.feed_file("huge.xml", &rss(&huge, &items));
    let added = home.run_ok(&["add", &url]);
    assert!(added.len() < 1000, "add said {} bytes", added.len());
    let parsed = home.run_ok(&["parse", url.trim_start_matches("file://")]);
    assert!(parsed.len() < 50 * 10_000, "parse: {} bytes", parsed.len());
    let feeds = home.run_ok(&["feeds", "--json"]);
    assert!(feeds.len() < 20_000, "feeds: {} bytes", feeds.len());
    let listing = home.run_ok(&["entries", "--json"]);
    assert!(
        listing.len() < 50 * 10_000,
        "entries: {} bytes",
        listing.len()
    );
    let csv = home.run_ok(&["export", "--format", "csv"]);
    assert!(csv.len() < 50 * 10_000, "export: {} bytes", csv.len());
    // A local file named by a list is refused; typed by the user, it is read.
    let list = home.path().join("list.opml");
    std::fs::write(
        &list,
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
         <outline type=\"rss\" text=\"tty\" xmlUrl=\"file:///dev/tty\"/></body></opml>",
    )
    .unwrap();
    let out = home
        .cmd()
        .args(["import", list.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("an OPML list may not name local files"),
        "{err}"
    );
    assert!(!home.run_ok(&["feeds", "--json"]).contains("/dev/tty"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    closed_pipe("entries");
}

/// Issue #17: `serde_json` keeps the broken pipe inside its own error, which was then printed
/// as "Broken pipe" with exit 1.
#[test]
fn json_output_into_a_closed_pipe_is_not_an_error() {
    closed_pipe("entries --json");
}

fn closed_pipe(command: &str) {
    let home = Home::new();
    let items: Vec<(String, String, &str)> = (0..3000)
        .map(|i| (format!("g{i}"), format!("Entry {i}"), DAY1))
        .collect();
    let items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(g, t, d)| (g.as_str(), t.as_str(), *d))
        .collect();
    let a = home.feed_file("a.xml", &rss("Alpha", &items));
    home.run_ok(&["add", &a]);
    let bin = assert_cmd::cargo::cargo_bin("tidings");
    let script = format!("'{}' {command} | head -n 1", bin.display());
    let out = std::process::Command::new("bash")
        .args(["-o", "pipefail", "-c", &script])
        .env("TIDINGS_DB", home.db())
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_reader_refuses_to_start_without_a_terminal() {
    let home = Home::new();
    let err = home.run_err(&[]);
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn every_command_has_help() {
    let home = Home::new();
    for cmd in [
        "add",
        "import",
        "feeds",
        "refresh",
        "entries",
        "show",
        "mark",
        "parse",
        "export",
        "export-opml",
        "publish",
        "config",
        "db",
    ] {
        let out = home.run_ok(&[cmd, "--help"]);
        assert!(out.contains("Usage:"), "{cmd}: {out}");
    }
}

#[test]
fn add_on_a_web_page_finds_its_feed_and_names_the_others() {
    let server = common::TestServer::start();
    common::serve_page_naming_two_feeds(&server);
    server.route(
        "/feed.xml",
        common::Response::ok(rss("Found", &[("f1", "Found it", DAY1)]).into_bytes()),
    );
    let home = Home::new();
    let out = home.run_ok(&["add", &server.url("/")]);
    assert!(out.contains("naming 2 feeds; taking the first"), "{out}");
    assert!(out.contains(&server.url("/comments.xml")), "{out}");
    assert!(out.contains("Subscribed to 'Found'"), "{out}");
    let feeds: Value = serde_json::from_str(&home.run_ok(&["feeds", "--json"])).unwrap();
    assert_eq!(feeds[0]["url"], server.url("/feed.xml").as_str());

    // A page without feed links is still a clear one-line error.
    server.route(
        "/plain",
        common::Response::ok(b"<html><body>no feeds</body></html>".to_vec()),
    );
    let err = home.run_err(&["add", &server.url("/plain")]);
    assert!(err.contains("not a feed"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// An RSS document whose items have the given bodies (escaped HTML).
fn rss_bodies(title: &str, items: &[(&str, &str, &str)]) -> String {
    use std::fmt::Write as _;
    let items = items
        .iter()
        .fold(String::new(), |mut out, (guid, title, body)| {
            let _ = write!(
                out,
                "<item><guid>{guid}</guid><title>{title}</title><pubDate>{DAY1}</pubDate>\
             <description>{body}</description></item>"
            );
            out
        });
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link>{items}</channel></rss>"
    )
}

fn titles(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect()
}

#[test]
fn a_query_finds_a_word_that_is_only_in_a_body() {
    let home = Home::new();
    let a = home.feed_file(
        "a.xml",
        &rss_bodies(
            "Alpha",
            &[
                ("a1", "Plain", "&lt;p&gt;Nothing to see&lt;/p&gt;"),
                (
                    "a2",
                    "Also plain",
                    "&lt;p&gt;A &lt;em&gt;zanzibar&lt;/em&gt; sighting&lt;/p&gt;",
                ),
                ("a3", "Script", "&lt;script&gt;zanzibar()&lt;/script&gt;"),
            ],
        ),
    );
    home.run_ok(&["add", &a]);
    let found = home.entries(&["--query", "zanzibar"]);
    assert_eq!(titles(&found), ["Also plain"]);
    assert_eq!(titles(&home.entries(&["--query", "ZANZ*"])), ["Also plain"]);
    assert_eq!(
        titles(&home.entries(&["--query", "\"zanzibar sighting\""])),
        ["Also plain"]
    );
    assert_eq!(home.entries(&["--query", "-zanzibar"]).len(), 2);
    assert_eq!(
        titles(&home.entries(&["--query", "plain -zanzibar", "--unread"])),
        ["Plain"]
    );
    let text = home.run_ok(&["entries", "-q", "zanzibar"]);
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn imported_folders_become_tags_to_filter_by() {
    let home = Home::new();
    let server = common::TestServer::start();
    let a = Home::served(
        &server,
        "a.xml",
        &rss("Alpha", &[("a1", "From alpha", DAY1)]),
    );
    let b = Home::served(&server, "b.xml", &rss("Beta", &[("b1", "From beta", DAY2)]));
    let c = Home::served(
        &server,
        "c.xml",
        &rss("Gamma", &[("c1", "From gamma", DAY3)]),
    );
    let opml = format!(
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
         <outline text=\"Tech\"><outline title=\"Rust\">\
           <outline text=\"A\" xmlUrl=\"{a}\"/></outline>\
           <outline text=\"B\" xmlUrl=\"{b}\" category=\"/Misc/Weekly\"/></outline>\
         <outline text=\"C\" xmlUrl=\"{c}\"/>\
         </body></opml>"
    );
    std::fs::write(home.path().join("subs.opml"), opml).unwrap();
    home.run_ok(&["import", home.path().join("subs.opml").to_str().unwrap()]);
    // A urls file adds tags to a feed already known, and its "~Renamed" is the user's own
    // name for it (newsboat's rename, carried over since #7).
    std::fs::write(
        home.path().join("urls"),
        format!("{c} daily \"~Renamed\"\n"),
    )
    .unwrap();
    home.run_ok(&["import", home.path().join("urls").to_str().unwrap()]);
    home.run_ok(&["refresh"]);

    assert_eq!(
        titles(&home.entries(&["--query", "tag:rust"])),
        ["From alpha"]
    );
    assert_eq!(
        titles(&home.entries(&["--query", "tag:TECH"])),
        ["From beta", "From alpha"]
    );
    assert_eq!(
        titles(&home.entries(&["--query", "-tag:tech"])),
        ["From gamma"]
    );
    assert_eq!(
        titles(&home.entries(&["--query", "tag:weekly"])),
        ["From beta"]
    );
    assert_eq!(
        titles(&home.entries(&["--query", "tag:daily"])),
        ["From gamma"]
    );

    let feeds: Value = serde_json::from_str(&home.run_ok(&["feeds", "--json"])).unwrap();
    let tags: Vec<(&str, Vec<&str>)> = feeds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let tags = f["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            (f["title"].as_str().unwrap(), tags)
        })
        .collect();
    assert_eq!(
        tags,
        [
            ("Alpha", vec!["Rust", "Tech"]),
            ("Beta", vec!["Tech", "Weekly"]),
            ("Renamed", vec!["daily"]),
        ]
    );
    let text = home.run_ok(&["feeds"]);
    assert!(
        text.contains("Alpha  <") && text.contains("[tags: Rust, Tech]"),
        "{text}"
    );
}

#[test]
fn a_bad_query_is_one_line_naming_the_column() {
    let home = Home::new();
    for (query, message) in [
        ("unread foo:bar", "unknown field 'foo:'"),
        ("since:yesterday", "not an age"),
        ("\"open", "unclosed quote"),
    ] {
        let out = home
            .cmd()
            .args(["entries", "--query", query])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{query}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("tidings: --query: "), "{err}");
        assert!(err.contains(message), "{err}");
    }
    // Found trying it: `count` and `mark` said the same but exited 1.
    for command in [
        &["entries"][..],
        &["count"],
        &["mark", "--read"],
        &["export"],
        &["publish", "out"],
    ] {
        let out = home
            .cmd()
            .args(command)
            .args(["--query", "(("])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("tidings: --query: "), "{err}");
    }
    let err = home.run_err(&["entries", "--query", "unread foo:bar"]);
    assert!(err.contains("(at column 8)"), "{err}");
    assert!(
        err.contains("feed, tag, author, title, content, link, label, since, before"),
        "{err}"
    );
}

/// The README shows the default config exactly as `tidings config --default` prints it, and
/// it is a valid config.
#[test]
fn config_default_is_in_the_readme_and_valid() {
    let home = Home::new();
    let text = home.run_ok(&["config", "--default"]);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&text),
        "README's config block differs from the default"
    );
    let path = home.path().join("c.toml");
    std::fs::write(&path, &text).unwrap();
    let out = home
        .cmd()
        .args(["--config", path.to_str().unwrap(), "config"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid"));
    std::fs::write(&path, "[ui]\nmouse = \"yes\"\n").unwrap();
    let out = home
        .cmd()
        .args(["--config", path.to_str().unwrap(), "config"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("c.toml") && err.contains("line 2"), "{err}");
}

/// Upgrading an existing database says so first (the search index is built then), and the
/// upgraded database answers searches.
#[test]
fn an_older_database_is_upgraded_with_a_notice() {
    let home = Home::new();
    std::fs::create_dir_all(home.db().parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(home.db()).unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/0001_init.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/0002_etiquette.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'https://a.example/', 'A', 0);
             INSERT INTO entries (id, feed_id, key, title, published, first_seen, content_hash)
                 VALUES (1, 1, 'k', 'Old entry', 10, 10, 0);
             INSERT INTO entry_bodies (entry_id, html) VALUES (1, '<p>a word: quokka</p>');
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let out = home
        .cmd()
        .args(["entries", "--query", "quokka"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("upgrading") && err.contains("schema 2 →") && err.contains(".v2.*.bak"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Old entry"));
    let copies: Vec<String> = std::fs::read_dir(home.db().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("tidings.db.v2.")
                && std::path::Path::new(n)
                    .extension()
                    .is_some_and(|x| x == "bak")
        })
        .collect();
    assert_eq!(copies.len(), 1, "the copy kept before the upgrade");
    // Once upgraded, nothing more is said.
    let out = home.cmd().args(["entries"]).output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A home with feed Alpha (First, Second) and Beta (Third), Second starred.
fn exporting_home() -> (Home, Vec<serde_json::Value>) {
    let home = Home::new();
    let a = home.feed_file(
        "a.xml",
        &rss("Alpha", &[("a1", "First", DAY1), ("a2", "Second", DAY2)]),
    );
    let b = home.feed_file("b.xml", &rss("Beta", &[("b1", "Third", DAY3)]));
    home.run_ok(&["add", &a]);
    home.run_ok(&["add", &b]);
    let entries = home.entries(&[]);
    let second = entries[1]["id"].to_string();
    home.run_ok(&["mark", &second, "--star"]);
    (home, entries)
}

#[test]
fn export_markdown_holds_the_chosen_entries_and_nothing_else() {
    let (home, _) = exporting_home();
    let md = home.run_ok(&["export", "--starred", "--format", "md"]);
    assert!(md.starts_with("## Second\n"), "{md}");
    assert!(!md.contains("First") && !md.contains("Third"), "{md}");
    assert!(
        md.contains("<https://example.org/a2>") && md.contains("Body of a2"),
        "{md}"
    );
    // By id, in the order given.
    let all = home.entries(&[]);
    let (third, first) = (all[0]["id"].to_string(), all[2]["id"].to_string());
    let txt = home.run_ok(&["export", "--ids", &first, &third, "--format", "txt"]);
    let first_at = txt.find("First").unwrap();
    let third_at = txt.find("Third").unwrap();
    assert!(first_at < third_at && !txt.contains("Second"), "{txt}");
}

#[test]
fn export_atom_parses_back_to_the_same_items() {
    let (home, entries) = exporting_home();
    let path = home.path().join("picks.atom");
    home.run_ok(&["export", "--format", "atom", "-o", path.to_str().unwrap()]);
    let parsed = home.run_ok(&["parse", path.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&parsed).unwrap();
    let items = v["entries"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for (got, want) in items.iter().zip(&entries) {
        assert_eq!(got["title"], want["title"]);
        assert_eq!(got["link"], want["link"]);
        assert_eq!(got["published"], want["published"]);
    }
    // The file is not overwritten without --force.
    let out = home
        .cmd()
        .args(["export", "--format", "atom", "-o", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
}

/// Issue #17: `export -o` checked `exists()` and then wrote, so a dangling symlink was written
/// through (creating the file it names), and `--force` replaced a symlink's target.
#[test]
fn export_never_writes_through_a_symlink() {
    let (home, _) = exporting_home();
    let victim = home.path().join("victim.txt");
    let dangling = home.path().join("dangling.md");
    std::os::unix::fs::symlink(&victim, &dangling).unwrap();
    let err = home.run_err(&["export", "-o", dangling.to_str().unwrap()]);
    assert!(err.contains("exists; --force replaces it"), "{err}");
    assert!(!victim.exists(), "nothing was written through the link");
    // With --force the link itself is replaced by the export; what it pointed at is kept.
    std::fs::write(&victim, "keep me").unwrap();
    home.run_ok(&["export", "-o", dangling.to_str().unwrap(), "--force"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let written = std::fs::symlink_metadata(&dangling).unwrap();
    assert!(written.file_type().is_file(), "the link became the export");
    assert!(
        std::fs::read_to_string(&dangling)
            .unwrap()
            .contains("First")
    );
    // Nothing is left beside it (a temporary file that failed would block nothing either).
    let stray: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn export_json_csv_and_filters() {
    let (home, _) = exporting_home();
    let json = home.run_ok(&["export", "--format", "json", "--feed", "Alpha"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    let titles: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Second", "First"]);
    assert_eq!(v["items"][0]["starred"], true);
    let csv = home.run_ok(&["export", "--format", "csv", "--query", "Third"]);
    assert_eq!(
        csv,
        "title,link,feed,date,author,labels\r\nThird,https://example.org/b1,Beta,2026-11-04T10:00:00Z,,\r\n"
    );
    let out = home
        .cmd()
        .args(["export", "--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("md, txt, html, json, atom, csv"));
}

/// OPML out, in again elsewhere, and out again: the same document (titles and tags kept).
#[test]
fn opml_export_import_export_is_identical() {
    let home = Home::new();
    let opml = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
        <outline text="rust">
          <outline type="rss" text="Crate Digest" xmlUrl="https://crates.example/feed" htmlUrl="https://crates.example/" category="/weekly"/>
          <outline type="rss" text="Terminal &amp; Notes" xmlUrl="https://notes.example/atom.xml"/>
        </outline>
        <outline type="rss" text="Gazette" xmlUrl="https://gazette.example/rss?x=1&amp;y=2"/>
      </body></opml>"#;
    std::fs::write(home.path().join("in.opml"), opml).unwrap();
    home.run_ok(&["import", home.path().join("in.opml").to_str().unwrap()]);
    let first = home.run_ok(&["export-opml"]);
    assert!(first.contains("category=\"/rust,/weekly\""), "{first}");
    assert!(first.contains("text=\"Terminal &amp; Notes\""), "{first}");
    let again = Home::new();
    std::fs::write(again.path().join("out.opml"), &first).unwrap();
    again.run_ok(&["import", again.path().join("out.opml").to_str().unwrap()]);
    assert_eq!(again.run_ok(&["export-opml"]), first);
}

/// A newsboat user moves in: feeds from the urls file (tags, renames; a query feed becomes a
/// saved view, commands are reported, never run), entries and their read and flagged states
/// from a cache written by newsboat 2.21 (tests/fixtures/newsboat).
#[test]
fn import_newsboat_keeps_read_and_flagged_states() {
    let home = Home::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsboat");
    let out = home
        .cmd()
        .args(["import", "newsboat", "--urls"])
        .arg(fixtures.join("urls"))
        .arg("--cache")
        .arg(fixtures.join("cache.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("5 entries of 2 feeds, 2 read, 2 flagged"),
        "{stdout}"
    );
    assert!(
        stdout.contains("view 'Unread tech': unread tag:tech"),
        "the query feed is a saved view: {stdout}"
    );
    assert!(
        !stderr.contains("Unread tech"),
        "and not also skipped: {stderr}"
    );
    assert!(stderr.contains("never runs commands"), "{stderr}");
    let states: Vec<(String, bool, bool)> = home
        .entries(&[])
        .iter()
        .map(|e| {
            (
                e["title"].as_str().unwrap().to_owned(),
                e["read"].as_bool().unwrap(),
                e["starred"].as_bool().unwrap(),
            )
        })
        .collect();
    let state = |t: &str| {
        states
            .iter()
            .find(|(title, _, _)| title == t)
            .cloned()
            .unwrap()
    };
    assert_eq!(state("Beta post"), ("Beta post".into(), true, false));
    assert_eq!(state("Gamma post"), ("Gamma post".into(), false, true));
    assert_eq!(state("Delta entry"), ("Delta entry".into(), true, true));
    assert_eq!(state("Alpha post"), ("Alpha post".into(), false, false));
    let feeds = home.run_ok(&["feeds", "--json"]);
    assert!(
        feeds.contains("\"My One\""),
        "the ~ rename is kept: {feeds}"
    );
}

/// Issue #17: `import newsboat` trusted `cache.db`: it subscribed every `rss_feed` URL whatever
/// its scheme and whether or not the urls file listed it, and kept `javascript:` item links,
/// which `publish` then wrote into a page "safe to serve as is".
#[test]
fn import_newsboat_trusts_the_cache_no_further_than_the_urls_file() {
    let home = Home::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsboat");
    let cache = home.path().join("cache.db");
    std::fs::copy(fixtures.join("cache.db"), &cache).unwrap();
    let conn = rusqlite::Connection::open(&cache).unwrap();
    conn.execute_batch(
        "INSERT INTO rss_feed (rssurl, url, title) VALUES
             ('exec:~/bin/evil.sh', 'http://x.example/', 'Evil'),
             ('file:///etc/passwd', 'http://x.example/', 'Passwd'),
             ('https://unlisted.example/feed', 'https://unlisted.example/', 'Unlisted');
         INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread) VALUES
             ('evil-1', 'Evil link', 'x', 'javascript:alert(1)', 'http://127.0.0.1:18777/one.xml',
              1700000000, '<p>x</p>', 1),
             ('evil-2', 'Help link', 'x', '--help', 'http://127.0.0.1:18777/one.xml',
              1700000001, '<p>y</p>', 1),
             ('evil-3', 'From exec', 'x', 'http://x.example/3', 'exec:~/bin/evil.sh',
              1700000002, '<p>z</p>', 1);",
    )
    .unwrap();
    drop(conn);
    home.run_ok(&[
        "import",
        "newsboat",
        "--urls",
        fixtures.join("urls").to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
    ]);
    let feeds = home.run_ok(&["feeds", "--json"]);
    for url in ["exec:", "file:", "unlisted.example"] {
        assert!(!feeds.contains(url), "{url} subscribed: {feeds}");
    }
    let entries = home.entries(&[]);
    assert!(!entries.iter().any(|e| e["title"] == "From exec"));
    let evil = entries.iter().find(|e| e["title"] == "Evil link").unwrap();
    assert!(evil["link"].is_null(), "{evil}");
    let site = home.path().join("site");
    home.run_ok(&["publish", site.to_str().unwrap()]);
    for file in ["index.html", "atom.xml"] {
        let text = std::fs::read_to_string(site.join(file)).unwrap();
        assert!(
            !text.contains("javascript:") && !text.contains("--help"),
            "{file}: {text}"
        );
    }
}

/// newsboat's query feeds become saved views in the config: the one that converts is appended
/// once (a second import finds it there), the one with `or` is reported, and the config still
/// reads.
#[test]
fn import_newsboat_turns_query_feeds_into_saved_views() {
    let home = Home::new();
    let feed = home.feed_file("one.xml", &rss("One", &[]));
    let urls = home.path().join("urls");
    std::fs::write(
        &urls,
        format!(
            "{feed} tech\n\
             \"query:Unread tech:unread = \\\"yes\\\" and tags # \\\"tech\\\"\" ignored-tag\n\
             \"query:Regex:title =~ \\\"^Rust\\\"\"\n"
        ),
    )
    .unwrap();
    let config = home.path().join("config-home/tidings/config.toml");
    let import = || {
        let out = home
            .cmd()
            .args(["import", "newsboat", "--urls"])
            .arg(&urls)
            .arg("--cache")
            .arg(home.path().join("no-cache.db"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (stdout, stderr) = import();
    assert!(
        stdout.contains("view 'Unread tech': unread tag:tech"),
        "{stdout}"
    );
    assert!(
        stderr.contains("line 3: query feed 'Regex' cannot be a saved view"),
        "{stderr}"
    );
    assert!(stderr.contains("not plain text"), "{stderr}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert_eq!(text.matches("[[views]]").count(), 1, "{text}");
    assert!(
        text.contains("name = \"Unread tech\"\nfilter = \"unread tag:tech\"\n"),
        "{text}"
    );
    assert!(!text.contains("Regex"), "{text}");
    assert!(home.run_ok(&["config"]).contains("valid"));
    // The view works as a filter over what was imported.
    assert!(home.entries(&["--query", "unread tag:tech"]).is_empty());

    let (stdout, _) = import();
    assert!(
        stdout.contains("view 'Unread tech' is already in"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}

/// Bodies that try every way into a page: each must come out inert in the HTML export, the
/// published page and its Atom feed.
const XSS_BODIES: [&str; 12] = [
    "<script>alert('s1')</script><p>after script</p>",
    "<img src=x onerror=alert('s2')><p>kept text</p>",
    "<a href=\"javascript:alert('s3')\">js link</a>",
    "<a href=\"  JaVa&#x53;cript:alert('s4')\">obfuscated link</a>",
    "<p style=\"background:url(javascript:alert('s5'))\">styled</p>",
    "<iframe src=\"https://evil.example/\"></iframe><object data=\"x.swf\"></object>",
    "<svg><script>alert('s7')</script><circle onload=alert('s7b')/></svg>",
    "<form action=\"https://evil.example/\"><input name=p><button formaction=x>go</button></form>",
    "<style>body{display:none}</style><link rel=stylesheet href=https://evil.example/x.css>",
    "<meta http-equiv=refresh content=\"0;url=https://evil.example/\"><base href=https://evil.example/>",
    "</div></article></main></body></html><script>alert('s11')</script>",
    "<div onmouseover=\"alert('s12')\"><img src=\"data:image/svg+xml,<svg onload=alert(1)>\"></div>",
];

fn xss_home() -> Home {
    let home = Home::new();
    let items: Vec<(String, String, String)> = XSS_BODIES
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let escaped = body
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            (format!("x{i}"), format!("Vector {i} <b>bold</b>"), escaped)
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let url = home.feed_file("xss.xml", &rss_bodies("Hostile", &refs));
    home.run_ok(&["add", &url]);
    home
}

/// What no page made from feeds may contain.
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "onerror",
        "onload",
        "onmouseover",
        "<iframe",
        "<object",
        "<form",
        "<input",
        "<svg",
        "<base",
        "<link rel=stylesheet",
        "http-equiv=refresh",
        "style=",
        "data:image",
        "evil.example",
    ] {
        assert!(!lower.contains(bad), "{bad} got through:\n{html}");
    }
    // The page's own stylesheet is its only style element.
    assert!(lower.matches("<style").count() <= 1, "{html}");
}

#[test]
fn the_html_export_of_hostile_bodies_has_no_script_style_or_handlers() {
    let home = xss_home();
    let html = home.run_ok(&["export", "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert_inert(&html);
    assert_eq!(html.matches("<article>").count(), XSS_BODIES.len());
    for kept in [
        "after script",
        "kept text",
        "js link",
        "obfuscated link",
        "styled",
    ] {
        assert!(html.contains(kept), "{kept} is text and stays: {html}");
    }
    assert!(
        html.contains("<h2>Vector 3 bold</h2>"),
        "titles are text: {html}"
    );
    let atom = home.run_ok(&["export", "--format", "atom"]);
    // The Atom feed's bodies are HTML escaped as XML text: unescape once to see the HTML.
    let inner = atom
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    assert_inert(&inner);
}

#[test]
fn publish_writes_a_page_and_an_atom_feed_that_parses_back() {
    let (home, entries) = exporting_home();
    let out = home.path().join("site");
    let site = out.to_str().unwrap();
    std::fs::create_dir_all(home.path().join("config-home/tidings")).unwrap();
    std::fs::write(
        home.path().join("config-home/tidings/config.toml"),
        "[[views]]\nname = \"Starred picks\"\nfilter = \"starred\"\n",
    )
    .unwrap();
    home.run_ok(&["publish", site, "--url", "https://me.example/planet/"]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<title>tidings</title>"), "{page}");
    assert!(page.contains("3 entries from 2 feeds"), "{page}");
    assert!(page.contains("href=\"atom.xml\""));
    let (third, first) = (page.find(">Third<").unwrap(), page.find(">First<").unwrap());
    assert!(third < first, "newest first");
    let parsed = home.run_ok(&["parse", out.join("atom.xml").to_str().unwrap()]);
    let v: Value = serde_json::from_str(&parsed).unwrap();
    let items = v["entries"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for (got, want) in items.iter().zip(&entries) {
        assert_eq!(got["title"], want["title"]);
        assert_eq!(got["link"], want["link"]);
    }
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        atom.contains("<id>https://me.example/planet/atom.xml</id>"),
        "{atom}"
    );
    // Again, for a saved view and a limit: both files are replaced.
    home.run_ok(&["publish", site, "--view", "Starred picks", "--limit", "1"]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<h1>Starred picks</h1>"), "{page}");
    assert!(
        page.contains(">Second<") && !page.contains(">First<"),
        "{page}"
    );
    let out = home
        .cmd()
        .args(["publish", site, "--view", "Nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no saved view \"Nope\" in the config (views: Starred picks)")
    );
}

#[test]
fn a_published_page_of_hostile_feeds_is_inert() {
    let home = xss_home();
    let site = home.path().join("site");
    home.run_ok(&["publish", site.to_str().unwrap()]);
    assert_inert(&std::fs::read_to_string(site.join("index.html")).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(site.join("index.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "readable by the web server");
    }
}

#[test]
fn db_synth_stats_and_vacuum() {
    let home = Home::new();
    let out = home.run_ok(&["db", "synth", "--feeds", "5", "--entries-per-feed", "40"]);
    assert!(out.contains("5 feeds, 200 entries"), "{out}");
    let stats = home.run_ok(&["db", "stats"]);
    assert!(stats.contains("5 feeds, 200 entries"), "{stats}");
    assert!(stats.contains("full-text index"), "{stats}");
    assert!(stats.contains("entry_bodies"), "{stats}");
    // The synthetic database is a real one: its entries list, and searches find the words.
    assert_eq!(home.entries(&["--limit", "7"]).len(), 7);
    assert!(!home.entries(&["--query", "river"]).is_empty());
    let vacuumed = home.run_ok(&["db", "vacuum"]);
    assert!(vacuumed.contains("Compacted"), "{vacuumed}");
    // synth never writes into a database that has feeds.
    let err = home.run_err(&["db", "synth", "--feeds", "1"]);
    assert!(err.contains("already holds 5 feeds"), "{err}");
}

/// Issue #19: a feed URL with a password and a token in it works, and neither the password
/// nor the token appears in `feeds`, `feeds --json`, `export-opml`, an error or the log.
#[test]
fn credentials_in_feed_urls_are_never_shown() {
    let home = Home::new();
    let server = common::TestServer::start();
    server.route(
        "/private.xml",
        common::Response::ok(rss("", &[("p1", "Members only", DAY1)]).into_bytes()),
    );
    let url = server
        .url("/private.xml?token=t0k3nvalue")
        .replace("http://", "http://reader:s3cretpass@");
    let dead = "http://reader:d3adpass@127.0.0.1:1/feed.xml";
    let mut seen = home.run_ok(&["add", &url]);
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{dead}\n")).unwrap();
    seen += &home.run_ok(&["import", urls.to_str().unwrap()]);
    seen += &home.run_ok(&["feeds"]);
    seen += &home.run_ok(&["feeds", "--json"]);
    let out = home.cmd().arg("refresh").output().unwrap();
    seen += &String::from_utf8_lossy(&out.stdout);
    seen += &String::from_utf8_lossy(&out.stderr);
    seen += &home.run_ok(&["feeds"]);
    seen += &home.run_ok(&["export-opml"]);
    seen += &home.run_err(&["add", "http://reader:w0rdpass@127.0.0.1:1/x.xml"]);
    for entry in walkdir(home.path()) {
        if entry.extension().is_some_and(|e| e == "log") {
            seen += &std::fs::read_to_string(&entry).unwrap();
        }
    }
    for secret in ["s3cretpass", "t0k3nvalue", "d3adpass", "w0rdpass"] {
        assert!(!seen.contains(secret), "{secret} shown:\n{seen}");
    }
    assert!(seen.contains("reader:***@127.0.0.1"), "{seen}");
    // The stored URL still has them, and works: the server was asked with the password.
    let asked = server.requests("/private.xml");
    assert_eq!(asked.len(), 2, "fetched by add and by refresh");
    for request in asked {
        let auth = request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone());
        assert!(auth.is_some_and(|v| v.starts_with("Basic ")));
    }
    assert_eq!(home.entries(&[]).len(), 1);
}

/// Every file under `dir`.
fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Issue #19: moving in from newsboat lost things. Entries deleted in newsboat came back
/// unread at the first refresh; newsboat's `ETag` and `Last-Modified` were dropped, so the first
/// refresh downloaded every feed again; a hidden (`!`) feed was imported visible without a
/// word; an empty `XDG_CONFIG_HOME=` was taken as a path (the XDG spec: empty means unset).
#[test]
fn import_newsboat_keeps_deletions_validators_and_says_what_is_hidden() {
    let home = Home::new();
    let server = common::TestServer::start();
    server.route("/one.xml", common::Response::status(304));
    server.route("/two.xml", common::Response::status(304));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsboat");
    let dot = home.path().join(".newsboat");
    std::fs::create_dir_all(&dot).unwrap();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let urls = std::fs::read_to_string(fixtures.join("urls"))
        .unwrap()
        .replace("http://127.0.0.1:18777", base);
    std::fs::write(dot.join("urls"), urls).unwrap();
    let cache = dot.join("cache.db");
    std::fs::copy(fixtures.join("cache.db"), &cache).unwrap();
    let conn = rusqlite::Connection::open(&cache).unwrap();
    conn.execute_batch(&format!(
        "UPDATE rss_feed SET rssurl = replace(rssurl, 'http://127.0.0.1:18777', '{base}');
         UPDATE rss_item SET feedurl = replace(feedurl, 'http://127.0.0.1:18777', '{base}');
         UPDATE rss_feed SET etag = '\"v1-one\"', lastmodified = 1764000000
             WHERE rssurl LIKE '%/one.xml';
         UPDATE rss_item SET deleted = 1 WHERE guid = 'one-alpha';"
    ))
    .unwrap();
    drop(conn);
    let out = home
        .cmd()
        .env("XDG_CONFIG_HOME", "")
        .env("XDG_DATA_HOME", "")
        .args(["import", "newsboat"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("5 entries of 2 feeds"), "{stdout}");
    assert!(stdout.contains("1 of them deleted in newsboat"), "{stdout}");
    assert!(stdout.contains("1 feed hidden in newsboat"), "{stdout}");
    // Deleted in newsboat while unread: here it is read, and stays so after a refresh.
    home.run_ok(&["refresh"]);
    let alpha = home.entries(&[]);
    let alpha = alpha.iter().find(|e| e["title"] == "Alpha post").unwrap();
    assert_eq!(alpha["read"], true, "{alpha}");
    // The first refresh asked with newsboat's validators.
    let asked = &server.requests("/one.xml")[0];
    let header = |name: &str| {
        asked
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("if-none-match").as_deref(), Some("\"v1-one\""));
    assert_eq!(
        header("if-modified-since").as_deref(),
        Some("Mon, 24 Nov 2025 16:00:00 GMT")
    );
    // The hidden feed is there, tagged so a filter can leave it out.
    let feeds = home.run_ok(&["feeds", "--json"]);
    let feeds: Value = serde_json::from_str(&feeds).unwrap();
    let two = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/two.xml"))
        .unwrap();
    assert!(
        two["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("hidden")),
        "{two}"
    );
}

/// Issue #19: an OPML export imported into a new database and exported again lost every
/// `htmlUrl`.
#[test]
fn an_opml_round_trip_keeps_html_urls() {
    let first = Home::new();
    let opml = "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
        <outline text=\"A\" xmlUrl=\"https://a.example/feed.xml\" htmlUrl=\"https://a.example/\"/>\
        <outline text=\"B\" xmlUrl=\"https://b.example/rss\" htmlUrl=\"javascript:alert(1)\"/>\
        </body></opml>";
    let file = first.path().join("in.opml");
    std::fs::write(&file, opml).unwrap();
    first.run_ok(&["import", file.to_str().unwrap()]);
    let exported = first.run_ok(&["export-opml"]);
    assert!(
        exported.contains("htmlUrl=\"https://a.example/\""),
        "{exported}"
    );
    assert!(!exported.contains("javascript:"), "{exported}");
    let second = Home::new();
    let file = second.path().join("again.opml");
    std::fs::write(&file, &exported).unwrap();
    second.run_ok(&["import", file.to_str().unwrap()]);
    assert_eq!(second.run_ok(&["export-opml"]), exported);
}

/// Issue #19: `tidings add` said its error twice ("HTTP 401 Unauthorized: HTTP 401
/// Unauthorized", "not a feed: … not a feed: …").
#[test]
fn add_says_each_error_once() {
    let server = common::TestServer::start();
    server.route("/locked", common::Response::status(401));
    server.route(
        "/plain",
        common::Response::ok(b"<html><body>no feeds</body></html>".to_vec()),
    );
    let home = Home::new();
    for path in ["/locked", "/plain"] {
        let err = home.run_err(&["add", &server.url(path)]);
        let words: Vec<&str> = err.split(": ").map(str::trim).collect();
        let mut seen = std::collections::HashSet::new();
        for w in &words {
            assert!(seen.insert(*w), "said twice: {err}");
        }
        assert!(err.contains("401") || err.contains("not a feed"), "{err}");
    }
}

/// Issue #19: a refresh of every feed left out feeds whose host asked to wait and feeds gone
/// for good without a word; it says how many it did not try, and why.
#[test]
fn refresh_says_which_feeds_it_did_not_try() {
    let server = common::TestServer::start();
    let home = Home::new();
    server.route(
        "/ok.xml",
        common::Response::ok(rss("Fine", &[("f1", "One", DAY1)]).into_bytes()),
    );
    server.route("/gone.xml", common::Response::status(410));
    // Another origin: a wait asked for holds only the origin that asked.
    let busy = common::TestServer::start();
    busy.route(
        "/busy.xml",
        common::Response::status(429).header("Retry-After", "3600"),
    );
    let urls = home.path().join("urls");
    std::fs::write(
        &urls,
        [
            server.url("/ok.xml"),
            server.url("/gone.xml"),
            busy.url("/busy.xml"),
        ]
        .join("\n"),
    )
    .unwrap();
    home.run_ok(&["import", urls.to_str().unwrap()]);
    let _ = home.cmd().arg("refresh").output().unwrap();
    let out = home.cmd().arg("refresh").output().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("Refreshed 1 feed in"), "{out}");
    assert!(out.contains("0 new entries"), "{out}");
    assert!(
        out.contains("not tried: 1 waiting") && out.contains("1 gone for good"),
        "{out}"
    );
}

/// Issue #19: subscriptions and marks managed from the command line: `remove`, `rename`,
/// `tag`, `refresh --feed`, `mark --query/--feed`, `count`, and `import URL` of a remote OPML.
#[test]
fn the_command_line_manages_feeds_and_marks() {
    let server = common::TestServer::start();
    let home = Home::new();
    let a = Home::served(
        &server,
        "a.xml",
        &rss("Alpha", &[("a1", "First", DAY1), ("a2", "Second", DAY2)]),
    );
    let b = Home::served(&server, "b.xml", &rss("Beta", &[("b1", "Other", DAY1)]));
    server.route(
        "/list.opml",
        common::Response::ok(
            format!(
                "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
                 <outline text=\"A\" xmlUrl=\"{a}\"/><outline text=\"B\" xmlUrl=\"{b}\"/>\
                 </body></opml>"
            )
            .into_bytes(),
        ),
    );
    let out = home.run_ok(&["import", &server.url("/list.opml")]);
    assert!(out.contains("2 feeds added"), "{out}");
    // Named twice: fetched once (found trying it: fetched, and counted, twice).
    let out = home.run_ok(&["refresh", "--feed", &a, "--feed", &a]);
    assert!(out.contains("Refreshed 1 feed in"), "{out}");
    assert_eq!(home.entries(&[]).len(), 2, "only Alpha was fetched");
    home.run_ok(&["refresh"]);
    assert_eq!(home.run_ok(&["count"]).trim(), "3");

    let out = home.run_ok(&["mark", "--read", "--feed", "Alpha"]);
    assert!(out.contains("Marked 2 entries read"), "{out}");
    assert_eq!(home.run_ok(&["count"]).trim(), "1");
    let out = home.run_ok(&["mark", "--star", "--query", "other"]);
    assert!(out.contains("Marked 1 entry starred"), "{out}");
    let json: Value = serde_json::from_str(&home.run_ok(&["count", "--json"])).unwrap();
    assert_eq!(json["starred"], 1);
    assert_eq!(home.run_ok(&["count", "--query", "starred"]).trim(), "1");

    let out = home.run_ok(&["rename", "Beta", "My Beta"]);
    assert!(out.contains("is now 'My Beta'"), "{out}");
    let out = home.run_ok(&["tag", "My Beta", "news,", "tech"]);
    assert!(out.contains("tagged news, tech"), "{out}");
    // One argument with spaces is several tags, as the help says.
    let out = home.run_ok(&["tag", "My Beta", "news tech,  web"]);
    assert!(out.contains("tagged news, tech, web"), "{out}");
    let out = home.run_ok(&["rename", "My Beta"]);
    assert!(out.contains("is now 'Beta'"), "{out}");
    let out = home.run_ok(&["remove", "Alpha"]);
    assert!(
        out.contains("Unsubscribed from 'Alpha'") && out.contains("2 entries removed"),
        "{out}"
    );
    let feeds = home.run_ok(&["feeds"]);
    assert!(
        !feeds.contains("Alpha") && feeds.contains("Beta"),
        "{feeds}"
    );
    let err = home.run_err(&["remove", "Nowhere"]);
    assert!(err.contains("Nowhere"), "{err}");
}

/// Issue #19: shell completions and a man page, generated from the command line's own
/// definitions (so they name every command).
#[test]
fn completions_and_the_man_page_name_every_command() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = home.run_ok(&["completions", shell]);
        for command in ["refresh", "export-opml", "remove", "count"] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
    }
    let man = home.run_ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH tidings"),
        "{}",
        &man[..200.min(man.len())]
    );
    assert!(
        man.contains("refresh") && man.contains("export\\-opml"),
        "{man}"
    );
}

/// Issue #19: a JSON export of our own brought back with `tidings import` restores the read
/// and starred states it recorded (matched by guid), in another database too.
#[test]
fn importing_our_json_export_restores_read_and_starred() {
    let server = common::TestServer::start();
    let feed = Home::served(
        &server,
        "f.xml",
        &rss("F", &[("g1", "One", DAY1), ("g2", "Two", DAY2)]),
    );
    let first = Home::new();
    first.run_ok(&["add", &feed]);
    let ids: Vec<String> = first
        .entries(&[])
        .iter()
        .map(|e| e["id"].to_string())
        .collect();
    first.run_ok(&["mark", "--read", &ids[0]]);
    first.run_ok(&["mark", "--star", &ids[1]]);
    let export = first.path().join("picks.json");
    first.run_ok(&["export", "--format", "json", "-o", export.to_str().unwrap()]);

    let second = Home::new();
    second.run_ok(&["add", &feed]);
    let out = second.run_ok(&["import", export.to_str().unwrap()]);
    assert!(
        out.contains("2 entries of 2 found here, 2 marks changed"),
        "{out}"
    );
    let states: Vec<(bool, bool)> = second
        .entries(&[])
        .iter()
        .map(|e| {
            (
                e["read"].as_bool().unwrap(),
                e["starred"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(states, vec![(true, false), (false, true)]);
    let err = second.run_err(&[
        "import",
        first.path().join("nothing.json").to_str().unwrap(),
    ]);
    assert!(err.contains("nothing.json"), "{err}");
}
