//! What the search index said about a search's words, remembered until the entries change.
//!
//! Building a search's clause asks the index which entries match ([`Found`]). Every page of the
//! stream builds the clause again, so without this each `PgDn` or `j` past the window would
//! ask again: 60 ms for the set of a word in 992 000 of a million entries. Remembered, a search
//! reads the index once, and moving through it costs what moving through the unfiltered stream
//! does.
//!
//! An answer holds for one *generation* of the data: until another connection commits
//! (`SQLite`'s `PRAGMA data_version`) or this one writes anything but marks (`Store::write`;
//! marks change no text the index holds). Then everything remembered is forgotten at once.

use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::types::Value;

use super::idset::{Held, IdSet};

/// At most this many answers are kept (a search has at most two expressions; the rest are the
/// searches the reader switched between).
const KEPT: usize = 8;

/// How the matches of a search are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    /// Up to this many matches are listed by id (the page fetches them and sorts them).
    pub few: usize,
    /// Reading the matches for longer than this, with at least [`DENSE`] of the entries read
    /// so far matching, gives up: the stream is walked and each entry checked against the
    /// index, which then fills a page in few checks. Sparser matches are read to the end
    /// whatever it takes: checking entry by entry would cost far more (6.7 s for a prefix in
    /// 2 % of a million entries).
    pub budget: Duration,
}

/// How the store plans: 10 000 ids are fetched and sorted in a few ms; 10 ms of reading is
/// about 150 000 ids of a plain word, or 8 000 of a phrase (each match's positions are read).
pub(super) const PLAN: Plan = Plan {
    few: 10_000,
    budget: Duration::from_millis(10),
};

/// How the store plans a statement that visits every match (marking them all): checking each
/// entry against the index would cost 40–100 µs for each entry visited, so the matches are
/// always read.
pub(super) const EVERY_MATCH: Plan = Plan {
    few: PLAN.few,
    budget: Duration::MAX,
};

/// The share of entries that must match for checking entry by entry to be chosen: at most 5
/// checks (40–100 µs each at a million entries) per row shown.
const DENSE: f64 = 0.2;

/// What the index said about one match expression.
#[derive(Debug, Clone)]
pub(super) enum Found {
    /// At most `few` entries match: their ids as a JSON array (`None`: no entry matches).
    Few(Option<Value>),
    /// More do; all of them are in this set.
    Set(Held),
    /// Many more do: check each entry against the index.
    Many,
}

/// The remembered answers and the generation they hold for.
#[derive(Debug, Default)]
pub(super) struct Memo {
    generation: Option<(i64, u64)>,
    /// (expression, plan, every match wanted) → answer.
    answers: Vec<((String, Plan, bool), Found)>,
    /// How many times the index was read (for tests).
    pub reads: u64,
}

impl Memo {
    /// Forgets everything unless the data is still at `generation`.
    pub fn at(&mut self, generation: (i64, u64)) -> &mut Self {
        if self.generation != Some(generation) {
            self.answers.clear();
            self.generation = Some(generation);
        }
        self
    }

    /// The entries matching `expr`, looked up as `plan` says; with `all`, never [`Found::Many`]
    /// (a negated word: every match must be known to leave it out).
    pub fn matches(
        &mut self,
        conn: &Connection,
        expr: &str,
        plan: Plan,
        all: bool,
    ) -> rusqlite::Result<Found> {
        let key = (expr.to_owned(), plan, all);
        if let Some((_, found)) = self.answers.iter().find(|(k, _)| *k == key) {
            return Ok(found.clone());
        }
        self.reads += 1;
        let found = read(conn, expr, plan, all)?;
        if self.answers.len() == KEPT {
            self.answers.remove(0);
        }
        self.answers.push((key, found.clone()));
        Ok(found)
    }
}

fn read(conn: &Connection, expr: &str, plan: Plan, all: bool) -> rusqlite::Result<Found> {
    let started = Instant::now();
    let mut watch = !all;
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1")?;
    let mut rows = stmt.query([expr])?;
    // The ids while they are few; past that, the set.
    let mut ids: Vec<i64> = Vec::new();
    let mut set: Option<IdSet> = None;
    let mut count = 0_usize;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        count += 1;
        match &mut set {
            Some(set) => set.insert(id),
            None => ids.push(id),
        }
        if set.is_none() && ids.len() > plan.few {
            let mut many = IdSet::default();
            for id in ids.drain(..) {
                many.insert(id);
            }
            set = Some(many);
        }
        // Ids come in ascending order: the share of ids up to this one that match.
        if watch && count % 1024 == 1 && started.elapsed() >= plan.budget {
            #[allow(clippy::cast_precision_loss)] // a ratio
            let share = count as f64 / id.max(1) as f64;
            if share >= DENSE {
                return Ok(Found::Many);
            }
            watch = false;
        }
    }
    Ok(match set {
        Some(set) => Found::Set(Held::new(set)),
        None if ids.is_empty() => Found::Few(None),
        None => Found::Few(Some(Value::Text(super::filter::json_ids(ids)))),
    })
}

/// Each way a search's matches can be looked up, for tests that compare them or check a plan.
#[cfg(test)]
pub(super) mod plans {
    use super::{Duration, PLAN, Plan};

    /// Up to 10 000 matches listed by id.
    pub const BY_ID: Plan = PLAN;
    /// Every match read into a set.
    pub const SET: Plan = Plan {
        few: 0,
        budget: Duration::MAX,
    };
    /// Each entry checked against the index (when the matches are dense, as in small tests).
    pub const EACH: Plan = Plan {
        few: 0,
        budget: Duration::ZERO,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a search with more than 10 000 matches was always checked entry by entry,
    /// so a prefix in 2 % of a million entries (`41*`, 22 000 matches) took 6.7 s to show a
    /// page. Now, with the budget spent at once, dense matches are checked entry by entry,
    /// sparse ones are read to the end, and a negated word's matches are always read.
    #[test]
    fn sparse_matches_past_the_few_are_read_into_a_set_not_checked_entry_by_entry() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE entries_fts USING fts5(body);")
            .unwrap();
        for id in 1..=2000 {
            let body = if id % 100 == 0 {
                "sparse dense"
            } else {
                "dense"
            };
            conn.execute(
                "INSERT INTO entries_fts (rowid, body) VALUES (?1, ?2)",
                rusqlite::params![id, body],
            )
            .unwrap();
        }
        let found = |expr: &str, plan: Plan, all: bool| read(&conn, expr, plan, all).unwrap();
        assert!(matches!(found("sparse", plans::EACH, false), Found::Set(_)));
        assert!(matches!(found("dense", plans::EACH, false), Found::Many));
        assert!(matches!(found("dense", plans::EACH, true), Found::Set(_)));
        assert!(matches!(found("dense", plans::SET, false), Found::Set(_)));
        assert!(matches!(found("dense", PLAN, false), Found::Few(Some(_))));
        assert!(matches!(
            found("absent", plans::EACH, false),
            Found::Few(None)
        ));
    }
}
