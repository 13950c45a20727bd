//! Support shared by the integration tests: a real HTTP server on loopback and small helpers.
//! Each test binary uses a different part of it, hence the module-wide `dead_code` allowance.
#![allow(dead_code, unused_imports)]
// Test support fails loudly: a server that cannot bind is a broken test machine.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod pty;
pub mod rng;
mod server;
pub mod sql;

pub use server::{RecordedRequest, Response, TestServer};

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// `bytes` gzip-compressed by the system's `gzip` (no compression crate among the dev
/// dependencies); `None` when `gzip` is not installed, so callers can skip.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut child = Command::new("gzip")
        .args(["-c", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = bytes.to_vec();
    // Write from another thread: a large input would otherwise fill both pipes and deadlock.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    out.status.success().then_some(out.stdout)
}
