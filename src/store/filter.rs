//! An `EntryFilter` (with its query) as a WHERE clause over `entries e`, shaped so that the
//! planner walks one of the stream indexes in order and never sorts.
//!
//! - `read = 0` / `starred = 1` are literals, so the partial indexes can be picked.
//! - `feed:` and `tag:` are resolved here to sets of feed ids (Unicode case folding, which
//!   SQL's `lower` lacks). One feed becomes `feed_id = ?` (the per-feed stream index); several
//!   become a membership test with a unary `+`, which keeps the planner from looking each feed
//!   up and sorting the union.
//! - Words and phrases are one FTS5 match each way (`search::match_expressions`). What the
//!   index says about it is remembered (`memo`) and decides the shape: few matches are fetched
//!   by id and sorted; more are a set of ids looked up as the stream is walked in order; dense
//!   ones are checked against the index entry by entry on that walk. A negated word's matches
//!   are left out by id or through the set.
//! - Relative times are resolved against `now`.
//! - Hidden entries are left out (`e.hidden = 0`) unless the query has a `hidden` term
//!   somewhere. The walk reads each row it shows anyway, so this costs nothing on a page.
//! - A story several feeds tell is shown once, by its lead (`e.story IS NULL OR e.story =
//!   e.id`), unless the filter asks for every copy or is one feed's. Checked on the walk, like
//!   `hidden`.
//! - `label:` is a membership test on the label's entries: looked up and sorted when few
//!   carry it, a set checked on the walk in order when many do.
//! - A regular expression is `tidings_regexp` on the column, checked on the walk.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rusqlite::{Connection, types::Value};

use super::Store;
use super::idset::Held;
use super::memo::{Found, Memo, Plan};
use super::search::match_expressions;
use crate::model::EntryFilter;
use crate::model::query::{Field, Query, TermKind};

/// A WHERE clause and its positional parameters (`?1`…), or the knowledge that nothing matches.
#[derive(Debug, Default)]
pub(super) struct Clause {
    terms: Vec<String>,
    pub args: Vec<Value>,
    /// Some term can match nothing (`feed:` naming no feed): no need to ask.
    pub nothing: bool,
    /// Sets of ids the SQL looks up, kept alive while the clause is.
    sets: Vec<Held>,
    /// The entries are few and fetched by id (then sorted), not found on a walk in order.
    pub by_id: bool,
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
/// `enclosure:WANTED` (`has:enclosure` when empty) as a condition on `e`, with its argument:
/// what `model::enclosure::type_matches` says in memory.
fn enclosed(wanted: &str) -> (String, Option<Value>) {
    let base = format!(
        "EXISTS (SELECT 1 FROM enclosures x WHERE x.entry_id = e.id \
         AND x.mime IS NOT '{}'",
        crate::model::enclosure::CHAPTERS
    );
    if wanted.is_empty() {
        (format!("{base})"), None)
    } else if wanted.contains('/') {
        (
            format!("{base} AND x.mime = {{}})"),
            Some(text(wanted.to_owned())),
        )
    } else {
        let prefix = format!("{}/%", wanted.replace(['%', '_', '\\'], ""));
        (format!("{base} AND x.mime LIKE {{}})"), Some(text(prefix)))
    }
}

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

/// Entries carrying a label: more than this are a set looked up on the walk in order; this
/// many or fewer are fetched by id and sorted.
const FEW_LABELLED: i64 = 2000;

/// The entries carrying the label `name`, as a subquery.
const LABELLED: &str = "SELECT el.entry_id FROM entry_labels el JOIN labels l \
     ON l.id = el.label_id WHERE l.folded = {}";

/// Whether more than [`FEW_LABELLED`] entries carry the label `name`.
fn many_labelled(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT count(*) > ?2 FROM (SELECT 1 FROM entry_labels el JOIN labels l \
         ON l.id = el.label_id WHERE l.folded = ?1 LIMIT ?2 + 1)",
    )?
    .query_row(rusqlite::params![fold(name), FEW_LABELLED], |r| r.get(0))
}

/// The column a regular expression is matched against.
fn field_column(field: Field) -> &'static str {
    match field {
        Field::Title => "e.title",
        Field::Author => "e.author",
        Field::Link => "e.link",
    }
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

/// Entries must match `expr`: by id when few do, through a set of ids when more do, else
/// checked entry by entry.
fn wanted_terms(
    conn: &Connection,
    memo: &mut Memo,
    expr: &str,
    plan: Plan,
    clause: &mut Clause,
) -> rusqlite::Result<()> {
    match memo.matches(conn, expr, plan, false)? {
        Found::Few(None) => clause.nothing = true,
        // Few: fetch those entries by id and sort them.
        Found::Few(Some(ids)) => {
            clause.push("e.id IN (SELECT value FROM json_each({}))", [ids]);
            clause.by_id = true;
        }
        // More: walk the stream in order and look each entry up in the set.
        Found::Set(held) => {
            clause.push("tidings_in({}, e.id)", [int(held.key)]);
            clause.sets.push(held);
        }
        // Most entries: walk the stream in order and check each entry, until the page is full.
        Found::Many => clause.push(
            "EXISTS (SELECT 1 FROM entries_fts WHERE entries_fts MATCH {} AND rowid = e.id)",
            [text(expr.to_owned())],
        ),
    }
    Ok(())
}

/// `(A OR B …)` for a group of alternatives onto `sql`, each alternative every one of its
/// terms, with `{}` for each of `args`. Unlike the query's own terms, which are shaped for the
/// stream indexes (see the module docs), these are plain conditions checked entry by entry; a
/// word or phrase is one search of the index, whose matches `SQLite` reads once per statement.
/// The unary `+`s keep `SQLite` from answering the group by looking each alternative up and
/// sorting the union (its OR optimisation), which at a million entries sorts them all.
fn any_of(
    conn: &Connection,
    alternatives: &[Query],
    now: i64,
    sql: &mut String,
    args: &mut Vec<Value>,
) -> rusqlite::Result<()> {
    sql.push('(');
    for (i, alternative) in alternatives.iter().enumerate() {
        if i > 0 {
            sql.push_str(" OR ");
        }
        sql.push('(');
        if alternative.terms.is_empty() {
            sql.push('1');
        }
        for (j, term) in alternative.terms.iter().enumerate() {
            if j > 0 {
                sql.push_str(" AND ");
            }
            if term.negated {
                sql.push_str("NOT ");
            }
            condition(conn, &term.kind, now, sql, args)?;
        }
        sql.push(')');
    }
    sql.push(')');
    Ok(())
}

/// One term, not negated, as a plain condition on `e` (see [`any_of`]).
fn condition(
    conn: &Connection,
    kind: &TermKind,
    now: i64,
    sql: &mut String,
    args: &mut Vec<Value>,
) -> rusqlite::Result<()> {
    match kind {
        TermKind::Unread => sql.push_str("e.read = 0"),
        TermKind::Starred => sql.push_str("e.starred = 1"),
        TermKind::Hidden => sql.push_str("e.hidden = 1"),
        TermKind::Label(name) => {
            let _ = write!(sql, "+e.id IN ({LABELLED})");
            args.push(text(fold(name)));
        }
        TermKind::Enclosure(wanted) => {
            let (sql_part, arg) = enclosed(wanted);
            sql.push_str(&sql_part);
            args.extend(arg);
        }
        TermKind::Matches(field, pattern) => {
            let _ = write!(sql, "tidings_regexp({{}}, {})", field_column(*field));
            args.push(text(pattern.as_str()));
        }
        TermKind::New => sql.push_str(
            "e.first_seen > COALESCE((SELECT value FROM meta WHERE key = 'last_visit'), 0)",
        ),
        TermKind::Since(w) => {
            sql.push_str("e.published >= {}");
            args.push(int(w.resolve(now)));
        }
        TermKind::Before(w) => {
            sql.push_str("e.published < {}");
            args.push(int(w.resolve(now)));
        }
        TermKind::Author(part) | TermKind::Link(part) => {
            let column = if matches!(kind, TermKind::Author(_)) {
                "e.author"
            } else {
                "e.link"
            };
            let _ = write!(sql, "COALESCE({column} LIKE {{}} ESCAPE '\\', 0)");
            args.push(text(like_pattern(part)));
        }
        TermKind::Feed(_) | TermKind::Tag(_) => {
            let ids = match kind {
                TermKind::Feed(name) => feeds_named(conn, name)?,
                TermKind::Tag(tag) => feeds_tagged(conn, tag)?,
                _ => BTreeSet::new(),
            };
            sql.push_str("+e.feed_id IN (SELECT value FROM json_each({}))");
            args.push(id_list(&ids));
        }
        TermKind::Word(_) | TermKind::Phrase(_) | TermKind::Title(_) | TermKind::Content(_) => {
            match super::search::fts_string(kind) {
                Some(expr) => {
                    sql.push_str(
                        "+e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH {})",
                    );
                    args.push(text(expr));
                }
                // Nothing the index could find (never made by parsing): holds for every entry,
                // as an ignored word does.
                None => sql.push('1'),
            }
        }
        TermKind::Any(alternatives) => any_of(conn, alternatives, now, sql, args)?,
    }
    Ok(())
}

/// The condition one term of the query's own (not in a group) adds, shaped for the stream
/// indexes (see the module docs); feed, tag and search terms are added elsewhere.
fn add_term(
    conn: &Connection,
    term: &crate::model::query::Term,
    now: i64,
    clause: &mut Clause,
) -> rusqlite::Result<()> {
    let not = term.negated;
    match &term.kind {
        TermKind::Unread => clause.push(if not { "e.read = 1" } else { "e.read = 0" }, []),
        TermKind::Hidden => clause.push(if not { "e.hidden = 0" } else { "e.hidden = 1" }, []),
        TermKind::Label(name) => {
            // Few: look them up and sort; many: check each on the walk in order.
            let plus = if many_labelled(conn, name)? { "+" } else { "" };
            let not = if not { "NOT " } else { "" };
            clause.push(
                &format!("{not}{plus}e.id IN ({LABELLED})"),
                [text(fold(name))],
            );
        }
        TermKind::Enclosure(wanted) => {
            let (sql, arg) = enclosed(wanted);
            let not = if not { "NOT " } else { "" };
            clause.push(&format!("{not}{sql}"), arg);
        }
        TermKind::Matches(field, pattern) => {
            let not = if not { "NOT " } else { "" };
            clause.push(
                &format!("{not}tidings_regexp({{}}, {})", field_column(*field)),
                [text(pattern.as_str())],
            );
        }
        // New: first seen after the reader was last left (`Store::begin_visit`).
        TermKind::New => clause.push(
            if not {
                "e.first_seen <= COALESCE((SELECT value FROM meta WHERE key = 'last_visit'), 0)"
            } else {
                "e.first_seen > COALESCE((SELECT value FROM meta WHERE key = 'last_visit'), 0)"
            },
            [],
        ),
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
        TermKind::Author(part) | TermKind::Link(part) => {
            let column = if matches!(term.kind, TermKind::Author(_)) {
                "e.author"
            } else {
                "e.link"
            };
            let sql = if not {
                format!("({column} IS NULL OR {column} NOT LIKE {{}} ESCAPE '\\')")
            } else {
                format!("{column} LIKE {{}} ESCAPE '\\'")
            };
            clause.push(&sql, [text(like_pattern(part))]);
        }
        TermKind::Any(alternatives) => {
            let mut sql = String::new();
            let mut args = Vec::new();
            any_of(conn, alternatives, now, &mut sql, &mut args)?;
            let sql = if not { format!("NOT {sql}") } else { sql };
            clause.push(&sql, args);
        }
        TermKind::Feed(_)
        | TermKind::Tag(_)
        | TermKind::Word(_)
        | TermKind::Phrase(_)
        | TermKind::Title(_)
        | TermKind::Content(_) => {}
    }
    Ok(())
}

/// The clause for `filter` (cursor and mark conditions are added by the callers).
pub(super) fn build(store: &Store, filter: &EntryFilter, now: i64) -> rusqlite::Result<Clause> {
    build_with(store, filter, now, super::memo::PLAN)
}

/// [`build`], with a search's matches looked up as `plan` says.
pub(super) fn build_with(
    store: &Store,
    filter: &EntryFilter,
    now: i64,
    plan: Plan,
) -> rusqlite::Result<Clause> {
    let conn = &store.conn;
    let mut clause = Clause::default();
    if filter.unread_only {
        clause.push("e.read = 0", []);
    }
    if filter.starred_only {
        clause.push("e.starred = 1", []);
    }
    let query = &filter.query;
    if !filter.with_hidden && !query.mentions_hidden() {
        clause.push("e.hidden = 0", []);
    }
    if !filter.with_copies && filter.feed.is_none() {
        clause.push("(e.story IS NULL OR e.story = e.id)", []);
    }
    feed_terms(conn, filter, query, &mut clause)?;
    for term in &query.terms {
        add_term(conn, term, now, &mut clause)?;
    }
    let (wanted, unwanted) = match_expressions(query);
    if wanted.is_none() && unwanted.is_none() {
        return Ok(clause);
    }
    let mut memo = store.searches.borrow_mut();
    let memo = memo.at(store.generation()?);
    match (wanted, unwanted) {
        // FTS5 leaves the unwanted out as it reads the wanted: one expression.
        (Some(wanted), Some(unwanted)) => {
            let expr = format!("({wanted}) NOT ({unwanted})");
            wanted_terms(conn, memo, &expr, plan, &mut clause)?;
        }
        (Some(wanted), None) => wanted_terms(conn, memo, &wanted, plan, &mut clause)?,
        (None, Some(unwanted)) => match memo.matches(conn, &unwanted, plan, true)? {
            Found::Few(None) | Found::Many => {}
            Found::Few(Some(ids)) => {
                clause.push("e.id NOT IN (SELECT value FROM json_each({}))", [ids]);
            }
            // Many entries match: walk the stream and skip them with one read of the matches.
            Found::Set(held) => {
                clause.push("NOT tidings_in({}, e.id)", [int(held.key)]);
                clause.sets.push(held);
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
