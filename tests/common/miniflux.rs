//! The real Miniflux that `scripts/miniflux.sh up` starts (issue #21), as the sync tests use
//! it: found through its env file, reset between tests (one test at a time holds it), fed
//! loopback feeds through its REST API, and asked what it holds.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use super::home::Home;

/// The server `scripts/miniflux.sh` started, as its env file says.
pub struct Miniflux {
    /// `127.0.0.1:PORT`.
    pub host: String,
    pub user: String,
    pub password: String,
    _turn: MutexGuard<'static, ()>,
}

/// One test at a time: they share the server's one user.
static TURN: Mutex<()> = Mutex::new(());

/// The server, reset to no feeds, held for this test; `None` (with one line saying how to
/// start it) outside CI when it is not running. In CI (`TIDINGS_CI=1`) a missing server fails.
pub fn miniflux() -> Option<Miniflux> {
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
    let server = Miniflux {
        host: value("MINIFLUX_URL")
            .trim_start_matches("http://")
            .to_owned(),
        user: value("MINIFLUX_USER"),
        password: value("MINIFLUX_PASSWORD"),
        _turn: TURN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    };
    server.reset();
    Some(server)
}

/// Base64 of `bytes` (for Basic auth).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One plain HTTP/1.1 exchange: the status and the body.
pub fn http(host: &str, method: &str, path: &str, headers: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

impl Miniflux {
    pub fn url(&self) -> String {
        format!("http://{}", self.host)
    }

    /// A call of the REST API (`/v1/…`), as the test user.
    pub fn rest(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let auth = base64(format!("{}:{}", self.user, self.password).as_bytes());
        let headers = format!("Authorization: Basic {auth}\r\nContent-Type: application/json\r\n");
        let (status, text) = http(&self.host, method, path, &headers, body);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// No feeds, so no entries.
    fn reset(&self) {
        let (_, feeds) = self.rest("GET", "/v1/feeds", "");
        for f in feeds.as_array().cloned().unwrap_or_default() {
            let (status, _) = self.rest("DELETE", &format!("/v1/feeds/{}", f["id"]), "");
            assert_eq!(status, 204, "deleting feed {}", f["id"]);
        }
    }

    /// Subscribes the server to `url` (it fetches it at once); the feed's id.
    pub fn add_feed(&self, url: &str) -> i64 {
        let (_, cats) = self.rest("GET", "/v1/categories", "");
        let category = cats[0]["id"].as_i64().unwrap();
        let (status, made) = self.rest(
            "POST",
            "/v1/feeds",
            &format!(r#"{{"feed_url":"{url}","category_id":{category}}}"#),
        );
        assert_eq!(status, 201, "subscribing the server to {url}: {made}");
        made["feed_id"].as_i64().unwrap()
    }

    /// The server fetches its feed again, now.
    pub fn refresh_feed(&self, feed: i64) {
        let (status, _) = self.rest("PUT", &format!("/v1/feeds/{feed}/refresh"), "");
        assert!(
            status == 204 || status == 200,
            "refreshing feed {feed}: {status}"
        );
    }

    /// Every feed: (id, title, feed URL, category title).
    pub fn feeds(&self) -> Vec<(i64, String, String, String)> {
        let (_, feeds) = self.rest("GET", "/v1/feeds", "");
        feeds
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                (
                    f["id"].as_i64().unwrap(),
                    f["title"].as_str().unwrap_or_default().to_owned(),
                    f["feed_url"].as_str().unwrap_or_default().to_owned(),
                    f["category"]["title"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect()
    }

    /// Every entry: title → (id, read, starred).
    pub fn entries(&self) -> std::collections::BTreeMap<String, (i64, bool, bool)> {
        let (_, got) = self.rest("GET", "/v1/entries?limit=100000&order=id", "");
        got["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|e| {
                (
                    e["title"].as_str().unwrap().to_owned(),
                    (
                        e["id"].as_i64().unwrap(),
                        e["status"] == "read",
                        e["starred"].as_bool().unwrap(),
                    ),
                )
            })
            .collect()
    }

    /// Sets entries read or unread on the server.
    pub fn set_read(&self, ids: &[i64], read: bool) {
        let status = if read { "read" } else { "unread" };
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let (code, _) = self.rest(
            "PUT",
            "/v1/entries",
            &format!(r#"{{"entry_ids":[{list}],"status":"{status}"}}"#),
        );
        assert_eq!(code, 204);
    }

    /// Stars or unstars an entry on the server (its API only toggles).
    pub fn set_starred(&self, id: i64, starred: bool) {
        let now = self
            .entries()
            .values()
            .find(|e| e.0 == id)
            .map(|e| e.2)
            .unwrap();
        if now != starred {
            let (code, _) = self.rest("PUT", &format!("/v1/entries/{id}/bookmark"), "");
            assert_eq!(code, 204);
        }
    }

    /// A home whose config syncs with this server (password by the environment variable).
    pub fn config(&self, home: &Home) {
        config_to(home, &self.url(), &self.user);
    }
}

/// Writes `home`'s config: sync with `url` as `user`.
pub fn config_to(home: &Home, url: &str, user: &str) {
    let dir = home.path().join("config-home/tidings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[sync]\nkind = \"greader\"\nurl = \"{url}\"\nusername = \"{user}\"\n"),
    )
    .unwrap();
}
