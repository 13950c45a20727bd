//! An `EntryFilter` (with its query) as a WHERE clause over `entries e`, shaped so that the
//! planner walks one of the stream indexes in order and never sorts.
//!
//! - `read = 0` / `starred = 1` are literals, so the partial indexes can be picked.
//! - `feed:` and `tag:` are resolved here to sets of feed ids (Unicode case folding, which
//!   SQL's `lower` lacks). One feed becomes `feed_id = ?` (the per-feed stream index); several
//!   become a membership test with a unary `+`, which keeps the planner from looking each feed
//!   up and sorting the union.
//! - Words and phrases are one FTS5 match each way (`search::match_expressions`), tested by
//!   membership (`+e.id IN (…)`), again so that the walk stays in stream order.
//! - Relative times are resolved against `now`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rusqlite::{Connection, types::Value};

use super::exclude;
use super::search::match_expressions;
use crate::model::EntryFilter;
use crate::model::query::{Query, TermKind};

/// A WHERE clause and its positional parameters (`?1`…), or the knowledge that nothing matches.
#[derive(Debug, Default)]
pub(super) struct Clause {
    terms: Vec<String>,
    pub args: Vec<Value>,
    /// Some term can match nothing (`feed:` naming no feed): no need to ask.
    pub nothing: bool,
    /// Sets of ids the SQL looks up, kept alive while the clause is.
    exclusions: Vec<exclude::Held>,
}

impl Clause {
    /// Adds a condition whose `{}` placeholders take the next parameters, in order.
    pub fn push(&mut self, sql: &str, args: impl IntoIterator<Item = Value>) {
        let mut out = String::with_capacity(sql.len() + 4);
        let mut args = args.into_iter();
        for (i, part) in sql.split("{}").enumerate() {
            if i > 0 {
                if let Some(arg) = args.next() {
                    self.args.push(arg);
                }
                let _ = write!(out, "?{}", self.args.len());
            }
            out.push_str(part);
        }
        self.terms.push(out);
    }

    pub fn sql(&self) -> String {
        if self.terms.is_empty() {
            "1".to_owned()
        } else {
            self.terms.join(" AND ")
        }
    }
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// Case folding for names (tags are stored folded the same way).
pub(super) fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// `%needle%` for LIKE, with LIKE's own characters escaped by `\`.
fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Ids as one JSON array, one parameter for `IN (SELECT value FROM json_each(?))`.
pub(super) fn json_ids(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

fn id_list(ids: &BTreeSet<i64>) -> Value {
    text(json_ids(ids.iter().copied()))
}

/// The feeds a `feed:` term names: title (the user's or the feed's own) or URL contains it.
fn feeds_named(conn: &Connection, name: &str) -> rusqlite::Result<BTreeSet<i64>> {
    let needle = fold(name);
    let mut stmt = conn.prepare_cached(
        "SELECT id, COALESCE(user_title, ''), COALESCE(title, ''), url FROM feeds",
    )?;
    let mut rows = stmt.query([])?;
    let mut ids = BTreeSet::new();
    while let Some(row) = rows.next()? {
        let texts = [row.get_ref(1)?, row.get_ref(2)?, row.get_ref(3)?];
        if texts
            .iter()
            .any(|t| t.as_str().is_ok_and(|t| fold(t).contains(&needle)))
        {
            ids.insert(row.get(0)?);
        }
    }
    Ok(ids)
}

fn feeds_tagged(conn: &Connection, tag: &str) -> rusqlite::Result<BTreeSet<i64>> {
    let mut stmt = conn.prepare_cached("SELECT feed_id FROM feed_tags WHERE folded = ?1")?;
    stmt.query_map([fold(tag)], |r| r.get(0))?.collect()
}

/// The feed-level part of a filter: which feeds must (all of) and must not hold.
fn feed_terms(
    conn: &Connection,
    filter: &EntryFilter,
    query: &Query,
    clause: &mut Clause,
) -> rusqlite::Result<()> {
    let mut allowed: Option<BTreeSet<i64>> = filter.feed.map(|f| BTreeSet::from([f.0]));
    let mut excluded = BTreeSet::new();
    for term in &query.terms {
        let ids = match &term.kind {
            TermKind::Feed(name) => feeds_named(conn, name)?,
            TermKind::Tag(tag) => feeds_tagged(conn, tag)?,
            _ => continue,
        };
        if term.negated {
            excluded.extend(ids);
        } else {
            allowed = Some(match allowed {
                Some(a) => a.intersection(&ids).copied().collect(),
                None => ids,
            });
        }
    }
    match allowed {
        Some(mut ids) => {
            ids.retain(|id| !excluded.contains(id));
            match ids.len() {
                0 => clause.nothing = true,
                1 => clause.push("e.feed_id = {}", ids.into_iter().map(int)),
                _ => clause.push(
                    "+e.feed_id IN (SELECT value FROM json_each({}))",
                    [id_list(&ids)],
                ),
            }
        }
        None if !excluded.is_empty() => clause.push(
            "e.feed_id NOT IN (SELECT value FROM json_each({}))",
            [id_list(&excluded)],
        ),
        None => {}
    }
    Ok(())
}

/// Up to this many search matches are fetched by id and sorted; beyond, the stream is walked
/// in order and each entry checked against the index. Either way a page costs about the same
/// however big the database: reading at most this many ids from the index (a few ms), or
/// checking entries until a page is full, which takes few checks when matches are this common.
pub(super) const FEW_MATCHES: usize = 10_000;

/// The ids matching `expr` when there are at most `few`, else `None`.
fn few_matches(
    conn: &Connection,
    expr: &str,
    few: usize,
) -> rusqlite::Result<Option<BTreeSet<i64>>> {
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1 LIMIT ?2")?;
    let limit = i64::try_from(few + 1).unwrap_or(i64::MAX);
    let ids: BTreeSet<i64> = stmt
        .query_map(rusqlite::params![expr, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((ids.len() <= few).then_some(ids))
}

/// Entries must match `expr`: by id when few do, else checked entry by entry.
fn wanted_terms(
    conn: &Connection,
    expr: &str,
    few: usize,
    clause: &mut Clause,
) -> rusqlite::Result<()> {
    match few_matches(conn, expr, few)? {
        Some(ids) if ids.is_empty() => clause.nothing = true,
        // Few: fetch those entries by id and sort them.
        Some(ids) => clause.push("e.id IN (SELECT value FROM json_each({}))", [id_list(&ids)]),
        // Many: walk the stream in order and check each entry, until the page is full.
        None => clause.push(
            "EXISTS (SELECT 1 FROM entries_fts WHERE entries_fts MATCH {} AND rowid = e.id)",
            [text(expr.to_owned())],
        ),
    }
    Ok(())
}

/// The clause for `filter` (cursor and mark conditions are added by the callers).
pub(super) fn build(conn: &Connection, filter: &EntryFilter, now: i64) -> rusqlite::Result<Clause> {
    build_with(conn, filter, now, FEW_MATCHES)
}

/// [`build`], with searches matching more than `few` entries checked entry by entry.
pub(super) fn build_with(
    conn: &Connection,
    filter: &EntryFilter,
    now: i64,
    few: usize,
) -> rusqlite::Result<Clause> {
    let mut clause = Clause::default();
    if filter.unread_only {
        clause.push("e.read = 0", []);
    }
    if filter.starred_only {
        clause.push("e.starred = 1", []);
    }
    let query = &filter.query;
    feed_terms(conn, filter, query, &mut clause)?;
    for term in &query.terms {
        let not = term.negated;
        match &term.kind {
            TermKind::Unread => clause.push(if not { "e.read = 1" } else { "e.read = 0" }, []),
            TermKind::Starred => clause.push(
                if not {
                    "e.starred = 0"
                } else {
                    "e.starred = 1"
                },
                [],
            ),
            TermKind::Since(w) | TermKind::Before(w) => {
                let since = matches!(term.kind, TermKind::Since(_));
                let op = if since == not { "<" } else { ">=" };
                clause.push(&format!("e.published {op} {{}}"), [int(w.resolve(now))]);
            }
            TermKind::Author(name) => clause.push(
                if not {
                    "(e.author IS NULL OR e.author NOT LIKE {} ESCAPE '\\')"
                } else {
                    "e.author LIKE {} ESCAPE '\\'"
                },
                [text(like_pattern(name))],
            ),
            TermKind::Feed(_) | TermKind::Tag(_) | TermKind::Word(_) | TermKind::Phrase(_) => {}
        }
    }
    match match_expressions(query) {
        // FTS5 leaves the unwanted out as it reads the wanted: one expression.
        (Some(wanted), Some(unwanted)) => {
            wanted_terms(
                conn,
                &format!("({wanted}) NOT ({unwanted})"),
                few,
                &mut clause,
            )?;
        }
        (Some(wanted), None) => wanted_terms(conn, &wanted, few, &mut clause)?,
        (None, Some(unwanted)) => match few_matches(conn, &unwanted, few)? {
            Some(ids) if ids.is_empty() => {}
            Some(ids) => clause.push(
                "e.id NOT IN (SELECT value FROM json_each({}))",
                [id_list(&ids)],
            ),
            // Most entries match: walk the stream and skip them with one read of the matches.
            None => {
                let held = exclude::matching(conn, &unwanted)?;
                clause.push("NOT tidings_excluded({}, e.id)", [int(held.key)]);
                clause.exclusions.push(held);
            }
        },
        (None, None) => {}
    }
    Ok(clause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_in_order() {
        let mut c = Clause::default();
        c.push("e.read = 0", []);
        c.push("(e.published, e.id) < ({}, {})", [int(5), int(6)]);
        c.push("e.author LIKE {}", [text("%x%")]);
        assert_eq!(
            c.sql(),
            "e.read = 0 AND (e.published, e.id) < (?1, ?2) AND e.author LIKE ?3"
        );
        assert_eq!(c.args.len(), 3);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
