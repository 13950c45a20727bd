//! newsboat's filter language, as its query feeds use it (`unread = "yes" and tags # "tech"`),
//! turned into tidings' filter language where the two mean the same, or nearly; anything else is
//! refused, naming the part, rather than guessed. Pure; uses `model`.
//!
//! - `unread = "yes"` / `= "no"` (`!=` the other way): `unread` / `-unread`. The same.
//! - `flags # "s"` or `flags =~ "s"`, any one letter (`!#`, `!~`: negated), and `flags != ""`
//!   (`= ""`: negated): `starred`. tidings has one star, and the import stars an entry with
//!   any flag, so a view on one letter shows every entry that had a flag.
//! - `tags # "x"` / `tags !# "x"`: `tag:x` / `-tag:x`. Tags here ignore case.
//! - `feedtitle` and `rssurl` `=` or `=~` plain text (`!=`, `!~`: negated): `feed:x`, which
//!   finds the text anywhere in the feed's title or URL, ignoring case, where `=` wants all of it.
//! - `author`, likewise: `author:x`, anywhere in the author, ignoring case.
//! - `title` and `content` `=~` plain text (`!~`: negated): `title:WORDS` and `content:WORDS`,
//!   the words in that field alone. Close but not the same: full-text search finds whole words,
//!   where newsboat finds the text anywhere inside the field (`rust` in "trust" too; in
//!   `content`, inside the HTML markup too). In that field alone, since a rule that skips what
//!   a newsboat killfile ignores by title must not skip what only mentions the word in passing.
//! - `age < N`, `<=`, `>`, `>=`, `=` and `between A:B`: `since:` and `before:` in days. The
//!   same: newsboat's age is whole days since publication, reckoned when the filter runs, as
//!   relative times are here (`age < 7` is `since:1w`, `age <= 7` is `since:8d`).
//! - `and`: the terms side by side; `or`: a group of alternatives, `(a or b)`. newsboat gives
//!   the two the same precedence and groups to the right (`a and b or c` is `a and (b or c)`),
//!   and so does the conversion.
//!
//! Plain text is a regular expression without metacharacters (a `\` before one makes it plain).
//! Refused: other regular expressions, other comparisons and the other attributes (`link`, `guid`, `date`, `enclosure_url`, ...). What
//! comes out is canonical tidings filter text: it reads back as the same query.

mod parse;

use parse::{Comparison, Node, Op, Value, parse};

use crate::model::query::{self, Query, Term, TermKind, When};
use crate::model::sanitize;

/// Why a filter was not converted: the part of it, as written, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{part}`: {why}")]
pub struct Unconvertible {
    /// Cleaned for the terminal.
    pub part: String,
    pub why: String,
}

impl Unconvertible {
    fn new(part: &str, why: impl Into<String>) -> Self {
        Self {
            part: sanitize::line(part),
            why: why.into(),
        }
    }
}

/// newsboat's filter expression `expr` as the canonical text of a tidings query.
pub fn convert(expr: &str) -> Result<String, Unconvertible> {
    let node = parse(expr)?;
    let query = Query {
        terms: terms_of(&node)?,
    };
    let text = query.to_string();
    if crate::model::query::parse(&text).as_ref() != Ok(&query) {
        return Err(Unconvertible::new(
            expr,
            "cannot be written in tidings' filter language",
        ));
    }
    Ok(text)
}

/// The terms an expression becomes: `and` (newsboat groups it to the right, as `or`) one after
/// the other, `or` a group of alternatives (`(a or b)`), each alternative its own terms.
fn terms_of(node: &Node<'_>) -> Result<Vec<Term>, Unconvertible> {
    match node {
        Node::Comparison(c) => {
            let these = comparison(c).map_err(|why| Unconvertible::new(c.text, why))?;
            if !round_trips(&these) {
                return Err(Unconvertible::new(
                    c.text,
                    "cannot be written in tidings' filter language",
                ));
            }
            Ok(these)
        }
        Node::And(left, right) => {
            let mut terms = terms_of(left)?;
            terms.extend(terms_of(right)?);
            Ok(terms)
        }
        Node::Or(..) => {
            let mut alternatives = Vec::new();
            alternatives_of(node, &mut alternatives)?;
            Ok(vec![Term {
                negated: false,
                kind: TermKind::Any(alternatives),
            }])
        }
    }
}

/// The alternatives of a chain of `or`s, in order (`a or (b or c)` is three).
fn alternatives_of(node: &Node<'_>, out: &mut Vec<Query>) -> Result<(), Unconvertible> {
    match node {
        Node::Or(left, right) => {
            alternatives_of(left, out)?;
            alternatives_of(right, out)
        }
        other => {
            out.push(Query {
                terms: terms_of(other)?,
            });
            Ok(())
        }
    }
}

/// A newsboat query feed, `query:NAME:EXPRESSION` (the urls file's token, unquoted), as a saved
/// view's name and filter; or why not, naming the feed.
pub fn query_feed(url: &str) -> Result<(String, String), String> {
    let body = url.get("query:".len()..).unwrap_or_default();
    let Some((name, expr)) = body.split_once(':') else {
        return Err(format!(
            "query feed '{}' has no filter (query:NAME:FILTER)",
            sanitize::line(body)
        ));
    };
    let name = sanitize::line(name);
    if name.is_empty() {
        return Err("a query feed with no name cannot be a saved view".into());
    }
    convert(expr)
        .map(|filter| (name.clone(), filter))
        .map_err(|e| format!("query feed '{name}' cannot be a saved view: {e}"))
}

/// newsboat's attributes that have no equivalent here.
const UNCONVERTED: &[&str] = &[
    "link",
    "date",
    "guid",
    "enclosure_url",
    "enclosure_type",
    "articleindex",
    "description",
    "feedlink",
    "feeddate",
    "unread_count",
    "total_count",
    "feedindex",
    "latest_article_age",
];

/// The terms one comparison becomes, or why it cannot.
fn comparison(c: &Comparison<'_>) -> Result<Vec<Term>, String> {
    use Op::{Contains, Eq, Ne, NotContains, NotRegex, Regex};
    let negated = matches!(c.op, Ne | NotRegex | NotContains);
    let one = |kind| Ok(vec![Term { negated, kind }]);
    match (c.attr, c.op, c.value) {
        ("unread", Eq | Ne, Value::Text(yes @ ("yes" | "no"))) => Ok(vec![Term {
            negated: negated == (yes == "yes"),
            kind: TermKind::Unread,
        }]),
        ("unread", ..) => Err("unread is only compared (= or !=) with \"yes\" or \"no\"".into()),
        ("flags", Contains | NotContains | Regex | NotRegex, Value::Text(f))
            if f.len() == 1 && f.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            one(TermKind::Starred)
        }
        ("flags", Eq | Ne, Value::Text("")) => Ok(vec![Term {
            negated: !negated,
            kind: TermKind::Starred,
        }]),
        ("flags", ..) => Err("of flags, only one letter (# \"s\"), or none (= \"\"), \
                              has an equivalent: starred"
            .into()),
        ("tags", Contains | NotContains, _) => {
            let tag = plain(c)?;
            if tag.contains(' ') {
                return Err("newsboat's # matches one word, so this tag matches nothing".into());
            }
            one(TermKind::Tag(tag))
        }
        ("feedtitle" | "rssurl", Eq | Ne | Regex | NotRegex, _) => one(TermKind::Feed(plain(c)?)),
        ("author", Eq | Ne | Regex | NotRegex, _) => one(TermKind::Author(plain(c)?)),
        ("title" | "content", Regex | NotRegex, _) => {
            search(&plain(c)?, negated, c.attr == "title")
        }
        ("age", ..) => age(c),
        ("tags" | "feedtitle" | "rssurl" | "author" | "title" | "content", ..) => Err(format!(
            "`{}` on {} has no equivalent in tidings' filters",
            c.op_text, c.attr
        )),
        (attr, ..) if UNCONVERTED.contains(&attr) => {
            Err(format!("tidings' filters cannot test {attr}"))
        }
        (attr, ..) => Err(format!(
            "'{}' is not a newsboat attribute",
            sanitize::line(attr)
        )),
    }
}

/// The value as plain text: for `=~` and `!~` a regular expression without metacharacters,
/// else the literal itself; never empty, never with control characters.
fn plain(c: &Comparison<'_>) -> Result<String, String> {
    let (Value::Text(raw) | Value::Number(raw)) = c.value else {
        return Err("a range is not text".into());
    };
    let text = if matches!(c.op, Op::Regex | Op::NotRegex) {
        regex_literal(raw).ok_or(
            "a regular expression that is not plain text (tidings matches text, not patterns)",
        )?
    } else if raw.contains('\\') {
        return Err("a backslash in the value".into());
    } else {
        raw.to_owned()
    };
    if !sanitize::is_clean_line(&text) {
        return Err("control characters in the value".into());
    }
    let text = sanitize::line(&text);
    if text.is_empty() {
        return Err("an empty value".into());
    }
    Ok(text)
}

/// A POSIX extended regular expression that matches one fixed text: that text.
fn regex_literal(re: &str) -> Option<String> {
    const META: &str = ".[]()*+?{}|^$\\";
    let mut out = String::with_capacity(re.len());
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next().filter(|n| META.contains(*n))?),
            c if META.contains(c) => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Text searched for in a title or a body: its words, in order, in that field alone.
fn search(text: &str, negated: bool, in_title: bool) -> Result<Vec<Term>, String> {
    if text
        .split(' ')
        .any(|w| !w.starts_with(char::is_alphanumeric) || !w.ends_with(char::is_alphanumeric))
    {
        return Err(format!(
            "full-text search finds words, so \"{text}\" would not be searched for as written"
        ));
    }
    let kind = if in_title {
        TermKind::Title(text.to_owned())
    } else {
        TermKind::Content(text.to_owned())
    };
    let terms = vec![Term { negated, kind }];
    if round_trips(&terms) {
        Ok(terms)
    } else {
        Err("cannot be written in tidings' filter language".into())
    }
}

/// `age` (whole days since publication) compared with a number, or `between` a range.
fn age(c: &Comparison<'_>) -> Result<Vec<Term>, String> {
    const DAY: i64 = 86_400;
    let days = |s: &str| {
        s.parse::<i64>()
            .ok()
            .filter(|n| (0..=i64::from(i32::MAX)).contains(n))
            .ok_or_else(|| {
                format!(
                    "age is compared with a number of days, not '{}'",
                    sanitize::line(s)
                )
            })
    };
    let since = |d: i64| Term {
        negated: false,
        kind: TermKind::Since(When::Ago(d * DAY)),
    };
    let before = |d: i64| Term {
        negated: false,
        kind: TermKind::Before(When::Ago(d * DAY)),
    };
    let (Value::Text(raw) | Value::Number(raw) | Value::Range(raw)) = c.value;
    Ok(match c.op {
        Op::Lt => match days(raw)? {
            0 => return Err("age < 0 matches no entry".into()),
            n => vec![since(n)],
        },
        Op::Le => vec![since(days(raw)? + 1)],
        Op::Gt => vec![before(days(raw)? + 1)],
        Op::Ge => match days(raw)? {
            0 => vec![],
            n => vec![before(n)],
        },
        Op::Eq => {
            let n = days(raw)?;
            // newsboat compares the text: `age = 07` matches nothing.
            if n.to_string() != raw {
                return Err(format!("age is never '{raw}'"));
            }
            let mut terms = vec![since(n + 1)];
            terms.extend((n > 0).then(|| before(n)));
            terms
        }
        Op::Between => {
            let (a, b) = raw
                .split_once(':')
                .ok_or("between takes a range of days, as in 0:7")?;
            let (a, b) = (days(a)?, days(b)?);
            let mut terms = vec![since(a.max(b) + 1)];
            terms.extend((a.min(b) > 0).then(|| before(a.min(b))));
            terms
        }
        _ => {
            return Err(format!(
                "`{}` on age has no equivalent in tidings' filters",
                c.op_text
            ));
        }
    })
}

/// Whether `terms`, written out, read back as the same terms.
fn round_trips(terms: &[Term]) -> bool {
    let q = Query {
        terms: terms.to_vec(),
    };
    query::parse(&q.to_string()).is_ok_and(|back| back == q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_converts() {
        let cases = [
            (r#"unread = "yes""#, "unread"),
            (r#"unread == "no""#, "-unread"),
            (r#"unread != "yes""#, "-unread"),
            (r#"unread != "no""#, "unread"),
            (r#"flags # "s""#, "starred"),
            (r#"flags !# "s""#, "-starred"),
            (r#"flags =~ "s""#, "starred"),
            (r#"flags != """#, "starred"),
            (r#"flags = """#, "-starred"),
            (r#"tags # "tech""#, "tag:tech"),
            (r#"tags !# "tech""#, "-tag:tech"),
            (r#"feedtitle = "LWN""#, "feed:LWN"),
            (r#"feedtitle = "Some Blog""#, "feed:\"Some Blog\""),
            (r#"feedtitle =~ "LWN\.net""#, "feed:LWN.net"),
            (r#"feedtitle != "LWN""#, "-feed:LWN"),
            (
                r#"rssurl = "https://lwn.net/headlines/rss""#,
                "feed:https://lwn.net/headlines/rss",
            ),
            (r#"author = "Ann Smith""#, "author:\"Ann Smith\""),
            (r#"author !~ "bot""#, "-author:bot"),
            (r#"title =~ "rust""#, "title:rust"),
            (r#"title =~ "error handling""#, "title:\"error handling\""),
            (r#"content !~ "sponsored""#, "-content:sponsored"),
            (r#"content =~ "node\.js""#, "content:node.js"),
            (r#"title =~ "unread""#, "title:unread"),
            (r#"title =~ "feed:x""#, "title:feed:x"),
            ("age < 3", "since:3d"),
            ("age < 7", "since:1w"),
            ("age <= 3", "since:4d"),
            ("age > 3", "before:4d"),
            ("age >= 3", "before:3d"),
            ("age >= 0", ""),
            (r#"age < "3""#, "since:3d"),
            ("age = 0", "since:1d"),
            ("age = 3", "since:4d before:3d"),
            ("age between 0:6", "since:1w"),
            ("age between 9:2", "since:10d before:2d"),
            (r#"unread = "yes" and tags # "tech""#, "unread tag:tech"),
            (
                r#"  ( unread = "yes" and (flags # "s" and age<7))and tags !# "x"  "#,
                "unread starred since:1w -tag:x",
            ),
            (r#"(unread = "yes")"#, "unread"),
            // Issue #20: `or`, grouped to the right as newsboat does.
            (
                r#"unread = "yes" and (tags # "a" or tags # "b")"#,
                "unread (tag:a or tag:b)",
            ),
            (
                r#"tags # "a" or unread = "yes" and age < 3"#,
                "(tag:a or unread since:3d)",
            ),
            (
                r#"tags # "a" or tags # "b" or flags # "s""#,
                "(tag:a or tag:b or starred)",
            ),
            (
                r#"(tags # "a" or tags # "b") and unread = "no""#,
                "(tag:a or tag:b) -unread",
            ),
        ];
        for (newsboat, tidings) in cases {
            assert_eq!(convert(newsboat).as_deref(), Ok(tidings), "{newsboat}");
        }
    }

    #[test]
    fn refusals_name_the_part_and_why() {
        let cases = [
            (
                r#"title =~ "^Rust""#,
                r#"title =~ "^Rust""#,
                "not plain text",
            ),
            (r#"title =~ "a.b""#, r#"title =~ "a.b""#, "not plain text"),
            (r#"title =~ "a\d""#, r#"title =~ "a\d""#, "not plain text"),
            (r#"title = "Rust""#, r#"title = "Rust""#, "`=` on title"),
            (r#"title =~ "C++""#, r#"title =~ "C++""#, "not plain text"),
            (r#"title =~ "C\+\+""#, r#"title =~ "C\+\+""#, "finds words"),
            (
                r#"link =~ "youtube""#,
                r#"link =~ "youtube""#,
                "cannot test link",
            ),
            (
                r#"colour = "red""#,
                r#"colour = "red""#,
                "not a newsboat attribute",
            ),
            (
                r#"unread = "maybe""#,
                r#"unread = "maybe""#,
                "\"yes\" or \"no\"",
            ),
            (r#"flags # "ab""#, r#"flags # "ab""#, "one letter"),
            (r#"tags =~ "te""#, r#"tags =~ "te""#, "`=~` on tags"),
            (
                r#"tags # "two words""#,
                r#"tags # "two words""#,
                "matches nothing",
            ),
            (r#"author = """#, r#"author = """#, "empty value"),
            (r#"author = "a\"b""#, r#"author = "a\"b""#, "backslash"),
            ("age != 3", "age != 3", "`!=` on age"),
            ("age < 0", "age < 0", "matches no entry"),
            ("age < -2", "age < -2", "number of days"),
            ("age = 07", "age = 07", "never"),
            (r#"age < "soon""#, r#"age < "soon""#, "number of days"),
            ("feedtitle = 1:2", "feedtitle = 1:2", "range is not text"),
            ("unread", "unread", "operator"),
            (r"unread = yes", "yes", "a quoted string"),
            (r#"(unread = "yes""#, r#"(unread = "yes""#, "`)`"),
            (r#"unread = "yes"andy = "x""#, r#"andy = "x""#, "the end"),
            (r#"title =~ "open"#, r#""open"#, "closing quote"),
            ("", "", "attribute name"),
        ];
        for (newsboat, part, why) in cases {
            let err = convert(newsboat).unwrap_err();
            assert_eq!(err.part, part, "{newsboat}: {err}");
            assert!(err.why.contains(why), "{newsboat}: {err}");
        }
    }

    #[test]
    fn control_characters_never_pass() {
        let err = convert("author = \"a\u{1b}[2Jb\"").unwrap_err();
        assert!(err.why.contains("control characters"), "{err}");
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
        assert!(convert("title =~ \"a\nb\"").is_err());
    }

    #[test]
    fn query_feeds_become_name_and_filter() {
        assert_eq!(
            query_feed(r#"query:Unread Tech:unread = "yes" and tags # "tech""#),
            Ok(("Unread Tech".into(), "unread tag:tech".into()))
        );
        // newsboat puts the colons of a range back together too.
        assert_eq!(
            query_feed("query:Week:age between 0:6"),
            Ok(("Week".into(), "since:1w".into()))
        );
        assert_eq!(
            query_feed(r#"query:Either:unread = "yes" or flags # "s""#),
            Ok(("Either".into(), "(unread or starred)".into()))
        );
        let err = query_feed(r#"query:Regex:title =~ "^Rust""#).unwrap_err();
        assert!(
            err.starts_with("query feed 'Regex' cannot be a saved view: `title"),
            "{err}"
        );
        assert!(
            query_feed("query:nothing")
                .unwrap_err()
                .contains("no filter")
        );
        assert!(
            query_feed("query:\u{1b}:unread = \"yes\"")
                .unwrap_err()
                .contains("no name")
        );
    }

    /// Whatever comes in, what goes out parses as tidings' filter language.
    #[test]
    fn every_conversion_is_a_valid_filter() {
        const PIECES: &[&str] = &[
            "title",
            "content",
            "author",
            "feedtitle",
            "tags",
            "flags",
            "age",
            "unread",
            " ",
            "=~",
            "=",
            "!=",
            "#",
            "<",
            "between",
            "\"",
            "\\",
            "x",
            "yes",
            "s",
            "(",
            ")",
            "and",
            "or",
            "1",
            ":",
            ".",
            "é",
            "\u{1b}",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut converted = 0;
        for _ in 0..20_000 {
            let len = next() % 10;
            let input: String = (0..len)
                .map(|_| PIECES[usize::try_from(next() % PIECES.len() as u64).unwrap()])
                .collect();
            match convert(&input) {
                Ok(text) => {
                    converted += 1;
                    assert!(query::parse(&text).is_ok(), "{input:?} → {text:?}");
                }
                Err(e) => assert!(sanitize::is_clean_line(&e.to_string()), "{input:?}"),
            }
        }
        assert!(
            converted > 0,
            "nothing converted: the soup tests only refusals"
        );
    }
}
