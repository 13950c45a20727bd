//! The feeds: generated documents that change between runs, served fast, late or dripping by
//! the loopback server; and a temp home whose `tidings` runs against them.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::pty::bin;
use crate::common::{Response, TestServer};

/// Longest a refresh that must complete may take before it counts as hung.
pub const HANG: Duration = Duration::from_secs(120);

pub use crate::common::rng::Rng;

pub const WORDS: &[&str] = &[
    "river", "lantern", "copper", "meadow", "signal", "harbour", "thistle", "engine", "orchard",
    "granite", "ledger", "compass", "willow", "beacon", "furnace", "quarry", "saffron", "tundra",
    "velvet", "anchor", "bramble", "cinder", "dynamo", "ember", "falcon", "glacier", "hollow",
    "island", "juniper", "kestrel", "lagoon", "marble", "nettle", "oxide", "pepper", "quiver",
];

/// Dates are well in the past, so none is clamped to "now" and the order is the feeds' own.
pub const BASE_TIME: i64 = 1_600_000_000;

#[derive(Debug, Clone, Copy)]
pub enum Pace {
    Fast,
    /// Waits this many milliseconds before answering.
    Late(u64),
    /// Sends the body in pieces of this many bytes, pausing this many milliseconds after each.
    Drip(usize, u64),
}

#[derive(Debug, Clone, Copy)]
pub enum Validator {
    Plain,
    ETag,
    LastModified,
}

#[derive(Debug, Clone, Copy)]
pub struct Item {
    pub n: u32,
    pub rev: u32,
}

/// One served feed. Its entries' titles start with a token (`k3.17`: feed 3, entry 17) that
/// names the entry everywhere: on screen, in the database, in the search index.
#[derive(Debug)]
pub struct Feed {
    pub idx: u32,
    pub atom: bool,
    /// RSS items without a guid: the store keys them by link.
    pub guidless: bool,
    pub validator: Validator,
    pub pace: Pace,
    /// Newest first: what the document lists now.
    pub items: Vec<Item>,
    pub next_n: u32,
    pub version: u32,
}

pub fn token(feed: u32, n: u32) -> String {
    format!("k{feed}.{n}")
}

/// The feed and entry numbers of a `k3.17` token at the start of `text`'s first word.
pub fn parse_token(word: &str) -> Option<(u32, u32)> {
    let (feed, n) = word.strip_prefix('k')?.split_once('.')?;
    Some((feed.parse().ok()?, n.parse().ok()?))
}

pub fn words(rng: &mut Rng, count: u64) -> String {
    (0..count)
        .map(|_| WORDS[rng.index(WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn rfc2822(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc2822()
}

pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .to_rfc3339()
}

impl Feed {
    pub fn path(&self) -> String {
        format!("/f{}.xml", self.idx)
    }

    /// Each revision's text is fixed by the feed, the entry and the revision.
    pub fn item_rng(&self, item: Item) -> Rng {
        Rng(u64::from(self.idx) << 40 ^ u64::from(item.n) << 16 ^ u64::from(item.rev))
    }

    pub fn title(&self, item: Item) -> String {
        let mut rng = self.item_rng(item);
        let count = rng.range(2, 6);
        format!(
            "{} r{} {}",
            token(self.idx, item.n),
            item.rev,
            words(&mut rng, count)
        )
    }

    pub fn body(&self, item: Item) -> String {
        let mut rng = self.item_rng(item);
        let _ = rng.next();
        let mut html = String::new();
        for _ in 0..rng.range(1, 6) {
            let count = rng.range(10, 70);
            let _ = write!(html, "<p>{}</p>", words(&mut rng, count));
        }
        html
    }

    pub fn published(&self, item: Item) -> i64 {
        BASE_TIME + i64::from(item.n) * 3_600 + i64::from(self.idx) * 61
    }

    pub fn link(&self, item: Item) -> String {
        format!("https://example.org/f{}/{}", self.idx, item.n)
    }

    pub fn document(&self) -> String {
        let mut out = String::new();
        if self.atom {
            let _ = write!(
                out,
                "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
                 <title>Feed {0}</title><id>urn:kill:f{0}</id><updated>{1}</updated>",
                self.idx,
                rfc3339(BASE_TIME)
            );
            for &item in &self.items {
                let _ = write!(
                    out,
                    "<entry><id>urn:kill:{}</id><title>{}</title><link href=\"{}\"/>\
                     <published>{}</published><updated>{}</updated>\
                     <content type=\"html\">{}</content></entry>",
                    token(self.idx, item.n),
                    self.title(item),
                    self.link(item),
                    rfc3339(self.published(item)),
                    rfc3339(self.published(item) + i64::from(item.rev) * 60),
                    xml_escape(&self.body(item))
                );
            }
            out.push_str("</feed>");
        } else {
            let _ = write!(
                out,
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {}</title>\
                 <link>https://example.org/</link>",
                self.idx
            );
            for &item in &self.items {
                let guid = if self.guidless {
                    String::new()
                } else {
                    format!("<guid>{}</guid>", token(self.idx, item.n))
                };
                let _ = write!(
                    out,
                    "<item>{guid}<title>{}</title><link>{}</link><pubDate>{}</pubDate>\
                     <description>{}</description></item>",
                    self.title(item),
                    self.link(item),
                    rfc2822(self.published(item)),
                    xml_escape(&self.body(item))
                );
            }
            out.push_str("</channel></rss>");
        }
        out
    }

    pub fn response(&self) -> Response {
        let mut response = Response::ok(self.document());
        response = match self.validator {
            Validator::Plain => response,
            Validator::ETag => response.etag(&format!("\"v{}\"", self.version)),
            Validator::LastModified => response.last_modified(
                &chrono::DateTime::from_timestamp(BASE_TIME + i64::from(self.version), 0)
                    .unwrap()
                    .format("%a, %d %b %Y %H:%M:%S GMT")
                    .to_string(),
            ),
        };
        match self.pace {
            Pace::Fast => response,
            Pace::Late(ms) => response.delay(Duration::from_millis(ms)),
            Pace::Drip(chunk, ms) => response.drip(chunk, Duration::from_millis(ms)),
        }
    }

    /// New entries on top, a few revised, the oldest dropped from the document (the store
    /// keeps them).
    pub fn evolve(&mut self, rng: &mut Rng) {
        for _ in 0..rng.range(0, 8) {
            self.items.insert(
                0,
                Item {
                    n: self.next_n,
                    rev: 0,
                },
            );
            self.next_n += 1;
        }
        for _ in 0..rng.range(0, 5) {
            let at = rng.index(self.items.len());
            self.items[at].rev += 1;
        }
        for _ in 0..rng.range(0, 3) {
            if self.items.len() > 15 {
                self.items.pop();
            }
        }
        self.version += 1;
    }
}

/// How a world's feeds are made.
pub struct Shape {
    pub feeds: u32,
    /// Entries in a new feed.
    pub items: (u64, u64),
    /// Percent of the feeds that answer late, and how late (milliseconds).
    pub late: (u64, u64, u64),
    /// Percent of the feeds that drip their body.
    pub drip: u64,
}

/// The loopback server and the feeds it serves.
pub struct World {
    pub server: TestServer,
    pub feeds: Vec<Feed>,
    /// Every token any document has listed.
    pub served: HashSet<String>,
}

impl World {
    pub fn new(rng: &mut Rng, shape: &Shape) -> Self {
        let mut world = Self {
            server: TestServer::start(),
            feeds: Vec::new(),
            served: HashSet::new(),
        };
        for idx in 0..shape.feeds {
            let count = u32::try_from(rng.range(shape.items.0, shape.items.1)).unwrap();
            let roll = rng.range(0, 99);
            let pace = if roll < shape.late.0 {
                Pace::Late(rng.range(shape.late.1, shape.late.2))
            } else if roll < shape.late.0 + shape.drip {
                Pace::Drip(
                    usize::try_from(rng.range(1_024, 4_096)).unwrap(),
                    rng.range(3, 12),
                )
            } else {
                Pace::Fast
            };
            let validator = match rng.range(0, 2) {
                0 => Validator::Plain,
                1 => Validator::ETag,
                _ => Validator::LastModified,
            };
            let atom = rng.chance(35);
            world.feeds.push(Feed {
                idx,
                atom,
                guidless: !atom && rng.chance(25),
                validator,
                pace,
                items: (0..count).rev().map(|n| Item { n, rev: 0 }).collect(),
                next_n: count,
                version: 0,
            });
            world.publish(world.feeds.len() - 1);
        }
        world
    }

    pub fn publish(&mut self, at: usize) {
        let feed = &self.feeds[at];
        self.server.route(&feed.path(), feed.response());
        for item in &feed.items {
            self.served.insert(token(feed.idx, item.n));
        }
    }

    /// Changes about `percent` of the feeds; returns how many changed.
    pub fn evolve(&mut self, rng: &mut Rng, percent: u64) -> usize {
        let mut changed = 0;
        for at in 0..self.feeds.len() {
            if rng.chance(percent) {
                self.feeds[at].evolve(rng);
                self.publish(at);
                changed += 1;
            }
        }
        changed
    }

    pub fn urls(&self) -> Vec<String> {
        self.feeds
            .iter()
            .map(|f| self.server.url(&f.path()))
            .collect()
    }

    /// Requests the server has had so far.
    pub fn hits(&self) -> usize {
        self.feeds.iter().map(|f| self.server.hits(&f.path())).sum()
    }

    /// Every listed entry's token and current title.
    pub fn listed(&self) -> HashMap<String, String> {
        self.feeds
            .iter()
            .flat_map(|f| {
                f.items
                    .iter()
                    .map(move |&item| (token(f.idx, item.n), f.title(item)))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// A temp home with its config and database, and the commands run in it.

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A fresh home subscribed to every feed of `world` (nothing fetched yet).
    pub fn new(world: &World) -> Self {
        let home = Self::without_database(world);
        let out = home.import().output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        home
    }

    /// A fresh home with its config and the list of `world`'s feeds, and no database yet.
    pub fn without_database(world: &World) -> Self {
        let home = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        // All feeds are on one host: let more than the default two go at once.
        std::fs::write(
            home.config(),
            "[refresh]\njobs = 12\nper_host = 8\ninterval_minutes = 0\n",
        )
        .unwrap();
        std::fs::write(home.path().join("urls"), world.urls().join("\n")).unwrap();
        home
    }

    /// `tidings import` of every feed (creating the database if there is none).
    pub fn import(&self) -> Command {
        let urls = self.path().join("urls");
        let mut cmd = self.cmd(&["import", urls.to_str().unwrap()]);
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
        cmd
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.path().join("t.db")
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("config.toml")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.env_clear()
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_STATE_HOME", self.path().join("state"))
            .arg("--db")
            .arg(self.db())
            .arg("--config")
            .arg(self.config())
            .args(args);
        cmd
    }

    /// `tidings refresh`, which must complete (exit 0, no feed failed); returns how long it
    /// took.
    pub fn refresh_completes(&self, ctx: &str) -> Duration {
        let started = Instant::now();
        let child = self
            .cmd(&["refresh", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let (done, outcome) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let Ok(out) = outcome.recv_timeout(HANG) else {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("{ctx}: the refresh after the kill hung for {HANG:?}");
        };
        let took = started.elapsed();
        let out = out.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{ctx}: the refresh after the kill failed ({}): {stderr}",
            out.status
        );
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary["failed"], 0, "{ctx}: {summary}");
        took
    }

    /// Starts `tidings refresh` with its output thrown away.
    pub fn spawn_refresh(&self) -> Child {
        self.cmd(&["refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}
