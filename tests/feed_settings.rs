//! Per-feed settings (issue #24), end to end with the real binary over loopback: the server
//! sees each feed's User-Agent, headers, HTTP Basic credentials from a password command and
//! cookies from a cookie file; a feed can go through a socks5 proxy (a small one, in the test);
//! a disabled feed is not fetched; a broken setting is that feed's error, named; no secret is
//! ever printed.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::home::{Home, rss};
use common::{Response, TestServer};

fn config(home: &Home, text: &str) {
    let dir = home.path().join("config-home/tidings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

fn serve(server: &TestServer, path: &str, title: &str) -> String {
    server.route(
        path,
        Response::ok(rss(title, &[("g1", "One", "<p>one</p>")])),
    );
    server.url(path)
}

/// Everything `tidings ARGS` printed, both streams, and whether it succeeded.
fn run(home: &Home, args: &[&str]) -> (bool, String) {
    let out = home.cmd().args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn each_feed_is_asked_for_with_its_own_agent_headers_credentials_and_cookies() {
    let server = TestServer::start();
    server.route(
        "/private.xml",
        Response::ok(rss("Private", &[("g1", "One", "<p>one</p>")]))
            .auth("Basic", "ann", "hunter2"),
    );
    let private = server.url("/private.xml");
    let public = serve(&server, "/public.xml", "Public");
    let home = Home::new();
    let cookies = home.path().join("cookies.txt");
    std::fs::write(
        &cookies,
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tc00kie\n",
    )
    .unwrap();
    config(
        &home,
        &format!(
            "[refresh]\nuser_agent = \"Mozilla/5.0 (tidings test)\"\n\
             [refresh.headers]\nAccept-Language = \"de\"\n\
             [[feed]]\nurl = \"{private}\"\nuser_agent = \"PrivateAgent/1\"\n\
             username = \"ann\"\npassword_command = [\"/bin/sh\", \"-c\", \"echo hunter2\"]\n\
             cookies_file = \"{}\"\nheaders = {{ X-Token = \"t0k3n\" }}\n",
            cookies.display()
        ),
    );
    home.run_ok(&["add", &private]);
    home.run_ok(&["add", &public]);
    let (ok, said) = run(&home, &["refresh"]);
    assert!(ok, "{said}");
    let asked = server.requests("/private.xml");
    // `tidings add` and the refresh: each asked without credentials, was challenged, and
    // answered; the password goes only when asked for.
    assert_eq!(asked.len(), 4);
    assert_eq!(asked[0].header("authorization"), None);
    assert_eq!(
        asked[1].header("authorization"),
        Some("Basic YW5uOmh1bnRlcjI=")
    );
    assert_eq!(asked[1].header("user-agent"), Some("PrivateAgent/1"));
    assert_eq!(home.entries(&["--feed", &private]).len(), 1);
    let last = asked.last().unwrap();
    assert_eq!(last.header("user-agent"), Some("PrivateAgent/1"));
    assert_eq!(last.header("x-token"), Some("t0k3n"));
    assert_eq!(last.header("accept-language"), Some("de"));
    // "ann:hunter2", in Basic's base64.
    assert_eq!(last.header("authorization"), Some("Basic YW5uOmh1bnRlcjI="));
    assert_eq!(last.header("cookie"), Some("session=c00kie"));
    let other = server.requests("/public.xml");
    let other = other.last().unwrap();
    assert_eq!(
        other.header("user-agent"),
        Some("Mozilla/5.0 (tidings test)")
    );
    assert_eq!(other.header("accept-language"), Some("de"));
    assert_eq!(other.header("x-token"), None);
    assert_eq!(other.header("authorization"), None);
    // Nothing shows the secrets.
    for args in [&["feeds"][..], &["feeds", "--json"], &["export-opml"]] {
        let (_, shown) = run(&home, args);
        for secret in ["hunter2", "t0k3n", "c00kie"] {
            assert!(!shown.contains(secret), "{args:?} shows {secret}: {shown}");
        }
    }
}

#[test]
fn a_disabled_feed_is_not_fetched_and_says_so_when_asked_for() {
    let server = TestServer::start();
    let quiet = serve(&server, "/quiet.xml", "Quiet");
    let loud = serve(&server, "/loud.xml", "Loud");
    let home = Home::new();
    home.run_ok(&["add", &quiet]);
    home.run_ok(&["add", &loud]);
    config(&home, "[[feed]]\ntitle = \"quiet\"\nenabled = false\n");
    let (ok, said) = run(&home, &["refresh"]);
    assert!(ok, "{said}");
    assert!(said.contains("Refreshed 1 feed"), "{said}");
    assert_eq!(server.hits("/quiet.xml"), 1, "only when it was added");
    assert_eq!(server.hits("/loud.xml"), 2);
    let (_, said) = run(&home, &["refresh", "--feed", "Quiet"]);
    assert!(said.contains("disabled in the config"), "{said}");
    assert_eq!(server.hits("/quiet.xml"), 1);
}

#[test]
fn a_broken_setting_is_that_feeds_error_and_the_others_go_on() {
    let server = TestServer::start();
    let broken = serve(&server, "/broken.xml", "Broken");
    let fine = serve(&server, "/fine.xml", "Fine");
    let home = Home::new();
    let jar = home.path().join("jar.txt");
    std::fs::write(&jar, "# Netscape HTTP Cookie File\nnot a cookie\n").unwrap();
    home.run_ok(&["add", &broken]);
    home.run_ok(&["add", &fine]);
    config(
        &home,
        &format!(
            "[[feed]]\nurl = \"{broken}\"\ncookies_file = \"{}\"\n\
             [[feed]]\nurl = \"{fine}\"\nusername = \"u\"\n\
             password_command = [\"/bin/sh\", \"-c\", \"echo leaked-if-shown; exit 1\"]\n",
            jar.display()
        ),
    );
    let (ok, said) = run(&home, &["refresh"]);
    assert!(!ok);
    assert!(said.contains("jar.txt: line 2"), "{said}");
    assert!(said.contains("password_command (/bin/sh) failed"), "{said}");
    assert!(!said.contains("leaked-if-shown"), "{said}");
    assert_eq!(
        server.hits("/broken.xml"),
        1,
        "not fetched without its cookies"
    );
    let feeds = home.run_ok(&["feeds"]);
    assert!(feeds.contains("line 2"), "{feeds}");
}

/// A socks5 server of the smallest kind (no authentication, CONNECT only): every host name it
/// is asked for is 127.0.0.1, so a feed at a name nobody can resolve is reached only through
/// it. Counts the connections it carried.
fn socks5(target_port: u16) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let carried = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&carried);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let count = Arc::clone(&count);
            std::thread::spawn(move || {
                let mut buf = [0u8; 262];
                // Greeting: version, methods; we take "no authentication".
                client.read_exact(&mut buf[..2]).unwrap();
                let n = usize::from(buf[1]);
                client.read_exact(&mut buf[..n]).unwrap();
                client.write_all(&[5, 0]).unwrap();
                // Request: version, CONNECT, reserved, address type.
                client.read_exact(&mut buf[..4]).unwrap();
                assert_eq!(buf[1], 1, "CONNECT");
                match buf[3] {
                    1 => client.read_exact(&mut buf[..4]).unwrap(),
                    3 => {
                        client.read_exact(&mut buf[..1]).unwrap();
                        let len = usize::from(buf[0]);
                        client.read_exact(&mut buf[..len]).unwrap();
                    }
                    other => panic!("address type {other}"),
                }
                let mut port = [0u8; 2];
                client.read_exact(&mut port).unwrap();
                let mut upstream = TcpStream::connect(("127.0.0.1", target_port)).unwrap();
                client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).unwrap();
                count.fetch_add(1, Ordering::SeqCst);
                let mut back = upstream.try_clone().unwrap();
                let mut to_client = client.try_clone().unwrap();
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut back, &mut to_client);
                });
                let _ = std::io::copy(&mut client, &mut upstream);
            });
        }
    });
    (port, carried)
}

#[test]
fn a_feed_goes_through_its_socks5_proxy_which_resolves_its_name() {
    let server = TestServer::start();
    serve(&server, "/tor.xml", "Hidden");
    let port = server.addr().port();
    let (proxy, carried) = socks5(port);
    let home = Home::new();
    // A name only the proxy can resolve.
    let url = format!("http://hidden-feed.invalid:{port}/tor.xml");
    config(
        &home,
        &format!("[[feed]]\nurl = \"{url}\"\nproxy = \"socks5h://127.0.0.1:{proxy}\"\n"),
    );
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{url}\n")).unwrap();
    home.run_ok(&["import", urls.to_str().unwrap()]);
    let (ok, said) = run(&home, &["refresh"]);
    assert!(ok, "{said}");
    assert!(carried.load(Ordering::SeqCst) >= 1);
    assert_eq!(server.hits("/tor.xml"), 1);
    assert_eq!(home.entries(&[]).len(), 1);
}

#[test]
fn full_article_in_a_feed_table_fetches_its_entries_articles_after_the_refresh() {
    let server = TestServer::start();
    let para = "<p>The council met on Tuesday evening and voted, after a long debate, to keep \
                the old bridge open for walkers and cyclists while the repairs go on.</p>";
    server.route(
        "/post",
        Response::ok(format!(
            "<html><body><nav><a href=\"/\">Home</a></nav><article><h1>Post</h1>{}</article>\
             </body></html>",
            para.repeat(6)
        ))
        .header("Content-Type", "text/html"),
    );
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Town</title>\
         <item><guid>p</guid><title>Post</title><link>{}</link>\
         <description>A teaser.</description></item></channel></rss>",
        server.url("/post")
    );
    server.route("/town.xml", Response::ok(rss));
    let home = Home::new();
    config(&home, "[[feed]]\ntitle = \"Town\"\nfull_article = true\n");
    home.run_ok(&["add", &server.url("/town.xml")]);
    let (ok, said) = run(&home, &["refresh"]);
    assert!(ok, "{said}");
    assert!(said.contains("Whole articles: 1 fetched"), "{said}");
    assert_eq!(server.hits("/post"), 1);
    let id = home.entries(&[])[0]["id"].as_i64().unwrap().to_string();
    assert!(home.run_ok(&["show", &id]).contains("Whole article from"));
}

/// `ALL_PROXY=socks5h://…` gave "unsupported scheme socks5h" before #24.
#[test]
fn all_proxy_from_the_environment_may_be_socks5h() {
    let server = TestServer::start();
    serve(&server, "/env.xml", "Env");
    let port = server.addr().port();
    let (proxy, carried) = socks5(port);
    let home = Home::new();
    let url = format!("http://env-feed.invalid:{port}/env.xml");
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{url}\n")).unwrap();
    home.run_ok(&["import", urls.to_str().unwrap()]);
    let out = home
        .cmd()
        .args(["refresh"])
        .env("ALL_PROXY", format!("socks5h://127.0.0.1:{proxy}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(carried.load(Ordering::SeqCst) >= 1);
    assert_eq!(server.hits("/env.xml"), 1);
}

/// `--due` (cron, the reader's timer) leaves a feed with an interval of its own alone until it
/// has passed; a feed without one is due as before, and asking for all fetches everything.
#[test]
fn a_feeds_own_interval_keeps_it_out_of_the_due_refresh_until_it_passes() {
    let server = TestServer::start();
    let weekly = serve(&server, "/weekly.xml", "Weekly");
    let busy = serve(&server, "/busy.xml", "Busy");
    let home = Home::new();
    home.run_ok(&["add", &weekly]);
    home.run_ok(&["add", &busy]);
    config(
        &home,
        "[[feed]]\ntitle = \"Weekly\"\ninterval_minutes = 10080\n",
    );
    let (ok, said) = run(&home, &["refresh", "--due"]);
    assert!(ok, "{said}");
    assert_eq!(
        server.hits("/weekly.xml"),
        1,
        "fetched when added, not again"
    );
    assert_eq!(server.hits("/busy.xml"), 2);
    let (ok, _) = run(&home, &["refresh"]);
    assert!(ok);
    assert_eq!(server.hits("/weekly.xml"), 2, "R fetches every feed");
}

/// With `[refresh] proxy`, podcast downloads go through it too (they have a connection of
/// their own): a Tor user's episodes do not leave by another road.
#[test]
fn downloads_go_through_the_refresh_proxy() {
    let server = TestServer::start();
    let port = server.addr().port();
    let (proxy, carried) = socks5(port);
    let audio = vec![7u8; 50_000];
    server.route("/ep.mp3", Response::ok(audio.clone()));
    let cast = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cast</title>\
         <item><guid>e1</guid><title>Episode</title>\
         <enclosure url=\"http://cast.invalid:{port}/ep.mp3\" type=\"audio/mpeg\" \
         length=\"50000\"/></item></channel></rss>"
    );
    server.route("/cast.xml", Response::ok(cast));
    let home = Home::new();
    let media = home.path().join("media");
    config(
        &home,
        &format!(
            "[refresh]\nproxy = \"socks5h://127.0.0.1:{proxy}\"\n[media]\ndir = \"{}\"\n",
            media.display()
        ),
    );
    home.run_ok(&["add", &format!("http://cast.invalid:{port}/cast.xml")]);
    let id = home.entries(&[])[0]["id"].as_i64().unwrap().to_string();
    let (ok, said) = run(&home, &["download", &id]);
    assert!(ok, "{said}");
    assert_eq!(
        std::fs::read(media.join("Cast - Episode.mp3")).unwrap(),
        audio
    );
    assert!(
        carried.load(Ordering::SeqCst) >= 2,
        "the feed and the episode"
    );
}

/// HTTP Digest: the password never leaves; the server checks the answer to its challenge.
#[test]
fn a_feed_behind_digest_auth_is_fetched_with_the_password_from_a_command() {
    let server = TestServer::start();
    server.route(
        "/digest.xml",
        Response::ok(rss("Guarded", &[("g1", "One", "<p>one</p>")]))
            .auth("Digest", "bob", "s3cr3t"),
    );
    let url = server.url("/digest.xml");
    let home = Home::new();
    config(
        &home,
        &format!(
            "[[feed]]\nurl = \"{url}\"\nusername = \"bob\"\n\
             password_command = [\"/bin/sh\", \"-c\", \"echo s3cr3t\"]\n"
        ),
    );
    home.run_ok(&["add", &url]);
    assert_eq!(home.entries(&[]).len(), 1);
    let asked = server.requests("/digest.xml");
    let answer = asked[1].header("authorization").unwrap();
    assert!(answer.starts_with("Digest username=\"bob\""), "{answer}");
    assert!(!answer.contains("s3cr3t"));
    // A wrong password is that feed's error, one line.
    config(
        &home,
        &format!(
            "[[feed]]\nurl = \"{url}\"\nusername = \"bob\"\n\
             password_command = [\"/bin/sh\", \"-c\", \"echo wrong\"]\n"
        ),
    );
    let (ok, said) = run(&home, &["refresh"]);
    assert!(!ok);
    assert!(said.contains("HTTP 401"), "{said}");
    assert!(!said.contains("wrong"), "{said}");
}

/// A whole article is fetched with its feed's cookies (a paywall's login cookie) and
/// User-Agent, never with its headers or credentials, which are for the feed's own site.
#[test]
fn a_whole_article_goes_with_its_feeds_cookies_not_its_credentials() {
    let server = TestServer::start();
    let para = "<p>The council met on Tuesday evening and voted, after a long debate, to keep \
                the old bridge open for walkers and cyclists while the repairs go on.</p>";
    server.route(
        "/post",
        Response::ok(format!(
            "<html><body><article><h1>Post</h1>{}</article></body></html>",
            para.repeat(6)
        ))
        .header("Content-Type", "text/html"),
    );
    server.route(
        "/town.xml",
        Response::ok(rss("Town", &[("p", "Post", "<p>A teaser.</p>")]).replace(
            "<title>Post</title>",
            &format!("<title>Post</title><link>{}</link>", server.url("/post")),
        )),
    );
    let home = Home::new();
    let jar = home.path().join("jar.txt");
    std::fs::write(&jar, "127.0.0.1\tFALSE\t/\tFALSE\t0\tpaid\tyes\n").unwrap();
    config(
        &home,
        &format!(
            "[[feed]]\ntitle = \"Town\"\nuser_agent = \"TownAgent/2\"\ncookies_file = \"{}\"\n\
             headers = {{ X-Token = \"feed-only\" }}\n",
            jar.display()
        ),
    );
    home.run_ok(&["add", &server.url("/town.xml")]);
    let id = home.entries(&[])[0]["id"].as_i64().unwrap().to_string();
    let (ok, said) = run(&home, &["show", "--full", &id]);
    assert!(ok, "{said}");
    let page = server.requests("/post");
    let asked = page.last().unwrap();
    assert_eq!(asked.header("cookie"), Some("paid=yes"));
    assert_eq!(asked.header("user-agent"), Some("TownAgent/2"));
    assert_eq!(asked.header("x-token"), None);
}
