//! Support shared by the integration tests: a real HTTP server on loopback and small helpers.
//! Each test binary uses a different part of it, hence the module-wide `dead_code` allowance.
#![allow(dead_code, unused_imports)]
// Test support fails loudly: a server that cannot bind is a broken test machine.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod cutoff;
pub mod home;
pub mod miniflux;
pub mod pty;
pub mod rng;
mod server;
pub mod sql;

pub use server::{RecordedRequest, Response, TestServer};

use std::io::Write;
use std::path::PathBuf;

/// Writes `text` to `path` as an executable script (a stand-in player or browser).
pub fn script(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Serves at `/` a web page naming two feeds, "Posts" (`/feed.xml`) then "Comments"
/// (`/comments.xml`), for the autodiscovery tests.
pub fn serve_page_naming_two_feeds(server: &TestServer) {
    let page = "<!DOCTYPE html><html><head><title>Blog</title>\
        <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Posts\" href=\"/feed.xml\">\
        <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Comments\" href=\"/comments.xml\">\
        </head><body>hi</body></html>";
    server.route(
        "/",
        Response::ok(page.as_bytes().to_vec()).header("Content-Type", "text/html"),
    );
}

/// `bytes` gzip-compressed (flate2, already a dependency of the crate).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}
