//! The full-text index (`entries_fts`, FTS5, contentless): keeping it in step with the entries,
//! filling it for a database that had none, and turning a query's words and phrases into FTS5
//! match expressions that no user text can break.

use rusqlite::{Transaction, params};

use super::text::html_to_text;
use crate::model::query::{Query, TermKind};

/// Indexes one entry under its id: its title, author and `text` (its body as `html_to_text`
/// gives it). `replace`: the entry was indexed before (a content update).
pub(super) fn index_entry(
    tx: &Transaction<'_>,
    id: i64,
    title: &str,
    author: Option<&str>,
    text: &str,
    replace: bool,
) -> rusqlite::Result<()> {
    if replace {
        tx.prepare_cached("DELETE FROM entries_fts WHERE rowid = ?1")?
            .execute([id])?;
    }
    tx.prepare_cached(
        "INSERT INTO entries_fts (rowid, title, author, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, title, author.unwrap_or(""), text])?;
    Ok(())
}

/// Indexes every entry (the Rust step of migration 3).
pub(super) fn backfill(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let count: i64 = tx.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
    tracing::info!("indexing {count} entries for search");
    let mut read = tx.prepare(
        "SELECT e.id, e.title, e.author, b.html FROM entries e \
         LEFT JOIN entry_bodies b ON b.entry_id = e.id",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let author: Option<String> = row.get(2)?;
        index_entry(
            tx,
            row.get(0)?,
            &row.get::<_, String>(1)?,
            author.as_deref(),
            &html_to_text(&super::body::column(row, 3)?),
            false,
        )?;
    }
    Ok(())
}

/// One word or phrase as an FTS5 string: quoted (quotes doubled), so FTS5 operators and
/// punctuation in it are plain text; a word's trailing `*` stays outside as a prefix search.
pub(super) fn fts_string(kind: &TermKind) -> Option<String> {
    let (column, text, prefix) = match kind {
        TermKind::Word(w) => match w.strip_suffix('*') {
            Some(stem) => ("", stem, true),
            None => ("", w.as_str(), false),
        },
        TermKind::Phrase(p) => ("", p.as_str(), false),
        // The column's name (a constant) before the string: only that column is searched.
        TermKind::Title(t) | TermKind::Content(t) => {
            let column = if matches!(kind, TermKind::Title(_)) {
                "title : "
            } else {
                "body : "
            };
            match t.strip_suffix('*') {
                Some(stem) => (column, stem, true),
                None => (column, t.as_str(), false),
            }
        }
        _ => return None,
    };
    // A string with no letter or digit is an empty phrase to FTS5: nothing to look for.
    if !text.chars().any(char::is_alphanumeric) {
        return None;
    }
    let quoted = format!("{column}\"{}\"", text.replace('"', "\"\""));
    Some(if prefix { quoted + "*" } else { quoted })
}

/// The match expressions for a query's words and phrases: every one of the plain ones (all must
/// match), and any of the negated ones (none may match).
pub(super) fn match_expressions(query: &Query) -> (Option<String>, Option<String>) {
    let mut wanted = Vec::new();
    let mut unwanted = Vec::new();
    for term in &query.terms {
        if let Some(s) = fts_string(&term.kind) {
            if term.negated {
                unwanted.push(s);
            } else {
                wanted.push(s);
            }
        }
    }
    let join = |v: Vec<String>, op: &str| (!v.is_empty()).then(|| v.join(op));
    (join(wanted, " AND "), join(unwanted, " OR "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::query::parse;

    #[test]
    fn user_text_is_always_quoted() {
        let q = parse("rust tok* \"a b\" -java -\"x y\" AND NOT\" NEAR(").unwrap();
        let (wanted, unwanted) = match_expressions(&q);
        assert_eq!(
            wanted.as_deref(),
            Some("\"rust\" AND \"tok\"* AND \"a b\" AND \"AND\" AND \"NOT\" AND \"NEAR\"")
        );
        assert_eq!(unwanted.as_deref(), Some("\"java\" OR \"x y\""));
        assert_eq!(
            match_expressions(&parse("unread feed:x").unwrap()),
            (None, None)
        );
    }
}
