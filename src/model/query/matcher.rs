//! A query checked against one entry in memory, as rules check each entry being stored
//! (issue #20): the same meaning as the store's SQL for the same query, without a database.
//! Words and phrases are matched on tokens made as the search index makes them (runs of
//! letters and digits, case folded, diacritics removed), within one of title, author and body;
//! a run of words is one substring search in the text's tokens (`tokens`).

use std::cell::OnceCell;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{Field, Query, TermKind};

/// An entry as a rule sees it while it is stored, with the marks rules gave it so far.
#[derive(Debug, Default)]
pub struct Candidate<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    pub link: Option<&'a str>,
    /// The body as plain text.
    pub text: &'a str,
    /// The feed's names a `feed:` term looks in: the user's title, the feed's own, its URL.
    pub feed_names: [&'a str; 3],
    /// The feed's tags, case folded.
    pub tags: &'a [String],
    /// Unix seconds.
    pub published: i64,
    pub read: bool,
    pub starred: bool,
    pub hidden: bool,
    /// Labels given so far, case folded.
    pub labels: Vec<String>,
    pub enclosures: &'a [crate::model::Enclosure],
    /// Made when first needed: leave it `Tokens::default()`.
    pub tokens: Tokens,
}

/// The title's, author's and body's tokens, made when a word is first looked for.
#[derive(Debug, Default)]
pub struct Tokens([OnceCell<String>; 3]);

/// Which text a word is looked for in.
#[derive(Clone, Copy)]
enum Column {
    Title = 0,
    Author = 1,
    Body = 2,
}

impl Candidate<'_> {
    fn tokens(&self, column: Column) -> &str {
        self.tokens.0[column as usize].get_or_init(|| match column {
            Column::Title => tokens(self.title),
            Column::Author => tokens(self.author.unwrap_or("")),
            Column::Body => tokens(self.text),
        })
    }

    /// Whether the words of `text` (a trailing `*`: the last is a prefix) appear in this order
    /// in one of `columns`.
    fn has_words(&self, text: &str, columns: &[Column]) -> bool {
        let (text, prefix) = match text.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (text, false),
        };
        let wanted = tokens(text);
        if wanted.len() <= 2 {
            // Nothing the index could find: the store ignores such a term too.
            return true;
        }
        // " a b " is found whole; " a b" with a prefix (the last word may go on).
        let needle = if prefix {
            &wanted[..wanted.len() - 1]
        } else {
            &wanted[..]
        };
        columns
            .iter()
            .any(|&c| memchr::memmem::find(self.tokens(c).as_bytes(), needle.as_bytes()).is_some())
    }
}

/// Folds `s` as names are folded for matching.
fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// The search index's tokens of `s` (runs of letters and digits, lower-cased, without
/// marks), each between single spaces: `" a b "`, or `" "` for none. A run of words is then
/// a substring: one search, no allocation per word (a body is thousands of them, and fifty
/// rules look in it).
pub(crate) fn tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if c.is_alphanumeric() {
            out.extend(
                c.to_lowercase()
                    .flat_map(UnicodeNormalization::nfd)
                    .filter(|d| !is_combining_mark(*d)),
            );
        } else if is_combining_mark(c) {
            // A mark on the letter before it: part of the word, and removed.
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether every term of `query` holds for `c`; relative times are taken from `now`.
pub fn holds(query: &Query, c: &Candidate<'_>, now: i64) -> bool {
    query
        .terms
        .iter()
        .all(|t| term_holds(&t.kind, c, now) != t.negated)
}

fn term_holds(kind: &TermKind, c: &Candidate<'_>, now: i64) -> bool {
    match kind {
        TermKind::Unread => !c.read,
        TermKind::Starred => c.starred,
        TermKind::Hidden => c.hidden,
        // Being stored now, it is new.
        TermKind::New => true,
        TermKind::Label(name) => {
            let name = fold(name);
            c.labels.contains(&name)
        }
        TermKind::Enclosure(wanted) => c
            .enclosures
            .iter()
            .any(|e| crate::model::enclosure::type_matches(e.mime.as_deref(), wanted)),
        TermKind::Feed(name) => {
            let name = fold(name);
            c.feed_names.iter().any(|n| fold(n).contains(&name))
        }
        TermKind::Tag(tag) => {
            let tag = fold(tag);
            c.tags.contains(&tag)
        }
        TermKind::Author(part) => c.author.is_some_and(|a| fold(a).contains(&fold(part))),
        TermKind::Link(part) => c.link.is_some_and(|l| fold(l).contains(&fold(part))),
        TermKind::Matches(field, pattern) => match field {
            Field::Title => pattern.is_match(c.title),
            Field::Author => c.author.is_some_and(|a| pattern.is_match(a)),
            Field::Link => c.link.is_some_and(|l| pattern.is_match(l)),
        },
        TermKind::Since(w) => c.published >= w.resolve(now),
        TermKind::Before(w) => c.published < w.resolve(now),
        TermKind::Title(text) => c.has_words(text, &[Column::Title]),
        TermKind::Content(text) => c.has_words(text, &[Column::Body]),
        TermKind::Word(text) | TermKind::Phrase(text) => {
            c.has_words(text, &[Column::Title, Column::Author, Column::Body])
        }
        TermKind::Any(alternatives) => alternatives.iter().any(|q| holds(q, c, now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::query::parse;

    fn entry(tags: &[String]) -> Candidate<'_> {
        Candidate {
            title: "[AD] Rust 2.0 released: Café edition",
            author: Some("Ann Example"),
            link: Some("https://Example.com/ads/rust"),
            text: "The error-handling chapter was rewritten.",
            feed_names: ["", "This Week in Rust", "https://this-week.example/feed"],
            tags,
            published: 1_000_000,
            ..Candidate::default()
        }
    }

    fn check(q: &str, c: &Candidate<'_>) -> bool {
        holds(&parse(q).unwrap(), c, 1_000_000 + 3600)
    }

    #[test]
    fn every_term_means_what_the_store_makes_it_mean() {
        let tags = vec!["rust".to_owned(), "news".to_owned()];
        let c = entry(&tags);
        let yes = [
            "",
            "unread",
            "new",
            "-starred",
            "-hidden",
            "feed:\"week in\"",
            "feed:this-week.example",
            "tag:RUST",
            "author:ann",
            "link:example.com/ads",
            "title:/^\\[ad\\]/",
            "link:/\\/ads\\//",
            "title:rust",
            "title:\"rust 2\"",
            "title:cafe",
            "title:CAFÉ",
            "content:\"error handling\"",
            "rewrit*",
            "\"ann example\"",
            "since:2h",
            "before:2024-01-01",
            "(tag:go or tag:news) unread",
            "-(tag:go or tag:java)",
        ];
        for q in yes {
            assert!(check(q, &c), "{q} should hold");
        }
        let no = [
            "starred",
            "read",
            "hidden",
            "label:later",
            "feed:lwn",
            "tag:rus",
            "author:bob",
            "title:/^rust/",
            "author:/^ann$/",
            "title:error",
            "content:rust",
            "\"handling error\"",
            "\"ann rust\"",
            "since:30m",
            "(tag:go or tag:java)",
            "-(tag:rust)",
        ];
        for q in no {
            assert!(!check(q, &c), "{q} should not hold");
        }
    }

    #[test]
    fn marks_given_by_earlier_rules_count() {
        let c = Candidate {
            read: true,
            labels: vec!["later".into()],
            ..Candidate::default()
        };
        assert!(check("read label:LATER", &c));
        assert!(!check("unread", &c));
    }

    #[test]
    fn tokens_split_fold_and_drop_marks() {
        assert_eq!(
            tokens("Ünïcode-Café's e\u{301}t\u{e9} 42x"),
            " unicode cafe s ete 42x "
        );
        assert_eq!(tokens(""), " ");
        assert_eq!(tokens("  --  "), " ");
    }
}
