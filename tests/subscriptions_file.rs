//! Subscriptions kept in a file (issue #24), end to end with the real binary over loopback: a
//! newsboat `urls` file used as it is, a TOML file with per-feed settings, the file as the
//! source of truth (added, removed, renamed and retagged there, then in the database), the
//! commands and the reader writing their changes back with comments and order kept, and a
//! broken file changing nothing.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::home::{Home, rss};
use common::{Response, TestServer};
use serde_json::Value;

fn serve(server: &TestServer, path: &str, title: &str) -> String {
    server.route(
        path,
        Response::ok(rss(title, &[("g1", "One", "<p>one</p>")])),
    );
    server.url(path)
}

/// A home whose config keeps the subscriptions in `name` (written with `text`).
fn home_with(name: &str, text: &str) -> (Home, PathBuf) {
    let home = Home::new();
    let file = home.path().join(name);
    std::fs::write(&file, text).unwrap();
    let dir = home.path().join("config-home/tidings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[subscriptions]\nfile = \"{}\"\n", file.display()),
    )
    .unwrap();
    (home, file)
}

fn feeds(home: &Home) -> Vec<Value> {
    let json: Value = serde_json::from_str(&home.run_ok(&["feeds", "--json"])).unwrap();
    json.as_array().unwrap().clone()
}

/// `(url, title, tags)` of every feed, by URL.
fn listed(home: &Home) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>)> = feeds(home)
        .iter()
        .map(|f| {
            (
                f["url"].as_str().unwrap().to_owned(),
                f["title"].as_str().unwrap().to_owned(),
                f["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    out.sort();
    out
}

fn refresh(home: &Home) -> (bool, String) {
    let out = home.cmd().args(["refresh"]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_newsboat_urls_file_is_the_source_of_truth_and_changes_go_back_into_it() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    let b = serve(&server, "/b.xml", "Feed B");
    let c = serve(&server, "/c.xml", "Feed C");
    let urls = format!(
        "# my feeds, kept in git\n{a} news \"long reads\" \"~Ann's\"\n\n# podcasts\n{b} cast\n\
         \"query:Unread:unread = \\\"yes\\\"\"\n"
    );
    let (home, file) = home_with("urls", &urls);
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    assert!(said.contains("Subscriptions file: 2 subscribed"), "{said}");
    assert_eq!(
        listed(&home),
        [
            (
                a.clone(),
                "Ann's".into(),
                vec!["long reads".into(), "news".into()]
            ),
            (b.clone(), "Feed B".into(), vec!["cast".into()]),
        ]
    );
    assert_eq!(server.hits("/a.xml"), 1);

    // Edited in the file: B goes, C comes, A is renamed.
    std::fs::write(
        &file,
        urls.replace(&format!("{b} cast\n"), &format!("{c}\n"))
            .replace("~Ann's", "~Anne"),
    )
    .unwrap();
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    assert!(said.contains("unsubscribed from Feed B"), "{said}");
    let now = listed(&home);
    assert_eq!(now.len(), 2);
    assert_eq!(now[0].1, "Anne");
    assert_eq!(now[1].0, c);

    // Changes made with the commands go back into the file, every other line as it was.
    home.run_ok(&["add", &b]);
    home.run_ok(&["rename", &c, "Sea"]);
    home.run_ok(&["tag", &c, "weekly"]);
    home.run_ok(&["remove", &a]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# my feeds, kept in git\n\n# podcasts\n"),
        "{text}"
    );
    assert!(text.contains(&format!("{c} weekly \"~Sea\"\n")), "{text}");
    assert!(text.contains("\"query:Unread"), "{text}");
    assert!(text.ends_with(&format!("{b}\n")), "{text}");
    assert!(!text.contains(&a), "{text}");
    // And the file, read again, is what the database holds.
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    assert!(
        !said.contains("Subscriptions file"),
        "nothing to change: {said}"
    );
}

#[test]
fn a_broken_file_names_its_line_and_nothing_is_unsubscribed() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    let (home, file) = home_with("urls", &format!("{a}\n"));
    refresh(&home);
    assert_eq!(feeds(&home).len(), 1);
    std::fs::write(&file, "# oops\nthis is not a url\n").unwrap();
    let (_, said) = refresh(&home);
    assert!(said.contains("line 2:"), "{said}");
    assert!(said.contains("is not a feed's address"), "{said}");
    assert_eq!(feeds(&home).len(), 1, "nothing unsubscribed");
    // An emptied file is taken for a mistake, not for "unsubscribe from everything".
    std::fs::write(&file, "# nothing here\n").unwrap();
    let (_, said) = refresh(&home);
    assert!(
        said.contains("lists no feed: nothing was unsubscribed"),
        "{said}"
    );
    assert_eq!(feeds(&home).len(), 1);
}

#[test]
fn a_toml_file_carries_per_feed_settings_and_keeps_its_comments() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    let toml = format!(
        "# subscriptions\n\n[[feed]]\nurl = \"{a}\"  # the one\ntitle = \"Mine\"\n\
         tags = [\"x\"]\nuser_agent = \"FromTheFile/1\"\n"
    );
    let (home, file) = home_with("feeds.toml", &toml);
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    assert_eq!(
        server
            .requests("/a.xml")
            .last()
            .unwrap()
            .header("user-agent"),
        Some("FromTheFile/1")
    );
    assert_eq!(listed(&home)[0].1, "Mine");
    home.run_ok(&["tag", &a, "y", "z"]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(&format!(
        "# subscriptions\n\n[[feed]]\nurl = \"{a}\"  # the one\n"
    )));
    assert!(text.contains("tags = [\"y\", \"z\"]\n"), "{text}");
    assert!(text.contains("user_agent = \"FromTheFile/1\"\n"));
    let (ok, said) = refresh(&home);
    assert!(ok && !said.contains("Subscriptions file"), "{said}");
}

/// The reader on `home`'s config and database, in a real terminal.
fn reader(home: &Home) -> common::pty::Session {
    common::pty::Session::start_with(
        home.path(),
        &[],
        100,
        24,
        &[
            (
                "XDG_CONFIG_HOME",
                home.path().join("config-home").to_str().unwrap(),
            ),
            ("TIDINGS_DB", home.db().to_str().unwrap()),
        ],
    )
}

/// The reader's `a` subscribes and writes the feed into the file.
#[test]
fn the_readers_subscribe_key_writes_the_file() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    let b = serve(&server, "/b.xml", "Feed B");
    let (home, file) = home_with("urls", &format!("# mine\n{a}\n"));
    let mut s = reader(&home);
    s.wait_text("Subscriptions file: 1 subscribed");
    s.keys("f");
    s.keys("a");
    s.keys(&b);
    s.keys("\r");
    s.wait_text("and in the subscriptions file");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, format!("# mine\n{a}\n{b}\n"));
    // `t` and `D` on it write the file too.
    s.wait_for("Feed B in the list", |s| {
        (1..5).any(|r| s.row(r).contains("Feed B"))
    });
    // Feed A, never fetched, is listed by its address, which sorts first: B is on top.
    s.keys("g");
    s.keys("t");
    s.keys("later\r");
    s.wait_text("Tagged later (and in the subscriptions file)");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, format!("# mine\n{a}\n{b} later\n"));
    // Now under its tag's heading.
    s.wait_for("the tag heading", |s| s.row(1).starts_with("later"));
    s.keys("gj");
    s.keys("D");
    s.keys("y");
    s.wait_text("Unsubscribed; its entries are gone (and in the subscriptions file)");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, format!("# mine\n{a}\n"));
}

/// `R` in the reader reads the file first: a feed added to it since the start is subscribed and
/// fetched in that refresh.
#[test]
fn the_readers_refresh_reads_the_file_first() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    server.route(
        "/c.xml",
        Response::ok(rss("Feed C", &[("c1", "Sea news", "<p>the sea</p>")])),
    );
    let c = server.url("/c.xml");
    let (home, file) = home_with("urls", &format!("{a}\n"));
    let mut s = reader(&home);
    s.wait_text("Subscriptions file: 1 subscribed");
    std::fs::write(&file, format!("{a}\n{c}\n")).unwrap();
    s.keys("R");
    s.wait_for("C fetched", |_| server.hits("/c.xml") == 1);
    s.wait_for("C in the stream", |s| s.contents().contains("Sea news"));
}

/// Retention keys in a TOML table keep that feed's entries as they say.
#[test]
fn a_toml_table_sets_its_feeds_retention() {
    let server = TestServer::start();
    let items: Vec<(String, String, String)> = (1..=5)
        .map(|i| (format!("g{i}"), format!("Item {i}"), format!("<p>{i}</p>")))
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    server.route("/many.xml", Response::ok(rss("Many", &refs)));
    let url = server.url("/many.xml");
    let (home, _) = home_with(
        "feeds.toml",
        &format!("[[feed]]\nurl = \"{url}\"\nkeep_per_feed = 2\nkeep_unread = false\n"),
    );
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    // All read; then the feed lists only its newest: of the four it dropped, the next refresh
    // keeps what the table says (two entries in all), where the default would keep them all.
    home.run_ok(&["mark", "--read", "--feed", &url]);
    server.route("/many.xml", Response::ok(rss("Many", &refs[4..])));
    refresh(&home);
    assert_eq!(home.entries(&[]).len(), 2);
}

/// `tidings import` with a subscriptions file: the imported feeds go into the file with their
/// titles and tags, so the next refresh keeps them rather than taking them for removed.
#[test]
fn an_import_writes_the_file_and_the_next_refresh_keeps_what_it_added() {
    let server = TestServer::start();
    let a = serve(&server, "/a.xml", "Feed A");
    let b = serve(&server, "/b.xml", "Feed B");
    let (home, file) = home_with("urls", &format!("# mine\n{a}\n"));
    refresh(&home);
    let list = home.path().join("more-urls");
    std::fs::write(&list, format!("{b} fresh \"~Bee\"\n")).unwrap();
    home.run_ok(&["import", list.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, format!("# mine\n{a}\n{b} fresh \"~Bee\"\n"));
    let (ok, said) = refresh(&home);
    assert!(ok, "{said}");
    assert!(!said.contains("unsubscribed"), "{said}");
    assert_eq!(listed(&home).len(), 2);
}

/// Merging two subscriptions of one feed (`M` in the feed list) takes the merged address out of
/// the file too.
#[test]
fn merging_twin_feeds_in_the_reader_removes_the_merged_address_from_the_file() {
    let server = TestServer::start();
    let items: Vec<(String, String, String)> = (1..=4)
        .map(|i| {
            (
                format!("https://site.example/posts/{i}/"),
                format!("Post {i}"),
                format!("<p>Post {i}, told at length so that it says something.</p>"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    server.route("/feed.xml", Response::ok(rss("Site", &refs)));
    let first = server.url("/feed.xml");
    let second = first.replace("127.0.0.1", "localhost");
    let (home, file) = home_with("urls", &format!("# twice\n{first}\n{second}\n"));
    refresh(&home);
    let mut s = reader(&home);
    s.keys("f");
    s.wait_for("the pair marked", |s| {
        s.row(1).starts_with('=') && s.row(2).starts_with('=')
    });
    s.keys("M");
    s.wait_text("(y/n) Merge");
    s.keys("y");
    s.wait_text("Merged into one feed");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("# twice\n{first}\n")
    );
}
