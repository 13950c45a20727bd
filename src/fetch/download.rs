//! Downloading one enclosure to a file (issue #22): streamed to `NAME.part` beside where it
//! will be, resumed with an HTTP `Range` where the partial file stopped, restarted cleanly from
//! the start when the server ignores the range, cut off at the size cap or when the data stops
//! coming, and moved into place only when whole, never over a file that exists. The caller
//! (the reader's job, `tidings download`) keeps the queue in the store.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_RANGE, RANGE};

use crate::model::download::numbered;
use crate::model::sanitize;

/// How long a download may go without a byte before it is cut off.
pub const STALL: Duration = Duration::from_secs(60);
/// How often progress is reported at most.
const REPORT_EVERY: Duration = Duration::from_millis(250);

/// Why a download stopped. Every message is one line naming what happened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DownloadError {
    #[error("the server answered {0}")]
    Status(u16),
    #[error("{0}")]
    Network(String),
    #[error("larger than the {limit_mib} MiB allowed ([media] max_mib)")]
    TooLarge { limit_mib: u64 },
    #[error("the disk is full writing {file} ({kept} bytes kept, to resume)")]
    DiskFull { file: String, kept: u64 },
    #[error("cannot write {file}: {why}")]
    Io { file: String, why: String },
    #[error("no data for {} s: cut off ({kept} bytes kept, to resume)", STALL.as_secs())]
    Stalled { kept: u64 },
    #[error("stopped")]
    Cancelled,
}

impl DownloadError {
    /// Whether the partial file is worth keeping for a later resume.
    pub fn resumable(&self) -> bool {
        !matches!(self, Self::TooLarge { .. } | Self::Status(_))
    }
}

/// A client for downloads (through `proxy`, `[refresh] proxy`, when set): redirects followed (podcast links go through trackers and CDNs),
/// bytes as the server sends them (no decompression, so ranges mean what they say), no limit
/// on the whole transfer's time but a connect timeout and the stall cut.
pub fn client(user_agent: &str, proxy: Option<&str>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder();
    if let Some(proxy) = proxy {
        builder = builder.proxy(
            reqwest::Proxy::all(proxy)
                .map_err(|e| format!("proxy {}: {e}", crate::model::redact::url(proxy)))?,
        );
    }
    builder
        .user_agent(user_agent)
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(STALL)
        .redirect(reqwest::redirect::Policy::limited(10))
        .gzip(false)
        .brotli(false)
        .deflate(false)
        .build()
        .map_err(|e| e.to_string())
}

/// The name to give a new download in `dir`: `wanted`, or `wanted (2)`… when that name or
/// its partial file exists (a file that exists is never replaced).
pub fn free_name(dir: &Path, wanted: &str) -> String {
    (1..10_000)
        .map(|n| numbered(wanted, n))
        .find(|name| !dir.join(name).exists() && !part_path(dir, name).exists())
        .unwrap_or_else(|| format!("{wanted}.{}", std::process::id()))
}

/// Where the partial data of `name` is kept.
pub fn part_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.part"))
}

/// How far a download has got, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub received: u64,
    pub total: Option<u64>,
    /// Bytes per second since this attempt started.
    pub rate: u64,
}

/// What a finished download is: its final name in the directory and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub file: String,
    pub bytes: u64,
}

/// Where a download is written, and how its I/O errors read.
struct Target<'a> {
    dir: &'a Path,
    name: &'a str,
    part: PathBuf,
    shown: String,
}

impl Target<'_> {
    /// An I/O error as the user reads it: a full disk (or a file-size limit) says so, with
    /// how much is kept to resume.
    fn io(&self, e: &std::io::Error, kept: u64) -> DownloadError {
        if matches!(
            e.kind(),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge
        ) {
            DownloadError::DiskFull {
                file: self.shown.clone(),
                kept,
            }
        } else {
            DownloadError::Io {
                file: self.shown.clone(),
                why: e.to_string(),
            }
        }
    }

    fn finish(&self, bytes: u64) -> Result<Finished, DownloadError> {
        finish(self.dir, self.name, &self.part, bytes).map_err(|e| self.io(&e, bytes))
    }
}

/// Downloads `url` into `dir` as `name` (through `name.part`), resuming what `name.part`
/// holds. `report` hears progress; `cancelled` is asked between pieces. On success the file
/// is whole under its final name (another free name if `name` was taken meanwhile).
pub async fn download(
    client: &reqwest::Client,
    url: &str,
    dir: &Path,
    name: &str,
    max_bytes: u64,
    cancelled: &(dyn Fn() -> bool + Sync),
    report: &mut (dyn FnMut(Progress) + Send),
) -> Result<Finished, DownloadError> {
    let target = Target {
        dir,
        name,
        part: part_path(dir, name),
        shown: sanitize::line(name),
    };
    // `name` may hold directories of `[media] file_name`'s making (`Feed/Title.mp3`).
    let parent = target.part.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| target.io(&e, 0))?;
    let have = std::fs::metadata(&target.part).map_or(0, |m| m.len());
    let mut req = client.get(url);
    if have > 0 {
        req = req.header(RANGE, format!("bytes={have}-"));
    }
    let resp = req.send().await.map_err(|e| network(&e))?;
    // Where this answer's bytes start in the file, and the whole size when known.
    let (start, total) = match resp.status().as_u16() {
        206 => match content_range(resp.headers()) {
            Some((from, total)) if from == have => (have, total),
            // A range we did not ask for.
            _ => {
                return Err(DownloadError::Network(
                    "the server sent the wrong range".into(),
                ));
            }
        },
        200 => (0, resp.content_length()),
        // Asked past the end: what is there is the whole file, if the server says so.
        416 if have > 0 => {
            let total = content_range(resp.headers()).and_then(|(_, t)| t);
            if total == Some(have) {
                return target.finish(have);
            }
            // Otherwise the partial file is not a prefix of anything: start again.
            std::fs::remove_file(&target.part).map_err(|e| target.io(&e, 0))?;
            return Err(DownloadError::Network(
                "the server refused to resume; starting again next time".into(),
            ));
        }
        other => return Err(DownloadError::Status(other)),
    };
    if total.is_some_and(|t| t > max_bytes) {
        return Err(DownloadError::TooLarge {
            limit_mib: max_bytes / (1024 * 1024),
        });
    }
    // A server that ignores the range sends everything again: the partial file restarts.
    let file: File = if start == 0 {
        File::create(&target.part).map_err(|e| target.io(&e, 0))?
    } else {
        OpenOptions::new()
            .append(true)
            .open(&target.part)
            .map_err(|e| target.io(&e, have))?
    };
    let span = Span {
        start,
        total,
        max_bytes,
    };
    let received = receive(resp, file, &target, span, cancelled, report).await?;
    target.finish(received)
}

/// What an answer's body should be: where it starts in the file, the whole size when known,
/// and the most the file may hold.
#[derive(Clone, Copy)]
struct Span {
    start: u64,
    total: Option<u64>,
    max_bytes: u64,
}

/// Writes the answer's body to `file` as it comes; returns the file's size once it is whole.
async fn receive(
    mut resp: reqwest::Response,
    mut file: File,
    target: &Target<'_>,
    span: Span,
    cancelled: &(dyn Fn() -> bool + Sync),
    report: &mut (dyn FnMut(Progress) + Send),
) -> Result<u64, DownloadError> {
    let Span {
        start,
        total,
        max_bytes,
    } = span;
    let mut received = start;
    let began = Instant::now();
    let mut last_report: Option<Instant> = None;
    loop {
        if cancelled() {
            file.flush().map_err(|e| target.io(&e, received))?;
            return Err(DownloadError::Cancelled);
        }
        let chunk = match tokio::time::timeout(STALL, resp.chunk()).await {
            Err(_) => return Err(DownloadError::Stalled { kept: received }),
            Ok(Err(e)) => return Err(network(&e)),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        let len = chunk.len() as u64;
        if received + len > max_bytes || total.is_some_and(|t| received + len > t) {
            // A server that sends more than it said, or more than we allow: cut off.
            drop(file);
            let _ = std::fs::remove_file(&target.part);
            return Err(if received + len > max_bytes {
                DownloadError::TooLarge {
                    limit_mib: max_bytes / (1024 * 1024),
                }
            } else {
                DownloadError::Network("the server sent more than it said it would".into())
            });
        }
        file.write_all(&chunk)
            .map_err(|e| target.io(&e, received))?;
        received += len;
        if last_report.is_none_or(|t| t.elapsed() >= REPORT_EVERY) {
            last_report = Some(Instant::now());
            report(progress(received, start, total, began));
        }
    }
    file.sync_all().map_err(|e| target.io(&e, received))?;
    if total.is_some_and(|t| received < t) {
        return Err(DownloadError::Network(format!(
            "the connection ended early ({received} of {} bytes kept, to resume)",
            total.unwrap_or_default()
        )));
    }
    report(progress(received, start, total, began));
    Ok(received)
}

fn progress(received: u64, start: u64, total: Option<u64>, began: Instant) -> Progress {
    let secs = began.elapsed().as_secs_f64();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rate = if secs > 0.05 {
        ((received - start) as f64 / secs) as u64
    } else {
        0
    };
    Progress {
        received,
        total,
        rate,
    }
}

/// Moves the whole `part` into place as `name`, or the next free name: a hard link that fails
/// when the name exists, so nothing is ever replaced, then the partial name removed.
fn finish(dir: &Path, name: &str, part: &Path, bytes: u64) -> std::io::Result<Finished> {
    for n in 1..10_000 {
        let candidate = numbered(name, n);
        match std::fs::hard_link(part, dir.join(&candidate)) {
            Ok(()) => {
                std::fs::remove_file(part)?;
                return Ok(Finished {
                    file: candidate,
                    bytes,
                });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "every name for it is taken",
    ))
}

/// `Content-Range: bytes FROM-TO/TOTAL` (or `bytes */TOTAL`): where the bytes start, and the
/// whole size when known.
fn content_range(headers: &reqwest::header::HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes")?.trim();
    let (range, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok();
    let from = match range.trim() {
        "*" => 0,
        r => r.split_once('-')?.0.trim().parse().ok()?,
    };
    Some((from, total))
}

fn network(e: &reqwest::Error) -> DownloadError {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg = s.to_string();
        source = s.source();
    }
    DownloadError::Network(crate::model::redact::in_text(&sanitize::line(&msg)).into_owned())
}
