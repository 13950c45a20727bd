//! Reading subscription lists: OPML 1.0/2.0 (every `outline` with an `xmlUrl`, at any depth)
//! and newsboat's `urls` format (one URL a line, then optional "tags"; `#` comments).
//!
//! Tags: in OPML, the titles of the folders (outlines without a feed) a feed sits in, and the
//! OPML 2.0 `category` attribute (comma-separated; of a `/`-path, the last part). In a `urls`
//! file, the words and "quoted words" after the URL, except newsboat's `"~Title"` renames and
//! `!` hidden markers (any tag starting with `!`), which are not tags. A hidden feed is
//! subscribed like any other (tidings hides no feed), tagged `hidden`, and the import says so.
//!
//! A newsboat query feed (`"query:NAME:FILTER"`) becomes a saved view when its filter converts
//! (see `newsboat_query`), else a skipped line saying which part does not.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::model::sanitize;

/// One feed to subscribe to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub url: String,
    pub title: Option<String>,
    /// Sanitised, none blank, no two equal ignoring case.
    pub tags: Vec<String>,
    /// Hidden in newsboat (a `!` tag): tidings hides no feed, and says so.
    pub hidden: bool,
    /// The site's own page (OPML `htmlUrl`), kept until the feed names its own.
    pub site_url: Option<String>,
}

/// Cleans tags: sanitised, blank ones dropped, the first of those equal ignoring case kept.
fn clean_tags(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A set, not a scan of `out`: a hostile line of thousands of tags must stay linear.
    let mut folded = HashSet::new();
    for tag in tags {
        let tag = sanitize::line(&tag);
        if !tag.is_empty() && folded.insert(tag.to_lowercase()) {
            out.push(tag);
        }
    }
    out
}

/// The tags an OPML 2.0 `category` attribute gives: comma-separated, each the last part of a
/// `/`-path (`/Boston/Weather` is `Weather`).
fn categories(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').filter_map(|c| {
        c.split('/')
            .map(str::trim)
            .rfind(|part| !part.is_empty())
            .map(str::to_owned)
    })
}

/// A newsboat query feed made a saved view (`[[views]]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    /// The line of the urls file it came from.
    pub line: usize,
    /// Sanitised, not blank.
    pub name: String,
    /// In tidings' filter language, canonical: it parses back to the same query.
    pub filter: String,
}

/// A line of a urls file that gave neither a feed nor a view, and why (sanitised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub why: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// Everything a subscription list gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub subscriptions: Vec<Subscription>,
    pub views: Vec<SavedView>,
    pub skipped: Vec<Skipped>,
}

/// Why a subscription list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not valid OPML: {0}")]
    Opml(String),
}

/// Reads `text` as OPML when it looks like XML, else as a newsboat `urls` file: the feeds, the
/// saved views its query feeds make, and the lines skipped, with why, so the user can be told.
pub fn read_subscriptions(text: &str) -> Result<Imported, ImportError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        opml(trimmed).map(|subscriptions| Imported {
            subscriptions,
            ..Imported::default()
        })
    } else {
        Ok(urls(text))
    }
}

/// [`read_subscriptions`] as the tests look at it: the feeds, and the skipped lines in order,
/// among them the query feeds that make saved views, with their filter.
#[cfg(test)]
pub(super) fn parse_subscriptions(
    text: &str,
) -> Result<(Vec<Subscription>, Vec<String>), ImportError> {
    let Imported {
        subscriptions,
        views,
        mut skipped,
    } = read_subscriptions(text)?;
    skipped.extend(views.into_iter().map(|v| Skipped {
        line: v.line,
        why: format!(
            "query feed '{}' is not a feed; as a saved view its filter is: {}",
            v.name, v.filter
        ),
    }));
    skipped.sort_by_key(|s| s.line);
    Ok((
        subscriptions,
        skipped.iter().map(ToString::to_string).collect(),
    ))
}

/// One `outline` element's attributes that matter here.
#[derive(Default)]
struct Outline {
    url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    category: Option<String>,
    html_url: Option<String>,
}

fn outline(e: &quick_xml::events::BytesStart<'_>) -> Outline {
    let mut o = Outline::default();
    for attr in e.attributes().flatten() {
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_or_else(|_| attr.value.clone().into_owned(), Cow::into_owned);
        match attr.key.local_name().as_ref() {
            k if k.eq_ignore_ascii_case("xmlurl") => o.url = Some(value),
            "title" => o.title = Some(value),
            "text" => o.text = Some(value),
            "category" => o.category = Some(value),
            k if k.eq_ignore_ascii_case("htmlurl") => o.html_url = Some(value),
            _ => {}
        }
    }
    o
}

/// Longest parser message passed on: quick-xml quotes the input (a whole "tag" can be the
/// rest of the file).
const MAX_ERROR_CHARS: usize = 120;

/// A parser message as one sanitised line of at most `MAX_ERROR_CHARS` characters: it quotes
/// the file, and the file may carry escape sequences.
fn error_line(message: &str) -> String {
    let line = sanitize::line(message);
    match line.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

fn opml(text: &str) -> Result<Vec<Subscription>, ImportError> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut saw_opml = false;
    // The titles of the open outlines around the current one (None: a feed, or untitled).
    let mut folders: Vec<Option<String>> = Vec::new();
    loop {
        let (e, open) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(e)) => {
                if e.local_name().as_ref().eq_ignore_ascii_case("outline") {
                    folders.pop();
                }
                continue;
            }
            Ok(Event::Eof) => break,
            Ok(_) => continue,
            Err(e) => {
                let position = reader.buffer_position();
                return Err(ImportError::Opml(format!(
                    "{} (at byte {position})",
                    error_line(&e.to_string())
                )));
            }
        };
        let name = e.local_name();
        if name.as_ref().eq_ignore_ascii_case("opml") {
            saw_opml = true;
        }
        if !name.as_ref().eq_ignore_ascii_case("outline") {
            continue;
        }
        let o = outline(&e);
        let url = o.url.map(|u| sanitize::line(&u)).filter(|u| !u.is_empty());
        let title = o.title.or(o.text);
        if let Some(url) = &url {
            let tags = folders
                .iter()
                .flatten()
                .cloned()
                .chain(o.category.as_deref().into_iter().flat_map(categories));
            out.push(Subscription {
                url: url.clone(),
                title: title
                    .as_deref()
                    .map(sanitize::line)
                    .filter(|t| !t.is_empty()),
                tags: clean_tags(tags),
                hidden: false,
                site_url: o
                    .html_url
                    .as_deref()
                    .and_then(crate::model::bounds::web_link),
            });
        }
        if open {
            folders.push(if url.is_none() { title } else { None });
        }
    }
    if saw_opml {
        Ok(out)
    } else {
        Err(ImportError::Opml("no <opml> element".into()))
    }
}

/// The tags after the URL on a `urls` line: words and "quoted words", without newsboat's
/// `"~Title"` renames and `!` hidden markers (newsboat takes any tag starting with `!` for one).
fn urls_tags(rest: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let (token, after) = if let Some(quoted) = rest.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        if !token.starts_with(['~', '!']) {
            tags.push(token.to_owned());
        }
        rest = after.trim_start();
    }
    clean_tags(tags)
}

/// Whether a urls line carries newsboat's hidden marker (a tag starting with `!`).
fn urls_hidden(rest: &str) -> bool {
    rest.split_whitespace()
        .any(|t| t.trim_start_matches('"').starts_with('!'))
}

/// newsboat's `"~Title"` rename on a urls line, if any.
fn urls_title(rest: &str) -> Option<String> {
    let at = rest.find("\"~")?;
    let title = &rest[at + 2..];
    let title = &title[..title.find('"').unwrap_or(title.len())];
    let title = sanitize::line(title);
    (!title.is_empty()).then_some(title)
}

/// The first token of a urls line as newsboat reads it: a "quoted string" (with its `\"`,
/// `\\`, `\n`, `\t`, `\r` escapes), else up to the first space; and whether it was quoted.
fn first_token(line: &str) -> (String, bool) {
    let Some(quoted) = line.strip_prefix('"') else {
        let end = line.find(char::is_whitespace).unwrap_or(line.len());
        return (line[..end].to_owned(), false);
    };
    let mut token = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => token.push('\n'),
                Some('t') => token.push('\t'),
                Some('r') => token.push('\r'),
                Some(other) => token.push(other),
                None => {}
            },
            c => token.push(c),
        }
    }
    (token, true)
}

/// A query feed line as a saved view, or why not.
fn query_line(line: &str, n: usize) -> Result<SavedView, Skipped> {
    let (token, quoted) = first_token(line);
    let skip = |why: String| Skipped { line: n, why };
    let (name, filter) = super::newsboat_query::query_feed(&token).map_err(|why| {
        if quoted || line.len() == token.len() {
            skip(why)
        } else {
            skip(format!(
                "{why} (newsboat reads an unquoted line up to its first space: put the whole \
                 query in double quotes)"
            ))
        }
    })?;
    Ok(SavedView {
        line: n,
        name,
        filter,
    })
}

/// Why a urls line that is not a feed was left alone.
fn urls_refusal(line: &str) -> Option<String> {
    let unquoted = line.trim_start_matches('"');
    let lower = unquoted.to_ascii_lowercase();
    if lower.starts_with("exec:") || lower.starts_with("filter:") {
        return Some(format!(
            "'{}' runs a program: tidings never runs commands from a subscription list",
            sanitize::line(&unquoted[..=unquoted.find(':').unwrap_or(0)])
        ));
    }
    None
}

fn urls(text: &str) -> Imported {
    let mut out = Imported::default();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = line.split_whitespace().next().unwrap_or_default();
        let rest = &line[url.len()..];
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("file://")
        {
            out.subscriptions.push(Subscription {
                url: sanitize::line(url),
                title: urls_title(rest),
                tags: urls_tags(rest),
                hidden: urls_hidden(rest),
                site_url: None,
            });
        } else if line
            .trim_start_matches('"')
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case("query:"))
        {
            match query_line(line, n) {
                Ok(view) => out.views.push(view),
                Err(skipped) => out.skipped.push(skipped),
            }
        } else if let Some(why) = urls_refusal(line) {
            out.skipped.push(Skipped { line: n, why });
        } else {
            out.skipped.push(Skipped {
                line: n,
                why: format!("'{}' is not an http(s) or file URL", sanitize::line(url)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_outlines_at_any_depth() {
        let text = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Tech">
    <outline type="rss" text="A &amp; B" xmlUrl="https://a.example/feed?x=1&amp;y=2"/>
    <outline text="Deeper"><outline title="C" xmlUrl="https://c.example/rss"/></outline>
  </outline>
  <outline text="no url"/>
</body></opml>"#;
        let (subs, skipped) = parse_subscriptions(text).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(
            subs,
            vec![
                Subscription {
                    url: "https://a.example/feed?x=1&y=2".into(),
                    title: Some("A & B".into()),
                    tags: vec!["Tech".into()],
                    hidden: false,
                    site_url: None,
                },
                Subscription {
                    url: "https://c.example/rss".into(),
                    title: Some("C".into()),
                    tags: vec!["Tech".into(), "Deeper".into()],
                    hidden: false,
                    site_url: None,
                },
            ]
        );
    }

    #[test]
    fn broken_opml_is_an_error_with_a_position() {
        let err = parse_subscriptions("<opml><body><outline xmlUrl='x'></body>").unwrap_err();
        assert!(err.to_string().starts_with("not valid OPML"), "{err}");
    }

    /// Found by fuzzing (`fuzz/regressions/subscriptions/opml-error-quotes-controls`): the
    /// error quoted the file's control characters and newlines, and all of a long "tag".
    #[test]
    fn opml_error_with_controls_in_the_quoted_tag_is_one_short_line() {
        let text = format!(
            "<opml><body></a\n\u{1b}[2J\0{}></body></opml>",
            "x".repeat(1000)
        );
        let err = parse_subscriptions(&text).unwrap_err().to_string();
        assert_eq!(sanitize::line(&err), err);
        assert!(err.chars().count() < 200, "{err}");
        assert!(err.ends_with("… (at byte 1022)"), "{err}");
    }

    /// Found by fuzzing (`fuzz/regressions/subscriptions/urls-line-of-many-tags`): each tag was
    /// compared with every tag before it, so a line of 30,000 tags took seconds.
    #[test]
    fn a_urls_line_of_many_tags_is_linear() {
        use std::fmt::Write as _;

        let mut line = "https://a.example/".to_owned();
        for i in 0..30_000 {
            write!(line, " t{i} T{i}").unwrap();
        }
        let (subs, _) = parse_subscriptions(&line).unwrap();
        assert_eq!(subs[0].tags.len(), 30_000);
        assert_eq!(subs[0].tags[..2], ["t0", "t1"]);
    }

    #[test]
    fn xml_that_is_not_opml_is_refused() {
        assert!(parse_subscriptions("<rss><channel/></rss>").is_err());
    }

    #[test]
    fn newsboat_urls_with_tags_comments_and_query_feeds() {
        let text = "# my feeds\nhttps://a.example/feed \"tech\" \"~A\"\n\n  http://b.example/rss\nquery:unread:unread = \"yes\"\nfile:///tmp/x.xml\n";
        let (subs, skipped) = parse_subscriptions(text).unwrap();
        let urls: Vec<_> = subs.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://a.example/feed",
                "http://b.example/rss",
                "file:///tmp/x.xml"
            ]
        );
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].starts_with("line 5:"), "{skipped:?}");
    }

    #[test]
    fn opml_folders_and_categories_become_tags() {
        let text = r#"<opml version="2.0"><body>
  <outline title="News" text="ignored when a title is given">
    <outline text="Local &#27;[2J">
      <outline text="A" xmlUrl="https://a.example/" category="/Boston/Weather, /Harvard/Food/,news"/>
    </outline>
    <outline text="B" xmlUrl="https://b.example/"/>
  </outline>
  <outline text="C" xmlUrl="https://c.example/"><outline text="D" xmlUrl="https://d.example/"/></outline>
  <outline text="E" xmlUrl="https://e.example/" category=""/>
</body></opml>"#;
        let (subs, _) = parse_subscriptions(text).unwrap();
        let tags: Vec<(&str, Vec<&str>)> = subs
            .iter()
            .map(|s| {
                let tags = s.tags.iter().map(String::as_str).collect();
                (s.title.as_deref().unwrap(), tags)
            })
            .collect();
        assert_eq!(
            tags,
            [
                ("A", vec!["News", "Local [2J", "Weather", "Food"]),
                ("B", vec!["News"]),
                // A feed outline is not a folder for what it holds.
                ("C", vec![]),
                ("D", vec![]),
                ("E", vec![]),
            ]
        );
    }

    #[test]
    fn newsboat_tags_skip_renames_and_hidden_markers() {
        let text = "https://a.example/ tech \"long tag\" \"~A title\" ! \"!\" !mine Tech news\n\
                    https://b.example/\n\
                    https://c.example/ \"unclosed tag\n";
        let (subs, _) = parse_subscriptions(text).unwrap();
        // newsboat hides a feed with any tag starting with `!`, and takes none of them for a tag.
        assert_eq!(subs[0].tags, ["tech", "long tag", "news"]);
        assert!(subs[1].tags.is_empty());
        assert_eq!(subs[2].tags, ["unclosed tag"]);
    }

    #[test]
    fn hostile_titles_are_sanitised() {
        let text = "<opml><body><outline title=\"x&#27;[2Jy\" xmlUrl=\"https://a.example/\"/></body></opml>";
        let (subs, _) = parse_subscriptions(text).unwrap();
        assert_eq!(subs[0].title.as_deref(), Some("x[2Jy"));
    }

    /// The urls file next to the newsboat cache fixture, as newsboat users write them.
    #[test]
    fn newsboat_renames_hidden_feeds_queries_and_commands() {
        let text = include_str!("../../tests/fixtures/newsboat/urls");
        let imported = read_subscriptions(text).unwrap();
        assert_eq!(
            imported.views,
            [SavedView {
                line: 4,
                name: "Unread tech".into(),
                filter: "unread tag:tech".into(),
            }]
        );
        assert_eq!(imported.skipped.len(), 2, "{:?}", imported.skipped);
        // For callers that only subscribe, the view is a skipped line, in its place.
        let (subs, skipped) = parse_subscriptions(text).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].title.as_deref(), Some("My One"));
        assert_eq!(subs[0].tags, ["tech"]);
        assert_eq!(subs[1].tags, ["news"], "the ! (hidden) marker is not a tag");
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert_eq!(
            skipped[0],
            "line 4: query feed 'Unread tech' is not a feed; as a saved view its filter is: \
             unread tag:tech"
        );
        assert!(skipped[1].contains("'exec:' runs a program"), "{skipped:?}");
        assert!(
            skipped[2].contains("'filter:' runs a program"),
            "{skipped:?}"
        );
    }

    #[test]
    fn query_feeds_become_views_or_say_why_not() {
        let text = r#""query:Starred week:flags # \"s\" and age < 7" tag-on-a-query
"query:Regex:title =~ \"^Rust\""
query:unread:unread = "yes"
"QUERY:Named\\:title =~ \"a\\.b\""
"query:x\ty:unread = \"yes\""
"query: :unread = \"yes\""
"#;
        let imported = read_subscriptions(text).unwrap();
        let views: Vec<(usize, &str, &str)> = imported
            .views
            .iter()
            .map(|v| (v.line, v.name.as_str(), v.filter.as_str()))
            .collect();
        assert_eq!(
            views,
            [
                (1, "Starred week", "starred since:1w"),
                (4, "Named\\", "title:a.b"),
                // A tab from the \t escape: names are one clean line.
                (5, "x y", "unread"),
            ]
        );
        let skipped: Vec<String> = imported.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(
            skipped[0].starts_with("line 2: query feed 'Regex' cannot be a saved view: `"),
            "{skipped:?}"
        );
        assert!(skipped[0].contains("not plain text"), "{skipped:?}");
        assert!(
            skipped[1].starts_with("line 3: query feed 'unread'"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].contains("put the whole query in double quotes"),
            "{skipped:?}"
        );
        assert!(skipped[2].contains("no name"), "{skipped:?}");
    }

    #[test]
    fn first_tokens_unquote_as_newsboat_does() {
        assert_eq!(
            first_token(r#""a \"b\" \\ \n\x" tag"#),
            ("a \"b\" \\ \nx".to_owned(), true)
        );
        assert_eq!(
            first_token("query:a:b = 1 tag"),
            ("query:a:b".to_owned(), false)
        );
        assert_eq!(first_token("\"open"), ("open".to_owned(), true));
    }
}
