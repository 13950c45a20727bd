//! The filter language typed on the filter line (`/`), given to `tidings entries --query` and
//! kept in saved views: `unread`, `starred`, `feed:NAME`, `tag:NAME`, `author:NAME`,
//! `title:WORDS`, `content:WORDS`, `link:TEXT`, `label:NAME`, `hidden`, a regular expression on
//! a title, author or link (`title:/^\[ad\]/`), `since:7d`, `before:2024-05-01`, free words and `"phrases"` (searched in titles, authors and
//! bodies), `-` before any term to negate it, `or` between alternatives and parentheses to
//! group them. Every term must hold. Pure; uses nothing else.

use std::fmt;

mod matcher;
mod parse;
mod pattern;

pub use matcher::{Candidate, Tokens, holds};
pub use parse::{MAX_DEPTH, parse};
pub use pattern::{MAX_PATTERN, Pattern};

/// A named filter from the config, like newsboat's query feeds or elfeed's bookmarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub name: String,
    pub query: Query,
    /// The order its entries come in.
    pub sort: super::Sort,
}

/// A parsed filter: every term must hold. The empty query matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub negated: bool,
    pub kind: TermKind,
}

/// What a term asks for. Names match case-insensitively as substrings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermKind {
    Unread,
    Starred,
    /// Hidden by a rule. Hidden entries are out of every view whose query has no `hidden` term.
    Hidden,
    /// The entry carries this label (exactly, ignoring case).
    Label(String),
    /// A regular expression (case ignored unless it says `(?-i)`) matches this field.
    Matches(Field, Pattern),
    /// First seen since the reader was last left (`new`).
    New,
    /// The feed's title or URL contains this.
    Feed(String),
    /// The feed carries this tag (exactly, ignoring case).
    Tag(String),
    /// The entry's author contains this.
    Author(String),
    /// These words, in this order, in the title (a trailing `*`: the last is a prefix).
    Title(String),
    /// These words, in this order, in the body's text (not the title or author).
    Content(String),
    /// The entry's link contains this (ASCII case ignored).
    Link(String),
    /// Published at or after.
    Since(When),
    /// Published before.
    Before(When),
    /// A word (or prefix with a trailing `*`) in the title, author or body.
    Word(String),
    /// Words in this order in the title, author or body.
    Phrase(String),
    /// An enclosure of this type: `audio` (any `audio/…`) or a whole `type/subtype`; empty
    /// for any enclosure (`has:enclosure`). Chapters files do not count.
    Enclosure(String),
    /// At least one of these holds (`a or b`, each alternative every one of its terms);
    /// negated, none does. Parsing makes at least two, but for `-(a b)`, which is one.
    Any(Vec<Query>),
}

/// A field a regular expression can be matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Author,
    Link,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Author => "author",
            Field::Link => "link",
        }
    }
}

/// A point in time as written in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// This many seconds before the moment the query runs (`7d`, `12h`, `2w`, `30m`).
    Ago(i64),
    /// A Unix time (`2024-05-01`, midnight UTC).
    At(i64),
}

impl When {
    /// Unix seconds, with `now` for relative times.
    pub fn resolve(self, now: i64) -> i64 {
        match self {
            When::Ago(secs) => now.saturating_sub(secs),
            When::At(t) => t,
        }
    }
}

/// Why a query could not be read: the message, and the byte offset it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at column {})", at + 1)]
pub struct QueryError {
    pub message: String,
    pub at: usize,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a `hidden` term appears anywhere (negated or not, in any group): then hidden
    /// entries are not left out of the view for being hidden.
    pub fn mentions_hidden(&self) -> bool {
        self.terms.iter().any(|t| match &t.kind {
            TermKind::Hidden => true,
            TermKind::Any(alternatives) => alternatives.iter().any(Query::mentions_hidden),
            _ => false,
        })
    }

    /// The words and phrases searched for (not negated, in any alternative), for highlighting
    /// matches.
    pub fn search_terms(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for term in self.terms.iter().filter(|t| !t.negated) {
            match &term.kind {
                TermKind::Word(w) => out.push(w.trim_end_matches('*')),
                TermKind::Phrase(p) | TermKind::Title(p) | TermKind::Content(p) => {
                    out.push(p.trim_end_matches('*'));
                }
                TermKind::Any(alternatives) => {
                    out.extend(alternatives.iter().flat_map(Query::search_terms));
                }
                _ => {}
            }
        }
        out.retain(|s| !s.is_empty());
        out
    }
}

impl fmt::Display for Query {
    /// The canonical text of the query; parsing it gives the same query back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{term}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negated {
            f.write_str("-")?;
        }
        match &self.kind {
            TermKind::Unread => f.write_str("unread"),
            TermKind::Starred => f.write_str("starred"),
            TermKind::New => f.write_str("new"),
            TermKind::Hidden => f.write_str("hidden"),
            TermKind::Label(s) => write!(f, "label:{}", quoted(s)),
            TermKind::Enclosure(s) if s.is_empty() => f.write_str("has:enclosure"),
            TermKind::Enclosure(s) => write!(f, "enclosure:{s}"),
            TermKind::Matches(field, p) => write!(f, "{}:/{}/", field.name(), p.as_str()),
            TermKind::Feed(s) => write!(f, "feed:{}", quoted(s)),
            TermKind::Tag(s) => write!(f, "tag:{}", quoted(s)),
            TermKind::Author(s) => write!(f, "author:{}", quoted_text(s)),
            TermKind::Title(s) => write!(f, "title:{}", quoted_text(s)),
            TermKind::Content(s) => write!(f, "content:{}", quoted(s)),
            TermKind::Link(s) => write!(f, "link:{}", quoted_text(s)),
            TermKind::Since(w) => write!(f, "since:{}", when(*w)),
            TermKind::Before(w) => write!(f, "before:{}", when(*w)),
            TermKind::Word(s) => f.write_str(s),
            TermKind::Phrase(s) => write!(f, "\"{s}\""),
            TermKind::Any(alternatives) => {
                f.write_str("(")?;
                for (i, q) in alternatives.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{q}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A title, author or link value: one that starts with `/` would read as a regular expression
/// (it cannot contain a quote: parsed unquoted, it would have been one).
fn quoted_text(s: &str) -> String {
    if s.starts_with('/') {
        format!("\"{s}\"")
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    // An unquoted value ends at a space or at a `)`, which may close a group.
    if s.contains(|c: char| c.is_whitespace() || c == ')') {
        format!("\"{s}\"")
    } else {
        s.to_owned()
    }
}

fn when(w: When) -> String {
    match w {
        When::Ago(secs) if secs % (7 * 86_400) == 0 => format!("{}w", secs / (7 * 86_400)),
        When::Ago(secs) if secs % 86_400 == 0 => format!("{}d", secs / 86_400),
        When::Ago(secs) if secs % 3600 == 0 => format!("{}h", secs / 3600),
        When::Ago(secs) => format!("{}m", secs / 60),
        When::At(t) => chrono::DateTime::from_timestamp(t, 0)
            .map_or_else(|| t.to_string(), |d| d.format("%Y-%m-%d").to_string()),
    }
}
