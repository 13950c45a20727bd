//! Reading the filter language. Byte offsets in errors point into the text as typed.
//!
//! ```text
//! query   = any
//! any     = all { "or" all }                  a group of alternatives: one must hold
//! all     = { space } [ unit { space { space } unit } ] { space }     every unit must hold
//! unit    = [ "-" ] ( "(" any ")" | term )    groups nest at most MAX_DEPTH deep
//! term    = [ "-" ] ( phrase | field | token )
//! phrase  = '"' { any char but '"' } '"'
//! field   = name ":" ( '"' { any char but '"' } '"' | { any char but space } )
//!         | ( "title" | "author" | "link" ) ":" "/" pattern "/"
//! name    = "feed" | "tag" | "author" | "title" | "content" | "link" | "label" | "since"
//!           | "before" | "has" | "enclosure"                    (any case)
//!           has: takes only "enclosure"; enclosure: a MIME type or its first part (audio)
//! pattern = a regular expression, ended by the first "/" that is followed by a space, a ")"
//!           or the end (write "\/" for a slash that would end it); case is ignored unless it
//!           says (?-i); at most MAX_PATTERN bytes
//! token   = { any char but space }      a keyword ("unread", "read", "starred", "new",
//!                                        "hidden", any case) or a free word
//! age     = digits ( "m" | "h" | "d" | "w" )                    (since:, before:)
//! date    = digit{4} "-" digit{2} "-" digit{2}                  midnight UTC
//! ```
//!
//! A free word loses every `"` and `*` and the characters that are neither letters nor digits
//! at either end (they are separators to the index and would defeat highlighting); a trailing
//! `*` on the word as typed makes it a prefix search. A word or phrase left with no letter or
//! digit is ignored: the index has nothing to find it by. `read` is `-unread`.
//!
//! Precedence: `-` binds tightest, then juxtaposition (and), then `or` (any case): `a b or c`
//! is `(a b) or c`. An unquoted term ends at a space or a `)`; to search for `or` or for text
//! with parentheses, quote it.

use super::{Query, QueryError, Term, TermKind, When};
use crate::model::sanitize;

/// The field names, as error messages list them.
const FIELDS: &str =
    "feed, tag, author, title, content, link, label, since, before, has, enclosure";

/// How deep parentheses may nest.
pub const MAX_DEPTH: usize = 16;

/// Reads a query as typed.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let (query, end) = any(input, 0, 0)?;
    if end < input.len() {
        return Err(error(
            "')' without its '(' (put text with parentheses in quotes to search for it)",
            end,
        ));
    }
    Ok(query)
}

/// `all { "or" all }` from `pos`, up to an unmatched `)` or the end: the query, and where it
/// stopped. Alternatives become one [`TermKind::Any`] term; a single one is itself.
fn any(input: &str, pos: usize, depth: usize) -> Result<(Query, usize), QueryError> {
    let (first, mut pos) = all(input, pos, depth)?;
    let mut alternatives = vec![first];
    let mut or_at = Vec::new();
    while let Some(after) = or_keyword(input, pos) {
        or_at.push(pos);
        let (next, end) = all(input, after, depth)?;
        alternatives.push(next);
        pos = end;
    }
    if alternatives.len() == 1 {
        return Ok((alternatives.pop().unwrap_or_default(), pos));
    }
    if let Some(i) = alternatives.iter().position(Query::is_empty) {
        let at = or_at[i.saturating_sub(1).min(or_at.len() - 1)];
        return Err(error(
            "'or' needs a term on each side, as in tag:rust or tag:go",
            at,
        ));
    }
    let group = Term {
        negated: false,
        kind: TermKind::Any(alternatives),
    };
    Ok((Query { terms: vec![group] }, pos))
}

/// Where the text after an `or` at `pos` starts, if there is one (`or` in any case, standing
/// alone: followed by a space, a parenthesis or the end).
fn or_keyword(input: &str, pos: usize) -> Option<usize> {
    let rest = input.get(pos..)?;
    let head = rest.get(..2)?;
    let alone = rest[2..]
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || c == '(' || c == ')');
    (head.eq_ignore_ascii_case("or") && alone).then_some(pos + 2)
}

/// Units from `pos` up to an `or`, an unmatched `)` or the end: every one must hold.
fn all(input: &str, mut pos: usize, depth: usize) -> Result<(Query, usize), QueryError> {
    let mut terms = Vec::new();
    loop {
        pos += input[pos..].len() - input[pos..].trim_start().len();
        if pos >= input.len() || input[pos..].starts_with(')') || or_keyword(input, pos).is_some() {
            return Ok((Query { terms }, pos));
        }
        let negated = input[pos..].starts_with('-');
        let at = pos + usize::from(negated);
        if !input[at..].starts_with('(') {
            let (term, end) = term(input, pos)?;
            terms.extend(term);
            pos = end;
            continue;
        }
        if depth >= MAX_DEPTH {
            return Err(error(
                format!("parentheses nested deeper than {MAX_DEPTH}"),
                at,
            ));
        }
        let (inner, end) = any(input, at + 1, depth + 1)?;
        if !input[end..].starts_with(')') {
            return Err(error("unclosed '('", at));
        }
        pos = end + 1;
        match (negated, inner.terms.len()) {
            // `(a b)` is `a b`; `(a or b)` one group term; `()` nothing.
            (false, _) | (true, 0) => terms.extend(inner.terms),
            // `-(a)` is `-a`.
            (true, 1) => terms.extend(inner.terms.into_iter().map(|t| Term {
                negated: !t.negated,
                kind: t.kind,
            })),
            // `-(a b)`: not all of them.
            (true, _) => terms.push(Term {
                negated: true,
                kind: TermKind::Any(vec![inner]),
            }),
        }
    }
}

fn error(message: impl Into<String>, at: usize) -> QueryError {
    QueryError {
        message: message.into(),
        at,
    }
}

/// The byte offset where the unquoted run starting at `from` ends (at whitespace, a `)` that
/// may close a group, or the end).
fn run_end(input: &str, from: usize) -> usize {
    input[from..]
        .find(|c: char| c.is_whitespace() || c == ')')
        .map_or(input.len(), |i| from + i)
}

/// The text between the quote at `open` and the next quote, and the offset after that quote.
fn quoted(input: &str, open: usize) -> Result<(&str, usize), QueryError> {
    let start = open + 1;
    match input[start..].find('"') {
        Some(len) => Ok((&input[start..start + len], start + len + 1)),
        None => Err(error("unclosed quote", open)),
    }
}

/// One term starting at `start` (not whitespace): the term, or `None` for a word that is
/// ignored, and the offset just after it.
fn term(input: &str, start: usize) -> Result<(Option<Term>, usize), QueryError> {
    let negated = input[start..].starts_with('-');
    let at = start + usize::from(negated);
    if negated && input[at..].chars().next().is_none_or(char::is_whitespace) {
        return Err(error(
            "'-' must be followed by a term, as in -unread",
            start,
        ));
    }
    let make = |kind: Option<TermKind>| kind.map(|kind| Term { negated, kind });
    if input[at..].starts_with('"') {
        let (text, end) = quoted(input, at)?;
        return Ok((make(phrase(text)), end));
    }
    if let Some(name_len) = field_name_len(&input[at..]) {
        let (kind, end) = field(input, at, name_len)?;
        return Ok((make(Some(kind)), end));
    }
    let end = run_end(input, at);
    let word = clean_word(&input[at..end]);
    if field_name_len(&word).is_some() {
        // A field behind stripped punctuation, as in `(feed:x)`: read it as the field it is,
        // so that the canonical text reads back the same.
        let (kind, _) = field(&word, 0, field_name_len(&word).unwrap_or_default())
            .map_err(|e| error(e.message, at))?;
        return Ok((make(Some(kind)), end));
    }
    if word.eq_ignore_ascii_case("read") {
        let unread = Term {
            negated: !negated,
            kind: TermKind::Unread,
        };
        return Ok((Some(unread), end));
    }
    Ok((make(keyword_or_word(word)), end))
}

/// The length of `name` in a term that starts `name:`, if it does (ASCII letters only).
fn field_name_len(s: &str) -> Option<usize> {
    let len = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    (len > 0 && s.as_bytes().get(len) == Some(&b':')).then_some(len)
}

/// A `name:value` term whose name starts at `at` and is `name_len` bytes long.
fn field(input: &str, at: usize, name_len: usize) -> Result<(TermKind, usize), QueryError> {
    let name = input[at..at + name_len].to_ascii_lowercase();
    if !matches!(
        name.as_str(),
        "feed"
            | "tag"
            | "author"
            | "title"
            | "content"
            | "link"
            | "label"
            | "since"
            | "before"
            | "has"
            | "enclosure"
    ) {
        return Err(error(
            format!(
                "unknown field '{}:' (the fields are {FIELDS}; put text with a colon in \
                 quotes to search for it)",
                &input[at..at + name_len]
            ),
            at,
        ));
    }
    let value_at = at + name_len + 1;
    if input[value_at..].starts_with('/') && matches!(name.as_str(), "title" | "author" | "link") {
        return pattern(input, &name, value_at);
    }
    let is_quoted = input[value_at..].starts_with('"');
    let (raw, end) = if is_quoted {
        quoted(input, value_at)?
    } else {
        let end = run_end(input, value_at);
        (&input[value_at..end], end)
    };
    let mut value = sanitize::line(raw);
    // Only a dropped control character can put a quote first in an unquoted value, and no
    // text reads back as that value: the quote goes too; so does a slash before a title,
    // author or link, which written back first would begin a regular expression.
    if !is_quoted {
        let text = matches!(name.as_str(), "title" | "author" | "link");
        let lead = value.len()
            - value
                .trim_start_matches(|c| c == '"' || (text && c == '/'))
                .len();
        value.drain(..lead);
    }
    if value.is_empty() {
        return Err(error(
            format!("{name}: needs a value, as in {}", example(&name)),
            value_at,
        ));
    }
    let kind = match name.as_str() {
        "feed" => TermKind::Feed(value),
        "tag" => TermKind::Tag(value),
        "author" => TermKind::Author(value),
        "title" | "content" => {
            // Searched through the index, which finds words: something it can find.
            if !value.chars().any(char::is_alphanumeric) {
                return Err(error(
                    format!("{name}: needs a word, as in {}", example(&name)),
                    value_at,
                ));
            }
            if name == "title" {
                TermKind::Title(value)
            } else {
                TermKind::Content(value)
            }
        }
        "link" => TermKind::Link(value),
        "label" => TermKind::Label(value),
        "has" if value.eq_ignore_ascii_case("enclosure") => TermKind::Enclosure(String::new()),
        "has" => {
            return Err(error(
                format!("has: knows only enclosure, as in {}", example(&name)),
                value_at,
            ));
        }
        "enclosure" => {
            let value = value.to_ascii_lowercase();
            if !crate::model::enclosure::is_type_pattern(&value) {
                return Err(error(
                    format!("enclosure: needs a type, as in {}", example(&name)),
                    value_at,
                ));
            }
            TermKind::Enclosure(value)
        }
        "since" => TermKind::Since(when(&name, &value, value_at)?),
        _ => TermKind::Before(when(&name, &value, value_at)?),
    };
    Ok((kind, end))
}

fn example(name: &str) -> &'static str {
    match name {
        "feed" => "feed:lwn or feed:\"Some Blog\"",
        "tag" => "tag:linux",
        "author" => "author:ann",
        "title" => "title:rust or title:\"error handling\"",
        "content" => "content:sponsored",
        "link" => "link:youtube.com",
        "label" => "label:later",
        "has" => "has:enclosure",
        "enclosure" => "enclosure:audio or enclosure:video/mp4",
        "since" => "since:7d or since:2024-05-01",
        _ => "before:2w or before:2024-05-01",
    }
}

/// `NAME:/pattern/` whose first `/` is at `open`.
fn pattern(input: &str, name: &str, open: usize) -> Result<(TermKind, usize), QueryError> {
    let bytes = input.as_bytes();
    let mut i = open + 1;
    let close = loop {
        match bytes.get(i) {
            None => {
                return Err(error(
                    format!("unclosed regular expression: end it with '/', as in {name}:/^rust/"),
                    open,
                ));
            }
            Some(b'\\') => i += 2,
            Some(b'/')
                if input[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == ')') =>
            {
                break i;
            }
            Some(_) => i += 1,
        }
    };
    let source = sanitize::line(&input[open + 1..close]);
    if source.is_empty() {
        return Err(error(
            format!("{name}:// needs a pattern, as in {name}:/^rust/"),
            open,
        ));
    }
    let pattern = super::Pattern::new(&source).map_err(|m| error(format!("{name}: {m}"), open))?;
    let field = match name {
        "title" => super::Field::Title,
        "author" => super::Field::Author,
        _ => super::Field::Link,
    };
    Ok((TermKind::Matches(field, pattern), close + 1))
}

/// An age (`7d`, `12h`, `2w`, `30m`) or a date (`2024-05-01`, midnight UTC).
fn when(name: &str, value: &str, at: usize) -> Result<When, QueryError> {
    let bad = || {
        error(
            format!(
                "{name}:{value}: not an age (like 30m, 12h, 7d, 2w) or a date (like 2024-05-01)"
            ),
            at,
        )
    };
    let bytes = value.as_bytes();
    if bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' {
        // Digits only: chrono would also take a signed year (`-970-01-01`), which prints back
        // as another text (`-0970-01-01`).
        let digits = bytes
            .iter()
            .enumerate()
            .all(|(i, b)| matches!(i, 4 | 7) || b.is_ascii_digit());
        if !digits {
            return Err(bad());
        }
        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
        let midnight = date.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        return Ok(When::At(midnight.and_utc().timestamp()));
    }
    let (digits, unit) =
        value.split_at(value.len() - value.chars().last().map_or(0, char::len_utf8));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let unit_secs: i64 = match unit.to_ascii_lowercase().as_str() {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    digits
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_secs))
        // Beyond this no date is representable anyway.
        .filter(|secs| *secs <= 1_000_000 * 366 * 86_400)
        .map(When::Ago)
        .ok_or_else(|| error(format!("{name}:{value}: too far back"), at))
}

/// A phrase, or `None` if it has nothing to search for.
fn phrase(text: &str) -> Option<TermKind> {
    let text = sanitize::line(text);
    text.chars()
        .any(char::is_alphanumeric)
        .then_some(TermKind::Phrase(text))
}

/// A free word without the characters the index cannot use (see the module docs).
fn clean_word(raw: &str) -> String {
    let prefix = raw.ends_with('*');
    let kept: String = raw.chars().filter(|c| !matches!(c, '"' | '*')).collect();
    // Cleaned before it is trimmed: an invisible letter the cleaning drops (U+3164) would
    // otherwise shield the punctuation before it from the trim, and the word would not read
    // back as itself.
    let mut word = sanitize::line(&kept)
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned();
    if prefix && !word.is_empty() {
        word.push('*');
    }
    word
}

/// Whether `word` starts with `or` and a parenthesis, which unquoted reads as the operator
/// before a group.
fn reads_as_or(word: &str) -> bool {
    word.get(..2).is_some_and(|h| h.eq_ignore_ascii_case("or")) && word[2..].starts_with(['(', ')'])
}

fn keyword_or_word(word: String) -> Option<TermKind> {
    if word.eq_ignore_ascii_case("unread") {
        Some(TermKind::Unread)
    } else if word.eq_ignore_ascii_case("starred") {
        Some(TermKind::Starred)
    } else if word.eq_ignore_ascii_case("new") {
        Some(TermKind::New)
    } else if word.eq_ignore_ascii_case("hidden") {
        Some(TermKind::Hidden)
    } else if word.is_empty() {
        None
    } else if word.eq_ignore_ascii_case("or") || reads_as_or(&word) {
        // Only an invisible character the cleaning dropped makes `or` (or `or(…`) a word
        // here; written back bare it would read as the operator, so it is the phrase it means.
        Some(TermKind::Phrase(word))
    } else {
        Some(TermKind::Word(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(negated: bool, kind: TermKind) -> Term {
        Term { negated, kind }
    }

    fn word(s: &str) -> TermKind {
        TermKind::Word(s.into())
    }

    #[test]
    fn terms_parse_as_the_table_says() {
        use TermKind as K;
        let day = 86_400;
        let cases: Vec<(&str, Vec<Term>)> = vec![
            ("", vec![]),
            ("   ", vec![]),
            ("unread", vec![t(false, K::Unread)]),
            (
                "UNREAD Starred",
                vec![t(false, K::Unread), t(false, K::Starred)],
            ),
            ("read", vec![t(true, K::Unread)]),
            ("-read", vec![t(false, K::Unread)]),
            ("-starred", vec![t(true, K::Starred)]),
            ("feed:lwn", vec![t(false, K::Feed("lwn".into()))]),
            (
                "FEED:\"Some  Blog\"",
                vec![t(false, K::Feed("Some Blog".into()))],
            ),
            ("-tag:linux", vec![t(true, K::Tag("linux".into()))]),
            (
                "author:o'brien",
                vec![t(false, K::Author("o'brien".into()))],
            ),
            ("feed:a:b", vec![t(false, K::Feed("a:b".into()))]),
            ("title:rust", vec![t(false, K::Title("rust".into()))]),
            (
                "-TITLE:\"error  handling\"",
                vec![t(true, K::Title("error handling".into()))],
            ),
            ("content:tok*", vec![t(false, K::Content("tok*".into()))]),
            (
                "link:youtube.com/watch",
                vec![t(false, K::Link("youtube.com/watch".into()))],
            ),
            ("since:7d", vec![t(false, K::Since(When::Ago(7 * day)))]),
            ("since:12H", vec![t(false, K::Since(When::Ago(12 * 3600)))]),
            ("before:2w", vec![t(false, K::Before(When::Ago(14 * day)))]),
            ("since:30m", vec![t(false, K::Since(When::Ago(1800)))]),
            (
                "before:2024-05-01",
                vec![t(false, K::Before(When::At(1_714_521_600)))],
            ),
            ("-since:\"1d\"", vec![t(true, K::Since(When::Ago(day)))]),
            (
                "\"hello   world\"",
                vec![t(false, K::Phrase("hello world".into()))],
            ),
            ("-\"x y\"", vec![t(true, K::Phrase("x y".into()))]),
            ("rust", vec![t(false, word("rust"))]),
            ("-rust", vec![t(true, word("rust"))]),
            ("--rust", vec![t(true, word("rust"))]),
            ("tok*", vec![t(false, word("tok*"))]),
            ("to*k**", vec![t(false, word("tok*"))]),
            ("(node.js),", vec![t(false, word("node.js"))]),
            ("12:30", vec![t(false, word("12:30"))]),
            (
                "c++ café",
                vec![t(false, word("c")), t(false, word("café"))],
            ),
            ("unread*", vec![t(false, word("unread*"))]),
            ("(unread)", vec![t(false, K::Unread)]),
            ("(feed:x)", vec![t(false, K::Feed("x".into()))]),
            ("\"unread\"", vec![t(false, K::Phrase("unread".into()))]),
            (
                "\"a\"b",
                vec![t(false, K::Phrase("a".into())), t(false, word("b"))],
            ),
            // Nothing the index could find: ignored.
            ("* -- — \"\" \"...\"", vec![]),
            (
                "\tunread  feed:\"x y\"\n-foo ",
                vec![
                    t(false, K::Unread),
                    t(false, K::Feed("x y".into())),
                    t(true, word("foo")),
                ],
            ),
        ];
        for (input, terms) in cases {
            assert_eq!(parse(input), Ok(Query { terms }), "{input:?}");
        }
    }

    fn q(terms: Vec<Term>) -> Query {
        Query { terms }
    }

    /// Issue #20: `or` and parentheses, with `-` tightest, then juxtaposition, then `or`.
    #[test]
    fn or_and_parentheses_group_as_documented() {
        use TermKind as K;
        let tag = |s: &str| t(false, K::Tag(s.into()));
        let any = |negated: bool, alternatives: Vec<Query>| t(negated, K::Any(alternatives));
        let cases: Vec<(&str, Vec<Term>)> = vec![
            (
                "tag:rust or tag:go",
                vec![any(false, vec![q(vec![tag("rust")]), q(vec![tag("go")])])],
            ),
            (
                "(tag:rust OR tag:go) unread -starred",
                vec![
                    any(false, vec![q(vec![tag("rust")]), q(vec![tag("go")])]),
                    t(false, K::Unread),
                    t(true, K::Starred),
                ],
            ),
            (
                "a b or c",
                vec![any(
                    false,
                    vec![
                        q(vec![t(false, word("a")), t(false, word("b"))]),
                        q(vec![t(false, word("c"))]),
                    ],
                )],
            ),
            (
                "a (b or c)",
                vec![
                    t(false, word("a")),
                    any(
                        false,
                        vec![q(vec![t(false, word("b"))]), q(vec![t(false, word("c"))])],
                    ),
                ],
            ),
            (
                "-(a or b)",
                vec![any(
                    true,
                    vec![q(vec![t(false, word("a"))]), q(vec![t(false, word("b"))])],
                )],
            ),
            (
                "-(a b)",
                vec![any(
                    true,
                    vec![q(vec![t(false, word("a")), t(false, word("b"))])],
                )],
            ),
            ("-(a)", vec![t(true, word("a"))]),
            ("-(-a)", vec![t(false, word("a"))]),
            ("(a b)", vec![t(false, word("a")), t(false, word("b"))]),
            ("()", vec![]),
            (
                "\"or\" orange",
                vec![t(false, K::Phrase("or".into())), t(false, word("orange"))],
            ),
            (
                "x or(y)",
                vec![any(
                    false,
                    vec![q(vec![t(false, word("x"))]), q(vec![t(false, word("y"))])],
                )],
            ),
        ];
        for (input, terms) in cases {
            let parsed = parse(input);
            assert_eq!(parsed, Ok(q(terms)), "{input:?}");
            round_trips(input);
        }
    }

    /// Found by fuzzing (`fuzz/regressions/query/invisible-letter-after-punctuation`): a word
    /// ending in punctuation and an invisible letter kept the punctuation, which the canonical
    /// text then lost.
    #[test]
    fn a_word_ending_in_an_invisible_letter_reads_back_as_itself() {
        let q = parse("x(before:(\u{3164}(").unwrap();
        assert_eq!(q.terms, vec![t(false, word("x(before"))]);
        round_trips("x(before:(\u{3164}(");
    }

    /// Found by fuzzing (`fuzz/regressions/query/invisible-character-before-or`): `or` behind
    /// an invisible character was a word, which the canonical text wrote as the operator.
    #[test]
    fn an_or_behind_an_invisible_character_is_the_word() {
        let q = parse("(tag:rust \u{2060}or tag:go)").unwrap();
        assert_eq!(
            q.terms,
            vec![
                t(false, TermKind::Tag("rust".into())),
                t(false, TermKind::Phrase("or".into())),
                t(false, TermKind::Tag("go".into())),
            ]
        );
        round_trips("(tag:rust \u{2060}or tag:go)");
        // Found by fuzzing (`…/invisible-character-before-or-paren`): `or(enc` likewise.
        let q = parse("\u{2060}or(enc x").unwrap();
        assert_eq!(q.terms[0], t(false, TermKind::Phrase("or(enc".into())));
        round_trips("\u{2060}or(enc x");
    }

    #[test]
    fn bad_groups_say_what_and_where() {
        let deep = format!(
            "{}x{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let cases = [
            ("a or", 2, "'or' needs a term on each side"),
            ("or a", 0, "'or' needs a term on each side"),
            ("a or or b", 2, "'or' needs a term on each side"),
            ("(a or b", 0, "unclosed '('"),
            ("a) b", 1, "')' without its '('"),
            (deep.as_str(), MAX_DEPTH, "nested deeper than 16"),
        ];
        for (input, at, needle) in cases {
            let e = parse(input).unwrap_err();
            assert_eq!(e.at, at, "{input:?}: {e}");
            assert!(e.message.contains(needle), "{input:?}: {e}");
        }
        let just_deep = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&just_deep).is_ok());
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases = [
            ("foo:bar", 0, "unknown field 'foo:'"),
            (
                "unread Foo:bar",
                7,
                "the fields are feed, tag, author, title, content, link, label, since, before",
            ),
            ("(foo:bar)", 1, "unknown field 'foo:'"),
            ("feed:", 5, "feed: needs a value"),
            ("title:...", 6, "title: needs a word"),
            ("content:\"--\"", 8, "content: needs a word"),
            ("tag:\"  \" x", 4, "tag: needs a value"),
            ("x \"open phrase", 2, "unclosed quote"),
            ("feed:\"open", 5, "unclosed quote"),
            ("since:7x", 6, "since:7x: not an age"),
            (
                "before:2024-13-01",
                7,
                "not an age (like 30m, 12h, 7d, 2w) or a date",
            ),
            ("since:d", 6, "not an age"),
            ("since:-3d", 6, "not an age"),
            ("since:99999999999999999w", 6, "too far back"),
            ("a - b", 2, "'-' must be followed by a term"),
            ("a -", 2, "'-' must be followed by a term"),
        ];
        for (input, at, message) in cases {
            let err = parse(input).unwrap_err();
            assert_eq!(err.at, at, "{input:?}: {err}");
            assert!(err.message.contains(message), "{input:?}: {err}");
        }
        assert_eq!(
            parse("feed:").unwrap_err().to_string(),
            "feed: needs a value, as in feed:lwn or feed:\"Some Blog\" (at column 6)"
        );
    }

    /// `input` parses, and its canonical text reads back as the same query.
    fn round_trips(input: &str) {
        let q = parse(input).unwrap_or_else(|e| panic!("{input:?} no longer parses: {e}"));
        let text = q.to_string();
        assert_eq!(parse(&text), Ok(q), "{input:?} → {text:?}");
    }

    #[test]
    fn canonical_text_round_trips() {
        for input in [
            "unread -read starred feed:\"A  b\" tag:x author:y since:60m before:14d",
            "since:2024-05-01 -before:1970-01-01 since:1d since:90m since:0m",
            "\"a b\" -\"c\" w* (unread) (feed:x) --z node.js 12:30",
            "feed:a\"b tag:\"q\"r",
        ] {
            round_trips(input);
        }
    }

    #[test]
    fn labels_hidden_and_regular_expressions_parse_and_round_trip() {
        let q =
            parse("label:Later -hidden title:/^\\[ad\\] (x|y)/ author:/a\\/ b/ link:/yt/").unwrap();
        let kinds: Vec<String> = q.terms.iter().map(ToString::to_string).collect();
        assert_eq!(
            kinds,
            [
                "label:Later",
                "-hidden",
                "title:/^\\[ad\\] (x|y)/",
                "author:/a\\/ b/",
                "link:/yt/"
            ]
        );
        assert!(
            matches!(&q.terms[2].kind, TermKind::Matches(super::super::Field::Title, p)
            if p.is_match("[AD] x"))
        );
        for input in [
            "hidden (label:a or title:/b c/)",
            "title:/a/b/ x",
            "-(link:/\\.mp3$/)",
            "title:\"/not a pattern/\"",
            "title:\"/x/\" author:\"/y\" link:\"/\"",
        ] {
            round_trips(input);
        }
        // Quoted, slashes are text.
        assert!(
            matches!(&parse("title:\"/x/\"").unwrap().terms[0].kind, TermKind::Title(t) if t == "/x/")
        );
        assert!(parse("hidden").unwrap().mentions_hidden());
        assert!(parse("a (b or -hidden)").unwrap().mentions_hidden());
        assert!(!parse("a (b or c)").unwrap().mentions_hidden());
    }

    #[test]
    fn bad_regular_expressions_are_errors_at_the_pattern() {
        for (input, at, message) in [
            ("title:/open", 6, "unclosed regular expression"),
            ("x author://", 9, "author:// needs a pattern"),
            ("link:/(a/", 5, "link: not a regular expression"),
            ("title:/\\w{500}\\w{500}/", 6, "too big"),
            ("label:", 6, "label: needs a value"),
        ] {
            let err = parse(input).unwrap_err();
            assert_eq!(err.at, at, "{input:?}: {err}");
            assert!(err.message.contains(message), "{input:?}: {err}");
        }
        let long = format!("title:/{}/", "a".repeat(super::super::MAX_PATTERN + 1));
        assert!(parse(&long).unwrap_err().message.contains("limited to"));
    }

    /// Found by fuzzing (`fuzz/regressions/query/quote-after-a-control-character`): an
    /// unquoted value that began with a control character and a quote kept the quote, and its
    /// canonical text (`feed:"x`) read back as an unclosed quote.
    #[test]
    fn a_quote_after_a_control_character_still_round_trips() {
        for (input, value) in [
            ("feed:\u{1b}\"x", "x"),
            ("-tag:\u{7f}\"\"y\"", "y\""),
            ("author:\u{1b}/\"x", "x"),
            ("author:\u{202e}\"a\"b", "a\"b"),
        ] {
            let q = parse(input).unwrap();
            let (TermKind::Feed(v) | TermKind::Tag(v) | TermKind::Author(v)) = &q.terms[0].kind
            else {
                panic!("{q:?}");
            };
            assert_eq!(v, value, "{input:?}");
            round_trips(input);
        }
        assert!(parse("feed:\u{1b}\"").is_err());
    }

    /// Found by fuzzing (`fuzz/regressions/query/signed-year`): chrono read `-970-01-01` as a
    /// date, which printed back as `-0970-01-01`, not a date to the parser.
    #[test]
    fn a_signed_year_is_not_a_date() {
        for input in ["before:-970-01-01", "since:+970-01-01", "since:2024-0a-01"] {
            let err = parse(input).unwrap_err();
            assert!(err.message.contains("not an age"), "{input}: {err}");
        }
        round_trips("since:0000-01-01 before:9999-12-31");
    }

    /// Random soups of the language's pieces: never a panic, always a round trip.
    #[test]
    fn random_inputs_never_panic_and_round_trip() {
        const PIECES: &[&str] = &[
            " ",
            "  ",
            "\t",
            "-",
            "\"",
            "*",
            ":",
            "(",
            ")",
            "unread",
            "read",
            "STARRED",
            "feed",
            "tag",
            "author",
            "since",
            "before",
            "foo",
            "7d",
            "2w",
            "2024-05-01",
            "é",
            "日本",
            "—",
            "x",
            "\u{1b}",
            "1",
            "h",
            "m",
            "hidden",
            "label",
            "title",
            "link",
            "/",
            "\\",
            "^[a]",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let len = next() % 12;
            let input: String = (0..len)
                .map(|_| PIECES[usize::try_from(next() % PIECES.len() as u64).unwrap()])
                .collect();
            if let Err(e) = parse(&input) {
                assert!(e.at <= input.len(), "{input:?}: {e}");
                assert!(input.is_char_boundary(e.at), "{input:?}: {e}");
            } else {
                round_trips(&input);
                parsed += 1;
            }
        }
        // The round trip was tried on a good share of the inputs, not only on none.
        assert!(
            parsed > 2_000,
            "only {parsed} of 20000 random queries parsed"
        );
    }
}
