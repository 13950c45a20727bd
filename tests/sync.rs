//! Sync with a feed server (issue #21), against a real Miniflux on loopback, never a mock.
//! `bash scripts/miniflux.sh up` brings it up (`.ci/run` does, before the tests, and sets
//! `TIDINGS_CI=1`); without it these tests skip with one line saying so, except in CI, where a
//! missing server fails them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;

/// The server `scripts/miniflux.sh` started, as its env file says.
struct Server {
    host: String,
    user: String,
    password: String,
}

fn server() -> Option<Server> {
    let env = std::env::var_os("MINIFLUX_ENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/miniflux/env"),
        PathBuf::from,
    );
    let Ok(text) = std::fs::read_to_string(&env) else {
        assert!(
            std::env::var_os("TIDINGS_CI").is_none(),
            "no Miniflux for the sync tests in CI ({} missing): .ci/run starts it",
            env.display()
        );
        // Straight to the terminal: the test harness would keep an `eprintln!` to itself.
        let _ = std::io::stderr().write_all(
            b"sync tests skipped: no Miniflux (start one with: bash scripts/miniflux.sh up)\n",
        );
        return None;
    };
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_default()
            .to_owned()
    };
    Some(Server {
        host: value("MINIFLUX_URL")
            .trim_start_matches("http://")
            .to_owned(),
        user: value("MINIFLUX_USER"),
        password: value("MINIFLUX_PASSWORD"),
    })
}

/// One plain HTTP/1.1 POST of a form: the status and the body.
fn post_form(host: &str, path: &str, form: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// The server the sync tests need is up, speaks the Google Reader API for the test user, and
/// refuses a wrong password: what every sync test stands on.
#[test]
fn the_test_server_speaks_google_reader_for_the_test_user() {
    let Some(s) = server() else { return };
    let form = format!("Email={}&Passwd={}", s.user, s.password);
    let (status, body) = post_form(&s.host, "/accounts/ClientLogin", &form);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Auth="), "{body}");
    let (status, _) = post_form(
        &s.host,
        "/accounts/ClientLogin",
        &format!("Email={}&Passwd=wrong", s.user),
    );
    assert_eq!(status, 401);
}
