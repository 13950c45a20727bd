//! A temp home for running the real binary: its own XDG directories and database, feed files
//! and served feeds, and a small RSS writer.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A temp home with its own XDG dirs and database.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("data/tidings.db")
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("tidings").unwrap();
        cmd.env_clear()
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data-home"))
            .env("XDG_CONFIG_HOME", self.path().join("config-home"))
            .env("XDG_STATE_HOME", self.path().join("state-home"))
            .env("TIDINGS_DB", self.db());
        cmd
    }

    /// Serves a feed from `server` at `/name` and returns its URL (OPML lists may not name
    /// local files).
    pub fn served(server: &super::TestServer, name: &str, body: &str) -> String {
        let path = format!("/{name}");
        server.route(&path, super::Response::ok(body.as_bytes().to_vec()));
        server.url(&path)
    }

    /// Writes a feed file and returns its file: URL.
    pub fn feed_file(&self, name: &str, body: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, body).unwrap();
        url::Url::from_file_path(&path).unwrap().to_string()
    }

    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tidings {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn run_err(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(!out.status.success(), "tidings {args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn entries(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["entries", "--json"];
        args.extend_from_slice(extra);
        let json: Value = serde_json::from_str(&self.run_ok(&args)).unwrap();
        json.as_array().unwrap().clone()
    }
}

pub fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    use std::fmt::Write as _;
    let items = items.iter().fold(String::new(), |mut out, (guid, title, date)| {
        let _ = write!(
            out,
                "<item><guid>{guid}</guid><title>{title}</title><link>https://example.org/{guid}</link>\
                 <pubDate>{date}</pubDate><description>&lt;p&gt;Body of {guid} with a \
                 &lt;a href=\"/more\"&gt;link&lt;/a&gt;.&lt;/p&gt;</description></item>"
        );
        out
    });
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link>{items}</channel></rss>"
    )
}

pub const DAY1: &str = "Mon, 02 Nov 2026 10:00:00 GMT";
pub const DAY2: &str = "Tue, 03 Nov 2026 10:00:00 GMT";
pub const DAY3: &str = "Wed, 04 Nov 2026 10:00:00 GMT";
