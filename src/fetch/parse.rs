//! Feed documents (RSS, Atom, JSON Feed) → `IncomingFeed`, through feed-rs, normalised:
//! stable keys, link and author fallbacks, relative links resolved, text sanitised. Uses
//! `model` (types and `sanitize`) and feed-rs.
//!
//! feed-rs invents an id for every entry that has none (a hash of link and title, or a random
//! UUID). We register an id generator that returns the empty string instead, so an empty id
//! after parsing means "the document gave none" and our own, deterministic key takes over.

mod prelude;

use std::panic::{self, AssertUnwindSafe};

use feed_rs::model::{Entry, Feed, FeedType};
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

use super::normalize::{
    TextKind, entry_key, first_author, pick_link, plain_line, resolve_http, text_to_html,
};
use crate::model::{IncomingEntry, IncomingFeed, sanitize};

/// Why a document could not be read as a feed (one line, shown to the user).
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("empty document")]
    Empty,
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The document looked like a feed but feed-rs rejected it; the message is one short line.
    #[error("could not parse feed: {0}")]
    Invalid(String),
    #[error("the feed parser crashed on this document")]
    Panicked,
}

/// The title given to entries that have none.
pub const UNTITLED: &str = "(untitled)";

const HTML_PAGE: &str = "looks like an HTML page, not a feed";
/// Longest error detail we pass on; parser messages can quote whole chunks of the document.
const MAX_MESSAGE_CHARS: usize = 160;

/// Parses `bytes` read from `feed_url` when there is no HTTP `Content-Type` (a file, a test).
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<IncomingFeed, ParseError> {
    parse_document(bytes, feed_url, None)
}

/// Parses `bytes` fetched from `feed_url`; `content_type` is the response's `Content-Type`
/// header, whose charset counts when decoding.
pub fn parse_document(
    bytes: &[u8],
    feed_url: &str,
    content_type: Option<&str>,
) -> Result<IncomingFeed, ParseError> {
    let _ = content_type;
    let doc = prelude::prepare(bytes).ok_or(ParseError::Empty)?;
    let doc = doc.as_ref();
    if looks_like_html(doc) {
        return Err(ParseError::NotAFeed(HTML_PAGE.to_owned()));
    }
    let base = Url::parse(feed_url).ok();
    let feed = run_feed_rs(doc, base.as_ref()).map_err(|e| match e {
        ParseError::NotAFeed(_) if mentions_html(doc) => ParseError::NotAFeed(HTML_PAGE.to_owned()),
        e => e,
    })?;
    Ok(normalize_feed(&feed, base.as_ref()))
}

/// The document declares itself HTML, or its root element is `<html>`.
fn looks_like_html(doc: &[u8]) -> bool {
    let head: Vec<u8> = doc.iter().take(1024).map(u8::to_ascii_lowercase).collect();
    prelude::find(&head, b"<!doctype html").is_some()
        || prelude::root_element(doc)
            .is_some_and(|root| root.len() >= 5 && root[..5].eq_ignore_ascii_case(b"<html"))
}

/// A weaker hint, used only once feed-rs found no feed root: an `<html` tag near the start.
fn mentions_html(doc: &[u8]) -> bool {
    let head: Vec<u8> = doc.iter().take(4096).map(u8::to_ascii_lowercase).collect();
    prelude::find(&head, b"<html").is_some()
}

/// Runs feed-rs, turning its panics and errors into our one-line errors.
fn run_feed_rs(doc: &[u8], base: Option<&Url>) -> Result<Feed, ParseError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        // An empty id marks "none in the document" (see the module docs).
        .id_generator(|_, _, _| String::new())
        .build();
    // feed-rs and quick-xml have panicked on hostile input before; one bad feed must not take
    // the refresh down. The default hook still prints the panic to stderr.
    let result = panic::catch_unwind(AssertUnwindSafe(|| parser.parse(doc)))
        .map_err(|_| ParseError::Panicked)?;
    result.map_err(|e| match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            ParseError::NotAFeed("no RSS, Atom or JSON Feed root element".to_owned())
        }
        ParseFeedError::JsonUnsupportedVersion(v) => {
            ParseError::Invalid(shorten(&format!("unsupported JSON Feed version {v}")))
        }
        other => ParseError::Invalid(shorten(&other.to_string())),
    })
}

/// One sanitised line of at most `MAX_MESSAGE_CHARS` characters.
fn shorten(msg: &str) -> String {
    let line = sanitize::line(msg);
    match line.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

fn normalize_feed(feed: &Feed, base: Option<&Url>) -> IncomingFeed {
    let rss = matches!(
        feed.feed_type,
        FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2
    );
    IncomingFeed {
        title: feed
            .title
            .as_ref()
            .and_then(|t| plain_line(&t.content, TextKind::of(t, rss))),
        site_url: pick_link(&feed.links, base, false),
        entries: feed
            .entries
            .iter()
            .map(|e| normalize_entry(e, base, rss))
            .collect(),
    }
}

fn normalize_entry(entry: &Entry, base: Option<&Url>, rss: bool) -> IncomingEntry {
    let guid = plain_line(&entry.id, TextKind::Plain);
    let link = pick_link(&entry.links, base, true).or_else(|| {
        // RSS readers have long treated an http(s) guid as the permalink when there is no <link>.
        guid.as_deref()
            .filter(|_| rss)
            .and_then(|g| resolve_http(g, None))
    });
    // Podcast and video feeds sometimes title an item only through `media:title`.
    let media_title = entry.media.iter().filter_map(|m| m.title.as_ref());
    let title = entry
        .title
        .iter()
        .chain(media_title)
        .find_map(|t| plain_line(&t.content, TextKind::of(t, rss)))
        .unwrap_or_else(|| UNTITLED.to_owned());
    let content_html = content_html(entry);
    let dated = entry.published.or(entry.updated);
    let key = entry_key(
        guid.as_deref(),
        link.as_deref(),
        &title,
        &dated.map(|d| d.to_rfc3339()).unwrap_or_default(),
        &content_html,
    );
    IncomingEntry {
        key,
        guid,
        title,
        link,
        author: first_author(&entry.authors),
        published: entry.published,
        updated: entry.updated,
        content_html,
    }
}

/// The body as HTML: the content, else the summary, else a media description (`YouTube`).
fn content_html(entry: &Entry) -> String {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref().map(|b| (b, c.content_type.as_str())));
    let summary = entry
        .summary
        .as_ref()
        .map(|s| (s.content.as_str(), s.content_type.as_str()));
    let media = entry
        .media
        .iter()
        .find_map(|m| m.description.as_ref())
        .map(|d| (d.content.as_str(), d.content_type.as_str()));
    [content, summary, media]
        .into_iter()
        .flatten()
        .find(|(body, _)| !body.trim().is_empty())
        .map(|(body, ty)| {
            if ty.starts_with("text/plain") {
                text_to_html(body)
            } else {
                body.to_owned()
            }
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.com/blog/feed.xml";

    fn rss(items: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Blog &amp; co</title>
            <link>https://example.com/</link>{items}</channel></rss>"#
        )
    }

    fn parse(doc: &str) -> IncomingFeed {
        parse_feed(doc.as_bytes(), URL).expect("parses")
    }

    fn one(doc: &str) -> IncomingEntry {
        let mut feed = parse(doc);
        assert_eq!(feed.entries.len(), 1);
        feed.entries.remove(0)
    }

    #[test]
    fn empty_and_blank_documents_are_empty() {
        assert!(matches!(parse_feed(b"", URL), Err(ParseError::Empty)));
        assert!(matches!(
            parse_feed(b"\xEF\xBB\xBF  \n\t", URL),
            Err(ParseError::Empty)
        ));
        assert_eq!(ParseError::Empty.to_string(), "empty document");
    }

    #[test]
    fn html_pages_are_named_as_such() {
        for doc in [
            "<!DOCTYPE html><html><body>x</body></html>",
            "<?xml version=\"1.0\"?>\n<!-- c --><HTML></HTML>",
        ] {
            let err = parse_feed(doc.as_bytes(), URL).expect_err("html");
            assert_eq!(
                err.to_string(),
                "not a feed: looks like an HTML page, not a feed"
            );
        }
    }

    #[test]
    fn other_documents_are_not_feeds() {
        let err = parse_feed(b"<note><to>x</to></note>", URL).expect_err("no root");
        assert!(matches!(err, ParseError::NotAFeed(_)), "{err}");
        assert!(matches!(
            parse_feed(b"hello", URL),
            Err(ParseError::NotAFeed(_))
        ));
    }

    #[test]
    fn broken_xml_gives_one_short_line() {
        let err = parse_feed(
            b"<rss version=\"2.0\"><channel><item><title>x</tit></item>",
            URL,
        )
        .expect_err("bad");
        let msg = err.to_string();
        assert!(matches!(err, ParseError::Invalid(_)), "{msg}");
        assert!(!msg.contains('\n') && msg.chars().count() < 200, "{msg}");
    }

    #[test]
    fn bom_and_leading_junk_are_skipped() {
        let doc = format!(
            "\u{feff}\n<b>Warning</b>: headers already sent<br />\n{}",
            rss("<item><guid>g</guid></item>")
        );
        assert_eq!(parse(&doc).entries.len(), 1);
        let doc = format!(
            "view-source junk {}",
            rss("<item><guid>g</guid></item>").replace("<?xml version=\"1.0\"?>", "")
        );
        assert_eq!(parse(&doc).entries.len(), 1);
    }

    #[test]
    fn feed_title_and_site_url_are_normalised() {
        let feed = parse(&rss(""));
        assert_eq!(feed.title.as_deref(), Some("Blog & co"));
        assert_eq!(feed.site_url.as_deref(), Some("https://example.com/"));
    }

    #[test]
    fn guid_is_the_key() {
        let e = one(&rss(
            "<item><guid isPermaLink=\"false\">tag:1</guid><link>https://example.com/1</link></item>",
        ));
        assert_eq!(
            (e.guid.as_deref(), e.key.as_str()),
            (Some("tag:1"), "tag:1")
        );
        assert_eq!(e.link.as_deref(), Some("https://example.com/1"));
    }

    #[test]
    fn missing_ids_are_not_invented() {
        let e = one(&rss(
            "<item><title>t</title><link>https://example.com/1</link></item>",
        ));
        assert_eq!((e.guid, e.key.as_str()), (None, "https://example.com/1"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <entry><title>no id</title><link href="/a/1"/></entry></feed>"#;
        let e = one(atom);
        assert_eq!((e.guid, e.key.as_str()), (None, "https://example.com/a/1"));
    }

    #[test]
    fn entries_without_guid_or_link_get_a_stable_hash() {
        let doc = rss(
            "<item><description>only a description 0</description></item>\
                       <item><description>only a description 1</description></item><item></item>",
        );
        let keys = |f: IncomingFeed| f.entries.into_iter().map(|e| e.key).collect::<Vec<_>>();
        let first = keys(parse(&doc));
        assert_eq!(first, keys(parse(&doc)));
        assert!(first.iter().all(|k| k.starts_with("fnv1a:")), "{first:?}");
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn relative_links_resolve_against_the_feed_url() {
        let e = one(&rss("<item><guid>g</guid><link>../posts/1</link></item>"));
        assert_eq!(e.link.as_deref(), Some("https://example.com/posts/1"));
    }

    #[test]
    fn dangerous_links_are_dropped() {
        let e = one(&rss(
            "<item><guid>g</guid><link>javascript:alert(1)</link></item>",
        ));
        assert_eq!(e.link, None);
    }

    #[test]
    fn rss_permalink_guid_is_the_fallback_link() {
        let e = one(&rss("<item><guid>https://example.com/p/1</guid></item>"));
        assert_eq!(e.link.as_deref(), Some("https://example.com/p/1"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>https://example.com/id</id></entry></feed>"#;
        assert_eq!(one(atom).link, None);
    }

    #[test]
    fn titles_are_plain_sanitised_text() {
        let e = one(&rss(
            "<item><guid>g</guid><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; \u{1b}[2Jmore</title></item>",
        ));
        assert_eq!(e.title, "Bold & [2Jmore");
        let e = one(&rss("<item><guid>g</guid><title>1 &lt; 2</title></item>"));
        assert_eq!(e.title, "1 < 2");
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <title type="text">History of the &lt;blink&gt; tag</title></entry></feed>"#;
        assert_eq!(one(atom).title, "History of the <blink> tag");
    }

    #[test]
    fn media_titles_stand_in_for_missing_titles() {
        let item = "<item xmlns:media=\"http://search.yahoo.com/mrss/\"><guid>g</guid>\
                    <media:content url=\"https://example.com/1.mp3\" type=\"audio/mpeg\"/>\
                    <media:title>Episode 1</media:title></item>";
        assert_eq!(one(&rss(item)).title, "Episode 1");
    }

    #[test]
    fn missing_titles_read_untitled() {
        assert_eq!(
            one(&rss("<item><guid>g</guid><title> </title></item>")).title,
            UNTITLED
        );
    }

    #[test]
    fn author_is_the_first_name_or_email() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <author><email>a@example.com</email></author><author><name>B</name></author></entry></feed>"#;
        assert_eq!(one(atom).author.as_deref(), Some("B"));
        let atom = atom.replace("<author><name>B</name></author>", "");
        assert_eq!(one(&atom).author.as_deref(), Some("a@example.com"));
    }

    #[test]
    fn published_and_updated_are_kept_apart() {
        // The store dates the entry by `updated` when there is no `published`; the parse
        // reports what the document says, as the corpus expectations do.
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <updated>2024-03-01T10:00:00Z</updated></entry></feed>"#;
        let e = one(atom);
        assert_eq!(e.published, None);
        assert_eq!(
            e.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-01T10:00:00+00:00")
        );
    }

    #[test]
    fn content_prefers_body_then_summary() {
        let both = rss("<item><guid>g</guid><description>sum</description>\
            <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&lt;p&gt;body&lt;/p&gt;</content:encoded></item>");
        assert_eq!(one(&both).content_html, "<p>body</p>");
        assert_eq!(
            one(&rss(
                "<item><guid>g</guid><description>&lt;i&gt;s&lt;/i&gt;</description></item>"
            ))
            .content_html,
            "<i>s</i>"
        );
        assert_eq!(one(&rss("<item><guid>g</guid></item>")).content_html, "");
    }

    #[test]
    fn plain_text_content_is_escaped_as_html() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <summary type="text">a &lt; b</summary></entry></feed>"#;
        assert_eq!(one(atom).content_html, "a &lt; b");
    }

    #[test]
    fn json_feeds_parse() {
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://j.example/",
            "items":[{"id":"1","url":"/p/1","title":"T","content_text":"x<y","authors":[{"name":"N"}]}]}"#;
        let feed = parse(json);
        assert_eq!(feed.title.as_deref(), Some("J"));
        let e = &feed.entries[0];
        assert_eq!(
            (e.key.as_str(), e.title.as_str(), e.author.as_deref()),
            ("1", "T", Some("N"))
        );
        assert_eq!(e.link.as_deref(), Some("https://example.com/p/1"));
        assert_eq!(e.content_html, "x&lt;y");
    }
}
