//! A small real HTTP/1.1 server on `127.0.0.1:0` for tests: canned responses per path, delays,
//! slow ("drip") bodies, `ETag` / `Last-Modified` with honest 304s, and a log of every request.
//! One request per connection (`Connection: close`); std only, one thread per connection.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A canned response. Build with [`Response::ok`] or [`Response::status`] and the setters.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long after reading the request, before sending anything.
    pub delay: Option<Duration>,
    /// Send the body `n` bytes at a time, pausing between pieces.
    pub drip: Option<(usize, Duration)>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Send no Content-Length: the body ends when the connection closes.
    pub no_length: bool,
    /// Answer `Range: bytes=N-` with 206 and the rest of the body (416 past its end).
    pub ranges: bool,
    /// Ask for credentials: `(scheme, user, password)`, scheme `Basic` or `Digest` (MD5,
    /// `qop=auth`); a request without the right ones gets 401 and the challenge.
    pub auth: Option<(String, String, String)>,
}

impl Response {
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200).body(body)
    }

    pub fn status(status: u16) -> Self {
        Self {
            status,
            ..Self::default()
        }
    }

    /// A redirect (301, 302, 307, ...) to `location` (absolute, or a path on this server).
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::status(status).header("Location", location)
    }

    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    #[must_use]
    pub fn drip(mut self, chunk: usize, pause: Duration) -> Self {
        self.drip = Some((chunk.max(1), pause));
        self
    }

    /// Answers 401 with a `scheme` challenge (`Basic` or `Digest`) unless the request carries
    /// `user` and `password` as that scheme wants.
    #[must_use]
    pub fn auth(mut self, scheme: &str, user: &str, password: &str) -> Self {
        self.auth = Some((scheme.to_owned(), user.to_owned(), password.to_owned()));
        self
    }

    /// Sends no Content-Length, so the client learns the size only by reading to the end.
    #[must_use]
    /// Honours `Range: bytes=N-` requests (see [`Response::ranges`]).
    pub fn with_ranges(mut self) -> Self {
        self.ranges = true;
        self
    }

    pub fn no_length(mut self) -> Self {
        self.no_length = true;
        self
    }

    /// Sends this `ETag` and answers 304 when a request's `If-None-Match` matches it.
    #[must_use]
    pub fn etag(mut self, etag: &str) -> Self {
        self.etag = Some(etag.to_owned());
        self
    }

    /// Sends this Last-Modified and answers 304 when If-Modified-Since equals it (and the
    /// request has no If-None-Match, as RFC 9110 says).
    #[must_use]
    pub fn last_modified(mut self, date: &str) -> Self {
        self.last_modified = Some(date.to_owned());
        self
    }

    fn not_modified_for(&self, req: &RecordedRequest) -> bool {
        if let Some(inm) = req.header("if-none-match") {
            return self
                .etag
                .as_deref()
                .is_some_and(|etag| inm.trim() == "*" || inm.split(',').any(|t| t.trim() == etag));
        }
        match (req.header("if-modified-since"), &self.last_modified) {
            (Some(ims), Some(lm)) => ims.trim() == lm,
            _ => false,
        }
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query string (what routes match on).
    pub path: String,
    /// The full request target, query included.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Response>>,
    log: Mutex<Vec<RecordedRequest>>,
    stop: AtomicBool,
}

/// The server; stops accepting when dropped. Connection threads are detached and end on their own.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl TestServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let shared = Arc::new(Shared::default());
        let accept_shared = Arc::clone(&shared);
        thread::spawn(move || accept_loop(&listener, &accept_shared));
        Self { addr, shared }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `response` at `path` from now on (replacing any earlier one).
    pub fn route(&self, path: &str, response: Response) {
        lock(&self.shared.routes).insert(path.to_owned(), response);
    }

    /// Every request made to `path` so far, oldest first.
    pub fn requests(&self, path: &str) -> Vec<RecordedRequest> {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests(path).len()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking test thread must not poison the server for the others.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(shared);
                thread::spawn(move || {
                    // The client may hang up at any point (timeouts, size caps): ignore it.
                    let _ = serve(stream, &shared);
                });
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn read_request(stream: &TcpStream) -> std::io::Result<RecordedRequest> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let path = target.split('?').next().unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() || headers.len() > 200 {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok(RecordedRequest {
        method,
        path,
        target,
        headers,
    })
}

const DIGEST_REALM: &str = "feeds";
const DIGEST_NONCE: &str = "dcd98b7102dd2f0e8b11d0f600bfb0c093";

fn md5_hex(text: &str) -> String {
    use md5::Digest as _;
    md5::Md5::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// Whether `req` carries `user` and `password` as `scheme` wants them.
fn authorized(req: &RecordedRequest, scheme: &str, user: &str, password: &str) -> bool {
    use base64_free::encode;
    let Some(value) = req.header("authorization") else {
        return false;
    };
    if scheme.eq_ignore_ascii_case("basic") {
        return value == format!("Basic {}", encode(&format!("{user}:{password}")));
    }
    let Some(params) = value.strip_prefix("Digest ") else {
        return false;
    };
    let field = |name: &str| {
        params.split(',').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            (k.trim() == name).then(|| v.trim().trim_matches('"').to_owned())
        })
    };
    let (Some(u), Some(uri), Some(nc), Some(cnonce), Some(response)) = (
        field("username"),
        field("uri"),
        field("nc"),
        field("cnonce"),
        field("response"),
    ) else {
        return false;
    };
    let ha1 = md5_hex(&format!("{user}:{DIGEST_REALM}:{password}"));
    let ha2 = md5_hex(&format!("{}:{uri}", req.method));
    let expected = md5_hex(&format!("{ha1}:{DIGEST_NONCE}:{nc}:{cnonce}:auth:{ha2}"));
    u == user && response == expected
}

/// Base64 for Basic credentials, without a crate for it.
mod base64_free {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

fn serve(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let req = read_request(&stream)?;
    let route = lock(&shared.routes).get(&req.path).cloned();
    lock(&shared.log).push(req.clone());
    let resp = route.unwrap_or_else(|| Response::status(404).body("not found"));
    let resp = match &resp.auth {
        Some((scheme, user, password)) if !authorized(&req, scheme, user, password) => {
            let challenge = if scheme.eq_ignore_ascii_case("digest") {
                format!(
                    "Digest realm=\"{DIGEST_REALM}\", qop=\"auth\", algorithm=MD5, \
                     nonce=\"{DIGEST_NONCE}\", opaque=\"x\""
                )
            } else {
                "Basic realm=\"feeds\"".to_owned()
            };
            Response::status(401)
                .header("WWW-Authenticate", &challenge)
                .body("unauthorized")
        }
        _ => resp,
    };
    if let Some(delay) = resp.delay {
        thread::sleep(delay);
    }
    let not_modified = resp.not_modified_for(&req);
    let mut status = if not_modified { 304 } else { resp.status };
    let mut body: &[u8] = if not_modified || req.method == "HEAD" {
        &[]
    } else {
        &resp.body
    };
    let mut range_head = String::new();
    let from = req
        .header("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    if let (true, 200, Some(from)) = (resp.ranges, status, from) {
        let len = resp.body.len();
        if from < len {
            status = 206;
            body = &resp.body[from..];
            range_head = format!("Content-Range: bytes {from}-{}/{len}\r\n", len - 1);
        } else {
            status = 416;
            body = &[];
            range_head = format!("Content-Range: bytes */{len}\r\n");
        }
    }
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    head.push_str(&range_head);
    for (k, v) in &resp.headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    if let Some(etag) = &resp.etag {
        let _ = write!(head, "ETag: {etag}\r\n");
    }
    if let Some(lm) = &resp.last_modified {
        let _ = write!(head, "Last-Modified: {lm}\r\n");
    }
    let has_length = resp
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
    if !has_length && !resp.no_length && status != 304 {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    match resp.drip {
        Some((chunk, pause)) => {
            for piece in body.chunks(chunk) {
                stream.write_all(piece)?;
                stream.flush()?;
                thread::sleep(pause);
            }
        }
        None => stream.write_all(body)?,
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 | 308 => "Moved",
        302 | 303 | 307 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
