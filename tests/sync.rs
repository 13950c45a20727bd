//! Sync with a feed server (issue #21), against a real Miniflux on loopback, never a mock: the
//! real binary syncs, and the server's own REST API says what it holds. `bash
//! scripts/miniflux.sh up` brings the server up (`.ci/run` does, before the tests, and sets
//! `TIDINGS_CI=1`); without it these tests skip with one line saying so, except in CI, where a
//! missing server fails them. They take the server one at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::process::Output;

use common::home::Home;
use common::miniflux::{Miniflux, config_to, http, miniflux};
use common::{Response, TestServer};
use serde_json::Value;

/// An RSS feed of `n` items titled `{prefix} {i}`, newest first, dated an hour apart up to
/// now (a first sync takes read items of the last 30 days).
fn feed(title: &str, prefix: &str, n: usize) -> String {
    use std::fmt::Write as _;
    let mut items = String::new();
    for i in (0..n).rev() {
        let _ = write!(
            items,
            "<item><guid>{prefix}-{i}</guid><title>{prefix} {i}</title>\
             <link>https://example.org/{prefix}/{i}</link>\
             <pubDate>{}</pubDate><description>&lt;p&gt;Body of {prefix} {i}: \
             quokka{i}&lt;/p&gt;</description></item>",
            (chrono::Utc::now() - chrono::Duration::hours(i64::try_from(n - i).unwrap()))
                .to_rfc2822()
        );
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link>{items}</channel></rss>"
    )
}

/// `tidings ARGS` in `home` with the sync password in the environment.
fn run(home: &Home, server: &Miniflux, args: &[&str]) -> Output {
    home.cmd()
        .env("TIDINGS_SYNC_PASSWORD", &server.password)
        .args(args)
        .output()
        .unwrap()
}

/// `tidings sync --json`, which must succeed: its summary.
fn sync(home: &Home, server: &Miniflux) -> Value {
    let out = run(home, server, &["sync", "--json"]);
    assert!(
        out.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every entry here: title → (read, starred).
fn local(home: &Home) -> BTreeMap<String, (bool, bool)> {
    home.entries(&[])
        .iter()
        .map(|e| {
            (
                e["title"].as_str().unwrap().to_owned(),
                (
                    e["read"].as_bool().unwrap(),
                    e["starred"].as_bool().unwrap(),
                ),
            )
        })
        .collect()
}

/// The server's entries: title → (read, starred).
fn remote(server: &Miniflux) -> BTreeMap<String, (bool, bool)> {
    server
        .entries()
        .into_iter()
        .map(|(t, (_, r, s))| (t, (r, s)))
        .collect()
}

fn id_of(home: &Home, title: &str) -> String {
    home.entries(&[])
        .iter()
        .find(|e| e["title"] == title)
        .map(|e| e["id"].to_string())
        .unwrap()
}

/// A server with one feed of `n` items served from loopback, and a home that syncs with it.
fn setup(n: usize) -> Option<(Miniflux, TestServer, i64, Home)> {
    let server = miniflux()?;
    let web = TestServer::start();
    web.route("/a.xml", Response::ok(feed("Feed A", "a", n)));
    let id = server.add_feed(&web.url("/a.xml"));
    let home = Home::new();
    server.config(&home);
    Some((server, web, id, home))
}

#[test]
fn base64_for_basic_auth_as_rfc_4648_says() {
    use common::miniflux::base64;
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"tidings:x"), "dGlkaW5nczp4");
}

/// The server the sync tests need is up, speaks the Google Reader API for the test user, and
/// refuses a wrong password: what every sync test stands on.
#[test]
fn the_test_server_speaks_google_reader_for_the_test_user() {
    let Some(s) = miniflux() else { return };
    let form = |pw: &str| format!("Email={}&Passwd={pw}", s.user);
    let headers = "Content-Type: application/x-www-form-urlencoded\r\n";
    let (status, body) = http(
        &s.host,
        "POST",
        "/accounts/ClientLogin",
        headers,
        &form(&s.password),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Auth="), "{body}");
    let (status, _) = http(
        &s.host,
        "POST",
        "/accounts/ClientLogin",
        headers,
        &form("wrong"),
    );
    assert_eq!(status, 401);
}

/// A first sync brings every feed and item with its state; bodies are searchable; a sync
/// where nothing changed is a handful of requests and brings nothing.
#[test]
fn a_first_sync_brings_feeds_items_and_their_state() {
    let Some((server, _web, _, home)) = setup(30) else {
        return;
    };
    let on_server = server.entries();
    server.set_read(&[on_server["a 3"].0, on_server["a 4"].0], true);
    server.set_starred(on_server["a 5"].0, true);

    let summary = sync(&home, &server);
    assert_eq!(summary["new_entries"], 30, "{summary}");
    assert_eq!(summary["feeds_added"], 1, "{summary}");
    assert_eq!(local(&home), remote(&server));
    assert_eq!(local(&home)["a 3"], (true, false));
    assert_eq!(local(&home)["a 5"], (false, true));
    let feeds = home.run_ok(&["feeds"]);
    assert!(feeds.contains("Feed A"), "{feeds}");
    // Bodies went through the same ingest: searchable.
    let found = home.entries(&["--query", "quokka7"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["title"], "a 7");

    let again = sync(&home, &server);
    assert_eq!(again["new_entries"], 0, "{again}");
    assert_eq!(again["items_fetched"], 0, "{again}");
    let requests = again["requests"].as_u64().unwrap();
    assert!(
        requests <= 6,
        "a sync with nothing new made {requests} requests"
    );
}

/// New items on the server arrive at the next sync, and only they are fetched.
#[test]
fn an_incremental_sync_fetches_only_what_is_new() {
    let Some((server, web, feed_id, home)) = setup(5) else {
        return;
    };
    sync(&home, &server);
    web.route("/a.xml", Response::ok(feed("Feed A", "a", 8)));
    server.refresh_feed(feed_id);
    let summary = sync(&home, &server);
    assert_eq!(summary["new_entries"], 3, "{summary}");
    assert_eq!(summary["items_fetched"], 3, "{summary}");
    assert_eq!(local(&home).len(), 8);
    assert_eq!(local(&home), remote(&server));
}

/// Read and starred go both ways: marks here reach the server, marks there come here.
#[test]
fn read_and_starred_go_both_ways() {
    let Some((server, _web, _, home)) = setup(6) else {
        return;
    };
    sync(&home, &server);
    home.run_ok(&["mark", "--read", &id_of(&home, "a 1"), &id_of(&home, "a 2")]);
    home.run_ok(&["mark", "--star", &id_of(&home, "a 3")]);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 3, "{summary}");
    let there = remote(&server);
    assert_eq!(there["a 1"], (true, false));
    assert_eq!(there["a 2"], (true, false));
    assert_eq!(there["a 3"], (false, true));

    let ids = server.entries();
    server.set_read(&[ids["a 1"].0], false);
    server.set_read(&[ids["a 4"].0], true);
    server.set_starred(ids["a 3"].0, false);
    server.set_starred(ids["a 5"].0, true);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 0, "{summary}");
    let here = local(&home);
    assert_eq!(here["a 1"], (false, false));
    assert_eq!(here["a 4"], (true, false));
    assert_eq!(here["a 3"], (false, false));
    assert_eq!(here["a 5"], (false, true));
    assert_eq!(here, remote(&server));
}

/// A mark made while the server cannot be reached stays here, is said, and arrives at the
/// next sync that reaches it.
#[test]
fn a_mark_made_while_the_server_is_down_arrives_when_it_is_back() {
    let Some((server, _web, _, home)) = setup(4) else {
        return;
    };
    sync(&home, &server);
    // A port nothing listens on: the server is down.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    config_to(&home, &down, &server.user);
    home.run_ok(&["mark", "--read", &id_of(&home, "a 2")]);
    home.run_ok(&["mark", "--star", &id_of(&home, "a 0")]);
    let out = run(&home, &server, &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connection refused"), "{err}");
    assert!(!err.contains(&server.password), "{err}");
    // The reader's own refresh goes to the server too, and says the same.
    let out = run(&home, &server, &["refresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(local(&home)["a 2"], (true, false));
    assert_eq!(remote(&server)["a 2"], (false, false));

    server.config(&home);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 2, "{summary}");
    assert_eq!(remote(&server)["a 2"], (true, false));
    assert_eq!(remote(&server)["a 0"], (false, true));
    assert_eq!(local(&home), remote(&server));
}

/// The conflict rule: an item with a change pending here keeps the local value (it is sent);
/// every other item takes the server's. After the sync both sides agree on every item.
#[test]
fn a_pending_change_here_wins_and_every_other_item_takes_the_servers() {
    let Some((server, _web, _, home)) = setup(5) else {
        return;
    };
    let ids = server.entries();
    server.set_read(&[ids["a 1"].0, ids["a 2"].0], true);
    sync(&home, &server);
    // Here: a 1 back to unread (pending). There, meanwhile: a 1 starred (another flag), a 3
    // read, a 2 back to unread.
    home.run_ok(&["mark", "--unread", &id_of(&home, "a 1")]);
    server.set_starred(ids["a 1"].0, true);
    server.set_read(&[ids["a 3"].0], true);
    server.set_read(&[ids["a 2"].0], false);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 1, "{summary}");
    let here = local(&home);
    assert_eq!(
        here["a 1"],
        (false, true),
        "the local unread wins, the server's star comes"
    );
    assert_eq!(here["a 2"], (false, false));
    assert_eq!(here["a 3"], (true, false));
    assert_eq!(here, remote(&server));
}

/// Subscribing, renaming, tagging and unsubscribing in tidings change the server.
#[test]
fn subscriptions_made_here_change_the_server() {
    let Some(server) = miniflux() else { return };
    let web = TestServer::start();
    web.route("/b.xml", Response::ok(feed("Feed B", "b", 3)));
    let home = Home::new();
    server.config(&home);
    let out = run(&home, &server, &["add", &web.url("/b.xml")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let feeds = server.feeds();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].2, web.url("/b.xml"));
    assert_eq!(local(&home).len(), 3, "the sync after it brought the items");

    let out = run(&home, &server, &["rename", "Feed B", "Bee"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.feeds()[0].1, "Bee");
    let listed = home.run_ok(&["feeds"]);
    assert!(listed.contains("Bee"), "{listed}");

    let out = run(&home, &server, &["tag", "Bee", "Insects"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.feeds()[0].3, "Insects");
    let listed = home.run_ok(&["feeds"]);
    assert!(listed.contains("Insects"), "{listed}");

    let out = run(&home, &server, &["remove", "Bee"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(server.feeds().is_empty());
    assert!(local(&home).is_empty());
    let listed = home.run_ok(&["feeds"]);
    assert!(!listed.contains("Bee"), "{listed}");
}

/// A wrong password is one clear line and exit status 1; the password is never printed, and
/// nothing here changes.
#[test]
fn a_wrong_password_is_one_clear_line() {
    let Some((server, _web, _, home)) = setup(2) else {
        return;
    };
    sync(&home, &server);
    home.run_ok(&["mark", "--read", &id_of(&home, "a 0")]);
    let out = home
        .cmd()
        .env("TIDINGS_SYNC_PASSWORD", "not-the-password-42")
        .args(["sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong user name or password"), "{err}");
    assert!(!err.contains("not-the-password-42"), "{err}");
    assert_eq!(local(&home)["a 0"], (true, false));
    // The mark is still waiting, and goes with the right password.
    assert_eq!(sync(&home, &server)["marks_sent"], 1);
}

/// What must hold in the database after anything: integrity, counters, the search index.
fn structure_holds(home: &Home, ctx: &str) {
    let conn = rusqlite::Connection::open(home.db()).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    if let Err(e) = common::sql::check_structure(&conn) {
        panic!("{ctx}: {e}");
    }
}

/// The server dies part way through a first sync's items: one clear line, exit status 1, the
/// batches written before it kept whole; a mark made then reaches the server at the next sync,
/// which completes the rest.
#[test]
fn the_server_dying_mid_sync_loses_nothing() {
    let Some((server, web, feed_id, home)) = setup(600) else {
        return;
    };
    // Bodies that do not compress (answers are gzipped), so the items are most of the bytes
    // and half of them falls inside the items, after the first batch.
    let mut rng = common::rng::Rng(7);
    let mut doc = feed("Feed A", "a", 600);
    for i in 0..600 {
        let noise = (0..64).fold(String::new(), |mut out, _| {
            use std::fmt::Write as _;
            let _ = write!(out, "{:016x}", rng.next());
            out
        });
        doc = doc.replace(&format!("quokka{i}&lt;"), &format!("quokka{i} {noise}&lt;"));
    }
    web.route("/a.xml", Response::ok(doc));
    server.refresh_feed(feed_id);
    // How many bytes a whole first sync takes, through a relay that never dies.
    let whole = common::cutoff::Cutoff::start(&server.host, usize::MAX);
    let measure = Home::new();
    config_to(&measure, &format!("http://{}", whole.addr), &server.user);
    sync(&measure, &server);
    let total = whole.relayed();

    let relay = common::cutoff::Cutoff::start(&server.host, total / 2);
    config_to(&home, &format!("http://{}", relay.addr), &server.user);
    let out = run(&home, &server, &["sync"]);
    assert!(relay.died());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("sync stopped") && err.contains("stream/items/contents"),
        "{err}"
    );
    structure_holds(&home, "after the server died");
    let kept = local(&home);
    assert!(
        !kept.is_empty() && kept.len() < 600,
        "{} entries",
        kept.len()
    );
    assert_eq!(kept.len() % 250, 0, "whole batches only: {}", kept.len());

    let first = kept.keys().next().unwrap().clone();
    home.run_ok(&["mark", "--star", &id_of(&home, &first)]);
    server.config(&home);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 1, "{summary}");
    assert_eq!(local(&home).len(), 600);
    assert_eq!(local(&home), remote(&server));
    assert!(remote(&server)[&first].1);
}

/// `tidings sync` killed with SIGKILL at random moments, between marks made here: after each
/// kill the database holds (integrity, counters, search index) and every acknowledged mark is
/// still here; at the end a sync completes, both sides agree on every item, and every mark
/// made here is the server's (none lost, none flipped by being sent twice).
#[test]
fn sync_killed_at_random_moments_loses_no_mark() {
    use std::os::unix::process::CommandExt as _;
    let Some((server, _web, _, home)) = setup(400) else {
        return;
    };
    let seed = std::env::var("TIDINGS_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7379_6e63_u64);
    let rounds: usize = std::env::var("TIDINGS_SYNC_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let mut rng = common::rng::Rng(seed);
    let mut marked: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut landed = Vec::new();
    for round in 0..rounds {
        let ctx = format!("round {round} (TIDINGS_KILL_SEED={seed})");
        // The first rounds kill first syncs; then one completes, if none has yet (a slow
        // machine), so that the later rounds have entries to mark and pushes to cut.
        if round == 2 && home.entries(&[]).len() < 400 {
            sync(&home, &server);
        }
        // A few marks here, each acknowledged by `tidings mark` exiting 0.
        let here = home.entries(&[]);
        for _ in 0..rng.range(0, 4) {
            if here.is_empty() {
                break;
            }
            let id = here[rng.index(here.len())]["id"].clone();
            let flag = ["--read", "--unread", "--star", "--unstar"][rng.index(4)];
            home.run_ok(&["mark", flag, &id.to_string()]);
            let now = home.entries(&[]);
            let e = now.iter().find(|e| e["id"] == id).unwrap();
            marked.insert(
                e["title"].as_str().unwrap().to_owned(),
                (
                    e["read"].as_bool().unwrap(),
                    e["starred"].as_bool().unwrap(),
                ),
            );
        }
        let mut child = std::process::Command::new(common::pty::bin())
            .env_clear()
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config-home"))
            .env("XDG_STATE_HOME", home.path().join("state-home"))
            .env("TIDINGS_DB", home.db())
            .env("TIDINGS_SYNC_PASSWORD", &server.password)
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        // Most syncs after the first take a few tens of milliseconds.
        std::thread::sleep(rng.millis(std::time::Duration::from_millis(120)));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        landed.push(if finished { "after" } else { "during" });
        structure_holds(&home, &ctx);
        let now = local(&home);
        for (title, want) in &marked {
            assert_eq!(
                now.get(title),
                Some(want),
                "{ctx}: the mark on {title} was lost (the server has {:?})",
                remote(&server).get(title)
            );
        }
    }
    let summary = sync(&home, &server);
    let there = remote(&server);
    assert_eq!(local(&home), there, "{summary}");
    for (title, want) in &marked {
        assert_eq!(
            there.get(title),
            Some(want),
            "the server has {title} otherwise"
        );
    }
    let during = landed.iter().filter(|l| **l == "during").count();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "sync kills: {rounds} ({during} during a sync), {} marks checked, seed {seed}\n",
            marked.len()
        )
        .as_bytes(),
    );
    assert!(during > 0, "no kill landed during a sync");
    assert!(
        rounds < 4 || !marked.is_empty(),
        "no mark was made to check"
    );
}

/// Found by the kill test: Miniflux's `edit-tag` turns an item that is read already unread
/// again (and unstars one starred already), so a mark sent by a sync killed before it kept the
/// server's yes was flipped back by the next sync sending it again. A mark the server already
/// has is no longer sent; it just leaves the journal.
#[test]
fn a_mark_the_server_already_has_is_not_sent_again_to_flip_it() {
    let Some((server, _web, _, home)) = setup(3) else {
        return;
    };
    sync(&home, &server);
    home.run_ok(&["mark", "--read", &id_of(&home, "a 1")]);
    home.run_ok(&["mark", "--star", &id_of(&home, "a 2")]);
    // As if a killed sync had sent them: the server has them, the journal still holds them.
    let ids = server.entries();
    server.set_read(&[ids["a 1"].0], true);
    server.set_starred(ids["a 2"].0, true);
    let summary = sync(&home, &server);
    assert_eq!(summary["marks_sent"], 0, "{summary}");
    assert_eq!(remote(&server)["a 1"], (true, false));
    assert_eq!(remote(&server)["a 2"], (false, true));
    assert_eq!(local(&home), remote(&server));
    assert_eq!(sync(&home, &server)["marks_sent"], 0);
}
