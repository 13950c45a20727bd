//! `fetch::http` against a real HTTP server on loopback: bodies and validators, conditional
//! GET, status errors, redirects, timeouts, size caps (plain and gzip), file: and bad URLs.
// Helpers outside `#[test]` functions panic on unexpected outcomes, which is the point.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Response, TestServer};
use tidings::fetch::http::{FetchError, FetchOptions, FetchOutcome, Fetched, Fetcher, Validators};

const FEED: &str = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

fn opts() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_secs(1),
        timeout: Duration::from_secs(1),
        ..FetchOptions::default()
    }
}

fn fetcher(opts: FetchOptions) -> Fetcher {
    Fetcher::new(opts).expect("client")
}

async fn fetched(f: &Fetcher, url: &str) -> Fetched {
    match f.fetch(url, &Validators::default()).await {
        Ok(FetchOutcome::Fetched(got)) => got,
        other => panic!("expected a body from {url}, got {other:?}"),
    }
}

async fn failed(f: &Fetcher, url: &str) -> FetchError {
    match f.fetch(url, &Validators::default()).await {
        Err(e) => e,
        Ok(other) => panic!("expected an error from {url}, got {other:?}"),
    }
}

const LAST_MODIFIED: &str = "Tue, 01 Oct 2024 10:00:00 GMT";

#[tokio::test]
async fn ok_returns_body_type_and_validators() {
    let server = TestServer::start();
    server.route(
        "/feed.xml",
        Response::ok(FEED)
            .header("Content-Type", "application/rss+xml; charset=utf-8")
            .etag("\"v1\"")
            .last_modified(LAST_MODIFIED),
    );
    let got = fetched(&fetcher(opts()), &server.url("/feed.xml")).await;
    assert_eq!(got.bytes, FEED.as_bytes());
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/rss+xml; charset=utf-8")
    );
    assert_eq!(got.final_url, server.url("/feed.xml"));
    assert_eq!(got.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(got.validators.last_modified.as_deref(), Some(LAST_MODIFIED));
}

#[tokio::test]
async fn validators_make_a_conditional_request_and_304_is_not_modified() {
    let server = TestServer::start();
    server.route(
        "/feed.xml",
        Response::ok(FEED)
            .etag("\"v1\"")
            .last_modified(LAST_MODIFIED),
    );
    let f = fetcher(opts());
    let url = server.url("/feed.xml");
    let first = fetched(&f, &url).await;
    let again = f
        .fetch(&url, &first.validators)
        .await
        .expect("second fetch");
    assert_eq!(again, FetchOutcome::NotModified);

    let requests = server.requests("/feed.xml");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(requests[1].header("if-modified-since"), Some(LAST_MODIFIED));
}

#[tokio::test]
async fn last_modified_alone_also_gets_304_and_a_stale_etag_gets_the_body() {
    let server = TestServer::start();
    server.route("/lm.xml", Response::ok(FEED).last_modified(LAST_MODIFIED));
    server.route("/etag.xml", Response::ok(FEED).etag("\"v2\""));
    let f = fetcher(opts());
    let lm = Validators {
        etag: None,
        last_modified: Some(LAST_MODIFIED.into()),
    };
    assert_eq!(
        f.fetch(&server.url("/lm.xml"), &lm).await.expect("lm"),
        FetchOutcome::NotModified
    );
    let stale = Validators {
        etag: Some("\"v1\"".into()),
        last_modified: None,
    };
    let got = f
        .fetch(&server.url("/etag.xml"), &stale)
        .await
        .expect("etag");
    assert!(
        matches!(got, FetchOutcome::Fetched(ref b) if b.validators.etag.as_deref() == Some("\"v2\"")),
        "{got:?}"
    );
}

#[tokio::test]
async fn error_statuses_name_the_code() {
    let server = TestServer::start();
    server.route("/busy", Response::status(503).body("try later"));
    let f = fetcher(opts());
    let err = failed(&f, &server.url("/missing")).await;
    assert!(
        matches!(err, FetchError::Status { code: 404, .. }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "HTTP 404 Not Found");
    let err = failed(&f, &server.url("/busy")).await;
    assert_eq!(err.to_string(), "HTTP 503 Service Unavailable");
}

#[tokio::test]
async fn redirects_are_followed_and_the_final_url_reported() {
    let server = TestServer::start();
    server.route("/old", Response::redirect(301, "/mid"));
    server.route("/mid", Response::redirect(302, &server.url("/new")));
    server.route("/new", Response::ok(FEED));
    let got = fetched(&fetcher(opts()), &server.url("/old")).await;
    assert_eq!(got.final_url, server.url("/new"));
    assert_eq!(got.bytes, FEED.as_bytes());
}

#[tokio::test]
async fn redirect_loops_are_bounded() {
    let server = TestServer::start();
    server.route("/a", Response::redirect(302, "/b"));
    server.route("/b", Response::redirect(302, "/a"));
    let f = fetcher(FetchOptions {
        max_redirects: 3,
        ..opts()
    });
    let err = failed(&f, &server.url("/a")).await;
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 3 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "too many redirects (more than 3)");
    assert!(server.hits("/a") + server.hits("/b") <= 4);
}

/// Issue #17: the timeout applied to each redirect hop, so five slow hops of a 5 s setting took
/// 25 s and then said "timed out after 5 s". It is one deadline for the whole fetch.
#[tokio::test]
async fn the_timeout_is_for_the_whole_fetch_not_each_redirect() {
    let server = TestServer::start();
    let hop = Duration::from_millis(600);
    server.route("/1", Response::redirect(302, "/2").delay(hop));
    server.route("/2", Response::redirect(302, "/3").delay(hop));
    server.route("/3", Response::ok(FEED).delay(hop));
    let err = failed(&fetcher(opts()), &server.url("/1")).await;
    assert!(matches!(err, FetchError::Timeout(_)), "{err:?}");
    assert_eq!(err.to_string(), "timed out after 1 s");
    assert_eq!(server.hits("/3"), 0, "the third hop was never asked");
}

/// Issue #17: a `file:` feed naming a device or a FIFO was read with no check and no timeout:
/// `/dev/tty` stole the reader's keys, a FIFO hung the refresh for ever. Only regular files.
#[tokio::test]
async fn only_regular_files_are_read_as_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let f = fetcher(opts());
    for path in [fifo.as_path(), std::path::Path::new("/dev/null")] {
        let url = format!("file://{}", path.display());
        let err = tokio::time::timeout(Duration::from_secs(10), failed(&f, &url))
            .await
            .unwrap_or_else(|_| panic!("reading {url} hung"));
        assert!(
            err.to_string().contains("not a regular file"),
            "{url}: {err}"
        );
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = TestServer::start();
    server.route("/slow", Response::ok(FEED).delay(Duration::from_secs(5)));
    let started = Instant::now();
    let err = failed(&fetcher(opts()), &server.url("/slow")).await;
    assert!(matches!(err, FetchError::Timeout(_)), "{err:?}");
    assert_eq!(err.to_string(), "timed out after 1 s");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_dripping_past_the_timeout_times_out() {
    let server = TestServer::start();
    let body = vec![b'x'; 100];
    server.route(
        "/drip",
        Response::ok(body).drip(10, Duration::from_millis(300)),
    );
    let err = failed(&fetcher(opts()), &server.url("/drip")).await;
    assert!(matches!(err, FetchError::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let server = TestServer::start();
    server.route("/big", Response::ok(vec![b'x'; 4096]));
    // A server that sends no Content-Length: the cap must hold while streaming.
    server.route(
        "/unsized",
        Response::ok(vec![b'x'; 4096])
            .no_length()
            .drip(512, Duration::from_millis(1)),
    );
    let f = fetcher(FetchOptions {
        max_body_bytes: 1000,
        ..opts()
    });
    let err = failed(&f, &server.url("/big")).await;
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000 }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "response larger than 1000 bytes");
    let err = failed(&f, &server.url("/unsized")).await;
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000 }),
        "{err:?}"
    );
    let exact = fetcher(FetchOptions {
        max_body_bytes: 4096,
        ..opts()
    });
    assert_eq!(fetched(&exact, &server.url("/big")).await.bytes.len(), 4096);
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_capped_after_decompression() {
    let small = common::gzip(FEED.as_bytes());
    let bomb = common::gzip(&vec![0u8; 8 << 20]);
    assert!(bomb.len() < 64 * 1024);
    let server = TestServer::start();
    let gz = |b: Vec<u8>| {
        Response::ok(b)
            .header("Content-Encoding", "gzip")
            .header("Content-Type", "application/rss+xml")
    };
    server.route("/feed.xml.gz", gz(small));
    server.route("/bomb", gz(bomb));
    let f = fetcher(FetchOptions {
        max_body_bytes: 1 << 20,
        ..opts()
    });
    let got = fetched(&f, &server.url("/feed.xml.gz")).await;
    assert_eq!(got.bytes, FEED.as_bytes());
    let requests = server.requests("/feed.xml.gz");
    assert!(
        requests[0]
            .header("accept-encoding")
            .is_some_and(|v| v.contains("gzip")),
        "{requests:?}"
    );
    let err = failed(&f, &server.url("/bomb")).await;
    assert_eq!(err.to_string(), "response larger than 1 MiB");
}

#[tokio::test]
async fn the_user_agent_names_tidings() {
    let server = TestServer::start();
    server.route("/feed.xml", Response::ok(FEED));
    fetched(&fetcher(FetchOptions::default()), &server.url("/feed.xml")).await;
    let ua = server.requests("/feed.xml")[0]
        .header("user-agent")
        .map(str::to_owned);
    assert!(
        ua.as_deref().is_some_and(|ua| ua.starts_with("tidings/")),
        "{ua:?}"
    );
}

#[tokio::test]
async fn file_urls_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, FEED).expect("write");
    let url = url::Url::from_file_path(&path)
        .expect("file url")
        .to_string();
    let got = fetched(&fetcher(opts()), &url).await;
    assert_eq!(got.bytes, FEED.as_bytes());
    assert_eq!(got.final_url, url);
    assert_eq!(got.validators, Validators::default());
}

#[tokio::test]
async fn other_schemes_and_relative_urls_are_refused() {
    let f = fetcher(opts());
    let err = failed(&f, "ftp://example.com/feed.xml").await;
    assert!(
        matches!(err, FetchError::UnsupportedScheme(ref s) if s == "ftp"),
        "{err:?}"
    );
    let err = failed(&f, "/just/a/path.xml").await;
    assert!(matches!(err, FetchError::InvalidUrl(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("not a valid URL: /just/a/path.xml"),
        "{err}"
    );
}

#[tokio::test]
async fn a_closed_port_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let err = failed(
        &fetcher(opts()),
        &format!("http://127.0.0.1:{port}/feed.xml"),
    )
    .await;
    assert!(matches!(err, FetchError::Network(_)), "{err:?}");
    assert_eq!(err.to_string(), "connection refused");
}

#[tokio::test]
async fn a_body_cut_short_is_a_one_line_error() {
    let server = TestServer::start();
    server.route(
        "/cut",
        Response::ok("<rss>").header("Content-Length", "1000"),
    );
    let err = failed(&fetcher(opts()), &server.url("/cut")).await;
    let msg = err.to_string();
    assert!(
        matches!(err, FetchError::Network(_) | FetchError::Body(_)),
        "{err:?}"
    );
    assert!(!msg.contains('\n') && msg.len() < 160, "{msg}");
}

#[tokio::test]
async fn unusable_stored_validators_are_not_sent() {
    let server = TestServer::start();
    server.route("/feed.xml", Response::ok(FEED).etag("\"v1\""));
    let broken = Validators {
        etag: Some("\"v1\"\r\nX-Evil: 1".into()),
        last_modified: None,
    };
    let got = fetcher(opts())
        .fetch(&server.url("/feed.xml"), &broken)
        .await
        .expect("fetch");
    assert!(matches!(got, FetchOutcome::Fetched(_)), "{got:?}");
    let req = &server.requests("/feed.xml")[0];
    assert_eq!(req.header("if-none-match"), None);
    assert_eq!(req.header("x-evil"), None);
}

/// Regression: https:// to a server that is not speaking TLS surfaced rustls's
/// "received corrupt message of type `InvalidContentType`"; now the user is told it was TLS.
#[tokio::test]
async fn https_to_a_server_not_speaking_tls_says_the_handshake_failed() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut hello = [0u8; 512];
            let _ = conn.read(&mut hello);
            let _ = conn.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\nnot tls");
        }
    });
    let err = failed(
        &fetcher(opts()),
        &format!("https://127.0.0.1:{port}/feed.xml"),
    )
    .await;
    let message = err.to_string();
    assert!(message.starts_with("TLS handshake failed"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[tokio::test]
async fn a_chain_of_permanent_redirects_is_reported_and_a_temporary_hop_is_not() {
    let server = TestServer::start();
    server.route("/a", Response::redirect(301, "/b"));
    server.route("/b", Response::redirect(308, "/feed.xml"));
    server.route("/c", Response::redirect(302, "/b"));
    server.route("/feed.xml", Response::ok(b"<rss/>".to_vec()));
    let f = fetcher(opts());
    let got = fetched(&f, &server.url("/a")).await;
    assert_eq!(got.permanent_redirect, Some(server.url("/feed.xml")));
    let got = fetched(&f, &server.url("/c")).await;
    assert_eq!(got.permanent_redirect, None);
    assert_eq!(got.final_url, server.url("/feed.xml"));
    let got = fetched(&f, &server.url("/feed.xml")).await;
    assert_eq!(got.permanent_redirect, None);
}

#[tokio::test]
async fn retry_after_and_max_age_are_read() {
    let server = TestServer::start();
    server.route("/busy", Response::status(503).header("Retry-After", "120"));
    server.route(
        "/fresh",
        Response::ok(b"<rss/>".to_vec()).header("Cache-Control", "public, max-age=600"),
    );
    let f = fetcher(opts());
    let err = failed(&f, &server.url("/busy")).await;
    assert!(
        matches!(err, FetchError::Status { code: 503, retry_after: Some(d), .. } if d == Duration::from_secs(120)),
        "{err:?}"
    );
    assert_eq!(fetched(&f, &server.url("/fresh")).await.max_age, Some(600));
}
