//! What must hold at the end, and the words that must never reach the user: the database's
//! structure and counters, every acknowledged mark and nothing else, and no error in any
//! frame the readers drew or in the log.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::common::sql::rows_of;

use crate::walker::Flags;
use crate::world::{Group, find_token};

/// Words of an error message; none may appear on a screen, on stderr, or in a frame.
const ALARMS: &[&str] = &[
    "locked",
    "busy",
    "in vain",
    "database",
    "failed",
    "Failed",
    "stopped",
    "rror",
    "anick",
    "could not",
];

/// The first alarm word in `text`.
pub fn alarm(text: &str) -> Option<&'static str> {
    ALARMS.iter().copied().find(|w| text.contains(w))
}

/// The text a terminal would print from `raw`, escape sequences left out: every message any
/// frame showed, however briefly, is in it.
pub fn printed(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if !c.is_control() {
                out.push(c);
            }
            continue;
        }
        match chars.next() {
            // CSI: parameters, then one final byte.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ST.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
        // Cursor moves join the pieces of a message drawn around unchanged cells: a space
        // keeps words apart where it does not matter.
        out.push(' ');
    }
    out
}

/// The lines at warning level or above in the log every `tidings` of the run wrote to (the
/// runtime logs every failed effect and refresh there).
pub fn log_warnings(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_else(|e| panic!("no log at {}: {e}", log.display()))
        .lines()
        .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
        .map(str::to_owned)
        .collect()
}

/// A broken invariant, said in one line.
type Checked<T = ()> = Result<T, String>;

fn none(conn: &Connection, what: &str, sql: &str) -> Checked {
    let found = rows_of(conn, sql)?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: {found:?}"))
    }
}

/// Integrity, foreign keys, no duplicate entry, and the kept per-feed counters equal to counts.
pub fn structure(conn: &Connection) -> Checked {
    let integrity = rows_of(conn, "PRAGMA integrity_check")?;
    if integrity != ["Text(\"ok\")"] {
        return Err(format!("integrity_check: {integrity:?}"));
    }
    none(conn, "foreign_key_check", "PRAGMA foreign_key_check")?;
    none(
        conn,
        "entries stored twice",
        "SELECT feed_id, key, count(*) FROM entries GROUP BY feed_id, key HAVING count(*) > 1",
    )?;
    none(
        conn,
        "titles stored twice",
        "SELECT title, count(*) FROM entries GROUP BY title HAVING count(*) > 1",
    )?;
    none(
        conn,
        "kept counters that differ from the entries (id, kept, counted)",
        "SELECT f.id, f.entry_count, f.unread_count, f.starred_count, \
                (SELECT count(*) FROM entries e WHERE e.feed_id = f.id) AS n, \
                (SELECT count(*) FROM entries e WHERE e.feed_id = f.id AND e.read = 0) AS u, \
                (SELECT count(*) FROM entries e WHERE e.feed_id = f.id AND e.starred = 1) AS s \
         FROM feeds f WHERE f.entry_count != n OR f.unread_count != u OR f.starred_count != s",
    )
}

/// The stored entries: token → (whole title, flags).
pub fn stored(conn: &Connection) -> Checked<HashMap<String, (String, Flags)>> {
    let mut stmt = conn
        .prepare("SELECT title, read, starred FROM entries")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(|e| e.to_string())?;
    rows.into_iter()
        .map(|(title, read, starred)| {
            let (token, _) = find_token(&title).ok_or(format!("a stranger: {title:?}"))?;
            Ok((token, (title, (read, starred))))
        })
        .collect()
}

/// What the database must hold at the end: every served entry under its title, and the flags
/// of each as last acknowledged (`expected`, by group; unread and not starred if absent).
pub fn final_state(
    db: &Path,
    titles: &HashMap<String, String>,
    groups: &HashMap<String, Group>,
    expected: &HashMap<Group, HashMap<String, Flags>>,
) -> Checked<usize> {
    let conn = Connection::open(db).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    structure(&conn)?;
    let stored = stored(&conn)?;
    if stored.len() != titles.len() {
        let missing: Vec<_> = titles.keys().filter(|t| !stored.contains_key(*t)).collect();
        let extra: Vec<_> = stored.keys().filter(|t| !titles.contains_key(*t)).collect();
        return Err(format!(
            "{} entries stored, {} served; missing {missing:?}, unknown {extra:?}",
            stored.len(),
            titles.len()
        ));
    }
    let mut wrong = Vec::new();
    for (token, (title, flags)) in &stored {
        if titles.get(token) != Some(title) {
            wrong.push(format!(
                "{token}: title {title:?}, served {:?}",
                titles.get(token)
            ));
        }
        let group = groups[token];
        let want = expected[&group].get(token).copied().unwrap_or_default();
        if *flags != want {
            wrong.push(format!(
                "{token}: (read, starred) = {flags:?}, last acknowledged {want:?}"
            ));
        }
    }
    if wrong.is_empty() {
        Ok(stored.len())
    } else {
        wrong.sort();
        Err(format!(
            "{} entries wrong: {}",
            wrong.len(),
            wrong.join("; ")
        ))
    }
}
