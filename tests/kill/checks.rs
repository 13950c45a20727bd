//! What must hold after a kill: the database's structure, the marks, the entries served.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::world::{World, parse_token};

/// One stored entry, as the checks see it.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub feed_url: String,
    pub title: String,
    pub read: bool,
    pub starred: bool,
}

/// Stored entries by token.
pub type Rows = HashMap<String, Row>;

/// A broken invariant, said in one line.
pub type Checked<T = ()> = Result<T, String>;

/// Returns the error unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// The structure checks, and the entries; panics with `ctx` and what broke.
pub fn check_db(db: &Path, ctx: &str) -> Rows {
    try_check_db(db).unwrap_or_else(|e| panic!("{ctx}: {e}"))
}

/// Checks the structure: integrity, foreign keys, no duplicate, true counters, a body and an
/// index row for every entry, search finding what the entries say. Returns the entries.
pub fn try_check_db(db: &Path) -> Checked<Rows> {
    let conn = Connection::open(db).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    crate::common::sql::check_structure(&conn)?;
    let rows = entries(&conn)?;
    check_search(&conn, &rows)?;
    Ok(rows)
}

/// Every entry by its token: each under the feed its token names, none twice.
fn entries(conn: &Connection) -> Checked<Rows> {
    let fail = |e: rusqlite::Error| format!("reading the entries: {e}");
    let mut stmt = conn
        .prepare(
            "SELECT e.id, f.url, e.title, e.read, e.starred FROM entries e \
             JOIN feeds f ON f.id = e.feed_id",
        )
        .map_err(fail)?;
    let list: Vec<Row> = stmt
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                feed_url: r.get(1)?,
                title: r.get(2)?,
                read: r.get(3)?,
                starred: r.get(4)?,
            })
        })
        .map_err(fail)?
        .collect::<rusqlite::Result<_>>()
        .map_err(fail)?;
    let mut rows = Rows::new();
    for row in list {
        let word = row.title.split(' ').next().unwrap_or_default().to_owned();
        let Some((feed, _)) = parse_token(&word) else {
            return Err(format!("a stranger: {row:?}"));
        };
        ensure!(
            row.feed_url.ends_with(&format!("/f{feed}.xml")),
            "an entry under the wrong feed: {row:?}"
        );
        if let Some(twin) = rows.insert(word, row.clone()) {
            return Err(format!("one entry stored twice: {twin:?} and {row:?}"));
        }
    }
    Ok(rows)
}

/// A search for an entry's token and revision finds it and nothing else; its previous
/// revision's words are gone from the index. For a sample: the revised entries and a few more.
fn check_search(conn: &Connection, rows: &Rows) -> Checked {
    let mut sample: Vec<&Row> = rows
        .values()
        .filter(|r| !r.title.contains(" r0 "))
        .collect();
    sample.sort_by_key(|r| r.id);
    sample.truncate(40);
    sample.extend(rows.values().filter(|r| r.id % 97 == 0).take(10));
    let mut stmt = conn
        .prepare("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1")
        .map_err(|e| e.to_string())?;
    let mut found = |query: &str| -> Checked<Vec<i64>> {
        stmt.query_map([query], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(|e| format!("search {query}: {e}"))
    };
    for row in sample {
        let mut words = row.title.split(' ');
        let (feed, n) = words.next().and_then(parse_token).unwrap_or_default();
        let rev: u32 = words
            .next()
            .and_then(|w| w.strip_prefix('r')?.parse().ok())
            .ok_or_else(|| format!("a title without its revision: {row:?}"))?;
        let this = format!("title: (\"k{feed} {n}\" AND r{rev})");
        let hits = found(&this)?;
        ensure!(
            hits == [row.id],
            "search {this} finds {hits:?}, not {}",
            row.id
        );
        if rev > 0 {
            let stale = format!("title: (\"k{feed} {n}\" AND r{})", rev - 1);
            let hits = found(&stale)?;
            ensure!(hits.is_empty(), "search {stale} finds {hits:?}");
        }
    }
    Ok(())
}

/// What a mark should be after a kill: `None` where either is right (a key sent, and the
/// process killed before the screen could show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    pub read: Option<bool>,
    pub starred: Option<bool>,
}

/// Every stored entry's expected marks, from the last checked state and the acknowledged
/// marks since.
#[derive(Debug, Default)]
pub struct Expected {
    pub marks: HashMap<String, Expect>,
    /// Entries stored after the last check may have been read by a mark on everything.
    pub new_read_unknown: bool,
}

impl Expected {
    pub fn from(rows: &Rows) -> Self {
        Self {
            marks: rows
                .iter()
                .map(|(token, r)| {
                    let expect = Expect {
                        read: Some(r.read),
                        starred: Some(r.starred),
                    };
                    (token.clone(), expect)
                })
                .collect(),
            new_read_unknown: false,
        }
    }

    /// An entry stored since the last check comes in unstarred and unread (unless everything
    /// was marked read since).
    pub fn entry(&mut self, token: &str) -> &mut Expect {
        let read = if self.new_read_unknown {
            None
        } else {
            Some(false)
        };
        self.marks.entry(token.to_owned()).or_insert(Expect {
            read,
            starred: Some(false),
        })
    }

    pub fn set(&mut self, token: &str, read: Option<bool>, starred: Option<bool>) {
        let e = self.entry(token);
        if read.is_some() {
            e.read = read;
        }
        if starred.is_some() {
            e.starred = starred;
        }
    }

    /// A mark whose outcome is unknown: the key was sent, the kill came before the screen
    /// showed anything.
    pub fn forget(&mut self, token: &str, read: bool) {
        let e = self.entry(token);
        if read {
            e.read = None;
        } else {
            e.starred = None;
        }
    }

    /// Every entry known before is still there with its marks; new ones are unmarked.
    pub fn verify(&self, rows: &Rows, ctx: &str) {
        self.try_verify(rows)
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
    }

    pub fn try_verify(&self, rows: &Rows) -> Checked {
        for (token, expect) in &self.marks {
            let Some(row) = rows.get(token) else {
                return Err(format!("entry {token} is gone"));
            };
            let ok = |want: Option<bool>, got: bool| want.is_none_or(|w| w == got);
            ensure!(
                ok(expect.read, row.read) && ok(expect.starred, row.starred),
                "a lost mark: {token} should be {expect:?}, is {row:?}"
            );
        }
        for (token, row) in rows {
            if !self.marks.contains_key(token) {
                ensure!(
                    !row.starred && (self.new_read_unknown || !row.read),
                    "a new entry came in marked: {row:?}"
                );
            }
        }
        Ok(())
    }
}

/// Nothing stored that was never served; after a complete refresh, every listed entry stored
/// under its current title.
pub fn check_served(world: &World, rows: &Rows, complete: bool, ctx: &str) {
    try_check_served(world, rows, complete).unwrap_or_else(|e| panic!("{ctx}: {e}"));
}

pub fn try_check_served(world: &World, rows: &Rows, complete: bool) -> Checked {
    for token in rows.keys() {
        ensure!(world.served.contains(token), "{token} was never served");
    }
    if complete {
        for (token, title) in world.listed() {
            let Some(row) = rows.get(&token) else {
                return Err(format!("{token} is served but not stored"));
            };
            ensure!(
                row.title == title,
                "{token} kept an old revision: {:?}, not {title:?}",
                row.title
            );
        }
    }
    Ok(())
}

/// Frames of the write-ahead log that `SQLite` will throw away when it next opens the database:
/// a transaction the kill cut short. Read before anything opens the database again.
pub fn unfinished_wal_frames(db: &Path) -> usize {
    let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) else {
        return 0;
    };
    if wal.len() < 32 {
        return 0;
    }
    let be = |at: usize| u32::from_be_bytes(wal[at..at + 4].try_into().unwrap());
    let magic = be(0);
    if magic & !1 != 0x377f_0682 {
        return 0;
    }
    let big_endian = magic & 1 == 1;
    let page = usize::try_from(be(8)).unwrap();
    let salts = (be(16), be(20));
    let mut sum = wal_checksum(&wal[..24], big_endian, (0, 0));
    if sum != (be(24), be(28)) {
        return 0;
    }
    let (mut at, mut valid, mut committed) = (32, 0, 0);
    while at + 24 + page <= wal.len() && (be(at + 8), be(at + 12)) == salts {
        sum = wal_checksum(&wal[at..at + 8], big_endian, sum);
        sum = wal_checksum(&wal[at + 24..at + 24 + page], big_endian, sum);
        if sum != (be(at + 16), be(at + 20)) {
            break;
        }
        valid += 1;
        if be(at + 4) != 0 {
            committed = valid;
        }
        at += 24 + page;
    }
    // Whole frames after the last commit, and one of this log cut part way or not summed.
    let cut = at + 16 <= wal.len() && (be(at + 8), be(at + 12)) == salts;
    valid - committed + usize::from(cut)
}

/// The write-ahead log's running checksum (the `SQLite` file format, section 4.1).
pub fn wal_checksum(data: &[u8], big_endian: bool, (mut s0, mut s1): (u32, u32)) -> (u32, u32) {
    let word = |b: &[u8]| {
        let b: [u8; 4] = b.try_into().unwrap();
        if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    for pair in data.chunks_exact(8) {
        s0 = s0.wrapping_add(word(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}
