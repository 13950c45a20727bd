//! The feeds the concurrent run reads: three groups (alpha, beta, gamma) served by the loopback
//! server, growing and revised while the run goes on, and the temp home every `tidings` of the
//! run shares.
//!
//! Every entry's title starts with a token (`a2-017`: alpha feed 2, entry 17) that names it on
//! screen and in the database. Entries are dated by one counter shared by all feeds, so an
//! entry added later is newer than every entry before it; and within alpha and beta only one
//! feed at a time grows, switching only once a refresh that started after its last growth has
//! finished. Together these keep the promise the readers' walks rely on: a group's new
//! entries reach the database only above all of its older ones.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common::pty::bin;
use crate::common::{Response, TestServer};

pub use crate::common::rng::Rng;

const WORDS: &[&str] = &[
    "river", "lantern", "copper", "meadow", "signal", "harbour", "thistle", "engine", "orchard",
    "granite", "ledger", "compass", "willow", "beacon", "furnace", "quarry", "saffron", "tundra",
];

/// A group of feeds; each reader walks one, `tidings mark` works on gamma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Alpha,
    Beta,
    Gamma,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Alpha, Group::Beta, Group::Gamma];

    /// As in feed URLs and the filter `feed:NAME`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Alpha => "alpha",
            Group::Beta => "beta",
            Group::Gamma => "gamma",
        }
    }

    fn letter(self) -> char {
        self.name().chars().next().unwrap()
    }

    fn of_letter(c: char) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.letter() == c)
    }
}

/// The token at the start of a title: group letter, feed number, `-`, entry number.
pub fn token(group: Group, feed: usize, n: u64) -> String {
    format!("{}{feed}-{n:03}", group.letter())
}

/// The group of a word that is a token (`a2-017`), else `None`.
pub fn parse_token(word: &str) -> Option<Group> {
    let mut chars = word.chars();
    let group = Group::of_letter(chars.next()?)?;
    let (feed, n) = chars.as_str().split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(feed) && digits(n)).then_some(group)
}

/// The first token among `text`'s words.
pub fn find_token(text: &str) -> Option<(String, Group)> {
    text.split_whitespace()
        .find_map(|w| parse_token(w).map(|g| (w.to_owned(), g)))
}

#[derive(Debug, Clone)]
struct Item {
    n: u64,
    /// Position in the shared date order.
    seq: u64,
    rev: u64,
}

#[derive(Debug)]
struct Feed {
    group: Group,
    number: usize,
    /// Newest first.
    items: Vec<Item>,
    next_n: u64,
}

impl Feed {
    fn path(&self) -> String {
        format!("/{}-{}.xml", self.group.name(), self.number)
    }

    fn title(&self, item: &Item) -> String {
        let mut rng = Rng(item.seq);
        let words: Vec<&str> = (0..3).map(|_| WORDS[rng.index(WORDS.len())]).collect();
        format!(
            "{} {}",
            token(self.group, self.number, item.n),
            words.join(" ")
        )
    }

    fn document(&self, base: i64) -> String {
        let name = self.group.name();
        let mut out = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
             <title>{} {}</title><link>https://{name}.example.org/</link>",
            capitalised(name),
            self.number
        );
        for item in &self.items {
            let published = chrono::DateTime::from_timestamp(base + seconds(item.seq), 0)
                .unwrap()
                .to_rfc2822();
            let _ = write!(
                out,
                "<item><title>{}</title><link>https://{name}.example.org/{}/{}</link>\
                 <guid isPermaLink=\"false\">{name}-{}-{}</guid><pubDate>{published}</pubDate>\
                 <description>&lt;p&gt;revision {} of {}&lt;/p&gt;</description></item>",
                self.title(item),
                self.number,
                item.n,
                self.number,
                item.n,
                item.rev,
                token(self.group, self.number, item.n),
            );
        }
        out.push_str("</channel></rss>");
        out
    }
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn seconds(seq: u64) -> i64 {
    i64::try_from(seq).unwrap() * 60
}

/// Refreshes started and finished by the refresh loop (one at a time, in order).
#[derive(Debug, Default)]
pub struct RefreshCount {
    pub started: AtomicU64,
    pub finished: AtomicU64,
}

/// Growth and revisions made while the run goes on.
#[derive(Debug, Default, Clone, Copy)]
pub struct Changes {
    pub added: u64,
    pub revised: u64,
}

/// The served feeds.
pub struct World {
    server: TestServer,
    feeds: Vec<Feed>,
    next_seq: u64,
    /// The date of sequence number 0: far enough back that no entry is dated in the future.
    base: i64,
    /// Per group (alpha, beta): the feed that grows, and the number of the first refresh that
    /// started after its last growth (another feed may grow once that one has finished).
    growing: [(usize, u64); 2],
    pub changes: Changes,
}

impl World {
    pub fn new(feeds_per_group: usize, entries_per_feed: u64) -> Self {
        let mut world = Self {
            server: TestServer::start(),
            feeds: Vec::new(),
            next_seq: 0,
            base: chrono::Utc::now().timestamp() - 30 * 24 * 3600,
            growing: [(0, 0), (feeds_per_group, 0)],
            changes: Changes::default(),
        };
        for group in Group::ALL {
            for number in 1..=feeds_per_group {
                world.feeds.push(Feed {
                    group,
                    number,
                    items: Vec::new(),
                    next_n: 1,
                });
            }
        }
        // Interleave the feeds' first entries in the date order.
        for _ in 0..entries_per_feed {
            for i in 0..world.feeds.len() {
                world.add(i, 1);
            }
        }
        for i in 0..world.feeds.len() {
            world.serve(i);
        }
        world.changes = Changes::default();
        world
    }

    pub fn urls(&self) -> Vec<String> {
        self.feeds
            .iter()
            .map(|f| self.server.url(&f.path()))
            .collect()
    }

    fn serve(&self, i: usize) {
        let feed = &self.feeds[i];
        self.server.route(
            &feed.path(),
            Response::ok(feed.document(self.base))
                .header("Content-Type", "application/rss+xml; charset=utf-8"),
        );
    }

    fn add(&mut self, i: usize, count: u64) {
        let feed = &mut self.feeds[i];
        for _ in 0..count {
            let item = Item {
                n: feed.next_n,
                seq: self.next_seq,
                rev: 0,
            };
            feed.next_n += 1;
            self.next_seq += 1;
            feed.items.insert(0, item);
        }
        self.changes.added += count;
    }

    /// One change, as a publisher makes them: a few new entries in one feed, or a new revision
    /// of an old entry (a new body, same date), which a refresh writes over the stored one.
    pub fn change(&mut self, rng: &mut Rng, refreshes: &RefreshCount) {
        if rng.chance(50) {
            let i = rng.index(self.feeds.len());
            let feed = &mut self.feeds[i];
            for _ in 0..rng.range(1, 5) {
                let at = rng.index(feed.items.len());
                feed.items[at].rev += 1;
                self.changes.revised += 1;
            }
            self.serve(i);
            return;
        }
        let group = Group::ALL[rng.index(3)];
        let in_group: Vec<usize> = (0..self.feeds.len())
            .filter(|&i| self.feeds[i].group == group)
            .collect();
        let i = match group {
            Group::Gamma => in_group[rng.index(in_group.len())],
            Group::Alpha | Group::Beta => {
                let slot = usize::from(group == Group::Beta);
                let (feed, first_after) = self.growing[slot];
                let finished = refreshes.finished.load(Ordering::SeqCst);
                let feed = if finished > first_after {
                    in_group[rng.index(in_group.len())]
                } else {
                    feed
                };
                self.growing[slot] = (feed, refreshes.started.load(Ordering::SeqCst));
                feed
            }
        };
        self.add(i, rng.range(1, 3));
        self.serve(i);
    }

    /// Every entry's token with its group.
    pub fn tokens(&self) -> Vec<(String, Group)> {
        self.feeds
            .iter()
            .flat_map(|f| {
                f.items
                    .iter()
                    .map(|item| (token(f.group, f.number, item.n), f.group))
            })
            .collect()
    }

    /// Every entry's whole title by token.
    pub fn titles(&self) -> std::collections::HashMap<String, String> {
        self.feeds
            .iter()
            .flat_map(|f| {
                f.items
                    .iter()
                    .map(|item| (token(f.group, f.number, item.n), f.title(item)))
            })
            .collect()
    }
}

/// The temp home: the database, config, log and state of every `tidings` in the run.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tidings.db");
        Self { dir, db }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_arg(&self) -> &str {
        self.db.to_str().unwrap()
    }

    pub fn log(&self) -> PathBuf {
        self.path().join("state/tidings/tidings.log")
    }

    /// Runs `tidings --db DB ARGS…` headless in this home, as a pty session would be started.
    pub fn run(&self, args: &[&str]) -> Output {
        let home = self.path();
        Command::new(bin())
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .current_dir(home)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("TIDINGS_DB")
            .env_remove("TIDINGS_CONFIG")
            .output()
            .unwrap()
    }

    /// Runs a command that must exit 0 with nothing on stderr; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "`tidings {}` exited with {}; stderr: {stderr}",
            args.join(" "),
            out.status
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The tokens of a group's entries, newest first, with `(read, starred)`, as the
    /// reader's filter `feed:GROUP` lists them.
    pub fn order(&self, group: Group) -> Vec<(String, (bool, bool))> {
        let query = format!("feed:{}", group.name());
        let out = self.ok(&["entries", "--json", "--query", &query]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        rows.iter()
            .map(|r| {
                let title = r["title"].as_str().unwrap();
                let (token, g) = find_token(title).unwrap_or_else(|| panic!("title {title:?}"));
                assert_eq!(g, group, "{title} listed under feed:{}", group.name());
                let flags = (
                    r["read"].as_bool().unwrap(),
                    r["starred"].as_bool().unwrap(),
                );
                (token, flags)
            })
            .collect()
    }

    /// `token → id` for a group's entries.
    pub fn ids(&self, group: Group) -> Vec<(String, i64)> {
        let query = format!("feed:{}", group.name());
        let out = self.ok(&["entries", "--json", "--query", &query]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        rows.iter()
            .map(|r| {
                let title = r["title"].as_str().unwrap();
                let (token, _) = find_token(title).unwrap();
                (token, r["id"].as_i64().unwrap())
            })
            .collect()
    }
}
