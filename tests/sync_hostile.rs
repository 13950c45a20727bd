//! Sync (issue #21) against servers that misbehave, served from loopback by the tests' own
//! HTTP server (a hostile server, not a stand-in for ours): a 500, an HTML login page, a JSON
//! array where an object belongs, a timeout, an answer over the size cap, a login without a
//! token, and items whose text would drive the terminal. Each is one clear line and exit
//! status 1, and nothing here is lost. Also FreshRSS's shapes (its `…/api/greader.php` base,
//! `user/-/` states, item ids beyond 2^53 in both forms), since no FreshRSS runs in the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::home::Home;
use common::miniflux::config_to;
use common::{Response, TestServer};

const API: &str = "/api/greader.php";

/// A server that logs in and hands out tokens under the FreshRSS base.
fn server() -> TestServer {
    let web = TestServer::start();
    web.route(
        &format!("{API}/accounts/ClientLogin"),
        Response::ok("SID=x\nLSID=x\nAuth=alice/0123456789abcdef\n"),
    );
    web.route(
        &format!("{API}/reader/api/0/token"),
        Response::ok("tok123\n"),
    );
    web
}

fn home_for(web: &TestServer, extra: &str) -> Home {
    let home = Home::new();
    config_to(&home, &web.url(API), "alice");
    if !extra.is_empty() {
        let path = home.path().join("config-home/tidings/config.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{extra}\n{text}")).unwrap();
    }
    home
}

/// `tidings sync ARGS` with the password in the environment.
fn sync(home: &Home, args: &[&str]) -> std::process::Output {
    home.cmd()
        .env("TIDINGS_SYNC_PASSWORD", "s3cret-pass")
        .arg("sync")
        .args(args)
        .output()
        .unwrap()
}

/// `tidings sync` fails: its one line.
fn fails(home: &Home) -> String {
    let out = sync(home, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        !err.contains("s3cret-pass") && !err.contains("0123456789abcdef"),
        "{err}"
    );
    err
}

/// What the first call after the login (the unread items' ids) is answered with.
fn first_call_answers(web: &TestServer, response: Response) {
    web.route(&format!("{API}/reader/api/0/stream/items/ids"), response);
}

#[test]
fn a_server_error_names_the_call_and_the_status() {
    let web = server();
    first_call_answers(&web, Response::status(500).body("oops"));
    let err = fails(&home_for(&web, ""));
    assert!(
        err.contains("stream/items/ids") && err.contains("HTTP 500"),
        "{err}"
    );
}

#[test]
fn an_html_login_page_says_the_url_is_wrong() {
    let web = server();
    first_call_answers(
        &web,
        Response::ok("<!DOCTYPE html><html><body><form>Log in</form></body></html>")
            .header("Content-Type", "text/html; charset=utf-8"),
    );
    let err = fails(&home_for(&web, ""));
    assert!(err.contains("web page, not the Google Reader API"), "{err}");
}

#[test]
fn a_json_array_where_an_object_belongs_is_a_bad_answer() {
    let web = server();
    // What Miniflux answers for calls it does not implement.
    first_call_answers(
        &web,
        Response::ok("[]").header("Content-Type", "application/json"),
    );
    let err = fails(&home_for(&web, ""));
    assert!(
        err.contains("a JSON array where an object belongs"),
        "{err}"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let web = server();
    first_call_answers(
        &web,
        Response::ok("{}").delay(std::time::Duration::from_secs(4)),
    );
    let err = fails(&home_for(&web, "[refresh]\ntimeout_secs = 1"));
    assert!(err.contains("timed out"), "{err}");
}

#[test]
fn an_answer_over_the_size_cap_is_cut_off() {
    let web = server();
    let huge = format!(
        "{{\"subscriptions\":[],\"pad\":\"{}\"}}",
        "x".repeat(2 << 20)
    );
    first_call_answers(&web, Response::ok(huge).no_length());
    let err = fails(&home_for(&web, "[refresh]\nmax_body_mib = 1"));
    assert!(err.contains("larger than 1 MiB"), "{err}");
}

#[test]
fn a_login_without_a_token_is_a_bad_answer() {
    let web = server();
    web.route(
        &format!("{API}/accounts/ClientLogin"),
        Response::ok("Error=BadAuthentication\n"),
    );
    let err = fails(&home_for(&web, ""));
    assert!(err.contains("login") && err.contains("no Auth="), "{err}");
}

/// FreshRSS's shapes end to end: its base URL, `user/-/` states, ids beyond 2^53 as short
/// decimals in `stream/items/ids` and long hex in contents; an item whose title and body carry
/// terminal escapes is stored clean; a mark made here goes back with the long id.
#[test]
fn freshrss_shapes_sync_and_hostile_text_is_made_safe() {
    let web = server();
    web.route(
        &format!("{API}/reader/api/0/subscription/list"),
        Response::ok(
            r#"{"subscriptions":[{"id":"feed/7","title":"Fresh \u001b[31mFeed","categories":[{"id":"user/-/label/Tech","label":"Tech"}],"url":"https://fresh.example/feed.xml","htmlUrl":"https://fresh.example/"}]}"#,
        ),
    );
    // 1733572800123457 * 1000 + 1: a FreshRSS-sized id, beyond what a float holds.
    let big: u64 = 1_733_572_800_123_457_001;
    web.route(
        &format!("{API}/reader/api/0/stream/items/ids"),
        Response::ok(format!(r#"{{"itemRefs":[{{"id":"{big}"}}]}}"#)),
    );
    web.route(
        &format!("{API}/reader/api/0/stream/items/contents"),
        Response::ok(format!(
            r#"{{"items":[{{"id":"tag:google.com,2005:reader/item/{big:016x}","categories":["user/-/state/com.google/reading-list","user/-/label/Tech"],"title":"Hi \u001b]52;c;ZXZpbA==\u0007 there","published":{},"author":"\u001b[2Jeve","canonical":[{{"href":"https://fresh.example/p1"}}],"summary":{{"content":"<p>safe \u001b[31mbody</p><script>alert(1)</script>"}},"origin":{{"streamId":"feed/7"}}}}]}}"#,
            chrono::Utc::now().timestamp() - 60
        )),
    );
    web.route(&format!("{API}/reader/api/0/edit-tag"), Response::ok("OK"));
    let home = home_for(&web, "");
    let out = sync(&home, &["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = home.run_ok(&["entries"]);
    assert!(
        listed.contains("Hi") && listed.contains("there"),
        "{listed}"
    );
    assert!(
        !listed.contains('\u{1b}') && !listed.contains('\u{7}'),
        "{listed:?}"
    );
    let feeds = home.run_ok(&["feeds"]);
    assert!(
        feeds.contains("Tech") && !feeds.contains('\u{1b}'),
        "{feeds:?}"
    );
    let shown = home.run_ok(&["show", "1"]);
    assert!(
        shown.contains("safe") && !shown.contains('\u{1b}') && !shown.contains("alert"),
        "{shown:?}"
    );
    // A mark made here is sent once: acknowledged, it leaves the journal.
    home.run_ok(&["mark", "--read", "1"]);
    for _ in 0..2 {
        let out = sync(&home, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(web.hits(&format!("{API}/reader/api/0/edit-tag")), 1);
    let login = web.requests(&format!("{API}/reader/api/0/subscription/list"));
    assert_eq!(
        login[0].header("authorization"),
        Some("GoogleLogin auth=alice/0123456789abcdef")
    );
}

/// A password command that fails is said (never what it printed), and the sync goes no
/// further: nothing is sent to the server. Without command or variable, the message says how to
/// give one.
#[test]
fn a_failing_password_command_is_said_and_nothing_is_sent() {
    let web = server();
    let home = home_for(&web, "");
    let path = home.path().join("config-home/tidings/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}password_command = [\"sh\", \"-c\", \"echo leaked-secret; exit 3\"]\n"),
    )
    .unwrap();
    let out = home.cmd().arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sync.password_command") && err.contains("failed"),
        "{err}"
    );
    assert!(!err.contains("leaked-secret"), "{err}");
    assert_eq!(web.hits(&format!("{API}/accounts/ClientLogin")), 0);

    std::fs::write(&path, &text).unwrap();
    let out = home.cmd().arg("sync").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TIDINGS_SYNC_PASSWORD"), "{err}");
}
