//! Sets of entry ids that SQL looks up while it walks the stream in order: the matches of a
//! search too many to list by id (`41*` in 22 000 of a million entries) and too few for the
//! walk to find them quickly by asking the search index entry by entry; and the matches of a
//! negated word (`-river` when nearly every entry says river), which would otherwise make
//! SQL build a temporary index of every match for each page (140 ms at a million entries).
//!
//! A set is an eighth of a byte per entry id. The SQL function `tidings_in(key, id)` finds it
//! through a registry of weak references, by a key no other search or generation of the data
//! shares, so a stale set can never answer for a newer search; it lives as long as a clause or
//! the store's memo (`memo.rs`) holds it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

/// Entry ids as bits.
#[derive(Debug, Default)]
pub(super) struct IdSet {
    words: Vec<u64>,
}

impl IdSet {
    pub fn insert(&mut self, id: i64) {
        let Ok(id) = usize::try_from(id) else { return };
        let word = id / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (id % 64);
    }

    fn contains(&self, id: i64) -> bool {
        usize::try_from(id).is_ok_and(|id| {
            self.words
                .get(id / 64)
                .is_some_and(|w| w & (1 << (id % 64)) != 0)
        })
    }
}

/// A set kept alive by the clauses that use it (and `memo`, which remembers it for the next
/// page), and the key the SQL function finds it by.
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub key: i64,
    _set: Arc<IdSet>,
}

static NEXT_KEY: AtomicI64 = AtomicI64::new(1);
static SETS: Mutex<Vec<(i64, Weak<IdSet>)>> = Mutex::new(Vec::new());

impl Held {
    /// Registers `set` under a fresh key.
    pub fn new(set: IdSet) -> Self {
        let set = Arc::new(set);
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        let mut sets = SETS.lock().unwrap_or_else(PoisonError::into_inner);
        sets.retain(|(_, weak)| weak.strong_count() > 0);
        sets.push((key, Arc::downgrade(&set)));
        Self { key, _set: set }
    }
}

fn find(key: i64) -> Option<Arc<IdSet>> {
    let sets = SETS.lock().unwrap_or_else(PoisonError::into_inner);
    sets.iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, weak)| weak.upgrade())
}

/// Defines `tidings_in(key, id)` on `conn`: whether `id` is in the set held under `key`.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "tidings_in",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            // Looked up once per statement run: SQLite keeps it beside the constant key.
            let set = ctx.get_or_create_aux(0, |key| {
                key.as_i64()
                    .ok()
                    .and_then(find)
                    .ok_or("a search's matches were dropped before it ran")
            })?;
            Ok(set.contains(ctx.get(1)?))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_members_once_inserted() {
        let mut set = IdSet::default();
        for id in [0, 1, 63, 64, 1_000_003] {
            set.insert(id);
        }
        set.insert(-5);
        for id in [0, 1, 63, 64, 1_000_003] {
            assert!(set.contains(id), "{id}");
        }
        for id in [2, 62, 65, 1_000_002, 5_000_000, -5] {
            assert!(!set.contains(id), "{id}");
        }
    }

    #[test]
    fn a_dropped_set_is_never_found() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let mut set = IdSet::default();
        set.insert(3);
        let held = Held::new(set);
        let ask = |key: i64, id: i64| {
            conn.query_row("SELECT tidings_in(?1, ?2)", [key, id], |r| {
                r.get::<_, bool>(0)
            })
        };
        assert!(ask(held.key, 3).unwrap());
        assert!(!ask(held.key, 4).unwrap());
        let key = held.key;
        drop(held);
        let err = ask(key, 3).unwrap_err().to_string();
        assert!(err.contains("dropped"), "{err}");
    }
}
