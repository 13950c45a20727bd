//! The refresh engine's etiquette against a real HTTP server on loopback: permanent redirects
//! move a feed only once seen consistently, 410 Gone stops polling, Retry-After holds a host,
//! failures back off, --due skips what is not due, and requests during a run are coalesced.

// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use common::{Response, TestServer};
use serde_json::Value;

fn rss(title: &str, guid: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <item><guid>{guid}</guid><title>Item {guid}</title>\
         <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    .into_bytes()
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("t.db")
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("tidings")
            .unwrap()
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn import(&self, urls: &[String]) {
        let file = self.dir.path().join("urls");
        std::fs::write(&file, urls.join("\n")).unwrap();
        self.ok(&["import", file.to_str().unwrap()]);
    }

    fn config(&self, text: &str) {
        let dir = self.dir.path().join(".config/tidings");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    fn refresh_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["refresh", "--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    fn feeds(&self) -> Vec<Value> {
        let json: Value = serde_json::from_str(&self.ok(&["feeds", "--json"])).unwrap();
        json.as_array().unwrap().clone()
    }
}

#[test]
fn a_permanent_redirect_moves_the_feed_only_after_it_is_seen_three_times() {
    let server = TestServer::start();
    server.route("/old.xml", Response::redirect(301, "/new.xml"));
    server.route("/new.xml", Response::ok(rss("Moved", "m1")));
    let home = Home::new();
    let old = server.url("/old.xml");
    home.import(std::slice::from_ref(&old));
    for round in 1..=2 {
        assert_eq!(home.refresh_json(&[])["ok"], 1);
        assert_eq!(
            home.feeds()[0]["url"],
            old.as_str(),
            "moved after {round} sightings"
        );
    }
    home.refresh_json(&[]);
    assert_eq!(home.feeds()[0]["url"], server.url("/new.xml").as_str());
    // The old URL stays known: subscribing to it again finds the same feed.
    home.import(std::slice::from_ref(&old));
    assert_eq!(home.feeds().len(), 1);
    // One entry, not one per URL.
    let entries: Value = serde_json::from_str(&home.ok(&["entries", "--json"])).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
}

#[test]
fn a_temporary_redirect_never_moves_the_feed() {
    let server = TestServer::start();
    server.route("/feed.xml", Response::redirect(302, "/elsewhere.xml"));
    server.route("/elsewhere.xml", Response::ok(rss("Temp", "t1")));
    let home = Home::new();
    home.import(&[server.url("/feed.xml")]);
    for _ in 0..4 {
        home.refresh_json(&[]);
    }
    assert_eq!(home.feeds()[0]["url"], server.url("/feed.xml").as_str());
}

#[test]
fn gone_feeds_are_no_longer_polled_and_say_so() {
    let server = TestServer::start();
    server.route("/gone.xml", Response::status(410));
    server.route("/fine.xml", Response::ok(rss("Fine", "f1")));
    let home = Home::new();
    home.import(&[server.url("/gone.xml"), server.url("/fine.xml")]);
    let first = home.refresh_json(&[]);
    assert_eq!(first["failed"], 1);
    assert!(
        first["failures"][0]["error"]
            .as_str()
            .unwrap()
            .contains("410 Gone")
    );
    let second = home.refresh_json(&[]);
    assert_eq!(second["feeds"], 1, "the gone feed is not fetched again");
    assert_eq!(server.hits("/gone.xml"), 1);
    let gone = home
        .feeds()
        .into_iter()
        .find(|f| f["gone"] == true)
        .unwrap();
    assert!(
        gone["error"]
            .as_str()
            .unwrap()
            .contains("no longer refreshed")
    );
}

#[test]
fn retry_after_holds_the_whole_host() {
    // Both feeds of the host answer 429: whichever is fetched first holds the host, so (one
    // request at a time to it) the other is left for later without a request.
    let server = TestServer::start();
    for path in ["/a.xml", "/b.xml"] {
        server.route(path, Response::status(429).header("Retry-After", "3600"));
    }
    let home = Home::new();
    home.import(&[server.url("/a.xml"), server.url("/b.xml")]);
    let run = home.refresh_json(&["--per-host", "1"]);
    assert_eq!(run["failed"], 1);
    assert_eq!(run["skipped"], 1);
    assert_eq!(
        server.hits("/a.xml") + server.hits("/b.xml"),
        1,
        "the host asked to wait"
    );
    let error = run["failures"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("429") && error.contains("asked to wait until"),
        "{error}"
    );
    // Even a refresh the user asks for leaves the host alone until then.
    let again = home.refresh_json(&[]);
    assert_eq!(again["feeds"], 0);
    assert_eq!(server.hits("/a.xml") + server.hits("/b.xml"), 1);
}

/// Issue #17: a 429 from a redirect's target held every other feed of the subscribed host for a
/// day, and the message blamed the subscribed host. Only the origin that answered is held.
#[test]
fn retry_after_holds_only_the_origin_that_answered() {
    let origin = TestServer::start();
    let target = TestServer::start();
    target.route(
        "/busy.xml",
        Response::status(429).header("Retry-After", "3600"),
    );
    origin.route(
        "/moved.xml",
        Response::status(302).header("Location", &target.url("/busy.xml")),
    );
    origin.route("/fine.xml", Response::ok(rss("Fine", "f1")));
    let home = Home::new();
    home.import(&[origin.url("/moved.xml"), origin.url("/fine.xml")]);
    let run = home.refresh_json(&["--per-host", "1"]);
    assert_eq!(
        (run["ok"].as_u64(), run["failed"].as_u64()),
        (Some(1), Some(1)),
        "{run}"
    );
    assert_eq!(
        origin.hits("/fine.xml"),
        1,
        "the subscribed host was not held"
    );
    let error = run["failures"][0]["error"].as_str().unwrap();
    let answered = target.url("/").replace("http://", "");
    let answered = answered.trim_end_matches('/');
    assert!(
        error.contains(&format!("{answered} asked to wait until")),
        "{error} should name {answered}"
    );
    // The next run fetches the subscribed host's other feed again.
    let again = home.refresh_json(&[]);
    assert_eq!(origin.hits("/fine.xml"), 2, "{again}");
}

/// Issue #17: a run ended with its slowest host: twenty dripping feeds of one host, two at a
/// time, made every refresh take minutes. Once a fetch times out on a host, its feeds still
/// waiting are left for the next run.
#[test]
fn a_host_that_times_out_leaves_its_other_feeds_for_the_next_run() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..4)
        .map(|i| {
            let path = format!("/slow{i}.xml");
            server.route(
                &path,
                Response::ok(rss("Slow", "s1")).delay(Duration::from_secs(5)),
            );
            server.url(&path)
        })
        .collect();
    let home = Home::new();
    home.config("[refresh]\ntimeout_secs = 1\n");
    home.import(&urls);
    let run = home.refresh_json(&["--per-host", "1"]);
    assert_eq!(
        (run["failed"].as_u64(), run["skipped"].as_u64()),
        (Some(1), Some(3)),
        "{run}"
    );
    let asked: usize = (0..4).map(|i| server.hits(&format!("/slow{i}.xml"))).sum();
    assert_eq!(asked, 1, "the host was asked once, not four times");
}

#[test]
fn failures_back_off_for_the_automatic_refresh_but_not_when_asked() {
    let server = TestServer::start();
    server.route("/broken.xml", Response::status(500));
    server.route("/fine.xml", Response::ok(rss("Fine", "f1")));
    let home = Home::new();
    home.import(&[server.url("/broken.xml"), server.url("/fine.xml")]);
    home.refresh_json(&[]);
    let broken = home
        .feeds()
        .into_iter()
        .find(|f| f["url"] == server.url("/broken.xml").as_str())
        .unwrap();
    assert_eq!(broken["failures"], 1);
    assert!(broken["next_try"].is_string(), "{broken}");
    // --due (cron, the TUI's timer) leaves the failing feed alone; asking refreshes it.
    let due = home.refresh_json(&["--due"]);
    assert_eq!(due["feeds"], 1);
    assert_eq!(server.hits("/broken.xml"), 1);
    home.refresh_json(&[]);
    assert_eq!(server.hits("/broken.xml"), 2);
}

#[test]
fn max_age_keeps_a_feed_out_of_the_automatic_refresh() {
    let server = TestServer::start();
    server.route(
        "/cached.xml",
        Response::ok(rss("Cached", "c1")).header("Cache-Control", "max-age=3600"),
    );
    let home = Home::new();
    home.import(&[server.url("/cached.xml")]);
    home.refresh_json(&[]);
    assert_eq!(home.refresh_json(&["--due"])["feeds"], 0);
    assert_eq!(home.refresh_json(&[])["feeds"], 1);
    assert_eq!(server.hits("/cached.xml"), 2);
}

#[test]
fn refresh_exit_status_and_summary() {
    let server = TestServer::start();
    server.route("/fine.xml", Response::ok(rss("Fine", "f1")));
    server.route("/missing.xml", Response::status(404));
    let home = Home::new();
    home.import(&[server.url("/fine.xml")]);
    let out = home.run(&["refresh"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Refreshed 1 feed in "), "{text}");
    home.import(&[server.url("/missing.xml")]);
    let out = home.run(&["refresh"]);
    assert_eq!(out.status.code(), Some(2), "some feeds failed");
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 404 Not Found"));
}

/// Requests that arrive while a refresh runs become one more run, not one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_during_a_run_are_coalesced_into_one() {
    use tidings::fetch::http::{FetchOptions, Fetcher};
    use tidings::fetch::refresh::{RefreshOptions, serve};
    use tidings::model::{RefreshCmd, RefreshEvent, RefreshScope};
    use tidings::store::Store;

    let server = TestServer::start();
    server.route(
        "/slow.xml",
        Response::ok(rss("Slow", "s1")).delay(Duration::from_millis(500)),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    store.add_feed(&server.url("/slow.xml"), 0).unwrap();
    let store = tidings::fetch::refresh::shared_store(store).unwrap();
    let fetcher = Fetcher::new(FetchOptions::default()).unwrap();
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (event_tx, mut event_rx) = tokio::sync::mpsc::unbounded_channel();
    let opts = RefreshOptions {
        jobs: 4,
        per_host: 4,
        retention: tidings::model::RetentionRules::default(),
        rules: std::sync::Arc::new([]),
        sync: None,
        feeds: std::sync::Arc::default(),
    };
    let task = tokio::spawn(serve(store, fetcher, opts, cmd_rx, event_tx));
    cmd_tx.send(RefreshCmd::Now(RefreshScope::All)).unwrap();
    // Wait for the first run to start, then ask three more times while it runs.
    while !matches!(event_rx.recv().await, Some(RefreshEvent::Started { .. })) {}
    for _ in 0..3 {
        cmd_tx.send(RefreshCmd::Now(RefreshScope::All)).unwrap();
    }
    let mut finished = 0;
    while finished < 2 {
        if let Some(RefreshEvent::Finished(_)) = event_rx.recv().await {
            finished += 1;
        }
    }
    // Give a third run the chance to start if coalescing were broken.
    tokio::time::sleep(Duration::from_millis(800)).await;
    cmd_tx.send(RefreshCmd::Shutdown).unwrap();
    task.await.unwrap();
    assert_eq!(server.hits("/slow.xml"), 2);
}

/// Every kind of bad server ends as that feed's own one-line error; the good feed carries on.
#[test]
fn bad_servers_get_clear_errors_and_never_stop_the_run() {
    let server = TestServer::start();
    server.route("/good.xml", Response::ok(rss("Good", "g1")));
    server.route("/missing.xml", Response::status(404));
    server.route("/broken.xml", Response::status(500));
    // Slowloris: a byte at a time, slower than the 1 s timeout allows.
    server.route(
        "/drip.xml",
        Response::ok(rss("Drip", "d1")).drip(1, Duration::from_millis(300)),
    );
    // An "endless" body: larger than the 1 MiB cap, without a Content-Length.
    server.route(
        "/endless.xml",
        Response::ok(vec![b' '; 3 * 1024 * 1024]).no_length(),
    );
    server.route(
        "/page.html",
        Response::ok(b"<!DOCTYPE html><html><body>hello</body></html>".to_vec()),
    );
    server.route("/loop.xml", Response::redirect(302, "/loop.xml"));
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let plain_http_as_tls = server.url("/good.xml").replace("http://", "https://");
    let home = Home::new();
    home.import(&[
        server.url("/good.xml"),
        server.url("/missing.xml"),
        server.url("/broken.xml"),
        server.url("/drip.xml"),
        server.url("/endless.xml"),
        server.url("/page.html"),
        server.url("/loop.xml"),
        format!("http://127.0.0.1:{closed}/feed.xml"),
        plain_http_as_tls,
    ]);
    let config = home.dir.path().join("config.toml");
    std::fs::write(&config, "[refresh]\ntimeout_secs = 1\nmax_body_mib = 1\n").unwrap();
    let out = home.run(&["--config", config.to_str().unwrap(), "refresh", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["ok"], 1);
    assert_eq!(run["failed"], 8);
    let feeds = home.feeds();
    let error_of = |path: &str| -> String {
        let feed = feeds
            .iter()
            .find(|f| f["url"].as_str().unwrap().ends_with(path))
            .unwrap_or_else(|| panic!("no feed {path}"));
        feed["error"].as_str().unwrap_or_default().to_owned()
    };
    for (path, expected) in [
        ("/missing.xml", "HTTP 404 Not Found"),
        ("/broken.xml", "HTTP 500"),
        ("/drip.xml", "timed out"),
        ("/endless.xml", "larger than 1 MiB"),
        ("/page.html", "not a feed"),
        ("/loop.xml", "too many redirects"),
        (&format!(":{closed}/feed.xml"), "connection refused"),
    ] {
        let error = error_of(path);
        assert!(
            error.contains(expected),
            "{path}: {error:?} lacks {expected:?}"
        );
        assert!(
            !error.contains('\n') && error.len() < 200,
            "{path}: {error:?}"
        );
    }
    let tls = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().starts_with("https://"))
        .unwrap();
    let tls_error = tls["error"].as_str().unwrap();
    assert!(
        tls_error.to_lowercase().contains("tls handshake"),
        "{tls_error:?}"
    );
    assert!(!tls_error.contains('\n'), "{tls_error:?}");
    assert_eq!(error_of("/good.xml"), "");
}

#[test]
fn an_rss_ttl_keeps_a_feed_out_of_the_automatic_refresh() {
    let server = TestServer::start();
    let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow news</title>\
        <ttl>120</ttl><item><guid>s1</guid><title>One</title></item></channel></rss>";
    server.route("/ttl.xml", Response::ok(body.as_bytes().to_vec()));
    let home = Home::new();
    home.import(&[server.url("/ttl.xml")]);
    home.refresh_json(&[]);
    assert!(home.feeds()[0]["next_try"].is_string());
    assert_eq!(home.refresh_json(&["--due"])["feeds"], 0);
    assert_eq!(server.hits("/ttl.xml"), 1);
}

/// `[retention]` at work: after a refresh, old read entries the feed no longer lists go;
/// unread, starred and still-listed ones stay, and so does everything without a rule.
#[test]
fn retention_removes_old_read_entries_the_feed_no_longer_lists() {
    let item = |guid: &str, date: &str| {
        format!(
            "<item><guid>{guid}</guid><title>Item {guid}</title><pubDate>{date}</pubDate></item>"
        )
    };
    let feed = |items: &[String]| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kept</title>{}</channel></rss>",
            items.concat()
        )
        .into_bytes()
    };
    let old = "Mon, 02 Jan 2023 10:00:00 GMT";
    let recent = chrono::Utc::now().to_rfc2822();
    let server = TestServer::start();
    server.route(
        "/kept.xml",
        Response::ok(feed(&[
            item("new", &recent),
            item("old-read", old),
            item("old-unread", old),
            item("old-starred", old),
            item("old-listed", old),
        ])),
    );
    let home = Home::new();
    home.import(&[server.url("/kept.xml")]);
    home.refresh_json(&[]);
    let ids: Vec<(String, String)> =
        serde_json::from_str::<Value>(&home.ok(&["entries", "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["title"].as_str().unwrap().to_owned(), e["id"].to_string()))
            .collect();
    let id = |t: &str| ids.iter().find(|(k, _)| k == t).unwrap().1.clone();
    home.ok(&[
        "mark",
        &id("Item old-read"),
        &id("Item old-starred"),
        &id("Item old-listed"),
        "--read",
    ]);
    home.ok(&["mark", &id("Item old-starred"), "--star"]);
    // The feed now lists only two entries.
    server.route(
        "/kept.xml",
        Response::ok(feed(&[item("new", &recent), item("old-listed", old)])),
    );
    let config = home.dir.path().join("retention.toml");
    // Without a rule, nothing goes.
    home.refresh_json(&[]);
    assert_eq!(home.feeds()[0]["total"], 5);
    std::fs::write(&config, "[retention]\nkeep_days = 30\n").unwrap();
    let out = home.run(&["--config", config.to_str().unwrap(), "refresh"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let titles: Vec<String> = serde_json::from_str::<Value>(&home.ok(&["entries", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        titles,
        [
            "Item new",
            "Item old-listed",
            "Item old-starred",
            "Item old-unread"
        ],
        "old-read went; the rest stay (one date: the newest id first)"
    );
    let f = &home.feeds()[0];
    assert_eq!(
        (f["total"].as_u64(), f["unread"].as_u64()),
        (Some(4), Some(2))
    );
}
