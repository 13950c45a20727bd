//! HTTP and file: fetching with conditional GET, timeouts, bounded redirects and a size cap.
//! Uses `model::sanitize`, reqwest and tokio; errors are one line, worded for the person reading
//! the feed list.

use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use reqwest::{StatusCode, redirect};
use url::Url;

use crate::model::sanitize;

/// Limits and identity for fetching; filled from the config by the caller.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Cap on the (decompressed) body; a larger body is that feed's error.
    pub max_body_bytes: u64,
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 32 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!(
                "tidings/",
                env!("CARGO_PKG_VERSION"),
                " (terminal feed reader)"
            )
            .to_owned(),
        }
    }
}

/// Cache validators from a previous response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one feed adds to its requests (issue #24, `[[feed]]`): its User-Agent, headers,
/// credentials (for HTTP Basic or Digest, answered when its site asks) and cookies. Headers, credentials and cookies go only to the feed's
/// own origin (a redirect elsewhere does not carry them); cookies go where their domain and
/// path say.
#[derive(Debug, Clone, Default)]
pub struct Asking {
    pub user_agent: Option<String>,
    pub headers: Vec<(String, String)>,
    /// User name and password, for a 401's Basic or Digest challenge.
    pub basic: Option<(String, String)>,
    pub cookies: Arc<[crate::model::cookies::Cookie]>,
}

/// How to answer a server's 401.
#[derive(Debug, Clone)]
enum Answer401 {
    Basic,
    Digest(HeaderValue),
}

/// The answer to a 401's `WWW-Authenticate` challenges with these credentials: Digest when the
/// server offers it (the password never leaves), else Basic when offered; none for a scheme
/// we do not speak.
fn answer_challenge(
    headers: &HeaderMap,
    user: &str,
    password: &str,
    url: &Url,
) -> Option<Answer401> {
    let challenges: Vec<&str> = headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let scheme = |c: &&str, name: &str| {
        c.trim_start()
            .get(..name.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
    };
    if let Some(digest) = challenges.iter().find(|c| scheme(c, "digest")) {
        let uri = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let context = digest_auth::AuthContext::new(user, password, uri);
        let answer = digest_auth::parse(digest).ok()?.respond(&context).ok()?;
        return HeaderValue::from_str(&answer.to_header_string())
            .ok()
            .map(Answer401::Digest);
    }
    challenges
        .iter()
        .any(|c| scheme(c, "basic"))
        .then_some(Answer401::Basic)
}

/// A successful response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL after redirects.
    pub final_url: String,
    pub validators: Validators,
    /// Set when every redirect on the way was permanent (301, 308): where the feed now lives.
    pub permanent_redirect: Option<String>,
    /// `Cache-Control: max-age`, in seconds: how long the server says the body stays fresh.
    pub max_age: Option<u64>,
}

/// What a fetch came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    NotModified,
    Fetched(Fetched),
}

/// Why a fetch failed; the message is shown to the user as the feed's error.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not a valid URL: {0}")]
    InvalidUrl(String),
    #[error("unsupported URL scheme \"{0}\" (use http, https or file)")]
    UnsupportedScheme(String),
    #[error("{}", status_message(*.code, .reason))]
    Status {
        code: u16,
        reason: String,
        /// `Retry-After` on a 429 or 503: how long the host asks us to wait.
        retry_after: Option<Duration>,
        /// Who answered (`scheme://host:port`): after redirects, not the subscribed host.
        origin: String,
    },
    #[error("timed out after {}", human_duration(*.0))]
    Timeout(Duration),
    #[error("response larger than {}", human_bytes(*.limit))]
    TooLarge { limit: u64 },
    #[error("too many redirects (more than {limit})")]
    TooManyRedirects { limit: usize },
    /// Could not connect or the connection broke: the root cause, in a few words.
    #[error("{0}")]
    Network(String),
    /// The body could not be decoded (corrupt gzip, ...).
    #[error("bad response body: {0}")]
    Body(String),
    #[error("cannot read {path}: {cause}")]
    File { path: String, cause: String },
    /// The HTTP client could not be set up (bad user agent, TLS backend).
    #[error("cannot set up HTTP client: {0}")]
    Client(String),
    /// The feed's own settings cannot be used (`[[feed]]`: a password command, a cookie file).
    #[error("{0}")]
    Settings(String),
}

fn status_message(code: u16, reason: &str) -> String {
    if reason.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code} {reason}")
    }
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

pub(super) fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n % KIB == 0 {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// A user-supplied string made safe and short enough for a one-line message.
fn shown(s: &str) -> String {
    let line = sanitize::line(s);
    match line.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// An API's answer: its status, content type and body (under the size cap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    /// The Google Reader API's sign that the write token (`T`) is stale.
    pub bad_token: bool,
    pub body: Vec<u8>,
}

/// A reusable HTTP client with the options applied.
#[derive(Debug, Clone)]
pub struct Fetcher {
    opts: FetchOptions,
    client: reqwest::Client,
}

impl Fetcher {
    pub fn new(opts: FetchOptions) -> Result<Self, FetchError> {
        let client = Self::builder(&opts)
            .build()
            .map_err(|e| FetchError::Client(root_cause(&e)))?;
        Ok(Self { opts, client })
    }

    fn builder(opts: &FetchOptions) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .user_agent(opts.user_agent.clone())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .redirect(redirect::Policy::none())
            .gzip(true)
            .brotli(true)
            .deflate(true)
    }

    /// The same options through `proxy` (`http://`, `https://`, `socks5://`, `socks5h://`).
    pub fn with_proxy(&self, proxy: &str) -> Result<Self, FetchError> {
        let proxy = reqwest::Proxy::all(proxy).map_err(|e| {
            FetchError::Client(format!(
                "proxy {}: {}",
                shown(&crate::model::redact::url(proxy)),
                root_cause(&e)
            ))
        })?;
        let client = Self::builder(&self.opts)
            .proxy(proxy)
            .build()
            .map_err(|e| FetchError::Client(root_cause(&e)))?;
        Ok(Self {
            opts: self.opts.clone(),
            client,
        })
    }

    /// The same client with a lower cap on a body (a web page's, not a feed's).
    #[must_use]
    pub fn capped(&self, max_body_bytes: u64) -> Self {
        Self {
            opts: FetchOptions {
                max_body_bytes: max_body_bytes.min(self.opts.max_body_bytes),
                ..self.opts.clone()
            },
            client: self.client.clone(),
        }
    }

    /// The options this fetcher was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// Fetches `url` (http, https or file), sending the validators as a conditional GET. The
    /// timeout is for the whole fetch, every redirect and the body included (issue #17: it
    /// was per hop, so five slow hops took five times as long).
    pub async fn fetch(
        &self,
        url: &str,
        validators: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        self.fetch_as(url, validators, &Asking::default()).await
    }

    /// [`Fetcher::fetch`] with what one feed adds to its requests.
    pub async fn fetch_as(
        &self,
        url: &str,
        validators: &Validators,
        asking: &Asking,
    ) -> Result<FetchOutcome, FetchError> {
        let parsed = Url::parse(url.trim())
            .map_err(|e| FetchError::InvalidUrl(format!("{} ({e})", shown(url))))?;
        let fetch = async {
            match parsed.scheme() {
                "http" | "https" => self.fetch_http(parsed, validators, asking).await,
                "file" => self.fetch_file(parsed).await,
                other => Err(FetchError::UnsupportedScheme(shown(other))),
            }
        };
        tokio::time::timeout(self.opts.timeout, fetch)
            .await
            .unwrap_or(Err(FetchError::Timeout(self.opts.timeout)))
    }

    /// Sends one GET per hop, following redirects by hand so that each hop's status is seen:
    /// a chain of only permanent redirects is reported, so the stored URL can follow it.
    async fn fetch_http(
        &self,
        url: Url,
        validators: &Validators,
        asking: &Asking,
    ) -> Result<FetchOutcome, FetchError> {
        let origin = url.origin();
        let mut url = url;
        let mut hops = 0;
        let mut all_permanent = true;
        let mut resp = loop {
            let own = url.origin() == origin;
            let mut resp = self
                .send(url.clone(), validators, asking, own, None)
                .await?;
            // Credentials go only when the feed's own site asks for them (401), and as it
            // asks: Digest never sends the password, Basic only then.
            if own
                && resp.status() == StatusCode::UNAUTHORIZED
                && let Some((user, password)) = &asking.basic
                && let Some(answer) = answer_challenge(resp.headers(), user, password, &url)
            {
                resp = self
                    .send(url.clone(), validators, asking, own, Some(answer))
                    .await?;
            }
            let status = resp.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break resp;
            }
            let location = header_text(resp.headers(), LOCATION.as_str()).ok_or_else(|| {
                FetchError::Network(format!("HTTP {} without a Location", status.as_u16()))
            })?;
            if hops == self.opts.max_redirects {
                return Err(FetchError::TooManyRedirects {
                    limit: self.opts.max_redirects,
                });
            }
            hops += 1;
            all_permanent &= matches!(
                status,
                StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
            );
            url = url.join(&location).map_err(|e| {
                FetchError::Network(format!("bad redirect to {} ({e})", shown(&location)))
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(FetchError::UnsupportedScheme(shown(url.scheme())));
            }
        };
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified);
        }
        if !status.is_success() {
            let retry_after = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            )
            .then(|| header_text(resp.headers(), RETRY_AFTER.as_str()))
            .flatten()
            .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
            return Err(FetchError::Status {
                code: status.as_u16(),
                reason: status.canonical_reason().unwrap_or_default().to_owned(),
                retry_after,
                origin: origin_of(resp.url()),
            });
        }
        let limit = self.opts.max_body_bytes;
        // Known only for identity bodies: reqwest hides the length of bodies it decompresses.
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { limit });
        }
        let final_url = resp.url().to_string();
        let headers = resp.headers();
        let content_type = header_text(headers, CONTENT_TYPE.as_str());
        let validators = Validators {
            etag: header_text(headers, ETAG.as_str()),
            last_modified: header_text(headers, LAST_MODIFIED.as_str()),
        };
        let max_age = header_text(headers, CACHE_CONTROL.as_str()).and_then(|v| max_age(&v));
        let mut bytes = Vec::new();
        // Chunks arrive already decompressed, so this also stops a gzip bomb early.
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&e))? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(FetchError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(FetchOutcome::Fetched(Fetched {
            bytes,
            content_type,
            permanent_redirect: (hops > 0 && all_permanent).then(|| final_url.clone()),
            final_url,
            validators,
            max_age,
        }))
    }

    async fn send(
        &self,
        url: Url,
        validators: &Validators,
        asking: &Asking,
        own_origin: bool,
        auth: Option<Answer401>,
    ) -> Result<reqwest::Response, FetchError> {
        let cookie = crate::model::cookies::header_for(
            &asking.cookies,
            &url,
            chrono::Utc::now().timestamp(),
        );
        let mut req = self.client.get(url);
        if let Some(agent) = asking
            .user_agent
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            req = req.header(reqwest::header::USER_AGENT, agent);
        }
        if own_origin {
            for (name, value) in &asking.headers {
                // The config checked both; one that is still no header is left out.
                if let (Ok(name), Ok(value)) = (
                    reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(value),
                ) {
                    req = req.header(name, value);
                }
            }
            match (auth, &asking.basic) {
                (Some(Answer401::Basic), Some((user, password))) => {
                    req = req.basic_auth(user, Some(password));
                }
                (Some(Answer401::Digest(value)), _) => {
                    req = req.header(reqwest::header::AUTHORIZATION, value);
                }
                _ => {}
            }
        }
        if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        // A stored validator that is not a valid header value is skipped rather than failing
        // every future fetch of the feed.
        let valid = |v: &Option<String>| v.as_deref().and_then(|v| HeaderValue::from_str(v).ok());
        if let Some(etag) = valid(&validators.etag) {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = valid(&validators.last_modified) {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        req.send().await.map_err(|e| self.classify(&e))
    }

    /// Reads a local file off the async runtime, with the same size cap. Files carry no
    /// validators: reading one again is cheap, and mtimes are too coarse to trust.
    async fn fetch_file(&self, url: Url) -> Result<FetchOutcome, FetchError> {
        let path = url.to_file_path().map_err(|()| {
            FetchError::InvalidUrl(format!("{} (not a local file path)", shown(url.as_str())))
        })?;
        let limit = self.opts.max_body_bytes;
        let shown_path = shown(&path.to_string_lossy());
        let read_path = path.clone();
        let bytes = tokio::task::spawn_blocking(move || read_capped(&read_path, limit))
            .await
            .map_err(|e| FetchError::File {
                path: shown_path.clone(),
                cause: format!("read task failed: {e}"),
            })?
            .map_err(|e| match e {
                ReadError::TooLarge => FetchError::TooLarge { limit },
                ReadError::Io(e) => FetchError::File {
                    path: shown_path,
                    cause: if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file".to_owned()
                    } else {
                        io_cause(&e)
                    },
                },
            })?;
        Ok(FetchOutcome::Fetched(Fetched {
            bytes,
            content_type: None,
            final_url: url.to_string(),
            validators: Validators::default(),
            permanent_redirect: None,
            max_age: None,
        }))
    }

    /// The HTTP client itself, for an API's requests (the sync client's).
    pub(super) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends one API request (no redirect followed) and reads its answer under the size cap,
    /// within the timeout.
    pub(super) async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<Answer, FetchError> {
        let call = async {
            let mut resp = req.send().await.map_err(|e| self.classify(&e))?;
            let limit = self.opts.max_body_bytes;
            if resp.content_length().is_some_and(|n| n > limit) {
                return Err(FetchError::TooLarge { limit });
            }
            let status = resp.status().as_u16();
            let content_type = header_text(resp.headers(), CONTENT_TYPE.as_str());
            let bad_token = resp.headers().contains_key("x-reader-google-bad-token");
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(&e))? {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(FetchError::TooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Answer {
                status,
                content_type,
                bad_token,
                body,
            })
        };
        tokio::time::timeout(self.opts.timeout, call)
            .await
            .unwrap_or(Err(FetchError::Timeout(self.opts.timeout)))
    }

    /// Maps a reqwest error to what the user needs to know.
    fn classify(&self, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            let connecting = e.is_connect();
            return FetchError::Timeout(if connecting {
                self.opts.connect_timeout
            } else {
                self.opts.timeout
            });
        }
        if e.is_redirect() {
            let cause = root_cause(e);
            if cause.contains("too many redirects") {
                return FetchError::TooManyRedirects {
                    limit: self.opts.max_redirects,
                };
            }
            return FetchError::Network(format!("bad redirect: {cause}"));
        }
        if e.is_decode() || e.is_body() {
            // A broken connection mid-body is a network error, not a decoding one.
            if let Some(io) = io_source(e) {
                return FetchError::Network(io_cause(io));
            }
            return FetchError::Body(root_cause(e));
        }
        if chain_mentions(e, "dns error") {
            let host = e.url().and_then(Url::host_str).unwrap_or("the host");
            return FetchError::Network(format!("cannot resolve {}", shown(host)));
        }
        match io_source(e) {
            // rustls reports a failed handshake (not TLS at all, a bad certificate) as invalid
            // data while connecting.
            Some(_) if e.is_connect() && invalid_data_in_chain(e) => {
                FetchError::Network(format!("TLS handshake failed: {}", root_cause(e)))
            }
            Some(io) => FetchError::Network(io_cause(io)),
            None => FetchError::Network(root_cause(e)),
        }
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(sanitize::line)
        .filter(|s| !s.is_empty())
}

/// The deepest error in the chain, as one short line (no debug dumps, no URL repeated).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    shown(&cur.to_string())
}

/// Whether some I/O error in the chain is `InvalidData` (how rustls surfaces a handshake that
/// failed: not TLS at all, a bad certificate).
fn invalid_data_in_chain(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            // `io::Error::source` skips the error it wraps; look at that one itself.
            if let Some(inner) = io.get_ref() {
                next = Some(inner);
                continue;
            }
        }
        next = err.source();
    }
    false
}

fn chain_mentions(e: &(dyn std::error::Error + 'static), needle: &str) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.to_string().contains(needle) {
            return true;
        }
        cur = err.source();
    }
    false
}

fn io_source<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut cur = e.source();
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        cur = err.source();
    }
    None
}

/// A few words for an I/O error, without the "(os error N)" suffix.
fn io_cause(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match e.kind() {
        K::ConnectionRefused => "connection refused",
        K::ConnectionReset => "connection reset by peer",
        K::ConnectionAborted => "connection aborted",
        K::NotConnected | K::BrokenPipe => "connection closed",
        K::UnexpectedEof => "connection closed before the response was complete",
        K::NotFound => "not found",
        K::PermissionDenied => "permission denied",
        K::TimedOut => "timed out",
        K::AddrNotAvailable => "address not available",
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            return shown(text);
        }
    };
    words.to_owned()
}

pub enum ReadError {
    TooLarge,
    Io(std::io::Error),
}

/// `scheme://host:port` of a URL (the port spelled out even when it is the scheme's own).
pub fn origin_of(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Reads a regular file, at most `limit` bytes. Opened without blocking and checked before
/// a byte is read: a device (`/dev/tty`, which would steal the reader's keys) or a FIFO
/// (which would hang a refresh for ever) is refused (issue #17).
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("is a directory")));
    }
    if !meta.is_file() {
        return Err(ReadError::Io(std::io::Error::other(
            "not a regular file (a device, a pipe or a socket)",
        )));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::new();
    // The file may grow between the check and the read; `take` keeps the cap honest.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// `Retry-After` as seconds or an HTTP date, capped at a day (a server cannot park a feed
/// for ever); `None` when unreadable.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    const DAY: u64 = 24 * 60 * 60;
    let value = value.trim();
    let secs = if let Ok(secs) = value.parse::<u64>() {
        secs
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let now = chrono::DateTime::<chrono::Utc>::from(now);
        u64::try_from((when.with_timezone(&chrono::Utc) - now).num_seconds()).unwrap_or(0)
    };
    Some(Duration::from_secs(secs.min(DAY)))
}

/// The `max-age` of a `Cache-Control` value, unless `no-cache` or `no-store` say otherwise.
pub fn max_age(value: &str) -> Option<u64> {
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return None;
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            age = v.trim_matches('"').parse().ok();
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_short_and_human() {
        let status = FetchError::Status {
            retry_after: None,
            code: 404,
            reason: "Not Found".into(),
            origin: "https://a.example:443".into(),
        };
        assert_eq!(status.to_string(), "HTTP 404 Not Found");
        let bare = FetchError::Status {
            retry_after: None,
            code: 599,
            reason: String::new(),
            origin: "https://a.example:443".into(),
        };
        assert_eq!(bare.to_string(), "HTTP 599");
        assert_eq!(
            FetchError::Timeout(Duration::from_secs(30)).to_string(),
            "timed out after 30 s"
        );
        assert_eq!(
            FetchError::Timeout(Duration::from_millis(1500)).to_string(),
            "timed out after 1500 ms"
        );
        assert_eq!(
            FetchError::TooLarge {
                limit: 32 * 1024 * 1024
            }
            .to_string(),
            "response larger than 32 MiB"
        );
        assert_eq!(
            FetchError::TooLarge { limit: 1000 }.to_string(),
            "response larger than 1000 bytes"
        );
    }

    #[test]
    fn io_causes_drop_the_os_error_number() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(io_cause(&refused), "connection refused");
        let other = std::io::Error::from_raw_os_error(36);
        assert!(!io_cause(&other).contains("os error"));
    }

    #[test]
    fn user_text_in_messages_is_sanitised() {
        assert_eq!(shown("a\u{1b}[2Jb\nc"), "a[2Jb c");
        assert!(shown(&"x".repeat(500)).chars().count() <= 121);
    }

    #[tokio::test]
    async fn invalid_and_unsupported_urls_are_rejected() {
        let f = Fetcher::new(FetchOptions::default()).expect("client");
        let v = Validators::default();
        let err = f.fetch("feed.xml", &v).await.expect_err("relative");
        assert!(matches!(err, FetchError::InvalidUrl(_)), "{err}");
        let err = f.fetch("gopher://x/", &v).await.expect_err("scheme");
        assert_eq!(
            err.to_string(),
            "unsupported URL scheme \"gopher\" (use http, https or file)"
        );
    }

    #[tokio::test]
    async fn files_are_read_with_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("feed.xml");
        std::fs::write(&path, b"<rss/>").expect("write");
        let url = Url::from_file_path(&path).expect("file url").to_string();
        let f = Fetcher::new(FetchOptions::default()).expect("client");
        let FetchOutcome::Fetched(got) = f.fetch(&url, &Validators::default()).await.expect("read")
        else {
            panic!("expected a body");
        };
        assert_eq!(got.bytes, b"<rss/>");
        assert_eq!(got.validators, Validators::default());
        let small = Fetcher::new(FetchOptions {
            max_body_bytes: 3,
            ..FetchOptions::default()
        })
        .expect("client");
        let err = small
            .fetch(&url, &Validators::default())
            .await
            .expect_err("too large");
        assert!(matches!(err, FetchError::TooLarge { limit: 3 }), "{err}");
        let missing = url.replace("feed.xml", "missing.xml");
        let err = f
            .fetch(&missing, &Validators::default())
            .await
            .expect_err("missing");
        assert!(
            err.to_string().ends_with("missing.xml: no such file"),
            "{err}"
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date_capped_at_a_day() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        // 2001-09-09T01:46:40Z is 1_000_000_000; one hour later:
        let date = "Sun, 09 Sep 2001 02:46:40 GMT";
        assert_eq!(
            parse_retry_after(date, now),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            parse_retry_after("99999999", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn max_age_is_read_unless_caching_is_refused() {
        assert_eq!(max_age("public, max-age=3600"), Some(3600));
        assert_eq!(max_age("max-age=60, no-cache"), None);
        assert_eq!(max_age("private"), None);
    }
}
